//! Neutron's resource attribute maps: which attributes each resource has, which a POST or PUT may
//! set, which are required, and the validators and converters Neutron applies to them (with
//! neutron-lib's messages). A body is checked completely before anything else looks at it, and the
//! same tables tell the list API which attributes may be filtered and sorted on.

use super::error::{NResult, NeutronError};
use super::ipam;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// How an attribute's value is validated and converted.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// Shown, never written.
    ReadOnly,
    Str(usize),
    NullableStr(usize),
    Bool,
    Uuid,
    NullableUuid,
    Int(i64, i64),
    NullableInt(i64, i64),
    Ip,
    NullableIp,
    /// A CIDR given as text; its meaning is checked by the model.
    CidrText,
    NullableCidrText,
    Mac,
    Pools,
    HostRoutes,
    Nameservers,
    FixedIps,
    UuidList,
    StrList(usize),
    Dict,
    AddressPairs,
    NullableGateway,
    Values(&'static [&'static str]),
    IntValues(&'static [i64]),
    Protocol,
    Project,
    /// Extra DHCP options: a list (null is none) of `{opt_name, opt_value, ip_version}`.
    DhcpOpts,
    /// A security group rule's port: null, or an integer 0 to 65535 (`convert_validate_port_value`).
    Port,
}

#[derive(Clone, Copy, Debug)]
pub struct Attr {
    pub name: &'static str,
    pub post: bool,
    pub put: bool,
    pub required: bool,
    pub kind: Kind,
}

const fn ro(name: &'static str) -> Attr {
    Attr { name, post: false, put: false, required: false, kind: Kind::ReadOnly }
}
const fn rw(name: &'static str, kind: Kind) -> Attr {
    Attr { name, post: true, put: true, required: false, kind }
}
const fn post(name: &'static str, kind: Kind) -> Attr {
    Attr { name, post: true, put: false, required: false, kind }
}
const fn required(name: &'static str, kind: Kind) -> Attr {
    Attr { name, post: true, put: false, required: true, kind }
}
const fn put(name: &'static str, kind: Kind) -> Attr {
    Attr { name, post: false, put: true, required: false, kind }
}

const NAME: Kind = Kind::Str(255);
const DESCRIPTION: Kind = Kind::Str(255);
const TAGS: Kind = Kind::StrList(255);

/// One Neutron resource: its body keys and attribute map.
#[derive(Debug)]
pub struct Resource {
    pub singular: &'static str,
    pub plural: &'static str,
    pub attrs: &'static [Attr],
}

