//! Nova over HTTP: version documents and microversions, the server lifecycle through Placement,
//! list filters and pagination, policy and isolation, hypervisors and services, host events.

mod common;

use common::TestCloud;
use fakecloud::fixture::{FlavorSpec, HostSpec};
use fakecloud::Fixture;
use reqwest::Method;
use serde_json::{json, Value};

const V: &str = "compute 2.96";

async fn nova(c: &TestCloud, method: Method, path: &str, token: &str, version: &str, body: Option<Value>) -> common::Reply {
    let mut req = c
        .http
        .request(method, c.url(&format!("/compute/v2.1{path}")))
        .header("X-Auth-Token", token)
        .header("OpenStack-API-Version", version);
    if let Some(b) = body {
        req = req.json(&b);
    }
    common::reply(req.send().await.unwrap()).await
}

async fn advance(c: &TestCloud, by: &str) {
    assert_eq!(c.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({ "by": by }))).await.status, 200);
}

fn id_of(c: &TestCloud, project: &str) -> String {
    c.running.cloud.world().identity.project_named(project).unwrap().id.clone()
}

fn image_id(c: &TestCloud) -> String {
    c.running.cloud.world().image.images.iter().find(|i| i.name.starts_with("cirros")).unwrap().id.clone()
}

fn network_id(c: &TestCloud, name: &str, project: &str) -> String {
    let project_id = id_of(c, project);
    c.running.cloud.world().network.usable_network(name, &project_id, true).unwrap()
}

async fn create(c: &TestCloud, token: &str, name: &str, flavor: &str, net: Option<&str>) -> common::Reply {
    let networks = match net {
        Some(n) => json!([{ "uuid": n }]),
        None => json!("none"),
    };
    let body = json!({"server": {"name": name, "imageRef": image_id(c), "flavorRef": flavor, "networks": networks}});
    nova(c, Method::POST, "/servers", token, V, Some(body)).await
}

#[tokio::test]
async fn version_documents_need_no_token_and_advertise_2_96() {
    let c = TestCloud::start().await;
    let r = c.get("/compute/v2.1", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["version"]["version"], "2.96");
    assert_eq!(r.body["version"]["min_version"], "2.1");
    let root = c.get("/compute", None).await;
    assert_eq!(root.body["versions"][1]["id"], "v2.1");
}

#[tokio::test]
async fn microversions_are_negotiated_with_both_headers() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let r = nova(&c, Method::GET, "/servers", &admin, "compute 2.87", None).await;
    assert_eq!(r.headers["openstack-api-version"], "compute 2.87");
    assert_eq!(r.headers["x-openstack-nova-api-version"], "2.87");
    assert!(r.headers["vary"].to_str().unwrap().contains("OpenStack-API-Version"));
    let legacy = c
        .http
        .get(c.url("/compute/v2.1/servers"))
        .header("X-Auth-Token", &admin)
        .header("X-OpenStack-Nova-API-Version", "2.60")
        .send()
        .await
        .unwrap();
    assert_eq!(legacy.headers()["openstack-api-version"], "compute 2.60");
    let too_new = nova(&c, Method::GET, "/servers", &admin, "compute 2.200", None).await;
    assert_eq!(too_new.status, 406);
    assert_eq!(too_new.body["computeFault"]["code"], 406, "{}", too_new.text);
    assert_eq!(nova(&c, Method::GET, "/servers", &admin, "compute two", None).await.status, 400);
}

