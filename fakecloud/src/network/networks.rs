//! Networks and subnets: segmentation, MTU, sharing, subnet address plans (gateway, allocation
//! pools, DNS, host routes), DHCP scheduling, and the in-use rules for deletes.

use super::error::{NResult, NeutronError};
use super::ipam::{self, Cidr, Pool, PoolError};
use super::model::*;
use crate::sim::{Ids, SimTime};
use serde::Deserialize;
use std::net::IpAddr;

/// The availability zones agents report (Neutron's `default_availability_zone`).
pub const AVAILABILITY_ZONES: [&str; 1] = ["nova"];

/// A network create or update, as the API validated it. `None` means "not given".
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NetworkSpec {
    pub name: Option<String>,
    pub description: Option<String>,
    pub admin_state_up: Option<bool>,
    pub shared: Option<bool>,
    #[serde(rename = "router:external")]
    pub external: Option<bool>,
    pub mtu: Option<u32>,
    pub port_security_enabled: Option<bool>,
    #[serde(rename = "provider:network_type")]
    pub network_type: Option<String>,
    #[serde(rename = "provider:physical_network", deserialize_with = "super::request::nullable")]
    pub physical_network: Option<Option<String>>,
    #[serde(rename = "provider:segmentation_id")]
    pub segmentation_id: Option<u32>,
    pub availability_zone_hints: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct PoolSpec {
    pub start: String,
    pub end: String,
}

/// A subnet create or update, as the API validated it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SubnetSpec {
    /// A fixed id (fixtures only).
    #[serde(skip)]
    pub subnet_id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub network_id: String,
    /// Absent when the CIDR comes from a subnet pool.
    pub cidr: Option<String>,
    pub ip_version: Option<u32>,
    #[serde(deserialize_with = "super::request::nullable")]
    pub subnetpool_id: Option<Option<String>>,
    pub use_default_subnetpool: Option<bool>,
    pub prefixlen: Option<u32>,
    #[serde(deserialize_with = "super::request::nullable")]
    pub gateway_ip: Option<Option<String>>,
    #[serde(deserialize_with = "pools")]
    pub allocation_pools: Option<Vec<(String, String)>>,
    pub enable_dhcp: Option<bool>,
    pub dns_nameservers: Option<Vec<String>>,
    pub host_routes: Option<Vec<HostRoute>>,
    pub service_types: Option<Vec<String>>,
    pub ipv6_ra_mode: Option<String>,
    pub ipv6_address_mode: Option<String>,
    pub tags: Option<Vec<String>>,
}

fn pools<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<(String, String)>>, D::Error> {
    let v: Option<Vec<PoolSpec>> = Option::deserialize(d)?;
    Ok(v.map(|ps| ps.into_iter().map(|p| (p.start, p.end)).collect()))
}

fn max_mtu(network_type: &str) -> u32 {
    match network_type {
        "vxlan" | "geneve" => TUNNEL_MTU,
        _ => PHYSICAL_MTU,
    }
}

/// What a subnet here cannot have: a segment (there are none, so the id is not found).
pub fn check_subnet_options(attrs: &serde_json::Map<String, serde_json::Value>) -> NResult<()> {
    if let Some(id) = attrs.get("segment_id").and_then(serde_json::Value::as_str) {
        return Err(NeutronError::not_found("SegmentNotFound", format!("Segment {id} could not be found.")));
    }
    Ok(())
}

/// Neutron's `_validate_ip_version`: an address of the other IP version than the subnet's.
fn check_version(version: u8, name: &str, text: &str, actual: u8) -> NResult<()> {
    if actual != version {
        return Err(NeutronError::invalid_input(format!("{name} '{text}' does not match the ip_version '{version}'")));
    }
    Ok(())
}

