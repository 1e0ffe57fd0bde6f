//! Magnum's HTTP API (`/container-infra`): the version documents at the root and `/v1`, cluster
//! templates, clusters (with resize) and node groups. Every `/v1` answer carries the
//! `container-infra` microversion headers (1.1 to 1.14).

mod clusters;
mod nodegroups;
mod templates;

use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::BaseUrl;
use crate::http::microversion::{Range, Refusal, Version};
use crate::http::routes::{get, post, Routes};
use crate::http::service::Service;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::{json, Value};

pub(crate) const SVC: Service = crate::container_infra::SERVICE;
pub(crate) const RANGE: Range =
    Range { service_type: "container-infra", legacy_header: None, min: Version::new(1, 1), max: Version::new(1, 14) };

pub type ApiResult = Result<Response, ApiError>;

pub fn router() -> Routes {
    let v1 = Routes::new()
        .route("/", get(version_v1))
        .route("/clustertemplates", get(templates::list).post(templates::create))
        .route("/clustertemplates/detail", get(templates::detail))
        .route("/clustertemplates/{id}", get(templates::show).delete(templates::delete))
        .route("/clusters", get(clusters::list).post(clusters::create))
        .route("/clusters/detail", get(clusters::detail))
        .route("/clusters/{id}", get(clusters::show).patch(clusters::update).delete(clusters::delete))
        .route("/clusters/{id}/actions/resize", post(clusters::resize))
        .route("/clusters/{id}/nodegroups", get(nodegroups::list).post(nodegroups::create))
        .route("/clusters/{id}/nodegroups/{ng}", get(nodegroups::show).delete(nodegroups::delete));
    Routes::new().route("/", get(versions)).nest("/v1", v1)
}

fn version_doc(base: &str) -> Value {
    json!({
        "id": "v1", "status": "CURRENT", "min_version": RANGE.min.to_string(), "max_version": RANGE.max.to_string(),
        "links": [{"href": format!("{base}/container-infra/v1/"), "rel": "self"}],
    })
}

/// `GET /container-infra`: the version list (no token needed).
async fn versions(BaseUrl(base): BaseUrl) -> Response {
    Json(json!({"versions": [version_doc(&base)], "name": "OpenStack Magnum API",
                "description": "Magnum is an OpenStack project which aims to provide container cluster management.",
                "default_version": version_doc(&base)}))
    .into_response()
}

/// `GET /container-infra/v1`: the v1 document with its resource links.
async fn version_v1(BaseUrl(base): BaseUrl, headers: HeaderMap) -> ApiResult {
    let v = negotiate(&headers)?;
    let link = |kind: &str| json!([{"href": format!("{base}/container-infra/v1/{kind}/"), "rel": "self"}]);
    Ok(reply(
        v,
        StatusCode::OK,
        &json!({
            "id": "v1", "media_types": [{"base": "application/json", "type": "application/vnd.openstack.magnum.v1+json"}],
            "links": [{"href": format!("{base}/container-infra/v1/"), "rel": "self"}],
            "clustertemplates": link("clustertemplates"), "clusters": link("clusters"),
        }),
    ))
}

/// The microversion asked for, or Magnum's 400 (garbage) / 406 (outside 1.1 to 1.14).
pub(crate) fn negotiate(headers: &HeaderMap) -> Result<Version, ApiError> {
    RANGE.negotiate(headers).map_err(|r| match r {
        Refusal::Malformed(m) => ApiError::bad_request(SVC, m),
        Refusal::NotAcceptable(m) => ApiError::new(SVC, StatusCode::NOT_ACCEPTABLE, m),
    })
}

/// An answer with Magnum's version headers.
pub(crate) fn reply(v: Version, status: StatusCode, body: &impl Serialize) -> Response {
    let mut resp = (status, Json(body)).into_response();
    version_headers(v, resp.headers_mut());
    resp
}

pub(crate) fn version_headers(v: Version, h: &mut HeaderMap) {
    RANGE.response_headers(v, h);
    h.insert("openstack-api-minimum-version", HeaderValue::from_static("container-infra 1.1"));
    h.insert("openstack-api-maximum-version", HeaderValue::from_static("container-infra 1.14"));
}

/// Routes newer than the asked version answer as if absent (Magnum's versioned dispatch).
pub(crate) fn require(v: Version, minor: u32) -> Result<(), ApiError> {
    if v.at_least(1, minor) {
        Ok(())
    } else {
        Err(ApiError::not_found(SVC, "The resource could not be found."))
    }
}

pub(crate) fn bad(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(SVC, message)
}

pub(crate) fn conflict(message: impl Into<String>) -> ApiError {
    ApiError::new(SVC, StatusCode::CONFLICT, message)
}

/// Whether the caller sees objects of `project_id`: its own, or every project's for an admin
/// (Magnum sets all_tenants for admins on cluster reads, hence the asymmetry with Nova).
pub(crate) fn visible(caller: &Caller, project_id: &str) -> bool {
    caller.is_admin() || caller.project_id.as_deref() == Some(project_id)
}

/// The caller's own project as a policy target.
pub(crate) fn own(caller: &Caller) -> crate::policy::Target<'_> {
    crate::policy::Target { project_id: caller.project_id.as_deref(), user_id: None }
}

/// A `{"<key>": ...}`-less body as a JSON object, refusing fields outside `known` as WSME does.
pub(crate) fn object_with<'a>(raw: &'a Value, what: &str, known: &[&str]) -> Result<&'a serde_json::Map<String, Value>, ApiError> {
    let obj = raw.as_object().ok_or_else(|| bad(format!("Invalid input for {what}: the body must be a JSON object.")))?;
    if let Some(k) = obj.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(bad(format!("Unknown attribute for argument {what}: {k}")));
    }
    Ok(obj)
}

/// Typed field readers with WSME's wording.
pub(crate) fn opt_str(obj: &serde_json::Map<String, Value>, key: &str) -> Result<Option<String>, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(bad(format!("Invalid input for field/attribute {key}. Value: '{other}'. Wrong type. Expected '<class 'str'>'"))),
    }
}

pub(crate) fn opt_count(obj: &serde_json::Map<String, Value>, key: &str, min: u64) -> Result<Option<u64>, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_i64() {
            Some(n) if n >= min as i64 && n <= i32::MAX as i64 => Ok(Some(n as u64)),
            Some(n) => {
                Err(bad(format!("Invalid input for field/attribute {key}. Value: '{n}'. Value should be greater or equal to {min}")))
            }
            None => Err(bad(format!("Invalid input for field/attribute {key}. Value: '{v}'. Wrong type. Expected '<class 'int'>'"))),
        },
    }
}

pub(crate) fn opt_bool(obj: &serde_json::Map<String, Value>, key: &str) -> Result<Option<bool>, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") => {
            Ok(Some(s.eq_ignore_ascii_case("true")))
        }
        Some(other) => {
            Err(bad(format!("Invalid input for field/attribute {key}. Value: '{other}'. Wrong type. Expected '<class 'bool'>'")))
        }
    }
}

pub(crate) fn opt_labels(obj: &serde_json::Map<String, Value>) -> Result<Option<std::collections::BTreeMap<String, String>>, ApiError> {
    match obj.get("labels") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                other => Ok((k.clone(), other.to_string())),
            })
            .collect::<Result<_, ApiError>>()
            .map(Some),
        Some(other) => {
            Err(bad(format!("Invalid input for field/attribute labels. Value: '{other}'. Wrong type. Expected '<class 'dict'>'")))
        }
    }
}