#[tokio::test]
async fn a_server_builds_through_placement_and_delete_frees_the_allocation() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let net = network_id(&c, "private", "demo");
    let r = create(&c, &demo, "app-1", "2", Some(&net)).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let id = r.body["server"]["id"].as_str().unwrap().to_string();
    assert!(r.headers["location"].to_str().unwrap().ends_with(&id));
    let show = nova(&c, Method::GET, &format!("/servers/{id}"), &demo, V, None).await;
    assert_eq!(show.body["server"]["status"], "BUILD");
    assert_eq!(show.body["server"]["OS-EXT-STS:task_state"], "scheduling");
    advance(&c, "20s").await;
    let show = nova(&c, Method::GET, &format!("/servers/{id}"), &demo, V, None).await;
    assert_eq!(show.body["server"]["status"], "ACTIVE");
    assert_eq!(show.body["server"]["OS-EXT-STS:power_state"], 1);
    assert_eq!(show.body["server"]["flavor"]["original_name"], "m1.small");
    assert!(show.body["server"].get("OS-EXT-SRV-ATTR:host").is_none(), "host is admin-only");
    assert!(show.body["server"]["addresses"]["private"][0]["addr"].as_str().unwrap().starts_with("10.0.0."), "{}", show.text);
    assert!(c.running.cloud.world().placement.allocations.contains_key(&id));
    assert_eq!(nova(&c, Method::DELETE, &format!("/servers/{id}"), &demo, V, None).await.status, 204);
    assert!(!c.running.cloud.world().placement.allocations.contains_key(&id));
    assert_eq!(nova(&c, Method::GET, &format!("/servers/{id}"), &demo, V, None).await.status, 404);
    let transitions = c.get("/_fakecloud/journal?kind=transition", None).await;
    let path: Vec<&str> =
        transitions.body["entries"].as_array().unwrap().iter().filter(|e| e["id"] == id).map(|e| e["to"].as_str().unwrap()).collect();
    assert_eq!(path, ["BUILD", "ACTIVE", "DELETED"]);
}

/// One host with 8192 MB, 1024 reserved, ratio 1.0: capacity 7168 MB. A 7168 MB server fits
/// exactly; one more MB anywhere is NoValidHost. With a second host, it lands there instead.
fn tight_cloud(hosts: usize) -> Fixture {
    let mut f = Fixture::default_cloud();
    f.servers.clear();
    f.volumes.clear();
    f.loadbalancers.clear();
    f.coe = Default::default();
    f.hosts = (0..hosts)
        .map(|i| HostSpec {
            name: format!("tight-{i}"),
            ip: format!("192.168.30.{}", 10 + i),
            az: "nova".into(),
            vcpus: 8,
            memory_mb: 8192,
            disk_gb: 100,
            cpu_allocation_ratio: 4.0,
            ram_allocation_ratio: 1.0,
            disk_allocation_ratio: 1.0,
            reserved_host_memory_mb: 1024,
            reserved_host_disk_mb: 0,
            reserved_host_cpus: 0,
            resume_guests_state_on_host_boot: false,
        })
        .collect();
    let flavor = |id: &str, ram: u64| FlavorSpec {
        id: Some(id.into()),
        name: format!("ram-{ram}"),
        vcpus: 1,
        ram,
        disk: 1,
        ephemeral: 0,
        swap: 0,
        public: true,
        project: None,
    };
    f.flavors = vec![flavor("ceiling", 7168), flavor("one-mb", 1)];
    f
}

#[tokio::test]
async fn a_host_fills_exactly_to_its_ceiling_then_the_next_server_is_no_valid_host() {
    let c = TestCloud::start_with(tight_cloud(1)).await;
    let demo = c.member().await;
    let admin = c.admin().await;
    let first = create(&c, &demo, "fills-it", "ceiling", None).await;
    advance(&c, "20s").await;
    let first_id = first.body["server"]["id"].as_str().unwrap().to_string();
    assert_eq!(nova(&c, Method::GET, &format!("/servers/{first_id}"), &demo, V, None).await.body["server"]["status"], "ACTIVE");
    let next = create(&c, &demo, "one-too-many", "one-mb", None).await;
    assert_eq!(next.status, 202);
    advance(&c, "5s").await;
    let id = next.body["server"]["id"].as_str().unwrap();
    let s = nova(&c, Method::GET, &format!("/servers/{id}"), &demo, V, None).await.body["server"].clone();
    assert_eq!(s["status"], "ERROR");
    assert_eq!(s["fault"]["code"], 500);
    assert_eq!(s["fault"]["message"], "No valid host was found. ");
    assert!(s["fault"].get("details").is_none(), "a member does not see a 500 fault's details");
    let as_admin = nova(&c, Method::GET, &format!("/servers/{id}"), &admin, V, None).await.body["server"].clone();
    assert!(as_admin["fault"]["details"].as_str().unwrap().contains("NoValidHost"));
    assert!(!c.running.cloud.world().placement.allocations.contains_key(id), "an ERROR server holds no allocation");
}

