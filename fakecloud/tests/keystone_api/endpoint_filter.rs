//! OS-EP-FILTER: endpoint groups, project associations, and the catalog a filtered project's
//! tokens carry.

use crate::common::{password_auth, TestCloud};
use crate::{ids, ok, refused};
use reqwest::Method;
use serde_json::{json, Value};

const GROUPS: &str = "/identity/v3/OS-EP-FILTER/endpoint_groups";

async fn endpoint_ids(c: &TestCloud, admin: &str, query: &str) -> Vec<String> {
    let listed = ok(c, Method::GET, &format!("/identity/v3/endpoints{query}"), admin, None).await;
    listed["endpoints"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()).collect()
}

/// The endpoint ids in the catalog of a token for demo on its project.
async fn catalog_endpoints(c: &TestCloud) -> Vec<String> {
    let mut body = password_auth("demo", "demo-secret", None);
    body["auth"]["scope"] = json!({"project": {"name": "demo", "domain": {"id": "default"}}});
    let r = c.send(Method::POST, "/identity/v3/auth/tokens", None, Some(body)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let mut out: Vec<String> = r.body["token"]["catalog"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["endpoints"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()))
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn an_endpoint_group_selects_endpoints_by_its_filters() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let made =
        ok(&c, Method::POST, GROUPS, &admin, Some(json!({"endpoint_group": {"name": "internal", "filters": {"interface": "internal"}}})))
            .await["endpoint_group"]
            .clone();
    let id = made["id"].as_str().unwrap().to_string();
    assert_eq!(made["description"], Value::Null);
    let selected = ok(&c, Method::GET, &format!("{GROUPS}/{id}/endpoints"), &admin, None).await;
    let mut got: Vec<String> = selected["endpoints"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()).collect();
    got.sort();
    let mut want = endpoint_ids(&c, &admin, "?interface=internal").await;
    want.sort();
    assert!(!want.is_empty());
    assert_eq!(got, want);
    let updated = ok(&c, Method::PATCH, &format!("{GROUPS}/{id}"), &admin, Some(json!({"endpoint_group": {"description": "d"}}))).await;
    assert_eq!(updated["endpoint_group"]["filters"], json!({"interface": "internal"}));
    // Keystone filters on service, region and interface only, and a group needs at least one.
    refused(&c, Method::POST, GROUPS, &admin, Some(json!({"endpoint_group": {"name": "x", "filters": {"enabled": true}}})), 400).await;
    refused(&c, Method::POST, GROUPS, &admin, Some(json!({"endpoint_group": {"name": "x", "filters": {}}})), 400).await;
    refused(&c, Method::POST, GROUPS, &admin, Some(json!({"endpoint_group": {"name": "x", "filters": {"interface": "x"}}})), 400).await;
    assert_eq!(c.send(Method::HEAD, &format!("{GROUPS}/{id}"), Some(&admin), None).await.status, 200);
    ok(&c, Method::DELETE, &format!("{GROUPS}/{id}"), &admin, None).await;
    let gone = refused(&c, Method::GET, &format!("{GROUPS}/{id}"), &admin, None, 404).await;
    assert_eq!(gone.body["error"]["message"], json!(format!("Could not find Endpoint Group: {id}.")));
}

#[tokio::test]
async fn a_project_with_associations_sees_only_those_endpoints_in_its_catalog() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let x = ids(&c);
    let everything = catalog_endpoints(&c).await;
    let public = endpoint_ids(&c, &admin, "?interface=public").await;
    let internal = endpoint_ids(&c, &admin, "?interface=internal").await;
    let one = internal[0].clone();

    let direct = format!("/identity/v3/OS-EP-FILTER/projects/{}/endpoints/{one}", x.demo_p);
    ok(&c, Method::PUT, &direct, &admin, None).await;
    refused(&c, Method::PUT, &direct, &admin, None, 409).await;
    assert_eq!(catalog_endpoints(&c).await, vec![one.clone()], "one associated endpoint, one endpoint in the catalog");

    let group =
        ok(&c, Method::POST, GROUPS, &admin, Some(json!({"endpoint_group": {"name": "public", "filters": {"interface": "public"}}}))).await
            ["endpoint_group"]["id"]
            .as_str()
            .unwrap()
            .to_string();
    let membership = format!("{GROUPS}/{group}/projects/{}", x.demo_p);
    ok(&c, Method::PUT, &membership, &admin, None).await;
    let shown = ok(&c, Method::GET, &membership, &admin, None).await;
    assert_eq!(shown["project_endpoint_group"]["project_id"], json!(x.demo_p));
    let mut want: Vec<String> = public.iter().cloned().chain([one.clone()]).collect();
    want.sort();
    // Public endpoints that need no project substitution appear; those needing one are filled.
    let catalog = catalog_endpoints(&c).await;
    assert_eq!(catalog, want.iter().filter(|e| everything.contains(e)).cloned().collect::<Vec<_>>());
    let listed = ok(&c, Method::GET, &format!("/identity/v3/OS-EP-FILTER/projects/{}/endpoints", x.demo_p), &admin, None).await;
    assert_eq!(listed["endpoints"].as_array().unwrap().len(), want.len());
    let groups = ok(&c, Method::GET, &format!("/identity/v3/OS-EP-FILTER/projects/{}/endpoint_groups", x.demo_p), &admin, None).await;
    assert_eq!(groups["endpoint_groups"][0]["id"], json!(group));

    // Removing every association gives the whole catalog back.
    ok(&c, Method::DELETE, &membership, &admin, None).await;
    ok(&c, Method::DELETE, &direct, &admin, None).await;
    refused(&c, Method::GET, &direct, &admin, None, 404).await;
    assert_eq!(catalog_endpoints(&c).await, everything);
}

