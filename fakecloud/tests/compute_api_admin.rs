//! Nova's non-server families over HTTP: flavor management, extra specs and access; quotas, quota
//! classes and limits; aggregates; os-hosts and the hypervisor sub-routes; usage reports, the
//! network proxies, extensions, external events; keypair and server group shapes per microversion.

mod common;

use common::TestCloud;
use reqwest::Method;
use serde_json::{json, Value};

async fn nova(c: &TestCloud, method: Method, path: &str, token: &str, version: &str, body: Option<Value>) -> common::Reply {
    let mut req = c
        .http
        .request(method, c.url(&format!("/compute/v2.1{path}")))
        .header("X-Auth-Token", token)
        .header("OpenStack-API-Version", format!("compute {version}"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    common::reply(req.send().await.unwrap()).await
}

fn project_id(c: &TestCloud, name: &str) -> String {
    c.running.cloud.world().identity.project_named(name).unwrap().id.clone()
}

#[tokio::test]
async fn admins_create_flavors_with_extra_specs_and_private_access() {
    let c = TestCloud::start().await;
    let (admin, demo) = (c.admin().await, c.member().await);
    let body = json!({"flavor": {"name": "f-int", "ram": "512", "vcpus": 1, "disk": 0, "id": 4242, "rxtx_factor": 2.5}});
    assert_eq!(nova(&c, Method::POST, "/flavors", &demo, "2.1", Some(body.clone())).await.status, 403, "flavor create is admin only");
    let made = nova(&c, Method::POST, "/flavors", &admin, "2.1", Some(body.clone())).await;
    assert_eq!(made.status, 200, "{}", made.text);
    assert_eq!(made.body["flavor"]["id"], "4242", "a numeric id becomes its string");
    assert_eq!(made.body["flavor"]["ram"], 512, "a numeric string is read as a number");
    assert_eq!(made.body["flavor"]["rxtx_factor"], 2.5);
    assert_eq!(nova(&c, Method::POST, "/flavors", &admin, "2.1", Some(body)).await.status, 409, "names are unique");
    let zero = json!({"flavor": {"name": "f-zero", "ram": 0, "vcpus": 1, "disk": 0}});
    assert_eq!(nova(&c, Method::POST, "/flavors", &admin, "2.1", Some(zero)).await.status, 400, "ram must be positive");
    let uuid =
        nova(&c, Method::POST, "/flavors", &admin, "2.1", Some(json!({"flavor": {"name": "f-auto", "ram": 64, "vcpus": 1, "disk": 0}})))
            .await;
    assert_eq!(uuid.body["flavor"]["id"].as_str().unwrap().len(), 36, "no id asks for a uuid");

    // Extra specs: set, show one, update with a mismatched key, unset.
    let specs = json!({"extra_specs": {"hw:numa_nodes": "1", "hw:cpu_policy": "shared"}});
    assert_eq!(nova(&c, Method::POST, "/flavors/4242/os-extra_specs", &admin, "2.86", Some(specs)).await.status, 200);
    let one = nova(&c, Method::GET, "/flavors/4242/os-extra_specs/hw:numa_nodes", &demo, "2.86", None).await;
    assert_eq!(one.body, json!({"hw:numa_nodes": "1"}));
    let bad = json!({"extra_specs": {"hw:cpu_policy": "sometimes"}});
    assert_eq!(
        nova(&c, Method::POST, "/flavors/4242/os-extra_specs", &admin, "2.86", Some(bad)).await.status,
        400,
        "2.86 validates known keys"
    );
    let mismatch =
        nova(&c, Method::PUT, "/flavors/4242/os-extra_specs/hw:numa_nodes", &admin, "2.86", Some(json!({"hw:cpu_policy": "shared"}))).await;
    assert_eq!(mismatch.status, 400, "the body's key must be the URL's");
    assert_eq!(nova(&c, Method::DELETE, "/flavors/4242/os-extra_specs/hw:numa_nodes", &admin, "2.86", None).await.status, 200);
    assert_eq!(nova(&c, Method::DELETE, "/flavors/4242/os-extra_specs/hw:numa_nodes", &admin, "2.86", None).await.status, 404);
    let shown = nova(&c, Method::GET, "/flavors/4242", &demo, "2.61", None).await;
    assert_eq!(shown.body["flavor"]["extra_specs"], json!({"hw:cpu_policy": "shared"}), "2.61 shows extra specs");

    // A private flavor is visible to the projects given access, and only while they have it.
    let private =
        json!({"flavor": {"name": "f-private", "ram": 64, "vcpus": 1, "disk": 0, "id": "priv", "os-flavor-access:is_public": false}});
    assert_eq!(nova(&c, Method::POST, "/flavors", &admin, "2.1", Some(private)).await.status, 200);
    assert_eq!(nova(&c, Method::GET, "/flavors/priv", &demo, "2.1", None).await.status, 404);
    let demo_p = project_id(&c, "demo");
    let add = nova(&c, Method::POST, "/flavors/priv/action", &admin, "2.1", Some(json!({"addTenantAccess": {"tenant": demo_p}}))).await;
    assert_eq!(add.body["flavor_access"][0]["tenant_id"], demo_p.as_str());
    assert_eq!(
        nova(&c, Method::POST, "/flavors/priv/action", &admin, "2.1", Some(json!({"addTenantAccess": {"tenant": demo_p}}))).await.status,
        409
    );
    assert_eq!(nova(&c, Method::GET, "/flavors/priv", &demo, "2.1", None).await.status, 200);
    let listed = nova(&c, Method::GET, "/flavors", &demo, "2.1", None).await;
    assert!(listed.body["flavors"].as_array().unwrap().iter().any(|f| f["id"] == "priv"), "shared private flavors are listed");
    let public = json!({"addTenantAccess": {"tenant": demo_p}});
    assert_eq!(
        nova(&c, Method::POST, "/flavors/4242/action", &admin, "2.1", Some(public)).await.status,
        409,
        "public flavors have no access list"
    );
    let remove = json!({"removeTenantAccess": {"tenant": demo_p}});
    assert_eq!(nova(&c, Method::POST, "/flavors/priv/action", &admin, "2.1", Some(remove.clone())).await.status, 200);
    assert_eq!(nova(&c, Method::POST, "/flavors/priv/action", &admin, "2.1", Some(remove)).await.status, 404);

    // 2.55 describes; delete answers 202 and the flavor is gone.
    let described = nova(&c, Method::PUT, "/flavors/4242", &admin, "2.55", Some(json!({"flavor": {"description": "d"}}))).await;
    assert_eq!(described.body["flavor"]["description"], "d");
    assert_eq!(nova(&c, Method::PUT, "/flavors/4242", &admin, "2.54", Some(json!({"flavor": {"description": "d"}}))).await.status, 405);
    assert_eq!(nova(&c, Method::DELETE, "/flavors/4242", &admin, "2.1", None).await.status, 202);
    assert_eq!(nova(&c, Method::GET, "/flavors/4242", &admin, "2.1", None).await.status, 404);
}

#[tokio::test]
async fn flavor_lists_sort_page_and_link_the_next_page() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let all = nova(&c, Method::GET, "/flavors?sort_key=memory_mb&sort_dir=desc", &demo, "2.1", None).await;
    let rams: Vec<i64> = all.body["flavors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .map(|id| {
            let w = c.running.cloud.world();
            w.compute.flavor(&id).unwrap().ram as i64
        })
        .collect();
    assert!(rams.windows(2).all(|p| p[0] >= p[1]), "sorted by memory, largest first: {rams:?}");
    let page = nova(&c, Method::GET, "/flavors?limit=1", &demo, "2.1", None).await;
    assert_eq!(page.body["flavors"].as_array().unwrap().len(), 1);
    let first = page.body["flavors"][0]["id"].as_str().unwrap().to_string();
    assert!(page.body["flavors_links"][0]["href"].as_str().unwrap().contains(&format!("marker={first}")), "a full page links onward");
    let next = nova(&c, Method::GET, &format!("/flavors?marker={first}"), &demo, "2.1", None).await;
    assert!(next.body["flavors"].as_array().unwrap().iter().all(|f| f["id"] != first.as_str()), "the marker itself is excluded");
    assert_eq!(nova(&c, Method::GET, "/flavors?marker=nope", &demo, "2.1", None).await.status, 400);
    assert_eq!(nova(&c, Method::GET, "/flavors?sort_key=colour", &demo, "2.1", None).await.status, 400);
    assert_eq!(nova(&c, Method::GET, "/flavors?colour=red", &demo, "2.75", None).await.status, 400, "2.75 refuses unknown query keys");
}

