//! Placement over HTTP (`/placement`, no version prefix): the version document, resource providers
//! with their inventories, usages, allocations, traits and aggregates, resource classes, traits,
//! allocations by consumer, allocation candidates and project usages. Handlers check the route's
//! microversion, then policy, then the input (all of it, before anything changes), then ask the
//! model and render its answer for the microversion.

use super::consumers::ConsumerAllocations;
use super::fault::{microversions, Fault, JsonInput, Mv, Reply, Seg};
use super::model::{Inventory, MAX_INT};
use super::query::{CandidateQuery, MemberOf, ProviderQuery, RequestGroup, TraitFilter};
use super::schema::{self, as_integer, is_uuid_like, pattern_matches};
use super::views;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, Params};
use crate::http::microversion::Version;
use crate::http::routes::{get, Routes};
use crate::http::service::Service;
use crate::policy::{enforce, Target};
use crate::sim::SimTime;
use crate::world::World;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

const SVC: Service = Service::Placement;

/// The project and user of consumers written before 1.8, when the body had neither
/// (placement's incomplete_consumer_project_id / incomplete_consumer_user_id defaults).
const INCOMPLETE_CONSUMER: &str = "00000000-0000-0000-0000-000000000000";

pub fn router() -> Routes {
    Routes::new()
        .route("/", get(root))
        .route("/resource_providers", get(list_providers).post(create_provider))
        .route("/resource_providers/{uuid}", get(show_provider).put(update_provider).delete(delete_provider))
        .route(
            "/resource_providers/{uuid}/inventories",
            get(list_inventories).put(set_inventories).post(create_inventory).delete(delete_inventories),
        )
        .route("/resource_providers/{uuid}/inventories/{rc}", get(show_inventory).put(update_inventory).delete(delete_inventory))
        .route("/resource_providers/{uuid}/usages", get(provider_usages))
        .route("/resource_providers/{uuid}/allocations", get(provider_allocations))
        .route("/resource_providers/{uuid}/traits", get(provider_traits).put(set_provider_traits).delete(clear_provider_traits))
        .route("/resource_providers/{uuid}/aggregates", get(provider_aggregates).put(set_provider_aggregates))
        .route("/resource_classes", get(list_resource_classes).post(create_resource_class))
        .route("/resource_classes/{name}", get(show_resource_class).put(put_resource_class).delete(delete_resource_class))
        .route("/traits", get(list_traits))
        .route("/traits/{name}", get(show_trait).put(put_trait).delete(delete_trait))
        .route("/allocations", crate::http::routes::post(post_allocations))
        .route("/allocations/{consumer}", get(consumer_allocations).put(put_allocations).delete(delete_allocations))
        .route("/allocation_candidates", get(allocation_candidates))
        .route("/usages", get(project_usages))
        .map_router(|r| {
            r.fallback(no_route).method_not_allowed_fallback(method_not_allowed).layer(axum::middleware::from_fn(microversions))
        })
}

// ---- shared pieces ----

fn can(caller: &Caller, action: &str) -> Result<(), Fault> {
    enforce(SVC, caller, action, Target::default()).map_err(Fault::from)
}

/// A route that exists only from `min` (placement's version_handler answers 404 below it).
fn since(v: Version, major: u32, minor: u32) -> Result<(), Fault> {
    if v.at_least(major, minor) {
        Ok(())
    } else {
        Err(Fault::no_route())
    }
}

/// The HTTP date of the virtual clock, for Last-Modified.
fn http_date(t: SimTime) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// From 1.15 Placement answers with Last-Modified and `Cache-Control: no-cache`.
fn with_cache_headers(mut resp: Response, v: Version, now: SimTime) -> Response {
    if v.at_least(1, 15) {
        let h = resp.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        if let Ok(date) = HeaderValue::from_str(&http_date(now)) {
            h.insert(header::LAST_MODIFIED, date);
        }
    }
    resp
}

fn json_reply(status: StatusCode, v: Version, now: SimTime, body: Value) -> Reply {
    Ok(with_cache_headers((status, Json(body)).into_response(), v, now))
}

fn ok(v: Version, world: &World, body: Value) -> Reply {
    json_reply(StatusCode::OK, v, world.now(), body)
}

