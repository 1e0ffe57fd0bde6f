//! Nova's floating IP proxy to Neutron: `os-floating-ips` (list, show, allocate from a pool,
//! release) and `os-floating-ip-pools`, gone from 2.36, and the `addFloatingIp`/`removeFloatingIp`
//! server actions, gone from 2.44. They act on Neutron's floating IPs as the caller would, so
//! Neutron's API shows the same addresses.

use super::common::visible;
use super::common::{bad, check_schema, empty, not_found, reply, ApiResult, Nova, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::microversion::{Microversion, Version};
use crate::network::l3::FloatingIpSpec;
use crate::network::model::{FloatingIp, PendingActivation};
use crate::network::Event;
use crate::policy::{enforce, Target};
use crate::world::World;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{json, Value};

/// Nova's `[neutron] default_floating_pool`, the pool of an allocation that names none.
const DEFAULT_POOL: &str = "nova";

fn gone_from_2_36(v: Version) -> Result<(), ApiError> {
    if v.at_least(2, 36) {
        return Err(not_found("The resource could not be found."));
    }
    Ok(())
}

fn own_project(caller: &Caller) -> String {
    caller.project_id.clone().unwrap_or_default()
}

/// The floating IPs the caller's Neutron query returns: its project's (an admin's too, as Nova
/// lists by project).
fn project_fips<'a>(w: &'a World, caller: &Caller) -> impl Iterator<Item = &'a FloatingIp> + 'a {
    let project = own_project(caller);
    w.network.floating_ips.values().filter(move |f| f.project_id == project)
}

/// The floating IP Neutron shows the caller by id: its project's, or any for an admin.
fn visible_fip<'a>(w: &'a World, caller: &Caller, id: &str) -> Result<&'a FloatingIp, ApiError> {
    w.network
        .floating_ips
        .get(id)
        .filter(|f| caller.is_admin() || caller.project_id.as_deref() == Some(f.project_id.as_str()))
        .ok_or_else(|| fip_not_found(id))
}

/// Nova's floating IP view: the pool is the external network's name, the instance the device of
/// the associated port.
fn view(w: &World, f: &FloatingIp) -> Value {
    let pool = w.network.networks.get(&f.floating_network_id).map(|n| n.name.clone()).filter(|n| !n.is_empty());
    let instance = f.port_id.as_deref().and_then(|p| w.network.ports.get(p)).map(|p| p.device_id.clone()).filter(|d| !d.is_empty());
    json!({
        "id": f.id,
        "ip": f.floating_ip_address.to_string(),
        "pool": pool.unwrap_or_else(|| f.floating_network_id.clone()),
        "fixed_ip": f.fixed_ip_address.map(|a| a.to_string()),
        "instance_id": instance,
    })
}

fn fip_not_found(id: &str) -> ApiError {
    not_found(format!("Floating IP not found for ID {id}"))
}

pub async fn list(State(s): State<AppState>, caller: Caller, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    gone_from_2_36(v)?;
    let project = own_project(&caller);
    enforce(SVC, &caller, "os_compute_api:os-floating-ips:list", Target { project_id: Some(&project), user_id: None })?;
    let w = s.world();
    let items: Vec<Value> = project_fips(&w, &caller).map(|f| view(&w, f)).collect();
    Ok(reply(v, StatusCode::OK, json!({ "floating_ips": items })))
}

pub async fn show(State(s): State<AppState>, caller: Caller, Path(id): Path<String>, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    gone_from_2_36(v)?;
    let project = own_project(&caller);
    enforce(SVC, &caller, "os_compute_api:os-floating-ips:show", Target { project_id: Some(&project), user_id: None })?;
    let w = s.world();
    let f = visible_fip(&w, &caller, &id)?;
    Ok(reply(v, StatusCode::OK, json!({ "floating_ip": view(&w, f) })))
}

/// Runs a Neutron write on copies of the network and the ids, kept only when it succeeds.
fn on_copy<T>(
    w: &mut World,
    f: impl FnOnce(&mut crate::network::Network, &mut crate::sim::Ids, crate::sim::SimTime) -> Result<T, String>,
) -> Result<T, String> {
    let now = w.now();
    let (mut net, mut ids) = (w.network.clone(), w.sim.ids.clone());
    let out = f(&mut net, &mut ids, now)?;
    w.network = net;
    w.sim.ids = ids;
    Ok(out)
}

