//! Neutron over HTTP: shapes, filters, pagination, project isolation, admin-only agents, IP
//! allocation and exhaustion, floating IP activation on the simulated clock, agent liveness, and bad
//! input on every route (a 4xx in Neutron's format, never a 5xx, and no change to the world).
//!
//! Servers (and so their ports) come from Nova; these tests make their own ports and networks and
//! never assume which addresses the fixture's servers hold.

mod common;

use common::{Reply, TestCloud};
use reqwest::Method;
use serde_json::{json, Value};

const N: &str = "/network/v2.0";

fn ids(v: &Value, key: &str) -> Vec<String> {
    v[key].as_array().unwrap_or_else(|| panic!("no {key} in {v}")).iter().map(|i| i["id"].as_str().unwrap().to_string()).collect()
}

fn names(v: &Value, key: &str) -> Vec<String> {
    v[key].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().to_string()).collect()
}

/// The world is unchanged; on a difference, name the first paths that differ (not the whole world).
fn assert_same_state(before: &Value, after: &Value) {
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
fn assert_neutron_error(r: &Reply, status: u16, kind: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.body["NeutronError"]["type"], kind, "{}", r.text);
    assert!(r.body["NeutronError"]["message"].is_string(), "{}", r.text);
    assert_eq!(r.body["NeutronError"]["detail"], "", "{}", r.text);
}

async fn post(c: &TestCloud, token: &str, path: &str, body: Value) -> Reply {
    c.send(Method::POST, &format!("{N}/{path}"), Some(token), Some(body)).await
}

async fn put(c: &TestCloud, token: &str, path: &str, body: Value) -> Reply {
    c.send(Method::PUT, &format!("{N}/{path}"), Some(token), Some(body)).await
}

async fn delete(c: &TestCloud, token: &str, path: &str) -> Reply {
    c.send(Method::DELETE, &format!("{N}/{path}"), Some(token), None).await
}

async fn list(c: &TestCloud, token: &str, path: &str) -> Value {
    let r = c.get(&format!("{N}/{path}"), Some(token)).await;
    assert_eq!(r.status, 200, "GET {path}: {}", r.text);
    r.body
}

async fn created(c: &TestCloud, token: &str, path: &str, body: Value) -> Value {
    let key = body.as_object().unwrap().keys().next().unwrap().clone();
    let r = post(c, token, path, body).await;
    assert_eq!(r.status, 201, "POST {path}: {}", r.text);
    r.body[key.as_str()].clone()
}

