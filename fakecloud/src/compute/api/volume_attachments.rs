//! `/servers/{id}/os-volume_attachments`: a server's volumes as Nova's block device mappings show
//! them (list, show), attach, update (`delete_on_termination` from 2.85; a swap, which only Cinder's
//! volume migration may ask for) and detach. The steps across Nova and Cinder are in
//! `flows/volume_attachments.rs`.

use super::common::visible;
use super::common::{bad, check_schema, empty, not_found, parse_bool, reply, ApiResult, Nova, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::compute::block_devices::BlockDevice;
use crate::compute::lifecycle::Refused;
use crate::compute::model::VmState;
use crate::flows::volume_attachments::{AttachRequest, VolumeCaller};
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, Params};
use crate::http::microversion::{Microversion, Version};
use crate::policy::{enforce, Target};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{json, Value};

/// nova/block_device.py `match_device`, as Nova's schema checks a device name.
const DEVICE_PATTERN: &str = "(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$";

fn refused(r: Refused) -> ApiError {
    ApiError::new(SVC, StatusCode::from_u16(r.0).unwrap_or(StatusCode::BAD_REQUEST), r.1)
}

fn who(caller: &Caller) -> VolumeCaller<'_> {
    VolumeCaller { project_id: caller.project_id.as_deref().unwrap_or_default(), user_id: &caller.user_id, admin: caller.is_admin() }
}

fn boolean() -> Value {
    json!({"type": ["boolean", "string"], "enum": [true, "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes",
                                                  false, "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no"]})
}

fn tag() -> Value {
    json!({"type": "string", "pattern": "^[^,/]*$", "minLength": 1, "maxLength": 60})
}

fn wrapped(props: Value) -> Value {
    json!({"type": "object", "required": ["volumeAttachment"], "additionalProperties": false,
           "properties": {"volumeAttachment": {"type": "object", "required": ["volumeId"], "additionalProperties": false,
                                               "properties": props}}})
}

/// The attach schema of the request's microversion (`tag` from 2.49, `delete_on_termination` from 2.79).
fn create_schema(v: Version) -> Value {
    let mut props = json!({"volumeId": {"type": "string", "format": "uuid"},
                           "device": {"type": ["string", "null"], "pattern": DEVICE_PATTERN}});
    if v.at_least(2, 49) {
        props["tag"] = tag();
    }
    if v.at_least(2, 79) {
        props["delete_on_termination"] = boolean();
    }
    wrapped(props)
}

/// The update schema: `volumeId` alone before 2.85, the whole attachment from then.
fn update_schema(v: Version) -> Value {
    if !v.at_least(2, 85) {
        return wrapped(json!({"volumeId": {"type": "string", "format": "uuid"}}));
    }
    wrapped(json!({"volumeId": {"type": "string", "format": "uuid"},
                   "device": {"type": ["string", "null"], "pattern": DEVICE_PATTERN},
                   "tag": tag(), "delete_on_termination": boolean(),
                   "serverId": {"type": "string", "format": "uuid"}, "id": {"type": "string", "format": "uuid"}}))
}

/// One attachment as the microversion shows it: `tag` from 2.70, `delete_on_termination` from
/// 2.79, and from 2.89 `attachment_id` and `bdm_uuid` instead of `id`.
fn view(b: &BlockDevice, v: Version) -> Value {
    let mut d = serde_json::Map::new();
    if !v.at_least(2, 89) {
        d.insert("id".into(), json!(b.volume_id));
    }
    d.insert("volumeId".into(), json!(b.volume_id));
    d.insert("serverId".into(), json!(b.server_id));
    if !b.device_name.is_empty() {
        d.insert("device".into(), json!(b.device_name));
    }
    if v.at_least(2, 70) {
        d.insert("tag".into(), json!(b.tag));
    }
    if v.at_least(2, 79) {
        d.insert("delete_on_termination".into(), json!(b.delete_on_termination));
    }
    if v.at_least(2, 89) {
        d.insert("attachment_id".into(), json!(b.attachment_id));
        d.insert("bdm_uuid".into(), json!(b.uuid));
    }
    Value::Object(d)
}

fn policy(caller: &Caller, action: &str, project: &str) -> Result<(), ApiError> {
    enforce(SVC, caller, &format!("os_compute_api:os-volumes-attachments:{action}"), Target { project_id: Some(project), user_id: None })
}

/// A non-negative integer query parameter (Nova's `non_negative_integer`).
fn count_param(params: &Params, key: &str) -> Result<Option<usize>, ApiError> {
    match params.get(key) {
        None => Ok(None),
        Some(s) => s
            .parse::<usize>()
            .map(Some)
            .map_err(|_| bad(format!("Invalid input for query parameters {key}. Value: {s}. '{s}' does not match '^[0-9]*$'"))),
    }
}

pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let w = s.world();
    let server = visible(&w, &caller, &id)?;
    policy(&caller, "index", &server.project_id)?;
    if v.at_least(2, 75) {
        if let Some((k, _)) = params.0.iter().find(|(k, _)| !["limit", "offset"].contains(&k.as_str())) {
            return Err(bad(format!(
                "Invalid input for query parameters {k}. Value: {k}. Additional properties are not allowed ('{k}' was unexpected)"
            )));
        }
    }
    let limit = count_param(&params, "limit")?.unwrap_or(1000).min(1000);
    let offset = count_param(&params, "offset")?.unwrap_or(0);
    let items: Vec<Value> = w
        .compute
        .block_devices_of(&id)
        .skip(offset)
        .take(limit)
        .filter(|b| !v.at_least(2, 89) || b.attachment_id.is_some())
        .map(|b| view(b, v))
        .collect();
    Ok(reply(v, StatusCode::OK, json!({"volumeAttachments": items})))
}

