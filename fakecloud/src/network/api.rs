//! Neutron over HTTP (`/network/v2.0`): handlers parse and validate the request, check policy
//! (Neutron's action names), call the model and render Neutron's JSON. Every write runs as a
//! transaction on a copy of the network state and the id generator, so a refused request leaves the
//! world exactly as it was.

use super::attrs::{self, Resource, Validated};
use super::error::{NResult, NeutronError};
use super::model::{Network, PendingActivation, Viewer};
use super::query;
use super::views;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::{BaseUrl, Params};
use crate::http::routes::{get, put, Endpoint, Routes};
use crate::http::service::Service;
use crate::http::with_fallbacks;
use crate::network::Event;
use crate::policy::{enforce, Target};
use crate::sim::{Ids, SimTime};
use crate::world::World;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::collections::BTreeSet;

const SVC: Service = Service::Network;

type Reply = Result<Response, NeutronError>;

/// Resources that carry tags, by collection path.
const TAGGED: [(&str, Tagged); 6] = [
    ("networks", Tagged::Network),
    ("subnets", Tagged::Subnet),
    ("ports", Tagged::Port),
    ("routers", Tagged::Router),
    ("floatingips", Tagged::FloatingIp),
    ("security-groups", Tagged::SecurityGroup),
];

pub fn router() -> Routes {
    let mut r = Routes::new()
        .route("/", get(versions))
        .route("/v2.0", get(resources))
        .route("/v2.0/extensions", get(list_extensions))
        .route("/v2.0/extensions/{alias}", get(show_extension))
        .route("/v2.0/availability_zones", get(list_availability_zones))
        .route("/v2.0/networks", get(list_networks).post(create_network))
        .route("/v2.0/networks/{id}", get(show_network).put(update_network).delete(delete_network))
        .route("/v2.0/networks/{id}/dhcp-agents", get(network_dhcp_agents))
        .route("/v2.0/subnets", get(list_subnets).post(create_subnet))
        .route("/v2.0/subnets/{id}", get(show_subnet).put(update_subnet).delete(delete_subnet))
        .route("/v2.0/ports", get(list_ports).post(create_port))
        .route("/v2.0/ports/{id}", get(show_port).put(update_port).delete(delete_port))
        .route("/v2.0/floatingips", get(list_floating_ips).post(create_floating_ip))
        .route("/v2.0/floatingips/{id}", get(show_floating_ip).put(update_floating_ip).delete(delete_floating_ip))
        .route("/v2.0/routers", get(list_routers).post(create_router))
        .route("/v2.0/routers/{id}", get(show_router).put(update_router).delete(delete_router))
        .route("/v2.0/routers/{id}/add_router_interface", put(add_router_interface))
        .route("/v2.0/routers/{id}/remove_router_interface", put(remove_router_interface))
        .route("/v2.0/routers/{id}/l3-agents", get(router_l3_agents))
        .route("/v2.0/security-groups", get(list_security_groups).post(create_security_group))
        .route("/v2.0/security-groups/{id}", get(show_security_group).put(update_security_group).delete(delete_security_group))
        .route("/v2.0/security-group-rules", get(list_rules).post(create_rule))
        .route("/v2.0/security-group-rules/{id}", get(show_rule).delete(delete_rule))
        .route("/v2.0/agents", get(list_agents))
        .route("/v2.0/agents/{id}", get(show_agent).put(update_agent).delete(delete_agent))
        .route("/v2.0/agents/{id}/dhcp-networks", get(agent_dhcp_networks))
        .route("/v2.0/agents/{id}/l3-routers", get(agent_l3_routers))
        .route("/v2.0/network-ip-availabilities", get(list_ip_availabilities))
        .route("/v2.0/network-ip-availabilities/{id}", get(show_ip_availability))
        .route("/v2.0/quotas", get(list_quotas))
        .route("/v2.0/quotas/{project}", get(show_quota).put(update_quota).delete(delete_quota))
        .route("/v2.0/quotas/{project}/details", get(show_quota_details))
        .route("/v2.0/quotas/{project}/default", get(show_quota_default));
    for (collection, kind) in TAGGED {
        r = r
            .route(&format!("/v2.0/{collection}/{{id}}/tags"), tags_route(kind))
            .route(&format!("/v2.0/{collection}/{{id}}/tags/{{tag}}"), tag_route(kind));
    }
    with_fallbacks(r)
}

// ---- extractors in Neutron's error format ----

/// A JSON object body; anything else is Neutron's 400 "Body contains invalid data" (413 over the
/// size limit).
pub struct NBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for NBody {
    type Rejection = NeutronError;

    async fn from_request(req: Request, state: &S) -> Result<Self, NeutronError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                NeutronError::new(413, "HTTPRequestEntityTooLarge", "Request is too large.")
            } else {
                NeutronError::bad_request(format!("Could not read the request body: {e}"))
            }
        })?;
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(NeutronError::bad_request("Resource body required"));
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(v) if v.is_object() => Ok(NBody(v)),
            _ => Err(NeutronError::bad_request("Body contains invalid data")),
        }
    }
}

/// Path parameters; a path that does not decode is Neutron's 404.
pub struct NPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for NPath<T> {
    type Rejection = NeutronError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, NeutronError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(t)| NPath(t))
            .map_err(|_| NeutronError::not_found("HTTPNotFound", "The resource could not be found."))
    }
}

// ---- helpers ----

fn viewer(c: &Caller) -> Viewer {
    Viewer { project_id: c.project_id.clone(), admin: c.is_admin() }
}

fn target(project: &str) -> Target<'_> {
    Target { project_id: Some(project), user_id: None }
}

/// Policy for an action on a resource of `project`.
fn allow(c: &Caller, action: &str, project: &str) -> NResult<()> {
    enforce(SVC, c, action, target(project)).map_err(|_| NeutronError::policy(format!("rule:{action}")))
}

