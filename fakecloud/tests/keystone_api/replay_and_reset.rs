//! Domains, projects, users and groups live in the world: the journal of their writes (and of the
//! revocations they cause) replays into a fresh cloud to the same world, and a reset forgets them.

use crate::helpers::{project_scope, Ks};
use reqwest::Method;
use serde_json::json;

async fn identity_writes(k: &Ks) {
    let d = k.create("/domains", "domain", json!({"name": "acme", "tags": ["t"]})).await["id"].as_str().unwrap().to_string();
    let p = k.create("/projects", "project", json!({"name": "web", "domain_id": d, "x": 1})).await["id"].as_str().unwrap().to_string();
    k.create("/projects", "project", json!({"name": "child", "parent_id": p, "domain_id": d})).await;
    let u = k.create("/users", "user", json!({"name": "ann", "password": "p", "domain_id": d})).await["id"].as_str().unwrap().to_string();
    let g = k.create("/groups", "group", json!({"name": "ops", "domain_id": d})).await["id"].as_str().unwrap().to_string();
    k.admin(Method::PUT, &format!("/groups/{g}/users/{u}"), None).await;
    k.admin(Method::PUT, &format!("/projects/{p}/tags/blue"), None).await;
    // A password change revokes the demo user's token; a request with it afterwards is a 401.
    let demo = k.user_id("demo");
    let member = k.token_of("demo", "demo-secret", Some(project_scope("demo"))).await;
    let change = json!({"user": {"original_password": "demo-secret", "password": "n3w"}});
    assert_eq!(k.call(Method::POST, &format!("/users/{demo}/password"), Some(&member), Some(change)).await.status, 204);
    assert_eq!(k.call(Method::GET, "/auth/projects", Some(&member), None).await.status, 401);
    assert_eq!(k.admin(Method::POST, "/users", Some(json!({"user": {"name": "ann", "domain_id": d}}))).await.status, 409);
    assert_eq!(k.admin(Method::DELETE, &format!("/users/{}", k.user_id("alt_demo")), None).await.status, 204);
}

#[tokio::test]
async fn identity_writes_replay_from_the_journal_to_the_same_world() {
    let k = Ks::start().await;
    identity_writes(&k).await;
    let entries = k.c.running.cloud.world().sim.journal.entries().to_vec();
    let replayed = crate::replay::replay(&entries).await;
    let (world, journal) = crate::replay::comparable(&k.c.snapshot().await);
    let (world_again, journal_again) = crate::replay::comparable(&replayed.snapshot().await);
    assert!(world["identity"]["groups"].as_array().is_some_and(|g| g.len() == 1), "the writes are in the world");
    assert_eq!(world, world_again, "the replayed world differs at {:?}", crate::replay::first_difference(&world, &world_again));
    assert_eq!(journal, journal_again);
}

#[tokio::test]
async fn a_reset_forgets_created_identity_objects() {
    let k = Ks::start().await;
    let before = k.c.state_without_journal()["identity"].clone();
    identity_writes(&k).await;
    assert_eq!(k.c.send(Method::POST, "/_fakecloud/reset", None, None).await.status, 204);
    let mut after = k.c.state_without_journal()["identity"].clone();
    // The issue counter counts the test's own token too, issued before `before` was read.
    after["token_serial"] = before["token_serial"].clone();
    // And a reset seals tokens with a key of its own, so that tokens issued before stop working.
    after["token_key"] = before["token_key"].clone();
    assert_eq!(after, before, "differs at {:?}", crate::replay::first_difference(&after, &before));
}
