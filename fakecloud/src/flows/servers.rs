//! Server lifecycle across services: boot from the fixture, create -> schedule through Placement ->
//! spawn on the virtual clock, stop/start/reboot with Nova's state rules, delete freeing the
//! allocation and the ports. Methods on `World` because every step touches several services.

use crate::compute::lifecycle::*;
use crate::compute::migrations::{Migration, MigrationType};
use crate::compute::model::VmState::{Active, Error, Paused, Rescued, Resized, ShelvedOffloaded, Stopped, Suspended};
use crate::compute::model::*;
use crate::compute::Event;
use crate::fixture::Fixture;
use crate::placement::model::{Inventory, DISK_GB, MEMORY_MB, VCPU};
use crate::sim::journal::Record;
use crate::sim::SimTime;
use crate::world::World;
use anyhow::{anyhow, bail};
use chrono::Duration;
use std::collections::BTreeMap;

impl World {
    /// Hosts (hypervisor + nova-compute + resource provider), control-plane services, flavors and the
    /// fixture's servers, placed on their hosts with allocations and ports.
    pub(crate) fn boot_compute(&mut self, f: &Fixture) -> anyhow::Result<()> {
        let now = self.now();
        let mut next_id = 1;
        for c in &f.controllers {
            for binary in ["nova-scheduler", "nova-conductor"] {
                let uuid = self.sim.ids.uuid();
                self.compute.services.push(service(next_id, uuid, binary, c, INTERNAL_AZ, now));
                next_id += 1;
            }
        }
        for (i, h) in f.hosts.iter().enumerate() {
            if self.compute.host(&h.name).is_some() {
                bail!("host {} is defined twice", h.name);
            }
            let uuid = self.sim.ids.uuid();
            // Nova reports inventories this way (nova/virt/libvirt/driver.py update_provider_tree).
            let inventories = BTreeMap::from([
                (VCPU.to_string(), Inventory::new(h.vcpus, h.reserved_host_cpus, h.cpu_allocation_ratio)),
                (MEMORY_MB.to_string(), Inventory::new(h.memory_mb, h.reserved_host_memory_mb, h.ram_allocation_ratio)),
                (DISK_GB.to_string(), Inventory::new(h.disk_gb, h.reserved_host_disk_mb.div_ceil(1024), h.disk_allocation_ratio)),
            ]);
            self.placement.add_provider(uuid.clone(), h.name.clone(), inventories, vec!["COMPUTE_NODE".into(), "HW_CPU_X86_AVX2".into()]);
            self.compute.hosts.push(Host {
                name: h.name.clone(),
                ip: h.ip.clone(),
                az: h.az.clone(),
                vcpus: h.vcpus,
                memory_mb: h.memory_mb,
                disk_gb: h.disk_gb,
                cpu_allocation_ratio: h.cpu_allocation_ratio,
                ram_allocation_ratio: h.ram_allocation_ratio,
                disk_allocation_ratio: h.disk_allocation_ratio,
                reserved_host_memory_mb: h.reserved_host_memory_mb,
                reserved_host_disk_mb: h.reserved_host_disk_mb,
                reserved_host_cpus: h.reserved_host_cpus,
                resume_guests_state_on_host_boot: h.resume_guests_state_on_host_boot,
                hypervisor_id: i as u64 + 1,
                uuid,
                powered: true,
                pressure: false,
                booted_at: now,
            });
            let svc_uuid = self.sim.ids.uuid();
            self.compute.services.push(service(next_id, svc_uuid, "nova-compute", &h.name, &h.az, now));
            next_id += 1;
        }
        for (i, fl) in f.flavors.iter().enumerate() {
            let projects = match &fl.project {
                Some(p) => {
                    vec![self.identity.project_named(p).ok_or_else(|| anyhow!("flavor {}: unknown project {p}", fl.name))?.id.clone()]
                }
                None => vec![],
            };
            self.compute.flavors.push(Flavor {
                id: fl.id.clone().unwrap_or_else(|| (i + 1).to_string()),
                name: fl.name.clone(),
                vcpus: fl.vcpus,
                ram: fl.ram,
                disk: fl.disk,
                ephemeral: fl.ephemeral,
                swap: fl.swap,
                rxtx_factor: 1.0,
                is_public: fl.public,
                projects,
                description: None,
                extra_specs: BTreeMap::new(),
            });
        }
        for s in &f.servers {
            self.boot_fixture_server(s).map_err(|e| anyhow!("server {}: {e}", s.name))?;
        }
        Ok(())
    }