#[tokio::test]
async fn quotas_update_show_and_revert_and_limits_report_usage() {
    let c = TestCloud::start().await;
    let (admin, demo) = (c.admin().await, c.member().await);
    let demo_p = project_id(&c, "demo");
    let defaults = nova(&c, Method::GET, &format!("/os-quota-sets/{demo_p}/defaults"), &demo, "2.1", None).await;
    assert_eq!(defaults.body["quota_set"]["instances"], 10);
    assert_eq!(defaults.body["quota_set"]["floating_ips"], 10, "2.1 still shows the network quotas");
    let later = nova(&c, Method::GET, &format!("/os-quota-sets/{demo_p}"), &demo, "2.57", None).await;
    assert!(later.body["quota_set"].get("floating_ips").is_none() && later.body["quota_set"].get("injected_files").is_none());
    let set = json!({"quota_set": {"ram": "51200000", "cores": 70}});
    assert_eq!(nova(&c, Method::PUT, &format!("/os-quota-sets/{demo_p}"), &demo, "2.1", Some(set.clone())).await.status, 403);
    let updated = nova(&c, Method::PUT, &format!("/os-quota-sets/{demo_p}"), &admin, "2.1", Some(set)).await;
    assert_eq!(updated.body["quota_set"]["ram"], 51200000, "{}", updated.text);
    assert!(updated.body["quota_set"].get("id").is_none(), "an update's reply has no id");
    let used = nova(&c, Method::GET, &format!("/os-quota-sets/{demo_p}/detail"), &demo, "2.1", None).await;
    let in_use = used.body["quota_set"]["instances"]["in_use"].as_i64().unwrap();
    assert!(in_use > 0, "the fixture's servers count: {}", used.text);
    let below = json!({"quota_set": {"instances": in_use - 1}});
    assert_eq!(nova(&c, Method::PUT, &format!("/os-quota-sets/{demo_p}"), &admin, "2.1", Some(below)).await.status, 400);
    let forced = json!({"quota_set": {"instances": in_use - 1, "force": true}});
    assert_eq!(nova(&c, Method::PUT, &format!("/os-quota-sets/{demo_p}"), &admin, "2.1", Some(forced)).await.status, 200);
    let limits = nova(&c, Method::GET, "/limits", &demo, "2.1", None).await;
    assert_eq!(limits.body["limits"]["absolute"]["maxTotalRAMSize"], 51200000);
    assert_eq!(limits.body["limits"]["absolute"]["totalInstancesUsed"], in_use);
    assert_eq!(nova(&c, Method::GET, "/limits?tenant_id=other", &demo, "2.1", None).await.status, 403);
    assert_eq!(nova(&c, Method::DELETE, &format!("/os-quota-sets/{demo_p}"), &admin, "2.1", None).await.status, 202);
    let reverted = nova(&c, Method::GET, &format!("/os-quota-sets/{demo_p}"), &demo, "2.1", None).await;
    assert_eq!(reverted.body["quota_set"]["ram"], 51200);
    assert_eq!(
        nova(&c, Method::PUT, "/os-quota-sets/no-such-project", &admin, "2.1", Some(json!({"quota_set": {"ram": 1}}))).await.status,
        400
    );

    // The default class changes every project's defaults.
    let class =
        nova(&c, Method::PUT, "/os-quota-class-sets/default", &admin, "2.1", Some(json!({"quota_class_set": {"key_pairs": 7}}))).await;
    assert_eq!(class.body["quota_class_set"]["key_pairs"], 7);
    let defaults = nova(&c, Method::GET, &format!("/os-quota-sets/{demo_p}/defaults"), &demo, "2.1", None).await;
    assert_eq!(defaults.body["quota_set"]["key_pairs"], 7);
    assert_eq!(nova(&c, Method::GET, "/os-quota-class-sets/default", &demo, "2.1", None).await.status, 403);
}

