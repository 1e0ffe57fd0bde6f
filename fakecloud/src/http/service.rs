//! The services fakecloud serves, their devstack-style path prefixes, and each one's error format.

use serde_json::{json, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Service {
    Identity,
    Compute,
    Placement,
    LoadBalancer,
    ContainerInfra,
    Network,
    Image,
    Volume,
    /// fakecloud's own control API (`/_fakecloud`), not an OpenStack service.
    Control,
}

pub const OPENSTACK_SERVICES: [Service; 8] = [
    Service::Identity,
    Service::Compute,
    Service::Placement,
    Service::LoadBalancer,
    Service::ContainerInfra,
    Service::Network,
    Service::Image,
    Service::Volume,
];

impl Service {
    pub fn prefix(self) -> &'static str {
        match self {
            Service::Identity => "/identity",
            Service::Compute => "/compute",
            Service::Placement => "/placement",
            Service::LoadBalancer => "/load-balancer",
            Service::ContainerInfra => "/container-infra",
            Service::Network => "/network",
            Service::Image => "/image",
            Service::Volume => "/volume",
            Service::Control => "/_fakecloud",
        }
    }

    /// The name used in the journal and in fault matches.
    pub fn name(self) -> &'static str {
        match self {
            Service::Identity => "identity",
            Service::Compute => "compute",
            Service::Placement => "placement",
            Service::LoadBalancer => "load-balancer",
            Service::ContainerInfra => "container-infra",
            Service::Network => "network",
            Service::Image => "image",
            Service::Volume => "volume",
            Service::Control => "control",
        }
    }

    pub fn from_path(path: &str) -> Option<Service> {
        OPENSTACK_SERVICES.into_iter().chain([Service::Control]).find(|s| {
            let p = s.prefix();
            path.strip_prefix(p).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }

    /// The service's own error body for a status and message.
    pub fn error_body(self, status: u16, message: &str) -> Value {
        let title = axum::http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error");
        match self {
            // Keystone's format, which keystonemiddleware also uses for every service's 401.
            Service::Identity => {
                json!({"error": {"code": status, "title": title, "message": message}})
            }
            // Nova and Cinder wrap errors in a key named for the fault.
            Service::Compute | Service::Volume => {
                json!({ nova_fault_key(status): {"code": status, "message": message} })
            }
            Service::Placement => json!({"errors": [{
                "status": status, "title": title, "detail": format!("{title}\n\n{message}  "),
                "code": "placement.undefined_code", "request_id": request_id(),
            }]}),
            Service::LoadBalancer => json!({
                "faultcode": if status >= 500 { "Server" } else { "Client" },
                "faultstring": message, "debuginfo": null,
            }),
            // Magnum's title is the exception's message (magnumclient shows it), as is its detail.
            Service::ContainerInfra => json!({"errors": [{
                "request_id": "", "code": if status >= 500 { "server" } else { "client" },
                "status": status, "title": message, "detail": message, "links": [],
            }]}),
            Service::Network => {
                json!({"NeutronError": {"type": neutron_type(status), "message": message, "detail": ""}})
            }
            // Glance's errors are webob's, rendered as JSON for a JSON client.
            Service::Image => {
                json!({"code": format!("{status} {title}"), "title": title, "message": message})
            }
            Service::Control => json!({"error": {"status": status, "message": message}}),
        }
    }

    /// The message each service gives when policy refuses an action.
    pub fn policy_message(self, action: &str) -> String {
        match self {
            Service::Identity => {
                format!("You are not authorized to perform the requested action: {action}.")
            }
            Service::Compute | Service::Volume | Service::ContainerInfra => {
                format!("Policy doesn't allow {action} to be performed.")
            }
            Service::Placement => format!("Policy does not allow {action} to be performed."),
            Service::LoadBalancer => "Policy does not allow this request to be performed.".into(),
            Service::Network => format!("rule:{action} is disallowed by policy"),
            Service::Image => format!("You are not authorized to complete {action} action."),
            Service::Control => format!("{action} is not allowed"),
        }
    }
}

fn nova_fault_key(status: u16) -> &'static str {
    match status {
        400 => "badRequest",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "itemNotFound",
        405 => "badMethod",
        409 => "conflictingRequest",
        413 | 429 => "overLimit",
        415 => "badMediaType",
        501 => "notImplemented",
        503 => "serviceUnavailable",
        _ => "computeFault",
    }
}

/// Neutron's generic error `type` for a status (specific types such as NetworkNotFound are the
/// network module's).
pub fn neutron_type(status: u16) -> &'static str {
    match status {
        400 => "HTTPBadRequest",
        401 => "HTTPUnauthorized",
        403 => "HTTPForbidden",
        404 => "HTTPNotFound",
        405 => "HTTPMethodNotAllowed",
        409 => "HTTPConflict",
        413 => "HTTPRequestEntityTooLarge",
        503 => "HTTPServiceUnavailable",
        _ => "HTTPInternalServerError",
    }
}

/// Placement's errors carry a request id; fakecloud's is constant so bodies stay reproducible.
fn request_id() -> &'static str {
    "req-00000000-0000-0000-0000-000000000000"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_resolve_to_services() {
        assert_eq!(Service::from_path("/identity/v3/auth/tokens"), Some(Service::Identity));
        assert_eq!(Service::from_path("/load-balancer"), Some(Service::LoadBalancer));
        assert_eq!(Service::from_path("/identityx"), None);
        assert_eq!(Service::from_path("/_fakecloud/health"), Some(Service::Control));
    }

    #[test]
    fn each_service_has_its_own_error_shape() {
        assert_eq!(Service::Identity.error_body(404, "x")["error"]["title"], "Not Found");
        assert_eq!(Service::Compute.error_body(409, "x")["conflictingRequest"]["code"], 409);
        assert_eq!(Service::LoadBalancer.error_body(500, "x")["faultcode"], "Server");
        assert_eq!(Service::Placement.error_body(406, "x")["errors"][0]["status"], 406);
        assert_eq!(Service::Network.error_body(404, "x")["NeutronError"]["type"], "HTTPNotFound");
    }
}
