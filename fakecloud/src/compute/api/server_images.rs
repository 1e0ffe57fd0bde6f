//! The server actions that make a Glance image: `createImage` (a snapshot) and `createBackup`
//! (a snapshot of a type, with rotation). Their bodies as Nova's schemas check them, the image
//! metadata quota up to 2.38, and the reply: the image's address in `Location`, or from 2.45 its
//! id in the body.

use super::common::{bad, reply, ApiResult, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::compute::lifecycle::Refused;
use crate::compute::snapshots::ImageKind;
use crate::flows::server_snapshots::ImageRequest;
use crate::http::error::ApiError;
use crate::http::microversion::Version;
use crate::policy::{enforce, Target};
use axum::http::{header, HeaderValue, StatusCode};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

fn invalid(field: &str, value: &Value, why: &str) -> ApiError {
    bad(format!("Invalid input for field/attribute {field}. Value: {}. {why}", crate::http::json_schema::py_repr(value)))
}

/// The action's argument: an object with only the members Nova's schema names and the required ones.
fn members<'a>(action: &str, arg: &'a Value, allowed: &[&str], required: &[&str]) -> Result<&'a Map<String, Value>, ApiError> {
    let shown = crate::http::json_schema::py_repr(arg);
    let obj = arg.as_object().ok_or_else(|| invalid(action, arg, &format!("{shown} is not of type 'object'")))?;
    if let Some(extra) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(invalid(action, arg, &format!("Additional properties are not allowed ('{extra}' was unexpected)")));
    }
    if let Some(missing) = required.iter().find(|k| !obj.contains_key(**k)) {
        return Err(invalid(action, arg, &format!("'{missing}' is a required property")));
    }
    Ok(obj)
}

/// Nova's `name` parameter: a string of 1 to 255 characters, no leading or trailing whitespace, no
/// control characters.
fn name(obj: &Map<String, Value>) -> Result<String, ApiError> {
    let v = &obj["name"];
    let Value::String(n) = v else {
        return Err(invalid("name", v, &format!("{} is not of type 'string'", crate::http::json_schema::py_repr(v))));
    };
    let shown = crate::http::json_schema::py_repr(v);
    if n.is_empty() {
        return Err(invalid("name", v, &format!("{shown} is too short")));
    }
    if n.chars().count() > 255 {
        return Err(invalid("name", v, &format!("{shown} is too long")));
    }
    if n.starts_with(char::is_whitespace) || n.ends_with(char::is_whitespace) || n.chars().any(char::is_control) {
        return Err(invalid(
            "name",
            v,
            "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.",
        ));
    }
    Ok(n.clone())
}

/// Nova's `metadata` parameter: keys of 1 to 255 of `[a-zA-Z0-9-_:. ]`, string values up to 255.
fn metadata(obj: &Map<String, Value>) -> Result<BTreeMap<String, String>, ApiError> {
    let Some(m) = obj.get("metadata") else { return Ok(BTreeMap::new()) };
    let shown = crate::http::json_schema::py_repr(m);
    let items = m.as_object().ok_or_else(|| invalid("metadata", m, &format!("{shown} is not of type 'object'")))?;
    let key_ok = |k: &str| (1..=255).contains(&k.chars().count()) && k.chars().all(|c| c.is_ascii_alphanumeric() || "-_:. ".contains(c));
    let mut out = BTreeMap::new();
    for (k, v) in items {
        if !key_ok(k) {
            return Err(invalid("metadata", m, &format!("Additional properties are not allowed ('{k}' was unexpected)")));
        }
        let Value::String(s) = v else {
            return Err(invalid(k, v, &format!("{} is not of type 'string'", crate::http::json_schema::py_repr(v))));
        };
        if s.chars().count() > 255 {
            return Err(invalid(k, v, &format!("{} is too long", crate::http::json_schema::py_repr(v))));
        }
        out.insert(k.clone(), s.clone());
    }
    Ok(out)
}

