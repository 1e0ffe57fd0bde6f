//! Octavia's JSON for each object. Operating status is derived from health at render time: a member
//! whose backend server is SHUTOFF or gone is ERROR (with a health monitor), its pool DEGRADED or
//! ERROR, and the listener and load balancer DEGRADED with it.

use super::model::*;
use crate::sim::SimTime;
use crate::world::World;
use serde_json::{json, Value};

/// The attributes of each object, which are also what a list may filter on.
const COMMON: [&str; 11] = [
    "id",
    "name",
    "description",
    "project_id",
    "tenant_id",
    "provisioning_status",
    "operating_status",
    "admin_state_up",
    "created_at",
    "updated_at",
    "tags",
];
pub const LB_ATTRS: [&[&str]; 2] = [
    &COMMON,
    &[
        "vip_address",
        "vip_port_id",
        "vip_subnet_id",
        "vip_network_id",
        "vip_qos_policy_id",
        "vip_vnic_type",
        "additional_vips",
        "listeners",
        "pools",
        "provider",
        "flavor_id",
        "availability_zone",
    ],
];
pub const LISTENER_ATTRS: [&[&str]; 2] = [
    &COMMON,
    &[
        "protocol",
        "protocol_port",
        "connection_limit",
        "default_pool_id",
        "default_tls_container_ref",
        "sni_container_refs",
        "l7policies",
        "insert_headers",
        "loadbalancers",
        "timeout_client_data",
        "timeout_member_connect",
        "timeout_member_data",
        "timeout_tcp_inspect",
        "client_ca_tls_container_ref",
        "client_authentication",
        "client_crl_container_ref",
        "allowed_cidrs",
        "tls_ciphers",
        "tls_versions",
        "alpn_protocols",
        "hsts_max_age",
        "hsts_include_subdomains",
        "hsts_preload",
    ],
];
pub const POOL_ATTRS: [&[&str]; 2] = [
    &COMMON,
    &[
        "protocol",
        "lb_algorithm",
        "session_persistence",
        "loadbalancers",
        "listeners",
        "members",
        "healthmonitor_id",
        "tls_enabled",
        "tls_ciphers",
        "tls_versions",
        "alpn_protocols",
        "ca_tls_container_ref",
        "crl_container_ref",
        "tls_container_ref",
    ],
];
pub const MEMBER_ATTRS: [&[&str]; 2] =
    [&COMMON, &["address", "protocol_port", "weight", "backup", "subnet_id", "monitor_address", "monitor_port", "vnic_type"]];
pub const MONITOR_ATTRS: [&[&str]; 2] = [
    &COMMON,
    &[
        "type",
        "delay",
        "timeout",
        "max_retries",
        "max_retries_down",
        "http_method",
        "url_path",
        "expected_codes",
        "http_version",
        "domain_name",
        "pools",
    ],
];
pub const L7POLICY_ATTRS: [&[&str]; 2] =
    [&COMMON, &["action", "listener_id", "redirect_pool_id", "redirect_url", "redirect_prefix", "position", "rules", "redirect_http_code"]];
pub const L7RULE_ATTRS: [&[&str]; 2] = [&COMMON, &["type", "compare_type", "key", "value", "invert"]];
pub const AMPHORA_ATTRS: [&[&str]; 1] = [&[
    "id",
    "loadbalancer_id",
    "compute_id",
    "lb_network_ip",
    "vrrp_ip",
    "ha_ip",
    "vrrp_port_id",
    "ha_port_id",
    "cert_expiration",
    "cert_busy",
    "role",
    "status",
    "vrrp_interface",
    "vrrp_id",
    "vrrp_priority",
    "cached_zone",
    "created_at",
    "updated_at",
    "image_id",
    "compute_flavor",
]];
pub const PROVIDER_ATTRS: [&[&str]; 1] = [&["name", "description"]];
pub const FLAVOR_ATTRS: [&[&str]; 1] = [&["id", "name", "description", "enabled", "flavor_profile_id"]];
pub const FLAVOR_PROFILE_ATTRS: [&[&str]; 1] = [&["id", "name", "provider_name", "flavor_data"]];
pub const ZONE_ATTRS: [&[&str]; 1] = [&["name", "description", "enabled", "availability_zone_profile_id"]];
pub const ZONE_PROFILE_ATTRS: [&[&str]; 1] = [&["id", "name", "provider_name", "availability_zone_data"]];

/// Octavia's timestamps: no fractional seconds, no zone (gophercloud rejects a trailing `Z`).
pub fn ts(t: SimTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

fn ts_opt(t: Option<SimTime>) -> Value {
    t.map_or(Value::Null, |t| json!(ts(t)))
}

fn ids<'a>(it: impl Iterator<Item = &'a str>) -> Value {
    Value::Array(it.map(|id| json!({ "id": id })).collect())
}

