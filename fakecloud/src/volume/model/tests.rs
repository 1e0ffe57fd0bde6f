//! Cinder's rules on the clock: services, the create and delete flows, isolation, validation and
//! listing.

use super::*;
use chrono::TimeZone;

struct Cloud {
    vols: Volumes,
    images: Images,
    sim: crate::sim::Sim<Event, ()>,
    demo: String,
    alt: String,
    t0: SimTime,
}

fn cloud(server: Option<&str>) -> Cloud {
    let f = Fixture::default_cloud();
    let mut ids = crate::sim::Ids::new(3);
    let idn = Identity::from_fixture(&f, &mut ids).unwrap();
    let t0 = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let images = Images::from_fixture(&f, &idn, &mut ids, t0).unwrap();
    let sid = server.map(str::to_string);
    let vols = Volumes::from_fixture(&f, &idn, &mut ids, t0, &|name| if name == "db-0" { sid.clone() } else { None }).unwrap();
    let demo = idn.project_named("demo").unwrap().id.clone();
    let alt = idn.project_named("alt_demo").unwrap().id.clone();
    let mut sim = crate::sim::Sim::new(3, crate::sim::ClockMode::Manual, t0);
    sim.ids = ids;
    Cloud { vols, images, sim, demo, alt, t0 }
}

impl Cloud {
    fn who(&self) -> Requester<'_> {
        Requester { project_id: &self.demo, user_id: "u", admin: false }
    }

    fn create(&mut self, body: serde_json::Value) -> Result<String, VolumeError> {
        let new = NewVolume::from_json(&body)?;
        let who = Requester { project_id: &self.demo, user_id: "u", admin: false };
        self.vols.create(new, who, &self.images, &mut self.sim).map(|v| v.id.clone())
    }

    /// Moves the manual clock to `t`.
    fn at(&mut self, t: SimTime) {
        self.sim.clock.set(t, crate::sim::ClockMode::Manual);
    }

    /// Moves the clock to `t` and runs the scheduled events due by then (what World::tick does).
    fn run_until(&mut self, t: SimTime) {
        self.at(t);
        while let Some(due) = self.sim.scheduler.pop_due(t) {
            self.vols.apply(due.event, due.due, &mut self.sim.journal);
        }
    }

    fn status(&self, id: &str) -> Option<String> {
        self.vols.volume(id).map(|v| v.status.clone())
    }
}

#[test]
fn services_are_schedulers_on_controllers_and_one_backend() {
    let c = cloud(None);
    let names: Vec<(&str, &str)> = c.vols.services.iter().map(|s| (s.binary.as_str(), s.host.as_str())).collect();
    assert_eq!(names.len(), 4);
    assert!(names.contains(&(SCHEDULER_BINARY, "controller-0")));
    assert!(names.contains(&(VOLUME_BINARY, BACKEND_HOST)));
}

#[test]
fn a_stopped_service_is_down_after_the_down_time() {
    let mut c = cloud(None);
    assert!(c.vols.set_service_alive(VOLUME_BINARY, BACKEND_HOST, false, c.t0));
    assert!(!c.vols.set_service_alive(VOLUME_BINARY, "nowhere", false, c.t0));
    let svc = c.vols.service(VOLUME_BINARY, BACKEND_HOST).unwrap();
    assert!(svc.is_up(c.t0 + Duration::seconds(60)));
    assert!(!svc.is_up(c.t0 + Duration::seconds(61)));
    assert_eq!(svc.updated_at(c.t0 + Duration::seconds(600)), c.t0);
}

#[test]
fn fixture_attachments_need_the_server_id() {
    let c = cloud(None);
    let db = c.vols.volumes.iter().find(|v| v.name.as_deref() == Some("db-data")).unwrap();
    assert_eq!((db.status.as_str(), db.attachments.len()), ("available", 0));
    let c = cloud(Some("srv-1"));
    let db = c.vols.volumes.iter().find(|v| v.name.as_deref() == Some("db-data")).unwrap();
    assert_eq!(db.status, "in-use");
    assert_eq!((db.attachments[0].server_id.as_str(), db.attachments[0].device.as_str()), ("srv-1", "/dev/vdb"));
    assert_eq!(c.vols.attached_to("srv-1").len(), 1);
}

