//! Grants on projects, domains and the system, OS-INHERIT grants, `GET /v3/role_assignments` with
//! its filters and effective mode, and the tokens that follow from them.

use crate::common::TestCloud;
use crate::{ids, new_role, ok, refused, scoped_token};
use reqwest::Method;
use serde_json::{json, Value};

fn role_ids(list: &Value, key: &str) -> Vec<String> {
    list[key].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn user_grants_on_a_project_a_domain_and_the_system_are_made_listed_checked_and_revoked() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let x = ids(&c);
    let role = new_role(&c, &admin, "granted").await;
    for target in [format!("projects/{}", x.alt_p), "domains/default".to_string(), "system".to_string()] {
        let list = format!("/identity/v3/{target}/users/{}/roles", x.alt_u);
        let one = format!("{list}/{role}");
        assert_eq!(c.send(Method::PUT, &one, Some(&admin), None).await.status, 204, "{target}");
        assert!(role_ids(&ok(&c, Method::GET, &list, &admin, None).await, "roles").contains(&role), "{target}");
        assert_eq!(c.send(Method::HEAD, &one, Some(&admin), None).await.status, 204, "{target}");
        assert_eq!(c.send(Method::GET, &one, Some(&admin), None).await.status, 204, "{target}");
        assert_eq!(c.send(Method::DELETE, &one, Some(&admin), None).await.status, 204, "{target}");
        let gone = refused(&c, Method::GET, &one, &admin, None, 404).await;
        assert!(gone.body["error"]["message"].as_str().unwrap().starts_with(&format!("Could not find role assignment with role: {role}")));
        refused(&c, Method::DELETE, &one, &admin, None, 404).await;
    }
}

#[tokio::test]
async fn a_grant_names_a_role_user_and_target_that_exist() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let x = ids(&c);
    let role = new_role(&c, &admin, "granted").await;
    let cases = [
        (format!("/identity/v3/projects/{}/users/{}/roles/nope", x.alt_p, x.alt_u), "Could not find role: nope."),
        (format!("/identity/v3/projects/{}/users/nope/roles/{role}", x.alt_p), "Could not find user: nope."),
        (format!("/identity/v3/projects/nope/users/{}/roles/{role}", x.alt_u), "Could not find project: nope."),
        (format!("/identity/v3/domains/nope/users/{}/roles/{role}", x.alt_u), "Could not find domain: nope."),
    ];
    for (path, message) in cases {
        let r = refused(&c, Method::PUT, &path, &admin, None, 404).await;
        assert_eq!(r.body["error"]["message"], message);
    }
}

#[tokio::test]
async fn a_project_grant_lets_the_user_scope_a_token_there_and_its_revocation_stops_that() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let x = ids(&c);
    assert_eq!(scoped_token(&c, "alt_demo", "alt-demo-secret", &x.demo_p).await.unwrap_err(), 401);
    let role = new_role(&c, &admin, "visitor").await;
    let grant = format!("/identity/v3/projects/{}/users/{}/roles/{role}", x.demo_p, x.alt_u);
    ok(&c, Method::PUT, &grant, &admin, None).await;
    let (_, body) = scoped_token(&c, "alt_demo", "alt-demo-secret", &x.demo_p).await.unwrap();
    assert_eq!(role_ids(&body["token"], "roles"), vec![role]);
    ok(&c, Method::DELETE, &grant, &admin, None).await;
    assert_eq!(scoped_token(&c, "alt_demo", "alt-demo-secret", &x.demo_p).await.unwrap_err(), 401);
}

