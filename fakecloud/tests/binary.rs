//! The binary contract: `serve` prints one ready line and serves; `env`, `clouds-yaml` and `ctl` work.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

mod common;

use common::served::{serve, Served, BIN};

fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn serve_prints_one_ready_line_and_answers_at_once() {
    let server = serve(&["--clock", "manual", "--seed", "3"]);
    let line = server.ready_line.clone();
    assert!(line.starts_with("fakecloud ready: auth_url=http://127.0.0.1:"), "{line}");
    let health: serde_json::Value = reqwest::blocking::get(format!("{}/_fakecloud/health", server.base)).unwrap().json().unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["clock"], "manual");
    assert_eq!(health["seed"], 3);
    let versions = reqwest::blocking::get(format!("{}/identity", server.base)).unwrap();
    assert_eq!(versions.status(), 300);
}

#[test]
fn serve_refuses_a_bad_fixture_or_clock_clearly() {
    let (ok, _, err) = run(&["serve", "--listen", "127.0.0.1:0", "--fixture", "/nonexistent.yaml"]);
    assert!(!ok);
    assert!(err.contains("cannot read fixture /nonexistent.yaml"), "{err}");
    let (ok, _, err) = run(&["serve", "--clock", "warp"]);
    assert!(!ok);
    assert!(err.contains("unknown clock mode 'warp'"), "{err}");
}

#[test]
fn env_and_clouds_yaml_describe_fixture_users() {
    let (ok, out, _) = run(&["env", "--url", "http://10.0.0.5:5000", "--user", "demo"]);
    assert!(ok);
    assert!(out.contains("export OS_AUTH_URL=http://10.0.0.5:5000/identity\n"), "{out}");
    assert!(out.contains("export OS_USERNAME=demo\n") && out.contains("export OS_PROJECT_NAME=demo\n"), "{out}");
    let (ok, out, _) = run(&["env"]);
    assert!(ok && out.contains("export OS_USERNAME=admin\n") && out.contains("http://127.0.0.1:5000/identity"), "{out}");
    let (ok, _, err) = run(&["env", "--user", "mallory"]);
    assert!(!ok && err.contains("no user 'mallory'"), "{err}");
    let (ok, out, _) = run(&["clouds-yaml"]);
    assert!(ok);
    let y: serde_json::Value = serde_yaml_ng::from_str(&out).unwrap();
    for cloud in ["admin", "demo", "appcred-demo-ci"] {
        assert!(y["clouds"][cloud].is_object(), "missing cloud {cloud}: {out}");
    }
}

