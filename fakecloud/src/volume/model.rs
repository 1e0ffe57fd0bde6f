//! Cinder's state and rules: the services with their heartbeats, volume types, quotas and volumes,
//! whose status moves on the simulated clock through scheduled events.
//!
//! What happens to a volume follows cinder's flow: the API reserves quota and casts to a
//! cinder-scheduler; the scheduler picks a backend whose cinder-volume is up and enabled (else the
//! volume goes to `error`: "No valid backend was found"); the backend creates it (`available`).
//! A cast to a service that has stopped is not processed, so the volume stays `creating` (or
//! `deleting`) until the service comes back: a scheduler then places it, and cinder-volume's
//! `init_host` sets volumes it finds `creating` to `error` and finishes deletes it finds `deleting`.
//! The signatures of `from_fixture` and `set_service_alive` are a contract World and host events use.

use crate::fixture::Fixture;
use crate::identity::Identity;
use crate::image::Images;
use crate::sim::heartbeat::{Heartbeat, Timing};

/// Cinder's services report every 10 s and are down 60 s after the last report
/// (`service_down_time`).
pub const CINDER: Timing = Timing { report_interval_secs: 10, down_time_secs: 60 };
use crate::sim::journal::{Journal, Record};
use crate::sim::{Ids, Schedule, SimTime};
use crate::volume::Event;
use anyhow::anyhow;
use chrono::Duration;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;

pub const SCHEDULER_BINARY: &str = "cinder-scheduler";
pub const VOLUME_BINARY: &str = "cinder-volume";
/// The TripleO Ceph backend: cinder-volume runs under Pacemaker with this shared host name.
pub const BACKEND_HOST: &str = "hostgroup@tripleo_ceph";
pub const BACKEND_POOL: &str = "tripleo_ceph";
pub const ZONE: &str = "nova";
pub const DEFAULT_TYPE: &str = "__DEFAULT__";
/// How long the backend takes to create an empty volume, one from an image or a clone, and to delete.
pub const CREATE_SECS: i64 = 3;
pub const CREATE_FROM_IMAGE_SECS: i64 = 8;
pub const DELETE_SECS: i64 = 2;
/// `osapi_max_limit`.
pub const MAX_LIMIT: usize = 1000;
const GIB: u64 = 1 << 30;
/// Statuses a volume may be deleted from (cinder/volume/api.py `delete`).
const DELETABLE: &[&str] = &["available", "error", "error_restoring", "error_extending", "error_managing"];

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VolumeService {
    pub binary: String,
    pub host: String,
    pub zone: String,
    pub disabled: bool,
    pub disabled_reason: Option<String>,
    pub heartbeat: Heartbeat,
    pub created_at: SimTime,
}

impl VolumeService {
    /// Running: the process reports (a stopped one may still look up for `service_down_time`).
    pub fn running(&self) -> bool {
        self.heartbeat.stopped_at.is_none()
    }

    pub fn is_up(&self, now: SimTime) -> bool {
        self.heartbeat.is_up(now, CINDER)
    }

    pub fn updated_at(&self, now: SimTime) -> SimTime {
        self.heartbeat.last_report(now, CINDER).max(self.created_at)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VolumeType {
    pub id: String,
    pub name: String,
    pub description: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Attachment {
    pub id: String,
    pub server_id: String,
    pub device: String,
    pub host_name: Option<String>,
    pub attached_at: SimTime,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ImageRef {
    pub image_id: String,
    pub image_name: String,
    pub disk_format: String,
    pub container_format: String,
    pub min_disk: u64,
    pub min_ram: u64,
    pub size: u64,
    pub checksum: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Volume {
    pub id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub project_id: String,
    pub user_id: String,
    /// GiB.
    pub size: u64,
    pub status: String,
    pub availability_zone: String,
    pub volume_type_id: String,
    pub bootable: bool,
    pub multiattach: bool,
    pub metadata: BTreeMap<String, String>,
    /// `host@backend#pool`, once the scheduler has placed it.
    pub host: Option<String>,
    pub source_volid: Option<String>,
    pub image: Option<ImageRef>,
    pub attachments: Vec<Attachment>,
    pub created_at: SimTime,
    pub updated_at: Option<SimTime>,
}

impl Volume {
    fn backend(&self) -> Option<&str> {
        self.host.as_deref().map(|h| h.split('#').next().unwrap_or(h))
    }
}

/// Cinder's default per-project quotas (`quota_volumes`, `quota_gigabytes`, `per_volume_size_limit`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Quota {
    pub volumes: i64,
    pub gigabytes: i64,
    pub per_volume_gigabytes: i64,
}

impl Default for Quota {
    fn default() -> Self {
        Quota { volumes: 10, gigabytes: 1000, per_volume_gigabytes: -1 }
    }
}

/// Why Cinder refuses a request; the API renders each with its status in Cinder's fault format.
#[derive(Debug, Clone, PartialEq)]
pub enum VolumeError {
    BadRequest(String),
    NotFound(String),
    OverLimit(String),
}

fn invalid_input(reason: impl std::fmt::Display) -> VolumeError {
    VolumeError::BadRequest(format!("Invalid input received: {reason}"))
}

pub fn volume_not_found(id: &str) -> VolumeError {
    VolumeError::NotFound(format!("Volume {id} could not be found."))
}

/// Who is asking, for Cinder's project scoping (admin context reads every project).
#[derive(Clone, Copy, Debug)]
pub struct Requester<'a> {
    pub project_id: &'a str,
    pub user_id: &'a str,
    pub admin: bool,
}

/// A validated `POST /volumes` body.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewVolume {
    pub name: Option<String>,
    pub description: Option<String>,
    pub size: Option<u64>,
    pub availability_zone: Option<String>,
    pub volume_type: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub multiattach: bool,
    pub image_ref: Option<String>,
    pub source_volid: Option<String>,
    pub snapshot_id: Option<String>,
    pub backup_id: Option<String>,
}

/// A validated `PUT /volumes/{id}` body.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VolumeUpdate {
    pub name: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub metadata: Option<BTreeMap<String, String>>,
}

/// The message of Cinder's JSON-schema validation errors.
fn schema(field: &str, value: &serde_json::Value, reason: impl std::fmt::Display) -> VolumeError {
    VolumeError::BadRequest(format!("Invalid input for field/attribute {field}. Value: {value}. {reason}"))
}

fn opt_string(field: &str, v: &serde_json::Value, max: usize) -> Result<Option<String>, VolumeError> {
    match v {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(s) if s.chars().count() <= max => Ok(Some(s.clone())),
        serde_json::Value::String(_) => Err(schema(field, v, format!("is too long (more than {max} characters)"))),
        _ => Err(schema(field, v, format!("{v} is not of type 'string', 'null'"))),
    }
}

/// Names: leading and trailing spaces are dropped; all-space names are refused.
fn name(field: &str, v: &serde_json::Value) -> Result<Option<String>, VolumeError> {
    match opt_string(field, v, 255)? {
        Some(s) if !s.is_empty() && s.trim().is_empty() => Err(schema(field, v, "The 'name' can not be empty.")),
        other => Ok(other.map(|s| s.trim().to_string())),
    }
}

/// `metadata`: string keys of `[a-zA-Z0-9-_:. /]{1,255}` to strings of at most 255 characters.
fn metadata(v: &serde_json::Value) -> Result<BTreeMap<String, String>, VolumeError> {
    let map = match v {
        serde_json::Value::Null => return Ok(BTreeMap::new()),
        serde_json::Value::Object(m) => m,
        _ => return Err(schema("metadata", v, format!("{v} is not of type 'object', 'null'"))),
    };
    let mut out = BTreeMap::new();
    for (k, val) in map {
        let key_ok = (1..=255).contains(&k.chars().count()) && k.chars().all(|c| c.is_ascii_alphanumeric() || "-_:. /".contains(c));
        if !key_ok {
            return Err(schema("metadata", v, format!("Additional properties are not allowed ('{k}' was unexpected)")));
        }
        match val.as_str() {
            Some(s) if s.chars().count() <= 255 => out.insert(k.clone(), s.to_string()),
            _ => return Err(schema(&format!("metadata/{k}"), val, format!("{val} is not a string of at most 255 characters"))),
        };
    }
    Ok(out)
}

/// The object under `key` in a body whose only allowed top-level keys are `allowed`.
fn wrapped<'a>(
    body: &'a serde_json::Value,
    key: &str,
    allowed: &[&str],
) -> Result<&'a serde_json::Map<String, serde_json::Value>, VolumeError> {
    let obj = body.as_object().ok_or_else(|| schema("root", body, format!("{body} is not of type 'object'")))?;
    let inner = obj.get(key).ok_or_else(|| schema("root", body, format!("'{key}' is a required property")))?;
    if let Some(extra) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(schema("root", body, format!("Additional properties are not allowed ('{extra}' was unexpected)")));
    }
    inner.as_object().ok_or_else(|| schema(key, inner, format!("{inner} is not of type 'object'")))
}

