//! Routers, security groups and their rules, quotas, and metering labels and rules.

use crate::common::TestCloud;
use crate::helpers::*;
use serde_json::{json, Value};

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

#[tokio::test]
async fn metering_labels_and_rules_are_an_admins_and_rules_may_not_overlap() {
    let c = TestCloud::start().await;
    let (admin, demo) = (c.admin().await, c.member().await);
    let r = post(&c, &demo, "metering/metering-labels", json!({"metering_label": {"name": "m"}})).await;
    assert_neutron_error(&r, 403, "PolicyNotAuthorized");
    let label = created(&c, &admin, "metering/metering-labels", json!({"metering_label": {"name": "m", "description": "d"}})).await;
    assert_eq!((label["name"].as_str(), label["shared"].as_bool()), (Some("m"), Some(false)));
    let id = label["id"].as_str().unwrap().to_string();
    let rule = json!({"metering_label_rule": {"metering_label_id": id, "direction": "ingress", "remote_ip_prefix": "10.0.0.0/24"}});
    let made = created(&c, &admin, "metering/metering-label-rules", rule.clone()).await;
    assert_eq!(made["excluded"], false);
    assert_eq!(made["remote_ip_prefix"], "10.0.0.0/24");
    let before = c.state_without_journal();
    let overlapping =
        json!({"metering_label_rule": {"metering_label_id": id, "direction": "ingress", "remote_ip_prefix": "10.0.0.128/25"}});
    assert_neutron_error(&post(&c, &admin, "metering/metering-label-rules", overlapping).await, 409, "MeteringLabelRuleOverlaps");
    assert_same_state(&before, &c.state_without_journal());
    // A filter on an id that is no UUID matches nothing; deleting the label takes its rules.
    assert_eq!(list(&c, &admin, "metering/metering-labels?id=33").await["metering_labels"], json!([]));
    assert_eq!(delete(&c, &admin, &format!("metering/metering-labels/{id}")).await.status, 204);
    assert_eq!(list(&c, &admin, "metering/metering-label-rules").await["metering_label_rules"], json!([]));
}
