//! `/v1/clusters/{cluster}/nodegroups` (microversion 1.9 and later): list, show, create, delete.

use super::common::Magnum;
use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::container_infra::model::*;
use crate::container_infra::views;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::http::microversion::Microversion;
use crate::policy::{enforce, Target};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{json, Value};

fn target(project: &str) -> Target<'_> {
    Target { project_id: Some(project), user_id: None }
}

fn not_found(ident: &str) -> ApiError {
    ApiError::not_found(SVC, format!("Nodegroup {ident} could not be found."))
}

pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Microversion(v, ..): Microversion<Magnum>,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    require(v, 9)?;
    let w = s.world();
    let c = cluster_for(&w, &caller, &id)?;
    enforce(SVC, &caller, "nodegroup:get_all", target(&c.project_id))?;
    let mut items: Vec<&NodeGroup> = w.magnum.nodegroups_of(&c.uuid).collect();
    if let Some(role) = params.get("role") {
        items.retain(|n| n.role == role);
    }
    let detail = params.get("detail").is_some_and(|d| d.eq_ignore_ascii_case("true"));
    let body: Vec<Value> = page(items, &params, |n| &n.uuid)?
        .into_iter()
        .map(|n| if detail { views::nodegroup(n, &w, &base) } else { views::nodegroup_summary(n, &base) })
        .collect();
    Ok(reply(v, StatusCode::OK, &json!({"nodegroups": body, "next": null})))
}

pub async fn show(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Microversion(v, ..): Microversion<Magnum>,
    Path((id, ng)): Path<(String, String)>,
) -> ApiResult {
    require(v, 9)?;
    let w = s.world();
    let c = cluster_for(&w, &caller, &id)?;
    enforce(SVC, &caller, "nodegroup:get", target(&c.project_id))?;
    let n = w.magnum.find_nodegroup(&c.uuid, &ng).map_err(|_| not_found(&ng))?;
    Ok(reply(v, StatusCode::OK, &views::nodegroup(n, &w, &base)))
}

const CREATE_FIELDS: &[&str] = &[
    "name",
    "node_count",
    "flavor_id",
    "image_id",
    "role",
    "labels",
    "min_node_count",
    "max_node_count",
    "docker_volume_size",
    "merge_labels",
];

pub async fn create(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Microversion(v, ..): Microversion<Magnum>,
    Path(id): Path<String>,
    JsonBody(raw): JsonBody<Value>,
) -> ApiResult {
    require(v, 9)?;
    let mut w = s.world();
    let c = cluster_for(&w, &caller, &id)?;
    enforce(SVC, &caller, "nodegroup:create", target(&c.project_id))?;
    let obj = object_with(&raw, "nodegroup", CREATE_FIELDS)?;
    let name =
        opt_str(obj, "name")?.ok_or_else(|| bad("Invalid input for field/attribute name. Value: 'None'. Mandatory field missing."))?;
    if !valid_name(&name) {
        return Err(bad(format!("Invalid input for field/attribute name. Value: '{name}'. Invalid name")));
    }
    if w.magnum.nodegroups_of(&c.uuid).any(|n| n.name == name) {
        return Err(conflict(format!("A node group with name {name} already exists in the cluster {}.", c.name)));
    }
    let role = opt_str(obj, "role")?.unwrap_or_else(|| ROLE_WORKER.into());
    if role == ROLE_MASTER {
        return Err(bad("Creating master nodegroups is currently not supported."));
    }
    let min = opt_count(obj, "min_node_count", 0)?.unwrap_or(0);
    let count = opt_count(obj, "node_count", min)?.unwrap_or(1);
    let max = opt_count(obj, "max_node_count", count)?;
    let project = c.project_id.clone();
    let flavor_id = match opt_str(obj, "flavor_id")? {
        None => c.flavor_id.clone(),
        Some(f) => Some(
            w.compute
                .usable_flavor(&f, &project, caller.is_admin())
                .map(|f| f.id.clone())
                .ok_or_else(|| bad(format!("Unable to find flavor {f}.")))?,
        ),
    };
    let image = match opt_str(obj, "image_id")? {
        None => w.magnum.templates.get(&c.cluster_template_id).map(|t| t.image_id.clone()).unwrap_or_default(),
        Some(i) => w
            .image
            .find(&i, &project, caller.is_admin())
            .map(|i| i.id.clone())
            .ok_or_else(|| bad(format!("Image {i} could not be found.")))?,
    };
    if !["CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_FAILED"].contains(&c.status.as_str()) {
        return Err(bad(format!("Updating a cluster when status is \"{}\" is not supported", c.status)));
    }
    let labels = opt_labels(obj)?;
    let cluster = c.uuid.clone();
    let uuid = w.add_nodegroup(&cluster, &name, &role, count, flavor_id, &image, false);
    if let Some(n) = w.magnum.nodegroups.get_mut(&uuid) {
        n.min_node_count = min;
        n.max_node_count = max;
        if let Some(l) = labels {
            n.labels = l;
        }
    }
    w.add_machine_deployment(&cluster, &uuid);
    let n = &w.magnum.nodegroups[&uuid];
    Ok(reply(v, StatusCode::ACCEPTED, &views::nodegroup(n, &w, &base)))
}

pub async fn delete(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Magnum>,
    Path((id, ng)): Path<(String, String)>,
) -> ApiResult {
    require(v, 9)?;
    let mut w = s.world();
    let c = cluster_for(&w, &caller, &id)?;
    enforce(SVC, &caller, "nodegroup:delete", target(&c.project_id))?;
    let n = w.magnum.find_nodegroup(&c.uuid, &ng).map_err(|_| not_found(&ng))?;
    if n.is_default {
        return Err(bad(format!("Deleting a default nodegroup is not supported: {}.", n.name)));
    }
    let (cluster, uuid) = (c.uuid.clone(), n.uuid.clone());
    w.remove_machine_deployment(&cluster, &uuid);
    let mut resp = StatusCode::NO_CONTENT.into_response();
    version_headers(v, resp.headers_mut());
    Ok(resp)
}
