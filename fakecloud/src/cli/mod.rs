//! Command-line helpers behind `fakecloud env`, `fakecloud clouds-yaml` and `fakecloud ctl`, and the
//! programs the binary becomes when called by another name (`multicall`, `sleep`).

pub mod ctl;
pub mod env;
pub mod multicall;
pub mod sleep;

/// The address `serve` listens on by default, as clients reach it.
pub const DEFAULT_URL: &str = "http://127.0.0.1:5000";