/// Neutron's `_validate_ipv6_attributes`: the modes need DHCP on, must agree when both are given,
/// and a subnet whose hosts form EUI-64 addresses must be a /64.
fn check_ipv6_modes(cidr: &Cidr, ra: Option<&str>, address: Option<&str>, enable_dhcp: bool) -> NResult<()> {
    if ra.is_none() && address.is_none() {
        return Ok(());
    }
    if !cidr.v6() {
        let (attr, mode) = if let Some(m) = ra { ("ipv6_ra_mode", m) } else { ("ipv6_address_mode", address.unwrap_or_default()) };
        return Err(NeutronError::invalid_input(format!("{attr} set to '{mode}' with ip_version set to '4' is not valid")));
    }
    if !enable_dhcp {
        return Err(NeutronError::invalid_input("ipv6_ra_mode or ipv6_address_mode cannot be set when enable_dhcp is set to False."));
    }
    if let (Some(r), Some(a)) = (ra, address) {
        if r != a {
            return Err(NeutronError::invalid_input(format!(
                "ipv6_ra_mode set to '{r}' with ipv6_address_mode set to '{a}' is not valid. If both attributes are set, they must be the same value"
            )));
        }
    }
    if auto_address_mode(ra, address) && cidr.prefix() != 64 {
        return Err(NeutronError::invalid_input(format!(
            "Invalid CIDR {cidr} for IPv6 address mode. OpenStack uses the EUI-64 address format, which requires the prefix to be /64"
        )));
    }
    Ok(())
}

impl Network {
    /// A tenant network as the fixture describes it (no validation beyond the fixture's own).
    pub(crate) fn insert_network(&mut self, id: String, name: &str, project_id: &str, shared: bool, external: bool, now: SimTime) {
        let (network_type, physical_network, segmentation_id) = if external {
            ("flat".to_string(), Some(PHYSNET.to_string()), None)
        } else {
            ("vxlan".to_string(), None, Some(self.free_vni()))
        };
        let mtu = max_mtu(&network_type);
        self.networks.insert(
            id.clone(),
            Net {
                id,
                name: name.to_string(),
                project_id: project_id.to_string(),
                description: String::new(),
                admin_state_up: true,
                shared,
                external,
                mtu,
                port_security_enabled: true,
                network_type,
                physical_network,
                segmentation_id,
                availability_zone_hints: vec![],
                dhcp_agents: vec![],
                tags: Default::default(),
                created_at: now,
                updated_at: now,
                revision_number: 1,
            },
        );
    }

    /// The lowest VXLAN VNI no network uses.
    fn free_vni(&self) -> u32 {
        let used: std::collections::BTreeSet<u32> =
            self.networks.values().filter(|n| n.network_type == "vxlan").filter_map(|n| n.segmentation_id).collect();
        (1..).find(|v| !used.contains(v)).unwrap_or(1)
    }

    fn free_vlan(&self, physnet: &str) -> Option<u32> {
        let used: std::collections::BTreeSet<u32> = self
            .networks
            .values()
            .filter(|n| n.network_type == "vlan" && n.physical_network.as_deref() == Some(physnet))
            .filter_map(|n| n.segmentation_id)
            .collect();
        (1..=4094).find(|v| !used.contains(v))
    }

