//! `/octavia/amphorae` (admin only): list, show, failover, delete, config, stats.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, Params};
use crate::loadbalancer::model::*;
use crate::loadbalancer::views;
use crate::policy::{enforce, Target};
use crate::world::World;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{json, Value};

fn amphora_for<'a>(w: &'a World, caller: &Caller, id: &str, action: &str) -> Result<&'a Amphora, ApiError> {
    enforce(SVC, caller, action, Target::default())?;
    w.octavia.amphorae.get(id).ok_or_else(|| not_found("Amphora", id))
}

pub async fn list(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    enforce(SVC, &caller, "os_load-balancer_api:amphora:get_all", Target::default())?;
    kept_list(&s, &caller, &base, &params, ("amphorae", "octavia/amphorae", &views::AMPHORA_ATTRS), |w| {
        let mut amps: Vec<&Amphora> = w.octavia.amphorae.values().collect();
        amps.sort_by_key(|a| a.seq);
        amps.into_iter().map(|a| views::amphora(w, a)).collect()
    })
    .await
}

pub async fn show(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let w = s.world();
    let a = amphora_for(&w, &caller, &id, "os_load-balancer_api:amphora:get_one")?;
    Ok(reply(StatusCode::OK, json!({ "amphora": views::amphora(&w, a) })))
}

/// `PUT /amphorae/{id}/failover`: the load balancer must be ACTIVE (or ERROR, for a repair).
pub async fn failover(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let mut w = s.world();
    let a = amphora_for(&w, &caller, &id, "os_load-balancer_api:amphora:put_failover")?;
    let lb_id = a.loadbalancer_id.clone().ok_or_else(|| conflict(format!("Amphora {id} is not associated with a load balancer.")))?;
    let lb_status = w.octavia.loadbalancers.get(&lb_id).map(|l| l.c.provisioning_status.clone()).unwrap_or_default();
    if lb_status != ACTIVE && lb_status != ERROR {
        return Err(immutable("Load Balancer", &lb_id));
    }
    if a.status == PENDING_DELETE {
        return Err(conflict(format!("Invalid state PENDING_DELETE of amphora resource {id}")));
    }
    w.failover_amphora(&id);
    Ok(StatusCode::ACCEPTED.into_response())
}

/// `DELETE /amphorae/{id}`: only an amphora in ERROR (or a spare) can go.
pub async fn delete(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let mut w = s.world();
    let a = amphora_for(&w, &caller, &id, "os_load-balancer_api:amphora:delete")?;
    if a.status != ERROR && a.loadbalancer_id.is_some() {
        return Err(conflict(format!("Amphora {id} is not in a state that can be deleted (status {}).", a.status)));
    }
    let a = w.octavia.amphorae.remove(&id).expect("checked");
    if let Some(server) = a.compute_id {
        let _ = w.delete_server(&server);
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `PUT /amphorae/{id}/config`: the agent reloads its configuration; nothing observable changes.
pub async fn config(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let w = s.world();
    amphora_for(&w, &caller, &id, "os_load-balancer_api:amphora:put_config")?;
    Ok(StatusCode::ACCEPTED.into_response())
}

pub async fn stats(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let w = s.world();
    let a = amphora_for(&w, &caller, &id, "os_load-balancer_api:amphora:get_stats")?;
    let listeners: Vec<Value> = a
        .loadbalancer_id
        .as_deref()
        .map(|lb| {
            w.octavia
                .listeners_of(lb)
                .map(|l| {
                    json!({"id": id, "loadbalancer_id": lb, "listener_id": l.c.id, "active_connections": 0, "bytes_in": 0,
                                 "bytes_out": 0, "request_errors": 0, "total_connections": 0})
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(reply(StatusCode::OK, json!({ "amphora_stats": listeners })))
}
