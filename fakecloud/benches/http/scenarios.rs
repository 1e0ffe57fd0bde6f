//! The load scenarios: the ceiling and fakecloud in process, each on a fresh server runtime, driven
//! by the load generator.

use crate::client::{get_request, one_shot, password_auth_body, post_json_request, post_json_request_with, TOKENS_PATH};
use crate::fixtures::{bench_lb_name, crowded_fixture, lbs_fixture};
use crate::load::{run_load, run_load_from, Load, Requests};
use crate::Args;
use axum::http::header;
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::runtime::Runtime;

pub fn runtime(name: &str, threads: usize) -> Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(threads).thread_name(name).enable_all().build().expect("tokio runtime")
}

/// The ceiling: the smallest axum app that answers a fixed JSON body, served like fakecloud.
pub const LARGE_BODY_BYTES: usize = 177_777;

pub fn start_ceiling(rt: &Runtime) -> SocketAddr {
    rt.block_on(async {
        // `/large`: a fixed body the size of a 100-server `servers/detail` page at 2.96 (177,777 bytes),
        // the ceiling for the compute listing.
        let large: &'static str = Box::leak(format!("{{\"pad\":\"{}\"}}", "x".repeat(LARGE_BODY_BYTES - 10)).into_boxed_str());
        let app = Router::new()
            .route("/ping", get(|| async { ([(header::CONTENT_TYPE, "application/json")], r#"{"status":"ok"}"#) }))
            .route("/large", get(move || async move { ([(header::CONTENT_TYPE, "application/json")], large) }));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the ceiling server");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        addr
    })
}

/// The ceiling with one route, `GET /sized`, answering a fixed JSON body of exactly `size` bytes
/// (at least the 10 bytes of `{"pad":""}`): the same-size reference for a list route.
pub fn start_ceiling_sized(rt: &Runtime, size: usize) -> SocketAddr {
    rt.block_on(async {
        let body: &'static str = Box::leak(format!("{{\"pad\":\"{}\"}}", "x".repeat(size.saturating_sub(10))).into_boxed_str());
        let app = Router::new().route("/sized", get(move || async move { ([(header::CONTENT_TYPE, "application/json")], body) }));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the sized ceiling");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        addr
    })
}

/// A fresh in-process fakecloud (embedded fixture, real clock), no tracing subscriber installed.
fn start_fakecloud(rt: &Runtime) -> fakecloud::RunningCloud {
    rt.block_on(fakecloud::start(fakecloud::CloudConfig::default(), "127.0.0.1:0".parse().expect("addr"))).expect("start fakecloud")
}

/// What the Octavia read scenarios ask for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// The same `?name=` every time.
    OneName,
    /// Request `n` asks for bench LB `n % lbs`, so consecutive requests never ask the same question
    /// and each one is rendered afresh (no reply kept from an earlier request can answer it).
    Rotating,
    /// `GET lbaas/providers`: a fixed two-item list behind the same pipeline, token check and policy.
    /// What any authenticated read costs before its handler does any work of its own.
    Providers,
}

/// `GET /load-balancer/v2/lbaas/loadbalancers?name=<one>` as admin on `lbs_fixture(lbs)`: the bench
/// LB in the middle (number `lbs / 2`, an amphora one), or with `lbs == 0` the default fixture's
/// one LB. One untimed request first checks that the lookup finds its LB. See `Lookup` for the
/// other two variants.
pub fn lb_lookup_load(client: &Runtime, server_threads: usize, lbs: usize, lookup: Lookup, args: &Args) -> Load {
    let rt = runtime("server", server_threads);
    let fixture = lbs_fixture(lbs);
    let name = if lbs == 0 { fixture.loadbalancers[0].name.clone() } else { bench_lb_name(lbs / 2) };
    let config = fakecloud::CloudConfig { fixture, ..fakecloud::CloudConfig::default() };
    let cloud = rt.block_on(fakecloud::start(config, "127.0.0.1:0".parse().expect("addr"))).expect("start fakecloud");
    let addr = cloud.addr;
    let load = client.block_on(async {
        let admin = setup_token(addr, "admin", "admin-secret", "admin").await;
        let path = format!("/load-balancer/v2/lbaas/loadbalancers?name={name}");
        let req = get_request(addr, &path, &[("X-Auth-Token", &admin)]);
        let probe = one_shot(addr, &req, None).await.expect("probe the LB lookup");
        // An empty `{"loadbalancers": [], "loadbalancers_links": []}` is 49 bytes; one LB is far more.
        assert!(
            probe.status == 200 && probe.body_len > 200,
            "the lookup must find its LB: status {}, {} bytes",
            probe.status,
            probe.body_len
        );
        match lookup {
            Lookup::Rotating if lbs > 0 => {
                let reqs = Requests::numbered(move |n| {
                    let path = format!("/load-balancer/v2/lbaas/loadbalancers?name={}", bench_lb_name((n % lbs as u64) as usize));
                    get_request(addr, &path, &[("X-Auth-Token", &admin)])
                });
                run_load_from(addr, reqs, 200, args).await
            }
            Lookup::Providers => {
                let req = get_request(addr, "/load-balancer/v2/lbaas/providers", &[("X-Auth-Token", &admin)]);
                run_load(addr, req, 200, args).await
            }
            _ => run_load(addr, req, 200, args).await,
        }
    });
    drop(cloud);
    rt.shutdown_timeout(Duration::from_secs(1));
    load
}

/// What the member-create scenario saw besides its load.
pub struct MemberCreateRun {
    pub load: Load,
    pub pools: usize,
    /// Members created in the whole run (warm-up included), and how many of them were ACTIVE, and
    /// how many load balancers were back to ACTIVE, once the clock had let every flow finish.
    pub created: usize,
    pub active: usize,
    pub lbs_active: usize,
    /// Median time of one `World::settle` on the cloud as the run left it: what every write (and
    /// every applied event) pays, under the world's lock, besides its own work.
    pub settle: Duration,
}

/// `POST /load-balancer/v2/lbaas/pools/{id}/members` as admin, round-robin over the pools of
/// `lbs_fixture(lbs)`'s bench load balancers, on a scaled clock (one simulated second lasts
/// `clock_factor` real seconds) so that the controller's flow for each create finishes during the
/// run, as it would in a real cloud: each create puts its load balancer in PENDING_UPDATE, and the
/// `LbChildDone` event (3 simulated seconds for an amphora LB, 1 for `ovn`) sets it ACTIVE again.
/// Request `n` goes to pool `n % pools` with address `10.102.x.y` numbered by `n / pools`, so no two
/// creates collide and a pool is asked again only after every other pool has been. A create that
/// finds its load balancer still locked gets a 409 and is counted as an error.
pub fn member_create_load(client: &Runtime, server_threads: usize, lbs: usize, clock_factor: f64, args: &Args) -> MemberCreateRun {
    let rt = runtime("server", server_threads);
    let clock = fakecloud::sim::ClockMode::scaled(clock_factor).expect("a valid scale factor");
    let config = fakecloud::CloudConfig { fixture: lbs_fixture(lbs), clock, ..fakecloud::CloudConfig::default() };
    let cloud = rt.block_on(fakecloud::start(config, "127.0.0.1:0".parse().expect("addr"))).expect("start fakecloud");
    let addr = cloud.addr;
    // The bench LBs' pools, in LB order (the pool is named after its listener, `<lb name>-6443`).
    let pools: Vec<String> = {
        let w = cloud.cloud.world();
        let mut named: Vec<(&str, &str)> = w
            .octavia
            .pools
            .values()
            .filter(|p| p.c.name.starts_with("k8s-clusterapi-cluster-bench-c"))
            .map(|p| (p.c.name.as_str(), p.c.id.as_str()))
            .collect();
        named.sort();
        named.into_iter().map(|(_, id)| id.to_string()).collect()
    };
    assert_eq!(pools.len(), lbs, "one pool per bench load balancer");
    let load = client.block_on(async {
        let admin = setup_token(addr, "admin", "admin-secret", "admin").await;
        let pools = Arc::new(pools.clone());
        let reqs = Requests::numbered(move |n| {
            let (pool, round) = (&pools[(n % pools.len() as u64) as usize], n / pools.len() as u64);
            let body = format!(
                r#"{{"member": {{"name": "bench-m-{n}", "address": "10.102.{}.{}", "protocol_port": 6443}}}}"#,
                round / 250,
                round % 250 + 1
            );
            post_json_request_with(addr, &format!("/load-balancer/v2/lbaas/pools/{pool}/members"), &body, &[("X-Auth-Token", &admin)])
        });
        run_load_from(addr, reqs, 201, args).await
    });
    // Let every flow still running finish (a few simulated seconds), then look at what was made.
    std::thread::sleep(Duration::from_secs_f64((clock_factor * 10.0).max(0.05)));
    let (created, active, lbs_active) = {
        let mut w = cloud.cloud.world();
        w.tick();
        let made: Vec<_> = w.octavia.members.values().filter(|m| m.c.name.starts_with("bench-m-")).collect();
        let active = made.iter().filter(|m| m.c.provisioning_status == "ACTIVE").count();
        let lbs_active = w
            .octavia
            .loadbalancers
            .values()
            .filter(|l| l.c.name.starts_with("k8s-clusterapi-cluster-bench-c") && l.c.provisioning_status == "ACTIVE")
            .count();
        (made.len(), active, lbs_active)
    };
    let settle = {
        let mut w = cloud.cloud.world();
        let mut times: Vec<Duration> = (0..21)
            .map(|_| {
                let t = Instant::now();
                w.settle();
                t.elapsed()
            })
            .collect();
        times.sort();
        times[times.len() / 2]
    };
    drop(cloud);
    rt.shutdown_timeout(Duration::from_secs(1));
    MemberCreateRun { load, pools: pools.len(), created, active, lbs_active, settle }
}

/// `GET /compute/v2.1/servers/detail?limit=100` (all projects, 2.96) on a cloud of `total` servers.
pub fn servers_detail_load(client: &Runtime, server_threads: usize, total: usize, args: &Args) -> Load {
    let rt = runtime("server", server_threads);
    let config = fakecloud::CloudConfig { fixture: crowded_fixture(total), ..fakecloud::CloudConfig::default() };
    let cloud = rt.block_on(fakecloud::start(config, "127.0.0.1:0".parse().expect("addr"))).expect("start fakecloud");
    let addr = cloud.addr;
    let load = client.block_on(async {
        let admin = setup_token(addr, "admin", "admin-secret", "admin").await;
        let req = get_request(
            addr,
            "/compute/v2.1/servers/detail?all_tenants=True&limit=100",
            &[("X-Auth-Token", &admin), ("OpenStack-API-Version", "compute 2.96")],
        );
        run_load(addr, req, 200, args).await
    });
    drop(cloud);
    rt.shutdown_timeout(Duration::from_secs(1));
    load
}

#[derive(Clone, Copy)]
pub enum Kind {
    Issue,
    Validate,
}

impl Kind {
    pub fn key(self) -> &'static str {
        match self {
            Kind::Issue => "issue",
            Kind::Validate => "validate",
        }
    }
}

/// Load against a fresh in-process fakecloud. Issue: the admin asks for a project-scoped token.
/// Validate: the admin's token validates a demo user's token (what keystonemiddleware does).
pub fn fakecloud_load(client: &Runtime, server_threads: usize, kind: Kind, catalog: bool, args: &Args) -> Load {
    let rt = runtime("server", server_threads);
    let cloud = start_fakecloud(&rt);
    let addr = cloud.addr;
    let path = if catalog { TOKENS_PATH.to_string() } else { format!("{TOKENS_PATH}?nocatalog") };
    let load = client.block_on(async {
        match kind {
            Kind::Issue => {
                let req = post_json_request(addr, &path, &password_auth_body("admin", "admin-secret", "admin"));
                run_load(addr, req, 201, args).await
            }
            Kind::Validate => {
                let admin = setup_token(addr, "admin", "admin-secret", "admin").await;
                let demo = setup_token(addr, "demo", "demo-secret", "demo").await;
                let req = get_request(addr, &path, &[("X-Auth-Token", &admin), ("X-Subject-Token", &demo)]);
                run_load(addr, req, 200, args).await
            }
        }
    });
    drop(cloud);
    rt.shutdown_timeout(Duration::from_secs(1));
    load
}

pub async fn setup_token(addr: SocketAddr, user: &str, password: &str, project: &str) -> String {
    let req = post_json_request(addr, &format!("{TOKENS_PATH}?nocatalog"), &password_auth_body(user, password, project));
    let r = one_shot(addr, &req, Some("x-subject-token")).await.expect("issue a setup token");
    assert_eq!(r.status, 201, "setup token issue for {user}");
    r.header.expect("X-Subject-Token on a 201")
}
