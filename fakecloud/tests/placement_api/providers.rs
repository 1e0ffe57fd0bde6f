//! Resource providers, their inventories and usages, shaped by the microversion and guarded by
//! generations.

use crate::common::reply;
use crate::helpers::*;
use serde_json::{json, Value};

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
