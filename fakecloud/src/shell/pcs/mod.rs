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
//!
//! The dispatch is here; `status.rs` has the cluster views (`status`, `cluster status`, `resource
//! status`), `config.rs` the resource configurations (`resource show|config`), `recovery.rs` what an
//! operator does to a failed resource (`resource cleanup|restart`), `usage.rs` pcs's usage texts and
//! `common.rs` the resource lookups they share.

mod common;
mod config;
mod recovery;
mod status;
#[cfg(test)]
mod tests;
mod usage;

use super::output::Output;
use crate::tripleo::model::*;
use crate::world::World;
use config::configs_out;
use recovery::{cleanup, restart};
use status::{cluster_status, nodes_status, pcsd_status, resource_list, status};
use usage::{cluster_usage, main_usage, resource_usage, status_usage};

/// `pcs --version` for each wording.
const PCS_1_1: &str = "0.9.167";
const PCS_2: &str = "0.10.12";

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
