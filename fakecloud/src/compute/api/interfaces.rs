//! `/servers/{id}/os-interface`: a server's ports as interface attachments (list, show), attach (a
//! port, or a new one on a network with an optional address; a tag from 2.49) and detach.

use super::common::visible;
use super::common::{bad, empty, not_found, reply, ApiResult, Nova, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::compute::lifecycle::Refused;
use crate::flows::server_interfaces::InterfaceRequest;
use crate::http::error::ApiError;
use crate::http::extract::JsonBody;
use crate::http::json_schema::py_repr;
use crate::http::microversion::{Microversion, Version};
use crate::network::model::Port;
use crate::policy::{enforce, Target};
use crate::world::World;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{json, Value};
use std::net::IpAddr;

fn refused(r: Refused) -> ApiError {
    ApiError::new(SVC, StatusCode::from_u16(r.0).unwrap_or(StatusCode::BAD_REQUEST), r.1)
}

/// Nova's interface attachment view (`_translate_interface_attachment_view`); the tag from 2.70.
fn attachment(w: &World, p: &Port, v: Version) -> Value {
    let fixed_ips: Vec<Value> =
        p.fixed_ips.iter().map(|ip| json!({"subnet_id": ip.subnet_id, "ip_address": ip.ip_address.to_string()})).collect();
    let mut view = json!({"net_id": p.network_id, "port_id": p.id, "mac_addr": p.mac_address, "port_state": p.status,
        "fixed_ips": fixed_ips});
    if v.at_least(2, 70) {
        view["tag"] = json!(w.compute.interfaces.get(&p.id).and_then(|i| i.tag.clone()));
    }
    view
}

/// The server (visible to the caller) after the policy check of `rule`.
fn server_project(w: &World, caller: &Caller, id: &str, rule: &str) -> Result<String, ApiError> {
    let project = visible(w, caller, id)?.project_id.clone();
    enforce(SVC, caller, rule, Target { project_id: Some(&project), user_id: None })?;
    Ok(project)
}

pub async fn list(State(s): State<AppState>, caller: Caller, Path(id): Path<String>, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    let w = s.world();
    server_project(&w, &caller, &id, "os_compute_api:os-attach-interfaces:list")?;
    let mut ports: Vec<&Port> = w.network.ports.values().filter(|p| p.device_id == id).collect();
    ports.sort_by_key(|p| p.seq);
    let items: Vec<Value> = ports.into_iter().map(|p| attachment(&w, p, v)).collect();
    Ok(reply(v, StatusCode::OK, json!({"interfaceAttachments": items})))
}

fn show_port(w: &World, id: &str, port_id: &str, v: Version) -> ApiResult {
    let port = w.network.ports.get(port_id).ok_or_else(|| not_found(format!("Port id {port_id} could not be found.")))?;
    if port.device_id != id {
        return Err(not_found(format!("Instance {id} does not have a port with id {port_id}")));
    }
    Ok(reply(v, StatusCode::OK, json!({"interfaceAttachment": attachment(w, port, v)})))
}

pub async fn show(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, port_id)): Path<(String, String)>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let w = s.world();
    server_project(&w, &caller, &id, "os_compute_api:os-attach-interfaces:show")?;
    show_port(&w, &id, &port_id, v)
}

fn invalid(field: &str, value: &Value, why: &str) -> ApiError {
    bad(format!("Invalid input for field/attribute {field}. Value: {}. {why}", py_repr(value)))
}

/// oslo's `is_uuid_like`: 32 hex digits, hyphens anywhere.
fn uuid_like(s: &str) -> bool {
    let hex: String = s.chars().filter(|c| *c != '-').collect();
    hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
}

