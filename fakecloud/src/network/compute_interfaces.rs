//! What Nova asks of Neutron to attach and detach a server's interfaces (`os-interface`): the
//! networks a project may attach to, a port made on one or an existing port taken over, bound to the
//! server's host (DOWN until the agent has wired it, then ACTIVE), and a port given back (unbound,
//! its device cleared) or deleted.

use super::error::{NResult, NeutronError};
use super::model::*;
use super::ports::{port_status, FixedIpSpec, PortSpec};
use crate::sim::{Ids, SimTime};

/// Why a port cannot be attached, in the words of the Nova exception it becomes.
#[derive(Debug, PartialEq)]
pub enum PortRefusal {
    /// PortNotFound (404).
    NotFound,
    /// PortInUse (409): it has a device already.
    InUse,
    /// PortNotUsable (400): another project's port.
    NotUsable,
}

impl Network {
    /// The networks a project can attach to when it names none: its own and shared ones, not
    /// external (Nova's `_get_available_networks`).
    pub fn available_networks(&self, project_id: &str) -> Vec<String> {
        self.networks.values().filter(|n| !n.external && (n.project_id == project_id || n.shared)).map(|n| n.id.clone()).collect()
    }

    /// Whether the network has a subnet to take an address from.
    pub fn has_subnet(&self, network_id: &str) -> bool {
        self.subnets.values().any(|s| s.network_id == network_id)
    }

    /// Whether a port may be attached to a server of `project_id` (admin may use any project's).
    pub fn check_attachable(&self, port_id: &str, project_id: &str, admin: bool) -> Result<(), PortRefusal> {
        let p = self.ports.get(port_id).ok_or(PortRefusal::NotFound)?;
        if !p.device_id.is_empty() {
            return Err(PortRefusal::InUse);
        }
        if p.project_id != project_id && !admin {
            return Err(PortRefusal::NotUsable);
        }
        Ok(())
    }

    /// A port Nova makes for an attach on `network_id`, with the address asked for if any. The
    /// port is not yet bound. Errors are Neutron's.
    pub fn create_interface_port(
        &mut self,
        ids: &mut Ids,
        now: SimTime,
        network_id: &str,
        project_id: &str,
        ip_address: Option<&str>,
    ) -> NResult<String> {
        self.check_quota(project_id, "port")?;
        let spec = PortSpec {
            network_id: network_id.to_string(),
            project_id: project_id.to_string(),
            fixed_ips: ip_address.map(|ip| vec![FixedIpSpec { subnet_id: None, ip_address: Some(ip.to_string()) }]),
            ..Default::default()
        };
        self.create_port_from(ids, now, spec)
    }

    /// nova-compute takes the port: its device and owner, bound to `host`; DOWN until the agent has
    /// wired it ([`Self::plug_port`]).
    pub fn claim_port(&mut self, port_id: &str, device_id: &str, device_owner: &str, host: &str, now: SimTime) -> NResult<()> {
        if !self.ports.contains_key(port_id) {
            return Err(NeutronError::port_not_found(port_id));
        }
        self.bind_port(port_id, host, now);
        let p = self.ports.get_mut(port_id).expect("checked");
        p.device_id = device_id.to_string();
        p.device_owner = device_owner.to_string();
        p.status = "DOWN".into();
        p.updated_at = now;
        Ok(())
    }

    /// The agent has wired the port: its status follows its binding (ACTIVE when bound). False
    /// when the port is gone or no longer the device's.
    pub fn plug_port(&mut self, port_id: &str, device_id: &str, now: SimTime) -> bool {
        match self.ports.get_mut(port_id).filter(|p| p.device_id == device_id) {
            Some(p) => {
                p.status = port_status(p);
                p.updated_at = now;
                p.revision_number += 1;
                p.status == "ACTIVE"
            }
            None => false,
        }
    }

    /// A detached port the user made: unbound, no device, DOWN.
    pub fn release_port(&mut self, port_id: &str, now: SimTime) {
        self.bind_port(port_id, "", now);
        if let Some(p) = self.ports.get_mut(port_id) {
            p.device_id.clear();
            p.device_owner.clear();
            p.status = port_status(p);
            p.updated_at = now;
        }
    }

    /// A detached port Nova made: deleted, with any floating IP on it disassociated.
    pub fn delete_interface_port(&mut self, port_id: &str, now: SimTime) {
        if self.ports.contains_key(port_id) {
            self.remove_port(port_id, Some(now));
        }
    }
}
