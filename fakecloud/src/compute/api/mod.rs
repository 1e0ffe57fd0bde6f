//! Nova over HTTP (`/compute`): version documents, microversion negotiation, and the routes, one
//! file per family.

mod admin;
mod resources;
mod servers;

use crate::http::error::ApiError;
use crate::http::extract::BaseUrl;
use crate::http::microversion::{Range, Refusal, Version};
use crate::http::routes::{get, post, Routes};
use crate::http::service::Service;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

pub(crate) const SVC: Service = crate::compute::SERVICE;

/// Nova 2024.1 (Caracal) supports 2.1 to 2.96; clients cap themselves lower (servers 2.100 -> 2.96).
pub const NOVA: Range = Range {
    service_type: "compute",
    legacy_header: Some("x-openstack-nova-api-version"),
    min: Version::new(2, 1),
    max: Version::new(2, 96),
};

pub(crate) type ApiResult = Result<Response, ApiError>;

pub fn router() -> Routes {
    Routes::new()
        .route("/", get(versions))
        .route("/v2.1", get(version))
        .route("/v2.1/servers", get(servers::list).post(servers::create))
        .route("/v2.1/servers/detail", get(servers::list_detail))
        .route("/v2.1/servers/{id}", get(servers::show).put(servers::update).delete(servers::delete))
        .route("/v2.1/servers/{id}/action", post(servers::action))
        .route("/v2.1/flavors", get(resources::list_flavors))
        .route("/v2.1/flavors/detail", get(resources::list_flavors_detail))
        .route("/v2.1/flavors/{id}", get(resources::show_flavor))
        .route("/v2.1/flavors/{id}/os-extra_specs", get(resources::flavor_extra_specs))
        .route("/v2.1/flavors/{id}/os-flavor-access", get(resources::flavor_access))
        .route("/v2.1/os-keypairs", get(resources::list_keypairs).post(resources::create_keypair))
        .route("/v2.1/os-keypairs/{name}", get(resources::show_keypair).delete(resources::delete_keypair))
        .route("/v2.1/os-server-groups", get(resources::list_server_groups).post(resources::create_server_group))
        .route("/v2.1/os-server-groups/{id}", get(resources::show_server_group).delete(resources::delete_server_group))
        .route("/v2.1/os-availability-zone", get(admin::availability_zones))
        .route("/v2.1/os-availability-zone/detail", get(admin::availability_zones_detail))
        .route("/v2.1/os-hypervisors", get(admin::list_hypervisors))
        .route("/v2.1/os-hypervisors/detail", get(admin::list_hypervisors_detail))
        .route("/v2.1/os-hypervisors/{id}", get(admin::show_hypervisor))
        .route("/v2.1/os-services", get(admin::list_services))
        .route("/v2.1/os-services/{id}", crate::http::routes::put(admin::update_service))
}

fn version_doc(base: &str) -> Value {
    json!({
        "id": "v2.1", "status": "CURRENT", "version": NOVA.max.to_string(), "min_version": NOVA.min.to_string(),
        "updated": "2013-07-23T11:33:21Z",
        "links": [{"rel": "self", "href": format!("{base}/compute/v2.1/")}],
        "media-types": [{"base": "application/json", "type": "application/vnd.openstack.compute+json;version=2.1"}],
    })
}

/// `GET /compute`: the versions, served without a token.
async fn versions(BaseUrl(base): BaseUrl) -> Json<Value> {
    let v2 = json!({"id": "v2.0", "status": "SUPPORTED", "version": "", "min_version": "", "updated": "2011-01-21T11:33:21Z",
                    "links": [{"rel": "self", "href": format!("{base}/compute/v2/")}]});
    Json(json!({"versions": [v2, version_doc(&base)]}))
}

/// `GET /compute/v2.1`: this version's document, served without a token (clients discover the
/// maximum microversion here).
async fn version(BaseUrl(base): BaseUrl) -> Json<Value> {
    Json(json!({"version": version_doc(&base)}))
}

/// The microversion a request asks for, or Nova's 400/406.
pub(crate) fn microversion(headers: &HeaderMap) -> Result<Version, ApiError> {
    NOVA.negotiate(headers).map_err(|r| match r {
        Refusal::Malformed(m) => ApiError::bad_request(SVC, m),
        Refusal::NotAcceptable(m) => ApiError::new(SVC, StatusCode::NOT_ACCEPTABLE, m),
    })
}

/// A JSON reply carrying the version headers.
pub(crate) fn reply(v: Version, status: StatusCode, body: Value) -> Response {
    let mut resp = (status, Json(body)).into_response();
    NOVA.response_headers(v, resp.headers_mut());
    resp
}

/// A 200 whose JSON body is already serialised.
pub(crate) fn reply_bytes(v: Version, body: impl IntoResponse) -> Response {
    let mut resp = ([(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response();
    NOVA.response_headers(v, resp.headers_mut());
    resp
}

pub(crate) fn empty(v: Version, status: StatusCode) -> Response {
    let mut resp = status.into_response();
    NOVA.response_headers(v, resp.headers_mut());
    resp
}

pub(crate) fn bad(msg: impl Into<String>) -> ApiError {
    ApiError::bad_request(SVC, msg)
}

pub(crate) fn not_found(msg: impl Into<String>) -> ApiError {
    ApiError::not_found(SVC, msg)
}