#[tokio::test]
async fn aggregates_hold_hosts_metadata_and_a_zone() {
    let c = TestCloud::start().await;
    let (admin, demo) = (c.admin().await, c.member().await);
    let host = c.running.cloud.world().compute.hosts[0].name.clone();
    assert_eq!(nova(&c, Method::POST, "/os-aggregates", &demo, "2.1", Some(json!({"aggregate": {"name": "a"}}))).await.status, 403);
    let made =
        nova(&c, Method::POST, "/os-aggregates", &admin, "2.41", Some(json!({"aggregate": {"name": "a", "availability_zone": "z1"}})))
            .await;
    assert_eq!(made.status, 200, "{}", made.text);
    assert_eq!(made.body["aggregate"]["availability_zone"], "z1");
    assert!(made.body["aggregate"]["uuid"].is_string(), "2.41 shows the uuid");
    let id = made.body["aggregate"]["id"].as_i64().unwrap();
    assert_eq!(nova(&c, Method::POST, "/os-aggregates", &admin, "2.1", Some(json!({"aggregate": {"name": "a"}}))).await.status, 409);
    assert_eq!(nova(&c, Method::POST, "/os-aggregates", &admin, "2.1", Some(json!({"aggregate": {"name": ""}}))).await.status, 400);
    let act = |body: Value| async { nova(&c, Method::POST, &format!("/os-aggregates/{id}/action"), &admin, "2.1", Some(body)).await };
    assert_eq!(act(json!({"add_host": {"host": "no-such-host"}})).await.status, 404);
    let added = act(json!({"add_host": {"host": host}})).await;
    assert_eq!(added.body["aggregate"]["hosts"], json!([host]));
    assert_eq!(act(json!({"add_host": {"host": host}})).await.status, 409);
    let meta = act(json!({"set_metadata": {"metadata": {"ssd": "true", "availability_zone": "z2"}}})).await;
    assert_eq!(meta.body["aggregate"]["availability_zone"], "z2");
    let unset = act(json!({"set_metadata": {"metadata": {"ssd": null}}})).await;
    assert!(unset.body["aggregate"]["metadata"].get("ssd").is_none(), "a null value removes the key");
    assert_eq!(
        nova(&c, Method::DELETE, &format!("/os-aggregates/{id}"), &admin, "2.1", None).await.status,
        400,
        "a non-empty aggregate stays"
    );
    assert_eq!(act(json!({"remove_host": {"host": host}})).await.status, 200);
    assert_eq!(act(json!({"remove_host": {"host": host}})).await.status, 404);
    let renamed = nova(&c, Method::PUT, &format!("/os-aggregates/{id}"), &admin, "2.1", Some(json!({"aggregate": {"name": "b"}}))).await;
    assert_eq!(renamed.body["aggregate"]["name"], "b");
    assert_eq!(nova(&c, Method::DELETE, &format!("/os-aggregates/{id}"), &admin, "2.1", None).await.status, 200);
    assert_eq!(nova(&c, Method::GET, &format!("/os-aggregates/{id}"), &admin, "2.1", None).await.status, 404);
    assert_eq!(nova(&c, Method::GET, "/os-aggregates/-1", &admin, "2.1", None).await.status, 404);
}

