//! Magnum over HTTP and the CAPI management plane behind its health: shapes and microversion
//! headers, admin cross-project listing, the three UNHEALTHY signatures from their causes, the
//! documented cold-start timings, LB repair and CAPO's resync, the cluster lifecycle with its
//! machines as Nova servers, and bad input.

mod common;

use common::{Reply, TestCloud};
use fakecloud::Fixture;
use reqwest::Method;
use serde_json::{json, Value};

const COE: &str = "/container-infra/v1";
const KUBE_LB: &str = "k8s-clusterapi-cluster-default-kube-kubeapi";

async fn coe(c: &TestCloud, method: Method, path: &str, token: &str, body: Option<Value>) -> Reply {
    let mut req = c
        .http
        .request(method, c.url(&format!("{COE}{path}")))
        .header("X-Auth-Token", token)
        .header("OpenStack-API-Version", "container-infra latest");
    if let Some(b) = body {
        req = req.json(&b);
    }
    common::reply(req.send().await.unwrap()).await
}

async fn show(c: &TestCloud, token: &str, name: &str) -> Value {
    let r = coe(c, Method::GET, &format!("/clusters/{name}"), token, None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

async fn advance(c: &TestCloud, secs: i64) {
    let r = c.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({ "by": format!("{secs}s") }))).await;
    assert_eq!(r.status, 200, "{}", r.text);
}

async fn add_fault(c: &TestCloud, fault: Value) -> String {
    let r = c.send(Method::POST, "/_fakecloud/faults", None, Some(fault)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["fault"]["id"].as_str().unwrap().to_string()
}

async fn capi(c: &TestCloud) -> Value {
    c.get("/_fakecloud/capi", None).await.body
}

/// An admin token scoped to capi-mgmt, where the management VM and the cluster live.
async fn capi_admin(c: &TestCloud) -> String {
    c.token("admin", "admin-secret", "capi-mgmt").await
}

async fn server_action(c: &TestCloud, token: &str, name: &str, action: &str) {
    let list = c.get(&format!("/compute/v2.1/servers?name=^{name}$"), Some(token)).await;
    let id = list.body["servers"][0]["id"].as_str().unwrap_or_else(|| panic!("server {name}: {}", list.text)).to_string();
    let r = c.send(Method::POST, &format!("/compute/v2.1/servers/{id}/action"), Some(token), Some(json!({ action: null }))).await;
    assert_eq!(r.status, 202, "{}", r.text);
}

async fn server_status(c: &TestCloud, token: &str, name: &str) -> String {
    let r = c.get(&format!("/compute/v2.1/servers/detail?name=^{name}$"), Some(token)).await;
    r.body["servers"][0]["status"].as_str().unwrap_or_default().to_string()
}

fn reason(cluster: &Value, key: &str) -> String {
    cluster["health_status_reason"][key].as_str().unwrap_or_default().to_string()
}

fn condition<'a>(capi: &'a Value, kind: &str) -> &'a Value {
    let conds = capi["clusters"][0]["cluster"]["conditions"].as_array().unwrap();
    conds.iter().find(|c| c["type"] == kind).unwrap_or_else(|| panic!("no {kind} condition"))
}

async fn lb_status(c: &TestCloud, token: &str) -> (String, String) {
    let r = c.get(&format!("/load-balancer/v2/lbaas/loadbalancers?name={KUBE_LB}"), Some(token)).await;
    let lb = &r.body["loadbalancers"][0];
    (lb["provisioning_status"].as_str().unwrap().into(), lb["operating_status"].as_str().unwrap().into())
}