    /// ML2's provider attribute checks and segment allocation.
    fn segment(&self, spec: &NetworkSpec) -> NResult<(String, Option<String>, Option<u32>)> {
        let physnet = spec.physical_network.clone().flatten();
        let Some(kind) = spec.network_type.clone() else {
            if physnet.is_some() || spec.segmentation_id.is_some() {
                return Err(NeutronError::invalid_input("provider:network_type required"));
            }
            return Ok(("vxlan".into(), None, Some(self.free_vni())));
        };
        match kind.as_str() {
            "flat" => {
                let p =
                    physnet.ok_or_else(|| NeutronError::invalid_input("provider:physical_network required for flat provider network"))?;
                if p != PHYSNET {
                    return Err(NeutronError::invalid_input(format!("physical_network '{p}' unknown for flat provider network")));
                }
                if spec.segmentation_id.is_some() {
                    return Err(NeutronError::invalid_input("provider:segmentation_id specified for flat provider network"));
                }
                if self.networks.values().any(|n| n.network_type == "flat" && n.physical_network.as_deref() == Some(&p)) {
                    return Err(NeutronError::conflict(
                        "FlatNetworkInUse",
                        format!("Unable to create the flat network. Physical network {p} is in use."),
                    ));
                }
                Ok((kind, Some(p), None))
            }
            "vlan" => {
                let p =
                    physnet.ok_or_else(|| NeutronError::invalid_input("provider:physical_network required for VLAN provider network"))?;
                if p != PHYSNET {
                    return Err(NeutronError::invalid_input(format!("physical_network '{p}' unknown for VLAN provider network")));
                }
                let vlan = match spec.segmentation_id {
                    Some(v) if !(1..=4094).contains(&v) => {
                        return Err(NeutronError::invalid_input("provider:segmentation_id out of range (1 through 4094)"))
                    }
                    Some(v) => v,
                    None => self.free_vlan(&p).ok_or_else(|| {
                        NeutronError::conflict(
                            "NoNetworkAvailable",
                            "Unable to create the network. No tenant network is available for allocation.",
                        )
                    })?,
                };
                if self.networks.values().any(|n| n.network_type == "vlan" && n.segmentation_id == Some(vlan)) {
                    return Err(NeutronError::conflict(
                        "VlanIdInUse",
                        format!("Unable to create the network. The VLAN {vlan} on physical network {p} is in use."),
                    ));
                }
                Ok((kind, Some(p), Some(vlan)))
            }
            "vxlan" | "geneve" => {
                if physnet.is_some() {
                    return Err(NeutronError::invalid_input(format!("provider:physical_network specified for {kind} network")));
                }
                let vni = match spec.segmentation_id {
                    Some(v) if !(1..=16_777_215).contains(&v) => {
                        return Err(NeutronError::invalid_input(format!("{kind} network segmentation_id {v} out of range")))
                    }
                    Some(v) => v,
                    None => self.free_vni(),
                };
                if self.networks.values().any(|n| n.network_type == kind && n.segmentation_id == Some(vni)) {
                    return Err(NeutronError::conflict(
                        "TunnelIdInUse",
                        format!("Unable to create the network. The tunnel ID {vni} is in use."),
                    ));
                }
                Ok((kind, None, Some(vni)))
            }
            "local" => Ok((kind, None, None)),
            other => Err(NeutronError::invalid_input(format!("network_type value '{other}' not supported"))),
        }
    }

    fn check_az_hints(hints: &[String]) -> NResult<()> {
        for h in hints {
            if !AVAILABILITY_ZONES.contains(&h.as_str()) {
                return Err(NeutronError::not_found("AvailabilityZoneNotFound", format!("AvailabilityZone {h} could not be found.")));
            }
        }
        Ok(())
    }

    pub fn create_network(&mut self, ids: &mut Ids, now: SimTime, project_id: &str, spec: NetworkSpec) -> NResult<String> {
        let (network_type, physical_network, segmentation_id) = self.segment(&spec)?;
        let max = max_mtu(&network_type);
        let mtu = spec.mtu.unwrap_or(max);
        if mtu > max {
            return Err(NeutronError::invalid_input(format!("Requested MTU is too big, maximum is {max}")));
        }
        let hints = spec.availability_zone_hints.clone().unwrap_or_default();
        Self::check_az_hints(&hints)?;
        let id = ids.uuid();
        self.networks.insert(
            id.clone(),
            Net {
                id: id.clone(),
                name: spec.name.unwrap_or_default(),
                project_id: project_id.to_string(),
                description: spec.description.unwrap_or_default(),
                admin_state_up: spec.admin_state_up.unwrap_or(true),
                shared: spec.shared.unwrap_or(false),
                external: spec.external.unwrap_or(false),
                mtu,
                port_security_enabled: spec.port_security_enabled.unwrap_or(true),
                network_type,
                physical_network,
                segmentation_id,
                availability_zone_hints: hints,
                dhcp_agents: vec![],
                tags: spec.tags.unwrap_or_default().into_iter().collect(),
                created_at: now,
                updated_at: now,
                revision_number: 1,
            },
        );
        Ok(id)
    }

