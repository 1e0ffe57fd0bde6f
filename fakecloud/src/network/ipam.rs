//! IP address management as Neutron's built-in IPAM does it for IPv4: CIDRs, gateways, allocation
//! pools, the lowest free address (fakecloud's deterministic stand-in for Neutron's random pick among
//! the first free addresses), and MAC addresses under OpenStack's `fa:16:3e` base.

use crate::sim::Ids;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use std::net::Ipv4Addr;

/// An IPv4 network in canonical form (no host bits set).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    pub network: u32,
    pub prefix: u8,
}

impl Cidr {
    /// Parses `a.b.c.d/n` as Neutron's `validate_subnet` does: a valid IP with host bits set is
    /// refused with the recommended form, and a bare address is read as a /32.
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let (ip, prefix) = match text.split_once('/') {
            Some((ip, p)) => (ip, p),
            None => (text, "32"),
        };
        let ip: Ipv4Addr = parse_ip(ip).ok_or_else(|| format!("'{text}' is not a valid IP subnet"))?;
        if prefix.is_empty() || prefix.len() > 2 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("'{text}' is not a valid IP subnet"));
        }
        let prefix: u8 = prefix.parse().map_err(|_| format!("'{text}' is not a valid IP subnet"))?;
        if prefix > 32 {
            return Err(format!("'{text}' is not a valid IP subnet"));
        }
        let cidr = Cidr { network: u32::from(ip) & mask(prefix), prefix };
        if cidr.to_string() != text {
            return Err(format!("'{text}' isn't a recognized IP subnet cidr, '{cidr}' is recommended"));
        }
        Ok(cidr)
    }

    /// Parses leniently (host bits allowed, then cleared), as security group remote prefixes are.
    pub fn parse_normalized(text: &str) -> Result<Cidr, String> {
        let (ip, prefix) = text.split_once('/').unwrap_or((text, "32"));
        let ip = parse_ip(ip).ok_or_else(|| format!("'{text}' is not a valid IP subnet"))?;
        let prefix: u8 = match prefix.parse() {
            Ok(p) if p <= 32 && !prefix.starts_with('+') => p,
            _ => return Err(format!("'{text}' is not a valid IP subnet")),
        };
        Ok(Cidr { network: u32::from(ip) & mask(prefix), prefix })
    }

    pub fn first(&self) -> u32 {
        self.network
    }

    pub fn last(&self) -> u32 {
        self.network | !mask(self.prefix)
    }

    pub fn size(&self) -> u64 {
        1u64 << (32 - self.prefix as u32)
    }

    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        u32::from(ip) & mask(self.prefix) == self.network
    }

    pub fn overlaps(&self, other: &Cidr) -> bool {
        self.first() <= other.last() && other.first() <= self.last()
    }

    /// The gateway Neutron picks when none is given: the first address after the network's.
    pub fn default_gateway(&self) -> Option<Ipv4Addr> {
        (self.prefix <= 30).then(|| Ipv4Addr::from(self.first() + 1))
    }

    /// Whether `ip` is the network or broadcast address (neither is ever allocated).
    pub fn is_reserved(&self, ip: Ipv4Addr) -> bool {
        let n = u32::from(ip);
        self.prefix <= 30 && (n == self.first() || n == self.last())
    }

    /// Neutron's default pools: the whole range less the network, broadcast and gateway addresses.
    pub fn default_pools(&self, gateway: Option<Ipv4Addr>) -> Vec<Pool> {
        let (lo, hi) = if self.prefix <= 30 { (self.first() + 1, self.last() - 1) } else { (self.first(), self.last()) };
        let mut pools = vec![];
        match gateway.map(u32::from).filter(|g| (lo..=hi).contains(g)) {
            Some(g) => {
                if g > lo {
                    pools.push(Pool::new(lo, g - 1));
                }
                if g < hi {
                    pools.push(Pool::new(g + 1, hi));
                }
            }
            None => pools.push(Pool::new(lo, hi)),
        }
        pools
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.network), self.prefix)
    }
}

impl Serialize for Cidr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cidr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Cidr::parse(&text).map_err(serde::de::Error::custom)
    }
}

fn mask(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix as u32)
    }
}

/// A dotted-quad IPv4 address, strictly (no leading zeros, no shorthand), as netaddr reads it.
pub fn parse_ip(text: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 4 || parts.iter().any(|p| p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    if parts.iter().any(|p| p.len() > 1 && p.starts_with('0')) {
        return None;
    }
    text.parse().ok()
}

/// An allocation pool, inclusive at both ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pool {
    pub start: Ipv4Addr,
    pub end: Ipv4Addr,
}

