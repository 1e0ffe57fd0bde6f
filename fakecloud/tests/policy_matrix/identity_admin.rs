//! Keystone's admin APIs: roles and implied roles, grants of every kind, and the catalog
//! (keystone/common/policies, 2024.1). Grants, roles, services and endpoints are admin's (a system
//! reader would read them; no caller here is one); regions are readable by any token.

use crate::setup::Ctx;
use crate::Rule::*;
use crate::{req, row, Req, Row};
use serde_json::json;

fn proj(x: &Ctx) -> Req {
    req().p("id", &x.demo_p)
}

fn dom(_: &Ctx) -> Req {
    req().p("id", "default")
}

fn sys(_: &Ctx) -> Req {
    req()
}

fn user(r: Req, x: &Ctx) -> Req {
    r.p("user", &x.demo_u)
}

fn group(r: Req, x: &Ctx) -> Req {
    r.p("group", &x.ks_group)
}

/// Every grant route: projects, domains and the system, users and groups, and OS-INHERIT.
fn grant_rows() -> Vec<Row> {
    vec![
        row("GET", "/identity/v3/projects/{id}/users/{user}/roles", Admin, "identity:list_grants", |x, _| user(proj(x), x)),
        row("GET", "/identity/v3/projects/{id}/users/{user}/roles/{role}", Admin, "identity:check_grant", |x, _| {
            user(proj(x), x).p("role", &x.pm_role)
        }),
        row("PUT", "/identity/v3/projects/{id}/users/{user}/roles/{role}", Admin, "identity:create_grant", |x, _| {
            user(proj(x), x).p("role", &x.pm_role)
        }),
        row("DELETE", "/identity/v3/projects/{id}/users/{user}/roles/{role}", Admin, "identity:revoke_grant", |x, _| {
            user(proj(x), x).p("role", &x.pm_role)
        }),
        row("GET", "/identity/v3/projects/{id}/groups/{group}/roles", Admin, "identity:list_grants", |x, _| group(proj(x), x)),
        row("GET", "/identity/v3/projects/{id}/groups/{group}/roles/{role}", Admin, "identity:check_grant", |x, _| {
            group(proj(x), x).p("role", &x.pm_role)
        }),
        row("PUT", "/identity/v3/projects/{id}/groups/{group}/roles/{role}", Admin, "identity:create_grant", |x, _| {
            group(proj(x), x).p("role", &x.pm_role)
        }),
        row("DELETE", "/identity/v3/projects/{id}/groups/{group}/roles/{role}", Admin, "identity:revoke_grant", |x, _| {
            group(proj(x), x).p("role", &x.pm_role)
        }),
        row("GET", "/identity/v3/domains/{id}/users/{user}/roles", Admin, "identity:list_grants", |x, _| user(dom(x), x)),
        row("GET", "/identity/v3/domains/{id}/users/{user}/roles/{role}", Admin, "identity:check_grant", |x, _| {
            user(dom(x), x).p("role", &x.pm_role)
        }),
        row("PUT", "/identity/v3/domains/{id}/users/{user}/roles/{role}", Admin, "identity:create_grant", |x, _| {
            user(dom(x), x).p("role", &x.pm_role)
        }),
        row("DELETE", "/identity/v3/domains/{id}/users/{user}/roles/{role}", Admin, "identity:revoke_grant", |x, _| {
            user(dom(x), x).p("role", &x.pm_role)
        }),
        row("GET", "/identity/v3/domains/{id}/groups/{group}/roles", Admin, "identity:list_grants", |x, _| group(dom(x), x)),
        row("GET", "/identity/v3/domains/{id}/groups/{group}/roles/{role}", Admin, "identity:check_grant", |x, _| {
            group(dom(x), x).p("role", &x.pm_role)
        }),
        row("PUT", "/identity/v3/domains/{id}/groups/{group}/roles/{role}", Admin, "identity:create_grant", |x, _| {
            group(dom(x), x).p("role", &x.pm_role)
        }),
        row("DELETE", "/identity/v3/domains/{id}/groups/{group}/roles/{role}", Admin, "identity:revoke_grant", |x, _| {
            group(dom(x), x).p("role", &x.pm_role)
        }),
        row("GET", "/identity/v3/system/users/{user}/roles", Admin, "identity:list_system_grants_for_user", |x, _| user(sys(x), x)),
        row("GET", "/identity/v3/system/users/{user}/roles/{role}", Admin, "identity:check_system_grant_for_user", |x, _| {
            user(sys(x), x).p("role", &x.pm_role)
        }),
        row("PUT", "/identity/v3/system/users/{user}/roles/{role}", Admin, "identity:create_system_grant_for_user", |x, _| {
            user(sys(x), x).p("role", &x.pm_role)
        }),
        row("DELETE", "/identity/v3/system/users/{user}/roles/{role}", Admin, "identity:revoke_system_grant_for_user", |x, _| {
            user(sys(x), x).p("role", &x.pm_role)
        }),
        row("GET", "/identity/v3/system/groups/{group}/roles", Admin, "identity:list_system_grants_for_group", |x, _| group(sys(x), x)),
        row("GET", "/identity/v3/system/groups/{group}/roles/{role}", Admin, "identity:check_system_grant_for_group", |x, _| {
            group(sys(x), x).p("role", &x.pm_role)
        }),
        row("PUT", "/identity/v3/system/groups/{group}/roles/{role}", Admin, "identity:create_system_grant_for_group", |x, _| {
            group(sys(x), x).p("role", &x.pm_role)
        }),
        row("DELETE", "/identity/v3/system/groups/{group}/roles/{role}", Admin, "identity:revoke_system_grant_for_group", |x, _| {
            group(sys(x), x).p("role", &x.pm_role)
        }),
        row(
            "GET",
            "/identity/v3/OS-INHERIT/domains/{id}/users/{user}/roles/inherited_to_projects",
            Admin,
            "identity:list_grants",
            |x, _| user(dom(x), x),
        ),
        row(
            "GET",
            "/identity/v3/OS-INHERIT/domains/{id}/users/{user}/roles/{role}/inherited_to_projects",
            Admin,
            "identity:check_grant",
            |x, _| user(dom(x), x).p("role", &x.pm_role),
        ),
        row(
            "PUT",
            "/identity/v3/OS-INHERIT/domains/{id}/users/{user}/roles/{role}/inherited_to_projects",
            Admin,
            "identity:create_grant",
            |x, _| user(dom(x), x).p("role", &x.pm_role),
        ),
        row(
            "DELETE",
            "/identity/v3/OS-INHERIT/domains/{id}/users/{user}/roles/{role}/inherited_to_projects",
            Admin,
            "identity:revoke_grant",
            |x, _| user(dom(x), x).p("role", &x.pm_role),
        ),
        row(
            "GET",
            "/identity/v3/OS-INHERIT/domains/{id}/groups/{group}/roles/inherited_to_projects",
            Admin,
            "identity:list_grants",
            |x, _| group(dom(x), x),
        ),
        row(
            "GET",
            "/identity/v3/OS-INHERIT/domains/{id}/groups/{group}/roles/{role}/inherited_to_projects",
            Admin,
            "identity:check_grant",
            |x, _| group(dom(x), x).p("role", &x.pm_role),
        ),
        row(
            "PUT",
            "/identity/v3/OS-INHERIT/domains/{id}/groups/{group}/roles/{role}/inherited_to_projects",
            Admin,
            "identity:create_grant",
            |x, _| group(dom(x), x).p("role", &x.pm_role),
        ),
        row(
            "DELETE",
            "/identity/v3/OS-INHERIT/domains/{id}/groups/{group}/roles/{role}/inherited_to_projects",
            Admin,
            "identity:revoke_grant",
            |x, _| group(dom(x), x).p("role", &x.pm_role),
        ),
        row(
            "GET",
            "/identity/v3/OS-INHERIT/projects/{id}/users/{user}/roles/{role}/inherited_to_projects",
            Admin,
            "identity:check_grant",
            |x, _| user(proj(x), x).p("role", &x.pm_role),
        ),
        row(
            "PUT",
            "/identity/v3/OS-INHERIT/projects/{id}/users/{user}/roles/{role}/inherited_to_projects",
            Admin,
            "identity:create_grant",
            |x, _| user(proj(x), x).p("role", &x.pm_role),
        ),
        row(
            "DELETE",
            "/identity/v3/OS-INHERIT/projects/{id}/users/{user}/roles/{role}/inherited_to_projects",
            Admin,
            "identity:revoke_grant",
            |x, _| user(proj(x), x).p("role", &x.pm_role),
        ),
        row(
            "GET",
            "/identity/v3/OS-INHERIT/projects/{id}/groups/{group}/roles/{role}/inherited_to_projects",
            Admin,
            "identity:check_grant",
            |x, _| group(proj(x), x).p("role", &x.pm_role),
        ),
        row(
            "PUT",
            "/identity/v3/OS-INHERIT/projects/{id}/groups/{group}/roles/{role}/inherited_to_projects",
            Admin,
            "identity:create_grant",
            |x, _| group(proj(x), x).p("role", &x.pm_role),
        ),
        row(
            "DELETE",
            "/identity/v3/OS-INHERIT/projects/{id}/groups/{group}/roles/{role}/inherited_to_projects",
            Admin,
            "identity:revoke_grant",
            |x, _| group(proj(x), x).p("role", &x.pm_role),
        ),
    ]
}

