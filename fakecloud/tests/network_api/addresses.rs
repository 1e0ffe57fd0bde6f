//! IP allocation and exhaustion, subnet and port rules, and floating IP activation on the simulated
//! clock.

use crate::common::TestCloud;
use crate::helpers::*;
use serde_json::{json, Value};

#[tokio::test]
async fn ports_take_the_lowest_free_address_until_the_subnet_is_exhausted() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let (net, sub) = demo_network(&c, &demo, "tiny", "10.9.0.0/29").await;
    let subnet = list(&c, &demo, &format!("subnets/{sub}")).await["subnet"].clone();
    assert_eq!(subnet["gateway_ip"], "10.9.0.1");
    assert_eq!(subnet["allocation_pools"], json!([{"start": "10.9.0.2", "end": "10.9.0.6"}]));
    // The DHCP agent's port takes .2.
    let dhcp = list(&c, &demo, &format!("ports?network_id={net}&device_owner=network:dhcp")).await;
    assert_eq!(dhcp["ports"][0]["fixed_ips"][0]["ip_address"], "10.9.0.2");
    let mut addrs = vec![];
    for i in 0..4 {
        let p = created(&c, &demo, "ports", json!({"port": {"network_id": net, "name": format!("p{i}")}})).await;
        assert_eq!(p["status"], "DOWN");
        assert_eq!(p["fixed_ips"][0]["subnet_id"], sub.as_str());
        assert!(p["mac_address"].as_str().unwrap().starts_with("fa:16:3e:"));
        assert_eq!(p["security_groups"].as_array().unwrap().len(), 1, "the project's default group");
        addrs.push(p["fixed_ips"][0]["ip_address"].as_str().unwrap().to_string());
    }
    assert_eq!(addrs, ["10.9.0.3", "10.9.0.4", "10.9.0.5", "10.9.0.6"]);
    let admin = c.admin().await;
    let avail = list(&c, &admin, &format!("network-ip-availabilities/{net}")).await["network_ip_availability"].clone();
    assert_eq!((avail["total_ips"].as_u64(), avail["used_ips"].as_u64()), (Some(5), Some(5)), "{avail}");
    assert_eq!(avail["subnet_ip_availability"][0]["cidr"], "10.9.0.0/29");
    assert_neutron_error(&c.get(&format!("{N}/network-ip-availabilities"), Some(&demo)).await, 403, "PolicyNotAuthorized");
    let named = list(&c, &admin, "network-ip-availabilities?network_name=tiny").await;
    assert_eq!(named["network_ip_availabilities"].as_array().unwrap().len(), 1);
    let before = c.state_without_journal();
    let r = post(&c, &demo, "ports", json!({"port": {"network_id": net}})).await;
    assert_neutron_error(&r, 409, "IpAddressGenerationFailure");
    assert_eq!(r.body["NeutronError"]["message"], format!("No more IP addresses available on network {net}."));
    assert_same_state(&before, &c.state_without_journal());

    // A freed address is reused; asking for an address in use, or outside the subnet, is refused.
    let p1 = id_named(&c, &demo, "ports", "p1").await;
    assert_eq!(delete(&c, &demo, &format!("ports/{p1}")).await.status, 204);
    let again = created(&c, &demo, "ports", json!({"port": {"network_id": net}})).await;
    assert_eq!(again["fixed_ips"][0]["ip_address"], "10.9.0.4");
    let taken = post(&c, &demo, "ports", json!({"port": {"network_id": net, "fixed_ips": [{"ip_address": "10.9.0.3"}]}})).await;
    assert_neutron_error(&taken, 409, "IpAddressAlreadyAllocated");
    let outside =
        post(&c, &demo, "ports", json!({"port": {"network_id": net, "fixed_ips": [{"subnet_id": sub, "ip_address": "10.8.0.3"}]}})).await;
    assert_neutron_error(&outside, 400, "InvalidIpForSubnet");

    // The network is in use while ports remain; the DHCP port goes with the network.
    let r = delete(&c, &demo, &format!("networks/{net}")).await;
    assert_neutron_error(&r, 409, "NetworkInUse");
    assert_neutron_error(&delete(&c, &demo, &format!("subnets/{sub}")).await, 409, "SubnetInUse");
    let dhcp_id = ids(&dhcp, "ports")[0].clone();
    for p in ids(&list(&c, &demo, &format!("ports?network_id={net}")).await, "ports") {
        if p != dhcp_id {
            assert_eq!(delete(&c, &demo, &format!("ports/{p}")).await.status, 204);
        }
    }
    assert_eq!(delete(&c, &demo, &format!("networks/{net}")).await.status, 204);
    assert_neutron_error(&c.get(&format!("{N}/subnets/{sub}"), Some(&demo)).await, 404, "SubnetNotFound");
    assert_neutron_error(&c.get(&format!("{N}/ports/{dhcp_id}"), Some(&demo)).await, 404, "PortNotFound");
}

