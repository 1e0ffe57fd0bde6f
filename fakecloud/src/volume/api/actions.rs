//! `POST /volumes/{id}/action`: one action per body (`{"os-extend": {...}}`), each under its own
//! policy (volume_actions, admin_actions, volume_image_metadata). The volume is looked up first, so
//! another project's is a 404, then the action's policy is checked against its project.

use super::common::{arg, empty, prelude, project, reply, requester, ApiResult, Cinder, PathArgs};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::JsonBody;
use crate::http::microversion::Microversion;
use crate::policy::{enforce, Target};
use crate::volume::bodies::{action, action_bool, action_string, image_metadata, new_size};
use crate::volume::SERVICE as SVC;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{json, Value};

/// The policy rule of each action Cinder serves here.
fn rule(name: &str) -> Option<&'static str> {
    Some(match name {
        "os-extend" => "volume:extend",
        "os-retype" => "volume:retype",
        "os-set_bootable" => "volume:update",
        "os-update_readonly_flag" => "volume:update_readonly_flag",
        "os-reset_status" => "volume_extension:volume_admin_actions:reset_status",
        "os-force_delete" => "volume_extension:volume_admin_actions:force_delete",
        "os-force_detach" => "volume_extension:volume_admin_actions:force_detach",
        "os-reserve" => "volume_extension:volume_actions:reserve",
        "os-unreserve" => "volume_extension:volume_actions:unreserve",
        "os-begin_detaching" => "volume_extension:volume_actions:begin_detaching",
        "os-roll_detaching" => "volume_extension:volume_actions:roll_detaching",
        "os-attach" => "volume_extension:volume_actions:attach",
        "os-detach" => "volume_extension:volume_actions:detach",
        "os-initialize_connection" => "volume_extension:volume_actions:initialize_connection",
        "os-terminate_connection" => "volume_extension:volume_actions:terminate_connection",
        "os-set_image_metadata" => "volume_extension:volume_image_metadata:set",
        "os-unset_image_metadata" => "volume_extension:volume_image_metadata:remove",
        "os-show_image_metadata" => "volume_extension:volume_image_metadata:show",
        _ => return None,
    })
}

/// The arguments each action's schema allows (`additionalProperties: False`); an action without
/// arguments takes `null` or `{}`.
fn check_args(name: &str, args: &Value) -> Result<(), ApiError> {
    let allowed: &[&str] = match name {
        "os-extend" => &["new_size"],
        "os-retype" => &["new_type", "migration_policy"],
        "os-set_bootable" => &["bootable"],
        "os-update_readonly_flag" => &["readonly"],
        "os-reset_status" => &["status", "attach_status", "migration_status"],
        "os-attach" => &["instance_uuid", "mountpoint", "host_name", "mode"],
        "os-detach" | "os-force_detach" => &["attachment_id", "connector"],
        "os-initialize_connection" | "os-terminate_connection" => &["connector"],
        "os-set_image_metadata" => &["metadata"],
        "os-unset_image_metadata" => &["key"],
        _ => &[],
    };
    match args {
        Value::Null => Ok(()),
        Value::Object(o) => match o.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(ApiError::bad_request(
                SVC,
                format!("Invalid input for field/attribute {name}. Additional properties are not allowed ('{k}' was unexpected)"),
            )),
            None => Ok(()),
        },
        other => Err(ApiError::bad_request(
            SVC,
            format!("Invalid input for field/attribute {name}. Value: {other}. {other} is not of type 'object'"),
        )),
    }
}

