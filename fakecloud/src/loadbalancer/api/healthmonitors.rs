//! Health monitors (`/lbaas/healthmonitors`): how a pool checks its members. Changes need the
//! load balancer and the pool ACTIVE and lock both until the worker is done.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::loadbalancer::model::*;
use crate::loadbalancer::request::{int, opt_int};
use crate::loadbalancer::views;
use crate::loadbalancer::worker::Kind;
use crate::world::World;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

const MONITOR_TYPES: [&str; 7] = ["HTTP", "HTTPS", "PING", "TCP", "TLS-HELLO", "UDP-CONNECT", "SCTP"];
const HTTP_METHODS: [&str; 9] = ["CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"];

/// `udp_connect_min_interval_health_monitor`'s default.
const UDP_MIN_DELAY: i64 = 3;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateMonitor {
    pool_id: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(deserialize_with = "int")]
    delay: i64,
    #[serde(deserialize_with = "int")]
    timeout: i64,
    #[serde(deserialize_with = "int")]
    max_retries: i64,
    #[serde(default, deserialize_with = "opt_int")]
    max_retries_down: Option<i64>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    admin_state_up: Option<bool>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    project_id: Option<String>,
    #[serde(flatten)]
    http: MonitorHttp,
}

/// The HTTP check's settings, which only HTTP and HTTPS monitors take.
#[derive(Deserialize, Default)]
struct MonitorHttp {
    #[serde(default)]
    http_method: Option<String>,
    #[serde(default)]
    url_path: Option<String>,
    #[serde(default)]
    expected_codes: Option<String>,
    #[serde(default)]
    http_version: Option<f64>,
    #[serde(default)]
    domain_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateMonitor {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    admin_state_up: Option<bool>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "opt_int")]
    delay: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    timeout: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    max_retries: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    max_retries_down: Option<i64>,
    #[serde(flatten)]
    http: MonitorHttp,
}

fn monitor_for<'a>(w: &'a World, caller: &Caller, id: &str, action: &str) -> Result<&'a HealthMonitor, ApiError> {
    let h = w.octavia.monitors.get(id).ok_or_else(|| not_found("Health Monitor", id))?;
    allow(caller, action, &h.c.project_id)?;
    Ok(h)
}

fn at_least_zero(field: &str, v: i64) -> Result<u32, ApiError> {
    if v < 0 || v > i64::from(i32::MAX) {
        return Err(bad(format!("Invalid input for field/attribute {field}. Value: '{v}'. Value should be greater or equal to 0")));
    }
    Ok(v as u32)
}

fn retries(field: &str, v: i64) -> Result<u32, ApiError> {
    if !(1..=10).contains(&v) {
        return Err(bad(format!("Invalid input for field/attribute {field}. Value: '{v}'. Value should be between 1 and 10")));
    }
    Ok(v as u32)
}

/// The HTTP settings' own formats: a method Octavia knows, a path, codes like `200`, `200,202`
/// or `200-204`, HTTP 1.0 or 1.1, and a host name.
fn check_monitor_http(h: &MonitorHttp) -> Result<(), ApiError> {
    if let Some(m) = &h.http_method {
        one_of("http_method", m, &HTTP_METHODS)?;
    }
    if let Some(p) = &h.url_path {
        if !p.starts_with('/') || p.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad(format!("Invalid input for field/attribute url_path. Value: '{p}'. Value should be a valid URL path")));
        }
    }
    if let Some(c) = &h.expected_codes {
        let list = regex::Regex::new(r"^(\d{3}(\s*,\s*\d{3})*)$|^(\d{3}-\d{3})$").expect("a regex");
        if !list.is_match(c) {
            return Err(bad(format!("Invalid input for field/attribute expected_codes. Value: '{c}'. Value should match the pattern ^(\\d{{3}}(\\s*,\\s*\\d{{3}})*)$|^(\\d{{3}}-\\d{{3}})$")));
        }
    }
    if let Some(v) = h.http_version {
        if v != 1.0 && v != 1.1 {
            return Err(bad(format!("Invalid input for field/attribute http_version. Value: '{v}'. Value should be one of: 1.0, 1.1")));
        }
    }
    if let Some(d) = &h.domain_name {
        let ok = !d.is_empty()
            && d.len() <= 255
            && d.trim_end_matches('.').split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !ok {
            return Err(bad(format!("Invalid input for field/attribute domain_name. Value: '{d}'. Value should be a valid domain name")));
        }
    }
    Ok(())
}

