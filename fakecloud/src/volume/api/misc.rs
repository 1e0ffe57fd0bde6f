//! The version documents (no token), os-services and what an admin reads of the deployment
//! (os-hosts, scheduler-stats pools, backend capabilities), the availability zones and the
//! extensions list.

use super::common::{arg, empty, prelude, reply, ApiResult, Cinder, PathArgs};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::http::microversion::Microversion;
use crate::policy::{enforce, Target};
use crate::volume::model::{VolumeService, BACKEND_POOL, VOLUME_BINARY, ZONE};
use crate::volume::views;
use crate::volume::SERVICE as SVC;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// `GET /volume`: every version, 300 Multiple Choices.
pub async fn versions(BaseUrl(base): BaseUrl) -> Response {
    (StatusCode::MULTIPLE_CHOICES, Json(views::versions(&base))).into_response()
}

/// `GET /volume/v3/`: the same document, 200 (what keystoneauth's discovery reads).
pub async fn version_v3(BaseUrl(base): BaseUrl) -> Json<Value> {
    Json(views::versions(&base))
}

/// Cinder's host filter: `host` names the host itself or any backend or pool on it
/// (`host@backend`, `host@backend#pool`).
fn host_matches(filter: &str, host: &str) -> bool {
    host == filter || host.starts_with(&format!("{filter}@")) || host.starts_with(&format!("{filter}#"))
}

/// `GET /os-services` (admin): every cinder service with its state from heartbeats; `host` and
/// `binary` filter.
pub async fn list_services(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:services:index", Target::default())?;
    let world = s.world();
    let now = world.now();
    let services: Vec<Value> = world
        .volume
        .services
        .iter()
        .filter(|x| params.get("host").is_none_or(|h| host_matches(h, &x.host)) && params.get("binary").is_none_or(|b| b == x.binary))
        .map(|x| views::service(x, now, v))
        .collect();
    Ok(reply(v, StatusCode::OK, json!({ "services": services })))
}

fn body_string(body: &Value, key: &str) -> Result<Option<String>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.is_empty() && s.chars().count() <= 255 => Ok(Some(s.clone())),
        Some(other) => Err(ApiError::bad_request(SVC, format!("Invalid input for field/attribute {key}. Value: {other}."))),
    }
}

/// `PUT /os-services/{action}` (admin): enable, disable, disable-log-reason, freeze, thaw.
pub async fn update_service(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:services:update", Target::default())?;
    let action = arg(&path, "action");
    let obj = body.as_object().ok_or_else(|| ApiError::bad_request(SVC, "Invalid input: the body must be an object."))?;
    let allowed: &[&str] = match action.as_str() {
        "enable" | "disable" => &["binary", "host", "cluster", "service"],
        "disable-log-reason" => &["binary", "host", "cluster", "service", "disabled_reason"],
        "freeze" | "thaw" => &["host", "cluster"],
        _ => return Err(ApiError::not_found(SVC, "Unknown action")),
    };
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(ApiError::bad_request(SVC, format!("Additional properties are not allowed ('{k}' was unexpected)")));
    }
    let host = body_string(&body, "host")?.ok_or_else(|| ApiError::bad_request(SVC, "Missing required element 'host' in request body."))?;
    let mut world = s.world();
    if action == "freeze" || action == "thaw" {
        let svc = world
            .volume
            .services
            .iter_mut()
            .find(|x| x.binary == VOLUME_BINARY && host_matches(&host, &x.host))
            .ok_or_else(|| ApiError::bad_request(SVC, format!("Invalid input received: Service {host} could not be found.")))?;
        svc.frozen = action == "freeze";
        return Ok(empty(v, StatusCode::OK));
    }
    let service = body_string(&body, "service")?;
    let binary = body_string(&body, "binary")?;
    let key = binary.clone().or(service.clone()).ok_or_else(|| ApiError::bad_request(SVC, "'binary' is a required property"))?;
    let reason = body_string(&body, "disabled_reason")?;
    if action == "disable-log-reason" && reason.is_none() {
        return Err(ApiError::bad_request(SVC, "Disabled reason contains invalid characters or is too long"));
    }
    let disabled = action != "enable";
    if !world.volume.set_service_disabled(&key, &host, disabled, reason.clone()) {
        return Err(ApiError::not_found(SVC, format!("Service {key} could not be found.")));
    }
    let mut out = json!({
        "host": host,
        "service": service.unwrap_or_default(),
        "binary": binary.unwrap_or_default(),
        "status": if disabled { "disabled" } else { "enabled" },
        "disabled": disabled,
    });
    if action != "disable" {
        out["disabled_reason"] = json!(reason);
    }
    Ok(reply(v, StatusCode::OK, out))
}

