//! OS-REVOKE: revocation events (keystone/models/revoke_model.py, keystone/revoke/core.py). Each
//! revoked token, and each user, project or trust whose tokens stop working, leaves an event that
//! `GET /v3/OS-REVOKE/events` lists. Tokens are not stored (token_seal.rs), so the events are what
//! a validation checks a token against, as Keystone's Fernet provider does.

use super::model::{Identity, RevokeEvent};
use crate::sim::SimTime;
use chrono::{DurationRound, TimeDelta};

impl Identity {
    /// Records an event at `now`, trimmed to the second as Keystone stores it. Events no token can
    /// outlive (older than the longest lifetime plus the `allow_expired` window) are dropped, as
    /// Keystone prunes its own.
    fn record_revocation(&mut self, mut event: RevokeEvent, now: SimTime) {
        let at = now.duration_trunc(TimeDelta::seconds(1)).unwrap_or(now);
        event.revoked_at = Some(at);
        event.issued_before = Some(at);
        self.token_serial += 1;
        event.serial = self.token_serial;
        self.revoked.add(&event);
        self.revoke_events.push(event);
        let horizon =
            now - TimeDelta::seconds(self.token_lifetime_secs as i64) - TimeDelta::seconds(super::token::ALLOW_EXPIRED_WINDOW_SECS);
        let stale = self.revoke_events.iter().take_while(|e| e.revoked_at.is_some_and(|r| r < horizon)).count();
        if stale > 0 {
            self.revoke_events.drain(..stale);
            self.reindex();
        }
    }

    /// Seals tokens from now on with the world's `n`th key: every token issued before stops
    /// opening.
    pub fn rekey(&mut self, ids: &crate::sim::Ids, n: u64) {
        self.token_key = super::token_seal::TokenKey::new(ids.side_key(n));
    }

    /// Rebuilds the derived index of revocation events (after a restore).
    pub fn reindex(&mut self) {
        self.revoked = Default::default();
        for e in &self.revoke_events {
            self.revoked.add(e);
        }
    }

    /// Revokes one token (`DELETE /v3/auth/tokens`); false when it was unknown or expired.
    pub fn revoke_token(&mut self, id: &str, now: SimTime) -> bool {
        let Some(audit_id) = self.valid_token(id, now).and_then(|t| t.audit_ids.first().cloned()) else { return false };
        self.record_revocation(RevokeEvent { audit_id: Some(audit_id), ..Default::default() }, now);
        true
    }

    /// Every token of the user stops working (the user is disabled, deleted or changes password).
    pub fn revoke_user_tokens(&mut self, user_id: &str, now: SimTime) {
        self.record_revocation(RevokeEvent { user_id: Some(user_id.to_string()), ..Default::default() }, now);
    }

    /// Every token scoped to the project stops working (the project is disabled or deleted).
    pub fn revoke_project_tokens(&mut self, project_id: &str, now: SimTime) {
        self.record_revocation(RevokeEvent { project_id: Some(project_id.to_string()), ..Default::default() }, now);
    }

    /// Every token issued through the trust stops working (the trust is deleted).
    pub fn revoke_trust_tokens(&mut self, trust_id: &str, now: SimTime) {
        self.record_revocation(RevokeEvent { trust_id: Some(trust_id.to_string()), ..Default::default() }, now);
    }

    /// The events revoked after `since` (all of them without it), oldest first.
    pub fn revoke_events_since(&self, since: Option<SimTime>) -> Vec<&RevokeEvent> {
        self.revoke_events.iter().filter(|e| since.is_none_or(|s| e.revoked_at.is_some_and(|r| r > s))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use crate::identity::token::AuthBody;
    use crate::sim::Ids;
    use chrono::{Duration, TimeZone};
    use serde_json::json;

    #[test]
    fn revoking_a_token_records_its_audit_id_and_a_user_revocation_matches_only_earlier_tokens() {
        let mut ids = Ids::new(0);
        let mut idn = Identity::from_fixture(&Fixture::default_cloud(), &mut ids).unwrap();
        let now = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::milliseconds(1500);
        let body = json!({"auth": {"identity": {"methods": ["password"],
            "password": {"user": {"name": "demo", "domain": {"name": "Default"}, "password": "demo-secret"}}}}});
        let auth = serde_json::from_value::<AuthBody>(body).unwrap().auth;
        let t1 = idn.issue_token(&auth, now, &mut ids).unwrap();
        let t2 = idn.issue_token(&auth, now, &mut ids).unwrap();
        let audit = idn.valid_token(&t1, now).unwrap().audit_ids[0].clone();
        assert!(idn.revoke_token(&t1, now));
        let e = idn.revoke_events.last().unwrap();
        assert_eq!(e.audit_id.as_deref(), Some(audit.as_str()));
        assert_eq!(e.revoked_at, Some(chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 1).unwrap()), "trimmed to the second");
        let user = idn.user_named("demo").unwrap().id.clone();
        idn.revoke_user_tokens(&user, now);
        assert!(idn.valid_token(&t2, now).is_none());
        let t3 = idn.issue_token(&auth, now, &mut ids).unwrap();
        assert!(idn.valid_token(&t3, now).is_some(), "a token issued after the revocation, in the same instant, stands");
        assert_eq!(idn.revoke_events_since(Some(now - Duration::seconds(10))).len(), 2);
        assert!(idn.revoke_events_since(Some(now)).is_empty());
    }
}
