//! The Cluster API management plane that Magnum's capi-helm driver talks to, on the virtual clock.
//!
//! The management Kubernetes runs on one Nova server. Counted from the moment Nova has it running:
//! nothing answers until sshd is up (`sshd_secs`); then the API answers but is noisy (timeouts,
//! high load) until it has converged (`converge_secs`, 20 min on 2 vCPUs, scaled by the flavor's
//! vCPUs). The CAPI and CAPO controllers start reconciling when the API first answers: they requeue
//! work in progress every 30 s and resync everything every 10 min (controller-runtime's sync
//! period). Magnum's poll only gets answers once the API has converged.
//!
//! Per workload cluster the controllers keep the objects `kubectl get
//! cluster,openstackcluster,kubeadmcontrolplane,machinedeployments,machines` shows, each with
//! conditions. InfrastructureReady follows the kube-api load balancer CAPO names
//! `k8s-clusterapi-cluster-<namespace>-<name>-kubeapi`. Machines are Nova servers.
//!
//! This file holds the plane's objects and the rules on them; the reconcile loop reads Nova and
//! Octavia, so it runs in `flows/capi_plane.rs`.

use crate::sim::SimTime;
use chrono::Duration;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// controller-runtime's default sync period: every object is reconciled at least this often.
pub const RESYNC_SECS: i64 = 600;
/// How soon a controller looks again at an object whose change is in progress.
pub const REQUEUE_SECS: i64 = 30;
/// CAPO's network, subnet and security groups for a new cluster.
pub const INFRA_SECS: i64 = 60;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Capi {
    /// The management VM; `None` when the cloud has no management plane.
    pub server_id: Option<String>,
    pub sshd_secs: i64,
    pub converge_secs: i64,
    /// When Nova last had the VM running; `None` while it is not.
    pub running_since: Option<SimTime>,
    /// Moves on every park and start, so a reconcile scheduled for an earlier boot is dropped.
    pub epoch: u64,
    pub next_resync: Option<SimTime>,
    /// By Magnum cluster uuid.
    pub clusters: BTreeMap<String, CapiCluster>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// No management plane in this cloud.
    Absent,
    /// The VM is not running.
    Parked,
    /// Running, nothing answering yet (not even sshd).
    Booting,
    /// sshd and the Kubernetes API answer; the API times out under load.
    Converging,
    Ready,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Absent => "absent",
            Phase::Parked => "parked",
            Phase::Booting => "booting",
            Phase::Converging => "converging",
            Phase::Ready => "ready",
        }
    }
}

impl Capi {
    pub fn phase(&self, now: SimTime) -> Phase {
        if self.server_id.is_none() {
            return Phase::Absent;
        }
        match self.running_since {
            None => Phase::Parked,
            Some(t) if now < t + Duration::seconds(self.sshd_secs) => Phase::Booting,
            Some(t) if now < t + Duration::seconds(self.converge_secs) => Phase::Converging,
            Some(_) => Phase::Ready,
        }
    }

    /// What a client of the management API (Magnum, helm, kubectl) gets instead of an answer, if
    /// it gets none.
    pub fn unreachable(&self, now: SimTime, endpoint: &str) -> Option<String> {
        match self.phase(now) {
            Phase::Ready => None,
            Phase::Converging => Some(format!("Get \"https://{endpoint}:6443/version\": net/http: TLS handshake timeout")),
            Phase::Absent => Some("no Cluster API management cluster is configured".into()),
            _ => Some(format!("Get \"https://{endpoint}:6443/version\": dial tcp {endpoint}:6443: connect: no route to host")),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(rename = "lastTransitionTime")]
    pub last_transition_time: SimTime,
}

/// Sets a condition, moving its transition time only when its status changes. `Err` carries the
/// reason and message of a False condition.
pub(crate) fn set_condition(conds: &mut Vec<Condition>, kind: &str, state: Result<(), (&str, String)>, at: SimTime) {
    let (status, reason, message) = match state {
        Ok(()) => ("True", None, None),
        Err((r, m)) => ("False", Some(r.to_string()), Some(m)),
    };
    match conds.iter_mut().find(|c| c.kind == kind) {
        Some(c) => {
            if c.status != status {
                c.last_transition_time = at;
            }
            c.status = status.into();
            c.reason = reason;
            c.message = message;
        }
        None => conds.push(Condition { kind: kind.into(), status: status.into(), reason, message, last_transition_time: at }),
    }
    // CAPI's order: Ready first, then by type.
    conds.sort_by(|a, b| (a.kind != "Ready", &a.kind).cmp(&(b.kind != "Ready", &b.kind)));
}

/// The types of a set's conditions that are not True, in order.
pub fn not_true(conds: &[Condition]) -> Vec<&str> {
    conds.iter().filter(|c| c.status != "True").map(|c| c.kind.as_str()).collect()
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Machine {
    pub name: String,
    pub server_id: Option<String>,
    /// Pending, Provisioning, Running, Failed.
    pub phase: String,
    pub ready: bool,
}

/// A KubeadmControlPlane or a MachineDeployment (one per worker node group).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Deployment {
    pub name: String,
    pub nodegroup: String,
    pub replicas: u64,
    pub flavor_id: String,
    pub image_id: String,
    pub machines: Vec<Machine>,
    pub conditions: Vec<Condition>,
    /// MachineDeployment phase: ScalingUp, ScalingDown, Running.
    pub phase: String,
}

impl Deployment {
    pub fn ready_replicas(&self) -> u64 {
        self.machines.iter().filter(|m| m.ready).count() as u64
    }

