//! `os-security-groups` and `os-security-group-rules`: Nova's proxy to Neutron's security groups
//! (gone from 2.36), in nova-network's shapes: ingress rules only, ports as `from_port`/`to_port`,
//! the remote as `ip_range` or `group`.

use super::common::{bad, check_schema, empty, not_found, reply, ApiResult, Nova, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, Params};
use crate::http::microversion::{Microversion, Version};
use crate::network::error::NeutronError;
use crate::network::model::{Network, SecurityGroup, SecurityGroupRule, Viewer};
use crate::network::security::{RuleSpec, SecurityGroupSpec};
use crate::policy::{enforce, Target};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{json, Value};

fn gone_from_2_36(v: Version) -> Result<(), ApiError> {
    if v.at_least(2, 36) {
        return Err(not_found("The resource could not be found."));
    }
    Ok(())
}

fn viewer(caller: &Caller) -> Viewer {
    if caller.is_admin() {
        Viewer::admin()
    } else {
        Viewer::project(caller.project_id.as_deref().unwrap_or_default())
    }
}

/// Neutron's refusals as Nova passes them on: a conflict becomes a 400, as Nova's driver does.
fn from_neutron(e: NeutronError) -> ApiError {
    match e.status {
        404 => not_found(e.message),
        409 | 400 => bad(e.message),
        403 => ApiError::new(SVC, StatusCode::FORBIDDEN, e.message),
        _ => ApiError::new(SVC, StatusCode::INTERNAL_SERVER_ERROR, e.message),
    }
}

fn rule_view(n: &Network, r: &SecurityGroupRule) -> Value {
    let ip_range = r.remote_ip_prefix.as_ref().map_or_else(|| json!({}), |c| json!({ "cidr": c }));
    let group = r
        .remote_group_id
        .as_ref()
        .and_then(|g| n.security_groups.get(g))
        .map_or_else(|| json!({}), |g| json!({"name": g.name, "tenant_id": g.project_id}));
    let icmp = r.protocol.as_deref() == Some("icmp");
    let port = |p: Option<u32>| p.map_or(if icmp { json!(-1) } else { Value::Null }, |p| json!(p));
    json!({"id": r.id, "parent_group_id": r.security_group_id, "ip_protocol": r.protocol,
           "from_port": port(r.port_range_min), "to_port": port(r.port_range_max), "ip_range": ip_range, "group": group})
}

fn group_view(n: &Network, g: &SecurityGroup) -> Value {
    let rules: Vec<Value> = n
        .security_group_rules
        .values()
        .filter(|r| r.security_group_id == g.id && r.direction == "ingress")
        .map(|r| rule_view(n, r))
        .collect();
    json!({"id": g.id, "name": g.name, "description": g.description, "tenant_id": g.project_id, "rules": rules})
}

fn own_target(caller: &Caller) -> Target<'_> {
    Target { project_id: caller.project_id.as_deref(), user_id: None }
}

/// Nova's check of a group's name or description: a string, not blank, at most 255 characters.
fn property(body: &Value, key: &str) -> Result<String, ApiError> {
    let schema = json!({"type": "object", "properties": {"security_group": {"type": "object", "properties": {
        "name": {"type": "string", "maxLength": 255}, "description": {"type": "string", "maxLength": 255}},
        "required": ["name", "description"]}}, "required": ["security_group"]});
    check_schema(&json!({ "security_group": body }), &schema)?;
    let v = body.get(key).ok_or_else(|| bad(format!("{key} is required")))?;
    let s = v.as_str().ok_or_else(|| bad(format!("Invalid input for field/attribute {key}. Value should be a string.")))?;
    if s.trim().is_empty() || s.len() > 255 {
        return Err(bad(format!("Security group {key} should not be blank and at most 255 characters.")));
    }
    Ok(s.to_string())
}

pub async fn list(State(s): State<AppState>, caller: Caller, params: Params, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    gone_from_2_36(v)?;
    enforce(SVC, &caller, "os_compute_api:os-security-groups:get", own_target(&caller))?;
    let all = caller.is_admin() && params.get("all_tenants").is_some_and(|x| x != "0" && !x.eq_ignore_ascii_case("false"));
    let mut w = s.world();
    // Nova lists through Neutron as the caller, and Neutron makes the project its default group
    // the first time the project's groups are listed.
    if let Some(project) = caller.project_id.clone() {
        if w.network.default_security_group(&project).is_none() {
            let now = w.now();
            let world = &mut *w;
            world.network.ensure_default_security_group(&mut world.sim.ids, now, &project);
        }
    }
    let n = &w.network;
    let items: Vec<Value> = n
        .security_groups
        .values()
        .filter(|g| all || caller.project_id.as_deref() == Some(g.project_id.as_str()))
        .map(|g| group_view(n, g))
        .collect();
    Ok(reply(v, StatusCode::OK, json!({ "security_groups": items })))
}

