//! fakecloud: a stateful fake OpenStack cloud with simulated time and injectable incidents.
//! See ARCHITECTURE.md for the map.

pub mod auth;
pub mod cli;
pub mod cloud;
pub mod compute;
pub mod container_infra;
pub mod control;
pub mod dashboard;
pub mod faults;
pub mod files;
pub mod fixture;
pub mod flows;
pub mod http;
pub mod identity;
pub mod image;
pub mod loadbalancer;
pub mod network;
pub mod placement;
pub mod policy;
pub mod server;
pub mod services;
pub mod shell;
pub mod sim;
pub mod tripleo;
pub mod volume;
pub mod world;

pub use cloud::{Cloud, CloudConfig};
pub use fixture::Fixture;
pub use server::{start, start_with, RunningCloud};
