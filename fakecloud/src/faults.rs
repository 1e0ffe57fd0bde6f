//! The fault kinds the cloud offers: named, parameterised misbehaviour on purpose, in the spirit of
//! mimic's behaviours. The simulation core keeps them (`sim::faults`, with their match criteria
//! and budget); the kinds themselves are the services', and each service's flows say what a kind
//! does to the world. The real service's normal behaviour is never a fault.

use crate::http::strict_json::from_value_strict;
pub use crate::sim::faults::{FaultMatch, RequestFacts};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An installed fault of one of the kinds below.
pub type Fault = crate::sim::Fault<FaultAction>;
/// The registry of installed faults.
pub type Faults = crate::sim::Faults<FaultAction>;

/// The object names an object fault may match (`match.loadbalancer` and so on), with the service
/// whose objects they name.
pub const OBJECT_MATCH_KEYS: &[&str] = &["loadbalancer", "pool", "member"];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FaultAction {
    /// Answer matching API requests with this status, in the service's own error format.
    ApiError {
        status: u16,
        #[serde(default)]
        message: Option<String>,
    },
    /// Matching API requests take `seconds` of simulated time before they are answered.
    ApiLatency { seconds: f64 },
    /// A compute host loses power: nova-compute and its agents stop reporting (down after the real
    /// timeouts); its guests stop running. Removing the fault powers it back on, as a reboot does.
    HostDown { host: String },
    /// A compute host reboots: down now, back after `boot_secs` (default 180); guests come back
    /// SHUTOFF unless the host resumes guests on boot. The fault ends itself when the host is back.
    HostReboot {
        host: String,
        #[serde(default)]
        boot_secs: Option<u64>,
    },
    /// Memory/CPU pressure on a host: it stays up, but what runs on it starves (amphorae stop
    /// sending heartbeats).
    HostPressure { host: String },
    /// One service stops reporting: `nova-compute`, `nova-scheduler`, `nova-conductor`,
    /// `cinder-scheduler` or `cinder-volume` on `host`.
    ServiceDown { binary: String, host: String },
    /// The network agents on a host stop reporting (`alive` turns false after agent_down_time).
    AgentsDown { host: String },
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
    /// amphorav2: the member task is lost: the load balancer stays PENDING_UPDATE and the member
    /// PENDING_CREATE (or PENDING_DELETE) for good.
    LostTask,
    /// Magnum's capi-helm driver and CAPO disagree on the OpenStackCluster resource (API version or
    /// name): the driver's lookup misses, so health reports 'Infrastructure resource not found.'
    /// while everything is fine. Read at every health poll while installed.
    CapiContractMiss,
    /// CAPO's load balancer reconcile during a management-plane cold start times out: the kube-api
    /// load balancer (`match.loadbalancer`, a glob over its name) is left in provisioning ERROR and
    /// the cluster's InfrastructureReady and Available turn False. Fires at a reconcile while the
    /// management API is still converging.
    CapiLbTimeout,
    /// TripleO: a container's process hangs; its health check fails (`(unhealthy)`) until the
    /// container restarts, and the API service it runs stops reporting.
    ContainerUnhealthy { node: String, container: String },
    /// TripleO: a container exits (default code 137) and stays exited until started.
    ContainerExited {
        node: String,
        container: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        exit_code: Option<i32>,
    },
    /// TripleO: a container crash-loops (`Restarting (1) ...`) until the fault is removed.
    ContainerRestarting { node: String, container: String },
    /// TripleO: a controller goes offline (VIPs move, replicas stop, masters are promoted
    /// elsewhere, Galera and RabbitMQ shrink, HAProxy checks on it fail).
    ControllerOffline { node: String },
    /// Galera: the node's wsrep_local_state_comment leaves Synced (default Donor/Desynced).
    GaleraDesync {
        node: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<String>,
    },
    /// Galera: the node loses the primary component (wsrep_cluster_status non-Primary).
    GaleraNonPrimary { node: String },
    /// RabbitMQ: the node is partitioned from the others.
    RabbitmqPartition { node: String },
    /// RabbitMQ: a resource alarm (`memory` or `disk`) on the node.
    RabbitmqAlarm { node: String, alarm: String },
    /// HAProxy: the health checks of the node's backends fail (in the listens matching the glob
    /// `listen`, default all).
    HaproxyBackendFailing {
        node: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        listen: Option<String>,
    },
    /// Ceph: `osds` OSDs go down (not `count`, which is every fault's budget).
    CephOsdDown { osds: u32 },
    /// Pacemaker: an operation (default monitor) of a resource fails on a node: the replica
    /// stops and a Failed Action is listed until `pcs resource cleanup`.
    PacemakerActionFailure {
        resource: String,
        node: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        action: Option<String>,
    },
}

