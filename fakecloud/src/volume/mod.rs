//! Cinder: the version document, os-services, volumes and their actions, volume types, QoS specs,
//! quotas, snapshots and transfers.

pub mod actions;
pub mod api;
pub mod attachments;
pub mod bodies;
pub mod error;
pub mod events;
pub mod group_snapshots;
pub mod group_types;
pub mod groups;
pub mod model;
pub mod qos;
pub mod request;
pub mod service;
pub mod snapshots;
pub mod transfers;
pub mod types;
pub mod views;

pub use events::Event;
pub use model::Volumes;

pub use service::SERVICE;
