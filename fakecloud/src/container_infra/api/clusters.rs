//! `/v1/clusters`: list, detail, show (by name or uuid: the server resolves either), create (202
//! with the uuid), update (JSON patch: node_count; health for admins), resize and delete.

use super::common::Magnum;
use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::container_infra::conductor::NewCluster;
use crate::container_infra::model::*;
use crate::container_infra::views;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::http::microversion::Microversion;
use crate::policy::{enforce, Target};
use crate::world::World;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{json, Value};

fn target(c: &Cluster) -> Target<'_> {
    Target { project_id: Some(&c.project_id), user_id: None }
}

fn listed<'a>(w: &'a World, caller: &Caller, params: &Params) -> Result<Vec<&'a Cluster>, ApiError> {
    let mut items: Vec<&Cluster> = w.magnum.clusters.values().filter(|c| visible(caller, &c.project_id)).collect();
    items.sort_by_key(|c| c.seq);
    page(items, params, |c| &c.uuid)
}

pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Microversion(v, ..): Microversion<Magnum>,
    params: Params,
) -> ApiResult {
    enforce(SVC, &caller, "cluster:get_all", own(&caller))?;
    let w = s.world();
    let items: Vec<_> = listed(&w, &caller, &params)?.into_iter().map(|c| views::cluster_summary(c, &base)).collect();
    Ok(reply(v, StatusCode::OK, &json!({"clusters": items, "next": null})))
}

pub async fn detail(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Microversion(v, ..): Microversion<Magnum>,
    params: Params,
) -> ApiResult {
    enforce(SVC, &caller, "cluster:detail", own(&caller))?;
    let w = s.world();
    let items: Vec<_> = listed(&w, &caller, &params)?.into_iter().map(|c| views::cluster_detail(&w, c, &base)).collect();
    Ok(reply(v, StatusCode::OK, &json!({"clusters": items, "next": null})))
}

pub async fn show(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Microversion(v, ..): Microversion<Magnum>,
    Path(id): Path<String>,
) -> ApiResult {
    let w = s.world();
    let c = cluster_for(&w, &caller, &id)?;
    enforce(SVC, &caller, "cluster:get", target(c))?;
    Ok(reply(v, StatusCode::OK, &views::cluster_detail(&w, c, &base)))
}

const CREATE_FIELDS: &[&str] = &[
    "name",
    "cluster_template_id",
    "keypair",
    "node_count",
    "master_count",
    "docker_volume_size",
    "labels",
    "master_flavor_id",
    "flavor_id",
    "create_timeout",
    "discovery_url",
    "merge_labels",
    "fixed_network",
    "fixed_subnet",
    "floating_ip_enabled",
    "master_lb_enabled",
];

