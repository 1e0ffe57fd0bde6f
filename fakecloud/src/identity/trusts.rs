//! OS-TRUST trusts, with Keystone's rules (keystone/api/trusts.py, keystone/trust/core.py): the
//! trustor delegates roles it holds on a project to a trustee, optionally impersonated, for a
//! number of uses or until a time. An expired or used-up trust is as good as gone.

use super::app_creds::{expired_refusal, RoleRef};
use super::assignments::AssignmentQuery;
use super::error::{Outcome, Refusal};
use super::model::{Identity, Trust};
use crate::sim::{Ids, SimTime};
use serde_json::Value;
use std::collections::BTreeMap;

/// CONF.trust.max_redelegation_count.
pub const MAX_REDELEGATION_COUNT: i64 = 3;

pub struct NewTrust {
    pub trustor_user_id: String,
    pub trustee_user_id: String,
    pub impersonation: bool,
    pub project_id: Option<String>,
    pub roles: Vec<RoleRef>,
    pub expires_at: Option<SimTime>,
    pub remaining_uses: Option<i64>,
    pub allow_redelegation: Option<bool>,
    pub redelegation_count: Option<i64>,
    pub extra: BTreeMap<String, Value>,
}

impl Trust {
    /// Whether the trust can still be used at `now`.
    pub fn live(&self, now: SimTime) -> bool {
        self.expires_at.is_none_or(|e| now <= e) && self.remaining_uses.is_none_or(|n| n > 0)
    }
}

impl Identity {
    /// A trust that exists and can still be used.
    pub fn trust(&self, id: &str, now: SimTime) -> Outcome<&Trust> {
        self.trusts.iter().find(|t| t.id == id && t.live(now)).ok_or_else(|| Refusal::not_found("trust", id))
    }

    /// Creates a trust for `caller` (who must be its trustor: the policy says so before this).
    pub fn create_trust(&mut self, caller: &str, new: NewTrust, now: SimTime, ids: &mut Ids) -> Outcome<&Trust> {
        if new.project_id.is_some() && new.roles.is_empty() {
            return Err(Refusal::forbidden_action("At least one role should be specified"));
        }
        if caller != new.trustor_user_id {
            return Err(Refusal::forbidden_action("The authenticated user should match the trustor"));
        }
        self.user(&new.trustee_user_id).ok_or_else(|| Refusal::not_found("user", &new.trustee_user_id))?;
        let role_ids = self.resolve_role_refs(&new.roles)?;
        let held: Vec<String> = match &new.project_id {
            Some(p) => {
                self.project(p).ok_or_else(|| Refusal::not_found("project", p))?;
                let q = AssignmentQuery {
                    user_id: Some(new.trustor_user_id.clone()),
                    project_id: Some(p.clone()),
                    effective: true,
                    ..Default::default()
                };
                self.effective_assignments(&q, false).into_iter().map(|a| a.role_id).collect()
            }
            None => vec![],
        };
        if let Some(missing) = role_ids.iter().find(|r| !held.contains(r)) {
            return Err(Refusal::not_found("role", missing));
        }
        if new.expires_at.is_some_and(|e| e < now) {
            return Err(expired_refusal());
        }
        let redelegatable = new.allow_redelegation.unwrap_or(false) && new.redelegation_count != Some(0);
        let redelegation_count = if redelegatable {
            if let Some(n) = new.redelegation_count.filter(|n| *n > MAX_REDELEGATION_COUNT) {
                return Err(Refusal::Forbidden(format!(
                    "Requested redelegation depth of {n} is greater than allowed {MAX_REDELEGATION_COUNT}"
                )));
            }
            if new.remaining_uses.is_some() {
                return Err(Refusal::BadRequest("remaining_uses must not be set if redelegation is allowed".into()));
            }
            new.redelegation_count.unwrap_or(MAX_REDELEGATION_COUNT)
        } else {
            if new.remaining_uses.is_some_and(|n| n <= 0) {
                return Err(Refusal::BadRequest("remaining_uses must be a positive integer or null.".into()));
            }
            0
        };
        let duplicate = self.trusts.iter().any(|t| {
            t.trustor_user_id == new.trustor_user_id
                && t.trustee_user_id == new.trustee_user_id
                && t.project_id == new.project_id
                && t.impersonation == new.impersonation
                && t.expires_at == new.expires_at
        });
        if duplicate {
            // Keystone names the id it had assigned; a refused request draws none.
            let would_be = ids.clone().hex();
            return Err(Refusal::conflict("trust", format_args!("Duplicate entry found with ID {would_be}")));
        }
        self.trusts.push(Trust {
            id: ids.hex(),
            trustor_user_id: new.trustor_user_id,
            trustee_user_id: new.trustee_user_id,
            project_id: new.project_id,
            impersonation: new.impersonation,
            expires_at: new.expires_at,
            remaining_uses: new.remaining_uses,
            redelegated_trust_id: None,
            redelegation_count,
            role_ids,
            extra: new.extra,
        });
        Ok(self.trusts.last().expect("just pushed"))
    }

