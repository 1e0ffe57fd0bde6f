//! Nova's image proxy (`/images`, deprecated and gone from 2.36): Glance's images as Nova showed
//! them, with Glance's policy underneath. Metadata is the image's custom properties.

use super::common::{bad, empty, not_found, reply, ApiResult, Nova, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::compute::views::ts;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::http::microversion::{Microversion, Version};
use crate::image::model::{Image, ImageError};
use crate::policy::{enforce, Target};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The proxy APIs answer 404 from 2.36.
fn proxied(v: Version) -> Result<(), ApiError> {
    if v.at_least(2, 36) {
        Err(not_found("The resource could not be found."))
    } else {
        Ok(())
    }
}

/// Glance's status as Nova shows it, and the progress it implies.
fn nova_status(glance: &str) -> (&'static str, u8) {
    match glance {
        "active" => ("ACTIVE", 100),
        "queued" => ("SAVING", 25),
        "saving" | "uploading" | "importing" => ("SAVING", 50),
        "killed" => ("ERROR", 0),
        "deleted" | "pending_delete" => ("DELETED", 0),
        _ => ("UNKNOWN", 0),
    }
}

fn links(base: &str, id: &str) -> Value {
    json!([
        {"rel": "self", "href": format!("{base}/compute/v2.1/images/{id}")},
        {"rel": "bookmark", "href": format!("{base}/compute/images/{id}")},
        {"rel": "alternate", "type": "application/vnd.openstack.image", "href": format!("{base}/image/images/{id}")},
    ])
}

fn detail(i: &Image, base: &str) -> Value {
    let (status, progress) = nova_status(&i.status);
    let mut v = json!({"id": i.id, "name": i.name, "created": ts(i.created_at), "updated": ts(i.updated()), "status": status,
        "progress": progress, "minDisk": i.min_disk, "minRam": i.min_ram, "metadata": i.properties, "links": links(base, &i.id),
        "OS-EXT-IMG-SIZE:size": i.size});
    if let Some(server) = i.properties.get("instance_uuid") {
        v["server"] = json!({"id": server, "links": [
            {"rel": "self", "href": format!("{base}/compute/v2.1/servers/{server}")},
            {"rel": "bookmark", "href": format!("{base}/compute/servers/{server}")}]});
    }
    v
}

/// The images the caller sees, with Nova's list filters applied, in Glance's order.
fn listed(s: &AppState, caller: &Caller, params: &Params) -> Result<Vec<Value>, ApiError> {
    enforce(SVC, caller, "get_images", Target { project_id: caller.project_id.as_deref(), user_id: None })?;
    let w = s.world();
    let mut out: Vec<&Image> = w.image.images.iter().filter(|i| i.visible_to(caller.project_id.as_deref(), caller.is_admin())).collect();
    out.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.id.cmp(&a.id)));
    let number = |k: &str| -> Result<Option<u64>, ApiError> {
        params.get(k).map(|v| v.parse::<u64>().map_err(|_| bad(format!("Invalid {k} filter [{v}]")))).transpose()
    };
    let (min_ram, min_disk) = (number("minRam")?, number("minDisk")?);
    out.retain(|i| {
        params.get("name").is_none_or(|n| &i.name == n)
            && params.get("status").is_none_or(|st| nova_status(&i.status).0.eq_ignore_ascii_case(st))
            && min_ram.is_none_or(|m| i.min_ram >= m)
            && min_disk.is_none_or(|m| i.min_disk >= m)
            && params.get("server").is_none_or(|srv| i.properties.get("instance_uuid").is_some_and(|u| srv.ends_with(u.as_str())))
            && params.get("type").is_none_or(|t| i.properties.get("image_type").map(String::as_str).unwrap_or("image") == t)
    });
    if let Some(m) = params.get("marker") {
        let at = out.iter().position(|i| &i.id == m).ok_or_else(|| bad(format!("marker [{m}] not found")))?;
        out.drain(..=at);
    }
    if let Some(l) = params.get("limit") {
        let l: usize = l.parse().map_err(|_| bad("limit param must be an integer"))?;
        out.truncate(l);
    }
    let base = String::new();
    Ok(out.into_iter().map(|i| detail(i, &base)).collect())
}

pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    proxied(v)?;
    let items: Vec<Value> = listed(&s, &caller, &params)?
        .into_iter()
        .map(|i| {
            let id = i["id"].as_str().unwrap_or_default().to_string();
            json!({"id": id, "name": i["name"], "links": links(&base, &id)})
        })
        .collect();
    Ok(reply(v, StatusCode::OK, json!({"images": items})))
}

pub async fn list_detail(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    proxied(v)?;
    let items: Vec<Value> = listed(&s, &caller, &params)?
        .into_iter()
        .map(|mut i| {
            let id = i["id"].as_str().unwrap_or_default().to_string();
            i["links"] = links(&base, &id);
            i
        })
        .collect();
    Ok(reply(v, StatusCode::OK, json!({"images": items})))
}

