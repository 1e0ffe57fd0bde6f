//! The control API over HTTP. Its errors use fakecloud's own `{"error":{"status","message"}}`.

use crate::cloud::AppState;
use crate::control::redact;
use crate::faults::FaultRequest;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, Params};
use crate::http::pipeline::MutationGate;
use crate::http::routes::{delete, get, post, Routes};
use crate::http::service::Service;
use crate::sim::journal::JournalFilter;
use crate::sim::time::{parse_duration, rfc3339};
use crate::sim::{ClockMode, SimTime};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

const SVC: Service = crate::control::SERVICE;
type ApiResult = Result<Response, ApiError>;

pub fn router() -> Routes {
    Routes::new()
        .route("/health", get(health))
        .route("/reset", post(reset))
        .route("/clock", get(clock).put(set_clock))
        .route("/clock/advance", post(advance_clock))
        .route("/faults", get(list_faults).post(add_fault))
        .route("/faults/{id}", delete(remove_fault))
        .route("/journal", get(journal))
        .route("/logs/{component}", get(service_log))
        .route("/capi", get(capi))
        .route("/loadbalancers/{id}/availability", get(lb_availability))
        .route("/shell", post(shell))
        .route("/snapshot", get(snapshot))
        .route("/restore", post(restore))
        .map_router(|r| r.layer(axum::middleware::from_fn(crate::control::access::guard)))
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(SVC, message)
}

async fn health(State(s): State<AppState>) -> Json<Value> {
    let w = s.world();
    Json(json!({"status": "ok", "now": rfc3339(w.now()), "clock": w.sim.clock.mode().to_string(), "seed": w.seed}))
}

/// The Cluster API management plane and its objects (what `kubectl get cluster,openstackcluster,
/// kubeadmcontrolplane,machinedeployments,machines -A -o json` would show, when it answers).
async fn capi(State(s): State<AppState>) -> Json<Value> {
    Json(crate::container_infra::views::management(&s.world()))
}

/// A load balancer's availability record: when it was serving (an amphora running, for the
/// amphora providers, and at least one serving member: provisioning ACTIVE, operating ONLINE or
/// NO_MONITOR, backend up), the total and longest time without, and the outage still open now.
/// The load balancer is named by id, or by a name only one load balancer has.
async fn lb_availability(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let w = s.world();
    let o = &w.octavia;
    let lb = match o.loadbalancers.get(&id) {
        Some(lb) => lb,
        None => {
            let mut named = o.loadbalancers.values().filter(|l| l.c.name == id);
            match (named.next(), named.next()) {
                (Some(lb), None) => lb,
                (Some(_), Some(_)) => {
                    return Err(ApiError::new(
                        SVC,
                        StatusCode::CONFLICT,
                        format!("More than one load balancer is named {id}: name it by id."),
                    ))
                }
                _ => return Err(ApiError::not_found(SVC, format!("No load balancer with id or name {id}."))),
            }
        }
    };
    let timeline = o.availability.get(&lb.c.id).map(Vec::as_slice).unwrap_or_default();
    let now = w.now();
    let outage = crate::loadbalancer::health::outage(timeline, now);
    let marks: Vec<Value> = timeline.iter().map(|(at, serving)| json!({"at": rfc3339(*at), "serving": serving})).collect();
    let open = outage.open_since.map(|since| json!({"since": rfc3339(since), "seconds": secs(now - since)}));
    Ok(Json(json!({"availability": {
        "loadbalancer_id": lb.c.id,
        "name": lb.c.name,
        "now": rfc3339(now),
        "serving": timeline.last().is_some_and(|(_, serving)| *serving),
        "served": outage.served,
        "total_down_seconds": outage.total_down_secs,
        "longest_down_seconds": outage.longest_down_secs,
        "open_outage": open,
        "timeline": marks,
    }}))
    .into_response())
}