/// `GET /servers/{id}/os-security-groups`: the groups of the server's ports (not a proxy: it
/// stays after 2.36).
pub async fn list_for_server(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let w = s.world();
    let server = super::common::visible(&w, &caller, &id)?;
    enforce(SVC, &caller, "os_compute_api:os-security-groups:list", Target { project_id: Some(&server.project_id), user_id: None })?;
    let n = &w.network;
    let items: Vec<Value> = server
        .security_groups
        .iter()
        .filter_map(|name| n.security_groups.values().find(|g| g.project_id == server.project_id && (&g.name == name || &g.id == name)))
        .map(|g| group_view(n, g))
        .collect();
    Ok(reply(v, StatusCode::OK, json!({ "security_groups": items })))
}

pub async fn show(State(s): State<AppState>, caller: Caller, Path(id): Path<String>, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    gone_from_2_36(v)?;
    enforce(SVC, &caller, "os_compute_api:os-security-groups:show", own_target(&caller))?;
    let w = s.world();
    let g = w.network.security_group_for(&viewer(&caller), &id).map_err(from_neutron)?;
    Ok(reply(v, StatusCode::OK, json!({"security_group": group_view(&w.network, g)})))
}

pub async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    gone_from_2_36(v)?;
    enforce(SVC, &caller, "os_compute_api:os-security-groups:create", own_target(&caller))?;
    let g = body
        .get("security_group")
        .filter(|g| g.is_object())
        .ok_or_else(|| bad("The request body is invalid: security_group is required"))?;
    let (name, description) = (property(g, "name")?, property(g, "description")?);
    let project = caller.project_id.clone().ok_or_else(|| bad("A project-scoped token is required."))?;
    let mut w = s.world();
    let now = w.now();
    let world = &mut *w;
    let spec = SecurityGroupSpec { name: Some(name), description: Some(description), ..Default::default() };
    let id = world.network.create_security_group(&mut world.sim.ids, now, &project, spec).map_err(from_neutron)?;
    let g = world.network.security_groups.get(&id).expect("just created");
    Ok(reply(v, StatusCode::OK, json!({"security_group": group_view(&world.network, g)})))
}

pub async fn update(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    gone_from_2_36(v)?;
    enforce(SVC, &caller, "os_compute_api:os-security-groups:update", own_target(&caller))?;
    let g = body
        .get("security_group")
        .filter(|g| g.is_object())
        .ok_or_else(|| bad("The request body is invalid: security_group is required"))?;
    let (name, description) = (property(g, "name")?, property(g, "description")?);
    let mut w = s.world();
    let now = w.now();
    w.network.security_group_for(&viewer(&caller), &id).map_err(from_neutron)?;
    let spec = SecurityGroupSpec { name: Some(name), description: Some(description), ..Default::default() };
    w.network.update_security_group(now, &id, spec).map_err(from_neutron)?;
    let g = w.network.security_groups.get(&id).expect("updated");
    Ok(reply(v, StatusCode::OK, json!({"security_group": group_view(&w.network, g)})))
}

pub async fn delete(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    gone_from_2_36(v)?;
    enforce(SVC, &caller, "os_compute_api:os-security-groups:delete", own_target(&caller))?;
    let mut w = s.world();
    let g = w.network.security_group_for(&viewer(&caller), &id).map_err(from_neutron)?;
    // Nova refuses to remove a project's default group, admin or not.
    if g.name == "default" {
        return Err(bad("Removing default security group not allowed."));
    }
    w.network.delete_security_group(&id, caller.is_admin()).map_err(from_neutron)?;
    Ok(empty(v, StatusCode::ACCEPTED))
}

/// A port given as a number or a numeric string.
fn port(v: &Value, key: &str) -> Result<Option<i64>, ApiError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| bad(format!("Invalid port range {key}"))),
        Some(Value::String(s)) => s.parse::<i64>().map(Some).map_err(|_| bad(format!("Invalid port range {key}: {s}"))),
        Some(_) => Err(bad(format!("Invalid port range {key}"))),
    }
}

