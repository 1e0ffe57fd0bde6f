//! The pre-imported `openstack` CLI (harness/cli-preload) answers exactly as a fresh start does.
//!
//! Two clouds with the same fixture and seed get the same commands: one through a fresh interpreter
//! per command, one through the pre-import server. Exit status, stdout and stderr must match byte
//! for byte once each cloud's own URL is written as `URL`. The commands cover table, JSON and value
//! output, API errors, argument errors, writes, stdin (the interactive mode), a clouds.yaml found
//! in the working directory, a write error at exit (`/dev/full`), and the fallback to a fresh start
//! for a different interpreter setting. This binary runs with PYTHONUNBUFFERED=1;
//! `cli_preload_buffered.rs` checks the buffered streams.

use harness::cli_preload::parity::*;
use harness::tool::{self, Cli};
use std::collections::BTreeMap;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preloaded_cli_answers_byte_for_byte_as_a_fresh_start() {
    python_unbuffered(true);
    let fresh = fresh_equals_preloaded().await;
    // The set exercises what it claims to: successes, an API error, an argument error.
    let statuses: Vec<i32> = fresh.iter().map(|o| o.status).collect();
    assert_eq!(statuses, vec![0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0], "{fresh:#?}");
    assert!(fresh[6].stdout.contains("\"name\": \"preload-check\""), "the write happened: {}", fresh[6].describe());
    assert!(fresh[11].stdout.contains("m1.small") && fresh[11].stdout.contains("URL"), "stdin reached the CLI: {}", fresh[11].describe());
    assert!(fresh[12].stdout.contains("admin"), "clouds.yaml in the working directory was found: {}", fresh[12].describe());
    assert_eq!(fresh[16].stdout, "640\n", "the key file follows the caller's umask: {}", fresh[16].describe());
}

#[tokio::test]
async fn a_different_interpreter_setting_gets_a_fresh_start() {
    python_unbuffered(true);
    let (fresh_cloud, preloaded_cloud) = twin_clouds().await;
    let setting = [("PYTHONWARNINGS", "error::DeprecationWarning:nowhere")];
    let fresh = play(&fresh_cloud, Cli::Fresh, &setting).await;
    let preloaded = play(&preloaded_cloud, Cli::Preloaded, &setting).await;
    assert_same(&fresh, &preloaded);
    // With the fallback forbidden, the same setting is refused rather than silently ignored.
    let refused = tool::run_with(
        "openstack --version",
        &BTreeMap::from([
            ("PYTHONWARNINGS".to_string(), "ignore".to_string()),
            ("FAKECLOUD_CLI_REQUIRE_PRELOAD".to_string(), "1".to_string()),
        ]),
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
    python_unbuffered(true);
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
