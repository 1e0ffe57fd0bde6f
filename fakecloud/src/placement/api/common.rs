//! What every Placement handler shares: policy and microversion gates, replies with Placement's
//! cache headers, query-string access and validation, and lookups with Placement's 404 wording.

use crate::auth::Caller;
use crate::http::extract::Params;
use crate::http::microversion::Version;
use crate::http::service::Service;
use crate::placement::fault::{Fault, Reply};
use crate::placement::query::TraitFilter;
use crate::placement::schema::{self, as_integer};
use crate::policy::{enforce, Target};
use crate::sim::SimTime;
use crate::world::World;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

pub(super) const SVC: Service = crate::placement::SERVICE;

pub(super) fn can(caller: &Caller, action: &str) -> Result<(), Fault> {
    enforce(SVC, caller, action, Target::default()).map_err(Fault::from)
}

/// A route that exists only from `min` (placement's version_handler answers 404 below it).
pub(super) fn since(v: Version, major: u32, minor: u32) -> Result<(), Fault> {
    if v.at_least(major, minor) {
        Ok(())
    } else {
        Err(Fault::no_route())
    }
}

/// The HTTP date of the virtual clock, for Last-Modified.
pub(super) fn http_date(t: SimTime) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// From 1.15 Placement answers with Last-Modified and `Cache-Control: no-cache`.
pub(super) fn with_cache_headers(mut resp: Response, v: Version, now: SimTime) -> Response {
    if v.at_least(1, 15) {
        let h = resp.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        if let Ok(date) = HeaderValue::from_str(&http_date(now)) {
            h.insert(header::LAST_MODIFIED, date);
        }
    }
    resp
}

pub(super) fn json_reply(status: StatusCode, v: Version, now: SimTime, body: Value) -> Reply {
    Ok(with_cache_headers((status, Json(body)).into_response(), v, now))
}

pub(super) fn ok(v: Version, world: &World, body: Value) -> Reply {
    // Before 1.15 no header carries the time, so the answer does not read the clock (and may be
    // kept, `http::kept`); from 1.15 `Last-Modified` does.
    let now = if v.at_least(1, 15) { world.now() } else { world.sim.present() };
    json_reply(StatusCode::OK, v, now, body)
}

pub(super) fn no_content() -> Reply {
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(super) fn with_location(mut resp: Response, location: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

/// The last value of a query parameter (webob's `req.GET[key]`).
pub(super) fn param<'a>(params: &'a Params, key: &str) -> Option<&'a str> {
    params.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

pub(super) fn all_params<'a>(params: &'a Params, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    params.0.iter().filter(move |(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// Validates the query string as upstream's validate_query_params (`dict(req.GET)`).
pub(super) fn validate_query(params: &Params, schema: &Value) -> Result<(), Fault> {
    let obj: serde_json::Map<String, Value> = params.0.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    schema::validate(&Value::Object(obj), schema).map_err(|e| Fault::bad_request(format!("Invalid query string parameters: {e}")))
}

pub(super) fn normalized_uuid(s: &str) -> String {
    uuid::Uuid::try_parse(s).map(|u| u.hyphenated().to_string()).unwrap_or_else(|_| s.to_string())
}

pub(super) fn provider_or<'a>(
    world: &'a World,
    uuid: &str,
    message: impl FnOnce() -> String,
) -> Result<&'a crate::placement::model::ResourceProvider, Fault> {
    world.placement.provider(uuid).ok_or_else(|| Fault::not_found(message()))
}

pub(super) fn no_provider(uuid: &str) -> String {
    format!("No resource provider with uuid {uuid} found")
}

/// A JSON integer the schema already accepted, as a count (clamped: Placement's are below MAX_INT).
pub(super) fn count(v: &Value) -> u64 {
    as_integer(v).map_or(0, |n| n.clamp(0, u64::MAX as i128) as u64)
}

pub(super) fn check_classes<'a>(world: &World, classes: impl IntoIterator<Item = &'a String>) -> Result<(), Fault> {
    match classes.into_iter().find(|rc| !world.placement.resource_class_exists(rc)) {
        Some(rc) => Err(Fault::bad_request(format!("Invalid resource class in resources parameter: No such resource class {rc}."))),
        None => Ok(()),
    }
}

pub(super) fn unknown_traits_message(world: &World, filter: &TraitFilter) -> Option<String> {
    let unknown = world.placement.unknown_traits(filter.names());
    (!unknown.is_empty()).then(|| format!("No such trait(s): {}.", unknown.join(", ")))
}