#[tokio::test]
async fn implied_roles_reach_the_effective_list_and_the_token() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let x = ids(&c);
    let (prior, implied) = (new_role(&c, &admin, "prior").await, new_role(&c, &admin, "implied").await);
    ok(&c, Method::PUT, &format!("/identity/v3/projects/{}/users/{}/roles/{prior}", x.demo_p, x.alt_u), &admin, None).await;
    ok(&c, Method::PUT, &format!("/identity/v3/roles/{prior}/implies/{implied}"), &admin, None).await;
    let q = format!("/identity/v3/role_assignments?effective&scope.project.id={}&user.id={}", x.demo_p, x.alt_u);
    let listed = ok(&c, Method::GET, &q, &admin, None).await;
    let mut roles: Vec<String> =
        listed["role_assignments"].as_array().unwrap().iter().map(|a| a["role"]["id"].as_str().unwrap().to_string()).collect();
    roles.sort();
    let mut want = vec![prior.clone(), implied.clone()];
    want.sort();
    assert_eq!(roles, want);
    let via = listed["role_assignments"].as_array().unwrap().iter().find(|a| a["role"]["id"] == implied.as_str()).unwrap();
    assert!(via["links"]["assignment"].as_str().unwrap().ends_with(&format!("/projects/{}/users/{}/roles/{prior}", x.demo_p, x.alt_u)));
    assert!(via["links"]["prior_role"].is_string());
    let (_, token) = scoped_token(&c, "alt_demo", "alt-demo-secret", &x.demo_p).await.unwrap();
    assert_eq!(role_ids(&token["token"], "roles").len(), 2);
    ok(&c, Method::DELETE, &format!("/identity/v3/roles/{prior}/implies/{implied}"), &admin, None).await;
    assert_eq!(ok(&c, Method::GET, &q, &admin, None).await["role_assignments"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_domain_role_only_implies_and_never_shows_in_effective_lists() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let x = ids(&c);
    let body = json!({"role": {"name": "local", "domain_id": "default"}});
    let local = ok(&c, Method::POST, "/identity/v3/roles", &admin, Some(body)).await["role"]["id"].as_str().unwrap().to_string();
    ok(&c, Method::PUT, &format!("/identity/v3/projects/{}/users/{}/roles/{local}", x.demo_p, x.alt_u), &admin, None).await;
    let q = format!("/identity/v3/role_assignments?effective&scope.project.id={}&user.id={}", x.demo_p, x.alt_u);
    assert_eq!(ok(&c, Method::GET, &q, &admin, None).await["role_assignments"], json!([]));
    let global = new_role(&c, &admin, "global").await;
    ok(&c, Method::PUT, &format!("/identity/v3/roles/{local}/implies/{global}"), &admin, None).await;
    let listed = ok(&c, Method::GET, &q, &admin, None).await;
    assert_eq!(listed["role_assignments"][0]["role"]["id"], global.as_str());
    let other_domain = json!({"role": {"name": "far", "domain_id": "elsewhere"}});
    let far = ok(&c, Method::POST, "/identity/v3/roles", &admin, Some(other_domain)).await["role"]["id"].as_str().unwrap().to_string();
    let r = refused(&c, Method::PUT, &format!("/identity/v3/projects/{}/users/{}/roles/{far}", x.demo_p, x.alt_u), &admin, None, 403).await;
    assert_eq!(r.body["error"]["message"], format!("Project {} must be in the same domain as the role {far} being assigned.", x.demo_p));
}

#[tokio::test]
async fn a_domain_inherited_grant_acts_on_every_project_of_the_domain() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let x = ids(&c);
    let role = new_role(&c, &admin, "everywhere").await;
    let base = format!("/identity/v3/OS-INHERIT/domains/default/users/{}/roles", x.alt_u);
    let one = format!("{base}/{role}/inherited_to_projects");
    assert_eq!(c.send(Method::PUT, &one, Some(&admin), None).await.status, 204);
    assert_eq!(c.send(Method::HEAD, &one, Some(&admin), None).await.status, 204);
    assert_eq!(role_ids(&ok(&c, Method::GET, &format!("{base}/inherited_to_projects"), &admin, None).await, "roles"), vec![role.clone()]);
    let direct = ok(&c, Method::GET, &format!("/identity/v3/domains/default/users/{}/roles", x.alt_u), &admin, None).await;
    assert_eq!(direct["roles"], json!([]), "an inherited grant is not a grant on the domain");
    let q = format!("/identity/v3/role_assignments?effective&scope.project.id={}&user.id={}", x.demo_p, x.alt_u);
    let listed = ok(&c, Method::GET, &q, &admin, None).await;
    let a = &listed["role_assignments"][0];
    assert_eq!(a["scope"]["OS-INHERIT:inherited_to"], "projects");
    assert!(a["links"]["assignment"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/OS-INHERIT/domains/default/users/{}/roles/{role}/inherited_to_projects", x.alt_u)));
    assert!(scoped_token(&c, "alt_demo", "alt-demo-secret", &x.demo_p).await.is_ok());
    let stored = ok(
        &c,
        Method::GET,
        &format!("/identity/v3/role_assignments?scope.OS-INHERIT:inherited_to=projects&user.id={}", x.alt_u),
        &admin,
        None,
    )
    .await;
    assert_eq!(stored["role_assignments"][0]["scope"]["domain"]["id"], "default");
    ok(&c, Method::DELETE, &one, &admin, None).await;
    assert_eq!(ok(&c, Method::GET, &q, &admin, None).await["role_assignments"], json!([]));
}

#[tokio::test]
async fn a_project_inherited_grant_is_checked_and_revoked_without_acting_on_the_project() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let x = ids(&c);
    let role = new_role(&c, &admin, "below").await;
    let one = format!("/identity/v3/OS-INHERIT/projects/{}/users/{}/roles/{role}/inherited_to_projects", x.demo_p, x.alt_u);
    ok(&c, Method::PUT, &one, &admin, None).await;
    assert_eq!(c.send(Method::HEAD, &one, Some(&admin), None).await.status, 204);
    assert_eq!(scoped_token(&c, "alt_demo", "alt-demo-secret", &x.demo_p).await.unwrap_err(), 401, "only projects below inherit it");
    ok(&c, Method::DELETE, &one, &admin, None).await;
    refused(&c, Method::HEAD, &one, &admin, None, 404).await;
}

#[tokio::test]
async fn group_grants_are_kept_by_group_id_and_named_with_the_group() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let x = ids(&c);
    let role = new_role(&c, &admin, "team").await;
    let made = ok(&c, Method::POST, "/identity/v3/groups", &admin, Some(json!({"group": {"name": "team-group"}}))).await;
    let group = made["group"]["id"].as_str().unwrap();
    let gone = "0123456789abcdef0123456789abcdef";
    let r = c.send(Method::PUT, &format!("/identity/v3/projects/{}/groups/{gone}/roles/{role}", x.demo_p), Some(&admin), None).await;
    assert_eq!(r.status, 404, "a group that does not exist gets no grant");
    for target in [format!("projects/{}", x.demo_p), "domains/default".to_string(), "system".to_string()] {
        let one = format!("/identity/v3/{target}/groups/{group}/roles/{role}");
        ok(&c, Method::PUT, &one, &admin, None).await;
        assert_eq!(c.send(Method::HEAD, &one, Some(&admin), None).await.status, 204);
    }
    let listed = ok(&c, Method::GET, &format!("/identity/v3/role_assignments?group.id={group}&include_names"), &admin, None).await;
    let all = listed["role_assignments"].as_array().unwrap();
    assert_eq!(all.len(), 3);
    assert!(all.iter().all(|a| a["group"]["id"] == group && a["group"]["name"] == "team-group" && a["role"]["name"] == "team"));
    assert!(all.iter().any(|a| a["scope"]["system"] == json!({"all": true})));
    assert!(all[0]["links"]["assignment"].as_str().unwrap().ends_with(&format!("/groups/{group}/roles/{role}")));
}

