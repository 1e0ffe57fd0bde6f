//! HTTP benchmark for fakecloud: `cargo bench -p fakecloud --bench http`.
//!
//! One run measures, on the same machine and over loopback only:
//! 1. the ceiling: a plain axum handler returning a fixed small JSON body, served the way fakecloud is
//!    (`axum::serve` on a tokio multi-thread runtime), driven by the same load generator;
//! 2. token issue throughput (`POST /identity/v3/auth/tokens`) against an in-process fakecloud with no
//!    tracing subscriber installed, so logging costs nothing;
//! 3. token validation throughput (`GET /identity/v3/auth/tokens`, an admin validating a demo token);
//! 4. cold start: spawn the built `fakecloud serve --listen 127.0.0.1:0`, wait for its ready line, and
//!    POST a token until the first 201.
//!
//! Compute: `GET /compute/v2.1/servers/detail?all_tenants=True&limit=100` at 2.96 on clouds of 1,000
//! and 10,000 servers (the listing must not cost more with more servers), and the resident memory of
//! the real binary serving 10,000 servers.
//!
//! Octavia: `GET /load-balancer/v2/lbaas/loadbalancers?name=<one>` (admin) on a cloud of 1,000 load
//! balancers (one listener, one pool with a TCP monitor and three members each; 450 with an amphora,
//! the rest `ovn`): the lookup CAPO makes for its API-server LB. A diagnostic row repeats it on the
//! default fixture (one LB), to show what the number of LBs costs. Also the resident memory of the
//! binary serving the 1,000.
//!
//! Two diagnostic rows repeat 2 and 3 with `?nocatalog`, to show how much of their cost is the
//! service catalog in the token body.
//!
//! Member create (issue 8): `POST /load-balancer/v2/lbaas/pools/{id}/members` round-robin over the
//! 1,000 bench pools, on a scaled clock so that each create's controller flow finishes during the
//! run (see `member_create_load`).
//!
//! A closing summary gives each route's requests per second as a ratio of the ceiling, with a
//! PASS/MISS for the read routes against 0.5 of it (see `print_summary`).
//!
//! The load generator is closed-loop: N connections (HTTP/1.1 keep-alive), each sending its next
//! request as soon as the previous response is read, for a warm-up and then a measured window. It
//! is a minimal hand-written HTTP/1.1 client over tokio's `TcpStream` so that as little CPU as
//! possible goes to the client: it shares the machine's cores with the server.
//!
//! Targets are printed as PASS/MISS beside each figure; nothing here asserts on them.
//!
//! Flags (after `--`) or environment variables: `--duration`/`BENCH_DURATION` (measured seconds per
//! load scenario), `--warmup`/`BENCH_WARMUP`, `--concurrency`/`BENCH_CONCURRENCY`,
//! `--server-threads`/`BENCH_SERVER_THREADS`, `--client-threads`/`BENCH_CLIENT_THREADS`,
//! `--cold-runs`/`BENCH_COLD_RUNS`, `--fakecloud-bin`/`FAKECLOUD_BIN`; a positional filter
//! (`ceiling`, `ceiling-large`, `issue`, `validate`, `nocatalog`, `servers`, `lbs`, `members`, `memory`, `cold`) runs
//! only the scenarios whose key contains it, e.g. `cargo bench -p fakecloud --bench http -- --duration 5 validate`.

use axum::http::header;
use axum::routing::get;
use axum::Router;
use clap::Parser;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

/// mimalloc: the request path allocates many small strings; glibc malloc was about a fifth of the
/// CPU profile (docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ISSUE_TARGET: f64 = 5_000.0;
const VALIDATE_TARGET: f64 = 20_000.0;
const COLD_START_TARGET_MS: f64 = 50.0;
const SERVERS_DETAIL_TARGET: f64 = 10_000.0;
const RSS_TARGET_MB: f64 = 100.0;
const LB_NAME_LOOKUP_TARGET: f64 = 10_000.0;
/// Issue 8: a read route should answer at least this share of the ceiling's requests per second.
const READ_RATIO_TARGET: f64 = 0.5;
/// The member-create scenario's clock: one simulated second lasts this many real seconds, so a
/// member's flow (3 simulated seconds on an amphora LB) finishes in 30 ms of real time, well before
/// the round-robin comes back to its pool (1,000 creates later). Not much faster: a run of a few
/// real seconds must stay inside the admin token's simulated lifetime (one hour), and the health
/// manager's 10 s cycle runs that much more often in real time.
const MEMBER_CLOCK_FACTOR: f64 = 0.01;
/// Load balancers in the `lbs` scenario's cloud (and its memory row); three members each.
const BENCH_LBS: usize = 1_000;
/// Amphorae per bench host in the `lbs` cloud.
const AMPHORAE_PER_HOST: usize = 100;
/// Of every 20 bench LBs, how many use provider `amphora` (the rest `ovn`): 450 amphorae for 1,000
/// LBs. Fixture amphorae are Nova servers of the `service` project, and booting them checks that
/// project's Neutron port quota (default 500, which a fixture cannot raise), so a fixture cannot
/// hold 1,000 amphorae.
const AMPHORA_LBS_PER_20: usize = 9;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
const TOKENS_PATH: &str = "/identity/v3/auth/tokens";

