//! Glance v2 over HTTP: the version list without a token, image shapes, Glance's filters, sorting and
//! paging, visibility between projects, create/delete, and bad input on every route.

mod common;

use common::TestCloud;
use reqwest::Method;
use serde_json::{json, Value};

const IMAGES: &str = "/image/v2/images";

fn names(body: &Value) -> Vec<String> {
    body["images"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().to_string()).collect()
}

async fn image_id(c: &TestCloud, token: &str, name: &str) -> String {
    let r = c.get(&format!("{IMAGES}?name={name}"), Some(token)).await;
    r.body["images"][0]["id"].as_str().unwrap_or_else(|| panic!("no image {name}: {}", r.text)).to_string()
}

#[tokio::test]
async fn the_version_list_is_served_without_a_token() {
    let c = TestCloud::start().await;
    for path in ["/image", "/image/"] {
        let r = c.get(path, None).await;
        assert_eq!(r.status, 300, "{path}: {}", r.text);
        let versions = r.body["versions"].as_array().unwrap();
        assert_eq!(versions[0]["id"], "v2.16");
        assert_eq!(versions[0]["status"], "CURRENT");
        assert!(versions[1..].iter().all(|v| v["status"] == "SUPPORTED"));
        assert_eq!(versions.last().unwrap()["id"], "v2.0");
        let href = versions[0]["links"][0]["href"].as_str().unwrap();
        assert_eq!(href, format!("{}/image/v2/", c.running.url()));
    }
    let explicit = c.get("/image/versions", None).await;
    assert_eq!(explicit.status, 200);
    assert_eq!(explicit.body["versions"][0]["id"], "v2.16");
}

#[tokio::test]
async fn image_calls_need_a_token() {
    let c = TestCloud::start().await;
    for path in [IMAGES, "/image/v2/images/nope", "/image/v2/nothing-here", "/image/v9/whatever"] {
        let r = c.get(path, None).await;
        assert_eq!(r.status, 401, "{path}");
        assert_eq!(r.body["error"]["code"], 401);
    }
    let admin = c.admin().await;
    let r = c.get("/image/v2/nothing-here", Some(&admin)).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body["code"], "404 Not Found");
}

#[tokio::test]
async fn images_have_glances_fields_and_list_envelope() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let r = c.get(IMAGES, Some(&admin)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["first"], "/v2/images");
    assert_eq!(r.body["schema"], "/v2/schemas/images");
    assert!(r.body.get("next").is_none(), "one short page has no next link");
    let cirros = r.body["images"].as_array().unwrap().iter().find(|i| i["name"] == "cirros-0.6.2-x86_64-disk").unwrap().clone();
    let id = cirros["id"].as_str().unwrap();
    for key in [
        "id",
        "name",
        "status",
        "visibility",
        "protected",
        "os_hidden",
        "checksum",
        "os_hash_algo",
        "os_hash_value",
        "size",
        "virtual_size",
        "min_disk",
        "min_ram",
        "disk_format",
        "container_format",
        "owner",
        "tags",
        "created_at",
        "updated_at",
        "file",
        "self",
        "schema",
    ] {
        assert!(cirros.get(key).is_some(), "missing {key}: {cirros}");
    }
    assert_eq!(cirros["status"], "active");
    assert_eq!(cirros["visibility"], "public");
    assert_eq!(cirros["container_format"], "bare");
    assert_eq!(cirros["disk_format"], "qcow2");
    assert_eq!(cirros["size"], 21430272);
    assert_eq!(cirros["min_disk"], 1);
    assert_eq!(cirros["os_hash_algo"], "sha512");
    assert_eq!(cirros["checksum"].as_str().unwrap().len(), 32);
    assert_eq!(cirros["os_hash_value"].as_str().unwrap().len(), 128);
    assert_eq!(cirros["created_at"], "2026-01-01T00:00:00Z");
    assert_eq!(cirros["updated_at"], "2026-01-01T00:00:00Z");
    assert_eq!(cirros["self"], format!("/v2/images/{id}"));
    assert_eq!(cirros["file"], format!("/v2/images/{id}/file"));
    assert_eq!(cirros["schema"], "/v2/schemas/image");
    let admin_project = c.running.cloud.world().identity.project_named("admin").unwrap().id.clone();
    assert_eq!(cirros["owner"], admin_project);

    let show = c.get(&format!("{IMAGES}/{id}"), Some(&admin)).await;
    assert_eq!(show.status, 200);
    assert_eq!(show.body, cirros, "show returns the bare object, the same as in the list");
}

