//! Tags on the resources that carry them (`/{collection}/{id}/tags[/{tag}]`).

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::routes::{get, Endpoint};
use crate::network::error::NeutronError;
use crate::network::request::{self};
use crate::network::tags::Tagged;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;
use std::collections::BTreeSet;

pub(super) fn tags_route(kind: Tagged) -> Endpoint {
    get(move |State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>| async move {
        let w = s.world();
        kind.owner(&w.network, &viewer(&caller), &id)?;
        Ok::<_, NeutronError>(json_reply(StatusCode::OK, json!({"tags": kind.tags(&w.network, &id)})))
    })
    .put(move |State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>, NBody(body): NBody| async move {
        let tags = request::tags_body(&body)?;
        let mut w = s.world();
        let owner = kind.owner(&w.network, &viewer(&caller), &id)?;
        allow(&caller, &format!("update_{}", kind.singular()), &owner)?;
        let now = w.now();
        kind.set_tags(&mut w.network, &id, tags.clone(), now);
        Ok::<_, NeutronError>(json_reply(StatusCode::OK, json!({"tags": tags})))
    })
    .delete(move |State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>| async move {
        let mut w = s.world();
        let owner = kind.owner(&w.network, &viewer(&caller), &id)?;
        allow(&caller, &format!("update_{}", kind.singular()), &owner)?;
        let now = w.now();
        kind.set_tags(&mut w.network, &id, BTreeSet::new(), now);
        no_content()
    })
}

pub(super) fn tag_route(kind: Tagged) -> Endpoint {
    let missing = move |tag: &str, id: &str| {
        NeutronError::not_found("TagNotFound", format!("Tag {tag} could not be found for {} {id}.", kind.singular()))
    };
    get(move |State(s): State<AppState>, caller: Caller, NPath((id, tag)): NPath<(String, String)>| async move {
        let w = s.world();
        kind.owner(&w.network, &viewer(&caller), &id)?;
        if kind.tags(&w.network, &id).contains(&tag) {
            no_content()
        } else {
            Err(missing(&tag, &id))
        }
    })
    .put(move |State(s): State<AppState>, caller: Caller, NPath((id, tag)): NPath<(String, String)>| async move {
        request::check_tag(&tag)?;
        let mut w = s.world();
        let owner = kind.owner(&w.network, &viewer(&caller), &id)?;
        allow(&caller, &format!("update_{}", kind.singular()), &owner)?;
        let mut tags = kind.tags(&w.network, &id);
        tags.insert(tag);
        let now = w.now();
        kind.set_tags(&mut w.network, &id, tags, now);
        Ok::<_, NeutronError>(StatusCode::CREATED.into_response())
    })
    .delete(move |State(s): State<AppState>, caller: Caller, NPath((id, tag)): NPath<(String, String)>| async move {
        let mut w = s.world();
        let owner = kind.owner(&w.network, &viewer(&caller), &id)?;
        allow(&caller, &format!("update_{}", kind.singular()), &owner)?;
        let mut tags = kind.tags(&w.network, &id);
        if !tags.remove(&tag) {
            return Err(missing(&tag, &id));
        }
        let now = w.now();
        kind.set_tags(&mut w.network, &id, tags, now);
        no_content()
    })
}
