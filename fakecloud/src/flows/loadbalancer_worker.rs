//! Octavia's controller worker on the virtual clock: load balancer create and delete, child object
//! operations with the parent locking rules, amphorae built as Nova servers through Placement, and
//! failover (build the replacement first, then delete the old; revert on NoValidHost). Methods on
//! `World` because every flow touches Nova, Neutron and Placement.

use crate::compute::lifecycle::ServerRequest;
use crate::compute::model::VmState;
use crate::faults::FaultAction;
use crate::loadbalancer::model::*;
use crate::loadbalancer::worker::*;
use crate::loadbalancer::Event;
use crate::loadbalancer::FaultAction as MemberFault;
use crate::sim::journal::Record;
use crate::sim::SimTime;
use crate::world::World;
use chrono::Duration;
use std::collections::BTreeMap;

impl World {
    fn lb_record(&mut self, resource: &str, id: &str, from: Option<&str>, to: &str) {
        self.record(Record::Transition { resource: resource.into(), id: id.into(), from: from.map(str::to_string), to: to.into() });
    }

    /// Sets a load balancer's provisioning status, journaling the change.
    pub(crate) fn set_lb_status(&mut self, lb_id: &str, status: &str) {
        let now = self.now();
        let Some(lb) = self.octavia.loadbalancers.get_mut(lb_id) else { return };
        let from = std::mem::replace(&mut lb.c.provisioning_status, status.to_string());
        lb.c.updated_at = Some(now);
        if from != status {
            self.lb_record("loadbalancer", lb_id, Some(&from), status);
        }
    }

    fn set_amphora_status(&mut self, amp_id: &str, status: &str) {
        let now = self.now();
        let Some(a) = self.octavia.amphorae.get_mut(amp_id) else { return };
        let from = std::mem::replace(&mut a.status, status.to_string());
        a.updated_at = Some(now);
        if from != status {
            self.lb_record("amphora", amp_id, Some(&from), status);
        }
    }

    pub(crate) fn octavia_log(&mut self, component: &str, level: &str, message: String) {
        let now = self.now();
        self.record(Record::Control { action: format!("log:{component}"), detail: format!("{level} {message}") });
        self.octavia.log(now, component, level, message);
    }

    /// Creates the load balancer (PENDING_CREATE) and starts the worker's create flow: its
    /// amphorae, or for OVN just a short delay.
    pub fn create_loadbalancer(&mut self, req: LbRequest) -> Result<String, LbRefused> {
        let (provider, topology) = (req.provider.clone(), req.topology.clone());
        let id = self.insert_loadbalancer(req)?;
        if provider == "ovn" {
            let now = self.now();
            self.sim.scheduler.schedule(now + Duration::seconds(OVN_SECS), Event::LbActive { lb_id: id.clone() });
        } else {
            for role in amphora_roles(&topology) {
                self.build_amphora(&id, role, AmphoraFlow::Create);
            }
        }
        Ok(id)
    }

