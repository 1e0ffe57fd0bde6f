//! Subnet pools.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::{BaseUrl, Params};
use crate::network::error::NResult;
use crate::network::request::{self, Validated};
use crate::network::views;
use axum::extract::State;
use serde_json::json;

pub(super) async fn list_subnet_pools(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let n = &w.network;
    let items = n.subnet_pools.values().filter(|p| n.subnet_pool_visible(&v, p)).map(views::subnet_pool).collect();
    list_reply(&request::SUBNETPOOL, items, &params, &base, "subnetpools")
}

pub(super) async fn show_subnet_pool(State(s): State<AppState>, caller: Caller, params: Params, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    one("subnetpool", views::subnet_pool(w.network.subnet_pool_for(&v, &id)?), &params)
}

/// `shared` and `is_default` are admin-only when set to true.
fn attr_policies(c: &Caller, action: &str, val: &Validated, project: &str) -> NResult<()> {
    let no = json!(false);
    for attr in ["shared", "is_default"] {
        if val.set_to_other_than(attr, &no) {
            allow_attr(c, action, attr, project)?;
        }
    }
    Ok(())
}

pub(super) async fn create_subnet_pool(State(s): State<AppState>, caller: Caller, NBody(body): NBody) -> Reply {
    let val = request::validate(&request::SUBNETPOOL, &body, true)?;
    let project = project_of(&caller, &val)?;
    allow(&caller, "create_subnetpool", &project)?;
    attr_policies(&caller, "create_subnetpool", &val, &project)?;
    let spec = val.into_spec()?;
    let mut w = s.world();
    let id = transact(&mut w, |n, ids, now| n.create_subnet_pool(ids, now, &project, spec))?;
    created("subnetpool", views::subnet_pool(&w.network.subnet_pools[&id]))
}

pub(super) async fn update_subnet_pool(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>, NBody(body): NBody) -> Reply {
    let val = request::validate(&request::SUBNETPOOL, &body, false)?;
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.subnet_pool_for(&v, &id)?.project_id.clone();
    allow(&caller, "update_subnetpool", &owner)?;
    if val.has("is_default") {
        allow_attr(&caller, "update_subnetpool", "is_default", &owner)?;
    }
    let spec = val.into_spec()?;
    transact(&mut w, |n, _, now| n.update_subnet_pool(now, &id, spec))?;
    one("subnetpool", views::subnet_pool(&w.network.subnet_pools[&id]), &Params::default())
}

pub(super) async fn delete_subnet_pool(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.subnet_pool_for(&v, &id)?.project_id.clone();
    allow(&caller, "delete_subnetpool", &owner)?;
    transact(&mut w, |n, _, _| n.delete_subnet_pool(&id))?;
    no_content()
}
