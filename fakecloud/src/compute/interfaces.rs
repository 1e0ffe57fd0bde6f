//! Nova's interface attachments (`os-interface`) as rules and timings: the vm_states an attach or
//! detach may start from, how long the guest takes to plug or unplug a device, and what Nova keeps
//! of an attached port (its tag, and whether the user made it, so a detach or delete gives it back
//! instead of deleting it). The steps touch Neutron too, so they run in
//! `flows/server_interfaces.rs`.

use super::model::VmState::{self, *};
use serde::{Deserialize, Serialize};

/// `check_instance_state` of `attach_interface` and `detach_interface` in nova/compute/api.py.
pub const INTERFACE_FROM: &[VmState] = &[Active, Paused, Stopped];

/// From the attach to the agent having wired the port (DOWN -> ACTIVE).
pub const PLUG_SECS: i64 = 2;
/// From the detach request (a cast) to the device gone from the guest and the port given back.
pub const UNPLUG_SECS: i64 = 2;

/// What Nova keeps of a port attached through `os-interface` (its VirtualInterface and the
/// network info cache's `preserve_on_delete`). Ports Nova made at boot have no entry: they are
/// Nova's, untagged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttachedInterface {
    pub server_id: String,
    /// The user made the port: a detach or a server delete unbinds it rather than deleting it.
    pub preserve_on_delete: bool,
    /// The device tag given at attach (2.49+), shown from 2.70.
    pub tag: Option<String>,
}
