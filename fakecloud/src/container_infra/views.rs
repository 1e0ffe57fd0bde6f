//! Magnum's JSON. Clusters are rendered from structs so that `health_status_reason` keeps the
//! driver's key order (cluster, infrastructure, controlplane, nodegroup), which is how the CLI
//! prints it.

use super::model::*;
use crate::sim::time::offset_seconds as ts;
use crate::world::World;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn links(base: &str, kind: &str, id: &str) -> Value {
    json!([
        {"href": format!("{base}/container-infra/v1/{kind}/{id}"), "rel": "self"},
        {"href": format!("{base}/container-infra/{kind}/{id}"), "rel": "bookmark"},
    ])
}

/// The reason dict in the driver's order; an empty reason renders as `{}`.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Reason<'a> {
    Components { cluster: &'a str, infrastructure: &'a str, controlplane: &'a str, nodegroup: &'a str },
    Empty {},
}

fn reason(c: &Cluster) -> Reason<'_> {
    let get = |k: &str| c.health_status_reason.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    match (get("cluster"), get("infrastructure"), get("controlplane"), get("nodegroup")) {
        (Some(cluster), Some(infrastructure), Some(controlplane), Some(nodegroup)) => {
            Reason::Components { cluster, infrastructure, controlplane, nodegroup }
        }
        _ => Reason::Empty {},
    }
}

/// A cluster in a list: the fields Magnum keeps for collections.
#[derive(Serialize)]
pub struct ClusterSummary<'a> {
    uuid: &'a str,
    name: &'a str,
    cluster_template_id: &'a str,
    keypair: &'a Option<String>,
    docker_volume_size: Option<u64>,
    labels: &'a BTreeMap<String, String>,
    node_count: u64,
    master_count: u64,
    status: &'a str,
    health_status: &'a Option<String>,
    master_flavor_id: &'a Option<String>,
    flavor_id: &'a Option<String>,
    create_timeout: u64,
    stack_id: &'a str,
    links: Value,
}

pub fn cluster_summary<'a>(c: &'a Cluster, base: &str) -> ClusterSummary<'a> {
    ClusterSummary {
        uuid: &c.uuid,
        name: &c.name,
        cluster_template_id: &c.cluster_template_id,
        keypair: &c.keypair,
        docker_volume_size: c.docker_volume_size,
        labels: &c.labels,
        node_count: c.node_count,
        master_count: c.master_count,
        status: &c.status,
        health_status: &c.health_status,
        master_flavor_id: &c.master_flavor_id,
        flavor_id: &c.flavor_id,
        create_timeout: c.create_timeout,
        stack_id: &c.stack_id,
        links: links(base, "clusters", &c.uuid),
    }
}

#[derive(Serialize)]
pub struct ClusterDetail<'a> {
    #[serde(flatten)]
    summary: ClusterSummary<'a>,
    status_reason: &'a Option<String>,
    health_status_reason: Reason<'a>,
    api_address: &'a Option<String>,
    discovery_url: Option<String>,
    coe_version: &'a Option<String>,
    container_version: Option<String>,
    project_id: &'a str,
    user_id: &'a str,
    fixed_network: &'a Option<String>,
    fixed_subnet: &'a Option<String>,
    floating_ip_enabled: bool,
    master_lb_enabled: bool,
    master_addresses: Vec<String>,
    node_addresses: Vec<String>,
    labels_overridden: BTreeMap<String, String>,
    labels_added: BTreeMap<String, String>,
    labels_skipped: BTreeMap<String, String>,
    faults: BTreeMap<String, String>,
    created_at: String,
    updated_at: Option<String>,
}

/// The addresses of a cluster's control plane or of its workers.
fn addresses(w: &World, cluster_id: &str, master: bool) -> Vec<String> {
    let Some(cc) = w.magnum.capi.clusters.get(cluster_id) else { return vec![] };
    if master {
        machine_addresses(w, [&cc.control_plane])
    } else {
        machine_addresses(w, cc.workers.iter())
    }
}

