//! Cinder (cinder/policies); the URL's project is the token's, as the catalog gives it.

use crate::Hidden::{Forbidden as H403, NotFound as H404};
use crate::Rule::*;
use crate::{req, row, Req, Row};
use serde_json::json;

/// The two rows of a route Cinder serves under `/v3/{project_id}` and under `/v3`: the same
/// request, with the caller's own project in the first.
macro_rules! both {
    ($m:expr, $tail:expr, $rule:expr, $action:expr, |$x:ident, $w:ident| $body:expr) => {
        [
            row($m, concat!("/volume/v3/{project_id}", $tail), $rule, $action, |$x, $w| {
                let r: Req = $body;
                r.p("project_id", $x.own_project($w))
            }),
            row($m, concat!("/volume/v3", $tail), $rule, $action, |$x, $w| {
                let _ = (&$x, &$w);
                $body
            }),
        ]
    };
}

/// `OpenStack-API-Version` for the routes that need a later microversion.
fn mv(r: Req, version: &str) -> Req {
    r.h("openstack-api-version", format!("volume {version}"))
}

pub fn rows() -> Vec<Row> {
    let mut rows = vec![
        row("GET", "/volume", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/volume/v3", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/volume/v3/", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/volume/v3/{project_id}/os-services", Admin, "volume_extension:services:index", |x, w| {
            req().p("project_id", x.own_project(w))
        }),
        row("GET", "/volume/v3/os-services", Admin, "volume_extension:services:index", |_, _| req()),
        row("GET", "/volume/v3/{project_id}/volumes", OwnProjectReader, "volume:get_all", |x, w| req().p("project_id", x.own_project(w))),
        row("POST", "/volume/v3/{project_id}/volumes", OwnProjectMember, "volume:create", |x, w| {
            req().p("project_id", x.own_project(w)).json(json!({"volume": {"size": 1, "name": "pm-vol"}}))
        }),
        row("GET", "/volume/v3/volumes", OwnProjectReader, "volume:get_all", |_, _| req()),
        row("POST", "/volume/v3/volumes", OwnProjectMember, "volume:create", |_, _| {
            req().json(json!({"volume": {"size": 1, "name": "pm-vol"}}))
        }),
        row("GET", "/volume/v3/{project_id}/volumes/detail", OwnProjectReader, "volume:get_all", |x, w| {
            req().p("project_id", x.own_project(w))
        }),
        row("GET", "/volume/v3/volumes/detail", OwnProjectReader, "volume:get_all", |_, _| req()),
        row("GET", "/volume/v3/{project_id}/volumes/{volume_id}", ProjectReader(H404), "volume:get", |x, w| {
            req().p("project_id", x.own_project(w)).p("volume_id", &x.volume)
        }),
        row("PUT", "/volume/v3/{project_id}/volumes/{volume_id}", ProjectMember(H404), "volume:update", |x, w| {
            req().p("project_id", x.own_project(w)).p("volume_id", &x.volume).json(json!({"volume": {"name": "pm-renamed"}}))
        }),
        row("DELETE", "/volume/v3/{project_id}/volumes/{volume_id}", ProjectMember(H404), "volume:delete", |x, w| {
            req().p("project_id", x.own_project(w)).p("volume_id", &x.volume)
        }),
        row("GET", "/volume/v3/volumes/{volume_id}", ProjectReader(H404), "volume:get", |x, _| req().p("volume_id", &x.volume)),
        row("PUT", "/volume/v3/volumes/{volume_id}", ProjectMember(H404), "volume:update", |x, _| {
            req().p("volume_id", &x.volume).json(json!({"volume": {"name": "pm-renamed"}}))
        }),
        row("DELETE", "/volume/v3/volumes/{volume_id}", ProjectMember(H404), "volume:delete", |x, _| req().p("volume_id", &x.volume)),
    ];
    rows.extend(more());
    rows
}

