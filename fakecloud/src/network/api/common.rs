//! What every Neutron handler shares: the body and path extractors that refuse in Neutron's error
//! format, policy checks with Neutron's refusal wording, replies, and the write transaction.

use crate::auth::Caller;
use crate::http::extract::Params;
use crate::http::service::Service;
use crate::network::error::{NResult, NeutronError};
use crate::network::model::{Network, PendingActivation, Viewer};
use crate::network::query;
use crate::network::request::{Resource, Validated};
use crate::network::Event;
use crate::policy::{enforce, Target};
use crate::sim::{Ids, SimTime};
use crate::world::World;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

pub(super) const SVC: Service = crate::network::SERVICE;

pub(super) type Reply = Result<Response, NeutronError>;

/// A JSON object body; anything else is Neutron's 400 "Body contains invalid data" (413 over the
/// size limit).
pub struct NBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for NBody {
    type Rejection = NeutronError;

    async fn from_request(req: Request, state: &S) -> Result<Self, NeutronError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                NeutronError::new(413, "HTTPRequestEntityTooLarge", "Request is too large.")
            } else {
                NeutronError::bad_request(format!("Could not read the request body: {e}"))
            }
        })?;
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(NeutronError::bad_request("Resource body required"));
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(v) if v.is_object() => Ok(NBody(v)),
            _ => Err(NeutronError::bad_request("Body contains invalid data")),
        }
    }
}

/// Path parameters; a path that does not decode is Neutron's 404.
pub struct NPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for NPath<T> {
    type Rejection = NeutronError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, NeutronError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(t)| NPath(t))
            .map_err(|_| NeutronError::not_found("HTTPNotFound", "The resource could not be found."))
    }
}

pub(super) fn viewer(c: &Caller) -> Viewer {
    Viewer { project_id: c.project_id.clone(), admin: c.is_admin() }
}

pub(super) fn target(project: &str) -> Target<'_> {
    Target { project_id: Some(project), user_id: None }
}

/// Policy for an action on a resource of `project`.
pub(super) fn allow(c: &Caller, action: &str, project: &str) -> NResult<()> {
    enforce(SVC, c, action, target(project)).map_err(|_| NeutronError::policy(format!("rule:{action}")))
}

/// An attribute rule (`create_network:shared`); the refusal names both rules, as Neutron's
/// combined check does.
pub(super) fn allow_attr(c: &Caller, action: &str, attr: &str, project: &str) -> NResult<()> {
    let rule = format!("{action}:{attr}");
    enforce(SVC, c, &rule, target(project)).map_err(|_| NeutronError::policy(format!("(rule:{action} and rule:{rule})")))
}

/// The project a create is for: the body's tenant_id/project_id, else the token's.
pub(super) fn project_of(c: &Caller, v: &Validated) -> NResult<String> {
    v.project_id
        .clone()
        .or_else(|| c.project_id.clone())
        .ok_or_else(|| NeutronError::bad_request("Failed to parse request. Required attribute 'project_id' not specified"))
}

pub(super) fn json_reply(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

pub(super) fn no_content() -> Reply {
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(super) fn one(key: &str, item: Value, params: &Params) -> Reply {
    Ok(json_reply(StatusCode::OK, json!({ key: query::select_fields(item, params) })))
}

pub(super) fn created(key: &str, item: Value) -> Reply {
    Ok(json_reply(StatusCode::CREATED, json!({ key: item })))
}

pub(super) fn collection_url(base: &str, path: &str) -> String {
    format!("{}/network/v2.0/{path}", base.trim_end_matches('/'))
}

pub(super) fn list_reply(res: &Resource, items: Vec<Value>, params: &Params, base: &str, path: &str) -> Reply {
    Ok(json_reply(StatusCode::OK, query::list(res, items, params, &collection_url(base, path))?))
}

/// A list reply kept for the world's revision (`compute::view_cache::ReplyKey`): a client that
/// polls the same listing of an unchanged cloud gets the same bytes again without a render, and a
/// listing is rendered, filtered and serialised once per change of the cloud rather than once per
/// request. Only for lists whose items are a function of the world's state and the viewer alone
/// (not of time: the agents' liveness is not). The query is checked and applied after the world is
/// released.
pub(super) fn kept_list(
    w: crate::cloud::WorldGuard<'_>,
    caller: &Caller,
    (res, path): (&Resource, &'static str),
    params: &Params,
    base: &str,
    render: impl FnOnce(&World, &Viewer) -> Vec<Value>,
) -> Reply {
    let v = viewer(caller);
    let key = w.renders.reply_key(path, &params.0, v.admin, v.project_id.as_deref(), base);
    if let Some(body) = w.renders.reply(&key) {
        return Ok(bytes_reply(body));
    }
    let items = render(&w, &v);
    let store = w.renders.reply_store();
    drop(w);
    let value = query::list(res, items, params, &collection_url(base, path))?;
    let body = Bytes::from(serde_json::to_vec(&value).unwrap_or_default());
    store.put(key, body.clone());
    Ok(bytes_reply(body))
}

/// A 200 with a JSON body already serialised.
fn bytes_reply(body: Bytes) -> Response {
    (StatusCode::OK, [(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// A create that may be bulk: `{"<plural>": [items]}` creates every item or none (the first refusal
/// is the answer and the world stays as it was); `{"<singular>": item}` creates one.
pub(super) fn create_one_or_bulk(
    w: &mut World,
    c: &Caller,
    body: Value,
    res: &Resource,
    one: impl Fn(&mut World, &Caller, &Value) -> NResult<Value>,
) -> Reply {
    let Some(items) = body.get(res.plural).filter(|_| body.get(res.singular).is_none()) else {
        return created(res.singular, one(w, c, &body)?);
    };
    let items = items.as_array().ok_or_else(|| NeutronError::bad_request("Body contains invalid data"))?;
    if items.is_empty() {
        return Err(NeutronError::bad_request("Resources required"));
    }
    let (network, ids) = (w.network.clone(), w.sim.ids.clone());
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match one(w, c, &json!({ res.singular: item })) {
            Ok(v) => out.push(v),
            Err(e) => {
                w.network = network;
                w.sim.ids = ids;
                return Err(e);
            }
        }
    }
    Ok(json_reply(StatusCode::CREATED, json!({ res.plural: out })))
}

/// Runs a write on copies of the network state and the id generator; they replace the world's only
/// if the write succeeds.
pub(super) fn transact<T>(w: &mut World, f: impl FnOnce(&mut Network, &mut Ids, SimTime) -> NResult<T>) -> NResult<T> {
    let now = w.now();
    let mut net = w.network.clone();
    let mut ids = w.sim.ids.clone();
    let out = f(&mut net, &mut ids, now)?;
    w.network = net;
    w.sim.ids = ids;
    Ok(out)
}

/// Schedules the L3 agent's wiring of a newly associated floating IP (see
/// `PendingActivation::delay`), replacing any still pending for it.
pub(super) fn schedule_activation(w: &mut World, p: PendingActivation) {
    cancel_activation(w, &p.floating_ip_id);
    let due = w.now() + PendingActivation::delay(w.sim.ids.fraction());
    w.sim.scheduler.schedule(due, Event::FloatingIpActive { floating_ip_id: p.floating_ip_id, port_id: p.port_id });
}

pub(super) fn cancel_activation(w: &mut World, id: &str) {
    w.sim
        .scheduler
        .cancel(|e| matches!(e, crate::world::Event::Network(Event::FloatingIpActive { floating_ip_id, .. }) if floating_ip_id == id));
}
