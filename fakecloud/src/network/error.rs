//! Neutron's errors: `{"NeutronError": {"type", "message", "detail"}}`, where `type` is the name of
//! the exception Neutron raised (NetworkNotFound, IpAddressGenerationFailure, ...), not only the HTTP
//! status. The model returns these; the API renders them.

use crate::http::error::ApiError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Clone, Debug, PartialEq)]
pub struct NeutronError {
    pub status: u16,
    pub kind: &'static str,
    pub message: String,
}

pub type NResult<T> = Result<T, NeutronError>;

impl NeutronError {
    pub fn new(status: u16, kind: &'static str, message: impl Into<String>) -> Self {
        NeutronError { status, kind, message: message.into() }
    }

    /// webob's HTTPBadRequest, as the API layer raises it for malformed requests.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "HTTPBadRequest", message)
    }

    /// neutron_lib's InvalidInput.
    pub fn invalid_input(reason: impl std::fmt::Display) -> Self {
        Self::new(400, "InvalidInput", format!("Invalid input for operation: {reason}."))
    }

    /// neutron_lib's BadRequest: "Bad <resource> request: <msg>."
    pub fn bad_resource_request(resource: &str, msg: impl std::fmt::Display) -> Self {
        let msg = msg.to_string();
        let dot = if msg.ends_with('.') { "" } else { "." };
        Self::new(400, "BadRequest", format!("Bad {resource} request: {msg}{dot}"))
    }

    /// "Invalid input for <attr>. Reason: <reason>." (the attribute validators' 400).
    pub fn invalid_attr(attr: &str, reason: impl std::fmt::Display) -> Self {
        Self::bad_request(format!("Invalid input for {attr}. Reason: {reason}."))
    }

    pub fn not_found(kind: &'static str, message: impl Into<String>) -> Self {
        Self::new(404, kind, message)
    }

    pub fn conflict(kind: &'static str, message: impl Into<String>) -> Self {
        Self::new(409, kind, message)
    }

    /// oslo.policy's refusal, worded with the rule as Neutron builds it (`rule:get_agent`, or
    /// `(rule:create_network and rule:create_network:shared)` for an attribute rule).
    pub fn policy(rule: impl std::fmt::Display) -> Self {
        Self::new(403, "PolicyNotAuthorized", format!("{rule} is disallowed by policy"))
    }

    pub fn network_not_found(id: &str) -> Self {
        Self::not_found("NetworkNotFound", format!("Network {id} could not be found."))
    }
    pub fn subnet_not_found(id: &str) -> Self {
        Self::not_found("SubnetNotFound", format!("Subnet {id} could not be found."))
    }
    pub fn port_not_found(id: &str) -> Self {
        Self::not_found("PortNotFound", format!("Port {id} could not be found."))
    }
    pub fn floating_ip_not_found(id: &str) -> Self {
        Self::not_found("FloatingIPNotFound", format!("Floating IP {id} could not be found"))
    }
    pub fn router_not_found(id: &str) -> Self {
        Self::not_found("RouterNotFound", format!("Router {id} could not be found"))
    }
    pub fn security_group_not_found(id: &str) -> Self {
        Self::not_found("SecurityGroupNotFound", format!("Security group {id} does not exist"))
    }
    pub fn rule_not_found(id: &str) -> Self {
        Self::not_found("SecurityGroupRuleNotFound", format!("Security group rule {id} does not exist"))
    }
    pub fn subnet_pool_not_found(id: &str) -> Self {
        Self::not_found("SubnetPoolNotFound", format!("Subnet pool {id} could not be found."))
    }
    pub fn agent_not_found(id: &str) -> Self {
        Self::not_found("AgentNotFound", format!("Agent {id} could not be found."))
    }
}

impl std::fmt::Display for NeutronError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Errors from the shared layers (a 401 from the auth layer keeps Keystone's body, as
/// keystonemiddleware answers it in front of Neutron).
impl From<ApiError> for NeutronError {
    fn from(e: ApiError) -> Self {
        NeutronError::new(e.status.as_u16(), super::service::neutron_type(e.status.as_u16()), e.message)
    }
}

impl IntoResponse for NeutronError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status == StatusCode::UNAUTHORIZED {
            return ApiError::unauthenticated().into_response();
        }
        (status, Json(json!({"NeutronError": {"type": self.kind, "message": self.message, "detail": ""}}))).into_response()
    }
}
