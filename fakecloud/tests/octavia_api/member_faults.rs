//! The amphorav2 member faults: lag, stuck, error, delete lag and the lost task.

use crate::common::TestCloud;
use crate::helpers::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn member_lag_unlocks_the_load_balancer_on_time_while_the_member_stays_pending_create() {
    let c = TestCloud::start().await;
    let (admin, lb_id, pool) = kube_setup(&c).await;
    c.add_fault(json!({"kind": "member-lag", "seconds": 30, "match": {"pool": "k8s-*"}, "count": 1})).await;
    let r = create_member(&c, &admin, &pool, "10.6.0.200", 6443).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let m = s(&r.body["member"]["id"]);
    assert_eq!(lb_prov(&c, &admin, &lb_id).await, "PENDING_UPDATE");
    advance(&c, 3).await;
    assert_eq!(lb_prov(&c, &admin, &lb_id).await, "ACTIVE", "unlocked on time");
    assert_eq!(member(&c, &admin, &pool, &m).await.body["member"]["provisioning_status"], "PENDING_CREATE");
    assert!(installed_faults(&c).await.is_empty(), "a count-1 fault is spent");
    advance(&c, 20).await;
    assert_eq!(member(&c, &admin, &pool, &m).await.body["member"]["provisioning_status"], "PENDING_CREATE", "still lagging at +23 s");
    advance(&c, 11).await;
    let got = member(&c, &admin, &pool, &m).await.body["member"].clone();
    assert_eq!(got["provisioning_status"], "ACTIVE", "settled after the lag: {got}");
    assert_eq!(got["operating_status"], "ONLINE");
}

#[tokio::test]
async fn member_stuck_leaves_the_member_pending_create_for_good_with_the_load_balancer_active() {
    let c = TestCloud::start().await;
    let (admin, lb_id, pool) = kube_setup(&c).await;
    c.add_fault(json!({"kind": "member-stuck", "match": {"pool": "k8s-*"}, "count": 1})).await;
    let r = create_member(&c, &admin, &pool, "10.6.0.200", 6443).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let m = s(&r.body["member"]["id"]);
    advance(&c, 300).await;
    assert_eq!(lb_prov(&c, &admin, &lb_id).await, "ACTIVE");
    assert_eq!(member(&c, &admin, &pool, &m).await.body["member"]["provisioning_status"], "PENDING_CREATE");
    // The next member is unaffected: the fault was spent.
    let r = create_member(&c, &admin, &pool, "10.6.0.201", 6443).await;
    assert_eq!(r.status, 201, "{}", r.text);
    advance(&c, 5).await;
    assert_eq!(member(&c, &admin, &pool, &s(&r.body["member"]["id"])).await.body["member"]["provisioning_status"], "ACTIVE");
}

#[tokio::test]
async fn member_error_puts_the_member_in_error_with_the_load_balancer_active() {
    let c = TestCloud::start().await;
    let (admin, lb_id, pool) = kube_setup(&c).await;
    c.add_fault(json!({"kind": "member-error", "match": {"pool": "k8s-*"}, "count": 1})).await;
    let r = create_member(&c, &admin, &pool, "10.6.0.200", 6443).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let m = s(&r.body["member"]["id"]);
    advance(&c, 5).await;
    assert_eq!(lb_prov(&c, &admin, &lb_id).await, "ACTIVE");
    let got = member(&c, &admin, &pool, &m).await.body["member"].clone();
    assert_eq!(got["provisioning_status"], "ERROR", "{got}");
    assert_eq!(got["operating_status"], "ERROR");
    assert_eq!(get(&c, &format!("/lbaas/pools/{pool}"), &admin).await.body["pool"]["operating_status"], "DEGRADED");
}

