//! Cinder v3 over HTTP: version documents without a token, microversions, os-services with states
//! from heartbeats, volumes (shapes, isolation, status transitions on the manual clock), and bad
//! input on every route.

mod common;

use common::TestCloud;
use reqwest::Method;
use serde_json::{json, Value};

async fn project_id(c: &TestCloud, name: &str) -> String {
    c.running.cloud.world().identity.project_named(name).unwrap().id.clone()
}

/// A GET with an `OpenStack-API-Version: volume X` header.
async fn get_at(c: &TestCloud, path: &str, token: &str, version: &str) -> common::Reply {
    let resp = c
        .http
        .get(c.url(path))
        .header("X-Auth-Token", token)
        .header("OpenStack-API-Version", format!("volume {version}"))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap();
    common::Reply { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::Null), text }
}

async fn advance(c: &TestCloud, by: &str) {
    let r = c.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({ "by": by }))).await;
    assert_eq!(r.status, 200, "{}", r.text);
}

fn names(body: &Value) -> Vec<String> {
    let mut n: Vec<String> = body["volumes"].as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap_or("").to_string()).collect();
    n.sort();
    n
}

#[tokio::test]
async fn version_documents_are_served_without_a_token() {
    let c = TestCloud::start().await;
    let root = c.get("/volume/", None).await;
    assert_eq!(root.status, 300, "{}", root.text);
    let v = &root.body["versions"][0];
    assert_eq!(v["id"], "v3.0");
    assert_eq!(v["status"], "CURRENT");
    assert_eq!(v["version"], "3.71");
    assert_eq!(v["min_version"], "3.0");
    let v3 = c.get("/volume/v3/", None).await;
    assert_eq!(v3.status, 200, "keystoneauth's discovery reads /v3/");
    assert_eq!(v3.body["versions"][0]["version"], "3.71");
    let links = v3.body["versions"][0]["links"].as_array().unwrap();
    assert!(links.iter().any(|l| l["rel"] == "self" && l["href"] == format!("{}/volume/v3/", c.running.url())));
    assert_eq!(v3.body["versions"][0]["media-types"][0]["type"], "application/vnd.openstack.volume+json;version=3");
}

#[tokio::test]
async fn a_volume_path_with_an_empty_id_is_not_found_as_in_cinder() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let p = project_id(&c, "demo").await;
    let listed = get_at(&c, &format!("/volume/v3/{p}/volumes"), &demo, "3.0").await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let empty_id = get_at(&c, &format!("/volume/v3/{p}/volumes/"), &demo, "3.0").await;
    assert_eq!(empty_id.status, 404, "`/volumes/` names no volume: {}", empty_id.text);
    assert_eq!(empty_id.body["itemNotFound"]["code"], 404, "in Cinder's error body: {}", empty_id.text);
}

#[tokio::test]
async fn volume_calls_need_a_token() {
    let c = TestCloud::start().await;
    let p = project_id(&c, "demo").await;
    for path in [format!("/volume/v3/{p}/os-services"), format!("/volume/v3/{p}/volumes"), format!("/volume/v3/{p}/nothing")] {
        let r = c.get(&path, None).await;
        assert_eq!(r.status, 401, "{path}");
        assert_eq!(r.body["error"]["code"], 401);
    }
}

