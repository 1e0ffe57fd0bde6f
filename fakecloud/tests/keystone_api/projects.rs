//! `/v3/projects`: shapes, names, the hierarchy and its rules, list filters, and what a project's
//! delete or disable does to tokens and role assignments.

use crate::helpers::{fixture_with_readers, ids, names, project_scope, Ks};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_project_keeps_its_extra_attributes_and_shows_as_it_lists() {
    let k = Ks::start().await;
    let p = k.create("/projects", "project", json!({"name": "web", "tags": ["a", "c", "b"], "cost-center": "42"})).await;
    let id = p["id"].as_str().unwrap().to_string();
    assert_eq!((&p["domain_id"], &p["parent_id"], &p["is_domain"]), (&json!("default"), &json!("default"), &json!(false)));
    assert_eq!((&p["description"], &p["enabled"], &p["options"]), (&json!(""), &json!(true), &json!({})));
    assert_eq!(p["cost_center"], "42", "extras are kept, their names normalised on create");
    let shown = k.get(&format!("/projects/{id}")).await.body["project"].clone();
    assert_eq!(shown, p);
    let listed = k.get("/projects").await;
    assert!(listed.body["projects"].as_array().unwrap().contains(&p));
    let r = k.admin(Method::PATCH, &format!("/projects/{id}"), Some(json!({"project": {"description": "d", "owner": "ops"}}))).await;
    assert_eq!((&r.body["project"]["description"], &r.body["project"]["owner"]), (&json!("d"), &json!("ops")));
    assert_eq!(r.body["project"]["cost_center"], "42", "an update merges extras");
}

#[tokio::test]
async fn project_names_are_unique_within_their_domain_only() {
    let k = Ks::start().await;
    let r = k.admin(Method::POST, "/projects", Some(json!({"project": {"name": "demo"}}))).await;
    assert_eq!(r.status, 409);
    let msg = r.body["error"]["message"].as_str().unwrap();
    assert!(
        msg.starts_with("Conflict occurred attempting to store project - it is not permitted to have two projects with either the same name or same id in the same domain: name is demo, project id "),
        "{msg}"
    );
    let d = k.create("/domains", "domain", json!({"name": "acme"})).await["id"].as_str().unwrap().to_string();
    k.create("/projects", "project", json!({"name": "demo", "domain_id": d})).await;
    let r = k.admin(Method::PATCH, &format!("/projects/{}", k.project_id("alt_demo")), Some(json!({"project": {"name": "demo"}}))).await;
    assert_eq!(r.status, 409, "a rename into a taken name");
}

#[tokio::test]
async fn project_bodies_are_checked_with_keystones_wording() {
    let k = Ks::start().await;
    let cases = [
        (json!({"project": {"name": ""}}), "Invalid input for field 'name': '' is too short"),
        (json!({"project": {"name": "x", "enabled": "yes"}}), "Invalid input for field 'enabled': 'yes' is not of type 'boolean'"),
        (json!({"project": {"name": "x", "tags": ["a/b"]}}), "Invalid input for field 'tags/0': 'a/b' does not match '^[^,/]*$'"),
        (
            json!({"project": {"name": "x", "domain_id": "no spaces"}}),
            "Invalid input for field 'domain_id': 'no spaces' does not match '^[a-zA-Z0-9-]+$'",
        ),
        (json!({"project": {"name": "x", "domain_id": "nowhere"}}), "Could not find domain: nowhere."),
        (json!({"project": {"name": "x", "parent_id": "nowhere"}}), "Could not find project: nowhere."),
        (json!({"project": "x"}), "'x' is not of type 'object'"),
    ];
    for (body, message) in cases {
        let r = k.admin(Method::POST, "/projects", Some(body.clone())).await;
        assert_eq!((r.status, r.body["error"]["message"].as_str().unwrap_or_default()), (400, message), "{body}");
    }
    let r = k.c.raw(Method::POST, "/identity/v3/projects", Some(&k.admin), b"[1]".to_vec()).await;
    assert_eq!(r.status, 400);
    assert!(r.body["error"]["message"].as_str().unwrap().starts_with("Expecting to find valid JSON in request body."), "{}", r.text);
    let r = k.admin(Method::PATCH, &format!("/projects/{}", k.project_id("demo")), Some(json!({"project": {}}))).await;
    assert_eq!(r.body["error"]["message"], "{} does not have enough properties");
}

