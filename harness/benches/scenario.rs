//! One incident scenario played end to end in process, many times: `cargo bench -p harness --bench
//! scenario`. It prints the median and p90 of the scenario's wall time against the target (median
//! under 50 ms), with PASS or MISS; nothing here asserts on time.
//!
//! The scenario is the first of features/octavia-incidents.feature, "With amphorav2 the load
//! balancer is ACTIVE again before the new member is" (incident C1). Its steps, played as the
//! harness plays them but with no external process:
//!
//! 1. `Given a cloud from the default fixture`: the embedded fixture is parsed and a cloud started on
//!    an ephemeral loopback port, manual clock, seed 0 (what `harness::world::CloudWorld::start_cloud`
//!    does).
//! 2. `When the fault is injected: member-lag 30 s on pools k8s-*`: `World::add_fault`, as the step.
//! 3. `And "admin" runs "openstack loadbalancer member create ..."` / `Then it succeeds`: the requests
//!    the real CLI sends for that command, on one new keep-alive connection, in its order (taken
//!    from the journal of a run of the real `openstack` 10.5.0 against fakecloud): `GET /identity`
//!    (version discovery), `POST /identity/v3/auth/tokens`, `GET .../lbaas/pools?name=`, then
//!    `POST .../lbaas/pools/{id}/members` with the CLI's body; a 201 is "it succeeds".
//! 4. `When the clock advances by "5s"`: `World::advance_clock`, as the step.
//! 5. `"admin" runs "openstack loadbalancer show ... -c provisioning_status"` / `stdout contains
//!    "ACTIVE"`: discovery, token, `GET .../loadbalancers?name=`, `GET .../loadbalancers/{id}`; the
//!    check reads `provisioning_status` from the last reply.
//! 6. `"admin" runs "openstack loadbalancer member show ..."` / `stdout contains "PENDING_CREATE"`:
//!    discovery, token, `GET .../pools?name=` twice (the CLI resolves the pool twice),
//!    `GET .../pools/{id}/members?name=`, `GET .../members/{id}`.
//! 7. `When the clock advances by "30s"`, then step 6 again, expecting `ACTIVE`.
//! 8. The cloud is stopped and dropped, as at the end of a scenario.
//!
//! That is 20 HTTP requests over 4 connections, as the real CLI makes them. Each step's check is
//! asserted, so a run whose scenario would fail stops with a panic rather than a figure. The time
//! is measured from step 1 to step 8; the per-step medians are printed as well.
//!
//! The requests go over loopback to the in-process server (no `tower::ServiceExt::oneshot`: the
//! harness crate depends on neither tower nor axum), through the same pipeline, auth and handlers
//! the real CLI reaches. What is left out is only the CLI itself: Python start-up, its imports and
//! its output formatting (about 0.6 to 0.9 s of CPU per command on the 2-core bench machine, see
//! docs/benchmarks.md).
//!
//! Flags after `--`: `--runs N` (timed runs, default 200; 5 without cargo's `--bench` flag, a smoke
//! run), `--warmup N` (untimed runs first, default 10).

use fakecloud::faults::FaultRequest;
use fakecloud::sim::ClockMode;
use fakecloud::{CloudConfig, Fixture};
use serde_json::Value;
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TARGET_MEDIAN_MS: f64 = 50.0;
const POOL: &str = "k8s-clusterapi-cluster-default-kube-kubeapi-6443";
const LB: &str = "k8s-clusterapi-cluster-default-kube-kubeapi";
const MEMBER: &str = "k8s-clusterapi-cluster-default-kube-kubeapi-6443-kube-cp-3";
const LBAAS: &str = "/load-balancer/v2.0/lbaas";
/// keystoneauth's password request for the admin, scoped to its project, as the CLI sends it.
const AUTH_BODY: &str = r#"{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"name": "Default"}, "password": "admin-secret"}}}, "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}}"#;

struct Args {
    runs: usize,
    warmup: usize,
}

fn parse_args() -> Args {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let bench = argv.iter().any(|a| a == "--bench");
    let value = |flag: &str| argv.iter().position(|a| a == flag).and_then(|i| argv.get(i + 1)).and_then(|v| v.parse::<usize>().ok());
    Args {
        runs: value("--runs").unwrap_or(if bench { 200 } else { 5 }).max(1),
        warmup: value("--warmup").unwrap_or(if bench { 10 } else { 1 }),
    }
}

// ---------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 client: the requests one CLI command makes, on one keep-alive connection.

struct Reply {
    status: u16,
    subject_token: Option<String>,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("a JSON reply ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

struct Conn {
    addr: SocketAddr,
    stream: TcpStream,
    buf: Vec<u8>,
    token: Option<String>,
}

impl Conn {
    async fn open(addr: SocketAddr) -> io::Result<Conn> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Conn { addr, stream, buf: Vec::with_capacity(16 * 1024), token: None })
    }