impl Resource {
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

macro_rules! standard {
    () => {
        [
            ro("created_at"),
            ro("updated_at"),
            ro("revision_number"),
            post("tags", TAGS),
            post("tenant_id", Kind::Project),
            post("project_id", Kind::Project),
        ]
    };
}

const fn join<const A: usize, const B: usize, const C: usize>(a: [Attr; A], b: [Attr; B]) -> [Attr; C] {
    let mut out = [ro(""); C];
    let mut i = 0;
    while i < A {
        out[i] = a[i];
        i += 1;
    }
    let mut j = 0;
    while j < B {
        out[A + j] = b[j];
        j += 1;
    }
    out
}

const NETWORK_ATTRS: [Attr; 22] = join(
    [
        ro("id"),
        rw("name", NAME),
        rw("description", DESCRIPTION),
        rw("admin_state_up", Kind::Bool),
        ro("status"),
        ro("subnets"),
        rw("shared", Kind::Bool),
        rw("router:external", Kind::Bool),
        rw("mtu", Kind::Int(68, 65535)),
        rw("port_security_enabled", Kind::Bool),
        post("provider:network_type", Kind::Values(&["flat", "vlan", "vxlan", "geneve", "local"])),
        post("provider:physical_network", Kind::NullableStr(64)),
        post("provider:segmentation_id", Kind::Int(1, 16_777_215)),
        post("availability_zone_hints", Kind::StrList(255)),
        ro("availability_zones"),
        ro("l2_adjacency"),
    ],
    standard!(),
);

const SUBNET_ATTRS: [Attr; 25] = join(
    [
        ro("id"),
        rw("name", NAME),
        rw("description", DESCRIPTION),
        required("network_id", Kind::Uuid),
        // Optional: a subnet pool can choose it.
        post("cidr", Kind::NullableCidrText),
        post("prefixlen", Kind::Int(0, 128)),
        required("ip_version", Kind::IntValues(&[4, 6])),
        rw("gateway_ip", Kind::NullableIp),
        rw("allocation_pools", Kind::Pools),
        rw("enable_dhcp", Kind::Bool),
        rw("dns_nameservers", Kind::Nameservers),
        rw("host_routes", Kind::HostRoutes),
        rw("service_types", Kind::StrList(255)),
        post("ipv6_ra_mode", Kind::Values(&["dhcpv6-stateful", "dhcpv6-stateless", "slaac"])),
        post("ipv6_address_mode", Kind::Values(&["dhcpv6-stateful", "dhcpv6-stateless", "slaac"])),
        post("subnetpool_id", Kind::NullableUuid),
        post("use_default_subnetpool", Kind::Bool),
        rw("segment_id", Kind::NullableUuid),
        ro("router:external"),
    ],
    standard!(),
);

const SUBNETPOOL_ATTRS: [Attr; 18] = join(
    [
        ro("id"),
        Attr { name: "name", post: true, put: true, required: true, kind: NAME },
        rw("description", DESCRIPTION),
        Attr { name: "prefixes", post: true, put: true, required: true, kind: Kind::StrList(64) },
        rw("default_quota", Kind::NullableInt(0, i64::MAX)),
        ro("ip_version"),
        rw("default_prefixlen", Kind::Int(0, 128)),
        rw("min_prefixlen", Kind::Int(0, 128)),
        rw("max_prefixlen", Kind::Int(0, 128)),
        rw("is_default", Kind::Bool),
        post("shared", Kind::Bool),
        rw("address_scope_id", Kind::NullableUuid),
    ],
    standard!(),
);

const METERING_LABEL_ATTRS: [Attr; 6] = [
    ro("id"),
    post("name", NAME),
    post("description", DESCRIPTION),
    post("shared", Kind::Bool),
    post("tenant_id", Kind::Project),
    post("project_id", Kind::Project),
];

const METERING_RULE_ATTRS: [Attr; 9] = [
    ro("id"),
    required("metering_label_id", Kind::Uuid),
    required("direction", Kind::Values(&["ingress", "egress"])),
    post("excluded", Kind::Bool),
    post("remote_ip_prefix", Kind::NullableCidrText),
    post("source_ip_prefix", Kind::NullableCidrText),
    post("destination_ip_prefix", Kind::NullableCidrText),
    post("tenant_id", Kind::Project),
    post("project_id", Kind::Project),
];

const PORT_ATTRS: [Attr; 26] = join(
    [
        rw("extra_dhcp_opts", Kind::DhcpOpts),
        ro("id"),
        rw("name", NAME),
        rw("description", DESCRIPTION),
        required("network_id", Kind::Uuid),
        rw("admin_state_up", Kind::Bool),
        rw("mac_address", Kind::Mac),
        rw("fixed_ips", Kind::FixedIps),
        rw("device_id", Kind::Str(255)),
        rw("device_owner", Kind::Str(255)),
        ro("status"),
        rw("security_groups", Kind::UuidList),
        rw("port_security_enabled", Kind::Bool),
        rw("allowed_address_pairs", Kind::AddressPairs),
        rw("binding:host_id", Kind::Str(255)),
        rw("binding:profile", Kind::Dict),
        rw(
            "binding:vnic_type",
            Kind::Values(&[
                "normal",
                "direct",
                "macvtap",
                "baremetal",
                "direct-physical",
                "virtio-forwarder",
                "smart-nic",
                "remote-managed",
                "vdpa",
            ]),
        ),
        ro("binding:vif_type"),
        ro("binding:vif_details"),
        ro("ip_allocation"),
    ],
    standard!(),
);

const FLOATINGIP_ATTRS: [Attr; 16] = join(
    [
        ro("id"),
        rw("description", DESCRIPTION),
        required("floating_network_id", Kind::Uuid),
        post("floating_ip_address", Kind::Ip),
        post("subnet_id", Kind::NullableUuid),
        rw("port_id", Kind::NullableUuid),
        rw("fixed_ip_address", Kind::NullableIp),
        ro("router_id"),
        ro("status"),
        ro("port_details"),
    ],
    standard!(),
);

const ROUTER_ATTRS: [Attr; 18] = join(
    [
        ro("id"),
        rw("name", NAME),
        rw("description", DESCRIPTION),
        rw("admin_state_up", Kind::Bool),
        ro("status"),
        rw("external_gateway_info", Kind::NullableGateway),
        rw("distributed", Kind::Bool),
        rw("ha", Kind::Bool),
        post("availability_zone_hints", Kind::StrList(255)),
        ro("availability_zones"),
        put("routes", Kind::HostRoutes),
        ro("flavor_id"),
    ],
    standard!(),
);

const SECURITY_GROUP_ATTRS: [Attr; 12] = join(
    [ro("id"), rw("name", NAME), rw("description", DESCRIPTION), rw("stateful", Kind::Bool), ro("shared"), ro("security_group_rules")],
    standard!(),
);

const RULE_ATTRS: [Attr; 18] = join(
    [
        ro("id"),
        post("description", DESCRIPTION),
        required("security_group_id", Kind::Uuid),
        required("direction", Kind::Values(&["ingress", "egress"])),
        post("ethertype", Kind::Values(&["IPv4", "IPv6"])),
        post("protocol", Kind::Protocol),
        post("port_range_min", Kind::Port),
        post("port_range_max", Kind::Port),
        post("remote_ip_prefix", Kind::NullableCidrText),
        post("remote_group_id", Kind::NullableStr(255)),
        post("remote_address_group_id", Kind::NullableUuid),
        ro("normalized_cidr"),
        ro("belongs_to_default_sg"),
    ],
    [ro("created_at"), ro("updated_at"), ro("revision_number"), post("tenant_id", Kind::Project), post("project_id", Kind::Project)],
);

const AGENT_ATTRS: [Attr; 15] = [
    ro("id"),
    ro("agent_type"),
    ro("binary"),
    ro("topic"),
    ro("host"),
    put("admin_state_up", Kind::Bool),
    ro("created_at"),
    ro("started_at"),
    ro("heartbeat_timestamp"),
    ro("alive"),
    ro("configurations"),
    put("description", Kind::NullableStr(255)),
    ro("availability_zone"),
    ro("resources_synced"),
    ro("resource_versions"),
];

pub static NETWORK: Resource = Resource { singular: "network", plural: "networks", attrs: &NETWORK_ATTRS };
pub static SUBNET: Resource = Resource { singular: "subnet", plural: "subnets", attrs: &SUBNET_ATTRS };
pub static SUBNETPOOL: Resource = Resource { singular: "subnetpool", plural: "subnetpools", attrs: &SUBNETPOOL_ATTRS };
pub static METERING_LABEL: Resource = Resource { singular: "metering_label", plural: "metering_labels", attrs: &METERING_LABEL_ATTRS };
pub static METERING_RULE: Resource =
    Resource { singular: "metering_label_rule", plural: "metering_label_rules", attrs: &METERING_RULE_ATTRS };
pub static PORT: Resource = Resource { singular: "port", plural: "ports", attrs: &PORT_ATTRS };
pub static FLOATINGIP: Resource = Resource { singular: "floatingip", plural: "floatingips", attrs: &FLOATINGIP_ATTRS };
pub static ROUTER: Resource = Resource { singular: "router", plural: "routers", attrs: &ROUTER_ATTRS };
pub static SECURITY_GROUP: Resource = Resource { singular: "security_group", plural: "security_groups", attrs: &SECURITY_GROUP_ATTRS };
pub static SECURITY_GROUP_RULE: Resource = Resource { singular: "security_group_rule", plural: "security_group_rules", attrs: &RULE_ATTRS };
pub static AGENT: Resource = Resource { singular: "agent", plural: "agents", attrs: &AGENT_ATTRS };

/// A validated body: the canonical attribute values and the project it names (tenant_id or
/// project_id), if any.
#[derive(Debug, Default)]
pub struct Validated {
    pub attrs: Map<String, Value>,
    pub project_id: Option<String>,
}

impl Validated {
    pub fn has(&self, name: &str) -> bool {
        self.attrs.contains_key(name)
    }

