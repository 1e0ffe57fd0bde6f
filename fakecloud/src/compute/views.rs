//! Nova's JSON for servers, flavors, hypervisors and services, per microversion.

use super::model::*;
use crate::compute::model::SERVICE_HEARTBEAT as NOVA;
use crate::http::microversion::Version;
use crate::sim::SimTime;
use crate::world::World;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{json, Value};
use sha2::{Digest, Sha224};

/// Nova's `created`/`updated`: seconds, `Z`.
pub fn ts(t: SimTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `OS-SRV-USG:launched_at` and services' `updated_at`: microseconds, no zone.
pub fn ts_micro(t: SimTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// `hostId`: sha224 of project id + host, so tenants can tell co-located servers apart without
/// learning host names (nova/api/openstack/compute/views/servers.py).
fn host_id(project_id: &str, host: Option<&str>) -> String {
    match host {
        Some(h) => hex::encode(Sha224::digest(format!("{project_id}{h}").as_bytes())),
        None => String::new(),
    }
}

fn links(base: &str, collection: &str, id: &str) -> Value {
    json!([
        {"rel": "self", "href": format!("{base}/compute/v2.1/{collection}/{id}")},
        {"rel": "bookmark", "href": format!("{base}/compute/{collection}/{id}")},
    ])
}

/// UP, DOWN or MAINTENANCE, from the host's nova-compute service (2.16+, admin only).
pub fn host_status(w: &World, host: Option<&str>) -> &'static str {
    host.and_then(|h| w.compute.compute_service(h)).map_or("", |svc| service_host_status(svc, w.now()))
}

/// Each compute host's `host_status` as a request sees it: shown only to admins from 2.16, so
/// empty otherwise. In the order of the service table (a page's cache key depends on it).
pub fn host_statuses(w: &World, v: Version, admin: bool) -> Vec<(&str, &'static str)> {
    if !(admin && v.at_least(2, 16)) {
        return vec![];
    }
    let now = w.now();
    w.compute
        .services
        .iter()
        .filter(|svc| svc.binary == "nova-compute")
        .map(|svc| (svc.host.as_str(), service_host_status(svc, now)))
        .collect()
}

/// The detail views of `servers`, in order, from the world's render cache where they are kept.
pub fn cached_server_views(w: &World, servers: &[&Server], req: &crate::compute::view_cache::Request) -> Vec<axum::body::Bytes> {
    let by_host: std::collections::HashMap<&str, &'static str> = host_statuses(w, req.v, req.admin).into_iter().collect();
    let (v, admin, base) = (req.v, req.admin, req.base);
    w.renders.views(servers, req, &by_host, |s| {
        serde_json::to_vec(&ServerView { w, s, v, admin, base, listing: true }).expect("a server view serialises")
    })
}

pub fn service_host_status(svc: &ComputeService, now: SimTime) -> &'static str {
    if svc.disabled {
        "MAINTENANCE"
    } else if svc.heartbeat.is_up(now, NOVA) && !svc.forced_down {
        "UP"
    } else {
        "DOWN"
    }
}

pub fn server_brief(s: &Server, base: &str) -> Value {
    json!({"id": s.id, "name": s.name, "links": links(base, "servers", &s.id)})
}

/// A server as Nova renders it at a microversion, serialised field by field straight into the output
/// (no intermediate `Value` tree: a 100-server page is the hot path of `servers/detail`).
pub struct ServerView<'a> {
    pub w: &'a World,
    pub s: &'a Server,
    pub v: Version,
    pub admin: bool,
    pub base: &'a str,
    /// In a list (`servers/detail`), which leaves out `server_groups`.
    pub listing: bool,
}

/// `[{"rel": "self", ...}, {"rel": "bookmark", ...}]` without building strings twice.
struct Links<'a>(&'a str, &'a str, &'a str);

impl Serialize for Links<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let (base, collection, id) = (self.0, self.1, self.2);
        let mut seq = ser.serialize_seq(Some(2))?;
        seq.serialize_element(&json!({"rel": "self", "href": format!("{base}/compute/v2.1/{collection}/{id}")}))?;
        seq.serialize_element(&json!({"rel": "bookmark", "href": format!("{base}/compute/{collection}/{id}")}))?;
        seq.end()
    }
}

