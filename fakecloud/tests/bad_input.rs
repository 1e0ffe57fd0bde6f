//! Bad input on every route built so far (Keystone and the control API): malformed JSON, wrong
//! types, missing fields, odd strings and numbers, oversized bodies, unknown methods. Each answer is
//! a 4xx in the service's own format, never a 5xx, and a rejected request changes no state.

mod common;

use common::TestCloud;
use reqwest::Method;

/// (method, path) for every route the router exposes today; the path ids are real or bogus.
/// `POST /_fakecloud/reset` takes no body (it ignores one), so the body test skips it.
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/identity"),
    ("GET", "/identity/v3"),
    ("POST", "/identity/v3/auth/tokens"),
    ("GET", "/identity/v3/auth/tokens"),
    ("HEAD", "/identity/v3/auth/tokens"),
    ("DELETE", "/identity/v3/auth/tokens"),
    ("GET", "/identity/v3/auth/catalog"),
    ("GET", "/identity/v3/auth/projects"),
    ("GET", "/identity/v3/auth/domains"),
    ("GET", "/identity/v3/auth/system"),
    ("GET", "/identity/v3/projects"),
    ("GET", "/identity/v3/projects/%E2%98%83"),
    ("GET", "/identity/v3/users"),
    ("GET", "/identity/v3/users/nope"),
    ("GET", "/identity/v3/users/nope/projects"),
    ("GET", "/identity/v3/users/nope/application_credentials"),
    ("GET", "/identity/v3/users/nope/application_credentials/nope"),
    ("GET", "/identity/v3/roles"),
    ("GET", "/identity/v3/roles/nope"),
    ("GET", "/identity/v3/role_assignments"),
    ("GET", "/identity/v3/domains"),
    ("GET", "/identity/v3/domains/nope"),
    ("GET", "/identity/v3/regions"),
    ("GET", "/identity/v3/regions/nope"),
    ("GET", "/identity/v3/services"),
    ("GET", "/identity/v3/services/nope"),
    ("GET", "/identity/v3/endpoints"),
    ("GET", "/identity/v3/endpoints/nope"),
    ("GET", "/_fakecloud/health"),
    ("POST", "/_fakecloud/reset"),
    ("GET", "/_fakecloud/clock"),
    ("PUT", "/_fakecloud/clock"),
    ("POST", "/_fakecloud/clock/advance"),
    ("GET", "/_fakecloud/faults"),
    ("POST", "/_fakecloud/faults"),
    ("DELETE", "/_fakecloud/faults/nope"),
    ("GET", "/_fakecloud/journal"),
    ("GET", "/_fakecloud/snapshot"),
    ("POST", "/_fakecloud/restore"),
];

