//! Listeners, pools, members (with batch update) and health monitors. Every change needs the load
//! balancer ACTIVE (member and monitor changes also the pool) and locks them until the worker is done.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::loadbalancer::model::*;
use crate::loadbalancer::request::{int, nullable, opt_int, opt_opt_int, BatchMembers, CreateMember, UpdateMember};
use crate::loadbalancer::views;
use crate::loadbalancer::worker::{new_common, Kind};
use crate::world::World;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const GET_ONE: &str = "os_load-balancer_api:child:get_one";
const POST: &str = "os_load-balancer_api:child:post";
const PUT: &str = "os_load-balancer_api:child:put";
const DELETE: &str = "os_load-balancer_api:child:delete";

const LISTENER_PROTOCOLS: [&str; 7] = ["HTTP", "HTTPS", "TCP", "UDP", "TERMINATED_HTTPS", "SCTP", "PROMETHEUS"];
const POOL_PROTOCOLS: [&str; 6] = ["HTTP", "HTTPS", "TCP", "UDP", "PROXY", "SCTP"];
const ALGORITHMS: [&str; 4] = ["ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP", "SOURCE_IP_PORT"];
const MONITOR_TYPES: [&str; 7] = ["HTTP", "HTTPS", "PING", "TCP", "TLS-HELLO", "UDP-CONNECT", "SCTP"];

fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<(), ApiError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(bad(format!("Invalid input for field/attribute {field}. Value: '{value}'. Value should be one of: {}", allowed.join(", "))))
    }
}

/// The load balancer must be ACTIVE for any child change.
fn lb_mutable(w: &World, caller: &Caller, lb_id: &str, action: &str) -> Result<(), ApiError> {
    let lb = lb_for(w, caller, lb_id, action)?;
    if lb.c.provisioning_status != ACTIVE {
        return Err(immutable("Load Balancer", lb_id));
    }
    Ok(())
}

/// A port number: 1 to 65535.
fn port_number(field: &str, v: i64) -> Result<u16, ApiError> {
    if v < 1 {
        return Err(bad(format!("Invalid input for field/attribute {field}. Value: '{v}'. Value should be greater or equal to 1")));
    }
    u16::try_from(v)
        .map_err(|_| bad(format!("Invalid input for field/attribute {field}. Value: '{v}'. Value should be lower or equal to 65535")))
}

fn pool_mutable(pool: &Pool) -> Result<(), ApiError> {
    if pool.c.provisioning_status != ACTIVE {
        return Err(immutable("Pool", &pool.c.id));
    }
    Ok(())
}

/// The common end of every child delete: PENDING_DELETE now (journaled), gone after the worker.
fn start_delete(w: &mut World, lb_id: &str, pool_id: Option<&str>, kind: Kind, id: &str) -> Response {
    w.set_child_status(kind, id, PENDING_DELETE);
    w.begin_child_task(lb_id, pool_id, kind, id, "delete");
    StatusCode::NO_CONTENT.into_response()
}

fn common_for(
    w: &mut World,
    name: Option<String>,
    description: Option<String>,
    project: &str,
    admin_state_up: Option<bool>,
    tags: Option<Vec<String>>,
) -> Common {
    let now = w.now();
    let id = w.sim.ids.uuid();
    let seq = w.octavia.seq();
    let mut c = new_common(id, seq, name.unwrap_or_default(), project.to_string(), admin_state_up.unwrap_or(true), now);
    c.description = description.unwrap_or_default();
    c.tags = tags.unwrap_or_default();
    c
}

fn touch_common(
    c: &mut Common,
    now: crate::sim::SimTime,
    name: Option<String>,
    description: Option<String>,
    admin: Option<bool>,
    tags: Option<Vec<String>>,
) {
    if let Some(n) = name {
        c.name = n;
    }
    if let Some(d) = description {
        c.description = d;
    }
    if let Some(a) = admin {
        c.admin_state_up = a;
    }
    if let Some(t) = tags {
        c.tags = t;
    }
    c.provisioning_status = PENDING_UPDATE.into();
    c.updated_at = Some(now);
}

// ---------------------------------------------------------------------------------------------
// Listeners

/// The headers a listener may insert (`insert_headers` keys): HTTP ones on HTTP and
/// TERMINATED_HTTPS listeners, the client-certificate ones on TERMINATED_HTTPS only.
const HTTP_HEADERS: [&str; 3] = ["X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto"];
const SSL_HEADERS: [&str; 8] = [
    "X-SSL-Client-Verify",
    "X-SSL-Client-Has-Cert",
    "X-SSL-Client-DN",
    "X-SSL-Client-CN",
    "X-SSL-Issuer",
    "X-SSL-Client-SHA1",
    "X-SSL-Client-Not-Before",
    "X-SSL-Client-Not-After",
];
/// Octavia's longest haproxy timeout, in milliseconds (24 days).
const MAX_TIMEOUT: i64 = 24 * 24 * 60 * 60 * 1000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateListener {
    loadbalancer_id: String,
    protocol: String,
    #[serde(deserialize_with = "int")]
    protocol_port: i64,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    admin_state_up: Option<bool>,
    #[serde(default, deserialize_with = "opt_int")]
    connection_limit: Option<i64>,
    #[serde(default)]
    default_pool_id: Option<String>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    project_id: Option<String>,
    #[serde(flatten)]
    opts: ListenerOpts,
}

