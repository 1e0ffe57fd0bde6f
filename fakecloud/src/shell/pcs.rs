//! `pcs` on a controller: `status` (and `status cluster|resources|nodes|pcsd`, `cluster status`),
//! `resource status|show|config [NAME...]`, `resource cleanup [NAME]` and `resource restart NAME`,
//! against the simulated Pacemaker cluster.
//!
//! Two wordings, after `overcloud.pacemaker`: `1.1` is pcs 0.9 on Pacemaker 1.1 (RHEL 7, the seed's
//! `pcs status`: "Docker container set", Master/Slave, "Failed Actions:"); `2` is pcs 0.10 on
//! Pacemaker 2.1 (RHEL 8: the "Cluster Summary:" / "Node List:" blocks, "Container bundle set",
//! Promoted/Unpromoted, "Failed Resource Actions:", `pcs resource show` deprecated for `config`).
//!
//! Bad arguments answer as pcs does: its usage text on stderr, exit 1. pcs exists only on the
//! controllers; on a compute node the shell does not find it.

use super::Output;
use crate::sim::SimTime;
use crate::tripleo::model::*;
use crate::world::World;

/// The Pacemaker builds behind the two wordings, as `Current DC: ... (version ...)` shows them.
/// The 2.x wording (Cluster Summary, Promoted/Unpromoted) is Pacemaker 2.1's, so the version is a
/// 2.1 build (RHEL 8.6, OSP 16.2's era).
const PACEMAKER_1_1: &str = "1.1.20-5.el7_7.2-3c4c782f70";
const PACEMAKER_2: &str = "2.1.2-4.el8_6.2-ada5c3b36e";
/// `pcs --version` for each.
const PCS_1_1: &str = "0.9.167";
const PCS_2: &str = "0.10.12";

/// The container options TripleO gives its bundles (cinder-volume adds IPC and privileges).
const BUNDLE_OPTIONS: &str = "--user=root --log-driver=journald -e KOLLA_CONFIG_STRATEGY=COPY_ALWAYS";
const CINDER_VOLUME_OPTIONS: &str = "--ipc=host --privileged=true --user=root --log-driver=journald -e KOLLA_CONFIG_STRATEGY=COPY_ALWAYS";
/// The pacemaker_remote port of the bundles that run a resource agent inside their containers.
const CONTROL_PORT: u16 = 3123;

pub fn run(w: &mut World, node: &str, args: &[String]) -> Output {
    if !w.overcloud.node(node).is_some_and(|n| n.role == Role::Controller) {
        return Output::fail(127, "bash: pcs: command not found\n");
    }
    let v2 = w.overcloud.pacemaker == "2";
    let help = args.iter().any(|a| a == "-h" || a == "--help");
    let full = args.iter().any(|a| a == "--full");
    // Options go anywhere; `-f FILE` takes a value, the rest (`--debug`, `--wait=60`, `--force`)
    // are flags that change nothing here.
    let mut words: Vec<&str> = vec![];
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if a == "-f" {
            i += 2;
            continue;
        }
        if !(a.starts_with('-') && a.len() > 1) {
            words.push(a);
        }
        i += 1;
    }
    if words.is_empty() && args.iter().any(|a| a == "--version") {
        return Output::ok(format!("{}\n", if v2 { PCS_2 } else { PCS_1_1 }));
    }
    match words.as_slice() {
        [] if help => Output::ok(main_usage()),
        ["status", rest @ ..] => status_cmd(w, rest, help, v2),
        ["cluster", "status"] if !help => Output::ok(cluster_status(w, v2)),
        ["cluster", ..] => usage_out(help, cluster_usage()),
        ["resource", rest @ ..] => resource_cmd(w, node, rest, help, full, v2),
        _ => usage_out(help, main_usage()),
    }
}

/// Asked-for help goes to stdout with success; usage after a mistake to stderr with status 1.
fn usage_out(help: bool, text: String) -> Output {
    if help {
        Output::ok(text)
    } else {
        Output::fail(1, text)
    }
}

fn status_cmd(w: &World, rest: &[&str], help: bool, v2: bool) -> Output {
    if help {
        return Output::ok(status_usage());
    }
    match rest {
        [] | ["status"] | ["full"] => Output::ok(status(w, v2)),
        ["cluster"] => Output::ok(cluster_status(w, v2)),
        ["resources"] => Output::ok(resource_list(&w.overcloud, v2)),
        ["nodes"] | ["nodes", "both"] => Output::ok(nodes_status(&w.overcloud)),
        ["pcsd"] => Output::ok(pcsd_status(&w.overcloud)),
        _ => Output::fail(1, status_usage()),
    }
}

