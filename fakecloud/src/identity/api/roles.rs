//! Roles (`/v3/roles`), implied roles (`/v3/roles/{id}/implies`) and `/v3/role_inferences`, as
//! keystone/api/roles.py and role_inferences.py serve them: domain-specific roles have their own
//! policy actions, and a role list without `domain_id` holds only the global roles.

use super::common::{filtered, list_reply, member, no_content, one, refused, ApiResult, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::http::routes::{get, Routes};
use crate::identity::error::Refusal;
use crate::identity::model::Identity;
use crate::identity::request::{checked, RoleBody, ROLE_CREATE, ROLE_UPDATE};
use crate::identity::roles::{NewRole, RoleChanges};
use crate::identity::views;
use crate::policy::{enforce, Target};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};

pub(super) fn routes() -> Routes {
    Routes::new()
        .route("/v3/roles", get(list_roles).post(create_role))
        .route("/v3/roles/{id}", get(get_role).patch(update_role).delete(delete_role))
        .route("/v3/roles/{id}/implies", get(list_implied_roles))
        .route(
            "/v3/roles/{id}/implies/{implied}",
            get(get_implied_role).head(check_implied_role).put(create_implied_role).delete(delete_implied_role),
        )
        .route("/v3/role_inferences", get(list_role_inferences))
}

/// The policy action for a role: its `_domain_role` variant when the role is domain-specific.
fn role_action(idn: &Identity, id: &str, global: &'static str, domain: &'static str) -> &'static str {
    if idn.role(id).is_some_and(|r| r.domain_id.is_some()) {
        domain
    } else {
        global
    }
}

async fn list_roles(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    let domain = params.get("domain_id").filter(|d| !d.is_empty()).map(str::to_string);
    let action = if domain.is_some() { "identity:list_domain_roles" } else { "identity:list_roles" };
    enforce(SVC, &caller, action, Target::default())?;
    let world = s.world();
    let items = world.identity.roles.iter().filter(|r| r.domain_id == domain).map(|r| views::role(r, &base)).collect();
    list_reply("roles", "roles", filtered(items, &params, &["name"]), &base)
}

async fn create_role(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, JsonBody(body): JsonBody<Value>) -> ApiResult {
    let role = member(&body, "role", json!({}))?;
    let domain_role = role.get("domain_id").is_some_and(|d| !d.is_null() && d != "");
    enforce(SVC, &caller, if domain_role { "identity:create_domain_role" } else { "identity:create_role" }, Target::default())?;
    let b: RoleBody = checked(&role, &ROLE_CREATE).map_err(refused)?;
    let new = NewRole {
        name: b.name.unwrap_or_default(),
        domain_id: b.domain_id.flatten(),
        description: b.description.flatten(),
        immutable: b.options.and_then(|o| o.immutable).flatten(),
        extra: b.extra,
    };
    let mut world = s.world();
    let w = &mut *world;
    let r = w.identity.create_role(new, &mut w.sim.ids).map_err(refused)?;
    Ok((StatusCode::CREATED, Json(json!({"role": views::role(r, &base)}))).into_response())
}

async fn get_role(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(id): Path<String>) -> ApiResult {
    let world = s.world();
    enforce(SVC, &caller, role_action(&world.identity, &id, "identity:get_role", "identity:get_domain_role"), Target::default())?;
    let r = world.identity.role(&id).ok_or_else(|| refused(Refusal::not_found("role", &id)))?;
    one("role", views::role(r, &base))
}

async fn update_role(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    let mut world = s.world();
    enforce(SVC, &caller, role_action(&world.identity, &id, "identity:update_role", "identity:update_domain_role"), Target::default())?;
    world.identity.role(&id).ok_or_else(|| refused(Refusal::not_found("role", &id)))?;
    let role = member(&body, "role", json!({}))?;
    let b: RoleBody = checked(&role, &ROLE_UPDATE).map_err(refused)?;
    if b.id.as_ref().is_some_and(|v| !v.is_null()) {
        return Err(refused(Refusal::BadRequest("Cannot change ID".into())));
    }
    let more_than_options = role.as_object().is_some_and(|o| o.keys().any(|k| k != "options"));
    let changes = RoleChanges {
        name: b.name,
        description: b.description,
        domain_id: b.domain_id,
        immutable: b.options.map(|o| o.immutable.flatten()),
        extra: b.extra,
        more_than_options,
    };
    let r = world.identity.update_role(&id, changes).map_err(refused)?;
    one("role", views::role(r, &base))
}

