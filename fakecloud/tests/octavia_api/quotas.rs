//! Quotas: the defaults, an admin setting and resetting a project's limits, who may read them,
//! what a PUT refuses, and creates past a limit refused with nothing changed.

use crate::common::TestCloud;
use crate::helpers::*;
use reqwest::Method;
use serde_json::{json, Value};

const KEYS: [&str; 9] =
    ["loadbalancer", "load_balancer", "listener", "member", "pool", "healthmonitor", "health_monitor", "l7policy", "l7rule"];

async fn project_id(c: &TestCloud, admin: &str, name: &str) -> String {
    let r = c.get(&format!("/identity/v3/projects?name={name}"), Some(admin)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    s(&r.body["projects"][0]["id"])
}

async fn set(c: &TestCloud, admin: &str, project: &str, quota: Value) -> Value {
    let r = api(c, Method::PUT, &format!("/lbaas/quotas/{project}"), admin, Some(json!({ "quota": quota }))).await;
    assert_eq!(r.status, 202, "{}", r.text);
    r.body["quota"].clone()
}

fn unlimited(q: &Value) -> bool {
    KEYS.iter().all(|k| q[*k] == -1)
}

#[tokio::test]
async fn defaults_are_unlimited_for_every_resource_under_both_key_spellings() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let demo_project = project_id(&c, &admin, "demo").await;

    let r = get(&c, "/lbaas/quotas/defaults", &demo).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(unlimited(&r.body["quota"]), "{}", r.text);

    let r = get(&c, &format!("/lbaas/quotas/{demo_project}"), &demo).await;
    assert_eq!(r.status, 200, "a project reads its own quota: {}", r.text);
    assert_eq!(r.body["quota"]["project_id"], demo_project.as_str());
    assert!(unlimited(&r.body["quota"]), "a project never set has the defaults: {}", r.text);

    // The v2 root mounts the quotas too.
    for path in ["/load-balancer/v2.0/quotas/defaults", "/load-balancer/v2/quotas/defaults", "/load-balancer/v2.0/lbaas/quotas/defaults"] {
        let r = c.get(path, Some(&demo)).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        assert!(unlimited(&r.body["quota"]), "{path}: {}", r.text);
    }
    let r = get(&c, "/lbaas/quotas", &admin).await;
    assert!(items(&r, "quotas").is_empty(), "no project has a quota set yet: {}", r.text);
    assert!(r.body["quotas_links"].is_array(), "{}", r.text);
}

#[tokio::test]
async fn an_admin_sets_a_projects_quota_and_members_read_only_their_own() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let demo_project = project_id(&c, &admin, "demo").await;
    let admin_project = project_id(&c, &admin, "admin").await;

    let r = api(&c, Method::PUT, &format!("/lbaas/quotas/{demo_project}"), &demo, Some(json!({"quota": {"loadbalancer": 5}}))).await;
    octavia_client_error(&r, 403, "a member setting their own quota");
    let r = api(&c, Method::DELETE, &format!("/lbaas/quotas/{demo_project}"), &demo, None).await;
    octavia_client_error(&r, 403, "a member resetting their own quota");

    // The misspelled names are still taken; the reply carries both spellings.
    let q = set(&c, &admin, &demo_project, json!({"load_balancer": 3, "health_monitor": 7, "l7rule": 0})).await;
    assert_eq!((q["loadbalancer"].clone(), q["load_balancer"].clone()), (json!(3), json!(3)), "{q}");
    assert_eq!((q["healthmonitor"].clone(), q["health_monitor"].clone()), (json!(7), json!(7)), "{q}");
    assert_eq!((q["l7rule"].clone(), q["listener"].clone(), q["project_id"].clone()), (json!(0), json!(-1), json!(demo_project)), "{q}");
    // A later PUT changes only what it names; null puts one limit back to its default.
    let q = set(&c, &admin, &demo_project, json!({"listener": 2, "healthmonitor": null})).await;
    assert_eq!((q["loadbalancer"].clone(), q["listener"].clone(), q["healthmonitor"].clone()), (json!(3), json!(2), json!(-1)), "{q}");

    let shown = get(&c, &format!("/lbaas/quotas/{demo_project}"), &demo).await;
    assert_eq!(shown.body["quota"], q, "{}", shown.text);
    octavia_client_error(&get(&c, &format!("/lbaas/quotas/{admin_project}"), &demo).await, 403, "another project's quota");

    set(&c, &admin, &admin_project, json!({"pool": 10})).await;
    let all = items(&get(&c, "/lbaas/quotas", &admin).await, "quotas");
    let mut listed: Vec<String> = all.iter().map(|q| s(&q["project_id"])).collect();
    listed.sort();
    let mut want = vec![demo_project.clone(), admin_project.clone()];
    want.sort();
    assert_eq!(listed, want, "an admin lists every project with a quota set");
    let only = items(&get(&c, &format!("/lbaas/quotas?project_id={admin_project}"), &admin).await, "quotas");
    assert_eq!(only.len(), 1);
    assert_eq!(only[0]["pool"], 10);
    let own = items(&get(&c, "/lbaas/quotas", &demo).await, "quotas");
    assert_eq!(own.iter().map(|q| s(&q["project_id"])).collect::<Vec<_>>(), vec![demo_project.clone()], "a member lists only their own");
}

