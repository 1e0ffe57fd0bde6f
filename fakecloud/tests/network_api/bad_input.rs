//! Bad input on every route: a 4xx in Neutron's format, never a 5xx, and no change to the world.

use crate::common::{Reply, TestCloud};
use crate::helpers::*;
use reqwest::Method;
use serde_json::Value;

/// Every route, with `{..}` placeholders filled from the fixture.
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/network"),
    ("GET", "/network/v2.0"),
    ("GET", "/network/v2.0/extensions"),
    ("GET", "/network/v2.0/extensions/{ext}"),
    ("GET", "/network/v2.0/availability_zones"),
    ("GET", "/network/v2.0/service-providers"),
    ("GET", "/network/v2.0/networks"),
    ("POST", "/network/v2.0/networks"),
    ("GET", "/network/v2.0/networks/{net}"),
    ("PUT", "/network/v2.0/networks/{net}"),
    ("DELETE", "/network/v2.0/networks/{bogus}"),
    ("GET", "/network/v2.0/networks/{net}/dhcp-agents"),
    ("GET", "/network/v2.0/subnets"),
    ("POST", "/network/v2.0/subnets"),
    ("GET", "/network/v2.0/subnets/{subnet}"),
    ("PUT", "/network/v2.0/subnets/{subnet}"),
    ("DELETE", "/network/v2.0/subnets/{bogus}"),
    ("GET", "/network/v2.0/subnetpools"),
    ("POST", "/network/v2.0/subnetpools"),
    ("GET", "/network/v2.0/subnetpools/{bogus}"),
    ("PUT", "/network/v2.0/subnetpools/{bogus}"),
    ("DELETE", "/network/v2.0/subnetpools/{bogus}"),
    ("GET", "/network/v2.0/ports"),
    ("POST", "/network/v2.0/ports"),
    ("GET", "/network/v2.0/ports/{port}"),
    ("PUT", "/network/v2.0/ports/{port}"),
    ("DELETE", "/network/v2.0/ports/{bogus}"),
    ("GET", "/network/v2.0/floatingips"),
    ("POST", "/network/v2.0/floatingips"),
    ("GET", "/network/v2.0/floatingips/{bogus}"),
    ("PUT", "/network/v2.0/floatingips/{bogus}"),
    ("DELETE", "/network/v2.0/floatingips/{bogus}"),
    ("GET", "/network/v2.0/routers"),
    ("POST", "/network/v2.0/routers"),
    ("GET", "/network/v2.0/routers/{router}"),
    ("PUT", "/network/v2.0/routers/{router}"),
    ("DELETE", "/network/v2.0/routers/{bogus}"),
    ("PUT", "/network/v2.0/routers/{router}/add_router_interface"),
    ("PUT", "/network/v2.0/routers/{router}/remove_router_interface"),
    ("GET", "/network/v2.0/routers/{router}/l3-agents"),
    ("GET", "/network/v2.0/security-groups"),
    ("POST", "/network/v2.0/security-groups"),
    ("GET", "/network/v2.0/security-groups/{sg}"),
    ("PUT", "/network/v2.0/security-groups/{sg}"),
    ("DELETE", "/network/v2.0/security-groups/{bogus}"),
    ("GET", "/network/v2.0/security-group-rules"),
    ("POST", "/network/v2.0/security-group-rules"),
    ("GET", "/network/v2.0/security-group-rules/{rule}"),
    ("DELETE", "/network/v2.0/security-group-rules/{bogus}"),
    ("GET", "/network/v2.0/metering/metering-labels"),
    ("POST", "/network/v2.0/metering/metering-labels"),
    ("GET", "/network/v2.0/metering/metering-labels/{bogus}"),
    ("DELETE", "/network/v2.0/metering/metering-labels/{bogus}"),
    ("GET", "/network/v2.0/metering/metering-label-rules"),
    ("POST", "/network/v2.0/metering/metering-label-rules"),
    ("GET", "/network/v2.0/metering/metering-label-rules/{bogus}"),
    ("DELETE", "/network/v2.0/metering/metering-label-rules/{bogus}"),
    ("GET", "/network/v2.0/agents"),
    ("GET", "/network/v2.0/agents/{agent}"),
    ("PUT", "/network/v2.0/agents/{agent}"),
    ("DELETE", "/network/v2.0/agents/{bogus}"),
    ("GET", "/network/v2.0/agents/{agent}/dhcp-networks"),
    ("POST", "/network/v2.0/agents/{agent}/dhcp-networks"),
    ("DELETE", "/network/v2.0/agents/{agent}/dhcp-networks/{bogus}"),
    ("GET", "/network/v2.0/agents/{agent}/l3-routers"),
    ("GET", "/network/v2.0/networks/{net}/tags"),
    ("PUT", "/network/v2.0/networks/{net}/tags"),
    ("DELETE", "/network/v2.0/networks/{bogus}/tags"),
    ("GET", "/network/v2.0/networks/{net}/tags/{tag}"),
    ("PUT", "/network/v2.0/networks/{bogus}/tags/{tag}"),
    ("DELETE", "/network/v2.0/networks/{net}/tags/{tag}"),
    ("GET", "/network/v2.0/subnets/{subnet}/tags"),
    ("PUT", "/network/v2.0/subnets/{subnet}/tags"),
    ("DELETE", "/network/v2.0/subnets/{bogus}/tags"),
    ("GET", "/network/v2.0/subnets/{subnet}/tags/{tag}"),
    ("PUT", "/network/v2.0/subnets/{bogus}/tags/{tag}"),
    ("DELETE", "/network/v2.0/subnets/{subnet}/tags/{tag}"),
    ("GET", "/network/v2.0/ports/{port}/tags"),
    ("PUT", "/network/v2.0/ports/{port}/tags"),
    ("DELETE", "/network/v2.0/ports/{bogus}/tags"),
    ("GET", "/network/v2.0/ports/{port}/tags/{tag}"),
    ("PUT", "/network/v2.0/ports/{bogus}/tags/{tag}"),
    ("DELETE", "/network/v2.0/ports/{port}/tags/{tag}"),
    ("GET", "/network/v2.0/routers/{router}/tags"),
    ("PUT", "/network/v2.0/routers/{router}/tags"),
    ("DELETE", "/network/v2.0/routers/{bogus}/tags"),
    ("GET", "/network/v2.0/routers/{router}/tags/{tag}"),
    ("PUT", "/network/v2.0/routers/{bogus}/tags/{tag}"),
    ("DELETE", "/network/v2.0/routers/{router}/tags/{tag}"),
    ("GET", "/network/v2.0/floatingips/{bogus}/tags"),
    ("PUT", "/network/v2.0/floatingips/{bogus}/tags"),
    ("DELETE", "/network/v2.0/floatingips/{bogus}/tags"),
    ("GET", "/network/v2.0/floatingips/{bogus}/tags/{tag}"),
    ("PUT", "/network/v2.0/floatingips/{bogus}/tags/{tag}"),
    ("DELETE", "/network/v2.0/floatingips/{bogus}/tags/{tag}"),
    ("GET", "/network/v2.0/security-groups/{sg}/tags"),
    ("PUT", "/network/v2.0/security-groups/{sg}/tags"),
    ("DELETE", "/network/v2.0/security-groups/{bogus}/tags"),
    ("GET", "/network/v2.0/security-groups/{sg}/tags/{tag}"),
    ("PUT", "/network/v2.0/security-groups/{bogus}/tags/{tag}"),
    ("DELETE", "/network/v2.0/security-groups/{sg}/tags/{tag}"),
    ("GET", "/network/v2.0/network-ip-availabilities"),
    ("GET", "/network/v2.0/network-ip-availabilities/{net}"),
    ("GET", "/network/v2.0/quotas"),
    ("GET", "/network/v2.0/quotas/{project}"),
    ("PUT", "/network/v2.0/quotas/{project}"),
    ("DELETE", "/network/v2.0/quotas/{bogus}"),
    ("GET", "/network/v2.0/quotas/{project}/details"),
    ("GET", "/network/v2.0/quotas/{project}/default"),
];