/// One `os-hosts` row per service.
fn host_row(x: &VolumeService, now: crate::sim::SimTime) -> Value {
    json!({
        "service-status": if x.is_up(now) { "available" } else { "unavailable" },
        "service": x.binary,
        "zone": x.zone,
        "service-state": if x.disabled { "disabled" } else { "enabled" },
        "host_name": x.host,
        "last-update": views::time(x.updated_at(now)),
    })
}

pub async fn list_hosts(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:hosts", Target::default())?;
    let world = s.world();
    let now = world.now();
    let hosts: Vec<Value> = world.volume.services.iter().map(|x| host_row(x, now)).collect();
    Ok(reply(v, StatusCode::OK, json!({ "hosts": hosts })))
}

/// `GET /os-hosts/{host}`: the volumes and snapshots on a cinder-volume host, in total and per
/// project.
pub async fn show_host(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:hosts", Target::default())?;
    let host = arg(&path, "host");
    let world = s.world();
    if !world.volume.services.iter().any(|x| x.binary == VOLUME_BINARY && x.host == host) {
        return Err(ApiError::not_found(SVC, format!("Host {host} could not be found.")));
    }
    let on_host: Vec<_> = world.volume.volumes.iter().filter(|x| x.host.as_deref().is_some_and(|h| host_matches(&host, h))).collect();
    let row = |project: &str, vols: &[&crate::volume::model::Volume]| {
        let ids: Vec<&str> = vols.iter().map(|x| x.id.as_str()).collect();
        let snaps: Vec<_> = world.volume.snapshots.iter().filter(|sn| ids.contains(&sn.volume_id.as_str())).collect();
        json!({"resource": {
            "host": host,
            "project": project,
            "volume_count": vols.len().to_string(),
            "total_volume_gb": vols.iter().map(|x| x.size).sum::<u64>().to_string(),
            "snapshot_count": snaps.len().to_string(),
            "total_snapshot_gb": snaps.iter().map(|sn| sn.size).sum::<u64>().to_string(),
        }})
    };
    let mut rows = vec![row("(total)", &on_host)];
    let mut projects: Vec<&str> = on_host.iter().map(|x| x.project_id.as_str()).collect();
    projects.sort();
    projects.dedup();
    for p in projects {
        let mine: Vec<_> = on_host.iter().copied().filter(|x| x.project_id == p).collect();
        rows.push(row(p, &mine));
    }
    Ok(reply(v, StatusCode::OK, json!({ "host": rows })))
}

pub async fn availability_zones(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    let world = s.world();
    let now = world.now();
    let available = world.volume.services.iter().any(|x| x.binary == VOLUME_BINARY && x.zone == ZONE && x.is_up(now) && !x.disabled);
    Ok(reply(v, StatusCode::OK, json!({ "availabilityZoneInfo": [{"zoneName": ZONE, "zoneState": {"available": available}}] })))
}

