//! Neutron's list queries over rendered resources: filters on any attribute (several values of one
//! attribute are ORed, attributes are ANDed, unknown attributes are refused as filter-validation
//! does), tag filters, `fields`, sorting, and emulated marker pagination with `<plural>_links`.

use super::error::{NResult, NeutronError};
use super::request::{self, Kind, Resource};
use crate::http::extract::Params;
use serde_json::{json, Map, Value};
use std::cmp::Ordering;

const CONTROL_KEYS: [&str; 6] = ["fields", "sort_key", "sort_dir", "limit", "marker", "page_reverse"];
const TAG_KEYS: [&str; 4] = ["tags", "tags-any", "not-tags", "not-tags-any"];

enum Filter {
    Values(String, Vec<Value>),
    /// Ports' `fixed_ips=ip_address=...` / `subnet_id=...` / `ip_address_substr=...`.
    FixedIps(Vec<(String, String)>),
}

/// The filters of a query, checked against the resource's attribute map.
fn filters(res: &Resource, params: &Params) -> NResult<Vec<Filter>> {
    let mut invalid: Vec<String> = vec![];
    let mut out: Vec<Filter> = vec![];
    let mut fixed: Vec<(String, String)> = vec![];
    for (key, value) in &params.0 {
        if CONTROL_KEYS.contains(&key.as_str()) || TAG_KEYS.contains(&key.as_str()) {
            continue;
        }
        if res.singular == "port" && key == "fixed_ips" {
            let (k, v) =
                value.split_once('=').ok_or_else(|| NeutronError::invalid_input(format!("'{value}' is not of the form <key>=[value]")))?;
            if !["ip_address", "subnet_id", "ip_address_substr"].contains(&k) {
                return Err(NeutronError::invalid_input(format!("{k} is not a valid fixed_ips filter")));
            }
            fixed.push((k.to_string(), v.to_string()));
            continue;
        }
        let Some(attr) = res.attr(key) else {
            if !invalid.contains(key) {
                invalid.push(key.clone());
            }
            continue;
        };
        let converted = match attr.kind {
            Kind::Bool => Value::Bool(request::to_bool(&Value::String(value.clone()))?),
            Kind::Int(..) | Kind::NullableInt(..) | Kind::IntValues(_) => Value::from(request::to_int(&Value::String(value.clone()))?),
            _ => Value::String(value.clone()),
        };
        match out.iter_mut().find_map(|f| match f {
            Filter::Values(k, vs) if k == key => Some(vs),
            _ => None,
        }) {
            Some(vs) => vs.push(converted),
            None => out.push(Filter::Values(key.clone(), vec![converted])),
        }
    }
    if !invalid.is_empty() {
        let list: Vec<String> = invalid.iter().map(|k| format!("'{k}'")).collect();
        return Err(NeutronError::bad_request(format!("[{}] is invalid attribute for filtering", list.join(", "))));
    }
    if !fixed.is_empty() {
        out.push(Filter::FixedIps(fixed));
    }
    Ok(out)
}

fn value_matches(have: &Value, want: &Value) -> bool {
    match (have, want) {
        (Value::Array(items), want) => items.iter().any(|i| value_matches(i, want)),
        (Value::Null, _) => false,
        (Value::Number(a), Value::String(b)) => a.to_string() == *b,
        (Value::Bool(a), Value::String(b)) => request::to_bool(&Value::String(b.clone())).is_ok_and(|x| x == *a),
        // Neutron's database (MySQL's default collation) compares strings without regard to case.
        (Value::String(a), Value::String(b)) => a.eq_ignore_ascii_case(b),
        (a, b) => a == b,
    }
}

fn matches(item: &Value, f: &Filter) -> bool {
    match f {
        Filter::Values(key, wants) => item.get(key).is_some_and(|have| wants.iter().any(|w| value_matches(have, w))),
        Filter::FixedIps(conds) => {
            let Some(ips) = item.get("fixed_ips").and_then(Value::as_array) else { return false };
            ips.iter().any(|ip| {
                let keys = ["ip_address", "subnet_id", "ip_address_substr"];
                keys.iter().all(|k| {
                    let wants: Vec<&String> = conds.iter().filter(|(ck, _)| ck == k).map(|(_, v)| v).collect();
                    if wants.is_empty() {
                        return true;
                    }
                    let field = if *k == "subnet_id" { "subnet_id" } else { "ip_address" };
                    let have = ip.get(field).and_then(Value::as_str).unwrap_or_default();
                    wants.iter().any(|w| if *k == "ip_address_substr" { have.contains(w.as_str()) } else { have == w.as_str() })
                })
            })
        }
    }
}

