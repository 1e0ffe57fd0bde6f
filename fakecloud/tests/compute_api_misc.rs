//! Nova's quotas on the creates they guard, the floating IP proxy to Neutron (gone from 2.36, its
//! server actions from 2.44), and the instance actions each server change records.

mod common;

use common::TestCloud;
use reqwest::Method;
use serde_json::{json, Value};

async fn nova_at(c: &TestCloud, version: &str, method: Method, path: &str, token: &str, body: Option<Value>) -> common::Reply {
    let mut req = c
        .http
        .request(method, c.url(&format!("/compute/v2.1{path}")))
        .header("X-Auth-Token", token)
        .header("OpenStack-API-Version", format!("compute {version}"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    common::reply(req.send().await.unwrap()).await
}

async fn nova(c: &TestCloud, method: Method, path: &str, token: &str, body: Option<Value>) -> common::Reply {
    nova_at(c, "2.96", method, path, token, body).await
}

fn cirros(c: &TestCloud) -> String {
    c.running.cloud.world().image.images.iter().find(|i| i.name.starts_with("cirros")).unwrap().id.clone()
}

fn demo_project(c: &TestCloud) -> String {
    c.running.cloud.world().identity.project_named("demo").unwrap().id.clone()
}

fn private_net(c: &TestCloud) -> String {
    let w = c.running.cloud.world();
    let project = w.identity.project_named("demo").unwrap().id.clone();
    w.network.usable_network("private", &project, false).unwrap()
}

fn server_body(c: &TestCloud, name: &str, networks: Value) -> Value {
    json!({"server": {"name": name, "imageRef": cirros(c), "flavorRef": "1", "networks": networks}})
}

/// Sets one of demo's quotas (as admin).
async fn set_quota(c: &TestCloud, resource: &str, limit: i64) {
    let admin = c.admin().await;
    let r = nova(
        c,
        Method::PUT,
        &format!("/os-quota-sets/{}", demo_project(c)),
        &admin,
        Some(json!({"quota_set": {resource: limit, "force": true}})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

fn demo_servers(c: &TestCloud) -> usize {
    let project = demo_project(c);
    c.running.cloud.world().compute.servers.values().filter(|s| s.project_id == project).count()
}

#[tokio::test]
async fn a_create_over_the_instances_quota_is_refused_and_changes_nothing() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let used = demo_servers(&c) as i64;
    set_quota(&c, "instances", used).await;
    let before = c.state_without_journal();
    let r = nova(&c, Method::POST, "/servers", &demo, Some(server_body(&c, "over", json!("none")))).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(
        r.body["forbidden"]["message"],
        format!("Quota exceeded for instances: Requested 1, but already used {used} of {used} instances"),
        "{}",
        r.text
    );
    assert_eq!(c.state_without_journal(), before, "a refused create changes nothing");
}

#[tokio::test]
async fn a_multiple_create_makes_as_many_as_the_quota_allows_down_to_min_count() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let used = demo_servers(&c) as i64;
    set_quota(&c, "instances", used + 2).await;
    // min_count 3 cannot fit in 2: refused, with the range asked for.
    let mut body = server_body(&c, "many", json!("none"));
    body["server"]["min_count"] = json!(3);
    body["server"]["max_count"] = json!(5);
    let r = nova(&c, Method::POST, "/servers", &demo, Some(body.clone())).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert!(r.text.contains("Requested 3-5, but already used"), "{}", r.text);
    assert_eq!(demo_servers(&c) as i64, used);
    // min_count 1: two are made, all that fit.
    body["server"]["min_count"] = json!(1);
    let r = nova(&c, Method::POST, "/servers", &demo, Some(body)).await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(demo_servers(&c) as i64, used + 2);
}

#[tokio::test]
async fn cores_and_ram_quotas_refuse_a_create_that_would_pass_them() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    for (resource, name) in [("cores", "cores"), ("ram", "ram")] {
        set_quota(&c, resource, 0).await;
        let r = nova(&c, Method::POST, "/servers", &demo, Some(server_body(&c, name, json!("none")))).await;
        assert_eq!(r.status, 403, "{resource}: {}", r.text);
        assert!(r.text.contains(&format!("Quota exceeded for {resource}")), "{}", r.text);
        set_quota(&c, resource, -1).await;
    }
}

#[tokio::test]
async fn metadata_keypair_and_server_group_quotas_are_enforced() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    set_quota(&c, "metadata_items", 1).await;
    let mut body = server_body(&c, "meta", json!("none"));
    body["server"]["metadata"] = json!({"a": "1", "b": "2"});
    let r = nova(&c, Method::POST, "/servers", &demo, Some(body)).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.body["forbidden"]["message"], "Maximum number of metadata items exceeds 1");

    set_quota(&c, "key_pairs", 0).await;
    let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGQ5tYCKMOrC9OCGYdN7eYDgC6n8cqvpBWqAFE8sy9Qv demo@example";
    let r = nova(&c, Method::POST, "/os-keypairs", &demo, Some(json!({"keypair": {"name": "k", "public_key": key}}))).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.body["forbidden"]["message"], "Maximum number of key pairs exceeded");

    set_quota(&c, "server_groups", 0).await;
    let r = nova(&c, Method::POST, "/os-server-groups", &demo, Some(json!({"server_group": {"name": "g", "policy": "affinity"}}))).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.body["forbidden"]["message"], "Quota exceeded, too many server groups.");
}

