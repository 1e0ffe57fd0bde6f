//! Resource providers and what hangs off them (inventories, traits, aggregates), with Placement's
//! rules: every change to a provider's inventories, traits or (from 1.19) aggregates is checked
//! against the generation the caller last saw and bumps it; inventory in use cannot be removed; a
//! provider with allocations or children cannot be deleted. Messages are upstream's.

use super::model::{codes, Inventory, Placement, Refusal, ResourceProvider};
use std::collections::BTreeMap;

/// The generation conflict message of inventories (placement/handlers/inventory.py).
const INVENTORY_GENERATION_CONFLICT: &str = "resource provider generation conflict";
/// The generation conflict message of traits and aggregates.
const GENERATION_CHANGED: &str = "Resource provider's generation already changed. Please update the generation and try again.";

impl Placement {
    pub fn provider(&self, uuid: &str) -> Option<&ResourceProvider> {
        self.providers.get(uuid)
    }

    fn provider_or_404(&self, uuid: &str) -> Result<&ResourceProvider, Refusal> {
        self.providers.get(uuid).ok_or_else(|| Refusal::NotFound(format!("No resource provider with uuid {uuid} found")))
    }

    fn check_generation(rp: &ResourceProvider, expected: i128, message: &str) -> Result<(), Refusal> {
        if rp.generation as i128 != expected {
            return Err(Refusal::conflict(message, codes::CONCURRENT_UPDATE));
        }
        Ok(())
    }

    fn bump(&mut self, uuid: &str) {
        if let Some(p) = self.providers.get_mut(uuid) {
            p.generation += 1;
        }
    }

    /// Every provider in the tree rooted at `root`.
    pub fn tree(&self, root: &str) -> impl Iterator<Item = &ResourceProvider> {
        let root = root.to_string();
        self.providers.values().filter(move |p| p.root_provider_uuid == root)
    }

    fn is_descendant(&self, uuid: &str, ancestor: &str) -> bool {
        let mut at = self.providers.get(uuid).and_then(|p| p.parent_provider_uuid.clone());
        let mut steps = 0;
        while let Some(parent) = at {
            if parent == ancestor {
                return true;
            }
            steps += 1;
            if steps > self.providers.len() {
                return false;
            }
            at = self.providers.get(&parent).and_then(|p| p.parent_provider_uuid.clone());
        }
        false
    }

    /// `POST /resource_providers`: a new provider starts at generation 0, as upstream's do.
    pub fn create_provider(&mut self, uuid: &str, name: &str, parent: Option<&str>) -> Result<(), Refusal> {
        let root = match parent {
            Some(parent) => match self.providers.get(parent) {
                Some(p) => p.root_provider_uuid.clone(),
                None => {
                    return Err(Refusal::BadRequest(format!(
                        "Unable to create resource provider \"{name}\", {uuid}: Object action create failed because: parent provider UUID does not exist."
                    )))
                }
            },
            None => uuid.to_string(),
        };
        let mut duplicate = Vec::new();
        if self.providers.values().any(|p| p.name == name) {
            duplicate.push(format!("name: {name}"));
        }
        if self.providers.contains_key(uuid) {
            duplicate.push(format!("uuid: {uuid}"));
        }
        if !duplicate.is_empty() {
            return Err(Refusal::conflict(
                format!("Conflicting resource provider {} already exists.", duplicate.join(", ")),
                codes::DUPLICATE_NAME,
            ));
        }
        self.providers.insert(
            uuid.to_string(),
            ResourceProvider {
                uuid: uuid.to_string(),
                name: name.to_string(),
                generation: 0,
                parent_provider_uuid: parent.map(str::to_string),
                root_provider_uuid: root,
                inventories: BTreeMap::new(),
                traits: vec![],
            },
        );
        Ok(())
    }

