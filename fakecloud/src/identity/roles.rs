//! Roles and implied roles, with Keystone's rules (keystone/assignment/core.py RoleManager and the
//! SQL role backend): names unique per domain regardless of case, domain-specific roles, the
//! `immutable` option, implications that a global role may not make towards a domain role nor
//! towards `admin`, and a deletion that takes the role's grants and implications with it.

use super::error::{Outcome, Refusal};
use super::model::{Actor, Identity, Role, Target};
use crate::sim::Ids;
use serde_json::Value;
use std::collections::BTreeMap;

/// CONF.assignment.prohibited_implied_role.
pub const PROHIBITED_IMPLIED_ROLES: [&str; 1] = ["admin"];

pub struct NewRole {
    pub name: String,
    pub domain_id: Option<String>,
    pub description: Option<String>,
    pub immutable: Option<bool>,
    pub extra: BTreeMap<String, Value>,
}

/// A PATCH: `None` leaves a field alone; a nullable field's inner `Option` is its new value.
#[derive(Default)]
pub struct RoleChanges {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub domain_id: Option<Option<String>>,
    /// `options` was given, with this `immutable` value (null clears it).
    pub immutable: Option<Option<bool>>,
    pub extra: BTreeMap<String, Value>,
    /// Whether the body named anything besides `options` (an immutable role takes only options).
    pub more_than_options: bool,
}

fn duplicate_name(name: &str, domain_id: Option<&str>) -> Refusal {
    match domain_id {
        Some(d) => Refusal::conflict("role", format_args!("Duplicate entry found with name {name} at domain ID {d}")),
        None => Refusal::conflict("role", format_args!("Duplicate entry found with name {name}")),
    }
}

impl Identity {
    /// Whether another role of the same domain (or another global role) has this name, in any case.
    fn role_name_taken(&self, name: &str, domain_id: Option<&str>, except: Option<&str>) -> bool {
        self.roles
            .iter()
            .any(|r| Some(r.id.as_str()) != except && r.domain_id.as_deref() == domain_id && r.name.to_lowercase() == name.to_lowercase())
    }

    pub fn create_role(&mut self, new: NewRole, ids: &mut Ids) -> Outcome<&Role> {
        if self.role_name_taken(&new.name, new.domain_id.as_deref(), None) {
            return Err(duplicate_name(&new.name, new.domain_id.as_deref()));
        }
        self.roles.push(Role {
            id: ids.hex(),
            name: new.name,
            domain_id: new.domain_id,
            description: new.description,
            immutable: new.immutable,
            implies: vec![],
            extra: new.extra,
        });
        Ok(self.roles.last().expect("just pushed"))
    }

    pub fn update_role(&mut self, id: &str, c: RoleChanges) -> Outcome<&Role> {
        let role = self.role(id).ok_or_else(|| Refusal::not_found("role", id))?;
        if role.immutable == Some(true) && (c.more_than_options || !matches!(c.immutable, Some(None | Some(false)))) {
            return Err(immutable_refusal("update", id));
        }
        if let Some(d) = &c.domain_id {
            if *d != role.domain_id {
                return Err(Refusal::BadRequest("Update of `domain_id` is not allowed.".into()));
            }
        }
        if let Some(name) = &c.name {
            if self.role_name_taken(name, role.domain_id.as_deref(), Some(id)) {
                let given_domain = c.domain_id.clone().flatten();
                return Err(duplicate_name(name, given_domain.as_deref()));
            }
        }
        let role = self.roles.iter_mut().find(|r| r.id == id).expect("found above");
        if let Some(n) = c.name {
            role.name = n;
        }
        if let Some(d) = c.description {
            role.description = d;
        }
        if let Some(i) = c.immutable {
            role.immutable = i;
        }
        role.extra.extend(c.extra);
        Ok(self.role(id).expect("found above"))
    }

