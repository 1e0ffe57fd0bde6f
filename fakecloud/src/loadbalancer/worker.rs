//! What Octavia's controller worker needs to know, apart from the world: its timings, where it
//! builds amphorae (flavor, management network, service project), what a request to it carries,
//! and the fields every object starts with. The flows themselves touch Nova, Neutron and
//! Placement, so they run in `flows/loadbalancer_worker.rs`.

use super::model::*;
use crate::sim::SimTime;

/// The worker's pause between two looks at an amphora's Nova server (`amp_active_wait_sec`).
pub const AMP_POLL_SECS: i64 = 10;
/// From the amphora server being ACTIVE to the load balancer ACTIVE: agent up, certificates, VIP
/// plugged, haproxy and keepalived configured. A failover also re-plugs the VIP and waits for the
/// old amphora's deletion, so it takes longer (the documented case: ~108 s in all).
pub const AMP_CONFIG_CREATE_SECS: i64 = 30;
pub const AMP_CONFIG_FAILOVER_SECS: i64 = 88;
/// A failover whose replacement fails to spawn reverts in a few seconds (documented: ~15 s in all).
pub const FAILOVER_REVERT_SECS: i64 = 5;
/// A listener, pool, member or health monitor change pushed to the amphorae.
pub const CHILD_SECS: i64 = 3;
/// The OVN provider has no VMs: everything settles almost at once.
pub const OVN_SECS: i64 = 1;
pub const LB_DELETE_SECS: i64 = 5;

pub const AMPHORA_FLAVOR: &str = "amphora";
pub const AMPHORA_NETWORK: &str = "lb-mgmt-net";
pub const SERVICE_PROJECT: &str = "service";
pub const WORKER: &str = "octavia-worker";

/// A refused request: HTTP status and Octavia's faultstring.
#[derive(Debug, PartialEq)]
pub struct LbRefused(pub u16, pub String);

/// What a load balancer create asks for, resolved against Neutron.
#[derive(Default)]
pub struct LbRequest {
    pub name: String,
    pub description: String,
    pub project_id: String,
    pub provider: String,
    pub topology: String,
    pub vip_network_id: String,
    pub vip_subnet_id: String,
    pub vip_port_id: Option<String>,
    pub vip_address: Option<String>,
    pub admin_state_up: bool,
    pub tags: Vec<String>,
    pub flavor_id: Option<String>,
    pub availability_zone: Option<String>,
}

/// The child object a worker task is about.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    Listener,
    Pool,
    Member,
    HealthMonitor,
    L7Policy,
    L7Rule,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Listener => "listener",
            Kind::Pool => "pool",
            Kind::Member => "member",
            Kind::HealthMonitor => "healthmonitor",
            Kind::L7Policy => "l7policy",
            Kind::L7Rule => "l7rule",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Kind> {
        [Kind::Listener, Kind::Pool, Kind::Member, Kind::HealthMonitor, Kind::L7Policy, Kind::L7Rule].into_iter().find(|k| k.as_str() == s)
    }
}

pub fn new_common(id: String, seq: u64, name: String, project_id: String, admin_state_up: bool, now: SimTime) -> Common {
    Common {
        id,
        seq,
        name,
        description: String::new(),
        project_id,
        provisioning_status: PENDING_CREATE.into(),
        operating_status: OFFLINE.into(),
        admin_state_up,
        created_at: now,
        updated_at: None,
        tags: vec![],
    }
}
