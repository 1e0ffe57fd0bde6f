//! Cinder's JSON: version documents, os-services and volumes, with the fields each microversion
//! adds (cinder/api/v3/views, cinder/api/contrib/services.py).

use super::model::{Encryption, Page, QosSpec, Snapshot, Transfer, Volume, VolumeService, VolumeType, Volumes, VOLUME_BINARY};
use super::types::USER_VISIBLE_EXTRA_SPECS;
use crate::http::microversion::Version;
use crate::sim::SimTime;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The highest and lowest microversions (3.71 is 2023.2's) and when the newest was added.
pub const MIN_VERSION: Version = Version::new(3, 0);
pub const MAX_VERSION: Version = Version::new(3, 71);
const UPDATED: &str = "2023-08-31T00:00:00Z";

/// Cinder renders times as naive ISO with microseconds (oslo's `PERFECT_TIME_FORMAT`, no zone).
pub fn time(t: SimTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// The version list cinder/api/versions.py gives at `/` (300) and `/v3/` (200).
pub fn versions(base: &str) -> Value {
    json!({"versions": [{
        "id": "v3.0",
        "status": "CURRENT",
        "version": MAX_VERSION.to_string(),
        "min_version": MIN_VERSION.to_string(),
        "updated": UPDATED,
        "links": [
            {"rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"},
            {"rel": "self", "href": format!("{}/volume/v3/", base.trim_end_matches('/'))},
        ],
        "media-types": [{"base": "application/json", "type": "application/vnd.openstack.volume+json;version=3"}],
    }]})
}

/// One row of `GET /os-services` (with the extended-services fields, loaded by default).
pub fn service(s: &VolumeService, now: SimTime, v: Version) -> Value {
    let up = s.is_up(now);
    let mut out = json!({
        "binary": s.binary,
        "host": s.host,
        "zone": s.zone,
        "status": if s.disabled { "disabled" } else { "enabled" },
        "state": if up { "up" } else { "down" },
        "updated_at": time(s.updated_at(now)),
        "disabled_reason": s.disabled_reason,
    });
    if s.binary == VOLUME_BINARY {
        out["replication_status"] = json!("disabled");
        out["active_backend_id"] = Value::Null;
        out["frozen"] = json!(s.frozen);
        if v.at_least(3, 49) {
            out["backend_state"] = json!(if up { "up" } else { "down" });
        }
    }
    if v.at_least(3, 7) {
        out["cluster"] = Value::Null;
    }
    out
}

fn links(base: &str, project: &str, id: &str) -> Value {
    let base = base.trim_end_matches('/');
    json!([
        {"href": format!("{base}/volume/v3/{project}/volumes/{id}"), "rel": "self"},
        {"href": format!("{base}/volume/{project}/volumes/{id}"), "rel": "bookmark"},
    ])
}

pub fn summary(vol: &Volume, base: &str) -> Value {
    json!({"id": vol.id, "name": vol.name, "links": links(base, &vol.project_id, &vol.id)})
}

/// Which reply a volume is rendered in. Cinder's attribute extensions (tenant, host, migration
/// status, image metadata) decorate only `show` and `detail`; create and update replies go without.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// `GET /volumes/{id}` and `GET /volumes/detail`.
    Read,
    /// The replies of `POST /volumes` and `PUT /volumes/{id}`.
    Written,
}

/// The detailed view. Host, migration and provider attributes are admin-only, as Cinder's policy
/// has them; an attachment's host name too. The tenant attribute is for the volume's readers
/// (`volume_extension:volume_tenant_attribute`), which every caller who can see it is.
pub fn detail(vols: &Volumes, vol: &Volume, base: &str, v: Version, admin: bool, shown: Shown) -> Value {
    let vtype = vols.volume_type(&vol.volume_type_id);
    let attachments: Vec<Value> = vol
        .attachments
        .iter()
        .filter(|a| a.is_attached())
        .map(|a| {
            json!({
                "id": vol.id,
                "attachment_id": a.id,
                "volume_id": vol.id,
                "server_id": a.server_id,
                "host_name": if admin { a.host_name.clone() } else { None },
                "device": a.device,
                "attached_at": time(a.attached_at),
            })
        })
        .collect();
    let mut out = json!({
        "id": vol.id,
        "name": vol.name,
        "description": vol.description,
        "status": vol.status,
        "size": vol.size,
        "availability_zone": vol.availability_zone,
        "created_at": time(vol.created_at),
        "updated_at": vol.updated_at.map(time),
        "attachments": attachments,
        "bootable": if vol.bootable { "true" } else { "false" },
        "encrypted": false,
        "multiattach": vol.multiattach,
        "metadata": visible_metadata(vol),
        "volume_type": vtype.map(|t| t.name.clone()),
        "snapshot_id": vol.snapshot_id,
        "source_volid": vol.source_volid,
        "consistencygroup_id": Value::Null,
        "replication_status": Value::Null,
        "migration_status": if admin { json!(vol.migration_status) } else { Value::Null },
        "user_id": vol.user_id,
        "links": links(base, &vol.project_id, &vol.id),
    });
    let read = shown == Shown::Read;
    if read {
        out["os-vol-tenant-attr:tenant_id"] = json!(vol.project_id);
    }
    if admin && read {
        out["os-vol-host-attr:host"] = json!(vol.host);
        out["os-vol-mig-status-attr:migstat"] = json!(vol.migration_status);
        out["os-vol-mig-status-attr:name_id"] = Value::Null;
    }
    if read && !vol.image_metadata.is_empty() {
        out["volume_image_metadata"] = json!(vol.image_metadata);
    }
    if v.at_least(3, 13) {
        out["group_id"] = json!(vol.group_id);
    }
    if v.at_least(3, 21) && admin {
        out["provider_id"] = Value::Null;
    }
    if v.at_least(3, 48) {
        out["service_uuid"] = Value::Null;
        out["shared_targets"] = json!(true);
    }
    if v.at_least(3, 61) && admin {
        out["cluster_name"] = Value::Null;
    }
    if v.at_least(3, 63) {
        out["volume_type_id"] = json!(vol.volume_type_id);
    }
    if v.at_least(3, 64) {
        out["encryption_key_id"] = Value::Null;
    }
    if v.at_least(3, 65) {
        out["consumes_quota"] = json!(true);
    }
    out
}

/// A list reply: `volumes`, a `volumes_links` next link for a full page (the request's query with
/// the marker replaced), and `count` when asked for (3.45).
pub fn list(page: &Page, items: Vec<Value>, next_url: &str, query: &[(String, String)], with_count: bool) -> Value {
    let mut body = json!({ "volumes": items });
    if let Some(m) = &page.next_marker {
        let mut q: Vec<(String, String)> = query.iter().filter(|(k, _)| k != "marker").cloned().collect();
        q.push(("marker".into(), m.clone()));
        let qs = form_urlencoded::Serializer::new(String::new()).extend_pairs(&q).finish();
        body["volumes_links"] = json!([{"href": format!("{next_url}?{qs}"), "rel": "next"}]);
    }
    if with_count {
        body["count"] = json!(page.count);
    }
    body
}

/// The volume's metadata as Cinder shows it: the user's, with the visible admin metadata
/// (`readonly`, `attached_mode`) added (`add_visible_admin_metadata`).
pub fn visible_metadata(vol: &Volume) -> BTreeMap<String, String> {
    let mut m = vol.metadata.clone();
    for k in ["readonly", "attached_mode"] {
        if let Some(v) = vol.admin_metadata.get(k) {
            m.insert(k.to_string(), v.clone());
        }
    }
    m
}

/// Which of a volume type's attributes a reply carries, as Cinder's policies and extensions decide.
#[derive(Clone, Copy)]
pub struct TypeView {
    /// Every extra spec (`read_sensitive`, admin), or only the user-visible ones.
    pub all_specs: bool,
    /// `qos_specs_id` (`access_types_qos_specs_id`, admin; show and list only).
    pub qos: bool,
    /// `os-volume-type-access:is_public` (the access extension decorates show, list and create).
    pub access: bool,
}

pub fn volume_type(t: &VolumeType, view: TypeView) -> Value {
    let specs: BTreeMap<&String, &String> =
        t.extra_specs.iter().filter(|(k, _)| view.all_specs || USER_VISIBLE_EXTRA_SPECS.contains(&k.as_str())).collect();
    let mut out = json!({
        "id": t.id,
        "name": t.name,
        "is_public": t.is_public,
        "description": t.description,
        "extra_specs": specs,
    });
    if view.qos {
        out["qos_specs_id"] = json!(t.qos_specs_id);
    }
    if view.access {
        out["os-volume-type-access:is_public"] = json!(t.is_public);
    }
    out
}

/// `GET /types/{id}/encryption` (`{}` when the type has none).
pub fn encryption(type_id: &str, e: Option<&Encryption>) -> Value {
    match e {
        None => json!({}),
        Some(e) => json!({
            "volume_type_id": type_id,
            "encryption_id": e.encryption_id,
            "provider": e.provider,
            "cipher": e.cipher,
            "key_size": e.key_size,
            "control_location": e.control_location,
            "deleted": false,
            "created_at": time(e.created_at),
            "updated_at": e.updated_at.map(time),
            "deleted_at": Value::Null,
        }),
    }
}

pub fn encryption_created(type_id: &str, e: &Encryption) -> Value {
    json!({"encryption": {
        "volume_type_id": type_id,
        "encryption_id": e.encryption_id,
        "provider": e.provider,
        "cipher": e.cipher,
        "key_size": e.key_size,
        "control_location": e.control_location,
    }})
}

pub fn qos(q: &QosSpec) -> Value {
    json!({"id": q.id, "name": q.name, "consumer": q.consumer, "specs": q.specs})
}

pub fn qos_links(base: &str, project: &str, id: &str) -> Value {
    let base = base.trim_end_matches('/');
    json!([
        {"href": format!("{base}/volume/v3/{project}/qos-specs/{id}"), "rel": "self"},
        {"href": format!("{base}/volume/{project}/qos-specs/{id}"), "rel": "bookmark"},
    ])
}

/// A snapshot; `detail` adds the extended attributes (progress and project).
pub fn snapshot(s: &Snapshot, v: Version, detail: bool) -> Value {
    let mut out = json!({
        "id": s.id,
        "name": s.name,
        "description": s.description,
        "volume_id": s.volume_id,
        "size": s.size,
        "status": s.status,
        "metadata": s.metadata,
        "created_at": time(s.created_at),
        "updated_at": s.updated_at.map(time),
    });
    if detail {
        let progress = s.progress.clone().unwrap_or_else(|| if s.status == "available" { "100%" } else { "0%" }.into());
        out["os-extended-snapshot-attributes:progress"] = json!(progress);
        out["os-extended-snapshot-attributes:project_id"] = json!(s.project_id);
    }
    if v.at_least(3, 14) {
        out["group_snapshot_id"] = json!(s.group_snapshot_id);
    }
    if v.at_least(3, 41) {
        out["user_id"] = json!(s.user_id);
    }
    if v.at_least(3, 65) {
        out["consumes_quota"] = json!(true);
    }
    out
}

fn transfer_links(base: &str, project: &str, id: &str) -> Value {
    let base = base.trim_end_matches('/');
    json!([
        {"href": format!("{base}/volume/v3/{project}/os-volume-transfer/{id}"), "rel": "self"},
        {"href": format!("{base}/volume/{project}/os-volume-transfer/{id}"), "rel": "bookmark"},
    ])
}

/// A transfer: the summary (id, name, volume, links), or with `detail` its creation time and the
/// fields later microversions add.
pub fn transfer(t: &Transfer, base: &str, v: Version, detail: bool) -> Value {
    let mut out = json!({
        "id": t.id,
        "name": t.name,
        "volume_id": t.volume_id,
        "links": transfer_links(base, &t.project_id, &t.id),
    });
    if detail {
        out["created_at"] = json!(time(t.created_at));
        if v.at_least(3, 55) {
            out["no_snapshots"] = json!(t.no_snapshots);
        }
        if v.at_least(3, 57) {
            out["destination_project_id"] = Value::Null;
            out["source_project_id"] = json!(t.project_id);
            out["accepted"] = json!(false);
        }
    }
    out
}
