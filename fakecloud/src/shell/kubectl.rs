//! `kubectl` against the CAPI management cluster Magnum uses (`container_infra/capi.rs`):
//! `kubectl get cluster,openstackcluster,kubeadmcontrolplane,machinedeployments,machines`
//! (`-n NS`, `-A`, `-o json|wide|name`), `kubectl get nodes` and `kubectl get pods`
//! (`kubectl_pods.rs`). It answers only when the management API
//! does: refused while the VM is parked or booting, a TLS handshake timeout while it converges.

use super::docker::table;
use super::kubectl_pods::{age, pods};
use super::output::Output;
use crate::container_infra::capi::{CapiCluster, Phase};
use crate::sim::SimTime;
use crate::world::World;
use serde_json::{json, Value};

const VERSION: &str = "v1.28.5";

/// The resource kinds `get` knows, by every name kubectl accepts for them.
fn kind(name: &str) -> Option<&'static str> {
    Some(match name.to_lowercase().as_str() {
        "cluster" | "clusters" | "cl" | "clusters.cluster.x-k8s.io" => "cluster",
        "openstackcluster" | "openstackclusters" | "osc" | "openstackclusters.infrastructure.cluster.x-k8s.io" => "openstackcluster",
        "kubeadmcontrolplane" | "kubeadmcontrolplanes" | "kcp" | "kubeadmcontrolplanes.controlplane.cluster.x-k8s.io" => {
            "kubeadmcontrolplane"
        }
        "machinedeployment" | "machinedeployments" | "md" | "machinedeployments.cluster.x-k8s.io" => "machinedeployment",
        "machine" | "machines" | "ma" | "machines.cluster.x-k8s.io" => "machine",
        "node" | "nodes" | "no" => "node",
        "pod" | "pods" | "po" => "pod",
        _ => return None,
    })
}

fn qualified(kind: &str) -> &'static str {
    match kind {
        "cluster" => "cluster.cluster.x-k8s.io",
        "openstackcluster" => "openstackcluster.infrastructure.cluster.x-k8s.io",
        "kubeadmcontrolplane" => "kubeadmcontrolplane.controlplane.cluster.x-k8s.io",
        "machinedeployment" => "machinedeployment.cluster.x-k8s.io",
        "machine" => "machine.cluster.x-k8s.io",
        "pod" => "pod",
        _ => "node",
    }
}

pub fn run(w: &mut World, args: &[String]) -> Output {
    let mut namespace = "default".to_string();
    let (mut all, mut output) = (false, String::new());
    let mut words = vec![];
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let value = |i: &mut usize| {
            *i += 1;
            args.get(*i).cloned().unwrap_or_default()
        };
        match a {
            "-n" | "--namespace" => namespace = value(&mut i),
            "-o" | "--output" => output = value(&mut i),
            "--kubeconfig" | "--context" | "--cluster" | "--user" | "--request-timeout" => {
                value(&mut i);
            }
            "-A" | "--all-namespaces" => all = true,
            _ if a.starts_with("--namespace=") => namespace = a["--namespace=".len()..].into(),
            _ if a.starts_with("-o") && a.len() > 2 => output = a.trim_start_matches("-o").trim_start_matches('=').into(),
            _ if a.starts_with("--output=") => output = a["--output=".len()..].into(),
            _ if a.starts_with("--kubeconfig=") || a.starts_with("--context=") || a.starts_with("--request-timeout=") => {}
            _ if a.starts_with('-') => return Output::fail(1, format!("error: unknown flag: {a}\nSee 'kubectl get --help' for usage.\n")),
            _ => words.push(a.to_string()),
        }
        i += 1;
    }
    match words.first().map(String::as_str) {
        Some("get") => {}
        Some(other) => {
            return Output::fail(1, format!("error: unknown command \"{other}\" for \"kubectl\"\n\nDid you mean this?\n\tget\n\nRun 'kubectl --help' for usage.\n"))
        }
        None => return Output::fail(1, "kubectl controls the Kubernetes cluster manager.\n\nBasic Commands (Beginner):\n  get           Display one or many resources\n\nUsage:\n  kubectl [flags] [options]\n"),
    }
    let Some(types) = words.get(1) else {
        return Output::fail(1, "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\n");
    };
    let name = words.get(2).cloned();
    let mut kinds = vec![];
    for t in types.split(',') {
        match kind(t) {
            Some(k) => kinds.push(k),
            None => return Output::fail(1, format!("error: the server doesn't have a resource type \"{t}\"\n")),
        }
    }
    if !["", "json", "wide", "name"].contains(&output.as_str()) {
        return Output::fail(
            1,
            format!("error: unable to match a printer suitable for the output format \"{output}\", allowed formats are: json,name,wide\n"),
        );
    }
    let now = w.now();
    let capi = &w.magnum.capi;
    let endpoint = w.management_endpoint();
    match capi.phase(now) {
        Phase::Ready => {}
        Phase::Converging => return Output::fail(1, "Unable to connect to the server: net/http: TLS handshake timeout\n"),
        Phase::Absent => {
            return Output::fail(1, "error: no configuration has been provided, try setting KUBERNETES_MASTER environment variable\n")
        }
        _ => {
            return Output::fail(
                1,
                format!("The connection to the server {endpoint}:6443 was refused - did you specify the right host or port?\n"),
            )
        }
    }
    let clusters: Vec<&CapiCluster> = capi.clusters.values().filter(|c| all || c.namespace == namespace).collect();
    let pod_namespace = if all { None } else { Some(namespace.as_str()) };
    let mut items: Vec<(&'static str, Value)> = vec![];
    for k in &kinds {
        for o in objects(w, k, &clusters, pod_namespace, now) {
            if name.as_ref().is_none_or(|n| o["metadata"]["name"] == n.as_str()) {
                items.push((k, o));
            }
        }
    }
    if let (Some(n), true) = (&name, items.is_empty()) {
        let (k, group) = qualified(kinds[0]).split_once('.').unwrap_or((kinds[0], ""));
        let resource = if group.is_empty() { format!("{k}s") } else { format!("{k}s.{group}") };
        return Output::fail(1, format!("Error from server (NotFound): {resource} \"{n}\" not found\n"));
    }
    if items.is_empty() {
        return Output {
            stderr: if all { "No resources found\n".into() } else { format!("No resources found in {namespace} namespace.\n") },
            ..Default::default()
        };
    }
    match output.as_str() {
        "json" => {
            for (_, o) in items.iter_mut() {
                if let Some(m) = o.as_object_mut() {
                    m.remove("printed");
                    m.remove("wide");
                }
            }
            let body = if name.is_some() && items.len() == 1 {
                items[0].1.clone()
            } else {
                json!({"apiVersion": "v1", "kind": "List", "items": items.iter().map(|(_, o)| o.clone()).collect::<Vec<_>>(), "metadata": {"resourceVersion": ""}})
            };
            Output::ok(format!("{}\n", serde_json::to_string_pretty(&body).unwrap_or_default()))
        }
        "name" => Output::ok(
            items
                .iter()
                .map(|(k, o)| format!("{}/{}\n", qualified(k), o["metadata"]["name"].as_str().unwrap_or_default()))
                .collect::<String>(),
        ),
        _ => Output::ok(tables(&kinds, &items, all, output == "wide")),
    }
}

