//! Nova's state: compute hosts (each a hypervisor and a nova-compute service), the control-plane
//! services, flavors, servers, keypairs and server groups. Plain data and lookups; the lifecycle that
//! spans services (scheduling through Placement, ports in Neutron) is in `lifecycle.rs`.

use crate::sim::heartbeat::{Heartbeat, Timing};

/// Nova's servicegroup: services report every 10 s (`report_interval`) and are down 60 s after
/// the last report (`service_down_time`).
pub const SERVICE_HEARTBEAT: Timing = Timing { report_interval_secs: 10, down_time_secs: 60 };
use crate::sim::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Nova's default availability zone for compute services, and the zone of control-plane services.
pub const DEFAULT_AZ: &str = "nova";
pub const INTERNAL_AZ: &str = "internal";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Host {
    pub name: String,
    pub ip: String,
    pub az: String,
    pub vcpus: u64,
    pub memory_mb: u64,
    pub disk_gb: u64,
    pub cpu_allocation_ratio: f64,
    pub ram_allocation_ratio: f64,
    pub disk_allocation_ratio: f64,
    pub reserved_host_memory_mb: u64,
    pub reserved_host_disk_mb: u64,
    pub reserved_host_cpus: u64,
    pub resume_guests_state_on_host_boot: bool,
    /// The compute node: integer id (before 2.53) and uuid (2.53+, also the resource provider uuid).
    pub hypervisor_id: u64,
    pub uuid: String,
    /// Powered and running; false while down or rebooting.
    pub powered: bool,
    /// Memory/CPU pressure: the host runs but its guests starve (amphora heartbeats stop).
    pub pressure: bool,
    pub booted_at: SimTime,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ComputeService {
    pub id: u64,
    pub uuid: String,
    pub binary: String,
    pub host: String,
    pub zone: String,
    pub disabled: bool,
    pub disabled_reason: Option<String>,
    pub forced_down: bool,
    pub heartbeat: Heartbeat,
    pub created_at: SimTime,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Flavor {
    pub id: String,
    pub name: String,
    pub vcpus: u64,
    pub ram: u64,
    pub disk: u64,
    pub ephemeral: u64,
    pub swap: u64,
    /// The network bandwidth factor (shown, never applied).
    #[serde(default = "one")]
    pub rxtx_factor: f64,
    pub is_public: bool,
    /// Projects with access to a private flavor.
    pub projects: Vec<String>,
    pub description: Option<String>,
    pub extra_specs: BTreeMap<String, String>,
}

fn one() -> f64 {
    1.0
}

impl Flavor {
    /// Public flavors are for everyone; a private one for admins and the projects given access.
    pub fn accessible_to(&self, project_id: Option<&str>, admin: bool) -> bool {
        self.is_public || admin || project_id.is_some_and(|p| self.projects.iter().any(|x| x == p))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VmState {
    Building,
    Active,
    Stopped,
    Paused,
    Suspended,
    Rescued,
    /// A resize waiting for confirm or revert (VERIFY_RESIZE).
    Resized,
    Shelved,
    ShelvedOffloaded,
    Error,
}

impl VmState {
    /// Nova's vm_state names (nova/compute/vm_states.py).
    pub fn as_str(self) -> &'static str {
        match self {
            VmState::Building => "building",
            VmState::Active => "active",
            VmState::Stopped => "stopped",
            VmState::Paused => "paused",
            VmState::Suspended => "suspended",
            VmState::Rescued => "rescued",
            VmState::Resized => "resized",
            VmState::Shelved => "shelved",
            VmState::ShelvedOffloaded => "shelved_offloaded",
            VmState::Error => "error",
        }
    }
}

/// Nova's power states (nova/compute/power_state.py).
pub const POWER_NOSTATE: u8 = 0;
pub const POWER_RUNNING: u8 = 1;
pub const POWER_PAUSED: u8 = 3;
pub const POWER_SHUTDOWN: u8 = 4;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    pub code: u16,
    pub message: String,
    pub details: String,
    pub created: SimTime,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Server {
    pub id: String,
    /// Creation order; lists are newest first, as Nova's default sort (created_at desc).
    pub seq: u64,
    pub name: String,
    pub project_id: String,
    pub user_id: String,
    pub flavor_id: String,
    pub image_id: String,
    pub host: Option<String>,
    pub vm_state: VmState,
    pub task_state: Option<String>,
    pub power_state: u8,
    pub fault: Option<Fault>,
    pub created_at: SimTime,
    pub updated_at: SimTime,
    pub launched_at: Option<SimTime>,
    pub key_name: Option<String>,
    pub metadata: BTreeMap<String, String>,
    /// The zone the user asked for (`pinned_availability_zone`), if any.
    pub requested_az: Option<String>,
    pub network_ids: Vec<String>,
    pub security_groups: Vec<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub locked: bool,
    /// Why it was locked (shown from 2.73).
    #[serde(default)]
    pub locked_reason: Option<String>,
    pub server_group: Option<String>,
    /// The flavor before a resize, until it is confirmed or reverted.
    #[serde(default)]
    pub old_flavor_id: Option<String>,
    /// The Placement consumer holding the source flavor during a resize (Nova's migration uuid).
    #[serde(default)]
    pub migration_id: Option<String>,
    /// The reservation of a multiple create; a single create's is derived from the server's id.
    #[serde(default)]
    pub reservation_id: Option<String>,
    #[serde(default)]
    pub access_ipv4: String,
    #[serde(default)]
    pub access_ipv6: String,
    /// The base64 user data given at create or rebuild.
    #[serde(default)]
    pub user_data: Option<String>,
}

impl Server {
    pub fn reservation(&self) -> String {
        self.reservation_id.clone().unwrap_or_else(|| format!("r-{}", &self.id[..8]))
    }

    /// The API status from vm_state and task_state (nova/api/openstack/common.py's state map).
    pub fn status(&self) -> &'static str {
        let task = self.task_state.as_deref().unwrap_or("");
        let resizing = matches!(task, "resize_prep" | "resize_migrating" | "resize_migrated" | "resize_finish");
        match self.vm_state {
            VmState::Building => "BUILD",
            VmState::Active | VmState::Stopped | VmState::Error if task == "rebuilding" => "REBUILD",
            VmState::Active | VmState::Stopped if resizing => "RESIZE",
            VmState::Active if task == "rebooting" => "REBOOT",
            VmState::Active if task == "rebooting_hard" => "HARD_REBOOT",
            VmState::Active | VmState::Stopped if task == "migrating" => "MIGRATING",
            VmState::Active => "ACTIVE",
            VmState::Stopped => "SHUTOFF",
            VmState::Paused => "PAUSED",
            VmState::Suspended => "SUSPENDED",
            VmState::Rescued => "RESCUE",
            VmState::Resized if task == "resize_reverting" => "REVERT_RESIZE",
            VmState::Resized => "VERIFY_RESIZE",
            VmState::Shelved => "SHELVED",
            VmState::ShelvedOffloaded => "SHELVED_OFFLOADED",
            VmState::Error => "ERROR",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Keypair {
    pub name: String,
    pub user_id: String,
    pub public_key: String,
    pub fingerprint: String,
    pub key_type: String,
    pub created_at: SimTime,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ServerGroup {
    pub id: String,
    pub name: String,
    pub policy: String,
    pub members: Vec<String>,
    pub project_id: String,
    pub user_id: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Compute {
    pub hosts: Vec<Host>,
    pub services: Vec<ComputeService>,
    pub flavors: Vec<Flavor>,
    /// Servers in creation order (by `seq`): newest-first listing with a marker is O(log n + limit)
    /// with no lookup per server. `index` finds one by id.
    pub servers: BTreeMap<u64, Server>,
    /// id -> seq; derived from `servers`, so not in a snapshot (`reindex` rebuilds it).
    #[serde(skip)]
    index: HashMap<String, u64>,
    pub next_seq: u64,
    pub keypairs: Vec<Keypair>,
    pub server_groups: Vec<ServerGroup>,
    #[serde(default)]
    pub quotas: super::quotas::Quotas,
    #[serde(default)]
    pub aggregates: Vec<Aggregate>,
    #[serde(default)]
    pub next_aggregate_id: u64,
    /// Ports attached through `os-interface`, by port id.
    #[serde(default)]
    pub interfaces: BTreeMap<String, AttachedInterface>,
    /// The snapshot a shelved server is kept in, by server id (Nova's `shelved_image_id`).
    #[serde(default)]
    pub shelved_images: BTreeMap<String, String>,
    /// Volumes mapped to servers (`block_devices.rs`).
    #[serde(default)]
    pub block_devices: Vec<super::block_devices::BlockDevice>,
    /// What was done to each server, kept after it is deleted.
    #[serde(default)]
    pub actions: super::instance_actions::InstanceActions,
    /// Resizes, cold migrations and evacuations (`os-migrations`).
    #[serde(default)]
    pub migrations: super::migrations::Migrations,
}

/// A host aggregate: a named set of hosts with metadata; `availability_zone` in the metadata makes
/// it an availability zone.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Aggregate {
    pub id: u64,
    pub uuid: String,
    pub name: String,
    pub hosts: Vec<String>,
    pub metadata: BTreeMap<String, String>,
    pub created_at: SimTime,
    pub updated_at: Option<SimTime>,
}

impl Aggregate {
    pub fn availability_zone(&self) -> Option<&str> {
        self.metadata.get("availability_zone").map(String::as_str)
    }
}

impl Compute {
    pub fn host(&self, name: &str) -> Option<&Host> {
        self.hosts.iter().find(|h| h.name == name)
    }

    pub fn host_mut(&mut self, name: &str) -> Option<&mut Host> {
        self.hosts.iter_mut().find(|h| h.name == name)
    }

    /// The nova-compute service of a host.
    pub fn compute_service(&self, host: &str) -> Option<&ComputeService> {
        self.services.iter().find(|s| s.host == host && s.binary == "nova-compute")
    }

    pub fn service_mut(&mut self, binary: &str, host: &str) -> Option<&mut ComputeService> {
        self.services.iter_mut().find(|s| s.host == host && s.binary == binary)
    }

    pub fn flavor(&self, id: &str) -> Option<&Flavor> {
        self.flavors.iter().find(|f| f.id == id)
    }

    /// A flavor the project may use, by id or name (Nova resolves names client-side; fixtures use names).
    pub fn usable_flavor(&self, id_or_name: &str, project_id: &str, admin: bool) -> Option<&Flavor> {
        let usable = |f: &&Flavor| f.accessible_to(Some(project_id), admin);
        self.flavors
            .iter()
            .filter(usable)
            .find(|f| f.id == id_or_name)
            .or_else(|| self.flavors.iter().filter(usable).find(|f| f.name == id_or_name))
    }

    pub fn server(&self, id: &str) -> Option<&Server> {
        self.servers.get(self.index.get(id)?)
    }

    pub fn server_mut(&mut self, id: &str) -> Option<&mut Server> {
        self.servers.get_mut(self.index.get(id)?)
    }

    /// Rebuilds the id index after the servers were loaded from a snapshot.
    pub fn reindex(&mut self) {
        self.index = self.servers.values().map(|s| (s.id.clone(), s.seq)).collect();
    }

    pub fn server_id_named(&self, name: &str) -> Option<String> {
        self.servers.values().find(|s| s.name == name).map(|s| s.id.clone())
    }

    pub fn insert_server(&mut self, mut server: Server) {
        server.seq = self.next_seq;
        self.next_seq += 1;
        self.index.insert(server.id.clone(), server.seq);
        self.servers.insert(server.seq, server);
    }

    pub fn remove_server(&mut self, id: &str) -> Option<Server> {
        let s = self.servers.remove(&self.index.remove(id)?)?;
        for g in &mut self.server_groups {
            g.members.retain(|m| m != id);
        }
        Some(s)
    }

    /// Servers newest first, starting after `marker` (exclusive) when given.
    pub fn newest_first<'a>(&'a self, after: Option<u64>) -> impl Iterator<Item = &'a Server> + 'a {
        let range = match after {
            Some(seq) => self.servers.range(..seq),
            None => self.servers.range(..),
        };
        range.rev().map(|(_, s)| s)
    }

    pub fn servers_on<'a>(&'a self, host: &'a str) -> impl Iterator<Item = &'a Server> + 'a {
        self.servers.values().filter(move |s| s.host.as_deref() == Some(host))
    }
}

impl Compute {
    /// What a project (or one user in it) uses of a resource now.
    pub fn quota_usage(&self, project: &str, user: Option<&str>, resource: &str) -> i64 {
        let servers = || self.servers.values().filter(|s| s.project_id == project && user.is_none_or(|u| s.user_id == u));
        let sum = |f: fn(&Flavor) -> u64| -> i64 { servers().filter_map(|s| self.flavor(&s.flavor_id)).map(|fl| f(fl) as i64).sum() };
        match resource {
            "instances" => servers().count() as i64,
            "cores" => sum(|f| f.vcpus),
            "ram" => sum(|f| f.ram),
            "key_pairs" => user.map_or(0, |u| self.keypairs.iter().filter(|k| k.user_id == u).count() as i64),
            "server_groups" => {
                self.server_groups.iter().filter(|g| g.project_id == project && user.is_none_or(|u| g.user_id == u)).count() as i64
            }
            _ => 0,
        }
    }

    /// Whether `more` of a resource fits within the limit (-1 is unlimited).
    pub fn quota_allows(&self, project: &str, user: Option<&str>, resource: &str, more: i64) -> bool {
        let limit = self.quotas.limit(project, user, resource);
        limit < 0 || self.quota_usage(project, user, resource) + more <= limit
    }

    /// The limit and usage that leave the least room for a resource: the project's or the user's in
    /// it (Nova checks both). `None` when neither limits it.
    fn tightest(&self, project: &str, user: &str, resource: &str) -> Option<(i64, i64)> {
        [None, Some(user)]
            .into_iter()
            .map(|u| (self.quotas.limit(project, u, resource), self.quota_usage(project, u, resource)))
            .filter(|(limit, _)| *limit >= 0)
            .min_by_key(|(limit, used)| limit - used)
    }

    /// How many servers of `flavor` a create of `min..=max` may make within the instances, cores and
    /// ram quotas (Nova's `check_num_instances_quota`: as many as fit, down to `min`), or Nova's
    /// `TooManyInstances` message when not even `min` fit.
    pub fn instances_fit(&self, project: &str, user: &str, flavor: &Flavor, min: u32, max: u32) -> Result<u32, String> {
        let each = [("cores", flavor.vcpus as i64), ("instances", 1), ("ram", flavor.ram as i64)];
        let mut allowed = i64::from(max);
        let mut overs = Vec::new();
        for (resource, per) in each {
            let Some((limit, used)) = self.tightest(project, user, resource) else { continue };
            let room = (limit - used).max(0);
            if per > 0 {
                allowed = allowed.min(room / per);
            }
            if used + per * i64::from(max) > limit {
                overs.push((resource, per, limit, used));
            }
        }
        if allowed >= i64::from(min) {
            return Ok(allowed as u32);
        }
        let requested = |resource: &str, per: i64| match resource {
            "instances" if min == max => min.to_string(),
            "instances" => format!("{min}-{max}"),
            _ => (per * i64::from(max)).to_string(),
        };
        Err(quota_exceeded(&overs, requested))
    }

    /// Whether a resize to `new` fits the cores and ram quotas: Nova counts only what grows (its
    /// upsize delta), so a downsize always fits. The error is Nova's `TooManyInstances` message.
    pub fn upsize_fits(&self, project: &str, user: &str, old: &Flavor, new: &Flavor) -> Result<(), String> {
        let deltas = [("cores", new.vcpus as i64 - old.vcpus as i64), ("ram", new.ram as i64 - old.ram as i64)];
        let overs: Vec<_> = deltas
            .into_iter()
            .filter(|(_, delta)| *delta > 0)
            .filter_map(|(resource, delta)| {
                let (limit, used) = self.tightest(project, user, resource)?;
                (used + delta > limit).then_some((resource, delta, limit, used))
            })
            .collect();
        if overs.is_empty() {
            Ok(())
        } else {
            Err(quota_exceeded(&overs, |_, delta| delta.to_string()))
        }
    }
}

/// Nova's over-quota message for `(resource, requested per unit, limit, used)` rows.
fn quota_exceeded(overs: &[(&str, i64, i64, i64)], requested: impl Fn(&str, i64) -> String) -> String {
    let join = |f: &dyn Fn(&(&str, i64, i64, i64)) -> String| overs.iter().map(f).collect::<Vec<_>>().join(", ");
    let names = join(&|o| o.0.to_string());
    format!(
        "Quota exceeded for {names}: Requested {}, but already used {} of {} {names}",
        join(&|o| requested(o.0, o.1)),
        join(&|o| o.3.to_string()),
        join(&|o| o.2.to_string()),
    )
}

/// What Nova keeps of a port attached through `os-interface` (its VirtualInterface and the
/// network info cache's `preserve_on_delete`). Ports Nova made at boot have no entry: they are
/// Nova's, untagged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttachedInterface {
    pub server_id: String,
    /// The user made the port: a detach or a server delete unbinds it rather than deleting it.
    pub preserve_on_delete: bool,
    /// The device tag given at attach (2.49+), shown from 2.70.
    pub tag: Option<String>,
}

/// A server's volume mappings (`block_devices.rs`).
impl Compute {
    /// A server's volume mappings, in the order they were made.
    pub fn block_devices_of<'a>(&'a self, server_id: &'a str) -> impl Iterator<Item = &'a super::block_devices::BlockDevice> + 'a {
        self.block_devices.iter().filter(move |b| b.server_id == server_id)
    }

    pub fn block_device(&self, server_id: &str, volume_id: &str) -> Option<&super::block_devices::BlockDevice> {
        self.block_devices.iter().find(|b| b.server_id == server_id && b.volume_id == volume_id)
    }

    pub fn block_device_mut(&mut self, server_id: &str, volume_id: &str) -> Option<&mut super::block_devices::BlockDevice> {
        self.block_devices.iter_mut().find(|b| b.server_id == server_id && b.volume_id == volume_id)
    }

    /// Whether the server boots from a volume (its root disk is a mapped volume).
    pub fn boots_from_volume(&self, server_id: &str) -> bool {
        self.block_devices_of(server_id).any(super::block_devices::BlockDevice::is_root)
    }

    /// The next free virtio disk name, as libvirt picks it (a user-supplied name is not honoured):
    /// the root disk is `/dev/vda`, data volumes follow from `/dev/vdb`.
    pub fn next_device_name(&self, server_id: &str) -> String {
        let taken: Vec<&str> = self.block_devices_of(server_id).map(|b| b.device_name.as_str()).collect();
        let mut n = 1usize;
        loop {
            let name = format!("/dev/vd{}", super::block_devices::disk_letters(n));
            if !taken.contains(&name.as_str()) {
                return name;
            }
            n += 1;
        }
    }
}
