//! Glance's request bodies and list queries, checked as glance/api/v2/images.py's request
//! deserializer and the image schema check them: what a client sent, typed, with Glance's own
//! wording. Who may see or change an image is the model's.

use super::error::ImageError;
use std::collections::BTreeMap;

/// Glance's image statuses (glance/domain/__init__.py).
pub const STATUSES: &[&str] =
    &["queued", "saving", "active", "killed", "deleted", "pending_delete", "deactivated", "uploading", "importing"];
/// An image member's possible answers.
pub const MEMBER_STATUSES: &[&str] = &["pending", "accepted", "rejected"];
pub const VISIBILITIES: &[&str] = &["public", "private", "shared", "community"];
pub const DISK_FORMATS: &[&str] = &["ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop"];
pub const CONTAINER_FORMATS: &[&str] = &["ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"];
/// `api_limit_max` and `limit_param_default`.
pub const LIMIT_MAX: usize = 1000;
pub const LIMIT_DEFAULT: usize = 25;
/// The sort keys Glance accepts (glance/api/v2/images.py `_available_sort_keys`).
pub const SORT_KEYS: &[&str] = &["name", "status", "container_format", "disk_format", "size", "id", "created_at", "updated_at"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortDir {
    Asc,
    Desc,
}

impl SortDir {
    fn parse(text: &str) -> Result<SortDir, ImageError> {
        match text {
            "asc" => Ok(SortDir::Asc),
            "desc" => Ok(SortDir::Desc),
            other => Err(ImageError::BadRequest(format!("Invalid sort direction: {other}"))),
        }
    }
}

/// One filter: `field=value` or `field=in:a,b` (Glance's `in` operator), on a column, a tag or an
/// extra property.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Filter {
    pub(super) key: String,
    pub(super) values: Vec<String>,
}

/// A parsed `GET /v2/images` query.
#[derive(Clone, Debug, PartialEq)]
pub struct ListQuery {
    pub(super) filters: Vec<Filter>,
    pub(super) tags: Vec<String>,
    /// `None`: the default listing (own, public, shared-with-me; community only if owned).
    pub(super) visibility: Option<String>,
    pub(super) os_hidden: bool,
    /// `member_status` (`pending`, `accepted`, `rejected` or `all`; unset: `accepted`).
    pub(super) member_status: Option<String>,
    pub(super) protected: Option<bool>,
    pub(super) size_min: Option<u64>,
    pub(super) size_max: Option<u64>,
    pub(super) sort: Vec<(String, SortDir)>,
    pub limit: usize,
    pub marker: Option<String>,
}

/// Query keys that are not filters on a column or property.
const CONTROL_KEYS: &[&str] = &[
    "limit",
    "marker",
    "sort_key",
    "sort_dir",
    "sort",
    "visibility",
    "member_status",
    "tag",
    "os_hidden",
    "protected",
    "size_min",
    "size_max",
];
/// Columns a plain `key=value` filters on (anything else is an extra property, as in Glance).
pub(super) const COLUMN_FILTERS: &[&str] =
    &["id", "name", "status", "owner", "container_format", "disk_format", "min_ram", "min_disk", "checksum", "os_hash_value"];

fn parse_bool(key: &str, text: &str) -> Result<bool, ImageError> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(ImageError::BadRequest(format!("Invalid value '{text}' for parameter '{key}': Expected boolean value."))),
    }
}

fn parse_u64(key: &str, text: &str) -> Result<u64, ImageError> {
    text.parse().map_err(|_| ImageError::BadRequest(format!("Invalid value '{text}' for parameter '{key}': Expected integer value.")))
}

