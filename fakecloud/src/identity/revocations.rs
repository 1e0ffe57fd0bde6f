//! OS-REVOKE's events as data, and the index a token validation checks them through; the rules
//! that record them are in revoke.rs.

use crate::sim::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// An OS-REVOKE revocation event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeEvent {
    pub audit_id: Option<String>,
    pub user_id: Option<String>,
    pub project_id: Option<String>,
    pub domain_id: Option<String>,
    pub role_id: Option<String>,
    pub trust_id: Option<String>,
    /// Tokens issued before this instant match.
    pub issued_before: Option<SimTime>,
    pub revoked_at: Option<SimTime>,
    /// The tokens it matches are those issued before it in the cloud's order of issues and
    /// revocations (the serial a token carries), which tells apart a token issued in the same
    /// instant.
    #[serde(default)]
    pub serial: u64,
}

/// The revocation events by what they match, for a check per validation that does not walk them
/// all: the revoked audit ids, and for users, projects and trusts the latest event's serial.
#[derive(Clone, Debug, Default)]
pub struct Revoked {
    audit_ids: HashSet<String>,
    users: HashMap<String, u64>,
    projects: HashMap<String, u64>,
    trusts: HashMap<String, u64>,
}

impl Revoked {
    pub fn add(&mut self, e: &RevokeEvent) {
        if let Some(a) = &e.audit_id {
            self.audit_ids.insert(a.clone());
        }
        for (id, by) in [(&e.user_id, &mut self.users), (&e.project_id, &mut self.projects), (&e.trust_id, &mut self.trusts)] {
            if let Some(id) = id {
                let latest = by.entry(id.clone()).or_default();
                *latest = (*latest).max(e.serial);
            }
        }
    }

    /// Whether an event matches the token: its audit id was revoked, or its user, project or
    /// trust was revoked after the token was issued.
    pub fn matches(&self, audit_ids: &[String], user_id: &str, project_id: Option<&str>, trust_id: Option<&str>, serial: u64) -> bool {
        let after = |by: &HashMap<String, u64>, id: &str| by.get(id).is_some_and(|&s| serial < s);
        audit_ids.iter().any(|a| self.audit_ids.contains(a))
            || after(&self.users, user_id)
            || project_id.is_some_and(|p| after(&self.projects, p))
            || trust_id.is_some_and(|tr| after(&self.trusts, tr))
    }
}
