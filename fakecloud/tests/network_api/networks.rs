//! The version document, shapes of networks, subnets, routers and groups, list filters, tags,
//! pagination, and project isolation.

use crate::common::TestCloud;
use crate::helpers::*;
use serde_json::{json, Value};

#[tokio::test]
async fn the_version_document_needs_no_token_and_everything_else_does() {
    let c = TestCloud::start().await;
    let r = c.get("/network", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["versions"][0]["id"], "v2.0");
    assert_eq!(r.body["versions"][0]["status"], "CURRENT");
    assert!(r.body["versions"][0]["links"][0]["href"].as_str().unwrap().ends_with("/network/v2.0/"));
    for path in ["/networks", "/agents", "/extensions", "", "/ports/nope", "/no-such-thing"] {
        let r = c.get(&format!("{N}{path}"), None).await;
        assert_eq!(r.status, 401, "{path}: {}", r.text);
        assert_eq!(r.body["error"]["code"], 401, "keystonemiddleware's body: {}", r.text);
    }
    let admin = c.admin().await;
    let r = c.get(&format!("{N}/no-such-thing"), Some(&admin)).await;
    assert_neutron_error(&r, 404, "HTTPNotFound");
    let ext = list(&c, &admin, "extensions").await;
    let aliases: Vec<&str> = ext["extensions"].as_array().unwrap().iter().map(|e| e["alias"].as_str().unwrap()).collect();
    for a in ["router", "external-net", "security-group", "agent", "binding", "standard-attr-tag", "provider", "net-mtu"] {
        assert!(aliases.contains(&a), "missing extension {a}");
    }
    assert_eq!(list(&c, &admin, "extensions/agent").await["extension"]["name"], "agent");
    assert_neutron_error(&c.get(&format!("{N}/extensions/warp-drive"), Some(&admin)).await, 404, "HTTPNotFound");
}

#[tokio::test]
async fn networks_have_neutrons_shape_and_provider_details_are_admin_only() {
    let c = TestCloud::start().await;
    let (admin, demo) = (c.admin().await, c.member().await);
    let nets = list(&c, &demo, "networks").await;
    let private = nets["networks"].as_array().unwrap().iter().find(|n| n["name"] == "private").unwrap().clone();
    let demo_project = private["project_id"].as_str().unwrap();
    assert_eq!(private["tenant_id"], demo_project);
    assert_eq!(private["status"], "ACTIVE");
    assert_eq!(private["admin_state_up"], true);
    assert_eq!(private["shared"], false);
    assert_eq!(private["router:external"], false);
    assert_eq!(private["mtu"], 1442);
    assert_eq!(private["port_security_enabled"], true);
    assert_eq!(private["availability_zones"], json!(["nova"]));
    assert_eq!(private["tags"], json!([]));
    assert_eq!(private["subnets"].as_array().unwrap().len(), 1);
    assert!(private["revision_number"].as_u64().unwrap() >= 1);
    let created_at = private["created_at"].as_str().unwrap();
    assert!(created_at.ends_with('Z') && created_at.len() == 20, "Neutron's timestamp format: {created_at}");
    assert!(private.get("provider:network_type").is_none(), "provider attributes are admin-only");

    let as_admin = list(&c, &admin, &format!("networks/{}", private["id"].as_str().unwrap())).await["network"].clone();
    assert_eq!(as_admin["provider:network_type"], "vxlan");
    assert!(as_admin["provider:segmentation_id"].as_u64().is_some());
    let public = list(&c, &admin, "networks?name=public").await["networks"][0].clone();
    assert_eq!(public["router:external"], true);
    assert_eq!(public["provider:network_type"], "flat");
    assert_eq!(public["provider:physical_network"], "datacentre");

    let sub = list(&c, &demo, "subnets?name=private-subnet").await["subnets"][0].clone();
    assert_eq!(sub["cidr"], "10.0.0.0/24");
    assert_eq!(sub["ip_version"], 4);
    assert_eq!(sub["gateway_ip"], "10.0.0.1");
    assert_eq!(sub["allocation_pools"], json!([{"start": "10.0.0.2", "end": "10.0.0.254"}]));
    assert_eq!(sub["enable_dhcp"], true);
    assert_eq!(sub["dns_nameservers"], json!([]));
    assert_eq!(sub["host_routes"], json!([]));
    assert_eq!(sub["network_id"], private["id"]);

    let router = list(&c, &demo, "routers").await["routers"][0].clone();
    assert_eq!(router["name"], "demo-router");
    assert_eq!(router["status"], "ACTIVE");
    assert_eq!(router["external_gateway_info"]["network_id"], public["id"]);
    assert_eq!(router["external_gateway_info"]["enable_snat"], true);
    assert_eq!(router["external_gateway_info"]["external_fixed_ips"][0]["ip_address"], "172.24.4.10");
    assert!(router.get("ha").is_none() && router.get("distributed").is_none());

    // The router's interface holds the subnet's gateway address; DHCP holds the next one.
    let iface = list(&c, &demo, "ports?device_owner=network:router_interface").await["ports"][0].clone();
    assert_eq!(iface["fixed_ips"][0]["ip_address"], "10.0.0.1");
    assert_eq!(iface["device_id"], router["id"]);
    assert_eq!(iface["status"], "ACTIVE");
    assert!(iface.get("binding:host_id").is_none(), "binding details are admin-only");
    let dhcp = list(&c, &admin, &format!("ports?device_owner=network:dhcp&network_id={}", private["id"].as_str().unwrap())).await;
    assert_eq!(dhcp["ports"][0]["fixed_ips"][0]["ip_address"], "10.0.0.2");
    assert!(dhcp["ports"][0]["binding:host_id"].as_str().unwrap().starts_with("controller-"));
    assert!(dhcp["ports"][0]["mac_address"].as_str().unwrap().starts_with("fa:16:3e:"));

    let groups = list(&c, &demo, "security-groups").await;
    assert_eq!(names(&groups, "security_groups"), ["default"]);
    let rules = groups["security_groups"][0]["security_group_rules"].as_array().unwrap();
    assert_eq!(rules.len(), 4);
    let ingress: Vec<&Value> = rules.iter().filter(|r| r["direction"] == "ingress").collect();
    assert_eq!(ingress.len(), 2);
    assert!(ingress.iter().all(|r| r["remote_group_id"] == groups["security_groups"][0]["id"]));
}

