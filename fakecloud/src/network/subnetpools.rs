//! Subnet pools: prefixes (compacted, of one IP version), the prefix lengths a subnet may take, the
//! default pool of each IP version, and carving a subnet's CIDR out of the free space (the first
//! block of the requested size in the smallest free blocks that hold it, as Neutron's allocator picks).

use super::error::{NResult, NeutronError};
use super::ipam::Cidr;
use super::model::*;
use crate::sim::{Ids, SimTime};
use ipnet::IpNet;
use serde::Deserialize;

/// A subnet pool create or update, as the API validated it. `None` means "not given".
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SubnetPoolSpec {
    pub name: Option<String>,
    pub description: Option<String>,
    pub prefixes: Option<Vec<String>>,
    pub min_prefixlen: Option<u32>,
    pub max_prefixlen: Option<u32>,
    pub default_prefixlen: Option<u32>,
    pub default_quota: Option<i64>,
    pub shared: Option<bool>,
    pub is_default: Option<bool>,
    #[serde(deserialize_with = "super::request::nullable")]
    pub address_scope_id: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
}

/// The pool's prefixes as Neutron compacts them (netaddr's `IPSet.compact`), refusing a mix of
/// IP versions.
fn read_prefixes(given: &[String]) -> NResult<Vec<Cidr>> {
    if given.is_empty() {
        return Err(NeutronError::new(400, "EmptySubnetPoolPrefixList", "Empty subnet pool prefix list."));
    }
    let mut nets = vec![];
    for text in given {
        let c = Cidr::parse_normalized(text).map_err(|reason| NeutronError::invalid_attr("prefixes", reason))?;
        nets.push(c.net);
    }
    if nets.iter().any(|n| n.addr().is_ipv4() != nets[0].addr().is_ipv4()) {
        return Err(NeutronError::new(400, "PrefixVersionMismatch", "Cannot mix IPv4 and IPv6 prefixes in a subnet pool."));
    }
    Ok(IpNet::aggregate(&nets).into_iter().map(|net| Cidr { net }).collect())
}

fn bounds_error(kind: &str, len: u32, base_kind: &str, base: u32) -> NeutronError {
    NeutronError::new(400, "IllegalSubnetPoolPrefixBounds", format!("Illegal prefix bounds: {kind}={len}, {base_kind}={base}."))
}

/// Neutron's `SubnetPoolHelper` checks: min <= default <= max <= the address width.
fn check_bounds(version: u8, min: u32, max: u32, default: u32) -> NResult<()> {
    let bits = if version == 4 { 32 } else { 128 };
    if min > max {
        return Err(bounds_error("min_prefixlen", min, "max_prefixlen", max));
    }
    if max > bits {
        return Err(bounds_error("max_prefixlen", max, "ip_version_max", bits));
    }
    if default < min {
        return Err(bounds_error("default_prefixlen", default, "min_prefixlen", min));
    }
    if default > max {
        return Err(bounds_error("default_prefixlen", default, "max_prefixlen", max));
    }
    Ok(())
}

/// `prefix` less every block in `taken`, as aligned CIDRs.
fn free_blocks(prefix: IpNet, taken: &[IpNet]) -> Vec<IpNet> {
    if taken.iter().any(|t| t.contains(&prefix)) {
        return vec![];
    }
    if !taken.iter().any(|t| prefix.contains(t)) {
        return vec![prefix];
    }
    match prefix.subnets(prefix.prefix_len() + 1) {
        Ok(halves) => halves.flat_map(|h| free_blocks(h, taken)).collect(),
        Err(_) => vec![],
    }
}

impl Network {
    fn check_one_default(&self, version: u8, except: Option<&str>) -> NResult<()> {
        if self.subnet_pools.values().any(|p| p.is_default && p.ip_version == version && Some(p.id.as_str()) != except) {
            return Err(NeutronError::invalid_input(
                "A default subnetpool for this IP family has already been set. Only one default may exist per IP family",
            ));
        }
        Ok(())
    }