/// One table per kind; with several kinds each name carries its kind, as kubectl prints them.
fn tables(kinds: &[&'static str], items: &[(&'static str, Value)], all: bool, wide: bool) -> String {
    let mut out = vec![];
    for k in kinds {
        let rows_of: Vec<&Value> = items.iter().filter(|(kk, _)| kk == k).map(|(_, o)| o).collect();
        if rows_of.is_empty() {
            continue;
        }
        let header: Vec<&str> = match *k {
            "cluster" => vec!["NAME", "CLUSTERCLASS", "PHASE", "AGE", "VERSION"],
            "openstackcluster" => vec!["NAME", "CLUSTER", "READY", "NETWORK", "SUBNET", "BASTION IP", "AGE"],
            "kubeadmcontrolplane" => vec![
                "NAME",
                "CLUSTER",
                "INITIALIZED",
                "API SERVER AVAILABLE",
                "REPLICAS",
                "READY",
                "UPDATED",
                "UNAVAILABLE",
                "AGE",
                "VERSION",
            ],
            "machinedeployment" => vec!["NAME", "CLUSTER", "REPLICAS", "READY", "UPDATED", "UNAVAILABLE", "PHASE", "AGE", "VERSION"],
            "machine" => vec!["NAME", "CLUSTER", "NODENAME", "PROVIDERID", "PHASE", "AGE", "VERSION"],
            "pod" => vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            _ => vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        };
        let mut rows = vec![];
        let mut head: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        // `-o wide` adds the columns kubectl prints at priority 1 (nodes and pods have some;
        // the CAPI kinds none).
        if wide {
            let extra: &[&str] = match *k {
                "node" => &["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"],
                "pod" => &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
                _ => &[],
            };
            head.extend(extra.iter().map(|h| h.to_string()));
        }
        if all {
            head.insert(0, "NAMESPACE".into());
        }
        rows.push(head);
        for o in rows_of {
            let name = o["metadata"]["name"].as_str().unwrap_or_default();
            let shown = if kinds.len() > 1 { format!("{}/{name}", qualified(k)) } else { name.to_string() };
            let mut row: Vec<String> = vec![shown];
            let cells = &o["printed"];
            row.extend(cells.as_array().into_iter().flatten().map(|c| c.as_str().unwrap_or_default().to_string()));
            if wide {
                row.extend(o["wide"].as_array().into_iter().flatten().map(|c| c.as_str().unwrap_or_default().to_string()));
            }
            if all {
                row.insert(0, o["metadata"]["namespace"].as_str().unwrap_or_default().to_string());
            }
            rows.push(row);
        }
        out.push(table(&rows, 0, 3));
    }
    out.join("\n")
}

