//! Volume snapshots: taken by the volume's backend on the clock (`creating`, then `available`),
//! counted against the snapshots and gigabytes quotas, with their own metadata and admin actions
//! (cinder/api/v3/snapshots.py, snapshot_actions.py, snapshot_metadata.py).

use super::error::{invalid_input, VolumeError};
use super::model::{Requester, Snapshot, Volumes};
use super::request::{parse_metadata_filter, truthy};
use crate::sim::journal::{Journal, Record};
use crate::sim::{Core, SimTime};
use crate::volume::Event;
use chrono::Duration;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// How long the backend takes to take a snapshot, and to delete one.
pub const SNAPSHOT_SECS: i64 = 2;
pub const SNAPSHOT_DELETE_SECS: i64 = 1;

/// A validated `POST /snapshots` body.
#[derive(Clone, Debug, Default)]
pub struct NewSnapshot {
    pub volume_id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub force: bool,
    pub metadata: BTreeMap<String, String>,
}

/// A validated `PUT /snapshots/{id}` body.
#[derive(Clone, Debug, Default)]
pub struct SnapshotUpdate {
    pub name: Option<Option<String>>,
    pub description: Option<Option<String>>,
}

/// A parsed snapshot list query.
#[derive(Clone, Debug, Default)]
pub struct SnapshotQuery {
    pub all_tenants: bool,
    pub filters: Vec<(String, String)>,
    pub sort: Vec<(String, bool)>,
    pub limit: Option<usize>,
    pub marker: Option<String>,
    pub offset: usize,
}

pub fn snapshot_not_found(id: &str) -> VolumeError {
    VolumeError::NotFound(format!("Snapshot {id} could not be found."))
}

fn snap_transition(id: &str, from: Option<String>, to: &str) -> Record {
    Record::Transition { resource: "snapshot".into(), id: id.into(), from, to: to.into() }
}

impl SnapshotQuery {
    fn compare(&self, a: &Snapshot, b: &Snapshot) -> Ordering {
        for (key, asc) in &self.sort {
            let ord = match key.as_str() {
                "id" => a.id.cmp(&b.id),
                "name" => a.name.cmp(&b.name),
                "status" => a.status.cmp(&b.status),
                "size" => a.size.cmp(&b.size),
                "volume_id" => a.volume_id.cmp(&b.volume_id),
                "updated_at" => a.updated_at.cmp(&b.updated_at),
                _ => a.created_at.cmp(&b.created_at),
            };
            let ord = if *asc { ord } else { ord.reverse() };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }

    fn matches(&self, s: &Snapshot) -> bool {
        self.filters.iter().all(|(k, want)| match k.as_str() {
            "name" | "display_name" => s.name.as_deref() == Some(want.as_str()),
            "status" => s.status == *want,
            "volume_id" => s.volume_id == *want,
            "project_id" => s.project_id == *want,
            "metadata" => parse_metadata_filter(want).iter().all(|(mk, mv)| s.metadata.get(mk) == Some(mv)),
            _ => true,
        })
    }
}

impl Volumes {
    /// A snapshot the requester may see: its own project's, or any for admin.
    pub fn snapshot_for(&self, id: &str, who: Requester) -> Result<&Snapshot, VolumeError> {
        self.snapshots.iter().find(|s| s.id == id && (who.admin || s.project_id == who.project_id)).ok_or_else(|| snapshot_not_found(id))
    }

    fn snapshot_mut(&mut self, id: &str) -> &mut Snapshot {
        self.snapshots.iter_mut().find(|s| s.id == id).expect("checked by the caller")
    }

    /// `GET /snapshots(/detail)`: filtered, sorted, then paged after the marker.
    pub fn list_snapshots(&self, q: &SnapshotQuery, who: Requester) -> Result<(Vec<&Snapshot>, Option<String>), VolumeError> {
        let everyone = who.admin && q.all_tenants;
        let mut found: Vec<&Snapshot> =
            self.snapshots.iter().filter(|s| (everyone || s.project_id == who.project_id) && q.matches(s)).collect();
        found.sort_by(|a, b| q.compare(a, b));
        if let Some(m) = &q.marker {
            let marker = self.snapshot_for(m, who)?;
            found.retain(|s| q.compare(s, marker) == Ordering::Greater);
        }
        let found: Vec<&Snapshot> = found.into_iter().skip(q.offset).collect();
        let limit = q.limit.unwrap_or(super::request::MAX_LIMIT);
        let full = found.len() >= limit && limit > 0;
        let page: Vec<&Snapshot> = found.into_iter().take(limit).collect();
        let next = if full { page.last().map(|s| s.id.clone()) } else { None };
        Ok((page, next))
    }

