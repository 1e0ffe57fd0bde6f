//! Magnum's records: cluster templates, clusters and their node groups, as the Magnum database holds
//! them. What Cluster API does with a cluster lives in `capi.rs`; the conductor that moves a
//! cluster's status and health lives in `conductor.rs`.

use crate::sim::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const CREATE_IN_PROGRESS: &str = "CREATE_IN_PROGRESS";
pub const CREATE_COMPLETE: &str = "CREATE_COMPLETE";
pub const CREATE_FAILED: &str = "CREATE_FAILED";
pub const UPDATE_IN_PROGRESS: &str = "UPDATE_IN_PROGRESS";
pub const UPDATE_COMPLETE: &str = "UPDATE_COMPLETE";
pub const UPDATE_FAILED: &str = "UPDATE_FAILED";
pub const DELETE_IN_PROGRESS: &str = "DELETE_IN_PROGRESS";
pub const DELETE_FAILED: &str = "DELETE_FAILED";

pub const HEALTHY: &str = "HEALTHY";
pub const UNHEALTHY: &str = "UNHEALTHY";

/// The capi-helm driver's name for a component with nothing to report.
pub const READY: &str = "Ready";

pub const ROLE_MASTER: &str = "master";
pub const ROLE_WORKER: &str = "worker";
pub const DEFAULT_MASTER: &str = "default-master";
pub const DEFAULT_WORKER: &str = "default-worker";

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Magnum {
    pub templates: BTreeMap<String, ClusterTemplate>,
    pub clusters: BTreeMap<String, Cluster>,
    pub nodegroups: BTreeMap<String, NodeGroup>,
    /// The management plane and the Cluster API objects on it.
    pub capi: super::capi::Capi,
    /// Whether the conductor's periodic tasks are scheduled.
    pub conductor_running: bool,
    next_seq: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClusterTemplate {
    pub uuid: String,
    /// Creation order (Magnum lists by database id).
    pub seq: u64,
    pub name: String,
    pub project_id: String,
    pub user_id: String,
    pub coe: String,
    pub image_id: String,
    pub flavor_id: Option<String>,
    pub master_flavor_id: Option<String>,
    pub external_network_id: Option<String>,
    pub fixed_network: Option<String>,
    pub fixed_subnet: Option<String>,
    pub keypair_id: Option<String>,
    pub network_driver: Option<String>,
    pub volume_driver: Option<String>,
    pub dns_nameserver: Option<String>,
    pub docker_volume_size: Option<u64>,
    pub labels: BTreeMap<String, String>,
    pub public: bool,
    pub hidden: bool,
    pub master_lb_enabled: bool,
    pub floating_ip_enabled: bool,
    pub tls_disabled: bool,
    pub registry_enabled: bool,
    pub server_type: String,
    pub cluster_distro: Option<String>,
    pub tags: Option<String>,
    pub created_at: SimTime,
    pub updated_at: Option<SimTime>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Cluster {
    pub uuid: String,
    pub seq: u64,
    pub name: String,
    pub project_id: String,
    pub user_id: String,
    pub cluster_template_id: String,
    pub keypair: Option<String>,
    pub status: String,
    pub status_reason: Option<String>,
    pub health_status: Option<String>,
    /// In the capi-helm driver's order: cluster, infrastructure, controlplane, nodegroup.
    pub health_status_reason: Vec<(String, String)>,
    pub master_count: u64,
    pub node_count: u64,
    pub labels: BTreeMap<String, String>,
    pub flavor_id: Option<String>,
    pub master_flavor_id: Option<String>,
    pub docker_volume_size: Option<u64>,
    pub create_timeout: u64,
    /// The Helm release (and CAPI cluster) name.
    pub stack_id: String,
    pub capi_namespace: String,
    pub api_address: Option<String>,
    pub coe_version: Option<String>,
    pub fixed_network: Option<String>,
    pub fixed_subnet: Option<String>,
    pub floating_ip_enabled: bool,
    pub master_lb_enabled: bool,
    pub created_at: SimTime,
    pub updated_at: Option<SimTime>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NodeGroup {
    pub uuid: String,
    pub seq: u64,
    pub name: String,
    pub cluster_id: String,
    pub project_id: String,
    pub role: String,
    pub flavor_id: Option<String>,
    pub image_id: String,
    pub node_count: u64,
    pub min_node_count: u64,
    pub max_node_count: Option<u64>,
    pub is_default: bool,
    pub status: String,
    pub status_reason: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub docker_volume_size: Option<u64>,
    pub stack_id: String,
    pub version: Option<String>,
    pub created_at: SimTime,
    pub updated_at: Option<SimTime>,
}

impl ClusterTemplate {
    /// A template with Magnum's defaults for everything but its identity and image.
    pub fn new(uuid: String, seq: u64, name: String, project_id: String, user_id: String, image_id: String, at: SimTime) -> Self {
        ClusterTemplate {
            uuid,
            seq,
            name,
            project_id,
            user_id,
            coe: "kubernetes".into(),
            image_id,
            flavor_id: None,
            master_flavor_id: None,
            external_network_id: None,
            fixed_network: None,
            fixed_subnet: None,
            keypair_id: None,
            network_driver: Some("calico".into()),
            volume_driver: None,
            dns_nameserver: Some("8.8.8.8".into()),
            docker_volume_size: None,
            labels: BTreeMap::new(),
            public: false,
            hidden: false,
            master_lb_enabled: true,
            floating_ip_enabled: true,
            tls_disabled: false,
            registry_enabled: false,
            server_type: "vm".into(),
            cluster_distro: Some("ubuntu".into()),
            tags: None,
            created_at: at,
            updated_at: None,
        }
    }
}

/// Why a lookup by name or uuid failed.
#[derive(Debug, PartialEq)]
pub enum Lookup {
    NotFound,
    /// Several visible objects share the name.
    Ambiguous,
}

impl Magnum {
    pub fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// A cluster by uuid or name among those `visible` accepts (Magnum resolves either).
    pub fn find_cluster(&self, ident: &str, visible: impl Fn(&str) -> bool) -> Result<&Cluster, Lookup> {
        find(self.clusters.values(), ident, |c| (&c.uuid, &c.name, &c.project_id), visible)
    }

    pub fn find_template(&self, ident: &str, visible: impl Fn(&ClusterTemplate) -> bool) -> Result<&ClusterTemplate, Lookup> {
        let matches: Vec<&ClusterTemplate> =
            self.templates.values().filter(|t| (t.uuid == ident || t.name == ident) && visible(t)).collect();
        pick(matches, ident, |t| &t.uuid)
    }

    /// The cluster's node groups in creation order.
    pub fn nodegroups_of(&self, cluster_id: &str) -> std::vec::IntoIter<&NodeGroup> {
        let mut v: Vec<&NodeGroup> = self.nodegroups.values().filter(|n| n.cluster_id == cluster_id).collect();
        v.sort_by_key(|n| n.seq);
        v.into_iter()
    }

    pub fn find_nodegroup(&self, cluster_id: &str, ident: &str) -> Result<&NodeGroup, Lookup> {
        let matches: Vec<&NodeGroup> = self.nodegroups_of(cluster_id).filter(|n| n.uuid == ident || n.name == ident).collect();
        pick(matches, ident, |n| &n.uuid)
    }

    /// Sets a cluster's status and its node groups' status together, as the conductor saves them.
    pub fn set_status(&mut self, cluster_id: &str, status: &str, reason: Option<String>, at: SimTime) {
        if let Some(c) = self.clusters.get_mut(cluster_id) {
            c.status = status.into();
            c.status_reason = reason;
            c.updated_at = Some(at);
        }
    }

    pub fn remove_cluster(&mut self, cluster_id: &str) {
        self.clusters.remove(cluster_id);
        self.nodegroups.retain(|_, n| n.cluster_id != cluster_id);
    }
}

fn find<'a, T>(
    items: impl Iterator<Item = &'a T>,
    ident: &str,
    keys: impl Fn(&T) -> (&String, &String, &String),
    visible: impl Fn(&str) -> bool,
) -> Result<&'a T, Lookup>
where
    T: 'a,
{
    let matches: Vec<&T> = items
        .filter(|i| {
            let (uuid, name, project) = keys(i);
            (uuid == ident || name == ident) && visible(project)
        })
        .collect();
    pick(matches, ident, |i| keys(i).0)
}

/// An exact uuid wins; otherwise one name match, or a conflict when the name is shared.
fn pick<'a, T>(matches: Vec<&'a T>, ident: &str, uuid: impl Fn(&T) -> &String) -> Result<&'a T, Lookup> {
    if let Some(exact) = matches.iter().find(|m| uuid(m) == ident) {
        return Ok(exact);
    }
    match matches.len() {
        0 => Err(Lookup::NotFound),
        1 => Ok(matches[0]),
        _ => Err(Lookup::Ambiguous),
    }
}

/// A cluster or node group name as Magnum accepts it: a letter first, then letters, digits, `_`,
/// `.` and `-`, at most 242 characters.
pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        && name.len() <= 242
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_magnums_pattern() {
        assert!(valid_name("kube"));
        assert!(valid_name("k8s-1.28_a"));
        assert!(!valid_name("1kube"));
        assert!(!valid_name(""));
        assert!(!valid_name("kube cluster"));
        assert!(!valid_name(&"a".repeat(243)));
    }
}
