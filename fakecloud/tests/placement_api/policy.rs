//! Placement's admin policy.

use crate::helpers::*;

#[tokio::test]
async fn members_are_refused_by_placements_admin_policy() {
    let (c, _) = setup().await;
    let member = c.member().await;
    let routes = [
        ("GET", "/resource_providers".to_string(), "placement:resource_providers:list"),
        ("GET", format!("/resource_providers/{RP_A}"), "placement:resource_providers:show"),
        ("GET", format!("/resource_providers/{RP_A}/inventories"), "placement:resource_providers:inventories:list"),
        ("GET", format!("/resource_providers/{RP_A}/usages"), "placement:resource_providers:usages"),
        ("GET", "/allocation_candidates?resources=VCPU:1".to_string(), "placement:allocation_candidates:list"),
        ("DELETE", format!("/resource_providers/{RP_A}"), "placement:resource_providers:delete"),
        ("GET", format!("/allocations/{CONSUMER}"), "placement:allocations:list"),
    ];
    let before = c.state_without_journal();
    for (method, path, action) in routes {
        let r = call(&c, method, &path, Some(&member), Some("1.29"), None).await;
        assert_eq!(r.status, 403, "{method} {path}: {}", r.text);
        let detail = error(&r)["detail"].as_str().unwrap();
        assert!(detail.contains(&format!("Policy does not allow {action} to be performed.")), "{detail}");
        assert_eq!(error(&r)["title"], "Forbidden");
    }
    assert_eq!(c.state_without_journal(), before);
    // GET /usages: readers of the project itself may ask.
    let demo = c.running.cloud.world().identity.project_named("demo").unwrap().id.clone();
    let r = call(&c, "GET", &format!("/usages?project_id={demo}"), Some(&member), Some("1.9"), None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = call(&c, "GET", "/usages?project_id=someone-elses", Some(&member), Some("1.9"), None).await;
    assert_eq!(r.status, 403);
    // No token at all: Keystone's 401.
    let r = call(&c, "GET", "/resource_providers", None, None, None).await;
    assert_eq!(r.status, 401);
}