#[test]
fn a_volume_is_created_then_deleted_on_the_clock() {
    let mut c = cloud(None);
    let id = c.create(serde_json::json!({"volume": {"size": 1, "name": "x"}})).unwrap();
    assert_eq!(c.status(&id).unwrap(), "creating");
    c.run_until(c.t0 + Duration::seconds(CREATE_SECS - 1));
    assert_eq!(c.status(&id).unwrap(), "creating");
    c.run_until(c.t0 + Duration::seconds(CREATE_SECS));
    assert_eq!(c.status(&id).unwrap(), "available");
    let who = Requester { project_id: &c.demo.clone(), user_id: "u", admin: false };
    let t = c.t0 + Duration::seconds(10);
    c.at(t);
    c.vols.delete(&id, who, false, &mut c.sim).unwrap();
    assert_eq!(c.status(&id).unwrap(), "deleting");
    c.run_until(t + Duration::seconds(DELETE_SECS));
    assert!(c.status(&id).is_none());
    let tos: Vec<String> = c
        .sim
        .journal
        .entries()
        .iter()
        .filter_map(|e| match &e.record {
            Record::Transition { to, .. } => Some(to.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(tos, ["creating", "available", "deleting", "deleted"]);
}

#[test]
fn with_the_backend_down_the_scheduler_fails_the_volume() {
    let mut c = cloud(None);
    c.vols.set_service_alive(VOLUME_BINARY, BACKEND_HOST, false, c.t0 - Duration::seconds(120));
    let id = c.create(serde_json::json!({"volume": {"size": 1}})).unwrap();
    c.run_until(c.t0 + Duration::seconds(60));
    assert_eq!(c.status(&id).unwrap(), "error");
    let who = Requester { project_id: &c.demo.clone(), user_id: "u", admin: false };
    c.at(c.t0 + Duration::seconds(61));
    c.vols.delete(&id, who, false, &mut c.sim).unwrap();
    assert!(c.status(&id).is_none(), "a volume never placed is deleted at once");
}

#[test]
fn a_freshly_stopped_backend_leaves_the_volume_creating_until_init_host() {
    let mut c = cloud(None);
    c.vols.set_service_alive(VOLUME_BINARY, BACKEND_HOST, false, c.t0);
    let id = c.create(serde_json::json!({"volume": {"size": 1}})).unwrap();
    c.run_until(c.t0 + Duration::seconds(30));
    assert_eq!(c.status(&id).unwrap(), "creating");
    c.vols.set_service_alive(VOLUME_BINARY, BACKEND_HOST, true, c.t0 + Duration::seconds(40));
    assert_eq!(c.status(&id).unwrap(), "error");
}

#[test]
fn without_a_scheduler_the_volume_waits_for_one() {
    let mut c = cloud(None);
    for h in ["controller-0", "controller-1", "controller-2"] {
        c.vols.set_service_alive(SCHEDULER_BINARY, h, false, c.t0);
    }
    let id = c.create(serde_json::json!({"volume": {"size": 1}})).unwrap();
    c.run_until(c.t0 + Duration::seconds(300));
    assert_eq!(c.status(&id).unwrap(), "creating");
    c.vols.set_service_alive(SCHEDULER_BINARY, "controller-1", true, c.t0 + Duration::seconds(301));
    assert_eq!(c.status(&id).unwrap(), "available");
}

#[test]
fn attached_or_busy_volumes_cannot_be_deleted() {
    let mut c = cloud(Some("srv-1"));
    let db = c.vols.volumes.iter().find(|v| v.name.as_deref() == Some("db-data")).unwrap().id.clone();
    let who = Requester { project_id: &c.demo.clone(), user_id: "u", admin: false };
    assert!(matches!(c.vols.delete(&db, who, false, &mut c.sim), Err(VolumeError::BadRequest(_))));
    let id = c.create(serde_json::json!({"volume": {"size": 1}})).unwrap();
    assert!(matches!(c.vols.delete(&id, who, false, &mut c.sim), Err(VolumeError::BadRequest(_))));
}

#[test]
fn projects_are_isolated() {
    let c = cloud(None);
    let alt = Requester { project_id: &c.alt, user_id: "u", admin: false };
    let scratch = c.vols.volumes.iter().find(|v| v.name.as_deref() == Some("scratch")).unwrap().id.clone();
    assert_eq!(c.vols.show(&scratch, alt).unwrap_err(), volume_not_found(&scratch));
    let q = ListQuery::parse(&[], false, true).unwrap();
    assert!(c.vols.list(&q, alt).unwrap().volumes.is_empty());
    assert_eq!(c.vols.list(&q, c.who()).unwrap().volumes.len(), 2);
    let admin = Requester { project_id: &c.alt, user_id: "u", admin: true };
    assert!(c.vols.show(&scratch, admin).is_ok());
    assert!(c.vols.list(&q, admin).unwrap().volumes.is_empty(), "admin sees its own project without all_tenants");
    let all = ListQuery::parse(&[("all_tenants".into(), "1".into())], true, true).unwrap();
    assert_eq!(c.vols.list(&all, admin).unwrap().volumes.len(), 2);
}

#[test]
fn creation_is_validated_before_anything_changes() {
    let mut c = cloud(None);
    let cirros = c.images.images[0].id.clone();
    let ubuntu = c.images.images[1].id.clone();
    let amphora = c.images.images[2].id.clone();
    for (body, want) in [
        (serde_json::json!({"volume": {}}), "Invalid volume size"),
        (serde_json::json!({"volume": {"size": 0}}), "minimum"),
        (serde_json::json!({"volume": {"size": "x"}}), "size"),
        (serde_json::json!({"volume": {"size": 1}, "extra": 1}), "Additional properties"),
        (serde_json::json!({"volume": 3}), "not of type 'object'"),
        (serde_json::json!({"size": 1}), "'volume' is a required property"),
        (serde_json::json!({"volume": {"size": 1, "availability_zone": "mars"}}), "Availability zone 'mars' is invalid."),
        (serde_json::json!({"volume": {"size": 1, "volume_type": "gold"}}), "Volume type with name gold"),
        (serde_json::json!({"volume": {"size": 1, "imageRef": amphora}}), "Invalid image identifier"),
        (serde_json::json!({"volume": {"size": 1, "imageRef": ubuntu.clone()}}), "larger than volume size 1GB"),
        (serde_json::json!({"volume": {"size": 2, "imageRef": ubuntu}}), "minDisk size 20GB"),
        (serde_json::json!({"volume": {"size": 1, "metadata": {"k": 1}}}), "metadata"),
        (serde_json::json!({"volume": {"size": 1, "name": "   "}}), "can not be empty"),
        (serde_json::json!({"volume": {"size": 1, "snapshot_id": "8c5c5d3e-1b1a-4a57-9a3c-53c3bb3b8f10"}}), "Snapshot"),
        (serde_json::json!({"volume": {"size": 1001}}), "gigabytes quota"),
    ] {
        let before = c.vols.volumes.len();
        let err = c.create(body.clone()).unwrap_err();
        let msg = format!("{err:?}");
        assert!(msg.contains(want), "{body}: {msg}");
        assert_eq!(c.vols.volumes.len(), before);
        assert!(c.sim.scheduler.pending().is_empty());
    }
    let id = c.create(serde_json::json!({"volume": {"size": "2", "imageRef": cirros, "name": " boot "}})).unwrap();
    let v = c.vols.volume(&id).unwrap();
    assert!(v.bootable && v.image.is_some());
    assert_eq!(v.name.as_deref(), Some("boot"));
    for _ in 0..7 {
        c.create(serde_json::json!({"volume": {"size": 1}})).unwrap();
    }
    assert!(matches!(c.create(serde_json::json!({"volume": {"size": 1}})), Err(VolumeError::OverLimit(_))), "10 volumes at most");
}

#[test]
fn list_queries_filter_sort_and_page() {
    let c = cloud(None);
    let q = |pairs: &[(&str, &str)], admin: bool| {
        ListQuery::parse(&pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>(), admin, true)
    };
    let names = |p: Page| p.volumes.iter().map(|v| v.name.clone().unwrap()).collect::<Vec<_>>();
    assert_eq!(names(c.vols.list(&q(&[("sort", "name:asc")], false).unwrap(), c.who()).unwrap()), ["db-data", "scratch"]);
    assert_eq!(names(c.vols.list(&q(&[("name", "scratch")], false).unwrap(), c.who()).unwrap()), ["scratch"]);
    assert_eq!(names(c.vols.list(&q(&[("size", "20")], false).unwrap(), c.who()).unwrap()), ["db-data"]);
    let page = c.vols.list(&q(&[("sort_key", "name"), ("sort_dir", "asc"), ("limit", "1")], false).unwrap(), c.who()).unwrap();
    let marker = page.next_marker.clone().unwrap();
    assert_eq!(names(page), ["db-data"]);
    let rest = c
        .vols
        .list(&q(&[("sort_key", "name"), ("sort_dir", "asc"), ("limit", "1"), ("marker", &marker)], false).unwrap(), c.who())
        .unwrap();
    assert_eq!(rest.volumes.len(), 1);
    for bad in [
        vec![("limit", "x")],
        vec![("limit", "-2")],
        vec![("sort_key", "colour")],
        vec![("sort_dir", "up")],
        vec![("bootable", "maybe")],
        vec![("user_id", "u")],
        vec![("created_at", "gt:yesterday")],
    ] {
        assert!(q(&bad, false).is_err(), "{bad:?}");
    }
    assert!(q(&[("user_id", "u")], true).is_ok(), "admins may filter on anything");
    assert!(ListQuery::parse(&[("user_id".into(), "u".into())], false, false).unwrap().filters.is_empty(), "dropped before 3.34");
}
