//! Flavors: listing with Nova's filters, paging and sorting; create, describe (2.55+) and delete;
//! extra specs; the access list of private flavors.

use super::common::{bad, check_schema, empty, limit_and_marker, not_found, parse_bool, reply, ApiResult, Nova, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::compute::model::Flavor;
use crate::compute::views;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::http::microversion::{Microversion, Version};
use crate::policy::{enforce, Target};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{json, Map, Value};
use std::cmp::Ordering;

/// The database's INT maximum, Nova's ceiling for flavor sizes.
const MAX_INT: i64 = 2_147_483_647;

const SORT_KEYS: &[&str] = &[
    "created_at",
    "description",
    "disabled",
    "ephemeral_gb",
    "flavorid",
    "id",
    "is_public",
    "memory_mb",
    "name",
    "root_gb",
    "rxtx_factor",
    "swap",
    "updated_at",
    "vcpu_weight",
    "vcpus",
];
const QUERY_KEYS: &[&str] = &["limit", "marker", "is_public", "minRam", "minDisk", "sort_key", "sort_dir"];

fn compare(a: &Flavor, b: &Flavor, key: &str) -> Ordering {
    match key {
        "flavorid" => a.id.cmp(&b.id),
        "name" => a.name.cmp(&b.name),
        "memory_mb" => a.ram.cmp(&b.ram),
        "vcpus" => a.vcpus.cmp(&b.vcpus),
        "root_gb" => a.disk.cmp(&b.disk),
        "ephemeral_gb" => a.ephemeral.cmp(&b.ephemeral),
        "swap" => a.swap.cmp(&b.swap),
        "rxtx_factor" => a.rxtx_factor.total_cmp(&b.rxtx_factor),
        "is_public" => a.is_public.cmp(&b.is_public),
        "description" => a.description.cmp(&b.description),
        // Creation order (the list keeps it) for the row id, the timestamps and the columns
        // every flavor shares.
        _ => Ordering::Equal,
    }
}

/// The flavors a request lists, in order and paged (`FlavorsController._get_flavors`).
fn select<'a>(flavors: &'a [Flavor], caller: &Caller, params: &Params, v: Version) -> Result<(Vec<&'a Flavor>, Option<usize>), ApiError> {
    if v.at_least(2, 75) {
        if let Some((k, _)) = params.0.iter().find(|(k, _)| !QUERY_KEYS.contains(&k.as_str())) {
            return Err(bad(format!(
                "Invalid input for query parameters {k}. Additional properties are not allowed ('{k}' was unexpected)"
            )));
        }
    }
    let sort_key = params.get("sort_key").filter(|k| !k.is_empty()).unwrap_or("flavorid");
    let sort_dir = params.get("sort_dir").filter(|k| !k.is_empty()).unwrap_or("asc");
    if !SORT_KEYS.contains(&sort_key) {
        return Err(bad(format!(
            "Invalid input for query parameters sort_key. Value: {sort_key}. '{sort_key}' is not one of {SORT_KEYS:?}"
        )));
    }
    if sort_dir != "asc" && sort_dir != "desc" {
        return Err(bad(format!(
            "Invalid input for query parameters sort_dir. Value: {sort_dir}. '{sort_dir}' is not one of ['asc', 'desc']"
        )));
    }
    let (limit, marker) = limit_and_marker(params)?;
    // Admins choose with is_public (true by default, `none` for all); everyone else sees the
    // public flavors and the private ones shared with their project.
    let is_public = if caller.is_admin() {
        match params.get("is_public") {
            None => Some(true),
            Some(s) if s.eq_ignore_ascii_case("none") => None,
            Some(s) => Some(match s.to_ascii_lowercase().as_str() {
                "1" | "t" | "true" | "on" | "y" | "yes" => true,
                "0" | "f" | "false" | "off" | "n" | "no" => false,
                _ => return Err(bad(format!("Invalid is_public filter [{s}]"))),
            }),
        }
    } else {
        Some(true)
    };
    let min = |name: &str| -> Result<Option<u64>, ApiError> {
        match params.get(name) {
            Some(m) => m.parse::<i64>().map(|m| Some(m.max(0) as u64)).map_err(|_| bad(format!("Invalid {name} filter [{m}]"))),
            None => Ok(None),
        }
    };
    let (min_ram, min_disk) = (min("minRam")?, min("minDisk")?);
    let project = caller.project_id.as_deref();
    let mut items: Vec<&Flavor> = flavors
        .iter()
        .filter(|f| match is_public {
            None => true,
            Some(true) => f.is_public || project.is_some_and(|p| f.projects.iter().any(|x| x == p)),
            Some(false) => !f.is_public,
        })
        .filter(|f| min_ram.is_none_or(|m| f.ram >= m) && min_disk.is_none_or(|m| f.disk >= m))
        .collect();
    items.sort_by(|a, b| {
        let o = compare(a, b, sort_key);
        if sort_dir == "desc" {
            o.reverse()
        } else {
            o
        }
    });
    if let Some(m) = marker {
        let at = items.iter().position(|f| f.id == m).ok_or_else(|| bad(format!("marker [{m}] not found")))?;
        items.drain(..=at);
    }
    if let Some(l) = limit {
        items.truncate(l);
    }
    Ok((items, limit))
}

pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    listing(s, caller, base, params, v, false)
}

pub async fn list_detail(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    listing(s, caller, base, params, v, true)
}

fn listing(s: AppState, caller: Caller, base: String, params: Params, v: Version, detail: bool) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:flavors:index", Target::default())?;
    let w = s.world();
    let (items, limit) = select(&w.compute.flavors, &caller, &params, v)?;
    let rendered: Vec<Value> =
        items.iter().map(|f| if detail { views::flavor(f, v, &base) } else { views::flavor_brief(f, v, &base) }).collect();
    let mut body = json!({"flavors": rendered});
    // A full page links to the next one, as Nova's collection links do.
    if let (Some(l), Some(last)) = (limit, items.last()) {
        if l > 0 && items.len() == l {
            let path = if detail { "flavors/detail" } else { "flavors" };
            let mut q: Vec<String> = params.0.iter().filter(|(k, _)| k != "marker").map(|(k, v)| format!("{k}={v}")).collect();
            q.push(format!("marker={}", last.id));
            body["flavors_links"] = json!([{"rel": "next", "href": format!("{base}/compute/v2.1/{path}?{}", q.join("&"))}]);
        }
    }
    Ok(reply(v, StatusCode::OK, body))
}

/// A flavor the caller may see: public, shared with its project, or any for an admin.
pub(crate) fn visible<'a>(flavors: &'a [Flavor], caller: &Caller, id: &str) -> Result<&'a Flavor, ApiError> {
    flavors
        .iter()
        .find(|f| f.id == id && f.accessible_to(caller.project_id.as_deref(), caller.is_admin()))
        .ok_or_else(|| not_found(format!("Flavor {id} could not be found.")))
}

fn visible_mut<'a>(flavors: &'a mut [Flavor], caller: &Caller, id: &str) -> Result<&'a mut Flavor, ApiError> {
    flavors
        .iter_mut()
        .find(|f| f.id == id && f.accessible_to(caller.project_id.as_deref(), caller.is_admin()))
        .ok_or_else(|| not_found(format!("Flavor {id} could not be found.")))
}

pub async fn show(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:flavors:show", Target::default())?;
    let w = s.world();
    Ok(reply(v, StatusCode::OK, json!({"flavor": views::flavor(visible(&w.compute.flavors, &caller, &id)?, v, &base)})))
}

/// Nova's create schema (schemas/flavors.py), with `description` from 2.55.
fn create_schema(v: Version) -> Value {
    let positive = json!({"type": ["integer", "string"], "pattern": "^[0-9]+$", "minimum": 1, "maximum": MAX_INT});
    let non_negative = json!({"type": ["integer", "string"], "pattern": "^[0-9]+$", "minimum": 0, "maximum": MAX_INT});
    let mut props = json!({
        "name": {"type": "string", "minLength": 1, "maxLength": 255},
        "id": {"type": ["string", "number", "null"], "minLength": 1, "maxLength": 255, "pattern": "^(?! )[a-zA-Z0-9. _-]+(?<! )$"},
        "ram": positive, "vcpus": positive, "disk": non_negative,
        "OS-FLV-EXT-DATA:ephemeral": non_negative, "swap": non_negative,
        "rxtx_factor": {"type": ["number", "string"], "pattern": "^[0-9]+(\\.[0-9]+)?$", "exclusiveMinimum": 0, "maximum": 3.40282e38},
        "os-flavor-access:is_public": {"type": ["boolean", "string"]},
    });
    if v.at_least(2, 55) {
        props["description"] = json!({"type": ["string", "null"], "minLength": 0, "maxLength": 65535});
    }
    json!({
        "type": "object",
        "properties": {"flavor": {"type": "object", "properties": props, "required": ["name", "ram", "vcpus", "disk"], "additionalProperties": false}},
        "required": ["flavor"], "additionalProperties": false,
    })
}

