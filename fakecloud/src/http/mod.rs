//! The HTTP plumbing: the router a list of services is mounted on, the shared request pipeline,
//! extractors and error formats. It names no service: `services.rs` says which are mounted.

pub mod error;
pub mod extract;
pub mod json_schema;
pub mod kept;
pub mod microversion;
pub mod pipeline;
pub mod request_id;
pub mod routes;
pub mod service;
pub mod strict_json;

use crate::auth::Caller;
use crate::cloud::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Router};
use error::ApiError;
use routes::Mount;
use routes::Routes;
use service::{Registry, Service, UNMOUNTED};
use std::sync::Arc;

/// The application as a server runs it: trailing slashes trimmed before routing, since Keystone (and
/// most services) answer `/identity/` as `/identity`, and gophercloud always asks with the slash;
/// under a service whose router tells `/x/` from `/x` (`trailing_slash_matters`) they are kept,
/// but for the service's root.
pub fn service(state: AppState, mounts: &[Mount]) -> Router {
    let kept: Arc<Vec<&'static str>> =
        Arc::new(mounts.iter().map(|m| m.service).filter(|s| s.0.trailing_slash_matters).map(|s| s.prefix()).collect());
    let app = router(state, mounts);
    Router::new().fallback_service(app).layer(axum::middleware::map_request(move |req: axum::extract::Request| {
        let kept = kept.clone();
        async move { trim_trailing_slash(req, &kept) }
    }))
}

fn trim_trailing_slash(mut req: axum::extract::Request, kept: &[&str]) -> axum::extract::Request {
    let path = req.uri().path();
    let trimmed = path.trim_end_matches('/');
    let keep = kept.iter().any(|p| path.starts_with(&format!("{p}/")) && trimmed != *p);
    if trimmed.len() == path.len() || keep {
        return req;
    }
    let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
    let pq = match req.uri().query() {
        Some(q) => format!("{trimmed}?{q}"),
        None => trimmed.to_string(),
    };
    let mut parts = req.uri().clone().into_parts();
    if let Ok(pq) = pq.parse() {
        parts.path_and_query = Some(pq);
        if let Ok(uri) = axum::http::Uri::from_parts(parts) {
            *req.uri_mut() = uri;
        }
    }
    req
}

/// Every service under its prefix, with the route table beside the router.
pub fn routes(mounts: &[Mount]) -> Routes {
    mounts.iter().fold(Routes::new(), |r, m| r.nest(m.service.prefix(), with_fallbacks((m.routes)())))
}

/// The whole application: the services, with the shared pipeline around them.
pub fn router(state: AppState, mounts: &[Mount]) -> Router {
    let registry = Registry(Arc::new(mounts.iter().map(|m| m.service).collect()));
    routes(mounts)
        .into_router()
        .fallback(unknown_prefix)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(extract::MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(state.clone(), pipeline::pipeline))
        .layer(Extension(registry))
        // The cloud, for a service's own middleware (the control API's access check).
        .layer(Extension(state.clone()))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// What every service router gets: its own 404 and 405.
fn with_fallbacks(r: Routes) -> Routes {
    r.map_router(|r| r.fallback(not_found).method_not_allowed_fallback(method_not_allowed))
}

pub async fn not_found(Extension(service): Extension<Service>, caller: Result<Caller, ApiError>) -> Response {
    // Unknown paths behind auth still need a token first, as keystonemiddleware runs before routing.
    if service.behind_auth() {
        if let Err(e) = caller {
            return e.into_response();
        }
    }
    ApiError::not_found(service, "The resource could not be found.").into_response()
}

async fn method_not_allowed(service: Option<Extension<Service>>) -> Response {
    let service = service.map(|s| s.0).unwrap_or(UNMOUNTED);
    ApiError::new(service, StatusCode::METHOD_NOT_ALLOWED, "The method is not allowed for the requested URL.").into_response()
}

async fn unknown_prefix(Extension(registry): Extension<Registry>) -> Response {
    let (apis, own): (Vec<Service>, Vec<Service>) = registry.0.iter().partition(|s| s.is_openstack());
    let list = |s: &[Service]| s.iter().map(|s| s.prefix()).collect::<Vec<_>>().join(", ");
    let message = format!("No service is mounted at this path. Services live under {}; the control API under {}.", list(&apis), list(&own));
    ApiError::not_found(UNMOUNTED, message).into_response()
}