#[tokio::test]
async fn with_a_second_host_the_extra_megabyte_lands_there() {
    let c = TestCloud::start_with(tight_cloud(2)).await;
    let demo = c.member().await;
    let admin = c.admin().await;
    create(&c, &demo, "fills-one", "ceiling", None).await;
    advance(&c, "20s").await;
    let next = create(&c, &demo, "extra", "one-mb", None).await;
    advance(&c, "20s").await;
    let id = next.body["server"]["id"].as_str().unwrap();
    let s = nova(&c, Method::GET, &format!("/servers/{id}"), &admin, V, None).await.body["server"].clone();
    assert_eq!(s["status"], "ACTIVE");
    let hosts: Vec<String> = c.running.cloud.world().compute.servers.values().filter_map(|s| s.host.clone()).collect();
    assert_eq!(hosts.len(), 2);
    assert_ne!(hosts[0], hosts[1], "the second server went to the other host");
}

#[tokio::test]
async fn stop_start_and_reboot_follow_novas_409_rules() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let id = c.running.cloud.world().compute.server_id_named("web-0").unwrap();
    let path = format!("/servers/{id}/action");
    let act = |body: Value| nova(&c, Method::POST, &path, &demo, V, Some(body));
    let r = act(json!({"os-start": null})).await;
    assert_eq!(r.status, 409);
    assert_eq!(r.body["conflictingRequest"]["message"], format!("Cannot 'start' instance {id} while it is in vm_state active"));
    assert_eq!(act(json!({"os-stop": null})).await.status, 202);
    let r = act(json!({"os-stop": null})).await;
    assert_eq!(r.body["conflictingRequest"]["message"], format!("Cannot 'stop' instance {id} while it is in task_state powering-off"));
    advance(&c, "5s").await;
    assert_eq!(nova(&c, Method::GET, &format!("/servers/{id}"), &demo, V, None).await.body["server"]["status"], "SHUTOFF");
    assert_eq!(act(json!({"os-stop": null})).await.status, 409);
    assert_eq!(act(json!({"os-start": null})).await.status, 202);
    advance(&c, "5s").await;
    assert_eq!(act(json!({"reboot": {"type": "SOFT"}})).await.status, 202);
    assert_eq!(nova(&c, Method::GET, &format!("/servers/{id}"), &demo, V, None).await.body["server"]["status"], "REBOOT");
    assert_eq!(act(json!({"reboot": {"type": "SIDEWAYS"}})).await.status, 400);
    assert_eq!(act(json!({"os-migrate-to-mars": null})).await.status, 400);
}

#[tokio::test]
async fn lists_are_newest_first_and_paginate_with_markers() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let all = nova(&c, Method::GET, "/servers/detail?all_tenants=True", &admin, V, None).await;
    let names: Vec<&str> = all.body["servers"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    // The kube-api LB's amphora was booted last.
    assert!(names[0].starts_with("amphora-"), "{names:?}");
    assert_eq!(names[1..], ["kube-cp-2", "kube-cp-1", "kube-cp-0", "capi-mgmt-vm", "alt-app-0", "db-0", "web-1", "web-0"]);
    let page = nova(&c, Method::GET, "/servers/detail?all_tenants=True&limit=2", &admin, V, None).await;
    assert_eq!(page.body["servers"].as_array().unwrap().len(), 2);
    let next = page.body["servers_links"][0]["href"].as_str().unwrap().to_string();
    assert!(next.contains("marker=") && next.contains("all_tenants=True"), "{next}");
    let path = &next[next.find("/servers").unwrap()..];
    let page2 = nova(&c, Method::GET, path, &admin, V, None).await;
    assert_eq!(page2.body["servers"][0]["name"], "kube-cp-1");
    let bad_marker = nova(&c, Method::GET, "/servers?marker=nope", &admin, V, None).await;
    assert_eq!(bad_marker.status, 400);
    assert_eq!(bad_marker.body["badRequest"]["message"], "marker [nope] not found");
    let by_name = nova(&c, Method::GET, "/servers/detail?all_tenants=1&name=^web", &admin, V, None).await;
    assert_eq!(by_name.body["servers"].as_array().unwrap().len(), 2);
    let by_host = nova(&c, Method::GET, "/servers/detail?all_tenants=1&host=compute-1", &admin, V, None).await;
    // web-1, alt-app-0, kube-cp-1 and the kube-api LB's amphora.
    assert_eq!(by_host.body["servers"].as_array().unwrap().len(), 4);
    let by_project = nova(&c, Method::GET, &format!("/servers?all_tenants=1&project_id={}", id_of(&c, "alt_demo")), &admin, V, None).await;
    assert_eq!(by_project.body["servers"].as_array().unwrap().len(), 1);
    assert_eq!(nova(&c, Method::GET, "/servers?status=FLYING", &admin, V, None).await.status, 400);
    assert_eq!(
        nova(&c, Method::GET, "/servers?bogus=1", &admin, V, None).await.status,
        400,
        "unknown query parameters are refused from 2.75"
    );
    assert_eq!(nova(&c, Method::GET, "/servers?bogus=1", &admin, "compute 2.74", None).await.status, 200);
}

