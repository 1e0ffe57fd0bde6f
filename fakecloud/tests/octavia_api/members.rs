//! Members under concurrency, pagination of lists, and the batch member update.

use crate::common::{self, TestCloud};
use crate::helpers::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeSet;

// ------------------------------------------------------------------------------------------------
// Concurrency

async fn concurrent(c: &TestCloud, requests: Vec<(Method, String, Option<Value>)>, token: &str) -> Vec<(u16, Value)> {
    let mut handles = Vec::new();
    for (method, path, body) in requests {
        let http = c.http.clone();
        let url = c.url(&format!("{LB}{path}"));
        let token = token.to_string();
        handles.push(tokio::spawn(async move {
            let mut req = http.request(method, url).header("X-Auth-Token", token);
            if let Some(b) = body {
                req = req.json(&b);
            }
            let r = common::reply(req.send().await.unwrap()).await;
            (r.status, r.body)
        }));
    }
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_member_changes_are_serialised_by_the_load_balancer_lock() {
    let c = TestCloud::start().await;
    let (admin, lb_id, pool) = kube_setup(&c).await;
    let path = format!("/lbaas/pools/{pool}/members");
    let creates = (0..32)
        .map(|i| (Method::POST, path.clone(), Some(json!({"member": {"address": format!("10.6.0.{}", 100 + i), "protocol_port": 8443}}))))
        .collect();
    let results = concurrent(&c, creates, &admin).await;
    let created: Vec<&Value> = results.iter().filter(|(st, _)| *st == 201).map(|(_, b)| b).collect();
    let refused = results.iter().filter(|(st, _)| *st == 409).count();
    assert_eq!((created.len(), refused), (1, 31), "{:?}", results.iter().map(|r| r.0).collect::<Vec<_>>());
    for (st, b) in &results {
        if *st == 409 {
            assert!(s(&b["faultstring"]).contains("is immutable"), "{b}");
        }
    }
    let new_member = s(&created[0]["member"]["id"]);
    seconds_until_lb(&c, &admin, &lb_id, "ACTIVE", 1, 10).await;
    let initial = members(&c, &admin, &pool).await;
    assert_eq!(initial.len(), 4);
    assert!(initial.iter().any(|m| m["id"] == new_member.as_str()), "the one accepted create made a member");
    assert!(initial.iter().all(|m| m["provisioning_status"] == "ACTIVE"));

    let deletes = ids(&initial).iter().cycle().take(32).map(|id| (Method::DELETE, format!("{path}/{id}"), None)).collect::<Vec<_>>();
    let order: Vec<String> = deletes.iter().map(|(_, p, _)| p.rsplit('/').next().unwrap().to_string()).collect();
    let results = concurrent(&c, deletes, &admin).await;
    assert!(results.iter().all(|(st, _)| *st == 204 || *st == 409), "{:?}", results.iter().map(|r| r.0).collect::<Vec<_>>());
    let won: BTreeSet<String> = results.iter().zip(&order).filter(|((st, _), _)| *st == 204).map(|(_, id)| id.clone()).collect();
    assert_eq!(won.len(), 1, "the first delete locks the LB: {won:?}");
    seconds_until_lb(&c, &admin, &lb_id, "ACTIVE", 1, 10).await;

    let left: BTreeSet<String> = ids(&members(&c, &admin, &pool).await).into_iter().collect();
    let all: BTreeSet<String> = ids(&initial).into_iter().collect();
    let deleted_journal: BTreeSet<String> =
        journal(&c, "transition").await.iter().filter(|e| e["resource"] == "member" && e["to"] == "DELETED").map(|e| s(&e["id"])).collect();
    assert_eq!(all.difference(&left).cloned().collect::<BTreeSet<_>>(), deleted_journal, "list and journal agree");
    assert_eq!(deleted_journal, won, "exactly the accepted delete happened");
    assert_eq!(left.len(), 3);
}

// ------------------------------------------------------------------------------------------------
// Pagination

async fn pages(c: &TestCloud, token: &str, first: &str, plural: &str) -> Vec<Vec<Value>> {
    let base = c.running.url().to_string();
    let mut out = Vec::new();
    let mut next = Some(format!("{LB}{first}"));
    while let Some(path) = next.take() {
        let r = c.get(&path, Some(token)).await;
        out.push(items(&r, plural));
        let links = r.body[format!("{plural}_links")].as_array().unwrap().clone();
        if let Some(n) = links.iter().find(|l| l["rel"] == "next") {
            let href = s(&n["href"]);
            assert!(href.starts_with(&base), "{href} is not under {base}");
            next = Some(href[base.len()..].to_string());
        }
        assert!(out.len() < 20, "pagination does not end");
    }
    out
}

#[tokio::test]
async fn lists_paginate_with_limit_marker_and_next_links() {
    let c = TestCloud::start().await;
    let (admin, lb_id, pool) = kube_setup(&c).await;
    for i in 0..4 {
        let r = create_member(&c, &admin, &pool, &format!("10.6.0.{}", 150 + i), 6443).await;
        assert_eq!(r.status, 201, "{}", r.text);
        seconds_until_lb(&c, &admin, &lb_id, "ACTIVE", 1, 10).await;
    }
    let all = members(&c, &admin, &pool).await;
    assert_eq!(all.len(), 7);
    let paged = pages(&c, &admin, &format!("/lbaas/pools/{pool}/members?limit=3"), "members").await;
    assert_eq!(paged.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 1]);
    let flat: Vec<String> = paged.iter().flat_map(|p| ids(p)).collect();
    assert_eq!(flat, ids(&all), "the pages cover the list once, in order");

    let first = get(&c, &format!("/lbaas/pools/{pool}/members?limit=3"), &admin).await;
    let links = first.body["members_links"].as_array().unwrap();
    assert!(links.iter().all(|l| l["rel"] != "previous"), "no previous link on the first page");
    let marker = s(&all[2]["id"]);
    let r = get(&c, &format!("/lbaas/pools/{pool}/members?limit=2&marker={marker}"), &admin).await;
    assert_eq!(ids(&items(&r, "members")), ids(&all[3..5]));
    let prev = r.body["members_links"].as_array().unwrap().iter().find(|l| l["rel"] == "previous").cloned();
    let prev = s(&prev.expect("a previous link after a marker")["href"]);
    let prev_page = c.get(&prev[c.running.url().to_string().len()..], Some(&admin)).await;
    let prev_ids: BTreeSet<String> = ids(&items(&prev_page, "members")).into_iter().collect();
    assert_eq!(prev_ids, ids(&all[1..3]).into_iter().collect::<BTreeSet<_>>(), "the previous link goes back one page");
    let last = get(&c, &format!("/lbaas/pools/{pool}/members?marker={}", s(&all[6]["id"])), &admin).await;
    assert!(items(&last, "members").is_empty());

    // fields= trims each object; filters combine with pagination.
    let r = get(&c, &format!("/lbaas/pools/{pool}/members?fields=id,address&limit=2"), &admin).await;
    for m in items(&r, "members") {
        let keys: BTreeSet<&str> = m.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, BTreeSet::from(["address", "id"]));
    }
    let r = get(&c, &format!("/lbaas/pools/{pool}/members?protocol_port=6443&address=10.6.0.151"), &admin).await;
    assert_eq!(items(&r, "members").len(), 1);

    let lbs = pages(&c, &admin, "/lbaas/loadbalancers?limit=1", "loadbalancers").await;
    assert_eq!(lbs.iter().map(Vec::len).collect::<Vec<_>>(), [1], "one LB, one page, no next link");
}

