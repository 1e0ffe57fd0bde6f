//! What the operator offers: providers (with the settings each driver takes in a flavor or an
//! availability zone), flavors and flavor profiles (availability zones are in `zones.rs`). Flavors
//! and profiles are the admin's to change; anyone may list the flavors.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::loadbalancer::model::*;
use crate::loadbalancer::views;
use crate::world::World;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{json, Value};

/// The rules here name the caller's own project: a reader there (or an admin) may read.
pub(super) fn policy(caller: &Caller, action: &str) -> Result<(), ApiError> {
    own_project(caller, &format!("os_load-balancer_api:{action}"))
}

pub(super) fn provider_enabled(name: &str) -> Result<(), ApiError> {
    if PROVIDERS.iter().any(|(p, _)| *p == name) {
        Ok(())
    } else {
        Err(bad(format!("Provider '{name}' is not enabled.")))
    }
}

pub(super) fn long(field: &str, v: &Option<String>) -> Result<(), ApiError> {
    match v {
        Some(s) if s.chars().count() > 255 => Err(bad(format!(
            "Invalid input for field/attribute {field}. Value: '{s}'. Value should have a maximum character requirement of 255"
        ))),
        _ => Ok(()),
    }
}

pub async fn providers(caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    policy(&caller, "provider:get_all")?;
    let items = PROVIDERS.iter().map(|(n, d)| json!({"name": n, "description": d})).collect();
    list_reply("providers", "lbaas/providers", &base, items, &params, &views::PROVIDER_ATTRS)
}

/// The settings a provider's driver reads from a flavor (or zone) profile. The amphora drivers
/// publish their schema; the OVN driver takes no flavors or zones (501, as its driver answers).
fn capabilities(provider: &str, of: &'static [(&'static str, &'static str)], what: &str) -> Result<Vec<Value>, ApiError> {
    provider_enabled(provider)?;
    if provider == "ovn" {
        return Err(ApiError::new(
            SVC,
            StatusCode::NOT_IMPLEMENTED,
            format!("Provider '{provider}' does not support a requested action: The OVN provider does not support {what}."),
        ));
    }
    Ok(of.iter().map(|(n, d)| json!({"name": n, "description": d})).collect())
}

pub async fn flavor_capabilities(caller: Caller, BaseUrl(base): BaseUrl, Path(provider): Path<String>, params: Params) -> ApiResult {
    policy(&caller, "provider-flavor:get_all")?;
    let items = capabilities(&provider, AMPHORA_FLAVOR_CAPABILITIES, "flavors")?;
    list_reply(
        "flavor_capabilities",
        &format!("lbaas/providers/{provider}/flavor_capabilities"),
        &base,
        items,
        &params,
        &views::PROVIDER_ATTRS,
    )
}

pub async fn zone_capabilities(caller: Caller, BaseUrl(base): BaseUrl, Path(provider): Path<String>, params: Params) -> ApiResult {
    policy(&caller, "provider-availability-zone:get_all")?;
    let items = capabilities(&provider, AMPHORA_ZONE_CAPABILITIES, "availability zones")?;
    let path = format!("lbaas/providers/{provider}/availability_zone_capabilities");
    list_reply("availability_zone_capabilities", &path, &base, items, &params, &views::PROVIDER_ATTRS)
}

// ---------------------------------------------------------------------------------------------
// Flavor profiles

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileBody {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    provider_name: Option<String>,
    #[serde(default)]
    flavor_data: Option<String>,
}

/// `flavor_data` must be a JSON object that the provider's driver accepts (the amphora flavor
/// schema: known keys, a topology it supports).
fn check_flavor_data(provider: &str, data: &str) -> Result<(), ApiError> {
    let v: Value =
        serde_json::from_str(data).map_err(|e| bad(format!("Invalid input for field/attribute flavor_data. Value: '{data}'. {e}")))?;
    let Value::Object(m) = v else {
        return Err(bad(format!("Invalid input for field/attribute flavor_data. Value: '{data}'. The flavor data must be a JSON object.")));
    };
    let unsupported = |msg: String| {
        ApiError::new(SVC, StatusCode::NOT_IMPLEMENTED, format!("Provider '{provider}' does not support a requested option: {msg}"))
    };
    if provider == "ovn" {
        return if m.is_empty() { Ok(()) } else { Err(unsupported("The OVN provider does not support flavors.".into())) };
    }
    for (k, v) in &m {
        if !AMPHORA_FLAVOR_CAPABILITIES.iter().any(|(n, _)| n == k) {
            return Err(unsupported(format!("Additional properties are not allowed ('{k}' was unexpected)")));
        }
        let ok = match k.as_str() {
            "loadbalancer_topology" => matches!(v.as_str(), Some("SINGLE" | "ACTIVE_STANDBY")),
            "sriov_vip" | "allow_member_sriov" => v.is_boolean(),
            _ => v.is_string(),
        };
        if !ok {
            return Err(unsupported(format!("{k} {v} is not valid under any of the given schemas")));
        }
    }
    Ok(())
}