/// An image the caller may see, or Nova's 404.
fn shown<'a>(w: &'a crate::world::World, caller: &Caller, id: &str) -> Result<&'a Image, ApiError> {
    enforce(SVC, caller, "get_image", Target { project_id: caller.project_id.as_deref(), user_id: None })?;
    w.image.show(id, caller.project_id.as_deref(), caller.is_admin()).map_err(|_| not_found("Image not found."))
}

pub async fn show(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    proxied(v)?;
    let w = s.world();
    Ok(reply(v, StatusCode::OK, json!({"image": detail(shown(&w, &caller, &id)?, &base)})))
}

pub async fn delete(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    proxied(v)?;
    let mut w = s.world();
    let owner = shown(&w, &caller, &id)?.owner.clone();
    enforce(SVC, &caller, "delete_image", Target { project_id: Some(&owner), user_id: None })?;
    w.image.delete(&id, caller.project_id.as_deref(), caller.is_admin()).map_err(|e| match e {
        // A protected image's refusal is a 403 in Nova too; the rest as Glance said.
        ImageError::Forbidden(m) => ApiError::new(SVC, StatusCode::FORBIDDEN, m),
        ImageError::NotFound(_) => not_found("Image not found."),
        ImageError::BadRequest(m) | ImageError::Conflict(m) | ImageError::TooLarge(m) => bad(m),
    })?;
    Ok(empty(v, StatusCode::NO_CONTENT))
}

pub async fn list_metadata(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    proxied(v)?;
    let w = s.world();
    Ok(reply(v, StatusCode::OK, json!({"metadata": shown(&w, &caller, &id)?.properties})))
}

pub async fn show_metadata_item(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, key)): Path<(String, String)>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    proxied(v)?;
    let w = s.world();
    let value = shown(&w, &caller, &id)?.properties.get(&key).ok_or_else(|| not_found("Metadata item was not found"))?;
    Ok(reply(v, StatusCode::OK, json!({"meta": { key: value }})))
}

fn string_map(body: &Value, key: &str) -> Result<BTreeMap<String, String>, ApiError> {
    let items = body.get(key).and_then(Value::as_object).ok_or_else(|| bad(format!("Malformed request body: '{key}' is required")))?;
    items
        .iter()
        .map(|(k, v)| match v {
            Value::String(s) if !k.is_empty() && k.chars().count() <= 255 => Ok((k.clone(), s.clone())),
            _ => Err(bad(format!("Invalid metadata item {k}"))),
        })
        .collect()
}

/// Changes an image's properties as its owner (Glance's `modify_image`), answering the result.
fn change(
    s: &AppState,
    caller: &Caller,
    id: &str,
    f: impl FnOnce(&mut BTreeMap<String, String>) -> Result<(), ApiError>,
) -> Result<BTreeMap<String, String>, ApiError> {
    let mut w = s.world();
    let owner = shown(&w, caller, id)?.owner.clone();
    enforce(SVC, caller, "modify_image", Target { project_id: Some(&owner), user_id: None })?;
    let now = w.now();
    let image = w.image.images.iter_mut().find(|i| i.id == id).expect("shown above");
    f(&mut image.properties)?;
    image.updated_at = Some(now);
    Ok(image.properties.clone())
}

pub async fn create_metadata(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    proxied(v)?;
    let items = string_map(&body, "metadata")?;
    let all = change(&s, &caller, &id, |p| {
        p.extend(items);
        Ok(())
    })?;
    Ok(reply(v, StatusCode::OK, json!({"metadata": all})))
}

pub async fn replace_metadata(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    proxied(v)?;
    let items = string_map(&body, "metadata")?;
    let all = change(&s, &caller, &id, |p| {
        *p = items;
        Ok(())
    })?;
    Ok(reply(v, StatusCode::OK, json!({"metadata": all})))
}

pub async fn set_metadata_item(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, key)): Path<(String, String)>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    proxied(v)?;
    let items = string_map(&body, "meta")?;
    if items.len() != 1 {
        return Err(bad("Request body contains too many items"));
    }
    let (k, value) = items.into_iter().next().expect("one item");
    if k != key {
        return Err(bad("Request body and URI mismatch"));
    }
    change(&s, &caller, &id, |p| {
        p.insert(k.clone(), value.clone());
        Ok(())
    })?;
    Ok(reply(v, StatusCode::OK, json!({"meta": { k: value }})))
}

pub async fn delete_metadata_item(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, key)): Path<(String, String)>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    proxied(v)?;
    change(&s, &caller, &id, |p| p.remove(&key).map(|_| ()).ok_or_else(|| not_found("Metadata item was not found")))?;
    Ok(empty(v, StatusCode::NO_CONTENT))
}
