//! What hangs off a server: its metadata, tags (2.26+), addresses by network, diagnostics (admin)
//! and the (never set) encrypted password, with Nova's state rules for the writes.

use super::common::visible;
use super::common::{bad, empty, not_found, reply, ApiResult, Nova, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::compute::model::{Server, VmState};
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody};
use crate::http::microversion::{Microversion, Version};
use crate::policy::{enforce, Target};
use crate::world::World;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Nova's limit on a server's tags.
const MAX_TAGS: usize = 50;

fn check(caller: &Caller, rule: &str, s: &Server) -> Result<(), ApiError> {
    enforce(SVC, caller, rule, Target { project_id: Some(&s.project_id), user_id: None })
}

/// A server the caller may act on, found, policy-checked and (for writes by non-admins) unlocked.
fn target<'a>(w: &'a World, caller: &Caller, id: &str, rule: &str, write: bool) -> Result<&'a Server, ApiError> {
    let s = visible(w, caller, id)?;
    check(caller, rule, s)?;
    if write && s.locked && !caller.is_admin() {
        return Err(ApiError::new(SVC, StatusCode::CONFLICT, format!("Instance {id} is locked")));
    }
    Ok(s)
}

fn conflict(action: &str, s: &Server) -> ApiError {
    ApiError::new(SVC, StatusCode::CONFLICT, format!("Cannot '{action}' instance {} while it is in vm_state {}", s.id, s.vm_state.as_str()))
}

// ---- metadata ----

/// Nova's body schemas allow one member and nothing beside it.
fn only_member(body: &Value, key: &str) -> Result<(), ApiError> {
    if let Some(other) = body.as_object().and_then(|o| o.keys().find(|k| *k != key)) {
        return Err(bad(format!(
            "Invalid input for field/attribute {key}. Additional properties are not allowed ('{other}' was unexpected)"
        )));
    }
    Ok(())
}

/// A metadata body's items: a map of strings, keys 1 to 255 characters, values up to 255.
fn metadata_items(body: &Value, key: &str) -> Result<BTreeMap<String, String>, ApiError> {
    only_member(body, key)?;
    let items = body
        .get(key)
        .and_then(Value::as_object)
        .ok_or_else(|| bad(format!("Invalid input for field/attribute {key}. '{key}' is a required property")))?;
    let mut out = BTreeMap::new();
    for (k, v) in items {
        let Value::String(v) = v else {
            return Err(bad(format!("Invalid input for field/attribute {k}. Value: {v}. {v} is not of type 'string'")));
        };
        if k.is_empty() || k.chars().count() > 255 || v.chars().count() > 255 {
            return Err(bad(format!(
                "Invalid input for field/attribute {key}. Metadata keys must be 1 to 255 characters and values at most 255"
            )));
        }
        out.insert(k.clone(), v.clone());
    }
    Ok(out)
}

/// Metadata may change in these vm_states only, with no task running.
fn metadata_writable(s: &Server, action: &str) -> Result<(), ApiError> {
    let ok = matches!(s.vm_state, VmState::Active | VmState::Paused | VmState::Suspended | VmState::Stopped) && s.task_state.is_none();
    if ok {
        Ok(())
    } else {
        Err(conflict(action, s))
    }
}

pub async fn list_metadata(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let w = s.world();
    let srv = target(&w, &caller, &id, "os_compute_api:server-metadata:index", false)?;
    Ok(reply(v, StatusCode::OK, json!({"metadata": srv.metadata})))
}

