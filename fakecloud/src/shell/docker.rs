//! `docker` and `podman` on an overcloud node: ps, inspect, restart, stop, start, logs, export
//! and exec, with the flags operators use. Output follows docker 1.13/18.x (the seed's era) and
//! podman 1.x: tabwriter columns, `Up 26 hours (unhealthy)`, the inspect JSON, `--format` Go
//! templates (gtmpl).

use super::gotemplate;
use super::output::Output;
use crate::sim::SimTime;
use crate::tripleo::model::*;
use crate::world::World;
use base64::Engine as _;
use clap::{Arg, ArgAction, ArgMatches, Command};
use serde::Serialize;
use serde_json::{json, Value};

fn cli_spec(cli: &str) -> Command {
    let container_args =
        |c: Command, about: &'static str| c.about(about).arg(Arg::new("containers").num_args(1..).required(true).value_name("CONTAINER"));
    Command::new(if cli == "podman" { "podman" } else { "docker" })
        .no_binary_name(true)
        .disable_help_subcommand(true)
        .subcommand_required(true)
        .subcommand(
            Command::new("ps")
                .about("List containers")
                .arg(Arg::new("all").short('a').long("all").action(ArgAction::SetTrue))
                .arg(Arg::new("quiet").short('q').long("quiet").action(ArgAction::SetTrue))
                .arg(Arg::new("no-trunc").long("no-trunc").action(ArgAction::SetTrue))
                .arg(Arg::new("filter").short('f').long("filter").action(ArgAction::Append))
                .arg(Arg::new("format").long("format")),
        )
        .subcommand(
            Command::new("inspect")
                .about("Return low-level information on Docker objects")
                .arg(Arg::new("format").short('f').long("format"))
                .arg(Arg::new("type").long("type"))
                .arg(Arg::new("size").short('s').long("size").action(ArgAction::SetTrue))
                .arg(Arg::new("containers").num_args(1..).required(true).value_name("NAME|ID")),
        )
        .subcommand(container_args(Command::new("restart").arg(Arg::new("time").short('t').long("time")), "Restart one or more containers"))
        .subcommand(container_args(
            Command::new("stop").arg(Arg::new("time").short('t').long("time")),
            "Stop one or more running containers",
        ))
        .subcommand(container_args(
            Command::new("start")
                .arg(Arg::new("attach").short('a').long("attach").action(ArgAction::SetTrue))
                .arg(Arg::new("interactive").short('i').long("interactive").action(ArgAction::SetTrue)),
            "Start one or more stopped containers",
        ))
        .subcommand(
            Command::new("logs")
                .about("Fetch the logs of a container")
                .arg(Arg::new("tail").long("tail"))
                .arg(Arg::new("timestamps").short('t').long("timestamps").action(ArgAction::SetTrue))
                .arg(Arg::new("follow").short('f').long("follow").action(ArgAction::SetTrue))
                .arg(Arg::new("since").long("since"))
                .arg(Arg::new("container").required(true).value_name("CONTAINER")),
        )
        .subcommand(
            Command::new("export")
                .about("Export a container's filesystem as a tar archive")
                .arg(Arg::new("output").short('o').long("output"))
                .arg(Arg::new("container").required(true).value_name("CONTAINER")),
        )
        .subcommand(
            Command::new("exec")
                .about("Run a command in a running container")
                .arg(Arg::new("tty").short('t').long("tty").action(ArgAction::SetTrue))
                .arg(Arg::new("interactive").short('i').long("interactive").action(ArgAction::SetTrue))
                .arg(Arg::new("detach").short('d').long("detach").action(ArgAction::SetTrue))
                .arg(Arg::new("user").short('u').long("user"))
                .arg(Arg::new("env").short('e').long("env").action(ArgAction::Append))
                .arg(Arg::new("workdir").short('w').long("workdir"))
                .arg(Arg::new("container").required(true).value_name("CONTAINER"))
                .arg(
                    Arg::new("command").num_args(1..).required(true).trailing_var_arg(true).allow_hyphen_values(true).value_name("COMMAND"),
                ),
        )
}

