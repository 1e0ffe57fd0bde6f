//! `os-aggregates`: host aggregates with their hosts, metadata and availability zone (admin only).

use super::common::{bad, check_schema, reply, ApiResult, Nova, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::compute::model::Aggregate;
use crate::compute::views;
use crate::http::error::ApiError;
use crate::http::extract::JsonBody;
use crate::http::microversion::{Microversion, Version};
use crate::policy::{enforce, Target};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{json, Value};

fn view(a: &Aggregate, v: Version, full: bool) -> Value {
    let mut o = json!({
        "id": a.id, "name": a.name, "availability_zone": a.availability_zone(),
        "created_at": views::ts_micro(a.created_at), "updated_at": a.updated_at.map(views::ts_micro),
        "deleted": false, "deleted_at": null,
    });
    if full {
        o["hosts"] = json!(a.hosts);
        o["metadata"] = json!(a.metadata);
    }
    if v.at_least(2, 41) {
        o["uuid"] = json!(a.uuid);
    }
    o
}

fn find<'a>(aggs: &'a mut [Aggregate], id: &str) -> Result<&'a mut Aggregate, ApiError> {
    let n: i64 = id.parse().map_err(|_| bad(format!("Invalid aggregate id: {id}")))?;
    aggs.iter_mut().find(|a| a.id as i64 == n).ok_or_else(|| super::common::not_found(format!("Aggregate {id} could not be found.")))
}

fn conflict(msg: String) -> ApiError {
    ApiError::new(SVC, StatusCode::CONFLICT, msg)
}

/// A name (or zone) Nova accepts: 1 to 255 characters, no leading or trailing whitespace.
fn name_schema(nullable: bool) -> Value {
    let ty = if nullable { json!(["string", "null"]) } else { json!("string") };
    json!({"type": ty, "minLength": 1, "maxLength": 255, "pattern": "^(?! )[\\S ]*(?<! )$"})
}

pub async fn list(State(s): State<AppState>, caller: Caller, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-aggregates:index", Target::default())?;
    let w = s.world();
    let items: Vec<Value> = w.compute.aggregates.iter().map(|a| view(a, v, true)).collect();
    Ok(reply(v, StatusCode::OK, json!({"aggregates": items})))
}

pub async fn show(State(s): State<AppState>, caller: Caller, Path(id): Path<String>, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-aggregates:show", Target::default())?;
    let mut w = s.world();
    let a = find(&mut w.compute.aggregates, &id)?;
    Ok(reply(v, StatusCode::OK, json!({"aggregate": view(a, v, true)})))
}

fn check_zone(zone: Option<&str>) -> Result<(), ApiError> {
    if zone.is_some_and(|z| z.contains(':')) {
        return Err(bad("Invalid input received: Availability zone name cannot contain ':'"));
    }
    Ok(())
}

pub async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-aggregates:create", Target::default())?;
    let schema = json!({"type": "object", "properties": {"aggregate": {"type": "object",
        "properties": {"name": name_schema(false), "availability_zone": name_schema(true)},
        "required": ["name"], "additionalProperties": false}}, "required": ["aggregate"], "additionalProperties": false});
    check_schema(&body, &schema)?;
    let name = body["aggregate"]["name"].as_str().expect("checked").to_string();
    let zone = body["aggregate"]["availability_zone"].as_str().map(str::to_string);
    check_zone(zone.as_deref())?;
    let mut w = s.world();
    if w.compute.aggregates.iter().any(|a| a.name == name) {
        return Err(conflict(format!("Aggregate {name} already exists.")));
    }
    w.compute.next_aggregate_id += 1;
    let now = w.now();
    let mut a = Aggregate {
        id: w.compute.next_aggregate_id,
        uuid: w.sim.ids.uuid(),
        name,
        hosts: vec![],
        metadata: Default::default(),
        created_at: now,
        updated_at: None,
    };
    if let Some(z) = zone {
        a.metadata.insert("availability_zone".into(), z);
    }
    let out = view(&a, v, false);
    w.compute.aggregates.push(a);
    Ok(reply(v, StatusCode::OK, json!({ "aggregate": out })))
}

pub async fn update(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-aggregates:update", Target::default())?;
    let schema = json!({"type": "object", "properties": {"aggregate": {"type": "object",
        "properties": {"name": name_schema(false), "availability_zone": name_schema(true)},
        "minProperties": 1, "additionalProperties": false}}, "required": ["aggregate"], "additionalProperties": false});
    check_schema(&body, &schema)?;
    let upd = &body["aggregate"];
    check_zone(upd["availability_zone"].as_str())?;
    let mut w = s.world();
    let now = w.now();
    if let Some(n) = upd["name"].as_str() {
        if w.compute.aggregates.iter().any(|a| a.name == n && a.id.to_string() != id) {
            return Err(conflict(format!("Aggregate {n} already exists.")));
        }
    }
    let a = find(&mut w.compute.aggregates, &id)?;
    if let Some(n) = upd["name"].as_str() {
        a.name = n.to_string();
    }
    match upd.get("availability_zone") {
        Some(Value::String(z)) => {
            a.metadata.insert("availability_zone".into(), z.clone());
        }
        Some(Value::Null) => {
            a.metadata.remove("availability_zone");
        }
        _ => {}
    }
    a.updated_at = Some(now);
    Ok(reply(v, StatusCode::OK, json!({"aggregate": view(a, v, true)})))
}

