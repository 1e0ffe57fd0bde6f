//! Cinder's timed transitions. Data, not closures, so pending ones survive a snapshot.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The scheduler places a `creating` volume and the backend builds it.
    VolumeCreated { volume_id: String },
    /// The backend finishes deleting a `deleting` volume.
    VolumeDeleted { volume_id: String },
}
