//! Magnum's conductor on the clock (what it decides is in `container_infra/conductor.rs`): cluster
//! operations become CAPI objects on the management plane, and the status sync and health poll run
//! every 60 s against that plane and Octavia.

use crate::container_infra::capi::{CapiCluster, Deployment, OpenStackCluster, Phase};
use crate::container_infra::conductor::*;
use crate::container_infra::model::*;
use crate::container_infra::Event;
use crate::container_infra::FaultAction as CapiFault;
use crate::faults::FaultAction;
use crate::sim::journal::Record;
use crate::sim::SimTime;
use crate::world::World;
use chrono::Duration;

impl World {
    pub(crate) fn ensure_conductor(&mut self) {
        if !self.magnum.conductor_running {
            self.magnum.conductor_running = true;
            let now = self.now();
            // run_immediately=True
            self.sim.scheduler.schedule(now, Event::MagnumPeriodic);
        }
    }

    /// The management API's address as Magnum's kubeconfig names it: the VM's floating IP.
    pub fn management_endpoint(&self) -> String {
        let Some(sid) = &self.magnum.capi.server_id else { return String::new() };
        let ports: Vec<&String> = self.network.ports.values().filter(|p| &p.device_id == sid).map(|p| &p.id).collect();
        let floating = self.network.floating_ips.values().find(|f| f.port_id.as_ref().is_some_and(|p| ports.contains(&p)));
        match floating {
            Some(f) => f.floating_ip_address.to_string(),
            None => self
                .network
                .ports
                .values()
                .find(|p| &p.device_id == sid)
                .and_then(|p| p.fixed_ips.first())
                .map(|f| f.ip_address.to_string())
                .unwrap_or_default(),
        }
    }

    /// Why a call to the management API fails now, if it does.
    fn management_unreachable(&self) -> Option<String> {
        self.magnum.capi.unreachable(self.now(), &self.management_endpoint())
    }

    fn record_cluster(&mut self, id: &str, from: Option<&str>, to: &str) {
        self.record(Record::Transition { resource: "coe-cluster".into(), id: id.into(), from: from.map(str::to_string), to: to.into() });
    }

    fn move_cluster(&mut self, id: &str, to: &str, reason: Option<String>) {
        let now = self.now();
        let from = self.magnum.clusters.get(id).map(|c| c.status.clone());
        self.magnum.set_status(id, to, reason, now);
        // A create or delete moves every node group with the cluster; an update only the group it
        // is about (set by the caller).
        if to.starts_with("CREATE_") || to.starts_with("DELETE_") {
            let ngs: Vec<String> = self.magnum.nodegroups_of(id).map(|n| n.uuid.clone()).collect();
            for ng in ngs {
                if let Some(n) = self.magnum.nodegroups.get_mut(&ng) {
                    n.status = to.into();
                    n.updated_at = Some(now);
                }
            }
        }
        if from.as_deref() != Some(to) {
            self.record_cluster(id, from.as_deref(), to);
        }
    }

