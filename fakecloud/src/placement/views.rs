//! Placement's JSON, per microversion (placement/handlers/*.py serializers). Links are relative to
//! the mount point, as upstream builds them from SCRIPT_NAME (`/placement`).

use super::consumers::TypedUsage;
use super::model::{Allocation, Inventory, Placement, ResourceProvider};
use super::query::Candidate;
use crate::http::microversion::Version;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

pub fn prefix() -> &'static str {
    super::SERVICE.prefix()
}

pub fn provider_url(uuid: &str) -> String {
    format!("{}/resource_providers/{uuid}", prefix())
}

/// The version document at the root (placement/handlers/root.py).
pub fn versions() -> Value {
    let range = super::fault::RANGE;
    json!({"versions": [{
        "id": format!("v{}", range.min),
        "max_version": range.max.to_string(),
        "min_version": range.min.to_string(),
        "status": "CURRENT",
        "links": [{"rel": "self", "href": ""}],
    }]})
}

pub fn provider(rp: &ResourceProvider, v: Version) -> Value {
    let url = provider_url(&rp.uuid);
    let mut rels = vec!["inventories", "usages"];
    if v.at_least(1, 1) {
        rels.push("aggregates");
    }
    if v.at_least(1, 6) {
        rels.push("traits");
    }
    if v.at_least(1, 11) {
        rels.push("allocations");
    }
    let mut links = vec![json!({"rel": "self", "href": url})];
    links.extend(rels.into_iter().map(|rel| json!({"rel": rel, "href": format!("{url}/{rel}")})));
    let mut out = json!({"uuid": rp.uuid, "name": rp.name, "generation": rp.generation, "links": links});
    if v.at_least(1, 14) {
        out["parent_provider_uuid"] = json!(rp.parent_provider_uuid);
        out["root_provider_uuid"] = json!(rp.root_provider_uuid);
    }
    out
}

pub fn providers<'a>(rps: impl IntoIterator<Item = &'a ResourceProvider>, v: Version) -> Value {
    json!({"resource_providers": rps.into_iter().map(|rp| provider(rp, v)).collect::<Vec<_>>()})
}

pub fn inventory_fields(inv: &Inventory) -> Value {
    json!({
        "total": inv.total,
        "reserved": inv.reserved,
        "min_unit": inv.min_unit,
        "max_unit": inv.max_unit,
        "step_size": inv.step_size,
        "allocation_ratio": inv.allocation_ratio,
    })
}

/// One inventory; upstream leaves the generation out when it is 0 (`if generation:`).
pub fn inventory(inv: &Inventory, generation: u64) -> Value {
    let mut out = inventory_fields(inv);
    if generation != 0 {
        out["resource_provider_generation"] = json!(generation);
    }
    out
}

pub fn inventories(rp: &ResourceProvider) -> Value {
    let invs: Map<String, Value> = rp.inventories.iter().map(|(rc, inv)| (rc.clone(), inventory_fields(inv))).collect();
    json!({"resource_provider_generation": rp.generation, "inventories": invs})
}

pub fn provider_usages(p: &Placement, rp: &ResourceProvider) -> Value {
    json!({"resource_provider_generation": rp.generation, "usages": p.usages(&rp.uuid)})
}

pub fn traits<'a>(names: impl IntoIterator<Item = &'a String>) -> Value {
    json!({"traits": names.into_iter().collect::<Vec<_>>()})
}

pub fn provider_traits(rp: &ResourceProvider) -> Value {
    json!({"traits": rp.traits, "resource_provider_generation": rp.generation})
}

pub fn resource_class(name: &str) -> Value {
    json!({"name": name, "links": [{"rel": "self", "href": format!("{}/resource_classes/{name}", prefix())}]})
}

pub fn resource_classes(names: &[String]) -> Value {
    json!({"resource_classes": names.iter().map(|n| resource_class(n)).collect::<Vec<_>>()})
}

pub fn aggregates(p: &Placement, rp: &ResourceProvider, v: Version) -> Value {
    let mut out = json!({"aggregates": p.provider_aggregates(&rp.uuid)});
    if v.at_least(1, 19) {
        out["resource_provider_generation"] = json!(rp.generation);
    }
    out
}

