//! Nova's quotas: the defaults (`[quota]` options), the `default` quota class that overrides them,
//! per-project and per-user limits, and usage counted from what exists. Which resources a reply
//! names depends on the microversion: 2.36 dropped the network proxies' quotas, 2.57 the injected
//! files'.

use crate::http::microversion::Version;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every quota resource with Nova's default limit, in Nova's order.
pub const DEFAULTS: &[(&str, i64)] = &[
    ("instances", 10),
    ("cores", 20),
    ("ram", 51200),
    ("floating_ips", 10),
    ("fixed_ips", -1),
    ("metadata_items", 128),
    ("injected_files", 5),
    ("injected_file_content_bytes", 10240),
    ("injected_file_path_bytes", 255),
    ("key_pairs", 100),
    ("security_groups", 10),
    ("security_group_rules", 20),
    ("server_groups", 10),
    ("server_group_members", 10),
];

const NETWORK: &[&str] = &["floating_ips", "fixed_ips", "security_groups", "security_group_rules"];
const INJECTED: &[&str] = &["injected_files", "injected_file_content_bytes", "injected_file_path_bytes"];
const GROUPS: &[&str] = &["server_groups", "server_group_members"];

/// The resources a quota set shows at a microversion.
pub fn resources(v: Version) -> impl Iterator<Item = &'static str> {
    DEFAULTS
        .iter()
        .map(|(r, _)| *r)
        .filter(move |r| !(v.at_least(2, 36) && NETWORK.contains(r)) && !(v.at_least(2, 57) && INJECTED.contains(r)))
}

/// The resources a quota class shows: the server group quotas only from 2.50, which also dropped the
/// network proxies' quotas.
pub fn class_resources(v: Version) -> impl Iterator<Item = &'static str> {
    DEFAULTS.iter().map(|(r, _)| *r).filter(move |r| {
        if v.at_least(2, 50) {
            !NETWORK.contains(r) && !(v.at_least(2, 57) && INJECTED.contains(r))
        } else {
            !GROUPS.contains(r)
        }
    })
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Quotas {
    /// Limits set on a quota class (`default` is the only class Nova reads).
    pub classes: BTreeMap<String, BTreeMap<String, i64>>,
    /// Limits set on a project.
    pub projects: BTreeMap<String, BTreeMap<String, i64>>,
    /// Limits set on a user within a project, keyed `project/user`.
    pub users: BTreeMap<String, BTreeMap<String, i64>>,
}

impl Quotas {
    /// The default limit of a resource: the `default` class's, else the configured one.
    pub fn default_limit(&self, resource: &str) -> i64 {
        self.classes
            .get("default")
            .and_then(|c| c.get(resource))
            .copied()
            .unwrap_or_else(|| DEFAULTS.iter().find(|(r, _)| *r == resource).map_or(-1, |(_, d)| *d))
    }

    /// A project's limit (or a user's in it), falling back to the project's and then the default.
    pub fn limit(&self, project: &str, user: Option<&str>, resource: &str) -> i64 {
        user.and_then(|u| self.users.get(&format!("{project}/{u}")))
            .and_then(|q| q.get(resource))
            .or_else(|| self.projects.get(project).and_then(|q| q.get(resource)))
            .copied()
            .unwrap_or_else(|| self.default_limit(resource))
    }
}
