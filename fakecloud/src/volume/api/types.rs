//! Volume types (`/types`), their extra specs, access lists and encryption. Reads are open to the
//! project's readers (a private type only where shared); every change is the admin's.

use super::common::{arg, empty, own_project, prelude, reply, requester, ApiResult, Cinder, PathArgs};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, Params};
use crate::http::microversion::Microversion;
use crate::policy::{enforce, Target};
use crate::volume::bodies::{extra_spec_update, extra_specs_create, type_access_action};
use crate::volume::model::{VolumeError, DEFAULT_TYPE};
use crate::volume::request::truthy;
use crate::volume::types::{type_not_found, EncryptionSpec, NewType, TypeUpdate};
use crate::volume::views::{self, TypeView};
use crate::volume::SERVICE as SVC;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{json, Value};

/// How show and list render a type for this caller.
fn read_view(caller: &Caller) -> TypeView {
    TypeView { all_specs: caller.is_admin(), qos: caller.is_admin(), access: true }
}

/// `is_public` of the list query: absent (public only), `none` (all), or a boolean.
fn is_public(params: &Params) -> Result<Option<Option<bool>>, ApiError> {
    match params.get("is_public") {
        None => Ok(None),
        Some(t) if t.eq_ignore_ascii_case("none") => Ok(Some(None)),
        Some(t) => truthy(t).map(|b| Some(Some(b))).ok_or_else(|| ApiError::bad_request(SVC, format!("Invalid is_public filter [{t}]"))),
    }
}

pub async fn list_types(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:type_get_all", own_project(&caller))?;
    let filter = is_public(&params)?;
    let world = s.world();
    let types: Vec<Value> =
        world.volume.list_types(requester(&caller), filter).into_iter().map(|t| views::volume_type(t, read_view(&caller))).collect();
    Ok(reply(v, StatusCode::OK, json!({ "volume_types": types })))
}

pub async fn show_type(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    let id = arg(&path, "type_id");
    let world = s.world();
    let t = if id == "default" {
        world.volume.types.iter().find(|t| t.name == DEFAULT_TYPE).ok_or_else(|| type_not_found(&id))?
    } else {
        world.volume.type_for(&id, requester(&caller))?
    };
    enforce(SVC, &caller, "volume_extension:type_get", own_project(&caller))?;
    Ok(reply(v, StatusCode::OK, json!({ "volume_type": views::volume_type(t, read_view(&caller)) })))
}

pub async fn create_type(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:type_create", Target::default())?;
    let new = NewType::from_json(&body)?;
    let mut world = s.world();
    let w = &mut *world;
    let t = w.volume.create_type(new, &mut w.sim.ids)?;
    Ok(reply(v, StatusCode::OK, json!({ "volume_type": views::volume_type(t, TypeView { all_specs: true, qos: false, access: true }) })))
}

pub async fn update_type(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:type_update", Target::default())?;
    let u = TypeUpdate::from_json(&body)?;
    let id = arg(&path, "type_id");
    let mut world = s.world();
    let t = world.volume.update_type(&id, u)?;
    Ok(reply(v, StatusCode::OK, json!({ "volume_type": views::volume_type(t, TypeView { all_specs: true, qos: false, access: false }) })))
}

pub async fn delete_type(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:type_delete", Target::default())?;
    let id = arg(&path, "type_id");
    s.world().volume.delete_type(&id)?;
    Ok(empty(v, StatusCode::ACCEPTED))
}

