//! Commands inside a container (`docker exec NAME CMD...`): what an operator runs in the overcloud's
//! containers, answered from the model in the real tools' formats.
//!
//! - `rabbitmqctl cluster_status` in a rabbitmq-bundle replica: the Erlang-term form of RabbitMQ
//!   3.7 with Pacemaker 1.1 (the seed's era), the sectioned text of RabbitMQ 3.8 with Pacemaker 2.
//!   Running nodes, partitions and alarms are as the node the command runs on sees them.
//! - `mysql -e "SHOW [GLOBAL] STATUS LIKE 'wsrep_%'"` in a galera-bundle replica: the wsrep status
//!   of that node (boxed table, `-B`, `-N`/`-s`, `-E`), `SHOW VARIABLES` for the wsrep settings.
//! - `ps -ef` / `ps aux` anywhere: the container's processes (dumb-init, pacemaker_remoted, the
//!   service) with deterministic PIDs derived from the container id.
//! - `ceph -s|status|health [detail]` in the ceph-mon/ceph-mgr containers (Nautilus wording).
//! - `redis-cli info [replication|server]`, `ping` in a redis-bundle replica.
//! - `cat FILE` (the container's started-with config copies, the live bind mounts, haproxy.cfg),
//!   `hostname`, `echo`, `crudini`, and `bash -c`/`sh -c` with one plain command or HAProxy's
//!   `echo "show stat" | socat stdio /var/lib/haproxy/stats`.
//!
//! Anything else fails as the OCI runtime does when the executable is not in the image.

use super::Output;
use crate::sim::journal::Record;
use crate::sim::SimTime;
use crate::tripleo::model::*;
use crate::world::World;
use std::fmt::Write as _;

/// What a container runs, which decides the commands it has and the processes it shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Rabbit,
    Galera,
    Redis,
    Haproxy,
    OvnDbs,
    CinderVolume,
    CephMon,
    CephMgr,
    Service,
}

fn kind_of(o: &Overcloud, container: &str) -> Kind {
    for r in o.cluster.resources.iter().filter(|r| !r.container_prefix.is_empty()) {
        let replica = container
            .strip_prefix(r.container_prefix.as_str())
            .and_then(|s| s.strip_prefix('-'))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if replica {
            return match r.name.as_str() {
                "rabbitmq-bundle" => Kind::Rabbit,
                "galera-bundle" => Kind::Galera,
                "redis-bundle" => Kind::Redis,
                "haproxy-bundle" => Kind::Haproxy,
                "ovn-dbs-bundle" => Kind::OvnDbs,
                _ => Kind::CinderVolume,
            };
        }
    }
    if container.starts_with("ceph-mon-") {
        Kind::CephMon
    } else if container.starts_with("ceph-mgr-") {
        Kind::CephMgr
    } else {
        Kind::Service
    }
}

/// Whether the container's image has the command.
fn available(kind: Kind, cmd: &str) -> bool {
    match cmd {
        "crudini" | "ps" | "cat" | "hostname" | "echo" | "bash" | "sh" => true,
        "rabbitmqctl" => kind == Kind::Rabbit,
        "mysql" => kind == Kind::Galera,
        "redis-cli" => kind == Kind::Redis,
        "ceph" => matches!(kind, Kind::CephMon | Kind::CephMgr),
        _ => false,
    }
}

fn not_found(cmd: &str) -> Output {
    Output::fail(
        126,
        format!("OCI runtime exec failed: exec failed: container_linux.go:349: starting container process caused \"exec: \\\"{cmd}\\\": executable file not found in $PATH\": unknown\n"),
    )
}

pub fn run(w: &mut World, node: &str, container: &str, argv: &[String]) -> Output {
    run_in(w, node, container, argv, 0)
}

fn run_in(w: &mut World, node: &str, container: &str, argv: &[String], depth: usize) -> Output {
    let Some(first) = argv.first() else { return Output::fail(1, "no command\n") };
    let name = first.rsplit('/').next().unwrap_or(first);
    let kind = kind_of(&w.overcloud, container);
    if !available(kind, name) {
        return not_found(first);
    }
    let args = &argv[1..];
    match name {
        "crudini" => super::crudini::run(w, node, args, Some(container)),
        "rabbitmqctl" => rabbitmqctl(w, node, args),
        "mysql" => mysql(w, node, args),
        "redis-cli" => redis_cli(w, node, container, args),
        "ceph" => ceph(w, node, container, args),
        "ps" => ps(w, node, container, kind, argv),
        "cat" => cat(w, node, container, kind, args),
        "hostname" => hostname(w, node, args),
        "echo" => echo(args),
        _ => shell(w, node, container, kind, name, args, depth),
    }
}

// ---------------------------------------------------------------------------------------------
// Shared facts

/// FNV-1a, for deterministic numbers derived from ids and names.
fn fnv(s: &str) -> u64 {
    let h = s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
    // splitmix64's finalizer, so that similar names give unrelated numbers.
    let h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// A UUID-shaped string derived from a seed text.
fn uuid_from(seed: &str) -> String {
    let a = fnv(seed);
    let b = fnv(&format!("{seed}/{a:x}"));
    let hex = format!("{a:016x}{b:016x}");
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

fn hex40(seed: &str) -> String {
    let mut out = String::new();
    let mut h = fnv(seed);
    while out.len() < 40 {
        let _ = write!(out, "{h:016x}");
        h = fnv(&format!("{seed}/{h}"));
    }
    out.truncate(40);
    out
}

/// The controllers in index order.
fn controllers(o: &Overcloud) -> Vec<&Node> {
    let mut v: Vec<&Node> = o.controllers().collect();
    v.sort_by_key(|n| n.index);
    v
}

fn replica<'a>(o: &'a Overcloud, bundle: &str, node: &str) -> Option<&'a Replica> {
    o.cluster.resources.iter().find(|r| r.name == bundle)?.replicas.iter().find(|x| x.node.as_deref() == Some(node))
}

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

// ---------------------------------------------------------------------------------------------
// rabbitmqctl

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

fn rabbitmqctl(w: &World, node: &str, args: &[String]) -> Output {
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

// ---------------------------------------------------------------------------------------------
// mysql

#[derive(Clone, Copy, PartialEq)]
enum Layout {
    Table,
    Tabs,
    Vertical,
}

fn mysql(w: &World, node: &str, args: &[String]) -> Output {
    let mut sql: Option<String> = None;
    let (mut batch, mut silent, mut no_header, mut table, mut vertical) = (false, 0, false, false, false);
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if let Some(long) = a.strip_prefix("--") {
            let (key, value) = long.split_once('=').map_or((long, None), |(k, v)| (k, Some(v.to_string())));
            match key {
                "execute" => {
                    sql = value.or_else(|| {
                        i += 1;
                        args.get(i).cloned()
                    });
                    if sql.is_none() {
                        return Output::fail(1, "mysql: option '--execute' requires an argument\n");
                    }
                }
                "batch" => batch = true,
                "silent" => silent += 1,
                "skip-column-names" => no_header = true,
                "table" => table = true,
                "vertical" => vertical = true,
                "raw" | "verbose" | "no-auto-rehash" | "skip-auto-rehash" | "unbuffered" | "password" | "column-names" => {}
                "user" | "host" | "port" | "socket" | "database" | "defaults-file" | "defaults-extra-file" | "protocol" => {
                    if value.is_none() {
                        i += 1;
                    }
                }
                _ => return Output::fail(7, format!("mysql: unknown option '--{key}'\n")),
            }
        } else if let Some(short) = a.strip_prefix('-').filter(|s| !s.is_empty()) {
            let chars: Vec<char> = short.chars().collect();
            let mut j = 0;
            while j < chars.len() {
                match chars[j] {
                    'B' => batch = true,
                    'N' => no_header = true,
                    's' => silent += 1,
                    't' => table = true,
                    'E' => vertical = true,
                    'r' | 'v' | 'A' | 'n' | 'q' | 'w' => {}
                    c @ ('e' | 'u' | 'h' | 'P' | 'S' | 'D') => {
                        let rest: String = chars[j + 1..].iter().collect();
                        let value = if rest.is_empty() {
                            i += 1;
                            args.get(i).cloned()
                        } else {
                            Some(rest)
                        };
                        if c == 'e' {
                            if value.is_none() {
                                return Output::fail(1, "mysql: option '-e' requires an argument\n");
                            }
                            sql = value;
                        }
                        break;
                    }
                    'p' => break,
                    c => return Output::fail(7, format!("mysql: unknown option '-{c}'\n")),
                }
                j += 1;
            }
        }
        i += 1;
    }
    let Some(sql) = sql else {
        return Output::fail(1, "fakecloud: no interactive mysql sessions; give the SQL with -e \"...\"\n");
    };
    let o = &w.overcloud;
    let g = o.galera.get(node);
    let stopped = replica(o, "galera-bundle", node).is_some_and(|r| r.role == "Stopped");
    if g.is_none_or(|g| !g.running) || stopped {
        return Output::fail(1, "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/lib/mysql/mysql.sock' (2)\n");
    }
    let layout = if vertical {
        Layout::Vertical
    } else if table || !(batch || silent > 0) {
        Layout::Table
    } else {
        Layout::Tabs
    };
    let header = !(no_header || silent >= 2);
    let mut out = Output::default();
    for (line, stmt) in statements(&sql) {
        let rows = match query(w, node, &stmt) {
            Ok(rows) => rows,
            Err(e) => {
                out.stderr = format!("{}\n", e.replace("{line}", &line.to_string()));
                out.status = 1;
                return out;
            }
        };
        out.stdout.push_str(&render(&rows, layout, header));
    }
    out
}