#[tokio::test]
async fn subnet_and_port_rules_are_neutrons() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let (net, sub) = demo_network(&c, &demo, "rules", "10.20.0.0/24").await;
    let bad_cidr = post(&c, &demo, "subnets", json!({"subnet": {"network_id": net, "cidr": "10.21.0.5/24", "ip_version": 4}})).await;
    assert_neutron_error(&bad_cidr, 400, "HTTPBadRequest");
    assert!(bad_cidr.body["NeutronError"]["message"].as_str().unwrap().contains("'10.21.0.0/24' is recommended"));
    let overlap = post(&c, &demo, "subnets", json!({"subnet": {"network_id": net, "cidr": "10.20.0.0/25", "ip_version": 4}})).await;
    assert_neutron_error(&overlap, 400, "InvalidInput");
    let pools = json!([{"start": "10.22.0.1", "end": "10.22.0.20"}]);
    let gw = post(
        &c,
        &demo,
        "subnets",
        json!({"subnet": {"network_id": net, "cidr": "10.22.0.0/24", "ip_version": 4, "allocation_pools": pools}}),
    )
    .await;
    assert_neutron_error(&gw, 409, "GatewayConflictWithAllocationPools");
    let custom = created(
        &c,
        &demo,
        "subnets",
        json!({"subnet": {"network_id": net, "cidr": "10.23.0.0/24", "ip_version": 4, "gateway_ip": null, "enable_dhcp": false,
            "allocation_pools": [{"start": "10.23.0.100", "end": "10.23.0.110"}], "dns_nameservers": ["8.8.8.8"]}}),
    )
    .await;
    assert_eq!(custom["gateway_ip"], Value::Null);
    assert_eq!(custom["dns_nameservers"], json!(["8.8.8.8"]));
    let p = created(&c, &demo, "ports", json!({"port": {"network_id": net, "fixed_ips": [{"subnet_id": custom["id"]}]}})).await;
    assert_eq!(p["fixed_ips"][0]["ip_address"], "10.23.0.100");
    let r =
        put(&c, &demo, &format!("subnets/{sub}"), json!({"subnet": {"name": "renamed", "dns_nameservers": ["1.1.1.1", "9.9.9.9"]}})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["subnet"]["name"], "renamed");
    assert_neutron_error(
        &put(&c, &demo, &format!("subnets/{sub}"), json!({"subnet": {"cidr": "10.30.0.0/24"}})).await,
        400,
        "HTTPBadRequest",
    );

    let port =
        created(&c, &demo, "ports", json!({"port": {"network_id": net, "name": "a", "fixed_ips": [{"ip_address": "10.20.0.50"}]}})).await;
    assert_eq!(port["fixed_ips"][0]["ip_address"], "10.20.0.50");
    let mac = port["mac_address"].clone();
    let dup = post(&c, &demo, "ports", json!({"port": {"network_id": net, "mac_address": mac}})).await;
    assert_neutron_error(&dup, 409, "MacAddressInUse");
    let pid = port["id"].as_str().unwrap();
    let moved = put(&c, &demo, &format!("ports/{pid}"), json!({"port": {"fixed_ips": [{"ip_address": "10.20.0.60"}], "name": "b"}})).await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["port"]["fixed_ips"][0]["ip_address"], "10.20.0.60");
    assert!(moved.body["port"]["revision_number"].as_u64() > port["revision_number"].as_u64());
    let insecure = put(&c, &demo, &format!("ports/{pid}"), json!({"port": {"port_security_enabled": false}})).await;
    assert_neutron_error(&insecure, 409, "PortSecurityPortHasSecurityGroup");
    let ok = put(&c, &demo, &format!("ports/{pid}"), json!({"port": {"port_security_enabled": false, "security_groups": []}})).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let host = put(&c, &demo, &format!("ports/{pid}"), json!({"port": {"binding:host_id": "compute-0"}})).await;
    assert_neutron_error(&host, 403, "PolicyNotAuthorized");
    let admin = c.admin().await;
    let bound = put(
        &c,
        &admin,
        &format!("ports/{pid}"),
        json!({"port": {"binding:host_id": "compute-0", "device_id": "vm", "device_owner": "compute:nova"}}),
    )
    .await;
    assert_eq!(bound.body["port"]["status"], "ACTIVE", "{}", bound.text);
    assert_eq!(bound.body["port"]["binding:vif_type"], "ovs");
}