/// `POST` merges items in; `PUT` replaces them all.
async fn write_metadata(s: &AppState, caller: &Caller, id: &str, v: Version, body: &Value, replace: bool) -> ApiResult {
    let items = metadata_items(body, "metadata")?;
    let mut w = s.world();
    let rule = if replace { "os_compute_api:server-metadata:update_all" } else { "os_compute_api:server-metadata:create" };
    let srv = target(&w, caller, id, rule, true)?;
    metadata_writable(srv, "update_metadata")?;
    let mut next = if replace { BTreeMap::new() } else { srv.metadata.clone() };
    next.extend(items);
    super::servers::check_metadata_quota(&w, &srv.project_id, next.len())?;
    let now = w.now();
    let srv = w.compute.server_mut(id).expect("visible");
    srv.metadata = next;
    srv.updated_at = now;
    Ok(reply(v, StatusCode::OK, json!({"metadata": srv.metadata})))
}

pub async fn create_metadata(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    write_metadata(&s, &caller, &id, v, &body, false).await
}

pub async fn replace_metadata(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    write_metadata(&s, &caller, &id, v, &body, true).await
}

pub async fn show_metadata_item(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, key)): Path<(String, String)>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let w = s.world();
    let srv = target(&w, &caller, &id, "os_compute_api:server-metadata:show", false)?;
    let value = srv.metadata.get(&key).ok_or_else(|| not_found("Metadata item was not found"))?;
    Ok(reply(v, StatusCode::OK, json!({"meta": { key: value }})))
}

pub async fn set_metadata_item(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, key)): Path<(String, String)>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    let items = metadata_items(&body, "meta")?;
    if items.len() > 1 {
        return Err(bad("Request body contains too many items"));
    }
    let Some((k, value)) = items.into_iter().next() else { return Err(bad("Malformed request body")) };
    if k != key {
        return Err(bad("Request body and URI mismatch"));
    }
    let mut w = s.world();
    let srv = target(&w, &caller, &id, "os_compute_api:server-metadata:update", true)?;
    metadata_writable(srv, "update_metadata")?;
    super::servers::check_metadata_quota(&w, &srv.project_id, srv.metadata.len() + usize::from(!srv.metadata.contains_key(&k)))?;
    let now = w.now();
    let srv = w.compute.server_mut(&id).expect("visible");
    srv.metadata.insert(k.clone(), value.clone());
    srv.updated_at = now;
    Ok(reply(v, StatusCode::OK, json!({"meta": { k: value }})))
}

pub async fn delete_metadata_item(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, key)): Path<(String, String)>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let mut w = s.world();
    let srv = target(&w, &caller, &id, "os_compute_api:server-metadata:delete", true)?;
    if !srv.metadata.contains_key(&key) {
        return Err(not_found("Metadata item was not found"));
    }
    metadata_writable(srv, "delete_metadata")?;
    let now = w.now();
    let srv = w.compute.server_mut(&id).expect("visible");
    srv.metadata.remove(&key);
    srv.updated_at = now;
    Ok(empty(v, StatusCode::NO_CONTENT))
}

// ---- tags (2.26+) ----

fn tags_version(v: Version) -> Result<(), ApiError> {
    if v.at_least(2, 26) {
        Ok(())
    } else {
        Err(not_found("The resource could not be found."))
    }
}

fn check_tag(tag: &str) -> Result<(), ApiError> {
    if tag.is_empty() || tag.chars().count() > 60 || tag.contains(['/', ',']) {
        return Err(bad(format!("Invalid input for field/attribute tags. Value: {tag}. Tags are 1 to 60 characters without '/' or ','")));
    }
    Ok(())
}

/// Tags change on a server that is not building and runs no task.
fn tags_writable(s: &Server, action: &str) -> Result<(), ApiError> {
    if s.vm_state == VmState::Building || s.task_state.is_some() {
        return Err(conflict(action, s));
    }
    Ok(())
}

pub async fn list_tags(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    tags_version(v)?;
    let w = s.world();
    let srv = target(&w, &caller, &id, "os_compute_api:os-server-tags:index", false)?;
    Ok(reply(v, StatusCode::OK, json!({"tags": srv.tags})))
}

