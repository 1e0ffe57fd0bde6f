//! The incident library as a test (`cargo test -p harness --test features`, see src/suite.rs); the
//! same runner is the `fakecloud-harness` binary (src/bin/fakecloud-harness.rs), which plays it
//! against anyone's tools (see src/runner.rs). Scenarios run in parallel, each on its own in-process
//! cloud. `cargo test -p harness --test features -- --tags @keystone` (and cucumber's other flags)
//! work.

fn main() {
    harness::runner::main();
}
