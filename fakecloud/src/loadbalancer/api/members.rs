//! Members (`/lbaas/pools/{id}/members`), one at a time or as a batch update of the whole pool.
//! Changes need the load balancer and the pool ACTIVE and lock both until the worker is done.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::loadbalancer::model::*;
use crate::loadbalancer::request::{BatchMembers, CreateMember, UpdateMember};
use crate::loadbalancer::views;
use crate::loadbalancer::worker::Kind;
use crate::world::World;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{json, Value};

fn member_in<'a>(w: &'a World, pool_id: &str, id: &str) -> Result<&'a Member, ApiError> {
    w.octavia.members.get(id).filter(|m| m.pool_id == pool_id).ok_or_else(|| not_found("Member", id))
}

pub async fn list_members(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(pool_id): Path<String>,
    params: Params,
) -> ApiResult {
    let w = s.world();
    pool_for(&w, &caller, &pool_id, GET_ONE)?;
    let keep = prefilter(&caller, &params);
    let items = w.octavia.members_of(&pool_id).filter(|m| keep(&m.c)).map(|m| (m.c.seq, views::member(&w, m)));
    list_reply("members", &format!("lbaas/pools/{pool_id}/members"), &base, sorted(items), &params, &views::MEMBER_ATTRS)
}

pub async fn show_member(State(s): State<AppState>, caller: Caller, Path((pool_id, id)): Path<(String, String)>) -> ApiResult {
    let w = s.world();
    pool_for(&w, &caller, &pool_id, GET_ONE)?;
    Ok(reply(StatusCode::OK, json!({ "member": views::member(&w, member_in(&w, &pool_id, &id)?) })))
}

/// Checks a member against its pool (the model's rules) and makes it (PENDING_CREATE), without
/// locking anything.
fn new_member(w: &mut World, pool: &Pool, req: CreateMember) -> Result<String, ApiError> {
    let address = w.octavia.check_new_member(&pool.c.id, &req, |s| w.network.subnets.contains_key(s))?.to_string();
    let backing = backing_server(&w.network, &w.compute, &address, req.subnet_id.as_deref());
    let c = common_for(w, req.name.clone(), None, &pool.c.project_id, req.admin_state_up, req.tags.clone());
    let id = c.id.clone();
    w.record(crate::sim::journal::Record::Transition { resource: "member".into(), id: id.clone(), from: None, to: PENDING_CREATE.into() });
    w.octavia.insert_member(Member::new(c, pool, req, address, backing));
    Ok(id)
}

pub async fn create_member(
    State(s): State<AppState>,
    caller: Caller,
    Path(pool_id): Path<String>,
    JsonBody(raw): JsonBody<Value>,
) -> ApiResult {
    let req: CreateMember = body(raw, "member")?;
    let mut w = s.world();
    let pool = mutable_pool(&w, &caller, &pool_id, POST)?;
    check_member_project(&pool, &req)?;
    super::quotas::check_quota(&w, &pool.c.project_id, crate::loadbalancer::model::QuotaResource::Member, 1)?;
    let id = new_member(&mut w, &pool, req)?;
    w.begin_child_task(&pool.loadbalancer_id, Some(&pool_id), Kind::Member, &id, "create");
    Ok(reply(StatusCode::CREATED, json!({ "member": views::member(&w, &w.octavia.members[&id]) })))
}

pub async fn update_member(
    State(s): State<AppState>,
    caller: Caller,
    Path((pool_id, id)): Path<(String, String)>,
    JsonBody(raw): JsonBody<Value>,
) -> ApiResult {
    let req: UpdateMember = body(raw, "member")?;
    let mut w = s.world();
    let pool = mutable_pool(&w, &caller, &pool_id, PUT)?;
    member_in(&w, &pool_id, &id)?;
    let now = w.now();
    let m = w.octavia.members.get_mut(&id).expect("checked");
    touch_common(&mut m.c, now, req.name, None, req.admin_state_up, req.tags);
    if let Some(x) = req.weight {
        m.weight = x;
    }
    if let Some(x) = req.backup {
        m.backup = x;
    }
    if let Some(x) = req.monitor_address {
        m.monitor_address = x;
    }
    if let Some(x) = req.monitor_port {
        m.monitor_port = x;
    }
    w.begin_child_task(&pool.loadbalancer_id, Some(&pool_id), Kind::Member, &id, "update");
    Ok(reply(StatusCode::OK, json!({ "member": views::member(&w, &w.octavia.members[&id]) })))
}

pub async fn delete_member(State(s): State<AppState>, caller: Caller, Path((pool_id, id)): Path<(String, String)>) -> ApiResult {
    let mut w = s.world();
    let pool = mutable_pool(&w, &caller, &pool_id, DELETE)?;
    let m = member_in(&w, &pool_id, &id)?;
    if m.c.provisioning_status == PENDING_DELETE {
        return Err(conflict(format!("Invalid state PENDING_DELETE of member resource {id}")));
    }
    Ok(start_delete(&mut w, &pool.loadbalancer_id, Some(&pool_id), Kind::Member, &id))
}

/// `PUT /pools/{id}/members`: the pool's members become exactly the list, matched by (address,
/// protocol_port): new ones PENDING_CREATE, matched ones PENDING_UPDATE, missing ones PENDING_DELETE.
pub async fn batch_members(
    State(s): State<AppState>,
    caller: Caller,
    Path(pool_id): Path<String>,
    JsonBody(raw): JsonBody<Value>,
) -> ApiResult {
    let req: BatchMembers =
        crate::http::extract::from_value_strict(&raw).map_err(|e| bad(format!("Invalid input for field/attribute members. Value: {e}")))?;
    let mut w = s.world();
    let pool = mutable_pool(&w, &caller, &pool_id, PUT)?;
    let seen = check_member_batch(&req.members, |s| w.network.subnets.contains_key(s))?;
    let existing: Vec<(String, String, u16)> =
        w.octavia.members_of(&pool_id).map(|m| (m.c.id.clone(), m.address.clone(), m.protocol_port)).collect();
    // The members the list adds count against the quota, checked before any member changes.
    let added = req.members.iter().filter(|m| !existing.iter().any(|(_, a, p)| *a == m.address && *p == m.protocol_port)).count();
    super::quotas::check_quota(&w, &pool.c.project_id, crate::loadbalancer::model::QuotaResource::Member, added)?;
    let now = w.now();
    let mut tasks = vec![];
    for (id, addr, port) in &existing {
        if !seen.contains(&(addr.clone(), *port)) {
            w.octavia.members.get_mut(id).expect("listed").c.provisioning_status = PENDING_DELETE.into();
            tasks.push((id.clone(), "delete"));
        }
    }
    for m in req.members {
        match existing.iter().find(|(_, a, p)| *a == m.address && *p == m.protocol_port) {
            Some((id, _, _)) => {
                let member = w.octavia.members.get_mut(id).expect("listed");
                touch_common(&mut member.c, now, m.name, None, m.admin_state_up, m.tags);
                if let Some(x) = m.weight {
                    member.weight = x;
                }
                tasks.push((id.clone(), "update"));
            }
            None => {
                let id = new_member(&mut w, &pool, m)?;
                tasks.push((id, "create"));
            }
        }
    }
    for (id, op) in tasks {
        w.begin_child_task(&pool.loadbalancer_id, Some(&pool_id), Kind::Member, &id, op);
    }
    Ok(StatusCode::ACCEPTED.into_response())
}