    /// Deletes a role with its grants and every implication to or from it. As Keystone does, the
    /// application credentials of each user granted the role on a project go too.
    pub fn delete_role(&mut self, id: &str) -> Outcome<()> {
        let role = self.role(id).ok_or_else(|| Refusal::not_found("role", id))?;
        if role.immutable == Some(true) {
            return Err(immutable_refusal("delete", id));
        }
        let holders: Vec<(String, String)> = self
            .assignments
            .iter()
            .filter(|a| a.role_id == id && !a.inherited)
            .filter_map(|a| match (&a.actor, &a.target) {
                (Actor::User(u), Target::Project(p)) => Some((u.clone(), p.clone())),
                _ => None,
            })
            .collect();
        let doomed: Vec<String> = self
            .app_creds
            .iter()
            .filter(|c| holders.iter().any(|(u, p)| &c.user_id == u && &c.project_id == p))
            .map(|c| c.id.clone())
            .collect();
        self.app_creds.retain(|c| !doomed.contains(&c.id));
        self.assignments.retain(|a| a.role_id != id);
        self.roles.retain(|r| r.id != id);
        for r in &mut self.roles {
            r.implies.retain(|i| i != id);
        }
        Ok(())
    }

    /// Deletes a domain's own roles, with their grants and implications (the domain is being
    /// deleted); immutability does not hold them back.
    pub fn remove_roles_of_domain(&mut self, domain_id: &str) {
        let doomed: Vec<String> = self.roles.iter().filter(|r| r.domain_id.as_deref() == Some(domain_id)).map(|r| r.id.clone()).collect();
        for id in doomed {
            if let Some(r) = self.roles.iter_mut().find(|r| r.id == id) {
                r.immutable = None;
            }
            self.delete_role(&id).expect("the role exists and is no longer immutable");
        }
    }

    /// Both roles of an implication rule, prior first (the order Keystone looks them up in).
    fn rule_roles(&self, prior: &str, implied: &str) -> Outcome<(&Role, &Role)> {
        let p = self.role(prior).ok_or_else(|| Refusal::not_found("role", prior))?;
        let i = self.role(implied).ok_or_else(|| Refusal::not_found("role", implied))?;
        Ok((p, i))
    }

    pub fn create_implied_role(&mut self, prior: &str, implied: &str) -> Outcome<()> {
        let (p, i) = self.rule_roles(prior, implied)?;
        let invalid = Refusal::Forbidden(format!("{implied} cannot be an implied roles."));
        if PROHIBITED_IMPLIED_ROLES.contains(&i.name.as_str()) || (p.domain_id.is_none() && i.domain_id.is_some()) {
            return Err(invalid);
        }
        if p.implies.iter().any(|x| x == implied) {
            return Err(Refusal::conflict("implied_role", "Duplicate entry"));
        }
        self.roles.iter_mut().find(|r| r.id == prior).expect("found above").implies.push(implied.to_string());
        Ok(())
    }

    /// The rule `prior` implies `implied`, or Keystone's 404 for it.
    pub fn implied_role(&self, prior: &str, implied: &str) -> Outcome<()> {
        let (p, _) = self.rule_roles(prior, implied)?;
        if p.implies.iter().any(|x| x == implied) {
            Ok(())
        } else {
            Err(Refusal::NotFound(format!("{prior} does not imply {implied}.")))
        }
    }

    pub fn delete_implied_role(&mut self, prior: &str, implied: &str) -> Outcome<()> {
        self.implied_role(prior, implied)?;
        self.roles.iter_mut().find(|r| r.id == prior).expect("found above").implies.retain(|x| x != implied);
        Ok(())
    }
}

