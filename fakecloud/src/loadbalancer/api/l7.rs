//! L7 policies (`/lbaas/l7policies`) and their rules (`/lbaas/l7policies/{id}/rules`): what an
//! HTTP listener does with requests that match. Changes lock the load balancer (and, for a rule,
//! its policy) until the worker has pushed them to the amphorae.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::loadbalancer::model::*;
use crate::loadbalancer::request::{nullable, opt_int};
use crate::loadbalancer::views;
use crate::loadbalancer::worker::{new_common, Kind};
use crate::world::World;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{json, Value};

const GET_ONE: &str = "os_load-balancer_api:child:get_one";
const POST: &str = "os_load-balancer_api:child:post";
const PUT: &str = "os_load-balancer_api:child:put";
const DELETE: &str = "os_load-balancer_api:child:delete";

const ACTIONS: [&str; 4] = ["REDIRECT_TO_POOL", "REDIRECT_TO_URL", "REDIRECT_PREFIX", "REJECT"];
const REDIRECT_CODES: [i64; 5] = [301, 302, 303, 307, 308];
const RULE_TYPES: [&str; 8] =
    ["HOST_NAME", "PATH", "FILE_TYPE", "HEADER", "COOKIE", "SSL_CONN_HAS_CERT", "SSL_VERIFY_RESULT", "SSL_DN_FIELD"];
const COMPARE_TYPES: [&str; 5] = ["REGEX", "STARTS_WITH", "ENDS_WITH", "CONTAINS", "EQUAL_TO"];
/// Octavia's largest position (a 32-bit integer); a policy given none goes last.
const MAX_POSITION: i64 = 2_147_483_647;
/// haproxy stops parsing a policy with more rules than this.
const MAX_RULES: usize = 50;
/// The listener protocols the amphora driver runs L7 policies on.
const L7_PROTOCOLS: [&str; 2] = ["HTTP", "TERMINATED_HTTPS"];

fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<(), ApiError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(bad(format!("Invalid input for field/attribute {field}. Value: '{value}'. Value should be one of: {}", allowed.join(", "))))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreatePolicy {
    listener_id: String,
    action: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    admin_state_up: Option<bool>,
    #[serde(default, deserialize_with = "opt_int")]
    position: Option<i64>,
    #[serde(default)]
    redirect_pool_id: Option<String>,
    #[serde(default)]
    redirect_url: Option<String>,
    #[serde(default)]
    redirect_prefix: Option<String>,
    #[serde(default, deserialize_with = "opt_int")]
    redirect_http_code: Option<i64>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    project_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdatePolicy {
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    admin_state_up: Option<bool>,
    #[serde(default, deserialize_with = "opt_int")]
    position: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    redirect_pool_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    redirect_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    redirect_prefix: Option<Option<String>>,
    #[serde(default, deserialize_with = "opt_int")]
    redirect_http_code: Option<i64>,
    #[serde(default)]
    tags: Option<Vec<String>>,
}

/// An absolute http(s) URL, as Octavia's URL type takes one.
fn check_url(field: &str, url: &str) -> Result<(), ApiError> {
    let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') && !url.chars().any(|c| c.is_whitespace() || c.is_control()) => Ok(()),
        _ => Err(bad(format!("Invalid input for field/attribute {field}. Value: '{url}'. Value should be a valid URL"))),
    }
}

/// The redirect a policy ends up with: its action and target, made consistent as Octavia does
/// (a target implies its action; the other targets are cleared).
struct Redirect {
    action: String,
    pool: Option<String>,
    url: Option<String>,
    prefix: Option<String>,
    code: Option<u16>,
}