/// The usage line docker prints for a subcommand.
fn usage(cli: &str, sub: &str) -> String {
    let rest = match sub {
        "ps" => "[OPTIONS]",
        "inspect" => "[OPTIONS] NAME|ID [NAME|ID...]",
        "logs" | "export" => "[OPTIONS] CONTAINER",
        "exec" => "[OPTIONS] CONTAINER COMMAND [ARG...]",
        _ => "[OPTIONS] CONTAINER [CONTAINER...]",
    };
    format!("{cli} {sub} {rest}")
}

/// A clap refusal in docker's (cobra's) or podman's words and exit status.
fn refuse(cli: &str, args: &[String], e: clap::Error) -> Output {
    use clap::error::{ContextKind, ErrorKind};
    let sub = args.first().map(String::as_str).unwrap_or("");
    let invalid = e
        .get(ContextKind::InvalidArg)
        .map(|v| v.to_string())
        .or_else(|| e.get(ContextKind::InvalidSubcommand).map(|v| v.to_string()))
        .unwrap_or_default();
    let podman = cli == "podman";
    match e.kind() {
        ErrorKind::InvalidSubcommand | ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand if podman => {
            Output::fail(125, format!("Error: unrecognized command `podman {sub}`\nTry 'podman --help' for more information.\n"))
        }
        ErrorKind::InvalidSubcommand | ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            Output::fail(1, format!("docker: '{sub}' is not a docker command.\nSee 'docker --help'\n"))
        }
        ErrorKind::UnknownArgument if podman => Output::fail(125, format!("Error: unknown flag: {invalid}\nSee 'podman {sub} --help'\n")),
        ErrorKind::UnknownArgument => Output::fail(125, format!("unknown flag: {invalid}\nSee '{cli} {sub} --help'.\n")),
        ErrorKind::MissingRequiredArgument if podman => Output::fail(125, format!("Error: {cli} {sub} requires at least 1 argument\n")),
        ErrorKind::MissingRequiredArgument => Output::fail(
            1,
            format!("\"{cli} {sub}\" requires at least 1 argument.\nSee '{cli} {sub} --help'.\n\nUsage:  {}\n", usage(cli, sub)),
        ),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => Output::ok(format!("\nUsage:  {}\n", usage(cli, sub))),
        _ => Output::fail(125, format!("{}\nSee '{cli} {sub} --help'.\n", e.kind())),
    }
}

pub fn run(w: &mut World, node: &str, cli: &str, args: &[String]) -> Output {
    let m = match cli_spec(cli).try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => return refuse(cli, args, e),
    };
    let (sub, m) = m.subcommand().expect("a subcommand is required");
    let many = |m: &ArgMatches, id: &str| m.get_many::<String>(id).map(|v| v.cloned().collect::<Vec<_>>()).unwrap_or_default();
    let one = |m: &ArgMatches, id: &str| m.get_one::<String>(id).cloned();
    match sub {
        "ps" => ps(w, node, cli, m.get_flag("all"), m.get_flag("quiet"), m.get_flag("no-trunc"), &many(m, "filter"), one(m, "format")),
        "inspect" => inspect(w, node, cli, &many(m, "containers"), one(m, "format")),
        "restart" | "stop" | "start" => lifecycle(w, node, cli, sub, &many(m, "containers")),
        "logs" => logs(w, node, cli, &one(m, "container").unwrap_or_default(), one(m, "tail"), m.get_flag("timestamps")),
        "export" => export(w, node, cli, &one(m, "container").unwrap_or_default(), one(m, "output")),
        "exec" => {
            let name = one(m, "container").unwrap_or_default();
            let Some(c) = w.overcloud.container(node, &name).cloned() else {
                return no_such(cli, &name);
            };
            if c.state != RunState::Running {
                return Output::fail(
                    if cli == "podman" { 125 } else { 1 },
                    if cli == "podman" {
                        format!("Error: can only create exec sessions on running containers: container state improper\n")
                    } else {
                        format!("Error response from daemon: Container {} is not running\n", c.id)
                    },
                );
            }
            super::exec::run(w, node, &c.name, &many(m, "command"))
        }
        _ => unreachable!("clap accepts only the subcommands above"),
    }
}