/// Only HTTP and HTTPS monitors take the HTTP settings.
fn http_fields_fit(kind: &str, h: &MonitorHttp, creating: bool) -> Result<(), ApiError> {
    if matches!(kind, "HTTP" | "HTTPS") {
        return Ok(());
    }
    // On create an empty value counts as absent; on update any given value is refused.
    let given = |v: &Option<String>| v.as_ref().is_some_and(|s| !creating || !s.is_empty());
    for (field, v) in [("http_method", &h.http_method), ("url_path", &h.url_path), ("expected_codes", &h.expected_codes)] {
        if given(v) {
            return Err(bad(format!("{field} is not a valid option for health monitors of type {kind}")));
        }
    }
    Ok(())
}

/// The monitor types a pool's protocol allows (UDP and SCTP pools have their own), and the
/// shortest UDP-CONNECT delay.
fn monitor_fits_pool(kind: &str, pool_protocol: &str, delay: Option<i64>) -> Result<(), ApiError> {
    if matches!(pool_protocol, "UDP" | "SCTP") {
        if !matches!(kind, "UDP-CONNECT" | "SCTP" | "TCP" | "HTTP") {
            return Err(bad(format!(
                "Validation failure: The associated pool protocol is {pool_protocol}, so only a UDP-CONNECT/SCTP/TCP/HTTP health monitor is supported."
            )));
        }
        if let Some(d) = delay.filter(|d| kind == "UDP-CONNECT" && *d < UDP_MIN_DELAY) {
            return Err(bad(format!(
                "Validation failure: The request delay value {d} should be larger than {UDP_MIN_DELAY} for UDP-CONNECT health monitor type."
            )));
        }
    } else if matches!(kind, "UDP-CONNECT" | "SCTP") {
        return Err(bad(format!("Validation failure: The {kind} type is only supported for pools of type UDP/SCTP.")));
    }
    Ok(())
}

fn check_domain_version(domain: Option<&str>, version: Option<f64>) -> Result<(), ApiError> {
    match (domain, version) {
        (Some(_), None) => Err(bad("Validation failure: 'http_version' must be specified when 'domain_name' is provided.")),
        (Some(_), Some(v)) if v < 1.1 => {
            Err(bad(format!("http_version {v} is not a valid option for health monitors HTTP 1.1 domain name health check")))
        }
        _ => Ok(()),
    }
}

pub async fn list_monitors(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    own_project(&caller, "os_load-balancer_api:loadbalancer:get_all")?;
    kept_list(&s, &caller, &base, &params, ("healthmonitors", "lbaas/healthmonitors", &views::MONITOR_ATTRS), |w| {
        let keep = prefilter(&caller, &params);
        sorted(w.octavia.monitors.values().filter(|h| keep(&h.c)).map(|h| (h.c.seq, views::healthmonitor(h))))
    })
    .await
}

pub async fn show_monitor(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let w = s.world();
    let h = monitor_for(&w, &caller, &id, GET_ONE)?;
    Ok(reply(StatusCode::OK, json!({ "healthmonitor": views::healthmonitor(h) })))
}

