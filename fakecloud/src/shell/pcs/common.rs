//! The lookups the pcs commands share: a resource by name, and whether a bundle's replicas are
//! Pacemaker guest nodes.

use crate::tripleo::model::*;

/// Whether a bundle runs its resource agent inside its containers through pacemaker_remote: each
/// replica is then a guest node (`galera-bundle-0@controller-0`). HAProxy's and cinder-volume's
/// bundles only run a container (their agent is the container engine's).
pub(super) fn is_remote(r: &Resource) -> bool {
    matches!(r.kind, ResourceKind::Bundle | ResourceKind::MultiState) && !r.agent.ends_with(":docker") && !r.agent.ends_with(":podman")
}

pub(super) fn find<'a>(o: &'a Overcloud, name: &str) -> Option<&'a Resource> {
    o.cluster.resources.iter().find(|r| r.name == name)
}