fn resolve_redirect(mut r: Redirect, code_given: Option<i64>) -> Result<Redirect, ApiError> {
    let invalid = |m: &str| bad(format!("Invalid L7 Policy arguments: {m}"));
    if let Some(c) = code_given {
        if !REDIRECT_CODES.contains(&c) {
            return Err(bad(format!(
                "Invalid input for field/attribute redirect_http_code. Value: '{c}'. Value should be one of: 301, 302, 303, 307, 308"
            )));
        }
    }
    match r.action.as_str() {
        "REJECT" => {
            r.url = None;
            r.pool = None;
        }
        "REDIRECT_TO_URL" if r.url.is_none() => return Err(invalid("redirect_url must not be None")),
        "REDIRECT_TO_POOL" if r.pool.is_none() => return Err(invalid("redirect_pool_id or redirect_pool must not be None")),
        "REDIRECT_PREFIX" if r.prefix.is_none() => return Err(invalid("redirect_prefix must not be None")),
        _ => {}
    }
    if r.pool.is_some() && (r.url.is_some() || r.prefix.is_some()) {
        return Err(invalid("Cannot specify redirect_pool_id and redirect_url or redirect_prefix at the same time"));
    }
    if r.pool.is_some() {
        r.action = "REDIRECT_TO_POOL".into();
        (r.url, r.prefix, r.code) = (None, None, None);
    } else if let Some(u) = &r.url {
        check_url("redirect_url", u)?;
        r.action = "REDIRECT_TO_URL".into();
        r.prefix = None;
        r.code = Some(code_given.map(|c| c as u16).or(r.code).unwrap_or(302));
    } else if let Some(p) = &r.prefix {
        check_url("redirect_prefix", p)?;
        r.action = "REDIRECT_PREFIX".into();
        r.code = Some(code_given.map(|c| c as u16).or(r.code).unwrap_or(302));
    } else {
        r.code = None;
    }
    Ok(r)
}

fn position(v: Option<i64>) -> Result<Option<u32>, ApiError> {
    match v {
        Some(p) if !(1..=MAX_POSITION).contains(&p) => {
            Err(bad(format!("Invalid input for field/attribute position. Value: '{p}'. Value should be between 1 and {MAX_POSITION}")))
        }
        Some(p) => Ok(Some(p.min(u32::MAX as i64) as u32)),
        None => Ok(None),
    }
}

fn policy_for<'a>(w: &'a World, caller: &Caller, id: &str, action: &str) -> Result<&'a L7Policy, ApiError> {
    let p = w.octavia.l7policies.get(id).ok_or_else(|| not_found("L7 Policy", id))?;
    allow(caller, action, &p.c.project_id)?;
    Ok(p)
}

/// The load balancer of a listener, which must be ACTIVE (as must the listener) for a change.
fn mutable_listener_lb(w: &World, caller: &Caller, listener_id: &str, action: &str) -> Result<String, ApiError> {
    let l = w.octavia.listeners.get(listener_id).ok_or_else(|| not_found("Listener", listener_id))?;
    let lb = lb_for(w, caller, &l.loadbalancer_id, action)?;
    if lb.c.provisioning_status != ACTIVE {
        return Err(immutable("Load Balancer", &lb.c.id));
    }
    if l.c.provisioning_status != ACTIVE {
        return Err(immutable("Listener", listener_id));
    }
    Ok(lb.c.id.clone())
}

fn redirect_pool_fits(w: &World, listener_id: &str, pool_id: &str) -> Result<(), ApiError> {
    let lb = w.octavia.listeners.get(listener_id).map(|l| l.loadbalancer_id.clone()).unwrap_or_default();
    w.octavia.pools.get(pool_id).filter(|p| p.loadbalancer_id == lb).ok_or_else(|| not_found("Pool", pool_id))?;
    Ok(())
}

pub async fn list_policies(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    own_project(&caller, "os_load-balancer_api:loadbalancer:get_all")?;
    kept_list(&s, &caller, &base, &params, ("l7policies", "lbaas/l7policies", &views::L7POLICY_ATTRS), |w| {
        let keep = prefilter(&caller, &params);
        w.octavia.l7policies.values().filter(|p| keep(&p.c)).map(|p| views::l7policy(w, p)).collect()
    })
    .await
}

pub async fn show_policy(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let w = s.world();
    let p = policy_for(&w, &caller, &id, GET_ONE)?;
    Ok(reply(StatusCode::OK, json!({ "l7policy": views::l7policy(&w, p) })))
}

