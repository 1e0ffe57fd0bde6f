//! OS-TRUST trusts (keystone/api/trusts.py): the trustor creates and deletes them; trustor and
//! trustee read them and their roles. A trust that is missing is a 404 before the policy is asked,
//! since Keystone builds the policy target from it.

use super::common::{created, list_reply, member, no_content, one, refused, ApiResult, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::http::routes::{get, Routes};
use crate::identity::error::Refusal;
use crate::identity::model::{Identity, Trust};
use crate::identity::request::{checked, parse_expiration, TrustBody, TRUST_CREATE};
use crate::identity::trusts::NewTrust;
use crate::identity::views;
use crate::policy::{allows, enforce, rule_for, Target};
use crate::sim::SimTime;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};

pub(super) fn routes() -> Routes {
    Routes::new()
        .route("/v3/OS-TRUST/trusts", get(list_trusts).post(create_trust))
        .route("/v3/OS-TRUST/trusts/{id}", get(get_trust).delete(delete_trust))
        .route("/v3/OS-TRUST/trusts/{id}/roles", get(list_trust_roles))
        .route("/v3/OS-TRUST/trusts/{id}/roles/{role}", get(get_trust_role))
}

fn as_user(user_id: Option<&str>) -> Target<'_> {
    Target { user_id, project_id: None }
}

/// The trust, then the policy with its trustor (and, where upstream admits it, its trustee) as
/// the target user.
fn trust_for<'a>(
    idn: &'a Identity,
    caller: &Caller,
    action: &str,
    id: &str,
    now: SimTime,
    trustee_too: bool,
) -> Result<&'a Trust, ApiError> {
    let t = idn.trust(id, now).map_err(refused)?;
    let rule = rule_for(action).expect("declared");
    let ok =
        allows(rule, caller, as_user(Some(&t.trustor_user_id))) || (trustee_too && allows(rule, caller, as_user(Some(&t.trustee_user_id))));
    if !ok {
        return Err(ApiError::forbidden(SVC, action));
    }
    Ok(t)
}

async fn list_trusts(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    let trustor = params.get("trustor_user_id").filter(|v| !v.is_empty());
    let trustee = params.get("trustee_user_id").filter(|v| !v.is_empty());
    match (trustor, trustee) {
        (Some(u), _) => enforce(SVC, &caller, "identity:list_trusts_for_trustor", as_user(Some(u)))?,
        (None, Some(u)) => enforce(SVC, &caller, "identity:list_trusts_for_trustee", as_user(Some(u)))?,
        (None, None) => enforce(SVC, &caller, "identity:list_trusts", Target::default())?,
    }
    let world = s.world();
    let idn = &world.identity;
    let items = idn
        .trusts
        .iter()
        .filter(|t| match (trustor, trustee) {
            (Some(u), _) => t.trustor_user_id == u,
            (None, Some(u)) => t.trustee_user_id == u,
            // Any other query string lists nothing, as Keystone does.
            (None, None) => params.0.is_empty(),
        })
        .map(|t| views::trust(idn, &world.sim.clock, t, &base, false))
        .collect();
    list_reply("OS-TRUST/trusts", "trusts", items, &base)
}

async fn create_trust(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, JsonBody(body): JsonBody<Value>) -> ApiResult {
    let trust = member(&body, "trust", json!({}))?;
    enforce(SVC, &caller, "identity:create_trust", as_user(trust.get("trustor_user_id").and_then(Value::as_str)))?;
    let b: TrustBody = checked(&trust, &TRUST_CREATE).map_err(refused)?;
    let mut world = s.world();
    let now = world.now();
    let w = &mut *world;
    let token_cred = w.identity.open_token(&caller.token_id).and_then(|(t, _)| t.app_cred_id).and_then(|id| w.identity.app_cred(&id));
    if token_cred.is_some_and(|c| !c.unrestricted) {
        return Err(refused(Refusal::forbidden_action("Using method 'application_credential' is not allowed for managing trusts.")));
    }
    // The client means its own clock (docs/conformance.md, "Time").
    let expires_at = match b.expires_at.as_deref() {
        Some(e) => Some(w.sim.clock.from_wall_clock(parse_expiration(e).map_err(refused)?)),
        None => None,
    };
    let new = NewTrust {
        trustor_user_id: b.trustor_user_id,
        trustee_user_id: b.trustee_user_id,
        impersonation: b.impersonation,
        project_id: b.project_id.filter(|p| !p.is_empty()),
        roles: b.roles.unwrap_or_default().iter().map(|r| r.to_ref()).collect(),
        expires_at,
        remaining_uses: b.remaining_uses,
        allow_redelegation: b.allow_redelegation,
        redelegation_count: b.redelegation_count,
        extra: b.extra,
    };
    let t = w.identity.create_trust(&caller.user_id, new, now, &mut w.sim.ids).map_err(refused)?.clone();
    created("trust", views::trust(&w.identity, &w.sim.clock, &t, &base, true))
}

async fn get_trust(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(id): Path<String>) -> ApiResult {
    let world = s.world();
    let t = trust_for(&world.identity, &caller, "identity:get_trust", &id, world.now(), true)?;
    one("trust", views::trust(&world.identity, &world.sim.clock, t, &base, true))
}

async fn delete_trust(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let mut world = s.world();
    let now = world.now();
    trust_for(&world.identity, &caller, "identity:delete_trust", &id, now, false)?;
    world.identity.delete_trust(&id, now).map_err(refused)?;
    no_content()
}

async fn list_trust_roles(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(id): Path<String>) -> ApiResult {
    let world = s.world();
    let t = trust_for(&world.identity, &caller, "identity:list_roles_for_trust", &id, world.now(), true)?;
    let body = views::trust(&world.identity, &world.sim.clock, t, &base, true);
    Ok(Json(json!({"roles": body["roles"], "links": body["roles_links"]})).into_response())
}

async fn get_trust_role(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path((id, role)): Path<(String, String)>,
) -> ApiResult {
    let world = s.world();
    let idn = &world.identity;
    let t = trust_for(idn, &caller, "identity:get_role_for_trust", &id, world.now(), true)?;
    let r = t.role_ids.iter().find(|r| **r == role).and_then(|r| idn.role(r)).ok_or_else(|| refused(Refusal::not_found("role", &role)))?;
    one("role", views::role(r, &base))
}