fn resource_cmd(w: &mut World, node: &str, rest: &[&str], help: bool, full: bool, v2: bool) -> Output {
    let (sub, names) = match rest.split_first() {
        Some((s, n)) => (*s, n),
        None => ("status", &[][..]),
    };
    if help {
        return Output::ok(resource_usage(rest.first().copied()));
    }
    match sub {
        "status" if names.is_empty() => Output::ok(resource_list(&w.overcloud, v2)),
        "show" => {
            // pcs 0.10 keeps `show` as a deprecated alias: of `config` with names or --full, else of
            // `status`.
            let configs = !names.is_empty() || full;
            let mut out = if configs { configs_out(&w.overcloud, names, v2) } else { Output::ok(resource_list(&w.overcloud, v2)) };
            if v2 {
                let instead = if configs { "config" } else { "status" };
                out.stderr.insert_str(
                    0,
                    &format!("Warning: This command is deprecated and will be removed. Please use 'pcs resource {instead}' instead.\n"),
                );
            }
            out
        }
        "config" => configs_out(&w.overcloud, names, v2),
        "cleanup" => cleanup(w, node, names.iter().copied().find(|n| !n.contains('=')), v2),
        "restart" => match names.first() {
            Some(name) => restart(w, node, name),
            None => Output::fail(1, resource_usage(Some("restart"))),
        },
        _ => Output::fail(1, resource_usage(None)),
    }
}

// ---- pcs status ---------------------------------------------------------------------------------

/// `Wed May 13 23:50:15 2020`, as crm_mon prints times (ctime, the day padded with a space).
fn ctime(t: SimTime) -> String {
    t.format("%a %b %e %H:%M:%S %Y").to_string()
}

/// Whether a bundle runs its resource agent inside its containers through pacemaker_remote: each
/// replica is then a guest node (`galera-bundle-0@controller-0`). HAProxy's and cinder-volume's
/// bundles only run a container (their agent is the container engine's).
fn is_remote(r: &Resource) -> bool {
    matches!(r.kind, ResourceKind::Bundle | ResourceKind::MultiState) && !r.agent.ends_with(":docker") && !r.agent.ends_with(":podman")
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
fn resource_list(o: &Overcloud, v2: bool) -> String {
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

fn status(w: &World, v2: bool) -> String {
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
fn cluster_status(w: &World, v2: bool) -> String {
    let mut out = "Cluster Status:\n".to_string();
    for l in crm_mon_head(w, v2).iter().filter(|l| !l.is_empty()) {
        out.push_str(&format!(" {l}\n"));
    }
    out.push('\n');
    out.push_str(&pcsd_status(&w.overcloud));
    out
}

fn pcsd_status(o: &Overcloud) -> String {
    let mut out = "PCSD Status:\n".to_string();
    for n in o.controllers() {
        out.push_str(&format!("  {}: {}\n", n.name, if n.online { "Online" } else { "Offline" }));
    }
    out
}

/// `pcs status nodes`: the cluster nodes, then the guest nodes, by state.
fn nodes_status(o: &Overcloud) -> String {
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

// ---- pcs resource show|config -------------------------------------------------------------------

fn find<'a>(o: &'a Overcloud, name: &str) -> Option<&'a Resource> {
    o.cluster.resources.iter().find(|r| r.name == name)
}

/// The configuration of the named resources (all of them when none is named).
fn configs_out(o: &Overcloud, names: &[&str], v2: bool) -> Output {
    if names.is_empty() {
        return Output::ok(o.cluster.resources.iter().map(|r| config(o, r, v2)).collect::<String>());
    }
    let mut out = String::new();
    for name in names {
        match find(o, name) {
            Some(r) => out.push_str(&config(o, r, v2)),
            None => return Output { stdout: out, stderr: format!("Error: unable to find resource '{name}'\n"), status: 1, file: None },
        }
    }
    Output::ok(out)
}

/// `class`, `provider`, `type` of an agent written `ocf::heartbeat:galera`.
fn agent_parts(agent: &str) -> (&str, &str, &str) {
    let mut parts = agent.split(':').filter(|p| !p.is_empty());
    let class = parts.next().unwrap_or("ocf");
    let provider = parts.next().unwrap_or("heartbeat");
    let kind = parts.next().unwrap_or(provider);
    (class, provider, kind)
}

/// The primitive a remote bundle runs, as TripleO names it (`rabbitmq`, `galera`, `redis`,
/// `ovndb_servers`): the prefix of its operation ids and of its Failed Actions.
fn primitive_name(kind: &str) -> String {
    kind.replace("-cluster", "").replace("ovndb-servers", "ovndb_servers")
}

/// Lines aligned under a heading: `heading first`, then each other line under `first`.
fn aligned(indent: &str, heading: &str, items: &[String]) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i == 0 {
            out.push_str(&format!("{indent}{heading} {item}\n"));
        } else {
            out.push_str(&format!("{indent}{} {item}\n", " ".repeat(heading.len())));
        }
    }
    out
}

