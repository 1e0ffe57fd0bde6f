//! Nova's server snapshots and backups (`createImage`, `createBackup`) and interface attachments
//! (`os-interface`) over HTTP: the Glance image that becomes active on the clock with Nova's
//! properties, the server's image tasks, backup rotation, the 409s of the state checks; a port
//! attached (its device, owner and status, the server's addresses) and detached (given back).

mod common;

use common::TestCloud;
use reqwest::Method;
use serde_json::{json, Value};

async fn nova(
    c: &TestCloud,
    method: Method,
    path: &str,
    token: &str,
    version: &str,
    body: Option<Value>,
) -> (common::Reply, Option<String>) {
    let mut req = c
        .http
        .request(method, c.url(&format!("/compute/v2.1{path}")))
        .header("X-Auth-Token", token)
        .header("OpenStack-API-Version", format!("compute {version}"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let location = resp.headers().get("location").map(|h| h.to_str().unwrap().to_string());
    (common::reply(resp).await, location)
}

async fn server_of(c: &TestCloud, token: &str, id: &str) -> Value {
    nova(c, Method::GET, &format!("/servers/{id}"), token, "2.96", None).await.0.body["server"].clone()
}

async fn image(c: &TestCloud, token: &str, id: &str) -> common::Reply {
    c.get(&format!("/image/v2/images/{id}"), Some(token)).await
}

fn server_named(c: &TestCloud, name: &str) -> String {
    c.running.cloud.world().compute.servers.values().find(|s| s.name == name).unwrap().id.clone()
}

#[tokio::test]
async fn create_image_makes_a_snapshot_that_becomes_active_on_the_clock() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let id = server_named(&c, "web-0");
    let base = c.running.cloud.world().compute.server(&id).unwrap().image_id.clone();
    let body = json!({"createImage": {"name": "web-0-snap", "metadata": {"purpose": "test"}}});
    let (r, _) = nova(&c, Method::POST, &format!("/servers/{id}/action"), &demo, "2.45", Some(body)).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let image_id = r.body["image_id"].as_str().expect("2.45 answers the image id").to_string();

    let img = image(&c, &demo, &image_id).await;
    assert_eq!(img.status, 200, "the caller's project owns the image: {}", img.text);
    assert_eq!(img.body["status"], "queued");
    assert_eq!(img.body["visibility"], "private");
    assert_eq!(img.body["image_type"], "snapshot");
    assert_eq!(img.body["instance_uuid"], id.as_str());
    assert_eq!(img.body["base_image_ref"], base.as_str());
    assert_eq!(img.body["purpose"], "test");
    assert_eq!(img.body["owner_project_name"], "demo");
    assert_eq!(server_of(&c, &demo, &id).await["OS-EXT-STS:task_state"], "image_snapshot");

    c.advance("2s").await;
    assert_eq!(server_of(&c, &demo, &id).await["OS-EXT-STS:task_state"], "image_pending_upload");
    c.advance("1s").await;
    assert_eq!(server_of(&c, &demo, &id).await["OS-EXT-STS:task_state"], "image_uploading");
    assert_eq!(image(&c, &demo, &image_id).await.body["status"], "saving");

    // A second snapshot while the first runs is refused by the task check.
    let (busy, _) =
        nova(&c, Method::POST, &format!("/servers/{id}/action"), &demo, "2.45", Some(json!({"createImage": {"name": "again"}}))).await;
    assert_eq!(busy.status, 409, "{}", busy.text);
    assert!(busy.text.contains("while it is in task_state image_uploading"), "{}", busy.text);

    c.advance("60s").await;
    let done = image(&c, &demo, &image_id).await;
    assert_eq!(done.body["status"], "active", "{}", done.text);
    assert!(done.body["size"].as_u64().unwrap() > 0);
    assert_eq!(done.body["image_location"], "snapshot");
    assert_eq!(server_of(&c, &demo, &id).await["OS-EXT-STS:task_state"], Value::Null);
}

#[tokio::test]
async fn create_image_before_2_45_answers_the_location_and_checks_the_body() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let id = server_named(&c, "web-1");
    let (r, location) =
        nova(&c, Method::POST, &format!("/servers/{id}/action"), &demo, "2.1", Some(json!({"createImage": {"name": "loc"}}))).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let location = location.expect("a Location header before 2.45");
    let image_id = location.rsplit('/').next().unwrap();
    assert!(location.contains("/image/v2/images/"), "{location}");
    assert_eq!(image(&c, &demo, image_id).await.status, 200);

    let before = c.state_without_journal();
    for bad in [
        json!({"createImage": {}}),
        json!({"createImage": {"name": "x".repeat(256)}}),
        json!({"createImage": {"name": "m", "metadata": {"": ""}}}),
        json!({"createImage": {"name": "m", "metadata": {"k": "v".repeat(256)}}}),
        json!({"createImage": {"name": "m", "extra": 1}}),
    ] {
        let (r, _) = nova(&c, Method::POST, &format!("/servers/{id}/action"), &demo, "2.1", Some(bad.clone())).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
    }
    assert_eq!(c.state_without_journal(), before, "refused requests change nothing");
}