    /// The load balancer's row (PENDING_CREATE) and its VIP port; no flow (the fixture settles it).
    pub(crate) fn insert_loadbalancer(&mut self, req: LbRequest) -> Result<String, LbRefused> {
        let now = self.now();
        let id = self.sim.ids.uuid();
        let (vip_port_id, vip_address) = match &req.vip_port_id {
            Some(p) => {
                let port = self.network.ports.get(p).ok_or_else(|| {
                    LbRefused(400, format!("Invalid input for field/attribute vip_port_id. Value: '{p}'. Port {p} could not be found."))
                })?;
                let ip = port.fixed_ips.first().map(|f| f.ip_address.to_string()).unwrap_or_default();
                (p.clone(), ip)
            }
            None => {
                let spec = crate::network::ports::PortSpec {
                    network_id: req.vip_network_id.clone(),
                    project_id: req.project_id.clone(),
                    name: Some(format!("octavia-lb-{id}")),
                    device_id: Some(format!("lb-{id}")),
                    device_owner: Some("Octavia".into()),
                    fixed_ips: Some(vec![crate::network::ports::FixedIpSpec {
                        subnet_id: Some(req.vip_subnet_id.clone()),
                        ip_address: req.vip_address.clone(),
                    }]),
                    ..Default::default()
                };
                let port_id = self.network.create_port_from(&mut self.sim.ids, now, spec).map_err(|e| LbRefused(e.status, e.message))?;
                let ip = self.network.ports[&port_id].fixed_ips.first().map(|f| f.ip_address.to_string()).unwrap_or_default();
                (port_id, ip)
            }
        };
        let seq = self.octavia.seq();
        let mut c = new_common(id.clone(), seq, req.name, req.project_id, req.admin_state_up, now);
        c.description = req.description;
        c.tags = req.tags;
        self.octavia.loadbalancers.insert(
            id.clone(),
            LoadBalancer {
                c,
                provider: req.provider.clone(),
                topology: req.topology.clone(),
                vip_address,
                vip_port_id,
                vip_subnet_id: req.vip_subnet_id,
                vip_network_id: req.vip_network_id,
                flavor_id: req.flavor_id,
                availability_zone: req.availability_zone,
                failover_queue: vec![],
                pending_ops: 0,
            },
        );
        self.lb_record("loadbalancer", &id, None, PENDING_CREATE);
        Ok(id)
    }

    /// A new amphora row and its Nova server (service project, amphora flavor, lb-mgmt-net or the
    /// zone's management network, the zone's Nova zone); the worker then polls the server every 10 s.
    fn build_amphora(&mut self, lb_id: &str, role: &str, flow: AmphoraFlow) -> String {
        let now = self.now();
        let amp_id = self.sim.ids.uuid();
        let seq = self.octavia.seq();
        let project = self.identity.project_named(SERVICE_PROJECT).map(|p| p.id.clone()).unwrap_or_default();
        let user = self.identity.user_named("admin").map(|u| u.id.clone()).unwrap_or_default();
        let flavor = self.compute.flavors.iter().find(|f| f.name == AMPHORA_FLAVOR).map(|f| f.id.clone());
        let image = self.image.images.iter().find(|i| i.tags.iter().any(|t| t == "amphora")).map(|i| i.id.clone());
        // The load balancer's availability zone picks the Nova zone and may name another
        // management network (the amphora driver's `compute_zone` and `management_network`).
        let zone = self.octavia.loadbalancers.get(lb_id).and_then(|lb| lb.availability_zone.as_deref()).map(|z| self.octavia.zone_data(z));
        let setting = |key: &str| zone.as_ref().and_then(|d| d.get(key)).and_then(|v| v.as_str()).map(str::to_string);
        let (compute_zone, management_network) = (setting("compute_zone"), setting("management_network"));
        let network = management_network
            .filter(|n| self.network.networks.contains_key(n))
            .or_else(|| self.network.network_named(AMPHORA_NETWORK).map(|n| n.id.clone()));
        let compute_id = match (flavor.clone(), image.clone()) {
            (Some(flavor_id), Some(image_id)) => self
                .create_server(ServerRequest {
                    name: format!("amphora-{amp_id}"),
                    project_id: project,
                    user_id: user,
                    flavor_id,
                    image_id,
                    network_ids: network.into_iter().collect(),
                    az: compute_zone,
                    key_name: None,
                    metadata: BTreeMap::new(),
                    description: None,
                    security_groups: vec![],
                    server_group: None,
                })
                .ok(),
            _ => None,
        };
        self.octavia.amphorae.insert(
            amp_id.clone(),
            Amphora {
                id: amp_id.clone(),
                seq,
                loadbalancer_id: Some(lb_id.to_string()),
                compute_id: compute_id.clone(),
                lb_network_ip: None,
                vrrp_ip: None,
                ha_ip: None,
                vrrp_port_id: None,
                ha_port_id: None,
                role: role.to_string(),
                status: AMP_BOOTING.into(),
                vrrp_priority: vrrp_priority(role),
                cached_zone: None,
                image_id: image,
                compute_flavor: flavor,
                created_at: now,
                updated_at: None,
                cert_expiration: now + Duration::days(365 * 2),
                flow,
                last_heartbeat: None,
            },
        );
        self.lb_record("amphora", &amp_id, None, AMP_BOOTING);
        self.sim.scheduler.schedule(now + Duration::seconds(AMP_POLL_SECS), Event::AmphoraBootPoll { amphora_id: amp_id.clone() });
        self.ensure_health_manager();
        amp_id
    }

