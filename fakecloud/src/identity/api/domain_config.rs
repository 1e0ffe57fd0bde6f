//! Domain-specific configuration (the config part of keystone/api/domains.py): admin's, readable by
//! a system reader too; the security-compliance group is readable by any token.

use super::common::{member, missing, no_content, refused, ApiResult, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::routes::{get, Routes};
use crate::identity::domain_config::{default_config, SECURITY_COMPLIANCE};
use crate::identity::model::Identity;
use crate::identity::request::KsBody;
use crate::policy::{enforce, Target};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};

pub(super) fn routes() -> Routes {
    Routes::new()
        .route("/v3/domains/{id}/config", get(show).put(create).patch(update).delete(remove))
        .route("/v3/domains/{id}/config/{group}", get(show_group).patch(update_group).delete(remove_group))
        .route("/v3/domains/{id}/config/{group}/{option}", get(show_option).patch(update_option).delete(remove_option))
        .route("/v3/domains/config/default", get(defaults))
        .route("/v3/domains/config/{group}/default", get(group_defaults))
        .route("/v3/domains/config/{group}/{option}/default", get(option_defaults))
}

fn config(v: Value) -> ApiResult {
    Ok(Json(json!({ "config": v })).into_response())
}

fn domain_exists(idn: &Identity, id: &str) -> Result<(), ApiError> {
    idn.domain(id).map(|_| ()).ok_or_else(|| missing("domain", id))
}

/// A read: the policy check comes first, so a missing domain is not told to a caller who may not
/// read configuration at all.
fn read(s: &AppState, caller: &Caller, id: &str, group: Option<&str>, option: Option<&str>) -> ApiResult {
    let world = s.world();
    let idn = &world.identity;
    let v = if group == Some(SECURITY_COMPLIANCE) {
        enforce(SVC, caller, "identity:get_security_compliance_domain_config", Target::default())?;
        idn.security_compliance_config(id, option)
    } else {
        enforce(SVC, caller, "identity:get_domain_config", Target::default())?;
        idn.domain_config(id, group, option)
    };
    domain_exists(idn, id)?;
    config(v.map_err(refused)?)
}

fn write(s: &AppState, caller: &Caller, id: &str, body: &Value, group: Option<&str>, option: Option<&str>) -> ApiResult {
    enforce(SVC, caller, "identity:update_domain_config", Target::default())?;
    let mut world = s.world();
    domain_exists(&world.identity, id)?;
    let update = member(body, "config", json!({}))?;
    config(world.identity.update_domain_config(id, &update, group, option).map_err(refused)?)
}

fn delete(s: &AppState, caller: &Caller, id: &str, group: Option<&str>, option: Option<&str>) -> ApiResult {
    enforce(SVC, caller, "identity:delete_domain_config", Target::default())?;
    let mut world = s.world();
    domain_exists(&world.identity, id)?;
    world.identity.delete_domain_config(id, group, option).map_err(refused)?;
    no_content()
}

async fn show(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    read(&s, &caller, &id, None, None)
}

async fn show_group(State(s): State<AppState>, caller: Caller, Path((id, group)): Path<(String, String)>) -> ApiResult {
    read(&s, &caller, &id, Some(&group), None)
}

async fn show_option(State(s): State<AppState>, caller: Caller, Path((id, group, option)): Path<(String, String, String)>) -> ApiResult {
    read(&s, &caller, &id, Some(&group), Some(&option))
}

/// `PUT /v3/domains/{id}/config`: 201 for a domain that had no configuration, 200 when one is
/// replaced.
async fn create(State(s): State<AppState>, caller: Caller, Path(id): Path<String>, KsBody(body): KsBody) -> ApiResult {
    enforce(SVC, &caller, "identity:create_domain_config", Target::default())?;
    let mut world = s.world();
    domain_exists(&world.identity, &id)?;
    let given = member(&body, "config", json!({}))?;
    let (shown, fresh) = world.identity.create_domain_config(&id, &given).map_err(refused)?;
    let status = if fresh { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(json!({ "config": shown }))).into_response())
}

async fn update(State(s): State<AppState>, caller: Caller, Path(id): Path<String>, KsBody(body): KsBody) -> ApiResult {
    write(&s, &caller, &id, &body, None, None)
}

async fn update_group(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, group)): Path<(String, String)>,
    KsBody(body): KsBody,
) -> ApiResult {
    write(&s, &caller, &id, &body, Some(&group), None)
}

async fn update_option(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, group, option)): Path<(String, String, String)>,
    KsBody(body): KsBody,
) -> ApiResult {
    write(&s, &caller, &id, &body, Some(&group), Some(&option))
}

async fn remove(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    delete(&s, &caller, &id, None, None)
}

async fn remove_group(State(s): State<AppState>, caller: Caller, Path((id, group)): Path<(String, String)>) -> ApiResult {
    delete(&s, &caller, &id, Some(&group), None)
}

async fn remove_option(State(s): State<AppState>, caller: Caller, Path((id, group, option)): Path<(String, String, String)>) -> ApiResult {
    delete(&s, &caller, &id, Some(&group), Some(&option))
}

async fn defaults(caller: Caller) -> ApiResult {
    enforce(SVC, &caller, "identity:get_domain_config_default", Target::default())?;
    config(default_config(None, None).map_err(refused)?)
}

async fn group_defaults(caller: Caller, Path(group): Path<String>) -> ApiResult {
    enforce(SVC, &caller, "identity:get_domain_config_default", Target::default())?;
    config(default_config(Some(&group), None).map_err(refused)?)
}

async fn option_defaults(caller: Caller, Path((group, option)): Path<(String, String)>) -> ApiResult {
    enforce(SVC, &caller, "identity:get_domain_config_default", Target::default())?;
    config(default_config(Some(&group), Some(&option)).map_err(refused)?)
}