pub async fn replace_tags(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    tags_version(v)?;
    only_member(&body, "tags")?;
    let tags: Vec<String> = match body.get("tags") {
        Some(Value::Array(a)) => a
            .iter()
            .map(|t| {
                t.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad(format!("Invalid input for field/attribute tags. Value: {t}. {t} is not of type 'string'")))
            })
            .collect::<Result<_, _>>()?,
        _ => return Err(bad("Invalid input for field/attribute tags. 'tags' is a required property")),
    };
    for t in &tags {
        check_tag(t)?;
    }
    let mut unique: Vec<String> = Vec::new();
    for t in tags {
        if !unique.contains(&t) {
            unique.push(t);
        }
    }
    if unique.len() > MAX_TAGS {
        return Err(bad(format!("The number of tags exceeded the per-server limit {MAX_TAGS}")));
    }
    let mut w = s.world();
    let srv = target(&w, &caller, &id, "os_compute_api:os-server-tags:update_all", true)?;
    tags_writable(srv, "update tags")?;
    let srv = w.compute.server_mut(&id).expect("visible");
    srv.tags = unique;
    Ok(reply(v, StatusCode::OK, json!({"tags": srv.tags})))
}

pub async fn clear_tags(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    tags_version(v)?;
    let mut w = s.world();
    let srv = target(&w, &caller, &id, "os_compute_api:os-server-tags:delete_all", true)?;
    tags_writable(srv, "delete tags")?;
    w.compute.server_mut(&id).expect("visible").tags.clear();
    Ok(empty(v, StatusCode::NO_CONTENT))
}

pub async fn check_tag_route(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, tag)): Path<(String, String)>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    tags_version(v)?;
    let w = s.world();
    let srv = target(&w, &caller, &id, "os_compute_api:os-server-tags:show", false)?;
    if !srv.tags.contains(&tag) {
        return Err(not_found(format!("Tag {tag} could not be found.")));
    }
    Ok(empty(v, StatusCode::NO_CONTENT))
}

/// `PUT /servers/{id}/tags/{tag}`: 201 with its location when added, 204 when already there.
pub async fn add_tag(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path((id, tag)): Path<(String, String)>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    tags_version(v)?;
    check_tag(&tag)?;
    let mut w = s.world();
    let srv = target(&w, &caller, &id, "os_compute_api:os-server-tags:update", true)?;
    if srv.tags.contains(&tag) {
        return Ok(empty(v, StatusCode::NO_CONTENT));
    }
    tags_writable(srv, "update tag")?;
    if srv.tags.len() >= MAX_TAGS {
        return Err(bad(format!("The number of tags exceeded the per-server limit {MAX_TAGS}")));
    }
    w.compute.server_mut(&id).expect("visible").tags.push(tag.clone());
    let mut resp = empty(v, StatusCode::CREATED);
    if let Ok(loc) = axum::http::HeaderValue::from_str(&format!("{base}/compute/v2.1/servers/{id}/tags/{tag}")) {
        resp.headers_mut().insert(axum::http::header::LOCATION, loc);
    }
    Ok(resp)
}

pub async fn remove_tag(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, tag)): Path<(String, String)>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    tags_version(v)?;
    let mut w = s.world();
    let srv = target(&w, &caller, &id, "os_compute_api:os-server-tags:delete", true)?;
    if !srv.tags.contains(&tag) {
        return Err(not_found(format!("Tag {tag} could not be found.")));
    }
    tags_writable(srv, "delete tag")?;
    w.compute.server_mut(&id).expect("visible").tags.retain(|t| t != &tag);
    Ok(empty(v, StatusCode::NO_CONTENT))
}

// ---- addresses, diagnostics, password ----

/// A server's addresses as `/ips` shows them: version and address only.
fn plain_addresses(w: &World, id: &str) -> Map<String, Value> {
    let Value::Object(nets) = w.network.server_addresses(id) else { return Map::new() };
    nets.into_iter()
        .map(|(net, addrs)| {
            let plain: Vec<Value> =
                addrs.as_array().into_iter().flatten().map(|a| json!({"version": a["version"], "addr": a["addr"]})).collect();
            (net, Value::Array(plain))
        })
        .collect()
}

