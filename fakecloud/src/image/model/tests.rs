//! Glance's rules: visibility, filters, sorting and paging, create, upload and delete.

use super::*;
use chrono::TimeZone;

fn images() -> (Images, Identity) {
    let f = Fixture::default_cloud();
    let mut ids = Ids::new(1);
    let idn = Identity::from_fixture(&f, &mut ids).unwrap();
    let t0 = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    (Images::from_fixture(&f, &idn, &mut ids, t0).unwrap(), idn)
}

fn q(pairs: &[(&str, &str)]) -> Result<ListQuery, ImageError> {
    ListQuery::parse(&pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>())
}

fn names(page: &Page) -> Vec<String> {
    page.images.iter().map(|i| i.name.clone()).collect()
}

#[test]
fn a_project_sees_public_and_its_own_private_images_and_admin_sees_all() {
    let (imgs, idn) = images();
    let demo = idn.project_named("demo").unwrap().id.clone();
    let service = idn.project_named("service").unwrap().id.clone();
    let all = q(&[]).unwrap();
    assert_eq!(imgs.list(&all, Some(&demo), false).unwrap().images.len(), 2);
    assert_eq!(imgs.list(&all, Some(&service), false).unwrap().images.len(), 3);
    assert_eq!(imgs.list(&all, Some(&demo), true).unwrap().images.len(), 3);
    let amphora = imgs.images.iter().find(|i| i.name.starts_with("amphora")).unwrap();
    assert_eq!(imgs.show(&amphora.id, Some(&demo), false).unwrap_err(), not_found(&amphora.id));
    assert!(imgs.find("amphora-x64-haproxy", &demo, false).is_none());
    assert!(imgs.find("amphora-x64-haproxy", &service, false).is_some());
}

#[test]
fn community_images_are_listed_by_default_only_to_their_owner() {
    let (mut imgs, idn) = images();
    let demo = idn.project_named("demo").unwrap().id.clone();
    imgs.images[2].visibility = "community".into();
    assert_eq!(imgs.list(&q(&[]).unwrap(), Some(&demo), false).unwrap().images.len(), 2);
    assert_eq!(imgs.list(&q(&[("visibility", "community")]).unwrap(), Some(&demo), false).unwrap().images.len(), 1);
    assert_eq!(imgs.list(&q(&[("visibility", "all")]).unwrap(), Some(&demo), false).unwrap().images.len(), 3);
    assert!(imgs.show(&imgs.images[2].id, Some(&demo), false).is_ok());
}

#[test]
fn filters_in_operator_tags_and_properties() {
    let (imgs, idn) = images();
    let admin = idn.project_named("admin").unwrap().id.clone();
    let (a, b) = (imgs.images[0].id.clone(), imgs.images[2].id.clone());
    let page = imgs.list(&q(&[("id", &format!("in:{a},{b}"))]).unwrap(), Some(&admin), true).unwrap();
    assert_eq!(page.images.len(), 2);
    let page = imgs.list(&q(&[("tag", "amphora")]).unwrap(), Some(&admin), true).unwrap();
    assert_eq!(names(&page), ["amphora-x64-haproxy"]);
    let page = imgs.list(&q(&[("name", "cirros-0.6.2-x86_64-disk")]).unwrap(), Some(&admin), true).unwrap();
    assert_eq!(page.images.len(), 1);
    assert!(imgs.list(&q(&[("hw_machine_type", "q35")]).unwrap(), Some(&admin), true).unwrap().images.is_empty());
    assert!(imgs.list(&q(&[("status", "queued")]).unwrap(), Some(&admin), true).unwrap().images.is_empty());
}

#[test]
fn sorting_and_paging_follow_the_marker() {
    let (imgs, idn) = images();
    let admin = idn.project_named("admin").unwrap().id.clone();
    let sorted = imgs.list(&q(&[("sort", "name:asc")]).unwrap(), Some(&admin), true).unwrap();
    assert_eq!(names(&sorted), ["amphora-x64-haproxy", "cirros-0.6.2-x86_64-disk", "ubuntu-2204-kube-v1.28.5"]);
    let first = imgs.list(&q(&[("sort_key", "name"), ("sort_dir", "asc"), ("limit", "2")]).unwrap(), Some(&admin), true).unwrap();
    assert_eq!(first.images.len(), 2);
    let marker = first.next_marker.clone().unwrap();
    let rest = imgs
        .list(&q(&[("sort_key", "name"), ("sort_dir", "asc"), ("limit", "2"), ("marker", &marker)]).unwrap(), Some(&admin), true)
        .unwrap();
    assert_eq!(names(&rest), ["ubuntu-2204-kube-v1.28.5"]);
    assert!(rest.next_marker.is_none());
}

