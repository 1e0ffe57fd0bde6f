//! `/v3/users` (keystone/api/users.py): list, show, create, update, delete, the self-service
//! password change, and a user's groups and projects.

use super::common::{created, filtered, list_reply, missing, no_content, one, optional_caller, ApiResult, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, Params};
use crate::identity::model::Identity;
use crate::identity::request::{KsBody, PasswordChange, UserBody};
use crate::identity::views;
use crate::policy::{enforce_in_domain, Target};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde_json::Value;

/// The policy target of a user route: the user and its domain, when it exists.
fn enforce_on(idn: &Identity, caller: &Caller, action: &str, id: &str) -> Result<(), ApiError> {
    let user = idn.user(id);
    let target = Target { project_id: None, user_id: user.map(|u| u.id.as_str()) };
    enforce_in_domain(SVC, caller, action, target, user.map(|u| u.domain_id.as_str()))
}

/// `GET /v3/users`: a domain-scoped caller sees its domain's users only.
pub async fn list(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    let scope = caller.domain_scope.as_deref();
    enforce_in_domain(SVC, &caller, "identity:list_users", Target::default(), scope)?;
    let world = s.world();
    let items: Vec<Value> =
        world.identity.users.iter().filter(|u| scope.is_none_or(|d| d == u.domain_id)).map(|u| views::user(u, &base)).collect();
    list_reply("users", "users", filtered(items, &params, &["domain_id", "enabled", "name", "password_expires_at"]), &base)
}

/// `GET /v3/users/{id}`.
pub async fn show(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(id): Path<String>) -> ApiResult {
    let world = s.world();
    enforce_on(&world.identity, &caller, "identity:get_user", &id)?;
    let u = world.identity.user(&id).ok_or_else(|| missing("user", &id))?;
    one("user", views::user(u, &base))
}

/// `POST /v3/users`.
pub async fn create(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, KsBody(body): KsBody) -> ApiResult {
    enforce_in_domain(SVC, &caller, "identity:create_user", Target::default(), None)?;
    let b = UserBody::create(&body)?;
    let mut world = s.world();
    let w = &mut *world;
    let id = w.identity.create_user(&mut w.sim.ids, b, caller.domain_scope.as_deref())?;
    created("user", views::user(w.identity.user(&id).expect("just created"), &base))
}

/// `PATCH /v3/users/{id}`: Keystone looks the user up before it reads the body.
pub async fn update(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    KsBody(body): KsBody,
) -> ApiResult {
    let mut world = s.world();
    enforce_on(&world.identity, &caller, "identity:update_user", &id)?;
    world.identity.user(&id).ok_or_else(|| missing("user", &id))?;
    let b = UserBody::update(&body)?;
    let now = world.now();
    world.identity.update_user(&id, b, now)?;
    one("user", views::user(world.identity.user(&id).expect("just updated"), &base))
}

/// `DELETE /v3/users/{id}`.
pub async fn remove(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let mut world = s.world();
    enforce_on(&world.identity, &caller, "identity:delete_user", &id)?;
    let now = world.now();
    world.identity.delete_user(&id, now)?;
    no_content()
}

/// `POST /v3/users/{id}/password`: no policy (anyone who knows the password may change it, with or
/// without a token), 401 for a wrong original password.
pub async fn change_password(State(s): State<AppState>, headers: HeaderMap, Path(id): Path<String>, KsBody(body): KsBody) -> ApiResult {
    optional_caller(&s, &headers)?;
    let change = PasswordChange::from_json(&body)?;
    let mut world = s.world();
    let now = world.now();
    world.identity.change_password(&id, &change.original_password, &change.password, now)?;
    no_content()
}

/// `GET /v3/users/{id}/groups`.
pub async fn groups(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let world = s.world();
    enforce_on(&world.identity, &caller, "identity:list_groups_for_user", &id)?;
    let scope = caller.domain_scope.as_deref();
    let items: Vec<Value> = world
        .identity
        .user_groups(&id)?
        .into_iter()
        .filter(|g| scope.is_none_or(|d| d == g.domain_id))
        .map(|g| views::user_group(g, &base))
        .collect();
    list_reply(&format!("users/{id}/groups"), "groups", filtered(items, &params, &["name"]), &base)
}

/// `GET /v3/users/{id}/projects`: the projects the user has a role on (none for an unknown user).
pub async fn projects(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let world = s.world();
    enforce_on(&world.identity, &caller, "identity:list_user_projects", &id)?;
    let items: Vec<Value> = world.identity.user_projects(&id).into_iter().map(|p| views::project(p, &base)).collect();
    list_reply(&format!("users/{id}/projects"), "projects", filtered(items, &params, &["domain_id", "enabled", "name"]), &base)
}
