//! Neutron as the HTTP plumbing sees it: its prefix, error body and policy wording.

use crate::http::service::{Service, ServiceDef};
use serde_json::{json, Value};

pub const SERVICE: Service = Service(&ServiceDef {
    name: "network",
    prefix: "/network",
    openstack: true,
    behind_auth: true,
    own_body_limit: &[],
    request_id_headers: &[],
    trailing_slash_matters: false,
    error_body,
    policy_message,
});

fn error_body(status: u16, message: &str) -> Value {
    json!({"NeutronError": {"type": neutron_type(status), "message": message, "detail": ""}})
}

/// Neutron's generic error `type` for a status (specific types such as NetworkNotFound are the
/// network module's).
pub fn neutron_type(status: u16) -> &'static str {
    match status {
        400 => "HTTPBadRequest",
        401 => "HTTPUnauthorized",
        403 => "HTTPForbidden",
        404 => "HTTPNotFound",
        405 => "HTTPMethodNotAllowed",
        409 => "HTTPConflict",
        413 => "HTTPRequestEntityTooLarge",
        503 => "HTTPServiceUnavailable",
        _ => "HTTPInternalServerError",
    }
}

fn policy_message(action: &str) -> String {
    format!("rule:{action} is disallowed by policy")
}