#[test]
fn bad_queries_are_glance_400s() {
    for bad in [
        vec![("limit", "x")],
        vec![("limit", "-1")],
        vec![("sort_key", "bogus")],
        vec![("sort_dir", "up")],
        vec![("sort", "name:sideways")],
        vec![("sort", "name"), ("sort_key", "id")],
        vec![("visibility", "secret")],
        vec![("member_status", "maybe")],
        vec![("status", "in:active,sleepy")],
        vec![("os_hidden", "perhaps")],
        vec![("size_min", "big")],
    ] {
        assert!(matches!(q(&bad), Err(ImageError::BadRequest(_))), "{bad:?}");
    }
}

#[test]
fn create_and_delete_follow_glance_policy() {
    let (mut imgs, idn) = images();
    let demo = idn.project_named("demo").unwrap().id.clone();
    let mut ids = Ids::new(9);
    let now = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 5).unwrap();
    let body = serde_json::json!({"name": "mine", "disk_format": "raw", "container_format": "bare", "tags": ["a"], "os_distro": "cirros"});
    let new = NewImage::from_json(&body).unwrap();
    let img = imgs.create(new, &demo, false, &mut ids, now).unwrap().clone();
    assert_eq!((img.status.as_str(), img.visibility.as_str(), img.owner.as_str()), ("queued", "shared", demo.as_str()));
    assert_eq!(img.properties["os_distro"], "cirros");
    let public = NewImage::from_json(&serde_json::json!({"visibility": "public"})).unwrap();
    assert!(matches!(imgs.create(public, &demo, false, &mut ids, now), Err(ImageError::Forbidden(_))));
    assert!(matches!(NewImage::from_json(&serde_json::json!({"status": "active"})), Err(ImageError::Forbidden(_))));
    assert!(matches!(NewImage::from_json(&serde_json::json!({"min_disk": -1})), Err(ImageError::BadRequest(_))));
    let amphora = imgs.images[2].id.clone();
    assert_eq!(imgs.delete(&amphora, Some(&demo), false).unwrap_err(), not_found(&amphora));
    imgs.images[0].protected = true;
    let cirros = imgs.images[0].id.clone();
    assert!(matches!(imgs.delete(&cirros, Some(&demo), true), Err(ImageError::Forbidden(_))));
    assert!(matches!(imgs.upload(&cirros, Some(&demo), false, vec![0; 5], now), Err(ImageError::Conflict(_))));
    let up = imgs.upload(&img.id, Some(&demo), false, vec![0; 4096], now).unwrap();
    assert_eq!((up.status.as_str(), up.size, up.has_data()), ("active", 4096, true));
    imgs.delete(&img.id, Some(&demo), false).unwrap();
    assert!(imgs.get(&img.id).is_none());
}

#[test]
fn digests_are_stable_hex() {
    let a = pseudo_digest("x", 128);
    assert_eq!(a.len(), 128);
    assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(a, pseudo_digest("x", 128));
    assert_ne!(pseudo_digest("x", 32), pseudo_digest("y", 32));
}

fn queued(imgs: &mut Images, owner: &str, body: serde_json::Value) -> String {
    let mut ids = Ids::new(11);
    let now = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 5).unwrap();
    imgs.create(NewImage::from_json(&body).unwrap(), owner, false, &mut ids, now).unwrap().id.clone()
}

