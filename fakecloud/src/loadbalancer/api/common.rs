//! What every Octavia handler shares: the error helpers, request bodies, visibility and policy, the
//! load balancer lookup, and the list machinery (filters on any field, `fields`, marker pagination
//! with `<plural>_links`); then what the listener, pool, member and health monitor handlers share.

use crate::auth::Caller;
use crate::http::error::ApiError;
use crate::http::extract::Params;
use crate::http::service::Service;
use crate::loadbalancer::model::{Common, Listener, LoadBalancer, OctaviaError, Pool, ACTIVE, PENDING_DELETE, PENDING_UPDATE};
use crate::loadbalancer::worker::{new_common, Kind};
use crate::policy::{enforce, Target};
use crate::world::World;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::cmp::Ordering;

pub(crate) const SVC: Service = crate::loadbalancer::SERVICE;

pub type ApiResult = Result<Response, ApiError>;

pub(crate) fn not_found(what: &str, id: &str) -> ApiError {
    ApiError::not_found(SVC, format!("{what} {id} not found."))
}

pub(crate) fn bad(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(SVC, message)
}

pub(crate) fn conflict(message: impl Into<String>) -> ApiError {
    ApiError::new(SVC, StatusCode::CONFLICT, message)
}

pub(crate) fn immutable(what: &str, id: &str) -> ApiError {
    conflict(format!("{what} {id} is immutable and cannot be updated."))
}

impl From<OctaviaError> for ApiError {
    fn from(e: OctaviaError) -> ApiError {
        match e {
            OctaviaError::BadRequest(m) => bad(m),
            OctaviaError::Conflict(m) => conflict(m),
        }
    }
}

pub(crate) fn refused(r: crate::loadbalancer::worker::LbRefused) -> ApiError {
    ApiError::new(SVC, StatusCode::from_u16(r.0).unwrap_or(StatusCode::BAD_REQUEST), r.1)
}

/// `{"<key>": {...}}` into `T`, with Octavia's wording for what it refuses.
pub(crate) fn body<T: DeserializeOwned>(raw: Value, key: &str) -> Result<T, ApiError> {
    let Value::Object(mut outer) = raw else { return Err(bad("Invalid input: the request body must be a JSON object.")) };
    let inner =
        outer.remove(key).ok_or_else(|| bad(format!("Invalid input for field/attribute {key}. Value: None. Mandatory field missing.")))?;
    if let Some(extra) = outer.keys().next() {
        return Err(bad(format!("Invalid input: unknown attribute '{extra}' beside '{key}'.")));
    }
    crate::http::extract::from_value_strict(&inner).map_err(|e| bad(format!("Invalid input for field/attribute {key}. Value: {e}")))
}

pub(crate) fn reply(status: StatusCode, v: Value) -> Response {
    (status, Json(v)).into_response()
}

/// Whether the caller may see objects of `project_id` (their own, or any for an admin).
pub(crate) fn visible(caller: &Caller, project_id: &str) -> bool {
    caller.is_admin() || caller.project_id.as_deref() == Some(project_id)
}

/// Policy for one object: another project's object is refused as Octavia does (403).
pub(crate) fn allow(caller: &Caller, action: &str, project_id: &str) -> Result<(), ApiError> {
    enforce(SVC, caller, action, Target { project_id: Some(project_id), user_id: None })
}

/// Policy for an action on the caller's own project (lists, and the operator's catalogue): a
/// token with no reader role there is refused, as Octavia's `load-balancer:read` rule does.
pub(crate) fn own_project(caller: &Caller, action: &str) -> Result<(), ApiError> {
    enforce(SVC, caller, action, Target { project_id: caller.project_id.as_deref(), user_id: None })
}

/// A load balancer the caller may act on with `action`; 404 if absent, 403 if another project's.
pub(crate) fn lb_for<'a>(w: &'a World, caller: &Caller, id: &str, action: &str) -> Result<&'a LoadBalancer, ApiError> {
    let lb = w.octavia.loadbalancers.get(id).ok_or_else(|| not_found("Load Balancer", id))?;
    allow(caller, action, &lb.c.project_id)?;
    Ok(lb)
}

const CONTROL_KEYS: [&str; 11] =
    ["limit", "marker", "page_reverse", "sort", "sort_key", "sort_dir", "fields", "tags", "tags-any", "not-tags", "not-tags-any"];

