//! IPv6 subnets (address modes, EUI-64 addresses, pools and gateways), subnet pools, bulk creates,
//! and clearing a router's gateway with an empty `external_gateway_info`.

use crate::common::TestCloud;
use crate::helpers::*;
use serde_json::json;

/// The EUI-64 interface identifier of a MAC on a /64 prefix, computed independently of the server.
fn eui64(prefix: &str, mac: &str) -> String {
    let b: Vec<u8> = mac.split(':').map(|p| u8::from_str_radix(p, 16).unwrap()).collect();
    let iid = [b[0] ^ 2, b[1], b[2], 0xff, 0xfe, b[3], b[4], b[5]];
    let net: std::net::Ipv6Addr = prefix.parse().unwrap();
    let mut octets = net.octets();
    octets[8..].copy_from_slice(&iid);
    std::net::Ipv6Addr::from(octets).to_string()
}

#[tokio::test]
async fn ipv6_subnets_take_modes_and_give_slaac_ports_their_eui64_address() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let net = created(&c, &demo, "networks", json!({"network": {"name": "v6"}})).await["id"].as_str().unwrap().to_string();
    let v6 = |extra: serde_json::Value| {
        let mut body = json!({"network_id": net, "ip_version": 6});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        json!({ "subnet": body })
    };
    // Modes that disagree, a SLAAC prefix that is not a /64, and an IPv4 gateway are refused.
    let before = c.state_without_journal();
    let r =
        post(&c, &demo, "subnets", v6(json!({"cidr": "2001:db8:1::/64", "ipv6_ra_mode": "slaac", "ipv6_address_mode": "dhcpv6-stateful"})))
            .await;
    assert_neutron_error(&r, 400, "InvalidInput");
    assert!(r.body["NeutronError"]["message"].as_str().unwrap().contains("they must be the same value"), "{}", r.text);
    let r = post(&c, &demo, "subnets", v6(json!({"cidr": "2001:db8:1::/80", "ipv6_address_mode": "slaac"}))).await;
    assert!(r.body["NeutronError"]["message"].as_str().unwrap().contains("requires the prefix to be /64"), "{}", r.text);
    let r = post(&c, &demo, "subnets", v6(json!({"cidr": "2001:db8:1::/64", "gateway_ip": "10.0.0.1"}))).await;
    assert_eq!(r.body["NeutronError"]["message"], "Invalid input for operation: gateway_ip '10.0.0.1' does not match the ip_version '6'.");
    let r = post(&c, &demo, "subnets", v6(json!({"cidr": "10.5.0.0/24"}))).await;
    assert_neutron_error(&r, 400, "InvalidInput");
    assert_same_state(&before, &c.state_without_journal());

    let slaac =
        created(&c, &demo, "subnets", v6(json!({"cidr": "2001:db8:1::/64", "ipv6_ra_mode": "slaac", "ipv6_address_mode": "slaac"}))).await;
    assert_eq!(slaac["ip_version"], 6);
    assert_eq!(slaac["ipv6_address_mode"], "slaac");
    assert_eq!(slaac["gateway_ip"], "2001:db8:1::1");
    assert_eq!(slaac["allocation_pools"], json!([{"start": "2001:db8:1::2", "end": "2001:db8:1:0:ffff:ffff:ffff:ffff"}]));
    let stateful = created(
        &c,
        &demo,
        "subnets",
        v6(json!({"cidr": "2001:db8:2::/64", "ipv6_address_mode": "dhcpv6-stateful",
        "ipv6_ra_mode": "dhcpv6-stateful", "gateway_ip": "2001:db8:2::1"})),
    )
    .await;
    let port = created(&c, &demo, "ports", json!({"port": {"network_id": net}})).await;
    let mac = port["mac_address"].as_str().unwrap();
    let fixed = port["fixed_ips"].as_array().unwrap();
    // One address from the stateful subnet's pool (the DHCP port took the first), the EUI-64 one on SLAAC.
    assert_eq!(fixed.len(), 2, "{port}");
    assert_eq!(fixed[0]["subnet_id"], stateful["id"]);
    assert_eq!(fixed[0]["ip_address"], "2001:db8:2::3");
    assert_eq!(fixed[1]["subnet_id"], slaac["id"]);
    assert_eq!(fixed[1]["ip_address"], eui64("2001:db8:1::", mac).as_str());
    // An address cannot be asked for on a SLAAC subnet.
    let r = post(
        &c,
        &demo,
        "ports",
        json!({"port": {"network_id": net, "fixed_ips": [{"subnet_id": slaac["id"], "ip_address": "2001:db8:1::9"}]}}),
    )
    .await;
    assert_neutron_error(&r, 400, "InvalidInput");
    // The SLAAC subnet can go while the port is there; the network cannot.
    let r = delete(&c, &demo, &format!("subnets/{}", slaac["id"].as_str().unwrap())).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let port = list(&c, &demo, &format!("ports/{}", port["id"].as_str().unwrap())).await["port"].clone();
    assert_eq!(port["fixed_ips"].as_array().unwrap().len(), 1);
    assert_neutron_error(&delete(&c, &demo, &format!("networks/{net}")).await, 409, "NetworkInUse");
}

