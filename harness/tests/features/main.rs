//! The incident library as a test (`cargo test -p harness --test features`, see suite.rs) and, built
//! again as the `fakecloud-harness` binary (src/bin/fakecloud-harness.rs), as a runner for anyone's
//! tools (see runner.rs). Scenarios run in parallel, each on its own in-process cloud.
//! `cargo test -p harness --test features -- --tags @keystone` (and cucumber's other flags) work.

mod runner;
mod steps;
mod suite;
mod world;

fn main() {
    runner::main();
}
