//! Group types (`/group_types`, 3.11) and their group specs: readable by any project (public ones,
//! without their specs), managed by admins.

use super::common::{arg, empty, prelude, reply, ApiResult, Cinder, PathArgs};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, Params};
use crate::http::microversion::{Microversion, Version};
use crate::policy::{enforce, Target};
use crate::volume::bodies::{extra_spec_update, group_specs_create, group_type};
use crate::volume::model::{GroupType, VolumeError};
use crate::volume::request::truthy;
use crate::volume::SERVICE as SVC;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{json, Value};

/// Group types came in 3.11; before it the routes do not exist.
fn since_3_11(v: Version) -> Result<(), ApiError> {
    if !v.at_least(3, 11) {
        return Err(ApiError::not_found(SVC, "The resource could not be found."));
    }
    Ok(())
}

/// A group type; its specs only for those `group:access_group_types_specs` lets see them (admins).
fn view(t: &GroupType, specs: bool) -> Value {
    let mut out = json!({"id": t.id, "name": t.name, "description": t.description, "is_public": t.is_public});
    if specs {
        out["group_specs"] = json!(t.group_specs);
    }
    out
}

fn admin(caller: &Caller, action: &str) -> Result<(), ApiError> {
    enforce(SVC, caller, action, Target::default())
}

pub async fn list_group_types(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    prelude(&caller, &path)?;
    since_3_11(v)?;
    let is_public = match params.get("is_public") {
        _ if !caller.is_admin() => Some(true),
        None => Some(true),
        Some(t) if t.eq_ignore_ascii_case("none") => None,
        Some(t) => Some(truthy(t).ok_or_else(|| ApiError::bad_request(SVC, format!("Invalid is_public filter [{t}]")))?),
    };
    let mut sort = Vec::new();
    if let Some(spec) = params.get("sort") {
        for part in spec.split(',') {
            let (k, d) = part.split_once(':').unwrap_or((part, "asc"));
            if !["name", "id", "description", "created_at"].contains(&k.trim()) {
                return Err(ApiError::bad_request(SVC, format!("Invalid input received: Invalid sort key: {k}")));
            }
            sort.push((k.trim().to_string(), d.trim() != "desc"));
        }
    }
    let world = s.world();
    let items: Vec<Value> = world.volume.list_group_types(is_public, &sort).into_iter().map(|t| view(t, caller.is_admin())).collect();
    Ok(reply(v, StatusCode::OK, json!({ "group_types": items })))
}

pub async fn show_group_type(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    since_3_11(v)?;
    let id = arg(&path, "group_type_id");
    let world = s.world();
    if id == "default" {
        return Err(ApiError::not_found(SVC, "Default group type can not be found."));
    }
    let t = world
        .volume
        .group_type(&id)
        .ok()
        .filter(|t| t.is_public || caller.is_admin())
        .ok_or_else(|| VolumeError::NotFound(format!("Group type {id} could not be found.")))?;
    Ok(reply(v, StatusCode::OK, json!({ "group_type": view(t, caller.is_admin()) })))
}

pub async fn create_group_type(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    since_3_11(v)?;
    admin(&caller, "group:group_types:create")?;
    let spec = group_type(&body, true)?;
    let mut world = s.world();
    let w = &mut *world;
    let t = w.volume.create_group_type(spec, &mut w.sim.ids)?;
    Ok(reply(v, StatusCode::ACCEPTED, json!({ "group_type": view(t, true) })))
}

pub async fn update_group_type(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    since_3_11(v)?;
    admin(&caller, "group:group_types:update")?;
    let spec = group_type(&body, false)?;
    let mut world = s.world();
    let t = world.volume.update_group_type(&arg(&path, "group_type_id"), spec)?;
    Ok(reply(v, StatusCode::OK, json!({ "group_type": view(t, true) })))
}

pub async fn delete_group_type(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    since_3_11(v)?;
    admin(&caller, "group:group_types:delete")?;
    s.world().volume.delete_group_type(&arg(&path, "group_type_id"))?;
    Ok(empty(v, StatusCode::ACCEPTED))
}

pub async fn list_group_specs(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    since_3_11(v)?;
    admin(&caller, "group:group_types_specs:get_all")?;
    let world = s.world();
    let t = world.volume.group_type(&arg(&path, "group_type_id"))?;
    Ok(reply(v, StatusCode::OK, json!({ "group_specs": t.group_specs })))
}

pub async fn create_group_specs(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    since_3_11(v)?;
    admin(&caller, "group:group_types_specs:create")?;
    let specs = group_specs_create(&body)?;
    s.world().volume.set_group_specs(&arg(&path, "group_type_id"), specs.clone())?;
    Ok(reply(v, StatusCode::ACCEPTED, json!({ "group_specs": specs })))
}

pub async fn show_group_spec(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    since_3_11(v)?;
    admin(&caller, "group:group_types_specs:get")?;
    let (id, key) = (arg(&path, "group_type_id"), arg(&path, "key"));
    let world = s.world();
    let t = world.volume.group_type(&id)?;
    let value = t.group_specs.get(&key).ok_or_else(|| VolumeError::NotFound(format!("Group Type {id} has no specs with key {key}.")))?;
    Ok(reply(v, StatusCode::OK, json!({ key: value })))
}

pub async fn update_group_spec(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    since_3_11(v)?;
    admin(&caller, "group:group_types_specs:update")?;
    let (id, key) = (arg(&path, "group_type_id"), arg(&path, "key"));
    let mut world = s.world();
    world.volume.group_type(&id)?;
    let specs = extra_spec_update(&body, &key)?;
    world.volume.set_group_specs(&id, specs.clone())?;
    Ok(reply(v, StatusCode::OK, json!(specs)))
}

pub async fn delete_group_spec(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    since_3_11(v)?;
    admin(&caller, "group:group_types_specs:delete")?;
    s.world().volume.delete_group_spec(&arg(&path, "group_type_id"), &arg(&path, "key"))?;
    Ok(empty(v, StatusCode::ACCEPTED))
}