impl FaultAction {
    /// The TripleO faults, applied by the overcloud (`tripleo/`).
    pub fn is_overcloud(&self) -> bool {
        matches!(
            self,
            FaultAction::ContainerUnhealthy { .. }
                | FaultAction::ContainerExited { .. }
                | FaultAction::ContainerRestarting { .. }
                | FaultAction::ControllerOffline { .. }
                | FaultAction::GaleraDesync { .. }
                | FaultAction::GaleraNonPrimary { .. }
                | FaultAction::RabbitmqPartition { .. }
                | FaultAction::RabbitmqAlarm { .. }
                | FaultAction::HaproxyBackendFailing { .. }
                | FaultAction::CephOsdDown { .. }
                | FaultAction::PacemakerActionFailure { .. }
        )
    }
}

/// The kinds a client may ask for, with a one-line description (shown by `GET /_fakecloud/faults`).
pub const KINDS: &[(&str, &str)] = &[
    ("api-error", "answer matching API requests with an error status in the service's format"),
    ("api-latency", "matching API requests take `seconds` of simulated time to answer"),
    ("host-down", "a compute host loses power until the fault is removed"),
    ("host-reboot", "a compute host reboots and is back after boot_secs (default 180)"),
    ("host-pressure", "memory/CPU pressure on a host: guests starve (amphora heartbeats stop)"),
    ("service-down", "one service (binary on host) stops reporting until the fault is removed"),
    ("agents-down", "the network agents on a host stop reporting until the fault is removed"),
    ("member-lag", "Octavia: LB back to ACTIVE while the new member stays PENDING_CREATE for `seconds`"),
    ("member-stuck", "Octavia: LB back to ACTIVE, the new member never becomes ACTIVE"),
    ("member-error", "Octavia: LB back to ACTIVE, the new member goes to ERROR"),
    ("member-delete-lag", "Octavia: LB back to ACTIVE while the deleted member stays PENDING_DELETE for `seconds`"),
    ("lost-task", "Octavia: the member task is lost (LB PENDING_UPDATE, member PENDING_* for good)"),
    ("capi-contract-miss", "Magnum: the capi-helm driver cannot find the OpenStackCluster (cosmetic 'Infrastructure resource not found.')"),
    ("capi-lb-timeout", "CAPI: the kube-api LB reconcile times out during a cold start (LB provisioning ERROR, Available=False)"),
    ("container-unhealthy", "TripleO: a container's health check fails until it restarts; its API service goes down"),
    ("container-exited", "TripleO: a container exits (exit_code, default 137) and stays exited until started"),
    ("container-restarting", "TripleO: a container crash-loops until the fault is removed"),
    ("controller-offline", "TripleO: a controller goes offline (VIPs move, replicas stop, masters promoted elsewhere)"),
    ("galera-desync", "Galera: a node leaves Synced (state, default Donor/Desynced)"),
    ("galera-non-primary", "Galera: a node loses the primary component"),
    ("rabbitmq-partition", "RabbitMQ: a node is partitioned from the others"),
    ("rabbitmq-alarm", "RabbitMQ: a memory or disk alarm on a node"),
    ("haproxy-backend-failing", "HAProxy: a node's backends fail their checks (listen glob, default all)"),
    ("ceph-osd-down", "Ceph: `osds` OSDs go down"),
    ("pacemaker-action-failure", "Pacemaker: a resource operation fails on a node (Failed Actions until cleanup)"),
];

/// What a client posts to add a fault: the action's fields (`kind` and its parameters) beside
/// `match`, `count` (fire at most this many times) and `duration` (simulated, `90`, `30s`, `5m`).
#[derive(Clone, Debug)]
pub struct FaultRequest {
    pub action: FaultAction,
    pub matcher: FaultMatch,
    pub count: Option<u32>,
    pub duration: Option<String>,
}

