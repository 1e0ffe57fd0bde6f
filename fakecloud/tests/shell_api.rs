//! The fake operator shell over the control API (`POST /_fakecloud/shell`) and against the world:
//! docker/podman output snapshots on the default overcloud and under each container fault, the
//! links to the APIs (a restarted container's service comes back after its health check; an edited
//! config applies only after a restart), and bad arguments.

mod common;

use chrono::{Duration, TimeZone, Utc};
use common::TestCloud;
use fakecloud::compute::lifecycle::ServerAction;
use fakecloud::faults::FaultRequest;
use fakecloud::shell::{self, Output};
use fakecloud::sim::ClockMode;
use fakecloud::world::World;
use fakecloud::Fixture;
use reqwest::Method;
use serde_json::{json, Value};

const NOVA_CONF: &str = "/var/lib/config-data/puppet-generated/nova/etc/nova/nova.conf";

fn world() -> World {
    World::from_fixture(&Fixture::default_cloud(), 7, ClockMode::Manual, Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()).unwrap()
}

fn sh(w: &mut World, node: &str, line: &str) -> Output {
    shell::run(w, node, &shell_words::split(line).unwrap())
}

fn fault(w: &mut World, f: Value) {
    w.add_fault(FaultRequest::from_json(f).unwrap()).unwrap();
}

#[test]
fn docker_ps_and_inspect_on_the_default_overcloud() {
    let mut w = world();
    insta::assert_snapshot!("docker_ps_controller", sh(&mut w, "controller-0", "docker ps").stdout);
    insta::assert_snapshot!("docker_ps_compute", sh(&mut w, "compute-0", "docker ps -a").stdout);
    insta::assert_snapshot!("docker_inspect_nova_scheduler", sh(&mut w, "controller-0", "docker inspect nova_scheduler").stdout);
    let run_line = r#"docker inspect --format='{{range .Config.Env}} -e "{{.}}" {{end}} {{range .Mounts}} -v {{.Source}}:{{.Destination}}{{if .Mode}}:{{.Mode}}{{end}}{{end}} -ti {{.Config.Image}}' nova_scheduler"#;
    insta::assert_snapshot!("docker_inspect_run_line", sh(&mut w, "controller-0", run_line).stdout);
    insta::assert_snapshot!("docker_logs", sh(&mut w, "controller-0", "docker logs --tail 5 nova_scheduler").stderr);
    let paunch = "paunch debug --file /var/lib/tripleo-config/container-startup-config-step_4.json --container nova_scheduler --action";
    insta::assert_snapshot!("paunch_dump_json", sh(&mut w, "controller-0", &format!("{paunch} dump-json")).stdout);
    insta::assert_snapshot!("paunch_print_cmd", sh(&mut w, "controller-0", &format!("{paunch} print-cmd")).stdout);
    insta::assert_snapshot!("host_log_dir", sh(&mut w, "controller-0", "ssh controller-0 ls /var/log/containers").stdout);
    insta::assert_snapshot!(
        "host_container_log",
        sh(&mut w, "controller-0", "ssh controller-0 tail -n 3 /var/log/containers/nova/nova-scheduler.log").stdout
    );
    insta::assert_snapshot!("crudini_get_section", sh(&mut w, "controller-0", &format!("crudini --get {NOVA_CONF} DEFAULT")).stdout);
}

#[test]
fn docker_ps_under_each_container_fault() {
    let mut w = world();
    fault(&mut w, json!({"kind": "container-unhealthy", "node": "controller-0", "container": "nova_scheduler"}));
    fault(&mut w, json!({"kind": "container-exited", "node": "controller-0", "container": "heat_engine"}));
    fault(&mut w, json!({"kind": "container-restarting", "node": "controller-0", "container": "memcached"}));
    w.advance_clock(Duration::seconds(125));
    insta::assert_snapshot!("docker_ps_faults", sh(&mut w, "controller-0", "docker ps -a").stdout);
    insta::assert_snapshot!(
        "docker_ps_unhealthy_filter",
        sh(&mut w, "controller-0", "docker ps --filter health=unhealthy --format '{{.Names}}\t{{.Status}}'").stdout
    );
    let running = sh(&mut w, "controller-0", "docker ps --format '{{.Names}}'").stdout;
    assert!(!running.lines().any(|l| l == "heat_engine"), "an exited container is listed only with -a");
    assert!(running.lines().any(|l| l == "memcached"), "a restarting one is listed without -a");
}

