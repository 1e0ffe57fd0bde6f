//! Keystone v3 over HTTP: the router, version documents and tokens; each resource family has its
//! own file.

mod app_creds;
mod assignments;
mod catalog;
mod common;
mod credentials;
mod domain_config;
mod domains;
mod endpoint_filter;
mod groups;
mod oauth1;
mod policy_blobs;
mod projects;
mod revoke;
mod roles;
mod trusts;
mod users;

use super::model::Target as Grant;
use super::token::{AuthBody, AuthFailure};
use super::views;
use crate::auth::{Caller, CallerSlot};
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::http::routes::{get, post, Routes};
use crate::policy::{enforce, Target};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use common::{bool_from_string, ApiResult, SVC};
use serde_json::{json, Value};

const SUBJECT_TOKEN: &str = "x-subject-token";

pub fn router() -> Routes {
    Routes::new()
        .route("/", get(versions))
        .route("/v3", get(version))
        .route("/v3/auth/tokens", get(validate_token).head(check_token).post(issue_token).delete(revoke_token))
        .route("/v3/auth/catalog", get(auth_catalog))
        .route("/v3/auth/projects", get(auth_projects))
        .route("/v3/auth/domains", get(auth_domains))
        .route("/v3/auth/system", get(auth_system))
        .route("/v3/domains", get(domains::list).post(domains::create))
        .route("/v3/domains/{id}", get(domains::show).patch(domains::update).delete(domains::remove))
        .route("/v3/projects", get(projects::list).post(projects::create))
        .route("/v3/projects/{id}", get(projects::show).patch(projects::update).delete(projects::remove))
        .route("/v3/projects/{id}/tags", get(projects::list_tags).put(projects::replace_tags).delete(projects::clear_tags))
        .route("/v3/projects/{id}/tags/{tag}", get(projects::check_tag).put(projects::add_tag).delete(projects::remove_tag))
        .route("/v3/users", get(users::list).post(users::create))
        .route("/v3/users/{id}", get(users::show).patch(users::update).delete(users::remove))
        .route("/v3/users/{id}/password", post(users::change_password))
        .route("/v3/users/{id}/groups", get(users::groups))
        .route("/v3/users/{id}/projects", get(users::projects))
        .route("/v3/groups", get(groups::list).post(groups::create))
        .route("/v3/groups/{id}", get(groups::show).patch(groups::update).delete(groups::remove))
        .route("/v3/groups/{id}/users", get(groups::members))
        .route("/v3/groups/{id}/users/{user}", get(groups::check_member).put(groups::add_member).delete(groups::remove_member))
        .merge(roles::routes())
        .merge(assignments::routes())
        .merge(catalog::routes())
        .merge(credentials::routes())
        .merge(app_creds::routes())
        .merge(trusts::routes())
        .merge(revoke::routes())
        .merge(domain_config::routes())
        .merge(endpoint_filter::routes())
        .merge(policy_blobs::routes())
        .merge(oauth1::routes())
}

fn version_doc(base: &str) -> Value {
    json!({
        "id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
        "links": [{"rel": "self", "href": format!("{base}/identity/v3/")}],
        "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}],
    })
}

/// `GET /identity`: Keystone answers 300 Multiple Choices with the versions it serves.
async fn versions(BaseUrl(base): BaseUrl) -> Response {
    (StatusCode::MULTIPLE_CHOICES, Json(json!({"versions": {"values": [version_doc(&base)]}}))).into_response()
}

async fn version(BaseUrl(base): BaseUrl) -> Json<Value> {
    Json(json!({"version": version_doc(&base)}))
}