/// The body as Nova's `create` schema (and from 2.49 `create_v249`, with `tag`) reads it.
fn read_body(body: &Value, v: Version) -> Result<(Option<String>, Option<String>, Option<String>, Option<String>), ApiError> {
    let obj = body.as_object().ok_or_else(|| invalid("body", body, &format!("{} is not of type 'object'", py_repr(body))))?;
    if let Some(extra) = obj.keys().find(|k| *k != "interfaceAttachment") {
        return Err(invalid("body", body, &format!("Additional properties are not allowed ('{extra}' was unexpected)")));
    }
    let Some(att) = obj.get("interfaceAttachment") else { return Ok((None, None, None, None)) };
    let a = att.as_object().ok_or_else(|| invalid("interfaceAttachment", att, &format!("{} is not of type 'object'", py_repr(att))))?;
    let allowed: &[&str] = if v.at_least(2, 49) { &["net_id", "port_id", "fixed_ips", "tag"] } else { &["net_id", "port_id", "fixed_ips"] };
    if let Some(extra) = a.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(invalid("interfaceAttachment", att, &format!("Additional properties are not allowed ('{extra}' was unexpected)")));
    }
    let uuid_field = |key: &str| -> Result<Option<String>, ApiError> {
        match a.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if uuid_like(s) => Ok(Some(s.clone())),
            Some(Value::String(_)) => Err(invalid(key, &a[key], &format!("{} is not a 'uuid'", py_repr(&a[key])))),
            Some(other) => Err(invalid(key, other, &format!("{} is not of type 'string'", py_repr(other)))),
        }
    };
    let net_id = uuid_field("net_id")?;
    let port_id = uuid_field("port_id")?;
    let ip = match a.get("fixed_ips") {
        None => None,
        Some(Value::Array(items)) if items.len() == 1 => {
            let item = &items[0];
            let o = item.as_object().ok_or_else(|| invalid("0", item, &format!("{} is not of type 'object'", py_repr(item))))?;
            if let Some(extra) = o.keys().find(|k| *k != "ip_address") {
                return Err(invalid("0", item, &format!("Additional properties are not allowed ('{extra}' was unexpected)")));
            }
            match o.get("ip_address") {
                Some(Value::String(ip)) if ip.parse::<IpAddr>().is_ok() => Some(ip.clone()),
                Some(other) => return Err(invalid("ip_address", other, &format!("{} is not a 'ip-address'", py_repr(other)))),
                None => return Err(invalid("0", item, "'ip_address' is a required property")),
            }
        }
        Some(Value::Array(items)) if items.is_empty() => return Err(invalid("fixed_ips", &a["fixed_ips"], "[] is too short")),
        Some(Value::Array(_)) => return Err(invalid("fixed_ips", &a["fixed_ips"], &format!("{} is too long", py_repr(&a["fixed_ips"])))),
        Some(other) => return Err(invalid("fixed_ips", other, &format!("{} is not of type 'array'", py_repr(other)))),
    };
    let tag = match a.get("tag") {
        None => None,
        Some(Value::String(t)) if t.chars().count() <= 60 && !t.contains(['/', ',']) => Some(t.clone()),
        Some(other @ Value::String(_)) => return Err(invalid("tag", other, &format!("{} does not match '^[^,/]*$'", py_repr(other)))),
        Some(other) => return Err(invalid("tag", other, &format!("{} is not of type 'string'", py_repr(other)))),
    };
    Ok((net_id, port_id, ip, tag))
}

pub async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    let (net_id, port_id, ip_address, tag) = read_body(&body, v)?;
    if net_id.is_some() && port_id.is_some() {
        return Err(bad("Must not input both network_id and port_id"));
    }
    if ip_address.is_some() && net_id.is_none() {
        return Err(bad("Must input network_id when request IP address"));
    }
    let mut w = s.world();
    server_project(&w, &caller, &id, "os_compute_api:os-attach-interfaces:create")?;
    let port = w
        .attach_interface(InterfaceRequest { server_id: id.clone(), net_id, port_id, ip_address, tag, admin: caller.is_admin() })
        .map_err(refused)?;
    super::instance_actions::record(&mut w, &caller, &id, "attach_interface");
    show_port(&w, &id, &port, v)
}

pub async fn delete(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, port_id)): Path<(String, String)>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let mut w = s.world();
    server_project(&w, &caller, &id, "os_compute_api:os-attach-interfaces:delete")?;
    w.detach_interface(&id, &port_id, caller.is_admin()).map_err(refused)?;
    super::instance_actions::record(&mut w, &caller, &id, "detach_interface");
    Ok(empty(v, StatusCode::ACCEPTED))
}