/// Cheap pre-filters on the stored fields, so a `?name=` lookup does not render every object. The
/// query is read once, not per object.
pub(crate) fn prefilter<'a>(caller: &'a Caller, params: &'a Params) -> impl Fn(&crate::loadbalancer::model::Common) -> bool + 'a {
    let (name, id, project, status) = (params.get("name"), params.get("id"), params.get("project_id"), params.get("provisioning_status"));
    move |c| {
        name.is_none_or(|n| n == c.name)
            && id.is_none_or(|i| i == c.id)
            && project.is_none_or(|p| p == c.project_id)
            && status.is_none_or(|s| s == c.provisioning_status)
            && visible(caller, &c.project_id)
    }
}

fn value_matches(have: &Value, want: &str) -> bool {
    match have {
        Value::String(s) => s == want,
        Value::Bool(b) => want.eq_ignore_ascii_case(if *b { "true" } else { "false" }),
        Value::Number(n) => n.to_string() == want,
        Value::Null => want.is_empty() || want == "None",
        Value::Array(items) => items.iter().any(|i| value_matches(i, want) || i.get("id").is_some_and(|id| value_matches(id, want))),
        Value::Object(_) => false,
    }
}

/// JSON values in the order a database sorts their columns: nulls first, then by value.
fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Number(x), Value::Number(y)) => x.as_f64().unwrap_or(0.0).total_cmp(&y.as_f64().unwrap_or(0.0)),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => a.to_string().cmp(&b.to_string()),
    }
}

/// The sort keys of a list query (`sort=k1:dir,k2` or `sort_key`/`sort_dir`), each checked
/// against the object's attributes, then Octavia's default keys (`created_at`, `id`) ascending.
fn sort_keys(params: &Params, attrs: &[&[&str]]) -> Result<Vec<(String, bool)>, ApiError> {
    let dir = |d: &str| match d.to_ascii_lowercase().as_str() {
        "asc" => Ok(false),
        "desc" => Ok(true),
        other => Err(bad(format!("Supplied sort direction '{other}' is not valid."))),
    };
    let mut keys = vec![];
    if let Some(sort) = params.get("sort") {
        for part in sort.split(',') {
            let comps: Vec<&str> = part.split(':').collect();
            match comps.as_slice() {
                [k] => keys.push((k.to_string(), false)),
                [k, d] => keys.push((k.to_string(), dir(d)?)),
                _ => return Err(bad(format!("Supplied sort key '{comps:?}' is not valid."))),
            }
        }
    } else if let Some(ks) = params.get("sort_key") {
        let dirs: Vec<&str> = params.get("sort_dir").map(|d| d.split(',').collect()).unwrap_or_default();
        for (i, k) in ks.split(',').enumerate() {
            keys.push((k.to_string(), dirs.get(i).map(|d| dir(d)).transpose()?.unwrap_or(false)));
        }
    }
    for (k, _) in &keys {
        if !attrs.iter().any(|a| a.contains(&k.as_str())) {
            return Err(bad(format!("Supplied sort key '{k}' is not valid.")));
        }
    }
    for default in ["created_at", "id"] {
        if !keys.iter().any(|(k, _)| k == default) && attrs.iter().any(|a| a.contains(&default)) {
            keys.push((default.to_string(), false));
        }
    }
    Ok(keys)
}