#[tokio::test]
async fn os_hosts_and_hypervisor_sub_routes_follow_their_microversions() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let host = c.running.cloud.world().compute.hosts[0].name.clone();
    let hosts = nova(&c, Method::GET, "/os-hosts", &admin, "2.1", None).await;
    assert!(hosts.body["hosts"].as_array().unwrap().iter().any(|h| h["host_name"] == host.as_str() && h["service"] == "compute"));
    assert_eq!(nova(&c, Method::GET, "/os-hosts", &admin, "2.43", None).await.status, 404, "os-hosts is gone from 2.43");
    let shown = nova(&c, Method::GET, &format!("/os-hosts/{host}"), &admin, "2.1", None).await;
    assert_eq!(shown.body["host"][0]["resource"]["project"], "(total)");
    assert_eq!(nova(&c, Method::GET, "/os-hosts/nowhere", &admin, "2.1", None).await.status, 404);
    let off = nova(&c, Method::PUT, &format!("/os-hosts/{host}"), &admin, "2.1", Some(json!({"status": "disable"}))).await;
    assert_eq!(off.body["status"], "disabled");
    assert!(c.running.cloud.world().compute.compute_service(&host).unwrap().disabled, "the nova-compute service is disabled");
    assert_eq!(nova(&c, Method::PUT, &format!("/os-hosts/{host}"), &admin, "2.1", Some(json!({"status": "sleep"}))).await.status, 400);
    assert_eq!(nova(&c, Method::GET, &format!("/os-hosts/{host}/reboot"), &admin, "2.1", None).await.status, 501);

    let old = nova(&c, Method::GET, "/os-hypervisors/detail", &admin, "2.27", None).await;
    assert!(old.body["hypervisors"][0]["cpu_info"].is_string(), "cpu_info is a string before 2.28");
    let new = nova(&c, Method::GET, "/os-hypervisors/detail", &admin, "2.28", None).await;
    assert!(new.body["hypervisors"][0]["cpu_info"].is_object(), "and an object from 2.28");
    let stats = nova(&c, Method::GET, "/os-hypervisors/statistics", &admin, "2.1", None).await;
    assert_eq!(stats.body["hypervisor_statistics"]["count"], c.running.cloud.world().compute.hosts.len());
    assert_eq!(nova(&c, Method::GET, "/os-hypervisors/statistics", &admin, "2.88", None).await.status, 404);
    let found = nova(&c, Method::GET, &format!("/os-hypervisors/{host}/search"), &admin, "2.1", None).await;
    assert_eq!(found.body["hypervisors"][0]["hypervisor_hostname"], host.as_str());
    assert_eq!(nova(&c, Method::GET, "/os-hypervisors/zzz/search", &admin, "2.1", None).await.status, 404);
    assert_eq!(nova(&c, Method::GET, &format!("/os-hypervisors/{host}/servers"), &admin, "2.53", None).await.status, 404);
    let id = c.running.cloud.world().compute.hosts[0].hypervisor_id;
    let up = nova(&c, Method::GET, &format!("/os-hypervisors/{id}/uptime"), &admin, "2.1", None).await;
    assert!(up.body["hypervisor"]["uptime"].as_str().unwrap().contains(" up "));
}

