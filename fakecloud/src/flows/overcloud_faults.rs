//! The clustered control plane under faults: a controller going offline (its VIPs move to the
//! survivors, its replicas stop, a new Redis and OVN master is promoted, Galera and RabbitMQ
//! shrink, HAProxy's checks on it start failing, its API services stop reporting), Galera and
//! RabbitMQ degradations, failing HAProxy backends, OSDs down, and Pacemaker action failures with
//! their cleanup.

use crate::sim::journal::Record;
use crate::tripleo::model::*;
use crate::tripleo::FaultAction as OvercloudFault;
use crate::world::World;
use wildmatch::WildMatch;

impl World {
    /// Checks that a TripleO fault names a node, container, resource or listen that exists.
    pub(crate) fn check_overcloud_target(&self, action: &OvercloudFault) -> Result<(), String> {
        let o = &self.overcloud;
        let node_known = |n: &str| if o.node(n).is_some() { Ok(()) } else { Err(format!("unknown overcloud node '{n}'")) };
        let controller = |n: &str| match o.node(n) {
            Some(x) if x.role == Role::Controller => Ok(()),
            _ => Err(format!("'{n}' is not a controller")),
        };
        match action {
            OvercloudFault::ContainerUnhealthy { node, container }
            | OvercloudFault::ContainerExited { node, container, .. }
            | OvercloudFault::ContainerRestarting { node, container } => {
                node_known(node)?;
                if o.container(node, container).is_none() {
                    return Err(format!("no container '{container}' on {node}"));
                }
                if matches!(action, OvercloudFault::ContainerUnhealthy { .. })
                    && o.container(node, container).is_some_and(|c| c.healthcheck.is_none())
                {
                    return Err(format!("container '{container}' has no health check"));
                }
                Ok(())
            }
            OvercloudFault::ControllerOffline { node }
            | OvercloudFault::GaleraNonPrimary { node }
            | OvercloudFault::RabbitmqPartition { node } => controller(node),
            OvercloudFault::GaleraDesync { node, state } => {
                controller(node)?;
                match state.as_deref() {
                    None | Some("Donor/Desynced" | "Joining" | "Joined" | "Initialized" | "Joining: receiving State Transfer") => Ok(()),
                    Some(s) => Err(format!(
                        "galera-desync state must be a wsrep_local_state_comment (Donor/Desynced, Joining, Joined, Initialized), got '{s}'"
                    )),
                }
            }
            OvercloudFault::RabbitmqAlarm { node, alarm } => {
                controller(node)?;
                if alarm != "memory" && alarm != "disk" {
                    return Err(format!("rabbitmq-alarm alarm must be memory or disk, got '{alarm}'"));
                }
                Ok(())
            }
            OvercloudFault::HaproxyBackendFailing { node, listen } => {
                controller(node)?;
                let glob = WildMatch::new(listen.as_deref().unwrap_or("*"));
                if !o.haproxy.iter().any(|l| glob.matches(&l.name)) {
                    return Err(format!("no HAProxy listen matches '{}'", listen.as_deref().unwrap_or("*")));
                }
                Ok(())
            }
            OvercloudFault::CephOsdDown { osds } => {
                if *osds == 0 || *osds > o.ceph.osds {
                    return Err(format!("ceph-osd-down osds must be between 1 and {}", o.ceph.osds));
                }
                Ok(())
            }
            OvercloudFault::PacemakerActionFailure { resource, node, .. } => {
                controller(node)?;
                match o.cluster.resources.iter().find(|r| &r.name == resource) {
                    Some(r) if r.replicas.iter().any(|x| x.node.as_deref() == Some(node.as_str())) => Ok(()),
                    Some(_) => Err(format!("resource '{resource}' has no replica on {node}")),
                    None => Err(format!("unknown Pacemaker resource '{resource}'")),
                }
            }
        }
    }

