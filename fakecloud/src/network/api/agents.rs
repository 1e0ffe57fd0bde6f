//! Agents (admin only) and what each hosts.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::{BaseUrl, Params};
use crate::http::kept::SameUntil;
use crate::network::error::NeutronError;
use crate::network::model::Viewer;
use crate::network::request::{self};
use crate::network::views;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{json, Value};

pub(super) async fn list_agents(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    // Neutron checks get_agent on each agent it lists: a caller the rule refuses sees none.
    let visible = allow(&caller, "get_agent", "").is_ok();
    let w = s.world();
    let now = w.now();
    let items = w.network.agents.values().filter(|_| visible).map(|a| views::agent(a, now)).collect();
    // Liveness moves with time, but only at each agent's next report or when a stopped one goes
    // down: until the first of those the same state gives the same list (`http::kept`).
    let until = SameUntil::earliest(w.network.agents.values().filter(|_| visible).map(|a| a.view_changes_at(now)));
    list_reply(&request::AGENT, items, &params, &base, "agents").map(|r| until.on(r))
}

pub(super) async fn show_agent(State(s): State<AppState>, caller: Caller, params: Params, NPath(id): NPath<String>) -> Reply {
    allow(&caller, "get_agent", "")?;
    let w = s.world();
    let now = w.now();
    one("agent", views::agent(w.network.agent(&id)?, now), &params)
}

pub(super) async fn update_agent(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>, NBody(body): NBody) -> Reply {
    let val = request::validate(&request::AGENT, &body, false)?;
    allow(&caller, "update_agent", "")?;
    let spec = val.into_spec()?;
    let mut w = s.world();
    transact(&mut w, |n, _, _| n.update_agent(&id, spec))?;
    let now = w.now();
    one("agent", views::agent(w.network.agent(&id)?, now), &Params::default())
}

pub(super) async fn delete_agent(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    allow(&caller, "delete_agent", "")?;
    let mut w = s.world();
    transact(&mut w, |n, _, _| n.delete_agent(&id))?;
    no_content()
}

pub(super) async fn agent_dhcp_networks(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    allow(&caller, "get_dhcp-networks", "")?;
    let w = s.world();
    w.network.agent(&id)?;
    let admin = Viewer::admin();
    let items: Vec<Value> = w.network.networks_on_agent(&id).into_iter().map(|n| views::network(&w.network, n, &admin)).collect();
    Ok(json_reply(StatusCode::OK, json!({"networks": items})))
}

pub(super) async fn agent_l3_routers(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    allow(&caller, "get_l3-routers", "")?;
    let w = s.world();
    w.network.agent(&id)?;
    let admin = Viewer::admin();
    let items: Vec<Value> = w.network.routers_on_agent(&id).into_iter().map(|r| views::router(&w.network, r, &admin)).collect();
    Ok(json_reply(StatusCode::OK, json!({"routers": items})))
}

/// `POST /agents/{id}/dhcp-networks` `{"network_id": ...}`: 201 with no body.
pub(super) async fn add_dhcp_network(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>, NBody(body): NBody) -> Reply {
    let obj = request::action_body(&body, &["network_id"])?;
    let network_id = match obj.get("network_id") {
        Some(v) => request::uuid_value("network_id", v)?,
        None => return Err(NeutronError::bad_request("Failed to parse request. Required attribute 'network_id' not specified")),
    };
    allow(&caller, "create_dhcp-network", "")?;
    let mut w = s.world();
    transact(&mut w, |n, ids, now| n.add_network_to_dhcp_agent(ids, now, &id, &network_id))?;
    Ok(StatusCode::CREATED.into_response())
}

pub(super) async fn remove_dhcp_network(
    State(s): State<AppState>,
    caller: Caller,
    NPath((id, network_id)): NPath<(String, String)>,
) -> Reply {
    allow(&caller, "delete_dhcp-network", "")?;
    let mut w = s.world();
    transact(&mut w, |n, _, _| n.remove_network_from_dhcp_agent(&id, &network_id))?;
    no_content()
}
