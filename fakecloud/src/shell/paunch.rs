//! `paunch debug --file F --container C --action dump-json|print-cmd`: a container's startup
//! config from a TripleO step file, and the `docker run` line paunch builds from it.

use super::output::Output;
use crate::world::World;
use serde_json::Value;

const USAGE: &str = "usage: paunch debug [-h] --file <file> [--label <label=value>] [--managed-by <name>]\n                    [--action <name>] --container <name> [--config-id <name>]\n                    [--interactive] [--shell] [--user <name>]\n                    [--overrides <name>] [--default-runtime <name>]\n";

pub fn run(w: &mut World, node: &str, args: &[String]) -> Output {
    if args.first().map(String::as_str) != Some("debug") {
        let cmd = args.first().cloned().unwrap_or_default();
        return Output::fail(2, format!("Unknown command [{cmd}]\n"));
    }
    let (mut file, mut container, mut action) = (None, None, "dump-json".to_string());
    let mut i = 1;
    while i < args.len() {
        let a = args[i].as_str();
        let (flag, inline) = a.split_once('=').map_or((a, None), |(f, v)| (f, Some(v.to_string())));
        let value = |i: &mut usize| -> Option<String> {
            if let Some(v) = inline.clone() {
                return Some(v);
            }
            *i += 1;
            args.get(*i).cloned()
        };
        match flag {
            "--file" => file = value(&mut i),
            "--container" => container = value(&mut i),
            "--action" => action = value(&mut i).unwrap_or_default(),
            "--label" | "--managed-by" | "--config-id" | "--user" | "--overrides" | "--default-runtime" => {
                value(&mut i);
            }
            "--interactive" | "--shell" => {}
            "-h" | "--help" => return Output::ok(USAGE),
            other => return Output::fail(2, format!("{USAGE}paunch debug: error: unrecognized arguments: {other}\n")),
        }
        i += 1;
    }
    let (Some(file), Some(container)) = (file, container) else {
        return Output::fail(2, format!("{USAGE}paunch debug: error: the following arguments are required: --file, --container\n"));
    };
    let Some(text) = w.overcloud.file(node, &file) else {
        return Output::fail(1, format!("[Errno 2] No such file or directory: '{file}'\n"));
    };
    let doc: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let Some(cfg) = doc.get(&container).cloned() else {
        return Output::fail(1, format!("Container {container} not found in config file {file}\n"));
    };
    let step = file.rsplit("step_").next().and_then(|s| s.split('.').next()).unwrap_or("0");
    match action.as_str() {
        "dump-json" => Output::ok(format!("{}\n", serde_json::to_string_pretty(&serde_json::json!({ &container: cfg })).unwrap_or_default())),
        "print-cmd" => Output::ok(format!("{}\n", print_cmd(&w.overcloud.container_cli, &container, step, &cfg))),
        "run" => Output::fail(1, "paunch debug --action run is not available here: use docker restart\n"),
        other => Output::fail(2, format!("{USAGE}paunch debug: error: argument --action: invalid choice: '{other}' (choose from 'print-cmd', 'run', 'dump-json', 'dump-yaml')\n")),
    }
}

/// The `docker run` command line paunch would run for this config.
fn print_cmd(cli: &str, name: &str, step: &str, cfg: &Value) -> String {
    let mut words = vec![
        cli.to_string(),
        "run".into(),
        "--name".into(),
        name.into(),
        format!("--label config_id=tripleo_step{step}"),
        format!("--label container_name={name}"),
        "--label managed_by=paunch".into(),
        format!("--label config_data={}", serde_json::to_string(cfg).unwrap_or_default()),
        "--detach=true".into(),
    ];
    for e in cfg["environment"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        words.push(format!("--env={e}"));
    }
    words.push(format!("--net={}", cfg["net"].as_str().unwrap_or("host")));
    words.push(format!("--privileged={}", cfg["privileged"].as_bool().unwrap_or(false)));
    words.push(format!("--restart={}", cfg["restart"].as_str().unwrap_or("always")));
    if let Some(t) = cfg["healthcheck"]["test"].as_str() {
        words.push(format!("--health-cmd={t}"));
    }
    for v in cfg["volumes"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        words.push(format!("--volume={v}"));
    }
    words.push(cfg["image"].as_str().unwrap_or_default().to_string());
    words.join(" ")
}
