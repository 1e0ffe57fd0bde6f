//! The fault registry: named, parameterised rules that make the cloud misbehave on purpose, each
//! with match criteria and a budget (a number of hits and/or a simulated duration), in the spirit of
//! mimic's behaviours. The real service's normal behaviour is never a fault; later services add
//! their kinds to `FaultAction`.

use crate::sim::SimTime;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wildmatch::WildMatch;

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

/// Which requests a fault applies to; an absent field matches anything. `path` is a glob over the
/// full request path (`*` and `?`), e.g. `/compute/v2.1/servers*`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultMatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Project id of the caller's token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// Octavia and CAPI object faults: globs over the load balancer, pool and member names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loadbalancer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
}

/// The names an Octavia object fault is matched against.
pub struct ObjectNames<'a> {
    pub loadbalancer: &'a str,
    pub pool: &'a str,
    pub member: &'a str,
}

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
            Some(m) => crate::http::extract::from_value_strict(&m).map_err(|e| format!("invalid 'match': {e}"))?,
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
        let action: FaultAction = crate::http::extract::from_value_strict(&rest).map_err(|e| format!("invalid fault: {e}"))?;
        // Every field given must be one the action knows (serialising it lists them all).
        let known = serde_json::to_value(&action).map_err(|e| e.to_string())?;
        if let Some(extra) = rest.as_object().into_iter().flatten().map(|(k, _)| k).find(|k| known.get(k.as_str()).is_none()) {
            return Err(format!("unknown field '{extra}' for a fault"));
        }
        Ok(FaultRequest { action, matcher, count, duration })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    pub id: String,
    #[serde(flatten)]
    pub action: FaultAction,
    #[serde(rename = "match")]
    pub matcher: FaultMatch,
    pub remaining: Option<u32>,
    pub expires_at: Option<SimTime>,
    pub hits: u64,
}

/// A request as faults see it.
pub struct RequestFacts<'a> {
    pub service: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub project_id: Option<&'a str>,
}

impl FaultMatch {
    fn matches_object(&self, n: &ObjectNames) -> bool {
        let glob = |g: &Option<String>, v: &str| g.as_deref().is_none_or(|g| WildMatch::new(g).matches(v));
        glob(&self.loadbalancer, n.loadbalancer) && glob(&self.pool, n.pool) && glob(&self.member, n.member)
    }

    fn matches(&self, r: &RequestFacts) -> bool {
        self.service.as_deref().is_none_or(|s| s == r.service)
            && self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(r.method))
            && self.path.as_deref().is_none_or(|p| WildMatch::new(p).matches(r.path))
            && self.project_id.as_deref().is_none_or(|p| Some(p) == r.project_id)
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

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Faults {
    installed: Vec<Fault>,
}

impl Faults {
    pub fn add(&mut self, fault: Fault) {
        self.installed.push(fault);
    }

    pub fn remove(&mut self, id: &str) -> Option<Fault> {
        let at = self.installed.iter().position(|f| f.id == id)?;
        Some(self.installed.remove(at))
    }

    pub fn list(&self) -> &[Fault] {
        &self.installed
    }

    /// The first installed API fault matching the request; uses one unit of its budget and removes it
    /// when the budget is spent. Returns the fault as it was when it fired.
    pub fn fire_api(&mut self, r: &RequestFacts) -> Option<Fault> {
        let at = self
            .installed
            .iter()
            .position(|f| matches!(f.action, FaultAction::ApiError { .. } | FaultAction::ApiLatency { .. }) && f.matcher.matches(r))?;
        Some(self.spend(at))
    }

    /// The first installed object fault that `want` accepts and whose match names these objects;
    /// spends one unit of its budget as `fire_api` does.
    pub fn fire_object(&mut self, n: &ObjectNames, want: impl Fn(&FaultAction) -> bool) -> Option<Fault> {
        let at = self.installed.iter().position(|f| want(&f.action) && f.matcher.matches_object(n))?;
        Some(self.spend(at))
    }

    fn spend(&mut self, at: usize) -> Fault {
        let f = &mut self.installed[at];
        f.hits += 1;
        if let Some(n) = f.remaining.as_mut() {
            *n -= 1;
        }
        let fired = f.clone();
        if f.remaining == Some(0) {
            self.installed.remove(at);
        }
        fired
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(path: &str, remaining: Option<u32>) -> Fault {
        Fault {
            id: "f1".into(),
            action: FaultAction::ApiError { status: 503, message: None },
            matcher: FaultMatch { service: Some("compute".into()), path: Some(path.into()), ..Default::default() },
            remaining,
            expires_at: None,
            hits: 0,
        }
    }

    fn get(path: &str) -> RequestFacts<'_> {
        RequestFacts { service: "compute", method: "GET", path, project_id: None }
    }

    #[test]
    fn a_counted_fault_fires_that_many_times_then_goes() {
        let mut fs = Faults::default();
        fs.add(fault("/compute/v2.1/servers*", Some(2)));
        assert!(fs.fire_api(&get("/compute/v2.1/flavors")).is_none());
        assert!(fs.fire_api(&get("/compute/v2.1/servers/detail")).is_some());
        assert!(fs.fire_api(&get("/compute/v2.1/servers")).is_some());
        assert!(fs.fire_api(&get("/compute/v2.1/servers")).is_none());
        assert!(fs.list().is_empty());
    }

    #[test]
    fn member_faults_match_object_names_by_glob_and_spend_their_count() {
        let mut fs = Faults::default();
        let mut f = fault("*", Some(1));
        f.action = FaultAction::MemberLag { seconds: 30 };
        f.matcher = FaultMatch { pool: Some("k8s-*".into()), ..Default::default() };
        fs.add(f);
        let names = |pool| ObjectNames { loadbalancer: "lb", pool, member: "m" };
        let lag = |a: &FaultAction| matches!(a, FaultAction::MemberLag { .. });
        assert!(fs.fire_object(&names("web-pool"), lag).is_none(), "another pool's member is not matched");
        assert!(fs.fire_object(&names("k8s-api-6443"), |a| matches!(a, FaultAction::MemberError)).is_none(), "kind must match");
        assert!(fs.fire_object(&names("k8s-api-6443"), lag).is_some());
        assert!(fs.fire_object(&names("k8s-api-6443"), lag).is_none(), "count 1 is spent");
    }

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
    }
}
