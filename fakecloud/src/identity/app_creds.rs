//! Application credentials and access rules, with Keystone's rules (keystone/api/users.py and
//! keystone/application_credential): a credential is made by its own user for the token's project,
//! with the token's roles or a subset of them (and what those imply), names unique per user, a
//! secret shown once; access rules are kept per user and shared by identical requests.

use super::error::{Outcome, Refusal};
use super::model::{AccessRule, AppCred, Identity, Target};
use crate::sim::{Ids, SimTime};

/// A role of a create request: by id or by name.
pub enum RoleRef {
    Id(String),
    Name(String),
}

pub struct NewAccessRule {
    pub id: Option<String>,
    pub service: String,
    pub path: String,
    pub method: String,
}

pub struct NewAppCred {
    pub name: String,
    pub description: Option<String>,
    pub secret: Option<String>,
    pub expires_at: Option<SimTime>,
    pub roles: Vec<RoleRef>,
    pub unrestricted: Option<bool>,
    pub access_rules: Vec<NewAccessRule>,
}

/// What the creating token brings: its user, project and roles.
pub struct Creator<'a> {
    pub user_id: &'a str,
    pub project_id: &'a str,
    pub token_role_ids: &'a [String],
}

impl Identity {
    /// A role by unique name (`get_unique_role_by_name`): 404 when none, 400 when several.
    pub fn role_id_by_unique_name(&self, name: &str) -> Outcome<String> {
        let found: Vec<&str> = self.roles.iter().filter(|r| r.name == name).map(|r| r.id.as_str()).collect();
        match found.as_slice() {
            [] => Err(Refusal::NotFound(format!("Role {name} is not defined"))),
            [one] => Ok(one.to_string()),
            _ => Err(Refusal::BadRequest(format!(
                "There are multiple role entities named '{name}'. Please use ID instead of names to resolve the ambiguity."
            ))),
        }
    }

    /// Role references made ids, in order; by id they are taken as given.
    pub fn resolve_role_refs(&self, refs: &[RoleRef]) -> Outcome<Vec<String>> {
        refs.iter()
            .map(|r| match r {
                RoleRef::Id(id) => Ok(id.clone()),
                RoleRef::Name(n) => self.role_id_by_unique_name(n),
            })
            .collect()
    }

    /// Creates an application credential; returns it and its secret (which is not kept readable
    /// anywhere else upstream, and is shown once).
    pub fn create_app_cred(&mut self, by: Creator, new: NewAppCred, now: SimTime, ids: &mut Ids) -> Outcome<(AppCred, String)> {
        let role_ids = if new.roles.is_empty() {
            by.token_role_ids.to_vec()
        } else {
            let mut roles = self.resolve_role_refs(&new.roles)?;
            // What the given roles imply comes along, as when the token's roles are taken.
            let mut i = 0;
            while i < roles.len() {
                if let Some(r) = self.role(&roles[i]) {
                    for implied in &r.implies {
                        if !roles.contains(implied) {
                            roles.push(implied.clone());
                        }
                    }
                }
                i += 1;
            }
            if roles.iter().any(|r| !by.token_role_ids.contains(r)) {
                return Err(Refusal::BadRequest(
                    "Invalid application credential: Cannot create an application credential with unassigned role".into(),
                ));
            }
            roles
        };
        if new.expires_at.is_some_and(|e| e < now) {
            return Err(expired_refusal());
        }
        let held = self.effective_role_ids(by.user_id, &Target::Project(by.project_id.to_string()));
        if let Some(missing) = role_ids.iter().find(|r| !held.contains(r)) {
            return Err(Refusal::BadRequest(format!(
                "Invalid application credential: Could not find role assignment with role: {missing}, user or group: {}, project, domain, or system: {}.",
                by.user_id, by.project_id
            )));
        }
        if self.app_creds.iter().any(|c| c.user_id == by.user_id && c.name == new.name) {
            return Err(Refusal::conflict("application_credential", format_args!("Duplicate entry found with name {}", new.name)));
        }
        let mut access_rule_ids = vec![];
        for rule in new.access_rules {
            let existing = rule
                .id
                .as_ref()
                .and_then(|id| self.access_rules.iter().find(|r| &r.id == id))
                .or_else(|| {
                    self.access_rules
                        .iter()
                        .find(|r| r.user_id == by.user_id && r.service == rule.service && r.path == rule.path && r.method == rule.method)
                })
                .map(|r| r.id.clone());
            let id = match existing {
                Some(id) => id,
                None => {
                    let id = rule.id.unwrap_or_else(|| ids.hex());
                    self.access_rules.push(AccessRule {
                        id: id.clone(),
                        user_id: by.user_id.to_string(),
                        service: rule.service,
                        path: rule.path,
                        method: rule.method,
                    });
                    id
                }
            };
            access_rule_ids.push(id);
        }
        let secret = new.secret.filter(|s| !s.is_empty()).unwrap_or_else(|| ids.url_safe_secret(64));
        let cred = AppCred {
            id: ids.hex(),
            name: new.name,
            user_id: by.user_id.to_string(),
            project_id: by.project_id.to_string(),
            secret: secret.clone(),
            role_ids,
            description: new.description.unwrap_or_default(),
            expires_at: new.expires_at,
            unrestricted: new.unrestricted.unwrap_or(false),
            access_rule_ids,
        };
        self.app_creds.push(cred.clone());
        Ok((cred, secret))
    }

