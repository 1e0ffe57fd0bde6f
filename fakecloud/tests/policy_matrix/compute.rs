//! Nova (nova/policies).

use crate::setup::PUBKEY;
use crate::Hidden::{Forbidden as H403, NotFound as H404};
use crate::Rule::*;
use crate::{req, row, Row};
use serde_json::json;

fn srv(x: &crate::setup::Ctx) -> crate::Req {
    req().p("id", &x.server)
}

pub fn rows() -> Vec<Row> {
    vec![
        row("GET", "/compute", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/compute/v2.1", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/compute/v2.1/", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/compute/v2", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/compute/v2/", Public, "version discovery (unauthenticated)", |_, _| req()),
        row(
            "GET",
            "/compute/v2.1/servers/{id}/os-instance-actions",
            ProjectReader(H404),
            "os_compute_api:os-instance-actions:list",
            |x, _| srv(x),
        ),
        row(
            "GET",
            "/compute/v2.1/servers/{id}/os-instance-actions/{request_id}",
            ProjectReader(H404),
            "os_compute_api:os-instance-actions:show",
            |x, _| srv(x).p("request_id", &x.server_action),
        ),
        row(
            "GET",
            "/compute/v2.1/servers/{id}/os-security-groups",
            ProjectReader(H404),
            "os_compute_api:os-security-groups:list",
            |x, _| srv(x),
        ),
        row("GET", "/compute/v2.1/os-floating-ips", OwnProjectReader, "os_compute_api:os-floating-ips:list", |_, _| req().nova("2.35")),
        row("POST", "/compute/v2.1/os-floating-ips", OwnProjectMember, "os_compute_api:os-floating-ips:create", |_, _| {
            req().nova("2.35").json(json!({"pool": "public"}))
        }),
        row("GET", "/compute/v2.1/os-floating-ips/{id}", ProjectReader(H404), "os_compute_api:os-floating-ips:show", |x, _| {
            req().nova("2.35").p("id", &x.fip)
        }),
        row("DELETE", "/compute/v2.1/os-floating-ips/{id}", ProjectMember(H404), "os_compute_api:os-floating-ips:delete", |x, _| {
            req().nova("2.35").p("id", &x.fip)
        }),
        row("GET", "/compute/v2.1/os-floating-ip-pools", AnyToken, "os_compute_api:os-floating-ip-pools", |_, _| req().nova("2.35")),
        row("GET", "/compute/v2.1/servers", OwnProjectReader, "os_compute_api:servers:index", |_, _| req()),
        row("POST", "/compute/v2.1/servers", OwnProjectMember, "os_compute_api:servers:create", |x, _| {
            req().json(json!({"server": {"name": "pm-vm", "flavorRef": x.tiny, "imageRef": x.cirros}}))
        }),
        row("GET", "/compute/v2.1/servers/detail", OwnProjectReader, "os_compute_api:servers:detail", |_, _| req()),
        row("GET", "/compute/v2.1/servers/{id}", ProjectReader(H404), "os_compute_api:servers:show", |x, _| req().p("id", &x.server)),
        row("PUT", "/compute/v2.1/servers/{id}", ProjectMember(H404), "os_compute_api:servers:update", |x, _| {
            req().p("id", &x.server).json(json!({"server": {"name": "pm-renamed"}}))
        }),
        row("DELETE", "/compute/v2.1/servers/{id}", ProjectMember(H404), "os_compute_api:servers:delete", |x, _| req().p("id", &x.server)),
        row("POST", "/compute/v2.1/servers/{id}/action", ProjectMember(H404), "os_compute_api:servers:stop", |x, _| {
            req().p("id", &x.server).json(json!({"os-stop": null}))
        }),
        row("GET", "/compute/v2.1/servers/{id}/metadata", ProjectReader(H404), "os_compute_api:server-metadata:index", |x, _| srv(x)),
        row("POST", "/compute/v2.1/servers/{id}/metadata", ProjectMember(H404), "os_compute_api:server-metadata:create", |x, _| {
            srv(x).json(json!({"metadata": {"pm2": "2"}}))
        }),
        row("PUT", "/compute/v2.1/servers/{id}/metadata", ProjectMember(H404), "os_compute_api:server-metadata:update_all", |x, _| {
            srv(x).json(json!({"metadata": {"pm": "3"}}))
        }),
        row("GET", "/compute/v2.1/servers/{id}/metadata/{key}", ProjectReader(H404), "os_compute_api:server-metadata:show", |x, _| {
            srv(x).p("key", "pm")
        }),
        row("PUT", "/compute/v2.1/servers/{id}/metadata/{key}", ProjectMember(H404), "os_compute_api:server-metadata:update", |x, _| {
            srv(x).p("key", "pm").json(json!({"meta": {"pm": "4"}}))
        }),
        row("DELETE", "/compute/v2.1/servers/{id}/metadata/{key}", ProjectMember(H404), "os_compute_api:server-metadata:delete", |x, _| {
            srv(x).p("key", "pm")
        }),
        row("GET", "/compute/v2.1/servers/{id}/tags", ProjectReader(H404), "os_compute_api:os-server-tags:index", |x, _| {
            srv(x).nova("2.26")
        }),
        row("PUT", "/compute/v2.1/servers/{id}/tags", ProjectMember(H404), "os_compute_api:os-server-tags:update_all", |x, _| {
            srv(x).nova("2.26").json(json!({"tags": ["a", "b"]}))
        }),
        row("DELETE", "/compute/v2.1/servers/{id}/tags", ProjectMember(H404), "os_compute_api:os-server-tags:delete_all", |x, _| {
            srv(x).nova("2.26")
        }),
        row("GET", "/compute/v2.1/servers/{id}/tags/{tag}", ProjectReader(H404), "os_compute_api:os-server-tags:show", |x, _| {
            srv(x).p("tag", "pm-tag").nova("2.26")
        }),
        row("PUT", "/compute/v2.1/servers/{id}/tags/{tag}", ProjectMember(H404), "os_compute_api:os-server-tags:update", |x, _| {
            srv(x).p("tag", "pm-new").nova("2.26")
        }),
        row("DELETE", "/compute/v2.1/servers/{id}/tags/{tag}", ProjectMember(H404), "os_compute_api:os-server-tags:delete", |x, _| {
            srv(x).p("tag", "pm-tag").nova("2.26")
        }),
        row("GET", "/compute/v2.1/servers/{id}/ips", ProjectReader(H404), "os_compute_api:ips:index", |x, _| srv(x)),
        row("GET", "/compute/v2.1/servers/{id}/ips/{network}", ProjectReader(H404), "os_compute_api:ips:show", |x, _| {
            srv(x).p("network", "private")
        }),
        row("GET", "/compute/v2.1/servers/{id}/diagnostics", Admin, "os_compute_api:os-server-diagnostics", |x, _| srv(x)),
        row("GET", "/compute/v2.1/servers/{id}/os-interface", ProjectReader(H404), "os_compute_api:os-attach-interfaces:list", |x, _| {
            srv(x)
        }),
        row(
            "POST",
            "/compute/v2.1/servers/{id}/os-interface",
            ProjectMember(H404),
            "os_compute_api:os-attach-interfaces:create",
            |x, _| srv(x).json(json!({"interfaceAttachment": {"net_id": x.net}})),
        ),
        row(
            "GET",
            "/compute/v2.1/servers/{id}/os-interface/{port_id}",
            ProjectReader(H404),
            "os_compute_api:os-attach-interfaces:show",
            |x, _| srv(x).p("port_id", &x.server_port),
        ),
        row(
            "DELETE",
            "/compute/v2.1/servers/{id}/os-interface/{port_id}",
            ProjectMember(H404),
            "os_compute_api:os-attach-interfaces:delete",
            |x, _| srv(x).p("port_id", &x.port),
        ),
        row(
            "GET",
            "/compute/v2.1/servers/{id}/os-server-password",
            ProjectReader(H404),
            "os_compute_api:os-server-password:show",
            |x, _| srv(x),
        ),
        row(
            "DELETE",
            "/compute/v2.1/servers/{id}/os-server-password",
            ProjectMember(H404),
            "os_compute_api:os-server-password:clear",
            |x, _| srv(x),
        ),
        row("GET", "/compute/v2.1/flavors", AnyToken, "os_compute_api:flavors:index", |_, _| req()),
        row("GET", "/compute/v2.1/flavors/detail", AnyToken, "os_compute_api:flavors:index", |_, _| req()),
        row("GET", "/compute/v2.1/flavors/{id}", AnyToken, "os_compute_api:flavors:show", |x, _| req().p("id", &x.flavor)),
        row("GET", "/compute/v2.1/flavors/{id}/os-extra_specs", OwnProjectReader, "os_compute_api:os-flavor-extra-specs:index", |x, _| {
            req().p("id", &x.flavor)
        }),
        row("GET", "/compute/v2.1/flavors/{id}/os-flavor-access", Admin, "os_compute_api:os-flavor-access", |x, _| {
            req().p("id", &x.private_flavor)
        }),
        row("POST", "/compute/v2.1/flavors", Admin, "os_compute_api:os-flavor-manage:create", |_, _| {
            req().json(json!({"flavor": {"name": "pm-flavor", "ram": 256, "vcpus": 1, "disk": 1}}))
        }),
        row("PUT", "/compute/v2.1/flavors/{id}", Admin, "os_compute_api:os-flavor-manage:update", |x, _| {
            req().p("id", &x.tiny).nova("2.55").json(json!({"flavor": {"description": "pm"}}))
        }),
        row("DELETE", "/compute/v2.1/flavors/{id}", Admin, "os_compute_api:os-flavor-manage:delete", |x, _| req().p("id", &x.tiny)),
        row("POST", "/compute/v2.1/flavors/{id}/action", Admin, "os_compute_api:os-flavor-access:add_tenant_access", |x, _| {
            req().p("id", &x.private_flavor).json(json!({"addTenantAccess": {"tenant": x.alt_p}}))
        }),
        row("POST", "/compute/v2.1/flavors/{id}/os-extra_specs", Admin, "os_compute_api:os-flavor-extra-specs:create", |x, _| {
            req().p("id", &x.tiny).json(json!({"extra_specs": {"pm:other": "x"}}))
        }),
        row("GET", "/compute/v2.1/flavors/{id}/os-extra_specs/{key}", AnyToken, "os_compute_api:os-flavor-extra-specs:show", |x, _| {
            req().p("id", &x.tiny).p("key", "pm:key")
        }),
        row("PUT", "/compute/v2.1/flavors/{id}/os-extra_specs/{key}", Admin, "os_compute_api:os-flavor-extra-specs:update", |x, _| {
            req().p("id", &x.tiny).p("key", "pm:key").json(json!({"pm:key": "changed"}))
        }),
        row("DELETE", "/compute/v2.1/flavors/{id}/os-extra_specs/{key}", Admin, "os_compute_api:os-flavor-extra-specs:delete", |x, _| {
            req().p("id", &x.tiny).p("key", "pm:key")
        }),
        // Keypairs belong to a user; from 2.10 ?user_id= (or the body's user_id) names the owner.
        row("GET", "/compute/v2.1/os-keypairs", UserOrAdmin, "os_compute_api:os-keypairs:index", |x, _| {
            req().q(format!("user_id={}", x.demo_u)).nova("2.10")
        }),
        row("POST", "/compute/v2.1/os-keypairs", UserOrAdmin, "os_compute_api:os-keypairs:create", |x, _| {
            req().nova("2.10").json(json!({"keypair": {"name": "pm-key-2", "public_key": PUBKEY, "user_id": x.demo_u}}))
        }),
        row("GET", "/compute/v2.1/os-keypairs/{name}", UserOrAdmin, "os_compute_api:os-keypairs:show", |x, _| {
            req().p("name", "pm-key").q(format!("user_id={}", x.demo_u)).nova("2.10")
        }),
        row("DELETE", "/compute/v2.1/os-keypairs/{name}", UserOrAdmin, "os_compute_api:os-keypairs:delete", |x, _| {
            req().p("name", "pm-key").q(format!("user_id={}", x.demo_u)).nova("2.10")
        }),
        row("GET", "/compute/v2.1/os-server-groups", OwnProjectReader, "os_compute_api:os-server-groups:index", |_, _| req()),
        row("POST", "/compute/v2.1/os-server-groups", OwnProjectMember, "os_compute_api:os-server-groups:create", |_, _| {
            req().json(json!({"server_group": {"name": "pm-group-2", "policies": ["anti-affinity"]}}))
        }),
        row("GET", "/compute/v2.1/os-server-groups/{id}", ProjectReader(H404), "os_compute_api:os-server-groups:show", |x, _| {
            req().p("id", &x.group)
        }),
        row("DELETE", "/compute/v2.1/os-server-groups/{id}", ProjectMember(H404), "os_compute_api:os-server-groups:delete", |x, _| {
            req().p("id", &x.group)
        }),
        row("GET", "/compute/v2.1/os-availability-zone", AnyToken, "os_compute_api:os-availability-zone:list", |_, _| req()),
        row("GET", "/compute/v2.1/os-availability-zone/detail", Admin, "os_compute_api:os-availability-zone:detail", |_, _| req()),
        row("GET", "/compute/v2.1/os-hypervisors", Admin, "os_compute_api:os-hypervisors:list", |_, _| req()),
        row("GET", "/compute/v2.1/os-hypervisors/detail", Admin, "os_compute_api:os-hypervisors:list-detail", |_, _| req()),
        row("GET", "/compute/v2.1/os-hypervisors/{id}", Admin, "os_compute_api:os-hypervisors:show", |x, _| req().p("id", &x.hypervisor)),
        row("GET", "/compute/v2.1/os-migrations", Admin, "os_compute_api:os-migrations:index", |_, _| req()),
        row("GET", "/compute/v2.1/os-services", Admin, "os_compute_api:os-services:list", |_, _| req()),
        row("PUT", "/compute/v2.1/os-services/{id}", Admin, "os_compute_api:os-services:update", |x, _| {
            req().p("id", &x.nova_service).nova("2.53").json(json!({"status": "disabled", "disabled_reason": "pm"}))
        }),
        row("GET", "/compute/v2.1/os-hypervisors/statistics", Admin, "os_compute_api:os-hypervisors:statistics", |_, _| req()),
        row("GET", "/compute/v2.1/os-hypervisors/{id}/search", Admin, "os_compute_api:os-hypervisors:search", |x, _| {
            req().p("id", &x.compute_host)
        }),
        row("GET", "/compute/v2.1/os-hypervisors/{id}/servers", Admin, "os_compute_api:os-hypervisors:servers", |x, _| {
            req().p("id", &x.compute_host)
        }),
        row("GET", "/compute/v2.1/os-hypervisors/{id}/uptime", Admin, "os_compute_api:os-hypervisors:uptime", |x, _| {
            req().p("id", &x.hypervisor)
        }),
        row("GET", "/compute/v2.1/limits", AnyToken, "os_compute_api:limits", |_, _| req()),
        row("GET", "/compute/v2.1/os-quota-sets/{id}", ProjectReader(H403), "os_compute_api:os-quota-sets:show", |x, _| {
            req().p("id", &x.demo_p)
        }),
        row("PUT", "/compute/v2.1/os-quota-sets/{id}", Admin, "os_compute_api:os-quota-sets:update", |x, _| {
            req().p("id", &x.demo_p).json(json!({"quota_set": {"instances": 20}}))
        }),
        row("DELETE", "/compute/v2.1/os-quota-sets/{id}", Admin, "os_compute_api:os-quota-sets:delete", |x, _| req().p("id", &x.demo_p)),
        row("GET", "/compute/v2.1/os-quota-sets/{id}/defaults", AnyToken, "os_compute_api:os-quota-sets:defaults", |x, _| {
            req().p("id", &x.demo_p)
        }),
        row("GET", "/compute/v2.1/os-quota-sets/{id}/detail", ProjectReader(H403), "os_compute_api:os-quota-sets:detail", |x, _| {
            req().p("id", &x.demo_p)
        }),
        row("GET", "/compute/v2.1/os-quota-class-sets/{id}", Admin, "os_compute_api:os-quota-class-sets:show", |_, _| {
            req().p("id", "default")
        }),
        row("PUT", "/compute/v2.1/os-quota-class-sets/{id}", Admin, "os_compute_api:os-quota-class-sets:update", |_, _| {
            req().p("id", "default").json(json!({"quota_class_set": {"instances": 20}}))
        }),
        row("GET", "/compute/v2.1/os-aggregates", Admin, "os_compute_api:os-aggregates:index", |_, _| req()),
        row("POST", "/compute/v2.1/os-aggregates", Admin, "os_compute_api:os-aggregates:create", |_, _| {
            req().json(json!({"aggregate": {"name": "pm-agg-2", "availability_zone": "pm-zone"}}))
        }),
        row("GET", "/compute/v2.1/os-aggregates/{id}", Admin, "os_compute_api:os-aggregates:show", |x, _| req().p("id", &x.aggregate)),
        row("PUT", "/compute/v2.1/os-aggregates/{id}", Admin, "os_compute_api:os-aggregates:update", |x, _| {
            req().p("id", &x.aggregate).json(json!({"aggregate": {"name": "pm-agg-renamed"}}))
        }),
        row("DELETE", "/compute/v2.1/os-aggregates/{id}", Admin, "os_compute_api:os-aggregates:delete", |x, _| req().p("id", &x.aggregate)),
        row("POST", "/compute/v2.1/os-aggregates/{id}/action", Admin, "os_compute_api:os-aggregates:add_host", |x, _| {
            req().p("id", &x.aggregate).json(json!({"add_host": {"host": x.compute_host}}))
        }),
        row("GET", "/compute/v2.1/os-hosts", Admin, "os_compute_api:os-hosts:list", |_, _| req()),
        row("GET", "/compute/v2.1/os-hosts/{host}", Admin, "os_compute_api:os-hosts:show", |x, _| req().p("host", &x.compute_host)),
        row("PUT", "/compute/v2.1/os-hosts/{host}", Admin, "os_compute_api:os-hosts:update", |x, _| {
            req().p("host", &x.compute_host).json(json!({"status": "disable"}))
        }),
        // The libvirt driver has no host power actions: past the policy, Nova answers 501.
        row("GET", "/compute/v2.1/os-hosts/{host}/startup", Admin, "os_compute_api:os-hosts:start", |x, _| {
            req().p("host", &x.compute_host).also(501)
        }),
        row("GET", "/compute/v2.1/os-hosts/{host}/shutdown", Admin, "os_compute_api:os-hosts:shutdown", |x, _| {
            req().p("host", &x.compute_host).also(501)
        }),
        row("GET", "/compute/v2.1/os-hosts/{host}/reboot", Admin, "os_compute_api:os-hosts:reboot", |x, _| {
            req().p("host", &x.compute_host).also(501)
        }),
        row("GET", "/compute/v2.1/os-simple-tenant-usage", Admin, "os_compute_api:os-simple-tenant-usage:list", |_, _| req()),
        row(
            "GET",
            "/compute/v2.1/os-simple-tenant-usage/{id}",
            ProjectReader(H403),
            "os_compute_api:os-simple-tenant-usage:show",
            |x, _| req().p("id", &x.demo_p),
        ),
        row("GET", "/compute/v2.1/os-instance_usage_audit_log", Admin, "os_compute_api:os-instance-usage-audit-log:list", |_, _| req()),
        row(
            "GET",
            "/compute/v2.1/os-instance_usage_audit_log/{before}",
            Admin,
            "os_compute_api:os-instance-usage-audit-log:show",
            |_, _| req().p("before", "2026-01-01%2000:00:00"),
        ),
        row("GET", "/compute/v2.1/extensions", AnyToken, "os_compute_api:extensions", |_, _| req()),
        row("GET", "/compute/v2.1/extensions/{alias}", AnyToken, "os_compute_api:extensions", |_, _| req().p("alias", "os-hosts")),
        row("GET", "/compute/v2.1/os-networks", OwnProjectReader, "os_compute_api:os-networks:list", |_, _| req()),
        row("GET", "/compute/v2.1/os-networks/{id}", ProjectReader(H404), "os_compute_api:os-networks:show", |x, _| req().p("id", &x.net)),
        row("GET", "/compute/v2.1/os-tenant-networks", OwnProjectReader, "os_compute_api:os-tenant-networks:list", |_, _| req()),
        row("GET", "/compute/v2.1/os-tenant-networks/{id}", ProjectReader(H404), "os_compute_api:os-tenant-networks:show", |x, _| {
            req().p("id", &x.net)
        }),
        row("POST", "/compute/v2.1/os-server-external-events", Admin, "os_compute_api:os-server-external-events:create", |x, _| {
            req().json(json!({"events": [{"name": "network-changed", "server_uuid": x.server}]}))
        }),
        row(
            "GET",
            "/compute/v2.1/servers/{id}/os-volume_attachments",
            ProjectReader(H404),
            "os_compute_api:os-volumes-attachments:index",
            |x, _| srv(x),
        ),
        row(
            "POST",
            "/compute/v2.1/servers/{id}/os-volume_attachments",
            ProjectMember(H404),
            "os_compute_api:os-volumes-attachments:create",
            |x, _| srv(x).json(json!({"volumeAttachment": {"volumeId": x.volume}})),
        ),
        row(
            "GET",
            "/compute/v2.1/servers/{id}/os-volume_attachments/{volume_id}",
            ProjectReader(H404),
            "os_compute_api:os-volumes-attachments:show",
            |x, _| req().p("id", &x.db_server).p("volume_id", &x.db_volume),
        ),
        row(
            "PUT",
            "/compute/v2.1/servers/{id}/os-volume_attachments/{volume_id}",
            ProjectMember(H404),
            "os_compute_api:os-volumes-attachments:update",
            |x, _| {
                req()
                    .p("id", &x.db_server)
                    .p("volume_id", &x.db_volume)
                    .nova("2.85")
                    .json(json!({"volumeAttachment": {"volumeId": x.db_volume, "delete_on_termination": true}}))
            },
        ),
        row(
            "DELETE",
            "/compute/v2.1/servers/{id}/os-volume_attachments/{volume_id}",
            ProjectMember(H404),
            "os_compute_api:os-volumes-attachments:delete",
            |x, _| req().p("id", &x.db_server).p("volume_id", &x.db_volume),
        ),
        // The proxies check the caller's own project; Cinder then hides another project's volume.
        row("GET", "/compute/v2.1/os-volumes", OwnProjectReader, "os_compute_api:os-volumes:list", |_, _| req()),
        row("POST", "/compute/v2.1/os-volumes", OwnProjectMember, "os_compute_api:os-volumes:create", |_, _| {
            req().json(json!({"volume": {"size": 1, "display_name": "pm-nova-vol"}}))
        }),
        row("GET", "/compute/v2.1/os-volumes/detail", OwnProjectReader, "os_compute_api:os-volumes:detail", |_, _| req()),
        row("GET", "/compute/v2.1/os-volumes/{id}", ProjectReader(H404), "os_compute_api:os-volumes:show", |x, _| req().p("id", &x.volume)),
        row("DELETE", "/compute/v2.1/os-volumes/{id}", ProjectMember(H404), "os_compute_api:os-volumes:delete", |x, _| {
            req().p("id", &x.volume)
        }),
        row("GET", "/compute/v2.1/os-snapshots", OwnProjectReader, "os_compute_api:os-volumes:snapshots:list", |_, _| req()),
        row("POST", "/compute/v2.1/os-snapshots", OwnProjectMember, "os_compute_api:os-volumes:snapshots:create", |x, _| {
            // Another project's caller passes the policy (its own project) and then finds no such volume.
            req().json(json!({"snapshot": {"volume_id": x.snapvol, "display_name": "pm-nova-snap"}})).also(404)
        }),
        row("GET", "/compute/v2.1/os-snapshots/detail", OwnProjectReader, "os_compute_api:os-volumes:snapshots:detail", |_, _| req()),
        row("GET", "/compute/v2.1/os-snapshots/{id}", ProjectReader(H404), "os_compute_api:os-volumes:snapshots:show", |x, _| {
            req().p("id", &x.vsnap)
        }),
        row("DELETE", "/compute/v2.1/os-snapshots/{id}", ProjectMember(H404), "os_compute_api:os-volumes:snapshots:delete", |x, _| {
            req().p("id", &x.vsnap)
        }),
        row("GET", "/compute/v2.1/os-security-groups", OwnProjectReader, "os_compute_api:os-security-groups:get", |_, _| req()),
        row("POST", "/compute/v2.1/os-security-groups", OwnProjectMember, "os_compute_api:os-security-groups:create", |_, _| {
            req().json(json!({"security_group": {"name": "pm-nova-sg", "description": "pm"}}))
        }),
        row("GET", "/compute/v2.1/os-security-groups/{id}", ProjectReader(H404), "os_compute_api:os-security-groups:show", |x, _| {
            req().p("id", &x.sg)
        }),
        row("PUT", "/compute/v2.1/os-security-groups/{id}", ProjectMember(H404), "os_compute_api:os-security-groups:update", |x, _| {
            req().p("id", &x.sg).json(json!({"security_group": {"name": "pm-sg-renamed", "description": "pm"}}))
        }),
        row("DELETE", "/compute/v2.1/os-security-groups/{id}", ProjectMember(H404), "os_compute_api:os-security-groups:delete", |x, _| {
            req().p("id", &x.sg)
        }),
        // The rule's parent group decides: another project's group is not found.
        row(
            "POST",
            "/compute/v2.1/os-security-group-rules",
            ProjectMember(H404),
            "os_compute_api:os-security-groups:rule:create",
            |x, _| {
                req().json(json!({"security_group_rule": {"parent_group_id": x.sg, "ip_protocol": "tcp", "from_port": 80, "to_port": 80}}))
            },
        ),
        row(
            "DELETE",
            "/compute/v2.1/os-security-group-rules/{id}",
            ProjectMember(H404),
            "os_compute_api:os-security-groups:rule:delete",
            |x, _| req().p("id", &x.sg_rule),
        ),
    ]
}
