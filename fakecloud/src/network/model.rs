//! Neutron's state. SKELETON: the functions below are the contract Nova and host events rely on;
//! their bodies are placeholders until the Neutron model is built.

use crate::fixture::Fixture;
use crate::identity::Identity;
use crate::sim::{Ids, SimTime};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Network {}

impl Network {
    /// Networks, subnets, routers and agents from the fixture (servers' ports come from Nova).
    pub fn from_fixture(_f: &Fixture, _idn: &Identity, _ids: &mut Ids, _now: SimTime) -> anyhow::Result<Network> {
        Ok(Network::default())
    }

    /// The id of a network the project may attach a server to (its own, shared or, for admin, any),
    /// by name or id.
    pub fn usable_network(&self, _name_or_id: &str, _project_id: &str, _admin: bool) -> Option<String> {
        None
    }

    /// Creates a port for a server (device_owner `compute:<az>`, a fixed IP from the network's first
    /// subnet with room) and returns its id. Errors are Neutron's message (e.g. no more IPs).
    pub fn create_server_port(
        &mut self,
        _ids: &mut Ids,
        _now: SimTime,
        _network_id: &str,
        _project_id: &str,
        _device_id: &str,
        _az: &str,
    ) -> Result<String, String> {
        Err("network model not built yet".into())
    }

    /// Sets `binding:host_id` on every port of the device (after scheduling).
    pub fn bind_device(&mut self, _device_id: &str, _host: &str) {}

    /// Deletes the device's ports and disassociates any floating IP on them (server delete).
    pub fn release_device(&mut self, _device_id: &str) {}

    /// Allocates a floating IP on `external_network` for the project and associates it with the
    /// device's first port (fixture servers with `floating_ip: true`). Returns the floating IP's id.
    pub fn float_device(
        &mut self,
        _ids: &mut Ids,
        _now: SimTime,
        _external_network: &str,
        _project_id: &str,
        _device_id: &str,
    ) -> Result<String, String> {
        Err("network model not built yet".into())
    }

    /// Nova's `addresses` for the device: {network name: [{addr, version, OS-EXT-IPS:type, OS-EXT-IPS-MAC:mac_addr}]}.
    pub fn server_addresses(&self, _device_id: &str) -> Value {
        json!({})
    }

    /// Host events: the host's agents stop (or resume) reporting.
    pub fn set_host_agents_alive(&mut self, _host: &str, _alive: bool, _now: SimTime) {}
}