#[tokio::test]
async fn role_assignment_filters_that_cannot_match_are_refused() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let cases = [
        ("scope.project.id=a&scope.domain.id=b", "Specify a domain or project, not both"),
        ("scope.domain.id=b&scope.system=all", "Specify system or domain, not both"),
        ("scope.project.id=a&scope.system=all", "Specify system or project, not both"),
        ("user.id=a&group.id=b", "Specify a user or group, not both"),
        ("effective&group.id=b", "Combining effective and group filter will always result in an empty list."),
        (
            "effective&scope.domain.id=b&scope.OS-INHERIT:inherited_to=projects",
            "Combining effective, domain and inherited filters will always result in an empty list.",
        ),
        ("include_subtree", "scope.project.id must be specified if include_subtree is also specified"),
    ];
    for (q, message) in cases {
        let r = refused(&c, Method::GET, &format!("/identity/v3/role_assignments?{q}"), &admin, None, 400).await;
        assert_eq!(r.body["error"]["message"], message, "{q}");
    }
}

#[tokio::test]
async fn role_assignments_filter_by_scope_role_and_user_and_name_what_they_show() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let x = ids(&c);
    let system = ok(&c, Method::GET, "/identity/v3/role_assignments?scope.system=all", &admin, None).await;
    assert!(system["role_assignments"].as_array().unwrap().iter().all(|a| a["scope"]["system"]["all"] == true));
    let demo =
        ok(&c, Method::GET, &format!("/identity/v3/role_assignments?scope.project.id={}&include_names", x.demo_p), &admin, None).await;
    let a = demo["role_assignments"].as_array().unwrap().iter().find(|a| a["user"]["id"] == x.demo_u.as_str()).unwrap();
    assert_eq!(a["user"]["name"], "demo");
    assert_eq!(a["user"]["domain"], json!({"id": "default", "name": "Default"}));
    assert_eq!(a["scope"]["project"]["name"], "demo");
    assert_eq!(a["role"]["name"], "member");
    let effective_system =
        ok(&c, Method::GET, &format!("/identity/v3/role_assignments?effective&user.id={}", x.admin_u), &admin, None).await;
    assert!(
        effective_system["role_assignments"].as_array().unwrap().iter().all(|a| a["scope"].get("system").is_none()),
        "effective mode leaves system grants out, as Keystone does"
    );
}