/// The API extensions this Cinder serves.
const EXTENSIONS: &[(&str, &str, &str)] = &[
    ("os-admin-actions", "AdminActions", "Enable admin actions."),
    ("os-availability-zone", "AvailabilityZones", "Describe Availability Zones."),
    ("capabilities", "Capabilities", "Capabilities support."),
    ("os-extended-services", "ExtendedServices", "Extended services support."),
    ("os-extended-snapshot-attributes", "ExtendedSnapshotAttributes", "Extended SnapshotAttributes support."),
    ("os-hosts", "Hosts", "Admin-only host administration."),
    ("qos-specs", "Qos_specs_manage", "QoS specs support."),
    ("os-quota-class-sets", "Quota_classes", "Quota classes management support."),
    ("os-quota-sets", "Quotas", "Quota management support."),
    ("scheduler-stats", "Scheduler_stats", "Scheduler stats support."),
    ("os-services", "Services", "Services support."),
    ("os-snapshot-actions", "SnapshotActions", "Enable snapshot manager actions."),
    ("os-types-extra-specs", "TypesExtraSpecs", "Type extra specs support."),
    ("os-types-manage", "TypesManage", "Types manage support."),
    ("os-used-limits", "UsedLimits", "Provide data on limited resources that are being used."),
    ("os-volume-actions", "VolumeActions", "Enable volume actions."),
    ("os-vol-host-attr", "VolumeHostAttribute", "Expose host as an attribute of a volume."),
    ("os-vol-image-meta", "VolumeImageMetadata", "Show image metadata associated with the volume."),
    ("os-vol-mig-status-attr", "VolumeMigStatusAttribute", "Expose migration_status as an attribute of a volume."),
    ("os-vol-tenant-attr", "VolumeTenantAttribute", "Expose the internal project_id as an attribute of a volume."),
    ("os-volume-transfer", "VolumeTransfer", "Volume transfer management support."),
    ("os-volume-type-access", "VolumeTypeAccess", "Volume type access support."),
    ("encryption", "VolumeTypeEncryption", "Encryption support for volume types."),
];

pub async fn list_extensions(caller: Caller, Microversion(v, ..): Microversion<Cinder>, axum::extract::Path(path): PathArgs) -> ApiResult {
    prelude(&caller, &path)?;
    let items: Vec<Value> = EXTENSIONS
        .iter()
        .map(|(alias, name, description)| {
            json!({"alias": alias, "name": name, "description": description, "links": [], "updated": "2013-01-01T00:00:00+00:00"})
        })
        .collect();
    Ok(reply(v, StatusCode::OK, json!({ "extensions": items })))
}

/// What the RBD backend reports to the scheduler (its `_update_volume_stats`).
fn backend_stats(world: &crate::world::World, host: &str) -> Value {
    let allocated: u64 =
        world.volume.volumes.iter().filter(|x| x.host.as_deref().is_some_and(|h| host_matches(host, h))).map(|x| x.size).sum();
    json!({
        "volume_backend_name": BACKEND_POOL,
        "vendor_name": "Open Source",
        "driver_version": "1.2.0",
        "storage_protocol": "ceph",
        "total_capacity_gb": 10240.0,
        "free_capacity_gb": 10240.0 - allocated as f64,
        "allocated_capacity_gb": allocated,
        "reserved_percentage": 0,
        "QoS_support": true,
        "multiattach": true,
        "thin_provisioning_support": true,
        "max_over_subscription_ratio": "20.0",
        "location_info": format!("ceph:/etc/ceph/ceph.conf:{BACKEND_POOL}:openstack:volumes"),
        "backend_state": "up",
        "timestamp": views::time(world.now()),
    })
}

/// `GET /scheduler-stats/get_pools` (admin): one pool per cinder-volume backend.
pub async fn get_pools(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "scheduler_extension:scheduler_stats:get_pools", Target::default())?;
    let detail = params.get("detail").and_then(crate::volume::request::truthy).unwrap_or(false);
    let world = s.world();
    let pools: Vec<Value> = world
        .volume
        .services
        .iter()
        .filter(|x| x.binary == VOLUME_BINARY)
        .map(|x| {
            let name = format!("{}#{BACKEND_POOL}", x.host);
            if detail {
                let mut caps = backend_stats(&world, &x.host);
                caps["pool_name"] = json!(BACKEND_POOL);
                json!({"name": name, "capabilities": caps})
            } else {
                json!({"name": name})
            }
        })
        .collect();
    Ok(reply(v, StatusCode::OK, json!({ "pools": pools })))
}