#[test]
fn podman_prints_its_own_columns_and_errors() {
    let mut f = Fixture::default_cloud();
    f.overcloud.as_mut().unwrap().container_cli = "podman".into();
    let mut w = World::from_fixture(&f, 7, ClockMode::Manual, Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()).unwrap();
    insta::assert_snapshot!("podman_ps", sh(&mut w, "controller-0", "podman ps").stdout);
    let missing = sh(&mut w, "controller-0", "podman restart nope");
    assert_eq!((missing.status, missing.stderr.as_str()), (125, "Error: no container with name or ID \"nope\" found: no such container\n"));
    assert!(sh(&mut w, "controller-0", "podman ps").stdout.contains("galera-bundle-podman-0"));
}

#[test]
fn bad_arguments_fail_like_the_real_tools_and_never_panic() {
    let mut w = world();
    let cases: &[(&str, i32, &str)] = &[
        ("docker ps --bogus", 125, "unknown flag: --bogus"),
        ("docker restart", 1, "\"docker restart\" requires at least 1 argument."),
        ("docker frobnicate", 1, "docker: 'frobnicate' is not a docker command."),
        ("docker inspect nope", 1, "Error: No such object: nope"),
        ("docker exec nope ls", 1, "Error: No such container: nope"),
        ("docker exec nova_scheduler no-such-binary", 126, "executable file not found"),
        ("docker ps --filter colour=red", 1, "Invalid filter 'colour'"),
        ("docker ps --format '{{.Names'", 1, "template"),
        ("docker logs --tail x nova_scheduler", 1, "invalid value for \"tail\""),
        ("docker export nova_scheduler", 1, "cowardly refusing"),
        ("crudini --get", 1, "Usage: crudini"),
        ("crudini --get /etc/nope.conf DEFAULT debug", 1, "No such file or directory"),
        ("crudini --get /var/lib/config-data/puppet-generated/nova/etc/nova/nova.conf nope debug", 1, "Section not found: nope"),
        ("paunch debug --file /nope.json --container x", 1, "No such file or directory"),
        ("paunch debug", 2, "the following arguments are required"),
        ("paunch frobnicate", 2, "Unknown command"),
        ("ssh", 255, "usage: ssh"),
        ("ssh nowhere docker ps", 255, "Could not resolve hostname nowhere"),
        ("ssh controller-1", 255, "Pseudo-terminal will not be allocated"),
        ("sudo", 1, "usage: sudo"),
        ("vim /etc/nova/nova.conf", 127, "command not found"),
        ("ssh controller-0 cat /etc/nope", 1, "cat: /etc/nope: No such file or directory"),
        ("ssh controller-0 cat /var/log/containers", 1, "Is a directory"),
        ("ssh controller-0 ls /nope", 2, "cannot access '/nope'"),
        ("ssh controller-0 tail -n x /var/log/containers/nova/nova-api.log", 1, "invalid number of lines"),
    ];
    for (line, status, text) in cases {
        let out = sh(&mut w, "controller-0", line);
        assert_eq!(out.status, *status, "{line}: {out:?}");
        assert!(out.stderr.contains(text), "{line}: {out:?}");
    }
    assert_eq!(shell::run(&mut w, "controller-0", &[]), Output::default());
}