    /// `POST /v1/clusters`: the record (CREATE_IN_PROGRESS) and its default node groups, then the
    /// driver's `helm install`, which fails at once if the management API does not answer.
    pub fn create_cluster(&mut self, req: NewCluster) -> String {
        let now = self.now();
        let uuid = self.sim.ids.uuid();
        let short: String = uuid.replace('-', "").chars().take(12).collect();
        let stack_id = format!("{}-{short}", req.name.to_lowercase().replace(['_', '.'], "-"));
        let t = &req.template;
        let seq = self.magnum.next_seq();
        self.magnum.clusters.insert(
            uuid.clone(),
            Cluster {
                uuid: uuid.clone(),
                seq,
                name: req.name.clone(),
                project_id: req.project_id.clone(),
                user_id: req.user_id.clone(),
                cluster_template_id: t.uuid.clone(),
                keypair: req.keypair.clone(),
                status: CREATE_IN_PROGRESS.into(),
                status_reason: None,
                health_status: None,
                health_status_reason: vec![],
                master_count: req.master_count,
                node_count: req.node_count,
                labels: req.labels.clone(),
                flavor_id: req.flavor_id.clone(),
                master_flavor_id: req.master_flavor_id.clone(),
                docker_volume_size: req.docker_volume_size,
                create_timeout: req.create_timeout,
                stack_id: stack_id.clone(),
                capi_namespace: format!("magnum-{}", req.project_id),
                api_address: None,
                coe_version: None,
                fixed_network: req.fixed_network.clone(),
                fixed_subnet: req.fixed_subnet.clone(),
                floating_ip_enabled: req.floating_ip_enabled,
                master_lb_enabled: req.master_lb_enabled,
                created_at: now,
                updated_at: None,
            },
        );
        let image = t.image_id.clone();
        self.add_nodegroup(&uuid, DEFAULT_MASTER, ROLE_MASTER, req.master_count, req.master_flavor_id.clone(), &image, true);
        self.add_nodegroup(&uuid, DEFAULT_WORKER, ROLE_WORKER, req.node_count, req.flavor_id.clone(), &image, true);
        self.record_cluster(&uuid, None, CREATE_IN_PROGRESS);
        self.ensure_conductor();
        match self.management_unreachable() {
            Some(err) => self.move_cluster(&uuid, CREATE_FAILED, Some(format!("Kubernetes cluster unreachable: {err}"))),
            None => self.install_release(&uuid),
        }
        uuid
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn add_nodegroup(
        &mut self,
        cluster_id: &str,
        name: &str,
        role: &str,
        count: u64,
        flavor: Option<String>,
        image: &str,
        default: bool,
    ) -> String {
        let now = self.now();
        let uuid = self.sim.ids.uuid();
        let seq = self.magnum.next_seq();
        let c = &self.magnum.clusters[cluster_id];
        let ng = NodeGroup {
            uuid: uuid.clone(),
            seq,
            name: name.into(),
            cluster_id: cluster_id.into(),
            project_id: c.project_id.clone(),
            role: role.into(),
            flavor_id: flavor,
            image_id: image.into(),
            node_count: count,
            min_node_count: if role == ROLE_MASTER { 1 } else { 0 },
            max_node_count: None,
            is_default: default,
            status: c.status.clone(),
            status_reason: None,
            labels: c.labels.clone(),
            docker_volume_size: c.docker_volume_size,
            stack_id: c.stack_id.clone(),
            version: None,
            created_at: now,
            updated_at: None,
        };
        self.magnum.nodegroups.insert(uuid.clone(), ng);
        uuid
    }

    /// The Helm release's objects on the management cluster: a Cluster, an OpenStackCluster, a
    /// control plane and one MachineDeployment per worker node group, all still to reconcile.
    fn install_release(&mut self, cluster_id: &str) {
        let now = self.now();
        let c = self.magnum.clusters[cluster_id].clone();
        let network_id = c.fixed_network.as_deref().and_then(|n| self.network.usable_network(n, &c.project_id, true));
        let deployment = |ng: &NodeGroup| Deployment {
            name: format!("{}-{}", c.stack_id, if ng.role == ROLE_MASTER { "control-plane" } else { ng.name.as_str() }),
            nodegroup: ng.name.clone(),
            replicas: ng.node_count,
            flavor_id: ng.flavor_id.clone().unwrap_or_default(),
            image_id: ng.image_id.clone(),
            machines: vec![],
            conditions: vec![],
            phase: "ScalingUp".into(),
        };
        let ngs: Vec<NodeGroup> = self.magnum.nodegroups_of(cluster_id).cloned().collect();
        let control_plane = ngs.iter().find(|n| n.role == ROLE_MASTER).map(deployment).expect("a cluster has its master node group");
        let workers = ngs.iter().filter(|n| n.role != ROLE_MASTER).map(deployment).collect();
        let cc = CapiCluster {
            namespace: c.capi_namespace.clone(),
            name: c.stack_id.clone(),
            project_id: c.project_id.clone(),
            user_id: c.user_id.clone(),
            created_at: now,
            deleting: false,
            api_lb: c.master_lb_enabled,
            conditions: vec![],
            infrastructure: OpenStackCluster {
                ready: false,
                failure_reason: None,
                failure_message: None,
                network_id,
                subnet_id: None,
                conditions: vec![],
            },
            control_plane,
            workers,
        };
        self.magnum.capi.clusters.insert(cluster_id.into(), cc);
    }

    /// A node count change (PATCH or resize): the release is upgraded with the new replicas, and
    /// `remove` names servers to go first.
    pub fn scale_nodegroup(&mut self, cluster_id: &str, nodegroup_id: &str, count: u64, remove: &[String]) {
        let now = self.now();
        if let Some(err) = self.management_unreachable() {
            self.move_cluster(cluster_id, UPDATE_FAILED, Some(format!("Kubernetes cluster unreachable: {err}")));
            return;
        }
        let Some(ng) = self.magnum.nodegroups.get_mut(nodegroup_id) else { return };
        ng.node_count = count;
        ng.status = UPDATE_IN_PROGRESS.into();
        ng.updated_at = Some(now);
        let (ng_name, is_master) = (ng.name.clone(), ng.role == ROLE_MASTER);
        if let Some(c) = self.magnum.clusters.get_mut(cluster_id) {
            if is_master {
                c.master_count = count;
            } else if ng_name == DEFAULT_WORKER {
                c.node_count = count;
            }
        }
        self.move_cluster(cluster_id, UPDATE_IN_PROGRESS, None);
        if let Some(cc) = self.magnum.capi.clusters.get_mut(cluster_id) {
            let d = if is_master { Some(&mut cc.control_plane) } else { cc.workers.iter_mut().find(|d| d.nodegroup == ng_name) };
            if let Some(d) = d {
                d.replicas = count;
                // Machines named for removal go first: move them to the end, where scale-down takes.
                d.machines.sort_by_key(|m| m.server_id.as_ref().is_some_and(|s| remove.contains(s)));
            }
        }
    }

    /// `POST .../nodegroups`: a new MachineDeployment in the release.
    pub fn add_machine_deployment(&mut self, cluster_id: &str, nodegroup_id: &str) {
        if let Some(err) = self.management_unreachable() {
            if let Some(n) = self.magnum.nodegroups.get_mut(nodegroup_id) {
                n.status = CREATE_FAILED.into();
                n.status_reason = Some(format!("Kubernetes cluster unreachable: {err}"));
            }
            return;
        }
        self.move_cluster(cluster_id, UPDATE_IN_PROGRESS, None);
        let n = self.magnum.nodegroups[nodegroup_id].clone();
        if let Some(n) = self.magnum.nodegroups.get_mut(nodegroup_id) {
            n.status = CREATE_IN_PROGRESS.into();
        }
        if let Some(cc) = self.magnum.capi.clusters.get_mut(cluster_id) {
            cc.workers.push(Deployment {
                name: format!("{}-{}", cc.name, n.name),
                nodegroup: n.name.clone(),
                replicas: n.node_count,
                flavor_id: n.flavor_id.clone().unwrap_or_default(),
                image_id: n.image_id.clone(),
                machines: vec![],
                conditions: vec![],
                phase: "ScalingUp".into(),
            });
        }
    }

    /// `DELETE .../nodegroups/{ng}`: the MachineDeployment goes with its machines; the node group
    /// row goes at the next status sync.
    pub fn remove_machine_deployment(&mut self, cluster_id: &str, nodegroup_id: &str) {
        let unreachable = self.management_unreachable();
        let Some(n) = self.magnum.nodegroups.get_mut(nodegroup_id) else { return };
        if let Some(err) = unreachable {
            n.status = DELETE_FAILED.into();
            n.status_reason = Some(format!("Kubernetes cluster unreachable: {err}"));
            return;
        }
        n.status = DELETE_IN_PROGRESS.into();
        let name = n.name.clone();
        self.move_cluster(cluster_id, UPDATE_IN_PROGRESS, None);
        let gone = self.magnum.capi.clusters.get_mut(cluster_id).and_then(|cc| {
            let at = cc.workers.iter().position(|d| d.nodegroup == name)?;
            Some(cc.workers.remove(at))
        });
        for s in gone.iter().flat_map(|d| d.machines.iter()).filter_map(|m| m.server_id.clone()) {
            let _ = self.delete_server(&s);
        }
    }

    /// `DELETE /v1/clusters/{id}`: `helm uninstall`; the cluster goes when CAPI has removed it.
    pub fn delete_cluster(&mut self, cluster_id: &str) {
        if let Some(err) = self.management_unreachable() {
            self.move_cluster(cluster_id, DELETE_FAILED, Some(format!("Kubernetes cluster unreachable: {err}")));
            return;
        }
        self.move_cluster(cluster_id, DELETE_IN_PROGRESS, None);
        if let Some(cc) = self.magnum.capi.clusters.get_mut(cluster_id) {
            cc.deleting = true;
        }
    }

    /// Both periodic tasks; rescheduled every 60 s.
    pub(crate) fn magnum_periodic(&mut self, at: SimTime) {
        if self.magnum.capi.phase(at) == Phase::Ready {
            let mut ids: Vec<(u64, String)> = self.magnum.clusters.values().map(|c| (c.seq, c.uuid.clone())).collect();
            ids.sort();
            for (_, id) in ids {
                self.sync_cluster_status(&id);
                self.poll_health(&id);
            }
        }
        self.sim.scheduler.schedule(at + Duration::seconds(PERIODIC_SECS), Event::MagnumPeriodic);
    }

    /// The driver's `update_cluster_status`: IN_PROGRESS to COMPLETE once CAPI reports the cluster
    /// and its node groups ready; DELETE_IN_PROGRESS to gone once CAPI no longer has it.
    fn sync_cluster_status(&mut self, id: &str) {
        let Some(c) = self.magnum.clusters.get(id) else { return };
        let status = c.status.clone();
        let cc = self.magnum.capi.clusters.get(id);
        if status == DELETE_IN_PROGRESS {
            if cc.is_none() {
                self.record_cluster(id, Some(DELETE_IN_PROGRESS), "DELETE_COMPLETE");
                self.magnum.remove_cluster(id);
            }
            return;
        }
        if status != CREATE_IN_PROGRESS && status != UPDATE_IN_PROGRESS {
            return;
        }
        let Some(cc) = cc else { return };
        // Node groups being deleted go once their MachineDeployment has.
        let gone: Vec<String> = self
            .magnum
            .nodegroups_of(id)
            .filter(|n| n.status == DELETE_IN_PROGRESS && !cc.workers.iter().any(|d| d.nodegroup == n.name))
            .map(|n| n.uuid.clone())
            .collect();
        for n in &gone {
            self.magnum.nodegroups.remove(n);
        }
        let Some(cc) = self.magnum.capi.clusters.get(id) else { return };
        let true_of = |k: &str| cc.conditions.iter().any(|c| c.kind == k && c.status == "True");
        let settled = cc.deployments().all(|d| d.machines.len() as u64 == d.replicas && d.ready_replicas() == d.replicas);
        if !(true_of("InfrastructureReady") && true_of("ControlPlaneReady") && true_of("Ready") && settled) {
            return;
        }
        let vip = self.octavia.lb_named(&cc.lb_name()).map(|l| l.vip_address.clone());
        let to = if status == CREATE_IN_PROGRESS { CREATE_COMPLETE } else { UPDATE_COMPLETE };
        let kube = self.magnum.templates.get(&self.magnum.clusters[id].cluster_template_id).and_then(|t| t.labels.get("kube_tag").cloned());
        if let Some(c) = self.magnum.clusters.get_mut(id) {
            if let Some(vip) = vip {
                c.api_address = Some(format!("https://{vip}:6443"));
            }
            c.coe_version = kube.or(c.coe_version.take());
        }
        self.move_cluster(id, to, None);
        let ngs: Vec<String> = self.magnum.nodegroups_of(id).map(|n| n.uuid.clone()).collect();
        for ng in ngs {
            if let Some(n) = self.magnum.nodegroups.get_mut(&ng) {
                if n.status == CREATE_IN_PROGRESS || n.status == UPDATE_IN_PROGRESS {
                    n.status = n.status.replace("_IN_PROGRESS", "_COMPLETE");
                }
            }
        }
    }

    /// CAPIMonitor.poll_health_status, for the statuses Magnum polls.
    pub(crate) fn poll_health(&mut self, id: &str) {
        let Some(c) = self.magnum.clusters.get(id) else { return };
        if ![CREATE_COMPLETE, UPDATE_COMPLETE, UPDATE_IN_PROGRESS, "ROLLBACK_IN_PROGRESS"].contains(&c.status.as_str()) {
            return;
        }
        let contract_miss = self.sim.faults.list().iter().any(|f| f.action == FaultAction::ContainerInfra(CapiFault::CapiContractMiss));
        let workers: Vec<String> = self.magnum.nodegroups_of(id).filter(|n| n.role != ROLE_MASTER).map(|n| n.name.clone()).collect();
        let reason = health_reason(self.magnum.capi.clusters.get(id), &workers, contract_miss);
        let status = if reason.iter().all(|(_, v)| v == READY) { HEALTHY } else { UNHEALTHY };
        let c = self.magnum.clusters.get_mut(id).expect("checked above");
        let from = c.health_status.clone();
        let changed = from.as_deref() != Some(status) || c.health_status_reason != reason;
        c.health_status = Some(status.into());
        c.health_status_reason = reason;
        if changed {
            self.record(Record::Transition { resource: "coe-cluster-health".into(), id: id.into(), from, to: status.into() });
        }
    }
}