/// Operations as pcs lists them: `NAME interval=.. [role=..] timeout=.. (ID)`.
fn operations(id: &str, ops: &[(&str, &str, Option<&str>, &str)], v2: bool) -> Vec<String> {
    ops.iter()
        .map(|(name, interval, role, timeout)| {
            let role = role.map(|r| match r {
                "Master" if v2 => " role=Promoted".to_string(),
                "Slave" if v2 => " role=Unpromoted".to_string(),
                r => format!(" role={r}"),
            });
            format!("{name} interval={interval}{} timeout={timeout} ({id}-{name}-interval-{interval})", role.unwrap_or_default())
        })
        .collect()
}

fn config(o: &Overcloud, r: &Resource, v2: bool) -> String {
    if r.kind == ResourceKind::Vip {
        let addr = r.vip.clone().unwrap_or_else(|| r.name.trim_start_matches("ip-").to_string());
        let (class, provider, kind) = agent_parts(&r.agent);
        let ops = operations(&r.name, &[("monitor", "10s", None, "20s"), ("start", "0s", None, "20s"), ("stop", "0s", None, "20s")], v2);
        return format!(
            " Resource: {} (class={class} provider={provider} type={kind})\n  Attributes: cidr_netmask=32 ip={addr}\n{}",
            r.name,
            aligned("  ", "Operations:", &ops)
        );
    }
    let engine = if o.container_cli == "podman" { "Podman" } else { "Docker" };
    let options = if r.kind == ResourceKind::ActivePassive { CINDER_VOLUME_OPTIONS } else { BUNDLE_OPTIONS };
    // pcs prints the container attributes sorted; a promotable bundle has `masters` (Pacemaker 1.1)
    // or `promoted-max` (2.x): every Galera replica is promoted, one of Redis's and OVN's.
    let promoted =
        if r.kind == ResourceKind::MultiState { Some(if r.name == "galera-bundle" { r.replicas.len() } else { 1 }) } else { None };
    let masters = promoted.filter(|_| !v2).map(|n| format!(" masters={n}")).unwrap_or_default();
    let promoted_max = promoted.filter(|_| v2).map(|n| format!(" promoted-max={n}")).unwrap_or_default();
    let mut out = format!(
        " Bundle: {}\n  {engine}: image={}{masters} network=host options=\"{options}\"{promoted_max} replicas={} run-command=\"{}\"\n",
        r.name,
        r.image,
        r.replicas.len(),
        r.run_command
    );
    if is_remote(r) {
        out.push_str(&format!("  Network: control-port={CONTROL_PORT}\n"));
    }
    if !r.storage.is_empty() {
        out.push_str("  Storage Mapping:\n");
        for (opts, src, dst, id) in &r.storage {
            out.push_str(&format!("   options={opts} source-dir={src} target-dir={dst} ({id})\n"));
        }
    }
    if is_remote(r) {
        let (class, provider, kind) = agent_parts(&r.agent);
        let prim = primitive_name(kind);
        out.push_str(&format!("  Resource: {prim} (class={class} provider={provider} type={kind})\n"));
        let (attrs, meta, ops) = primitive_details(o, &prim);
        if !attrs.is_empty() {
            out.push_str(&format!("   Attributes: {attrs}\n"));
        }
        // Pacemaker 2 renamed master-max; pcs lists the meta attributes sorted.
        let mut meta: Vec<String> =
            meta.split(' ').map(|m| if v2 { m.replace("master-max=", "promoted-max=") } else { m.to_string() }).collect();
        meta.sort();
        out.push_str(&format!("   Meta Attrs: {}\n", meta.join(" ")));
        out.push_str(&aligned("   ", "Operations:", &operations(&prim, &ops, v2)));
    }
    out
}

