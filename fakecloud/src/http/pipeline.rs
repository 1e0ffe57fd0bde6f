//! What happens around every request: catch the world up with simulated time, enforce the body
//! limit, fire matching faults, then journal the call (OpenStack services only). Requests that may
//! change the world run one at a time, and their journal entries carry what a replay needs.

use super::error::ApiError;
use super::extract::{BaseUrl, MAX_BODY_BYTES};
use super::service::Service;
use crate::auth::{Caller, CallerSlot, AUTH_TOKEN_HEADER};
use crate::cloud::AppState;
use crate::faults::{FaultAction, RequestFacts};
use crate::sim::journal::{ApiRequest, Record, TokenRef, REPLAYED_HEADERS};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Keystone's header naming the token a validate or revoke call is about.
const SUBJECT_TOKEN_HEADER: &str = "x-subject-token";

/// The control call that takes a whole snapshot (`control::api::MAX_SNAPSHOT_BYTES`).
const RESTORE_PATH: &str = "/_fakecloud/restore";

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
    let header_text = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let token = header_text(AUTH_TOKEN_HEADER);
    let subject_token = header_text(SUBJECT_TOKEN_HEADER);
    parts.extensions.insert(base.clone());

    // A snapshot to restore is larger than any API body: that handler sets its own limit.
    let too_large = !(service == Service::Control && path == RESTORE_PATH)
        && parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
            .is_some_and(|n| n > MAX_BODY_BYTES as u64);
    // An OpenStack request's body is read here, with the handlers' limit, so that the journal can
    // keep it; before the gate below, so that a slow sender holds nobody up.
    let mut body_bytes = Bytes::new();
    let mut refused: Option<Response> = None;
    let body = if service != Service::Control && !too_large {
        match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
            Ok(bytes) => {
                body_bytes = bytes.clone();
                Body::from(bytes)
            }
            Err(e) if e.to_string().contains("length limit") => {
                refused = Some(ApiError::new(service, StatusCode::PAYLOAD_TOO_LARGE, "Request is too large.").into_response());
                Body::empty()
            }
            Err(e) => {
                refused = Some(ApiError::bad_request(service, format!("Could not read the request body: {e}")).into_response());
                Body::empty()
            }
        }
    } else {
        body
    };
    let refused = refused
        .or_else(|| too_large.then(|| ApiError::new(service, StatusCode::PAYLOAD_TOO_LARGE, "Request is too large.").into_response()));

    // A request that may change the world holds the mutation gate from its catch-up to its journal
    // entry: such requests take effect one at a time, in the order the journal lists them, so the
    // journal replays to the same world. A read may change it too when it has events to catch up
    // with or faults to meet, so it takes the gate then. Any other read changes nothing and skips
    // the gate (and the catch-up and faults, having none).
    let gated = writes || {
        let world = state.world();
        let now = world.now();
        world.sim.scheduler.pending().first().is_some_and(|e| e.due <= now)
            || (service != Service::Control && !world.sim.faults.list().is_empty())
    };
    let _gate = if gated { Some(state.mutations.lock().await) } else { None };
    // A gated OpenStack request is journaled with what a replay needs to send it again.
    let recorded = gated && service != Service::Control;
    let replayed_headers: Vec<(String, String)> = if recorded {
        REPLAYED_HEADERS
            .iter()
            .flat_map(|name| parts.headers.get_all(*name).iter().filter_map(|v| v.to_str().ok()).map(|v| (name.to_string(), v.to_string())))
            .collect()
    } else {
        Vec::new()
    };
    let req = Request::from_parts(parts, body);

    let mut tokens: Option<(Option<TokenRef>, Option<TokenRef>)> = None;
    let early: Option<Response> = if !gated {
        refused
    } else {
        let mut world = state.world();
        world.tick();
        if let Some(r) = refused {
            // Refused before any handler or fault: nothing but the catch-up happened, and the next
            // replayed request catches up the same way, so a replay needs nothing of this one.
            Some(r)
        } else {
            if recorded {
                tokens = Some((token_ref(&world, token.as_deref()), token_ref(&world, subject_token.as_deref())));
            }
            if service == Service::Control || world.sim.faults.list().is_empty() {
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
        let request = tokens.map(|(token, subject)| ApiRequest::new(token, subject, replayed_headers, &body_bytes));
        world.record(Record::Api {
            service: service.name().into(),
            method,
            path,
            query,
            status: resp.status().as_u16(),
            user_id: caller.as_ref().map(|c| c.0.clone()),
            project_id: caller.and_then(|c| c.1),
            request,
        });
    }
    resp
}

/// How the journal names a token a request carried: by audit id, never by its bearer id.
fn token_ref(world: &crate::world::World, id: Option<&str>) -> Option<TokenRef> {
    let id = id?;
    Some(match world.identity.tokens.get(id).and_then(|t| t.audit_ids.first()) {
        Some(audit) => TokenRef::Audit(audit.clone()),
        None => TokenRef::Unknown,
    })
}
