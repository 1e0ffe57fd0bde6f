//! Placement over HTTP. (Being built: until then every path answers the pending service's 401/404.)

use crate::cloud::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    crate::services::pending::router()
}