fn profile_view(p: &FlavorProfile) -> Value {
    json!({"id": p.id, "name": p.name, "provider_name": p.provider_name, "flavor_data": p.flavor_data})
}

fn profile_in_use(w: &World, id: &str) -> Result<(), ApiError> {
    if w.octavia.flavors.iter().any(|f| f.flavor_profile_id == id) {
        return Err(conflict(format!("Flavor profile {id} is in use and cannot be modified.")));
    }
    Ok(())
}

pub async fn list_profiles(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    policy(&caller, "flavor-profile:get_all")?;
    let w = s.world();
    let items = w.octavia.flavor_profiles.values().map(profile_view).collect();
    list_reply("flavorprofiles", "lbaas/flavorprofiles", &base, items, &params, &views::FLAVOR_PROFILE_ATTRS)
}

pub async fn show_profile(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    policy(&caller, "flavor-profile:get_one")?;
    let w = s.world();
    let p = w.octavia.flavor_profiles.get(&id).ok_or_else(|| not_found("Flavor profile", &id))?;
    Ok(reply(StatusCode::OK, json!({ "flavorprofile": profile_view(p) })))
}

pub async fn create_profile(State(s): State<AppState>, caller: Caller, JsonBody(raw): JsonBody<Value>) -> ApiResult {
    let req: ProfileBody = body(raw, "flavorprofile")?;
    policy(&caller, "flavor-profile:post")?;
    let missing = |f: &str| bad(format!("Invalid input for field/attribute {f}. Value: 'None'. Mandatory field missing."));
    let name = req.name.clone().ok_or_else(|| missing("name"))?;
    let provider = req.provider_name.ok_or_else(|| missing("provider_name"))?;
    let data = req.flavor_data.ok_or_else(|| missing("flavor_data"))?;
    long("name", &req.name)?;
    provider_enabled(&provider)?;
    check_flavor_data(&provider, &data)?;
    let mut w = s.world();
    let id = w.sim.ids.uuid();
    let p = FlavorProfile { id: id.clone(), name, provider_name: provider, flavor_data: data };
    let view = profile_view(&p);
    w.octavia.flavor_profiles.insert(id, p);
    Ok(reply(StatusCode::CREATED, json!({ "flavorprofile": view })))
}

pub async fn update_profile(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(raw): JsonBody<Value>,
) -> ApiResult {
    let req: ProfileBody = body(raw, "flavorprofile")?;
    policy(&caller, "flavor-profile:put")?;
    long("name", &req.name)?;
    let mut w = s.world();
    let p = w.octavia.flavor_profiles.get(&id).ok_or_else(|| not_found("Flavor profile", &id))?.clone();
    if req.provider_name.is_some() || req.flavor_data.is_some() {
        profile_in_use(&w, &id)?;
    }
    let provider = req.provider_name.unwrap_or(p.provider_name);
    provider_enabled(&provider)?;
    let data = req.flavor_data.unwrap_or(p.flavor_data);
    check_flavor_data(&provider, &data)?;
    let p = w.octavia.flavor_profiles.get_mut(&id).expect("checked");
    if let Some(n) = req.name {
        p.name = n;
    }
    (p.provider_name, p.flavor_data) = (provider, data);
    Ok(reply(StatusCode::OK, json!({ "flavorprofile": profile_view(p) })))
}