#[tokio::test]
async fn create_image_is_refused_while_the_server_is_in_a_refusing_state() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let id = server_named(&c, "db-0");
    let (r, _) =
        nova(&c, Method::POST, &format!("/servers/{id}/action"), &admin, "2.96", Some(json!({"os-resetState": {"state": "error"}}))).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let images_before = c.running.cloud.world().image.images.len();
    let (r, _) =
        nova(&c, Method::POST, &format!("/servers/{id}/action"), &demo, "2.96", Some(json!({"createImage": {"name": "no"}}))).await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(r.text.contains(&format!("Cannot 'createImage' instance {id} while it is in vm_state error")), "{}", r.text);
    assert_eq!(c.running.cloud.world().image.images.len(), images_before, "no image is made");
}

#[tokio::test]
async fn create_backup_rotates_out_the_oldest_backups() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let id = server_named(&c, "web-0");
    let mut ids = Vec::new();
    for n in 0..3 {
        let body = json!({"createBackup": {"name": format!("b{n}"), "backup_type": "daily", "rotation": 2}});
        let (r, _) = nova(&c, Method::POST, &format!("/servers/{id}/action"), &demo, "2.45", Some(body)).await;
        assert_eq!(r.status, 202, "{}", r.text);
        ids.push(r.body["image_id"].as_str().unwrap().to_string());
        assert_eq!(server_of(&c, &demo, &id).await["OS-EXT-STS:task_state"], "image_backup");
        c.advance("60s").await;
    }
    assert_eq!(image(&c, &demo, &ids[0]).await.status, 404, "the oldest backup is rotated out");
    for kept in &ids[1..] {
        let img = image(&c, &demo, kept).await;
        assert_eq!(img.body["status"], "active", "{}", img.text);
        assert_eq!(img.body["image_type"], "backup");
        assert_eq!(img.body["backup_type"], "daily");
    }
}

#[tokio::test]
async fn deleting_the_image_while_saving_ends_the_server_task() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let id = server_named(&c, "web-1");
    let (r, _) =
        nova(&c, Method::POST, &format!("/servers/{id}/action"), &demo, "2.45", Some(json!({"createImage": {"name": "gone"}}))).await;
    let image_id = r.body["image_id"].as_str().unwrap().to_string();
    c.advance("4s").await;
    assert_eq!(image(&c, &demo, &image_id).await.body["status"], "saving");
    assert_eq!(c.send(Method::DELETE, &format!("/image/v2/images/{image_id}"), Some(&demo), None).await.status, 204);
    c.advance("60s").await;
    assert_eq!(server_of(&c, &demo, &id).await["OS-EXT-STS:task_state"], Value::Null);
    assert_eq!(server_of(&c, &demo, &id).await["status"], "ACTIVE");
}