    /// Whether an attribute is given with a value other than `default` (Neutron's
    /// `_is_attribute_explicitly_set`, which decides whether an attribute policy applies).
    pub fn set_to_other_than(&self, name: &str, default: &Value) -> bool {
        self.attrs.get(name).is_some_and(|v| v != default)
    }

    /// The typed spec for the model.
    pub fn into_spec<T: serde::de::DeserializeOwned>(self) -> NResult<T> {
        serde_json::from_value(Value::Object(self.attrs)).map_err(|e| NeutronError::bad_request(format!("Invalid input: {e}")))
    }
}

/// Python's `str()` of a JSON value, which is how Neutron's messages quote what they were given.
pub fn py(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Null => "None".into(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => format!("[{}]", a.iter().map(py_repr).collect::<Vec<_>>().join(", ")),
        Value::Object(o) => format!("{{{}}}", o.iter().map(|(k, v)| format!("'{k}': {}", py_repr(v))).collect::<Vec<_>>().join(", ")),
    }
}

fn py_repr(v: &Value) -> String {
    match v {
        Value::String(s) => format!("'{s}'"),
        other => py(other),
    }
}

fn py_list(items: &[&str]) -> String {
    format!("[{}]", items.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", "))
}

/// Checks a create (`POST`) or update (`PUT`) body for `res` completely.
pub fn validate(res: &Resource, body: &Value, create: bool) -> NResult<Validated> {
    let Some(top) = body.as_object() else {
        return Err(NeutronError::bad_request("Body contains invalid data"));
    };
    let Some(inner) = top.get(res.singular) else {
        return Err(NeutronError::bad_request(format!("Unable to find '{}' in request body", res.singular)));
    };
    let Some(inner) = inner.as_object() else {
        return Err(NeutronError::bad_request("Body contains invalid data"));
    };
    let mut unknown: Vec<&str> = inner.keys().filter(|k| res.attr(k).is_none()).map(String::as_str).collect();
    if !unknown.is_empty() {
        unknown.sort();
        return Err(NeutronError::bad_request(format!("Unrecognized attribute(s) '{}'", unknown.join(", "))));
    }
    let mut out = Validated::default();
    for (key, value) in inner {
        let attr = res.attr(key).expect("known");
        if create && !attr.post {
            return Err(NeutronError::bad_request(format!("Attribute '{key}' not allowed in POST")));
        }
        if !create && !attr.put {
            return Err(NeutronError::bad_request(format!("Cannot update read-only attribute {key}")));
        }
        let v = convert(key, attr.kind, value)?;
        out.attrs.insert(key.clone(), v);
    }
    if create {
        if let Some(missing) = res.attrs.iter().find(|a| a.required && !inner.contains_key(a.name)) {
            return Err(NeutronError::bad_request(format!("Failed to parse request. Required attribute '{}' not specified", missing.name)));
        }
    }
    let tenant = out.attrs.remove("tenant_id");
    let project = out.attrs.remove("project_id");
    out.project_id = match (tenant, project) {
        (Some(t), Some(p)) if t != p => return Err(NeutronError::bad_request("'tenant_id' and 'project_id' do not match")),
        (t, p) => p.or(t).and_then(|v| v.as_str().map(str::to_string)),
    };
    Ok(out)
}

