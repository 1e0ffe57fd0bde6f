//! Credentials (keystone/api/credentials.py) and a user's EC2 credentials (the OS-EC2 part of
//! keystone/api/users.py). A credential's owner is its user: the policy target of every action, so
//! a list shows each caller its own credentials only.

use super::common::{created, filtered, list_reply, member, no_content, one, refused, ApiResult, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::http::routes::{get, Routes};
use crate::identity::credentials::{ec2_credential_id, CredentialChanges, NewCredential};
use crate::identity::error::Refusal;
use crate::identity::model::Identity;
use crate::identity::request::{checked, CredentialBody, CREDENTIAL_CREATE, CREDENTIAL_UPDATE};
use crate::identity::views;
use crate::policy::{allows, enforce, rule_for, Target};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{json, Value};

pub(super) fn routes() -> Routes {
    Routes::new()
        .route("/v3/credentials", get(list_credentials).post(create_credential))
        .route("/v3/credentials/{id}", get(get_credential).patch(update_credential).delete(delete_credential))
        .route("/v3/users/{id}/credentials/OS-EC2", get(list_ec2).post(create_ec2))
        .route("/v3/users/{id}/credentials/OS-EC2/{cred}", get(get_ec2).delete(delete_ec2))
}

fn as_user(user_id: Option<&str>) -> Target<'_> {
    Target { user_id, project_id: None }
}

/// Keystone refuses an application credential that is not `unrestricted` the management of other
/// credentials.
fn unrestricted_only(idn: &Identity, caller: &Caller, what: &str) -> Result<(), ApiError> {
    let restricted =
        idn.open_token(&caller.token_id).and_then(|(t, _)| t.app_cred_id).and_then(|id| idn.app_cred(&id)).is_some_and(|c| !c.unrestricted);
    if restricted {
        return Err(refused(Refusal::forbidden_action(&format!(
            "Using method 'application_credential' is not allowed for managing additional {what}"
        ))));
    }
    Ok(())
}

async fn list_credentials(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    enforce(SVC, &caller, "identity:list_credentials", as_user(Some(&caller.user_id)))?;
    let world = s.world();
    let rule = rule_for("identity:get_credential").expect("declared");
    let items = world
        .identity
        .credentials
        .iter()
        .filter(|c| allows(rule, &caller, as_user(Some(&c.user_id))))
        .map(|c| views::credential(c, &base))
        .collect();
    list_reply("credentials", "credentials", filtered(items, &params, &["user_id", "type"]), &base)
}

async fn create_credential(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    let credential = member(&body, "credential", json!({}))?;
    enforce(SVC, &caller, "identity:create_credential", as_user(credential.get("user_id").and_then(Value::as_str)))?;
    let b: CredentialBody = checked(&credential, &CREDENTIAL_CREATE).map_err(refused)?;
    let mut world = s.world();
    let w = &mut *world;
    let cred_type = b.cred_type.unwrap_or_default();
    if cred_type.eq_ignore_ascii_case("ec2") {
        unrestricted_only(&w.identity, &caller, "credentials.")?;
    }
    let new = NewCredential {
        id: b.id,
        user_id: b.user_id.unwrap_or_default(),
        project_id: b.project_id,
        cred_type,
        blob: b.blob.unwrap_or_default(),
        extra: b.extra,
    };
    let c = w.identity.create_credential(new, &mut w.sim.ids).map_err(refused)?;
    created("credential", views::credential(c, &base))
}

/// The policy check on a credential: its user is the target (none when it does not exist), then
/// Keystone's 404.
fn owned<'a>(idn: &'a Identity, caller: &Caller, action: &str, id: &str) -> Result<&'a crate::identity::model::Credential, ApiError> {
    let found = idn.credential(id).ok();
    enforce(SVC, caller, action, as_user(found.map(|c| c.user_id.as_str())))?;
    found.ok_or_else(|| refused(Refusal::not_found("credential", id)))
}

