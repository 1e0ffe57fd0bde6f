//! `/v3/projects` (keystone/api/projects.py): list with tag filters, show with the hierarchy,
//! create, update, delete, and the project tags API. The project API also reaches domains, which
//! are projects acting as domains upstream.

use super::common::{created, filtered, list_reply, missing, no_content, one, query_is_true, ApiResult, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, Params};
use crate::identity::model::Identity;
use crate::identity::request::{self, KsBody, ResourceBody};
use crate::identity::resource::Resource;
use crate::identity::views;
use crate::policy::{enforce, enforce_in_domain, Target};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Map, Value};

fn render(r: &Resource, base: &str) -> Value {
    match r {
        Resource::Project(p) => views::project(p, base),
        Resource::Domain(d) => views::domain_as_project(d, base),
    }
}

/// The policy target of a project route: the project and its domain, when it exists (Keystone
/// leaves the target empty for a missing project, so only an admin gets as far as the 404).
fn enforce_on(idn: &Identity, caller: &Caller, action: &str, id: &str) -> Result<(), ApiError> {
    let (project, domain) = match idn.resource(id) {
        Some(Resource::Project(p)) => (Some(id), Some(p.domain_id.as_str())),
        Some(Resource::Domain(_)) => (Some(id), None),
        None => (None, None),
    };
    enforce_in_domain(SVC, caller, action, Target { project_id: project, user_id: None }, domain)
}

/// Keystone's tag filters: `tags` (all of), `tags-any`, `not-tags` (not all of), `not-tags-any`.
fn tags_match(tags: &[Value], params: &Params) -> bool {
    let has = |t: &str| tags.iter().any(|x| x.as_str() == Some(t));
    params.0.iter().all(|(k, v)| {
        let mut wanted = v.split(',');
        match k.as_str() {
            "tags" => wanted.all(has),
            "tags-any" => wanted.any(has),
            "not-tags" => !wanted.all(has),
            "not-tags-any" => !wanted.any(has),
            _ => true,
        }
    })
}

/// `GET /v3/projects`: regular projects unless `is_domain` is asked for; a domain-scoped caller
/// sees its domain's only.
pub async fn list(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    let scope = caller.domain_scope.as_deref();
    enforce_in_domain(SVC, &caller, "identity:list_projects", Target::default(), scope)?;
    let world = s.world();
    let idn = &world.identity;
    let mut items: Vec<Value> = idn.projects.iter().map(|p| views::project(p, &base)).collect();
    items.extend(idn.domains.iter().map(|d| views::domain_as_project(d, &base)));
    let mut params = params;
    if !params.has("is_domain") {
        params.0.push(("is_domain".into(), "0".into()));
    }
    let items = filtered(items, &params, &["domain_id", "enabled", "name", "parent_id", "is_domain"])
        .into_iter()
        .filter(|p| tags_match(p["tags"].as_array().map(Vec::as_slice).unwrap_or_default(), &params))
        .filter(|p| scope.is_none_or(|d| p["domain_id"] == d))
        .collect();
    list_reply("projects", "projects", items, &base)
}

/// `GET /v3/projects/{id}`, with `parents_as_list`/`parents_as_ids` and `subtree_as_list`/
/// `subtree_as_ids`. The lists hold only the projects the caller has a role on.
pub async fn show(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(id): Path<String>, params: Params) -> ApiResult {
    let world = s.world();
    let idn = &world.identity;
    enforce_on(idn, &caller, "identity:get_project", &id)?;
    let r = idn.resource(&id).ok_or_else(|| missing("project", &id))?;
    let (parents_list, parents_ids) = (query_is_true(&params, "parents_as_list"), query_is_true(&params, "parents_as_ids"));
    let (subtree_list, subtree_ids) = (query_is_true(&params, "subtree_as_list"), query_is_true(&params, "subtree_as_ids"));
    if parents_list && parents_ids {
        return Err(ApiError::bad_request(SVC, "Cannot use parents_as_list and parents_as_ids query params at the same time."));
    }
    if subtree_list && subtree_ids {
        return Err(ApiError::bad_request(SVC, "Cannot use subtree_as_list and subtree_as_ids query params at the same time."));
    }
    let mine: Vec<&str> = idn.user_projects(&caller.user_id).iter().map(|p| p.id.as_str()).collect();
    let mut v = render(&r, &base);
    if parents_list {
        let parents = idn.project_parents(&id);
        v["parents"] = parents
            .iter()
            .filter(|p| mine.contains(&p.as_str()))
            .filter_map(|p| idn.resource(p))
            .map(|p| json!({"project": render(&p, &base)}))
            .collect();
    } else if parents_ids {
        v["parents"] = idn.project_parents(&id).iter().rev().fold(Value::Null, |above, p| json!({ p.clone(): above }));
    }
    if subtree_list {
        v["subtree"] = idn
            .project_subtree(&id)
            .into_iter()
            .filter(|p| mine.contains(&p.id.as_str()))
            .map(|p| json!({"project": views::project(p, &base)}))
            .collect();
    } else if subtree_ids {
        v["subtree"] = subtree_ids_of(idn, &id);
    }
    one("project", v)
}

