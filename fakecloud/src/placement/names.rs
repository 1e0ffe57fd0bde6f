//! Resource classes and traits: the standard names plus the custom ones created through the API.
//! A name also counts as known when a provider already uses it (a fixture may put any trait on a
//! host), so nothing a provider carries is ever "unknown".

use super::model::{codes, Placement, Refusal};
use super::standard;
use std::collections::BTreeSet;

impl Placement {
    pub fn resource_class_exists(&self, name: &str) -> bool {
        standard::is_standard_resource_class(name)
            || self.custom_resource_classes.contains(name)
            || self.providers.values().any(|p| p.inventories.contains_key(name))
    }

    /// Every resource class: the standard ones in os-resource-classes' order, then custom ones sorted.
    pub fn resource_classes(&self) -> Vec<String> {
        let mut custom: BTreeSet<String> = self.custom_resource_classes.clone();
        for p in self.providers.values() {
            custom.extend(p.inventories.keys().filter(|k| !standard::is_standard_resource_class(k)).cloned());
        }
        standard::RESOURCE_CLASSES.iter().map(|s| s.to_string()).chain(custom).collect()
    }

    /// `PUT /resource_classes/{name}` from 1.7: creates a custom class; false if it already existed.
    pub fn ensure_resource_class(&mut self, name: &str) -> bool {
        if self.resource_class_exists(name) {
            return false;
        }
        self.custom_resource_classes.insert(name.to_string());
        true
    }

    /// `POST /resource_classes`.
    pub fn create_resource_class(&mut self, name: &str) -> Result<(), Refusal> {
        if self.resource_class_exists(name) {
            return Err(Refusal::conflict(format!("Conflicting resource class already exists: {name}"), codes::DEFAULT));
        }
        self.custom_resource_classes.insert(name.to_string());
        Ok(())
    }

    /// `PUT /resource_classes/{name}` before 1.7: renames a custom class, with the inventories and
    /// allocations that use it (upstream renames the row they point at).
    pub fn rename_resource_class(&mut self, old: &str, new: &str) -> Result<(), Refusal> {
        if !self.resource_class_exists(old) {
            return Err(Refusal::NotFound(format!("No such resource class {old}.")));
        }
        if standard::is_standard_resource_class(old) {
            return Err(Refusal::BadRequest(format!("Cannot update standard resource class {old}")));
        }
        if self.resource_class_exists(new) {
            return Err(Refusal::conflict(format!("Resource class already exists: {new}"), codes::DEFAULT));
        }
        self.custom_resource_classes.remove(old);
        self.custom_resource_classes.insert(new.to_string());
        for p in self.providers.values_mut() {
            if let Some(inv) = p.inventories.remove(old) {
                p.inventories.insert(new.to_string(), inv);
            }
        }
        self.allocations.rename_class(old, new);
        Ok(())
    }

    /// `DELETE /resource_classes/{name}`.
    pub fn delete_resource_class(&mut self, name: &str) -> Result<(), Refusal> {
        if !self.resource_class_exists(name) {
            return Err(Refusal::NotFound(format!("No such resource class {name}.")));
        }
        if standard::is_standard_resource_class(name) {
            return Err(Refusal::BadRequest(format!("Error in delete resource class: Cannot delete standard resource class {name}.")));
        }
        if self.providers.values().any(|p| p.inventories.contains_key(name)) {
            return Err(Refusal::conflict(
                format!("Error in delete resource class: Cannot delete resource class {name}. Class is in use in inventory."),
                codes::DEFAULT,
            ));
        }
        self.custom_resource_classes.remove(name);
        Ok(())
    }

    pub fn trait_exists(&self, name: &str) -> bool {
        standard::is_standard_trait(name)
            || self.custom_traits.contains(name)
            || self.providers.values().any(|p| p.traits.iter().any(|t| t == name))
    }

    /// Every known trait, sorted (Placement lists traits by name).
    pub fn traits(&self) -> BTreeSet<String> {
        let mut all: BTreeSet<String> = standard::TRAITS.iter().map(|s| s.to_string()).collect();
        all.extend(self.custom_traits.iter().cloned());
        for p in self.providers.values() {
            all.extend(p.traits.iter().cloned());
        }
        all
    }

