//! A long clock advance never stalls the server: it runs in slices that free the world between
//! them, so another client's reads and writes are answered while a year goes by, each at a
//! simulated time the advance had reached, and the journal lists the slices around the write.
//! No assertion on wall time: the waits are printed (`--nocapture`) and their figure is in
//! docs/benchmarks.md.

mod common;

use common::{password_auth, TestCloud};
use reqwest::Method;
use serde_json::json;
use std::time::{Duration, Instant};

fn at(v: &serde_json::Value) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap().with_timezone(&chrono::Utc)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_clients_are_answered_while_the_clock_advances_a_year() {
    let c = TestCloud::start().await;
    let start = at(&c.get("/_fakecloud/clock", None).await.body["now"]);
    let url = c.url("/_fakecloud/clock/advance");
    let http = c.http.clone();
    let advance = tokio::spawn(async move { http.post(url).json(&json!({"by": "365d"})).send().await.unwrap().status() });

    let mut seen = Vec::new();
    let mut waits = Vec::new();
    let mut wrote_at = None;
    while !advance.is_finished() {
        let asked = Instant::now();
        let clock = c.get("/_fakecloud/clock", None).await;
        waits.push(asked.elapsed());
        seen.push(at(&clock.body["now"]));
        if wrote_at.is_none() && seen.last() > Some(&start) {
            let token =
                c.send(Method::POST, "/identity/v3/auth/tokens", None, Some(password_auth("demo", "demo-secret", Some("demo")))).await;
            assert_eq!(token.status, 201, "{}", token.text);
            wrote_at = Some(token.body["token"]["issued_at"].clone());
        }
    }
    assert_eq!(advance.await.unwrap(), 200);
    let end = at(&c.get("/_fakecloud/clock", None).await.body["now"]);
    assert_eq!(end - start, chrono::Duration::days(365));
    let during: Vec<_> = seen.iter().filter(|t| **t > start && **t < end).collect();
    assert!(during.len() >= 2, "answers came only before or after the advance: {} of {}", during.len(), seen.len());
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "simulated time went backwards between answers");
    assert!(seen.iter().all(|t| (*t - start).num_seconds() % 3600 == 0), "an answer saw the clock between slice ends");

    // The token was issued at a slice's end, and the journal has it between two slices.
    let issued = wrote_at.expect("a write went in during the advance");
    let journal = c.get("/_fakecloud/journal", None).await.body["entries"].as_array().unwrap().clone();
    let position = |pred: &dyn Fn(&serde_json::Value) -> bool| journal.iter().position(pred).unwrap();
    let write = position(&|e| e["kind"] == "api" && e["method"] == "POST");
    let first_slice = position(&|e| e["action"] == "clock-advance");
    let last_slice = journal.iter().rposition(|e| e["action"] == "clock-advance").unwrap();
    assert!(first_slice < write && write < last_slice, "the write is journaled between the slices");
    assert!(at(&issued) > start && at(&issued) < end);

    waits.sort();
    let max = waits.last().copied().unwrap_or(Duration::ZERO);
    let median = waits[waits.len() / 2];
    eprintln!("clock advance 365d: {} answers during it, median wait {median:?}, longest {max:?}", during.len());
}