fn secs(d: chrono::Duration) -> f64 {
    d.num_milliseconds() as f64 / 1000.0
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShellRequest {
    /// The node the command runs on; the first controller when absent.
    #[serde(default)]
    node: Option<String>,
    argv: Vec<String>,
}

/// One command of the fake operator shell (`docker ps`, `pcs status`...) run on an overcloud node.
async fn shell(State(s): State<AppState>, JsonBody(req): JsonBody<ShellRequest>) -> ApiResult {
    if req.argv.is_empty() {
        return Err(bad("argv must name a command"));
    }
    // The pipeline has caught up with time already, and settles again after this write.
    let mut w = s.world();
    let node = req.node.or_else(|| w.overcloud.controllers().next().map(|n| n.name.clone())).unwrap_or_default();
    // The command line is quoted as a shell would read it, so the journal gives back the argv.
    let detail = format!("{node}: {}", shell_words::join(&req.argv));
    w.record(crate::sim::journal::Record::Control { action: "shell".into(), detail });
    let out = crate::shell::run(&mut w, &node, &req.argv);
    Ok(Json(out).into_response())
}

async fn reset(State(s): State<AppState>) -> StatusCode {
    s.reset();
    StatusCode::NO_CONTENT
}

fn clock_view(w: &crate::world::World) -> Value {
    json!({"now": rfc3339(w.now()), "mode": w.sim.clock.mode().to_string(), "pending_events": w.sim.scheduler.pending().len()})
}

async fn clock(State(s): State<AppState>) -> Json<Value> {
    Json(clock_view(&s.world()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    /// Seconds (`90`, `1.5`) or a humantime duration (`90s`, `5m`).
    by: Value,
}

async fn advance_clock(State(s): State<AppState>, gate: Option<Extension<MutationGate>>, JsonBody(req): JsonBody<Advance>) -> ApiResult {
    let text = match &req.by {
        Value::Number(n) => n.to_string(),
        Value::String(t) => t.clone(),
        _ => return Err(bad("'by' must be a number of seconds or a duration string such as \"90s\"")),
    };
    let by = parse_duration(&text).map_err(bad)?;
    let slice = chrono::Duration::hours(ADVANCE_SLICE_HOURS);
    if by <= slice {
        let mut w = s.world();
        w.advance_clock(by);
        return Ok(Json(clock_view(&w)).into_response());
    }
    // A long advance goes slice by slice, each under the world lock and the mutation gate and
    // journaled on its own; between slices both are free, so other clients are served, at the
    // simulated time the last slice reached, and a write that comes in between is journaled
    // between the slices it fell between.
    if let Some(Extension(gate)) = gate {
        gate.release();
    }
    let mut left = by;
    while left > chrono::Duration::zero() {
        let step = left.min(slice);
        {
            let _gate = s.mutations.lock().await;
            s.world().advance_clock(step);
        }
        left -= step;
        tokio::task::yield_now().await;
    }
    Ok(Json(clock_view(&s.world())).into_response())
}

/// The simulated time one slice of a long clock advance covers. An hour of a busy cloud's timers
/// takes about a millisecond to apply, so other requests wait about that long.
const ADVANCE_SLICE_HOURS: i64 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetClock {
    /// `real`, `manual` or `scaled:FACTOR`.
    mode: String,
}

async fn set_clock(State(s): State<AppState>, JsonBody(req): JsonBody<SetClock>) -> ApiResult {
    let mode: ClockMode = req.mode.parse().map_err(bad)?;
    let mut w = s.world();
    w.set_clock_mode(mode);
    Ok(Json(clock_view(&w)).into_response())
}

async fn list_faults(State(s): State<AppState>) -> Json<Value> {
    let w = s.world();
    let kinds: Vec<Value> = crate::faults::kinds().map(|(k, d)| json!({"kind": k, "description": d})).collect();
    Json(json!({"faults": w.sim.faults.list(), "kinds": kinds}))
}

async fn add_fault(State(s): State<AppState>, JsonBody(req): JsonBody<Value>) -> ApiResult {
    let req = FaultRequest::from_json(req).map_err(bad)?;
    let fault = s.world().add_fault(req).map_err(bad)?;
    Ok((StatusCode::CREATED, Json(json!({"fault": fault}))).into_response())
}

async fn remove_fault(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    match s.world().remove_fault(&id) {
        Some(_) => Ok(StatusCode::NO_CONTENT.into_response()),
        None => Err(ApiError::not_found(SVC, format!("No fault with id {id}."))),
    }
}

fn parse_time(params: &Params, key: &str) -> Result<Option<SimTime>, ApiError> {
    params
        .get(key)
        .map(|v| {
            chrono::DateTime::parse_from_rfc3339(v)
                .map(|t| t.with_timezone(&chrono::Utc))
                .map_err(|e| bad(format!("'{key}' must be an RFC 3339 time: {e}")))
        })
        .transpose()
}

const JOURNAL_KINDS: [&str; 4] = ["api", "transition", "fault", "control"];

async fn journal(State(s): State<AppState>, params: Params) -> ApiResult {
    let kind = params.get("kind").map(str::to_string);
    if let Some(k) = &kind {
        if !JOURNAL_KINDS.contains(&k.as_str()) {
            return Err(bad(format!("unknown journal kind '{k}' (expected one of {})", JOURNAL_KINDS.join(", "))));
        }
    }
    let after_seq =
        params.get("after_seq").map(|v| v.parse::<u64>().map_err(|_| bad("'after_seq' must be a non-negative integer"))).transpose()?;
    let filter = JournalFilter {
        kind,
        since: parse_time(&params, "since")?,
        until: parse_time(&params, "until")?,
        after_seq,
        service: params.get("service").map(str::to_string),
    };
    let include_secrets = include_secrets(&params).map_err(bad)?;
    let w = s.world();
    // When the oldest entries were dropped to keep within `--journal-limit`, the answer says so.
    let dropped = w.sim.journal.dropped();
    let cut = (dropped > 0).then(|| json!({"dropped_entries": dropped, "first_seq": dropped + 1}));
    let entries: Vec<_> = w.sim.journal.filter(&filter).collect();
    let answer = |entries: Value| {
        let mut body = json!({"entries": entries});
        if let Some(cut) = &cut {
            body["history_cut"] = cut.clone();
        }
        Json(body).into_response()
    };
    if include_secrets {
        return Ok(answer(json!(entries)));
    }
    let mut entries: Vec<Value> = entries.into_iter().map(|e| serde_json::to_value(e).unwrap_or_default()).collect();
    drop(w);
    redact::journal_entries(&mut entries);
    Ok(answer(Value::Array(entries)))
}

/// A service's log as text, in oslo.log's line format (what the fake shell will show under
/// /var/log/containers/<service>/). Components: `octavia-health-manager`, `octavia-worker`.
async fn service_log(State(s): State<AppState>, axum::extract::Path(component): axum::extract::Path<String>) -> ApiResult {
    const COMPONENTS: [(&str, &str); 2] = [
        ("octavia-health-manager", "octavia.controller.healthmanager.health_manager"),
        ("octavia-worker", "octavia.controller.worker.v2.controller_worker"),
    ];
    let Some((_, logger)) = COMPONENTS.iter().find(|(c, _)| *c == component) else {
        let known: Vec<&str> = COMPONENTS.iter().map(|(c, _)| *c).collect();
        return Err(ApiError::not_found(SVC, format!("no log named '{component}' (known: {})", known.join(", "))));
    };
    let w = s.world();
    let text: String = w
        .octavia
        .logs
        .iter()
        .filter(|l| l.component == component)
        .map(|l| format!("{} 7 {} {logger} [-] {}\n", l.at.format("%Y-%m-%d %H:%M:%S%.3f"), l.level, l.message))
        .collect();
    Ok(([(axum::http::header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

/// Whether the caller asked for the secrets (`?secrets=include`).
fn include_secrets(params: &Params) -> Result<bool, String> {
    match params.get("secrets") {
        None | Some("redact") => Ok(false),
        Some("include") => Ok(true),
        Some(other) => Err(format!("'secrets' must be include or redact, not '{other}'")),
    }
}

/// The world as JSON; its secrets redacted unless `?secrets=include` (see `redact.rs`).
async fn snapshot(State(s): State<AppState>, params: Params) -> ApiResult {
    let include_secrets = include_secrets(&params).map_err(bad)?;
    let failed = |e: serde_json::Error| ApiError::new(SVC, StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
    let body = if include_secrets {
        serde_json::to_vec(&*s.world()).map_err(failed)?
    } else {
        let mut value = serde_json::to_value(&*s.world()).map_err(failed)?;
        redact::snapshot(&mut value);
        serde_json::to_vec(&value).map_err(failed)?
    };
    Ok(([(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// The largest snapshot `restore` takes. A world with a long journal is well over the 1 MiB the
/// OpenStack APIs accept, so this body is read with its own limit.
pub const MAX_SNAPSHOT_BYTES: usize = 256 << 20;

async fn restore(State(s): State<AppState>, body: axum::body::Body) -> ApiResult {
    let body: Bytes = axum::body::to_bytes(body, MAX_SNAPSHOT_BYTES).await.map_err(|e| {
        if e.to_string().contains("length limit") {
            ApiError::new(SVC, StatusCode::PAYLOAD_TOO_LARGE, format!("snapshot larger than {MAX_SNAPSHOT_BYTES} bytes"))
        } else {
            bad(format!("cannot read the snapshot: {e}"))
        }
    })?;
    // Not journaled: the restored world carries its own journal, so snapshot -> restore -> snapshot
    // gives back the same bytes.
    s.restore(&body).map_err(bad)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