/// The objects of one kind, as JSON with their status, plus the cells kubectl prints (`printed`,
/// dropped from `-o json`).
fn objects(w: &World, kind: &str, clusters: &[&CapiCluster], pod_namespace: Option<&str>, now: SimTime) -> Vec<Value> {
    let meta = |name: &str, ns: &str, created: SimTime| json!({"name": name, "namespace": ns, "creationTimestamp": crate::sim::time::rfc3339(created)});
    let mut v = vec![];
    if kind == "node" || kind == "pod" {
        let capi = &w.magnum.capi;
        let server = capi.server_id.as_deref().and_then(|s| w.compute.server(s));
        let Some((s, since)) = server.zip(capi.running_since) else { return v };
        let internal_ip = w
            .network
            .ports
            .values()
            .find(|p| p.device_id == s.id)
            .and_then(|p| p.fixed_ips.first())
            .map(|f| f.ip_address.to_string())
            .unwrap_or_default();
        if kind == "pod" {
            let ready_at = since + chrono::Duration::seconds(capi.converge_secs);
            return pods(capi, pod_namespace, ready_at, now, &s.name, &internal_ip);
        }
        let external = w.management_endpoint();
        let external = if external == internal_ip { "<none>".to_string() } else { external };
        v.push(json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": s.name},
                      "status": {"conditions": [{"type": "Ready", "status": "True"}], "addresses": [{"type": "InternalIP", "address": internal_ip}]},
                      "printed": ["Ready", "control-plane", age(since, now), VERSION],
                      "wide": [internal_ip, external, "Ubuntu 24.04.1 LTS", "6.8.0-51-generic", "containerd://1.6.36"]}));
        return v;
    }
    for c in clusters {
        let (ns, created) = (c.namespace.as_str(), c.created_at);
        match kind {
            "cluster" => {
                let initialized = c.conditions.iter().any(|x| x.kind == "ControlPlaneInitialized" && x.status == "True");
                let phase = if c.deleting {
                    "Deleting"
                } else if c.infrastructure.ready && initialized {
                    "Provisioned"
                } else {
                    "Provisioning"
                };
                v.push(json!({"apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "Cluster", "metadata": meta(&c.name, ns, created),
                              "status": {"phase": phase, "infrastructureReady": c.infrastructure.ready, "controlPlaneReady": initialized, "conditions": c.conditions},
                              "printed": ["", phase, age(created, now), VERSION]}));
            }
            "openstackcluster" => {
                let net = c.infrastructure.network_id.clone().unwrap_or_default();
                let mut status = json!({"ready": c.infrastructure.ready, "conditions": c.infrastructure.conditions});
                if let Some(r) = &c.infrastructure.failure_reason {
                    status["failureReason"] = json!(r);
                    status["failureMessage"] = json!(c.infrastructure.failure_message);
                }
                v.push(json!({"apiVersion": "infrastructure.cluster.x-k8s.io/v1beta1", "kind": "OpenStackCluster", "metadata": meta(&c.name, ns, created), "status": status,
                              "printed": [c.name, c.infrastructure.ready.to_string(), net, c.infrastructure.subnet_id.clone().unwrap_or_default(), "", age(created, now)]}));
            }
            "kubeadmcontrolplane" => {
                let d = &c.control_plane;
                let ready = d.ready_replicas();
                let initialized = c.conditions.iter().any(|x| x.kind == "ControlPlaneInitialized" && x.status == "True");
                v.push(json!({"apiVersion": "controlplane.cluster.x-k8s.io/v1beta1", "kind": "KubeadmControlPlane", "metadata": meta(&d.name, ns, created),
                              "status": {"replicas": d.machines.len(), "readyReplicas": ready, "conditions": d.conditions},
                              "printed": [c.name, initialized.to_string(), (ready > 0).to_string(), d.replicas.to_string(), ready.to_string(), d.machines.len().to_string(), (d.replicas.saturating_sub(ready)).to_string(), age(created, now), VERSION]}));
            }
            "machinedeployment" => {
                for d in &c.workers {
                    let ready = d.ready_replicas();
                    v.push(json!({"apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "MachineDeployment", "metadata": meta(&d.name, ns, created),
                                  "status": {"replicas": d.machines.len(), "readyReplicas": ready, "phase": d.phase, "conditions": d.conditions},
                                  "printed": [c.name, d.replicas.to_string(), ready.to_string(), d.machines.len().to_string(), (d.replicas.saturating_sub(ready)).to_string(), d.phase, age(created, now), VERSION]}));
                }
            }
            _ => {
                for d in c.deployments() {
                    for m in &d.machines {
                        let provider = m.server_id.as_ref().map(|s| format!("openstack:///{s}")).unwrap_or_default();
                        let node = if m.phase == "Running" { m.name.clone() } else { String::new() };
                        v.push(json!({"apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "Machine", "metadata": meta(&m.name, ns, created),
                                      "spec": {"providerID": provider, "clusterName": c.name}, "status": {"phase": m.phase, "nodeRef": {"name": node}},
                                      "printed": [c.name, node, provider, m.phase, age(created, now), VERSION]}));
                    }
                }
            }
        }
    }
    v
}
