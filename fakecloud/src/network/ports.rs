//! Ports: fixed IP allocation (the lowest free address, or the one asked for), MAC addresses, port
//! security and security groups, host binding and status, and the ports Neutron owns itself (DHCP,
//! router and floating IP ports) that cannot be deleted through the port API.

use super::agents::OVS;
use super::error::{NResult, NeutronError};
use super::ipam;
use super::model::*;
use crate::sim::{Ids, SimTime};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::net::IpAddr;

/// Neutron's `max_fixed_ips_per_port`.
pub const MAX_FIXED_IPS: usize = 5;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct FixedIpSpec {
    pub subnet_id: Option<String>,
    pub ip_address: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AddressPairSpec {
    pub ip_address: String,
    pub mac_address: Option<String>,
}

/// A port create or update, as the API validated it (or as Nova and the L3 and DHCP code build it).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PortSpec {
    pub network_id: String,
    #[serde(skip)]
    pub project_id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub admin_state_up: Option<bool>,
    pub mac_address: Option<String>,
    /// `None`: one address from the first subnet with room; `Some([])`: no address.
    pub fixed_ips: Option<Vec<FixedIpSpec>>,
    pub device_id: Option<String>,
    pub device_owner: Option<String>,
    pub security_groups: Option<Vec<String>>,
    pub port_security_enabled: Option<bool>,
    pub allowed_address_pairs: Option<Vec<AddressPairSpec>>,
    #[serde(rename = "binding:host_id")]
    pub host_id: Option<String>,
    #[serde(rename = "binding:profile")]
    pub profile: Option<Map<String, Value>>,
    #[serde(rename = "binding:vnic_type")]
    pub vnic_type: Option<String>,
    pub extra_dhcp_opts: Option<Vec<DhcpOptSpec>>,
    pub tags: Option<Vec<String>>,
}

/// One extra DHCP option as asked for: a null value removes the option on update.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DhcpOptSpec {
    pub opt_name: String,
    pub opt_value: Option<String>,
    pub ip_version: Option<u8>,
}

/// Neutron's update of a port's extra DHCP options: each named option (by name and IP version)
/// is replaced, or removed when its value is null; a new one is added; the rest stay.
fn merge_dhcp_opts(current: &[DhcpOpt], given: &[DhcpOptSpec]) -> Vec<DhcpOpt> {
    let mut out = current.to_vec();
    for g in given {
        let version = g.ip_version.unwrap_or(4);
        let at = out.iter().position(|o| o.opt_name == g.opt_name && o.ip_version == version);
        match (&g.opt_value, at) {
            (None, Some(i)) => {
                out.remove(i);
            }
            (None, None) => {}
            (Some(v), Some(i)) => out[i].opt_value = v.clone(),
            (Some(v), None) => out.push(DhcpOpt { opt_name: g.opt_name.clone(), opt_value: v.clone(), ip_version: version }),
        }
    }
    out
}

