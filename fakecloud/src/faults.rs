//! The fault kinds the cloud offers: named, parameterised misbehaviour on purpose, in the spirit of
//! mimic's behaviours. The simulation core keeps them (`sim::faults`, with their match criteria
//! and budget); the kinds themselves are the services': each declares its own in
//! `<service>/faults.rs`, as it declares its events, and its flows say what a kind does to the
//! world. This file holds the API-level kinds, the union of all of them and the request a client
//! posts. The real service's normal behaviour is never a fault.

use crate::http::strict_json::from_value_strict;
use crate::loadbalancer::faults::OBJECT_MATCH_KEYS;
pub use crate::sim::faults::{FaultMatch, RequestFacts};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::OnceLock;

/// An installed fault of one of the kinds below.
pub type Fault = crate::sim::Fault<FaultAction>;
/// The registry of installed faults.
pub type Faults = crate::sim::Faults<FaultAction>;

/// What an installed fault does: one of the kinds a service declares (`<service>/faults.rs`), or
/// an API-level one that any service's requests may meet. Untagged, since each service's enum
/// already carries its `kind` tag: the snapshot and control-API form is one flat object per fault,
/// whoever owns its kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FaultAction {
    Api(ApiFault),
    Compute(crate::compute::FaultAction),
    LoadBalancer(crate::loadbalancer::FaultAction),
    ContainerInfra(crate::container_infra::FaultAction),
    Overcloud(crate::tripleo::FaultAction),
}

macro_rules! fault_from {
    ($($variant:ident($t:ty)),*) => {$(
        impl From<$t> for FaultAction {
            fn from(a: $t) -> FaultAction {
                FaultAction::$variant(a)
            }
        }
    )*};
}
fault_from!(
    Api(ApiFault),
    Compute(crate::compute::FaultAction),
    LoadBalancer(crate::loadbalancer::FaultAction),
    ContainerInfra(crate::container_infra::FaultAction),
    Overcloud(crate::tripleo::FaultAction)
);

/// The request faults: they belong to no one service, since they act on whichever service's API
/// call they match, answering in that service's own error format.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ApiFault {
    /// Answer matching API requests with this status, in the service's own error format.
    ApiError {
        status: u16,
        #[serde(default)]
        message: Option<String>,
    },
    /// Matching API requests take `seconds` of simulated time before they are answered.
    ApiLatency { seconds: f64 },
}

/// The API-level kinds as a client names them, with a one-line description.
pub const API_KINDS: &[(&str, &str)] = &[
    ("api-error", "answer matching API requests with an error status in the service's format"),
    ("api-latency", "matching API requests take `seconds` of simulated time to answer"),
];

/// Reads a fault of one owner's kinds into the union.
type ParseFault = fn(&Value) -> Result<FaultAction, serde_json::Error>;

fn parse_as<T: DeserializeOwned + Into<FaultAction>>(v: &Value) -> Result<FaultAction, serde_json::Error> {
    from_value_strict::<T>(v).map(Into::into)
}

/// Each owner's kinds and how a request of one of them is read, in the order they are listed.
/// A request is read as its owner's enum alone: the union is untagged, and an untagged miss only
/// says that nothing matched, where the owner's enum names the field that is wrong.
const OWNERS: &[(&[(&str, &str)], ParseFault)] = &[
    (API_KINDS, parse_as::<ApiFault>),
    (crate::compute::faults::KINDS, parse_as::<crate::compute::FaultAction>),
    (crate::loadbalancer::faults::KINDS, parse_as::<crate::loadbalancer::FaultAction>),
    (crate::container_infra::faults::KINDS, parse_as::<crate::container_infra::FaultAction>),
    (crate::tripleo::faults::KINDS, parse_as::<crate::tripleo::FaultAction>),
];

/// The kinds a client may ask for, with a one-line description (shown by `GET /_fakecloud/faults`):
/// the API-level ones, then each service's.
pub fn kinds() -> impl Iterator<Item = (&'static str, &'static str)> {
    OWNERS.iter().flat_map(|(kinds, _)| kinds.iter().copied())
}

