//! The control API: reset, clock, faults, journal, snapshot and restore.

mod common;

use common::TestCloud;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn snapshot_reset_restore_gives_back_an_identical_snapshot() {
    let c = TestCloud::start().await;
    c.admin().await;
    c.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({"by": 42}))).await;
    c.send(Method::POST, "/_fakecloud/faults", None, Some(json!({"kind": "api-error", "status": 503, "duration": "10m"}))).await;
    let before = c.snapshot().await;
    assert_eq!(c.send(Method::POST, "/_fakecloud/reset", None, None).await.status, 204);
    let after_reset = c.snapshot().await;
    assert_ne!(after_reset, before, "reset must change something for this test to mean anything");
    let r = c.raw(Method::POST, "/_fakecloud/restore", None, before.clone().into_bytes()).await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(c.snapshot().await, before);
}

#[tokio::test]
async fn reset_returns_to_the_fixture() {
    let c = TestCloud::start().await;
    let fresh = c.state_without_journal();
    let token = c.admin().await;
    c.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({"by": "5m"}))).await;
    c.send(Method::POST, "/_fakecloud/reset", None, None).await;
    let mut after = c.state_without_journal();
    assert_ne!(after["identity"]["token_key"], fresh["identity"]["token_key"], "a reset seals tokens with a new key");
    after["identity"]["token_key"] = fresh["identity"]["token_key"].clone();
    assert_eq!(after, fresh);
    assert_eq!(c.get("/identity/v3/projects", Some(&token)).await.status, 401, "tokens do not survive a reset");
}

#[tokio::test]
async fn restoring_a_corrupt_or_foreign_snapshot_is_refused_and_changes_nothing() {
    let c = TestCloud::start().await;
    let token = c.admin().await;
    let before = c.snapshot().await;
    let mut foreign: serde_json::Value = serde_json::from_str(&before).unwrap();
    foreign["format"] = json!(999);
    for (body, expect) in [
        (before[..before.len() / 2].to_string(), "not valid JSON"),
        (foreign.to_string(), "format 999 is not supported"),
        (format!(r#"{{"format": {}}}"#, fakecloud::world::SNAPSHOT_FORMAT), "does not match"),
    ] {
        let r = c.raw(Method::POST, "/_fakecloud/restore", None, body.into_bytes()).await;
        assert_eq!(r.status, 400);
        assert!(r.body["error"]["message"].as_str().unwrap().contains(expect), "{}", r.text);
    }
    assert_eq!(c.snapshot().await, before);
    assert_eq!(c.get("/identity/v3/projects", Some(&token)).await.status, 200);
}

#[tokio::test]
async fn the_clock_reports_advances_and_changes_mode() {
    let c = TestCloud::start().await;
    let r = c.get("/_fakecloud/clock", None).await;
    assert_eq!(r.body["now"], "2026-01-01T00:00:00.000000Z");
    assert_eq!(r.body["mode"], "manual");
    let r = c.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({"by": "1h 30m"}))).await;
    assert_eq!(r.body["now"], "2026-01-01T01:30:00.000000Z");
    let r = c.send(Method::PUT, "/_fakecloud/clock", None, Some(json!({"mode": "scaled:0.01"}))).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["mode"], "scaled:0.01");
    let r = c.send(Method::PUT, "/_fakecloud/clock", None, Some(json!({"mode": "sideways"}))).await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn an_api_error_fault_fires_its_count_in_the_services_format() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let fault = json!({"kind": "api-error", "status": 503, "message": "keystone is having a day",
                       "match": {"service": "identity", "method": "GET", "path": "/identity/v3/projects*"}, "count": 2});
    let r = c.send(Method::POST, "/_fakecloud/faults", None, Some(fault)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["fault"]["id"].as_str().unwrap().to_string();
    for _ in 0..2 {
        let r = c.get("/identity/v3/projects", Some(&admin)).await;
        assert_eq!(r.status, 503);
        assert_eq!(r.body["error"]["message"], "keystone is having a day");
    }
    assert_eq!(c.get("/identity/v3/projects", Some(&admin)).await.status, 200);
    assert_eq!(c.get("/identity/v3/users", Some(&admin)).await.status, 200, "other paths are not matched");
    let list = c.get("/_fakecloud/faults", None).await;
    assert!(list.body["faults"].as_array().unwrap().is_empty());
    assert_eq!(list.body["kinds"][0]["kind"], "api-error");
    assert_eq!(c.send(Method::DELETE, &format!("/_fakecloud/faults/{id}"), None, None).await.status, 404);
    let fired = c.get("/_fakecloud/journal?kind=fault", None).await;
    let actions: Vec<&str> = fired.body["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["added", "fired", "fired"]);
}

#[tokio::test]
async fn a_fault_with_a_duration_ends_when_simulated_time_passes() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let fault = json!({"kind": "api-error", "status": 500, "match": {"path": "/identity/v3/users"}, "duration": "30s"});
    let r = c.send(Method::POST, "/_fakecloud/faults", None, Some(fault)).await;
    let id = r.body["fault"]["id"].as_str().unwrap().to_string();
    assert_eq!(c.get("/identity/v3/users", Some(&admin)).await.status, 500);
    c.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({"by": 30}))).await;
    assert_eq!(c.get("/identity/v3/users", Some(&admin)).await.status, 200);
    assert_eq!(c.send(Method::DELETE, &format!("/_fakecloud/faults/{id}"), None, None).await.status, 404);
}

