//! Command-line helpers behind `fakecloud env`, `fakecloud clouds-yaml` and `fakecloud ctl`.

pub mod ctl;
pub mod env;
pub mod multicall;

/// The address `serve` listens on by default, as clients reach it.
pub const DEFAULT_URL: &str = "http://127.0.0.1:5000";
