//! Ports.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::{BaseUrl, Params};
use crate::network::error::{NResult, NeutronError};
use crate::network::model::{Network, Viewer};
use crate::network::request::{self, Validated};
use crate::network::views;
use crate::world::World;
use axum::extract::State;
use serde_json::Value;

pub(super) async fn list_ports(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    kept_list(s.world(), &caller, (&request::PORT, "ports"), &params, &base, |w, v| {
        let n = &w.network;
        n.ports.values().filter(|p| n.port_visible(v, p)).map(|p| views::port(p, v)).collect()
    })
}

pub(super) async fn show_port(State(s): State<AppState>, caller: Caller, params: Params, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let p = w.network.port_for(&v, &id)?;
    one("port", views::port(p, &v), &params)
}

/// The port attribute rules: binding details are admin-only; addresses, MACs, port security and
/// address pairs need admin or the network's owner; Neutron's own device owners too.
pub(super) fn port_attr_policies(c: &Caller, action: &str, val: &Validated, net_owner: &str) -> NResult<()> {
    for attr in ["binding:host_id", "binding:profile"] {
        if val.has(attr) {
            allow_attr(c, action, attr, net_owner)?;
        }
    }
    let specific_ip = val.attrs.get("fixed_ips").and_then(Value::as_array).is_some_and(|l| l.iter().any(|f| f.get("ip_address").is_some()));
    if specific_ip {
        allow_attr(c, action, "fixed_ips:ip_address", net_owner)?;
    }
    for attr in ["mac_address", "port_security_enabled", "allowed_address_pairs"] {
        if val.has(attr) {
            allow_attr(c, action, attr, net_owner)?;
        }
    }
    if val.attrs.get("device_owner").and_then(Value::as_str).is_some_and(|o| o.starts_with("network:")) {
        allow_attr(c, action, "device_owner", net_owner)?;
    }
    Ok(())
}

pub(super) fn check_groups_visible(n: &Network, v: &Viewer, val: &Validated) -> NResult<()> {
    for id in val.attrs.get("security_groups").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
        n.security_group_for(v, id)?;
    }
    Ok(())
}

pub(super) async fn create_port(State(s): State<AppState>, caller: Caller, NBody(body): NBody) -> Reply {
    let mut w = s.world();
    create_one_or_bulk(&mut w, &caller, body, &request::PORT, create_one)
}

fn create_one(w: &mut World, caller: &Caller, body: &Value) -> NResult<Value> {
    let val = request::validate(&request::PORT, body, true)?;
    let project = project_of(caller, &val)?;
    allow(caller, "create_port", &project)?;
    let v = viewer(caller);
    let net_id = val.attrs["network_id"].as_str().unwrap_or_default().to_string();
    let net = w.network.network_for(&v, &net_id)?;
    if !v.admin && !net.shared && caller.project_id.as_deref() != Some(net.project_id.as_str()) {
        return Err(NeutronError::policy("rule:create_port"));
    }
    let net_owner = net.project_id.clone();
    port_attr_policies(caller, "create_port", &val, &net_owner)?;
    check_groups_visible(&w.network, &v, &val)?;
    let mut spec: crate::network::ports::PortSpec = val.into_spec()?;
    w.network.check_quota(&project, "port")?;
    spec.project_id = project;
    let id = transact(w, |n, ids, now| n.create_port_from(ids, now, spec))?;
    Ok(views::port(&w.network.ports[&id], &v))
}

pub(super) async fn update_port(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>, NBody(body): NBody) -> Reply {
    let val = request::validate(&request::PORT, &body, false)?;
    let v = viewer(&caller);
    let mut w = s.world();
    let port = w.network.port_for(&v, &id)?;
    allow(&caller, "update_port", &port.project_id.clone())?;
    let net_owner = w.network.networks.get(&port.network_id).map(|n| n.project_id.clone()).unwrap_or_default();
    port_attr_policies(&caller, "update_port", &val, &net_owner)?;
    check_groups_visible(&w.network, &v, &val)?;
    let spec = val.into_spec()?;
    transact(&mut w, |n, _, now| n.update_port(now, &id, spec))?;
    one("port", views::port(&w.network.ports[&id], &v), &Params::default())
}

pub(super) async fn delete_port(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.port_for(&v, &id)?.project_id.clone();
    allow(&caller, "delete_port", &owner)?;
    let fips: Vec<String> =
        w.network.floating_ips.values().filter(|f| f.port_id.as_deref() == Some(id.as_str())).map(|f| f.id.clone()).collect();
    transact(&mut w, |n, _, now| n.delete_port(now, &id))?;
    for f in fips {
        cancel_activation(&mut w, &f);
    }
    no_content()
}
