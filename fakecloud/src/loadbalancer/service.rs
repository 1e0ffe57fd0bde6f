//! Octavia as the HTTP plumbing sees it: its prefix, error body and policy wording.

use crate::http::service::{Service, ServiceDef};
use serde_json::{json, Value};

pub const SERVICE: Service = Service(&ServiceDef {
    name: "load-balancer",
    prefix: "/load-balancer",
    openstack: true,
    behind_auth: true,
    own_body_limit: &[],
    request_id_headers: &[],
    trailing_slash_matters: false,
    error_body,
    policy_message,
});

/// Octavia's errors are WSME's.
fn error_body(status: u16, message: &str) -> Value {
    json!({"faultcode": if status >= 500 { "Server" } else { "Client" }, "faultstring": message, "debuginfo": null})
}

fn policy_message(action: &str) -> String {
    let _ = action;
    "Policy does not allow this request to be performed.".into()
}