#[tokio::test]
async fn os_services_lists_schedulers_and_the_backend_for_admin_only() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let p = project_id(&c, "admin").await;
    let r = get_at(&c, &format!("/volume/v3/{p}/os-services"), &admin, "3.32").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.headers["openstack-api-version"], "volume 3.32");
    let services = r.body["services"].as_array().unwrap();
    assert_eq!(services.len(), 4);
    let mut seen: Vec<(String, String)> =
        services.iter().map(|s| (s["binary"].as_str().unwrap().into(), s["host"].as_str().unwrap().into())).collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("cinder-scheduler".to_string(), "controller-0".to_string()),
            ("cinder-scheduler".into(), "controller-1".into()),
            ("cinder-scheduler".into(), "controller-2".into()),
            ("cinder-volume".into(), "hostgroup@tripleo_ceph".into()),
        ]
    );
    for s in services {
        for key in ["binary", "host", "zone", "status", "state", "updated_at", "disabled_reason", "cluster"] {
            assert!(s.get(key).is_some(), "missing {key}: {s}");
        }
        assert_eq!((s["zone"].as_str(), s["status"].as_str(), s["state"].as_str()), (Some("nova"), Some("enabled"), Some("up")));
        assert_eq!(s["updated_at"], "2026-01-01T00:00:00.000000");
    }
    let backend = services.iter().find(|s| s["binary"] == "cinder-volume").unwrap();
    assert_eq!(backend["replication_status"], "disabled");
    assert_eq!(backend["frozen"], false);
    assert!(backend.get("backend_state").is_none(), "backend_state arrives at 3.49");

    let r = get_at(&c, &format!("/volume/v3/{p}/os-services?binary=cinder-volume"), &admin, "3.49").await;
    assert_eq!(r.body["services"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["services"][0]["backend_state"], "up");
    let r = get_at(&c, &format!("/volume/v3/{p}/os-services?host=controller-1"), &admin, "3.0").await;
    assert_eq!(r.body["services"].as_array().unwrap().len(), 1);
    assert!(r.body["services"][0].get("cluster").is_none(), "cluster arrives at 3.7");

    let demo = c.member().await;
    let dp = project_id(&c, "demo").await;
    let r = c.get(&format!("/volume/v3/{dp}/os-services"), Some(&demo)).await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.body,
        json!({"forbidden": {"code": 403, "message": "Policy doesn't allow volume_extension:services:index to be performed."}})
    );
}

#[tokio::test]
async fn a_stopped_backend_is_down_once_the_down_time_passes() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let p = project_id(&c, "admin").await;
    let path = format!("/volume/v3/{p}/os-services?binary=cinder-volume");
    advance(&c, "25s").await;
    {
        let mut w = c.running.cloud.world();
        let now = w.now();
        assert!(w.volume.set_service_alive("cinder-volume", "hostgroup@tripleo_ceph", false, now));
    }
    advance(&c, "30s").await;
    let r = c.get(&path, Some(&admin)).await;
    assert_eq!(r.body["services"][0]["state"], "up", "the last report (at :20) is younger than 60 s");
    advance(&c, "31s").await;
    let r = c.get(&path, Some(&admin)).await;
    assert_eq!(r.body["services"][0]["state"], "down");
    assert_eq!(r.body["services"][0]["updated_at"], "2026-01-01T00:00:20.000000", "updated_at stays at the last report");
    let r = c.get(&format!("/volume/v3/{p}/os-services?binary=cinder-scheduler"), Some(&admin)).await;
    assert!(r.body["services"].as_array().unwrap().iter().all(|s| s["state"] == "up" && s["updated_at"] == "2026-01-01T00:01:20.000000"));
    {
        let mut w = c.running.cloud.world();
        let now = w.now();
        w.volume.set_service_alive("cinder-volume", "hostgroup@tripleo_ceph", true, now);
    }
    assert_eq!(c.get(&path, Some(&admin)).await.body["services"][0]["state"], "up");
}

#[tokio::test]
async fn microversions_are_negotiated_as_cinder_does() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let p = project_id(&c, "admin").await;
    let path = format!("/volume/v3/{p}/volumes");
    let r = c.get(&path, Some(&admin)).await;
    assert_eq!(r.headers["openstack-api-version"], "volume 3.0", "no header: the minimum");
    assert!(r.headers["vary"].to_str().unwrap().contains("OpenStack-API-Version"));
    assert_eq!(get_at(&c, &path, &admin, "latest").await.headers["openstack-api-version"], "volume 3.71");
    let r = get_at(&c, &path, &admin, "3.72").await;
    assert_eq!(r.status, 406);
    assert_eq!(r.body["computeFault"]["message"], "Version 3.72 is not supported by the API. Minimum is 3.0 and maximum is 3.71.");
    let r = get_at(&c, &path, &admin, "three").await;
    assert_eq!(r.status, 400);
    assert!(r.body["badRequest"]["message"].as_str().unwrap().contains("invalid format"));
}

