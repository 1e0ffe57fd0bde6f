//! What every Nova handler shares: the service, the microversion range and its negotiation, replies
//! carrying the version headers, and Nova's error shapes.

use crate::auth::Caller;
use crate::compute::model::Server;
use crate::http::error::ApiError;
use crate::http::microversion::{Microversioned, Range, Version};
use crate::http::service::Service;
use crate::world::World;
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

/// Checks `body` against one of Nova's request schemas, refusing in Nova's words
/// (`Invalid input for field/attribute <where>. Value: <value>. <why>`).
pub(crate) fn check_schema(body: &Value, schema: &Value) -> Result<(), ApiError> {
    crate::http::json_schema::validate_at(body, schema).map_err(|e| {
        let at = e.path.last().cloned().unwrap_or_else(|| "body".into());
        let value = e.path.iter().try_fold(body, |v, seg| v.get(seg.as_str()).or_else(|| seg.parse::<usize>().ok().and_then(|i| v.get(i))));
        let shown = value.map(crate::http::json_schema::py_repr).unwrap_or_default();
        bad(format!("Invalid input for field/attribute {at}. Value: {shown}. {}", e.message))
    })
}

/// Nova's `boolean` parameter type: JSON booleans and the strings oslo reads as one.
pub(crate) fn parse_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.as_str() {
            "True" | "TRUE" | "true" | "1" | "ON" | "On" | "on" | "YES" | "Yes" | "yes" => Some(true),
            "False" | "FALSE" | "false" | "0" | "OFF" | "Off" | "off" | "NO" | "No" | "no" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A `limit`/`marker` query as Nova reads it (`common.get_limit_and_marker`).
pub(crate) fn limit_and_marker(params: &crate::http::extract::Params) -> Result<(Option<usize>, Option<String>), ApiError> {
    let limit = match params.get("limit") {
        Some(l) => Some(l.parse::<usize>().map_err(|_| bad("limit param must be an integer"))?),
        None => None,
    };
    Ok((limit, params.get("marker").map(str::to_string)))
}

/// A server the caller may see: its own project's, or any for an admin; else Nova's 404.
pub(super) fn visible<'a>(w: &'a World, caller: &Caller, id: &str) -> Result<&'a Server, ApiError> {
    w.compute
        .server(id)
        .filter(|s| caller.is_admin() || Some(&s.project_id) == caller.project_id.as_ref())
        .ok_or_else(|| not_found(format!("Instance {id} could not be found.")))
}
