//! What happens around every request: catch the world up with simulated time, enforce the body
//! limit, fire matching faults, then journal the call and stamp the answer with its request id and
//! the cloud's date (OpenStack services only). Requests that may
//! change the world run one at a time, and their journal entries carry what a replay needs.

use super::error::ApiError;
use super::extract::{BaseUrl, MAX_BODY_BYTES};
use super::kept::{KeptReply, SameUntil, MAX_BODY};
use super::request_id;
use super::service::{Registry, Service};
use crate::auth::{Caller, CallerSlot, AUTH_TOKEN_HEADER};
use crate::cloud::AppState;
use crate::faults::{ApiFault, FaultAction, RequestFacts};
use crate::sim::journal::{ApiRequest, Record, TokenRef};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The request headers a handler's outcome depends on, apart from the tokens and `Host` (which only
/// shapes the links in a reply): recorded with every write, so a replay sends them again.
const REPLAYED_HEADERS: [&str; 4] = ["content-type", "accept", "openstack-api-version", "x-openstack-nova-api-version"];

/// Keystone's header naming the token a validate or revoke call is about.
const SUBJECT_TOKEN_HEADER: &str = "x-subject-token";

/// One request's facts, taken before the handler runs, that the journal entry needs after it.
struct Call {
    service: Service,
    method: String,
    path: String,
    query: String,
    /// Anything but a read may change the world.
    writes: bool,
    token: Option<String>,
    subject_token: Option<String>,
}

pub async fn pipeline(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let registry = req.extensions().get::<Registry>().cloned();
    let Some(service) = registry.and_then(|r| r.from_path(req.uri().path())) else {
        return next.run(req).await;
    };
    if !service.is_openstack() {
        return steps(state, service, req, next).await;
    }
    // Every answer of an OpenStack service names its request, errors and fallbacks included.
    let (mut resp, id) = request_id::scope_lazy(steps(state, service, req, next)).await;
    request_id::stamp(&mut resp, service, &id);
    resp
}

