//! OpenStack services other than Keystone. Each gets a model and an API module as it is built.

pub mod pending;