#[tokio::test]
async fn list_filters_fields_and_tags_work_as_in_neutron() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let all = list(&c, &admin, "networks").await;
    assert_eq!(all["networks"].as_array().unwrap().len(), 5);
    assert!(all.get("networks_links").is_none(), "no links without a limit");
    assert_eq!(names(&list(&c, &admin, "networks?name=private").await, "networks"), ["private"]);
    let two = list(&c, &admin, "networks?name=private&name=public").await;
    assert_eq!(two["networks"].as_array().unwrap().len(), 2, "several values of one filter are ORed");
    assert_eq!(names(&list(&c, &admin, "networks?router:external=True").await, "networks"), ["public"]);
    assert_eq!(list(&c, &admin, "networks?router:external=false").await["networks"].as_array().unwrap().len(), 4);
    assert_eq!(list(&c, &admin, "networks?name=private&router:external=true").await["networks"], json!([]));
    let private = id_named(&c, &admin, "networks", "private").await;
    let ports = list(&c, &admin, &format!("ports?network_id={private}")).await;
    assert!(ports["ports"].as_array().unwrap().iter().all(|p| p["network_id"] == private.as_str()));
    let on_ip = list(&c, &admin, &format!("ports?network_id={private}&fixed_ips=ip_address%3D10.0.0.1")).await;
    assert_eq!(on_ip["ports"].as_array().unwrap().len(), 1);
    assert_eq!(on_ip["ports"][0]["device_owner"], "network:router_interface");

    let projection = list(&c, &admin, "networks?fields=id&fields=name&name=public").await;
    assert_eq!(projection["networks"][0].as_object().unwrap().len(), 2);
    let one = list(&c, &admin, &format!("networks/{private}?fields=mtu")).await;
    assert_eq!(one["network"], json!({"mtu": 1442}));

    let demo_project = list(&c, &admin, &format!("networks/{private}")).await["network"]["project_id"].as_str().unwrap().to_string();
    let mine = list(&c, &admin, &format!("networks?project_id={demo_project}")).await;
    assert_eq!(names(&mine, "networks"), ["private"]);
    assert_eq!(names(&list(&c, &admin, &format!("networks?tenant_id={demo_project}")).await, "networks"), ["private"]);

    // Tags: add, list, filter, remove.
    assert_eq!(put(&c, &admin, &format!("networks/{private}/tags/blue"), json!({})).await.status, 201);
    let r = put(&c, &admin, &format!("networks/{private}/tags"), json!({"tags": ["red", "blue"]})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(list(&c, &admin, &format!("networks/{private}/tags")).await["tags"], json!(["blue", "red"]));
    assert_eq!(c.get(&format!("{N}/networks/{private}/tags/red"), Some(&admin)).await.status, 204);
    assert_neutron_error(&c.get(&format!("{N}/networks/{private}/tags/green"), Some(&admin)).await, 404, "TagNotFound");
    assert_eq!(names(&list(&c, &admin, "networks?tags=red,blue").await, "networks"), ["private"]);
    assert_eq!(names(&list(&c, &admin, "networks?tags-any=red,green").await, "networks"), ["private"]);
    assert_eq!(list(&c, &admin, "networks?not-tags=red").await["networks"].as_array().unwrap().len(), 4);
    assert_eq!(delete(&c, &admin, &format!("networks/{private}/tags/red")).await.status, 204);
    assert_eq!(list(&c, &admin, &format!("networks/{private}")).await["network"]["tags"], json!(["blue"]));
    assert_eq!(delete(&c, &admin, &format!("networks/{private}/tags")).await.status, 204);
    assert_eq!(list(&c, &admin, "networks?tags=blue").await["networks"], json!([]));

    // Unknown filters are refused (filter-validation); bad values too.
    let r = c.get(&format!("{N}/networks?colour=red"), Some(&admin)).await;
    assert_neutron_error(&r, 400, "HTTPBadRequest");
    assert_eq!(r.body["NeutronError"]["message"], "['colour'] is invalid attribute for filtering");
    assert_neutron_error(&c.get(&format!("{N}/networks?shared=perhaps"), Some(&admin)).await, 400, "InvalidInput");
    assert_neutron_error(&c.get(&format!("{N}/networks?limit=-1"), Some(&admin)).await, 400, "BadRequest");
    assert_neutron_error(&c.get(&format!("{N}/networks?sort_key=name"), Some(&admin)).await, 400, "HTTPBadRequest");
    let sorted = list(&c, &admin, "networks?sort_key=name&sort_dir=asc").await;
    assert_eq!(names(&sorted, "networks"), ["alt-private", "capi-mgmt-net", "lb-mgmt-net", "private", "public"]);
}

