//! Neutron over HTTP: shapes, filters, pagination, project isolation, admin-only agents, IP
//! allocation and exhaustion, floating IP activation on the simulated clock, agent liveness, and bad
//! input on every route (a 4xx in Neutron's format, never a 5xx, and no change to the world).
//!
//! Servers (and so their ports) come from Nova; these tests make their own ports and networks and
//! never assume which addresses the fixture's servers hold.

#[path = "../common/mod.rs"]
mod common;
mod helpers;

mod addresses;
mod agents;
mod bad_input;
mod ipv6;
mod networks;
mod routers;
