//! Glance v2 over HTTP after create: JSON-patch updates and their 400/403/409 rules, sharing
//! through members, tags, deactivation, data download with its digests, and staged import with
//! the task it records.

mod common;

use common::{Reply, TestCloud};
use reqwest::Method;
use serde_json::{json, Value};

const IMAGES: &str = "/image/v2/images";
const PATCH: &str = "application/openstack-images-v2.1-json-patch";

async fn send(c: &TestCloud, method: Method, path: &str, token: &str, content_type: &str, body: Vec<u8>, extra: &[(&str, &str)]) -> Reply {
    let mut rq = c.http.request(method, c.url(path)).header("X-Auth-Token", token).header("content-type", content_type).body(body);
    for (k, v) in extra {
        rq = rq.header(*k, *v);
    }
    common::reply(rq.send().await.unwrap()).await
}

async fn patch(c: &TestCloud, token: &str, id: &str, ops: Value) -> Reply {
    send(c, Method::PATCH, &format!("{IMAGES}/{id}"), token, PATCH, ops.to_string().into_bytes(), &[]).await
}

async fn create(c: &TestCloud, token: &str, body: Value) -> String {
    let r = c.send(Method::POST, IMAGES, Some(token), Some(body)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_str().unwrap().to_string()
}

async fn project_id(c: &TestCloud, name: &str) -> String {
    let admin = c.admin().await;
    let r = c.get(&format!("/identity/v3/projects?name={name}"), Some(&admin)).await;
    r.body["projects"][0]["id"].as_str().unwrap().to_string()
}

async fn listed(c: &TestCloud, token: &str, query: &str, id: &str) -> bool {
    let r = c.get(&format!("{IMAGES}{query}"), Some(token)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["images"].as_array().unwrap().iter().any(|i| i["id"] == id)
}

#[tokio::test]
async fn a_json_patch_changes_core_and_custom_properties() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let id = create(&c, &demo, json!({"name": "p", "disk_format": "raw", "container_format": "bare", "os_distro": "cirros"})).await;
    let r = patch(
        &c,
        &demo,
        &id,
        json!([{"op": "replace", "path": "/name", "value": "renamed"}, {"op": "add", "path": "/hw_disk_bus", "value": "scsi"},
               {"op": "remove", "path": "/os_distro"}, {"op": "replace", "path": "/min_ram", "value": 512}]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["name"], "renamed");
    assert_eq!(r.body["hw_disk_bus"], "scsi");
    assert_eq!(r.body["min_ram"], 512);
    assert!(r.body.get("os_distro").is_none());
    // The draft v2.0 format names the operation as the key.
    let r = send(
        &c,
        Method::PATCH,
        &format!("{IMAGES}/{id}"),
        &demo,
        "application/openstack-images-v2.0-json-patch",
        br#"[{"replace": "/os_hidden", "value": true}]"#.to_vec(),
        &[],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["os_hidden"], true);
    assert!(!listed(&c, &demo, "", &id).await, "a hidden image leaves the default list");
    assert!(listed(&c, &demo, "?os_hidden=true", &id).await);
}

#[tokio::test]
async fn a_refused_patch_is_glances_status_and_changes_nothing() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let observer = c.token("observer", "observer-secret", "demo").await;
    let id = create(&c, &demo, json!({"name": "p", "disk_format": "raw", "container_format": "bare"})).await;
    let before = c.state_without_journal();
    for (ops, status) in [
        (json!([{"op": "replace", "path": "/status", "value": "active"}]), 403),
        (json!([{"op": "add", "path": "/os_glance_foo", "value": "bar"}]), 403),
        (json!([{"op": "add", "path": "/locations/-", "value": {"url": "http://x", "metadata": {}}}]), 403),
        (json!([{"op": "replace", "path": "/visibility", "value": "public"}]), 403),
        (json!([{"op": "replace", "path": "/owner", "value": "someone-else"}]), 403),
        (json!([{"op": "remove", "path": "/name"}]), 403),
        (json!([{"op": "replace", "path": "/no_such_property", "value": "x"}]), 409),
        (json!([{"op": "remove", "path": "/no_such_property"}]), 409),
        (json!([{"op": "replace", "path": "/visibility", "value": "everyone"}]), 400),
        (json!([{"op": "replace", "path": "/min_ram", "value": -1}]), 400),
        (json!([{"op": "add", "path": "/a/b", "value": "x"}]), 400),
        (json!([{"op": "move", "path": "/name"}]), 400),
        (json!({"op": "replace"}), 400),
        // The first change alone would be fine: a patch applies whole or not at all.
        (json!([{"op": "replace", "path": "/name", "value": "ok"}, {"op": "replace", "path": "/size", "value": 1}]), 403),
    ] {
        let r = patch(&c, &demo, &id, ops.clone()).await;
        assert_eq!(r.status, status, "{ops}: {}", r.text);
        assert_eq!(r.body["code"].as_str().unwrap()[..3], status.to_string(), "{ops}: Glance's error body");
    }
    let r = send(&c, Method::PATCH, &format!("{IMAGES}/{id}"), &demo, "application/json", b"[]".to_vec(), &[]).await;
    assert_eq!(r.status, 415, "a patch must come as a patch media type");
    let r = patch(&c, &observer, &id, json!([{"op": "replace", "path": "/name", "value": "x"}])).await;
    assert_eq!(r.status, 403, "a reader may not modify_image: {}", r.text);
    assert_eq!(c.state_without_journal(), before, "a refused patch changed the world");
}

#[tokio::test]
async fn a_protected_image_cannot_be_deleted_until_unprotected() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let id = create(&c, &demo, json!({"name": "guarded", "protected": true})).await;
    let r = c.send(Method::DELETE, &format!("{IMAGES}/{id}"), Some(&demo), None).await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = patch(&c, &demo, &id, json!([{"op": "replace", "path": "/protected", "value": false}])).await;
    assert_eq!(r.status, 200);
    assert_eq!(c.send(Method::DELETE, &format!("{IMAGES}/{id}"), Some(&demo), None).await.status, 204);
}