#[derive(Parser, Debug)]
#[command(name = "http", about = "fakecloud HTTP benchmark: the ceiling, Keystone, Nova, Octavia routes, memory, cold start")]
struct Args {
    /// Measured seconds per load scenario [default: 3].
    #[arg(long = "duration", env = "BENCH_DURATION", value_name = "SECONDS")]
    duration_arg: Option<f64>,
    #[arg(skip)]
    duration: f64,
    /// Warm-up seconds per load scenario, requests sent but not counted [default: 1].
    #[arg(long = "warmup", env = "BENCH_WARMUP", value_name = "SECONDS")]
    warmup_arg: Option<f64>,
    #[arg(skip)]
    warmup: f64,
    /// Concurrent closed-loop clients, one keep-alive connection each.
    #[arg(long, env = "BENCH_CONCURRENCY", default_value_t = 32)]
    concurrency: usize,
    /// Worker threads of the server runtime (default: one per CPU, as `fakecloud serve`).
    #[arg(long, env = "BENCH_SERVER_THREADS")]
    server_threads: Option<usize>,
    /// Worker threads of the load generator's runtime (default: one per CPU).
    #[arg(long, env = "BENCH_CLIENT_THREADS")]
    client_threads: Option<usize>,
    /// Timed cold starts, after one untimed start that warms the page cache [default: 20].
    #[arg(long = "cold-runs", env = "BENCH_COLD_RUNS", value_name = "N")]
    cold_runs_arg: Option<usize>,
    #[arg(skip)]
    cold_runs: usize,
    /// The fakecloud binary for the cold start (default: the one cargo built for this bench).
    #[arg(long, env = "FAKECLOUD_BIN")]
    fakecloud_bin: Option<PathBuf>,
    /// Run only the scenarios whose name contains this (ceiling, ceiling-large, issue, validate,
    /// issue-nocatalog, validate-nocatalog, servers, lbs, members, memory, cold).
    filter: Option<String>,
    /// Passed by `cargo bench`. Without it (`cargo test --benches`) the run is a short smoke test.
    #[arg(long, hide = true)]
    bench: bool,
}

impl Args {
    /// Fills in the defaults: full figures under `cargo bench`, a quick smoke run otherwise.
    fn resolve(mut self) -> Args {
        let smoke = !self.bench;
        self.duration = self.duration_arg.unwrap_or(if smoke { 0.2 } else { 3.0 }).max(0.01);
        self.warmup = self.warmup_arg.unwrap_or(if smoke { 0.05 } else { 1.0 }).max(0.0);
        self.cold_runs = self.cold_runs_arg.unwrap_or(if smoke { 2 } else { 20 });
        self.concurrency = self.concurrency.max(1);
        self
    }

    fn wants(&self, scenario: &str) -> bool {
        self.filter.as_deref().is_none_or(|f| scenario.contains(f))
    }
}

// ---------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 client: one request, one response, on a keep-alive connection.

struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

struct Reply {
    status: u16,
    body_len: usize,
    /// The value of the header asked for, if any.
    header: Option<String>,
}

impl Conn {
    async fn connect(addr: SocketAddr) -> io::Result<Conn> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Conn { stream, buf: Vec::with_capacity(16 * 1024) })
    }

    /// Reads more bytes into the buffer; EOF is an error (the server closed mid-response).
    async fn fill(&mut self) -> io::Result<()> {
        self.buf.reserve(16 * 1024);
        if self.stream.read_buf(&mut self.buf).await? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed by the server"));
        }
        Ok(())
    }

    /// Sends `req` (a complete request) and reads one response, keeping `want_header`'s value.
    async fn roundtrip(&mut self, req: &[u8], want_header: Option<&str>) -> io::Result<Reply> {
        self.stream.write_all(req).await?;
        self.buf.clear();
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            self.fill().await?;
        };
        let head = std::str::from_utf8(&self.buf[..head_end]).map_err(|_| bad("response head is not UTF-8"))?;
        let mut lines = head.split("\r\n");
        let status =
            lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse::<u16>().ok()).ok_or_else(|| bad("bad status line"))?;
        let (mut content_length, mut chunked, mut close, mut header) = (None, false, false, None);
        for line in lines {
            let Some((name, value)) = line.split_once(':') else { continue };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                content_length = Some(value.parse::<usize>().map_err(|_| bad("bad content-length"))?);
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.to_ascii_lowercase().contains("chunked");
            } else if name.eq_ignore_ascii_case("connection") {
                close = value.eq_ignore_ascii_case("close");
            } else if want_header.is_some_and(|w| name.eq_ignore_ascii_case(w)) {
                header = Some(value.to_string());
            }
        }
        let body_len = if chunked {
            self.read_chunked(head_end).await?
        } else {
            let len = content_length.unwrap_or(0);
            while self.buf.len() < head_end + len {
                self.fill().await?;
            }
            len
        };
        if close {
            return Err(io::Error::new(io::ErrorKind::ConnectionAborted, "server asked to close the connection"));
        }
        Ok(Reply { status, body_len, header })
    }

    /// Reads a chunked body starting at `pos`; returns its decoded length.
    async fn read_chunked(&mut self, mut pos: usize) -> io::Result<usize> {
        let mut total = 0;
        loop {
            let line_end = loop {
                if let Some(i) = find(&self.buf[pos..], b"\r\n") {
                    break pos + i;
                }
                self.fill().await?;
            };
            let size_text = std::str::from_utf8(&self.buf[pos..line_end]).map_err(|_| bad("bad chunk size"))?;
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16).map_err(|_| bad("bad chunk size"))?;
            pos = line_end + 2;
            if size == 0 {
                // No trailers expected: the terminating empty line.
                while self.buf.len() < pos + 2 {
                    self.fill().await?;
                }
                return Ok(total);
            }
            while self.buf.len() < pos + size + 2 {
                self.fill().await?;
            }
            pos += size + 2;
            total += size;
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn bad(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.to_string())
}

