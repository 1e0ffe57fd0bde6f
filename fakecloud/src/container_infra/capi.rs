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

use crate::compute::lifecycle::ServerRequest;
use crate::compute::model::VmState;
use crate::faults::{FaultAction, ObjectNames};
use crate::sim::journal::Record;
use crate::sim::{Event, SimTime};
use crate::world::World;
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
fn set_condition(conds: &mut Vec<Condition>, kind: &str, state: Result<(), (&str, String)>, at: SimTime) {
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
    fn in_progress(&self) -> bool {
        self.deleting
            || (!self.infrastructure.ready && self.infrastructure.failure_reason.is_none())
            || !self.control_plane.settled()
            || self.workers.iter().any(|d| !d.settled())
    }

    pub fn deployments(&self) -> impl Iterator<Item = &Deployment> {
        std::iter::once(&self.control_plane).chain(self.workers.iter())
    }
}

impl World {
    /// Notices the management VM starting or stopping. Called after every event and request.
    pub(crate) fn refresh_management(&mut self) {
        let Some(sid) = self.magnum.capi.server_id.clone() else { return };
        let running = self.server_running(&sid, false);
        let now = self.now();
        let capi = &mut self.magnum.capi;
        let change = match (running, capi.running_since) {
            (true, None) => {
                capi.running_since = Some(now);
                capi.epoch += 1;
                capi.next_resync = None;
                let (due, epoch) = (now + Duration::seconds(capi.sshd_secs), capi.epoch);
                self.scheduler.schedule(due, Event::CapiReconcile { epoch });
                Some(("parked", "booting"))
            }
            (false, Some(_)) => {
                capi.running_since = None;
                capi.epoch += 1;
                Some(("running", "parked"))
            }
            _ => None,
        };
        if let Some((from, to)) = change {
            self.record(Record::Transition { resource: "capi-management".into(), id: sid, from: Some(from.into()), to: to.into() });
        }
    }

    /// The controllers' loop: requeued work every 30 s, everything at each resync.
    pub(crate) fn capi_reconcile_tick(&mut self, epoch: u64, at: SimTime) {
        let capi = &mut self.magnum.capi;
        if epoch != capi.epoch || !matches!(capi.phase(at), Phase::Converging | Phase::Ready) {
            return;
        }
        let noisy = capi.phase(at) == Phase::Converging;
        let resync = capi.next_resync.is_none_or(|t| at >= t);
        if resync {
            capi.next_resync = Some(at + Duration::seconds(RESYNC_SECS));
        }
        let due: Vec<String> = capi.clusters.iter().filter(|(_, c)| resync || c.in_progress()).map(|(id, _)| id.clone()).collect();
        for id in due {
            self.reconcile_capi_cluster(&id, noisy);
        }
        self.scheduler.schedule(at + Duration::seconds(REQUEUE_SECS), Event::CapiReconcile { epoch });
    }

    /// One pass of the CAPI and CAPO controllers over a workload cluster.
    pub(crate) fn reconcile_capi_cluster(&mut self, id: &str, noisy: bool) {
        let Some(mut cc) = self.magnum.capi.clusters.get(id).cloned() else { return };
        let at = self.now();
        if cc.deleting {
            self.delete_capi_cluster(id, &cc);
            return;
        }
        self.reconcile_infrastructure(&mut cc, noisy, at);
        let infra_ready = cc.infrastructure.ready;
        self.reconcile_machines(&mut cc.control_plane, &cc.name, &cc.project_id, &cc.user_id, &cc.infrastructure, infra_ready);
        let cp_up = cc.control_plane.ready_replicas() > 0;
        for d in cc.workers.iter_mut() {
            self.reconcile_machines(d, &cc.name, &cc.project_id, &cc.user_id, &cc.infrastructure, infra_ready && cp_up);
        }
        update_conditions(&mut cc, at);
        self.magnum.capi.clusters.insert(id.to_string(), cc);
    }