#[tokio::test]
async fn the_floating_ip_proxy_allocates_in_neutron_and_is_gone_from_2_36() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let r = nova_at(&c, "2.35", Method::POST, "/os-floating-ips", &demo, Some(json!({"pool": "public"}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let fip = r.body["floating_ip"].clone();
    assert_eq!(fip["pool"], "public");
    assert_eq!(fip["instance_id"], Value::Null);
    // Neutron shows the same floating IP.
    let neutron = c.get(&format!("/network/v2.0/floatingips/{}", fip["id"].as_str().unwrap()), Some(&demo)).await;
    assert_eq!(neutron.status, 200, "{}", neutron.text);
    assert_eq!(neutron.body["floatingip"]["floating_ip_address"], fip["ip"]);
    let listed = nova_at(&c, "2.35", Method::GET, "/os-floating-ips", &demo, None).await;
    assert!(listed.body["floating_ips"].as_array().unwrap().contains(&fip), "{}", listed.text);
    let unknown = nova_at(&c, "2.35", Method::POST, "/os-floating-ips", &demo, Some(json!({"pool": "no-such-pool"}))).await;
    assert_eq!(unknown.status, 404, "{}", unknown.text);
    for path in ["/os-floating-ips", "/os-floating-ip-pools"] {
        assert_eq!(nova_at(&c, "2.36", Method::GET, path, &demo, None).await.status, 404, "{path} at 2.36");
    }
    let pools = nova_at(&c, "2.35", Method::GET, "/os-floating-ip-pools", &demo, None).await;
    assert!(pools.body["floating_ip_pools"].as_array().unwrap().contains(&json!({"name": "public"})), "{}", pools.text);
    let id = fip["id"].as_str().unwrap();
    assert_eq!(nova_at(&c, "2.35", Method::DELETE, &format!("/os-floating-ips/{id}"), &demo, None).await.status, 202);
    assert_eq!(c.get(&format!("/network/v2.0/floatingips/{id}"), Some(&demo)).await.status, 404);
}

#[tokio::test]
async fn add_and_remove_floating_ip_associate_through_neutron_until_2_44() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let r = nova(&c, Method::POST, "/servers", &demo, Some(server_body(&c, "floated", json!([{"uuid": private_net(&c)}])))).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let server = r.body["server"]["id"].as_str().unwrap().to_string();
    c.advance("20s").await;
    let fip =
        nova_at(&c, "2.35", Method::POST, "/os-floating-ips", &demo, Some(json!({"pool": "public"}))).await.body["floating_ip"].clone();
    let address = fip["ip"].as_str().unwrap().to_string();
    let action = format!("/servers/{server}/action");
    let add = json!({"addFloatingIp": {"address": address}});
    assert_eq!(nova_at(&c, "2.44", Method::POST, &action, &demo, Some(add.clone())).await.status, 404, "gone from 2.44");
    let r = nova_at(&c, "2.43", Method::POST, &action, &demo, Some(add)).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let shown = nova_at(&c, "2.35", Method::GET, &format!("/os-floating-ips/{}", fip["id"].as_str().unwrap()), &demo, None).await;
    assert_eq!(shown.body["floating_ip"]["instance_id"], json!(server), "{}", shown.text);
    let addresses = nova(&c, Method::GET, &format!("/servers/{server}"), &demo, None).await.body["server"]["addresses"].clone();
    let floating: Vec<&Value> = addresses["private"].as_array().unwrap().iter().filter(|a| a["OS-EXT-IPS:type"] == "floating").collect();
    assert_eq!(floating.len(), 1, "{addresses}");
    assert_eq!(floating[0]["addr"], json!(address));
    // An address that is no floating IP is not found; one on no server cannot be removed here.
    let none = nova_at(&c, "2.43", Method::POST, &action, &demo, Some(json!({"addFloatingIp": {"address": "0.0.0.0"}}))).await;
    assert_eq!(none.status, 404, "{}", none.text);
    let r = nova_at(&c, "2.43", Method::POST, &action, &demo, Some(json!({"removeFloatingIp": {"address": address}}))).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let again = nova_at(&c, "2.43", Method::POST, &action, &demo, Some(json!({"removeFloatingIp": {"address": address}}))).await;
    assert_eq!(again.status, 409, "{}", again.text);
}

#[tokio::test]
async fn instance_actions_record_each_change_under_its_request_id_with_events() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let created = nova(&c, Method::POST, "/servers", &demo, Some(server_body(&c, "acted", json!("none")))).await;
    assert_eq!(created.status, 202, "{}", created.text);
    let create_req = created.headers["x-openstack-request-id"].to_str().unwrap().to_string();
    let id = created.body["server"]["id"].as_str().unwrap().to_string();
    let create = nova(&c, Method::GET, &format!("/servers/{id}/os-instance-actions/{create_req}"), &demo, None).await;
    assert_eq!(create.status, 200, "{}", create.text);
    let event = &create.body["instanceAction"]["events"][0];
    assert_eq!(event["event"], "compute__do_build_and_run_instance");
    assert_eq!(event["finish_time"], Value::Null, "the build is still running: {}", create.text);
    c.advance("20s").await;
    let rebooted = nova(&c, Method::POST, &format!("/servers/{id}/action"), &demo, Some(json!({"reboot": {"type": "HARD"}}))).await;
    let reboot_req = rebooted.headers["x-openstack-request-id"].to_str().unwrap().to_string();
    c.advance("10s").await;
    let list = nova(&c, Method::GET, &format!("/servers/{id}/os-instance-actions"), &demo, None).await;
    let actions: Vec<(&str, &str)> = list.body["instanceActions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["action"].as_str().unwrap(), a["request_id"].as_str().unwrap()))
        .collect();
    assert_eq!(actions, vec![("reboot", reboot_req.as_str()), ("create", create_req.as_str())], "newest first");
    let create = nova(&c, Method::GET, &format!("/servers/{id}/os-instance-actions/{create_req}"), &demo, None).await;
    let event = &create.body["instanceAction"]["events"][0];
    assert_eq!(event["result"], "Success", "{}", create.text);
    assert!(event["finish_time"].is_string());
    // hostId for everyone from 2.62, the host itself only for an admin.
    assert!(event["hostId"].as_str().is_some_and(|h| !h.is_empty()), "{}", create.text);
    assert!(event.get("host").is_none(), "{}", create.text);
    // Before 2.51 a member sees no events.
    let old = nova_at(&c, "2.50", Method::GET, &format!("/servers/{id}/os-instance-actions/{reboot_req}"), &demo, None).await;
    assert!(old.body["instanceAction"].get("events").is_none(), "{}", old.text);
    assert_eq!(nova(&c, Method::GET, &format!("/servers/{id}/os-instance-actions/999"), &demo, None).await.status, 404);

    // A deleted server's actions stay readable from 2.21.
    assert_eq!(nova(&c, Method::DELETE, &format!("/servers/{id}"), &demo, None).await.status, 204);
    let after = nova(&c, Method::GET, &format!("/servers/{id}/os-instance-actions"), &demo, None).await;
    assert_eq!(after.status, 200, "{}", after.text);
    let names: Vec<&str> = after.body["instanceActions"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["delete", "reboot", "create"]);
    let before_2_21 = nova_at(&c, "2.20", Method::GET, &format!("/servers/{id}/os-instance-actions"), &demo, None).await;
    assert_eq!(before_2_21.status, 404, "{}", before_2_21.text);
}

#[tokio::test]
async fn instance_actions_page_with_limit_and_marker_from_2_58() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let created = nova(&c, Method::POST, "/servers", &demo, Some(server_body(&c, "paged", json!("none")))).await;
    let id = created.body["server"]["id"].as_str().unwrap().to_string();
    c.advance("20s").await;
    for action in [json!({"lock": null}), json!({"unlock": null})] {
        assert_eq!(nova(&c, Method::POST, &format!("/servers/{id}/action"), &demo, Some(action)).await.status, 202);
    }
    let page = nova(&c, Method::GET, &format!("/servers/{id}/os-instance-actions?limit=2"), &demo, None).await;
    let items = page.body["instanceActions"].as_array().unwrap();
    assert_eq!(items.iter().map(|a| a["action"].as_str().unwrap()).collect::<Vec<_>>(), vec!["unlock", "lock"]);
    assert!(items[0]["updated_at"].is_string());
    let marker = items[1]["request_id"].as_str().unwrap();
    assert!(page.body["links"][0]["href"].as_str().unwrap().contains(marker), "{}", page.text);
    let rest = nova(&c, Method::GET, &format!("/servers/{id}/os-instance-actions?marker={marker}"), &demo, None).await;
    let rest: Vec<&str> = rest.body["instanceActions"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert_eq!(rest, vec!["create"]);
    let bad = nova(&c, Method::GET, &format!("/servers/{id}/os-instance-actions?marker=req-nope"), &demo, None).await;
    assert_eq!(bad.status, 400, "{}", bad.text);
}

#[tokio::test]
async fn the_rebuild_reply_names_the_key_and_user_data_from_their_microversions() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let created = nova(&c, Method::POST, "/servers", &demo, Some(server_body(&c, "rebuilt", json!("none")))).await;
    let id = created.body["server"]["id"].as_str().unwrap().to_string();
    c.advance("20s").await;
    let rebuild = json!({"rebuild": {"imageRef": cirros(&c), "user_data": "ZWNobyBoaQ=="}});
    let r = nova_at(&c, "2.57", Method::POST, &format!("/servers/{id}/action"), &demo, Some(rebuild.clone())).await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r.body["server"]["user_data"], "ZWNobyBoaQ==");
    assert!(r.body["server"].as_object().unwrap().contains_key("key_name"), "{}", r.text);
    c.advance("20s").await;
    let r = nova_at(&c, "2.53", Method::POST, &format!("/servers/{id}/action"), &demo, Some(json!({"rebuild": {"imageRef": cirros(&c)}})))
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert!(!r.body["server"].as_object().unwrap().contains_key("key_name"), "{}", r.text);
    assert!(!r.body["server"].as_object().unwrap().contains_key("user_data"), "{}", r.text);
}

