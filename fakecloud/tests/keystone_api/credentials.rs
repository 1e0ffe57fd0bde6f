//! Credentials and OS-EC2 credentials.

use crate::common::TestCloud;
use crate::{ids, ok, refused};
use reqwest::Method;
use serde_json::{json, Value};

fn ec2(user: &str, project: &str, access: &str) -> Value {
    json!({"credential": {"user_id": user, "project_id": project, "type": "ec2",
        "blob": format!("{{\"access\": \"{access}\", \"secret\": \"s-{access}\"}}")}})
}

#[tokio::test]
async fn an_ec2_credential_is_created_read_updated_and_deleted() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let x = ids(&c);
    let made = ok(&c, Method::POST, "/identity/v3/credentials", &admin, Some(ec2(&x.demo_u, &x.demo_p, "a1"))).await["credential"].clone();
    let id = made["id"].as_str().unwrap().to_string();
    use sha2::Digest;
    assert_eq!(id, hex::encode(sha2::Sha256::digest(b"a1")), "the SHA-256 of the access key");
    assert_eq!(
        (made["user_id"].clone(), made["project_id"].clone(), made["type"].clone()),
        (json!(x.demo_u), json!(x.demo_p), json!("ec2"))
    );
    assert!(made["blob"].as_str().unwrap().contains("\"access\": \"a1\""));
    let path = format!("/identity/v3/credentials/{id}");
    let blob = "{\"access\": \"a2\", \"secret\": \"s2\"}";
    let change = json!({"credential": {"blob": blob, "project_id": x.alt_p, "type": "ec2"}});
    let updated = ok(&c, Method::PATCH, &path, &admin, Some(change)).await["credential"].clone();
    assert_eq!((updated["id"].as_str().unwrap(), updated["project_id"].as_str().unwrap()), (id.as_str(), x.alt_p.as_str()));
    let shown = ok(&c, Method::GET, &path, &admin, None).await["credential"].clone();
    let parsed: Value = serde_json::from_str(shown["blob"].as_str().unwrap()).unwrap();
    assert_eq!(parsed["access"], "a2");
    refused(&c, Method::POST, "/identity/v3/credentials", &admin, Some(ec2(&x.demo_u, &x.demo_p, "a1")), 409).await;
    ok(&c, Method::DELETE, &path, &admin, None).await;
    let gone = refused(&c, Method::GET, &path, &admin, None, 404).await;
    assert_eq!(gone.body["error"]["message"], format!("Could not find credential: {id}."));
}

#[tokio::test]
async fn an_ec2_credential_needs_a_project_and_an_access_key() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let x = ids(&c);
    let no_project = json!({"credential": {"user_id": x.demo_u, "type": "ec2", "blob": "{\"access\": \"a\"}"}});
    refused(&c, Method::POST, "/identity/v3/credentials", &admin, Some(no_project), 400).await;
    let no_access = json!({"credential": {"user_id": x.demo_u, "project_id": x.demo_p, "type": "ec2", "blob": "{\"secret\": \"s\"}"}});
    let r = refused(&c, Method::POST, "/identity/v3/credentials", &admin, Some(no_access), 400).await;
    assert!(r.body["error"]["message"].as_str().unwrap().starts_with("Expecting to find access in credential."));
    let not_json = json!({"credential": {"user_id": x.demo_u, "project_id": x.demo_p, "type": "ec2", "blob": "nope"}});
    let r = refused(&c, Method::POST, "/identity/v3/credentials", &admin, Some(not_json), 400).await;
    assert_eq!(r.body["error"]["message"], "Invalid blob in credential");
    let cert = json!({"credential": {"user_id": x.demo_u, "type": "cert", "blob": "anything"}});
    assert_eq!(ok(&c, Method::POST, "/identity/v3/credentials", &admin, Some(cert)).await["credential"]["project_id"], Value::Null);
}

#[tokio::test]
async fn members_see_and_make_only_their_own_credentials() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let member = c.member().await;
    let x = ids(&c);
    ok(&c, Method::POST, "/identity/v3/credentials", &member, Some(ec2(&x.demo_u, &x.demo_p, "mine"))).await;
    ok(&c, Method::POST, "/identity/v3/credentials", &admin, Some(ec2(&x.alt_u, &x.alt_p, "theirs"))).await;
    let r = refused(&c, Method::POST, "/identity/v3/credentials", &member, Some(ec2(&x.alt_u, &x.alt_p, "forged")), 403).await;
    assert!(r.text.contains("identity:create_credential"));
    let mine = ok(&c, Method::GET, "/identity/v3/credentials", &member, None).await;
    assert_eq!(mine["credentials"].as_array().unwrap().len(), 1);
    assert_eq!(mine["credentials"][0]["user_id"], x.demo_u.as_str());
    let all = ok(&c, Method::GET, "/identity/v3/credentials", &admin, None).await;
    assert_eq!(all["credentials"].as_array().unwrap().len(), 2);
    let by_user = ok(&c, Method::GET, &format!("/identity/v3/credentials?user_id={}&type=ec2", x.alt_u), &admin, None).await;
    assert_eq!(by_user["credentials"].as_array().unwrap().len(), 1);
    let theirs = by_user["credentials"][0]["id"].as_str().unwrap().to_string();
    refused(&c, Method::GET, &format!("/identity/v3/credentials/{theirs}"), &member, None, 403).await;
}

#[tokio::test]
async fn a_users_ec2_credentials_are_made_listed_shown_and_deleted() {
    let c = TestCloud::start().await;
    let member = c.member().await;
    let x = ids(&c);
    let base = format!("/identity/v3/users/{}/credentials/OS-EC2", x.demo_u);
    let made = c.send(Method::POST, &base, Some(&member), Some(json!({"tenant_id": x.demo_p}))).await;
    assert_eq!(made.status, 201, "{}", made.text);
    let cred = made.body["credential"].clone();
    let access = cred["access"].as_str().unwrap().to_string();
    assert!(!cred["secret"].as_str().unwrap().is_empty());
    assert_eq!(
        (cred["user_id"].clone(), cred["tenant_id"].clone(), cred["trust_id"].clone()),
        (json!(x.demo_u), json!(x.demo_p), Value::Null)
    );
    assert!(cred["links"]["self"].as_str().unwrap().ends_with(&format!("{base}/{access}")));
    let list = ok(&c, Method::GET, &base, &member, None).await;
    assert_eq!(list["credentials"][0]["access"], access.as_str());
    let shown = ok(&c, Method::GET, &format!("{base}/{access}"), &member, None).await;
    assert_eq!(shown["credential"]["secret"], cred["secret"]);
    let v3 = ok(&c, Method::GET, "/identity/v3/credentials", &member, None).await;
    assert_eq!(v3["credentials"][0]["type"], "ec2", "an EC2 credential is a credential");
    ok(&c, Method::DELETE, &format!("{base}/{access}"), &member, None).await;
    refused(&c, Method::GET, &format!("{base}/{access}"), &member, None, 404).await;
    refused(&c, Method::POST, &base, &member, Some(json!({"tenant_id": "nope"})), 404).await;
    let alt = c.token("alt_demo", "alt-demo-secret", "alt_demo").await;
    refused(&c, Method::GET, &base, &alt, None, 403).await;
}
