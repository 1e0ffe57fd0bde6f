//! Allocations: a provider's, a consumer's, and several consumers' at once.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::microversion::Version;
use crate::placement::consumers::ConsumerAllocations;
use crate::placement::fault::{Fault, JsonInput, Mv, Reply, Seg};
use crate::placement::schema::{self, as_integer, is_uuid_like};
use crate::placement::views;
use axum::extract::State;
use serde_json::Value;
use std::collections::BTreeMap;

pub(super) async fn provider_allocations(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>) -> Reply {
    can(&caller, "placement:resource_providers:allocations:list")?;
    let world = s.world();
    let rp = provider_or(&world, &uuid, || format!("Resource provider '{uuid}' not found: {}", no_provider(&uuid)))?;
    ok(v, &world, views::provider_allocations(&world.placement, rp, v))
}

pub(super) async fn consumer_allocations(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(consumer): Seg<String>) -> Reply {
    can(&caller, "placement:allocations:list")?;
    let world = s.world();
    let p = &world.placement;
    let body = views::consumer_allocations(p, &consumer, p.allocations.get(&consumer), v);
    ok(v, &world, body)
}

/// One consumer's validated allocations body as the model's request.
pub(super) fn consumer_request(consumer: &str, data: &Value, v: Version) -> ConsumerAllocations {
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
        project_id: text("project_id").unwrap_or_else(|| crate::placement::consumers::INCOMPLETE_CONSUMER.into()),
        user_id: text("user_id").unwrap_or_else(|| crate::placement::consumers::INCOMPLETE_CONSUMER.into()),
        generation: v.at_least(1, 28).then(|| as_integer(&data["consumer_generation"])),
        consumer_type: v.at_least(1, 38).then(|| text("consumer_type")).flatten(),
    }
}

pub(super) async fn put_allocations(
    caller: Caller,
    Mv(v): Mv,
    State(s): State<AppState>,
    Seg(consumer): Seg<String>,
    body: JsonInput,
) -> Reply {
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
pub(super) async fn post_allocations(caller: Caller, Mv(v): Mv, State(s): State<AppState>, body: JsonInput) -> Reply {
    since(v, 1, 13)?;
    can(&caller, "placement:allocations:manage")?;
    let data = body.validated(&schema::post_allocations(v))?;
    let requests: Vec<ConsumerAllocations> =
        data.as_object().into_iter().flatten().map(|(consumer, d)| consumer_request(consumer, d, v)).collect();
    s.world().placement.replace_allocations(&requests)?;
    no_content()
}

pub(super) async fn delete_allocations(caller: Caller, Mv(_): Mv, State(s): State<AppState>, Seg(consumer): Seg<String>) -> Reply {
    can(&caller, "placement:allocations:delete")?;
    s.world().placement.delete_allocations(&consumer)?;
    no_content()
}