    /// CAPO: the network, then the kube-api load balancer, which must be ACTIVE.
    fn reconcile_infrastructure(&mut self, cc: &mut CapiCluster, noisy: bool, at: SimTime) {
        let infra = &mut cc.infrastructure;
        if at < cc.created_at + Duration::seconds(INFRA_SECS) {
            infra.ready = false;
            set_condition(&mut infra.conditions, "Ready", Err(("NetworkReconciling", "Reconciling the cluster network".into())), at);
            return;
        }
        let lb_name = cc.lb_name();
        let lb = self.octavia.lb_named(&lb_name).map(|l| (l.c.id.clone(), l.c.provisioning_status.clone()));
        let failure: Option<String> = match lb {
            Some((lb_id, status)) => {
                let names = ObjectNames { loadbalancer: &lb_name, pool: "", member: "" };
                let timed_out = noisy && self.faults.fire_object(&names, |a| matches!(a, FaultAction::CapiLbTimeout)).is_some();
                if timed_out {
                    // The update CAPO asked for never finished: Octavia's worker gave up on it.
                    self.set_lb_status(&lb_id, crate::loadbalancer::model::ERROR);
                    self.octavia_log(
                        crate::loadbalancer::flows::WORKER,
                        "ERROR",
                        format!(
                            "Update of load balancer {lb_id} timed out waiting for the amphora agent; provisioning status set to ERROR."
                        ),
                    );
                    self.touch();
                    Some(format!("failed to reconcile load balancer: timed out waiting for load balancer {lb_name} ({lb_id}) to become ACTIVE: provisioning status is ERROR"))
                } else if status == crate::loadbalancer::model::ACTIVE {
                    None
                } else if status == crate::loadbalancer::model::ERROR {
                    // An earlier failure's message stands until the load balancer is repaired.
                    Some(cc.infrastructure.failure_message.clone().unwrap_or_else(|| {
                        format!("failed to reconcile load balancer: load balancer {lb_name} ({lb_id}) is in provisioning status ERROR")
                    }))
                } else {
                    // PENDING_*: CAPO waits and looks again.
                    let infra = &mut cc.infrastructure;
                    infra.ready = false;
                    let msg = format!("Waiting for load balancer {lb_name} to become ACTIVE (provisioning status {status})");
                    set_condition(&mut infra.conditions, "Ready", Err(("LoadBalancerReconciling", msg)), at);
                    return;
                }
            }
            // CAPO makes the load balancer; InfrastructureReady waits for it to be ACTIVE.
            None if cc.api_lb => {
                let msg = match self.create_api_lb(cc, &lb_name) {
                    Ok(()) => format!("Waiting for load balancer {lb_name} to become ACTIVE (provisioning status PENDING_CREATE)"),
                    Err(e) => format!("failed to reconcile load balancer: {e}"),
                };
                let infra = &mut cc.infrastructure;
                infra.ready = false;
                set_condition(&mut infra.conditions, "Ready", Err(("LoadBalancerReconciling", msg)), at);
                return;
            }
            None => None,
        };
        let infra = &mut cc.infrastructure;
        match failure {
            Some(message) => {
                infra.ready = false;
                infra.failure_reason = Some("UpdateError".into());
                infra.failure_message = Some(message.clone());
                set_condition(&mut infra.conditions, "Ready", Err(("LoadBalancerReconcileFailed", message)), at);
            }
            None => {
                infra.ready = true;
                infra.failure_reason = None;
                infra.failure_message = None;
                set_condition(&mut infra.conditions, "Ready", Ok(()), at);
            }
        }
    }