pub async fn create_policy(State(s): State<AppState>, caller: Caller, JsonBody(raw): JsonBody<Value>) -> ApiResult {
    let req: CreatePolicy = body(raw, "l7policy")?;
    one_of("action", &req.action, &ACTIONS)?;
    let pos = position(req.position)?.unwrap_or(MAX_POSITION as u32);
    let redirect = resolve_redirect(
        Redirect { action: req.action, pool: req.redirect_pool_id, url: req.redirect_url, prefix: req.redirect_prefix, code: None },
        req.redirect_http_code,
    )?;
    let mut w = s.world();
    let listener = w.octavia.listeners.get(&req.listener_id).ok_or_else(|| not_found("Listener", &req.listener_id))?;
    let (project, protocol) = (listener.c.project_id.clone(), listener.protocol.clone());
    allow(&caller, POST, &project)?;
    if req.project_id.as_ref().is_some_and(|p| *p != project) {
        return Err(bad("Validation failure: project_id must match the listener's."));
    }
    if let Some(p) = &redirect.pool {
        redirect_pool_fits(&w, &req.listener_id, p)?;
    }
    if !L7_PROTOCOLS.contains(&protocol.as_str()) {
        let provider = w.octavia.loadbalancers.get(&listener.loadbalancer_id).map(|l| l.provider.clone()).unwrap_or_default();
        return Err(ApiError::new(
            SVC,
            StatusCode::NOT_IMPLEMENTED,
            format!("Provider '{provider}' does not support a requested option: {protocol} protocol listeners do not support L7 policies"),
        ));
    }
    let lb_id = mutable_listener_lb(&w, &caller, &req.listener_id, POST)?;
    super::quotas::check_quota(&w, &project, crate::loadbalancer::model::QuotaResource::L7Policy, 1)?;
    let now = w.now();
    let id = w.sim.ids.uuid();
    let seq = w.octavia.seq();
    let mut c = new_common(id.clone(), seq, req.name.unwrap_or_default(), project, req.admin_state_up.unwrap_or(true), now);
    c.description = req.description.unwrap_or_default();
    c.tags = req.tags.unwrap_or_default();
    w.octavia.l7policies.insert(
        id.clone(),
        L7Policy {
            c,
            listener_id: req.listener_id,
            action: redirect.action,
            position: u32::MAX,
            redirect_pool_id: redirect.pool,
            redirect_url: redirect.url,
            redirect_prefix: redirect.prefix,
            redirect_http_code: redirect.code,
        },
    );
    w.octavia.place_l7policy(&id, pos);
    w.begin_child_task(&lb_id, None, Kind::L7Policy, &id, "create");
    Ok(reply(StatusCode::CREATED, json!({ "l7policy": views::l7policy(&w, &w.octavia.l7policies[&id]) })))
}

pub async fn update_policy(State(s): State<AppState>, caller: Caller, Path(id): Path<String>, JsonBody(raw): JsonBody<Value>) -> ApiResult {
    let req: UpdatePolicy = body(raw, "l7policy")?;
    if let Some(a) = &req.action {
        one_of("action", a, &ACTIONS)?;
    }
    let pos = position(req.position)?;
    let mut w = s.world();
    let p = policy_for(&w, &caller, &id, PUT)?.clone();
    // A new target replaces the old one; the action follows the target given.
    let targets_given = req.redirect_pool_id.is_some() || req.redirect_url.is_some() || req.redirect_prefix.is_some();
    let keep = |given: Option<Option<String>>, old: Option<String>| if targets_given { given.flatten() } else { old };
    let action = match &req.action {
        Some(a) => a.clone(),
        None if targets_given => String::new(),
        None => p.action.clone(),
    };
    let mut r = Redirect {
        action,
        pool: keep(req.redirect_pool_id, p.redirect_pool_id.clone()),
        url: keep(req.redirect_url, p.redirect_url.clone()),
        prefix: keep(req.redirect_prefix, p.redirect_prefix.clone()),
        code: p.redirect_http_code,
    };
    if req.action.is_some() && !targets_given {
        // Changing the action alone keeps only the target that action uses.
        match r.action.as_str() {
            "REDIRECT_TO_POOL" => (r.url, r.prefix) = (None, None),
            "REDIRECT_TO_URL" => (r.pool, r.prefix) = (None, None),
            "REDIRECT_PREFIX" => (r.pool, r.url) = (None, None),
            _ => {}
        }
    }
    if r.action.is_empty() {
        r.action = if r.pool.is_some() {
            "REDIRECT_TO_POOL"
        } else if r.url.is_some() {
            "REDIRECT_TO_URL"
        } else if r.prefix.is_some() {
            "REDIRECT_PREFIX"
        } else {
            "REJECT"
        }
        .into();
    }
    let r = resolve_redirect(r, req.redirect_http_code)?;
    if let Some(pool) = &r.pool {
        redirect_pool_fits(&w, &p.listener_id, pool)?;
    }
    let lb_id = mutable_listener_lb(&w, &caller, &p.listener_id, PUT)?;
    if p.c.provisioning_status != ACTIVE {
        return Err(immutable("L7 Policy", &id));
    }
    let now = w.now();
    let m = w.octavia.l7policies.get_mut(&id).expect("checked");
    if let Some(n) = req.name {
        m.c.name = n;
    }
    if let Some(d) = req.description {
        m.c.description = d;
    }
    if let Some(a) = req.admin_state_up {
        m.c.admin_state_up = a;
    }
    if let Some(t) = req.tags {
        m.c.tags = t;
    }
    m.c.provisioning_status = PENDING_UPDATE.into();
    m.c.updated_at = Some(now);
    (m.action, m.redirect_pool_id, m.redirect_url, m.redirect_prefix, m.redirect_http_code) = (r.action, r.pool, r.url, r.prefix, r.code);
    if let Some(pos) = pos {
        w.octavia.place_l7policy(&id, pos);
    }
    w.begin_child_task(&lb_id, None, Kind::L7Policy, &id, "update");
    Ok(reply(StatusCode::OK, json!({ "l7policy": views::l7policy(&w, &w.octavia.l7policies[&id]) })))
}