/// The error for a kind no one declares, in serde's own words for an unknown variant, listing every
/// kind the cloud offers.
fn unknown_kind(kind: &str) -> serde_json::Error {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    let names = NAMES.get_or_init(|| kinds().map(|(k, _)| k).collect());
    serde::de::Error::unknown_variant(kind, names)
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
        let parse = match rest.get("kind") {
            Some(Value::String(kind)) => match OWNERS.iter().find(|(kinds, _)| kinds.iter().any(|(k, _)| k == kind)) {
                Some((_, parse)) => parse,
                None => return Err(format!("invalid fault: {}", unknown_kind(kind))),
            },
            // A kind is a name: serde would also take a number as a variant's position.
            Some(_) => return Err("invalid fault: `kind` must be the name of a fault kind".into()),
            None => return Err("invalid fault: missing field `kind`".into()),
        };
        let action = parse(&rest).map_err(|e| format!("invalid fault: {e}"))?;
        // Every field given must be one the action knows (serialising it lists them all).
        let known = serde_json::to_value(&action).map_err(|e| e.to_string())?;
        if let Some(extra) = rest.as_object().into_iter().flatten().map(|(k, _)| k).find(|k| known.get(k.as_str()).is_none()) {
            return Err(format!("unknown field '{extra}' for a fault"));
        }
        Ok(FaultRequest { action, matcher, count, duration })
    }
}

impl FaultAction {
    /// Request faults (`api-*`) and object faults act when they fire; the others change the world
    /// when they are installed and removed.
    pub fn fires_on_use(&self) -> bool {
        match self {
            FaultAction::Api(_) | FaultAction::LoadBalancer(_) => true,
            FaultAction::Compute(_) | FaultAction::Overcloud(_) => false,
            FaultAction::ContainerInfra(a) => a.fires_on_use(),
        }
    }

    /// The request faults (`api-*`), which fire on matching API calls.
    pub fn is_request_fault(&self) -> bool {
        matches!(self, FaultAction::Api(_))
    }

    pub fn validate(&self) -> Result<(), String> {
        match self {
            FaultAction::Api(a) => a.validate(),
            _ => Ok(()),
        }
    }
}