async fn advance(c: &TestCloud, by: &str) {
    let r = c.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({"by": by}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// The id of the only item named `name` in a list.
async fn id_named(c: &TestCloud, token: &str, collection: &str, name: &str) -> String {
    let v = list(c, token, &format!("{collection}?name={name}")).await;
    let key = collection.replace('-', "_");
    let found = ids(&v, &key);
    assert_eq!(found.len(), 1, "{collection} named {name}: {v}");
    found[0].clone()
}

/// A demo network with one subnet, for address tests that must not depend on anyone else's ports.
async fn demo_network(c: &TestCloud, token: &str, name: &str, cidr: &str) -> (String, String) {
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

#[tokio::test]
async fn agents_are_admin_only_and_derived_from_the_fixture() {
    let c = TestCloud::start().await;
    let (admin, demo) = (c.admin().await, c.member().await);
    let r = c.get(&format!("{N}/agents"), Some(&demo)).await;
    assert_neutron_error(&r, 403, "PolicyNotAuthorized");
    assert_eq!(r.body["NeutronError"]["message"], "rule:get_agent is disallowed by policy");
    let agents = list(&c, &admin, "agents").await["agents"].as_array().unwrap().clone();
    assert_eq!(agents.len(), 3 * 4 + 3, "four agents on each controller, an OVS agent on each compute host");
    let count = |t: &str| agents.iter().filter(|a| a["agent_type"] == t).count();
    assert_eq!(count("Open vSwitch agent"), 6);
    assert_eq!(count("DHCP agent"), 3);
    assert_eq!(count("L3 agent"), 3);
    assert_eq!(count("Metadata agent"), 3);
    let dhcp = agents.iter().find(|a| a["agent_type"] == "DHCP agent").unwrap();
    assert_eq!(dhcp["binary"], "neutron-dhcp-agent");
    assert_eq!(dhcp["topic"], "dhcp_agent");
    assert_eq!(dhcp["availability_zone"], "nova");
    assert_eq!(dhcp["alive"], true);
    assert_eq!(dhcp["admin_state_up"], true);
    assert_eq!(dhcp["heartbeat_timestamp"], "2026-01-01 00:00:00");
    assert_eq!(dhcp["created_at"], "2026-01-01 00:00:00");
    assert_eq!(dhcp["configurations"], json!({}));
    let ovs = agents.iter().find(|a| a["host"] == "compute-0").unwrap();
    assert_eq!(ovs["agent_type"], "Open vSwitch agent");
    assert_eq!(ovs["binary"], "neutron-openvswitch-agent");
    assert_eq!(ovs["availability_zone"], Value::Null);
    assert_eq!(list(&c, &admin, "agents?agent_type=L3%20agent&host=controller-0").await["agents"].as_array().unwrap().len(), 1);

    let id = dhcp["id"].as_str().unwrap();
    assert_neutron_error(&c.get(&format!("{N}/agents/{id}"), Some(&demo)).await, 403, "PolicyNotAuthorized");
    let r = put(&c, &admin, &format!("agents/{id}"), json!({"agent": {"admin_state_up": false, "description": "draining"}})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["agent"]["admin_state_up"], false);
    assert_eq!(r.body["agent"]["description"], "draining");
    assert_neutron_error(&put(&c, &admin, &format!("agents/{id}"), json!({"agent": {"alive": false}})).await, 400, "HTTPBadRequest");
    assert_neutron_error(&c.get(&format!("{N}/agents/00000000-0000-4000-8000-000000000000"), Some(&admin)).await, 404, "AgentNotFound");

    // Scheduling views: which DHCP agent hosts a network, which L3 agent a router.
    let private = id_named(&c, &admin, "networks", "private").await;
    let hosting = list(&c, &admin, &format!("networks/{private}/dhcp-agents")).await;
    assert_eq!(hosting["agents"][0]["agent_type"], "DHCP agent");
    let agent_id = hosting["agents"][0]["id"].as_str().unwrap();
    let nets = list(&c, &admin, &format!("agents/{agent_id}/dhcp-networks")).await;
    assert!(ids(&nets, "networks").contains(&private));
    let router = id_named(&c, &admin, "routers", "demo-router").await;
    assert_eq!(list(&c, &admin, &format!("routers/{router}/l3-agents")).await["agents"][0]["agent_type"], "L3 agent");
    assert_eq!(c.get(&format!("{N}/routers/{router}/l3-agents"), Some(&demo)).await.status, 403);
    let azs = list(&c, &demo, "availability_zones").await;
    assert_eq!(azs["availability_zones"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn agents_die_75_seconds_after_their_host_stops_reporting() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    advance(&c, "10s").await;
    {
        let mut w = c.running.cloud.world();
        let now = w.now();
        w.network.set_host_agents_alive("compute-1", false, now);
    }
    let alive =
        |agents: &Value, host: &str| agents["agents"].as_array().unwrap().iter().find(|a| a["host"] == host).unwrap()["alive"].clone();
    assert_eq!(alive(&list(&c, &admin, "agents").await, "compute-1"), true, "still within agent_down_time");
    advance(&c, "75s").await;
    let agents = list(&c, &admin, "agents").await;
    assert_eq!(alive(&agents, "compute-1"), false);
    assert_eq!(alive(&agents, "compute-0"), true);
    let dead = agents["agents"].as_array().unwrap().iter().find(|a| a["host"] == "compute-1").unwrap();
    assert_eq!(dead["heartbeat_timestamp"], "2026-01-01 00:00:00", "its last report before it stopped");
    let live = agents["agents"].as_array().unwrap().iter().find(|a| a["host"] == "compute-0").unwrap();
    assert_eq!(live["heartbeat_timestamp"], "2026-01-01 00:01:00", "reports every 30 s");
    assert_eq!(list(&c, &admin, "agents?alive=false").await["agents"].as_array().unwrap().len(), 1);
    {
        let mut w = c.running.cloud.world();
        let now = w.now();
        w.network.set_host_agents_alive("compute-1", true, now);
    }
    let agents = list(&c, &admin, "agents").await;
    assert_eq!(alive(&agents, "compute-1"), true);
    let back = agents["agents"].as_array().unwrap().iter().find(|a| a["host"] == "compute-1").unwrap();
    assert_eq!(back["started_at"], "2026-01-01 00:01:25", "a restarted agent");
}

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
    advance(&c, "1s").await;
    assert_eq!(list(&c, &demo, &format!("floatingips/{fip_id}")).await["floatingip"]["status"], "DOWN");
    advance(&c, "10s").await;
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
    advance(&c, "10s").await;
    assert_eq!(list(&c, &demo, &format!("floatingips/{fip_id}")).await["floatingip"]["status"], "DOWN");
    // Re-associate, then delete the port: the floating IP is left DOWN and unassociated.
    let r = put(&c, &demo, &format!("floatingips/{fip_id}"), json!({"floatingip": {"port_id": port_id}})).await;
    assert_eq!(r.body["floatingip"]["status"], "DOWN", "{}", r.text);
    assert_eq!(delete(&c, &demo, &format!("ports/{port_id}")).await.status, 204);
    advance(&c, "10s").await;
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
async fn routers_and_security_groups_follow_neutrons_rules() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let public = id_named(&c, &demo, "networks", "public").await;
    let (net, sub) = demo_network(&c, &demo, "edge", "10.50.0.0/24").await;
    let r = created(&c, &demo, "routers", json!({"router": {"name": "r1", "external_gateway_info": {"network_id": public}}})).await;
    let rid = r["id"].as_str().unwrap().to_string();
    assert_eq!(r["external_gateway_info"]["network_id"], public.as_str());
    assert_eq!(r["external_gateway_info"]["external_fixed_ips"].as_array().unwrap().len(), 1);
    let not_external = post(&c, &demo, "routers", json!({"router": {"external_gateway_info": {"network_id": net}}})).await;
    assert_neutron_error(&not_external, 400, "BadRequest");
    let snat = post(&c, &demo, "routers", json!({"router": {"external_gateway_info": {"network_id": public, "enable_snat": false}}})).await;
    assert_neutron_error(&snat, 403, "PolicyNotAuthorized");
    assert_eq!(put(&c, &demo, &format!("routers/{rid}/add_router_interface"), json!({"subnet_id": sub})).await.status, 200);
    assert_neutron_error(&delete(&c, &demo, &format!("routers/{rid}")).await, 409, "RouterInUse");
    assert_neutron_error(&delete(&c, &demo, &format!("networks/{net}")).await, 409, "NetworkInUse");
    let both = put(&c, &demo, &format!("routers/{rid}/add_router_interface"), json!({"subnet_id": sub, "port_id": sub})).await;
    assert_neutron_error(&both, 400, "BadRequest");
    assert_eq!(put(&c, &demo, &format!("routers/{rid}/remove_router_interface"), json!({"subnet_id": sub})).await.status, 200);
    let cleared = put(&c, &demo, &format!("routers/{rid}"), json!({"router": {"external_gateway_info": null, "name": "r1b"}})).await;
    assert_eq!(cleared.status, 200, "{}", cleared.text);
    assert_eq!(cleared.body["router"]["external_gateway_info"], Value::Null);
    assert_eq!(delete(&c, &demo, &format!("routers/{rid}")).await.status, 204);
    assert_eq!(delete(&c, &demo, &format!("networks/{net}")).await.status, 204);

    let sg = created(&c, &demo, "security-groups", json!({"security_group": {"name": "web", "description": "http"}})).await;
    let sg_id = sg["id"].as_str().unwrap().to_string();
    assert_eq!(sg["security_group_rules"].as_array().unwrap().len(), 2, "two egress rules");
    assert_eq!(sg["stateful"], true);
    let rule = json!({"security_group_rule": {"security_group_id": sg_id, "direction": "ingress", "protocol": "tcp",
        "port_range_min": 80, "port_range_max": 80, "remote_ip_prefix": "0.0.0.0/0"}});
    let made = created(&c, &demo, "security-group-rules", rule.clone()).await;
    assert_eq!(made["ethertype"], "IPv4");
    assert_eq!(made["normalized_cidr"], "0.0.0.0/0");
    assert_neutron_error(&post(&c, &demo, "security-group-rules", rule).await, 409, "SecurityGroupRuleExists");
    let bad_range = json!({"security_group_rule": {"security_group_id": sg_id, "direction": "ingress", "protocol": "tcp", "port_range_min": 90, "port_range_max": 80}});
    assert_neutron_error(&post(&c, &demo, "security-group-rules", bad_range).await, 400, "SecurityGroupInvalidPortRange");
    let no_proto =
        json!({"security_group_rule": {"security_group_id": sg_id, "direction": "ingress", "port_range_min": 22, "port_range_max": 22}});
    assert_neutron_error(&post(&c, &demo, "security-group-rules", no_proto).await, 400, "SecurityGroupProtocolRequiredWithPorts");
    let both = json!({"security_group_rule": {"security_group_id": sg_id, "direction": "ingress", "remote_ip_prefix": "10.0.0.0/8", "remote_group_id": sg_id}});
    assert_neutron_error(&post(&c, &demo, "security-group-rules", both).await, 400, "SecurityGroupRemoteGroupAndRemoteIpPrefix");
    let v6 = json!({"security_group_rule": {"security_group_id": sg_id, "direction": "ingress", "ethertype": "IPv6", "remote_ip_prefix": "10.0.0.0/8"}});
    assert_neutron_error(&post(&c, &demo, "security-group-rules", v6).await, 400, "SecurityGroupRuleParameterConflict");
    let listed = list(&c, &demo, &format!("security-group-rules?security_group_id={sg_id}&direction=ingress")).await;
    assert_eq!(ids(&listed, "security_group_rules"), [made["id"].as_str().unwrap()]);

    let default = id_named(&c, &demo, "security-groups", "default").await;
    assert_neutron_error(&delete(&c, &demo, &format!("security-groups/{default}")).await, 409, "SecurityGroupCannotRemoveDefault");
    assert_neutron_error(
        &post(&c, &demo, "security-groups", json!({"security_group": {"name": "default"}})).await,
        409,
        "SecurityGroupDefaultAlreadyExists",
    );
    let private = id_named(&c, &demo, "networks", "private").await;
    let p = created(&c, &demo, "ports", json!({"port": {"network_id": private, "security_groups": [sg_id]}})).await;
    assert_neutron_error(&delete(&c, &demo, &format!("security-groups/{sg_id}")).await, 409, "SecurityGroupInUse");
    assert_eq!(delete(&c, &demo, &format!("ports/{}", p["id"].as_str().unwrap())).await.status, 204);
    let renamed = put(&c, &demo, &format!("security-groups/{sg_id}"), json!({"security_group": {"name": "www"}})).await;
    assert_eq!(renamed.body["security_group"]["name"], "www", "{}", renamed.text);
    assert_eq!(delete(&c, &demo, &format!("security-group-rules/{}", made["id"].as_str().unwrap())).await.status, 204);
    assert_eq!(delete(&c, &demo, &format!("security-groups/{sg_id}")).await.status, 204);
    assert_neutron_error(&c.get(&format!("{N}/security-groups/{sg_id}"), Some(&demo)).await, 404, "SecurityGroupNotFound");
}

#[tokio::test]
async fn quotas_count_usage_and_refuse_creates_over_the_limit() {
    let c = TestCloud::start().await;
    let (admin, demo) = (c.admin().await, c.member().await);
    let private = id_named(&c, &admin, "networks", "private").await;
    let project = list(&c, &admin, &format!("networks/{private}")).await["network"]["project_id"].as_str().unwrap().to_string();
    let q = list(&c, &demo, &format!("quotas/{project}")).await["quota"].clone();
    assert_eq!((q["network"].as_i64(), q["port"].as_i64(), q["router"].as_i64()), (Some(100), Some(500), Some(10)));
    let d = list(&c, &demo, &format!("quotas/{project}/details")).await["quota"].clone();
    assert_eq!(d["network"], json!({"limit": 100, "used": 1, "reserved": 0}));
    assert_eq!(d["security_group"]["used"], 1);
    assert_eq!(d["security_group_rule"]["used"], 4);
    assert_eq!(list(&c, &demo, &format!("quotas/{project}/default")).await["quota"]["floatingip"], 50);
    assert_neutron_error(&c.get(&format!("{N}/quotas"), Some(&demo)).await, 403, "PolicyNotAuthorized");
    assert_neutron_error(&put(&c, &demo, &format!("quotas/{project}"), json!({"quota": {"network": 5}})).await, 403, "PolicyNotAuthorized");

    let r = put(&c, &admin, &format!("quotas/{project}"), json!({"quota": {"network": 2, "security_group": 1}})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["quota"]["network"], 2);
    assert_eq!(list(&c, &admin, "quotas").await["quotas"][0]["project_id"], project.as_str());
    created(&c, &demo, "networks", json!({"network": {"name": "second"}})).await;
    let over = post(&c, &demo, "networks", json!({"network": {"name": "third"}})).await;
    assert_neutron_error(&over, 409, "OverQuota");
    assert_eq!(over.body["NeutronError"]["message"], "Quota exceeded for resources: ['network'].");
    assert_neutron_error(&post(&c, &demo, "security-groups", json!({"security_group": {"name": "x"}})).await, 409, "OverQuota");
    let bad = put(&c, &admin, &format!("quotas/{project}"), json!({"quota": {"warp_drives": 1}})).await;
    assert_neutron_error(&bad, 400, "HTTPBadRequest");
    let below = put(&c, &admin, &format!("quotas/{project}"), json!({"quota": {"network": 1, "check_limit": true}})).await;
    assert_neutron_error(&below, 400, "HTTPBadRequest");
    assert_eq!(delete(&c, &admin, &format!("quotas/{project}")).await.status, 204);
    created(&c, &demo, "networks", json!({"network": {"name": "third"}})).await;
}

// ---- bad input on every route ----

/// Every route, with `{..}` placeholders filled from the fixture.
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/network"),
    ("GET", "/network/v2.0"),
    ("GET", "/network/v2.0/extensions"),
    ("GET", "/network/v2.0/extensions/{ext}"),
    ("GET", "/network/v2.0/availability_zones"),
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
    ("GET", "/network/v2.0/agents"),
    ("GET", "/network/v2.0/agents/{agent}"),
    ("PUT", "/network/v2.0/agents/{agent}"),
    ("DELETE", "/network/v2.0/agents/{bogus}"),
    ("GET", "/network/v2.0/agents/{agent}/dhcp-networks"),
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
