//! Admin-only agents derived from the fixture, and their liveness on the simulated clock.

use crate::common::TestCloud;
use crate::helpers::*;
use serde_json::{json, Value};

#[tokio::test]
async fn agents_are_admin_only_and_derived_from_the_fixture() {
    let c = TestCloud::start().await;
    let (admin, demo) = (c.admin().await, c.member().await);
    // The list checks get_agent on each agent: a member sees an empty list, not a refusal.
    let r = c.get(&format!("{N}/agents"), Some(&demo)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["agents"], json!([]));
    let any = list(&c, &admin, "agents").await["agents"][0]["id"].as_str().unwrap().to_string();
    let r = c.get(&format!("{N}/agents/{any}"), Some(&demo)).await;
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
    c.advance("10s").await;
    {
        let mut w = c.running.cloud.world();
        let now = w.now();
        w.network.set_host_agents_alive("compute-1", false, now);
    }
    let alive =
        |agents: &Value, host: &str| agents["agents"].as_array().unwrap().iter().find(|a| a["host"] == host).unwrap()["alive"].clone();
    assert_eq!(alive(&list(&c, &admin, "agents").await, "compute-1"), true, "still within agent_down_time");
    c.advance("75s").await;
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
async fn an_admin_schedules_a_network_to_a_dhcp_agent_and_takes_it_off() {
    let c = TestCloud::start().await;
    let (admin, demo) = (c.admin().await, c.member().await);
    // Filters compare text as Neutron's database does, without regard to case.
    let dhcp = list(&c, &admin, "agents?agent_type=DHCP%20Agent").await["agents"].as_array().unwrap().clone();
    assert_eq!(dhcp.len(), 3);
    let agent = dhcp[0]["id"].as_str().unwrap().to_string();
    let net = created(&c, &demo, "networks", json!({"network": {"name": "sched"}})).await["id"].as_str().unwrap().to_string();
    let hosted = |v: &Value| ids(v, "networks").contains(&net);
    assert!(!hosted(&list(&c, &admin, &format!("agents/{agent}/dhcp-networks")).await));
    let r = post(&c, &demo, &format!("agents/{agent}/dhcp-networks"), json!({"network_id": net})).await;
    assert_neutron_error(&r, 403, "PolicyNotAuthorized");
    let r = post(&c, &admin, &format!("agents/{agent}/dhcp-networks"), json!({"network_id": net})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(hosted(&list(&c, &admin, &format!("agents/{agent}/dhcp-networks")).await));
    let r = post(&c, &admin, &format!("agents/{agent}/dhcp-networks"), json!({"network_id": net})).await;
    assert_neutron_error(&r, 409, "NetworkHostedByDHCPAgent");
    let r = delete(&c, &admin, &format!("agents/{agent}/dhcp-networks/{net}")).await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert!(!hosted(&list(&c, &admin, &format!("agents/{agent}/dhcp-networks")).await));
    let r = delete(&c, &admin, &format!("agents/{agent}/dhcp-networks/{net}")).await;
    assert_neutron_error(&r, 409, "NetworkNotHostedByDhcpAgent");
}
