//! The fake operator shell: the commands an operator runs on an overcloud node (`docker`/`podman`,
//! `pcs`, `crudini`, `paunch`, `ssh`, `sudo`) and `kubectl` against the CAPI management cluster, run against the world and answering as the real
//! tools print. The `fakecloud` binary, called by one of those names, sends its arguments to
//! `POST /_fakecloud/shell` and prints the answer (see `cli/multicall.rs`).
//!
//! Bad arguments fail as the real tool does: its kind of message on stderr and its exit status.
//!
//! This file is the dispatch (with `ssh` and `sudo`, which run another command line); what every
//! command answers, `Output`, is in `output.rs`, so the command files need nothing from here.

pub mod crudini;
pub mod docker;
pub mod exec;
pub mod gotemplate;
pub mod hostfs;
pub mod kubectl;
pub mod kubectl_pods;
mod output;
pub mod paunch;
pub mod pcs;

pub use output::{Output, OutputFile};

use crate::world::World;

/// The names the shell answers to; `fakecloud shell install DIR` links each to the binary.
pub const COMMANDS: [&str; 8] = ["docker", "podman", "pcs", "crudini", "paunch", "ssh", "sudo", "kubectl"];

/// Runs one command line (already split into words) as if typed on `node`.
pub fn run(w: &mut World, node: &str, argv: &[String]) -> Output {
    let Some((cmd, args)) = argv.split_first() else { return Output::default() };
    let name = cmd.rsplit('/').next().unwrap_or(cmd);
    if !w.overcloud.is_enabled() {
        return Output::fail(127, format!("{name}: this cloud has no overcloud (add `overcloud:` to the fixture)\n"));
    }
    match w.overcloud.node(node) {
        None => return Output::fail(255, format!("ssh: Could not resolve hostname {node}: Name or service not known\n")),
        Some(n) if !n.online => return Output::fail(255, format!("ssh: connect to host {node} port 22: No route to host\n")),
        Some(_) => {}
    }
    match name {
        "docker" | "podman" => docker::run(w, node, name, args),
        "pcs" => pcs::run(w, node, args),
        "crudini" => crudini::run(w, node, args, None),
        "paunch" => paunch::run(w, node, args),
        "ssh" => ssh(w, args),
        "sudo" => sudo(w, node, args),
        "kubectl" => kubectl::run(w, args),
        // Reached over ssh only: they are not linked, so a tool's own cat stays the system's.
        "cat" | "ls" | "tail" => hostfs::run(w, node, name, args),
        other => Output::fail(127, format!("bash: {other}: command not found\n")),
    }
}

/// `ssh [OPTIONS] [USER@]NODE COMMAND...`: runs COMMAND on NODE (options are accepted and ignored;
/// there is no interactive session).
fn ssh(w: &mut World, args: &[String]) -> Output {
    const WITH_VALUE: &[&str] = &["-i", "-o", "-p", "-l", "-F", "-J", "-E", "-b", "-c", "-m", "-S", "-W"];
    let mut i = 0;
    while i < args.len() && args[i].starts_with('-') {
        i += if WITH_VALUE.contains(&args[i].as_str()) { 2 } else { 1 };
    }
    let Some(target) = args.get(i) else {
        return Output::fail(
            255,
            "usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address]\n           [-c cipher_spec] [-D [bind_address:]port] [-E log_file] [-e escape_char]\n           [-F configfile] [-I pkcs11] [-i identity_file] [-J destination]\n           [-L address] [-l login_name] [-m mac_spec] [-O ctl_cmd] [-o option]\n           [-P tag] [-p port] [-Q query_option] [-R address] [-S ctl_path]\n           [-W host:port] [-w local_tun[:remote_tun]] destination [command [argument ...]]\n",
        );
    };
    let node = target.rsplit('@').next().unwrap_or(target);
    let command = &args[i + 1..];
    if command.is_empty() {
        return Output::fail(
            255,
            "Pseudo-terminal will not be allocated because stdin is not a terminal.\nfakecloud: no interactive sessions; give a command\n",
        );
    }
    // ssh joins its arguments with spaces and the remote shell splits the line again.
    let line = command.join(" ");
    let Ok(words) = shell_words::split(&line) else {
        return Output::fail(2, "bash: -c: line 0: unexpected EOF while looking for matching quote\n");
    };
    run(w, node, &words)
}

/// `sudo [-u USER] [-E] COMMAND...`: runs COMMAND (everyone is root here).
fn sudo(w: &mut World, node: &str, args: &[String]) -> Output {
    let mut i = 0;
    while i < args.len() && args[i].starts_with('-') {
        i += if args[i] == "-u" || args[i] == "-g" { 2 } else { 1 };
    }
    if i >= args.len() {
        return Output::fail(1, "usage: sudo -h | -K | -k | -V\nusage: sudo [-AbEHknPS] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R directory] [-T timeout] [-u user] [VAR=value] [-i|-s] [<command>]\n");
    }
    run(w, node, &args[i..])
}
