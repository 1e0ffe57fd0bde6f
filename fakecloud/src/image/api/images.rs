//! Images: list with Glance's filters and paging, show, create (queued), JSON-patch update,
//! delete, data upload and download, deactivation, tags, staging and interoperable import.

use super::common::{body_bytes, json_body, own_project, project_target, ApiResult, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::Params;
use crate::image::actions::Requester;
use crate::image::request::{Change, ImportRequest, ListQuery, NewImage, PATCH_V20, PATCH_V21};
use crate::image::views;
use crate::policy::enforce;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::Json;

pub async fn list(State(s): State<AppState>, caller: Caller, params: Params) -> ApiResult {
    enforce(SVC, &caller, "get_images", own_project(&caller))?;
    let query = ListQuery::parse(&params.0)?;
    let body = {
        let world = s.world();
        let page = world.image.list(&query, caller.project_id.as_deref(), caller.is_admin())?;
        views::image_list(&page, &params.0)
    };
    Ok(Json(body).into_response())
}

pub async fn show(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    enforce(SVC, &caller, "get_image", own_project(&caller))?;
    let world = s.world();
    let image = world.image.show(&id, caller.project_id.as_deref(), caller.is_admin())?;
    Ok(Json(views::image(image)).into_response())
}

pub async fn create(State(s): State<AppState>, caller: Caller, body: Result<Bytes, BytesRejection>) -> ApiResult {
    enforce(SVC, &caller, "add_image", own_project(&caller))?;
    let body = json_body(body)?;
    let new = NewImage::from_json(&body)?;
    let project = caller
        .project_id
        .clone()
        .ok_or_else(|| ApiError::new(SVC, StatusCode::FORBIDDEN, "You are not authorized to complete add_image action."))?;
    let mut world = s.world();
    let now = world.now();
    let w = &mut *world;
    let image = w.image.create(new, &project, caller.is_admin(), &mut w.sim.ids, now)?;
    Ok((StatusCode::CREATED, Json(views::image(image))).into_response())
}

/// The owner of a visible image (the target of the owner-only policies); 404 when not visible.
fn owner_of(s: &AppState, caller: &Caller, id: &str) -> Result<String, ApiError> {
    Ok(s.world().image.show(id, caller.project_id.as_deref(), caller.is_admin())?.owner.clone())
}

/// `PATCH /v2/images/{id}` with a JSON-patch media type (any other is Glance's 415).
pub async fn update(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let owner = owner_of(&s, &caller, &id)?;
    enforce(SVC, &caller, "modify_image", project_target(&owner))?;
    let media =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").split(';').next().unwrap_or("").trim().to_string();
    if media != PATCH_V21 && media != PATCH_V20 {
        return Err(ApiError::new(
            SVC,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("Content type {media} is not supported; use {PATCH_V21} or {PATCH_V20}."),
        ));
    }
    let changes = Change::parse_all(&media, &json_body(body)?)?;
    let mut world = s.world();
    let now = world.now();
    let image = world.image.update(&id, caller.project_id.as_deref(), caller.is_admin(), &changes, now)?;
    Ok(Json(views::image(image)).into_response())
}

pub async fn delete(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let owner = owner_of(&s, &caller, &id)?;
    enforce(SVC, &caller, "delete_image", project_target(&owner))?;
    let mut world = s.world();
    world.image.delete(&id, caller.project_id.as_deref(), caller.is_admin())?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Image data must come as `application/octet-stream`.
fn octet_stream(headers: &HeaderMap) -> Result<(), ApiError> {
    if let Some(ct) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) {
        let ct = ct.split(';').next().unwrap_or("").trim();
        if ct != "application/octet-stream" {
            return Err(ApiError::new(SVC, StatusCode::UNSUPPORTED_MEDIA_TYPE, format!("Content type {ct} is not supported.")));
        }
    }
    Ok(())
}

/// `PUT /v2/images/{id}/file`: the image data (204).
pub async fn upload(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let data = body_bytes(body)?;
    octet_stream(&headers)?;
    let owner = owner_of(&s, &caller, &id)?;
    enforce(SVC, &caller, "upload_image", project_target(&owner))?;
    let mut world = s.world();
    let now = world.now();
    world.image.upload(&id, caller.project_id.as_deref(), caller.is_admin(), data.to_vec(), now)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `PUT /v2/images/{id}/stage`: data for a later `glance-direct` import (204).
pub async fn stage(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let data = body_bytes(body)?;
    octet_stream(&headers)?;
    let owner = owner_of(&s, &caller, &id)?;
    enforce(SVC, &caller, "upload_image", project_target(&owner))?;
    let mut world = s.world();
    let now = world.now();
    world.image.stage(&id, caller.project_id.as_deref(), caller.is_admin(), data.to_vec(), now)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /v2/images/{id}/file`: 200 with the bytes and their MD5 as `Content-MD5`; 204 while the
/// image has no data; a `Range` of bytes is a 206.
pub async fn download(State(s): State<AppState>, caller: Caller, Path(id): Path<String>, headers: HeaderMap) -> ApiResult {
    enforce(SVC, &caller, "download_image", own_project(&caller))?;
    let world = s.world();
    let image = world.image.show(&id, caller.project_id.as_deref(), caller.is_admin())?;
    let checksum = image.checksum.clone();
    let Some(data) = world.image.download(&id, caller.project_id.as_deref(), caller.is_admin())? else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok()).and_then(|r| parse_range(r, data.len()));
    let (status, bytes) = match range {
        Some((a, b)) => (StatusCode::PARTIAL_CONTENT, data[a..=b].to_vec()),
        None => (StatusCode::OK, data.to_vec()),
    };
    let mut resp = (status, bytes).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    if let Some((a, b)) = range {
        h.insert(header::CONTENT_RANGE, HeaderValue::from_str(&format!("bytes {a}-{b}/{}", data.len())).expect("ascii"));
    } else if let Some(c) = checksum.and_then(|c| HeaderValue::from_str(&c).ok()) {
        h.insert("content-md5", c);
    }
    Ok(resp)
}

/// `bytes=a-b`, `bytes=a-` or `bytes=-n`, inside the data; anything else is ignored.
fn parse_range(text: &str, len: usize) -> Option<(usize, usize)> {
    let spec = text.strip_prefix("bytes=")?;
    let (a, b) = spec.split_once('-')?;
    let (start, end) = match (a.trim(), b.trim()) {
        ("", n) => (len.checked_sub(n.parse().ok()?)?, len.checked_sub(1)?),
        (a, "") => (a.parse().ok()?, len.checked_sub(1)?),
        (a, b) => (a.parse().ok()?, b.parse::<usize>().ok()?.min(len.checked_sub(1)?)),
    };
    (start <= end && end < len).then_some((start, end))
}

/// `POST /v2/images/{id}/import` (202).
pub async fn import(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let owner = owner_of(&s, &caller, &id)?;
    let header_stores = headers.get("x-image-meta-store").and_then(|v| v.to_str().ok());
    let req = ImportRequest::from_json(&json_body(body)?, header_stores)?;
    if req.method == "copy-image" {
        enforce(SVC, &caller, "copy_image", own_project(&caller))?;
    } else {
        enforce(SVC, &caller, "modify_image", project_target(&owner))?;
    }
    let who = Requester {
        project_id: caller.project_id.as_deref(),
        user_id: &caller.user_id,
        admin: caller.is_admin(),
        request_id: crate::http::request_id::current(),
    };
    let mut world = s.world();
    let now = world.now();
    let w = &mut *world;
    w.image.import(&id, &req, &who, &mut w.sim.ids, now)?;
    Ok(StatusCode::ACCEPTED.into_response())
}

/// `GET /v2/images/{id}/tasks` (2.12): the image's import tasks.
pub async fn tasks(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    enforce(SVC, &caller, "get_image", own_project(&caller))?;
    let world = s.world();
    let tasks = world.image.image_tasks(&id, caller.project_id.as_deref(), caller.is_admin())?;
    Ok(Json(serde_json::json!({"tasks": tasks.iter().map(|t| views::task(t)).collect::<Vec<_>>()})).into_response())
}

pub async fn deactivate(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let owner = owner_of(&s, &caller, &id)?;
    enforce(SVC, &caller, "deactivate", project_target(&owner))?;
    let mut world = s.world();
    let now = world.now();
    world.image.deactivate(&id, caller.project_id.as_deref(), caller.is_admin(), now)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn reactivate(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let owner = owner_of(&s, &caller, &id)?;
    enforce(SVC, &caller, "reactivate", project_target(&owner))?;
    let mut world = s.world();
    let now = world.now();
    world.image.reactivate(&id, caller.project_id.as_deref(), caller.is_admin(), now)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn add_tag(State(s): State<AppState>, caller: Caller, Path((id, tag)): Path<(String, String)>) -> ApiResult {
    let owner = owner_of(&s, &caller, &id)?;
    enforce(SVC, &caller, "modify_image", project_target(&owner))?;
    let mut world = s.world();
    let now = world.now();
    world.image.add_tag(&id, &tag, caller.project_id.as_deref(), caller.is_admin(), now)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn delete_tag(State(s): State<AppState>, caller: Caller, Path((id, tag)): Path<(String, String)>) -> ApiResult {
    let owner = owner_of(&s, &caller, &id)?;
    enforce(SVC, &caller, "modify_image", project_target(&owner))?;
    let mut world = s.world();
    let now = world.now();
    world.image.delete_tag(&id, &tag, caller.project_id.as_deref(), caller.is_admin(), now)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /v2/stores/{store}/{id}`: drop one store's copy of the data (admin).
pub async fn delete_from_store(State(s): State<AppState>, caller: Caller, Path((store, id)): Path<(String, String)>) -> ApiResult {
    enforce(SVC, &caller, "delete_image_location", own_project(&caller))?;
    let mut world = s.world();
    let now = world.now();
    world.image.delete_from_store(&store, &id, caller.project_id.as_deref(), caller.is_admin(), now)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
