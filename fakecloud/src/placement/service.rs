//! Placement as the HTTP plumbing sees it: its prefix, error body and policy wording.

use crate::http::service::{Service, ServiceDef};
use serde_json::{json, Value};

pub const SERVICE: Service = Service(&ServiceDef {
    name: "placement",
    prefix: "/placement",
    openstack: true,
    behind_auth: true,
    own_body_limit: &[],
    request_id_headers: &[],
    trailing_slash_matters: false,
    error_body,
    policy_message,
});

fn error_body(status: u16, message: &str) -> Value {
    let title = crate::http::service::title(status);
    json!({"errors": [{
        "status": status, "title": title, "detail": format!("{title}\n\n{message}  "),
        "code": "placement.undefined_code", "request_id": crate::http::request_id::current(),
    }]})
}

fn policy_message(action: &str) -> String {
    format!("Policy does not allow {action} to be performed.")
}
