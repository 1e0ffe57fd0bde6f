//! Snapshots (`/snapshots`), their metadata and actions (`os-reset_status` and `os-force_delete`
//! for admins, `os-update_snapshot_status` for the project).

use super::common::{arg, empty, own_project, prelude, project, reply, requester, ApiResult, Cinder, PathArgs};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::http::microversion::{Microversion, Version};
use crate::policy::enforce;
use crate::volume::bodies::{action, meta_item, metadata_body, new_snapshot, snapshot_update};
use crate::volume::model::VolumeError;
use crate::volume::request::{truthy, MAX_LIMIT};
use crate::volume::snapshots::SnapshotQuery;
use crate::volume::views;
use crate::volume::SERVICE as SVC;
use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use serde_json::{json, Value};
use std::collections::HashMap;

const SORT_KEYS: &[&str] = &["id", "name", "status", "size", "volume_id", "created_at", "updated_at"];

fn parse_query(params: &Params, admin: bool) -> Result<SnapshotQuery, ApiError> {
    let bad = |m: &str| ApiError::bad_request(SVC, m.to_string());
    let number = |k: &str| -> Result<Option<usize>, ApiError> {
        match params.get(k) {
            None => Ok(None),
            Some(t) => match t.trim().parse::<i64>() {
                Ok(n) if n >= 0 => Ok(Some(n as usize)),
                Ok(_) => Err(bad(&format!("{k} param must be positive"))),
                Err(_) => Err(bad(&format!("{k} param must be an integer"))),
            },
        }
    };
    let mut sort = Vec::new();
    let parts: Vec<(String, String)> = if let Some(s) = params.get("sort") {
        s.split(',')
            .map(|p| p.split_once(':').map(|(k, d)| (k.to_string(), d.to_string())).unwrap_or((p.to_string(), "desc".into())))
            .collect()
    } else if let Some(k) = params.get("sort_key") {
        vec![(k.to_string(), params.get("sort_dir").unwrap_or("desc").to_string())]
    } else {
        vec![]
    };
    for (k, d) in parts {
        // `display_name` is the old name of `name`.
        let k = match k.trim() {
            "display_name" => "name".to_string(),
            other => other.to_string(),
        };
        if !SORT_KEYS.contains(&k.as_str()) {
            return Err(bad(&format!("Invalid input received: Invalid sort key: {k}")));
        }
        let asc = match d.trim() {
            "asc" => true,
            "desc" => false,
            _ => return Err(bad("Invalid input received: Unknown sort direction, must be 'desc' or 'asc'")),
        };
        sort.push((k, asc));
    }
    let last = sort.last().map(|s| s.1).unwrap_or(false);
    for k in ["created_at", "id"] {
        if !sort.iter().any(|(key, _)| key == k) {
            sort.push((k.to_string(), last));
        }
    }
    const CONTROL: &[&str] = &["limit", "marker", "offset", "sort", "sort_key", "sort_dir", "all_tenants", "with_count"];
    let filters = params
        .0
        .iter()
        .filter(|(k, _)| !CONTROL.contains(&k.as_str()))
        .filter(|(k, _)| admin || ["name", "display_name", "status", "volume_id", "metadata"].contains(&k.as_str()))
        .cloned()
        .collect();
    Ok(SnapshotQuery {
        all_tenants: params.get("all_tenants").is_some_and(|v| truthy(v).unwrap_or(true)),
        filters,
        sort,
        limit: number("limit")?.map(|n| n.min(MAX_LIMIT)),
        marker: params.get("marker").map(str::to_string),
        offset: number("offset")?.unwrap_or(0),
    })
}

#[allow(clippy::too_many_arguments)]
async fn list(
    s: AppState,
    caller: Caller,
    v: Version,
    base: String,
    uri: &str,
    path: HashMap<String, String>,
    params: Params,
    detail: bool,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume:get_all_snapshots", own_project(&caller))?;
    let who = requester(&caller);
    let q = parse_query(&params, who.admin)?;
    let world = s.world();
    let (page, next) = world.volume.list_snapshots(&q, who)?;
    let items: Vec<Value> = page.iter().map(|x| views::snapshot(x, v, detail)).collect();
    let mut body = json!({ "snapshots": items });
    if let Some(m) = next {
        let mut pairs: Vec<(String, String)> = params.0.iter().filter(|(k, _)| k != "marker").cloned().collect();
        pairs.push(("marker".into(), m));
        let qs = form_urlencoded::Serializer::new(String::new()).extend_pairs(&pairs).finish();
        body["snapshots_links"] = json!([{"href": format!("{}{uri}?{qs}", base.trim_end_matches('/')), "rel": "next"}]);
    }
    Ok(reply(v, StatusCode::OK, body))
}