    /// Locks the load balancer and its listeners (and the pool, for member and monitor changes) in
    /// PENDING_UPDATE and hands the change to the worker. A matching `lost-task` fault means the
    /// task never runs.
    pub(crate) fn begin_child_task(&mut self, lb_id: &str, pool_id: Option<&str>, kind: Kind, id: &str, op: &str) {
        let now = self.now();
        // A child task changes this load balancer alone: the refresh after the request need not
        // look at the others.
        self.octavia.touched.insert(lb_id.to_string());
        self.set_lb_status(lb_id, PENDING_UPDATE);
        let listener_ids: Vec<String> = self.octavia.listeners_of(lb_id).map(|l| l.c.id.clone()).collect();
        for l in listener_ids {
            if let Some(listener) = self.octavia.listeners.get_mut(&l) {
                if listener.c.provisioning_status == ACTIVE {
                    listener.c.provisioning_status = PENDING_UPDATE.into();
                }
            }
        }
        if let Some(p) = pool_id.and_then(|p| self.octavia.pools.get_mut(p)) {
            if p.c.provisioning_status == ACTIVE {
                p.c.provisioning_status = PENDING_UPDATE.into();
            }
        }
        if let Some(lb) = self.octavia.loadbalancers.get_mut(lb_id) {
            lb.pending_ops += 1;
        }
        // The documented divergences concern a new member (lag, stuck, error, lost) and a deleted
        // one (delete lag, lost); an update is never affected.
        if kind == Kind::Member && op != "update" && self.fire_member_fault(id, |a| matches!(a, MemberFault::LostTask)).is_some() {
            self.octavia_log(WORKER, "WARNING", format!("Task for member {id} was lost before a worker picked it up."));
            return;
        }
        let secs = if self.octavia.loadbalancers.get(lb_id).is_some_and(|l| l.provider == "ovn") { OVN_SECS } else { CHILD_SECS };
        self.sim.scheduler.schedule(
            now + Duration::seconds(secs),
            Event::LbChildDone { lb_id: lb_id.into(), kind: kind.as_str().into(), id: id.into(), op: op.into() },
        );
    }

    /// The first installed member fault (`member-*` / `lost-task`) that `want` accepts and whose
    /// match names this member's load balancer, pool and member; uses one unit of its budget.
    fn fire_member_fault(&mut self, member_id: &str, want: impl Fn(&MemberFault) -> bool) -> Option<MemberFault> {
        let m = self.octavia.members.get(member_id)?;
        let pool = self.octavia.pools.get(&m.pool_id)?;
        let lb = self.octavia.loadbalancers.get(&pool.loadbalancer_id)?;
        let names = [("loadbalancer", lb.c.name.as_str()), ("pool", pool.c.name.as_str()), ("member", m.c.name.as_str())];
        let fired = self.sim.faults.fire_object(&names, |a| matches!(a, FaultAction::LoadBalancer(m) if want(m)))?;
        let now = self.now();
        self.sim
            .journal
            .record(now, Record::Fault { action: "fired".into(), fault_id: fired.id.clone(), detail: format!("member {member_id}") });
        match fired.action {
            FaultAction::LoadBalancer(m) => Some(m),
            // Not fired: `want` only accepts Octavia's kinds.
            _ => None,
        }
    }