    /// Applies (`on`) or undoes a TripleO fault; a container fault is handed to `container_fault`
    /// (`overcloud_containers.rs`).
    pub(crate) fn overcloud_fault(&mut self, action: &OvercloudFault, on: bool) {
        let now = self.now();
        match action {
            OvercloudFault::ContainerUnhealthy { .. }
            | OvercloudFault::ContainerExited { .. }
            | OvercloudFault::ContainerRestarting { .. } => self.container_fault(action, on),
            OvercloudFault::ControllerOffline { node } => self.set_controller_online(node, !on),
            OvercloudFault::GaleraDesync { node, state } => {
                if let Some(g) = self.overcloud.galera.get_mut(node) {
                    g.state_comment = if on { state.clone().unwrap_or_else(|| "Donor/Desynced".into()) } else { "Synced".into() };
                }
            }
            OvercloudFault::GaleraNonPrimary { node } => {
                if let Some(g) = self.overcloud.galera.get_mut(node) {
                    (g.cluster_status, g.evs_state, g.state_comment) = if on {
                        ("non-Primary".into(), "GATHER".into(), "Initialized".into())
                    } else {
                        ("Primary".into(), "OPERATIONAL".into(), "Synced".into())
                    };
                }
            }
            OvercloudFault::RabbitmqPartition { node } => {
                let others: Vec<String> = self.overcloud.controllers().map(|c| c.name.clone()).filter(|c| c != node).collect();
                let r = &mut self.overcloud.rabbit;
                if on {
                    r.partitions.insert(node.clone(), others.clone());
                    for o in &others {
                        r.partitions.entry(o.clone()).or_default().push(node.clone());
                    }
                } else {
                    r.partitions.remove(node);
                    for o in &others {
                        if let Some(p) = r.partitions.get_mut(o) {
                            p.retain(|x| x != node);
                            if p.is_empty() {
                                r.partitions.remove(o);
                            }
                        }
                    }
                }
            }
            OvercloudFault::RabbitmqAlarm { node, alarm } => {
                let alarms = self.overcloud.rabbit.alarms.entry(node.clone()).or_default();
                alarms.retain(|a| a != alarm);
                if on {
                    alarms.push(alarm.clone());
                }
            }
            OvercloudFault::HaproxyBackendFailing { node, listen } => {
                let glob = WildMatch::new(listen.as_deref().unwrap_or("*"));
                for l in self.overcloud.haproxy.iter_mut().filter(|l| glob.matches(&l.name)) {
                    for b in l.servers.iter_mut().filter(|b| &b.node == node) {
                        if on {
                            b.failing_since = Some(now);
                            b.recovered_at = None;
                        } else {
                            b.recovered_at = Some(now);
                        }
                    }
                }
            }
            OvercloudFault::CephOsdDown { osds } => {
                let c = &mut self.overcloud.ceph;
                c.osds_down = if on { (c.osds_down + osds).min(c.osds) } else { c.osds_down.saturating_sub(*osds) };
            }
            OvercloudFault::PacemakerActionFailure { resource, node, action } => {
                if on {
                    self.pacemaker_fail(resource, node, action.as_deref().unwrap_or("monitor"));
                } else {
                    self.pacemaker_cleanup(Some(resource));
                }
            }
        }
    }

    /// A controller leaves or rejoins the cluster.
    fn set_controller_online(&mut self, node: &str, online: bool) {
        let now = self.now();
        let o = &mut self.overcloud;
        let Some(n) = o.nodes.get_mut(node) else { return };
        n.online = online;
        let survivors: Vec<String> = o.online_controllers().map(|c| c.name.clone()).collect();
        for r in o.cluster.resources.iter_mut() {
            match r.kind {
                // VIPs move to a survivor (and stay there when the node comes back: stickiness).
                ResourceKind::Vip | ResourceKind::ActivePassive => {
                    for rep in r.replicas.iter_mut().filter(|x| x.node.as_deref() == Some(node) && !online) {
                        rep.node = survivors.first().cloned();
                        if rep.node.is_none() {
                            rep.role = "Stopped".into();
                        }
                    }
                }
                ResourceKind::Bundle | ResourceKind::MultiState => {
                    let promotable_single = r.kind == ResourceKind::MultiState && r.name != "galera-bundle";
                    let mut lost_master = false;
                    for rep in r.replicas.iter_mut().filter(|x| x.node.as_deref() == Some(node)) {
                        if online {
                            rep.role = match r.kind {
                                ResourceKind::MultiState if r.name == "galera-bundle" => "Master".into(),
                                ResourceKind::MultiState => "Slave".into(),
                                _ => "Started".into(),
                            };
                        } else {
                            lost_master |= rep.role == "Master";
                            rep.role = "Stopped".into();
                        }
                    }
                    if promotable_single && lost_master {
                        if let Some(rep) = r.replicas.iter_mut().find(|x| x.role == "Slave") {
                            rep.role = "Master".into();
                        }
                    }
                }
            }
        }
        if let Some(g) = o.galera.get_mut(node) {
            g.running = online;
            g.state_comment = if online { "Synced".into() } else { "Initialized".into() };
        }
        if online {
            o.rabbit.stopped.retain(|x| x != node);
        } else if !o.rabbit.stopped.iter().any(|x| x == node) {
            o.rabbit.stopped.push(node.to_string());
        }
        for l in o.haproxy.iter_mut() {
            for b in l.servers.iter_mut().filter(|b| b.node == node) {
                if online {
                    b.recovered_at = Some(now);
                } else {
                    b.failing_since = Some(now);
                    b.recovered_at = None;
                }
            }
        }
        o.cluster.last_change = Some(now);
        o.cluster.last_change_node = survivors.first().cloned().unwrap_or_default();
        let containers: Vec<String> = o.nodes.get(node).map(|n| n.containers.keys().cloned().collect()).unwrap_or_default();
        for c in containers {
            self.link_api_service(node, &c);
        }
        self.record(Record::Transition {
            resource: "overcloud-node".into(),
            id: node.into(),
            from: None,
            to: if online { "online" } else { "offline" }.into(),
        });
    }