fn get_request(addr: SocketAddr, path: &str, extra_headers: &[(&str, &str)]) -> Vec<u8> {
    let mut r = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\n");
    for (k, v) in extra_headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    r.push_str("\r\n");
    r.into_bytes()
}

fn post_json_request(addr: SocketAddr, path: &str, body: &str) -> Vec<u8> {
    post_json_request_with(addr, path, body, &[])
}

fn post_json_request_with(addr: SocketAddr, path: &str, body: &str, extra_headers: &[(&str, &str)]) -> Vec<u8> {
    let mut r = format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\nContent-Type: application/json\r\n");
    for (k, v) in extra_headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    r.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    r.into_bytes()
}

fn password_auth_body(user: &str, password: &str, project: &str) -> String {
    serde_json::json!({"auth": {
        "identity": {"methods": ["password"],
            "password": {"user": {"name": user, "domain": {"name": "Default"}, "password": password}}},
        "scope": {"project": {"name": project, "domain": {"name": "Default"}}},
    }})
    .to_string()
}

/// One request on a fresh connection (setup and cold start), with a timeout.
async fn one_shot(addr: SocketAddr, req: &[u8], want_header: Option<&str>) -> io::Result<Reply> {
    tokio::time::timeout(REQUEST_TIMEOUT, async {
        let mut c = Conn::connect(addr).await?;
        c.roundtrip(req, want_header).await
    })
    .await
    .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "request timed out"))?
}

// ---------------------------------------------------------------------------------------------
// The closed-loop load generator.

struct Load {
    /// Requests answered with the expected status inside the measured window.
    ok: u64,
    /// Wrong status, I/O errors and timeouts inside the measured window.
    errors: u64,
    first_error: Option<String>,
    window: Duration,
    /// Latencies of the `ok` requests, sorted, in nanoseconds.
    latencies: Vec<u64>,
    body_len: usize,
}

impl Load {
    fn rate(&self) -> f64 {
        self.ok as f64 / self.window.as_secs_f64()
    }

    fn percentile_ms(&self, p: usize) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let i = (self.latencies.len() * p / 100).min(self.latencies.len() - 1);
        self.latencies[i] as f64 / 1e6
    }
}

#[derive(Default)]
struct WorkerStats {
    ok: u64,
    errors: u64,
    first_error: Option<String>,
    latencies: Vec<u64>,
    body_len: usize,
}

impl WorkerStats {
    fn error(&mut self, e: String) {
        self.errors += 1;
        self.first_error.get_or_insert(e);
    }
}

/// What the load generator sends: the same pre-built request every time (reads), or a fresh one per
/// request from a shared counter (writes that must not repeat themselves, such as member create).
#[derive(Clone)]
enum Requests {
    Fixed(Arc<Vec<u8>>),
    Numbered { make: Arc<dyn Fn(u64) -> Vec<u8> + Send + Sync>, next: Arc<AtomicU64> },
}

impl Requests {
    fn numbered(make: impl Fn(u64) -> Vec<u8> + Send + Sync + 'static) -> Requests {
        Requests::Numbered { make: Arc::new(make), next: Arc::new(AtomicU64::new(0)) }
    }

    fn next(&self) -> std::borrow::Cow<'_, [u8]> {
        match self {
            Requests::Fixed(r) => std::borrow::Cow::Borrowed(r.as_slice()),
            Requests::Numbered { make, next } => std::borrow::Cow::Owned(make(next.fetch_add(1, Ordering::Relaxed))),
        }
    }
}

