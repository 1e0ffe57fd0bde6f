//! Cinder's JSON: version documents, os-services and volumes, with the fields each microversion
//! adds (cinder/api/v3/views, cinder/api/contrib/services.py).

use super::model::{Page, Volume, VolumeService, Volumes, VOLUME_BINARY};
use crate::http::microversion::Version;
use crate::sim::SimTime;
use serde_json::{json, Value};

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
        out["frozen"] = json!(false);
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
        "metadata": vol.metadata,
        "volume_type": vtype.map(|t| t.name.clone()),
        "snapshot_id": Value::Null,
        "source_volid": vol.source_volid,
        "consistencygroup_id": Value::Null,
        "replication_status": Value::Null,
        "migration_status": Value::Null,
        "user_id": vol.user_id,
        "links": links(base, &vol.project_id, &vol.id),
    });
    let read = shown == Shown::Read;
    if read {
        out["os-vol-tenant-attr:tenant_id"] = json!(vol.project_id);
    }
    if admin && read {
        out["os-vol-host-attr:host"] = json!(vol.host);
        out["os-vol-mig-status-attr:migstat"] = Value::Null;
        out["os-vol-mig-status-attr:name_id"] = Value::Null;
    }
    if let Some(i) = vol.image.as_ref().filter(|_| read) {
        out["volume_image_metadata"] = json!({
            "image_id": i.image_id,
            "image_name": i.image_name,
            "disk_format": i.disk_format,
            "container_format": i.container_format,
            "min_disk": i.min_disk.to_string(),
            "min_ram": i.min_ram.to_string(),
            "size": i.size.to_string(),
            "checksum": i.checksum,
        });
    }
    if v.at_least(3, 13) {
        out["group_id"] = Value::Null;
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