type Op = (&'static str, &'static str, Option<&'static str>, &'static str);

/// The attributes, meta attributes and operations TripleO gives the agent inside a remote bundle.
/// Each has a 10s monitor, the `_monitor_10000` of its Failed Actions.
fn primitive_details(o: &Overcloud, prim: &str) -> (String, String, Vec<Op>) {
    let controllers: Vec<&str> = o.controllers().map(|n| n.name.as_str()).collect();
    let fqdn = |c: &str| format!("{c}.internalapi.localdomain");
    match prim {
        "galera" => (
            format!(
                "additional_parameters=--open-files-limit=16384 cluster_host_map={} enable_creation=true log=/var/log/mysql/mysqld.log wsrep_cluster_address=gcomm://{}",
                controllers.iter().map(|c| format!("{c}:{}", fqdn(c))).collect::<Vec<_>>().join(";"),
                controllers.iter().map(|c| fqdn(c)).collect::<Vec<_>>().join(",")
            ),
            format!("container-attribute-target=host master-max={} ordered=true", controllers.len()),
            vec![
                ("demote", "0s", None, "120s"),
                ("monitor", "10s", Some("Master"), "30s"),
                ("monitor", "30s", Some("Slave"), "30s"),
                ("promote", "0s", None, "300s"),
                ("start", "0s", None, "120s"),
                ("stop", "0s", None, "120s"),
            ],
        ),
        "redis" => (
            "wait_last_known_master=true".into(),
            "container-attribute-target=host interleave=true notify=true ordered=true".into(),
            vec![
                ("demote", "0s", None, "120s"),
                ("monitor", "10s", Some("Master"), "60s"),
                ("monitor", "60s", Some("Slave"), "60s"),
                ("promote", "0s", None, "120s"),
                ("start", "0s", None, "200s"),
                ("stop", "0s", None, "200s"),
            ],
        ),
        "ovndb_servers" => (
            format!(
                "inactive_probe_interval=180000 manage_northd=yes master_ip={} nb_master_port=6641 sb_master_port=6642",
                crate::tripleo::boot::vip("ovn_dbs")
            ),
            "container-attribute-target=host interleave=true notify=true ordered=true".into(),
            vec![
                ("demote", "0s", None, "50s"),
                ("monitor", "10s", Some("Master"), "60s"),
                ("monitor", "30s", Some("Slave"), "60s"),
                ("notify", "0s", None, "20s"),
                ("promote", "0s", None, "50s"),
                ("start", "0s", None, "200s"),
                ("stop", "0s", None, "200s"),
            ],
        ),
        _ => (
            String::new(),
            "container-attribute-target=host notify=true".into(),
            vec![("monitor", "10s", None, "40s"), ("start", "0s", None, "200s"), ("stop", "0s", None, "200s")],
        ),
    }
}

// ---- pcs resource cleanup|restart ---------------------------------------------------------------

fn cleanup(w: &mut World, node: &str, name: Option<&str>, v2: bool) -> Output {
    if let Some(name) = name {
        if find(&w.overcloud, name).is_none() {
            return Output::fail(
                1,
                if v2 {
                    format!("Error: Unable to forget failed operations of resources\nResource '{name}' not found\nError performing operation: No such object\n")
                } else {
                    format!("Error: Unable to cleanup resource: {name}\nResource '{name}' not found: No such device or address\nError performing operation: No such device or address\n")
                },
            );
        }
    }
    let mut nodes = w.pacemaker_cleanup(name);
    w.overcloud.cluster.last_change_node = node.to_string();
    let mut out = String::new();
    match name {
        None => out.push_str("Cleaned up all resources on all nodes\n"),
        Some(name) => {
            // With no failure to forget, crm_resource still re-probes the resource everywhere.
            if nodes.is_empty() {
                nodes = w.overcloud.online_controllers().map(|n| n.name.clone()).collect();
            }
            for n in nodes {
                out.push_str(&format!("Cleaned up {name} on {n}\n"));
            }
        }
    }
    out.push_str(if v2 {
        "Waiting for 1 reply from the controller\n... got reply (done)\n"
    } else {
        "Waiting for 1 reply from the CRMd. OK\n"
    });
    Output::ok(out)
}

