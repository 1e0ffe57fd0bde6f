//! Generic volume groups (`/groups`, 3.13): create, list, show, update, and the `delete`,
//! `reset_status` (3.20) and `create-from-src` (3.14) actions.

use super::common::{arg, empty, own_project, prelude, project, reply, requester, ApiResult, Cinder, PathArgs};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, Params};
use crate::http::microversion::{Microversion, Version};
use crate::policy::{enforce, Target};
use crate::volume::bodies::{action, group_update, new_group};
use crate::volume::model::{Group, Volumes};
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

fn detail(vols: &Volumes, g: &Group, v: Version) -> Value {
    let mut out = json!({
        "id": g.id,
        "name": g.name,
        "description": g.description,
        "status": g.status,
        "availability_zone": g.availability_zone,
        "created_at": views::time(g.created_at),
        "group_type": g.group_type_id,
        "volume_types": g.volume_type_ids,
    });
    if v.at_least(3, 14) {
        out["group_snapshot_id"] = Value::Null;
        out["source_group_id"] = json!(g.source_group_id);
    }
    if v.at_least(3, 25) {
        out["volumes"] = json!(vols.group_volumes(&g.id));
    }
    if v.at_least(3, 38) {
        out["replication_status"] = json!("disabled");
    }
    out
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
    since(v, 13)?;
    enforce(SVC, &caller, "group:get_all", own_project(&caller))?;
    let all = params.get("all_tenants").and_then(truthy).unwrap_or(false);
    let world = s.world();
    let items: Vec<Value> = world
        .volume
        .list_groups(requester(&caller), all)
        .into_iter()
        .map(|g| if full { detail(&world.volume, g, v) } else { json!({"id": g.id, "name": g.name}) })
        .collect();
    Ok(reply(v, StatusCode::OK, json!({ "groups": items })))
}

pub async fn list_groups(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    list(s, caller, v, path, params, false).await
}

pub async fn list_groups_detail(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    list(s, caller, v, path, params, true).await
}

pub async fn show_group(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    since(v, 13)?;
    let world = s.world();
    let g = world.volume.group_for(&arg(&path, "group_id"), requester(&caller))?;
    enforce(SVC, &caller, "group:get", project(&g.project_id))?;
    Ok(reply(v, StatusCode::OK, json!({ "group": detail(&world.volume, g, v) })))
}

pub async fn create_group(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    since(v, 13)?;
    enforce(SVC, &caller, "group:create", own_project(&caller))?;
    let new = new_group(&body)?;
    let mut world = s.world();
    let w = &mut *world;
    let g = w.volume.create_group(new, requester(&caller), &mut w.sim)?;
    Ok(reply(v, StatusCode::ACCEPTED, json!({ "group": {"id": g.id, "name": g.name} })))
}

pub async fn update_group(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    since(v, 13)?;
    let u = group_update(&body)?;
    let id = arg(&path, "group_id");
    let who = requester(&caller);
    let mut world = s.world();
    let owner = world.volume.group_for(&id, who)?.project_id.clone();
    enforce(SVC, &caller, "group:update", project(&owner))?;
    world.volume.update_group(&id, u, who)?;
    Ok(empty(v, StatusCode::ACCEPTED))
}

/// `POST /groups/{id}/action`: `delete` (with `delete-volumes`) or the admin's `reset_status`.
pub async fn group_action(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    since(v, 13)?;
    let (name, args) = action(&body)?;
    let id = arg(&path, "group_id");
    let who = requester(&caller);
    let allowed: &[&str] = match name.as_str() {
        "delete" => &["delete-volumes"],
        "reset_status" => &["status"],
        _ => return Err(ApiError::bad_request(SVC, format!("There is no such action: {name}"))),
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
    if name == "reset_status" {
        since(v, 20)?;
        enforce(SVC, &caller, "group:reset_status", Target::default())?;
        let status =
            args.get("status").and_then(Value::as_str).ok_or_else(|| ApiError::bad_request(SVC, "Must specify 'status'"))?.to_string();
        let mut world = s.world();
        let w = &mut *world;
        w.volume.reset_group_status(&id, &status, who, &mut w.sim)?;
        return Ok(empty(v, StatusCode::ACCEPTED));
    }
    let delete_volumes = match args.get("delete-volumes") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(t)) => {
            truthy(t).ok_or_else(|| ApiError::bad_request(SVC, format!("Invalid value '{t}' for delete-volumes flag.")))?
        }
        Some(other) => return Err(ApiError::bad_request(SVC, format!("Invalid value '{other}' for delete-volumes flag."))),
    };
    let mut world = s.world();
    let owner = world.volume.group_for(&id, who)?.project_id.clone();
    enforce(SVC, &caller, "group:delete", project(&owner))?;
    let w = &mut *world;
    w.volume.delete_group(&id, delete_volumes, who, &mut w.sim)?;
    Ok(empty(v, StatusCode::ACCEPTED))
}

/// `POST /groups/action` `create-from-src` (3.14): from another group.
pub async fn groups_action(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    since(v, 14)?;
    let (name, args) = action(&body)?;
    if name != "create-from-src" {
        return Err(ApiError::bad_request(SVC, format!("There is no such action: {name}")));
    }
    let obj = args.as_object().ok_or_else(|| ApiError::bad_request(SVC, "create-from-src must be an object"))?;
    if let Some(k) = obj.keys().find(|k| !["name", "description", "source_group_id", "group_snapshot_id"].contains(&k.as_str())) {
        return Err(ApiError::bad_request(SVC, format!("Additional properties are not allowed ('{k}' was unexpected)")));
    }
    let text = |k: &str| -> Result<Option<String>, ApiError> {
        match obj.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(t)) => Ok(Some(t.clone())),
            Some(other) => Err(ApiError::bad_request(SVC, format!("Invalid input for field/attribute {k}. Value: {other}."))),
        }
    };
    let (group_name, description, source, snapshot) =
        (text("name")?, text("description")?, text("source_group_id")?, text("group_snapshot_id")?);
    if let Some(snap) = snapshot {
        enforce(SVC, &caller, "group:create", own_project(&caller))?;
        let mut world = s.world();
        let w = &mut *world;
        let gid = w.volume.create_group_from_snapshot(&snap, group_name, description, requester(&caller), &mut w.sim)?;
        let g = w.volume.groups.iter().find(|g| g.id == gid).expect("just made");
        return Ok(reply(v, StatusCode::ACCEPTED, json!({ "group": {"id": g.id, "name": g.name} })));
    }
    let source = source.ok_or_else(|| {
        ApiError::bad_request(SVC, "Either 'group_snapshot_id' or 'source_group_id' must be provided to create group from source.")
    })?;
    enforce(SVC, &caller, "group:create", own_project(&caller))?;
    let mut world = s.world();
    let w = &mut *world;
    let g = w.volume.create_group_from_group(&source, group_name, description, requester(&caller), &mut w.sim)?;
    Ok(reply(v, StatusCode::ACCEPTED, json!({ "group": {"id": g.id, "name": g.name} })))
}
