//! Regions, services and endpoints, and the token catalog that follows them.

use crate::common::TestCloud;
use crate::{ids, ok, refused, scoped_token};
use reqwest::Method;
use serde_json::{json, Value};

fn region_body(description: &str, parent: Option<&str>) -> Value {
    json!({"region": {"description": description, "parent_region_id": parent}})
}

#[tokio::test]
async fn regions_nest_update_filter_by_parent_and_delete() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let parent = ok(&c, Method::POST, "/identity/v3/regions", &admin, Some(region_body("parent", None))).await["region"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let other = ok(&c, Method::PUT, "/identity/v3/regions/other", &admin, Some(region_body("other", None))).await;
    assert_eq!(other["region"]["id"], "other");
    let child = ok(&c, Method::POST, "/identity/v3/regions", &admin, Some(region_body("child", Some(&parent)))).await["region"].clone();
    assert_eq!(child["parent_region_id"], parent.as_str());
    let path = format!("/identity/v3/regions/{}", child["id"].as_str().unwrap());
    let moved = ok(&c, Method::PATCH, &path, &admin, Some(json!({"region": {"description": "moved", "parent_region_id": "other"}}))).await;
    assert_eq!((moved["region"]["description"].clone(), moved["region"]["parent_region_id"].clone()), (json!("moved"), json!("other")));
    let under = ok(&c, Method::GET, "/identity/v3/regions?parent_region_id=other", &admin, None).await;
    assert_eq!(under["regions"].as_array().unwrap().len(), 1);
    assert_eq!(under["regions"][0], moved["region"]);
    let member = c.member().await;
    assert_eq!(ok(&c, Method::GET, &path, &member, None).await["region"]["description"], "moved", "any token reads regions");
    ok(&c, Method::DELETE, "/identity/v3/regions/other", &admin, None).await;
    refused(&c, Method::GET, &path, &admin, None, 404).await;
}

#[tokio::test]
async fn region_ids_are_unique_and_parents_must_exist_without_cycles() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let dup = refused(&c, Method::PUT, "/identity/v3/regions/RegionOne", &admin, Some(region_body("x", None)), 409).await;
    assert_eq!(dup.body["error"]["message"], "Conflict occurred attempting to store region - Duplicate ID, RegionOne.");
    let mismatch = json!({"region": {"id": "b"}});
    let r = refused(&c, Method::PUT, "/identity/v3/regions/a", &admin, Some(mismatch), 400).await;
    assert_eq!(r.body["error"]["message"], "Conflicting region IDs specified: \"a\" != \"b\"");
    refused(&c, Method::POST, "/identity/v3/regions", &admin, Some(region_body("x", Some("nowhere"))), 404).await;
    ok(&c, Method::PUT, "/identity/v3/regions/a", &admin, Some(region_body("a", Some("RegionOne")))).await;
    let cycle = json!({"region": {"parent_region_id": "a"}});
    let r = refused(&c, Method::PATCH, "/identity/v3/regions/RegionOne", &admin, Some(cycle), 400).await;
    assert_eq!(r.body["error"]["message"], "The specified parent region a would create a circular region hierarchy.");
}

#[tokio::test]
async fn a_region_with_endpoints_is_not_deleted() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let r = refused(&c, Method::DELETE, "/identity/v3/regions/RegionOne", &admin, None, 403).await;
    assert_eq!(r.body["error"]["message"], "Unable to delete region RegionOne because it or its child regions have associated endpoints.");
}