#[tokio::test]
async fn the_hierarchy_follows_parent_id_and_a_parent_must_be_a_leaf_to_go() {
    let k = Ks::start().await;
    let root = k.create("/projects", "project", json!({"name": "root"})).await["id"].as_str().unwrap().to_string();
    let mid = k.create("/projects", "project", json!({"name": "mid", "parent_id": root})).await;
    assert_eq!(mid["parent_id"], root.as_str());
    let mid = mid["id"].as_str().unwrap().to_string();
    let leaf = k.create("/projects", "project", json!({"name": "leaf", "parent_id": mid})).await["id"].as_str().unwrap().to_string();
    let r = k.get(&format!("/projects/{leaf}?parents_as_ids")).await;
    assert_eq!(r.body["project"]["parents"], json!({ &mid: { &root: {"default": null} } }));
    let r = k.get(&format!("/projects/{root}?subtree_as_ids")).await;
    assert_eq!(r.body["project"]["subtree"], json!({ &mid: { &leaf: null } }));
    let r = k.get(&format!("/projects/{root}?subtree_as_ids&subtree_as_list")).await;
    assert_eq!(r.status, 400);
    assert_eq!(names(&k.get(&format!("/projects?parent_id={mid}")).await, "projects"), ["leaf"]);
    let r = k.admin(Method::DELETE, &format!("/projects/{mid}"), None).await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.body["error"]["message"],
        format!("Cannot delete the project {mid} since it is not a leaf in the hierarchy. Use the cascade option if you want to delete a whole subtree.")
    );
    let r = k.admin(Method::PATCH, &format!("/projects/{leaf}"), Some(json!({"project": {"parent_id": root}}))).await;
    assert_eq!((r.status, r.body["error"]["message"].as_str().unwrap()), (403, "Update of `parent_id` is not allowed."));
    let r = k.admin(Method::PATCH, &format!("/projects/{leaf}"), Some(json!({"project": {"domain_id": "other"}}))).await;
    assert_eq!((r.status, r.body["error"]["message"].as_str().unwrap()), (400, "Cannot change Domain ID"));
    assert_eq!(k.admin(Method::DELETE, &format!("/projects/{leaf}"), None).await.status, 204);
    assert_eq!(k.admin(Method::DELETE, &format!("/projects/{mid}"), None).await.status, 204);
}

#[tokio::test]
async fn a_disabled_branch_takes_no_new_projects_and_a_branch_is_disabled_from_the_leaves_up() {
    let k = Ks::start().await;
    let root = k.create("/projects", "project", json!({"name": "root"})).await["id"].as_str().unwrap().to_string();
    let child = k.create("/projects", "project", json!({"name": "child", "parent_id": root})).await["id"].as_str().unwrap().to_string();
    let r = k.admin(Method::PATCH, &format!("/projects/{root}"), Some(json!({"project": {"enabled": false}}))).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["error"]["message"], format!("Cannot disable project {root} since its subtree contains enabled projects."));
    for id in [&child, &root] {
        let r = k.admin(Method::PATCH, &format!("/projects/{id}"), Some(json!({"project": {"enabled": false}}))).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let r = k.admin(Method::POST, "/projects", Some(json!({"project": {"name": "late", "parent_id": root}}))).await;
    assert_eq!(
        (r.status, r.body["error"]["message"].as_str().unwrap()),
        (400, format!("cannot create a project in a branch containing a disabled project: {root}").as_str())
    );
    let r = k.admin(Method::PATCH, &format!("/projects/{child}"), Some(json!({"project": {"enabled": true}}))).await;
    assert_eq!(
        (r.status, r.body["error"]["message"].as_str().unwrap()),
        (403, format!("Cannot enable project {child} since it has disabled parents").as_str())
    );
}

#[tokio::test]
async fn projects_nest_at_most_five_deep_below_the_domain() {
    let k = Ks::start().await;
    let mut parent = "default".to_string();
    for depth in 1..=5 {
        parent = k.create("/projects", "project", json!({"name": format!("p{depth}"), "parent_id": parent})).await["id"]
            .as_str()
            .unwrap()
            .to_string();
    }
    let r = k.admin(Method::POST, "/projects", Some(json!({"project": {"name": "p6", "parent_id": parent}}))).await;
    assert_eq!(
        (r.status, r.body["error"]["message"].as_str().unwrap()),
        (403, format!("Max hierarchy depth reached for {parent} branch.").as_str())
    );
}

#[tokio::test]
async fn project_lists_filter_by_attribute_tags_and_name_pattern() {
    let k = Ks::start().await;
    for (name, tags, enabled) in [("t-ab", json!(["a", "b"]), true), ("t-a", json!(["a"]), false), ("t-c", json!(["c"]), true)] {
        k.create("/projects", "project", json!({"name": name, "tags": tags, "enabled": enabled})).await;
    }
    let k = &k;
    let q = |query: &'static str| async move { names(&k.get(&format!("/projects?{query}")).await, "projects") };
    assert_eq!(q("tags=a,b").await, ["t-ab"]);
    assert_eq!(q("tags-any=b,c").await, ["t-ab", "t-c"]);
    assert!(!q("not-tags=a,b").await.contains(&"t-ab".to_string()));
    assert_eq!(q("not-tags-any=a,c&name__startswith=t-").await, Vec::<String>::new());
    assert_eq!(q("name__icontains=T-A").await, ["t-ab", "t-a"]);
    assert_eq!(q("enabled=false").await, ["t-a"]);
    assert_eq!(q("enabled=0&name=t-a").await, ["t-a"]);
    assert_eq!(q("domain_id=nowhere").await, Vec::<String>::new());
}

