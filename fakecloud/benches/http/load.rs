//! The closed-loop load generator: N connections (HTTP/1.1 keep-alive), each sending its next
//! request as soon as the previous response is read, for a warm-up and then a measured window.

use crate::client::{Conn, REQUEST_TIMEOUT};
use crate::Args;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Load {
    /// Requests answered with the expected status inside the measured window.
    pub ok: u64,
    /// Wrong status, I/O errors and timeouts inside the measured window.
    pub errors: u64,
    pub first_error: Option<String>,
    pub window: Duration,
    /// Latencies of the `ok` requests, sorted, in nanoseconds.
    pub latencies: Vec<u64>,
    pub body_len: usize,
}

impl Load {
    pub fn rate(&self) -> f64 {
        self.ok as f64 / self.window.as_secs_f64()
    }

    pub fn percentile_ms(&self, p: usize) -> f64 {
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
pub enum Requests {
    Fixed(Arc<Vec<u8>>),
    Numbered { make: Arc<dyn Fn(u64) -> Vec<u8> + Send + Sync>, next: Arc<AtomicU64> },
}

impl Requests {
    pub fn numbered(make: impl Fn(u64) -> Vec<u8> + Send + Sync + 'static) -> Requests {
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

pub async fn run_load(addr: SocketAddr, req: Vec<u8>, expect: u16, args: &Args) -> Load {
    run_load_from(addr, Requests::Fixed(Arc::new(req)), expect, args).await
}

pub async fn run_load_from(addr: SocketAddr, reqs: Requests, expect: u16, args: &Args) -> Load {
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
