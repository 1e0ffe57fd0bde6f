//! Concurrency: 64 clients at once over real HTTP (the cloud served on 127.0.0.1:0 as the binary
//! serves it) churn servers in two projects, Octavia members on three pools and load balancer
//! failovers, while another task moves the manual clock through the control API. Afterwards:
//! - no lost update: every 2xx create is there exactly once unless its 2xx delete happened, nothing
//!   is there that no client created, and the journal counts the same 2xx answers the clients got;
//! - once the clock has moved far enough, nothing is left in BUILD or PENDING_* (no fault is
//!   installed, so no rule leaves anything there);
//! - the journal replayed into a fresh world (same fixture and seed, the journaled requests in
//!   journal order at their journaled times) gives the same world.

mod common;
#[path = "common/replay.rs"]
mod replay;

use common::{Reply, TestCloud};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

const CLIENTS: usize = 64;
/// How often a client tries a change the load balancer's lock refused (409).
const ATTEMPTS: usize = 400;
const LBAAS: &str = "/load-balancer/v2/lbaas";
const KUBE_POOL: &str = "k8s-clusterapi-cluster-default-kube-kubeapi-6443";

/// One client: its own connection pool, and a count of requests in flight across all clients.
#[derive(Clone)]
struct Client {
    http: reqwest::Client,
    base: String,
    in_flight: Arc<AtomicUsize>,
    most_in_flight: Arc<AtomicUsize>,
}

impl Client {
    async fn call(&self, method: Method, path: &str, token: &str, body: Option<Value>) -> Reply {
        let mut req = self.http.request(method, format!("{}{path}", self.base)).header("X-Auth-Token", token);
        if path.starts_with("/compute") {
            req = req.header("OpenStack-API-Version", "compute 2.96");
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let n = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_in_flight.fetch_max(n, Ordering::SeqCst);
        let r = common::reply(req.send().await.unwrap()).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        r
    }
}

/// What the clients were told, call by call.
#[derive(Default, Debug)]
struct Outcomes {
    /// (server id, project token name) of every 202 create.
    servers_created: Vec<String>,
    servers_deleted: Vec<String>,
    /// (pool, member id).
    members_created: Vec<(String, String)>,
    members_deleted: Vec<(String, String)>,
    failovers: usize,
    /// Every answer by (method, path family): status -> count.
    statuses: BTreeMap<(String, String, u16), usize>,
}

impl Outcomes {
    fn note(&mut self, method: &str, family: &str, status: u16) {
        *self.statuses.entry((method.into(), family.into(), status)).or_default() += 1;
    }
}

async fn advance(c: &TestCloud, secs: i64) {
    let r = c.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({ "by": secs }))).await;
    assert_eq!(r.status, 200, "{}", r.text);
}

async fn until_active(c: &TestCloud, token: &str, lb: &str) {
    for _ in 0..60 {
        advance(c, 5).await;
        let r = c.get(&format!("{LBAAS}/loadbalancers/{lb}"), Some(token)).await;
        if r.body["loadbalancer"]["provisioning_status"] == "ACTIVE" {
            return;
        }
    }
    panic!("load balancer {lb} never became ACTIVE");
}

