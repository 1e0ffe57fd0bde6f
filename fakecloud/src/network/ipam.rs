//! IP address management as Neutron's built-in IPAM does it, for IPv4 and IPv6: CIDRs, gateways,
//! allocation pools, the lowest free address (fakecloud's deterministic stand-in for Neutron's random
//! pick among the first free addresses), EUI-64 addresses for SLAAC subnets, and MAC addresses under
//! OpenStack's `fa:16:3e` base. Addresses are compared as `u128` within one IP version.

use crate::sim::Ids;
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An address as a number (IPv4 addresses fill the low 32 bits).
pub fn num(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(a) => u32::from(a) as u128,
        IpAddr::V6(a) => u128::from(a),
    }
}

/// The address `n` of an IP version (4 or 6).
pub fn addr(n: u128, v6: bool) -> IpAddr {
    if v6 {
        IpAddr::V6(Ipv6Addr::from(n))
    } else {
        IpAddr::V4(Ipv4Addr::from(n as u32))
    }
}

pub fn version(ip: IpAddr) -> u8 {
    if ip.is_ipv4() {
        4
    } else {
        6
    }
}

/// An IPv4 or IPv6 network in canonical form (no host bits set).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    pub net: IpNet,
}

impl Cidr {
    /// Parses a subnet CIDR as Neutron's `validate_subnet` and IPAM do: an IPv4 CIDR with host bits
    /// set (or otherwise not in its canonical spelling) is refused with the recommended form, a bare
    /// address likewise; an IPv6 CIDR is normalised.
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let invalid = || format!("'{text}' is not a valid IP subnet");
        let (ip, prefix) = match text.split_once('/') {
            Some((ip, p)) => (ip, p),
            None => {
                let ip = parse_ip(text).ok_or_else(invalid)?;
                let bits = if ip.is_ipv4() { 32 } else { 128 };
                let cidr = Cidr { net: IpNet::new(ip, bits).map_err(|_| invalid())? };
                return Err(format!("'{text}' isn't a recognized IP subnet cidr, '{cidr}' is recommended"));
            }
        };
        let ip = parse_ip(ip).ok_or_else(invalid)?;
        if prefix.is_empty() || prefix.len() > 3 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        let prefix: u8 = prefix.parse().map_err(|_| invalid())?;
        let cidr = Cidr { net: IpNet::new(ip, prefix).map_err(|_| invalid())?.trunc() };
        if ip.is_ipv4() && cidr.to_string() != text {
            return Err(format!("'{text}' isn't a recognized IP subnet cidr, '{cidr}' is recommended"));
        }
        Ok(cidr)
    }

    /// Parses leniently (host bits allowed, then cleared; a bare address is a host route), as
    /// security group remote prefixes and allowed address pairs are.
    pub fn parse_normalized(text: &str) -> Result<Cidr, String> {
        let invalid = || format!("'{text}' is not a valid IP subnet");
        let (ip, prefix) = match text.split_once('/') {
            Some((ip, p)) => (parse_ip(ip).ok_or_else(invalid)?, Some(p)),
            None => (parse_ip(text).ok_or_else(invalid)?, None),
        };
        let bits = if ip.is_ipv4() { 32 } else { 128 };
        let prefix: u8 = match prefix {
            None => bits,
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && p.len() <= 3 => p.parse().map_err(|_| invalid())?,
            Some(_) => return Err(invalid()),
        };
        Ok(Cidr { net: IpNet::new(ip, prefix).map_err(|_| invalid())?.trunc() })
    }

    pub fn v6(&self) -> bool {
        matches!(self.net, IpNet::V6(_))
    }

    pub fn version(&self) -> u8 {
        if self.v6() {
            6
        } else {
            4
        }
    }

    pub fn prefix(&self) -> u8 {
        self.net.prefix_len()
    }

    pub fn first(&self) -> u128 {
        num(self.net.network())
    }

    pub fn last(&self) -> u128 {
        num(self.net.broadcast())
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.net.contains(&ip)
    }

    /// Same IP version and a common address.
    pub fn overlaps(&self, other: &Cidr) -> bool {
        self.v6() == other.v6() && self.first() <= other.last() && other.first() <= self.last()
    }

    /// The gateway Neutron picks when none is given: the first address after the network's.
    pub fn default_gateway(&self) -> Option<IpAddr> {
        (self.last() - self.first() >= 2).then(|| addr(self.first() + 1, self.v6()))
    }

    /// Whether `ip` is an address Neutron never allocates on the subnet: the network address, and in
    /// IPv4 the broadcast address too.
    pub fn is_reserved(&self, ip: IpAddr) -> bool {
        let n = num(ip);
        if self.v6() {
            self.prefix() < 127 && n == self.first()
        } else {
            self.prefix() <= 30 && (n == self.first() || n == self.last())
        }
    }

    /// The range allocation pools may cover: all but the network address (and the IPv4 broadcast).
    fn usable(&self) -> (u128, u128) {
        let (first, last) = (self.first(), self.last());
        if self.v6() {
            if self.prefix() >= 127 {
                (first, last)
            } else {
                (first + 1, last)
            }
        } else if self.prefix() <= 30 {
            (first + 1, last - 1)
        } else {
            (first, last)
        }
    }

    /// Neutron's default pools: the usable range less the gateway address.
    pub fn default_pools(&self, gateway: Option<IpAddr>) -> Vec<Pool> {
        let (lo, hi) = self.usable();
        let v6 = self.v6();
        let mut pools = vec![];
        match gateway.filter(|g| g.is_ipv6() == v6).map(num).filter(|g| (lo..=hi).contains(g)) {
            Some(g) => {
                if g > lo {
                    pools.push(Pool::new(lo, g - 1, v6));
                }
                if g < hi {
                    pools.push(Pool::new(g + 1, hi, v6));
                }
            }
            None => pools.push(Pool::new(lo, hi, v6)),
        }
        pools
    }

    /// The EUI-64 address of a MAC on this (/64) prefix, as SLAAC forms it: the MAC's OUI with the
    /// universal/local bit flipped, `ff:fe`, then the MAC's last three bytes.
    pub fn eui64(&self, mac: &str) -> Option<IpAddr> {
        if !self.v6() {
            return None;
        }
        let b: Vec<u8> = mac.split(':').filter_map(|p| u8::from_str_radix(p, 16).ok()).collect();
        if b.len() != 6 {
            return None;
        }
        let iid = u64::from_be_bytes([b[0] ^ 0x02, b[1], b[2], 0xff, 0xfe, b[3], b[4], b[5]]);
        Some(addr(self.first() | iid as u128, true))
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.net)
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