impl ListQuery {
    /// Parses and validates the query as Glance's request deserializer does.
    pub fn parse(params: &[(String, String)]) -> Result<ListQuery, ImageError> {
        let get = |k: &str| params.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        let limit = match get("limit") {
            None => LIMIT_DEFAULT,
            Some(text) => {
                let n: i64 = text.trim().parse().map_err(|_| ImageError::BadRequest("limit param must be an integer".into()))?;
                if n < 0 {
                    return Err(ImageError::BadRequest("limit param must be positive".into()));
                }
                (n as u64).min(LIMIT_MAX as u64) as usize
            }
        };
        let visibility = match get("visibility") {
            None | Some("all") => get("visibility").map(str::to_string),
            Some(v) if VISIBILITIES.contains(&v) => Some(v.to_string()),
            Some(v) => return Err(ImageError::BadRequest(format!("Invalid visibility value: {v}"))),
        };
        if let Some(m) = get("member_status") {
            if !["pending", "accepted", "rejected", "all"].contains(&m) {
                return Err(ImageError::BadRequest(format!("Invalid status: {m}")));
            }
        }
        let sort = Self::parse_sort(params)?;
        let mut q = ListQuery {
            filters: Vec::new(),
            tags: params.iter().filter(|(k, _)| k == "tag").map(|(_, v)| v.clone()).collect(),
            visibility,
            member_status: get("member_status").map(str::to_string),
            os_hidden: get("os_hidden").map(|v| parse_bool("os_hidden", v)).transpose()?.unwrap_or(false),
            protected: get("protected").map(|v| parse_bool("protected", v)).transpose()?,
            size_min: get("size_min").map(|v| parse_u64("size_min", v)).transpose()?,
            size_max: get("size_max").map(|v| parse_u64("size_max", v)).transpose()?,
            sort,
            limit,
            marker: get("marker").map(str::to_string),
        };
        for (key, value) in params.iter().filter(|(k, _)| !CONTROL_KEYS.contains(&k.as_str())) {
            let values: Vec<String> = match value.strip_prefix("in:") {
                Some(list) => list.split(',').map(|v| v.trim().trim_matches('"').to_string()).collect(),
                None => vec![value.clone()],
            };
            if key == "status" {
                if let Some(bad) = values.iter().find(|v| !STATUSES.contains(&v.as_str())) {
                    return Err(ImageError::BadRequest(format!("Invalid status value: {bad}")));
                }
            }
            q.filters.push(Filter { key: key.clone(), values });
        }
        Ok(q)
    }

    /// `sort=name:asc,size` or the older repeated `sort_key`/`sort_dir`; created_at then id are
    /// appended as the tie-breakers, in the direction of the last key, as Glance's DB layer does.
    fn parse_sort(params: &[(String, String)]) -> Result<Vec<(String, SortDir)>, ImageError> {
        let all = |k: &str| params.iter().filter(|(key, _)| key == k).map(|(_, v)| v.as_str()).collect::<Vec<_>>();
        let (keys, dirs, sort) = (all("sort_key"), all("sort_dir"), all("sort"));
        let check_key = |k: &str| {
            if SORT_KEYS.contains(&k) {
                Ok(k.to_string())
            } else {
                Err(ImageError::BadRequest(format!("Invalid sort key: {k}. It should be one of the following: {}.", SORT_KEYS.join(", "))))
            }
        };
        let mut out: Vec<(String, SortDir)> = Vec::new();
        if !sort.is_empty() {
            if !keys.is_empty() || !dirs.is_empty() {
                return Err(ImageError::BadRequest(
                    "The `sort_key` and `sort_dir` parameters are deprecated and cannot be used with the `sort` parameter.".into(),
                ));
            }
            for part in sort.iter().flat_map(|s| s.split(',')) {
                let (k, d) = part.split_once(':').unwrap_or((part, "desc"));
                out.push((check_key(k.trim())?, SortDir::parse(d.trim())?));
            }
        } else {
            if dirs.len() > 1 && dirs.len() != keys.len() {
                return Err(ImageError::BadRequest("Number of sort dirs does not match the number of sort keys".into()));
            }
            let dirs: Vec<SortDir> = dirs.iter().map(|d| SortDir::parse(d)).collect::<Result<_, _>>()?;
            for (i, k) in keys.iter().enumerate() {
                let dir = dirs.get(i).or(dirs.first()).copied().unwrap_or(SortDir::Desc);
                out.push((check_key(k)?, dir));
            }
            if keys.is_empty() {
                out.push(("created_at".into(), dirs.first().copied().unwrap_or(SortDir::Desc)));
            }
        }
        let last = out.last().map(|s| s.1).unwrap_or(SortDir::Desc);
        for k in ["created_at", "id"] {
            if !out.iter().any(|(key, _)| key == k) {
                out.push((k.into(), last));
            }
        }
        Ok(out)
    }
}

