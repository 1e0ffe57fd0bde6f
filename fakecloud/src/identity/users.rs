//! Keystone's identity rules (keystone/identity/core.py and its SQL driver): users, groups and
//! membership, password changes, and what deleting or disabling a user does to its tokens and
//! grants.

use super::error::IdentityError as E;
use super::model::{Actor, Extra, Group, Identity, Membership, User, DEFAULT_DOMAIN_ID};
use super::request::{GroupBody, UserBody};
use super::resource::merge_options;
use crate::sim::{Ids, SimTime};
use serde_json::Value;

fn cannot_change_id(id: &Option<Value>, path_id: &str) -> Result<(), E> {
    match id {
        Some(x) if !x.is_null() && x.as_str() != Some(path_id) => Err(E::BadRequest("Cannot change ID".into())),
        _ => Ok(()),
    }
}

/// Keystone keeps attributes it does not know as extras, except `password_expires_at`, which is
/// its own to compute.
fn user_extra(mut extra: Extra) -> Extra {
    extra.remove("password_expires_at");
    extra
}

impl Identity {
    /// A user that exists, is enabled, and whose domain is enabled (`assert_user_enabled`).
    pub fn user_active(&self, id: &str) -> bool {
        self.user(id).is_some_and(|u| u.enabled && self.domain_active(&u.domain_id))
    }

    /// `_assert_default_project_id_is_not_domain`; a project that does not exist is allowed.
    fn check_default_project(&self, project: Option<&Option<String>>) -> Result<(), E> {
        match project {
            Some(Some(p)) if self.domain(p).is_some() => {
                Err(E::BadRequest(format!("User's default project ID cannot be a domain ID: {p}")))
            }
            _ => Ok(()),
        }
    }

    /// fakecloud has no identity providers, so any federated object names an unknown one.
    fn check_federated(federated: Option<&Vec<Value>>) -> Result<(), E> {
        match federated.and_then(|f| f.first()) {
            Some(first) => {
                Err(E::BadRequest(format!("Could not find Identity Provider: {}", first["idp_id"].as_str().unwrap_or_default())))
            }
            None => Ok(()),
        }
    }

    /// `POST /v3/users`. A user without a domain goes to the caller's domain scope, else the
    /// default domain. Returns the new id.
    pub fn create_user(&mut self, ids: &mut Ids, b: UserBody, domain_scope: Option<&str>) -> Result<String, E> {
        let domain_id = b.domain_id.clone().or_else(|| domain_scope.map(str::to_string)).unwrap_or_else(|| DEFAULT_DOMAIN_ID.into());
        let name = b.name.as_deref().unwrap_or_default().trim().to_string();
        if self.domain(&domain_id).is_none() {
            return Err(E::not_found("domain", &domain_id));
        }
        self.check_default_project(b.default_project_id.as_ref())?;
        Self::check_federated(b.federated.as_ref())?;
        if self.users.iter().any(|u| u.domain_id == domain_id && u.name == name) {
            return Err(E::duplicate("user", &name, &domain_id));
        }
        let id = ids.hex();
        let mut options = Extra::new();
        merge_options(&mut options, b.options.as_ref());
        self.users.push(User {
            id: id.clone(),
            name,
            domain_id,
            password: b.password.flatten(),
            default_project_id: b.default_project_id.flatten(),
            enabled: b.enabled.unwrap_or(true),
            options,
            extra: user_extra(b.extra),
        });
        Ok(id)
    }

    /// `PATCH /v3/users/{id}`. Disabling the user or setting its password revokes its tokens.
    pub fn update_user(&mut self, id: &str, b: UserBody, now: SimTime) -> Result<(), E> {
        let u = self.user(id).ok_or_else(|| E::not_found("user", id))?;
        cannot_change_id(&b.id, id)?;
        if b.domain_id.as_ref().is_some_and(|d| *d != u.domain_id) {
            return Err(E::BadRequest("Cannot change Domain ID".into()));
        }
        self.check_default_project(b.default_project_id.as_ref())?;
        Self::check_federated(b.federated.as_ref())?;
        let name = b.name.as_deref().map(|n| n.trim().to_string());
        if let Some(n) = &name {
            if self.users.iter().any(|o| o.id != id && o.domain_id == u.domain_id && &o.name == n) {
                return Err(E::duplicate("user", n, &u.domain_id));
            }
        }
        let disabling = b.enabled == Some(false) && u.enabled;
        let new_password = matches!(b.password, Some(Some(_)));
        let u = self.users.iter_mut().find(|u| u.id == id).expect("checked above");
        if let Some(n) = name {
            u.name = n;
        }
        if let Some(p) = b.default_project_id {
            u.default_project_id = p;
        }
        if let Some(e) = b.enabled {
            u.enabled = e;
        }
        if let Some(p) = b.password {
            u.password = p;
        }
        merge_options(&mut u.options, b.options.as_ref());
        u.extra.extend(user_extra(b.extra));
        if disabling || new_password {
            self.revoke_user_tokens(id, now);
        }
        Ok(())
    }