/// What a listener create and update share beyond the common fields.
#[derive(Deserialize, Default)]
struct ListenerOpts {
    #[serde(default, deserialize_with = "opt_int")]
    timeout_client_data: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    timeout_member_connect: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    timeout_member_data: Option<i64>,
    #[serde(default, deserialize_with = "opt_int")]
    timeout_tcp_inspect: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    allowed_cidrs: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "nullable")]
    insert_headers: Option<Option<BTreeMap<String, String>>>,
    #[serde(default, deserialize_with = "nullable")]
    default_tls_container_ref: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    sni_container_refs: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "nullable")]
    client_ca_tls_container_ref: Option<Option<String>>,
    #[serde(default)]
    client_authentication: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    client_crl_container_ref: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    tls_ciphers: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    tls_versions: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "nullable")]
    alpn_protocols: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "opt_opt_int")]
    hsts_max_age: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    hsts_include_subdomains: Option<Option<bool>>,
    #[serde(default, deserialize_with = "nullable")]
    hsts_preload: Option<Option<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateListener {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    admin_state_up: Option<bool>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "opt_int")]
    connection_limit: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    default_pool_id: Option<Option<String>>,
    #[serde(flatten)]
    opts: ListenerOpts,
}

fn timeout(field: &str, v: Option<i64>) -> Result<Option<u32>, ApiError> {
    match v {
        Some(t) if !(0..=MAX_TIMEOUT).contains(&t) => {
            Err(bad(format!("Invalid input for field/attribute {field}. Value: '{t}'. Value should be between 0 and {MAX_TIMEOUT}")))
        }
        Some(t) => Ok(Some(t as u32)),
        None => Ok(None),
    }
}

/// Whether a CIDR is IPv6 (None when it is no CIDR).
fn cidr_is_v6(cidr: &str) -> Option<bool> {
    let (addr, len) = cidr.split_once('/')?;
    let ip: std::net::IpAddr = addr.parse().ok()?;
    let len: u8 = len.parse().ok()?;
    let max = if ip.is_ipv6() { 128 } else { 32 };
    (len <= max).then_some(ip.is_ipv6())
}

fn is_tls_terminating(protocol: &str) -> bool {
    protocol == "TERMINATED_HTTPS"
}

