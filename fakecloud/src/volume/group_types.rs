//! Group types (3.11, cinder/api/v3/group_types.py and group_specs.py): the admin's catalogue of
//! what a group of volumes may be, with key/value group specs. Private ones are listed only when
//! asked for.

use super::error::VolumeError;
use super::model::{GroupType, Volumes};
use crate::sim::Ids;
use std::collections::BTreeMap;

/// A validated group type body (create, or the fields of an update).
#[derive(Clone, Debug, Default)]
pub struct GroupTypeSpec {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub is_public: Option<bool>,
    pub group_specs: BTreeMap<String, String>,
}

pub fn group_type_not_found(id: &str) -> VolumeError {
    VolumeError::NotFound(format!("Group type {id} could not be found."))
}

impl Volumes {
    pub fn group_type(&self, id: &str) -> Result<&GroupType, VolumeError> {
        self.group_types.iter().find(|t| t.id == id).ok_or_else(|| group_type_not_found(id))
    }

    fn group_type_mut(&mut self, id: &str) -> Result<&mut GroupType, VolumeError> {
        self.group_types.iter_mut().find(|t| t.id == id).ok_or_else(|| group_type_not_found(id))
    }

    /// `GET /group_types`: public ones, or (`is_public`, an admin's filter) private ones or all,
    /// sorted by `sort` keys (`name`, `id`, `description`).
    pub fn list_group_types(&self, is_public: Option<bool>, sort: &[(String, bool)]) -> Vec<&GroupType> {
        let mut out: Vec<&GroupType> = self.group_types.iter().filter(|t| is_public.is_none_or(|p| t.is_public == p)).collect();
        out.sort_by(|a, b| {
            for (key, asc) in sort {
                let o = match key.as_str() {
                    "name" => a.name.cmp(&b.name),
                    "description" => a.description.cmp(&b.description),
                    _ => a.id.cmp(&b.id),
                };
                let o = if *asc { o } else { o.reverse() };
                if o != std::cmp::Ordering::Equal {
                    return o;
                }
            }
            std::cmp::Ordering::Equal
        });
        out
    }

    pub fn create_group_type(&mut self, spec: GroupTypeSpec, ids: &mut Ids) -> Result<&GroupType, VolumeError> {
        let name = spec.name.ok_or_else(|| VolumeError::BadRequest("Group type name can not be empty.".into()))?;
        if self.group_types.iter().any(|t| t.name == name) {
            return Err(VolumeError::conflict(format!("Group Type {name} already exists.")));
        }
        self.group_types.push(GroupType {
            id: ids.uuid(),
            name,
            description: spec.description.flatten(),
            is_public: spec.is_public.unwrap_or(true),
            group_specs: spec.group_specs,
        });
        Ok(self.group_types.last().expect("just pushed"))
    }

    pub fn update_group_type(&mut self, id: &str, spec: GroupTypeSpec) -> Result<&GroupType, VolumeError> {
        self.group_type(id)?;
        if let Some(n) = &spec.name {
            if self.group_types.iter().any(|t| t.name == *n && t.id != id) {
                return Err(VolumeError::conflict(format!("Group Type {n} already exists.")));
            }
        }
        let t = self.group_type_mut(id)?;
        if let Some(n) = spec.name {
            t.name = n;
        }
        if let Some(d) = spec.description {
            t.description = d;
        }
        if let Some(p) = spec.is_public {
            t.is_public = p;
        }
        Ok(t)
    }

    pub fn delete_group_type(&mut self, id: &str) -> Result<(), VolumeError> {
        self.group_type(id)?;
        self.group_types.retain(|t| t.id != id);
        Ok(())
    }

    pub fn set_group_specs(&mut self, id: &str, specs: BTreeMap<String, String>) -> Result<(), VolumeError> {
        self.group_type_mut(id)?.group_specs.extend(specs);
        Ok(())
    }

    pub fn delete_group_spec(&mut self, id: &str, key: &str) -> Result<(), VolumeError> {
        let t = self.group_type_mut(id)?;
        t.group_specs.remove(key).map(|_| ()).ok_or_else(|| VolumeError::NotFound(format!("Group Type {id} has no specs with key {key}.")))
    }
}
