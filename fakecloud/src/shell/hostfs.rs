//! A node's own files, for `ssh NODE cat|ls|tail ...`: the puppet-generated config, the paunch
//! startup configs, HAProxy's config, and the container logs under /var/log/containers/<service>/
//! (one file per container, from what it has logged since it started).

use super::output::Output;
use crate::world::World;
use std::collections::BTreeMap;

/// Every file on the node: the stored ones and the container logs.
fn files(w: &World, node: &str) -> BTreeMap<String, String> {
    let mut all = w.overcloud.files.get(node).cloned().unwrap_or_default();
    if let Some(n) = w.overcloud.node(node) {
        for c in n.containers.values() {
            // The service's own log in oslo.log's layout (time, pid, level, logger): a start line,
            // then what it logged since; kolla_start's output goes to `docker logs`, not here.
            let pid = 4000 + u32::from(c.id.as_bytes()[0]) * 17;
            let binary = c.name.replace('_', "-");
            let stamp = |t: crate::sim::SimTime| t.format("%Y-%m-%d %H:%M:%S%.3f").to_string();
            let mut log = format!("{} {pid} INFO oslo_service.service [-] Starting {binary} (pid {pid})\n", stamp(c.started_at));
            for (t, line) in c.log.iter().filter(|(_, l)| !l.starts_with("Loading config") && !l.starts_with("Copying service")) {
                log.push_str(&format!("{} {pid} INFO oslo_service.service [-] {line}\n", stamp(*t)));
            }
            all.insert(format!("/var/log/containers/{}/{}.log", c.service, c.name.replace('_', "-")), log);
        }
    }
    all
}

pub fn run(w: &World, node: &str, cmd: &str, args: &[String]) -> Output {
    let all = files(w, node);
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    match cmd {
        "cat" => {
            let mut out = Output::default();
            for p in &paths {
                match all.get(p.as_str()) {
                    Some(text) => out.stdout.push_str(text),
                    None if is_dir(&all, p) => {
                        out.stderr.push_str(&format!("cat: {p}: Is a directory\n"));
                        out.status = 1;
                    }
                    None => {
                        out.stderr.push_str(&format!("cat: {p}: No such file or directory\n"));
                        out.status = 1;
                    }
                }
            }
            out
        }
        "tail" => {
            let mut n = 10usize;
            let mut it = args.iter();
            while let Some(a) = it.next() {
                if a == "-n" {
                    match it.next().and_then(|v| v.parse().ok()) {
                        Some(v) => n = v,
                        None => return Output::fail(1, "tail: invalid number of lines\n"),
                    }
                } else if let Some(v) = a.strip_prefix("-n").or_else(|| a.strip_prefix('-')).filter(|v| !v.is_empty()) {
                    match v.parse() {
                        Ok(v) => n = v,
                        Err(_) => return Output::fail(1, format!("tail: invalid option -- '{}'\n", v.chars().next().unwrap_or('?'))),
                    }
                }
            }
            let files: Vec<&String> = paths.iter().copied().filter(|p| p.parse::<usize>().is_err()).collect();
            let Some(p) = files.first() else { return Output::fail(1, "tail: no file given (no stdin over this shell)\n") };
            match all.get(p.as_str()) {
                Some(text) => {
                    let lines: Vec<&str> = text.lines().collect();
                    Output::ok(lines[lines.len().saturating_sub(n)..].iter().map(|l| format!("{l}\n")).collect::<String>())
                }
                None => Output::fail(1, format!("tail: cannot open '{p}' for reading: No such file or directory\n")),
            }
        }
        _ => {
            let dir = paths.first().map(|p| p.trim_end_matches('/').to_string()).unwrap_or_else(|| "/root".into());
            if all.contains_key(&dir) {
                return Output::ok(format!("{dir}\n"));
            }
            let prefix = format!("{dir}/");
            let mut names: Vec<String> =
                all.keys().filter_map(|k| k.strip_prefix(&prefix)).map(|rest| rest.split('/').next().unwrap_or(rest).to_string()).collect();
            names.dedup();
            if names.is_empty() {
                return Output::fail(2, format!("ls: cannot access '{dir}': No such file or directory\n"));
            }
            Output::ok(names.into_iter().map(|n| n + "\n").collect::<String>())
        }
    }
}

fn is_dir(all: &BTreeMap<String, String>, p: &str) -> bool {
    let prefix = format!("{}/", p.trim_end_matches('/'));
    all.keys().any(|k| k.starts_with(&prefix))
}