pub async fn create_monitor(State(s): State<AppState>, caller: Caller, JsonBody(raw): JsonBody<Value>) -> ApiResult {
    let req: CreateMonitor = body(raw, "healthmonitor")?;
    one_of("type", &req.kind, &MONITOR_TYPES)?;
    let delay = at_least_zero("delay", req.delay)?;
    let timeout = at_least_zero("timeout", req.timeout)?;
    let max_retries = retries("max_retries", req.max_retries)?;
    let down = retries("max_retries_down", req.max_retries_down.unwrap_or(3))?;
    check_monitor_http(&req.http)?;
    let mut w = s.world();
    let pool = pool_for(&w, &caller, &req.pool_id, POST)?.clone();
    if req.project_id.as_ref().is_some_and(|p| *p != pool.c.project_id) {
        return Err(bad("Validation failure: project_id must match the pool's."));
    }
    monitor_fits_pool(&req.kind, &pool.protocol, Some(req.delay))?;
    http_fields_fit(&req.kind, &req.http, true)?;
    check_domain_version(req.http.domain_name.as_deref(), req.http.http_version)?;
    pool_mutable(&pool)?;
    lb_mutable(&w, &caller, &pool.loadbalancer_id, POST)?;
    if pool.healthmonitor_id.is_some() {
        return Err(conflict("This pool already has a health monitor"));
    }
    let http = matches!(req.kind.as_str(), "HTTP" | "HTTPS");
    let nonempty = |v: Option<String>| v.filter(|s| !s.is_empty());
    super::quotas::check_quota(&w, &pool.c.project_id, crate::loadbalancer::model::QuotaResource::HealthMonitor, 1)?;
    let c = common_for(&mut w, req.name, None, &pool.c.project_id, req.admin_state_up, req.tags);
    let id = c.id.clone();
    w.octavia.monitors.insert(
        id.clone(),
        HealthMonitor {
            c,
            pool_id: req.pool_id.clone(),
            kind: req.kind,
            delay,
            timeout,
            max_retries,
            max_retries_down: down,
            http_method: nonempty(req.http.http_method).or_else(|| http.then(|| "GET".into())),
            url_path: nonempty(req.http.url_path).or_else(|| http.then(|| "/".into())),
            expected_codes: nonempty(req.http.expected_codes).or_else(|| http.then(|| "200".into())),
            http_version: req.http.http_version,
            domain_name: req.http.domain_name,
        },
    );
    w.octavia.pools.get_mut(&req.pool_id).expect("checked").healthmonitor_id = Some(id.clone());
    w.begin_child_task(&pool.loadbalancer_id, Some(&req.pool_id), Kind::HealthMonitor, &id, "create");
    Ok(reply(StatusCode::CREATED, json!({ "healthmonitor": views::healthmonitor(&w.octavia.monitors[&id]) })))
}

pub async fn update_monitor(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(raw): JsonBody<Value>,
) -> ApiResult {
    let req: UpdateMonitor = body(raw, "healthmonitor")?;
    let delay = req.delay.map(|d| at_least_zero("delay", d)).transpose()?;
    let timeout = req.timeout.map(|d| at_least_zero("timeout", d)).transpose()?;
    let max_retries = req.max_retries.map(|d| retries("max_retries", d)).transpose()?;
    let down = req.max_retries_down.map(|d| retries("max_retries_down", d)).transpose()?;
    check_monitor_http(&req.http)?;
    let mut w = s.world();
    let h = monitor_for(&w, &caller, &id, PUT)?.clone();
    http_fields_fit(&h.kind, &req.http, false)?;
    let pool = pool_for(&w, &caller, &h.pool_id, PUT)?.clone();
    if h.kind == "UDP-CONNECT" {
        monitor_fits_pool(&h.kind, &pool.protocol, req.delay)?;
    }
    if req.http.domain_name.is_some() || h.domain_name.is_some() {
        check_domain_version(req.http.domain_name.as_deref().or(h.domain_name.as_deref()), req.http.http_version.or(h.http_version))?;
    }
    pool_mutable(&pool)?;
    lb_mutable(&w, &caller, &pool.loadbalancer_id, PUT)?;
    let now = w.now();
    let m = w.octavia.monitors.get_mut(&id).expect("checked");
    touch_common(&mut m.c, now, req.name, None, req.admin_state_up, req.tags);
    m.delay = delay.unwrap_or(m.delay);
    m.timeout = timeout.unwrap_or(m.timeout);
    m.max_retries = max_retries.unwrap_or(m.max_retries);
    m.max_retries_down = down.unwrap_or(m.max_retries_down);
    if req.http.http_method.is_some() {
        m.http_method = req.http.http_method;
    }
    if req.http.url_path.is_some() {
        m.url_path = req.http.url_path;
    }
    if req.http.expected_codes.is_some() {
        m.expected_codes = req.http.expected_codes;
    }
    if req.http.http_version.is_some() {
        m.http_version = req.http.http_version;
    }
    if req.http.domain_name.is_some() {
        m.domain_name = req.http.domain_name;
    }
    w.begin_child_task(&pool.loadbalancer_id, Some(&pool.c.id), Kind::HealthMonitor, &id, "update");
    Ok(reply(StatusCode::OK, json!({ "healthmonitor": views::healthmonitor(&w.octavia.monitors[&id]) })))
}

pub async fn delete_monitor(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let mut w = s.world();
    let pool_id = monitor_for(&w, &caller, &id, DELETE)?.pool_id.clone();
    let pool = mutable_pool(&w, &caller, &pool_id, DELETE)?;
    Ok(start_delete(&mut w, &pool.loadbalancer_id, Some(&pool_id), Kind::HealthMonitor, &id))
}
