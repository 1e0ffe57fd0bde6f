//! Application credentials made through the API, and access rules.

use crate::common::TestCloud;
use crate::{ids, new_role, ok, refused, TOKENS};
use reqwest::Method;
use serde_json::{json, Value};

fn app_cred_auth(id: &str, secret: &str) -> Value {
    json!({"auth": {"identity": {"methods": ["application_credential"], "application_credential": {"id": id, "secret": secret}}}})
}

#[tokio::test]
async fn a_new_application_credential_shows_its_secret_once_and_authenticates() {
    let c = TestCloud::start().await;
    let member = c.member().await;
    let x = ids(&c);
    let base = format!("/identity/v3/users/{}/application_credentials", x.demo_u);
    let made =
        c.send(Method::POST, &base, Some(&member), Some(json!({"application_credential": {"name": "ci", "description": "for CI"}}))).await;
    assert_eq!(made.status, 201, "{}", made.text);
    let cred = made.body["application_credential"].clone();
    let (id, secret) = (cred["id"].as_str().unwrap().to_string(), cred["secret"].as_str().unwrap().to_string());
    assert_eq!(secret.len(), 86, "64 random bytes, url-safe base64");
    assert_eq!(cred["project_id"], x.demo_p.as_str());
    let names: Vec<&str> = cred["roles"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["member", "reader"], "the token's roles by default");
    assert_eq!((cred["unrestricted"].clone(), cred["expires_at"].clone()), (json!(false), Value::Null));
    let shown = ok(&c, Method::GET, &format!("{base}/{id}"), &member, None).await;
    assert!(shown["application_credential"].get("secret").is_none());
    let token = c.send(Method::POST, TOKENS, None, Some(app_cred_auth(&id, &secret))).await;
    assert_eq!(token.status, 201, "{}", token.text);
    assert_eq!(token.body["token"]["project"]["id"], x.demo_p.as_str());
    assert_eq!(token.body["token"]["application_credential"]["restricted"], true);
    let by_name = ok(&c, Method::GET, &format!("{base}?name=ci"), &member, None).await;
    assert_eq!(by_name["application_credentials"].as_array().unwrap().len(), 1);
    refused(&c, Method::POST, &base, &member, Some(json!({"application_credential": {"name": "ci"}})), 409).await;
    ok(&c, Method::DELETE, &format!("{base}/{id}"), &member, None).await;
    let gone = refused(&c, Method::GET, &format!("{base}/{id}"), &member, None, 404).await;
    assert_eq!(gone.body["error"]["message"], format!("Could not find Application Credential: {id}."));
    assert_eq!(c.send(Method::POST, TOKENS, None, Some(app_cred_auth(&id, &secret))).await.status, 401);
}

#[tokio::test]
async fn an_application_credential_carries_the_roles_asked_for_and_what_they_imply() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let x = ids(&c);
    // The member's token is older than the grant, as Tempest's is: Keystone revalidates it.
    let member = c.member().await;
    let role = new_role(&c, &admin, "deployer").await;
    ok(&c, Method::PUT, &format!("/identity/v3/projects/{}/users/{}/roles/{role}", x.demo_p, x.demo_u), &admin, None).await;
    let base = format!("/identity/v3/users/{}/application_credentials", x.demo_u);
    let body = json!({"application_credential": {"name": "deploy", "roles": [{"id": role}]}});
    let cred = ok(&c, Method::POST, &base, &member, Some(body)).await["application_credential"].clone();
    let token =
        ok(&c, Method::POST, TOKENS, &member, Some(app_cred_auth(cred["id"].as_str().unwrap(), cred["secret"].as_str().unwrap()))).await;
    assert_eq!(token["token"]["roles"], json!([{"id": role, "name": "deployer"}]));
    let body = json!({"application_credential": {"name": "by-name", "roles": [{"name": "member"}]}});
    let cred = ok(&c, Method::POST, &base, &member, Some(body)).await;
    let names: Vec<&str> =
        cred["application_credential"]["roles"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["member", "reader"]);
    let body = json!({"application_credential": {"name": "greedy", "roles": [{"name": "admin"}]}});
    let r = refused(&c, Method::POST, &base, &member, Some(body), 400).await;
    assert_eq!(r.body["error"]["message"], "Invalid application credential: Cannot create an application credential with unassigned role");
}