fn tag_lists(params: &Params, key: &str) -> Vec<String> {
    params.0.iter().filter(|(k, _)| k == key).flat_map(|(_, v)| v.split(',')).filter(|t| !t.is_empty()).map(str::to_string).collect()
}

fn tags_match(item: &Value, params: &Params) -> bool {
    let have: Vec<&str> =
        item.get("tags").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let all = tag_lists(params, "tags");
    let any = tag_lists(params, "tags-any");
    let not_all = tag_lists(params, "not-tags");
    let not_any = tag_lists(params, "not-tags-any");
    let has = |t: &String| have.contains(&t.as_str());
    (all.is_empty() || all.iter().all(has))
        && (any.is_empty() || any.iter().any(has))
        && (not_all.is_empty() || !not_all.iter().all(has))
        && (not_any.is_empty() || !not_any.iter().any(has))
}

fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Number(x), Value::Number(y)) => x.as_f64().partial_cmp(&y.as_f64()).unwrap_or(Ordering::Equal),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (x, y) => x.to_string().cmp(&y.to_string()),
    }
}

fn sorts(res: &Resource, params: &Params) -> NResult<Vec<(String, bool)>> {
    let keys: Vec<&String> = params.0.iter().filter(|(k, v)| k == "sort_key" && !v.is_empty()).map(|(_, v)| v).collect();
    let dirs: Vec<&String> = params.0.iter().filter(|(k, v)| k == "sort_dir" && !v.is_empty()).map(|(_, v)| v).collect();
    if keys.len() != dirs.len() {
        return Err(NeutronError::bad_request("The number of sort_keys and sort_dirs must be same"));
    }
    let absent: Vec<String> = keys.iter().filter(|k| res.attr(k).is_none()).map(|k| format!("'{k}'")).collect();
    if !absent.is_empty() {
        return Err(NeutronError::bad_request(format!("[{}] is invalid attribute for sort_keys", absent.join(", "))));
    }
    let bad: Vec<String> = dirs.iter().filter(|d| !["asc", "desc"].contains(&d.as_str())).map(|d| format!("'{d}'")).collect();
    if !bad.is_empty() {
        return Err(NeutronError::bad_request(format!(
            "[{}] is invalid value for sort_dirs, valid value is 'asc' and 'desc'",
            bad.join(", ")
        )));
    }
    Ok(keys.into_iter().zip(dirs).map(|(k, d)| (k.clone(), d == "asc")).collect())
}

fn limit(params: &Params) -> NResult<Option<usize>> {
    let Some(text) = params.get("limit") else { return Ok(None) };
    match text.trim().parse::<i64>() {
        Ok(n) if n >= 0 => Ok(if n == 0 { None } else { Some(n as usize) }),
        _ => Err(NeutronError::bad_resource_request("limit", format!("Limit must be an integer 0 or greater and not '{text}'"))),
    }
}

/// Keeps only the requested `fields` of an item (unknown names are ignored; no `fields`, all).
pub fn select_fields(item: Value, params: &Params) -> Value {
    let wanted: Vec<&str> = params.0.iter().filter(|(k, v)| k == "fields" && !v.is_empty()).map(|(_, v)| v.as_str()).collect();
    if wanted.is_empty() {
        return item;
    }
    match item {
        Value::Object(m) => Value::Object(m.into_iter().filter(|(k, _)| wanted.contains(&k.as_str())).collect::<Map<String, Value>>()),
        other => other,
    }
}

fn link(url: &str, params: &Params, marker: Option<&str>, reverse: bool) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params.0.iter().filter(|(k, _)| k != "marker" && k != "page_reverse") {
        ser.append_pair(k, v);
    }
    if let Some(m) = marker {
        ser.append_pair("marker", m);
    }
    if reverse {
        ser.append_pair("page_reverse", "True");
    }
    format!("{url}?{}", ser.finish())
}

