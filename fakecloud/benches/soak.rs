//! Soak: the `fakecloud` binary as `serve` runs it (default journal limit), driven by 1,000,000
//! mixed requests from 16 clients: token issues (writes, journaled with their bodies), server,
//! flavor, network and image lists, and a ten-minute clock advance every 10,000 requests so
//! tokens expire as in a long-lived cloud. Prints the server's resident memory (VmRSS) every
//! 100,000 requests: it should level off once the journal reaches its limit, since an issued
//! token is sealed, not stored. `cargo bench -p fakecloud --bench soak` (SOAK_REQUESTS overrides the count);
//! figures in docs/benchmarks.md.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

const CLIENTS: u64 = 16;

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok()).unwrap_or(0)
}

fn main() {
    let total: u64 = std::env::var("SOAK_REQUESTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let mut child = Command::new(env!("CARGO_BIN_EXE_fakecloud"))
        .args(["serve", "--listen", "127.0.0.1:0", "--clock", "manual"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start fakecloud");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let base = line.trim().trim_start_matches("fakecloud ready: auth_url=").trim_end_matches("/identity/v3").to_string();
    let pid = child.id();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    println!("requests  rss_MiB  seconds");
    println!("{:>8}  {:>7.1}  {:>7.1}", 0, rss_kib(pid) as f64 / 1024.0, 0.0);
    rt.block_on(async {
        let http = reqwest::Client::new();
        let auth = serde_json::json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin",
            "domain": {"name": "Default"}, "password": "admin-secret"}}}, "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}});
        let issue = |http: reqwest::Client, base: String, auth: serde_json::Value| async move {
            let r = http.post(format!("{base}/identity/v3/auth/tokens")).json(&auth).send().await.unwrap();
            r.headers()["x-subject-token"].to_str().unwrap().to_string()
        };
        let mut tasks = Vec::new();
        for client in 0..CLIENTS {
            let (http, base, auth, done) = (http.clone(), base.clone(), auth.clone(), done.clone());
            tasks.push(tokio::spawn(async move {
                let mut token = issue(http.clone(), base.clone(), auth.clone()).await;
                let mut i = client;
                while i < total {
                    let path = match i % 10 {
                        0 => {
                            token = issue(http.clone(), base.clone(), auth.clone()).await;
                            None
                        }
                        1..=3 => Some("/compute/v2.1/servers/detail"),
                        4 | 5 => Some("/compute/v2.1/flavors/detail"),
                        6 | 7 => Some("/network/v2.0/networks"),
                        _ => Some("/image/v2/images"),
                    };
                    if let Some(p) = path {
                        let _ = http.get(format!("{base}{p}")).header("x-auth-token", &token).send().await.and_then(|r| r.error_for_status());
                    }
                    if i % 10_000 == 0 {
                        let _ = http.post(format!("{base}/_fakecloud/clock/advance")).json(&serde_json::json!({"by": "10m"})).send().await;
                    }
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if n % 100_000 == 0 {
                        println!("{n:>8}  {:>7.1}  {:>7.1}", rss_kib(pid) as f64 / 1024.0, started.elapsed().as_secs_f64());
                    }
                    i += CLIENTS;
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
    });
    let _ = child.kill();
    let _ = child.wait();
}
