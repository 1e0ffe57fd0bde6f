//! `rabbitmqctl cluster_status` in a rabbitmq-bundle replica: the Erlang-term form of RabbitMQ 3.7
//! with Pacemaker 1.1, the sectioned text of RabbitMQ 3.8 with Pacemaker 2, as the node the command
//! runs on sees the cluster.

use super::facts::controllers;
use crate::shell::output::Output;
use crate::tripleo::model::*;
use crate::world::World;
use std::fmt::Write as _;

/// An Erlang term, printed as `io_lib_pretty` does (`~p`, 80 columns).
enum Term {
    Atom(String),
    Bin(String),
    List(Vec<Term>),
    Tuple(Vec<Term>),
}

fn atom(s: &str) -> Term {
    Term::Atom(s.to_string())
}

impl Term {
    fn flat(&self) -> String {
        match self {
            Term::Atom(a) => {
                let plain = a.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                    && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '@');
                if plain {
                    a.clone()
                } else {
                    format!("'{a}'")
                }
            }
            Term::Bin(b) => format!("<<\"{b}\">>"),
            Term::List(es) => format!("[{}]", es.iter().map(Term::flat).collect::<Vec<_>>().join(",")),
            Term::Tuple(es) => format!("{{{}}}", es.iter().map(Term::flat).collect::<Vec<_>>().join(",")),
        }
    }

    fn simple(&self) -> bool {
        matches!(self, Term::Atom(_) | Term::Bin(_))
    }

    /// Prints at column `col`, with `trail` characters to follow on the same line.
    fn pretty(&self, col: usize, trail: usize, out: &mut String) {
        const WIDTH: usize = 80;
        let flat = self.flat();
        if col + flat.len() + trail < WIDTH || self.simple() {
            out.push_str(&flat);
            return;
        }
        let newline = |out: &mut String, col: usize| {
            out.push('\n');
            out.push_str(&" ".repeat(col));
        };
        match self {
            Term::Tuple(es) if !es.is_empty() => {
                let head = es[0].flat();
                out.push('{');
                out.push_str(&head);
                if es.len() == 1 {
                    out.push('}');
                    return;
                }
                out.push(',');
                let c2 = col + 1 + head.len() + 1;
                let n = es.len() - 1;
                for (i, e) in es[1..].iter().enumerate() {
                    if i > 0 {
                        newline(out, c2);
                    }
                    let last = i + 1 == n;
                    e.pretty(c2, if last { trail + 1 } else { 1 }, out);
                    out.push(if last { '}' } else { ',' });
                }
            }
            Term::List(es) if !es.is_empty() => {
                out.push('[');
                let c = col + 1;
                if es.iter().all(Term::simple) {
                    let mut cur = c;
                    for (i, e) in es.iter().enumerate() {
                        let s = e.flat();
                        let last = i + 1 == es.len();
                        let tail = if last { trail + 1 } else { 1 };
                        if i > 0 && cur + s.len() + tail >= WIDTH {
                            newline(out, c);
                            cur = c;
                        }
                        out.push_str(&s);
                        cur += s.len() + 1;
                        out.push(if last { ']' } else { ',' });
                    }
                } else {
                    for (i, e) in es.iter().enumerate() {
                        if i > 0 {
                            newline(out, c);
                        }
                        let last = i + 1 == es.len();
                        e.pretty(c, if last { trail + 1 } else { 1 }, out);
                        out.push(if last { ']' } else { ',' });
                    }
                }
            }
            _ => out.push_str(&flat),
        }
    }
}

const RABBITMQCTL_USAGE: &str = "\nUsage:\nrabbitmqctl [-n <node>] [-t <timeout>] [-l] [-q] <command> [<command options>]\n\nCommands:\n    cluster_status\n\nUse 'rabbitmqctl help <command>' to learn more about a command.\n";

pub(super) fn rabbitmqctl(w: &World, node: &str, args: &[String]) -> Output {
    let mut target = node.to_string();
    let mut quiet = false;
    let mut words: Vec<&str> = vec![];
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-n" | "--node" => {
                if let Some(v) = args.get(i + 1) {
                    let host = v.rsplit('@').next().unwrap_or(v);
                    target = host.split('.').next().unwrap_or(host).to_string();
                }
                i += 1;
            }
            "-t" | "--timeout" => i += 1,
            "-q" | "--quiet" => quiet = true,
            "-l" | "--longnames" => {}
            s if s.starts_with("--node=") || s.starts_with("--timeout=") => {
                if let Some(v) = s.strip_prefix("--node=") {
                    let host = v.rsplit('@').next().unwrap_or(v);
                    target = host.split('.').next().unwrap_or(host).to_string();
                }
            }
            s => words.push(s),
        }
        i += 1;
    }
    match words.as_slice() {
        ["cluster_status"] => cluster_status(w, &target, quiet),
        [] => Output::fail(64, format!("Error: could not recognise command{RABBITMQCTL_USAGE}")),
        [cmd, ..] => Output::fail(64, format!("Error: could not recognise command \"{cmd}\"{RABBITMQCTL_USAGE}")),
    }
}

