//! Keystone v3 over HTTP: shapes, status codes, headers and policy, as upstream Keystone answers.
//! Tokens and the read APIs are here; each resource family, and what deleting or disabling it does,
//! has its own file.

#[path = "../common/mod.rs"]
mod common;
mod helpers;
#[path = "../common/replay.rs"]
mod replay;

mod cli;
mod domains;
mod groups;
mod projects;
mod replay_and_reset;
mod tags;
mod users;

mod app_creds;
mod assignments;
mod catalog;
mod credentials;
mod domain_config;
mod endpoint_filter;
mod policies_and_consumers;
mod replay_identity;
mod revoke;
mod roles;
mod trusts;

use common::{password_auth, Reply, TestCloud};
use reqwest::Method;
use serde_json::{json, Value};

const TOKENS: &str = "/identity/v3/auth/tokens";

/// Fixture ids the tests act on.
pub struct Ids {
    pub demo_u: String,
    pub demo_p: String,
    pub alt_u: String,
    pub alt_p: String,
    pub admin_u: String,
}

pub fn ids(c: &TestCloud) -> Ids {
    let w = c.running.cloud.world();
    let idn = &w.identity;
    let user = |n: &str| idn.user_named(n).unwrap().id.clone();
    let project = |n: &str| idn.project_named(n).unwrap().id.clone();
    Ids { demo_u: user("demo"), demo_p: project("demo"), alt_u: user("alt_demo"), alt_p: project("alt_demo"), admin_u: user("admin") }
}

/// A request that must succeed; its body.
pub async fn ok(c: &TestCloud, method: Method, path: &str, token: &str, body: Option<Value>) -> Value {
    let r = c.send(method.clone(), path, Some(token), body).await;
    assert!((200..300).contains(&r.status), "{method} {path}: {} {}", r.status, r.text);
    r.body
}

/// A request that must be refused with `status`; the refusal.
pub async fn refused(c: &TestCloud, method: Method, path: &str, token: &str, body: Option<Value>, status: u16) -> Reply {
    let r = c.send(method.clone(), path, Some(token), body).await;
    assert_eq!(r.status, status, "{method} {path}: {}", r.text);
    if method != Method::HEAD {
        assert_eq!(r.body["error"]["code"], status, "Keystone's error body: {}", r.text);
    }
    r
}

