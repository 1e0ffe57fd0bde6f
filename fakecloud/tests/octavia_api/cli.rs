//! The pinned `openstack loadbalancer` CLI (python-octaviaclient) against the operator's and the
//! newer families: flavors and flavor profiles, availability zones and their profiles, provider
//! capabilities, L7 policies and rules, and amphorae (list, show, stats, failover). What the real
//! client sends and parses is what these routes take and give.

use crate::common::TestCloud;
use crate::helpers::*;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;

/// The CLI as the fixture's admin: a closure running one command, returning (success, stdout, stderr).
fn cli(c: &TestCloud) -> impl Fn(Vec<String>) -> tokio::task::JoinHandle<(bool, String, String)> {
    let openstack = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.clients/venv/bin/openstack");
    assert!(openstack.exists(), "{} is missing: ci/test installs the pinned clients", openstack.display());
    let env = fakecloud::cli::env::os_vars(&fakecloud::Fixture::default_cloud(), &c.running.url(), "admin").unwrap();
    move |args: Vec<String>| {
        let (openstack, env) = (openstack.clone(), env.clone());
        tokio::task::spawn_blocking(move || {
            let mut cmd = Command::new(&openstack);
            for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("OS_")) {
                cmd.env_remove(k);
            }
            let out = cmd.arg("loadbalancer").args(&args).envs(env).output().unwrap();
            (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
        })
    }
}

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

/// Runs a command that must succeed; its stdout.
async fn ok(run: &impl Fn(Vec<String>) -> tokio::task::JoinHandle<(bool, String, String)>, a: &[&str]) -> String {
    let (success, out, err) = run(args(a)).await.unwrap();
    assert!(success, "openstack loadbalancer {a:?}: {out}{err}");
    out
}