pub async fn delete(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-aggregates:delete", Target::default())?;
    let mut w = s.world();
    let a = find(&mut w.compute.aggregates, &id)?;
    if !a.hosts.is_empty() {
        return Err(bad(format!("Invalid aggregate action delete for aggregate {id}. Reason: Host aggregate is not empty.")));
    }
    let n = a.id;
    w.compute.aggregates.retain(|a| a.id != n);
    Ok(super::common::empty(v, StatusCode::OK))
}

/// `POST /os-aggregates/{id}/action`: `add_host`, `remove_host` and `set_metadata`.
pub async fn action(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    let (name, arg) =
        body.as_object().filter(|o| o.len() == 1).and_then(|o| o.iter().next()).ok_or_else(|| bad("Malformed request body"))?;
    let host_schema = json!({"type": "object", "properties": {"host": {"type": "string", "minLength": 1, "maxLength": 255}},
                             "required": ["host"], "additionalProperties": false});
    let mut w = s.world();
    let now = w.now();
    match name.as_str() {
        "add_host" => {
            enforce(SVC, &caller, "os_compute_api:os-aggregates:add_host", Target::default())?;
            check_schema(arg, &host_schema)?;
            let host = arg["host"].as_str().expect("checked").to_string();
            if w.compute.compute_service(&host).is_none() {
                return Err(super::common::not_found(format!("Compute host {host} could not be found.")));
            }
            // A host lives in one availability zone: joining an aggregate whose zone differs from
            // the zone another of its aggregates gives is refused.
            let zone = find(&mut w.compute.aggregates, &id)?.availability_zone().map(str::to_string);
            let clash = w.compute.aggregates.iter().any(|a| {
                a.id.to_string() != id
                    && a.hosts.contains(&host)
                    && zone.is_some()
                    && a.availability_zone().is_some()
                    && a.availability_zone() != zone.as_deref()
            });
            if clash {
                return Err(bad(format!(
                    "Invalid aggregate action add_host for aggregate {id}. Reason: One or more hosts already in availability zone(s)."
                )));
            }
            let a = find(&mut w.compute.aggregates, &id)?;
            if a.hosts.contains(&host) {
                return Err(conflict(format!("Aggregate {id} already has host {host}.")));
            }
            a.hosts.push(host);
            a.updated_at = Some(now);
            Ok(reply(v, StatusCode::OK, json!({"aggregate": view(a, v, true)})))
        }
        "remove_host" => {
            enforce(SVC, &caller, "os_compute_api:os-aggregates:remove_host", Target::default())?;
            check_schema(arg, &host_schema)?;
            let host = arg["host"].as_str().expect("checked");
            let a = find(&mut w.compute.aggregates, &id)?;
            let at = a
                .hosts
                .iter()
                .position(|h| h == host)
                .ok_or_else(|| super::common::not_found(format!("Cannot remove host {host} in aggregate {id}: not found.")))?;
            a.hosts.remove(at);
            a.updated_at = Some(now);
            Ok(reply(v, StatusCode::OK, json!({"aggregate": view(a, v, true)})))
        }
        "set_metadata" => {
            enforce(SVC, &caller, "os_compute_api:os-aggregates:set_metadata", Target::default())?;
            let schema = json!({"type": "object", "properties": {"metadata": {"type": "object",
                "patternProperties": {"^[a-zA-Z0-9-_:. /]{1,255}$": {"type": ["string", "null"], "maxLength": 255}},
                "additionalProperties": false}}, "required": ["metadata"], "additionalProperties": false});
            check_schema(arg, &schema)?;
            let meta = arg["metadata"].as_object().expect("checked");
            check_zone(meta.get("availability_zone").and_then(Value::as_str))?;
            let a = find(&mut w.compute.aggregates, &id)?;
            for (k, x) in meta {
                match x.as_str() {
                    Some(s) => {
                        a.metadata.insert(k.clone(), s.to_string());
                    }
                    None => {
                        a.metadata.remove(k);
                    }
                }
            }
            a.updated_at = Some(now);
            Ok(reply(v, StatusCode::OK, json!({"aggregate": view(a, v, true)})))
        }
        other => Err(bad(format!("There is no such action: {other}"))),
    }
}