/// Checks a listener's options against its protocol and load balancer, and applies them.
fn apply_listener_opts(
    s: &mut ListenerSettings,
    protocol: &str,
    vip_address: &str,
    o: ListenerOpts,
    creating: bool,
) -> Result<(), ApiError> {
    if let Some(Some(h)) = &o.insert_headers {
        if !h.is_empty() {
            if !matches!(protocol, "HTTP" | "TERMINATED_HTTPS") {
                return Err(bad(format!("insert-headers is not a valid option for a {protocol} protocol listener.")));
            }
            if let Some(k) = h.keys().find(|k| !HTTP_HEADERS.contains(&k.as_str()) && !SSL_HEADERS.contains(&k.as_str())) {
                return Err(bad(format!("['{k}'] is not a valid option for insert_headers")));
            }
            let ssl: Vec<&String> = h.keys().filter(|k| SSL_HEADERS.contains(&k.as_str())).collect();
            if !ssl.is_empty() && protocol != "TERMINATED_HTTPS" {
                return Err(bad(format!("{ssl:?} is not a valid option for {protocol} protocol listener.")));
            }
        }
    }
    let has_refs = o.default_tls_container_ref.as_ref().is_some_and(|r| r.is_some())
        || o.sni_container_refs.as_ref().is_some_and(|r| r.as_ref().is_some_and(|v| !v.is_empty()))
        || o.client_ca_tls_container_ref.as_ref().is_some_and(|r| r.is_some());
    if matches!(protocol, "UDP" | "SCTP")
        && (has_refs || o.insert_headers.as_ref().is_some_and(|h| h.as_ref().is_some_and(|h| !h.is_empty())))
    {
        return Err(bad(format!("Validation failure: {protocol} protocol listener does not support TLS.")));
    }
    if has_refs && !is_tls_terminating(protocol) {
        return Err(bad(format!("Validation failure: Certificate container references are not allowed on {protocol} protocol listeners.")));
    }
    if creating && is_tls_terminating(protocol) && !has_refs {
        return Err(bad(format!(
            "Validation failure: An SNI or default certificate container reference must be provided for {protocol} protocol listeners."
        )));
    }
    if let Some(a) = &o.client_authentication {
        one_of("client_authentication", a, &["NONE", "OPTIONAL", "MANDATORY"])?;
        if a != "NONE" && o.client_ca_tls_container_ref.as_ref().is_none_or(|r| r.is_none()) && s.client_ca_tls_container_ref.is_none() {
            return Err(bad(format!("Validation failure: Client authentication setting {a} requires a client CA container reference.")));
        }
    }
    if let Some(Some(cidrs)) = &o.allowed_cidrs {
        let vip_v6 = vip_address.contains(':');
        for c in cidrs {
            let v6 = cidr_is_v6(c).ok_or_else(|| {
                bad(format!("Invalid input for field/attribute allowed_cidrs. Value: '{c}'. Value should be IPv4 or IPv6 CIDR format"))
            })?;
            if v6 != vip_v6 {
                return Err(bad(format!(
                    "Validation failure: CIDR {c} IP version incompatible with all VIPs ['{vip_address}'] IP version."
                )));
            }
        }
    }
    if let Some(Some(age)) = o.hsts_max_age {
        if age < 0 {
            return Err(bad(format!(
                "Invalid input for field/attribute hsts_max_age. Value: '{age}'. Value should be greater or equal to 0"
            )));
        }
    }
    let hsts_given = o.hsts_max_age.is_some_and(|x| x.is_some())
        || o.hsts_include_subdomains.is_some_and(|x| x == Some(true))
        || o.hsts_preload.is_some_and(|x| x == Some(true));
    if hsts_given && !is_tls_terminating(protocol) {
        return Err(bad("Validation failure: The HSTS feature can only be used for listeners using the TERMINATED_HTTPS protocol."));
    }
    if let Some(t) = timeout("timeout_client_data", o.timeout_client_data)? {
        s.timeout_client_data = t;
    }
    if let Some(t) = timeout("timeout_member_connect", o.timeout_member_connect)? {
        s.timeout_member_connect = t;
    }
    if let Some(t) = timeout("timeout_member_data", o.timeout_member_data)? {
        s.timeout_member_data = t;
    }
    if let Some(t) = timeout("timeout_tcp_inspect", o.timeout_tcp_inspect)? {
        s.timeout_tcp_inspect = t;
    }
    if let Some(c) = o.allowed_cidrs {
        s.allowed_cidrs = c.filter(|c| !c.is_empty());
    }
    if let Some(h) = o.insert_headers {
        s.insert_headers = h.unwrap_or_default();
    }
    if let Some(r) = o.default_tls_container_ref {
        s.default_tls_container_ref = r;
    }
    if let Some(r) = o.sni_container_refs {
        s.sni_container_refs = r.unwrap_or_default();
    }
    if let Some(r) = o.client_ca_tls_container_ref {
        s.client_ca_tls_container_ref = r;
    }
    if let Some(a) = o.client_authentication {
        s.client_authentication = a;
    }
    if let Some(r) = o.client_crl_container_ref {
        s.client_crl_container_ref = r;
    }
    if let Some(c) = o.tls_ciphers {
        s.tls_ciphers = c;
    }
    if let Some(v) = o.tls_versions {
        s.tls_versions = v;
    }
    if let Some(v) = o.alpn_protocols {
        s.alpn_protocols = v;
    }
    if let Some(v) = o.hsts_max_age {
        s.hsts_max_age = v.map(|x| x as u32);
    }
    if let Some(v) = o.hsts_include_subdomains {
        s.hsts_include_subdomains = v;
    }
    if let Some(v) = o.hsts_preload {
        s.hsts_preload = v;
    }
    Ok(())
}

/// The transport a protocol runs on: listeners on one port conflict only within one transport.
fn l4(protocol: &str) -> &'static str {
    match protocol {
        "UDP" => "UDP",
        "SCTP" => "SCTP",
        _ => "TCP",
    }
}

/// The pool protocols a listener protocol may send to.
fn pool_protocol_fits(listener: &str, pool: &str) -> bool {
    let ok: &[&str] = match listener {
        "TCP" => &["HTTP", "HTTPS", "PROXY", "PROXYV2", "TCP"],
        "HTTP" | "TERMINATED_HTTPS" => &["HTTP", "PROXY", "PROXYV2"],
        "HTTPS" => &["HTTPS", "PROXY", "PROXYV2", "TCP"],
        "UDP" => &["UDP"],
        "SCTP" => &["SCTP"],
        _ => &[],
    };
    ok.contains(&pool)
}

fn check_pool_protocol(listener: &str, pool: &str) -> Result<(), ApiError> {
    if listener == "PROMETHEUS" {
        return Err(bad("Protocol PROMETHEUS listeners cannot have child objects."));
    }
    if !pool_protocol_fits(listener, pool) {
        return Err(bad(format!("Validation failure: The pool protocol '{pool}' is invalid while the listener protocol is '{listener}'.")));
    }
    Ok(())
}

