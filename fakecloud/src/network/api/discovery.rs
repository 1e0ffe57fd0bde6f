//! Discovery: the version document, the resource list, extensions and availability zones.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::{BaseUrl, Params};
use crate::network::error::NeutronError;
use crate::network::request::{self, Resource};
use crate::network::views;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

pub(super) async fn versions(BaseUrl(base): BaseUrl) -> Json<Value> {
    Json(json!({"versions": [{"id": "v2.0", "status": "CURRENT", "links": [{"href": format!("{base}/network/v2.0/"), "rel": "self"}]}]}))
}

pub(super) async fn resources(_caller: Caller, BaseUrl(base): BaseUrl) -> Json<Value> {
    let items: Vec<Value> = [
        ("network", "networks"),
        ("subnet", "subnets"),
        ("subnetpool", "subnetpools"),
        ("port", "ports"),
        ("floatingip", "floatingips"),
        ("router", "routers"),
        ("security_group", "security-groups"),
        ("security_group_rule", "security-group-rules"),
        ("agent", "agents"),
    ]
    .iter()
    .map(|(name, coll)| json!({"name": name, "collection": coll.replace('-', "_"), "links": [{"href": collection_url(&base, coll), "rel": "self"}]}))
    .collect();
    Json(json!({"resources": items}))
}

pub(super) async fn list_extensions(_caller: Caller) -> Json<Value> {
    let items: Vec<Value> = views::EXTENSIONS.iter().map(|(a, n, d)| views::extension(a, n, d)).collect();
    Json(json!({"extensions": items}))
}

pub(super) async fn show_extension(_caller: Caller, NPath(alias): NPath<String>) -> Reply {
    let (a, n, d) = views::EXTENSIONS
        .iter()
        .find(|(a, _, _)| *a == alias)
        .ok_or_else(|| NeutronError::not_found("HTTPNotFound", format!("Extension with alias {alias} does not exist")))?;
    Ok(json_reply(StatusCode::OK, json!({"extension": views::extension(a, n, d)})))
}

pub(super) static AVAILABILITY_ZONE: Resource = Resource {
    singular: "availability_zone",
    plural: "availability_zones",
    attrs: &[
        request::Attr { name: "name", post: false, put: false, required: false, kind: request::Kind::ReadOnly },
        request::Attr { name: "resource", post: false, put: false, required: false, kind: request::Kind::ReadOnly },
        request::Attr { name: "state", post: false, put: false, required: false, kind: request::Kind::ReadOnly },
    ],
};

/// Zones come from the DHCP (network) and L3 (router) agents' `availability_zone`
/// (`Network::availability_zones`).
pub(super) async fn list_availability_zones(State(s): State<AppState>, _caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    let w = s.world();
    let zones = w.network.availability_zones(w.now());
    let items: Vec<Value> = zones
        .into_iter()
        .map(|(name, resource, up)| json!({"name": name, "resource": resource, "state": if up { "available" } else { "unavailable" }}))
        .collect();
    list_reply(&AVAILABILITY_ZONE, items, &params, &base, "availability_zones")
}

pub(super) static SERVICE_PROVIDER: Resource = Resource {
    singular: "service_provider",
    plural: "service_providers",
    attrs: &[
        request::Attr { name: "service_type", post: false, put: false, required: false, kind: request::Kind::ReadOnly },
        request::Attr { name: "name", post: false, put: false, required: false, kind: request::Kind::ReadOnly },
        request::Attr { name: "default", post: false, put: false, required: false, kind: request::Kind::Bool },
    ],
};

/// The L3 service's providers, one per router flavour the L3 plugin registers; `single_node`
/// (a legacy router) is the default.
pub(super) async fn list_service_providers(_caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> Reply {
    let items: Vec<Value> = [("dvrha", false), ("dvr", false), ("ha", false), ("single_node", true)]
        .iter()
        .map(|(name, default)| json!({"service_type": "L3_ROUTER_NAT", "name": name, "default": default}))
        .collect();
    list_reply(&SERVICE_PROVIDER, items, &params, &base, "service-providers")
}