impl NewVolume {
    /// Cinder's `volumes.create` schema: `volume` is required, its known fields are typed and the
    /// rest ignored; scheduler hints are the only other top-level key.
    pub fn from_json(body: &serde_json::Value) -> Result<NewVolume, VolumeError> {
        let v = wrapped(body, "volume", &["volume", "OS-SCH-HNT:scheduler_hints"])?;
        if let Some(h) = body.get("OS-SCH-HNT:scheduler_hints") {
            if !h.is_object() && !h.is_null() {
                return Err(schema("OS-SCH-HNT:scheduler_hints", h, format!("{h} is not of type 'object', 'null'")));
            }
        }
        let mut n = NewVolume::default();
        let uuid_ref = |field: &str, val: &serde_json::Value| -> Result<Option<String>, VolumeError> {
            let s = opt_string(field, val, 255)?;
            if let Some(id) = &s {
                if uuid::Uuid::try_parse(id).is_err() {
                    return Err(schema(field, val, format!("'{id}' is not a 'uuid'")));
                }
            }
            Ok(s)
        };
        for (key, val) in v {
            match key.as_str() {
                "name" | "display_name" => n.name = name(key, val)?,
                "description" | "display_description" => n.description = opt_string(key, val, 255)?,
                "size" => {
                    n.size =
                        match val {
                            serde_json::Value::Null => None,
                            serde_json::Value::Number(num) => match num.as_u64() {
                                Some(s) if (1..=i32::MAX as u64).contains(&s) => Some(s),
                                _ => return Err(schema("size", val, format!("{val} is less than the minimum of 1 or not an integer"))),
                            },
                            serde_json::Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
                                match s.parse::<u64>() {
                                Ok(n) if (1..=i32::MAX as u64).contains(&n) => Some(n),
                                _ => return Err(invalid_input(format!("Invalid volume size provided for create request: {s} (size argument must be an integer (or string representation of an integer) and greater than zero)."))),
                            }
                            }
                            _ => {
                                return Err(schema(
                                    "size",
                                    val,
                                    format!("{val} is not of type 'integer', 'string', 'null' or does not match '^[0-9]+$'"),
                                ))
                            }
                        }
                }
                "availability_zone" => n.availability_zone = opt_string(key, val, 255)?,
                "volume_type" => n.volume_type = opt_string(key, val, 255)?,
                "metadata" => n.metadata = metadata(val)?,
                "multiattach" => {
                    n.multiattach = match val {
                        serde_json::Value::Null => false,
                        serde_json::Value::Bool(b) => *b,
                        serde_json::Value::String(s)
                            if ["true", "false", "1", "0", "yes", "no", "on", "off"].contains(&s.to_ascii_lowercase().as_str()) =>
                        {
                            ["true", "1", "yes", "on"].contains(&s.to_ascii_lowercase().as_str())
                        }
                        _ => return Err(schema(key, val, format!("{val} is not a boolean"))),
                    }
                }
                "imageRef" | "image_id" => {
                    n.image_ref = opt_string(key, val, 255)?;
                }
                "source_volid" => n.source_volid = uuid_ref(key, val)?,
                "snapshot_id" => n.snapshot_id = uuid_ref(key, val)?,
                "backup_id" => n.backup_id = uuid_ref(key, val)?,
                "consistencygroup_id" | "group_id" => {
                    if let Some(id) = uuid_ref(key, val)? {
                        return Err(VolumeError::NotFound(format!("Group {id} could not be found.")));
                    }
                }
                _ => {}
            }
        }
        Ok(n)
    }
}

impl VolumeUpdate {
    /// Cinder's `volumes.update` schema: only these fields, nothing else.
    pub fn from_json(body: &serde_json::Value) -> Result<VolumeUpdate, VolumeError> {
        let v = wrapped(body, "volume", &["volume"])?;
        let mut u = VolumeUpdate::default();
        for (key, val) in v {
            match key.as_str() {
                "name" | "display_name" => u.name = Some(name(key, val)?),
                "description" | "display_description" => u.description = Some(opt_string(key, val, 255)?),
                "metadata" => u.metadata = Some(metadata(val)?),
                other => {
                    let body = serde_json::Value::Object(v.clone());
                    return Err(schema("volume", &body, format!("Additional properties are not allowed ('{other}' was unexpected)")));
                }
            }
        }
        Ok(u)
    }
}

