//! Generic volume groups (3.13, cinder/group/api.py): volumes of the group's types managed
//! together. A group is built and deleted by the backend on the clock; it takes volumes only while
//! `available`, and is deleted with its volumes only when asked to.

use super::error::{invalid_input, VolumeError};
use super::model::{transition, Group, Requester, Volume, Volumes, CREATE_SECS, DELETE_SECS, ZONE};
use crate::sim::journal::{Journal, Record};
use crate::sim::{Core, SimTime};
use crate::volume::Event;
use chrono::Duration;
use std::collections::BTreeMap;

/// A validated `POST /groups` body.
#[derive(Clone, Debug, Default)]
pub struct NewGroup {
    pub name: Option<String>,
    pub description: Option<String>,
    pub group_type: String,
    pub volume_types: Vec<String>,
    pub availability_zone: Option<String>,
}

/// A validated `PUT /groups/{id}` body.
#[derive(Clone, Debug, Default)]
pub struct GroupUpdate {
    pub name: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub add_volumes: Vec<String>,
    pub remove_volumes: Vec<String>,
}

/// Statuses an admin may set with the group's `reset_status`.
const GROUP_STATUSES: &[&str] = &["creating", "available", "deleting", "error", "error_deleting", "updating", "in-use", "deleted"];

pub fn group_not_found(id: &str) -> VolumeError {
    VolumeError::NotFound(format!("Group {id} could not be found."))
}

fn group_transition(id: &str, from: Option<String>, to: &str) -> Record {
    Record::Transition { resource: "group".into(), id: id.into(), from, to: to.into() }
}

impl Volumes {
    /// A group the requester may see: its own project's, or any for admin.
    pub fn group_for(&self, id: &str, who: Requester) -> Result<&Group, VolumeError> {
        self.groups.iter().find(|g| g.id == id && (who.admin || g.project_id == who.project_id)).ok_or_else(|| group_not_found(id))
    }

    fn group_mut(&mut self, id: &str) -> &mut Group {
        self.groups.iter_mut().find(|g| g.id == id).expect("checked by the caller")
    }

    pub fn list_groups(&self, who: Requester, all_tenants: bool) -> Vec<&Group> {
        self.groups.iter().filter(|g| (who.admin && all_tenants) || g.project_id == who.project_id).collect()
    }

    /// The ids of a group's volumes.
    pub fn group_volumes(&self, id: &str) -> Vec<String> {
        self.volumes.iter().filter(|v| v.group_id.as_deref() == Some(id)).map(|v| v.id.clone()).collect()
    }