    pub fn create_subnet_pool(&mut self, ids: &mut Ids, now: SimTime, project_id: &str, spec: SubnetPoolSpec) -> NResult<String> {
        let prefixes = read_prefixes(spec.prefixes.as_deref().unwrap_or_default())?;
        let version = prefixes[0].version();
        let min = spec.min_prefixlen.unwrap_or(if version == 4 { 8 } else { 64 });
        let max = spec.max_prefixlen.unwrap_or(if version == 4 { 32 } else { 128 });
        let default = spec.default_prefixlen.unwrap_or(min);
        check_bounds(version, min, max, default)?;
        let is_default = spec.is_default.unwrap_or(false);
        if is_default {
            self.check_one_default(version, None)?;
        }
        if let Some(Some(scope)) = &spec.address_scope_id {
            return Err(NeutronError::not_found("AddressScopeNotFound", format!("Address scope {scope} could not be found.")));
        }
        let id = ids.uuid();
        self.subnet_pools.insert(
            id.clone(),
            SubnetPool {
                id: id.clone(),
                name: spec.name.unwrap_or_default(),
                project_id: project_id.to_string(),
                description: spec.description.unwrap_or_default(),
                prefixes,
                ip_version: version,
                min_prefixlen: min as u8,
                max_prefixlen: max as u8,
                default_prefixlen: default as u8,
                default_quota: spec.default_quota,
                shared: spec.shared.unwrap_or(false),
                is_default,
                address_scope_id: None,
                tags: spec.tags.unwrap_or_default().into_iter().collect(),
                created_at: now,
                updated_at: now,
                revision_number: 0,
            },
        );
        Ok(id)
    }

    /// Prefixes may only grow (the old ones must stay covered); the bounds are checked again.
    pub fn update_subnet_pool(&mut self, now: SimTime, id: &str, spec: SubnetPoolSpec) -> NResult<()> {
        let pool = self.subnet_pools.get(id).ok_or_else(|| NeutronError::subnet_pool_not_found(id))?.clone();
        let prefixes = match &spec.prefixes {
            Some(given) => {
                let new = read_prefixes(given)?;
                if new[0].version() != pool.ip_version {
                    return Err(NeutronError::new(400, "PrefixVersionMismatch", "Cannot mix IPv4 and IPv6 prefixes in a subnet pool."));
                }
                if !pool.prefixes.iter().all(|old| new.iter().any(|n| n.net.contains(&old.net))) {
                    return Err(NeutronError::new(
                        400,
                        "IllegalSubnetPoolPrefixUpdate",
                        "Illegal update to prefixes: Existing prefixes must be a subset of the new prefixes.",
                    ));
                }
                new
            }
            None => pool.prefixes.clone(),
        };
        let min = spec.min_prefixlen.unwrap_or(pool.min_prefixlen as u32);
        let max = spec.max_prefixlen.unwrap_or(pool.max_prefixlen as u32);
        let default = spec.default_prefixlen.unwrap_or(pool.default_prefixlen as u32);
        check_bounds(pool.ip_version, min, max, default)?;
        if spec.is_default == Some(true) && !pool.is_default {
            self.check_one_default(pool.ip_version, Some(id))?;
        }
        if let Some(Some(scope)) = &spec.address_scope_id {
            return Err(NeutronError::not_found("AddressScopeNotFound", format!("Address scope {scope} could not be found.")));
        }
        let p = self.subnet_pools.get_mut(id).expect("checked above");
        p.prefixes = prefixes;
        p.min_prefixlen = min as u8;
        p.max_prefixlen = max as u8;
        p.default_prefixlen = default as u8;
        if let Some(v) = spec.name {
            p.name = v;
        }
        if let Some(v) = spec.description {
            p.description = v;
        }
        if let Some(v) = spec.default_quota {
            p.default_quota = Some(v);
        }
        if let Some(v) = spec.is_default {
            p.is_default = v;
        }
        touch(&mut p.updated_at, &mut p.revision_number, now);
        Ok(())
    }

    pub fn delete_subnet_pool(&mut self, id: &str) -> NResult<()> {
        if !self.subnet_pools.contains_key(id) {
            return Err(NeutronError::subnet_pool_not_found(id));
        }
        if self.subnets.values().any(|s| s.subnetpool_id.as_deref() == Some(id)) {
            return Err(NeutronError::new(
                400,
                "SubnetPoolDeleteError",
                "Unable to delete subnet pool: Subnet pool has existing allocations.",
            ));
        }
        self.subnet_pools.remove(id);
        Ok(())
    }

    /// The default pool of an IP version, if one is marked.
    pub fn default_subnet_pool(&self, version: u8) -> Option<&SubnetPool> {
        self.subnet_pools.values().find(|p| p.is_default && p.ip_version == version)
    }

