//! Cinder: the version document, os-services and volumes.

pub mod api;
pub mod model;
pub mod request;
pub mod views;

pub use model::Volumes;
