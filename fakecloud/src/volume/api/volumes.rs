//! Volumes: list, detail, show, create, update, delete, the summary, and the volume's metadata.

use super::common::{arg, empty, own_project, prelude, project, reply, requester, ApiResult, Cinder, PathArgs};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::http::microversion::{Microversion, Version};
use crate::policy::enforce;
use crate::volume::bodies::{meta_item, metadata_body};
use crate::volume::request::{truthy, ListQuery, NewVolume, VolumeUpdate};
use crate::volume::views;
use crate::volume::SERVICE as SVC;
use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use serde_json::{json, Value};
use std::collections::HashMap;

pub async fn list_volumes(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    axum::extract::Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    list(s, caller, v, base, uri.path(), path, params, false)
}

pub async fn list_volumes_detail(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    axum::extract::Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    list(s, caller, v, base, uri.path(), path, params, true)
}

#[allow(clippy::too_many_arguments)]
fn list(
    s: AppState,
    caller: Caller,
    v: Version,
    base: String,
    uri_path: &str,
    path: HashMap<String, String>,
    params: Params,
    detail: bool,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume:get_all", own_project(&caller))?;
    let who = requester(&caller);
    let query = ListQuery::parse(&params.0, who.admin, v.at_least(3, 34))?;
    let world = s.world();
    let page = world.volume.list(&query, who)?;
    let items: Vec<Value> =
        page.volumes
            .iter()
            .map(|vol| {
                if detail {
                    views::detail(&world.volume, vol, &base, v, who.admin, views::Shown::Read)
                } else {
                    views::summary(vol, &base)
                }
            })
            .collect();
    let next_url = format!("{}{}", base.trim_end_matches('/'), uri_path);
    let body = views::list(&page, items, &next_url, &params.0, query.with_count && v.at_least(3, 45));
    Ok(reply(v, StatusCode::OK, body))
}

pub async fn show_volume(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    BaseUrl(base): BaseUrl,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    let id = arg(&path, "volume_id");
    let who = requester(&caller);
    let world = s.world();
    let vol = world.volume.show(&id, who)?;
    enforce(SVC, &caller, "volume:get", project(&vol.project_id))?;
    Ok(reply(
        v,
        StatusCode::OK,
        serde_json::json!({ "volume": views::detail(&world.volume, vol, &base, v, who.admin, views::Shown::Read) }),
    ))
}

pub async fn create_volume(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    BaseUrl(base): BaseUrl,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    let new = NewVolume::from_json(&body)?;
    enforce(SVC, &caller, "volume:create", own_project(&caller))?;
    let who = requester(&caller);
    let mut world = s.world();
    let w = &mut *world;
    let vol = w.volume.create(new, who, &w.image, &mut w.sim)?.clone();
    Ok(reply(
        v,
        StatusCode::ACCEPTED,
        serde_json::json!({ "volume": views::detail(&w.volume, &vol, &base, v, who.admin, views::Shown::Written) }),
    ))
}

pub async fn update_volume(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    BaseUrl(base): BaseUrl,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    let update = VolumeUpdate::from_json(&body)?;
    let id = arg(&path, "volume_id");
    let who = requester(&caller);
    let mut world = s.world();
    let owner = world.volume.show(&id, who)?.project_id.clone();
    enforce(SVC, &caller, "volume:update", project(&owner))?;
    let now = world.now();
    let vol = world.volume.update(&id, update, who, now)?.clone();
    Ok(reply(
        v,
        StatusCode::OK,
        serde_json::json!({ "volume": views::detail(&world.volume, &vol, &base, v, who.admin, views::Shown::Written) }),
    ))
}

pub async fn delete_volume(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    prelude(&caller, &path)?;
    let id = arg(&path, "volume_id");
    let who = requester(&caller);
    let mut world = s.world();
    let owner = world.volume.show(&id, who)?.project_id.clone();
    enforce(SVC, &caller, "volume:delete", project(&owner))?;
    let cascade = params.get("cascade").and_then(truthy).unwrap_or(false);
    let w = &mut *world;
    w.volume.delete(&id, who, cascade, &mut w.sim)?;
    Ok(empty(v, StatusCode::ACCEPTED))
}