fn no_content() -> Reply {
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn with_location(mut resp: Response, location: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

/// The last value of a query parameter (webob's `req.GET[key]`).
fn param<'a>(params: &'a Params, key: &str) -> Option<&'a str> {
    params.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn all_params<'a>(params: &'a Params, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    params.0.iter().filter(move |(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// Validates the query string as upstream's validate_query_params (`dict(req.GET)`).
fn validate_query(params: &Params, schema: &Value) -> Result<(), Fault> {
    let obj: serde_json::Map<String, Value> = params.0.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    schema::validate(&Value::Object(obj), schema).map_err(|e| Fault::bad_request(format!("Invalid query string parameters: {e}")))
}

fn normalized_uuid(s: &str) -> String {
    uuid::Uuid::try_parse(s).map(|u| u.hyphenated().to_string()).unwrap_or_else(|_| s.to_string())
}

fn provider_or<'a>(world: &'a World, uuid: &str, message: impl FnOnce() -> String) -> Result<&'a super::model::ResourceProvider, Fault> {
    world.placement.provider(uuid).ok_or_else(|| Fault::not_found(message()))
}

fn no_provider(uuid: &str) -> String {
    format!("No resource provider with uuid {uuid} found")
}

/// A JSON integer the schema already accepted, as a count (clamped: Placement's are below MAX_INT).
fn count(v: &Value) -> u64 {
    as_integer(v).map_or(0, |n| n.clamp(0, u64::MAX as i128) as u64)
}

/// `?resources=VCPU:2,MEMORY_MB:1024` (placement/util.py normalize_resources_qs_param).
fn parse_resources(qs: &str) -> Result<BTreeMap<String, u64>, Fault> {
    const FORM: &str =
        "Badly formed resources parameter. Expected resources query string parameter in form: ?resources=VCPU:2,MEMORY_MB:1024.";
    if qs.trim().is_empty() {
        return Err(Fault::bad_request(format!("{FORM} Got: empty string.")));
    }
    let mut out = BTreeMap::new();
    for rt in qs.split(',') {
        let mut parts = rt.split(':');
        let (Some(rc), Some(amount), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(Fault::bad_request(format!("{FORM} Got: {rt}.")));
        };
        let digits = amount.trim().trim_start_matches('+');
        let n: i128 = if digits.bytes().all(|c| c.is_ascii_digit() || c == b'-') && !digits.is_empty() {
            match digits.parse::<i128>() {
                Ok(n) => n,
                Err(_) if digits.trim_start_matches('-').bytes().all(|c| c.is_ascii_digit()) => {
                    if digits.starts_with('-') {
                        i128::MIN
                    } else {
                        i128::MAX
                    }
                }
                Err(_) => {
                    return Err(Fault::bad_request(format!("Requested resource {rc} expected positive integer amount. Got: {amount}.")))
                }
            }
        } else {
            return Err(Fault::bad_request(format!("Requested resource {rc} expected positive integer amount. Got: {amount}.")));
        };
        if n < 1 {
            return Err(Fault::bad_request(format!("Requested resource {rc} requires amount >= 1. Got: {n}.")));
        }
        out.insert(rc.to_string(), n.min(u64::MAX as i128) as u64);
    }
    Ok(out)
}

/// `required` parameters: comma-separated traits, `!` forbidden from 1.22, and from 1.39 `in:`
/// any-of groups and repeated parameters (placement/util.py normalize_traits_qs_param(s)).
fn parse_required(values: &[&str], v: Version) -> Result<TraitFilter, Fault> {
    let allow_forbidden = v.at_least(1, 22);
    let any_of = v.at_least(1, 39);
    let form = if allow_forbidden { "HW_CPU_X86_VMX,!CUSTOM_MAGIC" } else { "HW_CPU_X86_VMX,CUSTOM_MAGIC" };
    let mut filter = TraitFilter::default();
    let values: Vec<&str> = if any_of { values.to_vec() } else { values.last().copied().into_iter().collect() };
    for val in values {
        let bad = || {
            Fault::bad_request(format!(
                "Invalid query string parameters: Expected 'required' parameter value of the form: {form}. Got: {val}"
            ))
        };
        if let Some(rest) = val.strip_prefix("in:").filter(|_| any_of) {
            let names: BTreeSet<String> = rest.split(',').map(|t| t.trim().to_string()).collect();
            if names.iter().any(|t| t.is_empty() || t.starts_with('!')) {
                return Err(bad());
            }
            filter.all_of.push(names.into_iter().collect());
            continue;
        }
        let names: BTreeSet<String> = val.split(',').map(|t| t.trim().to_string()).collect();
        for t in names {
            match t.strip_prefix('!') {
                _ if t.is_empty() => return Err(bad()),
                Some(f) if allow_forbidden && !f.is_empty() => filter.forbidden.push(f.to_string()),
                Some(_) => return Err(bad()),
                None => filter.all_of.push(vec![t]),
            }
        }
    }
    Ok(filter)
}

/// `member_of` parameters: one uuid or `in:` several; several parameters from 1.24; `!` from 1.32
/// (placement/util.py normalize_member_of_qs_params).
fn parse_member_of(values: &[&str], v: Version, key: &str) -> Result<Vec<MemberOf>, Fault> {
    if !v.at_least(1, 24) && values.len() > 1 {
        return Err(Fault::bad_request(format!("Multiple {key} parameters are not supported")));
    }
    let mut out = Vec::new();
    for value in values {
        let (negated, rest) = match value.strip_prefix('!').filter(|_| v.at_least(1, 32)) {
            Some(rest) => (true, rest),
            None => (false, *value),
        };
        if rest.contains(',') && !rest.starts_with("in:") {
            return Err(Fault::bad_request(format!("Multiple values for '{key}' must be prefixed with the 'in:' keyword. Got: {value}")));
        }
        let uuids: Vec<String> = match rest.strip_prefix("in:") {
            Some(list) => list.split(',').map(str::to_string).collect(),
            None => vec![rest.to_string()],
        };
        if let Some(bad) = uuids.iter().find(|u| !is_uuid_like(u)) {
            return Err(Fault::bad_request(format!(
                "Invalid query string parameters: Expected '{key}' parameter to contain valid UUID(s). Got: {bad}"
            )));
        }
        out.push(MemberOf { any_of: uuids.iter().map(|u| normalized_uuid(u)).collect(), negated });
    }
    Ok(out)
}

fn check_classes<'a>(world: &World, classes: impl IntoIterator<Item = &'a String>) -> Result<(), Fault> {
    match classes.into_iter().find(|rc| !world.placement.resource_class_exists(rc)) {
        Some(rc) => Err(Fault::bad_request(format!("Invalid resource class in resources parameter: No such resource class {rc}."))),
        None => Ok(()),
    }
}