#[tokio::test]
async fn an_immutable_project_refuses_changes_until_the_option_is_cleared() {
    let k = Ks::start().await;
    let id = k.create("/projects", "project", json!({"name": "frozen", "options": {"immutable": true}})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = k.admin(Method::PATCH, &format!("/projects/{id}"), Some(json!({"project": {"description": "x"}}))).await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.body["error"]["message"],
        format!("Unable to update immutable project resource: `{id}. Set resource option \"immutable\" to false first.")
    );
    assert_eq!(k.admin(Method::DELETE, &format!("/projects/{id}"), None).await.status, 403);
    let r = k.admin(Method::PATCH, &format!("/projects/{id}"), Some(json!({"project": {"options": {"immutable": false}}}))).await;
    assert_eq!((r.status, &r.body["project"]["options"]), (200, &json!({"immutable": false})));
    assert_eq!(k.admin(Method::DELETE, &format!("/projects/{id}"), None).await.status, 204);
}

#[tokio::test]
async fn deleting_a_project_revokes_its_tokens_and_drops_its_role_assignments_and_default_project() {
    let k = Ks::start().await;
    let demo = k.project_id("demo");
    let member = k.token_of("demo", "demo-secret", Some(project_scope("demo"))).await;
    assert_eq!(k.admin(Method::DELETE, &format!("/projects/{demo}"), None).await.status, 204);
    assert_eq!(k.validate(&member).await, 404);
    assert_eq!(k.call(Method::GET, "/auth/projects", Some(&member), None).await.status, 401);
    let left = k.get(&format!("/role_assignments?scope.project.id={demo}")).await;
    assert_eq!(left.body["role_assignments"], json!([]));
    let demo_user = k.get(&format!("/users/{}", k.user_id("demo"))).await;
    assert!(demo_user.body["user"].get("default_project_id").is_none(), "Keystone unsets a deleted default project");
}

#[tokio::test]
async fn a_disabled_project_takes_no_tokens_and_its_tokens_stop_until_it_is_enabled() {
    let k = Ks::start().await;
    let demo = k.project_id("demo");
    let member = k.token_of("demo", "demo-secret", Some(project_scope("demo"))).await;
    k.admin(Method::PATCH, &format!("/projects/{demo}"), Some(json!({"project": {"enabled": false}}))).await;
    assert_eq!(k.validate(&member).await, 404);
    assert_eq!(k.login("demo", "demo-secret", Some(project_scope("demo"))).await.status, 401);
    k.admin(Method::PATCH, &format!("/projects/{demo}"), Some(json!({"project": {"enabled": true}}))).await;
    assert_eq!(k.validate(&member).await, 200, "a disable is not a revocation");
}

#[tokio::test]
async fn readers_see_projects_as_their_scope_allows() {
    let k = Ks::start_with(fixture_with_readers()).await;
    let acme = k.create("/domains", "domain", json!({"name": "acme"})).await["id"].as_str().unwrap().to_string();
    let far = k.create("/projects", "project", json!({"name": "far", "domain_id": acme})).await["id"].as_str().unwrap().to_string();
    let dreader = k.token_of("dreader", "dreader-secret", Some(json!({"domain": {"name": "Default"}}))).await;
    let listed = k.call(Method::GET, "/projects", Some(&dreader), None).await;
    assert_eq!(listed.status, 200);
    assert!(listed.body["projects"].as_array().unwrap().iter().all(|p| p["domain_id"] == "default"));
    assert_eq!(k.call(Method::GET, &format!("/projects/{}", k.project_id("demo")), Some(&dreader), None).await.status, 200);
    assert_eq!(k.call(Method::GET, &format!("/projects/{far}"), Some(&dreader), None).await.status, 403);
    let sreader = k.token_of("sreader", "sreader-secret", Some(json!({"system": {"all": true}}))).await;
    assert!(ids(&k.call(Method::GET, "/projects", Some(&sreader), None).await, "projects").contains(&far));
    let member = k.token_of("demo", "demo-secret", Some(project_scope("demo"))).await;
    let r = k.call(Method::DELETE, &format!("/projects/{far}"), Some(&member), None).await;
    assert_eq!(r.body["error"]["message"], "You are not authorized to perform the requested action: identity:delete_project.");
}