impl Serialize for ServerView<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let ServerView { w, s, v, admin, base, listing } = *self;
        let mut m = ser.serialize_map(None)?;
        m.serialize_entry("id", &s.id)?;
        m.serialize_entry("name", &s.name)?;
        m.serialize_entry("status", s.status())?;
        m.serialize_entry("tenant_id", &s.project_id)?;
        m.serialize_entry("user_id", &s.user_id)?;
        m.serialize_entry("metadata", &s.metadata)?;
        m.serialize_entry("hostId", &host_id(&s.project_id, s.host.as_deref()))?;
        // A server booted from a volume has no image: Nova shows an empty string.
        if s.image_id.is_empty() {
            m.serialize_entry("image", "")?;
        } else {
            m.serialize_entry(
                "image",
                &json!({"id": s.image_id, "links": [{"rel": "bookmark", "href": format!("{base}/compute/images/{}", s.image_id)}]}),
            )?;
        }
        let flavor = w.compute.flavor(&s.flavor_id);
        if v.at_least(2, 47) {
            let f = |g: fn(&Flavor) -> u64| flavor.map_or(0, g);
            m.serialize_entry(
                "flavor",
                &json!({"vcpus": f(|x| x.vcpus), "ram": f(|x| x.ram), "disk": f(|x| x.disk), "ephemeral": f(|x| x.ephemeral),
                        "swap": f(|x| x.swap), "original_name": flavor.map(|x| x.name.as_str()).unwrap_or_default(),
                        "extra_specs": flavor.map(|x| &x.extra_specs)}),
            )?;
        } else {
            m.serialize_entry(
                "flavor",
                &json!({"id": s.flavor_id, "links": [{"rel": "bookmark", "href": format!("{base}/compute/flavors/{}", s.flavor_id)}]}),
            )?;
        }
        m.serialize_entry("created", &ts(s.created_at))?;
        m.serialize_entry("updated", &ts(s.updated_at))?;
        m.serialize_entry("addresses", &w.network.server_addresses(&s.id))?;
        m.serialize_entry("accessIPv4", &s.access_ipv4)?;
        m.serialize_entry("accessIPv6", &s.access_ipv6)?;
        m.serialize_entry("links", &Links(base, "servers", &s.id))?;
        m.serialize_entry("OS-DCF:diskConfig", "MANUAL")?;
        // Nova shows progress only while it means something.
        if matches!(s.status(), "ACTIVE" | "BUILD" | "REBUILD" | "RESIZE" | "VERIFY_RESIZE" | "MIGRATING") {
            m.serialize_entry("progress", &0)?;
        }
        let az = s.host.as_deref().and_then(|h| w.compute.host(h)).map(|h| h.az.as_str()).unwrap_or_default();
        m.serialize_entry("OS-EXT-AZ:availability_zone", az)?;
        m.serialize_entry("config_drive", "")?;
        m.serialize_entry("key_name", &s.key_name)?;
        m.serialize_entry("OS-SRV-USG:launched_at", &s.launched_at.map(ts_micro))?;
        m.serialize_entry("OS-SRV-USG:terminated_at", &Value::Null)?;
        // A server with no group has no `security_groups` at all, as Nova leaves it out.
        if !s.security_groups.is_empty() {
            let groups: Vec<Value> = s.security_groups.iter().map(|g| json!({"name": g})).collect();
            m.serialize_entry("security_groups", &groups)?;
        }
        let volumes: Vec<Value> = w
            .compute
            .block_devices_of(&s.id)
            .map(|b| {
                if v.at_least(2, 3) {
                    json!({"id": b.volume_id, "delete_on_termination": b.delete_on_termination})
                } else {
                    json!({"id": b.volume_id})
                }
            })
            .collect();
        m.serialize_entry("os-extended-volumes:volumes_attached", &volumes)?;
        m.serialize_entry("OS-EXT-STS:task_state", &s.task_state)?;
        m.serialize_entry("OS-EXT-STS:vm_state", s.vm_state.as_str())?;
        m.serialize_entry("OS-EXT-STS:power_state", &s.power_state)?;
        if admin {
            m.serialize_entry("OS-EXT-SRV-ATTR:host", &s.host)?;
            m.serialize_entry("OS-EXT-SRV-ATTR:instance_name", &format!("instance-{:08x}", s.seq + 1))?;
            m.serialize_entry("OS-EXT-SRV-ATTR:hypervisor_hostname", &s.host)?;
            if v.at_least(2, 3) {
                m.serialize_entry("OS-EXT-SRV-ATTR:reservation_id", &s.reservation())?;
                m.serialize_entry("OS-EXT-SRV-ATTR:launch_index", &0)?;
                m.serialize_entry("OS-EXT-SRV-ATTR:kernel_id", "")?;
                m.serialize_entry("OS-EXT-SRV-ATTR:ramdisk_id", "")?;
                m.serialize_entry("OS-EXT-SRV-ATTR:root_device_name", "/dev/vda")?;
                m.serialize_entry("OS-EXT-SRV-ATTR:user_data", &s.user_data)?;
            }
        }
        if v.at_least(2, 3) && (admin || v.at_least(2, 90)) {
            let hostname: String =
                s.name.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect();
            m.serialize_entry("OS-EXT-SRV-ATTR:hostname", &hostname)?;
        }
        if let Some(f) = &s.fault {
            // Details are for admins, or for anyone when the fault is not a 500.
            let mut fv = json!({"code": f.code, "created": ts(f.created), "message": f.message});
            if admin || f.code != 500 {
                fv["details"] = json!(f.details);
            }
            m.serialize_entry("fault", &fv)?;
        }
        if v.at_least(2, 9) {
            m.serialize_entry("locked", &s.locked)?;
        }
        if v.at_least(2, 16) && admin {
            m.serialize_entry("host_status", host_status(w, s.host.as_deref()))?;
        }
        if v.at_least(2, 19) {
            m.serialize_entry("description", &s.description)?;
        }
        if v.at_least(2, 26) {
            m.serialize_entry("tags", &s.tags)?;
        }
        if v.at_least(2, 63) {
            m.serialize_entry("trusted_image_certificates", &Value::Null)?;
        }
        if v.at_least(2, 71) && !listing {
            let groups: Vec<&str> = s.server_group.as_deref().into_iter().collect();
            m.serialize_entry("server_groups", &groups)?;
        }
        if v.at_least(2, 73) {
            m.serialize_entry("locked_reason", &s.locked_reason)?;
        }
        if v.at_least(2, 96) {
            m.serialize_entry("pinned_availability_zone", &s.requested_az)?;
        }
        m.end()
    }
}

