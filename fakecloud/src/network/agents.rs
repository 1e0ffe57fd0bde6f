//! Neutron's agents, derived from the fixture: an Open vSwitch agent on every compute host, and on
//! every controller the OVS, DHCP, L3 and metadata agents. Liveness is `agent_down_time` (75 s)
//! after the last report (every 30 s), from `sim::heartbeat`. The DHCP and L3 schedulers pick the
//! least loaded live agent, as Neutron's default WeightScheduler and LeastRoutersScheduler do.

use super::error::{NResult, NeutronError};
use super::model::*;
use crate::fixture::Fixture;
use crate::sim::heartbeat::Heartbeat;

use crate::sim::{Ids, SimTime};
use serde::Deserialize;

pub const OVS: &str = "Open vSwitch agent";
pub const DHCP: &str = "DHCP agent";
pub const L3: &str = "L3 agent";
pub const METADATA: &str = "Metadata agent";

/// (agent_type, binary, topic, whether it reports an availability zone)
const CONTROLLER_AGENTS: [(&str, &str, &str, bool); 4] = [
    (OVS, "neutron-openvswitch-agent", "N/A", false),
    (DHCP, "neutron-dhcp-agent", "dhcp_agent", true),
    (L3, "neutron-l3-agent", "l3_agent", true),
    (METADATA, "neutron-metadata-agent", "N/A", false),
];

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AgentSpec {
    pub admin_state_up: Option<bool>,
    #[serde(deserialize_with = "super::request::nullable")]
    pub description: Option<Option<String>>,
}

impl Network {
    /// Neutron's availability zones: each `availability_zone` of the DHCP (resource `network`) and L3
    /// (resource `router`) agents, available while one of its agents is up and alive.
    pub fn availability_zones(&self, now: SimTime) -> Vec<(String, &'static str, bool)> {
        let mut zones: Vec<(String, &'static str, bool)> = vec![];
        for a in self.agents.values() {
            let resource = match a.agent_type.as_str() {
                DHCP => "network",
                L3 => "router",
                _ => continue,
            };
            let Some(az) = &a.availability_zone else { continue };
            let up = a.admin_state_up && a.alive(now);
            match zones.iter_mut().find(|(n, r, _)| n == az && *r == resource) {
                Some(z) => z.2 |= up,
                None => zones.push((az.clone(), resource, up)),
            }
        }
        zones
    }

    pub(crate) fn register_agents(&mut self, f: &Fixture, ids: &mut Ids, now: SimTime) {
        let mut add = |n: &mut Network, host: &str, (kind, binary, topic, az): (&str, &str, &str, bool)| {
            if n.agents.values().any(|a| a.host == host && a.agent_type == kind) {
                return;
            }
            let id = ids.uuid();
            n.agents.insert(
                id.clone(),
                Agent {
                    id,
                    agent_type: kind.into(),
                    binary: binary.into(),
                    host: host.into(),
                    topic: topic.into(),
                    availability_zone: az.then(|| "nova".to_string()),
                    admin_state_up: true,
                    description: None,
                    heartbeat: Heartbeat::default(),
                    started_at: now,
                    created_at: now,
                },
            );
        };
        for c in &f.controllers {
            for spec in CONTROLLER_AGENTS {
                add(self, c, spec);
            }
        }
        for h in &f.hosts {
            add(self, &h.name, CONTROLLER_AGENTS[0]);
        }
    }

    /// Agents in the order `openstack network agent list` would show them from a fresh deployment:
    /// by id (Neutron's order).
    pub fn agents_of_type(&self, kind: &str) -> impl Iterator<Item = &Agent> + '_ {
        let kind = kind.to_string();
        self.agents.values().filter(move |a| a.agent_type == kind)
    }

    /// The live, enabled DHCP agent hosting the fewest networks (ties: controller order).
    pub(crate) fn pick_dhcp_agent(&self, now: SimTime) -> Option<String> {
        self.least_loaded(DHCP, now, |a| self.networks.values().filter(|n| n.dhcp_agents.contains(&a.id)).count())
    }

    /// The live, enabled L3 agent hosting the fewest routers (ties: controller order).
    pub(crate) fn pick_l3_agent(&self, now: SimTime) -> Option<String> {
        self.least_loaded(L3, now, |a| self.routers.values().filter(|r| r.l3_agent.as_deref() == Some(a.id.as_str())).count())
    }

