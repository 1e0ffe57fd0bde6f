//! fakecloud's control API (`/_fakecloud`): health, reset, clock, faults, journal, snapshot and
//! restore. Not in the catalog; documented in docs/control-api.md.

pub mod access;
pub mod api;
pub mod redact;
pub mod service;

pub use service::SERVICE;
