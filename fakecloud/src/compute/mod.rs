//! Nova: hosts (hypervisors and nova-compute services), flavors, servers, keypairs, server groups,
//! availability zones, services; scheduling through Placement; host events.

pub mod api;
pub mod block_devices;
pub mod events;
pub mod faults;
pub mod instance_actions;
pub mod interfaces;
pub mod keygen;
pub mod lifecycle;
pub mod migrations;
pub mod model;
pub mod quotas;
pub mod service;
pub mod snapshots;
pub mod view_cache;
pub mod views;

pub use events::Event;
pub use faults::FaultAction;
pub use model::Compute;

pub use service::SERVICE;
