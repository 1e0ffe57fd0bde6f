//! Neutron: networks, subnets, ports, floating IPs, routers, security groups, agents, extensions.

pub mod api;
pub mod model;

pub use model::Network;