#[tokio::test]
async fn a_project_sees_public_images_and_its_own_but_not_another_projects_private_ones() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let service = c.token("admin", "admin-secret", "service").await;
    assert_eq!(names(&c.get(IMAGES, Some(&admin)).await.body).len(), 3, "admin sees every image");
    let mut seen = names(&c.get(IMAGES, Some(&demo)).await.body);
    seen.sort();
    assert_eq!(seen, ["cirros-0.6.2-x86_64-disk", "ubuntu-2204-kube-v1.28.5"], "amphora is private to service");
    assert!(names(&c.get(IMAGES, Some(&service)).await.body).contains(&"amphora-x64-haproxy".to_string()));

    let amphora = image_id(&c, &admin, "amphora-x64-haproxy").await;
    let r = c.get(&format!("{IMAGES}/{amphora}"), Some(&demo)).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body, json!({"code": "404 Not Found", "title": "Not Found", "message": format!("No image found with ID {amphora}")}));
    assert_eq!(c.get(&format!("{IMAGES}/{amphora}"), Some(&admin)).await.status, 200);
    let r = c.get(&format!("{IMAGES}/00000000-0000-4000-8000-000000000000"), Some(&admin)).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body["message"], "No image found with ID 00000000-0000-4000-8000-000000000000");
}

#[tokio::test]
async fn private_images_stay_in_their_project() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let alt = c.token("alt_demo", "alt-demo-secret", "alt_demo").await;
    let r = c.send(Method::POST, IMAGES, Some(&alt), Some(json!({"name": "alt-only", "visibility": "private"}))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_string();
    assert!(names(&c.get(IMAGES, Some(&alt)).await.body).contains(&"alt-only".to_string()));
    assert!(!names(&c.get(IMAGES, Some(&demo)).await.body).contains(&"alt-only".to_string()));
    assert_eq!(c.get(&format!("{IMAGES}/{id}"), Some(&demo)).await.status, 404);
    assert_eq!(c.send(Method::DELETE, &format!("{IMAGES}/{id}"), Some(&demo), None).await.status, 404);
    let r = c.get(&format!("{IMAGES}?id=in:{id}"), Some(&demo)).await;
    assert!(names(&r.body).is_empty());
}

#[tokio::test]
async fn the_id_in_filter_returns_the_visible_images_asked_for() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let cirros = image_id(&c, &admin, "cirros-0.6.2-x86_64-disk").await;
    let amphora = image_id(&c, &admin, "amphora-x64-haproxy").await;
    let r = c.get(&format!("{IMAGES}?id=in:{cirros},{amphora}"), Some(&admin)).await;
    assert_eq!(r.status, 200);
    let mut got = names(&r.body);
    got.sort();
    assert_eq!(got, ["amphora-x64-haproxy", "cirros-0.6.2-x86_64-disk"]);
    let r = c.get(&format!("{IMAGES}?id=in:{cirros},{amphora}"), Some(&demo)).await;
    assert_eq!(names(&r.body), ["cirros-0.6.2-x86_64-disk"]);
    let r = c.get(&format!("{IMAGES}?id={cirros}"), Some(&demo)).await;
    assert_eq!(names(&r.body), ["cirros-0.6.2-x86_64-disk"]);
}