/// An attribute rule (`create_network:shared`); the refusal names both rules, as Neutron's
/// combined check does.
fn allow_attr(c: &Caller, action: &str, attr: &str, project: &str) -> NResult<()> {
    let rule = format!("{action}:{attr}");
    enforce(SVC, c, &rule, target(project)).map_err(|_| NeutronError::policy(format!("(rule:{action} and rule:{rule})")))
}

/// The project a create is for: the body's tenant_id/project_id, else the token's.
fn project_of(c: &Caller, v: &Validated) -> NResult<String> {
    v.project_id
        .clone()
        .or_else(|| c.project_id.clone())
        .ok_or_else(|| NeutronError::bad_request("Failed to parse request. Required attribute 'project_id' not specified"))
}

fn json_reply(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

fn no_content() -> Reply {
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn one(key: &str, item: Value, params: &Params) -> Reply {
    Ok(json_reply(StatusCode::OK, json!({ key: query::select_fields(item, params) })))
}

fn created(key: &str, item: Value) -> Reply {
    Ok(json_reply(StatusCode::CREATED, json!({ key: item })))
}

fn collection_url(base: &str, path: &str) -> String {
    format!("{}/network/v2.0/{path}", base.trim_end_matches('/'))
}

fn list_reply(res: &Resource, items: Vec<Value>, params: &Params, base: &str, path: &str) -> Reply {
    Ok(json_reply(StatusCode::OK, query::list(res, items, params, &collection_url(base, path))?))
}

/// Runs a write on copies of the network state and the id generator; they replace the world's only
/// if the write succeeds.
fn transact<T>(w: &mut World, f: impl FnOnce(&mut Network, &mut Ids, SimTime) -> NResult<T>) -> NResult<T> {
    let now = w.now();
    let mut net = w.network.clone();
    let mut ids = w.sim.ids.clone();
    let out = f(&mut net, &mut ids, now)?;
    w.network = net;
    w.sim.ids = ids;
    Ok(out)
}

/// The L3 agent wires a newly associated floating IP a few seconds later (2-5 s, seeded jitter).
fn schedule_activation(w: &mut World, p: PendingActivation) {
    cancel_activation(w, &p.floating_ip_id);
    let delay_ms = 2000 + (w.sim.ids.fraction() * 3000.0) as i64;
    let due = w.now() + chrono::Duration::milliseconds(delay_ms);
    w.sim.scheduler.schedule(due, Event::FloatingIpActive { floating_ip_id: p.floating_ip_id, port_id: p.port_id });
}

fn cancel_activation(w: &mut World, id: &str) {
    w.sim
        .scheduler
        .cancel(|e| matches!(e, crate::world::Event::Network(Event::FloatingIpActive { floating_ip_id, .. }) if floating_ip_id == id));
}

// ---- discovery ----

async fn versions(BaseUrl(base): BaseUrl) -> Json<Value> {
    Json(json!({"versions": [{"id": "v2.0", "status": "CURRENT", "links": [{"href": format!("{base}/network/v2.0/"), "rel": "self"}]}]}))
}

async fn resources(_caller: Caller, BaseUrl(base): BaseUrl) -> Json<Value> {
    let items: Vec<Value> = [
        ("network", "networks"),
        ("subnet", "subnets"),
        ("port", "ports"),
        ("floatingip", "floatingips"),
        ("router", "routers"),
        ("security_group", "security-groups"),
        ("security_group_rule", "security-group-rules"),
        ("agent", "agents"),
    ]
    .iter()
    .map(|(name, coll)| json!({"name": name, "collection": coll.replace('-', "_"), "links": [{"href": collection_url(&base, coll), "rel": "self"}]}))
    .collect();
    Json(json!({"resources": items}))
}

async fn list_extensions(_caller: Caller) -> Json<Value> {
    let items: Vec<Value> = views::EXTENSIONS.iter().map(|(a, n, d)| views::extension(a, n, d)).collect();
    Json(json!({"extensions": items}))
}

async fn show_extension(_caller: Caller, NPath(alias): NPath<String>) -> Reply {
    let (a, n, d) = views::EXTENSIONS
        .iter()
        .find(|(a, _, _)| *a == alias)
        .ok_or_else(|| NeutronError::not_found("HTTPNotFound", format!("Extension with alias {alias} does not exist")))?;
    Ok(json_reply(StatusCode::OK, json!({"extension": views::extension(a, n, d)})))
}

static AVAILABILITY_ZONE: Resource = Resource {
    singular: "availability_zone",
    plural: "availability_zones",
    attrs: &[
        attrs::Attr { name: "name", post: false, put: false, required: false, kind: attrs::Kind::ReadOnly },
        attrs::Attr { name: "resource", post: false, put: false, required: false, kind: attrs::Kind::ReadOnly },
        attrs::Attr { name: "state", post: false, put: false, required: false, kind: attrs::Kind::ReadOnly },
    ],
};

/// Zones come from the DHCP (network) and L3 (router) agents' `availability_zone`.
async fn list_availability_zones(State(s): State<AppState>, _caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    let w = s.world();
    let now = w.now();
    let mut zones: Vec<(String, &str, bool)> = vec![];
    for a in w.network.agents.values() {
        let resource = match a.agent_type.as_str() {
            super::agents::DHCP => "network",
            super::agents::L3 => "router",
            _ => continue,
        };
        let Some(az) = &a.availability_zone else { continue };
        let up = a.admin_state_up && a.alive(now);
        match zones.iter_mut().find(|(n, r, _)| n == az && *r == resource) {
            Some(z) => z.2 |= up,
            None => zones.push((az.clone(), resource, up)),
        }
    }
    let items: Vec<Value> = zones
        .into_iter()
        .map(|(name, resource, up)| json!({"name": name, "resource": resource, "state": if up { "available" } else { "unavailable" }}))
        .collect();
    list_reply(&AVAILABILITY_ZONE, items, &params, &base, "availability_zones")
}

// ---- networks ----

async fn list_networks(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let n = &w.network;
    let items = n.networks.values().filter(|x| n.network_visible(&v, x)).map(|x| views::network(n, x, &v)).collect();
    list_reply(&attrs::NETWORK, items, &params, &base, "networks")
}

async fn show_network(State(s): State<AppState>, caller: Caller, params: Params, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let net = w.network.network_for(&v, &id)?;
    one("network", views::network(&w.network, net, &v), &params)
}

fn network_attr_policies(c: &Caller, action: &str, val: &Validated, project: &str, create: bool) -> NResult<()> {
    let no = json!(false);
    for attr in ["shared", "router:external"] {
        if (create && val.set_to_other_than(attr, &no)) || (!create && val.has(attr)) {
            allow_attr(c, action, attr, project)?;
        }
    }
    for attr in ["provider:network_type", "provider:physical_network", "provider:segmentation_id"] {
        if val.has(attr) {
            allow_attr(c, action, attr, project)?;
        }
    }
    Ok(())
}

async fn create_network(State(s): State<AppState>, caller: Caller, NBody(body): NBody) -> Reply {
    let val = attrs::validate(&attrs::NETWORK, &body, true)?;
    let project = project_of(&caller, &val)?;
    allow(&caller, "create_network", &project)?;
    network_attr_policies(&caller, "create_network", &val, &project, true)?;
    let spec = val.into_spec()?;
    let mut w = s.world();
    w.network.check_quota(&project, "network")?;
    let id = transact(&mut w, |n, ids, now| n.create_network(ids, now, &project, spec))?;
    let v = viewer(&caller);
    created("network", views::network(&w.network, &w.network.networks[&id], &v))
}

async fn update_network(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>, NBody(body): NBody) -> Reply {
    let val = attrs::validate(&attrs::NETWORK, &body, false)?;
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.network_for(&v, &id)?.project_id.clone();
    allow(&caller, "update_network", &owner)?;
    network_attr_policies(&caller, "update_network", &val, &owner, false)?;
    let spec = val.into_spec()?;
    transact(&mut w, |n, _, now| n.update_network(now, &id, spec))?;
    one("network", views::network(&w.network, &w.network.networks[&id], &v), &Params::default())
}

async fn delete_network(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.network_for(&v, &id)?.project_id.clone();
    allow(&caller, "delete_network", &owner)?;
    transact(&mut w, |n, _, _| n.delete_network(&id))?;
    no_content()
}

async fn network_dhcp_agents(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    allow(&caller, "get_dhcp-agents", "")?;
    let w = s.world();
    let now = w.now();
    let net = w.network.network_for(&Viewer::admin(), &id)?;
    let items: Vec<Value> = net.dhcp_agents.iter().filter_map(|a| w.network.agents.get(a)).map(|a| views::agent(a, now)).collect();
    Ok(json_reply(StatusCode::OK, json!({"agents": items})))
}

// ---- subnets ----

async fn list_subnets(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let n = &w.network;
    let mut subs: Vec<&super::model::Subnet> = n.subnets.values().filter(|x| n.subnet_visible(&v, x)).collect();
    subs.sort_by(|a, b| a.id.cmp(&b.id));
    let items = subs.into_iter().map(|x| views::subnet(n, x)).collect();
    list_reply(&attrs::SUBNET, items, &params, &base, "subnets")
}

async fn show_subnet(State(s): State<AppState>, caller: Caller, params: Params, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let sub = w.network.subnet_for(&v, &id)?;
    one("subnet", views::subnet(&w.network, sub), &params)
}

fn subnet_checks(c: &Caller, action: &str, val: &Validated, project: &str) -> NResult<()> {
    if val.has("service_types") {
        allow_attr(c, action, "service_types", project)?;
    }
    for attr in ["subnetpool_id", "segment_id"] {
        if let Some(id) = val.attrs.get(attr).and_then(Value::as_str) {
            let (kind, what) = if attr == "segment_id" { ("SegmentNotFound", "Segment") } else { ("SubnetPoolNotFound", "Subnet pool") };
            return Err(NeutronError::not_found(kind, format!("{what} {id} could not be found.")));
        }
    }
    if val.attrs.get("use_default_subnetpool") == Some(&json!(true)) {
        return Err(NeutronError::bad_resource_request("subnets", "No default subnetpool found for IPv4"));
    }
    for attr in ["ipv6_ra_mode", "ipv6_address_mode"] {
        if let Some(mode) = val.attrs.get(attr).and_then(Value::as_str) {
            return Err(NeutronError::invalid_input(format!("{attr} set to '{mode}' with ip_version set to '4' is not valid")));
        }
    }
    Ok(())
}

async fn create_subnet(State(s): State<AppState>, caller: Caller, NBody(body): NBody) -> Reply {
    let val = attrs::validate(&attrs::SUBNET, &body, true)?;
    let project = project_of(&caller, &val)?;
    allow(&caller, "create_subnet", &project)?;
    let net_id = val.attrs["network_id"].as_str().unwrap_or_default().to_string();
    let v = viewer(&caller);
    let mut w = s.world();
    let net_owner = w.network.network_for(&v, &net_id)?.project_id.clone();
    // create_subnet: admin, or a member of the project that owns the network.
    if !v.admin && caller.project_id.as_deref() != Some(net_owner.as_str()) {
        return Err(NeutronError::policy("rule:create_subnet"));
    }
    subnet_checks(&caller, "create_subnet", &val, &project)?;
    let spec: super::networks::SubnetSpec = val.into_spec()?;
    w.network.check_quota(&project, "subnet")?;
    let id = transact(&mut w, |n, ids, now| n.create_subnet_on(ids, now, &net_id, &project, spec))?;
    created("subnet", views::subnet(&w.network, &w.network.subnets[&id]))
}

async fn update_subnet(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>, NBody(body): NBody) -> Reply {
    let val = attrs::validate(&attrs::SUBNET, &body, false)?;
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.subnet_for(&v, &id)?.project_id.clone();
    allow(&caller, "update_subnet", &owner)?;
    subnet_checks(&caller, "update_subnet", &val, &owner)?;
    let spec = val.into_spec()?;
    transact(&mut w, |n, ids, now| n.update_subnet(ids, now, &id, spec))?;
    one("subnet", views::subnet(&w.network, &w.network.subnets[&id]), &Params::default())
}

async fn delete_subnet(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.subnet_for(&v, &id)?.project_id.clone();
    allow(&caller, "delete_subnet", &owner)?;
    transact(&mut w, |n, ids, now| n.delete_subnet(ids, now, &id))?;
    no_content()
}

// ---- ports ----

async fn list_ports(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let n = &w.network;
    let items = n.ports.values().filter(|p| n.port_visible(&v, p)).map(|p| views::port(p, &v)).collect();
    list_reply(&attrs::PORT, items, &params, &base, "ports")
}

async fn show_port(State(s): State<AppState>, caller: Caller, params: Params, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let p = w.network.port_for(&v, &id)?;
    one("port", views::port(p, &v), &params)
}

/// The port attribute rules: binding details are admin-only; addresses, MACs, port security and
/// address pairs need admin or the network's owner; Neutron's own device owners too.
fn port_attr_policies(c: &Caller, action: &str, val: &Validated, net_owner: &str) -> NResult<()> {
    for attr in ["binding:host_id", "binding:profile"] {
        if val.has(attr) {
            allow_attr(c, action, attr, net_owner)?;
        }
    }
    let specific_ip = val.attrs.get("fixed_ips").and_then(Value::as_array).is_some_and(|l| l.iter().any(|f| f.get("ip_address").is_some()));
    if specific_ip {
        allow_attr(c, action, "fixed_ips:ip_address", net_owner)?;
    }
    for attr in ["mac_address", "port_security_enabled", "allowed_address_pairs"] {
        if val.has(attr) {
            allow_attr(c, action, attr, net_owner)?;
        }
    }
    if val.attrs.get("device_owner").and_then(Value::as_str).is_some_and(|o| o.starts_with("network:")) {
        allow_attr(c, action, "device_owner", net_owner)?;
    }
    Ok(())
}

fn check_groups_visible(n: &Network, v: &Viewer, val: &Validated) -> NResult<()> {
    for id in val.attrs.get("security_groups").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
        n.security_group_for(v, id)?;
    }
    Ok(())
}

async fn create_port(State(s): State<AppState>, caller: Caller, NBody(body): NBody) -> Reply {
    let val = attrs::validate(&attrs::PORT, &body, true)?;
    let project = project_of(&caller, &val)?;
    allow(&caller, "create_port", &project)?;
    let v = viewer(&caller);
    let mut w = s.world();
    let net_id = val.attrs["network_id"].as_str().unwrap_or_default().to_string();
    let net = w.network.network_for(&v, &net_id)?;
    if !v.admin && !net.shared && caller.project_id.as_deref() != Some(net.project_id.as_str()) {
        return Err(NeutronError::policy("rule:create_port"));
    }
    let net_owner = net.project_id.clone();
    port_attr_policies(&caller, "create_port", &val, &net_owner)?;
    check_groups_visible(&w.network, &v, &val)?;
    let mut spec: super::ports::PortSpec = val.into_spec()?;
    w.network.check_quota(&project, "port")?;
    spec.project_id = project;
    let id = transact(&mut w, |n, ids, now| n.create_port_from(ids, now, spec))?;
    created("port", views::port(&w.network.ports[&id], &v))
}

async fn update_port(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>, NBody(body): NBody) -> Reply {
    let val = attrs::validate(&attrs::PORT, &body, false)?;
    let v = viewer(&caller);
    let mut w = s.world();
    let port = w.network.port_for(&v, &id)?;
    allow(&caller, "update_port", &port.project_id.clone())?;
    let net_owner = w.network.networks.get(&port.network_id).map(|n| n.project_id.clone()).unwrap_or_default();
    port_attr_policies(&caller, "update_port", &val, &net_owner)?;
    check_groups_visible(&w.network, &v, &val)?;
    let spec = val.into_spec()?;
    transact(&mut w, |n, _, now| n.update_port(now, &id, spec))?;
    one("port", views::port(&w.network.ports[&id], &v), &Params::default())
}

async fn delete_port(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.port_for(&v, &id)?.project_id.clone();
    allow(&caller, "delete_port", &owner)?;
    let fips: Vec<String> =
        w.network.floating_ips.values().filter(|f| f.port_id.as_deref() == Some(id.as_str())).map(|f| f.id.clone()).collect();
    transact(&mut w, |n, _, now| n.delete_port(now, &id))?;
    for f in fips {
        cancel_activation(&mut w, &f);
    }
    no_content()
}

// ---- floating IPs ----

async fn list_floating_ips(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let n = &w.network;
    let items = n.floating_ips.values().filter(|f| v.owns(&f.project_id)).map(|f| views::floating_ip(n, f)).collect();
    list_reply(&attrs::FLOATINGIP, items, &params, &base, "floatingips")
}

async fn show_floating_ip(State(s): State<AppState>, caller: Caller, params: Params, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let f = w.network.floating_ip_for(&v, &id)?;
    one("floatingip", views::floating_ip(&w.network, f), &params)
}

fn check_port_visible(n: &Network, v: &Viewer, val: &Validated) -> NResult<()> {
    if let Some(p) = val.attrs.get("port_id").and_then(Value::as_str) {
        n.port_for(v, p)?;
    }
    Ok(())
}

async fn create_floating_ip(State(s): State<AppState>, caller: Caller, NBody(body): NBody) -> Reply {
    let val = attrs::validate(&attrs::FLOATINGIP, &body, true)?;
    let project = project_of(&caller, &val)?;
    allow(&caller, "create_floatingip", &project)?;
    if val.has("floating_ip_address") {
        allow_attr(&caller, "create_floatingip", "floating_ip_address", &project)?;
    }
    let v = viewer(&caller);
    let mut w = s.world();
    let net_id = val.attrs["floating_network_id"].as_str().unwrap_or_default().to_string();
    w.network.network_for(&v, &net_id)?;
    check_port_visible(&w.network, &v, &val)?;
    let mut spec: super::l3::FloatingIpSpec = val.into_spec()?;
    w.network.check_quota(&project, "floatingip")?;
    spec.project_id = project;
    let (id, pending) = transact(&mut w, |n, ids, now| n.create_floating_ip_as(ids, now, spec, v.admin))?;
    if let Some(p) = pending {
        schedule_activation(&mut w, p);
    }
    created("floatingip", views::floating_ip(&w.network, &w.network.floating_ips[&id]))
}

async fn update_floating_ip(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>, NBody(body): NBody) -> Reply {
    let val = attrs::validate(&attrs::FLOATINGIP, &body, false)?;
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.floating_ip_for(&v, &id)?.project_id.clone();
    allow(&caller, "update_floatingip", &owner)?;
    check_port_visible(&w.network, &v, &val)?;
    let spec = val.into_spec()?;
    let pending = transact(&mut w, |n, _, now| n.update_floating_ip(now, &id, spec, v.admin))?;
    match pending {
        Some(p) => schedule_activation(&mut w, p),
        None if w.network.floating_ips[&id].port_id.is_none() => cancel_activation(&mut w, &id),
        None => {}
    }
    one("floatingip", views::floating_ip(&w.network, &w.network.floating_ips[&id]), &Params::default())
}

async fn delete_floating_ip(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.floating_ip_for(&v, &id)?.project_id.clone();
    allow(&caller, "delete_floatingip", &owner)?;
    transact(&mut w, |n, _, _| n.delete_floating_ip(&id))?;
    cancel_activation(&mut w, &id);
    no_content()
}

// ---- routers ----

async fn list_routers(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let n = &w.network;
    let items = n.routers.values().filter(|r| v.owns(&r.project_id)).map(|r| views::router(n, r, &v)).collect();
    list_reply(&attrs::ROUTER, items, &params, &base, "routers")
}

async fn show_router(State(s): State<AppState>, caller: Caller, params: Params, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let r = w.network.router_for(&v, &id)?;
    one("router", views::router(&w.network, r, &v), &params)
}

fn router_attr_policies(c: &Caller, action: &str, val: &Validated, project: &str, create: bool) -> NResult<()> {
    let no = json!(false);
    for attr in ["distributed", "ha"] {
        if (create && val.set_to_other_than(attr, &no)) || (!create && val.has(attr)) {
            allow_attr(c, action, attr, project)?;
        }
    }
    if let Some(gw) = val.attrs.get("external_gateway_info").and_then(Value::as_object) {
        for attr in ["enable_snat", "external_fixed_ips"] {
            if gw.contains_key(attr) {
                allow_attr(c, action, &format!("external_gateway_info:{attr}"), project)?;
            }
        }
    }
    Ok(())
}

fn check_gateway_visible(n: &Network, v: &Viewer, val: &Validated) -> NResult<()> {
    if let Some(net) = val.attrs.get("external_gateway_info").and_then(|g| g.get("network_id")).and_then(Value::as_str) {
        n.network_for(v, net)?;
    }
    Ok(())
}

async fn create_router(State(s): State<AppState>, caller: Caller, NBody(body): NBody) -> Reply {
    let val = attrs::validate(&attrs::ROUTER, &body, true)?;
    let project = project_of(&caller, &val)?;
    allow(&caller, "create_router", &project)?;
    router_attr_policies(&caller, "create_router", &val, &project, true)?;
    let v = viewer(&caller);
    let mut w = s.world();
    check_gateway_visible(&w.network, &v, &val)?;
    let spec = val.into_spec()?;
    w.network.check_quota(&project, "router")?;
    let id = transact(&mut w, |n, ids, now| n.create_router(ids, now, &project, spec))?;
    created("router", views::router(&w.network, &w.network.routers[&id], &v))
}

async fn update_router(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>, NBody(body): NBody) -> Reply {
    let val = attrs::validate(&attrs::ROUTER, &body, false)?;
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.router_for(&v, &id)?.project_id.clone();
    allow(&caller, "update_router", &owner)?;
    router_attr_policies(&caller, "update_router", &val, &owner, false)?;
    check_gateway_visible(&w.network, &v, &val)?;
    let spec = val.into_spec()?;
    transact(&mut w, |n, ids, now| n.update_router(ids, now, &id, spec))?;
    one("router", views::router(&w.network, &w.network.routers[&id], &v), &Params::default())
}

async fn delete_router(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.router_for(&v, &id)?.project_id.clone();
    allow(&caller, "delete_router", &owner)?;
    transact(&mut w, |n, _, _| n.delete_router(&id))?;
    no_content()
}

fn interface_args(body: &Value) -> NResult<(Option<String>, Option<String>)> {
    let obj = attrs::action_body(body, &["subnet_id", "port_id"])?;
    let get = |k: &str| -> NResult<Option<String>> {
        match obj.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if attrs::is_uuid_like(s) => Ok(Some(s.clone())),
            Some(other) => Err(NeutronError::invalid_attr(k, format!("'{}' is not a valid UUID", attrs::py(other)))),
        }
    };
    Ok((get("subnet_id")?, get("port_id")?))
}

