//! Glance over HTTP (`/image`). Being built: until then the pending service's 401/404.

use crate::cloud::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    crate::services::pending::router()
}
