//! Nova's server lifecycle as rules and timings: how long scheduling, spawning and the power actions
//! take, the NoValidHost and MaxRetriesExceeded faults a build records, the resources a flavor asks
//! Placement for, and what a create request carries. The steps themselves touch Placement and
//! Neutron too, so they run in `flows/servers.rs`.

use super::model::*;
use crate::placement::model::{DISK_GB, MEMORY_MB, VCPU};
use crate::sim::heartbeat::Heartbeat;
use crate::sim::SimTime;
use std::collections::BTreeMap;

/// Seconds from the scheduler's pick to ACTIVE: the base plus up to `SPAWN_JITTER_SECS` from the
/// seeded RNG (a small image on local disk boots in about this long).
pub const SPAWN_SECS: f64 = 8.0;
pub const SPAWN_JITTER_SECS: f64 = 4.0;
/// From the API call to the scheduler's answer.
pub const SCHEDULE_SECS: i64 = 1;
pub const POWER_OFF_SECS: i64 = 3;
pub const POWER_ON_SECS: i64 = 3;
pub const REBOOT_SECS: i64 = 5;
/// Pause, suspend, rescue, shelve and their reverses: a guest operation of a few seconds.
pub const GUEST_OP_SECS: i64 = 2;
/// A rebuild re-images the root disk; a resize copies it.
pub const REBUILD_SECS: i64 = 6;
pub const RESIZE_SECS: i64 = 6;

/// A server action (`POST /servers/{id}/action`) that changes the server, with what it carries.
#[derive(Clone, Debug, PartialEq)]
pub enum ServerAction {
    Stop,
    Start,
    Reboot {
        hard: bool,
    },
    Pause,
    Unpause,
    Suspend,
    Resume,
    Shelve,
    ShelveOffload,
    /// Unshelve, optionally to an availability zone (2.77) or a named host (2.91, admin).
    Unshelve {
        availability_zone: Option<String>,
        host: Option<String>,
    },
    Rescue,
    Unrescue,
    Resize {
        flavor_id: String,
    },
    /// A cold migration, to the named host (2.56) or the scheduler's pick.
    Migrate {
        host: Option<String>,
    },
    /// A rebuild on another host of a server whose host is down (the named one, or the
    /// scheduler's pick); from 2.95 it comes back stopped.
    Evacuate {
        host: Option<String>,
        stopped: bool,
    },
    ConfirmResize,
    RevertResize,
    Rebuild {
        image_id: String,
        name: Option<String>,
        metadata: Option<BTreeMap<String, String>>,
    },
    Lock {
        reason: Option<String>,
    },
    Unlock,
    ResetState {
        error: bool,
    },
    TriggerCrashDump,
    AddSecurityGroup {
        name: String,
    },
    RemoveSecurityGroup {
        name: String,
    },
    ForceDelete,
    Restore,
}

use VmState::*;