#[tokio::test]
async fn projects_are_isolated_and_all_tenants_is_admin_only() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let alt = c.token("alt_demo", "alt-demo-secret", "alt_demo").await;
    let web0 = c.running.cloud.world().compute.server_id_named("web-0").unwrap();
    let mine = nova(&c, Method::GET, "/servers", &demo, V, None).await;
    let names: Vec<&str> = mine.body["servers"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["db-0", "web-1", "web-0"]);
    let r = nova(&c, Method::GET, "/servers/detail?all_tenants=True", &demo, V, None).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["forbidden"]["message"], "Policy doesn't allow os_compute_api:servers:detail:get_all_tenants to be performed.");
    assert_eq!(
        nova(&c, Method::GET, "/servers?host=compute-0", &demo, V, None).await.body["servers"].as_array().unwrap().len(),
        3,
        "host is an admin filter, ignored for members"
    );
    for (method, path, body) in [
        (Method::GET, format!("/servers/{web0}"), None),
        (Method::DELETE, format!("/servers/{web0}"), None),
        (Method::PUT, format!("/servers/{web0}"), Some(json!({"server": {"name": "stolen"}}))),
        (Method::POST, format!("/servers/{web0}/action"), Some(json!({"os-stop": null}))),
    ] {
        let r = nova(&c, method.clone(), &path, &alt, V, body).await;
        assert_eq!(r.status, 404, "{method} {path} from another project");
        assert_eq!(r.body["itemNotFound"]["message"], format!("Instance {web0} could not be found."));
    }
    assert_eq!(c.running.cloud.world().compute.server(&web0).unwrap().name, "web-0");
    let other_net = network_id(&c, "alt-private", "alt_demo");
    let r = create(&c, &demo, "sneaky", "2", Some(&other_net)).await;
    assert_eq!(r.status, 400, "another project's network: {}", r.text);
}

#[tokio::test]
async fn hypervisors_report_usage_below_2_88_and_uptime_from_2_88() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let r = nova(&c, Method::GET, "/os-hypervisors/detail", &admin, "compute 2.87", None).await;
    let h0 = r.body["hypervisors"].as_array().unwrap().iter().find(|h| h["hypervisor_hostname"] == "compute-0").unwrap().clone();
    // reserved 4096 + web-0 (m1.small 2048) + capi-mgmt-vm (m1.medium 4096) + kube-cp-0 (m1.small 2048)
    assert_eq!(h0["memory_mb_used"], 4096 + 2048 + 4096 + 2048);
    assert_eq!(h0["vcpus_used"], 4);
    assert_eq!(h0["running_vms"], 3);
    assert_eq!(h0["free_ram_mb"], 32768 - 12288);
    assert!(h0["id"].is_string(), "uuids from 2.53");
    let old = nova(&c, Method::GET, "/os-hypervisors", &admin, "compute 2.52", None).await;
    assert!(old.body["hypervisors"][0]["id"].is_u64(), "integer ids before 2.53");
    let new = nova(&c, Method::GET, "/os-hypervisors/detail", &admin, "compute 2.88", None).await;
    let h = &new.body["hypervisors"][0];
    assert!(h.get("memory_mb_used").is_none() && h.get("vcpus").is_none());
    assert!(h["uptime"].as_str().unwrap().contains("up"));
    let member = c.member().await;
    for path in ["/os-hypervisors", "/os-hypervisors/detail", "/os-services"] {
        assert_eq!(nova(&c, Method::GET, path, &member, V, None).await.status, 403, "{path}");
    }
}

async fn status_of(c: &TestCloud, token: &str, name: &str) -> String {
    let id = c.running.cloud.world().compute.server_id_named(name).unwrap();
    nova(c, Method::GET, &format!("/servers/{id}"), token, V, None).await.body["server"]["status"].as_str().unwrap().to_string()
}

