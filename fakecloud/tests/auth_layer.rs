//! The shared auth layer in front of every service: no token, a bad token or an expired one is a
//! 401 as keystonemiddleware gives it; with a valid token, unknown paths get the service's own 404.

mod common;

use common::TestCloud;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn every_service_path_needs_a_token() {
    let c = TestCloud::start().await;
    for service in fakecloud::services::openstack() {
        for path in [format!("{}/anything", service.prefix()), format!("{}/v2/some/deep/path?x=1", service.prefix())] {
            for method in [Method::GET, Method::POST, Method::DELETE] {
                let r = c.send(method.clone(), &path, None, None).await;
                if service == fakecloud::identity::SERVICE {
                    assert_eq!(r.status, 404, "{method} {path}: identity's unknown paths are plain 404s");
                    continue;
                }
                assert_eq!(r.status, 401, "{method} {path}");
                assert_eq!(r.body["error"]["message"], "The request you have made requires authentication.");
                assert!(r.headers.contains_key("www-authenticate"));
            }
        }
    }
}

#[tokio::test]
async fn a_bad_or_expired_token_is_a_401_everywhere() {
    let c = TestCloud::start().await;
    for service in fakecloud::services::openstack().into_iter().filter(|s| *s != fakecloud::identity::SERVICE) {
        let r = c.get(&format!("{}/x", service.prefix()), Some("gAAAAAforged")).await;
        assert_eq!(r.status, 401, "{service:?}");
    }
    let token = c.admin().await;
    c.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({"by": "2h"}))).await;
    assert_eq!(c.get("/compute/v2.1/servers", Some(&token)).await.status, 401);
    assert_eq!(c.get("/identity/v3/projects", Some(&token)).await.status, 401);
}

#[tokio::test]
async fn with_a_token_unknown_paths_answer_in_the_services_format() {
    let c = TestCloud::start().await;
    let token = c.admin().await;
    let expect = [
        (fakecloud::compute::SERVICE, "itemNotFound"),
        (fakecloud::volume::SERVICE, "itemNotFound"),
        (fakecloud::network::SERVICE, "NeutronError"),
        (fakecloud::placement::SERVICE, "errors"),
        (fakecloud::container_infra::SERVICE, "errors"),
        (fakecloud::loadbalancer::SERVICE, "faultstring"),
        (fakecloud::image::SERVICE, "title"),
    ];
    for (service, key) in expect {
        let r = c.get(&format!("{}/nothing-here", service.prefix()), Some(&token)).await;
        assert_eq!(r.status, 404, "{service:?}");
        assert!(r.body.get(key).is_some(), "{service:?}: {}", r.text);
    }
}

#[tokio::test]
async fn a_member_token_on_an_admin_only_route_is_403() {
    let c = TestCloud::start().await;
    let member = c.member().await;
    let r = c.get("/identity/v3/users", Some(&member)).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["error"]["title"], "Forbidden");
}

#[tokio::test]
async fn the_journal_records_who_called_what() {
    let c = TestCloud::start().await;
    let member = c.member().await;
    c.get("/identity/v3/users", Some(&member)).await;
    let j = c.get("/_fakecloud/journal?kind=api", None).await;
    let entries = j.body["entries"].as_array().unwrap();
    let last = entries.last().unwrap();
    assert_eq!(
        (last["method"].as_str(), last["path"].as_str(), last["status"].as_u64()),
        (Some("GET"), Some("/identity/v3/users"), Some(403))
    );
    let demo_user = c.running.cloud.world().identity.user_named("demo").unwrap().id.clone();
    assert_eq!(last["user_id"], demo_user);
    assert_eq!(entries[0]["path"], "/identity/v3/auth/tokens");
    assert_eq!(entries[0]["user_id"], demo_user, "a token request is journaled under the user it authenticated");
}