#[tokio::test]
async fn volumes_have_cinders_shapes_and_stay_in_their_project() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let alt = c.token("alt_demo", "alt-demo-secret", "alt_demo").await;
    let dp = project_id(&c, "demo").await;
    let ap = project_id(&c, "alt_demo").await;

    let r = c.get(&format!("/volume/v3/{dp}/volumes"), Some(&demo)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(names(&r.body), ["db-data", "scratch"]);
    let first = &r.body["volumes"][0];
    let mut keys: Vec<&str> = first.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["id", "links", "name"], "the summary view");
    assert!(r.body.get("volumes_links").is_none());

    let r = get_at(&c, &format!("/volume/v3/{dp}/volumes/detail"), &demo, "3.71").await;
    let scratch = r.body["volumes"].as_array().unwrap().iter().find(|v| v["name"] == "scratch").unwrap().clone();
    for key in [
        "id",
        "name",
        "description",
        "status",
        "size",
        "availability_zone",
        "created_at",
        "updated_at",
        "attachments",
        "bootable",
        "encrypted",
        "multiattach",
        "metadata",
        "volume_type",
        "snapshot_id",
        "source_volid",
        "user_id",
        "os-vol-tenant-attr:tenant_id",
        "links",
        "group_id",
        "volume_type_id",
        "consumes_quota",
        "shared_targets",
    ] {
        assert!(scratch.get(key).is_some(), "missing {key}: {scratch}");
    }
    assert!(scratch.get("os-vol-host-attr:host").is_none(), "host is admin-only");
    assert_eq!(scratch["status"], "available");
    assert_eq!(scratch["size"], 5);
    assert_eq!(scratch["bootable"], "false");
    assert_eq!(scratch["volume_type"], "__DEFAULT__");
    assert_eq!(scratch["availability_zone"], "nova");
    assert_eq!(scratch["os-vol-tenant-attr:tenant_id"], dp);
    assert_eq!(scratch["created_at"], "2026-01-01T00:00:00.000000");
    let id = scratch["id"].as_str().unwrap().to_string();
    assert_eq!(scratch["links"][0]["href"], format!("{}/volume/v3/{dp}/volumes/{id}", c.running.url()));

    // db-data is attached to db-0 when Nova knows that server; until then it is left available.
    let db = r.body["volumes"].as_array().unwrap().iter().find(|v| v["name"] == "db-data").unwrap().clone();
    match db["status"].as_str().unwrap() {
        "in-use" => {
            assert_eq!(db["attachments"][0]["device"], "/dev/vdb");
            assert_eq!(db["attachments"][0]["volume_id"], db["id"]);
            assert!(db["attachments"][0]["server_id"].is_string());
        }
        other => {
            assert_eq!(other, "available");
            assert_eq!(db["attachments"], json!([]));
        }
    }

    let show = c.get(&format!("/volume/v3/{dp}/volumes/{id}"), Some(&demo)).await;
    assert_eq!(show.status, 200);
    assert_eq!(show.body["volume"]["name"], "scratch");

    // alt_demo: nothing of demo's, by list or by id; another project's path is malformed.
    assert!(names(&c.get(&format!("/volume/v3/{ap}/volumes"), Some(&alt)).await.body).is_empty());
    let r = c.get(&format!("/volume/v3/{ap}/volumes/{id}"), Some(&alt)).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body, json!({"itemNotFound": {"code": 404, "message": format!("Volume {id} could not be found.")}}));
    let r = c.get(&format!("/volume/v3/{dp}/volumes"), Some(&alt)).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body, json!({"badRequest": {"code": 400, "message": "Malformed request url"}}));
    // 3.67: the project may be left out of the URL.
    assert_eq!(names(&c.get("/volume/v3/volumes", Some(&demo)).await.body), ["db-data", "scratch"]);
}

