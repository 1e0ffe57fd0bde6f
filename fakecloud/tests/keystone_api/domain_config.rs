//! Domain-specific configuration: the identity and LDAP options a domain may set, their defaults,
//! and Keystone's rules for partial updates and deletes.

use crate::common::TestCloud;
use crate::{ok, refused};
use reqwest::Method;
use serde_json::json;

const CONFIG: &str = "/identity/v3/domains/default/config";

#[tokio::test]
async fn a_domain_config_is_created_read_by_group_and_option_updated_and_deleted() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let config = json!({"identity": {"driver": "ldap"}, "ldap": {"url": "ldap://x", "password": "s3cret"}});
    let first = c.send(Method::PUT, CONFIG, Some(&admin), Some(json!({"config": config}))).await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.body["config"], json!({"identity": {"driver": "ldap"}, "ldap": {"url": "ldap://x"}}), "the password is never shown");
    let again = c.send(Method::PUT, CONFIG, Some(&admin), Some(json!({"config": {"identity": {"driver": "sql"}}}))).await;
    assert_eq!(again.status, 200, "replacing a configuration is a 200");
    assert_eq!(again.body["config"], json!({"identity": {"driver": "sql"}}), "a PUT replaces the whole configuration");

    ok(&c, Method::PATCH, CONFIG, &admin, Some(json!({"config": {"ldap": {"url": "ldap://y", "user_tree_dn": "ou=u"}}}))).await;
    let group = ok(&c, Method::GET, &format!("{CONFIG}/ldap"), &admin, None).await;
    assert_eq!(group["config"], json!({"ldap": {"url": "ldap://y", "user_tree_dn": "ou=u"}}));
    let option = ok(&c, Method::GET, &format!("{CONFIG}/ldap/url"), &admin, None).await;
    assert_eq!(option["config"], json!({"url": "ldap://y"}), "an option is shown under its own name");
    let whole = ok(&c, Method::PATCH, &format!("{CONFIG}/ldap/url"), &admin, Some(json!({"config": {"url": "ldap://z"}}))).await;
    assert_eq!(whole["config"]["ldap"]["url"], json!("ldap://z"), "an option's PATCH answers the whole configuration");
    // A group's PATCH may only name that group, and the group must already be set.
    let other =
        refused(&c, Method::PATCH, &format!("{CONFIG}/ldap"), &admin, Some(json!({"config": {"identity": {"driver": "x"}}})), 403).await;
    assert!(other.text.contains("request to update group ldap"), "{}", other.text);
    refused(&c, Method::PATCH, &format!("{CONFIG}/ldap/page_size"), &admin, Some(json!({"config": {"page_size": 5}})), 404).await;

    ok(&c, Method::DELETE, &format!("{CONFIG}/ldap/url"), &admin, None).await;
    refused(&c, Method::GET, &format!("{CONFIG}/ldap/url"), &admin, None, 404).await;
    ok(&c, Method::DELETE, &format!("{CONFIG}/ldap"), &admin, None).await;
    let gone = refused(&c, Method::GET, &format!("{CONFIG}/ldap"), &admin, None, 404).await;
    assert_eq!(gone.body["error"]["message"], json!("Could not find group ldap in domain configuration for domain default."));
    ok(&c, Method::DELETE, CONFIG, &admin, None).await;
    refused(&c, Method::GET, CONFIG, &admin, None, 404).await;
}

#[tokio::test]
async fn options_keystone_does_not_allow_are_refused_and_change_nothing() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let before = c.state_without_journal();
    let r = refused(&c, Method::PUT, CONFIG, &admin, Some(json!({"config": {"token": {"expiration": 5}}})), 403).await;
    assert_eq!(
        r.body["error"]["message"],
        json!("Invalid domain specific configuration: Group token is not supported for domain specific configurations.")
    );
    refused(&c, Method::PUT, CONFIG, &admin, Some(json!({"config": {"ldap": {"url": "x", "nope": 1}}})), 403).await;
    refused(&c, Method::PUT, CONFIG, &admin, Some(json!({"config": {}})), 403).await;
    refused(&c, Method::PUT, "/identity/v3/domains/nowhere/config", &admin, Some(json!({"config": {"identity": {"driver": "x"}}})), 404)
        .await;
    assert!(c.state_without_journal() == before, "a refused configuration changed the world");
    let member = c.member().await;
    refused(&c, Method::GET, CONFIG, &member, None, 403).await;
}

#[tokio::test]
async fn defaults_and_security_compliance_read_keystones_settings() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let all = ok(&c, Method::GET, "/identity/v3/domains/config/default", &admin, None).await;
    assert_eq!(all["config"]["identity"], json!({"driver": "sql", "list_limit": null}));
    assert_eq!(all["config"]["ldap"]["url"], json!("ldap://localhost"));
    let ldap = ok(&c, Method::GET, "/identity/v3/domains/config/ldap/default", &admin, None).await;
    assert!(ldap["config"]["ldap"].get("password").is_none(), "the password has no default to show");
    let one = ok(&c, Method::GET, "/identity/v3/domains/config/ldap/user_tree_dn/default", &admin, None).await;
    assert_eq!(one["config"], json!({"user_tree_dn": null}));
    refused(&c, Method::GET, "/identity/v3/domains/config/ldap/password/default", &admin, None, 403).await;
    // Any token reads the default domain's password rules; none are set.
    let member = c.member().await;
    let rules = ok(&c, Method::GET, &format!("{CONFIG}/security_compliance"), &member, None).await;
    assert_eq!(rules["config"], json!({"security_compliance": {"password_regex": null, "password_regex_description": null}}));
}
