//! A service as the HTTP plumbing sees it: where it is mounted, its name in the journal and in
//! fault matches, its own error body and policy wording, the headers its request id goes in, and
//! whether keystonemiddleware stands in front of it. The plumbing names no service: each declares its `ServiceDef` in its own folder and
//! `services.rs` mounts them.

use serde_json::{json, Value};

#[derive(Debug)]
pub struct ServiceDef {
    /// The name used in the journal and in fault matches (`compute`, `load-balancer`, ...).
    pub name: &'static str,
    /// Where it is mounted, devstack-style (`/compute`).
    pub prefix: &'static str,
    /// An OpenStack API: its calls are journaled and API faults fire on them. fakecloud's own
    /// control API is not one.
    pub openstack: bool,
    /// Whether a token is checked before routing, as keystonemiddleware does in front of every
    /// OpenStack service but Keystone itself: an unknown path behind it is a 401 without a token.
    pub behind_auth: bool,
    /// Paths whose handler sets its own body limit (a snapshot to restore is larger than any API
    /// body).
    pub own_body_limit: &'static [&'static str],
    /// Headers that carry the request id besides `x-openstack-request-id`, which every OpenStack
    /// service sends (Nova also sends `x-compute-request-id`).
    pub request_id_headers: &'static [&'static str],
    /// Whether `/x/` is another path than `/x` for this service (Glance's routes mapper matches
    /// paths exactly); otherwise trailing slashes are trimmed before routing.
    pub trailing_slash_matters: bool,
    /// The service's own error body for a status and message.
    pub error_body: fn(u16, &str) -> Value,
    /// The message the service gives when policy refuses an action.
    pub policy_message: fn(&str) -> String,
}

/// A handle on a service's definition; two handles are the same service when their names are.
#[derive(Clone, Copy, Debug)]
pub struct Service(pub &'static ServiceDef);

impl PartialEq for Service {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}
impl Eq for Service {}
impl std::hash::Hash for Service {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.name.hash(h)
    }
}

impl Service {
    pub fn prefix(self) -> &'static str {
        self.0.prefix
    }

    pub fn name(self) -> &'static str {
        self.0.name
    }

    pub fn is_openstack(self) -> bool {
        self.0.openstack
    }

    pub fn behind_auth(self) -> bool {
        self.0.behind_auth
    }

    pub fn error_body(self, status: u16, message: &str) -> Value {
        (self.0.error_body)(status, message)
    }

    pub fn policy_message(self, action: &str) -> String {
        (self.0.policy_message)(action)
    }

    /// Whether `path` lies under this service's prefix.
    pub fn serves(self, path: &str) -> bool {
        path.strip_prefix(self.prefix()).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }
}

/// The services an application serves, as the pipeline and the fallbacks look them up.
#[derive(Clone)]
pub struct Registry(pub std::sync::Arc<Vec<Service>>);

impl Registry {
    pub fn from_path(&self, path: &str) -> Option<Service> {
        self.0.iter().copied().find(|s| s.serves(path))
    }
}

/// The status's reason phrase, which most services use as an error title.
pub fn title(status: u16) -> &'static str {
    axum::http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error")
}

/// keystonemiddleware's error body: Keystone's format, which it uses for every service's 401.
pub fn keystone_error_body(status: u16, message: &str) -> Value {
    json!({"error": {"code": status, "title": title(status), "message": message}})
}

/// fakecloud's own error body (the control API, and a path no service is mounted at).
pub fn fakecloud_error_body(status: u16, message: &str) -> Value {
    json!({"error": {"status": status, "message": message}})
}

/// keystonemiddleware, in front of every OpenStack service: a missing or invalid token is its 401,
/// in Keystone's format whatever the service.
pub const KEYSTONEMIDDLEWARE: Service = Service(&ServiceDef {
    name: "keystonemiddleware",
    prefix: "",
    openstack: false,
    behind_auth: false,
    own_body_limit: &[],
    request_id_headers: &[],
    trailing_slash_matters: false,
    error_body: keystone_error_body,
    policy_message: |action| format!("{action} is not allowed"),
});

/// Where a request to no mounted service is answered from: fakecloud itself.
pub const UNMOUNTED: Service = Service(&ServiceDef {
    name: "fakecloud",
    prefix: "",
    openstack: false,
    behind_auth: false,
    own_body_limit: &[],
    request_id_headers: &[],
    trailing_slash_matters: false,
    error_body: fakecloud_error_body,
    policy_message: |action| format!("{action} is not allowed"),
});

#[cfg(test)]
mod tests {
    use super::*;

    const A: Service = Service(&ServiceDef {
        name: "a",
        prefix: "/a",
        openstack: true,
        behind_auth: true,
        own_body_limit: &[],
        request_id_headers: &[],
        trailing_slash_matters: false,
        error_body: keystone_error_body,
        policy_message: |a| a.to_string(),
    });

    #[test]
    fn a_service_serves_its_prefix_and_below_only() {
        assert!(A.serves("/a") && A.serves("/a/v1/x"));
        assert!(!A.serves("/ab") && !A.serves("/b/a"));
        let registry = Registry(std::sync::Arc::new(vec![A]));
        assert_eq!(registry.from_path("/a/x"), Some(A));
        assert_eq!(registry.from_path("/c"), None);
    }

    #[test]
    fn keystones_error_body_carries_the_reason_phrase() {
        assert_eq!(keystone_error_body(404, "x")["error"]["title"], "Not Found");
        assert_eq!(fakecloud_error_body(409, "x")["error"]["status"], 409);
    }
}
