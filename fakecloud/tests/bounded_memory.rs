//! A long-lived cloud keeps bounded state: an issued token keeps nothing in the world (tokens are
//! sealed, as Keystone's Fernet tokens are), and a journal with a limit drops its oldest entries and
//! says so, in the journal answer and in the snapshot.

mod common;

use common::password_auth;
use fakecloud::sim::ClockMode;
use fakecloud::{CloudConfig, RunningCloud};
use serde_json::Value;

async fn cloud(journal_limit: Option<usize>) -> RunningCloud {
    let config = CloudConfig { clock: ClockMode::Manual, journal_limit, ..Default::default() };
    fakecloud::start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap()
}

async fn issue(http: &reqwest::Client, c: &RunningCloud) -> String {
    let r = http
        .post(format!("{}/identity/v3/auth/tokens", c.url()))
        .json(&password_auth("demo", "demo-secret", Some("demo")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    r.headers()["x-subject-token"].to_str().unwrap().to_string()
}

async fn advance(http: &reqwest::Client, c: &RunningCloud, by: &str) {
    let r = http.post(format!("{}/_fakecloud/clock/advance", c.url())).json(&serde_json::json!({"by": by})).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

fn identity_state(c: &RunningCloud) -> usize {
    serde_json::to_string(&c.cloud.world().identity).unwrap().len()
}

#[tokio::test]
async fn issuing_tokens_keeps_no_state_and_allow_expired_still_validates_within_its_window() {
    let c = cloud(None).await;
    let http = reqwest::Client::new();
    let first = issue(&http, &c).await;
    let before = identity_state(&c);
    for _ in 0..500 {
        issue(&http, &c).await;
    }
    let grown = identity_state(&c) - before;
    assert!(grown <= 3, "500 tokens grew Keystone's state by {grown} bytes (only the issue counter may grow)");

    advance(&http, &c, "3h").await;
    let admin = issue(&http, &c).await;
    let check = |subject: String| {
        http.get(format!("{}/identity/v3/auth/tokens?allow_expired=1", c.url()))
            .header("x-auth-token", &admin)
            .header("x-subject-token", subject)
            .send()
    };
    let r = check(first.clone()).await.unwrap();
    assert_eq!(r.status(), 200, "expired two hours ago, inside the 48-hour window: {}", r.text().await.unwrap());
    advance(&http, &c, "48h").await;
    let admin = issue(&http, &c).await;
    let r = http
        .get(format!("{}/identity/v3/auth/tokens?allow_expired=1", c.url()))
        .header("x-auth-token", &admin)
        .header("x-subject-token", &first)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404, "expired beyond the window");
}

#[tokio::test]
async fn a_journal_over_its_limit_drops_its_oldest_entries_and_says_so() {
    let c = cloud(Some(50)).await;
    let http = reqwest::Client::new();
    for _ in 0..120 {
        issue(&http, &c).await;
    }
    let journal: Value = http.get(format!("{}/_fakecloud/journal", c.url())).send().await.unwrap().json().await.unwrap();
    let entries = journal["entries"].as_array().unwrap();
    assert!(entries.len() <= 50, "{} entries kept", entries.len());
    let dropped = journal["history_cut"]["dropped_entries"].as_u64().expect("the journal says it was cut");
    assert_eq!(journal["history_cut"]["first_seq"].as_u64(), Some(dropped + 1));
    assert_eq!(entries[0]["seq"].as_u64(), Some(dropped + 1));
    let snapshot: Value = http.get(format!("{}/_fakecloud/snapshot", c.url())).send().await.unwrap().json().await.unwrap();
    assert_eq!(snapshot["sim"]["journal"]["dropped"].as_u64(), Some(dropped), "the snapshot says it too");

    let unlimited = cloud(None).await;
    for _ in 0..120 {
        issue(&http, &unlimited).await;
    }
    let journal: Value = http.get(format!("{}/_fakecloud/journal", unlimited.url())).send().await.unwrap().json().await.unwrap();
    assert_eq!(journal["entries"].as_array().unwrap().len(), 120);
    assert!(journal.get("history_cut").is_none());
}