#[tokio::test]
async fn usage_reports_proxies_extensions_and_external_events() {
    let c = TestCloud::start().await;
    let (admin, demo) = (c.admin().await, c.member().await);
    let demo_p = project_id(&c, "demo");
    let usage = nova(&c, Method::GET, &format!("/os-simple-tenant-usage/{demo_p}?start=2000-01-01T00:00:00"), &demo, "2.1", None).await;
    assert_eq!(usage.body["tenant_usage"]["tenant_id"], demo_p.as_str());
    assert!(!usage.body["tenant_usage"]["server_usages"].as_array().unwrap().is_empty());
    let reversed = format!("/os-simple-tenant-usage/{demo_p}?start=2030-01-01T00:00:00&end=2020-01-01T00:00:00");
    assert_eq!(nova(&c, Method::GET, &reversed, &demo, "2.1", None).await.status, 400);
    assert_eq!(nova(&c, Method::GET, "/os-simple-tenant-usage", &demo, "2.1", None).await.status, 403);
    let audit = nova(&c, Method::GET, "/os-instance_usage_audit_log", &admin, "2.1", None).await;
    assert_eq!(audit.body["instance_usage_audit_logs"]["num_hosts"], c.running.cloud.world().compute.hosts.len());
    assert_eq!(nova(&c, Method::GET, "/os-instance_usage_audit_log/invalid_time", &admin, "2.1", None).await.status, 400);
    let ext = nova(&c, Method::GET, "/extensions", &demo, "2.1", None).await;
    assert!(ext.body["extensions"].as_array().unwrap().iter().any(|e| e["name"] == "Hosts"));
    assert_eq!(nova(&c, Method::GET, "/extensions/os-consoles", &demo, "2.1", None).await.body["extension"]["alias"], "os-consoles");
    let nets = nova(&c, Method::GET, "/os-tenant-networks", &demo, "2.1", None).await;
    assert!(nets.body["networks"].as_array().unwrap().iter().any(|n| n["label"] == "private"), "{}", nets.text);
    assert_eq!(nova(&c, Method::GET, "/os-networks", &demo, "2.36", None).await.status, 404, "the proxies are gone from 2.36");
    let server = c.running.cloud.world().compute.server_id_named("web-0").unwrap();
    let ev = json!({"events": [{"name": "network-changed", "server_uuid": server}]});
    let sent = nova(&c, Method::POST, "/os-server-external-events", &admin, "2.1", Some(ev)).await;
    assert_eq!(sent.body["events"][0]["code"], 200);
    assert_eq!(sent.body["events"][0]["status"], "completed");
    let none = json!({"events": [{"name": "network-changed", "server_uuid": "9a1f3e0c-51b6-4c3e-9d55-3f3c2b7a0b01"}]});
    assert_eq!(nova(&c, Method::POST, "/os-server-external-events", &admin, "2.1", Some(none)).await.status, 404);
}

