//! Glance v2 over HTTP beyond images: the published JSON schemas, the admin-only tasks API, and
//! the metadata definitions catalog (namespaces with their resource type associations,
//! properties, objects and tags).

mod common;

use common::TestCloud;
use reqwest::Method;
use serde_json::json;

const NS: &str = "/image/v2/metadefs/namespaces";

#[tokio::test]
async fn every_schema_is_published_under_its_name() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    for (path, name) in [
        ("image", "image"),
        ("images", "images"),
        ("member", "member"),
        ("members", "members"),
        ("task", "task"),
        ("tasks", "tasks"),
        ("metadefs/namespace", "namespace"),
        ("metadefs/namespaces", "namespaces"),
        ("metadefs/resource_type", "resource_type_association"),
        ("metadefs/resource_types", "resource_type_associations"),
        ("metadefs/object", "object"),
        ("metadefs/objects", "objects"),
        ("metadefs/property", "property"),
        ("metadefs/properties", "properties"),
        ("metadefs/tag", "tag"),
        ("metadefs/tags", "tags"),
    ] {
        let r = c.get(&format!("/image/v2/schemas/{path}"), Some(&demo)).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        assert_eq!(r.body["name"], name, "{path}");
    }
    let image = c.get("/image/v2/schemas/image", Some(&demo)).await.body;
    assert!(image["properties"]["disk_format"]["enum"].as_array().unwrap().contains(&json!("qcow2")));
    assert_eq!(c.get("/image/v2/schemas/images", Some(&demo)).await.body["properties"]["images"]["items"]["name"], "image");
    assert_eq!(c.get("/image/v2/schemas/nothing", Some(&demo)).await.status, 404);
    assert_eq!(c.get("/image/v2/schemas/image", None).await.status, 401);
}

#[tokio::test]
async fn an_import_task_fails_since_no_web_server_is_reachable_and_tasks_are_admin_only() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let body = json!({"type": "import", "input": {"import_from": "http://nowhere.example/x.qcow2", "import_from_format": "qcow2",
        "image_properties": {"disk_format": "qcow2", "container_format": "bare"}}});
    assert_eq!(c.send(Method::POST, "/image/v2/tasks", Some(&demo), Some(body.clone())).await.status, 403);
    let r = c.send(Method::POST, "/image/v2/tasks", Some(&admin), Some(body)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap();
    let shown = c.get(&format!("/image/v2/tasks/{id}"), Some(&admin)).await.body;
    assert_eq!(shown["status"], "failure");
    assert!(shown["message"].as_str().unwrap().contains("nowhere.example"));
    let list = c.get("/image/v2/tasks", Some(&admin)).await.body;
    assert_eq!(list["tasks"][0]["id"], id);
    assert!(list["tasks"][0].get("input").is_none(), "the index leaves out input and result");
    let bad = json!({"type": "convert", "input": {}});
    assert_eq!(c.send(Method::POST, "/image/v2/tasks", Some(&admin), Some(bad)).await.status, 400);
    assert_eq!(c.get("/image/v2/tasks/00000000-0000-4000-8000-000000000000", Some(&admin)).await.status, 404);
}