    pub fn update_network(&mut self, now: SimTime, id: &str, spec: NetworkSpec) -> NResult<()> {
        let net = self.networks.get(id).ok_or_else(|| NeutronError::network_not_found(id))?;
        if spec.shared == Some(false) && net.shared && self.ports_of(id).any(|p| p.project_id != net.project_id && !p.project_id.is_empty())
        {
            return Err(NeutronError::conflict(
                "InvalidSharedSetting",
                format!("Unable to reconfigure sharing settings for network {id}. Multiple tenants are using it."),
            ));
        }
        if spec.external == Some(false) && net.external && self.ports_of(id).any(|p| p.device_owner == OWNER_ROUTER_GATEWAY) {
            return Err(NeutronError::conflict(
                "ExternalNetworkInUse",
                format!("External network {id} cannot be updated to be made non-external, since it has existing gateway ports."),
            ));
        }
        if let Some(mtu) = spec.mtu {
            let max = max_mtu(&net.network_type);
            if mtu > max {
                return Err(NeutronError::invalid_input(format!("Requested MTU is too big, maximum is {max}")));
            }
        }
        let net = self.networks.get_mut(id).expect("checked above");
        if let Some(v) = spec.name {
            net.name = v;
        }
        if let Some(v) = spec.description {
            net.description = v;
        }
        if let Some(v) = spec.admin_state_up {
            net.admin_state_up = v;
        }
        if let Some(v) = spec.shared {
            net.shared = v;
        }
        if let Some(v) = spec.external {
            net.external = v;
        }
        if let Some(v) = spec.mtu {
            net.mtu = v;
        }
        if let Some(v) = spec.port_security_enabled {
            net.port_security_enabled = v;
        }
        touch(&mut net.updated_at, &mut net.revision_number, now);
        Ok(())
    }

    /// Neutron deletes the ports it made itself for the network (DHCP); any other port makes the
    /// network in use.
    pub fn delete_network(&mut self, id: &str) -> NResult<()> {
        if !self.networks.contains_key(id) {
            return Err(NeutronError::network_not_found(id));
        }
        // Floating IPs that no port uses go with their external network; an associated one (or any
        // other port) keeps the network in use.
        let idle_fips: Vec<String> =
            self.floating_ips.values().filter(|f| f.floating_network_id == id && f.port_id.is_none()).map(|f| f.id.clone()).collect();
        let idle_ports: Vec<String> = idle_fips.iter().map(|f| self.floating_ips[f].floating_port_id.clone()).collect();
        if self.ports_of(id).any(|p| p.device_owner != OWNER_DHCP && !idle_ports.contains(&p.id)) {
            return Err(NeutronError::conflict(
                "NetworkInUse",
                format!("Unable to complete operation on network {id}. There are one or more ports still in use on the network."),
            ));
        }
        for f in &idle_fips {
            self.floating_ips.remove(f);
        }
        self.ports.retain(|_, p| p.network_id != id);
        self.subnets.retain(|_, s| s.network_id != id);
        self.networks.remove(id);
        Ok(())
    }

    // ---- subnets ----

    fn parse_gateway(cidr: &Cidr, given: Option<Option<String>>) -> NResult<Option<IpAddr>> {
        match given {
            None => Ok(cidr.default_gateway()),
            Some(None) => Ok(None),
            Some(Some(text)) => {
                let ip = ipam::parse_ip(&text)
                    .ok_or_else(|| NeutronError::invalid_attr("gateway_ip", format!("'{text}' is not a valid IP address")))?;
                check_version(cidr.version(), "gateway_ip", &text, ipam::version(ip))?;
                // Only IPv4 reserves the network and broadcast addresses from being a gateway.
                if !cidr.v6() && cidr.contains(ip) && cidr.is_reserved(ip) {
                    return Err(NeutronError::invalid_input("Gateway is not valid on subnet"));
                }
                Ok(Some(ip))
            }
        }
    }