    /// `DELETE /v3/users/{id}`.
    pub fn delete_user(&mut self, id: &str, now: SimTime) -> Result<(), E> {
        self.user(id).ok_or_else(|| E::not_found("user", id))?;
        self.forget_user(id, now);
        Ok(())
    }

    /// A deleted user leaves its groups; its role assignments, application credentials and access
    /// rules, credentials and trusts (given or received) go; its tokens and those of its trusts are
    /// revoked, each with its revocation event.
    pub(super) fn forget_user(&mut self, id: &str, now: SimTime) {
        self.users.retain(|u| u.id != id);
        self.memberships.retain(|m| m.user_id != id);
        self.remove_grants_of(&Actor::User(id.to_string()));
        self.remove_app_creds_of(id);
        self.remove_credentials_of(id);
        let trusts: Vec<String> =
            self.trusts.iter().filter(|t| t.trustor_user_id == id || t.trustee_user_id == id).map(|t| t.id.clone()).collect();
        self.remove_trusts_of(id);
        for t in trusts {
            self.revoke_trust_tokens(&t, now);
        }
        self.revoke_user_tokens(id, now);
    }

    /// `POST /v3/users/{id}/password`: the user's own change, proven by the original password.
    /// Anything wrong with the user or the password is the generic 401.
    pub fn change_password(&mut self, id: &str, original: &str, new: &str, now: SimTime) -> Result<(), E> {
        let u = self.user(id).ok_or(E::Unauthorized)?;
        if u.password.as_deref() != Some(original) || !u.enabled {
            return Err(E::Unauthorized);
        }
        if u.options.get("lock_password") == Some(&Value::Bool(true)) {
            return Err(E::BadRequest(
                "You cannot change your password at this time due to password policy disallowing password changes. Please contact your administrator to reset your password."
                    .into(),
            ));
        }
        let u = self.users.iter_mut().find(|u| u.id == id).expect("checked above");
        u.password = Some(new.to_string());
        self.revoke_user_tokens(id, now);
        Ok(())
    }

    /// `POST /v3/groups`. Returns the new id.
    pub fn create_group(&mut self, ids: &mut Ids, b: GroupBody, domain_scope: Option<&str>) -> Result<String, E> {
        let domain_id = b.domain_id.clone().or_else(|| domain_scope.map(str::to_string)).unwrap_or_else(|| DEFAULT_DOMAIN_ID.into());
        let name = b.name.as_deref().unwrap_or_default().trim().to_string();
        if self.domain(&domain_id).is_none() {
            return Err(E::not_found("domain", &domain_id));
        }
        if self.groups.iter().any(|g| g.domain_id == domain_id && g.name == name) {
            return Err(E::duplicate("group", &name, &domain_id));
        }
        let id = ids.hex();
        self.groups.push(Group {
            id: id.clone(),
            name,
            domain_id,
            description: b.description.unwrap_or(Some(String::new())),
            extra: b.extra,
        });
        Ok(id)
    }

    /// `PATCH /v3/groups/{id}`.
    pub fn update_group(&mut self, id: &str, b: GroupBody) -> Result<(), E> {
        cannot_change_id(&b.id, id)?;
        let g = self.group(id).ok_or_else(|| E::not_found("group", id))?;
        if b.domain_id.as_ref().is_some_and(|d| *d != g.domain_id) {
            return Err(E::BadRequest("Cannot change Domain ID".into()));
        }
        let name = b.name.as_deref().map(|n| n.trim().to_string());
        if let Some(n) = &name {
            if self.groups.iter().any(|o| o.id != id && o.domain_id == g.domain_id && &o.name == n) {
                return Err(E::duplicate("group", n, &g.domain_id));
            }
        }
        let g = self.groups.iter_mut().find(|g| g.id == id).expect("checked above");
        if let Some(n) = name {
            g.name = n;
        }
        if let Some(d) = b.description {
            g.description = d;
        }
        g.extra.extend(b.extra);
        Ok(())
    }

    /// `DELETE /v3/groups/{id}`.
    pub fn delete_group(&mut self, id: &str) -> Result<(), E> {
        self.group(id).ok_or_else(|| E::not_found("group", id))?;
        self.forget_group(id);
        Ok(())
    }

    /// A deleted group's memberships and role assignments go with it, and its members' tokens lose
    /// the roles it gave them.
    pub(super) fn forget_group(&mut self, id: &str) {
        self.groups.retain(|g| g.id != id);
        self.memberships.retain(|m| m.group_id != id);
        self.remove_grants_of(&Actor::Group(id.to_string()));
    }

    fn group_and_user(&self, group_id: &str, user_id: &str) -> Result<(), E> {
        self.group(group_id).ok_or_else(|| E::not_found("group", group_id))?;
        self.user(user_id).ok_or_else(|| E::not_found("user", user_id))?;
        Ok(())
    }

    fn is_member(&self, group_id: &str, user_id: &str) -> bool {
        self.memberships.iter().any(|m| m.group_id == group_id && m.user_id == user_id)
    }