    /// A subnet's CIDR from a pool: the one asked for, which must lie in the pool's free space, or
    /// the first free block of `prefixlen` (the pool's default length if not given).
    pub fn allocate_from_pool(&self, pool_id: &str, project_id: &str, cidr: Option<Cidr>, prefixlen: Option<u32>) -> NResult<Cidr> {
        let pool = self.subnet_pools.get(pool_id).ok_or_else(|| NeutronError::subnet_pool_not_found(pool_id))?;
        let len = cidr.map(|c| c.prefix() as u32).or(prefixlen).unwrap_or(pool.default_prefixlen as u32);
        if len > pool.max_prefixlen as u32 {
            return Err(NeutronError::new(
                400,
                "MaxPrefixSubnetAllocationError",
                format!("Unable to allocate subnet with prefix length {len}, maximum allowed prefix is {}.", pool.max_prefixlen),
            ));
        }
        if len < pool.min_prefixlen as u32 {
            return Err(NeutronError::new(
                400,
                "MinPrefixSubnetAllocationError",
                format!("Unable to allocate subnet with prefix length {len}, minimum allowed prefix is {}.", pool.min_prefixlen),
            ));
        }
        let taken: Vec<IpNet> = self.subnets.values().filter(|s| s.subnetpool_id.as_deref() == Some(pool_id)).map(|s| s.cidr.net).collect();
        if let Some(quota) = pool.default_quota.filter(|q| *q > 0) {
            // Quota in units of /32 (IPv4) or /64 (IPv6) per project.
            let unit: i32 = if pool.ip_version == 4 { 32 } else { 64 };
            let units = |l: u32| 2f64.powi(unit - l as i32);
            let used: f64 = self
                .subnets
                .values()
                .filter(|s| s.subnetpool_id.as_deref() == Some(pool_id) && s.project_id == project_id)
                .map(|s| units(s.cidr.prefix() as u32))
                .sum();
            if used + units(len) > quota as f64 {
                return Err(NeutronError::conflict("SubnetPoolQuotaExceeded", "Per-project subnet pool prefix quota exceeded."));
            }
        }
        let mut free: Vec<IpNet> = pool.prefixes.iter().flat_map(|p| free_blocks(p.net, &taken)).collect();
        free.sort_by_key(|b| std::cmp::Reverse(b.prefix_len()));
        match cidr {
            Some(c) => {
                if free.iter().any(|b| b.contains(&c.net)) {
                    Ok(c)
                } else {
                    Err(NeutronError::conflict(
                        "SubnetAllocationError",
                        "Failed to allocate subnet: Cannot allocate requested subnet from the available set of prefixes.",
                    ))
                }
            }
            None => free
                .iter()
                .filter(|b| b.prefix_len() as u32 <= len)
                .find_map(|b| b.subnets(len as u8).ok().and_then(|mut s| s.next()))
                .map(|net| Cidr { net })
                .ok_or_else(|| {
                    NeutronError::conflict(
                        "SubnetAllocationError",
                        format!("Failed to allocate subnet: Insufficient prefix space to allocate subnet size /{len}."),
                    )
                }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_compact_and_subnets_take_the_first_free_block() {
        let (mut n, _, mut ids) = crate::network::model::tests::default_cloud();
        let t = crate::network::model::tests::start();
        let spec = SubnetPoolSpec {
            name: Some("p".into()),
            prefixes: Some(vec!["10.10.0.0/25".into(), "10.10.0.128/25".into(), "10.20.0.0/16".into()]),
            min_prefixlen: Some(24),
            ..Default::default()
        };
        let id = n.create_subnet_pool(&mut ids, t, "proj", spec).unwrap();
        let pool = &n.subnet_pools[&id];
        let shown: Vec<String> = pool.prefixes.iter().map(|c| c.to_string()).collect();
        assert_eq!(shown, ["10.10.0.0/24", "10.20.0.0/16"]);
        assert_eq!((pool.min_prefixlen, pool.default_prefixlen, pool.max_prefixlen), (24, 24, 32));
        // The smallest free block that holds the size goes first.
        assert_eq!(n.allocate_from_pool(&id, "proj", None, None).unwrap().to_string(), "10.10.0.0/24");
        let e = n.allocate_from_pool(&id, "proj", None, Some(8)).unwrap_err();
        assert!(e.message.contains("minimum allowed prefix is 24"), "{}", e.message);
        let e = n.allocate_from_pool(&id, "proj", Some(Cidr::parse("10.30.0.0/24").unwrap()), None).unwrap_err();
        assert_eq!(e.kind, "SubnetAllocationError");
        let mixed = SubnetPoolSpec { prefixes: Some(vec!["10.0.0.0/8".into(), "2001:db8::/32".into()]), ..Default::default() };
        assert!(n.create_subnet_pool(&mut ids, t, "proj", mixed).unwrap_err().message.contains("Cannot mix"));
        let bad = SubnetPoolSpec {
            prefixes: Some(vec!["10.0.0.0/8".into()]),
            min_prefixlen: Some(30),
            max_prefixlen: Some(20),
            ..Default::default()
        };
        assert_eq!(
            n.create_subnet_pool(&mut ids, t, "proj", bad).unwrap_err().message,
            "Illegal prefix bounds: min_prefixlen=30, max_prefixlen=20."
        );
    }
}
