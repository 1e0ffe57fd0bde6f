//! Finding providers: the filters of `GET /resource_providers` and the request groups of
//! `GET /allocation_candidates`. Capacity uses the same arithmetic as Nova's scheduling (`fits`).
//! fakecloud's candidates are single providers: every request group is satisfied by one provider
//! (upstream can also spread groups across a provider tree or a sharing provider).

use super::model::{Placement, ResourceProvider};
use std::collections::BTreeMap;

/// A `required` filter: each inner list needs at least one of its traits (several only with 1.39's
/// `in:`), and no forbidden (`!`) trait may be present.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TraitFilter {
    pub all_of: Vec<Vec<String>>,
    pub forbidden: Vec<String>,
}

impl TraitFilter {
    pub fn is_empty(&self) -> bool {
        self.all_of.is_empty() && self.forbidden.is_empty()
    }

    /// Every trait the filter names, for the existence check.
    pub fn names(&self) -> impl Iterator<Item = &String> {
        self.all_of.iter().flatten().chain(&self.forbidden)
    }

    pub fn matches(&self, traits: &[String]) -> bool {
        let has = |t: &String| traits.contains(t);
        self.all_of.iter().all(|any| any.iter().any(has)) && !self.forbidden.iter().any(has)
    }

    pub fn merge(&mut self, other: &TraitFilter) {
        self.all_of.extend(other.all_of.iter().cloned());
        self.forbidden.extend(other.forbidden.iter().cloned());
    }
}

/// One `member_of` parameter: the provider must be in one of the aggregates, or (negated, 1.32+)
/// in none of them.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberOf {
    pub any_of: Vec<String>,
    pub negated: bool,
}

/// The filters of `GET /resource_providers`; all of them must hold.
#[derive(Clone, Debug, Default)]
pub struct ProviderQuery {
    pub name: Option<String>,
    pub uuid: Option<String>,
    pub in_tree: Option<String>,
    pub resources: BTreeMap<String, u64>,
    pub required: TraitFilter,
    pub member_of: Vec<MemberOf>,
}

/// One request group of `GET /allocation_candidates` (`resources`, `resources1`, `resources_X`...).
#[derive(Clone, Debug, Default)]
pub struct RequestGroup {
    pub suffix: String,
    pub resources: BTreeMap<String, u64>,
    pub required: TraitFilter,
    pub member_of: Vec<MemberOf>,
    pub in_tree: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct CandidateQuery {
    pub groups: Vec<RequestGroup>,
    /// `root_required` (1.35+): traits the provider's root must (not) have.
    pub root_required: TraitFilter,
    /// `group_policy=isolate`: numbered groups must land on different providers.
    pub isolate: bool,
    pub limit: Option<usize>,
}

/// One allocation request: what to claim on one provider, and which groups it satisfies.
#[derive(Clone, Debug)]
pub struct Candidate<'a> {
    pub provider: &'a ResourceProvider,
    pub resources: BTreeMap<String, u64>,
    /// Group suffix -> providers (the 1.34+ `mappings`).
    pub mappings: BTreeMap<String, Vec<String>>,
}

impl Placement {
    fn in_aggregates(&self, rp: &ResourceProvider, filters: &[MemberOf]) -> bool {
        let mine = self.provider_aggregates(&rp.uuid);
        filters.iter().all(|m| m.any_of.iter().any(|a| mine.contains(a)) != m.negated)
    }

    fn in_tree_of(&self, rp: &ResourceProvider, tree: Option<&str>) -> bool {
        match tree {
            None => true,
            Some(t) => self.providers.get(t).is_some_and(|other| other.root_provider_uuid == rp.root_provider_uuid),
        }
    }

    /// `GET /resource_providers` with its filters, in uuid order.
    pub fn find_providers(&self, q: &ProviderQuery) -> Vec<&ResourceProvider> {
        self.providers
            .values()
            .filter(|rp| q.name.as_ref().is_none_or(|n| &rp.name == n))
            .filter(|rp| q.uuid.as_ref().is_none_or(|u| &rp.uuid == u))
            .filter(|rp| self.in_tree_of(rp, q.in_tree.as_deref()))
            .filter(|rp| q.required.matches(&rp.traits))
            .filter(|rp| self.in_aggregates(rp, &q.member_of))
            .filter(|rp| q.resources.is_empty() || self.fits(rp, &q.resources))
            .collect()
    }