pub async fn delete_profile(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    policy(&caller, "flavor-profile:delete")?;
    let mut w = s.world();
    w.octavia.flavor_profiles.get(&id).ok_or_else(|| not_found("Flavor profile", &id))?;
    profile_in_use(&w, &id)?;
    w.octavia.flavor_profiles.remove(&id);
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---------------------------------------------------------------------------------------------
// Flavors

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlavorBody {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    flavor_profile_id: Option<String>,
}

fn flavor_view(f: &LbFlavor) -> Value {
    json!({"id": f.id, "name": f.name, "description": f.description, "enabled": f.enabled, "flavor_profile_id": f.flavor_profile_id})
}

fn flavor_index(w: &World, id: &str) -> Result<usize, ApiError> {
    w.octavia.flavors.iter().position(|f| f.id == id).ok_or_else(|| not_found("Flavor", id))
}

pub async fn list_flavors(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    policy(&caller, "flavor:get_all")?;
    let w = s.world();
    let items = w.octavia.flavors.iter().map(flavor_view).collect();
    list_reply("flavors", "lbaas/flavors", &base, items, &params, &views::FLAVOR_ATTRS)
}

pub async fn show_flavor(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    policy(&caller, "flavor:get_one")?;
    let w = s.world();
    let i = flavor_index(&w, &id)?;
    Ok(reply(StatusCode::OK, json!({ "flavor": flavor_view(&w.octavia.flavors[i]) })))
}

pub async fn create_flavor(State(s): State<AppState>, caller: Caller, JsonBody(raw): JsonBody<Value>) -> ApiResult {
    let req: FlavorBody = body(raw, "flavor")?;
    policy(&caller, "flavor:post")?;
    let missing = |f: &str| bad(format!("Invalid input for field/attribute {f}. Value: 'None'. Mandatory field missing."));
    let name = req.name.clone().ok_or_else(|| missing("name"))?;
    let profile = req.flavor_profile_id.ok_or_else(|| missing("flavor_profile_id"))?;
    long("name", &req.name)?;
    long("description", &req.description)?;
    let mut w = s.world();
    if !w.octavia.flavor_profiles.contains_key(&profile) {
        return Err(bad(format!("{profile} is not a valid option for flavor_profile_id")));
    }
    if w.octavia.flavors.iter().any(|f| f.name == name) {
        return Err(conflict(format!("A flavor of {name} already exists.")));
    }
    let id = w.sim.ids.uuid();
    let f = LbFlavor {
        id,
        name,
        description: req.description.unwrap_or_default(),
        enabled: req.enabled.unwrap_or(true),
        flavor_profile_id: profile,
    };
    let view = flavor_view(&f);
    w.octavia.flavors.push(f);
    Ok(reply(StatusCode::CREATED, json!({ "flavor": view })))
}

pub async fn update_flavor(State(s): State<AppState>, caller: Caller, Path(id): Path<String>, JsonBody(raw): JsonBody<Value>) -> ApiResult {
    let req: FlavorBody = body(raw, "flavor")?;
    policy(&caller, "flavor:put")?;
    if req.flavor_profile_id.is_some() {
        return Err(bad("Invalid input for field/attribute flavor_profile_id. Value: the flavor profile of a flavor cannot be changed."));
    }
    long("name", &req.name)?;
    long("description", &req.description)?;
    let mut w = s.world();
    let i = flavor_index(&w, &id)?;
    if let Some(n) = &req.name {
        if w.octavia.flavors.iter().any(|f| f.name == *n && f.id != id) {
            return Err(conflict(format!("A flavor of {n} already exists.")));
        }
    }
    let f = &mut w.octavia.flavors[i];
    if let Some(n) = req.name {
        f.name = n;
    }
    if let Some(d) = req.description {
        f.description = d;
    }
    if let Some(e) = req.enabled {
        f.enabled = e;
    }
    Ok(reply(StatusCode::OK, json!({ "flavor": flavor_view(f) })))
}

pub async fn delete_flavor(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    policy(&caller, "flavor:delete")?;
    let mut w = s.world();
    let i = flavor_index(&w, &id)?;
    if w.octavia.loadbalancers.values().any(|lb| lb.flavor_id.as_deref() == Some(id.as_str())) {
        return Err(conflict(format!("Flavor {id} is in use and cannot be modified.")));
    }
    w.octavia.flavors.remove(i);
    Ok(StatusCode::NO_CONTENT.into_response())
}
