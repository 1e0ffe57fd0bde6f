//! Nova over HTTP (`/compute`): version documents, microversion negotiation, and the routes, one
//! file per family. This file is the route table; what the handlers share is in `common.rs`.

mod admin;
mod aggregates;
mod assisted_snapshots;
mod block_device_mapping;
mod common;
mod flavors;
mod floating_ips;
mod hosts;
mod images;
mod instance_actions;
mod interfaces;
mod migrations;
mod paging;
mod proxies;
mod quotas;
mod resources;
mod secgroups;
mod server_images;
mod server_parts;
mod servers;
mod usage;
mod versions;
mod volume_attachments;
mod volumes;

use self::versions::{version, version_v2, versions};
use crate::http::routes::{delete, get, post, put, Routes};

pub fn router() -> Routes {
    Routes::new()
        .route("/", get(versions))
        .route("/v2.1", get(version))
        .route("/v2.1/", get(version))
        .route("/v2", get(version_v2))
        .route("/v2/", get(version_v2))
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
        .route("/v2.1/servers/{id}/os-interface", get(interfaces::list).post(interfaces::create))
        .route("/v2.1/servers/{id}/os-interface/{port_id}", get(interfaces::show).delete(interfaces::delete))
        .route("/v2.1/servers/{id}/os-security-groups", get(secgroups::list_for_server))
        .route("/v2.1/os-migrations", get(migrations::list))
        .route("/v2.1/os-assisted-volume-snapshots", post(assisted_snapshots::create))
        .route("/v2.1/os-assisted-volume-snapshots/{id}", delete(assisted_snapshots::delete))
        .route("/v2.1/servers/{id}/os-instance-actions", get(instance_actions::list))
        .route("/v2.1/servers/{id}/os-instance-actions/{request_id}", get(instance_actions::show))
        .route("/v2.1/servers/{id}/os-server-password", get(server_parts::show_password).delete(server_parts::clear_password))
        .route("/v2.1/images", get(images::list))
        .route("/v2.1/images/detail", get(images::list_detail))
        .route("/v2.1/images/{id}", get(images::show).delete(images::delete))
        .route("/v2.1/images/{id}/metadata", get(images::list_metadata).post(images::create_metadata).put(images::replace_metadata))
        .route(
            "/v2.1/images/{id}/metadata/{key}",
            get(images::show_metadata_item).put(images::set_metadata_item).delete(images::delete_metadata_item),
        )
        .route("/v2.1/flavors", get(flavors::list).post(flavors::create))
        .route("/v2.1/flavors/detail", get(flavors::list_detail))
        .route("/v2.1/flavors/{id}", get(flavors::show).put(flavors::update).delete(flavors::delete))
        .route("/v2.1/flavors/{id}/action", post(flavors::action))
        .route("/v2.1/flavors/{id}/os-extra_specs", get(flavors::extra_specs).post(flavors::set_extra_specs))
        .route(
            "/v2.1/flavors/{id}/os-extra_specs/{key}",
            get(flavors::show_extra_spec).put(flavors::update_extra_spec).delete(flavors::delete_extra_spec),
        )
        .route("/v2.1/flavors/{id}/os-flavor-access", get(flavors::access))
        .route("/v2.1/os-keypairs", get(resources::list_keypairs).post(resources::create_keypair))
        .route("/v2.1/os-keypairs/{name}", get(resources::show_keypair).delete(resources::delete_keypair))
        .route("/v2.1/os-server-groups", get(resources::list_server_groups).post(resources::create_server_group))
        .route("/v2.1/os-server-groups/{id}", get(resources::show_server_group).delete(resources::delete_server_group))
        .route("/v2.1/os-availability-zone", get(admin::availability_zones))
        .route("/v2.1/os-availability-zone/detail", get(admin::availability_zones_detail))
        .route("/v2.1/os-hypervisors", get(admin::list_hypervisors))
        .route("/v2.1/os-hypervisors/detail", get(admin::list_hypervisors_detail))
        .route("/v2.1/os-hypervisors/{id}", get(admin::show_hypervisor))
        .route("/v2.1/os-hypervisors/statistics", get(admin::hypervisor_statistics))
        .route("/v2.1/os-hypervisors/{id}/search", get(admin::search_hypervisors))
        .route("/v2.1/os-hypervisors/{id}/servers", get(admin::hypervisor_servers))
        .route("/v2.1/os-hypervisors/{id}/uptime", get(admin::hypervisor_uptime))
        .route("/v2.1/os-services", get(admin::list_services))
        .route("/v2.1/os-services/{id}", put(admin::update_service))
        // Quotas, limits, aggregates and the deprecated os-hosts.
        .route("/v2.1/limits", get(quotas::limits))
        .route("/v2.1/os-quota-sets/{id}", get(quotas::show).put(quotas::update).delete(quotas::delete))
        .route("/v2.1/os-quota-sets/{id}/defaults", get(quotas::defaults))
        .route("/v2.1/os-quota-sets/{id}/detail", get(quotas::detail))
        .route("/v2.1/os-quota-class-sets/{id}", get(quotas::show_class).put(quotas::update_class))
        .route("/v2.1/os-aggregates", get(aggregates::list).post(aggregates::create))
        .route("/v2.1/os-aggregates/{id}", get(aggregates::show).put(aggregates::update).delete(aggregates::delete))
        .route("/v2.1/os-aggregates/{id}/action", post(aggregates::action))
        .route("/v2.1/os-hosts", get(hosts::list))
        .route("/v2.1/os-hosts/{host}", get(hosts::show).put(hosts::update))
        .route("/v2.1/os-hosts/{host}/startup", get(hosts::startup))
        .route("/v2.1/os-hosts/{host}/shutdown", get(hosts::shutdown))
        .route("/v2.1/os-hosts/{host}/reboot", get(hosts::reboot))
        .route("/v2.1/os-simple-tenant-usage", get(usage::list))
        .route("/v2.1/os-simple-tenant-usage/{id}", get(usage::show))
        .route("/v2.1/os-instance_usage_audit_log", get(usage::audit_logs))
        .route("/v2.1/os-instance_usage_audit_log/{before}", get(usage::audit_log_before))
        .route("/v2.1/extensions", get(proxies::extensions))
        .route("/v2.1/extensions/{alias}", get(proxies::show_extension))
        .route("/v2.1/os-floating-ips", get(floating_ips::list).post(floating_ips::create))
        .route("/v2.1/os-floating-ips/{id}", get(floating_ips::show).delete(floating_ips::delete))
        .route("/v2.1/os-floating-ip-pools", get(floating_ips::pools))
        .route("/v2.1/os-networks", get(proxies::networks))
        .route("/v2.1/os-networks/{id}", get(proxies::show_network))
        .route("/v2.1/os-tenant-networks", get(proxies::tenant_networks))
        .route("/v2.1/os-tenant-networks/{id}", get(proxies::show_tenant_network))
        .route("/v2.1/os-server-external-events", post(proxies::external_events))
        .route("/v2.1/os-security-groups", get(secgroups::list).post(secgroups::create))
        .route("/v2.1/os-security-groups/{id}", get(secgroups::show).put(secgroups::update).delete(secgroups::delete))
        .route("/v2.1/os-security-group-rules", post(secgroups::create_rule))
        .route("/v2.1/os-security-group-rules/{id}", crate::http::routes::delete(secgroups::delete_rule))
        .route("/v2.1/servers/{id}/os-volume_attachments", get(volume_attachments::list).post(volume_attachments::create))
        .route(
            "/v2.1/servers/{id}/os-volume_attachments/{volume_id}",
            get(volume_attachments::show).put(volume_attachments::update).delete(volume_attachments::delete),
        )
        .route("/v2.1/os-volumes", get(volumes::list).post(volumes::create))
        .route("/v2.1/os-volumes/detail", get(volumes::list_detail))
        .route("/v2.1/os-volumes/{id}", get(volumes::show).delete(volumes::delete))
        .route("/v2.1/os-snapshots", get(volumes::list_snapshots).post(volumes::create_snapshot))
        .route("/v2.1/os-snapshots/detail", get(volumes::list_snapshots_detail))
        .route("/v2.1/os-snapshots/{id}", get(volumes::show_snapshot).delete(volumes::delete_snapshot))
}
