//! Neutron's state: networks, subnets, ports, floating IPs, routers, security groups and agents,
//! built from the fixture with ids from the seeded RNG. The rules for each resource live next to it
//! (`networks.rs`, `ports.rs`, `l3.rs`, `security.rs`, `agents.rs`); this file holds the types, the
//! visibility rules and the contract other services call (Nova creates, binds and releases ports).

use super::error::{NResult, NeutronError};
use super::ipam::{Cidr, Pool};
use crate::sim::heartbeat::{Heartbeat, Timing};
use crate::sim::SimTime;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

/// The MTU of tunnelled (VXLAN/Geneve) tenant networks on a 1500-byte underlay.
pub const TUNNEL_MTU: u32 = 1442;
/// The MTU of flat and VLAN provider networks.
pub const PHYSICAL_MTU: u32 = 1500;
/// The physical network the external (flat) network lives on, as TripleO names it.
pub const PHYSNET: &str = "datacentre";
/// Neutron's `max_dns_nameservers` and `max_subnet_host_routes`.
pub const MAX_DNS_NAMESERVERS: usize = 5;
pub const MAX_HOST_ROUTES: usize = 20;

pub const OWNER_DHCP: &str = "network:dhcp";
pub const OWNER_ROUTER_INTERFACE: &str = "network:router_interface";
pub const OWNER_ROUTER_GATEWAY: &str = "network:router_gateway";
pub const OWNER_FLOATINGIP: &str = "network:floatingip";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Net {
    pub id: String,
    pub name: String,
    pub project_id: String,
    pub description: String,
    pub admin_state_up: bool,
    pub shared: bool,
    pub external: bool,
    pub mtu: u32,
    pub port_security_enabled: bool,
    pub network_type: String,
    pub physical_network: Option<String>,
    pub segmentation_id: Option<u32>,
    pub availability_zone_hints: Vec<String>,
    /// The DHCP agents hosting the network (dhcp_agent_scheduler).
    pub dhcp_agents: Vec<String>,
    pub tags: BTreeSet<String>,
    pub created_at: SimTime,
    pub updated_at: SimTime,
    pub revision_number: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HostRoute {
    pub destination: String,
    pub nexthop: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Subnet {
    pub id: String,
    pub seq: u64,
    pub name: String,
    pub project_id: String,
    pub network_id: String,
    pub description: String,
    pub cidr: Cidr,
    pub gateway_ip: Option<IpAddr>,
    pub allocation_pools: Vec<Pool>,
    pub enable_dhcp: bool,
    pub dns_nameservers: Vec<String>,
    pub host_routes: Vec<HostRoute>,
    pub service_types: Vec<String>,
    /// IPv6 only: who sends router advertisements and how hosts get addresses (`slaac`,
    /// `dhcpv6-stateful`, `dhcpv6-stateless`), or none.
    #[serde(default)]
    pub ipv6_ra_mode: Option<String>,
    #[serde(default)]
    pub ipv6_address_mode: Option<String>,
    /// The subnet pool the CIDR was allocated from, if any.
    #[serde(default)]
    pub subnetpool_id: Option<String>,
    pub tags: BTreeSet<String>,
    pub created_at: SimTime,
    pub updated_at: SimTime,
    pub revision_number: u64,
}

impl Subnet {
    pub fn ip_version(&self) -> u8 {
        self.cidr.version()
    }

    /// An IPv6 subnet whose hosts form their own addresses (SLAAC or DHCPv6-stateless): Neutron
    /// gives every port on the network its EUI-64 address there, without a pool allocation.
    pub fn auto_address(&self) -> bool {
        auto_address_mode(self.ipv6_ra_mode.as_deref(), self.ipv6_address_mode.as_deref())
    }
}

/// Whether hosts on a subnet with these modes form their own (EUI-64) addresses: the address mode
/// says so, or, without one, the RA mode does.
pub fn auto_address_mode(ra: Option<&str>, address: Option<&str>) -> bool {
    let auto = |m: &str| m == "slaac" || m == "dhcpv6-stateless";
    match address {
        Some(a) => auto(a),
        None => ra.is_some_and(auto),
    }
}

/// A subnet pool: prefixes subnets are carved from, with the prefix lengths it allows.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SubnetPool {
    pub id: String,
    pub name: String,
    pub project_id: String,
    pub description: String,
    /// Compacted: no prefix overlaps or neighbours another it could merge with.
    pub prefixes: Vec<Cidr>,
    pub ip_version: u8,
    pub min_prefixlen: u8,
    pub max_prefixlen: u8,
    pub default_prefixlen: u8,
    pub default_quota: Option<i64>,
    pub shared: bool,
    pub is_default: bool,
    pub address_scope_id: Option<String>,
    pub tags: BTreeSet<String>,
    pub created_at: SimTime,
    pub updated_at: SimTime,
    pub revision_number: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FixedIp {
    pub subnet_id: String,
    pub ip_address: IpAddr,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AddressPair {
    pub ip_address: String,
    pub mac_address: String,
}

/// A metering label: traffic counted per router, by the rules under it (admin only).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MeteringLabel {
    pub id: String,
    pub name: String,
    pub description: String,
    pub project_id: String,
    pub shared: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MeteringRule {
    pub id: String,
    pub metering_label_id: String,
    pub project_id: String,
    pub direction: String,
    pub excluded: bool,
    pub remote_ip_prefix: Option<String>,
    pub source_ip_prefix: Option<String>,
    pub destination_ip_prefix: Option<String>,
}

/// A DHCP option the DHCP agent hands the port (extra_dhcp_opt), per IP version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DhcpOpt {
    pub opt_name: String,
    pub opt_value: String,
    pub ip_version: u8,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Port {
    pub id: String,
    /// Creation order: a server's addresses are listed in the order its ports were made.
    pub seq: u64,
    pub name: String,
    pub network_id: String,
    /// Empty for the ports Neutron owns itself (router gateways, floating IPs).
    pub project_id: String,
    pub description: String,
    pub mac_address: String,
    pub admin_state_up: bool,
    pub status: String,
    pub device_id: String,
    pub device_owner: String,
    pub fixed_ips: Vec<FixedIp>,
    pub allowed_address_pairs: Vec<AddressPair>,
    pub security_groups: Vec<String>,
    pub port_security_enabled: bool,
    pub host_id: String,
    pub vnic_type: String,
    pub vif_type: String,
    pub profile: Map<String, Value>,
    #[serde(default)]
    pub extra_dhcp_opts: Vec<DhcpOpt>,
    pub tags: BTreeSet<String>,
    pub created_at: SimTime,
    pub updated_at: SimTime,
    pub revision_number: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FloatingIp {
    pub id: String,
    pub project_id: String,
    pub description: String,
    pub floating_network_id: String,
    pub floating_ip_address: IpAddr,
    /// The `network:floatingip` port holding the address on the external network.
    pub floating_port_id: String,
    pub port_id: Option<String>,
    pub fixed_ip_address: Option<IpAddr>,
    pub router_id: Option<String>,
    pub status: String,
    pub tags: BTreeSet<String>,
    pub created_at: SimTime,
    pub updated_at: SimTime,
    pub revision_number: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Gateway {
    pub network_id: String,
    pub enable_snat: bool,
    /// The router's `network:router_gateway` port.
    pub port_id: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Router {
    pub id: String,
    pub name: String,
    pub project_id: String,
    pub description: String,
    pub admin_state_up: bool,
    pub status: String,
    pub gateway: Option<Gateway>,
    pub routes: Vec<HostRoute>,
    pub distributed: bool,
    pub ha: bool,
    pub availability_zone_hints: Vec<String>,
    /// The L3 agent hosting the router (l3_agent_scheduler).
    pub l3_agent: Option<String>,
    pub tags: BTreeSet<String>,
    pub created_at: SimTime,
    pub updated_at: SimTime,
    pub revision_number: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    pub project_id: String,
    pub description: String,
    pub stateful: bool,
    pub tags: BTreeSet<String>,
    pub created_at: SimTime,
    pub updated_at: SimTime,
    pub revision_number: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SecurityGroupRule {
    pub id: String,
    pub security_group_id: String,
    pub project_id: String,
    pub description: String,
    pub direction: String,
    pub ethertype: String,
    pub protocol: Option<String>,
    pub port_range_min: Option<u32>,
    pub port_range_max: Option<u32>,
    pub remote_ip_prefix: Option<String>,
    pub normalized_cidr: Option<String>,
    pub remote_group_id: Option<String>,
    pub created_at: SimTime,
    pub updated_at: SimTime,
    pub revision_number: u64,
}

/// Neutron's agents report every 30 s (`report_interval`) and are not alive 75 s after the last
/// report (`agent_down_time`).
pub const NEUTRON_AGENT: Timing = Timing { report_interval_secs: 30, down_time_secs: 75 };

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Agent {
    pub id: String,
    pub agent_type: String,
    pub binary: String,
    pub host: String,
    pub topic: String,
    pub availability_zone: Option<String>,
    pub admin_state_up: bool,
    pub description: Option<String>,
    pub heartbeat: Heartbeat,
    pub started_at: SimTime,
    pub created_at: SimTime,
}

impl Agent {
    pub fn alive(&self, now: SimTime) -> bool {
        self.heartbeat.is_up(now, NEUTRON_AGENT)
    }

    pub fn heartbeat_timestamp(&self, now: SimTime) -> SimTime {
        self.heartbeat.last_report(now, NEUTRON_AGENT)
    }

    /// The first instant after `now` at which this agent's view (its heartbeat or liveness) changes.
    pub fn view_changes_at(&self, now: SimTime) -> Option<SimTime> {
        [self.heartbeat.report_changes_at(now, NEUTRON_AGENT), self.heartbeat.up_changes_at(now, NEUTRON_AGENT)].into_iter().flatten().min()
    }
}

/// Everything Neutron holds. Maps are keyed by id, which is also the order Neutron lists in (its
/// database returns rows in primary-key order).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Network {
    pub networks: BTreeMap<String, Net>,
    pub subnets: BTreeMap<String, Subnet>,
    pub subnet_pools: BTreeMap<String, SubnetPool>,
    pub ports: BTreeMap<String, Port>,
    pub floating_ips: BTreeMap<String, FloatingIp>,
    pub routers: BTreeMap<String, Router>,
    pub security_groups: BTreeMap<String, SecurityGroup>,
    pub security_group_rules: BTreeMap<String, SecurityGroupRule>,
    pub agents: BTreeMap<String, Agent>,
    pub metering_labels: BTreeMap<String, MeteringLabel>,
    pub metering_rules: BTreeMap<String, MeteringRule>,
    /// Controller hosts, in fixture order (they run the DHCP, L3 and metadata agents).
    pub controllers: Vec<String>,
    /// Compute hosts, in fixture order.
    pub compute_hosts: Vec<String>,
    /// Quota limits an admin set, by project and resource (the rest are the defaults).
    pub quotas: BTreeMap<String, BTreeMap<String, i64>>,
    pub next_seq: u64,
}

/// Who is asking: Neutron shows a non-admin its own project's resources, plus shared and external
/// networks (and their subnets); everything else is hidden (404, never 403).
#[derive(Clone, Debug, Default)]
pub struct Viewer {
    pub project_id: Option<String>,
    pub admin: bool,
}

impl Viewer {
    pub fn admin() -> Viewer {
        Viewer { project_id: None, admin: true }
    }

    pub fn project(project_id: &str) -> Viewer {
        Viewer { project_id: Some(project_id.to_string()), admin: false }
    }

    /// Admin, or the resource's own project.
    pub fn owns(&self, project_id: &str) -> bool {
        self.admin || self.project_id.as_deref() == Some(project_id)
    }
}

/// A floating IP that was just associated and waits for the L3 agent to wire it (DOWN, then ACTIVE
/// a few seconds later through a scheduled event).
#[derive(Clone, Debug, PartialEq)]
pub struct PendingActivation {
    pub floating_ip_id: String,
    pub port_id: String,
}

impl PendingActivation {
    /// The L3 agent wires a newly associated floating IP a few seconds later: 2-5 s, by `jitter`
    /// (a seeded fraction in [0, 1)).
    pub fn delay(jitter: f64) -> chrono::Duration {
        chrono::Duration::milliseconds(2000 + (jitter * 3000.0) as i64)
    }
}

impl Network {
    // ---- lookups and visibility ----

    pub(crate) fn seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    pub fn network_named(&self, name: &str) -> Option<&Net> {
        self.networks.values().find(|n| n.name == name)
    }

    pub fn network_visible(&self, v: &Viewer, n: &Net) -> bool {
        v.owns(&n.project_id) || n.shared || n.external
    }

    pub fn subnet_visible(&self, v: &Viewer, s: &Subnet) -> bool {
        v.owns(&s.project_id) || self.networks.get(&s.network_id).is_some_and(|n| self.network_visible(v, n))
    }

    /// A port is visible to its project and to the owner of its network.
    pub fn port_visible(&self, v: &Viewer, p: &Port) -> bool {
        v.owns(&p.project_id) || self.networks.get(&p.network_id).is_some_and(|n| v.owns(&n.project_id))
    }

    /// A subnet pool is visible to its project, and to everyone when shared.
    pub fn subnet_pool_visible(&self, v: &Viewer, p: &SubnetPool) -> bool {
        v.owns(&p.project_id) || p.shared
    }

    pub fn subnet_pool_for(&self, v: &Viewer, id: &str) -> NResult<&SubnetPool> {
        self.subnet_pools.get(id).filter(|p| self.subnet_pool_visible(v, p)).ok_or_else(|| NeutronError::subnet_pool_not_found(id))
    }

    pub fn rule_visible(&self, v: &Viewer, r: &SecurityGroupRule) -> bool {
        v.owns(&r.project_id) || self.security_groups.get(&r.security_group_id).is_some_and(|g| v.owns(&g.project_id))
    }

    pub fn network_for(&self, v: &Viewer, id: &str) -> NResult<&Net> {
        self.networks.get(id).filter(|n| self.network_visible(v, n)).ok_or_else(|| NeutronError::network_not_found(id))
    }

    pub fn subnet_for(&self, v: &Viewer, id: &str) -> NResult<&Subnet> {
        self.subnets.get(id).filter(|s| self.subnet_visible(v, s)).ok_or_else(|| NeutronError::subnet_not_found(id))
    }

    pub fn port_for(&self, v: &Viewer, id: &str) -> NResult<&Port> {
        self.ports.get(id).filter(|p| self.port_visible(v, p)).ok_or_else(|| NeutronError::port_not_found(id))
    }

    pub fn floating_ip_for(&self, v: &Viewer, id: &str) -> NResult<&FloatingIp> {
        self.floating_ips.get(id).filter(|f| v.owns(&f.project_id)).ok_or_else(|| NeutronError::floating_ip_not_found(id))
    }

    pub fn router_for(&self, v: &Viewer, id: &str) -> NResult<&Router> {
        self.routers.get(id).filter(|r| v.owns(&r.project_id)).ok_or_else(|| NeutronError::router_not_found(id))
    }

    pub fn security_group_for(&self, v: &Viewer, id: &str) -> NResult<&SecurityGroup> {
        self.security_groups.get(id).filter(|g| v.owns(&g.project_id)).ok_or_else(|| NeutronError::security_group_not_found(id))
    }

    pub fn rule_for(&self, v: &Viewer, id: &str) -> NResult<&SecurityGroupRule> {
        self.security_group_rules.get(id).filter(|r| self.rule_visible(v, r)).ok_or_else(|| NeutronError::rule_not_found(id))
    }

    /// A network's subnets in creation order.
    pub fn subnets_of(&self, network_id: &str) -> Vec<&Subnet> {
        let mut subs: Vec<&Subnet> = self.subnets.values().filter(|s| s.network_id == network_id).collect();
        subs.sort_by_key(|s| s.seq);
        subs
    }

    pub fn ports_of(&self, network_id: &str) -> impl Iterator<Item = &Port> + '_ {
        let network_id = network_id.to_string();
        self.ports.values().filter(move |p| p.network_id == network_id)
    }

    /// Addresses allocated on a subnet (any port's fixed IP there).
    pub fn used_addresses(&self, subnet_id: &str) -> BTreeSet<u128> {
        self.ports
            .values()
            .flat_map(|p| &p.fixed_ips)
            .filter(|ip| ip.subnet_id == subnet_id)
            .map(|ip| super::ipam::num(ip.ip_address))
            .collect()
    }

    /// The port holding `ip` on a subnet, if any.
    pub fn port_with_address(&self, subnet_id: &str, ip: IpAddr) -> Option<&Port> {
        self.ports.values().find(|p| p.fixed_ips.iter().any(|f| f.subnet_id == subnet_id && f.ip_address == ip))
    }

    pub fn default_security_group(&self, project_id: &str) -> Option<&SecurityGroup> {
        self.security_groups.values().find(|g| g.project_id == project_id && g.name == "default")
    }

    /// The router interfaces (ports) of a router.
    pub fn interfaces_of(&self, router_id: &str) -> Vec<&Port> {
        let mut ps: Vec<&Port> =
            self.ports.values().filter(|p| p.device_id == router_id && p.device_owner == OWNER_ROUTER_INTERFACE).collect();
        ps.sort_by_key(|p| p.seq);
        ps
    }
}

/// Bumps a resource's revision and update time, as every Neutron write does.
pub(crate) fn touch(updated_at: &mut SimTime, revision: &mut u64, now: SimTime) {
    *updated_at = now;
    *revision += 1;
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use crate::identity::Identity;
    use crate::sim::Ids;
    use chrono::TimeZone;
    use serde_json::json;

    pub(crate) fn start() -> SimTime {
        chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
    }

    pub(crate) fn default_cloud() -> (Network, Identity, Ids) {
        let f = Fixture::default_cloud();
        let mut ids = Ids::new(7);
        let idn = Identity::from_fixture(&f, &mut ids).unwrap();
        let n = Network::from_fixture(&f, &idn, &mut ids, start()).unwrap();
        (n, idn, ids)
    }

    fn project(idn: &Identity, name: &str) -> String {
        idn.project_named(name).unwrap().id.clone()
    }

    #[test]
    fn the_fixture_builds_networks_subnets_routers_and_default_groups() {
        let (n, idn, _) = default_cloud();
        assert_eq!(n.networks.len(), 5);
        let public = n.network_named("public").unwrap();
        assert!(public.external);
        assert_eq!(public.network_type, "flat");
        assert_eq!(public.mtu, PHYSICAL_MTU);
        let private = n.network_named("private").unwrap();
        assert_eq!(private.mtu, TUNNEL_MTU);
        assert_eq!(private.network_type, "vxlan");
        let sub = n.subnets_of(&private.id)[0];
        assert_eq!(sub.gateway_ip, Some("10.0.0.1".parse().unwrap()));
        assert_eq!(sub.allocation_pools[0].to_string(), "10.0.0.2-10.0.0.254");
        // The router interface holds the gateway address and the DHCP port the next one.
        let router = n.routers.values().find(|r| r.name == "demo-router").unwrap();
        let iface = n.interfaces_of(&router.id);
        assert_eq!(iface.len(), 1);
        assert_eq!(iface[0].fixed_ips[0].ip_address.to_string(), "10.0.0.1");
        let dhcp = n.ports_of(&private.id).find(|p| p.device_owner == OWNER_DHCP).unwrap();
        assert_eq!(dhcp.fixed_ips[0].ip_address.to_string(), "10.0.0.2");
        // Router gateways take the first addresses of the public pool.
        let gw = n.ports.get(&router.gateway.as_ref().unwrap().port_id).unwrap();
        assert_eq!(gw.fixed_ips[0].ip_address.to_string(), "172.24.4.10");
        assert_eq!(gw.project_id, "");
        for p in &idn.projects {
            let g = n.default_security_group(&p.id).unwrap();
            assert_eq!(n.security_group_rules.values().filter(|r| r.security_group_id == g.id).count(), 4);
        }
        assert!(n.agents.len() >= 3 * 4 + 3);
    }

    #[test]
    fn server_ports_get_the_lowest_free_address_and_show_in_addresses() {
        let (mut n, idn, mut ids) = default_cloud();
        let demo = project(&idn, "demo");
        let net = n.usable_network("private", &demo, false).unwrap();
        let p1 = n.create_server_port(&mut ids, start(), &net, &demo, "server-1", "nova").unwrap();
        let p2 = n.create_server_port(&mut ids, start(), &net, &demo, "server-2", "nova").unwrap();
        assert_eq!(n.ports[&p1].fixed_ips[0].ip_address.to_string(), "10.0.0.3");
        assert_eq!(n.ports[&p2].fixed_ips[0].ip_address.to_string(), "10.0.0.4");
        assert_eq!(n.ports[&p1].status, "DOWN");
        assert_eq!(n.ports[&p1].device_owner, "compute:nova");
        let sg = n.default_security_group(&demo).unwrap().id.clone();
        assert_eq!(n.ports[&p1].security_groups, vec![sg]);
        assert!(n.bind_device("server-1", "compute-0", start()).is_empty());
        assert_eq!(n.ports[&p1].host_id, "compute-0");
        assert_eq!(n.ports[&p1].status, "ACTIVE");
        assert_eq!(n.ports[&p1].vif_type, "ovs");
        let fip = n.float_device(&mut ids, start(), "public", &demo, "server-1").unwrap();
        assert_eq!(n.floating_ips[&fip].status, "ACTIVE");
        let addrs = n.server_addresses("server-1");
        let list = addrs["private"].as_array().unwrap();
        assert_eq!(list[0]["addr"], "10.0.0.3");
        assert_eq!(list[0]["OS-EXT-IPS:type"], "fixed");
        assert_eq!(list[1]["addr"], "172.24.4.12");
        assert_eq!(list[1]["OS-EXT-IPS:type"], "floating");
        assert_eq!(list[1]["OS-EXT-IPS-MAC:mac_addr"], n.ports[&p1].mac_address.as_str());
        n.release_device("server-1");
        assert!(!n.ports.contains_key(&p1));
        assert_eq!(n.floating_ips[&fip].status, "DOWN");
        assert_eq!(n.floating_ips[&fip].port_id, None);
        assert_eq!(n.server_addresses("server-1"), json!({}));
    }

    #[test]
    fn usable_and_auto_networks_follow_ownership() {
        let (n, idn, _) = default_cloud();
        let demo = project(&idn, "demo");
        let alt = project(&idn, "alt_demo");
        assert!(n.usable_network("private", &demo, false).is_some());
        assert!(n.usable_network("private", &alt, false).is_none());
        assert!(n.usable_network("private", &alt, true).is_some());
        assert!(n.usable_network("public", &demo, false).is_none(), "external, not shared");
        assert_eq!(n.auto_network(&demo), n.usable_network("private", &demo, false));
        assert_eq!(n.auto_network(&project(&idn, "admin")), None);
    }

    #[test]
    fn exhaustion_is_neutrons_message() {
        let yaml = r#"
projects: [{name: p, domain: Default}]
domains: [{id: default, name: Default}]
networks:
  - name: tiny
    project: p
    subnets: [{name: tiny-subnet, cidr: 10.9.0.0/29}]
"#;
        let f = Fixture::parse(yaml).unwrap();
        let mut ids = Ids::new(1);
        let idn = Identity::from_fixture(&f, &mut ids).unwrap();
        let mut n = Network::from_fixture(&f, &idn, &mut ids, start()).unwrap();
        let p = project(&idn, "p");
        let net = n.network_named("tiny").unwrap().id.clone();
        // /29: .1 gateway, .2-.6 in the pool, no DHCP agent in this fixture so five addresses.
        for i in 0..5 {
            n.create_server_port(&mut ids, start(), &net, &p, &format!("s{i}"), "nova").unwrap();
        }
        let err = n.create_server_port(&mut ids, start(), &net, &p, "s5", "nova").unwrap_err();
        assert_eq!(err, format!("No more IP addresses available on network {net}."));
    }

    #[test]
    fn agents_go_down_after_the_agent_down_time() {
        let (mut n, _, _) = default_cloud();
        let t0 = start();
        n.set_host_agents_alive("compute-1", false, t0);
        let agent = n.agents.values().find(|a| a.host == "compute-1").unwrap().clone();
        assert!(agent.alive(t0 + chrono::Duration::seconds(74)));
        assert!(!agent.alive(t0 + chrono::Duration::seconds(76)));
        n.set_host_agents_alive("compute-1", true, t0 + chrono::Duration::seconds(100));
        let agent = n.agents.values().find(|a| a.host == "compute-1").unwrap();
        assert!(agent.alive(t0 + chrono::Duration::seconds(100)));
        assert_eq!(agent.started_at, t0 + chrono::Duration::seconds(100));
    }
}
