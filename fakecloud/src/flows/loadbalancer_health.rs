//! Octavia's health manager cycle (its timings and the availability oracle are in
//! `loadbalancer/health.rs`): heartbeats from amphorae whose Nova host lets them run, stale amphorae
//! failed over one at a time, zombies logged, and each load balancer's serving timeline.

use crate::compute::model::VmState;
use crate::loadbalancer::health::*;
use crate::loadbalancer::model::*;
use crate::loadbalancer::Event;
use crate::sim::SimTime;
use crate::world::World;
use chrono::Duration;
use std::collections::HashSet;

impl World {
    /// Schedules the health manager's cycle if it is not running yet.
    pub(crate) fn ensure_health_manager(&mut self) {
        if !self.octavia.health_manager_running {
            self.octavia.health_manager_running = true;
            let now = self.now();
            self.sim.scheduler.schedule(now + Duration::seconds(HEARTBEAT_SECS), Event::HealthManagerTick);
        }
    }

    pub(crate) fn health_manager_tick(&mut self, at: SimTime) {
        // Heartbeats from amphorae with a row.
        let beating: Vec<String> = self
            .octavia
            .amphorae
            .values()
            .filter(|a| a.status == AMP_ALLOCATED && a.compute_id.as_deref().is_some_and(|s| self.server_running(s, true)))
            .map(|a| a.id.clone())
            .collect();
        for id in beating {
            if let Some(a) = self.octavia.amphorae.get_mut(&id) {
                a.last_heartbeat = Some(at);
            }
        }
        // Heartbeats from amphora VMs nobody knows about.
        let service = self.identity.project_named(crate::loadbalancer::worker::SERVICE_PROJECT).map(|p| p.id.clone()).unwrap_or_default();
        let known: HashSet<&str> = self.octavia.amphorae.values().filter_map(|a| a.compute_id.as_deref()).collect();
        let zombies: Vec<(String, String)> = self
            .compute
            .servers
            .values()
            .filter(|s| s.project_id == service && s.name.starts_with("amphora-") && s.vm_state == VmState::Active)
            .filter(|s| !known.contains(s.id.as_str()) && self.server_running(&s.id, true))
            .map(|s| {
                let ip = self
                    .network
                    .ports
                    .values()
                    .find(|p| p.device_id == s.id)
                    .and_then(|p| p.fixed_ips.first())
                    .map(|f| f.ip_address.to_string());
                (s.name.trim_start_matches("amphora-").to_string(), ip.unwrap_or_default())
            })
            .collect();
        for (amp, ip) in zombies {
            self.octavia_health_log(
                "WARNING",
                format!("The amphora {amp} with IP {ip} is missing from the DB, so it cannot be automatically deleted (the compute_id is unknown). An operator must manually delete it from the compute service."),
            );
        }
        // One stale amphora failed over at a time: the oldest whose load balancer can take it;
        // those whose load balancer is locked are skipped (and logged) this cycle.
        if !self.failover_running() {
            let mut stale: Vec<(u64, String, String)> = self
                .octavia
                .amphorae
                .values()
                .filter(|a| a.status == AMP_ALLOCATED && a.last_heartbeat.is_some_and(|h| at - h > Duration::seconds(STALE_SECS)))
                .map(|a| (a.seq, a.id.clone(), a.loadbalancer_id.clone().unwrap_or_default()))
                .collect();
            stale.sort();
            for (_, amp, lb_id) in stale {
                let lb_status = self.octavia.loadbalancers.get(&lb_id).map(|l| l.c.provisioning_status.clone()).unwrap_or_default();
                if lb_status == ACTIVE || lb_status == ERROR {
                    self.octavia_health_log("INFO", format!("Stale amphora's id is: {amp}"));
                    self.touch();
                    self.failover_amphora(&amp);
                    break;
                }
                self.octavia_health_log(
                    "WARNING",
                    format!("Load balancer {lb_id} is in immutable state {lb_status}. Skipping failover of amphora {amp}."),
                );
            }
        }
        self.sim.scheduler.schedule(at + Duration::seconds(HEARTBEAT_SECS), Event::HealthManagerTick);
    }

    fn octavia_health_log(&mut self, level: &str, message: String) {
        let now = self.now();
        self.record(crate::sim::journal::Record::Control { action: format!("log:{HEALTH_MANAGER}"), detail: format!("{level} {message}") });
        self.octavia.log(now, HEALTH_MANAGER, level, message);
    }

    /// Whether a member's backend is up: its server (if it has one) ACTIVE on a powered host.
    pub fn member_backend_up(&self, m: &Member) -> bool {
        match &m.backing_server {
            Some(s) => self.server_running(s, false),
            None => true,
        }
    }

    /// Whether a member takes traffic: the one definition of "serving" behind the availability
    /// timeline, the control API's availability record and the harness. Provisioning ACTIVE, and
    /// operating ONLINE, or NO_MONITOR (no health monitor: traffic goes to it unchecked), with its
    /// backend up (an unchecked dead backend still gets traffic, and answers none of it).
    pub fn member_serving(&self, m: &Member) -> bool {
        m.c.provisioning_status == ACTIVE
            && matches!(crate::loadbalancer::views::member_operating(self, m), ONLINE | NO_MONITOR)
            && self.member_backend_up(m)
    }

    /// Appends to each load balancer's availability timeline where its serving state changed: an
    /// amphora running (for the amphora providers) and at least one serving member. One pass over
    /// amphorae and members, so it stays linear in the cloud's size.
    pub(crate) fn refresh_availability(&mut self) {
        let o = &self.octavia;
        if o.loadbalancers.is_empty() {
            return;
        }
        let mut amphora_up: HashSet<&str> = HashSet::new();
        for a in o.amphorae.values() {
            let in_service = (a.status == AMP_ALLOCATED && a.last_heartbeat.is_some()) || a.status == PENDING_DELETE;
            if in_service && a.compute_id.as_deref().is_some_and(|s| self.server_running(s, true)) {
                if let Some(lb) = a.loadbalancer_id.as_deref() {
                    amphora_up.insert(lb);
                }
            }
        }
        let mut member_up: HashSet<&str> = HashSet::new();
        for m in o.members.values() {
            if self.member_serving(m) {
                if let Some(p) = o.pools.get(&m.pool_id) {
                    member_up.insert(p.loadbalancer_id.as_str());
                }
            }
        }
        let now = self.now();
        let changes: Vec<(String, bool)> = o
            .loadbalancers
            .values()
            .map(|lb| {
                let id = lb.c.id.as_str();
                (lb.c.id.clone(), (lb.provider == "ovn" || amphora_up.contains(id)) && member_up.contains(id))
            })
            .filter(|(id, serving)| o.availability.get(id).and_then(|t| t.last()).map(|(_, s)| *s) != Some(*serving))
            .collect();
        for (id, serving) in changes {
            self.octavia.availability.entry(id).or_default().push((now, serving));
        }
    }
}