fn no_such(cli: &str, name: &str) -> Output {
    if cli == "podman" {
        Output::fail(125, format!("Error: no container with name or ID \"{name}\" found: no such container\n"))
    } else {
        Output::fail(1, format!("Error: No such container: {name}\n"))
    }
}

/// docker's units.HumanDuration.
pub fn human_duration(d: chrono::Duration) -> String {
    let secs = d.num_seconds();
    let minutes = d.num_minutes();
    let hours = ((d.num_milliseconds() as f64) / 3_600_000.0 + 0.5) as i64;
    if secs < 1 {
        "Less than a second".into()
    } else if secs == 1 {
        "1 second".into()
    } else if secs < 60 {
        format!("{secs} seconds")
    } else if minutes == 1 {
        "About a minute".into()
    } else if minutes < 60 {
        format!("{minutes} minutes")
    } else if hours == 1 {
        "About an hour".into()
    } else if hours < 48 {
        format!("{hours} hours")
    } else if hours < 24 * 7 * 2 {
        format!("{} days", hours / 24)
    } else if hours < 24 * 30 * 2 {
        format!("{} weeks", hours / 24 / 7)
    } else if hours < 24 * 365 * 2 {
        format!("{} months", hours / 24 / 30)
    } else {
        format!("{} years", d.num_hours() / 24 / 365)
    }
}

/// The STATUS column.
pub fn status(c: &Container, now: SimTime, cli: &str) -> String {
    let ago = if cli == "podman" { " ago" } else { "" };
    match c.state {
        RunState::Running => {
            let health = match (&c.healthcheck, c.health) {
                (None, _) => String::new(),
                (Some(_), Health::Starting) => " (health: starting)".into(),
                (Some(_), h) => format!(" ({})", h.as_str()),
            };
            format!("Up {}{ago}{health}", human_duration(now - c.started_at))
        }
        RunState::Restarting => format!("Restarting ({}) {} ago", c.exit_code, human_duration(now - c.finished_at.unwrap_or(now))),
        RunState::Exited => format!("Exited ({}) {} ago", c.exit_code, human_duration(now - c.finished_at.unwrap_or(now))),
    }
}

fn state_name(c: &Container) -> &'static str {
    match c.state {
        RunState::Running => "running",
        RunState::Restarting => "restarting",
        RunState::Exited => "exited",
    }
}

/// Columns aligned as Go's tabwriter does with docker's settings (min width 20, padding 3) or
/// podman's (min width 0, padding 2). The last column is not padded.
pub fn table(rows: &[Vec<String>], min_width: usize, padding: usize) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..cols).map(|i| rows.iter().filter_map(|r| r.get(i)).map(|c| c.chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, cell) in r.iter().enumerate() {
            if i + 1 == r.len() {
                line.push_str(cell);
            } else {
                let w = (widths[i] + padding).max(min_width);
                line.push_str(&format!("{cell:<w$}"));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The containers on a node in docker's order (newest first).
fn sorted(n: &Node) -> Vec<&Container> {
    let mut v: Vec<&Container> = n.containers.values().collect();
    v.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.name.cmp(&b.name)));
    v
}

fn command_text(c: &Container, no_trunc: bool) -> String {
    let full = c.command.join(" ");
    if no_trunc || full.chars().count() <= 20 {
        format!("\"{full}\"")
    } else {
        format!("\"{}...\"", full.chars().take(17).collect::<String>())
    }
}

/// The fields `docker ps --format` offers for one container.
fn ps_fields(c: &Container, now: SimTime, cli: &str, no_trunc: bool) -> Value {
    json!({
        "ID": if no_trunc { c.id.clone() } else { c.id[..12].to_string() },
        "Image": c.image,
        "Command": command_text(c, no_trunc),
        "CreatedAt": c.created_at.format("%Y-%m-%d %H:%M:%S +0000 UTC").to_string(),
        "RunningFor": format!("{} ago", human_duration(now - c.created_at)),
        "Ports": "",
        "Status": status(c, now, cli),
        "State": state_name(c),
        "Size": "0B",
        "Names": c.name,
        "Labels": c.labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","),
        "Mounts": c.mounts.iter().map(|m| m.destination.clone()).collect::<Vec<_>>().join(","),
        "Networks": "host",
    })
}

