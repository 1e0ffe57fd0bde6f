//! Role assignments (grants) and Keystone's effective view of them (keystone/assignment/core.py):
//! grants to users or groups on projects, domains or the system, OS-INHERIT grants that act on the
//! projects below their target, and the expansion of groups into their members, of inherited grants
//! into projects and of roles into the roles they imply. Tokens take their roles from the same
//! expansion, so what `GET /v3/role_assignments?effective` lists is what a token carries.

use super::error::{Outcome, Refusal};
use super::model::{Actor, Assignment, Identity, Target};

/// `GET /v3/role_assignments` filters, as the API passes them on.
#[derive(Clone, Debug, Default)]
pub struct AssignmentQuery {
    pub user_id: Option<String>,
    pub group_id: Option<String>,
    pub role_id: Option<String>,
    pub project_id: Option<String>,
    pub domain_id: Option<String>,
    /// `scope.system=all`.
    pub system: bool,
    pub include_subtree: bool,
    /// `scope.OS-INHERIT:inherited_to`: `Some(true)` for `projects`, `Some(false)` for any other
    /// value, `None` when absent.
    pub inherited: Option<bool>,
    pub effective: bool,
}

/// Where an effective assignment came from, when it is not a direct grant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Indirect {
    pub group_id: Option<String>,
    /// Inherited from a grant on this project (a parent) or domain.
    pub inherited_from: Option<Target>,
    /// Implied by this role.
    pub prior_role_id: Option<String>,
}

/// One line of a role assignment list: a grant as stored, or one of its effective consequences.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    pub actor: Actor,
    pub role_id: String,
    pub target: Target,
    /// A direct OS-INHERIT grant (only in the non-effective list).
    pub inherited: bool,
    pub indirect: Indirect,
}

impl Listed {
    fn direct(a: &Assignment) -> Listed {
        Listed {
            actor: a.actor.clone(),
            role_id: a.role_id.clone(),
            target: a.target.clone(),
            inherited: a.inherited,
            indirect: Indirect::default(),
        }
    }
}

impl Identity {
    /// The checks Keystone makes before a grant is created, checked or revoked: the role, the
    /// actor and the target exist, and a domain-specific role stays in its domain.
    fn check_grant_parts(&self, a: &Assignment) -> Outcome<()> {
        let role = self.role(&a.role_id).ok_or_else(|| Refusal::not_found("role", &a.role_id))?;
        match &a.actor {
            Actor::User(u) => {
                self.user(u).ok_or_else(|| Refusal::not_found("user", u))?;
            }
            Actor::Group(g) => {
                if !self.group_exists(g) {
                    return Err(Refusal::not_found("group", g));
                }
            }
        }
        match &a.target {
            Target::Project(p) => {
                self.project(p).ok_or_else(|| Refusal::not_found("project", p))?;
            }
            Target::Domain(d) => {
                self.domain(d).ok_or_else(|| Refusal::not_found("domain", d))?;
            }
            Target::System => {}
        }
        let _ = role;
        Ok(())
    }

    /// Creates a grant; granting what exists already is a success, as in Keystone.
    pub fn grant(&mut self, a: Assignment) -> Outcome<()> {
        self.check_grant_parts(&a)?;
        let role = self.role(&a.role_id).expect("checked");
        match &a.target {
            Target::Project(p) => {
                let project = self.project(p).expect("checked");
                if role.domain_id.as_ref().is_some_and(|d| *d != project.domain_id) {
                    return Err(Refusal::Forbidden(format!(
                        "Project {p} must be in the same domain as the role {} being assigned.",
                        a.role_id
                    )));
                }
            }
            Target::System if role.domain_id.is_some() => {
                return Err(Refusal::BadRequest(format!(
                    "Role {} is a domain-specific role. Unable to use a domain-specific role in a system assignment.",
                    a.role_id
                )));
            }
            _ => {}
        }
        if !self.assignments.contains(&a) {
            self.assignments.push(a);
        }
        Ok(())
    }

    /// Keystone's 404 for a grant that is not there.
    fn missing_grant(a: &Assignment) -> Refusal {
        let actor = match &a.actor {
            Actor::User(u) | Actor::Group(u) => u.clone(),
        };
        let target = match &a.target {
            Target::Project(x) | Target::Domain(x) => x.clone(),
            Target::System => "system".into(),
        };
        Refusal::NotFound(format!(
            "Could not find role assignment with role: {}, user or group: {actor}, project, domain, or system: {target}.",
            a.role_id
        ))
    }

    pub fn check_grant(&self, a: &Assignment) -> Outcome<()> {
        self.check_grant_parts(a)?;
        if self.assignments.contains(a) {
            Ok(())
        } else {
            Err(Self::missing_grant(a))
        }
    }

