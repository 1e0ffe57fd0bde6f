//! Nova's JSON for servers, flavors, hypervisors and services, per microversion.

use super::model::*;
use crate::http::microversion::Version;
use crate::sim::heartbeat::NOVA;
use crate::sim::SimTime;
use crate::world::World;
use serde_json::{json, Map, Value};
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
    let Some(svc) = host.and_then(|h| w.compute.compute_service(h)) else { return "" };
    if svc.disabled {
        "MAINTENANCE"
    } else if svc.heartbeat.is_up(w.now(), NOVA) && !svc.forced_down {
        "UP"
    } else {
        "DOWN"
    }
}

pub fn server_brief(s: &Server, base: &str) -> Value {
    json!({"id": s.id, "name": s.name, "links": links(base, "servers", &s.id)})
}

pub fn server(w: &World, s: &Server, v: Version, admin: bool, base: &str) -> Value {
    let flavor = w.compute.flavor(&s.flavor_id);
    let flavor_v = if v.at_least(2, 47) {
        let f = flavor.cloned().unwrap_or_else(|| Flavor {
            id: s.flavor_id.clone(),
            name: String::new(),
            vcpus: 0,
            ram: 0,
            disk: 0,
            ephemeral: 0,
            swap: 0,
            is_public: true,
            projects: vec![],
            description: None,
            extra_specs: Default::default(),
        });
        json!({"vcpus": f.vcpus, "ram": f.ram, "disk": f.disk, "ephemeral": f.ephemeral, "swap": f.swap,
               "original_name": f.name, "extra_specs": f.extra_specs})
    } else {
        json!({"id": s.flavor_id, "links": [{"rel": "bookmark", "href": format!("{base}/compute/flavors/{}", s.flavor_id)}]})
    };
    let az = s.host.as_deref().and_then(|h| w.compute.host(h)).map(|h| h.az.clone()).unwrap_or_default();
    let volumes: Vec<Value> = vec![];
    let mut o = Map::new();
    let mut put = |k: &str, val: Value| {
        o.insert(k.to_string(), val);
    };
    put("id", json!(s.id));
    put("name", json!(s.name));
    put("status", json!(s.status()));
    put("tenant_id", json!(s.project_id));
    put("user_id", json!(s.user_id));
    put("metadata", json!(s.metadata));
    put("hostId", json!(host_id(&s.project_id, s.host.as_deref())));
    put("image", json!({"id": s.image_id, "links": [{"rel": "bookmark", "href": format!("{base}/compute/images/{}", s.image_id)}]}));
    put("flavor", flavor_v);
    put("created", json!(ts(s.created_at)));
    put("updated", json!(ts(s.updated_at)));
    put("addresses", w.network.server_addresses(&s.id));
    put("accessIPv4", json!(""));
    put("accessIPv6", json!(""));
    put("links", links(base, "servers", &s.id));
    put("OS-DCF:diskConfig", json!("MANUAL"));
    put("progress", json!(0));
    put("OS-EXT-AZ:availability_zone", json!(az));
    put("config_drive", json!(""));
    put("key_name", json!(s.key_name));
    put("OS-SRV-USG:launched_at", json!(s.launched_at.map(ts_micro)));
    put("OS-SRV-USG:terminated_at", Value::Null);
    put("security_groups", s.security_groups.iter().map(|g| json!({"name": g})).collect());
    put("os-extended-volumes:volumes_attached", json!(volumes));
    put("OS-EXT-STS:task_state", json!(s.task_state));
    put("OS-EXT-STS:vm_state", json!(s.vm_state.as_str()));
    put("OS-EXT-STS:power_state", json!(s.power_state));
    if admin {
        let hostname = s.host.as_deref();
        put("OS-EXT-SRV-ATTR:host", json!(hostname));
        put("OS-EXT-SRV-ATTR:instance_name", json!(format!("instance-{:08x}", s.seq + 1)));
        put("OS-EXT-SRV-ATTR:hypervisor_hostname", json!(hostname));
        if v.at_least(2, 3) {
            put("OS-EXT-SRV-ATTR:reservation_id", json!(format!("r-{}", &s.id[..8])));
            put("OS-EXT-SRV-ATTR:launch_index", json!(0));
            put("OS-EXT-SRV-ATTR:kernel_id", json!(""));
            put("OS-EXT-SRV-ATTR:ramdisk_id", json!(""));
            put("OS-EXT-SRV-ATTR:root_device_name", json!("/dev/vda"));
            put("OS-EXT-SRV-ATTR:user_data", Value::Null);
        }
    }
    if v.at_least(2, 3) && (admin || v.at_least(2, 90)) {
        put("OS-EXT-SRV-ATTR:hostname", json!(s.name.to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "-")));
    }
    if let Some(f) = &s.fault {
        // Details are for admins, or for anyone when the fault is not a 500.
        let mut fv = json!({"code": f.code, "created": ts(f.created), "message": f.message});
        if admin || f.code != 500 {
            fv["details"] = json!(f.details);
        }
        put("fault", fv);
    }
    if v.at_least(2, 9) {
        put("locked", json!(s.locked));
    }
    if v.at_least(2, 16) && admin {
        put("host_status", json!(host_status(w, s.host.as_deref())));
    }
    if v.at_least(2, 19) {
        put("description", json!(s.description));
    }
    if v.at_least(2, 26) {
        put("tags", json!(s.tags));
    }
    if v.at_least(2, 63) {
        put("trusted_image_certificates", Value::Null);
    }
    if v.at_least(2, 73) {
        put("locked_reason", Value::Null);
    }
    if v.at_least(2, 96) {
        put("pinned_availability_zone", json!(s.requested_az));
    }
    Value::Object(o)
}

pub fn flavor(f: &Flavor, v: Version, base: &str) -> Value {
    let mut o = json!({
        "id": f.id, "name": f.name, "ram": f.ram, "disk": f.disk, "vcpus": f.vcpus,
        "OS-FLV-EXT-DATA:ephemeral": f.ephemeral, "OS-FLV-DISABLED:disabled": false,
        // Before 2.75 a zero swap was rendered as an empty string.
        "swap": if f.swap == 0 && !v.at_least(2, 75) { json!("") } else { json!(f.swap) },
        "rxtx_factor": 1.0, "os-flavor-access:is_public": f.is_public,
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
        let up_secs = if h.powered { (w.now() - h.booted_at).num_seconds().max(0) } else { 0 };
        o["uptime"] = json!(format!(
            " {} up {} days, {:02}:{:02},  1 user,  load average: 0.42, 0.38, 0.35",
            ts_clock(w.now()),
            up_secs / 86400,
            (up_secs % 86400) / 3600,
            (up_secs % 3600) / 60
        ));
    } else {
        let (mut vcpus_used, mut mem_used, mut disk_used, mut running) =
            (0, h.reserved_host_memory_mb, h.reserved_host_disk_mb.div_ceil(1024), 0);
        for s in w.compute.servers_on(&h.name) {
            if let Some(f) = w.compute.flavor(&s.flavor_id) {
                vcpus_used += f.vcpus;
                mem_used += f.ram;
                disk_used += f.disk + f.ephemeral;
            }
            running += 1;
        }
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
        o["cpu_info"] = json!({"arch": "x86_64", "model": "EPYC", "vendor": "AMD", "topology": {"cells": 1, "sockets": 1, "cores": h.vcpus, "threads": 1}, "features": []});
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

pub fn server_group(g: &ServerGroup, v: Version) -> Value {
    let mut o = json!({"id": g.id, "name": g.name, "members": g.members, "metadata": {}});
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