#[test]
fn ctl_drives_the_control_api() {
    let server = serve(&["--clock", "manual"]);
    let url = server.base.as_str();
    let (ok, out, err) = run(&["ctl", "--url", url, "clock", "advance", "90s"]);
    assert!(ok, "{err}");
    assert!(out.contains("\"mode\": \"manual\""), "{out}");
    let (ok, out, _) = run(&["ctl", "--url", url, "faults", "add", r#"{"kind":"api-error","status":503,"count":1}"#]);
    assert!(ok && out.contains("api-error"), "{out}");
    let (ok, _, err) = run(&["ctl", "--url", url, "faults", "add", r#"{"kind":"api-error","status":99}"#]);
    assert!(!ok && err.contains("400"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("world.json");
    assert!(run(&["ctl", "--url", url, "snapshot", "--secrets", "-o", snap.to_str().unwrap()]).0);
    assert!(run(&["ctl", "--url", url, "reset"]).0);
    assert!(run(&["ctl", "--url", url, "restore", snap.to_str().unwrap()]).0);
    let (ok, out, _) = run(&["ctl", "--url", url, "capi"]);
    let phase = serde_json::from_str::<serde_json::Value>(&out).ok().map(|v| v["management"]["phase"].clone());
    assert!(ok && phase == Some(serde_json::json!("ready")), "ctl capi: {out}");
    let (ok, out, _) = run(&["ctl", "--url", url, "journal", "--kind", "control"]);
    assert!(ok && out.contains("clock-advance"), "{out}");
    let (ok, out, _) = run(&["ctl", "--url", url, "availability", "k8s-clusterapi-cluster-default-kube-kubeapi"]);
    let record = serde_json::from_str::<serde_json::Value>(&out).ok().map(|v| v["availability"]["serving"].clone());
    assert!(ok && record == Some(serde_json::json!(true)), "ctl availability: {out}");
    let (ok, _, err) = run(&["ctl", "--url", url, "availability", "no such lb"]);
    assert!(!ok && err.contains("404"), "{err}");
    let (ok, _, err) = run(&["ctl", "--url", "http://127.0.0.1:9", "health"]);
    assert!(!ok && err.contains("cannot reach fakecloud"), "{err}");
}

/// `fakecloud shell install DIR`, then the links run as the fake shell against a running cloud.
#[test]
fn the_installed_shell_talks_to_the_running_cloud() {
    let server = serve(&["--clock", "manual"]);
    let dir = tempfile::tempdir().unwrap();
    let (ok, out, err) = run(&["shell", "install", dir.path().to_str().unwrap()]);
    assert!(ok, "{err}");
    for c in ["docker", "podman", "pcs", "crudini", "paunch", "ssh", "sudo", "kubectl"] {
        assert!(out.contains(&format!("/{c}\n")), "{c} is linked: {out}");
    }
    let shell = |cmd: &str, args: &[&str], url: Option<&str>| {
        let mut c = std::process::Command::new(dir.path().join(cmd));
        c.args(args).env_remove("FAKECLOUD_URL").env_remove("FAKECLOUD_NODE");
        if let Some(u) = url {
            c.env("FAKECLOUD_URL", u).env("FAKECLOUD_NODE", "controller-1");
        }
        c.output().unwrap()
    };
    let ps = shell("docker", &["ps", "--format", "{{.Names}}"], Some(&server.base));
    assert!(
        ps.status.success() && String::from_utf8_lossy(&ps.stdout).lines().any(|l| l == "openstack-cinder-volume-docker-0"),
        "runs on FAKECLOUD_NODE"
    );
    let bad = shell("docker", &["ps", "--bogus"], Some(&server.base));
    assert_eq!(bad.status.code(), Some(125), "the tool's own exit status");
    let export = dir.path().join("c.tar");
    let ex = shell("docker", &["export", "-o", export.to_str().unwrap(), "nova_scheduler"], Some(&server.base));
    assert!(ex.status.success() && std::fs::metadata(&export).unwrap().len() > 1024, "export writes the tar on the caller's side");
    let lost = shell("pcs", &["status"], None);
    assert_eq!(lost.status.code(), Some(127));
    assert!(String::from_utf8_lossy(&lost.stderr).contains("FAKECLOUD_URL is not set"));
}

/// The binary called as `sleep` (as the harness links it for tools under test) moves the cloud's
/// clock by its arguments, carrying the control token; without `FAKECLOUD_URL` it is the real sleep.
#[test]
fn the_binary_called_as_sleep_advances_the_clock() {
    let server = serve(&["--clock", "manual", "--control-token", "s3cret"]);
    let dir = tempfile::tempdir().unwrap();
    let sleep = dir.path().join("sleep");
    std::os::unix::fs::symlink(BIN, &sleep).unwrap();
    let clock = || -> chrono::DateTime<chrono::Utc> {
        let r = reqwest::blocking::Client::new().get(format!("{}/_fakecloud/clock", server.base)).bearer_auth("s3cret").send().unwrap();
        let v: serde_json::Value = r.json().unwrap();
        v["now"].as_str().unwrap().parse().unwrap()
    };
    let run_sleep = |args: &[&str], url: Option<&str>, token: Option<&str>| {
        let mut c = Command::new(&sleep);
        c.args(args).env_remove("FAKECLOUD_URL").env_remove("FAKECLOUD_CONTROL_TOKEN");
        if let Some(u) = url {
            c.env("FAKECLOUD_URL", u);
        }
        if let Some(t) = token {
            c.env("FAKECLOUD_CONTROL_TOKEN", t);
        }
        c.output().unwrap()
    };
    let before = clock();
    let out = run_sleep(&["90", "1m", "0.5s"], Some(&server.base), Some("s3cret"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(clock() - before, chrono::Duration::milliseconds(150_500));
    let refused = run_sleep(&["5"], Some(&server.base), None);
    assert_eq!(refused.status.code(), Some(1), "no control token");
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("the clock did not advance (401)"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let bad = run_sleep(&["soon"], Some(&server.base), Some("s3cret"));
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("sleep: invalid time interval 'soon'"));
    assert_eq!(clock() - before, chrono::Duration::milliseconds(150_500), "refused sleeps move nothing");
    let real = std::time::Instant::now();
    let out = run_sleep(&["0.2"], None, None);
    assert!(out.status.success() && real.elapsed() >= std::time::Duration::from_millis(200), "the real sleep without FAKECLOUD_URL");
}

/// The README's path, end to end: `fakecloud serve` with no arguments (port 5000, embedded fixture),
/// then the real openstack CLI configured by `fakecloud env` and by `fakecloud clouds-yaml`.
#[test]
fn default_serve_works_with_the_real_cli_through_env_and_clouds_yaml() {
    let openstack = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.clients/venv/bin/openstack");
    assert!(openstack.exists(), "{} is missing: ci/test installs the pinned clients", openstack.display());
    let mut child = Command::new(BIN).arg("serve").env("RUST_LOG", "warn").stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let _server = Served { child, base: "http://127.0.0.1:5000".into(), ready_line: line.clone() };
    assert_eq!(line.trim(), "fakecloud ready: auth_url=http://127.0.0.1:5000/identity/v3", "is port 5000 taken?");

    let (_, exports, _) = run(&["env"]);
    let os_env: Vec<(String, String)> = exports
        .lines()
        .filter_map(|l| l.strip_prefix("export ")?.split_once('='))
        .map(|(k, v)| (k.to_string(), v.trim_matches('\'').to_string()))
        .collect();
    let cli = |args: &[&str], env: &[(String, String)]| {
        let mut cmd = Command::new(&openstack);
        for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("OS_")) {
            cmd.env_remove(k);
        }
        let out = cmd.args(args).envs(env.iter().cloned()).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "openstack {args:?}: {text}{}", String::from_utf8_lossy(&out.stderr));
        text
    };
    assert!(cli(&["token", "issue", "-f", "value", "-c", "id"], &os_env).starts_with("gAAAAA"));
    assert!(cli(&["catalog", "list", "-f", "value", "-c", "Type"], &os_env).contains("load-balancer"));
    assert!(cli(&["project", "list", "-f", "value", "-c", "Name"], &os_env).contains("service"));

    let dir = tempfile::tempdir().unwrap();
    let clouds = dir.path().join("clouds.yaml");
    std::fs::write(&clouds, run(&["clouds-yaml"]).1).unwrap();
    let yaml_env = [("OS_CLIENT_CONFIG_FILE".to_string(), clouds.display().to_string())];
    assert!(cli(&["--os-cloud", "admin", "project", "list", "-f", "value", "-c", "Name"], &yaml_env).contains("demo"));
    assert!(cli(&["--os-cloud", "demo", "token", "issue", "-f", "value", "-c", "project_id"], &yaml_env).len() >= 32);
}