fn token_response(status: StatusCode, token_id: &str, body: impl serde::Serialize) -> Response {
    let mut resp = (status, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(token_id) {
        resp.headers_mut().insert(SUBJECT_TOKEN, v);
    }
    resp
}

async fn issue_token(
    State(s): State<AppState>,
    BaseUrl(base): BaseUrl,
    params: Params,
    Extension(slot): Extension<CallerSlot>,
    JsonBody(body): JsonBody<AuthBody>,
) -> ApiResult {
    let mut world = s.world();
    let now = world.now();
    let w = &mut *world;
    let id = w.identity.issue_token(&body.auth, now, &mut w.sim.ids).map_err(|e| match e {
        AuthFailure::BadRequest(m) => ApiError::bad_request(SVC, m),
        AuthFailure::Unauthorized => ApiError::unauthenticated(),
        AuthFailure::Forbidden(m) => ApiError::new(SVC, StatusCode::FORBIDDEN, m),
        AuthFailure::NotFound(m) => ApiError::not_found(SVC, m),
    })?;
    let t = w.identity.valid_token(&id, now).expect("a token just issued is valid");
    slot.set(
        &t.user_id,
        match &t.scope {
            super::Scope::Project(p) => Some(p.as_str()),
            _ => None,
        },
    );
    let view = views::token(&mut w.identity, &t, &base, !params.has("nocatalog"), &w.sim.clock);
    // Serialise after the lock is released: rendering must not hold up other requests.
    drop(world);
    Ok(token_response(StatusCode::CREATED, &id, view))
}

/// The token named by `X-Subject-Token`, with the policy check Keystone makes (admin or the token's
/// own user). Unknown, expired and revoked tokens are all 404; with `allow_expired`, a token that
/// expired within Keystone's window still validates.
fn subject(
    world: &crate::world::World,
    caller: &Caller,
    headers: &HeaderMap,
    action: &str,
    allow_expired: bool,
) -> Result<super::Token, ApiError> {
    let id = headers
        .get(SUBJECT_TOKEN)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::bad_request(SVC, "Expecting to find X-Subject-Token in headers."))?;
    let token =
        if allow_expired { world.identity.token_allowing_expired(id, world.now()) } else { world.identity.valid_token(id, world.now()) };
    enforce(
        SVC,
        caller,
        action,
        Target { user_id: Some(token.as_ref().map_or(caller.user_id.as_str(), |t| t.user_id.as_str())), project_id: None },
    )?;
    token.ok_or_else(|| ApiError::not_found(SVC, format!("Could not find token: {id}.")))
}

async fn validate_token(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    params: Params,
    headers: HeaderMap,
) -> ApiResult {
    let mut world = s.world();
    let t = subject(&world, &caller, &headers, "identity:validate_token", bool_from_string(&params, "allow_expired"))?;
    let w = &mut *world;
    let view = views::token(&mut w.identity, &t, &base, !params.has("nocatalog"), &w.sim.clock);
    drop(world);
    Ok(token_response(StatusCode::OK, &t.id, view))
}

async fn check_token(State(s): State<AppState>, caller: Caller, params: Params, headers: HeaderMap) -> ApiResult {
    let world = s.world();
    let t = subject(&world, &caller, &headers, "identity:check_token", bool_from_string(&params, "allow_expired"))?;
    Ok(token_response(StatusCode::OK, &t.id, ()).into_parts().0.into_response())
}

async fn revoke_token(State(s): State<AppState>, caller: Caller, headers: HeaderMap) -> ApiResult {
    let mut world = s.world();
    let id = subject(&world, &caller, &headers, "identity:revoke_token", false)?.id.clone();
    let now = world.now();
    world.identity.revoke_token(&id, now);
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn auth_catalog(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl) -> ApiResult {
    if caller.project_id.is_none() && !caller.system {
        return Err(ApiError::new(SVC, StatusCode::FORBIDDEN, "A scoped token is required to fetch the catalog."));
    }
    let world = s.world();
    let idn = &world.identity;
    let only = idn.catalog_filter(caller.project_id.as_deref());
    let catalog = super::catalog::render(&idn.services, &idn.endpoints, &base, caller.project_id.as_deref(), only.as_ref());
    Ok(Json(json!({"catalog": catalog, "links": views::collection_links(&base, "auth/catalog")})).into_response())
}

async fn auth_projects(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl) -> ApiResult {
    let world = s.world();
    let projects: Vec<Value> = world.identity.user_projects(&caller.user_id).into_iter().map(|p| views::project(p, &base)).collect();
    Ok(Json(json!({"projects": projects, "links": views::collection_links(&base, "auth/projects")})).into_response())
}

async fn auth_domains(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl) -> ApiResult {
    let world = s.world();
    let idn = &world.identity;
    let domains: Vec<Value> = idn
        .domains
        .iter()
        .filter(|d| !idn.effective_role_ids(&caller.user_id, &Grant::Domain(d.id.clone())).is_empty())
        .map(|d| views::domain(d, &base))
        .collect();
    Ok(Json(json!({"domains": domains, "links": views::collection_links(&base, "auth/domains")})).into_response())
}

async fn auth_system(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl) -> ApiResult {
    let world = s.world();
    let has = !world.identity.effective_role_ids(&caller.user_id, &Grant::System).is_empty();
    let system: Vec<Value> = if has { vec![json!({"all": true})] } else { vec![] };
    Ok(Json(json!({"system": system, "links": views::collection_links(&base, "auth/system")})).into_response())
}