/// `{child: {grandchild: null}, ...}`, or null for a leaf.
fn subtree_ids_of(idn: &Identity, id: &str) -> Value {
    let children: Map<String, Value> = idn.children(id).map(|c| (c.id.clone(), subtree_ids_of(idn, &c.id))).collect();
    if children.is_empty() {
        Value::Null
    } else {
        Value::Object(children)
    }
}

/// `POST /v3/projects` (`is_domain: true` makes a domain).
pub async fn create(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, KsBody(body): KsBody) -> ApiResult {
    enforce(SVC, &caller, "identity:create_project", Target::default())?;
    let b = ResourceBody::project_create(&body)?;
    let mut world = s.world();
    let w = &mut *world;
    let id = w.identity.create_project(&mut w.sim.ids, b, caller.domain_scope.as_deref())?;
    created("project", render(&w.identity.resource(&id).expect("just created"), &base))
}

/// `PATCH /v3/projects/{id}`.
pub async fn update(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    KsBody(body): KsBody,
) -> ApiResult {
    let mut world = s.world();
    enforce_on(&world.identity, &caller, "identity:update_project", &id)?;
    let b = ResourceBody::project_update(&body)?;
    world.identity.update_project(&id, b)?;
    one("project", render(&world.identity.resource(&id).expect("just updated"), &base))
}

/// `DELETE /v3/projects/{id}`: a leaf project (or a disabled domain).
pub async fn remove(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let mut world = s.world();
    enforce_on(&world.identity, &caller, "identity:delete_project", &id)?;
    let now = world.now();
    world.identity.delete_project(&id, now)?;
    no_content()
}

/// `GET /v3/projects/{id}/tags`.
pub async fn list_tags(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(id): Path<String>) -> ApiResult {
    let world = s.world();
    enforce_on(&world.identity, &caller, "identity:list_project_tags", &id)?;
    let tags = world.identity.project_tags(&id)?;
    Ok(Json(views::tags(&tags, &base, &id)).into_response())
}

/// `PUT /v3/projects/{id}/tags`: the whole list.
pub async fn replace_tags(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    KsBody(body): KsBody,
) -> ApiResult {
    let mut world = s.world();
    enforce_on(&world.identity, &caller, "identity:update_project_tags", &id)?;
    let tags = request::tags(&body)?;
    let tags = world.identity.replace_project_tags(&id, tags)?;
    Ok(Json(views::tags(&tags, &base, &id)).into_response())
}

/// `DELETE /v3/projects/{id}/tags`.
pub async fn clear_tags(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let mut world = s.world();
    enforce_on(&world.identity, &caller, "identity:delete_project_tags", &id)?;
    world.identity.replace_project_tags(&id, vec![])?;
    no_content()
}

/// `GET /v3/projects/{id}/tags/{tag}`: 204 when the project has the tag.
pub async fn check_tag(State(s): State<AppState>, caller: Caller, Path((id, tag)): Path<(String, String)>) -> ApiResult {
    let world = s.world();
    enforce_on(&world.identity, &caller, "identity:get_project_tag", &id)?;
    world.identity.check_project_tag(&id, &tag)?;
    no_content()
}

/// `PUT /v3/projects/{id}/tags/{tag}`: 201 with a `Location`, which Keystone builds without the
/// `projects/` segment.
pub async fn add_tag(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path((id, tag)): Path<(String, String)>,
    KsBody(_): KsBody,
) -> ApiResult {
    let mut world = s.world();
    enforce_on(&world.identity, &caller, "identity:create_project_tag", &id)?;
    request::tag(&tag)?;
    request::tags_with(&world.identity.project_tags(&id)?, &tag)?;
    world.identity.add_project_tag(&id, &tag)?;
    let mut resp = StatusCode::CREATED.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("{}/identity/v3/{id}/tags/{tag}", base.trim_end_matches('/'))) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

/// `DELETE /v3/projects/{id}/tags/{tag}`.
pub async fn remove_tag(State(s): State<AppState>, caller: Caller, Path((id, tag)): Path<(String, String)>) -> ApiResult {
    let mut world = s.world();
    enforce_on(&world.identity, &caller, "identity:delete_project_tag", &id)?;
    world.identity.remove_project_tag(&id, &tag)?;
    no_content()
}