#[tokio::test]
async fn filters_narrow_the_list() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let q = |query: &'static str, token: String| {
        let c = &c;
        async move { names(&c.get(&format!("{IMAGES}?{query}"), Some(&token)).await.body) }
    };
    assert_eq!(q("name=ubuntu-2204-kube-v1.28.5", admin.clone()).await, ["ubuntu-2204-kube-v1.28.5"]);
    assert_eq!(q("visibility=private", admin.clone()).await, ["amphora-x64-haproxy"]);
    assert!(q("visibility=private", demo.clone()).await.is_empty());
    assert_eq!(q("visibility=public", demo.clone()).await.len(), 2);
    assert_eq!(q("visibility=all", demo.clone()).await.len(), 2);
    assert_eq!(q("tag=amphora", admin.clone()).await, ["amphora-x64-haproxy"]);
    assert_eq!(q("status=active", admin.clone()).await.len(), 3);
    assert!(q("status=queued", admin.clone()).await.is_empty());
    assert_eq!(q("member_status=accepted", demo.clone()).await.len(), 2);
    assert_eq!(q("size_min=1000000000", admin.clone()).await, ["ubuntu-2204-kube-v1.28.5"]);
    assert!(q("hw_vif_model=virtio", admin.clone()).await.is_empty(), "unknown keys filter on extra properties");
    let service = c.running.cloud.world().identity.project_named("service").unwrap().id.clone();
    let r = c.get(&format!("{IMAGES}?owner={service}"), Some(&admin)).await;
    assert_eq!(names(&r.body), ["amphora-x64-haproxy"]);
}

#[tokio::test]
async fn sorting_and_paging_follow_glance() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let r = c.get(&format!("{IMAGES}?sort_key=name&sort_dir=asc"), Some(&admin)).await;
    assert_eq!(names(&r.body), ["amphora-x64-haproxy", "cirros-0.6.2-x86_64-disk", "ubuntu-2204-kube-v1.28.5"]);
    let r = c.get(&format!("{IMAGES}?sort=name:desc"), Some(&admin)).await;
    assert_eq!(names(&r.body)[0], "ubuntu-2204-kube-v1.28.5");
    let r = c.get(&format!("{IMAGES}?sort_key=size&sort_dir=desc&limit=1"), Some(&admin)).await;
    assert_eq!(names(&r.body), ["ubuntu-2204-kube-v1.28.5"]);

    // Paging: a full page carries `next` (relative to the image root), which gives the rest.
    let r = c.get(&format!("{IMAGES}?sort_key=name&sort_dir=asc&limit=2"), Some(&admin)).await;
    assert_eq!(names(&r.body).len(), 2);
    assert_eq!(r.body["first"], "/v2/images?sort_key=name&sort_dir=asc&limit=2");
    let next = r.body["next"].as_str().unwrap().to_string();
    assert!(next.starts_with("/v2/images?") && next.contains("marker="), "{next}");
    let r2 = c.get(&format!("/image{next}"), Some(&admin)).await;
    assert_eq!(names(&r2.body), ["ubuntu-2204-kube-v1.28.5"]);
    assert!(r2.body.get("next").is_none());
}

#[tokio::test]
async fn bad_queries_are_glance_400s_and_never_5xx() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    for (query, message) in [
        ("limit=many", "limit param must be an integer"),
        ("limit=-1", "limit param must be positive"),
        ("sort_key=colour", "Invalid sort key: colour"),
        ("sort_dir=sideways", "Invalid sort direction: sideways"),
        ("sort=name:up", "Invalid sort direction: up"),
        ("sort=name&sort_key=id", "cannot be used with the `sort` parameter"),
        ("visibility=secret", "Invalid visibility value: secret"),
        ("member_status=maybe", "Invalid status: maybe"),
        ("status=sleepy", "Invalid status value: sleepy"),
        ("os_hidden=perhaps", "os_hidden"),
        ("marker=00000000-0000-4000-8000-000000000000", "No image found with ID"),
    ] {
        let r = c.get(&format!("{IMAGES}?{query}"), Some(&admin)).await;
        assert_eq!(r.status, 400, "{query}: {}", r.text);
        assert_eq!(r.body["code"], "400 Bad Request", "{query}");
        assert!(r.body["message"].as_str().unwrap().contains(message), "{query}: {}", r.text);
    }
    for query in ["?name=%FF%FE", "?limit=0", "?limit=99999", "?id=in:", "?tag=&tag=x", "?a=1&a=2"] {
        let r = c.get(&format!("{IMAGES}{query}"), Some(&admin)).await;
        assert!(r.status < 500, "{query}: {}", r.text);
    }
}

