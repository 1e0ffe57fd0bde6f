//! `os-quota-sets`, `os-quota-class-sets` and `limits`.

use super::common::{bad, check_schema, empty, reply, ApiResult, Nova, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::compute::quotas::{class_resources, resources};
use crate::http::extract::{JsonBody, Params};
use crate::http::microversion::{Microversion, Version};
use crate::policy::{enforce, Target};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const MAX_INT: i64 = 2_147_483_647;

fn user_param(params: &Params) -> Option<String> {
    params.get("user_id").filter(|u| !u.is_empty()).map(str::to_string)
}

pub async fn show(
    State(s): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-quota-sets:show", Target { project_id: Some(&project), user_id: None })?;
    let user = user_param(&params);
    let w = s.world();
    let mut set = Map::new();
    set.insert("id".into(), json!(project));
    for r in resources(v) {
        set.insert(r.into(), json!(w.compute.quotas.limit(&project, user.as_deref(), r)));
    }
    Ok(reply(v, StatusCode::OK, json!({ "quota_set": set })))
}

pub async fn detail(
    State(s): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-quota-sets:detail", Target { project_id: Some(&project), user_id: None })?;
    let user = user_param(&params);
    let w = s.world();
    let mut set = Map::new();
    set.insert("id".into(), json!(project));
    for r in resources(v) {
        let limit = w.compute.quotas.limit(&project, user.as_deref(), r);
        set.insert(r.into(), json!({"limit": limit, "in_use": w.compute.quota_usage(&project, user.as_deref(), r), "reserved": 0}));
    }
    Ok(reply(v, StatusCode::OK, json!({ "quota_set": set })))
}

pub async fn defaults(
    State(s): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-quota-sets:defaults", Target::default())?;
    let w = s.world();
    let mut set = Map::new();
    set.insert("id".into(), json!(project));
    for r in resources(v) {
        set.insert(r.into(), json!(w.compute.quotas.default_limit(r)));
    }
    Ok(reply(v, StatusCode::OK, json!({ "quota_set": set })))
}

/// Nova's update schema: each known resource an integer (or numeric string) from -1, and `force`.
fn update_schema(names: &[&str], key: &str, force: bool) -> Value {
    let mut props = Map::new();
    for r in names {
        props.insert((*r).into(), json!({"type": ["integer", "string"], "pattern": "^-?[0-9]+$", "minimum": -1, "maximum": MAX_INT}));
    }
    if force {
        props.insert("force".into(), json!({"type": ["boolean", "string"]}));
    }
    json!({"type": "object", "properties": {key: {"type": "object", "properties": props, "additionalProperties": false}},
           "required": [key], "additionalProperties": false})
}

fn as_int(v: &Value) -> i64 {
    v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok())).unwrap_or(0)
}

pub async fn update(
    State(s): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-quota-sets:update", Target { project_id: Some(&project), user_id: None })?;
    let names: Vec<&str> = resources(v).collect();
    check_schema(&body, &update_schema(&names, "quota_set", true))?;
    let vals = body["quota_set"].as_object().expect("checked");
    let force = vals.get("force").and_then(super::common::parse_bool).unwrap_or(false);
    let user = user_param(&params);
    let mut w = s.world();
    // Nova asks Keystone whether the project exists before it stores limits for it.
    if w.identity.project(&project).is_none() {
        return Err(bad(format!("Project ID {project} is not a valid project.")));
    }
    let mut changes = BTreeMap::new();
    for (r, value) in vals.iter().filter(|(k, _)| *k != "force") {
        let limit = as_int(value);
        if !force && limit >= 0 {
            let used = w.compute.quota_usage(&project, user.as_deref(), r);
            if limit < used {
                return Err(bad(format!("Quota limit {limit} for {r} must be greater than or equal to already used and reserved {used}.")));
            }
        }
        changes.insert(r.clone(), limit);
    }
    let q = &mut w.compute.quotas;
    let target = match &user {
        Some(u) => q.users.entry(format!("{project}/{u}")).or_default(),
        None => q.projects.entry(project.clone()).or_default(),
    };
    target.extend(changes);
    let mut set = Map::new();
    for r in resources(v) {
        set.insert(r.into(), json!(w.compute.quotas.limit(&project, user.as_deref(), r)));
    }
    Ok(reply(v, StatusCode::OK, json!({ "quota_set": set })))
}

