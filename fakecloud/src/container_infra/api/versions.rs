//! The version documents: the list at the root (no token needed) and `/v1` with its resource links.

use super::common::{reply, ApiResult, Magnum, RANGE};
use crate::http::extract::BaseUrl;
use crate::http::microversion::Microversion;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

fn version_doc(base: &str) -> Value {
    json!({
        "id": "v1", "status": "CURRENT", "min_version": RANGE.min.to_string(), "max_version": RANGE.max.to_string(),
        "links": [{"href": format!("{base}/container-infra/v1/"), "rel": "self"}],
    })
}

/// `GET /container-infra`: the version list (no token needed).
pub(super) async fn versions(BaseUrl(base): BaseUrl) -> Response {
    Json(json!({"versions": [version_doc(&base)], "name": "OpenStack Magnum API",
                "description": "Magnum is an OpenStack project which aims to provide container cluster management.",
                "default_version": version_doc(&base)}))
    .into_response()
}

/// `GET /container-infra/v1`: the v1 document with its resource links.
pub(super) async fn version_v1(BaseUrl(base): BaseUrl, Microversion(v, ..): Microversion<Magnum>) -> ApiResult {
    let link = |kind: &str| json!([{"href": format!("{base}/container-infra/v1/{kind}/"), "rel": "self"}]);
    Ok(reply(
        v,
        StatusCode::OK,
        &json!({
            "id": "v1", "media_types": [{"base": "application/json", "type": "application/vnd.openstack.magnum.v1+json"}],
            "links": [{"href": format!("{base}/container-infra/v1/"), "rel": "self"}],
            "clustertemplates": link("clustertemplates"), "clusters": link("clusters"),
        }),
    ))
}