async fn json_of(run: &impl Fn(Vec<String>) -> tokio::task::JoinHandle<(bool, String, String)>, a: &[&str]) -> Value {
    let mut a = a.to_vec();
    a.extend(["-f", "json"]);
    let out = ok(run, &a).await;
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{a:?} printed no JSON ({e}): {out}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_manages_flavors_zones_and_their_profiles_and_lists_provider_capabilities() {
    let c = TestCloud::start().await;
    let run = cli(&c);

    let fp = json_of(
        &run,
        &[
            "flavorprofile",
            "create",
            "--name",
            "cli-fp",
            "--provider",
            "amphora",
            "--flavor-data",
            r#"{"loadbalancer_topology": "ACTIVE_STANDBY"}"#,
        ],
    )
    .await;
    assert_eq!(fp["provider_name"], "amphora", "{fp}");
    let flavor =
        json_of(&run, &["flavor", "create", "--name", "cli-ha", "--flavorprofile", "cli-fp", "--description", "pair", "--enable"]).await;
    assert_eq!((&flavor["flavor_profile_id"], &flavor["enabled"]), (&fp["id"], &json!(true)), "{flavor}");
    ok(&run, &["flavor", "set", "--disable", "cli-ha"]).await;
    let shown = json_of(&run, &["flavor", "show", "cli-ha"]).await;
    assert_eq!(shown["enabled"], false, "{shown}");
    let names = ok(&run, &["flavor", "list", "-f", "value", "-c", "name"]).await;
    assert!(names.lines().any(|l| l == "cli-ha") && names.lines().any(|l| l == "amphora-single"), "{names}");
    let (refused, _, err) = run(args(&["flavorprofile", "delete", "cli-fp"])).await.unwrap();
    assert!(!refused && err.contains("in use"), "a profile a flavor uses stays: {err}");
    ok(&run, &["flavor", "delete", "cli-ha"]).await;
    ok(&run, &["flavorprofile", "delete", "cli-fp"]).await;

    let azp = json_of(
        &run,
        &[
            "availabilityzoneprofile",
            "create",
            "--name",
            "cli-azp",
            "--provider",
            "amphora",
            "--availability-zone-data",
            r#"{"compute_zone": "nova"}"#,
        ],
    )
    .await;
    assert_eq!(azp["availability_zone_data"], r#"{"compute_zone": "nova"}"#, "{azp}");
    let listed = json_of(&run, &["availabilityzoneprofile", "list"]).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    ok(&run, &["availabilityzoneprofile", "set", "--name", "cli-azp-2", "cli-azp"]).await;
    let az = json_of(
        &run,
        &["availabilityzone", "create", "--name", "cli-az", "--availabilityzoneprofile", "cli-azp-2", "--description", "first"],
    )
    .await;
    assert_eq!((&az["availability_zone_profile_id"], &az["enabled"]), (&azp["id"], &json!(true)), "{az}");
    ok(&run, &["availabilityzone", "set", "--disable", "--description", "closed", "cli-az"]).await;
    let shown = json_of(&run, &["availabilityzone", "show", "cli-az"]).await;
    assert_eq!((&shown["enabled"], &shown["description"]), (&json!(false), &json!("closed")), "{shown}");
    assert_eq!(ok(&run, &["availabilityzone", "list", "-f", "value", "-c", "name"]).await.trim(), "cli-az");
    let (refused, _, err) = run(args(&["availabilityzoneprofile", "delete", "cli-azp-2"])).await.unwrap();
    assert!(!refused && err.contains("in use"), "a profile a zone uses stays: {err}");
    ok(&run, &["availabilityzone", "delete", "cli-az"]).await;
    ok(&run, &["availabilityzoneprofile", "delete", "cli-azp-2"]).await;
    assert_eq!(ok(&run, &["availabilityzoneprofile", "list", "-f", "value"]).await.trim(), "");

    let providers = ok(&run, &["provider", "list", "-f", "value", "-c", "name"]).await;
    assert!(providers.lines().any(|l| l == "amphora"), "{providers}");
    let caps = json_of(&run, &["provider", "capability", "list", "amphora"]).await;
    let kinds: Vec<(String, String)> = caps
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (s(&c["type"]), s(&c["name"])))
        .filter(|(_, n)| n == "compute_zone" || n == "loadbalancer_topology")
        .collect();
    assert_eq!(
        kinds,
        [("flavor".to_string(), "loadbalancer_topology".to_string()), ("availability_zone".to_string(), "compute_zone".to_string())],
        "{caps}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_manages_l7_policies_and_rules_and_the_amphorae() {
    let c = TestCloud::start().await;
    let run = cli(&c);
    let lb = KUBE_LB;

    let listener = json_of(&run, &["listener", "create", "--name", "cli-http", "--protocol", "HTTP", "--protocol-port", "8080", lb]).await;
    assert_eq!(listener["provisioning_status"], "PENDING_CREATE", "{listener}");
    c.advance("30s").await;
    let reject = json_of(&run, &["l7policy", "create", "--name", "cli-reject", "--action", "REJECT", "cli-http"]).await;
    c.advance("30s").await;
    let redirect = json_of(
        &run,
        &[
            "l7policy",
            "create",
            "--name",
            "cli-redirect",
            "--action",
            "REDIRECT_TO_URL",
            "--redirect-url",
            "https://example.org/",
            "--position",
            "1",
            "cli-http",
        ],
    )
    .await;
    c.advance("30s").await;
    // Listed in creation order (Octavia's default sort); the positions say which runs first.
    let order = ok(&run, &["l7policy", "list", "--listener", "cli-http", "-f", "value", "-c", "name", "-c", "position"]).await;
    assert_eq!(order.lines().collect::<Vec<_>>(), ["cli-reject 2", "cli-redirect 1"], "position 1 goes first: {order}");

    let rule =
        json_of(&run, &["l7rule", "create", "--type", "PATH", "--compare-type", "STARTS_WITH", "--value", "/admin", "cli-reject"]).await;
    c.advance("30s").await;
    let rule_id = s(&rule["id"]);
    ok(&run, &["l7rule", "set", "--value", "/private", "cli-reject", &rule_id]).await;
    c.advance("30s").await;
    let shown = json_of(&run, &["l7rule", "show", "cli-reject", &rule_id]).await;
    assert_eq!((&shown["value"], &shown["provisioning_status"]), (&json!("/private"), &json!("ACTIVE")), "{shown}");
    let rules = ok(&run, &["l7rule", "list", "cli-reject", "-f", "value", "-c", "id"]).await;
    assert_eq!(rules.trim(), rule_id);
    let policy = json_of(&run, &["l7policy", "show", "cli-reject"]).await;
    assert!(policy["rules"].to_string().contains(&rule_id), "{policy}");
    ok(&run, &["l7rule", "delete", "cli-reject", &rule_id]).await;
    c.advance("30s").await;
    ok(&run, &["l7policy", "delete", &s(&redirect["id"])]).await;
    c.advance("30s").await;
    let left = json_of(&run, &["l7policy", "show", &s(&reject["id"])]).await;
    assert_eq!(left["position"], 1, "the gap closes: {left}");

    let amps = json_of(&run, &["amphora", "list", "--loadbalancer", lb]).await;
    let amp = amps.as_array().and_then(|a| a.first()).cloned().unwrap_or_else(|| panic!("the fixture LB's amphora: {amps}"));
    assert_eq!(amp["status"], "ALLOCATED", "{amp}");
    let shown = json_of(&run, &["amphora", "show", &s(&amp["id"])]).await;
    assert_eq!((&shown["loadbalancer_id"], &shown["role"]), (&amp["loadbalancer_id"], &json!("STANDALONE")), "{shown}");
    let stats = json_of(&run, &["amphora", "stats", "show", &s(&amp["id"])]).await;
    assert!(stats.get("active_connections").is_some(), "{stats}");
    ok(&run, &["amphora", "failover", &s(&amp["id"])]).await;
    let after = json_of(&run, &["show", lb]).await;
    assert_eq!(after["provisioning_status"], "PENDING_UPDATE", "a failover locks the load balancer: {after}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_sets_shows_lists_and_resets_a_projects_quotas() {
    let c = TestCloud::start().await;
    let run = cli(&c);

    let defaults = json_of(&run, &["quota", "defaults", "show"]).await;
    for k in ["load_balancer", "listener", "pool", "health_monitor", "member", "l7policy", "l7rule"] {
        assert_eq!(defaults[k], -1, "{k} defaults to unlimited: {defaults}");
    }
    // The client sends the older names (`load_balancer`, `health_monitor`) and reads them back.
    let set = json_of(&run, &["quota", "set", "--loadbalancer", "4", "--healthmonitor", "9", "--l7rule", "0", "demo"]).await;
    assert_eq!(
        (&set["load_balancer"], &set["health_monitor"], &set["l7rule"], &set["pool"]),
        (&json!(4), &json!(9), &json!(0), &json!(-1)),
        "{set}"
    );
    let shown = json_of(&run, &["quota", "show", "demo"]).await;
    assert_eq!(shown, set, "show gives what set left");
    let listed = json_of(&run, &["quota", "list"]).await;
    let rows = listed.as_array().unwrap_or_else(|| panic!("{listed}"));
    assert_eq!(rows.len(), 1, "only demo has a quota set: {listed}");
    assert_eq!(rows[0]["load_balancer"], 4, "{listed}");

    ok(&run, &["quota", "reset", "demo"]).await;
    let shown = json_of(&run, &["quota", "show", "demo"]).await;
    assert_eq!((&shown["load_balancer"], &shown["health_monitor"], &shown["l7rule"]), (&json!(-1), &json!(-1), &json!(-1)), "{shown}");
    let listed = json_of(&run, &["quota", "list"]).await;
    assert_eq!(listed, json!([]), "a reset project is no longer listed");
}
