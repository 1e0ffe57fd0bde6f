//! Placement's state and arithmetic, exactly as upstream: capacity = (total - reserved) *
//! allocation_ratio, and an allocation fits when used + amount <= capacity and min_unit, max_unit and
//! step_size allow it. The rules the HTTP API applies on top (generations, in-use checks, consumers,
//! filters) live next door: `providers.rs`, `consumers.rs`, `names.rs` and `query.rs`.

pub use super::allocations::Allocation;
use super::allocations::Allocations;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub const VCPU: &str = "VCPU";
pub const MEMORY_MB: &str = "MEMORY_MB";
pub const DISK_GB: &str = "DISK_GB";

/// Placement's MAX_INT (the database's integer limit): the ceiling of every inventory field and the
/// default max_unit of an inventory created through the API.
pub const MAX_INT: u64 = 2_147_483_647;

/// The error codes Placement puts in `errors[].code` (placement/errors.py), shown from 1.23.
pub mod codes {
    pub const DEFAULT: &str = "placement.undefined_code";
    pub const INVENTORY_INUSE: &str = "placement.inventory.inuse";
    pub const CONCURRENT_UPDATE: &str = "placement.concurrent_update";
    pub const DUPLICATE_NAME: &str = "placement.duplicate_name";
    pub const PROVIDER_IN_USE: &str = "placement.resource_provider.inuse";
    pub const PROVIDER_CANNOT_DELETE_PARENT: &str = "placement.resource_provider.cannot_delete_parent";
    pub const RESOURCE_PROVIDER_NOT_FOUND: &str = "placement.resource_provider.not_found";
    pub const QUERYPARAM_BAD_VALUE: &str = "placement.query.bad_value";
}

/// Why Placement refused a change. A refused change leaves the state exactly as it was.
#[derive(Clone, Debug, PartialEq)]
pub enum Refusal {
    BadRequest(String),
    NotFound(String),
    Conflict { message: String, code: &'static str },
}

impl Refusal {
    pub fn conflict(message: impl Into<String>, code: &'static str) -> Self {
        Refusal::Conflict { message: message.into(), code }
    }