impl ServerAction {
    /// The name Nova's conflict messages use (the compute API method).
    pub fn name(&self) -> &'static str {
        match self {
            ServerAction::Stop => "stop",
            ServerAction::Start => "start",
            ServerAction::Reboot { .. } => "reboot",
            ServerAction::Pause => "pause",
            ServerAction::Unpause => "unpause",
            ServerAction::Suspend => "suspend",
            ServerAction::Resume => "resume",
            ServerAction::Shelve => "shelve",
            ServerAction::ShelveOffload => "shelve_offload",
            ServerAction::Unshelve { .. } => "unshelve",
            ServerAction::Rescue => "rescue",
            ServerAction::Unrescue => "unrescue",
            ServerAction::Resize { .. } => "resize",
            ServerAction::Migrate { .. } => "migrate",
            ServerAction::Evacuate { .. } => "evacuate",
            ServerAction::ConfirmResize => "confirm_resize",
            ServerAction::RevertResize => "revert_resize",
            ServerAction::Rebuild { .. } => "rebuild",
            ServerAction::Lock { .. } => "lock",
            ServerAction::Unlock => "unlock",
            ServerAction::ResetState { .. } => "reset_state",
            ServerAction::TriggerCrashDump => "trigger_crash_dump",
            ServerAction::AddSecurityGroup { .. } => "add_security_group",
            ServerAction::RemoveSecurityGroup { .. } => "remove_security_group",
            ServerAction::ForceDelete => "force_delete",
            ServerAction::Restore => "restore",
        }
    }

    /// The vm_states the action may start from (`check_instance_state` in nova/compute/api.py);
    /// `None` when Nova checks none.
    pub fn allowed_from(&self) -> Option<&'static [VmState]> {
        Some(match self {
            ServerAction::Stop => &[Active, Error],
            ServerAction::Start => &[Stopped],
            ServerAction::Reboot { hard: false } => &[Active, Stopped],
            ServerAction::Reboot { hard: true } => &[Active, Stopped, Paused, Suspended, Error],
            ServerAction::Pause => &[Active],
            ServerAction::Unpause => &[Paused],
            ServerAction::Suspend => &[Active],
            ServerAction::Resume => &[Suspended],
            ServerAction::Shelve => &[Active, Stopped, Paused, Suspended],
            ServerAction::ShelveOffload => &[Shelved],
            ServerAction::Unshelve { .. } => &[Shelved, ShelvedOffloaded],
            ServerAction::Rescue => &[Active, Stopped, Error],
            ServerAction::Unrescue => &[Rescued],
            ServerAction::Resize { .. } | ServerAction::Migrate { .. } => &[Active, Stopped],
            ServerAction::Evacuate { .. } => &[Active, Stopped, Error],
            ServerAction::ConfirmResize | ServerAction::RevertResize => &[Resized],
            ServerAction::Rebuild { .. } => &[Active, Stopped, Error],
            ServerAction::TriggerCrashDump => &[Active, Paused, Rescued, Resized, Error],
            // Soft delete is not configured (`reclaim_instance_interval = 0`): no server is ever
            // SOFT_DELETED, so these always conflict, as on such a cloud.
            ServerAction::ForceDelete | ServerAction::Restore => &[],
            ServerAction::Lock { .. }
            | ServerAction::Unlock
            | ServerAction::ResetState { .. }
            | ServerAction::AddSecurityGroup { .. }
            | ServerAction::RemoveSecurityGroup { .. } => return None,
        })
    }

    /// Whether a task in progress refuses the action (`task_state=[None]` in Nova's checks).
    pub fn needs_no_task(&self) -> bool {
        !matches!(
            self,
            ServerAction::Lock { .. }
                | ServerAction::Unlock
                | ServerAction::ResetState { .. }
                | ServerAction::AddSecurityGroup { .. }
                | ServerAction::RemoveSecurityGroup { .. }
                | ServerAction::Reboot { hard: true }
        )
    }

    /// Whether a lock stops a non-admin caller (`check_instance_lock`).
    pub fn respects_lock(&self) -> bool {
        !matches!(self, ServerAction::Lock { .. } | ServerAction::Unlock | ServerAction::ResetState { .. })
    }
}

/// Nova's message for NoValidHost; the reason after it is empty when Placement has no candidate.
pub const NO_VALID_HOST: &str = "No valid host was found. ";
/// `[scheduler] max_attempts`: hosts a build may try (the first pick and its alternates).
pub const MAX_ATTEMPTS: usize = 3;

pub(crate) fn no_valid_host(at: SimTime) -> Fault {
    Fault {
        code: 500,
        message: NO_VALID_HOST.into(),
        details: "Traceback (most recent call last):\n  File \"/usr/lib/python3/dist-packages/nova/conductor/manager.py\", line 1654, in schedule_and_build_instances\n    host_lists = self._schedule_instances(context, request_specs[0],\nnova.exception.NoValidHost: No valid host was found. \n".into(),
        created: at,
    }
}

/// What the conductor records when every host a build tried failed it (here: port binding).
pub(crate) fn max_retries_exceeded(id: &str, at: SimTime) -> Fault {
    let message =
        format!("Exceeded maximum number of retries. Exhausted all hosts available for retrying build failures for instance {id}.");
    Fault {
        code: 500,
        details: format!("Traceback (most recent call last):\n  File \"/usr/lib/python3/dist-packages/nova/conductor/manager.py\", line 708, in build_instances\n    raise exception.MaxRetriesExceeded(reason=msg)\nnova.exception.MaxRetriesExceeded: {message}\n"),
        message,
        created: at,
    }
}

/// A refused server operation: HTTP status and Nova's message.
#[derive(Debug, PartialEq)]
pub struct Refused(pub u16, pub String);

/// What a create request asks for, already resolved to ids.
pub struct ServerRequest {
    pub name: String,
    pub project_id: String,
    pub user_id: String,
    pub flavor_id: String,
    pub image_id: String,
    pub network_ids: Vec<String>,
    pub az: Option<String>,
    pub key_name: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub description: Option<String>,
    pub security_groups: Vec<String>,
    pub server_group: Option<String>,
}

/// The Placement resources a flavor asks for.
pub fn flavor_resources(f: &Flavor) -> BTreeMap<String, u64> {
    let mut r = BTreeMap::from([(VCPU.to_string(), f.vcpus), (MEMORY_MB.to_string(), f.ram)]);
    let disk = f.disk + f.ephemeral + f.swap.div_ceil(1024);
    if disk > 0 {
        r.insert(DISK_GB.to_string(), disk);
    }
    r
}

pub(crate) fn service(id: u64, uuid: String, binary: &str, host: &str, zone: &str, now: SimTime) -> ComputeService {
    ComputeService {
        id,
        uuid,
        binary: binary.into(),
        host: host.into(),
        zone: zone.into(),
        disabled: false,
        disabled_reason: None,
        forced_down: false,
        heartbeat: Heartbeat::default(),
        created_at: now,
    }
}
