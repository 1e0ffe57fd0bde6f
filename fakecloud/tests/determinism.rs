//! Determinism: the same fixture, seed and scenario give byte-identical journals and snapshots, run
//! after run and whatever the runtime (a current-thread runtime and a multi-thread one with two
//! workers). And the journal is a faithful history: replayed into a fresh world, it rebuilds the
//! same world.
//!
//! The scenario touches every source of ids, times and ordering: password, rescoped and revoked
//! tokens; servers created and deleted in two projects with the clock advanced through their
//! spawn; an Octavia load balancer with a listener, pool and members, then a failover; a Magnum
//! cluster; faults that fire on a read, slow a request down, take a host down and come back;
//! commands in the fake shell.

mod common;
#[path = "common/replay.rs"]
mod replay;

use common::{Reply, TestCloud};
use reqwest::Method;
use serde_json::{json, Value};

const NOVA_V: &str = "compute 2.96";

async fn call(c: &TestCloud, method: Method, path: &str, token: &str, body: Option<Value>) -> Reply {
    let mut req = c
        .http
        .request(method, c.url(path))
        .header("X-Auth-Token", token)
        .header("OpenStack-API-Version", if path.starts_with("/container-infra") { "container-infra latest" } else { NOVA_V });
    if let Some(b) = body {
        req = req.json(&b);
    }
    common::reply(req.send().await.unwrap()).await
}

fn expect(r: &Reply, status: u16, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.text);
}

async fn control(c: &TestCloud, method: Method, path: &str, body: Option<Value>) -> Reply {
    c.send(method, &format!("/_fakecloud{path}"), None, body).await
}

async fn advance(c: &TestCloud, secs: i64) {
    expect(&control(c, Method::POST, "/clock/advance", Some(json!({ "by": secs }))).await, 200, "clock advance");
}

fn id(r: &Reply, key: &str) -> String {
    r.body[key]["id"].as_str().unwrap_or_else(|| panic!("no {key}.id in {}", r.text)).to_string()
}

/// Advances 5 s at a time until the load balancer is ACTIVE.
async fn until_lb_active(c: &TestCloud, token: &str, lb: &str) {
    for _ in 0..60 {
        advance(c, 5).await;
        let r = call(c, Method::GET, &format!("/load-balancer/v2/lbaas/loadbalancers/{lb}"), token, None).await;
        if r.body["loadbalancer"]["provisioning_status"] == "ACTIVE" {
            return;
        }
    }
    panic!("load balancer {lb} never became ACTIVE");
}

