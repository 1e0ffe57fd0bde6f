//! Timed transitions. Each is data (not a closure) so pending events survive a snapshot; the world
//! applies them in `World::apply`. Later services add their own variants here.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A fault installed with a duration reaches its end and is removed.
    FaultExpires {
        fault_id: String,
    },
    /// Neutron's L3 agent has wired an associated floating IP: DOWN -> ACTIVE (if it is still on
    /// the same port).
    FloatingIpActive {
        floating_ip_id: String,
        port_id: String,
    },
    /// Nova's scheduler picks a host for a BUILD server (or fails it with NoValidHost).
    ServerSchedule {
        server_id: String,
    },
    /// A scheduled server finishes spawning: ACTIVE.
    ServerSpawned {
        server_id: String,
    },
    /// A stop, start or reboot finishes.
    ServerPowerOff {
        server_id: String,
    },
    ServerPowerOn {
        server_id: String,
    },
    ServerRebooted {
        server_id: String,
    },
    /// A rebooting compute host is back: its services report again and nova-compute's init_host runs.
    HostBooted {
        host: String,
    },
    /// Cinder: the scheduler places a `creating` volume and the backend builds it.
    VolumeCreated {
        volume_id: String,
    },
    /// Cinder: the backend finishes deleting a `deleting` volume.
    VolumeDeleted {
        volume_id: String,
    },
    /// Octavia: a provider without amphorae (OVN) has finished creating or failing over.
    LbActive {
        lb_id: String,
    },
    /// Octavia's worker has pushed a listener, pool, member or health monitor change (`op`:
    /// create, update or delete) to the amphorae.
    LbChildDone {
        lb_id: String,
        kind: String,
        id: String,
        op: String,
    },
    /// A lagging member (an injected amphorav2 divergence) finally settles.
    LbMemberSettled {
        member_id: String,
    },
    /// Octavia's worker has deleted a load balancer, its amphorae and its VIP port.
    LbDeleted {
        lb_id: String,
    },
    /// Octavia's worker looks at an amphora's Nova server (every 10 s until ACTIVE or ERROR).
    AmphoraBootPoll {
        amphora_id: String,
    },
    /// An amphora is configured and in service.
    AmphoraConfigured {
        amphora_id: String,
    },
    /// A failover whose replacement did not spawn has reverted.
    AmphoraFailoverReverted {
        amphora_id: String,
    },
    /// Octavia's health manager cycle (every 10 s).
    HealthManagerTick,
    /// Magnum's conductor: the cluster status sync and the health poll (every 60 s).
    MagnumPeriodic,
    /// The CAPI/CAPO controllers' loop on the management cluster (every 30 s while its API
    /// answers); `epoch` is the management VM's boot it belongs to.
    CapiReconcile {
        epoch: u64,
    },
    /// A container's health check runs (after a start, and again while it fails).
    ContainerHealthCheck {
        node: String,
        container: String,
    },
}