    fn least_loaded(&self, kind: &str, now: SimTime, load: impl Fn(&Agent) -> usize) -> Option<String> {
        let host_rank = |h: &str| self.controllers.iter().position(|c| c == h).unwrap_or(usize::MAX);
        self.agents_of_type(kind)
            .filter(|a| a.admin_state_up && a.alive(now))
            .min_by_key(|a| (load(a), host_rank(&a.host), a.id.clone()))
            .map(|a| a.id.clone())
    }

    /// `POST /agents/{id}/dhcp-networks`: an enabled DHCP agent takes a network it does not host
    /// yet (and, if it is the network's first, serves it with a DHCP port).
    pub fn add_network_to_dhcp_agent(&mut self, ids: &mut Ids, now: SimTime, agent_id: &str, network_id: &str) -> NResult<()> {
        let agent = self.agent(agent_id)?;
        if agent.agent_type != DHCP || !agent.admin_state_up {
            return Err(NeutronError::conflict(
                "InvalidDHCPAgent",
                format!("Agent {agent_id} is not a valid DHCP Agent or has been disabled"),
            ));
        }
        let net = self.networks.get(network_id).ok_or_else(|| NeutronError::network_not_found(network_id))?;
        if net.dhcp_agents.iter().any(|a| a == agent_id) {
            return Err(NeutronError::conflict(
                "NetworkHostedByDHCPAgent",
                format!("The network {network_id} has been already hosted by the DHCP Agent {agent_id}."),
            ));
        }
        self.networks.get_mut(network_id).expect("checked above").dhcp_agents.push(agent_id.to_string());
        if self.subnets_of(network_id).iter().any(|s| s.enable_dhcp) {
            self.sync_dhcp(ids, now, network_id);
        }
        Ok(())
    }

    /// `DELETE /agents/{id}/dhcp-networks/{network_id}`: the agent stops hosting the network and
    /// its DHCP port there goes.
    pub fn remove_network_from_dhcp_agent(&mut self, agent_id: &str, network_id: &str) -> NResult<()> {
        self.agent(agent_id)?;
        let net = self.networks.get(network_id).ok_or_else(|| NeutronError::network_not_found(network_id))?;
        if !net.dhcp_agents.iter().any(|a| a == agent_id) {
            return Err(NeutronError::conflict(
                "NetworkNotHostedByDhcpAgent",
                format!("The network {network_id} is not hosted by the DHCP agent {agent_id}."),
            ));
        }
        self.networks.get_mut(network_id).expect("checked above").dhcp_agents.retain(|a| a != agent_id);
        let device = format!("dhcp{agent_id}-{network_id}");
        self.ports.retain(|_, p| !(p.network_id == network_id && p.device_owner == OWNER_DHCP && p.device_id == device));
        Ok(())
    }

    pub fn agent(&self, id: &str) -> NResult<&Agent> {
        self.agents.get(id).ok_or_else(|| NeutronError::agent_not_found(id))
    }

    pub fn update_agent(&mut self, id: &str, spec: AgentSpec) -> NResult<()> {
        let a = self.agents.get_mut(id).ok_or_else(|| NeutronError::agent_not_found(id))?;
        if let Some(v) = spec.admin_state_up {
            a.admin_state_up = v;
        }
        if let Some(v) = spec.description {
            a.description = v;
        }
        Ok(())
    }

    /// Deletes an agent's record; the networks and routers it hosted are unscheduled, and its DHCP
    /// ports are kept as `reserved_dhcp_port` for the next agent, as Neutron does.
    pub fn delete_agent(&mut self, id: &str) -> NResult<()> {
        self.agents.remove(id).ok_or_else(|| NeutronError::agent_not_found(id))?;
        let prefix = format!("dhcp{id}-");
        for p in self.ports.values_mut().filter(|p| p.device_owner == OWNER_DHCP && p.device_id.starts_with(&prefix)) {
            p.device_id = "reserved_dhcp_port".into();
        }
        for n in self.networks.values_mut() {
            n.dhcp_agents.retain(|a| a != id);
        }
        for r in self.routers.values_mut() {
            if r.l3_agent.as_deref() == Some(id) {
                r.l3_agent = None;
            }
        }
        Ok(())
    }

    /// The networks a DHCP agent hosts (`GET /agents/{id}/dhcp-networks`).
    pub fn networks_on_agent(&self, id: &str) -> Vec<&Net> {
        self.networks.values().filter(|n| n.dhcp_agents.iter().any(|a| a == id)).collect()
    }

    /// The routers an L3 agent hosts (`GET /agents/{id}/l3-routers`).
    pub fn routers_on_agent(&self, id: &str) -> Vec<&Router> {
        self.routers.values().filter(|r| r.l3_agent.as_deref() == Some(id)).collect()
    }
}
