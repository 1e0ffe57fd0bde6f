//! Placement: resource providers, inventories, allocations and allocation candidates.

pub mod api;
pub mod model;

pub use model::{Inventory, Placement};