#[tokio::test]
async fn out_of_range_or_unknown_quota_values_are_refused_and_change_nothing() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let demo_project = project_id(&c, &admin, "demo").await;
    set(&c, &admin, &demo_project, json!({"pool": 4})).await;
    let before = c.state_without_journal();
    for body in [
        json!({"quota": {"loadbalancer": -2}}),
        json!({"quota": {"member": 2_000_000_001_i64}}),
        json!({"quota": {"pool": "many"}}),
        json!({"quota": {"pool": 1.5}}),
        json!({"quota": {"pool": 1, "volumes": 3}}),
        json!({"quota": 5}),
        json!({"quotas": {"pool": 1}}),
    ] {
        let r = api(&c, Method::PUT, &format!("/lbaas/quotas/{demo_project}"), &admin, Some(body.clone())).await;
        octavia_client_error(&r, 400, &body.to_string());
    }
    assert!(c.state_without_journal() == before, "a refused quota update changes nothing");
    let q = set(&c, &admin, &demo_project, json!({"member": 2_000_000_000_i64, "pool": -1})).await;
    assert_eq!((q["member"].clone(), q["pool"].clone()), (json!(2_000_000_000_i64), json!(-1)), "the bounds themselves are taken: {q}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_past_a_quota_are_refused_with_nothing_changed_and_a_reset_lifts_the_limit() {
    let c = TestCloud::start().await;
    let (admin, kube, pool) = kube_setup(&c).await;
    let kube_lb = lb(&c, &admin, &kube).await;
    let project = s(&kube_lb["project_id"]);

    // An HTTP listener with an L7 policy, and a pool with no monitor, made while nothing is limited.
    let r = api(
        &c,
        Method::POST,
        "/lbaas/listeners",
        &admin,
        Some(json!({"listener": {"loadbalancer_id": kube, "protocol": "HTTP", "protocol_port": 80}})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let listener = s(&r.body["listener"]["id"]);
    seconds_until_lb(&c, &admin, &kube, "ACTIVE", 5, 120).await;
    let r = api(
        &c,
        Method::POST,
        "/lbaas/pools",
        &admin,
        Some(json!({"pool": {"loadbalancer_id": kube, "protocol": "TCP", "lb_algorithm": "ROUND_ROBIN"}})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let bare_pool = s(&r.body["pool"]["id"]);
    seconds_until_lb(&c, &admin, &kube, "ACTIVE", 5, 120).await;
    let r =
        api(&c, Method::POST, "/lbaas/l7policies", &admin, Some(json!({"l7policy": {"listener_id": listener, "action": "REJECT"}}))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let policy = s(&r.body["l7policy"]["id"]);
    seconds_until_lb(&c, &admin, &kube, "ACTIVE", 5, 120).await;

    let zero = json!({"loadbalancer": 0, "listener": 0, "pool": 0, "member": 0, "healthmonitor": 0, "l7policy": 0, "l7rule": 0});
    set(&c, &admin, &project, zero).await;
    let existing = members(&c, &admin, &pool).await;
    let mut batch: Vec<Value> = existing.iter().map(|m| json!({"address": m["address"], "protocol_port": m["protocol_port"]})).collect();
    batch.push(json!({"address": "10.6.0.250", "protocol_port": 6443}));
    let before = c.state_without_journal();
    let refused = [
        (
            "Load Balancer",
            "/lbaas/loadbalancers",
            json!({"loadbalancer": {"vip_subnet_id": kube_lb["vip_subnet_id"], "project_id": project}}),
            Method::POST,
        ),
        (
            "Listener",
            "/lbaas/listeners",
            json!({"listener": {"loadbalancer_id": kube, "protocol": "TCP", "protocol_port": 8443}}),
            Method::POST,
        ),
        (
            "Pool",
            "/lbaas/pools",
            json!({"pool": {"loadbalancer_id": kube, "protocol": "TCP", "lb_algorithm": "ROUND_ROBIN"}}),
            Method::POST,
        ),
        (
            "Member",
            &format!("/lbaas/pools/{pool}/members"),
            json!({"member": {"address": "10.6.0.250", "protocol_port": 6443}}),
            Method::POST,
        ),
        ("Member", &format!("/lbaas/pools/{pool}/members"), json!({ "members": batch }), Method::PUT),
        (
            "Health Monitor",
            "/lbaas/healthmonitors",
            json!({"healthmonitor": {"pool_id": bare_pool, "type": "TCP", "delay": 5, "timeout": 3, "max_retries": 3}}),
            Method::POST,
        ),
        ("L7 Policy", "/lbaas/l7policies", json!({"l7policy": {"listener_id": listener, "action": "REJECT"}}), Method::POST),
        (
            "L7 Rule",
            &format!("/lbaas/l7policies/{policy}/rules"),
            json!({"rule": {"type": "PATH", "compare_type": "STARTS_WITH", "value": "/api"}}),
            Method::POST,
        ),
    ];
    for (what, path, body, method) in refused {
        let r = api(&c, method.clone(), path, &admin, Some(body)).await;
        octavia_client_error(&r, 403, &format!("{method} {path}"));
        assert_eq!(r.body["faultstring"], format!("Quota has been met for resources: {what}"), "{method} {path}");
    }
    assert!(c.state_without_journal() == before, "a create refused for quota changes nothing");

    // A batch that adds no member fits even a zero member quota.
    let kept: Vec<Value> = existing.iter().map(|m| json!({"address": m["address"], "protocol_port": m["protocol_port"]})).collect();
    let r = api(&c, Method::PUT, &format!("/lbaas/pools/{pool}/members"), &admin, Some(json!({ "members": kept }))).await;
    assert_eq!(r.status, 202, "{}", r.text);
    seconds_until_lb(&c, &admin, &kube, "ACTIVE", 5, 120).await;

    let r = api(&c, Method::DELETE, &format!("/lbaas/quotas/{project}"), &admin, None).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let shown = get(&c, &format!("/lbaas/quotas/{project}"), &admin).await;
    assert!(unlimited(&shown.body["quota"]), "reset to the defaults: {}", shown.text);
    assert!(items(&get(&c, "/lbaas/quotas", &admin).await, "quotas").is_empty(), "a reset project is no longer listed");
    let r = api(
        &c,
        Method::POST,
        "/lbaas/listeners",
        &admin,
        Some(json!({"listener": {"loadbalancer_id": kube, "protocol": "TCP", "protocol_port": 8443}})),
    )
    .await;
    assert_eq!(r.status, 201, "with the defaults back, the listener is made: {}", r.text);
}

#[tokio::test]
async fn a_limit_equal_to_usage_refuses_the_next_load_balancer_only() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let demo_project = project_id(&c, &admin, "demo").await;
    set(&c, &admin, &demo_project, json!({"loadbalancer": 1})).await;
    demo_lb(&c, &demo, "first").await;
    let subnet = subnet_id(&c, &demo, "private-subnet").await;
    let before = c.state_without_journal();
    let r =
        api(&c, Method::POST, "/lbaas/loadbalancers", &demo, Some(json!({"loadbalancer": {"name": "second", "vip_subnet_id": subnet}})))
            .await;
    octavia_client_error(&r, 403, "a second load balancer past a quota of one");
    assert_eq!(r.body["faultstring"], "Quota has been met for resources: Load Balancer");
    assert!(c.state_without_journal() == before, "no port, amphora or load balancer was made");
    set(&c, &admin, &demo_project, json!({"loadbalancer": 2})).await;
    demo_lb(&c, &demo, "second").await;
}
