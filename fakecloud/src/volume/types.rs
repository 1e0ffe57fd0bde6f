//! Volume types: the admin's catalogue of what a volume may be (types_manage, types_extra_specs,
//! volume_type_access and volume_type_encryption in Cinder). A private type is seen and used only
//! by the projects it is shared with, and by admins; a type a volume uses cannot be changed in its
//! extra specs or deleted.

use super::error::{invalid_input, VolumeError};
use super::model::{Encryption, Requester, VolumeType, Volumes, DEFAULT_TYPE};
use crate::sim::{Ids, SimTime};
use std::collections::BTreeMap;

/// Extra specs a non-admin may read (`USER_VISIBLE_EXTRA_SPECS`).
pub const USER_VISIBLE_EXTRA_SPECS: [&str; 3] = ["RESKEY:availability_zones", "multiattach", "replication_enabled"];

/// A validated `POST /types` body.
#[derive(Clone, Debug, Default)]
pub struct NewType {
    pub name: String,
    pub description: Option<String>,
    pub is_public: bool,
    pub extra_specs: BTreeMap<String, String>,
}

/// A validated `PUT /types/{id}` body.
#[derive(Clone, Debug, Default)]
pub struct TypeUpdate {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub is_public: Option<bool>,
}

/// A validated encryption body (create: provider and control location required).
#[derive(Clone, Debug, Default)]
pub struct EncryptionSpec {
    pub provider: Option<String>,
    pub cipher: Option<Option<String>>,
    pub key_size: Option<Option<i64>>,
    pub control_location: Option<String>,
}

pub fn type_not_found(id: &str) -> VolumeError {
    VolumeError::NotFound(format!("Volume type {id} could not be found."))
}

impl Volumes {
    /// A type the requester may see, by id.
    pub fn type_for(&self, id: &str, who: Requester) -> Result<&VolumeType, VolumeError> {
        self.types.iter().find(|t| t.id == id && t.visible_to(who)).ok_or_else(|| type_not_found(id))
    }

    /// `GET /types`: public types and those shared with the requester's project; an admin may ask
    /// for private ones only (`is_public=false`) or all (`is_public=None`).
    pub fn list_types(&self, who: Requester, is_public: Option<Option<bool>>) -> Vec<&VolumeType> {
        let want = if who.admin { is_public.unwrap_or(Some(true)) } else { Some(true) };
        self.types
            .iter()
            .filter(|t| match want {
                None => true,
                Some(true) => t.is_public || t.projects.iter().any(|p| p == who.project_id),
                Some(false) => !t.is_public,
            })
            .collect()
    }

    pub fn create_type(&mut self, new: NewType, ids: &mut Ids) -> Result<&VolumeType, VolumeError> {
        if self.types.iter().any(|t| t.name == new.name) {
            return Err(VolumeError::conflict(format!("Volume Type {} already exists.", new.name)));
        }
        self.types.push(VolumeType {
            id: ids.uuid(),
            name: new.name,
            description: new.description,
            is_public: new.is_public,
            extra_specs: new.extra_specs,
            projects: Vec::new(),
            qos_specs_id: None,
            encryption: None,
        });
        Ok(self.types.last().expect("just pushed"))
    }

    pub fn update_type(&mut self, id: &str, u: TypeUpdate) -> Result<&VolumeType, VolumeError> {
        let t = self.types.iter().find(|t| t.id == id).ok_or_else(|| type_not_found(id))?;
        if t.name == DEFAULT_TYPE && u.name.as_deref().is_some_and(|n| n != DEFAULT_TYPE) {
            return Err(VolumeError::BadRequest("The default volume type cannot be renamed.".into()));
        }
        if let Some(n) = &u.name {
            if self.types.iter().any(|t| t.name == *n && t.id != id) {
                return Err(VolumeError::conflict(format!("Volume Type {n} already exists.")));
            }
        }
        let t = self.types.iter_mut().find(|t| t.id == id).expect("found above");
        if let Some(n) = u.name {
            t.name = n;
        }
        if let Some(d) = u.description {
            t.description = d;
        }
        if let Some(p) = u.is_public {
            t.is_public = p;
        }
        Ok(t)
    }

    pub fn delete_type(&mut self, id: &str) -> Result<(), VolumeError> {
        let t = self.types.iter().find(|t| t.id == id).ok_or_else(|| type_not_found(id))?;
        if t.name == DEFAULT_TYPE {
            return Err(VolumeError::BadRequest("Default volume type can not be deleted.".into()));
        }
        if self.volumes.iter().any(|v| v.volume_type_id == id) {
            return Err(VolumeError::BadRequest("Target volume type is still in use.".into()));
        }
        self.types.retain(|t| t.id != id);
        Ok(())
    }

    /// Extra specs change only while no volume uses the type.
    fn type_for_spec_change(&mut self, id: &str) -> Result<&mut VolumeType, VolumeError> {
        if !self.types.iter().any(|t| t.id == id) {
            return Err(type_not_found(id));
        }
        if self.volumes.iter().any(|v| v.volume_type_id == id) {
            return Err(VolumeError::BadRequest("Volume Type is currently in use.".into()));
        }
        Ok(self.types.iter_mut().find(|t| t.id == id).expect("checked"))
    }