#[tokio::test]
async fn member_delete_lag_shows_the_member_pending_delete_after_the_load_balancer_is_active() {
    let c = TestCloud::start().await;
    let (admin, lb_id, pool) = kube_setup(&c).await;
    let victim = s(&members(&c, &admin, &pool).await[2]["id"]);
    c.add_fault(json!({"kind": "member-delete-lag", "seconds": 20, "match": {"pool": "k8s-*"}, "count": 1})).await;
    let r = api(&c, Method::DELETE, &format!("/lbaas/pools/{pool}/members/{victim}"), &admin, None).await;
    assert_eq!(r.status, 204, "{}", r.text);
    advance(&c, 3).await;
    assert_eq!(lb_prov(&c, &admin, &lb_id).await, "ACTIVE");
    let still = member(&c, &admin, &pool, &victim).await;
    assert_eq!(still.status, 200, "{}", still.text);
    assert_eq!(still.body["member"]["provisioning_status"], "PENDING_DELETE");
    advance(&c, 15).await;
    assert_eq!(member(&c, &admin, &pool, &victim).await.status, 200, "still lagging at +18 s");
    advance(&c, 6).await;
    assert_eq!(member(&c, &admin, &pool, &victim).await.status, 404, "gone after the lag");
    assert_eq!(members(&c, &admin, &pool).await.len(), 2);
}

#[tokio::test]
async fn lost_task_leaves_the_load_balancer_pending_update_and_the_member_pending_create() {
    let c = TestCloud::start().await;
    let (admin, lb_id, pool) = kube_setup(&c).await;
    c.add_fault(json!({"kind": "lost-task", "match": {"pool": "k8s-*"}, "count": 1})).await;
    let r = create_member(&c, &admin, &pool, "10.6.0.200", 6443).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let m = s(&r.body["member"]["id"]);
    advance(&c, 300).await;
    assert_eq!(lb_prov(&c, &admin, &lb_id).await, "PENDING_UPDATE");
    assert_eq!(member(&c, &admin, &pool, &m).await.body["member"]["provisioning_status"], "PENDING_CREATE");
    let r = create_member(&c, &admin, &pool, "10.6.0.201", 6443).await;
    octavia_client_error(&r, 409, "the LB stays locked");
}

#[tokio::test]
async fn a_member_fault_matching_another_pool_does_not_fire() {
    let c = TestCloud::start().await;
    let (admin, lb_id, pool) = kube_setup(&c).await;
    c.add_fault(json!({"kind": "member-error", "match": {"pool": "some-other-pool"}, "count": 1})).await;
    c.add_fault(json!({"kind": "lost-task", "match": {"loadbalancer": "not-this-lb*"}, "count": 1})).await;
    let r = create_member(&c, &admin, &pool, "10.6.0.200", 6443).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let m = s(&r.body["member"]["id"]);
    advance(&c, 5).await;
    assert_eq!(lb_prov(&c, &admin, &lb_id).await, "ACTIVE");
    assert_eq!(member(&c, &admin, &pool, &m).await.body["member"]["provisioning_status"], "ACTIVE");
    let faults = installed_faults(&c).await;
    assert_eq!(faults.len(), 2, "neither fault was spent");
    assert!(faults.iter().all(|f| f["hits"] == 0), "{faults:?}");
}

