//! Neutron's JSON for each resource. Attributes whose policy is admin-only (provider attributes,
//! port binding details, router `distributed`/`ha`) are left out for everyone else, as Neutron's
//! policy engine strips them.

use super::l3::InterfaceInfo;
use super::model::Agent;
use super::model::*;
use crate::sim::SimTime;
use serde_json::{json, Value};

/// Neutron's standard-attribute timestamps: `2026-01-01T00:00:00Z`.
pub fn ts(t: SimTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Agent timestamps are Python's `str(datetime)`: `2026-01-01 00:00:00`.
pub fn agent_ts(t: SimTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn tags(t: &std::collections::BTreeSet<String>) -> Value {
    json!(t.iter().collect::<Vec<_>>())
}

pub fn network(n: &Network, net: &Net, v: &Viewer) -> Value {
    let subnets: Vec<&str> = n.subnets_of(&net.id).iter().map(|s| s.id.as_str()).collect();
    let azs: Vec<&str> = if net.dhcp_agents.is_empty() { vec![] } else { vec!["nova"] };
    let mut out = json!({
        "id": net.id, "name": net.name, "tenant_id": net.project_id, "project_id": net.project_id,
        "admin_state_up": net.admin_state_up, "mtu": net.mtu, "status": "ACTIVE", "subnets": subnets,
        "shared": net.shared, "availability_zone_hints": net.availability_zone_hints, "availability_zones": azs,
        "ipv4_address_scope": null, "ipv6_address_scope": null, "router:external": net.external,
        "description": net.description, "port_security_enabled": net.port_security_enabled, "l2_adjacency": true,
        "tags": tags(&net.tags), "created_at": ts(net.created_at), "updated_at": ts(net.updated_at),
        "revision_number": net.revision_number,
    });
    if v.admin {
        out["provider:network_type"] = json!(net.network_type);
        out["provider:physical_network"] = json!(net.physical_network);
        out["provider:segmentation_id"] = json!(net.segmentation_id);
    }
    out
}

pub fn subnet(n: &Network, s: &Subnet) -> Value {
    let pools: Vec<Value> = s.allocation_pools.iter().map(|p| json!({"start": p.start.to_string(), "end": p.end.to_string()})).collect();
    json!({
        "id": s.id, "name": s.name, "tenant_id": s.project_id, "project_id": s.project_id, "network_id": s.network_id,
        "ip_version": s.ip_version(), "subnetpool_id": s.subnetpool_id, "enable_dhcp": s.enable_dhcp,
        "ipv6_ra_mode": s.ipv6_ra_mode, "ipv6_address_mode": s.ipv6_address_mode,
        "gateway_ip": s.gateway_ip.map(|g| g.to_string()), "cidr": s.cidr.to_string(), "allocation_pools": pools,
        "host_routes": s.host_routes.iter().map(|r| json!({"destination": r.destination, "nexthop": r.nexthop})).collect::<Vec<_>>(),
        "dns_nameservers": s.dns_nameservers, "description": s.description, "service_types": s.service_types,
        "segment_id": null, "router:external": n.networks.get(&s.network_id).is_some_and(|x| x.external),
        "tags": tags(&s.tags), "created_at": ts(s.created_at), "updated_at": ts(s.updated_at), "revision_number": s.revision_number,
    })
}

pub fn subnet_pool(p: &SubnetPool) -> Value {
    json!({
        "id": p.id, "name": p.name, "tenant_id": p.project_id, "project_id": p.project_id, "description": p.description,
        "prefixes": p.prefixes.iter().map(|c| c.to_string()).collect::<Vec<_>>(), "ip_version": p.ip_version,
        "min_prefixlen": p.min_prefixlen, "max_prefixlen": p.max_prefixlen, "default_prefixlen": p.default_prefixlen,
        "default_quota": p.default_quota, "shared": p.shared, "is_default": p.is_default, "address_scope_id": p.address_scope_id,
        "tags": tags(&p.tags), "created_at": ts(p.created_at), "updated_at": ts(p.updated_at), "revision_number": p.revision_number,
    })
}

pub fn metering_label(l: &MeteringLabel) -> Value {
    json!({"id": l.id, "name": l.name, "description": l.description, "shared": l.shared, "tenant_id": l.project_id, "project_id": l.project_id})
}

pub fn metering_rule(r: &MeteringRule) -> Value {
    json!({"id": r.id, "metering_label_id": r.metering_label_id, "direction": r.direction, "excluded": r.excluded,
        "remote_ip_prefix": r.remote_ip_prefix, "source_ip_prefix": r.source_ip_prefix, "destination_ip_prefix": r.destination_ip_prefix,
        "tenant_id": r.project_id, "project_id": r.project_id})
}

pub fn fixed_ips(p: &Port) -> Value {
    json!(p.fixed_ips.iter().map(|f| json!({"subnet_id": f.subnet_id, "ip_address": f.ip_address.to_string()})).collect::<Vec<_>>())
}

pub fn port(p: &Port, v: &Viewer) -> Value {
    let mut out = json!({
        "id": p.id, "name": p.name, "network_id": p.network_id, "tenant_id": p.project_id, "project_id": p.project_id,
        "mac_address": p.mac_address, "admin_state_up": p.admin_state_up, "status": p.status, "device_id": p.device_id,
        "device_owner": p.device_owner, "fixed_ips": fixed_ips(p),
        "allowed_address_pairs": p.allowed_address_pairs.iter().map(|a| json!({"ip_address": a.ip_address, "mac_address": a.mac_address})).collect::<Vec<_>>(),
        "security_groups": p.security_groups, "description": p.description, "binding:vnic_type": p.vnic_type,
        "port_security_enabled": p.port_security_enabled, "ip_allocation": "immediate",
        "extra_dhcp_opts": p.extra_dhcp_opts.iter().map(|o| json!({"opt_name": o.opt_name, "opt_value": o.opt_value, "ip_version": o.ip_version})).collect::<Vec<_>>(),
        "tags": tags(&p.tags), "created_at": ts(p.created_at), "updated_at": ts(p.updated_at), "revision_number": p.revision_number,
    });
    if v.admin {
        let details = if p.vif_type == "ovs" {
            json!({"port_filter": true, "connectivity": "l2", "ovs_hybrid_plug": false, "datapath_type": "system", "bridge_name": "br-int"})
        } else {
            json!({})
        };
        out["binding:host_id"] = json!(p.host_id);
        out["binding:profile"] = json!(p.profile);
        out["binding:vif_type"] = json!(p.vif_type);
        out["binding:vif_details"] = details;
    }
    out
}

pub fn floating_ip(n: &Network, f: &FloatingIp) -> Value {
    let details = f.port_id.as_ref().and_then(|id| n.ports.get(id)).map(|p| {
        json!({"name": p.name, "network_id": p.network_id, "mac_address": p.mac_address, "admin_state_up": p.admin_state_up,
            "status": p.status, "device_id": p.device_id, "device_owner": p.device_owner})
    });
    json!({
        "id": f.id, "tenant_id": f.project_id, "project_id": f.project_id, "floating_network_id": f.floating_network_id,
        "floating_ip_address": f.floating_ip_address.to_string(), "router_id": f.router_id, "port_id": f.port_id,
        "fixed_ip_address": f.fixed_ip_address.map(|a| a.to_string()), "status": f.status, "description": f.description,
        "port_details": details, "tags": tags(&f.tags), "created_at": ts(f.created_at), "updated_at": ts(f.updated_at),
        "revision_number": f.revision_number,
    })
}

pub fn router(n: &Network, r: &Router, v: &Viewer) -> Value {
    let gateway = r.gateway.as_ref().map(|g| {
        let ips: Vec<Value> = n
            .ports
            .get(&g.port_id)
            .map(|p| p.fixed_ips.iter().map(|f| json!({"subnet_id": f.subnet_id, "ip_address": f.ip_address.to_string()})).collect())
            .unwrap_or_default();
        json!({"network_id": g.network_id, "enable_snat": g.enable_snat, "external_fixed_ips": ips})
    });
    let azs: Vec<&str> = if r.l3_agent.is_some() { vec!["nova"] } else { vec![] };
    let mut out = json!({
        "id": r.id, "name": r.name, "tenant_id": r.project_id, "project_id": r.project_id, "admin_state_up": r.admin_state_up,
        "status": r.status, "external_gateway_info": gateway, "description": r.description,
        "availability_zone_hints": r.availability_zone_hints, "availability_zones": azs,
        "routes": r.routes.iter().map(|x| json!({"destination": x.destination, "nexthop": x.nexthop})).collect::<Vec<_>>(),
        "flavor_id": null, "tags": tags(&r.tags), "created_at": ts(r.created_at), "updated_at": ts(r.updated_at),
        "revision_number": r.revision_number,
    });
    if v.admin {
        out["distributed"] = json!(r.distributed);
        out["ha"] = json!(r.ha);
    }
    out
}

/// `network-ip-availabilities`: addresses in the pools and in use, per network and subnet.
pub fn ip_availability(n: &Network, net: &Net, version: Option<u8>) -> Value {
    let subs: Vec<Value> = n
        .subnets_of(&net.id)
        .iter()
        .filter(|s| version.is_none_or(|v| s.ip_version() == v))
        .map(|s| {
            let (total, used) = n.ip_usage(&s.id);
            json!({"subnet_id": s.id, "subnet_name": s.name, "cidr": s.cidr.to_string(), "ip_version": s.ip_version(), "total_ips": total, "used_ips": used})
        })
        .collect();
    let total: u64 = subs.iter().filter_map(|s| s["total_ips"].as_u64()).sum();
    let used: u64 = subs.iter().filter_map(|s| s["used_ips"].as_u64()).sum();
    json!({"network_id": net.id, "network_name": net.name, "tenant_id": net.project_id, "project_id": net.project_id,
        "total_ips": total, "used_ips": used, "subnet_ip_availability": subs})
}

pub fn interface_info(i: &InterfaceInfo) -> Value {
    json!({"id": i.router_id, "port_id": i.port_id, "subnet_id": i.subnet_id, "subnet_ids": i.subnet_ids,
        "network_id": i.network_id, "tenant_id": i.project_id, "project_id": i.project_id})
}

pub fn security_group(n: &Network, g: &SecurityGroup) -> Value {
    let rules: Vec<Value> =
        n.security_group_rules.values().filter(|r| r.security_group_id == g.id).map(|r| security_group_rule(n, r)).collect();
    json!({
        "id": g.id, "name": g.name, "tenant_id": g.project_id, "project_id": g.project_id, "description": g.description,
        "security_group_rules": rules, "stateful": g.stateful, "shared": false, "tags": tags(&g.tags),
        "created_at": ts(g.created_at), "updated_at": ts(g.updated_at), "revision_number": g.revision_number,
    })
}

pub fn security_group_rule(n: &Network, r: &SecurityGroupRule) -> Value {
    let in_default = n.security_groups.get(&r.security_group_id).is_some_and(|g| g.name == "default");
    json!({
        "id": r.id, "tenant_id": r.project_id, "project_id": r.project_id, "security_group_id": r.security_group_id,
        "direction": r.direction, "ethertype": r.ethertype, "protocol": r.protocol, "port_range_min": r.port_range_min,
        "port_range_max": r.port_range_max, "remote_ip_prefix": r.remote_ip_prefix, "remote_group_id": r.remote_group_id,
        "remote_address_group_id": null, "normalized_cidr": r.normalized_cidr, "description": r.description,
        "belongs_to_default_sg": in_default, "created_at": ts(r.created_at), "updated_at": ts(r.updated_at),
        "revision_number": r.revision_number,
    })
}

pub fn agent(a: &Agent, now: SimTime) -> Value {
    json!({
        "id": a.id, "agent_type": a.agent_type, "binary": a.binary, "topic": a.topic, "host": a.host,
        "admin_state_up": a.admin_state_up, "created_at": agent_ts(a.created_at), "started_at": agent_ts(a.started_at),
        "heartbeat_timestamp": agent_ts(a.heartbeat_timestamp(now)), "alive": a.alive(now), "configurations": {},
        "description": a.description, "availability_zone": a.availability_zone, "resources_synced": null,
        "resource_versions": {},
    })
}

/// The API extensions this Neutron loads (`GET /v2.0/extensions`): the ML2/OVS set for what
/// fakecloud models.
pub const EXTENSIONS: &[(&str, &str, &str)] = &[
    ("agent", "agent", "The agent management extension."),
    ("allowed-address-pairs", "Allowed Address Pairs", "Provides allowed address pairs"),
    ("availability_zone", "Availability Zone", "The availability zone extension."),
    ("binding", "Port Binding", "Expose port bindings of a virtual port to external application"),
    ("dhcp_agent_scheduler", "DHCP Agent Scheduler", "Schedule networks among dhcp agents"),
    ("dvr", "Distributed Virtual Router", "Enables configuration of Distributed Virtual Routers."),
    ("empty-string-filtering", "Empty String Filtering Extension", "Allow filtering by attributes with empty string value"),
    ("external-net", "Neutron external network", "Adds external network attribute to network resource."),
    ("extra_dhcp_opt", "Neutron Extra DHCP options", "Extra options configuration for DHCP. For example PXE boot options to DHCP clients can be specified (e.g. tftp-server, server-ip-address, bootfile-name)"),
    ("ext-gw-mode", "Neutron L3 Configurable external gateway mode", "Extension of the router abstraction for specifying whether SNAT should occur on the external gateway"),
    ("extraroute", "Neutron Extra Route", "Extra routes configuration for L3 router"),
    ("filter-validation", "Filter parameters validation", "Provides validation on filter parameters."),
    ("fip-port-details", "Floating IP Port Details Extension", "Add port_details attribute to Floating IP resource"),
    ("ip-substring-filtering", "IP address substring filtering", "Provides IP address substring filtering when listing ports"),
    ("l3_agent_scheduler", "L3 Agent Scheduler", "Schedule routers among l3 agents"),
    ("metering", "Neutron Metering", "Neutron Metering extension."),
    ("metering_source_and_destination_fields", "Neutron Metering with source and destination filtering", "Neutron Metering extension that enables the use of source and destination IP prefixes to create metering label rules."),
    ("net-mtu", "Network MTU", "Provides MTU attribute for a network resource."),
    ("network-ip-availability", "Network IP Availability", "Provides IP availability data for each network and subnet."),
    ("network_availability_zone", "Network Availability Zone", "Availability zone support for network."),
    ("pagination", "Pagination support", "Extension that indicates that pagination is enabled."),
    ("port-security", "Port Security", "Provides port security"),
    ("project-id", "project_id field enabled", "Extension that indicates that project_id field is enabled."),
    ("provider", "Provider Network", "Expose mapping of virtual networks to physical networks"),
    ("quotas", "Quota management support", "Expose functions for quotas management per project"),
    ("quota_details", "Quota details management support", "Expose functions for quotas usage statistics per project"),
    ("router", "Neutron L3 Router", "Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway."),
    ("router_availability_zone", "Router Availability Zone", "Availability zone support for router."),
    ("security-group", "security-group", "The security groups extension."),
    ("service-type", "Neutron Service Type Management", "API for retrieving service providers for Neutron advanced services"),
    ("sorting", "Sorting support", "Extension that indicates that sorting is enabled."),
    ("standard-attr-description", "standard-attr-description", "Extension to add descriptions to standard attributes"),
    ("standard-attr-revisions", "Resource revision numbers", "This extension will display the revision number of neutron resources."),
    ("standard-attr-tag", "Tag support for resources with standard attribute: subnet, trunk, network_segment_range, router, network, policy, subnetpool, port, security_group, floatingip", "Enables to set tag on resources with standard attribute."),
    ("standard-attr-timestamp", "Resource timestamps", "Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes."),
    ("stateful-security-group", "Stateful security group", "Indicates if the security group is stateful or not"),
    ("subnet_allocation", "Subnet Allocation", "Enables allocation of subnets from a subnet pool"),
    ("default-subnetpools", "Default Subnetpools", "Provides ability to mark and use a subnetpool as the default."),
    ("subnet-service-types", "Subnet service types", "Provides ability to set the subnet service_types field"),
    ("subnet-external-network", "Subnet External Network", "Informs if the subnet is associated to an external network."),
];

pub fn extension(alias: &str, name: &str, description: &str) -> Value {
    json!({"alias": alias, "name": name, "description": description, "updated": "2013-01-20T00:00:00-00:00", "links": []})
}
