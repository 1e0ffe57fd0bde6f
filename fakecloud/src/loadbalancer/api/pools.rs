//! Pools (`/lbaas/pools`): the back ends a listener (or L7 policy) sends to, with their algorithm,
//! session persistence and TLS to members. Changes lock the load balancer until the worker is done.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::loadbalancer::model::*;
use crate::loadbalancer::request::{nullable, opt_int};
use crate::loadbalancer::views;
use crate::loadbalancer::worker::Kind;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

const POOL_PROTOCOLS: [&str; 6] = ["HTTP", "HTTPS", "TCP", "UDP", "PROXY", "SCTP"];
const ALGORITHMS: [&str; 4] = ["ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP", "SOURCE_IP_PORT"];

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

pub async fn list_pools(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    own_project(&caller, "os_load-balancer_api:loadbalancer:get_all")?;
    kept_list(&s, &caller, &base, &params, ("pools", "lbaas/pools", &views::POOL_ATTRS), |w| {
        let keep = prefilter(&caller, &params);
        sorted(w.octavia.pools.values().filter(|p| keep(&p.c)).map(|p| (p.c.seq, views::pool(w, p))))
    })
    .await
}

pub async fn show_pool(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let w = s.world();
    let p = pool_for(&w, &caller, &id, GET_ONE)?;
    Ok(reply(StatusCode::OK, json!({ "pool": views::pool(&w, p) })))
}

pub async fn create_pool(State(s): State<AppState>, caller: Caller, JsonBody(raw): JsonBody<Value>) -> ApiResult {
    let req: CreatePool = body(raw, "pool")?;
    // wsme `StringType(max_length=255)` in Octavia's types.
    super::flavors::long("name", &req.name)?;
    super::flavors::long("description", &req.description)?;
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
    super::quotas::check_quota(&w, &project, crate::loadbalancer::model::QuotaResource::Pool, 1)?;
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
    // wsme `StringType(max_length=255)` in Octavia's types.
    super::flavors::long("name", &req.name)?;
    super::flavors::long("description", &req.description)?;
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
