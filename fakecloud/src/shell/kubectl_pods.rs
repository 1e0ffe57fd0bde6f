//! The management cluster's pods, as `kubectl get pods` shows them: the Cluster API controllers
//! (core, kubeadm bootstrap and control plane), CAPO and its ORC, the janitor and addon provider
//! that the capi-helm driver installs, cert-manager, and the k8s-snap system pods. They live on
//! the one management VM, so their states follow the plane: they exist only while the API
//! answers, every boot restarts them, and the controllers pass their readiness probes a little
//! after the API is back (their leader election and caches).

use crate::container_infra::capi::Capi;
use crate::sim::SimTime;
use chrono::Duration;
use serde_json::{json, Value};

/// Seconds after the API answers before a controller's readiness probe passes.
const CONTROLLER_WARMUP_SECS: i64 = 40;

/// (namespace, pod name, runs on the host network, is a controller with a readiness probe).
const PODS: &[(&str, &str, bool, bool)] = &[
    ("capi-addon-system", "capi-addon-provider-7d8b9c6f5d-mt9xq", false, true),
    ("capi-janitor-system", "capi-janitor-openstack-5c9f7d8b6c-w4hzn", false, true),
    ("capi-kubeadm-bootstrap-system", "capi-kubeadm-bootstrap-controller-manager-6b8c7d9f4b-p2xkl", false, true),
    ("capi-kubeadm-control-plane-system", "capi-kubeadm-control-plane-controller-manager-5f7b9c8d6d-rq7vz", false, true),
    ("capi-system", "capi-controller-manager-7c6d9f8b5c-h8njt", false, true),
    ("capo-system", "capo-controller-manager-6f9c8b7d4f-z5mwk", false, true),
    ("cert-manager", "cert-manager-5b8d7c9f6d-kx2pq", false, false),
    ("cert-manager", "cert-manager-cainjector-6d9c8f7b5c-t7rwm", false, false),
    ("cert-manager", "cert-manager-webhook-7f8b9d6c4d-n3vxh", false, false),
    ("kube-system", "cilium-operator-6c9d8f7b5d-q4zlm", true, false),
    ("kube-system", "cilium-x7k2p", true, false),
    ("kube-system", "ck-storage-rawfile-csi-controller-0", false, false),
    ("kube-system", "ck-storage-rawfile-csi-node-9fhwd", true, false),
    ("kube-system", "coredns-7d9c8b6f5c-j2mtx", false, false),
    ("kube-system", "metrics-server-8b7c9d6f5d-v6pqr", false, false),
    ("orc-system", "orc-controller-manager-5d8c7f9b6c-b9kzs", false, true),
];

/// kubectl's short ages: 45s, 12m, 26h, 3d.
pub fn age(from: SimTime, now: SimTime) -> String {
    let s = (now - from).num_seconds().max(0);
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=86_399 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// The pods in `namespace` (every namespace for `None`), each with the cells kubectl prints
/// (`printed`) and the extra ones of `-o wide` (`wide`). `ready_at` is when the API first
/// answered on this boot; `node` and `node_ip` are the management VM's.
pub fn pods(capi: &Capi, namespace: Option<&str>, ready_at: SimTime, now: SimTime, node: &str, node_ip: &str) -> Vec<Value> {
    let booted = capi.running_since.unwrap_or(ready_at);
    // The fixture's boot is epoch 1; each park and each start moves it on, and every start after
    // the fixture's restarts each container once.
    let restarts = capi.epoch.saturating_sub(1) / 2;
    // The fixture's plane has been up for a long time; a start since then warms up.
    let warm = capi.epoch <= 1 || now >= ready_at + Duration::seconds(CONTROLLER_WARMUP_SECS);
    let mut out = vec![];
    for (i, (ns, name, host_network, controller)) in PODS.iter().enumerate() {
        if namespace.is_some_and(|n| n != *ns) {
            continue;
        }
        let ready = !controller || warm;
        let ip = if *host_network { node_ip.to_string() } else { format!("10.1.0.{}", 10 + i) };
        let restart_cell = if restarts == 0 { "0".to_string() } else { format!("{restarts} ({} ago)", age(booted, now)) };
        out.push(json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": ns, "creationTimestamp": crate::sim::time::rfc3339(booted)},
            "spec": {"nodeName": node, "hostNetwork": host_network},
            "status": {"phase": "Running", "podIP": ip, "hostIP": node_ip,
                       "conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}],
                       "containerStatuses": [{"name": name.split('-').next().unwrap_or(name), "ready": ready, "restartCount": restarts}]},
            "printed": [if ready { "1/1" } else { "0/1" }, "Running", restart_cell, age(booted, now)],
            "wide": [ip, node, "<none>", "<none>"],
        }));
    }
    out
}
