//! Listeners, pools, members (with batch update) and health monitors. Every change needs the load
//! balancer ACTIVE (member and monitor changes also the pool) and locks them until the worker is done.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::loadbalancer::model::*;
use crate::loadbalancer::request::{BatchMembers, CreateMember};
use crate::loadbalancer::views;
use crate::loadbalancer::worker::{new_common, Kind};
use crate::policy::{enforce, Target};
use crate::world::World;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateListener {
    loadbalancer_id: String,
    protocol: String,
    protocol_port: u16,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    admin_state_up: Option<bool>,
    #[serde(default)]
    connection_limit: Option<i64>,
    #[serde(default)]
    default_pool_id: Option<String>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    project_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateCommon {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    admin_state_up: Option<bool>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    connection_limit: Option<i64>,
    #[serde(default)]
    default_pool_id: Option<Option<String>>,
    #[serde(default)]
    lb_algorithm: Option<String>,
    #[serde(default)]
    weight: Option<u32>,
    #[serde(default)]
    backup: Option<bool>,
    #[serde(default)]
    monitor_address: Option<Option<String>>,
    #[serde(default)]
    monitor_port: Option<Option<u16>>,
    #[serde(default)]
    delay: Option<u32>,
    #[serde(default)]
    timeout: Option<u32>,
    #[serde(default)]
    max_retries: Option<u32>,
    #[serde(default)]
    max_retries_down: Option<u32>,
    #[serde(default)]
    http_method: Option<String>,
    #[serde(default)]
    url_path: Option<String>,
    #[serde(default)]
    expected_codes: Option<String>,
}

fn listener_for<'a>(w: &'a World, caller: &Caller, id: &str, action: &str) -> Result<&'a Listener, ApiError> {
    let l = w.octavia.listeners.get(id).ok_or_else(|| not_found("Listener", id))?;
    allow(caller, action, &l.c.project_id)?;
    Ok(l)
}

pub async fn list_listeners(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    enforce(SVC, &caller, "os_load-balancer_api:loadbalancer:get_all", Target::default())?;
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
    if req.protocol_port == 0 {
        return Err(bad("Invalid input for field/attribute protocol_port. Value: '0'. Value should be greater or equal to 1"));
    }
    let mut w = s.world();
    lb_mutable(&w, &caller, &req.loadbalancer_id, POST)?;
    let lb_project = w.octavia.loadbalancers[&req.loadbalancer_id].c.project_id.clone();
    if req.project_id.as_ref().is_some_and(|p| *p != lb_project) {
        return Err(bad("Validation failure: project_id must match the load balancer's."));
    }
    if w.octavia.listeners_of(&req.loadbalancer_id).any(|l| l.protocol_port == req.protocol_port) {
        return Err(conflict(format!("Another Listener on this Load Balancer is already using protocol_port {}", req.protocol_port)));
    }
    if let Some(p) = &req.default_pool_id {
        let pool = w.octavia.pools.get(p).filter(|x| x.loadbalancer_id == req.loadbalancer_id);
        pool.ok_or_else(|| not_found("Pool", p))?;
    }
    let c = common_for(&mut w, req.name, req.description, &lb_project, req.admin_state_up, req.tags);
    let id = c.id.clone();
    w.octavia.insert_listener(Listener {
        c,
        loadbalancer_id: req.loadbalancer_id.clone(),
        protocol: req.protocol,
        protocol_port: req.protocol_port,
        connection_limit: req.connection_limit.unwrap_or(-1),
        default_pool_id: req.default_pool_id,
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
    let req: UpdateCommon = body(raw, "listener")?;
    let mut w = s.world();
    let lb_id = listener_for(&w, &caller, &id, PUT)?.loadbalancer_id.clone();
    lb_mutable(&w, &caller, &lb_id, PUT)?;
    if let Some(Some(p)) = &req.default_pool_id {
        w.octavia.pools.get(p).filter(|x| x.loadbalancer_id == lb_id).ok_or_else(|| not_found("Pool", p))?;
    }
    let now = w.now();
    let l = w.octavia.listeners.get_mut(&id).expect("checked");
    touch_common(&mut l.c, now, req.name, req.description, req.admin_state_up, req.tags);
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
    session_persistence: Option<Value>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    project_id: Option<String>,
}

fn pool_for<'a>(w: &'a World, caller: &Caller, id: &str, action: &str) -> Result<&'a Pool, ApiError> {
    let p = w.octavia.pools.get(id).ok_or_else(|| not_found("Pool", id))?;
    allow(caller, action, &p.c.project_id)?;
    Ok(p)
}