/// A `POST /v2/images` body, checked against Glance's image schema.
#[derive(Clone, Debug, Default)]
pub struct NewImage {
    pub id: Option<String>,
    pub name: Option<String>,
    pub visibility: Option<String>,
    pub disk_format: Option<String>,
    pub container_format: Option<String>,
    pub min_disk: u64,
    pub min_ram: u64,
    pub protected: bool,
    pub os_hidden: bool,
    pub tags: Vec<String>,
    pub owner: Option<String>,
    pub properties: BTreeMap<String, String>,
}

/// Attributes nobody may set (glance/api/v2/images.py `_readonly_properties`, `_reserved_properties`).
pub(super) const READONLY: &[&str] = &[
    "created_at",
    "updated_at",
    "status",
    "checksum",
    "os_hash_algo",
    "os_hash_value",
    "size",
    "virtual_size",
    "direct_url",
    "self",
    "file",
    "schema",
];
pub(super) const RESERVED: &[&str] = &["location", "deleted", "deleted_at", "locations", "stores"];

fn schema_error(reason: impl std::fmt::Display) -> ImageError {
    ImageError::BadRequest(format!("Provided object does not match schema 'image': {reason}"))
}

impl NewImage {
    /// Validates a JSON body as Glance's image schema and property rules do.
    pub fn from_json(body: &serde_json::Value) -> Result<NewImage, ImageError> {
        let obj = body.as_object().ok_or_else(|| ImageError::BadRequest("Body expected in request.".into()))?;
        let mut n = NewImage::default();
        for (key, value) in obj {
            let text = |v: &serde_json::Value| -> Result<String, ImageError> {
                v.as_str().map(str::to_string).ok_or_else(|| {
                    schema_error(format!("{v} is not of type 'string'\n\nFailed validating 'type' in schema['properties']['{key}']"))
                })
            };
            let nullable_text = |v: &serde_json::Value| -> Result<Option<String>, ImageError> {
                if v.is_null() {
                    Ok(None)
                } else {
                    text(v).map(Some)
                }
            };
            let enumerated = |v: &serde_json::Value, allowed: &[&str]| -> Result<Option<String>, ImageError> {
                let t = nullable_text(v)?;
                match t {
                    Some(t) if !allowed.contains(&t.as_str()) => Err(schema_error(format!("'{t}' is not one of {allowed:?}"))),
                    t => Ok(t),
                }
            };
            let count = |v: &serde_json::Value| -> Result<u64, ImageError> {
                v.as_u64().ok_or_else(|| schema_error(format!("{v} is not of type 'integer' or is less than the minimum of 0")))
            };
            let flag = |v: &serde_json::Value| -> Result<bool, ImageError> {
                v.as_bool().ok_or_else(|| schema_error(format!("{v} is not of type 'boolean'")))
            };
            match key.as_str() {
                "id" => {
                    let id = text(value)?;
                    if uuid::Uuid::try_parse(&id).is_err() {
                        return Err(schema_error(format!("'{id}' does not match '^([0-9a-fA-F]){{8}}-([0-9a-fA-F]){{4}}-([0-9a-fA-F]){{4}}-([0-9a-fA-F]){{4}}-([0-9a-fA-F]){{12}}$'")));
                    }
                    n.id = Some(id.to_ascii_lowercase());
                }
                "name" => {
                    n.name = nullable_text(value)?;
                    if n.name.as_ref().is_some_and(|s| s.chars().count() > 255) {
                        return Err(schema_error("name is too long (more than 255 characters)"));
                    }
                }
                "visibility" => n.visibility = enumerated(value, VISIBILITIES)?,
                "disk_format" => n.disk_format = enumerated(value, DISK_FORMATS)?,
                "container_format" => n.container_format = enumerated(value, CONTAINER_FORMATS)?,
                "min_disk" => n.min_disk = count(value)?,
                "min_ram" => n.min_ram = count(value)?,
                "protected" => n.protected = flag(value)?,
                "os_hidden" => n.os_hidden = flag(value)?,
                "owner" => n.owner = nullable_text(value)?,
                "tags" => {
                    let list = value.as_array().ok_or_else(|| schema_error(format!("{value} is not of type 'array'")))?;
                    for t in list {
                        let t = text(t)?;
                        if t.chars().count() > 255 {
                            return Err(schema_error("a tag is too long (more than 255 characters)"));
                        }
                        if !n.tags.contains(&t) {
                            n.tags.push(t);
                        }
                    }
                }
                k if READONLY.contains(&k) => return Err(ImageError::Forbidden(format!("Attribute '{k}' is read-only."))),
                k if RESERVED.contains(&k) || k.starts_with("os_glance") => {
                    return Err(ImageError::Forbidden(format!("Attribute '{k}' is reserved.")))
                }
                k => {
                    if k.chars().count() > 255 {
                        return Err(schema_error("a property name is too long (more than 255 characters)"));
                    }
                    n.properties.insert(k.to_string(), text(value)?);
                }
            }
        }
        Ok(n)
    }
}

