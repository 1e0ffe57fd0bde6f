//! Identity writes live in the world: a journal of them replays into the same world (secrets,
//! hashed ids and revocation events included), and a snapshot restores them.

use crate::common::TestCloud;
use crate::replay;
use crate::{ids, new_role, ok, TOKENS};
use reqwest::Method;
use serde_json::json;

/// Roles, an implication, grants, the catalog and its endpoint filters, credentials, an application
/// credential with an access rule, a trust, a trust-scoped token, a revoked token, a policy blob,
/// an OAuth1 consumer (its secret) and a domain configuration (its LDAP password).
async fn identity_writes(c: &TestCloud) {
    let admin = c.admin().await;
    let member = c.member().await;
    let x = ids(c);
    let (a, b) = (new_role(c, &admin, "replayed-a").await, new_role(c, &admin, "replayed-b").await);
    ok(c, Method::PUT, &format!("/identity/v3/roles/{a}/implies/{b}"), &admin, None).await;
    ok(c, Method::PUT, &format!("/identity/v3/projects/{}/users/{}/roles/{a}", x.demo_p, x.alt_u), &admin, None).await;
    ok(c, Method::PUT, &format!("/identity/v3/OS-INHERIT/domains/default/users/{}/roles/{b}/inherited_to_projects", x.alt_u), &admin, None)
        .await;
    ok(c, Method::POST, "/identity/v3/regions", &admin, Some(json!({"region": {"description": "replayed"}}))).await;
    let svc = ok(c, Method::POST, "/identity/v3/services", &admin, Some(json!({"service": {"type": "replayed"}}))).await;
    let ep = json!({"endpoint": {"service_id": svc["service"]["id"], "interface": "public", "url": "http://r.example/v1", "region": "replayed-region"}});
    let ep_id = ok(c, Method::POST, "/identity/v3/endpoints", &admin, Some(ep)).await["endpoint"]["id"].as_str().unwrap().to_string();
    ok(c, Method::PUT, &format!("/identity/v3/OS-EP-FILTER/projects/{}/endpoints/{ep_id}", x.alt_p), &admin, None).await;
    let group = json!({"endpoint_group": {"name": "replayed", "filters": {"interface": "public"}}});
    let group_id =
        ok(c, Method::POST, "/identity/v3/OS-EP-FILTER/endpoint_groups", &admin, Some(group)).await["endpoint_group"]["id"].clone();
    ok(
        c,
        Method::PUT,
        &format!("/identity/v3/OS-EP-FILTER/endpoint_groups/{}/projects/{}", group_id.as_str().unwrap(), x.alt_p),
        &admin,
        None,
    )
    .await;
    ok(c, Method::POST, "/identity/v3/policies", &admin, Some(json!({"policy": {"type": "application/json", "blob": "{}"}}))).await;
    ok(c, Method::POST, "/identity/v3/OS-OAUTH1/consumers", &admin, Some(json!({"consumer": {"description": "replayed"}}))).await;
    let config = json!({"config": {"identity": {"driver": "ldap"}, "ldap": {"url": "ldap://r", "password": "r"}}});
    ok(c, Method::PUT, "/identity/v3/domains/default/config", &admin, Some(config)).await;
    let cred = json!({"credential": {"user_id": x.demo_u, "project_id": x.demo_p, "type": "ec2", "blob": "{\"access\": \"r\"}"}});
    ok(c, Method::POST, "/identity/v3/credentials", &member, Some(cred)).await;
    ok(c, Method::POST, &format!("/identity/v3/users/{}/credentials/OS-EC2", x.demo_u), &member, Some(json!({"tenant_id": x.demo_p})))
        .await;
    let body = json!({"application_credential": {"name": "replayed", "access_rules": [{"service": "compute", "path": "/v2.1/servers", "method": "GET"}]}});
    ok(c, Method::POST, &format!("/identity/v3/users/{}/application_credentials", x.demo_u), &member, Some(body)).await;
    let trust = json!({"trust": {"trustor_user_id": x.demo_u, "trustee_user_id": x.alt_u, "project_id": x.demo_p, "impersonation": true,
        "roles": [{"name": "reader"}], "remaining_uses": 2}});
    let trust_id = ok(c, Method::POST, "/identity/v3/OS-TRUST/trusts", &member, Some(trust)).await["trust"]["id"].clone();
    let mut auth = crate::common::password_auth("alt_demo", "alt-demo-secret", None);
    auth["auth"]["scope"] = json!({"OS-TRUST:trust": {"id": trust_id}});
    assert_eq!(c.send(Method::POST, TOKENS, None, Some(auth)).await.status, 201);
    c.advance("3s").await;
    let r = c.http.delete(c.url(TOKENS)).header("X-Auth-Token", &admin).header("X-Subject-Token", &member).send().await.unwrap();
    assert_eq!(r.status(), 204);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_writes_replay_from_the_journal_to_the_same_world() {
    let c = TestCloud::start().await;
    identity_writes(&c).await;
    let entries = c.running.cloud.world().sim.journal.entries().to_vec();
    let replayed = replay::replay(&entries).await;
    let (world, journal) = replay::comparable(&c.snapshot().await);
    let (world_again, journal_again) = replay::comparable(&replayed.snapshot().await);
    assert_eq!(world, world_again, "the replayed world differs at {:?}", replay::first_difference(&world, &world_again));
    assert_eq!(journal.len(), journal_again.len());
}

#[tokio::test]
async fn identity_writes_survive_a_snapshot_and_restore() {
    let c = TestCloud::start().await;
    identity_writes(&c).await;
    let snapshot = c.snapshot().await;
    let fresh = TestCloud::start().await;
    let r = fresh.raw(Method::POST, "/_fakecloud/restore", None, snapshot.clone().into_bytes()).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let (a, _) = replay::comparable(&snapshot);
    let (b, _) = replay::comparable(&fresh.snapshot().await);
    assert_eq!(a["identity"], b["identity"]);
    assert_eq!(fresh.running.cloud.world().identity.trusts.len(), 1);
}