fn nodedown(target: &str) -> Output {
    Output::fail(
        69,
        format!(
            "Error: unable to perform an operation on node 'rabbit@{target}'. Please see diagnostics information and suggestions below.\n\n\
             Most common reasons for this are:\n\n \
             * Target node is unreachable (e.g. due to hostname resolution, TCP connection or firewall issues)\n \
             * CLI tool fails to authenticate with the server (e.g. due to CLI tool's Erlang cookie not matching that of the server)\n \
             * Target node is not running\n\n\
             DIAGNOSTICS\n===========\n\n\
             attempted to contact: ['rabbit@{target}']\n\n\
             rabbit@{target}:\n  \
             * connected to epmd (port 4369) on {target}\n  \
             * epmd reports: node 'rabbit' not running at all\n                  no other nodes on {target}\n  \
             * suggestion: start the node\n"
        ),
    )
}

fn cluster_status(w: &World, viewer: &str, quiet: bool) -> Output {
    let o = &w.overcloud;
    let r = &o.rabbit;
    let ctrls = controllers(o);
    match o.node(viewer) {
        Some(n) if n.role == Role::Controller && n.online && !r.stopped.iter().any(|s| s == viewer) => {}
        _ => return nodedown(viewer),
    }
    let unseen = r.partitions.get(viewer).cloned().unwrap_or_default();
    let all: Vec<&str> = ctrls.iter().map(|n| n.name.as_str()).collect();
    let running: Vec<&str> = ctrls
        .iter()
        .filter(|n| n.online && !r.stopped.contains(&n.name) && (n.name == viewer || !unseen.contains(&n.name)))
        .map(|n| n.name.as_str())
        .collect();
    let partitions: Vec<(&str, &Vec<String>)> =
        running.iter().filter_map(|n| r.partitions.get(*n).filter(|p| !p.is_empty()).map(|p| (*n, p))).collect();
    let alarms = |n: &str| r.alarms.get(n).cloned().unwrap_or_default();
    let rn = |n: &str| format!("rabbit@{n}");
    let mut out = String::new();
    if o.pacemaker == "2" {
        if !quiet {
            let _ = writeln!(out, "Cluster status of node {} ...", rn(viewer));
        }
        let section = |out: &mut String, title: &str, lines: Vec<String>| {
            let _ = writeln!(out, "{title}\n");
            if lines.is_empty() {
                out.push_str("(none)\n");
            }
            for l in lines {
                let _ = writeln!(out, "{l}");
            }
        };
        let _ = writeln!(out, "Basics\n\nCluster name: {}\n", r.cluster_name);
        section(&mut out, "Disk Nodes", all.iter().map(|n| rn(n)).collect());
        out.push('\n');
        section(&mut out, "Running Nodes", running.iter().map(|n| rn(n)).collect());
        out.push('\n');
        section(&mut out, "Versions", running.iter().map(|n| format!("{}: RabbitMQ 3.8.3 on Erlang 22.3.4.1", rn(n))).collect());
        out.push('\n');
        let mut alarm_lines = vec![];
        for n in &running {
            for a in alarms(n) {
                alarm_lines.push(match a.as_str() {
                    "disk" => format!("Free disk space alarm on node {}", rn(n)),
                    "memory" => format!("Memory alarm on node {}", rn(n)),
                    other => format!("{other} alarm on node {}", rn(n)),
                });
            }
        }
        section(&mut out, "Alarms", alarm_lines);
        out.push('\n');
        section(
            &mut out,
            "Network Partitions",
            partitions
                .iter()
                .map(|(n, p)| format!("Node {} cannot communicate with {}", rn(n), p.iter().map(|x| rn(x)).collect::<Vec<_>>().join(", ")))
                .collect(),
        );
        out.push('\n');
        let mut listeners = vec![];
        for n in &running {
            let ip = o.node(n).map(|x| x.internal_ip.clone()).unwrap_or_default();
            listeners.push(format!(
                "Node: {}, interface: [::], port: 25672, protocol: clustering, purpose: inter-node and CLI tool communication",
                rn(n)
            ));
            listeners.push(format!("Node: {}, interface: {ip}, port: 5672, protocol: amqp, purpose: AMQP 0-9-1 and AMQP 1.0", rn(n)));
        }
        section(&mut out, "Listeners", listeners);
        out.push('\n');
        section(
            &mut out,
            "Feature flags",
            ["drop_unroutable_metric", "empty_basic_get_metric", "implicit_default_bindings", "quorum_queue", "virtual_host_metadata"]
                .iter()
                .map(|f| format!("Flag: {f}, state: enabled"))
                .collect(),
        );
        return Output::ok(out);
    }
    if !quiet {
        let _ = writeln!(out, "Cluster status of node {} ...", rn(viewer));
    }
    let seen: Vec<&str> = running.iter().rev().copied().collect();
    let term = Term::List(vec![
        Term::Tuple(vec![
            atom("nodes"),
            Term::List(vec![Term::Tuple(vec![atom("disc"), Term::List(all.iter().map(|n| atom(&rn(n))).collect())])]),
        ]),
        Term::Tuple(vec![atom("running_nodes"), Term::List(seen.iter().map(|n| atom(&rn(n))).collect())]),
        Term::Tuple(vec![atom("cluster_name"), Term::Bin(r.cluster_name.clone())]),
        Term::Tuple(vec![
            atom("partitions"),
            Term::List(
                seen.iter()
                    .filter_map(|n| partitions.iter().find(|(p, _)| p == n))
                    .map(|(n, p)| Term::Tuple(vec![atom(&rn(n)), Term::List(p.iter().map(|x| atom(&rn(x))).collect())]))
                    .collect(),
            ),
        ]),
        Term::Tuple(vec![
            atom("alarms"),
            Term::List(
                seen.iter().map(|n| Term::Tuple(vec![atom(&rn(n)), Term::List(alarms(n).iter().map(|a| atom(a)).collect())])).collect(),
            ),
        ]),
    ]);
    term.pretty(0, 0, &mut out);
    out.push('\n');
    Output::ok(out)
}

