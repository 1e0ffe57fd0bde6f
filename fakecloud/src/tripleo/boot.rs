//! The overcloud's standard TripleO layout, built from the fixture's controllers and compute hosts:
//! the containers each role runs (API services with health checks, Pacemaker bundle replicas,
//! Ceph daemons), the Pacemaker resources (bundles, the VIPs, active/passive cinder-volume), the
//! clustered services' state, and the files on each node (puppet-generated config, paunch startup
//! configs). Everything starts healthy, up for 26 hours.

use super::model::*;
use crate::fixture::{Fixture, OvercloudSpec};
use crate::sim::{Ids, SimTime};
use chrono::Duration;
use std::collections::BTreeMap;

/// How long the overcloud has been up when the fixture's world starts.
const UPTIME_HOURS: i64 = 26;

/// The VIPs TripleO places with Pacemaker: (network, address).
pub const VIPS: [(&str, &str); 7] = [
    ("external", "10.0.0.5"),
    ("ctlplane", "192.168.24.6"),
    ("internal_api", "172.17.1.5"),
    ("redis", "172.17.1.6"),
    ("storage", "172.17.3.5"),
    ("storage_mgmt", "172.17.4.5"),
    ("ovn_dbs", "172.17.1.7"),
];

/// One API service container: (name, service, image, API binary, config file under the service's
/// puppet-generated tree, port behind HAProxy).
struct ApiContainer {
    name: &'static str,
    service: &'static str,
    image: &'static str,
    binary: Option<&'static str>,
    config: &'static str,
}

const CONTROLLER_CONTAINERS: &[ApiContainer] = &[
    ApiContainer { name: "keystone", service: "keystone", image: "keystone", binary: None, config: "etc/keystone/keystone.conf" },
    ApiContainer { name: "nova_api", service: "nova", image: "nova-api", binary: None, config: "etc/nova/nova.conf" },
    ApiContainer {
        name: "nova_scheduler",
        service: "nova",
        image: "nova-scheduler",
        binary: Some("nova-scheduler"),
        config: "etc/nova/nova.conf",
    },
    ApiContainer {
        name: "nova_conductor",
        service: "nova",
        image: "nova-conductor",
        binary: Some("nova-conductor"),
        config: "etc/nova/nova.conf",
    },
    ApiContainer {
        name: "placement_api",
        service: "placement",
        image: "placement-api",
        binary: None,
        config: "etc/placement/placement.conf",
    },
    ApiContainer { name: "glance_api", service: "glance", image: "glance-api", binary: None, config: "etc/glance/glance-api.conf" },
    ApiContainer { name: "neutron_api", service: "neutron", image: "neutron-server", binary: None, config: "etc/neutron/neutron.conf" },
    ApiContainer { name: "cinder_api", service: "cinder", image: "cinder-api", binary: None, config: "etc/cinder/cinder.conf" },
    ApiContainer {
        name: "cinder_scheduler",
        service: "cinder",
        image: "cinder-scheduler",
        binary: Some("cinder-scheduler"),
        config: "etc/cinder/cinder.conf",
    },
    ApiContainer { name: "heat_engine", service: "heat", image: "heat-engine", binary: None, config: "etc/heat/heat.conf" },
    ApiContainer { name: "horizon", service: "horizon", image: "horizon", binary: None, config: "etc/openstack-dashboard/local_settings" },
    ApiContainer { name: "memcached", service: "memcached", image: "memcached", binary: None, config: "etc/sysconfig/memcached" },
];

const COMPUTE_CONTAINERS: &[ApiContainer] = &[
    ApiContainer {
        name: "nova_compute",
        service: "nova",
        image: "nova-compute",
        binary: Some("nova-compute"),
        config: "etc/nova/nova.conf",
    },
    ApiContainer { name: "nova_libvirt", service: "nova", image: "nova-libvirt", binary: None, config: "etc/libvirt/libvirtd.conf" },
    ApiContainer {
        name: "ovn_controller",
        service: "openvswitch",
        image: "ovn-controller",
        binary: None,
        config: "etc/openvswitch/ovs.conf",
    },
];