async fn add_router_interface(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>, NBody(body): NBody) -> Reply {
    let (subnet, port) = interface_args(&body)?;
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.router_for(&v, &id)?.project_id.clone();
    allow(&caller, "add_router_interface", &owner)?;
    let info = match (subnet, port) {
        (Some(_), Some(_)) => return Err(NeutronError::bad_resource_request("router", "Cannot specify both subnet-id and port-id")),
        (None, None) => return Err(NeutronError::bad_resource_request("router", "Either subnet_id or port_id must be specified")),
        (Some(sid), None) => {
            w.network.subnet_for(&v, &sid)?;
            transact(&mut w, |n, ids, now| n.add_interface_by_subnet(ids, now, &id, &sid))?
        }
        (None, Some(pid)) => {
            let p = w.network.port_for(&v, &pid)?;
            if !v.admin && p.project_id != owner {
                return Err(NeutronError::bad_resource_request(
                    "router",
                    format!("Cannot add interface to router {id}: port {pid} is owned by another project"),
                ));
            }
            transact(&mut w, |n, _, now| n.add_interface_by_port(now, &id, &pid))?
        }
    };
    Ok(json_reply(StatusCode::OK, views::interface_info(&info)))
}

async fn remove_router_interface(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>, NBody(body): NBody) -> Reply {
    let (subnet, port) = interface_args(&body)?;
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.router_for(&v, &id)?.project_id.clone();
    allow(&caller, "remove_router_interface", &owner)?;
    if let Some(sid) = &subnet {
        w.network.subnet_for(&v, sid)?;
    }
    let info = transact(&mut w, |n, _, now| n.remove_interface(now, &id, subnet.as_deref(), port.as_deref()))?;
    Ok(json_reply(StatusCode::OK, views::interface_info(&info)))
}

