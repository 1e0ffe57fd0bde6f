//! The pre-imported `openstack` CLI with buffered standard streams (no PYTHONUNBUFFERED): the same
//! commands as `cli_preload.rs`, byte for byte as fresh starts. A write error at exit is where the
//! two modes differ (a report and status 120 when buffered).

use harness::cli_preload::parity::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_buffered_streams_the_preloaded_cli_answers_byte_for_byte_as_a_fresh_start() {
    python_unbuffered(false);
    let fresh = fresh_equals_preloaded().await;
    let full = &fresh[14];
    assert_eq!(full.status, 120, "a buffered stdout fails at exit: {}", full.describe());
    assert!(full.stderr.contains("Exception ignored in: <_io.TextIOWrapper name='<stdout>'"), "{}", full.describe());
}