/// A new global role; its id.
pub async fn new_role(c: &TestCloud, admin: &str, name: &str) -> String {
    ok(c, Method::POST, "/identity/v3/roles", admin, Some(json!({"role": {"name": name}}))).await["role"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A token for `user` scoped to `project` (by id), or the refusal's status.
pub async fn scoped_token(c: &TestCloud, user: &str, password: &str, project_id: &str) -> Result<(String, Value), u16> {
    let mut body = password_auth(user, password, None);
    body["auth"]["scope"] = json!({"project": {"id": project_id}});
    let r = c.send(Method::POST, TOKENS, None, Some(body)).await;
    if r.status != 201 {
        return Err(r.status);
    }
    Ok((r.headers["x-subject-token"].to_str().unwrap().to_string(), r.body))
}

#[tokio::test]
async fn version_documents_are_served_without_a_token() {
    let c = TestCloud::start().await;
    let root = c.get("/identity", None).await;
    assert_eq!(root.status, 300);
    assert_eq!(root.body["versions"]["values"][0]["id"], "v3.14");
    let slash = c.get("/identity/", None).await;
    assert_eq!(slash.status, 300, "gophercloud asks with a trailing slash");
    let v3 = c.get("/identity/v3", None).await;
    assert_eq!(v3.status, 200);
    assert_eq!(v3.body["version"]["status"], "stable");
    assert!(v3.body["version"]["links"][0]["href"].as_str().unwrap().ends_with("/identity/v3/"));
}

#[tokio::test]
async fn token_issue_returns_the_keystone_body_and_header() {
    let c = TestCloud::start().await;
    let r = c.send(Method::POST, TOKENS, None, Some(password_auth("admin", "admin-secret", Some("admin")))).await;
    assert_eq!(r.status, 201);
    let id = r.headers["x-subject-token"].to_str().unwrap();
    assert!(id.starts_with("gAAAAA"));
    let t = &r.body["token"];
    assert_eq!(t["methods"], json!(["password"]));
    assert_eq!(t["user"]["name"], "admin");
    assert_eq!(t["user"]["domain"], json!({"id": "default", "name": "Default"}));
    assert_eq!(t["project"]["name"], "admin");
    assert_eq!(t["is_domain"], false);
    assert_eq!(t["issued_at"], "2026-01-01T00:00:00.000000Z");
    assert_eq!(t["expires_at"], "2026-01-01T01:00:00.000000Z");
    assert_eq!(t["audit_ids"].as_array().unwrap().len(), 1);
    let roles: Vec<&str> = t["roles"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(roles, ["admin", "manager", "member", "reader"]);
    let catalog = t["catalog"].as_array().unwrap();
    let identity = catalog.iter().find(|s| s["type"] == "identity").unwrap();
    let interfaces: Vec<&str> = identity["endpoints"].as_array().unwrap().iter().map(|e| e["interface"].as_str().unwrap()).collect();
    assert_eq!(interfaces, ["public", "internal", "admin"]);
    assert_eq!(identity["endpoints"][0]["region_id"], "RegionOne");
    let volume = catalog.iter().find(|s| s["type"] == "block-storage").unwrap();
    let project_id = t["project"]["id"].as_str().unwrap();
    assert!(volume["endpoints"][0]["url"].as_str().unwrap().ends_with(&format!("/volume/v3/{project_id}")));
}

#[tokio::test]
async fn nocatalog_leaves_the_catalog_out() {
    let c = TestCloud::start().await;
    let r = c.send(Method::POST, &format!("{TOKENS}?nocatalog"), None, Some(password_auth("admin", "admin-secret", Some("admin")))).await;
    assert_eq!(r.status, 201);
    assert!(r.body["token"].get("catalog").is_none());
}

#[tokio::test]
async fn wrong_password_is_a_keystone_401() {
    let c = TestCloud::start().await;
    let r = c.send(Method::POST, TOKENS, None, Some(password_auth("admin", "nope", Some("admin")))).await;
    assert_eq!(r.status, 401);
    assert_eq!(
        r.body,
        json!({"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}})
    );
    assert!(r.headers["www-authenticate"].to_str().unwrap().starts_with("Keystone uri="));
}

#[tokio::test]
async fn unscoped_and_system_tokens_have_their_own_shape() {
    let c = TestCloud::start().await;
    let mut body = password_auth("admin", "admin-secret", None);
    body["auth"]["scope"] = json!("unscoped");
    let r = c.send(Method::POST, TOKENS, None, Some(body)).await;
    assert_eq!(r.status, 201);
    assert!(r.body["token"].get("catalog").is_none() && r.body["token"].get("project").is_none());
    let mut body = password_auth("admin", "admin-secret", None);
    body["auth"]["scope"] = json!({"system": {"all": true}});
    let r = c.send(Method::POST, TOKENS, None, Some(body)).await;
    assert_eq!(r.status, 201);
    assert_eq!(r.body["token"]["system"], json!({"all": true}));
    let catalog = r.body["token"]["catalog"].as_array().unwrap();
    assert!(catalog.iter().all(|s| s["type"] != "block-storage"), "project-templated endpoints are dropped without a project");
}

#[tokio::test]
async fn validation_echoes_the_subject_and_404s_unknown_tokens() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let member = c.member().await;
    let ok = c.http.get(c.url(TOKENS)).header("X-Auth-Token", &admin).header("X-Subject-Token", &member).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["x-subject-token"].to_str().unwrap(), member);
    let body: serde_json::Value = ok.json().await.unwrap();
    assert_eq!(body["token"]["user"]["name"], "demo");
    let head = c.http.head(c.url(TOKENS)).header("X-Auth-Token", &admin).header("X-Subject-Token", &member).send().await.unwrap();
    assert_eq!(head.status(), 200);
    let missing = c.http.get(c.url(TOKENS)).header("X-Auth-Token", &admin).header("X-Subject-Token", "gAAAAAnope").send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["message"], "Could not find token: gAAAAAnope.");
}

#[tokio::test]
async fn a_member_may_validate_its_own_token_but_not_another_users() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let member = c.member().await;
    let own = c.http.get(c.url(TOKENS)).header("X-Auth-Token", &member).header("X-Subject-Token", &member).send().await.unwrap();
    assert_eq!(own.status(), 200);
    let other = c.http.get(c.url(TOKENS)).header("X-Auth-Token", &member).header("X-Subject-Token", &admin).send().await.unwrap();
    assert_eq!(other.status(), 403);
}

#[tokio::test]
async fn revoked_tokens_stop_working() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let victim = c.member().await;
    let del = c.http.delete(c.url(TOKENS)).header("X-Auth-Token", &admin).header("X-Subject-Token", &victim).send().await.unwrap();
    assert_eq!(del.status(), 204);
    assert_eq!(c.get("/identity/v3/auth/projects", Some(&victim)).await.status, 401);
    let again = c.http.delete(c.url(TOKENS)).header("X-Auth-Token", &admin).header("X-Subject-Token", &victim).send().await.unwrap();
    assert_eq!(again.status(), 404);
}