async fn add_fault(c: &TestCloud, fault: Value) -> String {
    let r = c.send(Method::POST, "/_fakecloud/faults", None, Some(fault)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["fault"]["id"].as_str().unwrap().to_string()
}

fn service_state(r: &common::Reply, binary: &str, host: &str) -> String {
    r.body["services"].as_array().unwrap().iter().find(|s| s["binary"] == binary && s["host"] == host).unwrap()["state"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_dead_host_goes_down_after_the_service_timeout_and_comes_back() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let fault = add_fault(&c, json!({"kind": "host-down", "host": "compute-1"})).await;
    let r = nova(&c, Method::GET, "/os-services", &admin, "compute 2.69", None).await;
    assert_eq!(service_state(&r, "nova-compute", "compute-1"), "up", "not before the 60 s service_down_time");
    advance(&c, "61s").await;
    let r = nova(&c, Method::GET, "/os-services", &admin, "compute 2.69", None).await;
    assert_eq!(service_state(&r, "nova-compute", "compute-1"), "down");
    assert_eq!(service_state(&r, "nova-compute", "compute-0"), "up");
    let hv = nova(&c, Method::GET, "/os-hypervisors", &admin, V, None).await;
    let state: Vec<(&str, &str)> = hv.body["hypervisors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["hypervisor_hostname"].as_str().unwrap(), h["state"].as_str().unwrap()))
        .collect();
    assert!(state.contains(&("compute-1", "down")), "{state:?}");
    let web1 = c.running.cloud.world().compute.server_id_named("web-1").unwrap();
    let s = nova(&c, Method::GET, &format!("/servers/{web1}"), &admin, V, None).await;
    assert_eq!(s.body["server"]["host_status"], "DOWN");
    // With nova-compute gone nothing syncs power states: Nova still shows what it last recorded.
    assert_eq!((s.body["server"]["status"].as_str(), s.body["server"]["OS-EXT-STS:power_state"].as_u64()), (Some("ACTIVE"), Some(1)));
    assert_eq!(c.send(Method::DELETE, &format!("/_fakecloud/faults/{fault}"), None, None).await.status, 204);
    let r = nova(&c, Method::GET, "/os-services", &admin, "compute 2.69", None).await;
    assert_eq!(service_state(&r, "nova-compute", "compute-1"), "up");
    let s = nova(&c, Method::GET, &format!("/servers/{web1}"), &admin, V, None).await;
    assert_eq!(s.body["server"]["status"], "SHUTOFF", "the host came back without resume_guests_state_on_host_boot");
}

#[tokio::test]
async fn after_a_host_reboot_guests_stay_shutoff_unless_the_host_resumes_them() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    add_fault(&c, json!({"kind": "host-reboot", "host": "compute-0", "boot_secs": 120})).await;
    add_fault(&c, json!({"kind": "host-reboot", "host": "compute-2", "boot_secs": 120})).await;
    assert_eq!(status_of(&c, &admin, "web-0").await, "ACTIVE", "Nova has not noticed yet");
    advance(&c, "121s").await;
    assert_eq!(status_of(&c, &admin, "web-0").await, "SHUTOFF", "compute-0 does not resume guests");
    assert_eq!(status_of(&c, &admin, "capi-mgmt-vm").await, "SHUTOFF");
    assert_eq!(status_of(&c, &admin, "db-0").await, "ACTIVE", "compute-2 has resume_guests_state_on_host_boot");
    assert!(
        c.get("/_fakecloud/faults", None).await.body["faults"].as_array().unwrap().is_empty(),
        "a reboot fault ends when the host is back"
    );
}

#[tokio::test]
async fn host_events_name_real_hosts_and_services() {
    let c = TestCloud::start().await;
    for bad in [
        json!({"kind": "host-down", "host": "compute-99"}),
        json!({"kind": "service-down", "binary": "nova-teleporter", "host": "compute-0"}),
        json!({"kind": "service-down", "binary": "nova-scheduler", "host": "compute-0"}),
        json!({"kind": "service-down", "binary": "cinder-volume", "host": "compute-0"}),
        json!({"kind": "host-reboot"}),
    ] {
        let r = c.send(Method::POST, "/_fakecloud/faults", None, Some(bad.clone())).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
    }
    let admin = c.admin().await;
    add_fault(&c, json!({"kind": "service-down", "binary": "nova-scheduler", "host": "controller-1"})).await;
    advance(&c, "70s").await;
    let r = nova(&c, Method::GET, "/os-services?binary=nova-scheduler", &admin, "compute 2.69", None).await;
    assert_eq!(r.body["services"].as_array().unwrap().len(), 3);
    assert_eq!(service_state(&r, "nova-scheduler", "controller-1"), "down");
}

#[tokio::test]
async fn flavors_keypairs_groups_and_zones() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let admin = c.admin().await;
    let f = nova(&c, Method::GET, "/flavors/detail", &demo, V, None).await;
    let names: Vec<&str> = f.body["flavors"].as_array().unwrap().iter().map(|x| x["name"].as_str().unwrap()).collect();
    assert!(!names.contains(&"amphora"), "a private flavor is hidden from other projects: {names:?}");
    let all = nova(&c, Method::GET, "/flavors/detail?is_public=None", &admin, V, None).await;
    assert!(all.body["flavors"].as_array().unwrap().iter().any(|x| x["name"] == "amphora"));
    assert_eq!(nova(&c, Method::GET, "/flavors/2", &demo, V, None).await.body["flavor"]["ram"], 2048);
    let key = json!({"keypair": {"name": "ci", "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyMaterial ci@example"}});
    assert_eq!(nova(&c, Method::POST, "/os-keypairs", &demo, V, Some(key.clone())).await.status, 201);
    assert_eq!(nova(&c, Method::POST, "/os-keypairs", &demo, V, Some(key)).await.status, 409);
    assert_eq!(nova(&c, Method::GET, "/os-keypairs", &demo, V, None).await.body["keypairs"][0]["keypair"]["name"], "ci");
    let g = nova(&c, Method::POST, "/os-server-groups", &demo, V, Some(json!({"server_group": {"name": "ha", "policy": "anti-affinity"}})))
        .await;
    assert_eq!(g.body["server_group"]["policy"], "anti-affinity");
    let zones = nova(&c, Method::GET, "/os-availability-zone", &demo, V, None).await;
    assert_eq!(zones.body["availabilityZoneInfo"][0]["zoneName"], "nova");
    assert_eq!(nova(&c, Method::GET, "/os-availability-zone/detail", &demo, V, None).await.status, 403);
}

/// Bad input on every Nova route: the compute error format, never a 5xx, state unchanged.
#[tokio::test]
async fn bad_input_on_every_nova_route_is_a_clean_4xx() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let web0 = c.running.cloud.world().compute.server_id_named("web-0").unwrap();
    let before = c.state_without_journal();
    let routes = [
        ("POST", "/servers".to_string()),
        ("PUT", format!("/servers/{web0}")),
        ("POST", format!("/servers/{web0}/action")),
        ("POST", "/os-keypairs".to_string()),
        ("POST", "/os-server-groups".to_string()),
        ("PUT", "/os-services/nope".to_string()),
    ];
    let bodies = [
        "{not json",
        "",
        "null",
        "[]",
        "{}",
        r#"{"server": 5}"#,
        r#"{"server": {"name": 7}}"#,
        r#"{"server": {"name": "", "flavorRef": "2", "imageRef": "x", "networks": "none"}}"#,
        r#"{"server": {"name": "x", "flavorRef": "999", "imageRef": "x", "networks": "none"}}"#,
        r#"{"server": {"name": "x", "flavorRef": [], "networks": "none"}}"#,
        r#"{"server": {"name": "x", "flavorRef": "2", "networks": "none", "colour": "red"}}"#,
        r#"{"server": {"name": "x", "flavorRef": "2", "networks": [{"uuid": "nope"}]}}"#,
        r#"{"server": {"name": "x", "flavorRef": "2", "networks": "none", "min_count": 5}}"#,
        r#"{"server": {"name": "☃☃☃", "flavorRef": 1e400}}"#,
        r#"{"reboot": {"type": 7}}"#,
        r#"{"os-stop": null, "os-start": null}"#,
        r#"{"keypair": {"name": "../etc", "public_key": "x"}}"#,
        r#"{"keypair": {"name": "k", "public_key": "not a key"}}"#,
        r#"{"server_group": {"name": "g", "policy": "chaos"}}"#,
        r#"{"status": "sideways"}"#,
    ];
    for (method, path) in &routes {
        for body in bodies {
            let r = c
                .raw(
                    Method::from_bytes(method.as_bytes()).unwrap(),
                    &format!("/compute/v2.1{path}"),
                    Some(&admin),
                    body.as_bytes().to_vec(),
                )
                .await;
            assert!((400..500).contains(&r.status), "{method} {path} {body}: {} {}", r.status, r.text);
            let key = r.body.as_object().and_then(|o| o.keys().next().cloned()).unwrap_or_default();
            assert!(r.body[&key]["code"] == r.status, "{method} {path} {body}: not Nova's format: {}", r.text);
        }
        let huge = vec![b' '; (1 << 20) + 1];
        let r = c.raw(Method::from_bytes(method.as_bytes()).unwrap(), &format!("/compute/v2.1{path}"), Some(&admin), huge).await;
        assert_eq!(r.status, 413, "{method} {path}");
    }
    for path in [
        "/servers",
        "/servers/detail",
        "/flavors",
        "/os-hypervisors",
        "/os-services",
        "/os-keypairs",
        "/os-server-groups",
        "/os-availability-zone",
    ] {
        let r = c.raw(Method::PATCH, &format!("/compute/v2.1{path}"), Some(&admin), b"{}".to_vec()).await;
        assert_eq!(r.status, 405, "PATCH {path}");
        assert_eq!(r.body["badMethod"]["code"], 405);
    }
    for q in ["?limit=-1", "?limit=abc", "?marker=%FF", "?name=(", "?all_tenants=True&limit=99999999999999999999"] {
        let r = c.get(&format!("/compute/v2.1/servers{q}"), Some(&admin)).await;
        assert!(r.status < 500, "{q}: {}", r.text);
    }
    assert_eq!(c.state_without_journal(), before);
}

