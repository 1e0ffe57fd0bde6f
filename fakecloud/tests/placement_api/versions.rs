//! The version document and microversion negotiation.

use crate::helpers::*;

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