/// A bare JSON object with exactly the allowed keys (action bodies such as add_router_interface).
pub fn action_body<'a>(body: &'a Value, allowed: &[&str]) -> NResult<&'a Map<String, Value>> {
    let obj = body.as_object().ok_or_else(|| NeutronError::bad_request("Body contains invalid data"))?;
    let mut unknown: Vec<&str> = obj.keys().filter(|k| !allowed.contains(&k.as_str())).map(String::as_str).collect();
    if !unknown.is_empty() {
        unknown.sort();
        return Err(NeutronError::bad_request(format!("Unrecognized attribute(s) '{}'", unknown.join(", "))));
    }
    Ok(obj)
}

/// A tag: 1 to 255 characters.
pub fn check_tag(tag: &str) -> NResult<()> {
    if tag.is_empty() || tag.chars().count() > 255 {
        return Err(NeutronError::invalid_attr("tag", format!("'{tag}' exceeds maximum length of 255")));
    }
    Ok(())
}

/// The body of `PUT .../tags`: `{"tags": [strings]}`, each a valid tag.
pub fn tags_body(body: &Value) -> NResult<BTreeSet<String>> {
    let obj = action_body(body, &["tags"])?;
    let list = obj.get("tags").and_then(Value::as_array).ok_or_else(|| NeutronError::bad_request("Invalid tags body"))?;
    let mut tags = BTreeSet::new();
    for t in list {
        let t = t.as_str().ok_or_else(|| NeutronError::invalid_attr("tags", format!("'{}' is not a valid string", py(t))))?;
        check_tag(t)?;
        tags.insert(t.to_string());
    }
    Ok(tags)
}

pub fn is_uuid_like(s: &str) -> bool {
    let hex: String = s.chars().filter(|c| *c != '-').collect();
    let dashed_ok = s.len() == 36 && [8, 13, 18, 23].iter().all(|&i| s.as_bytes()[i] == b'-');
    hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()) && (s.len() == 32 || dashed_ok)
}

/// A UUID-valued attribute of an action body, as its string.
pub fn uuid_value(attr: &str, v: &Value) -> NResult<String> {
    Ok(uuid(attr, v)?.as_str().unwrap_or_default().to_string())
}

fn string<'a>(attr: &str, v: &'a Value) -> NResult<&'a str> {
    v.as_str().ok_or_else(|| NeutronError::invalid_attr(attr, format!("'{}' is not a valid string", py(v))))
}

fn max_len(attr: &str, s: &str, max: usize) -> NResult<()> {
    if s.chars().count() > max {
        return Err(NeutronError::invalid_attr(attr, format!("'{s}' exceeds maximum length of {max}")));
    }
    Ok(())
}

fn uuid(attr: &str, v: &Value) -> NResult<Value> {
    match v.as_str() {
        Some(s) if is_uuid_like(s) => Ok(v.clone()),
        _ => Err(NeutronError::invalid_attr(attr, format!("'{}' is not a valid UUID", py(v)))),
    }
}

