//! OS-EP-FILTER (keystone/api/os_ep_filter.py): endpoint groups and the endpoints and groups
//! associated with projects. Admin's, readable by a system reader too.

use super::common::{created, filtered, list_reply, member, no_content, one, refused, ApiResult, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, Params};
use crate::http::routes::{get, Routes};
use crate::identity::endpoint_filter::EndpointGroupChanges;
use crate::identity::error::Refusal;
use crate::identity::request::{checked, EndpointGroupBody, KsBody, ENDPOINT_GROUP_CREATE, ENDPOINT_GROUP_UPDATE};
use crate::identity::views;
use crate::policy::{enforce, Target};
use axum::extract::{Path, State};
use serde_json::json;

const GROUPS: &str = "OS-EP-FILTER/endpoint_groups";

pub(super) fn routes() -> Routes {
    Routes::new()
        .route("/v3/OS-EP-FILTER/endpoint_groups", get(list_groups).post(create_group))
        .route("/v3/OS-EP-FILTER/endpoint_groups/{id}", get(show_group).patch(update_group).delete(delete_group))
        .route("/v3/OS-EP-FILTER/endpoint_groups/{id}/endpoints", get(group_endpoints))
        .route("/v3/OS-EP-FILTER/endpoint_groups/{id}/projects", get(group_projects))
        .route(
            "/v3/OS-EP-FILTER/endpoint_groups/{id}/projects/{project}",
            get(show_group_in_project).put(add_group_to_project).delete(remove_group_from_project),
        )
        .route("/v3/OS-EP-FILTER/endpoints/{id}/projects", get(endpoint_projects))
        .route(
            "/v3/OS-EP-FILTER/projects/{project}/endpoints/{id}",
            get(check_endpoint_in_project).put(add_endpoint_to_project).delete(remove_endpoint_from_project),
        )
        .route("/v3/OS-EP-FILTER/projects/{project}/endpoints", get(project_endpoints))
        .route("/v3/OS-EP-FILTER/projects/{project}/endpoint_groups", get(project_groups))
}

fn allow(caller: &Caller, action: &str) -> Result<(), ApiError> {
    enforce(SVC, caller, action, Target::default())
}

// ---- endpoint groups ----

async fn list_groups(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    allow(&caller, "identity:list_endpoint_groups")?;
    let world = s.world();
    let items = world.identity.endpoint_groups.iter().map(|g| views::endpoint_group(g, &base)).collect();
    list_reply(GROUPS, "endpoint_groups", filtered(items, &params, &["name"]), &base)
}

async fn show_group(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(id): Path<String>) -> ApiResult {
    allow(&caller, "identity:get_endpoint_group")?;
    let world = s.world();
    one("endpoint_group", views::endpoint_group(world.identity.endpoint_group(&id).map_err(refused)?, &base))
}

async fn create_group(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, KsBody(body): KsBody) -> ApiResult {
    allow(&caller, "identity:create_endpoint_group")?;
    let group = member(&body, "endpoint_group", json!({}))?;
    let b: EndpointGroupBody = checked(&group, &ENDPOINT_GROUP_CREATE).map_err(refused)?;
    let mut world = s.world();
    let w = &mut *world;
    let g = w
        .identity
        .create_endpoint_group(b.name.unwrap_or_default(), b.description.flatten(), b.filters.unwrap_or_default(), &mut w.sim.ids)
        .map_err(refused)?;
    created("endpoint_group", views::endpoint_group(g, &base))
}

async fn update_group(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    KsBody(body): KsBody,
) -> ApiResult {
    allow(&caller, "identity:update_endpoint_group")?;
    let group = member(&body, "endpoint_group", json!({}))?;
    let b: EndpointGroupBody = checked(&group, &ENDPOINT_GROUP_UPDATE).map_err(refused)?;
    let changes = EndpointGroupChanges { name: b.name, description: b.description, filters: b.filters };
    let mut world = s.world();
    let g = world.identity.update_endpoint_group(&id, changes).map_err(refused)?;
    one("endpoint_group", views::endpoint_group(g, &base))
}

async fn delete_group(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    allow(&caller, "identity:delete_endpoint_group")?;
    s.world().identity.delete_endpoint_group(&id).map_err(refused)?;
    no_content()
}