/// A parsed volume list query.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    pub all_tenants: bool,
    pub filters: Vec<(String, String)>,
    pub sort: Vec<(String, bool)>,
    pub limit: Option<usize>,
    pub marker: Option<String>,
    pub offset: usize,
    pub with_count: bool,
}

/// Query keys that control the listing rather than filter it.
const LIST_CONTROL: &[&str] = &["limit", "marker", "offset", "sort", "sort_key", "sort_dir", "with_count", "all_tenants", "is_public"];
/// `resource_filters.json` for volumes, plus project_id (admin, with all_tenants).
const VOLUME_FILTERS: &[&str] = &[
    "name",
    "status",
    "metadata",
    "bootable",
    "migration_status",
    "availability_zone",
    "group_id",
    "size",
    "created_at",
    "updated_at",
    "project_id",
];
const SORT_KEYS: &[&str] = &["id", "name", "status", "size", "availability_zone", "bootable", "created_at", "updated_at", "project_id"];

fn truthy(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "1" | "t" | "true" | "on" | "y" | "yes" => Some(true),
        "0" | "f" | "false" | "off" | "n" | "no" => Some(false),
        _ => None,
    }
}

impl ListQuery {
    /// Cinder's list parameters. From 3.34 a non-admin's unknown filter is a 400; before it, unknown
    /// filters are silently dropped for non-admins (admins may filter on anything).
    pub fn parse(params: &[(String, String)], admin: bool, generalized_filters: bool) -> Result<ListQuery, VolumeError> {
        let get = |k: &str| params.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        let limit = match get("limit") {
            None => None,
            Some(t) => {
                let n: i64 = t.trim().parse().map_err(|_| VolumeError::BadRequest("limit param must be an integer".into()))?;
                if n < 0 {
                    return Err(VolumeError::BadRequest("limit param must be positive".into()));
                }
                Some((n as u64).min(MAX_LIMIT as u64) as usize)
            }
        };
        let offset = match get("offset") {
            None => 0,
            Some(t) => {
                let n: i64 = t.trim().parse().map_err(|_| VolumeError::BadRequest("offset param must be an integer".into()))?;
                if n < 0 {
                    return Err(VolumeError::BadRequest("offset param must be positive".into()));
                }
                n as usize
            }
        };
        let sort = Self::parse_sort(params)?;
        let mut filters = Vec::new();
        let mut invalid = Vec::new();
        for (k, v) in params.iter().filter(|(k, _)| !LIST_CONTROL.contains(&k.as_str())) {
            let key = k.strip_suffix('~').unwrap_or(k);
            if admin || VOLUME_FILTERS.contains(&key) {
                filters.push((k.clone(), v.clone()));
            } else {
                invalid.push(k.clone());
            }
        }
        if generalized_filters && !invalid.is_empty() {
            return Err(invalid_input(format!("Invalid filters {} are found in query options.", invalid.join(","))));
        }
        for (k, v) in &filters {
            match k.as_str() {
                "bootable" if truthy(v).is_none() => return Err(invalid_input(format!("Invalid value '{v}' for bootable"))),
                "size" if v.parse::<u64>().is_err() => return Err(invalid_input(format!("Invalid value '{v}' for size"))),
                "created_at" | "updated_at" => {
                    time_filter(v)?;
                }
                _ => {}
            }
        }
        Ok(ListQuery {
            all_tenants: get("all_tenants").is_some_and(|v| truthy(v).unwrap_or(true)),
            filters,
            sort,
            limit,
            marker: get("marker").map(str::to_string),
            offset,
            with_count: get("with_count").and_then(truthy).unwrap_or(false),
        })
    }

    /// `sort=key:dir,...` or `sort_key`/`sort_dir`; the default is created_at then id, descending.
    fn parse_sort(params: &[(String, String)]) -> Result<Vec<(String, bool)>, VolumeError> {
        let get = |k: &str| params.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        let dir = |d: &str| match d.trim() {
            "asc" => Ok(true),
            "desc" => Ok(false),
            _ => Err(invalid_input("Unknown sort direction, must be 'desc' or 'asc'")),
        };
        let key = |k: &str| {
            let k = k.trim();
            if SORT_KEYS.contains(&k) {
                Ok(k.to_string())
            } else {
                Err(invalid_input(format!("Invalid sort key: {k}")))
            }
        };
        let mut out = Vec::new();
        if let Some(sort) = get("sort") {
            if get("sort_key").is_some() || get("sort_dir").is_some() {
                return Err(VolumeError::BadRequest(
                    "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.".into(),
                ));
            }
            for part in sort.split(',') {
                let (k, d) = part.split_once(':').unwrap_or((part, "desc"));
                out.push((key(k)?, dir(d)?));
            }
        } else if let Some(k) = get("sort_key") {
            out.push((key(k)?, dir(get("sort_dir").unwrap_or("desc"))?));
        } else if let Some(d) = get("sort_dir") {
            out.push(("created_at".into(), dir(d)?));
        }
        let last = out.last().map(|s| s.1).unwrap_or(false);
        for k in ["created_at", "id"] {
            if !out.iter().any(|(key, _)| key == k) {
                out.push((k.into(), last));
            }
        }
        Ok(out)
    }