#[tokio::test]
async fn pagination_follows_next_links_to_the_whole_list() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let everything = ids(&list(&c, &admin, "security-group-rules").await, "security_group_rules");
    assert!(everything.len() >= 20, "four default rules for each of five projects");
    let mut seen: Vec<String> = vec![];
    let mut url = format!("{N}/security-group-rules?limit=3");
    for _ in 0..100 {
        let r = c.get(&url, Some(&admin)).await;
        assert_eq!(r.status, 200, "{url}: {}", r.text);
        let page = ids(&r.body, "security_group_rules");
        assert!(page.len() <= 3);
        seen.extend(page);
        let next = r.body["security_group_rules_links"].as_array().unwrap().iter().find(|l| l["rel"] == "next").cloned();
        match next {
            Some(l) => {
                let href = l["href"].as_str().unwrap();
                let (_, path) = href.split_once("/network/").expect("an absolute link into the network service");
                assert!(href.starts_with("http://"), "{href}");
                url = format!("/network/{path}");
            }
            None => break,
        }
    }
    assert_eq!(seen, everything, "the pages, in order, are the whole list");
    let marker = &everything[1];
    let after = list(&c, &admin, &format!("security-group-rules?limit=2&marker={marker}")).await;
    assert_eq!(ids(&after, "security_group_rules"), everything[2..4].to_vec());
}

