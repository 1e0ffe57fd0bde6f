//! The overcloud's fault kinds: containers, controllers and the clustered services under them
//! (Galera, RabbitMQ, HAProxy, Ceph, Pacemaker). They change the overcloud when they are added and
//! removed (`flows/overcloud_containers.rs`, `flows/overcloud_faults.rs`); a container fault also
//! ends when the container restarts.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FaultAction {
    /// TripleO: a container's process hangs; its health check fails (`(unhealthy)`) until the
    /// container restarts, and the API service it runs stops reporting.
    ContainerUnhealthy { node: String, container: String },
    /// TripleO: a container exits (default code 137) and stays exited until started.
    ContainerExited {
        node: String,
        container: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        exit_code: Option<i32>,
    },
    /// TripleO: a container crash-loops (`Restarting (1) ...`) until the fault is removed.
    ContainerRestarting { node: String, container: String },
    /// TripleO: a controller goes offline (VIPs move, replicas stop, masters are promoted
    /// elsewhere, Galera and RabbitMQ shrink, HAProxy checks on it fail).
    ControllerOffline { node: String },
    /// Galera: the node's wsrep_local_state_comment leaves Synced (default Donor/Desynced).
    GaleraDesync {
        node: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<String>,
    },
    /// Galera: the node loses the primary component (wsrep_cluster_status non-Primary).
    GaleraNonPrimary { node: String },
    /// RabbitMQ: the node is partitioned from the others.
    RabbitmqPartition { node: String },
    /// RabbitMQ: a resource alarm (`memory` or `disk`) on the node.
    RabbitmqAlarm { node: String, alarm: String },
    /// HAProxy: the health checks of the node's backends fail (in the listens matching the glob
    /// `listen`, default all).
    HaproxyBackendFailing {
        node: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        listen: Option<String>,
    },
    /// Ceph: `osds` OSDs go down (not `count`, which is every fault's budget).
    CephOsdDown { osds: u32 },
    /// Pacemaker: an operation (default monitor) of a resource fails on a node: the replica
    /// stops and a Failed Action is listed until `pcs resource cleanup`.
    PacemakerActionFailure {
        resource: String,
        node: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        action: Option<String>,
    },
}

impl FaultAction {
    /// The node and container of a container fault; `None` for the others.
    pub fn container(&self) -> Option<(&str, &str)> {
        match self {
            FaultAction::ContainerUnhealthy { node, container }
            | FaultAction::ContainerExited { node, container, .. }
            | FaultAction::ContainerRestarting { node, container } => Some((node, container)),
            _ => None,
        }
    }
}

/// The kinds above as a client names them, with a one-line description.
pub const KINDS: &[(&str, &str)] = &[
    ("container-unhealthy", "TripleO: a container's health check fails until it restarts; its API service goes down"),
    ("container-exited", "TripleO: a container exits (exit_code, default 137) and stays exited until started"),
    ("container-restarting", "TripleO: a container crash-loops until the fault is removed"),
    ("controller-offline", "TripleO: a controller goes offline (VIPs move, replicas stop, masters promoted elsewhere)"),
    ("galera-desync", "Galera: a node leaves Synced (state, default Donor/Desynced)"),
    ("galera-non-primary", "Galera: a node loses the primary component"),
    ("rabbitmq-partition", "RabbitMQ: a node is partitioned from the others"),
    ("rabbitmq-alarm", "RabbitMQ: a memory or disk alarm on a node"),
    ("haproxy-backend-failing", "HAProxy: a node's backends fail their checks (listen glob, default all)"),
    ("ceph-osd-down", "Ceph: `osds` OSDs go down"),
    ("pacemaker-action-failure", "Pacemaker: a resource operation fails on a node (Failed Actions until cleanup)"),
];
