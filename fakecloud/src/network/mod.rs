//! Neutron: networks, subnets, ports, floating IPs, routers, security groups, agents, extensions.

pub mod agents;
pub mod api;
pub mod boot;
pub mod compute_contract;
pub mod compute_interfaces;
pub mod error;
pub mod events;
pub mod ipam;
pub mod l3;
pub mod metering;
pub mod model;
pub mod networks;
pub mod ports;
pub mod query;
pub mod quotas;
pub mod request;
pub mod security;
pub mod service;
pub mod subnetpools;
pub mod tags;
pub mod views;

pub use events::Event;
pub use model::Network;

pub use service::SERVICE;
