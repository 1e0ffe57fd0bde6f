//! `crudini --get|--set|--del FILE SECTION [PARAM] [VALUE]` over a node's files, editing lines in
//! place as crudini does (the rest of the file, comments included, is left as it was). Inside a
//! container (`docker exec NAME crudini --get ...`) it reads the copy the container started with.

use super::output::Output;
use crate::world::World;

const USAGE: &str = "Usage: crudini --set [OPTION]...   config_file section   [param] [value]\n  or:  crudini --get [OPTION]...   config_file [section] [param]\n  or:  crudini --del [OPTION]...   config_file section   [param] [list value]\n  or:  crudini --merge [OPTION]... config_file [section]\n";

/// `container`: the container the command runs in, whose started-with config it reads.
pub fn run(w: &mut World, node: &str, args: &[String], container: Option<&str>) -> Output {
    let mut mode = None;
    let mut existing = false;
    let mut words = vec![];
    for a in args {
        match a.as_str() {
            "--get" | "--set" | "--del" => {
                if mode.replace(a.trim_start_matches("--").to_string()).is_some() {
                    return Output::fail(1, USAGE);
                }
            }
            "--existing" => existing = true,
            "--help" | "-h" => return Output::ok(USAGE),
            s if s.starts_with("--") => return Output::fail(1, format!("crudini: unrecognized option '{s}'\n{USAGE}")),
            s => words.push(s.to_string()),
        }
    }
    let Some(mode) = mode else { return Output::fail(1, USAGE) };
    let Some(path) = words.first().cloned() else { return Output::fail(1, USAGE) };
    let section = words.get(1).cloned();
    let param = words.get(2).cloned();
    let content = match container {
        Some(c) => w.overcloud.container(node, c).and_then(|c| {
            let host = c.config_paths.iter().find(|(_, inside)| **inside == path).map(|(h, _)| h.clone())?;
            c.applied.get(&host).cloned()
        }),
        None => w.overcloud.file(node, &path).cloned(),
    };
    match mode.as_str() {
        "get" => {
            let Some(text) = content else { return Output::fail(1, format!("crudini: {path}: No such file or directory\n")) };
            get(&text, section.as_deref(), param.as_deref())
        }
        "set" | "del" if container.is_some() => Output::fail(1, format!("crudini: {path}: Read-only file system\n")),
        "set" => {
            let (Some(section), Some(text)) = (section, content.clone().or_else(|| (!existing).then(String::new))) else {
                return if words.len() < 2 {
                    Output::fail(1, USAGE)
                } else {
                    Output::fail(1, format!("crudini: {path}: No such file or directory\n"))
                };
            };
            if existing && content.is_none() {
                return Output::fail(1, format!("crudini: {path}: No such file or directory\n"));
            }
            let value = words.get(3).cloned().unwrap_or_default();
            match set(&text, &section, param.as_deref(), &value, existing) {
                Ok(new) => {
                    w.overcloud.files.entry(node.to_string()).or_default().insert(path.clone(), new);
                    w.record(crate::sim::journal::Record::Control {
                        action: "shell:crudini".into(),
                        detail: format!("{node}:{path} [{section}] {} set", param.unwrap_or_default()),
                    });
                    Output::default()
                }
                Err(e) => Output::fail(1, e),
            }
        }
        "del" => {
            let (Some(section), Some(text)) = (section, content) else { return Output::fail(1, USAGE) };
            let new = del(&text, &section, param.as_deref());
            w.overcloud.files.entry(node.to_string()).or_default().insert(path, new);
            Output::default()
        }
        _ => Output::fail(1, USAGE),
    }
}

/// The section a line opens, if it is a header.
fn header(line: &str) -> Option<&str> {
    let t = line.trim();
    t.strip_prefix('[').and_then(|r| r.strip_suffix(']')).map(str::trim)
}

/// The key and value of a `key = value` line.
fn pair(line: &str) -> Option<(&str, &str)> {
    let t = line.trim_start();
    if t.starts_with('#') || t.starts_with(';') || header(line).is_some() {
        return None;
    }
    let (k, v) = t.split_once('=')?;
    Some((k.trim(), v.trim()))
}

/// Lines with the section each belongs to (`DEFAULT` before any header).
fn sections(text: &str) -> Vec<(String, &str)> {
    let mut current = "DEFAULT".to_string();
    text.lines()
        .map(|l| {
            if let Some(h) = header(l) {
                current = h.to_string();
            }
            (current.clone(), l)
        })
        .collect()
}