#[tokio::test]
async fn projects_only_see_their_own_resources_and_shared_or_external_networks() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let alt = c.token("alt_demo", "alt-demo-secret", "alt_demo").await;
    let reader = c.token("observer", "observer-secret", "demo").await;
    let mut seen = names(&list(&c, &demo, "networks").await, "networks");
    seen.sort();
    assert_eq!(seen, ["private", "public"]);
    let mut seen = names(&list(&c, &alt, "networks").await, "networks");
    seen.sort();
    assert_eq!(seen, ["alt-private", "public"]);
    assert_eq!(names(&list(&c, &demo, "routers").await, "routers"), ["demo-router"]);
    assert_eq!(list(&c, &alt, "routers").await["routers"], json!([]));
    assert_eq!(list(&c, &alt, "security-groups").await["security_groups"].as_array().unwrap().len(), 1);
    let subs = names(&list(&c, &demo, "subnets").await, "subnets");
    assert!(subs.contains(&"public-subnet".to_string()) && !subs.contains(&"alt-private-subnet".to_string()), "{subs:?}");

    // Another project's resources are hidden: 404, not 403.
    let alt_net = id_named(&c, &admin, "networks", "alt-private").await;
    let demo_router = id_named(&c, &admin, "routers", "demo-router").await;
    let r = c.get(&format!("{N}/networks/{alt_net}"), Some(&demo)).await;
    assert_neutron_error(&r, 404, "NetworkNotFound");
    assert_eq!(r.body["NeutronError"]["message"], format!("Network {alt_net} could not be found."));
    assert_neutron_error(&c.get(&format!("{N}/routers/{demo_router}"), Some(&alt)).await, 404, "RouterNotFound");
    assert_neutron_error(&delete(&c, &alt, &format!("routers/{demo_router}")).await, 404, "RouterNotFound");
    let demo_sg = ids(&list(&c, &demo, "security-groups").await, "security_groups")[0].clone();
    assert_neutron_error(&delete(&c, &alt, &format!("security-groups/{demo_sg}")).await, 404, "SecurityGroupNotFound");

    // Creating in another project's network is refused; in an external one too (not shared).
    let before = c.state_without_journal();
    let r = post(&c, &demo, "ports", json!({"port": {"network_id": alt_net}})).await;
    assert_neutron_error(&r, 404, "NetworkNotFound");
    let public = id_named(&c, &admin, "networks", "public").await;
    let r = post(&c, &demo, "ports", json!({"port": {"network_id": public}})).await;
    assert_neutron_error(&r, 403, "PolicyNotAuthorized");
    let r = post(&c, &demo, "subnets", json!({"subnet": {"network_id": public, "cidr": "172.25.0.0/24", "ip_version": 4}})).await;
    assert_neutron_error(&r, 403, "PolicyNotAuthorized");
    assert_eq!(r.body["NeutronError"]["message"], "rule:create_subnet is disallowed by policy");
    let alt_project = list(&c, &admin, &format!("networks/{alt_net}")).await["network"]["project_id"].clone();
    let r = post(&c, &demo, "networks", json!({"network": {"name": "sneaky", "project_id": alt_project}})).await;
    assert_neutron_error(&r, 403, "PolicyNotAuthorized");
    // Admin-only attributes name the attribute rule.
    let r = post(&c, &demo, "networks", json!({"network": {"name": "wide", "shared": true}})).await;
    assert_neutron_error(&r, 403, "PolicyNotAuthorized");
    assert_eq!(r.body["NeutronError"]["message"], "(rule:create_network and rule:create_network:shared) is disallowed by policy");
    // A reader cannot write.
    assert_neutron_error(&post(&c, &reader, "networks", json!({"network": {"name": "ro"}})).await, 403, "PolicyNotAuthorized");
    assert_same_state(&before, &c.state_without_journal());

    // Admin sees everything and may create for another project.
    assert_eq!(list(&c, &admin, "routers").await["routers"].as_array().unwrap().len(), 2);
    let n = created(&c, &admin, "networks", json!({"network": {"name": "for-alt", "tenant_id": alt_project}})).await;
    assert_eq!(n["project_id"], alt_project);
    assert!(names(&list(&c, &alt, "networks").await, "networks").contains(&"for-alt".to_string()));
}
