//! The HTTP side: one router with every service under its devstack-style prefix, the shared request
//! pipeline, extractors and error formats.

pub mod error;
pub mod extract;
pub mod microversion;
pub mod pipeline;
pub mod routes;
pub mod service;
pub mod strict_json;

use crate::auth::Caller;
use crate::cloud::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::ServiceExt;
use axum::{Extension, Router};
use error::ApiError;
use routes::{Route, Routes};
use service::Service;
use tower_http::normalize_path::NormalizePath;

/// The application as a server runs it: trailing slashes trimmed before routing, since Keystone (and
/// most services) answer `/identity/` as `/identity`, and gophercloud always asks with the slash.
pub fn service(state: AppState) -> axum::routing::IntoMakeService<NormalizePath<Router>> {
    ServiceExt::<axum::extract::Request>::into_make_service(NormalizePath::trim_trailing_slash(router(state)))
}

/// Every service under its prefix, with the route table beside the router.
pub fn routes() -> Routes {
    Routes::new()
        .nest(Service::Identity.prefix(), crate::identity::api::router())
        .nest(Service::Compute.prefix(), crate::compute::api::router())
        .nest(Service::Placement.prefix(), crate::placement::api::router())
        .nest(Service::Network.prefix(), crate::network::api::router())
        .nest(Service::Image.prefix(), crate::image::api::router())
        .nest(Service::Volume.prefix(), crate::volume::api::router())
        .nest(Service::LoadBalancer.prefix(), crate::loadbalancer::api::router())
        .nest(Service::ContainerInfra.prefix(), crate::container_infra::api::router())
        .nest(Service::Control.prefix(), crate::control::api::router())
}

/// Every (method, path template) the application routes, in registration order.
pub fn route_table() -> Vec<Route> {
    routes().table().to_vec()
}

/// The whole application: every service, the control API and the shared pipeline.
pub fn router(state: AppState) -> Router {
    routes()
        .into_router()
        .fallback(unknown_prefix)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(extract::MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(state.clone(), pipeline::pipeline))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// A finishing touch every service router gets: its own 404 and 405.
pub fn with_fallbacks(r: Routes) -> Routes {
    r.map_router(|r| r.fallback(not_found).method_not_allowed_fallback(method_not_allowed))
}

pub async fn not_found(Extension(service): Extension<Service>, caller: Result<Caller, ApiError>) -> Response {
    // Unknown paths behind auth still need a token first, as keystonemiddleware runs before routing.
    if service != Service::Control && service != Service::Identity {
        if let Err(e) = caller {
            return e.into_response();
        }
    }
    ApiError::not_found(service, "The resource could not be found.").into_response()
}

async fn method_not_allowed(service: Option<Extension<Service>>) -> Response {
    let service = service.map(|s| s.0).unwrap_or(Service::Control);
    ApiError::new(service, StatusCode::METHOD_NOT_ALLOWED, "The method is not allowed for the requested URL.").into_response()
}

async fn unknown_prefix() -> Response {
    ApiError::not_found(Service::Control, "No service is mounted at this path. Services live under /identity, /compute, /placement, /load-balancer, /container-infra, /network, /image, /volume; the control API under /_fakecloud.").into_response()
}
