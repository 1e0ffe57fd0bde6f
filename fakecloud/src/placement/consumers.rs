//! Consumers and their allocations as the HTTP API writes them: all of a request's consumers are
//! replaced in one go or not at all, with upstream's order of checks (providers exist, consumer
//! generations from 1.28, resource classes exist, then capacity with the request's own amounts
//! summed per provider and class). Also the per-project usage totals of `GET /usages`.

use super::model::{codes, Allocation, Placement, Refusal};
use std::collections::{BTreeMap, BTreeSet};

/// The project and user of consumers written before 1.8, when the body had neither
/// (placement's incomplete_consumer_project_id / incomplete_consumer_user_id defaults).
pub const INCOMPLETE_CONSUMER: &str = "00000000-0000-0000-0000-000000000000";

/// The consumer type of consumers that never declared one (placement's DEFAULT_CONSUMER_TYPE).
pub const UNKNOWN_CONSUMER_TYPE: &str = "unknown";

/// What one consumer should hold after the write.
#[derive(Clone, Debug)]
pub struct ConsumerAllocations {
    pub consumer: String,
    /// Provider uuid -> resource class -> amount; empty removes the consumer's allocations.
    pub allocations: BTreeMap<String, BTreeMap<String, u64>>,
    pub project_id: String,
    pub user_id: String,
    /// From 1.28: Some(expected generation), where None means "the consumer must not exist yet".
    pub generation: Option<Option<i128>>,
    pub consumer_type: Option<String>,
}

/// One consumer type's share of a project's usage (`GET /usages` from 1.38).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TypedUsage {
    pub consumer_count: u64,
    pub resources: BTreeMap<String, u64>,
}

impl Placement {
    pub fn consumer_type(&self, consumer: &str) -> &str {
        self.consumer_types.get(consumer).map_or(UNKNOWN_CONSUMER_TYPE, String::as_str)
    }

    /// Writes every consumer's allocations, or refuses without changing anything.
    pub fn replace_allocations(&mut self, requests: &[ConsumerAllocations]) -> Result<(), Refusal> {
        for r in requests {
            if let Some(rp) = r.allocations.keys().find(|rp| !self.providers.contains_key(*rp)) {
                return Err(Refusal::BadRequest(format!("Allocation for resource provider '{rp}' that does not exist.")));
            }
        }
        for r in requests {
            let Some(expected) = r.generation else { continue };
            match (self.allocations.get(&r.consumer), expected) {
                (Some(a), Some(g)) if a.consumer_generation as i128 == g => {}
                (Some(a), got) => {
                    let got = got.map_or("None".to_string(), |g| g.to_string());
                    return Err(Refusal::conflict(
                        format!("consumer generation conflict - expected {} but got {got}", a.consumer_generation),
                        codes::CONCURRENT_UPDATE,
                    ));
                }
                (None, Some(g)) => {
                    return Err(Refusal::conflict(
                        format!("consumer generation conflict - expected null but got {g}"),
                        codes::CONCURRENT_UPDATE,
                    ))
                }
                (None, None) => {}
            }
        }
        for r in requests {
            for rc in r.allocations.values().flat_map(|res| res.keys()) {
                if !self.resource_class_exists(rc) {
                    return Err(Refusal::BadRequest(format!(
                        "Unable to allocate inventory for consumer {}: No such resource class {rc}.",
                        r.consumer
                    )));
                }
            }
        }
        self.check_capacity_for(requests)?;

        let mut touched = BTreeSet::new();
        for r in requests {
            let previous = self.allocations.remove(&r.consumer);
            if r.allocations.is_empty() {
                self.consumer_types.remove(&r.consumer);
                continue;
            }
            touched.extend(r.allocations.keys().cloned());
            self.allocations.insert(
                r.consumer.clone(),
                Allocation {
                    project_id: r.project_id.clone(),
                    user_id: r.user_id.clone(),
                    consumer_generation: previous.map_or(1, |p| p.consumer_generation + 1),
                    resources: r.allocations.clone(),
                },
            );
            if let Some(t) = &r.consumer_type {
                self.consumer_types.insert(r.consumer.clone(), t.clone());
            }
        }
        for rp in touched {
            if let Some(p) = self.providers.get_mut(&rp) {
                p.generation += 1;
            }
        }
        Ok(())
    }

