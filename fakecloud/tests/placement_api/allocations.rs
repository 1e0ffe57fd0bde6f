//! Allocations: the capacity arithmetic seen through allocation candidates, the candidates' shapes
//! by microversion, and consumer generations.

use crate::helpers::*;
use rstest::rstest;
use serde_json::{json, Value};

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
    let r = call(&c, "GET", "/allocation_candidates", Some(&admin), Some("1.10"), None).await;
    assert_eq!(r.status, 400);
    assert!(error(&r)["detail"].as_str().unwrap().contains("'resources' is a required property"));
}

/// A malformed allocation candidates query is Placement's 400.
#[rstest]
#[case::no_resources("resources=")]
#[case::no_amount("resources=VCPU")]
#[case::zero_amount("resources=VCPU:0")]
#[case::amount_not_a_number("resources=VCPU:x")]
#[case::unknown_class("resources=CUSTOM_NOPE:1")]
#[case::unknown_trait("resources=VCPU:1&required=CUSTOM_NOPE")]
#[case::zero_limit("resources=VCPU:1&limit=0")]
#[case::unknown_parameter("resources=VCPU:1&foo=bar")]
#[tokio::test]
async fn a_malformed_allocation_candidates_query_is_400(#[case] bad: &str) {
    let (c, admin) = setup().await;
    let r = call(&c, "GET", &format!("/allocation_candidates?{bad}"), Some(&admin), Some("1.29"), None).await;
    assert_eq!(r.status, 400, "{bad}: {}", r.text);
    assert_eq!(error(&r)["status"], 400);
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
