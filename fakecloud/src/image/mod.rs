//! Glance: the version document and images (list/show with filters).

pub mod api;
pub mod error;
pub mod model;
pub mod request;
pub mod service;
pub mod views;

pub use model::{Image, Images};

pub use service::SERVICE;