/// The scenario, every step checked as it goes.
async fn scenario(c: &TestCloud) {
    // Tokens: password, a rescope with the token method, and one revoked.
    let admin = c.admin().await;
    let demo = c.member().await;
    let alt = c.token("alt_demo", "alt-demo-secret", "alt_demo").await;
    let rescope = json!({"auth": {"identity": {"methods": ["token"], "token": {"id": admin}},
        "scope": {"project": {"name": "capi-mgmt", "domain": {"name": "Default"}}}}});
    let r = c.send(Method::POST, "/identity/v3/auth/tokens", None, Some(rescope)).await;
    expect(&r, 201, "rescope");
    let spare = c.member().await;
    let r = c
        .http
        .delete(c.url("/identity/v3/auth/tokens"))
        .header("X-Auth-Token", &admin)
        .header("X-Subject-Token", &spare)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204, "revoke");
    expect(&c.get("/identity/v3/auth/projects", Some(&spare)).await, 401, "a revoked token");

    // Servers in two projects, spawned on the clock, one deleted.
    let image = c.running.cloud.world().image.images.iter().find(|i| i.name.starts_with("cirros")).unwrap().id.clone();
    let demo_id = c.running.cloud.world().identity.project_named("demo").unwrap().id.clone();
    let private = c.running.cloud.world().network.usable_network("private", &demo_id, false).unwrap();
    let mut servers = Vec::new();
    for (token, name, networks) in
        [(&demo, "det-a", json!([{ "uuid": private }])), (&demo, "det-b", json!("none")), (&alt, "det-c", json!("none"))]
    {
        let body = json!({"server": {"name": name, "imageRef": image, "flavorRef": "1", "networks": networks}});
        let r = call(c, Method::POST, "/compute/v2.1/servers", token, Some(body)).await;
        expect(&r, 202, name);
        servers.push(id(&r, "server"));
    }
    advance(c, 30).await;
    let r = call(c, Method::GET, &format!("/compute/v2.1/servers/{}", servers[0]), &demo, None).await;
    assert_eq!(r.body["server"]["status"], "ACTIVE", "{}", r.text);
    expect(&call(c, Method::DELETE, &format!("/compute/v2.1/servers/{}", servers[1]), &demo, None).await, 204, "server delete");
    advance(c, 10).await;

    // Octavia: a load balancer with a listener, a pool and two members, then a failover.
    let r = c.get("/network/v2.0/subnets?name=private-subnet", Some(&demo)).await;
    let subnet = r.body["subnets"][0]["id"].as_str().unwrap().to_string();
    let lbaas = "/load-balancer/v2/lbaas";
    let r = call(
        c,
        Method::POST,
        &format!("{lbaas}/loadbalancers"),
        &demo,
        Some(json!({"loadbalancer": {"name": "det-lb", "vip_subnet_id": subnet}})),
    )
    .await;
    expect(&r, 201, "lb create");
    let lb = id(&r, "loadbalancer");
    until_lb_active(c, &demo, &lb).await;
    let body = json!({"listener": {"loadbalancer_id": lb, "protocol": "HTTP", "protocol_port": 80, "name": "det-web"}});
    let r = call(c, Method::POST, &format!("{lbaas}/listeners"), &demo, Some(body)).await;
    expect(&r, 201, "listener");
    let listener = id(&r, "listener");
    until_lb_active(c, &demo, &lb).await;
    let body = json!({"pool": {"listener_id": listener, "protocol": "HTTP", "lb_algorithm": "ROUND_ROBIN", "name": "det-pool"}});
    let r = call(c, Method::POST, &format!("{lbaas}/pools"), &demo, Some(body)).await;
    expect(&r, 201, "pool");
    let pool = id(&r, "pool");
    until_lb_active(c, &demo, &lb).await;
    for address in ["10.0.0.201", "10.0.0.202"] {
        let body = json!({"member": {"address": address, "protocol_port": 80}});
        expect(&call(c, Method::POST, &format!("{lbaas}/pools/{pool}/members"), &demo, Some(body)).await, 201, address);
        until_lb_active(c, &demo, &lb).await;
    }
    expect(&call(c, Method::PUT, &format!("{lbaas}/loadbalancers/{lb}/failover"), &admin, None).await, 202, "failover");
    until_lb_active(c, &admin, &lb).await;

    // Magnum: a cluster, built on the clock.
    let body =
        json!({"name": "det-k8s", "cluster_template_id": "k8s-1.28-capi", "master_count": 1, "node_count": 1, "fixed_network": "private"});
    expect(&call(c, Method::POST, "/container-infra/v1/clusters", &demo, Some(body)).await, 202, "cluster create");
    advance(c, 300).await;
    let r = call(c, Method::GET, "/container-infra/v1/clusters/det-k8s", &demo, None).await;
    assert_eq!(r.body["status"], "CREATE_COMPLETE", "{}", r.text);

    // Faults: one that fires on a read, one that slows a request, a host down and back.
    let r = control(
        c,
        Method::POST,
        "/faults",
        Some(json!({"kind": "api-error", "status": 503, "match": {"service": "compute", "method": "GET"}, "count": 1})),
    )
    .await;
    expect(&r, 201, "api-error fault");
    expect(&call(c, Method::GET, "/compute/v2.1/servers", &demo, None).await, 503, "the fault fires");
    expect(&call(c, Method::GET, "/compute/v2.1/servers", &demo, None).await, 200, "spent after one");
    let r = control(
        c,
        Method::POST,
        "/faults",
        Some(json!({"kind": "api-latency", "seconds": 7, "match": {"service": "network"}, "count": 1})),
    )
    .await;
    expect(&r, 201, "api-latency fault");
    let before = c.running.cloud.world().now();
    expect(&c.get("/network/v2.0/networks", Some(&demo)).await, 200, "slow read");
    assert_eq!(c.running.cloud.world().now() - before, chrono::Duration::seconds(7));
    let r = control(c, Method::POST, "/faults", Some(json!({"kind": "host-down", "host": "compute-2"}))).await;
    expect(&r, 201, "host-down");
    let host_down = r.body["fault"]["id"].as_str().unwrap().to_string();
    advance(c, 90).await;
    expect(&control(c, Method::DELETE, &format!("/faults/{host_down}"), None).await, 204, "host back");

    // The fake shell: a restart on the clock, and a command line with a quoted argument.
    for argv in [json!(["docker", "restart", "nova_scheduler"]), json!(["docker", "ps", "--format", "{{.Names}} {{.Status}}"])] {
        let r = control(c, Method::POST, "/shell", Some(json!({ "argv": argv }))).await;
        expect(&r, 200, "shell");
        assert_eq!(r.body["status"], 0, "{}", r.text);
    }
    advance(c, 600).await;
    expect(&call(c, Method::DELETE, &format!("/compute/v2.1/servers/{}", servers[2]), &alt, None).await, 204, "alt delete");
    advance(c, 60).await;
}