fn bad_bodies() -> Vec<Vec<u8>> {
    let long = "x".repeat(200_000);
    [
        "{not json".to_string(),
        "".to_string(),
        "null".to_string(),
        "[]".to_string(),
        "\"a string\"".to_string(),
        "{}".to_string(),
        r#"{"auth": 5}"#.to_string(),
        r#"{"auth": {"identity": {"methods": "password"}}}"#.to_string(),
        r#"{"auth": {"identity": {"methods": []}}}"#.to_string(),
        r#"{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": 7}}}}}"#.to_string(),
        r#"{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"name": "Default"}, "password": "admin-secret"}}}, "scope": {"project": 1}}}"#.to_string(),
        r#"{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"name": "Default"}, "password": "admin-secret"}}}, "scope": {"project": {"name": "admin"}, "domain": {"id": "default"}}}}"#.to_string(),
        r#"{"auth": {"identity": {"methods": ["totp"]}}}"#.to_string(),
        r#"{"by": 1e400}"#.to_string(),
        r#"{"by": -5}"#.to_string(),
        r#"{"by": 1e300}"#.to_string(),
        r#"{"by": "٣٠ثانية"}"#.to_string(),
        r#"{"by": "99999999999999h"}"#.to_string(),
        r#"{"by": [1]}"#.to_string(),
        r#"{"by": "1s", "extra": true}"#.to_string(),
        r#"{"mode": "scaled:1e-300"}"#.to_string(),
        r#"{"mode": "warp"}"#.to_string(),
        r#"{"mode": 3}"#.to_string(),
        r#"{"kind": "api-error", "status": 200}"#.to_string(),
        r#"{"kind": "api-error", "status": 70000}"#.to_string(),
        r#"{"kind": "api-error", "status": 500, "count": 0}"#.to_string(),
        r#"{"kind": "api-error", "status": 500, "count": -1}"#.to_string(),
        r#"{"kind": "api-error", "status": 500, "duration": "forever"}"#.to_string(),
        r#"{"kind": "nuke"}"#.to_string(),
        r#"{"format": 99}"#.to_string(),
        format!(r#"{{"format": {}, "seed": "x"}}"#, fakecloud::world::SNAPSHOT_FORMAT),
        format!(r#"{{"by": "{long}"}}"#),
        format!(r#"{{"auth": {{"identity": {{"methods": ["password"], "password": {{"user": {{"name": "{long}", "domain": {{"name": "Default"}}, "password": "p"}}}}}}}}}}"#),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect()
}

/// A 4xx whose body is the right service's error format (HEAD has no body).
fn assert_clean_4xx(r: &common::Reply, method: &str, path: &str, what: &str) {
    assert!((400..500).contains(&r.status), "{method} {path} with {what}: got {} {}", r.status, r.text);
    if method == "HEAD" {
        return;
    }
    let ok = if path.starts_with("/identity") {
        r.body["error"]["code"] == r.status
    } else {
        r.body["error"]["status"] == r.status || r.body["error"]["code"] == r.status
    };
    assert!(ok, "{method} {path} with {what}: not the service's error format: {}", r.text);
}

#[tokio::test]
async fn bad_bodies_on_body_routes_are_4xx_and_change_nothing() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let before = c.state_without_journal();
    for (method, path) in ROUTES.iter().filter(|(m, p)| matches!(*m, "POST" | "PUT") && !p.ends_with("/reset")) {
        for body in bad_bodies() {
            let what = String::from_utf8_lossy(&body[..body.len().min(60)]).into_owned();
            let r = c.raw(Method::from_bytes(method.as_bytes()).unwrap(), path, Some(&admin), body).await;
            assert_clean_4xx(&r, method, path, &what);
        }
    }
    assert_eq!(c.state_without_journal(), before, "a rejected request changed the world");
}

#[tokio::test]
async fn oversized_bodies_are_413_on_every_route() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let huge = vec![b' '; (1 << 20) + 1];
    for (method, path) in ROUTES.iter().filter(|(m, _)| *m != "HEAD") {
        let r = c.raw(Method::from_bytes(method.as_bytes()).unwrap(), path, Some(&admin), huge.clone()).await;
        assert_eq!(r.status, 413, "{method} {path}: {}", r.text);
        assert_clean_4xx(&r, method, path, "a body over 1 MiB");
    }
}

#[tokio::test]
async fn unknown_methods_are_405_in_the_services_format() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let before = c.state_without_journal();
    for (method, path) in ROUTES {
        for other in ["PATCH", "PUT", "POST", "DELETE", "PROPFIND"] {
            if ROUTES.iter().any(|(m, p)| p == path && *m == other) || *method == other {
                continue;
            }
            let r = c.raw(Method::from_bytes(other.as_bytes()).unwrap(), path, Some(&admin), b"{}".to_vec()).await;
            assert_eq!(r.status, 405, "{other} {path}: {}", r.text);
            assert_clean_4xx(&r, other, path, "an unknown method");
        }
    }
    assert_eq!(c.state_without_journal(), before);
}

#[tokio::test]
async fn odd_query_strings_and_headers_never_break_a_route() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let queries = ["?name=%FF%FE", "?limit=-1&marker=☃", "?name=", "?a=1&a=2&a=3", "?since=yesterday", "?kind=cosmic", "?after_seq=-4"];
    for (_, path) in ROUTES.iter().filter(|(m, _)| *m == "GET") {
        for q in queries {
            let r = c.get(&format!("{path}{q}"), Some(&admin)).await;
            assert!(r.status < 500, "GET {path}{q}: {} {}", r.status, r.text);
            assert!(r.status < 400 || r.body.is_object(), "GET {path}{q}: an error without a JSON body: {}", r.text);
        }
    }
    for token in ["", "☃", &"g".repeat(10_000)] {
        let r = c.http.get(c.url("/identity/v3/projects")).header("X-Auth-Token", token).send().await;
        if let Ok(r) = r {
            assert_eq!(r.status(), 401, "token {:.20}", token);
        }
    }
}