    pub(crate) fn boot_fixture_server(&mut self, s: &crate::fixture::ServerSpec) -> anyhow::Result<()> {
        let now = self.now();
        let project = self.identity.project_named(&s.project).ok_or_else(|| anyhow!("unknown project {}", s.project))?.id.clone();
        let user = self.identity.user_named(&s.user).ok_or_else(|| anyhow!("unknown user {}", s.user))?.id.clone();
        let flavor = self.compute.usable_flavor(&s.flavor, &project, true).ok_or_else(|| anyhow!("unknown flavor {}", s.flavor))?.clone();
        let image = self.image.find(&s.image, &project, true).ok_or_else(|| anyhow!("unknown image {}", s.image))?.id.clone();
        let mut networks = Vec::new();
        for n in &s.networks {
            networks.push(self.network.usable_network(n, &project, true).ok_or_else(|| anyhow!("unknown network {n}"))?);
        }
        let host = match &s.host {
            Some(h) => self.compute.host(h).ok_or_else(|| anyhow!("unknown host {h}"))?.name.clone(),
            None => self.pick_host(&flavor_resources(&flavor), None, None).ok_or_else(|| anyhow!("no host has room"))?,
        };
        let id = s.id.clone().unwrap_or_else(|| self.sim.ids.uuid());
        let az = self.compute.host(&host).map(|h| h.az.clone()).unwrap_or_else(|| DEFAULT_AZ.into());
        let rp = self.compute.host(&host).expect("checked").uuid.clone();
        self.placement.allocate(&id, &rp, flavor_resources(&flavor), &project, &user).map_err(|e| anyhow!("{e:?}"))?;
        for net in &networks {
            self.network.create_server_port(&mut self.sim.ids, now, net, &project, &id, &az).map_err(|e| anyhow!(e))?;
        }
        self.network.bind_device(&id, &host, now);
        let stopped = match s.status.as_str() {
            "ACTIVE" => false,
            "SHUTOFF" => true,
            other => bail!("status must be ACTIVE or SHUTOFF, got {other}"),
        };
        self.compute.insert_server(Server {
            id: id.clone(),
            seq: 0,
            name: s.name.clone(),
            project_id: project.clone(),
            user_id: user,
            flavor_id: flavor.id.clone(),
            image_id: image,
            host: Some(host),
            vm_state: if stopped { VmState::Stopped } else { VmState::Active },
            task_state: None,
            power_state: if stopped { POWER_SHUTDOWN } else { POWER_RUNNING },
            fault: None,
            created_at: now,
            updated_at: now,
            launched_at: Some(now),
            key_name: s.key_name.clone(),
            metadata: s.metadata.clone(),
            requested_az: None,
            network_ids: networks,
            security_groups: vec!["default".into()],
            description: None,
            tags: vec![],
            locked: false,
            locked_reason: None,
            old_flavor_id: None,
            migration_id: None,
            reservation_id: None,
            access_ipv4: String::new(),
            access_ipv6: String::new(),
            user_data: None,
            server_group: None,
        });
        if s.floating_ip {
            let external = self.external_network_for(&project).ok_or_else(|| anyhow!("floating_ip: no external network"))?;
            self.network.float_device(&mut self.sim.ids, now, &external, &project, &id).map_err(|e| anyhow!(e))?;
        }
        Ok(())
    }

    /// The first external network, by the fixture's order of networks.
    fn external_network_for(&self, project: &str) -> Option<String> {
        self.network.usable_network("public", project, true)
    }

    /// Nova's scheduler: Placement candidates, filtered by the compute service being up and enabled
    /// (ComputeFilter), the zone (AvailabilityZoneFilter) and anti-affinity; weighed by free RAM
    /// (RAMWeigher spreads), ties broken by host name. `None` is NoValidHost.
    pub fn pick_host(&self, resources: &BTreeMap<String, u64>, az: Option<&str>, anti_affinity_with: Option<&[String]>) -> Option<String> {
        self.pick_host_excluding(resources, az, anti_affinity_with, None, &[])
    }

