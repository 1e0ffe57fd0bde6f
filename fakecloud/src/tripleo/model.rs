//! The simulated TripleO overcloud behind the APIs: its nodes, the containers on each, the
//! Pacemaker cluster and the clustered services (Galera, RabbitMQ, Redis, HAProxy, Ceph), and each
//! node's filesystem (puppet-generated config, paunch startup configs, container logs).
//!
//! Plain data. What changes it over time (restarts, health checks, a controller going offline)
//! lives in `containers.rs` and `cluster.rs`; what the shell prints lives in `shell/`.

use crate::sim::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Overcloud {
    /// `docker` (the seed's era, the default) or `podman`.
    pub container_cli: String,
    /// `1.1` (the seed's `pcs status` wording) or `2` (Pacemaker 2.x wording).
    pub pacemaker: String,
    /// By name, controllers first.
    pub nodes: BTreeMap<String, Node>,
    pub cluster: Pacemaker,
    pub galera: BTreeMap<String, GaleraNode>,
    pub rabbit: Rabbit,
    pub haproxy: Vec<Listen>,
    pub ceph: Ceph,
    /// Every node's files: (node, absolute path) -> content.
    pub files: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Controller,
    Compute,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Node {
    pub name: String,
    pub role: Role,
    /// Index among the nodes of its role (controller-0 is 0).
    pub index: usize,
    /// The node's internal API address.
    pub internal_ip: String,
    /// Powered and on the network; an offline controller answers nothing.
    pub online: bool,
    pub containers: BTreeMap<String, Container>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunState {
    Running,
    Exited,
    Restarting,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    Starting,
    Healthy,
    Unhealthy,
}

impl Health {
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Starting => "starting",
            Health::Healthy => "healthy",
            Health::Unhealthy => "unhealthy",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mount {
    pub source: String,
    pub destination: String,
    /// `ro`, `rw`, `z`, ... as given to `-v`.
    pub mode: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Container {
    /// 64 hex characters; `docker ps` shows the first 12.
    pub id: String,
    pub name: String,
    pub image: String,
    pub image_id: String,
    /// The entrypoint and arguments.
    pub command: Vec<String>,
    pub env: Vec<String>,
    pub mounts: Vec<Mount>,
    pub labels: BTreeMap<String, String>,
    pub state: RunState,
    pub exit_code: i32,
    /// Whether it has a health check; `health` is meaningful only then.
    pub healthcheck: Option<String>,
    pub health: Health,
    /// Consecutive failed health checks.
    pub failing_streak: u32,
    pub created_at: SimTime,
    pub started_at: SimTime,
    pub finished_at: Option<SimTime>,
    pub restart_count: u32,
    /// The paunch step whose startup config holds it (None for Pacemaker bundle replicas).
    pub paunch_step: Option<u8>,
    /// The service it runs, for its log directory under /var/log/containers/ (`nova`, `rabbitmq`).
    pub service: String,
    /// The API service it is (`nova-scheduler`, `cinder-scheduler`...), if one reports through the
    /// APIs.
    pub api_binary: Option<String>,
    /// Host config files it reads, as they were when it last started: (host path, content). Kolla's
    /// COPY_ALWAYS copies them in at start, so an edit on the host shows only after a restart.
    pub applied: BTreeMap<String, String>,
    /// Where each host config file appears inside the container.
    pub config_paths: BTreeMap<String, String>,
    /// A hang injected by a fault: the health check fails until the container restarts.
    pub hung: bool,
    /// Extra log lines since start.
    pub log: Vec<(SimTime, String)>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Pacemaker {
    pub name: String,
    pub last_change: Option<SimTime>,
    pub last_change_node: String,
    pub resources: Vec<Resource>,
    pub failed_actions: Vec<FailedAction>,
    /// The `call=` counter of the CRM.
    pub next_call: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    /// A bundle whose replicas are all equal (rabbitmq, haproxy).
    Bundle,
    /// A bundle with promotable replicas (galera all Master; redis and ovn-dbs one Master).
    MultiState,
    /// A bundle with one replica (the active/passive cinder-volume).
    ActivePassive,
    /// An IPaddr2 VIP.
    Vip,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Resource {
    /// `galera-bundle`, `ip-172.17.1.5`, `openstack-cinder-volume`.
    pub name: String,
    pub kind: ResourceKind,
    /// The OCF agent, e.g. `ocf::heartbeat:galera`.
    pub agent: String,
    pub image: String,
    /// The container name prefix of each replica (`galera-bundle-docker`).
    pub container_prefix: String,
    pub replicas: Vec<Replica>,
    /// For a VIP: its address and the network it belongs to.
    pub vip: Option<String>,
    /// The bundle's storage mappings, as `pcs resource show` prints them.
    pub storage: Vec<(String, String, String, String)>,
    pub run_command: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Replica {
    /// `galera-bundle-0`; for a VIP, the resource name.
    pub name: String,
    pub node: Option<String>,
    /// Started, Master, Slave, Stopped, FAILED.
    pub role: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FailedAction {
    /// `rabbitmq_monitor_10000`
    pub operation: String,
    /// Where it ran: the replica (`rabbitmq-bundle-1`) or node.
    pub on: String,
    pub node: String,
    pub resource: String,
    pub rc: i32,
    pub rc_text: String,
    pub call: u32,
    pub exitreason: String,
    pub at: SimTime,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GaleraNode {
    /// wsrep_local_state_comment: Synced, Donor/Desynced, Joining, Joined, Initialized.
    pub state_comment: String,
    /// wsrep_cluster_status: Primary, non-Primary, Disconnected.
    pub cluster_status: String,
    /// wsrep_evs_state: OPERATIONAL, GATHER, ...
    pub evs_state: String,
    pub running: bool,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Rabbit {
    pub cluster_name: String,
    /// Node -> the nodes it cannot see (a partition as each node reports it).
    pub partitions: BTreeMap<String, Vec<String>>,
    /// Node -> its resource alarms (`memory`, `disk`).
    pub alarms: BTreeMap<String, Vec<String>>,
    /// Nodes whose rabbit app is stopped (beyond the offline controllers).
    pub stopped: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Listen {
    pub name: String,
    /// `ip:port` plus options, as on the `bind` line.
    pub binds: Vec<String>,
    pub mode: String,
    pub servers: Vec<Backend>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Backend {
    /// `controller-0.internalapi.localdomain`
    pub name: String,
    pub node: String,
    pub address: String,
    pub port: u16,
    pub fall: u32,
    pub inter_ms: u32,
    pub rise: u32,
    /// The backend's checks fail from this moment (a fault), until `recovered_at`.
    pub failing_since: Option<SimTime>,
    pub recovered_at: Option<SimTime>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Ceph {
    pub fsid: String,
    pub osds: u32,
    pub osds_down: u32,
    pub pools: u32,
    pub pgs: u32,
    pub objects: String,
    pub data: String,
    pub used_tib: u32,
    pub total_tib: u32,
}

impl Overcloud {
    pub fn node(&self, name: &str) -> Option<&Node> {
        self.nodes.get(name)
    }

    pub fn controllers(&self) -> impl Iterator<Item = &Node> {
        self.nodes.values().filter(|n| n.role == Role::Controller)
    }

    pub fn online_controllers(&self) -> impl Iterator<Item = &Node> {
        self.controllers().filter(|n| n.online)
    }

    pub fn file(&self, node: &str, path: &str) -> Option<&String> {
        self.files.get(node).and_then(|f| f.get(path))
    }

    /// The container on `node` by name or id prefix (at least 1 character of the id, as docker).
    pub fn container(&self, node: &str, ident: &str) -> Option<&Container> {
        let n = self.nodes.get(node)?;
        n.containers.get(ident).or_else(|| n.containers.values().find(|c| !ident.is_empty() && c.id.starts_with(ident)))
    }

    pub fn container_mut(&mut self, node: &str, ident: &str) -> Option<&mut Container> {
        let n = self.nodes.get_mut(node)?;
        let name = if n.containers.contains_key(ident) {
            ident.to_string()
        } else {
            n.containers.values().find(|c| !ident.is_empty() && c.id.starts_with(ident))?.name.clone()
        };
        n.containers.get_mut(&name)
    }

    pub fn is_enabled(&self) -> bool {
        !self.nodes.is_empty()
    }
}