#[tokio::test]
async fn admin_sees_its_own_project_unless_it_asks_for_all() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let p = project_id(&c, "admin").await;
    let dp = project_id(&c, "demo").await;
    assert!(names(&c.get(&format!("/volume/v3/{p}/volumes"), Some(&admin)).await.body).is_empty());
    let r = c.get(&format!("/volume/v3/{p}/volumes/detail?all_tenants=1"), Some(&admin)).await;
    assert_eq!(names(&r.body), ["db-data", "scratch"]);
    assert_eq!(r.body["volumes"][0]["os-vol-host-attr:host"], "hostgroup@tripleo_ceph#tripleo_ceph");
    let r = c.get(&format!("/volume/v3/{p}/volumes?all_tenants=1&project_id={dp}&name=scratch"), Some(&admin)).await;
    assert_eq!(names(&r.body), ["scratch"]);
    let id = r.body["volumes"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(c.get(&format!("/volume/v3/{p}/volumes/{id}"), Some(&admin)).await.status, 200, "admin reads any volume by id");
    let r = c.get(&format!("/volume/v3/{dp}/volumes"), Some(&admin)).await;
    assert_eq!(r.status, 400, "even admin must use its own project in the URL");
}

#[tokio::test]
async fn lists_filter_sort_and_page() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let dp = project_id(&c, "demo").await;
    let base = format!("/volume/v3/{dp}/volumes/detail");
    assert_eq!(names(&c.get(&format!("{base}?name=scratch"), Some(&demo)).await.body), ["scratch"]);
    assert_eq!(names(&c.get(&format!("{base}?size=5"), Some(&demo)).await.body), ["scratch"]);
    assert!(names(&c.get(&format!("{base}?status=error"), Some(&demo)).await.body).is_empty());
    let r = c.get(&format!("{base}?sort=name:asc&limit=1"), Some(&demo)).await;
    assert_eq!(r.body["volumes"][0]["name"], "db-data");
    let next = r.body["volumes_links"][0]["href"].as_str().unwrap().to_string();
    assert_eq!(r.body["volumes_links"][0]["rel"], "next");
    assert!(next.starts_with(&c.url(&base)) && next.contains("marker="), "{next}");
    let path = next.strip_prefix(&c.running.url()).unwrap();
    let r2 = c.get(path, Some(&demo)).await;
    assert_eq!(r2.body["volumes"][0]["name"], "scratch");
    let r = get_at(&c, &format!("{base}?with_count=true"), &demo, "3.45").await;
    assert_eq!(r.body["count"], 2);

    for (query, version, message) in [
        ("limit=x", "3.0", "limit param must be an integer"),
        ("limit=-3", "3.0", "limit param must be positive"),
        ("sort_key=colour", "3.0", "Invalid sort key"),
        ("sort_dir=sideways", "3.0", "Unknown sort direction"),
        ("bootable=maybe", "3.0", "bootable"),
        ("user_id=abc", "3.34", "Invalid filters user_id are found in query options."),
        ("created_at=gt:yesterday", "3.60", "Invalid filter value"),
    ] {
        let r = get_at(&c, &format!("{base}?{query}"), &demo, version).await;
        assert_eq!(r.status, 400, "{query}: {}", r.text);
        assert!(r.body["badRequest"]["message"].as_str().unwrap().contains(message), "{query}: {}", r.text);
    }
    let r = get_at(&c, &format!("{base}?user_id=abc"), &demo, "3.0").await;
    assert_eq!(names(&r.body).len(), 2, "before 3.34 unknown filters are dropped");
    let r = c.get(&format!("{base}?marker=00000000-0000-4000-8000-000000000000"), Some(&demo)).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn a_volume_is_created_then_deleted_on_the_simulated_clock() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let dp = project_id(&c, "demo").await;
    let base = format!("/volume/v3/{dp}/volumes");
    let r = c.send(Method::POST, &base, Some(&demo), Some(json!({"volume": {"size": 1, "name": "x", "metadata": {"k": "v"}}}))).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let v = &r.body["volume"];
    assert_eq!(v["status"], "creating");
    assert_eq!(v["size"], 1);
    assert_eq!(v["metadata"], json!({"k": "v"}));
    let id = v["id"].as_str().unwrap().to_string();
    let show = format!("{base}/{id}");
    advance(&c, "2s").await;
    assert_eq!(c.get(&show, Some(&demo)).await.body["volume"]["status"], "creating");
    advance(&c, "1s").await;
    let r = c.get(&show, Some(&demo)).await;
    assert_eq!(r.body["volume"]["status"], "available");
    assert_eq!(r.body["volume"]["updated_at"], "2026-01-01T00:00:03.000000");

    let r = c.send(Method::PUT, &show, Some(&demo), Some(json!({"volume": {"name": "renamed", "description": "d"}}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["volume"]["name"], "renamed");
    assert_eq!(r.body["volume"]["description"], "d");

    let r = c.send(Method::DELETE, &show, Some(&demo), None).await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(c.get(&show, Some(&demo)).await.body["volume"]["status"], "deleting");
    let r = c.send(Method::DELETE, &show, Some(&demo), None).await;
    assert_eq!(r.status, 400, "already deleting");
    advance(&c, "2s").await;
    assert_eq!(c.get(&show, Some(&demo)).await.status, 404);

    let journal = c.get("/_fakecloud/journal?kind=transition", None).await;
    let tos: Vec<&str> = journal.body["entries"]
        .as_array()
        .map(|e| e.iter().filter(|e| e["id"] == id.as_str()).map(|e| e["to"].as_str().unwrap()).collect())
        .unwrap_or_default();
    assert_eq!(tos, ["creating", "available", "deleting", "deleted"], "{}", journal.text);
}

#[tokio::test]
async fn with_the_backend_down_a_new_volume_goes_to_error() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let dp = project_id(&c, "demo").await;
    {
        let mut w = c.running.cloud.world();
        let now = w.now();
        w.volume.set_service_alive("cinder-volume", "hostgroup@tripleo_ceph", false, now);
    }
    advance(&c, "61s").await;
    let r = c.send(Method::POST, &format!("/volume/v3/{dp}/volumes"), Some(&demo), Some(json!({"volume": {"size": 1}}))).await;
    assert_eq!(r.status, 202);
    let id = r.body["volume"]["id"].as_str().unwrap().to_string();
    advance(&c, "10s").await;
    assert_eq!(c.get(&format!("/volume/v3/{dp}/volumes/{id}"), Some(&demo)).await.body["volume"]["status"], "error");
    assert_eq!(c.send(Method::DELETE, &format!("/volume/v3/{dp}/volumes/{id}"), Some(&demo), None).await.status, 202);
    assert_eq!(c.get(&format!("/volume/v3/{dp}/volumes/{id}"), Some(&demo)).await.status, 404, "never placed: deleted at once");
}

