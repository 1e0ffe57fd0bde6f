//! The rules for changing the catalog (keystone/catalog/core.py and its SQL backend): region ids
//! unique and their parents real and acyclic, a region with endpoints kept, a service deleted with
//! its endpoints, and an endpoint's service and region checked. Every change clears the rendered
//! catalogs, so tokens follow at once.

use super::catalog::{check_endpoint_url, CatalogService, Endpoint, EndpointUrl, Region};
use super::error::{Outcome, Refusal};
use super::model::Identity;
use crate::sim::Ids;
use serde_json::Value;
use std::collections::BTreeMap;

/// A region as a create request gives it.
pub struct NewRegion {
    pub id: Option<String>,
    pub description: Option<String>,
    pub parent_region_id: Option<String>,
    pub extra: BTreeMap<String, Value>,
}

/// A service as a create request gives it.
pub struct NewService {
    pub service_type: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub enabled: Option<bool>,
    pub extra: BTreeMap<String, Value>,
}

/// The changes of a PATCH: `None` leaves a field as it is; the inner `Option` of a nullable field
/// is its new value.
#[derive(Default)]
pub struct ServiceChanges {
    pub service_type: Option<String>,
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub enabled: Option<bool>,
    pub extra: BTreeMap<String, Value>,
}

/// An endpoint as a create request gives it (`region` is the legacy name of `region_id`).
pub struct NewEndpoint {
    pub id: Option<String>,
    pub service_id: String,
    pub interface: String,
    pub url: String,
    pub region_id: Option<String>,
    pub region: Option<String>,
    pub enabled: Option<bool>,
    pub extra: BTreeMap<String, Value>,
}

#[derive(Default)]
pub struct EndpointChanges {
    pub service_id: Option<String>,
    pub interface: Option<String>,
    pub url: Option<String>,
    pub region_id: Option<Option<String>>,
    pub region: Option<Option<String>>,
    pub enabled: Option<bool>,
    pub extra: BTreeMap<String, Value>,
}

