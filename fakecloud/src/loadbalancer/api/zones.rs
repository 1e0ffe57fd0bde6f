//! Availability zones (`/lbaas/availabilityzones`, keyed by name) and their profiles
//! (`/lbaas/availabilityzoneprofiles`): where a provider builds a load balancer. A profile holds a
//! provider's zone settings, checked against the driver's schema and the cloud (the amphora
//! driver's `compute_zone` must be a Nova zone, `volume_zone` a Cinder one); a zone names a profile
//! and is what users pass as a load balancer's `availability_zone`. Only an admin changes either;
//! any reader of the project may list and show the zones.

use super::common::*;
use super::flavors::{long, policy, provider_enabled};
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

/// The longest `availability_zone_data` Octavia stores.
const MAX_DATA: usize = 4096;

fn missing(field: &str) -> ApiError {
    bad(format!("Invalid input for field/attribute {field}. Value: 'None'. Mandatory field missing."))
}

// ---------------------------------------------------------------------------------------------
// Availability zone profiles

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileBody {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    provider_name: Option<String>,
    #[serde(default)]
    availability_zone_data: Option<String>,
}

/// `availability_zone_data` must be a JSON object the provider's driver accepts: for the amphora
/// driver, its zone schema (known keys of the right types), a `compute_zone` Nova has and a
/// `volume_zone` Cinder has. A schema refusal is the provider's 501; an unknown zone is the error
/// the compute or volume driver raises, which Octavia reports as the provider's 500.
fn check_zone_data(w: &World, provider: &str, data: &str) -> Result<(), ApiError> {
    if data.chars().count() > MAX_DATA {
        return Err(bad(format!(
            "Invalid input for field/attribute availability_zone_data. Value: '{data}'. Value should have a maximum character requirement of {MAX_DATA}"
        )));
    }
    let v: Value = serde_json::from_str(data).map_err(|_| bad(format!("{data} is not a valid option for availability_zone_data")))?;
    let unsupported = |msg: String| {
        ApiError::new(SVC, StatusCode::NOT_IMPLEMENTED, format!("Provider '{provider}' does not support a requested option: {msg}"))
    };
    if provider == "ovn" {
        return Err(ApiError::new(
            SVC,
            StatusCode::NOT_IMPLEMENTED,
            format!("Provider '{provider}' does not support a requested action: The OVN provider does not support availability zones."),
        ));
    }
    let Value::Object(m) = v else {
        return Err(unsupported(format!("{v} is not of type 'object'")));
    };
    for (k, v) in &m {
        if !AMPHORA_ZONE_CAPABILITIES.iter().any(|(n, _)| n == k) {
            return Err(unsupported(format!("Additional properties are not allowed ('{k}' was unexpected)")));
        }
        let (ok, kind) = match k.as_str() {
            "valid_vip_networks" => (v.is_array(), "array"),
            _ => (v.is_string(), "string"),
        };
        if !ok {
            return Err(unsupported(format!("{k} {v} is not of type '{kind}'")));
        }
    }
    let driver_error =
        |msg: String| ApiError::new(SVC, StatusCode::INTERNAL_SERVER_ERROR, format!("Provider '{provider}' reports error: {msg}"));
    if let Some(zone) = m.get("compute_zone").and_then(Value::as_str) {
        if !w.compute.hosts.iter().any(|h| h.az == zone) {
            return Err(driver_error(format!("Nova availability zone {zone} not found.")));
        }
    }
    if let Some(zone) = m.get("volume_zone").and_then(Value::as_str) {
        if !w.volume.services.iter().any(|s| s.zone == zone) {
            return Err(driver_error(format!("Cinder availability zone {zone} not found.")));
        }
    }
    Ok(())
}

fn profile_view(p: &ZoneProfile) -> Value {
    json!({"id": p.id, "name": p.name, "provider_name": p.provider_name, "availability_zone_data": p.availability_zone_data})
}

fn profile_in_use(w: &World, id: &str) -> Result<(), ApiError> {
    if w.octavia.availability_zones.values().any(|z| z.availability_zone_profile_id == id) {
        return Err(conflict(format!("Availability Zone Profile {id} is in use and cannot be modified.")));
    }
    Ok(())
}

fn profile_for<'a>(w: &'a World, id: &str) -> Result<&'a ZoneProfile, ApiError> {
    w.octavia.availability_zone_profiles.get(id).ok_or_else(|| not_found("Availability Zone Profile", id))
}