async fn steps(state: AppState, service: Service, mut req: Request, next: Next) -> Response {
    req.extensions_mut().insert(service);
    let slot = CallerSlot::default();
    req.extensions_mut().insert(slot.clone());
    let (mut parts, body) = req.into_parts();
    let header_text = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let call = Call {
        service,
        writes: !matches!(parts.method, axum::http::Method::GET | axum::http::Method::HEAD),
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or("").to_string(),
        token: header_text(AUTH_TOKEN_HEADER),
        subject_token: header_text(SUBJECT_TOKEN_HEADER),
    };
    let base = BaseUrl::from_parts(&parts, &state);
    parts.extensions.insert(base.clone());
    let (body, body_bytes, refused) = read_body(&call, &parts, body).await;

    // A `GET` of an OpenStack service may be answered from the answers kept for the world's
    // revision (`http::kept`), or its answer kept. Keystone's token validation is about a second
    // token, whose validity moves with time: never kept.
    let keepable = refused.is_none() && parts.method == axum::http::Method::GET && service.is_openstack() && call.subject_token.is_none();
    let mut kept_from: Option<KeptFrom> = None;
    // A request that may change the world holds the mutation gate from its catch-up to its journal
    // entry: such requests take effect one at a time, in the order the journal lists them, so the
    // journal replays to the same world. A read may change it too when it has events to catch up
    // with or faults to meet, so it takes the gate then. Any other read changes nothing and skips
    // the gate (and the catch-up and faults, having none).
    let gated = call.writes || {
        let mut world = state.world_as_pipeline();
        let now = world.sim.present();
        let gated = world.sim.scheduler.pending().first().is_some_and(|e| e.due <= now)
            || (service.is_openstack() && !world.sim.faults.list().is_empty());
        if !gated && keepable {
            let line = path_and_query(&parts.uri);
            let token_valid = |t: &str| world.identity.valid_token(t, now).is_some();
            let hit = world.kept.get(line, &parts.headers, now).filter(|_| call.token.as_deref().is_none_or(token_valid)).cloned();
            if let Some(reply) = hit {
                return answer_kept(&mut world, call, reply);
            }
            kept_from = Some(KeptFrom {
                revision: world.kept.revision(),
                time_reads: world.sim.time_reads(),
                ids: world.sim.ids.position(),
                line: line.to_string(),
                headers: parts.headers.clone(),
            });
        }
        gated
    };
    let gate = MutationGate::default();
    if gated {
        gate.hold(state.mutations.clone().lock_owned().await);
    }
    parts.extensions.insert(gate.clone());
    // A gated OpenStack request is journaled with what a replay needs to send it again.
    let recorded = gated && service.is_openstack();
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
        let mut world = state.world_as_pipeline();
        world.tick();
        if let Some(r) = refused {
            // Refused before any handler or fault: nothing but the catch-up happened, and the next
            // replayed request catches up the same way, so a replay needs nothing of this one.
            Some(r)
        } else {
            if recorded {
                tokens = Some((token_ref(&world, call.token.as_deref()), token_ref(&world, call.subject_token.as_deref())));
            }
            fire_faults(&mut world, &call)
        }
    };
    let mut resp = match early {
        Some(r) => r,
        None => in_service_format(service, next.run(req).await).await,
    };
    // An answer that may be kept is taken whole now (it is one buffer already), before the world
    // is locked again to journal it.
    let mut kept_body = None;
    if kept_from.is_some() && resp.status() == StatusCode::OK && !request_id::fixed() {
        if let Some(n) = axum::body::HttpBody::size_hint(resp.body()).exact().filter(|n| *n as usize <= MAX_BODY) {
            let (resp_parts, resp_body) = resp.into_parts();
            match axum::body::to_bytes(resp_body, n as usize).await {
                Ok(bytes) => {
                    kept_body = Some((resp_parts.headers.clone(), bytes.clone()));
                    resp = Response::from_parts(resp_parts, Body::from(bytes));
                }
                Err(e) => resp = ApiError::new(service, StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
            }
        }
    }

    if resp.status() == StatusCode::UNAUTHORIZED && service.is_openstack() {
        if let Ok(v) = HeaderValue::from_str(&format!("Keystone uri=\"{}/identity\"", base.0)) {
            resp.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
    }
    if call.writes || service.is_openstack() {
        let mut world = state.world_as_pipeline();
        if call.writes {
            world.settle();
        }
        if service.is_openstack() {
            let caller = slot.take();
            if let Some(from) = kept_from {
                let ids_moved = world.sim.ids.position() != from.ids;
                // A handler that read the clock may vouch for how long its answer holds.
                let vouched = resp.extensions().get::<SameUntil>().copied();
                let timeless = world.sim.time_reads() == from.time_reads || vouched.is_some();
                let unchanged = world.kept.revision() == from.revision && timeless && !ids_moved;
                if let Some((headers, body)) = kept_body.filter(|_| unchanged) {
                    let until = vouched.and_then(|v| v.0);
                    let reply = KeptReply { status: resp.status(), headers, body, caller: caller.clone(), until };
                    world.kept.put(from.revision, &from.line, from.headers, reply);
                }
                // A read that drew an id made something (Neutron's default security group on a
                // project's first listing): what was rendered before it is stale.
                if ids_moved {
                    world.touch();
                }
            }
            let request = tokens.map(|(token, subject)| ApiRequest::new(token, subject, replayed_headers, &body_bytes));
            journal(&mut world, call, resp.status(), caller, request);
            stamp_date(&world, &mut resp);
        }
    }
    resp
}

/// The cloud's date is simulated time, the clock every timestamp in its bodies comes from (hyper
/// adds the wall clock's only where no Date is set).
fn stamp_date(world: &crate::world::World, resp: &mut Response) {
    if let Ok(v) = HeaderValue::from_str(&http_date(world.sim.present())) {
        resp.headers_mut().insert(header::DATE, v);
    }
}

/// Where a read's answer may be kept from: the world as the read found it, and the request.
struct KeptFrom {
    revision: u64,
    time_reads: u64,
    ids: u128,
    line: String,
    headers: axum::http::HeaderMap,
}

/// The request line as the kept answers are found by.
fn path_and_query(uri: &axum::http::Uri) -> &str {
    uri.path_and_query().map_or(uri.path(), |pq| pq.as_str())
}

/// A read answered from what was kept, journaled as any read is.
fn answer_kept(world: &mut crate::world::World, call: Call, kept: KeptReply) -> Response {
    journal(world, call, kept.status, kept.caller, None);
    let mut resp = Response::new(Body::from(kept.body));
    *resp.status_mut() = kept.status;
    *resp.headers_mut() = kept.headers;
    stamp_date(world, &mut resp);
    resp
}

/// The mutation gate as a request holds it. A handler that runs long (a clock advance over a year)
/// hands it back and takes it again between steps, so other writes are served in between; each step
/// is then journaled on its own, so the journal keeps the order things took effect in.
#[derive(Clone, Default)]
pub struct MutationGate(std::sync::Arc<parking_lot::Mutex<Option<tokio::sync::OwnedMutexGuard<()>>>>);

impl MutationGate {
    fn hold(&self, guard: tokio::sync::OwnedMutexGuard<()>) {
        *self.0.lock() = Some(guard);
    }

    /// Lets other writes in: the request no longer holds the gate.
    pub fn release(&self) {
        self.0.lock().take();
    }
}

/// An HTTP date (RFC 9110's IMF-fixdate): `Fri, 04 Dec 2026 19:08:04 GMT`.
pub fn http_date(at: crate::sim::SimTime) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// An OpenStack request's body is read here, with the handlers' limit, so that the journal can keep
/// it; before the gate, so that a slow sender holds nobody up. Returns the body to pass on, its
/// bytes for the journal, and the refusal when it is too large or unreadable.
async fn read_body(call: &Call, parts: &axum::http::request::Parts, body: Body) -> (Body, Bytes, Option<Response>) {
    let service = call.service;
    // A path that takes more than any API body (a snapshot to restore) sets its own limit.
    let own_limit = service.0.own_body_limit.contains(&call.path.as_str());
    let too_large = !own_limit
        && parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
            .is_some_and(|n| n > MAX_BODY_BYTES as u64);
    let too_large_reply = || ApiError::new(service, StatusCode::PAYLOAD_TOO_LARGE, "Request is too large.").into_response();
    if too_large {
        return (Body::empty(), Bytes::new(), Some(too_large_reply()));
    }
    if !service.is_openstack() {
        return (body, Bytes::new(), None);
    }
    match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => (Body::from(bytes.clone()), bytes, None),
        Err(e) if e.to_string().contains("length limit") => (Body::empty(), Bytes::new(), Some(too_large_reply())),
        Err(e) => {
            let refused = ApiError::bad_request(service, format!("Could not read the request body: {e}")).into_response();
            (Body::empty(), Bytes::new(), Some(refused))
        }
    }
}