impl ApiFault {
    fn validate(&self) -> Result<(), String> {
        match self {
            ApiFault::ApiError { status, .. } if !(400..=599).contains(status) => {
                Err(format!("api-error status must be between 400 and 599, got {status}"))
            }
            ApiFault::ApiLatency { seconds } if !seconds.is_finite() || !(0.0..=3600.0).contains(seconds) => {
                Err(format!("api-latency seconds must be between 0 and 3600, got {seconds}"))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn status_outside_4xx_5xx_is_refused() {
        assert!(FaultAction::from(ApiFault::ApiError { status: 200, message: None }).validate().is_err());
        assert!(FaultAction::from(ApiFault::ApiError { status: 500, message: None }).validate().is_ok());
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

    #[test]
    fn an_unknown_or_missing_kind_is_named_in_the_error() {
        let parse = |v: Value| FaultRequest::from_json(v).unwrap_err();
        let unknown = parse(json!({"kind": "meteor-strike"}));
        assert!(
            unknown.starts_with("invalid fault: unknown variant `meteor-strike`, expected one of `api-error`, `api-latency`, `host-down`")
        );
        assert!(kinds().all(|(k, _)| unknown.contains(&format!("`{k}`"))), "{unknown}");
        assert_eq!(parse(json!({"status": 500})), "invalid fault: missing field `kind`");
        // Not the variant at position 5.
        assert!(parse(json!({"kind": 5})).contains("`kind`"));
        // The owner's enum names the field that is wrong.
        assert_eq!(parse(json!({"kind": "host-down"})), "invalid fault: missing field `host`");
        assert_eq!(parse(json!({"kind": "host-down", "host": 5})), "invalid fault: invalid type: integer `5`, expected a string");
    }

    /// One valid request per kind. A kind listed without one here fails the test below.
    fn sample(kind: &str) -> Value {
        let fields = match kind {
            "api-error" => json!({"status": 503}),
            "api-latency" => json!({"seconds": 2.5}),
            "host-down" | "host-pressure" | "agents-down" => json!({"host": "compute-1"}),
            "host-reboot" => json!({"host": "compute-1", "boot_secs": 60}),
            "service-down" => json!({"binary": "nova-compute", "host": "compute-1"}),
            "member-lag" | "member-delete-lag" | "member-health-lag" => json!({"seconds": 30}),
            "member-stuck" | "member-error" | "lost-task" | "capi-contract-miss" | "capi-lb-timeout" => json!({}),
            "container-unhealthy" | "container-restarting" => json!({"node": "controller-0", "container": "nova_api"}),
            "container-exited" => json!({"node": "controller-0", "container": "nova_api", "exit_code": 1}),
            "controller-offline" | "galera-non-primary" | "rabbitmq-partition" => json!({"node": "controller-0"}),
            "galera-desync" => json!({"node": "controller-0", "state": "Joining"}),
            "rabbitmq-alarm" => json!({"node": "controller-0", "alarm": "memory"}),
            "haproxy-backend-failing" => json!({"node": "controller-0", "listen": "nova_*"}),
            "ceph-osd-down" => json!({"osds": 1}),
            "pacemaker-action-failure" => json!({"resource": "galera-bundle", "node": "controller-0", "action": "start"}),
            other => panic!("no sample request for fault kind '{other}'"),
        };
        let mut v = fields;
        v["kind"] = json!(kind);
        v
    }

    /// Where the owner of the union's variant is listed in `OWNERS`.
    fn owner(a: &FaultAction) -> usize {
        match a {
            FaultAction::Api(_) => 0,
            FaultAction::Compute(_) => 1,
            FaultAction::LoadBalancer(_) => 2,
            FaultAction::ContainerInfra(_) => 3,
            FaultAction::Overcloud(_) => 4,
        }
    }

    #[test]
    fn every_listed_kind_parses_into_its_owners_variant_and_round_trips() {
        assert_eq!(OWNERS.len(), 5, "a new owner needs a variant in the union and in `owner` above");
        for (i, (kinds, _)) in OWNERS.iter().enumerate() {
            for (kind, _) in *kinds {
                let request = sample(kind);
                let parsed = FaultRequest::from_json(request.clone()).unwrap_or_else(|e| panic!("{kind}: {e}"));
                assert_eq!(owner(&parsed.action), i, "{kind} parsed into another service's kinds");
                // The serialised form holds the request's fields, `kind` among them, flat (and the
                // optional ones not given, as the owner's enum writes them).
                let v = serde_json::to_value(&parsed.action).unwrap();
                for (field, value) in request.as_object().unwrap() {
                    assert_eq!(v.get(field), Some(value), "{kind}: {field}");
                }
                // And a snapshot reads it back into the same variant.
                assert_eq!(serde_json::from_value::<FaultAction>(v).unwrap(), parsed.action, "{kind}");
            }
        }
        let names: Vec<&str> = kinds().map(|(k, _)| k).collect();
        let unique: std::collections::BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len(), "a kind is listed twice");
    }

    /// The names serde knows for an enum's variants, read from its unknown-variant error.
    fn variants<T: DeserializeOwned + std::fmt::Debug>() -> Vec<String> {
        let e = serde_json::from_value::<T>(json!({"kind": "?"})).unwrap_err().to_string();
        let expected = e.split_once("expected").map(|(_, l)| l).unwrap_or_else(|| panic!("{e}"));
        expected.split('`').skip(1).step_by(2).map(String::from).collect()
    }

    #[test]
    fn every_variant_of_each_owner_is_listed() {
        // A variant left out of its owner's list could never be asked for: requests are checked
        // against the lists before they are read.
        let listed = |kinds: &[(&str, &str)]| kinds.iter().map(|(k, _)| k.to_string()).collect::<Vec<_>>();
        assert_eq!(variants::<ApiFault>(), listed(API_KINDS));
        assert_eq!(variants::<crate::compute::FaultAction>(), listed(crate::compute::faults::KINDS));
        assert_eq!(variants::<crate::loadbalancer::FaultAction>(), listed(crate::loadbalancer::faults::KINDS));
        assert_eq!(variants::<crate::container_infra::FaultAction>(), listed(crate::container_infra::faults::KINDS));
        assert_eq!(variants::<crate::tripleo::FaultAction>(), listed(crate::tripleo::faults::KINDS));
    }

    #[test]
    fn an_installed_fault_of_each_owner_has_its_kind_at_top_level() {
        let actions: [FaultAction; 5] = [
            ApiFault::ApiLatency { seconds: 1.0 }.into(),
            crate::compute::FaultAction::HostDown { host: "compute-1".into() }.into(),
            crate::loadbalancer::FaultAction::MemberStuck.into(),
            crate::container_infra::FaultAction::CapiLbTimeout.into(),
            crate::tripleo::FaultAction::CephOsdDown { osds: 2 }.into(),
        ];
        let kinds = ["api-latency", "host-down", "member-stuck", "capi-lb-timeout", "ceph-osd-down"];
        for (action, kind) in actions.into_iter().zip(kinds) {
            let fault = Fault { id: "f-1".into(), action, matcher: FaultMatch::default(), remaining: None, expires_at: None, hits: 0 };
            let v = serde_json::to_value(&fault).unwrap();
            assert_eq!(v["kind"], kind);
            assert_eq!(v["id"], "f-1");
            let back: Fault = serde_json::from_value(v).unwrap();
            assert_eq!(back, fault);
        }
        let host_down = Fault {
            id: "f-2".into(),
            action: crate::compute::FaultAction::HostDown { host: "compute-1".into() }.into(),
            matcher: FaultMatch::default(),
            remaining: Some(1),
            expires_at: None,
            hits: 0,
        };
        assert_eq!(
            serde_json::to_string(&host_down).unwrap(),
            r#"{"id":"f-2","kind":"host-down","host":"compute-1","match":{},"remaining":1,"expires_at":null,"hits":0}"#
        );
    }
}
