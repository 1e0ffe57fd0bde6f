//! Quotas.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::network::error::NeutronError;
use crate::network::model::Network;
use crate::network::request::{self};
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{json, Value};

pub(super) fn quota_reply(project: &str, quota: Value) -> Reply {
    let mut q = quota;
    q["project_id"] = json!(project);
    q["tenant_id"] = json!(project);
    Ok(json_reply(StatusCode::OK, json!({"quota": q})))
}

/// Projects with limits an admin set (`openstack quota list --network`).
pub(super) async fn list_quotas(State(s): State<AppState>, caller: Caller) -> Reply {
    allow(&caller, "get_quota", "")?;
    let w = s.world();
    let items: Vec<Value> = w
        .network
        .quotas
        .keys()
        .map(|p| {
            let mut q = w.network.quota_view(p);
            q["project_id"] = json!(p);
            q["tenant_id"] = json!(p);
            q
        })
        .collect();
    Ok(json_reply(StatusCode::OK, json!({"quotas": items})))
}

pub(super) async fn show_quota(State(s): State<AppState>, caller: Caller, NPath(project): NPath<String>) -> Reply {
    allow(&caller, "get_quota", &project)?;
    let w = s.world();
    quota_reply(&project, w.network.quota_view(&project))
}

pub(super) async fn show_quota_details(State(s): State<AppState>, caller: Caller, NPath(project): NPath<String>) -> Reply {
    allow(&caller, "get_quota", &project)?;
    let w = s.world();
    quota_reply(&project, w.network.quota_details(&project))
}

pub(super) async fn show_quota_default(caller: Caller, NPath(project): NPath<String>) -> Reply {
    allow(&caller, "get_quota", &project)?;
    quota_reply(&project, Network::quota_defaults())
}

pub(super) async fn update_quota(State(s): State<AppState>, caller: Caller, NPath(project): NPath<String>, NBody(body): NBody) -> Reply {
    let obj = request::action_body(&body, &["quota"])?;
    let quota =
        obj.get("quota").and_then(Value::as_object).ok_or_else(|| NeutronError::bad_request("Unable to find 'quota' in request body"))?;
    allow(&caller, "update_quota", &project)?;
    let mut w = s.world();
    transact(&mut w, |n, _, _| n.set_quotas(&project, quota))?;
    Ok(json_reply(StatusCode::OK, json!({"quota": w.network.quota_view(&project)})))
}

pub(super) async fn delete_quota(State(s): State<AppState>, caller: Caller, NPath(project): NPath<String>) -> Reply {
    allow(&caller, "delete_quota", &project)?;
    s.world().network.reset_quotas(&project);
    no_content()
}
