//! What the identity API's handlers share: Keystone's list filters and replies, its error body for
//! a model's refusal, and how it reads query flags and member objects.

use crate::http::error::ApiError;
use crate::http::extract::Params;
use crate::http::service::Service;
use crate::identity::error::Refusal;
use crate::identity::views;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

pub(super) const SVC: Service = crate::identity::SERVICE;

pub(super) type ApiResult = Result<Response, ApiError>;

/// Keystone's list filters: exact match on the named attributes; unknown parameters are ignored.
pub(super) fn filtered(items: Vec<Value>, params: &Params, allowed: &[&str]) -> Vec<Value> {
    items
        .into_iter()
        .filter(|item| {
            params.0.iter().filter(|(k, _)| allowed.contains(&k.as_str())).all(|(k, want)| match &item[k.as_str()] {
                Value::String(s) => s == want,
                Value::Bool(b) => want.eq_ignore_ascii_case(&b.to_string()),
                Value::Null => want.is_empty(),
                other => other.to_string() == *want,
            })
        })
        .collect()
}

pub(super) fn list_reply(collection: &str, key: &str, items: Vec<Value>, base: &str) -> ApiResult {
    Ok(Json(json!({ key: items, "links": views::collection_links(base, collection) })).into_response())
}

pub(super) fn one(key: &str, item: Value) -> ApiResult {
    Ok(Json(json!({ key: item })).into_response())
}

pub(super) fn missing(kind: &str, id: &str) -> ApiError {
    ApiError::not_found(SVC, format!("Could not find {kind}: {id}."))
}

/// A model's refusal in Keystone's error body.
pub(super) fn refused(r: Refusal) -> ApiError {
    let status = StatusCode::from_u16(r.status()).unwrap_or(StatusCode::BAD_REQUEST);
    ApiError::new(SVC, status, r.message())
}

/// Keystone's `query_filter_is_true`: a parameter counts as true when present, unless it is `0`.
pub(super) fn query_true(params: &Params, key: &str) -> bool {
    params.get(key).is_some_and(|v| v != "0")
}

/// oslo's strutils.bool_from_string: `1`, `t`, `true`, `on`, `y`, `yes` in any case.
pub(super) fn bool_from_string(params: &Params, key: &str) -> bool {
    params.get(key).is_some_and(|v| ["1", "t", "true", "on", "y", "yes"].contains(&v.to_ascii_lowercase().as_str()))
}

pub(super) fn created(key: &str, item: Value) -> ApiResult {
    Ok((StatusCode::CREATED, Json(json!({ key: item }))).into_response())
}

pub(super) fn no_content() -> ApiResult {
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The member object of a JSON body (`body[key]`, `default` when absent), as Keystone reads it.
pub(super) fn member(body: &Value, key: &str, default: Value) -> Result<Value, ApiError> {
    crate::identity::request::member(body, key, default).map_err(refused)
}
