//! The policy table: one place where every service declares who may call each action, following
//! the upstream defaults (admin / member / reader, project scope, self-service). Handlers call
//! `enforce` with the action name the upstream policy file uses, so 403s name the same rule.

use crate::auth::Caller;
use crate::http::error::ApiError;
use crate::http::service::Service;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Any valid token.
    Authenticated,
    /// The admin role (legacy cloud admin, any scope) or a system-scoped reader.
    AdminOrSystemReader,
    /// The admin role.
    Admin,
    /// Admin, or the token's own user (`user_id:%(target.user.id)s`).
    AdminOrSelf,
    /// Admin, or any role on the target project (`project_id:%(target.project.id)s`).
    AdminOrProjectMember,
    /// Admin, or a reader (member implies reader) on the target project.
    ProjectReader,
    /// Admin, or a member on the target project.
    ProjectMember,
}

/// (action, rule). Later services append their actions here.
pub const POLICY: &[(&str, Rule)] = &[
    // Keystone (keystone/common/policies, 2023.x defaults).
    ("identity:validate_token", Rule::AdminOrSelf),
    ("identity:revoke_token", Rule::AdminOrSelf),
    ("identity:list_projects", Rule::AdminOrSystemReader),
    ("identity:get_project", Rule::AdminOrProjectMember),
    ("identity:list_user_projects", Rule::AdminOrSelf),
    ("identity:list_users", Rule::AdminOrSystemReader),
    ("identity:get_user", Rule::AdminOrSelf),
    ("identity:list_roles", Rule::AdminOrSystemReader),
    ("identity:get_role", Rule::AdminOrSystemReader),
    ("identity:list_role_assignments", Rule::AdminOrSystemReader),
    ("identity:list_domains", Rule::AdminOrSystemReader),
    ("identity:get_domain", Rule::AdminOrSystemReader),
    ("identity:list_regions", Rule::Authenticated),
    ("identity:get_region", Rule::Authenticated),
    ("identity:list_services", Rule::AdminOrSystemReader),
    ("identity:get_service", Rule::AdminOrSystemReader),
    ("identity:list_endpoints", Rule::AdminOrSystemReader),
    ("identity:get_endpoint", Rule::AdminOrSystemReader),
    ("identity:list_application_credentials", Rule::AdminOrSelf),
    ("identity:get_application_credential", Rule::AdminOrSelf),
];

/// What an action is aimed at, for owner checks.
#[derive(Clone, Copy, Debug, Default)]
pub struct Target<'a> {
    pub project_id: Option<&'a str>,
    pub user_id: Option<&'a str>,
}

pub fn rule_for(action: &str) -> Option<Rule> {
    POLICY.iter().find(|(a, _)| *a == action).map(|(_, r)| *r)
}

pub fn allows(rule: Rule, caller: &Caller, target: Target) -> bool {
    let on_project = || target.project_id.is_some() && caller.project_id.as_deref() == target.project_id;
    match rule {
        Rule::Authenticated => true,
        Rule::Admin => caller.is_admin(),
        Rule::AdminOrSystemReader => caller.is_admin() || (caller.system && caller.has_role("reader")),
        Rule::AdminOrSelf => caller.is_admin() || target.user_id == Some(caller.user_id.as_str()),
        Rule::AdminOrProjectMember => caller.is_admin() || on_project(),
        Rule::ProjectReader => caller.is_admin() || (on_project() && caller.has_role("reader")),
        Rule::ProjectMember => caller.is_admin() || (on_project() && caller.has_role("member")),
    }
}

/// Allows or refuses `action` for `caller` with the service's own 403. An action missing from the
/// table is refused: a route must be declared to be reachable.
pub fn enforce(service: Service, caller: &Caller, action: &str, target: Target) -> Result<(), ApiError> {
    match rule_for(action) {
        Some(rule) if allows(rule, caller, target) => Ok(()),
        _ => Err(ApiError::forbidden(service, action)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(roles: &[&str], project: Option<&str>, system: bool) -> Caller {
        Caller {
            token_id: "t".into(),
            user_id: "u1".into(),
            user_name: "n".into(),
            domain_id: "default".into(),
            project_id: project.map(str::to_string),
            project_name: None,
            system,
            roles: roles.iter().map(|r| r.to_string()).collect(),
        }
    }

    #[test]
    fn member_cannot_list_projects_but_admin_and_system_reader_can() {
        let t = Target::default();
        assert!(!allows(Rule::AdminOrSystemReader, &caller(&["member", "reader"], Some("p"), false), t));
        assert!(allows(Rule::AdminOrSystemReader, &caller(&["admin"], Some("p"), false), t));
        assert!(allows(Rule::AdminOrSystemReader, &caller(&["reader"], None, true), t));
    }

    #[test]
    fn project_rules_need_the_same_project() {
        let mine = Target { project_id: Some("p"), user_id: None };
        let theirs = Target { project_id: Some("q"), user_id: None };
        let member = caller(&["member", "reader"], Some("p"), false);
        let reader = caller(&["reader"], Some("p"), false);
        assert!(allows(Rule::ProjectMember, &member, mine));
        assert!(!allows(Rule::ProjectMember, &member, theirs));
        assert!(!allows(Rule::ProjectMember, &reader, mine));
        assert!(allows(Rule::ProjectReader, &reader, mine));
    }

    #[test]
    fn undeclared_actions_are_refused() {
        let admin = caller(&["admin"], Some("p"), false);
        assert!(enforce(Service::Identity, &admin, "identity:launch_rockets", Target::default()).is_err());
    }
}
