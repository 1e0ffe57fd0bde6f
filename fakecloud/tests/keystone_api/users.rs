//! `/v3/users`: shapes, names, passwords (an admin's reset and the user's own change), list
//! filters, and what a user's delete or disable does to its tokens, grants and groups.

use crate::helpers::{fixture_with_readers, ids, names, project_scope, Ks};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_user_keeps_its_extra_attributes_and_never_shows_its_password() {
    let k = Ks::start().await;
    let demo = k.project_id("demo");
    let u = k
        .create(
            "/users",
            "user",
            json!({"name": "ann", "password": "s3cret", "email": "ann@x", "description": "d", "project_id": demo, "enabled": false}),
        )
        .await;
    let id = u["id"].as_str().unwrap().to_string();
    assert!(u.get("password").is_none(), "{u}");
    assert_eq!(
        (&u["domain_id"], &u["enabled"], &u["password_expires_at"], &u["options"]),
        (&json!("default"), &json!(false), &json!(null), &json!({}))
    );
    assert_eq!((&u["email"], &u["description"], &u["project_id"]), (&json!("ann@x"), &json!("d"), &json!(demo)));
    assert!(u.get("default_project_id").is_none(), "shown only when set");
    assert_eq!(k.get(&format!("/users/{id}")).await.body["user"], u);
    let r = k
        .admin(
            Method::PATCH,
            &format!("/users/{id}"),
            Some(json!({"user": {"name": "ann2", "email": "e2", "default_project_id": demo, "enabled": true}})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (&r.body["user"]["name"], &r.body["user"]["email"], &r.body["user"]["default_project_id"]),
        (&json!("ann2"), &json!("e2"), &json!(demo))
    );
    assert_eq!(r.body["user"]["description"], "d");
}

#[tokio::test]
async fn user_names_are_unique_within_a_domain_and_the_domain_must_exist() {
    let k = Ks::start().await;
    let r = k.admin(Method::POST, "/users", Some(json!({"user": {"name": "demo"}}))).await;
    assert_eq!(r.status, 409);
    assert_eq!(
        r.body["error"]["message"],
        "Conflict occurred attempting to store user - Duplicate entry found with name demo at domain ID default."
    );
    let r = k.admin(Method::POST, "/users", Some(json!({"user": {"name": "x", "domain_id": "nowhere"}}))).await;
    assert_eq!((r.status, r.body["error"]["message"].as_str().unwrap()), (404, "Could not find domain: nowhere."));
    let r = k.admin(Method::POST, "/users", Some(json!({"user": {"name": "x", "default_project_id": "default"}}))).await;
    assert_eq!((r.status, r.body["error"]["message"].as_str().unwrap()), (400, "User's default project ID cannot be a domain ID: default"));
    let r = k.admin(Method::POST, "/users", Some(json!({"user": {"name": "x", "options": {"frozen": true}}}))).await;
    assert_eq!(
        r.body["error"]["message"],
        "Invalid input for field 'options': Additional properties are not allowed ('frozen' was unexpected)"
    );
    let r = k.admin(Method::PATCH, "/users/nope", Some(json!({"user": 5}))).await;
    assert_eq!(r.status, 404, "Keystone looks the user up before it reads the body");
}

#[tokio::test]
async fn user_lists_filter_by_name_domain_and_enabled() {
    let k = Ks::start().await;
    let d = k.create("/domains", "domain", json!({"name": "acme"})).await["id"].as_str().unwrap().to_string();
    k.create("/users", "user", json!({"name": "far", "domain_id": d})).await;
    k.create("/users", "user", json!({"name": "off", "enabled": false})).await;
    assert_eq!(names(&k.get(&format!("/users?domain_id={d}")).await, "users"), ["far"]);
    assert_eq!(names(&k.get("/users?enabled=False").await, "users"), ["off"]);
    assert_eq!(names(&k.get("/users?name=far").await, "users"), ["far"]);
    assert_eq!(names(&k.get("/users?name__endswith=ar").await, "users"), ["far"]);
}

#[tokio::test]
async fn an_admins_password_reset_revokes_the_users_tokens_and_the_new_password_works() {
    let k = Ks::start().await;
    let member = k.token_of("demo", "demo-secret", Some(project_scope("demo"))).await;
    let r = k.admin(Method::PATCH, &format!("/users/{}", k.user_id("demo")), Some(json!({"user": {"password": "new-secret"}}))).await;
    assert_eq!(r.status, 200);
    assert_eq!(k.validate(&member).await, 404);
    assert_eq!(k.login("demo", "demo-secret", None).await.status, 401);
    assert_eq!(k.login("demo", "new-secret", Some(project_scope("demo"))).await.status, 201);
}

#[tokio::test]
async fn a_user_changes_its_own_password_with_the_original_and_its_old_tokens_stop() {
    let k = Ks::start().await;
    let demo = k.user_id("demo");
    let member = k.token_of("demo", "demo-secret", Some(project_scope("demo"))).await;
    let path = format!("/users/{demo}/password");
    let wrong = k.call(Method::POST, &path, Some(&member), Some(json!({"user": {"original_password": "nope", "password": "x"}}))).await;
    assert_eq!(
        wrong.body,
        json!({"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}})
    );
    let r =
        k.call(Method::POST, &path, Some(&member), Some(json!({"user": {"original_password": "demo-secret", "password": "n3w"}}))).await;
    assert_eq!((r.status, r.text.as_str()), (204, ""));
    assert_eq!(k.call(Method::GET, "/auth/projects", Some(&member), None).await.status, 401, "the old token is revoked");
    let again = k.token_of("demo", "n3w", Some(project_scope("demo"))).await;
    // No token is needed (an expired password is changed this way), but a token sent must be valid.
    let r = k.call(Method::POST, &path, None, Some(json!({"user": {"original_password": "n3w", "password": "n4w"}}))).await;
    assert_eq!(r.status, 204);
    let r = k.call(Method::POST, &path, Some(&again), Some(json!({"user": {"original_password": "n4w", "password": "n5w"}}))).await;
    assert_eq!(r.status, 401, "the token was revoked by the change before");
    let r = k.call(Method::POST, &path, None, Some(json!({"user": {"original_password": "n4w", "password": "n5w", "extra": 1}}))).await;
    assert_eq!(r.body["error"]["message"], "Additional properties are not allowed ('extra' was unexpected)");
}

#[tokio::test]
async fn a_locked_password_cannot_be_changed_by_its_user() {
    let k = Ks::start().await;
    let id = k.create("/users", "user", json!({"name": "ann", "password": "p", "options": {"lock_password": true}})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = k
        .call(Method::POST, &format!("/users/{id}/password"), None, Some(json!({"user": {"original_password": "p", "password": "q"}})))
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body["error"]["message"].as_str().unwrap().starts_with("You cannot change your password at this time"));
}

#[tokio::test]
async fn a_disabled_user_cannot_log_in_and_stays_revoked_when_enabled_again() {
    let k = Ks::start().await;
    let demo = k.user_id("demo");
    let member = k.token_of("demo", "demo-secret", Some(project_scope("demo"))).await;
    k.admin(Method::PATCH, &format!("/users/{demo}"), Some(json!({"user": {"enabled": false}}))).await;
    assert_eq!(k.login("demo", "demo-secret", None).await.status, 401);
    assert_eq!(k.validate(&member).await, 404);
    k.admin(Method::PATCH, &format!("/users/{demo}"), Some(json!({"user": {"enabled": true}}))).await;
    assert_eq!(k.validate(&member).await, 404, "disabling persisted a revocation");
    assert_eq!(k.login("demo", "demo-secret", None).await.status, 201);
}

#[tokio::test]
async fn deleting_a_user_revokes_its_tokens_and_removes_its_grants_groups_and_credentials() {
    let k = Ks::start().await;
    let demo = k.user_id("demo");
    let member = k.token_of("demo", "demo-secret", Some(project_scope("demo"))).await;
    let g = k.create("/groups", "group", json!({"name": "ops"})).await["id"].as_str().unwrap().to_string();
    k.admin(Method::PUT, &format!("/groups/{g}/users/{demo}"), None).await;
    assert_eq!(k.admin(Method::DELETE, &format!("/users/{demo}"), None).await.status, 204);
    assert_eq!(k.validate(&member).await, 404, "validation of a deleted user's token is a 404");
    assert_eq!(k.call(Method::GET, "/auth/projects", Some(&member), None).await.status, 401, "and as X-Auth-Token a 401");
    assert_eq!(k.get(&format!("/role_assignments?user.id={demo}")).await.body["role_assignments"], json!([]));
    assert_eq!(k.get(&format!("/groups/{g}/users")).await.body["users"], json!([]));
    assert!(k.c.running.cloud.world().identity.app_creds.iter().all(|c| c.user_id != demo));
    assert_eq!(k.admin(Method::DELETE, &format!("/users/{demo}"), None).await.status, 404);
}

#[tokio::test]
async fn users_read_themselves_and_their_projects_and_readers_read_by_scope() {
    let k = Ks::start_with(fixture_with_readers()).await;
    let (demo, alt) = (k.user_id("demo"), k.user_id("alt_demo"));
    let member = k.token_of("demo", "demo-secret", Some(project_scope("demo"))).await;
    assert_eq!(k.call(Method::GET, &format!("/users/{demo}"), Some(&member), None).await.status, 200);
    assert_eq!(k.call(Method::GET, &format!("/users/{alt}"), Some(&member), None).await.status, 403);
    let mine = k.call(Method::GET, &format!("/users/{demo}/projects"), Some(&member), None).await;
    assert_eq!(names(&mine, "projects"), ["demo"]);
    assert_eq!(k.call(Method::GET, &format!("/users/{alt}/projects"), Some(&member), None).await.status, 403);
    assert_eq!(k.get("/users/nope/projects").await.body["projects"], json!([]), "an unknown user has no projects");
    let d = k.create("/domains", "domain", json!({"name": "acme"})).await["id"].as_str().unwrap().to_string();
    let far = k.create("/users", "user", json!({"name": "far", "domain_id": d})).await["id"].as_str().unwrap().to_string();
    let dreader = k.token_of("dreader", "dreader-secret", Some(json!({"domain": {"name": "Default"}}))).await;
    let listed = k.call(Method::GET, "/users", Some(&dreader), None).await;
    assert!(!ids(&listed, "users").contains(&far) && ids(&listed, "users").contains(&demo), "a domain reader lists its domain's users");
    assert_eq!(k.call(Method::GET, &format!("/users/{far}"), Some(&dreader), None).await.status, 403);
    let sreader = k.token_of("sreader", "sreader-secret", Some(json!({"system": {"all": true}}))).await;
    assert_eq!(k.call(Method::GET, &format!("/users/{far}"), Some(&sreader), None).await.status, 200);
    let r = k.call(Method::PATCH, &format!("/users/{far}"), Some(&sreader), Some(json!({"user": {"enabled": false}}))).await;
    assert_eq!(r.body["error"]["message"], "You are not authorized to perform the requested action: identity:update_user.");
}
