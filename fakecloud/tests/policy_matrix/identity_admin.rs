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
    t.extend(keystone_extension_rows());
    t
}

fn ep(x: &Ctx) -> Req {
    req().p("project", &x.pm_ep_project)
}

fn epg(x: &Ctx) -> Req {
    req().p("id", &x.pm_endpoint_group)
}

/// Policy blobs, OAuth1 consumers, domain configuration and endpoint filtering: admin's (a system
/// reader would read them), but the security-compliance part of domain configuration.
fn keystone_extension_rows() -> Vec<Row> {
    vec![
        row("GET", "/identity/v3/policies", Admin, "identity:list_policies", |_, _| req()),
        row("POST", "/identity/v3/policies", Admin, "identity:create_policy", |_, _| {
            req().json(json!({"policy": {"type": "application/json", "blob": "{}"}}))
        }),
        row("GET", "/identity/v3/policies/{id}", Admin, "identity:get_policy", |x, _| req().p("id", &x.pm_policy)),
        row("PATCH", "/identity/v3/policies/{id}", Admin, "identity:update_policy", |x, _| {
            req().p("id", &x.pm_policy).json(json!({"policy": {"blob": "{\"a\": 1}"}}))
        }),
        row("DELETE", "/identity/v3/policies/{id}", Admin, "identity:delete_policy", |x, _| req().p("id", &x.pm_policy)),
        row("GET", "/identity/v3/OS-OAUTH1/consumers", Admin, "identity:list_consumers", |_, _| req()),
        row("POST", "/identity/v3/OS-OAUTH1/consumers", Admin, "identity:create_consumer", |_, _| {
            req().json(json!({"consumer": {"description": "pm-new"}}))
        }),
        row("GET", "/identity/v3/OS-OAUTH1/consumers/{id}", Admin, "identity:get_consumer", |x, _| req().p("id", &x.pm_consumer)),
        row("PATCH", "/identity/v3/OS-OAUTH1/consumers/{id}", Admin, "identity:update_consumer", |x, _| {
            req().p("id", &x.pm_consumer).json(json!({"consumer": {"description": "changed"}}))
        }),
        row("DELETE", "/identity/v3/OS-OAUTH1/consumers/{id}", Admin, "identity:delete_consumer", |x, _| req().p("id", &x.pm_consumer)),
        row("GET", "/identity/v3/domains/{id}/config", Admin, "identity:get_domain_config", dom_of),
        row("PUT", "/identity/v3/domains/{id}/config", Admin, "identity:create_domain_config", |x, w| {
            dom_of(x, w).json(json!({"config": {"identity": {"driver": "sql"}}}))
        }),
        row("PATCH", "/identity/v3/domains/{id}/config", Admin, "identity:update_domain_config", |x, w| {
            dom_of(x, w).json(json!({"config": {"ldap": {"user_tree_dn": "ou=pm"}}}))
        }),
        row("DELETE", "/identity/v3/domains/{id}/config", Admin, "identity:delete_domain_config", dom_of),
        row("GET", "/identity/v3/domains/{id}/config/{group}", Admin, "identity:get_domain_config", |x, w| dom_of(x, w).p("group", "ldap")),
        row("PATCH", "/identity/v3/domains/{id}/config/{group}", Admin, "identity:update_domain_config", |x, w| {
            dom_of(x, w).p("group", "ldap").json(json!({"config": {"ldap": {"url": "ldap://changed"}}}))
        }),
        row("DELETE", "/identity/v3/domains/{id}/config/{group}", Admin, "identity:delete_domain_config", |x, w| {
            dom_of(x, w).p("group", "ldap")
        }),
        row("GET", "/identity/v3/domains/{id}/config/{group}/{option}", Admin, "identity:get_domain_config", |x, w| {
            dom_of(x, w).p("group", "ldap").p("option", "url")
        }),
        row("PATCH", "/identity/v3/domains/{id}/config/{group}/{option}", Admin, "identity:update_domain_config", |x, w| {
            dom_of(x, w).p("group", "ldap").p("option", "url").json(json!({"config": {"url": "ldap://changed"}}))
        }),
        row("DELETE", "/identity/v3/domains/{id}/config/{group}/{option}", Admin, "identity:delete_domain_config", |x, w| {
            dom_of(x, w).p("group", "ldap").p("option", "url")
        }),
        row("GET", "/identity/v3/domains/config/default", Admin, "identity:get_domain_config_default", |_, _| req()),
        row("GET", "/identity/v3/domains/config/{group}/default", Admin, "identity:get_domain_config_default", |_, _| {
            req().p("group", "ldap")
        }),
        row("GET", "/identity/v3/domains/config/{group}/{option}/default", Admin, "identity:get_domain_config_default", |_, _| {
            req().p("group", "ldap").p("option", "url")
        }),
        row("GET", "/identity/v3/OS-EP-FILTER/endpoint_groups", Admin, "identity:list_endpoint_groups", |_, _| req()),
        row("POST", "/identity/v3/OS-EP-FILTER/endpoint_groups", Admin, "identity:create_endpoint_group", |_, _| {
            req().json(json!({"endpoint_group": {"name": "pm-new", "filters": {"interface": "admin"}}}))
        }),
        row("GET", "/identity/v3/OS-EP-FILTER/endpoint_groups/{id}", Admin, "identity:get_endpoint_group", |x, _| epg(x)),
        row("PATCH", "/identity/v3/OS-EP-FILTER/endpoint_groups/{id}", Admin, "identity:update_endpoint_group", |x, _| {
            epg(x).json(json!({"endpoint_group": {"description": "changed"}}))
        }),
        row("DELETE", "/identity/v3/OS-EP-FILTER/endpoint_groups/{id}", Admin, "identity:delete_endpoint_group", |x, _| epg(x)),
        row(
            "GET",
            "/identity/v3/OS-EP-FILTER/endpoint_groups/{id}/endpoints",
            Admin,
            "identity:list_endpoints_associated_with_endpoint_group",
            |x, _| epg(x),
        ),
        row(
            "GET",
            "/identity/v3/OS-EP-FILTER/endpoint_groups/{id}/projects",
            Admin,
            "identity:list_projects_associated_with_endpoint_group",
            |x, _| epg(x),
        ),
        row(
            "GET",
            "/identity/v3/OS-EP-FILTER/endpoint_groups/{id}/projects/{project}",
            Admin,
            "identity:get_endpoint_group_in_project",
            |x, _| epg(x).p("project", &x.pm_ep_project),
        ),
        row(
            "PUT",
            "/identity/v3/OS-EP-FILTER/endpoint_groups/{id}/projects/{project}",
            Admin,
            "identity:add_endpoint_group_to_project",
            |x, _| epg(x).p("project", &x.alt_p),
        ),
        row(
            "DELETE",
            "/identity/v3/OS-EP-FILTER/endpoint_groups/{id}/projects/{project}",
            Admin,
            "identity:remove_endpoint_group_from_project",
            |x, _| epg(x).p("project", &x.pm_ep_project),
        ),
        row("GET", "/identity/v3/OS-EP-FILTER/endpoints/{id}/projects", Admin, "identity:list_projects_for_endpoint", |x, _| {
            req().p("id", &x.pm_endpoint)
        }),
        row("GET", "/identity/v3/OS-EP-FILTER/projects/{project}/endpoints/{id}", Admin, "identity:check_endpoint_in_project", |x, _| {
            ep(x).p("id", &x.pm_endpoint)
        }),
        row("PUT", "/identity/v3/OS-EP-FILTER/projects/{project}/endpoints/{id}", Admin, "identity:add_endpoint_to_project", |x, _| {
            req().p("project", &x.alt_p).p("id", &x.pm_endpoint)
        }),
        row(
            "DELETE",
            "/identity/v3/OS-EP-FILTER/projects/{project}/endpoints/{id}",
            Admin,
            "identity:remove_endpoint_from_project",
            |x, _| ep(x).p("id", &x.pm_endpoint),
        ),
        row("GET", "/identity/v3/OS-EP-FILTER/projects/{project}/endpoints", Admin, "identity:list_endpoints_for_project", |x, _| ep(x)),
        row(
            "GET",
            "/identity/v3/OS-EP-FILTER/projects/{project}/endpoint_groups",
            Admin,
            "identity:list_endpoint_groups_for_project",
            |x, _| ep(x),
        ),
    ]
}

fn dom_of(_: &Ctx, _: crate::Who) -> Req {
    req().p("id", "default")
}
