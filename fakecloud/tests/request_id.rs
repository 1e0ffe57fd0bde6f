//! `x-openstack-request-id` on every answer of every OpenStack service: each route of the route
//! table called with an admin token, errors, fallbacks and keystonemiddleware's 401 included; Nova's
//! answers carry `x-compute-request-id` too. The ids are random, so reads draw no world ids.

mod common;

use common::{reply, Reply, TestCloud};
use reqwest::Method;
use serde_json::json;

const ZERO_ID: &str = "00000000-0000-0000-0000-000000000000";

/// The request id of an answer, checked to be `req-<uuid>` and, on Nova's, repeated in
/// `x-compute-request-id`.
fn request_id(r: &Reply, what: &str) -> Result<String, String> {
    let id = r
        .headers
        .get("x-openstack-request-id")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| format!("{what} ({}): no x-openstack-request-id", r.status))?;
    let uuid = id.strip_prefix("req-").ok_or_else(|| format!("{what}: {id} is not req-<uuid>"))?;
    uuid::Uuid::parse_str(uuid).map_err(|e| format!("{what}: {id}: {e}"))?;
    let compute = r.headers.get("x-compute-request-id").and_then(|v| v.to_str().ok());
    if what.contains("/compute") {
        if compute != Some(id) {
            return Err(format!("{what}: x-compute-request-id {compute:?} is not {id}"));
        }
    } else if compute.is_some() {
        return Err(format!("{what}: x-compute-request-id outside Nova"));
    }
    Ok(id.to_string())
}

fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').map(|e| start + e + 1).unwrap_or(rest.len());
        out.push_str(ZERO_ID);
        rest = &rest[end..];
    }
    out + rest
}

#[tokio::test]
async fn every_route_of_every_openstack_service_answers_with_a_request_id() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let openstack = fakecloud::services::openstack();
    let mut problems = vec![];
    let mut seen = std::collections::BTreeSet::new();
    let mut called = 0;
    for route in fakecloud::services::route_table() {
        if !openstack.iter().any(|s| s.serves(&route.path)) {
            continue;
        }
        let path = concrete(&route.path);
        let method = Method::from_bytes(route.method.as_bytes()).unwrap();
        let mut rq = c.http.request(method.clone(), c.url(&path)).header("x-auth-token", &admin);
        if !matches!(route.method, "GET" | "HEAD" | "DELETE") {
            rq = rq.json(&json!({}));
        }
        let r = reply(rq.send().await.unwrap()).await;
        called += 1;
        match request_id(&r, &format!("{} {path}", route.method)) {
            Ok(id) => {
                if !seen.insert(id.clone()) {
                    problems.push(format!("{} {path}: the id {id} was given before", route.method));
                }
            }
            Err(e) => problems.push(e),
        }
    }
    assert!(called > 100, "only {called} routes walked");
    assert!(problems.is_empty(), "{} of {called} answers:\n{}", problems.len(), problems.join("\n"));
}

#[tokio::test]
async fn fallbacks_and_refusals_carry_the_request_id_too() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let cases: [(Method, &str, Option<&str>, u16); 6] = [
        (Method::GET, "/compute/v2.1/no-such-thing", Some(&admin), 404),
        (Method::DELETE, "/compute/v2.1/flavors", Some(&admin), 405),
        (Method::GET, "/network/v2.0/networks", None, 401),
        (Method::GET, "/image/v2/images", Some("not-a-token"), 401),
        (Method::GET, "/identity/v3/nothing-here", Some(&admin), 404),
        (Method::PATCH, "/volume/v3", Some(&admin), 405),
    ];
    for (method, path, token, status) in cases {
        let r = c.send(method.clone(), path, token, None).await;
        assert_eq!(r.status, status, "{method} {path}: {}", r.text);
        request_id(&r, &format!("{method} {path}")).unwrap();
    }
    // fakecloud's own control API and unmounted paths are not OpenStack services.
    let r = c.get("/_fakecloud/health", None).await;
    assert!(!r.headers.contains_key("x-openstack-request-id"));
}

#[tokio::test]
async fn placements_error_body_names_the_id_its_header_gives() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let r = c
        .http
        .get(c.url(&format!("/placement/resource_providers/{ZERO_ID}")))
        .header("x-auth-token", &admin)
        .header("openstack-api-version", "placement 1.39")
        .send()
        .await
        .unwrap();
    let r = reply(r).await;
    assert_eq!(r.status, 404, "{}", r.text);
    let id = request_id(&r, "GET /placement/resource_providers/{uuid}").unwrap();
    assert_eq!(r.body["errors"][0]["request_id"], id.as_str());
}

#[tokio::test]
async fn reads_draw_no_world_ids() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let before = c.state_without_journal();
    for path in ["/compute/v2.1/servers/detail", "/network/v2.0/ports", "/image/v2/images", "/compute/v2.1/nothing"] {
        let r = c.get(path, Some(&admin)).await;
        request_id(&r, path).unwrap();
    }
    assert!(before == c.state_without_journal(), "a read changed the world (its ids or anything else)");
}