/// An IPv4 address as a strict dotted quad (no leading zeros, no shorthand), as netaddr reads it,
/// or an IPv6 address in any of its text forms.
pub fn parse_ip(text: &str) -> Option<IpAddr> {
    if text.contains(':') {
        return text.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 4 || parts.iter().any(|p| p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    if parts.iter().any(|p| p.len() > 1 && p.starts_with('0')) {
        return None;
    }
    text.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
}

/// An allocation pool, inclusive at both ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pool {
    pub start: IpAddr,
    pub end: IpAddr,
}

impl Pool {
    pub fn new(start: u128, end: u128, v6: bool) -> Pool {
        Pool { start: addr(start, v6), end: addr(end, v6) }
    }

    fn range(&self) -> (u128, u128) {
        (num(self.start), num(self.end))
    }

    fn v6(&self) -> bool {
        self.start.is_ipv6()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let (a, b) = self.range();
        ip.is_ipv6() == self.v6() && (a..=b).contains(&num(ip))
    }

    /// How many addresses the pool holds (saturating at `u64::MAX` for huge IPv6 pools).
    pub fn size(&self) -> u64 {
        let (a, b) = self.range();
        u64::try_from(b.saturating_sub(a).saturating_add(1)).unwrap_or(u64::MAX)
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
pub fn validate_pools(cidr: &Cidr, pools: &[Pool], gateway: Option<IpAddr>) -> Result<(), PoolError> {
    let (lo, hi) = cidr.usable();
    for p in pools {
        if p.start.is_ipv6() != cidr.v6() || p.end.is_ipv6() != cidr.v6() {
            return Err(PoolError::Invalid(format!("The allocation pool {p} is not valid.")));
        }
        let (a, b) = p.range();
        if a > b {
            return Err(PoolError::Invalid(format!("The allocation pool {p} is not valid.")));
        }
        if a < lo || b > hi {
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
pub fn lowest_free(pools: &[Pool], used: &BTreeSet<u128>) -> Option<IpAddr> {
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
            return Some(addr(candidate, p.v6()));
        }
    }
    None
}

/// How many addresses the pools hold.
pub fn pool_capacity(pools: &[Pool]) -> u64 {
    pools.iter().map(Pool::size).fold(0u64, u64::saturating_add)
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

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn pool(a: &str, b: &str) -> Pool {
        Pool { start: ip(a), end: ip(b) }
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
        assert_eq!(c.default_pools(Some(ip("10.0.0.1"))), vec![pool("10.0.0.2", "10.0.0.254")]);
        let split = c.default_pools(Some(ip("10.0.0.100")));
        assert_eq!(split.len(), 2);
        assert_eq!(split[0].to_string(), "10.0.0.1-10.0.0.99");
        assert_eq!(split[1].to_string(), "10.0.0.101-10.0.0.254");
        assert_eq!(c.default_pools(None)[0].to_string(), "10.0.0.1-10.0.0.254");
    }

    #[test]
    fn allocation_takes_the_lowest_free_address_and_runs_out() {
        let pools = vec![pool("10.0.0.2", "10.0.0.4")];
        let mut used = BTreeSet::new();
        for want in ["10.0.0.2", "10.0.0.3", "10.0.0.4"] {
            let got = lowest_free(&pools, &used).unwrap();
            assert_eq!(got, ip(want));
            used.insert(num(got));
        }
        assert_eq!(lowest_free(&pools, &used), None);
        used.remove(&num(ip("10.0.0.3")));
        assert_eq!(lowest_free(&pools, &used), Some(ip("10.0.0.3")));
    }

    #[test]
    fn pool_validation_matches_neutron() {
        let c = Cidr::parse("10.0.0.0/24").unwrap();
        let p = pool;
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
    fn ipv6_subnets_keep_the_last_address_and_form_eui64_addresses() {
        let c = Cidr::parse("2001:db8::5/64").unwrap();
        assert_eq!(c.to_string(), "2001:db8::/64", "an IPv6 CIDR is normalised");
        assert_eq!(c.version(), 6);
        assert_eq!(c.default_gateway(), Some(ip("2001:db8::1")));
        // No broadcast in IPv6: the pool runs to the last address.
        assert_eq!(c.default_pools(c.default_gateway()), vec![pool("2001:db8::2", "2001:db8::ffff:ffff:ffff:ffff")]);
        assert!(c.is_reserved(ip("2001:db8::")));
        assert!(!c.overlaps(&Cidr::parse("10.0.0.0/8").unwrap()), "different versions never overlap");
        assert_eq!(c.eui64("fa:16:3e:12:34:56"), Some(ip("2001:db8::f816:3eff:fe12:3456")));
        assert_eq!(Cidr::parse("10.0.0.0/24").unwrap().eui64("fa:16:3e:12:34:56"), None);
        assert!(Cidr::parse("2001:db8::1").unwrap_err().contains("'2001:db8::1/128' is recommended"));
        assert!(matches!(validate_pools(&c, &[pool("2001:db8::", "2001:db8::9")], None), Err(PoolError::OutOfBounds(_))));
        let used: BTreeSet<u128> = [num(ip("2001:db8::2"))].into();
        assert_eq!(lowest_free(&[pool("2001:db8::2", "2001:db8::4")], &used), Some(ip("2001:db8::3")));
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