/// `servers/detail` serves cached renderings (compute::view_cache); a change to a server, and a
/// host status that moves with time alone, must both show on the next page.
#[tokio::test]
async fn listed_views_follow_changes_and_heartbeats() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let page = |r: common::Reply, name: &str| r.body["servers"].as_array().unwrap().iter().find(|s| s["name"] == name).cloned().unwrap();
    let list = || nova(&c, Method::GET, "/servers/detail?all_tenants=1", &admin, V, None);
    let web0 = page(list().await, "web-0");
    assert_eq!((web0["status"].as_str(), web0["host_status"].as_str()), (Some("ACTIVE"), Some("UP")));

    let id = web0["id"].as_str().unwrap();
    assert_eq!(nova(&c, Method::POST, &format!("/servers/{id}/action"), &admin, V, Some(json!({"os-stop": null}))).await.status, 202);
    advance(&c, "30s").await;
    assert_eq!(page(list().await, "web-0")["status"], "SHUTOFF", "a stopped server is not served from an old rendering");

    // compute-0's service stops reporting; only time passes after that (no request changes anything).
    add_fault(&c, json!({"kind": "host-down", "host": "compute-0"})).await;
    assert_eq!(page(list().await, "web-0")["host_status"], "UP", "still within service_down_time");
    c.running.cloud.world().sim.clock.advance(chrono::Duration::seconds(120));
    assert_eq!(page(list().await, "web-0")["host_status"], "DOWN", "a stale heartbeat shows without any write");
}

