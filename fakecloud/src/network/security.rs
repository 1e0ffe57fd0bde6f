//! Security groups and their rules: each project's `default` group, rule validation (protocols,
//! port ranges, remote prefixes and groups) and the in-use rules.

use super::error::{NResult, NeutronError};
use super::ipam::Cidr;
use super::model::*;
use crate::sim::{Ids, SimTime};
use serde::Deserialize;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SecurityGroupSpec {
    pub name: Option<String>,
    pub description: Option<String>,
    pub stateful: Option<bool>,
    pub tags: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RuleSpec {
    pub security_group_id: String,
    pub direction: String,
    pub ethertype: Option<String>,
    #[serde(deserialize_with = "super::request::nullable")]
    pub protocol: Option<Option<String>>,
    #[serde(deserialize_with = "super::request::nullable")]
    pub port_range_min: Option<Option<u32>>,
    #[serde(deserialize_with = "super::request::nullable")]
    pub port_range_max: Option<Option<u32>>,
    #[serde(deserialize_with = "super::request::nullable")]
    pub remote_ip_prefix: Option<Option<String>>,
    #[serde(deserialize_with = "super::request::nullable")]
    pub remote_group_id: Option<Option<String>>,
    #[serde(deserialize_with = "super::request::nullable")]
    pub remote_address_group_id: Option<Option<String>>,
    pub description: Option<String>,
}

/// Protocols that take a port range, by name and number.
const PORT_PROTOCOLS: [&str; 10] = ["tcp", "udp", "udplite", "sctp", "dccp", "6", "17", "136", "132", "33"];
const ICMP_PROTOCOLS: [&str; 5] = ["icmp", "icmpv6", "ipv6-icmp", "1", "58"];

/// The protocol names Neutron accepts besides numbers 0-255.
pub const PROTOCOL_NAMES: [&str; 22] = [
    "ah",
    "dccp",
    "egp",
    "esp",
    "gre",
    "hopopt",
    "icmp",
    "igmp",
    "ipip",
    "ipv6-encap",
    "ipv6-frag",
    "ipv6-icmp",
    "icmpv6",
    "ipv6-nonxt",
    "ipv6-opts",
    "ipv6-route",
    "ospf",
    "pgm",
    "rsvp",
    "sctp",
    "tcp",
    "udp",
];

/// A remote prefix, IPv4 or IPv6, normalised (host bits cleared), with its version.
fn normalize_prefix(text: &str) -> Option<(String, u8)> {
    Cidr::parse_normalized(text).ok().map(|c| (c.to_string(), c.version()))
}

/// The protocols that only exist over IPv6, by name and number: an IPv4 rule cannot use them.
const IPV6_ONLY_PROTOCOLS: [&str; 12] =
    ["ipv6-encap", "ipv6-frag", "ipv6-icmp", "icmpv6", "ipv6-nonxt", "ipv6-opts", "ipv6-route", "41", "44", "58", "59", "60"];

impl Network {
    /// The `default` group Neutron creates for a project: ingress from members of the group itself
    /// and all egress, for IPv4 and IPv6.
    pub(crate) fn ensure_default_security_group(&mut self, ids: &mut Ids, now: SimTime, project_id: &str) -> String {
        if let Some(g) = self.default_security_group(project_id) {
            return g.id.clone();
        }
        let id = self.insert_group(ids, now, project_id, "default", "Default security group", true);
        for ethertype in ["IPv4", "IPv6"] {
            self.insert_rule(ids, now, &id, project_id, "ingress", ethertype, Some(id.clone()));
        }
        id
    }

    fn insert_group(&mut self, ids: &mut Ids, now: SimTime, project_id: &str, name: &str, description: &str, stateful: bool) -> String {
        let id = ids.uuid();
        self.security_groups.insert(
            id.clone(),
            SecurityGroup {
                id: id.clone(),
                name: name.to_string(),
                project_id: project_id.to_string(),
                description: description.to_string(),
                stateful,
                tags: Default::default(),
                created_at: now,
                updated_at: now,
                revision_number: 1,
            },
        );
        for ethertype in ["IPv4", "IPv6"] {
            self.insert_rule(ids, now, &id, project_id, "egress", ethertype, None);
        }
        id
    }

    #[allow(clippy::too_many_arguments)]
    fn insert_rule(
        &mut self,
        ids: &mut Ids,
        now: SimTime,
        group: &str,
        project_id: &str,
        direction: &str,
        ethertype: &str,
        remote_group_id: Option<String>,
    ) -> String {
        let id = ids.uuid();
        self.security_group_rules.insert(
            id.clone(),
            SecurityGroupRule {
                id: id.clone(),
                security_group_id: group.to_string(),
                project_id: project_id.to_string(),
                description: String::new(),
                direction: direction.to_string(),
                ethertype: ethertype.to_string(),
                protocol: None,
                port_range_min: None,
                port_range_max: None,
                remote_ip_prefix: None,
                normalized_cidr: None,
                remote_group_id,
                created_at: now,
                updated_at: now,
                revision_number: 0,
            },
        );
        id
    }

    pub fn create_security_group(&mut self, ids: &mut Ids, now: SimTime, project_id: &str, spec: SecurityGroupSpec) -> NResult<String> {
        // A project's first group is preceded by its default group, as Neutron ensures it.
        self.ensure_default_security_group(ids, now, project_id);
        let name = spec.name.unwrap_or_default();
        if name == "default" {
            return Err(NeutronError::conflict("SecurityGroupDefaultAlreadyExists", "Default security group already exists."));
        }
        let id = self.insert_group(ids, now, project_id, &name, &spec.description.unwrap_or_default(), spec.stateful.unwrap_or(true));
        if let Some(tags) = spec.tags {
            self.security_groups.get_mut(&id).expect("just inserted").tags = tags.into_iter().collect();
        }
        Ok(id)
    }

    pub fn update_security_group(&mut self, now: SimTime, id: &str, spec: SecurityGroupSpec) -> NResult<()> {
        let g = self.security_groups.get(id).ok_or_else(|| NeutronError::security_group_not_found(id))?;
        if g.name == "default" && spec.name.as_deref().is_some_and(|n| n != "default") {
            return Err(NeutronError::conflict("SecurityGroupCannotUpdateDefault", "Updating default security group not allowed."));
        }
        if spec.name.as_deref() == Some("default") && g.name != "default" {
            return Err(NeutronError::conflict("SecurityGroupDefaultAlreadyExists", "Default security group already exists."));
        }
        let g = self.security_groups.get_mut(id).expect("checked");
        if let Some(v) = spec.name {
            g.name = v;
        }
        if let Some(v) = spec.description {
            g.description = v;
        }
        if let Some(v) = spec.stateful {
            g.stateful = v;
        }
        touch(&mut g.updated_at, &mut g.revision_number, now);
        Ok(())
    }

    /// Refused for the default group (unless admin) and while a port uses the group; the group's
    /// rules, and rules elsewhere that name it as their remote group, go with it.
    pub fn delete_security_group(&mut self, id: &str, admin: bool) -> NResult<()> {
        let g = self.security_groups.get(id).ok_or_else(|| NeutronError::security_group_not_found(id))?;
        if g.name == "default" && !admin {
            return Err(NeutronError::conflict(
                "SecurityGroupCannotRemoveDefault",
                "Insufficient rights for removing default security group.",
            ));
        }
        if self.ports.values().any(|p| p.security_groups.iter().any(|s| s == id)) {
            return Err(NeutronError::conflict("SecurityGroupInUse", format!("Security Group {id} in use.")));
        }
        self.security_group_rules.retain(|_, r| r.security_group_id != id && r.remote_group_id.as_deref() != Some(id));
        self.security_groups.remove(id);
        Ok(())
    }

    /// Neutron's `_validate_security_group_rule` and duplicate check; the caller has checked that the
    /// group is visible.
    pub fn create_security_group_rule(&mut self, ids: &mut Ids, now: SimTime, viewer: &Viewer, spec: RuleSpec) -> NResult<String> {
        let group = self.security_group_for(viewer, &spec.security_group_id)?.clone();
        let ethertype = spec.ethertype.clone().unwrap_or_else(|| "IPv4".into());
        let protocol = spec.protocol.clone().flatten().map(|p| p.to_lowercase()).filter(|p| p != "any");
        let min = spec.port_range_min.flatten();
        let max = spec.port_range_max.flatten();
        if min.is_some() || max.is_some() {
            let Some(proto) = &protocol else {
                return Err(NeutronError::new(
                    400,
                    "SecurityGroupProtocolRequiredWithPorts",
                    "Must also specify protocol if port range is given.",
                ));
            };
            if PORT_PROTOCOLS.contains(&proto.as_str()) {
                if min == Some(0) || max == Some(0) {
                    return Err(NeutronError::new(400, "SecurityGroupInvalidPortValue", "Invalid value for port 0"));
                }
                // Both ends are needed, in order.
                if !matches!((min, max), (Some(a), Some(b)) if a <= b) {
                    return Err(NeutronError::new(
                        400,
                        "SecurityGroupInvalidPortRange",
                        "For TCP/UDP protocols, port_range_min must be <= port_range_max",
                    ));
                }
            } else if ICMP_PROTOCOLS.contains(&proto.as_str()) {
                for (field, v, what) in [("port_range_min", min, "type"), ("port_range_max", max, "code")] {
                    if let Some(v) = v.filter(|v| *v > 255) {
                        return Err(NeutronError::new(
                            400,
                            "SecurityGroupInvalidIcmpValue",
                            format!("Invalid value for ICMP {what} ({field}) {v}. It must be 0 to 255."),
                        ));
                    }
                }
                if min.is_none() {
                    return Err(NeutronError::new(
                        400,
                        "SecurityGroupMissingIcmpType",
                        format!("ICMP code (port-range-max) {} is provided but ICMP type (port-range-min) is missing.", max.unwrap_or(0)),
                    ));
                }
            } else {
                return Err(NeutronError::new(
                    400,
                    "SecurityGroupInvalidProtocolForPortRange",
                    format!("Invalid protocol {proto} for port range, only supported for TCP, UDP, UDPLITE, SCTP and DCCP."),
                ));
            }
        }
        if let Some(p) = protocol.as_deref().filter(|p| ethertype == "IPv4" && IPV6_ONLY_PROTOCOLS.contains(p)) {
            return Err(NeutronError::new(
                400,
                "SecurityGroupEthertypeConflictWithProtocol",
                format!("Invalid ethertype IPv4 for protocol {p}."),
            ));
        }
        let prefix = spec.remote_ip_prefix.clone().flatten();
        let remote_group = spec.remote_group_id.clone().flatten();
        if prefix.is_some() && remote_group.is_some() {
            return Err(NeutronError::new(
                400,
                "SecurityGroupRemoteGroupAndRemoteIpPrefix",
                "Only remote_ip_prefix or remote_group_id may be provided.",
            ));
        }
        let normalized = match &prefix {
            Some(p) => {
                let (norm, version) = normalize_prefix(p)
                    .ok_or_else(|| NeutronError::invalid_attr("remote_ip_prefix", format!("'{p}' is not a valid IP subnet")))?;
                if (version == 4) != (ethertype == "IPv4") {
                    return Err(NeutronError::new(
                        400,
                        "SecurityGroupRuleParameterConflict",
                        format!("Conflicting value ethertype {ethertype} for CIDR {p}"),
                    ));
                }
                Some(norm)
            }
            None => None,
        };
        if let Some(rg) = &remote_group {
            self.security_group_for(viewer, rg)?;
        }
        if let Some(ag) = spec.remote_address_group_id.clone().flatten() {
            return Err(NeutronError::not_found("AddressGroupNotFound", format!("Address group {ag} could not be found.")));
        }
        if let Some(dup) = self.security_group_rules.values().find(|r| {
            r.security_group_id == group.id
                && r.direction == spec.direction
                && r.ethertype == ethertype
                && r.protocol == protocol
                && r.port_range_min == min
                && r.port_range_max == max
                && r.normalized_cidr == normalized
                && r.remote_group_id == remote_group
        }) {
            return Err(NeutronError::conflict(
                "SecurityGroupRuleExists",
                format!("Security group rule already exists. Rule id is {}.", dup.id),
            ));
        }
        let id = ids.uuid();
        self.security_group_rules.insert(
            id.clone(),
            SecurityGroupRule {
                id: id.clone(),
                security_group_id: group.id.clone(),
                project_id: group.project_id.clone(),
                description: spec.description.unwrap_or_default(),
                direction: spec.direction,
                ethertype,
                protocol,
                port_range_min: min,
                port_range_max: max,
                remote_ip_prefix: prefix,
                normalized_cidr: normalized,
                remote_group_id: remote_group,
                created_at: now,
                updated_at: now,
                revision_number: 0,
            },
        );
        if let Some(g) = self.security_groups.get_mut(&group.id) {
            touch(&mut g.updated_at, &mut g.revision_number, now);
        }
        Ok(id)
    }

    pub fn delete_security_group_rule(&mut self, now: SimTime, id: &str) -> NResult<()> {
        let r = self.security_group_rules.remove(id).ok_or_else(|| NeutronError::rule_not_found(id))?;
        if let Some(g) = self.security_groups.get_mut(&r.security_group_id) {
            touch(&mut g.updated_at, &mut g.revision_number, now);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_normalise_for_both_families() {
        assert_eq!(normalize_prefix("10.1.2.3/8"), Some(("10.0.0.0/8".into(), 4)));
        assert_eq!(normalize_prefix("::/0"), Some(("::/0".into(), 6)));
        assert_eq!(normalize_prefix("2001:db8::1/64"), Some(("2001:db8::/64".into(), 6)));
        assert_eq!(normalize_prefix("nope"), None);
    }
}
