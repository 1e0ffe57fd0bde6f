//! The Cluster API management plane's reconcile loop (its objects and phases are in
//! `container_infra/capi.rs`): the plane's VM through Nova, the controllers' requeue and resync on
//! the clock, CAPO's kube-api load balancer through Octavia, and machines as Nova servers.

use crate::compute::lifecycle::ServerRequest;
use crate::compute::model::VmState;
use crate::container_infra::capi::*;
use crate::container_infra::Event;
use crate::container_infra::FaultAction as CapiFault;
use crate::faults::FaultAction;
use crate::sim::journal::Record;
use crate::sim::SimTime;
use crate::world::World;
use chrono::Duration;
use std::collections::BTreeMap;

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
                self.sim.scheduler.schedule(due, Event::CapiReconcile { epoch });
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
        self.sim.scheduler.schedule(at + Duration::seconds(REQUEUE_SECS), Event::CapiReconcile { epoch });
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
                let names = [("loadbalancer", lb_name.as_str()), ("pool", ""), ("member", "")];
                let lb_timeout = |a: &FaultAction| matches!(a, FaultAction::ContainerInfra(CapiFault::CapiLbTimeout));
                let timed_out = noisy && self.sim.faults.fire_object(&names, lb_timeout).is_some();
                if timed_out {
                    // The update CAPO asked for never finished: Octavia's worker gave up on it.
                    self.set_lb_status(&lb_id, crate::loadbalancer::model::ERROR);
                    self.octavia_log(
                        crate::loadbalancer::worker::WORKER,
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
            let suffix: String = self.sim.ids.hex().chars().take(5).collect();
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
        let req = crate::loadbalancer::worker::LbRequest {
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