    fn parse_pools(cidr: &Cidr, given: &[(String, String)], gateway: Option<IpAddr>) -> NResult<Vec<Pool>> {
        let mut pools = vec![];
        for (a, b) in given {
            match (ipam::parse_ip(a), ipam::parse_ip(b)) {
                (Some(start), Some(end)) => pools.push(Pool { start, end }),
                _ => return Err(NeutronError::new(400, "InvalidAllocationPool", format!("The allocation pool {a}-{b} is not valid."))),
            }
        }
        ipam::validate_pools(cidr, &pools, gateway).map_err(|e| match e {
            PoolError::Invalid(m) => NeutronError::new(400, "InvalidAllocationPool", m),
            PoolError::OutOfBounds(m) => NeutronError::new(400, "OutOfBoundsAllocationPool", m),
            PoolError::Overlapping(m) => NeutronError::conflict("OverlappingAllocationPools", m),
            PoolError::GatewayConflict(m) => NeutronError::conflict("GatewayConflictWithAllocationPools", m),
        })?;
        Ok(pools)
    }

    fn check_dns_and_routes(subnet_id: &str, dns: Option<&Vec<String>>, routes: Option<&Vec<HostRoute>>) -> NResult<()> {
        if let Some(d) = dns {
            if d.len() > MAX_DNS_NAMESERVERS {
                return Err(NeutronError::new(
                    400,
                    "DNSNameServersExhausted",
                    format!("Unable to complete operation for {subnet_id}. The number of DNS nameservers exceeds the limit {MAX_DNS_NAMESERVERS}."),
                ));
            }
        }
        if let Some(r) = routes {
            if r.len() > MAX_HOST_ROUTES {
                return Err(NeutronError::new(
                    400,
                    "HostRoutesExhausted",
                    format!("Unable to complete operation for {subnet_id}. The number of host routes exceeds the limit {MAX_HOST_ROUTES}."),
                ));
            }
        }
        Ok(())
    }

    /// Creates a subnet on a network (the caller has checked the network is visible and the policy).
    pub fn create_subnet_on(
        &mut self,
        ids: &mut Ids,
        now: SimTime,
        network_id: &str,
        project_id: &str,
        spec: SubnetSpec,
    ) -> NResult<String> {
        if !self.networks.contains_key(network_id) {
            return Err(NeutronError::network_not_found(network_id));
        }
        let version = spec.ip_version.unwrap_or(4) as u8;
        let asked = match &spec.cidr {
            Some(text) => {
                let c = Cidr::parse(text).map_err(|reason| NeutronError::invalid_attr("cidr", reason))?;
                check_version(version, "cidr", text, c.version())?;
                Some(c)
            }
            None => None,
        };
        let pool_id = self.pool_for_subnet(&spec, version)?;
        let cidr = match (&pool_id, asked) {
            (Some(pool), asked) => {
                if asked.is_none() && spec.allocation_pools.is_some() {
                    return Err(NeutronError::bad_resource_request(
                        "subnets",
                        "allocation_pools allowed only for specific subnet requests.",
                    ));
                }
                let pool_version = self.subnet_pools.get(pool).map(|p| p.ip_version).unwrap_or(version);
                if pool_version != version {
                    return Err(NeutronError::bad_resource_request(
                        "subnets",
                        format!("Cannot allocate IPv{version} subnet from IPv{pool_version} subnet pool"),
                    ));
                }
                self.allocate_from_pool(pool, project_id, asked, spec.prefixlen)?
            }
            (None, Some(c)) => c,
            (None, None) => {
                return Err(NeutronError::bad_resource_request("subnets", "a subnetpool must be specified in the absence of a cidr"));
            }
        };
        if version == 4 && (cidr.prefix() == 0 || cidr.prefix() > 30) {
            return Err(NeutronError::invalid_input(format!(
                "Invalid CIDR {cidr} for IPv4 subnet: the prefix length must be between 1 and 30"
            )));
        }
        if version == 6 && (cidr.prefix() == 0 || cidr.prefix() > 127) {
            return Err(NeutronError::invalid_input(format!(
                "Invalid CIDR {cidr} for IPv6 subnet: the prefix length must be between 1 and 127"
            )));
        }
        let enable_dhcp = spec.enable_dhcp.unwrap_or(true);
        check_ipv6_modes(&cidr, spec.ipv6_ra_mode.as_deref(), spec.ipv6_address_mode.as_deref(), enable_dhcp)?;
        if let Some(other) = self.subnets_of(network_id).into_iter().find(|s| s.cidr.overlaps(&cidr)) {
            let _ = other;
            return Err(NeutronError::invalid_input(format!(
                "Requested subnet with cidr: {cidr} for network: {network_id} overlaps with another subnet"
            )));
        }
        Self::check_versions(version, spec.gateway_ip.as_ref(), spec.dns_nameservers.as_ref(), spec.host_routes.as_ref())?;
        let gateway = Self::parse_gateway(&cidr, spec.gateway_ip.clone())?;
        let pools = match &spec.allocation_pools {
            Some(given) => Self::parse_pools(&cidr, given, gateway)?,
            None => cidr.default_pools(gateway),
        };
        let id = spec.subnet_id.clone().unwrap_or_else(|| ids.uuid());
        Self::check_dns_and_routes(&id, spec.dns_nameservers.as_ref(), spec.host_routes.as_ref())?;
        let seq = self.seq();
        self.subnets.insert(
            id.clone(),
            Subnet {
                id: id.clone(),
                seq,
                name: spec.name.unwrap_or_default(),
                project_id: project_id.to_string(),
                network_id: network_id.to_string(),
                description: spec.description.unwrap_or_default(),
                cidr,
                gateway_ip: gateway,
                allocation_pools: pools,
                enable_dhcp,
                ipv6_ra_mode: spec.ipv6_ra_mode.clone(),
                ipv6_address_mode: spec.ipv6_address_mode.clone(),
                subnetpool_id: pool_id,
                dns_nameservers: spec.dns_nameservers.unwrap_or_default(),
                host_routes: spec.host_routes.unwrap_or_default(),
                service_types: spec.service_types.unwrap_or_default(),
                tags: spec.tags.unwrap_or_default().into_iter().collect(),
                created_at: now,
                updated_at: now,
                revision_number: 0,
            },
        );
        if let Some(net) = self.networks.get_mut(network_id) {
            touch(&mut net.updated_at, &mut net.revision_number, now);
        }
        self.add_auto_addresses(now, &id);
        self.sync_dhcp(ids, now, network_id);
        Ok(id)
    }