    fn compare(&self, a: &Volume, b: &Volume) -> Ordering {
        for (key, asc) in &self.sort {
            let ord = match key.as_str() {
                "id" => a.id.cmp(&b.id),
                "name" => a.name.cmp(&b.name),
                "status" => a.status.cmp(&b.status),
                "size" => a.size.cmp(&b.size),
                "availability_zone" => a.availability_zone.cmp(&b.availability_zone),
                "bootable" => a.bootable.cmp(&b.bootable),
                "project_id" => a.project_id.cmp(&b.project_id),
                "updated_at" => a.updated_at.cmp(&b.updated_at),
                _ => a.created_at.cmp(&b.created_at),
            };
            let ord = if *asc { ord } else { ord.reverse() };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }

    fn matches(&self, v: &Volume) -> bool {
        self.filters.iter().all(|(k, want)| match k.as_str() {
            "name" => v.name.as_deref() == Some(want.as_str()),
            "name~" => v.name.as_deref().is_some_and(|n| n.contains(want.as_str())),
            "status" => v.status == *want,
            "status~" => v.status.contains(want.as_str()),
            "availability_zone" => v.availability_zone == *want,
            "bootable" => truthy(want) == Some(v.bootable),
            "size" => want.parse::<u64>().ok() == Some(v.size),
            "project_id" => v.project_id == *want,
            "metadata" => parse_metadata_filter(want).iter().all(|(mk, mv)| v.metadata.get(mk) == Some(mv)),
            "created_at" => time_filter(want).is_ok_and(|(op, t)| op.holds(v.created_at.cmp(&t))),
            "updated_at" => time_filter(want).is_ok_and(|(op, t)| op.holds(v.updated_at.unwrap_or(v.created_at).cmp(&t))),
            "migration_status" | "group_id" => false,
            _ => false,
        })
    }
}

#[derive(Clone, Copy, Debug)]
enum TimeOp {
    Gt,
    Gte,
    Lt,
    Lte,
    Eq,
    Neq,
}

impl TimeOp {
    fn holds(self, o: Ordering) -> bool {
        match self {
            TimeOp::Gt => o == Ordering::Greater,
            TimeOp::Gte => o != Ordering::Less,
            TimeOp::Lt => o == Ordering::Less,
            TimeOp::Lte => o != Ordering::Greater,
            TimeOp::Eq => o == Ordering::Equal,
            TimeOp::Neq => o != Ordering::Equal,
        }
    }
}

/// `created_at=gte:2026-01-01T00:00:00` (3.60's time comparison filters).
fn time_filter(text: &str) -> Result<(TimeOp, SimTime), VolumeError> {
    let (op, value) = match text.split_once(':') {
        Some((op @ ("gt" | "gte" | "lt" | "lte" | "eq" | "neq"), rest)) => (op, rest),
        _ => ("eq", text),
    };
    let op = match op {
        "gt" => TimeOp::Gt,
        "gte" => TimeOp::Gte,
        "lt" => TimeOp::Lt,
        "lte" => TimeOp::Lte,
        "neq" => TimeOp::Neq,
        _ => TimeOp::Eq,
    };
    let t = chrono::DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&chrono::Utc))
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f").map(|n| n.and_utc()))
        .map_err(|_| invalid_input(format!("Invalid filter value: {text}")))?;
    Ok((op, t))
}

/// The metadata filter as clients send it: a stringified dict (`{'k': 'v'}`) or JSON.
fn parse_metadata_filter(text: &str) -> BTreeMap<String, String> {
    if let Ok(m) = serde_json::from_str::<BTreeMap<String, String>>(text) {
        return m;
    }
    if let Ok(m) = serde_json::from_str::<BTreeMap<String, String>>(&text.replace('\'', "\"")) {
        return m;
    }
    BTreeMap::new()
}

/// One page of a listing.
pub struct Page<'a> {
    pub volumes: Vec<&'a Volume>,
    /// Set when the page is full, as Cinder's `_get_collection_links` decides.
    pub next_marker: Option<String>,
    pub count: usize,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Volumes {
    pub services: Vec<VolumeService>,
    pub types: Vec<VolumeType>,
    pub volumes: Vec<Volume>,
    /// Per-project quota overrides; projects not listed get the defaults.
    pub quotas: BTreeMap<String, Quota>,
}

impl Volumes {
    /// Services (cinder-scheduler on each controller, cinder-volume on the backend host) and the
    /// fixture's volumes; `server_id` maps a fixture server name to its id for attachments. A volume
    /// whose server is unknown (no server of that name, or Nova not built) is left `available`.
    pub fn from_fixture(
        f: &Fixture,
        idn: &Identity,
        ids: &mut Ids,
        now: SimTime,
        server_id: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Volumes> {
        let service = |binary: &str, host: &str| VolumeService {
            binary: binary.into(),
            host: host.into(),
            zone: ZONE.into(),
            disabled: false,
            disabled_reason: None,
            heartbeat: Heartbeat::default(),
            created_at: now,
        };
        let mut services: Vec<VolumeService> = f.controllers.iter().map(|c| service(SCHEDULER_BINARY, c)).collect();
        services.push(service(VOLUME_BINARY, BACKEND_HOST));
        let types = vec![VolumeType { id: ids.uuid(), name: DEFAULT_TYPE.into(), description: "Default Volume Type".into() }];
        let mut volumes: Vec<Volume> = Vec::new();
        for spec in &f.volumes {
            let project =
                idn.project_named(&spec.project).ok_or_else(|| anyhow!("volume {}: unknown project {}", spec.name, spec.project))?;
            let user_id = idn
                .users
                .iter()
                .find(|u| u.default_project_id.as_deref() == Some(project.id.as_str()))
                .or_else(|| idn.users.iter().find(|u| idn.user_projects(&u.id).iter().any(|p| p.id == project.id)))
                .map(|u| u.id.clone())
                .unwrap_or_default();
            let id = spec.id.clone().unwrap_or_else(|| ids.uuid());
            let mut attachments = Vec::new();
            if let Some(sid) = spec.attached_to.as_deref().and_then(server_id) {
                let taken = volumes.iter().flat_map(|v| &v.attachments).filter(|a| a.server_id == sid).count();
                attachments.push(Attachment {
                    id: ids.uuid(),
                    device: format!("/dev/vd{}", (b'b' + taken.min(24) as u8) as char),
                    server_id: sid,
                    host_name: None,
                    attached_at: now,
                });
            }
            volumes.push(Volume {
                id,
                name: Some(spec.name.clone()),
                description: None,
                project_id: project.id.clone(),
                user_id,
                size: spec.size,
                status: if attachments.is_empty() { "available" } else { "in-use" }.into(),
                availability_zone: ZONE.into(),
                volume_type_id: types[0].id.clone(),
                bootable: false,
                multiattach: false,
                metadata: BTreeMap::new(),
                host: Some(format!("{BACKEND_HOST}#{BACKEND_POOL}")),
                source_volid: None,
                image: None,
                attachments,
                created_at: now,
                updated_at: Some(now),
            });
        }
        Ok(Volumes { services, types, volumes, quotas: BTreeMap::new() })
    }

    /// Host events: a volume service stops (or resumes) reporting. `binary` e.g. `cinder-volume`.
    /// A scheduler that resumes places the volumes left waiting for one; a cinder-volume that
    /// resumes runs `init_host`: its `creating` volumes go to `error`, its `deleting` ones are
    /// deleted. Returns whether such a service exists.
    pub fn set_service_alive(&mut self, binary: &str, host: &str, alive: bool, now: SimTime) -> bool {
        let Some(svc) = self.services.iter_mut().find(|s| s.binary == binary && s.host == host) else { return false };
        if !alive {
            svc.heartbeat.stop(now);
            return true;
        }
        let was_stopped = !svc.running();
        svc.heartbeat.resume();
        if was_stopped && binary == SCHEDULER_BINARY {
            let waiting: Vec<String> =
                self.volumes.iter().filter(|v| v.status == "creating" && v.host.is_none()).map(|v| v.id.clone()).collect();
            for id in waiting {
                self.place(&id, now, None);
            }
        }
        if was_stopped && binary == VOLUME_BINARY {
            for v in self.volumes.iter_mut().filter(|v| v.backend() == Some(host) && v.status == "creating") {
                v.status = "error".into();
                v.updated_at = Some(now);
            }
            self.volumes.retain(|v| !(v.backend() == Some(host) && v.status == "deleting"));
        }
        true
    }

    /// An operator disables (or enables) a service, as `cinder service-disable` does; the scheduler
    /// skips disabled backends.
    pub fn set_service_disabled(&mut self, binary: &str, host: &str, disabled: bool, reason: Option<String>) -> bool {
        let Some(svc) = self.services.iter_mut().find(|s| s.binary == binary && s.host == host) else { return false };
        svc.disabled = disabled;
        svc.disabled_reason = if disabled { reason } else { None };
        true
    }

    pub fn service(&self, binary: &str, host: &str) -> Option<&VolumeService> {
        self.services.iter().find(|s| s.binary == binary && s.host == host)
    }

    pub fn volume(&self, id: &str) -> Option<&Volume> {
        self.volumes.iter().find(|v| v.id == id)
    }

    pub fn volume_type(&self, id: &str) -> Option<&VolumeType> {
        self.types.iter().find(|t| t.id == id)
    }

    /// The volumes attached to a server, for Nova's `os-extended-volumes:volumes_attached`.
    pub fn attached_to(&self, server_id: &str) -> Vec<&Volume> {
        self.volumes.iter().filter(|v| v.attachments.iter().any(|a| a.server_id == server_id)).collect()
    }

    pub fn quota(&self, project_id: &str) -> Quota {
        self.quotas.get(project_id).cloned().unwrap_or_default()
    }

    /// A volume the requester may see: its own project's, or any for admin.
    pub fn show(&self, id: &str, who: Requester) -> Result<&Volume, VolumeError> {
        self.volume(id).filter(|v| who.admin || v.project_id == who.project_id).ok_or_else(|| volume_not_found(id))
    }

    /// `GET /volumes(/detail)`: the requester's project (every project for an admin asking
    /// `all_tenants`), filtered, sorted, then paged after the marker.
    pub fn list(&self, q: &ListQuery, who: Requester) -> Result<Page<'_>, VolumeError> {
        let everyone = who.admin && q.all_tenants;
        let mut found: Vec<&Volume> =
            self.volumes.iter().filter(|v| (everyone || v.project_id == who.project_id) && q.matches(v)).collect();
        found.sort_by(|a, b| q.compare(a, b));
        let count = found.len();
        if let Some(m) = &q.marker {
            let marker = self.show(m, who)?;
            found.retain(|v| q.compare(v, marker) == Ordering::Greater);
        }
        let found: Vec<&Volume> = found.into_iter().skip(q.offset).collect();
        let limit = q.limit.unwrap_or(MAX_LIMIT);
        let full = found.len() >= limit && limit > 0;
        let page: Vec<&Volume> = found.into_iter().take(limit).collect();
        let next_marker = if full { page.last().map(|v| v.id.clone()) } else { None };
        Ok(Page { volumes: page, next_marker, count })
    }

