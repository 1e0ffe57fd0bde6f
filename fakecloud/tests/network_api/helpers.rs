//! The Neutron tests' shared vocabulary: a thin client for the network API, Neutron's error format,
//! and the world-unchanged check.

use crate::common::{Reply, TestCloud};
use reqwest::Method;
use serde_json::{json, Value};

pub const N: &str = "/network/v2.0";

pub fn ids(v: &Value, key: &str) -> Vec<String> {
    v[key].as_array().unwrap_or_else(|| panic!("no {key} in {v}")).iter().map(|i| i["id"].as_str().unwrap().to_string()).collect()
}

pub fn names(v: &Value, key: &str) -> Vec<String> {
    v[key].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().to_string()).collect()
}

/// The world is unchanged; on a difference, name the first paths that differ (not the whole world).
pub fn assert_same_state(before: &Value, after: &Value) {
    fn diff(path: String, a: &Value, b: &Value, out: &mut Vec<String>) {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                    diff(format!("{path}/{k}"), x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null), out);
                }
            }
            _ if a != b => out.push(format!("{path}: {:.200} -> {:.200}", a.to_string(), b.to_string())),
            _ => {}
        }
    }
    let mut out = vec![];
    diff(String::new(), before, after, &mut out);
    assert!(out.is_empty(), "a refused request changed the world:\n{}", out.iter().take(10).cloned().collect::<Vec<_>>().join("\n"));
}

/// A Neutron error of this status and type.
pub fn assert_neutron_error(r: &Reply, status: u16, kind: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.body["NeutronError"]["type"], kind, "{}", r.text);
    assert!(r.body["NeutronError"]["message"].is_string(), "{}", r.text);
    assert_eq!(r.body["NeutronError"]["detail"], "", "{}", r.text);
}

pub async fn post(c: &TestCloud, token: &str, path: &str, body: Value) -> Reply {
    c.send(Method::POST, &format!("{N}/{path}"), Some(token), Some(body)).await
}

pub async fn put(c: &TestCloud, token: &str, path: &str, body: Value) -> Reply {
    c.send(Method::PUT, &format!("{N}/{path}"), Some(token), Some(body)).await
}

pub async fn delete(c: &TestCloud, token: &str, path: &str) -> Reply {
    c.send(Method::DELETE, &format!("{N}/{path}"), Some(token), None).await
}

pub async fn list(c: &TestCloud, token: &str, path: &str) -> Value {
    let r = c.get(&format!("{N}/{path}"), Some(token)).await;
    assert_eq!(r.status, 200, "GET {path}: {}", r.text);
    r.body
}

pub async fn created(c: &TestCloud, token: &str, path: &str, body: Value) -> Value {
    let key = body.as_object().unwrap().keys().next().unwrap().clone();
    let r = post(c, token, path, body).await;
    assert_eq!(r.status, 201, "POST {path}: {}", r.text);
    r.body[key.as_str()].clone()
}

/// The id of the only item named `name` in a list.
pub async fn id_named(c: &TestCloud, token: &str, collection: &str, name: &str) -> String {
    let v = list(c, token, &format!("{collection}?name={name}")).await;
    let key = collection.replace('-', "_");
    let found = ids(&v, &key);
    assert_eq!(found.len(), 1, "{collection} named {name}: {v}");
    found[0].clone()
}

/// A demo network with one subnet, for address tests that must not depend on anyone else's ports.
pub async fn demo_network(c: &TestCloud, token: &str, name: &str, cidr: &str) -> (String, String) {
    let net = created(c, token, "networks", json!({"network": {"name": name}})).await;
    let id = net["id"].as_str().unwrap().to_string();
    let sub = created(
        c,
        token,
        "subnets",
        json!({"subnet": {"name": format!("{name}-subnet"), "network_id": id, "cidr": cidr, "ip_version": 4}}),
    )
    .await;
    (id, sub["id"].as_str().unwrap().to_string())
}
