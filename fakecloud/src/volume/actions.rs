//! What `POST /volumes/{id}/action` does (volume_actions, admin_actions and volume_image_metadata in
//! Cinder), the volume's metadata API, and the timed ends of extend and retype. Every action first
//! checks the volume's status as Cinder's volume API does, so a refused one changes nothing.

use super::error::{invalid_input, VolumeError};
use super::model::{transition, Attachment, Requester, Volume, Volumes, BACKEND_HOST, BACKEND_POOL};
use super::types::type_not_found;
use crate::sim::journal::Journal;
use crate::sim::{Core, SimTime};
use crate::volume::Event;
use chrono::Duration;
use std::collections::BTreeMap;

/// How long the backend takes to extend a volume, or to move it to a new type.
pub const EXTEND_SECS: i64 = 2;
pub const RETYPE_SECS: i64 = 2;

/// Statuses an admin may set with `os-reset_status` (cinder/api/contrib/admin_actions.py).
pub const RESET_STATUSES: &[&str] = &[
    "creating",
    "available",
    "deleting",
    "error",
    "error_deleting",
    "error_managing",
    "managing",
    "attaching",
    "in-use",
    "detaching",
    "maintenance",
    "reserved",
    "error_restoring",
    "error_extending",
    "extending",
    "downloading",
    "uploading",
    "retyping",
    "backing-up",
    "restoring-backup",
];

fn invalid_volume(reason: impl std::fmt::Display) -> VolumeError {
    VolumeError::BadRequest(format!("Invalid volume: {reason}"))
}

impl Volumes {
    fn volume_mut(&mut self, id: &str) -> &mut Volume {
        self.volumes.iter_mut().find(|v| v.id == id).expect("checked by the caller")
    }

    fn set_status(&mut self, id: &str, to: &str, core: &mut impl Core<super::Event>) {
        let now = core.now();
        let v = self.volume_mut(id);
        let from = std::mem::replace(&mut v.status, to.to_string());
        v.updated_at = Some(now);
        if from != to {
            core.record(transition(id, Some(from), to));
        }
    }

    /// `os-extend`: an `available` volume grows (never shrinks), within the gigabytes quota.
    pub fn extend(&mut self, id: &str, new_size: u64, who: Requester, core: &mut impl Core<Event>) -> Result<(), VolumeError> {
        let v = self.show(id, who)?;
        if v.status != "available" {
            return Err(invalid_volume(format!("Volume {id} status must be available to extend, but current status is: {}.", v.status)));
        }
        if new_size <= v.size {
            return Err(invalid_input(format!(
                "New size for extend must be greater than current size. (current: {}, extended: {new_size}).",
                v.size
            )));
        }
        let (owner, grow) = (v.project_id.clone(), new_size - v.size);
        self.check_gigabytes(&owner, grow)?;
        let per_volume = self.quota_limit(&owner, "per_volume_gigabytes");
        if per_volume >= 0 && new_size as i64 > per_volume {
            return Err(VolumeError::OverLimit(format!(
                "Requested volume size {new_size}G is larger than maximum allowed limit {per_volume}G."
            )));
        }
        self.set_status(id, "extending", core);
        let at = core.now() + Duration::seconds(EXTEND_SECS);
        core.schedule_at(at, Event::VolumeExtended { volume_id: id.into(), new_size });
        Ok(())
    }

    /// `os-retype`: to another type the requester may use; `retyping` until the backend is done.
    pub fn retype(&mut self, id: &str, new_type: &str, who: Requester, core: &mut impl Core<Event>) -> Result<(), VolumeError> {
        let v = self.show(id, who)?;
        if !["available", "in-use"].contains(&v.status.as_str()) {
            return Err(invalid_volume(format!("Volume {id} status must be available or in-use, but current status is: {}.", v.status)));
        }
        let t = self
            .types
            .iter()
            .filter(|t| t.visible_to(who))
            .find(|t| t.id == new_type || t.name == new_type)
            .ok_or_else(|| type_not_found(new_type))?;
        if t.id == v.volume_type_id {
            return Err(invalid_input("Retype requested to the same volume type."));
        }
        let (type_id, settled) = (t.id.clone(), v.status.clone());
        self.volume_mut(id).admin_metadata.insert("retype_from".into(), settled);
        self.set_status(id, "retyping", core);
        let at = core.now() + Duration::seconds(RETYPE_SECS);
        core.schedule_at(at, Event::VolumeRetyped { volume_id: id.into(), type_id });
        Ok(())
    }

    pub fn set_bootable(&mut self, id: &str, bootable: bool, who: Requester, now: SimTime) -> Result<(), VolumeError> {
        self.show(id, who)?;
        let v = self.volume_mut(id);
        v.bootable = bootable;
        v.updated_at = Some(now);
        Ok(())
    }