#[tokio::test]
async fn a_cluster_reads_as_magnum_renders_it_and_admins_list_across_projects() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let list = coe(&c, Method::GET, "/clusters", &admin, None).await;
    assert_eq!(list.status, 200);
    assert_eq!(list.headers["openstack-api-version"], "container-infra 1.14");
    assert_eq!(list.headers["openstack-api-maximum-version"], "container-infra 1.14");
    let row = &list.body["clusters"][0];
    for key in ["uuid", "name", "keypair", "node_count", "master_count", "status", "health_status"] {
        assert!(row.get(key).is_some(), "list rows carry {key}");
    }
    assert_eq!(row["name"], "kube", "admin (scoped to project admin) sees capi-mgmt's cluster");
    let member = c.member().await;
    let theirs = coe(&c, Method::GET, "/clusters", &member, None).await;
    assert_eq!(theirs.body["clusters"], json!([]), "a member sees only its project's clusters");
    let r = coe(&c, Method::GET, "/clusters/kube", &member, None).await;
    assert_eq!((r.status, r.body["errors"][0]["detail"].as_str()), (404, Some("Cluster kube could not be found.")));

    let by_name = show(&c, &admin, "kube").await;
    let by_uuid = show(&c, &admin, by_name["uuid"].as_str().unwrap()).await;
    assert_eq!(by_name, by_uuid, "the server resolves a name or a uuid; the object is bare");
    assert_eq!((by_name["status"].as_str(), by_name["health_status"].as_str()), (Some("CREATE_COMPLETE"), Some("HEALTHY")));
    assert_eq!(by_name["master_count"], 3);
    assert_eq!(by_name["master_addresses"].as_array().unwrap().len(), 3);
    assert!(by_name["created_at"].as_str().unwrap().ends_with("+00:00"), "Magnum's times carry a zone");
    assert!(by_name["api_address"].as_str().unwrap().starts_with("https://10.6.0."), "the kube-api LB's VIP");
    let text = coe(&c, Method::GET, "/clusters/kube", &admin, None).await.text;
    assert!(
        text.contains(r#""health_status_reason":{"cluster":"Ready","infrastructure":"Ready","controlplane":"Ready","nodegroup":"Ready"}"#),
        "the reason keeps the driver's order: {text}"
    );
}

#[tokio::test]
async fn templates_and_nodegroups_list_as_the_cli_reads_them() {
    let c = TestCloud::start().await;
    let member = c.member().await;
    let t = coe(&c, Method::GET, "/clustertemplates", &member, None).await;
    assert_eq!(t.body["clustertemplates"][0]["name"], "k8s-1.28-capi", "a public template is visible to every project");
    let admin = capi_admin(&c).await;
    let ngs = coe(&c, Method::GET, "/clusters/kube/nodegroups", &admin, None).await;
    let rows: Vec<(String, String, u64)> = ngs.body["nodegroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["name"].as_str().unwrap().into(), n["role"].as_str().unwrap().into(), n["node_count"].as_u64().unwrap()))
        .collect();
    assert_eq!(rows, [("default-master".into(), "master".into(), 3), ("default-worker".into(), "worker".into(), 0)]);
    let old = c
        .http
        .get(c.url(&format!("{COE}/clusters/kube/nodegroups")))
        .header("X-Auth-Token", &admin)
        .header("OpenStack-API-Version", "container-infra 1.8")
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 404, "node groups came with 1.9");
}