#[tokio::test]
async fn tokens_expire_on_the_virtual_clock() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let advance = |by: &'static str| c.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({ "by": by })));
    assert_eq!(advance("3599s").await.status, 200);
    assert_eq!(c.get("/identity/v3/projects", Some(&admin)).await.status, 200);
    assert_eq!(advance("1s").await.status, 200);
    let r = c.get("/identity/v3/projects", Some(&admin)).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.body["error"]["code"], 401);
}

#[tokio::test]
async fn application_credentials_authenticate_by_id_and_by_name() {
    let c = TestCloud::start().await;
    let cred_id = c.running.cloud.world().identity.app_creds[0].id.clone();
    let by_id = json!({"auth": {"identity": {"methods": ["application_credential"],
        "application_credential": {"id": cred_id, "secret": "demo-ci-secret"}}}});
    let r = c.send(Method::POST, TOKENS, None, Some(by_id.clone())).await;
    assert_eq!(r.status, 201);
    assert_eq!(r.body["token"]["application_credential"]["name"], "demo-ci");
    assert_eq!(r.body["token"]["project"]["name"], "demo");
    let by_name = json!({"auth": {"identity": {"methods": ["application_credential"],
        "application_credential": {"name": "demo-ci", "secret": "demo-ci-secret", "user": {"name": "demo", "domain": {"name": "Default"}}}}}});
    assert_eq!(c.send(Method::POST, TOKENS, None, Some(by_name)).await.status, 201);
    let mut scoped = by_id;
    scoped["auth"]["scope"] = json!({"project": {"name": "demo", "domain": {"name": "Default"}}});
    assert_eq!(c.send(Method::POST, TOKENS, None, Some(scoped)).await.status, 401, "an application credential refuses an explicit scope");
}

