//! What every Glance handler shares: the service, the error mapping, policy targets and body
//! reading.

use crate::auth::Caller;
use crate::http::error::ApiError;
use crate::http::service::Service;
use crate::image::model::ImageError;
use crate::policy::Target;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::Response;

pub(super) const SVC: Service = crate::image::SERVICE;

pub(super) type ApiResult = Result<Response, ApiError>;

impl From<ImageError> for ApiError {
    fn from(e: ImageError) -> ApiError {
        match e {
            ImageError::BadRequest(m) => ApiError::bad_request(SVC, m),
            ImageError::Forbidden(m) => ApiError::new(SVC, StatusCode::FORBIDDEN, m),
            ImageError::NotFound(m) => ApiError::not_found(SVC, m),
            ImageError::Conflict(m) => ApiError::new(SVC, StatusCode::CONFLICT, m),
            ImageError::TooLarge(m) => ApiError::new(SVC, StatusCode::PAYLOAD_TOO_LARGE, m),
        }
    }
}

/// Glance's read and create policies target the caller's own project.
pub(super) fn own_project(caller: &Caller) -> Target<'_> {
    Target { project_id: caller.project_id.as_deref(), user_id: None }
}

pub(super) fn project_target(project: &str) -> Target<'_> {
    Target { project_id: Some(project), user_id: None }
}

/// A request body read whole, with Glance's 413 for one over the limit.
pub(super) fn body_bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(SVC, StatusCode::PAYLOAD_TOO_LARGE, "Request is too large.")
        } else {
            ApiError::bad_request(SVC, format!("Could not read the request body: {e}"))
        }
    })
}

/// A JSON body Glance requires (`Body expected in request.` when absent or not JSON).
pub(super) fn json_body(body: Result<Bytes, BytesRejection>) -> Result<serde_json::Value, ApiError> {
    let bytes = body_bytes(body)?;
    if bytes.is_empty() {
        return Err(ApiError::bad_request(SVC, "Body expected in request."));
    }
    serde_json::from_slice(&bytes).map_err(|e| ApiError::bad_request(SVC, format!("Malformed JSON in request body: {e}")))
}
