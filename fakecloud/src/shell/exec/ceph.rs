//! `ceph -s|status|health [detail]` in the ceph-mon/ceph-mgr containers, in Nautilus wording: the
//! monitors' quorum follows the controllers, the OSDs and PGs the ceph-osd-down fault.

use super::facts::controllers;
use crate::shell::output::Output;
use crate::sim::journal::Record;
use crate::sim::SimTime;
use crate::tripleo::model::*;
use crate::world::World;
use std::fmt::Write as _;

/// When the last controller left or rejoined, from the journal.
fn last_node_change(w: &World) -> Option<SimTime> {
    w.sim
        .journal
        .entries()
        .iter()
        .rev()
        .find(|e| matches!(&e.record, Record::Transition { resource, .. } if resource == "overcloud-node"))
        .map(|e| e.at)
}

/// When OSDs last went down or came back (a ceph-osd-down fault added, removed or expired).
fn last_osd_change(w: &World) -> Option<SimTime> {
    let entries = w.sim.journal.entries();
    let ids: Vec<&str> = entries
        .iter()
        .filter_map(|e| match &e.record {
            Record::Fault { action, fault_id, detail } if action == "added" && detail.contains("\"ceph-osd-down\"") => {
                Some(fault_id.as_str())
            }
            _ => None,
        })
        .collect();
    entries.iter().rev().find(|e| matches!(&e.record, Record::Fault { fault_id, .. } if ids.contains(&fault_id.as_str()))).map(|e| e.at)
}

/// Ceph's short time spans: `45s`, `12m`, `26h`, `3d`, `2w`.
fn timespan(d: chrono::Duration) -> String {
    let s = d.num_seconds().max(0);
    if s < 120 {
        return format!("{s}s");
    }
    let m = s / 60;
    if m < 120 {
        return format!("{m}m");
    }
    let h = m / 60;
    if h < 48 {
        return format!("{h}h");
    }
    let d = h / 24;
    if d < 14 {
        return format!("{d}d");
    }
    let w = d / 7;
    if w < 12 {
        return format!("{w}w");
    }
    format!("{}M", d / 30)
}

/// `1.32k objects, ...` -> 1320.
fn object_count(s: &str) -> u64 {
    let num = s.split_whitespace().next().unwrap_or("0");
    let (digits, mult) = match num.chars().last() {
        Some('k') => (&num[..num.len() - 1], 1_000.0),
        Some('M') => (&num[..num.len() - 1], 1_000_000.0),
        _ => (num, 1.0),
    };
    (digits.parse::<f64>().unwrap_or(0.0) * mult).round() as u64
}

struct HealthCheck {
    code: &'static str,
    summary: String,
    detail: Vec<String>,
}

struct CephView {
    status: &'static str,
    checks: Vec<HealthCheck>,
    services: Vec<String>,
    pgs: Vec<String>,
}