async fn group_endpoints(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(id): Path<String>) -> ApiResult {
    allow(&caller, "identity:list_endpoints_associated_with_endpoint_group")?;
    let world = s.world();
    let items = world.identity.endpoints_in_group(&id).map_err(refused)?.into_iter().map(|e| views::endpoint(e, &base)).collect();
    list_reply(&format!("{GROUPS}/{id}/endpoints"), "endpoints", items, &base)
}

async fn group_projects(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(id): Path<String>) -> ApiResult {
    allow(&caller, "identity:list_projects_associated_with_endpoint_group")?;
    let world = s.world();
    let items = world.identity.projects_for_endpoint_group(&id).map_err(refused)?.into_iter().map(|p| views::project(p, &base)).collect();
    list_reply(&format!("{GROUPS}/{id}/projects"), "projects", items, &base)
}

async fn show_group_in_project(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path((id, project)): Path<(String, String)>,
) -> ApiResult {
    allow(&caller, "identity:get_endpoint_group_in_project")?;
    let world = s.world();
    world.identity.endpoint_group_in_project(&id, &project).map_err(refused)?;
    one("project_endpoint_group", views::project_endpoint_group(&id, &project, &base))
}

async fn add_group_to_project(State(s): State<AppState>, caller: Caller, Path((id, project)): Path<(String, String)>) -> ApiResult {
    allow(&caller, "identity:add_endpoint_group_to_project")?;
    s.world().identity.add_endpoint_group_to_project(&id, &project).map_err(refused)?;
    no_content()
}

async fn remove_group_from_project(State(s): State<AppState>, caller: Caller, Path((id, project)): Path<(String, String)>) -> ApiResult {
    allow(&caller, "identity:remove_endpoint_group_from_project")?;
    s.world().identity.remove_endpoint_group_from_project(&id, &project).map_err(refused)?;
    no_content()
}

// ---- endpoints and projects ----

async fn endpoint_projects(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(id): Path<String>) -> ApiResult {
    allow(&caller, "identity:list_projects_for_endpoint")?;
    let world = s.world();
    let items = world.identity.projects_for_endpoint(&id).map_err(refused)?.into_iter().map(|p| views::project(p, &base)).collect();
    list_reply(&format!("OS-EP-FILTER/endpoints/{id}/projects"), "projects", items, &base)
}

async fn check_endpoint_in_project(State(s): State<AppState>, caller: Caller, Path((project, id)): Path<(String, String)>) -> ApiResult {
    allow(&caller, "identity:check_endpoint_in_project")?;
    s.world().identity.check_endpoint_in_project(&project, &id).map_err(refused)?;
    no_content()
}

async fn add_endpoint_to_project(State(s): State<AppState>, caller: Caller, Path((project, id)): Path<(String, String)>) -> ApiResult {
    allow(&caller, "identity:add_endpoint_to_project")?;
    s.world().identity.add_endpoint_to_project(&project, &id).map_err(refused)?;
    no_content()
}

async fn remove_endpoint_from_project(State(s): State<AppState>, caller: Caller, Path((project, id)): Path<(String, String)>) -> ApiResult {
    allow(&caller, "identity:remove_endpoint_from_project")?;
    s.world().identity.remove_endpoint_from_project(&project, &id).map_err(refused)?;
    no_content()
}

async fn project_endpoints(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(project): Path<String>) -> ApiResult {
    allow(&caller, "identity:list_endpoints_for_project")?;
    let world = s.world();
    let idn = &world.identity;
    idn.project(&project).ok_or_else(|| refused(Refusal::not_found("project", &project)))?;
    let ids = idn.project_endpoint_ids(&project);
    let items = idn.endpoints.iter().filter(|e| ids.contains(&e.id)).map(|e| views::endpoint(e, &base)).collect();
    list_reply(&format!("OS-EP-FILTER/projects/{project}/endpoints"), "endpoints", items, &base)
}

async fn project_groups(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, Path(project): Path<String>) -> ApiResult {
    allow(&caller, "identity:list_endpoint_groups_for_project")?;
    let world = s.world();
    let items = world
        .identity
        .endpoint_groups_for_project(&project)
        .map_err(refused)?
        .into_iter()
        .map(|g| views::endpoint_group(g, &base))
        .collect();
    list_reply(&format!("OS-EP-FILTER/projects/{project}/endpoint_groups"), "endpoint_groups", items, &base)
}