/// The fixed addresses of deployments' machines, from their Nova servers' ports.
fn machine_addresses<'a>(w: &World, deployments: impl IntoIterator<Item = &'a super::capi::Deployment>) -> Vec<String> {
    deployments
        .into_iter()
        .flat_map(|d| d.machines.iter())
        .filter_map(|m| m.server_id.as_deref())
        .filter_map(|s| w.network.ports.values().find(|p| p.device_id == s).and_then(|p| p.fixed_ips.first()))
        .map(|f| f.ip_address.to_string())
        .collect()
}

pub fn cluster_detail<'a>(w: &World, c: &'a Cluster, base: &str) -> ClusterDetail<'a> {
    ClusterDetail {
        summary: cluster_summary(c, base),
        status_reason: &c.status_reason,
        health_status_reason: reason(c),
        api_address: &c.api_address,
        discovery_url: None,
        coe_version: &c.coe_version,
        container_version: Some("1.12.6".into()),
        project_id: &c.project_id,
        user_id: &c.user_id,
        fixed_network: &c.fixed_network,
        fixed_subnet: &c.fixed_subnet,
        floating_ip_enabled: c.floating_ip_enabled,
        master_lb_enabled: c.master_lb_enabled,
        master_addresses: addresses(w, &c.uuid, true),
        node_addresses: addresses(w, &c.uuid, false),
        labels_overridden: BTreeMap::new(),
        labels_added: BTreeMap::new(),
        labels_skipped: BTreeMap::new(),
        faults: BTreeMap::new(),
        created_at: ts(c.created_at),
        updated_at: c.updated_at.map(ts),
    }
}

pub fn template(t: &ClusterTemplate, base: &str) -> Value {
    json!({
        "uuid": t.uuid, "name": t.name, "links": links(base, "clustertemplates", &t.uuid),
        "coe": t.coe, "image_id": t.image_id, "flavor_id": t.flavor_id, "master_flavor_id": t.master_flavor_id,
        "external_network_id": t.external_network_id, "fixed_network": t.fixed_network, "fixed_subnet": t.fixed_subnet,
        "keypair_id": t.keypair_id, "network_driver": t.network_driver, "volume_driver": t.volume_driver,
        "dns_nameserver": t.dns_nameserver, "docker_volume_size": t.docker_volume_size, "docker_storage_driver": null,
        "labels": t.labels, "public": t.public, "hidden": t.hidden, "master_lb_enabled": t.master_lb_enabled,
        "floating_ip_enabled": t.floating_ip_enabled, "tls_disabled": t.tls_disabled, "registry_enabled": t.registry_enabled,
        "server_type": t.server_type, "cluster_distro": t.cluster_distro, "apiserver_port": null,
        "http_proxy": null, "https_proxy": null, "no_proxy": null, "insecure_registry": null, "tags": t.tags,
        "driver": "k8s_capi_helm_v1", "project_id": t.project_id, "user_id": t.user_id,
        "created_at": ts(t.created_at), "updated_at": t.updated_at.map(ts),
    })
}

/// A template in a list (Magnum keeps these fields for collections).
pub fn template_summary(t: &ClusterTemplate, base: &str) -> Value {
    json!({"uuid": t.uuid, "name": t.name, "tags": t.tags, "hidden": t.hidden, "links": links(base, "clustertemplates", &t.uuid)})
}

pub fn nodegroup(n: &NodeGroup, w: &World, base: &str) -> Value {
    let addrs = addresses_of_nodegroup(w, n);
    json!({
        "uuid": n.uuid, "name": n.name, "cluster_id": n.cluster_id, "project_id": n.project_id,
        "docker_volume_size": n.docker_volume_size, "labels": n.labels, "labels_overridden": {}, "labels_added": {},
        "labels_skipped": {}, "links": links(base, &format!("clusters/{}/nodegroups", n.cluster_id), &n.uuid),
        "flavor_id": n.flavor_id, "image_id": n.image_id, "node_addresses": addrs, "node_count": n.node_count,
        "role": n.role, "max_node_count": n.max_node_count, "min_node_count": n.min_node_count,
        "is_default": n.is_default, "stack_id": n.stack_id, "status": n.status, "status_reason": n.status_reason,
        "version": n.version, "merge_labels": false, "created_at": ts(n.created_at), "updated_at": n.updated_at.map(ts),
    })
}

