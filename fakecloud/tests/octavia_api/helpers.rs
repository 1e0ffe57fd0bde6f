//! The Octavia tests' shared vocabulary: the fixture's kube-api load balancer, thin clients for the
//! load-balancer and compute APIs, and the waits on the simulated clock.

use crate::common::{self, Reply, TestCloud};
use reqwest::Method;
use serde_json::{json, Value};

pub const LB: &str = "/load-balancer/v2";
pub const KUBE_LB: &str = "k8s-clusterapi-cluster-default-kube-kubeapi";
pub const KUBE_POOL: &str = "k8s-clusterapi-cluster-default-kube-kubeapi-6443";
pub const NOVA_V: &str = "compute 2.96";
pub const POLICY_403: &str = "Policy does not allow this request to be performed.";

pub async fn api(c: &TestCloud, method: Method, path: &str, token: &str, body: Option<Value>) -> Reply {
    c.send(method, &format!("{LB}{path}"), Some(token), body).await
}

pub async fn get(c: &TestCloud, path: &str, token: &str) -> Reply {
    api(c, Method::GET, path, token, None).await
}

pub async fn nova(c: &TestCloud, method: Method, path: &str, token: &str, body: Option<Value>) -> Reply {
    let mut req = c
        .http
        .request(method, c.url(&format!("/compute/v2.1{path}")))
        .header("X-Auth-Token", token)
        .header("OpenStack-API-Version", NOVA_V);
    if let Some(b) = body {
        req = req.json(&b);
    }
    common::reply(req.send().await.unwrap()).await
}

/// Moves the simulated clock on by `secs` seconds.
pub async fn advance(c: &TestCloud, secs: i64) {
    c.advance(&format!("{secs}s")).await;
}

pub async fn installed_faults(c: &TestCloud) -> Vec<Value> {
    c.get("/_fakecloud/faults", None).await.body["faults"].as_array().unwrap().clone()
}

pub async fn journal(c: &TestCloud, kind: &str) -> Vec<Value> {
    let r = c.get(&format!("/_fakecloud/journal?kind={kind}"), None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["entries"].as_array().unwrap().clone()
}

pub fn s(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}")).to_string()
}

pub fn items(r: &Reply, plural: &str) -> Vec<Value> {
    assert_eq!(r.status, 200, "{}", r.text);
    r.body[plural].as_array().unwrap_or_else(|| panic!("no {plural} in {}", r.text)).clone()
}

pub fn ids(list: &[Value]) -> Vec<String> {
    list.iter().map(|x| s(&x["id"])).collect()
}

pub async fn kube_lb_id(c: &TestCloud, admin: &str) -> String {
    let lbs = items(&get(c, &format!("/lbaas/loadbalancers?name={KUBE_LB}"), admin).await, "loadbalancers");
    assert_eq!(lbs.len(), 1);
    s(&lbs[0]["id"])
}

pub async fn kube_pool_id(c: &TestCloud, admin: &str) -> String {
    let pools = items(&get(c, &format!("/lbaas/pools?name={KUBE_POOL}"), admin).await, "pools");
    assert_eq!(pools.len(), 1);
    s(&pools[0]["id"])
}

pub async fn lb(c: &TestCloud, token: &str, id: &str) -> Value {
    let r = get(c, &format!("/lbaas/loadbalancers/{id}"), token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["loadbalancer"].clone()
}

pub async fn lb_prov(c: &TestCloud, token: &str, id: &str) -> String {
    s(&lb(c, token, id).await["provisioning_status"])
}

pub async fn members(c: &TestCloud, token: &str, pool: &str) -> Vec<Value> {
    items(&get(c, &format!("/lbaas/pools/{pool}/members"), token).await, "members")
}

pub async fn member(c: &TestCloud, token: &str, pool: &str, id: &str) -> Reply {
    get(c, &format!("/lbaas/pools/{pool}/members/{id}"), token).await
}

pub async fn amphorae_of(c: &TestCloud, admin: &str, lb_id: &str) -> Vec<Value> {
    items(&get(c, &format!("/octavia/amphorae?loadbalancer_id={lb_id}"), admin).await, "amphorae")
}

pub async fn create_member(c: &TestCloud, token: &str, pool: &str, address: &str, port: u16) -> Reply {
    api(
        c,
        Method::POST,
        &format!("/lbaas/pools/{pool}/members"),
        token,
        Some(json!({"member": {"address": address, "protocol_port": port}})),
    )
    .await
}

/// Advances the clock `step` seconds at a time until the load balancer's provisioning status is
/// `want`; returns the simulated seconds that took.
pub async fn seconds_until_lb(c: &TestCloud, token: &str, id: &str, want: &str, step: i64, max: i64) -> i64 {
    let mut elapsed = 0;
    while elapsed < max {
        advance(c, step).await;
        elapsed += step;
        if lb_prov(c, token, id).await == want {
            return elapsed;
        }
    }
    panic!("load balancer {id} not {want} after {max} s: {}", lb(c, token, id).await);
}

pub async fn subnet_id(c: &TestCloud, token: &str, name: &str) -> String {
    let r = c.get(&format!("/network/v2.0/subnets?name={name}"), Some(token)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    s(&r.body["subnets"][0]["id"])
}

pub fn octavia_client_error(r: &Reply, status: u16, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.text);
    assert_eq!(r.body["faultcode"], "Client", "{what}: {}", r.text);
    assert!(r.body["faultstring"].as_str().is_some_and(|m| !m.is_empty()), "{what}: {}", r.text);
    assert!(r.body.get("debuginfo").is_some(), "{what}: {}", r.text);
}

/// A demo-owned load balancer on private-subnet, ACTIVE.
pub async fn demo_lb(c: &TestCloud, demo: &str, name: &str) -> String {
    let subnet = subnet_id(c, demo, "private-subnet").await;
    let r =
        api(c, Method::POST, "/lbaas/loadbalancers", demo, Some(json!({"loadbalancer": {"name": name, "vip_subnet_id": subnet}}))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = s(&r.body["loadbalancer"]["id"]);
    seconds_until_lb(c, demo, &id, "ACTIVE", 5, 120).await;
    id
}
pub async fn kube_setup(c: &TestCloud) -> (String, String, String) {
    let admin = c.admin().await;
    let lb_id = kube_lb_id(c, &admin).await;
    let pool = kube_pool_id(c, &admin).await;
    (admin, lb_id, pool)
}