pub async fn delete_policy(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let mut w = s.world();
    let p = policy_for(&w, &caller, &id, DELETE)?;
    if p.c.provisioning_status == PENDING_DELETE {
        return Err(immutable("L7 Policy", &id));
    }
    let listener = p.listener_id.clone();
    let lb_id = mutable_listener_lb(&w, &caller, &listener, DELETE)?;
    w.set_child_status(Kind::L7Policy, &id, PENDING_DELETE);
    w.begin_child_task(&lb_id, None, Kind::L7Policy, &id, "delete");
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---------------------------------------------------------------------------------------------
// Rules

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateRule {
    #[serde(rename = "type")]
    kind: String,
    compare_type: String,
    value: String,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    invert: Option<bool>,
    #[serde(default)]
    admin_state_up: Option<bool>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    project_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateRule {
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    compare_type: Option<String>,
    #[serde(default)]
    value: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    key: Option<Option<String>>,
    #[serde(default)]
    invert: Option<bool>,
    #[serde(default)]
    admin_state_up: Option<bool>,
    #[serde(default)]
    tags: Option<Vec<String>>,
}

/// A rule's type, comparison, key and value, as Octavia's validator checks them together.
fn check_rule(kind: &str, compare: &str, key: Option<&str>, value: &str) -> Result<(), ApiError> {
    one_of("type", kind, &RULE_TYPES)?;
    one_of("compare_type", compare, &COMPARE_TYPES)?;
    let invalid = |m: &str| bad(format!("Invalid L7 Rule: {m}"));
    for (field, v) in [("key", key.unwrap_or_default()), ("value", value)] {
        if v.len() > 255 || v.contains(['\r', '\n']) {
            return Err(bad(format!(
                "Invalid input for field/attribute {field}. Value: '{v}'. Value should match the pattern ^[^\\r\\n]*$"
            )));
        }
    }
    if value.is_empty() {
        return Err(invalid("L7 rule type requires a value"));
    }
    let value_ok = |what: &str| -> Result<(), ApiError> {
        if compare == "REGEX" {
            regex::Regex::new(value).map(|_| ()).map_err(|_| invalid(&format!("Unable to parse regular expression: {value}")))
        } else if value.chars().any(|c| c.is_whitespace() && c != ' ') || (value.contains(' ') && !value.starts_with('"')) {
            Err(invalid(&format!("{what} must be a quoted string when it contains whitespace")))
        } else {
            Ok(())
        }
    };
    match kind {
        "HEADER" | "COOKIE" => {
            let k = key.filter(|k| !k.is_empty()).ok_or_else(|| invalid("L7 rule type requires a key"))?;
            if k.chars().any(|c| c.is_whitespace() || c.is_control() || "()<>@,;:\\\"/[]?={}".contains(c)) {
                return Err(invalid("key contains invalid characters"));
            }
            value_ok(if kind == "HEADER" { "header value" } else { "cookie value" })
        }
        "HOST_NAME" | "PATH" => value_ok("comparison value"),
        "FILE_TYPE" => {
            if !matches!(compare, "REGEX" | "EQUAL_TO") {
                return Err(invalid("invalid comparison type for rule type"));
            }
            value_ok("comparison value")
        }
        "SSL_CONN_HAS_CERT" => {
            if key.is_some_and(|k| !k.is_empty()) {
                Err(invalid(&format!("L7rule type {kind} does not use the \"key\" field.")))
            } else if !value.eq_ignore_ascii_case("true") {
                Err(invalid(&format!("L7rule value {value} is not a boolean True string.")))
            } else if compare != "EQUAL_TO" {
                Err(invalid(&format!("L7rule type {kind} only supports the EQUAL_TO compare type.")))
            } else {
                Ok(())
            }
        }
        "SSL_VERIFY_RESULT" => {
            if key.is_some_and(|k| !k.is_empty()) {
                Err(invalid(&format!("L7rule type {kind} does not use the \"key\" field.")))
            } else if value.parse::<u32>().is_err() {
                Err(invalid(&format!("L7rule type {kind} needs a int value, which is >= 0")))
            } else if compare != "EQUAL_TO" {
                Err(invalid(&format!("L7rule type {kind} only supports the EQUAL_TO compare type.")))
            } else {
                Ok(())
            }
        }
        _ => {
            if key.is_none_or(|k| k.is_empty()) {
                Err(invalid(&format!("L7rule type {kind} needs to specify a key and a value.")))
            } else if matches!(compare, "STARTS_WITH" | "ENDS_WITH" | "CONTAINS" | "EQUAL_TO" | "REGEX") {
                Ok(())
            } else {
                Err(invalid("invalid comparison type for rule type"))
            }
        }
    }
}

fn rule_in<'a>(w: &'a World, policy_id: &str, id: &str) -> Result<&'a L7Rule, ApiError> {
    w.octavia.l7rules.get(id).filter(|r| r.l7policy_id == policy_id).ok_or_else(|| not_found("L7 Rule", id))
}