fn check_connection_limit(c: Option<i64>) -> Result<(), ApiError> {
    if let Some(c) = c.filter(|c| *c < -1) {
        return Err(bad(format!(
            "Invalid input for field/attribute connection_limit. Value: '{c}'. Value should be greater or equal to -1"
        )));
    }
    Ok(())
}

fn listener_for<'a>(w: &'a World, caller: &Caller, id: &str, action: &str) -> Result<&'a Listener, ApiError> {
    let l = w.octavia.listeners.get(id).ok_or_else(|| not_found("Listener", id))?;
    allow(caller, action, &l.c.project_id)?;
    Ok(l)
}

pub async fn list_listeners(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    own_project(&caller, "os_load-balancer_api:loadbalancer:get_all")?;
    let w = s.world();
    let keep = prefilter(&caller, &params);
    let items = w.octavia.listeners.values().filter(|l| keep(&l.c)).map(|l| (l.c.seq, views::listener(&w, l)));
    list_reply("listeners", "lbaas/listeners", &base, sorted(items), &params, &views::LISTENER_ATTRS)
}

fn sorted(items: impl Iterator<Item = (u64, Value)>) -> Vec<Value> {
    let mut v: Vec<(u64, Value)> = items.collect();
    v.sort_by_key(|(seq, _)| *seq);
    v.into_iter().map(|(_, x)| x).collect()
}

pub async fn show_listener(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let w = s.world();
    let l = listener_for(&w, &caller, &id, GET_ONE)?;
    Ok(reply(StatusCode::OK, json!({ "listener": views::listener(&w, l) })))
}

pub async fn listener_stats(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let w = s.world();
    listener_for(&w, &caller, &id, GET_ONE)?;
    Ok(reply(StatusCode::OK, views::zero_stats()))
}

pub async fn create_listener(State(s): State<AppState>, caller: Caller, JsonBody(raw): JsonBody<Value>) -> ApiResult {
    let req: CreateListener = body(raw, "listener")?;
    one_of("protocol", &req.protocol, &LISTENER_PROTOCOLS)?;
    let port = port_number("protocol_port", req.protocol_port)?;
    check_connection_limit(req.connection_limit)?;
    let mut w = s.world();
    let lb = lb_for(&w, &caller, &req.loadbalancer_id, POST)?;
    let (lb_project, vip) = (lb.c.project_id.clone(), lb.vip_address.clone());
    if req.project_id.as_ref().is_some_and(|p| *p != lb_project) {
        return Err(bad("Validation failure: project_id must match the load balancer's."));
    }
    if let Some(p) = &req.default_pool_id {
        if req.protocol == "PROMETHEUS" {
            return Err(bad("Protocol PROMETHEUS listeners cannot have child objects."));
        }
        let pool = w.octavia.pools.get(p).filter(|x| x.loadbalancer_id == req.loadbalancer_id).ok_or_else(|| not_found("Pool", p))?;
        check_pool_protocol(&req.protocol, &pool.protocol)?;
    }
    lb_mutable(&w, &caller, &req.loadbalancer_id, POST)?;
    let mut settings = ListenerSettings::default();
    apply_listener_opts(&mut settings, &req.protocol, &vip, req.opts, true)?;
    if let Some(other) =
        w.octavia.listeners_of(&req.loadbalancer_id).find(|l| l.protocol_port == port && l4(&l.protocol) == l4(&req.protocol))
    {
        return Err(conflict(format!(
            "Another Listener on this Load Balancer is already using protocol {} and protocol_port {port}",
            other.protocol
        )));
    }
    let c = common_for(&mut w, req.name, req.description, &lb_project, req.admin_state_up, req.tags);
    let id = c.id.clone();
    w.octavia.insert_listener(Listener {
        c,
        loadbalancer_id: req.loadbalancer_id.clone(),
        protocol: req.protocol,
        protocol_port: port,
        connection_limit: req.connection_limit.unwrap_or(-1),
        default_pool_id: req.default_pool_id,
        settings,
    });
    w.begin_child_task(&req.loadbalancer_id, None, Kind::Listener, &id, "create");
    Ok(reply(StatusCode::CREATED, json!({ "listener": views::listener(&w, &w.octavia.listeners[&id]) })))
}

pub async fn update_listener(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(raw): JsonBody<Value>,
) -> ApiResult {
    let req: UpdateListener = body(raw, "listener")?;
    check_connection_limit(req.connection_limit)?;
    let mut w = s.world();
    let l = listener_for(&w, &caller, &id, PUT)?;
    let (lb_id, protocol) = (l.loadbalancer_id.clone(), l.protocol.clone());
    let mut settings = l.settings.clone();
    let vip = w.octavia.loadbalancers.get(&lb_id).map(|lb| lb.vip_address.clone()).unwrap_or_default();
    if let Some(Some(p)) = &req.default_pool_id {
        let pool = w.octavia.pools.get(p).filter(|x| x.loadbalancer_id == lb_id).ok_or_else(|| not_found("Pool", p))?;
        check_pool_protocol(&protocol, &pool.protocol)?;
    }
    apply_listener_opts(&mut settings, &protocol, &vip, req.opts, false)?;
    lb_mutable(&w, &caller, &lb_id, PUT)?;
    let now = w.now();
    let l = w.octavia.listeners.get_mut(&id).expect("checked");
    touch_common(&mut l.c, now, req.name, req.description, req.admin_state_up, req.tags);
    l.settings = settings;
    if let Some(c) = req.connection_limit {
        l.connection_limit = c;
    }
    if let Some(p) = req.default_pool_id {
        l.default_pool_id = p;
    }
    w.begin_child_task(&lb_id, None, Kind::Listener, &id, "update");
    Ok(reply(StatusCode::OK, json!({ "listener": views::listener(&w, &w.octavia.listeners[&id]) })))
}

