//! Volume transfers (cinder/transfer/api.py): the owner offers an `available` volume, which waits
//! as `awaiting-transfer`; another project accepts it with the auth key shown once at creation and
//! becomes its owner, with its snapshots unless the offer said `no_snapshots` (3.55).

use super::error::VolumeError;
use super::model::{Requester, Transfer, Volumes};
use crate::sim::Core;
use crate::volume::Event;

pub fn transfer_not_found(id: &str) -> VolumeError {
    VolumeError::NotFound(format!("Transfer {id} could not be found."))
}

impl Volumes {
    /// A transfer the requester may see: its own project's, or any for admin.
    pub fn transfer_for(&self, id: &str, who: Requester) -> Result<&Transfer, VolumeError> {
        self.transfers.iter().find(|t| t.id == id && (who.admin || t.project_id == who.project_id)).ok_or_else(|| transfer_not_found(id))
    }

    pub fn list_transfers(&self, who: Requester, all_tenants: bool) -> Vec<&Transfer> {
        self.transfers.iter().filter(|t| (who.admin && all_tenants) || t.project_id == who.project_id).collect()
    }

    pub fn create_transfer(
        &mut self,
        volume_id: &str,
        name: Option<String>,
        no_snapshots: bool,
        who: Requester,
        core: &mut impl Core<Event>,
    ) -> Result<&Transfer, VolumeError> {
        let v = self.show(volume_id, who)?;
        if v.status != "available" {
            return Err(VolumeError::BadRequest(format!(
                "Invalid volume: Status of volume must be available, but current status is: {}.",
                v.status
            )));
        }
        if !no_snapshots && self.snapshots.iter().any(|s| s.volume_id == volume_id && s.status != "available") {
            return Err(VolumeError::BadRequest("Invalid snapshot: Snapshot of the volume must be available.".into()));
        }
        let project_id = v.project_id.clone();
        let now = core.now();
        let id = core.ids().uuid();
        let auth_key = core.ids().hex()[..16].to_string();
        let v = self.volumes.iter_mut().find(|v| v.id == volume_id).expect("shown above");
        v.status = "awaiting-transfer".into();
        v.updated_at = Some(now);
        core.record(super::model::transition(volume_id, Some("available".into()), "awaiting-transfer"));
        self.transfers.push(Transfer { id, volume_id: volume_id.into(), name, project_id, auth_key, no_snapshots, created_at: now });
        Ok(self.transfers.last().expect("just pushed"))
    }

    /// Deleting an offer puts the volume back to `available`.
    pub fn delete_transfer(&mut self, id: &str, who: Requester, core: &mut impl Core<Event>) -> Result<(), VolumeError> {
        let volume_id = self.transfer_for(id, who)?.volume_id.clone();
        self.transfers.retain(|t| t.id != id);
        if let Some(v) = self.volumes.iter_mut().find(|v| v.id == volume_id && v.status == "awaiting-transfer") {
            v.status = "available".into();
            v.updated_at = Some(core.now());
            core.record(super::model::transition(&volume_id, Some("awaiting-transfer".into()), "available"));
        }
        Ok(())
    }

    /// `POST .../{id}/accept`: any project holding the key takes the volume, within its quotas.
    pub fn accept_transfer(
        &mut self,
        id: &str,
        auth_key: &str,
        who: Requester,
        core: &mut impl Core<Event>,
    ) -> Result<Transfer, VolumeError> {
        let t = self.transfers.iter().find(|t| t.id == id).ok_or_else(|| transfer_not_found(id))?.clone();
        if t.auth_key != auth_key {
            return Err(VolumeError::BadRequest(format!("Invalid auth key: Attempt to transfer {id} with invalid auth key.")));
        }
        let v = self.volume(&t.volume_id).ok_or_else(|| super::model::volume_not_found(&t.volume_id))?;
        let size = v.size;
        let max = self.quota_limit(who.project_id, "volumes");
        if max >= 0 && self.quota_usage(who.project_id, "volumes") >= max {
            return Err(VolumeError::OverLimit(format!("Maximum number of volumes allowed ({max}) exceeded for quota 'volumes'.")));
        }
        self.check_gigabytes(who.project_id, size)?;
        let now = core.now();
        let v = self.volumes.iter_mut().find(|v| v.id == t.volume_id).expect("found above");
        v.project_id = who.project_id.to_string();
        v.user_id = who.user_id.to_string();
        v.status = "available".into();
        v.updated_at = Some(now);
        if !t.no_snapshots {
            for s in self.snapshots.iter_mut().filter(|s| s.volume_id == t.volume_id) {
                s.project_id = who.project_id.to_string();
                s.user_id = who.user_id.to_string();
            }
        }
        core.record(super::model::transition(&t.volume_id, Some("awaiting-transfer".into()), "available"));
        self.transfers.retain(|x| x.id != id);
        Ok(t)
    }
}