pub async fn create_rule(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    gone_from_2_36(v)?;
    enforce(SVC, &caller, "os_compute_api:os-security-groups:rule:create", own_target(&caller))?;
    let r = body
        .get("security_group_rule")
        .filter(|r| r.is_object())
        .ok_or_else(|| bad("The request body is invalid: security_group_rule is required"))?;
    let schema = json!({"type": "object", "properties": {"security_group_rule": {"type": "object", "properties": {
        "group_id": {"type": ["string", "null"], "format": "uuid"}, "parent_group_id": {"type": "string", "format": "uuid"}},
        "required": ["parent_group_id"]}}, "required": ["security_group_rule"]});
    check_schema(&body, &schema)?;
    let parent = r["parent_group_id"].as_str().expect("checked").to_string();
    let protocol = match r.get("ip_protocol") {
        None | Some(Value::Null) => None,
        Some(Value::String(p)) if ["tcp", "udp", "icmp"].contains(&p.to_ascii_lowercase().as_str()) => Some(p.to_ascii_lowercase()),
        Some(p) => return Err(bad(format!("Invalid IP protocol {p}."))),
    };
    let (from, to) = (port(r, "from_port")?, port(r, "to_port")?);
    let (min, max) = match protocol.as_deref() {
        Some("icmp") => {
            let ok = |p: Option<i64>| p.is_none_or(|p| (-1..=255).contains(&p));
            if !ok(from) || !ok(to) {
                return Err(bad("Type and Code must be integers for ICMP protocol type"));
            }
            (from.filter(|p| *p >= 0), to.filter(|p| *p >= 0))
        }
        Some(_) => {
            let (Some(f), Some(t)) = (from, to) else { return Err(bad("Invalid port range: both ports are required")) };
            if !(1..=65535).contains(&f) || !(1..=65535).contains(&t) || f > t {
                return Err(bad(format!("Invalid port range {f}:{t}. Valid TCP ports should be between 1-65535")));
            }
            (Some(f), Some(t))
        }
        None => {
            if from.is_some() || to.is_some() {
                return Err(bad("Invalid IP protocol None."));
            }
            (None, None)
        }
    };
    let group_id = r.get("group_id").and_then(Value::as_str).map(str::to_string);
    let cidr = match r.get("cidr").and_then(Value::as_str) {
        Some(c) => {
            if c.parse::<std::net::IpAddr>().is_err()
                && c.split_once('/').is_none_or(|(a, p)| a.parse::<std::net::IpAddr>().is_err() || p.parse::<u8>().is_err())
            {
                return Err(bad(format!("Invalid cidr {c}.")));
            }
            Some(c.to_string())
        }
        None if group_id.is_none() => Some("0.0.0.0/0".to_string()),
        None => None,
    };
    let mut w = s.world();
    let now = w.now();
    let view = viewer(&caller);
    w.network.security_group_for(&view, &parent).map_err(from_neutron)?;
    if let Some(g) = &group_id {
        w.network.security_group_for(&view, g).map_err(from_neutron)?;
    }
    let spec = RuleSpec {
        security_group_id: parent,
        direction: "ingress".into(),
        ethertype: Some(if cidr.as_deref().is_some_and(|c| c.contains(':')) { "IPv6" } else { "IPv4" }.into()),
        protocol: Some(protocol),
        port_range_min: Some(min.map(|p| p as u32)),
        port_range_max: Some(max.map(|p| p as u32)),
        remote_ip_prefix: Some(cidr),
        remote_group_id: Some(group_id),
        ..Default::default()
    };
    let world = &mut *w;
    let id = world.network.create_security_group_rule(&mut world.sim.ids, now, &view, spec).map_err(from_neutron)?;
    let rule = world.network.security_group_rules.get(&id).expect("just created");
    Ok(reply(v, StatusCode::OK, json!({"security_group_rule": rule_view(&world.network, rule)})))
}

pub async fn delete_rule(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    gone_from_2_36(v)?;
    enforce(SVC, &caller, "os_compute_api:os-security-groups:rule:delete", own_target(&caller))?;
    let mut w = s.world();
    let now = w.now();
    w.network.rule_for(&viewer(&caller), &id).map_err(from_neutron)?;
    w.network.delete_security_group_rule(now, &id).map_err(from_neutron)?;
    Ok(empty(v, StatusCode::ACCEPTED))
}
