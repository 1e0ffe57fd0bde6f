//! Layer 3: floating IPs and routers (with interfaces and the L3 agents hosting them).

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::{BaseUrl, Params};
use crate::network::error::{NResult, NeutronError};
use crate::network::model::{Network, Viewer};
use crate::network::request::{self, Validated};
use crate::network::views;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{json, Value};

pub(super) async fn list_floating_ips(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    kept_list(s.world(), &caller, (&request::FLOATINGIP, "floatingips"), &params, &base, |w, v| {
        let n = &w.network;
        n.floating_ips.values().filter(|f| v.owns(&f.project_id)).map(|f| views::floating_ip(n, f)).collect()
    })
}

pub(super) async fn show_floating_ip(State(s): State<AppState>, caller: Caller, params: Params, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let f = w.network.floating_ip_for(&v, &id)?;
    one("floatingip", views::floating_ip(&w.network, f), &params)
}

pub(super) fn check_port_visible(n: &Network, v: &Viewer, val: &Validated) -> NResult<()> {
    if let Some(p) = val.attrs.get("port_id").and_then(Value::as_str) {
        n.port_for(v, p)?;
    }
    Ok(())
}

pub(super) async fn create_floating_ip(State(s): State<AppState>, caller: Caller, NBody(body): NBody) -> Reply {
    let val = request::validate(&request::FLOATINGIP, &body, true)?;
    let project = project_of(&caller, &val)?;
    allow(&caller, "create_floatingip", &project)?;
    if val.has("floating_ip_address") {
        allow_attr(&caller, "create_floatingip", "floating_ip_address", &project)?;
    }
    let v = viewer(&caller);
    let mut w = s.world();
    let net_id = val.attrs["floating_network_id"].as_str().unwrap_or_default().to_string();
    w.network.network_for(&v, &net_id)?;
    check_port_visible(&w.network, &v, &val)?;
    let mut spec: crate::network::l3::FloatingIpSpec = val.into_spec()?;
    w.network.check_quota(&project, "floatingip")?;
    spec.project_id = project;
    let (id, pending) = transact(&mut w, |n, ids, now| n.create_floating_ip_as(ids, now, spec, v.admin))?;
    if let Some(p) = pending {
        schedule_activation(&mut w, p);
    }
    created("floatingip", views::floating_ip(&w.network, &w.network.floating_ips[&id]))
}

pub(super) async fn update_floating_ip(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>, NBody(body): NBody) -> Reply {
    let val = request::validate(&request::FLOATINGIP, &body, false)?;
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.floating_ip_for(&v, &id)?.project_id.clone();
    allow(&caller, "update_floatingip", &owner)?;
    check_port_visible(&w.network, &v, &val)?;
    let spec = val.into_spec()?;
    let pending = transact(&mut w, |n, _, now| n.update_floating_ip(now, &id, spec, v.admin))?;
    match pending {
        Some(p) => schedule_activation(&mut w, p),
        None if w.network.floating_ips[&id].port_id.is_none() => cancel_activation(&mut w, &id),
        None => {}
    }
    one("floatingip", views::floating_ip(&w.network, &w.network.floating_ips[&id]), &Params::default())
}

pub(super) async fn delete_floating_ip(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.floating_ip_for(&v, &id)?.project_id.clone();
    allow(&caller, "delete_floatingip", &owner)?;
    transact(&mut w, |n, _, _| n.delete_floating_ip(&id))?;
    cancel_activation(&mut w, &id);
    no_content()
}

// ---- routers ----
pub(super) async fn list_routers(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    kept_list(s.world(), &caller, (&request::ROUTER, "routers"), &params, &base, |w, v| {
        let n = &w.network;
        n.routers.values().filter(|r| v.owns(&r.project_id)).map(|r| views::router(n, r, v)).collect()
    })
}

pub(super) async fn show_router(State(s): State<AppState>, caller: Caller, params: Params, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let r = w.network.router_for(&v, &id)?;
    one("router", views::router(&w.network, r, &v), &params)
}

pub(super) fn router_attr_policies(c: &Caller, action: &str, val: &Validated, project: &str, create: bool) -> NResult<()> {
    let no = json!(false);
    for attr in ["distributed", "ha"] {
        if (create && val.set_to_other_than(attr, &no)) || (!create && val.has(attr)) {
            allow_attr(c, action, attr, project)?;
        }
    }
    if let Some(gw) = val.attrs.get("external_gateway_info").and_then(Value::as_object) {
        for attr in ["enable_snat", "external_fixed_ips"] {
            if gw.contains_key(attr) {
                allow_attr(c, action, &format!("external_gateway_info:{attr}"), project)?;
            }
        }
    }
    Ok(())
}