    /// Releases one pending task's lock; the last one returns the LB, its listeners and pools to ACTIVE.
    fn unlock_after_task(&mut self, lb_id: &str) {
        let Some(lb) = self.octavia.loadbalancers.get_mut(lb_id) else { return };
        lb.pending_ops = lb.pending_ops.saturating_sub(1);
        if lb.pending_ops > 0 || lb.c.provisioning_status != PENDING_UPDATE {
            return;
        }
        for l in self.octavia.listeners.values_mut().filter(|l| l.loadbalancer_id == lb_id) {
            if l.c.provisioning_status == PENDING_UPDATE {
                l.c.provisioning_status = ACTIVE.into();
            }
        }
        for p in self.octavia.pools.values_mut().filter(|p| p.loadbalancer_id == lb_id) {
            if p.c.provisioning_status == PENDING_UPDATE {
                p.c.provisioning_status = ACTIVE.into();
            }
        }
        let listeners: Vec<String> = self.octavia.listeners_of(lb_id).map(|l| l.c.id.clone()).collect();
        for p in self.octavia.l7policies.values_mut().filter(|p| listeners.contains(&p.listener_id)) {
            if p.c.provisioning_status == PENDING_UPDATE {
                p.c.provisioning_status = ACTIVE.into();
            }
        }
        self.set_lb_status(lb_id, ACTIVE);
    }

    fn child_done(&mut self, lb_id: &str, kind: Kind, id: &str, op: &str) {
        let now = self.now();
        // Member divergences of the amphorav2 flows (documented; faults decide when they happen).
        let mut settle_member_now = true;
        if kind == Kind::Member && op != "update" {
            let fault = if op == "delete" {
                self.fire_member_fault(id, |a| matches!(a, MemberFault::MemberDeleteLag { .. }))
            } else {
                self.fire_member_fault(id, |a| {
                    matches!(a, MemberFault::MemberLag { .. } | MemberFault::MemberStuck | MemberFault::MemberError)
                })
            };
            match fault {
                Some(MemberFault::MemberLag { seconds }) | Some(MemberFault::MemberDeleteLag { seconds }) => {
                    settle_member_now = false;
                    self.sim.scheduler.schedule(now + Duration::seconds(seconds as i64), Event::LbMemberSettled { member_id: id.into() });
                }
                Some(MemberFault::MemberStuck) => settle_member_now = false,
                Some(MemberFault::MemberError) => {
                    settle_member_now = false;
                    self.set_child_status(Kind::Member, id, ERROR);
                }
                _ => {}
            }
        }
        if settle_member_now || kind != Kind::Member {
            if op == "delete" {
                self.remove_child(kind, id);
            } else {
                self.set_child_status(kind, id, ACTIVE);
            }
        }
        self.unlock_after_task(lb_id);
    }

    pub(crate) fn set_child_status(&mut self, kind: Kind, id: &str, status: &str) {
        let now = self.now();
        let o = &mut self.octavia;
        let c = match kind {
            Kind::Listener => o.listeners.get_mut(id).map(|x| &mut x.c),
            Kind::Pool => o.pools.get_mut(id).map(|x| &mut x.c),
            Kind::Member => o.members.get_mut(id).map(|x| &mut x.c),
            Kind::HealthMonitor => o.monitors.get_mut(id).map(|x| &mut x.c),
            Kind::L7Policy => o.l7policies.get_mut(id).map(|x| &mut x.c),
            Kind::L7Rule => o.l7rules.get_mut(id).map(|x| &mut x.c),
        };
        let Some(c) = c else { return };
        let from = std::mem::replace(&mut c.provisioning_status, status.to_string());
        if from == PENDING_CREATE || from == PENDING_UPDATE {
            c.updated_at = Some(now);
        }
        if status == ACTIVE && c.operating_status == OFFLINE && c.admin_state_up {
            c.operating_status = ONLINE.into();
        }
        if from != status {
            self.lb_record(kind.as_str(), id, Some(&from), status);
        }
        if kind == Kind::Member && from == PENDING_CREATE && status == ACTIVE {
            self.start_member_health_lag(id);
        }
    }

    /// A member just created and ACTIVE in a monitored pool may lag in its health checks (an
    /// injected `member-health-lag`): it stays OFFLINE until the checks rise, on the clock.
    fn start_member_health_lag(&mut self, member_id: &str) {
        let monitored = self.octavia.members.get(member_id).is_some_and(|m| self.octavia.pool_monitored(&m.pool_id));
        if !monitored {
            return;
        }
        if let Some(MemberFault::MemberHealthLag { seconds }) =
            self.fire_member_fault(member_id, |a| matches!(a, MemberFault::MemberHealthLag { .. }))
        {
            let rises_at = self.now() + Duration::seconds(seconds as i64);
            if let Some(m) = self.octavia.members.get_mut(member_id) {
                m.health_rises_at = Some(rises_at);
            }
            self.sim.scheduler.schedule(rises_at, Event::LbMemberHealthRose { member_id: member_id.into() });
        }
    }

