//! The version document and the fallbacks (404 for an unknown path, 405 for a known one).

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::placement::fault::{Fault, Mv, Reply};
use crate::placement::views;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::Uri;
use axum::response::IntoResponse;
use axum::response::Response;

/// `GET /`: the version document, served without a token.
pub(super) async fn root(Mv(v): Mv, State(s): State<AppState>) -> Reply {
    let now = s.world().now();
    json_reply(StatusCode::OK, v, now, views::versions())
}

pub(super) async fn no_route(_caller: Caller, Mv(_): Mv) -> Fault {
    Fault::no_route()
}

/// A known path with a method it does not serve: 405 after the token check (none for the root).
pub(super) async fn method_not_allowed(uri: Uri, caller: Result<Caller, ApiError>, mv: Result<Mv, Fault>) -> Response {
    if uri.path() != "/" {
        if let Err(e) = caller {
            return e.into_response();
        }
    }
    match mv {
        Err(f) => f.into_response(),
        Ok(_) => Fault::method_not_allowed().into_response(),
    }
}
