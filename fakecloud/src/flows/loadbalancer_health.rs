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
use std::collections::{BTreeSet, HashSet};

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

    /// The load balancer an Octavia event changes when it changes that one alone (a child task's
    /// end, a member settling or rising); `None` when it may change more (an amphora's boot, a
    /// load balancer's delete, the health manager's cycle) or is not Octavia's.
    pub(crate) fn event_touches_one_lb(&self, event: &crate::world::Event) -> Option<String> {
        let crate::world::Event::LoadBalancer(e) = event else { return None };
        let member_lb = |member_id: &str| {
            let pool = self.octavia.members.get(member_id)?;
            Some(self.octavia.pools.get(&pool.pool_id)?.loadbalancer_id.clone())
        };
        match e {
            Event::LbChildDone { lb_id, .. } | Event::LbActive { lb_id } => Some(lb_id.clone()),
            Event::LbMemberSettled { member_id } | Event::LbMemberHealthRose { member_id } => member_lb(member_id),
            _ => None,
        }
    }

    /// The availability refresh after a write: only the load balancers it declared it touched
    /// (`Octavia::touched`), or all of them when it declared none.
    pub(crate) fn refresh_availability_after_write(&mut self) {
        let touched = std::mem::take(&mut self.octavia.touched);
        self.refresh_availability_of(touched);
    }

    /// The availability refresh after an event: only its load balancer when it touches one alone
    /// (`event_touches_one_lb`), else all of them.
    pub(crate) fn refresh_availability_after_event(&mut self, one_lb: Option<String>) {
        let mut touched = std::mem::take(&mut self.octavia.touched);
        match one_lb {
            Some(lb) => {
                touched.insert(lb);
                self.refresh_availability_of(touched);
            }
            None => self.refresh_availability(),
        }
    }

    /// Notes the serving state of the given load balancers (all of them when the set is empty).
    fn refresh_availability_of(&mut self, lbs: BTreeSet<String>) {
        if lbs.is_empty() {
            self.refresh_availability();
            return;
        }
        let now = self.now();
        for id in lbs {
            let Some(lb) = self.octavia.loadbalancers.get(&id) else { continue };
            let serving = self.lb_serving(lb);
            if self.octavia.availability.get(&id).and_then(|t| t.last()).map(|(_, s)| *s) != Some(serving) {
                self.octavia.availability.entry(id).or_default().push((now, serving));
            }
        }
    }

    /// One load balancer's serving state, as `refresh_availability` decides it for all.
    fn lb_serving(&self, lb: &LoadBalancer) -> bool {
        let o = &self.octavia;
        let id = lb.c.id.as_str();
        let amphora_up = || o.amphorae_of(id).any(|a| self.amphora_in_service(a));
        let member_up = || o.pools_of(id).any(|p| o.members_of(&p.c.id).any(|m| self.member_serving(m)));
        (lb.provider == "ovn" || amphora_up()) && member_up()
    }

    /// An amphora that answers for its load balancer: allocated with a first heartbeat (or being
    /// deleted) and its Nova server running.
    fn amphora_in_service(&self, a: &Amphora) -> bool {
        let in_service = (a.status == AMP_ALLOCATED && a.last_heartbeat.is_some()) || a.status == PENDING_DELETE;
        in_service && a.compute_id.as_deref().is_some_and(|s| self.server_running(s, true))
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
            if self.amphora_in_service(a) {
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
