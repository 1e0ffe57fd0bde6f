//! `/v3/domains`: shapes, Keystone's rules for names and deletes, and what a domain's delete or
//! disable does to what lives in it.

use crate::helpers::{ids, names, project_scope, Ks};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_domain_is_created_with_keystones_defaults_and_listed_shown_and_updated_as_created() {
    let k = Ks::start().await;
    let d = k.create("/domains", "domain", json!({"name": "acme"})).await;
    let id = d["id"].as_str().unwrap();
    assert_eq!(id.len(), 32, "a dash-less uuid");
    assert_eq!(d["description"], "", "no description is the empty string");
    assert_eq!((&d["enabled"], &d["tags"], &d["options"]), (&json!(true), &json!([]), &json!({})));
    assert!(d["links"]["self"].as_str().unwrap().ends_with(&format!("/identity/v3/domains/{id}")));
    assert!(d.get("parent_id").is_none() && d.get("is_domain").is_none(), "the domain API hides the project fields");
    let listed = k.get("/domains?enabled=true").await;
    assert!(listed.body["domains"].as_array().unwrap().contains(&d), "the list shows what the create returned");
    let r = k
        .admin(Method::PATCH, &format!("/domains/{id}"), Some(json!({"domain": {"name": "acme2", "description": "d", "enabled": false}})))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!((&r.body["domain"]["name"], &r.body["domain"]["enabled"]), (&json!("acme2"), &json!(false)));
    assert_eq!(k.get(&format!("/domains/{id}")).await.body, r.body);
    assert_eq!(names(&k.get("/domains?name=acme2").await, "domains"), ["acme2"]);
    assert!(!ids(&k.get("/domains?enabled=false").await, "domains").contains(&"default".to_string()));
}

#[tokio::test]
async fn an_enabled_domain_cannot_be_deleted_until_disabled() {
    let k = Ks::start().await;
    let id = k.create("/domains", "domain", json!({"name": "acme"})).await["id"].as_str().unwrap().to_string();
    let r = k.admin(Method::DELETE, &format!("/domains/{id}"), None).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["error"]["message"], "Cannot delete a domain that is enabled, please disable it first.");
    k.admin(Method::PATCH, &format!("/domains/{id}"), Some(json!({"domain": {"enabled": false}}))).await;
    assert_eq!(k.admin(Method::DELETE, &format!("/domains/{id}"), None).await.status, 204);
    let gone = k.get(&format!("/domains/{id}")).await;
    assert_eq!((gone.status, gone.body["error"]["message"].as_str().unwrap()), (404, format!("Could not find domain: {id}.").as_str()));
    assert_eq!(k.admin(Method::DELETE, "/domains/nope", None).await.status, 404);
}

#[tokio::test]
async fn domain_names_are_unique_and_checked_with_keystones_wording() {
    let k = Ks::start().await;
    k.create("/domains", "domain", json!({"name": "acme"})).await;
    let r = k.admin(Method::POST, "/domains", Some(json!({"domain": {"name": "acme"}}))).await;
    assert_eq!(r.status, 409);
    assert_eq!(
        r.body["error"]["message"],
        "Conflict occurred attempting to store project - it is not permitted to have two projects acting as domains with the same name: acme."
    );
    let r = k.admin(Method::POST, "/domains", Some(json!({"domain": {"name": ""}}))).await;
    assert_eq!(
        r.body,
        json!({"error": {"code": 400, "title": "Bad Request", "message": "Invalid input for field 'name': '' is too short"}})
    );
    let long = "a".repeat(65);
    let r = k.admin(Method::POST, "/domains", Some(json!({"domain": {"name": long}}))).await;
    assert_eq!(r.body["error"]["message"], format!("Invalid input for field 'name': '{long}' is too long"));
    let r = k.admin(Method::POST, "/domains", Some(json!({"domain": {"description": "no name"}}))).await;
    assert_eq!(r.body["error"]["message"], "'name' is a required property");
}