    /// Removes a child and what hangs off it (a pool's members and monitor; a listener's default pool link).
    pub(crate) fn remove_child(&mut self, kind: Kind, id: &str) {
        let o = &mut self.octavia;
        let from = match kind {
            Kind::Listener => {
                for p in o.pools.values_mut().filter(|p| p.listener_id.as_deref() == Some(id)) {
                    p.listener_id = None;
                }
                o.remove_listener(id).map(|x| x.c.provisioning_status)
            }
            Kind::Pool => {
                for l in o.listeners.values_mut().filter(|l| l.default_pool_id.as_deref() == Some(id)) {
                    l.default_pool_id = None;
                }
                o.remove_pool(id).map(|x| x.c.provisioning_status)
            }
            Kind::Member => o.remove_member(id).map(|x| x.c.provisioning_status),
            Kind::HealthMonitor => {
                for p in o.pools.values_mut().filter(|p| p.healthmonitor_id.as_deref() == Some(id)) {
                    p.healthmonitor_id = None;
                }
                o.monitors.remove(id).map(|x| x.c.provisioning_status)
            }
            Kind::L7Policy => o.remove_l7policy(id).map(|x| x.c.provisioning_status),
            Kind::L7Rule => o.l7rules.remove(id).map(|x| x.c.provisioning_status),
        };
        if let Some(from) = from {
            self.lb_record(kind.as_str(), id, Some(&from), "DELETED");
        }
    }

    /// `DELETE /loadbalancers/{id}` after the API's checks: PENDING_DELETE now, gone after the worker.
    pub fn delete_loadbalancer(&mut self, lb_id: &str) {
        let now = self.now();
        self.set_lb_status(lb_id, PENDING_DELETE);
        let o = &mut self.octavia;
        for l in o.listeners.values_mut().filter(|l| l.loadbalancer_id == lb_id) {
            l.c.provisioning_status = PENDING_DELETE.into();
        }
        let pools: Vec<String> = o.pools_of(lb_id).map(|p| p.c.id.clone()).collect();
        for p in &pools {
            for m in o.members.values_mut().filter(|m| &m.pool_id == p) {
                m.c.provisioning_status = PENDING_DELETE.into();
            }
            if let Some(p) = o.pools.get_mut(p) {
                p.c.provisioning_status = PENDING_DELETE.into();
            }
        }
        self.sim.scheduler.schedule(now + Duration::seconds(LB_DELETE_SECS), Event::LbDeleted { lb_id: lb_id.into() });
    }

    fn finish_lb_delete(&mut self, lb_id: &str) {
        let pools: Vec<String> = self.octavia.pools_of(lb_id).map(|p| p.c.id.clone()).collect();
        for p in pools {
            self.remove_child(Kind::Pool, &p);
        }
        let listeners: Vec<String> = self.octavia.listeners_of(lb_id).map(|l| l.c.id.clone()).collect();
        for l in listeners {
            self.remove_child(Kind::Listener, &l);
        }
        let amps: Vec<String> = self.octavia.amphorae_of(lb_id).map(|a| a.id.clone()).collect();
        for a in amps {
            self.retire_amphora(&a);
        }
        if let Some(lb) = self.octavia.loadbalancers.remove(lb_id) {
            let now = self.now();
            // A VIP port Octavia made goes with it; one the user passed in (vip_port_id) stays.
            if self.network.ports.get(&lb.vip_port_id).is_some_and(|p| p.device_owner == "Octavia") {
                self.network.remove_port(&lb.vip_port_id, Some(now));
            }
            self.lb_record("loadbalancer", lb_id, Some(&lb.c.provisioning_status), "DELETED");
        }
        self.octavia.availability.remove(lb_id);
    }

