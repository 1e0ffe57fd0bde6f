//! What the pcs tests share (a world, a pcs command line run on a node, a fault), and the tests of
//! the dispatch: usage errors, help, where pcs exists, the aliases of the resource list.

use super::*;
use crate::faults::FaultRequest;
use crate::fixture::Fixture;
use crate::sim::ClockMode;
use chrono::{TimeZone, Utc};

pub(super) fn world() -> World {
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    World::from_fixture(&Fixture::default_cloud(), 7, ClockMode::Manual, start).unwrap()
}

pub(super) fn pcs(w: &mut World, node: &str, line: &str) -> Output {
    let args: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    run(w, node, &args)
}

pub(super) fn fault(w: &mut World, v: serde_json::Value) {
    w.add_fault(FaultRequest::from_json(v).unwrap()).unwrap();
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
    for line in ["", "-f", "--full", "resource show --full", "resource cleanup node=controller-0", "status --full", "cluster", "--version"]
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
