//! `/v2/tasks`: Glance's admin-only tasks API.

use super::common::{json_body, own_project, ApiResult, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::image::tasks::Task;
use crate::image::views;
use crate::policy::enforce;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;

pub async fn list(State(s): State<AppState>, caller: Caller) -> ApiResult {
    enforce(SVC, &caller, "get_tasks", own_project(&caller))?;
    let world = s.world();
    let mut tasks: Vec<&Task> = world.image.tasks.iter().collect();
    tasks.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    Ok(Json(views::tasks(&tasks)).into_response())
}

pub async fn show(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    enforce(SVC, &caller, "get_task", own_project(&caller))?;
    let world = s.world();
    let task =
        world.image.tasks.iter().find(|t| t.id == id).ok_or_else(|| ApiError::not_found(SVC, format!("Failed to find task {id}")))?;
    Ok(Json(views::task(task)).into_response())
}

/// `POST /v2/tasks` (201).
pub async fn create(State(s): State<AppState>, caller: Caller, body: Result<Bytes, BytesRejection>) -> ApiResult {
    enforce(SVC, &caller, "add_task", own_project(&caller))?;
    let body = json_body(body)?;
    let owner = caller.project_id.clone().unwrap_or_default();
    let mut world = s.world();
    let now = world.now();
    let w = &mut *world;
    let task = Task::create(&body, &owner, &mut w.sim.ids, now)?;
    let view = views::task(&task);
    w.image.tasks.push(task);
    Ok((StatusCode::CREATED, Json(view)).into_response())
}