    /// `POST /types/{id}/extra_specs` and `PUT .../{key}`: adds or replaces the given specs.
    pub fn set_extra_specs(&mut self, id: &str, specs: BTreeMap<String, String>) -> Result<(), VolumeError> {
        let multi = |m: &BTreeMap<String, String>, k: &str| m.get(k).map(String::as_str) == Some("<is> True");
        let current = self.types.iter().find(|t| t.id == id).map(|t| t.extra_specs.clone()).unwrap_or_default();
        if (multi(&specs, "multiattach") || multi(&current, "multiattach"))
            && (multi(&specs, "cacheable") || multi(&current, "cacheable"))
            && (multi(&specs, "multiattach") || multi(&specs, "cacheable"))
        {
            return Err(VolumeError::BadRequest("cacheable cannot be set with multiattach.".into()));
        }
        let t = self.type_for_spec_change(id)?;
        t.extra_specs.extend(specs);
        Ok(())
    }

    pub fn delete_extra_spec(&mut self, id: &str, key: &str) -> Result<(), VolumeError> {
        let t = self.type_for_spec_change(id)?;
        if t.extra_specs.remove(key).is_none() {
            return Err(VolumeError::NotFound(format!("Volume Type {id} has no extra specs with key {key}.")));
        }
        Ok(())
    }

    /// `GET /types/{id}/os-volume-type-access`: the projects a private type is shared with.
    pub fn type_access(&self, id: &str) -> Result<Vec<String>, VolumeError> {
        let t = self.types.iter().find(|t| t.id == id).ok_or_else(|| type_not_found(id))?;
        if t.is_public {
            return Err(VolumeError::NotFound("Access list not available for public volume types.".into()));
        }
        Ok(t.projects.clone())
    }

    pub fn add_type_access(&mut self, id: &str, project: &str) -> Result<(), VolumeError> {
        let t = self.types.iter_mut().find(|t| t.id == id).ok_or_else(|| type_not_found(id))?;
        if t.is_public {
            return Err(VolumeError::BadRequest(
                "Invalid volume type: Type access modification is not applicable to public volume type.".into(),
            ));
        }
        if t.projects.iter().any(|p| p == project) {
            return Err(VolumeError::conflict(format!("Volume type access for {id} / {project} combination already exists.")));
        }
        t.projects.push(project.to_string());
        Ok(())
    }

    pub fn remove_type_access(&mut self, id: &str, project: &str) -> Result<(), VolumeError> {
        let t = self.types.iter_mut().find(|t| t.id == id).ok_or_else(|| type_not_found(id))?;
        if t.is_public {
            return Err(VolumeError::BadRequest(
                "Invalid volume type: Type access modification is not applicable to public volume type.".into(),
            ));
        }
        let before = t.projects.len();
        t.projects.retain(|p| p != project);
        if t.projects.len() == before {
            return Err(VolumeError::NotFound(format!("Volume type access not found for {id} / {project} combination.")));
        }
        Ok(())
    }

    /// `POST /types/{id}/encryption`: one encryption per type, only while no volume uses it.
    pub fn create_encryption(&mut self, id: &str, spec: EncryptionSpec, ids: &mut Ids, now: SimTime) -> Result<&Encryption, VolumeError> {
        let t = self.types.iter().find(|t| t.id == id).ok_or_else(|| type_not_found(id))?;
        if t.encryption.is_some() {
            return Err(VolumeError::BadRequest(format!("Volume type encryption for type {id} already exists.")));
        }
        if self.volumes.iter().any(|v| v.volume_type_id == id) {
            return Err(VolumeError::BadRequest("Cannot create encryption specs. Volume type in use.".into()));
        }
        let provider = spec.provider.ok_or_else(|| invalid_input("provider must be defined"))?;
        let control_location = spec.control_location.unwrap_or_else(|| "front-end".into());
        let enc = Encryption {
            encryption_id: ids.uuid(),
            provider,
            cipher: spec.cipher.flatten(),
            key_size: spec.key_size.flatten(),
            control_location,
            created_at: now,
            updated_at: None,
        };
        let t = self.types.iter_mut().find(|t| t.id == id).expect("found above");
        Ok(t.encryption.insert(enc))
    }

    pub fn update_encryption(&mut self, id: &str, spec: EncryptionSpec, now: SimTime) -> Result<&Encryption, VolumeError> {
        if self.volumes.iter().any(|v| v.volume_type_id == id) {
            return Err(VolumeError::BadRequest("Cannot update encryption specs. Volume type in use.".into()));
        }
        let t = self.types.iter_mut().find(|t| t.id == id).ok_or_else(|| type_not_found(id))?;
        let enc =
            t.encryption.as_mut().ok_or_else(|| VolumeError::NotFound(format!("Volume type encryption for type {id} does not exist.")))?;
        if let Some(p) = spec.provider {
            enc.provider = p;
        }
        if let Some(c) = spec.cipher {
            enc.cipher = c;
        }
        if let Some(k) = spec.key_size {
            enc.key_size = k;
        }
        if let Some(l) = spec.control_location {
            enc.control_location = l;
        }
        enc.updated_at = Some(now);
        Ok(enc)
    }

    pub fn delete_encryption(&mut self, id: &str) -> Result<(), VolumeError> {
        if self.volumes.iter().any(|v| v.volume_type_id == id) {
            return Err(VolumeError::BadRequest("Cannot delete encryption specs. Volume type in use.".into()));
        }
        let t = self.types.iter_mut().find(|t| t.id == id).ok_or_else(|| type_not_found(id))?;
        t.encryption.take().ok_or_else(|| VolumeError::NotFound(format!("Volume type encryption for type {id} does not exist.")))?;
        Ok(())
    }
}
