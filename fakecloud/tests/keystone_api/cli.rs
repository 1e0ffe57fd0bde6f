//! The pinned `openstack` CLI (python-openstackclient) manages domains, projects, users and
//! groups: what real clients send is what these routes take.

use crate::common::TestCloud;
use std::process::Command;

/// Runs the CLI as the fixture's admin; its stdout, after asserting it succeeded.
fn cli(openstack: &std::path::Path, env: &[(String, String)], args: &[&str]) -> String {
    let mut cmd = Command::new(openstack);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("OS_")) {
        cmd.env_remove(k);
    }
    let out = cmd.args(args).envs(env.iter().cloned()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "openstack {args:?}: {text}{}", String::from_utf8_lossy(&out.stderr));
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openstack_cli_manages_domains_projects_users_and_groups() {
    let openstack = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.clients/venv/bin/openstack");
    assert!(openstack.exists(), "{} is missing: ci/test installs the pinned clients", openstack.display());
    let c = TestCloud::start().await;
    let env = fakecloud::cli::env::os_vars(&fakecloud::Fixture::default_cloud(), &c.running.url(), "admin").unwrap();
    let run = move |args: &'static [&'static str]| {
        let (openstack, env) = (openstack.clone(), env.clone());
        tokio::task::spawn_blocking(move || cli(&openstack, &env, args))
    };
    let domain: serde_json::Value =
        serde_json::from_str(&run(&["domain", "create", "--description", "d", "acme", "-f", "json"]).await.unwrap()).unwrap();
    assert_eq!((&domain["name"], &domain["enabled"]), (&serde_json::json!("acme"), &serde_json::json!(true)));
    let project: serde_json::Value =
        serde_json::from_str(&run(&["project", "create", "--domain", "acme", "--tag", "blue", "web", "-f", "json"]).await.unwrap())
            .unwrap();
    assert_eq!((&project["domain_id"], &project["tags"]), (&domain["id"], &serde_json::json!(["blue"])));
    let user = run(&["user", "create", "--domain", "acme", "--password", "p", "--email", "ann@x", "ann", "-f", "json"]).await.unwrap();
    assert!(user.contains("ann@x") && !user.contains("\"password\""), "{user}");
    run(&["group", "create", "--domain", "acme", "ops"]).await.unwrap();
    run(&["group", "add", "user", "--group-domain", "acme", "--user-domain", "acme", "ops", "ann"]).await.unwrap();
    let contains = run(&["group", "contains", "user", "--group-domain", "acme", "--user-domain", "acme", "ops", "ann"]).await.unwrap();
    assert!(contains.contains("ann in group ops"), "{contains}");
    assert_eq!(run(&["user", "list", "--domain", "acme", "-f", "value", "-c", "Name"]).await.unwrap().trim(), "ann");
    run(&["domain", "set", "--disable", "acme"]).await.unwrap();
    run(&["domain", "delete", "acme"]).await.unwrap();
    let left = run(&["domain", "list", "-f", "value", "-c", "Name"]).await.unwrap();
    assert_eq!(left.trim(), "Default", "the domain and everything in it are gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openstack_cli_manages_endpoint_groups_policy_blobs_and_consumers() {
    let openstack = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.clients/venv/bin/openstack");
    assert!(openstack.exists(), "{} is missing: ci/test installs the pinned clients", openstack.display());
    let c = TestCloud::start().await;
    let env = fakecloud::cli::env::os_vars(&fakecloud::Fixture::default_cloud(), &c.running.url(), "admin").unwrap();
    let run = move |args: Vec<String>| {
        let (openstack, env) = (openstack.clone(), env.clone());
        tokio::task::spawn_blocking(move || cli(&openstack, &env, &args.iter().map(String::as_str).collect::<Vec<_>>()))
    };
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let dir = tempfile::tempdir().unwrap();
    let filters = dir.path().join("filters.json");
    std::fs::write(&filters, r#"{"interface": "internal"}"#).unwrap();
    let group: serde_json::Value = serde_json::from_str(
        &run(args(&["endpoint", "group", "create", "--description", "d", "internal-only", filters.to_str().unwrap(), "-f", "json"]))
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(group["filters"], serde_json::json!({"interface": "internal"}), "{group}");
    run(args(&["endpoint", "group", "add", "project", "internal-only", "demo"])).await.unwrap();
    let listed = run(args(&["endpoint", "group", "list", "--project", "demo", "-f", "value", "-c", "Name"])).await.unwrap();
    assert_eq!(listed.trim(), "internal-only");
    let in_catalog = {
        let w = c.running.cloud.world();
        let demo = w.identity.project_named("demo").unwrap().id.clone();
        w.identity.project_endpoint_ids(&demo)
    };
    assert!(!in_catalog.is_empty(), "the group selects the internal endpoints for demo");

    let blob = dir.path().join("policy.json");
    std::fs::write(&blob, r#"{"default": ""}"#).unwrap();
    let policy: serde_json::Value = serde_json::from_str(
        &run(args(&["policy", "create", "--type", "application/json", blob.to_str().unwrap(), "-f", "json"])).await.unwrap(),
    )
    .unwrap();
    assert_eq!(policy["type"], serde_json::json!("application/json"), "{policy}");
    let consumer: serde_json::Value =
        serde_json::from_str(&run(args(&["consumer", "create", "--description", "ci", "-f", "json"])).await.unwrap()).unwrap();
    assert_eq!(consumer["secret"].as_str().map(str::len), Some(32), "{consumer}");
    let consumers = run(args(&["consumer", "list", "-f", "value", "-c", "Description"])).await.unwrap();
    assert_eq!(consumers.trim(), "ci");
}
