//! Keystone's self-service APIs (keystone/common/policies, 2024.1): credentials, EC2 credentials,
//! application credentials and access rules, trusts, and the revocation list. The owning user is
//! demo: admin may act for it where upstream says `rule:admin_required or ...owner`, not where it
//! says only `rule:owner` (creating an application credential or a trust) or only a system reader
//! (access rules).

use crate::Rule::*;
use crate::{req, row, Row};
use serde_json::json;

pub fn rows() -> Vec<Row> {
    vec![
        // Everyone may list; the list shows each caller its own (or, for admin, all).
        row("GET", "/identity/v3/credentials", AnyToken, "identity:list_credentials", |_, _| req()),
        row("POST", "/identity/v3/credentials", UserOrAdmin, "identity:create_credential", |x, _| {
            req().json(json!({"credential": {"user_id": x.demo_u, "type": "cert", "blob": "pm-new"}}))
        }),
        row("GET", "/identity/v3/credentials/{id}", UserOrAdmin, "identity:get_credential", |x, _| req().p("id", &x.pm_cred)),
        row("PATCH", "/identity/v3/credentials/{id}", UserOrAdmin, "identity:update_credential", |x, _| {
            req().p("id", &x.pm_cred).json(json!({"credential": {"blob": "changed"}}))
        }),
        row("DELETE", "/identity/v3/credentials/{id}", UserOrAdmin, "identity:delete_credential", |x, _| req().p("id", &x.pm_cred)),
        row("GET", "/identity/v3/users/{id}/credentials/OS-EC2", UserOrAdmin, "identity:ec2_list_credentials", |x, _| {
            req().p("id", &x.demo_u)
        }),
        row("POST", "/identity/v3/users/{id}/credentials/OS-EC2", UserOrAdmin, "identity:ec2_create_credential", |x, _| {
            req().p("id", &x.demo_u).json(json!({"tenant_id": x.demo_p}))
        }),
        row("GET", "/identity/v3/users/{id}/credentials/OS-EC2/{cred}", UserOrAdmin, "identity:ec2_get_credential", |x, _| {
            req().p("id", &x.demo_u).p("cred", &x.ec2_access)
        }),
        row("DELETE", "/identity/v3/users/{id}/credentials/OS-EC2/{cred}", UserOrAdmin, "identity:ec2_delete_credential", |x, _| {
            req().p("id", &x.demo_u).p("cred", &x.ec2_access)
        }),
        // `rule:owner`: the user's own token, on the project it is scoped to.
        row("POST", "/identity/v3/users/{id}/application_credentials", UserOnly, "identity:create_application_credential", |x, _| {
            req().p("id", &x.demo_u).json(json!({"application_credential": {"name": "pm-new-cred"}}))
        }),
        row(
            "DELETE",
            "/identity/v3/users/{id}/application_credentials/{cred}",
            UserOrAdmin,
            "identity:delete_application_credential",
            |x, _| req().p("id", &x.demo_u).p("cred", &x.app_cred),
        ),
        row("GET", "/identity/v3/users/{id}/access_rules", UserOnly, "identity:list_access_rules", |x, _| req().p("id", &x.demo_u)),
        row("GET", "/identity/v3/users/{id}/access_rules/{rule}", UserOnly, "identity:get_access_rule", |x, _| {
            req().p("id", &x.demo_u).p("rule", &x.access_rule)
        }),
        row("DELETE", "/identity/v3/users/{id}/access_rules/{rule}", UserOnly, "identity:delete_access_rule", |x, _| {
            req().p("id", &x.demo_u).p("rule", &x.access_rule)
        }),
        // Trusts: demo is the trustor of setup's trust (its trustee is a capi-mgmt user).
        row("GET", "/identity/v3/OS-TRUST/trusts", Admin, "identity:list_trusts", |_, _| req()),
        row("POST", "/identity/v3/OS-TRUST/trusts", UserOnly, "identity:create_trust", |x, _| {
            req().json(json!({"trust": {"trustor_user_id": x.demo_u, "trustee_user_id": x.alt_u, "impersonation": false,
                "project_id": x.demo_p, "roles": [{"name": "reader"}]}}))
        }),
        row("GET", "/identity/v3/OS-TRUST/trusts/{id}", UserOrAdmin, "identity:get_trust", |x, _| req().p("id", &x.trust)),
        row("DELETE", "/identity/v3/OS-TRUST/trusts/{id}", UserOrAdmin, "identity:delete_trust", |x, _| req().p("id", &x.trust)),
        row("GET", "/identity/v3/OS-TRUST/trusts/{id}/roles", UserOrAdmin, "identity:list_roles_for_trust", |x, _| req().p("id", &x.trust)),
        row("GET", "/identity/v3/OS-TRUST/trusts/{id}/roles/{role}", UserOrAdmin, "identity:get_role_for_trust", |x, _| {
            req().p("id", &x.trust).p("role", &x.role)
        }),
        row("GET", "/identity/v3/OS-REVOKE/events", Admin, "identity:list_revoke_events", |_, _| req()),
    ]
}
