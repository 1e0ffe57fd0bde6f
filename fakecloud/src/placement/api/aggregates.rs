//! A provider's aggregates.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::placement::fault::{JsonInput, Mv, Reply, Seg};
use crate::placement::schema::{self, as_integer};
use crate::placement::views;
use axum::extract::State;
use serde_json::Value;

pub(super) async fn provider_aggregates(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>) -> Reply {
    since(v, 1, 1)?;
    can(&caller, "placement:resource_providers:aggregates:list")?;
    let world = s.world();
    let rp = provider_or(&world, &uuid, || no_provider(&uuid))?;
    ok(v, &world, views::aggregates(&world.placement, rp, v))
}

/// `PUT .../aggregates`: a bare list of uuids before 1.19, then `{aggregates, generation}`.
pub(super) async fn set_provider_aggregates(
    caller: Caller,
    Mv(v): Mv,
    State(s): State<AppState>,
    Seg(uuid): Seg<String>,
    body: JsonInput,
) -> Reply {
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
