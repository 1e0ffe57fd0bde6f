//! Neutron's timed transitions. Data, not closures, so pending ones survive a snapshot.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The L3 agent has wired an associated floating IP: DOWN -> ACTIVE (if it is still on the
    /// same port).
    FloatingIpActive { floating_ip_id: String, port_id: String },
}