pub async fn list_pools(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    enforce(SVC, &caller, "os_load-balancer_api:loadbalancer:get_all", Target::default())?;
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
    if req.session_persistence.as_ref().is_some_and(|v| !v.is_null()) {
        return Err(bad("Validation failure: session persistence is not available on this cloud."));
    }
    let mut w = s.world();
    let lb_id = match (&req.listener_id, &req.loadbalancer_id) {
        (Some(l), _) => {
            let listener = listener_for(&w, &caller, l, POST)?;
            if listener.default_pool_id.is_some() {
                return Err(conflict(format!("Listener {l} already has a default pool")));
            }
            listener.loadbalancer_id.clone()
        }
        (None, Some(lb)) => lb.clone(),
        (None, None) => return Err(bad("Validation failure: loadbalancer_id or listener_id must be specified.")),
    };
    lb_mutable(&w, &caller, &lb_id, POST)?;
    let project = w.octavia.loadbalancers[&lb_id].c.project_id.clone();
    if req.project_id.as_ref().is_some_and(|p| *p != project) {
        return Err(bad("Validation failure: project_id must match the load balancer's."));
    }
    let c = common_for(&mut w, req.name, req.description, &project, req.admin_state_up, req.tags);
    let id = c.id.clone();
    w.octavia.insert_pool(Pool {
        c,
        loadbalancer_id: lb_id.clone(),
        listener_id: req.listener_id.clone(),
        protocol: req.protocol,
        lb_algorithm: req.lb_algorithm,
        healthmonitor_id: None,
    });
    if let Some(l) = req.listener_id.and_then(|l| w.octavia.listeners.get_mut(&l)) {
        l.default_pool_id = Some(id.clone());
    }
    w.begin_child_task(&lb_id, None, Kind::Pool, &id, "create");
    Ok(reply(StatusCode::CREATED, json!({ "pool": views::pool(&w, &w.octavia.pools[&id]) })))
}

pub async fn update_pool(State(s): State<AppState>, caller: Caller, Path(id): Path<String>, JsonBody(raw): JsonBody<Value>) -> ApiResult {
    let req: UpdateCommon = body(raw, "pool")?;
    if let Some(a) = &req.lb_algorithm {
        one_of("lb_algorithm", a, &ALGORITHMS)?;
    }
    let mut w = s.world();
    let pool = pool_for(&w, &caller, &id, PUT)?;
    let lb_id = pool.loadbalancer_id.clone();
    lb_mutable(&w, &caller, &lb_id, PUT)?;
    pool_mutable(pool)?;
    let now = w.now();
    let p = w.octavia.pools.get_mut(&id).expect("checked");
    touch_common(&mut p.c, now, req.name, req.description, req.admin_state_up, req.tags);
    if let Some(a) = req.lb_algorithm {
        p.lb_algorithm = a;
    }
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
    let req: UpdateCommon = body(raw, "member")?;
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateMonitor {
    pool_id: String,
    #[serde(rename = "type")]
    kind: String,
    delay: u32,
    timeout: u32,
    max_retries: u32,
    #[serde(default)]
    max_retries_down: Option<u32>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    admin_state_up: Option<bool>,
    #[serde(default)]
    http_method: Option<String>,
    #[serde(default)]
    url_path: Option<String>,
    #[serde(default)]
    expected_codes: Option<String>,
    #[serde(default)]
    tags: Option<Vec<String>>,
}

fn monitor_for<'a>(w: &'a World, caller: &Caller, id: &str, action: &str) -> Result<&'a HealthMonitor, ApiError> {
    let h = w.octavia.monitors.get(id).ok_or_else(|| not_found("Health Monitor", id))?;
    allow(caller, action, &h.c.project_id)?;
    Ok(h)
}