pub async fn list_profiles(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    policy(&caller, "availability-zone-profile:get_all")?;
    let w = s.world();
    let items = w.octavia.availability_zone_profiles.values().map(profile_view).collect();
    let path = "lbaas/availabilityzoneprofiles";
    list_reply_linked(
        "availability_zone_profiles",
        "availability_zone_profile_links",
        path,
        &base,
        items,
        &params,
        &views::ZONE_PROFILE_ATTRS,
    )
}

pub async fn show_profile(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    policy(&caller, "availability-zone-profile:get_one")?;
    let w = s.world();
    Ok(reply(StatusCode::OK, json!({ "availability_zone_profile": profile_view(profile_for(&w, &id)?) })))
}

pub async fn create_profile(State(s): State<AppState>, caller: Caller, JsonBody(raw): JsonBody<Value>) -> ApiResult {
    let req: ProfileBody = body(raw, "availability_zone_profile")?;
    policy(&caller, "availability-zone-profile:post")?;
    let name = req.name.clone().ok_or_else(|| missing("name"))?;
    let provider = req.provider_name.clone().ok_or_else(|| missing("provider_name"))?;
    let data = req.availability_zone_data.ok_or_else(|| missing("availability_zone_data"))?;
    long("name", &req.name)?;
    long("provider_name", &req.provider_name)?;
    provider_enabled(&provider)?;
    let mut w = s.world();
    check_zone_data(&w, &provider, &data)?;
    let id = w.sim.ids.uuid();
    let p = ZoneProfile { id: id.clone(), name, provider_name: provider, availability_zone_data: data };
    let view = profile_view(&p);
    w.octavia.availability_zone_profiles.insert(id, p);
    Ok(reply(StatusCode::CREATED, json!({ "availability_zone_profile": view })))
}

/// The name, provider and settings may change; the provider and settings only while no zone uses
/// the profile.
pub async fn update_profile(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(raw): JsonBody<Value>,
) -> ApiResult {
    let req: ProfileBody = body(raw, "availability_zone_profile")?;
    policy(&caller, "availability-zone-profile:put")?;
    long("name", &req.name)?;
    long("provider_name", &req.provider_name)?;
    let mut w = s.world();
    let p = profile_for(&w, &id)?.clone();
    if req.provider_name.is_some() || req.availability_zone_data.is_some() {
        profile_in_use(&w, &id)?;
    }
    let provider = req.provider_name.unwrap_or(p.provider_name);
    provider_enabled(&provider)?;
    let data = req.availability_zone_data.unwrap_or(p.availability_zone_data);
    check_zone_data(&w, &provider, &data)?;
    let p = w.octavia.availability_zone_profiles.get_mut(&id).expect("checked");
    if let Some(n) = req.name {
        p.name = n;
    }
    (p.provider_name, p.availability_zone_data) = (provider, data);
    Ok(reply(StatusCode::OK, json!({ "availability_zone_profile": profile_view(p) })))
}

pub async fn delete_profile(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    policy(&caller, "availability-zone-profile:delete")?;
    let mut w = s.world();
    profile_for(&w, &id)?;
    profile_in_use(&w, &id)?;
    w.octavia.availability_zone_profiles.remove(&id);
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---------------------------------------------------------------------------------------------
// Availability zones

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateZone {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    availability_zone_profile_id: Option<String>,
}

/// Only the description and `enabled` change; the name is the zone's key and the profile is fixed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateZone {
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    enabled: Option<bool>,
}

fn zone_view(z: &LbZone) -> Value {
    json!({"name": z.name, "description": z.description, "enabled": z.enabled, "availability_zone_profile_id": z.availability_zone_profile_id})
}

fn zone_for<'a>(w: &'a World, name: &str) -> Result<&'a LbZone, ApiError> {
    w.octavia.availability_zones.get(name).ok_or_else(|| not_found("Availability Zone", name))
}

pub async fn list_zones(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    policy(&caller, "availability-zone:get_all")?;
    let w = s.world();
    // By name, the zones' key, as Octavia's table returns them when no sort is asked for.
    let items = w.octavia.availability_zones.values().map(zone_view).collect();
    list_reply("availability_zones", "lbaas/availabilityzones", &base, items, &params, &views::ZONE_ATTRS)
}

pub async fn show_zone(State(s): State<AppState>, caller: Caller, Path(name): Path<String>) -> ApiResult {
    policy(&caller, "availability-zone:get_one")?;
    let w = s.world();
    Ok(reply(StatusCode::OK, json!({ "availability_zone": zone_view(zone_for(&w, &name)?) })))
}

