//! `/v3/projects/{id}/tags`: one tag at a time, the whole list, and Keystone's limits.

use crate::helpers::{project_scope, Ks};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn tags_are_added_checked_replaced_and_removed() {
    let k = Ks::start().await;
    let p = k.project_id("demo");
    let r = k.admin(Method::PUT, &format!("/projects/{p}/tags/blue"), Some(json!({}))).await;
    assert_eq!((r.status, r.text.as_str()), (201, ""));
    assert!(
        r.headers["location"].to_str().unwrap().ends_with(&format!("/identity/v3/{p}/tags/blue")),
        "Keystone's Location has no projects/"
    );
    assert_eq!(k.admin(Method::GET, &format!("/projects/{p}/tags/blue"), None).await.status, 204);
    let r = k.get(&format!("/projects/{p}/tags/red")).await;
    assert_eq!((r.status, r.body["error"]["message"].as_str().unwrap()), (404, "Could not find project tag: red."));
    let r = k.admin(Method::PUT, &format!("/projects/{p}/tags"), Some(json!({"tags": ["x", " y "]}))).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["tags"], json!(["x", "y"]), "tags are stripped");
    assert!(r.body["links"]["self"].as_str().unwrap().ends_with(&format!("/projects/{p}/tags")));
    assert_eq!(k.get(&format!("/projects/{p}/tags")).await.body["tags"], json!(["x", "y"]));
    assert_eq!(k.get(&format!("/projects/{p}")).await.body["project"]["tags"], json!(["x", "y"]));
    assert_eq!(k.admin(Method::DELETE, &format!("/projects/{p}/tags/x"), None).await.status, 204);
    assert_eq!(k.admin(Method::DELETE, &format!("/projects/{p}/tags/x"), None).await.status, 404);
    assert_eq!(k.admin(Method::DELETE, &format!("/projects/{p}/tags"), None).await.status, 204);
    assert_eq!(k.get(&format!("/projects/{p}/tags")).await.body["tags"], json!([]));
    assert_eq!(k.get("/projects/nope/tags").await.status, 404);
}

#[tokio::test]
async fn tags_keep_keystones_limits() {
    let k = Ks::start().await;
    let p = k.project_id("demo");
    let r = k.admin(Method::PUT, &format!("/projects/{p}/tags/a,b"), None).await;
    assert_eq!((r.status, r.body["error"]["message"].as_str().unwrap()), (400, "'a,b' does not match '^[^,/]*$'"));
    k.admin(Method::PUT, &format!("/projects/{p}/tags/dup"), None).await;
    let r = k.admin(Method::PUT, &format!("/projects/{p}/tags/dup"), None).await;
    assert_eq!((r.status, r.body["error"]["message"].as_str().unwrap()), (400, "['dup', 'dup'] has non-unique elements"));
    let many: Vec<String> = (0..81).map(|i| format!("t{i}")).collect();
    let r = k.admin(Method::PUT, &format!("/projects/{p}/tags"), Some(json!({ "tags": many }))).await;
    assert_eq!(r.status, 400);
    assert!(r.body["error"]["message"].as_str().unwrap().ends_with("is too long"), "{}", r.text);
    let r = k.admin(Method::PUT, &format!("/projects/{p}/tags"), Some(json!({"tags": ["ok", 5]}))).await;
    assert_eq!(r.body["error"]["message"], "Invalid input for field '1': 5 is not of type 'string'");
    let r = k.admin(Method::PUT, &format!("/projects/{p}/tags/{}", "x".repeat(256)), None).await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn members_read_their_projects_tags_but_only_admins_write_them() {
    let k = Ks::start().await;
    let p = k.project_id("demo");
    let member = k.token_of("demo", "demo-secret", Some(project_scope("demo"))).await;
    assert_eq!(k.call(Method::GET, &format!("/projects/{p}/tags"), Some(&member), None).await.status, 200);
    let r = k.call(Method::PUT, &format!("/projects/{p}/tags/x"), Some(&member), None).await;
    assert_eq!(r.body["error"]["message"], "You are not authorized to perform the requested action: identity:create_project_tag.");
    let alt = k.token_of("alt_demo", "alt-demo-secret", Some(project_scope("alt_demo"))).await;
    assert_eq!(k.call(Method::GET, &format!("/projects/{p}/tags"), Some(&alt), None).await.status, 403);
}
