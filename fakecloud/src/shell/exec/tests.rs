//! What the command families share in their tests (a world, a container by prefix, a command line
//! run in it), and the tests that go through the dispatch or across families.

use super::*;
use crate::faults::FaultRequest;
use crate::fixture::Fixture;
use crate::sim::ClockMode;
use crate::tripleo::model::Role;
use chrono::{TimeZone, Utc};
use serde_json::json;

pub(super) fn world() -> World {
    World::from_fixture(&Fixture::default_cloud(), 7, ClockMode::Manual, Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()).unwrap()
}

pub(super) fn fault(w: &mut World, v: serde_json::Value) {
    w.add_fault(FaultRequest::from_json(v).unwrap()).unwrap();
}

/// The container on `node` whose name starts with `prefix`.
pub(super) fn container(w: &World, node: &str, prefix: &str) -> String {
    w.overcloud.nodes[node].containers.keys().find(|k| k.starts_with(prefix)).unwrap_or_else(|| panic!("no {prefix} on {node}")).clone()
}

pub(super) fn exec(w: &mut World, node: &str, prefix: &str, line: &str) -> Output {
    let c = container(w, node, prefix);
    run(w, node, &c, &shell_words::split(line).unwrap())
}

/// The stdout of a command that must succeed.
pub(super) fn ok(w: &mut World, node: &str, prefix: &str, line: &str) -> String {
    let out = exec(w, node, prefix, line);
    assert_eq!((out.status, out.stderr.as_str()), (0, ""), "{line} in {prefix} on {node}: {}", out.text());
    out.stdout
}

pub(super) fn lines_with(text: &str, needle: &str) -> String {
    text.lines().filter(|l| l.contains(needle)).map(|l| format!("{l}\n")).collect()
}

pub(super) const WSREP: &str = "mysql -e \"SHOW GLOBAL STATUS LIKE 'wsrep_%'\"";

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