/// The filters docker ps accepts here: name, id, status, health, label.
fn matches_filters(c: &Container, filters: &[(String, String)]) -> bool {
    filters.iter().all(|(k, v)| match k.as_str() {
        "name" => regex::Regex::new(v).map(|r| r.is_match(&c.name)).unwrap_or(false),
        "id" => c.id.starts_with(v.as_str()),
        "status" => state_name(c) == v,
        "health" => match (&c.healthcheck, v.as_str()) {
            (None, "none") => true,
            (Some(_), h) => c.health.as_str() == h,
            _ => false,
        },
        "label" => {
            let (lk, lv) = v.split_once('=').map_or((v.as_str(), None), |(a, b)| (a, Some(b)));
            c.labels.get(lk).is_some_and(|x| lv.is_none_or(|lv| x == lv))
        }
        _ => false,
    })
}

#[allow(clippy::too_many_arguments)]
fn ps(w: &World, node: &str, cli: &str, all: bool, quiet: bool, no_trunc: bool, filters: &[String], format: Option<String>) -> Output {
    let mut parsed = vec![];
    for f in filters {
        let Some((k, v)) = f.split_once('=') else {
            return Output::fail(if cli == "podman" { 125 } else { 1 }, format!("Error: Bad format of filter (expected name=value)\n"));
        };
        if !["name", "id", "status", "health", "label"].contains(&k) {
            return Output::fail(if cli == "podman" { 125 } else { 1 }, format!("Error response from daemon: Invalid filter '{k}'\n"));
        }
        if k == "status" && !["created", "restarting", "running", "removing", "paused", "exited", "dead"].contains(&v) {
            return Output::fail(1, format!("Error response from daemon: Unrecognised filter value for status: {v}\n"));
        }
        parsed.push((k.to_string(), v.to_string()));
    }
    let now = w.now();
    let n = w.overcloud.node(node).expect("the shell checked the node");
    let shown: Vec<&Container> = sorted(n)
        .into_iter()
        .filter(|c| all || c.state != RunState::Exited || parsed.iter().any(|(k, _)| k == "status"))
        .filter(|c| matches_filters(c, &parsed))
        .collect();
    if quiet {
        return Output::ok(shown.iter().map(|c| format!("{}\n", if no_trunc { &c.id[..] } else { &c.id[..12] })).collect::<String>());
    }
    if let Some(f) = format {
        let (table_mode, body) = match f.strip_prefix("table") {
            Some(rest) => (true, rest.trim_start().to_string()),
            None => (false, f.clone()),
        };
        let mut rendered = vec![];
        for c in &shown {
            match gotemplate::render(&body, &ps_fields(c, now, cli, no_trunc)) {
                Ok(line) => rendered.push(line),
                Err(e) => return Output::fail(if cli == "podman" { 125 } else { 1 }, format!("{e}\n")),
            }
        }
        if !table_mode {
            return Output::ok(rendered.into_iter().map(|l| l + "\n").collect::<String>());
        }
        let header = header_for(&body);
        let mut rows: Vec<Vec<String>> = vec![header.split('\t').map(str::to_string).collect()];
        rows.extend(rendered.iter().map(|l| l.split('\t').map(str::to_string).collect()));
        return Output::ok(table(&rows, 20, 3));
    }
    let mut rows = vec![vec!["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>()];
    for c in shown {
        let f = ps_fields(c, now, cli, no_trunc);
        let get = |k: &str| f[k].as_str().unwrap_or_default().to_string();
        rows.push(vec![get("ID"), get("Image"), get("Command"), get("RunningFor"), get("Status"), String::new(), get("Names")]);
    }
    let (min, pad) = if cli == "podman" { (0, 2) } else { (20, 3) };
    Output::ok(table(&rows, min, pad))
}

/// The header of a `table` format: each `{{.Field}}` replaced by its column name.
fn header_for(body: &str) -> String {
    let names = [
        ("ID", "CONTAINER ID"),
        ("Image", "IMAGE"),
        ("Command", "COMMAND"),
        ("CreatedAt", "CREATED AT"),
        ("RunningFor", "CREATED"),
        ("Ports", "PORTS"),
        ("Status", "STATUS"),
        ("State", "STATE"),
        ("Size", "SIZE"),
        ("Names", "NAMES"),
        ("Labels", "LABELS"),
        ("Mounts", "MOUNTS"),
        ("Networks", "NETWORKS"),
    ];
    let re = regex::Regex::new(r"\{\{\s*\.(\w+)\s*\}\}").expect("a valid pattern");
    re.replace_all(body, |c: &regex::Captures| names.iter().find(|(k, _)| *k == &c[1]).map_or(c[1].to_uppercase(), |(_, v)| v.to_string()))
        .to_string()
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectHealth {
    status: &'static str,
    failing_streak: u32,
    log: Vec<Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectState {
    status: &'static str,
    running: bool,
    paused: bool,
    restarting: bool,
    #[serde(rename = "OOMKilled")]
    oom_killed: bool,
    dead: bool,
    pid: u32,
    exit_code: i32,
    error: &'static str,
    started_at: String,
    finished_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    health: Option<InspectHealth>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectMount {
    #[serde(rename = "Type")]
    kind: &'static str,
    source: String,
    destination: String,
    mode: String,
    #[serde(rename = "RW")]
    rw: bool,
    propagation: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectConfig {
    hostname: String,
    domainname: &'static str,
    user: &'static str,
    attach_stdin: bool,
    attach_stdout: bool,
    attach_stderr: bool,
    tty: bool,
    open_stdin: bool,
    stdin_once: bool,
    env: Vec<String>,
    cmd: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    healthcheck: Option<Value>,
    image: String,
    volumes: Option<Value>,
    working_dir: &'static str,
    entrypoint: Option<Value>,
    on_build: Option<Value>,
    labels: Value,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Inspect {
    id: String,
    created: String,
    path: String,
    args: Vec<String>,
    state: InspectState,
    image: String,
    resolv_conf_path: String,
    hostname_path: String,
    hosts_path: String,
    log_path: String,
    name: String,
    restart_count: u32,
    driver: &'static str,
    mount_label: &'static str,
    process_label: &'static str,
    app_armor_profile: &'static str,
    #[serde(rename = "ExecIDs")]
    exec_ids: Option<Value>,
    host_config: Value,
    mounts: Vec<InspectMount>,
    config: InspectConfig,
    network_settings: Value,
}

fn docker_time(t: SimTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string()
}

/// `docker inspect` of one container, in docker's shape and key order.
pub fn inspect_value(c: &Container, node: &str, cli: &str) -> Value {
    let health = c.healthcheck.as_ref().map(|_| InspectHealth {
        status: match c.health {
            Health::Starting => "starting",
            Health::Healthy => "healthy",
            Health::Unhealthy => "unhealthy",
        },
        failing_streak: c.failing_streak,
        log: vec![],
    });
    let i = Inspect {
        id: c.id.clone(),
        created: docker_time(c.created_at),
        path: c.command.first().cloned().unwrap_or_default(),
        args: c.command.iter().skip(1).cloned().collect(),
        state: InspectState {
            status: state_name(c),
            running: c.state == RunState::Running,
            paused: false,
            restarting: c.state == RunState::Restarting,
            oom_killed: false,
            dead: false,
            pid: if c.state == RunState::Running { 4000 + (c.id.as_bytes()[0] as u32) * 17 } else { 0 },
            exit_code: c.exit_code,
            error: "",
            started_at: docker_time(c.started_at),
            finished_at: c.finished_at.map(docker_time).unwrap_or_else(|| "0001-01-01T00:00:00Z".into()),
            health,
        },
        image: c.image_id.clone(),
        resolv_conf_path: format!("/var/lib/{cli}/containers/{}/resolv.conf", c.id),
        hostname_path: format!("/var/lib/{cli}/containers/{}/hostname", c.id),
        hosts_path: format!("/var/lib/{cli}/containers/{}/hosts", c.id),
        log_path: format!("/var/lib/{cli}/containers/{0}/{0}-json.log", c.id),
        name: format!("/{}", c.name),
        restart_count: c.restart_count,
        driver: "overlay2",
        mount_label: "",
        process_label: "",
        app_armor_profile: "",
        exec_ids: None,
        host_config: json!({"NetworkMode": "host", "Privileged": false, "RestartPolicy": {"Name": "always", "MaximumRetryCount": 0},
                            "Binds": c.mounts.iter().map(|m| format!("{}:{}:{}", m.source, m.destination, m.mode)).collect::<Vec<_>>(), "LogConfig": {"Type": "json-file", "Config": {}}}),
        mounts: c
            .mounts
            .iter()
            .map(|m| InspectMount {
                kind: "bind",
                source: m.source.clone(),
                destination: m.destination.clone(),
                mode: m.mode.clone(),
                rw: !m.mode.contains("ro"),
                propagation: "rprivate",
            })
            .collect(),
        config: InspectConfig {
            hostname: node.to_string(),
            domainname: "",
            user: "",
            attach_stdin: false,
            attach_stdout: false,
            attach_stderr: false,
            tty: false,
            open_stdin: false,
            stdin_once: false,
            env: c.env.clone(),
            cmd: c.command.clone(),
            healthcheck: c.healthcheck.as_ref().map(|t| json!({"Test": ["CMD-SHELL", t]})),
            image: c.image.clone(),
            volumes: None,
            working_dir: "",
            entrypoint: None,
            on_build: None,
            labels: json!(c.labels),
        },
        network_settings: json!({"Bridge": "", "SandboxID": "", "HairpinMode": false, "Ports": {}, "Networks": {"host": {"NetworkID": "", "EndpointID": "", "Gateway": "", "IPAddress": ""}}}),
    };
    serde_json::to_value(i).unwrap_or(Value::Null)
}

/// docker prints JSON indented by four spaces, keys in its struct order.
fn pretty(v: &impl Serialize) -> String {
    let mut buf = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, serde_json::ser::PrettyFormatter::with_indent(b"    "));
    let _ = v.serialize(&mut ser);
    String::from_utf8(buf).unwrap_or_default()
}

fn inspect(w: &World, node: &str, cli: &str, names: &[String], format: Option<String>) -> Output {
    let mut found = vec![];
    let mut missing = vec![];
    for n in names {
        match w.overcloud.container(node, n) {
            Some(c) => found.push(c),
            None => missing.push(n.clone()),
        }
    }
    let mut out = Output::default();
    match &format {
        Some(f) => {
            for c in &found {
                // Go's template walks struct fields, so use the ordered shape.
                match gotemplate::render(f, &inspect_value(c, node, cli)) {
                    Ok(s) => out.stdout.push_str(&format!("{s}\n")),
                    Err(e) => return Output::fail(if cli == "podman" { 125 } else { 1 }, format!("{e}\n")),
                }
            }
        }
        None => {
            let values: Vec<Value> = found.iter().map(|c| inspect_value(c, node, cli)).collect();
            out.stdout = format!("{}\n", pretty(&values));
        }
    }
    if !missing.is_empty() {
        out.status = if cli == "podman" { 125 } else { 1 };
        for m in missing {
            out.stderr.push_str(&if cli == "podman" {
                format!("Error: error inspecting object: no such object: \"{m}\"\n")
            } else {
                format!("Error: No such object: {m}\n")
            });
        }
    }
    out
}

fn lifecycle(w: &mut World, node: &str, cli: &str, action: &str, names: &[String]) -> Output {
    let mut out = Output::default();
    for n in names {
        match w.container_action(node, n, action) {
            Ok(_) => out.stdout.push_str(&format!("{n}\n")),
            Err(_) => {
                out.status = if cli == "podman" { 125 } else { 1 };
                out.stderr.push_str(&if cli == "podman" {
                    format!("Error: no container with name or ID \"{n}\" found: no such container\n")
                } else {
                    format!("Error response from daemon: No such container: {n}\n")
                });
            }
        }
    }
    out
}

/// What kolla_start prints when a container starts, then the lines logged since.
pub fn log_lines(c: &Container) -> Vec<(SimTime, String)> {
    let t = c.started_at;
    let mut lines = vec![
        (t, "INFO:__main__:Loading config file at /var/lib/kolla/config_files/config.json".to_string()),
        (t, "INFO:__main__:Validating config file".into()),
        (t, "INFO:__main__:Kolla config strategy set to: COPY_ALWAYS".into()),
        (t, "INFO:__main__:Copying service configuration files".into()),
    ];
    for dest in c.config_paths.values() {
        lines.push((t, format!("INFO:__main__:Copying /var/lib/kolla/config_files/src{dest} to {dest}")));
    }
    lines.push((t, "INFO:__main__:Writing out command to execute".into()));
    lines.push((t, format!("Running command: '/usr/bin/{}'", c.name.replace('_', "-"))));
    lines.extend(c.log.iter().filter(|(_, l)| !l.starts_with("Loading config") && !l.starts_with("Copying service")).cloned());
    lines
}

fn logs(w: &World, node: &str, cli: &str, name: &str, tail: Option<String>, timestamps: bool) -> Output {
    let Some(c) = w.overcloud.container(node, name) else { return no_such(cli, name) };
    let lines = log_lines(c);
    let keep = match tail.as_deref() {
        None | Some("all") => lines.len(),
        Some(n) => match n.parse::<usize>() {
            Ok(n) => n.min(lines.len()),
            Err(_) => return Output::fail(1, format!("Error response from daemon: invalid value for \"tail\": \"{n}\"\n")),
        },
    };
    let shown = &lines[lines.len() - keep..];
    // kolla_start writes to stderr, as the real containers do.
    Output {
        stderr: shown.iter().map(|(t, l)| if timestamps { format!("{} {l}\n", docker_time(*t)) } else { format!("{l}\n") }).collect(),
        ..Default::default()
    }
}

/// `export`: a tar of what an operator looks for in a dead container: the config kolla copied in
/// and the service's log.
fn export(w: &World, node: &str, cli: &str, name: &str, output: Option<String>) -> Output {
    let Some(c) = w.overcloud.container(node, name) else { return no_such(cli, name) };
    let mut builder = tar::Builder::new(Vec::new());
    let mut add = |path: &str, content: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(content.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(c.started_at.timestamp().max(0) as u64);
        h.set_cksum();
        let _ = builder.append_data(&mut h, path.trim_start_matches('/'), content);
    };
    for (host, applied) in &c.applied {
        let dest = c.config_paths.get(host).cloned().unwrap_or_else(|| host.clone());
        add(&dest, applied.as_bytes());
    }
    let log: String = log_lines(c).into_iter().map(|(t, l)| format!("{} {l}\n", t.format("%Y-%m-%d %H:%M:%S%.3f"))).collect();
    add(&format!("/var/log/{}/{}.log", c.service, c.name.replace('_', "-")), log.as_bytes());
    add("/etc/hostname", format!("{node}\n").as_bytes());
    let bytes = builder.into_inner().unwrap_or_default();
    match output {
        Some(path) => Output {
            file: Some(super::output::OutputFile { path, base64: base64::engine::general_purpose::STANDARD.encode(&bytes) }),
            ..Default::default()
        },
        None => Output::fail(1, "cowardly refusing to save to a terminal. Use the -o flag or redirect\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_durations_read_as_dockers() {
        let s = chrono::Duration::seconds;
        assert_eq!(human_duration(s(0)), "Less than a second");
        assert_eq!(human_duration(s(5)), "5 seconds");
        assert_eq!(human_duration(s(61)), "About a minute");
        assert_eq!(human_duration(s(120)), "2 minutes");
        assert_eq!(human_duration(s(26 * 3600)), "26 hours");
        assert_eq!(human_duration(s(3 * 86400)), "3 days");
    }

    #[test]
    fn tabwriter_columns_have_a_minimum_width_and_padding() {
        let rows = vec![
            vec!["A".to_string(), "BB".to_string(), "C".to_string()],
            vec!["xxxxxxxxxxxxxxxxxxxxxx".to_string(), "y".to_string(), "z".to_string()],
        ];
        let t = table(&rows, 20, 3);
        assert_eq!(t.lines().next().unwrap(), format!("{:<25}{:<20}C", "A", "BB"));
    }
}
