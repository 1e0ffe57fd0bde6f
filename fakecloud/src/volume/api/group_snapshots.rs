//! Group snapshots (`/group_snapshots`, 3.14) and their admin `reset_status` action (3.19).

use super::common::{arg, empty, own_project, prelude, project, reply, requester, ApiResult, Cinder, PathArgs};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, Params};
use crate::http::microversion::{Microversion, Version};
use crate::policy::{enforce, Target};
use crate::volume::bodies::{action, new_group_snapshot};
use crate::volume::model::GroupSnapshot;
use crate::volume::request::truthy;
use crate::volume::views;
use crate::volume::SERVICE as SVC;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{json, Value};

fn since(v: Version, minor: u32) -> Result<(), ApiError> {
    if !v.at_least(3, minor) {
        return Err(ApiError::not_found(SVC, "The resource could not be found."));
    }
    Ok(())
}

fn detail(g: &GroupSnapshot) -> Value {
    json!({
        "id": g.id,
        "name": g.name,
        "description": g.description,
        "status": g.status,
        "group_id": g.group_id,
        "group_type_id": g.group_type_id,
        "created_at": views::time(g.created_at),
    })
}

async fn list(
    s: AppState,
    caller: Caller,
    v: Version,
    path: std::collections::HashMap<String, String>,
    params: Params,
    full: bool,
) -> ApiResult {
    prelude(&caller, &path)?;
    since(v, 14)?;
    enforce(SVC, &caller, "group:get_all_group_snapshots", own_project(&caller))?;
    let all = params.get("all_tenants").and_then(truthy).unwrap_or(false);
    let world = s.world();
    let items: Vec<Value> = world
        .volume
        .list_group_snapshots(requester(&caller), all)
        .into_iter()
        .map(|g| if full { detail(g) } else { json!({"id": g.id, "name": g.name}) })
        .collect();
    Ok(reply(v, StatusCode::OK, json!({ "group_snapshots": items })))
}

pub async fn list_group_snapshots(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    list(s, caller, v, path, params, false).await
}

pub async fn list_group_snapshots_detail(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    list(s, caller, v, path, params, true).await
}

pub async fn show_group_snapshot(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    since(v, 14)?;
    let world = s.world();
    let g = world.volume.group_snapshot_for(&arg(&path, "group_snapshot_id"), requester(&caller))?;
    enforce(SVC, &caller, "group:get_group_snapshot", project(&g.project_id))?;
    Ok(reply(v, StatusCode::OK, json!({ "group_snapshot": detail(g) })))
}

pub async fn create_group_snapshot(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    since(v, 14)?;
    let (group_id, name, description) = new_group_snapshot(&body)?;
    let who = requester(&caller);
    let mut world = s.world();
    let owner = world.volume.group_for(&group_id, who)?.project_id.clone();
    enforce(SVC, &caller, "group:create_group_snapshot", project(&owner))?;
    let w = &mut *world;
    let g = w.volume.create_group_snapshot(&group_id, name, description, who, &mut w.sim)?;
    Ok(reply(v, StatusCode::ACCEPTED, json!({ "group_snapshot": {"id": g.id, "name": g.name, "group_type_id": g.group_type_id} })))
}

pub async fn delete_group_snapshot(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    since(v, 14)?;
    let id = arg(&path, "group_snapshot_id");
    let who = requester(&caller);
    let mut world = s.world();
    let owner = world.volume.group_snapshot_for(&id, who)?.project_id.clone();
    enforce(SVC, &caller, "group:delete_group_snapshot", project(&owner))?;
    let w = &mut *world;
    w.volume.delete_group_snapshot(&id, who, &mut w.sim)?;
    Ok(empty(v, StatusCode::ACCEPTED))
}

/// `POST /group_snapshots/{id}/action`: the admin's `reset_status` (3.19).
pub async fn group_snapshot_action(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    since(v, 19)?;
    let (name, args) = action(&body)?;
    if name != "reset_status" {
        return Err(ApiError::bad_request(SVC, format!("There is no such action: {name}")));
    }
    let obj = args.as_object().ok_or_else(|| ApiError::bad_request(SVC, "reset_status must be an object"))?;
    if let Some(k) = obj.keys().find(|k| k.as_str() != "status") {
        return Err(ApiError::bad_request(SVC, format!("Additional properties are not allowed ('{k}' was unexpected)")));
    }
    let status = obj.get("status").and_then(Value::as_str).ok_or_else(|| ApiError::bad_request(SVC, "Must specify 'status'"))?.to_string();
    enforce(SVC, &caller, "group:reset_group_snapshot_status", Target::default())?;
    let mut world = s.world();
    let w = &mut *world;
    w.volume.reset_group_snapshot_status(&arg(&path, "group_snapshot_id"), &status, requester(&caller), &mut w.sim)?;
    Ok(empty(v, StatusCode::ACCEPTED))
}
