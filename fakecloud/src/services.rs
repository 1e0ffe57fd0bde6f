//! The one registration of every service fakecloud serves: each is a folder with its own
//! `SERVICE` (prefix, error body, policy wording; see `http::service`) and its `api::router`, and
//! this list mounts them. The HTTP plumbing, the route table the bad-input and policy tests walk,
//! and the pipeline all find a service through here. The catalog a token carries is the
//! fixture's (`services:`), as a deployment configures Keystone's.

use crate::http::routes::Mount;
use crate::http::routes::Route;

/// Every service, in the order their prefixes are tried.
pub fn mounts() -> Vec<Mount> {
    vec![
        Mount { service: crate::identity::SERVICE, routes: crate::identity::api::router },
        Mount { service: crate::compute::SERVICE, routes: crate::compute::api::router },
        Mount { service: crate::placement::SERVICE, routes: crate::placement::api::router },
        Mount { service: crate::network::SERVICE, routes: crate::network::api::router },
        Mount { service: crate::image::SERVICE, routes: crate::image::api::router },
        Mount { service: crate::volume::SERVICE, routes: crate::volume::api::router },
        Mount { service: crate::loadbalancer::SERVICE, routes: crate::loadbalancer::api::router },
        Mount { service: crate::container_infra::SERVICE, routes: crate::container_infra::api::router },
        Mount { service: crate::dashboard::SERVICE, routes: crate::dashboard::api::router },
        Mount { service: crate::control::SERVICE, routes: crate::control::api::router },
    ]
}

/// Every (method, path template) the application routes, in registration order.
pub fn route_table() -> Vec<Route> {
    crate::http::routes(&mounts()).table().to_vec()
}

/// The OpenStack services (everything mounted but fakecloud's own control API).
pub fn openstack() -> Vec<crate::http::service::Service> {
    mounts().into_iter().map(|m| m.service).filter(|s| s.is_openstack()).collect()
}