/// An integer given as a number or a numeric string, within `[min, MAX_INT]` (`utils.validate_integer`).
fn integer(vals: &Map<String, Value>, key: &str, shown: &str, min: i64) -> Result<u64, ApiError> {
    let n = match vals.get(key) {
        None => 0,
        Some(Value::Number(n)) => {
            n.as_i64().ok_or_else(|| bad(format!("Invalid input for field/attribute {shown}. {shown} must be an integer.")))?
        }
        Some(Value::String(s)) => s.trim().parse::<i64>().map_err(|_| bad(format!("{shown} must be an integer.")))?,
        Some(_) => return Err(bad(format!("{shown} must be an integer."))),
    };
    if n < min {
        return Err(bad(format!("{shown} must be >= {min}.")));
    }
    if n > MAX_INT {
        return Err(bad(format!("{shown} must be <= {MAX_INT}.")));
    }
    Ok(n as u64)
}

/// A name Nova accepts: no leading or trailing whitespace and no control characters.
fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.trim() == name && !name.chars().any(char::is_control)
}

pub async fn create(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-flavor-manage:create", Target::default())?;
    check_schema(&body, &create_schema(v))?;
    let vals = body["flavor"].as_object().expect("the schema requires an object");
    let name = vals["name"].as_str().expect("the schema requires a string").to_string();
    if !valid_name(&name) {
        return Err(bad(format!("Invalid input for field/attribute name. Value: {name}. '{name}' does not match the name pattern")));
    }
    let ram = integer(vals, "ram", "ram", 1)?;
    let vcpus = integer(vals, "vcpus", "vcpus", 1)?;
    let disk = integer(vals, "disk", "disk", 0)?;
    let ephemeral = integer(vals, "OS-FLV-EXT-DATA:ephemeral", "ephemeral", 0)?;
    let swap = integer(vals, "swap", "swap", 0)?;
    let rxtx_factor = match vals.get("rxtx_factor") {
        None => 1.0,
        Some(Value::Number(n)) => n.as_f64().unwrap_or(0.0),
        Some(Value::String(s)) => s.parse::<f64>().unwrap_or(0.0),
        Some(_) => 0.0,
    };
    if rxtx_factor <= 0.0 || rxtx_factor > 3.40282e38 {
        return Err(bad("Invalid input received: 'rxtx_factor' argument must be a float between 0 and 3.40282e+38"));
    }
    let is_public = match vals.get("os-flavor-access:is_public") {
        None => true,
        Some(b) => parse_bool(b).ok_or_else(|| bad("Invalid input received: is_public must be a boolean"))?,
    };
    let description = if v.at_least(2, 55) { vals.get("description").and_then(Value::as_str).map(str::to_string) } else { None };
    let mut w = s.world();
    // No id (or an empty one) asks Nova for a uuid; a number becomes its decimal string.
    let id = match vals.get("id") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) if n.as_f64() != Some(0.0) => n.to_string(),
        _ => w.sim.ids.uuid(),
    };
    if w.compute.flavors.iter().any(|f| f.name == name) {
        return Err(ApiError::new(SVC, StatusCode::CONFLICT, format!("Flavor with name {name} already exists.")));
    }
    if w.compute.flavors.iter().any(|f| f.id == id) {
        return Err(ApiError::new(SVC, StatusCode::CONFLICT, format!("Flavor with ID {id} already exists.")));
    }
    let flavor = Flavor {
        id,
        name,
        vcpus,
        ram,
        disk,
        ephemeral,
        swap,
        rxtx_factor,
        is_public,
        projects: vec![],
        description,
        extra_specs: Default::default(),
    };
    let view = views::flavor(&flavor, v, &base);
    w.compute.flavors.push(flavor);
    Ok(reply(v, StatusCode::OK, json!({"flavor": view})))
}