    /// CAPI: brings a deployment's machines to its replica count (as Nova servers) and reads their
    /// state back. New machines wait for `may_create`.
    fn reconcile_machines(
        &mut self,
        d: &mut Deployment,
        cluster: &str,
        project: &str,
        user: &str,
        infra: &OpenStackCluster,
        may_create: bool,
    ) {
        while (d.machines.len() as u64) > d.replicas {
            let m = d.machines.pop().expect("more machines than replicas");
            if let Some(s) = m.server_id {
                let _ = self.delete_server(&s);
            }
        }
        while may_create && (d.machines.len() as u64) < d.replicas {
            let suffix: String = self.ids.hex().chars().take(5).collect();
            let name = format!("{cluster}-{}-{suffix}", d.name.trim_start_matches(&format!("{cluster}-")));
            let server = self
                .create_server(ServerRequest {
                    name: name.clone(),
                    project_id: project.into(),
                    user_id: user.into(),
                    flavor_id: d.flavor_id.clone(),
                    image_id: d.image_id.clone(),
                    network_ids: infra.network_id.iter().cloned().collect(),
                    az: None,
                    key_name: None,
                    metadata: BTreeMap::new(),
                    description: None,
                    security_groups: vec![],
                    server_group: None,
                })
                .ok();
            let phase = if server.is_some() { "Provisioning" } else { "Failed" };
            d.machines.push(Machine { name, server_id: server, phase: phase.into(), ready: false });
        }
        for m in d.machines.iter_mut() {
            let state = m.server_id.as_deref().and_then(|s| self.compute.server(s)).map(|s| s.vm_state);
            (m.phase, m.ready) = match state {
                None => ("Failed".into(), false),
                Some(VmState::Building) => ("Provisioning".into(), false),
                Some(VmState::Error) => ("Failed".into(), false),
                Some(_) => ("Running".into(), m.server_id.as_deref().is_some_and(|s| self.server_running(s, false))),
            };
        }
        let have = d.machines.len() as u64;
        d.phase = if have < d.replicas || d.ready_replicas() < have {
            "ScalingUp"
        } else if have > d.replicas {
            "ScalingDown"
        } else {
            "Running"
        }
        .into();
    }

    /// CAPO's kube-api load balancer on the cluster's network (amphora provider, one amphora).
    fn create_api_lb(&mut self, cc: &CapiCluster, name: &str) -> Result<(), String> {
        let network = cc.infrastructure.network_id.clone().ok_or("the cluster has no network")?;
        let subnet = self
            .network
            .subnets
            .values()
            .filter(|s| s.network_id == network)
            .min_by_key(|s| s.seq)
            .map(|s| s.id.clone())
            .ok_or("the cluster network has no subnet")?;
        let req = crate::loadbalancer::flows::LbRequest {
            name: name.into(),
            description: format!("Created by cluster-api-provider-openstack cluster {}-{}", cc.namespace, cc.name),
            project_id: cc.project_id.clone(),
            provider: "amphora".into(),
            topology: "SINGLE".into(),
            vip_network_id: network,
            vip_subnet_id: subnet,
            admin_state_up: true,
            ..Default::default()
        };
        self.create_loadbalancer(req).map(|_| ()).map_err(|e| e.1)
    }

    fn delete_capi_cluster(&mut self, id: &str, cc: &CapiCluster) {
        for m in cc.deployments().flat_map(|d| d.machines.iter()) {
            if let Some(s) = &m.server_id {
                let _ = self.delete_server(s);
            }
        }
        if let Some(lb) = self.octavia.lb_named(&cc.lb_name()).map(|l| l.c.id.clone()) {
            self.delete_loadbalancer(&lb);
        }
        self.magnum.capi.clusters.remove(id);
        self.record(Record::Transition {
            resource: "capi-cluster".into(),
            id: format!("{}/{}", cc.namespace, cc.name),
            from: None,
            to: "DELETED".into(),
        });
    }
}

/// Conditions from the objects below: the control plane's and each deployment's, then the
/// Cluster's aggregation (v1beta2 `Available`).
fn update_conditions(cc: &mut CapiCluster, at: SimTime) {
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
