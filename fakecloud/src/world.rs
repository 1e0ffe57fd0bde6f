//! The world: the simulation core plus the state of every service, behind one lock. The APIs, the
//! control API and the fake shell are doors into this one value. A snapshot is this value
//! serialised.
//!
//! This is where the services meet the core: the world's `Event` is the union of the events the
//! services declare, and `apply` hands each to the flow that owns it. The core itself (`sim/`)
//! never names a service.

use crate::faults::{Fault, FaultAction, FaultRequest, RequestFacts};
use crate::fixture::Fixture;
use crate::identity::Identity;
use crate::sim::journal::Record;
use crate::sim::time::parse_duration;
use crate::sim::{ClockMode, Journal, SimTime};
use serde::{Deserialize, Serialize};

/// Bumped whenever the snapshot shape changes; a snapshot of another version is refused.
pub const SNAPSHOT_FORMAT: u32 = 7;

/// The simulation core as the world fills it: the services' events and fault kinds.
pub type Sim = crate::sim::Sim<Event, FaultAction>;

/// Every timed transition: the world's own (a fault's end) and each service's, in its own type.
/// Untagged, since each service's enum already carries its `event` tag: the snapshot form is one
/// flat object per event, whoever owns it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Event {
    Core(CoreEvent),
    Compute(crate::compute::Event),
    Volume(crate::volume::Event),
    Network(crate::network::Event),
    LoadBalancer(crate::loadbalancer::Event),
    ContainerInfra(crate::container_infra::Event),
    Overcloud(crate::tripleo::Event),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum CoreEvent {
    /// A fault installed with a duration reaches its end and is removed.
    FaultExpires { fault_id: String },
}

macro_rules! event_from {
    ($($variant:ident($t:ty)),*) => {$(
        impl From<$t> for Event {
            fn from(e: $t) -> Event {
                Event::$variant(e)
            }
        }
    )*};
}
event_from!(
    Core(CoreEvent),
    Compute(crate::compute::Event),
    Volume(crate::volume::Event),
    Network(crate::network::Event),
    LoadBalancer(crate::loadbalancer::Event),
    ContainerInfra(crate::container_infra::Event),
    Overcloud(crate::tripleo::Event)
);

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct World {
    pub format: u32,
    pub seed: u64,
    pub sim: Sim,
    pub identity: Identity,
    pub image: crate::image::Images,
    pub network: crate::network::Network,
    pub placement: crate::placement::Placement,
    pub compute: crate::compute::Compute,
    pub volume: crate::volume::Volumes,
    pub octavia: crate::loadbalancer::model::Octavia,
    pub magnum: crate::container_infra::model::Magnum,
    pub overcloud: crate::tripleo::model::Overcloud,
    /// Rendered replies kept between requests (not part of a snapshot; see `compute::view_cache`).
    #[serde(skip)]
    pub renders: crate::compute::view_cache::ServerViewCache,
    /// Whole answers of reads kept until anything changes (not part of a snapshot; see `http::kept`).
    #[serde(skip)]
    pub kept: crate::http::kept::KeptReplies,
}

impl World {
    pub fn from_fixture(fixture: &Fixture, seed: u64, mode: ClockMode, start: SimTime) -> anyhow::Result<World> {
        let mut sim = Sim::new(seed, mode, start);
        let identity = Identity::from_fixture(fixture, &mut sim.ids)?;
        let image = crate::image::Images::from_fixture(fixture, &identity, &mut sim.ids, start)?;
        let network = crate::network::Network::from_fixture(fixture, &identity, &mut sim.ids, start)?;
        let mut world = World {
            format: SNAPSHOT_FORMAT,
            seed,
            sim,
            identity,
            image,
            network,
            placement: crate::placement::Placement::default(),
            compute: crate::compute::Compute::default(),
            volume: crate::volume::Volumes::default(),
            octavia: Default::default(),
            magnum: Default::default(),
            overcloud: Default::default(),
            renders: Default::default(),
            kept: Default::default(),
        };
        world.boot_compute(fixture)?;
        let compute = &world.compute;
        world.volume = crate::volume::Volumes::from_fixture(fixture, &world.identity, &mut world.sim.ids, start, &|name| {
            compute.server_id_named(name)
        })?;
        world.map_fixture_volumes();
        world.boot_octavia(fixture)?;
        world.boot_magnum(fixture)?;
        if let Some(spec) = &fixture.overcloud {
            world.overcloud = crate::tripleo::boot::build(fixture, spec, &mut world.sim.ids, start)?;
        }
        world.refresh_availability();
        // The fixture is where history starts: building it is not part of the journal.
        world.sim.journal = Journal::default();
        Ok(world)
    }

