//! The consumers' allocations, with each provider's usage kept summed as they change.
//!
//! Scheduling asks "how much of this class is used on this provider" for every class of every
//! candidate; summing over every allocation in the cloud for each answer made one scheduling pass
//! cost the cloud's size many times over. The sums are kept beside the allocations instead, changed
//! by the only two ways an allocation changes (`insert`, `remove`), and rebuilt when a snapshot is
//! read, so a snapshot holds the allocations alone, as before.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// What one consumer (a server, an amphora) holds, per provider and resource class.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Allocation {
    pub project_id: String,
    pub user_id: String,
    pub consumer_generation: u64,
    pub resources: BTreeMap<String, BTreeMap<String, u64>>,
}

/// By consumer uuid, read as a map; written only through `insert` and `remove`.
#[derive(Clone, Debug, Default)]
pub struct Allocations {
    by_consumer: BTreeMap<String, Allocation>,
    /// Provider uuid -> resource class -> amount held by all consumers.
    used: BTreeMap<String, BTreeMap<String, u64>>,
}

impl Allocations {
    /// Sets a consumer's allocation, returning what it held before.
    pub fn insert(&mut self, consumer: String, a: Allocation) -> Option<Allocation> {
        self.count(&a, true);
        let previous = self.by_consumer.insert(consumer, a);
        if let Some(p) = &previous {
            self.count(p, false);
        }
        previous
    }

    /// Removes a consumer's allocation, returning it.
    pub fn remove(&mut self, consumer: &str) -> Option<Allocation> {
        let previous = self.by_consumer.remove(consumer)?;
        self.count(&previous, false);
        Some(previous)
    }

    /// Renames a resource class in every allocation.
    pub fn rename_class(&mut self, old: &str, new: &str) {
        for a in self.by_consumer.values_mut() {
            for res in a.resources.values_mut() {
                if let Some(n) = res.remove(old) {
                    res.insert(new.to_string(), n);
                }
            }
        }
        for res in self.used.values_mut() {
            if let Some(n) = res.remove(old) {
                res.insert(new.to_string(), n);
            }
        }
    }

    /// What all consumers hold of one class on one provider.
    pub fn usage(&self, rp: &str, rc: &str) -> u64 {
        self.used.get(rp).and_then(|r| r.get(rc)).copied().unwrap_or(0)
    }

    /// What all consumers hold on one provider, by class (classes nobody holds are absent).
    pub fn usages(&self, rp: &str) -> Option<&BTreeMap<String, u64>> {
        self.used.get(rp)
    }

    /// Whether any consumer holds anything on the provider.
    pub fn on_provider(&self, rp: &str) -> bool {
        self.used.get(rp).is_some_and(|r| r.values().any(|n| *n > 0))
    }

    fn count(&mut self, a: &Allocation, add: bool) {
        for (rp, res) in &a.resources {
            let used = self.used.entry(rp.clone()).or_default();
            for (rc, n) in res {
                let u = used.entry(rc.clone()).or_default();
                *u = if add { *u + n } else { u.saturating_sub(*n) };
            }
        }
    }

    fn from_map(by_consumer: BTreeMap<String, Allocation>) -> Allocations {
        let mut out = Allocations::default();
        for (consumer, a) in by_consumer {
            out.insert(consumer, a);
        }
        out
    }
}

impl std::ops::Deref for Allocations {
    type Target = BTreeMap<String, Allocation>;
    fn deref(&self) -> &Self::Target {
        &self.by_consumer
    }
}

impl Serialize for Allocations {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.by_consumer.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Allocations {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        BTreeMap::deserialize(d).map(Allocations::from_map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alloc(rp: &str, rc: &str, n: u64) -> Allocation {
        Allocation {
            project_id: "p".into(),
            user_id: "u".into(),
            consumer_generation: 1,
            resources: BTreeMap::from([(rp.into(), BTreeMap::from([(rc.into(), n)]))]),
        }
    }

    /// The kept sums against the sums over every allocation, the way they were counted before.
    fn summed(a: &Allocations, rp: &str, rc: &str) -> u64 {
        a.values().filter_map(|x| x.resources.get(rp)?.get(rc)).sum()
    }

    #[test]
    fn usage_follows_inserts_replacements_renames_and_removals() {
        let mut a = Allocations::default();
        a.insert("c1".into(), alloc("rp1", "VCPU", 2));
        a.insert("c2".into(), alloc("rp1", "VCPU", 3));
        assert_eq!(a.usage("rp1", "VCPU"), 5);
        a.insert("c1".into(), alloc("rp2", "VCPU", 4));
        assert_eq!((a.usage("rp1", "VCPU"), a.usage("rp2", "VCPU")), (3, 4));
        a.rename_class("VCPU", "CUSTOM_X");
        assert_eq!((a.usage("rp1", "CUSTOM_X"), a.usage("rp1", "VCPU")), (3, 0));
        a.remove("c2");
        assert!(!a.on_provider("rp1"));
        for (rp, rc) in [("rp1", "CUSTOM_X"), ("rp2", "CUSTOM_X")] {
            assert_eq!(a.usage(rp, rc), summed(&a, rp, rc));
        }
    }

    #[test]
    fn a_read_snapshot_has_its_sums_rebuilt_and_writes_only_the_allocations() {
        let mut a = Allocations::default();
        a.insert("c1".into(), alloc("rp1", "MEMORY_MB", 512));
        a.insert("c2".into(), alloc("rp1", "MEMORY_MB", 256));
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, serde_json::to_string(&*a).unwrap());
        let back: Allocations = serde_json::from_str(&json).unwrap();
        assert_eq!(back.usage("rp1", "MEMORY_MB"), 768);
    }
}
