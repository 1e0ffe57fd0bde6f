//! Containers on the clock: restart, stop and start as docker/podman do them, the health check
//! after a start, and the link to the APIs: an API service container (nova_scheduler,
//! nova_conductor, cinder_scheduler, nova_compute, cinder-volume) that is stopped, unhealthy or on
//! an offline node stops reporting, so the service shows down in `openstack compute service list`
//! and `volume service list` after the real timeouts.
//!
//! Kolla's COPY_ALWAYS copies the host's config into the container at start: `applied` keeps that
//! copy, so a file edited on the host takes effect in the container only after a restart.

use crate::faults::FaultAction;
use crate::sim::journal::Record;
use crate::sim::SimTime;
use crate::tripleo::containers::*;
use crate::tripleo::model::*;
use crate::tripleo::Event;
use crate::tripleo::FaultAction as OvercloudFault;
use crate::world::World;
use chrono::Duration;

impl World {
    /// Whether the API service a container runs should be reporting now.
    fn container_serving(&self, node: &str, name: &str) -> bool {
        let o = &self.overcloud;
        let Some(n) = o.node(node) else { return false };
        let Some(c) = n.containers.get(name) else { return false };
        n.online && c.state == RunState::Running && (c.healthcheck.is_none() || c.health == Health::Healthy)
    }

    /// Starts or stops the heartbeat of the API service the container runs.
    pub(crate) fn link_api_service(&mut self, node: &str, name: &str) {
        let Some(binary) = self.overcloud.container(node, name).and_then(|c| c.api_binary.clone()) else { return };
        let up = self.container_serving(node, name);
        let now = self.now();
        if binary.starts_with("cinder-") {
            let host = if binary == "cinder-volume" {
                self.volume.services.iter().find(|s| s.binary == binary).map(|s| s.host.clone())
            } else {
                Some(node.to_string())
            };
            if let Some(host) = host {
                self.volume.set_service_alive(&binary, &host, up, now);
            }
        } else if let Some(s) = self.compute.service_mut(&binary, node) {
            if up {
                s.heartbeat.resume();
            } else {
                s.heartbeat.stop(now);
            }
        }
    }

    fn container_log(&mut self, node: &str, name: &str, line: String) {
        let now = self.now();
        if let Some(c) = self.overcloud.container_mut(node, name) {
            c.log.push((now, line));
        }
    }

    /// `docker restart|stop|start NAME` on `node`. Returns the container's name.
    pub fn container_action(&mut self, node: &str, ident: &str, action: &str) -> Result<String, String> {
        let now = self.now();
        let name = self.overcloud.container(node, ident).map(|c| c.name.clone()).ok_or_else(|| format!("No such container: {ident}"))?;
        match action {
            "stop" => {
                let c = self.overcloud.container_mut(node, &name).expect("found above");
                if c.state != RunState::Exited {
                    c.state = RunState::Exited;
                    c.exit_code = 0;
                    c.finished_at = Some(now);
                }
                self.container_log(node, &name, "Received SIGTERM, shutting down".into());
            }
            "start" if self.overcloud.container(node, &name).is_some_and(|c| c.state == RunState::Running) => {}
            "start" | "restart" => {
                // The hang and any fault on this container end with its process.
                self.clear_container_faults(node, &name);
                let files = self.overcloud.files.get(node).cloned().unwrap_or_default();
                let c = self.overcloud.container_mut(node, &name).expect("found above");
                if c.state == RunState::Running {
                    c.finished_at = Some(now);
                }
                c.state = RunState::Running;
                c.exit_code = 0;
                c.started_at = now;
                c.hung = false;
                c.failing_streak = 0;
                c.log.clear();
                for (path, applied) in c.applied.iter_mut() {
                    if let Some(current) = files.get(path) {
                        applied.clone_from(current);
                    }
                }
                if c.healthcheck.is_some() {
                    c.health = Health::Starting;
                    self.sim.scheduler.schedule(
                        now + Duration::seconds(HEALTH_INTERVAL_SECS),
                        Event::ContainerHealthCheck { node: node.into(), container: name.clone() },
                    );
                }
                self.container_log(node, &name, "Loading config file at /var/lib/kolla/config_files/config.json".into());
                self.container_log(node, &name, "Copying service configuration files".into());
            }
            other => return Err(format!("unknown container action {other}")),
        }
        self.record(Record::Transition { resource: "container".into(), id: format!("{node}/{name}"), from: None, to: action.into() });
        self.link_api_service(node, &name);
        Ok(name)
    }