pub fn member_operating(w: &World, m: &Member) -> &'static str {
    let o = &w.octavia;
    if m.c.provisioning_status == PENDING_CREATE {
        return if o.pool_monitored(&m.pool_id) { OFFLINE } else { NO_MONITOR };
    }
    if !m.c.admin_state_up {
        return OFFLINE;
    }
    if m.c.provisioning_status == ERROR {
        return ERROR;
    }
    if !o.pool_monitored(&m.pool_id) {
        return NO_MONITOR;
    }
    if m.health_rises_at.is_some_and(|t| t > w.now()) {
        // Not yet through the monitor's rise checks: as at its creation.
        return OFFLINE;
    }
    if w.member_backend_up(m) {
        ONLINE
    } else {
        ERROR
    }
}

/// Whether a listener sends traffic to the pool (as its default pool): only then do the
/// amphorae report on it, and a pool no listener uses stays OFFLINE.
fn pool_in_use(w: &World, p: &Pool) -> bool {
    p.listener_id.is_some() || w.octavia.listeners_of(&p.loadbalancer_id).any(|l| l.default_pool_id.as_deref() == Some(&p.c.id))
}

pub fn pool_operating(w: &World, p: &Pool) -> &'static str {
    if p.c.provisioning_status == PENDING_CREATE {
        return OFFLINE;
    }
    if !p.c.admin_state_up || !pool_in_use(w, p) {
        return OFFLINE;
    }
    let states: Vec<&str> = w.octavia.members_of(&p.c.id).filter(|m| m.c.admin_state_up).map(|m| member_operating(w, m)).collect();
    let bad = states.iter().filter(|s| **s == ERROR).count();
    if bad > 0 && bad == states.len() {
        ERROR
    } else if bad > 0 {
        DEGRADED
    } else {
        ONLINE
    }
}

fn listener_operating(w: &World, l: &Listener) -> &'static str {
    if l.c.provisioning_status == PENDING_CREATE || !l.c.admin_state_up {
        return OFFLINE;
    }
    match l.default_pool_id.as_deref().and_then(|p| w.octavia.pools.get(p)).map(|p| pool_operating(w, p)) {
        Some(ERROR) | Some(DEGRADED) => DEGRADED,
        _ => ONLINE,
    }
}

pub fn lb_operating(w: &World, lb: &LoadBalancer) -> String {
    if !lb.c.admin_state_up {
        return OFFLINE.into();
    }
    if lb.c.operating_status != ONLINE {
        return lb.c.operating_status.clone();
    }
    let degraded = w.octavia.pools_of(&lb.c.id).any(|p| matches!(pool_operating(w, p), ERROR | DEGRADED));
    if degraded { DEGRADED } else { ONLINE }.to_string()
}

fn common(c: &Common, operating: &str) -> serde_json::Map<String, Value> {
    let v = json!({
        "id": c.id, "name": c.name, "description": c.description, "project_id": c.project_id, "tenant_id": c.project_id,
        "provisioning_status": c.provisioning_status, "operating_status": operating, "admin_state_up": c.admin_state_up,
        "created_at": ts(c.created_at), "updated_at": ts_opt(c.updated_at), "tags": c.tags,
    });
    let Value::Object(m) = v else { unreachable!("a JSON object") };
    m
}

/// Adds a `json!` object's fields to a view, moving them rather than copying.
fn extend(m: &mut serde_json::Map<String, Value>, extra: Value) {
    if let Value::Object(extra) = extra {
        m.extend(extra);
    }
}

pub fn loadbalancer(w: &World, lb: &LoadBalancer) -> Value {
    let mut m = common(&lb.c, &lb_operating(w, lb));
    m.remove("tenant_id");
    let extra = json!({
        "vip_address": lb.vip_address, "vip_port_id": lb.vip_port_id, "vip_subnet_id": lb.vip_subnet_id,
        "vip_network_id": lb.vip_network_id, "vip_qos_policy_id": null, "vip_vnic_type": "normal", "additional_vips": [],
        "listeners": ids(w.octavia.listeners_of(&lb.c.id).map(|l| l.c.id.as_str())),
        "pools": ids(w.octavia.pools_of(&lb.c.id).map(|p| p.c.id.as_str())),
        "provider": lb.provider, "flavor_id": lb.flavor_id, "availability_zone": lb.availability_zone,
    });
    extend(&mut m, extra);
    Value::Object(m)
}

