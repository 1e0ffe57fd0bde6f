//! Keystone v3: the identity model (users, projects, roles, assignments, application credentials,
//! credentials, trusts, catalog, tokens, revocation events) apart from its HTTP API.

pub mod api;
pub mod app_creds;
pub mod assignments;
pub mod catalog;
pub mod catalog_rules;
pub mod credentials;
pub mod error;
pub mod model;
pub mod request;
pub mod revoke;
pub mod roles;
pub mod service;
pub mod token;
pub mod trusts;
pub mod views;

pub use model::{Identity, Scope, Token};

pub use service::SERVICE;
