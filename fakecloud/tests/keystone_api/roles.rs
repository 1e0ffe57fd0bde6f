//! Roles and implied roles: CRUD, names unique per domain, domain-specific roles, the immutable
//! bootstrap roles, and the implication rules.

use crate::common::TestCloud;
use crate::{new_role, ok, refused};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_role_is_created_renamed_shown_listed_and_deleted() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let r = c.send(Method::POST, "/identity/v3/roles", Some(&admin), Some(json!({"role": {"name": "auditor", "colour": "blue"}}))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let role = &r.body["role"];
    let id = role["id"].as_str().unwrap();
    assert_eq!((role["name"].clone(), role["domain_id"].clone(), role["options"].clone()), (json!("auditor"), json!(null), json!({})));
    assert_eq!(role["colour"], "blue", "Keystone keeps attributes it does not know");
    assert!(role["links"]["self"].as_str().unwrap().ends_with(&format!("/identity/v3/roles/{id}")));
    let path = format!("/identity/v3/roles/{id}");
    let renamed = ok(&c, Method::PATCH, &path, &admin, Some(json!({"role": {"name": "inspector"}}))).await;
    assert_eq!(renamed["role"]["name"], "inspector");
    assert_eq!(ok(&c, Method::GET, &path, &admin, None).await["role"]["name"], "inspector");
    let list = ok(&c, Method::GET, "/identity/v3/roles", &admin, None).await;
    assert!(list["roles"].as_array().unwrap().iter().any(|r| r["id"] == id));
    assert_eq!(c.send(Method::DELETE, &path, Some(&admin), None).await.status, 204);
    let gone = refused(&c, Method::GET, &path, &admin, None, 404).await;
    assert_eq!(gone.body["error"]["message"], format!("Could not find role: {id}."));
}

#[tokio::test]
async fn role_names_are_unique_within_a_domain_whatever_their_case() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    new_role(&c, &admin, "Auditor").await;
    let dup = refused(&c, Method::POST, "/identity/v3/roles", &admin, Some(json!({"role": {"name": "auditor"}})), 409).await;
    assert_eq!(dup.body["error"]["message"], "Conflict occurred attempting to store role - Duplicate entry found with name auditor.");
    let in_domain = json!({"role": {"name": "auditor", "domain_id": "default"}});
    assert_eq!(
        c.send(Method::POST, "/identity/v3/roles", Some(&admin), Some(in_domain)).await.status,
        201,
        "another domain, another namespace"
    );
}

#[tokio::test]
async fn a_role_list_shows_global_roles_unless_a_domain_is_asked_for() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let body = json!({"role": {"name": "domain-only", "domain_id": "default"}});
    let id = ok(&c, Method::POST, "/identity/v3/roles", &admin, Some(body)).await["role"]["id"].clone();
    let global = ok(&c, Method::GET, "/identity/v3/roles", &admin, None).await;
    assert!(global["roles"].as_array().unwrap().iter().all(|r| r["domain_id"].is_null()));
    let in_domain = ok(&c, Method::GET, "/identity/v3/roles?domain_id=default", &admin, None).await;
    assert_eq!(in_domain["roles"].as_array().unwrap().iter().map(|r| r["id"].clone()).collect::<Vec<_>>(), vec![id]);
    let member = c.member().await;
    let r = refused(&c, Method::GET, "/identity/v3/roles?domain_id=default", &member, None, 403).await;
    assert!(r.text.contains("identity:list_domain_roles"));
}

#[tokio::test]
async fn bad_role_bodies_get_keystones_schema_wording() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    for (body, message) in [
        (json!({"role": {"name": 5}}), "Invalid input for field 'name': 5 is not of type 'string'"),
        (json!({"role": {}}), "'name' is a required property"),
        (json!({}), "'name' is a required property"),
        (
            json!({"role": {"name": "x", "options": {"frozen": true}}}),
            "Invalid input for field 'options': Additional properties are not allowed ('frozen' was unexpected)",
        ),
    ] {
        let r = refused(&c, Method::POST, "/identity/v3/roles", &admin, Some(body), 400).await;
        assert_eq!(r.body["error"]["message"], message);
    }
}

#[tokio::test]
async fn the_bootstrap_roles_are_immutable_until_the_option_is_cleared() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let roles = ok(&c, Method::GET, "/identity/v3/roles?name=reader", &admin, None).await;
    let reader = roles["roles"][0].clone();
    assert_eq!(reader["options"], json!({"immutable": true}));
    let path = format!("/identity/v3/roles/{}", reader["id"].as_str().unwrap());
    let r = refused(&c, Method::PATCH, &path, &admin, Some(json!({"role": {"name": "viewer"}})), 403).await;
    assert!(r.body["error"]["message"].as_str().unwrap().starts_with("Unable to update immutable role resource"));
    refused(&c, Method::DELETE, &path, &admin, None, 403).await;
    ok(&c, Method::PATCH, &path, &admin, Some(json!({"role": {"options": {"immutable": false}}}))).await;
    ok(&c, Method::PATCH, &path, &admin, Some(json!({"role": {"description": "reads"}}))).await;
}