async fn get_credential(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(id): Path<String>) -> ApiResult {
    let world = s.world();
    let c = owned(&world.identity, &caller, "identity:get_credential", &id)?;
    one("credential", views::credential(c, &base))
}

async fn update_credential(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    let mut world = s.world();
    let current = owned(&world.identity, &caller, "identity:update_credential", &id)?.clone();
    let credential = member(&body, "credential", json!({}))?;
    let b: CredentialBody = checked(&credential, &CREDENTIAL_UPDATE).map_err(refused)?;
    if b.id.is_some() {
        return Err(refused(Refusal::BadRequest("Cannot change ID".into())));
    }
    // The credential as it would be must still be the caller's.
    enforce(SVC, &caller, "identity:update_credential", as_user(Some(b.user_id.as_deref().unwrap_or(&current.user_id))))?;
    let changes =
        CredentialChanges { user_id: b.user_id, project_id: b.project_id.map(Some), cred_type: b.cred_type, blob: b.blob, extra: b.extra };
    let c = world.identity.update_credential(&id, changes).map_err(refused)?;
    one("credential", views::credential(c, &base))
}

async fn delete_credential(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let mut world = s.world();
    owned(&world.identity, &caller, "identity:delete_credential", &id)?;
    world.identity.delete_credential(&id).map_err(refused)?;
    no_content()
}

// ---- OS-EC2 ----

async fn list_ec2(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(user): Path<String>) -> ApiResult {
    enforce(SVC, &caller, "identity:ec2_list_credentials", as_user(Some(&user)))?;
    let world = s.world();
    world.identity.user(&user).ok_or_else(|| refused(Refusal::not_found("user", &user)))?;
    let items: Vec<Value> =
        world.identity.credentials.iter().filter(|c| c.user_id == user && c.is_ec2()).map(|c| views::ec2_credential(c, &base)).collect();
    list_reply(&format!("users/{user}/credentials/OS-EC2"), "credentials", items, &base)
}

async fn create_ec2(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(user): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    enforce(SVC, &caller, "identity:ec2_create_credential", as_user(Some(&user)))?;
    let mut world = s.world();
    let w = &mut *world;
    unrestricted_only(&w.identity, &caller, "application credentials.")?;
    let tenant = match member(&body, "tenant_id", Value::Null)? {
        Value::Null => None,
        Value::String(t) => Some(t),
        other => Some(other.to_string()),
    };
    let c = w.identity.create_ec2_credential(&user, tenant.as_deref(), &mut w.sim.ids).map_err(refused)?;
    created("credential", views::ec2_credential(c, &base))
}

/// An EC2 credential by access key: a missing one is a 404 while the policy target is built; one
/// of another type is Keystone's 401.
fn ec2_of<'a>(
    idn: &'a Identity,
    caller: &Caller,
    action: &str,
    user: &str,
    access: &str,
) -> Result<&'a crate::identity::model::Credential, ApiError> {
    let c = idn.credential(&ec2_credential_id(access)).map_err(refused)?;
    enforce(SVC, caller, action, as_user(Some(&c.user_id)))?;
    idn.user(user).ok_or_else(|| refused(Refusal::not_found("user", user)))?;
    if !c.is_ec2() {
        return Err(ApiError::new(SVC, StatusCode::UNAUTHORIZED, "EC2 access key not found."));
    }
    Ok(c)
}

async fn get_ec2(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path((user, access)): Path<(String, String)>,
) -> ApiResult {
    let world = s.world();
    let c = ec2_of(&world.identity, &caller, "identity:ec2_get_credential", &user, &access)?;
    one("credential", views::ec2_credential(c, &base))
}

async fn delete_ec2(State(s): State<AppState>, caller: Caller, Path((user, access)): Path<(String, String)>) -> ApiResult {
    let mut world = s.world();
    let id = ec2_of(&world.identity, &caller, "identity:ec2_delete_credential", &user, &access)?.id.clone();
    world.identity.delete_credential(&id).map_err(refused)?;
    no_content()
}