#[tokio::test]
async fn an_expiry_is_kept_as_keystone_renders_it_and_refused_in_the_past() {
    let c = TestCloud::start().await;
    let member = c.member().await;
    let x = ids(&c);
    let base = format!("/identity/v3/users/{}/application_credentials", x.demo_u);
    let body = json!({"application_credential": {"name": "short", "expires_at": "2026-01-01T01:00:00.123456"}});
    let cred = ok(&c, Method::POST, &base, &member, Some(body)).await;
    assert_eq!(cred["application_credential"]["expires_at"], "2026-01-01T01:00:00.123456");
    let past = json!({"application_credential": {"name": "stale", "expires_at": "2025-12-31T23:00:00Z"}});
    let r = refused(&c, Method::POST, &base, &member, Some(past), 400).await;
    assert!(r.body["error"]["message"].as_str().unwrap().starts_with("The 'expires_at' must not be before now."));
    let garbled = json!({"application_credential": {"name": "garbled", "expires_at": "soon"}});
    refused(&c, Method::POST, &base, &member, Some(garbled), 400).await;
}

#[tokio::test]
async fn only_the_user_itself_creates_its_application_credentials() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let x = ids(&c);
    let body = json!({"application_credential": {"name": "not-mine"}});
    let r = refused(&c, Method::POST, &format!("/identity/v3/users/{}/application_credentials", x.demo_u), &admin, Some(body), 403).await;
    assert!(r.text.contains("identity:create_application_credential"));
    let restricted = c.running.cloud.world().identity.app_creds[0].id.clone();
    let token = c.send(Method::POST, TOKENS, None, Some(app_cred_auth(&restricted, "demo-ci-secret"))).await;
    let via_cred = token.headers["x-subject-token"].to_str().unwrap().to_string();
    let body = json!({"application_credential": {"name": "chained"}});
    let r =
        refused(&c, Method::POST, &format!("/identity/v3/users/{}/application_credentials", x.demo_u), &via_cred, Some(body), 403).await;
    assert!(r.text.contains("Using method 'application_credential' is not allowed"));
}

#[tokio::test]
async fn access_rules_come_with_credentials_and_go_once_unused() {
    let c = TestCloud::start().await;
    let member = c.member().await;
    let x = ids(&c);
    let rule = json!({"path": "/v2.1/servers/*/ips", "method": "GET", "service": "compute"});
    let body = json!({"application_credential": {"name": "ruled", "access_rules": [rule]}});
    let base = format!("/identity/v3/users/{}/application_credentials", x.demo_u);
    let cred = ok(&c, Method::POST, &base, &member, Some(body)).await["application_credential"].clone();
    let mut shown = cred["access_rules"][0].clone();
    let rule_id = shown.as_object_mut().unwrap().remove("id").unwrap();
    assert_eq!(shown, rule, "exactly what was asked, with an id");
    let rules = format!("/identity/v3/users/{}/access_rules", x.demo_u);
    let listed = ok(&c, Method::GET, &rules, &member, None).await;
    assert_eq!(listed["access_rules"][0]["id"], rule_id);
    let one = format!("{rules}/{}", rule_id.as_str().unwrap());
    assert_eq!(ok(&c, Method::GET, &one, &member, None).await["access_rule"]["service"], "compute");
    let r = refused(&c, Method::DELETE, &one, &member, None, 403).await;
    assert_eq!(r.body["error"]["message"], "May not delete access rule in use");
    ok(&c, Method::DELETE, &format!("{base}/{}", cred["id"].as_str().unwrap()), &member, None).await;
    ok(&c, Method::DELETE, &one, &member, None).await;
    refused(&c, Method::GET, &one, &member, None, 404).await;
    let admin = c.admin().await;
    refused(&c, Method::GET, &rules, &admin, None, 403).await;
}
