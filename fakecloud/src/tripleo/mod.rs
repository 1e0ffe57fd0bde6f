//! The simulated TripleO overcloud: nodes, containers, Pacemaker and the clustered services, in
//! the same world as the APIs. The fake operator shell (`shell/`) reads and acts on it.

pub mod boot;
pub mod containers;
pub mod events;
pub mod faults;
pub mod haproxy;
pub mod model;

pub use events::Event;
pub use faults::FaultAction;