    /// `PUT /v3/groups/{g}/users/{u}`: adding a member twice is not an error.
    pub fn add_to_group(&mut self, group_id: &str, user_id: &str) -> Result<(), E> {
        self.group_and_user(group_id, user_id)?;
        if !self.is_member(group_id, user_id) {
            self.memberships.push(Membership { group_id: group_id.into(), user_id: user_id.into() });
        }
        Ok(())
    }

    /// `DELETE /v3/groups/{g}/users/{u}`: the user's tokens are revoked (they may carry the group's
    /// roles).
    pub fn remove_from_group(&mut self, group_id: &str, user_id: &str, now: SimTime) -> Result<(), E> {
        if !self.is_member(group_id, user_id) {
            self.group_and_user(group_id, user_id)?;
            return Err(E::NotFound(format!("User '{user_id}' not found in group '{group_id}'")));
        }
        self.memberships.retain(|m| !(m.group_id == group_id && m.user_id == user_id));
        self.revoke_user_tokens(user_id, now);
        Ok(())
    }

    /// `HEAD /v3/groups/{g}/users/{u}`.
    pub fn check_in_group(&self, group_id: &str, user_id: &str) -> Result<(), E> {
        self.group_and_user(group_id, user_id)?;
        if self.is_member(group_id, user_id) {
            Ok(())
        } else {
            Err(E::NotFound(format!("User '{user_id}' not found in group '{group_id}'")))
        }
    }

    /// A group's members, in the users' order.
    pub fn group_members(&self, group_id: &str) -> Result<Vec<&User>, E> {
        self.group(group_id).ok_or_else(|| E::not_found("group", group_id))?;
        Ok(self.users.iter().filter(|u| self.is_member(group_id, &u.id)).collect())
    }

    /// The groups a user belongs to, in the groups' order.
    pub fn user_groups(&self, user_id: &str) -> Result<Vec<&Group>, E> {
        self.user(user_id).ok_or_else(|| E::not_found("user", user_id))?;
        Ok(self.groups.iter().filter(|g| self.is_member(&g.id, user_id)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use chrono::TimeZone;
    use serde_json::json;

    fn setup() -> (Identity, Ids, crate::sim::SimTime) {
        let mut ids = Ids::new(0);
        let idn = Identity::from_fixture(&Fixture::default_cloud(), &mut ids).unwrap();
        (idn, ids, chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap())
    }

    fn login(
        idn: &mut Identity,
        ids: &mut Ids,
        now: crate::sim::SimTime,
        user: &str,
        pw: &str,
    ) -> Result<String, super::super::token::AuthFailure> {
        let body = json!({"auth": {"identity": {"methods": ["password"],
            "password": {"user": {"name": user, "domain": {"name": "Default"}, "password": pw}}}}});
        idn.issue_token(&serde_json::from_value::<super::super::token::AuthBody>(body).unwrap().auth, now, ids)
    }

    #[test]
    fn a_deleted_user_leaves_no_grant_membership_credential_or_token() {
        let (mut idn, mut ids, now) = setup();
        let demo = idn.user_named("demo").unwrap().id.clone();
        let g = idn.create_group(&mut ids, serde_json::from_value(json!({"name": "ops"})).unwrap(), None).unwrap();
        idn.add_to_group(&g, &demo).unwrap();
        let token = login(&mut idn, &mut ids, now, "demo", "demo-secret").unwrap();
        idn.delete_user(&demo, now).unwrap();
        assert!(idn.valid_token(&token, now).is_none());
        assert!(idn.revoke_events.iter().any(|e| e.user_id.as_deref() == Some(demo.as_str())), "the revocation leaves an event");
        assert!(idn.assignments.iter().all(|a| a.actor != Actor::User(demo.clone())));
        assert!(idn.memberships.is_empty() && idn.app_creds.iter().all(|c| c.user_id != demo));
        assert_eq!(idn.delete_user(&demo, now), Err(E::not_found("user", &demo)));
    }

    #[test]
    fn a_password_change_needs_the_original_and_revokes_the_users_tokens() {
        let (mut idn, mut ids, now) = setup();
        let demo = idn.user_named("demo").unwrap().id.clone();
        let token = login(&mut idn, &mut ids, now, "demo", "demo-secret").unwrap();
        assert_eq!(idn.change_password(&demo, "wrong", "new", now), Err(E::Unauthorized));
        assert!(idn.valid_token(&token, now).is_some(), "a refused change revokes nothing");
        idn.change_password(&demo, "demo-secret", "new", now).unwrap();
        assert!(idn.valid_token(&token, now).is_none());
        assert!(login(&mut idn, &mut ids, now, "demo", "new").is_ok());
    }

    #[test]
    fn removing_a_member_who_is_not_one_names_both() {
        let (mut idn, mut ids, now) = setup();
        let demo = idn.user_named("demo").unwrap().id.clone();
        let g = idn.create_group(&mut ids, serde_json::from_value(json!({"name": "ops"})).unwrap(), None).unwrap();
        assert_eq!(idn.remove_from_group(&g, &demo, now), Err(E::NotFound(format!("User '{demo}' not found in group '{g}'"))));
        assert_eq!(idn.remove_from_group("nope", &demo, now), Err(E::not_found("group", "nope")));
    }
}
