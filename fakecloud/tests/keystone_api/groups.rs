//! `/v3/groups`: shapes, names, membership from both sides, and what a membership's end does.

use crate::helpers::{ids, names, project_scope, Ks};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_group_is_created_updated_listed_and_deleted() {
    let k = Ks::start().await;
    let g = k.create("/groups", "group", json!({"name": "ops", "purpose": "on call"})).await;
    let id = g["id"].as_str().unwrap().to_string();
    assert_eq!((&g["domain_id"], &g["description"], &g["purpose"]), (&json!("default"), &json!(""), &json!("on call")));
    assert!(g["links"]["self"].as_str().unwrap().ends_with(&format!("/identity/v3/groups/{id}")));
    assert_eq!(k.get(&format!("/groups/{id}")).await.body["group"], g);
    let r = k.admin(Method::PATCH, &format!("/groups/{id}"), Some(json!({"group": {"name": "ops2", "description": "d"}}))).await;
    assert_eq!((&r.body["group"]["name"], &r.body["group"]["description"]), (&json!("ops2"), &json!("d")));
    assert_eq!(names(&k.get("/groups?name=ops2").await, "groups"), ["ops2"]);
    assert_eq!(names(&k.get("/groups?domain_id=nowhere").await, "groups"), Vec::<String>::new());
    let r = k.admin(Method::POST, "/groups", Some(json!({"group": {"name": "ops2"}}))).await;
    assert_eq!(r.status, 409);
    assert_eq!(
        r.body["error"]["message"],
        "Conflict occurred attempting to store group - Duplicate entry found with name ops2 at domain ID default."
    );
    let r = k.admin(Method::POST, "/groups", Some(json!({"group": {"name": "x", "domain_id": "nowhere"}}))).await;
    assert_eq!((r.status, r.body["error"]["message"].as_str().unwrap()), (404, "Could not find domain: nowhere."));
    assert_eq!(k.admin(Method::DELETE, &format!("/groups/{id}"), None).await.status, 204);
    let r = k.get(&format!("/groups/{id}")).await;
    assert_eq!((r.status, r.body["error"]["message"].as_str().unwrap()), (404, format!("Could not find group: {id}.").as_str()));
}

#[tokio::test]
async fn members_are_added_listed_checked_and_removed_from_both_sides() {
    let k = Ks::start().await;
    let g = k.create("/groups", "group", json!({"name": "ops"})).await;
    let gid = g["id"].as_str().unwrap().to_string();
    let u = k.create("/users", "user", json!({"name": "ann", "password": "p"})).await;
    let uid = u["id"].as_str().unwrap().to_string();
    let member = format!("/groups/{gid}/users/{uid}");
    assert_eq!(k.admin(Method::PUT, &member, None).await.status, 204);
    assert_eq!(k.admin(Method::PUT, &member, None).await.status, 204, "adding twice is not an error");
    assert_eq!(k.get(&format!("/groups/{gid}/users")).await.body["users"], json!([u]), "members show as users are shown");
    let head = k.c.http.head(k.c.url(&format!("/identity/v3{member}"))).header("X-Auth-Token", &k.admin).send().await.unwrap();
    assert_eq!(head.status(), 204);
    let mut listed = k.get(&format!("/users/{uid}/groups")).await.body["groups"][0].clone();
    assert_eq!(listed["membership_expires_at"], json!(null));
    listed.as_object_mut().unwrap().remove("membership_expires_at");
    assert_eq!(listed, g);
    assert_eq!(k.admin(Method::DELETE, &member, None).await.status, 204);
    let r = k.admin(Method::DELETE, &member, None).await;
    assert_eq!(
        (r.status, r.body["error"]["message"].as_str().unwrap()),
        (404, format!("User '{uid}' not found in group '{gid}'").as_str())
    );
    assert_eq!(k.get(&format!("/groups/{gid}/users/{uid}")).await.status, 404);
    let r = k.admin(Method::PUT, &format!("/groups/{gid}/users/nope"), None).await;
    assert_eq!((r.status, r.body["error"]["message"].as_str().unwrap()), (404, "Could not find user: nope."));
    let r = k.admin(Method::PUT, &format!("/groups/nope/users/{uid}"), None).await;
    assert_eq!((r.status, r.body["error"]["message"].as_str().unwrap()), (404, "Could not find group: nope."));
    assert_eq!(k.get("/users/nope/groups").await.status, 404);
}

