//! Magnum as the HTTP plumbing sees it: its prefix, error body and policy wording.

use crate::http::service::{Service, ServiceDef};
use serde_json::{json, Value};

pub const SERVICE: Service = Service(&ServiceDef {
    name: "container-infra",
    prefix: "/container-infra",
    openstack: true,
    behind_auth: true,
    own_body_limit: &[],
    request_id_headers: &[],
    trailing_slash_matters: false,
    error_body,
    policy_message,
});

/// Magnum's title is the exception's message (magnumclient shows it), as is its detail.
fn error_body(status: u16, message: &str) -> Value {
    json!({"errors": [{
        "request_id": "", "code": if status >= 500 { "server" } else { "client" },
        "status": status, "title": message, "detail": message, "links": [],
    }]})
}

fn policy_message(action: &str) -> String {
    format!("Policy doesn't allow {action} to be performed.")
}