    /// Capacity as upstream's _check_capacity_exceeded: what others hold plus everything this request
    /// asks of a provider and class must fit; each amount must respect min_unit, max_unit, step_size.
    fn check_capacity_for(&self, requests: &[ConsumerAllocations]) -> Result<(), Refusal> {
        let replaced: BTreeSet<&str> = requests.iter().map(|r| r.consumer.as_str()).collect();
        let mut asked: BTreeMap<(&str, &str), u64> = BTreeMap::new();
        for r in requests {
            for (rp, res) in &r.allocations {
                for (rc, n) in res {
                    *asked.entry((rp.as_str(), rc.as_str())).or_default() += n;
                }
            }
        }
        for r in requests {
            for (rp, res) in &r.allocations {
                let provider = &self.providers[rp];
                for (rc, amount) in res {
                    let Some(inv) = provider.inventories.get(rc) else {
                        return Err(Refusal::conflict(
                            format!("Unable to allocate inventory: Inventory for '{rc}' on resource provider '{rp}' invalid."),
                            codes::DEFAULT,
                        ));
                    };
                    if *amount < inv.min_unit || *amount > inv.max_unit || inv.step_size == 0 || amount % inv.step_size != 0 {
                        return Err(Refusal::conflict(
                            format!("Unable to allocate inventory: Unable to create allocation for '{rc}' on resource provider '{rp}'. The requested amount would violate inventory constraints."),
                            codes::DEFAULT,
                        ));
                    }
                    let replaced_here: u64 = replaced.iter().filter_map(|c| self.allocations.get(*c)?.resources.get(rp)?.get(rc)).sum();
                    let others = self.allocations.usage(rp, rc) - replaced_here;
                    if others.saturating_add(asked[&(rp.as_str(), rc.as_str())]) > inv.capacity() {
                        return Err(Refusal::conflict(
                            format!("Unable to allocate inventory: Unable to create allocation for '{rc}' on resource provider '{rp}'. The requested amount would exceed the capacity."),
                            codes::DEFAULT,
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// `DELETE /allocations/{consumer}`: upstream leaves provider generations alone here.
    pub fn delete_allocations(&mut self, consumer: &str) -> Result<(), Refusal> {
        if self.allocations.remove(consumer).is_none() {
            return Err(Refusal::NotFound(format!("No allocations for consumer '{consumer}'")));
        }
        self.consumer_types.remove(consumer);
        Ok(())
    }

    fn project_allocations<'a>(
        &'a self,
        project: &'a str,
        user: Option<&'a str>,
    ) -> impl Iterator<Item = (&'a String, &'a Allocation)> + 'a {
        self.allocations.iter().filter(move |(_, a)| a.project_id == project && user.is_none_or(|u| a.user_id == u))
    }

    /// `GET /usages` before 1.38: the project's (and user's) usage per class, only classes in use.
    pub fn project_usages(&self, project: &str, user: Option<&str>) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        for (_, a) in self.project_allocations(project, user) {
            for (rc, n) in a.resources.values().flatten() {
                *out.entry(rc.clone()).or_default() += n;
            }
        }
        out
    }

    /// `GET /usages` from 1.38: grouped by consumer type. `only` is the consumer_type parameter:
    /// `all` folds everything into one group named `all`, `unknown` keeps consumers without a type.
    pub fn project_usages_by_type(&self, project: &str, user: Option<&str>, only: Option<&str>) -> BTreeMap<String, TypedUsage> {
        let mut out: BTreeMap<String, TypedUsage> = BTreeMap::new();
        for (consumer, a) in self.project_allocations(project, user) {
            let ty = self.consumer_type(consumer);
            let group = match only {
                Some("all") => "all",
                Some(want) if want != ty => continue,
                _ => ty,
            };
            let entry = out.entry(group.to_string()).or_default();
            entry.consumer_count += 1;
            for (rc, n) in a.resources.values().flatten() {
                *entry.resources.entry(rc.clone()).or_default() += n;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placement::model::{Inventory, MEMORY_MB, VCPU};

    fn world() -> Placement {
        let mut p = Placement::default();
        for rp in ["a", "b"] {
            let inv =
                BTreeMap::from([(MEMORY_MB.to_string(), Inventory::new(1024, 0, 1.0)), (VCPU.to_string(), Inventory::new(2, 0, 1.0))]);
            p.add_provider(rp.into(), rp.into(), inv, vec![]);
        }
        p
    }

    fn req(consumer: &str, rp: &str, mem: u64, generation: Option<Option<i128>>) -> ConsumerAllocations {
        ConsumerAllocations {
            consumer: consumer.into(),
            allocations: BTreeMap::from([(rp.to_string(), BTreeMap::from([(MEMORY_MB.to_string(), mem)]))]),
            project_id: "p".into(),
            user_id: "u".into(),
            generation,
            consumer_type: None,
        }
    }

    #[test]
    fn consumer_generations_guard_writes_from_1_28() {
        let mut p = world();
        p.replace_allocations(&[req("c", "a", 512, Some(None))]).unwrap();
        assert_eq!(p.allocations["c"].consumer_generation, 1);
        let stale = p.replace_allocations(&[req("c", "a", 256, Some(None))]).unwrap_err();
        assert!(stale.message().contains("expected 1 but got None"), "{stale:?}");
        p.replace_allocations(&[req("c", "a", 256, Some(Some(1)))]).unwrap();
        assert_eq!(p.allocations["c"].consumer_generation, 2);
        assert!(p.replace_allocations(&[req("new", "a", 1, Some(Some(3)))]).unwrap_err().message().contains("expected null but got 3"));
    }

    #[test]
    fn a_request_is_checked_as_a_whole_against_capacity() {
        let mut p = world();
        p.replace_allocations(&[req("c1", "a", 1000, None)]).unwrap();
        // Replacing c1's own allocation does not count it twice.
        p.replace_allocations(&[req("c1", "a", 1024, None)]).unwrap();
        let before = format!("{p:?}");
        let err = p.replace_allocations(&[req("c2", "b", 600, None), req("c3", "b", 600, None)]).unwrap_err();
        assert!(err.message().contains("exceed the capacity"), "{err:?}");
        assert_eq!(format!("{p:?}"), before);
        assert!(p.replace_allocations(&[req("c2", "nope", 1, None)]).unwrap_err().message().contains("does not exist"));
    }

    #[test]
    fn usages_sum_per_project_and_group_by_type() {
        let mut p = world();
        let mut typed = req("c1", "a", 100, None);
        typed.consumer_type = Some("INSTANCE".into());
        p.replace_allocations(&[typed, req("c2", "b", 50, None)]).unwrap();
        assert_eq!(p.project_usages("p", None)[MEMORY_MB], 150);
        assert!(p.project_usages("p", Some("someone-else")).is_empty());
        let by_type = p.project_usages_by_type("p", None, None);
        assert_eq!(by_type["INSTANCE"].resources[MEMORY_MB], 100);
        assert_eq!(by_type[UNKNOWN_CONSUMER_TYPE].consumer_count, 1);
        assert_eq!(p.project_usages_by_type("p", None, Some("all"))["all"].consumer_count, 2);
        p.delete_allocations("c1").unwrap();
        assert!(p.delete_allocations("c1").is_err());
    }
}