pub async fn delete_listener(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let mut w = s.world();
    let lb_id = listener_for(&w, &caller, &id, DELETE)?.loadbalancer_id.clone();
    lb_mutable(&w, &caller, &lb_id, DELETE)?;
    Ok(start_delete(&mut w, &lb_id, None, Kind::Listener, &id))
}

// ---------------------------------------------------------------------------------------------
// Pools

/// The algorithms the amphora driver implements; SOURCE_IP_PORT is the OVN provider's.
const AMPHORA_ALGORITHMS: [&str; 3] = ["ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP"];
const SP_TYPES: [&str; 3] = ["SOURCE_IP", "HTTP_COOKIE", "APP_COOKIE"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionPersistence {
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    cookie_name: Option<String>,
    #[serde(default, deserialize_with = "opt_int")]
    persistence_timeout: Option<i64>,
    #[serde(default)]
    persistence_granularity: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreatePool {
    protocol: String,
    lb_algorithm: String,
    #[serde(default)]
    listener_id: Option<String>,
    #[serde(default)]
    loadbalancer_id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    admin_state_up: Option<bool>,
    #[serde(default)]
    session_persistence: Option<SessionPersistence>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    project_id: Option<String>,
    #[serde(flatten)]
    tls: PoolTlsOpts,
}

#[derive(Deserialize, Default)]
struct PoolTlsOpts {
    #[serde(default)]
    tls_enabled: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    tls_container_ref: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    ca_tls_container_ref: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    crl_container_ref: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    tls_ciphers: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    tls_versions: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "nullable")]
    alpn_protocols: Option<Option<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdatePool {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    admin_state_up: Option<bool>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    lb_algorithm: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    session_persistence: Option<Option<SessionPersistence>>,
    #[serde(flatten)]
    tls: PoolTlsOpts,
}

/// A pool's session persistence against its protocol, as Octavia checks it; returns its stored form.
fn session_persistence(protocol: &str, sp: SessionPersistence, old_type: Option<&str>) -> Result<Value, ApiError> {
    let kind = sp
        .kind
        .or_else(|| old_type.map(str::to_string))
        .ok_or_else(|| bad("Invalid input for field/attribute type. Value: 'None'. Mandatory field missing.".to_string()))?;
    one_of("type", &kind, &SP_TYPES)?;
    if matches!(protocol, "UDP" | "SCTP") {
        if sp.cookie_name.is_some() {
            return Err(bad("Validation failure: Cookie names are not supported for UDP/SCTP pools."));
        }
        if kind != "SOURCE_IP" {
            return Err(bad(format!(
                "Validation failure: Session persistence of type {kind} is not supported for UDP/SCTP protocol pools."
            )));
        }
    } else if sp.persistence_timeout.is_some() || sp.persistence_granularity.is_some() {
        return Err(bad("Validation failure: persistence_timeout and persistence_granularity is only for UDP and SCTP protocol pools."));
    }
    if let Some(name) = &sp.cookie_name {
        if kind != "APP_COOKIE" {
            return Err(bad(
                "Validation failure: Field \"cookie_name\" can only be specified with session persistence of type \"APP_COOKIE\".",
            ));
        }
        let invalid = |c: char| (c as u32) <= 0x20 || "\"(),/:;<=>?@[\\]{}\u{7f}".contains(c);
        if name.is_empty() || name.len() > 255 || name.chars().any(invalid) {
            return Err(bad("Validation failure: Supplied \"cookie_name\" is invalid."));
        }
    } else if kind == "APP_COOKIE" {
        return Err(bad(
            "Validation failure: Field \"cookie_name\" must be specified when using the \"APP_COOKIE\" session persistence type.",
        ));
    }
    if let Some(g) = &sp.persistence_granularity {
        if g.parse::<std::net::IpAddr>().is_err() {
            return Err(bad(format!(
                "Invalid input for field/attribute persistence_granularity. Value: '{g}'. Value should be IPv4 or IPv6 format"
            )));
        }
    }
    let udp = matches!(protocol, "UDP" | "SCTP");
    Ok(json!({
        "type": kind, "cookie_name": sp.cookie_name,
        "persistence_timeout": sp.persistence_timeout.or(udp.then_some(360)),
        "persistence_granularity": sp.persistence_granularity.or(udp.then(|| "255.255.255.255".to_string())),
    }))
}

fn apply_pool_tls(t: &mut PoolTls, o: PoolTlsOpts) -> Result<(), ApiError> {
    let crl = o.crl_container_ref.clone().unwrap_or(t.crl_container_ref.clone());
    let ca = o.ca_tls_container_ref.clone().unwrap_or(t.ca_tls_container_ref.clone());
    if crl.is_some() && ca.is_none() {
        return Err(bad("Validation failure: A CA certificate reference is required to specify a revocation list."));
    }
    if let Some(e) = o.tls_enabled {
        t.tls_enabled = e;
    }
    if let Some(r) = o.tls_container_ref {
        t.tls_container_ref = r;
    }
    t.ca_tls_container_ref = ca;
    t.crl_container_ref = crl;
    if let Some(c) = o.tls_ciphers {
        t.tls_ciphers = c;
    }
    if let Some(v) = o.tls_versions {
        t.tls_versions = v;
    }
    if let Some(v) = o.alpn_protocols {
        t.alpn_protocols = v;
    }
    Ok(())
}

/// The amphora driver refuses an algorithm it does not implement (501, as a provider does).
fn provider_supports_algorithm(provider: &str, algorithm: &str) -> Result<(), ApiError> {
    if provider != "ovn" && !AMPHORA_ALGORITHMS.contains(&algorithm) {
        return Err(ApiError::new(
            SVC,
            StatusCode::NOT_IMPLEMENTED,
            format!("Provider '{provider}' does not support a requested option: Amphora provider does not support {algorithm} algorithm."),
        ));
    }
    Ok(())
}

fn pool_for<'a>(w: &'a World, caller: &Caller, id: &str, action: &str) -> Result<&'a Pool, ApiError> {
    let p = w.octavia.pools.get(id).ok_or_else(|| not_found("Pool", id))?;
    allow(caller, action, &p.c.project_id)?;
    Ok(p)
}