impl Network {
    /// The fixed IPs a port ends up with: kept ones (`current`), asked-for addresses, and the lowest
    /// free address of a subnet. Nothing is allocated here; the plan is applied by the caller.
    pub(crate) fn plan_fixed_ips(
        &self,
        network_id: &str,
        requested: Option<&[FixedIpSpec]>,
        port_id: Option<&str>,
        current: &[FixedIp],
        owner: &str,
    ) -> NResult<Vec<FixedIp>> {
        let used_by_others = |subnet: &str| -> BTreeSet<u128> {
            self.ports
                .values()
                .filter(|p| Some(p.id.as_str()) != port_id)
                .flat_map(|p| &p.fixed_ips)
                .filter(|f| f.subnet_id == subnet)
                .map(|f| ipam::num(f.ip_address))
                .collect()
        };
        let subnets = self.subnets_of(network_id);
        let Some(requested) = requested else {
            // One address from the first IPv4 subnet with room, one from the first stateful IPv6
            // subnet with room, and the EUI-64 address on every SLAAC or DHCPv6-stateless subnet.
            let mut plan = vec![];
            for v6 in [false, true] {
                let candidates: Vec<&&Subnet> = subnets.iter().filter(|s| s.cidr.v6() == v6 && !s.auto_address()).collect();
                if candidates.is_empty() {
                    continue;
                }
                let found = candidates.iter().find_map(|s| {
                    ipam::lowest_free(&s.allocation_pools, &used_by_others(&s.id))
                        .map(|ip| FixedIp { subnet_id: s.id.clone(), ip_address: ip })
                });
                plan.push(found.ok_or_else(|| no_more_addresses(network_id))?);
            }
            if !router_owner(owner) {
                for s in subnets.iter().filter(|s| s.auto_address()) {
                    plan.push(FixedIp { subnet_id: s.id.clone(), ip_address: AUTO_ADDRESS });
                }
            }
            return Ok(plan);
        };
        if requested.len() > MAX_FIXED_IPS {
            return Err(NeutronError::invalid_input("Exceeded maximum amount of fixed ips per port."));
        }
        let mut plan: Vec<FixedIp> = vec![];
        let taken = |plan: &Vec<FixedIp>, subnet: &str, ip: IpAddr| plan.iter().any(|f| f.subnet_id == subnet && f.ip_address == ip);
        for r in requested {
            let subnet = match (&r.subnet_id, &r.ip_address) {
                (Some(sid), _) => {
                    let s = self.subnets.get(sid).ok_or_else(|| NeutronError::subnet_not_found(sid))?;
                    if s.network_id != network_id {
                        return Err(NeutronError::invalid_input(format!(
                            "Failed to create port on network {network_id}, because fixed_ips included invalid subnet {sid}"
                        )));
                    }
                    s
                }
                (None, Some(text)) => {
                    let ip = parse_ip(text)?;
                    subnets.iter().copied().find(|s| s.cidr.contains(ip)).ok_or_else(|| {
                        NeutronError::new(
                            400,
                            "InvalidIpForNetwork",
                            format!("IP address {ip} is not a valid IP for any of the subnets on the specified network."),
                        )
                    })?
                }
                (None, None) => return Err(NeutronError::invalid_input("IP allocation requires subnet_id or ip_address")),
            };
            match &r.ip_address {
                Some(text) if subnet.auto_address() && !router_owner(owner) => {
                    return Err(NeutronError::invalid_input(format!(
                        "IPv6 address {text} cannot be directly assigned to a port on subnet {} as the subnet is configured for automatic addresses",
                        subnet.id
                    )));
                }
                None if subnet.auto_address() && !router_owner(owner) => {
                    if let Some(kept) = current.iter().find(|f| f.subnet_id == subnet.id) {
                        plan.push(kept.clone());
                    } else {
                        plan.push(FixedIp { subnet_id: subnet.id.clone(), ip_address: AUTO_ADDRESS });
                    }
                }
                Some(text) => {
                    let ip = parse_ip(text)?;
                    if !subnet.cidr.contains(ip) || subnet.cidr.is_reserved(ip) {
                        return Err(NeutronError::new(
                            400,
                            "InvalidIpForSubnet",
                            format!("IP address {ip} is not a valid IP for the specified subnet."),
                        ));
                    }
                    if taken(&plan, &subnet.id, ip) || used_by_others(&subnet.id).contains(&ipam::num(ip)) {
                        return Err(NeutronError::conflict(
                            "IpAddressAlreadyAllocated",
                            format!("IP address {ip} already allocated in subnet {}", subnet.id),
                        ));
                    }
                    plan.push(FixedIp { subnet_id: subnet.id.clone(), ip_address: ip });
                }
                None => {
                    if let Some(kept) = current.iter().find(|f| f.subnet_id == subnet.id && !taken(&plan, &f.subnet_id, f.ip_address)) {
                        plan.push(kept.clone());
                        continue;
                    }
                    let mut used = used_by_others(&subnet.id);
                    used.extend(plan.iter().filter(|f| f.subnet_id == subnet.id).map(|f| ipam::num(f.ip_address)));
                    let ip = ipam::lowest_free(&subnet.allocation_pools, &used).ok_or_else(|| no_more_addresses(network_id))?;
                    plan.push(FixedIp { subnet_id: subnet.id.clone(), ip_address: ip });
                }
            }
        }
        Ok(plan)
    }

    /// Gives the planned EUI-64 entries their address, now that the port's MAC is known.
    pub(crate) fn fill_auto_addresses(&self, plan: &mut [FixedIp], mac: &str) {
        for f in plan.iter_mut().filter(|f| f.ip_address == AUTO_ADDRESS) {
            if let Some(ip) = self.subnets.get(&f.subnet_id).and_then(|s| s.cidr.eui64(mac)) {
                f.ip_address = ip;
            }
        }
    }

