//! Keystone v3: the identity model (domains, projects, users, groups, roles, assignments,
//! application credentials, credentials, trusts, catalog and endpoint filters, policy blobs, OAuth1
//! consumers, domain configuration, tokens, revocation events) apart from its
//! HTTP API.

pub mod api;
pub mod app_creds;
pub mod assignments;
pub mod catalog;
pub mod catalog_rules;
pub mod credentials;
pub mod domain_config;
pub mod endpoint_filter;
pub mod error;
pub mod model;
pub mod oauth1;
pub mod policy_blobs;
pub mod request;
pub mod resource;
pub mod revocations;
pub mod revoke;
pub mod roles;
pub mod schema;
pub mod service;
pub mod token;
pub mod token_seal;
pub mod trusts;
pub mod users;
pub mod views;

pub use model::{Identity, Scope, Token};

pub use service::SERVICE;
