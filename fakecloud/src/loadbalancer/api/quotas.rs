//! Quotas: per project, how many load balancers, listeners, pools, members, health monitors, L7
//! policies and rules it may hold. An admin sets and resets them; a project reads its own. Replies
//! carry both the current keys and the misspelled ones Octavia still returns (`load_balancer`,
//! `health_monitor`).

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::loadbalancer::model::{LbQuota, QuotaResource};
use crate::policy::{enforce, Target};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{json, Map, Value};

/// Octavia's `MIN_QUOTA` and `MAX_QUOTA`.
const MIN_QUOTA: i64 = -1;
const MAX_QUOTA: i64 = 2_000_000_000;

const QUOTA_ATTRS: [&str; 10] =
    ["project_id", "loadbalancer", "load_balancer", "listener", "member", "pool", "healthmonitor", "health_monitor", "l7policy", "l7rule"];

fn rule(action: &str) -> String {
    format!("os_load-balancer_api:quota:{action}")
}

fn for_project(caller: &Caller, action: &str, project_id: &str) -> Result<(), ApiError> {
    enforce(SVC, caller, &rule(action), Target { project_id: Some(project_id), user_id: None })
}

fn limits(q: &LbQuota) -> Map<String, Value> {
    let l = |r| json!(q.limit(r));
    let mut m = Map::new();
    m.insert("loadbalancer".into(), l(QuotaResource::LoadBalancer));
    m.insert("load_balancer".into(), l(QuotaResource::LoadBalancer));
    m.insert("listener".into(), l(QuotaResource::Listener));
    m.insert("member".into(), l(QuotaResource::Member));
    m.insert("pool".into(), l(QuotaResource::Pool));
    m.insert("healthmonitor".into(), l(QuotaResource::HealthMonitor));
    m.insert("health_monitor".into(), l(QuotaResource::HealthMonitor));
    m.insert("l7policy".into(), l(QuotaResource::L7Policy));
    m.insert("l7rule".into(), l(QuotaResource::L7Rule));
    m
}

fn quota_view(project_id: &str, q: &LbQuota) -> Value {
    let mut m = limits(q);
    m.insert("project_id".into(), json!(project_id));
    Value::Object(m)
}

/// `GET /quotas`: the projects with a quota row (a reader sees only their own project's).
pub async fn list(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    let global = enforce(SVC, &caller, &rule("get_all-global"), Target { project_id: caller.project_id.as_deref(), user_id: None }).is_ok();
    if !global {
        own_project(&caller, &rule("get_all"))?;
    }
    let w = s.world();
    let items = w
        .octavia
        .quotas
        .iter()
        .filter(|(p, _)| global || caller.project_id.as_deref() == Some(p.as_str()))
        .map(|(p, q)| quota_view(p, q))
        .collect();
    list_reply("quotas", "lbaas/quotas", &base, items, &params, &[&QUOTA_ATTRS])
}

/// `GET /quotas/defaults`: the deployment's defaults.
pub async fn defaults(caller: Caller) -> ApiResult {
    own_project(&caller, &rule("get_defaults"))?;
    Ok(reply(StatusCode::OK, json!({ "quota": Value::Object(limits(&LbQuota::default())) })))
}

/// `GET /quotas/{project_id}/default`: the defaults as they apply to one project.
pub async fn project_defaults(caller: Caller, Path(project_id): Path<String>) -> ApiResult {
    for_project(&caller, "get_defaults", &project_id)?;
    Ok(reply(StatusCode::OK, json!({ "quota": quota_view(&project_id, &LbQuota::default()) })))
}

pub async fn show(State(s): State<AppState>, caller: Caller, Path(project_id): Path<String>) -> ApiResult {
    for_project(&caller, "get_one", &project_id)?;
    let w = s.world();
    let q = w.octavia.quotas.get(&project_id).cloned().unwrap_or_default();
    Ok(reply(StatusCode::OK, json!({ "quota": quota_view(&project_id, &q) })))
}