async fn port(c: &TestCloud, token: &str, id: &str) -> Value {
    c.get(&format!("/network/v2.0/ports/{id}"), Some(token)).await.body["port"].clone()
}

fn network_named(c: &TestCloud, name: &str) -> String {
    c.running.cloud.world().network.networks.values().find(|n| n.name == name).unwrap().id.clone()
}

#[tokio::test]
async fn attaching_a_port_gives_it_to_the_server_and_detaching_gives_it_back() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let id = server_named(&c, "web-0");
    let net = network_named(&c, "private");
    let created =
        c.send(Method::POST, "/network/v2.0/ports", Some(&demo), Some(json!({"port": {"network_id": net, "name": "extra"}}))).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let port_id = created.body["port"]["id"].as_str().unwrap().to_string();
    let ip = created.body["port"]["fixed_ips"][0]["ip_address"].as_str().unwrap().to_string();

    let body = json!({"interfaceAttachment": {"port_id": port_id, "tag": "nic2"}});
    let (r, _) = nova(&c, Method::POST, &format!("/servers/{id}/os-interface"), &demo, "2.70", Some(body)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["interfaceAttachment"]["port_id"], port_id.as_str());
    assert_eq!(r.body["interfaceAttachment"]["net_id"], net.as_str());
    assert_eq!(r.body["interfaceAttachment"]["tag"], "nic2");
    assert_eq!(r.body["interfaceAttachment"]["port_state"], "DOWN");
    let p = port(&c, &demo, &port_id).await;
    assert_eq!(p["device_id"], id.as_str());
    assert!(p["device_owner"].as_str().unwrap().starts_with("compute:"), "{p}");

    c.advance("3s").await;
    assert_eq!(port(&c, &demo, &port_id).await["status"], "ACTIVE");
    let addresses = server_of(&c, &demo, &id).await["addresses"]["private"].clone();
    assert!(addresses.as_array().unwrap().iter().any(|a| a["addr"] == ip.as_str()), "{addresses}");
    let (list, _) = nova(&c, Method::GET, &format!("/servers/{id}/os-interface"), &demo, "2.1", None).await;
    assert_eq!(list.body["interfaceAttachments"].as_array().unwrap().len(), 2, "{}", list.text);

    // The same port on another server is in use.
    let other = server_named(&c, "web-1");
    let (r, _) = nova(
        &c,
        Method::POST,
        &format!("/servers/{other}/os-interface"),
        &demo,
        "2.1",
        Some(json!({"interfaceAttachment": {"port_id": port_id}})),
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.text);

    let (r, _) = nova(&c, Method::DELETE, &format!("/servers/{id}/os-interface/{port_id}"), &demo, "2.1", None).await;
    assert_eq!(r.status, 202, "{}", r.text);
    c.advance("3s").await;
    let p = port(&c, &demo, &port_id).await;
    assert_eq!(p["device_id"], "", "the user's port is given back, not deleted: {p}");
    assert_eq!(p["device_owner"], "");
    let addresses = server_of(&c, &demo, &id).await["addresses"]["private"].clone();
    assert!(!addresses.as_array().unwrap().iter().any(|a| a["addr"] == ip.as_str()), "{addresses}");
}