/// A list reply kept for the world's revision (`compute::view_cache::ReplyKey`): a poller asking the
/// same question of an unchanged cloud gets the same bytes again, and a listing is rendered,
/// filtered and serialised once per change of the cloud rather than once per request; any event,
/// fault or write makes the next request render afresh. Octavia's views are a function of the
/// world's state (a member's health lag ends with an event of its own), and who sees what is
/// admin-ness and project, both in the key. `render` runs under the world's lock; the filters,
/// sorting, paging and serialising after it is released. The caller has checked policy.
pub(crate) async fn kept_list(
    s: &crate::cloud::AppState,
    caller: &Caller,
    base: &str,
    params: &Params,
    (plural, route, attrs): (&str, &'static str, &[&[&str]]),
    render: impl FnOnce(&World) -> Vec<Value>,
) -> ApiResult {
    let (key, store, items) = {
        let w = s.world();
        let key = w.renders.reply_key(route, &params.0, caller.is_admin(), caller.project_id.as_deref(), base);
        if let Some(body) = w.renders.reply(&key) {
            return Ok(json_bytes(StatusCode::OK, body));
        }
        let items = render(&w);
        (key, w.renders.reply_store(), items)
    };
    let reply = list_reply(plural, route, base, items, params, attrs)?;
    if reply.status() != StatusCode::OK {
        return Ok(reply);
    }
    // The reply's body is one buffer already: take it, keep it, and answer with it.
    let (parts, body) = reply.into_parts();
    let body =
        axum::body::to_bytes(body, usize::MAX).await.map_err(|e| ApiError::new(SVC, StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    store.put(key, body.clone());
    Ok(Response::from_parts(parts, axum::body::Body::from(body)))
}

/// A JSON reply from bytes already serialised.
pub(crate) fn json_bytes(status: StatusCode, body: axum::body::Bytes) -> Response {
    (status, [(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// A list reply: filters on any attribute, tags, sorting, `fields`, then marker pagination with links.
pub(crate) fn list_reply(plural: &str, path: &str, base: &str, items: Vec<Value>, params: &Params, attrs: &[&[&str]]) -> ApiResult {
    list_reply_linked(plural, &format!("{plural}_links"), path, base, items, params, attrs)
}

/// `list_reply` for the lists whose links key is not `<plural>_links` (Octavia names the zone
/// profiles' `availability_zone_profile_links`). Objects without an `id` (availability zones) are
/// paged by their name.
pub(crate) fn list_reply_linked(
    plural: &str,
    links_key: &str,
    path: &str,
    base: &str,
    items: Vec<Value>,
    params: &Params,
    attrs: &[&[&str]],
) -> ApiResult {
    let mut items = items;
    // `loadbalancer_id` filters the objects that hang off a load balancer by it.
    let hangs_off_lb = attrs.iter().any(|a| a.contains(&"loadbalancers"));
    let alias = |k: &str| -> String {
        if k == "loadbalancer_id" && hangs_off_lb {
            "loadbalancers".into()
        } else {
            k.into()
        }
    };
    let known = |k: &str| CONTROL_KEYS.contains(&k) || attrs.iter().any(|a| a.contains(&alias(k).as_str()));
    if let Some((k, _)) = params.0.iter().find(|(k, _)| !known(k)) {
        return Err(bad(format!("Invalid filter argument: {k}")));
    }
    items.retain(|item| {
        params
            .0
            .iter()
            .filter(|(k, _)| !CONTROL_KEYS.contains(&k.as_str()))
            .all(|(k, v)| item.get(alias(k).as_str()).is_some_and(|have| value_matches(have, v)))
    });
    let keys = sort_keys(params, attrs)?;
    items.sort_by(|a, b| {
        keys.iter()
            .map(|(k, desc)| {
                let o = compare(a.get(k).unwrap_or(&Value::Null), b.get(k).unwrap_or(&Value::Null));
                if *desc {
                    o.reverse()
                } else {
                    o
                }
            })
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    });
    for (key, all) in [("tags", true), ("tags-any", false), ("not-tags", true), ("not-tags-any", false)] {
        if let Some(wanted) = params.get(key) {
            let wanted: Vec<&str> = wanted.split(',').collect();
            let negate = key.starts_with("not-");
            items.retain(|item| {
                let tags: Vec<&str> = item["tags"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
                let hit = if all { wanted.iter().all(|t| tags.contains(t)) } else { wanted.iter().any(|t| tags.contains(t)) };
                hit != negate
            });
        }
    }
    if params.get("page_reverse").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        items.reverse();
    }
    let key_of = |i: &Value| i.get("id").or_else(|| i.get("name")).and_then(Value::as_str).unwrap_or_default().to_string();
    let start = match params.get("marker") {
        Some(m) => items.iter().position(|i| key_of(i) == m).map(|p| p + 1).ok_or_else(|| not_found("Marker", m))?,
        None => 0,
    };
    let limit = match params.get("limit") {
        Some(l) => Some(l.parse::<usize>().map_err(|_| bad(format!("Invalid input for field/attribute limit. Value: '{l}'.")))?),
        None => None,
    };
    let end = limit.map_or(items.len(), |l| (start + l).min(items.len()));
    let mut links = vec![];
    let query_without = |marker: &str| {
        let mut q: Vec<(String, String)> = params.0.iter().filter(|(k, _)| k != "marker").cloned().collect();
        q.push(("marker".into(), marker.into()));
        form_urlencoded::Serializer::new(String::new()).extend_pairs(q).finish()
    };
    if let Some(l) = limit {
        if end < items.len() && l > 0 && end > start {
            let last = key_of(&items[end - 1]);
            links.push(json!({"rel": "next", "href": format!("{base}/load-balancer/v2/{path}?{}", query_without(&last))}));
        }
        if start > 0 && end > start {
            let first = key_of(&items[start]);
            let mut q = query_without(&first);
            q.push_str("&page_reverse=True");
            links.push(json!({"rel": "previous", "href": format!("{base}/load-balancer/v2/{path}?{q}")}));
        }
    }
    let mut page: Vec<Value> = items.drain(start..end).collect();
    let fields: Vec<&str> = params.0.iter().filter(|(k, _)| k == "fields").flat_map(|(_, v)| v.split(',')).collect();
    if !fields.is_empty() {
        for item in &mut page {
            if let Value::Object(m) = item {
                m.retain(|k, _| fields.contains(&k.as_str()));
            }
        }
    }
    Ok(reply(StatusCode::OK, json!({ plural: page, links_key: links })))
}

// ---------------------------------------------------------------------------------------------
// What listeners, pools, members and health monitors share: policy names, the ACTIVE checks that
// guard every change, the lookups, and the common fields of a new or updated object.

pub(crate) const GET_ONE: &str = "os_load-balancer_api:child:get_one";
pub(crate) const POST: &str = "os_load-balancer_api:child:post";
pub(crate) const PUT: &str = "os_load-balancer_api:child:put";
pub(crate) const DELETE: &str = "os_load-balancer_api:child:delete";

pub(crate) fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<(), ApiError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(bad(format!("Invalid input for field/attribute {field}. Value: '{value}'. Value should be one of: {}", allowed.join(", "))))
    }
}

/// The load balancer must be ACTIVE for any child change.
pub(crate) fn lb_mutable(w: &World, caller: &Caller, lb_id: &str, action: &str) -> Result<(), ApiError> {
    let lb = lb_for(w, caller, lb_id, action)?;
    if lb.c.provisioning_status != ACTIVE {
        return Err(immutable("Load Balancer", lb_id));
    }
    Ok(())
}

pub(crate) fn pool_mutable(pool: &Pool) -> Result<(), ApiError> {
    if pool.c.provisioning_status != ACTIVE {
        return Err(immutable("Pool", &pool.c.id));
    }
    Ok(())
}

/// The common end of every child delete: PENDING_DELETE now (journaled), gone after the worker.
pub(crate) fn start_delete(w: &mut World, lb_id: &str, pool_id: Option<&str>, kind: Kind, id: &str) -> Response {
    w.set_child_status(kind, id, PENDING_DELETE);
    w.begin_child_task(lb_id, pool_id, kind, id, "delete");
    StatusCode::NO_CONTENT.into_response()
}

pub(crate) fn common_for(
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

pub(crate) fn touch_common(
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

pub(crate) fn sorted(items: impl Iterator<Item = (u64, Value)>) -> Vec<Value> {
    let mut v: Vec<(u64, Value)> = items.collect();
    v.sort_by_key(|(seq, _)| *seq);
    v.into_iter().map(|(_, x)| x).collect()
}

pub(crate) fn listener_for<'a>(w: &'a World, caller: &Caller, id: &str, action: &str) -> Result<&'a Listener, ApiError> {
    let l = w.octavia.listeners.get(id).ok_or_else(|| not_found("Listener", id))?;
    allow(caller, action, &l.c.project_id)?;
    Ok(l)
}

pub(crate) fn pool_for<'a>(w: &'a World, caller: &Caller, id: &str, action: &str) -> Result<&'a Pool, ApiError> {
    let p = w.octavia.pools.get(id).ok_or_else(|| not_found("Pool", id))?;
    allow(caller, action, &p.c.project_id)?;
    Ok(p)
}

pub(crate) fn mutable_pool(w: &World, caller: &Caller, pool_id: &str, action: &str) -> Result<Pool, ApiError> {
    let pool = pool_for(w, caller, pool_id, action)?.clone();
    lb_mutable(w, caller, &pool.loadbalancer_id, action)?;
    pool_mutable(&pool)?;
    Ok(pool)
}

/// The pool protocols a listener protocol may send to.
pub(crate) fn pool_protocol_fits(listener: &str, pool: &str) -> bool {
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

pub(crate) fn check_pool_protocol(listener: &str, pool: &str) -> Result<(), ApiError> {
    if listener == "PROMETHEUS" {
        return Err(bad("Protocol PROMETHEUS listeners cannot have child objects."));
    }
    if !pool_protocol_fits(listener, pool) {
        return Err(bad(format!("Validation failure: The pool protocol '{pool}' is invalid while the listener protocol is '{listener}'.")));
    }
    Ok(())
}