/// The extra specs a caller may read: all for an admin, the user-visible ones otherwise.
fn readable_specs(caller: &Caller, t: &crate::volume::model::VolumeType) -> serde_json::Map<String, Value> {
    t.extra_specs
        .iter()
        .filter(|(k, _)| caller.is_admin() || crate::volume::types::USER_VISIBLE_EXTRA_SPECS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect()
}

pub async fn list_extra_specs(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:types_extra_specs:index", own_project(&caller))?;
    let world = s.world();
    let t = world.volume.type_for(&arg(&path, "type_id"), requester(&caller))?;
    Ok(reply(v, StatusCode::OK, json!({ "extra_specs": readable_specs(&caller, t) })))
}

pub async fn create_extra_specs(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:types_extra_specs:create", Target::default())?;
    let specs = extra_specs_create(&body)?;
    s.world().volume.set_extra_specs(&arg(&path, "type_id"), specs.clone())?;
    Ok(reply(v, StatusCode::OK, json!({ "extra_specs": specs })))
}

pub async fn show_extra_spec(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:types_extra_specs:show", own_project(&caller))?;
    let (id, key) = (arg(&path, "type_id"), arg(&path, "key"));
    let world = s.world();
    let t = world.volume.type_for(&id, requester(&caller))?;
    let value = readable_specs(&caller, t)
        .remove(&key)
        .ok_or_else(|| VolumeError::NotFound(format!("Volume Type {id} has no extra specs with key {key}.")))?;
    Ok(reply(v, StatusCode::OK, json!({ key: value })))
}

pub async fn update_extra_spec(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:types_extra_specs:update", Target::default())?;
    let (id, key) = (arg(&path, "type_id"), arg(&path, "key"));
    let mut world = s.world();
    if !world.volume.types.iter().any(|t| t.id == id) {
        return Err(type_not_found(&id).into());
    }
    let specs = extra_spec_update(&body, &key)?;
    world.volume.set_extra_specs(&id, specs.clone())?;
    Ok(reply(v, StatusCode::OK, json!(specs)))
}

pub async fn delete_extra_spec(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:types_extra_specs:delete", Target::default())?;
    s.world().volume.delete_extra_spec(&arg(&path, "type_id"), &arg(&path, "key"))?;
    Ok(empty(v, StatusCode::ACCEPTED))
}

pub async fn list_type_access(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:volume_type_access:get_all_for_type", Target::default())?;
    let id = arg(&path, "type_id");
    let projects = s.world().volume.type_access(&id)?;
    let rows: Vec<Value> = projects.iter().map(|p| json!({"volume_type_id": id, "project_id": p})).collect();
    Ok(reply(v, StatusCode::OK, json!({ "volume_type_access": rows })))
}

/// `POST /types/{id}/action`: `addProjectAccess` or `removeProjectAccess`.
pub async fn type_action(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    let (add, project) = type_access_action(&body)?;
    let action = if add { "addProjectAccess" } else { "removeProjectAccess" };
    enforce(SVC, &caller, &format!("volume_extension:volume_type_access:{action}"), Target::default())?;
    let id = arg(&path, "type_id");
    let mut world = s.world();
    if add {
        world.volume.add_type_access(&id, &project)?;
    } else {
        world.volume.remove_type_access(&id, &project)?;
    }
    Ok(empty(v, StatusCode::ACCEPTED))
}

pub async fn show_encryption(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:volume_type_encryption:get", Target::default())?;
    let id = arg(&path, "type_id");
    let world = s.world();
    let t = world.volume.types.iter().find(|t| t.id == id).ok_or_else(|| type_not_found(&id))?;
    Ok(reply(v, StatusCode::OK, views::encryption(&id, t.encryption.as_ref())))
}

/// `GET /types/{id}/encryption/{key}`: one field of the encryption, e.g. `cipher`.
pub async fn show_encryption_item(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:volume_type_encryption:get", Target::default())?;
    let (id, key) = (arg(&path, "type_id"), arg(&path, "key"));
    let world = s.world();
    let t = world.volume.types.iter().find(|t| t.id == id).ok_or_else(|| type_not_found(&id))?;
    let all = views::encryption(&id, t.encryption.as_ref());
    let value = all
        .get(&key)
        .filter(|_| t.encryption.is_some())
        .cloned()
        .ok_or_else(|| VolumeError::NotFound(format!("Volume type encryption for type {id} does not exist.")))?;
    Ok(reply(v, StatusCode::OK, json!({ key: value })))
}

pub async fn create_encryption(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:volume_type_encryption:create", Target::default())?;
    let id = arg(&path, "type_id");
    let mut world = s.world();
    if !world.volume.types.iter().any(|t| t.id == id) {
        return Err(type_not_found(&id).into());
    }
    let spec = EncryptionSpec::from_json(&body, true)?;
    let w = &mut *world;
    let now = w.sim.now();
    let e = w.volume.create_encryption(&id, spec, &mut w.sim.ids, now)?;
    Ok(reply(v, StatusCode::OK, views::encryption_created(&id, e)))
}

pub async fn update_encryption(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:volume_type_encryption:update", Target::default())?;
    let id = arg(&path, "type_id");
    let spec = EncryptionSpec::from_json(&body, false)?;
    let mut echo = serde_json::Map::new();
    if let Some(p) = &spec.provider {
        echo.insert("provider".into(), json!(p));
    }
    if let Some(c) = &spec.cipher {
        echo.insert("cipher".into(), json!(c));
    }
    if let Some(k) = &spec.key_size {
        echo.insert("key_size".into(), json!(k));
    }
    if let Some(l) = &spec.control_location {
        echo.insert("control_location".into(), json!(l));
    }
    let mut world = s.world();
    let now = world.now();
    world.volume.update_encryption(&id, spec, now)?;
    Ok(reply(v, StatusCode::OK, json!({ "encryption": echo })))
}

pub async fn delete_encryption(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:volume_type_encryption:delete", Target::default())?;
    s.world().volume.delete_encryption(&arg(&path, "type_id"))?;
    Ok(empty(v, StatusCode::ACCEPTED))
}