pub fn listener(w: &World, l: &Listener) -> Value {
    let mut m = common(&l.c, listener_operating(w, l));
    let s = &l.settings;
    let extra = json!({
        "protocol": l.protocol, "protocol_port": l.protocol_port, "connection_limit": l.connection_limit,
        "default_pool_id": l.default_pool_id, "default_tls_container_ref": s.default_tls_container_ref,
        "sni_container_refs": s.sni_container_refs,
        "l7policies": ids(w.octavia.l7policies_of(&l.c.id).map(|p| p.c.id.as_str())), "insert_headers": s.insert_headers,
        "loadbalancers": [{"id": l.loadbalancer_id}],
        "timeout_client_data": s.timeout_client_data, "timeout_member_connect": s.timeout_member_connect,
        "timeout_member_data": s.timeout_member_data, "timeout_tcp_inspect": s.timeout_tcp_inspect,
        "client_ca_tls_container_ref": s.client_ca_tls_container_ref, "client_authentication": s.client_authentication,
        "client_crl_container_ref": s.client_crl_container_ref,
        "allowed_cidrs": s.allowed_cidrs, "tls_ciphers": s.tls_ciphers, "tls_versions": s.tls_versions,
        "alpn_protocols": s.alpn_protocols, "hsts_max_age": s.hsts_max_age,
        "hsts_include_subdomains": s.hsts_include_subdomains, "hsts_preload": s.hsts_preload,
    });
    extend(&mut m, extra);
    Value::Object(m)
}

pub fn pool(w: &World, p: &Pool) -> Value {
    let mut m = common(&p.c, pool_operating(w, p));
    let listeners: Vec<&str> = w
        .octavia
        .listeners_of(&p.loadbalancer_id)
        .filter(|l| l.default_pool_id.as_deref() == Some(&p.c.id) || p.listener_id.as_deref() == Some(&l.c.id))
        .map(|l| l.c.id.as_str())
        .collect();
    let extra = json!({
        "protocol": p.protocol, "lb_algorithm": p.lb_algorithm, "session_persistence": p.session_persistence,
        "loadbalancers": [{"id": p.loadbalancer_id}], "listeners": ids(listeners.into_iter()),
        "members": ids(w.octavia.members_of(&p.c.id).map(|m| m.c.id.as_str())), "healthmonitor_id": p.healthmonitor_id,
        "tls_enabled": p.tls.tls_enabled, "tls_ciphers": p.tls.tls_ciphers, "tls_versions": p.tls.tls_versions,
        "alpn_protocols": p.tls.alpn_protocols, "ca_tls_container_ref": p.tls.ca_tls_container_ref,
        "crl_container_ref": p.tls.crl_container_ref, "tls_container_ref": p.tls.tls_container_ref,
    });
    extend(&mut m, extra);
    Value::Object(m)
}

pub fn member(w: &World, mem: &Member) -> Value {
    let mut m = common(&mem.c, member_operating(w, mem));
    m.remove("description");
    let extra = json!({
        "address": mem.address, "protocol_port": mem.protocol_port, "weight": mem.weight, "backup": mem.backup,
        "subnet_id": mem.subnet_id, "monitor_address": mem.monitor_address, "monitor_port": mem.monitor_port,
        "vnic_type": "normal",
    });
    extend(&mut m, extra);
    Value::Object(m)
}

pub fn healthmonitor(h: &HealthMonitor) -> Value {
    let op = enabled_operating(&h.c);
    let mut m = common(&h.c, op);
    m.remove("description");
    let extra = json!({
        "type": h.kind, "delay": h.delay, "timeout": h.timeout, "max_retries": h.max_retries,
        "max_retries_down": h.max_retries_down, "http_method": h.http_method, "url_path": h.url_path,
        "expected_codes": h.expected_codes, "http_version": h.http_version, "domain_name": h.domain_name,
        "pools": [{"id": h.pool_id}],
    });
    extend(&mut m, extra);
    Value::Object(m)
}

/// An object that reports ONLINE once provisioned and enabled (L7 policies and rules, monitors).
fn enabled_operating(c: &Common) -> &'static str {
    if c.provisioning_status == PENDING_CREATE || !c.admin_state_up {
        OFFLINE
    } else {
        ONLINE
    }
}

pub fn l7policy(w: &World, p: &L7Policy) -> Value {
    let mut m = common(&p.c, enabled_operating(&p.c));
    m.remove("tenant_id");
    let extra = json!({
        "action": p.action, "listener_id": p.listener_id, "redirect_pool_id": p.redirect_pool_id,
        "redirect_url": p.redirect_url, "redirect_prefix": p.redirect_prefix, "position": p.position,
        "rules": ids(w.octavia.l7rules_of(&p.c.id).map(|r| r.c.id.as_str())), "redirect_http_code": p.redirect_http_code,
    });
    extend(&mut m, extra);
    Value::Object(m)
}

pub fn l7rule(r: &L7Rule) -> Value {
    let mut m = common(&r.c, enabled_operating(&r.c));
    for k in ["tenant_id", "name", "description"] {
        m.remove(k);
    }
    let extra = json!({"type": r.kind, "compare_type": r.compare_type, "key": r.key, "value": r.value, "invert": r.invert});
    extend(&mut m, extra);
    Value::Object(m)
}

