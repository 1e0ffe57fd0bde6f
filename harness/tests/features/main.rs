//! Runs every feature under `features/` with scenarios in parallel, each on its own in-process
//! cloud (ephemeral port, manual clock). `FAKECLOUD_JUNIT=path.xml` also writes a JUnit report;
//! `cargo test -p harness --test features -- --tags @keystone` (and cucumber's other flags) work.

mod steps;
mod world;

use cucumber::{writer, World as _, WriterExt as _};
use world::CloudWorld;

/// Scenarios run at once: each runs real clients (about a second of CPU each) on a 2-core machine.
const PARALLEL_SCENARIOS: usize = 4;

#[tokio::main]
async fn main() {
    let features = harness::repo_root().join("features");
    let cucumber = CloudWorld::cucumber().max_concurrent_scenarios(PARALLEL_SCENARIOS).fail_on_skipped();
    match std::env::var_os("FAKECLOUD_JUNIT") {
        Some(path) => {
            let file = std::fs::File::create(&path).expect("cannot create the JUnit report file");
            cucumber
                .with_writer(
                    writer::Basic::raw(std::io::stdout(), writer::Coloring::Never, 0)
                        .summarized()
                        .tee::<CloudWorld, _>(writer::JUnit::for_tee(file, 0))
                        .normalized(),
                )
                .run_and_exit(features)
                .await
        }
        None => cucumber.run_and_exit(features).await,
    }
}
