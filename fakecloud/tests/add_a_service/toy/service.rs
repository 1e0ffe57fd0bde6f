//! The toy service as the HTTP plumbing sees it.

use fakecloud::http::service::{Service, ServiceDef};
use serde_json::{json, Value};

pub const SERVICE: Service = Service(&ServiceDef {
    name: "toy",
    prefix: "/toy",
    openstack: true,
    behind_auth: true,
    own_body_limit: &[],
    request_id_headers: &[],
    trailing_slash_matters: false,
    error_body,
    policy_message: |action| format!("toy refuses {action}"),
});

/// Its own error shape, so a test can tell it from every other service's.
fn error_body(status: u16, message: &str) -> Value {
    json!({"toyError": {"status": status, "message": message}})
}