    /// Deletes a trust and the trusts redelegated from it; their tokens are revoked.
    pub fn delete_trust(&mut self, id: &str, now: SimTime) -> Outcome<()> {
        self.trust(id, now)?;
        let mut doomed = vec![id.to_string()];
        let mut i = 0;
        while i < doomed.len() {
            let parent = doomed[i].clone();
            doomed.extend(self.trusts.iter().filter(|t| t.redelegated_trust_id.as_deref() == Some(parent.as_str())).map(|t| t.id.clone()));
            i += 1;
        }
        self.trusts.retain(|t| !doomed.contains(&t.id));
        for t in doomed {
            self.revoke_trust_tokens(&t, now);
        }
        Ok(())
    }

    /// Removes the trusts a user gives or receives (the user is being deleted).
    pub fn remove_trusts_of(&mut self, user_id: &str) {
        self.trusts.retain(|t| t.trustor_user_id != user_id && t.trustee_user_id != user_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use chrono::{Duration, TimeZone};

    fn setup() -> (Identity, Ids, SimTime, String, String, String) {
        let mut ids = Ids::new(0);
        let idn = Identity::from_fixture(&Fixture::default_cloud(), &mut ids).unwrap();
        let demo = idn.user_named("demo").unwrap().id.clone();
        let alt = idn.user_named("alt_demo").unwrap().id.clone();
        let project = idn.project_named("demo").unwrap().id.clone();
        (idn, ids, chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(), demo, alt, project)
    }

    fn new(trustor: &str, trustee: &str, project: &str, role: &str) -> NewTrust {
        NewTrust {
            trustor_user_id: trustor.into(),
            trustee_user_id: trustee.into(),
            impersonation: true,
            project_id: Some(project.into()),
            roles: vec![RoleRef::Name(role.into())],
            expires_at: None,
            remaining_uses: None,
            allow_redelegation: None,
            redelegation_count: None,
            extra: BTreeMap::new(),
        }
    }

    #[test]
    fn only_roles_the_trustor_holds_are_delegated() {
        let (mut idn, mut ids, now, demo, alt, project) = setup();
        let t = idn.create_trust(&demo, new(&demo, &alt, &project, "member"), now, &mut ids).unwrap();
        assert_eq!(t.redelegation_count, 0);
        let err = idn.create_trust(&demo, new(&demo, &alt, &project, "admin"), now, &mut ids).unwrap_err();
        assert!(matches!(err, Refusal::NotFound(_)));
        assert!(matches!(idn.create_trust(&alt, new(&demo, &alt, &project, "member"), now, &mut ids), Err(Refusal::Forbidden(_))));
        let again = idn.create_trust(&demo, new(&demo, &alt, &project, "reader"), now, &mut ids);
        assert!(matches!(again, Err(Refusal::Conflict(_))), "the same trustor, trustee, project, impersonation and expiry");
    }

    #[test]
    fn an_expired_trust_is_not_found_and_a_past_expiry_is_refused() {
        let (mut idn, mut ids, now, demo, alt, project) = setup();
        let mut body = new(&demo, &alt, &project, "member");
        body.expires_at = Some(now + Duration::hours(1));
        let id = idn.create_trust(&demo, body, now, &mut ids).unwrap().id.clone();
        assert!(idn.trust(&id, now).is_ok());
        assert!(idn.trust(&id, now + Duration::hours(2)).is_err());
        let mut past = new(&demo, &alt, &project, "reader");
        past.expires_at = Some(now - Duration::seconds(1));
        assert!(matches!(idn.create_trust(&demo, past, now, &mut ids), Err(Refusal::BadRequest(_))));
    }

    #[test]
    fn deleting_a_trust_records_a_revocation() {
        let (mut idn, mut ids, now, demo, alt, project) = setup();
        let id = idn.create_trust(&demo, new(&demo, &alt, &project, "member"), now, &mut ids).unwrap().id.clone();
        idn.delete_trust(&id, now).unwrap();
        assert_eq!(idn.revoke_events.last().unwrap().trust_id.as_deref(), Some(id.as_str()));
        assert!(idn.delete_trust(&id, now).is_err());
    }
}
