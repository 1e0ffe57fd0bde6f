//! Traits, and a provider's traits.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::{BaseUrl, Params};
use crate::placement::fault::{Fault, JsonInput, Mv, Reply, Seg};
use crate::placement::schema::{self, as_integer};
use crate::placement::views;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;

/// `GET /traits`: `?name=in:A,B` or `?name=startswith:PREFIX`, and `?associated=true|false`.
pub(super) async fn list_traits(caller: Caller, Mv(v): Mv, State(s): State<AppState>, params: Params) -> Reply {
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
    let names = world.placement.find_traits(name_in.as_deref(), prefix.as_deref(), associated);
    let body = views::traits(&names);
    ok(v, &world, body)
}

pub(super) async fn show_trait(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(name): Seg<String>) -> Reply {
    since(v, 1, 6)?;
    can(&caller, "placement:traits:show")?;
    let world = s.world();
    if !world.placement.trait_exists(&name) {
        return Err(Fault::not_found(format!("No such trait(s): {name}.")));
    }
    Ok(with_cache_headers(StatusCode::NO_CONTENT.into_response(), v, world.now()))
}

pub(super) async fn put_trait(
    caller: Caller,
    Mv(v): Mv,
    State(s): State<AppState>,
    BaseUrl(base): BaseUrl,
    Seg(name): Seg<String>,
) -> Reply {
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

pub(super) async fn delete_trait(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(name): Seg<String>) -> Reply {
    since(v, 1, 6)?;
    can(&caller, "placement:traits:delete")?;
    s.world().placement.delete_trait(&name)?;
    no_content()
}

pub(super) async fn provider_traits(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>) -> Reply {
    since(v, 1, 6)?;
    can(&caller, "placement:resource_providers:traits:list")?;
    let world = s.world();
    let rp = provider_or(&world, &uuid, || format!("{}: {}", no_provider(&uuid), no_provider(&uuid)))?;
    ok(v, &world, views::provider_traits(rp))
}

pub(super) async fn set_provider_traits(
    caller: Caller,
    Mv(v): Mv,
    State(s): State<AppState>,
    Seg(uuid): Seg<String>,
    body: JsonInput,
) -> Reply {
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

pub(super) async fn clear_provider_traits(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>) -> Reply {
    since(v, 1, 6)?;
    can(&caller, "placement:resource_providers:traits:delete")?;
    s.world().placement.clear_provider_traits(&uuid)?;
    no_content()
}
