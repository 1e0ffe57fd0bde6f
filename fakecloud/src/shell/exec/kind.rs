//! What kind of container a command runs in (a bundle's replica of RabbitMQ, Galera, Redis,
//! HAProxy, OVN or cinder-volume, a Ceph daemon, any other service) and so which commands its image
//! has. The dispatch and the commands that answer differently by kind (`ps`, `cat`, `bash -c`) read it.

use crate::tripleo::model::*;

/// What a container runs, which decides the commands it has and the processes it shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Rabbit,
    Galera,
    Redis,
    Haproxy,
    OvnDbs,
    CinderVolume,
    CephMon,
    CephMgr,
    Service,
}

pub(super) fn kind_of(o: &Overcloud, container: &str) -> Kind {
    for r in o.cluster.resources.iter().filter(|r| !r.container_prefix.is_empty()) {
        let replica = container
            .strip_prefix(r.container_prefix.as_str())
            .and_then(|s| s.strip_prefix('-'))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if replica {
            return match r.name.as_str() {
                "rabbitmq-bundle" => Kind::Rabbit,
                "galera-bundle" => Kind::Galera,
                "redis-bundle" => Kind::Redis,
                "haproxy-bundle" => Kind::Haproxy,
                "ovn-dbs-bundle" => Kind::OvnDbs,
                _ => Kind::CinderVolume,
            };
        }
    }
    if container.starts_with("ceph-mon-") {
        Kind::CephMon
    } else if container.starts_with("ceph-mgr-") {
        Kind::CephMgr
    } else {
        Kind::Service
    }
}

/// Whether the container's image has the command.
pub(super) fn available(kind: Kind, cmd: &str) -> bool {
    match cmd {
        "crudini" | "ps" | "cat" | "hostname" | "echo" | "bash" | "sh" => true,
        "rabbitmqctl" => kind == Kind::Rabbit,
        "mysql" => kind == Kind::Galera,
        "redis-cli" => kind == Kind::Redis,
        "ceph" => matches!(kind, Kind::CephMon | Kind::CephMgr),
        _ => false,
    }
}
