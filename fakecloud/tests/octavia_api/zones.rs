//! Availability zones and their profiles: the admin's CRUD with the provider's checks of the
//! settings, the readers' list and show, the in-use refusals, and a load balancer built in a zone
//! (its amphorae boot in the zone's Nova zone; an unknown or disabled zone is refused).

use crate::common::{Reply, TestCloud};
use crate::helpers::*;
use fakecloud::Fixture;
use reqwest::Method;
use serde_json::{json, Value};

/// The default cloud with compute-2 in a second Nova zone, `az-2`.
fn two_zone_cloud() -> Fixture {
    let mut f = Fixture::default_cloud();
    f.hosts.iter_mut().find(|h| h.name == "compute-2").expect("compute-2").az = "az-2".into();
    f
}

async fn profile(c: &TestCloud, admin: &str, name: &str, data: Value) -> String {
    let body = json!({"availability_zone_profile": {"name": name, "provider_name": "amphora", "availability_zone_data": data.to_string()}});
    let r = api(c, Method::POST, "/lbaas/availabilityzoneprofiles", admin, Some(body)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    s(&r.body["availability_zone_profile"]["id"])
}

async fn zone(c: &TestCloud, admin: &str, name: &str, profile: &str, enabled: bool) -> Reply {
    let body = json!({"availability_zone": {"name": name, "availability_zone_profile_id": profile, "enabled": enabled}});
    api(c, Method::POST, "/lbaas/availabilityzones", admin, Some(body)).await
}

#[tokio::test]
async fn a_zone_profile_takes_only_the_drivers_settings_and_nova_and_cinder_zones_that_exist() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let create =
        |data: &str| json!({"availability_zone_profile": {"name": "p", "provider_name": "amphora", "availability_zone_data": data}});
    let post = |body: Value| api(&c, Method::POST, "/lbaas/availabilityzoneprofiles", &admin, Some(body));
    let before = c.state_without_journal();
    assert_eq!(api(&c, Method::POST, "/lbaas/availabilityzoneprofiles", &demo, Some(create("{}"))).await.status, 403);
    octavia_client_error(&post(create("not json")).await, 400, "data that is no JSON");
    for (data, what) in [
        (r#"{"colour": "red"}"#, "a setting the amphora driver does not have"),
        (r#"{"compute_zone": 7}"#, "a compute_zone that is no string"),
        (r#"{"valid_vip_networks": "x"}"#, "valid_vip_networks that is no list"),
    ] {
        let r = post(create(data)).await;
        assert_eq!(r.status, 501, "{what}: {}", r.text);
        assert!(s(&r.body["faultstring"]).starts_with("Provider 'amphora' does not support a requested option"), "{what}: {}", r.text);
    }
    let r = post(create(r#"{"compute_zone": "atlantis"}"#)).await;
    assert_eq!(r.status, 500, "the compute driver's error, as Octavia reports it: {}", r.text);
    assert!(r.text.contains("Nova availability zone atlantis not found."), "{}", r.text);
    let r = post(create(r#"{"volume_zone": "atlantis"}"#)).await;
    assert!(r.text.contains("Cinder availability zone atlantis not found."), "{}", r.text);
    let r = post(json!({"availability_zone_profile": {"name": "p", "provider_name": "nobody", "availability_zone_data": "{}"}})).await;
    octavia_client_error(&r, 400, "a provider that is not enabled");
    assert_eq!(c.state_without_journal(), before, "every refusal leaves the cloud as it was");

    let data = r#"{"compute_zone": "nova", "volume_zone": "nova"}"#;
    let r = post(create(data)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["availability_zone_profile"]["availability_zone_data"], data, "the settings are kept as given");
    let id = s(&r.body["availability_zone_profile"]["id"]);
    let listed = get(&c, "/lbaas/availabilityzoneprofiles?fields=id&fields=provider_name", &admin).await;
    assert_eq!(listed.body["availability_zone_profiles"], json!([{"id": id, "provider_name": "amphora"}]), "{}", listed.text);
    assert!(listed.body["availability_zone_profile_links"].is_array(), "Octavia's links key: {}", listed.text);
    assert_eq!(get(&c, "/lbaas/availabilityzoneprofiles", &demo).await.status, 403, "profiles are the admin's to read too");

    let caps = items(&get(&c, "/lbaas/providers/amphora/availability_zone_capabilities", &admin).await, "availability_zone_capabilities");
    let names: Vec<String> = caps.iter().map(|c| s(&c["name"])).collect();
    assert_eq!(names, ["compute_zone", "volume_zone", "management_network", "valid_vip_networks"]);
}

#[tokio::test]
async fn zones_are_the_admins_to_change_and_any_reader_may_list_them() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let p = profile(&c, &admin, "nova-zone", json!({"compute_zone": "nova"})).await;
    assert_eq!(zone(&c, &demo, "z", &p, true).await.status, 403);
    octavia_client_error(&zone(&c, &admin, "z", "not-a-uuid", true).await, 400, "a profile id that is no UUID");
    octavia_client_error(&zone(&c, &admin, "z", "00000000-0000-4000-8000-000000000000", true).await, 400, "a profile that does not exist");
    for (name, enabled) in [("b-zone", false), ("a-zone", true), ("c-zone", true)] {
        let r = zone(&c, &admin, name, &p, enabled).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    octavia_client_error(&zone(&c, &admin, "a-zone", &p, true).await, 409, "a second zone of one name");

    let names = |r: &Reply| items(r, "availability_zones").iter().map(|z| s(&z["name"])).collect::<Vec<_>>();
    assert_eq!(names(&get(&c, "/lbaas/availabilityzones", &demo).await), ["a-zone", "b-zone", "c-zone"], "by name by default");
    assert_eq!(names(&get(&c, "/lbaas/availabilityzones?enabled=true&sort=name:desc", &demo).await), ["c-zone", "a-zone"]);
    let page = get(&c, "/lbaas/availabilityzones?limit=1&marker=a-zone", &demo).await;
    assert_eq!(names(&page), ["b-zone"], "a zone is its own marker, by name: {}", page.text);
    let shown = get(&c, "/lbaas/availabilityzones/b-zone", &demo).await;
    assert_eq!(shown.body["availability_zone"]["availability_zone_profile_id"], p.as_str(), "{}", shown.text);
    assert_eq!(shown.body["availability_zone"]["enabled"], false);

    let update = json!({"availability_zone": {"description": "second", "enabled": true}});
    assert_eq!(api(&c, Method::PUT, "/lbaas/availabilityzones/b-zone", &demo, Some(update.clone())).await.status, 403);
    let r = api(&c, Method::PUT, "/lbaas/availabilityzones/b-zone", &admin, Some(update)).await;
    assert_eq!((r.status, &r.body["availability_zone"]["description"]), (200, &json!("second")), "{}", r.text);
    let rename = json!({"availability_zone": {"name": "other"}});
    octavia_client_error(&api(&c, Method::PUT, "/lbaas/availabilityzones/b-zone", &admin, Some(rename)).await, 400, "a new name");

    let data = json!({"availability_zone_profile": {"availability_zone_data": "{}"}});
    let r = api(&c, Method::PUT, &format!("/lbaas/availabilityzoneprofiles/{p}"), &admin, Some(data)).await;
    octavia_client_error(&r, 409, "new settings for a profile zones use");
    let r = api(
        &c,
        Method::PUT,
        &format!("/lbaas/availabilityzoneprofiles/{p}"),
        &admin,
        Some(json!({"availability_zone_profile": {"name": "renamed"}})),
    )
    .await;
    assert_eq!(r.status, 200, "a profile in use may still be renamed: {}", r.text);
    octavia_client_error(
        &api(&c, Method::DELETE, &format!("/lbaas/availabilityzoneprofiles/{p}"), &admin, None).await,
        409,
        "a profile in use",
    );

    assert_eq!(api(&c, Method::DELETE, "/lbaas/availabilityzones/a-zone", &demo, None).await.status, 403);
    for name in ["a-zone", "b-zone", "c-zone"] {
        assert_eq!(api(&c, Method::DELETE, &format!("/lbaas/availabilityzones/{name}"), &admin, None).await.status, 204);
    }
    octavia_client_error(&get(&c, "/lbaas/availabilityzones/a-zone", &demo).await, 404, "a deleted zone");
    assert_eq!(api(&c, Method::DELETE, &format!("/lbaas/availabilityzoneprofiles/{p}"), &admin, None).await.status, 204);
}

#[tokio::test]
async fn a_load_balancer_in_a_zone_boots_its_amphora_in_the_zones_nova_zone() {
    let c = TestCloud::start_with(two_zone_cloud()).await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let p = profile(&c, &admin, "second", json!({"compute_zone": "az-2"})).await;
    assert_eq!(zone(&c, &admin, "second", &p, true).await.status, 201);
    assert_eq!(zone(&c, &admin, "closed", &p, false).await.status, 201);
    let subnet = subnet_id(&c, &demo, "private-subnet").await;
    let create = |zone: &str| json!({"loadbalancer": {"name": "lb-zoned", "vip_subnet_id": subnet, "availability_zone": zone}});

    let before = c.state_without_journal();
    let r = api(&c, Method::POST, "/lbaas/loadbalancers", &demo, Some(create("atlantis"))).await;
    octavia_client_error(&r, 400, "an unknown zone");
    let r = api(&c, Method::POST, "/lbaas/loadbalancers", &demo, Some(create("closed"))).await;
    octavia_client_error(&r, 400, "a disabled zone");
    assert!(r.text.contains("not allowed in this deployment"), "{}", r.text);
    assert_eq!(c.state_without_journal(), before, "a refused load balancer leaves nothing behind");

    let r = api(&c, Method::POST, "/lbaas/loadbalancers", &demo, Some(create("second"))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["loadbalancer"]["availability_zone"], "second");
    let lb = s(&r.body["loadbalancer"]["id"]);
    seconds_until_lb(&c, &demo, &lb, "ACTIVE", 10, 600).await;
    let amps = amphorae_of(&c, &admin, &lb).await;
    assert_eq!(amps.len(), 1);
    assert_eq!(amps[0]["cached_zone"], "az-2", "{}", amps[0]);
    let server = nova(&c, Method::GET, &format!("/servers/{}", s(&amps[0]["compute_id"])), &admin, None).await;
    assert_eq!(server.body["server"]["OS-EXT-SRV-ATTR:host"], "compute-2", "the only host in az-2: {}", server.text);

    let r = api(&c, Method::DELETE, "/lbaas/availabilityzones/second", &admin, None).await;
    octavia_client_error(&r, 409, "a zone a load balancer was built in");
}