#[tokio::test]
async fn deleting_an_endpoint_or_a_project_drops_its_associations() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let project = ok(&c, Method::POST, "/identity/v3/projects", &admin, Some(json!({"project": {"name": "ep-doomed"}}))).await["project"]
        ["id"]
        .as_str()
        .unwrap()
        .to_string();
    let service = ok(&c, Method::POST, "/identity/v3/services", &admin, Some(json!({"service": {"type": "ep-type"}}))).await["service"]
        ["id"]
        .as_str()
        .unwrap()
        .to_string();
    let endpoint = ok(
        &c,
        Method::POST,
        "/identity/v3/endpoints",
        &admin,
        Some(json!({"endpoint": {"service_id": service, "interface": "public", "url": "http://ep.example/"}})),
    )
    .await["endpoint"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&c, Method::PUT, &format!("/identity/v3/OS-EP-FILTER/projects/{project}/endpoints/{endpoint}"), &admin, None).await;
    let projects = ok(&c, Method::GET, &format!("/identity/v3/OS-EP-FILTER/endpoints/{endpoint}/projects"), &admin, None).await;
    assert_eq!(projects["projects"][0]["id"], json!(project));
    ok(&c, Method::DELETE, &format!("/identity/v3/endpoints/{endpoint}"), &admin, None).await;
    assert!(c.running.cloud.world().identity.project_endpoints.is_empty(), "the endpoint's association went with it");

    let group = ok(&c, Method::POST, GROUPS, &admin, Some(json!({"endpoint_group": {"name": "g", "filters": {"service_id": service}}})))
        .await["endpoint_group"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&c, Method::PUT, &format!("{GROUPS}/{group}/projects/{project}"), &admin, None).await;
    ok(&c, Method::DELETE, &format!("/identity/v3/projects/{project}"), &admin, None).await;
    let left = ok(&c, Method::GET, &format!("{GROUPS}/{group}/projects"), &admin, None).await;
    assert_eq!(left["projects"], json!([]), "the project's association went with it");
}
