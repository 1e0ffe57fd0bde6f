//! Image members: the owner shares a `shared` image with another project, which accepts or
//! rejects it.

use super::common::{json_body, own_project, project_target, ApiResult, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::image::request::{member_body, member_status_body};
use crate::image::views;
use crate::policy::enforce;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;

pub async fn list(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    enforce(SVC, &caller, "get_members", own_project(&caller))?;
    let world = s.world();
    let members = world.image.members(&id, caller.project_id.as_deref(), caller.is_admin())?;
    Ok(Json(views::members(&id, &members)).into_response())
}

pub async fn show(State(s): State<AppState>, caller: Caller, Path((id, member)): Path<(String, String)>) -> ApiResult {
    enforce(SVC, &caller, "get_member", own_project(&caller))?;
    let world = s.world();
    let m = world.image.member_of(&id, &member, caller.project_id.as_deref(), caller.is_admin())?;
    Ok(Json(views::member(&id, m)).into_response())
}

/// `POST /v2/images/{id}/members` (200, as Glance answers).
pub async fn create(State(s): State<AppState>, caller: Caller, Path(id): Path<String>, body: Result<Bytes, BytesRejection>) -> ApiResult {
    let owner = s.world().image.show(&id, caller.project_id.as_deref(), caller.is_admin())?.owner.clone();
    enforce(SVC, &caller, "add_member", project_target(&owner))?;
    let member = member_body(&json_body(body)?)?;
    let mut world = s.world();
    let now = world.now();
    let m = world.image.add_member(&id, &member, caller.project_id.as_deref(), caller.is_admin(), now)?;
    Ok(Json(views::member(&id, &m)).into_response())
}

/// `PUT /v2/images/{id}/members/{member}`: the member's own answer (`modify_member` targets the
/// member's project).
pub async fn update(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, member)): Path<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult {
    s.world().image.member_of(&id, &member, caller.project_id.as_deref(), caller.is_admin())?;
    enforce(SVC, &caller, "modify_member", project_target(&member))?;
    let status = member_status_body(&json_body(body)?)?;
    let mut world = s.world();
    let now = world.now();
    let m = world.image.set_member_status(&id, &member, &status, caller.project_id.as_deref(), caller.is_admin(), now)?;
    Ok(Json(views::member(&id, &m)).into_response())
}

pub async fn delete(State(s): State<AppState>, caller: Caller, Path((id, member)): Path<(String, String)>) -> ApiResult {
    let owner = s.world().image.show(&id, caller.project_id.as_deref(), caller.is_admin())?.owner.clone();
    enforce(SVC, &caller, "delete_member", project_target(&owner))?;
    let mut world = s.world();
    world.image.remove_member(&id, &member, caller.project_id.as_deref(), caller.is_admin())?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
