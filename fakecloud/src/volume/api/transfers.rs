//! Volume transfers, under `/os-volume-transfer` and (3.55) `/volume-transfers`.

use super::common::{arg, empty, own_project, prelude, project, reply, requester, ApiResult, Cinder, PathArgs};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::http::microversion::Microversion;
use crate::policy::enforce;
use crate::volume::bodies::{accept_transfer, new_transfer};
use crate::volume::request::truthy;
use crate::volume::views;
use crate::volume::SERVICE as SVC;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{json, Value};

async fn list(s: AppState, caller: Caller, v: crate::http::microversion::Version, base: String, params: Params, detail: bool) -> ApiResult {
    enforce(SVC, &caller, "volume:get_all_transfers", own_project(&caller))?;
    let all = params.get("all_tenants").and_then(truthy).unwrap_or(false);
    let world = s.world();
    let items: Vec<Value> =
        world.volume.list_transfers(requester(&caller), all).into_iter().map(|t| views::transfer(t, &base, v, detail)).collect();
    Ok(reply(v, StatusCode::OK, json!({ "transfers": items })))
}

pub async fn list_transfers(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    BaseUrl(base): BaseUrl,
    axum::extract::Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    prelude(&caller, &path)?;
    list(s, caller, v, base, params, false).await
}

pub async fn list_transfers_detail(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    BaseUrl(base): BaseUrl,
    axum::extract::Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    prelude(&caller, &path)?;
    list(s, caller, v, base, params, true).await
}

pub async fn show_transfer(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    BaseUrl(base): BaseUrl,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    let world = s.world();
    let t = world.volume.transfer_for(&arg(&path, "transfer_id"), requester(&caller))?;
    enforce(SVC, &caller, "volume:get_transfer", project(&t.project_id))?;
    Ok(reply(v, StatusCode::OK, json!({ "transfer": views::transfer(t, &base, v, true) })))
}

pub async fn create_transfer(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    BaseUrl(base): BaseUrl,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    let (volume_id, name, no_snapshots) = new_transfer(&body)?;
    let who = requester(&caller);
    let mut world = s.world();
    let owner = world.volume.show(&volume_id, who)?.project_id.clone();
    enforce(SVC, &caller, "volume:create_transfer", project(&owner))?;
    let w = &mut *world;
    let no_snapshots = no_snapshots && v.at_least(3, 55);
    let t = w.volume.create_transfer(&volume_id, name, no_snapshots, who, &mut w.sim)?;
    let mut out = views::transfer(t, &base, v, true);
    out["auth_key"] = json!(t.auth_key);
    Ok(reply(v, StatusCode::ACCEPTED, json!({ "transfer": out })))
}

pub async fn delete_transfer(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    let id = arg(&path, "transfer_id");
    let who = requester(&caller);
    let mut world = s.world();
    let owner = world.volume.transfer_for(&id, who)?.project_id.clone();
    enforce(SVC, &caller, "volume:delete_transfer", project(&owner))?;
    let w = &mut *world;
    w.volume.delete_transfer(&id, who, &mut w.sim)?;
    Ok(empty(v, StatusCode::ACCEPTED))
}

/// `POST .../{id}/accept`: any project with the key (the transfer is not its own to see).
pub async fn accept(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    BaseUrl(base): BaseUrl,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    let key = accept_transfer(&body)?;
    enforce(SVC, &caller, "volume:accept_transfer", own_project(&caller))?;
    let id = arg(&path, "transfer_id");
    let mut world = s.world();
    let w = &mut *world;
    let t = w.volume.accept_transfer(&id, &key, requester(&caller), &mut w.sim)?;
    Ok(reply(v, StatusCode::ACCEPTED, json!({ "transfer": views::transfer(&t, &base, v, false) })))
}