pub async fn list_snapshots(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    axum::extract::Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    list(s, caller, v, base, uri.path(), path, params, false).await
}

pub async fn list_snapshots_detail(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    axum::extract::Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    list(s, caller, v, base, uri.path(), path, params, true).await
}

pub async fn show_snapshot(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    let world = s.world();
    let snap = world.volume.snapshot_for(&arg(&path, "snapshot_id"), requester(&caller))?;
    enforce(SVC, &caller, "volume:get_snapshot", project(&snap.project_id))?;
    Ok(reply(v, StatusCode::OK, json!({ "snapshot": views::snapshot(snap, v, true) })))
}

pub async fn create_snapshot(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    let new = new_snapshot(&body)?;
    let who = requester(&caller);
    let mut world = s.world();
    let vol = world.volume.show(&new.volume_id, who)?;
    let (owner, status) = (vol.project_id.clone(), vol.status.clone());
    enforce(SVC, &caller, "volume:create_snapshot", project(&owner))?;
    // Before 3.66 only `force` snapshots a volume that is not `available` (an attached one).
    if !new.force && !v.at_least(3, 66) && status != "available" {
        return Err(crate::volume::model::VolumeError::BadRequest(format!(
            "Invalid volume: Volume {} status must be available, but current status is: {status}.",
            new.volume_id
        ))
        .into());
    }
    let w = &mut *world;
    let snap = w.volume.create_snapshot(new, who, &mut w.sim)?;
    Ok(reply(v, StatusCode::ACCEPTED, json!({ "snapshot": views::snapshot(snap, v, false) })))
}

pub async fn update_snapshot(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    let u = snapshot_update(&body)?;
    let id = arg(&path, "snapshot_id");
    let who = requester(&caller);
    let mut world = s.world();
    let owner = world.volume.snapshot_for(&id, who)?.project_id.clone();
    enforce(SVC, &caller, "volume:update_snapshot", project(&owner))?;
    let now = world.now();
    let snap = world.volume.update_snapshot(&id, u, who, now)?;
    Ok(reply(v, StatusCode::OK, json!({ "snapshot": views::snapshot(snap, v, false) })))
}

pub async fn delete_snapshot(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    let id = arg(&path, "snapshot_id");
    let who = requester(&caller);
    let mut world = s.world();
    let owner = world.volume.snapshot_for(&id, who)?.project_id.clone();
    enforce(SVC, &caller, "volume:delete_snapshot", project(&owner))?;
    let w = &mut *world;
    w.volume.delete_snapshot(&id, false, who, &mut w.sim)?;
    Ok(empty(v, StatusCode::ACCEPTED))
}

