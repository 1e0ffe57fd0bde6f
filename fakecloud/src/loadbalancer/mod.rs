//! Octavia: load balancers, listeners, pools, members and health monitors; amphorae as Nova servers
//! scheduled through Placement; the controller worker's flows (create, child changes, delete,
//! failover with revert) and the health manager on the virtual clock.

pub mod api;
pub mod events;
pub mod faults;
pub mod health;
pub mod model;
pub mod request;
pub mod service;
pub mod views;
pub mod worker;

pub use events::Event;
pub use faults::FaultAction;

pub use service::SERVICE;