#[test]
fn a_member_sees_a_shared_image_and_lists_it_only_once_accepted() {
    let (mut imgs, idn) = images();
    let demo = idn.project_named("demo").unwrap().id.clone();
    let service = idn.project_named("service").unwrap().id.clone();
    let now = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 1, 0).unwrap();
    let id = queued(&mut imgs, &demo, serde_json::json!({"name": "s"}));
    assert!(imgs.show(&id, Some(&service), false).is_err());
    imgs.add_member(&id, &service, Some(&demo), false, now).unwrap();
    assert!(matches!(imgs.add_member(&id, &service, Some(&demo), false, now), Err(ImageError::Conflict(_))));
    assert!(imgs.show(&id, Some(&service), false).is_ok(), "a pending member may look");
    let listed = |imgs: &Images, query: &[(&str, &str)]| {
        imgs.list(&q(query).unwrap(), Some(&service), false).unwrap().images.iter().any(|i| i.id == id)
    };
    assert!(!listed(&imgs, &[]));
    assert!(listed(&imgs, &[("member_status", "pending"), ("visibility", "shared")]));
    assert!(matches!(imgs.set_member_status(&id, &service, "accepted", Some(&demo), false, now), Err(ImageError::Forbidden(_))));
    imgs.set_member_status(&id, &service, "accepted", Some(&service), false, now).unwrap();
    assert!(listed(&imgs, &[]));
    assert!(matches!(imgs.remove_member(&id, &service, Some(&service), false), Err(ImageError::Forbidden(_))));
    imgs.remove_member(&id, &service, Some(&demo), false).unwrap();
    assert!(imgs.show(&id, Some(&service), false).is_err());
}

#[test]
fn a_patch_applies_whole_or_not_at_all() {
    use crate::image::request::{Change, PATCH_V21};
    let (mut imgs, idn) = images();
    let demo = idn.project_named("demo").unwrap().id.clone();
    let now = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 1, 0).unwrap();
    let id = queued(&mut imgs, &demo, serde_json::json!({"name": "p", "os_distro": "x"}));
    let parse = |v: serde_json::Value| Change::parse_all(PATCH_V21, &v).unwrap();
    let before = imgs.get(&id).unwrap().clone();
    let bad = parse(serde_json::json!([{"op": "replace", "path": "/name", "value": "n"}, {"op": "remove", "path": "/absent"}]));
    assert!(matches!(imgs.update(&id, Some(&demo), false, &bad, now), Err(ImageError::Conflict(_))));
    assert_eq!(imgs.get(&id).unwrap().name, before.name);
    let ok = parse(serde_json::json!([{"op": "replace", "path": "/name", "value": "n"}, {"op": "remove", "path": "/os_distro"}]));
    let after = imgs.update(&id, Some(&demo), false, &ok, now).unwrap();
    assert_eq!(after.name, "n");
    assert!(!after.properties.contains_key("os_distro"));
    for (op, path) in [("replace", "/checksum"), ("add", "/os_glance_x"), ("replace", "/id")] {
        let c = parse(serde_json::json!([{"op": op, "path": path, "value": "v"}]));
        assert!(matches!(imgs.update(&id, Some(&demo), false, &c, now), Err(ImageError::Forbidden(_))), "{path}");
    }
}

#[test]
fn glance_direct_import_needs_staged_data_and_computes_the_digests() {
    use crate::image::actions::Requester;
    use crate::image::request::ImportRequest;
    let (mut imgs, idn) = images();
    let demo = idn.project_named("demo").unwrap().id.clone();
    let now = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 1, 0).unwrap();
    let mut ids = Ids::new(3);
    let id = queued(&mut imgs, &demo, serde_json::json!({"name": "i", "disk_format": "raw", "container_format": "bare"}));
    let req = ImportRequest::from_json(&serde_json::json!({"method": {"name": "glance-direct"}}), None).unwrap();
    let who = Requester { project_id: Some(&demo), user_id: "u", admin: false, request_id: "req-1".into() };
    assert!(matches!(imgs.import(&id, &req, &who, &mut ids, now), Err(ImageError::Conflict(_))));
    imgs.stage(&id, Some(&demo), false, b"abc".to_vec(), now).unwrap();
    assert_eq!(imgs.get(&id).unwrap().status, "uploading");
    imgs.import(&id, &req, &who, &mut ids, now).unwrap();
    let img = imgs.get(&id).unwrap();
    assert_eq!((img.status.as_str(), img.size), ("active", 3));
    assert_eq!(img.checksum.as_deref(), Some("900150983cd24fb0d6963f7d28e17f72"));
    assert_eq!(img.stores, vec!["fast".to_string()]);
    let tasks = imgs.image_tasks(&id, Some(&demo), false).unwrap();
    assert_eq!((tasks.len(), tasks[0].request_id.as_deref()), (1, Some("req-1")));
}
