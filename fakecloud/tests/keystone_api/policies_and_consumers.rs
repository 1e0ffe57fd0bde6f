//! Policy blobs (`/v3/policies`) and OAuth1 consumers (`/v3/OS-OAUTH1/consumers`).

use crate::common::TestCloud;
use crate::{ok, refused};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_policy_blob_keeps_its_type_blob_and_extras_and_lists_by_type() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let made = ok(
        &c,
        Method::POST,
        "/identity/v3/policies",
        &admin,
        Some(json!({"policy": {"id": "ignored", "type": "application/json", "blob": "{\"a\": 1}", "owner": "ops"}})),
    )
    .await["policy"]
        .clone();
    let id = made["id"].as_str().unwrap().to_string();
    assert_ne!(id, "ignored", "Keystone assigns the id");
    assert_eq!(
        (made["type"].clone(), made["blob"].clone(), made["owner"].clone()),
        (json!("application/json"), json!("{\"a\": 1}"), json!("ops"))
    );
    assert!(made["links"]["self"].as_str().unwrap().ends_with(&format!("/identity/v3/policies/{id}")));
    let path = format!("/identity/v3/policies/{id}");
    let changed = ok(&c, Method::PATCH, &path, &admin, Some(json!({"policy": {"blob": "{}"}}))).await["policy"].clone();
    assert_eq!((changed["blob"].clone(), changed["type"].clone()), (json!("{}"), json!("application/json")));
    ok(&c, Method::POST, "/identity/v3/policies", &admin, Some(json!({"policy": {"type": "text/yaml", "blob": "a: 1"}}))).await;
    let listed = ok(&c, Method::GET, "/identity/v3/policies?type=text/yaml", &admin, None).await;
    assert_eq!(listed["policies"].as_array().unwrap().len(), 1, "{listed}");
    refused(&c, Method::PATCH, &path, &admin, Some(json!({"policy": {"id": "other"}})), 400).await;
    refused(&c, Method::PATCH, &path, &admin, Some(json!({"policy": {}})), 400).await;
    refused(&c, Method::POST, "/identity/v3/policies", &admin, Some(json!({"policy": {"type": "x"}})), 400).await;
    ok(&c, Method::DELETE, &path, &admin, None).await;
    let gone = refused(&c, Method::GET, &path, &admin, None, 404).await;
    assert_eq!(gone.body["error"]["message"], json!(format!("Could not find policy: {id}.")));
    let member = c.member().await;
    refused(&c, Method::GET, "/identity/v3/policies", &member, None, 403).await;
}

#[tokio::test]
async fn a_consumers_secret_is_shown_once_and_cannot_be_changed() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let made = ok(&c, Method::POST, "/identity/v3/OS-OAUTH1/consumers", &admin, Some(json!({"consumer": {"description": "ci"}}))).await
        ["consumer"]
        .clone();
    let id = made["id"].as_str().unwrap().to_string();
    assert_eq!(made["secret"].as_str().map(str::len), Some(32), "a generated secret: {made}");
    let path = format!("/identity/v3/OS-OAUTH1/consumers/{id}");
    let shown = ok(&c, Method::GET, &path, &admin, None).await["consumer"].clone();
    assert_eq!(shown["description"], json!("ci"));
    assert!(shown.get("secret").is_none(), "reads leave the secret out: {shown}");
    let listed = ok(&c, Method::GET, "/identity/v3/OS-OAUTH1/consumers", &admin, None).await;
    assert!(listed["consumers"].as_array().unwrap().iter().all(|c| c.get("secret").is_none()));
    refused(&c, Method::PATCH, &path, &admin, Some(json!({"consumer": {"secret": "mine"}})), 400).await;
    let updated = ok(&c, Method::PATCH, &path, &admin, Some(json!({"consumer": {"description": null}}))).await["consumer"].clone();
    assert_eq!(updated["description"], json!(null));
    // An empty consumer is a valid create: the schema requires nothing.
    ok(&c, Method::POST, "/identity/v3/OS-OAUTH1/consumers", &admin, Some(json!({"consumer": {}}))).await;
    ok(&c, Method::DELETE, &path, &admin, None).await;
    let gone = refused(&c, Method::GET, &path, &admin, None, 404).await;
    assert_eq!(gone.body["error"]["message"], json!("Consumer not found"));
}
