//! Nova's volume proxies (`os-volumes` and `os-snapshots`, deprecated and gone from 2.36): Cinder's
//! volumes and snapshots of the caller's project in Nova's old shapes (`displayName`,
//! `availabilityZone`, `createdAt`...), created and deleted through Cinder's own rules.

use super::common::{check_schema, empty, not_found, parse_bool, reply, ApiResult, Nova, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, Params};
use crate::http::microversion::{Microversion, Version};
use crate::policy::{enforce, Target};
use crate::volume::model::{Attachment, Requester, Snapshot, Volume, VolumeError};
use crate::volume::request::NewVolume;
use crate::volume::snapshots::NewSnapshot;
use crate::volume::views::time;
use crate::world::World;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{json, Value};

/// The proxy APIs answer 404 from 2.36.
fn proxied(v: Version) -> Result<(), ApiError> {
    if v.at_least(2, 36) {
        return Err(not_found("The resource could not be found."));
    }
    Ok(())
}

fn policy(caller: &Caller, action: &str) -> Result<(), ApiError> {
    enforce(SVC, caller, &format!("os_compute_api:os-volumes:{action}"), Target { project_id: caller.project_id.as_deref(), user_id: None })
}

/// Nova asks Cinder with the user's token: the caller's project only, as Cinder scopes it.
fn requester(caller: &Caller) -> Requester<'_> {
    Requester { project_id: caller.project_id.as_deref().unwrap_or_default(), user_id: &caller.user_id, admin: caller.is_admin() }
}

/// Cinder's refusals as Nova's proxy passes them on.
fn from_cinder(e: VolumeError) -> ApiError {
    match e {
        VolumeError::NotFound(m) => not_found(m),
        VolumeError::OverLimit(m) => ApiError::new(SVC, StatusCode::FORBIDDEN, m),
        VolumeError::BadRequest(m) | VolumeError::Conflict(m) => ApiError::bad_request(SVC, m),
    }
}

/// Nova's `_translate_volume_summary_view`: the first attachment when attached, else `[{}]`.
fn volume_view(w: &World, vol: &Volume) -> Value {
    let attachment = vol.attachments.iter().find(|a| a.is_attached()).map(|a: &Attachment| {
        let mut d = json!({"id": vol.id, "volumeId": vol.id, "serverId": a.server_id});
        if !a.device.is_empty() {
            d["device"] = json!(a.device);
        }
        d
    });
    json!({
        "id": vol.id,
        "status": vol.status,
        "size": vol.size,
        "availabilityZone": vol.availability_zone,
        "createdAt": time(vol.created_at),
        "attachments": [attachment.unwrap_or_else(|| json!({}))],
        "displayName": vol.name,
        "displayDescription": vol.description,
        "volumeType": w.volume.volume_type(&vol.volume_type_id).map(|t| t.name.clone()),
        "snapshotId": vol.snapshot_id,
        "metadata": vol.metadata,
    })
}

fn snapshot_view(s: &Snapshot) -> Value {
    json!({
        "id": s.id,
        "volumeId": s.volume_id,
        "status": s.status,
        "size": s.size,
        "createdAt": time(s.created_at),
        "displayName": s.name,
        "displayDescription": s.description,
    })
}

/// Nova's `common.limited`: `offset` then `limit` (at most 1000).
fn limited<T>(items: Vec<T>, params: &Params) -> Result<Vec<T>, ApiError> {
    let read = |key: &str| -> Result<Option<usize>, ApiError> {
        match params.get(key) {
            None => Ok(None),
            Some(s) => s.parse::<usize>().map(Some).map_err(|_| {
                ApiError::bad_request(SVC, format!("Invalid input for query parameters {key}. Value: {s}. '{s}' does not match '^[0-9]*$'"))
            }),
        }
    };
    let offset = read("offset")?.unwrap_or(0);
    let limit = read("limit")?.unwrap_or(1000).min(1000);
    Ok(items.into_iter().skip(offset).take(limit).collect())
}

fn own_volumes<'a>(w: &'a World, caller: &Caller) -> Vec<&'a Volume> {
    let project = caller.project_id.as_deref().unwrap_or_default();
    // Cinder lists newest first.
    w.volume.volumes.iter().rev().filter(|v| v.project_id == project).collect()
}

async fn list_volumes(s: AppState, caller: Caller, params: Params, v: Version, action: &str) -> ApiResult {
    proxied(v)?;
    policy(&caller, action)?;
    let w = s.world();
    let items: Vec<Value> = limited(own_volumes(&w, &caller), &params)?.into_iter().map(|vol| volume_view(&w, vol)).collect();
    Ok(reply(v, StatusCode::OK, json!({"volumes": items})))
}

pub async fn list(State(s): State<AppState>, caller: Caller, params: Params, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    list_volumes(s, caller, params, v, "list").await
}

pub async fn list_detail(State(s): State<AppState>, caller: Caller, params: Params, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    list_volumes(s, caller, params, v, "detail").await
}

pub async fn show(State(s): State<AppState>, caller: Caller, Path(id): Path<String>, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    proxied(v)?;
    policy(&caller, "show")?;
    let w = s.world();
    let vol = w.volume.show(&id, requester(&caller)).map_err(from_cinder)?;
    Ok(reply(v, StatusCode::OK, json!({"volume": volume_view(&w, vol)})))
}