    /// A world from a snapshot, checked before it replaces anything.
    pub fn from_snapshot(json: &[u8]) -> Result<World, String> {
        // Checked without building a copy of the world as a JSON tree (that took ten times the
        // snapshot's size): validity first, then the top-level keys as raw slices.
        serde_json::from_slice::<serde::de::IgnoredAny>(json).map_err(|e| format!("snapshot is not valid JSON: {e}"))?;
        let top: std::collections::HashMap<String, &serde_json::value::RawValue> = serde_json::from_slice(json).unwrap_or_default();
        let field = |key: &str| top.get(key).and_then(|raw| serde_json::from_str::<serde_json::Value>(raw.get()).ok());
        let format = field("format");
        match format.as_ref().map(|v| (v, v.as_u64())) {
            Some((_, Some(v))) if v == SNAPSHOT_FORMAT as u64 => {}
            Some((_, Some(v))) => {
                return Err(format!("snapshot format {v} is not supported (this fakecloud reads format {SNAPSHOT_FORMAT})"))
            }
            Some((v, None)) => {
                return Err(format!("snapshot format {v} is not a format number (this fakecloud reads format {SNAPSHOT_FORMAT})"))
            }
            None => return Err("not a fakecloud snapshot: no format field".into()),
        }
        let (mark, redacted) = crate::control::redact::SNAPSHOT_MARK;
        if field(mark).as_ref().and_then(|v| v.as_str()) == Some(redacted) {
            return Err("this snapshot was served with its secrets redacted (passwords, token ids), so it cannot be restored: take it with secrets included (GET /_fakecloud/snapshot?secrets=include, `fakecloud ctl snapshot --secrets`)".into());
        }
        let mut world: World =
            serde_json::from_slice(json).map_err(|e| format!("snapshot does not match format {SNAPSHOT_FORMAT}: {e}"))?;
        world.identity.reindex();
        world.compute.reindex();
        world.octavia.reindex();
        Ok(world)
    }

    /// The simulated present (see `Sim::now`).
    pub fn now(&self) -> SimTime {
        self.sim.now()
    }

    pub fn record(&mut self, record: Record) {
        self.sim.record(record);
    }

    /// Applies every scheduled transition due at the current simulated time, in order.
    pub fn tick(&mut self) {
        while let Some(due) = self.sim.next_due() {
            self.apply(due.event, due.due);
        }
    }

    /// Marks that something may have changed, so nothing rendered before is served again. Called
    /// for every applied event, and (through `settle`) after every fault change and every request
    /// that is not a read.
    pub fn touch(&mut self) {
        self.renders.invalidate();
        self.kept.invalidate();
    }

    fn apply(&mut self, event: Event, at: SimTime) {
        let one_lb = self.event_touches_one_lb(&event);
        // The health manager's cycle changes no server by itself (it touches when it starts a
        // failover); skipping it keeps Nova's rendered views across its 10 s ticks.
        if event != Event::LoadBalancer(crate::loadbalancer::Event::HealthManagerTick) {
            self.touch();
        }
        match event {
            Event::Core(CoreEvent::FaultExpires { fault_id }) => {
                if let Some(f) = self.sim.faults.remove(&fault_id) {
                    self.fault_effect(&f.action, false, at);
                    self.sim.journal.record(at, Record::Fault { action: "expired".into(), fault_id, detail: String::new() });
                }
            }
            Event::Compute(e) => self.apply_compute_event(&e, at),
            Event::Volume(e) => self.volume.apply(e, at, &mut self.sim.journal),
            Event::Network(crate::network::Event::FloatingIpActive { floating_ip_id, port_id }) => {
                if self.network.activate_floating_ip(&floating_ip_id, &port_id, at) {
                    let (resource, from, to) = ("floatingip".into(), Some("DOWN".into()), "ACTIVE".into());
                    self.sim.journal.record(at, Record::Transition { resource, id: floating_ip_id, from, to });
                }
            }
            Event::LoadBalancer(e) => self.apply_octavia_event(&e, at),
            Event::ContainerInfra(crate::container_infra::Event::MagnumPeriodic) => self.magnum_periodic(at),
            Event::ContainerInfra(crate::container_infra::Event::CapiReconcile { epoch }) => self.capi_reconcile_tick(epoch, at),
            Event::Overcloud(crate::tripleo::Event::ContainerHealthCheck { node, container }) => {
                self.container_health_check(&node, &container, at)
            }
        }
        self.refresh_availability_after_event(one_lb);
        self.refresh_management();
    }

