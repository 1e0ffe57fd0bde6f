//! Quotas (`os-quota-sets`, with usage), the default quota class (`os-quota-class-sets`) and the
//! absolute limits a project sees (`/limits`).

use super::common::{arg, empty, own_project, prelude, project, reply, ApiResult, Cinder, PathArgs};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, Params};
use crate::http::microversion::Microversion;
use crate::policy::{enforce, Target};
use crate::volume::bodies::quota_update;
use crate::volume::model::Volumes;
use crate::volume::request::truthy;
use crate::volume::SERVICE as SVC;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

/// A project's quota set: each resource's limit, or with `usage` its limit, use and reservations.
fn quota_set(vols: &Volumes, project_id: &str, usage: bool) -> Map<String, Value> {
    let mut out = Map::new();
    for r in vols.quota_resources() {
        let limit = vols.quota_limit(project_id, &r);
        let value = if usage {
            let in_use = if r == "per_volume_gigabytes" { 0 } else { vols.quota_usage(project_id, &r) };
            json!({"limit": limit, "in_use": in_use, "reserved": 0})
        } else {
            json!(limit)
        };
        out.insert(r, value);
    }
    out
}

fn defaults(vols: &Volumes) -> Map<String, Value> {
    vols.quota_resources().into_iter().map(|r| (r.clone(), json!(vols.quota_default(&r)))).collect()
}

pub async fn show_quota(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    prelude(&caller, &path)?;
    let target = arg(&path, "target_project");
    enforce(SVC, &caller, "volume_extension:quotas:show", project(&target))?;
    let usage = params.get("usage").and_then(truthy).unwrap_or(false);
    let world = s.world();
    let mut set = quota_set(&world.volume, &target, usage);
    set.insert("id".into(), json!(target));
    Ok(reply(v, StatusCode::OK, json!({ "quota_set": set })))
}

pub async fn show_quota_defaults(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    let target = arg(&path, "target_project");
    enforce(SVC, &caller, "volume_extension:quotas:show", project(&target))?;
    let world = s.world();
    let mut set = defaults(&world.volume);
    set.insert("id".into(), json!(target));
    Ok(reply(v, StatusCode::OK, json!({ "quota_set": set })))
}

/// `PUT /os-quota-sets/{project}` (admin): a limit may not go below what the project already uses.
pub async fn update_quota(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:quotas:update", Target::default())?;
    let target = arg(&path, "target_project");
    let mut world = s.world();
    let known = world.volume.quota_resources();
    let changes = quota_update(&body, "quota_set", &known)?;
    for (r, limit) in &changes {
        let used = if r == "per_volume_gigabytes" { 0 } else { world.volume.quota_usage(&target, r) };
        if *limit >= 0 && *limit < used {
            return Err(ApiError::bad_request(
                SVC,
                format!("Invalid input received: Quota limit {limit} for {r} must be equal or greater than existing resources. Current usage is {used} and the requested limit is {limit}."),
            ));
        }
    }
    world.volume.quotas.entry(target.clone()).or_default().extend(changes);
    let set = quota_set(&world.volume, &target, false);
    Ok(reply(v, StatusCode::OK, json!({ "quota_set": set })))
}

/// `DELETE /os-quota-sets/{project}` (admin): back to the defaults.
pub async fn delete_quota(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:quotas:delete", Target::default())?;
    s.world().volume.quotas.remove(&arg(&path, "target_project"));
    Ok(empty(v, StatusCode::OK))
}

pub async fn show_quota_class(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:quota_classes:get", Target::default())?;
    let class = arg(&path, "class_name");
    let world = s.world();
    let mut set = defaults(&world.volume);
    set.insert("id".into(), json!(class));
    Ok(reply(v, StatusCode::OK, json!({ "quota_class_set": set })))
}

/// `PUT /os-quota-class-sets/{class}` (admin): the `default` class is what every project without
/// its own limits gets.
pub async fn update_quota_class(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:quota_classes:update", Target::default())?;
    let class = arg(&path, "class_name");
    if class.is_empty() || class.chars().count() > 255 {
        return Err(ApiError::bad_request(SVC, "Invalid quota class name."));
    }
    let mut world = s.world();
    let known = world.volume.quota_resources();
    let changes = quota_update(&body, "quota_class_set", &known)?;
    if class == "default" {
        world.volume.quota_class.extend(changes);
    }
    let set = defaults(&world.volume);
    Ok(reply(v, StatusCode::OK, json!({ "quota_class_set": set })))
}

/// `GET /limits`: the project's absolute limits and what it uses; no rate limits.
pub async fn limits(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "limits_extension:used_limits", own_project(&caller))?;
    let p = caller.project_id.clone().unwrap_or_default();
    let world = s.world();
    let q = &world.volume;
    let absolute = json!({
        "maxTotalVolumes": q.quota_limit(&p, "volumes"),
        "maxTotalSnapshots": q.quota_limit(&p, "snapshots"),
        "maxTotalVolumeGigabytes": q.quota_limit(&p, "gigabytes"),
        "maxTotalBackups": q.quota_limit(&p, "backups"),
        "maxTotalBackupGigabytes": q.quota_limit(&p, "backup_gigabytes"),
        "totalVolumesUsed": q.quota_usage(&p, "volumes"),
        "totalSnapshotsUsed": q.quota_usage(&p, "snapshots"),
        "totalGigabytesUsed": q.quota_usage(&p, "gigabytes"),
        "totalBackupsUsed": 0,
        "totalBackupGigabytesUsed": 0,
    });
    Ok(reply(v, StatusCode::OK, json!({ "limits": { "rate": [], "absolute": absolute } })))
}
