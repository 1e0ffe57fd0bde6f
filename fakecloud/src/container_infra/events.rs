//! Magnum's and the Cluster API plane's timed transitions. Data, not closures, so pending ones
//! survive a snapshot.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The conductor's periodic tasks: the cluster status sync and the health poll (every 60 s).
    MagnumPeriodic,
    /// The CAPI/CAPO controllers' loop on the management cluster (every 30 s while its API
    /// answers); `epoch` is the management VM's boot it belongs to.
    CapiReconcile { epoch: u64 },
}