fn ip(attr: &str, v: &Value) -> NResult<Value> {
    match v.as_str().and_then(ipam::parse_ip) {
        Some(ip) => Ok(Value::String(ip.to_string())),
        None => Err(NeutronError::invalid_attr(attr, format!("'{}' is not a valid IP address", py(v)))),
    }
}

/// neutron-lib's `convert_to_boolean`.
pub fn to_bool(v: &Value) -> NResult<bool> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") || s == "1" => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") || s == "0" => Ok(false),
        Value::Number(n) if n.as_i64() == Some(1) => Ok(true),
        Value::Number(n) if n.as_i64() == Some(0) => Ok(false),
        other => Err(NeutronError::invalid_input(format!("'{}' cannot be converted to boolean", py(other)))),
    }
}

/// neutron-lib's `convert_to_int`.
pub fn to_int(v: &Value) -> NResult<i64> {
    match v {
        Value::Number(n) if n.is_i64() => Ok(n.as_i64().expect("checked")),
        Value::String(s) if !s.is_empty() && s.trim() == s => {
            s.parse().map_err(|_| NeutronError::invalid_input(format!("'{s}' is not an integer")))
        }
        other => Err(NeutronError::invalid_input(format!("'{}' is not an integer", py(other)))),
    }
}

fn list<'a>(attr: &str, v: &'a Value) -> NResult<&'a Vec<Value>> {
    v.as_array().ok_or_else(|| NeutronError::invalid_attr(attr, format!("'{}' is not a list", py(v))))
}

fn dict<'a>(attr: &str, v: &'a Value, what: &str) -> NResult<&'a Map<String, Value>> {
    v.as_object().ok_or_else(|| NeutronError::invalid_attr(attr, format!("Invalid data format for {what}: '{}'", py(v))))
}

fn only_keys(attr: &str, obj: &Map<String, Value>, allowed: &[&str]) -> NResult<()> {
    let mut extra: Vec<&str> = obj.keys().filter(|k| !allowed.contains(&k.as_str())).map(String::as_str).collect();
    if !extra.is_empty() {
        extra.sort();
        return Err(NeutronError::invalid_attr(attr, format!("Unrecognized attribute(s) '{}'", extra.join(", "))));
    }
    Ok(())
}

