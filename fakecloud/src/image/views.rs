//! Glance's JSON: the version list and images as glance/api/v2/images.py's serializer renders them.

use super::metadefs::{Association, Definition, Namespace, Stamped};
use super::model::{Image, Member, Page};
use super::tasks::Task;
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
        "virtual_size": i.virtual_size,
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
    if !i.stores.is_empty() && data {
        let mut stores = i.stores.clone();
        stores.sort();
        v.insert("stores".into(), Value::String(stores.join(",")));
    }
    Value::Object(v)
}

pub fn member(image_id: &str, m: &Member) -> Value {
    json!({
        "image_id": image_id,
        "member_id": m.member_id,
        "status": m.status,
        "created_at": isotime(m.created_at),
        "updated_at": isotime(m.updated_at),
        "schema": "/v2/schemas/member",
    })
}

pub fn members(image_id: &str, list: &[&Member]) -> Value {
    json!({"members": list.iter().map(|m| member(image_id, m)).collect::<Vec<_>>(), "schema": "/v2/schemas/members"})
}

pub fn task(t: &Task) -> Value {
    let mut v = json!({
        "id": t.id,
        "type": t.kind,
        "status": t.status,
        "input": t.input,
        "result": t.result,
        "owner": t.owner,
        "message": t.message,
        "expires_at": t.expires_at.map(isotime),
        "created_at": isotime(t.created_at),
        "updated_at": isotime(t.updated_at),
        "self": format!("/v2/tasks/{}", t.id),
        "schema": "/v2/schemas/task",
    });
    if t.image_id.is_some() {
        v["image_id"] = json!(t.image_id);
        v["request_id"] = json!(t.request_id);
        v["user_id"] = json!(t.user_id);
    }
    v
}

/// `GET /v2/tasks` leaves out each task's `input` and `result`, as Glance's index does.
pub fn tasks(list: &[&Task]) -> Value {
    let rows: Vec<Value> = list
        .iter()
        .map(|t| {
            let mut v = task(t);
            if let Value::Object(m) = &mut v {
                m.remove("input");
                m.remove("result");
            }
            v
        })
        .collect();
    json!({"tasks": rows, "first": "/v2/tasks", "schema": "/v2/schemas/tasks"})
}

fn stamped(s: &Stamped) -> Value {
    json!({"name": s.name, "created_at": isotime(s.created_at), "updated_at": isotime(s.updated_at)})
}

pub fn resource_types(list: &[Stamped]) -> Value {
    json!({"resource_types": list.iter().map(stamped).collect::<Vec<_>>()})
}

pub fn association(a: &Association) -> Value {
    let mut v = json!({"name": a.name, "created_at": isotime(a.created_at), "updated_at": isotime(a.updated_at)});
    if let Some(p) = &a.prefix {
        v["prefix"] = json!(p);
    }
    if let Some(p) = &a.properties_target {
        v["properties_target"] = json!(p);
    }
    v
}

pub fn associations(n: &Namespace) -> Value {
    json!({"resource_type_associations": n.associations.iter().map(association).collect::<Vec<_>>()})
}

/// A property: its definition with its name (Glance does not render a property's times).
pub fn property(d: &Definition) -> Value {
    let mut m = d.body.clone();
    m.insert("name".into(), json!(d.name));
    Value::Object(m)
}

pub fn properties(list: &[Definition]) -> Value {
    let map: Map<String, Value> = list.iter().map(|d| (d.name.clone(), property(d))).collect();
    json!({"properties": map})
}

pub fn object(ns: &str, d: &Definition) -> Value {
    let mut m = d.body.clone();
    m.insert("name".into(), json!(d.name));
    m.entry("required").or_insert(json!([]));
    m.entry("properties").or_insert(json!({}));
    m.insert("created_at".into(), json!(isotime(d.created_at)));
    m.insert("updated_at".into(), json!(isotime(d.updated_at)));
    m.insert("self".into(), json!(format!("/v2/metadefs/namespaces/{ns}/objects/{}", d.name)));
    m.insert("schema".into(), json!("v2/schemas/metadefs/object"));
    Value::Object(m)
}

pub fn objects(ns: &str, list: &[Definition]) -> Value {
    json!({"objects": list.iter().map(|d| object(ns, d)).collect::<Vec<_>>(), "schema": "v2/schemas/metadefs/objects"})
}

pub fn tag(t: &Stamped) -> Value {
    stamped(t)
}

pub fn tags(list: &[Stamped]) -> Value {
    json!({"tags": list.iter().map(stamped).collect::<Vec<_>>()})
}

/// A namespace; `full` (show) adds its associations, properties, objects and tags.
pub fn namespace(n: &Namespace, full: bool) -> Value {
    let mut v = json!({
        "namespace": n.namespace,
        "visibility": n.visibility,
        "protected": n.protected,
        "owner": n.owner,
        "created_at": isotime(n.created_at),
        "updated_at": isotime(n.updated_at),
        "self": format!("/v2/metadefs/namespaces/{}", n.namespace),
        "schema": "/v2/schemas/metadefs/namespace",
    });
    if let Some(d) = &n.display_name {
        v["display_name"] = json!(d);
    }
    if let Some(d) = &n.description {
        v["description"] = json!(d);
    }
    if !n.associations.is_empty() {
        v["resource_type_associations"] = associations(n)["resource_type_associations"].clone();
    }
    if full {
        if !n.properties.is_empty() {
            v["properties"] = properties(&n.properties)["properties"].clone();
        }
        if !n.objects.is_empty() {
            v["objects"] = objects(&n.namespace, &n.objects)["objects"].clone();
        }
        if !n.tags.is_empty() {
            v["tags"] = json!(n.tags.iter().map(|t| json!({"name": t.name})).collect::<Vec<_>>());
        }
    }
    v
}

pub fn namespaces(list: &[&Namespace]) -> Value {
    json!({
        "namespaces": list.iter().map(|n| namespace(n, false)).collect::<Vec<_>>(),
        "first": "/v2/metadefs/namespaces",
        "schema": "/v2/schemas/metadefs/namespaces",
    })
}

/// `GET /v2/info/import`.
pub fn import_info(methods: &[&str]) -> Value {
    json!({"import-methods": {"description": "Import methods available.", "type": "array", "value": methods}})
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

/// `GET /v2/info/stores`: each store, the default one flagged.
pub fn stores_info() -> Value {
    let stores: Vec<Value> = super::actions::STORES
        .iter()
        .enumerate()
        .map(|(i, (id, description))| {
            let mut s = json!({"id": id, "description": description});
            if i == 0 {
                s["default"] = json!(true);
            }
            s
        })
        .collect();
    json!({ "stores": stores })
}
