//! `redis-cli info [replication|server]` and `ping` in a redis-bundle replica, as Redis 3.2
//! (Pacemaker 1.1) or 5.0 (Pacemaker 2) prints them.

use super::facts::{hex40, replica};
use super::ps::service_pid;
use crate::shell::output::Output;
use crate::tripleo::model::*;
use crate::world::World;

pub(super) fn redis_cli(w: &World, node: &str, container: &str, args: &[String]) -> Output {
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

#[cfg(test)]
mod tests {
    use crate::shell::exec::tests::*;
    use serde_json::json;

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
}