/// The L3 agent wires a new association a few seconds later, as after Neutron's own update.
fn schedule_activation(w: &mut World, p: PendingActivation) {
    cancel_activation(w, &p.floating_ip_id);
    let due = w.now() + PendingActivation::delay(w.sim.ids.fraction());
    w.sim.scheduler.schedule(due, Event::FloatingIpActive { floating_ip_id: p.floating_ip_id, port_id: p.port_id });
}

fn cancel_activation(w: &mut World, id: &str) {
    w.sim
        .scheduler
        .cancel(|e| matches!(e, crate::world::Event::Network(Event::FloatingIpActive { floating_ip_id, .. }) if floating_ip_id == id));
}

/// `POST /os-floating-ips` (`{"pool": name}` or nothing): allocates a floating IP on the external
/// network of that name or id.
pub async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Nova>,
    body: axum::body::Bytes,
) -> ApiResult {
    gone_from_2_36(v)?;
    let project = own_project(&caller);
    enforce(SVC, &caller, "os_compute_api:os-floating-ips:create", Target { project_id: Some(&project), user_id: None })?;
    // The body is optional: none allocates from the default pool.
    let body: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        serde_json::from_slice(&body).map_err(|e| bad(format!("Invalid request body: {e}")))?
    };
    if !body.is_object() && !body.is_null() {
        return Err(bad(format!("Invalid input for field/attribute body. Value: {body}. {body} is not of type 'object', 'null'")));
    }
    let pool = match body.get("pool") {
        None | Some(Value::Null) => None,
        Some(Value::String(p)) => Some(p.clone()),
        Some(other) => return Err(bad(format!("Invalid input for field/attribute pool. Value: {other}. {other} is not of type 'string'"))),
    };
    let mut w = s.world();
    let wanted = pool.clone().unwrap_or_else(|| DEFAULT_POOL.to_string());
    let pools: Vec<String> =
        w.network.networks.values().filter(|n| n.external && (n.name == wanted || n.id == wanted)).map(|n| n.id.clone()).collect();
    let net_id = match pools.as_slice() {
        [one] => one.clone(),
        [] => return Err(not_found("Floating IP pool not found.")),
        _ => return Err(ApiError::new(SVC, StatusCode::CONFLICT, format!("Multiple floating IP pools matches found for name '{wanted}'"))),
    };
    if w.network.check_quota(&project, "floatingip").is_err() {
        let msg = match &pool {
            Some(p) => format!("IP allocation over quota in pool {p}."),
            None => "IP allocation over quota.".to_string(),
        };
        return Err(ApiError::new(SVC, StatusCode::FORBIDDEN, msg));
    }
    let spec = FloatingIpSpec { floating_network_id: net_id, project_id: project, ..Default::default() };
    let (id, _) = on_copy(&mut w, |n, ids, now| n.create_floating_ip_as(ids, now, spec, false).map_err(|e| e.message)).map_err(|_| {
        not_found(match &pool {
            Some(p) => format!("No more floating IPs in pool {p}."),
            None => "No more floating IPs available.".to_string(),
        })
    })?;
    Ok(reply(v, StatusCode::OK, json!({ "floating_ip": view(&w, &w.network.floating_ips[&id]) })))
}

/// `DELETE /os-floating-ips/{id}`: disassociates and releases it.
pub async fn delete(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    gone_from_2_36(v)?;
    let project = own_project(&caller);
    enforce(SVC, &caller, "os_compute_api:os-floating-ips:delete", Target { project_id: Some(&project), user_id: None })?;
    let mut w = s.world();
    visible_fip(&w, &caller, &id)?;
    w.network.delete_floating_ip(&id).map_err(|_| fip_not_found(&id))?;
    cancel_activation(&mut w, &id);
    Ok(empty(v, StatusCode::ACCEPTED))
}

/// `GET /os-floating-ip-pools`: the external networks, by name.
pub async fn pools(State(s): State<AppState>, caller: Caller, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    gone_from_2_36(v)?;
    enforce(SVC, &caller, "os_compute_api:os-floating-ip-pools", Target::default())?;
    let w = s.world();
    let items: Vec<Value> = w.network.networks.values().filter(|n| n.external).map(|n| json!({"name": n.name})).collect();
    Ok(reply(v, StatusCode::OK, json!({ "floating_ip_pools": items })))
}

fn action_schema(action: &str, with_fixed: bool) -> Value {
    let mut props = json!({"address": {"type": "string", "format": "ip-address"}});
    if with_fixed {
        props["fixed_address"] = json!({"type": "string", "format": "ip-address"});
    }
    json!({"type": "object", "properties": {action: {"type": "object", "properties": props, "required": ["address"],
           "additionalProperties": false}}, "required": [action], "additionalProperties": false})
}

