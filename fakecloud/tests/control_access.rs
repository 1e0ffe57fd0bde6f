//! Who may drive the control API: not a web page in the user's browser (foreign Origin, form and
//! text bodies), not a rebound DNS name (foreign Host), and, with a control token, no one without
//! it; while the OpenStack APIs answer as before. And what it hands out: snapshots and the journal
//! with their secrets redacted unless asked for.

mod common;

use common::served::{serve, BIN};
use common::{password_auth, TestCloud};
use fakecloud::cloud::ControlAccess;
use fakecloud::sim::ClockMode;
use fakecloud::{CloudConfig, Fixture, RunningCloud};
use reqwest::Method;
use serde_json::{json, Value};
use std::process::Command;

async fn cloud_with(control: ControlAccess) -> RunningCloud {
    let config = CloudConfig { fixture: Fixture::default_cloud(), clock: ClockMode::Manual, control, ..Default::default() };
    fakecloud::start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap()
}

fn clock_moves(c: &RunningCloud) -> usize {
    c.cloud.world().sim.journal.entries().iter().filter(|e| e.record.kind() == "control").count()
}

#[tokio::test]
async fn a_cross_origin_form_post_to_reset_is_refused_and_changes_nothing() {
    let c = cloud_with(ControlAccess::default()).await;
    let http = reqwest::Client::new();
    let advanced = http.post(format!("{}/_fakecloud/clock/advance", c.url())).json(&json!({"by": 60})).send().await.unwrap();
    assert_eq!(advanced.status(), 200);
    let before = c.cloud.world().now();
    // What a page on another site posts with a plain HTML form.
    let form = http
        .post(format!("{}/_fakecloud/reset", c.url()))
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("x=1")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 403);
    let body: Value = form.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("another origin"), "{body}");
    assert_eq!(c.cloud.world().now(), before, "the refused reset moved the clock back");
    // Without an Origin (a no-cors fetch can drop it only with a body no JSON type names): a form
    // or text body is still refused.
    for content_type in ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=b"] {
        let r = http
            .post(format!("{}/_fakecloud/clock/advance", c.url()))
            .header("content-type", content_type)
            .body(r#"{"by": 5}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 415, "{content_type}");
    }
    let untyped = http.post(format!("{}/_fakecloud/clock/advance", c.url())).body(r#"{"by": 5}"#).send().await.unwrap();
    assert_eq!(untyped.status(), 415, "a body without a type");
    let sec_fetch = http.post(format!("{}/_fakecloud/reset", c.url())).header("sec-fetch-site", "cross-site").send().await.unwrap();
    assert_eq!(sec_fetch.status(), 403);
    assert_eq!(c.cloud.world().now(), before, "no refused call moved the clock");
    assert_eq!(clock_moves(&c), 1, "only the first advance is journaled");
    // The cloud's own origin, and a bodiless write with no type (`ctl reset`), pass.
    let same_origin =
        http.post(format!("{}/_fakecloud/clock/advance", c.url())).header("origin", c.url()).json(&json!({"by": 1})).send().await.unwrap();
    assert_eq!(same_origin.status(), 200);
    assert_eq!(http.post(format!("{}/_fakecloud/reset", c.url())).send().await.unwrap().status(), 204);
}

#[tokio::test]
async fn a_foreign_host_is_refused_unless_allowed_and_the_openstack_apis_answer_any() {
    let c = cloud_with(ControlAccess::default()).await;
    let http = reqwest::Client::new();
    let get = |host: &'static str, path: &'static str| http.get(format!("{}{path}", c.url())).header("host", host).send();
    let rebound = get("attacker.example:5000", "/_fakecloud/snapshot").await.unwrap();
    assert_eq!(rebound.status(), 403);
    let body: Value = rebound.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("loopback host names only"), "{body}");
    assert_eq!(get("localhost:5000", "/_fakecloud/health").await.unwrap().status(), 200);
    assert_eq!(get("[::1]:5000", "/_fakecloud/health").await.unwrap().status(), 200);
    // OpenStack routes keep answering whatever the Host (a tool reaches the cloud by any name).
    assert_eq!(get("attacker.example:5000", "/identity/v3").await.unwrap().status(), 200);

    let allowed = cloud_with(ControlAccess { allowed_hosts: vec!["fakecloud".into()], ..Default::default() }).await;
    let r = http.get(format!("{}/_fakecloud/health", allowed.url())).header("host", "fakecloud:5000").send().await.unwrap();
    assert_eq!(r.status(), 200, "an allowed name");
    let r = http.get(format!("{}/_fakecloud/health", allowed.url())).header("host", "other:5000").send().await.unwrap();
    assert_eq!(r.status(), 403, "a name not allowed");
}