/// HAProxy listen blocks: (name, VIP networks to bind, port, mode).
const LISTENS: &[(&str, &[&str], u16, &str)] = &[
    ("keystone_public", &["external", "internal_api"], 5000, "http"),
    ("keystone_admin", &["ctlplane"], 35357, "http"),
    ("nova_osapi", &["external", "internal_api"], 8774, "http"),
    ("placement", &["external", "internal_api"], 8778, "http"),
    ("glance_api", &["external", "internal_api"], 9292, "http"),
    ("neutron", &["external", "internal_api"], 9696, "http"),
    ("cinder", &["external", "internal_api"], 8776, "http"),
    ("horizon", &["external", "internal_api"], 80, "http"),
    ("mysql", &["internal_api"], 3306, "tcp"),
    ("redis", &["redis"], 6379, "tcp"),
];

/// Pacemaker bundles: (bundle, agent, image, kind, run command).
const BUNDLES: &[(&str, &str, &str, ResourceKind)] = &[
    ("rabbitmq-bundle", "ocf::heartbeat:rabbitmq-cluster", "rabbitmq", ResourceKind::Bundle),
    ("galera-bundle", "ocf::heartbeat:galera", "mariadb", ResourceKind::MultiState),
    ("redis-bundle", "ocf::heartbeat:redis", "redis", ResourceKind::MultiState),
];

pub fn build(f: &Fixture, spec: &OvercloudSpec, ids: &mut Ids, start: SimTime) -> anyhow::Result<Overcloud> {
    if spec.container_cli != "docker" && spec.container_cli != "podman" {
        anyhow::bail!("overcloud.container_cli must be docker or podman, got {}", spec.container_cli);
    }
    if spec.pacemaker != "1.1" && spec.pacemaker != "2" {
        anyhow::bail!("overcloud.pacemaker must be \"1.1\" or \"2\", got {}", spec.pacemaker);
    }
    if f.controllers.is_empty() {
        anyhow::bail!("an overcloud needs controllers");
    }
    let up = start - Duration::hours(UPTIME_HOURS);
    let cli = spec.container_cli.as_str();
    let mut o = Overcloud { container_cli: cli.into(), pacemaker: spec.pacemaker.clone(), ..Default::default() };
    for (i, name) in f.controllers.iter().enumerate() {
        o.nodes.insert(name.clone(), node(name, Role::Controller, i, format!("172.17.1.{}", 11 + i)));
    }
    for (i, h) in f.hosts.iter().enumerate() {
        o.nodes.insert(h.name.clone(), node(&h.name, Role::Compute, i, format!("172.17.1.{}", 21 + i)));
    }
    let names: Vec<(String, Role)> = o.nodes.values().map(|n| (n.name.clone(), n.role)).collect();
    for (name, role) in &names {
        let files = o.files.entry(name.clone()).or_default();
        let list = if *role == Role::Controller { CONTROLLER_CONTAINERS } else { COMPUTE_CONTAINERS };
        for c in list {
            let host_path = format!("/var/lib/config-data/puppet-generated/{}/{}", c.service, c.config);
            files.entry(host_path).or_insert_with(|| config_file(c.service, &f.controllers));
        }
    }
    for (name, role) in &names {
        let list = if *role == Role::Controller { CONTROLLER_CONTAINERS } else { COMPUTE_CONTAINERS };
        for (step, c) in list.iter().enumerate() {
            let image = format!("docker.io/tripleotrain/centos-binary-{}:current-tripleo", c.image);
            let host_path = format!("/var/lib/config-data/puppet-generated/{}/{}", c.service, c.config);
            let content = o.files[name][&host_path].clone();
            let mut ct = container(ids, c.name, &image, c.service, up);
            ct.healthcheck = Some(format!("/openstack/healthcheck{}", if c.binary.is_some() { " 5672" } else { "" }));
            ct.api_binary = c.binary.map(str::to_string);
            ct.paunch_step = Some(if step < 2 { 3 } else { 4 });
            ct.config_paths.insert(host_path.clone(), format!("/{}", c.config));
            ct.applied.insert(host_path, content);
            ct.mounts.push(Mount {
                source: format!("/var/lib/config-data/puppet-generated/{}/", c.service),
                destination: "/var/lib/kolla/config_files/src".into(),
                mode: "ro".into(),
            });
            o.nodes.get_mut(name).expect("just made").containers.insert(ct.name.clone(), ct);
        }
        if *role == Role::Controller {
            for (daemon, image) in [
                ("ceph-mon", "daemon:v4.0.12-stable-4.0-nautilus-centos-7-x86_64"),
                ("ceph-mgr", "daemon:v4.0.12-stable-4.0-nautilus-centos-7-x86_64"),
            ] {
                let ct = container(ids, &format!("{daemon}-{name}"), &format!("docker.io/ceph/{image}"), "ceph", up);
                o.nodes.get_mut(name).expect("just made").containers.insert(ct.name.clone(), ct);
            }
        }
    }
    build_cluster(&mut o, ids, up, &f.controllers);
    for c in &f.controllers {
        o.galera.insert(
            c.clone(),
            GaleraNode { state_comment: "Synced".into(), cluster_status: "Primary".into(), evs_state: "OPERATIONAL".into(), running: true },
        );
    }
    o.rabbit.cluster_name = format!("rabbit@{}.localdomain", f.controllers[0]);
    o.haproxy = LISTENS
        .iter()
        .map(|(name, nets, port, mode)| Listen {
            name: name.to_string(),
            binds: nets.iter().map(|n| format!("{}:{port}", vip(n))).collect(),
            mode: mode.to_string(),
            servers: f
                .controllers
                .iter()
                .map(|c| Backend {
                    name: format!("{c}.internalapi.localdomain"),
                    node: c.clone(),
                    address: o.nodes[c].internal_ip.clone(),
                    port: *port,
                    fall: 5,
                    inter_ms: 2000,
                    rise: 2,
                    failing_since: None,
                    recovered_at: None,
                })
                .collect(),
        })
        .collect();
    o.ceph = Ceph {
        fsid: ids.uuid(),
        osds: 36,
        osds_down: 0,
        pools: 3,
        pgs: 768,
        objects: "1.32k objects, 1.6 GiB".into(),
        data: String::new(),
        used_tib: 42,
        total_tib: 304,
    };
    for c in &f.controllers {
        let cfg = super::haproxy::config(&o);
        o.files.entry(c.clone()).or_default().insert(super::haproxy::CONFIG_PATH.into(), cfg);
    }
    // Every container has its place in a step file, so `paunch debug` knows each one that
    // `docker ps` shows: the bundles Pacemaker runs and the Ceph daemons join the step their
    // service starts in (the clustered stores first, then HAProxy and OVN, cinder-volume with
    // the API services).
    for n in o.nodes.values_mut() {
        for c in n.containers.values_mut().filter(|c| c.paunch_step.is_none()) {
            c.paunch_step = Some(match c.service.as_str() {
                "cinder-volume" => 4,
                "haproxy" | "ovn-dbs" => 2,
                _ => 1,
            });
        }
    }
    for name in names.iter().map(|(n, _)| n) {
        for step in 1u8..=5 {
            let json = paunch_config(&o.nodes[name], step);
            o.files
                .entry(name.clone())
                .or_default()
                .insert(format!("/var/lib/tripleo-config/container-startup-config-step_{step}.json"), json);
        }
    }
    Ok(o)
}