    /// `POST /volumes`: validates everything, reserves quota, and schedules the creation.
    #[allow(clippy::too_many_arguments)]
    pub fn create(
        &mut self,
        new: NewVolume,
        who: Requester,
        images: &Images,
        ids: &mut Ids,
        sched: &mut impl Schedule<Event>,
        journal: &mut Journal,
        now: SimTime,
    ) -> Result<&Volume, VolumeError> {
        if let Some(id) = &new.snapshot_id {
            return Err(VolumeError::NotFound(format!("Snapshot {id} could not be found.")));
        }
        if let Some(id) = &new.backup_id {
            return Err(VolumeError::NotFound(format!("Backup {id} could not be found.")));
        }
        let zone = new.availability_zone.clone().unwrap_or_else(|| ZONE.into());
        if zone != ZONE {
            return Err(VolumeError::BadRequest(format!("Availability zone '{zone}' is invalid.")));
        }
        let vtype = match new.volume_type.as_deref() {
            None | Some("") => &self.types[0],
            Some(t) => self
                .types
                .iter()
                .find(|x| x.name == t || x.id == t)
                .ok_or_else(|| VolumeError::NotFound(format!("Volume type with name {t} could not be found.")))?,
        };
        let source = match &new.source_volid {
            Some(id) => {
                let s = self.show(id, who)?;
                if !["available", "in-use"].contains(&s.status.as_str()) {
                    return Err(VolumeError::BadRequest(format!(
                        "Invalid volume: Unable to create a volume from an originating source volume when its status is not 'available' or 'in-use'. The source volume status is {}.",
                        s.status
                    )));
                }
                Some(s)
            }
            None => None,
        };
        let image = match &new.image_ref {
            Some(r) => {
                let i = images
                    .find(r, who.project_id, who.admin)
                    .ok_or_else(|| VolumeError::BadRequest("Invalid image identifier or unable to access requested image.".into()))?;
                if i.status != "active" {
                    return Err(invalid_input(format!("Image {} is not active.", i.id)));
                }
                Some(i)
            }
            None => None,
        };
        let size = new.size.or(source.map(|s| s.size)).ok_or_else(|| {
            invalid_input("Invalid volume size provided for create request: None (size argument must be an integer (or string representation of an integer) and greater than zero).")
        })?;
        if let Some(s) = source {
            if size < s.size {
                return Err(invalid_input(format!(
                    "Volume size '{size}'GB cannot be smaller than original volume size  {}GB. They must be >= original volume size.",
                    s.size
                )));
            }
        }
        if let Some(i) = image {
            let image_gb = i.size.div_ceil(GIB);
            if image_gb > size {
                return Err(invalid_input(format!("Size of specified image {image_gb}GB is larger than volume size {size}GB.")));
            }
            if i.min_disk > size {
                return Err(invalid_input(format!("Volume size {size}GB cannot be smaller than the image minDisk size {}GB.", i.min_disk)));
            }
        }
        let quota = self.quota(who.project_id);
        if quota.per_volume_gigabytes >= 0 && size as i64 > quota.per_volume_gigabytes {
            return Err(VolumeError::OverLimit(format!(
                "Requested volume size {size}G is larger than maximum allowed limit {}G.",
                quota.per_volume_gigabytes
            )));
        }
        let mine: Vec<&Volume> = self.volumes.iter().filter(|v| v.project_id == who.project_id).collect();
        let used_gb: u64 = mine.iter().map(|v| v.size).sum();
        if quota.gigabytes >= 0 && (used_gb + size) as i64 > quota.gigabytes {
            return Err(VolumeError::OverLimit(format!(
                "Requested volume or snapshot exceeds allowed gigabytes quota. Requested {size}G, quota is {}G and {used_gb}G has been consumed.",
                quota.gigabytes
            )));
        }
        if quota.volumes >= 0 && mine.len() as i64 >= quota.volumes {
            return Err(VolumeError::OverLimit(format!(
                "Maximum number of volumes allowed ({}) exceeded for quota 'volumes'.",
                quota.volumes
            )));
        }
        let image_ref = image.map(|i| ImageRef {
            image_id: i.id.clone(),
            image_name: i.name.clone(),
            disk_format: i.disk_format.clone(),
            container_format: i.container_format.clone(),
            min_disk: i.min_disk,
            min_ram: i.min_ram,
            size: i.size,
            checksum: i.checksum.clone(),
        });
        let bootable = image_ref.is_some() || source.is_some_and(|s| s.bootable);
        let took = if image_ref.is_some() { CREATE_FROM_IMAGE_SECS } else { CREATE_SECS };
        let volume = Volume {
            id: ids.uuid(),
            name: new.name,
            description: new.description,
            project_id: who.project_id.into(),
            user_id: who.user_id.into(),
            size,
            status: "creating".into(),
            availability_zone: zone,
            volume_type_id: vtype.id.clone(),
            bootable,
            multiattach: new.multiattach,
            metadata: new.metadata,
            host: None,
            source_volid: new.source_volid,
            image: image_ref,
            attachments: Vec::new(),
            created_at: now,
            updated_at: None,
        };
        journal.record(now, transition(&volume.id, None, "creating"));
        sched.schedule_at(now + Duration::seconds(took), Event::VolumeCreated { volume_id: volume.id.clone() });
        self.volumes.push(volume);
        Ok(self.volumes.last().expect("just pushed"))
    }

