//! The cluster as crm_mon shows it: `pcs status` (and `status cluster|resources|nodes|pcsd`), `pcs
//! cluster status` and `pcs resource status`.

use super::common::is_remote;
use crate::sim::SimTime;
use crate::tripleo::model::*;
use crate::world::World;

/// The Pacemaker builds behind the two wordings, as `Current DC: ... (version ...)` shows them.
/// The 2.x wording (Cluster Summary, Promoted/Unpromoted) is Pacemaker 2.1's, so the version is a
/// 2.1 build (RHEL 8.6, OSP 16.2's era).
const PACEMAKER_1_1: &str = "1.1.20-5.el7_7.2-3c4c782f70";
const PACEMAKER_2: &str = "2.1.2-4.el8_6.2-ada5c3b36e";

/// `Wed May 13 23:50:15 2020`, as crm_mon prints times (ctime, the day padded with a space).
fn ctime(t: SimTime) -> String {
    t.format("%a %b %e %H:%M:%S %Y").to_string()
}

/// What the summary counts: the controllers and the guest nodes, and the resource instances.
///
/// Pacemaker counts every primitive a bundle expands to. A replica of a remote bundle is three: the
/// container, its `ocf:pacemaker:remote` connection and the agent running inside (for the default
/// layout 4 bundles x 3 replicas x 3 = 36); a replica of a container-only bundle (haproxy,
/// cinder-volume) is its container alone; a VIP is one. With three controllers that gives the
/// seed's "15 nodes configured" and "47 resources configured".
struct Summary {
    dc: Option<String>,
    quorum: bool,
    online: Vec<String>,
    offline: Vec<String>,
    guests: Vec<String>,
    nodes: usize,
    instances: usize,
}

fn summary(o: &Overcloud) -> Summary {
    let controllers: Vec<&Node> = o.controllers().collect();
    let online: Vec<String> = controllers.iter().filter(|n| n.online).map(|n| n.name.clone()).collect();
    let offline: Vec<String> = controllers.iter().filter(|n| !n.online).map(|n| n.name.clone()).collect();
    let remote: Vec<&Resource> = o.cluster.resources.iter().filter(|r| is_remote(r)).collect();
    let mut guests: Vec<String> = remote
        .iter()
        .flat_map(|r| r.replicas.iter())
        .filter(|x| x.role != "Stopped")
        .filter_map(|x| x.node.as_ref().filter(|n| online.contains(n)).map(|n| format!("{}@{n}", x.name)))
        .collect();
    guests.sort();
    let instances = o.cluster.resources.iter().map(|r| if is_remote(r) { r.replicas.len() * 3 } else { r.replicas.len() }).sum();
    Summary {
        dc: online.last().cloned(),
        quorum: online.len() * 2 > controllers.len(),
        nodes: controllers.len() + remote.iter().map(|r| r.replicas.len()).sum::<usize>(),
        online,
        offline,
        guests,
        instances,
    }
}

/// crm_mon's lines before the resources: the summary and the node list.
fn crm_mon_head(w: &World, v2: bool) -> Vec<String> {
    let o = &w.overcloud;
    let s = summary(o);
    let dc = match &s.dc {
        Some(dc) => format!(
            "{dc} (version {}) - partition {} quorum",
            if v2 { PACEMAKER_2 } else { PACEMAKER_1_1 },
            if s.quorum { "with" } else { "WITHOUT" }
        ),
        None => "NONE".into(),
    };
    let updated = ctime(w.now());
    let change =
        format!("{} by root via crm_resource on {}", ctime(o.cluster.last_change.unwrap_or_else(|| w.now())), o.cluster.last_change_node);
    let list = |v: &[String]| format!("[ {} ]", v.join(" "));
    let mut lines = vec![];
    if v2 {
        lines.push("Cluster Summary:".to_string());
        lines.push("  * Stack: corosync".into());
        lines.push(format!("  * Current DC: {dc}"));
        lines.push(format!("  * Last updated: {updated}"));
        lines.push(format!("  * Last change:  {change}"));
        lines.push(format!("  * {} nodes configured", s.nodes));
        lines.push(format!("  * {} resource instances configured", s.instances));
        lines.push(String::new());
        lines.push("Node List:".into());
        let prefix = "  * ";
        push_nodes(&mut lines, prefix, &s, list);
    } else {
        lines.push("Stack: corosync".into());
        lines.push(format!("Current DC: {dc}"));
        lines.push(format!("Last updated: {updated}"));
        lines.push(format!("Last change: {change}"));
        lines.push(String::new());
        lines.push(format!("{} nodes configured", s.nodes));
        lines.push(format!("{} resources configured", s.instances));
        lines.push(String::new());
        push_nodes(&mut lines, "", &s, list);
    }
    lines
}