/// `PUT /flavors/{id}` (2.55+): only the description changes.
pub async fn update(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    if !v.at_least(2, 55) {
        return Err(ApiError::new(SVC, StatusCode::METHOD_NOT_ALLOWED, "The method specified is not allowed for this resource."));
    }
    enforce(SVC, &caller, "os_compute_api:os-flavor-manage:update", Target::default())?;
    let schema = json!({
        "type": "object",
        "properties": {"flavor": {"type": "object", "properties": {"description": {"type": ["string", "null"], "minLength": 0, "maxLength": 65535}},
                                  "required": ["description"], "additionalProperties": false}},
        "required": ["flavor"], "additionalProperties": false,
    });
    check_schema(&body, &schema)?;
    let mut w = s.world();
    let f = visible_mut(&mut w.compute.flavors, &caller, &id)?;
    f.description = body["flavor"]["description"].as_str().map(str::to_string);
    Ok(reply(v, StatusCode::OK, json!({"flavor": views::flavor(f, v, &base)})))
}

pub async fn delete(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-flavor-manage:delete", Target::default())?;
    let mut w = s.world();
    let at = w.compute.flavors.iter().position(|f| f.id == id).ok_or_else(|| not_found(format!("Flavor {id} could not be found.")))?;
    w.compute.flavors.remove(at);
    Ok(empty(v, StatusCode::ACCEPTED))
}

// ---- extra specs ----

fn spec_map(values: Value) -> Value {
    json!({"type": "object", "patternProperties": {"^[a-zA-Z0-9-_:. ]{1,255}$": {"type": values, "maxLength": 255}}, "additionalProperties": false})
}

/// Extra spec values may be sent as numbers; they are kept as strings.
fn spec_string(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

/// The checks Nova applies from 2.86 to the namespaces it knows (nova/api/validation/extra_specs);
/// other namespaces are free.
fn check_spec(v: Version, key: &str, value: &str) -> Result<(), ApiError> {
    if value.len() > 255 {
        return Err(bad("extra_specs value has a maximum length of 255"));
    }
    if !v.at_least(2, 86) {
        return Ok(());
    }
    let invalid = || bad(format!("Validation failed; extra spec '{key}' has an invalid value: '{value}'."));
    let int = || value.parse::<i64>().map_err(|_| invalid());
    match key {
        "hw:numa_nodes" | "hw:cpu_sockets" | "hw:cpu_cores" | "hw:cpu_threads" | "hw:cpu_max_sockets" | "hw:cpu_max_cores"
        | "hw:cpu_max_threads" => {
            if int()? < 1 {
                return Err(invalid());
            }
        }
        "hw:cpu_policy" if !["dedicated", "shared", "mixed"].contains(&value) => return Err(invalid()),
        "hw:cpu_thread_policy" if !["prefer", "isolate", "require"].contains(&value) => return Err(invalid()),
        "hw:mem_page_size" if !["any", "large", "small"].contains(&value) && !value.chars().next().is_some_and(|c| c.is_ascii_digit()) => {
            return Err(invalid())
        }
        k if k.starts_with("hw:") || k.starts_with("hw_rng:") || k.starts_with("quota:") => {}
        _ => {}
    }
    Ok(())
}

pub async fn extra_specs(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-flavor-extra-specs:index", Target::default())?;
    let w = s.world();
    Ok(reply(v, StatusCode::OK, json!({"extra_specs": visible(&w.compute.flavors, &caller, &id)?.extra_specs})))
}

pub async fn set_extra_specs(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-flavor-extra-specs:create", Target::default())?;
    let schema = json!({"type": "object", "properties": {"extra_specs": spec_map(json!(["string", "number"]))}, "required": ["extra_specs"], "additionalProperties": false});
    check_schema(&body, &schema)?;
    let specs: Vec<(String, String)> =
        body["extra_specs"].as_object().expect("checked").iter().map(|(k, x)| (k.clone(), spec_string(x))).collect();
    for (k, x) in &specs {
        check_spec(v, k, x)?;
    }
    let mut w = s.world();
    let f = visible_mut(&mut w.compute.flavors, &caller, &id)?;
    f.extra_specs.extend(specs);
    Ok(reply(v, StatusCode::OK, body))
}

pub async fn show_extra_spec(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, key)): Path<(String, String)>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-flavor-extra-specs:show", Target::default())?;
    let w = s.world();
    let f = visible(&w.compute.flavors, &caller, &id)?;
    let value = f.extra_specs.get(&key).ok_or_else(|| not_found(format!("Flavor {id} has no extra specs with key {key}.")))?;
    Ok(reply(v, StatusCode::OK, json!({ key: value })))
}