#[tokio::test]
async fn subnet_pools_carve_subnets_from_their_free_prefixes() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let pool = created(
        &c,
        &demo,
        "subnetpools",
        json!({"subnetpool": {"name": "pool", "prefixes": ["10.60.0.0/24", "10.60.1.0/24", "10.70.0.0/16"],
        "default_prefixlen": 26}}),
    )
    .await;
    assert_eq!(pool["prefixes"], json!(["10.60.0.0/23", "10.70.0.0/16"]), "compacted");
    assert_eq!((pool["min_prefixlen"].as_u64(), pool["max_prefixlen"].as_u64()), (Some(8), Some(32)));
    let pool_id = pool["id"].as_str().unwrap().to_string();
    let net = created(&c, &demo, "networks", json!({"network": {"name": "pooled"}})).await["id"].as_str().unwrap().to_string();
    let first = created(&c, &demo, "subnets", json!({"subnet": {"network_id": net, "ip_version": 4, "subnetpool_id": pool_id}})).await;
    assert_eq!(first["cidr"], "10.60.0.0/26");
    assert_eq!(first["subnetpool_id"], pool_id.as_str());
    assert_eq!(first["gateway_ip"], "10.60.0.1");
    let second =
        created(&c, &demo, "subnets", json!({"subnet": {"network_id": net, "ip_version": 4, "subnetpool_id": pool_id, "prefixlen": 28}}))
            .await;
    assert_eq!(second["cidr"], "10.60.0.64/28");
    let before = c.state_without_journal();
    let r = post(
        &c,
        &demo,
        "subnets",
        json!({"subnet": {"network_id": net, "ip_version": 4, "subnetpool_id": pool_id, "cidr": "10.99.0.0/24"}}),
    )
    .await;
    assert_neutron_error(&r, 409, "SubnetAllocationError");
    let r = post(&c, &demo, "subnets", json!({"subnet": {"network_id": net, "ip_version": 6, "subnetpool_id": pool_id}})).await;
    assert_eq!(r.body["NeutronError"]["message"], "Bad subnets request: Cannot allocate IPv6 subnet from IPv4 subnet pool.");
    let r = post(&c, &demo, "subnets", json!({"subnet": {"network_id": net, "ip_version": 4}})).await;
    assert_eq!(r.body["NeutronError"]["message"], "Bad subnets request: a subnetpool must be specified in the absence of a cidr.");
    let r = put(&c, &demo, &format!("subnetpools/{pool_id}"), json!({"subnetpool": {"prefixes": ["10.70.0.0/16"]}})).await;
    assert_neutron_error(&r, 400, "IllegalSubnetPoolPrefixUpdate");
    let r = delete(&c, &demo, &format!("subnetpools/{pool_id}")).await;
    assert_neutron_error(&r, 400, "SubnetPoolDeleteError");
    assert_same_state(&before, &c.state_without_journal());
    // Sharing and default pools are an admin's.
    let r = post(&c, &demo, "subnetpools", json!({"subnetpool": {"name": "p", "prefixes": ["10.80.0.0/16"], "shared": true}})).await;
    assert_neutron_error(&r, 403, "PolicyNotAuthorized");
}

#[tokio::test]
async fn bulk_creates_make_every_item_or_none() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let r = post(&c, &demo, "networks", json!({"networks": [{"name": "bulk-a"}, {"name": "bulk-b"}]})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(names(&r.body, "networks"), ["bulk-a", "bulk-b"]);
    let before = c.state_without_journal();
    let r = post(&c, &demo, "networks", json!({"networks": [{"name": "bulk-c"}, {"name": 5}]})).await;
    assert_neutron_error(&r, 400, "HTTPBadRequest");
    assert_same_state(&before, &c.state_without_journal());
    let r = post(&c, &demo, "networks", json!({"networks": []})).await;
    assert_neutron_error(&r, 400, "HTTPBadRequest");
}

#[tokio::test]
async fn an_empty_gateway_clears_a_routers_gateway() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let public = id_named(&c, &demo, "networks", "public").await;
    let router = created(&c, &demo, "routers", json!({"router": {"name": "gw", "external_gateway_info": {"network_id": public}}})).await;
    assert_eq!(router["external_gateway_info"]["network_id"], public.as_str());
    let id = router["id"].as_str().unwrap();
    let r = put(&c, &demo, &format!("routers/{id}"), json!({"router": {"external_gateway_info": {}}})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["router"]["external_gateway_info"], serde_json::Value::Null);
    let r = post(&c, &demo, "routers", json!({"router": {"name": "none", "external_gateway_info": {}}})).await;
    assert_eq!(r.status, 201, "{}", r.text);
}
