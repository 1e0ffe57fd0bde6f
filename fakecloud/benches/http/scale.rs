//! The scenarios that ask whether a cost follows what changed or what exists: writes on a scaled
//! clock on small and large clouds, one clock step, boot and reset, and every list route of a large
//! cloud against a ceiling that serves a body of the same size.

use crate::client::{get_request, json_request_with, one_shot};
use crate::fixtures::{crowded_fixture, lbs_fixture_on};
use crate::load::{run_load, run_load_from, Load, Requests};
use crate::scenarios::{runtime, setup_token, start_ceiling_sized};
use crate::Args;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;

/// Nova's microversion for the server-create scenario: 2.37 takes `"networks": "none"`.
const CREATE_VERSION: &str = "compute 2.37";

/// `POST /compute/v2.1/servers` as admin in project `admin` (quota lifted first) on
/// `crowded_fixture(servers)` with a scaled clock: each create is scheduled through Placement and
/// queues its build events, which the clock then applies during the run, as it would in a cloud on
/// `--clock scaled`. No networks (`"networks": "none"`), so the figure is Nova's and Placement's.
pub fn server_create_load(client: &Runtime, server_threads: usize, servers: usize, clock_factor: f64, args: &Args) -> Load {
    let rt = runtime("server", server_threads);
    let clock = fakecloud::sim::ClockMode::scaled(clock_factor).expect("a valid scale factor");
    let config = fakecloud::CloudConfig { fixture: crowded_fixture(servers), clock, ..fakecloud::CloudConfig::default() };
    let cloud = rt.block_on(fakecloud::start(config, "127.0.0.1:0".parse().expect("addr"))).expect("start fakecloud");
    let addr = cloud.addr;
    let (flavor, image, project) = create_inputs(&cloud);
    let load = client.block_on(async {
        let admin = setup_token(addr, "admin", "admin-secret", "admin").await;
        lift_quota(addr, &admin, &project).await;
        let reqs = Requests::numbered(move |n| {
            let body =
                format!(r#"{{"server": {{"name": "bench-s-{n}", "flavorRef": "{flavor}", "imageRef": "{image}", "networks": "none"}}}}"#);
            json_request_with(
                "POST",
                addr,
                "/compute/v2.1/servers",
                &body,
                &[("X-Auth-Token", &admin), ("OpenStack-API-Version", CREATE_VERSION)],
            )
        });
        run_load_from(addr, reqs, 202, args).await
    });
    drop(cloud);
    rt.shutdown_timeout(Duration::from_secs(1));
    load
}

/// What a server create names: `m1.tiny`, the cirros image, and project `admin` (by id).
fn create_inputs(cloud: &fakecloud::RunningCloud) -> (String, String, String) {
    let w = cloud.cloud.world();
    let flavor = w.compute.flavors.iter().find(|f| f.name == "m1.tiny").expect("m1.tiny").id.clone();
    let image = w.image.images.iter().find(|i| i.name.starts_with("cirros")).expect("a cirros image").id.clone();
    let project = w.identity.project_named("admin").expect("project admin").id.clone();
    (flavor, image, project)
}

/// Lifts a project's instances, cores and RAM quotas, so creates are never refused for quota.
async fn lift_quota(addr: SocketAddr, admin: &str, project: &str) {
    let quota = r#"{"quota_set": {"instances": -1, "cores": -1, "ram": -1}}"#;
    let req = json_request_with("PUT", addr, &format!("/compute/v2.1/os-quota-sets/{project}"), quota, &[("X-Auth-Token", admin)]);
    let r = one_shot(addr, &req, None).await.expect("lift the project's quota");
    assert_eq!(r.status, 200, "quota update");
}

/// Median cost of `World::advance_clock(1 s)` on a manual-clock cloud of `crowded_fixture(servers)`
/// with a server's build pending: before each step one server create goes through the API, so the
/// step applies its scheduling and build events.
pub fn clock_advance_cost(client: &Runtime, servers: usize) -> Duration {
    let rt = runtime("server", 1);
    let config = fakecloud::CloudConfig {
        fixture: crowded_fixture(servers),
        clock: fakecloud::sim::ClockMode::Manual,
        ..fakecloud::CloudConfig::default()
    };
    let cloud = rt.block_on(fakecloud::start(config, "127.0.0.1:0".parse().expect("addr"))).expect("start fakecloud");
    let addr = cloud.addr;
    let (flavor, image, project) = create_inputs(&cloud);
    let admin = client.block_on(async {
        let admin = setup_token(addr, "admin", "admin-secret", "admin").await;
        lift_quota(addr, &admin, &project).await;
        admin
    });
    let mut times: Vec<Duration> = (0..21)
        .map(|n| {
            let body =
                format!(r#"{{"server": {{"name": "step-{n}", "flavorRef": "{flavor}", "imageRef": "{image}", "networks": "none"}}}}"#);
            let req = json_request_with(
                "POST",
                addr,
                "/compute/v2.1/servers",
                &body,
                &[("X-Auth-Token", &admin), ("OpenStack-API-Version", CREATE_VERSION)],
            );
            let r = client.block_on(one_shot(addr, &req, None)).expect("create a server");
            assert_eq!(r.status, 202, "server create before a clock step");
            let mut w = cloud.cloud.world();
            let t = Instant::now();
            w.advance_clock(chrono::Duration::seconds(1));
            t.elapsed()
        })
        .collect();
    times.sort();
    drop(cloud);
    rt.shutdown_timeout(Duration::from_secs(1));
    times[times.len() / 2]
}

/// Median of three: building the world from a parsed fixture (`Cloud::new`), and `Cloud::reset`.
pub fn boot_and_reset(fixture: fakecloud::Fixture) -> (Duration, Duration) {
    let config = fakecloud::CloudConfig { fixture, ..fakecloud::CloudConfig::default() };
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let mut cloud = None;
    let boots = (0..3)
        .map(|_| {
            let t = Instant::now();
            cloud = Some(fakecloud::Cloud::new(config.clone()).expect("boot the cloud"));
            t.elapsed()
        })
        .collect();
    let cloud = cloud.expect("booted");
    let resets = (0..3)
        .map(|_| {
            let t = Instant::now();
            cloud.reset();
            t.elapsed()
        })
        .collect();
    (median(boots), median(resets))
}

/// One list route's figure beside the ceiling of its body size.
pub struct ListRow {
    pub path: String,
    pub load: Load,
    /// The ceiling serving a fixed body of the same size, in the same run.
    pub ceiling: f64,
}

/// Some list routes answer only with a query or a microversion; these ask what a client asks.
fn list_request_path(path: &str) -> String {
    match path {
        "/compute/v2.1/servers" | "/compute/v2.1/servers/detail" => format!("{path}?all_tenants=True"),
        "/block-storage/v3/volumes" | "/block-storage/v3/volumes/detail" => format!("{path}?all_tenants=1"),
        _ => path.to_string(),
    }
}

/// Every `GET` route without a path parameter, as admin, on `lbs_fixture_on(crowded_fixture(
/// servers), lbs)`, each for `args`'s (short) window, and beside each the axum ceiling serving a body
/// of that route's size. Routes that do not answer 200 to a bare `GET` are listed with their status.
pub fn list_routes_walk(
    client: &Runtime,
    server_threads: usize,
    servers: usize,
    lbs: usize,
    args: &Args,
) -> (Vec<ListRow>, Vec<(String, u16)>) {
    let rt = runtime("server", server_threads);
    let config = fakecloud::CloudConfig { fixture: lbs_fixture_on(crowded_fixture(servers), lbs), ..fakecloud::CloudConfig::default() };
    let cloud = rt.block_on(fakecloud::start(config, "127.0.0.1:0".parse().expect("addr"))).expect("start fakecloud");
    let addr = cloud.addr;
    let routes: Vec<String> = fakecloud::services::route_table()
        .into_iter()
        .filter(|r| r.method == "GET" && !r.path.contains('{') && !r.path.starts_with("/_fakecloud"))
        .filter(|r| args.walk_only.as_deref().is_none_or(|only| r.path.contains(only)))
        .map(|r| r.path)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let admin = client.block_on(setup_token(addr, "admin", "admin-secret", "admin"));
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    let mut ceilings: BTreeMap<usize, f64> = BTreeMap::new();
    for route in routes {
        let path = list_request_path(&route);
        let req = get_request(addr, &path, &[("X-Auth-Token", &admin)]);
        let probe = client.block_on(one_shot(addr, &req, None)).expect("probe a list route");
        if probe.status != 200 {
            skipped.push((path, probe.status));
            continue;
        }
        let load = client.block_on(run_load(addr, req, 200, args));
        let size = load.body_len.max(probe.body_len);
        // Ceilings by power-of-two size class, at the class's lower bound: a smaller body can only
        // raise the ceiling, so the ratio errs against fakecloud.
        let class = if size == 0 { 0 } else { 1usize << size.ilog2() };
        let ceiling = *ceilings.entry(class).or_insert_with(|| ceiling_of_size(client, server_threads, class, args));
        rows.push(ListRow { path, load, ceiling });
    }
    drop(cloud);
    rt.shutdown_timeout(Duration::from_secs(1));
    (rows, skipped)
}

/// The axum ceiling's rate with a fixed body of `size` bytes.
fn ceiling_of_size(client: &Runtime, server_threads: usize, size: usize, args: &Args) -> f64 {
    let rt = runtime("ceiling", server_threads);
    let addr: SocketAddr = start_ceiling_sized(&rt, size);
    let load = client.block_on(run_load(addr, get_request(addr, "/sized", &[]), 200, args));
    rt.shutdown_timeout(Duration::from_secs(1));
    load.rate()
}