#[tokio::test]
async fn leaving_a_group_revokes_the_users_tokens_and_deleting_a_group_ends_its_memberships() {
    let k = Ks::start().await;
    let demo = k.user_id("demo");
    let g = k.create("/groups", "group", json!({"name": "ops"})).await["id"].as_str().unwrap().to_string();
    k.admin(Method::PUT, &format!("/groups/{g}/users/{demo}"), None).await;
    let member = k.token_of("demo", "demo-secret", Some(project_scope("demo"))).await;
    k.admin(Method::DELETE, &format!("/groups/{g}/users/{demo}"), None).await;
    assert_eq!(k.validate(&member).await, 404);
    k.admin(Method::PUT, &format!("/groups/{g}/users/{demo}"), None).await;
    assert_eq!(k.admin(Method::DELETE, &format!("/groups/{g}"), None).await.status, 204);
    assert_eq!(k.get(&format!("/users/{demo}/groups")).await.body["groups"], json!([]));
}

#[tokio::test]
async fn a_user_reads_its_own_groups_but_groups_are_for_admins_and_readers() {
    let k = Ks::start().await;
    let (demo, alt) = (k.user_id("demo"), k.user_id("alt_demo"));
    let g = k.create("/groups", "group", json!({"name": "ops"})).await["id"].as_str().unwrap().to_string();
    k.admin(Method::PUT, &format!("/groups/{g}/users/{demo}"), None).await;
    let member = k.token_of("demo", "demo-secret", Some(project_scope("demo"))).await;
    assert_eq!(ids(&k.call(Method::GET, &format!("/users/{demo}/groups"), Some(&member), None).await, "groups"), std::slice::from_ref(&g));
    assert_eq!(k.call(Method::GET, &format!("/users/{alt}/groups"), Some(&member), None).await.status, 403);
    for path in ["/groups".to_string(), format!("/groups/{g}"), format!("/groups/{g}/users"), format!("/groups/{g}/users/{demo}")] {
        assert_eq!(k.call(Method::GET, &path, Some(&member), None).await.status, 403, "{path}");
    }
    let r = k.call(Method::PUT, &format!("/groups/{g}/users/{alt}"), Some(&member), None).await;
    assert_eq!(r.body["error"]["message"], "You are not authorized to perform the requested action: identity:add_user_to_group.");
}

#[tokio::test]
async fn a_member_gets_the_groups_project_role_in_a_new_token_and_loses_it_when_removed() {
    let k = Ks::start().await;
    let p = k.create("/projects", "project", json!({"name": "ops-work"})).await["id"].as_str().unwrap().to_string();
    let ann = k.create("/users", "user", json!({"name": "ann", "password": "ann-secret"})).await["id"].as_str().unwrap().to_string();
    let g = k.create("/groups", "group", json!({"name": "ops"})).await["id"].as_str().unwrap().to_string();
    let member = ids(&k.get("/roles?name=member").await, "roles").remove(0);
    assert_eq!(k.admin(Method::PUT, &format!("/projects/{p}/groups/{g}/roles/{member}"), None).await.status, 204);
    assert_eq!(k.login("ann", "ann-secret", Some(project_scope("ops-work"))).await.status, 401, "no role before joining");

    assert_eq!(k.admin(Method::PUT, &format!("/groups/{g}/users/{ann}"), None).await.status, 204);
    let r = k.login("ann", "ann-secret", Some(project_scope("ops-work"))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let mut roles: Vec<&str> = r.body["token"]["roles"].as_array().unwrap().iter().map(|x| x["name"].as_str().unwrap()).collect();
    roles.sort();
    assert_eq!(roles, ["member", "reader"], "the group's role and what it implies");
    let token = r.headers["x-subject-token"].to_str().unwrap().to_string();
    let effective = k.get(&format!("/role_assignments?effective&user.id={ann}&scope.project.id={p}")).await;
    assert_eq!(
        effective.body["role_assignments"][0]["links"]["membership"].as_str().map(|l| l.ends_with(&format!("/groups/{g}/users/{ann}"))),
        Some(true)
    );

    assert_eq!(k.admin(Method::DELETE, &format!("/groups/{g}/users/{ann}"), None).await.status, 204);
    assert_eq!(k.validate(&token).await, 404, "the member's tokens are revoked");
    let events = k.get("/OS-REVOKE/events").await;
    assert!(events.body["events"].as_array().unwrap().iter().any(|e| e["user_id"] == json!(ann)), "{}", events.text);
    assert_eq!(k.login("ann", "ann-secret", Some(project_scope("ops-work"))).await.status, 401, "no role after leaving");
}
