//! Keystone (keystone/common/policies).

use crate::common::password_auth;
use crate::Hidden::Forbidden as H403;
use crate::Rule::*;
use crate::{req, row, Row};

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
        row("GET", "/identity/v3/projects", Admin, "identity:list_projects", |_, _| req()),
        // Any role on the project itself: project_id:%(target.project.id)s.
        row("GET", "/identity/v3/projects/{id}", ProjectReader(H403), "identity:get_project", |x, _| req().p("id", &x.demo_p)),
        row("GET", "/identity/v3/users", Admin, "identity:list_users", |_, _| req()),
        row("GET", "/identity/v3/users/{id}", UserOrAdmin, "identity:get_user", |x, _| req().p("id", &x.demo_u)),
        row("GET", "/identity/v3/users/{id}/projects", UserOrAdmin, "identity:list_user_projects", |x, _| req().p("id", &x.demo_u)),
        row("GET", "/identity/v3/users/{id}/application_credentials", UserOrAdmin, "identity:list_application_credentials", |x, _| {
            req().p("id", &x.demo_u)
        }),
        row("GET", "/identity/v3/users/{id}/application_credentials/{cred}", UserOrAdmin, "identity:get_application_credential", |x, _| {
            req().p("id", &x.demo_u).p("cred", &x.app_cred)
        }),
        row("GET", "/identity/v3/roles", Admin, "identity:list_roles", |_, _| req()),
        row("GET", "/identity/v3/roles/{id}", Admin, "identity:get_role", |x, _| req().p("id", &x.role)),
        row("GET", "/identity/v3/role_assignments", Admin, "identity:list_role_assignments", |_, _| req()),
        row("GET", "/identity/v3/domains", Admin, "identity:list_domains", |_, _| req()),
        // Upstream admits `token.project.domain.id:%(target.domain.id)s`: every caller here has a
        // project in Default, so any valid token reads it.
        row("GET", "/identity/v3/domains/{id}", AnyToken, "identity:get_domain", |_, _| req().p("id", "default")),
        row("GET", "/identity/v3/regions", AnyToken, "identity:list_regions", |_, _| req()),
        row("GET", "/identity/v3/regions/{id}", AnyToken, "identity:get_region", |_, _| req().p("id", "RegionOne")),
        row("GET", "/identity/v3/services", Admin, "identity:list_services", |_, _| req()),
        row("GET", "/identity/v3/services/{id}", Admin, "identity:get_service", |x, _| req().p("id", &x.service)),
        row("GET", "/identity/v3/endpoints", Admin, "identity:list_endpoints", |_, _| req()),
        row("GET", "/identity/v3/endpoints/{id}", Admin, "identity:get_endpoint", |x, _| req().p("id", &x.endpoint)),
    ]
}