pub async fn update_extra_spec(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, key)): Path<(String, String)>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-flavor-extra-specs:update", Target::default())?;
    let mut schema = spec_map(json!(["string", "number"]));
    schema["minProperties"] = json!(1);
    schema["maxProperties"] = json!(1);
    check_schema(&body, &schema)?;
    let (k, x) = body.as_object().and_then(|o| o.iter().next()).map(|(k, x)| (k.clone(), spec_string(x))).expect("checked");
    check_spec(v, &k, &x)?;
    if k != key {
        return Err(bad("Request body and URI mismatch"));
    }
    let mut w = s.world();
    let f = visible_mut(&mut w.compute.flavors, &caller, &id)?;
    f.extra_specs.insert(k, x);
    Ok(reply(v, StatusCode::OK, body))
}

pub async fn delete_extra_spec(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, key)): Path<(String, String)>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-flavor-extra-specs:delete", Target::default())?;
    let mut w = s.world();
    let f = visible_mut(&mut w.compute.flavors, &caller, &id)?;
    f.extra_specs.remove(&key).ok_or_else(|| not_found(format!("Flavor {id} has no extra specs with key {key}.")))?;
    Ok(empty(v, StatusCode::OK))
}

// ---- access to private flavors ----

fn access_list(f: &Flavor) -> Value {
    let access: Vec<Value> = f.projects.iter().map(|p| json!({"flavor_id": f.id, "tenant_id": p})).collect();
    json!({ "flavor_access": access })
}

/// `os-flavor-access` (admin): the projects a private flavor is shared with; public flavors have no
/// access list (Nova's 404).
pub async fn access(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-flavor-access", Target::default())?;
    let w = s.world();
    let f = visible(&w.compute.flavors, &caller, &id)?;
    if f.is_public {
        return Err(not_found("Access list not available for public flavors."));
    }
    Ok(reply(v, StatusCode::OK, access_list(f)))
}

/// `POST /flavors/{id}/action`: `addTenantAccess` and `removeTenantAccess`.
pub async fn action(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    let (name, arg) =
        body.as_object().filter(|o| o.len() == 1).and_then(|o| o.iter().next()).ok_or_else(|| bad("Malformed request body"))?;
    let add = match name.as_str() {
        "addTenantAccess" => true,
        "removeTenantAccess" => false,
        other => return Err(bad(format!("There is no such action: {other}"))),
    };
    let rule =
        if add { "os_compute_api:os-flavor-access:add_tenant_access" } else { "os_compute_api:os-flavor-access:remove_tenant_access" };
    enforce(SVC, &caller, rule, Target::default())?;
    let schema = json!({"type": "object", "properties": {"tenant": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[a-zA-Z0-9-_]*$"}},
                        "required": ["tenant"], "additionalProperties": false});
    check_schema(arg, &schema)?;
    let tenant = arg["tenant"].as_str().expect("checked").to_string();
    let mut w = s.world();
    let f = w.compute.flavors.iter_mut().find(|f| f.id == id).ok_or_else(|| not_found(format!("Flavor {id} could not be found.")))?;
    if add {
        if f.is_public {
            return Err(ApiError::new(SVC, StatusCode::CONFLICT, "Can not add access to a public flavor."));
        }
        if f.projects.contains(&tenant) {
            return Err(ApiError::new(
                SVC,
                StatusCode::CONFLICT,
                format!("Flavor access already exists for flavor {id} and project {tenant} combination."),
            ));
        }
        f.projects.push(tenant);
    } else {
        let at = f
            .projects
            .iter()
            .position(|p| *p == tenant)
            .ok_or_else(|| not_found(format!("Flavor access not found for {id} / {tenant} combination.")))?;
        f.projects.remove(at);
    }
    Ok(reply(v, StatusCode::OK, access_list(f)))
}