async fn worker(addr: SocketAddr, reqs: Requests, expect: u16, measure_from: Instant, end: Instant) -> WorkerStats {
    let mut st = WorkerStats { latencies: Vec::with_capacity(64 * 1024), ..Default::default() };
    while Instant::now() < end {
        let mut conn = match Conn::connect(addr).await {
            Ok(c) => c,
            Err(e) => {
                if Instant::now() >= measure_from {
                    st.error(format!("connect: {e}"));
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
                continue;
            }
        };
        loop {
            let start = Instant::now();
            if start >= end {
                break;
            }
            let req = reqs.next();
            let res = tokio::time::timeout(REQUEST_TIMEOUT, conn.roundtrip(&req, None)).await;
            let done = Instant::now();
            // Throughput is completions per window: a request counts when it finishes inside it.
            let counted = done >= measure_from && done <= end;
            match res {
                Ok(Ok(reply)) if reply.status == expect => {
                    if counted {
                        st.ok += 1;
                        st.latencies.push((done - start).as_nanos() as u64);
                        st.body_len = reply.body_len;
                    }
                }
                Ok(Ok(reply)) => {
                    if counted {
                        st.error(format!("status {} (expected {expect})", reply.status));
                    }
                }
                Ok(Err(e)) => {
                    if counted {
                        st.error(format!("i/o: {e}"));
                    }
                    break; // reconnect
                }
                Err(_) => {
                    if counted {
                        st.error("timeout".into());
                    }
                    break;
                }
            }
        }
    }
    st
}

async fn run_load(addr: SocketAddr, req: Vec<u8>, expect: u16, args: &Args) -> Load {
    run_load_from(addr, Requests::Fixed(Arc::new(req)), expect, args).await
}

async fn run_load_from(addr: SocketAddr, reqs: Requests, expect: u16, args: &Args) -> Load {
    let measure_from = Instant::now() + Duration::from_secs_f64(args.warmup);
    let window = Duration::from_secs_f64(args.duration);
    let end = measure_from + window;
    let tasks: Vec<_> = (0..args.concurrency).map(|_| tokio::spawn(worker(addr, reqs.clone(), expect, measure_from, end))).collect();
    let mut load = Load { ok: 0, errors: 0, first_error: None, window, latencies: Vec::new(), body_len: 0 };
    for t in tasks {
        let st = t.await.expect("load worker panicked");
        load.ok += st.ok;
        load.errors += st.errors;
        if load.first_error.is_none() {
            load.first_error = st.first_error;
        }
        load.latencies.extend(st.latencies);
        load.body_len = load.body_len.max(st.body_len);
    }
    load.latencies.sort_unstable();
    load
}

// ---------------------------------------------------------------------------------------------
// Servers.

fn runtime(name: &str, threads: usize) -> Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(threads).thread_name(name).enable_all().build().expect("tokio runtime")
}

/// The ceiling: the smallest axum app that answers a fixed JSON body, served like fakecloud.
const LARGE_BODY_BYTES: usize = 177_777;

