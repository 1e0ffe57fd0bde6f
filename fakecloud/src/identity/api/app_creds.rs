//! Application credentials and access rules under `/v3/users/{id}` (keystone/api/users.py). The
//! policy target of a credential is its own user, whatever user the path names, as Keystone
//! resolves it; creating one is for the token's own user, on the token's project.

use super::common::{created, filtered, list_reply, member, no_content, one, refused, ApiResult, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::http::routes::{get, Routes};
use crate::identity::app_creds::{Creator, NewAccessRule, NewAppCred};
use crate::identity::error::Refusal;
use crate::identity::model::Identity;
use crate::identity::request::{checked, parse_expiration, AppCredBody, APP_CRED_CREATE};
use crate::identity::views;
use crate::policy::{enforce, Target};
use axum::extract::{Path, State};
use serde_json::{json, Value};

pub(super) fn routes() -> Routes {
    Routes::new()
        .route("/v3/users/{id}/application_credentials", get(list_app_creds).post(create_app_cred))
        .route("/v3/users/{id}/application_credentials/{cred}", get(get_app_cred).delete(delete_app_cred))
        .route("/v3/users/{id}/access_rules", get(list_access_rules))
        .route("/v3/users/{id}/access_rules/{rule}", get(get_access_rule).delete(delete_access_rule))
}

fn as_user(user_id: Option<&str>) -> Target<'_> {
    Target { user_id, project_id: None }
}

/// An application credential token that is not `unrestricted` may not manage credentials.
fn unrestricted_only(idn: &Identity, caller: &Caller) -> Result<(), ApiError> {
    let token = idn.open_token(&caller.token_id);
    let restricted = token.and_then(|(t, _)| t.app_cred_id).and_then(|id| idn.app_cred(&id)).is_some_and(|c| !c.unrestricted);
    if restricted {
        return Err(refused(Refusal::forbidden_action(
            "Using method 'application_credential' is not allowed for managing additional application credentials.",
        )));
    }
    Ok(())
}

async fn list_app_creds(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(user): Path<String>,
    params: Params,
) -> ApiResult {
    enforce(SVC, &caller, "identity:list_application_credentials", as_user(Some(&user)))?;
    let world = s.world();
    let idn = &world.identity;
    let items = idn.app_creds.iter().filter(|c| c.user_id == user).map(|c| views::app_cred(idn, &world.sim.clock, c, &base)).collect();
    list_reply(&format!("users/{user}/application_credentials"), "application_credentials", filtered(items, &params, &["name"]), &base)
}

async fn create_app_cred(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(user): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    enforce(SVC, &caller, "identity:create_application_credential", as_user(Some(&user)))?;
    let cred = member(&body, "application_credential", json!({}))?;
    let b: AppCredBody = checked(&cred, &APP_CRED_CREATE).map_err(refused)?;
    let mut world = s.world();
    let now = world.now();
    let w = &mut *world;
    unrestricted_only(&w.identity, &caller)?;
    if caller.user_id != user {
        return Err(refused(Refusal::forbidden_action("Cannot create an application credential for another user.")));
    }
    let Some(project) = caller.project_id.clone() else {
        return Err(refused(Refusal::BadRequest(
            "Invalid application credential: a project-scoped token is needed to create an application credential".into(),
        )));
    };
    let token_roles = w.identity.open_token(&caller.token_id).map(|(t, _)| t.role_ids).unwrap_or_default();
    // The client means its own clock (docs/conformance.md, "Time").
    let expires_at = match b.expires_at.as_deref().filter(|e| !e.is_empty()) {
        Some(e) => Some(w.sim.clock.from_wall_clock(parse_expiration(e).map_err(refused)?)),
        None => None,
    };
    let new = NewAppCred {
        name: b.name,
        description: b.description,
        secret: b.secret,
        expires_at,
        roles: b.roles.unwrap_or_default().iter().map(|r| r.to_ref()).collect(),
        unrestricted: b.unrestricted,
        access_rules: b
            .access_rules
            .unwrap_or_default()
            .into_iter()
            .map(|r| NewAccessRule {
                id: r.id,
                service: r.service.unwrap_or_default(),
                path: r.path.unwrap_or_default(),
                method: r.method.unwrap_or_default(),
            })
            .collect(),
    };
    let by = Creator { user_id: &user, project_id: &project, token_role_ids: &token_roles };
    let (c, secret) = w.identity.create_app_cred(by, new, now, &mut w.sim.ids).map_err(refused)?;
    let mut view = views::app_cred(&w.identity, &w.sim.clock, &c, &base);
    view["secret"] = json!(secret);
    created("application_credential", view)
}

/// The policy target of a credential route: the credential's own user when it exists.
fn cred_owner(idn: &Identity, path_user: &str, cred: &str) -> String {
    idn.app_cred(cred).map_or(path_user.to_string(), |c| c.user_id.clone())
}

async fn get_app_cred(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path((user, cred)): Path<(String, String)>,
) -> ApiResult {
    let world = s.world();
    let idn = &world.identity;
    enforce(SVC, &caller, "identity:get_application_credential", as_user(Some(&cred_owner(idn, &user, &cred))))?;
    let c = idn.app_cred(&cred).ok_or_else(|| refused(Refusal::not_found("Application Credential", &cred)))?;
    one("application_credential", views::app_cred(idn, &world.sim.clock, c, &base))
}

async fn delete_app_cred(State(s): State<AppState>, caller: Caller, Path((user, cred)): Path<(String, String)>) -> ApiResult {
    let mut world = s.world();
    let owner = cred_owner(&world.identity, &user, &cred);
    enforce(SVC, &caller, "identity:delete_application_credential", as_user(Some(&owner)))?;
    unrestricted_only(&world.identity, &caller)?;
    world.identity.delete_app_cred(&cred).map_err(refused)?;
    no_content()
}

/// Access rule routes name their user as the policy target; a user that does not exist leaves the
/// target empty, which only a system reader passes.
fn rule_target<'a>(idn: &Identity, user: &'a str) -> Target<'a> {
    as_user(idn.user(user).map(|_| user))
}

async fn list_access_rules(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(user): Path<String>,
    params: Params,
) -> ApiResult {
    let world = s.world();
    let idn = &world.identity;
    enforce(SVC, &caller, "identity:list_access_rules", rule_target(idn, &user))?;
    let items = idn.access_rules.iter().filter(|r| r.user_id == user).map(|r| views::access_rule(r, &base)).collect();
    list_reply(&format!("users/{user}/access_rules"), "access_rules", filtered(items, &params, &["service", "path", "method"]), &base)
}

async fn get_access_rule(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path((user, rule)): Path<(String, String)>,
) -> ApiResult {
    let world = s.world();
    let idn = &world.identity;
    enforce(SVC, &caller, "identity:get_access_rule", rule_target(idn, &user))?;
    let r = idn.access_rule(&rule).map_err(refused)?;
    one("access_rule", views::access_rule(r, &base))
}

async fn delete_access_rule(State(s): State<AppState>, caller: Caller, Path((user, rule)): Path<(String, String)>) -> ApiResult {
    let mut world = s.world();
    enforce(SVC, &caller, "identity:delete_access_rule", rule_target(&world.identity, &user))?;
    world.identity.delete_access_rule(&rule).map_err(refused)?;
    no_content()
}