async fn router_l3_agents(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    allow(&caller, "get_l3-agents", "")?;
    let w = s.world();
    let now = w.now();
    let r = w.network.router_for(&Viewer::admin(), &id)?;
    let items: Vec<Value> = r.l3_agent.iter().filter_map(|a| w.network.agents.get(a)).map(|a| views::agent(a, now)).collect();
    Ok(json_reply(StatusCode::OK, json!({"agents": items})))
}

// ---- security groups and rules ----

async fn list_security_groups(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let n = &w.network;
    let items = n.security_groups.values().filter(|g| v.owns(&g.project_id)).map(|g| views::security_group(n, g)).collect();
    list_reply(&attrs::SECURITY_GROUP, items, &params, &base, "security-groups")
}

async fn show_security_group(State(s): State<AppState>, caller: Caller, params: Params, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let g = w.network.security_group_for(&v, &id)?;
    one("security_group", views::security_group(&w.network, g), &params)
}

async fn create_security_group(State(s): State<AppState>, caller: Caller, NBody(body): NBody) -> Reply {
    let val = attrs::validate(&attrs::SECURITY_GROUP, &body, true)?;
    let project = project_of(&caller, &val)?;
    allow(&caller, "create_security_group", &project)?;
    let spec = val.into_spec()?;
    let mut w = s.world();
    w.network.check_quota(&project, "security_group")?;
    let id = transact(&mut w, |n, ids, now| n.create_security_group(ids, now, &project, spec))?;
    created("security_group", views::security_group(&w.network, &w.network.security_groups[&id]))
}

