//! Cinder's timed transitions. Data, not closures, so pending ones survive a snapshot.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The scheduler places a `creating` volume and the backend builds it.
    VolumeCreated { volume_id: String },
    /// The backend finishes deleting a `deleting` volume.
    VolumeDeleted { volume_id: String },
    /// The backend has grown an `extending` volume to its new size.
    VolumeExtended { volume_id: String, new_size: u64 },
    /// A `retyping` volume is on its new type.
    VolumeRetyped { volume_id: String, type_id: String },
    /// A `creating` group is ready on the backend.
    GroupCreated { group_id: String },
    /// The backend has removed a `deleting` group (and the volumes deleted with it).
    GroupDeleted { group_id: String },
    /// The backend has taken a group snapshot's snapshots.
    GroupSnapshotCreated { group_snapshot_id: String },
    /// The backend has removed a `deleting` group snapshot and its snapshots.
    GroupSnapshotDeleted { group_snapshot_id: String },
    /// The backend has taken a `creating` snapshot.
    SnapshotCreated { snapshot_id: String },
    /// The backend has removed a `deleting` snapshot.
    SnapshotDeleted { snapshot_id: String },
}