pub async fn volume_action(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    let id = arg(&path, "volume_id");
    let (name, args) = action(&body)?;
    let policy = rule(&name).ok_or_else(|| ApiError::bad_request(SVC, "There is no such action: ".to_string() + &name))?;
    check_args(&name, &args)?;
    // Admin actions are authorized before the volume is looked up (admin_actions.py).
    let admin_action = policy.starts_with("volume_extension:volume_admin_actions:");
    if admin_action {
        enforce(SVC, &caller, policy, Target::default())?;
    }
    let who = requester(&caller);
    let mut world = s.world();
    let owner = world.volume.show(&id, who)?.project_id.clone();
    if !admin_action {
        enforce(SVC, &caller, policy, project(&owner))?;
    }
    let w = &mut *world;
    let now = w.sim.now();
    let vols = &mut w.volume;
    let accepted = empty(v, StatusCode::ACCEPTED);
    match name.as_str() {
        "os-extend" => {
            let size = new_size(&args)?;
            vols.extend(&id, size, who, &mut w.sim)?;
            Ok(accepted)
        }
        "os-retype" => {
            let new_type = action_string(&args, "new_type")?;
            if let Some(p) = args.get("migration_policy") {
                if !matches!(p.as_str(), Some("never" | "on-demand")) && !p.is_null() {
                    return Err(ApiError::bad_request(SVC, format!("Invalid input for field/attribute migration_policy. Value: {p}.")));
                }
            }
            vols.retype(&id, &new_type, who, &mut w.sim)?;
            Ok(accepted)
        }
        "os-set_bootable" => {
            let b = action_bool(&args, "bootable")?;
            vols.set_bootable(&id, b, who, now)?;
            Ok(empty(v, StatusCode::OK))
        }
        "os-update_readonly_flag" => {
            let ro = action_bool(&args, "readonly")?;
            vols.set_readonly(&id, ro, who)?;
            Ok(accepted)
        }
        "os-reset_status" => {
            let status = args.get("status").and_then(Value::as_str);
            let migration = args.get("migration_status").and_then(Value::as_str);
            if status.is_none() && migration.is_none() && args.get("attach_status").is_none() {
                return Err(ApiError::bad_request(SVC, "Must specify 'status', 'attach_status' or 'migration_status' for update."));
            }
            vols.reset_status(&id, status, migration, who, &mut w.sim)?;
            Ok(accepted)
        }
        "os-force_delete" => {
            vols.force_delete(&id, who, &mut w.sim)?;
            Ok(accepted)
        }
        "os-reserve" => {
            vols.reserve(&id, who, &mut w.sim)?;
            Ok(accepted)
        }
        "os-unreserve" => {
            vols.unreserve(&id, who, &mut w.sim)?;
            Ok(accepted)
        }
        "os-begin_detaching" => {
            vols.begin_detaching(&id, who, &mut w.sim)?;
            Ok(accepted)
        }
        "os-roll_detaching" => {
            vols.roll_detaching(&id, who, &mut w.sim)?;
            Ok(accepted)
        }
        "os-attach" => {
            let server = args.get("instance_uuid").and_then(Value::as_str).map(str::to_string);
            let host = args.get("host_name").and_then(Value::as_str).map(str::to_string);
            if server.is_none() && host.is_none() {
                return Err(ApiError::bad_request(SVC, "Invalid request to attach volume to an invalid target"));
            }
            let mountpoint = action_string(&args, "mountpoint")?;
            let mode = args.get("mode").and_then(Value::as_str).unwrap_or("rw").to_string();
            if mode != "rw" && mode != "ro" {
                return Err(ApiError::bad_request(
                    SVC,
                    "Invalid request to attach volume with an invalid mode. Attaching mode should be 'rw' or 'ro'",
                ));
            }
            vols.attach(&id, server, host, mountpoint, &mode, who, &mut w.sim)?;
            Ok(accepted)
        }
        "os-detach" | "os-force_detach" => {
            let attachment = args.get("attachment_id").and_then(Value::as_str).map(str::to_string);
            vols.detach(&id, attachment.as_deref(), name == "os-force_detach", who, &mut w.sim)?;
            Ok(accepted)
        }
        "os-initialize_connection" => {
            if args.get("connector").is_none_or(|c| !c.is_object()) {
                return Err(ApiError::bad_request(SVC, "Must specify 'connector'"));
            }
            let info = json!({"connection_info": {
                "driver_volume_type": "rbd",
                "data": {"name": format!("volumes/volume-{id}"), "volume_id": id, "discard": true, "auth_enabled": true},
            }});
            Ok(reply(v, StatusCode::OK, info))
        }
        "os-terminate_connection" => Ok(accepted),
        "os-set_image_metadata" => {
            let meta = image_metadata(&args)?;
            let m = vols.set_image_metadata(&id, meta, who)?.clone();
            Ok(reply(v, StatusCode::OK, json!({ "metadata": m })))
        }
        "os-unset_image_metadata" => {
            let key = action_string(&args, "key")?;
            vols.unset_image_metadata(&id, &key, who)?;
            Ok(empty(v, StatusCode::OK))
        }
        "os-show_image_metadata" => {
            let m = vols.show(&id, who)?.image_metadata.clone();
            Ok(reply(v, StatusCode::OK, json!({ "metadata": m })))
        }
        _ => Err(ApiError::bad_request(SVC, format!("There is no such action: {name}"))),
    }
}