    /// Whether any provider carries the trait (`GET /traits?associated=true`).
    /// `GET /traits`: the traits named in `name_in`, starting with `prefix`, in use by a provider or
    /// not (`associated`); each filter only when given.
    pub fn find_traits(&self, name_in: Option<&[String]>, prefix: Option<&str>, associated: Option<bool>) -> Vec<String> {
        self.traits()
            .into_iter()
            .filter(|t| name_in.is_none_or(|list| list.contains(t)))
            .filter(|t| prefix.is_none_or(|pre| t.starts_with(pre)))
            .filter(|t| associated.is_none_or(|a| self.trait_in_use(t) == a))
            .collect()
    }

    pub fn trait_in_use(&self, name: &str) -> bool {
        self.providers.values().any(|p| p.traits.iter().any(|t| t == name))
    }

    /// The traits among `names` that do not exist, sorted.
    pub fn unknown_traits<'a>(&self, names: impl IntoIterator<Item = &'a String>) -> Vec<String> {
        let set: BTreeSet<&String> = names.into_iter().filter(|n| !self.trait_exists(n)).collect();
        set.into_iter().cloned().collect()
    }

    /// `PUT /traits/{name}`: creates a custom trait; false if it already existed.
    pub fn ensure_trait(&mut self, name: &str) -> bool {
        if self.trait_exists(name) {
            return false;
        }
        self.custom_traits.insert(name.to_string());
        true
    }

    /// `DELETE /traits/{name}`.
    pub fn delete_trait(&mut self, name: &str) -> Result<(), Refusal> {
        if !self.trait_exists(name) {
            return Err(Refusal::NotFound(format!("No such trait(s): {name}.")));
        }
        if standard::is_standard_trait(name) {
            return Err(Refusal::BadRequest(format!("Cannot delete standard trait {name}.")));
        }
        if self.trait_in_use(name) {
            return Err(Refusal::conflict(format!("The trait {name} is in use by a resource provider."), codes::DEFAULT));
        }
        self.custom_traits.remove(name);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn custom_classes_are_created_listed_and_protected_while_in_use() {
        let mut p = Placement::default();
        assert!(p.ensure_resource_class("CUSTOM_GPU"));
        assert!(!p.ensure_resource_class("CUSTOM_GPU"));
        assert!(matches!(p.create_resource_class("CUSTOM_GPU"), Err(Refusal::Conflict { .. })));
        assert_eq!(p.resource_classes().last().map(String::as_str), Some("CUSTOM_GPU"));
        let inv = BTreeMap::from([("CUSTOM_GPU".to_string(), super::super::model::Inventory::new(2, 0, 1.0))]);
        p.add_provider("rp".into(), "rp".into(), inv, vec![]);
        assert!(matches!(p.delete_resource_class("CUSTOM_GPU"), Err(Refusal::Conflict { .. })));
        assert!(matches!(p.delete_resource_class("VCPU"), Err(Refusal::BadRequest(_))));
        assert!(matches!(p.delete_resource_class("CUSTOM_NOPE"), Err(Refusal::NotFound(_))));
    }

    #[test]
    fn traits_on_providers_count_as_known() {
        let mut p = Placement::default();
        p.add_provider("rp".into(), "rp".into(), BTreeMap::new(), vec!["CUSTOM_FROM_FIXTURE".into()]);
        assert!(p.trait_exists("CUSTOM_FROM_FIXTURE"));
        assert!(p.traits().contains("CUSTOM_FROM_FIXTURE"));
        assert!(matches!(p.delete_trait("CUSTOM_FROM_FIXTURE"), Err(Refusal::Conflict { .. })));
        assert!(matches!(p.delete_trait("COMPUTE_NODE"), Err(Refusal::BadRequest(_))));
        assert_eq!(p.unknown_traits(&["CUSTOM_B".to_string(), "COMPUTE_NODE".to_string()]), vec!["CUSTOM_B".to_string()]);
    }
}