#[tokio::test]
async fn a_domain_may_be_given_its_id_as_a_dashless_uuid() {
    let k = Ks::start().await;
    let id = "0123456789abcdef0123456789abcdef";
    let d = k.create("/domains", "domain", json!({"name": "acme", "explicit_domain_id": id})).await;
    assert_eq!(d["id"], id);
    let r = k.admin(Method::POST, "/domains", Some(json!({"domain": {"name": "other", "explicit_domain_id": "not-a-uuid"}}))).await;
    assert_eq!((r.status, r.body["error"]["message"].as_str().unwrap()), (400, "Domain ID does not conform to required UUID format."));
    let other = "fedcba9876543210fedcba9876543210";
    let p = k.create("/projects", "project", json!({"name": "pd", "is_domain": true, "explicit_domain_id": other})).await;
    assert_ne!(p["id"], other, "only the domain API takes an explicit id");
    assert_eq!(p["explicit_domain_id"], other, "the project API keeps it as an extra attribute");
}

#[tokio::test]
async fn deleting_a_domain_deletes_its_projects_users_and_groups() {
    let k = Ks::start().await;
    let d = k.create("/domains", "domain", json!({"name": "acme"})).await["id"].as_str().unwrap().to_string();
    let top = k.create("/projects", "project", json!({"name": "top", "domain_id": d})).await["id"].as_str().unwrap().to_string();
    let child = k.create("/projects", "project", json!({"name": "child", "domain_id": d, "parent_id": top})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let user = k.create("/users", "user", json!({"name": "u", "domain_id": d, "password": "p"})).await["id"].as_str().unwrap().to_string();
    let group = k.create("/groups", "group", json!({"name": "g", "domain_id": d})).await["id"].as_str().unwrap().to_string();
    assert_eq!(k.admin(Method::PUT, &format!("/groups/{group}/users/{user}"), None).await.status, 204);
    k.admin(Method::PATCH, &format!("/domains/{d}"), Some(json!({"domain": {"enabled": false}}))).await;
    assert_eq!(k.admin(Method::DELETE, &format!("/domains/{d}"), None).await.status, 204);
    for path in [format!("/projects/{top}"), format!("/projects/{child}"), format!("/users/{user}"), format!("/groups/{group}")] {
        assert_eq!(k.get(&path).await.status, 404, "{path} went with its domain");
    }
    assert!(k.c.running.cloud.world().identity.memberships.is_empty());
}

#[tokio::test]
async fn disabling_a_domain_stops_its_users_logins_and_tokens_until_it_is_enabled_again() {
    let k = Ks::start().await;
    let d = k.create("/domains", "domain", json!({"name": "acme"})).await["id"].as_str().unwrap().to_string();
    k.create("/users", "user", json!({"name": "u", "domain_id": d, "password": "p"})).await;
    let login = || k.login_in("u", "acme", "p", None);
    let r = login().await;
    assert_eq!(r.status, 201, "{}", r.text);
    let token = r.headers["x-subject-token"].to_str().unwrap().to_string();
    k.admin(Method::PATCH, &format!("/domains/{d}"), Some(json!({"domain": {"enabled": false}}))).await;
    assert_eq!(login().await.status, 401);
    assert_eq!(k.validate(&token).await, 404, "a token of a disabled domain's user does not validate");
    assert_eq!(k.call(Method::GET, "/auth/projects", Some(&token), None).await.status, 401);
    k.admin(Method::PATCH, &format!("/domains/{d}"), Some(json!({"domain": {"enabled": true}}))).await;
    assert_eq!(k.validate(&token).await, 200, "Keystone checks the domain at each validation; nothing was revoked");
    // Tokens scoped to a project of a disabled domain stop too (the admin's with them: it lives there).
    let member = k.token_of("demo", "demo-secret", Some(project_scope("demo"))).await;
    assert_eq!(k.call(Method::GET, "/auth/projects", Some(&member), None).await.status, 200);
    k.admin(Method::PATCH, "/domains/default", Some(json!({"domain": {"enabled": false}}))).await;
    assert_eq!(k.call(Method::GET, "/auth/projects", Some(&member), None).await.status, 401);
}

#[tokio::test]
async fn a_project_acting_as_a_domain_is_a_domain() {
    let k = Ks::start().await;
    let p = k.create("/projects", "project", json!({"name": "pd", "domain_id": null, "is_domain": true})).await;
    let id = p["id"].as_str().unwrap().to_string();
    assert_eq!((&p["is_domain"], &p["domain_id"], &p["parent_id"]), (&json!(true), &json!(null), &json!(null)));
    assert!(ids(&k.get("/domains").await, "domains").contains(&id));
    assert!(ids(&k.get("/projects?is_domain=true").await, "projects").contains(&id));
    assert!(!ids(&k.get("/projects").await, "projects").contains(&id), "domains are left out of the project list by default");
    assert_eq!(k.get(&format!("/projects/{id}")).await.body["project"], p);
    let r = k.admin(Method::DELETE, &format!("/projects/{id}"), None).await;
    assert_eq!(r.status, 403, "the project API deletes a domain only once it is disabled: {}", r.text);
    k.admin(Method::PATCH, &format!("/projects/{id}"), Some(json!({"project": {"enabled": false}}))).await;
    assert_eq!(k.admin(Method::DELETE, &format!("/projects/{id}"), None).await.status, 204);
    assert_eq!(k.get(&format!("/domains/{id}")).await.status, 404);
    let r = k.admin(Method::POST, "/projects", Some(json!({"project": {"name": "x", "is_domain": true, "domain_id": "default"}}))).await;
    assert_eq!((r.status, r.body["error"]["message"].as_str().unwrap()), (400, "only root projects are allowed to act as domains."));
}

#[tokio::test]
async fn an_immutable_domain_refuses_changes_and_delete() {
    let k = Ks::start().await;
    let d = k.create("/domains", "domain", json!({"name": "acme", "enabled": false, "options": {"immutable": true}})).await;
    let id = d["id"].as_str().unwrap().to_string();
    assert_eq!(d["options"], json!({"immutable": true}));
    let r = k.admin(Method::DELETE, &format!("/domains/{id}"), None).await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.body["error"]["message"],
        format!("Unable to delete immutable domain resource: `{id}. Set resource option \"immutable\" to false first.")
    );
    let r = k.admin(Method::PATCH, &format!("/domains/{id}"), Some(json!({"domain": {"options": {"immutable": false}}}))).await;
    assert_eq!(r.status, 403, "the domain API always sends more than the option, so Keystone refuses it there");
    let r = k.admin(Method::PATCH, &format!("/projects/{id}"), Some(json!({"project": {"options": {"immutable": null}}}))).await;
    assert_eq!(r.status, 200, "through the project API the option alone may be cleared: {}", r.text);
    assert_eq!(k.admin(Method::DELETE, &format!("/domains/{id}"), None).await.status, 204);
}

