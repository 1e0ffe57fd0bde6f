//! Neutron (neutron/conf/policies).

use crate::Hidden::{Forbidden as H403, NotFound as H404};
use crate::Rule::*;
use crate::{req, row, Row};
use serde_json::json;

pub fn rows() -> Vec<Row> {
    vec![
        row("GET", "/network", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/network/v2.0", AnyToken, "resource discovery (keystonemiddleware only)", |_, _| req()),
        row("GET", "/network/v2.0/extensions", AnyToken, "extension discovery (keystonemiddleware only)", |_, _| req()),
        row("GET", "/network/v2.0/extensions/{alias}", AnyToken, "extension discovery (keystonemiddleware only)", |x, _| {
            req().p("alias", &x.ext_alias)
        }),
        row("GET", "/network/v2.0/availability_zones", OwnProjectReader, "get_availability_zone", |_, _| req()),
        row("GET", "/network/v2.0/service-providers", AnyToken, "get_service_provider (any authenticated caller)", |_, _| req()),
        row("GET", "/network/v2.0/networks", OwnProjectReader, "get_network", |_, _| req()),
        row("POST", "/network/v2.0/networks", OwnProjectMember, "create_network", |_, _| {
            req().json(json!({"network": {"name": "pm-new"}}))
        }),
        row("GET", "/network/v2.0/networks/{id}", ProjectReader(H404), "get_network", |x, _| req().p("id", &x.net)),
        row("PUT", "/network/v2.0/networks/{id}", ProjectMember(H404), "update_network", |x, _| {
            req().p("id", &x.net).json(json!({"network": {"name": "pm-renamed"}}))
        }),
        row("DELETE", "/network/v2.0/networks/{id}", ProjectMember(H404), "delete_network", |x, _| req().p("id", &x.net_del)),
        row("GET", "/network/v2.0/networks/{id}/dhcp-agents", Admin, "get_dhcp-agents", |x, _| req().p("id", &x.net)),
        row("GET", "/network/v2.0/subnets", OwnProjectReader, "get_subnet", |_, _| req()),
        // admin, or a member of the network's project (another project's network is not found).
        row("POST", "/network/v2.0/subnets", ProjectMember(H404), "create_subnet", |x, _| {
            req().json(json!({"subnet": {"network_id": x.net, "cidr": "10.97.0.0/24", "ip_version": 4}}))
        }),
        row("GET", "/network/v2.0/subnets/{id}", ProjectReader(H404), "get_subnet", |x, _| req().p("id", &x.subnet)),
        row("PUT", "/network/v2.0/subnets/{id}", ProjectMember(H404), "update_subnet", |x, _| {
            req().p("id", &x.subnet).json(json!({"subnet": {"name": "pm-renamed"}}))
        }),
        row("DELETE", "/network/v2.0/subnets/{id}", ProjectMember(H404), "delete_subnet", |x, _| req().p("id", &x.subnet_del)),
        row("GET", "/network/v2.0/ports", OwnProjectReader, "get_port", |_, _| req()),
        row("POST", "/network/v2.0/ports", ProjectMember(H404), "create_port", |x, _| req().json(json!({"port": {"network_id": x.net}}))),
        row("GET", "/network/v2.0/ports/{id}", ProjectReader(H404), "get_port", |x, _| req().p("id", &x.port)),
        row("PUT", "/network/v2.0/ports/{id}", ProjectMember(H404), "update_port", |x, _| {
            req().p("id", &x.port).json(json!({"port": {"name": "pm-renamed"}}))
        }),
        row("DELETE", "/network/v2.0/ports/{id}", ProjectMember(H404), "delete_port", |x, _| req().p("id", &x.port)),
        row("GET", "/network/v2.0/floatingips", OwnProjectReader, "get_floatingip", |_, _| req()),
        row("POST", "/network/v2.0/floatingips", OwnProjectMember, "create_floatingip", |x, _| {
            req().json(json!({"floatingip": {"floating_network_id": x.public_net}}))
        }),
        row("GET", "/network/v2.0/floatingips/{id}", ProjectReader(H404), "get_floatingip", |x, _| req().p("id", &x.fip)),
        row("PUT", "/network/v2.0/floatingips/{id}", ProjectMember(H404), "update_floatingip", |x, _| {
            req().p("id", &x.fip).json(json!({"floatingip": {"port_id": null}}))
        }),
        row("DELETE", "/network/v2.0/floatingips/{id}", ProjectMember(H404), "delete_floatingip", |x, _| req().p("id", &x.fip)),
        row("GET", "/network/v2.0/routers", OwnProjectReader, "get_router", |_, _| req()),
        row("POST", "/network/v2.0/routers", OwnProjectMember, "create_router", |_, _| req().json(json!({"router": {"name": "pm-new"}}))),
        row("GET", "/network/v2.0/routers/{id}", ProjectReader(H404), "get_router", |x, _| req().p("id", &x.router)),
        row("PUT", "/network/v2.0/routers/{id}", ProjectMember(H404), "update_router", |x, _| {
            req().p("id", &x.router).json(json!({"router": {"name": "pm-renamed"}}))
        }),
        row("DELETE", "/network/v2.0/routers/{id}", ProjectMember(H404), "delete_router", |x, _| req().p("id", &x.router)),
        row("PUT", "/network/v2.0/routers/{id}/add_router_interface", ProjectMember(H404), "add_router_interface", |x, _| {
            req().p("id", &x.router).json(json!({"subnet_id": x.subnet}))
        }),
        row("PUT", "/network/v2.0/routers/{id}/remove_router_interface", ProjectMember(H404), "remove_router_interface", |x, _| {
            req().p("id", &x.demo_router).json(json!({"subnet_id": x.private_subnet}))
        }),
        row("GET", "/network/v2.0/routers/{id}/l3-agents", Admin, "get_l3-agents", |x, _| req().p("id", &x.demo_router)),
        row("GET", "/network/v2.0/subnetpools", OwnProjectReader, "get_subnetpool", |_, _| req()),
        row("POST", "/network/v2.0/subnetpools", OwnProjectMember, "create_subnetpool", |_, _| {
            req().json(json!({"subnetpool": {"name": "pm-new", "prefixes": ["10.181.0.0/16"]}}))
        }),
        row("GET", "/network/v2.0/subnetpools/{id}", ProjectReader(H404), "get_subnetpool", |x, _| req().p("id", &x.subnetpool)),
        row("PUT", "/network/v2.0/subnetpools/{id}", ProjectMember(H404), "update_subnetpool", |x, _| {
            req().p("id", &x.subnetpool).json(json!({"subnetpool": {"name": "pm-renamed"}}))
        }),
        row("DELETE", "/network/v2.0/subnetpools/{id}", ProjectMember(H404), "delete_subnetpool", |x, _| req().p("id", &x.subnetpool)),
        row("GET", "/network/v2.0/security-groups", OwnProjectReader, "get_security_group", |_, _| req()),
        row("POST", "/network/v2.0/security-groups", OwnProjectMember, "create_security_group", |_, _| {
            req().json(json!({"security_group": {"name": "pm-new"}}))
        }),
        row("GET", "/network/v2.0/security-groups/{id}", ProjectReader(H404), "get_security_group", |x, _| req().p("id", &x.sg)),
        row("PUT", "/network/v2.0/security-groups/{id}", ProjectMember(H404), "update_security_group", |x, _| {
            req().p("id", &x.sg).json(json!({"security_group": {"name": "pm-renamed"}}))
        }),
        row("DELETE", "/network/v2.0/security-groups/{id}", ProjectMember(H404), "delete_security_group", |x, _| req().p("id", &x.sg)),
        row("GET", "/network/v2.0/security-group-rules", OwnProjectReader, "get_security_group_rule", |_, _| req()),
        // admin, or a member of the group's project.
        row("POST", "/network/v2.0/security-group-rules", ProjectMember(H404), "create_security_group_rule", |x, _| {
            req().json(json!({"security_group_rule": {"security_group_id": x.sg, "direction": "ingress", "protocol": "tcp",
                "port_range_min": 80, "port_range_max": 80}}))
        }),
        row("GET", "/network/v2.0/security-group-rules/{id}", ProjectReader(H404), "get_security_group_rule", |x, _| {
            req().p("id", &x.sg_rule)
        }),
        row("DELETE", "/network/v2.0/security-group-rules/{id}", ProjectMember(H404), "delete_security_group_rule", |x, _| {
            req().p("id", &x.sg_rule)
        }),
        row("GET", "/network/v2.0/metering/metering-labels", Admin, "get_metering_label", |_, _| req()),
        row("POST", "/network/v2.0/metering/metering-labels", Admin, "create_metering_label", |_, _| {
            req().json(json!({"metering_label": {"name": "pm-new"}}))
        }),
        row("GET", "/network/v2.0/metering/metering-labels/{id}", Admin, "get_metering_label", |x, _| req().p("id", &x.metering_label)),
        row("DELETE", "/network/v2.0/metering/metering-labels/{id}", Admin, "delete_metering_label", |x, _| {
            req().p("id", &x.metering_label)
        }),
        row("GET", "/network/v2.0/metering/metering-label-rules", Admin, "get_metering_label_rule", |_, _| req()),
        row("POST", "/network/v2.0/metering/metering-label-rules", Admin, "create_metering_label_rule", |x, _| {
            req().json(json!({"metering_label_rule": {"metering_label_id": x.metering_label, "direction": "egress", "remote_ip_prefix": "10.1.0.0/24"}})).also(409)
        }),
        row("GET", "/network/v2.0/metering/metering-label-rules/{id}", Admin, "get_metering_label_rule", |x, _| {
            req().p("id", &x.metering_rule)
        }),
        row("DELETE", "/network/v2.0/metering/metering-label-rules/{id}", Admin, "delete_metering_label_rule", |x, _| {
            req().p("id", &x.metering_rule)
        }),
        row("GET", "/network/v2.0/agents", AnyToken, "get_agent per agent: a caller it refuses gets an empty list", |_, _| req()),
        row("GET", "/network/v2.0/agents/{id}", Admin, "get_agent", |x, _| req().p("id", &x.dhcp_agent)),
        row("PUT", "/network/v2.0/agents/{id}", Admin, "update_agent", |x, _| {
            req().p("id", &x.dhcp_agent).json(json!({"agent": {"admin_state_up": false}}))
        }),
        row("DELETE", "/network/v2.0/agents/{id}", Admin, "delete_agent", |x, _| req().p("id", &x.dhcp_agent)),
        row("GET", "/network/v2.0/agents/{id}/dhcp-networks", Admin, "get_dhcp-networks", |x, _| req().p("id", &x.dhcp_agent)),
        row("POST", "/network/v2.0/agents/{id}/dhcp-networks", Admin, "create_dhcp-network", |x, _| {
            req().p("id", &x.dhcp_agent).json(json!({"network_id": x.net_del})).also(409)
        }),
        row("DELETE", "/network/v2.0/agents/{id}/dhcp-networks/{network_id}", Admin, "delete_dhcp-network", |x, _| {
            req().p("id", &x.dhcp_agent).p("network_id", &x.net_del).also(409)
        }),
        row("GET", "/network/v2.0/agents/{id}/l3-routers", Admin, "get_l3-routers", |x, _| req().p("id", &x.l3_agent)),
        row("GET", "/network/v2.0/network-ip-availabilities", Admin, "get_network_ip_availability", |_, _| req()),
        row("GET", "/network/v2.0/network-ip-availabilities/{id}", Admin, "get_network_ip_availability", |x, _| req().p("id", &x.net)),
        // Listing every project's quotas is the admin's (get_quota with no project to match).
        row("GET", "/network/v2.0/quotas", Admin, "get_quota", |_, _| req()),
        row("GET", "/network/v2.0/quotas/{project}", ProjectReader(H403), "get_quota", |x, _| req().p("project", &x.demo_p)),
        row("PUT", "/network/v2.0/quotas/{project}", Admin, "update_quota", |x, _| {
            req().p("project", &x.demo_p).json(json!({"quota": {"network": 20}}))
        }),
        row("DELETE", "/network/v2.0/quotas/{project}", Admin, "delete_quota", |x, _| req().p("project", &x.demo_p)),
        row("GET", "/network/v2.0/quotas/{project}/details", ProjectReader(H403), "get_quota", |x, _| req().p("project", &x.demo_p)),
        row("GET", "/network/v2.0/quotas/{project}/default", ProjectReader(H403), "get_quota", |x, _| req().p("project", &x.demo_p)),
    ]
}

/// Tags on every tagged Neutron resource: reads follow `get_<resource>`, writes `update_<resource>`.
pub fn tags() -> Vec<Row> {
    macro_rules! tags {
        ($coll:literal, $field:ident, $get:literal, $update:literal) => {
            vec![
                row("GET", concat!("/network/v2.0/", $coll, "/{id}/tags"), ProjectReader(H404), $get, |x, _| req().p("id", &x.$field)),
                row("PUT", concat!("/network/v2.0/", $coll, "/{id}/tags"), ProjectMember(H404), $update, |x, _| {
                    req().p("id", &x.$field).json(json!({"tags": ["pm-a", "pm-b"]}))
                }),
                row("DELETE", concat!("/network/v2.0/", $coll, "/{id}/tags"), ProjectMember(H404), $update, |x, _| req().p("id", &x.$field)),
                row("GET", concat!("/network/v2.0/", $coll, "/{id}/tags/{tag}"), ProjectReader(H404), $get, |x, _| {
                    req().p("id", &x.$field).p("tag", "pm-tag")
                }),
                row("PUT", concat!("/network/v2.0/", $coll, "/{id}/tags/{tag}"), ProjectMember(H404), $update, |x, _| {
                    req().p("id", &x.$field).p("tag", "pm-tag-2")
                }),
                row("DELETE", concat!("/network/v2.0/", $coll, "/{id}/tags/{tag}"), ProjectMember(H404), $update, |x, _| {
                    req().p("id", &x.$field).p("tag", "pm-tag")
                }),
            ]
        };
    }
    [
        tags!("networks", net, "get_network", "update_network"),
        tags!("subnets", subnet, "get_subnet", "update_subnet"),
        tags!("ports", port, "get_port", "update_port"),
        tags!("routers", router, "get_router", "update_router"),
        tags!("floatingips", fip, "get_floatingip", "update_floatingip"),
        tags!("security-groups", sg, "get_security_group", "update_security_group"),
        tags!("subnetpools", subnetpool, "get_subnetpool", "update_subnetpool"),
    ]
    .into_iter()
    .flatten()
    .collect()
}