pub async fn create_zone(State(s): State<AppState>, caller: Caller, JsonBody(raw): JsonBody<Value>) -> ApiResult {
    let req: CreateZone = body(raw, "availability_zone")?;
    policy(&caller, "availability-zone:post")?;
    let name = req.name.clone().ok_or_else(|| missing("name"))?;
    let profile = req.availability_zone_profile_id.ok_or_else(|| missing("availability_zone_profile_id"))?;
    long("name", &req.name)?;
    long("description", &req.description)?;
    if uuid::Uuid::parse_str(&profile).is_err() {
        return Err(bad(format!(
            "Invalid input for field/attribute availability_zone_profile_id. Value: '{profile}'. Value should be UUID format"
        )));
    }
    let mut w = s.world();
    if !w.octavia.availability_zone_profiles.contains_key(&profile) {
        return Err(bad(format!("{profile} is not a valid option for availability_zone_profile_id")));
    }
    if w.octavia.availability_zones.contains_key(&name) {
        return Err(conflict(format!("A availability zone of {name} already exists.")));
    }
    let z = LbZone {
        name: name.clone(),
        description: req.description,
        enabled: req.enabled.unwrap_or(true),
        availability_zone_profile_id: profile,
    };
    let view = zone_view(&z);
    w.octavia.availability_zones.insert(name, z);
    Ok(reply(StatusCode::CREATED, json!({ "availability_zone": view })))
}

pub async fn update_zone(State(s): State<AppState>, caller: Caller, Path(name): Path<String>, JsonBody(raw): JsonBody<Value>) -> ApiResult {
    let req: UpdateZone = body(raw, "availability_zone")?;
    policy(&caller, "availability-zone:put")?;
    long("description", &req.description)?;
    let mut w = s.world();
    zone_for(&w, &name)?;
    let z = w.octavia.availability_zones.get_mut(&name).expect("checked");
    if let Some(d) = req.description {
        z.description = Some(d);
    }
    if let Some(e) = req.enabled {
        z.enabled = e;
    }
    Ok(reply(StatusCode::OK, json!({ "availability_zone": zone_view(z) })))
}

/// A zone a load balancer (not yet deleted) was built in stays: Octavia's foreign key refuses.
pub async fn delete_zone(State(s): State<AppState>, caller: Caller, Path(name): Path<String>) -> ApiResult {
    policy(&caller, "availability-zone:delete")?;
    let mut w = s.world();
    zone_for(&w, &name)?;
    if w.octavia.loadbalancers.values().any(|lb| lb.availability_zone.as_deref() == Some(name.as_str())) {
        return Err(conflict(format!("Availability Zone {name} is in use and cannot be modified.")));
    }
    w.octavia.availability_zones.remove(&name);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The zone a new load balancer asks for: it must exist and be enabled; its settings must still
/// pass the provider's checks (which, as at Octavia's create, look up the networks it names too),
/// and a zone's `valid_vip_networks` limit where the VIP may be. Returns the zone's settings.
pub(super) fn zone_for_loadbalancer(
    w: &World,
    provider: &str,
    zone: &str,
    vip_network_id: &str,
) -> Result<serde_json::Map<String, Value>, ApiError> {
    let z = w.octavia.availability_zones.get(zone).ok_or_else(|| bad("Validation failure: Invalid availability zone."))?;
    if !z.enabled {
        return Err(bad(format!("The selected availability_zone is not allowed in this deployment: {zone}")));
    }
    let data = w.octavia.zone_data(zone);
    if data.is_empty() {
        return Ok(data);
    }
    if provider == "ovn" {
        return Err(ApiError::new(
            SVC,
            StatusCode::NOT_IMPLEMENTED,
            format!("Provider '{provider}' does not support a requested action: This provider does not support availability zones."),
        ));
    }
    check_zone_data(w, provider, &Value::Object(data.clone()).to_string())?;
    let valid: Vec<&str> =
        data.get("valid_vip_networks").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    for net in valid.iter().copied().chain(data.get("management_network").and_then(Value::as_str)) {
        if !w.network.networks.contains_key(net) {
            return Err(ApiError::new(
                SVC,
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("Provider '{provider}' reports error: Network {net} not found."),
            ));
        }
    }
    if !valid.is_empty() && !valid.iter().any(|n| n.eq_ignore_ascii_case(vip_network_id)) {
        return Err(bad("Validation failure: Supplied VIP network_id is not allowed by the configuration of this deployment."));
    }
    Ok(data)
}