#[tokio::test]
async fn list_filters_match_exactly() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let r = c.get("/identity/v3/projects?name=demo", Some(&admin)).await;
    let names: Vec<&str> = r.body["projects"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["demo"]);
    assert!(r.body["links"]["self"].as_str().unwrap().ends_with("/identity/v3/projects"));
    let r = c.get("/identity/v3/endpoints?interface=public", Some(&admin)).await;
    assert!(r.body["endpoints"].as_array().unwrap().iter().all(|e| e["interface"] == "public"));
    let r = c.get("/identity/v3/services?type=compute", Some(&admin)).await;
    assert_eq!(r.body["services"].as_array().unwrap().len(), 1);
    let r = c.get("/identity/v3/role_assignments?effective&include_names", Some(&admin)).await;
    let demo_roles: Vec<&str> = r.body["role_assignments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["user"]["name"] == "demo")
        .map(|a| a["role"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(demo_roles, ["member", "reader"], "effective assignments expand implied roles");
}

#[tokio::test]
async fn missing_resources_are_keystone_404s() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    for (path, kind) in [
        ("projects", "project"),
        ("users", "user"),
        ("roles", "role"),
        ("domains", "domain"),
        ("services", "service"),
        ("endpoints", "endpoint"),
        ("regions", "region"),
    ] {
        let r = c.get(&format!("/identity/v3/{path}/nope"), Some(&admin)).await;
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.body["error"]["message"], format!("Could not find {kind}: nope."));
    }
}

#[tokio::test]
async fn members_reach_their_own_things_only() {
    let c = TestCloud::start().await;
    let member = c.member().await;
    let (demo_project, demo_user, alt_project) = {
        let w = c.running.cloud.world();
        (
            w.identity.project_named("demo").unwrap().id.clone(),
            w.identity.user_named("demo").unwrap().id.clone(),
            w.identity.project_named("alt_demo").unwrap().id.clone(),
        )
    };
    assert_eq!(c.get(&format!("/identity/v3/projects/{demo_project}"), Some(&member)).await.status, 200);
    assert_eq!(c.get(&format!("/identity/v3/projects/{alt_project}"), Some(&member)).await.status, 403);
    assert_eq!(c.get(&format!("/identity/v3/users/{demo_user}"), Some(&member)).await.status, 200);
    let creds = c.get(&format!("/identity/v3/users/{demo_user}/application_credentials"), Some(&member)).await;
    assert_eq!(creds.body["application_credentials"][0]["name"], "demo-ci");
    assert!(creds.body["application_credentials"][0].get("secret").is_none(), "secrets are never shown");
    let mine = c.get("/identity/v3/auth/projects", Some(&member)).await;
    let names: Vec<&str> = mine.body["projects"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["demo"]);
    let catalog = c.get("/identity/v3/auth/catalog", Some(&member)).await;
    assert_eq!(catalog.status, 200);
    assert!(!catalog.body["catalog"].as_array().unwrap().is_empty());
}

/// Every admin-only identity route: admin 200, member 403 with Keystone's message naming the rule.
#[tokio::test]
async fn admin_only_routes_refuse_members() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let member = c.member().await;
    let routes = [
        ("/identity/v3/projects", "identity:list_projects"),
        ("/identity/v3/users", "identity:list_users"),
        ("/identity/v3/roles", "identity:list_roles"),
        ("/identity/v3/role_assignments", "identity:list_role_assignments"),
        ("/identity/v3/domains", "identity:list_domains"),
        ("/identity/v3/services", "identity:list_services"),
        ("/identity/v3/endpoints", "identity:list_endpoints"),
    ];
    for (path, rule) in routes {
        assert_eq!(c.get(path, Some(&admin)).await.status, 200, "admin on {path}");
        let r = c.get(path, Some(&member)).await;
        assert_eq!(r.status, 403, "member on {path}");
        assert_eq!(r.body["error"]["message"], format!("You are not authorized to perform the requested action: {rule}."));
    }
    assert_eq!(c.get("/identity/v3/regions", Some(&member)).await.status, 200, "regions are readable by anyone authenticated");
    let own = c.get("/identity/v3/domains/default", Some(&member)).await;
    assert_eq!((own.status, &own.body["domain"]["id"]), (200, &serde_json::json!("default")), "a member reads its project's domain");
}