fn more() -> Vec<Row> {
    [
        both!("PUT", "/os-services/{action}", Admin, "volume_extension:services:update", |_x, _w| req()
            .p("action", "enable")
            .json(json!({"binary": "cinder-volume", "host": "hostgroup@tripleo_ceph"}))),
        both!("GET", "/os-hosts", Admin, "volume_extension:hosts", |_x, _w| req()),
        both!("GET", "/os-hosts/{host}", Admin, "volume_extension:hosts", |_x, _w| req().p("host", "hostgroup@tripleo_ceph")),
        both!("GET", "/os-availability-zone", AnyToken, "(no policy check)", |_x, _w| req()),
        both!("GET", "/extensions", AnyToken, "(no policy check)", |_x, _w| req()),
        both!("GET", "/scheduler-stats/get_pools", Admin, "scheduler_extension:scheduler_stats:get_pools", |_x, _w| req()),
        both!("GET", "/capabilities/{host}", Admin, "volume_extension:capabilities", |_x, _w| req().p("host", "hostgroup@tripleo_ceph")),
        both!("GET", "/limits", OwnProjectReader, "limits_extension:used_limits", |_x, _w| req()),
        both!("GET", "/messages", OwnProjectReader, "message:get_all", |_x, _w| mv(req(), "3.3")),
        both!("GET", "/messages/{message_id}", ProjectReader(H404), "message:get", |x, _w| mv(req().p("message_id", &x.vmessage), "3.3")),
        both!("DELETE", "/messages/{message_id}", ProjectMember(H404), "message:delete", |x, _w| mv(
            req().p("message_id", &x.vmessage),
            "3.3"
        )),
        both!("GET", "/os-quota-sets/{target_project}", ProjectReader(H403), "volume_extension:quotas:show", |x, _w| req()
            .p("target_project", &x.demo_p)),
        both!("PUT", "/os-quota-sets/{target_project}", Admin, "volume_extension:quotas:update", |x, _w| req()
            .p("target_project", &x.demo_p)
            .json(json!({"quota_set": {"volumes": 20}}))),
        both!("DELETE", "/os-quota-sets/{target_project}", Admin, "volume_extension:quotas:delete", |x, _w| req()
            .p("target_project", &x.demo_p)),
        both!("GET", "/os-quota-sets/{target_project}/defaults", ProjectReader(H403), "volume_extension:quotas:show", |x, _w| req()
            .p("target_project", &x.demo_p)),
        both!("GET", "/os-quota-class-sets/{class_name}", Admin, "volume_extension:quota_classes:get", |_x, _w| req()
            .p("class_name", "default")),
        both!("PUT", "/os-quota-class-sets/{class_name}", Admin, "volume_extension:quota_classes:update", |_x, _w| req()
            .p("class_name", "default")
            .json(json!({"quota_class_set": {"volumes": 20}}))),
        both!("GET", "/volumes/summary", OwnProjectReader, "volume:get_all", |_x, _w| req()),
        both!("POST", "/volumes/{volume_id}/action", ProjectMember(H404), "volume:update", |x, _w| req()
            .p("volume_id", &x.volume)
            .json(json!({"os-set_bootable": {"bootable": true}}))),
        both!("GET", "/volumes/{volume_id}/metadata", ProjectReader(H404), "volume:get_volume_metadata", |x, _w| req()
            .p("volume_id", &x.snapvol)),
        both!("POST", "/volumes/{volume_id}/metadata", ProjectMember(H404), "volume:create_volume_metadata", |x, _w| req()
            .p("volume_id", &x.snapvol)
            .json(json!({"metadata": {"pm2": "2"}}))),
        both!("PUT", "/volumes/{volume_id}/metadata", ProjectMember(H404), "volume:update_volume_metadata", |x, _w| req()
            .p("volume_id", &x.snapvol)
            .json(json!({"metadata": {"pm": "2"}}))),
        both!("GET", "/volumes/{volume_id}/metadata/{key}", ProjectReader(H404), "volume:get_volume_metadata", |x, _w| req()
            .p("volume_id", &x.snapvol)
            .p("key", "pm")),
        both!("PUT", "/volumes/{volume_id}/metadata/{key}", ProjectMember(H404), "volume:update_volume_metadata", |x, _w| req()
            .p("volume_id", &x.snapvol)
            .p("key", "pm")
            .json(json!({"meta": {"pm": "2"}}))),
        both!("DELETE", "/volumes/{volume_id}/metadata/{key}", ProjectMember(H404), "volume:delete_volume_metadata", |x, _w| req()
            .p("volume_id", &x.snapvol)
            .p("key", "pm")),
        both!("GET", "/types", OwnProjectReader, "volume_extension:type_get_all", |_x, _w| req()),
        both!("POST", "/types", Admin, "volume_extension:type_create", |_x, _w| req()
            .json(json!({"volume_type": {"name": "pm-new-type"}}))),
        both!("GET", "/types/{type_id}", ProjectReader(H404), "volume_extension:type_get", |x, _w| req().p("type_id", &x.vtype)),
        both!("PUT", "/types/{type_id}", Admin, "volume_extension:type_update", |x, _w| req()
            .p("type_id", &x.vtype)
            .json(json!({"volume_type": {"description": "pm"}}))),
        both!("DELETE", "/types/{type_id}", Admin, "volume_extension:type_delete", |x, _w| req().p("type_id", &x.vtype)),
        both!("POST", "/types/{type_id}/action", Admin, "volume_extension:volume_type_access:addProjectAccess", |x, _w| req()
            .p("type_id", &x.vtype)
            .json(json!({"addProjectAccess": {"project": x.alt_p}}))),
        both!("GET", "/types/{type_id}/os-volume-type-access", Admin, "volume_extension:volume_type_access:get_all_for_type", |x, _w| req(
        )
        .p("type_id", &x.vtype)),
        both!("GET", "/types/{type_id}/extra_specs", ProjectReader(H404), "volume_extension:types_extra_specs:index", |x, _w| req()
            .p("type_id", &x.vtype)),
        both!("POST", "/types/{type_id}/extra_specs", Admin, "volume_extension:types_extra_specs:create", |x, _w| req()
            .p("type_id", &x.vtype)
            .json(json!({"extra_specs": {"pm_key": "v"}}))),
        both!("GET", "/types/{type_id}/extra_specs/{key}", ProjectReader(H404), "volume_extension:types_extra_specs:show", |x, _w| req()
            .p("type_id", &x.vtype)
            .p("key", "multiattach")),
        both!("PUT", "/types/{type_id}/extra_specs/{key}", Admin, "volume_extension:types_extra_specs:update", |x, _w| req()
            .p("type_id", &x.vtype)
            .p("key", "multiattach")
            .json(json!({"multiattach": "<is> False"}))),
        both!("DELETE", "/types/{type_id}/extra_specs/{key}", Admin, "volume_extension:types_extra_specs:delete", |x, _w| req()
            .p("type_id", &x.vtype)
            .p("key", "multiattach")),
        both!("GET", "/types/{type_id}/encryption", Admin, "volume_extension:volume_type_encryption:get", |x, _w| req()
            .p("type_id", &x.vtype)),
        // The type is encrypted already: an admin's create gets past the policy to the 400.
        both!("POST", "/types/{type_id}/encryption", Admin, "volume_extension:volume_type_encryption:create", |x, _w| req()
            .p("type_id", &x.vtype)
            .json(json!({"encryption": {"provider": "luks"}}))
            .also(400)),
        both!("GET", "/types/{type_id}/encryption/{key}", Admin, "volume_extension:volume_type_encryption:get", |x, _w| req()
            .p("type_id", &x.vtype)
            .p("key", "provider")),
        both!("PUT", "/types/{type_id}/encryption/{key}", Admin, "volume_extension:volume_type_encryption:update", |x, _w| req()
            .p("type_id", &x.vtype)
            .p("key", &x.vtype_enc)
            .json(json!({"encryption": {"cipher": "aes-xts-plain64"}}))),
        both!("DELETE", "/types/{type_id}/encryption/{key}", Admin, "volume_extension:volume_type_encryption:delete", |x, _w| req()
            .p("type_id", &x.vtype)
            .p("key", &x.vtype_enc)),
        both!("GET", "/group_types", AnyToken, "(no policy check)", |_x, _w| mv(req(), "3.11")),
        both!("POST", "/group_types", Admin, "group:group_types:create", |_x, _w| mv(
            req().json(json!({"group_type": {"name": "pm-group-type-2"}})),
            "3.11"
        )),
        both!("GET", "/group_types/{group_type_id}", AnyToken, "(no policy check)", |x, _w| mv(
            req().p("group_type_id", &x.group_type),
            "3.11"
        )),
        both!("PUT", "/group_types/{group_type_id}", Admin, "group:group_types:update", |x, _w| mv(
            req().p("group_type_id", &x.group_type).json(json!({"group_type": {"description": "pm"}})),
            "3.11"
        )),
        both!("DELETE", "/group_types/{group_type_id}", Admin, "group:group_types:delete", |x, _w| mv(
            req().p("group_type_id", &x.group_type),
            "3.11"
        )),
        both!("GET", "/group_types/{group_type_id}/group_specs", Admin, "group:group_types_specs:get_all", |x, _w| mv(
            req().p("group_type_id", &x.group_type),
            "3.11"
        )),
        both!("POST", "/group_types/{group_type_id}/group_specs", Admin, "group:group_types_specs:create", |x, _w| mv(
            req().p("group_type_id", &x.group_type).json(json!({"group_specs": {"pm2": "2"}})),
            "3.11"
        )),
        both!("GET", "/group_types/{group_type_id}/group_specs/{key}", Admin, "group:group_types_specs:get", |x, _w| mv(
            req().p("group_type_id", &x.group_type).p("key", "pm"),
            "3.11"
        )),
        both!("PUT", "/group_types/{group_type_id}/group_specs/{key}", Admin, "group:group_types_specs:update", |x, _w| mv(
            req().p("group_type_id", &x.group_type).p("key", "pm").json(json!({"pm": "2"})),
            "3.11"
        )),
        both!("DELETE", "/group_types/{group_type_id}/group_specs/{key}", Admin, "group:group_types_specs:delete", |x, _w| mv(
            req().p("group_type_id", &x.group_type).p("key", "pm"),
            "3.11"
        )),
        both!("GET", "/group_snapshots", OwnProjectReader, "group:get_all_group_snapshots", |_x, _w| mv(req(), "3.14")),
        both!("POST", "/group_snapshots", ProjectMember(H404), "group:create_group_snapshot", |x, _w| mv(
            req().json(json!({"group_snapshot": {"group_id": x.vgroup}})),
            "3.14"
        )),
        both!("GET", "/group_snapshots/detail", OwnProjectReader, "group:get_all_group_snapshots", |_x, _w| mv(req(), "3.14")),
        both!("GET", "/group_snapshots/{group_snapshot_id}", ProjectReader(H404), "group:get_group_snapshot", |x, _w| mv(
            req().p("group_snapshot_id", &x.vgsnap),
            "3.14"
        )),
        both!("DELETE", "/group_snapshots/{group_snapshot_id}", ProjectMember(H404), "group:delete_group_snapshot", |x, _w| mv(
            req().p("group_snapshot_id", &x.vgsnap),
            "3.14"
        )),
        both!("POST", "/group_snapshots/{group_snapshot_id}/action", Admin, "group:reset_group_snapshot_status", |x, _w| mv(
            req().p("group_snapshot_id", &x.vgsnap).json(json!({"reset_status": {"status": "available"}})),
            "3.19"
        )),
        both!("GET", "/groups", OwnProjectReader, "group:get_all", |_x, _w| mv(req(), "3.13")),
        both!("POST", "/groups", OwnProjectMember, "group:create", |x, _w| mv(
            req().json(json!({"group": {"group_type": x.group_type, "volume_types": ["__DEFAULT__"]}})),
            "3.13"
        )),
        both!("GET", "/groups/detail", OwnProjectReader, "group:get_all", |_x, _w| mv(req(), "3.13")),
        both!("POST", "/groups/action", ProjectMember(H404), "group:create", |x, _w| mv(
            req().json(json!({"create-from-src": {"source_group_id": x.vgroup, "name": "pm-copy"}})),
            "3.14"
        )),
        both!("GET", "/groups/{group_id}", ProjectReader(H404), "group:get", |x, _w| mv(req().p("group_id", &x.vgroup), "3.13")),
        both!("PUT", "/groups/{group_id}", ProjectMember(H404), "group:update", |x, _w| mv(
            req().p("group_id", &x.vgroup).json(json!({"group": {"name": "pm-renamed"}})),
            "3.13"
        )),
        both!("POST", "/groups/{group_id}/action", ProjectMember(H404), "group:delete", |x, _w| mv(
            req().p("group_id", &x.vgroup).json(json!({"delete": {"delete-volumes": true}})),
            "3.13"
        )),
        both!("GET", "/qos-specs", Admin, "volume_extension:qos_specs_manage:get_all", |_x, _w| req()),
        both!("POST", "/qos-specs", Admin, "volume_extension:qos_specs_manage:create", |_x, _w| req()
            .json(json!({"qos_specs": {"name": "pm-qos-2"}}))),
        both!("GET", "/qos-specs/{qos_id}", Admin, "volume_extension:qos_specs_manage:get", |x, _w| req().p("qos_id", &x.qos)),
        both!("PUT", "/qos-specs/{qos_id}", Admin, "volume_extension:qos_specs_manage:update", |x, _w| req()
            .p("qos_id", &x.qos)
            .json(json!({"qos_specs": {"write_iops_sec": "50"}}))),
        both!("DELETE", "/qos-specs/{qos_id}", Admin, "volume_extension:qos_specs_manage:delete", |x, _w| req().p("qos_id", &x.qos)),
        both!("PUT", "/qos-specs/{qos_id}/delete_keys", Admin, "volume_extension:qos_specs_manage:update", |x, _w| req()
            .p("qos_id", &x.qos)
            .json(json!({"keys": ["read_iops_sec"]}))),
        both!("GET", "/qos-specs/{qos_id}/associations", Admin, "volume_extension:qos_specs_manage:get", |x, _w| req().p("qos_id", &x.qos)),
        both!("GET", "/qos-specs/{qos_id}/associate", Admin, "volume_extension:qos_specs_manage:update", |x, _w| req()
            .p("qos_id", &x.qos)
            .q(format!("vol_type_id={}", x.vtype))),
        both!("GET", "/qos-specs/{qos_id}/disassociate", Admin, "volume_extension:qos_specs_manage:update", |x, _w| req()
            .p("qos_id", &x.qos)
            .q(format!("vol_type_id={}", x.vtype))),
        both!("GET", "/qos-specs/{qos_id}/disassociate_all", Admin, "volume_extension:qos_specs_manage:update", |x, _w| req()
            .p("qos_id", &x.qos)),
        both!("GET", "/snapshots", OwnProjectReader, "volume:get_all_snapshots", |_x, _w| req()),
        both!("POST", "/snapshots", ProjectMember(H404), "volume:create_snapshot", |x, _w| req()
            .json(json!({"snapshot": {"volume_id": x.snapvol, "name": "pm-snap-2"}}))),
        both!("GET", "/snapshots/detail", OwnProjectReader, "volume:get_all_snapshots", |_x, _w| req()),
        both!("GET", "/snapshots/{snapshot_id}", ProjectReader(H404), "volume:get_snapshot", |x, _w| req().p("snapshot_id", &x.vsnap)),
        both!("PUT", "/snapshots/{snapshot_id}", ProjectMember(H404), "volume:update_snapshot", |x, _w| req()
            .p("snapshot_id", &x.vsnap)
            .json(json!({"snapshot": {"name": "pm-renamed"}}))),
        both!("DELETE", "/snapshots/{snapshot_id}", ProjectMember(H404), "volume:delete_snapshot", |x, _w| req()
            .p("snapshot_id", &x.vsnap)),
        // A backend's status report: only from creating or deleting, so the owner's reaches the 400.
        both!(
            "POST",
            "/snapshots/{snapshot_id}/action",
            ProjectMember(H404),
            "snapshot_extension:snapshot_actions:update_snapshot_status",
            |x, _w| req().p("snapshot_id", &x.vsnap).json(json!({"os-update_snapshot_status": {"status": "error"}})).also(400)
        ),
        both!("GET", "/snapshots/{snapshot_id}/metadata", ProjectReader(H404), "volume:get_snapshot_metadata", |x, _w| req()
            .p("snapshot_id", &x.vsnap)),
        both!("POST", "/snapshots/{snapshot_id}/metadata", ProjectMember(H404), "volume:update_snapshot_metadata", |x, _w| req()
            .p("snapshot_id", &x.vsnap)
            .json(json!({"metadata": {"pm2": "2"}}))),
        both!("PUT", "/snapshots/{snapshot_id}/metadata", ProjectMember(H404), "volume:update_snapshot_metadata", |x, _w| req()
            .p("snapshot_id", &x.vsnap)
            .json(json!({"metadata": {"pm": "2"}}))),
        both!("GET", "/snapshots/{snapshot_id}/metadata/{key}", ProjectReader(H404), "volume:get_snapshot_metadata", |x, _w| req()
            .p("snapshot_id", &x.vsnap)
            .p("key", "pm")),
        both!("PUT", "/snapshots/{snapshot_id}/metadata/{key}", ProjectMember(H404), "volume:update_snapshot_metadata", |x, _w| req()
            .p("snapshot_id", &x.vsnap)
            .p("key", "pm")
            .json(json!({"meta": {"pm": "2"}}))),
        both!("DELETE", "/snapshots/{snapshot_id}/metadata/{key}", ProjectMember(H404), "volume:delete_snapshot_metadata", |x, _w| req()
            .p("snapshot_id", &x.vsnap)
            .p("key", "pm")),
        both!("GET", "/os-volume-transfer", OwnProjectReader, "volume:get_all_transfers", |_x, _w| req()),
        both!("POST", "/os-volume-transfer", ProjectMember(H404), "volume:create_transfer", |x, _w| req()
            .json(json!({"transfer": {"volume_id": x.snapvol}}))),
        both!("GET", "/os-volume-transfer/detail", OwnProjectReader, "volume:get_all_transfers", |_x, _w| req()),
        both!("GET", "/os-volume-transfer/{transfer_id}", ProjectReader(H404), "volume:get_transfer", |x, _w| req()
            .p("transfer_id", &x.transfer)),
        both!("DELETE", "/os-volume-transfer/{transfer_id}", ProjectMember(H404), "volume:delete_transfer", |x, _w| req()
            .p("transfer_id", &x.transfer)),
        both!("POST", "/os-volume-transfer/{transfer_id}/accept", OwnProjectMember, "volume:accept_transfer", |x, _w| req()
            .p("transfer_id", &x.transfer)
            .json(json!({"accept": {"auth_key": x.transfer_key}}))),
        both!("GET", "/volume-transfers", OwnProjectReader, "volume:get_all_transfers", |_x, _w| mv(req(), "3.55")),
        both!("POST", "/volume-transfers", ProjectMember(H404), "volume:create_transfer", |x, _w| mv(
            req().json(json!({"transfer": {"volume_id": x.snapvol}})),
            "3.55"
        )),
        both!("GET", "/volume-transfers/detail", OwnProjectReader, "volume:get_all_transfers", |_x, _w| mv(req(), "3.55")),
        both!("GET", "/volume-transfers/{transfer_id}", ProjectReader(H404), "volume:get_transfer", |x, _w| mv(
            req().p("transfer_id", &x.transfer),
            "3.55"
        )),
        both!("DELETE", "/volume-transfers/{transfer_id}", ProjectMember(H404), "volume:delete_transfer", |x, _w| mv(
            req().p("transfer_id", &x.transfer),
            "3.55"
        )),
        both!("POST", "/volume-transfers/{transfer_id}/accept", OwnProjectMember, "volume:accept_transfer", |x, _w| mv(
            req().p("transfer_id", &x.transfer).json(json!({"accept": {"auth_key": x.transfer_key}})),
            "3.55"
        )),
    ]
    .into_iter()
    .flatten()
    .collect()
}
