//! Nova's instance actions: each call that changes a server (create, delete, the server actions)
//! leaves an action under the call's request id, with the compute events that carried it out; an
//! event finishes when the task ends on the clock. Actions outlive their server, as Nova keeps them
//! for deleted instances (shown from 2.21).

use crate::sim::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstanceAction {
    pub action: String,
    pub instance_uuid: String,
    pub request_id: String,
    pub user_id: String,
    pub project_id: String,
    pub start_time: SimTime,
    pub updated_at: SimTime,
    /// `Error` once one of its events failed, as Nova sets it.
    pub message: Option<String>,
    pub events: Vec<ActionEvent>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionEvent {
    pub event: String,
    pub start_time: SimTime,
    pub finish_time: Option<SimTime>,
    /// `Success` or `Error`, once finished.
    pub result: Option<String>,
    pub host: Option<String>,
    /// Why it failed (the fault's message), shown from 2.84.
    pub details: Option<String>,
}

/// Who asked for an action, and in which request.
#[derive(Clone, Debug)]
pub struct Requester {
    pub request_id: String,
    pub user_id: String,
    pub project_id: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct InstanceActions {
    /// Per server, oldest first.
    pub by_server: BTreeMap<String, Vec<InstanceAction>>,
}

/// The compute event that carries out an action (nova/compute/manager.py's `wrap_instance_event`
/// names), or None for actions the API completes itself (lock, unlock, reset state).
pub fn event_name(action: &str) -> Option<&'static str> {
    Some(match action {
        "create" => "compute__do_build_and_run_instance",
        "delete" => "compute_terminate_instance",
        "stop" => "compute_stop_instance",
        "start" => "compute_start_instance",
        "reboot" => "compute_reboot_instance",
        "rebuild" => "compute_rebuild_instance",
        "resize" | "migrate" => "compute_prep_resize",
        "confirmResize" => "compute_confirm_resize",
        "revertResize" => "compute_revert_resize",
        "pause" => "compute_pause_instance",
        "unpause" => "compute_unpause_instance",
        "suspend" => "compute_suspend_instance",
        "resume" => "compute_resume_instance",
        "rescue" => "compute_rescue_instance",
        "unrescue" => "compute_unrescue_instance",
        "shelve" => "compute_shelve_instance",
        "shelveOffload" => "compute_shelve_offload_instance",
        "unshelve" => "compute_unshelve_instance",
        "trigger_crash_dump" => "compute_trigger_crash_dump",
        "attach_volume" => "compute_attach_volume",
        "detach_volume" => "compute_detach_volume",
        "attach_interface" => "compute_attach_interface",
        "detach_interface" => "compute_detach_interface",
        "createImage" => "compute_snapshot_instance",
        "createBackup" => "compute_backup_instance",
        "changePassword" => "compute_set_admin_password",
        _ => return None,
    })
}

impl InstanceActions {
    /// Records an action started now. Its event (if it has one) starts with it; `done` finishes
    /// it at once, for work the API completes in the same call.
    pub fn start(&mut self, server_id: &str, action: &str, by: &Requester, host: Option<&str>, now: SimTime, done: bool) {
        let events = event_name(action)
            .map(|event| ActionEvent {
                event: event.to_string(),
                start_time: now,
                finish_time: done.then_some(now),
                result: done.then(|| "Success".to_string()),
                host: host.map(str::to_string),
                details: None,
            })
            .into_iter()
            .collect();
        self.by_server.entry(server_id.to_string()).or_default().push(InstanceAction {
            action: action.to_string(),
            instance_uuid: server_id.to_string(),
            request_id: by.request_id.clone(),
            user_id: by.user_id.clone(),
            project_id: by.project_id.clone(),
            start_time: now,
            updated_at: now,
            message: None,
            events,
        });
    }

    /// Finishes the server's events still running, with `Success`, or `Error` and its details.
    pub fn finish(&mut self, server_id: &str, host: Option<&str>, at: SimTime, error: Option<&str>) {
        let Some(actions) = self.by_server.get_mut(server_id) else { return };
        for action in actions.iter_mut() {
            let mut touched = false;
            for e in action.events.iter_mut().filter(|e| e.finish_time.is_none()) {
                e.finish_time = Some(at);
                e.result = Some(if error.is_some() { "Error" } else { "Success" }.to_string());
                e.details = error.map(str::to_string);
                if e.host.is_none() {
                    e.host = host.map(str::to_string);
                }
                touched = true;
            }
            if touched {
                action.updated_at = at;
                if error.is_some() {
                    action.message = Some("Error".to_string());
                }
            }
        }
    }

    /// The server's actions, oldest first (empty when it has none).
    pub fn of(&self, server_id: &str) -> &[InstanceAction] {
        self.by_server.get(server_id).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> SimTime {
        chrono::DateTime::from_timestamp(1_700_000_000 + secs, 0).expect("a time")
    }

    fn by() -> Requester {
        Requester { request_id: "req-1".into(), user_id: "u".into(), project_id: "p".into() }
    }

    #[test]
    fn an_event_runs_until_its_task_ends() {
        let mut a = InstanceActions::default();
        a.start("s", "reboot", &by(), Some("c1"), at(0), false);
        assert_eq!(a.of("s")[0].events[0].finish_time, None);
        a.finish("s", Some("c1"), at(5), None);
        let e = &a.of("s")[0].events[0];
        assert_eq!((e.event.as_str(), e.finish_time, e.result.as_deref()), ("compute_reboot_instance", Some(at(5)), Some("Success")));
        assert_eq!(a.of("s")[0].updated_at, at(5));
    }

    #[test]
    fn a_failed_event_marks_its_action_an_error() {
        let mut a = InstanceActions::default();
        a.start("s", "create", &by(), None, at(0), false);
        a.finish("s", None, at(1), Some("No valid host was found."));
        let action = &a.of("s")[0];
        assert_eq!(action.message.as_deref(), Some("Error"));
        assert_eq!(action.events[0].details.as_deref(), Some("No valid host was found."));
    }

    #[test]
    fn lock_has_no_event() {
        let mut a = InstanceActions::default();
        a.start("s", "lock", &by(), Some("c1"), at(0), true);
        assert!(a.of("s")[0].events.is_empty());
    }
}
