//! Placement over HTTP: the version document and microversion negotiation (406 naming the range,
//! which is how osc-placement lowers its version), response shapes at several microversions, the
//! capacity arithmetic seen through allocation candidates, generation conflicts, policy, and bad
//! input on every route (4xx in Placement's format, never a 5xx, nothing changed).
//!
//! The default fixture may carry its own providers (the compute hosts); these tests add their own
//! and only look at those.

mod common;

use common::{reply, Reply, TestCloud};
use fakecloud::placement::model::{Inventory, DISK_GB, MEMORY_MB, VCPU};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const RP_A: &str = "aaaaaaaa-1111-4111-8111-111111111111";
const RP_B: &str = "bbbbbbbb-2222-4222-8222-222222222222";
const CONSUMER: &str = "cccccccc-3333-4333-8333-333333333333";
const CONSUMER_2: &str = "dddddddd-4444-4444-8444-444444444444";
const CONSUMER_3: &str = "eeeeeeee-5555-4555-8555-555555555555";

/// An answer (kept apart from common's Reply so this file builds on its own).
async fn call(c: &TestCloud, method: &str, path: &str, token: Option<&str>, version: Option<&str>, body: Option<Value>) -> Reply {
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
fn add_providers(c: &TestCloud) {
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

async fn setup() -> (TestCloud, String) {
    let c = TestCloud::start().await;
    add_providers(&c);
    let admin = c.admin().await;
    (c, admin)
}

fn error(r: &Reply) -> &Value {
    &r.body["errors"][0]
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort();
    k
}

/// The allocation requests and summaries that name one of this test's providers.
fn mine(r: &Reply) -> (Vec<String>, Vec<String>) {
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

#[tokio::test]
async fn the_version_document_needs_no_token_and_echoes_the_version() {
    let (c, _) = setup().await;
    let r = call(&c, "GET", "", None, None, None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = &r.body["versions"][0];
    assert_eq!(v["id"], "v1.0");
    assert_eq!(v["max_version"], "1.39");
    assert_eq!(v["min_version"], "1.0");
    assert_eq!(v["status"], "CURRENT");
    assert_eq!(v["links"][0]["rel"], "self");
    assert_eq!(r.headers["openstack-api-version"], "placement 1.0");
    assert!(r.headers["vary"].to_str().unwrap().contains("OpenStack-API-Version"));
    // osc-placement's first call.
    let r = call(&c, "GET", "/", None, Some("1.29"), None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers["openstack-api-version"], "placement 1.29");
    let r = call(&c, "GET", "", None, Some("latest"), None).await;
    assert_eq!(r.headers["openstack-api-version"], "placement 1.39");
    assert_eq!(r.headers["cache-control"], "no-cache");
    assert!(r.headers.contains_key("last-modified"));
}

#[tokio::test]
async fn an_unsupported_microversion_is_406_naming_the_range() {
    let (c, admin) = setup().await;
    for path in ["", "/resource_providers"] {
        let r = call(&c, "GET", path, Some(&admin), Some("1.99"), None).await;
        assert_eq!(r.status, 406, "{}", r.text);
        let e = error(&r);
        assert_eq!(e["max_version"], "1.39");
        assert_eq!(e["min_version"], "1.0");
        assert_eq!(e["status"], 406);
        assert_eq!(e["title"], "Not Acceptable");
        assert!(e["detail"].as_str().unwrap().contains("Unacceptable version header: 1.99"));
        assert!(e.get("code").is_none(), "no code without a version: {e}");
        assert!(e["request_id"].as_str().unwrap().starts_with("req-"));
        assert!(!r.headers.contains_key("openstack-api-version"));
    }
    let r = call(&c, "GET", "/resource_providers", Some(&admin), Some("pony.horse"), None).await;
    assert_eq!(r.status, 400);
    assert!(error(&r)["detail"].as_str().unwrap().contains("invalid version string: pony.horse"));
    assert!(error(&r).get("max_version").is_none());
    let r = call(&c, "GET", "/resource_providers", Some(&admin), Some("0.9"), None).await;
    assert_eq!(r.status, 406);
    // The token is checked first, as keystonemiddleware runs before the microversion middleware.
    let r = call(&c, "GET", "/resource_providers", None, Some("1.99"), None).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.body["error"]["code"], 401);
}

#[tokio::test]
async fn providers_are_shaped_by_the_microversion() {
    let (c, admin) = setup().await;
    let r = call(&c, "GET", "/resource_providers?name=pl-test-a", Some(&admin), None, None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let rps = r.body["resource_providers"].as_array().unwrap();
    assert_eq!(rps.len(), 1);
    let rp = &rps[0];
    assert_eq!(keys(rp), ["generation", "links", "name", "uuid"]);
    assert_eq!(rp["uuid"], RP_A);
    assert_eq!(rp["generation"], 1);
    let rels: Vec<&str> = rp["links"].as_array().unwrap().iter().map(|l| l["rel"].as_str().unwrap()).collect();
    assert_eq!(rels, ["self", "inventories", "usages"]);
    assert_eq!(rp["links"][0]["href"], format!("/placement/resource_providers/{RP_A}"));
    assert!(!r.headers.contains_key("cache-control"));

    let r = call(&c, "GET", "/resource_providers?name=pl-test-a", Some(&admin), Some("1.14"), None).await;
    let rp = &r.body["resource_providers"][0];
    assert_eq!(keys(rp), ["generation", "links", "name", "parent_provider_uuid", "root_provider_uuid", "uuid"]);
    assert_eq!(rp["parent_provider_uuid"], Value::Null);
    assert_eq!(rp["root_provider_uuid"], RP_A);

    let r = call(&c, "GET", &format!("/resource_providers/{RP_A}"), Some(&admin), Some("1.29"), None).await;
    assert_eq!(r.status, 200);
    let rels: Vec<&str> = r.body["links"].as_array().unwrap().iter().map(|l| l["rel"].as_str().unwrap()).collect();
    assert_eq!(rels, ["self", "inventories", "usages", "aggregates", "traits", "allocations"]);
    assert_eq!(r.headers["cache-control"], "no-cache");

    // Filters: uuid, resources (1.4), required traits (1.18), in_tree (1.14).
    let r = call(&c, "GET", &format!("/resource_providers?uuid={RP_B}"), Some(&admin), None, None).await;
    assert_eq!(r.body["resource_providers"].as_array().unwrap().len(), 1);
    let r = call(&c, "GET", "/resource_providers?resources=MEMORY_MB:8000", Some(&admin), Some("1.4"), None).await;
    let uuids: Vec<&str> = r.body["resource_providers"].as_array().unwrap().iter().map(|p| p["uuid"].as_str().unwrap()).collect();
    assert!(uuids.contains(&RP_A) && !uuids.contains(&RP_B), "{uuids:?}");
    let r = call(&c, "GET", "/resource_providers?resources=MEMORY_MB:1", Some(&admin), Some("1.3"), None).await;
    assert_eq!(r.status, 400, "resources is not a filter before 1.4: {}", r.text);
    let r = call(&c, "GET", "/resource_providers?required=CUSTOM_PL_TEST_GOLD", Some(&admin), Some("1.18"), None).await;
    assert_eq!(r.body["resource_providers"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["resource_providers"][0]["uuid"], RP_A);
    let r = call(&c, "GET", "/resource_providers?required=!CUSTOM_PL_TEST_GOLD&name=pl-test-b", Some(&admin), Some("1.22"), None).await;
    assert_eq!(r.body["resource_providers"].as_array().unwrap().len(), 1);
    let r = call(&c, "GET", "/resource_providers?required=CUSTOM_NOT_A_TRAIT", Some(&admin), Some("1.18"), None).await;
    assert_eq!(r.status, 400);
    assert!(error(&r)["detail"].as_str().unwrap().contains("No such trait(s): CUSTOM_NOT_A_TRAIT."));
    let r = call(&c, "GET", "/resource_providers?resources=CUSTOM_NOPE:1", Some(&admin), Some("1.4"), None).await;
    assert_eq!(r.status, 400);
    let r = call(&c, "GET", &format!("/resource_providers?in_tree={RP_B}"), Some(&admin), Some("1.14"), None).await;
    assert_eq!(r.body["resource_providers"].as_array().unwrap().len(), 1);
    let r = call(&c, "GET", "/resource_providers?bogus=1", Some(&admin), None, None).await;
    assert_eq!(r.status, 400);
    assert!(error(&r)["detail"].as_str().unwrap().contains("Additional properties are not allowed ('bogus' was unexpected)"));
}

#[tokio::test]
async fn providers_are_created_renamed_and_deleted_by_the_admin() {
    let (c, admin) = setup().await;
    // Before 1.20: 201, no body, a Location to GET.
    let r = call(&c, "POST", "/resource_providers", Some(&admin), None, Some(json!({"name": "pl-new-1"}))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(r.text.is_empty());
    let location = r.headers["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(&c.url("/placement/resource_providers/")), "{location}");
    let got = reply(c.http.get(&location).header("X-Auth-Token", &admin).send().await.unwrap()).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body["generation"], 0);
    // From 1.20: 200 with the provider; a child names its parent, and its root is the parent's.
    let child = "ffffffff-6666-4666-8666-666666666666";
    let body = json!({"name": "pl-child", "uuid": child, "parent_provider_uuid": RP_A});
    let r = call(&c, "POST", "/resource_providers", Some(&admin), Some("1.20"), Some(body)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["uuid"], child);
    assert_eq!(r.body["root_provider_uuid"], RP_A);
    assert_eq!(r.body["parent_provider_uuid"], RP_A);
    // Duplicate name: 409 with placement.duplicate_name from 1.23.
    let r = call(&c, "POST", "/resource_providers", Some(&admin), Some("1.23"), Some(json!({"name": "pl-test-a"}))).await;
    assert_eq!(r.status, 409);
    assert_eq!(error(&r)["code"], "placement.duplicate_name");
    let r = call(&c, "POST", "/resource_providers", Some(&admin), Some("1.22"), Some(json!({"name": "pl-test-a"}))).await;
    assert!(error(&r).get("code").is_none(), "codes start at 1.23");
    // A parent with children cannot go.
    let r = call(&c, "DELETE", &format!("/resource_providers/{RP_A}"), Some(&admin), Some("1.39"), None).await;
    assert_eq!(r.status, 409);
    assert_eq!(error(&r)["code"], "placement.resource_provider.cannot_delete_parent");
    // Rename.
    let r = call(&c, "PUT", &format!("/resource_providers/{child}"), Some(&admin), Some("1.14"), Some(json!({"name": "pl-renamed"}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["name"], "pl-renamed");
    assert_eq!(r.body["parent_provider_uuid"], RP_A);
    // Un-parenting needs 1.37.
    let unparent = json!({"name": "pl-renamed", "parent_provider_uuid": null});
    let r = call(&c, "PUT", &format!("/resource_providers/{child}"), Some(&admin), Some("1.36"), Some(unparent.clone())).await;
    assert_eq!(r.status, 400);
    let r = call(&c, "PUT", &format!("/resource_providers/{child}"), Some(&admin), Some("1.37"), Some(unparent)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["root_provider_uuid"], child);
    let r = call(&c, "DELETE", &format!("/resource_providers/{child}"), Some(&admin), None, None).await;
    assert_eq!(r.status, 204);
    let r = call(&c, "GET", &format!("/resource_providers/{child}"), Some(&admin), None, None).await;
    assert_eq!(r.status, 404);
    assert!(error(&r)["detail"].as_str().unwrap().ends_with(&format!("No resource provider with uuid {child} found  ")));
}

#[tokio::test]
async fn inventories_and_usages_follow_generations() {
    let (c, admin) = setup().await;
    let inv_path = format!("/resource_providers/{RP_B}/inventories");
    let r = call(&c, "GET", &inv_path, Some(&admin), None, None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["resource_provider_generation"], 1);
    let mem = &r.body["inventories"]["MEMORY_MB"];
    assert_eq!(keys(mem), ["allocation_ratio", "max_unit", "min_unit", "reserved", "step_size", "total"]);
    assert_eq!(mem["total"], 4096);
    assert_eq!(mem["allocation_ratio"], 1.0);

    // Replace all: a stale generation is a 409 with the concurrent-update code, and changes nothing.
    let body = json!({"resource_provider_generation": 0, "inventories": {"MEMORY_MB": {"total": 2048}}});
    let before = c.state_without_journal();
    let r = call(&c, "PUT", &inv_path, Some(&admin), Some("1.23"), Some(body)).await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(error(&r)["code"], "placement.concurrent_update");
    assert_eq!(c.state_without_journal(), before);
    let body =
        json!({"resource_provider_generation": 1, "inventories": {"MEMORY_MB": {"total": 2048, "reserved": 48}, "VCPU": {"total": 2}}});
    let r = call(&c, "PUT", &inv_path, Some(&admin), None, Some(body)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["resource_provider_generation"], 2);
    assert_eq!(r.body["inventories"]["MEMORY_MB"]["max_unit"], 2147483647, "Placement's default max_unit");

    // One class: create, read, update, delete.
    let r = call(&c, "POST", &inv_path, Some(&admin), None, Some(json!({"resource_class": "DISK_GB", "total": 50}))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["resource_provider_generation"], 3);
    assert!(r.headers["location"].to_str().unwrap().ends_with(&format!("{inv_path}/DISK_GB")));
    let r = call(&c, "POST", &inv_path, Some(&admin), Some("1.23"), Some(json!({"resource_class": "DISK_GB", "total": 50}))).await;
    assert_eq!(r.status, 409);
    let r = call(&c, "GET", &format!("{inv_path}/DISK_GB"), Some(&admin), None, None).await;
    assert_eq!(r.body["total"], 50);
    let r =
        call(&c, "PUT", &format!("{inv_path}/DISK_GB"), Some(&admin), None, Some(json!({"resource_provider_generation": 3, "total": 60})))
            .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["total"], 60);
    assert_eq!(r.body["resource_provider_generation"], 4);
    let r = call(&c, "PUT", &format!("{inv_path}/PCPU"), Some(&admin), None, Some(json!({"resource_provider_generation": 4, "total": 1})))
        .await;
    assert_eq!(r.status, 400, "no PCPU inventory to update: {}", r.text);
    // Reserved equal to total: refused before 1.26, accepted from it.
    let r =
        call(&c, "POST", &inv_path, Some(&admin), Some("1.25"), Some(json!({"resource_class": "PCPU", "total": 2, "reserved": 2}))).await;
    assert_eq!(r.status, 400);
    let r =
        call(&c, "POST", &inv_path, Some(&admin), Some("1.26"), Some(json!({"resource_class": "PCPU", "total": 2, "reserved": 2}))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = call(&c, "DELETE", &format!("{inv_path}/PCPU"), Some(&admin), None, None).await;
    assert_eq!(r.status, 204);
    let r = call(&c, "DELETE", &format!("{inv_path}/PCPU"), Some(&admin), None, None).await;
    assert_eq!(r.status, 404);

    // Usages list every inventory class, 0 when unused.
    let r = call(&c, "GET", &format!("/resource_providers/{RP_B}/usages"), Some(&admin), None, None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["usages"], json!({"DISK_GB": 0, "MEMORY_MB": 0, "VCPU": 0}));
    assert_eq!(r.body["resource_provider_generation"], 6);

    // Inventory in use cannot be removed: DELETE one (concurrent_update, as upstream), replace-all
    // and delete-all (inventory.inuse).
    let alloc = json!({"allocations": {RP_B: {"resources": {"MEMORY_MB": 1024}}}, "project_id": "p", "user_id": "u"});
    let r = call(&c, "PUT", &format!("/allocations/{CONSUMER}"), Some(&admin), Some("1.12"), Some(alloc)).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let before = c.state_without_journal();
    let r = call(&c, "DELETE", &format!("{inv_path}/MEMORY_MB"), Some(&admin), Some("1.39"), None).await;
    assert_eq!(r.status, 409);
    assert!(error(&r)["detail"].as_str().unwrap().contains("in use"));
    let gen = c.running.cloud.world().placement.providers[RP_B].generation;
    let body = json!({"resource_provider_generation": gen, "inventories": {"VCPU": {"total": 2}}});
    let r = call(&c, "PUT", &inv_path, Some(&admin), Some("1.39"), Some(body)).await;
    assert_eq!(r.status, 409);
    assert_eq!(error(&r)["code"], "placement.inventory.inuse");
    let r = call(&c, "DELETE", &inv_path, Some(&admin), Some("1.39"), None).await;
    assert_eq!(r.status, 409);
    assert_eq!(error(&r)["code"], "placement.inventory.inuse");
    let r = call(&c, "DELETE", &format!("/resource_providers/{RP_B}"), Some(&admin), Some("1.39"), None).await;
    assert_eq!(r.status, 409);
    assert_eq!(error(&r)["code"], "placement.resource_provider.inuse");
    assert_eq!(c.state_without_journal(), before);
    // Delete-all is 405 before 1.5.
    let r = call(&c, "DELETE", &inv_path, Some(&admin), Some("1.4"), None).await;
    assert_eq!(r.status, 405);
    let r = call(&c, "GET", &format!("/resource_providers/{RP_B}/usages"), Some(&admin), None, None).await;
    assert_eq!(r.body["usages"]["MEMORY_MB"], 1024);
    let r = call(&c, "GET", &format!("/resource_providers/{RP_B}/allocations"), Some(&admin), Some("1.28"), None).await;
    assert_eq!(r.body["allocations"][CONSUMER]["resources"]["MEMORY_MB"], 1024);
    assert_eq!(r.body["allocations"][CONSUMER]["consumer_generation"], 1);
}

/// (total - reserved) * allocation_ratio, filled exactly: the last unit still fits, one more does not.
/// A single allocation is also bounded by max_unit (Nova sets it to the total).
#[tokio::test]
async fn a_provider_fills_exactly_to_its_capacity() {
    let (c, admin) = setup().await;
    let capacity = (8192 - 512) * 3 / 2; // 11520
    let cands = |amount: u64| format!("/allocation_candidates?resources=MEMORY_MB:{amount}&required=CUSTOM_PL_TEST_GOLD");
    let r = call(&c, "GET", &cands(8192), Some(&admin), Some("1.17"), None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(mine(&r).0, [RP_A]);
    let r = call(&c, "GET", &cands(8193), Some(&admin), Some("1.17"), None).await;
    assert!(mine(&r).0.is_empty(), "over max_unit: {}", r.text);

    let put = |consumer: &str, mem: u64| {
        let body = json!({"allocations": {RP_A: {"resources": {"MEMORY_MB": mem}}}, "project_id": "p", "user_id": "u", "consumer_generation": null});
        (format!("/allocations/{consumer}"), body)
    };
    let (path, body) = put("abababab-0000-4000-8000-000000000000", 8192);
    assert_eq!(call(&c, "PUT", &path, Some(&admin), Some("1.28"), Some(body)).await.status, 204);
    let (path, body) = put(CONSUMER, capacity - 8192 - 520);
    assert_eq!(call(&c, "PUT", &path, Some(&admin), Some("1.28"), Some(body)).await.status, 204);
    let r = call(&c, "GET", &cands(520), Some(&admin), Some("1.17"), None).await;
    assert_eq!(mine(&r).0, [RP_A]);
    let r = call(&c, "GET", &cands(521), Some(&admin), Some("1.17"), None).await;
    assert!(mine(&r).0.is_empty());
    let (path, body) = put(CONSUMER_2, 520);
    let r = call(&c, "PUT", &path, Some(&admin), Some("1.28"), Some(body)).await;
    assert_eq!(r.status, 204, "the last unit fits: {}", r.text);
    let before = c.state_without_journal();
    let (path, body) = put(CONSUMER_3, 1);
    let r = call(&c, "PUT", &path, Some(&admin), Some("1.28"), Some(body)).await;
    assert_eq!(r.status, 409);
    assert!(error(&r)["detail"].as_str().unwrap().contains("The requested amount would exceed the capacity."), "{}", r.text);
    assert_eq!(c.state_without_journal(), before);
    let r = call(&c, "GET", &cands(1), Some(&admin), Some("1.17"), None).await;
    assert!(mine(&r).0.is_empty());
    // The usage is visible through the provider and the other candidates' summaries.
    let r = call(&c, "GET", "/allocation_candidates?resources=VCPU:4", Some(&admin), Some("1.29"), None).await;
    let sum = &r.body["provider_summaries"][RP_A]["resources"];
    assert_eq!(sum["MEMORY_MB"], json!({"capacity": capacity, "used": capacity}));
    assert_eq!(sum["VCPU"], json!({"capacity": 16, "used": 0}));
    let r = call(&c, "GET", "/allocation_candidates?resources=VCPU:5", Some(&admin), Some("1.29"), None).await;
    assert!(mine(&r).0.is_empty(), "VCPU max_unit is 4");
    // max_unit is a per-allocation ceiling.
    let body = json!({"allocations": {RP_B: {"resources": {"VCPU": 3}}}, "project_id": "p", "user_id": "u", "consumer_generation": null});
    let r = call(&c, "PUT", &format!("/allocations/{CONSUMER_3}"), Some(&admin), Some("1.28"), Some(body)).await;
    assert_eq!(r.status, 409);
    assert!(
        error(&r)["detail"].as_str().unwrap().contains("would exceed the capacity")
            || error(&r)["detail"].as_str().unwrap().contains("constraints")
    );
}

#[tokio::test]
async fn allocation_candidates_are_shaped_by_the_microversion() {
    let (c, admin) = setup().await;
    let q = "/allocation_candidates?resources=MEMORY_MB:1024,VCPU:1";
    let r = call(&c, "GET", q, Some(&admin), Some("1.9"), None).await;
    assert_eq!(r.status, 404, "allocation candidates start at 1.10");
    // 1.10: the list form, summaries with only the requested classes and no traits.
    let r = call(&c, "GET", q, Some(&admin), Some("1.10"), None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let ours: Vec<&Value> = r.body["allocation_requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|ar| ar["allocations"][0]["resource_provider"]["uuid"] == RP_A)
        .collect();
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0]["allocations"][0]["resources"], json!({"MEMORY_MB": 1024, "VCPU": 1}));
    assert_eq!(keys(&r.body["provider_summaries"][RP_A]), ["resources"]);
    assert_eq!(keys(&r.body["provider_summaries"][RP_A]["resources"]), ["MEMORY_MB", "VCPU"]);
    // 1.12: the dict form a PUT /allocations takes.
    let r = call(&c, "GET", q, Some(&admin), Some("1.12"), None).await;
    let ar = r.body["allocation_requests"].as_array().unwrap().iter().find(|ar| ar["allocations"].get(RP_B).is_some()).unwrap();
    assert_eq!(ar["allocations"][RP_B], json!({"resources": {"MEMORY_MB": 1024, "VCPU": 1}}));
    // 1.17 traits; 1.27 every class; 1.29 tree links.
    let r = call(&c, "GET", q, Some(&admin), Some("1.17"), None).await;
    assert_eq!(keys(&r.body["provider_summaries"][RP_A]), ["resources", "traits"]);
    let traits = r.body["provider_summaries"][RP_A]["traits"].as_array().unwrap();
    assert!(traits.contains(&json!("CUSTOM_PL_TEST_GOLD")));
    let r = call(&c, "GET", q, Some(&admin), Some("1.27"), None).await;
    assert_eq!(keys(&r.body["provider_summaries"][RP_A]["resources"]), ["DISK_GB", "MEMORY_MB", "VCPU"]);
    let r = call(&c, "GET", q, Some(&admin), Some("1.29"), None).await;
    let s = &r.body["provider_summaries"][RP_A];
    assert_eq!(keys(s), ["parent_provider_uuid", "resources", "root_provider_uuid", "traits"]);
    assert_eq!(s["root_provider_uuid"], RP_A);
    assert_eq!(s["parent_provider_uuid"], Value::Null);
    assert_eq!(s["resources"]["MEMORY_MB"], json!({"capacity": 11520, "used": 0}));
    // Every provider in the requests is summarised.
    for ar in r.body["allocation_requests"].as_array().unwrap() {
        for rp in ar["allocations"].as_object().unwrap().keys() {
            assert!(r.body["provider_summaries"].get(rp).is_some(), "{rp} has no summary");
        }
    }
    // 1.34: mappings.
    let r = call(&c, "GET", q, Some(&admin), Some("1.34"), None).await;
    let ar = r.body["allocation_requests"].as_array().unwrap().iter().find(|ar| ar["allocations"].get(RP_A).is_some()).unwrap();
    assert_eq!(ar["mappings"], json!({"": [RP_A]}));
    // limit (1.16) cuts requests and summaries alike.
    let r = call(&c, "GET", &format!("{q}&limit=1"), Some(&admin), Some("1.16"), None).await;
    assert_eq!(r.body["allocation_requests"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["provider_summaries"].as_object().unwrap().len(), 1);
    let r = call(&c, "GET", &format!("{q}&limit=1"), Some(&admin), Some("1.15"), None).await;
    assert_eq!(r.status, 400);
    // Forbidden traits (1.22), granular groups (1.25), bad input.
    let r = call(&c, "GET", &format!("{q}&required=!CUSTOM_PL_TEST_GOLD"), Some(&admin), Some("1.22"), None).await;
    assert_eq!(mine(&r).0, [RP_B]);
    let r = call(&c, "GET", &format!("{q}&required=!CUSTOM_PL_TEST_GOLD"), Some(&admin), Some("1.21"), None).await;
    assert_eq!(r.status, 400);
    let r =
        call(&c, "GET", "/allocation_candidates?resources1=VCPU:1&required1=CUSTOM_PL_TEST_GOLD", Some(&admin), Some("1.25"), None).await;
    assert_eq!(mine(&r).0, [RP_A], "{}", r.text);
    for bad in [
        "resources=",
        "resources=VCPU",
        "resources=VCPU:0",
        "resources=VCPU:x",
        "resources=CUSTOM_NOPE:1",
        "resources=VCPU:1&required=CUSTOM_NOPE",
        "resources=VCPU:1&limit=0",
        "resources=VCPU:1&foo=bar",
    ] {
        let r = call(&c, "GET", &format!("/allocation_candidates?{bad}"), Some(&admin), Some("1.29"), None).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
        assert_eq!(error(&r)["status"], 400);
    }
    let r = call(&c, "GET", "/allocation_candidates", Some(&admin), Some("1.10"), None).await;
    assert_eq!(r.status, 400);
    assert!(error(&r)["detail"].as_str().unwrap().contains("'resources' is a required property"));
}

#[tokio::test]
async fn consumer_generations_guard_allocations_from_1_28() {
    let (c, admin) = setup().await;
    let path = format!("/allocations/{CONSUMER}");
    let body = |generation: Value, mem: u64| json!({"allocations": {RP_A: {"resources": {"MEMORY_MB": mem, "VCPU": 1}}}, "project_id": "proj-1", "user_id": "user-1", "consumer_generation": generation});
    let r = call(&c, "GET", &path, Some(&admin), Some("1.28"), None).await;
    assert_eq!(r.body, json!({"allocations": {}}));
    let r = call(&c, "PUT", &path, Some(&admin), Some("1.28"), Some(body(json!(1), 512))).await;
    assert_eq!(r.status, 409, "a new consumer must be given null: {}", r.text);
    assert!(error(&r)["detail"].as_str().unwrap().contains("consumer generation conflict - expected null but got 1"));
    let r = call(&c, "PUT", &path, Some(&admin), Some("1.28"), Some(body(Value::Null, 512))).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = call(&c, "GET", &path, Some(&admin), Some("1.28"), None).await;
    assert_eq!(r.body["consumer_generation"], 1);
    assert_eq!(r.body["project_id"], "proj-1");
    assert_eq!(r.body["allocations"][RP_A]["resources"], json!({"MEMORY_MB": 512, "VCPU": 1}));
    assert_eq!(r.body["allocations"][RP_A]["generation"], 2);
    let r = call(&c, "GET", &path, Some(&admin), Some("1.11"), None).await;
    assert_eq!(keys(&r.body), ["allocations"], "project and user from 1.12");
    let r = call(&c, "GET", &path, Some(&admin), Some("1.38"), None).await;
    assert_eq!(r.body["consumer_type"], "unknown");

    let before = c.state_without_journal();
    let r = call(&c, "PUT", &path, Some(&admin), Some("1.28"), Some(body(Value::Null, 1024))).await;
    assert_eq!(r.status, 409);
    assert_eq!(error(&r)["code"], "placement.concurrent_update");
    let r = call(&c, "PUT", &path, Some(&admin), Some("1.28"), Some(body(json!(7), 1024))).await;
    assert_eq!(r.status, 409);
    assert!(error(&r)["detail"].as_str().unwrap().contains("expected 1 but got 7"));
    let mut missing = body(json!(1), 1024);
    missing.as_object_mut().unwrap().remove("consumer_generation");
    let r = call(&c, "PUT", &path, Some(&admin), Some("1.28"), Some(missing)).await;
    assert_eq!(r.status, 400);
    assert!(error(&r)["detail"].as_str().unwrap().contains("JSON does not validate: 'consumer_generation' is a required property"));
    assert_eq!(c.state_without_journal(), before);

    let r = call(&c, "PUT", &path, Some(&admin), Some("1.28"), Some(body(json!(1), 1024))).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = call(&c, "GET", &path, Some(&admin), Some("1.28"), None).await;
    assert_eq!(r.body["consumer_generation"], 2);

    // Project usages (1.9+), by consumer type from 1.38.
    let r = call(&c, "GET", "/usages?project_id=proj-1", Some(&admin), Some("1.9"), None).await;
    assert_eq!(r.body, json!({"usages": {"MEMORY_MB": 1024, "VCPU": 1}}));
    let r = call(&c, "GET", "/usages?project_id=proj-1&user_id=someone-else", Some(&admin), Some("1.9"), None).await;
    assert_eq!(r.body, json!({"usages": {}}));
    let r = call(&c, "GET", "/usages?project_id=proj-1", Some(&admin), Some("1.38"), None).await;
    assert_eq!(r.body, json!({"usages": {"unknown": {"consumer_count": 1, "MEMORY_MB": 1024, "VCPU": 1}}}));
    let r = call(&c, "GET", "/usages", Some(&admin), Some("1.9"), None).await;
    assert_eq!(r.status, 400);
    let r = call(&c, "GET", "/usages?project_id=proj-1", Some(&admin), Some("1.8"), None).await;
    assert_eq!(r.status, 404);

    // Empty allocations (1.28+) remove the consumer; then it is new again.
    let r = call(
        &c,
        "PUT",
        &path,
        Some(&admin),
        Some("1.28"),
        Some(json!({"allocations": {}, "project_id": "proj-1", "user_id": "user-1", "consumer_generation": 2})),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = call(&c, "GET", &path, Some(&admin), Some("1.28"), None).await;
    assert_eq!(r.body, json!({"allocations": {}}));
    let r = call(&c, "DELETE", &path, Some(&admin), None, None).await;
    assert_eq!(r.status, 404);
    // Before 1.28 there is no generation, and the 1.0 list form works.
    let list = json!({"allocations": [{"resource_provider": {"uuid": RP_B}, "resources": {"VCPU": 1}}]});
    let r = call(&c, "PUT", &path, Some(&admin), None, Some(list)).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = call(&c, "DELETE", &path, Some(&admin), None, None).await;
    assert_eq!(r.status, 204);
    // POST /allocations (1.13+) writes several consumers at once.
    let both = json!({
        CONSUMER: {"allocations": {RP_A: {"resources": {"VCPU": 1}}}, "project_id": "pl-proj-2", "user_id": "u", "consumer_generation": null},
        CONSUMER_2: {"allocations": {RP_B: {"resources": {"VCPU": 1}}}, "project_id": "pl-proj-2", "user_id": "u", "consumer_generation": null},
    });
    let r = call(&c, "POST", "/allocations", Some(&admin), Some("1.28"), Some(both)).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = call(&c, "GET", "/usages?project_id=pl-proj-2", Some(&admin), Some("1.9"), None).await;
    assert_eq!(r.body["usages"], json!({"VCPU": 2}));
    let r = call(&c, "PUT", "/allocations/not-a-uuid", Some(&admin), Some("1.28"), Some(body(Value::Null, 1))).await;
    assert_eq!(r.status, 400);
    assert!(error(&r)["detail"].as_str().unwrap().contains("Malformed consumer_uuid: not-a-uuid"));
}

#[tokio::test]
async fn traits_and_resource_classes() {
    let (c, admin) = setup().await;
    let r = call(&c, "GET", "/traits", Some(&admin), Some("1.5"), None).await;
    assert_eq!(r.status, 404, "traits start at 1.6");
    let r = call(&c, "GET", "/traits?name=startswith:CUSTOM_", Some(&admin), Some("1.6"), None).await;
    assert_eq!(r.status, 200);
    let names: Vec<&str> = r.body["traits"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert!(names.contains(&"CUSTOM_PL_TEST_GOLD") && names.iter().all(|t| t.starts_with("CUSTOM_")), "{names:?}");
    let r = call(&c, "GET", "/traits", Some(&admin), Some("1.6"), None).await;
    let names: Vec<&str> = r.body["traits"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert!(names.contains(&"COMPUTE_NODE") && names.contains(&"HW_CPU_X86_AVX2"));
    let r = call(&c, "GET", "/traits?name=in:COMPUTE_NODE,CUSTOM_NONE", Some(&admin), Some("1.6"), None).await;
    assert_eq!(r.body["traits"], json!(["COMPUTE_NODE"]));
    let r = call(&c, "GET", "/traits?name=COMPUTE_NODE", Some(&admin), Some("1.6"), None).await;
    assert_eq!(r.status, 400);

    let r = call(&c, "PUT", "/traits/CUSTOM_PL_SILVER", Some(&admin), Some("1.6"), None).await;
    assert_eq!(r.status, 201);
    let r = call(&c, "PUT", "/traits/CUSTOM_PL_SILVER", Some(&admin), Some("1.6"), None).await;
    assert_eq!(r.status, 204);
    let r = call(&c, "PUT", "/traits/NOT_CUSTOM", Some(&admin), Some("1.6"), None).await;
    assert_eq!(r.status, 400);
    let r = call(&c, "GET", "/traits/CUSTOM_PL_SILVER", Some(&admin), Some("1.6"), None).await;
    assert_eq!(r.status, 204);

    let path = format!("/resource_providers/{RP_B}/traits");
    let r = call(&c, "GET", &path, Some(&admin), Some("1.6"), None).await;
    assert_eq!(r.body, json!({"traits": ["COMPUTE_NODE"], "resource_provider_generation": 1}));
    let r = call(
        &c,
        "PUT",
        &path,
        Some(&admin),
        Some("1.23"),
        Some(json!({"traits": ["CUSTOM_PL_SILVER"], "resource_provider_generation": 0})),
    )
    .await;
    assert_eq!(r.status, 409);
    assert_eq!(error(&r)["code"], "placement.concurrent_update");
    let r = call(&c, "PUT", &path, Some(&admin), Some("1.6"), Some(json!({"traits": ["CUSTOM_NOPE"], "resource_provider_generation": 1})))
        .await;
    assert_eq!(r.status, 400);
    let r = call(
        &c,
        "PUT",
        &path,
        Some(&admin),
        Some("1.6"),
        Some(json!({"traits": ["CUSTOM_PL_SILVER", "COMPUTE_NODE"], "resource_provider_generation": 1})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body, json!({"traits": ["COMPUTE_NODE", "CUSTOM_PL_SILVER"], "resource_provider_generation": 2}));
    let r = call(&c, "DELETE", "/traits/CUSTOM_PL_SILVER", Some(&admin), Some("1.6"), None).await;
    assert_eq!(r.status, 409, "in use");
    let r = call(&c, "DELETE", "/traits/COMPUTE_NODE", Some(&admin), Some("1.6"), None).await;
    assert_eq!(r.status, 400, "standard");
    let r = call(&c, "DELETE", &path, Some(&admin), Some("1.6"), None).await;
    assert_eq!(r.status, 204);
    let r = call(&c, "DELETE", "/traits/CUSTOM_PL_SILVER", Some(&admin), Some("1.6"), None).await;
    assert_eq!(r.status, 204);

    let r = call(&c, "GET", "/resource_classes", Some(&admin), Some("1.2"), None).await;
    assert_eq!(r.status, 200);
    let names: Vec<&str> = r.body["resource_classes"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(&names[..3], ["VCPU", "MEMORY_MB", "DISK_GB"]);
    assert!(names.contains(&"PCPU") && names.contains(&"VGPU"));
    assert_eq!(r.body["resource_classes"][0]["links"][0]["href"], "/placement/resource_classes/VCPU");
    let r = call(&c, "PUT", "/resource_classes/CUSTOM_PL_FPGA", Some(&admin), Some("1.7"), None).await;
    assert_eq!(r.status, 201);
    let r = call(&c, "PUT", "/resource_classes/CUSTOM_PL_FPGA", Some(&admin), Some("1.7"), None).await;
    assert_eq!(r.status, 204);
    let r = call(&c, "POST", "/resource_classes", Some(&admin), Some("1.2"), Some(json!({"name": "CUSTOM_PL_FPGA"}))).await;
    assert_eq!(r.status, 409);
    let r = call(&c, "POST", "/resource_classes", Some(&admin), Some("1.2"), Some(json!({"name": "VCPU2"}))).await;
    assert_eq!(r.status, 400);
    let r = call(&c, "GET", "/resource_classes/CUSTOM_PL_FPGA", Some(&admin), Some("1.2"), None).await;
    assert_eq!(r.body["name"], "CUSTOM_PL_FPGA");
    let r = call(&c, "DELETE", "/resource_classes/VCPU", Some(&admin), Some("1.2"), None).await;
    assert_eq!(r.status, 400);
    let r = call(&c, "DELETE", "/resource_classes/CUSTOM_PL_FPGA", Some(&admin), Some("1.2"), None).await;
    assert_eq!(r.status, 204);
    let r = call(&c, "GET", "/resource_classes/CUSTOM_PL_FPGA", Some(&admin), Some("1.2"), None).await;
    assert_eq!(r.status, 404);

    // Aggregates: a bare list before 1.19; with a generation (checked, bumped) from 1.19.
    let agg = "99999999-9999-4999-8999-999999999999";
    let path = format!("/resource_providers/{RP_A}/aggregates");
    let r = call(&c, "PUT", &path, Some(&admin), Some("1.1"), Some(json!([agg]))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body, json!({"aggregates": [agg]}));
    let r = call(&c, "PUT", &path, Some(&admin), Some("1.19"), Some(json!({"aggregates": [], "resource_provider_generation": 0}))).await;
    assert_eq!(r.status, 409);
    let r = call(&c, "GET", &format!("/resource_providers?member_of={agg}"), Some(&admin), Some("1.3"), None).await;
    assert_eq!(r.body["resource_providers"].as_array().unwrap().len(), 1);
    let r = call(&c, "PUT", &path, Some(&admin), Some("1.19"), Some(json!({"aggregates": [], "resource_provider_generation": 1}))).await;
    assert_eq!(r.body, json!({"aggregates": [], "resource_provider_generation": 2}));
}

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

// ---- bad input on every route ----

/// (method, path) for every Placement route; the ids are this test's or bogus.
fn routes() -> Vec<(&'static str, String)> {
    let rp = RP_A;
    vec![
        ("GET", String::new()),
        ("GET", "/resource_providers".into()),
        ("POST", "/resource_providers".into()),
        ("GET", format!("/resource_providers/{rp}")),
        ("PUT", format!("/resource_providers/{rp}")),
        ("DELETE", "/resource_providers/nope".into()),
        ("GET", format!("/resource_providers/{rp}/inventories")),
        ("PUT", format!("/resource_providers/{rp}/inventories")),
        ("POST", format!("/resource_providers/{rp}/inventories")),
        ("DELETE", "/resource_providers/nope/inventories".into()),
        ("GET", format!("/resource_providers/{rp}/inventories/VCPU")),
        ("PUT", format!("/resource_providers/{rp}/inventories/VCPU")),
        ("DELETE", "/resource_providers/nope/inventories/VCPU".into()),
        ("GET", format!("/resource_providers/{rp}/usages")),
        ("GET", format!("/resource_providers/{rp}/allocations")),
        ("GET", format!("/resource_providers/{rp}/traits")),
        ("PUT", format!("/resource_providers/{rp}/traits")),
        ("DELETE", "/resource_providers/nope/traits".into()),
        ("GET", format!("/resource_providers/{rp}/aggregates")),
        ("PUT", format!("/resource_providers/{rp}/aggregates")),
        ("GET", "/resource_classes".into()),
        ("POST", "/resource_classes".into()),
        ("GET", "/resource_classes/VCPU".into()),
        ("PUT", "/resource_classes/nope".into()),
        ("DELETE", "/resource_classes/nope".into()),
        ("GET", "/traits".into()),
        ("GET", "/traits/COMPUTE_NODE".into()),
        ("PUT", "/traits/nope".into()),
        ("DELETE", "/traits/nope".into()),
        ("POST", "/allocations".into()),
        ("GET", format!("/allocations/{CONSUMER}")),
        ("PUT", format!("/allocations/{CONSUMER}")),
        ("DELETE", format!("/allocations/{CONSUMER}")),
        ("GET", "/allocation_candidates?resources=VCPU:1".into()),
        ("GET", "/usages?project_id=p".into()),
    ]
}

fn bad_bodies() -> Vec<Vec<u8>> {
    let long = "x".repeat(200_000);
    let rp = RP_A;
    [
        "{not json".to_string(),
        "".to_string(),
        "null".to_string(),
        "[]".to_string(),
        "5".to_string(),
        "\"a string\"".to_string(),
        "{}".to_string(),
        r#"{"name": 5}"#.to_string(),
        r#"{"name": "pl-x", "uuid": "not-a-uuid"}"#.to_string(),
        format!(r#"{{"name": "{}"}}"#, "n".repeat(201)),
        r#"{"name": "pl-x", "extra": true}"#.to_string(),
        r#"{"name": "pl-x", "parent_provider_uuid": 7}"#.to_string(),
        r#"{"resource_provider_generation": "1", "inventories": {}}"#.to_string(),
        r#"{"resource_provider_generation": 1, "inventories": {"VCPU": {"total": 0}}}"#.to_string(),
        r#"{"resource_provider_generation": 1, "inventories": {"VCPU": {"total": 4, "bogus": 1}}}"#.to_string(),
        r#"{"resource_provider_generation": 1, "inventories": {"VCPU": {"total": 2147483648}}}"#.to_string(),
        r#"{"resource_provider_generation": 1, "inventories": {"VCPU": {"total": 4, "allocation_ratio": "x"}}}"#.to_string(),
        r#"{"resource_provider_generation": 1, "inventories": {"VCPU": {"total": 4, "allocation_ratio": -1}}}"#.to_string(),
        r#"{"resource_provider_generation": 1, "inventories": {"NOT_A_CLASS": {"total": 4}}}"#.to_string(),
        r#"{"resource_provider_generation": 1, "inventories": []}"#.to_string(),
        r#"{"resource_provider_generation": 1, "total": -1}"#.to_string(),
        r#"{"resource_provider_generation": 1, "total": 1e400}"#.to_string(),
        r#"{"resource_provider_generation": 1.5, "total": 4}"#.to_string(),
        r#"{"resource_class": "lower", "total": 1}"#.to_string(),
        r#"{"resource_class": "VCPU"}"#.to_string(),
        r#"{"resource_class": "VCPU", "total": 4, "step_size": 0}"#.to_string(),
        r#"{"traits": "CUSTOM_X", "resource_provider_generation": 0}"#.to_string(),
        r#"{"traits": [1], "resource_provider_generation": 0}"#.to_string(),
        r#"{"traits": [""], "resource_provider_generation": 1}"#.to_string(),
        r#"{"aggregates": ["nope"], "resource_provider_generation": 0}"#.to_string(),
        r#"["not-a-uuid"]"#.to_string(),
        r#"{"allocations": {}, "project_id": "p", "user_id": "u"}"#.to_string(),
        format!(r#"{{"allocations": {{"{rp}": {{"resources": {{"VCPU": 0}}}}}}, "project_id": "p", "user_id": "u", "consumer_generation": null}}"#),
        format!(r#"{{"allocations": {{"{rp}": {{"resources": {{"VCPU": 1}}}}}}, "project_id": "", "user_id": "u", "consumer_generation": null}}"#),
        format!(r#"{{"allocations": {{"{rp}": {{"resources": {{"VCPU": 1}}}}}}, "project_id": "p", "user_id": "u", "consumer_generation": "1"}}"#),
        format!(r#"{{"allocations": {{"{rp}": {{"resources": {{"lower": 1}}}}}}, "project_id": "p", "user_id": "u", "consumer_generation": null}}"#),
        r#"{"allocations": [{"resource_provider": {"uuid": "x"}, "resources": {"VCPU": 1}}]}"#.to_string(),
        r#"{"name": "CUSTOM_OK", "x": 1}"#.to_string(),
        r#"{"name": "☃", "uuid": 7}"#.to_string(),
        format!(r#"{{"name": {{"deep": "{long}"}}}}"#),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect()
}

/// A 4xx in Placement's error format.
fn assert_clean_4xx(r: &Reply, method: &str, path: &str, what: &str) {
    assert!((400..500).contains(&r.status), "{method} {path} with {what}: got {} {}", r.status, r.text);
    if method == "HEAD" {
        return;
    }
    let e = &r.body["errors"][0];
    assert_eq!(e["status"], r.status, "{method} {path} with {what}: not Placement's error format: {}", r.text);
    assert!(e["title"].is_string() && e["detail"].is_string(), "{method} {path} with {what}: {}", r.text);
}

async fn raw(c: &TestCloud, method: &str, path: &str, token: &str, version: &str, body: Vec<u8>) -> Reply {
    let req = c
        .http
        .request(Method::from_bytes(method.as_bytes()).unwrap(), c.url(&format!("/placement{path}")))
        .header("X-Auth-Token", token)
        .header("OpenStack-API-Version", format!("placement {version}"))
        .header("content-type", "application/json")
        .body(body);
    reply(req.send().await.unwrap()).await
}

#[tokio::test]
async fn bad_bodies_on_body_routes_are_4xx_and_change_nothing() {
    let (c, admin) = setup().await;
    let before = c.state_without_journal();
    for version in ["1.0", "1.14", "1.28", "1.39"] {
        for (method, path) in routes().iter().filter(|(m, _)| matches!(*m, "POST" | "PUT")) {
            for body in bad_bodies() {
                // A bare list is a valid (empty) aggregates body before 1.19.
                if path.ends_with("/aggregates") && body == b"[]" && matches!(version, "1.0" | "1.14") {
                    continue;
                }
                let what = format!("{} at {version}", String::from_utf8_lossy(&body[..body.len().min(60)]));
                let r = raw(&c, method, path, &admin, version, body).await;
                assert_clean_4xx(&r, method, path, &what);
            }
        }
    }
    assert_eq!(c.state_without_journal(), before, "a rejected request changed the world");
}

#[tokio::test]
async fn wrong_content_types_are_415() {
    let (c, admin) = setup().await;
    let req = c
        .http
        .post(c.url("/placement/resource_providers"))
        .header("X-Auth-Token", &admin)
        .header("content-type", "text/plain")
        .body(r#"{"name": "pl-x"}"#);
    let r = reply(req.send().await.unwrap()).await;
    assert_eq!(r.status, 415, "{}", r.text);
    assert!(error(&r)["detail"].as_str().unwrap().contains("The media type text/plain is not supported, use application/json"));
    let r = call(&c, "GET", "/resource_providers", Some(&admin), None, None).await;
    assert!(!r.text.contains("pl-x"));
}

#[tokio::test]
async fn oversized_bodies_are_413_on_every_route() {
    let (c, admin) = setup().await;
    let huge = vec![b' '; (1 << 20) + 1];
    for (method, path) in routes() {
        let r = raw(&c, method, &path, &admin, "1.39", huge.clone()).await;
        assert_eq!(r.status, 413, "{method} {path}: {}", r.text);
        assert_clean_4xx(&r, method, &path, "a body over 1 MiB");
    }
}

/// Every Placement path (with this test's ids) and the methods it serves.
fn paths() -> Vec<(String, &'static [&'static str])> {
    let rp = format!("/resource_providers/{RP_A}");
    vec![
        (String::new(), &["GET"]),
        ("/resource_providers".into(), &["GET", "POST"]),
        (rp.clone(), &["GET", "PUT", "DELETE"]),
        (format!("{rp}/inventories"), &["GET", "PUT", "POST", "DELETE"]),
        (format!("{rp}/inventories/VCPU"), &["GET", "PUT", "DELETE"]),
        (format!("{rp}/usages"), &["GET"]),
        (format!("{rp}/allocations"), &["GET"]),
        (format!("{rp}/traits"), &["GET", "PUT", "DELETE"]),
        (format!("{rp}/aggregates"), &["GET", "PUT"]),
        ("/resource_classes".into(), &["GET", "POST"]),
        ("/resource_classes/VCPU".into(), &["GET", "PUT", "DELETE"]),
        ("/traits".into(), &["GET"]),
        ("/traits/COMPUTE_NODE".into(), &["GET", "PUT", "DELETE"]),
        ("/allocations".into(), &["POST"]),
        (format!("/allocations/{CONSUMER}"), &["GET", "PUT", "DELETE"]),
        ("/allocation_candidates".into(), &["GET"]),
        ("/usages".into(), &["GET"]),
    ]
}

#[tokio::test]
async fn unknown_methods_are_405_in_placements_format() {
    let (c, admin) = setup().await;
    let before = c.state_without_journal();
    for (path, served) in paths() {
        for other in ["PATCH", "PUT", "POST", "DELETE", "PROPFIND"].into_iter().filter(|m| !served.contains(m)) {
            let r = raw(&c, other, &path, &admin, "1.39", b"{}".to_vec()).await;
            assert_eq!(r.status, 405, "{other} {path}: {}", r.text);
            assert_clean_4xx(&r, other, &path, "an unknown method");
            assert_eq!(r.headers["openstack-api-version"], "placement 1.39");
        }
    }
    // The root needs no token, not even for a 405.
    let r = call(&c, "POST", "", None, None, Some(json!({}))).await;
    assert_eq!(r.status, 405);
    assert_eq!(r.headers["openstack-api-version"], "placement 1.0");
    // Elsewhere the token comes first.
    let r = call(&c, "PATCH", "/resource_providers", None, None, Some(json!({}))).await;
    assert_eq!(r.status, 401);
    assert_eq!(c.state_without_journal(), before);
}

#[tokio::test]
async fn odd_query_strings_headers_and_paths_never_break_a_route() {
    let (c, admin) = setup().await;
    let queries = [
        "?name=%FF%FE",
        "?limit=-1&marker=☃",
        "?name=",
        "?a=1&a=2&a=3",
        "?resources=VCPU:99999999999999999999999",
        "?required=,",
        "?member_of=in:",
        "?in_tree=☃",
        "?uuid=x",
    ];
    for (_, path) in routes().iter().filter(|(m, _)| *m == "GET") {
        let bare = path.split('?').next().unwrap();
        for q in queries {
            for v in ["1.0", "1.39"] {
                let r = raw(&c, "GET", &format!("{bare}{q}"), &admin, v, vec![]).await;
                assert!(r.status < 500, "GET {bare}{q} at {v}: {} {}", r.status, r.text);
                assert!(r.status < 400 || r.body["errors"][0]["status"] == r.status, "GET {bare}{q}: {}", r.text);
            }
        }
    }
    for path in ["/resource_providers/%FF%FE", "/resource_providers/☃/inventories/%00", "/no/such/thing", "/allocations/x/y"] {
        let r = call(&c, "GET", path, Some(&admin), None, None).await;
        assert_eq!(r.status, 404, "{path}: {}", r.text);
        assert_clean_4xx(&r, "GET", path, "an odd path");
    }
    // An Accept that rules JSON out is a 406 without the version range.
    let r = reply(
        c.http
            .get(c.url("/placement/resource_providers"))
            .header("X-Auth-Token", &admin)
            .header("accept", "text/html")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 406);
    assert!(error(&r).get("max_version").is_none());
}