pub fn vip(network: &str) -> &'static str {
    VIPS.iter().find(|(n, _)| *n == network).map_or("", |(_, a)| a)
}

fn node(name: &str, role: Role, index: usize, ip: String) -> Node {
    Node { name: name.into(), role, index, internal_ip: ip, online: true, containers: BTreeMap::new() }
}

fn container(ids: &mut Ids, name: &str, image: &str, service: &str, up: SimTime) -> Container {
    let id = format!("{}{}", ids.hex(), ids.hex());
    let image_id = format!("sha256:{}{}", ids.hex(), ids.hex());
    Container {
        id,
        name: name.into(),
        image: image.into(),
        image_id,
        command: vec!["dumb-init".into(), "--single-child".into(), "--".into(), "kolla_start".into()],
        env: vec![
            "KOLLA_CONFIG_STRATEGY=COPY_ALWAYS".into(),
            format!("TRIPLEO_CONFIG_HASH={}", ids.hex()),
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
            "container=oci".into(),
        ],
        mounts: vec![
            Mount { source: "/etc/hosts".into(), destination: "/etc/hosts".into(), mode: "ro".into() },
            Mount { source: "/etc/localtime".into(), destination: "/etc/localtime".into(), mode: "ro".into() },
            Mount {
                source: format!("/var/lib/kolla/config_files/{name}.json"),
                destination: "/var/lib/kolla/config_files/config.json".into(),
                mode: "ro".into(),
            },
            Mount { source: format!("/var/log/containers/{service}"), destination: format!("/var/log/{service}"), mode: "z".into() },
        ],
        labels: BTreeMap::from([("managed_by".to_string(), "tripleo_ansible".to_string())]),
        state: RunState::Running,
        exit_code: 0,
        healthcheck: None,
        health: Health::Healthy,
        failing_streak: 0,
        created_at: up,
        started_at: up,
        finished_at: None,
        restart_count: 0,
        paunch_step: None,
        service: service.into(),
        api_binary: None,
        applied: BTreeMap::new(),
        config_paths: BTreeMap::new(),
        hung: false,
        log: vec![],
    }
}

