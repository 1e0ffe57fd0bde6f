//! Glance over HTTP (`/image`): the version list (no token, as Glance's version negotiation runs
//! before keystonemiddleware), and images: list with Glance's filters and paging, show, create
//! (queued), data upload (active) and delete.

use super::model::ImageError;
use super::request::{ListQuery, NewImage};
use super::views;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::http::routes::{get, put, Routes};
use crate::http::service::Service;
use crate::policy::{enforce, Target};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

const SVC: Service = crate::image::SERVICE;

type ApiResult = Result<Response, ApiError>;

/// Unknown paths get the token check and then Glance's 404. (Real Glance's version negotiation
/// answers an unversioned unknown path with the version list; fakecloud keeps the shared
/// 401-then-404 rule for every service.)
pub fn router() -> Routes {
    Routes::new()
        .route("/", get(versions))
        .route("/versions", get(versions_explicit))
        .route("/v2/images", get(list_images).post(create_image))
        .route("/v2/images/{id}", get(show_image).delete(delete_image))
        .route("/v2/images/{id}/file", put(upload_image))
}

impl From<ImageError> for ApiError {
    fn from(e: ImageError) -> ApiError {
        match e {
            ImageError::BadRequest(m) => ApiError::bad_request(SVC, m),
            ImageError::Forbidden(m) => ApiError::new(SVC, StatusCode::FORBIDDEN, m),
            ImageError::NotFound(m) => ApiError::not_found(SVC, m),
            ImageError::Conflict(m) => ApiError::new(SVC, StatusCode::CONFLICT, m),
        }
    }
}

/// `GET /image`: 300 Multiple Choices with every version (clients need this before any call).
async fn versions(BaseUrl(base): BaseUrl) -> Response {
    (StatusCode::MULTIPLE_CHOICES, Json(views::versions(&base))).into_response()
}

/// `GET /image/versions`: the same list, asked for explicitly, is a 200.
async fn versions_explicit(BaseUrl(base): BaseUrl) -> Json<Value> {
    Json(views::versions(&base))
}

/// Glance's read policies (`get_images`, `get_image`): a reader on the caller's project, or admin.
fn own_project(caller: &Caller) -> Target<'_> {
    Target { project_id: caller.project_id.as_deref(), user_id: None }
}

async fn list_images(State(s): State<AppState>, caller: Caller, params: Params) -> ApiResult {
    enforce(SVC, &caller, "get_images", own_project(&caller))?;
    let query = ListQuery::parse(&params.0)?;
    let body = {
        let world = s.world();
        let page = world.image.list(&query, caller.project_id.as_deref(), caller.is_admin())?;
        views::image_list(&page, &params.0)
    };
    Ok(Json(body).into_response())
}

async fn show_image(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    enforce(SVC, &caller, "get_image", own_project(&caller))?;
    let world = s.world();
    let image = world.image.show(&id, caller.project_id.as_deref(), caller.is_admin())?;
    Ok(Json(views::image(image)).into_response())
}

async fn create_image(State(s): State<AppState>, caller: Caller, JsonBody(body): JsonBody<Value>) -> ApiResult {
    enforce(SVC, &caller, "add_image", own_project(&caller))?;
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

async fn delete_image(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let mut world = s.world();
    let owner = world.image.show(&id, caller.project_id.as_deref(), caller.is_admin())?.owner.clone();
    enforce(SVC, &caller, "delete_image", Target { project_id: Some(&owner), user_id: None })?;
    world.image.delete(&id, caller.project_id.as_deref(), caller.is_admin())?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `PUT /v2/images/{id}/file`: the image data, as `application/octet-stream` (204).
async fn upload_image(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let data = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(SVC, StatusCode::PAYLOAD_TOO_LARGE, "Request is too large.")
        } else {
            ApiError::bad_request(SVC, format!("Could not read the image data: {e}"))
        }
    })?;
    if let Some(ct) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) {
        let ct = ct.split(';').next().unwrap_or("").trim();
        if ct != "application/octet-stream" {
            return Err(ApiError::new(SVC, StatusCode::UNSUPPORTED_MEDIA_TYPE, format!("Content type {ct} is not supported.")));
        }
    }
    let mut world = s.world();
    let owner = world.image.show(&id, caller.project_id.as_deref(), caller.is_admin())?.owner.clone();
    enforce(SVC, &caller, "upload_image", Target { project_id: Some(&owner), user_id: None })?;
    let now = world.now();
    world.image.upload(&id, caller.project_id.as_deref(), caller.is_admin(), data.len() as u64, now)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