fn start_ceiling(rt: &Runtime) -> SocketAddr {
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

/// A fresh in-process fakecloud (embedded fixture, real clock), no tracing subscriber installed.
fn start_fakecloud(rt: &Runtime) -> fakecloud::RunningCloud {
    rt.block_on(fakecloud::start(fakecloud::CloudConfig::default(), "127.0.0.1:0".parse().expect("addr"))).expect("start fakecloud")
}

/// The default cloud with `servers` extra servers in the demo project, spread over 50 large hosts
/// (no ports: the bench measures Nova's listing, not Neutron's IP pools). The default hosts are
/// replaced, so the fixture's own servers and amphorae move to `bench-00`.
fn crowded_fixture(servers: usize) -> fakecloud::Fixture {
    let mut f = fakecloud::Fixture::default_cloud();
    f.hosts = (0..50).map(|i| bench_host(format!("bench-{i:02}"), format!("10.200.{}.{}", i / 200, i % 200 + 10))).collect();
    for s in &mut f.servers {
        s.host = Some("bench-00".into());
    }
    for lb in &mut f.loadbalancers {
        for h in &mut lb.amphora_hosts {
            *h = "bench-00".into();
        }
    }
    f.servers.extend((0..servers).map(|i| fakecloud::fixture::ServerSpec {
        id: None,
        name: format!("load-{i:05}"),
        project: "demo".into(),
        user: "demo".into(),
        flavor: "m1.tiny".into(),
        image: "cirros-0.6.2-x86_64-disk".into(),
        networks: vec![],
        host: Some(format!("bench-{:02}", i % 50)),
        status: "ACTIVE".into(),
        floating_ip: false,
        key_name: None,
        metadata: Default::default(),
    }));
    f
}

/// A large bench hypervisor: 512 vCPUs at 16x, about 2 TB of RAM, 100 TB of disk.
fn bench_host(name: String, ip: String) -> fakecloud::fixture::HostSpec {
    fakecloud::fixture::HostSpec {
        name,
        ip,
        az: "nova".into(),
        vcpus: 512,
        memory_mb: 2_000_000,
        disk_gb: 100_000,
        cpu_allocation_ratio: 16.0,
        ram_allocation_ratio: 1.0,
        disk_allocation_ratio: 1.0,
        reserved_host_memory_mb: 4096,
        reserved_host_disk_mb: 0,
        reserved_host_cpus: 0,
        resume_guests_state_on_host_boot: false,
    }
}

/// The name of the `i`th bench load balancer, as CAPO names a workload cluster's API-server LB.
fn bench_lb_name(i: usize) -> String {
    format!("k8s-clusterapi-cluster-bench-c{i:04}-kubeapi")
}

/// The default cloud plus `lbs` load balancers in `demo`, shaped like CAPO's: one TCP listener on
/// 6443, its default pool (TCP health monitor) with three members given by literal address. Of
/// every 20, `AMPHORA_LBS_PER_20` use provider `amphora` with one STANDALONE amphora, the others
/// `ovn` (see `AMPHORA_LBS_PER_20` for why not all). The VIPs come from a /16 subnet added for the
/// bench; the amphorae (flavor `amphora`: 1 vCPU, 1 GB, 8 GB disk) are placed on added bench hosts,
/// at most `AMPHORAE_PER_HOST` per host, with management ports on the default `lb-mgmt-net` (/16).
/// The default fixture's hosts, servers and load balancer are kept as they are.
fn lbs_fixture(lbs: usize) -> fakecloud::Fixture {
    lbs_fixture_on(fakecloud::Fixture::default_cloud(), lbs)
}

/// `lbs_fixture`'s load balancers (and their hosts and VIP subnet) added to `base`.
fn lbs_fixture_on(base: fakecloud::Fixture, lbs: usize) -> fakecloud::Fixture {
    use fakecloud::fixture::{HealthMonitorSpec, ListenerSpec, LoadBalancerSpec, MemberSpec, NetworkSpec, PoolSpec, SubnetSpec};
    let mut f = base;
    let amphora = |i: usize| i % 20 < AMPHORA_LBS_PER_20;
    let hosts = (0..lbs).filter(|i| amphora(*i)).count().div_ceil(AMPHORAE_PER_HOST).max(1);
    f.hosts.extend((0..hosts).map(|i| bench_host(format!("bench-lb-{i:02}"), format!("10.201.{}.{}", i / 200, i % 200 + 10))));
    f.networks.push(NetworkSpec {
        id: None,
        name: "bench-lb-vip-net".into(),
        project: "demo".into(),
        external: false,
        shared: false,
        subnets: vec![SubnetSpec {
            id: None,
            name: "bench-lb-vip-subnet".into(),
            cidr: "10.100.0.0/16".into(),
            gateway_ip: None,
            allocation_pools: vec![],
        }],
    });
    f.loadbalancers.extend((0..lbs).map(|i| {
        let name = bench_lb_name(i);
        let port_name = format!("{name}-6443");
        LoadBalancerSpec {
            name: name.clone(),
            project: "demo".into(),
            vip_subnet: "bench-lb-vip-subnet".into(),
            provider: if amphora(i) { "amphora" } else { "ovn" }.into(),
            topology: "SINGLE".into(),
            amphora_hosts: if amphora(i) { vec![format!("bench-lb-{:02}", i % hosts)] } else { vec![] },
            listeners: vec![ListenerSpec { name: port_name.clone(), protocol: "TCP".into(), port: 6443 }],
            pools: vec![PoolSpec {
                name: port_name.clone(),
                protocol: "TCP".into(),
                lb_algorithm: "ROUND_ROBIN".into(),
                listener: Some(port_name.clone()),
                healthmonitor: Some(HealthMonitorSpec {
                    name: Some(port_name.clone()),
                    kind: "TCP".into(),
                    delay: 10,
                    timeout: 5,
                    max_retries: 5,
                    max_retries_down: 3,
                }),
                members: (0..3)
                    .map(|m| {
                        let n = i * 3 + m;
                        MemberSpec {
                            name: Some(format!("{port_name}-cp-{m}")),
                            server: None,
                            address: Some(format!("10.101.{}.{}", n / 250, n % 250 + 1)),
                            port: 6443,
                        }
                    })
                    .collect(),
            }],
        }
    }));
    f
}

/// What the Octavia read scenarios ask for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lookup {
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
fn lb_lookup_load(client: &Runtime, server_threads: usize, lbs: usize, lookup: Lookup, args: &Args) -> Load {
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
struct MemberCreateRun {
    load: Load,
    pools: usize,
    /// Members created in the whole run (warm-up included), and how many of them were ACTIVE, and
    /// how many load balancers were back to ACTIVE, once the clock had let every flow finish.
    created: usize,
    active: usize,
    lbs_active: usize,
    /// Median time of one `World::settle` on the cloud as the run left it: what every write (and
    /// every applied event) pays, under the world's lock, besides its own work.
    settle: Duration,
}

/// `POST /load-balancer/v2/lbaas/pools/{id}/members` as admin, round-robin over the pools of
/// `lbs_fixture(lbs)`'s bench load balancers, on a scaled clock (one simulated second lasts
/// `clock_factor` real seconds) so that the controller's flow for each create finishes during the
/// run, as it would in a real cloud: each create puts its load balancer in PENDING_UPDATE, and the
/// `LbChildDone` event (3 simulated seconds for an amphora LB, 1 for `ovn`) sets it ACTIVE again.
/// Request `n` goes to pool `n % pools` with address `10.102.x.y` numbered by `n / pools`, so no two
/// creates collide and a pool is asked again only after every other pool has been. A create that
/// finds its load balancer still locked gets a 409 and is counted as an error.
fn member_create_load(client: &Runtime, server_threads: usize, lbs: usize, clock_factor: f64, args: &Args) -> MemberCreateRun {
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
fn servers_detail_load(client: &Runtime, server_threads: usize, total: usize, args: &Args) -> Load {
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

/// Resident memory (VmRSS, MB) of the real binary serving `fixture` (written to a temporary YAML
/// file named after `label`), measured once it prints its ready line.
fn resident_mb(exe: &std::path::Path, label: &str, fixture: &fakecloud::Fixture) -> Result<f64, String> {
    let dir = std::env::temp_dir().join(format!("fakecloud-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join(format!("{label}.yaml"));
    let yaml = serde_yaml_ng::to_string(fixture).map_err(|e| e.to_string())?;
    std::fs::write(&path, yaml).map_err(|e| e.to_string())?;
    let mut child = std::process::Command::new(exe)
        .args(["serve", "--listen", "127.0.0.1:0", "--fixture"])
        .arg(&path)
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().expect("stdout")), &mut line)
        .map_err(|e| e.to_string())?;
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).map_err(|e| e.to_string());
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    if !line.starts_with("fakecloud ready") {
        return Err(format!("no ready line: {line:?}"));
    }
    let kb: f64 = status?
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .ok_or("no VmRSS in /proc status")?;
    Ok(kb / 1024.0)
}

#[derive(Clone, Copy)]
enum Kind {
    Issue,
    Validate,
}

impl Kind {
    fn key(self) -> &'static str {
        match self {
            Kind::Issue => "issue",
            Kind::Validate => "validate",
        }
    }
}

/// Load against a fresh in-process fakecloud. Issue: the admin asks for a project-scoped token.
/// Validate: the admin's token validates a demo user's token (what keystonemiddleware does).
fn fakecloud_load(client: &Runtime, server_threads: usize, kind: Kind, catalog: bool, args: &Args) -> Load {
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

async fn setup_token(addr: SocketAddr, user: &str, password: &str, project: &str) -> String {
    let req = post_json_request(addr, &format!("{TOKENS_PATH}?nocatalog"), &password_auth_body(user, password, project));
    let r = one_shot(addr, &req, Some("x-subject-token")).await.expect("issue a setup token");
    assert_eq!(r.status, 201, "setup token issue for {user}");
    r.header.expect("X-Subject-Token on a 201")
}

// ---------------------------------------------------------------------------------------------
// Cold start.

struct ColdSample {
    ready: Duration,
    first_201: Duration,
}

async fn cold_start_once(exe: &std::path::Path) -> Result<ColdSample, String> {
    let t0 = Instant::now();
    let mut child = tokio::process::Command::new(exe)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot spawn {}: {e}", exe.display()))?;
    let result = async {
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let line = tokio::time::timeout(Duration::from_secs(10), BufReader::new(stdout).lines().next_line())
            .await
            .map_err(|_| "no ready line within 10 s".to_string())?
            .map_err(|e| format!("reading stdout: {e}"))?
            .ok_or("fakecloud exited before its ready line")?;
        let ready = t0.elapsed();
        let addr: SocketAddr = line
            .split("auth_url=http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|a| a.parse().ok())
            .ok_or_else(|| format!("unexpected ready line: {line}"))?;
        let req = post_json_request(addr, TOKENS_PATH, &password_auth_body("admin", "admin-secret", "admin"));
        loop {
            match one_shot(addr, &req, None).await {
                Ok(r) if r.status == 201 => break,
                Ok(_) | Err(_) if t0.elapsed() > Duration::from_secs(10) => return Err("no 201 within 10 s".to_string()),
                _ => tokio::time::sleep(Duration::from_millis(1)).await,
            }
        }
        Ok(ColdSample { ready, first_201: t0.elapsed() })
    }
    .await;
    let _ = child.start_kill();
    let _ = child.wait().await;
    result
}

fn locate_binary(args: &Args) -> PathBuf {
    args.fakecloud_bin.clone().unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_fakecloud")))
}

// ---------------------------------------------------------------------------------------------
// Reporting.

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("model name")).and_then(|l| l.split(':').nth(1)).map(|m| m.trim().to_string()))
        .unwrap_or_else(|| "unknown CPU".into())
}

fn verdict(met: bool) -> &'static str {
    if met {
        "PASS"
    } else {
        "MISS"
    }
}

