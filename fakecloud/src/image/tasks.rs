//! Glance's tasks (glance/api/v2/tasks.py): the admin-only `/v2/tasks` API, whose `import` task
//! fetches an image from a URL, and the `api_image_import` task interoperable import records.
//! fakecloud reaches no web server, so every `import` task ends in `failure` with the reason.

use super::error::ImageError;
use crate::sim::{Ids, SimTime};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// How long Glance keeps a finished task (`task_time_to_live`, 48 hours).
const TIME_TO_LIVE_HOURS: i64 = 48;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Task {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
    pub input: Value,
    pub result: Option<Value>,
    pub owner: String,
    pub message: String,
    pub created_at: SimTime,
    pub updated_at: SimTime,
    pub expires_at: Option<SimTime>,
    /// Set on the tasks an image import records (Glance 2.12's image tasks API).
    #[serde(default)]
    pub image_id: Option<String>,
    #[serde(default)]
    pub request_id: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
}

pub const TASK_TYPES: &[&str] = &["import", "api_image_import", "location_import"];

impl Task {
    /// The finished task of one image import.
    #[allow(clippy::too_many_arguments)]
    pub fn image_import(
        id: String,
        image_id: &str,
        owner: &str,
        user_id: &str,
        request_id: &str,
        import_req: &Value,
        stores: &[String],
        now: SimTime,
    ) -> Task {
        Task {
            id,
            kind: "api_image_import".into(),
            status: "success".into(),
            input: json!({"image_id": image_id, "import_req": import_req, "backend": stores}),
            result: Some(json!({"image_id": image_id})),
            owner: owner.to_string(),
            message: String::new(),
            created_at: now,
            updated_at: now,
            expires_at: Some(now + chrono::Duration::hours(TIME_TO_LIVE_HOURS)),
            image_id: Some(image_id.to_string()),
            request_id: Some(request_id.to_string()),
            user_id: Some(user_id.to_string()),
        }
    }

    /// `POST /v2/tasks`: `{"type": "import", "input": {"import_from", "import_from_format",
    /// "image_properties"}}`, checked as Glance's task schema and import input checks do.
    pub fn create(body: &Value, owner: &str, ids: &mut Ids, now: SimTime) -> Result<Task, ImageError> {
        let obj = body.as_object().ok_or_else(|| ImageError::BadRequest("Body expected in request.".into()))?;
        for key in obj.keys() {
            if key != "type" && key != "input" {
                return Err(ImageError::Forbidden(format!("Attribute '{key}' is read-only.")));
            }
        }
        let kind = obj.get("type").and_then(Value::as_str).ok_or_else(|| ImageError::BadRequest("Task type is required".into()))?;
        if !TASK_TYPES.contains(&kind) {
            return Err(ImageError::BadRequest(format!(
                "Provided object does not match schema 'task': '{kind}' is not one of {TASK_TYPES:?}"
            )));
        }
        if kind != "import" {
            return Err(ImageError::Forbidden(format!("Tasks of type {kind} cannot be created through this API.")));
        }
        let input = obj.get("input").filter(|v| v.is_object()).ok_or_else(|| ImageError::BadRequest("Input is required".into()))?;
        for key in ["import_from", "import_from_format", "image_properties"] {
            if input.get(key).is_none() {
                return Err(ImageError::BadRequest(format!("Input does not contain '{key}' field")));
            }
        }
        if !input["image_properties"].is_object() {
            return Err(ImageError::BadRequest("Input image_properties must be an object".into()));
        }
        if !input["import_from_format"].is_string() {
            return Err(ImageError::BadRequest("Input import_from_format must be a string".into()));
        }
        let from = input["import_from"].as_str().ok_or_else(|| ImageError::BadRequest("Invalid import_from".into()))?;
        let scheme = from.split_once("://").map(|(s, _)| s).unwrap_or("");
        if !["http", "https", "swift+http", "swift+https", "file", "swift", "swift+config"].contains(&scheme) {
            return Err(ImageError::BadRequest(format!(
                "The given uri is not valid. Please specify a valid uri from the following list of supported uri {from}"
            )));
        }
        Ok(Task {
            id: ids.uuid(),
            kind: kind.into(),
            status: "failure".into(),
            input: input.clone(),
            result: None,
            owner: owner.to_string(),
            message: format!("Task failed to fetch image data from {from}: the host could not be reached."),
            created_at: now,
            updated_at: now,
            expires_at: Some(now + chrono::Duration::hours(TIME_TO_LIVE_HOURS)),
            image_id: None,
            request_id: None,
            user_id: None,
        })
    }
}
