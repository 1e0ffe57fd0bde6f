//! Nova (nova/policies).

use crate::setup::PUBKEY;
use crate::Hidden::NotFound as H404;
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
        row("GET", "/compute/v2.1/os-services", Admin, "os_compute_api:os-services:list", |_, _| req()),
        row("PUT", "/compute/v2.1/os-services/{id}", Admin, "os_compute_api:os-services:update", |x, _| {
            req().p("id", &x.nova_service).nova("2.53").json(json!({"status": "disabled", "disabled_reason": "pm"}))
        }),
    ]
}