impl FaultRequest {
    /// Parses a request strictly: an unknown kind or an unknown field is an error, not ignored.
    pub fn from_json(value: Value) -> Result<FaultRequest, String> {
        let Value::Object(mut obj) = value else {
            return Err("a fault must be a JSON object".into());
        };
        let matcher = match obj.remove("match") {
            Some(m) => {
                let matcher: FaultMatch = from_value_strict(&m).map_err(|e| format!("invalid 'match': {e}"))?;
                if let Some(k) = matcher.objects.keys().find(|k| !OBJECT_MATCH_KEYS.contains(&k.as_str())) {
                    return Err(format!("invalid 'match': unknown field `{k}`"));
                }
                matcher
            }
            None => FaultMatch::default(),
        };
        let count = match obj.remove("count") {
            Some(c) => Some(serde_json::from_value::<u32>(c).map_err(|e| format!("invalid 'count': {e}"))?),
            None => None,
        };
        let duration = match obj.remove("duration") {
            Some(Value::String(d)) => Some(d),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(_) => return Err("'duration' must be seconds or a duration string such as \"30s\"".into()),
            None => None,
        };
        let rest = Value::Object(obj);
        let action: FaultAction = from_value_strict(&rest).map_err(|e| format!("invalid fault: {e}"))?;
        // Every field given must be one the action knows (serialising it lists them all).
        let known = serde_json::to_value(&action).map_err(|e| e.to_string())?;
        if let Some(extra) = rest.as_object().into_iter().flatten().map(|(k, _)| k).find(|k| known.get(k.as_str()).is_none()) {
            return Err(format!("unknown field '{extra}' for a fault"));
        }
        Ok(FaultRequest { action, matcher, count, duration })
    }
}

impl FaultAction {
    /// Request faults (`api-*`) and Octavia object faults act when they fire; the others change the
    /// world when they are installed and removed.
    pub fn fires_on_use(&self) -> bool {
        matches!(
            self,
            FaultAction::ApiError { .. }
                | FaultAction::ApiLatency { .. }
                | FaultAction::MemberLag { .. }
                | FaultAction::MemberStuck
                | FaultAction::MemberError
                | FaultAction::MemberDeleteLag { .. }
                | FaultAction::LostTask
                | FaultAction::CapiLbTimeout
        )
    }

    pub fn validate(&self) -> Result<(), String> {
        match self {
            FaultAction::ApiError { status, .. } if !(400..=599).contains(status) => {
                Err(format!("api-error status must be between 400 and 599, got {status}"))
            }
            FaultAction::ApiLatency { seconds } if !seconds.is_finite() || !(0.0..=3600.0).contains(seconds) => {
                Err(format!("api-latency seconds must be between 0 and 3600, got {seconds}"))
            }
            _ => Ok(()),
        }
    }
}

impl FaultAction {
    /// The request faults (`api-*`), which fire on matching API calls.
    pub fn is_request_fault(&self) -> bool {
        matches!(self, FaultAction::ApiError { .. } | FaultAction::ApiLatency { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_outside_4xx_5xx_is_refused() {
        assert!(FaultAction::ApiError { status: 200, message: None }.validate().is_err());
        assert!(FaultAction::ApiError { status: 500, message: None }.validate().is_ok());
    }

    #[test]
    fn request_form_parses_with_match_and_budget() {
        let parse = |s: &str| FaultRequest::from_json(serde_json::from_str(s).unwrap());
        let r = parse(r#"{"kind":"api-error","status":500,"match":{"service":"identity","method":"POST"},"count":1,"duration":"30s"}"#)
            .unwrap();
        assert_eq!(r.count, Some(1));
        assert_eq!(r.matcher.method.as_deref(), Some("POST"));
        assert!(parse(r#"{"kind":"meteor-strike"}"#).is_err());
        assert!(parse(r#"{"kind":"api-error","status":500,"colour":"red"}"#).unwrap_err().contains("colour"));
        assert!(parse(r#"{"kind":"api-error","status":500,"match":{"planet":"mars"}}"#).is_err());
        let member = parse(r#"{"kind":"member-lag","seconds":30,"match":{"pool":"k8s-*"}}"#).unwrap();
        assert_eq!(member.matcher.objects.get("pool").map(String::as_str), Some("k8s-*"));
    }
}