#[tokio::test]
async fn a_shared_image_reaches_a_member_only_once_accepted() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let alt = c.token("alt_demo", "alt-demo-secret", "alt_demo").await;
    let alt_p = project_id(&c, "alt_demo").await;
    let id = create(&c, &demo, json!({"name": "to-share", "disk_format": "raw", "container_format": "bare"})).await;
    assert_eq!(c.get(&format!("{IMAGES}/{id}"), Some(&alt)).await.status, 404, "not shared yet");
    let members = format!("{IMAGES}/{id}/members");
    let r = c.send(Method::POST, &members, Some(&demo), Some(json!({"member": alt_p}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "pending");
    assert_eq!(r.body["schema"], "/v2/schemas/member");
    assert_eq!(c.send(Method::POST, &members, Some(&demo), Some(json!({"member": alt_p}))).await.status, 409);
    // A pending member can see the image, but it is not in its lists until accepted.
    assert_eq!(c.get(&format!("{IMAGES}/{id}"), Some(&alt)).await.status, 200);
    assert!(!listed(&c, &alt, "", &id).await);
    assert!(listed(&c, &alt, "?visibility=shared&member_status=pending", &id).await);
    let mine = format!("{members}/{alt_p}");
    let r = c.send(Method::PUT, &mine, Some(&demo), Some(json!({"status": "accepted"}))).await;
    assert_eq!(r.status, 403, "the owner cannot answer for the member: {}", r.text);
    let r = c.send(Method::PUT, &mine, Some(&alt), Some(json!({"status": "maybe"}))).await;
    assert_eq!(r.status, 400);
    let r = c.send(Method::PUT, &mine, Some(&alt), Some(json!({"status": "accepted"}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(listed(&c, &alt, "", &id).await);
    let r = c.send(Method::PUT, &mine, Some(&alt), Some(json!({"status": "rejected"}))).await;
    assert_eq!(r.status, 200);
    assert!(!listed(&c, &alt, "", &id).await);
    // The member sees only its own membership; only the owner removes it.
    assert_eq!(c.get(&members, Some(&alt)).await.body["members"].as_array().unwrap().len(), 1);
    assert_eq!(c.send(Method::DELETE, &mine, Some(&alt), None).await.status, 403);
    assert_eq!(c.send(Method::DELETE, &mine, Some(&demo), None).await.status, 204);
    assert_eq!(c.get(&format!("{IMAGES}/{id}"), Some(&alt)).await.status, 404);
    // Only shared images have members.
    let private = create(&c, &demo, json!({"name": "private", "visibility": "private"})).await;
    let r = c.send(Method::POST, &format!("{IMAGES}/{private}/members"), Some(&demo), Some(json!({"member": alt_p}))).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["message"], "Only shared images have members.");
}

#[tokio::test]
async fn tags_are_added_once_and_a_missing_one_is_a_404() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let id = create(&c, &demo, json!({"name": "tagged"})).await;
    for _ in 0..2 {
        assert_eq!(c.send(Method::PUT, &format!("{IMAGES}/{id}/tags/blue"), Some(&demo), None).await.status, 204);
    }
    assert_eq!(c.get(&format!("{IMAGES}/{id}"), Some(&demo)).await.body["tags"], json!(["blue"]));
    assert_eq!(c.send(Method::DELETE, &format!("{IMAGES}/{id}/tags/red"), Some(&demo), None).await.status, 404);
    assert_eq!(c.send(Method::DELETE, &format!("{IMAGES}/{id}/tags/blue"), Some(&demo), None).await.status, 204);
    assert_eq!(c.get(&format!("{IMAGES}/{id}"), Some(&demo)).await.body["tags"], json!([]));
    let r = c.send(Method::PUT, &format!("{IMAGES}/00000000-0000-4000-8000-000000000000/tags/blue"), Some(&demo), None).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn downloads_return_the_bytes_with_their_md5_and_stop_while_deactivated() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let admin = c.admin().await;
    let id = create(&c, &demo, json!({"name": "data", "disk_format": "raw", "container_format": "bare"})).await;
    let file = format!("{IMAGES}/{id}/file");
    assert_eq!(c.get(&file, Some(&demo)).await.status, 204, "no data yet");
    let r = send(&c, Method::PUT, &file, &demo, "application/octet-stream", b"abc".to_vec(), &[]).await;
    assert_eq!(r.status, 204);
    let img = c.get(&format!("{IMAGES}/{id}"), Some(&demo)).await.body;
    assert_eq!(img["checksum"], "900150983cd24fb0d6963f7d28e17f72", "the MD5 of the bytes");
    assert_eq!(img["os_hash_algo"], "sha512");
    assert!(img["os_hash_value"].as_str().unwrap().starts_with("ddaf35a193617aba"), "the sha512 of the bytes");
    assert_eq!(img["stores"], "fast");
    let r = c.get(&file, Some(&demo)).await;
    assert_eq!((r.status, r.text.as_str()), (200, "abc"));
    assert_eq!(r.headers["content-md5"], "900150983cd24fb0d6963f7d28e17f72");
    let r = send(&c, Method::GET, &file, &demo, "application/octet-stream", vec![], &[("range", "bytes=1-")]).await;
    assert_eq!((r.status, r.text.as_str()), (206, "bc"));
    let deactivate = format!("{IMAGES}/{id}/actions/deactivate");
    assert_eq!(c.send(Method::POST, &deactivate, Some(&demo), None).await.status, 204);
    assert_eq!(c.get(&format!("{IMAGES}/{id}"), Some(&demo)).await.body["status"], "deactivated");
    assert_eq!(c.get(&file, Some(&demo)).await.status, 403);
    assert_eq!(c.get(&file, Some(&admin)).await.status, 200, "admin still downloads");
    assert_eq!(c.send(Method::POST, &format!("{IMAGES}/{id}/actions/reactivate"), Some(&demo), None).await.status, 204);
    assert_eq!(c.get(&file, Some(&demo)).await.text, "abc");
    let queued = create(&c, &demo, json!({"name": "q"})).await;
    let r = c.send(Method::POST, &format!("{IMAGES}/{queued}/actions/deactivate"), Some(&demo), None).await;
    assert_eq!(r.status, 403, "only an active image deactivates: {}", r.text);
}

#[tokio::test]
async fn glance_direct_import_activates_a_staged_image_and_records_its_task() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let admin = c.admin().await;
    let info = c.get("/image/v2/info/import", Some(&demo)).await;
    assert_eq!(info.body["import-methods"]["value"], json!(["glance-direct", "copy-image"]));
    let stores = c.get("/image/v2/info/stores", Some(&demo)).await;
    assert_eq!(stores.body["stores"][0], json!({"id": "fast", "description": "Fast access store (default)", "default": true}));
    let id = create(&c, &demo, json!({"name": "imp", "disk_format": "raw", "container_format": "bare"})).await;
    let import = format!("{IMAGES}/{id}/import");
    let r = c.send(Method::POST, &import, Some(&demo), Some(json!({"method": {"name": "glance-direct"}}))).await;
    assert_eq!(r.status, 409, "nothing staged yet: {}", r.text);
    let r = c.send(Method::POST, &import, Some(&demo), Some(json!({"method": {"name": "web-download", "uri": "http://x/y"}}))).await;
    assert_eq!(r.status, 400, "web-download is not enabled");
    let r = send(&c, Method::PUT, &format!("{IMAGES}/{id}/stage"), &demo, "application/octet-stream", vec![5; 100], &[]).await;
    assert_eq!(r.status, 204);
    assert_eq!(c.get(&format!("{IMAGES}/{id}"), Some(&demo)).await.body["status"], "uploading");
    let r =
        c.send(Method::POST, &import, Some(&demo), Some(json!({"method": {"name": "glance-direct"}, "stores": ["fast", "cheap"]}))).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let request_id = r.headers["x-openstack-request-id"].to_str().unwrap().to_string();
    let img = c.get(&format!("{IMAGES}/{id}"), Some(&demo)).await.body;
    assert_eq!((img["status"].as_str(), img["size"].as_u64(), img["stores"].as_str()), (Some("active"), Some(100), Some("cheap,fast")));
    assert_eq!(img["os_glance_importing_to_stores"], "");
    let tasks = c.get(&format!("{IMAGES}/{id}/tasks"), Some(&demo)).await.body;
    let task = &tasks["tasks"][0];
    assert_eq!((task["status"].as_str(), task["type"].as_str()), (Some("success"), Some("api_image_import")));
    assert_eq!(task["request_id"], request_id);
    assert_eq!(task["input"]["import_req"]["method"]["name"], "glance-direct");
    // Removing a copy from one store leaves the other; the last copy stays.
    assert_eq!(c.send(Method::DELETE, &format!("/image/v2/stores/fast/{id}"), Some(&admin), None).await.status, 204);
    assert_eq!(c.get(&format!("{IMAGES}/{id}"), Some(&demo)).await.body["stores"], "cheap");
    assert_eq!(c.send(Method::DELETE, &format!("/image/v2/stores/cheap/{id}"), Some(&admin), None).await.status, 403);
    // copy-image (admin) puts it back.
    let r = c.send(Method::POST, &import, Some(&admin), Some(json!({"method": {"name": "copy-image"}, "all_stores": true}))).await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(c.get(&format!("{IMAGES}/{id}"), Some(&demo)).await.body["stores"], "cheap,fast");
}

#[tokio::test]
async fn an_image_path_with_a_trailing_slash_is_another_path() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    // Glance's mapper matches paths exactly: `/v2/images/` names no image and no collection.
    assert_eq!(c.get("/image/v2/images/", Some(&demo)).await.status, 404);
    assert_eq!(c.send(Method::DELETE, "/image/v2/images/", Some(&demo), None).await.status, 404);
    assert_eq!(c.get("/image/v2/images/", None).await.status, 401, "the token is checked first");
    // The root still answers with the slash, and other services still trim it.
    assert_eq!(c.get("/image/", None).await.status, 300);
    assert_eq!(c.get("/network/v2.0/networks/", Some(&demo)).await.status, 200);
}

