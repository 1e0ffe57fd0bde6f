//! Nova's timed transitions, applied by the server and host flows (`flows/servers.rs`,
//! `flows/host_events.rs`). Data, not closures, so pending ones survive a snapshot.

use super::model::VmState;
use super::snapshots::{ImageKind, SnapshotStage};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// Nova's scheduler picks a host for a BUILD server (or fails it with NoValidHost).
    ServerSchedule {
        server_id: String,
    },
    /// A scheduled server finishes spawning: ACTIVE.
    ServerSpawned {
        server_id: String,
    },
    /// A stop, start or reboot finishes.
    ServerPowerOff {
        server_id: String,
    },
    ServerPowerOn {
        server_id: String,
    },
    ServerRebooted {
        server_id: String,
    },
    /// A server action's task ends (pause, suspend, rescue, rebuild and their reverses): the server
    /// settles in `vm_state` with `power_state`.
    ServerSettled {
        server_id: String,
        vm_state: VmState,
        power_state: u8,
    },
    /// A shelved server leaves its host (`shelved_offload_time = 0`: at once).
    ServerOffloaded {
        server_id: String,
    },
    /// An offloaded server is scheduled and spawned again.
    ServerUnshelved {
        server_id: String,
        /// The host an admin named (2.91); the scheduler picks otherwise.
        #[serde(default)]
        host: Option<String>,
    },
    /// A resize finished on the destination: VERIFY_RESIZE.
    ServerResized {
        server_id: String,
    },
    /// An evacuated server is rebuilt on its new host: running again, or stopped (2.95+).
    ServerEvacuated {
        server_id: String,
        stopped: bool,
    },
    /// A step of a server snapshot or backup on its compute host (`flows/server_snapshots.rs`).
    ServerSnapshot {
        server_id: String,
        image_id: String,
        stage: SnapshotStage,
        kind: ImageKind,
    },
    /// The agent has wired a port attached to the server: DOWN -> ACTIVE.
    InterfacePlugged {
        server_id: String,
        port_id: String,
    },
    /// A detached port is out of the guest: given back to the user or deleted.
    InterfaceDetached {
        server_id: String,
        port_id: String,
    },
    /// nova-compute has connected a volume to the server and completed its Cinder attachment.
    VolumeAttached {
        server_id: String,
        volume_id: String,
    },
    /// nova-compute has disconnected a volume: the attachment and the mapping go (and the volume
    /// too when `delete_volume`, a server's termination with `delete_on_termination`).
    VolumeDetached {
        server_id: String,
        volume_id: String,
        attachment_id: Option<String>,
        #[serde(default)]
        delete_volume: bool,
    },
    /// A rebooting compute host is back: its services report again and nova-compute's init_host runs.
    HostBooted {
        host: String,
    },
}

impl Event {
    /// The server an event is about, if it is about one.
    pub fn server_id(&self) -> Option<&str> {
        match self {
            Event::ServerSchedule { server_id }
            | Event::ServerSpawned { server_id }
            | Event::ServerPowerOff { server_id }
            | Event::ServerPowerOn { server_id }
            | Event::ServerRebooted { server_id }
            | Event::ServerSettled { server_id, .. }
            | Event::ServerOffloaded { server_id }
            | Event::ServerUnshelved { server_id, .. }
            | Event::ServerResized { server_id }
            | Event::ServerEvacuated { server_id, .. }
            | Event::ServerSnapshot { server_id, .. }
            | Event::InterfacePlugged { server_id, .. }
            | Event::InterfaceDetached { server_id, .. }
            | Event::VolumeAttached { server_id, .. }
            | Event::VolumeDetached { server_id, .. } => Some(server_id),
            Event::HostBooted { .. } => None,
        }
    }
}