#[tokio::test]
async fn readers_and_other_projects_may_not_change_volumes() {
    let c = TestCloud::start().await;
    let observer = c.token("observer", "observer-secret", "demo").await;
    let dp = project_id(&c, "demo").await;
    let r = c.get(&format!("/volume/v3/{dp}/volumes"), Some(&observer)).await;
    assert_eq!(r.status, 200);
    let id = r.body["volumes"][0]["id"].as_str().unwrap().to_string();
    let before = c.state_without_journal();
    let r = c.send(Method::POST, &format!("/volume/v3/{dp}/volumes"), Some(&observer), Some(json!({"volume": {"size": 1}}))).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["forbidden"]["message"], "Policy doesn't allow volume:create to be performed.");
    let r = c.send(Method::DELETE, &format!("/volume/v3/{dp}/volumes/{id}"), Some(&observer), None).await;
    assert_eq!(r.status, 403);
    let r = c.send(Method::PUT, &format!("/volume/v3/{dp}/volumes/{id}"), Some(&observer), Some(json!({"volume": {"name": "n"}}))).await;
    assert_eq!(r.status, 403);
    assert_eq!(c.state_without_journal(), before);
}

#[tokio::test]
async fn quotas_are_cinders_413() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let dp = project_id(&c, "demo").await;
    let before = c.state_without_journal();
    let r = c.send(Method::POST, &format!("/volume/v3/{dp}/volumes"), Some(&demo), Some(json!({"volume": {"size": 990}}))).await;
    assert_eq!(r.status, 413, "{}", r.text);
    assert_eq!(
        r.body["overLimit"]["message"],
        "Requested volume or snapshot exceeds allowed gigabytes quota. Requested 990G, quota is 1000G and 25G has been consumed."
    );
    assert_eq!(c.state_without_journal(), before);
}

