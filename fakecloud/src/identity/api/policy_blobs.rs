//! Policy blobs (keystone/api/policy.py): admin's, readable by a system reader too.

use super::common::{created, filtered, list_reply, member, no_content, one, refused, ApiResult, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::{BaseUrl, Params};
use crate::http::routes::{get, Routes};
use crate::identity::error::Refusal;
use crate::identity::policy_blobs::PolicyChanges;
use crate::identity::request::{checked, KsBody, PolicyBody, POLICY_CREATE, POLICY_UPDATE};
use crate::identity::views;
use crate::policy::{enforce, Target};
use axum::extract::{Path, State};
use serde_json::json;

pub(super) fn routes() -> Routes {
    Routes::new().route("/v3/policies", get(list).post(create)).route("/v3/policies/{id}", get(show).patch(update).delete(remove))
}

async fn list(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    enforce(SVC, &caller, "identity:list_policies", Target::default())?;
    let world = s.world();
    let items = world.identity.policies.iter().map(|p| views::policy_blob(p, &base)).collect();
    list_reply("policies", "policies", filtered(items, &params, &["type"]), &base)
}

async fn show(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(id): Path<String>) -> ApiResult {
    enforce(SVC, &caller, "identity:get_policy", Target::default())?;
    let world = s.world();
    one("policy", views::policy_blob(world.identity.policy_blob(&id).map_err(refused)?, &base))
}

async fn create(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, KsBody(body): KsBody) -> ApiResult {
    enforce(SVC, &caller, "identity:create_policy", Target::default())?;
    let policy = member(&body, "policy", json!({}))?;
    let b: PolicyBody = checked(&policy, &POLICY_CREATE).map_err(refused)?;
    let mut world = s.world();
    let w = &mut *world;
    // Keystone assigns its own id whatever the body says.
    let p = w.identity.create_policy_blob(b.policy_type.unwrap_or_default(), b.blob.unwrap_or_default(), b.extra, &mut w.sim.ids);
    created("policy", views::policy_blob(p, &base))
}

async fn update(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    KsBody(body): KsBody,
) -> ApiResult {
    enforce(SVC, &caller, "identity:update_policy", Target::default())?;
    let policy = member(&body, "policy", json!({}))?;
    let b: PolicyBody = checked(&policy, &POLICY_UPDATE).map_err(refused)?;
    if b.id.as_ref().is_some_and(|given| given.as_str() != Some(id.as_str())) {
        return Err(refused(Refusal::BadRequest("Cannot change policy ID".into())));
    }
    let changes = PolicyChanges { policy_type: b.policy_type, blob: b.blob, extra: b.extra };
    let mut world = s.world();
    let p = world.identity.update_policy_blob(&id, changes).map_err(refused)?;
    one("policy", views::policy_blob(p, &base))
}

async fn remove(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    enforce(SVC, &caller, "identity:delete_policy", Target::default())?;
    s.world().identity.delete_policy_blob(&id).map_err(refused)?;
    no_content()
}
