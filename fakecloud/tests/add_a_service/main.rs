//! Adding a service takes its folder and one registration: the toy service in `toy/` is mounted
//! beside the standard ones, and the plumbing treats it as it treats every service: its prefix
//! routes to it, keystonemiddleware stands in front of it, unknown paths and injected faults
//! answer in its own error format, its calls are journaled under its name, and it is in the route
//! table the bad-input and policy tests walk.

#[path = "../common/mod.rs"]
mod common;
mod toy;

use common::TestCloud;
use fakecloud::http::routes::Mount;
use fakecloud::Fixture;
use serde_json::json;

/// The one registration: the standard services plus the toy.
fn mounts() -> Vec<Mount> {
    let mut mounts = fakecloud::services::mounts();
    mounts.push(Mount { service: toy::SERVICE, routes: toy::api::router });
    mounts
}

async fn cloud() -> TestCloud {
    TestCloud::start_mounted(Fixture::default_cloud(), mounts()).await
}

#[tokio::test]
async fn the_toy_route_answers_with_the_simulated_time_behind_a_token() {
    let c = cloud().await;
    let unauthenticated = c.get("/toy/v1/clock", None).await;
    assert_eq!(unauthenticated.status, 401, "keystonemiddleware is in front: {}", unauthenticated.text);
    let token = c.member().await;
    let r = c.get("/toy/v1/clock", Some(&token)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["clock"]["now"], "2026-01-01T00:00:00+00:00");
}

#[tokio::test]
async fn an_unknown_toy_path_is_a_404_in_the_toys_own_format() {
    let c = cloud().await;
    let token = c.member().await;
    let r = c.get("/toy/v1/nothing", Some(&token)).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body["toyError"]["status"], 404, "{}", r.text);
}

#[tokio::test]
async fn a_fault_on_the_toy_answers_in_its_format_and_its_calls_are_journaled_under_its_name() {
    let c = cloud().await;
    let token = c.member().await;
    c.add_fault(json!({"kind": "api-error", "status": 503, "match": {"service": "toy"}, "count": 1})).await;
    let r = c.get("/toy/v1/clock", Some(&token)).await;
    assert_eq!(r.status, 503);
    assert_eq!(r.body["toyError"]["status"], 503, "{}", r.text);
    assert_eq!(c.get("/toy/v1/clock", Some(&token)).await.status, 200, "the fault's count is spent");
    let journal = c.get("/_fakecloud/journal?kind=api&service=toy", None).await;
    let statuses: Vec<u64> = journal.body["entries"].as_array().unwrap().iter().map(|e| e["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, vec![503, 200], "{}", journal.text);
}

#[test]
fn the_route_table_lists_the_toy_route_under_its_prefix() {
    let table = fakecloud::http::routes(&mounts()).table().to_vec();
    assert!(table.iter().any(|r| r.method == "GET" && r.path == "/toy/v1/clock"), "{table:?}");
    assert_eq!(table.len(), fakecloud::services::route_table().len() + 1);
}
