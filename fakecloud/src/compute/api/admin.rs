//! Admin views of the compute plane: `os-hypervisors`, `os-services`, `os-availability-zone`.

use super::common::{bad, not_found, reply, ApiResult, Nova, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::compute::views;
use crate::http::extract::{JsonBody, Params};
use crate::http::kept::SameUntil;
use crate::http::microversion::Microversion;
use crate::policy::{enforce, Target};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

pub async fn list_hypervisors(State(s): State<AppState>, caller: Caller, params: Params, mv: Microversion<Nova>) -> ApiResult {
    hypervisors(s, caller, params, mv, false).await
}

pub async fn list_hypervisors_detail(State(s): State<AppState>, caller: Caller, params: Params, mv: Microversion<Nova>) -> ApiResult {
    hypervisors(s, caller, params, mv, true).await
}

async fn hypervisors(s: AppState, caller: Caller, params: Params, Microversion(v, ..): Microversion<Nova>, detail: bool) -> ApiResult {
    let rule = if detail { "os_compute_api:os-hypervisors:list-detail" } else { "os_compute_api:os-hypervisors:list" };
    enforce(SVC, &caller, rule, Target::default())?;
    let w = s.world();
    let with_servers = params.get("with_servers").is_some_and(|x| x.eq_ignore_ascii_case("true") || x == "1");
    let pattern = params.get("hypervisor_hostname_pattern");
    let listed = || w.compute.hosts.iter().filter(|h| pattern.is_none_or(|p| h.name.contains(p)));
    let items: Vec<Value> =
        listed().map(|h| if detail { views::hypervisor(&w, h, v, with_servers) } else { views::hypervisor_brief(&w, h, v) }).collect();
    if pattern.is_some() && items.is_empty() {
        return Err(not_found(format!("No hypervisor matching '{}' could be found.", pattern.unwrap_or_default())));
    }
    // The list is kept until a host's state or uptime moves with time (`http::kept`).
    let until = SameUntil(views::hypervisors_change_at(&w, listed(), v, detail));
    Ok(until.on(reply(v, StatusCode::OK, json!({"hypervisors": items}))))
}

pub async fn show_hypervisor(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-hypervisors:show", Target::default())?;
    let w = s.world();
    // Integer ids before 2.53, uuids from 2.53.
    let host = w
        .compute
        .hosts
        .iter()
        .find(|h| if v.at_least(2, 53) { h.uuid == id } else { h.hypervisor_id.to_string() == id })
        .ok_or_else(|| not_found(format!("Hypervisor with ID {id} could not be found.")))?;
    let with_servers = params.get("with_servers").is_some_and(|x| x.eq_ignore_ascii_case("true") || x == "1");
    Ok(reply(v, StatusCode::OK, json!({"hypervisor": views::hypervisor(&w, host, v, with_servers)})))
}

pub async fn list_services(
    State(s): State<AppState>,
    caller: Caller,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-services:list", Target::default())?;
    let w = s.world();
    let listed = || {
        w.compute
            .services
            .iter()
            .filter(|x| params.get("host").is_none_or(|h| x.host == h) && params.get("binary").is_none_or(|b| x.binary == b))
    };
    let items: Vec<Value> = listed().map(|x| views::service(&w, x, v)).collect();
    // A service's view moves with time at its next report, or when a stopped one goes down.
    let now = w.now();
    let until = SameUntil::earliest(listed().flat_map(|x| {
        [
            x.heartbeat.report_changes_at(now, crate::compute::model::SERVICE_HEARTBEAT),
            x.heartbeat.up_changes_at(now, crate::compute::model::SERVICE_HEARTBEAT),
        ]
    }));
    Ok(until.on(reply(v, StatusCode::OK, json!({"services": items}))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceUpdate {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    disabled_reason: Option<String>,
    #[serde(default)]
    forced_down: Option<bool>,
}

/// `PUT /os-services/{uuid}` (2.53+): enable/disable with a reason, force down.
pub async fn update_service(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-services:update", Target::default())?;
    if !v.at_least(2, 53) {
        return Err(not_found("The resource could not be found."));
    }
    let req: ServiceUpdate =
        crate::http::extract::from_value_strict(&body).map_err(|e| bad(format!("Invalid input for field/attribute service. {e}")))?;
    let disabled = match req.status.as_deref() {
        Some("enabled") => Some(false),
        Some("disabled") => Some(true),
        Some(other) => {
            return Err(bad(format!(
                "Invalid input for field/attribute status. Value: {other}. '{other}' is not one of ['enabled', 'disabled']"
            )))
        }
        None => None,
    };
    if req.disabled_reason.is_some() && disabled != Some(true) {
        return Err(bad("Specifying 'disabled_reason' with status 'enabled' is invalid."));
    }
    if disabled.is_none() && req.forced_down.is_none() {
        return Err(bad("At least one of 'status' or 'forced_down' must be specified in the request body."));
    }
    let mut w = s.world();
    let svc = w.compute.services.iter_mut().find(|x| x.uuid == id).ok_or_else(|| not_found(format!("Service {id} not found.")))?;
    if let Some(d) = disabled {
        svc.disabled = d;
        svc.disabled_reason = if d { req.disabled_reason } else { None };
    }
    if let Some(f) = req.forced_down {
        svc.forced_down = f;
    }
    let view = views::service(&w, w.compute.services.iter().find(|x| x.uuid == id).expect("found"), v);
    Ok(reply(v, StatusCode::OK, json!({"service": view})))
}

pub async fn availability_zones(State(s): State<AppState>, caller: Caller, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-availability-zone:list", Target::default())?;
    let w = s.world();
    let mut zones: Vec<&str> = w.compute.hosts.iter().map(|h| h.az.as_str()).collect();
    zones.sort();
    zones.dedup();
    let info: Vec<Value> = zones.iter().map(|z| json!({"zoneName": z, "zoneState": {"available": true}, "hosts": null})).collect();
    Ok(reply(v, StatusCode::OK, json!({"availabilityZoneInfo": info})))
}

pub async fn availability_zones_detail(State(s): State<AppState>, caller: Caller, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-availability-zone:detail", Target::default())?;
    let w = s.world();
    let now = w.now();
    let mut zones: std::collections::BTreeMap<&str, serde_json::Map<String, Value>> = Default::default();
    for svc in &w.compute.services {
        let up = svc.heartbeat.is_up(now, crate::compute::model::SERVICE_HEARTBEAT);
        let entry = json!({"available": !svc.disabled, "active": up, "updated_at": views::ts_micro(svc.heartbeat.last_report(now, crate::compute::model::SERVICE_HEARTBEAT))});
        zones
            .entry(svc.zone.as_str())
            .or_default()
            .entry(svc.host.clone())
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("object")
            .insert(svc.binary.clone(), entry);
    }
    let info: Vec<Value> =
        zones.into_iter().map(|(z, hosts)| json!({"zoneName": z, "zoneState": {"available": true}, "hosts": hosts})).collect();
    // Each service's entry moves with time at its next report, or when a stopped one goes down.
    let until = SameUntil::earliest(w.compute.services.iter().flat_map(|x| {
        let timing = crate::compute::model::SERVICE_HEARTBEAT;
        [x.heartbeat.report_changes_at(now, timing), x.heartbeat.up_changes_at(now, timing)]
    }));
    Ok(until.on(reply(v, StatusCode::OK, json!({"availabilityZoneInfo": info}))))
}

fn gone_from(v: crate::http::microversion::Version, major: u32, minor: u32) -> Result<(), crate::http::error::ApiError> {
    if v.at_least(major, minor) {
        return Err(not_found("The resource could not be found."));
    }
    Ok(())
}

/// The hypervisors whose hostname contains `pattern` (Nova's `LIKE %pattern%`), or a 404.
fn matching<'a>(w: &'a crate::world::World, pattern: &str) -> Result<Vec<&'a crate::compute::model::Host>, crate::http::error::ApiError> {
    let hosts: Vec<_> = w.compute.hosts.iter().filter(|h| h.name.contains(pattern)).collect();
    if hosts.is_empty() {
        return Err(not_found(format!("No hypervisor matching '{pattern}' could be found.")));
    }
    Ok(hosts)
}

/// `GET /os-hypervisors/{pattern}/search` (before 2.53).
pub async fn search_hypervisors(
    State(s): State<AppState>,
    caller: Caller,
    Path(pattern): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    gone_from(v, 2, 53)?;
    enforce(SVC, &caller, "os_compute_api:os-hypervisors:search", Target::default())?;
    let w = s.world();
    let items: Vec<Value> = matching(&w, &pattern)?.into_iter().map(|h| views::hypervisor_brief(&w, h, v)).collect();
    Ok(reply(v, StatusCode::OK, json!({"hypervisors": items})))
}

/// `GET /os-hypervisors/{pattern}/servers` (before 2.53): matching hypervisors with their servers.
pub async fn hypervisor_servers(
    State(s): State<AppState>,
    caller: Caller,
    Path(pattern): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    gone_from(v, 2, 53)?;
    enforce(SVC, &caller, "os_compute_api:os-hypervisors:servers", Target::default())?;
    let w = s.world();
    let items: Vec<Value> = matching(&w, &pattern)?
        .into_iter()
        .map(|h| {
            let mut o = views::hypervisor_brief(&w, h, v);
            let servers: Vec<Value> =
                w.compute.servers_on(&h.name).map(|s| json!({"uuid": s.id, "name": format!("instance-{:08x}", s.seq + 1)})).collect();
            if !servers.is_empty() {
                o["servers"] = json!(servers);
            }
            o
        })
        .collect();
    Ok(reply(v, StatusCode::OK, json!({"hypervisors": items})))
}

/// `GET /os-hypervisors/statistics` (before 2.88): the detail figures summed over all hypervisors.
pub async fn hypervisor_statistics(State(s): State<AppState>, caller: Caller, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    gone_from(v, 2, 88)?;
    enforce(SVC, &caller, "os_compute_api:os-hypervisors:statistics", Target::default())?;
    let w = s.world();
    let keys = [
        "current_workload",
        "disk_available_least",
        "free_disk_gb",
        "free_ram_mb",
        "local_gb",
        "local_gb_used",
        "memory_mb",
        "memory_mb_used",
        "running_vms",
        "vcpus",
        "vcpus_used",
    ];
    let mut stats = serde_json::Map::new();
    stats.insert("count".into(), json!(w.compute.hosts.len()));
    let views: Vec<Value> = w.compute.hosts.iter().map(|h| views::hypervisor(&w, h, v, false)).collect();
    for k in keys {
        let total: i64 = views.iter().map(|view| view[k].as_i64().unwrap_or(0)).sum();
        stats.insert(k.into(), json!(total));
    }
    // The sums leave out the hosts' state and uptime, the only parts of a view that move with time.
    Ok(SameUntil(None).on(reply(v, StatusCode::OK, json!({ "hypervisor_statistics": stats }))))
}

/// `GET /os-hypervisors/{id}/uptime` (before 2.88; later the detail view carries it).
pub async fn hypervisor_uptime(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    gone_from(v, 2, 88)?;
    enforce(SVC, &caller, "os_compute_api:os-hypervisors:uptime", Target::default())?;
    let w = s.world();
    let host = w
        .compute
        .hosts
        .iter()
        .find(|h| if v.at_least(2, 53) { h.uuid == id } else { h.hypervisor_id.to_string() == id })
        .ok_or_else(|| not_found(format!("Hypervisor with ID {id} could not be found.")))?;
    let mut o = views::hypervisor_brief(&w, host, v);
    o["uptime"] = json!(views::uptime(&w, host));
    Ok(reply(v, StatusCode::OK, json!({ "hypervisor": o })))
}
