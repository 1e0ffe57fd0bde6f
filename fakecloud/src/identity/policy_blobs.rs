//! Policy blobs (`/v3/policies`, keystone/policy/core.py): opaque documents Keystone stores for
//! other services, with a type (usually a MIME type) and any extra attributes. Deprecated upstream
//! since Queens but still served; nothing in fakecloud enforces them.

use super::error::{Outcome, Refusal};
use super::model::{Extra, Identity, PolicyBlob};
use crate::sim::Ids;

/// The changes of a PATCH; `None` leaves a field as it is.
#[derive(Default)]
pub struct PolicyChanges {
    pub policy_type: Option<String>,
    pub blob: Option<String>,
    pub extra: Extra,
}

impl Identity {
    pub fn policy_blob(&self, id: &str) -> Outcome<&PolicyBlob> {
        self.policies.iter().find(|p| p.id == id).ok_or_else(|| Refusal::not_found("policy", id))
    }

    pub fn create_policy_blob(&mut self, policy_type: String, blob: String, extra: Extra, ids: &mut Ids) -> &PolicyBlob {
        self.policies.push(PolicyBlob { id: ids.hex(), policy_type, blob, extra });
        self.policies.last().expect("just pushed")
    }

    pub fn update_policy_blob(&mut self, id: &str, c: PolicyChanges) -> Outcome<&PolicyBlob> {
        self.policy_blob(id)?;
        let p = self.policies.iter_mut().find(|p| p.id == id).expect("found above");
        if let Some(t) = c.policy_type {
            p.policy_type = t;
        }
        if let Some(b) = c.blob {
            p.blob = b;
        }
        p.extra.extend(c.extra);
        Ok(p)
    }

    pub fn delete_policy_blob(&mut self, id: &str) -> Outcome<()> {
        self.policy_blob(id)?;
        self.policies.retain(|p| p.id != id);
        Ok(())
    }
}