fn unknown_traits_message(world: &World, filter: &TraitFilter) -> Option<String> {
    let unknown = world.placement.unknown_traits(filter.names());
    (!unknown.is_empty()).then(|| format!("No such trait(s): {}.", unknown.join(", ")))
}

// ---- root and fallbacks ----

/// `GET /`: the version document, served without a token.
async fn root(Mv(v): Mv, State(s): State<AppState>) -> Reply {
    let now = s.world().now();
    json_reply(StatusCode::OK, v, now, views::versions())
}

async fn no_route(_caller: Caller, Mv(_): Mv) -> Fault {
    Fault::no_route()
}

/// A known path with a method it does not serve: 405 after the token check (none for the root).
async fn method_not_allowed(uri: Uri, caller: Result<Caller, ApiError>, mv: Result<Mv, Fault>) -> Response {
    if uri.path() != "/" {
        if let Err(e) = caller {
            return e.into_response();
        }
    }
    match mv {
        Err(f) => f.into_response(),
        Ok(_) => Fault::method_not_allowed().into_response(),
    }
}

// ---- resource providers ----

async fn list_providers(caller: Caller, Mv(v): Mv, State(s): State<AppState>, params: Params) -> Reply {
    can(&caller, "placement:resource_providers:list")?;
    validate_query(&params, &schema::list_providers_query(v))?;
    let mut q = ProviderQuery {
        name: param(&params, "name").map(str::to_string),
        uuid: param(&params, "uuid").map(normalized_uuid),
        in_tree: param(&params, "in_tree").map(normalized_uuid),
        ..Default::default()
    };
    let member_of: Vec<&str> = all_params(&params, "member_of").collect();
    q.member_of = parse_member_of(&member_of, v, "member_of")?;
    if let Some(r) = param(&params, "resources") {
        q.resources = parse_resources(r)?;
    }
    let required: Vec<&str> = all_params(&params, "required").collect();
    if !required.is_empty() {
        q.required = parse_required(&required, v)?;
    }
    let world = s.world();
    check_classes(&world, q.resources.keys())?;
    if let Some(m) = unknown_traits_message(&world, &q.required) {
        return Err(Fault::bad_request(format!("Invalid trait(s) in \"required\" parameter: {m}")));
    }
    let body = views::providers(world.placement.find_providers(&q), v);
    ok(v, &world, body)
}

async fn show_provider(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>) -> Reply {
    can(&caller, "placement:resource_providers:show")?;
    let world = s.world();
    let rp = provider_or(&world, &uuid, || no_provider(&uuid))?;
    ok(v, &world, views::provider(rp, v))
}

/// `POST /resource_providers`: 201 with only a Location before 1.20, then 200 with the provider.
async fn create_provider(caller: Caller, Mv(v): Mv, State(s): State<AppState>, BaseUrl(base): BaseUrl, body: JsonInput) -> Reply {
    can(&caller, "placement:resource_providers:create")?;
    let data = body.validated(&schema::provider(true, v.at_least(1, 14)))?;
    let name = data["name"].as_str().unwrap_or_default();
    let parent = data.get("parent_provider_uuid").and_then(Value::as_str);
    let mut world = s.world();
    let w = &mut *world;
    // The uuid is drawn from a copy of the id generator, kept only if the provider is created.
    let mut ids = w.sim.ids.clone();
    let uuid = match data.get("uuid").and_then(Value::as_str) {
        Some(u) => normalized_uuid(u),
        None => ids.uuid(),
    };
    w.placement.create_provider(&uuid, name, parent)?;
    w.sim.ids = ids;
    let location = format!("{base}{}", views::provider_url(&uuid));
    if v.at_least(1, 20) {
        let body = views::provider(&w.placement.providers[&uuid], v);
        let resp = ok(v, &world, body)?;
        return Ok(with_location(resp, &location));
    }
    Ok(with_location(StatusCode::CREATED.into_response(), &location))
}

