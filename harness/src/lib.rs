//! Reusable pieces of the harness: starting a cloud for a scenario and running a tool under test
//! against it with a fixture user's credentials. The cucumber World and steps live in
//! `tests/features/`, and the external-tool runner (`fakecloud-harness`) is built from them too.

pub mod cli_preload;
pub mod container;
pub mod tool;

use std::path::PathBuf;

/// The repository root (the workspace that holds `features/`, `fixtures/` and `.clients/`).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("harness/ has a parent").to_path_buf()
}