/// The Pacemaker resources in TripleO's order, with one bundle replica container per controller.
fn build_cluster(o: &mut Overcloud, ids: &mut Ids, up: SimTime, controllers: &[String]) {
    let engine = o.container_cli.clone();
    let docker_agent = format!("ocf::heartbeat:{engine}");
    o.cluster.name = "tripleo_cluster".into();
    o.cluster.last_change = Some(up + Duration::hours(2));
    o.cluster.last_change_node = controllers[0].clone();
    o.cluster.next_call = 51;
    let mut bundle = |o: &mut Overcloud, name: &str, agent: &str, image: &str, kind: ResourceKind, replica_names_by_container: bool| {
        let prefix = format!("{name}-{engine}");
        let image = format!("cluster.common.tag/centos-binary-{image}:pcmklatest");
        let service = name.trim_end_matches("-bundle").replace("openstack-", "");
        let count = if kind == ResourceKind::ActivePassive { 1 } else { controllers.len() };
        let replicas = (0..count)
            .map(|i| {
                let node =
                    if kind == ResourceKind::ActivePassive { controllers[1 % controllers.len()].clone() } else { controllers[i].clone() };
                let role = match kind {
                    ResourceKind::MultiState if name == "galera-bundle" => "Master",
                    ResourceKind::MultiState if i == 0 => "Master",
                    ResourceKind::MultiState => "Slave",
                    _ => "Started",
                };
                let cname = format!("{prefix}-{i}");
                let mut ct = container(ids, &cname, &image, &service, up);
                ct.command = vec!["/bin/bash".into(), "/usr/local/bin/kolla_start".into()];
                o.nodes.get_mut(&node).expect("a controller").containers.insert(cname.clone(), ct);
                Replica {
                    name: if replica_names_by_container { cname } else { format!("{name}-{i}") },
                    node: Some(node),
                    role: role.into(),
                }
            })
            .collect();
        let storage = vec![
            (
                "ro".to_string(),
                format!("/var/lib/kolla/config_files/{service}.json"),
                "/var/lib/kolla/config_files/config.json".to_string(),
                format!("{service}-cfg-files"),
            ),
            (
                "ro".to_string(),
                format!("/var/lib/config-data/puppet-generated/{service}/"),
                "/var/lib/kolla/config_files/src".to_string(),
                format!("{service}-cfg-data"),
            ),
            ("ro".to_string(), "/etc/hosts".to_string(), "/etc/hosts".to_string(), format!("{service}-hosts")),
            ("ro".to_string(), "/etc/localtime".to_string(), "/etc/localtime".to_string(), format!("{service}-localtime")),
            ("rw".to_string(), format!("/var/lib/{service}"), format!("/var/lib/{service}"), format!("{service}-lib")),
            ("rw".to_string(), format!("/var/log/containers/{service}"), format!("/var/log/{service}"), format!("{service}-log")),
        ];
        o.cluster.resources.push(Resource {
            name: name.into(),
            kind,
            agent: agent.into(),
            image,
            container_prefix: prefix,
            replicas,
            vip: None,
            storage,
            run_command: "/bin/bash /usr/local/bin/kolla_start".into(),
        });
    };
    for (name, agent, image, kind) in BUNDLES {
        bundle(o, name, agent, image, *kind, false);
    }
    let vip_resource = |o: &mut Overcloud, i: usize, addr: &str| {
        let name = format!("ip-{addr}");
        o.cluster.resources.push(Resource {
            name: name.clone(),
            kind: ResourceKind::Vip,
            agent: "ocf::heartbeat:IPaddr2".into(),
            image: String::new(),
            container_prefix: String::new(),
            replicas: vec![Replica { name, node: Some(controllers[i % controllers.len()].clone()), role: "Started".into() }],
            vip: Some(addr.into()),
            storage: vec![],
            run_command: String::new(),
        });
    };
    for (i, (_, addr)) in VIPS.iter().take(6).enumerate() {
        vip_resource(o, i, addr);
    }
    bundle(o, "haproxy-bundle", &docker_agent, "haproxy", ResourceKind::Bundle, true);
    bundle(o, "ovn-dbs-bundle", "ocf::ovn:ovndb-servers", "ovn-northd", ResourceKind::MultiState, false);
    vip_resource(o, 0, VIPS[6].1);
    bundle(o, "openstack-cinder-volume", &docker_agent, "cinder-volume", ResourceKind::ActivePassive, true);
    if let Some(r) = o.cluster.resources.last_mut() {
        if let Some(rep) = r.replicas.first() {
            let node = rep.node.clone().unwrap_or_default();
            if let Some(ct) = o.nodes.get_mut(&node).and_then(|n| n.containers.get_mut(&rep.name)) {
                ct.api_binary = Some("cinder-volume".into());
            }
        }
    }
}

