//! Octavia's timed transitions: the controller worker's and the health manager's, applied by the
//! load-balancer flows. Data, not closures, so pending ones survive a snapshot.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A provider without amphorae (OVN) has finished creating or failing over.
    LbActive { lb_id: String },
    /// The worker has pushed a listener, pool, member or health monitor change (`op`: create,
    /// update or delete) to the amphorae.
    LbChildDone { lb_id: String, kind: String, id: String, op: String },
    /// A lagging member (an injected amphorav2 divergence) finally settles.
    LbMemberSettled { member_id: String },
    /// A member held back by a health lag passes its health checks and rises to ONLINE.
    LbMemberHealthRose { member_id: String },
    /// The worker has deleted a load balancer, its amphorae and its VIP port.
    LbDeleted { lb_id: String },
    /// The worker looks at an amphora's Nova server (every 10 s until ACTIVE or ERROR).
    AmphoraBootPoll { amphora_id: String },
    /// An amphora is configured and in service.
    AmphoraConfigured { amphora_id: String },
    /// A failover whose replacement did not spawn has reverted.
    AmphoraFailoverReverted { amphora_id: String },
    /// The health manager's cycle (every 10 s).
    HealthManagerTick,
}
