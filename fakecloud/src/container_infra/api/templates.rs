//! `/v1/clustertemplates`: list, detail, show, create, delete. A template is visible to its
//! project, to everyone when public, and to admins.

use super::common::Magnum;
use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::container_infra::model::ClusterTemplate;
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

fn listed(w: &World, caller: &Caller, params: &Params) -> Result<Vec<ClusterTemplate>, ApiError> {
    let mut items: Vec<ClusterTemplate> =
        w.magnum.templates.values().filter(|t| visible_template(caller)(t) && !t.hidden).cloned().collect();
    items.sort_by_key(|t| t.seq);
    page(items, params, |t| &t.uuid)
}

pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Microversion(v, ..): Microversion<Magnum>,
    params: Params,
) -> ApiResult {
    enforce(SVC, &caller, "clustertemplate:get_all", own(&caller))?;
    let items = listed(&s.world(), &caller, &params)?;
    let body: Vec<Value> = items.iter().map(|t| views::template_summary(t, &base)).collect();
    Ok(reply(v, StatusCode::OK, &json!({"clustertemplates": body, "next": null})))
}

pub async fn detail(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Microversion(v, ..): Microversion<Magnum>,
    params: Params,
) -> ApiResult {
    enforce(SVC, &caller, "clustertemplate:detail", own(&caller))?;
    let items = listed(&s.world(), &caller, &params)?;
    let body: Vec<Value> = items.iter().map(|t| views::template(t, &base)).collect();
    Ok(reply(v, StatusCode::OK, &json!({"clustertemplates": body, "next": null})))
}

pub async fn show(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Microversion(v, ..): Microversion<Magnum>,
    Path(id): Path<String>,
) -> ApiResult {
    let w = s.world();
    let t = template_for(&w, &caller, &id)?;
    enforce(SVC, &caller, "clustertemplate:get", Target { project_id: caller.project_id.as_deref(), user_id: None })?;
    Ok(reply(v, StatusCode::OK, &views::template(t, &base)))
}

const CREATE_FIELDS: &[&str] = &[
    "name",
    "coe",
    "image_id",
    "flavor_id",
    "master_flavor_id",
    "external_network_id",
    "fixed_network",
    "fixed_subnet",
    "keypair_id",
    "network_driver",
    "volume_driver",
    "dns_nameserver",
    "docker_volume_size",
    "docker_storage_driver",
    "labels",
    "public",
    "hidden",
    "master_lb_enabled",
    "floating_ip_enabled",
    "tls_disabled",
    "registry_enabled",
    "server_type",
    "cluster_distro",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "insecure_registry",
    "apiserver_port",
    "tags",
];