#[tokio::test]
async fn domain_readers_and_system_readers_read_domains_as_upstream_allows() {
    let k = Ks::start_with(crate::helpers::fixture_with_readers()).await;
    let acme = k.create("/domains", "domain", json!({"name": "acme"})).await["id"].as_str().unwrap().to_string();
    let dreader = k.token_of("dreader", "dreader-secret", Some(json!({"domain": {"name": "Default"}}))).await;
    let listed = k.call(Method::GET, "/domains", Some(&dreader), None).await;
    assert_eq!(ids(&listed, "domains"), ["default"], "a domain-scoped reader lists its own domain only");
    assert_eq!(k.call(Method::GET, &format!("/domains/{acme}"), Some(&dreader), None).await.status, 403);
    let sreader = k.token_of("sreader", "sreader-secret", Some(json!({"system": {"all": true}}))).await;
    assert_eq!(ids(&k.call(Method::GET, "/domains", Some(&sreader), None).await, "domains").len(), 2);
    assert_eq!(k.call(Method::GET, &format!("/domains/{acme}"), Some(&sreader), None).await.status, 200);
    let r = k.call(Method::POST, "/domains", Some(&sreader), Some(json!({"domain": {"name": "x"}}))).await;
    assert_eq!(r.body["error"]["message"], "You are not authorized to perform the requested action: identity:create_domain.");
}
