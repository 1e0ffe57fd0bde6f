//! Timed transitions. Each is data (not a closure) so pending events survive a snapshot; the world
//! applies them in `World::apply`. Later services add their own variants here.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A fault installed with a duration reaches its end and is removed.
    FaultExpires { fault_id: String },
}
