//! `pcs resource show|config [NAME...]`: each resource's configuration (its bundle, container,
//! network, storage and the primitive inside) as TripleO defines it.

use super::common::{find, is_remote};
use crate::shell::output::Output;
use crate::tripleo::model::*;

/// The container options TripleO gives its bundles (cinder-volume adds IPC and privileges).
const BUNDLE_OPTIONS: &str = "--user=root --log-driver=journald -e KOLLA_CONFIG_STRATEGY=COPY_ALWAYS";
const CINDER_VOLUME_OPTIONS: &str = "--ipc=host --privileged=true --user=root --log-driver=journald -e KOLLA_CONFIG_STRATEGY=COPY_ALWAYS";
/// The pacemaker_remote port of the bundles that run a resource agent inside their containers.
const CONTROL_PORT: u16 = 3123;

/// The configuration of the named resources (all of them when none is named).
pub(super) fn configs_out(o: &Overcloud, names: &[&str], v2: bool) -> Output {
    if names.is_empty() {
        return Output::ok(o.cluster.resources.iter().map(|r| config(o, r, v2)).collect::<String>());
    }
    let mut out = String::new();
    for name in names {
        match find(o, name) {
            Some(r) => out.push_str(&config(o, r, v2)),
            None => return Output { stdout: out, stderr: format!("Error: unable to find resource '{name}'\n"), status: 1, file: None },
        }
    }
    Output::ok(out)
}

/// `class`, `provider`, `type` of an agent written `ocf::heartbeat:galera`.
fn agent_parts(agent: &str) -> (&str, &str, &str) {
    let mut parts = agent.split(':').filter(|p| !p.is_empty());
    let class = parts.next().unwrap_or("ocf");
    let provider = parts.next().unwrap_or("heartbeat");
    let kind = parts.next().unwrap_or(provider);
    (class, provider, kind)
}

/// The primitive a remote bundle runs, as TripleO names it (`rabbitmq`, `galera`, `redis`,
/// `ovndb_servers`): the prefix of its operation ids and of its Failed Actions.
fn primitive_name(kind: &str) -> String {
    kind.replace("-cluster", "").replace("ovndb-servers", "ovndb_servers")
}

/// Lines aligned under a heading: `heading first`, then each other line under `first`.
fn aligned(indent: &str, heading: &str, items: &[String]) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i == 0 {
            out.push_str(&format!("{indent}{heading} {item}\n"));
        } else {
            out.push_str(&format!("{indent}{} {item}\n", " ".repeat(heading.len())));
        }
    }
    out
}

/// Operations as pcs lists them: `NAME interval=.. [role=..] timeout=.. (ID)`.
fn operations(id: &str, ops: &[(&str, &str, Option<&str>, &str)], v2: bool) -> Vec<String> {
    ops.iter()
        .map(|(name, interval, role, timeout)| {
            let role = role.map(|r| match r {
                "Master" if v2 => " role=Promoted".to_string(),
                "Slave" if v2 => " role=Unpromoted".to_string(),
                r => format!(" role={r}"),
            });
            format!("{name} interval={interval}{} timeout={timeout} ({id}-{name}-interval-{interval})", role.unwrap_or_default())
        })
        .collect()
}

fn config(o: &Overcloud, r: &Resource, v2: bool) -> String {
    if r.kind == ResourceKind::Vip {
        let addr = r.vip.clone().unwrap_or_else(|| r.name.trim_start_matches("ip-").to_string());
        let (class, provider, kind) = agent_parts(&r.agent);
        let ops = operations(&r.name, &[("monitor", "10s", None, "20s"), ("start", "0s", None, "20s"), ("stop", "0s", None, "20s")], v2);
        return format!(
            " Resource: {} (class={class} provider={provider} type={kind})\n  Attributes: cidr_netmask=32 ip={addr}\n{}",
            r.name,
            aligned("  ", "Operations:", &ops)
        );
    }
    let engine = if o.container_cli == "podman" { "Podman" } else { "Docker" };
    let options = if r.kind == ResourceKind::ActivePassive { CINDER_VOLUME_OPTIONS } else { BUNDLE_OPTIONS };
    // pcs prints the container attributes sorted; a promotable bundle has `masters` (Pacemaker 1.1)
    // or `promoted-max` (2.x): every Galera replica is promoted, one of Redis's and OVN's.
    let promoted =
        if r.kind == ResourceKind::MultiState { Some(if r.name == "galera-bundle" { r.replicas.len() } else { 1 }) } else { None };
    let masters = promoted.filter(|_| !v2).map(|n| format!(" masters={n}")).unwrap_or_default();
    let promoted_max = promoted.filter(|_| v2).map(|n| format!(" promoted-max={n}")).unwrap_or_default();
    let mut out = format!(
        " Bundle: {}\n  {engine}: image={}{masters} network=host options=\"{options}\"{promoted_max} replicas={} run-command=\"{}\"\n",
        r.name,
        r.image,
        r.replicas.len(),
        r.run_command
    );
    if is_remote(r) {
        out.push_str(&format!("  Network: control-port={CONTROL_PORT}\n"));
    }
    if !r.storage.is_empty() {
        out.push_str("  Storage Mapping:\n");
        for (opts, src, dst, id) in &r.storage {
            out.push_str(&format!("   options={opts} source-dir={src} target-dir={dst} ({id})\n"));
        }
    }
    if is_remote(r) {
        let (class, provider, kind) = agent_parts(&r.agent);
        let prim = primitive_name(kind);
        out.push_str(&format!("  Resource: {prim} (class={class} provider={provider} type={kind})\n"));
        let (attrs, meta, ops) = primitive_details(o, &prim);
        if !attrs.is_empty() {
            out.push_str(&format!("   Attributes: {attrs}\n"));
        }
        // Pacemaker 2 renamed master-max; pcs lists the meta attributes sorted.
        let mut meta: Vec<String> =
            meta.split(' ').map(|m| if v2 { m.replace("master-max=", "promoted-max=") } else { m.to_string() }).collect();
        meta.sort();
        out.push_str(&format!("   Meta Attrs: {}\n", meta.join(" ")));
        out.push_str(&aligned("   ", "Operations:", &operations(&prim, &ops, v2)));
    }
    out
}

