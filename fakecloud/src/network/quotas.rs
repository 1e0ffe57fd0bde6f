//! Neutron's quotas: per-project limits (the `[quotas]` defaults unless an admin set others), usage
//! counted from what the project owns, and `OverQuota` when a create through the API would go over.
//! Ports Neutron makes itself (DHCP, router interfaces) are not checked, as in Neutron, where only the
//! API's quota hook enforces.

use super::error::{NResult, NeutronError};
use super::model::Network;
use serde_json::{json, Map, Value};

/// Neutron's default `[quotas]` (`-1` is unlimited).
pub const DEFAULTS: [(&str, i64); 9] = [
    ("network", 100),
    ("subnet", 100),
    ("subnetpool", -1),
    ("port", 500),
    ("router", 10),
    ("floatingip", 50),
    ("security_group", 10),
    ("security_group_rule", 100),
    ("rbac_policy", 10),
];

impl Network {
    pub fn quota_limit(&self, project_id: &str, resource: &str) -> i64 {
        self.quotas
            .get(project_id)
            .and_then(|q| q.get(resource))
            .copied()
            .or_else(|| DEFAULTS.iter().find(|(r, _)| *r == resource).map(|(_, l)| *l))
            .unwrap_or(-1)
    }

    pub fn quota_usage(&self, project_id: &str, resource: &str) -> i64 {
        let p = project_id;
        (match resource {
            "network" => self.networks.values().filter(|x| x.project_id == p).count(),
            "subnet" => self.subnets.values().filter(|x| x.project_id == p).count(),
            "port" => self.ports.values().filter(|x| x.project_id == p).count(),
            "router" => self.routers.values().filter(|x| x.project_id == p).count(),
            "floatingip" => self.floating_ips.values().filter(|x| x.project_id == p).count(),
            "security_group" => self.security_groups.values().filter(|x| x.project_id == p).count(),
            "security_group_rule" => self.security_group_rules.values().filter(|x| x.project_id == p).count(),
            _ => 0,
        }) as i64
    }

    /// The quota hook: one more `resource` for the project must stay within its limit.
    pub fn check_quota(&self, project_id: &str, resource: &str) -> NResult<()> {
        let limit = self.quota_limit(project_id, resource);
        if limit >= 0 && self.quota_usage(project_id, resource) + 1 > limit {
            return Err(NeutronError::conflict("OverQuota", format!("Quota exceeded for resources: ['{resource}'].")));
        }
        Ok(())
    }

    /// `{"network": 100, ...}` for a project.
    pub fn quota_view(&self, project_id: &str) -> Value {
        let mut out = Map::new();
        for (r, _) in DEFAULTS {
            out.insert(r.to_string(), json!(self.quota_limit(project_id, r)));
        }
        Value::Object(out)
    }

    pub fn quota_details(&self, project_id: &str) -> Value {
        let mut out = Map::new();
        for (r, _) in DEFAULTS {
            out.insert(
                r.to_string(),
                json!({"limit": self.quota_limit(project_id, r), "used": self.quota_usage(project_id, r), "reserved": 0}),
            );
        }
        Value::Object(out)
    }

    pub fn quota_defaults() -> Value {
        Value::Object(DEFAULTS.iter().map(|(r, l)| (r.to_string(), json!(l))).collect())
    }

    /// An admin's `quota set`: limits of -1 or more for known resources.
    pub fn set_quotas(&mut self, project_id: &str, body: &Map<String, Value>) -> NResult<()> {
        let mut unknown: Vec<&str> =
            body.keys().filter(|k| !DEFAULTS.iter().any(|(r, _)| r == k) && *k != "check_limit").map(String::as_str).collect();
        if !unknown.is_empty() {
            unknown.sort();
            return Err(NeutronError::bad_request(format!("Unrecognized attribute(s) '{}'", unknown.join(", "))));
        }
        let check = match body.get("check_limit") {
            Some(v) => super::request::to_bool(v)?,
            None => false,
        };
        let mut new = vec![];
        for (k, v) in body.iter().filter(|(k, _)| *k != "check_limit") {
            let n = super::request::to_int(v)?;
            if n < -1 {
                return Err(NeutronError::invalid_attr(k, format!("'{n}' is too small - must be at least '-1'")));
            }
            if n > i32::MAX as i64 {
                return Err(NeutronError::invalid_attr(k, format!("'{n}' is too large - must be no larger than '{}'", i32::MAX)));
            }
            if check && n >= 0 && self.quota_usage(project_id, k) > n {
                return Err(NeutronError::bad_request(format!(
                    "Quota limit {n} for {k} must be greater than or equal to already used and reserved {}.",
                    self.quota_usage(project_id, k)
                )));
            }
            new.push((k.clone(), n));
        }
        let q = self.quotas.entry(project_id.to_string()).or_default();
        for (k, n) in new {
            q.insert(k, n);
        }
        Ok(())
    }

    pub fn reset_quotas(&mut self, project_id: &str) {
        self.quotas.remove(project_id);
    }
}
