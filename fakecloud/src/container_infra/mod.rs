//! Magnum with the capi-helm driver: cluster templates, clusters and node groups over HTTP; the
//! conductor's periodic status sync and health poll; and the Cluster API management plane the
//! health comes from (a Nova VM with a cold start, CAPI objects with conditions, the kube-api
//! load balancer behind InfrastructureReady).

pub mod api;
pub mod capi;
pub mod conductor;
pub mod events;
pub mod faults;
pub mod model;
pub mod service;
pub mod views;

pub use events::Event;
pub use faults::FaultAction;

pub use service::SERVICE;
