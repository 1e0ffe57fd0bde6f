//! Octavia over HTTP: the version list, load balancer and child lifecycles with the parent locking
//! rules, operating status from member health, failover with and without headroom, the health
//! manager and its zombies, the amphorav2 member faults, policy, bad input, concurrency,
//! pagination and batch member updates.

#[path = "../common/mod.rs"]
mod common;
mod helpers;

mod bad_input;
mod cli;
mod failover;
mod features;
mod load_balancers;
mod member_faults;
mod members;
mod policy;
mod quotas;
mod zones;