#[tokio::test]
async fn services_are_made_updated_filtered_and_deleted_with_their_endpoints() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let bare = ok(&c, Method::POST, "/identity/v3/services", &admin, Some(json!({"service": {"type": "bare-type", "name": "bare"}}))).await;
    assert!(bare["service"].get("description").is_none(), "no description unless one is given");
    assert_eq!(bare["service"]["enabled"], true);
    let body = json!({"service": {"type": "queue", "name": "zaqar", "description": "messages"}});
    let svc = ok(&c, Method::POST, "/identity/v3/services", &admin, Some(body)).await["service"].clone();
    let path = format!("/identity/v3/services/{}", svc["id"].as_str().unwrap());
    let updated = ok(&c, Method::PATCH, &path, &admin, Some(json!({"service": {"description": "queues"}}))).await;
    assert_eq!(updated["service"]["description"], "queues");
    assert_eq!(ok(&c, Method::GET, &path, &admin, None).await, updated);
    let by_type = ok(&c, Method::GET, "/identity/v3/services?type=queue", &admin, None).await;
    assert_eq!(by_type["services"].as_array().unwrap().len(), 1);
    let ep =
        json!({"endpoint": {"service_id": svc["id"], "interface": "public", "url": "http://q.example:8888/v2", "region_id": "RegionOne"}});
    let ep_id = ok(&c, Method::POST, "/identity/v3/endpoints", &admin, Some(ep)).await["endpoint"]["id"].as_str().unwrap().to_string();
    ok(&c, Method::DELETE, &path, &admin, None).await;
    refused(&c, Method::GET, &path, &admin, None, 404).await;
    refused(&c, Method::GET, &format!("/identity/v3/endpoints/{ep_id}"), &admin, None, 404).await;
    let r = refused(&c, Method::POST, "/identity/v3/services", &admin, Some(json!({"service": {"name": "typeless"}})), 400).await;
    assert_eq!(r.body["error"]["message"], "'type' is a required property");
}

#[tokio::test]
async fn an_endpoint_with_a_legacy_region_creates_that_region_and_updates_like_tempest_asks() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let svc = |n: &str| json!({"service": {"type": format!("{n}-type"), "name": n}});
    let s1 = ok(&c, Method::POST, "/identity/v3/services", &admin, Some(svc("one"))).await["service"]["id"].as_str().unwrap().to_string();
    let s2 = ok(&c, Method::POST, "/identity/v3/services", &admin, Some(svc("two"))).await["service"]["id"].as_str().unwrap().to_string();
    let body = json!({"endpoint": {"service_id": s1, "interface": "public", "url": "http://a.example:1/v1", "region": "region-a", "enabled": true}});
    let e = ok(&c, Method::POST, "/identity/v3/endpoints", &admin, Some(body)).await["endpoint"].clone();
    assert_eq!(
        (e["region"].clone(), e["region_id"].clone(), e["url"].clone()),
        (json!("region-a"), json!("region-a"), json!("http://a.example:1/v1"))
    );
    assert_eq!(ok(&c, Method::GET, "/identity/v3/regions/region-a", &admin, None).await["region"]["id"], "region-a");
    let path = format!("/identity/v3/endpoints/{}", e["id"].as_str().unwrap());
    let change = json!({"endpoint": {"service_id": s2, "interface": "internal", "url": "http://b.example:2/v1", "region": "region-b", "enabled": false}});
    let u = ok(&c, Method::PATCH, &path, &admin, Some(change)).await["endpoint"].clone();
    assert_eq!(u["service_id"], s2.as_str());
    assert_eq!((u["interface"].clone(), u["region"].clone(), u["enabled"].clone()), (json!("internal"), json!("region-b"), json!(false)));
    let filtered = ok(&c, Method::GET, &format!("/identity/v3/endpoints?service_id={s2}"), &admin, None).await;
    assert_eq!(filtered["endpoints"].as_array().unwrap().len(), 1);
    assert_eq!(
        ok(&c, Method::GET, "/identity/v3/endpoints?interface=internal&region_id=region-b", &admin, None).await["endpoints"][0]["id"],
        u["id"]
    );
    ok(&c, Method::DELETE, &path, &admin, None).await;
    refused(&c, Method::GET, &path, &admin, None, 404).await;
}