/// `pcs resource restart NAME`: the resource stops everywhere and starts again on the online
/// controllers in its normal roles (Galera all promoted; Redis and OVN promote their first running
/// replica), its containers restarted and its failures forgotten.
fn restart(w: &mut World, node: &str, name: &str) -> Output {
    let now = w.now();
    let online: Vec<String> = w.overcloud.online_controllers().map(|n| n.name.clone()).collect();
    let Some(r) = w.overcloud.cluster.resources.iter_mut().find(|r| r.name == name) else {
        return Output::fail(1, format!("Error: Resource '{name}' does not exist.\n"));
    };
    let mut containers = vec![];
    let mut promoted = false;
    for (i, x) in r.replicas.iter_mut().enumerate() {
        match r.kind {
            ResourceKind::Vip | ResourceKind::ActivePassive => {
                if !x.node.as_ref().is_some_and(|n| online.contains(n)) {
                    x.node = online.first().cloned();
                }
                x.role = if x.node.is_some() { "Started" } else { "Stopped" }.into();
            }
            ResourceKind::Bundle | ResourceKind::MultiState => {
                let up = x.node.as_ref().is_some_and(|n| online.contains(n));
                x.role = match r.kind {
                    _ if !up => "Stopped",
                    ResourceKind::MultiState if r.name == "galera-bundle" => "Master",
                    ResourceKind::MultiState if !promoted => {
                        promoted = true;
                        "Master"
                    }
                    ResourceKind::MultiState => "Slave",
                    _ => "Started",
                }
                .into();
            }
        }
        if r.kind != ResourceKind::Vip && x.role != "Stopped" {
            if let Some(n) = &x.node {
                containers.push((n.clone(), format!("{}-{i}", r.container_prefix)));
            }
        }
    }
    w.overcloud.cluster.failed_actions.retain(|f| f.resource != name);
    w.overcloud.cluster.last_change = Some(now);
    w.overcloud.cluster.last_change_node = node.to_string();
    for (n, c) in containers {
        // A replica whose container is missing on its node has nothing to restart.
        let _ = w.container_action(&n, &c, "restart");
    }
    Output::ok(format!("{name} successfully restarted\n"))
}

// ---- usage --------------------------------------------------------------------------------------

fn main_usage() -> String {
    "\nUsage: pcs [-f file] [-h] [commands]...\n\
Control and configure pacemaker and corosync.\n\
\n\
Options:\n\
\x20   -h, --help         Display usage and exit.\n\
\x20   -f file            Perform actions on file instead of active CIB.\n\
\x20   --debug            Print all network traffic and external commands run.\n\
\x20   --version          Print pcs version information.\n\
\x20   --request-timeout  Timeout for each outgoing request to another node in\n\
\x20                      seconds. Default is 60s.\n\
\x20   --force            Override checks and errors, the exact behavior depends on\n\
\x20                      the command.\n\
\n\
Commands:\n\
\x20   cluster     Configure cluster options and nodes.\n\
\x20   resource    Manage cluster resources.\n\
\x20   stonith     Manage fence devices.\n\
\x20   constraint  Manage resource constraints.\n\
\x20   property    Manage pacemaker properties.\n\
\x20   acl         Manage pacemaker access control lists.\n\
\x20   quorum      Manage cluster quorum settings.\n\
\x20   booth       Manage booth (cluster ticket manager).\n\
\x20   status      View cluster status.\n\
\x20   config      View and manage cluster configuration.\n\
\x20   pcsd        Manage pcs daemon.\n\
\x20   node        Manage cluster nodes.\n\
\x20   alert       Manage pacemaker alerts.\n\
\n"
    .to_string()
}