    /// The security groups a port gets: the ones asked for (which must exist in the port's project),
    /// else the project's `default` group when port security is on, except on Neutron's own ports.
    fn plan_security_groups(
        &self,
        project_id: &str,
        owner: &str,
        port_security: bool,
        requested: Option<&Vec<String>>,
    ) -> NResult<Vec<String>> {
        match requested {
            Some(list) => {
                let mut out: Vec<String> = vec![];
                for id in list {
                    let g = self.security_groups.get(id).filter(|g| g.project_id == project_id || project_id.is_empty());
                    if g.is_none() {
                        return Err(NeutronError::security_group_not_found(id));
                    }
                    if !out.contains(id) {
                        out.push(id.clone());
                    }
                }
                if !port_security && !out.is_empty() {
                    return Err(NeutronError::new(
                        400,
                        "PortSecurityAndIPRequiredForSecurityGroups",
                        "Port security must be enabled and port must have an IP address in order to use security groups.",
                    ));
                }
                Ok(out)
            }
            None if port_security && !owner.starts_with("network:") => {
                Ok(self.default_security_group(project_id).map(|g| vec![g.id.clone()]).unwrap_or_default())
            }
            None => Ok(vec![]),
        }
    }

    fn plan_address_pairs(port_security: bool, pairs: &[AddressPairSpec], mac: &str) -> NResult<Vec<AddressPair>> {
        if !port_security && !pairs.is_empty() {
            return Err(NeutronError::conflict(
                "AddressPairAndPortSecurityRequired",
                "Port Security must be enabled in order to have allowed address pairs on a port.",
            ));
        }
        let mut out: Vec<AddressPair> = vec![];
        for p in pairs {
            let pair =
                AddressPair { ip_address: p.ip_address.clone(), mac_address: p.mac_address.clone().unwrap_or_else(|| mac.to_string()) };
            if out.contains(&pair) {
                return Err(NeutronError::bad_request(
                    "Request contains duplicate address pair: mac_address ".to_string()
                        + &pair.mac_address
                        + " ip_address "
                        + &pair.ip_address
                        + ".",
                ));
            }
            out.push(pair);
        }
        Ok(out)
    }

    fn check_mac_free(&self, network_id: &str, mac: &str, port_id: Option<&str>) -> NResult<()> {
        if self.ports_of(network_id).any(|p| p.mac_address == mac && Some(p.id.as_str()) != port_id) {
            return Err(NeutronError::conflict(
                "MacAddressInUse",
                format!("Unable to complete operation for network {network_id}. The mac address {mac} is in use."),
            ));
        }
        Ok(())
    }

    /// Creates a port after every check has passed; used by the port API, Nova, DHCP and L3.
    pub fn create_port_from(&mut self, ids: &mut Ids, now: SimTime, spec: PortSpec) -> NResult<String> {
        let net = self.networks.get(&spec.network_id).ok_or_else(|| NeutronError::network_not_found(&spec.network_id))?;
        let network_id = net.id.clone();
        let owner = spec.device_owner.clone().unwrap_or_default();
        let port_security = spec.port_security_enabled.unwrap_or(net.port_security_enabled);
        let mut fixed_ips = self.plan_fixed_ips(&network_id, spec.fixed_ips.as_deref(), None, &[], &owner)?;
        if let Some(mac) = &spec.mac_address {
            self.check_mac_free(&network_id, mac, None)?;
        }
        let security_groups = self.plan_security_groups(&spec.project_id, &owner, port_security, spec.security_groups.as_ref())?;
        let pairs_spec = spec.allowed_address_pairs.clone().unwrap_or_default();
        Self::plan_address_pairs(port_security, &pairs_spec, "")?;
        // Every check has passed: draw ids. A project's first port with port security brings its
        // default security group to life, as Neutron ensures it.
        let security_groups = if security_groups.is_empty()
            && spec.security_groups.is_none()
            && port_security
            && !owner.starts_with("network:")
            && !spec.project_id.is_empty()
        {
            vec![self.ensure_default_security_group(ids, now, &spec.project_id)]
        } else {
            security_groups
        };
        let id = ids.uuid();
        let mac = match spec.mac_address.clone() {
            Some(m) => m,
            None => {
                let existing: BTreeSet<String> = self.ports_of(&network_id).map(|p| p.mac_address.clone()).collect();
                ipam::mac_address(ids, |m| existing.contains(m))
            }
        };
        let allowed_address_pairs = Self::plan_address_pairs(port_security, &pairs_spec, &mac)?;
        self.fill_auto_addresses(&mut fixed_ips, &mac);
        let host = spec.host_id.clone().unwrap_or_default();
        let seq = self.seq();
        let mut port = Port {
            id: id.clone(),
            seq,
            name: spec.name.unwrap_or_default(),
            network_id,
            project_id: spec.project_id,
            description: spec.description.unwrap_or_default(),
            mac_address: mac,
            admin_state_up: spec.admin_state_up.unwrap_or(true),
            status: String::new(),
            device_id: spec.device_id.unwrap_or_default(),
            device_owner: owner,
            fixed_ips,
            allowed_address_pairs,
            security_groups,
            port_security_enabled: port_security,
            vif_type: self.vif_type_for(&host, now),
            host_id: host,
            vnic_type: spec.vnic_type.unwrap_or_else(|| "normal".into()),
            profile: spec.profile.unwrap_or_default(),
            extra_dhcp_opts: merge_dhcp_opts(&[], spec.extra_dhcp_opts.as_deref().unwrap_or_default()),
            tags: spec.tags.unwrap_or_default().into_iter().collect(),
            created_at: now,
            updated_at: now,
            revision_number: 1,
        };
        port.status = port_status(&port);
        self.ports.insert(id.clone(), port);
        Ok(id)
    }