#[tokio::test]
async fn faults_can_target_one_project() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let member = c.member().await;
    let demo = c.running.cloud.world().identity.project_named("demo").unwrap().id.clone();
    let fault = json!({"kind": "api-error", "status": 500, "match": {"project_id": demo, "path": "/identity/v3/auth/projects"}});
    assert_eq!(c.send(Method::POST, "/_fakecloud/faults", None, Some(fault)).await.status, 201);
    assert_eq!(c.get("/identity/v3/auth/projects", Some(&admin)).await.status, 200);
    assert_eq!(c.get("/identity/v3/auth/projects", Some(&member)).await.status, 500);
}

#[tokio::test]
async fn the_journal_filters_by_kind_time_and_sequence() {
    let c = TestCloud::start().await;
    c.admin().await;
    c.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({"by": "10s"}))).await;
    c.member().await;
    let all = c.get("/_fakecloud/journal", None).await.body["entries"].as_array().unwrap().clone();
    let kinds: Vec<&str> = all.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["api", "control", "api"]);
    let late = c.get("/_fakecloud/journal?kind=api&since=2026-01-01T00:00:05Z", None).await;
    assert_eq!(late.body["entries"].as_array().unwrap().len(), 1);
    let after = c.get("/_fakecloud/journal?after_seq=2", None).await;
    assert_eq!(after.body["entries"][0]["seq"], 3);
    assert_eq!(c.get("/_fakecloud/journal?since=yesterday", None).await.status, 400);
}

#[tokio::test]
async fn the_same_seed_gives_the_same_world() {
    let a = TestCloud::start().await;
    let b = TestCloud::start().await;
    a.admin().await;
    b.admin().await;
    assert_eq!(a.snapshot().await, b.snapshot().await);
}

#[tokio::test]
async fn an_api_latency_fault_makes_matching_requests_take_simulated_time() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let now = |r: common::Reply| r.body["now"].as_str().unwrap().to_string();
    let before = now(c.get("/_fakecloud/clock", None).await);
    let fault = json!({"kind": "api-latency", "seconds": 30, "match": {"path": "/compute/v2.1/flavors*"}, "count": 1});
    assert_eq!(c.send(Method::POST, "/_fakecloud/faults", None, Some(fault)).await.status, 201);
    assert_eq!(c.get("/compute/v2.1/servers", Some(&admin)).await.status, 200);
    assert_eq!(now(c.get("/_fakecloud/clock", None).await), before, "an unmatched request takes no time");
    assert_eq!(c.get("/compute/v2.1/flavors", Some(&admin)).await.status, 200);
    let after = now(c.get("/_fakecloud/clock", None).await);
    let d = chrono::DateTime::parse_from_rfc3339(&after).unwrap() - chrono::DateTime::parse_from_rfc3339(&before).unwrap();
    assert_eq!(d.num_seconds(), 30);
    let bad = json!({"kind": "api-latency", "seconds": -1});
    assert_eq!(c.send(Method::POST, "/_fakecloud/faults", None, Some(bad)).await.status, 400);
}

#[tokio::test]
async fn service_logs_are_text_and_unknown_ones_are_404() {
    let c = TestCloud::start().await;
    let r = c.get("/_fakecloud/logs/octavia-health-manager", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text, "", "a fresh cloud has logged nothing");
    // The kube-api LB's amphora host starves: after 60 s without heartbeats a failover starts.
    let amp_host = json!({"kind": "host-pressure", "host": "compute-1"});
    assert_eq!(c.send(Method::POST, "/_fakecloud/faults", None, Some(amp_host)).await.status, 201);
    c.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({"by": "80s"}))).await;
    let log = c.get("/_fakecloud/logs/octavia-health-manager", None).await.text;
    assert!(log.contains(" INFO octavia.controller.healthmanager.health_manager [-] Stale amphora's id is: "), "{log}");
    assert_eq!(c.get("/_fakecloud/logs/nova-api", None).await.status, 404);
}

#[tokio::test]
async fn a_load_balancers_availability_is_served_by_id_or_unique_name() {
    let c = TestCloud::start().await;
    let name = "k8s-clusterapi-cluster-default-kube-kubeapi";
    let r = c.get(&format!("/_fakecloud/loadbalancers/{name}/availability"), None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let a = &r.body["availability"];
    assert_eq!((a["name"].as_str(), a["serving"].clone(), a["served"].clone()), (Some(name), json!(true), json!(true)), "{a}");
    assert_eq!((a["total_down_seconds"].as_f64(), a["open_outage"].clone()), (Some(0.0), json!(null)));
    assert_eq!(a["timeline"][0]["serving"], true, "{a}");
    let id = a["loadbalancer_id"].as_str().unwrap().to_string();
    let by_id = c.get(&format!("/_fakecloud/loadbalancers/{id}/availability"), None).await;
    assert_eq!(by_id.body["availability"]["name"], name);
    let r = c.get("/_fakecloud/loadbalancers/no-such-lb/availability", None).await;
    assert_eq!(r.status, 404);
    assert!(r.body["error"]["message"].as_str().unwrap().contains("no-such-lb"), "{}", r.text);
}
