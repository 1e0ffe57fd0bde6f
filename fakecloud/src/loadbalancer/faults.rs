//! Octavia's fault kinds: the amphorav2 member divergences, where the load balancer and one of its
//! members stop agreeing on a member task. They act when they fire, at the worker's step for the
//! member they match (`flows/loadbalancer_worker.rs`), not when they are installed.

use serde::{Deserialize, Serialize};

/// The object names an object fault may match (`match.loadbalancer` and so on). They are Octavia's
/// objects; a fault of another service that acts on one of them (CAPO's load balancer) matches it
/// by the same key.
pub const OBJECT_MATCH_KEYS: &[&str] = &["loadbalancer", "pool", "member"];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FaultAction {
    /// amphorav2: after a member create the load balancer is unlocked to ACTIVE on time, but the
    /// member stays PENDING_CREATE for `seconds` more.
    MemberLag { seconds: u64 },
    /// amphorav2: the load balancer is unlocked; the member never leaves PENDING_CREATE.
    MemberStuck,
    /// amphorav2: the load balancer is unlocked; the member goes to ERROR.
    MemberError,
    /// amphorav2: after a member delete the load balancer is ACTIVE again on time, but the member
    /// stays PENDING_DELETE for `seconds` more.
    MemberDeleteLag { seconds: u64 },
    /// A new member is ACTIVE on time, but the pool's health monitor needs `seconds` more of
    /// passing checks (its `rise` rounds) before the member is ONLINE: until then it is OFFLINE
    /// and takes no traffic. Only members of a pool with a health monitor lag this way; without
    /// one nothing checks a member, and it serves as soon as it is ACTIVE.
    MemberHealthLag { seconds: u64 },
    /// amphorav2: the member task is lost: the load balancer stays PENDING_UPDATE and the member
    /// PENDING_CREATE (or PENDING_DELETE) for good.
    LostTask,
}

/// The kinds above as a client names them, with a one-line description.
pub const KINDS: &[(&str, &str)] = &[
    ("member-lag", "Octavia: LB back to ACTIVE while the new member stays PENDING_CREATE for `seconds`"),
    ("member-stuck", "Octavia: LB back to ACTIVE, the new member never becomes ACTIVE"),
    ("member-error", "Octavia: LB back to ACTIVE, the new member goes to ERROR"),
    ("member-delete-lag", "Octavia: LB back to ACTIVE while the deleted member stays PENDING_DELETE for `seconds`"),
    (
        "member-health-lag",
        "Octavia: a new member is ACTIVE on time but stays OFFLINE (not serving) for `seconds` before its health checks pass",
    ),
    ("lost-task", "Octavia: the member task is lost (LB PENDING_UPDATE, member PENDING_* for good)"),
];
