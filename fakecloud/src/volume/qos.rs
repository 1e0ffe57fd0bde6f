//! QoS specs (qos_specs_manage in Cinder): named sets of limits for a consumer (front-end for the
//! hypervisor, back-end for the storage, or both), associated with volume types. A type has at most
//! one; specs still associated are deleted only when forced.

use super::error::VolumeError;
use super::model::{QosSpec, Volumes};
use super::types::type_not_found;
use crate::sim::{Ids, SimTime};
use std::collections::BTreeMap;

pub fn qos_not_found(id: &str) -> VolumeError {
    VolumeError::NotFound(format!("No such QoS spec {id}."))
}

impl Volumes {
    pub fn qos(&self, id: &str) -> Result<&QosSpec, VolumeError> {
        self.qos_specs.iter().find(|q| q.id == id).ok_or_else(|| qos_not_found(id))
    }

    pub fn create_qos(
        &mut self,
        name: String,
        consumer: String,
        specs: BTreeMap<String, String>,
        ids: &mut Ids,
        now: SimTime,
    ) -> Result<&QosSpec, VolumeError> {
        if self.qos_specs.iter().any(|q| q.name == name) {
            return Err(VolumeError::conflict(format!("QoS Specs {name} already exists.")));
        }
        self.qos_specs.push(QosSpec { id: ids.uuid(), name, consumer, specs, created_at: now });
        Ok(self.qos_specs.last().expect("just pushed"))
    }

    /// `PUT /qos-specs/{id}`: adds or replaces specs (`consumer` among them changes the consumer).
    pub fn set_qos_keys(&mut self, id: &str, mut specs: BTreeMap<String, String>) -> Result<(), VolumeError> {
        let q = self.qos_specs.iter_mut().find(|q| q.id == id).ok_or_else(|| qos_not_found(id))?;
        if let Some(c) = specs.remove("consumer") {
            q.consumer = c;
        }
        q.specs.extend(specs);
        Ok(())
    }

    /// `PUT /qos-specs/{id}/delete_keys`: every key must be there.
    pub fn unset_qos_keys(&mut self, id: &str, keys: &[String]) -> Result<(), VolumeError> {
        let q = self.qos_specs.iter_mut().find(|q| q.id == id).ok_or_else(|| qos_not_found(id))?;
        if let Some(k) = keys.iter().find(|k| !q.specs.contains_key(*k)) {
            return Err(VolumeError::NotFound(format!("QoS spec {id} has no spec with key {k}.")));
        }
        for k in keys {
            q.specs.remove(k);
        }
        Ok(())
    }

    pub fn delete_qos(&mut self, id: &str, force: bool) -> Result<(), VolumeError> {
        self.qos(id)?;
        let in_use = self.types.iter().any(|t| t.qos_specs_id.as_deref() == Some(id));
        if in_use && !force {
            return Err(VolumeError::BadRequest(format!("QoS Specs {id} is still associated with entities.")));
        }
        for t in self.types.iter_mut().filter(|t| t.qos_specs_id.as_deref() == Some(id)) {
            t.qos_specs_id = None;
        }
        self.qos_specs.retain(|q| q.id != id);
        Ok(())
    }

    /// The volume types a QoS specs entity is associated with.
    pub fn qos_associations(&self, id: &str) -> Result<Vec<(String, String)>, VolumeError> {
        self.qos(id)?;
        Ok(self.types.iter().filter(|t| t.qos_specs_id.as_deref() == Some(id)).map(|t| (t.id.clone(), t.name.clone())).collect())
    }

    pub fn associate_qos(&mut self, id: &str, type_id: &str) -> Result<(), VolumeError> {
        self.qos(id)?;
        let t = self.types.iter_mut().find(|t| t.id == type_id).ok_or_else(|| type_not_found(type_id))?;
        match t.qos_specs_id.as_deref() {
            Some(current) if current != id => {
                Err(VolumeError::BadRequest(format!("Type {type_id} is already associated with another qos specs: {current}")))
            }
            _ => {
                t.qos_specs_id = Some(id.to_string());
                Ok(())
            }
        }
    }

    pub fn disassociate_qos(&mut self, id: &str, type_id: Option<&str>) -> Result<(), VolumeError> {
        self.qos(id)?;
        if let Some(tid) = type_id {
            let t = self.types.iter_mut().find(|t| t.id == tid).ok_or_else(|| type_not_found(tid))?;
            if t.qos_specs_id.as_deref() == Some(id) {
                t.qos_specs_id = None;
            }
            return Ok(());
        }
        for t in self.types.iter_mut().filter(|t| t.qos_specs_id.as_deref() == Some(id)) {
            t.qos_specs_id = None;
        }
        Ok(())
    }
}