fn not_attached(server: &str, volume: &str) -> ApiError {
    not_found(format!("Instance {server} is not attached to volume {volume}"))
}

pub async fn show(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, volume_id)): Path<(String, String)>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let w = s.world();
    let server = visible(&w, &caller, &id)?;
    policy(&caller, "show", &server.project_id)?;
    let bdm = w
        .compute
        .block_device(&id, &volume_id)
        .filter(|b| !v.at_least(2, 89) || b.attachment_id.is_some())
        .ok_or_else(|| not_attached(&id, &volume_id))?;
    Ok(reply(v, StatusCode::OK, json!({"volumeAttachment": view(bdm, v)})))
}

/// The 409 Nova gives a volume operation on a shelved server before 2.20.
fn shelved_before_2_20(v: Version, state: VmState, method: &str, id: &str) -> Result<(), ApiError> {
    if matches!(state, VmState::Shelved | VmState::ShelvedOffloaded) && !v.at_least(2, 20) {
        return Err(ApiError::new(
            SVC,
            StatusCode::CONFLICT,
            format!("Cannot '{method}' instance {id} while it is in vm_state {}", state.as_str()),
        ));
    }
    Ok(())
}

pub async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    let mut w = s.world();
    let server = visible(&w, &caller, &id)?;
    policy(&caller, "create", &server.project_id)?;
    check_schema(&body, &create_schema(v))?;
    let att = &body["volumeAttachment"];
    shelved_before_2_20(v, server.vm_state, "attach_volume", &id)?;
    let req = AttachRequest {
        volume_id: att["volumeId"].as_str().unwrap_or_default().to_string(),
        tag: att.get("tag").and_then(Value::as_str).map(str::to_string),
        delete_on_termination: att.get("delete_on_termination").and_then(parse_bool).unwrap_or(false),
        multiattach_allowed: v.at_least(2, 60),
    };
    let bdm = w.attach_volume(&id, req, who(&caller)).map_err(refused)?;
    super::instance_actions::record(&mut w, &caller, &id, "attach_volume");
    let mut out = json!({"id": bdm.volume_id, "serverId": id, "volumeId": bdm.volume_id, "device": bdm.device_name});
    if v.at_least(2, 70) {
        out["tag"] = json!(bdm.tag);
    }
    if v.at_least(2, 79) {
        out["delete_on_termination"] = json!(bdm.delete_on_termination);
    }
    Ok(reply(v, StatusCode::OK, json!({"volumeAttachment": out})))
}

pub async fn update(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, volume_id)): Path<(String, String)>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    let mut w = s.world();
    let server = visible(&w, &caller, &id)?.clone();
    check_schema(&body, &update_schema(v))?;
    let att = &body["volumeAttachment"];
    let new_volume = att["volumeId"].as_str().unwrap_or_default();
    let only_swap = !v.at_least(2, 85);
    let swap = only_swap || new_volume != volume_id;
    if swap {
        enforce(SVC, &caller, "os_compute_api:os-volumes-attachments:swap", Target::default())?;
    } else {
        policy(&caller, "update", &server.project_id)?;
    }
    if !only_swap {
        let bdm = w
            .compute
            .block_device(&id, &volume_id)
            .ok_or_else(|| not_found(format!("No volume Block Device Mapping with id {volume_id}.")))?;
        let immutable = |key: &str, now: Value| -> Result<(), ApiError> {
            match att.get(key) {
                Some(given) if *given != now => Err(bad(format!("The {key} property is not mutable"))),
                _ => Ok(()),
            }
        };
        immutable("id", json!(volume_id))?;
        immutable("serverId", json!(id))?;
        immutable("device", json!(bdm.device_name))?;
        immutable("tag", json!(bdm.tag))?;
        if !swap {
            if let Some(d) = att.get("delete_on_termination").and_then(parse_bool) {
                w.compute.block_device_mut(&id, &volume_id).expect("found").delete_on_termination = d;
            }
            return Ok(empty(v, StatusCode::ACCEPTED));
        }
    }
    // A swap is Cinder's to ask, while it migrates the volume; fakecloud's Cinder migrates none.
    let old = w.volume.show(
        &volume_id,
        crate::volume::model::Requester {
            project_id: caller.project_id.as_deref().unwrap_or_default(),
            user_id: &caller.user_id,
            admin: caller.is_admin(),
        },
    );
    let old = old.map_err(|_| not_found(format!("Volume {volume_id} could not be found.")))?;
    if old.migration_status.as_deref().unwrap_or_default().is_empty() {
        return Err(ApiError::new(
            SVC,
            StatusCode::CONFLICT,
            format!("volume {volume_id} is not migrating; this API should only be called by Cinder"),
        ));
    }
    Err(ApiError::new(SVC, StatusCode::CONFLICT, format!("Cannot 'swap_volume' instance {id}: volume migration is not modelled")))
}

pub async fn delete(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, volume_id)): Path<(String, String)>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let mut w = s.world();
    let server = visible(&w, &caller, &id)?;
    policy(&caller, "delete", &server.project_id)?;
    shelved_before_2_20(v, server.vm_state, "detach_volume", &id)?;
    w.detach_volume(&id, &volume_id, who(&caller)).map_err(refused)?;
    super::instance_actions::record(&mut w, &caller, &id, "detach_volume");
    Ok(empty(v, StatusCode::ACCEPTED))
}