    /// Revokes a grant. A user or group that no longer exists may still lose its grants.
    pub fn revoke_grant(&mut self, a: &Assignment) -> Outcome<()> {
        self.role(&a.role_id).ok_or_else(|| Refusal::not_found("role", &a.role_id))?;
        match &a.target {
            Target::Project(p) => {
                self.project(p).ok_or_else(|| Refusal::not_found("project", p))?;
            }
            Target::Domain(d) => {
                self.domain(d).ok_or_else(|| Refusal::not_found("domain", d))?;
            }
            Target::System => {}
        }
        if !self.assignments.contains(a) {
            return Err(Self::missing_grant(a));
        }
        self.assignments.retain(|x| x != a);
        Ok(())
    }

    /// The role ids granted to the actor on the target (`GET .../roles`), in grant order.
    pub fn grant_role_ids(&self, actor: &Actor, target: &Target, inherited: bool) -> Vec<String> {
        self.assignments
            .iter()
            .filter(|a| &a.actor == actor && &a.target == target && a.inherited == inherited)
            .map(|a| a.role_id.clone())
            .collect()
    }

    /// The projects an inherited grant on `target` acts on.
    fn inheriting_projects(&self, target: &Target) -> Vec<String> {
        match target {
            Target::Domain(d) => self.projects.iter().filter(|p| &p.domain_id == d).map(|p| p.id.clone()).collect(),
            Target::Project(p) => self.project_subtree_ids(p),
            Target::System => vec![],
        }
    }

    /// `GET /v3/role_assignments`, without its API checks (which refuse some filter mixes first).
    pub fn list_assignments(&self, q: &AssignmentQuery) -> Vec<Listed> {
        if q.effective {
            self.effective_assignments(q, true)
        } else {
            self.direct_assignments(q)
        }
    }

    /// The project ids a `scope.project.id` filter admits.
    fn projects_of_interest(&self, q: &AssignmentQuery) -> Option<Vec<String>> {
        q.project_id.as_ref().map(|p| {
            let mut ids = vec![p.clone()];
            if q.include_subtree {
                ids.extend(self.project_subtree_ids(p));
            }
            ids
        })
    }

    fn direct_assignments(&self, q: &AssignmentQuery) -> Vec<Listed> {
        let projects = self.projects_of_interest(q);
        // System grants show unless a project or domain is asked for; only they show for
        // `scope.system`.
        let want_system = q.system || (q.project_id.is_none() && q.domain_id.is_none());
        self.assignments
            .iter()
            .filter(|a| q.role_id.as_ref().is_none_or(|r| *r == a.role_id))
            .filter(|a| match &a.actor {
                Actor::User(u) => q.group_id.is_none() && q.user_id.as_ref().is_none_or(|x| x == u),
                Actor::Group(g) => q.user_id.is_none() && q.group_id.as_ref().is_none_or(|x| x == g),
            })
            .filter(|a| match &a.target {
                Target::System => want_system,
                _ if q.system => false,
                Target::Project(p) => {
                    q.domain_id.is_none()
                        && projects.as_ref().is_none_or(|ps| ps.contains(p))
                        && q.inherited.is_none_or(|i| i == a.inherited)
                }
                Target::Domain(d) => {
                    q.project_id.is_none() && q.domain_id.as_ref().is_none_or(|x| x == d) && q.inherited.is_none_or(|i| i == a.inherited)
                }
            })
            .map(Listed::direct)
            .collect()
    }