pub async fn list_ips(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let w = s.world();
    target(&w, &caller, &id, "os_compute_api:ips:index", false)?;
    Ok(reply(v, StatusCode::OK, json!({"addresses": plain_addresses(&w, &id)})))
}

pub async fn show_ips(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, network)): Path<(String, String)>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let w = s.world();
    target(&w, &caller, &id, "os_compute_api:ips:show", false)?;
    let addrs = plain_addresses(&w, &id);
    let found = addrs.get(&network).ok_or_else(|| not_found("There are no such addresses"))?;
    Ok(reply(v, StatusCode::OK, json!({ network: found })))
}

/// Diagnostics of the simulated guest: libvirt's free-form keys before 2.48, the standard format
/// after.
pub async fn diagnostics(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    // Admin's only: checked before the lookup, so no other caller learns whether the server exists.
    enforce(SVC, &caller, "os_compute_api:os-server-diagnostics", Target::default())?;
    let w = s.world();
    let srv = target(&w, &caller, &id, "os_compute_api:os-server-diagnostics", false)?;
    if srv.host.is_none() || srv.vm_state == VmState::Building {
        return Err(ApiError::new(SVC, StatusCode::CONFLICT, format!("Instance {id} is not ready")));
    }
    let flavor = w.compute.flavor(&srv.flavor_id);
    let (vcpus, ram) = flavor.map_or((1, 512), |f| (f.vcpus, f.ram));
    let uptime = srv.launched_at.map_or(0, |t| (w.now() - t).num_seconds().max(0));
    let nics = w.network.ports.values().filter(|p| p.device_id == id).count();
    if v.at_least(2, 48) {
        let state = if srv.power_state == crate::compute::model::POWER_RUNNING { "running" } else { "shutdown" };
        let cpus: Vec<Value> = (0..vcpus).map(|i| json!({"id": i, "time": 0, "utilisation": null})).collect();
        let nic_details: Vec<Value> = w
            .network
            .ports
            .values()
            .filter(|p| p.device_id == id)
            .map(|p| {
                json!({"mac_address": p.mac_address, "rx_octets": 0, "rx_errors": 0, "rx_drop": 0, "rx_packets": 0, "rx_rate": null,
                            "tx_octets": 0, "tx_errors": 0, "tx_drop": 0, "tx_packets": 0, "tx_rate": null})
            })
            .collect();
        let body = json!({"state": state, "driver": "libvirt", "hypervisor": "kvm", "hypervisor_os": "linux", "uptime": uptime,
            "config_drive": false, "num_cpus": vcpus, "num_nics": nics, "num_disks": 1, "cpu_details": cpus, "nic_details": nic_details,
            "disk_details": [{"read_bytes": 0, "read_requests": 0, "write_bytes": 0, "write_requests": 0, "errors_count": 0}],
            "memory_details": {"maximum": ram, "used": 0}});
        return Ok(reply(v, StatusCode::OK, body));
    }
    let mut body = json!({"memory": ram * 1024, "memory-actual": ram * 1024, "vda_read": 0, "vda_read_req": 0, "vda_write": 0, "vda_write_req": 0, "vda_errors": -1});
    for i in 0..vcpus {
        body[format!("cpu{i}_time")] = json!(0);
    }
    Ok(reply(v, StatusCode::OK, body))
}

/// No guest agent sets a password here, so it is always empty.
pub async fn show_password(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let w = s.world();
    target(&w, &caller, &id, "os_compute_api:os-server-password:show", false)?;
    Ok(reply(v, StatusCode::OK, json!({"password": ""})))
}

pub async fn clear_password(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let w = s.world();
    target(&w, &caller, &id, "os_compute_api:os-server-password:clear", true)?;
    Ok(empty(v, StatusCode::NO_CONTENT))
}