    /// The subnet pool a subnet request draws from: the one named, or the default pool of its IP
    /// version when asked for (the caller has checked that a named pool is visible).
    fn pool_for_subnet(&self, spec: &SubnetSpec, version: u8) -> NResult<Option<String>> {
        if spec.cidr.is_some() && spec.prefixlen.is_some() {
            return Err(NeutronError::bad_resource_request("subnets", "cidr and prefixlen must not be supplied together"));
        }
        let named = spec.subnetpool_id.clone().flatten();
        let use_default = spec.use_default_subnetpool.unwrap_or(false);
        if use_default && named.is_some() {
            return Err(NeutronError::bad_resource_request("subnets", "subnetpool_id and use_default_subnetpool cannot both be specified"));
        }
        if let Some(id) = named {
            if !self.subnet_pools.contains_key(&id) {
                return Err(NeutronError::subnet_pool_not_found(&id));
            }
            return Ok(Some(id));
        }
        if !use_default {
            return Ok(None);
        }
        match self.default_subnet_pool(version) {
            Some(p) => Ok(Some(p.id.clone())),
            None => Err(NeutronError::bad_resource_request("subnets", format!("No default subnetpool found for IPv{version}"))),
        }
    }

    /// A new SLAAC or DHCPv6-stateless subnet: every port already on the network (but the router
    /// interfaces, whose addresses are their subnets' gateways) gets its EUI-64 address there.
    fn add_auto_addresses(&mut self, now: SimTime, subnet_id: &str) {
        let sub = self.subnets[subnet_id].clone();
        if !sub.auto_address() {
            return;
        }
        for p in self.ports.values_mut().filter(|p| p.network_id == sub.network_id && p.device_owner != OWNER_ROUTER_INTERFACE) {
            if let Some(ip) = sub.cidr.eui64(&p.mac_address) {
                p.fixed_ips.push(FixedIp { subnet_id: sub.id.clone(), ip_address: ip });
                touch(&mut p.updated_at, &mut p.revision_number, now);
            }
        }
    }

