//! `GET /v3/OS-REVOKE/events` (keystone/api/os_revoke.py): the revocation events, or those revoked
//! after `since`.

use super::common::{refused, ApiResult, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::{BaseUrl, Params};
use crate::http::routes::{get, Routes};
use crate::identity::error::Refusal;
use crate::identity::request::parse_expiration;
use crate::identity::views;
use crate::policy::{enforce, Target};
use axum::extract::State;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};

pub(super) fn routes() -> Routes {
    Routes::new().route("/v3/OS-REVOKE/events", get(list_events))
}

async fn list_events(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    enforce(SVC, &caller, "identity:list_revoke_events", Target::default())?;
    let since = match params.get("since").filter(|v| !v.is_empty()) {
        Some(text) => Some(parse_expiration(text).map_err(|_| refused(Refusal::BadRequest(format!("invalidate date format {text}"))))?),
        None => None,
    };
    let world = s.world();
    let events: Vec<Value> = world.identity.revoke_events_since(since).into_iter().map(views::revoke_event).collect();
    let this = format!("{}/identity/v3/OS-REVOKE/events", base.trim_end_matches('/'));
    Ok(Json(json!({"events": events, "links": {"next": null, "self": this, "previous": null}})).into_response())
}