/// One operation of a `PATCH /v2/images/{id}` body.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub op: PatchOp,
    /// The JSON pointer, decoded into its segments (`/name` is `["name"]`).
    pub path: Vec<String>,
    pub value: Option<serde_json::Value>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchOp {
    Add,
    Replace,
    Remove,
}

/// The JSON-patch media types Glance takes: `v2.1` is RFC 6902's `{"op", "path", "value"}`;
/// `v2.0`, the draft format, names the operation as the key (`{"replace": "/name", "value"}`).
pub const PATCH_V21: &str = "application/openstack-images-v2.1-json-patch";
pub const PATCH_V20: &str = "application/openstack-images-v2.0-json-patch";

impl Change {
    /// Reads a patch body in the format its content type names.
    pub fn parse_all(media_type: &str, body: &serde_json::Value) -> Result<Vec<Change>, ImageError> {
        let ops =
            body.as_array().ok_or_else(|| ImageError::BadRequest("Request body must be a JSON array of operation objects.".into()))?;
        ops.iter().map(|op| Change::parse(media_type == PATCH_V21, op)).collect()
    }

    fn parse(rfc: bool, raw: &serde_json::Value) -> Result<Change, ImageError> {
        let obj = raw.as_object().ok_or_else(|| ImageError::BadRequest("Operations must be JSON objects.".into()))?;
        let op_of = |name: &str| match name {
            "add" => Some(PatchOp::Add),
            "replace" => Some(PatchOp::Replace),
            "remove" => Some(PatchOp::Remove),
            _ => None,
        };
        let (op, pointer) = if rfc {
            let op = obj.get("op").and_then(|v| v.as_str()).ok_or_else(|| {
                ImageError::BadRequest(
                    "Unable to find `op` in JSON Schema change. It must be one of the following: `add`, `remove`, `replace`.".into(),
                )
            })?;
            let op = op_of(op).ok_or_else(|| {
                ImageError::BadRequest(format!("Invalid operation: `{op}`. It must be one of the following: `add`, `remove`, `replace`."))
            })?;
            let path = obj
                .get("path")
                .and_then(|v| v.as_str())
                .ok_or_else(|| ImageError::BadRequest("Unable to find `path` in JSON Schema change.".into()))?;
            (op, path.to_string())
        } else {
            let named: Vec<(&String, PatchOp)> = obj.keys().filter_map(|k| op_of(k).map(|o| (k, o))).collect();
            if named.len() != 1 {
                return Err(ImageError::BadRequest(
                    "Operation objects must contain exactly one member named \"add\", \"remove\", or \"replace\".".into(),
                ));
            }
            let (key, op) = named[0];
            let path = obj[key]
                .as_str()
                .ok_or_else(|| ImageError::BadRequest(format!("Invalid JSON pointer for this resource: '/{}'", obj[key])))?;
            (op, path.to_string())
        };
        let value = obj.get("value").cloned();
        if op != PatchOp::Remove && value.is_none() {
            return Err(ImageError::BadRequest("Operation objects must contain a \"value\" member.".into()));
        }
        let path = decode_pointer(&pointer)?;
        Ok(Change { op, path, value })
    }
}

