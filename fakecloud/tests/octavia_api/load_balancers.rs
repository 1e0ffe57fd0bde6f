//! The version list, a load balancer's lifecycle with its children's locks, operating status from
//! member health, and the HA flavor.

use crate::common::TestCloud;
use crate::helpers::*;
use reqwest::Method;
use serde_json::{json, Value};

// ------------------------------------------------------------------------------------------------
// Versions, list links, timestamps

#[tokio::test]
async fn version_list_ends_current_lists_have_links_and_timestamps_have_no_zone() {
    let c = TestCloud::start().await;
    let r = c.get("/load-balancer", None).await;
    assert_eq!(r.status, 200, "no token needed: {}", r.text);
    let versions = r.body["versions"].as_array().unwrap();
    assert!(versions.len() > 1);
    assert_eq!(versions.last().unwrap()["status"], "CURRENT", "CAPO takes the last entry");
    assert_eq!(versions.iter().filter(|v| v["status"] == "CURRENT").count(), 1);
    assert!(versions.iter().all(|v| s(&v["id"]).starts_with("v2.")));

    let admin = c.admin().await;
    let lb_id = kube_lb_id(&c, &admin).await;
    let pool = kube_pool_id(&c, &admin).await;
    let ts = regex::Regex::new(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$").unwrap();
    let mut stamps = 0;
    for prefix in ["/load-balancer/v2", "/load-balancer/v2.0"] {
        for (path, plural) in [
            ("lbaas/loadbalancers".to_string(), "loadbalancers"),
            ("lbaas/listeners".to_string(), "listeners"),
            ("lbaas/pools".to_string(), "pools"),
            ("lbaas/healthmonitors".to_string(), "healthmonitors"),
            (format!("lbaas/pools/{pool}/members"), "members"),
            ("octavia/amphorae".to_string(), "amphorae"),
            ("lbaas/providers".to_string(), "providers"),
        ] {
            let r = c.get(&format!("{prefix}/{path}"), Some(&admin)).await;
            assert_eq!(r.status, 200, "{prefix}/{path}: {}", r.text);
            let list = r.body[plural].as_array().unwrap_or_else(|| panic!("{prefix}/{path}: {}", r.text));
            assert!(!list.is_empty(), "{prefix}/{path}");
            assert!(r.body[format!("{plural}_links")].is_array(), "{prefix}/{path} has no {plural}_links: {}", r.text);
            for item in list {
                for key in ["created_at", "updated_at", "cert_expiration"] {
                    match &item[key] {
                        Value::Null => {}
                        Value::String(t) => {
                            assert!(ts.is_match(t), "{prefix}/{path} {key} = {t}");
                            stamps += 1;
                        }
                        other => panic!("{prefix}/{path} {key} = {other}"),
                    }
                }
            }
        }
    }
    assert!(stamps >= 20, "only {stamps} timestamps seen");
    let one = lb(&c, &admin, &lb_id).await;
    assert!(ts.is_match(one["created_at"].as_str().unwrap()), "{one}");
    assert!(ts.is_match(one["updated_at"].as_str().unwrap()), "{one}");
}

// ------------------------------------------------------------------------------------------------
// Load balancer lifecycle

#[tokio::test]
async fn load_balancer_lifecycle_builds_an_amphora_locks_on_children_and_cascade_deletes_everything() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let admin = c.admin().await;
    let subnet = subnet_id(&c, &demo, "private-subnet").await;

    let r =
        api(&c, Method::POST, "/lbaas/loadbalancers", &demo, Some(json!({"loadbalancer": {"name": "web-lb", "vip_subnet_id": subnet}})))
            .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let created = r.body["loadbalancer"].clone();
    let id = s(&created["id"]);
    assert_eq!(created["provisioning_status"], "PENDING_CREATE");
    assert_eq!(created["operating_status"], "OFFLINE");
    assert_eq!(created["vip_subnet_id"], subnet);
    let vip_port = s(&created["vip_port_id"]);
    let vip = s(&created["vip_address"]);
    assert!(vip.starts_with("10.0.0."), "{vip}");

    let port = c.get(&format!("/network/v2.0/ports/{vip_port}"), Some(&demo)).await;
    assert_eq!(port.status, 200, "the VIP port exists in Neutron: {}", port.text);
    assert_eq!(port.body["port"]["fixed_ips"][0]["ip_address"], vip);
    assert_eq!(port.body["port"]["device_owner"], "Octavia");

    let amps = amphorae_of(&c, &admin, &id).await;
    assert_eq!(amps.len(), 1, "{amps:?}");
    assert_eq!(amps[0]["status"], "BOOTING");
    assert_eq!(amps[0]["role"], "STANDALONE");
    let amp_id = s(&amps[0]["id"]);
    let compute_id = s(&amps[0]["compute_id"]);
    let servers = nova(&c, Method::GET, "/servers?all_tenants=1&name=amphora", &admin, None).await;
    let server = servers.body["servers"].as_array().unwrap().iter().find(|x| x["id"] == compute_id).cloned();
    assert_eq!(server.map(|x| x["name"].clone()), Some(json!(format!("amphora-{amp_id}"))), "{}", servers.text);

    let elapsed = seconds_until_lb(&c, &demo, &id, "ACTIVE", 5, 60).await;
    assert!(elapsed >= 20, "an amphora boots and is configured in more than {elapsed} s");
    let active = lb(&c, &demo, &id).await;
    assert_eq!(active["operating_status"], "ONLINE");
    assert_eq!(amphorae_of(&c, &admin, &id).await[0]["status"], "ALLOCATED");

    // Listener: locks the LB; a second child change meanwhile is refused.
    let r = api(
        &c,
        Method::POST,
        "/lbaas/listeners",
        &demo,
        Some(json!({"listener": {"loadbalancer_id": id, "protocol": "HTTP", "protocol_port": 80, "name": "web"}})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["listener"]["provisioning_status"], "PENDING_CREATE");
    let listener = s(&r.body["listener"]["id"]);
    assert_eq!(lb_prov(&c, &demo, &id).await, "PENDING_UPDATE");
    let r = api(
        &c,
        Method::POST,
        "/lbaas/pools",
        &demo,
        Some(json!({"pool": {"loadbalancer_id": id, "protocol": "HTTP", "lb_algorithm": "ROUND_ROBIN"}})),
    )
    .await;
    octavia_client_error(&r, 409, "child create while locked");
    assert!(r.body["faultstring"].as_str().unwrap().contains("is immutable"), "{}", r.text);
    let secs = seconds_until_lb(&c, &demo, &id, "ACTIVE", 1, 10).await;
    assert!(secs <= 5, "a child change takes a few seconds, not {secs}");
    let l = get(&c, &format!("/lbaas/listeners/{listener}"), &demo).await.body["listener"].clone();
    assert_eq!((l["provisioning_status"].as_str(), l["operating_status"].as_str()), (Some("ACTIVE"), Some("ONLINE")), "{l}");

    // Pool, health monitor, member, one after the other.
    let r = api(
        &c,
        Method::POST,
        "/lbaas/pools",
        &demo,
        Some(json!({"pool": {"listener_id": listener, "protocol": "HTTP", "lb_algorithm": "ROUND_ROBIN"}})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let pool = s(&r.body["pool"]["id"]);
    seconds_until_lb(&c, &demo, &id, "ACTIVE", 1, 10).await;
    assert_eq!(get(&c, &format!("/lbaas/listeners/{listener}"), &demo).await.body["listener"]["default_pool_id"], pool);
    let r = api(
        &c,
        Method::POST,
        "/lbaas/healthmonitors",
        &demo,
        Some(json!({"healthmonitor": {"pool_id": pool, "type": "HTTP", "delay": 5, "timeout": 3, "max_retries": 3}})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let hm = s(&r.body["healthmonitor"]["id"]);
    seconds_until_lb(&c, &demo, &id, "ACTIVE", 1, 10).await;
    assert_eq!(get(&c, &format!("/lbaas/healthmonitors/{hm}"), &demo).await.body["healthmonitor"]["provisioning_status"], "ACTIVE");
    let web0 = c.running.cloud.world().compute.server_id_named("web-0").unwrap();
    let ports = c.get(&format!("/network/v2.0/ports?device_id={web0}"), Some(&demo)).await;
    let web0_ip = s(&ports.body["ports"][0]["fixed_ips"][0]["ip_address"]);
    let r = create_member(&c, &demo, &pool, &web0_ip, 80).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["member"]["provisioning_status"], "PENDING_CREATE");
    let m = s(&r.body["member"]["id"]);
    seconds_until_lb(&c, &demo, &id, "ACTIVE", 1, 10).await;
    let m = member(&c, &demo, &pool, &m).await.body["member"].clone();
    assert_eq!((m["provisioning_status"].as_str(), m["operating_status"].as_str()), (Some("ACTIVE"), Some("ONLINE")), "{m}");

    // Delete: refused with children, cascaded otherwise.
    let r = api(&c, Method::DELETE, &format!("/lbaas/loadbalancers/{id}"), &demo, None).await;
    octavia_client_error(&r, 400, "delete with children");
    assert!(r.body["faultstring"].as_str().unwrap().contains("it has children"), "{}", r.text);
    assert_eq!(lb_prov(&c, &demo, &id).await, "ACTIVE");
    let r = api(&c, Method::DELETE, &format!("/lbaas/loadbalancers/{id}?cascade=true"), &demo, None).await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(lb_prov(&c, &demo, &id).await, "PENDING_DELETE");
    advance(&c, 10).await;
    let gone = get(&c, &format!("/lbaas/loadbalancers/{id}"), &demo).await;
    assert_eq!(gone.status, 404, "{}", gone.text);
    assert_eq!(gone.body["faultcode"], "Client");
    assert_eq!(get(&c, &format!("/lbaas/listeners/{listener}"), &demo).await.status, 404);
    assert_eq!(get(&c, &format!("/lbaas/pools/{pool}"), &demo).await.status, 404);
    assert_eq!(get(&c, &format!("/lbaas/healthmonitors/{hm}"), &demo).await.status, 404);
    assert_eq!(get(&c, &format!("/octavia/amphorae/{amp_id}"), &admin).await.status, 404);
    assert_eq!(nova(&c, Method::GET, &format!("/servers/{compute_id}"), &admin, None).await.status, 404, "the amphora VM is deleted");
    assert_eq!(c.get(&format!("/network/v2.0/ports/{vip_port}"), Some(&demo)).await.status, 404, "the VIP port is deleted");
}

// ------------------------------------------------------------------------------------------------
// Operating status from health

#[tokio::test]
async fn a_stopped_backend_makes_its_member_error_and_the_pool_and_load_balancer_degraded() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let lb_id = kube_lb_id(&c, &admin).await;
    let pool = kube_pool_id(&c, &admin).await;
    let cp0 = c.running.cloud.world().compute.server_id_named("kube-cp-0").unwrap();
    let cp0_member = members(&c, &admin, &pool).await.into_iter().find(|m| s(&m["name"]).ends_with("kube-cp-0")).unwrap();
    let cp0_member_id = s(&cp0_member["id"]);
    assert_eq!(cp0_member["operating_status"], "ONLINE");
    assert_eq!(lb(&c, &admin, &lb_id).await["operating_status"], "ONLINE");

    let r = nova(&c, Method::POST, &format!("/servers/{cp0}/action"), &admin, Some(json!({"os-stop": null}))).await;
    assert_eq!(r.status, 202, "{}", r.text);
    advance(&c, 10).await;
    assert_eq!(nova(&c, Method::GET, &format!("/servers/{cp0}"), &admin, None).await.body["server"]["status"], "SHUTOFF");

    let ms = members(&c, &admin, &pool).await;
    for m in &ms {
        let want = if m["id"] == cp0_member_id.as_str() { "ERROR" } else { "ONLINE" };
        assert_eq!(m["operating_status"], want, "{m}");
        assert_eq!(m["provisioning_status"], "ACTIVE");
    }
    assert_eq!(get(&c, &format!("/lbaas/pools/{pool}"), &admin).await.body["pool"]["operating_status"], "DEGRADED");
    let l = lb(&c, &admin, &lb_id).await;
    assert_eq!((l["provisioning_status"].as_str(), l["operating_status"].as_str()), (Some("ACTIVE"), Some("DEGRADED")));

    let tree = get(&c, &format!("/lbaas/loadbalancers/{lb_id}/status"), &admin).await;
    assert_eq!(tree.status, 200, "{}", tree.text);
    let t = &tree.body["statuses"]["loadbalancer"];
    assert_eq!(t["operating_status"], "DEGRADED");
    assert_eq!(t["listeners"][0]["operating_status"], "DEGRADED");
    assert_eq!(t["listeners"][0]["pools"][0]["operating_status"], "DEGRADED");
    let tm = t["listeners"][0]["pools"][0]["members"].as_array().unwrap().iter().find(|m| m["id"] == cp0_member_id.as_str()).unwrap();
    assert_eq!(tm["operating_status"], "ERROR");
    assert_eq!(t["listeners"][0]["pools"][0]["health_monitor"]["operating_status"], "ONLINE");
}

#[tokio::test]
async fn the_ha_flavor_builds_an_active_standby_pair_and_an_unknown_flavor_is_refused() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let admin = c.admin().await;
    let flavors = items(&get(&c, "/lbaas/flavors", &demo).await, "flavors");
    let ha = flavors.iter().find(|f| f["name"] == "amphora-ha").expect("an HA flavor is offered");
    let subnet = subnet_id(&c, &demo, "private-subnet").await;
    let body = json!({"loadbalancer": {"name": "pair", "vip_subnet_id": subnet, "flavor_id": ha["id"]}});
    let r = api(&c, Method::POST, "/lbaas/loadbalancers", &demo, Some(body)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = s(&r.body["loadbalancer"]["id"]);
    let mut roles: Vec<String> = amphorae_of(&c, &admin, &id).await.iter().map(|a| s(&a["role"])).collect();
    roles.sort();
    assert_eq!(roles, ["BACKUP", "MASTER"]);
    seconds_until_lb(&c, &demo, &id, "ACTIVE", 5, 120).await;
    let bad = json!({"loadbalancer": {"name": "x", "vip_subnet_id": subnet, "flavor_id": "no-such-flavor"}});
    let r = api(&c, Method::POST, "/lbaas/loadbalancers", &demo, Some(bad)).await;
    octavia_client_error(&r, 400, "Invalid flavor_id");
}