async fn update_security_group(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>, NBody(body): NBody) -> Reply {
    let val = attrs::validate(&attrs::SECURITY_GROUP, &body, false)?;
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.security_group_for(&v, &id)?.project_id.clone();
    allow(&caller, "update_security_group", &owner)?;
    let spec = val.into_spec()?;
    transact(&mut w, |n, _, now| n.update_security_group(now, &id, spec))?;
    one("security_group", views::security_group(&w.network, &w.network.security_groups[&id]), &Params::default())
}

async fn delete_security_group(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.security_group_for(&v, &id)?.project_id.clone();
    allow(&caller, "delete_security_group", &owner)?;
    transact(&mut w, |n, _, _| n.delete_security_group(&id, v.admin))?;
    no_content()
}

async fn list_rules(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let n = &w.network;
    let items = n.security_group_rules.values().filter(|r| n.rule_visible(&v, r)).map(|r| views::security_group_rule(n, r)).collect();
    list_reply(&attrs::SECURITY_GROUP_RULE, items, &params, &base, "security-group-rules")
}

async fn show_rule(State(s): State<AppState>, caller: Caller, params: Params, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let r = w.network.rule_for(&v, &id)?;
    one("security_group_rule", views::security_group_rule(&w.network, r), &params)
}

async fn create_rule(State(s): State<AppState>, caller: Caller, NBody(body): NBody) -> Reply {
    let val = attrs::validate(&attrs::SECURITY_GROUP_RULE, &body, true)?;
    let v = viewer(&caller);
    let mut w = s.world();
    let group = val.attrs["security_group_id"].as_str().unwrap_or_default().to_string();
    let owner = w.network.security_group_for(&v, &group)?.project_id.clone();
    let project = val.project_id.clone().unwrap_or_else(|| owner.clone());
    allow(&caller, "create_security_group_rule", &project)?;
    allow(&caller, "create_security_group_rule", &owner)?;
    let spec = val.into_spec()?;
    w.network.check_quota(&owner, "security_group_rule")?;
    let id = transact(&mut w, |n, ids, now| n.create_security_group_rule(ids, now, &v, spec))?;
    created("security_group_rule", views::security_group_rule(&w.network, &w.network.security_group_rules[&id]))
}