/// What a server's update (and rebuild) reply shows before 2.75: the common fields, without the
/// extended attributes a show adds. From 2.75 the reply is the whole show.
pub fn server_after_update(w: &World, s: &Server, v: Version, admin: bool, base: &str) -> Value {
    const COMMON: [&str; 24] = [
        "id",
        "name",
        "status",
        "image",
        "flavor",
        "fault",
        "user_id",
        "tenant_id",
        "created",
        "updated",
        "progress",
        "metadata",
        "hostId",
        "OS-DCF:diskConfig",
        "addresses",
        "links",
        "accessIPv4",
        "accessIPv6",
        "locked",
        "description",
        "tags",
        "trusted_image_certificates",
        "locked_reason",
        "server_groups",
    ];
    let mut view = server(w, s, v, admin, base);
    if !v.at_least(2, 75) {
        if let Value::Object(o) = &mut view {
            o.retain(|k, _| COMMON.contains(&k.as_str()));
            // Addresses without the OS-EXT-IPS extensions, as the basic view has them.
            if let Some(Value::Object(nets)) = o.get_mut("addresses") {
                for addr in nets.values_mut().filter_map(Value::as_array_mut).flatten() {
                    if let Value::Object(a) = addr {
                        a.retain(|k, _| k == "version" || k == "addr");
                    }
                }
            }
        }
    }
    view
}