type Op = (&'static str, &'static str, Option<&'static str>, &'static str);

/// The attributes, meta attributes and operations TripleO gives the agent inside a remote bundle.
/// Each has a 10s monitor, the `_monitor_10000` of its Failed Actions.
fn primitive_details(o: &Overcloud, prim: &str) -> (String, String, Vec<Op>) {
    let controllers: Vec<&str> = o.controllers().map(|n| n.name.as_str()).collect();
    let fqdn = |c: &str| format!("{c}.internalapi.localdomain");
    match prim {
        "galera" => (
            format!(
                "additional_parameters=--open-files-limit=16384 cluster_host_map={} enable_creation=true log=/var/log/mysql/mysqld.log wsrep_cluster_address=gcomm://{}",
                controllers.iter().map(|c| format!("{c}:{}", fqdn(c))).collect::<Vec<_>>().join(";"),
                controllers.iter().map(|c| fqdn(c)).collect::<Vec<_>>().join(",")
            ),
            format!("container-attribute-target=host master-max={} ordered=true", controllers.len()),
            vec![
                ("demote", "0s", None, "120s"),
                ("monitor", "10s", Some("Master"), "30s"),
                ("monitor", "30s", Some("Slave"), "30s"),
                ("promote", "0s", None, "300s"),
                ("start", "0s", None, "120s"),
                ("stop", "0s", None, "120s"),
            ],
        ),
        "redis" => (
            "wait_last_known_master=true".into(),
            "container-attribute-target=host interleave=true notify=true ordered=true".into(),
            vec![
                ("demote", "0s", None, "120s"),
                ("monitor", "10s", Some("Master"), "60s"),
                ("monitor", "60s", Some("Slave"), "60s"),
                ("promote", "0s", None, "120s"),
                ("start", "0s", None, "200s"),
                ("stop", "0s", None, "200s"),
            ],
        ),
        "ovndb_servers" => (
            format!(
                "inactive_probe_interval=180000 manage_northd=yes master_ip={} nb_master_port=6641 sb_master_port=6642",
                crate::tripleo::boot::vip("ovn_dbs")
            ),
            "container-attribute-target=host interleave=true notify=true ordered=true".into(),
            vec![
                ("demote", "0s", None, "50s"),
                ("monitor", "10s", Some("Master"), "60s"),
                ("monitor", "30s", Some("Slave"), "60s"),
                ("notify", "0s", None, "20s"),
                ("promote", "0s", None, "50s"),
                ("start", "0s", None, "200s"),
                ("stop", "0s", None, "200s"),
            ],
        ),
        _ => (
            String::new(),
            "container-attribute-target=host notify=true".into(),
            vec![("monitor", "10s", None, "40s"), ("start", "0s", None, "200s"), ("stop", "0s", None, "200s")],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::pcs::tests::*;

    #[test]
    fn resource_show_haproxy_bundle() {
        let mut w = world();
        let out = pcs(&mut w, "controller-0", "resource show haproxy-bundle");
        assert_eq!(out.status, 0);
        assert!(out.stderr.is_empty());
        insta::assert_snapshot!(out.text());
    }

    #[test]
    fn resource_show_a_vip() {
        let mut w = world();
        let vip = w.overcloud.cluster.resources.iter().find(|r| r.kind == ResourceKind::Vip).unwrap().name.clone();
        let out = pcs(&mut w, "controller-0", &format!("resource show {vip}"));
        assert_eq!(out.status, 0);
        insta::assert_snapshot!(out.text());
    }

    #[test]
    fn resource_config_galera_bundle_in_both_wordings() {
        let mut w = world();
        let v1 = pcs(&mut w, "controller-0", "resource config galera-bundle");
        assert!(v1.stdout.contains(" masters=3 "));
        w.overcloud.pacemaker = "2".into();
        let v2 = pcs(&mut w, "controller-0", "resource show galera-bundle");
        assert!(v2.stdout.contains(" promoted-max=3 "));
        assert_eq!(v2.stderr, "Warning: This command is deprecated and will be removed. Please use 'pcs resource config' instead.\n");
        insta::assert_snapshot!(v2.stdout);
    }
}
