//! `/v3/domains` (keystone/api/domains.py): list, show, create, update, delete.

use super::common::{created, filtered, list_reply, missing, no_content, one, ApiResult, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::{BaseUrl, Params};
use crate::identity::request::{KsBody, ResourceBody};
use crate::identity::views;
use crate::policy::{enforce, enforce_in_domain, Target};
use axum::extract::{Path, State};
use serde_json::Value;

/// `GET /v3/domains`: a domain-scoped caller sees its own domain only.
pub async fn list(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    let scope = caller.domain_scope.as_deref();
    enforce_in_domain(SVC, &caller, "identity:list_domains", Target::default(), scope)?;
    let world = s.world();
    let items: Vec<Value> =
        world.identity.domains.iter().filter(|d| scope.is_none_or(|x| x == d.id)).map(|d| views::domain(d, &base)).collect();
    list_reply("domains", "domains", filtered(items, &params, &["name", "enabled"]), &base)
}

/// `GET /v3/domains/{id}`: any token scoped to the domain or to one of its projects may read it.
pub async fn show(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(id): Path<String>) -> ApiResult {
    let world = s.world();
    let d = world.identity.domain(&id);
    enforce_in_domain(SVC, &caller, "identity:get_domain", Target::default(), d.map(|d| d.id.as_str()))?;
    let d = d.ok_or_else(|| missing("domain", &id))?;
    one("domain", views::domain(d, &base))
}

/// `POST /v3/domains`.
pub async fn create(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, KsBody(body): KsBody) -> ApiResult {
    enforce(SVC, &caller, "identity:create_domain", Target::default())?;
    let b = ResourceBody::domain_create(&body)?;
    let mut world = s.world();
    let w = &mut *world;
    let id = w.identity.create_project(&mut w.sim.ids, b, None)?;
    created("domain", views::domain(w.identity.domain(&id).expect("just created"), &base))
}

/// `PATCH /v3/domains/{id}`.
pub async fn update(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    KsBody(body): KsBody,
) -> ApiResult {
    enforce(SVC, &caller, "identity:update_domain", Target::default())?;
    let b = ResourceBody::domain_update(&body)?;
    let mut world = s.world();
    world.identity.update_domain(&id, b)?;
    one("domain", views::domain(world.identity.domain(&id).expect("just updated"), &base))
}

/// `DELETE /v3/domains/{id}`: a disabled domain, with everything in it.
pub async fn remove(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    enforce(SVC, &caller, "identity:delete_domain", Target::default())?;
    let mut world = s.world();
    let now = world.now();
    world.identity.delete_domain(&id, now)?;
    no_content()
}