#[tokio::test]
async fn images_are_created_queued_and_deleted_by_their_owner() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let body =
        json!({"name": "mine", "disk_format": "raw", "container_format": "bare", "tags": ["x"], "os_distro": "cirros", "min_ram": 64});
    let r = c.send(Method::POST, IMAGES, Some(&demo), Some(body)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["status"], "queued");
    assert_eq!(r.body["visibility"], "shared", "Glance's default visibility");
    assert_eq!(r.body["size"], Value::Null);
    assert_eq!(r.body["checksum"], Value::Null);
    assert_eq!(r.body["os_distro"], "cirros", "extra properties are top-level");
    assert_eq!(r.body["min_ram"], 64);
    let id = r.body["id"].as_str().unwrap().to_string();
    assert_eq!(c.get(&format!("{IMAGES}/{id}"), Some(&demo)).await.body["name"], "mine");
    assert!(names(&c.get(&format!("{IMAGES}?os_distro=cirros"), Some(&demo)).await.body).contains(&"mine".to_string()));

    let r = c.send(Method::DELETE, &format!("{IMAGES}/{id}"), Some(&demo), None).await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(c.get(&format!("{IMAGES}/{id}"), Some(&demo)).await.status, 404);

    // A member may not delete someone else's public image, nor publish one.
    let admin = c.admin().await;
    let cirros = image_id(&c, &admin, "cirros-0.6.2-x86_64-disk").await;
    let r = c.send(Method::DELETE, &format!("{IMAGES}/{cirros}"), Some(&demo), None).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["message"], "You are not authorized to complete delete_image action.");
    let r = c.send(Method::POST, IMAGES, Some(&demo), Some(json!({"name": "p", "visibility": "public"}))).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["message"], "You are not authorized to complete publicize_image action.");
    let r = c.send(Method::POST, IMAGES, Some(&admin), Some(json!({"name": "p", "visibility": "public"}))).await;
    assert_eq!(r.status, 201);
    // A reader may list but not create.
    let observer = c.token("observer", "observer-secret", "demo").await;
    assert_eq!(c.get(IMAGES, Some(&observer)).await.status, 200);
    let r = c.send(Method::POST, IMAGES, Some(&observer), Some(json!({"name": "r"}))).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["message"], "You are not authorized to complete add_image action.");
}

/// Every image route with a body, and every route for the other checks.
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/image"),
    ("GET", "/image/versions"),
    ("GET", "/image/v2/images"),
    ("POST", "/image/v2/images"),
    ("GET", "/image/v2/images/IMAGE"),
    ("PATCH", "/image/v2/images/IMAGE"),
    ("DELETE", "/image/v2/images/IMAGE"),
    ("GET", "/image/v2/images/IMAGE/file"),
    ("PUT", "/image/v2/images/IMAGE/file"),
];

#[tokio::test]
async fn bad_bodies_are_glance_4xx_and_change_nothing() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let before = c.state_without_journal();
    let long = "x".repeat(300);
    let bodies: Vec<String> = vec![
        "{not json".into(),
        "".into(),
        "null".into(),
        "[]".into(),
        "\"a string\"".into(),
        "7".into(),
        r#"{"name": 5}"#.into(),
        r#"{"name": ["x"]}"#.into(),
        r#"{"visibility": "everyone"}"#.into(),
        r#"{"disk_format": "floppy"}"#.into(),
        r#"{"container_format": 1}"#.into(),
        r#"{"min_disk": -1}"#.into(),
        r#"{"min_ram": "lots"}"#.into(),
        r#"{"protected": "yes"}"#.into(),
        r#"{"tags": "a,b"}"#.into(),
        r#"{"tags": [1]}"#.into(),
        r#"{"id": "not-a-uuid"}"#.into(),
        r#"{"status": "active"}"#.into(),
        r#"{"size": 10}"#.into(),
        r#"{"checksum": "x"}"#.into(),
        r#"{"locations": []}"#.into(),
        r#"{"os_distro": 5}"#.into(),
        format!(r#"{{"name": "{long}"}}"#),
        r#"{"name": "x", "owner": "someone-else"}"#.into(),
    ];
    for body in &bodies {
        let r = c.raw(Method::POST, IMAGES, Some(&demo), body.clone().into_bytes()).await;
        assert!((400..500).contains(&r.status), "POST {body}: {} {}", r.status, r.text);
        assert_eq!(
            r.body["code"].as_str().unwrap_or_default(),
            format!("{} {}", r.status, r.body["title"].as_str().unwrap_or("?")),
            "{body}: {}",
            r.text
        );
    }
    // The admin may set an owner, but not reuse an id.
    let dup = image_id(&c, &admin, "cirros-0.6.2-x86_64-disk").await;
    let r = c.send(Method::POST, IMAGES, Some(&admin), Some(json!({"id": dup}))).await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(c.state_without_journal(), before, "a rejected request changed the world");
}