    /// The scheduled end of a create: the scheduler places the volume and the backend builds it.
    pub fn finish_create(&mut self, id: &str, at: SimTime, journal: &mut Journal) {
        if self.volume(id).is_some_and(|v| v.status == "creating" && v.host.is_none()) {
            self.place(id, at, Some(journal));
        }
    }

    /// The scheduler's decision for a `creating` volume: no running scheduler leaves it waiting;
    /// no backend up and enabled is `error`; a backend that is up but has stopped takes the cast and
    /// never answers, so the volume stays `creating` on that host; otherwise it is `available`.
    fn place(&mut self, id: &str, at: SimTime, journal: Option<&mut Journal>) {
        if !self.services.iter().any(|s| s.binary == SCHEDULER_BINARY && s.running()) {
            return;
        }
        let backend =
            self.services.iter().find(|s| s.binary == VOLUME_BINARY && s.is_up(at) && !s.disabled).map(|s| (s.host.clone(), s.running()));
        let Some(v) = self.volumes.iter_mut().find(|v| v.id == id) else { return };
        let to = match backend {
            None => "error",
            Some((host, running)) => {
                v.host = Some(format!("{host}#{BACKEND_POOL}"));
                if running {
                    "available"
                } else {
                    "creating"
                }
            }
        };
        v.updated_at = Some(at);
        if v.status != to {
            let from = std::mem::replace(&mut v.status, to.into());
            if let Some(j) = journal {
                j.record(at, transition(id, Some(from), to));
            }
        }
    }

    /// `PUT /volumes/{id}`: name, description, metadata (replaced as a whole).
    pub fn update(&mut self, id: &str, u: VolumeUpdate, who: Requester, now: SimTime) -> Result<&Volume, VolumeError> {
        self.show(id, who)?;
        let v = self.volumes.iter_mut().find(|v| v.id == id).expect("shown above");
        if v.status == "maintenance" {
            return Err(VolumeError::BadRequest(format!("Invalid volume: Volume {id} is in maintenance state.")));
        }
        if let Some(n) = u.name {
            v.name = n;
        }
        if let Some(d) = u.description {
            v.description = d;
        }
        if let Some(m) = u.metadata {
            v.metadata = m;
        }
        v.updated_at = Some(now);
        Ok(v)
    }

    /// `DELETE /volumes/{id}`: only from a settled, unattached state. A volume the scheduler never
    /// placed has no backend to ask and is gone at once; otherwise it is `deleting` until the
    /// backend finishes.
    pub fn delete(
        &mut self,
        id: &str,
        who: Requester,
        sched: &mut impl Schedule<Event>,
        journal: &mut Journal,
        now: SimTime,
    ) -> Result<(), VolumeError> {
        let v = self.show(id, who)?;
        if !DELETABLE.contains(&v.status.as_str()) || !v.attachments.is_empty() {
            return Err(VolumeError::BadRequest(
                "Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.".into(),
            ));
        }
        let from = v.status.clone();
        if v.host.is_none() {
            self.volumes.retain(|v| v.id != id);
            journal.record(now, transition(id, Some(from), "deleted"));
            return Ok(());
        }
        let v = self.volumes.iter_mut().find(|v| v.id == id).expect("shown above");
        v.status = "deleting".into();
        v.updated_at = Some(now);
        journal.record(now, transition(id, Some(from), "deleting"));
        sched.schedule_at(now + Duration::seconds(DELETE_SECS), Event::VolumeDeleted { volume_id: id.into() });
        Ok(())
    }

    /// The scheduled end of a delete: gone, unless its backend has stopped (then it stays
    /// `deleting` until `init_host` finishes it).
    pub fn finish_delete(&mut self, id: &str, at: SimTime, journal: &mut Journal) {
        let Some(v) = self.volume(id).filter(|v| v.status == "deleting") else { return };
        let backend = v.backend().unwrap_or_default().to_string();
        if self.services.iter().any(|s| s.binary == VOLUME_BINARY && s.host == backend && s.running()) {
            self.volumes.retain(|v| v.id != id);
            journal.record(at, transition(id, Some("deleting".into()), "deleted"));
        }
    }
}

