//! `GET /os-migrations`: every resize, cold migration and evacuation, newest first, for admins.
//! Filters on host, status, server, type and source host; 2.23 adds `migration_type`; 2.59 the
//! uuid, paging and `changes-since` (2.66 `changes-before`); 2.80 the user and project, and
//! filters on them.

use super::common::{bad, reply, ApiResult, Nova, SVC};
use super::paging::{page, ChangesWindow};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::compute::migrations::Migration;
use crate::compute::views::ts_micro;
use crate::http::extract::{BaseUrl, Params};
use crate::http::microversion::{Microversion, Version};
use crate::policy::{enforce, Target};
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

/// The query parameters Nova's schema knows at a microversion (from 2.59 it refuses the rest).
fn known_params(v: Version) -> Vec<&'static str> {
    let mut known = vec!["hidden", "host", "instance_uuid", "source_compute", "status", "migration_type"];
    if v.at_least(2, 59) {
        known.extend(["limit", "marker", "changes-since"]);
    }
    if v.at_least(2, 66) {
        known.push("changes-before");
    }
    if v.at_least(2, 80) {
        known.extend(["user_id", "project_id"]);
    }
    known
}

/// Nova keeps flavor ids as integers in a migration row; a flavor with a non-numeric id shows null.
fn flavor_number(id: &str) -> Value {
    id.parse::<u64>().map_or(Value::Null, Value::from)
}

fn view(m: &Migration, v: Version) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), json!(m.id));
    o.insert("status".into(), json!(m.status));
    o.insert("instance_uuid".into(), json!(m.server_id));
    o.insert("source_compute".into(), json!(m.source_compute));
    o.insert("source_node".into(), json!(m.source_compute));
    o.insert("dest_compute".into(), json!(m.dest_compute));
    o.insert("dest_node".into(), json!(m.dest_compute));
    // Nova fills dest_host (an address) only for live migrations.
    o.insert("dest_host".into(), Value::Null);
    o.insert("old_instance_type_id".into(), flavor_number(&m.old_flavor_id));
    o.insert("new_instance_type_id".into(), flavor_number(&m.new_flavor_id));
    o.insert("created_at".into(), json!(ts_micro(m.created_at)));
    o.insert("updated_at".into(), json!(m.updated_at.map(ts_micro)));
    if v.at_least(2, 23) {
        o.insert("migration_type".into(), json!(m.migration_type.as_str()));
    }
    if v.at_least(2, 59) {
        o.insert("uuid".into(), json!(m.uuid));
    }
    if v.at_least(2, 80) {
        o.insert("user_id".into(), json!(m.user_id));
        o.insert("project_id".into(), json!(m.project_id));
    }
    Value::Object(o)
}

pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-migrations:index", Target::default())?;
    if v.at_least(2, 59) {
        let known = known_params(v);
        if let Some((k, _)) = params.0.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            return Err(bad(format!(
                "Invalid input for query parameters {k}. Additional properties are not allowed ('{k}' was unexpected)"
            )));
        }
    }
    let w = s.world();
    let eq = |key: &str, value: &str| params.get(key).is_none_or(|want| want == value);
    let mut found: Vec<&Migration> = w
        .compute
        .migrations
        .list
        .iter()
        .rev()
        .filter(|m| {
            eq("status", &m.status)
                && eq("instance_uuid", &m.server_id)
                && eq("source_compute", &m.source_compute)
                && eq("migration_type", m.migration_type.as_str())
                && params.get("host").is_none_or(|h| h == m.source_compute || h == m.dest_compute)
                && (!v.at_least(2, 80) || (eq("user_id", &m.user_id) && eq("project_id", &m.project_id)))
        })
        .collect();
    let mut links = None;
    if v.at_least(2, 59) {
        let window = ChangesWindow::read(&params, v)?;
        found.retain(|m| window.holds(m.updated_at.unwrap_or(m.created_at)));
        links = page(
            &mut found,
            &params,
            |m| m.uuid.as_str(),
            |limit, marker| format!("{base}/compute/v2.1/os-migrations?limit={limit}&marker={marker}"),
        )?;
    }
    let mut body = json!({"migrations": found.into_iter().map(|m| view(m, v)).collect::<Vec<_>>()});
    if let Some(l) = links {
        body["migrations_links"] = l;
    }
    Ok(reply(v, StatusCode::OK, body))
}