fn push_nodes(lines: &mut Vec<String>, prefix: &str, s: &Summary, list: impl Fn(&[String]) -> String) {
    if !s.online.is_empty() {
        lines.push(format!("{prefix}Online: {}", list(&s.online)));
    }
    if !s.offline.is_empty() {
        lines.push(format!("{prefix}OFFLINE: {}", list(&s.offline)));
    }
    if !s.guests.is_empty() {
        lines.push(format!("{prefix}GuestOnline: {}", list(&s.guests)));
    }
}

/// A replica's state column: `Started controller-0`, `Master controller-0` (`Promoted` in 2.x),
/// `Stopped` (no node).
fn state(x: &Replica, v2: bool) -> String {
    let role = match x.role.as_str() {
        "Master" if v2 => "Promoted",
        "Slave" if v2 => "Unpromoted",
        r => r,
    };
    match &x.node {
        Some(n) if role != "Stopped" => format!("{role} {n}"),
        _ => "Stopped".into(),
    }
}

/// The resources as crm_mon lists them (`pcs resource status`, the body of `pcs status`).
pub(super) fn resource_list(o: &Overcloud, v2: bool) -> String {
    let engine = if o.container_cli == "podman" { "Podman" } else { "Docker" };
    let mut out = String::new();
    for r in &o.cluster.resources {
        if r.kind == ResourceKind::Vip {
            for x in &r.replicas {
                if v2 {
                    out.push_str(&format!("  * {}\t({}):\t {}\n", r.name, r.agent, state(x, v2)));
                } else {
                    out.push_str(&format!(" {}\t({}):\t{}\n", r.name, r.agent, state(x, v2)));
                }
            }
            continue;
        }
        let set = if r.replicas.len() > 1 { " set" } else { "" };
        if v2 {
            out.push_str(&format!("  * Container bundle{set}: {} [{}]:\n", r.name, r.image));
        } else {
            out.push_str(&format!(" {engine} container{set}: {} [{}]\n", r.name, r.image));
        }
        for x in &r.replicas {
            if v2 {
                out.push_str(&format!("    * {}\t({}):\t {}\n", x.name, r.agent, state(x, v2)));
            } else {
                out.push_str(&format!("   {}\t({}):\t{}\n", x.name, r.agent, state(x, v2)));
            }
        }
    }
    out
}

fn failed_actions(o: &Overcloud, v2: bool) -> String {
    let f = &o.cluster.failed_actions;
    if f.is_empty() {
        return String::new();
    }
    let mut out = if v2 { "\nFailed Resource Actions:\n".to_string() } else { "\nFailed Actions:\n".to_string() };
    for a in f {
        if v2 {
            out.push_str(&format!(
                "  * {} on {} '{}' ({}): call={}, status='complete', exitreason='{}', last-rc-change='{}', queued=0ms, exec=0ms\n",
                a.operation,
                a.on,
                a.rc_text,
                a.rc,
                a.call,
                a.exitreason,
                a.at.format("%Y-%m-%d %H:%M:%SZ")
            ));
        } else {
            out.push_str(&format!(
                "* {} on {} '{}' ({}): call={}, status=complete, exitreason='{}',\n    last-rc-change='{}', queued=0ms, exec=0ms\n",
                a.operation,
                a.on,
                a.rc_text,
                a.rc,
                a.call,
                a.exitreason,
                ctime(a.at)
            ));
        }
    }
    out
}

pub(super) fn status(w: &World, v2: bool) -> String {
    let o = &w.overcloud;
    let mut out = format!("Cluster name: {}\n", o.cluster.name);
    for l in crm_mon_head(w, v2) {
        out.push_str(&l);
        out.push('\n');
    }
    if v2 {
        out.push_str("\nFull List of Resources:\n");
    } else {
        out.push_str("\nFull list of resources:\n\n");
    }
    out.push_str(&resource_list(o, v2));
    out.push_str(&failed_actions(o, v2));
    out.push_str("\nDaemon Status:\n  corosync: active/enabled\n  pacemaker: active/enabled\n  pcsd: active/enabled\n");
    out
}

/// `pcs cluster status`: crm_mon's summary and node list, indented, then pcsd on each controller.
pub(super) fn cluster_status(w: &World, v2: bool) -> String {
    let mut out = "Cluster Status:\n".to_string();
    for l in crm_mon_head(w, v2).iter().filter(|l| !l.is_empty()) {
        out.push_str(&format!(" {l}\n"));
    }
    out.push('\n');
    out.push_str(&pcsd_status(&w.overcloud));
    out
}