/// `parameter_types.non_negative_integer`: an integer, or a string of digits.
fn rotation(obj: &Map<String, Value>) -> Result<u64, ApiError> {
    let v = &obj["rotation"];
    let shown = crate::http::json_schema::py_repr(v);
    match v {
        Value::Number(n) => n.as_u64().ok_or_else(|| invalid("rotation", v, &format!("{shown} is less than the minimum of 0"))),
        Value::String(s) if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) => {
            s.parse().map_err(|_| invalid("rotation", v, &format!("{shown} is not of type 'integer', 'string'")))
        }
        Value::String(_) => Err(invalid("rotation", v, &format!("{shown} does not match '^[0-9]*$'"))),
        _ => Err(invalid("rotation", v, &format!("{shown} is not of type 'integer', 'string'"))),
    }
}

fn refused(r: Refused) -> ApiError {
    ApiError::new(SVC, StatusCode::from_u16(r.0).unwrap_or(StatusCode::BAD_REQUEST), r.1)
}

/// `createImage` and `createBackup`.
pub(super) fn create(s: &AppState, caller: &Caller, id: &str, v: Version, action: &str, arg: &Value, base: &str) -> ApiResult {
    let (kind, name, metadata, rule) = if action == "createImage" {
        let obj = members(action, arg, &["name", "metadata"], &["name"])?;
        (ImageKind::Snapshot, name(obj)?, metadata(obj)?, "os_compute_api:servers:create_image")
    } else {
        let obj = members(action, arg, &["name", "backup_type", "rotation", "metadata"], &["name", "backup_type", "rotation"])?;
        let name = name(obj)?;
        let backup_type = match &obj["backup_type"] {
            Value::String(t) => t.clone(),
            other => {
                return Err(invalid("backup_type", other, &format!("{} is not of type 'string'", crate::http::json_schema::py_repr(other))))
            }
        };
        let rotation = rotation(obj)?;
        (ImageKind::Backup { backup_type, rotation }, name, metadata(obj)?, "os_compute_api:os-create-backup")
    };
    let mut w = s.world();
    let project = super::common::visible(&w, caller, id)?.project_id.clone();
    enforce(SVC, caller, rule, Target { project_id: Some(&project), user_id: None })?;
    // Up to 2.38 the image metadata counts against the caller's `metadata_items` quota.
    if !v.at_least(2, 39) && !metadata.is_empty() {
        let caller_project = caller.project_id.as_deref().unwrap_or_default();
        let limit = w.compute.quotas.limit(caller_project, Some(&caller.user_id), "metadata_items");
        if limit >= 0 && metadata.len() as i64 > limit {
            return Err(ApiError::new(SVC, StatusCode::FORBIDDEN, "Image metadata limit exceeded"));
        }
    }
    let rotation = match &kind {
        ImageKind::Backup { rotation, .. } => Some(*rotation),
        ImageKind::Snapshot | ImageKind::Shelve => None,
    };
    let image_id = w
        .snapshot_server(ImageRequest {
            server_id: id.to_string(),
            name,
            metadata,
            kind,
            caller_project: caller.project_id.clone().unwrap_or_default(),
            caller_user: caller.user_id.clone(),
        })
        .map_err(refused)?;
    super::instance_actions::record(&mut w, caller, id, action);
    if v.at_least(2, 45) {
        return Ok(reply(v, StatusCode::ACCEPTED, json!({"image_id": image_id})));
    }
    let mut resp = super::common::empty(v, StatusCode::ACCEPTED);
    // A backup with rotation 0 gets no Location (Nova builds it only for a positive rotation).
    if rotation != Some(0) {
        let location = format!("{base}/image/v2/images/{image_id}");
        if let Ok(h) = HeaderValue::from_str(&location) {
            resp.headers_mut().insert(header::LOCATION, h);
        }
    }
    Ok(resp)
}