pub(super) fn check_gateway_visible(n: &Network, v: &Viewer, val: &Validated) -> NResult<()> {
    if let Some(net) = val.attrs.get("external_gateway_info").and_then(|g| g.get("network_id")).and_then(Value::as_str) {
        n.network_for(v, net)?;
    }
    Ok(())
}

pub(super) async fn create_router(State(s): State<AppState>, caller: Caller, NBody(body): NBody) -> Reply {
    let val = request::validate(&request::ROUTER, &body, true)?;
    let project = project_of(&caller, &val)?;
    allow(&caller, "create_router", &project)?;
    router_attr_policies(&caller, "create_router", &val, &project, true)?;
    let v = viewer(&caller);
    let mut w = s.world();
    check_gateway_visible(&w.network, &v, &val)?;
    let spec = val.into_spec()?;
    w.network.check_quota(&project, "router")?;
    let id = transact(&mut w, |n, ids, now| n.create_router(ids, now, &project, spec))?;
    created("router", views::router(&w.network, &w.network.routers[&id], &v))
}

pub(super) async fn update_router(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>, NBody(body): NBody) -> Reply {
    let val = request::validate(&request::ROUTER, &body, false)?;
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.router_for(&v, &id)?.project_id.clone();
    allow(&caller, "update_router", &owner)?;
    router_attr_policies(&caller, "update_router", &val, &owner, false)?;
    check_gateway_visible(&w.network, &v, &val)?;
    let spec = val.into_spec()?;
    transact(&mut w, |n, ids, now| n.update_router(ids, now, &id, spec))?;
    one("router", views::router(&w.network, &w.network.routers[&id], &v), &Params::default())
}

pub(super) async fn delete_router(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.router_for(&v, &id)?.project_id.clone();
    allow(&caller, "delete_router", &owner)?;
    transact(&mut w, |n, _, _| n.delete_router(&id))?;
    no_content()
}

pub(super) fn interface_args(body: &Value) -> NResult<(Option<String>, Option<String>)> {
    let obj = request::action_body(body, &["subnet_id", "port_id"])?;
    let get = |k: &str| -> NResult<Option<String>> {
        match obj.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if request::is_uuid_like(s) => Ok(Some(s.clone())),
            Some(other) => Err(NeutronError::invalid_attr(k, format!("'{}' is not a valid UUID", request::py(other)))),
        }
    };
    Ok((get("subnet_id")?, get("port_id")?))
}

pub(super) async fn add_router_interface(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>, NBody(body): NBody) -> Reply {
    let (subnet, port) = interface_args(&body)?;
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.router_for(&v, &id)?.project_id.clone();
    allow(&caller, "add_router_interface", &owner)?;
    let info = transact(&mut w, |n, ids, now| n.add_interface(ids, now, &v, &id, subnet.as_deref(), port.as_deref()))?;
    Ok(json_reply(StatusCode::OK, views::interface_info(&info)))
}

pub(super) async fn remove_router_interface(
    State(s): State<AppState>,
    caller: Caller,
    NPath(id): NPath<String>,
    NBody(body): NBody,
) -> Reply {
    let (subnet, port) = interface_args(&body)?;
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.router_for(&v, &id)?.project_id.clone();
    allow(&caller, "remove_router_interface", &owner)?;
    if let Some(sid) = &subnet {
        w.network.subnet_for(&v, sid)?;
    }
    let info = transact(&mut w, |n, _, now| n.remove_interface(now, &id, subnet.as_deref(), port.as_deref()))?;
    Ok(json_reply(StatusCode::OK, views::interface_info(&info)))
}

pub(super) async fn router_l3_agents(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    allow(&caller, "get_l3-agents", "")?;
    let w = s.world();
    let now = w.now();
    let r = w.network.router_for(&Viewer::admin(), &id)?;
    let items: Vec<Value> = r.l3_agent.iter().filter_map(|a| w.network.agents.get(a)).map(|a| views::agent(a, now)).collect();
    Ok(json_reply(StatusCode::OK, json!({"agents": items})))
}
