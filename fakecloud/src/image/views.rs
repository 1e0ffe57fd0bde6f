//! Glance's JSON: the version list and images as glance/api/v2/images.py's serializer renders them.

use super::model::{Image, Page};
use serde_json::{json, Map, Value};

/// Glance renders times as `2026-01-01T00:00:00Z` (oslo's `isotime`, seconds and a Z).
pub fn isotime(t: crate::sim::SimTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The API versions this Glance serves, newest first (glance/api/versions.py with the image cache
/// and multiple backends enabled: v2.16 CURRENT, the rest SUPPORTED).
pub const VERSIONS: &[&str] =
    &["2.16", "2.15", "2.14", "2.13", "2.12", "2.11", "2.10", "2.9", "2.8", "2.7", "2.6", "2.5", "2.4", "2.3", "2.2", "2.1", "2.0"];

pub fn versions(base: &str) -> Value {
    let href = format!("{}/image/v2/", base.trim_end_matches('/'));
    let values: Vec<Value> = VERSIONS
        .iter()
        .enumerate()
        .map(|(i, v)| {
            json!({
                "id": format!("v{v}"),
                "status": if i == 0 { "CURRENT" } else { "SUPPORTED" },
                "links": [{"rel": "self", "href": href}],
            })
        })
        .collect();
    json!({ "versions": values })
}

pub fn image(i: &Image) -> Value {
    let mut v: Map<String, Value> = i.properties.iter().map(|(k, val)| (k.clone(), Value::String(val.clone()))).collect();
    let data = i.has_data();
    let core = json!({
        "id": i.id,
        "name": if i.name.is_empty() { Value::Null } else { Value::String(i.name.clone()) },
        "status": i.status,
        "visibility": i.visibility,
        "protected": i.protected,
        "os_hidden": i.os_hidden,
        "checksum": i.checksum,
        "os_hash_algo": if data { Value::from("sha512") } else { Value::Null },
        "os_hash_value": i.os_hash_value,
        "size": if data { Value::from(i.size) } else { Value::Null },
        "virtual_size": Value::Null,
        "min_disk": i.min_disk,
        "min_ram": i.min_ram,
        "disk_format": if i.disk_format.is_empty() { Value::Null } else { Value::String(i.disk_format.clone()) },
        "container_format": if i.container_format.is_empty() { Value::Null } else { Value::String(i.container_format.clone()) },
        "owner": i.owner,
        "tags": i.tags,
        "created_at": isotime(i.created_at),
        "updated_at": isotime(i.updated()),
        "self": format!("/v2/images/{}", i.id),
        "file": format!("/v2/images/{}/file", i.id),
        "schema": "/v2/schemas/image",
    });
    if let Value::Object(core) = core {
        v.extend(core);
    }
    Value::Object(v)
}

/// `GET /v2/images`: the page plus Glance's `first`, `schema` and (for a full page) `next` links,
/// which repeat the query with the marker replaced.
pub fn image_list(page: &Page, query: &[(String, String)]) -> Value {
    let rest: Vec<(String, String)> = query.iter().filter(|(k, _)| k != "marker").cloned().collect();
    let encode = |pairs: &[(String, String)]| form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    let first = if rest.is_empty() { "/v2/images".to_string() } else { format!("/v2/images?{}", encode(&rest)) };
    let mut body = json!({
        "images": page.images.iter().map(|i| image(i)).collect::<Vec<_>>(),
        "first": first,
        "schema": "/v2/schemas/images",
    });
    if let Some(m) = &page.next_marker {
        let mut next = rest;
        next.push(("marker".into(), m.clone()));
        body["next"] = Value::String(format!("/v2/images?{}", encode(&next)));
    }
    body
}