#[tokio::test]
async fn keypair_create_names_its_owner_and_server_groups_lose_metadata_at_2_64() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let key = json!({"keypair": {"name": "k", "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyMaterial k@example"}});
    let made = nova(&c, Method::POST, "/os-keypairs", &demo, "2.2", Some(key)).await;
    assert_eq!(made.status, 201);
    assert!(made.body["keypair"]["user_id"].is_string(), "the create reply names the owner");
    let junk = json!({"keypair": {"name": "j", "public_key": "ssh-rsa JUNK nova@ubuntu"}});
    assert_eq!(nova(&c, Method::POST, "/os-keypairs", &demo, "2.2", Some(junk)).await.status, 400, "a key that does not decode is refused");
    let g = nova(&c, Method::POST, "/os-server-groups", &demo, "2.64", Some(json!({"server_group": {"name": "g", "policy": "affinity"}})))
        .await;
    assert!(g.body["server_group"].get("metadata").is_none());
    let old = nova(&c, Method::GET, "/os-server-groups", &demo, "2.63", None).await;
    assert_eq!(old.body["server_groups"][0]["metadata"], json!({}));
}

#[tokio::test]
async fn security_group_proxies_show_neutron_groups_in_nova_network_shapes() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let blank = json!({"security_group": {"name": " ", "description": "d"}});
    assert_eq!(nova(&c, Method::POST, "/os-security-groups", &demo, "2.1", Some(blank)).await.status, 400, "a blank name is refused");
    let made =
        nova(&c, Method::POST, "/os-security-groups", &demo, "2.1", Some(json!({"security_group": {"name": "web", "description": "d"}})))
            .await;
    assert_eq!(made.status, 200, "{}", made.text);
    let id = made.body["security_group"]["id"].as_str().unwrap().to_string();
    assert!(c.running.cloud.world().network.security_groups.contains_key(&id), "the group lives in Neutron");
    assert_eq!(made.body["security_group"]["rules"], json!([]), "Neutron's default egress rules are not shown");
    let rule = json!({"security_group_rule": {"parent_group_id": id, "ip_protocol": "tcp", "from_port": 22, "to_port": 22}});
    let r = nova(&c, Method::POST, "/os-security-group-rules", &demo, "2.1", Some(rule.clone())).await;
    assert_eq!(r.body["security_group_rule"]["ip_range"], json!({"cidr": "0.0.0.0/0"}), "no remote means anywhere");
    assert_eq!(nova(&c, Method::POST, "/os-security-group-rules", &demo, "2.1", Some(rule)).await.status, 400, "a duplicate rule");
    let reversed = json!({"security_group_rule": {"parent_group_id": id, "ip_protocol": "tcp", "from_port": 80, "to_port": 22}});
    assert_eq!(nova(&c, Method::POST, "/os-security-group-rules", &demo, "2.1", Some(reversed)).await.status, 400);
    let shown = nova(&c, Method::GET, &format!("/os-security-groups/{id}"), &demo, "2.1", None).await;
    assert_eq!(shown.body["security_group"]["rules"][0]["from_port"], 22);
    let rule_id = r.body["security_group_rule"]["id"].as_str().unwrap().to_string();
    assert_eq!(nova(&c, Method::DELETE, &format!("/os-security-group-rules/{rule_id}"), &demo, "2.1", None).await.status, 202);
    let default = nova(&c, Method::GET, "/os-security-groups", &demo, "2.1", None).await;
    let default_id = default.body["security_groups"].as_array().unwrap().iter().find(|g| g["name"] == "default").map(|g| g["id"].clone());
    if let Some(Value::String(d)) = default_id {
        assert_eq!(nova(&c, Method::DELETE, &format!("/os-security-groups/{d}"), &demo, "2.1", None).await.status, 400);
    }
    assert_eq!(nova(&c, Method::DELETE, &format!("/os-security-groups/{id}"), &demo, "2.1", None).await.status, 202);
    assert_eq!(nova(&c, Method::GET, &format!("/os-security-groups/{id}"), &demo, "2.1", None).await.status, 404);
    assert_eq!(nova(&c, Method::GET, "/os-security-groups", &demo, "2.36", None).await.status, 404, "gone from 2.36");
}