    /// `os-update_readonly_flag`: kept as the `readonly` admin metadata, which the volume's
    /// metadata shows.
    pub fn set_readonly(&mut self, id: &str, readonly: bool, who: Requester) -> Result<(), VolumeError> {
        let v = self.show(id, who)?;
        if v.status != "available" {
            return Err(invalid_volume(format!(
                "Volume {id} status must be available to update readonly flag, but current status is: {}.",
                v.status
            )));
        }
        self.volume_mut(id).admin_metadata.insert("readonly".into(), if readonly { "True" } else { "False" }.into());
        Ok(())
    }

    /// `os-reset_status` (admin): any known status, without asking the backend.
    pub fn reset_status(
        &mut self,
        id: &str,
        status: Option<&str>,
        migration_status: Option<&str>,
        who: Requester,
        core: &mut impl Core<Event>,
    ) -> Result<(), VolumeError> {
        self.show(id, who)?;
        if let Some(s) = status {
            if !RESET_STATUSES.contains(&s) {
                return Err(invalid_input(format!("Must specify a valid status")));
            }
        }
        if let Some(s) = status {
            self.set_status(id, s, core);
        }
        if let Some(m) = migration_status {
            self.volume_mut(id).migration_status = if m == "none" { None } else { Some(m.to_string()) };
        }
        Ok(())
    }

    /// `os-force_delete` (admin): deletes from any status but an attached one.
    pub fn force_delete(&mut self, id: &str, who: Requester, core: &mut impl Core<Event>) -> Result<(), VolumeError> {
        let v = self.show(id, who)?;
        if !v.attachments.is_empty() {
            return Err(invalid_volume("Volume must not be attached to be deleted."));
        }
        if self.snapshots.iter().any(|s| s.volume_id == id) {
            return Err(invalid_volume("Volume still has dependent snapshots."));
        }
        self.start_delete(id, core);
        Ok(())
    }

    /// `os-reserve`: `available` to `attaching` (a caller about to attach it).
    pub fn reserve(&mut self, id: &str, who: Requester, core: &mut impl Core<Event>) -> Result<(), VolumeError> {
        let v = self.show(id, who)?;
        let ok = v.status == "available" || (v.multiattach && v.status == "in-use");
        if !ok {
            return Err(invalid_volume(format!("Volume status must be available to reserve, but the status is {}.", v.status)));
        }
        self.set_status(id, "attaching", core);
        Ok(())
    }

    /// `os-unreserve`: an `attaching` volume goes back to `available` (or `in-use` if attached).
    pub fn unreserve(&mut self, id: &str, who: Requester, core: &mut impl Core<Event>) -> Result<(), VolumeError> {
        let v = self.show(id, who)?;
        if v.status == "attaching" {
            let to = if v.attachments.is_empty() { "available" } else { "in-use" };
            self.set_status(id, to, core);
        }
        Ok(())
    }

    /// `os-begin_detaching` (`in-use` to `detaching`) and `os-roll_detaching` (back).
    pub fn begin_detaching(&mut self, id: &str, who: Requester, core: &mut impl Core<Event>) -> Result<(), VolumeError> {
        let v = self.show(id, who)?;
        if v.status != "in-use" {
            return Err(invalid_volume(format!(
                "Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach."
            )));
        }
        self.set_status(id, "detaching", core);
        Ok(())
    }

    pub fn roll_detaching(&mut self, id: &str, who: Requester, core: &mut impl Core<Event>) -> Result<(), VolumeError> {
        let v = self.show(id, who)?;
        if v.status == "detaching" {
            self.set_status(id, "in-use", core);
        }
        Ok(())
    }

    /// `os-attach`: records the attachment to an instance (or a host) and the volume is `in-use`.
    #[allow(clippy::too_many_arguments)]
    pub fn attach(
        &mut self,
        id: &str,
        server_id: Option<String>,
        host_name: Option<String>,
        mountpoint: String,
        mode: &str,
        who: Requester,
        core: &mut impl Core<Event>,
    ) -> Result<(), VolumeError> {
        let v = self.show(id, who)?;
        if !["available", "attaching", "reserved"].contains(&v.status.as_str()) && !(v.multiattach && v.status == "in-use") {
            return Err(invalid_volume(format!("Volume status must be available or attaching to attach, but the status is {}.", v.status)));
        }
        if v.admin_metadata.get("readonly").map(String::as_str) == Some("True") && mode != "ro" {
            return Err(invalid_volume(format!("Cannot attach a readonly volume {id} in mode rw.")));
        }
        let now = core.now();
        let attachment_id = core.ids().uuid();
        let v = self.volume_mut(id);
        v.attachments.push(Attachment {
            id: attachment_id,
            server_id: server_id.unwrap_or_default(),
            device: mountpoint,
            host_name,
            attached_at: now,
            attach_status: "attached".into(),
        });
        v.admin_metadata.insert("attached_mode".into(), mode.to_string());
        if v.host.is_none() {
            v.host = Some(format!("{BACKEND_HOST}#{BACKEND_POOL}"));
        }
        self.set_status(id, "in-use", core);
        Ok(())
    }

