//! fakecloud's control API as the HTTP plumbing sees it: not an OpenStack service, so not journaled, no token in front, and its restore call takes a whole snapshot.

use crate::http::service::{Service, ServiceDef};
use serde_json::Value;

pub const SERVICE: Service = Service(&ServiceDef {
    name: "control",
    prefix: "/_fakecloud",
    openstack: false,
    behind_auth: false,
    own_body_limit: &["/_fakecloud/restore"],
    request_id_headers: &[],
    trailing_slash_matters: false,
    error_body,
    policy_message,
});

fn error_body(status: u16, message: &str) -> Value {
    crate::http::service::fakecloud_error_body(status, message)
}

fn policy_message(action: &str) -> String {
    format!("{action} is not allowed")
}
