//! Nova's migration records: each resize, cold migration and evacuation leaves one, moving through
//! the statuses its task goes through, and `os-migrations` lists them. The record's uuid is also
//! the Placement consumer that holds the source host's claim while the move is unconfirmed, as
//! Nova's migration-based allocations do.

use crate::sim::SimTime;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MigrationType {
    /// A resize to another flavor (`migration_type: resize`).
    Resize,
    /// A cold migration: the same flavor on another host (`migration_type: migration`).
    Migration,
    /// A rebuild on another host of a server whose host is down (`migration_type: evacuation`).
    Evacuation,
}

impl MigrationType {
    pub fn as_str(self) -> &'static str {
        match self {
            MigrationType::Resize => "resize",
            MigrationType::Migration => "migration",
            MigrationType::Evacuation => "evacuation",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Migration {
    /// Nova's integer id (shown at every microversion).
    pub id: u64,
    /// The uuid (shown from 2.59), also the Placement consumer of the source's claim.
    pub uuid: String,
    pub server_id: String,
    pub project_id: String,
    pub user_id: String,
    pub migration_type: MigrationType,
    /// Nova's statuses: `migrating` → `finished` → `confirmed` or `reverted` for a resize or cold
    /// migration; `accepted` → `done` for an evacuation; `error` when it failed.
    pub status: String,
    pub source_compute: String,
    pub dest_compute: String,
    pub old_flavor_id: String,
    pub new_flavor_id: String,
    pub created_at: SimTime,
    pub updated_at: Option<SimTime>,
}

/// Every migration the cloud made, in the order they started; they outlive their servers, as
/// Nova's rows do until the database is archived.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Migrations {
    pub list: Vec<Migration>,
    pub next_id: u64,
}

impl Migrations {
    /// Records a move that starts now and returns its id.
    pub fn start(&mut self, mut m: Migration) -> u64 {
        self.next_id += 1;
        m.id = self.next_id;
        self.list.push(m);
        self.next_id
    }

    pub fn by_uuid(&self, uuid: &str) -> Option<&Migration> {
        self.list.iter().find(|m| m.uuid == uuid)
    }

    /// Moves a migration to `status`; unknown uuids are ignored (a record from before snapshots
    /// kept migrations).
    pub fn set_status(&mut self, uuid: &str, status: &str, at: SimTime) {
        if let Some(m) = self.list.iter_mut().find(|m| m.uuid == uuid) {
            m.status = status.to_string();
            m.updated_at = Some(at);
        }
    }
}
