//! Resource providers.

use super::common::*;
use super::query_string::{parse_member_of, parse_required, parse_resources};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::{BaseUrl, Params};
use crate::placement::fault::{Fault, JsonInput, Mv, Reply, Seg};
use crate::placement::query::ProviderQuery;
use crate::placement::schema::{self};
use crate::placement::views;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::Value;

pub(super) async fn list_providers(caller: Caller, Mv(v): Mv, State(s): State<AppState>, params: Params) -> Reply {
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

pub(super) async fn show_provider(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>) -> Reply {
    can(&caller, "placement:resource_providers:show")?;
    let world = s.world();
    let rp = provider_or(&world, &uuid, || no_provider(&uuid))?;
    ok(v, &world, views::provider(rp, v))
}

/// `POST /resource_providers`: 201 with only a Location before 1.20, then 200 with the provider.
pub(super) async fn create_provider(
    caller: Caller,
    Mv(v): Mv,
    State(s): State<AppState>,
    BaseUrl(base): BaseUrl,
    body: JsonInput,
) -> Reply {
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

pub(super) async fn update_provider(
    caller: Caller,
    Mv(v): Mv,
    State(s): State<AppState>,
    Seg(uuid): Seg<String>,
    body: JsonInput,
) -> Reply {
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

pub(super) async fn delete_provider(caller: Caller, Mv(_): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>) -> Reply {
    can(&caller, "placement:resource_providers:delete")?;
    s.world().placement.delete_provider(&uuid)?;
    no_content()
}
