//! Security groups and their rules.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::{BaseUrl, Params};
use crate::network::request::{self};
use crate::network::views;
use axum::extract::State;

pub(super) async fn list_security_groups(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    let v = viewer(&caller);
    let mut w = s.world();
    // Neutron makes the caller's project its default group the first time the project's groups
    // are listed.
    if let Some(project) = caller.project_id.clone() {
        if w.network.default_security_group(&project).is_none() {
            transact(&mut w, |n, ids, now| Ok(n.ensure_default_security_group(ids, now, &project)))?;
        }
    }
    let n = &w.network;
    let items = n.security_groups.values().filter(|g| v.owns(&g.project_id)).map(|g| views::security_group(n, g)).collect();
    list_reply(&request::SECURITY_GROUP, items, &params, &base, "security-groups")
}

pub(super) async fn show_security_group(State(s): State<AppState>, caller: Caller, params: Params, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let g = w.network.security_group_for(&v, &id)?;
    one("security_group", views::security_group(&w.network, g), &params)
}

pub(super) async fn create_security_group(State(s): State<AppState>, caller: Caller, NBody(body): NBody) -> Reply {
    let val = request::validate(&request::SECURITY_GROUP, &body, true)?;
    let project = project_of(&caller, &val)?;
    allow(&caller, "create_security_group", &project)?;
    let spec = val.into_spec()?;
    let mut w = s.world();
    w.network.check_quota(&project, "security_group")?;
    let id = transact(&mut w, |n, ids, now| n.create_security_group(ids, now, &project, spec))?;
    created("security_group", views::security_group(&w.network, &w.network.security_groups[&id]))
}

pub(super) async fn update_security_group(
    State(s): State<AppState>,
    caller: Caller,
    NPath(id): NPath<String>,
    NBody(body): NBody,
) -> Reply {
    let val = request::validate(&request::SECURITY_GROUP, &body, false)?;
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.security_group_for(&v, &id)?.project_id.clone();
    allow(&caller, "update_security_group", &owner)?;
    let spec = val.into_spec()?;
    transact(&mut w, |n, _, now| n.update_security_group(now, &id, spec))?;
    one("security_group", views::security_group(&w.network, &w.network.security_groups[&id]), &Params::default())
}

pub(super) async fn delete_security_group(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.security_group_for(&v, &id)?.project_id.clone();
    allow(&caller, "delete_security_group", &owner)?;
    transact(&mut w, |n, _, _| n.delete_security_group(&id, v.admin))?;
    no_content()
}

pub(super) async fn list_rules(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let n = &w.network;
    let items = n.security_group_rules.values().filter(|r| n.rule_visible(&v, r)).map(|r| views::security_group_rule(n, r)).collect();
    list_reply(&request::SECURITY_GROUP_RULE, items, &params, &base, "security-group-rules")
}

pub(super) async fn show_rule(State(s): State<AppState>, caller: Caller, params: Params, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let r = w.network.rule_for(&v, &id)?;
    one("security_group_rule", views::security_group_rule(&w.network, r), &params)
}

pub(super) async fn create_rule(State(s): State<AppState>, caller: Caller, NBody(body): NBody) -> Reply {
    let val = request::validate(&request::SECURITY_GROUP_RULE, &body, true)?;
    let v = viewer(&caller);
    let mut w = s.world();
    let group = val.attrs["security_group_id"].as_str().unwrap_or_default().to_string();
    let owner = w.network.security_group_for(&v, &group)?.project_id.clone();
    let project = val.project_id.clone().unwrap_or_else(|| owner.clone());
    allow(&caller, "create_security_group_rule", &project)?;
    allow(&caller, "create_security_group_rule", &owner)?;
    let spec = val.into_spec()?;
    w.network.check_quota(&owner, "security_group_rule")?;
    let id = transact(&mut w, |n, ids, now| n.create_security_group_rule(ids, now, &v, spec))?;
    created("security_group_rule", views::security_group_rule(&w.network, &w.network.security_group_rules[&id]))
}

pub(super) async fn delete_rule(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.rule_for(&v, &id)?.project_id.clone();
    allow(&caller, "delete_security_group_rule", &owner)?;
    transact(&mut w, |n, _, now| n.delete_security_group_rule(now, &id))?;
    no_content()
}
