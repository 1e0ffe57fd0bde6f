//! What Nova asks of Neutron (the contract nova-compute and the conductor use): which network a
//! server may attach to, its ports created, bound and released, floating IPs for its ports, its
//! addresses as the server view shows them, and a host's agents stopping with the host.

use super::model::*;
use crate::sim::{Ids, SimTime};
use serde_json::{json, Map, Value};

impl Network {
    /// The id of a network the project may attach a server to (its own, shared or, for admin, any),
    /// by name or id.
    pub fn usable_network(&self, name_or_id: &str, project_id: &str, admin: bool) -> Option<String> {
        let usable = |n: &&Net| admin || n.project_id == project_id || n.shared;
        if let Some(n) = self.networks.get(name_or_id).filter(usable) {
            return Some(n.id.clone());
        }
        let mut named: Vec<&Net> = self.networks.values().filter(|n| n.name == name_or_id).filter(usable).collect();
        // The project's own network first, then shared ones.
        named.sort_by_key(|n| n.project_id != project_id);
        named.first().map(|n| n.id.clone())
    }

    /// Nova's `networks: "auto"`: the one network the project can use (its own or shared, not
    /// external); `None` when there are none or several.
    pub fn auto_network(&self, project_id: &str) -> Option<String> {
        let mut usable = self.networks.values().filter(|n| !n.external && (n.project_id == project_id || n.shared));
        match (usable.next(), usable.next()) {
            (Some(n), None) => Some(n.id.clone()),
            _ => None,
        }
    }

    /// Creates a port for a server (device_owner `compute:<az>`, a fixed IP from the network's first
    /// subnet with room) and returns its id. Errors are Neutron's message (e.g. no more IPs).
    pub fn create_server_port(
        &mut self,
        ids: &mut Ids,
        now: SimTime,
        network_id: &str,
        project_id: &str,
        device_id: &str,
        az: &str,
    ) -> Result<String, String> {
        self.check_quota(project_id, "port").map_err(|e| e.message)?;
        let spec = super::ports::PortSpec {
            network_id: network_id.to_string(),
            project_id: project_id.to_string(),
            device_id: Some(device_id.to_string()),
            device_owner: Some(format!("compute:{az}")),
            ..Default::default()
        };
        self.create_port_from(ids, now, spec).map_err(|e| e.message)
    }

    /// Sets `binding:host_id` on every port of the device (after scheduling).
    /// Binds the device's ports to `host` (`""` unbinds them). Returns the ports that came back
    /// `binding_failed`, which Nova turns into PortBindingFailed.
    pub fn bind_device(&mut self, device_id: &str, host: &str, now: SimTime) -> Vec<String> {
        let ids: Vec<String> = self.ports.values().filter(|p| p.device_id == device_id).map(|p| p.id.clone()).collect();
        for id in &ids {
            self.bind_port(id, host, now);
        }
        ids.into_iter().filter(|id| self.ports[id].vif_type == "binding_failed").collect()
    }

    /// Deletes the device's ports and disassociates any floating IP on them (server delete).
    pub fn release_device(&mut self, device_id: &str) {
        let ids: Vec<String> = self
            .ports
            .values()
            .filter(|p| p.device_id == device_id && !p.device_owner.starts_with("network:"))
            .map(|p| p.id.clone())
            .collect();
        for id in ids {
            self.remove_port(&id, None);
        }
    }

    /// Allocates a floating IP on `external_network` for the project and associates it with the
    /// device's first port (fixture servers with `floating_ip: true`). Returns the floating IP's id.
    /// The fixture's world is settled, so the floating IP is ACTIVE at once.
    pub fn float_device(
        &mut self,
        ids: &mut Ids,
        now: SimTime,
        external_network: &str,
        project_id: &str,
        device_id: &str,
    ) -> Result<String, String> {
        let net = self
            .networks
            .get(external_network)
            .or_else(|| self.network_named(external_network))
            .ok_or_else(|| format!("Network {external_network} could not be found."))?
            .id
            .clone();
        let port = self
            .ports
            .values()
            .filter(|p| p.device_id == device_id && !p.device_owner.starts_with("network:"))
            .min_by_key(|p| p.seq)
            .ok_or_else(|| format!("No port found for device {device_id}."))?
            .id
            .clone();
        let req = super::l3::FloatingIpSpec {
            floating_network_id: net,
            project_id: project_id.to_string(),
            port_id: Some(Some(port)),
            ..Default::default()
        };
        let (id, pending) = self.create_floating_ip_as(ids, now, req, true).map_err(|e| e.message)?;
        if let Some(p) = pending {
            self.activate_floating_ip(&p.floating_ip_id, &p.port_id, now);
        }
        Ok(id)
    }

    /// Nova's `addresses` for the device: {network name: [{addr, version, OS-EXT-IPS:type, OS-EXT-IPS-MAC:mac_addr}]}.
    pub fn server_addresses(&self, device_id: &str) -> Value {
        let mut ports: Vec<&Port> = self.ports.values().filter(|p| p.device_id == device_id).collect();
        ports.sort_by_key(|p| p.seq);
        let mut out = Map::new();
        for p in ports {
            let name = self.networks.get(&p.network_id).map(|n| n.name.clone()).unwrap_or_default();
            let entry = out.entry(name).or_insert_with(|| json!([]));
            let list = entry.as_array_mut().expect("an array");
            for ip in &p.fixed_ips {
                list.push(
                    json!({"version": super::ipam::version(ip.ip_address), "addr": ip.ip_address.to_string(), "OS-EXT-IPS:type": "fixed",
                    "OS-EXT-IPS-MAC:mac_addr": p.mac_address}),
                );
            }
            for fip in self.floating_ips.values().filter(|f| f.port_id.as_deref() == Some(p.id.as_str())) {
                list.push(json!({"version": super::ipam::version(fip.floating_ip_address), "addr": fip.floating_ip_address.to_string(), "OS-EXT-IPS:type": "floating",
                    "OS-EXT-IPS-MAC:mac_addr": p.mac_address}));
            }
        }
        Value::Object(out)
    }

    /// Host events: the host's agents stop (or resume) reporting.
    pub fn set_host_agents_alive(&mut self, host: &str, alive: bool, now: SimTime) {
        for a in self.agents.values_mut().filter(|a| a.host == host) {
            if alive {
                if a.heartbeat.stopped_at.is_some() {
                    a.heartbeat.resume();
                    a.started_at = now;
                }
            } else {
                a.heartbeat.stop(now);
            }
        }
    }
}