pub async fn list_pools(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    own_project(&caller, "os_load-balancer_api:loadbalancer:get_all")?;
    let w = s.world();
    let keep = prefilter(&caller, &params);
    let items = w.octavia.pools.values().filter(|p| keep(&p.c)).map(|p| (p.c.seq, views::pool(&w, p)));
    list_reply("pools", "lbaas/pools", &base, sorted(items), &params, &views::POOL_ATTRS)
}

pub async fn show_pool(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let w = s.world();
    let p = pool_for(&w, &caller, &id, GET_ONE)?;
    Ok(reply(StatusCode::OK, json!({ "pool": views::pool(&w, p) })))
}

pub async fn create_pool(State(s): State<AppState>, caller: Caller, JsonBody(raw): JsonBody<Value>) -> ApiResult {
    let req: CreatePool = body(raw, "pool")?;
    one_of("protocol", &req.protocol, &POOL_PROTOCOLS)?;
    one_of("lb_algorithm", &req.lb_algorithm, &ALGORITHMS)?;
    let mut w = s.world();
    let lb_id = match (&req.listener_id, &req.loadbalancer_id) {
        (Some(l), _) => {
            let listener = listener_for(&w, &caller, l, POST)?;
            check_pool_protocol(&listener.protocol, &req.protocol)?;
            listener.loadbalancer_id.clone()
        }
        (None, Some(lb)) => lb.clone(),
        (None, None) => return Err(bad("Validation failure: Must provide at least one of: loadbalancer_id, listener_id")),
    };
    let lb = lb_for(&w, &caller, &lb_id, POST)?;
    let (project, provider) = (lb.c.project_id.clone(), lb.provider.clone());
    if req.project_id.as_ref().is_some_and(|p| *p != project) {
        return Err(bad("Validation failure: project_id must match the load balancer's."));
    }
    let sp = req.session_persistence.map(|sp| session_persistence(&req.protocol, sp, None)).transpose()?;
    let mut tls = PoolTls::default();
    apply_pool_tls(&mut tls, req.tls)?;
    provider_supports_algorithm(&provider, &req.lb_algorithm)?;
    if let Some(l) = &req.listener_id {
        if w.octavia.listeners.get(l).is_some_and(|l| l.default_pool_id.is_some()) {
            return Err(conflict("This listener already has a default pool"));
        }
    }
    lb_mutable(&w, &caller, &lb_id, POST)?;
    let c = common_for(&mut w, req.name, req.description, &project, req.admin_state_up, req.tags);
    let id = c.id.clone();
    w.octavia.insert_pool(Pool {
        c,
        loadbalancer_id: lb_id.clone(),
        listener_id: req.listener_id.clone(),
        protocol: req.protocol,
        lb_algorithm: req.lb_algorithm,
        healthmonitor_id: None,
        session_persistence: sp,
        tls,
    });
    if let Some(l) = req.listener_id.and_then(|l| w.octavia.listeners.get_mut(&l)) {
        l.default_pool_id = Some(id.clone());
    }
    w.begin_child_task(&lb_id, None, Kind::Pool, &id, "create");
    Ok(reply(StatusCode::CREATED, json!({ "pool": views::pool(&w, &w.octavia.pools[&id]) })))
}

