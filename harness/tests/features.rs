//! The incident library as a test (`cargo test -p harness --test features`, see src/suite.rs). The
//! `fakecloud-harness` binary (src/bin/fakecloud-harness.rs, src/runner.rs) plays the same library
//! against anyone's tools. Scenarios run in parallel, each on its own in-process
//! cloud. `cargo test -p harness --test features -- --tags @keystone` (and cucumber's other flags)
//! work.

fn main() {
    harness::suite::main();
}
