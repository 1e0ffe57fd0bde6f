//! Nova over HTTP (`/compute/v2.1`). Being built.

use crate::cloud::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    crate::services::pending::router()
}