#[tokio::test]
async fn implied_roles_are_created_checked_shown_listed_and_deleted() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let (prior, implied) = (new_role(&c, &admin, "prior").await, new_role(&c, &admin, "implied").await);
    let rule = format!("/identity/v3/roles/{prior}/implies/{implied}");
    let made = c.send(Method::PUT, &rule, Some(&admin), None).await;
    assert_eq!(made.status, 201, "{}", made.text);
    assert_eq!(made.body["role_inference"]["prior_role"]["id"], prior.as_str());
    assert_eq!(made.body["role_inference"]["implies"]["name"], "implied");
    assert!(made.body["role_inference"]["implies"]["links"]["self"].is_string());
    assert_eq!(c.send(Method::HEAD, &rule, Some(&admin), None).await.status, 204);
    assert_eq!(ok(&c, Method::GET, &rule, &admin, None).await["role_inference"]["prior_role"]["name"], "prior");
    let list = ok(&c, Method::GET, &format!("/identity/v3/roles/{prior}/implies"), &admin, None).await;
    assert_eq!(list["role_inference"]["implies"][0]["id"], implied.as_str());
    let all = ok(&c, Method::GET, "/identity/v3/role_inferences", &admin, None).await;
    let mine = all["role_inferences"].as_array().unwrap().iter().find(|r| r["prior_role"]["id"] == prior.as_str()).unwrap();
    assert_eq!(mine["implies"].as_array().unwrap().len(), 1);
    assert!(all["role_inferences"].as_array().unwrap().iter().any(|r| r["prior_role"]["name"] == "admin"), "the fixture's chain too");
    refused(&c, Method::PUT, &rule, &admin, None, 409).await;
    assert_eq!(c.send(Method::DELETE, &rule, Some(&admin), None).await.status, 204);
    let gone = refused(&c, Method::GET, &rule, &admin, None, 404).await;
    assert_eq!(gone.body["error"]["message"], format!("{prior} does not imply {implied}."));
}

#[tokio::test]
async fn a_global_role_may_imply_neither_a_domain_role_nor_admin() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let global = new_role(&c, &admin, "global").await;
    let body = json!({"role": {"name": "local", "domain_id": "default"}});
    let local = ok(&c, Method::POST, "/identity/v3/roles", &admin, Some(body)).await["role"]["id"].as_str().unwrap().to_string();
    let r = refused(&c, Method::PUT, &format!("/identity/v3/roles/{global}/implies/{local}"), &admin, None, 403).await;
    assert_eq!(r.body["error"]["message"], format!("{local} cannot be an implied roles."));
    ok(&c, Method::PUT, &format!("/identity/v3/roles/{local}/implies/{global}"), &admin, None).await;
    let roles = ok(&c, Method::GET, "/identity/v3/roles?name=admin", &admin, None).await;
    let admin_role = roles["roles"][0]["id"].as_str().unwrap().to_string();
    refused(&c, Method::PUT, &format!("/identity/v3/roles/{global}/implies/{admin_role}"), &admin, None, 403).await;
    refused(&c, Method::PUT, &format!("/identity/v3/roles/{global}/implies/nope"), &admin, None, 404).await;
}

#[tokio::test]
async fn deleting_a_role_takes_its_grants_and_implications_with_it() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let ids = crate::ids(&c);
    let (prior, doomed) = (new_role(&c, &admin, "prior").await, new_role(&c, &admin, "doomed").await);
    ok(&c, Method::PUT, &format!("/identity/v3/roles/{prior}/implies/{doomed}"), &admin, None).await;
    let grant = format!("/identity/v3/projects/{}/users/{}/roles/{doomed}", ids.alt_p, ids.alt_u);
    ok(&c, Method::PUT, &grant, &admin, None).await;
    ok(&c, Method::DELETE, &format!("/identity/v3/roles/{doomed}"), &admin, None).await;
    let list = ok(&c, Method::GET, &format!("/identity/v3/roles/{prior}/implies"), &admin, None).await;
    assert_eq!(list["role_inference"]["implies"], json!([]));
    let assignments = ok(&c, Method::GET, &format!("/identity/v3/role_assignments?role.id={doomed}"), &admin, None).await;
    assert_eq!(assignments["role_assignments"], json!([]));
}

#[tokio::test]
async fn members_cannot_manage_roles() {
    let c = TestCloud::start().await;
    let member = c.member().await;
    let r = refused(&c, Method::POST, "/identity/v3/roles", &member, Some(json!({"role": {"name": "mine"}})), 403).await;
    assert_eq!(r.body["error"]["message"], "You are not authorized to perform the requested action: identity:create_role.");
}