#[cfg(test)]
mod tests {
    use crate::shell::exec::tests::*;
    use serde_json::json;

    #[test]
    fn rabbitmq_cluster_status_erlang_terms() {
        let mut w = world();
        insta::assert_snapshot!("rabbitmq_cluster_status_1_1", ok(&mut w, "controller-0", "rabbitmq-bundle", "rabbitmqctl cluster_status"));
    }

    #[test]
    fn rabbitmq_cluster_status_sectioned() {
        let mut w = world();
        w.overcloud.pacemaker = "2".into();
        insta::assert_snapshot!("rabbitmq_cluster_status_3_8", ok(&mut w, "controller-0", "rabbitmq-bundle", "rabbitmqctl cluster_status"));
    }

    #[test]
    fn rabbitmq_partition_as_each_side_sees_it() {
        let mut w = world();
        fault(&mut w, json!({"kind": "rabbitmq-partition", "node": "controller-1"}));
        insta::assert_snapshot!(
            "rabbitmq_partition_from_controller_0",
            ok(&mut w, "controller-0", "rabbitmq-bundle", "rabbitmqctl cluster_status")
        );
        insta::assert_snapshot!(
            "rabbitmq_partition_from_controller_1",
            ok(&mut w, "controller-1", "rabbitmq-bundle", "rabbitmqctl cluster_status")
        );
        w.overcloud.pacemaker = "2".into();
        insta::assert_snapshot!(
            "rabbitmq_partition_from_controller_0_3_8",
            ok(&mut w, "controller-0", "rabbitmq-bundle", "rabbitmqctl cluster_status")
        );
    }

    #[test]
    fn rabbitmq_memory_alarm() {
        let mut w = world();
        fault(&mut w, json!({"kind": "rabbitmq-alarm", "node": "controller-0", "alarm": "memory"}));
        let old = ok(&mut w, "controller-0", "rabbitmq-bundle", "rabbitmqctl cluster_status");
        assert!(old.contains("{'rabbit@controller-0',[memory]}"), "{old}");
        insta::assert_snapshot!("rabbitmq_memory_alarm_1_1", old);
        w.overcloud.pacemaker = "2".into();
        let new = ok(&mut w, "controller-0", "rabbitmq-bundle", "rabbitmqctl cluster_status");
        assert!(new.contains("Alarms\n\nMemory alarm on node rabbit@controller-0\n"), "{new}");
        insta::assert_snapshot!("rabbitmq_memory_alarm_3_8", new);
    }

    #[test]
    fn rabbitmqctl_other_commands_are_usage_errors() {
        let mut w = world();
        let out = exec(&mut w, "controller-0", "rabbitmq-bundle", "rabbitmqctl list_vhostz");
        assert_eq!(out.status, 64);
        assert!(out.stderr.starts_with("Error: could not recognise command"), "{}", out.stderr);
        assert_eq!(exec(&mut w, "controller-0", "rabbitmq-bundle", "rabbitmqctl").status, 64);
        let quiet = ok(&mut w, "controller-0", "rabbitmq-bundle", "rabbitmqctl -q cluster_status");
        assert!(quiet.starts_with("[{nodes,"), "{quiet}");
    }
}
