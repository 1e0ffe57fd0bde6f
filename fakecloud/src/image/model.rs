//! Glance's state. SKELETON: `Image`'s fields used by Nova and `find` are the contract; the rest is to
//! be built with the Glance API.

use crate::fixture::Fixture;
use crate::identity::Identity;
use crate::sim::{Ids, SimTime};
use anyhow::anyhow;
use serde::{Deserialize, Serialize};

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
            images.push(Image {
                id: spec.id.clone().unwrap_or_else(|| ids.uuid()),
                name: spec.name.clone(),
                owner,
                visibility: spec.visibility.clone(),
                disk_format: spec.disk_format.clone(),
                size: spec.size,
                min_disk: spec.min_disk,
                min_ram: spec.min_ram,
                tags: spec.tags.clone(),
                created_at: now,
            });
        }
        Ok(Images { images })
    }

    /// An image the project can see (public, shared/community, or its own; admin sees all), by id or name.
    pub fn find(&self, name_or_id: &str, project_id: &str, admin: bool) -> Option<&Image> {
        let visible = |i: &&Image| admin || i.visibility != "private" || i.owner == project_id;
        self.images
            .iter()
            .filter(visible)
            .find(|i| i.id == name_or_id)
            .or_else(|| self.images.iter().filter(visible).find(|i| i.name == name_or_id))
    }

    pub fn get(&self, id: &str) -> Option<&Image> {
        self.images.iter().find(|i| i.id == id)
    }
}
