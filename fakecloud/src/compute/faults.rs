//! Nova's fault kinds: a compute host losing power, rebooting or starving, and a service or the
//! network agents on a host no longer reporting. A host is Nova's, so its faults are declared here
//! even where their effect reaches Neutron's agents or Cinder's services; the host flow
//! (`flows/host_events.rs`) applies them when they are added and undoes them when removed.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FaultAction {
    /// A compute host loses power: nova-compute and its agents stop reporting (down after the real
    /// timeouts); its guests stop running. Removing the fault powers it back on, as a reboot does.
    HostDown { host: String },
    /// A compute host reboots: down now, back after `boot_secs` (default 180); guests come back
    /// SHUTOFF unless the host resumes guests on boot. The fault ends itself when the host is back.
    HostReboot {
        host: String,
        #[serde(default)]
        boot_secs: Option<u64>,
    },
    /// Memory/CPU pressure on a host: it stays up, but what runs on it starves (amphorae stop
    /// sending heartbeats).
    HostPressure { host: String },
    /// One service stops reporting: `nova-compute`, `nova-scheduler`, `nova-conductor`,
    /// `cinder-scheduler` or `cinder-volume` on `host`.
    ServiceDown { binary: String, host: String },
    /// The network agents on a host stop reporting (`alive` turns false after agent_down_time).
    AgentsDown { host: String },
}

/// The kinds above as a client names them, with a one-line description.
pub const KINDS: &[(&str, &str)] = &[
    ("host-down", "a compute host loses power until the fault is removed"),
    ("host-reboot", "a compute host reboots and is back after boot_secs (default 180)"),
    ("host-pressure", "memory/CPU pressure on a host: guests starve (amphora heartbeats stop)"),
    ("service-down", "one service (binary on host) stops reporting until the fault is removed"),
    ("agents-down", "the network agents on a host stop reporting until the fault is removed"),
];
