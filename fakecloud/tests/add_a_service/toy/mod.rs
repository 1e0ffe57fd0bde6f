//! A toy service, laid out as ARCHITECTURE.md's "How to add a service" says: its `SERVICE`
//! (prefix, error body, policy wording) and its `api::router`. It holds no state of its own, so the
//! world needs no new field; it reads the simulated clock.

pub mod api;
pub mod service;

pub use service::SERVICE;