pub fn rows() -> Vec<Row> {
    let mut t = vec![
        row("POST", "/identity/v3/roles", Admin, "identity:create_role", |_, _| req().json(json!({"role": {"name": "pm-new-role"}}))),
        row("PATCH", "/identity/v3/roles/{id}", Admin, "identity:update_role", |x, _| {
            req().p("id", &x.pm_role).json(json!({"role": {"description": "changed"}}))
        }),
        row("DELETE", "/identity/v3/roles/{id}", Admin, "identity:delete_role", |x, _| req().p("id", &x.pm_role)),
        row("GET", "/identity/v3/roles/{id}/implies", Admin, "identity:list_implied_roles", |x, _| req().p("id", &x.pm_role)),
        row("GET", "/identity/v3/roles/{id}/implies/{implied}", Admin, "identity:get_implied_role", |x, _| {
            req().p("id", &x.pm_role).p("implied", &x.pm_role2)
        }),
        row("HEAD", "/identity/v3/roles/{id}/implies/{implied}", Admin, "identity:check_implied_role", |x, _| {
            req().p("id", &x.pm_role).p("implied", &x.pm_role2)
        }),
        row("PUT", "/identity/v3/roles/{id}/implies/{implied}", Admin, "identity:create_implied_role", |x, _| {
            req().p("id", &x.pm_role).p("implied", &x.pm_role3)
        }),
        row("DELETE", "/identity/v3/roles/{id}/implies/{implied}", Admin, "identity:delete_implied_role", |x, _| {
            req().p("id", &x.pm_role).p("implied", &x.pm_role2)
        }),
        row("GET", "/identity/v3/role_inferences", Admin, "identity:list_role_inference_rules", |_, _| req()),
        // The catalog.
        row("POST", "/identity/v3/regions", Admin, "identity:create_region", |_, _| req().json(json!({"region": {"description": "pm"}}))),
        row("PUT", "/identity/v3/regions/{id}", Admin, "identity:create_region", |_, _| {
            req().p("id", "pm-region-new").json(json!({"region": {"description": "pm"}}))
        }),
        row("PATCH", "/identity/v3/regions/{id}", Admin, "identity:update_region", |x, _| {
            req().p("id", &x.pm_region).json(json!({"region": {"description": "changed"}}))
        }),
        row("DELETE", "/identity/v3/regions/{id}", Admin, "identity:delete_region", |x, _| req().p("id", &x.pm_region)),
        row("POST", "/identity/v3/services", Admin, "identity:create_service", |_, _| {
            req().json(json!({"service": {"type": "pm-new", "name": "pm-new"}}))
        }),
        row("PATCH", "/identity/v3/services/{id}", Admin, "identity:update_service", |x, _| {
            req().p("id", &x.pm_service).json(json!({"service": {"description": "changed"}}))
        }),
        row("DELETE", "/identity/v3/services/{id}", Admin, "identity:delete_service", |x, _| req().p("id", &x.pm_service)),
        row("POST", "/identity/v3/endpoints", Admin, "identity:create_endpoint", |x, _| {
            req().json(json!({"endpoint": {"service_id": x.pm_service, "interface": "internal", "url": "http://pm.example:9999/v2"}}))
        }),
        row("PATCH", "/identity/v3/endpoints/{id}", Admin, "identity:update_endpoint", |x, _| {
            req().p("id", &x.pm_endpoint).json(json!({"endpoint": {"enabled": false}}))
        }),
        row("DELETE", "/identity/v3/endpoints/{id}", Admin, "identity:delete_endpoint", |x, _| req().p("id", &x.pm_endpoint)),
    ];
    t.extend(grant_rows());
    t
}
