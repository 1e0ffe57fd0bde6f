//! What every Nova handler shares: the service, the microversion range and its negotiation, replies
//! carrying the version headers, and Nova's error shapes.

use crate::http::error::ApiError;
use crate::http::microversion::{Microversioned, Range, Version};
use crate::http::service::Service;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

pub(crate) const SVC: Service = crate::compute::SERVICE;

/// Nova 2024.1 (Caracal) supports 2.1 to 2.96; clients cap themselves lower (servers 2.100 -> 2.96).
pub const NOVA: Range = Range {
    service_type: "compute",
    legacy_header: Some("x-openstack-nova-api-version"),
    min: Version::new(2, 1),
    max: Version::new(2, 96),
};

pub(crate) type ApiResult = Result<Response, ApiError>;

/// Nova's microversions, for the `Microversion` extractor.
pub(crate) struct Nova;

impl Microversioned for Nova {
    const RANGE: Range = NOVA;
    const SERVICE: Service = SVC;
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