    /// `PUT /resource_providers/{uuid}`: renames, and (1.14+) sets the parent. `parent` is None when
    /// the body has no parent_provider_uuid, Some(None) for an explicit null. Before 1.37 a provider
    /// that has a parent keeps it; from 1.37 re-parenting and un-parenting are allowed, but never a
    /// loop. The name change alone does not bump the generation (upstream's save() does not).
    pub fn update_provider(
        &mut self,
        uuid: &str,
        name: &str,
        parent: Option<Option<&str>>,
        allow_reparenting: bool,
    ) -> Result<(), Refusal> {
        let rp = self.provider_or_404(uuid)?;
        let current_parent = rp.parent_provider_uuid.clone();
        let refuse =
            |why: &str| Refusal::BadRequest(format!("Unable to save resource provider {uuid}: Object action update failed because: {why}"));
        let new_parent = match parent {
            None => current_parent.clone(),
            Some(Some(p)) => {
                if !self.providers.contains_key(p) {
                    return Err(Refusal::BadRequest(format!(
                        "Unable to save resource provider {uuid}: Object action create failed because: parent provider UUID does not exist."
                    )));
                }
                if current_parent.as_deref().is_some_and(|c| c != p) && !allow_reparenting {
                    return Err(refuse("re-parenting a provider is not currently allowed."));
                }
                if p == uuid || self.is_descendant(p, uuid) {
                    return Err(refuse("creating loop in the provider tree is not allowed."));
                }
                Some(p.to_string())
            }
            Some(None) => {
                if current_parent.is_some() && !allow_reparenting {
                    return Err(refuse("un-parenting a provider is not currently allowed."));
                }
                None
            }
        };
        if self.providers.values().any(|p| p.name == name && p.uuid != uuid) {
            return Err(Refusal::conflict(format!("Conflicting resource provider {name} already exists."), codes::DUPLICATE_NAME));
        }
        let new_root = match &new_parent {
            Some(p) => self.providers[p].root_provider_uuid.clone(),
            None => uuid.to_string(),
        };
        let subtree: Vec<String> = self.providers.keys().filter(|k| k.as_str() == uuid || self.is_descendant(k, uuid)).cloned().collect();
        for k in subtree {
            if let Some(p) = self.providers.get_mut(&k) {
                p.root_provider_uuid = new_root.clone();
            }
        }
        let rp = self.providers.get_mut(uuid).expect("checked above");
        rp.name = name.to_string();
        rp.parent_provider_uuid = new_parent;
        Ok(())
    }

    /// `DELETE /resource_providers/{uuid}`.
    pub fn delete_provider(&mut self, uuid: &str) -> Result<(), Refusal> {
        if !self.providers.contains_key(uuid) {
            return Err(Refusal::NotFound(format!("No resource provider with uuid {uuid} found for delete")));
        }
        if self.allocations.on_provider(uuid) {
            return Err(Refusal::conflict(
                format!("Unable to delete resource provider {uuid}: Resource provider has allocations."),
                codes::PROVIDER_IN_USE,
            ));
        }
        if self.providers.values().any(|p| p.parent_provider_uuid.as_deref() == Some(uuid)) {
            return Err(Refusal::conflict(
                format!("Unable to delete parent resource provider {uuid}: It has child resource providers."),
                codes::PROVIDER_CANNOT_DELETE_PARENT,
            ));
        }
        self.providers.remove(uuid);
        self.aggregates.remove(uuid);
        Ok(())
    }