#[tokio::test]
async fn floating_ips_go_active_a_few_seconds_after_association() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let (net, sub) = demo_network(&c, &demo, "app", "10.40.0.0/24").await;
    let public = id_named(&c, &demo, "networks", "public").await;
    let router = id_named(&c, &demo, "routers", "demo-router").await;
    let port = created(&c, &demo, "ports", json!({"port": {"network_id": net, "device_owner": "compute:nova", "device_id": "vm-1"}})).await;
    let port_id = port["id"].as_str().unwrap().to_string();

    // No router joins the subnet to the external network yet.
    let r = post(&c, &demo, "floatingips", json!({"floatingip": {"floating_network_id": public, "port_id": port_id}})).await;
    assert_neutron_error(&r, 404, "ExternalGatewayForFloatingIPNotFound");
    let r = put(&c, &demo, &format!("routers/{router}/add_router_interface"), json!({"subnet_id": sub})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["subnet_id"], sub.as_str());
    assert_eq!(r.body["id"], router.as_str());
    let iface_port = r.body["port_id"].as_str().unwrap().to_string();
    let iface = list(&c, &demo, &format!("ports/{iface_port}")).await["port"].clone();
    assert_eq!(iface["fixed_ips"][0]["ip_address"], "10.40.0.1");
    assert_eq!(iface["device_owner"], "network:router_interface");
    let again = put(&c, &demo, &format!("routers/{router}/add_router_interface"), json!({"subnet_id": sub})).await;
    assert_neutron_error(&again, 400, "BadRequest");

    let fip = created(&c, &demo, "floatingips", json!({"floatingip": {"floating_network_id": public, "port_id": port_id}})).await;
    let fip_id = fip["id"].as_str().unwrap().to_string();
    assert_eq!(fip["status"], "DOWN");
    assert_eq!(fip["port_id"], port_id.as_str());
    assert_eq!(fip["fixed_ip_address"], port["fixed_ips"][0]["ip_address"]);
    assert_eq!(fip["router_id"], router.as_str());
    assert_eq!(fip["floating_network_id"], public.as_str());
    assert_eq!(fip["port_details"]["device_id"], "vm-1");
    let addr: std::net::Ipv4Addr = fip["floating_ip_address"].as_str().unwrap().parse().unwrap();
    assert!(addr.octets()[..3] == [172, 24, 4] && (10..=250).contains(&addr.octets()[3]), "{addr}");
    c.advance("1s").await;
    assert_eq!(list(&c, &demo, &format!("floatingips/{fip_id}")).await["floatingip"]["status"], "DOWN");
    c.advance("10s").await;
    assert_eq!(list(&c, &demo, &format!("floatingips/{fip_id}")).await["floatingip"]["status"], "ACTIVE");
    let journal = c.get("/_fakecloud/journal?kind=transition", None).await.text;
    assert!(journal.contains(&fip_id) && journal.contains("ACTIVE"), "{journal}");
    assert_eq!(list(&c, &demo, &format!("floatingips?port_id={port_id}")).await["floatingips"].as_array().unwrap().len(), 1);

    // The interface cannot go while the floating IP needs it; the port cannot take a second one.
    let r = put(&c, &demo, &format!("routers/{router}/remove_router_interface"), json!({"subnet_id": sub})).await;
    assert_neutron_error(&r, 409, "RouterInterfaceInUseByFloatingIP");
    let second = post(&c, &demo, "floatingips", json!({"floatingip": {"floating_network_id": public, "port_id": port_id}})).await;
    assert_neutron_error(&second, 409, "FloatingIPPortAlreadyAssociated");
    assert_neutron_error(&delete(&c, &demo, &format!("ports/{iface_port}")).await, 409, "L3PortInUse");

    // Disassociation is DOWN at once.
    let r = put(&c, &demo, &format!("floatingips/{fip_id}"), json!({"floatingip": {"port_id": null}})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["floatingip"]["status"], "DOWN");
    assert_eq!(r.body["floatingip"]["port_id"], Value::Null);
    assert_eq!(r.body["floatingip"]["port_details"], Value::Null);
    c.advance("10s").await;
    assert_eq!(list(&c, &demo, &format!("floatingips/{fip_id}")).await["floatingip"]["status"], "DOWN");
    // Re-associate, then delete the port: the floating IP is left DOWN and unassociated.
    let r = put(&c, &demo, &format!("floatingips/{fip_id}"), json!({"floatingip": {"port_id": port_id}})).await;
    assert_eq!(r.body["floatingip"]["status"], "DOWN", "{}", r.text);
    assert_eq!(delete(&c, &demo, &format!("ports/{port_id}")).await.status, 204);
    c.advance("10s").await;
    let f = list(&c, &demo, &format!("floatingips/{fip_id}")).await["floatingip"].clone();
    assert_eq!((f["status"].as_str(), f["port_id"].clone()), (Some("DOWN"), Value::Null));

    let r = put(&c, &demo, &format!("routers/{router}/remove_router_interface"), json!({"subnet_id": sub})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["port_id"], iface_port.as_str());
    assert_eq!(delete(&c, &demo, &format!("floatingips/{fip_id}")).await.status, 204);
    assert_neutron_error(&c.get(&format!("{N}/floatingips/{fip_id}"), Some(&demo)).await, 404, "FloatingIPNotFound");
    assert_neutron_error(&post(&c, &demo, "floatingips", json!({"floatingip": {"floating_network_id": net}})).await, 400, "BadRequest");
}

