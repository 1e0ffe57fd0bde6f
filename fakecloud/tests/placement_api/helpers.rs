//! The Placement tests' shared vocabulary: this test's own providers and consumers, a client that
//! names the microversion, and the shapes of Placement's answers.

use crate::common::{reply, Reply, TestCloud};
use fakecloud::placement::model::{Inventory, DISK_GB, MEMORY_MB, VCPU};
use reqwest::Method;
use serde_json::Value;
use std::collections::BTreeMap;

pub const RP_A: &str = "aaaaaaaa-1111-4111-8111-111111111111";
pub const RP_B: &str = "bbbbbbbb-2222-4222-8222-222222222222";
pub const CONSUMER: &str = "cccccccc-3333-4333-8333-333333333333";
pub const CONSUMER_2: &str = "dddddddd-4444-4444-8444-444444444444";
pub const CONSUMER_3: &str = "eeeeeeee-5555-4555-8555-555555555555";

/// An answer to a request with an optional token and microversion (common's `send` names no
/// microversion).
pub async fn call(c: &TestCloud, method: &str, path: &str, token: Option<&str>, version: Option<&str>, body: Option<Value>) -> Reply {
    let mut req = c.http.request(Method::from_bytes(method.as_bytes()).unwrap(), c.url(&format!("/placement{path}")));
    if let Some(t) = token {
        req = req.header("X-Auth-Token", t);
    }
    if let Some(v) = version {
        req = req.header("OpenStack-API-Version", format!("placement {v}"));
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    reply(req.send().await.unwrap()).await
}

/// Two providers of this test's own: A (8 GiB, 512 reserved, RAM ratio 1.5; 4 VCPU at 4.0; a custom
/// trait) and B (4 GiB, plain).
pub fn add_providers(c: &TestCloud) {
    let mut world = c.running.cloud.world();
    let a = BTreeMap::from([
        (MEMORY_MB.to_string(), Inventory::new(8192, 512, 1.5)),
        (VCPU.to_string(), Inventory::new(4, 0, 4.0)),
        (DISK_GB.to_string(), Inventory::new(100, 0, 1.0)),
    ]);
    world.placement.add_provider(RP_A.into(), "pl-test-a".into(), a, vec!["CUSTOM_PL_TEST_GOLD".into(), "COMPUTE_NODE".into()]);
    let b = BTreeMap::from([(MEMORY_MB.to_string(), Inventory::new(4096, 0, 1.0)), (VCPU.to_string(), Inventory::new(2, 0, 1.0))]);
    world.placement.add_provider(RP_B.into(), "pl-test-b".into(), b, vec!["COMPUTE_NODE".into()]);
}

pub async fn setup() -> (TestCloud, String) {
    let c = TestCloud::start().await;
    add_providers(&c);
    let admin = c.admin().await;
    (c, admin)
}

pub fn error(r: &Reply) -> &Value {
    &r.body["errors"][0]
}

pub fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort();
    k
}

/// The allocation requests and summaries that name one of this test's providers.
pub fn mine(r: &Reply) -> (Vec<String>, Vec<String>) {
    let ours = |u: &str| u == RP_A || u == RP_B;
    let mut reqs: Vec<String> = r.body["allocation_requests"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|ar| ar["allocations"].as_object().unwrap().keys().cloned().collect::<Vec<_>>())
        .filter(|u| ours(u))
        .collect();
    reqs.sort();
    let mut sums: Vec<String> = r.body["provider_summaries"].as_object().unwrap().keys().filter(|u| ours(u)).cloned().collect();
    sums.sort();
    (reqs, sums)
}
