//! `os-hosts` (deprecated, gone from 2.43): the services' hosts, a compute host's resources, and
//! enabling or disabling its nova-compute service. The libvirt driver implements neither
//! maintenance mode nor host power actions, so those answer 501 as a libvirt cloud does.

use super::common::{bad, check_schema, not_found, reply, ApiResult, Nova, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, Params};
use crate::http::microversion::{Microversion, Version};
use crate::policy::{enforce, Target};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn gone_after_2_42(v: Version) -> Result<(), ApiError> {
    if v.at_least(2, 43) {
        return Err(not_found("The resource could not be found."));
    }
    Ok(())
}

fn no_host(host: &str) -> ApiError {
    not_found(format!("Compute host {host} could not be found."))
}

pub async fn list(State(s): State<AppState>, caller: Caller, params: Params, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    gone_after_2_42(v)?;
    enforce(SVC, &caller, "os_compute_api:os-hosts:list", Target::default())?;
    let w = s.world();
    let zone = params.get("zone").filter(|z| !z.is_empty());
    let hosts: Vec<Value> = w
        .compute
        .services
        .iter()
        .filter(|svc| zone.is_none_or(|z| svc.zone == z))
        .map(|svc| json!({"host_name": svc.host, "service": svc.binary.trim_start_matches("nova-"), "zone": svc.zone}))
        .collect();
    Ok(reply(v, StatusCode::OK, json!({ "hosts": hosts })))
}

/// A compute host's capacity, what its servers use now, and the use per project.
pub async fn show(
    State(s): State<AppState>,
    caller: Caller,
    Path(host): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    gone_after_2_42(v)?;
    enforce(SVC, &caller, "os_compute_api:os-hosts:show", Target::default())?;
    let w = s.world();
    let h = w.compute.host(&host).ok_or_else(|| no_host(&host))?;
    let row = |project: &str, cpu: u64, mem: u64, disk: u64| json!({"resource": {"host": host, "project": project, "cpu": cpu, "memory_mb": mem, "disk_gb": disk}});
    let mut per_project: BTreeMap<&str, (u64, u64, u64)> = BTreeMap::new();
    for srv in w.compute.servers_on(&host) {
        if let Some(f) = w.compute.flavor(&srv.flavor_id) {
            let e = per_project.entry(srv.project_id.as_str()).or_default();
            e.0 += f.vcpus;
            e.1 += f.ram;
            e.2 += f.disk + f.ephemeral;
        }
    }
    let used = per_project.values().fold((0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
    let used_now = (used.0, used.1 + h.reserved_host_memory_mb, used.2 + h.reserved_host_disk_mb.div_ceil(1024));
    let mut rows = vec![
        row("(total)", h.vcpus, h.memory_mb, h.disk_gb),
        row("(used_now)", used_now.0, used_now.1, used_now.2),
        row("(used_max)", used.0, used.1, used.2),
    ];
    rows.extend(per_project.iter().map(|(p, u)| row(p, u.0, u.1, u.2)));
    Ok(reply(v, StatusCode::OK, json!({ "host": rows })))
}

pub async fn update(
    State(s): State<AppState>,
    caller: Caller,
    Path(host): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    gone_after_2_42(v)?;
    enforce(SVC, &caller, "os_compute_api:os-hosts:update", Target::default())?;
    let toggle = json!({"type": "string", "enum": ["enable", "disable", "Enable", "Disable", "ENABLE", "DISABLE"]});
    let schema = json!({"type": "object", "properties": {"status": toggle, "maintenance_mode": toggle},
                        "anyOf": [{"required": ["status"]}, {"required": ["maintenance_mode"]}], "additionalProperties": false});
    check_schema(&body, &schema)?;
    let status = body.get("status").and_then(Value::as_str).map(|x| x.eq_ignore_ascii_case("enable"));
    let mut w = s.world();
    if w.compute.compute_service(&host).is_none() {
        return Err(no_host(&host));
    }
    if body.get("maintenance_mode").is_some() {
        return Err(ApiError::new(SVC, StatusCode::NOT_IMPLEMENTED, "Virt driver does not implement host maintenance mode."));
    }
    let enable = status.ok_or_else(|| bad("Invalid status"))?;
    let svc = w.compute.service_mut("nova-compute", &host).expect("checked above");
    svc.disabled = !enable;
    if enable {
        svc.disabled_reason = None;
    }
    Ok(reply(v, StatusCode::OK, json!({"host": host, "status": if enable { "enabled" } else { "disabled" }})))
}

async fn power(s: AppState, caller: Caller, host: String, v: Version, action: &str) -> ApiResult {
    gone_after_2_42(v)?;
    enforce(SVC, &caller, &format!("os_compute_api:os-hosts:{action}"), Target::default())?;
    let w = s.world();
    if w.compute.compute_service(&host).is_none() {
        return Err(no_host(&host));
    }
    Err(ApiError::new(SVC, StatusCode::NOT_IMPLEMENTED, "Virt driver does not implement host power management."))
}

pub async fn startup(
    State(s): State<AppState>,
    caller: Caller,
    Path(host): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    power(s, caller, host, v, "start").await
}

pub async fn shutdown(
    State(s): State<AppState>,
    caller: Caller,
    Path(host): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    power(s, caller, host, v, "shutdown").await
}

pub async fn reboot(
    State(s): State<AppState>,
    caller: Caller,
    Path(host): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    power(s, caller, host, v, "reboot").await
}
