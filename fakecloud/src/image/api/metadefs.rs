//! `/v2/metadefs`: the metadata definitions catalog. Reads are open to any token (public
//! namespaces, and private ones to their owner); writes are admin-only by policy.

use super::common::{json_body, own_project, ApiResult, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::image::metadefs::{definition_body, tag_body, tags_body, NamespaceFields};
use crate::image::views;
use crate::policy::enforce;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::Value;

fn who(caller: &Caller) -> (Option<&str>, bool) {
    (caller.project_id.as_deref(), caller.is_admin())
}

pub async fn resource_types(State(s): State<AppState>, caller: Caller) -> ApiResult {
    enforce(SVC, &caller, "list_metadef_resource_types", own_project(&caller))?;
    let world = s.world();
    let now = world.now();
    Ok(Json(views::resource_types(&world.image.metadefs.resource_types(now))).into_response())
}

pub async fn list(State(s): State<AppState>, caller: Caller) -> ApiResult {
    enforce(SVC, &caller, "get_metadef_namespaces", own_project(&caller))?;
    let world = s.world();
    let (p, admin) = who(&caller);
    Ok(Json(views::namespaces(&world.image.metadefs.visible(p, admin))).into_response())
}

pub async fn show(State(s): State<AppState>, caller: Caller, Path(ns): Path<String>) -> ApiResult {
    enforce(SVC, &caller, "get_metadef_namespace", own_project(&caller))?;
    let world = s.world();
    let (p, admin) = who(&caller);
    Ok(Json(views::namespace(world.image.metadefs.get(&ns, p, admin)?, true)).into_response())
}

pub async fn create(State(s): State<AppState>, caller: Caller, body: Result<Bytes, BytesRejection>) -> ApiResult {
    enforce(SVC, &caller, "add_metadef_namespace", own_project(&caller))?;
    let body = json_body(body)?;
    let fields = NamespaceFields::from_json(&body)?;
    let project = caller.project_id.clone().unwrap_or_default();
    let mut world = s.world();
    let now = world.now();
    let ns = world.image.metadefs.create_namespace(fields, &body, &project, now)?;
    Ok((StatusCode::CREATED, Json(views::namespace(ns, true))).into_response())
}

pub async fn update(State(s): State<AppState>, caller: Caller, Path(ns): Path<String>, body: Result<Bytes, BytesRejection>) -> ApiResult {
    enforce(SVC, &caller, "modify_metadef_namespace", own_project(&caller))?;
    let fields = NamespaceFields::from_json(&json_body(body)?)?;
    let (p, admin) = who(&caller);
    let mut world = s.world();
    let now = world.now();
    let n = world.image.metadefs.update_namespace(&ns, fields, p, admin, now)?;
    Ok(Json(views::namespace(n, false)).into_response())
}

pub async fn delete(State(s): State<AppState>, caller: Caller, Path(ns): Path<String>) -> ApiResult {
    enforce(SVC, &caller, "delete_metadef_namespace", own_project(&caller))?;
    let (p, admin) = who(&caller);
    s.world().image.metadefs.delete_namespace(&ns, p, admin)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn associations(State(s): State<AppState>, caller: Caller, Path(ns): Path<String>) -> ApiResult {
    enforce(SVC, &caller, "list_metadef_resource_types", own_project(&caller))?;
    let world = s.world();
    let (p, admin) = who(&caller);
    Ok(Json(views::associations(world.image.metadefs.get(&ns, p, admin)?)).into_response())
}

pub async fn associate(
    State(s): State<AppState>,
    caller: Caller,
    Path(ns): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    enforce(SVC, &caller, "add_metadef_resource_type_association", own_project(&caller))?;
    let body = json_body(body)?;
    let (p, admin) = who(&caller);
    let mut world = s.world();
    let now = world.now();
    let a = world.image.metadefs.associate(&ns, &body, p, admin, now)?;
    Ok((StatusCode::CREATED, Json(views::association(&a))).into_response())
}

pub async fn dissociate(State(s): State<AppState>, caller: Caller, Path((ns, name)): Path<(String, String)>) -> ApiResult {
    enforce(SVC, &caller, "remove_metadef_resource_type_association", own_project(&caller))?;
    let (p, admin) = who(&caller);
    s.world().image.metadefs.dissociate(&ns, &name, p, admin)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---- properties and objects share one shape ----

async fn list_defs(s: AppState, caller: Caller, ns: String, objects: bool) -> ApiResult {
    enforce(SVC, &caller, if objects { "get_metadef_objects" } else { "get_metadef_properties" }, own_project(&caller))?;
    let world = s.world();
    let (p, admin) = who(&caller);
    let defs = world.image.metadefs.definitions(&ns, objects, p, admin)?;
    Ok(Json(if objects { views::objects(&ns, defs) } else { views::properties(defs) }).into_response())
}

async fn show_def(s: AppState, caller: Caller, ns: String, name: String, objects: bool) -> ApiResult {
    enforce(SVC, &caller, if objects { "get_metadef_object" } else { "get_metadef_property" }, own_project(&caller))?;
    let world = s.world();
    let (p, admin) = who(&caller);
    let d = world.image.metadefs.definition(&ns, objects, &name, p, admin)?;
    Ok(Json(if objects { views::object(&ns, d) } else { views::property(d) }).into_response())
}

async fn put_def(s: AppState, caller: Caller, ns: String, old: Option<String>, body: Value, objects: bool) -> ApiResult {
    let action = match (objects, old.is_some()) {
        (true, false) => "add_metadef_object",
        (true, true) => "modify_metadef_object",
        (false, false) => "add_metadef_property",
        (false, true) => "modify_metadef_property",
    };
    enforce(SVC, &caller, action, own_project(&caller))?;
    let (name, def) = definition_body(&body, if objects { "object" } else { "property" })?;
    let (p, admin) = who(&caller);
    let mut world = s.world();
    let now = world.now();
    let d = world.image.metadefs.put_definition(&ns, objects, old.as_deref(), name, def, p, admin, now)?;
    let view = if objects { views::object(&ns, d) } else { views::property(d) };
    let status = if old.is_some() { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Json(view)).into_response())
}

async fn delete_def(s: AppState, caller: Caller, ns: String, name: String, objects: bool) -> ApiResult {
    enforce(SVC, &caller, if objects { "delete_metadef_object" } else { "remove_metadef_property" }, own_project(&caller))?;
    let (p, admin) = who(&caller);
    s.world().image.metadefs.delete_definition(&ns, objects, &name, p, admin)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn properties(State(s): State<AppState>, caller: Caller, Path(ns): Path<String>) -> ApiResult {
    list_defs(s, caller, ns, false).await
}
pub async fn show_property(State(s): State<AppState>, caller: Caller, Path((ns, name)): Path<(String, String)>) -> ApiResult {
    show_def(s, caller, ns, name, false).await
}
pub async fn create_property(
    State(s): State<AppState>,
    caller: Caller,
    Path(ns): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let body = json_body(body)?;
    put_def(s, caller, ns, None, body, false).await
}
pub async fn update_property(
    State(s): State<AppState>,
    caller: Caller,
    Path((ns, name)): Path<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let body = json_body(body)?;
    put_def(s, caller, ns, Some(name), body, false).await
}
pub async fn delete_property(State(s): State<AppState>, caller: Caller, Path((ns, name)): Path<(String, String)>) -> ApiResult {
    delete_def(s, caller, ns, name, false).await
}
pub async fn objects(State(s): State<AppState>, caller: Caller, Path(ns): Path<String>) -> ApiResult {
    list_defs(s, caller, ns, true).await
}
pub async fn show_object(State(s): State<AppState>, caller: Caller, Path((ns, name)): Path<(String, String)>) -> ApiResult {
    show_def(s, caller, ns, name, true).await
}
pub async fn create_object(
    State(s): State<AppState>,
    caller: Caller,
    Path(ns): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let body = json_body(body)?;
    put_def(s, caller, ns, None, body, true).await
}
pub async fn update_object(
    State(s): State<AppState>,
    caller: Caller,
    Path((ns, name)): Path<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let body = json_body(body)?;
    put_def(s, caller, ns, Some(name), body, true).await
}
pub async fn delete_object(State(s): State<AppState>, caller: Caller, Path((ns, name)): Path<(String, String)>) -> ApiResult {
    delete_def(s, caller, ns, name, true).await
}

// ---- tags ----

pub async fn tags(State(s): State<AppState>, caller: Caller, Path(ns): Path<String>) -> ApiResult {
    enforce(SVC, &caller, "get_metadef_tags", own_project(&caller))?;
    let world = s.world();
    let (p, admin) = who(&caller);
    Ok(Json(views::tags(world.image.metadefs.tags(&ns, p, admin)?)).into_response())
}

/// `POST /v2/metadefs/namespaces/{ns}/tags`: `{"tags": [{"name": ...}, ...]}` (201).
pub async fn set_tags(
    State(s): State<AppState>,
    caller: Caller,
    Path(ns): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    enforce(SVC, &caller, "add_metadef_tags", own_project(&caller))?;
    let body = json_body(body)?;
    let names = tags_body(&body)?;
    let append = headers.get("x-openstack-append").and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let (p, admin) = who(&caller);
    let mut world = s.world();
    let now = world.now();
    let tags = world.image.metadefs.set_tags(&ns, names, append, p, admin, now)?;
    let body = serde_json::json!({"tags": tags.iter().map(|t| serde_json::json!({"name": t.name})).collect::<Vec<_>>()});
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

pub async fn delete_tags(State(s): State<AppState>, caller: Caller, Path(ns): Path<String>) -> ApiResult {
    enforce(SVC, &caller, "delete_metadef_tags", own_project(&caller))?;
    let (p, admin) = who(&caller);
    s.world().image.metadefs.delete_tag(&ns, None, p, admin)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn show_tag(State(s): State<AppState>, caller: Caller, Path((ns, name)): Path<(String, String)>) -> ApiResult {
    enforce(SVC, &caller, "get_metadef_tag", own_project(&caller))?;
    let world = s.world();
    let (p, admin) = who(&caller);
    Ok(Json(views::tag(world.image.metadefs.tag(&ns, &name, p, admin)?)).into_response())
}

/// `POST /v2/metadefs/namespaces/{ns}/tags/{name}`: the tag named by the path (no body; 201).
pub async fn create_tag(State(s): State<AppState>, caller: Caller, Path((ns, name)): Path<(String, String)>) -> ApiResult {
    enforce(SVC, &caller, "add_metadef_tag", own_project(&caller))?;
    if name.chars().count() > 255 {
        return Err(ApiError::bad_request(SVC, format!("Provided object does not match schema 'tag': '{name}' is too long")));
    }
    let (p, admin) = who(&caller);
    let mut world = s.world();
    let now = world.now();
    let t = world.image.metadefs.put_tag(&ns, None, name, p, admin, now)?;
    Ok((StatusCode::CREATED, Json(views::tag(&t))).into_response())
}

/// `PUT /v2/metadefs/namespaces/{ns}/tags/{name}`: `{"name": new}` renames it.
pub async fn update_tag(
    State(s): State<AppState>,
    caller: Caller,
    Path((ns, name)): Path<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    enforce(SVC, &caller, "modify_metadef_tag", own_project(&caller))?;
    let new = tag_body(&json_body(body)?)?;
    let (p, admin) = who(&caller);
    let mut world = s.world();
    let now = world.now();
    let t = world.image.metadefs.put_tag(&ns, Some(&name), new, p, admin, now)?;
    Ok(Json(views::tag(&t)).into_response())
}

pub async fn delete_tag(State(s): State<AppState>, caller: Caller, Path((ns, name)): Path<(String, String)>) -> ApiResult {
    enforce(SVC, &caller, "delete_metadef_tag", own_project(&caller))?;
    let (p, admin) = who(&caller);
    s.world().image.metadefs.delete_tag(&ns, Some(&name), p, admin)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