const BOGUS: &str = "00000000-0000-4000-8000-000000000000";

async fn fill(c: &TestCloud, admin: &str, path: &str) -> String {
    let first = |v: Value, key: &str| v[key][0]["id"].as_str().unwrap().to_string();
    let mut out = path.replace("{bogus}", BOGUS).replace("{ext}", "router").replace("{tag}", "no-such-tag");
    let lookups = [
        ("{net}", "networks?name=private", "networks"),
        ("{subnet}", "subnets?name=private-subnet", "subnets"),
        ("{port}", "ports?device_owner=network:router_interface", "ports"),
        ("{router}", "routers?name=demo-router", "routers"),
        ("{sg}", "security-groups?name=default", "security_groups"),
        ("{rule}", "security-group-rules", "security_group_rules"),
        ("{agent}", "agents?agent_type=DHCP%20agent", "agents"),
    ];
    if out.contains("{project}") {
        let net = list(c, admin, "networks?name=private").await;
        out = out.replace("{project}", net["networks"][0]["project_id"].as_str().unwrap());
    }
    for (placeholder, query, key) in lookups {
        if out.contains(placeholder) {
            out = out.replace(placeholder, &first(list(c, admin, query).await, key));
        }
    }
    out
}

fn bad_bodies() -> Vec<Vec<u8>> {
    let long = "x".repeat(200_000);
    [
        "{not json".to_string(),
        "".to_string(),
        "   ".to_string(),
        "null".to_string(),
        "[]".to_string(),
        "\"a string\"".to_string(),
        "17".to_string(),
        "{}".to_string(),
        r#"{"network": 5}"#.to_string(),
        r#"{"network": {"name": 5}}"#.to_string(),
        r#"{"network": {"bogus": 1}}"#.to_string(),
        r#"{"network": {"admin_state_up": "perhaps"}}"#.to_string(),
        r#"{"network": {"mtu": 1e400}}"#.to_string(),
        r#"{"network": {"mtu": -5}}"#.to_string(),
        r#"{"network": {"status": "DOWN"}}"#.to_string(),
        r#"{"network": {"name": "a", "tenant_id": "x", "project_id": "y"}}"#.to_string(),
        r#"{"subnet": {"cidr": 7, "ip_version": 4}}"#.to_string(),
        r#"{"subnet": {"network_id": "☃", "cidr": "10.0.0.0/24", "ip_version": 4}}"#.to_string(),
        r#"{"subnet": {"allocation_pools": [{"start": "x"}]}}"#.to_string(),
        r#"{"subnet": {"gateway_ip": "300.1.1.1"}}"#.to_string(),
        r#"{"subnet": {"cidr": "10.0.0.0/24"}}"#.to_string(),
        r#"{"port": {"fixed_ips": "x"}}"#.to_string(),
        r#"{"port": {"fixed_ips": [{"ip_address": "nope"}]}}"#.to_string(),
        r#"{"port": {"mac_address": "zz:zz"}}"#.to_string(),
        r#"{"port": {"security_groups": [1]}}"#.to_string(),
        r#"{"port": {"network_id": null}}"#.to_string(),
        r#"{"floatingip": {"port_id": 3}}"#.to_string(),
        r#"{"floatingip": {"floating_network_id": "not-a-uuid"}}"#.to_string(),
        r#"{"router": {"external_gateway_info": "x"}}"#.to_string(),
        r#"{"router": {"external_gateway_info": {"network": "x"}}}"#.to_string(),
        r#"{"router": {"routes": [{"destination": "x"}]}}"#.to_string(),
        r#"{"security_group": {"name": ["a"]}}"#.to_string(),
        r#"{"security_group_rule": {"protocol": "warp", "direction": "sideways"}}"#.to_string(),
        r#"{"security_group_rule": {"port_range_min": 99999}}"#.to_string(),
        r#"{"agent": {"alive": false}}"#.to_string(),
        r#"{"agent": {"admin_state_up": [true]}}"#.to_string(),
        r#"{"subnet_id": 5}"#.to_string(),
        r#"{"subnet_id": "x", "extra": true}"#.to_string(),
        r#"{"tags": "x"}"#.to_string(),
        r#"{"tags": [1]}"#.to_string(),
        r#"{"tags": ["a"], "more": 1}"#.to_string(),
        r#"{"quota": 5}"#.to_string(),
        r#"{"quota": {"network": "lots"}}"#.to_string(),
        r#"{"quota": {"network": -7}}"#.to_string(),
        r#"{"quota": {"port": 1e99}}"#.to_string(),
        r#"{"quota": {"bogus": 1}}"#.to_string(),
        format!(r#"{{"network": {{"name": "{long}"}}}}"#),
        format!(r#"{{"tags": ["{long}"]}}"#),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect()
}

/// A 4xx whose body is Neutron's error format (HEAD has no body).
fn assert_clean_4xx(r: &Reply, method: &str, path: &str, what: &str) {
    assert!((400..500).contains(&r.status), "{method} {path} with {what}: got {} {}", r.status, r.text);
    if method == "HEAD" {
        return;
    }
    let e = &r.body["NeutronError"];
    assert!(
        e["type"].is_string() && e["message"].is_string() && e["detail"] == "",
        "{method} {path} with {what}: not Neutron's format: {}",
        r.text
    );
}

#[tokio::test]
async fn bad_bodies_on_every_write_route_are_4xx_and_change_nothing() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let before = c.state_without_journal();
    for (method, path) in ROUTES.iter().filter(|(m, _)| matches!(*m, "POST" | "PUT")) {
        let path = fill(&c, &admin, path).await;
        if path.contains("/tags/") {
            continue; // PUT of one tag takes no body.
        }
        for body in bad_bodies() {
            let what = String::from_utf8_lossy(&body[..body.len().min(60)]).into_owned();
            let r = c.raw(Method::from_bytes(method.as_bytes()).unwrap(), &path, Some(&admin), body).await;
            assert_clean_4xx(&r, method, &path, &what);
        }
    }
    assert_same_state(&before, &c.state_without_journal());
}

#[tokio::test]
async fn oversized_bodies_are_413_on_every_route() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let huge = vec![b' '; (1 << 20) + 1];
    for (method, path) in ROUTES {
        let path = fill(&c, &admin, path).await;
        let r = c.raw(Method::from_bytes(method.as_bytes()).unwrap(), &path, Some(&admin), huge.clone()).await;
        assert_eq!(r.status, 413, "{method} {path}: {}", r.text);
        assert_clean_4xx(&r, method, &path, "a body over 1 MiB");
    }
}

#[tokio::test]
async fn unknown_methods_are_405_in_neutrons_format() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let before = c.state_without_journal();
    let shape = |p: &str| {
        ["{bogus}", "{net}", "{subnet}", "{port}", "{router}", "{sg}", "{rule}", "{agent}", "{project}"]
            .iter()
            .fold(p.to_string(), |s, x| s.replace(x, "{id}"))
    };
    for (method, template) in ROUTES {
        let path = fill(&c, &admin, template).await;
        for other in ["PATCH", "PUT", "POST", "DELETE", "PROPFIND"] {
            if ROUTES.iter().any(|(m, p)| shape(p) == shape(template) && *m == other) || *method == other {
                continue;
            }
            let r = c.raw(Method::from_bytes(other.as_bytes()).unwrap(), &path, Some(&admin), b"{}".to_vec()).await;
            assert_eq!(r.status, 405, "{other} {path}: {}", r.text);
            assert_clean_4xx(&r, other, &path, "an unknown method");
        }
    }
    assert_same_state(&before, &c.state_without_journal());
}

