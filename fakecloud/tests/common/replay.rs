//! Replays a journal into a fresh cloud (same fixture, seed and start as `TestCloud::start`), and
//! compares worlds. Included with `#[path]` by the tests that replay, so other test crates do not
//! compile it.
//!
//! What is sent again, in journal order:
//! - every `api` entry that carries its `request` (the requests that could change the world), with
//!   its headers and body, its tokens found by audit id among those the replay was issued (tokens
//!   are not stored, so the replay keeps each `X-Subject-Token` it gets back); its status must come
//!   back the same, at the same simulated time;
//! - the control actions behind `control` entries: `clock-advance` (by the difference between the
//!   entry's time and the replaying clock), `clock-mode`, `reset` and `shell`;
//! - the fault changes: `added` (the journaled request; the fault id must come back the same) and
//!   `removed`.
//!
//! Everything else (transitions, fired and expired faults, service log lines) follows from those.
//! A clock advance right after an `api-latency` fault fired is that fault's doing, replayed with
//! the request that fires it again.
//!
//! Limits: the journal must have been kept under the manual clock (under a real or scaled one the
//! requests' times cannot be met again), and it starts at the fixture (or at a reset); a restore is
//! not journaled, since the restored world brings its own journal.

use crate::common::TestCloud;
use fakecloud::sim::journal::{JournalEntry, Record, TokenRef};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};

/// A fresh cloud with the journal replayed into it.
pub async fn replay(entries: &[JournalEntry]) -> TestCloud {
    let c = TestCloud::start().await;
    let mut latency_faults = BTreeSet::new();
    let mut latency_fired = false;
    let mut tokens = HashMap::new();
    for e in entries {
        let after_latency = std::mem::take(&mut latency_fired);
        let now = c.running.cloud.world().now();
        let at = |what: &str| format!("replaying #{} ({what}) at {}", e.seq, e.at);
        match &e.record {
            Record::Api { request: Some(req), method, path, query, status, .. } => {
                assert!(now <= e.at, "{}: the replaying clock is already at {now}", at("api"));
                let url = if query.is_empty() { c.url(path) } else { c.url(&format!("{path}?{query}")) };
                let mut call = c.http.request(Method::from_bytes(method.as_bytes()).unwrap(), url);
                for (name, value) in &req.headers {
                    call = call.header(name.as_str(), value.as_str());
                }
                if let Some(t) = &req.token {
                    call = call.header("X-Auth-Token", token_id(&tokens, t, &at("api")));
                }
                if let Some(t) = &req.subject_token {
                    call = call.header("X-Subject-Token", token_id(&tokens, t, &at("api")));
                }
                let body = req.body_bytes();
                if !body.is_empty() {
                    call = call.body(body);
                }
                let r = crate::common::reply(call.send().await.unwrap()).await;
                assert_eq!(r.status, *status, "{}: {method} {path}: {}", at("api"), r.text);
                if let Some(id) = r.headers.get("x-subject-token").and_then(|v| v.to_str().ok()) {
                    let opened = c.running.cloud.world().identity.open_token(id);
                    if let Some(audit) = opened.and_then(|(t, _)| t.audit_ids.into_iter().next()) {
                        tokens.insert(audit, id.to_string());
                    }
                }
            }
            Record::Api { request: None, .. } | Record::Transition { .. } => {}
            Record::Control { action, detail } => match action.as_str() {
                "clock-advance" if after_latency => {}
                "clock-advance" => {
                    // Journaled when it starts ("<seconds>s from <time>"): the length is in the detail.
                    let secs: f64 = detail.split_once("s from ").and_then(|(n, _)| n.parse().ok()).expect("an advance's length");
                    let ms = (secs * 1000.0).round() as i64;
                    let until = e.at + chrono::Duration::milliseconds(ms);
                    let by = e.at + chrono::Duration::milliseconds(ms) - now;
                    let by = match by.num_microseconds() {
                        Some(us) if us % 1_000_000 == 0 => json!(us / 1_000_000),
                        _ => json!(format!("{}ms", by.num_milliseconds())),
                    };
                    let r = c.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({ "by": by }))).await;
                    assert_eq!(r.status, 200, "{}: {}", at("clock-advance"), r.text);
                    assert_eq!(c.running.cloud.world().sim.clock.now(), until, "{}", at("clock-advance"));
                }
                "clock-mode" => {
                    let r = c.send(Method::PUT, "/_fakecloud/clock", None, Some(json!({ "mode": detail }))).await;
                    assert_eq!(r.status, 200, "{}: {}", at("clock-mode"), r.text);
                }
                "reset" => assert_eq!(c.send(Method::POST, "/_fakecloud/reset", None, None).await.status, 204, "{}", at("reset")),
                "shell" => {
                    let (node, line) = detail.split_once(": ").unwrap_or_else(|| panic!("{}: {detail}", at("shell")));
                    let argv = shell_words::split(line).unwrap();
                    let r = c.send(Method::POST, "/_fakecloud/shell", None, Some(json!({"node": node, "argv": argv}))).await;
                    assert_eq!(r.status, 200, "{}: {}", at("shell"), r.text);
                }
                // Service log lines and the shell's own entries follow from what ran.
                _ => {}
            },
            Record::Fault { action, fault_id, detail } => match action.as_str() {
                "added" => {
                    let body: Value = serde_json::from_str(detail).unwrap_or_else(|e| panic!("{}: {e}: {detail}", at("fault")));
                    if body["kind"] == "api-latency" {
                        latency_faults.insert(fault_id.clone());
                    }
                    let r = c.send(Method::POST, "/_fakecloud/faults", None, Some(body)).await;
                    assert_eq!(r.status, 201, "{}: {}", at("fault added"), r.text);
                    assert_eq!(r.body["fault"]["id"], fault_id.as_str(), "{}: the same fault id", at("fault added"));
                }
                "removed" => {
                    let r = c.send(Method::DELETE, &format!("/_fakecloud/faults/{fault_id}"), None, None).await;
                    assert_eq!(r.status, 204, "{}: {}", at("fault removed"), r.text);
                }
                "fired" => latency_fired = latency_faults.contains(fault_id),
                _ => {}
            },
        }
    }
    c
}