pub fn server(w: &World, s: &Server, v: Version, admin: bool, base: &str) -> Value {
    serde_json::to_value(ServerView { w, s, v, admin, base, listing: false }).expect("a server view serialises")
}

pub fn flavor(f: &Flavor, v: Version, base: &str) -> Value {
    let mut o = json!({
        "id": f.id, "name": f.name, "ram": f.ram, "disk": f.disk, "vcpus": f.vcpus,
        "OS-FLV-EXT-DATA:ephemeral": f.ephemeral, "OS-FLV-DISABLED:disabled": false,
        // Before 2.75 a zero swap was rendered as an empty string.
        "swap": if f.swap == 0 && !v.at_least(2, 75) { json!("") } else { json!(f.swap) },
        "rxtx_factor": f.rxtx_factor, "os-flavor-access:is_public": f.is_public,
        "links": links(base, "flavors", &f.id),
    });
    if v.at_least(2, 55) {
        o["description"] = json!(f.description);
    }
    if v.at_least(2, 61) {
        o["extra_specs"] = json!(f.extra_specs);
    }
    o
}

pub fn flavor_brief(f: &Flavor, v: Version, base: &str) -> Value {
    let mut o = json!({"id": f.id, "name": f.name, "links": links(base, "flavors", &f.id)});
    if v.at_least(2, 55) {
        o["description"] = json!(f.description);
    }
    o
}

pub fn hypervisor_brief(w: &World, h: &Host, v: Version) -> Value {
    let svc = w.compute.compute_service(&h.name);
    let up = svc.is_some_and(|s| s.heartbeat.is_up(w.now(), NOVA) && !s.forced_down);
    let id = if v.at_least(2, 53) { json!(h.uuid) } else { json!(h.hypervisor_id) };
    json!({"id": id, "hypervisor_hostname": h.name, "state": if up { "up" } else { "down" },
           "status": if svc.is_some_and(|s| s.disabled) { "disabled" } else { "enabled" }})
}

/// The first instant after `now` at which the hypervisor views of `hosts` change with time alone:
/// a host's state when its compute service goes down, and from 2.88 the detail's `uptime` line
/// (to the second).
pub fn hypervisors_change_at<'a>(w: &World, hosts: impl Iterator<Item = &'a Host>, v: Version, detail: bool) -> Option<SimTime> {
    let now = w.now();
    let next_second = (detail && v.at_least(2, 88)).then(|| {
        let secs = now.timestamp();
        chrono::DateTime::from_timestamp(secs + 1, 0).unwrap_or(now)
    });
    hosts.filter_map(|h| w.compute.compute_service(&h.name)).filter_map(|s| s.heartbeat.up_changes_at(now, NOVA)).chain(next_second).min()
}

/// `os-hypervisors/detail`: usage figures below 2.88 (memory_mb_used starts at the reserved memory,
/// as Nova's resource tracker reports it), `uptime` from 2.88.
pub fn hypervisor(w: &World, h: &Host, v: Version, with_servers: bool) -> Value {
    let mut o = hypervisor_brief(w, h, v);
    let svc = w.compute.compute_service(&h.name);
    let svc_id = svc.map(|s| if v.at_least(2, 53) { json!(s.uuid) } else { json!(s.id) });
    o["hypervisor_type"] = json!("QEMU");
    o["hypervisor_version"] = json!(8002000);
    o["host_ip"] = json!(h.ip);
    o["service"] = json!({"id": svc_id, "host": h.name, "disabled_reason": svc.and_then(|s| s.disabled_reason.clone())});
    if v.at_least(2, 88) {
        o["uptime"] = json!(uptime(w, h));
    } else {
        let load = w.renders.host_loads(&w.compute).get(&h.name).copied().unwrap_or_default();
        let (vcpus_used, mem_used, disk_used, running) =
            (load.vcpus, h.reserved_host_memory_mb + load.memory_mb, h.reserved_host_disk_mb.div_ceil(1024) + load.local_gb, load.servers);
        o["vcpus"] = json!(h.vcpus);
        o["memory_mb"] = json!(h.memory_mb);
        o["local_gb"] = json!(h.disk_gb);
        o["vcpus_used"] = json!(vcpus_used);
        o["memory_mb_used"] = json!(mem_used);
        o["local_gb_used"] = json!(disk_used);
        o["free_ram_mb"] = json!(h.memory_mb as i64 - mem_used as i64);
        o["free_disk_gb"] = json!(h.disk_gb as i64 - disk_used as i64);
        o["current_workload"] = json!(0);
        o["running_vms"] = json!(running);
        o["disk_available_least"] = json!(h.disk_gb as i64 - disk_used as i64);
        let cpu = json!({"arch": "x86_64", "model": "EPYC", "vendor": "AMD", "topology": {"cells": 1, "sockets": 1, "cores": h.vcpus, "threads": 1}, "features": []});
        // Before 2.28 the driver's JSON went out as a string.
        o["cpu_info"] = if v.at_least(2, 28) { cpu } else { json!(cpu.to_string()) };
    }
    if with_servers && v.at_least(2, 53) {
        let servers: Vec<Value> =
            w.compute.servers_on(&h.name).map(|s| json!({"uuid": s.id, "name": format!("instance-{:08x}", s.seq + 1)})).collect();
        if !servers.is_empty() {
            o["servers"] = json!(servers);
        }
    }
    o
}

