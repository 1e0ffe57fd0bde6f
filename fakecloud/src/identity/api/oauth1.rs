//! OAuth1 consumers (keystone/api/os_oauth1.py): admin's, readable by a system reader too. The
//! secret is in the create reply only.

use super::common::{created, list_reply, member, no_content, one, refused, ApiResult, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::BaseUrl;
use crate::http::routes::{get, Routes};
use crate::identity::error::Refusal;
use crate::identity::request::{checked, ConsumerBody, KsBody, CONSUMER_CREATE, CONSUMER_UPDATE};
use crate::identity::views;
use crate::policy::{enforce, Target};
use axum::extract::{Path, State};
use serde_json::json;

pub(super) fn routes() -> Routes {
    Routes::new()
        .route("/v3/OS-OAUTH1/consumers", get(list).post(create))
        .route("/v3/OS-OAUTH1/consumers/{id}", get(show).patch(update).delete(remove))
}

async fn list(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl) -> ApiResult {
    enforce(SVC, &caller, "identity:list_consumers", Target::default())?;
    let world = s.world();
    let items = world.identity.consumers.iter().map(|c| views::consumer(c, &base, false)).collect();
    list_reply("OS-OAUTH1/consumers", "consumers", items, &base)
}

async fn show(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(id): Path<String>) -> ApiResult {
    enforce(SVC, &caller, "identity:get_consumer", Target::default())?;
    let world = s.world();
    one("consumer", views::consumer(world.identity.consumer(&id).map_err(refused)?, &base, false))
}

async fn create(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, KsBody(body): KsBody) -> ApiResult {
    enforce(SVC, &caller, "identity:create_consumer", Target::default())?;
    let consumer = member(&body, "consumer", json!({}))?;
    let b: ConsumerBody = checked(&consumer, &CONSUMER_CREATE).map_err(refused)?;
    let mut world = s.world();
    let w = &mut *world;
    // The id and the secret are Keystone's; a `secret` in the body is ignored like any other
    // attribute it overwrites.
    let mut extra = b.extra;
    extra.remove("secret");
    let c = w.identity.create_consumer(b.description.flatten(), extra, &mut w.sim.ids);
    created("consumer", views::consumer(c, &base, true))
}

async fn update(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    KsBody(body): KsBody,
) -> ApiResult {
    enforce(SVC, &caller, "identity:update_consumer", Target::default())?;
    let consumer = member(&body, "consumer", json!({}))?;
    let b: ConsumerBody = checked(&consumer, &CONSUMER_UPDATE).map_err(refused)?;
    // `_require_matching_id`.
    if b.id.as_ref().is_some_and(|given| given.as_str() != Some(id.as_str())) {
        return Err(refused(Refusal::BadRequest("Cannot change ID".into())));
    }
    let mut world = s.world();
    let c = world.identity.update_consumer(&id, b.description, b.extra).map_err(refused)?;
    one("consumer", views::consumer(c, &base, false))
}

async fn remove(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    enforce(SVC, &caller, "identity:delete_consumer", Target::default())?;
    s.world().identity.delete_consumer(&id).map_err(refused)?;
    no_content()
}
