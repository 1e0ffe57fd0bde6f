//! Networks, the DHCP agents serving one, and IP availability (admin only).

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::{BaseUrl, Params};
use crate::network::error::NResult;
use crate::network::model::Viewer;
use crate::network::request::{self, Resource, Validated};
use crate::network::views;
use crate::world::World;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{json, Value};

pub(super) async fn list_networks(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    kept_list(s.world(), &caller, (&request::NETWORK, "networks"), &params, &base, |w, v| {
        let n = &w.network;
        n.networks.values().filter(|x| n.network_visible(v, x)).map(|x| views::network(n, x, v)).collect()
    })
}

pub(super) async fn show_network(State(s): State<AppState>, caller: Caller, params: Params, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let w = s.world();
    let net = w.network.network_for(&v, &id)?;
    one("network", views::network(&w.network, net, &v), &params)
}

pub(super) fn network_attr_policies(c: &Caller, action: &str, val: &Validated, project: &str, create: bool) -> NResult<()> {
    let no = json!(false);
    for attr in ["shared", "router:external"] {
        if (create && val.set_to_other_than(attr, &no)) || (!create && val.has(attr)) {
            allow_attr(c, action, attr, project)?;
        }
    }
    for attr in ["provider:network_type", "provider:physical_network", "provider:segmentation_id"] {
        if val.has(attr) {
            allow_attr(c, action, attr, project)?;
        }
    }
    Ok(())
}

pub(super) async fn create_network(State(s): State<AppState>, caller: Caller, NBody(body): NBody) -> Reply {
    let mut w = s.world();
    create_one_or_bulk(&mut w, &caller, body, &request::NETWORK, create_one)
}

fn create_one(w: &mut World, caller: &Caller, body: &Value) -> NResult<Value> {
    let val = request::validate(&request::NETWORK, body, true)?;
    let project = project_of(caller, &val)?;
    allow(caller, "create_network", &project)?;
    network_attr_policies(caller, "create_network", &val, &project, true)?;
    let spec = val.into_spec()?;
    w.network.check_quota(&project, "network")?;
    let id = transact(w, |n, ids, now| n.create_network(ids, now, &project, spec))?;
    let v = viewer(caller);
    Ok(views::network(&w.network, &w.network.networks[&id], &v))
}

pub(super) async fn update_network(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>, NBody(body): NBody) -> Reply {
    let val = request::validate(&request::NETWORK, &body, false)?;
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.network_for(&v, &id)?.project_id.clone();
    allow(&caller, "update_network", &owner)?;
    network_attr_policies(&caller, "update_network", &val, &owner, false)?;
    let spec = val.into_spec()?;
    transact(&mut w, |n, _, now| n.update_network(now, &id, spec))?;
    one("network", views::network(&w.network, &w.network.networks[&id], &v), &Params::default())
}

pub(super) async fn delete_network(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    let v = viewer(&caller);
    let mut w = s.world();
    let owner = w.network.network_for(&v, &id)?.project_id.clone();
    allow(&caller, "delete_network", &owner)?;
    transact(&mut w, |n, _, _| n.delete_network(&id))?;
    no_content()
}

pub(super) async fn network_dhcp_agents(State(s): State<AppState>, caller: Caller, NPath(id): NPath<String>) -> Reply {
    allow(&caller, "get_dhcp-agents", "")?;
    let w = s.world();
    let now = w.now();
    let net = w.network.network_for(&Viewer::admin(), &id)?;
    let items: Vec<Value> = net.dhcp_agents.iter().filter_map(|a| w.network.agents.get(a)).map(|a| views::agent(a, now)).collect();
    Ok(json_reply(StatusCode::OK, json!({"agents": items})))
}

// ---- IP availability (admin only) ----
pub(super) static IP_AVAILABILITY: Resource = Resource {
    singular: "network_ip_availability",
    plural: "network_ip_availabilities",
    attrs: &[
        request::Attr { name: "network_id", post: false, put: false, required: false, kind: request::Kind::ReadOnly },
        request::Attr { name: "network_name", post: false, put: false, required: false, kind: request::Kind::ReadOnly },
        request::Attr { name: "tenant_id", post: false, put: false, required: false, kind: request::Kind::ReadOnly },
        request::Attr { name: "project_id", post: false, put: false, required: false, kind: request::Kind::ReadOnly },
        request::Attr { name: "ip_version", post: false, put: false, required: false, kind: request::Kind::Int(4, 6) },
        request::Attr { name: "total_ips", post: false, put: false, required: false, kind: request::Kind::ReadOnly },
        request::Attr { name: "used_ips", post: false, put: false, required: false, kind: request::Kind::ReadOnly },
        request::Attr { name: "subnet_ip_availability", post: false, put: false, required: false, kind: request::Kind::ReadOnly },
    ],
};

pub(super) async fn list_ip_availabilities(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    allow(&caller, "get_network_ip_availability", "")?;
    let w = s.world();
    // An ip_version filter keeps the networks with subnets of that version, and only those subnets.
    let version = params.0.iter().find(|(k, _)| k == "ip_version").map(|(_, v)| v.parse::<u8>().unwrap_or(0));
    let items = w
        .network
        .networks
        .values()
        .filter(|n| version.is_none_or(|v| w.network.subnets_of(&n.id).iter().any(|s| s.ip_version() == v)))
        .map(|n| views::ip_availability(&w.network, n, version))
        .collect();
    let mut p = params.clone();
    p.0.retain(|(k, _)| k != "ip_version");
    list_reply(&IP_AVAILABILITY, items, &p, &base, "network-ip-availabilities")
}

pub(super) async fn show_ip_availability(State(s): State<AppState>, caller: Caller, params: Params, NPath(id): NPath<String>) -> Reply {
    allow(&caller, "get_network_ip_availability", "")?;
    let w = s.world();
    let net = w.network.network_for(&Viewer::admin(), &id)?;
    one("network_ip_availability", views::ip_availability(&w.network, net, None), &params)
}
