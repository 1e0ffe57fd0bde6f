//! Magnum from the fixture: the management plane (converged if its VM is running), cluster
//! templates, and workload clusters whose machines are fixture servers, settled as the controllers
//! last left them.

use crate::container_infra::capi::{CapiCluster, Deployment, Machine, OpenStackCluster, INFRA_SECS};
use crate::container_infra::model::*;
use crate::container_infra::Event;
use crate::fixture::{ClusterSpec, Fixture};
use crate::world::World;
use anyhow::{anyhow, bail};
use chrono::Duration;

/// How long ago the fixture's workload clusters were created.
const CLUSTER_AGE_HOURS: i64 = 26;

impl World {
    pub(crate) fn boot_magnum(&mut self, f: &Fixture) -> anyhow::Result<()> {
        let now = self.now();
        if let Some(m) = &f.coe.management {
            let sid =
                self.compute.server_id_named(&m.server).ok_or_else(|| anyhow!("management server {} is not a fixture server", m.server))?;
            let vcpus = self.compute.server(&sid).and_then(|s| self.compute.flavor(&s.flavor_id)).map_or(2, |fl| fl.vcpus.max(1));
            let capi = &mut self.magnum.capi;
            capi.server_id = Some(sid.clone());
            capi.sshd_secs = m.sshd_secs as i64;
            capi.converge_secs = ((m.converge_secs_on_2_vcpus * 2 / vcpus) as i64).max(capi.sshd_secs + 60);
            if self.server_running(&sid, false) {
                // Up long before the fixture's moment: converged, controllers running.
                let capi = &mut self.magnum.capi;
                capi.running_since = Some(now - Duration::seconds(capi.converge_secs));
                capi.epoch = 1;
                capi.next_resync = Some(now + Duration::seconds(crate::container_infra::capi::RESYNC_SECS));
                self.sim
                    .scheduler
                    .schedule(now + Duration::seconds(crate::container_infra::capi::REQUEUE_SECS), Event::CapiReconcile { epoch: 1 });
            }
        }
        for t in &f.coe.cluster_templates {
            let project = self.identity.project_named(&t.project).ok_or_else(|| anyhow!("unknown project {}", t.project))?.id.clone();
            let user = self.identity.user_named("admin").map(|u| u.id.clone()).unwrap_or_default();
            let image = self.image.find(&t.image, &project, true).ok_or_else(|| anyhow!("unknown image {}", t.image))?.id.clone();
            let flavor = |name: &str| {
                self.compute.usable_flavor(name, &project, true).map(|f| f.id.clone()).ok_or_else(|| anyhow!("unknown flavor {name}"))
            };
            let (flavor_id, master_flavor_id) = (flavor(&t.flavor)?, flavor(&t.master_flavor)?);
            let external = self
                .network
                .usable_network(&t.external_network, &project, true)
                .ok_or_else(|| anyhow!("unknown network {}", t.external_network))?;
            let (uuid, seq) = (self.sim.ids.uuid(), self.magnum.next_seq());
            let mut tpl = ClusterTemplate::new(uuid.clone(), seq, t.name.clone(), project, user, image, now);
            tpl.flavor_id = Some(flavor_id);
            tpl.master_flavor_id = Some(master_flavor_id);
            tpl.external_network_id = Some(external);
            tpl.fixed_network = t.fixed_network.clone();
            tpl.fixed_subnet = t.fixed_subnet.clone();
            tpl.keypair_id = t.keypair.clone();
            tpl.public = t.public;
            tpl.labels = t.labels.clone();
            self.magnum.templates.insert(uuid, tpl);
        }
        for c in &f.coe.clusters {
            self.boot_cluster(c).map_err(|e| anyhow!("cluster {}: {e}", c.name))?;
        }
        if self.magnum.capi.server_id.is_some() || !self.magnum.clusters.is_empty() {
            // The conductor has been running: its last poll saw what the management API shows now
            // (if it answers), and the next is a period away.
            if self.magnum.capi.phase(now) == crate::container_infra::capi::Phase::Ready {
                let ids: Vec<String> = self.magnum.clusters.keys().cloned().collect();
                for id in ids {
                    self.poll_health(&id);
                }
            }
            self.magnum.conductor_running = true;
            self.sim.scheduler.schedule(now + Duration::seconds(crate::container_infra::conductor::PERIODIC_SECS), Event::MagnumPeriodic);
        }
        Ok(())
    }

