//! Glance's state and rules: images, who sees them, and the list query (filters, sorting, paging)
//! as glance/api/v2/images.py and glance/db/sqlalchemy/api.py apply them.
//!
//! The fields Nova reads (`id`, `name`, `owner`, `visibility`, `disk_format`, `size`, `min_disk`,
//! `min_ram`, `tags`, `created_at`) and `Images::{from_fixture, find, get}` are a contract other
//! services call.

use crate::fixture::Fixture;
use crate::identity::Identity;
use crate::sim::{Ids, SimTime};
use anyhow::anyhow;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Glance's image statuses (glance/domain/__init__.py).
pub const STATUSES: &[&str] =
    &["queued", "saving", "active", "killed", "deleted", "pending_delete", "deactivated", "uploading", "importing"];
pub const VISIBILITIES: &[&str] = &["public", "private", "shared", "community"];
pub const DISK_FORMATS: &[&str] = &["ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop"];
pub const CONTAINER_FORMATS: &[&str] = &["ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"];
/// `api_limit_max` and `limit_param_default`.
pub const LIMIT_MAX: usize = 1000;
pub const LIMIT_DEFAULT: usize = 25;
/// The sort keys Glance accepts (glance/api/v2/images.py `_available_sort_keys`).
pub const SORT_KEYS: &[&str] = &["name", "status", "container_format", "disk_format", "size", "id", "created_at", "updated_at"];

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Image {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub visibility: String,
    pub disk_format: String,
    pub size: u64,
    pub min_disk: u64,
    pub min_ram: u64,
    pub tags: Vec<String>,
    pub created_at: SimTime,
    /// `active` for fixture images; `queued` for one created without data.
    #[serde(default = "active")]
    pub status: String,
    #[serde(default = "bare")]
    pub container_format: String,
    #[serde(default)]
    pub protected: bool,
    #[serde(default)]
    pub os_hidden: bool,
    /// The image data's MD5 and SHA-512, once it has data.
    #[serde(default)]
    pub checksum: Option<String>,
    #[serde(default)]
    pub os_hash_value: Option<String>,
    #[serde(default)]
    pub updated_at: Option<SimTime>,
    /// Extra properties (`hw_*`, `os_distro`, ...); Glance renders them at the top level.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
}

fn active() -> String {
    "active".into()
}
fn bare() -> String {
    "bare".into()
}

impl Image {
    pub fn updated(&self) -> SimTime {
        self.updated_at.unwrap_or(self.created_at)
    }

    /// Whether the image has data (its size and hashes are known).
    pub fn has_data(&self) -> bool {
        self.checksum.is_some()
    }

    /// Glance's `is_image_visible`: admin sees all; everyone sees public and community images and
    /// their own. A shared image would also be seen by its members; fakecloud has no members yet,
    /// so a shared image is its owner's alone.
    pub fn visible_to(&self, project_id: Option<&str>, admin: bool) -> bool {
        admin || matches!(self.visibility.as_str(), "public" | "community") || project_id == Some(self.owner.as_str())
    }

    /// A column's value for sorting and filtering.
    fn column(&self, key: &str) -> Column<'_> {
        match key {
            "name" => Column::Text(&self.name),
            "status" => Column::Text(&self.status),
            "container_format" => Column::Text(&self.container_format),
            "disk_format" => Column::Text(&self.disk_format),
            "size" => Column::Number(if self.has_data() { Some(self.size) } else { None }),
            "id" => Column::Text(&self.id),
            "created_at" => Column::Time(self.created_at),
            "updated_at" => Column::Time(self.updated()),
            _ => Column::Number(None),
        }
    }
}

#[derive(PartialEq, PartialOrd)]
enum Column<'a> {
    Text(&'a str),
    Number(Option<u64>),
    Time(SimTime),
}

/// Deterministic hex digits standing in for a digest of the image data (fakecloud stores no data).
pub fn pseudo_digest(seed: &str, hex_len: usize) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    let mut out = String::with_capacity(hex_len + 16);
    while out.len() < hex_len {
        // splitmix64
        h = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = h;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        out.push_str(&format!("{z:016x}"));
    }
    out.truncate(hex_len);
    out
}

/// Why Glance refuses a request; the API layer renders each as Glance's status.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageError {
    BadRequest(String),
    Forbidden(String),
    NotFound(String),
    Conflict(String),
}

