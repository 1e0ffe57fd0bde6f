//! Placement's own query-string forms (placement/util.py): `resources`, `required` and `member_of`.

use super::common::*;
use crate::http::microversion::Version;
use crate::placement::fault::Fault;
use crate::placement::query::{MemberOf, TraitFilter};
use crate::placement::schema::is_uuid_like;
use std::collections::{BTreeMap, BTreeSet};

/// `?resources=VCPU:2,MEMORY_MB:1024` (placement/util.py normalize_resources_qs_param).
pub(super) fn parse_resources(qs: &str) -> Result<BTreeMap<String, u64>, Fault> {
    const FORM: &str =
        "Badly formed resources parameter. Expected resources query string parameter in form: ?resources=VCPU:2,MEMORY_MB:1024.";
    if qs.trim().is_empty() {
        return Err(Fault::bad_request(format!("{FORM} Got: empty string.")));
    }
    let mut out = BTreeMap::new();
    for rt in qs.split(',') {
        let mut parts = rt.split(':');
        let (Some(rc), Some(amount), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(Fault::bad_request(format!("{FORM} Got: {rt}.")));
        };
        let digits = amount.trim().trim_start_matches('+');
        let n: i128 = if digits.bytes().all(|c| c.is_ascii_digit() || c == b'-') && !digits.is_empty() {
            match digits.parse::<i128>() {
                Ok(n) => n,
                Err(_) if digits.trim_start_matches('-').bytes().all(|c| c.is_ascii_digit()) => {
                    if digits.starts_with('-') {
                        i128::MIN
                    } else {
                        i128::MAX
                    }
                }
                Err(_) => {
                    return Err(Fault::bad_request(format!("Requested resource {rc} expected positive integer amount. Got: {amount}.")))
                }
            }
        } else {
            return Err(Fault::bad_request(format!("Requested resource {rc} expected positive integer amount. Got: {amount}.")));
        };
        if n < 1 {
            return Err(Fault::bad_request(format!("Requested resource {rc} requires amount >= 1. Got: {n}.")));
        }
        out.insert(rc.to_string(), n.min(u64::MAX as i128) as u64);
    }
    Ok(out)
}

/// `required` parameters: comma-separated traits, `!` forbidden from 1.22, and from 1.39 `in:`
/// any-of groups and repeated parameters (placement/util.py normalize_traits_qs_param(s)).
pub(super) fn parse_required(values: &[&str], v: Version) -> Result<TraitFilter, Fault> {
    let allow_forbidden = v.at_least(1, 22);
    let any_of = v.at_least(1, 39);
    let form = if allow_forbidden { "HW_CPU_X86_VMX,!CUSTOM_MAGIC" } else { "HW_CPU_X86_VMX,CUSTOM_MAGIC" };
    let mut filter = TraitFilter::default();
    let values: Vec<&str> = if any_of { values.to_vec() } else { values.last().copied().into_iter().collect() };
    for val in values {
        let bad = || {
            Fault::bad_request(format!(
                "Invalid query string parameters: Expected 'required' parameter value of the form: {form}. Got: {val}"
            ))
        };
        if let Some(rest) = val.strip_prefix("in:").filter(|_| any_of) {
            let names: BTreeSet<String> = rest.split(',').map(|t| t.trim().to_string()).collect();
            if names.iter().any(|t| t.is_empty() || t.starts_with('!')) {
                return Err(bad());
            }
            filter.all_of.push(names.into_iter().collect());
            continue;
        }
        let names: BTreeSet<String> = val.split(',').map(|t| t.trim().to_string()).collect();
        for t in names {
            match t.strip_prefix('!') {
                _ if t.is_empty() => return Err(bad()),
                Some(f) if allow_forbidden && !f.is_empty() => filter.forbidden.push(f.to_string()),
                Some(_) => return Err(bad()),
                None => filter.all_of.push(vec![t]),
            }
        }
    }
    Ok(filter)
}

/// `member_of` parameters: one uuid or `in:` several; several parameters from 1.24; `!` from 1.32
/// (placement/util.py normalize_member_of_qs_params).
pub(super) fn parse_member_of(values: &[&str], v: Version, key: &str) -> Result<Vec<MemberOf>, Fault> {
    if !v.at_least(1, 24) && values.len() > 1 {
        return Err(Fault::bad_request(format!("Multiple {key} parameters are not supported")));
    }
    let mut out = Vec::new();
    for value in values {
        let (negated, rest) = match value.strip_prefix('!').filter(|_| v.at_least(1, 32)) {
            Some(rest) => (true, rest),
            None => (false, *value),
        };
        if rest.contains(',') && !rest.starts_with("in:") {
            return Err(Fault::bad_request(format!("Multiple values for '{key}' must be prefixed with the 'in:' keyword. Got: {value}")));
        }
        let uuids: Vec<String> = match rest.strip_prefix("in:") {
            Some(list) => list.split(',').map(str::to_string).collect(),
            None => vec![rest.to_string()],
        };
        if let Some(bad) = uuids.iter().find(|u| !is_uuid_like(u)) {
            return Err(Fault::bad_request(format!(
                "Invalid query string parameters: Expected '{key}' parameter to contain valid UUID(s). Got: {bad}"
            )));
        }
        out.push(MemberOf { any_of: uuids.iter().map(|u| normalized_uuid(u)).collect(), negated });
    }
    Ok(out)
}