#[tokio::test]
async fn odd_queries_and_ids_never_break_a_route() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let queries = [
        "?name=%FF%FE",
        "?limit=-1&marker=☃",
        "?limit=abc",
        "?limit=99999999999999999999",
        "?name=",
        "?a=1&a=2&a=3",
        "?fields=",
        "?fields=nope",
        "?sort_key=id&sort_dir=sideways",
        "?marker=nope&limit=2",
        "?page_reverse=true&limit=1",
        "?tags=,,,",
        "?fixed_ips=nothing",
        "?admin_state_up=maybe",
        "?mtu=%00",
    ];
    for (_, path) in ROUTES.iter().filter(|(m, _)| *m == "GET") {
        let path = fill(&c, &admin, path).await;
        for q in queries {
            for token in [&admin, &demo] {
                let r = c.get(&format!("{path}{q}"), Some(token)).await;
                assert!(r.status < 500, "GET {path}{q}: {} {}", r.status, r.text);
                assert!(
                    r.status < 400 || r.body["NeutronError"]["message"].is_string(),
                    "GET {path}{q}: an error outside Neutron's format: {}",
                    r.text
                );
            }
        }
    }
    for id in ["%E2%98%83", "%00", "a%2Fb", &"x".repeat(5000)] {
        for coll in ["networks", "subnets", "ports", "floatingips", "routers", "security-groups", "security-group-rules", "agents"] {
            let r = c.get(&format!("{N}/{coll}/{id}"), Some(&admin)).await;
            assert!((400..500).contains(&r.status), "GET {coll}/{id}: {} {}", r.status, r.text);
        }
    }
}