#[tokio::test]
async fn oversized_bodies_and_unknown_methods_are_glance_errors() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let id = image_id(&c, &admin, "cirros-0.6.2-x86_64-disk").await;
    let before = c.state_without_journal();
    let huge = vec![b' '; (1 << 20) + 1];
    for (method, path) in ROUTES {
        let path = path.replace("IMAGE", &id);
        let r = c.raw(Method::from_bytes(method.as_bytes()).unwrap(), &path, Some(&admin), huge.clone()).await;
        assert_eq!(r.status, 413, "{method} {path}: {}", r.text);
        assert_eq!(r.body["code"], "413 Payload Too Large", "{method} {path}: {}", r.text);
    }
    for (method, path) in ROUTES {
        let path = path.replace("IMAGE", &id);
        for other in ["PATCH", "PUT", "POST", "DELETE", "PROPFIND"] {
            if ROUTES.iter().any(|(m, p)| p.replace("IMAGE", &id) == path && *m == other) || *method == other {
                continue;
            }
            let r = c.raw(Method::from_bytes(other.as_bytes()).unwrap(), &path, Some(&admin), b"{}".to_vec()).await;
            assert_eq!(r.status, 405, "{other} {path}: {}", r.text);
            assert_eq!(r.body["code"], "405 Method Not Allowed", "{other} {path}");
        }
    }
    assert_eq!(c.state_without_journal(), before);
}

async fn upload(c: &TestCloud, token: &str, id: &str, content_type: &str, data: Vec<u8>) -> common::Reply {
    let resp = c
        .http
        .put(c.url(&format!("{IMAGES}/{id}/file")))
        .header("X-Auth-Token", token)
        .header("content-type", content_type)
        .body(data)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap();
    common::Reply { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::Null), text }
}

#[tokio::test]
async fn uploading_data_makes_a_queued_image_active() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let admin = c.admin().await;
    let r = c.send(Method::POST, IMAGES, Some(&demo), Some(json!({"name": "noformat"}))).await;
    let bare = r.body["id"].as_str().unwrap().to_string();
    let r = c.send(Method::POST, IMAGES, Some(&demo), Some(json!({"name": "up", "disk_format": "raw", "container_format": "bare"}))).await;
    let id = r.body["id"].as_str().unwrap().to_string();
    let cirros = image_id(&c, &admin, "cirros-0.6.2-x86_64-disk").await;
    let before = c.state_without_journal();
    let r = upload(&c, &demo, &id, "application/json", b"{}".to_vec()).await;
    assert_eq!(r.status, 415, "{}", r.text);
    let r = upload(&c, &demo, &bare, "application/octet-stream", vec![1; 10]).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["message"], "Properties disk_format, container_format must be set prior to saving data.");
    let r = upload(&c, &admin, &cirros, "application/octet-stream", vec![1; 10]).await;
    assert_eq!(r.status, 409, "{}", r.text);
    let r = upload(&c, &demo, &cirros, "application/octet-stream", vec![1; 10]).await;
    assert_eq!(r.status, 403, "a member may not upload to another project's image");
    let r = upload(&c, &demo, "00000000-0000-4000-8000-000000000000", "application/octet-stream", vec![1; 10]).await;
    assert_eq!(r.status, 404);
    assert_eq!(c.state_without_journal(), before, "a rejected upload changed the world");

    let r = upload(&c, &demo, &id, "application/octet-stream", vec![7; 4096]).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let img = c.get(&format!("{IMAGES}/{id}"), Some(&demo)).await.body;
    assert_eq!(img["status"], "active");
    assert_eq!(img["size"], 4096);
    assert_eq!(img["os_hash_algo"], "sha512");
    assert_eq!(img["checksum"].as_str().unwrap().len(), 32);
}