    /// The port API's update, with Neutron's rules for addresses, MACs and port security.
    pub fn update_port(&mut self, now: SimTime, id: &str, spec: PortSpec) -> NResult<()> {
        let port = self.ports.get(id).ok_or_else(|| NeutronError::port_not_found(id))?.clone();
        let owner = spec.device_owner.clone().unwrap_or_else(|| port.device_owner.clone());
        let mut fixed_ips = match &spec.fixed_ips {
            Some(req) => self.plan_fixed_ips(&port.network_id, Some(req), Some(id), &port.fixed_ips, &owner)?,
            None => port.fixed_ips.clone(),
        };
        self.fill_auto_addresses(&mut fixed_ips, spec.mac_address.as_deref().unwrap_or(&port.mac_address));
        if let Some(mac) = &spec.mac_address {
            if *mac != port.mac_address {
                if port.vif_type != "unbound" {
                    return Err(NeutronError::conflict(
                        "PortBound",
                        format!(
                            "Unable to complete operation on port {id}, port is already bound, port type: {}, old_mac {}, new_mac {mac}.",
                            port.vif_type, port.mac_address
                        ),
                    ));
                }
                self.check_mac_free(&port.network_id, mac, Some(id))?;
            }
        }
        let port_security = spec.port_security_enabled.unwrap_or(port.port_security_enabled);
        let security_groups = match &spec.security_groups {
            Some(_) => self.plan_security_groups(&port.project_id, &owner, port_security, spec.security_groups.as_ref())?,
            None => {
                if !port_security && !port.security_groups.is_empty() {
                    return Err(NeutronError::conflict(
                        "PortSecurityPortHasSecurityGroup",
                        "Port has security group associated. Cannot disable port security or ip address until security group is removed",
                    ));
                }
                port.security_groups.clone()
            }
        };
        let mac = spec.mac_address.clone().unwrap_or_else(|| port.mac_address.clone());
        let pairs = match &spec.allowed_address_pairs {
            Some(p) => Self::plan_address_pairs(port_security, p, &mac)?,
            None => {
                if !port_security && !port.allowed_address_pairs.is_empty() {
                    return Err(NeutronError::conflict(
                        "AddressPairAndPortSecurityRequired",
                        "Port Security must be enabled in order to have allowed address pairs on a port.",
                    ));
                }
                port.allowed_address_pairs.clone()
            }
        };
        // Floating IPs on addresses the port no longer has are disassociated.
        let dropped: Vec<IpAddr> = port.fixed_ips.iter().filter(|f| !fixed_ips.contains(f)).map(|f| f.ip_address).collect();
        for fip in self.floating_ips.values_mut() {
            if fip.port_id.as_deref() == Some(id) && fip.fixed_ip_address.is_some_and(|a| dropped.contains(&a)) {
                disassociate(fip, now);
            }
        }
        let vif = spec.host_id.as_ref().map(|h| self.vif_type_for(h, now));
        let p = self.ports.get_mut(id).expect("checked above");
        p.fixed_ips = fixed_ips;
        p.mac_address = mac;
        p.device_owner = owner;
        p.port_security_enabled = port_security;
        p.security_groups = security_groups;
        p.allowed_address_pairs = pairs;
        if let Some(v) = spec.name {
            p.name = v;
        }
        if let Some(v) = spec.description {
            p.description = v;
        }
        if let Some(v) = spec.admin_state_up {
            p.admin_state_up = v;
        }
        if let Some(v) = spec.device_id {
            p.device_id = v;
        }
        if let (Some(h), Some(vif)) = (spec.host_id, vif) {
            p.host_id = h;
            p.vif_type = vif;
        }
        if let Some(v) = spec.profile {
            p.profile = v;
        }
        if let Some(v) = spec.vnic_type {
            p.vnic_type = v;
        }
        if let Some(opts) = &spec.extra_dhcp_opts {
            p.extra_dhcp_opts = merge_dhcp_opts(&p.extra_dhcp_opts, opts);
        }
        p.status = port_status(p);
        touch(&mut p.updated_at, &mut p.revision_number, now);
        Ok(())
    }