/// Locks a policy's load balancer and the policy for a rule change (both must be ACTIVE).
fn begin_rule_task(w: &mut World, caller: &Caller, policy_id: &str, rule_id: &str, op: &str, action: &str) -> Result<(), ApiError> {
    let p = w.octavia.l7policies.get(policy_id).ok_or_else(|| not_found("L7 Policy", policy_id))?;
    let listener = p.listener_id.clone();
    let lb_id = mutable_listener_lb(w, caller, &listener, action)?;
    if p.c.provisioning_status != ACTIVE {
        return Err(immutable("L7 Policy", policy_id));
    }
    w.octavia.l7policies.get_mut(policy_id).expect("checked").c.provisioning_status = PENDING_UPDATE.into();
    w.begin_child_task(&lb_id, None, Kind::L7Rule, rule_id, op);
    Ok(())
}

pub async fn list_rules(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(policy_id): Path<String>,
    params: Params,
) -> ApiResult {
    let w = s.world();
    policy_for(&w, &caller, &policy_id, GET_ONE)?;
    let keep = prefilter(&caller, &params);
    let items = w.octavia.l7rules_of(&policy_id).filter(|r| keep(&r.c)).map(views::l7rule).collect();
    list_reply("rules", &format!("lbaas/l7policies/{policy_id}/rules"), &base, items, &params, &views::L7RULE_ATTRS)
}

pub async fn show_rule(State(s): State<AppState>, caller: Caller, Path((policy_id, id)): Path<(String, String)>) -> ApiResult {
    let w = s.world();
    policy_for(&w, &caller, &policy_id, GET_ONE)?;
    Ok(reply(StatusCode::OK, json!({ "rule": views::l7rule(rule_in(&w, &policy_id, &id)?) })))
}