fn get(text: &str, section: Option<&str>, param: Option<&str>) -> Output {
    let lines = sections(text);
    match (section, param) {
        (None, _) => {
            let mut names: Vec<String> = lines.iter().filter(|(_, l)| header(l).is_some()).map(|(s, _)| s.clone()).collect();
            names.dedup();
            Output::ok(names.into_iter().map(|n| n + "\n").collect::<String>())
        }
        (Some(s), None) => {
            if s != "DEFAULT" && !lines.iter().any(|(sec, l)| sec == s && header(l).is_some()) {
                return Output::fail(1, format!("Section not found: {s}\n"));
            }
            Output::ok(
                lines.iter().filter(|(sec, _)| sec == s).filter_map(|(_, l)| pair(l)).map(|(k, _)| format!("{k}\n")).collect::<String>(),
            )
        }
        (Some(s), Some(p)) => {
            if s != "DEFAULT" && !lines.iter().any(|(sec, l)| sec == s && header(l).is_some()) {
                return Output::fail(1, format!("Section not found: {s}\n"));
            }
            match lines.iter().filter(|(sec, _)| sec == s).filter_map(|(_, l)| pair(l)).filter(|(k, _)| *k == p).last() {
                Some((_, v)) => Output::ok(format!("{v}\n")),
                None => Output::fail(1, format!("Parameter not found: {p}\n")),
            }
        }
    }
}

fn set(text: &str, section: &str, param: Option<&str>, value: &str, existing: bool) -> Result<String, String> {
    let lines = sections(text);
    let has_section = section == "DEFAULT" || lines.iter().any(|(s, l)| s == section && header(l).is_some());
    if !has_section && existing {
        return Err(format!("Section not found: {section}\n"));
    }
    let mut out: Vec<String> = lines.iter().map(|(_, l)| l.to_string()).collect();
    let Some(param) = param else {
        if !has_section {
            out.push(String::new());
            out.push(format!("[{section}]"));
        }
        return Ok(out.join("\n") + "\n");
    };
    if let Some(i) = lines.iter().rposition(|(s, l)| s == section && pair(l).is_some_and(|(k, _)| k == param)) {
        let old = lines[i].1;
        let spaced = old.split_once('=').is_some_and(|(k, _)| k.ends_with(' '));
        out[i] = if spaced { format!("{param} = {value}") } else { format!("{param}={value}") };
        return Ok(out.join("\n") + "\n");
    }
    if existing {
        return Err(format!("Parameter not found: {param}\n"));
    }
    if has_section {
        // After the section's last setting.
        let last = lines
            .iter()
            .rposition(|(s, l)| s == section && (pair(l).is_some() || header(l).is_some()))
            .unwrap_or(out.len().saturating_sub(1));
        out.insert(last + 1, format!("{param} = {value}"));
    } else {
        if out.last().is_some_and(|l| !l.is_empty()) {
            out.push(String::new());
        }
        out.push(format!("[{section}]"));
        out.push(format!("{param} = {value}"));
    }
    Ok(out.join("\n") + "\n")
}

fn del(text: &str, section: &str, param: Option<&str>) -> String {
    let lines = sections(text);
    let kept: Vec<&str> = lines
        .iter()
        .filter(|(s, l)| match param {
            Some(p) => !(s == section && pair(l).is_some_and(|(k, _)| k == p)),
            None => s != section,
        })
        .map(|(_, l)| *l)
        .collect();
    kept.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_replaces_in_place_and_adds_where_missing() {
        let text = "# top\n[DEFAULT]\ndebug=False\n\n[database]\nconnection = x\n";
        let t = set(text, "DEFAULT", Some("debug"), "true", false).unwrap();
        assert_eq!(t, "# top\n[DEFAULT]\ndebug=true\n\n[database]\nconnection = x\n");
        let t = set(&t, "database", Some("max_retries"), "-1", false).unwrap();
        assert!(t.contains("connection = x\nmax_retries = -1\n"), "{t}");
        let t = set(&t, "oslo_messaging_notifications", Some("driver"), "noop", false).unwrap();
        assert!(t.ends_with("\n[oslo_messaging_notifications]\ndriver = noop\n"), "{t}");
        assert!(set(text, "nope", Some("x"), "1", true).is_err());
    }

    #[test]
    fn get_reads_values_sections_and_reports_what_is_missing() {
        let text = "[DEFAULT]\ndebug=False\n[api]\nworkers = 4\n";
        assert_eq!(get(text, Some("DEFAULT"), Some("debug")).stdout, "False\n");
        assert_eq!(get(text, Some("api"), None).stdout, "workers\n");
        assert_eq!(get(text, Some("api"), Some("nope")).stderr, "Parameter not found: nope\n");
        assert_eq!(get(text, Some("x"), Some("y")).status, 1);
    }
}
