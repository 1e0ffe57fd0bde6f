//! Nova's image proxy (`/compute/v2.1/images`, gone from 2.36): Glance's images in Nova's shape,
//! with their metadata, under Glance's policy.

mod common;

use common::TestCloud;
use reqwest::Method;
use serde_json::{json, Value};

async fn nova(c: &TestCloud, method: Method, path: &str, token: &str, version: &str, body: Option<Value>) -> common::Reply {
    let mut req = c
        .http
        .request(method, c.url(&format!("/compute/v2.1{path}")))
        .header("X-Auth-Token", token)
        .header("OpenStack-API-Version", format!("compute {version}"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    common::reply(req.send().await.unwrap()).await
}

#[tokio::test]
async fn glance_images_show_through_the_proxy_with_their_metadata_until_2_36() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let made = c
        .send(
            Method::POST,
            "/image/v2/images",
            Some(&demo),
            Some(json!({"name": "proxied", "disk_format": "qcow2", "container_format": "bare"})),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let id = made.body["id"].as_str().unwrap().to_string();
    let shown = nova(&c, Method::GET, &format!("/images/{id}"), &demo, "2.1", None).await;
    assert_eq!(shown.status, 200, "{}", shown.text);
    assert_eq!((shown.body["image"]["status"].clone(), shown.body["image"]["progress"].clone()), (json!("SAVING"), json!(25)), "queued");
    let listed = nova(&c, Method::GET, "/images/detail?name=proxied", &demo, "2.1", None).await;
    assert_eq!(listed.body["images"].as_array().unwrap().len(), 1);

    let set =
        nova(&c, Method::PUT, &format!("/images/{id}/metadata/os_distro"), &demo, "2.1", Some(json!({"meta": {"os_distro": "cirros"}})))
            .await;
    assert_eq!(set.status, 200, "{}", set.text);
    let mismatch = nova(&c, Method::PUT, &format!("/images/{id}/metadata/a"), &demo, "2.1", Some(json!({"meta": {"b": "1"}}))).await;
    assert_eq!(mismatch.status, 400);
    let all = nova(&c, Method::GET, &format!("/images/{id}/metadata"), &demo, "2.1", None).await;
    assert_eq!(all.body["metadata"]["os_distro"], json!("cirros"));
    assert_eq!(nova(&c, Method::DELETE, &format!("/images/{id}/metadata/os_distro"), &demo, "2.1", None).await.status, 204);
    assert_eq!(nova(&c, Method::DELETE, &format!("/images/{id}/metadata/os_distro"), &demo, "2.1", None).await.status, 404);

    assert_eq!(nova(&c, Method::GET, &format!("/images/{id}"), &demo, "2.36", None).await.status, 404, "the proxy is gone at 2.36");
    let observer = c.token("observer", "observer-secret", "demo").await;
    assert_eq!(nova(&c, Method::DELETE, &format!("/images/{id}"), &observer, "2.1", None).await.status, 403, "a reader may not delete");
    assert_eq!(nova(&c, Method::DELETE, &format!("/images/{id}"), &demo, "2.1", None).await.status, 204);
    assert!(c.running.cloud.world().image.images.iter().all(|i| i.id != id), "deleted in Glance");
}