#[tokio::test]
async fn flavor_access_lists_a_private_flavors_projects_for_admins_only() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let all = nova(&c, Method::GET, "/flavors/detail?is_public=None", &admin, V, None).await;
    let id_of_flavor = |name: &str| {
        all.body["flavors"].as_array().unwrap().iter().find(|f| f["name"] == name).unwrap()["id"].as_str().unwrap().to_string()
    };
    let amphora = id_of_flavor("amphora");
    let r = nova(&c, Method::GET, &format!("/flavors/{amphora}/os-flavor-access"), &admin, V, None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["flavor_access"], json!([{"flavor_id": amphora, "tenant_id": id_of(&c, "service")}]));
    let tiny = id_of_flavor("m1.tiny");
    let public = nova(&c, Method::GET, &format!("/flavors/{tiny}/os-flavor-access"), &admin, V, None).await;
    assert_eq!(public.status, 404);
    assert_eq!(public.body["itemNotFound"]["message"], "Access list not available for public flavors.");
    assert_eq!(nova(&c, Method::GET, &format!("/flavors/{tiny}/os-flavor-access"), &demo, V, None).await.status, 403);
}

/// Builds one m1.small server as the admin and returns (id, host) once the build has settled.
async fn build_and_locate(c: &TestCloud, admin: &str, name: &str) -> (String, Value) {
    let net = network_id(c, "private", "demo");
    let r = create(c, admin, name, "2", Some(&net)).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let id = r.body["server"]["id"].as_str().unwrap().to_string();
    advance(c, "20s").await;
    let show = nova(c, Method::GET, &format!("/servers/{id}"), admin, V, None).await;
    (id, show.body["server"].clone())
}