async fn shell_http(c: &TestCloud, argv: Value) -> Value {
    let r = c.send(Method::POST, "/_fakecloud/shell", None, Some(json!({"node": "controller-0", "argv": argv}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

async fn scheduler_state(c: &TestCloud, token: &str) -> String {
    let r = c
        .http
        .get(c.url("/compute/v2.1/os-services?binary=nova-scheduler&host=controller-0"))
        .header("X-Auth-Token", token)
        .send()
        .await
        .unwrap();
    r.json::<Value>().await.unwrap()["services"][0]["state"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn restarting_an_unhealthy_api_container_brings_its_service_back_after_the_health_check() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    c.send(
        Method::POST,
        "/_fakecloud/faults",
        None,
        Some(json!({"kind": "container-unhealthy", "node": "controller-0", "container": "nova_scheduler"})),
    )
    .await;
    c.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({"by": "61s"}))).await;
    assert_eq!(scheduler_state(&c, &admin).await, "down", "a hung scheduler stops reporting");
    let out = shell_http(&c, json!(["docker", "restart", "nova_scheduler"])).await;
    assert_eq!(out["stdout"], "nova_scheduler\n");
    assert_eq!(scheduler_state(&c, &admin).await, "down", "still down while the health check has not passed");
    let ps = shell_http(&c, json!(["docker", "ps", "--filter", "name=nova_scheduler", "--format", "{{.Status}}"])).await;
    assert_eq!(ps["stdout"], "Up Less than a second (health: starting)\n");
    c.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({"by": "30s"}))).await;
    let ps = shell_http(&c, json!(["docker", "ps", "--filter", "name=nova_scheduler", "--format", "{{.Status}}"])).await;
    assert_eq!(ps["stdout"], "Up 30 seconds (healthy)\n");
    assert_eq!(scheduler_state(&c, &admin).await, "up");
    let faults = c.get("/_fakecloud/faults", None).await.body;
    assert_eq!(faults["faults"], json!([]), "the restart ended the hang");
}

#[test]
fn an_edited_config_applies_only_after_a_restart() {
    let mut w = world();
    let inside = "docker exec nova_scheduler crudini --get /etc/nova/nova.conf DEFAULT debug";
    assert_eq!(sh(&mut w, "controller-0", &format!("crudini --set {NOVA_CONF} DEFAULT debug True")).status, 0);
    assert_eq!(sh(&mut w, "controller-0", &format!("crudini --get {NOVA_CONF} DEFAULT debug")).stdout, "True\n");
    assert_eq!(sh(&mut w, "controller-0", inside).stdout, "False\n", "the running container still has its copy");
    assert_eq!(sh(&mut w, "controller-1", "docker exec nova_scheduler crudini --get /etc/nova/nova.conf DEFAULT debug").stdout, "False\n");
    assert_eq!(sh(&mut w, "controller-0", "docker restart nova_scheduler").status, 0);
    assert_eq!(sh(&mut w, "controller-0", inside).stdout, "True\n");
    assert_eq!(
        sh(&mut w, "controller-1", &format!("crudini --get {NOVA_CONF} DEFAULT debug")).stdout,
        "False\n",
        "each node has its own files"
    );
}

#[test]
fn an_offline_controller_answers_nothing_and_its_services_go_down() {
    let mut w = world();
    fault(&mut w, json!({"kind": "controller-offline", "node": "controller-2"}));
    assert_eq!(sh(&mut w, "controller-0", "ssh controller-2 docker ps").status, 255);
    assert!(sh(&mut w, "controller-0", "ssh heat-admin@controller-1 docker ps").stdout.contains("nova_scheduler"));
    w.advance_clock(Duration::seconds(61));
    let now = w.now();
    let s = w.compute.services.iter().find(|s| s.binary == "nova-conductor" && s.host == "controller-2").unwrap();
    assert!(!s.heartbeat.is_up(now, fakecloud::compute::model::SERVICE_HEARTBEAT), "the conductor on the lost controller is down");
    let vips: Vec<_> = w
        .overcloud
        .cluster
        .resources
        .iter()
        .filter(|r| r.vip.is_some())
        .flat_map(|r| r.replicas.iter())
        .filter_map(|r| r.node.clone())
        .collect();
    assert!(!vips.iter().any(|n| n == "controller-2"), "the VIPs moved off: {vips:?}");
}

#[test]
fn faults_naming_what_does_not_exist_are_refused() {
    let mut w = world();
    for f in [
        json!({"kind": "container-unhealthy", "node": "controller-9", "container": "nova_scheduler"}),
        json!({"kind": "container-unhealthy", "node": "controller-0", "container": "nope"}),
        json!({"kind": "container-unhealthy", "node": "controller-0", "container": "galera-bundle-docker-0"}),
        json!({"kind": "controller-offline", "node": "compute-0"}),
        json!({"kind": "galera-desync", "node": "controller-0", "state": "Happy"}),
        json!({"kind": "rabbitmq-alarm", "node": "controller-0", "alarm": "fire"}),
        json!({"kind": "haproxy-backend-failing", "node": "controller-0", "listen": "nope*"}),
        json!({"kind": "ceph-osd-down", "osds": 0}),
        json!({"kind": "pacemaker-action-failure", "resource": "nope", "node": "controller-0"}),
    ] {
        let before = serde_json::to_value(&w.overcloud).unwrap();
        assert!(w.add_fault(FaultRequest::from_json(f.clone()).unwrap()).is_err(), "{f}");
        assert_eq!(serde_json::to_value(&w.overcloud).unwrap(), before, "{f} changed nothing");
    }
}

#[test]
fn a_lost_controller_shows_the_same_way_in_pcs_galera_rabbitmq_and_redis() {
    let mut w = world();
    let redis_master_before = sh(&mut w, "controller-0", "docker exec redis-bundle-docker-0 redis-cli info replication").stdout;
    assert!(redis_master_before.contains("role:master"), "{redis_master_before}");
    fault(&mut w, json!({"kind": "controller-offline", "node": "controller-0"}));
    let pcs = sh(&mut w, "controller-1", "pcs status").stdout;
    assert!(pcs.contains("OFFLINE: [ controller-0 ]"), "{pcs}");
    assert!(!pcs.contains("Started controller-0") && !pcs.contains("Master controller-0"), "nothing runs on the lost node:\n{pcs}");
    assert!(pcs.contains("redis-bundle-1\t(ocf::heartbeat:redis):\tMaster controller-1"), "a new Redis master:\n{pcs}");
    let redis = sh(&mut w, "controller-1", "docker exec redis-bundle-docker-1 redis-cli info replication").stdout;
    assert!(redis.contains("role:master"), "Redis on controller-1 agrees it is the master: {redis}");
    let galera =
        sh(&mut w, "controller-1", r#"docker exec galera-bundle-docker-1 mysql -N -s -e "SHOW GLOBAL STATUS LIKE 'wsrep_cluster_size'""#)
            .stdout;
    assert_eq!(galera, "wsrep_cluster_size\t2\n");
    let rabbit = sh(&mut w, "controller-2", "docker exec rabbitmq-bundle-docker-2 rabbitmqctl cluster_status").stdout;
    let running = rabbit.split("{running_nodes,").nth(1).and_then(|r| r.split("]}").next()).unwrap_or_default();
    assert!(running.contains("controller-1") && running.contains("controller-2") && !running.contains("controller-0"), "{rabbit}");
    let vip_nodes: Vec<String> =
        w.overcloud.cluster.resources.iter().filter(|r| r.vip.is_some()).filter_map(|r| r.replicas[0].node.clone()).collect();
    assert!(vip_nodes.iter().all(|n| n != "controller-0"), "{vip_nodes:?}");
    let stat =
        sh(&mut w, "controller-1", "docker exec haproxy-bundle-docker-1 bash -c 'echo show stat | socat stdio /var/lib/haproxy/stats'")
            .stdout;
    w.advance_clock(Duration::seconds(10));
    let later =
        sh(&mut w, "controller-1", "docker exec haproxy-bundle-docker-1 bash -c 'echo show stat | socat stdio /var/lib/haproxy/stats'")
            .stdout;
    assert!(
        !stat.contains(",DOWN,") && later.contains("controller-0.internalapi.localdomain,0,0,0,1,,40,3400,6800,,0,,0,0,0,0,DOWN,"),
        "HAProxy declares it DOWN after 5 checks:\n{later}"
    );
}

#[test]
fn kubectl_reads_the_capi_objects_only_while_the_management_api_answers() {
    let mut w = world();
    insta::assert_snapshot!(
        "kubectl_get_cluster_osc_machines",
        sh(&mut w, "controller-0", "kubectl get cluster,openstackcluster,machines -n default").stdout
    );
    insta::assert_snapshot!("kubectl_get_all_namespaces", sh(&mut w, "controller-0", "kubectl get kcp,md -A").stdout);
    let json: Value = serde_json::from_str(&sh(&mut w, "controller-0", "kubectl get cluster kube -n default -o json").stdout).unwrap();
    assert_eq!(json["status"]["phase"], "Provisioned");
    assert!(json["status"]["conditions"].as_array().unwrap().iter().any(|c| c["type"] == "Available" && c["status"] == "True"));
    assert_eq!(
        sh(&mut w, "controller-0", "kubectl get cluster nope").stderr,
        "Error from server (NotFound): clusters.cluster.x-k8s.io \"nope\" not found\n"
    );
    assert_eq!(sh(&mut w, "controller-0", "kubectl get cluster -n elsewhere").stderr, "No resources found in elsewhere namespace.\n");
    assert!(sh(&mut w, "controller-0", "kubectl get widgets").stderr.contains("doesn't have a resource type \"widgets\""));
    // Park the management VM: refused; start it: a TLS timeout while it converges.
    let vm = w.compute.server_id_named("capi-mgmt-vm").unwrap();
    w.server_task(&vm, ServerAction::Stop, true).unwrap();
    w.advance_clock(Duration::seconds(5));
    let parked = sh(&mut w, "controller-0", "kubectl get nodes");
    assert!(parked.status == 1 && parked.stderr.contains("was refused"), "{parked:?}");
    w.server_task(&vm, ServerAction::Start, true).unwrap();
    w.advance_clock(Duration::seconds(300));
    assert_eq!(
        sh(&mut w, "controller-0", "kubectl get nodes").stderr,
        "Unable to connect to the server: net/http: TLS handshake timeout\n"
    );
    w.advance_clock(Duration::seconds(1200));
    assert!(sh(&mut w, "controller-0", "kubectl get nodes").stdout.contains("capi-mgmt-vm   Ready"));
}

/// The runbook's paunch lines work for every container `docker ps -a` shows on a node, the
/// Pacemaker bundles' included: each is in one step file, and `print-cmd` names its image.
#[test]
fn paunch_knows_every_container_docker_ps_shows() {
    let mut w = world();
    for node in ["controller-0", "controller-1", "compute-0"] {
        let names = sh(&mut w, node, "docker ps -a --format '{{.Names}}'").stdout;
        assert!(names.lines().count() >= 3, "{node}: {names}");
        for name in names.lines() {
            let found: Vec<u8> = (1..=5)
                .filter(|step| {
                    let file = format!("/var/lib/tripleo-config/container-startup-config-step_{step}.json");
                    sh(&mut w, node, &format!("paunch debug --file {file} --container {name} --action print-cmd")).status == 0
                })
                .collect();
            assert_eq!(found.len(), 1, "{node}: container {name} is in step files {found:?}");
        }
    }
    // The guide's own lines, verbatim: cinder-volume's bundle replica runs on controller-1.
    let line = "paunch debug --file /var/lib/tripleo-config/container-startup-config-step_4.json --container openstack-cinder-volume-docker-0 --action";
    let dump = sh(&mut w, "controller-1", &format!("{line} dump-json"));
    assert_eq!(dump.status, 0, "{dump:?}");
    let doc: Value = serde_json::from_str(&dump.stdout).unwrap();
    assert!(doc["openstack-cinder-volume-docker-0"]["image"].as_str().unwrap().contains("cinder-volume"), "{doc}");
    let cmd = sh(&mut w, "controller-1", &format!("{line} print-cmd")).stdout;
    assert!(cmd.starts_with("docker run --name openstack-cinder-volume-docker-0 "), "{cmd}");
}

/// The runbook's `kubectl get pods -A | egrep 'capi-|capo-|cert-manager|orc-system|janitor|addon'`
/// and `-o wide` for nodes, pods and machines; pods follow the management plane.
#[test]
fn kubectl_lists_the_management_clusters_pods_and_wide_columns() {
    let mut w = world();
    let pods = sh(&mut w, "controller-0", "kubectl get pods -A");
    assert_eq!(pods.status, 0, "{pods:?}");
    let head = pods.stdout.lines().next().unwrap();
    assert!(head.starts_with("NAMESPACE") && head.contains("READY") && head.contains("RESTARTS"), "{head}");
    for ns in ["capi-system", "capo-system", "cert-manager", "kube-system", "orc-system", "capi-janitor-system", "capi-addon-system"] {
        assert!(pods.stdout.lines().any(|l| l.starts_with(ns) && l.contains("1/1") && l.contains("Running")), "{ns}: {}", pods.stdout);
    }
    assert!(pods.stdout.contains("capo-controller-manager-"), "{}", pods.stdout);
    let capo = sh(&mut w, "controller-0", "kubectl get pods -n capo-system");
    assert_eq!(capo.stdout.lines().count(), 2, "one pod in capo-system: {}", capo.stdout);
    assert_eq!(sh(&mut w, "controller-0", "kubectl get pods").stderr, "No resources found in default namespace.\n");

    let wide = sh(&mut w, "controller-0", "kubectl get pods -n capo-system -o wide").stdout;
    assert!(wide.lines().next().unwrap().ends_with("IP          NODE           NOMINATED NODE   READINESS GATES"), "{wide}");
    assert!(wide.contains("capi-mgmt-vm"), "{wide}");
    let nodes = sh(&mut w, "controller-0", "kubectl get nodes -o wide").stdout;
    assert!(nodes.lines().next().unwrap().contains("INTERNAL-IP") && nodes.contains("containerd://"), "{nodes}");
    let machines = sh(&mut w, "controller-0", "kubectl -n default get machines -o wide");
    assert_eq!(machines.status, 0, "{machines:?}");
    assert!(machines.stdout.starts_with("NAME"), "{}", machines.stdout);

    // Park and start the VM: no pods while the API is away; restarted pods, the controllers not yet
    // ready, once it answers again; ready a little later.
    let vm = w.compute.server_id_named("capi-mgmt-vm").unwrap();
    w.server_task(&vm, ServerAction::Stop, true).unwrap();
    w.advance_clock(Duration::seconds(5));
    assert!(sh(&mut w, "controller-0", "kubectl get pods -A").stderr.contains("was refused"));
    w.server_task(&vm, ServerAction::Start, true).unwrap();
    let converge = w.magnum.capi.converge_secs;
    w.advance_clock(Duration::seconds(converge + 5));
    let back = sh(&mut w, "controller-0", "kubectl get pods -n capo-system").stdout;
    assert!(back.contains("0/1") && back.contains("Running") && back.contains("1 ("), "restarted, not ready yet: {back}");
    w.advance_clock(Duration::seconds(60));
    let ready = sh(&mut w, "controller-0", "kubectl get pods -n capo-system").stdout;
    assert!(ready.contains("1/1"), "{ready}");
}
