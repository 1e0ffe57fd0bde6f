//! Magnum's conductor with the capi-helm driver: cluster operations become Helm releases on the
//! management cluster (here, CAPI objects), and two periodic tasks every 60 s read them back: the
//! status sync (CREATE/UPDATE/DELETE_IN_PROGRESS to their outcome) and the health poll.
//!
//! The health poll follows magnum-capi-helm's CAPIMonitor: a reason per component (cluster,
//! infrastructure, controlplane, nodegroup), each 'Ready' or a message, and UNHEALTHY if any is not
//! 'Ready'. When the management API does not answer, the poll raises and Magnum skips the cluster:
//! the health stays whatever it was.
//!
//! This file holds what a create carries and the health rule; the periodic tasks read the CAPI
//! plane and Octavia, so they run in `flows/magnum_conductor.rs`.

use super::capi::{not_true, CapiCluster};
use super::model::*;
use std::collections::BTreeMap;

/// `[kubernetes] health_polling_interval` and `periodic_interval_max`.
pub const PERIODIC_SECS: i64 = 60;

/// A cluster create as the API hands it to the conductor (already validated).
pub struct NewCluster {
    pub name: String,
    pub project_id: String,
    pub user_id: String,
    pub template: ClusterTemplate,
    pub keypair: Option<String>,
    pub master_count: u64,
    pub node_count: u64,
    pub labels: BTreeMap<String, String>,
    pub flavor_id: Option<String>,
    pub master_flavor_id: Option<String>,
    pub docker_volume_size: Option<u64>,
    pub create_timeout: u64,
    pub fixed_network: Option<String>,
    pub fixed_subnet: Option<String>,
    pub floating_ip_enabled: bool,
    pub master_lb_enabled: bool,
}

/// The capi-helm driver's reason dict from what the management cluster holds.
pub fn health_reason(cc: Option<&CapiCluster>, workers: &[String], contract_miss: bool) -> Vec<(String, String)> {
    let waiting = |conds: &[super::capi::Condition]| {
        let pending = not_true(conds);
        if pending.is_empty() {
            READY.to_string()
        } else {
            format!("Waiting on [{}]", pending.iter().map(|p| format!("'{p}'")).collect::<Vec<_>>().join(", "))
        }
    };
    let cluster = cc.map_or("Cluster resource not found.".to_string(), |c| waiting(&c.conditions));
    let infrastructure = match cc {
        // The driver asks for the OpenStackCluster at an API version or name CAPO does not serve.
        _ if contract_miss => "Infrastructure resource not found.".to_string(),
        None => "Infrastructure resource not found.".to_string(),
        Some(c) => match (&c.infrastructure.failure_reason, c.infrastructure.ready) {
            (Some(r), _) => format!("{r}: {}", c.infrastructure.failure_message.clone().unwrap_or_default()),
            (None, false) => "Infrastructure not ready.".to_string(),
            (None, true) => READY.to_string(),
        },
    };
    let controlplane = cc.map_or("Control plane resource not found.".to_string(), |c| waiting(&c.control_plane.conditions));
    let mut ng_reasons = vec![];
    for ng in workers {
        match cc.and_then(|c| c.workers.iter().find(|d| &d.nodegroup == ng)) {
            None => ng_reasons.push(format!("{ng} resource not found.")),
            Some(d) => {
                let pending = not_true(&d.conditions);
                if !pending.is_empty() {
                    let list = pending.iter().map(|p| format!("'{p}'")).collect::<Vec<_>>().join(", ");
                    ng_reasons.push(format!("{ng} waiting on [{list}]"));
                }
            }
        }
    }
    let nodegroup = if ng_reasons.is_empty() { READY.to_string() } else { ng_reasons.join(",") };
    vec![
        ("cluster".into(), cluster),
        ("infrastructure".into(), infrastructure),
        ("controlplane".into(), controlplane),
        ("nodegroup".into(), nodegroup),
    ]
}