#[tokio::test]
async fn with_a_token_control_calls_without_it_get_401_and_the_openstack_apis_do_not_ask() {
    let c = cloud_with(ControlAccess { token: Some("s3cret-token".into()), ..Default::default() }).await;
    let http = reqwest::Client::new();
    let url = format!("{}/_fakecloud/clock/advance", c.url());
    let bare = http.post(&url).json(&json!({"by": 5})).send().await.unwrap();
    assert_eq!(bare.status(), 401);
    assert_eq!(bare.headers()["www-authenticate"], "Bearer realm=\"fakecloud control\"");
    let wrong = http.post(&url).bearer_auth("s3cret-tokem").json(&json!({"by": 5})).send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(clock_moves(&c), 0, "a refused call moved the clock");
    let right = http.post(&url).bearer_auth("s3cret-token").json(&json!({"by": 5})).send().await.unwrap();
    assert_eq!(right.status(), 200);
    // The token proves the caller whatever name it used for the cloud.
    let named = http.get(format!("{}/_fakecloud/health", c.url())).header("host", "fakecloud:5000").bearer_auth("s3cret-token");
    assert_eq!(named.send().await.unwrap().status(), 200);
    let token = http.post(format!("{}/identity/v3/auth/tokens", c.url())).json(&password_auth("admin", "admin-secret", Some("admin")));
    assert_eq!(token.send().await.unwrap().status(), 201, "Keystone needs no control token");
}

#[test]
fn ctl_and_the_fake_shell_send_the_token_from_the_environment() {
    let server = serve(&["--clock", "manual", "--control-token", "ctl-token"]);
    let ctl = |token: Option<&str>, args: &[&str]| {
        let mut cmd = Command::new(BIN);
        cmd.args(["ctl", "--url", &server.base]).args(args).env_remove("FAKECLOUD_CONTROL_TOKEN");
        if let Some(t) = token {
            cmd.env("FAKECLOUD_CONTROL_TOKEN", t);
        }
        cmd.output().unwrap()
    };
    let refused = ctl(None, &["clock"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("401"), "{refused:?}");
    let advanced = ctl(Some("ctl-token"), &["clock", "advance", "90s"]);
    assert!(advanced.status.success(), "{advanced:?}");
    assert!(String::from_utf8_lossy(&advanced.stdout).contains("\"pending_events\""), "{advanced:?}");
    let flag = Command::new(BIN).args(["ctl", "--url", &server.base, "--control-token", "ctl-token", "health"]).output().unwrap();
    assert!(flag.status.success(), "{flag:?}");

    let dir = tempfile::tempdir().unwrap();
    let links = Command::new(BIN).args(["shell", "install"]).arg(dir.path()).output().unwrap();
    assert!(links.status.success(), "{links:?}");
    let pcs = |token: Option<&str>| {
        let mut cmd = Command::new(dir.path().join("pcs"));
        cmd.arg("status").env("FAKECLOUD_URL", &server.base).env_remove("FAKECLOUD_CONTROL_TOKEN");
        if let Some(t) = token {
            cmd.env("FAKECLOUD_CONTROL_TOKEN", t);
        }
        cmd.output().unwrap()
    };
    assert!(!pcs(None).status.success(), "the fake shell without the token");
    let status = pcs(Some("ctl-token"));
    assert!(status.status.success(), "{status:?}");
    assert!(String::from_utf8_lossy(&status.stdout).contains("Full list of resources"), "{status:?}");
}

#[tokio::test]
async fn snapshots_and_the_journal_hide_passwords_and_token_ids_unless_asked() {
    let c = TestCloud::start().await;
    let token = c.admin().await;
    let demo =
        c.send(Method::POST, "/identity/v3/users", Some(&token), Some(json!({"user": {"name": "u1", "password": "created-secret"}}))).await;
    assert_eq!(demo.status, 201, "{}", demo.text);
    for path in ["/_fakecloud/snapshot", "/_fakecloud/journal", "/_fakecloud/snapshot?secrets=redact"] {
        let text = c.get(path, None).await.text;
        for secret in ["admin-secret", "created-secret", token.as_str()] {
            assert!(!text.contains(secret), "{path} shows {secret}");
        }
        assert!(text.contains("<redacted>"), "{path}");
    }
    let journal = c.get("/_fakecloud/journal?kind=api&service=identity", None).await;
    let issued = journal.body["entries"].as_array().unwrap().iter().find(|e| e["method"] == "POST").unwrap();
    let body: Value = serde_json::from_str(issued["request"]["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["auth"]["identity"]["password"]["user"]["name"], "admin", "the journal still names the user");

    let whole = c.get("/_fakecloud/snapshot?secrets=include", None).await.text;
    let key = |snapshot: &str| serde_json::from_str::<Value>(snapshot).unwrap()["identity"]["token_key"].clone();
    assert!(whole.contains("admin-secret"), "asked for, the secrets are there");
    assert_eq!(key(&c.get("/_fakecloud/snapshot", None).await.text), "<redacted>", "the key tokens are sealed with is a secret");
    assert!(key(&whole).as_str().is_some_and(|k| k.len() == 64), "asked for, the token key is there: {}", key(&whole));
    assert!(c.get("/_fakecloud/journal?secrets=include", None).await.text.contains("admin-secret"));
    assert_eq!(c.get("/_fakecloud/snapshot?secrets=maybe", None).await.status, 400);

    // A redacted snapshot cannot come back as a world: its users could not log in.
    let redacted = c.get("/_fakecloud/snapshot", None).await.text;
    let r = c.raw(Method::POST, "/_fakecloud/restore", None, redacted.into_bytes()).await;
    assert_eq!(r.status, 400);
    assert!(r.body["error"]["message"].as_str().unwrap().contains("secrets=include"), "{}", r.text);
    assert_eq!(c.get("/identity/v3/projects", Some(&token)).await.status, 200, "the refused restore changed nothing");
}
