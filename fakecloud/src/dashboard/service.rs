//! The dashboard as the HTTP plumbing sees it: not an OpenStack API (no token in front, not
//! journaled); its errors are fakecloud's JSON, as nothing but its two pages is modelled.

use crate::http::service::{Service, ServiceDef};
use serde_json::Value;

pub const SERVICE: Service = Service(&ServiceDef {
    name: "dashboard",
    prefix: "/dashboard",
    openstack: false,
    behind_auth: false,
    own_body_limit: &[],
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
