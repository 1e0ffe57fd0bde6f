//! The pre-imported `openstack` CLI (harness/cli-preload) answers exactly as a fresh start does.
//!
//! Two clouds with the same fixture and seed get the same commands: one through a fresh interpreter
//! per command, one through the pre-import server. Exit status, stdout and stderr must match byte
//! for byte once each cloud's own URL is written as `URL`. The commands cover table, JSON and value
//! output, API errors, argument errors, writes, stdin (the interactive mode), a clouds.yaml found
//! in the working directory, and the fallback to a fresh start for a different interpreter setting.

use fakecloud::sim::ClockMode;
use fakecloud::{CloudConfig, Fixture, RunningCloud};
use harness::tool::{self, Cli, Output};
use std::collections::BTreeMap;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(120);

async fn cloud() -> RunningCloud {
    let config = CloudConfig { fixture: Fixture::default_cloud(), seed: 7, clock: ClockMode::Manual, start: None, public_url: None };
    fakecloud::start(config, "127.0.0.1:0".parse().unwrap()).await.expect("the cloud starts")
}

fn admin_env(cloud: &RunningCloud) -> BTreeMap<String, String> {
    fakecloud::cli::env::os_vars(&Fixture::default_cloud(), &cloud.url(), "admin").expect("OS_* for admin").into_iter().collect()
}

/// A scratch directory holding clouds.yaml for `cloud`, for commands that `cd` there.
fn clouds_yaml_dir(cloud: &RunningCloud) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let yaml = fakecloud::cli::env::clouds_yaml(&Fixture::default_cloud(), &cloud.url()).expect("clouds.yaml renders");
    std::fs::write(dir.path().join("clouds.yaml"), yaml).unwrap();
    dir
}

/// The command lines, with `{dir}` for the clouds.yaml directory. `None` env means the admin's
/// OS_* variables; `Some` replaces them.
fn commands() -> Vec<(&'static str, Option<BTreeMap<String, String>>)> {
    let no_os: BTreeMap<String, String> = BTreeMap::new();
    vec![
        ("openstack --version", None),
        ("openstack server list --all-projects", None),
        ("openstack loadbalancer list -f json", None),
        ("openstack hypervisor list -f value -c 'Hypervisor Hostname' -c State", None),
        ("openstack server show no-such-server", None),
        ("openstack server list --no-such-option", None),
        ("openstack server create --flavor m1.small --image cirros-0.6.2-x86_64-disk --network private preload-check -f json", None),
        ("openstack server show preload-check -c status -c flavor -f shell", None),
        ("openstack network list --long -f csv", None),
        ("openstack resource provider list -f value -c name", None),
        ("openstack coe cluster list -f yaml", None),
        ("sh -c 'printf \"flavor list -f value -c Name\\nendpoint list -f value -c URL\\n\" | openstack'", None),
        ("sh -c 'cd {dir} && openstack --os-cloud admin project list -f value -c Name'", Some(no_os.clone())),
        ("sh -c 'cd {dir} && openstack --os-cloud no-such-cloud token issue'", Some(no_os)),
    ]
}

async fn play(cloud: &RunningCloud, cli: Cli, extra_env: &[(&str, &str)]) -> Vec<Output> {
    let dir = clouds_yaml_dir(cloud);
    let mut outputs = vec![];
    for (command, env) in commands() {
        let command = command.replace("{dir}", &dir.path().display().to_string());
        let mut env = env.unwrap_or_else(|| admin_env(cloud));
        env.extend(extra_env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let mut out = tool::run_with(&command, &env, TIMEOUT, cli).await.expect("the command starts");
        for text in [&mut out.stdout, &mut out.stderr, &mut out.command] {
            *text = text.replace(&cloud.url(), "URL").replace(&dir.path().display().to_string(), "DIR");
        }
        outputs.push(out);
    }
    outputs
}

fn assert_same(fresh: &[Output], preloaded: &[Output]) {
    for (f, p) in fresh.iter().zip(preloaded) {
        assert_eq!(
            (f.status, &f.stdout, &f.stderr),
            (p.status, &p.stdout, &p.stderr),
            "the pre-imported CLI differs from a fresh start\nfresh: {}\npreloaded: {}",
            f.describe(),
            p.describe()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preloaded_cli_answers_byte_for_byte_as_a_fresh_start() {
    assert!(harness::cli_preload::server().is_some(), "the pre-import server starts when the pinned clients are installed");
    let (fresh_cloud, preloaded_cloud) = (cloud().await, cloud().await);
    let fresh = play(&fresh_cloud, Cli::Fresh, &[]).await;
    // Every command must be served by the server, not by the shim's fallback.
    let preloaded = play(&preloaded_cloud, Cli::Preloaded, &[("FAKECLOUD_CLI_REQUIRE_PRELOAD", "1")]).await;
    assert_same(&fresh, &preloaded);
    // The set exercises what it claims to: successes, an API error, an argument error.
    let statuses: Vec<i32> = fresh.iter().map(|o| o.status).collect();
    assert_eq!(statuses, vec![0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 1, 0, 1], "{fresh:#?}");
    assert!(fresh[6].stdout.contains("\"name\": \"preload-check\""), "the write happened: {}", fresh[6].describe());
    assert!(fresh[11].stdout.contains("m1.small") && fresh[11].stdout.contains("URL"), "stdin reached the CLI: {}", fresh[11].describe());
    assert!(fresh[12].stdout.contains("admin"), "clouds.yaml in the working directory was found: {}", fresh[12].describe());
}

#[tokio::test]
async fn a_different_interpreter_setting_gets_a_fresh_start() {
    let (fresh_cloud, preloaded_cloud) = (cloud().await, cloud().await);
    let setting = [("PYTHONWARNINGS", "error::DeprecationWarning:nowhere")];
    let fresh = play(&fresh_cloud, Cli::Fresh, &setting).await;
    let preloaded = play(&preloaded_cloud, Cli::Preloaded, &setting).await;
    assert_same(&fresh, &preloaded);
    // With the fallback forbidden, the same setting is refused rather than silently ignored.
    let refused = tool::run_with(
        "openstack --version",
        &BTreeMap::from([("PYTHONWARNINGS".to_string(), "ignore".to_string()), ("FAKECLOUD_CLI_REQUIRE_PRELOAD".to_string(), "1".to_string())]),
        TIMEOUT,
        Cli::Preloaded,
    )
    .await
    .unwrap();
    assert_eq!(refused.status, 1, "{}", refused.describe());
    assert!(refused.stderr.contains("did not take this command"), "{}", refused.describe());
}

#[tokio::test]
async fn a_broken_client_does_not_take_the_server_down() {
    use std::io::Write as _;
    let server = harness::cli_preload::server().expect("the pre-import server starts");
    // No file descriptors, a header with no body, a client that leaves at once.
    let mut junk = std::os::unix::net::UnixStream::connect(&server.socket).unwrap();
    junk.write_all(b"garbage that is not a request").unwrap();
    drop(junk);
    drop(std::os::unix::net::UnixStream::connect(&server.socket).unwrap());
    let required = BTreeMap::from([("FAKECLOUD_CLI_REQUIRE_PRELOAD".to_string(), "1".to_string())]);
    let out = tool::run_with("openstack --version", &required, TIMEOUT, Cli::Preloaded).await.unwrap();
    assert_eq!((out.status, out.stdout.as_str()), (0, "openstack 10.5.0\n"), "{}", out.describe());
}
