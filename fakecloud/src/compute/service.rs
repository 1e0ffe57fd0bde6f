//! Nova as the HTTP plumbing sees it: its prefix, error body and policy wording.

use crate::http::service::{Service, ServiceDef};
use serde_json::{json, Value};

pub const SERVICE: Service = Service(&ServiceDef {
    name: "compute",
    prefix: "/compute",
    openstack: true,
    behind_auth: true,
    own_body_limit: &[],
    request_id_headers: &["x-compute-request-id"],
    // Nova's routes are exact: `/os-security-groups/` is not `/os-security-groups` (a 404).
    trailing_slash_matters: true,
    error_body,
    policy_message,
});

/// Nova wraps an error in a key named for the fault.
pub fn error_body(status: u16, message: &str) -> Value {
    json!({ nova_fault_key(status): {"code": status, "message": message} })
}

pub fn nova_fault_key(status: u16) -> &'static str {
    match status {
        400 => "badRequest",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "itemNotFound",
        405 => "badMethod",
        409 => "conflictingRequest",
        413 | 429 => "overLimit",
        415 => "badMediaType",
        501 => "notImplemented",
        503 => "serviceUnavailable",
        _ => "computeFault",
    }
}

fn policy_message(action: &str) -> String {
    format!("Policy doesn't allow {action} to be performed.")
}
