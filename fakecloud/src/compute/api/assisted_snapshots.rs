//! `os-assisted-volume-snapshots`: Cinder's file-based drivers (NFS, GlusterFS) ask Nova to snapshot
//! a volume that is attached, since only the hypervisor may touch an in-use disk file. The service
//! user calls it; the volume must be attached to a server. The guest's disk chain is simulated away,
//! so the create answers as Nova does once the compute host has taken the request.

use super::common::{bad, check_schema, empty, not_found, reply, ApiResult, Nova, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::{JsonBody, Params};
use crate::http::microversion::Microversion;
use crate::policy::{enforce, Target};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{json, Value};

fn create_schema() -> Value {
    let text = json!({"type": "string", "minLength": 1});
    json!({
        "type": "object",
        "properties": {"snapshot": {
            "type": "object",
            "properties": {
                "volume_id": text,
                "create_info": {
                    "type": "object",
                    "properties": {"snapshot_id": text, "type": {"type": "string", "enum": ["qcow2"]}, "new_file": text, "id": text},
                    "required": ["snapshot_id", "type", "new_file"],
                    "additionalProperties": false
                }
            },
            "required": ["volume_id", "create_info"],
            "additionalProperties": false
        }},
        "required": ["snapshot"],
        "additionalProperties": false
    })
}

/// The volume must be attached (Nova finds its block device mapping), or the call is a 400.
fn attached(s: &AppState, volume_id: &str) -> bool {
    s.world().compute.block_devices.iter().any(|b| b.volume_id == volume_id)
}

pub async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-assisted-volume-snapshots:create", Target::default())?;
    check_schema(&body, &create_schema())?;
    let volume_id = body["snapshot"]["volume_id"].as_str().unwrap_or_default();
    if !attached(&s, volume_id) {
        return Err(bad(format!("No volume Block Device Mapping with id {volume_id}.")));
    }
    let snapshot_id = body["snapshot"]["create_info"]["snapshot_id"].clone();
    Ok(reply(v, StatusCode::OK, json!({"snapshot": {"id": snapshot_id, "volumeId": volume_id}})))
}

pub async fn delete(
    State(s): State<AppState>,
    caller: Caller,
    Path(_snapshot_id): Path<String>,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-assisted-volume-snapshots:delete", Target::default())?;
    let info = params.get("delete_info").ok_or_else(|| bad("Missing delete_info"))?;
    let volume_id = serde_json::from_str::<Value>(info)
        .ok()
        .and_then(|i| i.get("volume_id").and_then(Value::as_str).map(str::to_string))
        .ok_or_else(|| bad("Malformed delete_info"))?;
    if !attached(&s, &volume_id) {
        return Err(not_found(format!("No volume Block Device Mapping with id {volume_id}.")));
    }
    Ok(empty(v, StatusCode::NO_CONTENT))
}