/// A demo load balancer with a listener and a pool, all ACTIVE: (load balancer, pool).
async fn demo_lb(c: &TestCloud, demo: &str, subnet: &str, name: &str) -> (String, String) {
    let r = c
        .send(
            Method::POST,
            &format!("{LBAAS}/loadbalancers"),
            Some(demo),
            Some(json!({"loadbalancer": {"name": name, "vip_subnet_id": subnet}})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let lb = r.body["loadbalancer"]["id"].as_str().unwrap().to_string();
    until_active(c, demo, &lb).await;
    let body = json!({"listener": {"loadbalancer_id": lb, "protocol": "HTTP", "protocol_port": 80}});
    let r = c.send(Method::POST, &format!("{LBAAS}/listeners"), Some(demo), Some(body)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let listener = r.body["listener"]["id"].as_str().unwrap().to_string();
    until_active(c, demo, &lb).await;
    let body =
        json!({"pool": {"listener_id": listener, "protocol": "HTTP", "lb_algorithm": "ROUND_ROBIN", "name": format!("{name}-pool")}});
    let r = c.send(Method::POST, &format!("{LBAAS}/pools"), Some(demo), Some(body)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let pool = r.body["pool"]["id"].as_str().unwrap().to_string();
    until_active(c, demo, &lb).await;
    (lb, pool)
}

async fn member_ids(c: &TestCloud, admin: &str, pool: &str) -> Vec<String> {
    let r = c.get(&format!("{LBAAS}/pools/{pool}/members"), Some(admin)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["members"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_string()).collect()
}

fn count<'a>(items: impl IntoIterator<Item = &'a String>) -> BTreeMap<&'a String, usize> {
    let mut m = BTreeMap::new();
    for i in items {
        *m.entry(i).or_default() += 1;
    }
    m
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_clients_lose_no_update_leave_nothing_pending_and_the_journal_replays_to_the_same_world() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let alt = c.token("alt_demo", "alt-demo-secret", "alt_demo").await;
    let subnet =
        c.get("/network/v2.0/subnets?name=private-subnet", Some(&demo)).await.body["subnets"][0]["id"].as_str().unwrap().to_string();
    let (lb0, pool0) = demo_lb(&c, &demo, &subnet, "conc-lb-0").await;
    let (lb1, pool1) = demo_lb(&c, &demo, &subnet, "conc-lb-1").await;
    let kube_pool =
        c.get(&format!("{LBAAS}/pools?name={KUBE_POOL}"), Some(&admin)).await.body["pools"][0]["id"].as_str().unwrap().to_string();
    // (pool, the token that owns it)
    let pools = [(pool0.clone(), demo.clone()), (pool1.clone(), demo.clone()), (kube_pool.clone(), admin.clone())];
    let mut members_before = BTreeMap::new();
    for (pool, _) in &pools {
        members_before.insert(pool.clone(), member_ids(&c, &admin, pool).await);
    }
    let image = c.running.cloud.world().image.images.iter().find(|i| i.name.starts_with("cirros")).unwrap().id.clone();
    // This test is about lost writes, not quotas: the two projects may hold every server it makes.
    for project in ["demo", "alt_demo"] {
        let id = c.running.cloud.world().identity.projects.iter().find(|p| p.name == project).unwrap().id.clone();
        let unlimited = json!({"quota_set": {"instances": -1, "cores": -1, "ram": -1}});
        let r = c.send(Method::PUT, &format!("/compute/v2.1/os-quota-sets/{id}"), Some(&admin), Some(unlimited)).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }

    let in_flight = Arc::new(AtomicUsize::new(0));
    let most_in_flight = Arc::new(AtomicUsize::new(0));
    let outcomes = Arc::new(parking_lot::Mutex::new(Outcomes::default()));
    let start = Arc::new(tokio::sync::Barrier::new(CLIENTS + 1));
    let done = Arc::new(AtomicBool::new(false));

    // The clock: 3 s at a time while the clients run (at most 100 simulated minutes).
    let clock = {
        let (url, start, done) = (c.url("/_fakecloud/clock/advance"), start.clone(), done.clone());
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            start.wait().await;
            let mut advances = 0;
            while !done.load(Ordering::SeqCst) && advances < 2000 {
                let r = http.post(&url).json(&json!({"by": 3})).send().await.unwrap();
                assert_eq!(r.status(), 200);
                advances += 1;
                tokio::task::yield_now().await;
            }
            advances
        })
    };

    let mut clients = Vec::new();
    for i in 0..CLIENTS {
        let client =
            Client { http: reqwest::Client::new(), base: c.url(""), in_flight: in_flight.clone(), most_in_flight: most_in_flight.clone() };
        let (outcomes, start) = (outcomes.clone(), start.clone());
        let (admin, demo, alt, image, pools) = (admin.clone(), demo.clone(), alt.clone(), image.clone(), pools.clone());
        let lbs = [lb0.clone(), lb1.clone()];
        clients.push(tokio::spawn(async move {
            start.wait().await;
            match i % 8 {
                // Servers: three creates with a read after each, then the first two deleted.
                0..=3 => {
                    let token = if i % 16 < 8 { &demo } else { &alt };
                    let mut mine = Vec::new();
                    for k in 0..3 {
                        let body =
                            json!({"server": {"name": format!("conc-{i}-{k}"), "imageRef": image, "flavorRef": "1", "networks": "none"}});
                        let r = client.call(Method::POST, "/compute/v2.1/servers", token, Some(body)).await;
                        outcomes.lock().note("POST", "servers", r.status);
                        if r.status == 202 {
                            let id = r.body["server"]["id"].as_str().unwrap().to_string();
                            outcomes.lock().servers_created.push(id.clone());
                            mine.push(id);
                        }
                        client.call(Method::GET, "/compute/v2.1/servers/detail", token, None).await;
                    }
                    for id in mine.iter().take(2) {
                        let r = client.call(Method::DELETE, &format!("/compute/v2.1/servers/{id}"), token, None).await;
                        outcomes.lock().note("DELETE", "servers", r.status);
                        if r.status == 204 {
                            outcomes.lock().servers_deleted.push(id.clone());
                        }
                    }
                }
                // Members: three creates on one of three pools, and the first two deleted again.
                // The load balancer is locked while a change runs (409): a client tries again, as
                // the clock task moves time on.
                4..=6 => {
                    let (pool, token) = &pools[(i / 8 + i % 8) % 3];
                    let mut mine = Vec::new();
                    for k in 0..3 {
                        let body = json!({"member": {"address": format!("10.77.{i}.{}", k + 1), "protocol_port": 80}});
                        for _ in 0..ATTEMPTS {
                            let r = client.call(Method::POST, &format!("{LBAAS}/pools/{pool}/members"), token, Some(body.clone())).await;
                            outcomes.lock().note("POST", "members", r.status);
                            if r.status == 201 {
                                let id = r.body["member"]["id"].as_str().unwrap().to_string();
                                outcomes.lock().members_created.push((pool.clone(), id.clone()));
                                mine.push(id);
                                break;
                            }
                            tokio::task::yield_now().await;
                        }
                    }
                    for id in mine.iter().take(2) {
                        for _ in 0..ATTEMPTS {
                            let r = client.call(Method::DELETE, &format!("{LBAAS}/pools/{pool}/members/{id}"), token, None).await;
                            outcomes.lock().note("DELETE", "members", r.status);
                            if r.status == 204 {
                                outcomes.lock().members_deleted.push((pool.clone(), id.clone()));
                                break;
                            }
                            tokio::task::yield_now().await;
                        }
                    }
                }
                // A failover of one of the two demo load balancers, tried until one is accepted.
                _ => {
                    let lb = &lbs[(i / 8) % 2];
                    for _ in 0..ATTEMPTS {
                        let r = client.call(Method::PUT, &format!("{LBAAS}/loadbalancers/{lb}/failover"), &admin, None).await;
                        outcomes.lock().note("PUT", "failover", r.status);
                        if r.status == 202 {
                            outcomes.lock().failovers += 1;
                            break;
                        }
                        tokio::task::yield_now().await;
                    }
                }
            }
        }));
    }
    for t in clients {
        t.await.unwrap();
    }
    done.store(true, Ordering::SeqCst);
    let advances = clock.await.unwrap();
    let outcomes = std::mem::take(&mut *outcomes.lock());
    eprintln!(
        "clock advances during the run: {advances}; most requests in flight: {}; answers: {:?}",
        most_in_flight.load(Ordering::SeqCst),
        outcomes.statuses
    );
    assert!(most_in_flight.load(Ordering::SeqCst) >= 8, "the clients ran at once: {}", most_in_flight.load(Ordering::SeqCst));
    for (key, n) in &outcomes.statuses {
        assert!(matches!(key.2, 201 | 202 | 204 | 409), "an answer no rule gives under churn: {key:?} x{n}");
    }
    assert!(!outcomes.servers_created.is_empty() && !outcomes.members_created.is_empty() && outcomes.failovers > 0, "{outcomes:?}");

    // Far enough for every build, delete, member change and failover to finish.
    advance(&c, 1800).await;

    // Servers: each 202 create there exactly once unless deleted; nothing else named conc-*.
    let created: BTreeSet<&String> = outcomes.servers_created.iter().collect();
    assert_eq!(created.len(), outcomes.servers_created.len(), "two creates answered with the same id");
    let deleted: BTreeSet<&String> = outcomes.servers_deleted.iter().collect();
    let r = c.get("/compute/v2.1/servers/detail?all_tenants=1&limit=1000", Some(&admin)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let servers = r.body["servers"].as_array().unwrap().clone();
    let ids: Vec<String> = servers.iter().map(|s| s["id"].as_str().unwrap().to_string()).collect();
    let seen = count(&ids);
    for id in &created {
        let want = usize::from(!deleted.contains(id));
        assert_eq!(seen.get(id).copied().unwrap_or(0), want, "server {id} (deleted: {})", deleted.contains(id));
    }
    let churned: BTreeSet<String> = servers
        .iter()
        .filter(|s| s["name"].as_str().unwrap().starts_with("conc-"))
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    let expected: BTreeSet<String> = created.difference(&deleted).map(|s| s.to_string()).collect();
    assert_eq!(churned, expected, "the conc-* servers are the ones created and not deleted");
    assert_eq!(churned.len(), outcomes.servers_created.len() - outcomes.servers_deleted.len());

    // Members: each pool holds what it held, plus the 201s, minus the 204s, each once.
    for (pool, _) in &pools {
        let now = member_ids(&c, &admin, pool).await;
        let seen = count(&now);
        assert!(seen.values().all(|n| *n == 1), "a member listed twice in {pool}: {seen:?}");
        let mut want: BTreeSet<String> = members_before[pool].iter().cloned().collect();
        want.extend(outcomes.members_created.iter().filter(|(p, _)| p == pool).map(|(_, m)| m.clone()));
        for (_, m) in outcomes.members_deleted.iter().filter(|(p, _)| p == pool) {
            want.remove(m);
        }
        assert_eq!(now.into_iter().collect::<BTreeSet<_>>(), want, "members of {pool}");
    }

    // The journal counts the same 2xx answers the clients got.
    let journal = c.running.cloud.world().sim.journal.entries().to_vec();
    let mut journaled: BTreeMap<(String, String, u16), usize> = BTreeMap::new();
    for e in &journal {
        if let fakecloud::sim::journal::Record::Api { method, path, status, .. } = &e.record {
            let family = if path == "/compute/v2.1/servers" && method == "POST"
                || path.starts_with("/compute/v2.1/servers/") && method == "DELETE"
            {
                "servers"
            } else if path.contains("/members") && method != "GET" {
                "members"
            } else if path.ends_with("/failover") {
                "failover"
            } else {
                continue;
            };
            *journaled.entry((method.clone(), family.into(), *status)).or_default() += 1;
        }
    }
    assert_eq!(journaled, outcomes.statuses, "journal entries against the answers the clients got");

    // Nothing left half-way: no BUILD, no task in progress, no PENDING_* anywhere in Octavia.
    for s in &servers {
        assert_ne!(s["status"], "BUILD", "{s}");
        assert!(s["OS-EXT-STS:task_state"].is_null(), "{}: task {}", s["name"], s["OS-EXT-STS:task_state"]);
    }
    for (path, plural) in [("loadbalancers", "loadbalancers"), ("listeners", "listeners"), ("pools", "pools")] {
        let r = c.get(&format!("{LBAAS}/{path}"), Some(&admin)).await;
        for x in r.body[plural].as_array().unwrap() {
            assert!(!x["provisioning_status"].as_str().unwrap().starts_with("PENDING_"), "{plural}: {x}");
        }
    }
    for (pool, _) in &pools {
        let r = c.get(&format!("{LBAAS}/pools/{pool}/members"), Some(&admin)).await;
        for m in r.body["members"].as_array().unwrap() {
            assert_eq!(m["provisioning_status"], "ACTIVE", "{m}");
        }
    }
    let r = c.get("/load-balancer/v2/octavia/amphorae", Some(&admin)).await;
    for a in r.body["amphorae"].as_array().unwrap() {
        let status = a["status"].as_str().unwrap();
        assert!(!status.starts_with("PENDING_") && status != "BOOTING", "amphora {a}");
    }

    // The journal replayed into a fresh world gives the same world.
    let replayed = replay::replay(&journal).await;
    let (world, entries) = replay::comparable(&c.snapshot().await);
    let (world_again, entries_again) = replay::comparable(&replayed.snapshot().await);
    assert!(entries.len() > CLIENTS * 2, "the replay had work to do: {} entries", entries.len());
    assert_eq!(world, world_again, "the replayed world differs at {:?}", replay::first_difference(&world, &world_again));
    let (j, k) = (Value::Array(entries), Value::Array(entries_again));
    assert_eq!(j, k, "the replayed journal differs at {:?}", replay::first_difference(&j, &k));
}
