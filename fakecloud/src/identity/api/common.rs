//! What the identity handlers share: Keystone's list filters and collection replies, the optional
//! caller of the routes that take no token, the model's refusals in Keystone's error body, and how
//! it reads query flags and member objects.

use crate::auth::{Caller, AUTH_TOKEN_HEADER};
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::Params;
use crate::http::service::Service;
use crate::identity::error::{IdentityError, Refusal};
use crate::identity::views;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

pub const SVC: Service = crate::identity::SERVICE;

pub type ApiResult = Result<Response, ApiError>;

impl From<IdentityError> for ApiError {
    fn from(e: IdentityError) -> ApiError {
        match e {
            IdentityError::Unauthorized => ApiError::unauthenticated(),
            other => {
                let status = StatusCode::from_u16(other.status()).expect("a client error status");
                let message = match other {
                    IdentityError::BadRequest(m)
                    | IdentityError::Forbidden(m)
                    | IdentityError::NotFound(m)
                    | IdentityError::Conflict(m) => m,
                    IdentityError::Unauthorized => unreachable!(),
                };
                ApiError::new(SVC, status, message)
            }
        }
    }
}

/// `oslo_utils.strutils.bool_from_string(value, default=True)`, as Keystone reads a boolean filter:
/// only the false words are false.
pub fn attr_as_boolean(v: &str) -> bool {
    !matches!(v.trim().to_ascii_lowercase().as_str(), "0" | "f" | "false" | "off" | "n" | "no")
}

/// `query_filter_is_true`: present and not `0`.
pub fn query_is_true(params: &Params, name: &str) -> bool {
    params.get(name).is_some_and(|v| v != "0")
}

/// Keystone's list filters: an exact match on each allowed attribute (booleans read as
/// `attr_as_boolean`), and the inexact `<attr>__[i]contains|startswith|endswith` forms; other
/// parameters are ignored.
pub fn filtered(items: Vec<Value>, params: &Params, allowed: &[&str]) -> Vec<Value> {
    items
        .into_iter()
        .filter(|item| {
            params.0.iter().all(|(k, want)| {
                if allowed.contains(&k.as_str()) {
                    return match &item[k.as_str()] {
                        Value::String(s) => s == want,
                        Value::Bool(b) => *b == attr_as_boolean(want),
                        Value::Null => want.is_empty(),
                        other => serde_json::from_str::<Value>(want).is_ok_and(|w| w == *other),
                    };
                }
                let Some((base, comparator)) = k.split_once("__") else { return true };
                if !allowed.contains(&base) {
                    return true;
                }
                let Some(have) = item.get(base) else { return false };
                let Some(have) = have.as_str() else { return false };
                let (comparator, have, want) = match comparator.strip_prefix('i') {
                    Some(c) => (c, have.to_lowercase(), want.to_lowercase()),
                    None => (comparator, have.to_string(), want.clone()),
                };
                match comparator {
                    "contains" => have.contains(&want),
                    "startswith" => have.starts_with(&want),
                    "endswith" => have.ends_with(&want),
                    // Keystone ignores a comparator it does not know.
                    _ => true,
                }
            })
        })
        .collect()
}

pub fn list_reply(collection: &str, key: &str, items: Vec<Value>, base: &str) -> ApiResult {
    Ok(Json(json!({ key: items, "links": views::collection_links(base, collection) })).into_response())
}

pub fn one(key: &str, item: Value) -> ApiResult {
    Ok(Json(json!({ key: item })).into_response())
}

pub fn created(key: &str, item: Value) -> ApiResult {
    Ok((StatusCode::CREATED, Json(json!({ key: item }))).into_response())
}

pub fn no_content() -> ApiResult {
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub fn missing(kind: &str, id: &str) -> ApiError {
    ApiError::not_found(SVC, format!("Could not find {kind}: {id}."))
}

/// The caller of a route Keystone leaves unenforced: none without a token, but a token that is
/// sent must be valid (Keystone's auth middleware refuses an invalid one on every route).
pub fn optional_caller(state: &AppState, headers: &HeaderMap) -> Result<Option<Caller>, ApiError> {
    match headers.get(AUTH_TOKEN_HEADER) {
        None => Ok(None),
        Some(v) => {
            let token = v.to_str().map_err(|_| ApiError::unauthenticated())?;
            Caller::from_token(&state.world(), token).map(Some).ok_or_else(ApiError::unauthenticated)
        }
    }
}

/// A model's refusal in Keystone's error body.
pub fn refused(r: Refusal) -> ApiError {
    ApiError::from(r)
}

/// Keystone's `query_filter_is_true`, by the name the rules files use.
pub fn query_true(params: &Params, key: &str) -> bool {
    query_is_true(params, key)
}

/// oslo's strutils.bool_from_string: `1`, `t`, `true`, `on`, `y`, `yes` in any case.
pub fn bool_from_string(params: &Params, key: &str) -> bool {
    params.get(key).is_some_and(|v| ["1", "t", "true", "on", "y", "yes"].contains(&v.to_ascii_lowercase().as_str()))
}

/// The member object of a JSON body (`body[key]`, `default` when absent), as Keystone reads it.
pub fn member(body: &Value, key: &str, default: Value) -> Result<Value, ApiError> {
    crate::identity::request::member(body, key, default).map_err(refused)
}
