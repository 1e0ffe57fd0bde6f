//! Glance's state and rules: images, who sees them, and the list query (filters, sorting, paging)
//! as glance/api/v2/images.py and glance/db/sqlalchemy/api.py apply them.
//!
//! The fields Nova reads (`id`, `name`, `owner`, `visibility`, `disk_format`, `size`, `min_disk`,
//! `min_ram`, `tags`, `created_at`) and `Images::{from_fixture, find, get}` are a contract other
//! services call.

pub use super::digest::Blob;
pub use super::error::{not_found, ImageError};
use super::metadefs::Metadefs;
use super::request::{ListQuery, NewImage, SortDir, COLUMN_FILTERS};
pub use super::request::{CONTAINER_FORMATS, DISK_FORMATS, LIMIT_DEFAULT, LIMIT_MAX, MEMBER_STATUSES, SORT_KEYS, STATUSES, VISIBILITIES};
use super::tasks::Task;
use crate::fixture::Fixture;
use crate::identity::Identity;
use crate::sim::{Ids, SimTime};
use anyhow::anyhow;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;

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
    /// The projects a `shared` image is offered to, each with its own answer.
    #[serde(default)]
    pub members: Vec<Member>,
    /// The uploaded or imported bytes (fixture images have none: only their size and digests).
    #[serde(default)]
    pub data: Option<Blob>,
    /// Bytes staged for a `glance-direct` import (status `uploading`).
    #[serde(default)]
    pub staged: Option<Blob>,
    /// The stores holding the data (rendered as `stores`, comma-separated, once active).
    #[serde(default)]
    pub stores: Vec<String>,
    #[serde(default)]
    pub virtual_size: Option<u64>,
}

/// An image member: a project an owner shared the image with, and its answer
/// (`pending`, `accepted` or `rejected`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Member {
    pub member_id: String,
    pub status: String,
    pub created_at: SimTime,
    pub updated_at: SimTime,
}

/// `image_member_quota` and `image_tag_quota`, Glance's defaults.
pub const MEMBER_QUOTA: usize = 128;
pub const TAG_QUOTA: usize = 128;

fn active() -> String {
    "active".into()
}
fn bare() -> String {
    "bare".into()
}

/// The one store this Glance writes to (`default_backend` of its `enabled_backends`).
pub const DEFAULT_STORE: &str = "fast";

impl Image {
    /// The image's data arrives (upload or import): size and digests come from the bytes.
    pub(super) fn store_data(&mut self, data: Vec<u8>, stores: Vec<String>, now: SimTime) {
        self.size = data.len() as u64;
        self.checksum = Some(super::digest::md5_hex(&data));
        self.os_hash_value = Some(super::digest::sha512_hex(&data));
        self.data = Some(Blob(data));
        self.stores = stores;
        self.status = "active".into();
        self.updated_at = Some(now);
    }

    pub fn updated(&self) -> SimTime {
        self.updated_at.unwrap_or(self.created_at)
    }

    /// Whether the image has data (its size and hashes are known).
    pub fn has_data(&self) -> bool {
        self.checksum.is_some()
    }

    /// Glance's `is_image_visible`: admin sees all; everyone sees public and community images and
    /// their own; a shared image is also seen by each of its members, whatever their answer.
    pub fn visible_to(&self, project_id: Option<&str>, admin: bool) -> bool {
        admin
            || matches!(self.visibility.as_str(), "public" | "community")
            || project_id == Some(self.owner.as_str())
            || (self.visibility == "shared" && self.member(project_id).is_some())
    }