    /// [`Self::pick_host`] leaving out hosts a build already failed on (Nova's retry filter).
    fn pick_host_excluding(
        &self,
        resources: &BTreeMap<String, u64>,
        az: Option<&str>,
        anti_affinity_with: Option<&[String]>,
        affinity_host: Option<&str>,
        tried: &[String],
    ) -> Option<String> {
        let now = self.now();
        let avoid: Vec<&str> = anti_affinity_with
            .unwrap_or_default()
            .iter()
            .filter_map(|id| self.compute.server(id).and_then(|s| s.host.as_deref()))
            .collect();
        self.placement
            .candidates(resources)
            .into_iter()
            .filter_map(|rp| self.compute.hosts.iter().find(|h| h.uuid == rp.uuid).map(|h| (rp, h)))
            .filter(|(_, h)| {
                let svc_ok = self
                    .compute
                    .compute_service(&h.name)
                    .is_some_and(|s| !s.disabled && !s.forced_down && s.heartbeat.is_up(now, crate::compute::model::SERVICE_HEARTBEAT));
                svc_ok
                    && az.is_none_or(|z| z == h.az)
                    && !avoid.contains(&h.name.as_str())
                    && affinity_host.is_none_or(|a| a == h.name)
                    && !tried.contains(&h.name)
            })
            .map(|(rp, h)| {
                let free =
                    rp.inventories.get(MEMORY_MB).map_or(0, |inv| inv.capacity() as i64 - self.placement.usage(&rp.uuid, MEMORY_MB) as i64);
                (free, h.name.clone())
            })
            .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(&a.1)))
            .map(|(_, name)| name)
    }

    /// Accepts a create request (already validated by the API): a BUILD server with ports, and the
    /// scheduler's answer due shortly.
    pub fn create_server(&mut self, req: ServerRequest) -> Result<String, Refused> {
        let now = self.now();
        let id = self.sim.ids.uuid();
        let mut ports = Vec::new();
        for net in &req.network_ids {
            match self.network.create_server_port(
                &mut self.sim.ids,
                now,
                net,
                &req.project_id,
                &id,
                req.az.as_deref().unwrap_or(DEFAULT_AZ),
            ) {
                Ok(p) => ports.push(p),
                Err(e) => {
                    // Nothing half-made stays behind: release what this request created.
                    self.network.release_device(&id);
                    return Err(Refused(400, e));
                }
            }
        }
        if let Some(g) = &req.server_group {
            if let Some(group) = self.compute.server_groups.iter_mut().find(|x| &x.id == g) {
                group.members.push(id.clone());
            }
        }
        self.compute.insert_server(Server {
            id: id.clone(),
            seq: 0,
            name: req.name,
            project_id: req.project_id,
            user_id: req.user_id,
            flavor_id: req.flavor_id,
            image_id: req.image_id,
            host: None,
            vm_state: VmState::Building,
            task_state: Some("scheduling".into()),
            power_state: POWER_NOSTATE,
            fault: None,
            created_at: now,
            updated_at: now,
            launched_at: None,
            key_name: req.key_name,
            metadata: req.metadata,
            requested_az: req.az,
            network_ids: req.network_ids,
            security_groups: req.security_groups,
            description: req.description,
            tags: vec![],
            locked: false,
            locked_reason: None,
            old_flavor_id: None,
            migration_id: None,
            reservation_id: None,
            access_ipv4: String::new(),
            access_ipv6: String::new(),
            user_data: None,
            server_group: req.server_group,
        });
        self.record_server(&id, None, "BUILD");
        self.sim.scheduler.schedule(now + Duration::seconds(SCHEDULE_SECS), Event::ServerSchedule { server_id: id.clone() });
        Ok(id)
    }

    fn record_server(&mut self, id: &str, from: Option<&str>, to: &str) {
        self.record(Record::Transition { resource: "server".into(), id: id.into(), from: from.map(str::to_string), to: to.into() });
    }

    /// Applies one of Nova's events (others are ignored).
    pub(crate) fn apply_compute_event(&mut self, event: &Event, at: SimTime) {
        match event {
            Event::ServerSchedule { server_id } => self.schedule_server(server_id, at),
            Event::ServerSpawned { server_id } => self.finish_task(server_id, VmState::Active, POWER_RUNNING, at, true),
            Event::ServerPowerOff { server_id } => self.finish_task(server_id, VmState::Stopped, POWER_SHUTDOWN, at, false),
            Event::ServerPowerOn { server_id } | Event::ServerRebooted { server_id } => {
                self.finish_task(server_id, VmState::Active, POWER_RUNNING, at, false)
            }
            Event::ServerSettled { server_id, vm_state, power_state } => self.finish_task(server_id, *vm_state, *power_state, at, false),
            Event::ServerOffloaded { server_id } => self.offload_server(server_id, at),
            Event::ServerUnshelved { server_id, host } => self.unshelve_server(server_id, host.as_deref(), at),
            Event::ServerResized { server_id } => self.finish_move(server_id, at),
            Event::ServerEvacuated { server_id, stopped } => self.finish_evacuation(server_id, *stopped, at),
            Event::ServerSnapshot { server_id, image_id, stage, kind } => self.snapshot_step(server_id, image_id, *stage, kind, at),
            Event::InterfacePlugged { server_id, port_id } => self.interface_plugged(server_id, port_id, at),
            Event::InterfaceDetached { server_id, port_id } => self.interface_detached(server_id, port_id, at),
            Event::HostBooted { host } => self.host_booted(host, at),
            Event::VolumeAttached { .. } | Event::VolumeDetached { .. } => self.apply_volume_attachment_event(event),
        }
    }

    fn schedule_server(&mut self, id: &str, at: SimTime) {
        let Some(server) = self.compute.server(id).filter(|s| s.vm_state == VmState::Building).cloned() else { return };
        let Some(flavor) = self.compute.flavor(&server.flavor_id).cloned() else { return };
        let resources = flavor_resources(&flavor);
        let peers: Option<Vec<String>> = server
            .server_group
            .as_deref()
            .and_then(|g| self.compute.server_groups.iter().find(|x| x.id == g))
            .filter(|g| g.policy == "anti-affinity")
            .map(|g| g.members.iter().filter(|m| *m != id).cloned().collect());
        // Affinity (ServerGroupAffinityFilter): the host of a member already placed, if any.
        let affinity_host: Option<String> = server
            .server_group
            .as_deref()
            .and_then(|g| self.compute.server_groups.iter().find(|x| x.id == g))
            .filter(|g| g.policy == "affinity")
            .and_then(|g| g.members.iter().filter(|m| *m != id).find_map(|m| self.compute.server(m).and_then(|s| s.host.clone())));
        // The scheduler's pick, then Nova's reschedules: a build whose ports fail to bind
        // (PortBindingFailed) goes to the next host, up to `MAX_ATTEMPTS` hosts in all.
        let mut tried: Vec<String> = Vec::new();
        loop {
            let chosen =
                self.pick_host_excluding(&resources, server.requested_az.as_deref(), peers.as_deref(), affinity_host.as_deref(), &tried);
            let claimed = chosen.and_then(|host| {
                let rp = self.compute.host(&host)?.uuid.clone();
                self.placement.allocate(id, &rp, resources.clone(), &server.project_id, &server.user_id).ok().map(|_| host)
            });
            let Some(host) = claimed else {
                // No (further) candidate: NoValidHost at the first pick, MaxRetriesExceeded after a
                // failed build (whose ports were unbound below).
                let fault = if tried.is_empty() { no_valid_host(at) } else { max_retries_exceeded(id, at) };
                self.fail_build(id, fault, at);
                return;
            };
            let failed_ports = self.network.bind_device(id, &host, at);
            if failed_ports.is_empty() {
                let s = self.compute.server_mut(id).expect("checked");
                s.host = Some(host);
                s.task_state = Some("spawning".into());
                s.updated_at = at;
                let jitter = self.sim.ids.fraction() * SPAWN_JITTER_SECS;
                let due = at + Duration::milliseconds(((SPAWN_SECS + jitter) * 1000.0) as i64);
                self.sim.scheduler.schedule(due, Event::ServerSpawned { server_id: id.into() });
                return;
            }
            for port in failed_ports {
                self.sim.journal.record(
                    at,
                    Record::Transition { resource: "port".into(), id: port, from: Some("unbound".into()), to: "binding_failed".into() },
                );
            }
            // The compute host's cleanup before the reschedule: ports unbound, claim dropped.
            self.network.bind_device(id, "", at);
            let _ = self.placement.delete_allocations(id);
            tried.push(host);
            if tried.len() >= MAX_ATTEMPTS {
                self.fail_build(id, max_retries_exceeded(id, at), at);
                return;
            }
        }
    }

    /// A build that ends in ERROR with Nova's instance fault.
    fn fail_build(&mut self, id: &str, fault: Fault, at: SimTime) {
        let s = self.compute.server_mut(id).expect("checked");
        s.vm_state = VmState::Error;
        s.task_state = None;
        s.updated_at = at;
        s.fault = Some(fault.clone());
        self.compute.actions.finish(id, None, at, Some(&fault.message));
        self.sim
            .journal
            .record(at, Record::Transition { resource: "server".into(), id: id.into(), from: Some("BUILD".into()), to: "ERROR".into() });
    }

    /// Ends a server's task (spawn, power off/on, reboot), journaling the status change.
    fn finish_task(&mut self, id: &str, vm: VmState, power: u8, at: SimTime, launched: bool) {
        let Some(s) = self.compute.server_mut(id) else { return };
        let host = s.host.clone();
        self.compute.actions.finish(id, host.as_deref(), at, None);
        let Some(s) = self.compute.server_mut(id) else { return };
        let from = s.status();
        s.vm_state = vm;
        s.power_state = power;
        s.task_state = None;
        s.updated_at = at;
        if launched {
            s.launched_at = Some(at);
        }
        let to = s.status();
        if from != to {
            self.sim
                .journal
                .record(at, Record::Transition { resource: "server".into(), id: id.into(), from: Some(from.into()), to: to.into() });
        }
    }

    /// A server action with Nova's checks: the lock (for non-admins), the vm_state and the task in
    /// progress (409 conflictingRequest); then the task starts and its end is due on the clock.
    pub fn server_task(&mut self, id: &str, action: ServerAction, admin: bool) -> Result<(), Refused> {
        let now = self.now();
        let s = self.compute.server(id).ok_or_else(|| Refused(404, format!("Instance {id} could not be found.")))?.clone();
        let name = action.name();
        if s.locked && !admin && action.respects_lock() {
            return Err(Refused(409, format!("Instance {id} is locked")));
        }
        if let Some(allowed) = action.allowed_from() {
            if !allowed.contains(&s.vm_state) {
                return Err(Refused(409, format!("Cannot '{name}' instance {id} while it is in vm_state {}", s.vm_state.as_str())));
            }
        }
        if action.needs_no_task() {
            if let Some(task) = &s.task_state {
                return Err(Refused(409, format!("Cannot '{name}' instance {id} while it is in task_state {task}")));
            }
        }
        let settle = |vm_state: VmState, power_state: u8| Event::ServerSettled { server_id: id.into(), vm_state, power_state };
        let back = if s.power_state == POWER_RUNNING { (Active, POWER_RUNNING) } else { (Stopped, POWER_SHUTDOWN) };
        let (task, event, secs): (Option<&str>, Option<Event>, i64) = match action {
            ServerAction::Stop => (Some("powering-off"), Some(Event::ServerPowerOff { server_id: id.into() }), POWER_OFF_SECS),
            ServerAction::Start => (Some("powering-on"), Some(Event::ServerPowerOn { server_id: id.into() }), POWER_ON_SECS),
            ServerAction::Reboot { hard } => {
                let task = if hard { "rebooting_hard" } else { "rebooting" };
                (Some(task), Some(Event::ServerRebooted { server_id: id.into() }), REBOOT_SECS)
            }
            ServerAction::Pause => (Some("pausing"), Some(settle(Paused, POWER_PAUSED)), GUEST_OP_SECS),
            ServerAction::Unpause => (Some("unpausing"), Some(settle(Active, POWER_RUNNING)), GUEST_OP_SECS),
            ServerAction::Suspend => (Some("suspending"), Some(settle(Suspended, POWER_SHUTDOWN)), GUEST_OP_SECS),
            ServerAction::Resume => (Some("resuming"), Some(settle(Active, POWER_RUNNING)), GUEST_OP_SECS),
            ServerAction::Rescue => (Some("rescuing"), Some(settle(Rescued, POWER_RUNNING)), GUEST_OP_SECS),
            ServerAction::Unrescue => (Some("unrescuing"), Some(settle(Active, POWER_RUNNING)), GUEST_OP_SECS),
            ServerAction::Shelve => {
                self.shelve_snapshot(&s);
                (Some("shelving"), Some(Event::ServerOffloaded { server_id: id.into() }), GUEST_OP_SECS)
            }
            ServerAction::ShelveOffload => {
                (Some("shelving_offloading"), Some(Event::ServerOffloaded { server_id: id.into() }), GUEST_OP_SECS)
            }
            ServerAction::Unshelve { availability_zone, host } => {
                // Nova moves only an offloaded server; a shelved one is still on its host.
                if (availability_zone.is_some() || host.is_some()) && s.vm_state != ShelvedOffloaded {
                    return Err(Refused(
                        409,
                        format!("The unshelve action on instance {id} with a host or availability zone is only allowed for SHELVED_OFFLOADED instances."),
                    ));
                }
                if let Some(h) = host.as_deref().filter(|h| self.compute.host(h).is_none()) {
                    return Err(Refused(400, format!("Compute host {h} could not be found.")));
                }
                if let Some(az) = availability_zone {
                    self.compute.server_mut(id).expect("checked").requested_az = Some(az);
                }
                (Some("unshelving"), Some(Event::ServerUnshelved { server_id: id.into(), host }), SPAWN_SECS as i64)
            }
            ServerAction::Rebuild { image_id, name, metadata } => {
                let srv = self.compute.server_mut(id).expect("checked");
                srv.image_id = image_id;
                if let Some(n) = name {
                    srv.name = n;
                }
                if let Some(m) = metadata {
                    srv.metadata = m;
                }
                // A rebuilt server comes back running unless it was stopped.
                let to = if s.vm_state == Stopped { (Stopped, POWER_SHUTDOWN) } else { (Active, POWER_RUNNING) };
                (Some("rebuilding"), Some(settle(to.0, to.1)), REBUILD_SECS)
            }
            ServerAction::Resize { flavor_id } => {
                self.start_resize(&s, &flavor_id)?;
                (Some("resize_prep"), Some(Event::ServerResized { server_id: id.into() }), RESIZE_SECS)
            }
            ServerAction::Migrate { host } => {
                self.start_migrate(&s, host)?;
                (Some("resize_prep"), Some(Event::ServerResized { server_id: id.into() }), RESIZE_SECS)
            }
            ServerAction::Evacuate { host, stopped } => {
                self.start_evacuation(&s, host)?;
                (Some("rebuilding"), Some(Event::ServerEvacuated { server_id: id.into(), stopped }), REBUILD_SECS)
            }
            ServerAction::ConfirmResize => {
                self.confirm_move(&s, now);
                self.finish_task(id, back.0, back.1, now, false);
                (None, None, 0)
            }
            ServerAction::RevertResize => {
                self.revert_resize(&s)?;
                (Some("resize_reverting"), Some(settle(back.0, back.1)), RESIZE_SECS)
            }
            ServerAction::Lock { reason } => {
                let srv = self.compute.server_mut(id).expect("checked");
                srv.locked = true;
                srv.locked_reason = reason;
                (None, None, 0)
            }
            ServerAction::Unlock => {
                let srv = self.compute.server_mut(id).expect("checked");
                srv.locked = false;
                srv.locked_reason = None;
                (None, None, 0)
            }
            ServerAction::ResetState { error } => {
                let vm = if error { Error } else { Active };
                let srv = self.compute.server_mut(id).expect("checked");
                srv.task_state = None;
                let power = srv.power_state;
                self.finish_task(id, vm, power, now, false);
                (None, None, 0)
            }
            ServerAction::AddSecurityGroup { name } => {
                let srv = self.compute.server_mut(id).expect("checked");
                if !srv.security_groups.contains(&name) {
                    srv.security_groups.push(name);
                }
                (None, None, 0)
            }
            ServerAction::RemoveSecurityGroup { name } => {
                let srv = self.compute.server_mut(id).expect("checked");
                if !srv.security_groups.contains(&name) {
                    return Err(Refused(400, format!("Security group {name} not associated with the instance")));
                }
                srv.security_groups.retain(|g| g != &name);
                (None, None, 0)
            }
            ServerAction::TriggerCrashDump | ServerAction::ForceDelete | ServerAction::Restore => (None, None, 0),
        };
        let srv = self.compute.server_mut(id).expect("checked");
        srv.updated_at = now;
        if let Some(t) = task {
            srv.task_state = Some(t.into());
        }
        if let Some(e) = event {
            self.sim.scheduler.schedule(now + Duration::seconds(secs), e);
        }
        Ok(())
    }

    /// A resize claims the new flavor for the server and keeps the old one under a migration
    /// consumer, as Nova does in Placement; both on the server's host (`allow_resize_to_same_host`,
    /// as devstack sets it). Refused without change when the flavor is the same, the quota has no
    /// room for what grows, or the flavor does not fit.
    fn start_resize(&mut self, s: &Server, flavor_id: &str) -> Result<(), Refused> {
        if flavor_id == s.flavor_id {
            return Err(Refused(400, "When resizing, instances must change flavor!".into()));
        }
        let new = self.compute.flavor(flavor_id).cloned().ok_or_else(|| Refused(400, format!("Flavor {flavor_id} could not be found.")))?;
        if let Some(old) = self.compute.flavor(&s.flavor_id) {
            self.compute.upsize_fits(&s.project_id, &s.user_id, old, &new).map_err(|m| Refused(403, m))?;
        }
        let Some(host) = s.host.clone() else { return Err(Refused(409, format!("Instance {} has no host", s.id))) };
        self.start_move(s, &new, &host, MigrationType::Resize).map_err(|()| Refused(400, NO_VALID_HOST.trim_end().to_string()))
    }

    /// A cold migration: the same flavor on another host, the named one (2.56, admin) or the
    /// scheduler's pick. Refused without change when no other host has room.
    fn start_migrate(&mut self, s: &Server, host: Option<String>) -> Result<(), Refused> {
        let Some(source) = s.host.clone() else { return Err(Refused(409, format!("Instance {} has no host", s.id))) };
        let flavor = self
            .compute
            .flavor(&s.flavor_id)
            .cloned()
            .ok_or_else(|| Refused(400, format!("Flavor {} could not be found.", s.flavor_id)))?;
        let no_host = || Refused(400, format!("{NO_VALID_HOST}No valid host found for cold migrate"));
        let dest = match host {
            Some(h) if self.compute.host(&h).is_none() => return Err(Refused(400, format!("Compute host {h} could not be found."))),
            Some(h) if h == source => {
                return Err(Refused(400, format!("Unable to migrate instance ({}) to current host ({h}).", s.id)));
            }
            Some(h) => h,
            None => self
                .pick_host_excluding(&flavor_resources(&flavor), s.requested_az.as_deref(), None, None, std::slice::from_ref(&source))
                .ok_or_else(no_host)?,
        };
        self.start_move(s, &flavor, &dest, MigrationType::Migration).map_err(|()| no_host())
    }

    /// Moves a server's claim to `new` on `dest`, keeping its current claim on its host under a new
    /// migration (Nova's migration-based allocations), and records the migration. On `Err` the
    /// claims are as they were.
    fn start_move(&mut self, s: &Server, new: &Flavor, dest: &str, kind: MigrationType) -> Result<(), ()> {
        let source = s.host.clone().unwrap_or_default();
        let rp_of = |w: &Self, host: &str| w.compute.host(host).map(|h| h.uuid.clone());
        let (Some(source_rp), Some(dest_rp)) = (rp_of(self, &source), rp_of(self, dest)) else { return Err(()) };
        let old = self.compute.flavor(&s.flavor_id).cloned();
        let migration = self.sim.ids.uuid();
        if let Some(old) = &old {
            self.placement.allocate(&migration, &source_rp, flavor_resources(old), &s.project_id, &s.user_id).map_err(|_| ())?;
        }
        self.placement.free(&s.id);
        if self.placement.allocate(&s.id, &dest_rp, flavor_resources(new), &s.project_id, &s.user_id).is_err() {
            // Give the old claim back to the server.
            self.placement.free(&migration);
            if let Some(old) = &old {
                let _ = self.placement.allocate(&s.id, &source_rp, flavor_resources(old), &s.project_id, &s.user_id);
            }
            return Err(());
        }
        let now = self.now();
        self.compute.migrations.start(Migration {
            id: 0,
            uuid: migration.clone(),
            server_id: s.id.clone(),
            project_id: s.project_id.clone(),
            user_id: s.user_id.clone(),
            migration_type: kind,
            status: "migrating".into(),
            source_compute: source,
            dest_compute: dest.to_string(),
            old_flavor_id: s.flavor_id.clone(),
            new_flavor_id: new.id.clone(),
            created_at: now,
            updated_at: None,
        });
        let srv = self.compute.server_mut(&s.id).expect("checked");
        srv.old_flavor_id = Some(s.flavor_id.clone());
        srv.migration_id = Some(migration);
        srv.flavor_id = new.id.clone();
        Ok(())
    }

    /// The move's disk copy is done: the server runs on its destination, waiting to be confirmed
    /// or reverted (VERIFY_RESIZE).
    fn finish_move(&mut self, id: &str, at: SimTime) {
        let Some(s) = self.compute.server(id).cloned() else { return };
        if let Some(m) = s.migration_id.as_deref().and_then(|m| self.compute.migrations.by_uuid(m)).cloned() {
            self.compute.migrations.set_status(&m.uuid, "finished", at);
            if s.host.as_deref() != Some(m.dest_compute.as_str()) {
                self.network.bind_device(id, &m.dest_compute, at);
                self.compute.server_mut(id).expect("checked").host = Some(m.dest_compute);
            }
        }
        self.finish_task(id, Resized, s.power_state, at, false)
    }

    /// An evacuation claims the server's flavor on another host, for a server whose host's
    /// nova-compute is down (Nova refuses otherwise: the guest may still be running there). The
    /// source's claim goes with it here; Nova keeps it until the source comes back and cleans up.
    fn start_evacuation(&mut self, s: &Server, host: Option<String>) -> Result<(), Refused> {
        let Some(source) = s.host.clone() else { return Err(Refused(409, format!("Instance {} has no host", s.id))) };
        let now = self.now();
        let up = self
            .compute
            .compute_service(&source)
            .is_some_and(|svc| !svc.forced_down && svc.heartbeat.is_up(now, crate::compute::model::SERVICE_HEARTBEAT));
        if up {
            return Err(Refused(400, format!("Compute service of {source} is still in use.")));
        }
        let flavor = self
            .compute
            .flavor(&s.flavor_id)
            .cloned()
            .ok_or_else(|| Refused(400, format!("Flavor {} could not be found.", s.flavor_id)))?;
        let resources = flavor_resources(&flavor);
        let dest = match host {
            Some(h) if self.compute.host(&h).is_none() => return Err(Refused(404, format!("Compute host {h} could not be found."))),
            Some(h) if h == source => return Err(Refused(400, "The target host can't be the same one.".into())),
            Some(h) => self.pick_host_excluding(&resources, None, None, Some(&h), &[]),
            None => self.pick_host_excluding(&resources, s.requested_az.as_deref(), None, None, std::slice::from_ref(&source)),
        };
        let dest = dest.ok_or_else(|| Refused(400, format!("{NO_VALID_HOST}No valid host found for evacuate")))?;
        let dest_rp = self.compute.host(&dest).map(|h| h.uuid.clone()).expect("picked from the hosts");
        let old = self.placement.allocations.get(&s.id).cloned();
        self.placement.free(&s.id);
        if self.placement.allocate(&s.id, &dest_rp, resources, &s.project_id, &s.user_id).is_err() {
            if let Some(old) = old {
                self.placement.allocations.insert(s.id.clone(), old);
            }
            return Err(Refused(400, format!("{NO_VALID_HOST}No valid host found for evacuate")));
        }
        let uuid = self.sim.ids.uuid();
        self.compute.migrations.start(Migration {
            id: 0,
            uuid,
            server_id: s.id.clone(),
            project_id: s.project_id.clone(),
            user_id: s.user_id.clone(),
            migration_type: MigrationType::Evacuation,
            status: "accepted".into(),
            source_compute: source,
            dest_compute: dest,
            old_flavor_id: s.flavor_id.clone(),
            new_flavor_id: s.flavor_id.clone(),
            created_at: now,
            updated_at: None,
        });
        Ok(())
    }

    /// The rebuild on the new host is done: the server runs there (or is stopped, 2.95+).
    fn finish_evacuation(&mut self, id: &str, stopped: bool, at: SimTime) {
        let evacuation = self
            .compute
            .migrations
            .list
            .iter()
            .rev()
            .find(|m| m.server_id == id && m.migration_type == MigrationType::Evacuation)
            .map(|m| (m.uuid.clone(), m.dest_compute.clone()));
        if let Some((uuid, dest)) = evacuation {
            self.compute.migrations.set_status(&uuid, "done", at);
            self.network.bind_device(id, &dest, at);
            if let Some(s) = self.compute.server_mut(id) {
                s.host = Some(dest);
            }
        }
        let (vm, power) = if stopped { (Stopped, POWER_SHUTDOWN) } else { (Active, POWER_RUNNING) };
        self.finish_task(id, vm, power, at, false);
    }

    /// A confirm drops the source's claim.
    fn confirm_move(&mut self, s: &Server, at: SimTime) {
        if let Some(m) = &s.migration_id {
            self.placement.free(m);
            self.compute.migrations.set_status(m, "confirmed", at);
        }
        let srv = self.compute.server_mut(&s.id).expect("checked");
        srv.old_flavor_id = None;
        srv.migration_id = None;
    }

    /// A revert gives the server its old flavor and its claim on the source host back.
    fn revert_resize(&mut self, s: &Server) -> Result<(), Refused> {
        let now = self.now();
        let old_id = s.old_flavor_id.clone().unwrap_or_else(|| s.flavor_id.clone());
        let migration = s.migration_id.as_deref().and_then(|m| self.compute.migrations.by_uuid(m)).cloned();
        let source = migration.as_ref().map(|m| m.source_compute.clone()).or_else(|| s.host.clone());
        let rp = source.as_deref().and_then(|h| self.compute.host(h)).map(|h| h.uuid.clone());
        if let Some(m) = &s.migration_id {
            self.placement.free(m);
            self.compute.migrations.set_status(m, "reverted", now);
        }
        self.placement.free(&s.id);
        if let (Some(rp), Some(old)) = (rp, self.compute.flavor(&old_id).cloned()) {
            let _ = self.placement.allocate(&s.id, &rp, flavor_resources(&old), &s.project_id, &s.user_id);
        }
        if let Some(source) = source.filter(|h| s.host.as_ref() != Some(h)) {
            self.network.bind_device(&s.id, &source, now);
            self.compute.server_mut(&s.id).expect("checked").host = Some(source);
        }
        let srv = self.compute.server_mut(&s.id).expect("checked");
        srv.flavor_id = old_id;
        srv.old_flavor_id = None;
        srv.migration_id = None;
        Ok(())
    }

    /// A shelved server leaves its host: no claim in Placement, ports unbound.
    fn offload_server(&mut self, id: &str, at: SimTime) {
        self.placement.free(id);
        self.network.bind_device(id, "", at);
        if let Some(s) = self.compute.server_mut(id) {
            s.host = None;
        }
        self.finish_task(id, ShelvedOffloaded, POWER_SHUTDOWN, at, false);
    }

    /// Unshelving schedules the server again; with no room it stays offloaded.
    fn unshelve_server(&mut self, id: &str, to_host: Option<&str>, at: SimTime) {
        let Some(server) = self.compute.server(id).cloned() else { return };
        let Some(flavor) = self.compute.flavor(&server.flavor_id).cloned() else { return };
        let resources = flavor_resources(&flavor);
        let az = if to_host.is_some() { None } else { server.requested_az.as_deref() };
        let placed = self.pick_host_excluding(&resources, az, None, to_host, &[]).and_then(|host| {
            let rp = self.compute.host(&host)?.uuid.clone();
            self.placement.allocate(id, &rp, resources, &server.project_id, &server.user_id).ok().map(|_| host)
        });
        match placed {
            Some(host) => {
                self.network.bind_device(id, &host, at);
                if let Some(s) = self.compute.server_mut(id) {
                    s.host = Some(host);
                }
                self.finish_task(id, Active, POWER_RUNNING, at, false);
                self.drop_shelved_snapshot(id, at);
            }
            None => self.finish_task(id, ShelvedOffloaded, POWER_SHUTDOWN, at, false),
        }
    }

    /// Deletes a server: its allocation and ports go with it, and pending events for it are dropped.
    pub fn delete_server(&mut self, id: &str) -> Result<(), Refused> {
        let s = self.compute.remove_server(id).ok_or_else(|| Refused(404, format!("Instance {id} could not be found.")))?;
        // The cache never outgrows the server table.
        self.renders.forget(s.seq);
        self.placement.free(id);
        // A server deleted mid-move drops the source's claim too: Nova confirms a finished move
        // on delete and gives up an unfinished one.
        if let Some(m) = &s.migration_id {
            self.placement.free(m);
            let now = self.now();
            let finished = self.compute.migrations.by_uuid(m).is_some_and(|m| m.status == "finished");
            self.compute.migrations.set_status(m, if finished { "confirmed" } else { "error" }, now);
        }
        self.release_interfaces(id);
        self.network.release_device(id);
        self.sim.scheduler.cancel(|e| match e {
            crate::world::Event::Compute(e) => e.server_id() == Some(id),
            _ => false,
        });
        self.abandon_snapshots(id);
        self.release_server_volumes(id);
        self.record_server(id, Some(s.status()), "DELETED");
        Ok(())
    }

    /// nova-compute's init_host after a host reboot: guests that were running come back SHUTOFF,
    /// unless `resume_guests_state_on_host_boot` restarts them.
    fn host_booted(&mut self, host: &str, at: SimTime) {
        let Some(h) = self.compute.host_mut(host) else { return };
        h.powered = true;
        h.booted_at = at;
        self.end_reboot_fault(host, at);
        let Some(h) = self.compute.host(host) else { return };
        let resume = h.resume_guests_state_on_host_boot;
        if let Some(svc) = self.compute.service_mut("nova-compute", host) {
            svc.heartbeat.resume();
        }
        self.network.set_host_agents_alive(host, true, at);
        let ids: Vec<String> = self.compute.servers_on(host).filter(|s| s.vm_state == VmState::Active).map(|s| s.id.clone()).collect();
        for id in ids {
            if resume {
                self.finish_task(&id, VmState::Active, POWER_RUNNING, at, false);
            } else {
                self.finish_task(&id, VmState::Stopped, POWER_SHUTDOWN, at, false);
            }
        }
    }
}
