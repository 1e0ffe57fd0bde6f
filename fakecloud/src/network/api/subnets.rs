//! Subnets.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::{BaseUrl, Params};
use crate::network::error::{NResult, NeutronError};
use crate::network::request::{self, Validated};
use crate::network::views;
use crate::world::World;
use axum::extract::State;
use serde_json::Value;

pub(super) async fn list_subnets(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    kept_list(s.world(), &caller, (&request::SUBNET, "subnets"), &params, &base, |w, v| {
        let n = &w.network;
        let mut subs: Vec<&crate::network::model::Subnet> = n.subnets.values().filter(|x| n.subnet_visible(v, x)).collect();
        subs.sort_by(|a, b| a.id.cmp(&b.id));
        subs.into_iter().map(|x| views::subnet(n, x)).collect()
    })
}

pub(super) async fn show_subnet(State(s): State<AppState>, caller: Caller, params: Params, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let sub = w.network.subnet_for(&v, &id)?;
    one("subnet", views::subnet(&w.network, sub), &params)
}

pub(super) fn subnet_checks(c: &Caller, action: &str, val: &Validated, project: &str) -> NResult<()> {
    if val.has("service_types") {
        allow_attr(c, action, "service_types", project)?;
    }
    crate::network::networks::check_subnet_options(&val.attrs)
}

pub(super) async fn create_subnet(State(s): State<AppState>, caller: Caller, NBody(body): NBody) -> Reply {
    let mut w = s.world();
    create_one_or_bulk(&mut w, &caller, body, &request::SUBNET, create_one)
}

fn create_one(w: &mut World, caller: &Caller, body: &Value) -> NResult<Value> {
    let val = request::validate(&request::SUBNET, body, true)?;
    let project = project_of(caller, &val)?;
    allow(caller, "create_subnet", &project)?;
    let net_id = val.attrs["network_id"].as_str().unwrap_or_default().to_string();
    let v = viewer(caller);
    let net_owner = w.network.network_for(&v, &net_id)?.project_id.clone();
    // create_subnet: admin, or a member of the project that owns the network.
    if !v.admin && caller.project_id.as_deref() != Some(net_owner.as_str()) {
        return Err(NeutronError::policy("rule:create_subnet"));
    }
    subnet_checks(caller, "create_subnet", &val, &project)?;
    if let Some(pool) = val.attrs.get("subnetpool_id").and_then(Value::as_str) {
        w.network.subnet_pool_for(&v, pool)?;
    }
    let spec: crate::network::networks::SubnetSpec = val.into_spec()?;
    w.network.check_quota(&project, "subnet")?;
    let id = transact(w, |n, ids, now| n.create_subnet_on(ids, now, &net_id, &project, spec))?;
    Ok(views::subnet(&w.network, &w.network.subnets[&id]))
}

pub(super) async fn update_subnet(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>, NBody(body): NBody) -> Reply {
    let val = request::validate(&request::SUBNET, &body, false)?;
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.subnet_for(&v, &id)?.project_id.clone();
    allow(&caller, "update_subnet", &owner)?;
    subnet_checks(&caller, "update_subnet", &val, &owner)?;
    let spec = val.into_spec()?;
    transact(&mut w, |n, ids, now| n.update_subnet(ids, now, &id, spec))?;
    one("subnet", views::subnet(&w.network, &w.network.subnets[&id]), &Params::default())
}

pub(super) async fn delete_subnet(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.subnet_for(&v, &id)?.project_id.clone();
    allow(&caller, "delete_subnet", &owner)?;
    transact(&mut w, |n, ids, now| n.delete_subnet(ids, now, &id))?;
    no_content()
}