/// The floating IP with this address that the caller's Neutron query finds.
fn by_address<'a>(w: &'a World, caller: &Caller, address: &str) -> Option<&'a FloatingIp> {
    w.network
        .floating_ips
        .values()
        .find(|f| f.floating_ip_address.to_string() == address && (caller.is_admin() || Some(&f.project_id) == caller.project_id.as_ref()))
}

/// `addFloatingIp` (up to 2.43): associates the address with the server's port holding the given
/// fixed address, or its first fixed IPv4 address.
pub(super) fn add(s: &AppState, caller: &Caller, id: &str, v: Version, body: &Value) -> ApiResult {
    if v.at_least(2, 44) {
        return Err(not_found("The resource could not be found."));
    }
    check_schema(body, &action_schema("addFloatingIp", true))?;
    let address = body["addFloatingIp"]["address"].as_str().unwrap_or_default().to_string();
    let fixed_wanted = body["addFloatingIp"].get("fixed_address").and_then(Value::as_str).map(str::to_string);
    let mut w = s.world();
    let project = visible(&w, caller, id)?.project_id.clone();
    enforce(SVC, caller, "os_compute_api:os-floating-ips:add", Target { project_id: Some(&project), user_id: None })?;
    let mut ports: Vec<&crate::network::model::Port> =
        w.network.ports.values().filter(|p| p.device_id == id && !p.device_owner.starts_with("network:")).collect();
    ports.sort_by_key(|p| p.seq);
    let fixed: Vec<(String, std::net::IpAddr)> =
        ports.iter().flat_map(|p| p.fixed_ips.iter().map(move |f| (p.id.clone(), f.ip_address))).collect();
    if fixed.is_empty() {
        return Err(bad("No fixed IPs associated to instance"));
    }
    let (port, fixed_ip) = match &fixed_wanted {
        Some(want) => fixed
            .iter()
            .find(|(_, ip)| ip.to_string() == *want)
            .cloned()
            .ok_or_else(|| bad("Specified fixed address not assigned to instance"))?,
        None => fixed.iter().find(|(_, ip)| ip.is_ipv4()).cloned().ok_or_else(|| {
            bad(format!(
                "Unable to associate floating IP {address} to any fixed IPs for instance {id}. Instance has no fixed IPv4 addresses to associate."
            ))
        })?,
    };
    let fip = by_address(&w, caller, &address).ok_or_else(|| not_found("floating IP not found"))?.id.clone();
    let spec = FloatingIpSpec { port_id: Some(Some(port)), fixed_ip_address: Some(Some(fixed_ip.to_string())), ..Default::default() };
    let admin = caller.is_admin();
    let pending = on_copy(&mut w, |n, _, now| n.update_floating_ip(now, &fip, spec, admin).map_err(|e| e.message))
        .map_err(|e| bad(format!("Unable to associate floating IP {address} to fixed IP {fixed_ip} for instance {id}. Error: {e}")))?;
    if let Some(p) = pending {
        schedule_activation(&mut w, p);
    }
    Ok(empty(v, StatusCode::ACCEPTED))
}

/// `removeFloatingIp` (up to 2.43): disassociates the address when it is on this server.
pub(super) fn remove(s: &AppState, caller: &Caller, id: &str, v: Version, body: &Value) -> ApiResult {
    if v.at_least(2, 44) {
        return Err(not_found("The resource could not be found."));
    }
    check_schema(body, &action_schema("removeFloatingIp", false))?;
    let address = body["removeFloatingIp"]["address"].as_str().unwrap_or_default().to_string();
    let mut w = s.world();
    let project = visible(&w, caller, id)?.project_id.clone();
    enforce(SVC, caller, "os_compute_api:os-floating-ips:remove", Target { project_id: Some(&project), user_id: None })?;
    let f = by_address(&w, caller, &address).ok_or_else(|| not_found("floating IP not found"))?;
    let on_server = f.port_id.as_deref().and_then(|p| w.network.ports.get(p)).is_some_and(|p| p.device_id == id);
    if !on_server {
        return Err(ApiError::new(SVC, StatusCode::CONFLICT, format!("Floating IP {address} is not associated with instance {id}.")));
    }
    let fip = f.id.clone();
    let spec = FloatingIpSpec { port_id: Some(None), ..Default::default() };
    on_copy(&mut w, |n, _, now| n.update_floating_ip(now, &fip, spec, true).map_err(|e| e.message))
        .map_err(|_| bad("Floating IP is not associated"))?;
    cancel_activation(&mut w, &fip);
    Ok(empty(v, StatusCode::ACCEPTED))
}
