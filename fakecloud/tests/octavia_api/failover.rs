//! Failover with and without headroom, the health manager and its zombies, and the virtual clock.

use crate::common::TestCloud;
use crate::helpers::*;
use fakecloud::Fixture;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeSet;

// ------------------------------------------------------------------------------------------------
// Failover with headroom

#[tokio::test]
async fn failover_with_headroom_replaces_the_amphora_in_about_108_seconds_without_going_offline() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let lb_id = kube_lb_id(&c, &admin).await;
    let before = lb(&c, &admin, &lb_id).await;
    let old = amphorae_of(&c, &admin, &lb_id).await;
    assert_eq!(old.len(), 1);
    let (old_id, old_server) = (s(&old[0]["id"]), s(&old[0]["compute_id"]));

    let r = api(&c, Method::PUT, &format!("/lbaas/loadbalancers/{lb_id}/failover"), &admin, None).await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(lb_prov(&c, &admin, &lb_id).await, "PENDING_UPDATE");
    let amps = amphorae_of(&c, &admin, &lb_id).await;
    assert_eq!(amps.len(), 2, "{amps:?}");
    let old_row = amps.iter().find(|a| a["id"] == old_id.as_str()).unwrap();
    assert_eq!(old_row["status"], "PENDING_DELETE");
    let new_row = amps.iter().find(|a| a["id"] != old_id.as_str()).unwrap();
    assert_eq!(new_row["status"], "BOOTING");
    let new_id = s(&new_row["id"]);
    let again = api(&c, Method::PUT, &format!("/lbaas/loadbalancers/{lb_id}/failover"), &admin, None).await;
    assert_eq!(again.status, 409, "a second failover while one runs: {}", again.text);

    let mut elapsed = 0;
    loop {
        advance(&c, 1).await;
        elapsed += 1;
        let l = lb(&c, &admin, &lb_id).await;
        assert_eq!(l["operating_status"], "ONLINE", "at +{elapsed} s: {l}");
        assert_eq!(l["vip_address"], before["vip_address"]);
        if l["provisioning_status"] == "ACTIVE" {
            break;
        }
        assert_eq!(l["provisioning_status"], "PENDING_UPDATE", "at +{elapsed} s");
        assert!(elapsed < 200, "failover never finished");
    }
    eprintln!("failover with headroom: ACTIVE after {elapsed} simulated seconds");
    assert!((95..=120).contains(&elapsed), "failover took {elapsed} simulated seconds (documented ~108)");

    let after = lb(&c, &admin, &lb_id).await;
    assert_eq!(after["vip_address"], before["vip_address"]);
    assert_eq!(after["vip_port_id"], before["vip_port_id"]);
    let amps = amphorae_of(&c, &admin, &lb_id).await;
    assert_eq!(ids(&amps), [new_id.as_str()]);
    assert_eq!(amps[0]["status"], "ALLOCATED");
    assert_eq!(get(&c, &format!("/octavia/amphorae/{old_id}"), &admin).await.status, 404, "the old amphora row is gone");
    assert_eq!(nova(&c, Method::GET, &format!("/servers/{old_server}"), &admin, None).await.status, 404, "the old VM is deleted");
    let new_server = s(&amps[0]["compute_id"]);
    assert_eq!(nova(&c, Method::GET, &format!("/servers/{new_server}"), &admin, None).await.body["server"]["status"], "ACTIVE");
}

// ------------------------------------------------------------------------------------------------
// Failover with no headroom

/// The default cloud with every host shrunk so that its free memory is 512 MB: nothing of the
/// amphora flavor's 1024 MB fits anywhere, and the fixture (with its load balancer) still boots.
fn no_headroom_cloud() -> Fixture {
    let mut f = Fixture::default_cloud();
    let ram = |name: &str| f.flavors.iter().find(|x| x.name == name).unwrap().ram;
    let used: Vec<u64> = f
        .hosts
        .iter()
        .map(|h| {
            let servers: u64 = f.servers.iter().filter(|s| s.host.as_deref() == Some(h.name.as_str())).map(|s| ram(&s.flavor)).sum();
            let amps = f.loadbalancers.iter().flat_map(|l| l.amphora_hosts.iter()).filter(|x| **x == h.name).count() as u64;
            servers + amps * ram("amphora")
        })
        .collect();
    for (h, used) in f.hosts.iter_mut().zip(used) {
        h.ram_allocation_ratio = 1.0;
        h.memory_mb = h.reserved_host_memory_mb + used + 512;
    }
    f
}