/// The statements of an `-e` string, split at `;` outside quotes, with the line each starts on.
fn statements(sql: &str) -> Vec<(usize, String)> {
    let mut out = vec![];
    let (mut cur, mut quote, mut line, mut start_line) = (String::new(), None::<char>, 1, 1);
    for ch in sql.chars() {
        match (quote, ch) {
            (None, ';') => {
                if !cur.trim().is_empty() {
                    out.push((start_line, cur.trim().to_string()));
                }
                cur.clear();
                start_line = line;
                continue;
            }
            (None, '\'' | '"' | '`') => quote = Some(ch),
            (Some(q), c) if q == c => quote = None,
            _ => {}
        }
        if ch == '\n' {
            line += 1;
        }
        if cur.trim().is_empty() {
            start_line = line;
        }
        cur.push(ch);
    }
    if !cur.trim().is_empty() {
        out.push((start_line, cur.trim().to_string()));
    }
    out
}

#[derive(Debug, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Punct(char),
}

fn tokens(s: &str) -> Vec<(usize, Tok)> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = vec![];
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' || c == '"' {
            let mut v = String::new();
            i += 1;
            while i < chars.len() && chars[i].1 != c {
                if chars[i].1 == '\\' && i + 1 < chars.len() {
                    i += 1;
                    // Keep the escape: LIKE patterns use `\_` and `\%`.
                    if chars[i].1 == '_' || chars[i].1 == '%' {
                        v.push('\\');
                    }
                }
                v.push(chars[i].1);
                i += 1;
            }
            i += 1;
            out.push((pos, Tok::Str(v)));
        } else if c.is_alphanumeric() || c == '_' || c == '@' || c == '`' {
            let mut v = String::new();
            while i < chars.len() && (chars[i].1.is_alphanumeric() || chars[i].1 == '_' || chars[i].1 == '@' || chars[i].1 == '`') {
                if chars[i].1 != '`' {
                    v.push(chars[i].1);
                }
                i += 1;
            }
            out.push((pos, Tok::Word(v)));
        } else {
            out.push((pos, Tok::Punct(c)));
            i += 1;
        }
    }
    out
}

/// SQL LIKE, case-insensitive, with `%`, `_` and backslash escapes.
fn like(pattern: &str, s: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let s: Vec<char> = s.to_lowercase().chars().collect();
    fn go(p: &[char], s: &[char]) -> bool {
        match p.first() {
            None => s.is_empty(),
            Some('%') => (0..=s.len()).any(|k| go(&p[1..], &s[k..])),
            Some('_') => !s.is_empty() && go(&p[1..], &s[1..]),
            Some('\\') if p.len() > 1 => s.first() == Some(&p[1]) && go(&p[2..], &s[1..]),
            Some(c) => s.first() == Some(c) && go(&p[1..], &s[1..]),
        }
    }
    go(&p, &s)
}

fn syntax_error(stmt: &str, pos: usize) -> String {
    let near: String = stmt.get(pos..).unwrap_or("").chars().take(80).collect();
    format!("ERROR 1064 (42000) at line {{line}}: You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near '{near}' at line 1")
}

/// Runs one statement: `SHOW [GLOBAL|SESSION] STATUS|VARIABLES [LIKE 'p' | WHERE Variable_name
/// (= 'x' | LIKE 'p' | IN ('x', ...))]`.
fn query(w: &World, node: &str, stmt: &str) -> Result<Vec<(String, String)>, String> {
    let toks = tokens(stmt);
    let word = |i: usize| match toks.get(i) {
        Some((_, Tok::Word(v))) => Some(v.to_ascii_uppercase()),
        _ => None,
    };
    let at = |i: usize| toks.get(i).map_or(stmt.len(), |(p, _)| *p);
    if word(0).as_deref() != Some("SHOW") {
        return Err(syntax_error(stmt, 0));
    }
    let mut i = 1;
    if matches!(word(i).as_deref(), Some("GLOBAL" | "SESSION" | "LOCAL")) {
        i += 1;
    }
    let rows = match word(i).as_deref() {
        Some("STATUS") => wsrep_status(w, node),
        Some("VARIABLES") => wsrep_variables(&w.overcloud, node),
        _ => return Err(syntax_error(stmt, at(i))),
    };
    i += 1;
    let keep: Box<dyn Fn(&str) -> bool> = match word(i).as_deref() {
        None => Box::new(|_| true),
        Some("LIKE") => match toks.get(i + 1) {
            Some((_, Tok::Str(p))) => {
                let p = p.clone();
                i += 2;
                Box::new(move |n| like(&p, n))
            }
            _ => return Err(syntax_error(stmt, at(i + 1))),
        },
        Some("WHERE") => {
            match word(i + 1) {
                Some(c) if c == "VARIABLE_NAME" => {}
                Some(_) => {
                    let col = match &toks[i + 1].1 {
                        Tok::Word(v) => v.clone(),
                        _ => String::new(),
                    };
                    return Err(format!("ERROR 1054 (42S22) at line {{line}}: Unknown column '{col}' in 'where clause'"));
                }
                None => return Err(syntax_error(stmt, at(i + 1))),
            }
            match (toks.get(i + 2).map(|t| &t.1), toks.get(i + 3).map(|t| &t.1)) {
                (Some(Tok::Punct('=')), Some(Tok::Str(v))) => {
                    let v = v.to_lowercase();
                    i += 4;
                    Box::new(move |n| n.to_lowercase() == v)
                }
                (Some(Tok::Word(op)), Some(Tok::Str(p))) if op.eq_ignore_ascii_case("like") => {
                    let p = p.clone();
                    i += 4;
                    Box::new(move |n| like(&p, n))
                }
                (Some(Tok::Word(op)), Some(Tok::Punct('('))) if op.eq_ignore_ascii_case("in") => {
                    let mut names = vec![];
                    let mut k = i + 4;
                    loop {
                        match toks.get(k).map(|t| &t.1) {
                            Some(Tok::Str(v)) => names.push(v.to_lowercase()),
                            _ => return Err(syntax_error(stmt, at(k))),
                        }
                        match toks.get(k + 1).map(|t| &t.1) {
                            Some(Tok::Punct(',')) => k += 2,
                            Some(Tok::Punct(')')) => break,
                            _ => return Err(syntax_error(stmt, at(k + 1))),
                        }
                    }
                    i = k + 2;
                    Box::new(move |n| names.contains(&n.to_lowercase()))
                }
                _ => return Err(syntax_error(stmt, at(i + 2))),
            }
        }
        Some(_) => return Err(syntax_error(stmt, at(i))),
    };
    if i < toks.len() {
        return Err(syntax_error(stmt, at(i)));
    }
    Ok(rows.into_iter().filter(|(n, _)| keep(n)).collect())
}

fn render(rows: &[(String, String)], layout: Layout, header: bool) -> String {
    const HEAD: (&str, &str) = ("Variable_name", "Value");
    let mut out = String::new();
    if rows.is_empty() {
        return out;
    }
    match layout {
        Layout::Tabs => {
            if header {
                let _ = writeln!(out, "{}\t{}", HEAD.0, HEAD.1);
            }
            for (n, v) in rows {
                let _ = writeln!(out, "{n}\t{v}");
            }
        }
        Layout::Vertical => {
            for (k, (n, v)) in rows.iter().enumerate() {
                let _ = writeln!(out, "*************************** {}. row ***************************", k + 1);
                let _ = writeln!(out, "{}: {n}", HEAD.0);
                let _ = writeln!(out, "{:>13}: {v}", HEAD.1);
            }
        }
        Layout::Table => {
            let w0 = rows.iter().map(|r| r.0.chars().count()).chain([HEAD.0.len()]).max().unwrap_or(0);
            let w1 = rows.iter().map(|r| r.1.chars().count()).chain([HEAD.1.len()]).max().unwrap_or(0);
            let rule = format!("+{}+{}+\n", "-".repeat(w0 + 2), "-".repeat(w1 + 2));
            out.push_str(&rule);
            if header {
                let _ = writeln!(out, "| {:<w0$} | {:<w1$} |", HEAD.0, HEAD.1);
                out.push_str(&rule);
            }
            for (n, v) in rows {
                let _ = writeln!(out, "| {n:<w0$} | {v:<w1$} |");
            }
            out.push_str(&rule);
        }
    }
    out
}

fn gcomm(o: &Overcloud) -> String {
    format!("gcomm://{}", controllers(o).iter().map(|n| format!("{}.internalapi.localdomain", n.name)).collect::<Vec<_>>().join(","))
}

/// The nodes of the Primary component, in index order.
fn galera_members(o: &Overcloud) -> Vec<&Node> {
    controllers(o)
        .into_iter()
        .filter(|n| n.online && o.galera.get(&n.name).is_some_and(|g| g.running && g.cluster_status == "Primary"))
        .collect()
}

fn galera_state_uuid(o: &Overcloud) -> String {
    uuid_from(&format!("galera/{}/{}", o.cluster.name, controllers(o).iter().map(|n| n.name.as_str()).collect::<Vec<_>>().join(",")))
}