async fn update_provider(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>, body: JsonInput) -> Reply {
    can(&caller, "placement:resource_providers:update")?;
    let mut world = s.world();
    provider_or(&world, &uuid, || no_provider(&uuid))?;
    let data = body.validated(&schema::provider(false, v.at_least(1, 14)))?;
    let name = data["name"].as_str().unwrap_or_default();
    let parent = data.get("parent_provider_uuid").map(Value::as_str);
    world.placement.update_provider(&uuid, name, parent, v.at_least(1, 37))?;
    let body = views::provider(&world.placement.providers[&uuid], v);
    ok(v, &world, body)
}

async fn delete_provider(caller: Caller, Mv(_): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>) -> Reply {
    can(&caller, "placement:resource_providers:delete")?;
    s.world().placement.delete_provider(&uuid)?;
    no_content()
}

// ---- inventories ----

/// An inventory from a validated body, with Placement's defaults for what is left out.
fn inventory_from(rp: &str, rc: &str, data: &Value) -> Result<Inventory, Fault> {
    let field = |k: &str, default: u64| data.get(k).map_or(default, count);
    let ratio = data.get("allocation_ratio").and_then(Value::as_f64).unwrap_or(1.0);
    if ratio < 0.0 {
        return Err(Fault::bad_request(format!(
            "Bad inventory {rc} for resource provider {rp}: Value must be >= 0 for field allocation_ratio."
        )));
    }
    Ok(Inventory {
        total: field("total", 0),
        reserved: field("reserved", 0),
        min_unit: field("min_unit", 1),
        max_unit: field("max_unit", MAX_INT),
        step_size: field("step_size", 1),
        allocation_ratio: ratio,
    })
}

async fn list_inventories(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>) -> Reply {
    can(&caller, "placement:resource_providers:inventories:list")?;
    let world = s.world();
    let rp = provider_or(&world, &uuid, || format!("{} : {}", no_provider(&uuid), no_provider(&uuid)))?;
    ok(v, &world, views::inventories(rp))
}

async fn set_inventories(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>, body: JsonInput) -> Reply {
    can(&caller, "placement:resource_providers:inventories:update")?;
    let mut world = s.world();
    provider_or(&world, &uuid, || no_provider(&uuid))?;
    let data = body.validated(&schema::PUT_INVENTORIES)?;
    let generation = as_integer(&data["resource_provider_generation"]).unwrap_or(-1);
    let mut inventories = BTreeMap::new();
    for (rc, inv) in data["inventories"].as_object().into_iter().flatten() {
        inventories.insert(rc.clone(), inventory_from(&uuid, rc, inv)?);
    }
    world.placement.set_inventories(&uuid, generation, inventories, v.at_least(1, 26))?;
    let body = views::inventories(&world.placement.providers[&uuid]);
    ok(v, &world, body)
}

async fn create_inventory(
    caller: Caller,
    Mv(v): Mv,
    State(s): State<AppState>,
    BaseUrl(base): BaseUrl,
    Seg(uuid): Seg<String>,
    body: JsonInput,
) -> Reply {
    can(&caller, "placement:resource_providers:inventories:create")?;
    let mut world = s.world();
    provider_or(&world, &uuid, || no_provider(&uuid))?;
    let data = body.validated(&schema::POST_INVENTORY)?;
    let rc = data["resource_class"].as_str().unwrap_or_default().to_string();
    let inv = inventory_from(&uuid, &rc, &data)?;
    world.placement.add_inventory(&uuid, &rc, inv.clone(), v.at_least(1, 26))?;
    let generation = world.placement.providers[&uuid].generation;
    let resp = json_reply(StatusCode::CREATED, v, world.now(), views::inventory(&inv, generation))?;
    Ok(with_location(resp, &format!("{base}{}/inventories/{rc}", views::provider_url(&uuid))))
}

/// `DELETE /resource_providers/{uuid}/inventories`: from 1.5; a 405 before.
async fn delete_inventories(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>) -> Reply {
    if !v.at_least(1, 5) {
        return Err(Fault::method_not_allowed());
    }
    can(&caller, "placement:resource_providers:inventories:delete")?;
    s.world().placement.delete_inventories(&uuid)?;
    no_content()
}

async fn show_inventory(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg((uuid, rc)): Seg<(String, String)>) -> Reply {
    can(&caller, "placement:resource_providers:inventories:show")?;
    let world = s.world();
    let rp = provider_or(&world, &uuid, || format!("{} : {}", no_provider(&uuid), no_provider(&uuid)))?;
    let inv = rp.inventories.get(&rc).ok_or_else(|| Fault::not_found(format!("No inventory of class {rc} for {uuid}")))?;
    ok(v, &world, views::inventory(inv, rp.generation))
}