#[tokio::test]
async fn failover_without_headroom_reverts_to_error_in_about_15_seconds_leaving_an_orphan_vm() {
    let c = TestCloud::start_with(no_headroom_cloud()).await;
    let admin = c.admin().await;
    let hv = c
        .http
        .get(c.url("/compute/v2.1/os-hypervisors/detail"))
        .header("X-Auth-Token", &admin)
        .header("OpenStack-API-Version", "compute 2.87")
        .send()
        .await
        .unwrap();
    let hv: Value = hv.json().await.unwrap();
    let free: Vec<i64> = hv["hypervisors"].as_array().unwrap().iter().map(|h| h["free_ram_mb"].as_i64().unwrap()).collect();
    assert!(!free.is_empty() && free.iter().all(|f| *f < 1024), "no host may fit an amphora: {free:?}");

    let lb_id = kube_lb_id(&c, &admin).await;
    assert_eq!(lb_prov(&c, &admin, &lb_id).await, "ACTIVE");
    let old = amphorae_of(&c, &admin, &lb_id).await;
    let (old_id, old_server) = (s(&old[0]["id"]), s(&old[0]["compute_id"]));

    let r = api(&c, Method::PUT, &format!("/lbaas/loadbalancers/{lb_id}/failover"), &admin, None).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let amps = amphorae_of(&c, &admin, &lb_id).await;
    assert_eq!(amps.len(), 2);
    let new_row = amps.iter().find(|a| a["id"] != old_id.as_str()).unwrap().clone();
    let (new_id, new_server) = (s(&new_row["id"]), s(&new_row["compute_id"]));

    let elapsed = seconds_until_lb(&c, &admin, &lb_id, "ERROR", 1, 60).await;
    eprintln!("failover without headroom: ERROR after {elapsed} simulated seconds");
    assert!((10..=20).contains(&elapsed), "the revert took {elapsed} s (documented ~15)");

    let amps = amphorae_of(&c, &admin, &lb_id).await;
    assert_eq!(ids(&amps), [old_id.as_str()], "the replacement's row is gone");
    assert_eq!(amps[0]["status"], "ERROR");
    assert_eq!(get(&c, &format!("/octavia/amphorae/{new_id}"), &admin).await.status, 404);
    let old_vm = nova(&c, Method::GET, &format!("/servers/{old_server}"), &admin, None).await;
    assert_eq!(old_vm.body["server"]["status"], "ACTIVE", "the old VM still runs: {}", old_vm.text);

    // The replacement's VM is left behind in ERROR with no amphora row pointing at it.
    let all_amps = items(&get(&c, "/octavia/amphorae", &admin).await, "amphorae");
    let known: BTreeSet<String> = all_amps.iter().filter_map(|a| a["compute_id"].as_str().map(str::to_string)).collect();
    let servers = nova(&c, Method::GET, "/servers/detail?all_tenants=1&name=amphora-", &admin, None).await;
    let orphans: Vec<&Value> = servers.body["servers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["status"] == "ERROR" && !known.contains(x["id"].as_str().unwrap()))
        .collect();
    assert_eq!(orphans.len(), 1, "{}", servers.text);
    assert_eq!(orphans[0]["id"], new_server);
    assert_eq!(orphans[0]["name"], format!("amphora-{new_id}"));
    assert!(orphans[0]["fault"]["message"].as_str().unwrap().contains("No valid host"), "{}", orphans[0]);
    // Nothing retries on its own.
    advance(&c, 120).await;
    assert_eq!(lb_prov(&c, &admin, &lb_id).await, "ERROR");
    assert_eq!(amphorae_of(&c, &admin, &lb_id).await.len(), 1);
}

// ------------------------------------------------------------------------------------------------
// Health manager

#[tokio::test]
async fn health_manager_fails_over_a_silent_amphora_and_then_logs_the_undeletable_vm_as_a_zombie() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let lb_id = kube_lb_id(&c, &admin).await;
    let old = amphorae_of(&c, &admin, &lb_id).await;
    let (old_id, old_server) = (s(&old[0]["id"]), s(&old[0]["compute_id"]));
    let vm = nova(&c, Method::GET, &format!("/servers/{old_server}"), &admin, None).await;
    let host = s(&vm.body["server"]["OS-EXT-SRV-ATTR:host"]);
    assert_eq!(host, "compute-1", "the fixture puts the amphora there");
    let fault = c.add_fault(json!({"kind": "host-pressure", "host": host})).await;

    // No heartbeat for more than 60 s: the health manager starts a failover by itself.
    let mut elapsed = 0;
    let started = loop {
        advance(&c, 10).await;
        elapsed += 10;
        let amps = amphorae_of(&c, &admin, &lb_id).await;
        let old_status = amps.iter().find(|a| a["id"] == old_id.as_str()).map(|a| s(&a["status"]));
        if old_status.as_deref() == Some("PENDING_DELETE") {
            assert_eq!(amps.len(), 2, "a replacement is being built: {amps:?}");
            assert_eq!(lb_prov(&c, &admin, &lb_id).await, "PENDING_UPDATE");
            break elapsed;
        }
        assert_eq!(old_status.as_deref(), Some("ALLOCATED"), "at +{elapsed} s");
        assert_eq!(lb_prov(&c, &admin, &lb_id).await, "ACTIVE", "at +{elapsed} s");
        assert!(elapsed < 150, "no failover started");
    };
    eprintln!("health manager: failover started at +{started} s");
    assert!(started > 60 && started <= 80, "failover started at +{started} s");
    let hm_logs = journal(&c, "control").await;
    assert!(
        hm_logs
            .iter()
            .any(|e| e["action"] == "log:octavia-health-manager" && s(&e["detail"]).contains(&format!("Stale amphora's id is: {old_id}"))),
        "the health manager logs the stale amphora"
    );

    seconds_until_lb(&c, &admin, &lb_id, "ACTIVE", 5, 200).await;
    let amps = amphorae_of(&c, &admin, &lb_id).await;
    assert_eq!(amps.len(), 1);
    assert_ne!(amps[0]["id"], old_id.as_str());
    assert_eq!(get(&c, &format!("/octavia/amphorae/{old_id}"), &admin).await.status, 404, "the old row is gone");
    let all = items(&get(&c, "/octavia/amphorae", &admin).await, "amphorae");
    assert!(all.iter().all(|a| a["compute_id"] != old_server.as_str()), "no row knows the old VM");
    let vm = nova(&c, Method::GET, &format!("/servers/{old_server}"), &admin, None).await;
    assert_eq!(vm.status, 200, "the starved host never deleted the old VM: {}", vm.text);
    assert_eq!(vm.body["server"]["status"], "ACTIVE");
    let control = journal(&c, "control").await;
    assert!(
        control
            .iter()
            .any(|e| e["action"] == "log:octavia-worker"
                && s(&e["detail"]).contains(&format!("Failed to delete compute instance {old_server}"))),
        "the worker logs the failed delete"
    );
    let missing = |entries: &[Value]| -> Vec<Value> {
        entries
            .iter()
            .filter(|e| e["action"] == "log:octavia-health-manager" && s(&e["detail"]).contains("is missing from the DB"))
            .cloned()
            .collect()
    };
    assert!(missing(&control).is_empty(), "a starved zombie sends no heartbeat, so nothing is logged yet");

    // The pressure goes: the zombie heartbeats, and every cycle logs it.
    let last_seq = control.last().unwrap()["seq"].as_u64().unwrap();
    assert_eq!(c.send(Method::DELETE, &format!("/_fakecloud/faults/{fault}"), None, None).await.status, 204);
    for _ in 0..4 {
        advance(&c, 10).await;
    }
    let zombie_logs: Vec<Value> =
        missing(&journal(&c, "control").await).into_iter().filter(|e| e["seq"].as_u64().unwrap() > last_seq).collect();
    assert!(zombie_logs.len() >= 3, "{zombie_logs:?}");
    for e in &zombie_logs {
        let d = s(&e["detail"]);
        assert!(d.starts_with("WARNING "), "{d}");
        assert!(d.contains(&format!("The amphora {old_id} with IP ")), "{d}");
    }
    let at: Vec<chrono::DateTime<chrono::FixedOffset>> =
        zombie_logs.iter().map(|e| chrono::DateTime::parse_from_rfc3339(e["at"].as_str().unwrap()).unwrap()).collect();
    for w in at.windows(2) {
        assert_eq!((w[1] - w[0]).num_seconds(), 10, "one line per 10 s cycle: {at:?}");
    }
    assert_eq!(lb_prov(&c, &admin, &lb_id).await, "ACTIVE", "the new amphora heartbeats: no second failover");
    assert_eq!(amphorae_of(&c, &admin, &lb_id).await[0]["status"], "ALLOCATED");
}

