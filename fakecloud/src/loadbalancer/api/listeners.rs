//! Listeners (`/lbaas/listeners`): the ports a load balancer accepts connections on, their protocol,
//! TLS termination, timeouts and headers. Changes lock the load balancer until the worker is done.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::loadbalancer::model::*;
use crate::loadbalancer::request::{int, nullable, opt_int, opt_opt_int};
use crate::loadbalancer::views;
use crate::loadbalancer::worker::Kind;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const LISTENER_PROTOCOLS: [&str; 7] = ["HTTP", "HTTPS", "TCP", "UDP", "TERMINATED_HTTPS", "SCTP", "PROMETHEUS"];

/// A port number: 1 to 65535.
fn port_number(field: &str, v: i64) -> Result<u16, ApiError> {
    if v < 1 {
        return Err(bad(format!("Invalid input for field/attribute {field}. Value: '{v}'. Value should be greater or equal to 1")));
    }
    u16::try_from(v)
        .map_err(|_| bad(format!("Invalid input for field/attribute {field}. Value: '{v}'. Value should be lower or equal to 65535")))
}

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

fn check_connection_limit(c: Option<i64>) -> Result<(), ApiError> {
    if let Some(c) = c.filter(|c| *c < -1) {
        return Err(bad(format!(
            "Invalid input for field/attribute connection_limit. Value: '{c}'. Value should be greater or equal to -1"
        )));
    }
    Ok(())
}

pub async fn list_listeners(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    own_project(&caller, "os_load-balancer_api:loadbalancer:get_all")?;
    kept_list(&s, &caller, &base, &params, ("listeners", "lbaas/listeners", &views::LISTENER_ATTRS), |w| {
        let keep = prefilter(&caller, &params);
        sorted(w.octavia.listeners.values().filter(|l| keep(&l.c)).map(|l| (l.c.seq, views::listener(w, l))))
    })
    .await
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
    // wsme `StringType(max_length=255)` in Octavia's types.
    super::flavors::long("name", &req.name)?;
    super::flavors::long("description", &req.description)?;
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
    super::quotas::check_quota(&w, &lb_project, crate::loadbalancer::model::QuotaResource::Listener, 1)?;
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
    // wsme `StringType(max_length=255)` in Octavia's types.
    super::flavors::long("name", &req.name)?;
    super::flavors::long("description", &req.description)?;
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