    /// After a request that may have changed something: drop renderings and note availability.
    pub fn settle(&mut self) {
        self.touch();
        self.refresh_availability_after_write();
        self.refresh_management();
    }

    pub fn advance_clock(&mut self, by: chrono::Duration) {
        let from = self.now();
        // Journaled when it starts, before the events it brings due, so the journal stays in the
        // order things took effect.
        self.record(Record::Control {
            action: "clock-advance".into(),
            detail: format!("{}s from {}", by.num_milliseconds() as f64 / 1000.0, crate::sim::time::rfc3339(from)),
        });
        self.sim.clock.advance(by);
        self.tick();
    }

    pub fn set_clock_mode(&mut self, mode: ClockMode) {
        self.sim.clock.set_mode(mode);
        self.record(Record::Control { action: "clock-mode".into(), detail: mode.to_string() });
    }

    pub fn add_fault(&mut self, req: FaultRequest) -> Result<Fault, String> {
        req.action.validate()?;
        self.check_fault_target(&req.action)?;
        if req.count == Some(0) {
            return Err("count must be at least 1".into());
        }
        let duration = req.duration.as_deref().map(parse_duration).transpose()?;
        // The journal keeps the request whole (what `POST /_fakecloud/faults` takes), so a replay
        // can add the same fault again.
        let detail = fault_request_json(&req);
        let now = self.now();
        let fault = Fault {
            id: self.sim.ids.uuid(),
            action: req.action,
            matcher: req.matcher,
            remaining: req.count,
            expires_at: duration.map(|d| now + d),
            hits: 0,
        };
        if let Some(at) = fault.expires_at {
            self.sim.schedule(at, CoreEvent::FaultExpires { fault_id: fault.id.clone() });
        }
        self.sim.faults.add(fault.clone());
        self.fault_effect(&fault.action, true, now);
        self.record(Record::Fault { action: "added".into(), fault_id: fault.id.clone(), detail });
        self.settle();
        Ok(fault)
    }

    pub fn remove_fault(&mut self, id: &str) -> Option<Fault> {
        let f = self.sim.faults.remove(id)?;
        self.cancel_fault_expiry(id);
        let now = self.now();
        self.fault_effect(&f.action, false, now);
        self.record(Record::Fault { action: "removed".into(), fault_id: id.into(), detail: String::new() });
        self.settle();
        Some(f)
    }

    /// Checks the API faults against a request; a fault that fires is journaled.
    pub fn fire_api_fault(&mut self, r: &RequestFacts) -> Option<Fault> {
        let f = self.sim.faults.fire_request(r, FaultAction::is_request_fault)?;
        if f.remaining == Some(0) {
            self.cancel_fault_expiry(&f.id);
        }
        self.record(Record::Fault { action: "fired".into(), fault_id: f.id.clone(), detail: format!("{} {}", r.method, r.path) });
        Some(f)
    }
}

impl World {
    /// Drops the pending end of a fault that is gone already.
    pub(crate) fn cancel_fault_expiry(&mut self, id: &str) {
        self.sim.scheduler.cancel(|e| matches!(e, Event::Core(CoreEvent::FaultExpires { fault_id }) if fault_id == id));
    }
}