    /// A resource operation fails on a node: the replica there stops and a Failed Action is listed.
    pub(crate) fn pacemaker_fail(&mut self, resource: &str, node: &str, op: &str) {
        let now = self.now();
        let o = &mut self.overcloud;
        let call = o.cluster.next_call;
        o.cluster.next_call += 1;
        let Some(r) = o.cluster.resources.iter_mut().find(|r| r.name == resource) else { return };
        let agent_short = r.agent.rsplit(':').next().unwrap_or("").to_string();
        let Some(rep) = r.replicas.iter_mut().find(|x| x.node.as_deref() == Some(node)) else { return };
        rep.role = "Stopped".into();
        let (operation, on) = match r.kind {
            ResourceKind::Vip => (format!("{}_{op}_10000", r.name), node.to_string()),
            ResourceKind::ActivePassive => (format!("{}_{op}_60000", rep.name), node.to_string()),
            _ if r.agent.contains(":docker") || r.agent.contains(":podman") => (format!("{}_{op}_60000", rep.name), node.to_string()),
            _ => {
                (format!("{}_{op}_10000", agent_short.replace("-cluster", "").replace("ovndb-servers", "ovndb_servers")), rep.name.clone())
            }
        };
        o.cluster.failed_actions.push(FailedAction {
            operation,
            on,
            node: node.into(),
            resource: resource.into(),
            rc: 7,
            rc_text: "not running".into(),
            call,
            exitreason: String::new(),
            at: now,
        });
        o.cluster.last_change = Some(now);
        self.record(Record::Transition {
            resource: "pacemaker-resource".into(),
            id: format!("{resource}@{node}"),
            from: None,
            to: format!("{op} failed"),
        });
    }

    /// `pcs resource cleanup [RESOURCE]`: forgets the failures and starts the stopped replicas again
    /// (on online nodes). Returns the nodes cleaned up.
    pub(crate) fn pacemaker_cleanup(&mut self, resource: Option<&str>) -> Vec<String> {
        let now = self.now();
        let online: Vec<String> = self.overcloud.online_controllers().map(|n| n.name.clone()).collect();
        let o = &mut self.overcloud;
        let mut nodes = vec![];
        o.cluster.failed_actions.retain(|f| {
            let hit = resource.is_none_or(|r| f.resource == r);
            if hit {
                nodes.push(f.node.clone());
            }
            !hit
        });
        for r in o.cluster.resources.iter_mut().filter(|r| resource.is_none_or(|x| r.name == x)) {
            for rep in r.replicas.iter_mut() {
                if rep.role == "Stopped" && rep.node.as_ref().is_some_and(|n| online.contains(n)) {
                    rep.role = match r.kind {
                        ResourceKind::MultiState if r.name == "galera-bundle" => "Master".into(),
                        ResourceKind::MultiState => "Slave".into(),
                        _ => "Started".into(),
                    };
                }
            }
        }
        o.cluster.last_change = Some(now);
        nodes.sort();
        nodes.dedup();
        nodes
    }
}
