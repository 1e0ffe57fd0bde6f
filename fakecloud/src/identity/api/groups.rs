//! `/v3/groups` (keystone/api/groups.py): list, show, create, update, delete, and membership.

use super::common::{created, filtered, list_reply, missing, no_content, one, ApiResult, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::{BaseUrl, Params};
use crate::identity::request::{GroupBody, KsBody};
use crate::identity::views;
use crate::policy::{enforce, enforce_in_domain, Target};
use axum::extract::{Path, State};
use serde_json::Value;

/// `GET /v3/groups`: a domain-scoped caller sees its domain's groups only.
pub async fn list(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    let scope = caller.domain_scope.as_deref();
    enforce_in_domain(SVC, &caller, "identity:list_groups", Target::default(), scope)?;
    let world = s.world();
    let items: Vec<Value> =
        world.identity.groups.iter().filter(|g| scope.is_none_or(|d| d == g.domain_id)).map(|g| views::group(g, &base)).collect();
    list_reply("groups", "groups", filtered(items, &params, &["domain_id", "name"]), &base)
}

/// `GET /v3/groups/{id}`.
pub async fn show(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(id): Path<String>) -> ApiResult {
    let world = s.world();
    let g = world.identity.group(&id);
    enforce_in_domain(SVC, &caller, "identity:get_group", Target::default(), g.map(|g| g.domain_id.as_str()))?;
    let g = g.ok_or_else(|| missing("group", &id))?;
    one("group", views::group(g, &base))
}

/// `POST /v3/groups`.
pub async fn create(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, KsBody(body): KsBody) -> ApiResult {
    enforce(SVC, &caller, "identity:create_group", Target::default())?;
    let b = GroupBody::create(&body)?;
    let mut world = s.world();
    let w = &mut *world;
    let id = w.identity.create_group(&mut w.sim.ids, b, caller.domain_scope.as_deref())?;
    created("group", views::group(w.identity.group(&id).expect("just created"), &base))
}

/// `PATCH /v3/groups/{id}`.
pub async fn update(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    KsBody(body): KsBody,
) -> ApiResult {
    enforce(SVC, &caller, "identity:update_group", Target::default())?;
    let b = GroupBody::update(&body)?;
    let mut world = s.world();
    world.identity.update_group(&id, b)?;
    one("group", views::group(world.identity.group(&id).expect("just updated"), &base))
}

/// `DELETE /v3/groups/{id}`.
pub async fn remove(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    enforce(SVC, &caller, "identity:delete_group", Target::default())?;
    s.world().identity.delete_group(&id)?;
    no_content()
}

/// `GET /v3/groups/{id}/users`.
pub async fn members(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let world = s.world();
    let g = world.identity.group(&id);
    enforce_in_domain(SVC, &caller, "identity:list_users_in_group", Target::default(), g.map(|g| g.domain_id.as_str()))?;
    let scope = caller.domain_scope.as_deref();
    let items: Vec<Value> = world
        .identity
        .group_members(&id)?
        .into_iter()
        .filter(|u| scope.is_none_or(|d| d == u.domain_id))
        .map(|u| views::user(u, &base))
        .collect();
    let items = filtered(items, &params, &["domain_id", "enabled", "name", "password_expires_at"]);
    list_reply(&format!("groups/{id}/users"), "users", items, &base)
}

/// `HEAD`/`GET /v3/groups/{id}/users/{user}`: 204 for a member. A domain reader may ask only when
/// the group and the user are both in its domain.
pub async fn check_member(State(s): State<AppState>, caller: Caller, Path((id, user)): Path<(String, String)>) -> ApiResult {
    let world = s.world();
    let idn = &world.identity;
    let group_domain = idn.group(&id).map(|g| g.domain_id.as_str());
    let domain = group_domain.filter(|d| idn.user(&user).is_some_and(|u| u.domain_id == *d));
    enforce_in_domain(SVC, &caller, "identity:check_user_in_group", Target::default(), domain)?;
    idn.check_in_group(&id, &user)?;
    no_content()
}

/// `PUT /v3/groups/{id}/users/{user}`.
pub async fn add_member(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, user)): Path<(String, String)>,
    KsBody(_): KsBody,
) -> ApiResult {
    enforce(SVC, &caller, "identity:add_user_to_group", Target::default())?;
    s.world().identity.add_to_group(&id, &user)?;
    no_content()
}

/// `DELETE /v3/groups/{id}/users/{user}`.
pub async fn remove_member(State(s): State<AppState>, caller: Caller, Path((id, user)): Path<(String, String)>) -> ApiResult {
    enforce(SVC, &caller, "identity:remove_user_from_group", Target::default())?;
    let mut world = s.world();
    let now = world.now();
    world.identity.remove_from_group(&id, &user, now)?;
    no_content()
}