#[tokio::test]
async fn nova_paths_are_exact_about_trailing_slashes() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    assert_eq!(nova(&c, Method::GET, "/os-simple-tenant-usage/", &admin, None).await.status, 404);
    assert_eq!(nova(&c, Method::GET, "/os-simple-tenant-usage", &admin, None).await.status, 200);
    assert_eq!(c.get("/compute/v2.1/", None).await.status, 200);
    assert_eq!(c.get("/compute/v2/", None).await.body["version"]["id"], "v2.0");
}

#[tokio::test]
async fn a_keypair_create_without_a_public_key_generates_one_before_2_92() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let r = nova_at(&c, "2.2", Method::POST, "/os-keypairs", &demo, Some(json!({"keypair": {"name": "cert", "type": "x509"}}))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let k = &r.body["keypair"];
    assert_eq!(k["type"], "x509");
    assert!(k["public_key"].as_str().unwrap().starts_with("-----BEGIN CERTIFICATE-----"), "{}", r.text);
    assert!(k["private_key"].as_str().unwrap().starts_with("-----BEGIN PRIVATE KEY-----"), "{}", r.text);
    let shown = nova_at(&c, "2.2", Method::GET, "/os-keypairs/cert", &demo, None).await;
    assert_eq!(shown.body["keypair"]["public_key"], k["public_key"]);
    assert!(shown.body["keypair"].get("private_key").is_none(), "the private key is answered once");
    let r = nova_at(&c, "2.2", Method::POST, "/os-keypairs", &demo, Some(json!({"keypair": {"name": "ssh-gen"}}))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(r.body["keypair"]["public_key"].as_str().unwrap().starts_with("ssh-ed25519 "), "{}", r.text);
    let r = nova_at(&c, "2.92", Method::POST, "/os-keypairs", &demo, Some(json!({"keypair": {"name": "none"}}))).await;
    assert_eq!(r.status, 400, "{}", r.text);
}

#[tokio::test]
async fn servers_list_by_reservation_and_an_affinity_group_shares_a_host() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let group =
        nova(&c, Method::POST, "/os-server-groups", &demo, Some(json!({"server_group": {"name": "together", "policy": "affinity"}}))).await;
    let group = group.body["server_group"]["id"].as_str().unwrap().to_string();
    let mut body = server_body(&c, "pair", json!("none"));
    body["server"]["min_count"] = json!(2);
    body["server"]["return_reservation_id"] = json!(true);
    body["OS-SCH-HNT:scheduler_hints"] = json!({"group": group});
    let r = nova(&c, Method::POST, "/servers", &demo, Some(body)).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let reservation = r.body["reservation_id"].as_str().unwrap().to_string();
    c.advance("20s").await;
    let listed = nova(&c, Method::GET, &format!("/servers?reservation_id={reservation}"), &demo, None).await;
    let ids: Vec<String> = listed.body["servers"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids.len(), 2, "{}", listed.text);
    let w = c.running.cloud.world();
    let hosts: Vec<Option<String>> = ids.iter().map(|id| w.compute.server(id).unwrap().host.clone()).collect();
    assert!(hosts[0].is_some() && hosts[0] == hosts[1], "{hosts:?}");
}