    pub fn create_group(&mut self, new: NewGroup, who: Requester, core: &mut impl Core<Event>) -> Result<&Group, VolumeError> {
        let gt = self.group_type(&new.group_type)?;
        if !gt.is_public && !who.admin {
            return Err(super::group_types::group_type_not_found(&new.group_type));
        }
        let group_type_id = gt.id.clone();
        if new.volume_types.is_empty() {
            return Err(invalid_input("volume_types must be provided to create group."));
        }
        let mut type_ids = Vec::new();
        for t in &new.volume_types {
            let vt = self
                .types
                .iter()
                .filter(|x| x.visible_to(who))
                .find(|x| x.id == *t || x.name == *t)
                .ok_or_else(|| super::types::type_not_found(t))?;
            type_ids.push(vt.id.clone());
        }
        let zone = new.availability_zone.unwrap_or_else(|| ZONE.into());
        if zone != ZONE {
            return Err(VolumeError::BadRequest(format!("Availability zone '{zone}' is invalid.")));
        }
        let max = self.quota_limit(who.project_id, "groups");
        if max >= 0 && self.groups.iter().filter(|g| g.project_id == who.project_id).count() as i64 >= max {
            return Err(VolumeError::OverLimit(format!("Maximum number of groups allowed ({max}) exceeded for quota 'groups'.")));
        }
        let id = self.new_group_record(new.name, new.description, group_type_id, type_ids, zone, None, who, core);
        Ok(self.groups.iter().find(|g| g.id == id).expect("just pushed"))
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn new_group_record(
        &mut self,
        name: Option<String>,
        description: Option<String>,
        group_type_id: String,
        volume_type_ids: Vec<String>,
        availability_zone: String,
        source_group_id: Option<String>,
        who: Requester,
        core: &mut impl Core<Event>,
    ) -> String {
        let now = core.now();
        let group = Group {
            id: core.ids().uuid(),
            project_id: who.project_id.to_string(),
            user_id: who.user_id.to_string(),
            name,
            description,
            status: "creating".into(),
            availability_zone,
            group_type_id,
            volume_type_ids,
            source_group_id,
            created_at: now,
        };
        core.record(group_transition(&group.id, None, "creating"));
        core.schedule_at(now + Duration::seconds(CREATE_SECS), Event::GroupCreated { group_id: group.id.clone() });
        let id = group.id.clone();
        self.groups.push(group);
        id
    }

    /// `POST /groups/action` `create-from-src` (3.14): a new group like the source, with a clone
    /// of each of its volumes.
    pub fn create_group_from_group(
        &mut self,
        source: &str,
        name: Option<String>,
        description: Option<String>,
        who: Requester,
        core: &mut impl Core<Event>,
    ) -> Result<&Group, VolumeError> {
        let src = self.group_for(source, who)?.clone();
        if src.status != "available" {
            return Err(VolumeError::BadRequest(format!(
                "Invalid group: Source group status must be available, but current status is: {}.",
                src.status
            )));
        }
        let originals: Vec<Volume> = self.volumes.iter().filter(|v| v.group_id.as_deref() == Some(source)).cloned().collect();
        let gid = self.new_group_record(
            name,
            description,
            src.group_type_id,
            src.volume_type_ids,
            src.availability_zone,
            Some(src.id),
            who,
            core,
        );
        let now = core.now();
        for o in originals {
            let id = core.ids().uuid();
            core.record(transition(&id, None, "creating"));
            core.schedule_at(now + Duration::seconds(CREATE_SECS), Event::VolumeCreated { volume_id: id.clone() });
            self.volumes.push(Volume {
                id,
                project_id: who.project_id.to_string(),
                user_id: who.user_id.to_string(),
                status: "creating".into(),
                host: None,
                source_volid: Some(o.id.clone()),
                attachments: Vec::new(),
                created_at: now,
                updated_at: None,
                snapshot_id: None,
                admin_metadata: BTreeMap::new(),
                migration_status: None,
                group_id: Some(gid.clone()),
                ..o
            });
        }
        Ok(self.groups.iter().find(|g| g.id == gid).expect("just pushed"))
    }

    pub(super) fn finish_group(&mut self, id: &str, at: SimTime, journal: &mut Journal) {
        if let Some(g) = self.groups.iter_mut().find(|g| g.id == id && g.status == "creating") {
            g.status = "available".into();
            journal.record(at, group_transition(id, Some("creating".into()), "available"));
        }
    }

    pub(super) fn finish_group_delete(&mut self, id: &str, at: SimTime, journal: &mut Journal) {
        if self.groups.iter().any(|g| g.id == id && g.status == "deleting") {
            let gone: Vec<String> =
                self.volumes.iter().filter(|v| v.group_id.as_deref() == Some(id) && v.status == "deleting").map(|v| v.id.clone()).collect();
            for v in &gone {
                journal.record(at, transition(v, Some("deleting".into()), "deleted"));
            }
            self.volumes.retain(|v| !gone.contains(&v.id));
            self.groups.retain(|g| g.id != id);
            journal.record(at, group_transition(id, Some("deleting".into()), "deleted"));
        }
    }

    /// `PUT /groups/{id}`: name, description, and volumes added or removed (only while
    /// `available`; an added volume must be the project's, available, ungrouped and of the
    /// group's types).
    pub fn update_group(&mut self, id: &str, u: GroupUpdate, who: Requester) -> Result<&Group, VolumeError> {
        let g = self.group_for(id, who)?;
        let has_volume_changes = !u.add_volumes.is_empty() || !u.remove_volumes.is_empty();
        if has_volume_changes && g.status != "available" {
            return Err(VolumeError::BadRequest(format!(
                "Invalid group: Group status must be available, but current status is: {}.",
                g.status
            )));
        }
        for vid in &u.add_volumes {
            let v = self.show(vid, who).map_err(|_| {
                invalid_input(format!("Invalid volume: Cannot add volume {vid} to group {id} because volume cannot be found."))
            })?;
            if v.group_id.is_some()
                || !["available", "in-use"].contains(&v.status.as_str())
                || !g.volume_type_ids.contains(&v.volume_type_id)
            {
                return Err(invalid_input(format!("Invalid volume: Cannot add volume {vid} to group {id}.")));
            }
        }
        for vid in &u.remove_volumes {
            if !self.volumes.iter().any(|v| v.id == *vid && v.group_id.as_deref() == Some(id)) {
                return Err(invalid_input(format!(
                    "Invalid volume: Cannot remove volume {vid} from group {id} because it is not in the group."
                )));
            }
        }
        for v in self.volumes.iter_mut() {
            if u.add_volumes.contains(&v.id) {
                v.group_id = Some(id.to_string());
            } else if u.remove_volumes.contains(&v.id) {
                v.group_id = None;
            }
        }
        let g = self.group_mut(id);
        if let Some(n) = u.name {
            g.name = n;
        }
        if let Some(d) = u.description {
            g.description = d;
        }
        Ok(g)
    }

    /// The group's `delete` action: from `available` or `error`; its volumes go with it only when
    /// `delete_volumes` says so (otherwise it must have none).
    pub fn delete_group(&mut self, id: &str, delete_volumes: bool, who: Requester, core: &mut impl Core<Event>) -> Result<(), VolumeError> {
        let g = self.group_for(id, who)?;
        if !["available", "error", "error_deleting"].contains(&g.status.as_str()) {
            return Err(VolumeError::BadRequest(format!(
                "Invalid group: Group status must be available or error, but current status is: {}.",
                g.status
            )));
        }
        if self.group_snapshots.iter().any(|s| s.group_id == id) {
            return Err(VolumeError::BadRequest("Invalid group: Group has existing snapshots.".into()));
        }
        let members: Vec<&Volume> = self.volumes.iter().filter(|v| v.group_id.as_deref() == Some(id)).collect();
        if !members.is_empty() && !delete_volumes {
            return Err(VolumeError::BadRequest("Invalid group: Group still has volumes.".into()));
        }
        if members.iter().any(|v| !v.attachments.is_empty() || self.snapshots.iter().any(|s| s.volume_id == v.id)) {
            return Err(VolumeError::BadRequest("Invalid group: A volume of the group is attached or has snapshots.".into()));
        }
        let now = core.now();
        for v in self.volumes.iter_mut().filter(|v| v.group_id.as_deref() == Some(id)) {
            let from = std::mem::replace(&mut v.status, "deleting".into());
            v.updated_at = Some(now);
            core.record(transition(&v.id, Some(from), "deleting"));
        }
        let g = self.group_mut(id);
        let from = std::mem::replace(&mut g.status, "deleting".into());
        core.record(group_transition(id, Some(from), "deleting"));
        core.schedule_at(now + Duration::seconds(DELETE_SECS), Event::GroupDeleted { group_id: id.into() });
        Ok(())
    }

    /// The admin's `reset_status` (3.20).
    pub fn reset_group_status(&mut self, id: &str, status: &str, who: Requester, core: &mut impl Core<Event>) -> Result<(), VolumeError> {
        self.group_for(id, who)?;
        if !GROUP_STATUSES.contains(&status) {
            return Err(invalid_input(format!("Group status {status} is not valid.")));
        }
        let g = self.group_mut(id);
        let from = std::mem::replace(&mut g.status, status.to_string());
        core.record(group_transition(id, Some(from), status));
        Ok(())
    }
}
