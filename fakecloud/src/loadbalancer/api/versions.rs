//! The version list at the endpoint root.

use crate::http::extract::BaseUrl;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// Octavia's newest API version (2024.1 era).
const MAX_MINOR: u32 = 27;

/// The version list at the endpoint root (no token needed). CAPO takes the last entry.
pub(super) async fn versions(BaseUrl(base): BaseUrl) -> Response {
    let versions: Vec<Value> = (0..=MAX_MINOR)
        .map(|minor| {
            json!({"id": format!("v2.{minor}"), "status": if minor == MAX_MINOR { "CURRENT" } else { "SUPPORTED" },
                   "updated": "2023-09-04T00:00:00Z", "links": [{"href": format!("{base}/load-balancer/v2"), "rel": "self"}]})
        })
        .collect();
    Json(json!({ "versions": versions })).into_response()
}