fn check_retries(max_retries: u32, max_retries_down: u32, delay: u32, timeout: u32) -> Result<(), ApiError> {
    if !(1..=10).contains(&max_retries) {
        return Err(bad(format!(
            "Invalid input for field/attribute max_retries. Value: '{max_retries}'. Value should be between 1 and 10"
        )));
    }
    if !(1..=10).contains(&max_retries_down) {
        return Err(bad(format!(
            "Invalid input for field/attribute max_retries_down. Value: '{max_retries_down}'. Value should be between 1 and 10"
        )));
    }
    if delay == 0 || timeout == 0 {
        return Err(bad("Invalid input for field/attribute delay/timeout. Value should be greater or equal to 1"));
    }
    if timeout > delay {
        return Err(bad("Validation failure: The request timeout value must be less than or equal to the delay value."));
    }
    Ok(())
}

pub async fn list_monitors(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    enforce(SVC, &caller, "os_load-balancer_api:loadbalancer:get_all", Target::default())?;
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
    let down = req.max_retries_down.unwrap_or(3);
    check_retries(req.max_retries, down, req.delay, req.timeout)?;
    let mut w = s.world();
    let pool = mutable_pool(&w, &caller, &req.pool_id, POST)?;
    if pool.healthmonitor_id.is_some() {
        return Err(conflict("This pool already has a health monitor"));
    }
    let http = req.kind.starts_with("HTTP");
    let c = common_for(&mut w, req.name, None, &pool.c.project_id, req.admin_state_up, req.tags);
    let id = c.id.clone();
    w.octavia.monitors.insert(
        id.clone(),
        HealthMonitor {
            c,
            pool_id: req.pool_id.clone(),
            kind: req.kind,
            delay: req.delay,
            timeout: req.timeout,
            max_retries: req.max_retries,
            max_retries_down: down,
            http_method: req.http_method.or_else(|| http.then(|| "GET".into())),
            url_path: req.url_path.or_else(|| http.then(|| "/".into())),
            expected_codes: req.expected_codes.or_else(|| http.then(|| "200".into())),
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
    let req: UpdateCommon = body(raw, "healthmonitor")?;
    let mut w = s.world();
    let h = monitor_for(&w, &caller, &id, PUT)?.clone();
    check_retries(
        req.max_retries.unwrap_or(h.max_retries),
        req.max_retries_down.unwrap_or(h.max_retries_down),
        req.delay.unwrap_or(h.delay),
        req.timeout.unwrap_or(h.timeout),
    )?;
    let pool = mutable_pool(&w, &caller, &h.pool_id, PUT)?;
    let now = w.now();
    let m = w.octavia.monitors.get_mut(&id).expect("checked");
    touch_common(&mut m.c, now, req.name, None, req.admin_state_up, req.tags);
    m.delay = req.delay.unwrap_or(m.delay);
    m.timeout = req.timeout.unwrap_or(m.timeout);
    m.max_retries = req.max_retries.unwrap_or(m.max_retries);
    m.max_retries_down = req.max_retries_down.unwrap_or(m.max_retries_down);
    if req.http_method.is_some() {
        m.http_method = req.http_method;
    }
    if req.url_path.is_some() {
        m.url_path = req.url_path;
    }
    if req.expected_codes.is_some() {
        m.expected_codes = req.expected_codes;
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