#[tokio::test]
async fn a_locked_load_balancer_does_not_block_the_failover_of_another_ones_stale_amphora() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let kube = kube_lb_id(&c, &admin).await;
    let pool = kube_pool_id(&c, &admin).await;
    let other = demo_lb(&c, &demo, "other").await;
    let other_amp = amphorae_of(&c, &admin, &other).await[0].clone();
    let other_host = nova(&c, Method::GET, &format!("/servers/{}", s(&other_amp["compute_id"])), &admin, None).await.body["server"]
        ["OS-EXT-SRV-ATTR:host"]
        .clone();
    assert_eq!(other_host, "compute-1", "both amphorae share a host");
    // The kube-api LB is stuck in PENDING_UPDATE (a lost member task); then compute-1 starves.
    c.add_fault(json!({"kind": "lost-task", "match": {"pool": KUBE_POOL}, "count": 1})).await;
    assert_eq!(create_member(&c, &admin, &pool, "10.6.0.200", 6443).await.status, 201);
    c.add_fault(json!({"kind": "host-pressure", "host": "compute-1"})).await;
    for _ in 0..12 {
        advance(&c, 10).await;
    }
    assert_eq!(lb_prov(&c, &admin, &kube).await, "PENDING_UPDATE");
    let skipped = journal(&c, "control").await.iter().filter(|e| s(&e["detail"]).contains("Skipping failover")).count();
    assert!(skipped > 0, "the locked LB's amphora is skipped");
    let amps = amphorae_of(&c, &admin, &other).await;
    assert!(
        amps.iter().any(|a| a["id"] == other_amp["id"] && a["status"] == "PENDING_DELETE")
            || amps.iter().all(|a| a["id"] != other_amp["id"]),
        "the ACTIVE LB's stale amphora is failed over: {amps:?}"
    );
}

