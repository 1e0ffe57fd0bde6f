//! Interface attach and detach across Nova and Neutron (`os-interface`): Nova's state checks, the
//! port made on a network or taken over from the user, bound to the server's host and owned by it
//! (`compute:<az>`), ACTIVE once the agent has wired it; a detach gives the user's port back
//! (unbound, no device) or deletes the one Nova made. A server delete gives back the user's ports.

use crate::compute::interfaces::*;
use crate::compute::lifecycle::Refused;
use crate::compute::Event;
use crate::network::compute_interfaces::PortRefusal;
use crate::sim::journal::Record;
use crate::sim::SimTime;
use crate::world::World;
use chrono::Duration;

/// A `POST /servers/{id}/os-interface` request, already validated by the API.
pub struct InterfaceRequest {
    pub server_id: String,
    pub net_id: Option<String>,
    pub port_id: Option<String>,
    pub ip_address: Option<String>,
    pub tag: Option<String>,
    pub admin: bool,
}

impl World {
    /// Nova's checks before an interface action: the lock (non-admins), the vm_state, no task.
    fn interface_checks(&self, id: &str, action: &str, admin: bool) -> Result<crate::compute::model::Server, Refused> {
        let s = self.compute.server(id).ok_or_else(|| Refused(404, format!("Instance {id} could not be found.")))?.clone();
        if s.locked && !admin {
            return Err(Refused(409, format!("Instance {id} is locked")));
        }
        if !INTERFACE_FROM.contains(&s.vm_state) {
            return Err(Refused(409, format!("Cannot '{action}' instance {id} while it is in vm_state {}", s.vm_state.as_str())));
        }
        if let Some(task) = &s.task_state {
            return Err(Refused(409, format!("Cannot '{action}' instance {id} while it is in task_state {task}")));
        }
        Ok(s)
    }

    /// Attaches a port to a server (an existing one, or one made on the network asked for or the
    /// only one available). Returns the port's id; the port is bound and DOWN, ACTIVE on the clock.
    pub fn attach_interface(&mut self, req: InterfaceRequest) -> Result<String, Refused> {
        let now = self.now();
        let id = req.server_id.as_str();
        let s = self.interface_checks(id, "attach_interface", req.admin)?;
        let host = s.host.clone().ok_or_else(|| Refused(409, format!("Instance {id} is not ready")))?;
        let az = self.compute.host(&host).map(|h| h.az.clone()).unwrap_or_default();
        if self.network.vif_type_for(&host, now) == "binding_failed" {
            return Err(Refused(500, format!("Failed to attach network adapter device to {id}")));
        }
        let (port_id, preserve) = match (&req.port_id, &req.net_id) {
            (Some(port), _) => {
                self.network.check_attachable(port, &s.project_id, req.admin).map_err(|e| match e {
                    PortRefusal::NotFound => Refused(404, format!("Port id {port} could not be found.")),
                    PortRefusal::InUse => Refused(409, format!("Port {port} is still in use.")),
                    PortRefusal::NotUsable => Refused(400, format!("Port {port} not usable for instance {id}.")),
                })?;
                (port.clone(), true)
            }
            (None, net) => {
                let net_id = match net {
                    Some(n) => self
                        .network
                        .usable_network(n, &s.project_id, req.admin)
                        .filter(|found| found == n)
                        .ok_or_else(|| Refused(404, format!("Network {n} could not be found.")))?,
                    None => {
                        let mut nets = self.network.available_networks(&s.project_id);
                        match nets.len() {
                            0 => {
                                return Err(Refused(
                                    400,
                                    format!("No specific network was requested and none are available for project '{}'.", s.project_id),
                                ))
                            }
                            1 => nets.remove(0),
                            _ => {
                                return Err(Refused(400, "Multiple possible networks found, use a Network ID to be more specific.".into()))
                            }
                        }
                    }
                };
                if !self.network.has_subnet(&net_id) {
                    return Err(Refused(400, format!("Network {net_id} requires a subnet in order to boot instances on.")));
                }
                let ip = req.ip_address.as_deref();
                let port =
                    self.network.create_interface_port(&mut self.sim.ids, now, &net_id, &s.project_id, ip).map_err(|e| match e.kind {
                        "IpAddressAlreadyAllocated" | "IpAddressInUse" => {
                            Refused(409, format!("Fixed IP address {} is already in use on instance {id}.", ip.unwrap_or_default()))
                        }
                        "IpAddressGenerationFailure" => Refused(400, format!("No fixed IP addresses available for network: {net_id}")),
                        "OverQuota" => Refused(403, "Maximum number of ports exceeded.".into()),
                        _ => Refused(400, e.message),
                    })?;
                (port, false)
            }
        };
        self.network.claim_port(&port_id, id, &format!("compute:{az}"), &host, now).map_err(|e| Refused(404, e.message))?;
        let net_id = self.network.ports.get(&port_id).map(|p| p.network_id.clone()).unwrap_or_default();
        self.compute
            .interfaces
            .insert(port_id.clone(), AttachedInterface { server_id: id.to_string(), preserve_on_delete: preserve, tag: req.tag });
        let srv = self.compute.server_mut(id).expect("checked");
        if !srv.network_ids.contains(&net_id) {
            srv.network_ids.push(net_id);
        }
        srv.updated_at = now;
        self.record(Record::Transition { resource: "port".into(), id: port_id.clone(), from: None, to: "DOWN".into() });
        let event = Event::InterfacePlugged { server_id: id.into(), port_id: port_id.clone() };
        self.sim.scheduler.schedule(now + Duration::seconds(PLUG_SECS), event);
        Ok(port_id)
    }

