//! Keystone v3: the identity model (domains, projects, users, groups, roles, assignments,
//! application credentials, catalog, tokens) apart from its HTTP API.

pub mod api;
pub mod catalog;
pub mod error;
pub mod model;
pub mod request;
pub mod resource;
pub mod schema;
pub mod service;
pub mod token;
pub mod users;
pub mod views;

pub use model::{Identity, Scope, Token};

pub use service::SERVICE;