/// A JSON pointer's segments, with `~1` and `~0` decoded; Glance allows a second level only
/// under `/locations`.
fn decode_pointer(pointer: &str) -> Result<Vec<String>, ImageError> {
    let bad = || ImageError::BadRequest(format!("Invalid JSON pointer for this resource: '{pointer}'"));
    let rest = pointer.strip_prefix('/').ok_or_else(bad)?;
    if rest.is_empty() || rest.contains("~2") || rest.split('~').skip(1).any(|s| !s.starts_with('0') && !s.starts_with('1')) {
        return Err(bad());
    }
    let parts: Vec<String> = rest.split('/').map(|p| p.replace("~1", "/").replace("~0", "~")).collect();
    if parts.len() > 1 && parts[0] != "locations" {
        return Err(ImageError::BadRequest("Nested paths are not allowed".into()));
    }
    Ok(parts)
}

/// `POST /v2/images/{id}/members`: `{"member": "<project id>"}`.
pub fn member_body(body: &serde_json::Value) -> Result<String, ImageError> {
    match body.get("member") {
        Some(serde_json::Value::String(m)) if !m.is_empty() && m.chars().count() <= 255 => Ok(m.clone()),
        Some(_) => Err(ImageError::BadRequest("Member to be added not specified".into())),
        None => Err(ImageError::BadRequest("Member to be added not specified".into())),
    }
}

/// `PUT /v2/images/{id}/members/{member}`: `{"status": "accepted"}`.
pub fn member_status_body(body: &serde_json::Value) -> Result<String, ImageError> {
    let status = body.get("status").ok_or_else(|| ImageError::BadRequest("Status not specified".into()))?;
    match status.as_str() {
        Some(s) if MEMBER_STATUSES.contains(&s) => Ok(s.to_string()),
        _ => Err(ImageError::BadRequest(format!("Invalid status: {}", status.as_str().map(str::to_string).unwrap_or(status.to_string())))),
    }
}

/// `POST /v2/images/{id}/import`.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportRequest {
    pub method: String,
    pub uri: Option<String>,
    pub stores: Option<Vec<String>>,
    pub all_stores: bool,
    pub all_stores_must_succeed: bool,
    /// The body as sent, which the import task records as its `import_req`.
    pub raw: serde_json::Value,
}

impl ImportRequest {
    pub fn from_json(body: &serde_json::Value, header_stores: Option<&str>) -> Result<ImportRequest, ImageError> {
        let obj = body.as_object().ok_or_else(|| ImageError::BadRequest("Body expected in request.".into()))?;
        if let Some(k) = obj.keys().find(|k| !["method", "stores", "all_stores", "all_stores_must_succeed"].contains(&k.as_str())) {
            return Err(ImageError::BadRequest(format!(
                "Provided object does not match schema: Additional properties are not allowed ('{k}' was unexpected)"
            )));
        }
        let method = obj
            .get("method")
            .and_then(|m| m.as_object())
            .ok_or_else(|| ImageError::BadRequest("Import request requires a 'method' field.".into()))?;
        let name = method
            .get("name")
            .and_then(|n| n.as_str())
            .ok_or_else(|| ImageError::BadRequest("Import request requires a 'name' field.".into()))?
            .to_string();
        let uri = method.get("uri").and_then(|u| u.as_str()).map(str::to_string);
        let flag = |key: &str, default: bool| -> Result<bool, ImageError> {
            match obj.get(key) {
                None => Ok(default),
                Some(v) => v
                    .as_bool()
                    .ok_or_else(|| ImageError::BadRequest(format!("Provided object does not match schema: {v} is not of type 'boolean'"))),
            }
        };
        let all_stores = flag("all_stores", false)?;
        let all_stores_must_succeed = flag("all_stores_must_succeed", true)?;
        let mut stores = match obj.get("stores") {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::Array(list)) => Some(
                list.iter()
                    .map(|s| s.as_str().map(str::to_string).ok_or_else(|| ImageError::BadRequest(format!("Invalid store: {s}"))))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            Some(other) => {
                return Err(ImageError::BadRequest(format!("Provided object does not match schema: {other} is not of type 'array'")))
            }
        };
        if stores.is_none() {
            stores = header_stores.map(|h| h.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect());
        }
        if all_stores && stores.is_some() {
            return Err(ImageError::BadRequest(
                "All_stores parameter can't be used with x-image-meta-store header or stores parameter".into(),
            ));
        }
        Ok(ImportRequest { method: name, uri, stores, all_stores, all_stores_must_succeed, raw: body.clone() })
    }
}