fn ceph_view(w: &World, node: &str, container: &str) -> CephView {
    let o = &w.overcloud;
    let now = w.now();
    let ctrls = controllers(o);
    let up_since = o.container(node, container).map_or(now, |c| c.started_at);
    let node_change = last_node_change(w).unwrap_or(up_since);
    let quorum: Vec<&str> = ctrls.iter().filter(|n| n.online).map(|n| n.name.as_str()).collect();
    let down: Vec<(usize, &Node)> = ctrls.iter().enumerate().filter(|(_, n)| !n.online).map(|(i, n)| (i, *n)).collect();
    let mut checks = vec![];
    if !down.is_empty() {
        checks.push(HealthCheck {
            code: "MON_DOWN",
            summary: format!("{}/{} mons down, quorum {}", down.len(), ctrls.len(), quorum.join(",")),
            detail: down
                .iter()
                .map(|(rank, n)| {
                    format!("mon.{} (rank {rank}) addr [v2:{ip}:3300/0,v1:{ip}:6789/0] is down (out of quorum)", n.name, ip = n.internal_ip)
                })
                .collect(),
        });
    }
    let c = &o.ceph;
    let osds_down = c.osds_down.min(c.osds);
    let copies = object_count(&c.objects) * 3;
    let osds = c.osds.max(1) as u64;
    let degraded_objects = copies * osds_down as u64 / osds;
    let degraded_pgs = ((c.pgs as u64 * 3 * osds_down as u64).div_ceil(osds)).min(c.pgs as u64);
    let pct = if copies == 0 { 0.0 } else { degraded_objects as f64 * 100.0 / copies as f64 };
    let degraded_line = format!("{degraded_objects}/{copies} objects degraded ({pct:.3}%)");
    if osds_down > 0 {
        let ids: Vec<u32> = (0..osds_down).map(|k| (k * c.osds / osds_down + 5) % c.osds).collect();
        checks.push(HealthCheck {
            code: "OSD_DOWN",
            summary: format!("{osds_down} osds down"),
            detail: ids.iter().map(|id| format!("osd.{id} (root=default) is down")).collect(),
        });
        let per_pool = (c.pgs / c.pools.max(1)).max(1);
        let step = (c.pgs as u64 / degraded_pgs.max(1)).max(1);
        let detail = (0..degraded_pgs.min(50))
            .map(|k| {
                let pg = (k * step) as u32;
                let acting = [(pg * 7 + 1) % c.osds, (pg * 13 + 2) % c.osds];
                format!("pg {}.{:x} is active+undersized+degraded, acting [{},{}]", 1 + pg / per_pool, pg % per_pool, acting[0], acting[1])
            })
            .collect();
        checks.push(HealthCheck {
            code: "PG_DEGRADED",
            summary: format!("Degraded data redundancy: {degraded_line}, {degraded_pgs} pgs degraded, {degraded_pgs} pgs undersized"),
            detail,
        });
    }
    let mon_age = timespan(now - node_change);
    let mut mon = format!("mon: {} daemons, quorum {} (age {mon_age})", ctrls.len(), quorum.join(","));
    if !down.is_empty() {
        let _ = write!(mon, ", out of quorum: {}", down.iter().map(|(_, n)| n.name.as_str()).collect::<Vec<_>>().join(", "));
    }
    let mgr = match quorum.split_first() {
        None => "mgr: no daemons active".to_string(),
        Some((active, standbys)) => {
            let since = if ctrls.first().is_some_and(|n| n.name == *active) { up_since } else { node_change };
            let mut s = format!("mgr: {active}(active, since {})", timespan(now - since));
            if !standbys.is_empty() {
                let _ = write!(s, ", standbys: {}", standbys.join(", "));
            }
            s
        }
    };
    let osd_since = last_osd_change(w).unwrap_or(up_since);
    let osd = format!(
        "osd: {} osds: {} up (since {}), {} in (since {})",
        c.osds,
        c.osds - osds_down,
        timespan(now - osd_since),
        c.osds,
        timespan(now - up_since)
    );
    let mut pgs = vec![];
    if osds_down > 0 {
        pgs.push(degraded_line);
        let mut states = vec![(c.pgs as u64 - degraded_pgs, "active+clean"), (degraded_pgs, "active+undersized+degraded")];
        states.retain(|s| s.0 > 0);
        states.sort_by_key(|s| std::cmp::Reverse(s.0));
        let width = states.iter().map(|s| s.0.to_string().len()).max().unwrap_or(1);
        pgs.extend(states.iter().map(|(n, s)| format!("{n:<width$} {s}")));
    } else {
        pgs.push(format!("{} active+clean", c.pgs));
    }
    CephView { status: if checks.is_empty() { "HEALTH_OK" } else { "HEALTH_WARN" }, checks, services: vec![mon, mgr, osd], pgs }
}