const VOLUME_ROUTES: &[(&str, &str)] = &[
    ("GET", "/volume"),
    ("GET", "/volume/v3"),
    ("GET", "/volume/v3/PROJECT/os-services"),
    ("GET", "/volume/v3/PROJECT/volumes"),
    ("POST", "/volume/v3/PROJECT/volumes"),
    ("GET", "/volume/v3/PROJECT/volumes/detail"),
    ("GET", "/volume/v3/PROJECT/volumes/VOLUME"),
    ("PUT", "/volume/v3/PROJECT/volumes/VOLUME"),
    ("DELETE", "/volume/v3/PROJECT/volumes/VOLUME"),
];

/// A 4xx in Cinder's fault format.
fn assert_cinder_4xx(r: &common::Reply, what: &str) {
    assert!((400..500).contains(&r.status), "{what}: {} {}", r.status, r.text);
    let obj = r.body.as_object().unwrap_or_else(|| panic!("{what}: not JSON: {}", r.text));
    assert_eq!(obj.len(), 1, "{what}: {}", r.text);
    let fault = obj.values().next().unwrap();
    assert_eq!(fault["code"], r.status, "{what}: {}", r.text);
    assert!(fault["message"].is_string(), "{what}: {}", r.text);
}

#[tokio::test]
async fn bad_bodies_are_cinder_4xx_and_change_nothing() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let dp = project_id(&c, "demo").await;
    let id =
        c.get(&format!("/volume/v3/{dp}/volumes?name=scratch"), Some(&demo)).await.body["volumes"][0]["id"].as_str().unwrap().to_string();
    let before = c.state_without_journal();
    let long = "x".repeat(300);
    let create_bodies: Vec<String> = vec![
        "{not json".into(),
        "".into(),
        "null".into(),
        "[]".into(),
        "\"volume\"".into(),
        "{}".into(),
        r#"{"volume": null}"#.into(),
        r#"{"volume": []}"#.into(),
        r#"{"volume": {}}"#.into(),
        r#"{"volume": {"size": 0}}"#.into(),
        r#"{"volume": {"size": -1}}"#.into(),
        r#"{"volume": {"size": 1.5}}"#.into(),
        r#"{"volume": {"size": "one"}}"#.into(),
        r#"{"volume": {"size": true}}"#.into(),
        r#"{"volume": {"size": 99999999999}}"#.into(),
        r#"{"volume": {"size": 1}, "extra": 1}"#.into(),
        r#"{"volume": {"size": 1, "name": 5}}"#.into(),
        r#"{"volume": {"size": 1, "name": "   "}}"#.into(),
        format!(r#"{{"volume": {{"size": 1, "name": "{long}"}}}}"#),
        r#"{"volume": {"size": 1, "metadata": []}}"#.into(),
        r#"{"volume": {"size": 1, "metadata": {"k": 1}}}"#.into(),
        r#"{"volume": {"size": 1, "metadata": {"bad key!": "v"}}}"#.into(),
        r#"{"volume": {"size": 1, "availability_zone": "mars"}}"#.into(),
        r#"{"volume": {"size": 1, "volume_type": "gold"}}"#.into(),
        r#"{"volume": {"size": 1, "multiattach": "perhaps"}}"#.into(),
        r#"{"volume": {"size": 1, "imageRef": "not-an-image"}}"#.into(),
        r#"{"volume": {"size": 1, "source_volid": "not-a-uuid"}}"#.into(),
        r#"{"volume": {"size": 1, "source_volid": "00000000-0000-4000-8000-000000000000"}}"#.into(),
        r#"{"volume": {"size": 1, "snapshot_id": "00000000-0000-4000-8000-000000000000"}}"#.into(),
        r#"{"volume": {"size": 1, "backup_id": "00000000-0000-4000-8000-000000000000"}}"#.into(),
        r#"{"volume": {"size": 1}, "OS-SCH-HNT:scheduler_hints": 3}"#.into(),
        format!(r#"{{"volume": {{"size": 1, "source_volid": "{id}"}}, "x": 1}}"#),
    ];
    for body in &create_bodies {
        let r = c.raw(Method::POST, &format!("/volume/v3/{dp}/volumes"), Some(&demo), body.clone().into_bytes()).await;
        assert_cinder_4xx(&r, &format!("POST {body}"));
    }
    let update_bodies: Vec<String> = vec![
        "{not json".into(),
        "".into(),
        "[]".into(),
        "{}".into(),
        r#"{"volume": 1}"#.into(),
        r#"{"volume": {"size": 2}}"#.into(),
        r#"{"volume": {"name": 1}}"#.into(),
        r#"{"volume": {"metadata": "k=v"}}"#.into(),
        r#"{"volume": {"name": "n"}, "extra": true}"#.into(),
        format!(r#"{{"volume": {{"description": "{long}"}}}}"#),
    ];
    for body in &update_bodies {
        let r = c.raw(Method::PUT, &format!("/volume/v3/{dp}/volumes/{id}"), Some(&demo), body.clone().into_bytes()).await;
        assert_cinder_4xx(&r, &format!("PUT {body}"));
    }
    let r = c.send(Method::PUT, &format!("/volume/v3/{dp}/volumes/nope"), Some(&demo), Some(json!({"volume": {"name": "n"}}))).await;
    assert_eq!(r.status, 404);
    let r = c.send(Method::DELETE, &format!("/volume/v3/{dp}/volumes/nope"), Some(&demo), None).await;
    assert_eq!(r.status, 404);
    assert_eq!(c.state_without_journal(), before, "a rejected request changed the world");
}

#[tokio::test]
async fn oversized_bodies_and_unknown_methods_are_cinder_errors() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let p = project_id(&c, "admin").await;
    let id = {
        let w = c.running.cloud.world();
        w.volume.volumes[0].id.clone()
    };
    let before = c.state_without_journal();
    let route = |path: &str| path.replace("PROJECT", &p).replace("VOLUME", &id);
    let huge = vec![b' '; (1 << 20) + 1];
    for (method, path) in VOLUME_ROUTES {
        let r = c.raw(Method::from_bytes(method.as_bytes()).unwrap(), &route(path), Some(&admin), huge.clone()).await;
        assert_eq!(r.status, 413, "{method} {path}: {}", r.text);
        assert_cinder_4xx(&r, &format!("{method} {path} oversized"));
    }
    for (method, path) in VOLUME_ROUTES {
        for other in ["PATCH", "PUT", "POST", "DELETE", "PROPFIND"] {
            if VOLUME_ROUTES.iter().any(|(m, p)| p == path && *m == other) || *method == other {
                continue;
            }
            let r = c.raw(Method::from_bytes(other.as_bytes()).unwrap(), &route(path), Some(&admin), b"{}".to_vec()).await;
            assert_eq!(r.status, 405, "{other} {path}: {}", r.text);
            assert_cinder_4xx(&r, &format!("{other} {path}"));
        }
    }
    for q in ["?name=%FF%FE", "?limit=0", "?sort=", "?all_tenants=maybe", "?metadata={bad", "?a=1&a=2"] {
        for path in ["/volume/v3/PROJECT/volumes", "/volume/v3/PROJECT/volumes/detail", "/volume/v3/PROJECT/os-services"] {
            let r = c.get(&format!("{}{q}", route(path)), Some(&admin)).await;
            assert!(r.status < 500, "GET {path}{q}: {}", r.text);
        }
    }
    assert_eq!(c.state_without_journal(), before);
}