    fn boot_cluster(&mut self, spec: &ClusterSpec) -> anyhow::Result<()> {
        let now = self.now();
        let project = self.identity.project_named(&spec.project).ok_or_else(|| anyhow!("unknown project {}", spec.project))?.id.clone();
        let user = self.identity.user_named(&spec.user).ok_or_else(|| anyhow!("unknown user {}", spec.user))?.id.clone();
        let tpl = self
            .magnum
            .templates
            .values()
            .find(|t| t.name == spec.template)
            .ok_or_else(|| anyhow!("unknown template {}", spec.template))?
            .clone();
        if spec.control_plane.is_empty() {
            bail!("a cluster needs at least one control-plane machine");
        }
        let deployment = |ng: &str, deployment: String, servers: &[String]| -> anyhow::Result<Deployment> {
            let mut machines = vec![];
            let mut flavor = tpl.flavor_id.clone().unwrap_or_default();
            for (i, name) in servers.iter().enumerate() {
                let sid = self.compute.server_id_named(name).ok_or_else(|| anyhow!("unknown server {name}"))?;
                flavor = self.compute.server(&sid).map(|s| s.flavor_id.clone()).unwrap_or_default();
                machines.push(Machine { name: format!("{deployment}-{i}"), server_id: Some(sid), phase: "Running".into(), ready: true });
            }
            Ok(Deployment {
                name: deployment,
                nodegroup: ng.into(),
                replicas: servers.len() as u64,
                flavor_id: flavor,
                image_id: tpl.image_id.clone(),
                machines,
                conditions: vec![],
                phase: "Running".into(),
            })
        };
        let control_plane = deployment(DEFAULT_MASTER, format!("{}-control-plane", spec.capi_name), &spec.control_plane)?;
        // Magnum always has a default worker group, if only of zero nodes.
        let mut worker_specs = spec.workers.clone();
        worker_specs.entry(DEFAULT_WORKER.to_string()).or_default();
        let mut workers = vec![];
        for (ng, servers) in &worker_specs {
            workers.push(deployment(ng, format!("{}-{ng}", spec.capi_name), servers)?);
        }
        let uuid = self.sim.ids.uuid();
        let seq = self.magnum.next_seq();
        let node_count = spec.workers.get(DEFAULT_WORKER).map_or(0, |w| w.len() as u64);
        let health = match spec.health_status.as_deref() {
            None => None,
            Some(h @ (HEALTHY | UNHEALTHY | "UNKNOWN")) => Some(h.to_string()),
            Some(other) => bail!("health_status must be HEALTHY, UNHEALTHY or UNKNOWN, got {other}"),
        };
        let network = spec
            .control_plane
            .first()
            .and_then(|n| self.compute.server_id_named(n))
            .and_then(|s| self.compute.server(&s).and_then(|s| s.network_ids.first().cloned()));
        self.magnum.clusters.insert(
            uuid.clone(),
            Cluster {
                uuid: uuid.clone(),
                seq,
                name: spec.name.clone(),
                project_id: project.clone(),
                user_id: user.clone(),
                cluster_template_id: tpl.uuid.clone(),
                keypair: tpl.keypair_id.clone(),
                status: CREATE_COMPLETE.into(),
                status_reason: None,
                health_status: health,
                health_status_reason: vec![],
                master_count: spec.control_plane.len() as u64,
                node_count,
                labels: tpl.labels.clone(),
                flavor_id: tpl.flavor_id.clone(),
                master_flavor_id: tpl.master_flavor_id.clone(),
                docker_volume_size: None,
                create_timeout: 60,
                stack_id: spec.capi_name.clone(),
                capi_namespace: spec.capi_namespace.clone(),
                api_address: None,
                coe_version: tpl.labels.get("kube_tag").cloned(),
                fixed_network: tpl.fixed_network.clone(),
                fixed_subnet: tpl.fixed_subnet.clone(),
                floating_ip_enabled: tpl.floating_ip_enabled,
                master_lb_enabled: tpl.master_lb_enabled,
                created_at: now - Duration::hours(CLUSTER_AGE_HOURS),
                updated_at: None,
            },
        );
        let master_flavor = Some(control_plane.flavor_id.clone());
        self.add_nodegroup(&uuid, DEFAULT_MASTER, ROLE_MASTER, control_plane.replicas, master_flavor, &tpl.image_id, true);
        for d in &workers {
            self.add_nodegroup(
                &uuid,
                &d.nodegroup,
                ROLE_WORKER,
                d.replicas,
                Some(d.flavor_id.clone()),
                &tpl.image_id,
                d.nodegroup == DEFAULT_WORKER,
            );
        }
        let cc = CapiCluster {
            namespace: spec.capi_namespace.clone(),
            name: spec.capi_name.clone(),
            project_id: project,
            user_id: user,
            created_at: now - Duration::hours(CLUSTER_AGE_HOURS).max(Duration::seconds(INFRA_SECS)),
            deleting: false,
            api_lb: true,
            conditions: vec![],
            infrastructure: OpenStackCluster {
                ready: false,
                failure_reason: None,
                failure_message: None,
                network_id: network,
                subnet_id: None,
                conditions: vec![],
            },
            control_plane,
            workers,
        };
        let vip = self.octavia.lb_named(&cc.lb_name()).map(|l| l.vip_address.clone());
        self.magnum.capi.clusters.insert(uuid.clone(), cc);
        // The objects as the controllers' last pass before the fixture's moment left them.
        self.reconcile_capi_cluster(&uuid, false);
        if let (Some(vip), Some(c)) = (vip, self.magnum.clusters.get_mut(&uuid)) {
            c.api_address = Some(format!("https://{vip}:6443"));
        }
        Ok(())
    }
}
