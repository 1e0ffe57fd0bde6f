//! Glance as the HTTP plumbing sees it: its prefix, error body and policy wording.

use crate::http::service::{Service, ServiceDef};
use serde_json::{json, Value};

pub const SERVICE: Service = Service(&ServiceDef {
    name: "image",
    prefix: "/image",
    openstack: true,
    behind_auth: true,
    own_body_limit: &[],
    request_id_headers: &[],
    trailing_slash_matters: true,
    error_body,
    policy_message,
});

/// Glance's errors are webob's, rendered as JSON for a JSON client.
fn error_body(status: u16, message: &str) -> Value {
    let title = crate::http::service::title(status);
    json!({"code": format!("{status} {title}"), "title": title, "message": message})
}

fn policy_message(action: &str) -> String {
    format!("You are not authorized to complete {action} action.")
}
