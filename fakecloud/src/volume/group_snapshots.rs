//! Group snapshots (3.14, cinder/group/api.py): one snapshot of each of a group's volumes, taken
//! together on the clock, deleted together, and a source a new group can be made from.

use super::error::{invalid_input, VolumeError};
use super::model::{transition, GroupSnapshot, Requester, Snapshot, Volume, Volumes, CREATE_SECS, DELETE_SECS};
use crate::sim::journal::{Journal, Record};
use crate::sim::{Core, SimTime};
use crate::volume::Event;
use chrono::Duration;
use std::collections::BTreeMap;

const STATUSES: &[&str] = &["creating", "available", "deleting", "error", "error_deleting"];

pub fn group_snapshot_not_found(id: &str) -> VolumeError {
    VolumeError::NotFound(format!("GroupSnapshot {id} could not be found."))
}

fn gs_transition(id: &str, from: Option<String>, to: &str) -> Record {
    Record::Transition { resource: "group_snapshot".into(), id: id.into(), from, to: to.into() }
}

impl Volumes {
    pub fn group_snapshot_for(&self, id: &str, who: Requester) -> Result<&GroupSnapshot, VolumeError> {
        self.group_snapshots
            .iter()
            .find(|g| g.id == id && (who.admin || g.project_id == who.project_id))
            .ok_or_else(|| group_snapshot_not_found(id))
    }

    pub fn list_group_snapshots(&self, who: Requester, all_tenants: bool) -> Vec<&GroupSnapshot> {
        self.group_snapshots.iter().filter(|g| (who.admin && all_tenants) || g.project_id == who.project_id).collect()
    }

    /// `POST /group_snapshots`: of an `available` group, one snapshot per volume.
    pub fn create_group_snapshot(
        &mut self,
        group_id: &str,
        name: Option<String>,
        description: Option<String>,
        who: Requester,
        core: &mut impl Core<Event>,
    ) -> Result<&GroupSnapshot, VolumeError> {
        let g = self.group_for(group_id, who)?;
        if g.status != "available" {
            return Err(VolumeError::BadRequest(format!(
                "Invalid group: Group status must be available, but current status is: {}.",
                g.status
            )));
        }
        let (project_id, group_type_id) = (g.project_id.clone(), g.group_type_id.clone());
        let members: Vec<(String, u64)> =
            self.volumes.iter().filter(|v| v.group_id.as_deref() == Some(group_id)).map(|v| (v.id.clone(), v.size)).collect();
        if self.volumes.iter().any(|v| v.group_id.as_deref() == Some(group_id) && !["available", "in-use"].contains(&v.status.as_str())) {
            return Err(VolumeError::BadRequest("Invalid volume: a volume of the group is not available or in-use.".into()));
        }
        let max = self.quota_limit(&project_id, "snapshots");
        if max >= 0 && self.quota_usage(&project_id, "snapshots") + members.len() as i64 > max {
            return Err(VolumeError::OverLimit(format!("Maximum number of snapshots allowed ({max}) exceeded for quota 'snapshots'.")));
        }
        self.check_gigabytes(&project_id, members.iter().map(|(_, s)| s).sum())?;
        let now = core.now();
        let id = core.ids().uuid();
        for (volume_id, size) in members {
            let sid = core.ids().uuid();
            self.snapshots.push(Snapshot {
                id: sid,
                volume_id,
                project_id: project_id.clone(),
                user_id: who.user_id.to_string(),
                name: None,
                description: None,
                size,
                status: "creating".into(),
                metadata: BTreeMap::new(),
                created_at: now,
                updated_at: None,
                progress: None,
                group_snapshot_id: Some(id.clone()),
            });
        }
        core.record(gs_transition(&id, None, "creating"));
        core.schedule_at(now + Duration::seconds(CREATE_SECS), Event::GroupSnapshotCreated { group_snapshot_id: id.clone() });
        self.group_snapshots.push(GroupSnapshot {
            id,
            group_id: group_id.to_string(),
            project_id,
            name,
            description,
            status: "creating".into(),
            group_type_id,
            created_at: now,
        });
        Ok(self.group_snapshots.last().expect("just pushed"))
    }

    pub(super) fn finish_group_snapshot(&mut self, id: &str, at: SimTime, journal: &mut Journal) {
        let Some(g) = self.group_snapshots.iter_mut().find(|g| g.id == id && g.status == "creating") else { return };
        g.status = "available".into();
        journal.record(at, gs_transition(id, Some("creating".into()), "available"));
        for s in self.snapshots.iter_mut().filter(|s| s.group_snapshot_id.as_deref() == Some(id) && s.status == "creating") {
            s.status = "available".into();
            s.progress = Some("100%".into());
            s.updated_at = Some(at);
        }
    }