#[tokio::test]
async fn a_parked_management_vm_leaves_health_as_it_was_and_the_cold_start_takes_the_documented_time() {
    let c = TestCloud::start().await;
    let admin = capi_admin(&c).await;
    server_action(&c, &admin, "capi-mgmt-vm", "os-stop").await;
    advance(&c, 10).await;
    assert_eq!(capi(&c).await["management"]["phase"], "parked");
    advance(&c, 300).await;
    let kube = show(&c, &admin, "kube").await;
    assert_eq!(kube["health_status"], "HEALTHY", "an unreachable management API leaves the last health in place");

    // Start: ACTIVE within ~20 s; sshd after ~3.5 min; noisy until ~20 min.
    server_action(&c, &admin, "capi-mgmt-vm", "os-start").await;
    advance(&c, 20).await;
    assert_eq!(server_status(&c, &admin, "capi-mgmt-vm").await, "ACTIVE");
    let m = capi(&c).await;
    assert_eq!((m["management"]["phase"].as_str(), m["management"]["ssh_port_open"].as_bool()), (Some("booting"), Some(false)));
    advance(&c, 180).await; // 3 min 20 s after the start
    assert_eq!(capi(&c).await["management"]["ssh_port_open"], false);
    advance(&c, 10).await; // 3 min 30 s
    let m = capi(&c).await;
    assert_eq!((m["management"]["ssh_port_open"].as_bool(), m["management"]["kube_api"].as_str()), (Some(true), Some("noisy")));
    advance(&c, 15 * 60).await; // ~18.5 min
    assert_eq!(capi(&c).await["management"]["kube_api"], "noisy", "still converging on 2 vCPUs");
    advance(&c, 3 * 60).await; // ~21.5 min
    assert_eq!(capi(&c).await["management"]["kube_api"], "ready");
    assert_eq!(show(&c, &admin, "kube").await["health_status"], "HEALTHY");
}

#[tokio::test]
async fn never_polled_while_parked_is_unhealthy_with_an_empty_reason_and_the_workload_keeps_serving() {
    let mut f = Fixture::default_cloud();
    f.servers.iter_mut().find(|s| s.name == "capi-mgmt-vm").unwrap().status = "SHUTOFF".into();
    f.coe.clusters[0].health_status = Some("UNHEALTHY".into());
    let c = TestCloud::start_with(f).await;
    let admin = capi_admin(&c).await;
    advance(&c, 600).await;
    let kube = show(&c, &admin, "kube").await;
    assert_eq!((kube["health_status"].as_str(), &kube["health_status_reason"]), (Some("UNHEALTHY"), &json!({})));
    assert_eq!(
        lb_status(&c, &admin).await,
        ("ACTIVE".into(), "ONLINE".into()),
        "the kube-api LB does not depend on the management cluster"
    );
    // Creating a cluster needs the management API: it fails at once.
    let r = coe(&c, Method::POST, "/clusters", &admin, Some(json!({"name": "k2", "cluster_template_id": "k8s-1.28-capi"}))).await;
    assert_eq!(r.status, 202);
    let k2 = show(&c, &admin, "k2").await;
    assert_eq!(k2["status"], "CREATE_FAILED");
    assert!(reason_text(&k2).contains("Kubernetes cluster unreachable"), "{k2}");
}

