//! Keystone v3: the identity model (users, projects, roles, assignments, application credentials,
//! catalog, tokens) apart from its HTTP API.

pub mod api;
pub mod catalog;
pub mod model;
pub mod service;
pub mod token;
pub mod views;

pub use model::{Identity, Scope, Token};

pub use service::SERVICE;