    /// The membership of `project_id`, if the image has one for it.
    pub fn member(&self, project_id: Option<&str>) -> Option<&Member> {
        project_id.and_then(|p| self.members.iter().find(|m| m.member_id == p))
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

/// The listing rules: how a parsed query orders and selects images.
impl ListQuery {
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
        // A shared image is listed to a member whose answer matches `member_status` (by default
        // `accepted`: an offer still pending or turned down stays out of the member's lists).
        let member_ok = || {
            i.member(project_id).is_some_and(|m| match self.member_status.as_deref() {
                None => m.status == "accepted",
                Some("all") => true,
                Some(s) => m.status == s,
            })
        };
        let mine_or_listed = || owned || admin || i.visibility != "shared" || member_ok();
        let listed = match self.visibility.as_deref() {
            // Default listing: everything visible, but community images only when owned.
            None => i.visible_to(project_id, admin) && (i.visibility != "community" || owned) && mine_or_listed(),
            Some("all") => i.visible_to(project_id, admin) && mine_or_listed(),
            Some(v) => i.visibility == v && i.visible_to(project_id, admin) && mine_or_listed(),
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
                    "size" => i.has_data().then(|| i.size.to_string()),
                    "visibility" => Some(i.visibility.clone()),
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

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Images {
    pub images: Vec<Image>,
    /// Glance's tasks: the `import` tasks of `/v2/tasks` and the `api_image_import` tasks that
    /// interoperable import records per image.
    #[serde(default)]
    pub tasks: Vec<Task>,
    /// The metadata definitions catalog (`/v2/metadefs`).
    #[serde(default)]
    pub metadefs: Metadefs,
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
                members: Vec::new(),
                data: None,
                staged: None,
                stores: vec![DEFAULT_STORE.to_string()],
                virtual_size: None,
            });
        }
        Ok(Images { images, tasks: Vec::new(), metadefs: Metadefs::default() })
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
            members: Vec::new(),
            data: None,
            staged: None,
            stores: Vec::new(),
            virtual_size: None,
        });
        Ok(self.images.last().expect("just pushed"))
    }

    /// `PUT /v2/images/{id}/file`: a queued image with its formats set receives its data and is
    /// `active`, with its size, MD5 `checksum` and sha512 `os_hash_value` computed over the bytes;
    /// data that is not its `disk_format` is refused (format enforcement).
    pub fn upload(&mut self, id: &str, project_id: Option<&str>, admin: bool, data: Vec<u8>, now: SimTime) -> Result<&Image, ImageError> {
        self.show(id, project_id, admin)?;
        let image = self.images.iter_mut().find(|i| i.id == id).expect("shown above");
        if image.status != "queued" {
            return Err(ImageError::Conflict(format!("Image status transition from {} to saving is not allowed", image.status)));
        }
        if image.disk_format.is_empty() || image.container_format.is_empty() {
            return Err(ImageError::BadRequest("Properties disk_format, container_format must be set prior to saving data.".into()));
        }
        if !super::formats::matches(&image.disk_format, &data) {
            return Err(ImageError::BadRequest(super::formats::mismatch(&image.disk_format, &data)));
        }
        image.store_data(data, vec![DEFAULT_STORE.to_string()], now);
        Ok(image)
    }

    /// An upload from Nova (a server snapshot) begins: `queued` -> `saving`. False when the image
    /// is gone or no longer queued.
    pub fn begin_saving(&mut self, id: &str, now: SimTime) -> bool {
        match self.images.iter_mut().find(|i| i.id == id && i.status == "queued") {
            Some(image) => {
                image.status = "saving".into();
                image.updated_at = Some(now);
                true
            }
            None => false,
        }
    }

    /// An upload from Nova ends: the image has its data (size and digests), its formats and the
    /// uploader's properties, and is `active`. False when the image is gone or not saving.
    pub fn finish_saving(&mut self, id: &str, size: u64, formats: (&str, &str), properties: &[(&str, String)], now: SimTime) -> bool {
        let Some(image) = self.images.iter_mut().find(|i| i.id == id && i.status == "saving") else { return false };
        image.size = size;
        image.checksum = Some(pseudo_digest(&format!("md5:{id}"), 32));
        image.os_hash_value = Some(pseudo_digest(&format!("sha512:{id}"), 128));
        image.disk_format = formats.0.to_string();
        image.container_format = formats.1.to_string();
        image.properties.extend(properties.iter().map(|(k, v)| (k.to_string(), v.clone())));
        image.stores = vec![DEFAULT_STORE.to_string()];
        image.status = "active".into();
        image.updated_at = Some(now);
        true
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
mod tests;
