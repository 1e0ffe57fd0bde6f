//! Endpoint filtering (OS-EP-FILTER, keystone/catalog's endpoint filter): endpoints associated
//! with a project directly, or through endpoint groups whose filters select endpoints by service,
//! region and interface. A project with any association sees only those endpoints in its tokens'
//! catalogs (disabled ones still left out); a project with none sees the whole catalog, as
//! Keystone's `return_all_endpoints_if_no_filter` default has it.

use super::catalog::Endpoint;
use super::error::{Outcome, Refusal};
use super::model::{EndpointGroup, Identity, ProjectEndpoint, ProjectEndpointGroup};
use crate::sim::Ids;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The endpoint attributes a group may filter on (`_require_valid_filter`).
pub const FILTER_KEYS: [&str; 3] = ["service_id", "region_id", "interface"];

/// The changes of a PATCH; the inner `Option` of the description is its new value.
#[derive(Default)]
pub struct EndpointGroupChanges {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub filters: Option<BTreeMap<String, Value>>,
}

/// Keystone's check on a group's filters: not empty, and only the keys it filters on.
pub fn check_filters(filters: &BTreeMap<String, Value>) -> Outcome<()> {
    if filters.keys().any(|k| !FILTER_KEYS.contains(&k.as_str())) {
        return Err(Refusal::expecting(&FILTER_KEYS.join(" or "), "endpoint_group"));
    }
    Ok(())
}

/// Whether an endpoint has every attribute a group's filters name, with that value.
fn selects(filters: &BTreeMap<String, Value>, e: &Endpoint) -> bool {
    filters.iter().all(|(key, want)| {
        let have = match key.as_str() {
            "service_id" => Value::from(e.service_id.as_str()),
            "interface" => Value::from(e.interface.as_str()),
            "region_id" => e.region_id.as_deref().map_or(Value::Null, Value::from),
            "enabled" => Value::from(e.enabled),
            _ => return false,
        };
        &have == want
    })
}

impl Identity {
    pub fn endpoint_group(&self, id: &str) -> Outcome<&EndpointGroup> {
        self.endpoint_groups.iter().find(|g| g.id == id).ok_or_else(|| Refusal::not_found("Endpoint Group", id))
    }

    pub fn create_endpoint_group(
        &mut self,
        name: String,
        description: Option<String>,
        filters: BTreeMap<String, Value>,
        ids: &mut Ids,
    ) -> Outcome<&EndpointGroup> {
        if filters.is_empty() {
            return Err(Refusal::BadRequest("filters field is required and cannot be empty".into()));
        }
        check_filters(&filters)?;
        self.endpoint_groups.push(EndpointGroup { id: ids.hex(), name, description, filters });
        Ok(self.endpoint_groups.last().expect("just pushed"))
    }

    pub fn update_endpoint_group(&mut self, id: &str, c: EndpointGroupChanges) -> Outcome<&EndpointGroup> {
        if let Some(f) = &c.filters {
            check_filters(f)?;
        }
        self.endpoint_group(id)?;
        let g = self.endpoint_groups.iter_mut().find(|g| g.id == id).expect("found above");
        if let Some(n) = c.name {
            g.name = n;
        }
        if let Some(d) = c.description {
            g.description = d;
        }
        if let Some(f) = c.filters {
            g.filters = f;
        }
        self.invalidate_catalog();
        Ok(self.endpoint_group(id).expect("found above"))
    }

    /// Deleting a group removes its project associations.
    pub fn delete_endpoint_group(&mut self, id: &str) -> Outcome<()> {
        self.endpoint_group(id)?;
        self.endpoint_groups.retain(|g| g.id != id);
        self.project_endpoint_groups.retain(|a| a.endpoint_group_id != id);
        self.invalidate_catalog();
        Ok(())
    }

    /// The endpoints a group's filters select.
    pub fn endpoints_in_group(&self, id: &str) -> Outcome<Vec<&Endpoint>> {
        let g = self.endpoint_group(id)?;
        Ok(self.endpoints.iter().filter(|e| selects(&g.filters, e)).collect())
    }

    fn project_and_endpoint(&self, project_id: &str, endpoint_id: &str) -> Outcome<()> {
        self.endpoint(endpoint_id).ok_or_else(|| Refusal::not_found("endpoint", endpoint_id))?;
        self.project(project_id).ok_or_else(|| Refusal::not_found("project", project_id))?;
        Ok(())
    }

    pub fn add_endpoint_to_project(&mut self, project_id: &str, endpoint_id: &str) -> Outcome<()> {
        self.project_and_endpoint(project_id, endpoint_id)?;
        let a = ProjectEndpoint { project_id: project_id.into(), endpoint_id: endpoint_id.into() };
        if self.project_endpoints.contains(&a) {
            return Err(Refusal::conflict("project_endpoint", "Duplicate Entry"));
        }
        self.project_endpoints.push(a);
        self.invalidate_catalog();
        Ok(())
    }