pub fn not_found(id: &str) -> ImageError {
    ImageError::NotFound(format!("No image found with ID {id}"))
}

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
struct Filter {
    key: String,
    values: Vec<String>,
}

/// A parsed `GET /v2/images` query.
#[derive(Clone, Debug, PartialEq)]
pub struct ListQuery {
    filters: Vec<Filter>,
    tags: Vec<String>,
    /// `None`: the default listing (own, public, shared-with-me; community only if owned).
    visibility: Option<String>,
    os_hidden: bool,
    protected: Option<bool>,
    size_min: Option<u64>,
    size_max: Option<u64>,
    sort: Vec<(String, SortDir)>,
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
const COLUMN_FILTERS: &[&str] =
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

    fn compare(&self, a: &Image, b: &Image) -> Ordering {
        for (key, dir) in &self.sort {
            let ord = a.column(key).partial_cmp(&b.column(key)).unwrap_or(Ordering::Equal);
            let ord = if *dir == SortDir::Desc { ord.reverse() } else { ord };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }

    fn matches(&self, i: &Image, project_id: Option<&str>, admin: bool) -> bool {
        let owned = project_id == Some(i.owner.as_str());
        let listed = match self.visibility.as_deref() {
            // Default listing: everything visible, but community images only when owned.
            None => i.visible_to(project_id, admin) && (i.visibility != "community" || owned),
            Some("all") => i.visible_to(project_id, admin),
            Some(v) => i.visibility == v && i.visible_to(project_id, admin),
        };
        listed
            && i.os_hidden == self.os_hidden
            && self.protected.is_none_or(|p| i.protected == p)
            && self.size_min.is_none_or(|m| i.has_data() && i.size >= m)
            && self.size_max.is_none_or(|m| i.has_data() && i.size <= m)
            && self.tags.iter().all(|t| i.tags.contains(t))
            && self.filters.iter().all(|f| {
                let have = match f.key.as_str() {
                    "id" => Some(i.id.clone()),
                    "name" => Some(i.name.clone()),
                    "status" => Some(i.status.clone()),
                    "owner" => Some(i.owner.clone()),
                    "container_format" => Some(i.container_format.clone()),
                    "disk_format" => Some(i.disk_format.clone()),
                    "min_ram" => Some(i.min_ram.to_string()),
                    "min_disk" => Some(i.min_disk.to_string()),
                    "checksum" => i.checksum.clone(),
                    "os_hash_value" => i.os_hash_value.clone(),
                    k if !COLUMN_FILTERS.contains(&k) => i.properties.get(k).cloned(),
                    _ => None,
                };
                have.is_some_and(|h| f.values.contains(&h))
            })
    }
}

/// One page of a listing; `next_marker` is set when the page is full (Glance's rule).
pub struct Page<'a> {
    pub images: Vec<&'a Image>,
    pub next_marker: Option<String>,
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
const READONLY: &[&str] = &[
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
const RESERVED: &[&str] = &["location", "deleted", "deleted_at", "locations", "stores"];

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
                k if RESERVED.contains(&k) => return Err(ImageError::Forbidden(format!("Attribute '{k}' is reserved."))),
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

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Images {
    pub images: Vec<Image>,
}

impl Images {
    pub fn from_fixture(f: &Fixture, idn: &Identity, ids: &mut Ids, now: SimTime) -> anyhow::Result<Images> {
        let mut images = Vec::new();
        for spec in &f.images {
            let owner = idn
                .project_named(&spec.project)
                .ok_or_else(|| anyhow!("image {}: unknown project {}", spec.name, spec.project))?
                .id
                .clone();
            if !VISIBILITIES.contains(&spec.visibility.as_str()) {
                anyhow::bail!("image {}: visibility must be one of {VISIBILITIES:?}", spec.name);
            }
            if !DISK_FORMATS.contains(&spec.disk_format.as_str()) {
                anyhow::bail!("image {}: disk_format must be one of {DISK_FORMATS:?}", spec.name);
            }
            let id = spec.id.clone().unwrap_or_else(|| ids.uuid());
            images.push(Image {
                checksum: Some(pseudo_digest(&format!("md5:{id}"), 32)),
                os_hash_value: Some(pseudo_digest(&format!("sha512:{id}"), 128)),
                id,
                name: spec.name.clone(),
                owner,
                visibility: spec.visibility.clone(),
                disk_format: spec.disk_format.clone(),
                size: spec.size,
                min_disk: spec.min_disk,
                min_ram: spec.min_ram,
                tags: spec.tags.clone(),
                created_at: now,
                status: active(),
                container_format: bare(),
                protected: false,
                os_hidden: false,
                updated_at: None,
                properties: BTreeMap::new(),
            });
        }
        Ok(Images { images })
    }

    /// An image the project can see (public, shared/community, or its own; admin sees all), by id or name.
    pub fn find(&self, name_or_id: &str, project_id: &str, admin: bool) -> Option<&Image> {
        let visible = |i: &&Image| i.visible_to(Some(project_id), admin);
        self.images
            .iter()
            .filter(visible)
            .find(|i| i.id == name_or_id)
            .or_else(|| self.images.iter().filter(visible).find(|i| i.name == name_or_id))
    }

    pub fn get(&self, id: &str) -> Option<&Image> {
        self.images.iter().find(|i| i.id == id)
    }

    /// `GET /v2/images/{id}`: an image the caller can see; anything else is Glance's 404.
    pub fn show(&self, id: &str, project_id: Option<&str>, admin: bool) -> Result<&Image, ImageError> {
        self.get(id).filter(|i| i.visible_to(project_id, admin)).ok_or_else(|| not_found(id))
    }

    /// `GET /v2/images`: filtered, sorted, then paged after the marker.
    pub fn list(&self, q: &ListQuery, project_id: Option<&str>, admin: bool) -> Result<Page<'_>, ImageError> {
        let mut found: Vec<&Image> = self.images.iter().filter(|i| q.matches(i, project_id, admin)).collect();
        found.sort_by(|a, b| q.compare(a, b));
        if let Some(m) = &q.marker {
            let marker = self.show(m, project_id, admin).map_err(|_| ImageError::BadRequest(format!("No image found with ID {m}")))?;
            found.retain(|i| q.compare(i, marker) == Ordering::Greater);
        }
        found.truncate(q.limit);
        let next_marker = if !found.is_empty() && found.len() == q.limit { found.last().map(|i| i.id.clone()) } else { None };
        Ok(Page { images: found, next_marker })
    }

    /// `POST /v2/images`: a queued image owned by the caller's project. `public` needs admin
    /// (policy `publicize_image`), as does an owner other than the caller's project.
    pub fn create(&mut self, new: NewImage, project_id: &str, admin: bool, ids: &mut Ids, now: SimTime) -> Result<&Image, ImageError> {
        let visibility = new.visibility.unwrap_or_else(|| "shared".into());
        if visibility == "public" && !admin {
            return Err(ImageError::Forbidden("You are not authorized to complete publicize_image action.".into()));
        }
        let owner = new.owner.unwrap_or_else(|| project_id.to_string());
        if owner != project_id && !admin {
            return Err(ImageError::Forbidden(format!("You are not permitted to create images owned by '{owner}'.")));
        }
        if let Some(id) = &new.id {
            if self.get(id).is_some() {
                return Err(ImageError::Conflict(format!("An image with identifier {id} already exists")));
            }
        }
        let id = new.id.unwrap_or_else(|| ids.uuid());
        self.images.push(Image {
            id,
            name: new.name.unwrap_or_default(),
            owner,
            visibility,
            disk_format: new.disk_format.unwrap_or_default(),
            size: 0,
            min_disk: new.min_disk,
            min_ram: new.min_ram,
            tags: new.tags,
            created_at: now,
            status: "queued".into(),
            container_format: new.container_format.unwrap_or_default(),
            protected: new.protected,
            os_hidden: new.os_hidden,
            checksum: None,
            os_hash_value: None,
            updated_at: Some(now),
            properties: new.properties,
        });
        Ok(self.images.last().expect("just pushed"))
    }

    /// `PUT /v2/images/{id}/file`: a queued image with its formats set receives its data and is
    /// `active` (fakecloud keeps the size and stand-in digests, not the bytes).
    pub fn upload(&mut self, id: &str, project_id: Option<&str>, admin: bool, size: u64, now: SimTime) -> Result<&Image, ImageError> {
        self.show(id, project_id, admin)?;
        let image = self.images.iter_mut().find(|i| i.id == id).expect("shown above");
        if image.status != "queued" {
            return Err(ImageError::Conflict(format!("Image status transition from {} to saving is not allowed", image.status)));
        }
        if image.disk_format.is_empty() || image.container_format.is_empty() {
            return Err(ImageError::BadRequest("Properties disk_format, container_format must be set prior to saving data.".into()));
        }
        image.size = size;
        image.checksum = Some(pseudo_digest(&format!("md5:{id}:{size}"), 32));
        image.os_hash_value = Some(pseudo_digest(&format!("sha512:{id}:{size}"), 128));
        image.status = "active".into();
        image.updated_at = Some(now);
        Ok(image)
    }

    /// `DELETE /v2/images/{id}`: a visible, unprotected image (the `delete_image` policy, owner
    /// member or admin, is checked by the caller). Glance soft-deletes; a deleted image is gone from
    /// every API, so it is removed here.
    pub fn delete(&mut self, id: &str, project_id: Option<&str>, admin: bool) -> Result<Image, ImageError> {
        let image = self.show(id, project_id, admin)?;
        if image.protected {
            return Err(ImageError::Forbidden(format!("Image {id} is protected and cannot be deleted.")));
        }
        let at = self.images.iter().position(|i| i.id == id).expect("shown above");
        Ok(self.images.remove(at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn images() -> (Images, Identity) {
        let f = Fixture::default_cloud();
        let mut ids = Ids::new(1);
        let idn = Identity::from_fixture(&f, &mut ids).unwrap();
        let t0 = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        (Images::from_fixture(&f, &idn, &mut ids, t0).unwrap(), idn)
    }

    fn q(pairs: &[(&str, &str)]) -> Result<ListQuery, ImageError> {
        ListQuery::parse(&pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>())
    }

    fn names(page: &Page) -> Vec<String> {
        page.images.iter().map(|i| i.name.clone()).collect()
    }

    #[test]
    fn a_project_sees_public_and_its_own_private_images_and_admin_sees_all() {
        let (imgs, idn) = images();
        let demo = idn.project_named("demo").unwrap().id.clone();
        let service = idn.project_named("service").unwrap().id.clone();
        let all = q(&[]).unwrap();
        assert_eq!(imgs.list(&all, Some(&demo), false).unwrap().images.len(), 2);
        assert_eq!(imgs.list(&all, Some(&service), false).unwrap().images.len(), 3);
        assert_eq!(imgs.list(&all, Some(&demo), true).unwrap().images.len(), 3);
        let amphora = imgs.images.iter().find(|i| i.name.starts_with("amphora")).unwrap();
        assert_eq!(imgs.show(&amphora.id, Some(&demo), false).unwrap_err(), not_found(&amphora.id));
        assert!(imgs.find("amphora-x64-haproxy", &demo, false).is_none());
        assert!(imgs.find("amphora-x64-haproxy", &service, false).is_some());
    }

    #[test]
    fn community_images_are_listed_by_default_only_to_their_owner() {
        let (mut imgs, idn) = images();
        let demo = idn.project_named("demo").unwrap().id.clone();
        imgs.images[2].visibility = "community".into();
        assert_eq!(imgs.list(&q(&[]).unwrap(), Some(&demo), false).unwrap().images.len(), 2);
        assert_eq!(imgs.list(&q(&[("visibility", "community")]).unwrap(), Some(&demo), false).unwrap().images.len(), 1);
        assert_eq!(imgs.list(&q(&[("visibility", "all")]).unwrap(), Some(&demo), false).unwrap().images.len(), 3);
        assert!(imgs.show(&imgs.images[2].id, Some(&demo), false).is_ok());
    }

    #[test]
    fn filters_in_operator_tags_and_properties() {
        let (imgs, idn) = images();
        let admin = idn.project_named("admin").unwrap().id.clone();
        let (a, b) = (imgs.images[0].id.clone(), imgs.images[2].id.clone());
        let page = imgs.list(&q(&[("id", &format!("in:{a},{b}"))]).unwrap(), Some(&admin), true).unwrap();
        assert_eq!(page.images.len(), 2);
        let page = imgs.list(&q(&[("tag", "amphora")]).unwrap(), Some(&admin), true).unwrap();
        assert_eq!(names(&page), ["amphora-x64-haproxy"]);
        let page = imgs.list(&q(&[("name", "cirros-0.6.2-x86_64-disk")]).unwrap(), Some(&admin), true).unwrap();
        assert_eq!(page.images.len(), 1);
        assert!(imgs.list(&q(&[("hw_machine_type", "q35")]).unwrap(), Some(&admin), true).unwrap().images.is_empty());
        assert!(imgs.list(&q(&[("status", "queued")]).unwrap(), Some(&admin), true).unwrap().images.is_empty());
    }

    #[test]
    fn sorting_and_paging_follow_the_marker() {
        let (imgs, idn) = images();
        let admin = idn.project_named("admin").unwrap().id.clone();
        let sorted = imgs.list(&q(&[("sort", "name:asc")]).unwrap(), Some(&admin), true).unwrap();
        assert_eq!(names(&sorted), ["amphora-x64-haproxy", "cirros-0.6.2-x86_64-disk", "ubuntu-2204-kube-v1.28.5"]);
        let first = imgs.list(&q(&[("sort_key", "name"), ("sort_dir", "asc"), ("limit", "2")]).unwrap(), Some(&admin), true).unwrap();
        assert_eq!(first.images.len(), 2);
        let marker = first.next_marker.clone().unwrap();
        let rest = imgs
            .list(&q(&[("sort_key", "name"), ("sort_dir", "asc"), ("limit", "2"), ("marker", &marker)]).unwrap(), Some(&admin), true)
            .unwrap();
        assert_eq!(names(&rest), ["ubuntu-2204-kube-v1.28.5"]);
        assert!(rest.next_marker.is_none());
    }

    #[test]
    fn bad_queries_are_glance_400s() {
        for bad in [
            vec![("limit", "x")],
            vec![("limit", "-1")],
            vec![("sort_key", "bogus")],
            vec![("sort_dir", "up")],
            vec![("sort", "name:sideways")],
            vec![("sort", "name"), ("sort_key", "id")],
            vec![("visibility", "secret")],
            vec![("member_status", "maybe")],
            vec![("status", "in:active,sleepy")],
            vec![("os_hidden", "perhaps")],
            vec![("size_min", "big")],
        ] {
            assert!(matches!(q(&bad), Err(ImageError::BadRequest(_))), "{bad:?}");
        }
    }

    #[test]
    fn create_and_delete_follow_glance_policy() {
        let (mut imgs, idn) = images();
        let demo = idn.project_named("demo").unwrap().id.clone();
        let mut ids = Ids::new(9);
        let now = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 5).unwrap();
        let body =
            serde_json::json!({"name": "mine", "disk_format": "raw", "container_format": "bare", "tags": ["a"], "os_distro": "cirros"});
        let new = NewImage::from_json(&body).unwrap();
        let img = imgs.create(new, &demo, false, &mut ids, now).unwrap().clone();
        assert_eq!((img.status.as_str(), img.visibility.as_str(), img.owner.as_str()), ("queued", "shared", demo.as_str()));
        assert_eq!(img.properties["os_distro"], "cirros");
        let public = NewImage::from_json(&serde_json::json!({"visibility": "public"})).unwrap();
        assert!(matches!(imgs.create(public, &demo, false, &mut ids, now), Err(ImageError::Forbidden(_))));
        assert!(matches!(NewImage::from_json(&serde_json::json!({"status": "active"})), Err(ImageError::Forbidden(_))));
        assert!(matches!(NewImage::from_json(&serde_json::json!({"min_disk": -1})), Err(ImageError::BadRequest(_))));
        let amphora = imgs.images[2].id.clone();
        assert_eq!(imgs.delete(&amphora, Some(&demo), false).unwrap_err(), not_found(&amphora));
        imgs.images[0].protected = true;
        let cirros = imgs.images[0].id.clone();
        assert!(matches!(imgs.delete(&cirros, Some(&demo), true), Err(ImageError::Forbidden(_))));
        assert!(matches!(imgs.upload(&cirros, Some(&demo), false, 5, now), Err(ImageError::Conflict(_))));
        let up = imgs.upload(&img.id, Some(&demo), false, 4096, now).unwrap();
        assert_eq!((up.status.as_str(), up.size, up.has_data()), ("active", 4096, true));
        imgs.delete(&img.id, Some(&demo), false).unwrap();
        assert!(imgs.get(&img.id).is_none());
    }

    #[test]
    fn digests_are_stable_hex() {
        let a = pseudo_digest("x", 128);
        assert_eq!(a.len(), 128);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(a, pseudo_digest("x", 128));
        assert_ne!(pseudo_digest("x", 32), pseudo_digest("y", 32));
    }
}