async fn delete_rule(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.rule_for(&v, &id)?.project_id.clone();
    allow(&caller, "delete_security_group_rule", &owner)?;
    transact(&mut w, |n, _, now| n.delete_security_group_rule(now, &id))?;
    no_content()
}

// ---- agents (admin only) ----

async fn list_agents(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    allow(&caller, "get_agent", "")?;
    let w = s.world();
    let now = w.now();
    let items = w.network.agents.values().map(|a| views::agent(a, now)).collect();
    list_reply(&attrs::AGENT, items, &params, &base, "agents")
}

async fn show_agent(State(s): State<AppState>, caller: Caller, params: Params, NPath(id): NPath<String>) -> Reply {
    allow(&caller, "get_agent", "")?;
    let w = s.world();
    let now = w.now();
    one("agent", views::agent(w.network.agent(&id)?, now), &params)
}

async fn update_agent(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>, NBody(body): NBody) -> Reply {
    let val = attrs::validate(&attrs::AGENT, &body, false)?;
    allow(&caller, "update_agent", "")?;
    let spec = val.into_spec()?;
    let mut w = s.world();
    transact(&mut w, |n, _, _| n.update_agent(&id, spec))?;
    let now = w.now();
    one("agent", views::agent(w.network.agent(&id)?, now), &Params::default())
}

async fn delete_agent(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    allow(&caller, "delete_agent", "")?;
    let mut w = s.world();
    transact(&mut w, |n, _, _| n.delete_agent(&id))?;
    no_content()
}