    pub fn delete_app_cred(&mut self, id: &str) -> Outcome<()> {
        self.app_cred(id).ok_or_else(|| Refusal::not_found("Application Credential", id))?;
        self.app_creds.retain(|c| c.id != id);
        // Its tokens no longer validate: a validation finds the credential gone.
        Ok(())
    }

    pub fn access_rule(&self, id: &str) -> Outcome<&AccessRule> {
        self.access_rules.iter().find(|r| r.id == id).ok_or_else(|| Refusal::not_found("Access Rule", id))
    }

    /// Deletes an access rule no application credential uses.
    pub fn delete_access_rule(&mut self, id: &str) -> Outcome<()> {
        self.access_rule(id)?;
        if self.app_creds.iter().any(|c| c.access_rule_ids.iter().any(|r| r == id)) {
            return Err(Refusal::Forbidden("May not delete access rule in use".into()));
        }
        self.access_rules.retain(|r| r.id != id);
        Ok(())
    }

    /// Removes a user's application credentials and access rules (the user is being deleted).
    pub fn remove_app_creds_of(&mut self, user_id: &str) {
        self.app_creds.retain(|c| c.user_id != user_id);
        self.access_rules.retain(|r| r.user_id != user_id);
    }
}

/// ValidationExpirationError.
pub fn expired_refusal() -> Refusal {
    Refusal::BadRequest(
        "The 'expires_at' must not be before now. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error."
            .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use chrono::TimeZone;

    fn setup() -> (Identity, Ids, SimTime, String, String) {
        let mut ids = Ids::new(0);
        let idn = Identity::from_fixture(&Fixture::default_cloud(), &mut ids).unwrap();
        let user = idn.user_named("demo").unwrap().id.clone();
        let project = idn.project_named("demo").unwrap().id.clone();
        (idn, ids, chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(), user, project)
    }

    fn new(name: &str) -> NewAppCred {
        NewAppCred {
            name: name.into(),
            description: None,
            secret: None,
            expires_at: None,
            roles: vec![],
            unrestricted: None,
            access_rules: vec![],
        }
    }

    #[test]
    fn roles_default_to_the_tokens_and_names_are_unique_per_user() {
        let (mut idn, mut ids, now, user, project) = setup();
        let held = idn.effective_role_ids(&user, &Target::Project(project.clone()));
        let by = || Creator { user_id: &user, project_id: &project, token_role_ids: &held };
        let (cred, secret) = idn.create_app_cred(by(), new("ci"), now, &mut ids).unwrap();
        assert_eq!(cred.role_ids, held);
        assert_eq!(secret.len(), 86);
        assert!(matches!(idn.create_app_cred(by(), new("ci"), now, &mut ids), Err(Refusal::Conflict(_))));
    }

    #[test]
    fn a_role_outside_the_token_is_refused() {
        let (mut idn, mut ids, now, user, project) = setup();
        let member = idn.role_named("member").unwrap().id.clone();
        let reader = idn.role_named("reader").unwrap().id.clone();
        let token_roles = vec![reader.clone()];
        let by = Creator { user_id: &user, project_id: &project, token_role_ids: &token_roles };
        let mut body = new("x");
        body.roles = vec![RoleRef::Id(member)];
        assert!(matches!(idn.create_app_cred(by, body, now, &mut ids), Err(Refusal::BadRequest(_))));
    }

    #[test]
    fn identical_access_rules_are_shared_and_rules_in_use_stay() {
        let (mut idn, mut ids, now, user, project) = setup();
        let held = idn.effective_role_ids(&user, &Target::Project(project.clone()));
        let rule = || NewAccessRule { id: None, service: "compute".into(), path: "/v2.1/servers".into(), method: "GET".into() };
        for name in ["a", "b"] {
            let mut body = new(name);
            body.access_rules = vec![rule()];
            idn.create_app_cred(Creator { user_id: &user, project_id: &project, token_role_ids: &held }, body, now, &mut ids).unwrap();
        }
        assert_eq!(idn.access_rules.len(), 1);
        let id = idn.access_rules[0].id.clone();
        assert!(matches!(idn.delete_access_rule(&id), Err(Refusal::Forbidden(_))));
    }
}
