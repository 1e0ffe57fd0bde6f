//! The version documents, served without a token.

use super::common::NOVA;
use crate::http::extract::BaseUrl;
use axum::Json;
use serde_json::{json, Value};

fn version_doc(base: &str) -> Value {
    json!({
        "id": "v2.1", "status": "CURRENT", "version": NOVA.max.to_string(), "min_version": NOVA.min.to_string(),
        "updated": "2013-07-23T11:33:21Z",
        "links": [{"rel": "self", "href": format!("{base}/compute/v2.1/")}],
        "media-types": [{"base": "application/json", "type": "application/vnd.openstack.compute+json;version=2.1"}],
    })
}

/// The legacy v2 API's document: no microversions.
fn v2_doc(base: &str) -> Value {
    json!({"id": "v2.0", "status": "SUPPORTED", "version": "", "min_version": "", "updated": "2011-01-21T11:33:21Z",
           "links": [{"rel": "self", "href": format!("{base}/compute/v2/")}],
           "media-types": [{"base": "application/json", "type": "application/vnd.openstack.compute+json;version=2"}]})
}

/// `GET /compute`: the versions, served without a token.
pub(super) async fn versions(BaseUrl(base): BaseUrl) -> Json<Value> {
    let mut v2 = v2_doc(&base);
    if let Value::Object(o) = &mut v2 {
        o.remove("media-types");
    }
    Json(json!({"versions": [v2, version_doc(&base)]}))
}

/// `GET /compute/v2`: the legacy API's document, served without a token.
pub(super) async fn version_v2(BaseUrl(base): BaseUrl) -> Json<Value> {
    Json(json!({"version": v2_doc(&base)}))
}

/// `GET /compute/v2.1`: this version's document, served without a token (clients discover the
/// maximum microversion here).
pub(super) async fn version(BaseUrl(base): BaseUrl) -> Json<Value> {
    Json(json!({"version": version_doc(&base)}))
}
