//! `fakecloud-harness`: the incident library as a command (see tests/features/runner.rs). The step
//! library and the runner are compiled from the same files as the `features` test.

#[path = "../../tests/features/runner.rs"]
mod runner;
#[path = "../../tests/features/steps.rs"]
mod steps;
#[path = "../../tests/features/suite.rs"]
mod suite;
#[path = "../../tests/features/world.rs"]
mod world;

fn main() {
    runner::main();
}
