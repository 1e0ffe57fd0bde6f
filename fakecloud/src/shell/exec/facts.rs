//! Facts several of the commands derive their output from: deterministic numbers from ids and
//! names, the controllers in order, a bundle's replica on a node.

use crate::tripleo::model::*;
use std::fmt::Write as _;

/// FNV-1a, for deterministic numbers derived from ids and names.
pub(super) fn fnv(s: &str) -> u64 {
    let h = s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
    // splitmix64's finalizer, so that similar names give unrelated numbers.
    let h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// A UUID-shaped string derived from a seed text.
pub(super) fn uuid_from(seed: &str) -> String {
    let a = fnv(seed);
    let b = fnv(&format!("{seed}/{a:x}"));
    let hex = format!("{a:016x}{b:016x}");
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

pub(super) fn hex40(seed: &str) -> String {
    let mut out = String::new();
    let mut h = fnv(seed);
    while out.len() < 40 {
        let _ = write!(out, "{h:016x}");
        h = fnv(&format!("{seed}/{h}"));
    }
    out.truncate(40);
    out
}

/// The controllers in index order.
pub(super) fn controllers(o: &Overcloud) -> Vec<&Node> {
    let mut v: Vec<&Node> = o.controllers().collect();
    v.sort_by_key(|n| n.index);
    v
}

pub(super) fn replica<'a>(o: &'a Overcloud, bundle: &str, node: &str) -> Option<&'a Replica> {
    o.cluster.resources.iter().find(|r| r.name == bundle)?.replicas.iter().find(|x| x.node.as_deref() == Some(node))
}
