//! `fakecloud ctl`: the control API for people at a terminal. Each subcommand is one HTTP call.

use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;
use reqwest::blocking::{Client, RequestBuilder};
use reqwest::Method;
use serde_json::{json, Value};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum Ctl {
    /// Is the cloud up; its simulated time, clock mode and seed.
    Health,
    /// The CAPI management plane Magnum's health comes from, and its objects' conditions.
    Capi,
    /// A load balancer's availability record: when it had a serving member, the total and
    /// longest time without one, and an outage still open now.
    Availability {
        /// The load balancer's id, or a name only one load balancer has.
        loadbalancer: String,
    },
    /// Return the world to its fixture.
    Reset,
    /// Show the clock, move it forward, or change its mode.
    Clock {
        #[command(subcommand)]
        action: Option<ClockAction>,
    },
    /// List, add or remove faults.
    Faults {
        #[command(subcommand)]
        action: Option<FaultAction>,
    },
    /// Print journal entries (API calls, transitions, faults, control actions).
    Journal {
        /// api, transition, fault or control.
        #[arg(long)]
        kind: Option<String>,
        /// RFC 3339 simulated time.
        #[arg(long)]
        since: Option<String>,
        #[arg(long)]
        until: Option<String>,
        /// Only entries of this service (identity, compute, ...).
        #[arg(long)]
        service: Option<String>,
        /// Show request bodies whole, passwords and token ids included (redacted otherwise).
        #[arg(long)]
        secrets: bool,
    },
    /// Write the whole world as JSON (to stdout or a file).
    Snapshot {
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Keep the secrets (passwords, token ids, credential secrets) that are otherwise
        /// redacted; a snapshot to restore needs them.
        #[arg(long)]
        secrets: bool,
    },
    /// Replace the world with a snapshot file.
    Restore { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum ClockAction {
    /// Move simulated time forward: seconds or a duration such as 90s, 5m, 1h.
    Advance { by: String },
    /// real, manual or scaled:FACTOR (one simulated second lasts FACTOR real seconds).
    Mode { mode: String },
}

#[derive(Debug, Subcommand)]
pub enum FaultAction {
    List,
    /// Add a fault from JSON, e.g. '{"kind":"api-error","status":503,"match":{"service":"compute"},"count":1}'.
    Add {
        json: String,
    },
    Remove {
        id: String,
    },
}

pub fn run(url: &str, token: Option<&str>, cmd: Ctl) -> Result<()> {
    let base = format!("{}/_fakecloud", url.trim_end_matches('/'));
    let client = control_client(token)?;
    let call = |method: Method, path: &str| client.request(method, format!("{base}{path}"));
    let out = match cmd {
        Ctl::Health => send(call(Method::GET, "/health"))?,
        Ctl::Capi => send(call(Method::GET, "/capi"))?,
        Ctl::Availability { loadbalancer } => {
            let mut url = reqwest::Url::parse(&base).context("the fakecloud URL")?;
            url.path_segments_mut().map_err(|_| anyhow!("the fakecloud URL cannot take a path"))?.extend([
                "loadbalancers",
                &loadbalancer,
                "availability",
            ]);
            send(client.get(url))?
        }
        Ctl::Reset => send(call(Method::POST, "/reset"))?,
        Ctl::Clock { action: None } => send(call(Method::GET, "/clock"))?,
        Ctl::Clock { action: Some(ClockAction::Advance { by }) } => send(call(Method::POST, "/clock/advance").json(&json!({"by": by})))?,
        Ctl::Clock { action: Some(ClockAction::Mode { mode }) } => send(call(Method::PUT, "/clock").json(&json!({"mode": mode})))?,
        Ctl::Faults { action: None | Some(FaultAction::List) } => send(call(Method::GET, "/faults"))?,
        Ctl::Faults { action: Some(FaultAction::Add { json }) } => {
            let body: Value = serde_json::from_str(&json).context("the fault must be a JSON object")?;
            send(call(Method::POST, "/faults").json(&body))?
        }
        Ctl::Faults { action: Some(FaultAction::Remove { id }) } => send(call(Method::DELETE, &format!("/faults/{id}")))?,
        Ctl::Journal { kind, since, until, service, secrets } => {
            let secrets = secrets.then(|| "include".to_string());
            let q: Vec<(&str, String)> = [("kind", kind), ("since", since), ("until", until), ("service", service), ("secrets", secrets)]
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v)))
                .collect();
            send(call(Method::GET, "/journal").query(&q))?
        }
        Ctl::Snapshot { output: Some(path), secrets } => {
            // The bytes as served, written atomically: a failed or interrupted run never leaves a
            // partial snapshot, and an existing file stays as it was unless the new one is complete.
            let resp = call(Method::GET, "/snapshot")
                .query(&snapshot_query(secrets))
                .send()
                .map_err(|e| anyhow!("cannot reach fakecloud: {e}"))?;
            let status = resp.status();
            if !status.is_success() {
                bail!("{status}: {}", resp.text().unwrap_or_default());
            }
            let bytes = resp.bytes().map_err(|e| anyhow!("cannot read the snapshot: {e}"))?;
            crate::files::write_atomically(&path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
            return Ok(());
        }
        Ctl::Snapshot { output: None, secrets } => send(call(Method::GET, "/snapshot").query(&snapshot_query(secrets)))?,
        Ctl::Restore { file } => {
            let body = crate::files::read_limited(&file, crate::control::api::MAX_SNAPSHOT_BYTES)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let resp = call(Method::POST, "/restore")
                .header("content-type", "application/json")
                .body(body)
                .send()
                .map_err(|e| anyhow!("cannot reach fakecloud: {e}"))?;
            let status = resp.status();
            if !status.is_success() {
                // The server checks a snapshot whole before it replaces anything.
                let text = resp.text().unwrap_or_default();
                let message = serde_json::from_str::<Value>(&text)
                    .ok()
                    .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
                    .unwrap_or(text);
                bail!("cannot restore {}: {status}: {message}; the running world is unchanged", file.display());
            }
            String::new()
        }
    };
    if !out.is_empty() {
        println!("{out}");
    }
    Ok(())
}

fn snapshot_query(secrets: bool) -> Vec<(&'static str, &'static str)> {
    if secrets {
        vec![("secrets", "include")]
    } else {
        vec![]
    }
}

/// A client that sends the control token (`serve --control-token`) with every call, when there is one.
pub fn control_client(token: Option<&str>) -> Result<Client> {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(t) = token.filter(|t| !t.is_empty()) {
        let mut value =
            reqwest::header::HeaderValue::from_str(&format!("Bearer {t}")).context("the control token must be printable ASCII")?;
        value.set_sensitive(true);
        headers.insert(reqwest::header::AUTHORIZATION, value);
    }
    Client::builder().default_headers(headers).build().context("an HTTP client")
}

/// Sends a request; pretty-prints a JSON answer, turns an error status into an error.
fn send(req: RequestBuilder) -> Result<String> {
    let resp = req.send().map_err(|e| anyhow!("cannot reach fakecloud: {e}"))?;
    let status = resp.status();
    let text = resp.text()?;
    let pretty = serde_json::from_str::<Value>(&text).ok().and_then(|v| serde_json::to_string_pretty(&v).ok()).unwrap_or(text);
    if !status.is_success() {
        bail!("{status}: {pretty}");
    }
    Ok(pretty)
}
