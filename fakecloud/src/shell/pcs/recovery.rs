//! What an operator does to a failed resource: `pcs resource cleanup [NAME]` forgets its failures
//! and re-probes it, `pcs resource restart NAME` stops and starts it everywhere.

use super::common::find;
use crate::shell::output::Output;
use crate::tripleo::model::*;
use crate::world::World;

pub(super) fn cleanup(w: &mut World, node: &str, name: Option<&str>, v2: bool) -> Output {
    if let Some(name) = name {
        if find(&w.overcloud, name).is_none() {
            return Output::fail(
                1,
                if v2 {
                    format!("Error: Unable to forget failed operations of resources\nResource '{name}' not found\nError performing operation: No such object\n")
                } else {
                    format!("Error: Unable to cleanup resource: {name}\nResource '{name}' not found: No such device or address\nError performing operation: No such device or address\n")
                },
            );
        }
    }
    let mut nodes = w.pacemaker_cleanup(name);
    w.overcloud.cluster.last_change_node = node.to_string();
    let mut out = String::new();
    match name {
        None => out.push_str("Cleaned up all resources on all nodes\n"),
        Some(name) => {
            // With no failure to forget, crm_resource still re-probes the resource everywhere.
            if nodes.is_empty() {
                nodes = w.overcloud.online_controllers().map(|n| n.name.clone()).collect();
            }
            for n in nodes {
                out.push_str(&format!("Cleaned up {name} on {n}\n"));
            }
        }
    }
    out.push_str(if v2 {
        "Waiting for 1 reply from the controller\n... got reply (done)\n"
    } else {
        "Waiting for 1 reply from the CRMd. OK\n"
    });
    Output::ok(out)
}

/// `pcs resource restart NAME`: the resource stops everywhere and starts again on the online
/// controllers in its normal roles (Galera all promoted; Redis and OVN promote their first running
/// replica), its containers restarted and its failures forgotten.
pub(super) fn restart(w: &mut World, node: &str, name: &str) -> Output {
    let now = w.now();
    let online: Vec<String> = w.overcloud.online_controllers().map(|n| n.name.clone()).collect();
    let Some(r) = w.overcloud.cluster.resources.iter_mut().find(|r| r.name == name) else {
        return Output::fail(1, format!("Error: Resource '{name}' does not exist.\n"));
    };
    let mut containers = vec![];
    let mut promoted = false;
    for (i, x) in r.replicas.iter_mut().enumerate() {
        match r.kind {
            ResourceKind::Vip | ResourceKind::ActivePassive => {
                if !x.node.as_ref().is_some_and(|n| online.contains(n)) {
                    x.node = online.first().cloned();
                }
                x.role = if x.node.is_some() { "Started" } else { "Stopped" }.into();
            }
            ResourceKind::Bundle | ResourceKind::MultiState => {
                let up = x.node.as_ref().is_some_and(|n| online.contains(n));
                x.role = match r.kind {
                    _ if !up => "Stopped",
                    ResourceKind::MultiState if r.name == "galera-bundle" => "Master",
                    ResourceKind::MultiState if !promoted => {
                        promoted = true;
                        "Master"
                    }
                    ResourceKind::MultiState => "Slave",
                    _ => "Started",
                }
                .into();
            }
        }
        if r.kind != ResourceKind::Vip && x.role != "Stopped" {
            if let Some(n) = &x.node {
                containers.push((n.clone(), format!("{}-{i}", r.container_prefix)));
            }
        }
    }
    w.overcloud.cluster.failed_actions.retain(|f| f.resource != name);
    w.overcloud.cluster.last_change = Some(now);
    w.overcloud.cluster.last_change_node = node.to_string();
    for (n, c) in containers {
        // A replica whose container is missing on its node has nothing to restart.
        let _ = w.container_action(&n, &c, "restart");
    }
    Output::ok(format!("{name} successfully restarted\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::pcs::tests::*;
    use serde_json::json;

    #[test]
    fn cleanup_forgets_the_failure_and_starts_the_replica() {
        let mut w = world();
        fault(&mut w, json!({"kind": "pacemaker-action-failure", "resource": "rabbitmq-bundle", "node": "controller-1"}));
        let rabbit =
            |w: &World| w.overcloud.cluster.resources.iter().find(|r| r.name == "rabbitmq-bundle").unwrap().replicas[1].role.clone();
        assert_eq!(rabbit(&w), "Stopped");
        let out = pcs(&mut w, "controller-0", "resource cleanup rabbitmq-bundle");
        assert_eq!(out.status, 0);
        assert_eq!(out.stdout, "Cleaned up rabbitmq-bundle on controller-1\nWaiting for 1 reply from the CRMd. OK\n");
        assert!(w.overcloud.cluster.failed_actions.is_empty());
        assert_eq!(rabbit(&w), "Started");
        let status = pcs(&mut w, "controller-0", "status").stdout;
        assert!(!status.contains("Failed Actions"));
        assert!(status.contains("rabbitmq-bundle-1@controller-1"));
        let all = pcs(&mut w, "controller-0", "resource cleanup");
        assert_eq!(all.stdout, "Cleaned up all resources on all nodes\nWaiting for 1 reply from the CRMd. OK\n");
    }

    #[test]
    fn restart_brings_the_replicas_back_in_their_roles() {
        let mut w = world();
        fault(&mut w, json!({"kind": "pacemaker-action-failure", "resource": "redis-bundle", "node": "controller-0"}));
        let later = w.now() + chrono::Duration::minutes(5);
        w.advance_clock(chrono::Duration::minutes(5));
        let out = pcs(&mut w, "controller-2", "resource restart redis-bundle");
        assert_eq!(out, Output::ok("redis-bundle successfully restarted\n"));
        let r = w.overcloud.cluster.resources.iter().find(|r| r.name == "redis-bundle").unwrap();
        let roles: Vec<&str> = r.replicas.iter().map(|x| x.role.as_str()).collect();
        assert_eq!(roles, ["Master", "Slave", "Slave"]);
        assert!(w.overcloud.cluster.failed_actions.is_empty());
        assert_eq!(w.overcloud.cluster.last_change, Some(later));
        assert_eq!(w.overcloud.cluster.last_change_node, "controller-2");
        assert_eq!(w.overcloud.container("controller-0", "redis-bundle-docker-0").unwrap().started_at, later);
        let status = pcs(&mut w, "controller-0", "status").stdout;
        assert!(status.contains("Last change: Thu Jan  1 00:05:00 2026 by root via crm_resource on controller-2"));
    }

    #[test]
    fn restart_with_a_controller_offline_promotes_a_survivor() {
        let mut w = world();
        fault(&mut w, json!({"kind": "controller-offline", "node": "controller-0"}));
        let out = pcs(&mut w, "controller-1", "resource restart ovn-dbs-bundle");
        assert_eq!(out.status, 0);
        let r = w.overcloud.cluster.resources.iter().find(|r| r.name == "ovn-dbs-bundle").unwrap();
        let roles: Vec<&str> = r.replicas.iter().map(|x| x.role.as_str()).collect();
        assert_eq!(roles, ["Stopped", "Master", "Slave"]);
    }
}
