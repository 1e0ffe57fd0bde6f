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
//! Member create: `POST /load-balancer/v2/lbaas/pools/{id}/members` round-robin over the
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
//!
//! The modules, by job: `client` (the hand-written HTTP/1.1 client), `load` (the load generator),
//! `fixtures` (the crowded clouds), `scenarios` (the ceiling and the in-process routes), `process`
//! (the spawned binary: memory and cold start), `report` (tables and verdicts).

mod client;
mod fixtures;
mod load;
mod process;
mod report;
mod scale;
mod scenarios;

use clap::Parser;
use client::get_request;
use fixtures::{crowded_fixture, lbs_fixture, lbs_fixture_on, BENCH_LBS};
use load::run_load;
use process::{cold_start_once, locate_binary, resident_mb};
use report::{cpu_model, median, print_load_row, print_summary, verdict, Route, Row, READ_RATIO_TARGET};
use scenarios::{fakecloud_load, lb_lookup_load, member_create_load, runtime, servers_detail_load, start_ceiling, Kind, Lookup};
use std::path::PathBuf;
use std::time::{Duration, Instant};

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
const BOOT_TARGET_MS: f64 = 500.0;
/// A write on the large cloud must make at least this share of its rate on the small one.
const SCALE_WRITE_RATIO_TARGET: f64 = 1.0 / 1.5;
/// The member-create scenario's clock: one simulated second lasts this many real seconds, so a
/// member's flow (3 simulated seconds on an amphora LB) finishes in 30 ms of real time, well before
/// the round-robin comes back to its pool (1,000 creates later). Not much faster: a run of a few
/// real seconds must stay inside the admin token's simulated lifetime (one hour), and the health
/// manager's 10 s cycle runs that much more often in real time.
const MEMBER_CLOCK_FACTOR: f64 = 0.01;

