//! The check that the pre-imported CLI answers as a fresh start does, which the two pre-imported CLI
//! tests (`tests/cli_preload.rs`, `tests/cli_preload_buffered.rs`) share: the commands, and playing
//! them on a cloud through fresh starts or through the server.

use crate::tool::{self, Cli, Output};
use fakecloud::sim::ClockMode;
use fakecloud::{CloudConfig, Fixture, RunningCloud};
use std::collections::BTreeMap;
use std::time::Duration;

pub const TIMEOUT: Duration = Duration::from_secs(120);

/// Two clouds alike in every way, simulated start time included (the wall clock by default, which
/// may tick between the two starts).
pub async fn twin_clouds() -> (RunningCloud, RunningCloud) {
    let start = |start| CloudConfig {
        fixture: Fixture::default_cloud(),
        seed: 7,
        clock: ClockMode::Manual,
        start,
        public_url: None,
        ..Default::default()
    };
    let addr = || "127.0.0.1:0".parse().unwrap();
    let first = fakecloud::start(start(None), addr()).await.expect("the cloud starts");
    let at = first.cloud.world().now();
    let second = fakecloud::start(start(Some(at)), addr()).await.expect("the cloud starts");
    (first, second)
}

pub fn admin_env(cloud: &RunningCloud) -> BTreeMap<String, String> {
    fakecloud::cli::env::os_vars(&Fixture::default_cloud(), &cloud.url(), "admin").expect("OS_* for admin").into_iter().collect()
}

/// A scratch directory holding clouds.yaml for `cloud`, for commands that `cd` there.
pub fn clouds_yaml_dir(cloud: &RunningCloud) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let yaml = fakecloud::cli::env::clouds_yaml(&Fixture::default_cloud(), &cloud.url()).expect("clouds.yaml renders");
    std::fs::write(dir.path().join("clouds.yaml"), yaml).unwrap();
    dir
}

/// The command lines, with `{dir}` for the clouds.yaml directory. `None` env means the admin's
/// OS_* variables; `Some` replaces them.
pub fn commands() -> Vec<(&'static str, Option<BTreeMap<String, String>>)> {
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
        ("sh -c 'openstack --version > /dev/full'", None),
        ("sh -c 'printf \"a\\r\\nb\\n\" | openstack'", None),
        // The CLI creates the private key file itself: its mode comes from the caller's umask.
        ("sh -c 'umask 027 && openstack keypair create --private-key {dir}/key preload-key >/dev/null && stat -c %a {dir}/key'", None),
    ]
}

pub async fn play(cloud: &RunningCloud, cli: Cli, extra_env: &[(&str, &str)]) -> Vec<Output> {
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

pub fn assert_same(fresh: &[Output], preloaded: &[Output]) {
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

/// Plays every command on two like clouds, through fresh starts and through the server (its
/// fallback refused, so that each command is proven served by it), asserts the two agree byte for
/// byte, and returns the fresh starts' outputs.
pub async fn fresh_equals_preloaded() -> Vec<Output> {
    assert!(crate::cli_preload::server().is_some(), "the pre-import server starts when the pinned clients are installed");
    let (fresh_cloud, preloaded_cloud) = twin_clouds().await;
    let fresh = play(&fresh_cloud, Cli::Fresh, &[]).await;
    let preloaded = play(&preloaded_cloud, Cli::Preloaded, &[("FAKECLOUD_CLI_REQUIRE_PRELOAD", "1")]).await;
    assert_same(&fresh, &preloaded);
    fresh
}

/// Sets how the interpreter buffers its standard streams, for the fresh starts and for the server
/// alike, before either starts: each test binary checks one mode (a server lives per process).
pub fn python_unbuffered(on: bool) {
    if on {
        std::env::set_var("PYTHONUNBUFFERED", "1");
    } else {
        std::env::remove_var("PYTHONUNBUFFERED");
    }
}
