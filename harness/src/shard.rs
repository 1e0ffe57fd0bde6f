//! `--shard K/N`: one of N runners' share of the selected scenarios, so a large suite spreads over
//! CI machines. Deterministic and balanced by scenario: every selected scenario, in path and line
//! order, is dealt to the shards in turn, so shard sizes differ by one at most and a scenario's
//! shard depends only on the feature files and the selection, never on timing. `merge.rs` puts
//! the shards' reports back together.

use cucumber::gherkin::{Feature, Scenario};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Shard `index` (0-based) of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl FromStr for Shard {
    type Err = String;

    /// `K/N` with 1 <= K <= N, as CI matrices number their jobs.
    fn from_str(s: &str) -> Result<Self, String> {
        let (k, n) = s.split_once('/').ok_or_else(|| format!("a shard is K/N, such as 1/4: got {s:?}"))?;
        let (k, n): (usize, usize) = (
            k.trim().parse().map_err(|_| format!("not a shard number: {k:?}"))?,
            n.trim().parse().map_err(|_| format!("not a shard count: {n:?}"))?,
        );
        if n == 0 || k == 0 || k > n {
            return Err(format!("shard {k}/{n}: K must be between 1 and N"));
        }
        Ok(Shard { index: k - 1, count: n })
    }
}

/// A scenario's identity across runs: its feature file (canonical) and line.
pub fn key(path: &Path, line: usize) -> (PathBuf, usize) {
    (path.canonicalize().unwrap_or_else(|_| path.to_path_buf()), line)
}

/// The scenarios of `shard` among those under `features` that `selected` keeps.
pub fn members(features: &Path, shard: Shard, selected: impl Fn(&Feature, &Scenario) -> bool) -> BTreeSet<(PathBuf, usize)> {
    let mut all: Vec<(PathBuf, usize)> = vec![];
    for (path, feature) in crate::suite::parsed_features(features) {
        for scenario in crate::suite::scenarios(&feature) {
            if selected(&feature, scenario) {
                all.push(key(&path, scenario.position.line));
            }
        }
    }
    all.sort();
    all.into_iter().enumerate().filter(|(i, _)| i % shard.count == shard.index).map(|(_, k)| k).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_read_as_ci_numbers_them() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 1, count: 4 }));
        assert!("0/4".parse::<Shard>().is_err());
        assert!("5/4".parse::<Shard>().is_err());
        assert!("3".parse::<Shard>().is_err());
    }
}
