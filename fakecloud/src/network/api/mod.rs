//! Neutron over HTTP (`/network/v2.0`): handlers parse and validate the request (`request.rs`), check
//! policy (Neutron's action names), call the model and render Neutron's JSON. This file is the route
//! table; the handlers are one file per resource family. Every write runs as a
//! transaction on a copy of the network state and the id generator, so a refused request leaves the
//! world exactly as it was.

mod agents;
mod common;
mod discovery;
mod l3;
mod metering;
mod networks;
mod ports;
mod quotas;
mod security_groups;
mod subnetpools;
mod subnets;
mod tags;

use self::agents::*;
use self::discovery::*;
use self::l3::*;
use self::metering::*;
use self::networks::*;
use self::ports::*;
use self::quotas::*;
use self::security_groups::*;
use self::subnetpools::*;
use self::subnets::*;
use self::tags::{tag_route, tags_route};
use super::tags::Tagged;
use crate::http::routes::{delete, get, put, Routes};

/// Resources that carry tags, by collection path.
const TAGGED: [(&str, Tagged); 7] = [
    ("networks", Tagged::Network),
    ("subnets", Tagged::Subnet),
    ("ports", Tagged::Port),
    ("routers", Tagged::Router),
    ("floatingips", Tagged::FloatingIp),
    ("security-groups", Tagged::SecurityGroup),
    ("subnetpools", Tagged::SubnetPool),
];

pub fn router() -> Routes {
    let mut r = Routes::new()
        .route("/", get(versions))
        .route("/v2.0", get(resources))
        .route("/v2.0/extensions", get(list_extensions))
        .route("/v2.0/extensions/{alias}", get(show_extension))
        .route("/v2.0/availability_zones", get(list_availability_zones))
        .route("/v2.0/service-providers", get(list_service_providers))
        .route("/v2.0/networks", get(list_networks).post(create_network))
        .route("/v2.0/networks/{id}", get(show_network).put(update_network).delete(delete_network))
        .route("/v2.0/networks/{id}/dhcp-agents", get(network_dhcp_agents))
        .route("/v2.0/subnets", get(list_subnets).post(create_subnet))
        .route("/v2.0/subnets/{id}", get(show_subnet).put(update_subnet).delete(delete_subnet))
        .route("/v2.0/subnetpools", get(list_subnet_pools).post(create_subnet_pool))
        .route("/v2.0/subnetpools/{id}", get(show_subnet_pool).put(update_subnet_pool).delete(delete_subnet_pool))
        .route("/v2.0/ports", get(list_ports).post(create_port))
        .route("/v2.0/ports/{id}", get(show_port).put(update_port).delete(delete_port))
        .route("/v2.0/floatingips", get(list_floating_ips).post(create_floating_ip))
        .route("/v2.0/floatingips/{id}", get(show_floating_ip).put(update_floating_ip).delete(delete_floating_ip))
        .route("/v2.0/routers", get(list_routers).post(create_router))
        .route("/v2.0/routers/{id}", get(show_router).put(update_router).delete(delete_router))
        .route("/v2.0/routers/{id}/add_router_interface", put(add_router_interface))
        .route("/v2.0/routers/{id}/remove_router_interface", put(remove_router_interface))
        .route("/v2.0/routers/{id}/l3-agents", get(router_l3_agents))
        .route("/v2.0/security-groups", get(list_security_groups).post(create_security_group))
        .route("/v2.0/security-groups/{id}", get(show_security_group).put(update_security_group).delete(delete_security_group))
        .route("/v2.0/security-group-rules", get(list_rules).post(create_rule))
        .route("/v2.0/security-group-rules/{id}", get(show_rule).delete(delete_rule))
        .route("/v2.0/metering/metering-labels", get(list_metering_labels).post(create_metering_label))
        .route("/v2.0/metering/metering-labels/{id}", get(show_metering_label).delete(delete_metering_label))
        .route("/v2.0/metering/metering-label-rules", get(list_metering_rules).post(create_metering_rule))
        .route("/v2.0/metering/metering-label-rules/{id}", get(show_metering_rule).delete(delete_metering_rule))
        .route("/v2.0/agents", get(list_agents))
        .route("/v2.0/agents/{id}", get(show_agent).put(update_agent).delete(delete_agent))
        .route("/v2.0/agents/{id}/dhcp-networks", get(agent_dhcp_networks).post(add_dhcp_network))
        .route("/v2.0/agents/{id}/dhcp-networks/{network_id}", delete(remove_dhcp_network))
        .route("/v2.0/agents/{id}/l3-routers", get(agent_l3_routers))
        .route("/v2.0/network-ip-availabilities", get(list_ip_availabilities))
        .route("/v2.0/network-ip-availabilities/{id}", get(show_ip_availability))
        .route("/v2.0/quotas", get(list_quotas))
        .route("/v2.0/quotas/{project}", get(show_quota).put(update_quota).delete(delete_quota))
        .route("/v2.0/quotas/{project}/details", get(show_quota_details))
        .route("/v2.0/quotas/{project}/default", get(show_quota_default));
    for (collection, kind) in TAGGED {
        r = r
            .route(&format!("/v2.0/{collection}/{{id}}/tags"), tags_route(kind))
            .route(&format!("/v2.0/{collection}/{{id}}/tags/{{tag}}"), tag_route(kind));
    }
    r
}