pub fn amphora(w: &World, a: &Amphora) -> Value {
    let lb = a.loadbalancer_id.as_deref().and_then(|id| w.octavia.loadbalancers.get(id));
    json!({
        "id": a.id, "loadbalancer_id": a.loadbalancer_id, "compute_id": a.compute_id, "lb_network_ip": a.lb_network_ip,
        "vrrp_ip": a.vrrp_ip, "ha_ip": a.ha_ip.clone().or_else(|| lb.map(|l| l.vip_address.clone())),
        "vrrp_port_id": a.vrrp_port_id, "ha_port_id": a.ha_port_id.clone().or_else(|| lb.map(|l| l.vip_port_id.clone())),
        "cert_expiration": ts(a.cert_expiration), "cert_busy": false, "role": a.role, "status": a.status,
        "vrrp_interface": if a.role == "STANDALONE" { Value::Null } else { json!("eth1") },
        "vrrp_id": if a.role == "STANDALONE" { Value::Null } else { json!(1) },
        "vrrp_priority": a.vrrp_priority, "cached_zone": a.cached_zone, "created_at": ts(a.created_at),
        "updated_at": ts_opt(a.updated_at), "image_id": a.image_id, "compute_flavor": a.compute_flavor,
    })
}

/// `GET /loadbalancers/{id}/status`: the tree of provisioning and operating statuses.
pub fn status_tree(w: &World, lb: &LoadBalancer) -> Value {
    let o = &w.octavia;
    let listeners: Vec<Value> = o
        .listeners_of(&lb.c.id)
        .map(|l| {
            let pools: Vec<Value> = o
                .pools_of(&lb.c.id)
                .filter(|p| l.default_pool_id.as_deref() == Some(&p.c.id) || p.listener_id.as_deref() == Some(&l.c.id))
                .map(|p| {
                    let members: Vec<Value> = o
                        .members_of(&p.c.id)
                        .map(|m| {
                            json!({"id": m.c.id, "name": m.c.name, "address": m.address, "protocol_port": m.protocol_port,
                                        "provisioning_status": m.c.provisioning_status, "operating_status": member_operating(w, m)})
                        })
                        .collect();
                    let mut pv = json!({"id": p.c.id, "name": p.c.name, "provisioning_status": p.c.provisioning_status,
                                        "operating_status": pool_operating(w, p), "members": members});
                    if let Some(h) = p.healthmonitor_id.as_deref().and_then(|h| o.monitors.get(h)) {
                        let hv = healthmonitor(h);
                        pv["health_monitor"] = json!({"id": h.c.id, "name": h.c.name, "type": h.kind,
                            "provisioning_status": h.c.provisioning_status, "operating_status": hv["operating_status"]});
                    }
                    pv
                })
                .collect();
            json!({"id": l.c.id, "name": l.c.name, "provisioning_status": l.c.provisioning_status,
                   "operating_status": listener_operating(w, l), "pools": pools})
        })
        .collect();
    json!({"statuses": {"loadbalancer": {"id": lb.c.id, "name": lb.c.name, "provisioning_status": lb.c.provisioning_status,
                                         "operating_status": lb_operating(w, lb), "listeners": listeners}}})
}

/// The statistics of a load balancer or listener: this fake carries no traffic, so all zero.
pub fn zero_stats() -> Value {
    json!({"stats": {"bytes_in": 0, "bytes_out": 0, "active_connections": 0, "total_connections": 0, "request_errors": 0}})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys_within(v: &Value, attrs: &[&[&str]]) {
        for k in v.as_object().expect("an object").keys() {
            assert!(attrs.iter().any(|a| a.contains(&k.as_str())), "{k} is rendered but not a filterable attribute");
        }
    }

    #[test]
    fn every_rendered_attribute_is_known_to_the_list_filters() {
        let w = World::from_fixture(&crate::Fixture::default_cloud(), 1, crate::sim::ClockMode::Manual, chrono::Utc::now()).unwrap();
        let o = &w.octavia;
        keys_within(&loadbalancer(&w, o.loadbalancers.values().next().unwrap()), &LB_ATTRS);
        keys_within(&listener(&w, o.listeners.values().next().unwrap()), &LISTENER_ATTRS);
        keys_within(&pool(&w, o.pools.values().next().unwrap()), &POOL_ATTRS);
        keys_within(&member(&w, o.members.values().next().unwrap()), &MEMBER_ATTRS);
        keys_within(&healthmonitor(o.monitors.values().next().unwrap()), &MONITOR_ATTRS);
        keys_within(&amphora(&w, o.amphorae.values().next().unwrap()), &AMPHORA_ATTRS);
    }
}
