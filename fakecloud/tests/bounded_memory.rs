//! A long-lived cloud keeps bounded state: tokens expired beyond Keystone's `allow_expired` window
//! are dropped, and a journal with a limit drops its oldest entries and says so, in the journal
//! answer and in the snapshot.

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

#[tokio::test]
async fn tokens_expired_beyond_the_allow_expired_window_are_dropped_and_recent_ones_kept() {
    let c = cloud(None).await;
    let http = reqwest::Client::new();
    for _ in 0..100 {
        issue(&http, &c).await;
    }
    advance(&http, &c, "50h").await;
    let recent = issue(&http, &c).await;
    advance(&http, &c, "2h").await;
    let admin = issue(&http, &c).await;
    while c.cloud.world().identity.tokens.len() < 127 {
        issue(&http, &c).await;
    }
    issue(&http, &c).await;
    let left = c.cloud.world().identity.tokens.len();
    assert!(left < 100, "{left} tokens kept: the 100 long expired ones should be gone");
    // Expired two hours ago, inside the 48-hour window: still there for allow_expired.
    let r = http
        .get(format!("{}/identity/v3/auth/tokens?allow_expired=1", c.url()))
        .header("x-auth-token", &admin)
        .header("x-subject-token", &recent)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
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