async fn agent_dhcp_networks(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    allow(&caller, "get_dhcp-networks", "")?;
    let w = s.world();
    w.network.agent(&id)?;
    let admin = Viewer::admin();
    let items: Vec<Value> = w.network.networks_on_agent(&id).into_iter().map(|n| views::network(&w.network, n, &admin)).collect();
    Ok(json_reply(StatusCode::OK, json!({"networks": items})))
}

async fn agent_l3_routers(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    allow(&caller, "get_l3-routers", "")?;
    let w = s.world();
    w.network.agent(&id)?;
    let admin = Viewer::admin();
    let items: Vec<Value> = w.network.routers_on_agent(&id).into_iter().map(|r| views::router(&w.network, r, &admin)).collect();
    Ok(json_reply(StatusCode::OK, json!({"routers": items})))
}

// ---- IP availability (admin only) ----

static IP_AVAILABILITY: Resource = Resource {
    singular: "network_ip_availability",
    plural: "network_ip_availabilities",
    attrs: &[
        attrs::Attr { name: "network_id", post: false, put: false, required: false, kind: attrs::Kind::ReadOnly },
        attrs::Attr { name: "network_name", post: false, put: false, required: false, kind: attrs::Kind::ReadOnly },
        attrs::Attr { name: "tenant_id", post: false, put: false, required: false, kind: attrs::Kind::ReadOnly },
        attrs::Attr { name: "project_id", post: false, put: false, required: false, kind: attrs::Kind::ReadOnly },
        attrs::Attr { name: "ip_version", post: false, put: false, required: false, kind: attrs::Kind::Int(4, 6) },
        attrs::Attr { name: "total_ips", post: false, put: false, required: false, kind: attrs::Kind::ReadOnly },
        attrs::Attr { name: "used_ips", post: false, put: false, required: false, kind: attrs::Kind::ReadOnly },
        attrs::Attr { name: "subnet_ip_availability", post: false, put: false, required: false, kind: attrs::Kind::ReadOnly },
    ],
};

async fn list_ip_availabilities(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    allow(&caller, "get_network_ip_availability", "")?;
    let w = s.world();
    // Every subnet is IPv4: an ip_version filter of 6 matches nothing.
    let v6 = params.0.iter().any(|(k, v)| k == "ip_version" && v == "6") && !params.0.iter().any(|(k, v)| k == "ip_version" && v == "4");
    let items = if v6 { vec![] } else { w.network.networks.values().map(|n| views::ip_availability(&w.network, n)).collect() };
    let mut p = params.clone();
    p.0.retain(|(k, _)| k != "ip_version");
    list_reply(&IP_AVAILABILITY, items, &p, &base, "network-ip-availabilities")
}

async fn show_ip_availability(State(s): State<AppState>, caller: Caller, params: Params, NPath(id): NPath<String>) -> Reply {
    allow(&caller, "get_network_ip_availability", "")?;
    let w = s.world();
    let net = w.network.network_for(&Viewer::admin(), &id)?;
    one("network_ip_availability", views::ip_availability(&w.network, net), &params)
}

// ---- quotas ----

fn quota_reply(project: &str, quota: Value) -> Reply {
    let mut q = quota;
    q["project_id"] = json!(project);
    q["tenant_id"] = json!(project);
    Ok(json_reply(StatusCode::OK, json!({"quota": q})))
}

/// Projects with limits an admin set (`openstack quota list --network`).
async fn list_quotas(State(s): State<AppState>, caller: Caller) -> Reply {
    allow(&caller, "get_quota", "")?;
    let w = s.world();
    let items: Vec<Value> = w
        .network
        .quotas
        .keys()
        .map(|p| {
            let mut q = w.network.quota_view(p);
            q["project_id"] = json!(p);
            q["tenant_id"] = json!(p);
            q
        })
        .collect();
    Ok(json_reply(StatusCode::OK, json!({"quotas": items})))
}

async fn show_quota(State(s): State<AppState>, caller: Caller, NPath(project): NPath<String>) -> Reply {
    allow(&caller, "get_quota", &project)?;
    let w = s.world();
    quota_reply(&project, w.network.quota_view(&project))
}

async fn show_quota_details(State(s): State<AppState>, caller: Caller, NPath(project): NPath<String>) -> Reply {
    allow(&caller, "get_quota", &project)?;
    let w = s.world();
    quota_reply(&project, w.network.quota_details(&project))
}

async fn show_quota_default(caller: Caller, NPath(project): NPath<String>) -> Reply {
    allow(&caller, "get_quota", &project)?;
    quota_reply(&project, Network::quota_defaults())
}

async fn update_quota(State(s): State<AppState>, caller: Caller, NPath(project): NPath<String>, NBody(body): NBody) -> Reply {
    let obj = attrs::action_body(&body, &["quota"])?;
    let quota =
        obj.get("quota").and_then(Value::as_object).ok_or_else(|| NeutronError::bad_request("Unable to find 'quota' in request body"))?;
    allow(&caller, "update_quota", &project)?;
    let mut w = s.world();
    transact(&mut w, |n, _, _| n.set_quotas(&project, quota))?;
    Ok(json_reply(StatusCode::OK, json!({"quota": w.network.quota_view(&project)})))
}

async fn delete_quota(State(s): State<AppState>, caller: Caller, NPath(project): NPath<String>) -> Reply {
    allow(&caller, "delete_quota", &project)?;
    s.world().network.reset_quotas(&project);
    no_content()
}

// ---- tags ----

#[derive(Clone, Copy, Debug)]
enum Tagged {
    Network,
    Subnet,
    Port,
    Router,
    FloatingIp,
    SecurityGroup,
}

