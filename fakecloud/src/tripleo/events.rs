//! The overcloud's timed transitions. Data, not closures, so pending ones survive a snapshot.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A container's health check runs (after a start, and again while it fails).
    ContainerHealthCheck { node: String, container: String },
}
