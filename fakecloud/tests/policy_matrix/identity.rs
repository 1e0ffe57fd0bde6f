//! Keystone (keystone/common/policies).

use crate::common::password_auth;
use crate::Hidden::Forbidden as H403;
use crate::Rule::*;
use crate::{req, row, Row};
use serde_json::json;

pub fn rows() -> Vec<Row> {
    vec![
        row("GET", "/identity", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/identity/v3", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/identity/v3/auth/tokens", UserOrAdmin, "identity:validate_token", |x, _| req().h("x-subject-token", &x.t_demo)),
        row("HEAD", "/identity/v3/auth/tokens", UserOrAdmin, "identity:check_token", |x, _| req().h("x-subject-token", &x.t_demo)),
        row("POST", "/identity/v3/auth/tokens", Public, "token issue (authenticates itself)", |_, _| {
            req().json(password_auth("demo", "demo-secret", Some("demo")))
        }),
        row("DELETE", "/identity/v3/auth/tokens", UserOrAdmin, "identity:revoke_token", |x, _| req().h("x-subject-token", &x.t_demo)),
        row("GET", "/identity/v3/auth/catalog", AnyToken, "identity:get_auth_catalog", |_, _| req()),
        row("GET", "/identity/v3/auth/projects", AnyToken, "identity:get_auth_projects", |_, _| req()),
        row("GET", "/identity/v3/auth/domains", AnyToken, "identity:get_auth_domains", |_, _| req()),
        row("GET", "/identity/v3/auth/system", AnyToken, "identity:get_auth_system", |_, _| req()),
        // Domains (domain.py): upstream admits `token.project.domain.id:%(target.domain.id)s` for a
        // read; every caller here has a project in Default, so any valid token reads it.
        row("GET", "/identity/v3/domains", Admin, "identity:list_domains", |_, _| req()),
        row("POST", "/identity/v3/domains", Admin, "identity:create_domain", |_, _| {
            req().json(json!({"domain": {"name": "pm-new-domain"}}))
        }),
        row("GET", "/identity/v3/domains/{id}", AnyToken, "identity:get_domain", |_, _| req().p("id", "default")),
        row("PATCH", "/identity/v3/domains/{id}", Admin, "identity:update_domain", |_, _| {
            req().p("id", "default").json(json!({"domain": {"description": "pm"}}))
        }),
        row("DELETE", "/identity/v3/domains/{id}", Admin, "identity:delete_domain", |x, _| req().p("id", &x.ks_domain_off)),
        // Projects and their tags (project.py): reads are any role on the project itself
        // (`project_id:%(target.project.id)s`), writes the admin's.
        row("GET", "/identity/v3/projects", Admin, "identity:list_projects", |_, _| req()),
        row("POST", "/identity/v3/projects", Admin, "identity:create_project", |_, _| {
            req().json(json!({"project": {"name": "pm-new-project"}}))
        }),
        row("GET", "/identity/v3/projects/{id}", ProjectReader(H403), "identity:get_project", |x, _| req().p("id", &x.demo_p)),
        row("PATCH", "/identity/v3/projects/{id}", Admin, "identity:update_project", |x, _| {
            req().p("id", &x.demo_p).json(json!({"project": {"description": "pm"}}))
        }),
        row("DELETE", "/identity/v3/projects/{id}", Admin, "identity:delete_project", |x, _| req().p("id", &x.demo_p)),
        row("GET", "/identity/v3/projects/{id}/tags", ProjectReader(H403), "identity:list_project_tags", |x, _| req().p("id", &x.demo_p)),
        row("PUT", "/identity/v3/projects/{id}/tags", Admin, "identity:update_project_tags", |x, _| {
            req().p("id", &x.demo_p).json(json!({"tags": ["pm"]}))
        }),
        row("DELETE", "/identity/v3/projects/{id}/tags", Admin, "identity:delete_project_tags", |x, _| req().p("id", &x.demo_p)),
        row("GET", "/identity/v3/projects/{id}/tags/{tag}", ProjectReader(H403), "identity:get_project_tag", |x, _| {
            req().p("id", &x.demo_p).p("tag", "pm-tag")
        }),
        row("PUT", "/identity/v3/projects/{id}/tags/{tag}", Admin, "identity:create_project_tag", |x, _| {
            req().p("id", &x.demo_p).p("tag", "pm-new-tag")
        }),
        row("DELETE", "/identity/v3/projects/{id}/tags/{tag}", Admin, "identity:delete_project_tag", |x, _| {
            req().p("id", &x.demo_p).p("tag", "pm-tag")
        }),
        // Users (user.py): a user reads itself; the password change has no policy at all.
        row("GET", "/identity/v3/users", Admin, "identity:list_users", |_, _| req()),
        row("POST", "/identity/v3/users", Admin, "identity:create_user", |_, _| req().json(json!({"user": {"name": "pm-new-user"}}))),
        row("GET", "/identity/v3/users/{id}", UserOrAdmin, "identity:get_user", |x, _| req().p("id", &x.demo_u)),
        row("PATCH", "/identity/v3/users/{id}", Admin, "identity:update_user", |x, _| {
            req().p("id", &x.demo_u).json(json!({"user": {"description": "pm"}}))
        }),
        row("DELETE", "/identity/v3/users/{id}", Admin, "identity:delete_user", |x, _| req().p("id", &x.demo_u)),
        row("POST", "/identity/v3/users/{id}/password", Unenforced, "the user's own password change (unenforced)", |x, _| {
            req().p("id", &x.demo_u).json(json!({"user": {"original_password": "demo-secret", "password": "pm-secret"}}))
        }),
        row("GET", "/identity/v3/users/{id}/groups", UserOrAdmin, "identity:list_groups_for_user", |x, _| req().p("id", &x.demo_u)),
        row("GET", "/identity/v3/users/{id}/projects", UserOrAdmin, "identity:list_user_projects", |x, _| req().p("id", &x.demo_u)),
        // Groups (group.py): readers are system- or domain-scoped, so only the admin here.
        row("GET", "/identity/v3/groups", Admin, "identity:list_groups", |_, _| req()),
        row("POST", "/identity/v3/groups", Admin, "identity:create_group", |_, _| req().json(json!({"group": {"name": "pm-new-group"}}))),
        row("GET", "/identity/v3/groups/{id}", Admin, "identity:get_group", |x, _| req().p("id", &x.ks_group)),
        row("PATCH", "/identity/v3/groups/{id}", Admin, "identity:update_group", |x, _| {
            req().p("id", &x.ks_group).json(json!({"group": {"description": "pm"}}))
        }),
        row("DELETE", "/identity/v3/groups/{id}", Admin, "identity:delete_group", |x, _| req().p("id", &x.ks_group)),
        row("GET", "/identity/v3/groups/{id}/users", Admin, "identity:list_users_in_group", |x, _| req().p("id", &x.ks_group)),
        row("GET", "/identity/v3/groups/{id}/users/{user}", Admin, "identity:check_user_in_group", |x, _| {
            req().p("id", &x.ks_group).p("user", &x.demo_u)
        }),
        row("PUT", "/identity/v3/groups/{id}/users/{user}", Admin, "identity:add_user_to_group", |x, _| {
            req().p("id", &x.ks_group).p("user", &x.demo_u)
        }),
        row("DELETE", "/identity/v3/groups/{id}/users/{user}", Admin, "identity:remove_user_from_group", |x, _| {
            req().p("id", &x.ks_group).p("user", &x.demo_u)
        }),
        row("GET", "/identity/v3/users/{id}/application_credentials", UserOrAdmin, "identity:list_application_credentials", |x, _| {
            req().p("id", &x.demo_u)
        }),
        row("GET", "/identity/v3/users/{id}/application_credentials/{cred}", UserOrAdmin, "identity:get_application_credential", |x, _| {
            req().p("id", &x.demo_u).p("cred", &x.app_cred)
        }),
        row("GET", "/identity/v3/roles", Admin, "identity:list_roles", |_, _| req()),
        row("GET", "/identity/v3/roles/{id}", Admin, "identity:get_role", |x, _| req().p("id", &x.role)),
        row("GET", "/identity/v3/role_assignments", Admin, "identity:list_role_assignments", |_, _| req()),
        row("GET", "/identity/v3/regions", AnyToken, "identity:list_regions", |_, _| req()),
        row("GET", "/identity/v3/regions/{id}", AnyToken, "identity:get_region", |_, _| req().p("id", "RegionOne")),
        row("GET", "/identity/v3/services", Admin, "identity:list_services", |_, _| req()),
        row("GET", "/identity/v3/services/{id}", Admin, "identity:get_service", |x, _| req().p("id", &x.service)),
        row("GET", "/identity/v3/endpoints", Admin, "identity:list_endpoints", |_, _| req()),
        row("GET", "/identity/v3/endpoints/{id}", Admin, "identity:get_endpoint", |x, _| req().p("id", &x.endpoint)),
    ]
}
