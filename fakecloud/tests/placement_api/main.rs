//! Placement over HTTP: the version document and microversion negotiation (406 naming the range,
//! which is how osc-placement lowers its version), response shapes at several microversions, the
//! capacity arithmetic seen through allocation candidates, generation conflicts, policy, and bad
//! input on every route (4xx in Placement's format, never a 5xx, nothing changed).
//!
//! The default fixture may carry its own providers (the compute hosts); these tests add their own
//! and only look at those.

#[path = "../common/mod.rs"]
mod common;
mod helpers;

mod allocations;
mod bad_input;
mod policy;
mod providers;
mod traits;
mod versions;
