//! Nova over HTTP (`/compute`): version documents, microversion negotiation, and the routes, one
//! file per family. This file is the route table; what the handlers share is in `common.rs`.

mod admin;
mod common;
mod resources;
mod servers;
mod versions;

use self::versions::{version, versions};
use crate::http::routes::{get, post, Routes};

pub fn router() -> Routes {
    Routes::new()
        .route("/", get(versions))
        .route("/v2.1", get(version))
        .route("/v2.1/servers", get(servers::list).post(servers::create))
        .route("/v2.1/servers/detail", get(servers::list_detail))
        .route("/v2.1/servers/{id}", get(servers::show).put(servers::update).delete(servers::delete))
        .route("/v2.1/servers/{id}/action", post(servers::action))
        .route("/v2.1/flavors", get(resources::list_flavors))
        .route("/v2.1/flavors/detail", get(resources::list_flavors_detail))
        .route("/v2.1/flavors/{id}", get(resources::show_flavor))
        .route("/v2.1/flavors/{id}/os-extra_specs", get(resources::flavor_extra_specs))
        .route("/v2.1/flavors/{id}/os-flavor-access", get(resources::flavor_access))
        .route("/v2.1/os-keypairs", get(resources::list_keypairs).post(resources::create_keypair))
        .route("/v2.1/os-keypairs/{name}", get(resources::show_keypair).delete(resources::delete_keypair))
        .route("/v2.1/os-server-groups", get(resources::list_server_groups).post(resources::create_server_group))
        .route("/v2.1/os-server-groups/{id}", get(resources::show_server_group).delete(resources::delete_server_group))
        .route("/v2.1/os-availability-zone", get(admin::availability_zones))
        .route("/v2.1/os-availability-zone/detail", get(admin::availability_zones_detail))
        .route("/v2.1/os-hypervisors", get(admin::list_hypervisors))
        .route("/v2.1/os-hypervisors/detail", get(admin::list_hypervisors_detail))
        .route("/v2.1/os-hypervisors/{id}", get(admin::show_hypervisor))
        .route("/v2.1/os-services", get(admin::list_services))
        .route("/v2.1/os-services/{id}", crate::http::routes::put(admin::update_service))
}
