//! QoS specs (`/qos-specs`): all admin. Associations are changed with GETs, as Cinder serves them.

use super::common::{arg, empty, prelude, reply, ApiResult, Cinder, PathArgs};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::http::microversion::Microversion;
use crate::policy::{enforce, Target};
use crate::volume::bodies::{qos_create, qos_keys, qos_set};
use crate::volume::request::truthy;
use crate::volume::views;
use crate::volume::SERVICE as SVC;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{json, Value};

fn admin(caller: &Caller, action: &str) -> Result<(), ApiError> {
    enforce(SVC, caller, &format!("volume_extension:qos_specs_manage:{action}"), Target::default())
}

pub async fn list_qos(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    admin(&caller, "get_all")?;
    let world = s.world();
    let items: Vec<Value> = world.volume.qos_specs.iter().map(views::qos).collect();
    Ok(reply(v, StatusCode::OK, json!({ "qos_specs": items })))
}

pub async fn show_qos(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    BaseUrl(base): BaseUrl,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    admin(&caller, "get")?;
    let id = arg(&path, "qos_id");
    let world = s.world();
    let q = world.volume.qos(&id)?;
    let project = caller.project_id.clone().unwrap_or_default();
    Ok(reply(v, StatusCode::OK, json!({ "qos_specs": views::qos(q), "links": views::qos_links(&base, &project, &id) })))
}

pub async fn create_qos(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    BaseUrl(base): BaseUrl,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    admin(&caller, "create")?;
    let (name, consumer, specs) = qos_create(&body)?;
    let mut world = s.world();
    let w = &mut *world;
    let now = w.sim.now();
    let q = w.volume.create_qos(name, consumer, specs, &mut w.sim.ids, now)?;
    let project = caller.project_id.clone().unwrap_or_default();
    Ok(reply(v, StatusCode::OK, json!({ "qos_specs": views::qos(q), "links": views::qos_links(&base, &project, &q.id) })))
}

/// `PUT /qos-specs/{id}`: adds or replaces specs, and answers with what was set.
pub async fn set_qos(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    admin(&caller, "update")?;
    let specs = qos_set(&body)?;
    s.world().volume.set_qos_keys(&arg(&path, "qos_id"), specs.clone())?;
    Ok(reply(v, StatusCode::OK, json!({ "qos_specs": specs })))
}

pub async fn unset_qos(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    admin(&caller, "update")?;
    let keys = qos_keys(&body)?;
    s.world().volume.unset_qos_keys(&arg(&path, "qos_id"), &keys)?;
    Ok(empty(v, StatusCode::ACCEPTED))
}

pub async fn delete_qos(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    prelude(&caller, &path)?;
    admin(&caller, "delete")?;
    let force = params.get("force").and_then(truthy).unwrap_or(false);
    s.world().volume.delete_qos(&arg(&path, "qos_id"), force)?;
    Ok(empty(v, StatusCode::ACCEPTED))
}

pub async fn qos_associations(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    admin(&caller, "get")?;
    let list = s.world().volume.qos_associations(&arg(&path, "qos_id"))?;
    let rows: Vec<Value> = list.into_iter().map(|(id, name)| json!({"association_type": "volume_type", "id": id, "name": name})).collect();
    Ok(reply(v, StatusCode::OK, json!({ "qos_associations": rows })))
}

fn vol_type_id(params: &Params) -> Result<String, ApiError> {
    params
        .get("vol_type_id")
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .ok_or_else(|| ApiError::bad_request(SVC, "Volume Type id must not be None."))
}

pub async fn associate_qos(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    prelude(&caller, &path)?;
    admin(&caller, "update")?;
    let type_id = vol_type_id(&params)?;
    s.world().volume.associate_qos(&arg(&path, "qos_id"), &type_id)?;
    Ok(empty(v, StatusCode::ACCEPTED))
}

pub async fn disassociate_qos(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    prelude(&caller, &path)?;
    admin(&caller, "update")?;
    let type_id = vol_type_id(&params)?;
    s.world().volume.disassociate_qos(&arg(&path, "qos_id"), Some(&type_id))?;
    Ok(empty(v, StatusCode::ACCEPTED))
}

pub async fn disassociate_all_qos(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    admin(&caller, "update")?;
    s.world().volume.disassociate_qos(&arg(&path, "qos_id"), None)?;
    Ok(empty(v, StatusCode::ACCEPTED))
}