    /// `os-detach` and `os-force_detach`: drops one attachment (or all); with none left the volume
    /// is `available`. Cinder's API refuses only a volume in maintenance; the manager settles the
    /// rest (a detach of an unattached volume just leaves it `available`).
    pub fn detach(
        &mut self,
        id: &str,
        attachment_id: Option<&str>,
        force: bool,
        who: Requester,
        core: &mut impl Core<Event>,
    ) -> Result<(), VolumeError> {
        let v = self.show(id, who)?;
        if !force && v.status == "maintenance" {
            return Err(invalid_volume(format!("Volume {id} is in maintenance state.")));
        }
        if let Some(a) = attachment_id {
            if force && !v.attachments.iter().any(|x| x.id == a) {
                return Err(VolumeError::NotFound(format!("Volume attachment could not be found with filter: attachment_id = {a}.")));
            }
        }
        let v = self.volume_mut(id);
        v.attachments.retain(|x| attachment_id.is_some_and(|a| a != x.id));
        let to = if v.attachments.is_empty() {
            v.admin_metadata.remove("attached_mode");
            "available"
        } else {
            "in-use"
        };
        self.set_status(id, to, core);
        Ok(())
    }

    /// `os-set_image_metadata`: adds or replaces image metadata.
    pub fn set_image_metadata(
        &mut self,
        id: &str,
        meta: BTreeMap<String, String>,
        who: Requester,
    ) -> Result<&BTreeMap<String, String>, VolumeError> {
        self.show(id, who)?;
        let v = self.volume_mut(id);
        v.image_metadata.extend(meta);
        Ok(&v.image_metadata)
    }

    pub fn unset_image_metadata(&mut self, id: &str, key: &str, who: Requester) -> Result<(), VolumeError> {
        self.show(id, who)?;
        let v = self.volume_mut(id);
        if v.image_metadata.remove(key).is_none() {
            return Err(VolumeError::NotFound(format!("Glance metadata for volume {id} cannot be found.")));
        }
        Ok(())
    }

    /// The volume's metadata: `replace` swaps the whole set, otherwise keys are added or replaced.
    pub fn set_metadata(
        &mut self,
        id: &str,
        meta: BTreeMap<String, String>,
        replace: bool,
        who: Requester,
        now: SimTime,
    ) -> Result<&BTreeMap<String, String>, VolumeError> {
        let v = self.show(id, who)?;
        if v.status == "maintenance" {
            return Err(invalid_volume(format!("Volume {id} is in maintenance state.")));
        }
        let v = self.volume_mut(id);
        if replace {
            v.metadata = meta;
        } else {
            v.metadata.extend(meta);
        }
        v.updated_at = Some(now);
        Ok(&v.metadata)
    }

    pub fn delete_metadata(&mut self, id: &str, key: &str, who: Requester, now: SimTime) -> Result<(), VolumeError> {
        let v = self.show(id, who)?;
        if v.status == "maintenance" {
            return Err(invalid_volume(format!("Volume {id} is in maintenance state.")));
        }
        let v = self.volume_mut(id);
        if v.metadata.remove(key).is_none() {
            return Err(VolumeError::NotFound(format!("Volume {id} has no metadata with key {key}.")));
        }
        v.updated_at = Some(now);
        Ok(())
    }

    /// Applies one of Cinder's timed events.
    pub fn apply(&mut self, event: Event, at: SimTime, journal: &mut Journal) {
        match event {
            Event::VolumeCreated { volume_id } => self.finish_create(&volume_id, at, journal),
            Event::VolumeDeleted { volume_id } => self.finish_delete(&volume_id, at, journal),
            Event::VolumeExtended { volume_id, new_size } => {
                if let Some(v) = self.volumes.iter_mut().find(|v| v.id == volume_id && v.status == "extending") {
                    v.size = new_size;
                    v.status = "available".into();
                    v.updated_at = Some(at);
                    journal.record(at, transition(&volume_id, Some("extending".into()), "available"));
                }
            }
            Event::VolumeRetyped { volume_id, type_id } => {
                if let Some(v) = self.volumes.iter_mut().find(|v| v.id == volume_id && v.status == "retyping") {
                    v.volume_type_id = type_id;
                    let to = v.admin_metadata.remove("retype_from").unwrap_or_else(|| "available".into());
                    v.status = to.clone();
                    v.updated_at = Some(at);
                    journal.record(at, transition(&volume_id, Some("retyping".into()), &to));
                }
            }
            Event::GroupCreated { group_id } => self.finish_group(&group_id, at, journal),
            Event::GroupDeleted { group_id } => self.finish_group_delete(&group_id, at, journal),
            Event::GroupSnapshotCreated { group_snapshot_id } => self.finish_group_snapshot(&group_snapshot_id, at, journal),
            Event::GroupSnapshotDeleted { group_snapshot_id } => self.finish_group_snapshot_delete(&group_snapshot_id, at, journal),
            Event::SnapshotCreated { snapshot_id } => self.finish_snapshot(&snapshot_id, at, journal),
            Event::SnapshotDeleted { snapshot_id } => self.finish_snapshot_delete(&snapshot_id, at, journal),
        }
    }
}