#[tokio::test]
async fn endpoint_fields_are_checked_as_keystone_checks_them() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let svc = ok(&c, Method::POST, "/identity/v3/services", &admin, Some(json!({"service": {"type": "t"}}))).await["service"]["id"].clone();
    let base = json!({"service_id": svc, "interface": "public", "url": "http://e.example/v1"});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        json!({"endpoint": b})
    };
    let cases = [
        (with("enabled", json!("False")), "Invalid input for field 'enabled': 'False' is not of type 'boolean'"),
        (with("interface", json!("private")), "Invalid input for field 'interface': 'private' is not one of ['admin', 'internal', 'public']"),
        (with("url", json!("not a url")), "Invalid input for field 'url': 'not a url' does not match '^[a-zA-Z0-9+.-]+:.+'"),
        (with("url", json!("http://e.example/$(nope)s")), "Cannot create an endpoint with an invalid URL: http://e.example/$(nope)s."),
        (with("service_id", json!("nope")), "Expecting to find endpoint service_id in service table. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error."),
        (with("region_id", json!("nope")), "Expecting to find endpoint region_id in region table. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error."),
    ];
    for (body, message) in cases {
        let r = refused(&c, Method::POST, "/identity/v3/endpoints", &admin, Some(body), 400).await;
        assert_eq!(r.body["error"]["message"], message);
    }
    let e = ok(&c, Method::POST, "/identity/v3/endpoints", &admin, Some(json!({"endpoint": base}))).await["endpoint"]["id"].clone();
    let r = refused(
        &c,
        Method::PATCH,
        &format!("/identity/v3/endpoints/{}", e.as_str().unwrap()),
        &admin,
        Some(json!({"endpoint": {"enabled": "True"}})),
        400,
    )
    .await;
    assert_eq!(r.body["error"]["message"], "Invalid input for field 'enabled': 'True' is not of type 'boolean'");
}

fn catalog_service<'a>(token: &'a Value, kind: &str) -> Option<&'a Value> {
    token["token"]["catalog"].as_array().unwrap().iter().find(|s| s["type"] == kind)
}

#[tokio::test]
async fn the_token_catalog_follows_endpoints_made_changed_and_deleted_through_the_api() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let x = ids(&c);
    let svc =
        ok(&c, Method::POST, "/identity/v3/services", &admin, Some(json!({"service": {"type": "object-store", "name": "swift"}}))).await;
    let svc_id = svc["service"]["id"].as_str().unwrap().to_string();
    let ep = json!({"endpoint": {"service_id": svc_id, "interface": "public", "url": "http://swift.example:8080/v1/AUTH_$(project_id)s", "region_id": "RegionOne"}});
    let ep_id = ok(&c, Method::POST, "/identity/v3/endpoints", &admin, Some(ep)).await["endpoint"]["id"].as_str().unwrap().to_string();
    let (_, token) = scoped_token(&c, "demo", "demo-secret", &x.demo_p).await.unwrap();
    let swift = catalog_service(&token, "object-store").expect("the new service is in the catalog");
    assert_eq!(swift["name"], "swift");
    assert_eq!(
        swift["endpoints"][0]["url"],
        format!("http://swift.example:8080/v1/AUTH_{}", x.demo_p),
        "a literal URL, its project filled in"
    );
    let identity = catalog_service(&token, "identity").unwrap();
    assert_eq!(identity["endpoints"][0]["url"], c.url("/identity"), "fixture endpoints follow the address the request came to");
    ok(&c, Method::PATCH, &format!("/identity/v3/endpoints/{ep_id}"), &admin, Some(json!({"endpoint": {"enabled": false}}))).await;
    let (_, token) = scoped_token(&c, "demo", "demo-secret", &x.demo_p).await.unwrap();
    assert!(catalog_service(&token, "object-store").is_none(), "a disabled endpoint leaves the catalog");
    ok(&c, Method::PATCH, &format!("/identity/v3/endpoints/{ep_id}"), &admin, Some(json!({"endpoint": {"enabled": true}}))).await;
    ok(&c, Method::PATCH, &format!("/identity/v3/services/{svc_id}"), &admin, Some(json!({"service": {"enabled": false}}))).await;
    let (_, token) = scoped_token(&c, "demo", "demo-secret", &x.demo_p).await.unwrap();
    assert!(catalog_service(&token, "object-store").is_none(), "so does a disabled service");
    let catalog = ok(&c, Method::GET, "/identity/v3/auth/catalog", &c.member().await, None).await;
    assert!(catalog["catalog"].as_array().unwrap().iter().all(|s| s["type"] != "object-store"));
}

#[tokio::test]
async fn the_endpoint_api_shows_fixture_endpoints_at_the_request_address() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let list = ok(&c, Method::GET, "/identity/v3/endpoints", &admin, None).await;
    let volume = list["endpoints"].as_array().unwrap().iter().find(|e| e["url"].as_str().unwrap().contains("/volume/")).unwrap();
    assert_eq!(volume["url"], c.url("/volume/v3/$(project_id)s"));
    assert_eq!(volume["enabled"], true);
}