    pub fn delete_group_snapshot(&mut self, id: &str, who: Requester, core: &mut impl Core<Event>) -> Result<(), VolumeError> {
        let g = self.group_snapshot_for(id, who)?;
        if !["available", "error"].contains(&g.status.as_str()) {
            return Err(VolumeError::BadRequest(format!(
                "Invalid group snapshot: Group snapshot status must be available or error, but current status is: {}.",
                g.status
            )));
        }
        let now = core.now();
        for s in self.snapshots.iter_mut().filter(|s| s.group_snapshot_id.as_deref() == Some(id)) {
            s.status = "deleting".into();
            s.updated_at = Some(now);
        }
        let g = self.group_snapshots.iter_mut().find(|g| g.id == id).expect("found above");
        let from = std::mem::replace(&mut g.status, "deleting".into());
        core.record(gs_transition(id, Some(from), "deleting"));
        core.schedule_at(now + Duration::seconds(DELETE_SECS), Event::GroupSnapshotDeleted { group_snapshot_id: id.into() });
        Ok(())
    }

    pub(super) fn finish_group_snapshot_delete(&mut self, id: &str, at: SimTime, journal: &mut Journal) {
        if self.group_snapshots.iter().any(|g| g.id == id && g.status == "deleting") {
            self.snapshots.retain(|s| s.group_snapshot_id.as_deref() != Some(id));
            self.group_snapshots.retain(|g| g.id != id);
            journal.record(at, gs_transition(id, Some("deleting".into()), "deleted"));
        }
    }

    /// The admin's `reset_status` (3.19).
    pub fn reset_group_snapshot_status(
        &mut self,
        id: &str,
        status: &str,
        who: Requester,
        core: &mut impl Core<Event>,
    ) -> Result<(), VolumeError> {
        self.group_snapshot_for(id, who)?;
        if !STATUSES.contains(&status) {
            return Err(invalid_input(format!("Group snapshot status {status} is not valid.")));
        }
        let g = self.group_snapshots.iter_mut().find(|g| g.id == id).expect("found above");
        let from = std::mem::replace(&mut g.status, status.to_string());
        core.record(gs_transition(id, Some(from), status));
        Ok(())
    }

    /// `create-from-src` with a group snapshot: a new group of its group's type, with a volume from
    /// each of its snapshots.
    pub fn create_group_from_snapshot(
        &mut self,
        snapshot: &str,
        name: Option<String>,
        description: Option<String>,
        who: Requester,
        core: &mut impl Core<Event>,
    ) -> Result<String, VolumeError> {
        let gs = self.group_snapshot_for(snapshot, who)?.clone();
        if gs.status != "available" {
            return Err(VolumeError::BadRequest(format!(
                "Invalid group snapshot: Group snapshot status must be available, but current status is: {}.",
                gs.status
            )));
        }
        let src = self.groups.iter().find(|g| g.id == gs.group_id).cloned();
        let (type_ids, zone) = src.map(|g| (g.volume_type_ids, g.availability_zone)).unwrap_or_default();
        let snaps: Vec<Snapshot> = self.snapshots.iter().filter(|s| s.group_snapshot_id.as_deref() == Some(snapshot)).cloned().collect();
        let originals: Vec<Volume> = snaps.iter().filter_map(|s| self.volume(&s.volume_id).cloned()).collect();
        let gid = self.new_group_record(name, description, gs.group_type_id.clone(), type_ids, zone, None, who, core);
        let now = core.now();
        for (s, o) in snaps.iter().zip(originals) {
            let id = core.ids().uuid();
            core.record(transition(&id, None, "creating"));
            core.schedule_at(now + Duration::seconds(CREATE_SECS), Event::VolumeCreated { volume_id: id.clone() });
            self.volumes.push(Volume {
                id,
                project_id: who.project_id.to_string(),
                user_id: who.user_id.to_string(),
                size: s.size,
                status: "creating".into(),
                host: None,
                source_volid: None,
                attachments: Vec::new(),
                created_at: now,
                updated_at: None,
                snapshot_id: Some(s.id.clone()),
                admin_metadata: BTreeMap::new(),
                migration_status: None,
                group_id: Some(gid.clone()),
                ..o
            });
        }
        Ok(gid)
    }
}
