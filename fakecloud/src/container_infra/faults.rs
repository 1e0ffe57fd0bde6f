//! Magnum's and the Cluster API's fault kinds: the capi-helm driver missing the infrastructure
//! resource, read by the conductor's health poll (`flows/magnum_conductor.rs`), and CAPO's load
//! balancer reconcile timing out, fired by the management plane (`flows/capi_plane.rs`).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FaultAction {
    /// Magnum's capi-helm driver and CAPO disagree on the OpenStackCluster resource (API version or
    /// name): the driver's lookup misses, so health reports 'Infrastructure resource not found.'
    /// while everything is fine. Read at every health poll while installed.
    CapiContractMiss,
    /// CAPO's load balancer reconcile during a management-plane cold start times out: the kube-api
    /// load balancer (`match.loadbalancer`, a glob over its name) is left in provisioning ERROR and
    /// the cluster's InfrastructureReady and Available turn False. Fires at a reconcile while the
    /// management API is still converging.
    CapiLbTimeout,
}

impl FaultAction {
    /// Whether the fault acts when it fires (and spends its budget then) rather than while it is
    /// installed: the LB timeout fires at a reconcile; the contract miss is read at every poll.
    pub fn fires_on_use(&self) -> bool {
        matches!(self, FaultAction::CapiLbTimeout)
    }
}

/// The kinds above as a client names them, with a one-line description.
pub const KINDS: &[(&str, &str)] = &[
    ("capi-contract-miss", "Magnum: the capi-helm driver cannot find the OpenStackCluster (cosmetic 'Infrastructure resource not found.')"),
    ("capi-lb-timeout", "CAPI: the kube-api LB reconcile times out during a cold start (LB provisioning ERROR, Available=False)"),
];