impl Pool {
    pub fn new(start: u32, end: u32) -> Pool {
        Pool { start: Ipv4Addr::from(start), end: Ipv4Addr::from(end) }
    }

    fn range(&self) -> (u32, u32) {
        (u32::from(self.start), u32::from(self.end))
    }

    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        let (a, b) = self.range();
        (a..=b).contains(&u32::from(ip))
    }

    pub fn size(&self) -> u64 {
        let (a, b) = self.range();
        (b - a) as u64 + 1
    }
}

impl fmt::Display for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

/// Why a set of pools (with the subnet's gateway) is refused, as Neutron's exceptions word it.
#[derive(Debug, PartialEq)]
pub enum PoolError {
    /// 400 InvalidAllocationPool
    Invalid(String),
    /// 400 OutOfBoundsAllocationPool
    OutOfBounds(String),
    /// 409 OverlappingAllocationPools
    Overlapping(String),
    /// 409 GatewayConflictWithAllocationPools
    GatewayConflict(String),
}

/// Neutron's `_validate_allocation_pools` and gateway checks.
pub fn validate_pools(cidr: &Cidr, pools: &[Pool], gateway: Option<Ipv4Addr>) -> Result<(), PoolError> {
    for p in pools {
        let (a, b) = p.range();
        if a > b {
            return Err(PoolError::Invalid(format!("The allocation pool {p} is not valid.")));
        }
        if !cidr.contains(p.start) || !cidr.contains(p.end) || cidr.is_reserved(p.start) || cidr.is_reserved(p.end) {
            return Err(PoolError::OutOfBounds(format!("The allocation pool {p} spans beyond the subnet cidr {cidr}.")));
        }
    }
    let mut sorted: Vec<&Pool> = pools.iter().collect();
    sorted.sort_by_key(|p| p.range());
    for w in sorted.windows(2) {
        if w[1].range().0 <= w[0].range().1 {
            return Err(PoolError::Overlapping(format!("Found overlapping allocation pools: {} and {} for subnet {cidr}.", w[0], w[1])));
        }
    }
    if let Some(g) = gateway {
        if let Some(p) = pools.iter().find(|p| p.contains(g)) {
            return Err(PoolError::GatewayConflict(format!("Gateway ip {g} conflicts with allocation pool {p}.")));
        }
    }
    Ok(())
}

/// The lowest address of the pools that is not in `used`.
pub fn lowest_free(pools: &[Pool], used: &BTreeSet<u32>) -> Option<Ipv4Addr> {
    let mut sorted: Vec<&Pool> = pools.iter().collect();
    sorted.sort_by_key(|p| p.range());
    for p in sorted {
        let (a, b) = p.range();
        let mut candidate = a;
        for &u in used.range(a..=b) {
            if u > candidate {
                break;
            }
            if u == candidate {
                if candidate == b {
                    break;
                }
                candidate += 1;
            }
        }
        if candidate <= b && !used.contains(&candidate) {
            return Some(Ipv4Addr::from(candidate));
        }
    }
    None
}

/// How many addresses the pools hold.
pub fn pool_capacity(pools: &[Pool]) -> u64 {
    pools.iter().map(Pool::size).sum()
}

