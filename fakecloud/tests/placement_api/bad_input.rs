//! Bad input on every route: a 4xx in Placement's format, never a 5xx, and nothing changed.

use crate::common::{reply, Reply, TestCloud};
use crate::helpers::*;
use reqwest::Method;
use serde_json::json;

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