/// A host's `uptime` line, as the `uptime` command prints it.
pub fn uptime(w: &World, h: &Host) -> String {
    let up_secs = if h.powered { (w.now() - h.booted_at).num_seconds().max(0) } else { 0 };
    format!(
        " {} up {} days, {:02}:{:02},  1 user,  load average: 0.42, 0.38, 0.35",
        ts_clock(w.now()),
        up_secs / 86400,
        (up_secs % 86400) / 3600,
        (up_secs % 3600) / 60
    )
}

fn ts_clock(t: SimTime) -> String {
    t.format("%H:%M:%S").to_string()
}

pub fn service(w: &World, s: &ComputeService, v: Version) -> Value {
    let up = s.heartbeat.is_up(w.now(), NOVA) && !s.forced_down;
    let mut o = json!({
        "id": if v.at_least(2, 53) { json!(s.uuid) } else { json!(s.id) },
        "binary": s.binary, "host": s.host, "zone": s.zone,
        "status": if s.disabled { "disabled" } else { "enabled" },
        "state": if up { "up" } else { "down" },
        "updated_at": ts_micro(s.heartbeat.last_report(w.now(), NOVA)),
        "disabled_reason": s.disabled_reason,
    });
    if v.at_least(2, 11) {
        o["forced_down"] = json!(s.forced_down);
    }
    o
}

pub fn keypair(k: &Keypair, v: Version, detail: bool) -> Value {
    let mut o = json!({"name": k.name, "public_key": k.public_key, "fingerprint": k.fingerprint});
    if v.at_least(2, 2) {
        o["type"] = json!(k.key_type);
    }
    if detail {
        o["user_id"] = json!(k.user_id);
        o["created_at"] = json!(ts_micro(k.created_at));
        o["deleted"] = json!(false);
        o["deleted_at"] = Value::Null;
        o["updated_at"] = Value::Null;
        o["id"] = json!(1);
    }
    o
}

/// The reply to a keypair create or import: its owner shown, no database fields.
pub fn keypair_created(k: &Keypair, v: Version) -> Value {
    let mut o = keypair(k, v, false);
    o["user_id"] = json!(k.user_id);
    o
}

pub fn server_group(g: &ServerGroup, v: Version) -> Value {
    let mut o = json!({"id": g.id, "name": g.name, "members": g.members});
    // 2.64 dropped the always-empty metadata along with `policies`.
    if !v.at_least(2, 64) {
        o["metadata"] = json!({});
    }
    if v.at_least(2, 64) {
        o["policy"] = json!(g.policy);
        o["rules"] = json!({});
    } else {
        o["policies"] = json!([g.policy]);
    }
    if v.at_least(2, 13) {
        o["project_id"] = json!(g.project_id);
        o["user_id"] = json!(g.user_id);
    }
    o
}
