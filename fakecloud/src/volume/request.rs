//! Cinder's request bodies and list queries, checked as its JSON schemas and `api/v3` controllers
//! check them: what a client sent, typed, with Cinder's own wording. The rules that need the
//! cloud's state (zones, types, sources, quotas) are the model's.
//!
//! The `volume` object is read key by key rather than through a derived `Deserialize`: Cinder's
//! messages quote the offending value and the key as sent (`name` or `display_name`), an alias
//! given twice is not an error (the later key wins), and a group id is already a 404 here.

use super::error::{invalid_input, VolumeError};
use crate::sim::SimTime;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// `osapi_max_limit`.
pub const MAX_LIMIT: usize = 1000;

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
    pub group_id: Option<String>,
}

/// A validated `PUT /volumes/{id}` body.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VolumeUpdate {
    pub name: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub metadata: Option<BTreeMap<String, String>>,
}

/// The message of Cinder's JSON-schema validation errors.
pub(super) fn schema(field: &str, value: &serde_json::Value, reason: impl std::fmt::Display) -> VolumeError {
    VolumeError::BadRequest(format!("Invalid input for field/attribute {field}. Value: {value}. {reason}"))
}

pub(super) fn opt_string(field: &str, v: &serde_json::Value, max: usize) -> Result<Option<String>, VolumeError> {
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
pub(super) fn metadata(v: &serde_json::Value) -> Result<BTreeMap<String, String>, VolumeError> {
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
pub(super) fn wrapped<'a>(
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
                "consistencygroup_id" => {
                    if let Some(id) = uuid_ref(key, val)? {
                        return Err(VolumeError::NotFound(format!("ConsistencyGroup {id} could not be found.")));
                    }
                }
                "group_id" => n.group_id = uuid_ref(key, val)?,
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

pub(super) fn truthy(s: &str) -> Option<bool> {
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
}

#[derive(Clone, Copy, Debug)]
pub(super) enum TimeOp {
    Gt,
    Gte,
    Lt,
    Lte,
    Eq,
    Neq,
}

impl TimeOp {
    pub(super) fn holds(self, o: Ordering) -> bool {
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
pub(super) fn time_filter(text: &str) -> Result<(TimeOp, SimTime), VolumeError> {
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
pub(super) fn parse_metadata_filter(text: &str) -> BTreeMap<String, String> {
    if let Ok(m) = serde_json::from_str::<BTreeMap<String, String>>(text) {
        return m;
    }
    if let Ok(m) = serde_json::from_str::<BTreeMap<String, String>>(&text.replace('\'', "\"")) {
        return m;
    }
    BTreeMap::new()
}
