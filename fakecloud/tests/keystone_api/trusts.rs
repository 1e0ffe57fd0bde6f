//! OS-TRUST trusts and trust-scoped tokens.

use crate::common::{password_auth, TestCloud};
use crate::{ids, ok, refused, Ids, TOKENS};
use reqwest::Method;
use serde_json::{json, Value};

fn trust_body(x: &Ids, impersonation: bool, role: &str, expires_at: Option<&str>) -> Value {
    json!({"trust": {"trustor_user_id": x.demo_u, "trustee_user_id": x.alt_u, "project_id": x.demo_p,
        "impersonation": impersonation, "roles": [{"name": role}], "expires_at": expires_at}})
}

#[tokio::test]
async fn a_trustor_creates_reads_lists_and_deletes_a_trust() {
    let c = TestCloud::start().await;
    let member = c.member().await;
    let x = ids(&c);
    let made = c
        .send(
            Method::POST,
            "/identity/v3/OS-TRUST/trusts",
            Some(&member),
            Some(trust_body(&x, true, "reader", Some("2026-01-01T01:00:00Z"))),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let t = made.body["trust"].clone();
    let id = t["id"].as_str().unwrap().to_string();
    assert_eq!(
        (t["trustor_user_id"].clone(), t["trustee_user_id"].clone(), t["project_id"].clone()),
        (json!(x.demo_u), json!(x.alt_u), json!(x.demo_p))
    );
    assert_eq!((t["impersonation"].clone(), t["expires_at"].clone()), (json!(true), json!("2026-01-01T01:00:00.000000Z")));
    assert_eq!((t["remaining_uses"].clone(), t["redelegation_count"].clone()), (Value::Null, json!(0)));
    assert!(t["links"]["self"].as_str().unwrap().contains("v3/OS-TRUST/trusts"));
    assert_eq!(t["roles"].as_array().unwrap().len(), 1);
    assert_eq!(t["roles"][0]["name"], "reader");
    let path = format!("/identity/v3/OS-TRUST/trusts/{id}");
    assert_eq!(ok(&c, Method::GET, &path, &member, None).await["trust"]["id"], id.as_str());
    let alt = c.token("alt_demo", "alt-demo-secret", "alt_demo").await;
    assert_eq!(ok(&c, Method::GET, &path, &alt, None).await["trust"]["id"], id.as_str(), "the trustee reads it too");
    let mine = ok(&c, Method::GET, &format!("/identity/v3/OS-TRUST/trusts?trustor_user_id={}", x.demo_u), &member, None).await;
    assert_eq!(mine["trusts"].as_array().unwrap().len(), 1);
    assert!(mine["trusts"][0].get("roles").is_none(), "a list leaves the roles out");
    refused(&c, Method::GET, "/identity/v3/OS-TRUST/trusts", &member, None, 403).await;
    assert_eq!(ok(&c, Method::GET, "/identity/v3/OS-TRUST/trusts", &c.admin().await, None).await["trusts"].as_array().unwrap().len(), 1);
    refused(&c, Method::DELETE, &path, &alt, None, 403).await;
    ok(&c, Method::DELETE, &path, &member, None).await;
    refused(&c, Method::GET, &path, &member, None, 404).await;
}

#[tokio::test]
async fn a_trusts_roles_are_only_those_delegated() {
    let c = TestCloud::start().await;
    let member = c.member().await;
    let x = ids(&c);
    let t =
        ok(&c, Method::POST, "/identity/v3/OS-TRUST/trusts", &member, Some(trust_body(&x, false, "reader", None))).await["trust"].clone();
    let id = t["id"].as_str().unwrap();
    let roles = ok(&c, Method::GET, &format!("/identity/v3/OS-TRUST/trusts/{id}/roles"), &member, None).await;
    assert_eq!(roles["roles"].as_array().unwrap().len(), 1);
    let reader = roles["roles"][0]["id"].as_str().unwrap().to_string();
    assert!(roles["roles"][0]["links"]["self"].as_str().unwrap().contains(&format!("v3/roles/{reader}")));
    let one = format!("/identity/v3/OS-TRUST/trusts/{id}/roles/{reader}");
    assert_eq!(ok(&c, Method::GET, &one, &member, None).await["role"]["name"], "reader");
    assert_eq!(c.send(Method::HEAD, &one, Some(&member), None).await.status, 200);
    let member_role = c.running.cloud.world().identity.role_named("member").unwrap().id.clone();
    refused(&c, Method::GET, &format!("/identity/v3/OS-TRUST/trusts/{id}/roles/{member_role}"), &member, None, 404).await;
    refused(&c, Method::HEAD, &format!("/identity/v3/OS-TRUST/trusts/{id}/roles/{member_role}"), &member, None, 404).await;
}

#[tokio::test]
async fn trusts_are_refused_for_other_trustors_missing_roles_and_bad_expiries() {
    let c = TestCloud::start().await;
    let member = c.member().await;
    let x = ids(&c);
    let r = refused(&c, Method::POST, "/identity/v3/OS-TRUST/trusts", &member, Some(trust_body(&x, true, "reader", Some("bad.123Z"))), 400)
        .await;
    assert!(r.body["error"]["message"].as_str().unwrap().starts_with("Timestamp not in expected format."));
    let r = refused(&c, Method::POST, "/identity/v3/OS-TRUST/trusts", &member, Some(trust_body(&x, true, "admin", None)), 404).await;
    assert!(r.body["error"]["message"].as_str().unwrap().starts_with("Could not find role: "));
    let alt = c.token("alt_demo", "alt-demo-secret", "alt_demo").await;
    let r = refused(&c, Method::POST, "/identity/v3/OS-TRUST/trusts", &alt, Some(trust_body(&x, true, "reader", None)), 403).await;
    assert!(r.text.contains("identity:create_trust"));
    let mut no_roles = trust_body(&x, true, "reader", None);
    no_roles["trust"]["roles"] = json!([]);
    let r = refused(&c, Method::POST, "/identity/v3/OS-TRUST/trusts", &member, Some(no_roles), 403).await;
    assert_eq!(
        r.body["error"]["message"],
        "You are not authorized to perform the requested action: At least one role should be specified."
    );
    let mut typo = trust_body(&x, true, "reader", None);
    typo["trust"]["impersonation"] = json!("yes");
    let r = refused(&c, Method::POST, "/identity/v3/OS-TRUST/trusts", &member, Some(typo), 400).await;
    assert_eq!(r.body["error"]["message"], "Invalid input for field 'impersonation': 'yes' is not of type 'boolean'");
}

fn trust_token_request(trust_id: &str) -> Value {
    let mut body = password_auth("alt_demo", "alt-demo-secret", None);
    body["auth"]["scope"] = json!({"OS-TRUST:trust": {"id": trust_id}});
    body
}

#[tokio::test]
async fn a_trustee_acts_through_a_trust_with_its_roles_for_its_uses() {
    let c = TestCloud::start().await;
    let member = c.member().await;
    let x = ids(&c);
    let mut body = trust_body(&x, true, "reader", None);
    body["trust"]["remaining_uses"] = json!(1);
    let id = ok(&c, Method::POST, "/identity/v3/OS-TRUST/trusts", &member, Some(body)).await["trust"]["id"].as_str().unwrap().to_string();
    let r = c.send(Method::POST, TOKENS, None, Some(trust_token_request(&id))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let t = &r.body["token"];
    assert_eq!(t["user"]["id"], x.demo_u.as_str(), "impersonation: the token is the trustor's");
    assert_eq!(t["project"]["id"], x.demo_p.as_str());
    assert_eq!(
        t["OS-TRUST:trust"],
        json!({"id": id, "impersonation": true, "trustee_user": {"id": x.alt_u}, "trustor_user": {"id": x.demo_u}})
    );
    let names: Vec<&str> = t["roles"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["reader"]);
    let token = r.headers["x-subject-token"].to_str().unwrap().to_string();
    assert_eq!(c.get("/compute/v2.1/flavors", Some(&token)).await.status, 200);
    let again = c.send(Method::POST, TOKENS, None, Some(trust_token_request(&id))).await;
    assert_eq!(again.status, 404, "its one use is spent: {}", again.text);
    let mut other = trust_body(&x, false, "reader", None);
    other["trust"]["trustee_user_id"] = json!(x.admin_u);
    let other =
        ok(&c, Method::POST, "/identity/v3/OS-TRUST/trusts", &member, Some(other)).await["trust"]["id"].as_str().unwrap().to_string();
    let r = c.send(Method::POST, TOKENS, None, Some(trust_token_request(&other))).await;
    assert_eq!(r.status, 403, "alt_demo is not that trust's trustee: {}", r.text);
}

#[tokio::test]
async fn deleting_a_trust_revokes_the_tokens_it_gave() {
    let c = TestCloud::start().await;
    let member = c.member().await;
    let x = ids(&c);
    let id = ok(&c, Method::POST, "/identity/v3/OS-TRUST/trusts", &member, Some(trust_body(&x, false, "reader", None))).await["trust"]
        ["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = c.send(Method::POST, TOKENS, None, Some(trust_token_request(&id))).await;
    assert_eq!(r.body["token"]["user"]["id"], x.alt_u.as_str(), "without impersonation the token is the trustee's");
    let token = r.headers["x-subject-token"].to_str().unwrap().to_string();
    ok(&c, Method::DELETE, &format!("/identity/v3/OS-TRUST/trusts/{id}"), &member, None).await;
    assert_eq!(c.get("/compute/v2.1/flavors", Some(&token)).await.status, 401);
    let events = ok(&c, Method::GET, "/identity/v3/OS-REVOKE/events", &c.admin().await, None).await;
    assert!(events["events"].as_array().unwrap().iter().any(|e| e["OS-TRUST:trust_id"] == id.as_str()));
}
