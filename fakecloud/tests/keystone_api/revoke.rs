//! Revocation events, and validating a token that has just expired.

use crate::common::TestCloud;
use crate::{ok, refused, TOKENS};
use reqwest::Method;

#[tokio::test]
async fn a_revoked_token_leaves_an_event_that_admins_list() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let member = c.member().await;
    let audit = c.http.get(c.url(TOKENS)).header("X-Auth-Token", &admin).header("X-Subject-Token", &member).send().await.unwrap();
    let body: serde_json::Value = audit.json().await.unwrap();
    let audit_id = body["token"]["audit_ids"][0].clone();
    c.advance("5s").await;
    let r = c.http.delete(c.url(TOKENS)).header("X-Auth-Token", &admin).header("X-Subject-Token", &member).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let events = ok(&c, Method::GET, "/identity/v3/OS-REVOKE/events", &admin, None).await;
    let e = &events["events"][0];
    assert_eq!(e["audit_id"], audit_id);
    assert_eq!(e["revoked_at"], "2026-01-01T00:00:05.000000Z");
    assert_eq!(e["issued_before"], e["revoked_at"]);
    assert!(events["links"]["self"].as_str().unwrap().ends_with("/identity/v3/OS-REVOKE/events"));
    let later = ok(&c, Method::GET, "/identity/v3/OS-REVOKE/events?since=2026-01-01T00:00:05Z", &admin, None).await;
    assert_eq!(later["events"], serde_json::json!([]), "only what was revoked after `since`");
    let r = refused(&c, Method::GET, "/identity/v3/OS-REVOKE/events?since=yesterday", &admin, None, 400).await;
    assert_eq!(r.body["error"]["message"], "invalidate date format yesterday");
    let other = c.token("alt_demo", "alt-demo-secret", "alt_demo").await;
    refused(&c, Method::GET, "/identity/v3/OS-REVOKE/events", &other, None, 403).await;
}

#[tokio::test]
async fn allow_expired_validates_a_token_within_keystones_window() {
    let c = TestCloud::start().await;
    let member = c.member().await;
    c.advance("2h").await;
    let admin = c.admin().await;
    let validate = |q: &'static str| {
        c.http.get(c.url(&format!("{TOKENS}{q}"))).header("X-Auth-Token", &admin).header("X-Subject-Token", &member).send()
    };
    assert_eq!(validate("").await.unwrap().status(), 404);
    assert_eq!(validate("?allow_expired=1").await.unwrap().status(), 200);
    c.advance("2d").await;
    let admin2 = c.admin().await;
    let late = c
        .http
        .get(c.url(&format!("{TOKENS}?allow_expired=true")))
        .header("X-Auth-Token", &admin2)
        .header("X-Subject-Token", &member)
        .send();
    assert_eq!(late.await.unwrap().status(), 404, "past the two-day window");
}