#[tokio::test]
async fn a_namespace_holds_associations_properties_objects_and_tags() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let types = c.get("/image/v2/metadefs/resource_types", Some(&demo)).await.body;
    assert_eq!(types["resource_types"][0]["name"], "OS::Glance::Image");
    let r = c.send(Method::POST, NS, Some(&demo), Some(json!({"namespace": "mine"}))).await;
    assert_eq!(r.status, 403, "metadef writes are admin-only");
    let r = c
        .send(
            Method::POST,
            NS,
            Some(&admin),
            Some(json!({"namespace": "hw", "visibility": "public", "protected": true,
            "resource_type_associations": [{"name": "OS::Nova::Flavor"}]})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["self"], "/v2/metadefs/namespaces/hw");
    assert_eq!(c.send(Method::POST, NS, Some(&admin), Some(json!({"namespace": "hw"}))).await.status, 409);
    assert_eq!(c.send(Method::DELETE, &format!("{NS}/hw"), Some(&admin), None).await.status, 403, "protected");

    let props = format!("{NS}/hw/properties");
    let r = c
        .send(Method::POST, &props, Some(&admin), Some(json!({"name": "cpu", "title": "CPU", "type": "string", "enum": ["a", "b"]})))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["title"], "CPU");
    assert_eq!(c.get(&props, Some(&demo)).await.body["properties"]["cpu"]["enum"], json!(["a", "b"]));
    let r =
        c.send(Method::PUT, &format!("{props}/cpu"), Some(&admin), Some(json!({"name": "cpu", "title": "Cores", "type": "integer"}))).await;
    assert_eq!(r.body["title"], "Cores");
    let r = c.send(Method::POST, &props, Some(&admin), Some(json!({"name": "x", "title": "X", "type": "colour"}))).await;
    assert_eq!(r.status, 400);

    let objects = format!("{NS}/hw/objects");
    assert_eq!(c.send(Method::POST, &objects, Some(&admin), Some(json!({"name": "o1"}))).await.status, 201);
    let r = c.send(Method::PUT, &format!("{objects}/o1"), Some(&admin), Some(json!({"name": "o2"}))).await;
    assert_eq!((r.status, r.body["name"].as_str()), (200, Some("o2")));
    assert_eq!(c.get(&format!("{objects}/o1"), Some(&demo)).await.status, 404);
    assert_eq!(c.get(&objects, Some(&demo)).await.body["objects"][0]["name"], "o2");

    let tags = format!("{NS}/hw/tags");
    let r = c.send(Method::POST, &tags, Some(&admin), Some(json!({"tags": [{"name": "t1"}, {"name": "t2"}]}))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(c.send(Method::POST, &format!("{tags}/t3"), Some(&admin), None).await.status, 201);
    let r = c.send(Method::PUT, &format!("{tags}/t3"), Some(&admin), Some(json!({"name": "t4"}))).await;
    assert_eq!(r.body["name"], "t4");
    assert_eq!(c.get(&tags, Some(&demo)).await.body["tags"].as_array().unwrap().len(), 3);
    assert_eq!(c.send(Method::DELETE, &tags, Some(&admin), None).await.status, 204);
    assert_eq!(c.get(&tags, Some(&demo)).await.body["tags"], json!([]));

    let assoc = format!("{NS}/hw/resource_types");
    assert_eq!(c.send(Method::POST, &assoc, Some(&admin), Some(json!({"name": "OS::Glance::Image", "prefix": "hw_"}))).await.status, 201);
    assert_eq!(c.send(Method::POST, &assoc, Some(&admin), Some(json!({"name": "OS::Nope"}))).await.status, 404);
    assert_eq!(c.get(&assoc, Some(&demo)).await.body["resource_type_associations"].as_array().unwrap().len(), 2);
    assert_eq!(c.send(Method::DELETE, &format!("{assoc}/OS::Nova::Flavor"), Some(&admin), None).await.status, 204);

    let shown = c.get(&format!("{NS}/hw"), Some(&demo)).await.body;
    assert_eq!(shown["properties"]["cpu"]["title"], "Cores");
    assert_eq!(shown["resource_type_associations"][0]["prefix"], "hw_");
    // Private namespaces are their owner's (and admin's).
    let r = c
        .send(Method::PUT, &format!("{NS}/hw"), Some(&admin), Some(json!({"namespace": "hw", "visibility": "private", "protected": false})))
        .await;
    assert_eq!((r.status, r.body["visibility"].as_str()), (200, Some("private")));
    assert_eq!(c.get(&format!("{NS}/hw"), Some(&demo)).await.status, 404);
    assert!(c.get(NS, Some(&demo)).await.body["namespaces"].as_array().unwrap().is_empty());
    assert_eq!(c.send(Method::DELETE, &format!("{NS}/hw"), Some(&admin), None).await.status, 204);
    assert_eq!(c.get(&format!("{NS}/hw"), Some(&admin)).await.status, 404);
}