    /// `POST /snapshots`: of an `available` volume (an `in-use` one too: forcing is no longer
    /// needed), within the snapshots and gigabytes quotas.
    pub fn create_snapshot(&mut self, new: NewSnapshot, who: Requester, core: &mut impl Core<Event>) -> Result<&Snapshot, VolumeError> {
        let v = self.show(&new.volume_id, who)?;
        if !["available", "in-use"].contains(&v.status.as_str()) {
            return Err(VolumeError::BadRequest(format!(
                "Invalid volume: Volume {} status must be available or in-use, but current status is: {}.",
                v.id, v.status
            )));
        }
        let (owner, size) = (v.project_id.clone(), v.size);
        let max = self.quota_limit(&owner, "snapshots");
        if max >= 0 && self.quota_usage(&owner, "snapshots") >= max {
            return Err(VolumeError::OverLimit(format!("Maximum number of snapshots allowed ({max}) exceeded for quota 'snapshots'.")));
        }
        self.check_gigabytes(&owner, size)?;
        let now = core.now();
        let snap = Snapshot {
            id: core.ids().uuid(),
            volume_id: new.volume_id,
            project_id: owner,
            user_id: who.user_id.to_string(),
            name: new.name,
            description: new.description,
            size,
            status: "creating".into(),
            metadata: new.metadata,
            created_at: now,
            updated_at: None,
            progress: None,
            group_snapshot_id: None,
        };
        core.record(snap_transition(&snap.id, None, "creating"));
        core.schedule_at(now + Duration::seconds(SNAPSHOT_SECS), Event::SnapshotCreated { snapshot_id: snap.id.clone() });
        self.snapshots.push(snap);
        Ok(self.snapshots.last().expect("just pushed"))
    }

    pub(super) fn finish_snapshot(&mut self, id: &str, at: SimTime, journal: &mut Journal) {
        if let Some(s) = self.snapshots.iter_mut().find(|s| s.id == id && s.status == "creating") {
            s.status = "available".into();
            s.progress = Some("100%".into());
            s.updated_at = Some(at);
            journal.record(at, snap_transition(id, Some("creating".into()), "available"));
        }
    }

    pub(super) fn finish_snapshot_delete(&mut self, id: &str, at: SimTime, journal: &mut Journal) {
        if self.snapshots.iter().any(|s| s.id == id && s.status == "deleting") {
            self.snapshots.retain(|s| s.id != id);
            journal.record(at, snap_transition(id, Some("deleting".into()), "deleted"));
        }
    }

    pub fn update_snapshot(&mut self, id: &str, u: SnapshotUpdate, who: Requester, now: SimTime) -> Result<&Snapshot, VolumeError> {
        self.snapshot_for(id, who)?;
        let s = self.snapshot_mut(id);
        if let Some(n) = u.name {
            s.name = n;
        }
        if let Some(d) = u.description {
            s.description = d;
        }
        s.updated_at = Some(now);
        Ok(s)
    }