pub async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Magnum>,
    JsonBody(raw): JsonBody<Value>,
) -> ApiResult {
    enforce(SVC, &caller, "cluster:create", own(&caller))?;
    let obj = object_with(&raw, "cluster", CREATE_FIELDS)?;
    let project = caller.project_id.clone().ok_or_else(|| bad("A project-scoped token is required."))?;
    let mut w = s.world();
    // Everything is checked before anything is made.
    let ident = opt_str(obj, "cluster_template_id")?
        .ok_or_else(|| bad("Invalid input for field/attribute cluster_template_id. Value: 'None'. Mandatory field missing."))?;
    let template = template_for(&w, &caller, &ident).map_err(|e| bad(e.message))?.clone();
    let name = match opt_str(obj, "name")? {
        Some(n) if valid_name(&n) => n,
        Some(n) => return Err(bad(format!("Invalid input for field/attribute name. Value: '{n}'. Invalid name"))),
        None => format!("{}-{}", template.name, &w.sim.ids.hex()[..8]),
    };
    let min_nodes = if v.at_least(1, 10) { 0 } else { 1 };
    let node_count = opt_count(obj, "node_count", min_nodes)?.unwrap_or(1);
    let master_count = opt_count(obj, "master_count", 1)?.unwrap_or(1);
    let create_timeout = opt_count(obj, "create_timeout", 0)?.unwrap_or(60);
    let docker_volume_size = opt_count(obj, "docker_volume_size", 1)?.or(template.docker_volume_size);
    let flavor = |key: &str, default: &Option<String>| -> Result<Option<String>, ApiError> {
        match opt_str(obj, key)? {
            None => Ok(default.clone()),
            Some(f) => w
                .compute
                .usable_flavor(&f, &project, caller.is_admin())
                .map(|f| Some(f.id.clone()))
                .ok_or_else(|| bad(format!("Unable to find flavor {f}."))),
        }
    };
    let flavor_id = flavor("flavor_id", &template.flavor_id)?;
    let master_flavor_id = flavor("master_flavor_id", &template.master_flavor_id)?;
    let keypair = opt_str(obj, "keypair")?.or(template.keypair_id.clone());
    if let Some(k) = &keypair {
        if !w.compute.keypairs.iter().any(|kp| &kp.name == k && kp.user_id == caller.user_id) {
            return Err(ApiError::not_found(SVC, format!("Unable to find keypair {k}.")));
        }
    }
    let mut labels = template.labels.clone();
    let merge = opt_bool(obj, "merge_labels")?.unwrap_or(false);
    if let Some(given) = opt_labels(obj)? {
        if !merge {
            labels.clear();
        }
        labels.extend(given);
    }
    let fixed_network = opt_str(obj, "fixed_network")?.or(template.fixed_network.clone());
    let fixed_subnet = opt_str(obj, "fixed_subnet")?.or(template.fixed_subnet.clone());
    let floating_ip_enabled = opt_bool(obj, "floating_ip_enabled")?.unwrap_or(template.floating_ip_enabled);
    let master_lb_enabled = opt_bool(obj, "master_lb_enabled")?.unwrap_or(template.master_lb_enabled);
    // Magnum's `StringType(min_length=1, max_length=255)`; the capi-helm driver has no etcd
    // discovery to use it for.
    opt_str_within(obj, "discovery_url", 255)?;
    let uuid = w.create_cluster(NewCluster {
        name,
        project_id: project,
        user_id: caller.user_id.clone(),
        template,
        keypair,
        master_count,
        node_count,
        labels,
        flavor_id,
        master_flavor_id,
        docker_volume_size,
        create_timeout,
        fixed_network,
        fixed_subnet,
        floating_ip_enabled,
        master_lb_enabled,
    });
    Ok(reply(v, StatusCode::ACCEPTED, &json!({ "uuid": uuid })))
}

/// Statuses a cluster may be updated or resized from (magnum's conductor refuses the rest).
const UPDATABLE: &[&str] = &[
    CREATE_COMPLETE,
    UPDATE_COMPLETE,
    UPDATE_FAILED,
    "RESUME_COMPLETE",
    "RESTORE_COMPLETE",
    "ROLLBACK_COMPLETE",
    "SNAPSHOT_COMPLETE",
    "CHECK_COMPLETE",
    "ADOPT_COMPLETE",
];

fn updatable(c: &Cluster) -> Result<(), ApiError> {
    if UPDATABLE.contains(&c.status.as_str()) {
        Ok(())
    } else {
        Err(bad(format!("Updating a cluster when status is \"{}\" is not supported", c.status)))
    }
}