    /// `GET /allocation_candidates`: every provider that alone satisfies all groups, in uuid order,
    /// cut to `limit`.
    pub fn allocation_candidates(&self, q: &CandidateQuery) -> Vec<Candidate<'_>> {
        let numbered = q.groups.iter().filter(|g| !g.suffix.is_empty()).count();
        if q.isolate && numbered > 1 {
            return vec![];
        }
        let mut total: BTreeMap<String, u64> = BTreeMap::new();
        for g in &q.groups {
            for (rc, n) in &g.resources {
                *total.entry(rc.clone()).or_default() += n;
            }
        }
        let root_ok = |rp: &ResourceProvider| {
            q.root_required.is_empty()
                || self.providers.get(&rp.root_provider_uuid).is_some_and(|root| q.root_required.matches(&root.traits))
        };
        let found = self
            .providers
            .values()
            .filter(|rp| root_ok(rp))
            .filter(|rp| {
                q.groups.iter().all(|g| {
                    g.required.matches(&rp.traits) && self.in_aggregates(rp, &g.member_of) && self.in_tree_of(rp, g.in_tree.as_deref())
                })
            })
            .filter(|rp| self.fits(rp, &total))
            .map(|rp| Candidate {
                provider: rp,
                resources: total.clone(),
                mappings: q.groups.iter().map(|g| (g.suffix.clone(), vec![rp.uuid.clone()])).collect(),
            });
        match q.limit {
            Some(n) => found.take(n).collect(),
            None => found.collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placement::model::{Inventory, MEMORY_MB, VCPU};

    fn world() -> Placement {
        let mut p = Placement::default();
        for (rp, mem, traits) in [("a", 2048, vec!["HW_CPU_X86_AVX2".to_string()]), ("b", 1024, vec![])] {
            let inv = BTreeMap::from([(MEMORY_MB.to_string(), Inventory::new(mem, 0, 1.0)), (VCPU.to_string(), Inventory::new(4, 0, 1.0))]);
            p.add_provider(rp.into(), rp.into(), inv, traits);
        }
        p
    }

    fn group(mem: u64) -> RequestGroup {
        RequestGroup { resources: BTreeMap::from([(MEMORY_MB.to_string(), mem)]), ..Default::default() }
    }

    #[test]
    fn traits_forbidden_traits_and_capacity_filter_candidates() {
        let p = world();
        let q = |g: RequestGroup| CandidateQuery { groups: vec![g], ..Default::default() };
        assert_eq!(p.allocation_candidates(&q(group(1024))).len(), 2);
        assert_eq!(p.allocation_candidates(&q(group(1025))).len(), 1);
        let mut avx = group(1);
        avx.required = TraitFilter { all_of: vec![vec!["HW_CPU_X86_AVX2".into()]], forbidden: vec![] };
        assert_eq!(p.allocation_candidates(&q(avx)).iter().map(|c| c.provider.uuid.as_str()).collect::<Vec<_>>(), vec!["a"]);
        let mut no_avx = group(1);
        no_avx.required = TraitFilter { all_of: vec![], forbidden: vec!["HW_CPU_X86_AVX2".into()] };
        assert_eq!(p.allocation_candidates(&q(no_avx))[0].provider.uuid, "b");
        let limited = CandidateQuery { groups: vec![group(1)], limit: Some(1), ..Default::default() };
        assert_eq!(p.allocation_candidates(&limited).len(), 1);
    }

    #[test]
    fn provider_filters_combine() {
        let mut p = world();
        p.set_aggregates("b", vec!["agg".into()], None).unwrap();
        let q = ProviderQuery { member_of: vec![MemberOf { any_of: vec!["agg".into()], negated: false }], ..Default::default() };
        assert_eq!(p.find_providers(&q).len(), 1);
        let q = ProviderQuery { member_of: vec![MemberOf { any_of: vec!["agg".into()], negated: true }], ..Default::default() };
        assert_eq!(p.find_providers(&q)[0].uuid, "a");
        let q = ProviderQuery { resources: BTreeMap::from([(MEMORY_MB.to_string(), 2000)]), ..Default::default() };
        assert_eq!(p.find_providers(&q)[0].uuid, "a");
        let q = ProviderQuery { in_tree: Some("zzz".into()), ..Default::default() };
        assert!(p.find_providers(&q).is_empty());
    }
}