#[tokio::test]
async fn member_create_faults_are_not_spent_by_a_member_update() {
    let c = TestCloud::start().await;
    let (admin, lb_id, pool) = kube_setup(&c).await;
    let existing = s(&members(&c, &admin, &pool).await[0]["id"]);
    c.add_fault(json!({"kind": "member-stuck", "match": {"pool": "k8s-*"}, "count": 1})).await;
    let r = api(&c, Method::PUT, &format!("/lbaas/pools/{pool}/members/{existing}"), &admin, Some(json!({"member": {"weight": 7}}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    advance(&c, 5).await;
    assert_eq!(lb_prov(&c, &admin, &lb_id).await, "ACTIVE");
    let updated = member(&c, &admin, &pool, &existing).await.body["member"].clone();
    assert_eq!(updated["provisioning_status"], "ACTIVE", "an update is not a new member: {updated}");
    assert_eq!(installed_faults(&c).await.len(), 1, "the fault is still waiting for a create");
    let r = create_member(&c, &admin, &pool, "10.6.0.200", 6443).await;
    advance(&c, 60).await;
    assert_eq!(member(&c, &admin, &pool, &s(&r.body["member"]["id"])).await.body["member"]["provisioning_status"], "PENDING_CREATE");
}

#[tokio::test]
async fn member_health_lag_keeps_an_active_member_offline_and_out_of_service_until_its_checks_rise() {
    let c = TestCloud::start().await;
    let (admin, lb_id, pool) = kube_setup(&c).await;
    c.add_fault(json!({"kind": "member-health-lag", "seconds": 40, "match": {"pool": "k8s-*"}, "count": 1})).await;
    let r = create_member(&c, &admin, &pool, "10.6.0.200", 6443).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let m = s(&r.body["member"]["id"]);
    advance(&c, 5).await;
    let got = member(&c, &admin, &pool, &m).await.body["member"].clone();
    assert_eq!((got["provisioning_status"].as_str(), got["operating_status"].as_str()), (Some("ACTIVE"), Some("OFFLINE")), "{got}");
    assert!(installed_faults(&c).await.is_empty(), "a count-1 fault is spent");
    // The old members still serve, so the load balancer does; now take them away.
    for old in members(&c, &admin, &pool).await.iter().filter(|x| s(&x["id"]) != m) {
        let path = format!("/lbaas/pools/{pool}/members/{}", s(&old["id"]));
        assert_eq!(api(&c, Method::DELETE, &path, &admin, None).await.status, 204);
        advance(&c, 5).await;
    }
    let a = c.get(&format!("/_fakecloud/loadbalancers/{lb_id}/availability"), None).await.body["availability"].clone();
    assert_eq!(a["serving"], false, "an ACTIVE member still OFFLINE serves nothing: {a}");
    assert!(a["open_outage"]["since"].is_string(), "{a}");
    advance(&c, 40).await;
    let got = member(&c, &admin, &pool, &m).await.body["member"].clone();
    assert_eq!(got["operating_status"], "ONLINE", "risen after the lag: {got}");
    let a = c.get(&format!("/_fakecloud/loadbalancers/{lb_id}/availability"), None).await.body["availability"].clone();
    assert_eq!((a["serving"].clone(), a["open_outage"].clone()), (json!(true), json!(null)), "{a}");
    let down = a["total_down_seconds"].as_f64().unwrap();
    assert!(down > 0.0 && down < 40.0, "the gap between the last old member and the rise: {a}");
}

#[tokio::test]
async fn member_health_lag_does_not_fire_in_a_pool_without_a_health_monitor() {
    let c = TestCloud::start().await;
    let (admin, _lb_id, pool) = kube_setup(&c).await;
    let hm = s(&get(&c, &format!("/lbaas/pools/{pool}"), &admin).await.body["pool"]["healthmonitor_id"]);
    assert_eq!(api(&c, Method::DELETE, &format!("/lbaas/healthmonitors/{hm}"), &admin, None).await.status, 204);
    advance(&c, 5).await;
    c.add_fault(json!({"kind": "member-health-lag", "seconds": 40, "match": {"pool": "k8s-*"}, "count": 1})).await;
    let r = create_member(&c, &admin, &pool, "10.6.0.200", 6443).await;
    let m = s(&r.body["member"]["id"]);
    advance(&c, 5).await;
    let got = member(&c, &admin, &pool, &m).await.body["member"].clone();
    assert_eq!((got["provisioning_status"].as_str(), got["operating_status"].as_str()), (Some("ACTIVE"), Some("NO_MONITOR")), "{got}");
    assert_eq!(installed_faults(&c).await.len(), 1, "nothing checks the member, so the fault waits");
}