fn convert(attr: &str, kind: Kind, v: &Value) -> NResult<Value> {
    match kind {
        Kind::ReadOnly => Err(NeutronError::bad_request(format!("Cannot update read-only attribute {attr}"))),
        Kind::Str(max) => {
            max_len(attr, string(attr, v)?, max)?;
            Ok(v.clone())
        }
        Kind::Project => {
            max_len(attr, string(attr, v)?, 255)?;
            Ok(v.clone())
        }
        Kind::NullableStr(max) => {
            if v.is_null() {
                return Ok(Value::Null);
            }
            max_len(attr, string(attr, v)?, max)?;
            Ok(v.clone())
        }
        Kind::Bool => Ok(Value::Bool(to_bool(v)?)),
        Kind::Uuid => uuid(attr, v),
        Kind::NullableUuid => {
            if v.is_null() {
                Ok(Value::Null)
            } else {
                uuid(attr, v)
            }
        }
        Kind::Int(min, max) => int_in(attr, v, min, max),
        Kind::NullableInt(min, max) => {
            if v.is_null() {
                Ok(Value::Null)
            } else {
                int_in(attr, v, min, max)
            }
        }
        Kind::Ip => ip(attr, v),
        Kind::NullableIp => {
            if v.is_null() {
                Ok(Value::Null)
            } else {
                ip(attr, v)
            }
        }
        Kind::CidrText => {
            string(attr, v).map_err(|_| NeutronError::invalid_attr(attr, format!("'{}' is not a valid IP subnet", py(v))))?;
            Ok(v.clone())
        }
        Kind::NullableCidrText => {
            if v.is_null() {
                return Ok(Value::Null);
            }
            string(attr, v).map_err(|_| NeutronError::invalid_attr(attr, format!("'{}' is not a valid IP subnet", py(v))))?;
            Ok(v.clone())
        }
        Kind::Mac => match v.as_str().and_then(ipam::parse_mac) {
            Some(m) => Ok(Value::String(m)),
            None => Err(NeutronError::invalid_attr(attr, format!("'{}' is not a valid MAC address", py(v)))),
        },
        Kind::Pools => {
            let mut out = vec![];
            for p in list(attr, v)? {
                let obj = dict(attr, p, "IP pool")?;
                only_keys(attr, obj, &["start", "end"])?;
                let (Some(start), Some(end)) = (obj.get("start"), obj.get("end")) else {
                    return Err(NeutronError::invalid_attr(attr, format!("Invalid data format for IP pool: '{}'", py(p))));
                };
                out.push(serde_json::json!({"start": ip(attr, start)?, "end": ip(attr, end)?}));
            }
            Ok(Value::Array(out))
        }
        Kind::HostRoutes | Kind::Nameservers if v.is_null() => Ok(Value::Array(vec![])),
        Kind::HostRoutes => {
            let mut out: Vec<Value> = vec![];
            for r in list(attr, v)? {
                let obj = dict(attr, r, "hostroute")?;
                only_keys(attr, obj, &["destination", "nexthop"])?;
                let (Some(dest), Some(hop)) = (obj.get("destination"), obj.get("nexthop")) else {
                    return Err(NeutronError::invalid_attr(attr, format!("Invalid data format for hostroute: '{}'", py(r))));
                };
                let d = dest.as_str().unwrap_or_default();
                ipam::Cidr::parse(d).map_err(|reason| NeutronError::invalid_attr(attr, reason))?;
                let hop = ip(attr, hop)?;
                let route = serde_json::json!({"destination": d, "nexthop": hop});
                if out.contains(&route) {
                    return Err(NeutronError::invalid_attr(attr, format!("Duplicate hostroute '{}'", py(r))));
                }
                out.push(route);
            }
            Ok(Value::Array(out))
        }
        Kind::Nameservers => {
            let mut out: Vec<Value> = vec![];
            for n in list(attr, v)? {
                let ok = n.as_str().is_some_and(|s| ipam::parse_ip(s).is_some() || s.parse::<std::net::Ipv6Addr>().is_ok());
                if !ok {
                    return Err(NeutronError::invalid_attr(attr, format!("'{}' is not a valid nameserver", py(n))));
                }
                if out.contains(n) {
                    return Err(NeutronError::invalid_attr(attr, format!("Duplicate nameserver '{}'", py(n))));
                }
                out.push(n.clone());
            }
            Ok(Value::Array(out))
        }
        Kind::FixedIps => {
            let mut out: Vec<Value> = vec![];
            let mut seen: Vec<String> = vec![];
            for f in list(attr, v)? {
                let obj = dict(attr, f, "fixed IP")?;
                only_keys(attr, obj, &["subnet_id", "ip_address"])?;
                let mut entry = Map::new();
                if let Some(s) = obj.get("subnet_id") {
                    entry.insert("subnet_id".into(), uuid(attr, s)?);
                }
                if let Some(a) = obj.get("ip_address") {
                    let a = ip(attr, a)?;
                    let text = a.as_str().unwrap_or_default().to_string();
                    if seen.contains(&text) {
                        return Err(NeutronError::invalid_attr(attr, format!("Duplicate IP address '{text}'")));
                    }
                    seen.push(text);
                    entry.insert("ip_address".into(), a);
                }
                out.push(Value::Object(entry));
            }
            Ok(Value::Array(out))
        }
        Kind::UuidList => {
            let mut out = vec![];
            for x in list(attr, v)? {
                out.push(uuid(attr, x)?);
            }
            Ok(Value::Array(out))
        }
        Kind::StrList(max) => {
            let mut out: Vec<Value> = vec![];
            for x in list(attr, v)? {
                max_len(attr, string(attr, x)?, max)?;
                if !out.contains(x) {
                    out.push(x.clone());
                }
            }
            Ok(Value::Array(out))
        }
        Kind::Dict => {
            if v.is_null() {
                return Ok(Value::Object(Map::new()));
            }
            v.as_object().ok_or_else(|| NeutronError::invalid_attr(attr, format!("'{}' is not a dictionary", py(v))))?;
            Ok(v.clone())
        }
        Kind::AddressPairs => {
            let items = v
                .as_array()
                .ok_or_else(|| NeutronError::new(400, "AllowedAddressPairsMustBeList", "Allowed address pairs must be a list."))?;
            let mut out = vec![];
            for p in items {
                let obj = dict(attr, p, "address pair")?;
                only_keys(attr, obj, &["ip_address", "mac_address"])?;
                let addr = obj
                    .get("ip_address")
                    .and_then(Value::as_str)
                    .ok_or_else(|| NeutronError::new(400, "AllowedAddressPairsMissingIP", "AllowedAddressPair must contain ip_address"))?;
                let ok = ipam::parse_ip(addr).is_some() || ipam::Cidr::parse_normalized(addr).is_ok();
                if !ok {
                    return Err(NeutronError::invalid_attr(attr, format!("'{addr}' is not a valid IP address")));
                }
                let mut entry = serde_json::json!({"ip_address": addr});
                if let Some(m) = obj.get("mac_address") {
                    entry["mac_address"] = convert(attr, Kind::Mac, m)?;
                }
                out.push(entry);
            }
            Ok(Value::Array(out))
        }
        Kind::NullableGateway => {
            if v.is_null() {
                return Ok(Value::Null);
            }
            let obj = v.as_object().ok_or_else(|| NeutronError::invalid_attr(attr, format!("'{}' is not a dictionary", py(v))))?;
            // `dict_or_nodata`: an empty dictionary is no data, the same as null (no gateway).
            if obj.is_empty() {
                return Ok(Value::Null);
            }
            let mut extra: Vec<&str> = obj
                .keys()
                .filter(|k| !["network_id", "enable_snat", "external_fixed_ips"].contains(&k.as_str()))
                .map(String::as_str)
                .collect();
            if !extra.is_empty() {
                extra.sort();
                return Err(NeutronError::invalid_attr(attr, format!("Unexpected keys supplied: {}", extra.join(", "))));
            }
            let net = obj.get("network_id").ok_or_else(|| {
                let provided: Vec<String> = obj.keys().map(|k| format!("'{k}'")).collect();
                NeutronError::invalid_attr(
                    attr,
                    format!(
                        "Validation of dictionary's keys failed. Expected keys: {{'network_id'}} Provided keys: {{{}}}",
                        provided.join(", ")
                    ),
                )
            })?;
            let mut out = Map::new();
            out.insert("network_id".into(), uuid(attr, net)?);
            if let Some(s) = obj.get("enable_snat") {
                out.insert("enable_snat".into(), Value::Bool(to_bool(s)?));
            }
            if let Some(f) = obj.get("external_fixed_ips") {
                out.insert("external_fixed_ips".into(), convert(attr, Kind::FixedIps, f)?);
            }
            Ok(Value::Object(out))
        }
        Kind::Values(values) => match v.as_str() {
            Some(s) if values.contains(&s) => Ok(v.clone()),
            _ => Err(NeutronError::invalid_attr(attr, format!("'{}' is not in {}", py(v), py_list(values)))),
        },
        Kind::IntValues(values) => {
            let n = to_int(v)?;
            if !values.contains(&n) {
                let list: Vec<String> = values.iter().map(|x| x.to_string()).collect();
                return Err(NeutronError::invalid_attr(attr, format!("'{n}' is not in [{}]", list.join(", "))));
            }
            Ok(Value::from(n))
        }
        Kind::DhcpOpts => {
            if v.is_null() {
                return Ok(Value::Array(vec![]));
            }
            let mut out = vec![];
            for o in list(attr, v)? {
                let obj = dict(attr, o, "extra DHCP option")?;
                only_keys(attr, obj, &["opt_name", "opt_value", "ip_version"])?;
                let name = obj.get("opt_name").and_then(Value::as_str).filter(|n| !n.trim().is_empty()).ok_or_else(|| {
                    NeutronError::invalid_attr(
                        attr,
                        format!(
                            "Validation of dictionary's keys failed. Expected keys: {{'opt_name'}} Provided keys: {{{}}}",
                            obj.keys().map(|k| format!("'{k}'")).collect::<Vec<_>>().join(", ")
                        ),
                    )
                })?;
                let value = match obj.get("opt_value") {
                    None | Some(Value::Null) => Value::Null,
                    Some(Value::String(s)) => {
                        max_len(attr, s, 255)?;
                        Value::String(s.clone())
                    }
                    Some(other) => return Err(NeutronError::invalid_attr(attr, format!("'{}' is not a valid string", py(other)))),
                };
                let version = match obj.get("ip_version") {
                    None | Some(Value::Null) => Value::from(4),
                    Some(x) => match to_int(x) {
                        Ok(n) if n == 4 || n == 6 => Value::from(n),
                        _ => return Err(NeutronError::invalid_attr(attr, format!("'{}' is not in [4, 6]", py(x)))),
                    },
                };
                out.push(serde_json::json!({"opt_name": name, "opt_value": value, "ip_version": version}));
            }
            Ok(Value::Array(out))
        }
        Kind::Port => {
            let n = match v {
                Value::Null => return Ok(Value::Null),
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.trim().parse::<i64>().ok(),
                _ => None,
            };
            match n {
                Some(n) if (0..=65535).contains(&n) => Ok(Value::from(n)),
                _ => Err(NeutronError::new(400, "SecurityGroupInvalidPortValue", format!("Invalid value for port {}", py(v)))),
            }
        }
        Kind::Protocol => {
            let text = match v {
                Value::Null => return Ok(Value::Null),
                Value::String(s) => s.to_lowercase(),
                Value::Number(n) if n.is_u64() => n.to_string(),
                _ => String::new(),
            };
            let numeric = text.parse::<u32>().is_ok_and(|n| n <= 255) && !text.starts_with('+');
            if numeric || text == "any" || super::security::PROTOCOL_NAMES.contains(&text.as_str()) {
                return Ok(Value::String(text));
            }
            Err(NeutronError::new(
                400,
                "SecurityGroupRuleInvalidProtocol",
                format!(
                    "Security group rule protocol {} not supported. Only protocol values [None, {}] and integer representations [0 to 255] are supported.",
                    py(v),
                    super::security::PROTOCOL_NAMES.iter().map(|p| format!("'{p}'")).collect::<Vec<_>>().join(", ")
                ),
            ))
        }
    }
}

