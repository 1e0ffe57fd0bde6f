//! Request extractors that fail in the service's own error format: JSON bodies, query parameters,
//! and the public base URL the catalog is built from.

use super::error::ApiError;
use super::service::Service;
pub use super::strict_json::from_value_strict;
use crate::cloud::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

/// The largest request body any route accepts (oslo.middleware's sizelimit plays this role upstream).
pub const MAX_BODY_BYTES: usize = 1 << 20;

pub fn service_of(ext: &axum::http::Extensions) -> Service {
    ext.get::<Service>().copied().unwrap_or(super::service::UNMOUNTED)
}

/// A JSON request body; malformed JSON, wrong types and missing fields are the service's 400, an
/// oversized body its 413.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let service = service_of(req.extensions());
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(service, StatusCode::PAYLOAD_TOO_LARGE, "Request is too large.")
            } else {
                ApiError::bad_request(service, format!("Could not read the request body: {e}"))
            }
        })?;
        if bytes.is_empty() {
            return Err(ApiError::bad_request(service, "The request body is empty; a JSON object is required."));
        }
        let invalid = |e: serde_json::Error| ApiError::bad_request(service, format!("Invalid request body: {e}"));
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(invalid)?;
        from_value_strict(&value).map(JsonBody).map_err(invalid)
    }
}

/// Query parameters in order, decoded leniently (as WebOb does): this never rejects.
#[derive(Debug, Default, Clone)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn parse(query: Option<&str>) -> Params {
        Params(form_urlencoded::parse(query.unwrap_or("").as_bytes()).into_owned().collect())
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Params::parse(parts.uri.query()))
    }
}

/// The address clients reach fakecloud at: the configured public URL, else the request's Host.
#[derive(Debug, Clone)]
pub struct BaseUrl(pub String);

impl BaseUrl {
    pub fn from_parts(parts: &Parts, state: &AppState) -> BaseUrl {
        if let Some(u) = &state.config.public_url {
            return BaseUrl(u.trim_end_matches('/').to_string());
        }
        let host = parts.headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1:5000");
        BaseUrl(format!("http://{host}"))
    }
}

impl FromRequestParts<AppState> for BaseUrl {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(BaseUrl::from_parts(parts, state))
    }
}
