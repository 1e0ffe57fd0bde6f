//! Nova over HTTP (`/compute`): version documents, microversion negotiation, and the routes, one
//! file per family. This file is the route table; what the handlers share is in `common.rs`.

mod admin;
mod common;
mod images;
mod resources;
mod server_parts;
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
        .route(
            "/v2.1/servers/{id}/metadata",
            get(server_parts::list_metadata).post(server_parts::create_metadata).put(server_parts::replace_metadata),
        )
        .route(
            "/v2.1/servers/{id}/metadata/{key}",
            get(server_parts::show_metadata_item).put(server_parts::set_metadata_item).delete(server_parts::delete_metadata_item),
        )
        .route("/v2.1/servers/{id}/tags", get(server_parts::list_tags).put(server_parts::replace_tags).delete(server_parts::clear_tags))
        .route(
            "/v2.1/servers/{id}/tags/{tag}",
            get(server_parts::check_tag_route).put(server_parts::add_tag).delete(server_parts::remove_tag),
        )
        .route("/v2.1/servers/{id}/ips", get(server_parts::list_ips))
        .route("/v2.1/servers/{id}/ips/{network}", get(server_parts::show_ips))
        .route("/v2.1/servers/{id}/diagnostics", get(server_parts::diagnostics))
        .route("/v2.1/servers/{id}/os-server-password", get(server_parts::show_password).delete(server_parts::clear_password))
        .route("/v2.1/images", get(images::list))
        .route("/v2.1/images/detail", get(images::list_detail))
        .route("/v2.1/images/{id}", get(images::show).delete(images::delete))
        .route("/v2.1/images/{id}/metadata", get(images::list_metadata).post(images::create_metadata).put(images::replace_metadata))
        .route(
            "/v2.1/images/{id}/metadata/{key}",
            get(images::show_metadata_item).put(images::set_metadata_item).delete(images::delete_metadata_item),
        )
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