impl Tagged {
    fn singular(self) -> &'static str {
        match self {
            Tagged::Network => "network",
            Tagged::Subnet => "subnet",
            Tagged::Port => "port",
            Tagged::Router => "router",
            Tagged::FloatingIp => "floatingip",
            Tagged::SecurityGroup => "security_group",
        }
    }

    /// The owner of a resource the viewer can see.
    fn owner(self, n: &Network, v: &Viewer, id: &str) -> NResult<String> {
        Ok(match self {
            Tagged::Network => n.network_for(v, id)?.project_id.clone(),
            Tagged::Subnet => n.subnet_for(v, id)?.project_id.clone(),
            Tagged::Port => n.port_for(v, id)?.project_id.clone(),
            Tagged::Router => n.router_for(v, id)?.project_id.clone(),
            Tagged::FloatingIp => n.floating_ip_for(v, id)?.project_id.clone(),
            Tagged::SecurityGroup => n.security_group_for(v, id)?.project_id.clone(),
        })
    }

    fn tags(self, n: &Network, id: &str) -> BTreeSet<String> {
        match self {
            Tagged::Network => n.networks.get(id).map(|x| x.tags.clone()),
            Tagged::Subnet => n.subnets.get(id).map(|x| x.tags.clone()),
            Tagged::Port => n.ports.get(id).map(|x| x.tags.clone()),
            Tagged::Router => n.routers.get(id).map(|x| x.tags.clone()),
            Tagged::FloatingIp => n.floating_ips.get(id).map(|x| x.tags.clone()),
            Tagged::SecurityGroup => n.security_groups.get(id).map(|x| x.tags.clone()),
        }
        .unwrap_or_default()
    }

    /// Replaces the tags, bumping the resource's revision.
    fn set_tags(self, n: &mut Network, id: &str, tags: BTreeSet<String>, now: SimTime) {
        let (t, at, rev) = match self {
            Tagged::Network => n.networks.get_mut(id).map(|x| (&mut x.tags, &mut x.updated_at, &mut x.revision_number)),
            Tagged::Subnet => n.subnets.get_mut(id).map(|x| (&mut x.tags, &mut x.updated_at, &mut x.revision_number)),
            Tagged::Port => n.ports.get_mut(id).map(|x| (&mut x.tags, &mut x.updated_at, &mut x.revision_number)),
            Tagged::Router => n.routers.get_mut(id).map(|x| (&mut x.tags, &mut x.updated_at, &mut x.revision_number)),
            Tagged::FloatingIp => n.floating_ips.get_mut(id).map(|x| (&mut x.tags, &mut x.updated_at, &mut x.revision_number)),
            Tagged::SecurityGroup => n.security_groups.get_mut(id).map(|x| (&mut x.tags, &mut x.updated_at, &mut x.revision_number)),
        }
        .expect("checked by owner()");
        if *t != tags {
            *t = tags;
            super::model::touch(at, rev, now);
        }
    }
}

fn check_tag(tag: &str) -> NResult<()> {
    if tag.is_empty() || tag.chars().count() > 255 {
        return Err(NeutronError::invalid_attr("tag", format!("'{tag}' exceeds maximum length of 255")));
    }
    Ok(())
}

fn tags_route(kind: Tagged) -> Endpoint {
    get(move |State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>| async move {
        let w = s.world();
        kind.owner(&w.network, &viewer(&caller), &id)?;
        Ok::<_, NeutronError>(json_reply(StatusCode::OK, json!({"tags": kind.tags(&w.network, &id)})))
    })
    .put(move |State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>, NBody(body): NBody| async move {
        let obj = attrs::action_body(&body, &["tags"])?;
        let list = obj.get("tags").and_then(Value::as_array).ok_or_else(|| NeutronError::bad_request("Invalid tags body"))?;
        let mut tags = BTreeSet::new();
        for t in list {
            let t = t.as_str().ok_or_else(|| NeutronError::invalid_attr("tags", format!("'{}' is not a valid string", attrs::py(t))))?;
            check_tag(t)?;
            tags.insert(t.to_string());
        }
        let mut w = s.world();
        let owner = kind.owner(&w.network, &viewer(&caller), &id)?;
        allow(&caller, &format!("update_{}", kind.singular()), &owner)?;
        let now = w.now();
        kind.set_tags(&mut w.network, &id, tags.clone(), now);
        Ok::<_, NeutronError>(json_reply(StatusCode::OK, json!({"tags": tags})))
    })
    .delete(move |State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>| async move {
        let mut w = s.world();
        let owner = kind.owner(&w.network, &viewer(&caller), &id)?;
        allow(&caller, &format!("update_{}", kind.singular()), &owner)?;
        let now = w.now();
        kind.set_tags(&mut w.network, &id, BTreeSet::new(), now);
        no_content()
    })
}

fn tag_route(kind: Tagged) -> Endpoint {
    let missing = move |tag: &str, id: &str| {
        NeutronError::not_found("TagNotFound", format!("Tag {tag} could not be found for {} {id}.", kind.singular()))
    };
    get(move |State(s): State<AppState>, caller: Caller, NPath((id, tag)): NPath<(String, String)>| async move {
        let w = s.world();
        kind.owner(&w.network, &viewer(&caller), &id)?;
        if kind.tags(&w.network, &id).contains(&tag) {
            no_content()
        } else {
            Err(missing(&tag, &id))
        }
    })
    .put(move |State(s): State<AppState>, caller: Caller, NPath((id, tag)): NPath<(String, String)>| async move {
        check_tag(&tag)?;
        let mut w = s.world();
        let owner = kind.owner(&w.network, &viewer(&caller), &id)?;
        allow(&caller, &format!("update_{}", kind.singular()), &owner)?;
        let mut tags = kind.tags(&w.network, &id);
        tags.insert(tag);
        let now = w.now();
        kind.set_tags(&mut w.network, &id, tags, now);
        Ok::<_, NeutronError>(StatusCode::CREATED.into_response())
    })
    .delete(move |State(s): State<AppState>, caller: Caller, NPath((id, tag)): NPath<(String, String)>| async move {
        let mut w = s.world();
        let owner = kind.owner(&w.network, &viewer(&caller), &id)?;
        allow(&caller, &format!("update_{}", kind.singular()), &owner)?;
        let mut tags = kind.tags(&w.network, &id);
        if !tags.remove(&tag) {
            return Err(missing(&tag, &id));
        }
        let now = w.now();
        kind.set_tags(&mut w.network, &id, tags, now);
        no_content()
    })
}