#[tokio::test]
async fn attaching_by_network_makes_a_port_that_detach_deletes() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let id = server_named(&c, "web-1");
    let net = network_named(&c, "private");
    let body = json!({"interfaceAttachment": {"net_id": net, "fixed_ips": [{"ip_address": "10.0.0.200"}]}});
    let (r, _) = nova(&c, Method::POST, &format!("/servers/{id}/os-interface"), &demo, "2.1", Some(body)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["interfaceAttachment"]["fixed_ips"][0]["ip_address"], "10.0.0.200");
    let port_id = r.body["interfaceAttachment"]["port_id"].as_str().unwrap().to_string();
    let (shown, _) = nova(&c, Method::GET, &format!("/servers/{id}/os-interface/{port_id}"), &demo, "2.1", None).await;
    assert_eq!(shown.status, 200, "{}", shown.text);

    // The same address again is in use; both a network and a port is a 400; a locked server refuses.
    let again = json!({"interfaceAttachment": {"net_id": net, "fixed_ips": [{"ip_address": "10.0.0.200"}]}});
    let (r, _) = nova(&c, Method::POST, &format!("/servers/{id}/os-interface"), &demo, "2.1", Some(again)).await;
    assert_eq!(r.status, 409, "{}", r.text);
    let both = json!({"interfaceAttachment": {"net_id": net, "port_id": port_id}});
    let (r, _) = nova(&c, Method::POST, &format!("/servers/{id}/os-interface"), &demo, "2.1", Some(both)).await;
    assert_eq!(r.status, 400, "{}", r.text);

    let (r, _) = nova(&c, Method::DELETE, &format!("/servers/{id}/os-interface/{port_id}"), &demo, "2.1", None).await;
    assert_eq!(r.status, 202);
    c.advance("3s").await;
    assert_eq!(c.get(&format!("/network/v2.0/ports/{port_id}"), Some(&demo)).await.status, 404, "Nova's own port is deleted");
}

#[tokio::test]
async fn attaching_to_a_network_without_a_subnet_or_a_locked_server_is_refused() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let id = server_named(&c, "web-0");
    let made = c.send(Method::POST, "/network/v2.0/networks", Some(&demo), Some(json!({"network": {"name": "bare"}}))).await;
    let bare = made.body["network"]["id"].as_str().unwrap().to_string();
    let before = c.state_without_journal();
    let (r, _) = nova(
        &c,
        Method::POST,
        &format!("/servers/{id}/os-interface"),
        &demo,
        "2.1",
        Some(json!({"interfaceAttachment": {"net_id": bare}})),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.text.contains("requires a subnet"), "{}", r.text);
    // Two networks available and none named: ambiguous.
    let (r, _) =
        nova(&c, Method::POST, &format!("/servers/{id}/os-interface"), &demo, "2.1", Some(json!({"interfaceAttachment": {}}))).await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.text.contains("Multiple possible networks found"), "{}", r.text);
    assert_eq!(c.state_without_journal(), before, "refused attaches change nothing");

    let (r, _) = nova(&c, Method::POST, &format!("/servers/{id}/action"), &demo, "2.1", Some(json!({"lock": null}))).await;
    assert_eq!(r.status, 202);
    let net = network_named(&c, "private");
    let (r, _) =
        nova(&c, Method::POST, &format!("/servers/{id}/os-interface"), &demo, "2.1", Some(json!({"interfaceAttachment": {"net_id": net}})))
            .await;
    assert_eq!(r.status, 409, "{}", r.text);
}

#[tokio::test]
async fn shelving_keeps_the_server_in_a_snapshot_that_unshelving_deletes() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let id = server_named(&c, "web-0");
    let (r, _) = nova(&c, Method::POST, &format!("/servers/{id}/action"), &demo, "2.1", Some(json!({"shelve": null}))).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let listed = c.get("/image/v2/images?name=web-0-shelved", Some(&demo)).await;
    let images = listed.body["images"].as_array().unwrap().clone();
    assert_eq!(images.len(), 1, "{}", listed.text);
    let image_id = images[0]["id"].as_str().unwrap().to_string();
    assert_eq!(images[0]["instance_uuid"], id.as_str());
    c.advance("60s").await;
    assert_eq!(server_of(&c, &demo, &id).await["status"], "SHELVED_OFFLOADED");
    assert_eq!(image(&c, &demo, &image_id).await.body["status"], "active");

    let (r, _) = nova(&c, Method::POST, &format!("/servers/{id}/action"), &demo, "2.1", Some(json!({"unshelve": null}))).await;
    assert_eq!(r.status, 202, "{}", r.text);
    c.advance("20s").await;
    assert_eq!(server_of(&c, &demo, &id).await["status"], "ACTIVE");
    assert_eq!(image(&c, &demo, &image_id).await.status, 404, "the shelved snapshot is gone");
}

