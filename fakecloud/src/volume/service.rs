//! Cinder as the HTTP plumbing sees it: its prefix, error body and policy wording.

use crate::http::service::{Service, ServiceDef};
use serde_json::Value;

pub const SERVICE: Service = Service(&ServiceDef {
    name: "volume",
    prefix: "/volume",
    openstack: true,
    behind_auth: true,
    own_body_limit: &[],
    request_id_headers: &[],
    // Cinder's router tells `/volumes/` (an empty id: 404) from `/volumes`; its version document
    // answers with and without the slash (routes for both in `api/mod.rs`).
    trailing_slash_matters: true,
    error_body,
    policy_message,
});

/// Cinder wraps errors as Nova does, in a key named for the fault.
fn error_body(status: u16, message: &str) -> Value {
    crate::compute::service::error_body(status, message)
}

fn policy_message(action: &str) -> String {
    format!("Policy doesn't allow {action} to be performed.")
}