/// `GET /allocations/{consumer}`: by provider, with project and user from 1.12, the consumer
/// generation from 1.28 and its type from 1.38 (none of them when there are no allocations).
pub fn consumer_allocations(p: &Placement, consumer: &str, a: Option<&Allocation>, v: Version) -> Value {
    let Some(a) = a else { return json!({"allocations": {}}) };
    let by_rp: Map<String, Value> = a
        .resources
        .iter()
        .map(|(rp, res)| {
            let generation = p.providers.get(rp).map_or(0, |r| r.generation);
            (rp.clone(), json!({"generation": generation, "resources": res}))
        })
        .collect();
    let mut out = json!({"allocations": by_rp});
    if v.at_least(1, 12) {
        out["project_id"] = json!(a.project_id);
        out["user_id"] = json!(a.user_id);
        if v.at_least(1, 28) {
            out["consumer_generation"] = json!(a.consumer_generation);
        }
        if v.at_least(1, 38) {
            out["consumer_type"] = json!(p.consumer_type(consumer));
        }
    }
    out
}

/// `GET /resource_providers/{uuid}/allocations`: by consumer.
pub fn provider_allocations(p: &Placement, rp: &ResourceProvider, v: Version) -> Value {
    let mut by_consumer = Map::new();
    for (consumer, a) in p.allocations.iter() {
        if let Some(res) = a.resources.get(&rp.uuid) {
            let mut entry = json!({"resources": res});
            if v.at_least(1, 28) {
                entry["consumer_generation"] = json!(a.consumer_generation);
            }
            by_consumer.insert(consumer.clone(), entry);
        }
    }
    json!({"allocations": by_consumer, "resource_provider_generation": rp.generation})
}

pub fn project_usages(usages: &BTreeMap<String, u64>) -> Value {
    json!({"usages": usages})
}

pub fn typed_usages(usages: &BTreeMap<String, TypedUsage>) -> Value {
    let by_type: Map<String, Value> = usages
        .iter()
        .map(|(ty, u)| {
            let mut entry = json!(u.resources);
            entry["consumer_count"] = json!(u.consumer_count);
            (ty.clone(), entry)
        })
        .collect();
    json!({"usages": by_type})
}

/// `GET /allocation_candidates`: allocation requests (a list form before 1.12, the dict form a
/// `PUT /allocations` takes from 1.12, with mappings from 1.34) and a summary of every provider they
/// name: capacity and usage of the requested classes (all classes from 1.27), traits from 1.17, and
/// tree links from 1.29, where the summaries also cover the rest of each candidate's tree.
pub fn allocation_candidates(p: &Placement, candidates: &[Candidate<'_>], requested: &BTreeSet<String>, v: Version) -> Value {
    let requests: Vec<Value> = candidates
        .iter()
        .map(|c| {
            let uuid = &c.provider.uuid;
            if !v.at_least(1, 12) {
                return json!({"allocations": [{"resource_provider": {"uuid": uuid}, "resources": c.resources}]});
            }
            let mut out = json!({"allocations": {uuid.as_str(): {"resources": c.resources}}});
            if v.at_least(1, 34) {
                out["mappings"] = json!(c.mappings);
            }
            out
        })
        .collect();
    let mut summarised: BTreeSet<&str> = candidates.iter().map(|c| c.provider.uuid.as_str()).collect();
    if v.at_least(1, 29) {
        for c in candidates {
            summarised.extend(p.tree(&c.provider.root_provider_uuid).map(|rp| rp.uuid.as_str()));
        }
    }
    let mut summaries = Map::new();
    for uuid in summarised {
        let Some(rp) = p.providers.get(uuid) else { continue };
        let resources: Map<String, Value> = rp
            .inventories
            .iter()
            .filter(|(rc, _)| v.at_least(1, 27) || requested.contains(*rc))
            .map(|(rc, inv)| (rc.clone(), json!({"capacity": inv.capacity(), "used": p.usage(uuid, rc)})))
            .collect();
        let mut summary = json!({"resources": resources});
        if v.at_least(1, 17) {
            summary["traits"] = json!(rp.traits);
        }
        if v.at_least(1, 29) {
            summary["parent_provider_uuid"] = json!(rp.parent_provider_uuid);
            summary["root_provider_uuid"] = json!(rp.root_provider_uuid);
        }
        summaries.insert(uuid.to_string(), summary);
    }
    json!({"allocation_requests": requests, "provider_summaries": summaries})
}
