//! `ApiError`: an error rendered in its service's own format.

use super::service::{Service, KEYSTONEMIDDLEWARE};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub service: Service,
    pub status: StatusCode,
    pub message: String,
}

pub const UNAUTHENTICATED: &str = "The request you have made requires authentication.";

impl ApiError {
    pub fn new(service: Service, status: StatusCode, message: impl Into<String>) -> Self {
        ApiError { service, status, message: message.into() }
    }

    pub fn bad_request(service: Service, message: impl Into<String>) -> Self {
        Self::new(service, StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(service: Service, message: impl Into<String>) -> Self {
        Self::new(service, StatusCode::NOT_FOUND, message)
    }

    /// A missing, unknown or expired token. keystonemiddleware answers this in front of every service,
    /// so the body is Keystone's whatever the service.
    pub fn unauthenticated() -> Self {
        Self::new(KEYSTONEMIDDLEWARE, StatusCode::UNAUTHORIZED, UNAUTHENTICATED)
    }

    pub fn forbidden(service: Service, action: &str) -> Self {
        Self::new(service, StatusCode::FORBIDDEN, service.policy_message(action))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = self.service.error_body(self.status.as_u16(), &self.message);
        let mut resp = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            // The real value names the identity endpoint; the pipeline fills in the address.
            resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Keystone uri=\"/identity\""));
        }
        resp
    }
}