pub async fn create_rule(
    State(s): State<AppState>,
    caller: Caller,
    Path(policy_id): Path<String>,
    JsonBody(raw): JsonBody<Value>,
) -> ApiResult {
    let req: CreateRule = body(raw, "rule")?;
    check_rule(&req.kind, &req.compare_type, req.key.as_deref(), &req.value)?;
    let mut w = s.world();
    let project = policy_for(&w, &caller, &policy_id, POST)?.c.project_id.clone();
    if req.project_id.as_ref().is_some_and(|p| *p != project) {
        return Err(bad("Validation failure: project_id must match the L7 policy's."));
    }
    if w.octavia.l7rules_of(&policy_id).count() >= MAX_RULES {
        return Err(conflict(format!("Too many rules already exist on L7 policy {policy_id}: the limit is {MAX_RULES}.")));
    }
    super::quotas::check_quota(&w, &project, crate::loadbalancer::model::QuotaResource::L7Rule, 1)?;
    let now = w.now();
    let id = w.sim.ids.uuid();
    let seq = w.octavia.seq();
    // Checked before the rule exists, so a refusal leaves nothing behind.
    let p = w.octavia.l7policies.get(&policy_id).expect("checked");
    mutable_listener_lb(&w, &caller, &p.listener_id.clone(), POST)?;
    if p.c.provisioning_status != ACTIVE {
        return Err(immutable("L7 Policy", &policy_id));
    }
    let mut c = new_common(id.clone(), seq, String::new(), project, req.admin_state_up.unwrap_or(true), now);
    c.tags = req.tags.unwrap_or_default();
    w.octavia.l7rules.insert(
        id.clone(),
        L7Rule {
            c,
            l7policy_id: policy_id.clone(),
            kind: req.kind,
            compare_type: req.compare_type,
            key: req.key,
            value: req.value,
            invert: req.invert.unwrap_or(false),
        },
    );
    begin_rule_task(&mut w, &caller, &policy_id, &id, "create", POST)?;
    Ok(reply(StatusCode::CREATED, json!({ "rule": views::l7rule(&w.octavia.l7rules[&id]) })))
}

pub async fn update_rule(
    State(s): State<AppState>,
    caller: Caller,
    Path((policy_id, id)): Path<(String, String)>,
    JsonBody(raw): JsonBody<Value>,
) -> ApiResult {
    let req: UpdateRule = body(raw, "rule")?;
    let mut w = s.world();
    policy_for(&w, &caller, &policy_id, PUT)?;
    let r = rule_in(&w, &policy_id, &id)?.clone();
    let kind = req.kind.unwrap_or(r.kind);
    let compare = req.compare_type.unwrap_or(r.compare_type);
    let key = req.key.unwrap_or(r.key);
    let value = req.value.unwrap_or(r.value);
    check_rule(&kind, &compare, key.as_deref(), &value)?;
    let p = w.octavia.l7policies.get(&policy_id).expect("checked");
    mutable_listener_lb(&w, &caller, &p.listener_id.clone(), PUT)?;
    if p.c.provisioning_status != ACTIVE {
        return Err(immutable("L7 Policy", &policy_id));
    }
    let now = w.now();
    let m = w.octavia.l7rules.get_mut(&id).expect("checked");
    (m.kind, m.compare_type, m.key, m.value) = (kind, compare, key, value);
    if let Some(i) = req.invert {
        m.invert = i;
    }
    if let Some(a) = req.admin_state_up {
        m.c.admin_state_up = a;
    }
    if let Some(t) = req.tags {
        m.c.tags = t;
    }
    m.c.provisioning_status = PENDING_UPDATE.into();
    m.c.updated_at = Some(now);
    begin_rule_task(&mut w, &caller, &policy_id, &id, "update", PUT)?;
    Ok(reply(StatusCode::OK, json!({ "rule": views::l7rule(&w.octavia.l7rules[&id]) })))
}

pub async fn delete_rule(State(s): State<AppState>, caller: Caller, Path((policy_id, id)): Path<(String, String)>) -> ApiResult {
    let mut w = s.world();
    policy_for(&w, &caller, &policy_id, DELETE)?;
    let r = rule_in(&w, &policy_id, &id)?;
    if r.c.provisioning_status == PENDING_DELETE {
        return Err(immutable("L7 Rule", &id));
    }
    let p = w.octavia.l7policies.get(&policy_id).expect("checked");
    mutable_listener_lb(&w, &caller, &p.listener_id.clone(), DELETE)?;
    if p.c.provisioning_status != ACTIVE {
        return Err(immutable("L7 Policy", &policy_id));
    }
    w.set_child_status(Kind::L7Rule, &id, PENDING_DELETE);
    begin_rule_task(&mut w, &caller, &policy_id, &id, "delete", DELETE)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
