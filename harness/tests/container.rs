//! The container image end to end: start `fakecloud:local` (built by ci/build-image.sh) with the
//! testcontainers module and drive it with the real openstack CLI through the mapped port. A missing
//! image fails the test: it does not skip.

use harness::container;
use std::collections::BTreeMap;
use std::time::Duration;

#[tokio::test]
async fn the_openstack_cli_gets_a_token_and_the_catalog_from_the_container() {
    let (cloud, auth_url) = match container::start_fakecloud().await {
        Ok(started) => started,
        Err(e) => panic!("{e:#}\nThe container test needs the image: run ci/build-image.sh first."),
    };
    assert!(auth_url.starts_with("http://") && auth_url.ends_with("/identity/v3"), "auth URL {auth_url}");
    let url = container::base_url(&auth_url).to_string();

    // What `fakecloud env --url <url>` prints for the admin.
    let vars = fakecloud::cli::env::os_vars(&fakecloud::Fixture::default_cloud(), &url, "admin").expect("OS_* for admin");
    let os_env: BTreeMap<String, String> = vars.into_iter().collect();

    let token = harness::tool::run("openstack token issue -f value -c id", &os_env, Duration::from_secs(120)).await.expect("run openstack");
    assert_eq!(token.status, 0, "{}", token.describe());
    let id = token.stdout.trim();
    // Keystone's Fernet tokens (and fakecloud's): url-safe base64 starting `gAAAAA`.
    assert!(
        id.starts_with("gAAAAA") && id.len() > 32 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        "not a Fernet-looking token id: {id:?}\n{}",
        token.describe()
    );

    // A call through the catalog: the compute endpoint must be on the mapped port (fakecloud builds
    // endpoint URLs from the request's Host), or the CLI would try the container's own port 5000.
    let servers = harness::tool::run("openstack server list --all-projects -f value -c Name", &os_env, Duration::from_secs(120))
        .await
        .expect("run openstack");
    assert_eq!(servers.status, 0, "{}", servers.describe());
    for name in ["web-0", "web-1", "db-0"] {
        assert!(servers.stdout.lines().any(|l| l.trim() == name), "no server {name} in the list\n{}", servers.describe());
    }
    let catalog = harness::tool::run("openstack catalog list -f json", &os_env, Duration::from_secs(120)).await.expect("run openstack");
    assert_eq!(catalog.status, 0, "{}", catalog.describe());
    assert!(catalog.stdout.contains(&format!("{url}/compute")), "the catalog does not point at {url}\n{}", catalog.describe());

    drop(cloud);
}

/// With a control token, the container's control API refuses a call without it and answers
/// `fakecloud ctl` with it; the OpenStack APIs do not ask for it.
#[tokio::test]
async fn a_container_started_with_a_control_token_answers_ctl_with_it_and_refuses_calls_without() {
    let token = "container-control-token";
    let (cloud, auth_url) = match container::start_fakecloud_with_token(token, &[]).await {
        Ok(started) => started,
        Err(e) => panic!("{e:#}\nThe container test needs the image: run ci/build-image.sh first."),
    };
    let url = container::base_url(&auth_url).to_string();
    let http = reqwest::Client::new();
    let bare = http.get(format!("{url}/_fakecloud/health")).send().await.expect("the container answers");
    assert_eq!(bare.status(), 401, "a control call without the token");
    let versions = http.get(format!("{url}/identity/v3")).send().await.expect("the container answers");
    assert_eq!(versions.status(), 200, "Keystone needs no control token");

    // The fake shell's links point at the built fakecloud binary.
    let bin = std::fs::read_link(harness::tool::shell_dir().expect("the fakecloud binary").join("docker")).expect("a link to fakecloud");
    let ctl = |with_token: bool| {
        let mut cmd = std::process::Command::new(&bin);
        cmd.args(["ctl", "--url", &url, "clock"]).env_remove(fakecloud::control::access::TOKEN_ENV);
        if with_token {
            cmd.env(fakecloud::control::access::TOKEN_ENV, token);
        }
        cmd.output().expect("run fakecloud ctl")
    };
    let refused = ctl(false);
    assert!(!refused.status.success() && String::from_utf8_lossy(&refused.stderr).contains("401"), "{refused:?}");
    let clock = ctl(true);
    assert!(clock.status.success(), "{clock:?}");
    assert!(String::from_utf8_lossy(&clock.stdout).contains("\"mode\""), "{clock:?}");
    drop(cloud);
}
