//! Traits, resource classes and aggregates.

use crate::helpers::*;
use serde_json::json;

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