/// The `pcs resource` subcommands this shell knows, with their usage entries.
const RESOURCE_COMMANDS: &[(&str, &str)] = &[
    (
        "status",
        "    [status [--hide-inactive]]\n        Show status of all currently configured resources. If --hide-inactive\n        is specified, only show active resources.\n",
    ),
    (
        "config",
        "    config [<resource id>]...\n        Show options of all currently configured resources or if resource ids\n        are specified show the options for the specified resource ids.\n",
    ),
    (
        "show",
        "    show [<resource id>]... | --full\n        Show options of the specified resources, or the status of all\n        resources when none is specified (--full: options of all of them).\n",
    ),
    (
        "restart",
        "    restart <resource id> [node] [--wait=n]\n        Restart the resource specified. If a node is specified and if the\n        resource is a clone or bundle it will be restarted only on the node\n        specified. If --wait is specified, then we will wait up to 'n' seconds\n        for the resource to be restarted and return 0 if the restart was\n        successful or 1 if it was not.\n",
    ),
    (
        "cleanup",
        "    cleanup [<resource id>] [node=<node>] [operation=<operation>\n            [interval=<interval>]]\n        Make the cluster forget failed operations from history of the resource\n        and re-detect its current state. This can be useful to purge knowledge\n        of past failures that have since been resolved. If a resource id is not\n        specified then all resources / stonith devices will be cleaned up.\n",
    ),
    (
        "enable",
        "    enable <resource id>... [--wait[=n]]\n        Allow the cluster to start the resources.\n",
    ),
    (
        "disable",
        "    disable <resource id>... [--wait[=n]]\n        Attempt to stop the resources if they are running and forbid the\n        cluster from starting them again.\n",
    ),
    (
        "move",
        "    move <resource id> [destination node] [--master] [lifetime=<lifetime>]\n        Move the resource off the node it is currently running on.\n",
    ),
    ("clear", "    clear <resource id> [node] [--master] [--expired]\n        Remove constraints created by move and/or ban on the specified\n        resource.\n"),
];

fn resource_usage(sub: Option<&str>) -> String {
    match sub.and_then(|s| RESOURCE_COMMANDS.iter().find(|(c, _)| *c == s)) {
        Some((name, entry)) => format!("\nUsage: pcs resource {name}...\n{entry}\n"),
        None => {
            let mut out = "\nUsage: pcs resource [commands]...\nManage pacemaker resources\n\nCommands:\n".to_string();
            for (_, entry) in RESOURCE_COMMANDS {
                out.push_str(entry);
                out.push('\n');
            }
            out
        }
    }
}

fn status_usage() -> String {
    "\nUsage: pcs status [commands]...\n\
View current cluster and resource status\n\
Commands:\n\
\x20   [status] [--full | --hide-inactive]\n\
\x20       View all information about the cluster and resources (--full provides\n\
\x20       more details, --hide-inactive hides inactive resources).\n\
\n\
\x20   resources [--hide-inactive]\n\
\x20       Show status of all currently configured resources.\n\
\n\
\x20   cluster\n\
\x20       View current cluster status.\n\
\n\
\x20   nodes [corosync | both | config]\n\
\x20       View current status of nodes from pacemaker.\n\
\n\
\x20   pcsd [<node>]...\n\
\x20       Show current status of pcsd on nodes specified, or on all nodes\n\
\x20       configured in the local cluster if no nodes are specified.\n\
\n"
    .to_string()
}

