//! Commands inside a container (`docker exec NAME CMD...`): what an operator runs in the overcloud's
//! containers, answered from the model in the real tools' formats.
//!
//! - `rabbitmqctl cluster_status` in a rabbitmq-bundle replica (`rabbitmqctl.rs`): the Erlang-term
//!   form of RabbitMQ 3.7 with Pacemaker 1.1 (the seed's era), the sectioned text of RabbitMQ 3.8
//!   with Pacemaker 2. Running nodes, partitions and alarms are as the node the command runs on
//!   sees them.
//! - `mysql -e "SHOW [GLOBAL] STATUS LIKE 'wsrep_%'"` in a galera-bundle replica: the wsrep status
//!   of that node (boxed table, `-B`, `-N`/`-s`, `-E`), `SHOW VARIABLES` for the wsrep settings.
//!   The client and its SQL are `mysql.rs`; what Galera reports is `galera.rs`.
//! - `ps -ef` / `ps aux` anywhere: the container's processes (dumb-init, pacemaker_remoted, the
//!   service) with deterministic PIDs derived from the container id (`ps.rs`).
//! - `ceph -s|status|health [detail]` in the ceph-mon/ceph-mgr containers (Nautilus wording,
//!   `ceph.rs`).
//! - `redis-cli info [replication|server]`, `ping` in a redis-bundle replica (`redis_cli.rs`).
//! - `cat FILE` (the container's started-with config copies, the live bind mounts, haproxy.cfg;
//!   `files.rs`), `hostname`, `echo`, `crudini` (the shell's own, `../crudini.rs`), and
//!   `bash -c`/`sh -c` with one plain command or HAProxy's
//!   `echo "show stat" | socat stdio /var/lib/haproxy/stats` (`bash.rs`, with `hostname` and `echo`).
//!
//! The facts several of them derive their numbers from (FNV hashes, the controllers in order, a
//! bundle's replica on a node) are in `facts.rs`; what kind of container a command runs in, and so
//! which commands its image has, is `kind.rs`. This file is only the dispatch: `bash -c` hands the
//! plain command its line comes to back here to run.
//!
//! Anything else fails as the OCI runtime does when the executable is not in the image.

mod bash;
mod ceph;
mod facts;
mod files;
mod galera;
mod kind;
mod mysql;
mod ps;
mod rabbitmqctl;
mod redis_cli;
#[cfg(test)]
mod tests;

use super::output::Output;
use crate::world::World;
use kind::{available, kind_of};

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
        "rabbitmqctl" => rabbitmqctl::rabbitmqctl(w, node, args),
        "mysql" => mysql::mysql(w, node, args),
        "redis-cli" => redis_cli::redis_cli(w, node, container, args),
        "ceph" => ceph::ceph(w, node, container, args),
        "ps" => ps::ps(w, node, container, kind, argv),
        "cat" => files::cat(w, node, container, kind, args),
        "hostname" => bash::hostname(w, node, args),
        "echo" => bash::echo(args),
        _ => match bash::shell(w, kind, name, args, depth) {
            bash::Line::Answer(out) => out,
            // The plain command the line comes to runs one level deeper.
            bash::Line::Run(words) => run_in(w, node, container, &words, depth + 1),
        },
    }
}