/// `POST /snapshots/{id}/action`.
pub async fn snapshot_action(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    let id = arg(&path, "snapshot_id");
    let (name, args) = action(&body)?;
    let policy = match name.as_str() {
        "os-reset_status" => "volume_extension:snapshot_admin_actions:reset_status",
        "os-force_delete" => "volume_extension:snapshot_admin_actions:force_delete",
        "os-update_snapshot_status" => "snapshot_extension:snapshot_actions:update_snapshot_status",
        _ => return Err(ApiError::bad_request(SVC, format!("There is no such action: {name}"))),
    };
    let allowed: &[&str] = match name.as_str() {
        "os-reset_status" => &["status"],
        "os-update_snapshot_status" => &["status", "progress"],
        _ => &[],
    };
    match &args {
        Value::Null => {}
        Value::Object(o) => {
            if let Some(k) = o.keys().find(|k| !allowed.contains(&k.as_str())) {
                return Err(ApiError::bad_request(SVC, format!("Additional properties are not allowed ('{k}' was unexpected)")));
            }
        }
        other => return Err(ApiError::bad_request(SVC, format!("{other} is not of type 'object'"))),
    }
    // Admin actions are authorized before the snapshot is looked up.
    let admin_action = name != "os-update_snapshot_status";
    if admin_action {
        enforce(SVC, &caller, policy, crate::policy::Target::default())?;
    }
    let who = requester(&caller);
    let mut world = s.world();
    let owner = world.volume.snapshot_for(&id, who)?.project_id.clone();
    if !admin_action {
        enforce(SVC, &caller, policy, project(&owner))?;
    }
    let w = &mut *world;
    let status = || {
        args.get("status")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| ApiError::bad_request(SVC, "'status' must be specified."))
    };
    match name.as_str() {
        "os-reset_status" => w.volume.reset_snapshot_status(&id, &status()?, who, &mut w.sim)?,
        "os-update_snapshot_status" => {
            let progress = args.get("progress").and_then(Value::as_str).map(str::to_string);
            w.volume.update_snapshot_status(&id, &status()?, progress, who, &mut w.sim)?
        }
        _ => w.volume.delete_snapshot(&id, true, who, &mut w.sim)?,
    }
    Ok(empty(v, StatusCode::ACCEPTED))
}

fn metadata_target(world: &crate::world::World, caller: &Caller, id: &str, action: &str) -> Result<(), ApiError> {
    let owner = world.volume.snapshot_for(id, requester(caller))?.project_id.clone();
    enforce(SVC, caller, action, project(&owner))?;
    Ok(())
}

pub async fn show_snapshot_metadata(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    let id = arg(&path, "snapshot_id");
    let world = s.world();
    metadata_target(&world, &caller, &id, "volume:get_snapshot_metadata")?;
    let m = &world.volume.snapshot_for(&id, requester(&caller))?.metadata;
    Ok(reply(v, StatusCode::OK, json!({ "metadata": m })))
}

async fn write_metadata(s: AppState, caller: Caller, v: Version, path: HashMap<String, String>, body: Value, replace: bool) -> ApiResult {
    prelude(&caller, &path)?;
    let id = arg(&path, "snapshot_id");
    let meta = metadata_body(&body)?;
    let mut world = s.world();
    metadata_target(&world, &caller, &id, "volume:update_snapshot_metadata")?;
    let m = world.volume.set_snapshot_metadata(&id, meta, replace, requester(&caller))?.clone();
    Ok(reply(v, StatusCode::OK, json!({ "metadata": m })))
}

pub async fn create_snapshot_metadata(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    write_metadata(s, caller, v, path, body, false).await
}

pub async fn replace_snapshot_metadata(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    write_metadata(s, caller, v, path, body, true).await
}

pub async fn show_snapshot_metadata_item(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    let (id, key) = (arg(&path, "snapshot_id"), arg(&path, "key"));
    let world = s.world();
    metadata_target(&world, &caller, &id, "volume:get_snapshot_metadata")?;
    let snap = world.volume.snapshot_for(&id, requester(&caller))?;
    let value = snap.metadata.get(&key).ok_or_else(|| VolumeError::NotFound(format!("Snapshot {id} has no metadata with key {key}.")))?;
    Ok(reply(v, StatusCode::OK, json!({ "meta": { key: value } })))
}

pub async fn update_snapshot_metadata_item(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    let (id, key) = (arg(&path, "snapshot_id"), arg(&path, "key"));
    let (k, val) = meta_item(&body, &key)?;
    let mut world = s.world();
    metadata_target(&world, &caller, &id, "volume:update_snapshot_metadata")?;
    world.volume.set_snapshot_metadata(&id, [(k.clone(), val.clone())].into(), false, requester(&caller))?;
    Ok(reply(v, StatusCode::OK, json!({ "meta": { k: val } })))
}

pub async fn delete_snapshot_metadata_item(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    let (id, key) = (arg(&path, "snapshot_id"), arg(&path, "key"));
    let mut world = s.world();
    metadata_target(&world, &caller, &id, "volume:delete_snapshot_metadata")?;
    world.volume.delete_snapshot_metadata(&id, &key, requester(&caller))?;
    Ok(empty(v, StatusCode::OK))
}