    /// The health check after a start (and again every interval while it fails).
    pub(crate) fn container_health_check(&mut self, node: &str, name: &str, at: SimTime) {
        let Some(c) = self.overcloud.container_mut(node, name) else { return };
        if c.state != RunState::Running || c.healthcheck.is_none() {
            return;
        }
        if c.hung {
            c.failing_streak += 1;
            if c.failing_streak >= HEALTH_RETRIES {
                c.health = Health::Unhealthy;
            } else {
                self.sim.scheduler.schedule(
                    at + Duration::seconds(HEALTH_INTERVAL_SECS),
                    Event::ContainerHealthCheck { node: node.into(), container: name.into() },
                );
            }
        } else {
            c.failing_streak = 0;
            c.health = Health::Healthy;
        }
        self.link_api_service(node, name);
    }

    /// Faults on a container end when it restarts: they are removed and journaled.
    fn clear_container_faults(&mut self, node: &str, name: &str) {
        let ids: Vec<String> = self
            .sim
            .faults
            .list()
            .iter()
            .filter(|f| matches!(&f.action, FaultAction::Overcloud(a) if a.container() == Some((node, name))))
            .map(|f| f.id.clone())
            .collect();
        for id in ids {
            self.sim.faults.remove(&id);
            self.cancel_fault_expiry(&id);
            self.record(Record::Fault {
                action: "removed".into(),
                fault_id: id,
                detail: format!("cleared by a restart of {name} on {node}"),
            });
        }
    }

    /// Applies or undoes a container fault.
    pub(crate) fn container_fault(&mut self, action: &OvercloudFault, on: bool) {
        let now = self.now();
        let Some((node, name)) = action.container().map(|(n, c)| (n.to_string(), c.to_string())) else { return };
        let Some(c) = self.overcloud.container_mut(&node, &name) else { return };
        match (action, on) {
            (OvercloudFault::ContainerUnhealthy { .. }, true) => {
                c.hung = true;
                c.health = Health::Unhealthy;
                c.failing_streak = HEALTH_RETRIES;
            }
            (OvercloudFault::ContainerUnhealthy { .. }, false) => {
                c.hung = false;
                self.sim.scheduler.schedule(
                    now + Duration::seconds(HEALTH_INTERVAL_SECS),
                    Event::ContainerHealthCheck { node: node.clone(), container: name.clone() },
                );
            }
            (OvercloudFault::ContainerExited { exit_code, .. }, true) => {
                c.state = RunState::Exited;
                c.exit_code = exit_code.unwrap_or(137);
                c.finished_at = Some(now);
            }
            // An exited container stays exited until someone starts it.
            (OvercloudFault::ContainerExited { .. }, false) => {}
            (OvercloudFault::ContainerRestarting { .. }, true) => {
                c.state = RunState::Restarting;
                c.exit_code = 1;
                c.restart_count += 1;
                c.finished_at = Some(now);
            }
            (OvercloudFault::ContainerRestarting { .. }, false) => {
                c.state = RunState::Running;
                c.started_at = now;
                if c.healthcheck.is_some() {
                    c.health = Health::Starting;
                    self.sim.scheduler.schedule(
                        now + Duration::seconds(HEALTH_INTERVAL_SECS),
                        Event::ContainerHealthCheck { node: node.clone(), container: name.clone() },
                    );
                }
            }
            _ => {}
        }
        self.link_api_service(&node, &name);
    }
}