/// `GET /volumes/summary` (3.12): the count and total size of the listed volumes, and (3.36) the
/// metadata keys they carry with every value seen.
pub async fn volume_summary(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume:get_all", own_project(&caller))?;
    let who = requester(&caller);
    let query = ListQuery::parse(&params.0, who.admin, v.at_least(3, 34))?;
    let world = s.world();
    let vols: Vec<_> = world.volume.volumes.iter().filter(|x| (who.admin && query.all_tenants) || x.project_id == who.project_id).collect();
    let mut summary = json!({
        "total_size": vols.iter().map(|x| x.size).sum::<u64>(),
        "total_count": vols.len(),
    });
    if v.at_least(3, 36) {
        let mut meta: std::collections::BTreeMap<&String, Vec<&String>> = std::collections::BTreeMap::new();
        for (k, val) in vols.iter().flat_map(|x| x.metadata.iter()) {
            let seen = meta.entry(k).or_default();
            if !seen.contains(&val) {
                seen.push(val);
            }
        }
        summary["metadata"] = json!(meta);
    }
    Ok(reply(v, StatusCode::OK, json!({ "volume-summary": summary })))
}

/// The volume behind a metadata call, checked against the policy `action` on its project.
fn metadata_target(world: &crate::world::World, caller: &Caller, id: &str, action: &str) -> Result<(), crate::http::error::ApiError> {
    let owner = world.volume.show(id, requester(caller))?.project_id.clone();
    enforce(SVC, caller, action, project(&owner))?;
    Ok(())
}

pub async fn show_metadata(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    let id = arg(&path, "volume_id");
    let world = s.world();
    metadata_target(&world, &caller, &id, "volume:get_volume_metadata")?;
    let vol = world.volume.show(&id, requester(&caller))?;
    Ok(reply(v, StatusCode::OK, json!({ "metadata": vol.metadata })))
}

/// `POST` adds or replaces keys; `PUT` replaces the whole set.
async fn write_metadata(s: AppState, caller: Caller, v: Version, path: HashMap<String, String>, body: Value, replace: bool) -> ApiResult {
    prelude(&caller, &path)?;
    let id = arg(&path, "volume_id");
    let meta = metadata_body(&body)?;
    let mut world = s.world();
    let action = if replace { "volume:update_volume_metadata" } else { "volume:create_volume_metadata" };
    metadata_target(&world, &caller, &id, action)?;
    let now = world.now();
    let m = world.volume.set_metadata(&id, meta, replace, requester(&caller), now)?.clone();
    Ok(reply(v, StatusCode::OK, json!({ "metadata": m })))
}

pub async fn create_metadata(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    write_metadata(s, caller, v, path, body, false).await
}

pub async fn replace_metadata(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    write_metadata(s, caller, v, path, body, true).await
}

pub async fn show_metadata_item(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    let (id, key) = (arg(&path, "volume_id"), arg(&path, "key"));
    let world = s.world();
    metadata_target(&world, &caller, &id, "volume:get_volume_metadata")?;
    let vol = world.volume.show(&id, requester(&caller))?;
    let value = vol
        .metadata
        .get(&key)
        .ok_or_else(|| crate::volume::model::VolumeError::NotFound(format!("Volume {id} has no metadata with key {key}.")))?;
    Ok(reply(v, StatusCode::OK, json!({ "meta": { key: value } })))
}

pub async fn update_metadata_item(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    let (id, key) = (arg(&path, "volume_id"), arg(&path, "key"));
    let (k, val) = meta_item(&body, &key)?;
    let mut world = s.world();
    metadata_target(&world, &caller, &id, "volume:update_volume_metadata")?;
    let now = world.now();
    world.volume.set_metadata(&id, [(k.clone(), val.clone())].into(), false, requester(&caller), now)?;
    Ok(reply(v, StatusCode::OK, json!({ "meta": { k: val } })))
}

pub async fn delete_metadata_item(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    let (id, key) = (arg(&path, "volume_id"), arg(&path, "key"));
    let mut world = s.world();
    metadata_target(&world, &caller, &id, "volume:delete_volume_metadata")?;
    let now = world.now();
    world.volume.delete_metadata(&id, &key, requester(&caller), now)?;
    Ok(empty(v, StatusCode::OK))
}