fn create_volume_schema() -> Value {
    json!({"type": "object", "required": ["volume"], "additionalProperties": false,
           "properties": {"volume": {"type": "object", "required": ["size"], "additionalProperties": false, "properties": {
               "volume_type": {"type": "string"},
               "metadata": {"type": "object", "properties": {}, "additionalProperties": true},
               "snapshot_id": {"type": "string"},
               "size": {"type": ["integer", "string"], "pattern": "^[0-9]+$", "minimum": 1},
               "availability_zone": {"type": "string"},
               "display_name": {"type": "string"},
               "display_description": {"type": "string"}}}}})
}

pub async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    proxied(v)?;
    policy(&caller, "create")?;
    check_schema(&body, &create_volume_schema())?;
    let vol = &body["volume"];
    let text = |k: &str| vol.get(k).and_then(Value::as_str).map(str::to_string);
    let size = match &vol["size"] {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    };
    // The schema lets "0" through as a string; Cinder refuses it.
    if size == Some(0) {
        return Err(ApiError::bad_request(SVC, "Invalid input received: Volume size '0' must be an integer and greater than 0"));
    }
    let metadata = vol
        .get("metadata")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))).collect())
        .unwrap_or_default();
    let mut guard = s.world();
    let w = &mut *guard;
    if let Some(snap) = text("snapshot_id") {
        w.volume.snapshot_for(&snap, requester(&caller)).map_err(from_cinder)?;
    }
    let new = NewVolume {
        name: text("display_name"),
        description: text("display_description"),
        size,
        availability_zone: text("availability_zone"),
        volume_type: text("volume_type"),
        metadata,
        snapshot_id: text("snapshot_id"),
        ..NewVolume::default()
    };
    let id = w.volume.create(new, requester(&caller), &w.image, &mut w.sim).map_err(from_cinder)?.id.clone();
    let view = volume_view(w, w.volume.volume(&id).expect("just created"));
    Ok(reply(v, StatusCode::OK, json!({"volume": view})))
}

pub async fn delete(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    proxied(v)?;
    policy(&caller, "delete")?;
    let mut guard = s.world();
    let w = &mut *guard;
    w.volume.delete(&id, requester(&caller), false, &mut w.sim).map_err(from_cinder)?;
    Ok(empty(v, StatusCode::ACCEPTED))
}

// ---- os-snapshots ----

async fn list_snaps(s: AppState, caller: Caller, params: Params, v: Version, action: &str) -> ApiResult {
    proxied(v)?;
    policy(&caller, action)?;
    let w = s.world();
    let project = caller.project_id.as_deref().unwrap_or_default();
    let own: Vec<&Snapshot> = w.volume.snapshots.iter().rev().filter(|s| s.project_id == project).collect();
    let items: Vec<Value> = limited(own, &params)?.into_iter().map(snapshot_view).collect();
    Ok(reply(v, StatusCode::OK, json!({"snapshots": items})))
}

pub async fn list_snapshots(
    State(s): State<AppState>,
    caller: Caller,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    list_snaps(s, caller, params, v, "snapshots:list").await
}

pub async fn list_snapshots_detail(
    State(s): State<AppState>,
    caller: Caller,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    list_snaps(s, caller, params, v, "snapshots:detail").await
}

pub async fn show_snapshot(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    proxied(v)?;
    policy(&caller, "snapshots:show")?;
    let w = s.world();
    let snap = w.volume.snapshot_for(&id, requester(&caller)).map_err(from_cinder)?;
    Ok(reply(v, StatusCode::OK, json!({"snapshot": snapshot_view(snap)})))
}

fn create_snapshot_schema() -> Value {
    json!({"type": "object", "required": ["snapshot"], "additionalProperties": false,
           "properties": {"snapshot": {"type": "object", "required": ["volume_id"], "additionalProperties": false, "properties": {
               "volume_id": {"type": "string"},
               "force": {"type": ["boolean", "string"], "enum": [true, "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes",
                                                                false, "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no"]},
               "display_name": {"type": "string"},
               "display_description": {"type": "string"}}}}})
}

pub async fn create_snapshot(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    proxied(v)?;
    policy(&caller, "snapshots:create")?;
    check_schema(&body, &create_snapshot_schema())?;
    let snap = &body["snapshot"];
    let text = |k: &str| snap.get(k).and_then(Value::as_str).map(str::to_string);
    let new = NewSnapshot {
        volume_id: text("volume_id").unwrap_or_default(),
        name: text("display_name"),
        description: text("display_description"),
        force: snap.get("force").and_then(parse_bool).unwrap_or(false),
        metadata: Default::default(),
    };
    let mut guard = s.world();
    let w = &mut *guard;
    // Nova asks Cinder without a microversion: only `force` snapshots a volume in use.
    let status = w.volume.show(&new.volume_id, requester(&caller)).map_err(from_cinder)?.status.clone();
    if !new.force && status != "available" {
        return Err(ApiError::bad_request(
            SVC,
            format!("Invalid volume: Volume {} status must be available, but current status is: {status}.", new.volume_id),
        ));
    }
    let created = w.volume.create_snapshot(new, requester(&caller), &mut w.sim).map_err(from_cinder)?;
    Ok(reply(v, StatusCode::OK, json!({"snapshot": snapshot_view(created)})))
}

pub async fn delete_snapshot(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    proxied(v)?;
    policy(&caller, "snapshots:delete")?;
    let mut guard = s.world();
    let w = &mut *guard;
    w.volume.delete_snapshot(&id, false, requester(&caller), &mut w.sim).map_err(from_cinder)?;
    Ok(empty(v, StatusCode::ACCEPTED))
}