pub(super) fn pcsd_status(o: &Overcloud) -> String {
    let mut out = "PCSD Status:\n".to_string();
    for n in o.controllers() {
        out.push_str(&format!("  {}: {}\n", n.name, if n.online { "Online" } else { "Offline" }));
    }
    out
}

/// `pcs status nodes`: the cluster nodes, then the guest nodes, by state.
pub(super) fn nodes_status(o: &Overcloud) -> String {
    let s = summary(o);
    let guests: Vec<&Replica> = o.cluster.resources.iter().filter(|r| is_remote(r)).flat_map(|r| r.replicas.iter()).collect();
    let mut online_guests: Vec<&str> = guests
        .iter()
        .filter(|x| x.role != "Stopped" && x.node.as_ref().is_some_and(|n| s.online.contains(n)))
        .map(|x| x.name.as_str())
        .collect();
    let mut offline_guests: Vec<&str> = guests.iter().map(|x| x.name.as_str()).filter(|n| !online_guests.contains(n)).collect();
    online_guests.sort();
    offline_guests.sort();
    let block = |online: String, offline: String| {
        format!(" Online:{online}\n Standby:\n Standby with resource(s) running:\n Maintenance:\n Offline:{offline}\n")
    };
    let words = |v: Vec<&str>| v.iter().map(|n| format!(" {n}")).collect::<String>();
    format!(
        "Pacemaker Nodes:\n{}Pacemaker Remote Nodes:\n{}",
        block(words(s.online.iter().map(String::as_str).collect()), words(s.offline.iter().map(String::as_str).collect())),
        block(words(online_guests), words(offline_guests))
    )
}

#[cfg(test)]
mod tests {
    use crate::shell::pcs::tests::*;
    use serde_json::json;

    #[test]
    fn status_on_the_default_cloud() {
        let mut w = world();
        let out = pcs(&mut w, "controller-0", "status");
        assert_eq!(out.status, 0);
        assert!(out.stdout.contains("15 nodes configured\n47 resources configured\n"));
        insta::assert_snapshot!(out.text());
    }

    #[test]
    fn status_with_a_controller_offline() {
        let mut w = world();
        fault(&mut w, json!({"kind": "controller-offline", "node": "controller-0"}));
        let out = pcs(&mut w, "controller-1", "status");
        assert!(out.stdout.contains("OFFLINE: [ controller-0 ]"));
        assert!(out.stdout.contains("partition with quorum"));
        insta::assert_snapshot!(out.text());
    }

    #[test]
    fn two_controllers_offline_lose_quorum() {
        let mut w = world();
        fault(&mut w, json!({"kind": "controller-offline", "node": "controller-0"}));
        fault(&mut w, json!({"kind": "controller-offline", "node": "controller-1"}));
        let out = pcs(&mut w, "controller-2", "status");
        assert!(out.stdout.contains("Current DC: controller-2 (version 1.1.20-5.el7_7.2-3c4c782f70) - partition WITHOUT quorum"));
        assert!(out.stdout.contains("OFFLINE: [ controller-0 controller-1 ]"));
    }

    #[test]
    fn status_with_a_failed_action() {
        let mut w = world();
        fault(&mut w, json!({"kind": "pacemaker-action-failure", "resource": "rabbitmq-bundle", "node": "controller-1"}));
        let out = pcs(&mut w, "controller-0", "status");
        assert!(out.stdout.contains("Failed Actions:\n* rabbitmq_monitor_10000 on rabbitmq-bundle-1 'not running' (7)"));
        insta::assert_snapshot!(out.text());
    }

    #[test]
    fn status_in_pacemaker_2_wording() {
        let mut w = world();
        w.overcloud.pacemaker = "2".into();
        fault(&mut w, json!({"kind": "pacemaker-action-failure", "resource": "rabbitmq-bundle", "node": "controller-1"}));
        let out = pcs(&mut w, "controller-0", "status");
        assert!(out.stdout.contains("Failed Resource Actions:"));
        assert!(out.stdout.contains("\t Promoted controller-0"));
        insta::assert_snapshot!(out.text());
    }

    #[test]
    fn cluster_status_is_the_summary_and_pcsd() {
        let mut w = world();
        let out = pcs(&mut w, "controller-0", "cluster status");
        assert!(out.stdout.starts_with("Cluster Status:\n Stack: corosync\n"));
        assert!(out.stdout.contains(" Online: [ controller-0 controller-1 controller-2 ]\n"));
        assert!(out.stdout.ends_with("\nPCSD Status:\n  controller-0: Online\n  controller-1: Online\n  controller-2: Online\n"));
        assert!(!out.stdout.contains("Full list"));
    }
}