fn cluster_usage() -> String {
    "\nUsage: pcs cluster [commands]...\n\
Configure cluster for use with pacemaker\n\
\n\
Commands:\n\
\x20   status\n\
\x20       View current cluster status (an alias of 'pcs status cluster').\n\
\n\
\x20   start [--all | <node>...] [--wait[=<n>]]\n\
\x20       Start a cluster on specified node(s). If no nodes are specified then\n\
\x20       start a cluster on the local node. If --all is specified then start\n\
\x20       a cluster on all nodes.\n\
\n\
\x20   stop [--all | <node>...]\n\
\x20       Stop a cluster on specified node(s). If no nodes are specified then\n\
\x20       stop a cluster on the local node. If --all is specified then stop\n\
\x20       a cluster on all nodes.\n\
\n"
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faults::FaultRequest;
    use crate::fixture::Fixture;
    use crate::sim::ClockMode;
    use chrono::{TimeZone, Utc};
    use serde_json::json;

    fn world() -> World {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        World::from_fixture(&Fixture::default_cloud(), 7, ClockMode::Manual, start).unwrap()
    }

    fn pcs(w: &mut World, node: &str, line: &str) -> Output {
        let args: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        run(w, node, &args)
    }

    fn fault(w: &mut World, v: serde_json::Value) {
        w.add_fault(FaultRequest::from_json(v).unwrap()).unwrap();
    }

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
    fn resource_show_haproxy_bundle() {
        let mut w = world();
        let out = pcs(&mut w, "controller-0", "resource show haproxy-bundle");
        assert_eq!(out.status, 0);
        assert!(out.stderr.is_empty());
        insta::assert_snapshot!(out.text());
    }

    #[test]
    fn resource_show_a_vip() {
        let mut w = world();
        let vip = w.overcloud.cluster.resources.iter().find(|r| r.kind == ResourceKind::Vip).unwrap().name.clone();
        let out = pcs(&mut w, "controller-0", &format!("resource show {vip}"));
        assert_eq!(out.status, 0);
        insta::assert_snapshot!(out.text());
    }

    #[test]
    fn resource_config_galera_bundle_in_both_wordings() {
        let mut w = world();
        let v1 = pcs(&mut w, "controller-0", "resource config galera-bundle");
        assert!(v1.stdout.contains(" masters=3 "));
        w.overcloud.pacemaker = "2".into();
        let v2 = pcs(&mut w, "controller-0", "resource show galera-bundle");
        assert!(v2.stdout.contains(" promoted-max=3 "));
        assert_eq!(v2.stderr, "Warning: This command is deprecated and will be removed. Please use 'pcs resource config' instead.\n");
        insta::assert_snapshot!(v2.stdout);
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

    #[test]
    fn cleanup_forgets_the_failure_and_starts_the_replica() {
        let mut w = world();
        fault(&mut w, json!({"kind": "pacemaker-action-failure", "resource": "rabbitmq-bundle", "node": "controller-1"}));
        let rabbit =
            |w: &World| w.overcloud.cluster.resources.iter().find(|r| r.name == "rabbitmq-bundle").unwrap().replicas[1].role.clone();
        assert_eq!(rabbit(&w), "Stopped");
        let out = pcs(&mut w, "controller-0", "resource cleanup rabbitmq-bundle");
        assert_eq!(out.status, 0);
        assert_eq!(out.stdout, "Cleaned up rabbitmq-bundle on controller-1\nWaiting for 1 reply from the CRMd. OK\n");
        assert!(w.overcloud.cluster.failed_actions.is_empty());
        assert_eq!(rabbit(&w), "Started");
        let status = pcs(&mut w, "controller-0", "status").stdout;
        assert!(!status.contains("Failed Actions"));
        assert!(status.contains("rabbitmq-bundle-1@controller-1"));
        let all = pcs(&mut w, "controller-0", "resource cleanup");
        assert_eq!(all.stdout, "Cleaned up all resources on all nodes\nWaiting for 1 reply from the CRMd. OK\n");
    }

    #[test]
    fn restart_brings_the_replicas_back_in_their_roles() {
        let mut w = world();
        fault(&mut w, json!({"kind": "pacemaker-action-failure", "resource": "redis-bundle", "node": "controller-0"}));
        let later = w.now() + chrono::Duration::minutes(5);
        w.advance_clock(chrono::Duration::minutes(5));
        let out = pcs(&mut w, "controller-2", "resource restart redis-bundle");
        assert_eq!(out, Output::ok("redis-bundle successfully restarted\n"));
        let r = w.overcloud.cluster.resources.iter().find(|r| r.name == "redis-bundle").unwrap();
        let roles: Vec<&str> = r.replicas.iter().map(|x| x.role.as_str()).collect();
        assert_eq!(roles, ["Master", "Slave", "Slave"]);
        assert!(w.overcloud.cluster.failed_actions.is_empty());
        assert_eq!(w.overcloud.cluster.last_change, Some(later));
        assert_eq!(w.overcloud.cluster.last_change_node, "controller-2");
        assert_eq!(w.overcloud.container("controller-0", "redis-bundle-docker-0").unwrap().started_at, later);
        let status = pcs(&mut w, "controller-0", "status").stdout;
        assert!(status.contains("Last change: Thu Jan  1 00:05:00 2026 by root via crm_resource on controller-2"));
    }

    #[test]
    fn restart_with_a_controller_offline_promotes_a_survivor() {
        let mut w = world();
        fault(&mut w, json!({"kind": "controller-offline", "node": "controller-0"}));
        let out = pcs(&mut w, "controller-1", "resource restart ovn-dbs-bundle");
        assert_eq!(out.status, 0);
        let r = w.overcloud.cluster.resources.iter().find(|r| r.name == "ovn-dbs-bundle").unwrap();
        let roles: Vec<&str> = r.replicas.iter().map(|x| x.role.as_str()).collect();
        assert_eq!(roles, ["Stopped", "Master", "Slave"]);
    }

    #[test]
    fn unknown_resources_and_commands_fail_as_pcs_does() {
        let mut w = world();
        let show = pcs(&mut w, "controller-0", "resource show nope");
        assert_eq!((show.status, show.stderr.as_str()), (1, "Error: unable to find resource 'nope'\n"));
        let config = pcs(&mut w, "controller-0", "resource config nope");
        assert_eq!(config.status, 1);
        let restart = pcs(&mut w, "controller-0", "resource restart nope");
        assert_eq!((restart.status, restart.stderr.as_str()), (1, "Error: Resource 'nope' does not exist.\n"));
        let cleanup = pcs(&mut w, "controller-0", "resource cleanup nope");
        assert_eq!(cleanup.status, 1);
        assert!(cleanup.stderr.contains("Resource 'nope' not found"));
        let top = pcs(&mut w, "controller-0", "frobnicate");
        assert_eq!(top.status, 1);
        assert!(top.stdout.is_empty());
        assert!(top
            .stderr
            .starts_with("\nUsage: pcs [-f file] [-h] [commands]...\nControl and configure pacemaker and corosync.\n\nOptions:\n"));
        let sub = pcs(&mut w, "controller-0", "resource frobnicate");
        assert_eq!(sub.status, 1);
        assert!(sub.stderr.starts_with("\nUsage: pcs resource [commands]...\nManage pacemaker resources\n"));
        let missing = pcs(&mut w, "controller-0", "resource restart");
        assert_eq!(missing.status, 1);
        assert!(missing.stderr.starts_with("\nUsage: pcs resource restart...\n"));
        let status = pcs(&mut w, "controller-0", "status frobnicate");
        assert_eq!(status.status, 1);
        assert!(status.stderr.starts_with("\nUsage: pcs status [commands]...\n"));
        let resource_help = pcs(&mut w, "controller-0", "resource --help");
        assert_eq!(resource_help.status, 0);
        assert!(resource_help.stdout.starts_with("\nUsage: pcs resource [commands]...\n"));
        let help = pcs(&mut w, "controller-0", "--help");
        assert_eq!(help.status, 0);
        assert!(help.stdout.starts_with("\nUsage: pcs [-f file]"));
    }

    #[test]
    fn no_arguments_print_the_usage() {
        let mut w = world();
        let out = run(&mut w, "controller-0", &[]);
        assert_eq!(out.status, 1);
        assert!(out.stderr.starts_with("\nUsage: pcs "));
        for line in
            ["", "-f", "--full", "resource show --full", "resource cleanup node=controller-0", "status --full", "cluster", "--version"]
        {
            let _ = pcs(&mut w, "controller-0", line);
        }
        assert_eq!(pcs(&mut w, "controller-0", "--version").stdout, "0.9.167\n");
    }

    #[test]
    fn only_controllers_have_pcs() {
        let mut w = world();
        let compute = w.overcloud.nodes.values().find(|n| n.role == Role::Compute).unwrap().name.clone();
        let out = pcs(&mut w, &compute, "status");
        assert_eq!((out.status, out.stderr.as_str()), (127, "bash: pcs: command not found\n"));
        assert_eq!(pcs(&mut w, "nowhere", "status").status, 127);
    }

    #[test]
    fn resource_status_lists_what_status_lists() {
        let mut w = world();
        let list = pcs(&mut w, "controller-0", "resource").stdout;
        assert!(list.starts_with(" Docker container set: rabbitmq-bundle [cluster.common.tag/centos-binary-rabbitmq:pcmklatest]\n"));
        assert_eq!(pcs(&mut w, "controller-0", "resource show").stdout, list);
        assert_eq!(pcs(&mut w, "controller-0", "status resources").stdout, list);
        assert!(pcs(&mut w, "controller-0", "status").stdout.contains(&list));
        w.overcloud.pacemaker = "2".into();
        let show = pcs(&mut w, "controller-0", "resource show");
        assert!(show.stderr.contains("Please use 'pcs resource status' instead."));
        assert!(show.stdout.starts_with("  * Container bundle set: rabbitmq-bundle"));
    }
}
