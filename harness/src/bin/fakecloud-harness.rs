//! `fakecloud-harness`: the incident library as a command (see src/runner.rs). The step library and
//! the runner are the library's, shared with the `features` test.

fn main() {
    harness::runner::main();
}