async fn delete_role(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let mut world = s.world();
    enforce(SVC, &caller, role_action(&world.identity, &id, "identity:delete_role", "identity:delete_domain_role"), Target::default())?;
    world.identity.delete_role(&id).map_err(refused)?;
    no_content()
}

/// Keystone looks both roles up while it builds the policy target: a missing one is a 404 first.
fn rule_target(idn: &Identity, caller: &Caller, action: &str, prior: &str, implied: Option<&str>) -> Result<(), ApiError> {
    idn.role(prior).ok_or_else(|| refused(Refusal::not_found("role", prior)))?;
    if let Some(i) = implied {
        idn.role(i).ok_or_else(|| refused(Refusal::not_found("role", i)))?;
    }
    enforce(SVC, caller, action, Target::default())
}

fn inference_body(idn: &Identity, prior: &str, implied: &str, base: &str) -> Value {
    json!({
        "role_inference": {
            "prior_role": views::implied_role_ref(idn.role(prior).expect("checked"), base),
            "implies": views::implied_role_ref(idn.role(implied).expect("checked"), base),
        },
        "links": {"self": format!("{}/identity/v3/roles/{prior}/implies/{implied}", base.trim_end_matches('/'))},
    })
}

async fn list_implied_roles(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(id): Path<String>) -> ApiResult {
    let world = s.world();
    let idn = &world.identity;
    rule_target(idn, &caller, "identity:list_implied_roles", &id, None)?;
    let prior = idn.role(&id).expect("checked");
    let implies: Vec<Value> = prior.implies.iter().filter_map(|i| idn.role(i)).map(|r| views::implied_role_ref(r, &base)).collect();
    Ok(Json(json!({
        "role_inference": {"prior_role": views::implied_role_ref(prior, &base), "implies": implies},
        "links": {"self": format!("{}/identity/v3/roles/{id}/implies", base.trim_end_matches('/'))},
    }))
    .into_response())
}

async fn get_implied_role(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path((prior, implied)): Path<(String, String)>,
) -> ApiResult {
    let world = s.world();
    rule_target(&world.identity, &caller, "identity:get_implied_role", &prior, Some(&implied))?;
    world.identity.implied_role(&prior, &implied).map_err(refused)?;
    Ok(Json(inference_body(&world.identity, &prior, &implied, &base)).into_response())
}

async fn check_implied_role(State(s): State<AppState>, caller: Caller, Path((prior, implied)): Path<(String, String)>) -> ApiResult {
    let world = s.world();
    rule_target(&world.identity, &caller, "identity:check_implied_role", &prior, Some(&implied))?;
    world.identity.implied_role(&prior, &implied).map_err(refused)?;
    no_content()
}

async fn create_implied_role(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path((prior, implied)): Path<(String, String)>,
) -> ApiResult {
    let mut world = s.world();
    rule_target(&world.identity, &caller, "identity:create_implied_role", &prior, Some(&implied))?;
    world.identity.create_implied_role(&prior, &implied).map_err(refused)?;
    Ok((StatusCode::CREATED, Json(inference_body(&world.identity, &prior, &implied, &base))).into_response())
}

async fn delete_implied_role(State(s): State<AppState>, caller: Caller, Path((prior, implied)): Path<(String, String)>) -> ApiResult {
    let mut world = s.world();
    rule_target(&world.identity, &caller, "identity:delete_implied_role", &prior, Some(&implied))?;
    world.identity.delete_implied_role(&prior, &implied).map_err(refused)?;
    no_content()
}

async fn list_role_inferences(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl) -> ApiResult {
    enforce(SVC, &caller, "identity:list_role_inference_rules", Target::default())?;
    let world = s.world();
    Ok(Json(json!({
        "role_inferences": views::role_inferences(&world.identity, &base),
        "links": views::collection_links(&base, "role_inferences"),
    }))
    .into_response())
}
