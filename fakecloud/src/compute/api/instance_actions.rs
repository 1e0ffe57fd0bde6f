//! `/servers/{id}/os-instance-actions`: what was done to a server, newest first, and one action
//! with its events. From 2.21 a deleted server's actions stay readable; 2.51 shows events to the
//! server's project (the traceback stays admin's); 2.58 adds `updated_at`, paging and the
//! changes-since filter (2.66 changes-before); 2.62 the events' `hostId` (and `host` for admins);
//! 2.84 their `details`.

use super::common::{not_found, reply, ApiResult, Nova, SVC};
use super::paging::{page, ChangesWindow};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::compute::instance_actions::{ActionEvent, InstanceAction, Requester};
use crate::compute::lifecycle::ServerAction;
use crate::compute::views::ts_micro;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, Params};
use crate::http::microversion::{Microversion, Version};
use crate::policy::{allows, enforce, rule_for, Target};
use crate::world::World;
use axum::extract::{Path, State};
use axum::http::StatusCode;
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
        let window = ChangesWindow::read(&params, v)?;
        actions.retain(|a| window.holds(a.updated_at));
        links = page(
            &mut actions,
            &params,
            |a| a.request_id.as_str(),
            |limit, marker| format!("{base}/compute/v2.1/servers/{id}/os-instance-actions?limit={limit}&marker={marker}"),
        )?;
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
