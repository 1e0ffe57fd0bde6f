//! What every Magnum handler shares: the service and its microversion range, negotiation and the
//! version headers on every answer, Magnum's error shapes, visibility, the lookups by name or uuid,
//! pagination, and WSME's body checks.

use crate::auth::Caller;
use crate::container_infra::model::{Cluster, ClusterTemplate, Lookup};
use crate::http::error::ApiError;
use crate::http::extract::Params;
use crate::http::microversion::{Microversioned, Range, Version};
use crate::http::service::Service;
use crate::world::World;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::Value;

pub(crate) const SVC: Service = crate::container_infra::SERVICE;
pub(crate) const RANGE: Range =
    Range { service_type: "container-infra", legacy_header: None, min: Version::new(1, 1), max: Version::new(1, 14) };

pub type ApiResult = Result<Response, ApiError>;

/// Magnum's microversions (1.1 to 1.14), for the `Microversion` extractor.
pub(crate) struct Magnum;

impl Microversioned for Magnum {
    const RANGE: Range = RANGE;
    const SERVICE: Service = SVC;
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

/// Which templates the caller sees: public ones, its project's, or every one for an admin.
pub(crate) fn visible_template<'a>(caller: &'a Caller) -> impl Fn(&ClusterTemplate) -> bool + 'a {
    move |t| t.public || visible(caller, &t.project_id)
}

pub(crate) fn template_for<'a>(w: &'a World, caller: &Caller, ident: &str) -> Result<&'a ClusterTemplate, ApiError> {
    w.magnum.find_template(ident, visible_template(caller)).map_err(|e| match e {
        Lookup::NotFound => ApiError::not_found(SVC, format!("ClusterTemplate {ident} could not be found.")),
        Lookup::Ambiguous => conflict("Multiple cluster templates exist with same name. Please use the cluster template uuid instead."),
    })
}

/// A cluster the caller can see (its project's, or any for an admin), else Magnum's 404.
pub(crate) fn cluster_for<'a>(w: &'a World, caller: &Caller, ident: &str) -> Result<&'a Cluster, ApiError> {
    w.magnum.find_cluster(ident, |p| visible(caller, p)).map_err(|e| match e {
        Lookup::NotFound => ApiError::not_found(SVC, format!("Cluster {ident} could not be found.")),
        Lookup::Ambiguous => conflict("Multiple clusters exist with same name. Please use the cluster uuid instead."),
    })
}

/// Magnum's `limit` and `marker` (a uuid) over a list in database order.
pub(crate) fn page<T>(items: Vec<T>, params: &Params, uuid: impl Fn(&T) -> &String) -> Result<Vec<T>, ApiError> {
    let start = match params.get("marker") {
        Some(m) => items.iter().position(|i| uuid(i) == m).map(|p| p + 1).ok_or_else(|| bad(format!("Marker {m} could not be found.")))?,
        None => 0,
    };
    let limit = match params.get("limit") {
        Some(l) => match l.parse::<i64>() {
            Ok(n) if n > 0 => n as usize,
            _ => return Err(bad(format!("Limit must be positive integer, got {l}"))),
        },
        None => usize::MAX,
    };
    Ok(items.into_iter().skip(start).take(limit).collect())
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

/// A string attribute of wsme's `StringType(min_length=1, max_length=max)`, in wsme's words.
pub(crate) fn opt_str_within(obj: &serde_json::Map<String, Value>, key: &str, max: usize) -> Result<Option<String>, ApiError> {
    let value = opt_str(obj, key)?;
    if let Some(v) = &value {
        let chars = v.chars().count();
        if chars > max {
            return Err(bad(format!(
                "Invalid input for field/attribute {key}. Value: '{v}'. Value should have a maximum character requirement of {max}"
            )));
        }
        if chars == 0 {
            return Err(bad(format!(
                "Invalid input for field/attribute {key}. Value: '{v}'. Value should have a minimum character requirement of 1"
            )));
        }
    }
    Ok(value)
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
