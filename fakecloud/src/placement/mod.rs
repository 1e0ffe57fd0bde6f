//! Placement: resource providers, inventories, allocations and allocation candidates.

pub mod allocations;
pub mod api;
pub mod consumers;
mod fault;
pub mod model;
mod names;
mod providers;
pub mod query;
mod schema;
pub mod service;
pub mod standard;
mod views;

pub use model::{Inventory, Placement};

pub use service::SERVICE;
