//! Volumes on servers across Nova and Cinder over HTTP: attach and detach moving the volume's
//! status in Cinder on the clock, the server's `volumes_attached`, Nova's refusals, the volume
//! proxies gone at 2.36, boot from volume (`image: ""`, a volume Cinder makes from an image) and
//! `delete_on_termination` when the server goes.

mod common;

use common::TestCloud;
use reqwest::Method;
use serde_json::{json, Value};

async fn nova(c: &TestCloud, version: &str, method: Method, path: &str, token: &str, body: Option<Value>) -> common::Reply {
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

fn cirros(c: &TestCloud) -> String {
    c.running.cloud.world().image.images.iter().find(|i| i.name.starts_with("cirros")).unwrap().id.clone()
}

async fn active_server(c: &TestCloud, token: &str, name: &str) -> String {
    let body = json!({"server": {"name": name, "imageRef": cirros(c), "flavorRef": "1", "networks": "none"}});
    let r = nova(c, "2.96", Method::POST, "/servers", token, Some(body)).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let id = r.body["server"]["id"].as_str().unwrap().to_string();
    c.advance("20s").await;
    id
}

async fn new_volume(c: &TestCloud, token: &str, name: &str) -> String {
    let r = c.send(Method::POST, "/volume/v3/volumes", Some(token), Some(json!({"volume": {"size": 1, "name": name}}))).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let id = r.body["volume"]["id"].as_str().unwrap().to_string();
    c.advance("10s").await;
    id
}

async fn volume(c: &TestCloud, token: &str, id: &str) -> common::Reply {
    c.get(&format!("/volume/v3/volumes/{id}"), Some(token)).await
}

async fn volume_status(c: &TestCloud, token: &str, id: &str) -> String {
    volume(c, token, id).await.body["volume"]["status"].as_str().unwrap_or("gone").to_string()
}

async fn server(c: &TestCloud, version: &str, token: &str, id: &str) -> Value {
    nova(c, version, Method::GET, &format!("/servers/{id}"), token, None).await.body["server"].clone()
}

#[tokio::test]
async fn attach_reserves_the_volume_then_the_clock_puts_it_in_use() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let srv = active_server(&c, &demo, "attach-vm").await;
    let vol = new_volume(&c, &demo, "attach-vol").await;
    let r = nova(
        &c,
        "2.79",
        Method::POST,
        &format!("/servers/{srv}/os-volume_attachments"),
        &demo,
        Some(json!({
        "volumeAttachment": {"volumeId": vol, "tag": "data", "delete_on_termination": true}})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let att = &r.body["volumeAttachment"];
    assert_eq!(
        (att["id"].as_str(), att["serverId"].as_str(), att["device"].as_str()),
        (Some(vol.as_str()), Some(srv.as_str()), Some("/dev/vdb"))
    );
    assert_eq!((att["tag"].as_str(), att["delete_on_termination"].as_bool()), (Some("data"), Some(true)));
    // Reserved in Cinder, not yet shown among its attachments; Nova already lists the mapping.
    let v = volume(&c, &demo, &vol).await.body;
    assert_eq!(v["volume"]["status"], "reserved");
    assert_eq!(v["volume"]["attachments"], json!([]));
    assert_eq!(
        server(&c, "2.3", &demo, &srv).await["os-extended-volumes:volumes_attached"],
        json!([{"id": vol, "delete_on_termination": true}])
    );
    c.advance("5s").await;
    let v = volume(&c, &demo, &vol).await.body;
    assert_eq!(v["volume"]["status"], "in-use");
    let a = &v["volume"]["attachments"][0];
    assert_eq!((a["server_id"].as_str(), a["device"].as_str()), (Some(srv.as_str()), Some("/dev/vdb")));
    // Before 2.3 the server shows the id alone; from 2.89 the attachment shows Cinder's id.
    assert_eq!(server(&c, "2.1", &demo, &srv).await["os-extended-volumes:volumes_attached"], json!([{"id": vol}]));
    let shown = nova(&c, "2.89", Method::GET, &format!("/servers/{srv}/os-volume_attachments/{vol}"), &demo, None).await;
    assert_eq!(shown.body["volumeAttachment"]["attachment_id"], a["attachment_id"], "{}", shown.text);
    assert!(shown.body["volumeAttachment"].get("id").is_none(), "{}", shown.text);
}

#[tokio::test]
async fn detach_goes_through_detaching_to_available() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let srv = active_server(&c, &demo, "detach-vm").await;
    let vol = new_volume(&c, &demo, "detach-vol").await;
    let path = format!("/servers/{srv}/os-volume_attachments");
    let r = nova(&c, "2.1", Method::POST, &path, &demo, Some(json!({"volumeAttachment": {"volumeId": vol}}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // A detach before the attach completes is refused by Cinder's begin_detaching.
    let early = nova(&c, "2.1", Method::DELETE, &format!("{path}/{vol}"), &demo, None).await;
    assert_eq!(early.status, 400, "{}", early.text);
    c.advance("5s").await;
    // Deleting an attached volume is refused.
    let del = c.send(Method::DELETE, &format!("/volume/v3/volumes/{vol}"), Some(&demo), None).await;
    assert_eq!(del.status, 400, "{}", del.text);
    let r = nova(&c, "2.1", Method::DELETE, &format!("{path}/{vol}"), &demo, None).await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(volume_status(&c, &demo, &vol).await, "detaching");
    c.advance("5s").await;
    assert_eq!(volume_status(&c, &demo, &vol).await, "available");
    assert_eq!(volume(&c, &demo, &vol).await.body["volume"]["attachments"], json!([]));
    let list = nova(&c, "2.1", Method::GET, &path, &demo, None).await;
    assert_eq!(list.body["volumeAttachments"], json!([]), "{}", list.text);
    let gone = nova(&c, "2.1", Method::GET, &format!("{path}/{vol}"), &demo, None).await;
    assert_eq!(gone.status, 404, "{}", gone.text);
}

#[tokio::test]
async fn attach_refusals_leave_the_volume_as_it_was() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let srv = active_server(&c, &demo, "refuse-vm").await;
    let other = active_server(&c, &demo, "refuse-other").await;
    let vol = new_volume(&c, &demo, "refuse-vol").await;
    let body = json!({"volumeAttachment": {"volumeId": vol}});
    let r = nova(&c, "2.1", Method::POST, &format!("/servers/{srv}/os-volume_attachments"), &demo, Some(body.clone())).await;
    assert_eq!(r.status, 200, "{}", r.text);
    c.advance("5s").await;
    let again = nova(&c, "2.1", Method::POST, &format!("/servers/{srv}/os-volume_attachments"), &demo, Some(body.clone())).await;
    assert_eq!(again.status, 400, "the same volume twice: {}", again.text);
    let elsewhere = nova(&c, "2.1", Method::POST, &format!("/servers/{other}/os-volume_attachments"), &demo, Some(body.clone())).await;
    assert_eq!(elsewhere.status, 400, "an in-use volume to another server: {}", elsewhere.text);
    let missing = json!({"volumeAttachment": {"volumeId": "8d2f7c5e-0b4e-4f4e-9a55-1f0e1e6b6f00"}});
    let r = nova(&c, "2.1", Method::POST, &format!("/servers/{other}/os-volume_attachments"), &demo, Some(missing)).await;
    assert_eq!(r.status, 404, "{}", r.text);
    // A rescued server refuses attachments (409), and the tag needs 2.49.
    let spare = new_volume(&c, &demo, "refuse-spare").await;
    let r = nova(&c, "2.96", Method::POST, &format!("/servers/{other}/action"), &demo, Some(json!({"rescue": null}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    c.advance("5s").await;
    let r = nova(
        &c,
        "2.1",
        Method::POST,
        &format!("/servers/{other}/os-volume_attachments"),
        &demo,
        Some(json!({
        "volumeAttachment": {"volumeId": spare}})),
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.text);
    let r = nova(
        &c,
        "2.48",
        Method::POST,
        &format!("/servers/{srv}/os-volume_attachments"),
        &demo,
        Some(json!({
        "volumeAttachment": {"volumeId": spare, "tag": "t"}})),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(volume_status(&c, &demo, &spare).await, "available");
    assert_eq!(volume_status(&c, &demo, &vol).await, "in-use");
}

#[tokio::test]
async fn update_changes_delete_on_termination_from_2_85_and_refuses_a_swap() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let admin = c.admin().await;
    let srv = active_server(&c, &demo, "update-vm").await;
    let vol = new_volume(&c, &demo, "update-vol").await;
    let other = new_volume(&c, &demo, "update-other").await;
    let path = format!("/servers/{srv}/os-volume_attachments");
    nova(&c, "2.1", Method::POST, &path, &demo, Some(json!({"volumeAttachment": {"volumeId": vol}}))).await;
    c.advance("5s").await;
    let r = nova(
        &c,
        "2.85",
        Method::PUT,
        &format!("{path}/{vol}"),
        &demo,
        Some(json!({
        "volumeAttachment": {"volumeId": vol, "delete_on_termination": true}})),
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let shown = nova(&c, "2.85", Method::GET, &format!("{path}/{vol}"), &demo, None).await;
    assert_eq!(shown.body["volumeAttachment"]["delete_on_termination"], true, "{}", shown.text);
    // Before 2.85 a PUT is a swap: admin (or service) only, and only while Cinder migrates.
    let swap = json!({"volumeAttachment": {"volumeId": other}});
    let r = nova(&c, "2.84", Method::PUT, &format!("{path}/{vol}"), &demo, Some(swap.clone())).await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = nova(&c, "2.84", Method::PUT, &format!("{path}/{vol}"), &admin, Some(swap)).await;
    assert_eq!(r.status, 409, "{}", r.text);
    let r = nova(
        &c,
        "2.85",
        Method::PUT,
        &format!("{path}/{vol}"),
        &demo,
        Some(json!({
        "volumeAttachment": {"volumeId": vol, "device": "/dev/vdz"}})),
    )
    .await;
    assert_eq!(r.status, 400, "the device is not mutable: {}", r.text);
}

#[tokio::test]
async fn the_volume_proxies_are_gone_from_2_36() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let r = nova(&c, "2.1", Method::POST, "/os-volumes", &demo, Some(json!({"volume": {"size": 1, "display_name": "proxied"}}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let vol = r.body["volume"]["id"].as_str().unwrap().to_string();
    assert_eq!((r.body["volume"]["displayName"].as_str(), r.body["volume"]["attachments"].clone()), (Some("proxied"), json!([{}])));
    c.advance("10s").await;
    let shown = nova(&c, "2.35", Method::GET, &format!("/os-volumes/{vol}"), &demo, None).await;
    assert_eq!(shown.body["volume"]["status"], "available", "{}", shown.text);
    for path in [format!("/os-volumes/{vol}"), "/os-volumes".to_string(), "/os-snapshots".to_string()] {
        let r = nova(&c, "2.36", Method::GET, &path, &demo, None).await;
        assert_eq!(r.status, 404, "{path}: {}", r.text);
    }
    let snap = nova(&c, "2.1", Method::POST, "/os-snapshots", &demo, Some(json!({"snapshot": {"volume_id": vol}}))).await;
    assert_eq!((snap.status, snap.body["snapshot"]["volumeId"].as_str()), (200, Some(vol.as_str())), "{}", snap.text);
}

#[tokio::test]
async fn boot_from_an_image_volume_makes_the_volume_and_deletes_it_with_the_server() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let bdm = json!([{"source_type": "image", "destination_type": "volume", "uuid": cirros(&c), "boot_index": 0,
                      "volume_size": 1, "delete_on_termination": true}]);
    let body = json!({"server": {"name": "bfv", "flavorRef": "1", "networks": "none", "block_device_mapping_v2": bdm}});
    let r = nova(&c, "2.96", Method::POST, "/servers", &demo, Some(body)).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let srv = r.body["server"]["id"].as_str().unwrap().to_string();
    c.advance("20s").await;
    let s = server(&c, "2.96", &demo, &srv).await;
    assert_eq!((s["status"].as_str(), s["image"].clone()), (Some("ACTIVE"), json!("")));
    let vol = s["os-extended-volumes:volumes_attached"][0]["id"].as_str().expect("the boot volume").to_string();
    let v = volume(&c, &demo, &vol).await.body;
    assert_eq!((v["volume"]["status"].as_str(), v["volume"]["bootable"].as_str()), (Some("in-use"), Some("true")));
    assert_eq!(v["volume"]["attachments"][0]["device"], "/dev/vda");
    // The root volume cannot be detached.
    let r = nova(&c, "2.96", Method::DELETE, &format!("/servers/{srv}/os-volume_attachments/{vol}"), &demo, None).await;
    assert_eq!(r.status, 400, "{}", r.text);
    let r = nova(&c, "2.96", Method::DELETE, &format!("/servers/{srv}"), &demo, None).await;
    assert_eq!(r.status, 204, "{}", r.text);
    c.advance("10s").await;
    assert_eq!(volume(&c, &demo, &vol).await.status, 404, "delete_on_termination deletes the volume");
}

#[tokio::test]
async fn a_deleted_server_leaves_its_kept_volumes_available() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let vol = new_volume(&c, &demo, "kept-root").await;
    // Make it bootable, as a volume from an image would be.
    let r = c
        .send(Method::POST, &format!("/volume/v3/volumes/{vol}/action"), Some(&demo), Some(json!({"os-set_bootable": {"bootable": true}})))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let bdm = json!([{"source_type": "volume", "destination_type": "volume", "uuid": vol, "boot_index": "0"}]);
    let body =
        json!({"server": {"name": "bfv-kept", "imageRef": "", "flavorRef": "1", "networks": "none", "block_device_mapping_v2": bdm}});
    let r = nova(&c, "2.96", Method::POST, "/servers", &demo, Some(body)).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let srv = r.body["server"]["id"].as_str().unwrap().to_string();
    assert_eq!(volume_status(&c, &demo, &vol).await, "reserved");
    c.advance("20s").await;
    assert_eq!(volume_status(&c, &demo, &vol).await, "in-use");
    nova(&c, "2.96", Method::DELETE, &format!("/servers/{srv}"), &demo, None).await;
    // Once the server is gone its attachments are too: the volume may be deleted at once.
    assert_eq!(volume_status(&c, &demo, &vol).await, "available");
    let del = c.send(Method::DELETE, &format!("/volume/v3/volumes/{vol}"), Some(&demo), None).await;
    assert_eq!(del.status, 202, "{}", del.text);
}

#[tokio::test]
async fn block_device_mappings_are_checked_as_nova_does() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let vol = new_volume(&c, &demo, "not-bootable").await;
    let cases = [
        // A volume that is not bootable cannot be the root disk.
        (json!([{"source_type": "volume", "destination_type": "volume", "uuid": vol, "boot_index": 0}]), "is not bootable"),
        // Boot indexes must start at 0 and follow on.
        (json!([{"source_type": "blank", "destination_type": "volume", "volume_size": 1, "boot_index": 1}]), "Boot sequence"),
        // A blank volume needs a size; an image mapped to a local non-root disk is refused.
        (json!([{"source_type": "blank", "destination_type": "volume", "boot_index": 0}]), "non-zero size"),
        (json!([{"source_type": "image", "destination_type": "local", "uuid": cirros(&c), "boot_index": 1}]), "Mapping image to local"),
        (json!([{"source_type": "volume", "destination_type": "volume", "boot_index": 0}]), "Missing device UUID"),
    ];
    for (bdm, says) in cases {
        let body = json!({"server": {"name": "bad-bdm", "flavorRef": "1", "networks": "none", "block_device_mapping_v2": bdm}});
        let r = nova(&c, "2.96", Method::POST, "/servers", &demo, Some(body)).await;
        assert_eq!(r.status, 400, "{bdm}: {}", r.text);
        assert!(r.text.contains(says), "{bdm}: {}", r.text);
    }
    // volume_type needs 2.67, tag 2.42.
    let typed = json!([{"source_type": "blank", "destination_type": "volume", "volume_size": 1, "boot_index": 0, "volume_type": "x"}]);
    let body = json!({"server": {"name": "bad-bdm", "flavorRef": "1", "networks": "none", "block_device_mapping_v2": typed}});
    assert_eq!(nova(&c, "2.66", Method::POST, "/servers", &demo, Some(body)).await.status, 400);
    assert_eq!(volume_status(&c, &demo, &vol).await, "available");
}

/// Runs the pinned CLI as the fixture's admin; its stdout, after asserting it succeeded.
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
async fn the_openstack_cli_adds_and_removes_a_volume_and_boots_from_one() {
    let openstack = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.clients/venv/bin/openstack");
    assert!(openstack.exists(), "{} is missing: ci/test installs the pinned clients", openstack.display());
    let c = TestCloud::start().await;
    let env = fakecloud::cli::env::os_vars(&fakecloud::Fixture::default_cloud(), &c.running.url(), "admin").unwrap();
    let run = move |args: &[&str]| {
        let (openstack, env) = (openstack.clone(), env.clone());
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        tokio::task::spawn_blocking(move || cli(&openstack, &env, &args))
    };
    let admin = c.admin().await;
    let vol = run(&["volume", "create", "--size", "1", "cli-vol", "-f", "value", "-c", "id"]).await.unwrap().trim().to_string();
    c.advance("10s").await;
    let srv = active_server(&c, &admin, "cli-vm").await;
    run(&["server", "add", "volume", &srv, &vol]).await.unwrap();
    c.advance("5s").await;
    assert_eq!(volume_status(&c, &admin, &vol).await, "in-use");
    let listed = run(&["server", "volume", "list", &srv, "-f", "value", "-c", "Volume ID"]).await.unwrap();
    assert_eq!(listed.trim(), vol);
    run(&["server", "remove", "volume", &srv, &vol]).await.unwrap();
    c.advance("5s").await;
    assert_eq!(volume_status(&c, &admin, &vol).await, "available");

    run(&["volume", "set", "--bootable", &vol]).await.unwrap();
    let bfv = run(&["server", "create", "--flavor", "1", "--volume", &vol, "--nic", "none", "cli-bfv", "-f", "value", "-c", "id"])
        .await
        .unwrap()
        .trim()
        .to_string();
    c.advance("20s").await;
    let s = server(&c, "2.96", &admin, &bfv).await;
    assert_eq!((s["status"].as_str(), s["image"].clone()), (Some("ACTIVE"), json!("")), "{s}");
    assert_eq!(s["os-extended-volumes:volumes_attached"][0]["id"].as_str(), Some(vol.as_str()));
    assert_eq!(volume_status(&c, &admin, &vol).await, "in-use");
}

#[tokio::test]
async fn assisted_volume_snapshots_take_only_attached_volumes_and_only_from_admin_or_service() {
    let c = TestCloud::start().await;
    let (demo, admin) = (c.member().await, c.admin().await);
    let attached = c.running.cloud.world().compute.block_devices.first().expect("the fixture attaches a volume").volume_id.clone();
    let loose = new_volume(&c, &demo, "not-attached").await;
    let body =
        |volume: &str| json!({"snapshot": {"volume_id": volume, "create_info": {"snapshot_id": "s-1", "type": "qcow2", "new_file": "f"}}});
    let path = "/os-assisted-volume-snapshots";
    assert_eq!(nova(&c, "2.1", Method::POST, path, &demo, Some(body(&attached))).await.status, 403);
    assert_eq!(nova(&c, "2.1", Method::POST, path, &admin, Some(body(&loose))).await.status, 400, "no block device mapping");
    let mut raw = body(&attached);
    raw["snapshot"]["create_info"]["type"] = json!("raw");
    assert_eq!(nova(&c, "2.1", Method::POST, path, &admin, Some(raw)).await.status, 400, "only qcow2 files are snapshotted");
    let r = nova(&c, "2.1", Method::POST, path, &admin, Some(body(&attached))).await;
    assert_eq!((r.status, r.body.clone()), (200, json!({"snapshot": {"id": "s-1", "volumeId": attached}})), "{}", r.text);
    let info = format!("%7B%22volume_id%22%3A%22{attached}%22%7D");
    assert_eq!(
        nova(&c, "2.1", Method::DELETE, "/os-assisted-volume-snapshots/s-1", &admin, None).await.status,
        400,
        "delete_info is required"
    );
    let d = nova(&c, "2.1", Method::DELETE, &format!("/os-assisted-volume-snapshots/s-1?delete_info={info}"), &admin, None).await;
    assert_eq!(d.status, 204, "{}", d.text);
}