    async fn send(&mut self, method: &str, path: &str, body: Option<&str>) -> io::Result<Reply> {
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAccept: application/json\r\nUser-Agent: fakecloud-scenario-bench\r\n",
            self.addr
        );
        if let Some(t) = &self.token {
            req.push_str(&format!("X-Auth-Token: {t}\r\n"));
        }
        match body {
            Some(b) => req.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{b}", b.len())),
            None => req.push_str("\r\n"),
        }
        self.stream.write_all(req.as_bytes()).await?;
        self.read_reply().await
    }

    async fn fill(&mut self) -> io::Result<()> {
        self.buf.reserve(16 * 1024);
        if self.stream.read_buf(&mut self.buf).await? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed by the server"));
        }
        Ok(())
    }

    async fn read_reply(&mut self) -> io::Result<Reply> {
        self.buf.clear();
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            self.fill().await?;
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).ok_or_else(|| bad("status line"))?;
        let (mut length, mut chunked, mut subject_token) = (0usize, false, None);
        for line in lines {
            let Some((name, value)) = line.split_once(':') else { continue };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse().map_err(|_| bad("content-length"))?;
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.eq_ignore_ascii_case("chunked");
            } else if name.eq_ignore_ascii_case("x-subject-token") {
                subject_token = Some(value.to_string());
            }
        }
        let body = if chunked { self.read_chunked(head_end).await? } else { self.read_exact_body(head_end, length).await? };
        Ok(Reply { status, subject_token, body })
    }

    async fn read_exact_body(&mut self, start: usize, len: usize) -> io::Result<Vec<u8>> {
        while self.buf.len() < start + len {
            self.fill().await?;
        }
        Ok(self.buf[start..start + len].to_vec())
    }

    async fn read_chunked(&mut self, mut pos: usize) -> io::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line_end = loop {
                if let Some(i) = find(&self.buf[pos..], b"\r\n") {
                    break pos + i;
                }
                self.fill().await?;
            };
            let size_text = String::from_utf8_lossy(&self.buf[pos..line_end]).into_owned();
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16).map_err(|_| bad("chunk size"))?;
            pos = line_end + 2;
            while self.buf.len() < pos + size + 2 {
                self.fill().await?;
            }
            if size == 0 {
                return Ok(body);
            }
            body.extend_from_slice(&self.buf[pos..pos + size]);
            pos += size + 2;
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn bad(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("bad {what} in a reply"))
}

fn expect(r: &Reply, status: u16, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", String::from_utf8_lossy(&r.body));
}

// ---------------------------------------------------------------------------------------------
// The scenario.

/// What every `openstack` command starts with: version discovery at the unversioned auth URL, then
/// a password token (keystoneauth, with `OS_AUTH_URL` as `fakecloud env` prints it).
async fn cli_login(addr: SocketAddr) -> io::Result<Conn> {
    let mut c = Conn::open(addr).await?;
    let r = c.send("GET", "/identity", None).await?;
    expect(&r, 300, "version discovery");
    let r = c.send("POST", "/identity/v3/auth/tokens", Some(AUTH_BODY)).await?;
    expect(&r, 201, "token issue");
    c.token = Some(r.subject_token.expect("X-Subject-Token on a 201"));
    Ok(c)
}

/// `GET <list>?name=<name>`: the one id the CLI resolves a name to.
async fn id_by_name(c: &mut Conn, list: &str, plural: &str, name: &str) -> io::Result<String> {
    let r = c.send("GET", &format!("{list}?name={name}"), None).await?;
    expect(&r, 200, "a lookup by name");
    let v = r.json();
    let found = v[plural].as_array().filter(|a| a.len() == 1).unwrap_or_else(|| panic!("one {plural} named {name}: {v}"));
    Ok(found[0]["id"].as_str().expect("an id").to_string())
}

/// `openstack loadbalancer member show POOL MEMBER -f value -c provisioning_status`.
async fn member_status(addr: SocketAddr) -> io::Result<String> {
    let mut c = cli_login(addr).await?;
    let pools = format!("{LBAAS}/pools");
    let _ = id_by_name(&mut c, &pools, "pools", POOL).await?;
    let pool = id_by_name(&mut c, &pools, "pools", POOL).await?;
    let members = format!("{LBAAS}/pools/{pool}/members");
    let member = id_by_name(&mut c, &members, "members", MEMBER).await?;
    let r = c.send("GET", &format!("{members}/{member}"), None).await?;
    expect(&r, 200, "member show");
    Ok(r.json()["member"]["provisioning_status"].as_str().expect("a status").to_string())
}

/// Times of the scenario's steps, in order, and of the whole.
const STEPS: [&str; 8] = [
    "start the cloud (default fixture)",
    "inject member-lag",
    "member create (4 requests)",
    "advance 5s",
    "loadbalancer show (4 requests)",
    "member show (6 requests)",
    "advance 30s, member show (6 requests)",
    "stop the cloud",
];

