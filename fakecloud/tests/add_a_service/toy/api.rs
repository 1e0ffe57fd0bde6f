//! The toy service's one route: the simulated time, for any caller with a token.

use super::SERVICE;
use axum::extract::State;
use axum::Json;
use fakecloud::auth::Caller;
use fakecloud::cloud::AppState;
use fakecloud::http::error::ApiError;
use fakecloud::http::routes::{get, Routes};
use serde_json::{json, Value};

pub fn router() -> Routes {
    Routes::new().route("/v1/clock", get(clock))
}

async fn clock(State(s): State<AppState>, caller: Result<Caller, ApiError>) -> Result<Json<Value>, ApiError> {
    let caller = caller?;
    if caller.project_id.is_none() {
        return Err(ApiError::forbidden(SERVICE, "toy:clock"));
    }
    let now = s.world().now();
    Ok(Json(json!({"clock": {"now": now.to_rfc3339()}})))
}