fn reason_text(c: &Value) -> String {
    c["status_reason"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn a_contract_miss_gives_the_cosmetic_signature_only() {
    let c = TestCloud::start().await;
    let admin = capi_admin(&c).await;
    let fault = add_fault(&c, json!({"kind": "capi-contract-miss"})).await;
    advance(&c, 60).await;
    let kube = show(&c, &admin, "kube").await;
    assert_eq!(kube["health_status"], "UNHEALTHY");
    assert_eq!(reason(&kube, "infrastructure"), "Infrastructure resource not found.");
    for k in ["cluster", "controlplane", "nodegroup"] {
        assert_eq!(reason(&kube, k), "Ready", "{k} stays Ready: nothing is wrong");
    }
    assert_eq!(condition(&capi(&c).await, "Available")["status"], "True");
    c.send(Method::DELETE, &format!("/_fakecloud/faults/{fault}"), None, None).await;
    advance(&c, 60).await;
    assert_eq!(show(&c, &admin, "kube").await["health_status"], "HEALTHY");
}

#[tokio::test]
async fn an_lb_reconcile_timeout_in_a_cold_start_is_a_real_failure_that_clears_after_the_lb_is_repaired() {
    let c = TestCloud::start().await;
    let admin = capi_admin(&c).await;
    add_fault(&c, json!({"kind": "capi-lb-timeout", "match": {"loadbalancer": "k8s-clusterapi-*"}, "count": 1})).await;
    server_action(&c, &admin, "capi-mgmt-vm", "os-stop").await;
    advance(&c, 60).await;
    server_action(&c, &admin, "capi-mgmt-vm", "os-start").await;
    advance(&c, 4 * 60).await;
    assert_eq!(lb_status(&c, &admin).await, ("ERROR".into(), "ONLINE".into()), "the reconcile timed out mid-update");
    let available = condition(&capi(&c).await, "Available").clone();
    assert_eq!(available["status"], "False");
    assert!(available["message"].as_str().unwrap().contains("load balancer"), "{available}");
    advance(&c, 20 * 60).await;
    let kube = show(&c, &admin, "kube").await;
    assert_eq!(kube["health_status"], "UNHEALTHY");
    assert!(reason(&kube, "infrastructure").starts_with("UpdateError: failed to reconcile load balancer"), "{kube}");
    assert!(reason(&kube, "cluster").contains("'InfrastructureReady'"), "{kube}");

    // Admin failover repairs the LB in ~108 s; CAPO sees it at its next resync (<= 10 min), then
    // Magnum at its next poll.
    let lb = c.get(&format!("/load-balancer/v2/lbaas/loadbalancers?name={KUBE_LB}"), Some(&admin)).await.body["loadbalancers"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = c.send(Method::PUT, &format!("/load-balancer/v2/lbaas/loadbalancers/{lb}/failover"), Some(&admin), None).await;
    assert_eq!(r.status, 202, "{}", r.text);
    advance(&c, 120).await;
    assert_eq!(lb_status(&c, &admin).await.0, "ACTIVE");
    let mut cleared_after = None;
    for minute in 1..=12 {
        advance(&c, 60).await;
        if show(&c, &admin, "kube").await["health_status"] == "HEALTHY" {
            cleared_after = Some(minute);
            break;
        }
    }
    let minutes = cleared_after.expect("health clears within the resync window");
    assert!(minutes <= 11, "cleared {minutes} min after the repair");
    assert_eq!(condition(&capi(&c).await, "Available")["status"], "True");
}

#[tokio::test]
async fn create_resize_and_delete_move_through_magnums_statuses_with_machines_as_servers() {
    let c = TestCloud::start().await;
    let member = c.member().await;
    let r = coe(
        &c,
        Method::POST,
        "/clusters",
        &member,
        Some(json!({
            "name": "demo-k8s", "cluster_template_id": "k8s-1.28-capi", "master_count": 1, "node_count": 1, "fixed_network": "private"
        })),
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(show(&c, &member, "demo-k8s").await["status"], "CREATE_IN_PROGRESS");
    advance(&c, 5 * 60).await;
    let k = show(&c, &member, "demo-k8s").await;
    assert_eq!(k["status"], "CREATE_COMPLETE", "{k}");
    assert_eq!(k["health_status"], "HEALTHY");
    let servers = c.get("/compute/v2.1/servers", Some(&member)).await.body;
    let stack = k["stack_id"].as_str().unwrap();
    let machines = servers["servers"].as_array().unwrap().iter().filter(|s| s["name"].as_str().unwrap().starts_with(stack)).count();
    assert_eq!(machines, 2, "one control-plane and one worker server in Nova");
    let ns = format!("magnum-{}", k["project_id"].as_str().unwrap());
    let lbs =
        c.get(&format!("/load-balancer/v2/lbaas/loadbalancers?name=k8s-clusterapi-cluster-{ns}-{stack}-kubeapi"), Some(&member)).await.body;
    let lb = &lbs["loadbalancers"][0];
    assert_eq!(lb["provisioning_status"], "ACTIVE", "CAPO made the kube-api load balancer: {lbs}");
    assert_eq!(k["api_address"].as_str().unwrap(), format!("https://{}:6443", lb["vip_address"].as_str().unwrap()));

    let r = coe(&c, Method::POST, "/clusters/demo-k8s/actions/resize", &member, Some(json!({"node_count": 3}))).await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(show(&c, &member, "demo-k8s").await["status"], "UPDATE_IN_PROGRESS");
    advance(&c, 3 * 60).await;
    let k = show(&c, &member, "demo-k8s").await;
    assert_eq!(
        (k["status"].as_str(), k["node_count"].as_u64(), k["node_addresses"].as_array().map(Vec::len)),
        (Some("UPDATE_COMPLETE"), Some(3), Some(3))
    );

    let r = coe(&c, Method::DELETE, "/clusters/demo-k8s", &member, None).await;
    assert_eq!(r.status, 204);
    assert_eq!(show(&c, &member, "demo-k8s").await["status"], "DELETE_IN_PROGRESS");
    advance(&c, 3 * 60).await;
    assert_eq!(coe(&c, Method::GET, "/clusters/demo-k8s", &member, None).await.status, 404);
    let servers = c.get("/compute/v2.1/servers", Some(&member)).await.body;
    assert!(!servers["servers"].as_array().unwrap().iter().any(|s| s["name"].as_str().unwrap().starts_with(stack)), "machines deleted");
    let lbs =
        c.get(&format!("/load-balancer/v2/lbaas/loadbalancers?name=k8s-clusterapi-cluster-{ns}-{stack}-kubeapi"), Some(&member)).await.body;
    assert_eq!(lbs["loadbalancers"], json!([]), "and the load balancer");
}

#[tokio::test]
async fn bad_input_gets_magnums_error_format_and_changes_nothing() {
    let c = TestCloud::start().await;
    let member = c.member().await;
    let reader = c.token("observer", "observer-secret", "demo").await;
    let before = c.state_without_journal();
    let cases: Vec<(Method, &str, &str, Option<Value>, u16)> = vec![
        (Method::POST, "/clusters", member.as_str(), Some(json!({"name": "x"})), 400),
        (Method::POST, "/clusters", member.as_str(), Some(json!({"name": "x", "cluster_template_id": "nope"})), 400),
        (
            Method::POST,
            "/clusters",
            member.as_str(),
            Some(json!({"name": "x", "cluster_template_id": "k8s-1.28-capi", "node_count": -1})),
            400,
        ),
        (
            Method::POST,
            "/clusters",
            member.as_str(),
            Some(json!({"name": "x", "cluster_template_id": "k8s-1.28-capi", "colour": "red"})),
            400,
        ),
        (Method::POST, "/clusters", member.as_str(), Some(json!({"name": "9 lives", "cluster_template_id": "k8s-1.28-capi"})), 400),
        (
            Method::POST,
            "/clusters",
            member.as_str(),
            Some(json!({"name": "x", "cluster_template_id": "k8s-1.28-capi", "master_count": "three"})),
            400,
        ),
        (
            Method::POST,
            "/clusters",
            member.as_str(),
            Some(json!({"name": "x", "cluster_template_id": "k8s-1.28-capi", "keypair": "missing"})),
            404,
        ),
        (Method::POST, "/clusters", member.as_str(), Some(json!([1, 2])), 400),
        (Method::POST, "/clusters", reader.as_str(), Some(json!({"name": "x", "cluster_template_id": "k8s-1.28-capi"})), 403),
        (Method::POST, "/clustertemplates", member.as_str(), Some(json!({"name": "t", "coe": "kubernetes", "image_id": "nope"})), 400),
        (
            Method::POST,
            "/clustertemplates",
            member.as_str(),
            Some(json!({"name": "t", "coe": "nomad", "image_id": "cirros-0.6.2-x86_64-disk"})),
            400,
        ),
        (Method::DELETE, "/clusters/nope", member.as_str(), None, 404),
    ];
    for (method, path, token, body, want) in cases {
        let r = coe(&c, method.clone(), path, token, body.clone()).await;
        assert_eq!(r.status, want, "{method} {path} {body:?}: {}", r.text);
        let e = &r.body["errors"][0];
        assert_eq!(e["status"], want, "Magnum's error format: {}", r.text);
        assert!(e["detail"].is_string() && e["title"].is_string() && e["code"] == "client", "{}", r.text);
    }
    let garbage = c.raw(Method::POST, &format!("{COE}/clusters"), Some(&member), b"{not json".to_vec()).await;
    assert_eq!(garbage.status, 400);
    assert!(garbage.body["errors"][0]["detail"].is_string());
    let too_new = c
        .http
        .get(c.url(&format!("{COE}/clusters")))
        .header("X-Auth-Token", &member)
        .header("OpenStack-API-Version", "container-infra 1.99")
        .send()
        .await
        .unwrap();
    assert_eq!(too_new.status(), 406);
    assert_eq!(c.state_without_journal(), before, "rejected requests change nothing");
}

#[tokio::test]
async fn node_groups_come_and_go_through_capi_and_only_admins_set_health() {
    let c = TestCloud::start().await;
    let admin = capi_admin(&c).await;
    let r =
        coe(&c, Method::POST, "/clusters/kube/nodegroups", &admin, Some(json!({"name": "gpu", "node_count": 2, "flavor_id": "m1.small"})))
            .await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(show(&c, &admin, "kube").await["status"], "UPDATE_IN_PROGRESS");
    let dup = coe(&c, Method::POST, "/clusters/kube/nodegroups", &admin, Some(json!({"name": "gpu"}))).await;
    assert_eq!(dup.status, 409);
    advance(&c, 3 * 60).await;
    let ng = coe(&c, Method::GET, "/clusters/kube/nodegroups/gpu", &admin, None).await.body;
    assert_eq!((ng["status"].as_str(), ng["node_addresses"].as_array().map(Vec::len)), (Some("CREATE_COMPLETE"), Some(2)));
    assert_eq!(show(&c, &admin, "kube").await["status"], "UPDATE_COMPLETE");
    let default = coe(&c, Method::DELETE, "/clusters/kube/nodegroups/default-worker", &admin, None).await;
    assert_eq!(default.status, 400, "default node groups stay: {}", default.text);
    assert_eq!(coe(&c, Method::DELETE, "/clusters/kube/nodegroups/gpu", &admin, None).await.status, 204);
    advance(&c, 2 * 60).await;
    assert_eq!(coe(&c, Method::GET, "/clusters/kube/nodegroups/gpu", &admin, None).await.status, 404);
    let servers = c.get("/compute/v2.1/servers", Some(&admin)).await.body;
    assert!(
        !servers["servers"].as_array().unwrap().iter().any(|s| s["name"].as_str().unwrap().starts_with("kube-gpu-")),
        "its machines are gone"
    );

    // Health is the conductor's, but an admin may reset it (cluster:update_health_status).
    let patch = json!([{"op": "replace", "path": "/health_status", "value": "UNHEALTHY"}, {"op": "replace", "path": "/health_status_reason", "value": {}}]);
    let demo_in_capi = c.token("demo", "demo-secret", "demo").await;
    assert_eq!(
        coe(&c, Method::PATCH, "/clusters/kube", &demo_in_capi, Some(patch.clone())).await.status,
        404,
        "another project's cluster is not found"
    );
    let r = coe(&c, Method::PATCH, "/clusters/kube", &admin, Some(patch)).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let kube = show(&c, &admin, "kube").await;
    assert_eq!((kube["health_status"].as_str(), &kube["health_status_reason"]), (Some("UNHEALTHY"), &json!({})));
    advance(&c, 60).await;
    assert_eq!(show(&c, &admin, "kube").await["health_status"], "HEALTHY", "the next poll sets it again");
}