fn immutable_refusal(what: &str, id: &str) -> Refusal {
    Refusal::Forbidden(format!("Unable to {what} immutable role resource: `{id}. Set resource option \"immutable\" to false first."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;

    fn idn() -> (Identity, Ids) {
        let mut ids = Ids::new(0);
        (Identity::from_fixture(&Fixture::default_cloud(), &mut ids).unwrap(), ids)
    }

    fn new_role(name: &str, domain: Option<&str>) -> NewRole {
        NewRole { name: name.into(), domain_id: domain.map(str::to_string), description: None, immutable: None, extra: BTreeMap::new() }
    }

    fn make(idn: &mut Identity, ids: &mut Ids, name: &str, domain: Option<&str>) -> String {
        idn.create_role(new_role(name, domain), ids).unwrap().id.clone()
    }

    #[test]
    fn names_are_unique_per_domain_whatever_the_case() {
        let (mut idn, mut ids) = idn();
        make(&mut idn, &mut ids, "Observer", None);
        assert!(matches!(idn.create_role(new_role("observer", None), &mut ids), Err(Refusal::Conflict(_))));
        make(&mut idn, &mut ids, "observer", Some("default"));
        let err = idn.create_role(new_role("OBSERVER", Some("default")), &mut ids).unwrap_err();
        assert_eq!(
            err.message(),
            "Conflict occurred attempting to store role - Duplicate entry found with name OBSERVER at domain ID default."
        );
    }

    #[test]
    fn a_refused_role_draws_no_id() {
        let (mut idn, mut ids) = idn();
        make(&mut idn, &mut ids, "x", None);
        let before = ids.clone().hex();
        assert!(idn.create_role(new_role("X", None), &mut ids).is_err());
        assert_eq!(ids.hex(), before);
    }

    #[test]
    fn a_global_role_cannot_imply_a_domain_role_nor_admin() {
        let (mut idn, mut ids) = idn();
        let g = make(&mut idn, &mut ids, "g", None);
        let d = make(&mut idn, &mut ids, "d", Some("default"));
        assert!(matches!(idn.create_implied_role(&g, &d), Err(Refusal::Forbidden(_))));
        idn.create_implied_role(&d, &g).unwrap();
        let admin = idn.role_named("admin").unwrap().id.clone();
        assert_eq!(idn.create_implied_role(&g, &admin).unwrap_err().message(), format!("{admin} cannot be an implied roles."));
        assert!(matches!(idn.create_implied_role(&d, &g), Err(Refusal::Conflict(_))));
    }

    #[test]
    fn deleting_a_role_takes_its_grants_and_implications() {
        let (mut idn, mut ids) = idn();
        let x = make(&mut idn, &mut ids, "x", None);
        let y = make(&mut idn, &mut ids, "y", None);
        idn.create_implied_role(&x, &y).unwrap();
        let demo = idn.project_named("demo").unwrap().id.clone();
        let user = idn.user_named("demo").unwrap().id.clone();
        idn.assignments.push(crate::identity::model::Assignment {
            actor: Actor::User(user),
            role_id: y.clone(),
            target: Target::Project(demo),
            inherited: false,
        });
        let creds = idn.app_creds.len();
        idn.delete_role(&y).unwrap();
        assert!(idn.role(&x).unwrap().implies.is_empty());
        assert!(idn.assignments.iter().all(|a| a.role_id != y));
        assert_eq!(idn.app_creds.len(), creds - 1, "demo's application credential on demo goes with the role");
    }

    #[test]
    fn immutable_roles_only_take_the_option_that_frees_them() {
        let (mut idn, _) = idn();
        let reader = idn.role_named("reader").unwrap().id.clone();
        assert!(matches!(idn.delete_role(&reader), Err(Refusal::Forbidden(_))));
        let rename = RoleChanges { name: Some("viewer".into()), more_than_options: true, ..Default::default() };
        assert!(matches!(idn.update_role(&reader, rename), Err(Refusal::Forbidden(_))));
        idn.update_role(&reader, RoleChanges { immutable: Some(Some(false)), ..Default::default() }).unwrap();
        idn.update_role(&reader, RoleChanges { name: Some("viewer".into()), more_than_options: true, ..Default::default() }).unwrap();
    }
}