/// The cluster's last committed seqno: it grows with the uptime.
fn galera_seqno(w: &World) -> i64 {
    let o = &w.overcloud;
    let up = controllers(o)
        .iter()
        .flat_map(|n| n.containers.values())
        .filter(|c| kind_of(o, &c.name) == Kind::Galera)
        .map(|c| c.created_at)
        .min()
        .unwrap_or_else(|| w.now());
    48_213 + (w.now() - up).num_seconds().max(0) * 3
}

fn wsrep_status(w: &World, node: &str) -> Vec<(String, String)> {
    const UNSET: &str = "18446744073709551615";
    let o = &w.overcloud;
    let g = o.galera.get(node).cloned().unwrap_or(GaleraNode {
        state_comment: "Initialized".into(),
        cluster_status: "Disconnected".into(),
        evs_state: "CLOSED".into(),
        running: true,
    });
    let me = o.node(node);
    let ip = me.map_or(String::new(), |n| n.internal_ip.clone());
    let members = galera_members(o);
    let in_primary = members.iter().any(|n| n.name == node);
    let ctrl_count = controllers(o).len();
    let (size, conf_id, index, incoming) = if g.cluster_status == "Disconnected" {
        ("0".to_string(), UNSET.to_string(), UNSET.to_string(), String::new())
    } else if !in_primary {
        ("1".to_string(), UNSET.to_string(), "0".to_string(), format!("{ip}:3306"))
    } else {
        let idx = members.iter().position(|n| n.name == node).unwrap_or(0);
        (
            members.len().to_string(),
            (ctrl_count + 2 * (ctrl_count - members.len())).to_string(),
            idx.to_string(),
            members.iter().map(|n| format!("{}:3306", n.internal_ip)).collect::<Vec<_>>().join(","),
        )
    };
    let state = match g.state_comment.as_str() {
        "Synced" => 4,
        "Donor/Desynced" => 2,
        "Joined" => 3,
        s if s.starts_with("Joining") => 1,
        _ => 0,
    };
    let primary = g.cluster_status == "Primary";
    let on_off = |b: bool| if b { "ON" } else { "OFF" }.to_string();
    let seqno = galera_seqno(w);
    let seqno = if primary { seqno } else { seqno - 1_375 };
    let uuid = galera_state_uuid(o);
    let n = |v: i64| v.to_string();
    let h = (fnv(node) % 97) as i64;
    let mut rows: Vec<(&str, String)> = vec![
        ("wsrep_applier_thread_count", "1".into()),
        ("wsrep_apply_oooe", "0.000000".into()),
        ("wsrep_apply_oool", "0.000000".into()),
        ("wsrep_apply_window", "1.000000".into()),
        ("wsrep_causal_reads", "0".into()),
        ("wsrep_cert_deps_distance", "48.132012".into()),
        ("wsrep_cert_index_size", "72".into()),
        ("wsrep_cert_interval", "0.000000".into()),
        ("wsrep_cluster_conf_id", conf_id),
        ("wsrep_cluster_size", size.clone()),
        ("wsrep_cluster_state_uuid", uuid.clone()),
        ("wsrep_cluster_status", g.cluster_status.clone()),
        ("wsrep_cluster_weight", if primary { size } else { "0".into() }),
        ("wsrep_commit_oooe", "0.000000".into()),
        ("wsrep_commit_oool", "0.000000".into()),
        ("wsrep_commit_window", "1.000000".into()),
        ("wsrep_connected", on_off(g.cluster_status != "Disconnected")),
        ("wsrep_desync_count", if g.state_comment == "Donor/Desynced" { "1" } else { "0" }.into()),
        ("wsrep_evs_delayed", String::new()),
        ("wsrep_evs_evict_list", String::new()),
        ("wsrep_evs_repl_latency", "0.000238207/0.000397251/0.000684135/0.000104813/11".into()),
        ("wsrep_evs_state", g.evs_state.clone()),
        ("wsrep_flow_control_paused", "0.000000".into()),
        ("wsrep_flow_control_paused_ns", "0".into()),
        ("wsrep_flow_control_recv", "0".into()),
        ("wsrep_flow_control_sent", "0".into()),
        ("wsrep_gcomm_uuid", uuid_from(&format!("gcomm/{node}"))),
        ("wsrep_incoming_addresses", incoming),
        ("wsrep_last_committed", n(seqno)),
        ("wsrep_local_bf_aborts", "0".into()),
        ("wsrep_local_cached_downto", n((seqno - 21_840).max(1))),
        ("wsrep_local_cert_failures", "0".into()),
        ("wsrep_local_commits", n(seqno / 3 + h)),
        ("wsrep_local_index", index),
        ("wsrep_local_recv_queue", "0".into()),
        ("wsrep_local_recv_queue_avg", "0.009302".into()),
        ("wsrep_local_recv_queue_max", "4".into()),
        ("wsrep_local_recv_queue_min", "0".into()),
        ("wsrep_local_replays", "0".into()),
        ("wsrep_local_send_queue", "0".into()),
        ("wsrep_local_send_queue_avg", "0.000212".into()),
        ("wsrep_local_send_queue_max", "2".into()),
        ("wsrep_local_send_queue_min", "0".into()),
        ("wsrep_local_state", state.to_string()),
        ("wsrep_local_state_comment", g.state_comment.clone()),
        ("wsrep_local_state_uuid", uuid),
        ("wsrep_open_connections", "0".into()),
        ("wsrep_open_transactions", "0".into()),
        ("wsrep_protocol_version", "9".into()),
        ("wsrep_provider_capabilities", ":MULTI_MASTER:CERTIFICATION:PARALLEL_APPLYING:TRX_REPLAY:ISOLATION:PAUSE:CAUSAL_READS:INCREMENTAL_WRITESET:UNORDERED:PREORDERED:".into()),
        ("wsrep_provider_name", "Galera".into()),
        ("wsrep_provider_vendor", "Codership Oy <info@codership.com>".into()),
        ("wsrep_provider_version", "3.28(rb98f92f)".into()),
        ("wsrep_ready", on_off(g.state_comment == "Synced" && primary)),
        ("wsrep_received", n(seqno * 2 / 3 + h)),
        ("wsrep_received_bytes", n(seqno * 611)),
        ("wsrep_repl_data_bytes", n(seqno * 214)),
        ("wsrep_repl_keys", n(seqno)),
        ("wsrep_repl_keys_bytes", n(seqno * 32)),
        ("wsrep_repl_other_bytes", "0".into()),
        ("wsrep_replicated", n(seqno / 3 + h)),
        ("wsrep_replicated_bytes", n(seqno * 301)),
        ("wsrep_rollbacker_thread_count", "1".into()),
        ("wsrep_thread_count", "2".into()),
    ];
    rows.sort_by(|a, b| a.0.cmp(b.0));
    rows.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn wsrep_variables(o: &Overcloud, node: &str) -> Vec<(String, String)> {
    let ip = o.node(node).map_or(String::new(), |n| n.internal_ip.clone());
    [
        ("wsrep_cluster_address", gcomm(o)),
        ("wsrep_cluster_name", "galera_cluster".to_string()),
        ("wsrep_node_address", ip),
        ("wsrep_node_name", format!("{node}.internalapi.localdomain")),
        ("wsrep_on", "ON".into()),
        ("wsrep_provider", "/usr/lib64/galera/libgalera_smm.so".into()),
        ("wsrep_slave_threads", "1".into()),
        ("wsrep_sst_method", "rsync".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

// ---------------------------------------------------------------------------------------------
// ps

struct Proc {
    user: String,
    pid: u32,
    ppid: u32,
    start: SimTime,
    /// CPU use in hundredths of a percent of the uptime.
    cpu_rate: i64,
    vsz: u64,
    rss: u64,
    stat: &'static str,
    cmd: String,
}

/// The PID of a container's first service process (the redis-server, mysqld_safe...).
fn service_pid(c: &Container) -> u32 {
    20 + (fnv(&c.id) % 70) as u32
}

fn processes(w: &World, node: &str, c: &Container, kind: Kind) -> Vec<Proc> {
    let o = &w.overcloud;
    let ip = o.node(node).map_or(String::new(), |n| n.internal_ip.clone());
    let start = c.started_at;
    let mut v = vec![];
    let mut add = |user: &str, pid: u32, ppid: u32, cpu_rate: i64, vsz: u64, rss: u64, stat: &'static str, cmd: String| {
        v.push(Proc { user: user.into(), pid, ppid, start, cpu_rate, vsz, rss, stat, cmd });
    };
    let init = if c.command.first().map(String::as_str) == Some("dumb-init") {
        c.command.join(" ")
    } else {
        format!("dumb-init --single-child -- {}", c.command.join(" "))
    };
    add("root", 1, 0, 0, 4_220, 336, "Ss", init);
    let b = service_pid(c);
    let stopped = |bundle: &str| replica(o, bundle, node).is_some_and(|r| r.role == "Stopped");
    match kind {
        Kind::Haproxy => {
            add("root", 8, 1, 0, 11_640, 1_524, "S", "/usr/sbin/haproxy-systemd-wrapper -f /etc/haproxy/haproxy.cfg".into());
            add("haproxy", 15, 8, 0, 66_372, 9_760, "S", "/usr/sbin/haproxy -f /etc/haproxy/haproxy.cfg -Ds".into());
            add("haproxy", 16, 15, 82, 68_996, 11_304, "Ss", "/usr/sbin/haproxy -f /etc/haproxy/haproxy.cfg -Ds".into());
        }
        Kind::Redis => {
            add("root", 8, 1, 4, 82_684, 6_912, "S", "/usr/sbin/pacemaker_remoted".into());
            if !stopped("redis-bundle") {
                add("redis", b, 1, 12, 156_400, 9_196, "Ssl", format!("/usr/bin/redis-server {ip}:6379"));
            }
        }
        Kind::Galera => {
            add("root", 8, 1, 4, 82_684, 6_912, "S", "/usr/sbin/pacemaker_remoted".into());
            let running = o.galera.get(node).is_some_and(|g| g.running) && !stopped("galera-bundle");
            if running {
                let gc = gcomm(o);
                add(
                    "root",
                    b,
                    1,
                    0,
                    115_384,
                    1_760,
                    "S",
                    format!("/bin/sh /usr/bin/mysqld_safe --defaults-file=/etc/my.cnf --pid-file=/var/run/mysql/mysqld.pid --socket=/var/lib/mysql/mysql.sock --datadir=/var/lib/mysql --log-error=/var/log/mysql/mysqld.log --user=mysql --open-files-limit=16384 --wsrep-cluster-address={gc}"),
                );
                add(
                    "mysql",
                    b + 97,
                    b,
                    300,
                    3_431_940,
                    812_644,
                    "Sl",
                    format!(
                        "/usr/libexec/mysqld --basedir=/usr --datadir=/var/lib/mysql --plugin-dir=/usr/lib64/mariadb/plugin --user=mysql --wsrep_on=ON --wsrep_provider=/usr/lib64/galera/libgalera_smm.so --wsrep-cluster-address={gc} --log-error=/var/log/mysql/mysqld.log --open-files-limit=16384 --pid-file=/var/run/mysql/mysqld.pid --socket=/var/lib/mysql/mysql.sock --port=3306 --wsrep_start_position={}:{}",
                        galera_state_uuid(o),
                        galera_seqno(w)
                    ),
                );
            }
        }
        Kind::Rabbit => {
            add("root", 8, 1, 4, 82_684, 6_912, "S", "/usr/sbin/pacemaker_remoted".into());
            let (erts, version) = if o.pacemaker == "2" { ("10.7.2.1", "3.8.3") } else { ("10.3.5.6", "3.7.23") };
            add("rabbitmq", b, 1, 0, 8_776, 1_180, "S", format!("/usr/lib64/erlang/erts-{erts}/bin/epmd -daemon"));
            let running =
                o.node(node).is_some_and(|n| n.online) && !o.rabbit.stopped.iter().any(|s| s == node) && !stopped("rabbitmq-bundle");
            if running {
                add("rabbitmq", b + 41, 1, 0, 11_692, 1_416, "S", "/bin/sh /usr/lib/rabbitmq/bin/rabbitmq-server".into());
                add(
                    "rabbitmq",
                    b + 49,
                    b + 41,
                    450,
                    4_811_348,
                    301_224,
                    "Sl",
                    format!(
                        "/usr/lib64/erlang/erts-{erts}/bin/beam.smp -W w -A 64 -MBas ageffcbf -MHas ageffcbf -MBlmbcs 512 -MHlmbcs 512 -MMmcs 30 -P 1048576 -t 5000000 -stbt db -zdbbl 128000 -K true -- -root /usr/lib64/erlang -progname erl -- -home /var/lib/rabbitmq -- -pa /usr/lib/rabbitmq/lib/rabbitmq_server-{version}/ebin -noshell -noinput -s rabbit boot -sname rabbit@{node} -boot start_sasl -kernel inet_default_connect_options [{{nodelay,true}}] -rabbit tcp_listeners [{{\"{ip}\",5672}}] -sasl errlog_type error -sasl sasl_error_logger false -rabbit lager_log_root \"/var/log/rabbitmq\" -rabbit lager_default_file \"/var/log/rabbitmq/rabbit@{node}.log\" -rabbit lager_upgrade_file \"/var/log/rabbitmq/rabbit@{node}_upgrade.log\" -rabbit enabled_plugins_file \"/etc/rabbitmq/enabled_plugins\" -rabbit plugins_dir \"/usr/lib/rabbitmq/plugins:/usr/lib/rabbitmq/lib/rabbitmq_server-{version}/plugins\" -rabbit plugins_expand_dir \"/var/lib/rabbitmq/mnesia/rabbit@{node}-plugins-expand\" -os_mon start_cpu_sup false -os_mon start_disksup false -os_mon start_memsup false -mnesia dir \"/var/lib/rabbitmq/mnesia/rabbit@{node}\" -kernel inet_dist_listen_min 25672 -kernel inet_dist_listen_max 25672 --"
                    ),
                );
                add("rabbitmq", b + 54, b + 49, 0, 4_196, 588, "Ss", "erl_child_setup 65536".into());
                add("rabbitmq", b + 81, b + 54, 0, 11_588, 924, "Ss", "inet_gethost 4".into());
                add("rabbitmq", b + 82, b + 81, 0, 13_712, 1_032, "S", "inet_gethost 4".into());
            }
        }
        Kind::OvnDbs => {
            add("root", 8, 1, 4, 82_684, 6_912, "S", "/usr/sbin/pacemaker_remoted".into());
            if !stopped("ovn-dbs-bundle") {
                for (k, (db, schema, table, port)) in
                    [("nb", "OVN_Northbound", "NB_Global", 6641), ("sb", "OVN_Southbound", "SB_Global", 6642)].iter().enumerate()
                {
                    add(
                        "root",
                        b + 3 * k as u32,
                        1,
                        30,
                        47_080,
                        12_204,
                        "S",
                        format!("ovsdb-server -vconsole:off -vfile:info --log-file=/var/log/openvswitch/ovsdb-server-{db}.log --remote=punix:/var/run/openvswitch/ovn{db}_db.sock --pidfile=/var/run/openvswitch/ovn{db}_db.pid --unixctl=ovn{db}_db.ctl --detach --monitor --remote=db:{schema},{table},connections --remote=ptcp:{port}:{ip} /etc/openvswitch/ovn{db}_db.db"),
                    );
                }
                if replica(o, "ovn-dbs-bundle", node).is_some_and(|r| r.role == "Master") {
                    add(
                        "root",
                        b + 9,
                        1,
                        20,
                        28_648,
                        4_516,
                        "S",
                        "ovn-northd -vconsole:emer -vsyslog:err -vfile:info --ovnnb-db=unix:/var/run/openvswitch/ovnnb_db.sock --ovnsb-db=unix:/var/run/openvswitch/ovnsb_db.sock --no-chdir --log-file=/var/log/openvswitch/ovn-northd.log --pidfile=/var/run/openvswitch/ovn-northd.pid --detach --monitor".into(),
                    );
                }
            }
        }
        Kind::CephMon => add(
            "ceph",
            b,
            1,
            150,
            1_029_876,
            421_308,
            "Sl",
            format!(
                "/usr/bin/ceph-mon --cluster ceph --setuser ceph --setgroup ceph -d -i {node} --mon-data /var/lib/ceph/mon/ceph-{node}"
            ),
        ),
        Kind::CephMgr => add(
            "ceph",
            b,
            1,
            250,
            1_512_064,
            502_916,
            "Sl",
            format!("/usr/bin/ceph-mgr --cluster ceph --setuser ceph --setgroup ceph -d -i {node}"),
        ),
        Kind::CinderVolume | Kind::Service => {
            let binary = c.api_binary.clone().unwrap_or_else(|| {
                let image = c.image.rsplit('/').next().unwrap_or(&c.image);
                let image = image.split(':').next().unwrap_or(image);
                image.strip_prefix("centos-binary-").unwrap_or(image).to_string()
            });
            let user = c.service.clone();
            match binary.as_str() {
                "keystone" | "horizon" | "nova-api" | "placement-api" | "cinder-api" => {
                    add("root", b, 1, 10, 331_548, 24_380, "Ss", "/usr/sbin/httpd -DFOREGROUND".into());
                    if binary != "horizon" {
                        add(&user, b + 11, b, 120, 1_028_320, 148_192, "Sl", format!("(wsgi:{binary}) -DFOREGROUND"));
                        add(&user, b + 12, b, 120, 1_028_320, 147_664, "Sl", format!("(wsgi:{binary}) -DFOREGROUND"));
                    }
                    add("apache", b + 15, b, 0, 333_676, 10_812, "S", "/usr/sbin/httpd -DFOREGROUND".into());
                    add("apache", b + 16, b, 0, 333_676, 10_812, "S", "/usr/sbin/httpd -DFOREGROUND".into());
                }
                "memcached" => add(
                    "memcache",
                    b,
                    1,
                    20,
                    1_143_744,
                    12_632,
                    "Ssl",
                    format!("/usr/bin/memcached -p 11211 -u memcached -m 1024 -c 8192 -l {ip} -U 0 -t 8"),
                ),
                "nova-libvirt" => add("root", b, 1, 40, 1_718_296, 37_604, "Sl", "/usr/sbin/libvirtd".into()),
                "ovn-controller" => add(
                    "root",
                    b,
                    1,
                    30,
                    223_556,
                    11_892,
                    "Sl",
                    "/usr/bin/ovn-controller --pidfile --log-file unix:/run/openvswitch/db.sock".into(),
                ),
                _ => {
                    add(&user, b, 1, 60, 427_340, 124_516, "Ss", format!("/usr/bin/python3 /usr/bin/{binary}"));
                    add(&user, b + 23, b, 40, 430_184, 121_052, "S", format!("/usr/bin/python3 /usr/bin/{binary}"));
                }
            }
        }
    }
    v
}

fn stime(t: SimTime, now: SimTime) -> String {
    if t.date_naive() == now.date_naive() {
        t.format("%H:%M").to_string()
    } else {
        t.format("%b%d").to_string()
    }
}

fn cpu_time(secs: i64) -> String {
    let (d, h, m, s) = (secs / 86_400, secs / 3_600 % 24, secs / 60 % 60, secs % 60);
    if d > 0 {
        format!("{d}-{h:02}:{m:02}:{s:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

fn ps(w: &World, node: &str, container: &str, kind: Kind, argv: &[String]) -> Output {
    let now = w.now();
    let Some(c) = w.overcloud.container(node, container) else { return Output::fail(1, "error: no processes\n") };
    let mut procs = processes(w, node, c, kind);
    let own = argv.join(" ");
    let own_pid = 1_000 + (fnv(&format!("{}/ps", c.id)) % 150_000) as u32;
    procs.push(Proc { user: "root".into(), pid: own_pid, ppid: 0, start: now, cpu_rate: 0, vsz: 47_452, rss: 1_868, stat: "Rs", cmd: own });
    let args = &argv[1..];
    for a in args {
        if let Some(long) = a.strip_prefix("--") {
            if !matches!(long, "help" | "version" | "forest" | "no-headers" | "cols" | "columns" | "width") {
                return Output::fail(
                    1,
                    "error: unknown gnu long option\n\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1).\n",
                );
            }
        }
    }
    let flags: String = args.iter().map(|a| a.as_str()).collect::<Vec<_>>().join("");
    let bsd_user = args.iter().any(|a| !a.starts_with('-') && a.contains('u'));
    let full = flags.contains('f');
    let uptime = |p: &Proc| (now - p.start).num_seconds().max(0);
    let user = |u: &str| if u.chars().count() > 8 { format!("{}+", u.chars().take(7).collect::<String>()) } else { u.to_string() };
    let comm = |cmd: &str| {
        let first = cmd.split_whitespace().next().unwrap_or("");
        let base = if first.starts_with('(') { "httpd" } else { first.rsplit('/').next().unwrap_or(first) };
        base.chars().take(15).collect::<String>()
    };
    let mut out = String::new();
    if args.is_empty() {
        let _ = writeln!(out, "{:>5} {:<8} {:>8} CMD", "PID", "TTY", "TIME");
        let p = procs.last().expect("the ps process");
        let _ = writeln!(out, "{:>5} {:<8} {:>8} {}", p.pid, "?", cpu_time(0), comm(&p.cmd));
    } else if bsd_user {
        let _ = writeln!(
            out,
            "{:<8} {:>5} {:>4} {:>4} {:>6} {:>5} {:<8} {:<4} {:>5} {:>6} COMMAND",
            "USER", "PID", "%CPU", "%MEM", "VSZ", "RSS", "TTY", "STAT", "START", "TIME"
        );
        for p in &procs {
            let secs = uptime(p) * p.cpu_rate / 10_000;
            let mem = p.rss as f64 * 100.0 / 65_808_104.0;
            let _ = writeln!(
                out,
                "{:<8} {:>5} {:>4.1} {:>4.1} {:>6} {:>5} {:<8} {:<4} {:>5} {:>6} {}",
                user(&p.user),
                p.pid,
                p.cpu_rate as f64 / 100.0,
                mem,
                p.vsz,
                p.rss,
                "?",
                p.stat,
                stime(p.start, now),
                format!("{}:{:02}", secs / 60, secs % 60),
                p.cmd
            );
        }
    } else if full {
        let _ = writeln!(out, "{:<8} {:>7} {:>7} {:>2} {:>5} {:<8} {:>8} CMD", "UID", "PID", "PPID", "C", "STIME", "TTY", "TIME");
        for p in &procs {
            let _ = writeln!(
                out,
                "{:<8} {:>7} {:>7} {:>2} {:>5} {:<8} {:>8} {}",
                user(&p.user),
                p.pid,
                p.ppid,
                p.cpu_rate / 100,
                stime(p.start, now),
                "?",
                cpu_time(uptime(p) * p.cpu_rate / 10_000),
                p.cmd
            );
        }
    } else {
        let _ = writeln!(out, "{:>5} {:<8} {:>8} CMD", "PID", "TTY", "TIME");
        for p in &procs {
            let _ = writeln!(out, "{:>5} {:<8} {:>8} {}", p.pid, "?", cpu_time(uptime(p) * p.cpu_rate / 10_000), comm(&p.cmd));
        }
    }
    Output::ok(out)
}

// ---------------------------------------------------------------------------------------------
// ceph

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

fn ceph(w: &World, node: &str, container: &str, args: &[String]) -> Output {
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

// ---------------------------------------------------------------------------------------------
// redis-cli

fn redis_cli(w: &World, node: &str, container: &str, args: &[String]) -> Output {
    let (mut host, mut port) = ("127.0.0.1".to_string(), "6379".to_string());
    let mut warn = String::new();
    let mut words: Vec<&str> = vec![];
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-h" => host = args.get(i + 1).cloned().unwrap_or(host),
            "-p" => port = args.get(i + 1).cloned().unwrap_or(port),
            "-a" => warn = "Warning: Using a password with '-a' option on the command line interface may not be safe.\n".into(),
            "-n" | "-s" | "-u" | "--user" | "--pass" => {}
            "--raw" | "--no-raw" | "--no-auth-warning" | "-c" => {
                i += 1;
                if args[i - 1] == "--no-auth-warning" {
                    warn.clear();
                }
                continue;
            }
            s => {
                words.push(s);
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    let o = &w.overcloud;
    let me = replica(o, "redis-bundle", node);
    if me.is_none_or(|r| r.role == "Stopped") {
        return Output::fail(1, format!("{warn}Could not connect to Redis at {host}:{port}: Connection refused\n"));
    }
    let Some((cmd, rest)) = words.split_first() else {
        return Output::fail(1, format!("{warn}fakecloud: no interactive redis-cli; give a command\n"));
    };
    let out = |s: String| Output { stdout: s, stderr: warn.clone(), status: 0, file: None };
    match cmd.to_ascii_lowercase().as_str() {
        "ping" => out("PONG\n".into()),
        "info" => {
            let section = rest.first().map(|s| s.to_ascii_lowercase()).unwrap_or_else(|| "default".into());
            let c = o.container(node, container);
            let text = match section.as_str() {
                "replication" => redis_replication(w, node),
                "server" => c.map(|c| redis_server(w, c)).unwrap_or_default(),
                "default" | "all" | "everything" => {
                    format!("{}\r\n{}", c.map(|c| redis_server(w, c)).unwrap_or_default(), redis_replication(w, node))
                }
                _ => String::new(),
            };
            out(if text.is_empty() { "\n".into() } else { text })
        }
        other => {
            let args: String = rest.iter().map(|a| format!("`{a}`, ")).collect();
            out(format!("(error) ERR unknown command `{other}`, with args beginning with: {args}\n"))
        }
    }
}

fn redis_v5(w: &World) -> bool {
    w.overcloud.pacemaker == "2"
}

fn redis_server(w: &World, c: &Container) -> String {
    let up = (w.now() - c.started_at).num_seconds().max(0);
    let (version, os, gcc) = if redis_v5(w) {
        ("5.0.3", "Linux 4.18.0-193.el8.x86_64 x86_64", "8.3.1")
    } else {
        ("3.2.12", "Linux 3.10.0-1127.el7.x86_64 x86_64", "4.8.5")
    };
    let lines = [
        "# Server".to_string(),
        format!("redis_version:{version}"),
        "redis_git_sha1:00000000".into(),
        "redis_git_dirty:0".into(),
        format!("redis_build_id:{}", &hex40(version)[..16]),
        "redis_mode:standalone".into(),
        format!("os:{os}"),
        "arch_bits:64".into(),
        "multiplexing_api:epoll".into(),
        format!("gcc_version:{gcc}"),
        format!("process_id:{}", service_pid(c)),
        format!("run_id:{}", hex40(&format!("{}/run", c.id))),
        "tcp_port:6379".into(),
        format!("uptime_in_seconds:{up}"),
        format!("uptime_in_days:{}", up / 86_400),
        "hz:10".into(),
        "executable:/usr/bin/redis-server".into(),
        "config_file:/etc/redis.conf".into(),
    ];
    lines.iter().map(|l| format!("{l}\r\n")).collect()
}

fn redis_replication(w: &World, node: &str) -> String {
    let o = &w.overcloud;
    let v5 = redis_v5(w);
    let Some(res) = o.cluster.resources.iter().find(|r| r.name == "redis-bundle") else { return String::new() };
    let master = res.replicas.iter().find(|r| r.role == "Master").and_then(|r| r.node.clone());
    let up = res
        .replicas
        .iter()
        .filter_map(|r| r.node.as_deref())
        .filter_map(|n| {
            o.container(n, &format!("{}-0", res.container_prefix))
                .or_else(|| o.node(n)?.containers.values().find(|c| c.name.starts_with(&res.container_prefix)))
        })
        .map(|c| c.started_at)
        .min()
        .unwrap_or_else(|| w.now());
    let offset = 1 + (w.now() - up).num_seconds().max(0) * 71;
    let replid = hex40(&format!("redis/{}", master.clone().unwrap_or_default()));
    let mut l: Vec<String> = vec!["# Replication".into()];
    let backlog = |l: &mut Vec<String>, active: bool| {
        if v5 {
            l.push(format!("master_replid:{replid}"));
            l.push("master_replid2:0000000000000000000000000000000000000000".into());
        }
        l.push(format!("master_repl_offset:{}", if active || v5 { offset } else { 0 }));
        if v5 {
            l.push("second_repl_offset:-1".into());
        }
        l.push(format!("repl_backlog_active:{}", active as u8));
        l.push("repl_backlog_size:1048576".into());
        let first = if active { (offset - 1_048_576 + 1).max(1) } else { 0 };
        l.push(format!("repl_backlog_first_byte_offset:{first}"));
        l.push(format!("repl_backlog_histlen:{}", if active { offset - first + 1 } else { 0 }));
    };
    if master.as_deref() == Some(node) {
        let slaves: Vec<&Node> =
            res.replicas.iter().filter(|r| r.role == "Slave").filter_map(|r| o.node(r.node.as_deref()?)).filter(|n| n.online).collect();
        l.push("role:master".into());
        l.push(format!("connected_slaves:{}", slaves.len()));
        for (k, s) in slaves.iter().enumerate() {
            l.push(format!("slave{k}:ip={},port=6379,state=online,offset={offset},lag={}", s.internal_ip, k % 2));
        }
        backlog(&mut l, true);
    } else {
        let (host, link) = match master.as_deref().and_then(|m| o.node(m)) {
            Some(m) if m.online => (m.internal_ip.clone(), "up"),
            _ => ("no-such-master".to_string(), "down"),
        };
        l.push("role:slave".into());
        l.push(format!("master_host:{host}"));
        l.push("master_port:6379".into());
        l.push(format!("master_link_status:{link}"));
        l.push(format!("master_last_io_seconds_ago:{}", if link == "up" { "0" } else { "-1" }));
        l.push("master_sync_in_progress:0".into());
        l.push(format!("slave_repl_offset:{}", if link == "up" { offset } else { 1 }));
        if link == "down" {
            l.push("master_link_down_since_seconds:-1".into());
        }
        l.push("slave_priority:100".into());
        l.push("slave_read_only:1".into());
        l.push("connected_slaves:0".into());
        backlog(&mut l, v5 && link == "up");
    }
    l.iter().map(|x| format!("{x}\r\n")).collect()
}

// ---------------------------------------------------------------------------------------------
// cat, hostname, echo

/// A file as seen from inside the container.
fn container_file(w: &World, node: &str, c: &Container, kind: Kind, path: &str) -> Option<String> {
    let o = &w.overcloud;
    if kind == Kind::Haproxy && path == crate::tripleo::haproxy::CONTAINER_CONFIG_PATH {
        return Some(crate::tripleo::haproxy::config(o));
    }
    if path == "/etc/hostname" {
        return Some(format!("{node}\n"));
    }
    if let Some(host) = c.config_paths.iter().find(|(_, inside)| inside.as_str() == path).map(|(h, _)| h) {
        return c.applied.get(host).cloned();
    }
    // Bind mounts (the container's own and, for a bundle replica, its storage mappings) show the
    // host's file as it is now.
    let bundle_maps = o
        .cluster
        .resources
        .iter()
        .filter(|r| !r.container_prefix.is_empty() && c.name.starts_with(&format!("{}-", r.container_prefix)))
        .flat_map(|r| r.storage.iter().map(|s| (s.1.clone(), s.2.clone())));
    let maps: Vec<(String, String)> = c.mounts.iter().map(|m| (m.source.clone(), m.destination.clone())).chain(bundle_maps).collect();
    for (source, dest) in maps {
        let dest = dest.trim_end_matches('/');
        let rest = if path == dest { Some("") } else { path.strip_prefix(dest).filter(|r| r.starts_with('/')) };
        if let Some(rest) = rest {
            let host = format!("{}{rest}", source.trim_end_matches('/'));
            if let Some(text) = o.file(node, &host) {
                return Some(text.clone());
            }
        }
    }
    None
}

fn cat(w: &World, node: &str, container: &str, kind: Kind, args: &[String]) -> Output {
    let Some(c) = w.overcloud.container(node, container) else { return Output::fail(1, "cat: no such container\n") };
    let mut out = Output::default();
    let mut options = true;
    for a in args {
        if options && a == "--" {
            options = false;
            continue;
        }
        if options && a.starts_with('-') && a.len() > 1 {
            continue;
        }
        match container_file(w, node, c, kind, a) {
            Some(text) => out.stdout.push_str(&text),
            None => {
                let _ = writeln!(out.stderr, "cat: {a}: No such file or directory");
                out.status = 1;
            }
        }
    }
    out
}

fn hostname(w: &World, node: &str, args: &[String]) -> Output {
    let ip = w.overcloud.node(node).map_or(String::new(), |n| n.internal_ip.clone());
    match args.first().map(String::as_str) {
        None | Some("-s" | "--short") => Output::ok(format!("{node}\n")),
        Some("-f" | "--fqdn" | "--long") => Output::ok(format!("{node}.localdomain\n")),
        Some("-i" | "--ip-address") => Output::ok(format!("{ip}\n")),
        Some("-I" | "--all-ip-addresses") => Output::ok(format!("{ip} \n")),
        Some(a) if a.starts_with('-') => Output::fail(1, format!("hostname: invalid option -- '{}'\nUsage: hostname [-b] {{hostname|-F file}}         set host name (from file)\n       hostname [-a|-A|-d|-f|-i|-I|-s|-y]       display formatted name\n", a.trim_start_matches('-'))),
        Some(_) => Output::fail(1, "hostname: you must be root to change the host name\n"),
    }
}

fn echo(args: &[String]) -> Output {
    let newline = args.first().map(String::as_str) != Some("-n");
    let words = if newline { args } else { &args[1..] };
    Output::ok(format!("{}{}", words.join(" "), if newline { "\n" } else { "" }))
}

// ---------------------------------------------------------------------------------------------
// bash -c / sh -c

fn shell(w: &mut World, node: &str, container: &str, kind: Kind, name: &str, args: &[String], depth: usize) -> Output {
    let mut i = 0;
    let mut command = None;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            i += 1;
            break;
        }
        if a.starts_with("--") || a.starts_with('+') {
            i += 1;
            continue;
        }
        if let Some(flags) = a.strip_prefix('-').filter(|f| !f.is_empty()) {
            if flags.contains('c') {
                match args.get(i + 1) {
                    Some(s) => command = Some(s.clone()),
                    None => return Output::fail(2, format!("{name}: -c: option requires an argument\n")),
                }
                break;
            }
            i += 1;
            continue;
        }
        break;
    }
    match command {
        Some(s) => shell_line(w, node, container, kind, name, &s, depth),
        None if i < args.len() => Output::fail(127, format!("{name}: {}: No such file or directory\n", args[i])),
        None => Output::fail(1, "fakecloud: no interactive shells; give a command\n"),
    }
}

/// Where the first shell operator or expansion is, outside quotes.
fn first_operator(s: &str) -> Option<usize> {
    let (mut single, mut double, mut escaped) = (false, false, false);
    for (i, ch) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match ch {
            '\\' if !single => escaped = true,
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '$' | '`' if !single => return Some(i),
            '|' | '&' | ';' | '<' | '>' | '(' | ')' if !single && !double => return Some(i),
            _ => {}
        }
    }
    None
}

fn shell_line(w: &mut World, node: &str, container: &str, kind: Kind, name: &str, line: &str, depth: usize) -> Output {
    if depth > 8 {
        return Output::fail(1, format!("{name}: maximum nesting level exceeded\n"));
    }
    if line.contains("show stat") && line.contains("socat") {
        return if kind == Kind::Haproxy {
            Output::ok(crate::tripleo::haproxy::show_stat(&w.overcloud, w.now()))
        } else {
            Output::fail(127, format!("{name}: socat: command not found\n"))
        };
    }
    if let Some(pos) = first_operator(line) {
        let op = line[pos..].chars().next().unwrap_or(' ');
        let rest =
            if op == '$' || op == '`' { &line[pos..] } else { line[pos..].trim_start_matches(['|', '&', ';', '<', '>', '(', ')', ' ']) };
        let word = rest.split_whitespace().next().map(str::to_string).unwrap_or_else(|| op.to_string());
        let word = shell_words::split(&word).ok().and_then(|v| v.into_iter().next()).unwrap_or(word);
        return Output::fail(127, format!("{name}: {word}: command not found\n"));
    }
    let words = match shell_words::split(line) {
        Ok(words) => words,
        Err(_) => return Output::fail(2, format!("{name}: -c: line 0: unexpected EOF while looking for matching quote\n{name}: -c: line 1: syntax error: unexpected end of file\n")),
    };
    let Some(first) = words.first() else { return Output::default() };
    let cmd = first.rsplit('/').next().unwrap_or(first);
    if !available(kind, cmd) {
        return Output::fail(127, format!("{name}: {first}: command not found\n"));
    }
    run_in(w, node, container, &words, depth + 1)
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
        World::from_fixture(&Fixture::default_cloud(), 7, ClockMode::Manual, Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()).unwrap()
    }

    fn fault(w: &mut World, v: serde_json::Value) {
        w.add_fault(FaultRequest::from_json(v).unwrap()).unwrap();
    }

    /// The container on `node` whose name starts with `prefix`.
    fn container(w: &World, node: &str, prefix: &str) -> String {
        w.overcloud.nodes[node].containers.keys().find(|k| k.starts_with(prefix)).unwrap_or_else(|| panic!("no {prefix} on {node}")).clone()
    }

    fn exec(w: &mut World, node: &str, prefix: &str, line: &str) -> Output {
        let c = container(w, node, prefix);
        run(w, node, &c, &shell_words::split(line).unwrap())
    }

    /// The stdout of a command that must succeed.
    fn ok(w: &mut World, node: &str, prefix: &str, line: &str) -> String {
        let out = exec(w, node, prefix, line);
        assert_eq!((out.status, out.stderr.as_str()), (0, ""), "{line} in {prefix} on {node}: {}", out.text());
        out.stdout
    }

    fn lines_with(text: &str, needle: &str) -> String {
        text.lines().filter(|l| l.contains(needle)).map(|l| format!("{l}\n")).collect()
    }

    const WSREP: &str = "mysql -e \"SHOW GLOBAL STATUS LIKE 'wsrep_%'\"";

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

    #[test]
    fn galera_wsrep_status_forms() {
        let mut w = world();
        let table = ok(&mut w, "controller-0", "galera-bundle", WSREP);
        insta::assert_snapshot!("galera_wsrep_table", table);
        insta::assert_snapshot!(
            "galera_wsrep_batch",
            ok(&mut w, "controller-0", "galera-bundle", "mysql -B -e \"show global status like 'wsrep_%'\"")
        );
        insta::assert_snapshot!(
            "galera_wsrep_silent",
            ok(&mut w, "controller-0", "galera-bundle", "mysql -N -s -e \"SHOW STATUS LIKE 'wsrep_cluster%'\"")
        );
        let same = ok(&mut w, "controller-0", "galera-bundle", "mysql -e \"SHOW STATUS LIKE 'wsrep_%';\"");
        assert_eq!(same, table);
        let one = ok(
            &mut w,
            "controller-0",
            "galera-bundle",
            "mysql -BN -e \"SHOW STATUS WHERE Variable_name IN ('wsrep_cluster_size', 'wsrep_ready')\"",
        );
        assert_eq!(one, "wsrep_cluster_size\t3\nwsrep_ready\tON\n");
        let vertical = ok(&mut w, "controller-0", "galera-bundle", "mysql -E -e \"SHOW STATUS LIKE 'wsrep_local_state_comment'\"");
        assert_eq!(vertical, "*************************** 1. row ***************************\nVariable_name: wsrep_local_state_comment\n        Value: Synced\n");
        let vars = ok(&mut w, "controller-0", "galera-bundle", "mysql -B -N -e \"show variables like 'wsrep_cluster_address'\"");
        assert!(vars.starts_with("wsrep_cluster_address\tgcomm://controller-0.internalapi.localdomain,"), "{vars}");
    }

    #[test]
    fn galera_desync_shows_donor() {
        let mut w = world();
        fault(&mut w, json!({"kind": "galera-desync", "node": "controller-0"}));
        let out = ok(&mut w, "controller-0", "galera-bundle", WSREP);
        assert!(out.contains("| wsrep_local_state_comment     | Donor/Desynced"), "{out}");
        insta::assert_snapshot!("galera_desync_controller_0", out);
    }

    #[test]
    fn galera_non_primary_on_its_node_and_the_rest_shrinks() {
        let mut w = world();
        fault(&mut w, json!({"kind": "galera-non-primary", "node": "controller-2"}));
        let out = ok(&mut w, "controller-2", "galera-bundle", WSREP);
        assert!(out.contains("| wsrep_cluster_status          | non-Primary"), "{out}");
        insta::assert_snapshot!("galera_non_primary_controller_2", out);
        let rest = ok(&mut w, "controller-0", "galera-bundle", "mysql -B -N -e \"SHOW STATUS LIKE 'wsrep_cluster_s%'\"");
        assert!(rest.contains("wsrep_cluster_size\t2\n") && rest.contains("wsrep_cluster_status\tPrimary\n"), "{rest}");
    }

    #[test]
    fn controller_offline_as_controller_0_sees_it() {
        let mut w = world();
        w.advance_clock(chrono::Duration::minutes(3));
        fault(&mut w, json!({"kind": "controller-offline", "node": "controller-2"}));
        w.advance_clock(chrono::Duration::minutes(5));
        let rabbit = ok(&mut w, "controller-0", "rabbitmq-bundle", "rabbitmqctl cluster_status");
        assert!(rabbit.contains("{running_nodes,['rabbit@controller-1','rabbit@controller-0']}"), "{rabbit}");
        insta::assert_snapshot!("controller_offline_rabbitmq", rabbit);
        let galera = ok(&mut w, "controller-0", "galera-bundle", WSREP);
        assert!(galera.contains("| wsrep_cluster_size            | 2 "), "{galera}");
        insta::assert_snapshot!("controller_offline_galera", galera);
        let ceph = ok(&mut w, "controller-0", "ceph-mon", "ceph -s");
        assert!(ceph.contains("1/3 mons down, quorum controller-0,controller-1"), "{ceph}");
        insta::assert_snapshot!("controller_offline_ceph", ceph);
        assert_eq!(ok(&mut w, "controller-0", "ceph-mon", "ceph health"), "HEALTH_WARN 1/3 mons down, quorum controller-0,controller-1\n");
    }

    #[test]
    fn ps_in_the_containers() {
        let mut w = world();
        let redis = ok(&mut w, "controller-0", "redis-bundle", "ps -efw");
        assert!(redis.starts_with("UID          PID    PPID  C STIME TTY          TIME CMD\nroot           1       0  0 Dec30 ?        00:00:00 dumb-init --single-child -- /bin/bash /usr/local/bin/kolla_start\n"), "{redis}");
        assert!(redis.contains(" 00:00 ?        00:00:00 ps -efw\n"), "{redis}");
        insta::assert_snapshot!("ps_redis", redis);
        insta::assert_snapshot!("ps_haproxy", ok(&mut w, "controller-0", "haproxy-bundle", "ps -efw"));
        insta::assert_snapshot!("ps_galera", ok(&mut w, "controller-0", "galera-bundle", "ps -ef"));
        insta::assert_snapshot!("ps_rabbitmq", ok(&mut w, "controller-0", "rabbitmq-bundle", "ps -efw"));
        insta::assert_snapshot!("ps_nova_scheduler", ok(&mut w, "controller-0", "nova_scheduler", "ps -efw"));
        insta::assert_snapshot!("ps_keystone", ok(&mut w, "controller-0", "keystone", "ps -ef"));
        insta::assert_snapshot!("ps_aux_redis", ok(&mut w, "controller-0", "redis-bundle", "ps aux"));
        // Same output every time; a container started today shows HH:MM.
        assert_eq!(ok(&mut w, "controller-0", "redis-bundle", "ps -efw"), ok(&mut w, "controller-0", "redis-bundle", "ps -efw"));
        w.advance_clock(chrono::Duration::hours(3));
        let c = container(&w, "controller-0", "nova_scheduler");
        let started = w.now() - chrono::Duration::minutes(30);
        w.overcloud.container_mut("controller-0", &c).unwrap().started_at = started;
        let after = ok(&mut w, "controller-0", "nova_scheduler", "ps -ef");
        assert!(after.contains(" 02:30 ?        00:00:00 dumb-init"), "{after}");
        assert!(after.contains(" 03:00 ?        00:00:00 ps -ef"), "{after}");
    }

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

    #[test]
    fn cat_reads_the_started_with_config() {
        let mut w = world();
        let nova = ok(&mut w, "controller-0", "nova_scheduler", "cat /etc/nova/nova.conf");
        insta::assert_snapshot!("cat_nova_conf", nova);
        // An edit on the host shows in the live source mount, not in the started-with copy.
        let host = "/var/lib/config-data/puppet-generated/nova/etc/nova/nova.conf";
        let edited = nova.replace("debug=False", "debug=True");
        w.overcloud.files.get_mut("controller-0").unwrap().insert(host.into(), edited.clone());
        assert_eq!(ok(&mut w, "controller-0", "nova_scheduler", "cat /etc/nova/nova.conf"), nova);
        assert_eq!(ok(&mut w, "controller-0", "nova_scheduler", "cat /var/lib/kolla/config_files/src/etc/nova/nova.conf"), edited);
        assert_eq!(
            ok(&mut w, "controller-0", "haproxy-bundle", "cat /etc/haproxy/haproxy.cfg"),
            crate::tripleo::haproxy::config(&w.overcloud)
        );
        assert_eq!(ok(&mut w, "controller-1", "nova_api", "cat /etc/hostname"), "controller-1\n");
        let missing = exec(&mut w, "controller-0", "nova_scheduler", "cat /etc/nova/nope.conf");
        assert_eq!((missing.status, missing.stderr.as_str()), (1, "cat: /etc/nova/nope.conf: No such file or directory\n"));
        let missing = exec(&mut w, "controller-0", "nova_scheduler", "cat /etc/haproxy/haproxy.cfg");
        assert_eq!(missing.status, 1);
    }

    #[test]
    fn haproxy_show_stat_through_bash() {
        let mut w = world();
        let cmd = "bash -c 'echo \"show stat\" | socat stdio /var/lib/haproxy/stats'";
        let stat = ok(&mut w, "controller-0", "haproxy-bundle", cmd);
        assert_eq!(stat, crate::tripleo::haproxy::show_stat(&w.overcloud, w.now()));
        insta::assert_snapshot!("haproxy_show_stat", stat);
        fault(&mut w, json!({"kind": "haproxy-backend-failing", "node": "controller-1", "listen": "nova_osapi"}));
        w.advance_clock(chrono::Duration::seconds(6));
        let flapping = lines_with(&ok(&mut w, "controller-0", "haproxy-bundle", cmd), "nova_osapi,");
        assert!(flapping.contains("nova_osapi,controller-1.internalapi.localdomain,") && flapping.contains(",UP 3/5,"), "{flapping}");
        insta::assert_snapshot!("haproxy_show_stat_failing_6s", flapping);
        w.advance_clock(chrono::Duration::seconds(10));
        let down = lines_with(&ok(&mut w, "controller-0", "haproxy-bundle", cmd), "nova_osapi,");
        assert!(down.contains(",DOWN,"), "{down}");
        insta::assert_snapshot!("haproxy_show_stat_failing_16s", down);
        let elsewhere = exec(&mut w, "controller-0", "nova_api", cmd);
        assert_eq!((elsewhere.status, elsewhere.stderr.as_str()), (127, "bash: socat: command not found\n"));
    }

    #[test]
    fn redis_replication_roles() {
        let mut w = world();
        let master = ok(&mut w, "controller-0", "redis-bundle", "redis-cli info replication");
        assert!(master.contains("role:master\r\n") && master.contains("connected_slaves:2\r\n"), "{master}");
        insta::assert_snapshot!("redis_info_replication_master", master.replace('\r', ""));
        let slave = ok(&mut w, "controller-1", "redis-bundle", "redis-cli info replication");
        assert!(slave.contains("role:slave\r\nmaster_host:172.17.1.11\r\n") && slave.contains("master_link_status:up\r\n"), "{slave}");
        insta::assert_snapshot!("redis_info_replication_slave", slave.replace('\r', ""));
        assert_eq!(ok(&mut w, "controller-1", "redis-bundle", "redis-cli ping"), "PONG\n");
        fault(&mut w, json!({"kind": "controller-offline", "node": "controller-0"}));
        let promoted = ok(&mut w, "controller-1", "redis-bundle", "redis-cli info replication");
        assert!(promoted.contains("role:master\r\nconnected_slaves:1\r\n"), "{promoted}");
    }

    #[test]
    fn hostname_and_plain_commands_through_bash() {
        let mut w = world();
        assert_eq!(ok(&mut w, "controller-2", "galera-bundle", "hostname"), "controller-2\n");
        assert_eq!(ok(&mut w, "controller-2", "galera-bundle", "hostname -f"), "controller-2.localdomain\n");
        assert_eq!(ok(&mut w, "controller-0", "rabbitmq-bundle", "bash -c 'hostname'"), "controller-0\n");
        let via_sh = ok(&mut w, "controller-0", "galera-bundle", "sh -c \"mysql -B -N -e \\\"SHOW STATUS LIKE 'wsrep_ready'\\\"\"");
        assert_eq!(via_sh, "wsrep_ready\tON\n");
        let conf = ok(&mut w, "controller-0", "nova_scheduler", "/bin/bash -c 'crudini --get /etc/nova/nova.conf DEFAULT debug'");
        assert_eq!(conf, "False\n");
    }

    #[test]
    fn errors_answer_as_the_real_tools() {
        let mut w = world();
        let unknown = exec(&mut w, "controller-0", "nova_scheduler", "frobnicate --now");
        assert_eq!(unknown.status, 126);
        assert!(unknown.stderr.contains("exec: \\\"frobnicate\\\": executable file not found in $PATH"), "{}", unknown.stderr);
        assert_eq!(exec(&mut w, "controller-0", "rabbitmq-bundle", WSREP).status, 126);
        assert_eq!(exec(&mut w, "controller-0", "galera-bundle", "rabbitmqctl cluster_status").status, 126);
        assert_eq!(exec(&mut w, "controller-0", "nova_api", "ceph -s").status, 126);
        assert_eq!(exec(&mut w, "controller-0", "haproxy-bundle", "redis-cli info replication").status, 126);
        let sql = exec(&mut w, "controller-0", "galera-bundle", "mysql -e 'SELEKT * FROM nowhere'");
        assert_eq!(sql.status, 1);
        assert!(sql.stderr.starts_with("ERROR 1064 (42000) at line 1: You have an error in your SQL syntax;"), "{}", sql.stderr);
        assert!(sql.stderr.contains("near 'SELEKT * FROM nowhere' at line 1"), "{}", sql.stderr);
        let sql = exec(&mut w, "controller-0", "galera-bundle", "mysql -e \"SHOW GLOBAL STATUS LIKE\"");
        assert_eq!(sql.status, 1);
        let pipe = exec(&mut w, "controller-0", "galera-bundle", "bash -c \"mysql -e 'SHOW STATUS' | grep wsrep\"");
        assert_eq!((pipe.status, pipe.stderr.as_str()), (127, "bash: grep: command not found\n"));
        let interactive = exec(&mut w, "controller-0", "nova_api", "bash");
        assert_eq!((interactive.status, interactive.stderr.as_str()), (1, "fakecloud: no interactive shells; give a command\n"));
        assert_eq!(exec(&mut w, "controller-0", "nova_api", "bash -c nosuchtool").status, 127);
        assert_eq!(exec(&mut w, "controller-0", "nova_api", "bash -c \"echo 'unterminated\"").status, 2);
        assert_eq!(exec(&mut w, "controller-0", "ceph-mon", "ceph osd frobnicate").status, 22);
    }

    #[test]
    fn through_docker_exec_as_the_seed_script_runs_it() {
        let mut w = world();
        let sh = |w: &mut World, line: &str| super::super::run(w, "controller-0", &shell_words::split(line).unwrap());
        let galera = container(&w, "controller-0", "galera-bundle");
        let out = sh(&mut w, &format!("docker exec -ti {galera} mysql -e \"SHOW GLOBAL STATUS LIKE 'wsrep_%'\""));
        assert_eq!(out.status, 0, "{}", out.text());
        assert!(out.stdout.contains("| wsrep_evs_state               | OPERATIONAL "), "{}", out.stdout);
        let out = sh(&mut w, "docker exec -ti ceph-mon-controller-0 ceph -s");
        assert!(out.stdout.contains("health: HEALTH_OK"), "{}", out.text());
        let out = sh(&mut w, "sudo docker exec nova_api nosuchcmd");
        assert_eq!(out.status, 126);
    }

    #[test]
    fn odd_input_never_panics() {
        let mut w = world();
        assert_eq!(run(&mut w, "controller-0", "nova_api", &[]).status, 1);
        let odd: &[&[&str]] = &[
            &[""],
            &["/"],
            &["ps", "--bogus"],
            &["ps", "-e"],
            &["ps"],
            &["cat"],
            &["cat", ""],
            &["bash", "-c"],
            &["bash", "-c", ""],
            &["bash", "-c", "   "],
            &["bash", "-c", "$(id)"],
            &["bash", "-c", "bash -c 'bash -c hostname'"],
            &["sh", "-x"],
            &["mysql"],
            &["mysql", "-e"],
            &["mysql", "-e", ""],
            &["mysql", "-e", ";;"],
            &["mysql", "-e", "SHOW STATUS WHERE"],
            &["mysql", "-e", "SHOW STATUS WHERE Variable_name IN ("],
            &["mysql", "-e", "SHOW STATUS WHERE foo = 'x'"],
            &["mysql", "-e", "'"],
            &["mysql", "--bogus"],
            &["mysql", "-Z"],
            &["rabbitmqctl", "-n"],
            &["rabbitmqctl", "-n", "rabbit@nowhere", "cluster_status"],
            &["ceph"],
            &["ceph", "health", "detail", "extra"],
            &["ceph", "-c"],
            &["redis-cli"],
            &["redis-cli", "-h"],
            &["redis-cli", "info", "keyspace"],
            &["redis-cli", "flushall"],
            &["hostname", "-x"],
            &["hostname", "newname"],
            &["echo"],
            &["echo", "-n"],
            &["crudini"],
        ];
        let names: Vec<String> = w.overcloud.nodes["controller-0"].containers.keys().cloned().collect();
        for name in &names {
            for argv in odd {
                let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
                let out = run(&mut w, "controller-0", name, &argv);
                assert!(
                    out.status != 0 || !out.stdout.is_empty() || out.stderr.is_empty() || argv[0] == "echo",
                    "{name} {argv:?}: {}",
                    out.text()
                );
            }
        }
        let compute = w.overcloud.nodes.values().find(|n| n.role == Role::Compute).unwrap().name.clone();
        let names: Vec<String> = w.overcloud.nodes[&compute].containers.keys().cloned().collect();
        for name in &names {
            assert_eq!(run(&mut w, &compute, name, &["hostname".to_string()]).stdout, format!("{compute}\n"));
            assert_eq!(run(&mut w, &compute, name, &["ps".to_string(), "-ef".to_string()]).status, 0);
        }
    }
}
