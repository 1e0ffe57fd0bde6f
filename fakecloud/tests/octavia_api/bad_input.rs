//! Bad input: Octavia's client error, and no change to the world.

use crate::common::TestCloud;
use crate::helpers::*;
use reqwest::Method;
use rstest::rstest;
use serde_json::{json, Value};

async fn octavia_state(c: &TestCloud, admin: &str) -> Value {
    let mut v = serde_json::Map::new();
    for (path, plural) in [
        ("/lbaas/loadbalancers", "loadbalancers"),
        ("/lbaas/listeners", "listeners"),
        ("/lbaas/pools", "pools"),
        ("/lbaas/healthmonitors", "healthmonitors"),
        ("/octavia/amphorae", "amphorae"),
    ] {
        v.insert(plural.into(), Value::Array(items(&get(c, path, admin).await, plural)));
    }
    let pool = kube_pool_id(c, admin).await;
    v.insert("members".into(), Value::Array(members(c, admin, &pool).await));
    Value::Object(v)
}

#[tokio::test]
async fn bad_input_is_an_octavia_client_error_and_changes_nothing() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let kube = kube_lb_id(&c, &admin).await;
    let pool = kube_pool_id(&c, &admin).await;
    let subnet = subnet_id(&c, &demo, "private-subnet").await;
    let taken = members(&c, &admin, &pool).await[0]["address"].clone();
    let before = octavia_state(&c, &admin).await;
    let demo_before = items(&get(&c, "/lbaas/loadbalancers", &demo).await, "loadbalancers");
    let world_before = c.state_without_journal();

    let cases: Vec<(&str, &str, String, Value, u16)> = vec![
        ("unknown field", "demo", "/lbaas/loadbalancers".into(), json!({"loadbalancer": {"vip_subnet_id": subnet, "colour": "red"}}), 400),
        (
            "unknown top-level key",
            "demo",
            "/lbaas/loadbalancers".into(),
            json!({"loadbalancer": {"vip_subnet_id": subnet}, "extra": 1}),
            400,
        ),
        ("missing vip", "demo", "/lbaas/loadbalancers".into(), json!({"loadbalancer": {"name": "novip"}}), 400),
        ("unknown subnet", "demo", "/lbaas/loadbalancers".into(), json!({"loadbalancer": {"vip_subnet_id": "no-such-subnet"}}), 400),
        (
            "unknown provider",
            "demo",
            "/lbaas/loadbalancers".into(),
            json!({"loadbalancer": {"vip_subnet_id": subnet, "provider": "f5"}}),
            400,
        ),
        (
            "bad listener protocol",
            "admin",
            "/lbaas/listeners".into(),
            json!({"listener": {"loadbalancer_id": kube, "protocol": "FTP", "protocol_port": 21}}),
            400,
        ),
        (
            "listener port 0",
            "admin",
            "/lbaas/listeners".into(),
            json!({"listener": {"loadbalancer_id": kube, "protocol": "TCP", "protocol_port": 0}}),
            400,
        ),
        (
            "bad pool protocol",
            "admin",
            "/lbaas/pools".into(),
            json!({"pool": {"loadbalancer_id": kube, "protocol": "GOPHER", "lb_algorithm": "ROUND_ROBIN"}}),
            400,
        ),
        (
            "bad member address",
            "admin",
            format!("/lbaas/pools/{pool}/members"),
            json!({"member": {"address": "10.6.0.999", "protocol_port": 6443}}),
            400,
        ),
        (
            "member port 0",
            "admin",
            format!("/lbaas/pools/{pool}/members"),
            json!({"member": {"address": "10.6.0.200", "protocol_port": 0}}),
            400,
        ),
        (
            "duplicate member",
            "admin",
            format!("/lbaas/pools/{pool}/members"),
            json!({"member": {"address": taken, "protocol_port": 6443}}),
            409,
        ),
        (
            "a negative delay",
            "admin",
            "/lbaas/healthmonitors".into(),
            json!({"healthmonitor": {"pool_id": pool, "type": "TCP", "delay": -1, "timeout": 3, "max_retries": 3}}),
            400,
        ),
        (
            "an HTTP setting on a TCP monitor",
            "admin",
            "/lbaas/healthmonitors".into(),
            json!({"healthmonitor": {"pool_id": pool, "type": "TCP", "delay": 5, "timeout": 3, "max_retries": 3, "url_path": "/"}}),
            400,
        ),
        (
            "max_retries 11",
            "admin",
            "/lbaas/healthmonitors".into(),
            json!({"healthmonitor": {"pool_id": pool, "type": "TCP", "delay": 5, "timeout": 3, "max_retries": 11}}),
            400,
        ),
        ("wrong body type", "admin", "/lbaas/listeners".into(), json!([1, 2]), 400),
    ];
    for (what, who, path, body, status) in cases {
        let token = if who == "admin" { &admin } else { &demo };
        let r = api(&c, Method::POST, &path, token, Some(body)).await;
        octavia_client_error(&r, status, what);
    }
    for (what, path, body) in [
        ("non-JSON body", "/lbaas/loadbalancers", b"{not json".to_vec()),
        ("empty body", "/lbaas/loadbalancers", vec![]),
        ("non-JSON member", &format!("/lbaas/pools/{pool}/members") as &str, b"address=1".to_vec()),
    ] {
        let r = c.raw(Method::POST, &format!("{LB}{path}"), Some(&demo), body).await;
        octavia_client_error(&r, 400, what);
    }
    let r = get(&c, "/lbaas/loadbalancers?colour=red", &admin).await;
    octavia_client_error(&r, 400, "unknown filter key");
    assert!(r.body["faultstring"].as_str().unwrap().contains("colour"), "{}", r.text);
    let r = get(&c, &format!("/lbaas/pools/{pool}/members?colour=red"), &admin).await;
    octavia_client_error(&r, 400, "unknown member filter key");

    assert_eq!(octavia_state(&c, &admin).await, before, "a refused request changes nothing");
    assert!(c.state_without_journal() == world_before, "a refused request changes nothing in the world");
    assert_eq!(items(&get(&c, "/lbaas/loadbalancers", &demo).await, "loadbalancers"), demo_before);
    assert_eq!(lb_prov(&c, &admin, &kube).await, "ACTIVE", "no refused request locked the LB");
}

