//! A provider's inventories.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::BaseUrl;
use crate::placement::fault::{Fault, JsonInput, Mv, Reply, Seg};
use crate::placement::model::{Inventory, MAX_INT};
use crate::placement::schema::{self, as_integer};
use crate::placement::views;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::Value;
use std::collections::BTreeMap;

/// An inventory from a validated body, with Placement's defaults for what is left out.
pub(super) fn inventory_from(rp: &str, rc: &str, data: &Value) -> Result<Inventory, Fault> {
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

pub(super) async fn list_inventories(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>) -> Reply {
    can(&caller, "placement:resource_providers:inventories:list")?;
    let world = s.world();
    let rp = provider_or(&world, &uuid, || format!("{} : {}", no_provider(&uuid), no_provider(&uuid)))?;
    ok(v, &world, views::inventories(rp))
}

pub(super) async fn set_inventories(
    caller: Caller,
    Mv(v): Mv,
    State(s): State<AppState>,
    Seg(uuid): Seg<String>,
    body: JsonInput,
) -> Reply {
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

pub(super) async fn create_inventory(
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
pub(super) async fn delete_inventories(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>) -> Reply {
    if !v.at_least(1, 5) {
        return Err(Fault::method_not_allowed());
    }
    can(&caller, "placement:resource_providers:inventories:delete")?;
    s.world().placement.delete_inventories(&uuid)?;
    no_content()
}

pub(super) async fn show_inventory(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg((uuid, rc)): Seg<(String, String)>) -> Reply {
    can(&caller, "placement:resource_providers:inventories:show")?;
    let world = s.world();
    let rp = provider_or(&world, &uuid, || format!("{} : {}", no_provider(&uuid), no_provider(&uuid)))?;
    let inv = rp.inventories.get(&rc).ok_or_else(|| Fault::not_found(format!("No inventory of class {rc} for {uuid}")))?;
    ok(v, &world, views::inventory(inv, rp.generation))
}

pub(super) async fn update_inventory(
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

pub(super) async fn delete_inventory(
    caller: Caller,
    Mv(_): Mv,
    State(s): State<AppState>,
    Seg((uuid, rc)): Seg<(String, String)>,
) -> Reply {
    can(&caller, "placement:resource_providers:inventories:delete")?;
    s.world().placement.delete_inventory(&uuid, &rc)?;
    no_content()
}
