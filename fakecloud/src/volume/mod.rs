//! Cinder: the version document, os-services and volumes.

pub mod api;
pub mod model;

pub use model::Volumes;