    /// An amphora row goes (DELETED rows are hidden) and its server is deleted, unless the host is
    /// starved: then the delete never completes and the VM keeps running with no row (a zombie).
    fn retire_amphora(&mut self, amp_id: &str) {
        let Some(a) = self.octavia.amphorae.remove(amp_id) else { return };
        self.lb_record("amphora", amp_id, Some(&a.status), "DELETED");
        if let Some(port) = a.vrrp_port_id.filter(|p| self.network.ports.contains_key(p)) {
            let now = self.now();
            self.network.remove_port(&port, Some(now));
        }
        let Some(server_id) = a.compute_id else { return };
        let host_starved = self
            .compute
            .server(&server_id)
            .and_then(|s| s.host.as_deref())
            .and_then(|h| self.compute.host(h))
            .is_some_and(|h| h.pressure || !h.powered);
        if host_starved {
            self.octavia_log(
                WORKER,
                "WARNING",
                format!("Failed to delete compute instance {server_id} of amphora {amp_id}: the compute host did not respond."),
            );
        } else {
            let _ = self.delete_server(&server_id);
        }
    }

    /// Starts failing over the load balancer's amphorae, one after the other.
    pub fn failover_loadbalancer(&mut self, lb_id: &str) {
        let now = self.now();
        self.set_lb_status(lb_id, PENDING_UPDATE);
        let amps: Vec<String> = self.octavia.amphorae_of(lb_id).map(|a| a.id.clone()).collect();
        if amps.is_empty() {
            self.sim.scheduler.schedule(now + Duration::seconds(OVN_SECS), Event::LbActive { lb_id: lb_id.into() });
            return;
        }
        if let Some(lb) = self.octavia.loadbalancers.get_mut(lb_id) {
            lb.failover_queue = amps[1..].to_vec();
        }
        self.start_amphora_failover(&amps[0]);
    }

    /// Fails over one amphora: it goes PENDING_DELETE and its replacement is built first.
    pub fn failover_amphora(&mut self, amp_id: &str) {
        let Some(lb_id) = self.octavia.amphorae.get(amp_id).and_then(|a| a.loadbalancer_id.clone()) else { return };
        self.set_lb_status(&lb_id, PENDING_UPDATE);
        self.start_amphora_failover(amp_id);
    }

    fn start_amphora_failover(&mut self, old: &str) {
        let Some(a) = self.octavia.amphorae.get(old).cloned() else { return };
        let Some(lb_id) = a.loadbalancer_id.clone() else { return };
        self.set_amphora_status(old, PENDING_DELETE);
        self.octavia_log(
            WORKER,
            "INFO",
            format!(
                "Perform failover for an amphora: {{'id': '{old}', 'load_balancer_id': '{lb_id}', 'role': '{}'}}",
                a.role.to_lowercase()
            ),
        );
        self.build_amphora(&lb_id, &a.role, AmphoraFlow::Failover { replaces: old.to_string() });
    }

    /// A failover in flight anywhere (the health manager starts one at a time).
    pub fn failover_running(&self) -> bool {
        self.octavia.amphorae.values().any(|a| matches!(a.flow, AmphoraFlow::Failover { .. }))
            || self.octavia.loadbalancers.values().any(|l| !l.failover_queue.is_empty())
    }

    /// Whether an amphora's (or any) server is running on a powered host without pressure.
    pub(crate) fn server_running(&self, server_id: &str, starve_on_pressure: bool) -> bool {
        let Some(s) = self.compute.server(server_id) else { return false };
        if s.vm_state != VmState::Active {
            return false;
        }
        let host = s.host.as_deref().and_then(|h| self.compute.host(h));
        host.is_some_and(|h| h.powered && !(starve_on_pressure && h.pressure))
    }