/// The id of the token with this audit id among those the replay was issued (a made-up id for a
/// token the original world did not know either).
fn token_id(tokens: &HashMap<String, String>, t: &TokenRef, at: &str) -> String {
    match t {
        TokenRef::Audit(audit) => {
            tokens.get(audit).unwrap_or_else(|| panic!("{at}: no token with audit id {audit} issued in the replay")).clone()
        }
        TokenRef::Unknown => "gAAAAA-a-token-nobody-issued".to_string(),
    }
}

/// A world's snapshot split for comparison with a replay of it: everything but the journal, and the
/// journal without the entries a replay does not send again (plain reads, which change nothing)
/// and without sequence numbers (which count those reads).
pub fn comparable(snapshot: &str) -> (Value, Vec<Value>) {
    let mut world: Value = serde_json::from_str(snapshot).unwrap();
    let journal = world["sim"].as_object_mut().unwrap().remove("journal").unwrap();
    let entries = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] != "api" || e.get("request").is_some())
        .map(|e| {
            let mut e = e.clone();
            e.as_object_mut().unwrap().remove("seq");
            e
        })
        .collect();
    (world, entries)
}

/// Where two JSON values first differ, as a path, with both sides; `None` when they are equal.
pub fn first_difference(a: &Value, b: &Value) -> Option<String> {
    fn walk(a: &Value, b: &Value, path: &mut String) -> Option<String> {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                for k in keys {
                    let len = path.len();
                    path.push('.');
                    path.push_str(k);
                    let d = walk(x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null), path);
                    if d.is_some() {
                        return d;
                    }
                    path.truncate(len);
                }
                (x.len() != y.len()).then(|| format!("{path}: keys differ"))
            }
            (Value::Array(x), Value::Array(y)) => {
                for (i, (p, q)) in x.iter().zip(y).enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    let d = walk(p, q, path);
                    if d.is_some() {
                        return d;
                    }
                    path.truncate(len);
                }
                (x.len() != y.len()).then(|| format!("{path}: {} items against {}", x.len(), y.len()))
            }
            _ if a == b => None,
            _ => Some(format!("{path}: {a} against {b}")),
        }
    }
    walk(a, b, &mut String::from("$"))
}