    /// Every address a subnet request names must be of the subnet's IP version.
    fn check_versions(
        version: u8,
        gateway: Option<&Option<String>>,
        dns: Option<&Vec<String>>,
        routes: Option<&Vec<HostRoute>>,
    ) -> NResult<()> {
        let of = |text: &str| ipam::parse_ip(text).map(ipam::version).or_else(|| Cidr::parse_normalized(text).ok().map(|c| c.version()));
        if let Some(Some(g)) = gateway {
            if let Some(v) = of(g) {
                check_version(version, "gateway_ip", g, v)?;
            }
        }
        for d in dns.into_iter().flatten() {
            if let Some(v) = of(d) {
                check_version(version, "dns_nameserver", d, v)?;
            }
        }
        for r in routes.into_iter().flatten() {
            for (name, text) in [("destination", &r.destination), ("nexthop", &r.nexthop)] {
                if let Some(v) = of(text) {
                    check_version(version, name, text, v)?;
                }
            }
        }
        Ok(())
    }

    pub fn update_subnet(&mut self, ids: &mut Ids, now: SimTime, id: &str, spec: SubnetSpec) -> NResult<()> {
        let sub = self.subnets.get(id).ok_or_else(|| NeutronError::subnet_not_found(id))?.clone();
        let gateway = match &spec.gateway_ip {
            Some(_) => {
                let g = Self::parse_gateway(&sub.cidr, spec.gateway_ip.clone())?;
                if g != sub.gateway_ip {
                    if let Some(old) = sub.gateway_ip {
                        if let Some(p) = self.port_with_address(id, old).filter(|p| p.device_owner == OWNER_ROUTER_INTERFACE) {
                            return Err(NeutronError::conflict(
                                "GatewayIpInUse",
                                format!("Current gateway ip {old} already in use by port {}. Unable to update.", p.id),
                            ));
                        }
                    }
                }
                g
            }
            None => sub.gateway_ip,
        };
        let pools = match &spec.allocation_pools {
            Some(given) => Self::parse_pools(&sub.cidr, given, gateway)?,
            None => {
                if let Some(g) = gateway.filter(|_| spec.gateway_ip.is_some()) {
                    if let Some(p) = sub.allocation_pools.iter().find(|p| p.contains(g)) {
                        return Err(NeutronError::conflict(
                            "GatewayConflictWithAllocationPools",
                            format!("Gateway ip {g} conflicts with allocation pool {p}."),
                        ));
                    }
                }
                sub.allocation_pools.clone()
            }
        };
        Self::check_dns_and_routes(id, spec.dns_nameservers.as_ref(), spec.host_routes.as_ref())?;
        let s = self.subnets.get_mut(id).expect("checked above");
        s.gateway_ip = gateway;
        s.allocation_pools = pools;
        if let Some(v) = spec.name {
            s.name = v;
        }
        if let Some(v) = spec.description {
            s.description = v;
        }
        if let Some(v) = spec.enable_dhcp {
            s.enable_dhcp = v;
        }
        if let Some(v) = spec.dns_nameservers {
            s.dns_nameservers = v;
        }
        if let Some(v) = spec.host_routes {
            s.host_routes = v;
        }
        if let Some(v) = spec.service_types {
            s.service_types = v;
        }
        touch(&mut s.updated_at, &mut s.revision_number, now);
        let network_id = s.network_id.clone();
        self.sync_dhcp(ids, now, &network_id);
        Ok(())
    }

    /// Neutron removes the DHCP port's address on the subnet itself; any other allocation makes the
    /// subnet in use.
    pub fn delete_subnet(&mut self, ids: &mut Ids, now: SimTime, id: &str) -> NResult<()> {
        let sub = self.subnets.get(id).ok_or_else(|| NeutronError::subnet_not_found(id))?;
        let network_id = sub.network_id.clone();
        // The EUI-64 addresses of a SLAAC or DHCPv6-stateless subnet go with it; other allocations
        // (but the DHCP port's) keep it in use.
        let auto = sub.auto_address();
        if self.ports.values().any(|p| {
            p.device_owner != OWNER_DHCP
                && !(auto && p.device_owner != OWNER_ROUTER_INTERFACE)
                && p.fixed_ips.iter().any(|f| f.subnet_id == id)
        }) {
            return Err(NeutronError::conflict(
                "SubnetInUse",
                format!("Unable to complete operation on subnet {id}: One or more ports have an IP allocation from this subnet."),
            ));
        }
        for p in self.ports.values_mut() {
            p.fixed_ips.retain(|f| f.subnet_id != id);
        }
        self.subnets.remove(id);
        if let Some(net) = self.networks.get_mut(&network_id) {
            touch(&mut net.updated_at, &mut net.revision_number, now);
        }
        self.sync_dhcp(ids, now, &network_id);
        Ok(())
    }