impl Identity {
    pub fn region(&self, id: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.id == id)
    }

    pub fn endpoint(&self, id: &str) -> Option<&Endpoint> {
        self.endpoints.iter().find(|e| e.id == id)
    }

    /// Creates a region (`POST /v3/regions` with or without an id, `PUT /v3/regions/{id}`).
    pub fn create_region(&mut self, new: NewRegion, ids: &mut Ids) -> Outcome<&Region> {
        let given = new.id.clone().filter(|i| !i.is_empty());
        if let Some(id) = given.as_ref().filter(|id| self.region(id).is_some()) {
            return Err(Refusal::conflict("region", format_args!("Duplicate ID, {id}")));
        }
        if let Some(parent) = &new.parent_region_id {
            self.region(parent).ok_or_else(|| Refusal::not_found("region", parent))?;
        }
        let id = given.unwrap_or_else(|| ids.hex());
        self.regions.push(Region {
            id,
            description: new.description.unwrap_or_default(),
            parent_region_id: new.parent_region_id,
            extra: new.extra,
        });
        self.invalidate_catalog();
        Ok(self.regions.last().expect("just pushed"))
    }

    /// `PATCH /v3/regions/{id}`: a parent that would make a cycle is refused.
    pub fn update_region(
        &mut self,
        id: &str,
        description: Option<Option<String>>,
        parent: Option<Option<String>>,
        extra: BTreeMap<String, Value>,
    ) -> Outcome<&Region> {
        if let Some(Some(p)) = &parent {
            self.region(p).ok_or_else(|| Refusal::not_found("region", p))?;
        }
        self.region(id).ok_or_else(|| Refusal::not_found("region", id))?;
        if let Some(Some(p)) = &parent {
            // Walk up from the new parent: meeting this region again would close a loop.
            let mut at = Some(p.clone());
            while let Some(r) = at {
                if r == id {
                    return Err(Refusal::BadRequest(format!("The specified parent region {p} would create a circular region hierarchy.")));
                }
                at = self.region(&r).and_then(|x| x.parent_region_id.clone());
            }
        }
        let r = self.regions.iter_mut().find(|r| r.id == id).expect("checked above");
        if let Some(d) = description {
            r.description = d.unwrap_or_default();
        }
        if let Some(p) = parent {
            r.parent_region_id = p;
        }
        r.extra.extend(extra);
        self.invalidate_catalog();
        Ok(self.region(id).expect("checked above"))
    }

    /// Deletes a region and its child regions; refused while any of them has endpoints.
    pub fn delete_region(&mut self, id: &str) -> Outcome<()> {
        self.region(id).ok_or_else(|| Refusal::not_found("region", id))?;
        let mut doomed = vec![id.to_string()];
        let mut i = 0;
        while i < doomed.len() {
            let parent = doomed[i].clone();
            for r in &self.regions {
                if r.parent_region_id.as_deref() == Some(parent.as_str()) && !doomed.contains(&r.id) {
                    doomed.push(r.id.clone());
                }
            }
            i += 1;
        }
        if self.endpoints.iter().any(|e| e.region_id.as_ref().is_some_and(|r| doomed.contains(r))) {
            return Err(Refusal::Forbidden(format!(
                "Unable to delete region {id} because it or its child regions have associated endpoints."
            )));
        }
        self.regions.retain(|r| !doomed.contains(&r.id));
        self.invalidate_catalog();
        Ok(())
    }

    pub fn create_service(&mut self, new: NewService, ids: &mut Ids) -> &CatalogService {
        self.services.push(CatalogService {
            id: ids.hex(),
            service_type: new.service_type,
            name: new.name.unwrap_or_default(),
            description: new.description,
            enabled: new.enabled.unwrap_or(true),
            extra: new.extra,
        });
        self.invalidate_catalog();
        self.services.last().expect("just pushed")
    }

    pub fn update_service(&mut self, id: &str, c: ServiceChanges) -> Outcome<&CatalogService> {
        let s = self.services.iter_mut().find(|s| s.id == id).ok_or_else(|| Refusal::not_found("service", id))?;
        if let Some(t) = c.service_type {
            s.service_type = t;
        }
        if let Some(n) = c.name {
            s.name = n;
        }
        if let Some(d) = c.description {
            s.description = d;
        }
        if let Some(e) = c.enabled {
            s.enabled = e;
        }
        s.extra.extend(c.extra);
        self.invalidate_catalog();
        Ok(self.service(id).expect("found above"))
    }

    /// Deletes a service with its endpoints.
    pub fn delete_service(&mut self, id: &str) -> Outcome<()> {
        self.service(id).ok_or_else(|| Refusal::not_found("service", id))?;
        self.services.retain(|s| s.id != id);
        self.endpoints.retain(|e| e.service_id != id);
        self.invalidate_catalog();
        Ok(())
    }

    /// The region an endpoint names: `region_id` must exist, while the legacy `region` is created
    /// when missing (keystone/api/endpoints.py `_validate_endpoint_region`). Returns the region id
    /// and whether it must be created.
    fn endpoint_region(&self, region_id: Option<String>, region: Option<String>) -> Outcome<(Option<String>, bool)> {
        match (region_id, region) {
            (Some(r), _) => {
                self.region(&r).ok_or_else(|| Refusal::expecting("endpoint region_id", "region table"))?;
                Ok((Some(r), false))
            }
            (None, Some(r)) => {
                let missing = self.region(&r).is_none();
                Ok((Some(r), missing))
            }
            (None, None) => Ok((None, false)),
        }
    }

    fn ensure_region(&mut self, id: &str) {
        if self.region(id).is_none() {
            self.regions.push(Region { id: id.to_string(), description: String::new(), parent_region_id: None, extra: BTreeMap::new() });
        }
    }

    pub fn create_endpoint(&mut self, new: NewEndpoint, ids: &mut Ids) -> Outcome<&Endpoint> {
        check_endpoint_url(&new.url).map_err(Refusal::BadRequest)?;
        let (region_id, create) = self.endpoint_region(new.region_id, new.region)?;
        self.service(&new.service_id).ok_or_else(|| Refusal::expecting("endpoint service_id", "service table"))?;
        let given = new.id.filter(|i| !i.is_empty());
        if let Some(id) = given.as_ref().filter(|id| self.endpoint(id).is_some()) {
            return Err(Refusal::conflict("endpoint", format_args!("Duplicate entry found with ID {id}")));
        }
        let id = given.unwrap_or_else(|| ids.hex());
        if create {
            self.ensure_region(region_id.as_deref().expect("a region to create"));
        }
        self.endpoints.push(Endpoint {
            id,
            service_id: new.service_id,
            interface: new.interface,
            region_id,
            url: EndpointUrl::Literal(new.url),
            enabled: new.enabled.unwrap_or(true),
            extra: new.extra,
        });
        self.invalidate_catalog();
        Ok(self.endpoints.last().expect("just pushed"))
    }

    pub fn update_endpoint(&mut self, id: &str, c: EndpointChanges) -> Outcome<&Endpoint> {
        self.endpoint(id).ok_or_else(|| Refusal::not_found("endpoint", id))?;
        if let Some(url) = &c.url {
            check_endpoint_url(url).map_err(Refusal::BadRequest)?;
        }
        let region_change = match (c.region_id, c.region) {
            (Some(r), _) => Some(self.endpoint_region(r, None)?),
            (None, Some(Some(r))) => Some(self.endpoint_region(None, Some(r))?),
            (None, Some(None)) => Some((None, false)),
            (None, None) => None,
        };
        if let Some(s) = &c.service_id {
            self.service(s).ok_or_else(|| Refusal::expecting("endpoint service_id", "service table"))?;
        }
        if let Some((Some(r), true)) = &region_change {
            self.ensure_region(r);
        }
        let e = self.endpoints.iter_mut().find(|e| e.id == id).expect("checked above");
        if let Some(s) = c.service_id {
            e.service_id = s;
        }
        if let Some(i) = c.interface {
            e.interface = i;
        }
        if let Some(u) = c.url {
            e.url = EndpointUrl::Literal(u);
        }
        if let Some((r, _)) = region_change {
            e.region_id = r;
        }
        if let Some(en) = c.enabled {
            e.enabled = en;
        }
        e.extra.extend(c.extra);
        self.invalidate_catalog();
        Ok(self.endpoint(id).expect("checked above"))
    }

    pub fn delete_endpoint(&mut self, id: &str) -> Outcome<()> {
        self.endpoint(id).ok_or_else(|| Refusal::not_found("endpoint", id))?;
        self.endpoints.retain(|e| e.id != id);
        self.forget_endpoint_associations(None, Some(id));
        self.invalidate_catalog();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;

    fn idn() -> Identity {
        Identity::from_fixture(&Fixture::default_cloud(), &mut Ids::new(0)).unwrap()
    }

    fn new_endpoint(service_id: &str, region: Option<&str>) -> NewEndpoint {
        NewEndpoint {
            id: None,
            service_id: service_id.into(),
            interface: "public".into(),
            url: "http://example.org:8080/x".into(),
            region_id: None,
            region: region.map(str::to_string),
            enabled: None,
            extra: BTreeMap::new(),
        }
    }

    #[test]
    fn the_legacy_region_attribute_creates_its_region() {
        let mut idn = idn();
        let svc = idn.services[0].id.clone();
        idn.create_endpoint(new_endpoint(&svc, Some("elsewhere")), &mut Ids::new(1)).unwrap();
        assert!(idn.region("elsewhere").is_some());
        let mut by_id = new_endpoint(&svc, None);
        by_id.region_id = Some("nowhere".into());
        assert!(matches!(idn.create_endpoint(by_id, &mut Ids::new(1)), Err(Refusal::BadRequest(_))));
    }

    #[test]
    fn regions_with_endpoints_cannot_be_deleted_and_cycles_are_refused() {
        let mut idn = idn();
        let mut ids = Ids::new(1);
        let region = |id: &str, parent: Option<&str>| NewRegion {
            id: Some(id.into()),
            description: None,
            parent_region_id: parent.map(str::to_string),
            extra: BTreeMap::new(),
        };
        idn.create_region(region("a", None), &mut ids).unwrap();
        idn.create_region(region("b", Some("a")), &mut ids).unwrap();
        assert!(matches!(idn.create_region(region("a", None), &mut ids), Err(Refusal::Conflict(_))));
        assert!(matches!(idn.update_region("a", None, Some(Some("b".into())), BTreeMap::new()), Err(Refusal::BadRequest(_))));
        let svc = idn.services[0].id.clone();
        let e = idn.create_endpoint(new_endpoint(&svc, Some("b")), &mut ids).unwrap().id.clone();
        assert!(matches!(idn.delete_region("a"), Err(Refusal::Forbidden(_))));
        idn.delete_endpoint(&e).unwrap();
        idn.delete_region("a").unwrap();
        assert!(idn.region("b").is_none(), "children go with their parent");
    }

    #[test]
    fn disabled_services_and_endpoints_leave_the_catalog() {
        use crate::identity::catalog::render;
        let mut idn = idn();
        let svc = idn.services.iter().find(|s| s.service_type == "compute").unwrap().id.clone();
        let before = render(&idn.services, &idn.endpoints, "http://h", Some("p"), None).len();
        idn.update_service(&svc, ServiceChanges { enabled: Some(false), ..Default::default() }).unwrap();
        assert_eq!(render(&idn.services, &idn.endpoints, "http://h", Some("p"), None).len(), before - 1);
    }
}
