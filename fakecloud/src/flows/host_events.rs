//! Host events: what a compute host going down, rebooting or starving, or a service or agent dying,
//! does to the world. Each is a fault (see `compute/faults.rs`): applied when added, undone when
//! removed. The check and effect of an installed fault start here for every kind, and go on to the
//! flow of the service that owns it.

use crate::compute::Event;
use crate::compute::FaultAction as HostFault;
use crate::container_infra::FaultAction as CapiFault;
use crate::faults::FaultAction;
use crate::sim::journal::Record;
use crate::sim::SimTime;
use crate::world::World;
use chrono::Duration;

/// How long a rebooting host takes to come back when the fault does not say.
pub const DEFAULT_BOOT_SECS: u64 = 180;

const NOVA_BINARIES: [&str; 3] = ["nova-compute", "nova-scheduler", "nova-conductor"];
const CINDER_BINARIES: [&str; 2] = ["cinder-scheduler", "cinder-volume"];

impl World {
    /// Refuses a fault that names an unknown host, service or overcloud object, before anything
    /// changes.
    pub(crate) fn check_fault_target(&self, action: &FaultAction) -> Result<(), String> {
        match action {
            FaultAction::Compute(a) => self.check_host_target(a),
            FaultAction::Overcloud(a) => self.check_overcloud_target(a),
            // Request and object faults name no host (see FaultAction::fires_on_use).
            FaultAction::Api(_) | FaultAction::LoadBalancer(_) | FaultAction::ContainerInfra(_) => Ok(()),
        }
    }

    /// Refuses a host event that names an unknown host or service.
    fn check_host_target(&self, action: &HostFault) -> Result<(), String> {
        let host_known = |h: &str| if self.compute.host(h).is_some() { Ok(()) } else { Err(format!("unknown compute host '{h}'")) };
        match action {
            HostFault::HostDown { host } | HostFault::HostPressure { host } | HostFault::HostReboot { host, .. } => host_known(host),
            HostFault::AgentsDown { host } => {
                if self.compute.host(host).is_some() || self.compute.services.iter().any(|s| &s.host == host) {
                    Ok(())
                } else {
                    Err(format!("unknown host '{host}'"))
                }
            }
            HostFault::ServiceDown { binary, host } => {
                if NOVA_BINARIES.contains(&binary.as_str()) {
                    if self.compute.services.iter().any(|s| &s.binary == binary && &s.host == host) {
                        return Ok(());
                    }
                    return Err(format!("no {binary} service on host '{host}'"));
                }
                if CINDER_BINARIES.contains(&binary.as_str()) {
                    if self.volume.service(binary, host).is_some() {
                        return Ok(());
                    }
                    return Err(format!("no {binary} service on host '{host}'"));
                }
                Err(format!(
                    "unknown service binary '{binary}' (expected one of {}, {})",
                    NOVA_BINARIES.join(", "),
                    CINDER_BINARIES.join(", ")
                ))
            }
        }
    }

    /// Applies (`on`) or undoes a fault's effect on the world, as it is installed or goes.
    pub(crate) fn fault_effect(&mut self, action: &FaultAction, on: bool, at: SimTime) {
        match action {
            FaultAction::Compute(a) => self.host_event(a, on, at),
            FaultAction::Overcloud(a) => self.overcloud_fault(a, on),
            // Read by Magnum's health poll while installed.
            FaultAction::ContainerInfra(CapiFault::CapiContractMiss) => {}
            // Request and object faults act when they fire, not when installed.
            FaultAction::Api(_) | FaultAction::LoadBalancer(_) | FaultAction::ContainerInfra(CapiFault::CapiLbTimeout) => {
                debug_assert!(action.fires_on_use())
            }
        }
    }

    /// Applies (`on`) or undoes a host event.
    fn host_event(&mut self, action: &HostFault, on: bool, at: SimTime) {
        match action {
            HostFault::HostDown { host } => {
                if on {
                    self.power_off_host(host, at);
                } else {
                    self.apply_compute_event(&Event::HostBooted { host: host.clone() }, at);
                }
            }
            HostFault::HostReboot { host, boot_secs } => {
                if on {
                    self.power_off_host(host, at);
                    let back = at + Duration::seconds(boot_secs.unwrap_or(DEFAULT_BOOT_SECS) as i64);
                    self.sim.scheduler.schedule(back, Event::HostBooted { host: host.clone() });
                }
            }
            HostFault::HostPressure { host } => {
                if let Some(h) = self.compute.host_mut(host) {
                    h.pressure = on;
                }
            }
            HostFault::ServiceDown { binary, host } => {
                if let Some(s) = self.compute.service_mut(binary, host) {
                    if on {
                        s.heartbeat.stop(at);
                    } else {
                        s.heartbeat.resume();
                    }
                } else {
                    self.volume.set_service_alive(binary, host, !on, at);
                }
            }
            HostFault::AgentsDown { host } => self.network.set_host_agents_alive(host, !on, at),
        }
    }

    /// The host loses power: its services and agents stop reporting and its guests stop running.
    /// Nova cannot notice: with nova-compute gone, nothing syncs power states, so vm_state and
    /// power_state stay as last recorded until the host is back (init_host); only `host_status`
    /// (from the service's heartbeat) shows the loss meanwhile.
    fn power_off_host(&mut self, host: &str, at: SimTime) {
        let Some(h) = self.compute.host_mut(host) else { return };
        h.powered = false;
        if let Some(s) = self.compute.service_mut("nova-compute", host) {
            s.heartbeat.stop(at);
        }
        self.network.set_host_agents_alive(host, false, at);
        self.sim
            .journal
            .record(at, Record::Transition { resource: "host".into(), id: host.into(), from: Some("up".into()), to: "down".into() });
    }

    /// A HostBooted event also ends the reboot fault that caused it.
    pub(crate) fn end_reboot_fault(&mut self, host: &str, at: SimTime) {
        let ids: Vec<String> = self
            .sim
            .faults
            .list()
            .iter()
            .filter(|f| matches!(&f.action, FaultAction::Compute(HostFault::HostReboot { host: h, .. }) if h == host))
            .map(|f| f.id.clone())
            .collect();
        for id in ids {
            self.sim.faults.remove(&id);
            self.sim.journal.record(at, Record::Fault { action: "expired".into(), fault_id: id, detail: format!("host {host} is back") });
        }
        self.sim
            .journal
            .record(at, Record::Transition { resource: "host".into(), id: host.into(), from: Some("down".into()), to: "up".into() });
    }
}
