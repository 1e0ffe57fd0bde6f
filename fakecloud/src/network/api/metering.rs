//! Metering labels and rules (admin only).

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::{BaseUrl, Params};
use crate::network::metering::{label_not_found, rule_not_found};
use crate::network::request;
use crate::network::views;
use axum::extract::State;

pub(super) async fn list_metering_labels(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    allow(&caller, "get_metering_label", "")?;
    let w = s.world();
    let items = w.network.metering_labels.values().map(views::metering_label).collect();
    list_reply(&request::METERING_LABEL, items, &params, &base, "metering/metering-labels")
}

pub(super) async fn show_metering_label(State(s): State<AppState>, caller: Caller, params: Params, NPath(id): NPath<String>) -> Reply {
    allow(&caller, "get_metering_label", "")?;
    let w = s.world();
    let l = w.network.metering_labels.get(&id).ok_or_else(|| label_not_found(&id))?;
    one("metering_label", views::metering_label(l), &params)
}

pub(super) async fn create_metering_label(State(s): State<AppState>, caller: Caller, NBody(body): NBody) -> Reply {
    let val = request::validate(&request::METERING_LABEL, &body, true)?;
    let project = project_of(&caller, &val)?;
    allow(&caller, "create_metering_label", &project)?;
    let spec = val.into_spec()?;
    let mut w = s.world();
    let id = transact(&mut w, |n, ids, _| Ok(n.create_metering_label(ids, &project, spec)))?;
    created("metering_label", views::metering_label(&w.network.metering_labels[&id]))
}

pub(super) async fn delete_metering_label(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    allow(&caller, "delete_metering_label", "")?;
    let mut w = s.world();
    transact(&mut w, |n, _, _| n.delete_metering_label(&id))?;
    no_content()
}

pub(super) async fn list_metering_rules(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    allow(&caller, "get_metering_label_rule", "")?;
    let w = s.world();
    let items = w.network.metering_rules.values().map(views::metering_rule).collect();
    list_reply(&request::METERING_RULE, items, &params, &base, "metering/metering-label-rules")
}

pub(super) async fn show_metering_rule(State(s): State<AppState>, caller: Caller, params: Params, NPath(id): NPath<String>) -> Reply {
    allow(&caller, "get_metering_label_rule", "")?;
    let w = s.world();
    let r = w.network.metering_rules.get(&id).ok_or_else(|| rule_not_found(&id))?;
    one("metering_label_rule", views::metering_rule(r), &params)
}

pub(super) async fn create_metering_rule(State(s): State<AppState>, caller: Caller, NBody(body): NBody) -> Reply {
    let val = request::validate(&request::METERING_RULE, &body, true)?;
    let project = project_of(&caller, &val)?;
    allow(&caller, "create_metering_label_rule", &project)?;
    let spec = val.into_spec()?;
    let mut w = s.world();
    let id = transact(&mut w, |n, ids, _| n.create_metering_rule(ids, spec))?;
    created("metering_label_rule", views::metering_rule(&w.network.metering_rules[&id]))
}

pub(super) async fn delete_metering_rule(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    allow(&caller, "delete_metering_label_rule", "")?;
    let mut w = s.world();
    transact(&mut w, |n, _, _| n.delete_metering_rule(&id))?;
    no_content()
}