pub(super) fn ceph(w: &World, node: &str, container: &str, args: &[String]) -> Output {
    let mut words: Vec<&str> = vec![];
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-c" | "--conf" | "--cluster" | "-n" | "--name" | "--id" | "-i" | "-k" | "--keyring" | "-f" | "--format"
            | "--connect-timeout" => i += 1,
            "-s" | "--status" => words.push("status"),
            s if s.starts_with("--") && s.contains('=') => {}
            s => words.push(s),
        }
        i += 1;
    }
    let v = ceph_view(w, node, container);
    let summary = || {
        if v.checks.is_empty() {
            v.status.to_string()
        } else {
            format!("{} {}", v.status, v.checks.iter().map(|c| c.summary.as_str()).collect::<Vec<_>>().join("; "))
        }
    };
    match words.as_slice() {
        ["status"] => {
            let o = &w.overcloud;
            let c = &o.ceph;
            let mut out = format!("  cluster:\n    id:     {}\n    health: {}\n", c.fsid, v.status);
            for check in &v.checks {
                let _ = writeln!(out, "            {}", check.summary);
            }
            out.push_str(" \n  services:\n");
            for s in &v.services {
                let _ = writeln!(out, "    {s}");
            }
            let _ = write!(
                out,
                " \n  data:\n    pools:   {} pools, {} pgs\n    objects: {}\n    usage:   {} TiB used, {} TiB / {} TiB avail\n",
                c.pools,
                c.pgs,
                c.objects,
                c.used_tib,
                c.total_tib.saturating_sub(c.used_tib),
                c.total_tib
            );
            for (k, p) in v.pgs.iter().enumerate() {
                let _ = writeln!(out, "{}{p}", if k == 0 { "    pgs:     " } else { "             " });
            }
            out.push_str(" \n");
            Output::ok(out)
        }
        ["health"] => Output::ok(format!("{}\n", summary())),
        ["health", "detail"] => {
            let mut out = format!("{}\n", summary());
            for c in &v.checks {
                let _ = writeln!(out, "{} {}", c.code, c.summary);
                for d in &c.detail {
                    let _ = writeln!(out, "    {d}");
                }
            }
            Output::ok(out)
        }
        [] => Output::fail(1, "fakecloud: no interactive ceph shell; give a command (ceph -s)\n"),
        _ => Output::fail(
            22,
            "no valid command found; 4 closest matches:\nstatus\nhealth {detail}\nosd stat\nmon stat\nError EINVAL: invalid command\n",
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::shell::exec::tests::*;
    use serde_json::json;

    #[test]
    fn ceph_status_and_health() {
        let mut w = world();
        let s = ok(&mut w, "controller-0", "ceph-mon", "ceph -s");
        assert!(s.contains("    health: HEALTH_OK\n") && s.contains("    pgs:     768 active+clean\n"), "{s}");
        insta::assert_snapshot!("ceph_status", s);
        assert_eq!(ok(&mut w, "controller-0", "ceph-mon", "ceph status"), s);
        assert_eq!(ok(&mut w, "controller-0", "ceph-mon", "ceph health"), "HEALTH_OK\n");
        assert_eq!(ok(&mut w, "controller-0", "ceph-mon", "ceph health detail"), "HEALTH_OK\n");
    }

    #[test]
    fn ceph_with_osds_down() {
        let mut w = world();
        w.advance_clock(chrono::Duration::minutes(10));
        fault(&mut w, json!({"kind": "ceph-osd-down", "osds": 2}));
        w.advance_clock(chrono::Duration::minutes(3));
        let s = ok(&mut w, "controller-0", "ceph-mon", "ceph -s");
        assert!(s.contains("    health: HEALTH_WARN\n            2 osds down\n            Degraded data redundancy:"), "{s}");
        assert!(s.contains("    osd: 36 osds: 34 up (since 3m), 36 in"), "{s}");
        insta::assert_snapshot!("ceph_osd_down_status", s);
        let h = ok(&mut w, "controller-0", "ceph-mon", "ceph health");
        assert!(h.starts_with("HEALTH_WARN 2 osds down; Degraded data redundancy: "), "{h}");
        insta::assert_snapshot!("ceph_osd_down_health", h);
        insta::assert_snapshot!("ceph_osd_down_health_detail", ok(&mut w, "controller-0", "ceph-mon", "ceph health detail"));
    }
}