/// One run on a fresh cloud: the journal and the snapshot as the control API serves them.
async fn run_once() -> (String, String) {
    let c = TestCloud::start().await;
    scenario(&c).await;
    let journal = control(&c, Method::GET, "/journal", None).await;
    assert_eq!(journal.status, 200);
    // Read in order, the entries' times never go back.
    let entries: Value = serde_json::from_str(&journal.text).expect("the journal is JSON");
    let entries = entries.as_array().or_else(|| entries["entries"].as_array()).expect("journal entries");
    let times: Vec<chrono::DateTime<chrono::FixedOffset>> = entries
        .iter()
        .map(|e| chrono::DateTime::parse_from_rfc3339(e["at"].as_str().expect("an entry's time")).expect("an RFC 3339 time"))
        .collect();
    assert!(times.len() > 100, "a rich journal");
    if let Some(w) = times.windows(2).find(|w| w[1] < w[0]) {
        panic!("the journal goes back in time: {} then {}", w[0], w[1]);
    }
    let snapshot = c.snapshot().await;
    c.running.stop().await;
    (journal.text, snapshot)
}

fn runtime(threads: usize) -> tokio::runtime::Runtime {
    if threads == 1 {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
    } else {
        tokio::runtime::Builder::new_multi_thread().worker_threads(threads).enable_all().build().unwrap()
    }
}

fn explain(a: &str, b: &str) -> String {
    let (a, b): (Value, Value) = (serde_json::from_str(a).unwrap(), serde_json::from_str(b).unwrap());
    replay::first_difference(&a, &b).unwrap_or_else(|| "same JSON, different bytes".into())
}

#[test]
fn ten_runs_on_one_and_two_worker_runtimes_give_byte_identical_journals_and_snapshots() {
    let mut first: Option<(String, String)> = None;
    for run in 0..10 {
        let threads = if run % 2 == 0 { 1 } else { 2 };
        let (journal, snapshot) = runtime(threads).block_on(run_once());
        match &first {
            None => {
                // The scenario left its marks: there is something to be identical.
                for mark in ["det-lb", "det-k8s", "det-c", "clock-advance", "\"fired\"", "api-latency", "subject_token"] {
                    assert!(snapshot.contains(mark), "the snapshot lacks {mark}");
                }
                assert!(journal.len() > 10_000, "a rich journal: {} bytes", journal.len());
                first = Some((journal, snapshot));
            }
            Some((j0, s0)) => {
                assert!(journal == *j0, "run {run} ({threads} worker(s)): the journal differs at {}", explain(j0, &journal));
                assert!(snapshot == *s0, "run {run} ({threads} worker(s)): the snapshot differs at {}", explain(s0, &snapshot));
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scenarios_journal_replays_to_the_same_world() {
    let c = TestCloud::start().await;
    scenario(&c).await;
    let entries = c.running.cloud.world().sim.journal.entries().to_vec();
    let replayed = replay::replay(&entries).await;
    let (world, journal) = replay::comparable(&c.snapshot().await);
    let (world_again, journal_again) = replay::comparable(&replayed.snapshot().await);
    assert!(journal.iter().any(|e| e["kind"] == "api" && e["method"] == "GET"), "reads that met a fault are replayed");
    assert_eq!(world, world_again, "the replayed world differs at {:?}", replay::first_difference(&world, &world_again));
    let (j, k) = (Value::Array(journal), Value::Array(journal_again));
    assert_eq!(j, k, "the replayed journal differs at {:?}", replay::first_difference(&j, &k));
}