#[derive(Parser, Debug, Clone)]
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
    /// Measured seconds per route in the list-route walk [default: 0.5].
    #[arg(long = "walk-duration", env = "BENCH_WALK_DURATION", value_name = "SECONDS")]
    walk_duration: Option<f64>,
    /// Walk only the list routes whose path contains this.
    #[arg(long = "walk-only", env = "BENCH_WALK_ONLY", value_name = "TEXT")]
    walk_only: Option<String>,
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

    /// The short windows of the list-route walk (each route and each size-matched ceiling).
    fn walk(&self) -> Args {
        let smoke = !self.bench;
        let duration = self.walk_duration.unwrap_or(if smoke { 0.05 } else { 0.5 }).max(0.01);
        // The whole warm-up: a kept reply is rendered once per change, and a listing of thousands of
        // items rendered by every connection at once takes longer than a short warm-up.
        Args { duration, ..self.clone() }
    }

    fn wants(&self, scenario: &str) -> bool {
        self.filter.as_deref().is_none_or(|f| scenario.contains(f))
    }
}

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
    // (what, req/s) of the writes compared small against large cloud in the scale summary.
    let mut scale_rates: Vec<(String, f64)> = Vec::new();

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
        ("member create, 100 LBs, round-robin", 100, MEMBER_CLOCK_FACTOR / 2.0, Route::Write),
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
            scale_rates.push((format!("member create, {lbs} LBs"), run.load.rate()));
            rows.push(Row::new(name, run.load, route, None));
        }
    }

    // Writes on a scaled clock, small cloud against large: the cost of a write must follow what it
    // changes, not the size of the cloud.
    for (name, servers, route) in [
        ("server create (POST /servers, networks none), default cloud on 50 bench hosts", 0, Route::Write),
        ("diagnostic: server create, 1,000 servers", 1_000, Route::Diagnostic),
        ("server create, 10,000 servers", 10_000, Route::Write),
    ] {
        if args.wants("create") {
            let load = scale::server_create_load(&client, server_threads, servers, MEMBER_CLOCK_FACTOR, &args);
            scale_rates.push((format!("server create, {servers} servers"), load.rate()));
            rows.push(Row::new(name, load, route, None));
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

    if !scale_rates.is_empty() {
        print_scale_summary(&scale_rates);
    }

    if args.wants("advance") {
        println!("| clock advance, 1 s with a server build pending (manual clock), median of 21 | ms |");
        println!("|---|---:|");
        for servers in [0, 1_000, 10_000] {
            let cost = scale::clock_advance_cost(&client, servers);
            println!("| {servers} servers on 50 bench hosts | {:.3} |", cost.as_secs_f64() * 1e3);
        }
        println!();
    }

    if args.wants("boot") {
        println!("| boot and reset (median of 3) | boot ms | reset ms | target | result |");
        println!("|---|---:|---:|---|---|");
        for (what, fixture, judged) in [
            ("default cloud on 50 bench hosts", crowded_fixture(0), false),
            ("10,000 servers", crowded_fixture(10_000), true),
            ("10,000 servers and 1,000 LBs", lbs_fixture_on(crowded_fixture(10_000), BENCH_LBS), false),
        ] {
            let (boot, reset) = scale::boot_and_reset(fixture);
            let (b, r) = (boot.as_secs_f64() * 1e3, reset.as_secs_f64() * 1e3);
            let (target, result) = if judged {
                (format!("< {BOOT_TARGET_MS:.0} ms each"), verdict(b < BOOT_TARGET_MS && r < BOOT_TARGET_MS))
            } else {
                ("-".to_string(), "-")
            };
            println!("| {what} | {b:.1} | {r:.1} | {target} | {result} |");
        }
        println!();
    }

    if args.wants("walk") {
        let walk = args.walk();
        let (rows, skipped) = scale::list_routes_walk(&client, server_threads, 10_000, BENCH_LBS, &walk);
        println!(
            "Every GET route without a path parameter, as admin, on 10,000 servers and 1,000 LBs ({} s warm-up + {} s each), against the axum ceiling serving a body of the same power-of-two size class",
            walk.warmup, walk.duration
        );
        println!();
        println!("| route | req/s | body bytes | same-size ceiling req/s | ratio | target | result |");
        println!("|---|---:|---:|---:|---:|---|---|");
        let mut misses = 0;
        for r in &rows {
            let ratio = r.load.rate() / r.ceiling;
            let ok = ratio >= READ_RATIO_TARGET && r.load.errors == 0;
            misses += usize::from(!ok);
            println!(
                "| `{}` | {:.0} | {} | {:.0} | {ratio:.2} | >= {READ_RATIO_TARGET:.2} | {} |",
                r.path,
                r.load.rate(),
                r.load.body_len,
                r.ceiling,
                verdict(ok)
            );
        }
        println!();
        println!("list routes: {} measured, {} below {READ_RATIO_TARGET:.2} of their ceiling", rows.len(), misses);
        for (path, status) in &skipped {
            println!("not measured (a bare GET answers {status}): `{path}`");
        }
        println!();
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

/// Each write on the large cloud against the same write on the small one, from the same run.
fn print_scale_summary(rates: &[(String, f64)]) {
    let rate = |what: &str| rates.iter().find(|(w, _)| w == what).map(|(_, r)| *r);
    println!("| write at scale | small cloud req/s | large cloud req/s | large / small | target | result |");
    println!("|---|---:|---:|---:|---|---|");
    for (what, small, large) in [
        ("server create", "server create, 0 servers", "server create, 10000 servers"),
        ("member create", "member create, 100 LBs", "member create, 1000 LBs"),
    ] {
        if let (Some(s), Some(l)) = (rate(small), rate(large)) {
            let ratio = l / s;
            println!(
                "| {what}: {large} vs {small} | {s:.0} | {l:.0} | {ratio:.2} | >= {SCALE_WRITE_RATIO_TARGET:.2} | {} |",
                verdict(ratio >= SCALE_WRITE_RATIO_TARGET)
            );
        }
    }
    println!();
}