/// A list reply: `{<plural>: [...]}` plus `<plural>_links` when a limit was given. `url` is the
/// collection's public URL (for the links).
pub fn list(res: &Resource, items: Vec<Value>, params: &Params, url: &str) -> NResult<Value> {
    let filters = filters(res, params)?;
    let sorts = sorts(res, params)?;
    let limit = limit(params)?;
    let mut items: Vec<Value> = items.into_iter().filter(|i| filters.iter().all(|f| matches(i, f)) && tags_match(i, params)).collect();
    if !sorts.is_empty() {
        items.sort_by(|a, b| {
            for (key, asc) in &sorts {
                let o = compare(&a[key.as_str()], &b[key.as_str()]);
                if o != Ordering::Equal {
                    return if *asc { o } else { o.reverse() };
                }
            }
            compare(&a["id"], &b["id"])
        });
    }
    let mut out = Map::new();
    if let Some(limit) = limit {
        let reverse = params.get("page_reverse").is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let marker = params.get("marker").filter(|m| !m.is_empty());
        let page: Vec<Value> = match marker {
            Some(m) => match items.iter().position(|i| i["id"] == m) {
                Some(at) if reverse => items[at.saturating_sub(limit)..at].to_vec(),
                Some(at) => items.iter().skip(at + 1).take(limit).cloned().collect(),
                None => vec![],
            },
            None if reverse => items[items.len().saturating_sub(limit)..].to_vec(),
            None => items.iter().take(limit).cloned().collect(),
        };
        let mut links = vec![];
        // Neutron's get_pagination_links: no next link on a short forward page, no previous link
        // on a short backward one.
        if page.len() >= limit || reverse {
            links.push(json!({"rel": "next", "href": link(url, params, page.last().and_then(|i| i["id"].as_str()), false)}));
        }
        if page.len() >= limit || !reverse {
            links.push(json!({"rel": "previous", "href": link(url, params, page.first().and_then(|i| i["id"].as_str()), true)}));
        }
        items = page;
        out.insert(format!("{}_links", res.plural), Value::Array(links));
    }
    let items: Vec<Value> = items.into_iter().map(|i| select_fields(i, params)).collect();
    out.insert(res.plural.to_string(), Value::Array(items));
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::request::NETWORK;

    fn items() -> Vec<Value> {
        (1..=5)
            .map(|i| json!({"id": format!("id-{i}"), "name": format!("n{}", i % 2), "shared": i == 3, "mtu": 1442, "tags": if i < 3 { json!(["a", "b"]) } else { json!(["b"]) }}))
            .collect()
    }

    fn q(s: &str) -> Params {
        Params::parse(Some(s))
    }

    fn ids(v: &Value) -> Vec<String> {
        v["networks"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect()
    }

    #[test]
    fn filters_or_within_a_key_and_and_across_keys() {
        assert_eq!(ids(&list(&NETWORK, items(), &q("name=n1"), "u").unwrap()), ["id-1", "id-3", "id-5"]);
        assert_eq!(ids(&list(&NETWORK, items(), &q("name=n1&shared=true"), "u").unwrap()), ["id-3"]);
        assert_eq!(ids(&list(&NETWORK, items(), &q("id=id-1&id=id-2"), "u").unwrap()), ["id-1", "id-2"]);
        assert_eq!(ids(&list(&NETWORK, items(), &q("mtu=1442&tags=a,b"), "u").unwrap()), ["id-1", "id-2"]);
        assert_eq!(ids(&list(&NETWORK, items(), &q("not-tags-any=a"), "u").unwrap()), ["id-3", "id-4", "id-5"]);
        let e = list(&NETWORK, items(), &q("colour=red"), "u").unwrap_err();
        assert_eq!(e.message, "['colour'] is invalid attribute for filtering");
        assert_eq!(list(&NETWORK, items(), &q("shared=perhaps"), "u").unwrap_err().status, 400);
        assert_eq!(list(&NETWORK, items(), &q("mtu=big"), "u").unwrap_err().status, 400);
    }

    #[test]
    fn pagination_follows_markers_and_links() {
        let page = list(&NETWORK, items(), &q("limit=2"), "http://x/network/v2.0/networks").unwrap();
        assert_eq!(ids(&page), ["id-1", "id-2"]);
        let next = page["networks_links"].as_array().unwrap().iter().find(|l| l["rel"] == "next").unwrap()["href"].as_str().unwrap();
        assert_eq!(next, "http://x/network/v2.0/networks?limit=2&marker=id-2");
        let last = list(&NETWORK, items(), &q("limit=2&marker=id-4"), "u").unwrap();
        assert_eq!(ids(&last), ["id-5"]);
        assert!(last["networks_links"].as_array().unwrap().iter().all(|l| l["rel"] != "next"));
        assert_eq!(list(&NETWORK, items(), &q("limit=-1"), "u").unwrap_err().status, 400);
        assert!(list(&NETWORK, items(), &q(""), "u").unwrap().get("networks_links").is_none());
    }

    #[test]
    fn fields_and_sorting() {
        let v = list(&NETWORK, items(), &q("fields=id&fields=name&sort_key=name&sort_dir=desc"), "u").unwrap();
        assert_eq!(v["networks"][0], json!({"id": "id-1", "name": "n1"}));
        assert_eq!(ids(&v), ["id-1", "id-3", "id-5", "id-2", "id-4"]);
        assert_eq!(list(&NETWORK, items(), &q("sort_key=name"), "u").unwrap_err().status, 400);
        assert_eq!(list(&NETWORK, items(), &q("sort_key=name&sort_dir=up"), "u").unwrap_err().status, 400);
    }
}