    pub fn check_endpoint_in_project(&self, project_id: &str, endpoint_id: &str) -> Outcome<()> {
        self.project_and_endpoint(project_id, endpoint_id)?;
        let a = ProjectEndpoint { project_id: project_id.into(), endpoint_id: endpoint_id.into() };
        if self.project_endpoints.contains(&a) {
            Ok(())
        } else {
            Err(Refusal::NotFound(format!("Endpoint {endpoint_id} not found in project {project_id}")))
        }
    }

    pub fn remove_endpoint_from_project(&mut self, project_id: &str, endpoint_id: &str) -> Outcome<()> {
        let a = ProjectEndpoint { project_id: project_id.into(), endpoint_id: endpoint_id.into() };
        if !self.project_endpoints.contains(&a) {
            return Err(Refusal::NotFound(format!("Endpoint {endpoint_id} not found in project {project_id}")));
        }
        self.project_endpoints.retain(|x| *x != a);
        self.invalidate_catalog();
        Ok(())
    }

    /// The projects an endpoint is associated with directly.
    pub fn projects_for_endpoint(&self, endpoint_id: &str) -> Outcome<Vec<&super::model::Project>> {
        self.endpoint(endpoint_id).ok_or_else(|| Refusal::not_found("endpoint", endpoint_id))?;
        Ok(self.project_endpoints.iter().filter(|a| a.endpoint_id == endpoint_id).filter_map(|a| self.project(&a.project_id)).collect())
    }

    /// The endpoints a project sees through its associations, direct and through groups, in
    /// catalog order.
    pub fn project_endpoint_ids(&self, project_id: &str) -> BTreeSet<String> {
        let mut ids: BTreeSet<String> =
            self.project_endpoints.iter().filter(|a| a.project_id == project_id).map(|a| a.endpoint_id.clone()).collect();
        for a in self.project_endpoint_groups.iter().filter(|a| a.project_id == project_id) {
            if let Ok(eps) = self.endpoints_in_group(&a.endpoint_group_id) {
                ids.extend(eps.into_iter().map(|e| e.id.clone()));
            }
        }
        ids
    }

    /// The endpoint filter a project's catalog follows: `None` when it has no association.
    pub fn catalog_filter(&self, project_id: Option<&str>) -> Option<BTreeSet<String>> {
        project_id.map(|p| self.project_endpoint_ids(p)).filter(|ids| !ids.is_empty())
    }

    fn project_and_group(&self, group_id: &str, project_id: &str) -> Outcome<()> {
        self.project(project_id).ok_or_else(|| Refusal::not_found("project", project_id))?;
        self.endpoint_group(group_id)?;
        Ok(())
    }

    pub fn add_endpoint_group_to_project(&mut self, group_id: &str, project_id: &str) -> Outcome<()> {
        self.project_and_group(group_id, project_id)?;
        let a = ProjectEndpointGroup { endpoint_group_id: group_id.into(), project_id: project_id.into() };
        if self.project_endpoint_groups.contains(&a) {
            return Err(Refusal::conflict("project_endpoint_group", "Duplicate Entry"));
        }
        self.project_endpoint_groups.push(a);
        self.invalidate_catalog();
        Ok(())
    }

    pub fn endpoint_group_in_project(&self, group_id: &str, project_id: &str) -> Outcome<()> {
        self.project_and_group(group_id, project_id)?;
        let a = ProjectEndpointGroup { endpoint_group_id: group_id.into(), project_id: project_id.into() };
        if self.project_endpoint_groups.contains(&a) {
            Ok(())
        } else {
            Err(Refusal::NotFound("Endpoint Group Project Association not found".into()))
        }
    }

    pub fn remove_endpoint_group_from_project(&mut self, group_id: &str, project_id: &str) -> Outcome<()> {
        self.endpoint_group_in_project(group_id, project_id)?;
        self.project_endpoint_groups.retain(|a| !(a.endpoint_group_id == group_id && a.project_id == project_id));
        self.invalidate_catalog();
        Ok(())
    }

    pub fn endpoint_groups_for_project(&self, project_id: &str) -> Outcome<Vec<&EndpointGroup>> {
        self.project(project_id).ok_or_else(|| Refusal::not_found("project", project_id))?;
        Ok(self
            .project_endpoint_groups
            .iter()
            .filter(|a| a.project_id == project_id)
            .filter_map(|a| self.endpoint_groups.iter().find(|g| g.id == a.endpoint_group_id))
            .collect())
    }

    pub fn projects_for_endpoint_group(&self, group_id: &str) -> Outcome<Vec<&super::model::Project>> {
        self.endpoint_group(group_id)?;
        Ok(self
            .project_endpoint_groups
            .iter()
            .filter(|a| a.endpoint_group_id == group_id)
            .filter_map(|a| self.project(&a.project_id))
            .collect())
    }

    /// A deleted project or endpoint leaves no association behind (Keystone's callbacks).
    pub(super) fn forget_endpoint_associations(&mut self, project_id: Option<&str>, endpoint_id: Option<&str>) {
        if let Some(p) = project_id {
            self.project_endpoints.retain(|a| a.project_id != p);
            self.project_endpoint_groups.retain(|a| a.project_id != p);
        }
        if let Some(e) = endpoint_id {
            self.project_endpoints.retain(|a| a.endpoint_id != e);
        }
    }
}