pub async fn update_pool(State(s): State<AppState>, caller: Caller, Path(id): Path<String>, JsonBody(raw): JsonBody<Value>) -> ApiResult {
    let req: UpdatePool = body(raw, "pool")?;
    if let Some(a) = &req.lb_algorithm {
        one_of("lb_algorithm", a, &ALGORITHMS)?;
    }
    let mut w = s.world();
    let pool = pool_for(&w, &caller, &id, PUT)?;
    let lb_id = pool.loadbalancer_id.clone();
    let old_type = pool.session_persistence.as_ref().and_then(|v| v["type"].as_str()).map(str::to_string);
    let sp = match req.session_persistence {
        Some(Some(sp)) => Some(Some(session_persistence(&pool.protocol, sp, old_type.as_deref())?)),
        Some(None) => Some(None),
        None => None,
    };
    let mut tls = pool.tls.clone();
    apply_pool_tls(&mut tls, req.tls)?;
    if let Some(a) = &req.lb_algorithm {
        let provider = w.octavia.loadbalancers.get(&lb_id).map(|l| l.provider.clone()).unwrap_or_default();
        provider_supports_algorithm(&provider, a)?;
    }
    lb_mutable(&w, &caller, &lb_id, PUT)?;
    pool_mutable(pool)?;
    let now = w.now();
    let p = w.octavia.pools.get_mut(&id).expect("checked");
    touch_common(&mut p.c, now, req.name, req.description, req.admin_state_up, req.tags);
    if let Some(a) = req.lb_algorithm {
        p.lb_algorithm = a;
    }
    if let Some(sp) = sp {
        p.session_persistence = sp;
    }
    p.tls = tls;
    w.begin_child_task(&lb_id, Some(&id), Kind::Pool, &id, "update");
    Ok(reply(StatusCode::OK, json!({ "pool": views::pool(&w, &w.octavia.pools[&id]) })))
}

pub async fn delete_pool(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let mut w = s.world();
    let lb_id = pool_for(&w, &caller, &id, DELETE)?.loadbalancer_id.clone();
    lb_mutable(&w, &caller, &lb_id, DELETE)?;
    Ok(start_delete(&mut w, &lb_id, None, Kind::Pool, &id))
}

// ---------------------------------------------------------------------------------------------
// Members

fn member_in<'a>(w: &'a World, pool_id: &str, id: &str) -> Result<&'a Member, ApiError> {
    w.octavia.members.get(id).filter(|m| m.pool_id == pool_id).ok_or_else(|| not_found("Member", id))
}

pub async fn list_members(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(pool_id): Path<String>,
    params: Params,
) -> ApiResult {
    let w = s.world();
    pool_for(&w, &caller, &pool_id, GET_ONE)?;
    let keep = prefilter(&caller, &params);
    let items = w.octavia.members_of(&pool_id).filter(|m| keep(&m.c)).map(|m| (m.c.seq, views::member(&w, m)));
    list_reply("members", &format!("lbaas/pools/{pool_id}/members"), &base, sorted(items), &params, &views::MEMBER_ATTRS)
}

pub async fn show_member(State(s): State<AppState>, caller: Caller, Path((pool_id, id)): Path<(String, String)>) -> ApiResult {
    let w = s.world();
    pool_for(&w, &caller, &pool_id, GET_ONE)?;
    Ok(reply(StatusCode::OK, json!({ "member": views::member(&w, member_in(&w, &pool_id, &id)?) })))
}

/// Checks a member against its pool (the model's rules) and makes it (PENDING_CREATE), without
/// locking anything.
fn new_member(w: &mut World, pool: &Pool, req: CreateMember) -> Result<String, ApiError> {
    let address = w.octavia.check_new_member(&pool.c.id, &req, |s| w.network.subnets.contains_key(s))?.to_string();
    let backing = backing_server(&w.network, &w.compute, &address, req.subnet_id.as_deref());
    let c = common_for(w, req.name.clone(), None, &pool.c.project_id, req.admin_state_up, req.tags.clone());
    let id = c.id.clone();
    w.record(crate::sim::journal::Record::Transition { resource: "member".into(), id: id.clone(), from: None, to: PENDING_CREATE.into() });
    w.octavia.insert_member(Member::new(c, pool, req, address, backing));
    Ok(id)
}

fn mutable_pool(w: &World, caller: &Caller, pool_id: &str, action: &str) -> Result<Pool, ApiError> {
    let pool = pool_for(w, caller, pool_id, action)?.clone();
    lb_mutable(w, caller, &pool.loadbalancer_id, action)?;
    pool_mutable(&pool)?;
    Ok(pool)
}