/// `PATCH`: a JSON patch. `replace /node_count` scales the default worker group; admins may also
/// replace `/health_status` and `/health_status_reason` (policy `cluster:update_health_status`).
pub async fn update(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Magnum>,
    Path(id): Path<String>,
    JsonBody(raw): JsonBody<Value>,
) -> ApiResult {
    let mut w = s.world();
    let c = cluster_for(&w, &caller, &id)?;
    enforce(SVC, &caller, "cluster:update", target(c))?;
    let ops =
        raw.as_array().ok_or_else(|| bad("Invalid input for field/attribute patch. The body must be a list of JSON patch operations."))?;
    let (uuid, mut node_count, mut health, mut reason) = (c.uuid.clone(), None, None, None);
    for op in ops {
        let kind = op.get("op").and_then(Value::as_str).unwrap_or_default();
        let path = op.get("path").and_then(Value::as_str).unwrap_or_default();
        if kind != "replace" {
            return Err(bad(format!("Invalid input for field/attribute op. Value: '{kind}'. Value should be one of: replace")));
        }
        let value = op.get("value").ok_or_else(|| bad(format!("'value' is a required property for {path}")))?;
        match path {
            "/node_count" => {
                let n = value.as_u64().or_else(|| value.as_str().and_then(|s| s.parse().ok()));
                node_count = Some(n.filter(|n| *n <= i32::MAX as u64).ok_or_else(|| {
                    bad(format!("Invalid input for field/attribute node_count. Value: '{value}'. Value should be greater or equal to 0"))
                })?);
            }
            "/health_status" | "/health_status_reason" => {
                enforce(SVC, &caller, "cluster:update_health_status", target(c))?;
                if path == "/health_status" {
                    let h = value.as_str().filter(|h| [HEALTHY, UNHEALTHY, "UNKNOWN"].contains(h));
                    health = Some(h.ok_or_else(|| bad(format!("Invalid input for field/attribute health_status. Value: '{value}'. Value should be one of: HEALTHY, UNHEALTHY, UNKNOWN")))?.to_string());
                } else {
                    let m = value.as_object().ok_or_else(|| bad(format!("Invalid input for field/attribute health_status_reason. Value: '{value}'. Wrong type. Expected '<class 'dict'>'")))?;
                    reason = Some(
                        m.iter().map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_string))).collect::<Vec<_>>(),
                    );
                }
            }
            other => return Err(bad(format!("Cannot update {other}: the attribute is read-only or unknown."))),
        }
    }
    if node_count.is_some() {
        updatable(c)?;
    }
    if let Some(h) = health {
        let c = w.magnum.clusters.get_mut(&uuid).expect("found above");
        c.health_status = Some(h);
    }
    if let Some(r) = reason {
        w.magnum.clusters.get_mut(&uuid).expect("found above").health_status_reason = r;
    }
    if let Some(n) = node_count {
        let ng = w.magnum.nodegroups_of(&uuid).find(|g| g.name == DEFAULT_WORKER).map(|g| g.uuid.clone());
        if let Some(ng) = ng {
            w.scale_nodegroup(&uuid, &ng, n, &[]);
        }
    }
    Ok(reply(v, StatusCode::ACCEPTED, &json!({ "uuid": uuid })))
}

pub async fn resize(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Magnum>,
    Path(id): Path<String>,
    JsonBody(raw): JsonBody<Value>,
) -> ApiResult {
    require(v, 7)?;
    let mut w = s.world();
    let c = cluster_for(&w, &caller, &id)?;
    enforce(SVC, &caller, "cluster:resize", target(c))?;
    let obj = object_with(&raw, "resize", &["node_count", "nodes_to_remove", "nodegroup"])?;
    let uuid = c.uuid.clone();
    let ng = match opt_str(obj, "nodegroup")? {
        Some(n) => {
            w.magnum.find_nodegroup(&uuid, &n).map_err(|_| ApiError::not_found(SVC, format!("Nodegroup {n} could not be found.")))?
        }
        None => w
            .magnum
            .nodegroups_of(&uuid)
            .find(|g| g.name == DEFAULT_WORKER)
            .ok_or_else(|| bad("The cluster has no default worker node group."))?,
    };
    let count = opt_count(obj, "node_count", ng.min_node_count)?
        .ok_or_else(|| bad("Invalid input for field/attribute node_count. Value: 'None'. Mandatory field missing."))?;
    if ng.max_node_count.is_some_and(|max| count > max) {
        return Err(bad(format!(
            "Resizing {} outside the allowed range: min_node_count = {}, max_node_count = {:?}",
            ng.name, ng.min_node_count, ng.max_node_count
        )));
    }
    let remove: Vec<String> = match obj.get("nodes_to_remove") {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(a)) if a.iter().all(Value::is_string) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
        Some(other) => {
            return Err(bad(format!(
                "Invalid input for field/attribute nodes_to_remove. Value: '{other}'. Wrong type. Expected a list of strings"
            )))
        }
    };
    updatable(c)?;
    let ng = ng.uuid.clone();
    w.scale_nodegroup(&uuid, &ng, count, &remove);
    Ok(reply(v, StatusCode::ACCEPTED, &json!({ "uuid": uuid })))
}

pub async fn delete(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Magnum>,
    Path(id): Path<String>,
) -> ApiResult {
    let mut w = s.world();
    let c = cluster_for(&w, &caller, &id)?;
    enforce(SVC, &caller, "cluster:delete", target(c))?;
    let uuid = c.uuid.clone();
    w.delete_cluster(&uuid);
    let mut resp = StatusCode::NO_CONTENT.into_response();
    version_headers(v, resp.headers_mut());
    Ok(resp)
}