async fn play_once() -> io::Result<[Duration; STEPS.len()]> {
    let mut times = [Duration::ZERO; STEPS.len()];
    let mut mark = Instant::now();
    let mut lap = |i: usize| {
        let now = Instant::now();
        times[i] = now - mark;
        mark = now;
    };

    let fixture = Fixture::default_cloud();
    let config = CloudConfig { fixture, seed: 0, clock: ClockMode::Manual, start: None, public_url: None, ..Default::default() };
    let cloud = fakecloud::start(config, "127.0.0.1:0".parse().expect("an address")).await.expect("the cloud starts");
    let addr = cloud.addr;
    lap(0);

    let fault = serde_json::json!({"kind": "member-lag", "seconds": 30, "match": {"pool": "k8s-*"}});
    cloud.cloud.world().add_fault(FaultRequest::from_json(fault).expect("a valid fault")).expect("the fault applies");
    lap(1);

    {
        let mut c = cli_login(addr).await?;
        let pool = id_by_name(&mut c, &format!("{LBAAS}/pools"), "pools", POOL).await?;
        let body = format!(r#"{{"member": {{"name": "{MEMBER}", "address": "10.6.0.60", "protocol_port": 6443}}}}"#);
        let r = c.send("POST", &format!("{LBAAS}/pools/{pool}/members"), Some(&body)).await?;
        expect(&r, 201, "member create");
    }
    lap(2);

    cloud.cloud.world().advance_clock(fakecloud::sim::time::parse_duration("5s").expect("a duration"));
    lap(3);

    {
        let mut c = cli_login(addr).await?;
        let lb = id_by_name(&mut c, &format!("{LBAAS}/loadbalancers"), "loadbalancers", LB).await?;
        let r = c.send("GET", &format!("{LBAAS}/loadbalancers/{lb}"), None).await?;
        expect(&r, 200, "loadbalancer show");
        let status = r.json()["loadbalancer"]["provisioning_status"].as_str().unwrap_or_default().to_string();
        assert_eq!(status, "ACTIVE", "the load balancer is ACTIVE again 5 s after the create");
    }
    lap(4);

    assert_eq!(member_status(addr).await?, "PENDING_CREATE", "the member lags behind its load balancer");
    lap(5);

    cloud.cloud.world().advance_clock(fakecloud::sim::time::parse_duration("30s").expect("a duration"));
    assert_eq!(member_status(addr).await?, "ACTIVE", "the member is ACTIVE once its lag has passed");
    lap(6);

    cloud.stop().await;
    lap(7);
    Ok(times)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let args = parse_args();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    let began = Instant::now();
    let mut totals = Vec::with_capacity(args.runs);
    let mut steps: Vec<Vec<f64>> = vec![Vec::with_capacity(args.runs); STEPS.len()];
    rt.block_on(async {
        for _ in 0..args.warmup {
            play_once().await.expect("the scenario plays");
        }
        for _ in 0..args.runs {
            let t0 = Instant::now();
            let times = play_once().await.expect("the scenario plays");
            totals.push(t0.elapsed().as_secs_f64() * 1e3);
            for (i, t) in times.iter().enumerate() {
                steps[i].push(t.as_secs_f64() * 1e3);
            }
        }
    });
    totals.sort_by(f64::total_cmp);
    for s in &mut steps {
        s.sort_by(f64::total_cmp);
    }
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("# In-process scenario: octavia-incidents.feature, incident C1 (member-lag), first scenario");
    println!();
    println!(
        "- {} timed runs after {} untimed; {cpus} CPUs; tokio multi-thread runtime; 20 HTTP requests over loopback per run",
        args.runs, args.warmup
    );
    if !std::env::args().any(|a| a == "--bench") {
        println!("- smoke run (no --bench flag, so not started by `cargo bench`): figures are not meaningful");
    }
    println!();
    println!("| step | median ms | p90 ms |");
    println!("|---|---:|---:|");
    for (name, s) in STEPS.iter().zip(&steps) {
        println!("| {name} | {:.3} | {:.3} |", percentile(s, 0.5), percentile(s, 0.9));
    }
    println!();
    let median = percentile(&totals, 0.5);
    println!("| scenario, start to stop | runs | min ms | median ms | p90 ms | max ms | target | result |");
    println!("|---|---:|---:|---:|---:|---:|---|---|");
    println!(
        "| C1 member-lag, in process | {} | {:.2} | {median:.2} | {:.2} | {:.2} | median < {TARGET_MEDIAN_MS:.0} ms | {} |",
        totals.len(),
        totals[0],
        percentile(&totals, 0.9),
        totals[totals.len() - 1],
        if median < TARGET_MEDIAN_MS { "PASS" } else { "MISS" }
    );
    println!();
    println!("bench wall time: {:.1} s", began.elapsed().as_secs_f64());
}