// ------------------------------------------------------------------------------------------------
// The virtual clock: one long advance must equal many short ones.

#[tokio::test]
async fn a_health_manager_failover_progresses_the_same_in_one_long_advance_as_in_short_steps() {
    async fn run(step: i64) -> (String, usize, Vec<String>) {
        let c = TestCloud::start().await;
        let admin = c.admin().await;
        let lb_id = kube_lb_id(&c, &admin).await;
        c.add_fault(json!({"kind": "host-pressure", "host": "compute-1"})).await;
        for _ in 0..(400 / step) {
            advance(&c, step).await;
        }
        let amps = amphorae_of(&c, &admin, &lb_id).await;
        let stale_at: Vec<String> = journal(&c, "control")
            .await
            .iter()
            .filter(|e| e["action"] == "log:octavia-health-manager" && s(&e["detail"]).contains("Stale amphora"))
            .map(|e| s(&e["at"]))
            .collect();
        (lb_prov(&c, &admin, &lb_id).await, amps.len(), stale_at)
    }
    let short = run(10).await;
    assert_eq!(short.0, "ACTIVE", "in 10 s steps the failover is done well within 400 s: {short:?}");
    let long = run(400).await;
    assert_eq!(long, short, "one 400 s advance must end where forty 10 s advances do");
}