pub fn nodegroup_summary(n: &NodeGroup, base: &str) -> Value {
    json!({
        "uuid": n.uuid, "name": n.name, "flavor_id": n.flavor_id, "image_id": n.image_id, "node_count": n.node_count,
        "role": n.role, "status": n.status, "is_default": n.is_default, "max_node_count": n.max_node_count,
        "min_node_count": n.min_node_count, "links": links(base, &format!("clusters/{}/nodegroups", n.cluster_id), &n.uuid),
    })
}

fn addresses_of_nodegroup(w: &World, n: &NodeGroup) -> Vec<String> {
    let Some(cc) = w.magnum.capi.clusters.get(&n.cluster_id) else { return vec![] };
    let d = if n.role == ROLE_MASTER { Some(&cc.control_plane) } else { cc.workers.iter().find(|d| d.nodegroup == n.name) };
    machine_addresses(w, d)
}

/// The management plane and the CAPI objects on it, for the control API (`GET /_fakecloud/capi`)
/// and the harness. The objects are what the management cluster stores; `kube_api` says
/// whether a client could read them now.
pub fn management(w: &World) -> Value {
    let capi = &w.magnum.capi;
    let now = w.now();
    let phase = capi.phase(now);
    let server = capi.server_id.as_deref().and_then(|s| w.compute.server(s));
    let after = |secs: i64| capi.running_since.map(|t| crate::sim::time::rfc3339(t + chrono::Duration::seconds(secs)));
    use super::capi::Phase;
    let kube_api = match phase {
        Phase::Ready => "ready",
        Phase::Converging => "noisy",
        _ => "unreachable",
    };
    let clusters: Vec<Value> = capi
        .clusters
        .iter()
        .map(|(magnum_id, cc)| {
            let deployment = |d: &super::capi::Deployment| {
                json!({"name": d.name, "nodegroup": d.nodegroup, "replicas": d.replicas, "readyReplicas": d.ready_replicas(),
                       "phase": d.phase, "conditions": d.conditions})
            };
            let machines: Vec<Value> = cc
                .deployments()
                .flat_map(|d| d.machines.iter().map(move |m| (d, m)))
                .map(|(d, m)| {
                    json!({"name": m.name, "owner": d.name, "phase": m.phase, "ready": m.ready,
                           "providerID": m.server_id.as_ref().map(|s| format!("openstack:///{s}"))})
                })
                .collect();
            let initialized = cc.conditions.iter().any(|c| c.kind == "ControlPlaneInitialized" && c.status == "True");
            let cluster_phase = if cc.deleting {
                "Deleting"
            } else if cc.infrastructure.ready && initialized {
                "Provisioned"
            } else {
                "Provisioning"
            };
            json!({
                "namespace": cc.namespace, "name": cc.name, "magnum_cluster": magnum_id,
                "cluster": {"phase": cluster_phase, "conditions": cc.conditions},
                "openstackcluster": {"ready": cc.infrastructure.ready, "failureReason": cc.infrastructure.failure_reason,
                                     "failureMessage": cc.infrastructure.failure_message, "loadBalancer": cc.lb_name(),
                                     "conditions": cc.infrastructure.conditions},
                "kubeadmcontrolplane": deployment(&cc.control_plane),
                "machinedeployments": cc.workers.iter().map(deployment).collect::<Vec<_>>(),
                "machines": machines,
            })
        })
        .collect();
    json!({
        "management": {
            "server": server.map(|s| s.name.clone()), "server_id": capi.server_id, "server_status": server.map(|s| s.status()),
            "endpoint": w.management_endpoint(), "phase": phase.as_str(), "kube_api": kube_api,
            "ssh_port_open": matches!(phase, Phase::Converging | Phase::Ready),
            "running_since": capi.running_since.map(crate::sim::time::rfc3339),
            "ssh_at": after(capi.sshd_secs), "converged_at": after(capi.converge_secs),
        },
        "clusters": clusters,
    })
}