/// A fault request in the form `POST /_fakecloud/faults` takes: the action's fields beside `match`,
/// `count` and `duration`.
fn fault_request_json(req: &FaultRequest) -> String {
    let mut v = serde_json::to_value(&req.action).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        // An unset optional field reads the same absent as null; absent is how a client writes it.
        o.retain(|_, v| !v.is_null());
        if req.matcher != Default::default() {
            o.insert("match".into(), serde_json::to_value(&req.matcher).unwrap_or_default());
        }
        if let Some(count) = req.count {
            o.insert("count".into(), count.into());
        }
        if let Some(d) = &req.duration {
            o.insert("duration".into(), d.clone().into());
        }
    }
    v.to_string()
}

/// Snapshots are written as any file that must never be seen half-written.
pub use crate::files::write_atomically;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    fn world() -> World {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        World::from_fixture(&Fixture::default_cloud(), 42, ClockMode::Manual, start).unwrap()
    }

    #[test]
    fn a_fault_with_a_duration_expires_on_the_virtual_clock() {
        let mut w = world();
        let req = FaultRequest::from_json(serde_json::json!({"kind": "api-error", "status": 503, "duration": "30s"})).unwrap();
        w.add_fault(req).unwrap();
        w.advance_clock(Duration::seconds(29));
        assert_eq!(w.sim.faults.list().len(), 1);
        w.advance_clock(Duration::seconds(1));
        assert!(w.sim.faults.list().is_empty());
        assert!(w.sim.journal.entries().iter().any(|e| matches!(&e.record, Record::Fault { action, .. } if action == "expired")));
    }

    #[test]
    fn an_added_fault_is_journaled_as_the_request_that_adds_it_again() {
        let mut w = world();
        let body = serde_json::json!({"kind": "api-error", "status": 503, "match": {"service": "compute"}, "count": 2, "duration": "30s"});
        let fault = w.add_fault(FaultRequest::from_json(body.clone()).unwrap()).unwrap();
        let detail = w
            .sim
            .journal
            .entries()
            .iter()
            .find_map(|e| match &e.record {
                Record::Fault { action, fault_id, detail } if action == "added" && *fault_id == fault.id => Some(detail.clone()),
                _ => None,
            })
            .unwrap();
        let again: serde_json::Value = serde_json::from_str(&detail).unwrap();
        assert_eq!(again, body);
        let parsed = FaultRequest::from_json(again).unwrap();
        assert_eq!((parsed.matcher, parsed.count, parsed.duration), (fault.matcher, Some(2), Some("30s".to_string())));
    }

    #[test]
    fn an_atomic_write_replaces_the_file_whole_and_leaves_nothing_behind() {
        let dir = std::env::temp_dir().join(format!("fakecloud-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("world.json");
        std::fs::write(&path, "old").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        // A directory in the way: the rename fails, and no temporary file is left.
        let blocked = dir.join("blocked");
        std::fs::create_dir_all(blocked.join("inside")).unwrap();
        assert!(write_atomically(&blocked, b"x").is_err());
        let names: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        let mut names = names;
        names.sort();
        assert_eq!(names, vec!["blocked".to_string(), "world.json".to_string()]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn snapshot_round_trip_is_byte_identical() {
        let w = world();
        let a = serde_json::to_vec(&w).unwrap();
        let b = serde_json::to_vec(&World::from_snapshot(&a).unwrap()).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn foreign_or_corrupt_snapshots_are_refused_clearly() {
        assert!(World::from_snapshot(b"{not json").unwrap_err().contains("not valid JSON"));
        assert!(World::from_snapshot(br#"{"format": 99}"#).unwrap_err().contains("format 99"));
        assert!(World::from_snapshot(br#"{"hello": 1}"#).unwrap_err().contains("no format"));
        assert!(World::from_snapshot(br#"[1, 2]"#).unwrap_err().contains("no format"));
        assert!(World::from_snapshot(br#"{"format": "4"}"#).unwrap_err().contains(r#"format "4" is not a format number"#));
        let wrong_shape = format!(r#"{{"format": {SNAPSHOT_FORMAT}, "seed": "x"}}"#);
        assert!(World::from_snapshot(wrong_shape.as_bytes()).unwrap_err().contains("does not match"));
    }
}