fn transition(id: &str, from: Option<String>, to: &str) -> Record {
    Record::Transition { resource: "volume".into(), id: id.into(), from, to: to.into() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    struct Cloud {
        vols: Volumes,
        images: Images,
        ids: Ids,
        sched: crate::sim::Scheduler<Event>,
        journal: Journal,
        demo: String,
        alt: String,
        t0: SimTime,
    }

    fn cloud(server: Option<&str>) -> Cloud {
        let f = Fixture::default_cloud();
        let mut ids = Ids::new(3);
        let idn = Identity::from_fixture(&f, &mut ids).unwrap();
        let t0 = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let images = Images::from_fixture(&f, &idn, &mut ids, t0).unwrap();
        let sid = server.map(str::to_string);
        let vols = Volumes::from_fixture(&f, &idn, &mut ids, t0, &|name| if name == "db-0" { sid.clone() } else { None }).unwrap();
        let demo = idn.project_named("demo").unwrap().id.clone();
        let alt = idn.project_named("alt_demo").unwrap().id.clone();
        Cloud { vols, images, ids, sched: crate::sim::Scheduler::default(), journal: Journal::default(), demo, alt, t0 }
    }

    impl Cloud {
        fn who(&self) -> Requester<'_> {
            Requester { project_id: &self.demo, user_id: "u", admin: false }
        }

        fn create(&mut self, body: serde_json::Value) -> Result<String, VolumeError> {
            let new = NewVolume::from_json(&body)?;
            let who = Requester { project_id: &self.demo, user_id: "u", admin: false };
            let t0 = self.t0;
            self.vols.create(new, who, &self.images, &mut self.ids, &mut self.sched, &mut self.journal, t0).map(|v| v.id.clone())
        }

        /// Runs the scheduled events due by `t` (what World::tick does).
        fn run_until(&mut self, t: SimTime) {
            while let Some(due) = self.sched.pop_due(t) {
                match due.event {
                    Event::VolumeCreated { volume_id } => self.vols.finish_create(&volume_id, due.due, &mut self.journal),
                    Event::VolumeDeleted { volume_id } => self.vols.finish_delete(&volume_id, due.due, &mut self.journal),
                }
            }
        }

        fn status(&self, id: &str) -> Option<String> {
            self.vols.volume(id).map(|v| v.status.clone())
        }
    }

    #[test]
    fn services_are_schedulers_on_controllers_and_one_backend() {
        let c = cloud(None);
        let names: Vec<(&str, &str)> = c.vols.services.iter().map(|s| (s.binary.as_str(), s.host.as_str())).collect();
        assert_eq!(names.len(), 4);
        assert!(names.contains(&(SCHEDULER_BINARY, "controller-0")));
        assert!(names.contains(&(VOLUME_BINARY, BACKEND_HOST)));
    }

    #[test]
    fn a_stopped_service_is_down_after_the_down_time() {
        let mut c = cloud(None);
        assert!(c.vols.set_service_alive(VOLUME_BINARY, BACKEND_HOST, false, c.t0));
        assert!(!c.vols.set_service_alive(VOLUME_BINARY, "nowhere", false, c.t0));
        let svc = c.vols.service(VOLUME_BINARY, BACKEND_HOST).unwrap();
        assert!(svc.is_up(c.t0 + Duration::seconds(60)));
        assert!(!svc.is_up(c.t0 + Duration::seconds(61)));
        assert_eq!(svc.updated_at(c.t0 + Duration::seconds(600)), c.t0);
    }

    #[test]
    fn fixture_attachments_need_the_server_id() {
        let c = cloud(None);
        let db = c.vols.volumes.iter().find(|v| v.name.as_deref() == Some("db-data")).unwrap();
        assert_eq!((db.status.as_str(), db.attachments.len()), ("available", 0));
        let c = cloud(Some("srv-1"));
        let db = c.vols.volumes.iter().find(|v| v.name.as_deref() == Some("db-data")).unwrap();
        assert_eq!(db.status, "in-use");
        assert_eq!((db.attachments[0].server_id.as_str(), db.attachments[0].device.as_str()), ("srv-1", "/dev/vdb"));
        assert_eq!(c.vols.attached_to("srv-1").len(), 1);
    }

    #[test]
    fn a_volume_is_created_then_deleted_on_the_clock() {
        let mut c = cloud(None);
        let id = c.create(serde_json::json!({"volume": {"size": 1, "name": "x"}})).unwrap();
        assert_eq!(c.status(&id).unwrap(), "creating");
        c.run_until(c.t0 + Duration::seconds(CREATE_SECS - 1));
        assert_eq!(c.status(&id).unwrap(), "creating");
        c.run_until(c.t0 + Duration::seconds(CREATE_SECS));
        assert_eq!(c.status(&id).unwrap(), "available");
        let who = Requester { project_id: &c.demo.clone(), user_id: "u", admin: false };
        let t = c.t0 + Duration::seconds(10);
        c.vols.delete(&id, who, &mut c.sched, &mut c.journal, t).unwrap();
        assert_eq!(c.status(&id).unwrap(), "deleting");
        c.run_until(t + Duration::seconds(DELETE_SECS));
        assert!(c.status(&id).is_none());
        let tos: Vec<String> = c
            .journal
            .entries()
            .iter()
            .filter_map(|e| match &e.record {
                Record::Transition { to, .. } => Some(to.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(tos, ["creating", "available", "deleting", "deleted"]);
    }

    #[test]
    fn with_the_backend_down_the_scheduler_fails_the_volume() {
        let mut c = cloud(None);
        c.vols.set_service_alive(VOLUME_BINARY, BACKEND_HOST, false, c.t0 - Duration::seconds(120));
        let id = c.create(serde_json::json!({"volume": {"size": 1}})).unwrap();
        c.run_until(c.t0 + Duration::seconds(60));
        assert_eq!(c.status(&id).unwrap(), "error");
        let who = Requester { project_id: &c.demo.clone(), user_id: "u", admin: false };
        c.vols.delete(&id, who, &mut c.sched, &mut c.journal, c.t0 + Duration::seconds(61)).unwrap();
        assert!(c.status(&id).is_none(), "a volume never placed is deleted at once");
    }

    #[test]
    fn a_freshly_stopped_backend_leaves_the_volume_creating_until_init_host() {
        let mut c = cloud(None);
        c.vols.set_service_alive(VOLUME_BINARY, BACKEND_HOST, false, c.t0);
        let id = c.create(serde_json::json!({"volume": {"size": 1}})).unwrap();
        c.run_until(c.t0 + Duration::seconds(30));
        assert_eq!(c.status(&id).unwrap(), "creating");
        c.vols.set_service_alive(VOLUME_BINARY, BACKEND_HOST, true, c.t0 + Duration::seconds(40));
        assert_eq!(c.status(&id).unwrap(), "error");
    }

    #[test]
    fn without_a_scheduler_the_volume_waits_for_one() {
        let mut c = cloud(None);
        for h in ["controller-0", "controller-1", "controller-2"] {
            c.vols.set_service_alive(SCHEDULER_BINARY, h, false, c.t0);
        }
        let id = c.create(serde_json::json!({"volume": {"size": 1}})).unwrap();
        c.run_until(c.t0 + Duration::seconds(300));
        assert_eq!(c.status(&id).unwrap(), "creating");
        c.vols.set_service_alive(SCHEDULER_BINARY, "controller-1", true, c.t0 + Duration::seconds(301));
        assert_eq!(c.status(&id).unwrap(), "available");
    }

    #[test]
    fn attached_or_busy_volumes_cannot_be_deleted() {
        let mut c = cloud(Some("srv-1"));
        let db = c.vols.volumes.iter().find(|v| v.name.as_deref() == Some("db-data")).unwrap().id.clone();
        let who = Requester { project_id: &c.demo.clone(), user_id: "u", admin: false };
        assert!(matches!(c.vols.delete(&db, who, &mut c.sched, &mut c.journal, c.t0), Err(VolumeError::BadRequest(_))));
        let id = c.create(serde_json::json!({"volume": {"size": 1}})).unwrap();
        assert!(matches!(c.vols.delete(&id, who, &mut c.sched, &mut c.journal, c.t0), Err(VolumeError::BadRequest(_))));
    }

    #[test]
    fn projects_are_isolated() {
        let c = cloud(None);
        let alt = Requester { project_id: &c.alt, user_id: "u", admin: false };
        let scratch = c.vols.volumes.iter().find(|v| v.name.as_deref() == Some("scratch")).unwrap().id.clone();
        assert_eq!(c.vols.show(&scratch, alt).unwrap_err(), volume_not_found(&scratch));
        let q = ListQuery::parse(&[], false, true).unwrap();
        assert!(c.vols.list(&q, alt).unwrap().volumes.is_empty());
        assert_eq!(c.vols.list(&q, c.who()).unwrap().volumes.len(), 2);
        let admin = Requester { project_id: &c.alt, user_id: "u", admin: true };
        assert!(c.vols.show(&scratch, admin).is_ok());
        assert!(c.vols.list(&q, admin).unwrap().volumes.is_empty(), "admin sees its own project without all_tenants");
        let all = ListQuery::parse(&[("all_tenants".into(), "1".into())], true, true).unwrap();
        assert_eq!(c.vols.list(&all, admin).unwrap().volumes.len(), 2);
    }

    #[test]
    fn creation_is_validated_before_anything_changes() {
        let mut c = cloud(None);
        let cirros = c.images.images[0].id.clone();
        let ubuntu = c.images.images[1].id.clone();
        let amphora = c.images.images[2].id.clone();
        for (body, want) in [
            (serde_json::json!({"volume": {}}), "Invalid volume size"),
            (serde_json::json!({"volume": {"size": 0}}), "minimum"),
            (serde_json::json!({"volume": {"size": "x"}}), "size"),
            (serde_json::json!({"volume": {"size": 1}, "extra": 1}), "Additional properties"),
            (serde_json::json!({"volume": 3}), "not of type 'object'"),
            (serde_json::json!({"size": 1}), "'volume' is a required property"),
            (serde_json::json!({"volume": {"size": 1, "availability_zone": "mars"}}), "Availability zone 'mars' is invalid."),
            (serde_json::json!({"volume": {"size": 1, "volume_type": "gold"}}), "Volume type with name gold"),
            (serde_json::json!({"volume": {"size": 1, "imageRef": amphora}}), "Invalid image identifier"),
            (serde_json::json!({"volume": {"size": 1, "imageRef": ubuntu.clone()}}), "larger than volume size 1GB"),
            (serde_json::json!({"volume": {"size": 2, "imageRef": ubuntu}}), "minDisk size 20GB"),
            (serde_json::json!({"volume": {"size": 1, "metadata": {"k": 1}}}), "metadata"),
            (serde_json::json!({"volume": {"size": 1, "name": "   "}}), "can not be empty"),
            (serde_json::json!({"volume": {"size": 1, "snapshot_id": "8c5c5d3e-1b1a-4a57-9a3c-53c3bb3b8f10"}}), "Snapshot"),
            (serde_json::json!({"volume": {"size": 1001}}), "gigabytes quota"),
        ] {
            let before = c.vols.volumes.len();
            let err = c.create(body.clone()).unwrap_err();
            let msg = format!("{err:?}");
            assert!(msg.contains(want), "{body}: {msg}");
            assert_eq!(c.vols.volumes.len(), before);
            assert!(c.sched.pending().is_empty());
        }
        let id = c.create(serde_json::json!({"volume": {"size": "2", "imageRef": cirros, "name": " boot "}})).unwrap();
        let v = c.vols.volume(&id).unwrap();
        assert!(v.bootable && v.image.is_some());
        assert_eq!(v.name.as_deref(), Some("boot"));
        for _ in 0..7 {
            c.create(serde_json::json!({"volume": {"size": 1}})).unwrap();
        }
        assert!(matches!(c.create(serde_json::json!({"volume": {"size": 1}})), Err(VolumeError::OverLimit(_))), "10 volumes at most");
    }

    #[test]
    fn list_queries_filter_sort_and_page() {
        let c = cloud(None);
        let q = |pairs: &[(&str, &str)], admin: bool| {
            ListQuery::parse(&pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>(), admin, true)
        };
        let names = |p: Page| p.volumes.iter().map(|v| v.name.clone().unwrap()).collect::<Vec<_>>();
        assert_eq!(names(c.vols.list(&q(&[("sort", "name:asc")], false).unwrap(), c.who()).unwrap()), ["db-data", "scratch"]);
        assert_eq!(names(c.vols.list(&q(&[("name", "scratch")], false).unwrap(), c.who()).unwrap()), ["scratch"]);
        assert_eq!(names(c.vols.list(&q(&[("size", "20")], false).unwrap(), c.who()).unwrap()), ["db-data"]);
        let page = c.vols.list(&q(&[("sort_key", "name"), ("sort_dir", "asc"), ("limit", "1")], false).unwrap(), c.who()).unwrap();
        let marker = page.next_marker.clone().unwrap();
        assert_eq!(names(page), ["db-data"]);
        let rest = c
            .vols
            .list(&q(&[("sort_key", "name"), ("sort_dir", "asc"), ("limit", "1"), ("marker", &marker)], false).unwrap(), c.who())
            .unwrap();
        assert_eq!(rest.volumes.len(), 1);
        for bad in [
            vec![("limit", "x")],
            vec![("limit", "-2")],
            vec![("sort_key", "colour")],
            vec![("sort_dir", "up")],
            vec![("bootable", "maybe")],
            vec![("user_id", "u")],
            vec![("created_at", "gt:yesterday")],
        ] {
            assert!(q(&bad, false).is_err(), "{bad:?}");
        }
        assert!(q(&[("user_id", "u")], true).is_ok(), "admins may filter on anything");
        assert!(ListQuery::parse(&[("user_id".into(), "u".into())], false, false).unwrap().filters.is_empty(), "dropped before 3.34");
    }
}