#[tokio::test]
async fn auth_projects_and_domains_follow_effective_grants() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let x = ids(&c);
    let role = new_role(&c, &admin, "visitor").await;
    ok(&c, Method::PUT, &format!("/identity/v3/projects/{}/users/{}/roles/{role}", x.demo_p, x.alt_u), &admin, None).await;
    ok(&c, Method::PUT, &format!("/identity/v3/domains/default/users/{}/roles/{role}", x.alt_u), &admin, None).await;
    let alt = c.token("alt_demo", "alt-demo-secret", "alt_demo").await;
    let projects = ok(&c, Method::GET, "/identity/v3/auth/projects", &alt, None).await;
    let mut names: Vec<&str> = projects["projects"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["alt_demo", "demo"]);
    let domains = ok(&c, Method::GET, "/identity/v3/auth/domains", &alt, None).await;
    assert_eq!(domains["domains"][0]["id"], "default");
}

#[tokio::test]
async fn members_may_not_grant() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let member = c.member().await;
    let x = ids(&c);
    let role = new_role(&c, &admin, "wanted").await;
    let r =
        refused(&c, Method::PUT, &format!("/identity/v3/projects/{}/users/{}/roles/{role}", x.demo_p, x.demo_u), &member, None, 403).await;
    assert!(r.text.contains("identity:create_grant"));
    let r = refused(&c, Method::PUT, &format!("/identity/v3/system/users/{}/roles/{role}", x.demo_u), &member, None, 403).await;
    assert!(r.text.contains("identity:create_system_grant_for_user"));
}

#[tokio::test]
async fn grants_reach_tokens_already_issued_as_keystone_revalidates_them() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let x = ids(&c);
    let alt = c.token("alt_demo", "alt-demo-secret", "alt_demo").await;
    let role = new_role(&c, &admin, "late").await;
    ok(&c, Method::PUT, &format!("/identity/v3/projects/{}/users/{}/roles/{role}", x.alt_p, x.alt_u), &admin, None).await;
    let validate = || c.http.get(c.url(crate::TOKENS)).header("X-Auth-Token", &admin).header("X-Subject-Token", &alt).send();
    let body: Value = validate().await.unwrap().json().await.unwrap();
    assert!(role_ids(&body["token"], "roles").contains(&role), "the new role is in the token issued before it");
    let member = c.running.cloud.world().identity.role_named("member").unwrap().id.clone();
    for r in [&role, &member] {
        ok(&c, Method::DELETE, &format!("/identity/v3/projects/{}/users/{}/roles/{r}", x.alt_p, x.alt_u), &admin, None).await;
    }
    assert_eq!(validate().await.unwrap().status(), 404, "a token without roles on its project no longer validates");
    assert_eq!(c.get("/compute/v2.1/flavors", Some(&alt)).await.status, 401);
    ok(&c, Method::PUT, &format!("/identity/v3/projects/{}/users/{}/roles/{member}", x.alt_p, x.alt_u), &admin, None).await;
    assert_eq!(c.get("/compute/v2.1/flavors", Some(&alt)).await.status, 200, "and works again once it has one");
}