/// Reverts a project's (or a user's) limits to the defaults.
pub async fn delete(
    State(s): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-quota-sets:delete", Target { project_id: Some(&project), user_id: None })?;
    let mut w = s.world();
    match user_param(&params) {
        Some(u) => w.compute.quotas.users.remove(&format!("{project}/{u}")),
        None => {
            let prefix = format!("{project}/");
            w.compute.quotas.users.retain(|k, _| !k.starts_with(&prefix));
            w.compute.quotas.projects.remove(&project)
        }
    };
    Ok(empty(v, StatusCode::ACCEPTED))
}

fn class_set(w: &crate::world::World, class: &str, v: Version) -> Map<String, Value> {
    let mut set = Map::new();
    for r in class_resources(v) {
        let limit =
            w.compute.quotas.classes.get(class).and_then(|c| c.get(r)).copied().unwrap_or_else(|| w.compute.quotas.default_limit(r));
        set.insert(r.into(), json!(limit));
    }
    set
}

pub async fn show_class(
    State(s): State<AppState>,
    caller: Caller,
    Path(class): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-quota-class-sets:show", Target::default())?;
    let w = s.world();
    let mut set = class_set(&w, &class, v);
    set.insert("id".into(), json!(class));
    Ok(reply(v, StatusCode::OK, json!({ "quota_class_set": set })))
}

pub async fn update_class(
    State(s): State<AppState>,
    caller: Caller,
    Path(class): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-quota-class-sets:update", Target::default())?;
    let names: Vec<&str> = class_resources(v).collect();
    check_schema(&body, &update_schema(&names, "quota_class_set", false))?;
    let changes: BTreeMap<String, i64> =
        body["quota_class_set"].as_object().expect("checked").iter().map(|(k, x)| (k.clone(), as_int(x))).collect();
    let mut w = s.world();
    w.compute.quotas.classes.entry(class.clone()).or_default().extend(changes);
    Ok(reply(v, StatusCode::OK, json!({ "quota_class_set": class_set(&w, &class, v) })))
}

/// `GET /limits`: the caller's project's absolute limits and usage (an admin may name another with
/// `tenant_id`); rate limits are long gone, so `rate` is empty.
pub async fn limits(State(s): State<AppState>, caller: Caller, params: Params, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:limits", Target::default())?;
    let mut project = caller.project_id.clone().unwrap_or_default();
    if let Some(other) = params.get("tenant_id") {
        if other != project {
            enforce(SVC, &caller, "os_compute_api:limits:other_project", Target::default())?;
            project = other.to_string();
        }
    }
    let w = s.world();
    let q = &w.compute.quotas;
    let limit = |r: &str| q.limit(&project, None, r);
    let used = |r: &str| w.compute.quota_usage(&project, None, r);
    let mut abs = json!({
        "maxTotalRAMSize": limit("ram"), "maxTotalInstances": limit("instances"), "maxTotalCores": limit("cores"),
        "maxServerMeta": limit("metadata_items"),
        "maxTotalKeypairs": limit("key_pairs"), "maxServerGroups": limit("server_groups"),
        "maxServerGroupMembers": limit("server_group_members"),
        "totalRAMUsed": used("ram"), "totalCoresUsed": used("cores"), "totalInstancesUsed": used("instances"),
        "totalServerGroupsUsed": used("server_groups"),
    });
    // 2.39 retired the image metadata proxy's limit.
    if !v.at_least(2, 39) {
        abs["maxImageMeta"] = json!(limit("metadata_items"));
    }
    if !v.at_least(2, 36) {
        abs["maxTotalFloatingIps"] = json!(limit("floating_ips"));
        abs["maxSecurityGroups"] = json!(limit("security_groups"));
        abs["maxSecurityGroupRules"] = json!(limit("security_group_rules"));
        abs["totalFloatingIpsUsed"] = json!(0);
        abs["totalSecurityGroupsUsed"] = json!(0);
    }
    if !v.at_least(2, 57) {
        abs["maxPersonality"] = json!(limit("injected_files"));
        abs["maxPersonalitySize"] = json!(limit("injected_file_content_bytes"));
    }
    Ok(reply(v, StatusCode::OK, json!({"limits": {"absolute": abs, "rate": []}})))
}