#[tokio::test]
async fn data_that_is_not_its_disk_format_is_refused() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let mut qcow2 = b"QFI\xfb\x00\x00\x00\x03".to_vec();
    qcow2.resize(2048, 0);
    let raw = create(&c, &demo, json!({"name": "r", "disk_format": "raw", "container_format": "bare"})).await;
    let before = c.state_without_journal();
    let r = send(&c, Method::PUT, &format!("{IMAGES}/{raw}/file"), &demo, "application/octet-stream", qcow2.clone(), &[]).await;
    assert_eq!(r.status, 400, "a qcow2 declared raw: {}", r.text);
    assert_eq!(c.state_without_journal(), before);
    let q = create(&c, &demo, json!({"name": "q", "disk_format": "qcow2", "container_format": "bare"})).await;
    let r = send(&c, Method::PUT, &format!("{IMAGES}/{q}/file"), &demo, "application/octet-stream", vec![9; 2048], &[]).await;
    assert_eq!(r.status, 400, "plain bytes declared qcow2");
    let r = send(&c, Method::PUT, &format!("{IMAGES}/{q}/file"), &demo, "application/octet-stream", qcow2, &[]).await;
    assert_eq!(r.status, 204, "{}", r.text);
    // Staged data is inspected by the import, which fails and leaves the image queued.
    let v = create(&c, &demo, json!({"name": "v", "disk_format": "vhd", "container_format": "bare"})).await;
    send(&c, Method::PUT, &format!("{IMAGES}/{v}/stage"), &demo, "application/octet-stream", vec![1; 1024], &[]).await;
    let r = c.send(Method::POST, &format!("{IMAGES}/{v}/import"), Some(&demo), Some(json!({"method": {"name": "glance-direct"}}))).await;
    assert_eq!(r.status, 202);
    let img = c.get(&format!("{IMAGES}/{v}"), Some(&demo)).await.body;
    assert_eq!((img["status"].as_str(), img["os_glance_failed_import"].as_str()), (Some("queued"), Some("fast")));
    assert_eq!(c.get(&format!("{IMAGES}/{v}/tasks"), Some(&demo)).await.body["tasks"][0]["status"], "failure");
}