#[tokio::test]
async fn an_unknown_filter_key_is_refused_even_when_the_list_is_empty() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let admin = c.admin().await;
    // demo sees no load balancer at all, admin sees one; the filter key is equally unknown to both.
    assert_eq!(get(&c, "/lbaas/loadbalancers?colour=red", &admin).await.status, 400);
    let r = get(&c, "/lbaas/loadbalancers?colour=red", &demo).await;
    octavia_client_error(&r, 400, "unknown filter key on an empty list");
    let r = get(&c, "/lbaas/loadbalancers?name=no-such-lb&colour=red", &admin).await;
    octavia_client_error(&r, 400, "unknown filter key beside a name that matches nothing");
}

/// A batch is checked whole before anything changes: one bad member refuses it all. (Without that
/// check the dropped members were left PENDING_DELETE and the kept one PENDING_UPDATE for good, with
/// no worker task.) Each case makes the bad member from the kept member's address and the pool's
/// subnet.
#[rstest]
#[case::protocol_port_0("protocol_port 0", |_, _| json!({"address": "10.6.0.201", "protocol_port": 0}))]
#[case::weight_300("weight 300", |_, _| json!({"address": "10.6.0.201", "protocol_port": 6443, "weight": 300}))]
#[case::unknown_subnet("unknown subnet", |_, _| json!({"address": "10.6.0.201", "protocol_port": 6443, "subnet_id": "no-such-subnet"}))]
#[case::bad_address("bad address", |_, _| json!({"address": "10.6.0.301", "protocol_port": 6443}))]
#[case::duplicate("duplicate", |kept, subnet| json!({"address": kept, "protocol_port": 6443, "subnet_id": subnet}))]
#[tokio::test]
async fn a_refused_batch_member_update_changes_nothing(#[case] what: &str, #[case] bad: fn(Value, String) -> Value) {
    let c = TestCloud::start().await;
    let (admin, lb_id, pool) = kube_setup(&c).await;
    let before = members(&c, &admin, &pool).await;
    let keep = before[0].clone();
    let before_world = c.state_without_journal();
    let subnet = subnet_id(&c, &admin, "capi-mgmt-subnet").await;
    let bad = bad(keep["address"].clone(), subnet.clone());
    let body =
        json!({"members": [{"address": keep["address"], "protocol_port": 6443}, {"address": "10.6.0.202", "protocol_port": 6443}, bad]});
    let r = api(&c, Method::PUT, &format!("/lbaas/pools/{pool}/members"), &admin, Some(body)).await;
    octavia_client_error(&r, 400, &format!("batch with {what}"));
    assert!(c.state_without_journal() == before_world, "batch with {what} changed the world");
    advance(&c, 60).await;
    let after = members(&c, &admin, &pool).await;
    let statuses: Vec<String> = after.iter().map(|m| s(&m["provisioning_status"])).collect();
    assert_eq!(statuses, ["ACTIVE", "ACTIVE", "ACTIVE"], "{after:?}");
    assert_eq!(ids(&after), ids(&before));
    assert_eq!(lb_prov(&c, &admin, &lb_id).await, "ACTIVE");
}