// ------------------------------------------------------------------------------------------------
// Batch member update

#[tokio::test]
async fn batch_member_update_keeps_adds_and_drops_members() {
    let c = TestCloud::start().await;
    let (admin, lb_id, pool) = kube_setup(&c).await;
    let before = members(&c, &admin, &pool).await;
    assert_eq!(before.len(), 3);
    let keep = before[0].clone();
    let dropped: BTreeSet<String> = ids(&before[1..]).into_iter().collect();
    let body = json!({"members": [
        {"address": keep["address"], "protocol_port": 6443, "weight": 5},
        {"address": "10.6.0.210", "protocol_port": 6443, "name": "added"},
    ]});
    let r = api(&c, Method::PUT, &format!("/lbaas/pools/{pool}/members"), &admin, Some(body)).await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(lb_prov(&c, &admin, &lb_id).await, "PENDING_UPDATE");
    let during = members(&c, &admin, &pool).await;
    assert_eq!(during.len(), 4, "{during:?}");
    for m in &during {
        let id = s(&m["id"]);
        let want = if m["id"] == keep["id"] {
            "PENDING_UPDATE"
        } else if dropped.contains(&id) {
            "PENDING_DELETE"
        } else {
            assert_eq!(m["address"], "10.6.0.210");
            "PENDING_CREATE"
        };
        assert_eq!(m["provisioning_status"], want, "{m}");
    }
    seconds_until_lb(&c, &admin, &lb_id, "ACTIVE", 1, 10).await;
    let after = members(&c, &admin, &pool).await;
    let got: BTreeSet<(String, u64)> = after.iter().map(|m| (s(&m["address"]), m["protocol_port"].as_u64().unwrap())).collect();
    let want: BTreeSet<(String, u64)> = [(s(&keep["address"]), 6443), ("10.6.0.210".to_string(), 6443)].into_iter().collect();
    assert_eq!(got, want);
    assert!(after.iter().all(|m| m["provisioning_status"] == "ACTIVE"), "{after:?}");
    let kept = after.iter().find(|m| m["id"] == keep["id"]).expect("the kept member keeps its id");
    assert_eq!(kept["weight"], 5);
    assert_eq!(after.iter().find(|m| m["address"] == "10.6.0.210").unwrap()["name"], "added");
}