fn print_load_row(name: &str, load: &Load, ceiling: Option<f64>, target: Option<f64>) {
    let ratio = ceiling.map_or("-".to_string(), |c| format!("{:.1}%", 100.0 * load.rate() / c));
    let (target_text, result) = match target {
        Some(t) => (format!(">= {t:.0}/s"), verdict(load.rate() >= t)),
        None => ("-".to_string(), "-"),
    };
    println!(
        "| {name} | {} | {:.0} | {ratio} | {:.2} | {:.2} | {} | {} | {target_text} | {result} |",
        load.ok,
        load.rate(),
        load.percentile_ms(50),
        load.percentile_ms(99),
        load.errors,
        load.body_len,
    );
}

/// What a row measures, for the summary against the ceiling.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Route {
    Ceiling,
    CeilingLarge,
    /// A read route: judged against `READ_RATIO_TARGET` of the ceiling.
    Read,
    /// A write route: its ratio is reported, with no target.
    Write,
    /// Shown in the detailed table only.
    Diagnostic,
}

struct Row {
    name: String,
    load: Load,
    route: Route,
    /// An absolute target in requests per second, where the issue gives one.
    target: Option<f64>,
}

impl Row {
    fn new(name: &str, load: Load, route: Route, target: Option<f64>) -> Row {
        Row { name: name.to_string(), load, route, target }
    }
}