/// Where the scheduler puts an m1.small on this cloud, found by building one and deleting it.
async fn first_pick(c: &TestCloud, admin: &str) -> String {
    let (probe, shown) = build_and_locate(c, admin, "probe").await;
    assert_eq!(nova(c, Method::DELETE, &format!("/servers/{probe}"), admin, V, None).await.status, 204);
    shown["OS-EXT-SRV-ATTR:host"].as_str().unwrap().to_string()
}

fn port_bindings(c: &TestCloud, server: &str) -> Vec<(String, String)> {
    let w = c.running.cloud.world();
    w.network.ports.values().filter(|p| p.device_id == server).map(|p| (p.host_id.clone(), p.vif_type.clone())).collect()
}

#[tokio::test]
async fn a_build_whose_port_cannot_bind_is_rescheduled_to_another_host() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let first_pick = first_pick(&c, &admin).await;

    add_fault(&c, json!({"kind": "agents-down", "host": first_pick})).await;
    advance(&c, "76s").await; // past agent_down_time
    let (id, shown) = build_and_locate(&c, &admin, "app").await;
    let host = shown["OS-EXT-SRV-ATTR:host"].as_str().unwrap().to_string();
    assert_eq!(shown["status"], "ACTIVE", "{shown}");
    assert_ne!(host, first_pick, "the build left the host whose OVS agent is dead");
    assert_eq!(port_bindings(&c, &id), vec![(host.clone(), "ovs".to_string())]);
    let w = c.running.cloud.world();
    let allocation_hosts: Vec<String> = w.placement.allocations[&id]
        .resources
        .keys()
        .map(|rp| w.compute.hosts.iter().find(|h| &h.uuid == rp).unwrap().name.clone())
        .collect();
    assert_eq!(allocation_hosts, vec![host], "the failed host's claim was dropped");
    drop(w);
    let transitions = c.get("/_fakecloud/journal?kind=transition", None).await;
    let failed: Vec<&Value> = transitions.body["entries"].as_array().unwrap().iter().filter(|e| e["to"] == "binding_failed").collect();
    assert_eq!(failed.len(), 1, "one attempt failed on the dead agent's host: {failed:?}");
}

#[tokio::test]
async fn an_agent_that_stopped_reporting_still_binds_until_agent_down_time() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let first_pick = first_pick(&c, &admin).await;
    add_fault(&c, json!({"kind": "agents-down", "host": first_pick})).await;
    advance(&c, "30s").await;
    // The build binds 1 s after the request, with the last report at most 31 s old.
    let (id, shown) = build_and_locate(&c, &admin, "app").await;
    assert_eq!((shown["status"].as_str(), shown["OS-EXT-SRV-ATTR:host"].as_str()), (Some("ACTIVE"), Some(first_pick.as_str())));
    assert_eq!(port_bindings(&c, &id), vec![(first_pick, "ovs".to_string())]);
}

#[tokio::test]
async fn a_build_that_fails_to_bind_on_every_host_ends_in_max_retries_exceeded() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    for host in ["compute-0", "compute-1", "compute-2"] {
        add_fault(&c, json!({"kind": "agents-down", "host": host})).await;
    }
    advance(&c, "76s").await;
    let (id, shown) = build_and_locate(&c, &admin, "app").await;
    assert_eq!(shown["status"], "ERROR", "{shown}");
    assert_eq!(shown["fault"]["code"], 500);
    assert_eq!(
        shown["fault"]["message"],
        format!("Exceeded maximum number of retries. Exhausted all hosts available for retrying build failures for instance {id}.")
    );
    assert!(shown["fault"]["details"].as_str().unwrap().contains("MaxRetriesExceeded"), "{shown}");
    assert_eq!(port_bindings(&c, &id), vec![(String::new(), "unbound".to_string())], "the ports are left unbound");
    assert!(!c.running.cloud.world().placement.allocations.contains_key(&id), "no claim is left behind");
    let transitions = c.get("/_fakecloud/journal?kind=transition", None).await;
    let failed = transitions.body["entries"].as_array().unwrap().iter().filter(|e| e["to"] == "binding_failed").count();
    assert_eq!(failed, 3, "max_attempts = 3 hosts tried");
}