/// axum's own refusal of a path it cannot extract (`/servers/%FF`: not UTF-8 once decoded) is
/// plain text; a service answers in its own format, with the same status.
async fn in_service_format(service: Service, resp: Response) -> Response {
    let plain = resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("text/plain"));
    if !resp.status().is_client_error() || !plain {
        return resp;
    }
    let status = resp.status();
    let text = axum::body::to_bytes(resp.into_body(), 64 << 10).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    if !text.starts_with("Invalid URL") {
        return (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text.into_owned()).into_response();
    }
    ApiError::new(service, status, text.into_owned()).into_response()
}

/// The installed API faults meet the request: an error answers it in its service's format; latency
/// moves simulated time on first, so whatever is due meanwhile happens before the handler.
fn fire_faults(world: &mut crate::world::World, call: &Call) -> Option<Response> {
    if !call.service.is_openstack() || world.sim.faults.list().is_empty() {
        return None;
    }
    let project = call.token.as_deref().and_then(|t| Caller::from_token(world, t)).and_then(|c| c.project_id);
    let facts = RequestFacts { service: call.service.name(), method: &call.method, path: &call.path, project_id: project.as_deref() };
    let fault = world.fire_api_fault(&facts)?;
    match fault.action {
        FaultAction::Api(ApiFault::ApiError { status, message }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let message = message.unwrap_or_else(|| format!("Injected fault {}", fault.id));
            Some(ApiError::new(call.service, status, message).into_response())
        }
        FaultAction::Api(ApiFault::ApiLatency { seconds }) => {
            world.advance_clock(chrono::Duration::milliseconds((seconds * 1000.0) as i64));
            None
        }
        _ => None,
    }
}

/// The journal entry of an OpenStack call, with who made it and what a replay needs.
fn journal(
    world: &mut crate::world::World,
    call: Call,
    status: StatusCode,
    caller: Option<(String, Option<String>)>,
    request: Option<ApiRequest>,
) {
    world.record(Record::Api {
        service: call.service.name().into(),
        method: call.method,
        path: call.path,
        query: call.query,
        status: status.as_u16(),
        user_id: caller.as_ref().map(|c| c.0.clone()),
        project_id: caller.and_then(|c| c.1),
        request,
    });
}

/// How the journal names a token a request carried: by audit id, never by its bearer id.
fn token_ref(world: &crate::world::World, id: Option<&str>) -> Option<TokenRef> {
    let id = id?;
    Some(match world.identity.open_token(id).and_then(|(t, _)| t.audit_ids.into_iter().next()) {
        Some(audit) => TokenRef::Audit(audit),
        None => TokenRef::Unknown,
    })
}