/// One limit from the body: an integer in [-1, 2000000000], or null for the default.
fn limit_value(field: &str, v: &Value) -> Result<Option<i64>, ApiError> {
    let invalid = |why: String| bad(format!("Invalid input for field/attribute {field}. Value: '{v}'. {why}"));
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => {
            let Some(x) = n.as_i64() else { return Err(invalid("Value should be an integer".into())) };
            if x < MIN_QUOTA {
                return Err(invalid(format!("Value should be greater or equal to {MIN_QUOTA}")));
            }
            if x > MAX_QUOTA {
                return Err(invalid(format!("Value should be lower or equal to {MAX_QUOTA}")));
            }
            Ok(Some(x))
        }
        Value::String(s) => match s.trim().parse::<i64>() {
            Ok(x) => limit_value(field, &json!(x)),
            Err(_) => Err(invalid(format!("invalid literal for int() with base 10: '{s}'"))),
        },
        _ => Err(invalid("Value should be an integer".into())),
    }
}

/// The limits a PUT names, in body order; the current names win over the misspelled ones.
fn parse_update(raw: Value) -> Result<Vec<(QuotaResource, Option<i64>)>, ApiError> {
    let Value::Object(mut outer) = raw else { return Err(bad("Invalid input: the request body must be a JSON object.")) };
    let inner =
        outer.remove("quota").ok_or_else(|| bad("Invalid input for field/attribute quota. Value: None. Mandatory field missing."))?;
    if let Some(extra) = outer.keys().next() {
        return Err(bad(format!("Invalid input: unknown attribute '{extra}' beside 'quota'.")));
    }
    let Value::Object(fields) = inner else {
        return Err(bad(format!("Invalid input for field/attribute quota. Value: '{inner}'. Value should be an object")));
    };
    let mut old = vec![];
    let mut new = vec![];
    for (k, v) in &fields {
        let (r, current) = match k.as_str() {
            "loadbalancer" => (QuotaResource::LoadBalancer, true),
            "load_balancer" => (QuotaResource::LoadBalancer, false),
            "healthmonitor" => (QuotaResource::HealthMonitor, true),
            "health_monitor" => (QuotaResource::HealthMonitor, false),
            "listener" => (QuotaResource::Listener, true),
            "member" => (QuotaResource::Member, true),
            "pool" => (QuotaResource::Pool, true),
            "l7policy" => (QuotaResource::L7Policy, true),
            "l7rule" => (QuotaResource::L7Rule, true),
            _ => {
                return Err(bad(format!(
                    "Invalid input for field/attribute quota. Value: '{}'. Unknown attribute for argument quota: {k}",
                    Value::Object(fields.clone())
                )))
            }
        };
        let x = limit_value(k, v)?;
        if current {
            new.push((r, x))
        } else {
            old.push((r, x))
        }
    }
    old.extend(new);
    Ok(old)
}

/// `PUT /quotas/{project_id}`: 202 with the project's quotas as they now are.
pub async fn update(
    State(s): State<AppState>,
    caller: Caller,
    Path(project_id): Path<String>,
    JsonBody(raw): JsonBody<Value>,
) -> ApiResult {
    for_project(&caller, "put", &project_id)?;
    let changes = parse_update(raw)?;
    let mut w = s.world();
    let q = w.octavia.quotas.entry(project_id.clone()).or_default();
    for (r, x) in changes {
        *q.slot(r) = x;
    }
    let view = quota_view(&project_id, q);
    Ok(reply(StatusCode::ACCEPTED, json!({ "quota": view })))
}

/// `DELETE /quotas/{project_id}`: the project's row goes; the defaults apply again.
pub async fn reset(State(s): State<AppState>, caller: Caller, Path(project_id): Path<String>) -> ApiResult {
    for_project(&caller, "delete", &project_id)?;
    s.world().octavia.quotas.remove(&project_id);
    Ok(StatusCode::ACCEPTED.into_response())
}

/// Octavia's refusal when a create would take a project past its quota.
pub(crate) fn quota_met(r: QuotaResource) -> ApiError {
    ApiError::new(SVC, StatusCode::FORBIDDEN, format!("Quota has been met for resources: {}", r.display()))
}

/// The quota check every create makes before it changes anything.
pub(crate) fn check_quota(w: &crate::world::World, project_id: &str, r: QuotaResource, count: usize) -> Result<(), ApiError> {
    if count > 0 && w.octavia.quota_met(project_id, r, count) {
        return Err(quota_met(r));
    }
    Ok(())
}
