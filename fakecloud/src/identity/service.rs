//! Keystone as the HTTP plumbing sees it: its prefix, error body and policy wording.

use crate::http::service::{Service, ServiceDef};
use serde_json::Value;

pub const SERVICE: Service = Service(&ServiceDef {
    name: "identity",
    prefix: "/identity",
    openstack: true,
    behind_auth: false,
    own_body_limit: &[],
    request_id_headers: &[],
    trailing_slash_matters: false,
    error_body,
    policy_message,
});

/// Keystone's own format (which keystonemiddleware also uses for every service's 401).
fn error_body(status: u16, message: &str) -> Value {
    crate::http::service::keystone_error_body(status, message)
}

fn policy_message(action: &str) -> String {
    format!("You are not authorized to perform the requested action: {action}.")
}