/// The issue-8 table: each route's requests per second, its ratio to the ceiling, and the verdict.
/// A route whose replies are large (a `servers/detail` page is about 178 KB) is judged against the
/// ceiling that serves a fixed body of the same size (`ceiling-large`): the bytes themselves cost
/// the stack (hyper, the kernel's loopback, the load generator) whatever produces them. Both
/// ratios are printed.
fn print_summary(rows: &[Row], ceiling: Option<f64>, ceiling_large: Option<f64>) {
    let ratio = |rate: f64, c: Option<f64>| c.map_or("-".to_string(), |c| format!("{:.2}", rate / c));
    println!("Summary against the ceiling (issue 8: read routes >= {READ_RATIO_TARGET:.2} of the ceiling for their body size)");
    println!();
    println!("| route | req/s | of ceiling (15 B) | of size-matched ceiling | target | result |");
    println!("|---|---:|---:|---:|---|---|");
    for r in rows.iter().filter(|r| r.route != Route::Diagnostic) {
        let rate = r.load.rate();
        let large = r.load.body_len >= LARGE_BODY_BYTES / 2;
        let matched = if large { ceiling_large } else { ceiling };
        let matched_text = match (r.route, large) {
            (Route::Ceiling | Route::CeilingLarge, _) => "1.00 (itself)".to_string(),
            (_, true) => format!("{} (ceiling-large)", ratio(rate, matched)),
            (_, false) => ratio(rate, matched),
        };
        let (target, result) = match r.route {
            Route::Read => {
                (format!(">= {READ_RATIO_TARGET:.2}"), matched.map_or("-", |c| verdict(rate / c >= READ_RATIO_TARGET)).to_string())
            }
            Route::Write => ("none (write)".to_string(), "reported".to_string()),
            _ => ("reference".to_string(), "-".to_string()),
        };
        println!("| {} | {rate:.0} | {} | {matched_text} | {target} | {result} |", r.name, ratio(rate, ceiling));
    }
    println!();
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

// ---------------------------------------------------------------------------------------------

fn main() {
    let args = Args::parse().resolve();
    let began = Instant::now();
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let server_threads = args.server_threads.unwrap_or(cpus);
    let client_threads = args.client_threads.unwrap_or(cpus).max(1);
    let client = runtime("loadgen", client_threads);

    println!("# fakecloud HTTP benchmark");
    println!();
    if !args.bench {
        println!("(smoke run: no --bench flag, so not started by `cargo bench`; figures are not meaningful)");
        println!();
    }
    println!("- machine: {cpus} CPUs ({}), loopback only", cpu_model());
    println!(
        "- load: closed loop, {} keep-alive HTTP/1.1 connections, {} s warm-up + {} s measured per scenario",
        args.concurrency, args.warmup, args.duration
    );
    println!(
        "- server runtime: tokio multi-thread, {server_threads} workers; load generator: same process, own runtime with {client_threads} worker(s), sharing the same {cpus} CPUs"
    );
    println!("- fakecloud in-process: embedded fixture, real clock, no tracing subscriber (no logging cost)");
    println!();

    let mut rows: Vec<Row> = Vec::new();
    let mut notes: Vec<String> = Vec::new();

    if args.wants("ceiling") {
        let rt = runtime("server", server_threads);
        let addr = start_ceiling(&rt);
        let load = client.block_on(run_load(addr, get_request(addr, "/ping", &[]), 200, &args));
        rt.shutdown_timeout(Duration::from_secs(1));
        rows.push(Row::new("ceiling: axum fixed JSON (GET /ping)", load, Route::Ceiling, None));
    }
    if args.wants("ceiling-large") {
        let rt = runtime("server", server_threads);
        let addr = start_ceiling(&rt);
        let load = client.block_on(run_load(addr, get_request(addr, "/large", &[]), 200, &args));
        rt.shutdown_timeout(Duration::from_secs(1));
        rows.push(Row::new("ceiling-large: axum fixed 177,777-byte JSON (GET /large)", load, Route::CeilingLarge, None));
    }

    for (name, kind, catalog, route, target) in [
        ("token issue (POST /identity/v3/auth/tokens)", Kind::Issue, true, Route::Write, Some(ISSUE_TARGET)),
        ("token validation (GET /identity/v3/auth/tokens)", Kind::Validate, true, Route::Read, Some(VALIDATE_TARGET)),
        ("diagnostic: token issue ?nocatalog", Kind::Issue, false, Route::Diagnostic, None),
        ("diagnostic: token validation ?nocatalog", Kind::Validate, false, Route::Diagnostic, None),
    ] {
        let key = format!("{}{}", kind.key(), if catalog { "" } else { "-nocatalog" });
        if args.wants(&key) {
            rows.push(Row::new(name, fakecloud_load(&client, server_threads, kind, catalog, &args), route, target));
        }
    }

    for (name, total, route, target) in [
        ("diagnostic: servers detail ?limit=100, 1,000 servers", 1_000, Route::Diagnostic, None),
        ("servers detail ?limit=100, 10,000 servers", 10_000, Route::Read, Some(SERVERS_DETAIL_TARGET)),
    ] {
        if args.wants("servers") {
            rows.push(Row::new(name, servers_detail_load(&client, server_threads, total, &args), route, target));
        }
    }

    for (name, lbs, lookup, route, target) in [
        (
            "LB lookup ?name= (admin), 1,000 LBs, 3,000 members, 450 amphorae",
            BENCH_LBS,
            Lookup::OneName,
            Route::Read,
            Some(LB_NAME_LOOKUP_TARGET),
        ),
        ("diagnostic: LB lookup ?name=, 1,000 LBs, a different name each request", BENCH_LBS, Lookup::Rotating, Route::Diagnostic, None),
        ("diagnostic: LB lookup ?name=, default fixture (1 LB)", 0, Lookup::OneName, Route::Diagnostic, None),
        ("diagnostic: authenticated floor, GET lbaas/providers, 1,000 LBs", BENCH_LBS, Lookup::Providers, Route::Diagnostic, None),
    ] {
        if args.wants("lbs") {
            rows.push(Row::new(name, lb_lookup_load(&client, server_threads, lbs, lookup, &args), route, target));
        }
    }

    for (name, lbs, factor, route) in [
        ("member create (POST lbaas/pools/{id}/members), 1,000 LBs, round-robin", BENCH_LBS, MEMBER_CLOCK_FACTOR, Route::Write),
        ("diagnostic: member create, 100 LBs, round-robin", 100, MEMBER_CLOCK_FACTOR / 2.0, Route::Diagnostic),
    ] {
        if args.wants("members") {
            let run = member_create_load(&client, server_threads, lbs, factor, &args);
            notes.push(format!(
                "member create, {} LBs: round-robin over {} pools on clock scaled:{factor}; {} members created in the run, {} ACTIVE and {} of {} bench LBs ACTIVE once the last flows had finished; one World::settle on the final world: {:.2} ms",
                lbs,
                run.pools,
                run.created,
                run.active,
                run.lbs_active,
                run.pools,
                run.settle.as_secs_f64() * 1e3
            ));
            rows.push(Row::new(name, run.load, route, None));
        }
    }

    if !rows.is_empty() {
        let ceiling = rows.iter().find(|r| r.route == Route::Ceiling).map(|r| r.load.rate());
        let ceiling_large = rows.iter().find(|r| r.route == Route::CeilingLarge).map(|r| r.load.rate());
        println!("| scenario | requests | req/s | vs ceiling | p50 ms | p99 ms | errors | body bytes | target | result |");
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---|---|");
        for r in &rows {
            print_load_row(&r.name, &r.load, ceiling, r.target);
        }
        println!();
        for r in &rows {
            if let Some(e) = &r.load.first_error {
                println!("note: {}: {} errors, first: {e}", r.name, r.load.errors);
            }
        }
        for n in &notes {
            println!("note: {n}");
        }
        println!();
        print_summary(&rows, ceiling, ceiling_large);
    }

    if args.wants("memory") {
        let exe = locate_binary(&args);
        println!("| resident memory (VmRSS after the ready line) | fixture | MB | target | result |");
        println!("|---|---|---:|---|---|");
        let fixtures = [
            ("default", "default (hosts: 50 bench hosts), no extra servers", crowded_fixture(0), None),
            ("servers-10000", "the same + 10,000 servers", crowded_fixture(10_000), Some(RSS_TARGET_MB)),
            ("lbs-1000", "default + 1,000 LBs, 3,000 members, 450 amphorae", lbs_fixture(BENCH_LBS), None),
            (
                "servers-10000-lbs-1000",
                "both: 50 bench hosts + 10,000 servers, and 1,000 LBs as above",
                lbs_fixture_on(crowded_fixture(10_000), BENCH_LBS),
                Some(RSS_TARGET_MB),
            ),
        ];
        for (label, what, fixture, target) in fixtures {
            match resident_mb(&exe, label, &fixture) {
                Ok(mb) => {
                    let (target, result) = match target {
                        Some(t) => (format!("<= {t:.0} MB"), verdict(mb <= t)),
                        None => ("-".to_string(), "-"),
                    };
                    println!("| fakecloud serve | {what} | {mb:.1} | {target} | {result} |");
                }
                Err(e) => println!("| fakecloud serve | {what} | FAILED: {e} | | |"),
            }
        }
        println!();
    }

    if args.wants("cold") {
        let exe = locate_binary(&args);
        if !exe.exists() {
            println!(
                "cold start: SKIPPED, {} not found; build it with `cargo build --release -p fakecloud --bin fakecloud` or set FAKECLOUD_BIN",
                exe.display()
            );
        } else {
            let (samples, failures) = client.block_on(async {
                // One untimed start first, so the binary is in the page cache.
                let _ = cold_start_once(&exe).await;
                let mut samples = Vec::new();
                let mut failures = Vec::new();
                for _ in 0..args.cold_runs {
                    match cold_start_once(&exe).await {
                        Ok(s) => samples.push(s),
                        Err(e) => failures.push(e),
                    }
                }
                (samples, failures)
            });
            println!("cold start: `{} serve --listen 127.0.0.1:0`, {} timed runs after one untimed", exe.display(), args.cold_runs);
            println!();
            println!("| cold start | runs | min ms | median ms | max ms | target | result |");
            println!("|---|---:|---:|---:|---:|---|---|");
            let row = |name: &str, mut ms: Vec<f64>, judged: bool| {
                if ms.is_empty() {
                    println!("| {name} | 0 | - | - | - | - | - |");
                    return;
                }
                ms.sort_by(f64::total_cmp);
                let med = median(&ms);
                let (target, result) = if judged {
                    (format!("median <= {COLD_START_TARGET_MS:.0} ms"), verdict(med <= COLD_START_TARGET_MS))
                } else {
                    ("-".into(), "-")
                };
                println!("| {name} | {} | {:.1} | {med:.1} | {:.1} | {target} | {result} |", ms.len(), ms[0], ms[ms.len() - 1]);
            };
            row("spawn -> ready line", samples.iter().map(|s| s.ready.as_secs_f64() * 1e3).collect(), false);
            row("spawn -> first 201 (token issued)", samples.iter().map(|s| s.first_201.as_secs_f64() * 1e3).collect(), true);
            if let Some(e) = failures.first() {
                println!();
                println!("note: {} cold start(s) failed, first: {e}", failures.len());
            }
        }
    }
    println!();
    println!("benchmark wall time: {:.1} s", began.elapsed().as_secs_f64());
}
