//! Glance: the version document, images (with members, tags, data, import), tasks, the
//! metadata definitions catalog and the schemas.

pub mod actions;
pub mod api;
pub mod digest;
pub mod error;
pub mod formats;
pub mod members;
pub mod metadefs;
pub mod model;
pub mod patch;
pub mod request;
pub mod schemas;
pub mod service;
pub mod tasks;
pub mod views;

pub use model::{Image, Images};

pub use service::SERVICE;