    /// Keystone's effective mode: project and domain grants (never system ones) of the user and of
    /// the user's groups, groups expanded into their members, inherited grants into the projects
    /// below their target, then implied roles added; domain-specific roles are dropped unless
    /// `strip_domain_roles` is false (trusts look at them too).
    pub fn effective_assignments(&self, q: &AssignmentQuery, strip_domain_roles: bool) -> Vec<Listed> {
        if q.group_id.is_some() || (q.domain_id.is_some() && q.inherited == Some(true)) {
            return vec![];
        }
        // Domains inherit nothing.
        let inherited = if q.domain_id.is_some() { Some(false) } else { q.inherited };
        let user_groups = q.user_id.as_ref().map(|u| self.group_ids_of(u));
        let mut refs: Vec<Listed> = vec![];
        for a in &self.assignments {
            if a.target == Target::System || inherited.is_some_and(|i| i != a.inherited) {
                continue;
            }
            // The users this grant reaches, with the group it reaches them through.
            let users: Vec<(String, Option<String>)> = match (&a.actor, &q.user_id, &user_groups) {
                (Actor::User(u), Some(want), _) if u != want => continue,
                (Actor::User(u), _, _) => vec![(u.clone(), None)],
                (Actor::Group(g), Some(want), Some(groups)) if groups.contains(g) => vec![(want.clone(), Some(g.clone()))],
                (Actor::Group(_), Some(_), _) => continue,
                (Actor::Group(g), None, _) => self.group_member_ids(g).into_iter().map(|u| (u, Some(g.clone()))).collect(),
            };
            let targets: Vec<(Target, Option<Target>)> = if a.inherited {
                self.inheriting_projects(&a.target).into_iter().map(|p| (Target::Project(p), Some(a.target.clone()))).collect()
            } else {
                vec![(a.target.clone(), None)]
            };
            for (user, group) in &users {
                for (target, from) in &targets {
                    refs.push(Listed {
                        actor: Actor::User(user.clone()),
                        role_id: a.role_id.clone(),
                        target: target.clone(),
                        inherited: false,
                        indirect: Indirect { group_id: group.clone(), inherited_from: from.clone(), prior_role_id: None },
                    });
                }
            }
        }
        let projects = self.projects_of_interest(q);
        refs.retain(|r| match &r.target {
            Target::Project(p) => q.domain_id.is_none() && projects.as_ref().is_none_or(|ps| ps.contains(p)),
            Target::Domain(d) => q.project_id.is_none() && q.domain_id.as_ref().is_none_or(|x| x == d),
            Target::System => false,
        });
        let mut refs = self.add_implied_roles(refs);
        if strip_domain_roles {
            refs.retain(|r| self.role(&r.role_id).is_some_and(|role| role.domain_id.is_none()));
        }
        if let Some(role) = &q.role_id {
            refs.retain(|r| &r.role_id == role);
        }
        refs
    }

    /// Keystone's add_implied_roles: each ref is copied once per role its role implies, the copy
    /// naming the prior role; a copy seen before stops the walk (implications may form a cycle).
    fn add_implied_roles(&self, refs: Vec<Listed>) -> Vec<Listed> {
        let mut results = refs.clone();
        let mut to_check = refs;
        let mut checked: Vec<Listed> = vec![];
        while let Some(next) = to_check.pop() {
            checked.push(next.clone());
            let Some(role) = self.role(&next.role_id) else { continue };
            for implied in &role.implies {
                let mut copy = next.clone();
                copy.role_id = implied.clone();
                copy.indirect.prior_role_id = Some(next.role_id.clone());
                if checked.contains(&copy) {
                    continue;
                }
                results.push(copy.clone());
                to_check.push(copy);
            }
        }
        results
    }

    /// The roles a token of the user scoped to the target carries: the effective assignments' roles
    /// for a project or a domain; for the system, the user's and its groups' system grants with the
    /// roles they imply. Without duplicates, in the order they were found.
    pub fn effective_role_ids(&self, user_id: &str, target: &Target) -> Vec<String> {
        let found: Vec<String> = match target {
            Target::System => {
                let groups = self.group_ids_of(user_id);
                let direct: Vec<String> = self
                    .assignments
                    .iter()
                    .filter(|a| a.target == Target::System)
                    .filter(|a| match &a.actor {
                        Actor::User(u) => u == user_id,
                        Actor::Group(g) => groups.contains(g),
                    })
                    .map(|a| a.role_id.clone())
                    .collect();
                self.expand_roles(&direct)
            }
            Target::Project(p) => {
                let q =
                    AssignmentQuery { user_id: Some(user_id.into()), project_id: Some(p.clone()), effective: true, ..Default::default() };
                self.effective_assignments(&q, true).into_iter().map(|r| r.role_id).collect()
            }
            Target::Domain(d) => {
                let q =
                    AssignmentQuery { user_id: Some(user_id.into()), domain_id: Some(d.clone()), effective: true, ..Default::default() };
                self.effective_assignments(&q, true).into_iter().map(|r| r.role_id).collect()
            }
        };
        let mut out: Vec<String> = vec![];
        for r in found {
            if !out.contains(&r) && self.role(&r).is_some_and(|role| role.domain_id.is_none()) {
                out.push(r);
            }
        }
        out
    }

    /// Removes every grant an actor holds (a user or group being deleted).
    pub fn remove_grants_of(&mut self, actor: &Actor) {
        self.assignments.retain(|a| &a.actor != actor);
    }