async fn update_inventory(
    caller: Caller,
    Mv(v): Mv,
    State(s): State<AppState>,
    Seg((uuid, rc)): Seg<(String, String)>,
    body: JsonInput,
) -> Reply {
    can(&caller, "placement:resource_providers:inventories:update")?;
    let mut world = s.world();
    provider_or(&world, &uuid, || no_provider(&uuid))?;
    let data = body.validated(&schema::INVENTORY)?;
    let generation = as_integer(&data["resource_provider_generation"]).unwrap_or(-1);
    let inv = inventory_from(&uuid, &rc, &data)?;
    world.placement.update_inventory(&uuid, generation, &rc, inv.clone(), v.at_least(1, 26))?;
    let generation = world.placement.providers[&uuid].generation;
    ok(v, &world, views::inventory(&inv, generation))
}

async fn delete_inventory(caller: Caller, Mv(_): Mv, State(s): State<AppState>, Seg((uuid, rc)): Seg<(String, String)>) -> Reply {
    can(&caller, "placement:resource_providers:inventories:delete")?;
    s.world().placement.delete_inventory(&uuid, &rc)?;
    no_content()
}

// ---- usages, allocations, traits and aggregates of a provider ----

async fn provider_usages(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>) -> Reply {
    can(&caller, "placement:resource_providers:usages")?;
    let world = s.world();
    let rp = provider_or(&world, &uuid, || format!("{}: {}", no_provider(&uuid), no_provider(&uuid)))?;
    ok(v, &world, views::provider_usages(&world.placement, rp))
}

async fn provider_allocations(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>) -> Reply {
    can(&caller, "placement:resource_providers:allocations:list")?;
    let world = s.world();
    let rp = provider_or(&world, &uuid, || format!("Resource provider '{uuid}' not found: {}", no_provider(&uuid)))?;
    ok(v, &world, views::provider_allocations(&world.placement, rp, v))
}

async fn provider_traits(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>) -> Reply {
    since(v, 1, 6)?;
    can(&caller, "placement:resource_providers:traits:list")?;
    let world = s.world();
    let rp = provider_or(&world, &uuid, || format!("{}: {}", no_provider(&uuid), no_provider(&uuid)))?;
    ok(v, &world, views::provider_traits(rp))
}

async fn set_provider_traits(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>, body: JsonInput) -> Reply {
    since(v, 1, 6)?;
    can(&caller, "placement:resource_providers:traits:update")?;
    let data = body.validated(&schema::SET_PROVIDER_TRAITS)?;
    let generation = as_integer(&data["resource_provider_generation"]).unwrap_or(-1);
    let traits: Vec<String> = data["traits"].as_array().into_iter().flatten().filter_map(|t| t.as_str().map(str::to_string)).collect();
    let mut world = s.world();
    provider_or(&world, &uuid, || no_provider(&uuid))?;
    world.placement.set_provider_traits(&uuid, generation, &traits)?;
    let body = views::provider_traits(&world.placement.providers[&uuid]);
    ok(v, &world, body)
}

async fn clear_provider_traits(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>) -> Reply {
    since(v, 1, 6)?;
    can(&caller, "placement:resource_providers:traits:delete")?;
    s.world().placement.clear_provider_traits(&uuid)?;
    no_content()
}

async fn provider_aggregates(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>) -> Reply {
    since(v, 1, 1)?;
    can(&caller, "placement:resource_providers:aggregates:list")?;
    let world = s.world();
    let rp = provider_or(&world, &uuid, || no_provider(&uuid))?;
    ok(v, &world, views::aggregates(&world.placement, rp, v))
}

/// `PUT .../aggregates`: a bare list of uuids before 1.19, then `{aggregates, generation}`.
async fn set_provider_aggregates(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>, body: JsonInput) -> Reply {
    since(v, 1, 1)?;
    can(&caller, "placement:resource_providers:aggregates:update")?;
    let mut world = s.world();
    provider_or(&world, &uuid, || no_provider(&uuid))?;
    let with_generation = v.at_least(1, 19);
    let data = body.validated(&schema::aggregates(with_generation))?;
    let (list, generation) = if with_generation {
        (&data["aggregates"], Some(as_integer(&data["resource_provider_generation"]).unwrap_or(-1)))
    } else {
        (&data, None)
    };
    let aggregates: Vec<String> = list.as_array().into_iter().flatten().filter_map(Value::as_str).map(normalized_uuid).collect();
    world.placement.set_aggregates(&uuid, aggregates, generation)?;
    let body = views::aggregates(&world.placement, &world.placement.providers[&uuid], v);
    ok(v, &world, body)
}

// ---- resource classes ----

async fn list_resource_classes(caller: Caller, Mv(v): Mv, State(s): State<AppState>) -> Reply {
    since(v, 1, 2)?;
    can(&caller, "placement:resource_classes:list")?;
    let world = s.world();
    ok(v, &world, views::resource_classes(&world.placement.resource_classes()))
}

async fn show_resource_class(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(name): Seg<String>) -> Reply {
    since(v, 1, 2)?;
    can(&caller, "placement:resource_classes:show")?;
    let world = s.world();
    if !world.placement.resource_class_exists(&name) {
        return Err(Fault::not_found(format!("No such resource class {name}.")));
    }
    ok(v, &world, views::resource_class(&name))
}