/// A service's main config file as puppet generates it (the parts an operator looks at).
fn config_file(service: &str, controllers: &[String]) -> String {
    let rabbit: Vec<String> = controllers.iter().map(|c| format!("guest:guest@{c}.internalapi.localdomain:5672")).collect();
    let transport = format!("rabbit://{}/?ssl=0", rabbit.join(","));
    let db = vip("internal_api");
    match service {
        "nova" => format!(
            "[DEFAULT]\ndebug=False\nstate_path=/var/lib/nova\nreport_interval=10\nservice_down_time=60\ntransport_url={transport}\nlog_dir=/var/log/nova\n\n[api_database]\nconnection=mysql+pymysql://nova_api:nova-db-secret@{db}/nova_api?read_default_file=/etc/my.cnf.d/tripleo.cnf\n\n[database]\nconnection=mysql+pymysql://nova:nova-db-secret@{db}/nova?read_default_file=/etc/my.cnf.d/tripleo.cnf\n\n[scheduler]\ndiscover_hosts_in_cells_interval=-1\n\n[filter_scheduler]\nenabled_filters=RetryFilter,AvailabilityZoneFilter,ComputeFilter,ComputeCapabilitiesFilter,ImagePropertiesFilter\n"
        ),
        "cinder" => format!(
            "[DEFAULT]\ndebug=False\nenabled_backends=tripleo_ceph\ntransport_url={transport}\nlog_dir=/var/log/cinder\n\n[database]\nconnection=mysql+pymysql://cinder:cinder-db-secret@{db}/cinder?read_default_file=/etc/my.cnf.d/tripleo.cnf\n\n[tripleo_ceph]\nbackend_host=hostgroup\nvolume_backend_name=tripleo_ceph\nvolume_driver=cinder.volume.drivers.rbd.RBDDriver\nrbd_pool=volumes\n"
        ),
        "keystone" => format!("[DEFAULT]\ndebug=False\nlog_dir=/var/log/keystone\n\n[database]\nconnection=mysql+pymysql://keystone:keystone-db-secret@{db}/keystone\n\n[token]\nexpiration=3600\nprovider=fernet\n"),
        "memcached" => "PORT=\"11211\"\nUSER=\"memcached\"\nMAXCONN=\"8192\"\nCACHESIZE=\"1024\"\n".into(),
        "horizon" => "DEBUG = False\nOPENSTACK_KEYSTONE_URL = \"http://172.17.1.5:5000/v3\"\n".into(),
        other => format!("[DEFAULT]\ndebug=False\ntransport_url={transport}\nlog_dir=/var/log/{other}\n\n[database]\nconnection=mysql+pymysql://{other}:{other}-db-secret@{db}/{other}\n"),
    }
}

/// The paunch startup config of one step on a node: the containers paunch starts then, as JSON.
pub fn paunch_config(n: &Node, step: u8) -> String {
    let mut doc = serde_json::Map::new();
    for c in n.containers.values().filter(|c| c.paunch_step == Some(step)) {
        doc.insert(c.name.clone(), paunch_entry(c));
    }
    serde_json::to_string_pretty(&serde_json::Value::Object(doc)).unwrap_or_default()
}

pub fn paunch_entry(c: &Container) -> serde_json::Value {
    let volumes: Vec<String> = c.mounts.iter().map(|m| format!("{}:{}:{}", m.source, m.destination, m.mode)).collect();
    let mut v = serde_json::json!({
        "image": c.image,
        "net": "host",
        "privileged": false,
        "restart": "always",
        "environment": c.env.iter().filter(|e| !e.starts_with("PATH=") && !e.starts_with("container=")).collect::<Vec<_>>(),
        "volumes": volumes,
    });
    if let Some(hc) = &c.healthcheck {
        v["healthcheck"] = serde_json::json!({"test": hc});
    }
    v
}