#[tokio::test]
async fn extra_dhcp_options_are_set_replaced_and_removed_by_name() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let (net, _) = demo_network(&c, &demo, "pxe", "10.61.0.0/24").await;
    let port = created(
        &c,
        &demo,
        "ports",
        json!({"port": {"network_id": net, "extra_dhcp_opts": [
        {"opt_name": "bootfile-name", "opt_value": "pxelinux.0"},
        {"opt_name": "tftp-server", "opt_value": "2015::dead", "ip_version": 6}]}}),
    )
    .await;
    assert_eq!(
        port["extra_dhcp_opts"],
        json!([{"opt_name": "bootfile-name", "opt_value": "pxelinux.0", "ip_version": 4},
               {"opt_name": "tftp-server", "opt_value": "2015::dead", "ip_version": 6}])
    );
    let id = port["id"].as_str().unwrap();
    // A value replaces the option of that name and version, null removes it, the rest stay.
    let r = put(
        &c,
        &demo,
        &format!("ports/{id}"),
        json!({"port": {"extra_dhcp_opts": [
        {"opt_name": "bootfile-name", "opt_value": "grub.efi"},
        {"opt_name": "tftp-server", "opt_value": null, "ip_version": 6},
        {"opt_name": "server-ip-address", "opt_value": "10.61.0.5"}]}}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["port"]["extra_dhcp_opts"],
        json!([{"opt_name": "bootfile-name", "opt_value": "grub.efi", "ip_version": 4},
               {"opt_name": "server-ip-address", "opt_value": "10.61.0.5", "ip_version": 4}])
    );
    let before = c.state_without_journal();
    let r = put(&c, &demo, &format!("ports/{id}"), json!({"port": {"extra_dhcp_opts": [{"opt_value": "x"}]}})).await;
    assert_neutron_error(&r, 400, "HTTPBadRequest");
    let r = put(
        &c,
        &demo,
        &format!("ports/{id}"),
        json!({"port": {"extra_dhcp_opts": [{"opt_name": "a", "opt_value": "x", "ip_version": 5}]}}),
    )
    .await;
    assert_neutron_error(&r, 400, "HTTPBadRequest");
    assert_same_state(&before, &c.state_without_journal());
}