    fn settled(&self) -> bool {
        self.machines.len() as u64 == self.replicas && self.ready_replicas() == self.replicas
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OpenStackCluster {
    pub ready: bool,
    pub failure_reason: Option<String>,
    pub failure_message: Option<String>,
    pub network_id: Option<String>,
    pub subnet_id: Option<String>,
    pub conditions: Vec<Condition>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CapiCluster {
    pub namespace: String,
    pub name: String,
    pub project_id: String,
    pub user_id: String,
    pub created_at: SimTime,
    pub deleting: bool,
    /// Whether CAPO puts the API behind a load balancer (the template's master_lb_enabled).
    pub api_lb: bool,
    /// The Cluster's conditions.
    pub conditions: Vec<Condition>,
    pub infrastructure: OpenStackCluster,
    pub control_plane: Deployment,
    pub workers: Vec<Deployment>,
}

impl CapiCluster {
    /// The kube-api load balancer's name, as CAPO makes it.
    pub fn lb_name(&self) -> String {
        format!("k8s-clusterapi-cluster-{}-{}-kubeapi", self.namespace, self.name)
    }

    /// Whether a controller still has work to do on it (so it is requeued rather than left for the
    /// resync). A failure is not in progress: it waits for the resync.
    pub(crate) fn in_progress(&self) -> bool {
        self.deleting
            || (!self.infrastructure.ready && self.infrastructure.failure_reason.is_none())
            || !self.control_plane.settled()
            || self.workers.iter().any(|d| !d.settled())
    }

    pub fn deployments(&self) -> impl Iterator<Item = &Deployment> {
        std::iter::once(&self.control_plane).chain(self.workers.iter())
    }
}

/// Conditions from the objects below: the control plane's and each deployment's, then the
/// Cluster's aggregation (v1beta2 `Available`).
pub(crate) fn update_conditions(cc: &mut CapiCluster, at: SimTime) {
    let cp = &mut cc.control_plane;
    let (ready, want) = (cp.ready_replicas(), cp.replicas);
    let quorum = ready * 2 > want;
    let machines = if ready == want && cp.machines.len() as u64 == want {
        Ok(())
    } else {
        Err(("MachinesNotReady", format!("{ready} of {want} control plane machines are ready")))
    };
    let healthy = if quorum { Ok(()) } else { Err(("EtcdClusterUnhealthy", format!("{ready} of {want} etcd members are healthy"))) };
    set_condition(&mut cp.conditions, "MachinesReady", machines.clone(), at);
    set_condition(&mut cp.conditions, "Ready", machines.clone(), at);
    set_condition(&mut cp.conditions, "EtcdClusterHealthy", healthy.clone(), at);
    set_condition(&mut cp.conditions, "ControlPlaneComponentsHealthy", healthy.clone(), at);
    set_condition(&mut cp.conditions, "Available", healthy.clone(), at);
    for d in cc.workers.iter_mut() {
        let (r, w) = (d.ready_replicas(), d.replicas);
        let state = if r == w { Ok(()) } else { Err(("WaitingForAvailableMachines", format!("{r} of {w} machines are available"))) };
        set_condition(&mut d.conditions, "Ready", state.clone(), at);
        set_condition(&mut d.conditions, "Available", state, at);
    }
    let infra = match (&cc.infrastructure.ready, &cc.infrastructure.failure_message) {
        (true, _) => Ok(()),
        (false, Some(m)) => Err(("InfrastructureReconcileFailed", m.clone())),
        (false, None) => Err(("WaitingForInfrastructure", "OpenStackCluster status.ready is false".into())),
    };
    let cp_ready = cc.control_plane.conditions.iter().any(|c| c.kind == "Ready" && c.status == "True");
    let workers = match cc.workers.iter().find(|d| d.ready_replicas() < d.replicas) {
        None => Ok(()),
        Some(d) => Err((
            "WorkersNotAvailable",
            format!("MachineDeployment {}: {} of {} machines are available", d.name, d.ready_replicas(), d.replicas),
        )),
    };
    let initialized = cc.conditions.iter().any(|c| c.kind == "ControlPlaneInitialized" && c.status == "True") || ready > 0;
    let available = match (&infra, quorum, &workers) {
        (Err((_, m)), _, _) => Err(("NotAvailable", format!("InfrastructureReady: {m}"))),
        (_, false, _) => Err(("NotAvailable", "ControlPlaneAvailable: the control plane has no etcd quorum".to_string())),
        (_, _, Err((_, m))) => Err(("NotAvailable", format!("WorkersAvailable: {m}"))),
        _ => Ok(()),
    };
    let conds = &mut cc.conditions;
    set_condition(conds, "InfrastructureReady", infra.clone(), at);
    set_condition(
        conds,
        "ControlPlaneInitialized",
        if initialized { Ok(()) } else { Err(("WaitingForControlPlane", "no control plane machine is ready yet".into())) },
        at,
    );
    set_condition(conds, "ControlPlaneReady", if cp_ready { Ok(()) } else { machines }, at);
    set_condition(conds, "WorkersAvailable", workers, at);
    set_condition(conds, "Available", available, at);
    let ready_state = match (&infra, cp_ready) {
        (Err((_, m)), _) => Err(("InfrastructureNotReady", m.clone())),
        (_, false) => Err(("ControlPlaneNotReady", "the control plane is not ready".to_string())),
        _ => Ok(()),
    };
    set_condition(conds, "Ready", ready_state, at);
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn conditions_keep_ready_first_and_move_their_time_only_on_change() {
        let t0 = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let t1 = t0 + Duration::seconds(60);
        let mut c = vec![];
        set_condition(&mut c, "InfrastructureReady", Ok(()), t0);
        set_condition(&mut c, "Ready", Ok(()), t0);
        set_condition(&mut c, "Available", Ok(()), t0);
        assert_eq!(c.iter().map(|c| c.kind.as_str()).collect::<Vec<_>>(), ["Ready", "Available", "InfrastructureReady"]);
        set_condition(&mut c, "Available", Ok(()), t1);
        assert_eq!(c[1].last_transition_time, t0, "no change, no new transition time");
        set_condition(&mut c, "Available", Err(("X", "m".into())), t1);
        assert_eq!((c[1].status.as_str(), c[1].last_transition_time), ("False", t1));
        assert_eq!(not_true(&c), ["Available"]);
    }

    #[test]
    fn the_phase_follows_the_vms_running_time() {
        let t0 = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let mut capi = Capi { server_id: Some("vm".into()), sshd_secs: 207, converge_secs: 1200, ..Default::default() };
        assert_eq!(capi.phase(t0), Phase::Parked);
        capi.running_since = Some(t0);
        assert_eq!(capi.phase(t0 + Duration::seconds(206)), Phase::Booting);
        assert_eq!(capi.phase(t0 + Duration::seconds(207)), Phase::Converging);
        assert_eq!(capi.phase(t0 + Duration::seconds(1200)), Phase::Ready);
        assert!(capi.unreachable(t0 + Duration::seconds(300), "10.0.0.1").unwrap().contains("TLS handshake timeout"));
        assert!(capi.unreachable(t0 + Duration::seconds(1200), "10.0.0.1").is_none());
    }
}
