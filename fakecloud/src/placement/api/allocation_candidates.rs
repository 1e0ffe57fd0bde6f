//! Allocation candidates, with the request groups of their query string.

use super::common::*;
use super::query_string::{parse_member_of, parse_required, parse_resources};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::Params;
use crate::http::microversion::Version;
use crate::placement::fault::{Fault, Mv, Reply};
use crate::placement::query::{CandidateQuery, RequestGroup};
use crate::placement::schema::is_uuid_like;
use crate::placement::views;
use axum::extract::State;
use std::collections::{BTreeMap, BTreeSet};

/// The request groups of `GET /allocation_candidates`: unsuffixed before 1.25, then numbered
/// (`resources1`), then from 1.33 any suffix of `[a-zA-Z0-9_-]{1,64}`.
pub(super) fn candidate_query(params: &Params, v: Version) -> Result<CandidateQuery, Fault> {
    let bad = |m: String| Fault::bad_request(format!("Invalid query string parameters: {m}"));
    let granular = v.at_least(1, 25);
    let suffix_ok = |s: &str| {
        s.is_empty()
            || (granular && !v.at_least(1, 33) && is_positive_integer(s))
            || (v.at_least(1, 33) && s.len() <= 64 && s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-'))
    };
    let mut group_keys: BTreeMap<String, BTreeMap<&'static str, Vec<&str>>> = BTreeMap::new();
    let mut unexpected = Vec::new();
    for (k, value) in &params.0 {
        let known_plain = match k.as_str() {
            "limit" => v.at_least(1, 16),
            "group_policy" => granular,
            "root_required" => v.at_least(1, 35),
            "same_subtree" => v.at_least(1, 36),
            _ => false,
        };
        if known_plain {
            continue;
        }
        let kinds: [(&'static str, bool); 4] =
            [("resources", true), ("required", v.at_least(1, 17)), ("member_of", v.at_least(1, 21)), ("in_tree", v.at_least(1, 31))];
        let found = kinds.iter().find_map(|(kind, allowed)| {
            let suffix = k.strip_prefix(kind)?;
            (*allowed && suffix_ok(suffix)).then_some((*kind, suffix))
        });
        match found {
            Some((kind, suffix)) => group_keys.entry(suffix.to_string()).or_default().entry(kind).or_default().push(value.as_str()),
            None => unexpected.push(k.clone()),
        }
    }
    if let Some(k) = unexpected.first() {
        return Err(bad(format!("Additional properties are not allowed ('{k}' was unexpected)")));
    }
    if !granular && !group_keys.get("").is_some_and(|g| g.contains_key("resources")) {
        return Err(bad("'resources' is a required property".into()));
    }
    let mut q = CandidateQuery::default();
    if let Some(limit) = param(params, "limit") {
        if !is_positive_integer(limit) {
            return Err(bad(format!("'{limit}' does not match '^[1-9][0-9]*$'")));
        }
        q.limit = Some(limit.parse::<usize>().unwrap_or(usize::MAX));
    }
    match param(params, "group_policy") {
        None => {}
        Some("isolate") => q.isolate = true,
        Some("none") => {}
        Some(other) => return Err(bad(format!("'{other}' is not one of ['none', 'isolate']"))),
    }
    if let Some(root) = param(params, "root_required") {
        q.root_required = parse_required(&[root], v)?;
    }
    let mut orphans = Vec::new();
    for (suffix, kinds) in &group_keys {
        let Some(resources) = kinds.get("resources") else {
            orphans.extend(kinds.keys().map(|k| format!("{k}{suffix}")));
            continue;
        };
        let mut g = RequestGroup {
            suffix: suffix.clone(),
            resources: parse_resources(resources.last().copied().unwrap_or(""))?,
            ..Default::default()
        };
        if let Some(req) = kinds.get("required") {
            g.required = parse_required(req, v)?;
        }
        if let Some(m) = kinds.get("member_of") {
            g.member_of = parse_member_of(m, v, &format!("member_of{suffix}"))?;
        }
        if let Some(t) = kinds.get("in_tree").and_then(|t| t.last()) {
            if !is_uuid_like(t) {
                return Err(bad(format!("Expected 'in_tree' parameter to be a format of uuid. Got: {t}")));
            }
            g.in_tree = Some(normalized_uuid(t));
        }
        q.groups.push(g);
    }
    if !orphans.is_empty() {
        return Err(Fault::bad_request(format!(
            "All traits parameters must be associated with resources. Found the following orphaned traits keys: {}",
            orphans.join(", ")
        )));
    }
    if q.groups.is_empty() {
        return Err(Fault::bad_request("At least one request group (`resources` or `resources{$S}`) is required."));
    }
    if param(params, "group_policy").is_none() && q.groups.iter().filter(|g| !g.suffix.is_empty()).count() > 1 {
        return Err(Fault::bad_request(
            "The \"group_policy\" parameter is required when specifying more than one \"resources{N}\" parameter.",
        ));
    }
    Ok(q)
}

pub(super) async fn allocation_candidates(caller: Caller, Mv(v): Mv, State(s): State<AppState>, params: Params) -> Reply {
    since(v, 1, 10)?;
    can(&caller, "placement:allocation_candidates:list")?;
    let q = candidate_query(&params, v)?;
    let world = s.world();
    check_classes(&world, q.groups.iter().flat_map(|g| g.resources.keys()))?;
    let mut traits = q.root_required.clone();
    for g in &q.groups {
        traits.merge(&g.required);
    }
    if let Some(m) = unknown_traits_message(&world, &traits) {
        return Err(Fault::bad_request(m));
    }
    let requested: BTreeSet<String> = q.groups.iter().flat_map(|g| g.resources.keys().cloned()).collect();
    let candidates = world.placement.allocation_candidates(&q);
    let body = views::allocation_candidates(&world.placement, &candidates, &requested, v);
    ok(v, &world, body)
}

/// `^[1-9][0-9]*$`: the numbered group suffixes of 1.25-1.32, and `limit`.
fn is_positive_integer(s: &str) -> bool {
    s.bytes().next().is_some_and(|c| (b'1'..=b'9').contains(&c)) && s.bytes().all(|c| c.is_ascii_digit())
}