    pub fn message(&self) -> &str {
        match self {
            Refusal::BadRequest(m) | Refusal::NotFound(m) | Refusal::Conflict { message: m, .. } => m,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    pub total: u64,
    pub reserved: u64,
    pub min_unit: u64,
    pub max_unit: u64,
    pub step_size: u64,
    pub allocation_ratio: f64,
}

impl Inventory {
    /// An inventory with Placement's defaults for everything but total, reserved and ratio.
    pub fn new(total: u64, reserved: u64, allocation_ratio: f64) -> Self {
        Inventory { total, reserved, min_unit: 1, max_unit: total, step_size: 1, allocation_ratio }
    }

    /// (total - reserved) * allocation_ratio, rounded down as placement's integer capacity is.
    pub fn capacity(&self) -> u64 {
        (self.total.saturating_sub(self.reserved) as f64 * self.allocation_ratio).floor() as u64
    }

    /// Whether `amount` more fits on top of `used`.
    pub fn fits(&self, used: u64, amount: u64) -> bool {
        amount >= self.min_unit
            && amount <= self.max_unit
            && self.step_size > 0
            && amount.is_multiple_of(self.step_size)
            && used.saturating_add(amount) <= self.capacity()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ResourceProvider {
    pub uuid: String,
    pub name: String,
    pub generation: u64,
    pub parent_provider_uuid: Option<String>,
    pub root_provider_uuid: String,
    pub inventories: BTreeMap<String, Inventory>,
    pub traits: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Placement {
    /// By uuid; a BTreeMap keeps listings and snapshots in a stable order.
    pub providers: BTreeMap<String, ResourceProvider>,
    /// By consumer uuid, with each provider's usage kept summed.
    pub allocations: Allocations,
    /// Custom resource classes (`CUSTOM_*`) created through the API.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub custom_resource_classes: BTreeSet<String>,
    /// Custom traits (`CUSTOM_*`) created through the API.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub custom_traits: BTreeSet<String>,
    /// The aggregates (uuids) each provider is a member of, by provider uuid.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub aggregates: BTreeMap<String, Vec<String>>,
    /// The consumer type a consumer was given (microversion 1.38+), by consumer uuid.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub consumer_types: BTreeMap<String, String>,
}

#[derive(Debug, PartialEq)]
pub enum PlacementError {
    NoProvider(String),
    /// The allocation does not fit; the message names the class and provider, as placement's does.
    Capacity(String),
}

impl Placement {
    pub fn add_provider(&mut self, uuid: String, name: String, inventories: BTreeMap<String, Inventory>, traits: Vec<String>) {
        let rp = ResourceProvider {
            root_provider_uuid: uuid.clone(),
            uuid: uuid.clone(),
            name,
            generation: 1,
            parent_provider_uuid: None,
            inventories,
            traits,
        };
        self.providers.insert(uuid, rp);
    }

    pub fn provider_named(&self, name: &str) -> Option<&ResourceProvider> {
        self.providers.values().find(|p| p.name == name)
    }

    /// Usage of every class of a provider (every inventory class present, 0 when unused).
    pub fn usages(&self, rp: &str) -> BTreeMap<String, u64> {
        let mut out: BTreeMap<String, u64> =
            self.providers.get(rp).map(|p| p.inventories.keys().map(|k| (k.clone(), 0)).collect()).unwrap_or_default();
        for (rc, n) in self.allocations.usages(rp).into_iter().flatten() {
            *out.entry(rc.clone()).or_default() += n;
        }
        out
    }

    pub fn usage(&self, rp: &str, rc: &str) -> u64 {
        self.allocations.usage(rp, rc)
    }

    /// Whether every requested class fits on the provider.
    pub fn fits(&self, rp: &ResourceProvider, request: &BTreeMap<String, u64>) -> bool {
        request.iter().all(|(rc, amount)| rp.inventories.get(rc).is_some_and(|inv| inv.fits(self.usage(&rp.uuid, rc), *amount)))
    }

    /// Providers that can satisfy the whole request alone, in uuid order.
    pub fn candidates(&self, request: &BTreeMap<String, u64>) -> Vec<&ResourceProvider> {
        self.providers.values().filter(|rp| self.fits(rp, request)).collect()
    }

    /// Claims `request` on one provider for a consumer, replacing what the consumer held; refused
    /// without any change when it does not fit.
    pub fn allocate(
        &mut self,
        consumer: &str,
        rp: &str,
        request: BTreeMap<String, u64>,
        project_id: &str,
        user_id: &str,
    ) -> Result<(), PlacementError> {
        let provider = self.providers.get(rp).ok_or_else(|| PlacementError::NoProvider(rp.to_string()))?;
        let previous = self.allocations.remove(consumer);
        for (rc, amount) in &request {
            let used = self.usage(rp, rc);
            let ok = provider.inventories.get(rc).is_some_and(|inv| inv.fits(used, *amount));
            if !ok {
                if let Some(p) = previous {
                    self.allocations.insert(consumer.to_string(), p);
                }
                return Err(PlacementError::Capacity(format!(
                    "Unable to allocate inventory: Unable to create allocation for '{rc}' on resource provider '{rp}'. The requested amount would exceed the capacity."
                )));
            }
        }
        let generation = previous.map_or(1, |p| p.consumer_generation + 1);
        let resources = BTreeMap::from([(rp.to_string(), request)]);
        self.allocations.insert(
            consumer.to_string(),
            Allocation { project_id: project_id.into(), user_id: user_id.into(), consumer_generation: generation, resources },
        );
        if let Some(p) = self.providers.get_mut(rp) {
            p.generation += 1;
        }
        Ok(())
    }

    /// Releases everything a consumer holds (server delete).
    pub fn free(&mut self, consumer: &str) {
        if let Some(a) = self.allocations.remove(consumer) {
            for rp in a.resources.keys() {
                if let Some(p) = self.providers.get_mut(rp) {
                    p.generation += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(p: &mut Placement, uuid: &str, mem: u64, reserved: u64) {
        let inv =
            BTreeMap::from([(MEMORY_MB.to_string(), Inventory::new(mem, reserved, 1.0)), (VCPU.to_string(), Inventory::new(4, 0, 4.0))]);
        p.add_provider(uuid.into(), uuid.into(), inv, vec![]);
    }

    fn mem(n: u64) -> BTreeMap<String, u64> {
        BTreeMap::from([(MEMORY_MB.to_string(), n)])
    }

    #[test]
    fn capacity_is_total_less_reserved_times_ratio() {
        assert_eq!(Inventory::new(32768, 4096, 1.0).capacity(), 28672);
        assert_eq!(Inventory::new(16, 0, 4.0).capacity(), 64);
        assert_eq!(Inventory::new(10, 2, 1.5).capacity(), 12);
    }

    #[test]
    fn a_host_fills_exactly_to_its_ceiling() {
        let mut p = Placement::default();
        host(&mut p, "a", 8192, 1024);
        p.allocate("s1", "a", mem(7168), "p", "u").unwrap();
        assert!(p.candidates(&mem(1)).is_empty());
        assert!(p.allocate("s2", "a", mem(1), "p", "u").is_err());
        p.free("s1");
        assert_eq!(p.candidates(&mem(7168)).len(), 1);
        assert_eq!(p.candidates(&mem(7169)).len(), 0);
    }

    #[test]
    fn a_refused_allocation_changes_nothing() {
        let mut p = Placement::default();
        host(&mut p, "a", 4096, 0);
        p.allocate("s1", "a", mem(1024), "p", "u").unwrap();
        let before = p.allocations.clone();
        assert!(p.allocate("s1", "a", mem(999_999), "p", "u").is_err());
        assert_eq!(format!("{before:?}"), format!("{:?}", p.allocations));
    }

    #[test]
    fn usages_list_every_inventory_class() {
        let mut p = Placement::default();
        host(&mut p, "a", 4096, 0);
        p.allocate("s1", "a", mem(512), "p", "u").unwrap();
        let u = p.usages("a");
        assert_eq!(u[MEMORY_MB], 512);
        assert_eq!(u[VCPU], 0);
    }
}
