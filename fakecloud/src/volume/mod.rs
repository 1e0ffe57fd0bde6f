//! Cinder: the version document, os-services and volumes.

pub mod api;
pub mod error;
pub mod events;
pub mod model;
pub mod request;
pub mod service;
pub mod views;

pub use events::Event;
pub use model::Volumes;

pub use service::SERVICE;
