//! Regions, services and endpoints (keystone/api/regions.py, services.py, endpoints.py). Every
//! change reaches the catalog tokens carry.

use super::common::{created, filtered, list_reply, member, missing, no_content, one, refused, ApiResult, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::http::routes::{get, Routes};
use crate::identity::catalog_rules::{EndpointChanges, NewEndpoint, NewRegion, NewService, ServiceChanges};
use crate::identity::error::Refusal;
use crate::identity::request::{
    checked, EndpointBody, RegionBody, ServiceBody, ENDPOINT_CREATE, ENDPOINT_UPDATE, REGION_CREATE, REGION_UPDATE, SERVICE_CREATE,
    SERVICE_UPDATE,
};
use crate::identity::views;
use crate::policy::{enforce, Target};
use axum::extract::{Path, State};
use serde_json::{json, Value};

pub(super) fn routes() -> Routes {
    Routes::new()
        .route("/v3/regions", get(list_regions).post(create_region))
        .route("/v3/regions/{id}", get(get_region).put(put_region).patch(update_region).delete(delete_region))
        .route("/v3/services", get(list_services).post(create_service))
        .route("/v3/services/{id}", get(get_service).patch(update_service).delete(delete_service))
        .route("/v3/endpoints", get(list_endpoints).post(create_endpoint))
        .route("/v3/endpoints/{id}", get(get_endpoint).patch(update_endpoint).delete(delete_endpoint))
}

fn allow(caller: &Caller, action: &str) -> Result<(), ApiError> {
    enforce(SVC, caller, action, Target::default())
}

/// `_require_matching_id`: an update may not name an id.
fn no_new_id(id: Option<&Value>) -> Result<(), ApiError> {
    match id {
        Some(v) if !v.is_null() => Err(refused(Refusal::BadRequest("Cannot change ID".into()))),
        _ => Ok(()),
    }
}

// ---- regions ----

async fn list_regions(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    allow(&caller, "identity:list_regions")?;
    let world = s.world();
    let items = world.identity.regions.iter().map(|r| views::region(r, &base)).collect();
    list_reply("regions", "regions", filtered(items, &params, &["parent_region_id"]), &base)
}

async fn get_region(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(id): Path<String>) -> ApiResult {
    allow(&caller, "identity:get_region")?;
    let world = s.world();
    let r = world.identity.region(&id).ok_or_else(|| missing("region", &id))?;
    one("region", views::region(r, &base))
}

fn new_region(b: RegionBody, id: Option<String>) -> NewRegion {
    NewRegion { id, description: b.description.flatten(), parent_region_id: b.parent_region_id.flatten(), extra: b.extra }
}

async fn create_region(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, JsonBody(body): JsonBody<Value>) -> ApiResult {
    allow(&caller, "identity:create_region")?;
    let region = member(&body, "region", Value::Null)?;
    let b: RegionBody = checked(&region, &REGION_CREATE).map_err(refused)?;
    let mut world = s.world();
    let w = &mut *world;
    let id = b.id.clone();
    let r = w.identity.create_region(new_region(b, id), &mut w.sim.ids).map_err(refused)?;
    created("region", views::region(r, &base))
}

async fn put_region(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    allow(&caller, "identity:create_region")?;
    let region = member(&body, "region", Value::Null)?;
    let b: RegionBody = checked(&region, &REGION_CREATE).map_err(refused)?;
    if let Some(given) = b.id.as_ref().filter(|g| **g != id) {
        return Err(refused(Refusal::BadRequest(format!("Conflicting region IDs specified: \"{id}\" != \"{given}\""))));
    }
    let mut world = s.world();
    let w = &mut *world;
    let r = w.identity.create_region(new_region(b, Some(id)), &mut w.sim.ids).map_err(refused)?;
    created("region", views::region(r, &base))
}

async fn update_region(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    allow(&caller, "identity:update_region")?;
    let region = member(&body, "region", Value::Null)?;
    let b: RegionBody = checked(&region, &REGION_UPDATE).map_err(refused)?;
    no_new_id(region.get("id"))?;
    let mut world = s.world();
    let r = world.identity.update_region(&id, b.description, b.parent_region_id, b.extra).map_err(refused)?;
    one("region", views::region(r, &base))
}

async fn delete_region(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    allow(&caller, "identity:delete_region")?;
    s.world().identity.delete_region(&id).map_err(refused)?;
    no_content()
}

// ---- services ----

async fn list_services(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    allow(&caller, "identity:list_services")?;
    let world = s.world();
    let items = world.identity.services.iter().map(|x| views::service(x, &base)).collect();
    list_reply("services", "services", filtered(items, &params, &["type", "name"]), &base)
}

async fn get_service(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(id): Path<String>) -> ApiResult {
    allow(&caller, "identity:get_service")?;
    let world = s.world();
    let x = world.identity.service(&id).ok_or_else(|| missing("service", &id))?;
    one("service", views::service(x, &base))
}

async fn create_service(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, JsonBody(body): JsonBody<Value>) -> ApiResult {
    allow(&caller, "identity:create_service")?;
    let service = member(&body, "service", json!({}))?;
    let b: ServiceBody = checked(&service, &SERVICE_CREATE).map_err(refused)?;
    let new = NewService {
        service_type: b.service_type.unwrap_or_default(),
        name: b.name,
        description: b.description.flatten(),
        enabled: b.enabled,
        extra: b.extra,
    };
    let mut world = s.world();
    let w = &mut *world;
    let x = w.identity.create_service(new, &mut w.sim.ids);
    created("service", views::service(x, &base))
}

async fn update_service(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    allow(&caller, "identity:update_service")?;
    let service = member(&body, "service", json!({}))?;
    let b: ServiceBody = checked(&service, &SERVICE_UPDATE).map_err(refused)?;
    no_new_id(b.id.as_ref())?;
    let changes =
        ServiceChanges { service_type: b.service_type, name: b.name, description: b.description, enabled: b.enabled, extra: b.extra };
    let mut world = s.world();
    let x = world.identity.update_service(&id, changes).map_err(refused)?;
    one("service", views::service(x, &base))
}

async fn delete_service(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    allow(&caller, "identity:delete_service")?;
    s.world().identity.delete_service(&id).map_err(refused)?;
    no_content()
}

// ---- endpoints ----

async fn list_endpoints(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    allow(&caller, "identity:list_endpoints")?;
    let world = s.world();
    let items = world.identity.endpoints.iter().map(|e| views::endpoint(e, &base)).collect();
    list_reply("endpoints", "endpoints", filtered(items, &params, &["interface", "service_id", "region_id"]), &base)
}

async fn get_endpoint(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(id): Path<String>) -> ApiResult {
    allow(&caller, "identity:get_endpoint")?;
    let world = s.world();
    let e = world.identity.endpoint(&id).ok_or_else(|| missing("endpoint", &id))?;
    one("endpoint", views::endpoint(e, &base))
}

async fn create_endpoint(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, JsonBody(body): JsonBody<Value>) -> ApiResult {
    allow(&caller, "identity:create_endpoint")?;
    let endpoint = member(&body, "endpoint", json!({}))?;
    let b: EndpointBody = checked(&endpoint, &ENDPOINT_CREATE).map_err(refused)?;
    let new = NewEndpoint {
        // Keystone assigns its own id whatever the body says.
        id: None,
        service_id: b.service_id.unwrap_or_default(),
        interface: b.interface.unwrap_or_default(),
        url: b.url.unwrap_or_default(),
        region_id: b.region_id,
        region: b.region,
        enabled: b.enabled,
        extra: b.extra,
    };
    let mut world = s.world();
    let w = &mut *world;
    let e = w.identity.create_endpoint(new, &mut w.sim.ids).map_err(refused)?;
    created("endpoint", views::endpoint(e, &base))
}

async fn update_endpoint(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    allow(&caller, "identity:update_endpoint")?;
    let endpoint = member(&body, "endpoint", json!({}))?;
    let b: EndpointBody = checked(&endpoint, &ENDPOINT_UPDATE).map_err(refused)?;
    no_new_id(endpoint.get("id"))?;
    let changes = EndpointChanges {
        service_id: b.service_id,
        interface: b.interface,
        url: b.url,
        region_id: b.region_id.map(Some),
        region: b.region.map(Some),
        enabled: b.enabled,
        extra: b.extra,
    };
    let mut world = s.world();
    let e = world.identity.update_endpoint(&id, changes).map_err(refused)?;
    one("endpoint", views::endpoint(e, &base))
}

async fn delete_endpoint(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    allow(&caller, "identity:delete_endpoint")?;
    s.world().identity.delete_endpoint(&id).map_err(refused)?;
    no_content()
}
