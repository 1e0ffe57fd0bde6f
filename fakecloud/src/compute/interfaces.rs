//! Nova's interface attachments (`os-interface`) as rules and timings: the vm_states an attach or
//! detach may start from, how long the guest takes to plug or unplug a device, and what Nova keeps
//! of an attached port (its tag, and whether the user made it, so a detach or delete gives it back
//! instead of deleting it). The steps touch Neutron too, so they run in
//! `flows/server_interfaces.rs`.

use super::model::VmState::{self, *};

/// `check_instance_state` of `attach_interface` and `detach_interface` in nova/compute/api.py.
pub const INTERFACE_FROM: &[VmState] = &[Active, Paused, Stopped];

/// From the attach to the agent having wired the port (DOWN -> ACTIVE).
pub const PLUG_SECS: i64 = 2;
/// From the detach request (a cast) to the device gone from the guest and the port given back.
pub const UNPLUG_SECS: i64 = 2;

pub use super::model::AttachedInterface;