pub async fn create(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Microversion(v, ..): Microversion<Magnum>,
    JsonBody(raw): JsonBody<Value>,
) -> ApiResult {
    enforce(SVC, &caller, "clustertemplate:create", own(&caller))?;
    let obj = object_with(&raw, "clustertemplate", CREATE_FIELDS)?;
    let project = caller.project_id.clone().ok_or_else(|| bad("A project-scoped token is required."))?;
    let mut w = s.world();
    let coe = opt_str(obj, "coe")?.ok_or_else(|| bad("Invalid input for field/attribute coe. Value: 'None'. Mandatory field missing."))?;
    if !["kubernetes", "swarm", "mesos", "swarm-mode"].contains(&coe.as_str()) {
        return Err(bad(format!(
            "Invalid input for field/attribute coe. Value: '{coe}'. Value should be one of: kubernetes, swarm, mesos, swarm-mode"
        )));
    }
    let image = opt_str(obj, "image_id")?
        .ok_or_else(|| bad("Invalid input for field/attribute image_id. Value: 'None'. Mandatory field missing."))?;
    let image_id = w
        .image
        .find(&image, &project, caller.is_admin())
        .map(|i| i.id.clone())
        .ok_or_else(|| bad(format!("Image {image} could not be found.")))?;
    let flavor = |name: Option<String>| -> Result<Option<String>, ApiError> {
        match name {
            None => Ok(None),
            Some(n) => w
                .compute
                .usable_flavor(&n, &project, caller.is_admin())
                .map(|f| Some(f.id.clone()))
                .ok_or_else(|| bad(format!("Unable to find flavor {n}."))),
        }
    };
    let flavor_id = flavor(opt_str(obj, "flavor_id")?)?;
    let master_flavor_id = flavor(opt_str(obj, "master_flavor_id")?)?;
    let external_network_id = match opt_str(obj, "external_network_id")? {
        None => None,
        Some(n) => {
            Some(w.network.usable_network(&n, &project, caller.is_admin()).ok_or_else(|| bad(format!("Unable to find network {n}.")))?)
        }
    };
    let public = opt_bool(obj, "public")?.unwrap_or(false);
    if public && !caller.is_admin() {
        return Err(ApiError::forbidden(SVC, "clustertemplate:publish"));
    }
    let name = match opt_str(obj, "name")? {
        Some(n) if crate::container_infra::model::valid_name(&n) => n,
        Some(n) => return Err(bad(format!("Invalid input for field/attribute name. Value: '{n}'. Invalid name"))),
        None => format!("clustertemplate-{}", &w.sim.ids.hex()[..5]),
    };
    let docker_volume_size = opt_count(obj, "docker_volume_size", 1)?;
    let now = w.now();
    let (uuid, seq) = (w.sim.ids.uuid(), w.magnum.next_seq());
    let mut t = ClusterTemplate::new(uuid.clone(), seq, name, project, caller.user_id.clone(), image_id, now);
    t.coe = coe;
    t.flavor_id = flavor_id;
    t.master_flavor_id = master_flavor_id;
    t.external_network_id = external_network_id;
    t.fixed_network = opt_str(obj, "fixed_network")?;
    t.fixed_subnet = opt_str(obj, "fixed_subnet")?;
    t.keypair_id = opt_str(obj, "keypair_id")?;
    t.network_driver = opt_str(obj, "network_driver")?.or(t.network_driver);
    t.volume_driver = opt_str(obj, "volume_driver")?;
    t.dns_nameserver = opt_str(obj, "dns_nameserver")?.or(t.dns_nameserver);
    t.docker_volume_size = docker_volume_size;
    t.labels = opt_labels(obj)?.unwrap_or_default();
    t.public = public;
    t.hidden = opt_bool(obj, "hidden")?.unwrap_or(false);
    t.master_lb_enabled = opt_bool(obj, "master_lb_enabled")?.unwrap_or(true);
    t.floating_ip_enabled = opt_bool(obj, "floating_ip_enabled")?.unwrap_or(true);
    t.tls_disabled = opt_bool(obj, "tls_disabled")?.unwrap_or(false);
    t.registry_enabled = opt_bool(obj, "registry_enabled")?.unwrap_or(false);
    t.server_type = opt_str(obj, "server_type")?.unwrap_or(t.server_type);
    t.cluster_distro = opt_str(obj, "cluster_distro")?.or(t.cluster_distro);
    t.tags = opt_str(obj, "tags")?;
    let body = views::template(&t, &base);
    w.magnum.templates.insert(uuid, t);
    Ok(reply(v, StatusCode::CREATED, &body))
}

pub async fn delete(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Magnum>,
    Path(id): Path<String>,
) -> ApiResult {
    let mut w = s.world();
    let t = template_for(&w, &caller, &id)?;
    enforce(SVC, &caller, "clustertemplate:delete", Target { project_id: Some(&t.project_id), user_id: None })?;
    let uuid = t.uuid.clone();
    if w.magnum.clusters.values().any(|c| c.cluster_template_id == uuid) {
        return Err(bad(format!("ClusterTemplate {uuid} is referenced by one or multiple clusters.")));
    }
    w.magnum.templates.remove(&uuid);
    let mut resp = StatusCode::NO_CONTENT.into_response();
    version_headers(v, resp.headers_mut());
    Ok(resp)
}