    fn amphora_boot_poll(&mut self, amp_id: &str, at: SimTime) {
        let Some(a) = self.octavia.amphorae.get(amp_id).cloned() else { return };
        let server = a.compute_id.as_deref().and_then(|id| self.compute.server(id));
        match server.map(|s| s.vm_state) {
            Some(VmState::Active) => {
                let ip = a
                    .compute_id
                    .as_deref()
                    .and_then(|id| self.network.ports.values().find(|p| p.device_id == id))
                    .and_then(|p| p.fixed_ips.first())
                    .map(|f| f.ip_address.to_string());
                let host = server.and_then(|s| s.host.clone());
                let zone = host.as_deref().and_then(|h| self.compute.host(h)).map(|h| h.az.clone());
                if let Some(amp) = self.octavia.amphorae.get_mut(amp_id) {
                    amp.lb_network_ip = ip;
                    amp.cached_zone = zone;
                }
                let secs = if matches!(a.flow, AmphoraFlow::Failover { .. }) { AMP_CONFIG_FAILOVER_SECS } else { AMP_CONFIG_CREATE_SECS };
                self.sim.scheduler.schedule(at + Duration::seconds(secs), Event::AmphoraConfigured { amphora_id: amp_id.into() });
            }
            Some(VmState::Building) => {
                self.sim.scheduler.schedule(at + Duration::seconds(AMP_POLL_SECS), Event::AmphoraBootPoll { amphora_id: amp_id.into() });
            }
            _ => self.amphora_spawn_failed(&a, at),
        }
    }

    fn amphora_spawn_failed(&mut self, a: &Amphora, at: SimTime) {
        let lb_id = a.loadbalancer_id.clone().unwrap_or_default();
        let reason = a
            .compute_id
            .as_deref()
            .and_then(|id| self.compute.server(id))
            .and_then(|s| s.fault.as_ref())
            .map(|f| f.message.clone())
            .unwrap_or_else(|| "the compute instance could not be created".into());
        self.octavia_log(WORKER, "ERROR", format!("Compute instance for amphora {} failed to build: {reason}", a.id));
        match &a.flow {
            AmphoraFlow::Failover { .. } => {
                self.sim
                    .scheduler
                    .schedule(at + Duration::seconds(FAILOVER_REVERT_SECS), Event::AmphoraFailoverReverted { amphora_id: a.id.clone() });
            }
            _ => {
                self.set_amphora_status(&a.id, ERROR);
                if let Some(amp) = self.octavia.amphorae.get_mut(&a.id) {
                    amp.flow = AmphoraFlow::None;
                }
                self.set_lb_status(&lb_id, ERROR);
            }
        }
    }

    /// Upstream's revert: the replacement's row goes (its ERROR server stays behind, an orphan),
    /// the old amphora is ERROR, the load balancer provisioning ERROR; nothing is retried.
    fn failover_reverted(&mut self, new_id: &str) {
        let Some(a) = self.octavia.amphorae.remove(new_id) else { return };
        self.lb_record("amphora", new_id, Some(&a.status), "DELETED");
        let AmphoraFlow::Failover { replaces } = a.flow else { return };
        self.set_amphora_status(&replaces, ERROR);
        let lb_id = a.loadbalancer_id.unwrap_or_default();
        if let Some(lb) = self.octavia.loadbalancers.get_mut(&lb_id) {
            lb.failover_queue.clear();
        }
        self.octavia_log(WORKER, "ERROR", format!("Failover of amphora {replaces} of load balancer {lb_id} failed; reverted."));
        self.set_lb_status(&lb_id, ERROR);
    }

    /// The amphora's base port on the VIP network (its VRRP port), which the VIP is an allowed
    /// address pair on; made when the amphora is plugged into the VIP network.
    fn plug_vrrp_port(&mut self, amp_id: &str, at: SimTime) {
        let Some(a) = self.octavia.amphorae.get(amp_id) else { return };
        let Some(lb) = a.loadbalancer_id.as_deref().and_then(|l| self.octavia.loadbalancers.get(l)) else { return };
        if a.vrrp_port_id.is_some() || lb.provider == "ovn" {
            return;
        }
        let spec = crate::network::ports::PortSpec {
            network_id: lb.vip_network_id.clone(),
            project_id: lb.c.project_id.clone(),
            name: Some(format!("octavia-lb-vrrp-{amp_id}")),
            device_id: a.compute_id.clone(),
            device_owner: Some("Octavia".into()),
            fixed_ips: Some(vec![crate::network::ports::FixedIpSpec { subnet_id: Some(lb.vip_subnet_id.clone()), ip_address: None }]),
            ..Default::default()
        };
        // A VIP subnet with no address left leaves the amphora without its base port, as before.
        let Ok(port_id) = self.network.create_port_from(&mut self.sim.ids, at, spec) else { return };
        let ip = self.network.ports[&port_id].fixed_ips.first().map(|f| f.ip_address.to_string());
        if let Some(amp) = self.octavia.amphorae.get_mut(amp_id) {
            amp.vrrp_port_id = Some(port_id);
            amp.vrrp_ip = ip;
        }
    }