    /// The port API's delete: Neutron's own L3 ports are refused.
    pub fn delete_port(&mut self, now: SimTime, id: &str) -> NResult<()> {
        let port = self.ports.get(id).ok_or_else(|| NeutronError::port_not_found(id))?;
        if [OWNER_ROUTER_INTERFACE, OWNER_ROUTER_GATEWAY, OWNER_FLOATINGIP].contains(&port.device_owner.as_str()) {
            return Err(NeutronError::conflict(
                "L3PortInUse",
                format!("Port {id} has owner {} and therefore cannot be deleted directly via the port API.", port.device_owner),
            ));
        }
        self.remove_port(id, Some(now));
        Ok(())
    }

    /// Removes a port, disassociating the floating IPs on it.
    pub(crate) fn remove_port(&mut self, id: &str, now: Option<SimTime>) {
        for fip in self.floating_ips.values_mut().filter(|f| f.port_id.as_deref() == Some(id)) {
            let at = now.unwrap_or(fip.updated_at);
            disassociate(fip, at);
        }
        self.ports.remove(id);
    }

    /// Nova's port binding: `binding:host_id` set, the VIF plugged by the host's OVS agent (bound
    /// only if that agent is alive), and the port ACTIVE once wired.
    pub(crate) fn bind_port(&mut self, id: &str, host: &str, now: SimTime) {
        let vif = self.vif_type_for(host, now);
        if let Some(p) = self.ports.get_mut(id) {
            p.host_id = host.to_string();
            p.vif_type = vif;
            p.status = port_status(p);
            p.revision_number += 1;
        }
    }

    /// `ovs` when the host has an enabled, alive Open vSwitch agent, `binding_failed` when it does
    /// not, `unbound` without a host. As in ML2, an agent that stopped reporting still binds until
    /// `agent_down_time` has passed since its last report.
    pub(crate) fn vif_type_for(&self, host: &str, now: SimTime) -> String {
        if host.is_empty() {
            return "unbound".into();
        }
        let bound = self.agents.values().any(|a| a.host == host && a.agent_type == OVS && a.admin_state_up && a.alive(now));
        if bound { "ovs" } else { "binding_failed" }.into()
    }
}

/// ACTIVE once wired (Neutron's own ports always, a VM port once bound), DOWN otherwise; a
/// floating IP's port is N/A.
pub(crate) fn port_status(p: &Port) -> String {
    if p.device_owner == OWNER_FLOATINGIP {
        return "N/A".into();
    }
    if !p.admin_state_up {
        return "DOWN".into();
    }
    if p.device_owner.starts_with("network:") && !p.host_id.is_empty() {
        return "ACTIVE".into();
    }
    if p.vif_type == "ovs" && !p.device_id.is_empty() {
        return "ACTIVE".into();
    }
    "DOWN".into()
}

pub(crate) fn disassociate(fip: &mut FloatingIp, now: SimTime) {
    fip.port_id = None;
    fip.fixed_ip_address = None;
    fip.router_id = None;
    fip.status = "DOWN".into();
    touch(&mut fip.updated_at, &mut fip.revision_number, now);
}

fn parse_ip(text: &str) -> NResult<IpAddr> {
    ipam::parse_ip(text).ok_or_else(|| NeutronError::invalid_attr("fixed_ips", format!("'{text}' is not a valid IP address")))
}

/// A planned address on a SLAAC or DHCPv6-stateless subnet, formed from the port's MAC once known.
const AUTO_ADDRESS: IpAddr = IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED);

/// Router ports take addresses on SLAAC subnets like any other (their subnet's gateway), never the
/// EUI-64 address.
fn router_owner(owner: &str) -> bool {
    owner == OWNER_ROUTER_INTERFACE
        || owner == OWNER_ROUTER_GATEWAY
        || owner == "network:router_centralized_snat"
        || owner == "network:ha_router_replicated_interface"
}

pub(crate) fn no_more_addresses(network_id: &str) -> NeutronError {
    NeutronError::conflict("IpAddressGenerationFailure", format!("No more IP addresses available on network {network_id}."))
}