    /// Removes every grant on a target (a project or domain being deleted).
    pub fn remove_grants_on(&mut self, target: &Target) {
        self.assignments.retain(|a| &a.target != target);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use crate::identity::roles::NewRole;
    use crate::sim::Ids;
    use std::collections::BTreeMap;

    fn idn() -> Identity {
        Identity::from_fixture(&Fixture::default_cloud(), &mut Ids::new(0)).unwrap()
    }

    fn role(idn: &mut Identity, name: &str, domain: Option<&str>) -> String {
        let new = NewRole {
            name: name.into(),
            domain_id: domain.map(str::to_string),
            description: None,
            immutable: None,
            extra: BTreeMap::new(),
        };
        let mut ids = Ids::new(name.bytes().fold(7u64, |a, b| a.wrapping_mul(131).wrapping_add(u64::from(b))));
        idn.create_role(new, &mut ids).unwrap().id.clone()
    }

    fn user_grant(user: &str, role: &str, target: Target, inherited: bool) -> Assignment {
        Assignment { actor: Actor::User(user.into()), role_id: role.into(), target, inherited }
    }

    #[test]
    fn granting_twice_is_one_grant_and_revoking_a_missing_grant_is_a_404() {
        let mut idn = idn();
        let r = role(&mut idn, "x", None);
        let user = idn.user_named("alt_demo").unwrap().id.clone();
        let p = idn.project_named("demo").unwrap().id.clone();
        let a = user_grant(&user, &r, Target::Project(p), false);
        idn.grant(a.clone()).unwrap();
        idn.grant(a.clone()).unwrap();
        assert_eq!(idn.assignments.iter().filter(|x| **x == a).count(), 1);
        idn.revoke_grant(&a).unwrap();
        assert!(matches!(idn.revoke_grant(&a), Err(Refusal::NotFound(_))));
        assert!(matches!(idn.check_grant(&a), Err(Refusal::NotFound(_))));
    }

    #[test]
    fn effective_mode_adds_implied_roles_and_drops_domain_roles() {
        let mut idn = idn();
        let d = role(&mut idn, "d", Some("default"));
        let g = role(&mut idn, "g", None);
        idn.create_implied_role(&d, &g).unwrap();
        let user = idn.user_named("alt_demo").unwrap().id.clone();
        let p = idn.project_named("demo").unwrap().id.clone();
        idn.grant(user_grant(&user, &d, Target::Project(p.clone()), false)).unwrap();
        let q = AssignmentQuery { user_id: Some(user.clone()), project_id: Some(p.clone()), effective: true, ..Default::default() };
        let listed = idn.list_assignments(&q);
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].role_id, g);
        assert_eq!(listed[0].indirect.prior_role_id.as_deref(), Some(d.as_str()));
        assert_eq!(idn.effective_role_ids(&user, &Target::Project(p)), vec![g]);
    }

    #[test]
    fn a_domain_inherited_grant_reaches_every_project_of_the_domain_but_not_the_domain() {
        let mut idn = idn();
        let r = role(&mut idn, "x", None);
        let user = idn.user_named("alt_demo").unwrap().id.clone();
        idn.grant(user_grant(&user, &r, Target::Domain("default".into()), true)).unwrap();
        let demo = idn.project_named("demo").unwrap().id.clone();
        assert_eq!(idn.effective_role_ids(&user, &Target::Project(demo.clone())).first(), Some(&r));
        assert!(idn.effective_role_ids(&user, &Target::Domain("default".into())).is_empty());
        let q = AssignmentQuery { user_id: Some(user), project_id: Some(demo), effective: true, ..Default::default() };
        let listed = idn.list_assignments(&q);
        assert!(listed.iter().any(|l| l.role_id == r && l.indirect.inherited_from == Some(Target::Domain("default".into()))));
    }

    #[test]
    fn the_direct_list_filters_by_scope_and_inheritance() {
        let mut idn = idn();
        let r = role(&mut idn, "x", None);
        let user = idn.user_named("alt_demo").unwrap().id.clone();
        idn.grant(user_grant(&user, &r, Target::Domain("default".into()), true)).unwrap();
        let base = AssignmentQuery { user_id: Some(user.clone()), ..Default::default() };
        let inherited = AssignmentQuery { inherited: Some(true), ..base.clone() };
        assert_eq!(idn.list_assignments(&inherited).len(), 1);
        let system = AssignmentQuery { system: true, ..base.clone() };
        assert!(idn.list_assignments(&system).is_empty());
        let domain = AssignmentQuery { domain_id: Some("default".into()), inherited: Some(false), ..base };
        assert!(idn.list_assignments(&domain).is_empty());
    }

    #[test]
    fn domain_specific_roles_stay_in_their_domain_and_out_of_the_system() {
        let mut idn = idn();
        let d = role(&mut idn, "d", Some("elsewhere"));
        let user = idn.user_named("alt_demo").unwrap().id.clone();
        let p = idn.project_named("demo").unwrap().id.clone();
        assert!(matches!(idn.grant(user_grant(&user, &d, Target::Project(p), false)), Err(Refusal::Forbidden(_))));
        assert!(matches!(idn.grant(user_grant(&user, &d, Target::System, false)), Err(Refusal::BadRequest(_))));
    }
}