/// `GET /capabilities/{host}` (admin): a backend's capabilities as its driver reports them.
pub async fn capabilities(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:capabilities", Target::default())?;
    let host = arg(&path, "host");
    let world = s.world();
    let svc = world
        .volume
        .services
        .iter()
        .find(|x| x.binary == VOLUME_BINARY && host_matches(&x.host, host.split('#').next().unwrap_or(&host)))
        .ok_or_else(|| ApiError::not_found(SVC, format!("Service {host} could not be found.")))?;
    let stats = backend_stats(&world, &svc.host);
    let body = json!({
        "namespace": format!("OS::Storage::Capabilities::{}", svc.host),
        "vendor_name": stats["vendor_name"],
        "volume_backend_name": stats["volume_backend_name"],
        "pool_name": Value::Null,
        "driver_version": stats["driver_version"],
        "storage_protocol": stats["storage_protocol"],
        "display_name": Value::Null,
        "description": Value::Null,
        "visibility": Value::Null,
        "replication_targets": [],
        "properties": {
            "compression": {"title": "Compression", "description": "Enables compression.", "type": "boolean"},
            "qos": {"title": "QoS", "description": "Enables QoS.", "type": "boolean"},
            "replication_enabled": {"title": "Replication", "description": "Enables replication.", "type": "boolean"},
            "thin_provisioning": {"title": "Thin Provisioning", "description": "Sets thin provisioning.", "type": "boolean"},
        },
    });
    Ok(reply(v, StatusCode::OK, body))
}

/// User messages (3.3): what the project's asynchronous failures left for it.
fn message_view(m: &crate::volume::model::UserMessage, base: &str) -> Value {
    let base = base.trim_end_matches('/');
    json!({
        "id": m.id,
        "event_id": m.event_id,
        "user_message": m.user_message,
        "message_level": "ERROR",
        "resource_type": m.resource_type,
        "resource_uuid": m.resource_uuid,
        "request_id": m.request_id,
        "created_at": views::time(m.created_at),
        "guaranteed_until": views::time(m.created_at + chrono::Duration::days(30)),
        "links": [
            {"href": format!("{base}/volume/v3/{}/messages/{}", m.project_id, m.id), "rel": "self"},
            {"href": format!("{base}/volume/{}/messages/{}", m.project_id, m.id), "rel": "bookmark"},
        ],
    })
}

fn messages_version(v: crate::http::microversion::Version) -> Result<(), ApiError> {
    if !v.at_least(3, 3) {
        return Err(ApiError::not_found(SVC, "The resource could not be found."));
    }
    Ok(())
}

pub async fn list_messages(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    BaseUrl(base): BaseUrl,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    messages_version(v)?;
    enforce(SVC, &caller, "message:get_all", super::common::own_project(&caller))?;
    let who = super::common::requester(&caller);
    let world = s.world();
    let items: Vec<Value> =
        world.volume.messages.iter().filter(|m| m.project_id == who.project_id).map(|m| message_view(m, &base)).collect();
    Ok(reply(v, StatusCode::OK, json!({ "messages": items })))
}

fn message_for<'a>(world: &'a crate::world::World, caller: &Caller, id: &str) -> Result<&'a crate::volume::model::UserMessage, ApiError> {
    world
        .volume
        .messages
        .iter()
        .find(|m| m.id == id && (caller.is_admin() || caller.project_id.as_deref() == Some(m.project_id.as_str())))
        .ok_or_else(|| ApiError::not_found(SVC, format!("Message {id} could not be found.")))
}

pub async fn show_message(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    BaseUrl(base): BaseUrl,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    messages_version(v)?;
    let world = s.world();
    let m = message_for(&world, &caller, &arg(&path, "message_id"))?;
    enforce(SVC, &caller, "message:get", super::common::project(&m.project_id))?;
    Ok(reply(v, StatusCode::OK, json!({ "message": message_view(m, &base) })))
}

pub async fn delete_message(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    axum::extract::Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    messages_version(v)?;
    let id = arg(&path, "message_id");
    let mut world = s.world();
    let owner = message_for(&world, &caller, &id)?.project_id.clone();
    enforce(SVC, &caller, "message:delete", super::common::project(&owner))?;
    world.volume.messages.retain(|m| m.id != id);
    Ok(empty(v, StatusCode::NO_CONTENT))
}
