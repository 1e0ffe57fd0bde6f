//! What happens around every request: catch the world up with simulated time, enforce the body
//! limit, fire matching faults, then journal the call (OpenStack services only).

use super::error::ApiError;
use super::extract::{BaseUrl, MAX_BODY_BYTES};
use super::service::Service;
use crate::auth::{Caller, CallerSlot, AUTH_TOKEN_HEADER};
use crate::cloud::AppState;
use crate::faults::{FaultAction, RequestFacts};
use crate::sim::journal::Record;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn pipeline(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let Some(service) = Service::from_path(req.uri().path()) else {
        return next.run(req).await;
    };
    req.extensions_mut().insert(service);
    let slot = CallerSlot::default();
    req.extensions_mut().insert(slot.clone());
    // Anything but a read may change the world: what was rendered before it must go (`settle`,
    // after the handler, under the same lock that journals the call).
    let writes = !matches!(*req.method(), axum::http::Method::GET | axum::http::Method::HEAD);
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let (mut parts, body) = req.into_parts();
    let base = BaseUrl::from_parts(&parts, &state);
    let token = parts.headers.get(AUTH_TOKEN_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
    parts.extensions.insert(base.clone());
    let req = Request::from_parts(parts, body);

    let too_large = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        .is_some_and(|n| n > MAX_BODY_BYTES as u64);

    let early: Option<Response> = {
        let mut world = state.world();
        world.tick();
        if too_large {
            Some(ApiError::new(service, StatusCode::PAYLOAD_TOO_LARGE, "Request is too large.").into_response())
        } else if service == Service::Control || world.faults.list().is_empty() {
            None
        } else {
            let project = token.as_deref().and_then(|t| Caller::from_token(&world, t)).and_then(|c| c.project_id);
            let facts = RequestFacts { service: service.name(), method: &method, path: &path, project_id: project.as_deref() };
            world.fire_api_fault(&facts).and_then(|f| match f.action {
                FaultAction::ApiError { status, message } => {
                    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                    let message = message.unwrap_or_else(|| format!("Injected fault {}", f.id));
                    Some(ApiError::new(service, status, message).into_response())
                }
                // A slow answer: the request takes this long in simulated time, so whatever is
                // due meanwhile happens before the handler sees the world.
                FaultAction::ApiLatency { seconds } => {
                    world.advance_clock(chrono::Duration::milliseconds((seconds * 1000.0) as i64));
                    None
                }
                _ => None,
            })
        }
    };
    let mut resp = match early {
        Some(r) => r,
        None => next.run(req).await,
    };

    if resp.status() == StatusCode::UNAUTHORIZED {
        if let Ok(v) = HeaderValue::from_str(&format!("Keystone uri=\"{}/identity\"", base.0)) {
            resp.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
    }
    if writes || service != Service::Control {
        let mut world = state.world();
        if writes {
            world.settle();
        }
        if service == Service::Control {
            return resp;
        }
        let caller = slot.take();
        world.record(Record::Api {
            service: service.name().into(),
            method,
            path,
            query,
            status: resp.status().as_u16(),
            user_id: caller.as_ref().map(|c| c.0.clone()),
            project_id: caller.and_then(|c| c.1),
        });
    }
    resp
}