    /// Detaches a port (a cast in Nova: accepted, then done on the clock; a port that is not the
    /// server's is left alone).
    pub fn detach_interface(&mut self, server_id: &str, port_id: &str, admin: bool) -> Result<(), Refused> {
        let now = self.now();
        self.interface_checks(server_id, "detach_interface", admin)?;
        let event = Event::InterfaceDetached { server_id: server_id.into(), port_id: port_id.into() };
        self.sim.scheduler.schedule(now + Duration::seconds(UNPLUG_SECS), event);
        Ok(())
    }

    pub(crate) fn interface_plugged(&mut self, server_id: &str, port_id: &str, at: SimTime) {
        if self.network.plug_port(port_id, server_id, at) {
            self.sim.journal.record(
                at,
                Record::Transition { resource: "port".into(), id: port_id.into(), from: Some("DOWN".into()), to: "ACTIVE".into() },
            );
        }
    }

    pub(crate) fn interface_detached(&mut self, server_id: &str, port_id: &str, at: SimTime) {
        let Some(port) = self.network.ports.get(port_id).filter(|p| p.device_id == server_id) else { return };
        let net_id = port.network_id.clone();
        let preserve = self.compute.interfaces.remove(port_id).is_some_and(|i| i.preserve_on_delete);
        if preserve {
            self.network.release_port(port_id, at);
        } else {
            self.network.delete_interface_port(port_id, at);
        }
        let still_on_net = self.network.ports.values().any(|p| p.device_id == server_id && p.network_id == net_id);
        if let Some(s) = self.compute.server_mut(server_id) {
            if !still_on_net {
                s.network_ids.retain(|n| n != &net_id);
            }
            s.updated_at = at;
        }
        let to = if preserve { "DOWN" } else { "DELETED" };
        self.sim.journal.record(at, Record::Transition { resource: "port".into(), id: port_id.into(), from: None, to: to.into() });
    }

    /// A deleted server gives back the ports the user attached (Nova deletes only its own).
    pub(crate) fn release_interfaces(&mut self, server_id: &str) {
        let now = self.now();
        let ports: Vec<(String, bool)> = self
            .compute
            .interfaces
            .iter()
            .filter(|(_, i)| i.server_id == server_id)
            .map(|(p, i)| (p.clone(), i.preserve_on_delete))
            .collect();
        for (port, preserve) in ports {
            self.compute.interfaces.remove(&port);
            if preserve && self.network.ports.get(&port).is_some_and(|p| p.device_id == server_id) {
                self.network.release_port(&port, now);
            }
        }
    }
}