pub async fn create_member(
    State(s): State<AppState>,
    caller: Caller,
    Path(pool_id): Path<String>,
    JsonBody(raw): JsonBody<Value>,
) -> ApiResult {
    let req: CreateMember = body(raw, "member")?;
    let mut w = s.world();
    let pool = mutable_pool(&w, &caller, &pool_id, POST)?;
    check_member_project(&pool, &req)?;
    let id = new_member(&mut w, &pool, req)?;
    w.begin_child_task(&pool.loadbalancer_id, Some(&pool_id), Kind::Member, &id, "create");
    Ok(reply(StatusCode::CREATED, json!({ "member": views::member(&w, &w.octavia.members[&id]) })))
}

pub async fn update_member(
    State(s): State<AppState>,
    caller: Caller,
    Path((pool_id, id)): Path<(String, String)>,
    JsonBody(raw): JsonBody<Value>,
) -> ApiResult {
    let req: UpdateMember = body(raw, "member")?;
    let mut w = s.world();
    let pool = mutable_pool(&w, &caller, &pool_id, PUT)?;
    member_in(&w, &pool_id, &id)?;
    let now = w.now();
    let m = w.octavia.members.get_mut(&id).expect("checked");
    touch_common(&mut m.c, now, req.name, None, req.admin_state_up, req.tags);
    if let Some(x) = req.weight {
        m.weight = x;
    }
    if let Some(x) = req.backup {
        m.backup = x;
    }
    if let Some(x) = req.monitor_address {
        m.monitor_address = x;
    }
    if let Some(x) = req.monitor_port {
        m.monitor_port = x;
    }
    w.begin_child_task(&pool.loadbalancer_id, Some(&pool_id), Kind::Member, &id, "update");
    Ok(reply(StatusCode::OK, json!({ "member": views::member(&w, &w.octavia.members[&id]) })))
}

pub async fn delete_member(State(s): State<AppState>, caller: Caller, Path((pool_id, id)): Path<(String, String)>) -> ApiResult {
    let mut w = s.world();
    let pool = mutable_pool(&w, &caller, &pool_id, DELETE)?;
    let m = member_in(&w, &pool_id, &id)?;
    if m.c.provisioning_status == PENDING_DELETE {
        return Err(conflict(format!("Invalid state PENDING_DELETE of member resource {id}")));
    }
    Ok(start_delete(&mut w, &pool.loadbalancer_id, Some(&pool_id), Kind::Member, &id))
}

/// `PUT /pools/{id}/members`: the pool's members become exactly the list, matched by (address,
/// protocol_port): new ones PENDING_CREATE, matched ones PENDING_UPDATE, missing ones PENDING_DELETE.
pub async fn batch_members(
    State(s): State<AppState>,
    caller: Caller,
    Path(pool_id): Path<String>,
    JsonBody(raw): JsonBody<Value>,
) -> ApiResult {
    let req: BatchMembers =
        crate::http::extract::from_value_strict(&raw).map_err(|e| bad(format!("Invalid input for field/attribute members. Value: {e}")))?;
    let mut w = s.world();
    let pool = mutable_pool(&w, &caller, &pool_id, PUT)?;
    let seen = check_member_batch(&req.members, |s| w.network.subnets.contains_key(s))?;
    let existing: Vec<(String, String, u16)> =
        w.octavia.members_of(&pool_id).map(|m| (m.c.id.clone(), m.address.clone(), m.protocol_port)).collect();
    let now = w.now();
    let mut tasks = vec![];
    for (id, addr, port) in &existing {
        if !seen.contains(&(addr.clone(), *port)) {
            w.octavia.members.get_mut(id).expect("listed").c.provisioning_status = PENDING_DELETE.into();
            tasks.push((id.clone(), "delete"));
        }
    }
    for m in req.members {
        match existing.iter().find(|(_, a, p)| *a == m.address && *p == m.protocol_port) {
            Some((id, _, _)) => {
                let member = w.octavia.members.get_mut(id).expect("listed");
                touch_common(&mut member.c, now, m.name, None, m.admin_state_up, m.tags);
                if let Some(x) = m.weight {
                    member.weight = x;
                }
                tasks.push((id.clone(), "update"));
            }
            None => {
                let id = new_member(&mut w, &pool, m)?;
                tasks.push((id, "create"));
            }
        }
    }
    for (id, op) in tasks {
        w.begin_child_task(&pool.loadbalancer_id, Some(&pool_id), Kind::Member, &id, op);
    }
    Ok(StatusCode::ACCEPTED.into_response())
}

// ---------------------------------------------------------------------------------------------
// Health monitors

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
    let w = s.world();
    let keep = prefilter(&caller, &params);
    let items = w.octavia.monitors.values().filter(|h| keep(&h.c)).map(|h| (h.c.seq, views::healthmonitor(h)));
    list_reply("healthmonitors", "lbaas/healthmonitors", &base, sorted(items), &params, &views::MONITOR_ATTRS)
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
