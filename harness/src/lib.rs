//! The harness: starting a cloud for a scenario and running a tool under test against it with a
//! fixture user's credentials (`tool`), the cucumber World (`world`) and step library (`steps`),
//! the project's own run of the incident library (`suite`), and the runner that plays it against
//! anyone's tools (`runner`). The `features` test enters through `suite::main`, the
//! `fakecloud-harness` binary through `runner::main`.

pub mod cli_preload;
pub mod container;
pub mod html;
pub mod merge;
pub mod not_run;
pub mod runner;
pub mod shard;
pub mod steps;
pub mod suite;
pub mod tool;
pub mod world;

use std::path::PathBuf;

/// The repository root (the workspace that holds `features/`, `fixtures/` and `.clients/`).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("harness/ has a parent").to_path_buf()
}