    /// (total, used) addresses of a subnet, as network-ip-availability counts them: the pools'
    /// size, and every allocation on the subnet.
    pub fn ip_usage(&self, subnet_id: &str) -> (u64, u64) {
        let total = self.subnets.get(subnet_id).map(|s| ipam::pool_capacity(&s.allocation_pools)).unwrap_or(0);
        (total, self.used_addresses(subnet_id).len() as u64)
    }

    /// What the DHCP agent scheduler and agent do for a network: with DHCP-enabled subnets, the
    /// network is hosted by the least loaded live DHCP agent whose port holds one address on each such
    /// subnet; without them, the DHCP port goes away.
    pub(crate) fn sync_dhcp(&mut self, ids: &mut Ids, now: SimTime, network_id: &str) {
        let dhcp_subnets: Vec<String> = self.subnets_of(network_id).iter().filter(|s| s.enable_dhcp).map(|s| s.id.clone()).collect();
        if dhcp_subnets.is_empty() {
            self.ports.retain(|_, p| !(p.network_id == network_id && p.device_owner == OWNER_DHCP));
            if let Some(n) = self.networks.get_mut(network_id) {
                n.dhcp_agents.clear();
            }
            return;
        }
        let hosted = self.networks.get(network_id).map(|n| n.dhcp_agents.clone()).unwrap_or_default();
        let agent = match hosted.first() {
            Some(a) => Some(a.clone()),
            None => self.pick_dhcp_agent(now),
        };
        let Some(agent_id) = agent else { return };
        let Some(host) = self.agents.get(&agent_id).map(|a| a.host.clone()) else { return };
        if let Some(n) = self.networks.get_mut(network_id) {
            if n.dhcp_agents.is_empty() {
                n.dhcp_agents.push(agent_id.clone());
            }
        }
        let device_id = format!("dhcp{agent_id}-{network_id}");
        let existing = self.ports.values().find(|p| p.network_id == network_id && p.device_owner == OWNER_DHCP).map(|p| p.id.clone());
        let port_id = match existing {
            Some(id) => id,
            None => {
                let project = self.networks.get(network_id).map(|n| n.project_id.clone()).unwrap_or_default();
                let spec = super::ports::PortSpec {
                    network_id: network_id.to_string(),
                    project_id: project,
                    device_id: Some(device_id),
                    device_owner: Some(OWNER_DHCP.into()),
                    fixed_ips: Some(vec![]),
                    host_id: Some(host.clone()),
                    ..Default::default()
                };
                match self.create_port_from(ids, now, spec) {
                    Ok(id) => id,
                    Err(_) => return,
                }
            }
        };
        let mut fixed: Vec<FixedIp> =
            self.ports[&port_id].fixed_ips.iter().filter(|f| dhcp_subnets.contains(&f.subnet_id)).cloned().collect();
        for sid in &dhcp_subnets {
            if fixed.iter().any(|f| &f.subnet_id == sid) {
                continue;
            }
            let sub = &self.subnets[sid];
            let ip = if sub.auto_address() {
                sub.cidr.eui64(&self.ports[&port_id].mac_address)
            } else {
                ipam::lowest_free(&sub.allocation_pools, &self.used_addresses(sid))
            };
            if let Some(ip) = ip {
                fixed.push(FixedIp { subnet_id: sid.clone(), ip_address: ip });
            }
        }
        let p = self.ports.get_mut(&port_id).expect("just found");
        if p.fixed_ips != fixed {
            p.fixed_ips = fixed;
            touch(&mut p.updated_at, &mut p.revision_number, now);
        }
    }
}