/// A MAC under Neutron's default `base_mac` (`fa:16:3e:00:00:00`), its last three bytes drawn from
/// the seeded RNG, avoiding `taken`.
pub fn mac_address(ids: &mut Ids, taken: impl Fn(&str) -> bool) -> String {
    loop {
        let n = (ids.fraction() * 16_777_216.0) as u32;
        let mac = format!("fa:16:3e:{:02x}:{:02x}:{:02x}", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
        if !taken(&mac) {
            return mac;
        }
    }
}

/// A MAC address as Neutron's `validate_mac_address` accepts it (six colon-separated hex pairs, not
/// all zero, unicast), lower-cased.
pub fn parse_mac(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.split([':', '-']).collect();
    if parts.len() != 6 || parts.iter().any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_hexdigit())) {
        return None;
    }
    let bytes: Vec<u8> = parts.iter().filter_map(|p| u8::from_str_radix(p, 16).ok()).collect();
    if bytes.iter().all(|b| *b == 0) || bytes[0] & 1 == 1 {
        return None;
    }
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    #[test]
    fn cidrs_parse_strictly_with_the_recommended_form() {
        assert_eq!(Cidr::parse("10.0.0.0/24").unwrap().to_string(), "10.0.0.0/24");
        assert!(Cidr::parse("10.0.0.5/24").unwrap_err().contains("'10.0.0.0/24' is recommended"));
        assert!(Cidr::parse("10.0.0.0/33").unwrap_err().contains("not a valid IP subnet"));
        assert!(Cidr::parse("banana").is_err());
        assert!(Cidr::parse("10.0.0/24").is_err());
        assert!(Cidr::parse("010.0.0.0/24").is_err());
        assert_eq!(Cidr::parse_normalized("10.0.0.5/24").unwrap().to_string(), "10.0.0.0/24");
        let c = Cidr::parse("172.31.0.0/16").unwrap();
        assert!(c.contains(ip("172.31.200.1")));
        assert!(!c.contains(ip("172.32.0.1")));
        assert!(c.overlaps(&Cidr::parse("172.31.4.0/24").unwrap()));
        assert!(!c.overlaps(&Cidr::parse("10.0.0.0/8").unwrap()));
    }

    #[test]
    fn default_pools_skip_network_gateway_and_broadcast() {
        let c = Cidr::parse("10.0.0.0/24").unwrap();
        assert_eq!(c.default_gateway(), Some(ip("10.0.0.1")));
        assert_eq!(c.default_pools(Some(ip("10.0.0.1"))), vec![Pool::new(u32::from(ip("10.0.0.2")), u32::from(ip("10.0.0.254")))]);
        let split = c.default_pools(Some(ip("10.0.0.100")));
        assert_eq!(split.len(), 2);
        assert_eq!(split[0].to_string(), "10.0.0.1-10.0.0.99");
        assert_eq!(split[1].to_string(), "10.0.0.101-10.0.0.254");
        assert_eq!(c.default_pools(None)[0].to_string(), "10.0.0.1-10.0.0.254");
    }

    #[test]
    fn allocation_takes_the_lowest_free_address_and_runs_out() {
        let pools = vec![Pool::new(u32::from(ip("10.0.0.2")), u32::from(ip("10.0.0.4")))];
        let mut used = BTreeSet::new();
        for want in ["10.0.0.2", "10.0.0.3", "10.0.0.4"] {
            let got = lowest_free(&pools, &used).unwrap();
            assert_eq!(got, ip(want));
            used.insert(u32::from(got));
        }
        assert_eq!(lowest_free(&pools, &used), None);
        used.remove(&u32::from(ip("10.0.0.3")));
        assert_eq!(lowest_free(&pools, &used), Some(ip("10.0.0.3")));
    }

    #[test]
    fn pool_validation_matches_neutron() {
        let c = Cidr::parse("10.0.0.0/24").unwrap();
        let p = |a: &str, b: &str| Pool { start: ip(a), end: ip(b) };
        assert!(validate_pools(&c, &[p("10.0.0.2", "10.0.0.9")], Some(ip("10.0.0.1"))).is_ok());
        assert!(matches!(validate_pools(&c, &[p("10.0.0.9", "10.0.0.2")], None), Err(PoolError::Invalid(_))));
        assert!(matches!(validate_pools(&c, &[p("10.0.0.2", "10.0.1.9")], None), Err(PoolError::OutOfBounds(_))));
        assert!(matches!(validate_pools(&c, &[p("10.0.0.0", "10.0.0.9")], None), Err(PoolError::OutOfBounds(_))));
        assert!(matches!(
            validate_pools(&c, &[p("10.0.0.2", "10.0.0.9"), p("10.0.0.5", "10.0.0.20")], None),
            Err(PoolError::Overlapping(_))
        ));
        assert!(matches!(validate_pools(&c, &[p("10.0.0.1", "10.0.0.9")], Some(ip("10.0.0.1"))), Err(PoolError::GatewayConflict(_))));
    }

    #[test]
    fn macs_use_the_openstack_base_and_are_unique() {
        let mut ids = Ids::new(1);
        let a = mac_address(&mut ids, |_| false);
        assert!(a.starts_with("fa:16:3e:"), "{a}");
        assert_eq!(a.len(), 17);
        let b = mac_address(&mut ids, |m| m == a);
        assert_ne!(a, b);
        assert_eq!(parse_mac("FA:16:3E:00:00:01").as_deref(), Some("fa:16:3e:00:00:01"));
        assert_eq!(parse_mac("00:00:00:00:00:00"), None);
        assert_eq!(parse_mac("01:00:00:00:00:01"), None, "multicast");
        assert_eq!(parse_mac("fa:16:3e:00:00"), None);
    }
}