fn int_in(attr: &str, v: &Value, min: i64, max: i64) -> NResult<Value> {
    let n = to_int(v)?;
    if n < min {
        return Err(NeutronError::invalid_attr(attr, format!("'{n}' is too small - must be at least '{min}'")));
    }
    if n > max {
        return Err(NeutronError::invalid_attr(attr, format!("'{n}' is too large - must be no larger than '{max}'")));
    }
    Ok(Value::from(n))
}

/// serde helper: absent -> `None`, `null` -> `Some(None)`, a value -> `Some(Some(v))`.
pub fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Ok(Some(Option::deserialize(d)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_read_only_and_missing_attributes_are_neutrons_400s() {
        let e = validate(&NETWORK, &json!({"network": {"name": "n", "bogus": 1, "alpha": 2}}), true).unwrap_err();
        assert_eq!(e.message, "Unrecognized attribute(s) 'alpha, bogus'");
        let e = validate(&NETWORK, &json!({"network": {"status": "DOWN"}}), true).unwrap_err();
        assert_eq!(e.message, "Attribute 'status' not allowed in POST");
        let e = validate(&NETWORK, &json!({"network": {"provider:network_type": "flat"}}), false).unwrap_err();
        assert_eq!(e.message, "Cannot update read-only attribute provider:network_type");
        let e = validate(&SUBNET, &json!({"subnet": {"cidr": "10.0.0.0/24", "ip_version": 4}}), true).unwrap_err();
        assert_eq!(e.message, "Failed to parse request. Required attribute 'network_id' not specified");
        let e = validate(&NETWORK, &json!({"nets": {}}), true).unwrap_err();
        assert_eq!(e.message, "Unable to find 'network' in request body");
        assert_eq!(validate(&NETWORK, &json!([1]), true).unwrap_err().status, 400);
    }

    #[test]
    fn values_are_converted_or_refused_with_the_validators_reason() {
        let v = validate(&NETWORK, &json!({"network": {"admin_state_up": "True", "mtu": "1400", "tenant_id": "p"}}), true).unwrap();
        assert_eq!(v.attrs["admin_state_up"], json!(true));
        assert_eq!(v.attrs["mtu"], json!(1400));
        assert_eq!(v.project_id.as_deref(), Some("p"));
        let e = validate(&NETWORK, &json!({"network": {"name": 5}}), true).unwrap_err();
        assert_eq!(e.message, "Invalid input for name. Reason: '5' is not a valid string.");
        let e = validate(&NETWORK, &json!({"network": {"admin_state_up": "maybe"}}), true).unwrap_err();
        assert_eq!(e.kind, "InvalidInput");
        let e = validate(&NETWORK, &json!({"network": {"mtu": 10}}), true).unwrap_err();
        assert!(e.message.contains("is too small"), "{}", e.message);
        let e = validate(&PORT, &json!({"port": {"network_id": "x"}}), true).unwrap_err();
        assert_eq!(e.message, "Invalid input for network_id. Reason: 'x' is not a valid UUID.");
        let e = validate(&NETWORK, &json!({"network": {"tenant_id": "a", "project_id": "b"}}), true).unwrap_err();
        assert_eq!(e.message, "'tenant_id' and 'project_id' do not match");
        let e = validate(&SECURITY_GROUP_RULE, &json!({"security_group_rule": {"protocol": "warp"}}), true).unwrap_err();
        assert_eq!(e.kind, "SecurityGroupRuleInvalidProtocol");
        let long = "x".repeat(256);
        let e = validate(&NETWORK, &json!({"network": {"name": long}}), true).unwrap_err();
        assert!(e.message.contains("exceeds maximum length of 255"));
    }

    #[test]
    fn uuid_like_accepts_both_forms() {
        assert!(is_uuid_like("0b1e3b0c-4d6f-4b8e-9c3a-2f1d5e6a7b8c"));
        assert!(is_uuid_like("0b1e3b0c4d6f4b8e9c3a2f1d5e6a7b8c"));
        assert!(!is_uuid_like("0b1e3b0c-4d6f-4b8e-9c3a-2f1d5e6a7b8"));
        assert!(!is_uuid_like("zzzz3b0c-4d6f-4b8e-9c3a-2f1d5e6a7b8c"));
    }
}
