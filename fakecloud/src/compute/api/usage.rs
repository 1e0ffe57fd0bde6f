//! Usage reports: `os-simple-tenant-usage` (server hours per project over a period) and
//! `os-instance_usage_audit_log` (the periodic usage audit's progress per host).

use super::common::{bad, reply, ApiResult, Nova, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::compute::model::Server;
use crate::compute::views;
use crate::http::extract::Params;
use crate::http::microversion::Microversion;
use crate::policy::{enforce, Target};
use crate::sim::SimTime;
use crate::world::World;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{Datelike, NaiveDateTime, TimeZone, Utc};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// A time as Nova's usage APIs parse it (with or without fraction, `T` or a space).
fn parse_time(s: &str) -> Option<SimTime> {
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .map(|t| Utc.from_utc_datetime(&t))
}

/// The period asked for: `start` (default now) to `end` (default now); a start after the end is refused.
fn period(w: &World, params: &Params) -> Result<(SimTime, SimTime), crate::http::error::ApiError> {
    let now = w.now();
    let at = |k: &str| -> Result<SimTime, crate::http::error::ApiError> {
        match params.get(k) {
            Some(s) => parse_time(s).ok_or_else(|| bad(format!("Invalid {k} time {s}"))),
            None => Ok(now),
        }
    };
    let (start, stop) = (at("start")?, at("end")?);
    if start > stop {
        return Err(bad("Invalid start time. The start time cannot occur after the end time."));
    }
    Ok((start, stop))
}

/// One project's usage over the period; None when it ran nothing then.
fn tenant_usage(w: &World, project: &str, start: SimTime, stop: SimTime, detailed: bool) -> Option<Map<String, Value>> {
    let servers: Vec<&Server> = w.compute.servers.values().filter(|s| s.project_id == project).collect();
    usage_of(w, project, &servers, start, stop, detailed)
}

/// A project's usage over a period in which none of its servers ran.
fn zero_usage(project: &str, start: SimTime, stop: SimTime) -> Value {
    json!({
        "tenant_id": project, "start": views::ts_micro(start), "stop": views::ts_micro(stop), "total_hours": 0.0,
        "total_local_gb_usage": 0.0, "total_memory_mb_usage": 0.0, "total_vcpus_usage": 0.0,
    })
}

/// The usage of `project`'s `servers` over the period; None when they ran nothing then.
fn usage_of(
    w: &World,
    project: &str,
    project_servers: &[&Server],
    start: SimTime,
    stop: SimTime,
    detailed: bool,
) -> Option<Map<String, Value>> {
    let now = w.now();
    let mut servers = vec![];
    let (mut hours_total, mut gb, mut mb, mut cpus) = (0.0, 0.0, 0.0, 0.0);
    for s in project_servers.iter().copied() {
        let began = s.launched_at.unwrap_or(s.created_at);
        let (from, to) = (began.max(start), stop.min(now));
        if began > stop {
            continue;
        }
        let hours = if to > from { (to - from).num_milliseconds() as f64 / 3_600_000.0 } else { 0.0 };
        let f = w.compute.flavor(&s.flavor_id);
        let (vcpus, ram, disk) = f.map_or((0, 0, 0), |f| (f.vcpus, f.ram, f.disk));
        hours_total += hours;
        gb += disk as f64 * hours;
        mb += ram as f64 * hours;
        cpus += vcpus as f64 * hours;
        if !detailed {
            servers.push(Value::Null);
            continue;
        }
        servers.push(json!({
            "instance_id": s.id, "name": s.name, "hours": hours, "memory_mb": ram, "local_gb": disk, "vcpus": vcpus,
            "tenant_id": project, "flavor": f.map(|f| f.name.as_str()).unwrap_or_default(),
            "started_at": views::ts_micro(began), "ended_at": null, "state": s.vm_state.as_str(),
            "uptime": (now - began).num_seconds().max(0),
        }));
    }
    if servers.is_empty() {
        return None;
    }
    let mut o = Map::new();
    o.insert("tenant_id".into(), json!(project));
    o.insert("start".into(), json!(views::ts_micro(start)));
    o.insert("stop".into(), json!(views::ts_micro(stop)));
    o.insert("total_hours".into(), json!(hours_total));
    o.insert("total_local_gb_usage".into(), json!(gb));
    o.insert("total_memory_mb_usage".into(), json!(mb));
    o.insert("total_vcpus_usage".into(), json!(cpus));
    if detailed {
        o.insert("server_usages".into(), json!(servers));
    }
    Some(o)
}

fn truthy(params: &Params, key: &str) -> bool {
    params.get(key).is_some_and(|x| matches!(x.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on" | "t" | "y"))
}

pub async fn list(State(s): State<AppState>, caller: Caller, params: Params, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-simple-tenant-usage:list", Target::default())?;
    let w = s.world();
    let (start, stop) = period(&w, &params)?;
    let detailed = truthy(&params, "detailed");
    let usages: Vec<Value> = if !detailed && start >= stop.min(w.now()) {
        // A period of no length up to now (the default: from now to now): every server's hours are
        // zero, so each project that had a server by then reports zeros, found without a walk.
        w.renders.first_starts(&w.compute).iter().filter(|(_, began)| **began <= stop).map(|(p, _)| zero_usage(p, start, stop)).collect()
    } else {
        // Each project's servers in one pass, in the table's order (the order the sums are made in).
        let mut by_project: BTreeMap<&str, Vec<&Server>> = BTreeMap::new();
        for s in w.compute.servers.values() {
            by_project.entry(s.project_id.as_str()).or_default().push(s);
        }
        by_project.into_iter().filter_map(|(p, servers)| usage_of(&w, p, &servers, start, stop, detailed)).map(Value::Object).collect()
    };
    Ok(reply(v, StatusCode::OK, json!({ "tenant_usages": usages })))
}

pub async fn show(
    State(s): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-simple-tenant-usage:show", Target { project_id: Some(&project), user_id: None })?;
    let w = s.world();
    let (start, stop) = period(&w, &params)?;
    let usage = tenant_usage(&w, &project, start, stop, true).map_or_else(|| json!({}), Value::Object);
    Ok(reply(v, StatusCode::OK, json!({ "tenant_usage": usage })))
}

/// The audit period (Nova's default, a month) that ended last before `before`.
fn audit_period(before: SimTime) -> (SimTime, SimTime) {
    let end = Utc.with_ymd_and_hms(before.year(), before.month(), 1, 0, 0, 0).single().unwrap_or(before);
    let (y, m) = if end.month() == 1 { (end.year() - 1, 12) } else { (end.year(), end.month() - 1) };
    let begin = Utc.with_ymd_and_hms(y, m, 1, 0, 0, 0).single().unwrap_or(end);
    (begin, end)
}

/// No audit has run in this cloud: every compute host is reported as not having run it.
fn audit_log(w: &World, before: SimTime) -> Value {
    let (begin, end) = audit_period(before);
    let hosts: Vec<&str> = w.compute.hosts.iter().map(|h| h.name.as_str()).collect();
    let n = hosts.len();
    json!({
        "hosts_not_run": hosts, "log": BTreeMap::<String, Value>::new(), "num_hosts": n, "num_hosts_done": 0,
        "num_hosts_not_run": n, "num_hosts_running": 0, "overall_status": format!("0 of {n} hosts done. 0 errors."),
        "period_beginning": begin.format("%Y-%m-%d %H:%M:%S").to_string(),
        "period_ending": end.format("%Y-%m-%d %H:%M:%S").to_string(),
        "total_errors": 0, "total_instances": 0,
    })
}

pub async fn audit_logs(State(s): State<AppState>, caller: Caller, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-instance-usage-audit-log:list", Target::default())?;
    let w = s.world();
    Ok(reply(v, StatusCode::OK, json!({"instance_usage_audit_logs": audit_log(&w, w.now())})))
}

pub async fn audit_log_before(
    State(s): State<AppState>,
    caller: Caller,
    Path(before): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-instance-usage-audit-log:show", Target::default())?;
    let at = parse_time(&before).ok_or_else(|| bad("Invalid timestamp for date ".to_string() + &before))?;
    let w = s.world();
    Ok(reply(v, StatusCode::OK, json!({"instance_usage_audit_log": audit_log(&w, at)})))
}
