//! What every Cinder handler shares: the microversion range, the URL-project check, replies with
//! the version headers, and how the model's refusals become Cinder's faults.

use crate::auth::Caller;
use crate::http::error::ApiError;
use crate::http::microversion::{Microversioned, Range, Version};
use crate::http::service::Service;
use crate::policy::Target;
use crate::volume::model::{Requester, VolumeError};
use crate::volume::views;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;
use std::collections::HashMap;

pub const SVC: Service = crate::volume::SERVICE;
pub const RANGE: Range = Range { service_type: "volume", legacy_header: None, min: views::MIN_VERSION, max: views::MAX_VERSION };

pub type ApiResult = Result<Response, ApiError>;
pub type PathArgs = Path<HashMap<String, String>>;

impl From<VolumeError> for ApiError {
    fn from(e: VolumeError) -> ApiError {
        match e {
            VolumeError::BadRequest(m) => ApiError::bad_request(SVC, m),
            VolumeError::NotFound(m) => ApiError::not_found(SVC, m),
            VolumeError::OverLimit(m) => ApiError::new(SVC, StatusCode::PAYLOAD_TOO_LARGE, m),
            VolumeError::Conflict(m) => ApiError::new(SVC, StatusCode::CONFLICT, m),
        }
    }
}

/// What every versioned call checks after the microversion (negotiated by the extractor): that the
/// URL's project is the token's. Cinder refuses a mismatch for everyone, admin included, with a 400
/// (cinder/api/openstack/wsgi.py `_process_stack`: "Malformed request url").
pub fn prelude(caller: &Caller, path: &HashMap<String, String>) -> Result<(), ApiError> {
    if let Some(p) = path.get("project_id") {
        if caller.project_id.as_deref() != Some(p.as_str()) {
            return Err(ApiError::bad_request(SVC, "Malformed request url"));
        }
    }
    Ok(())
}

/// Cinder's microversions, for the `Microversion` extractor.
pub(crate) struct Cinder;

impl Microversioned for Cinder {
    const RANGE: Range = RANGE;
    const SERVICE: Service = SVC;
}

pub fn reply(v: Version, status: StatusCode, body: Value) -> Response {
    let mut resp = (status, Json(body)).into_response();
    RANGE.response_headers(v, resp.headers_mut());
    resp
}

/// A reply without a body.
pub fn empty(v: Version, status: StatusCode) -> Response {
    let mut resp = status.into_response();
    RANGE.response_headers(v, resp.headers_mut());
    resp
}

pub fn requester(caller: &Caller) -> Requester<'_> {
    Requester { project_id: caller.project_id.as_deref().unwrap_or(""), user_id: &caller.user_id, admin: caller.is_admin() }
}

pub fn own_project(caller: &Caller) -> Target<'_> {
    Target { project_id: caller.project_id.as_deref(), user_id: None }
}

pub fn project(p: &str) -> Target<'_> {
    Target { project_id: Some(p), user_id: None }
}

/// A path parameter the route template guarantees.
pub fn arg(path: &HashMap<String, String>, name: &str) -> String {
    path.get(name).cloned().unwrap_or_default()
}