/// Runs the pinned CLI; its stdout, after asserting it succeeded.
fn cli(openstack: &std::path::Path, env: &[(String, String)], args: &[String]) -> String {
    let mut cmd = std::process::Command::new(openstack);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("OS_")) {
        cmd.env_remove(k);
    }
    let out = cmd.args(args).envs(env.iter().cloned()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "openstack {args:?}: {text}{}", String::from_utf8_lossy(&out.stderr));
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openstack_cli_snapshots_a_server_and_adds_and_removes_a_port() {
    let openstack = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.clients/venv/bin/openstack");
    assert!(openstack.exists(), "{} is missing: ci/test installs the pinned clients", openstack.display());
    let c = TestCloud::start().await;
    let env = fakecloud::cli::env::os_vars(&fakecloud::Fixture::default_cloud(), &c.running.url(), "demo").unwrap();
    let run = move |args: &[&str]| {
        let (openstack, env) = (openstack.clone(), env.clone());
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        tokio::task::spawn_blocking(move || cli(&openstack, &env, &args))
    };
    let image: Value =
        serde_json::from_str(&run(&["server", "image", "create", "--name", "cli-snap", "web-0", "-f", "json"]).await.unwrap()).unwrap();
    let image_id = image["id"].as_str().expect("the CLI shows the new image").to_string();
    assert_eq!(image["name"], "cli-snap", "{image}");
    c.advance("60s").await;
    let shown: Value = serde_json::from_str(&run(&["image", "show", &image_id, "-f", "json"]).await.unwrap()).unwrap();
    assert_eq!(shown["status"], "active", "{shown}");

    let port: Value =
        serde_json::from_str(&run(&["port", "create", "--network", "private", "cli-port", "-f", "json"]).await.unwrap()).unwrap();
    let port_id = port["id"].as_str().unwrap().to_string();
    run(&["server", "add", "port", "web-0", "cli-port"]).await.unwrap();
    let server = server_named(&c, "web-0");
    assert_eq!(c.running.cloud.world().network.ports[&port_id].device_id, server, "the port is the server's");
    run(&["server", "remove", "port", "web-0", "cli-port"]).await.unwrap();
    c.advance("3s").await;
    assert_eq!(c.running.cloud.world().network.ports[&port_id].device_id, "", "the port is given back");
}

#[tokio::test]
async fn snapshots_and_interface_changes_leave_instance_actions() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let id = server_named(&c, "web-0");
    let net = network_named(&c, "private");
    let body = json!({"createImage": {"name": "web-0-acted"}});
    assert_eq!(nova(&c, Method::POST, &format!("/servers/{id}/action"), &demo, "2.45", Some(body)).await.0.status, 202);
    // The snapshot's task blocks other changes until it ends.
    c.advance("60s").await;
    let body = json!({"interfaceAttachment": {"net_id": net}});
    let (r, _) = nova(&c, Method::POST, &format!("/servers/{id}/os-interface"), &demo, "2.70", Some(body)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let port_id = r.body["interfaceAttachment"]["port_id"].as_str().unwrap().to_string();
    c.advance("30s").await;
    let (r, _) = nova(&c, Method::DELETE, &format!("/servers/{id}/os-interface/{port_id}"), &demo, "2.70", None).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let (list, _) = nova(&c, Method::GET, &format!("/servers/{id}/os-instance-actions"), &demo, "2.58", None).await;
    let names: Vec<&str> = list.body["instanceActions"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert_eq!(names[..3], ["detach_interface", "attach_interface", "createImage"], "newest first: {}", list.text);
    let snapshot = list.body["instanceActions"][2]["request_id"].as_str().unwrap().to_string();
    let (shown, _) = nova(&c, Method::GET, &format!("/servers/{id}/os-instance-actions/{snapshot}"), &demo, "2.58", None).await;
    assert_eq!(shown.body["instanceAction"]["events"][0]["result"], "Success", "the snapshot's event ended with its task: {}", shown.text);
}
