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
    assert!(matches!(imgs.upload(&cirros, Some(&demo), false, 5, now), Err(ImageError::Conflict(_))));
    let up = imgs.upload(&img.id, Some(&demo), false, 4096, now).unwrap();
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