async fn create_resource_class(caller: Caller, Mv(v): Mv, State(s): State<AppState>, BaseUrl(base): BaseUrl, body: JsonInput) -> Reply {
    since(v, 1, 2)?;
    can(&caller, "placement:resource_classes:create")?;
    let data = body.validated(&schema::RESOURCE_CLASS)?;
    let name = data["name"].as_str().unwrap_or_default();
    s.world().placement.create_resource_class(name)?;
    Ok(with_location(StatusCode::CREATED.into_response(), &format!("{base}{}/resource_classes/{name}", views::prefix())))
}

/// `PUT /resource_classes/{name}`: renames a custom class (body `{"name"}`) from 1.2 to 1.6; from
/// 1.7 it is a bodiless create-or-check (201 created, 204 already there).
async fn put_resource_class(
    caller: Caller,
    Mv(v): Mv,
    State(s): State<AppState>,
    BaseUrl(base): BaseUrl,
    Seg(name): Seg<String>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Reply {
    since(v, 1, 2)?;
    can(&caller, "placement:resource_classes:update")?;
    if !v.at_least(1, 7) {
        let body = body.map_err(|e| match e.status() {
            StatusCode::PAYLOAD_TOO_LARGE => Fault::new(StatusCode::PAYLOAD_TOO_LARGE, "Request is too large."),
            _ => Fault::bad_request(format!("Could not read the request body: {e}")),
        })?;
        let data = JsonInput(body).validated(&schema::RESOURCE_CLASS)?;
        let new = data["name"].as_str().unwrap_or_default();
        let mut world = s.world();
        world.placement.rename_resource_class(&name, new)?;
        return ok(v, &world, views::resource_class(new));
    }
    schema::validate(&json!({"name": name}), &schema::RESOURCE_CLASS)
        .map_err(|e| Fault::bad_request(format!("JSON does not validate: {e}")))?;
    let created = s.world().placement.ensure_resource_class(&name);
    let status = if created { StatusCode::CREATED } else { StatusCode::NO_CONTENT };
    Ok(with_location(status.into_response(), &format!("{base}{}/resource_classes/{name}", views::prefix())))
}

async fn delete_resource_class(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(name): Seg<String>) -> Reply {
    since(v, 1, 2)?;
    can(&caller, "placement:resource_classes:delete")?;
    s.world().placement.delete_resource_class(&name)?;
    no_content()
}

// ---- traits ----

/// `GET /traits`: `?name=in:A,B` or `?name=startswith:PREFIX`, and `?associated=true|false`.
async fn list_traits(caller: Caller, Mv(v): Mv, State(s): State<AppState>, params: Params) -> Reply {
    since(v, 1, 6)?;
    can(&caller, "placement:traits:list")?;
    validate_query(&params, &schema::LIST_TRAITS_QUERY)?;
    let mut name_in: Option<Vec<String>> = None;
    let mut prefix: Option<String> = None;
    if let Some(qs) = param(&params, "name") {
        let Some((op, value)) = qs.split_once(':') else {
            return Err(Fault::bad_request(format!(
                "Badly formatted name parameter. Expected name query string parameter in form: ?name=[in|startswith]:[name1,name2|prefix]. Got: \"{qs}\""
            )));
        };
        match op {
            "in" => name_in = Some(value.split(',').map(str::to_string).collect()),
            "startswith" => prefix = Some(value.to_string()),
            _ => {}
        }
    }
    let associated = match param(&params, "associated").map(str::to_ascii_lowercase) {
        None => None,
        Some(a) if a == "true" => Some(true),
        Some(a) if a == "false" => Some(false),
        Some(_) => return Err(Fault::bad_request("The query parameter \"associated\" only accepts \"true\" or \"false\"")),
    };
    let world = s.world();
    let p = &world.placement;
    let all = p.traits();
    let names: Vec<&String> = all
        .iter()
        .filter(|t| name_in.as_ref().is_none_or(|list| list.contains(t)))
        .filter(|t| prefix.as_ref().is_none_or(|pre| t.starts_with(pre.as_str())))
        .filter(|t| associated.is_none_or(|a| p.trait_in_use(t) == a))
        .collect();
    let body = views::traits(names);
    ok(v, &world, body)
}

async fn show_trait(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(name): Seg<String>) -> Reply {
    since(v, 1, 6)?;
    can(&caller, "placement:traits:show")?;
    let world = s.world();
    if !world.placement.trait_exists(&name) {
        return Err(Fault::not_found(format!("No such trait(s): {name}.")));
    }
    Ok(with_cache_headers(StatusCode::NO_CONTENT.into_response(), v, world.now()))
}

async fn put_trait(caller: Caller, Mv(v): Mv, State(s): State<AppState>, BaseUrl(base): BaseUrl, Seg(name): Seg<String>) -> Reply {
    since(v, 1, 6)?;
    can(&caller, "placement:traits:update")?;
    if schema::validate(&json!(name), &schema::CUSTOM_TRAIT).is_err() {
        return Err(Fault::bad_request(
            "The trait is invalid. A valid trait must be no longer than 255 characters, start with the prefix \"CUSTOM_\" and use following characters: \"A\"-\"Z\", \"0\"-\"9\" and \"_\"",
        ));
    }
    let mut world = s.world();
    let created = world.placement.ensure_trait(&name);
    let status = if created { StatusCode::CREATED } else { StatusCode::NO_CONTENT };
    let resp = with_cache_headers(status.into_response(), v, world.now());
    Ok(with_location(resp, &format!("{base}{}/traits/{name}", views::prefix())))
}

async fn delete_trait(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(name): Seg<String>) -> Reply {
    since(v, 1, 6)?;
    can(&caller, "placement:traits:delete")?;
    s.world().placement.delete_trait(&name)?;
    no_content()
}

// ---- allocations ----

async fn consumer_allocations(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(consumer): Seg<String>) -> Reply {
    can(&caller, "placement:allocations:list")?;
    let world = s.world();
    let p = &world.placement;
    let body = views::consumer_allocations(p, &consumer, p.allocations.get(&consumer), v);
    ok(v, &world, body)
}

/// One consumer's validated allocations body as the model's request.
fn consumer_request(consumer: &str, data: &Value, v: Version) -> ConsumerAllocations {
    let mut allocations: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let resources =
        |r: &Value| -> BTreeMap<String, u64> { r.as_object().into_iter().flatten().map(|(rc, n)| (rc.clone(), count(n))).collect() };
    if v.at_least(1, 12) {
        for (rp, a) in data["allocations"].as_object().into_iter().flatten() {
            allocations.insert(rp.clone(), resources(&a["resources"]));
        }
    } else {
        for a in data["allocations"].as_array().into_iter().flatten() {
            let rp = a["resource_provider"]["uuid"].as_str().unwrap_or_default();
            allocations.insert(normalized_uuid(rp), resources(&a["resources"]));
        }
    }
    let text = |k: &str| data.get(k).and_then(Value::as_str).map(str::to_string);
    ConsumerAllocations {
        consumer: consumer.to_string(),
        allocations,
        project_id: text("project_id").unwrap_or_else(|| INCOMPLETE_CONSUMER.into()),
        user_id: text("user_id").unwrap_or_else(|| INCOMPLETE_CONSUMER.into()),
        generation: v.at_least(1, 28).then(|| as_integer(&data["consumer_generation"])),
        consumer_type: v.at_least(1, 38).then(|| text("consumer_type")).flatten(),
    }
}

async fn put_allocations(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(consumer): Seg<String>, body: JsonInput) -> Reply {
    can(&caller, "placement:allocations:update")?;
    if !is_uuid_like(&consumer) {
        return Err(Fault::bad_request(format!("Malformed consumer_uuid: {consumer}")));
    }
    let consumer = normalized_uuid(&consumer);
    let data = body.validated(&schema::put_allocations(v))?;
    let request = consumer_request(&consumer, &data, v);
    s.world().placement.replace_allocations(&[request])?;
    no_content()
}

/// `POST /allocations` (1.13+): several consumers at once, all or nothing.
async fn post_allocations(caller: Caller, Mv(v): Mv, State(s): State<AppState>, body: JsonInput) -> Reply {
    since(v, 1, 13)?;
    can(&caller, "placement:allocations:manage")?;
    let data = body.validated(&schema::post_allocations(v))?;
    let requests: Vec<ConsumerAllocations> =
        data.as_object().into_iter().flatten().map(|(consumer, d)| consumer_request(consumer, d, v)).collect();
    s.world().placement.replace_allocations(&requests)?;
    no_content()
}

async fn delete_allocations(caller: Caller, Mv(_): Mv, State(s): State<AppState>, Seg(consumer): Seg<String>) -> Reply {
    can(&caller, "placement:allocations:delete")?;
    s.world().placement.delete_allocations(&consumer)?;
    no_content()
}

// ---- allocation candidates and usages ----

/// The request groups of `GET /allocation_candidates`: unsuffixed before 1.25, then numbered
/// (`resources1`), then from 1.33 any suffix of `[a-zA-Z0-9_-]{1,64}`.
fn candidate_query(params: &Params, v: Version) -> Result<CandidateQuery, Fault> {
    let bad = |m: String| Fault::bad_request(format!("Invalid query string parameters: {m}"));
    let granular = v.at_least(1, 25);
    let suffix_ok = |s: &str| {
        s.is_empty()
            || (granular && !v.at_least(1, 33) && pattern_matches("^[1-9][0-9]*$", s))
            || (v.at_least(1, 33) && s.len() <= 64 && s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-'))
    };
    let mut group_keys: BTreeMap<String, BTreeMap<&'static str, Vec<&str>>> = BTreeMap::new();
    let mut unexpected = Vec::new();
    for (k, value) in &params.0 {
        let known_plain = match k.as_str() {
            "limit" => v.at_least(1, 16),
            "group_policy" => granular,
            "root_required" => v.at_least(1, 35),
            "same_subtree" => v.at_least(1, 36),
            _ => false,
        };
        if known_plain {
            continue;
        }
        let kinds: [(&'static str, bool); 4] =
            [("resources", true), ("required", v.at_least(1, 17)), ("member_of", v.at_least(1, 21)), ("in_tree", v.at_least(1, 31))];
        let found = kinds.iter().find_map(|(kind, allowed)| {
            let suffix = k.strip_prefix(kind)?;
            (*allowed && suffix_ok(suffix)).then_some((*kind, suffix))
        });
        match found {
            Some((kind, suffix)) => group_keys.entry(suffix.to_string()).or_default().entry(kind).or_default().push(value.as_str()),
            None => unexpected.push(k.clone()),
        }
    }
    if let Some(k) = unexpected.first() {
        return Err(bad(format!("Additional properties are not allowed ('{k}' was unexpected)")));
    }
    if !granular && !group_keys.get("").is_some_and(|g| g.contains_key("resources")) {
        return Err(bad("'resources' is a required property".into()));
    }
    let mut q = CandidateQuery::default();
    if let Some(limit) = param(params, "limit") {
        if !pattern_matches("^[1-9][0-9]*$", limit) {
            return Err(bad(format!("'{limit}' does not match '^[1-9][0-9]*$'")));
        }
        q.limit = Some(limit.parse::<usize>().unwrap_or(usize::MAX));
    }
    match param(params, "group_policy") {
        None => {}
        Some("isolate") => q.isolate = true,
        Some("none") => {}
        Some(other) => return Err(bad(format!("'{other}' is not one of ['none', 'isolate']"))),
    }
    if let Some(root) = param(params, "root_required") {
        q.root_required = parse_required(&[root], v)?;
    }
    let mut orphans = Vec::new();
    for (suffix, kinds) in &group_keys {
        let Some(resources) = kinds.get("resources") else {
            orphans.extend(kinds.keys().map(|k| format!("{k}{suffix}")));
            continue;
        };
        let mut g = RequestGroup {
            suffix: suffix.clone(),
            resources: parse_resources(resources.last().copied().unwrap_or(""))?,
            ..Default::default()
        };
        if let Some(req) = kinds.get("required") {
            g.required = parse_required(req, v)?;
        }
        if let Some(m) = kinds.get("member_of") {
            g.member_of = parse_member_of(m, v, &format!("member_of{suffix}"))?;
        }
        if let Some(t) = kinds.get("in_tree").and_then(|t| t.last()) {
            if !is_uuid_like(t) {
                return Err(bad(format!("Expected 'in_tree' parameter to be a format of uuid. Got: {t}")));
            }
            g.in_tree = Some(normalized_uuid(t));
        }
        q.groups.push(g);
    }
    if !orphans.is_empty() {
        return Err(Fault::bad_request(format!(
            "All traits parameters must be associated with resources. Found the following orphaned traits keys: {}",
            orphans.join(", ")
        )));
    }
    if q.groups.is_empty() {
        return Err(Fault::bad_request("At least one request group (`resources` or `resources{$S}`) is required."));
    }
    if param(params, "group_policy").is_none() && q.groups.iter().filter(|g| !g.suffix.is_empty()).count() > 1 {
        return Err(Fault::bad_request(
            "The \"group_policy\" parameter is required when specifying more than one \"resources{N}\" parameter.",
        ));
    }
    Ok(q)
}

async fn allocation_candidates(caller: Caller, Mv(v): Mv, State(s): State<AppState>, params: Params) -> Reply {
    since(v, 1, 10)?;
    can(&caller, "placement:allocation_candidates:list")?;
    let q = candidate_query(&params, v)?;
    let world = s.world();
    check_classes(&world, q.groups.iter().flat_map(|g| g.resources.keys()))?;
    let mut traits = q.root_required.clone();
    for g in &q.groups {
        traits.merge(&g.required);
    }
    if let Some(m) = unknown_traits_message(&world, &traits) {
        return Err(Fault::bad_request(m));
    }
    let requested: BTreeSet<String> = q.groups.iter().flat_map(|g| g.resources.keys().cloned()).collect();
    let candidates = world.placement.allocation_candidates(&q);
    let body = views::allocation_candidates(&world.placement, &candidates, &requested, v);
    ok(v, &world, body)
}

/// `GET /usages?project_id=&user_id=` (1.9+): admins, or readers of that project.
async fn project_usages(caller: Caller, Mv(v): Mv, State(s): State<AppState>, params: Params) -> Reply {
    since(v, 1, 9)?;
    let project = param(&params, "project_id");
    enforce(SVC, &caller, "placement:usages", Target { project_id: project, user_id: None })?;
    validate_query(&params, &schema::usages_query(v))?;
    let project = project.unwrap_or_default();
    let user = param(&params, "user_id");
    let world = s.world();
    let p = &world.placement;
    let body = if v.at_least(1, 38) {
        views::typed_usages(&p.project_usages_by_type(project, user, param(&params, "consumer_type")))
    } else {
        views::project_usages(&p.project_usages(project, user))
    };
    ok(v, &world, body)
}