    /// `DELETE /snapshots/{id}` (`force`: the admin's `os-force_delete`, from any status).
    pub fn delete_snapshot(&mut self, id: &str, force: bool, who: Requester, core: &mut impl Core<Event>) -> Result<(), VolumeError> {
        let s = self.snapshot_for(id, who)?;
        if !force && !["available", "error", "error_deleting"].contains(&s.status.as_str()) {
            return Err(VolumeError::BadRequest(format!(
                "Invalid snapshot: Volume Snapshot status must be available or error, but current status is: {}.",
                s.status
            )));
        }
        if !force && s.group_snapshot_id.is_some() {
            return Err(VolumeError::BadRequest(
                "Invalid snapshot: Snapshot is part of a group snapshot; delete the group snapshot.".into(),
            ));
        }
        if self.volumes.iter().any(|v| v.snapshot_id.as_deref() == Some(id) && v.status == "creating") {
            return Err(VolumeError::BadRequest("Invalid snapshot: A volume is being created from this snapshot.".into()));
        }
        let now = core.now();
        let s = self.snapshot_mut(id);
        let from = std::mem::replace(&mut s.status, "deleting".into());
        s.updated_at = Some(now);
        core.record(snap_transition(id, Some(from), "deleting"));
        core.schedule_at(now + Duration::seconds(SNAPSHOT_DELETE_SECS), Event::SnapshotDeleted { snapshot_id: id.into() });
        Ok(())
    }

    /// `os-reset_status` (admin): one of the snapshot statuses.
    pub fn reset_snapshot_status(
        &mut self,
        id: &str,
        status: &str,
        who: Requester,
        core: &mut impl Core<Event>,
    ) -> Result<(), VolumeError> {
        self.snapshot_for(id, who)?;
        const STATUSES: &[&str] =
            &["creating", "available", "deleting", "error", "error_deleting", "unmanaging", "backing-up", "restoring"];
        if !STATUSES.contains(&status) {
            return Err(invalid_input("Must specify a valid status"));
        }
        let now = core.now();
        let s = self.snapshot_mut(id);
        let from = std::mem::replace(&mut s.status, status.to_string());
        s.updated_at = Some(now);
        core.record(snap_transition(id, Some(from), status));
        Ok(())
    }

    /// `os-update_snapshot_status` (what a backend driver reports): only from `creating` to
    /// `creating`, `available` or `error`, and from `deleting` to `deleting` or `error_deleting`.
    pub fn update_snapshot_status(
        &mut self,
        id: &str,
        status: &str,
        progress: Option<String>,
        who: Requester,
        core: &mut impl Core<Event>,
    ) -> Result<(), VolumeError> {
        let s = self.snapshot_for(id, who)?;
        let allowed: &[&str] = match s.status.as_str() {
            "creating" => &["creating", "available", "error"],
            "deleting" => &["deleting", "error_deleting"],
            _ => &[],
        };
        if !allowed.contains(&status) {
            return Err(VolumeError::BadRequest(format!("Snapshot status {} not allowed to be updated to {status}.", s.status)));
        }
        let now = core.now();
        let s = self.snapshot_mut(id);
        let from = std::mem::replace(&mut s.status, status.to_string());
        if progress.is_some() {
            s.progress = progress;
        }
        s.updated_at = Some(now);
        core.record(snap_transition(id, Some(from), status));
        Ok(())
    }

    pub fn set_snapshot_metadata(
        &mut self,
        id: &str,
        meta: BTreeMap<String, String>,
        replace: bool,
        who: Requester,
    ) -> Result<&BTreeMap<String, String>, VolumeError> {
        self.snapshot_for(id, who)?;
        let s = self.snapshot_mut(id);
        if replace {
            s.metadata = meta;
        } else {
            s.metadata.extend(meta);
        }
        Ok(&s.metadata)
    }

    pub fn delete_snapshot_metadata(&mut self, id: &str, key: &str, who: Requester) -> Result<(), VolumeError> {
        self.snapshot_for(id, who)?;
        let s = self.snapshot_mut(id);
        if s.metadata.remove(key).is_none() {
            return Err(VolumeError::NotFound(format!("Snapshot {id} has no metadata with key {key}.")));
        }
        Ok(())
    }
}

/// Whether a `force` flag is set (`true`, `"True"`, ...); anything else not boolean is refused.
pub fn force_flag(v: &serde_json::Value) -> Result<bool, VolumeError> {
    match v {
        serde_json::Value::Bool(b) => Ok(*b),
        serde_json::Value::Null => Ok(false),
        serde_json::Value::String(s) => truthy(s).ok_or_else(|| invalid_input(format!("Invalid value '{s}' for force."))),
        _ => Err(invalid_input(format!("Invalid value '{v}' for force."))),
    }
}