    /// The classes among `classes` that some allocation on the provider uses, sorted.
    fn classes_in_use<'a>(&self, uuid: &str, classes: impl IntoIterator<Item = &'a String>) -> Vec<String> {
        classes.into_iter().filter(|rc| self.usage(uuid, rc) > 0).cloned().collect()
    }

    fn in_use_message(uuid: &str, classes: &[String]) -> String {
        format!("Inventory for '{}' on resource provider '{uuid}' in use.", classes.join(", "))
    }

    /// Upstream's capacity check on inventory writes: before 1.26 reserved must be below total (a
    /// capacity of 0 is refused); from 1.26 reserved may equal total.
    fn check_capacity(uuid: &str, rc: &str, inv: &Inventory, reserved_may_equal_total: bool) -> Result<(), String> {
        let capacity = (inv.total as f64 - inv.reserved as f64) * inv.allocation_ratio;
        let bad = if reserved_may_equal_total { capacity < 0.0 } else { capacity <= 0.0 };
        if !bad {
            return Ok(());
        }
        Err(if reserved_may_equal_total {
            format!("Invalid inventory for '{rc}' on resource provider '{uuid}'. The reserved value is greater than total.")
        } else {
            format!("Invalid inventory for '{rc}' on resource provider '{uuid}'. The reserved value is greater than or equal to total.")
        })
    }

    /// `PUT /resource_providers/{uuid}/inventories`: replaces every inventory.
    pub fn set_inventories(
        &mut self,
        uuid: &str,
        expected_generation: i128,
        inventories: BTreeMap<String, Inventory>,
        reserved_may_equal_total: bool,
    ) -> Result<(), Refusal> {
        let rp = self.provider_or_404(uuid)?;
        Self::check_generation(rp, expected_generation, INVENTORY_GENERATION_CONFLICT)?;
        for (rc, inv) in &inventories {
            Self::check_capacity(uuid, rc, inv, reserved_may_equal_total)
                .map_err(|e| Refusal::BadRequest(format!("Unable to update inventory for resource provider {uuid}: {e}")))?;
        }
        if let Some(rc) = inventories.keys().find(|rc| !self.resource_class_exists(rc)) {
            return Err(Refusal::BadRequest(format!(
                "Unknown resource class in inventory for resource provider {uuid}: No such resource class {rc}."
            )));
        }
        let removed: Vec<String> = rp.inventories.keys().filter(|rc| !inventories.contains_key(*rc)).cloned().collect();
        let in_use = self.classes_in_use(uuid, &removed);
        if !in_use.is_empty() {
            return Err(Refusal::conflict(format!("update conflict: {}", Self::in_use_message(uuid, &in_use)), codes::INVENTORY_INUSE));
        }
        let rp = self.providers.get_mut(uuid).expect("checked above");
        rp.inventories = inventories;
        rp.generation += 1;
        Ok(())
    }

    /// `POST /resource_providers/{uuid}/inventories`: adds one class.
    pub fn add_inventory(&mut self, uuid: &str, rc: &str, inv: Inventory, reserved_may_equal_total: bool) -> Result<(), Refusal> {
        let rp = self.provider_or_404(uuid)?;
        let refuse = |e: String| Refusal::BadRequest(format!("Unable to create inventory for resource provider {uuid}: {e}"));
        Self::check_capacity(uuid, rc, &inv, reserved_may_equal_total).map_err(refuse)?;
        if !self.resource_class_exists(rc) {
            return Err(refuse(format!("No such resource class {rc}.")));
        }
        if rp.inventories.contains_key(rc) {
            return Err(Refusal::conflict(
                format!("Update conflict: Inventory for '{rc}' on resource provider '{uuid}' already exists."),
                codes::CONCURRENT_UPDATE,
            ));
        }
        let rp = self.providers.get_mut(uuid).expect("checked above");
        rp.inventories.insert(rc.to_string(), inv);
        rp.generation += 1;
        Ok(())
    }

    /// `PUT /resource_providers/{uuid}/inventories/{rc}`: changes one existing class.
    pub fn update_inventory(
        &mut self,
        uuid: &str,
        expected_generation: i128,
        rc: &str,
        inv: Inventory,
        reserved_may_equal_total: bool,
    ) -> Result<(), Refusal> {
        let rp = self.provider_or_404(uuid)?;
        Self::check_generation(rp, expected_generation, INVENTORY_GENERATION_CONFLICT)?;
        Self::check_capacity(uuid, rc, &inv, reserved_may_equal_total)
            .map_err(|e| Refusal::BadRequest(format!("Unable to update inventory for resource provider {uuid}: {e}")))?;
        if !self.resource_class_exists(rc) {
            return Err(Refusal::NotFound(format!("No such resource class {rc}.")));
        }
        if !rp.inventories.contains_key(rc) {
            return Err(Refusal::BadRequest(format!(
                "No inventory record with resource class for resource provider {uuid}: No inventory of class {rc} found."
            )));
        }
        let rp = self.providers.get_mut(uuid).expect("checked above");
        rp.inventories.insert(rc.to_string(), inv);
        rp.generation += 1;
        Ok(())
    }

    /// `DELETE /resource_providers/{uuid}/inventories/{rc}`. Upstream tags the in-use conflict with
    /// the concurrent-update code here (unlike the replace-all and delete-all paths).
    pub fn delete_inventory(&mut self, uuid: &str, rc: &str) -> Result<(), Refusal> {
        let rp = self.provider_or_404(uuid)?;
        if !self.resource_class_exists(rc) {
            return Err(Refusal::NotFound(format!("No inventory of class {rc} found for delete: No such resource class {rc}.")));
        }
        if !rp.inventories.contains_key(rc) {
            return Err(Refusal::NotFound(format!(
                "No inventory of class {rc} found for delete: No inventory of class {rc} found for delete"
            )));
        }
        let in_use = self.classes_in_use(uuid, [&rc.to_string()]);
        if !in_use.is_empty() {
            return Err(Refusal::conflict(
                format!("Unable to delete inventory of class {rc}: {}", Self::in_use_message(uuid, &in_use)),
                codes::CONCURRENT_UPDATE,
            ));
        }
        let rp = self.providers.get_mut(uuid).expect("checked above");
        rp.inventories.remove(rc);
        rp.generation += 1;
        Ok(())
    }

    /// `DELETE /resource_providers/{uuid}/inventories` (1.5+).
    pub fn delete_inventories(&mut self, uuid: &str) -> Result<(), Refusal> {
        let rp = self.provider_or_404(uuid)?;
        let in_use = self.classes_in_use(uuid, rp.inventories.keys());
        if !in_use.is_empty() {
            return Err(Refusal::conflict(Self::in_use_message(uuid, &in_use), codes::INVENTORY_INUSE));
        }
        let rp = self.providers.get_mut(uuid).expect("checked above");
        rp.inventories.clear();
        rp.generation += 1;
        Ok(())
    }

    /// `PUT /resource_providers/{uuid}/traits`.
    pub fn set_provider_traits(&mut self, uuid: &str, expected_generation: i128, traits: &[String]) -> Result<(), Refusal> {
        let rp = self.provider_or_404(uuid)?;
        Self::check_generation(rp, expected_generation, GENERATION_CHANGED)?;
        let unknown = self.unknown_traits(traits);
        if !unknown.is_empty() {
            return Err(Refusal::BadRequest(format!("No such trait {}", unknown.join(", "))));
        }
        let mut traits = traits.to_vec();
        traits.sort();
        traits.dedup();
        let rp = self.providers.get_mut(uuid).expect("checked above");
        rp.traits = traits;
        rp.generation += 1;
        Ok(())
    }

    /// `DELETE /resource_providers/{uuid}/traits`.
    pub fn clear_provider_traits(&mut self, uuid: &str) -> Result<(), Refusal> {
        self.provider_or_404(uuid)?;
        let rp = self.providers.get_mut(uuid).expect("checked above");
        rp.traits.clear();
        rp.generation += 1;
        Ok(())
    }

    pub fn provider_aggregates(&self, uuid: &str) -> &[String] {
        self.aggregates.get(uuid).map_or(&[], Vec::as_slice)
    }

    /// `PUT /resource_providers/{uuid}/aggregates`: from 1.19 the body carries the generation, which
    /// is checked and bumped; before, neither.
    pub fn set_aggregates(&mut self, uuid: &str, aggregates: Vec<String>, expected_generation: Option<i128>) -> Result<(), Refusal> {
        let rp = self.provider_or_404(uuid)?;
        if let Some(g) = expected_generation {
            Self::check_generation(rp, g, GENERATION_CHANGED)?;
        }
        if aggregates.is_empty() {
            self.aggregates.remove(uuid);
        } else {
            self.aggregates.insert(uuid.to_string(), aggregates);
        }
        if expected_generation.is_some() {
            self.bump(uuid);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placement::model::MEMORY_MB;

    fn world() -> Placement {
        let mut p = Placement::default();
        let inv = BTreeMap::from([(MEMORY_MB.to_string(), Inventory::new(4096, 512, 1.0))]);
        p.add_provider("a".into(), "host-a".into(), inv, vec![]);
        p
    }

    #[test]
    fn stale_generations_are_refused_and_nothing_changes() {
        let mut p = world();
        let before = format!("{p:?}");
        let err = p.set_inventories("a", 0, BTreeMap::new(), false).unwrap_err();
        assert!(matches!(err, Refusal::Conflict { code: codes::CONCURRENT_UPDATE, .. }));
        assert_eq!(format!("{p:?}"), before);
        p.set_inventories("a", 1, BTreeMap::from([(MEMORY_MB.to_string(), Inventory::new(8192, 0, 1.0))]), false).unwrap();
        assert_eq!(p.providers["a"].generation, 2);
    }

    #[test]
    fn inventory_in_use_cannot_be_removed() {
        let mut p = world();
        p.allocate("c", "a", BTreeMap::from([(MEMORY_MB.to_string(), 100)]), "p", "u").unwrap();
        let g = p.providers["a"].generation as i128;
        let err = p.set_inventories("a", g, BTreeMap::new(), false).unwrap_err();
        assert!(matches!(err, Refusal::Conflict { code: codes::INVENTORY_INUSE, .. }), "{err:?}");
        assert!(matches!(p.delete_inventories("a"), Err(Refusal::Conflict { code: codes::INVENTORY_INUSE, .. })));
        assert!(matches!(p.delete_inventory("a", MEMORY_MB), Err(Refusal::Conflict { .. })));
        assert!(matches!(p.delete_provider("a"), Err(Refusal::Conflict { code: codes::PROVIDER_IN_USE, .. })));
        p.free("c");
        p.delete_inventory("a", MEMORY_MB).unwrap();
    }

    #[test]
    fn reserved_equal_to_total_is_allowed_only_from_1_26() {
        let mut p = world();
        let full = Inventory::new(100, 100, 1.0);
        assert!(matches!(p.add_inventory("a", "VCPU", full.clone(), false), Err(Refusal::BadRequest(_))));
        p.add_inventory("a", "VCPU", full, true).unwrap();
    }

    #[test]
    fn trees_keep_their_roots_and_refuse_loops() {
        let mut p = world();
        p.create_provider("b", "child", Some("a")).unwrap();
        p.create_provider("c", "grandchild", Some("b")).unwrap();
        assert_eq!(p.providers["c"].root_provider_uuid, "a");
        assert!(matches!(p.delete_provider("b"), Err(Refusal::Conflict { code: codes::PROVIDER_CANNOT_DELETE_PARENT, .. })));
        assert!(matches!(p.update_provider("a", "host-a", Some(Some("c")), true), Err(Refusal::BadRequest(_))));
        assert!(matches!(p.update_provider("c", "grandchild", Some(Some("a")), false), Err(Refusal::BadRequest(_))));
        p.update_provider("b", "child", Some(None), true).unwrap();
        assert_eq!(p.providers["c"].root_provider_uuid, "b");
        assert!(matches!(p.create_provider("d", "child", None), Err(Refusal::Conflict { code: codes::DUPLICATE_NAME, .. })));
    }
}
