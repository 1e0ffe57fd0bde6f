//! `bash -c`/`sh -c` with one plain command (or HAProxy's `echo "show stat" | socat stdio
//! /var/lib/haproxy/stats`), and the plain commands such lines run: `hostname`, `echo`.

use super::kind::{available, Kind};
use crate::shell::output::Output;
use crate::world::World;

pub(super) fn hostname(w: &World, node: &str, args: &[String]) -> Output {
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

pub(super) fn echo(args: &[String]) -> Output {
    let newline = args.first().map(String::as_str) != Some("-n");
    let words = if newline { args } else { &args[1..] };
    Output::ok(format!("{}{}", words.join(" "), if newline { "\n" } else { "" }))
}

/// What a `bash -c` line comes to: the shell's own answer (an error, HAProxy's stats) or a plain
/// command for the container to run. The dispatch runs that command, so this file needs none of it.
pub(super) enum Line {
    Answer(Output),
    Run(Vec<String>),
}

pub(super) fn shell(w: &World, kind: Kind, name: &str, args: &[String], depth: usize) -> Line {
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
                    None => return Line::Answer(Output::fail(2, format!("{name}: -c: option requires an argument\n"))),
                }
                break;
            }
            i += 1;
            continue;
        }
        break;
    }
    match command {
        Some(s) => shell_line(w, kind, name, &s, depth),
        None if i < args.len() => Line::Answer(Output::fail(127, format!("{name}: {}: No such file or directory\n", args[i]))),
        None => Line::Answer(Output::fail(1, "fakecloud: no interactive shells; give a command\n")),
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

fn shell_line(w: &World, kind: Kind, name: &str, line: &str, depth: usize) -> Line {
    if depth > 8 {
        return Line::Answer(Output::fail(1, format!("{name}: maximum nesting level exceeded\n")));
    }
    if line.contains("show stat") && line.contains("socat") {
        return Line::Answer(if kind == Kind::Haproxy {
            Output::ok(crate::tripleo::haproxy::show_stat(&w.overcloud, w.now()))
        } else {
            Output::fail(127, format!("{name}: socat: command not found\n"))
        });
    }
    if let Some(pos) = first_operator(line) {
        let op = line[pos..].chars().next().unwrap_or(' ');
        let rest =
            if op == '$' || op == '`' { &line[pos..] } else { line[pos..].trim_start_matches(['|', '&', ';', '<', '>', '(', ')', ' ']) };
        let word = rest.split_whitespace().next().map(str::to_string).unwrap_or_else(|| op.to_string());
        let word = shell_words::split(&word).ok().and_then(|v| v.into_iter().next()).unwrap_or(word);
        return Line::Answer(Output::fail(127, format!("{name}: {word}: command not found\n")));
    }
    let words = match shell_words::split(line) {
        Ok(words) => words,
        Err(_) => return Line::Answer(Output::fail(2, format!("{name}: -c: line 0: unexpected EOF while looking for matching quote\n{name}: -c: line 1: syntax error: unexpected end of file\n"))),
    };
    let Some(first) = words.first() else { return Line::Answer(Output::default()) };
    let cmd = first.rsplit('/').next().unwrap_or(first);
    if !available(kind, cmd) {
        return Line::Answer(Output::fail(127, format!("{name}: {first}: command not found\n")));
    }
    Line::Run(words)
}

#[cfg(test)]
mod tests {
    use crate::shell::exec::tests::*;
    use serde_json::json;

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
}
