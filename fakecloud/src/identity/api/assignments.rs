//! Grants on projects, domains and the system, to users and groups, with their OS-INHERIT forms
//! (keystone/api/projects.py, domains.py, system.py, os_inherit.py), and `GET /v3/role_assignments`
//! (role_assignments.py). One set of handlers serves every grant route: the route says the target,
//! the actor and whether the grant is inherited.

use super::common::{missing, query_true, refused, ApiResult, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, Params};
use crate::http::routes::{get, Routes};
use crate::identity::assignments::AssignmentQuery;
use crate::identity::error::Refusal;
use crate::identity::model::{Actor, Assignment, Identity, Target as Scope};
use crate::identity::views;
use crate::policy::{enforce, Target};
use axum::extract::{MatchedPath, OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;

pub(super) fn routes() -> Routes {
    let mut r = Routes::new();
    for target in ["/v3/projects/{id}", "/v3/domains/{id}", "/v3/system"] {
        for actor in ["users/{user}", "groups/{group}"] {
            r = r
                .route(&format!("{target}/{actor}/roles"), get(list_grants))
                .route(&format!("{target}/{actor}/roles/{{role}}"), get(check_grant).put(create_grant).delete(revoke_grant));
        }
    }
    for actor in ["users/{user}", "groups/{group}"] {
        r = r
            .route(&format!("/v3/OS-INHERIT/domains/{{id}}/{actor}/roles/inherited_to_projects"), get(list_grants))
            .route(
                &format!("/v3/OS-INHERIT/domains/{{id}}/{actor}/roles/{{role}}/inherited_to_projects"),
                get(check_grant).put(create_grant).delete(revoke_grant),
            )
            .route(
                &format!("/v3/OS-INHERIT/projects/{{id}}/{actor}/roles/{{role}}/inherited_to_projects"),
                get(check_grant).put(create_grant).delete(revoke_grant),
            );
    }
    r.route("/v3/role_assignments", get(list_role_assignments))
}

/// What a grant route names.
struct GrantRoute {
    actor: Actor,
    target: Scope,
    inherited: bool,
    role: Option<String>,
}

impl GrantRoute {
    fn parse(template: &str, p: &HashMap<String, String>) -> GrantRoute {
        let param = |k: &str| p.get(k).cloned().unwrap_or_default();
        let actor = if template.contains("/users/") { Actor::User(param("user")) } else { Actor::Group(param("group")) };
        let target = if template.contains("/projects/") {
            Scope::Project(param("id"))
        } else if template.contains("/domains/") {
            Scope::Domain(param("id"))
        } else {
            Scope::System
        };
        GrantRoute { actor, target, inherited: template.contains("/OS-INHERIT/"), role: p.get("role").cloned() }
    }

    fn assignment(&self) -> Assignment {
        Assignment {
            actor: self.actor.clone(),
            role_id: self.role.clone().unwrap_or_default(),
            target: self.target.clone(),
            inherited: self.inherited,
        }
    }

    /// The policy action: Keystone's system grants have their own per actor, and a list is of
    /// grants (plural).
    fn action(&self, verb: &str) -> String {
        let grant = if verb == "list" { "grants" } else { "grant" };
        match (&self.target, &self.actor) {
            (Scope::System, Actor::User(_)) => format!("identity:{verb}_system_{grant}_for_user"),
            (Scope::System, Actor::Group(_)) => format!("identity:{verb}_system_{grant}_for_group"),
            _ => format!("identity:{verb}_{grant}"),
        }
    }

    /// Keystone builds the policy target from the role, actor and target of the route, and a
    /// missing one is its 404 before the policy is checked (except under OS-INHERIT, which leaves
    /// the target empty and checks afterwards). A revoke accepts an actor that is gone.
    fn lookups(&self, idn: &Identity, actor_may_be_gone: bool) -> Result<(), Refusal> {
        if let Some(r) = &self.role {
            idn.role(r).ok_or_else(|| Refusal::not_found("role", r))?;
        }
        if !actor_may_be_gone {
            match &self.actor {
                Actor::User(u) => {
                    idn.user(u).ok_or_else(|| Refusal::not_found("user", u))?;
                }
                Actor::Group(g) if !idn.group_exists(g) => return Err(Refusal::not_found("group", g)),
                Actor::Group(_) => {}
            }
        }
        match &self.target {
            Scope::Project(p) => {
                idn.project(p).ok_or_else(|| Refusal::not_found("project", p))?;
            }
            Scope::Domain(d) => {
                idn.domain(d).ok_or_else(|| Refusal::not_found("domain", d))?;
            }
            Scope::System => {}
        }
        Ok(())
    }

    fn authorize(&self, idn: &Identity, caller: &Caller, verb: &str, actor_may_be_gone: bool) -> Result<(), ApiError> {
        if !self.inherited {
            self.lookups(idn, actor_may_be_gone).map_err(refused)?;
        }
        enforce(SVC, caller, &self.action(verb), Target::default())
    }
}

fn route_of(matched: &MatchedPath, p: &HashMap<String, String>) -> GrantRoute {
    GrantRoute::parse(matched.as_str(), p)
}

async fn list_grants(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    matched: MatchedPath,
    OriginalUri(uri): OriginalUri,
    Path(p): Path<HashMap<String, String>>,
) -> ApiResult {
    let g = route_of(&matched, &p);
    let world = s.world();
    let idn = &world.identity;
    g.authorize(idn, &caller, "list", false)?;
    if g.inherited {
        g.lookups(idn, true).map_err(refused)?;
    }
    let roles: Vec<Value> =
        idn.grant_role_ids(&g.actor, &g.target, g.inherited).iter().filter_map(|r| idn.role(r)).map(|r| views::role(r, &base)).collect();
    let path = uri.path().split_once("/v3/").map_or("", |(_, rest)| rest).to_string();
    Ok(Json(json!({"roles": roles, "links": views::collection_links(&base, &path)})).into_response())
}

async fn check_grant(State(s): State<AppState>, caller: Caller, matched: MatchedPath, Path(p): Path<HashMap<String, String>>) -> ApiResult {
    let g = route_of(&matched, &p);
    let world = s.world();
    g.authorize(&world.identity, &caller, "check", false)?;
    world.identity.check_grant(&g.assignment()).map_err(refused)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn create_grant(
    State(s): State<AppState>,
    caller: Caller,
    matched: MatchedPath,
    Path(p): Path<HashMap<String, String>>,
) -> ApiResult {
    let g = route_of(&matched, &p);
    let mut world = s.world();
    g.authorize(&world.identity, &caller, "create", false)?;
    world.identity.grant(g.assignment()).map_err(refused)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn revoke_grant(
    State(s): State<AppState>,
    caller: Caller,
    matched: MatchedPath,
    Path(p): Path<HashMap<String, String>>,
) -> ApiResult {
    let g = route_of(&matched, &p);
    let mut world = s.world();
    g.authorize(&world.identity, &caller, "revoke", true)?;
    world.identity.revoke_grant(&g.assignment()).map_err(refused)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A filter that is given and not empty (Keystone tests them for truth).
fn given<'a>(params: &'a Params, key: &str) -> Option<&'a str> {
    params.get(key).filter(|v| !v.is_empty())
}

fn bad(message: &str) -> ApiError {
    refused(Refusal::BadRequest(message.into()))
}

/// `GET /v3/role_assignments` with Keystone's filters, its refusals of filter mixes that cannot
/// match, and `effective`, `include_names` and `include_subtree`.
async fn list_role_assignments(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    let world = s.world();
    let idn = &world.identity;
    let project = given(&params, "scope.project.id");
    let include_subtree = query_true(&params, "include_subtree");
    if include_subtree {
        if let Some(p) = project {
            idn.project(p).ok_or_else(|| missing("project", p))?;
        }
        enforce(SVC, &caller, "identity:list_role_assignments_for_tree", Target::default())?;
        if project.is_none() {
            return Err(bad("scope.project.id must be specified if include_subtree is also specified"));
        }
    } else {
        enforce(SVC, &caller, "identity:list_role_assignments", Target::default())?;
    }
    let domain = given(&params, "scope.domain.id");
    let system = given(&params, "scope.system");
    let user = given(&params, "user.id");
    let group = given(&params, "group.id");
    let effective = query_true(&params, "effective");
    let inherited = params.get("scope.OS-INHERIT:inherited_to").map(|v| v == "projects");
    if domain.is_some() && project.is_some() {
        return Err(bad("Specify a domain or project, not both"));
    }
    if domain.is_some() && system.is_some() {
        return Err(bad("Specify system or domain, not both"));
    }
    if project.is_some() && system.is_some() {
        return Err(bad("Specify system or project, not both"));
    }
    if user.is_some() && group.is_some() {
        return Err(bad("Specify a user or group, not both"));
    }
    if effective && group.is_some() {
        return Err(bad("Combining effective and group filter will always result in an empty list."));
    }
    if effective && inherited == Some(true) && domain.is_some() {
        return Err(bad("Combining effective, domain and inherited filters will always result in an empty list."));
    }
    let q = AssignmentQuery {
        user_id: user.map(str::to_string),
        group_id: group.map(str::to_string),
        role_id: given(&params, "role.id").map(str::to_string),
        project_id: project.map(str::to_string),
        domain_id: domain.map(str::to_string),
        system: system == Some("all"),
        include_subtree,
        inherited,
        effective,
    };
    let names = query_true(&params, "include_names");
    let items: Vec<Value> = idn.list_assignments(&q).iter().map(|a| views::assignment(idn, a, &base, names)).collect();
    Ok(Json(json!({"role_assignments": items, "links": views::collection_links(&base, "role_assignments")})).into_response())
}