    fn amphora_configured(&mut self, amp_id: &str, at: SimTime) {
        let Some(a) = self.octavia.amphorae.get(amp_id).cloned() else { return };
        self.plug_vrrp_port(amp_id, at);
        self.set_amphora_status(amp_id, AMP_ALLOCATED);
        // A STANDALONE replacement takes the VIP over from the old amphora: traffic resumes with its
        // first heartbeat (the next health manager cycle), the brief blip of a single-amphora LB.
        let vip_moves = a.role == "STANDALONE" && matches!(a.flow, AmphoraFlow::Failover { .. });
        if let Some(amp) = self.octavia.amphorae.get_mut(amp_id) {
            amp.flow = AmphoraFlow::None;
            amp.last_heartbeat = if vip_moves { None } else { Some(at) };
        }
        let lb_id = a.loadbalancer_id.clone().unwrap_or_default();
        match a.flow {
            AmphoraFlow::Create => {
                if self.octavia.amphorae_of(&lb_id).all(|x| x.status == AMP_ALLOCATED) {
                    if let Some(lb) = self.octavia.loadbalancers.get_mut(&lb_id) {
                        lb.c.operating_status = ONLINE.into();
                    }
                    self.set_lb_status(&lb_id, ACTIVE);
                }
            }
            AmphoraFlow::Failover { replaces } => {
                self.retire_amphora(&replaces);
                let next = self
                    .octavia
                    .loadbalancers
                    .get_mut(&lb_id)
                    .and_then(|lb| (!lb.failover_queue.is_empty()).then(|| lb.failover_queue.remove(0)));
                match next {
                    Some(n) => self.start_amphora_failover(&n),
                    None => self.set_lb_status(&lb_id, ACTIVE),
                }
            }
            AmphoraFlow::None => {}
        }
    }

    /// Applies one of Octavia's events.
    pub(crate) fn apply_octavia_event(&mut self, event: &Event, at: SimTime) {
        match event {
            Event::LbActive { lb_id } => {
                if let Some(lb) = self.octavia.loadbalancers.get_mut(lb_id) {
                    lb.c.operating_status = ONLINE.into();
                }
                self.set_lb_status(lb_id, ACTIVE);
            }
            Event::LbChildDone { lb_id, kind, id, op } => {
                if let Some(k) = Kind::parse(kind) {
                    self.child_done(lb_id, k, id, op);
                }
            }
            Event::LbMemberSettled { member_id } => {
                match self.octavia.members.get(member_id).map(|m| m.c.provisioning_status.clone()).as_deref() {
                    Some(PENDING_DELETE) => self.remove_child(Kind::Member, member_id),
                    Some(PENDING_CREATE) | Some(PENDING_UPDATE) => self.set_child_status(Kind::Member, member_id, ACTIVE),
                    _ => {}
                }
            }
            Event::LbMemberHealthRose { member_id } => {
                if let Some(m) = self.octavia.members.get_mut(member_id) {
                    m.health_rises_at = None;
                }
            }
            Event::LbDeleted { lb_id } => self.finish_lb_delete(lb_id),
            Event::AmphoraBootPoll { amphora_id } => self.amphora_boot_poll(amphora_id, at),
            Event::AmphoraConfigured { amphora_id } => self.amphora_configured(amphora_id, at),
            Event::AmphoraFailoverReverted { amphora_id } => self.failover_reverted(amphora_id),
            Event::HealthManagerTick => self.health_manager_tick(at),
        }
    }
}
