//! `/servers/{id}/os-instance-actions`: what was done to a server, newest first, and one action
//! with its events. From 2.21 a deleted server's actions stay readable; 2.51 shows events to the
//! server's project (the traceback stays admin's); 2.58 adds `updated_at`, paging and the
//! changes-since filter (2.66 changes-before); 2.62 the events' `hostId` (and `host` for admins);
//! 2.84 their `details`.

use super::common::{bad, not_found, reply, ApiResult, Nova, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::compute::instance_actions::{ActionEvent, InstanceAction, Requester};
use crate::compute::lifecycle::ServerAction;
use crate::compute::views::ts_micro;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, Params};
use crate::http::microversion::{Microversion, Version};
use crate::policy::{allows, enforce, rule_for, Target};
use crate::sim::SimTime;
use crate::world::World;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha224};

/// Who asked, for an action recorded by the call being handled. The request id is kept in the
/// world, so it is drawn from the world's ids (see `request_id::current_or`).
pub(super) fn requester(w: &mut World, caller: &Caller, project_id: &str) -> Requester {
    Requester {
        request_id: crate::http::request_id::current_or(|| format!("req-{}", w.sim.ids.uuid())),
        user_id: caller.user_id.clone(),
        project_id: caller.project_id.clone().unwrap_or_else(|| project_id.to_string()),
    }
}

/// The server's project, if the caller may see it: a live server, or (from 2.21) a deleted one
/// whose actions remain. Another project's server is not found, as Nova scopes its query.
fn server_project(w: &World, caller: &Caller, id: &str, v: Version) -> Result<String, ApiError> {
    let project = match w.compute.server(id) {
        Some(s) => Some(s.project_id.clone()),
        None if v.at_least(2, 21) => w.compute.actions.of(id).first().map(|a| a.project_id.clone()),
        None => None,
    };
    project
        .filter(|p| caller.is_admin() || caller.project_id.as_deref() == Some(p))
        .ok_or_else(|| not_found(format!("Instance {id} could not be found.")))
}

fn action_view(a: &InstanceAction, v: Version) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("action".into(), json!(a.action));
    o.insert("instance_uuid".into(), json!(a.instance_uuid));
    o.insert("request_id".into(), json!(a.request_id));
    o.insert("user_id".into(), json!(a.user_id));
    o.insert("project_id".into(), json!(a.project_id));
    o.insert("start_time".into(), json!(ts_micro(a.start_time)));
    o.insert("message".into(), json!(a.message));
    if v.at_least(2, 58) {
        o.insert("updated_at".into(), json!(ts_micro(a.updated_at)));
    }
    o
}

struct EventFields {
    traceback: bool,
    host: bool,
    host_id: bool,
    details: bool,
}

fn event_view(e: &ActionEvent, project_id: &str, show: &EventFields) -> Value {
    let mut o = Map::new();
    o.insert("event".into(), json!(e.event));
    o.insert("start_time".into(), json!(ts_micro(e.start_time)));
    o.insert("finish_time".into(), json!(e.finish_time.map(ts_micro)));
    o.insert("result".into(), json!(e.result));
    if show.traceback {
        o.insert("traceback".into(), Value::Null);
    }
    if show.host {
        o.insert("host".into(), json!(e.host.clone().unwrap_or_default()));
    }
    if show.host_id {
        let id = e.host.as_deref().map_or_else(String::new, |h| hex::encode(Sha224::digest(format!("{project_id}{h}").as_bytes())));
        o.insert("hostId".into(), json!(id));
    }
    if show.details {
        o.insert("details".into(), json!(e.details));
    }
    Value::Object(o)
}

/// A `changes-since`/`changes-before` time, as Nova's `date-time` format reads it.
pub(super) fn query_time(key: &str, value: &str) -> Result<SimTime, ApiError> {
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(value, f).ok())
                .map(|t| Utc.from_utc_datetime(&t))
        })
        .ok_or_else(|| bad(format!("Invalid input for query parameters {key}. Value: {value}. '{value}' is not a 'date-time'")))
}

pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let w = s.world();
    let project = server_project(&w, &caller, &id, v)?;
    enforce(SVC, &caller, "os_compute_api:os-instance-actions:list", Target { project_id: Some(&project), user_id: None })?;
    let mut actions: Vec<&InstanceAction> = w.compute.actions.of(&id).iter().rev().collect();
    let mut links = None;
    if v.at_least(2, 58) {
        let since = params.get("changes-since").map(|t| query_time("changes-since", t)).transpose()?;
        let before = params.get("changes-before").filter(|_| v.at_least(2, 66)).map(|t| query_time("changes-before", t)).transpose()?;
        if let (Some(a), Some(b)) = (since, before) {
            if a > b {
                return Err(bad(format!(
                    "The value of changes-since must be less than or equal to changes-before. changes-since: {} changes-before: {}",
                    params.get("changes-since").unwrap_or_default(),
                    params.get("changes-before").unwrap_or_default()
                )));
            }
        }
        actions.retain(|a| since.is_none_or(|t| a.updated_at >= t) && before.is_none_or(|t| a.updated_at <= t));
        if let Some(marker) = params.get("marker") {
            let at =
                actions.iter().position(|a| a.request_id == marker).ok_or_else(|| bad(format!("Marker {marker} could not be found.")))?;
            actions.drain(..=at);
        }
        if let Some(l) = params.get("limit") {
            let limit: usize = l
                .parse()
                .map_err(|_| bad(format!("Invalid input for query parameters limit. Value: {l}. '{l}' does not match '^[0-9]*$'")))?;
            if actions.len() > limit {
                actions.truncate(limit);
                if let Some(last) = actions.last() {
                    links = Some(json!([{"rel": "next", "href":
                        format!("{base}/compute/v2.1/servers/{id}/os-instance-actions?limit={limit}&marker={}", last.request_id)}]));
                }
            }
        }
    }
    let items: Vec<Value> = actions.into_iter().map(|a| Value::Object(action_view(a, v))).collect();
    let mut body = json!({ "instanceActions": items });
    if let Some(l) = links {
        body["links"] = l;
    }
    Ok(reply(v, StatusCode::OK, body))
}

pub async fn show(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, request_id)): Path<(String, String)>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let w = s.world();
    let project = server_project(&w, &caller, &id, v)?;
    let target = Target { project_id: Some(&project), user_id: None };
    enforce(SVC, &caller, "os_compute_api:os-instance-actions:show", target)?;
    let action = w
        .compute
        .actions
        .of(&id)
        .iter()
        .rev()
        .find(|a| a.request_id == request_id)
        .ok_or_else(|| not_found(format!("Action {request_id} not found")))?;
    let may = |rule: &str| rule_for(rule).is_some_and(|r| allows(r, &caller, target));
    let all_events = may("os_compute_api:os-instance-actions:events");
    let mut view = action_view(action, v);
    if all_events || v.at_least(2, 51) {
        let show = EventFields {
            traceback: all_events,
            host: all_events && v.at_least(2, 62),
            host_id: v.at_least(2, 62),
            details: v.at_least(2, 84) && may("os_compute_api:os-instance-actions:events:details"),
        };
        let events: Vec<Value> = action.events.iter().map(|e| event_view(e, &action.project_id, &show)).collect();
        view.insert("events".into(), json!(events));
    }
    Ok(reply(v, StatusCode::OK, json!({ "instanceAction": view })))
}

/// The instance action a server action records (nova/compute/instance_actions.py), if any.
pub(super) fn recorded_as(action: &ServerAction) -> Option<&'static str> {
    Some(match action {
        ServerAction::Stop => "stop",
        ServerAction::Start => "start",
        ServerAction::Reboot { .. } => "reboot",
        ServerAction::Pause => "pause",
        ServerAction::Unpause => "unpause",
        ServerAction::Suspend => "suspend",
        ServerAction::Resume => "resume",
        ServerAction::Shelve => "shelve",
        ServerAction::ShelveOffload => "shelveOffload",
        ServerAction::Unshelve { .. } => "unshelve",
        ServerAction::Rescue => "rescue",
        ServerAction::Unrescue => "unrescue",
        ServerAction::Resize { .. } => "resize",
        ServerAction::Migrate { .. } => "migrate",
        ServerAction::Evacuate { .. } => "evacuate",
        ServerAction::ConfirmResize => "confirmResize",
        ServerAction::RevertResize => "revertResize",
        ServerAction::Rebuild { .. } => "rebuild",
        ServerAction::Lock { .. } => "lock",
        ServerAction::Unlock => "unlock",
        ServerAction::ResetState { .. } => "resetState",
        ServerAction::TriggerCrashDump => "trigger_crash_dump",
        ServerAction::AddSecurityGroup { .. }
        | ServerAction::RemoveSecurityGroup { .. }
        | ServerAction::ForceDelete
        | ServerAction::Restore => return None,
    })
}

/// Records an action the call being handled did to a server; its event stays open while the
/// server has a task running (it ends with the task), and is finished at once otherwise.
pub(super) fn record(w: &mut World, caller: &Caller, server_id: &str, action: &str) {
    let Some(s) = w.compute.server(server_id) else { return };
    let (host, done, project) = (s.host.clone(), s.task_state.is_none(), s.project_id.clone());
    let by = requester(w, caller, &project);
    let now = w.now();
    w.compute.actions.start(server_id, action, &by, host.as_deref(), now, done);
}
