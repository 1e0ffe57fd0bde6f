//! The router for a service whose API is not built yet: every path needs a valid token (401 as
//! keystonemiddleware gives it) and then answers the service's own 404.

use crate::cloud::AppState;
use axum::routing::any;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new().route("/", any(crate::http::not_found)).route("/{*rest}", any(crate::http::not_found))
}
