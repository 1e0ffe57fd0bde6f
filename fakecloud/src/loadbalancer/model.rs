//! Octavia's objects: load balancers, listeners, pools, members, health monitors and amphorae, plus
//! the controller's own state (the health manager's log and each load balancer's availability
//! timeline). Statuses are Octavia's strings.

use super::request::CreateMember;
use crate::compute::Compute;
use crate::network::Network;
use crate::sim::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

pub const ACTIVE: &str = "ACTIVE";
pub const PENDING_CREATE: &str = "PENDING_CREATE";
pub const PENDING_UPDATE: &str = "PENDING_UPDATE";
pub const PENDING_DELETE: &str = "PENDING_DELETE";
pub const ERROR: &str = "ERROR";

pub const ONLINE: &str = "ONLINE";
pub const OFFLINE: &str = "OFFLINE";
pub const DEGRADED: &str = "DEGRADED";
pub const NO_MONITOR: &str = "NO_MONITOR";

/// Amphora statuses.
pub const AMP_BOOTING: &str = "BOOTING";
pub const AMP_ALLOCATED: &str = "ALLOCATED";

/// The amphora roles of a topology, in build order.
pub fn amphora_roles(topology: &str) -> &'static [&'static str] {
    if topology == "ACTIVE_STANDBY" {
        &["MASTER", "BACKUP"]
    } else {
        &["STANDALONE"]
    }
}

/// keepalived's priority for a role (the MASTER wins the VIP).
pub fn vrrp_priority(role: &str) -> Option<u32> {
    match role {
        "MASTER" => Some(100),
        "BACKUP" => Some(90),
        _ => None,
    }
}

/// The providers this Octavia has enabled: (name, description as `GET /providers` gives it).
pub const PROVIDERS: &[(&str, &str)] = &[
    ("amphora", "The Octavia Amphora driver."),
    ("amphorav2", "The Octavia Amphora driver that uses taskflow jobboard persistence."),
    ("ovn", "Octavia OVN driver."),
];

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Common {
    pub id: String,
    /// Creation order; lists come in this order (Octavia sorts by created_at, then id).
    pub seq: u64,
    pub name: String,
    pub description: String,
    pub project_id: String,
    pub provisioning_status: String,
    pub operating_status: String,
    pub admin_state_up: bool,
    pub created_at: SimTime,
    pub updated_at: Option<SimTime>,
    pub tags: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LoadBalancer {
    #[serde(flatten)]
    pub c: Common,
    pub provider: String,
    /// SINGLE or ACTIVE_STANDBY (from the Octavia flavor or the deployment default).
    pub topology: String,
    pub vip_address: String,
    pub vip_port_id: String,
    pub vip_subnet_id: String,
    pub vip_network_id: String,
    pub flavor_id: Option<String>,
    pub availability_zone: Option<String>,
    /// Amphorae still to fail over, one after the other (an LB failover of ACTIVE_STANDBY).
    pub failover_queue: Vec<String>,
    /// Child tasks handed to the worker and not finished; the last one unlocks the LB.
    pub pending_ops: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Listener {
    #[serde(flatten)]
    pub c: Common,
    pub loadbalancer_id: String,
    pub protocol: String,
    pub protocol_port: u16,
    pub connection_limit: i64,
    pub default_pool_id: Option<String>,
    /// The optional settings a listener carries as given (timeouts, allowed CIDRs, inserted
    /// headers, TLS and HSTS settings); see `ListenerSettings`.
    #[serde(default)]
    pub settings: ListenerSettings,
}

/// A listener's tunables, with Octavia's defaults (haproxy's timeouts in milliseconds).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ListenerSettings {
    pub timeout_client_data: u32,
    pub timeout_member_connect: u32,
    pub timeout_member_data: u32,
    pub timeout_tcp_inspect: u32,
    pub allowed_cidrs: Option<Vec<String>>,
    pub insert_headers: BTreeMap<String, String>,
    pub default_tls_container_ref: Option<String>,
    pub sni_container_refs: Vec<String>,
    pub client_ca_tls_container_ref: Option<String>,
    pub client_authentication: String,
    pub client_crl_container_ref: Option<String>,
    pub tls_ciphers: Option<String>,
    pub tls_versions: Option<Vec<String>>,
    pub alpn_protocols: Option<Vec<String>>,
    pub hsts_max_age: Option<u32>,
    pub hsts_include_subdomains: Option<bool>,
    pub hsts_preload: Option<bool>,
}

impl Default for ListenerSettings {
    fn default() -> Self {
        ListenerSettings {
            timeout_client_data: 50000,
            timeout_member_connect: 5000,
            timeout_member_data: 50000,
            timeout_tcp_inspect: 0,
            allowed_cidrs: None,
            insert_headers: BTreeMap::new(),
            default_tls_container_ref: None,
            sni_container_refs: vec![],
            client_ca_tls_container_ref: None,
            client_authentication: "NONE".into(),
            client_crl_container_ref: None,
            tls_ciphers: None,
            tls_versions: None,
            alpn_protocols: None,
            hsts_max_age: None,
            hsts_include_subdomains: None,
            hsts_preload: None,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Pool {
    #[serde(flatten)]
    pub c: Common,
    pub loadbalancer_id: String,
    pub listener_id: Option<String>,
    pub protocol: String,
    pub lb_algorithm: String,
    pub healthmonitor_id: Option<String>,
    /// `{"type": SOURCE_IP | HTTP_COOKIE | APP_COOKIE, "cookie_name": ...}` (with Octavia's
    /// persistence_timeout and persistence_granularity), or none.
    #[serde(default)]
    pub session_persistence: Option<serde_json::Value>,
    #[serde(default)]
    pub tls: PoolTls,
}

/// A pool's re-encryption settings towards its members.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PoolTls {
    pub tls_enabled: bool,
    pub tls_container_ref: Option<String>,
    pub ca_tls_container_ref: Option<String>,
    pub crl_container_ref: Option<String>,
    pub tls_ciphers: Option<String>,
    pub tls_versions: Option<Vec<String>>,
    pub alpn_protocols: Option<Vec<String>>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Member {
    #[serde(flatten)]
    pub c: Common,
    pub pool_id: String,
    pub address: String,
    pub protocol_port: u16,
    pub weight: u32,
    pub subnet_id: Option<String>,
    pub monitor_address: Option<String>,
    pub monitor_port: Option<u16>,
    pub backup: bool,
    /// The Nova server behind `address` when the member was made, if any: its state is the
    /// member's health (a health monitor would see a SHUTOFF or deleted backend fail).
    pub backing_server: Option<String>,
    /// While set and in the future, the pool's health monitor has not yet seen this ACTIVE member
    /// pass `rise` checks (an injected `member-health-lag`): it is OFFLINE and takes no traffic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_rises_at: Option<SimTime>,
}

impl Member {
    /// A member as `POST /pools/{id}/members` makes it: PENDING_CREATE (set by `c`), OFFLINE until
    /// the pool's health monitor has checked it, NO_MONITOR when there is none.
    pub fn new(mut c: Common, pool: &Pool, req: CreateMember, address: String, backing_server: Option<String>) -> Member {
        c.operating_status = if pool.healthmonitor_id.is_some() { OFFLINE } else { NO_MONITOR }.into();
        Member {
            c,
            pool_id: pool.c.id.clone(),
            address,
            protocol_port: req.protocol_port,
            weight: req.weight.unwrap_or(1),
            subnet_id: req.subnet_id,
            monitor_address: req.monitor_address,
            monitor_port: req.monitor_port,
            backup: req.backup.unwrap_or(false),
            backing_server,
            health_rises_at: None,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HealthMonitor {
    #[serde(flatten)]
    pub c: Common,
    pub pool_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub delay: u32,
    pub timeout: u32,
    pub max_retries: u32,
    pub max_retries_down: u32,
    pub http_method: Option<String>,
    pub url_path: Option<String>,
    pub expected_codes: Option<String>,
    #[serde(default)]
    pub http_version: Option<f64>,
    #[serde(default)]
    pub domain_name: Option<String>,
}

/// An L7 policy of a listener: what to do with a request all its rules match. Policies are
/// evaluated in `position` order, 1 first; positions stay dense (1..n) per listener.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct L7Policy {
    #[serde(flatten)]
    pub c: Common,
    pub listener_id: String,
    /// REJECT, REDIRECT_TO_URL, REDIRECT_TO_POOL or REDIRECT_PREFIX.
    pub action: String,
    pub position: u32,
    pub redirect_pool_id: Option<String>,
    pub redirect_url: Option<String>,
    pub redirect_prefix: Option<String>,
    pub redirect_http_code: Option<u16>,
}

/// An L7 rule of a policy: one comparison on the request.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct L7Rule {
    #[serde(flatten)]
    pub c: Common,
    pub l7policy_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub compare_type: String,
    pub key: Option<String>,
    pub value: String,
    pub invert: bool,
}

/// Why an amphora is being built.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmphoraFlow {
    /// Part of a new load balancer.
    Create,
    /// The replacement for another amphora (its id).
    Failover { replaces: String },
    /// Nothing pending.
    None,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Amphora {
    pub id: String,
    pub seq: u64,
    pub loadbalancer_id: Option<String>,
    pub compute_id: Option<String>,
    pub lb_network_ip: Option<String>,
    pub vrrp_ip: Option<String>,
    pub ha_ip: Option<String>,
    pub vrrp_port_id: Option<String>,
    pub ha_port_id: Option<String>,
    /// STANDALONE, MASTER or BACKUP.
    pub role: String,
    pub status: String,
    pub vrrp_priority: Option<u32>,
    pub cached_zone: Option<String>,
    pub image_id: Option<String>,
    pub compute_flavor: Option<String>,
    pub created_at: SimTime,
    pub updated_at: Option<SimTime>,
    pub cert_expiration: SimTime,
    pub flow: AmphoraFlow,
    pub last_heartbeat: Option<SimTime>,
}

/// An Octavia flavor: what an operator offers for `--flavor`; its profile picks the topology.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LbFlavor {
    pub id: String,
    pub name: String,
    pub description: String,
    #[serde(default = "enabled")]
    pub enabled: bool,
    pub flavor_profile_id: String,
}

fn enabled() -> bool {
    true
}

/// A flavor profile: a provider and its settings (`flavor_data`, a JSON object kept as the text
/// the operator gave), which flavors point at.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FlavorProfile {
    pub id: String,
    pub name: String,
    pub provider_name: String,
    pub flavor_data: String,
}

/// An availability zone profile: a provider and its zone settings (`availability_zone_data`, a JSON
/// object kept as the text the operator gave), which availability zones point at.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ZoneProfile {
    pub id: String,
    pub name: String,
    pub provider_name: String,
    pub availability_zone_data: String,
}

/// An Octavia availability zone: the name a load balancer's `availability_zone` gives; its profile
/// says where the provider builds (for the amphora driver, the Nova zone its amphorae boot in).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LbZone {
    pub name: String,
    pub description: Option<String>,
    pub enabled: bool,
    pub availability_zone_profile_id: String,
}

/// The amphora driver's flavor settings (name, description), as its flavor schema lists them.
pub const AMPHORA_FLAVOR_CAPABILITIES: &[(&str, &str)] = &[
    (
        "loadbalancer_topology",
        "The load balancer topology. One of: SINGLE - One amphora per load balancer. ACTIVE_STANDBY - Two amphora per load balancer.",
    ),
    ("compute_flavor", "The compute driver flavor ID."),
    ("amp_image_tag", "The amphora image tag."),
    ("sriov_vip", "When true, the VIP port will be created using an SR-IOV VF port."),
    ("allow_member_sriov", "When true, users can request a member port be SR-IOV enabled at member creation time."),
];

/// The amphora driver's availability zone settings (name, description).
pub const AMPHORA_ZONE_CAPABILITIES: &[(&str, &str)] = &[
    ("compute_zone", "The compute availability zone."),
    ("volume_zone", "The volume availability zone."),
    ("management_network", "The management network ID for the amphora."),
    (
        "valid_vip_networks",
        "List of network IDs that are allowed for VIP use. This overrides/replaces the list of allowed networks configured in `octavia.conf`.",
    ),
];

impl Octavia {
    /// An availability zone's settings: its profile's `availability_zone_data` as an object (empty
    /// when the zone or its profile is gone).
    pub fn zone_data(&self, zone: &str) -> serde_json::Map<String, serde_json::Value> {
        let data = self
            .availability_zones
            .get(zone)
            .and_then(|z| self.availability_zone_profiles.get(&z.availability_zone_profile_id))
            .map(|p| p.availability_zone_data.as_str())
            .unwrap_or("{}");
        match serde_json::from_str(data) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => Default::default(),
        }
    }

    /// The topology a flavor gives a new load balancer (its profile's `loadbalancer_topology`).
    pub fn flavor_topology(&self, flavor_id: &str) -> Option<String> {
        let f = self.flavors.iter().find(|f| f.id == flavor_id)?;
        let data = self.flavor_profiles.get(&f.flavor_profile_id).map(|p| p.flavor_data.as_str()).unwrap_or("{}");
        let v: serde_json::Value = serde_json::from_str(data).unwrap_or_default();
        Some(v["loadbalancer_topology"].as_str().unwrap_or("SINGLE").to_string())
    }
}

/// One line of an Octavia service log (health manager, worker), kept for the journal and for the
/// fake shell's /var/log/containers/octavia/.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogLine {
    pub at: SimTime,
    pub component: String,
    pub level: String,
    pub message: String,
}

/// The resources Octavia counts against a project's quota, with the name its refusal uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuotaResource {
    LoadBalancer,
    Listener,
    Pool,
    Member,
    HealthMonitor,
    L7Policy,
    L7Rule,
}

impl QuotaResource {
    pub const ALL: [QuotaResource; 7] = [
        QuotaResource::LoadBalancer,
        QuotaResource::Listener,
        QuotaResource::Pool,
        QuotaResource::Member,
        QuotaResource::HealthMonitor,
        QuotaResource::L7Policy,
        QuotaResource::L7Rule,
    ];

    /// The data model's name as Octavia's refusal spells it.
    pub fn display(self) -> &'static str {
        match self {
            QuotaResource::LoadBalancer => "Load Balancer",
            QuotaResource::Listener => "Listener",
            QuotaResource::Pool => "Pool",
            QuotaResource::Member => "Member",
            QuotaResource::HealthMonitor => "Health Monitor",
            QuotaResource::L7Policy => "L7 Policy",
            QuotaResource::L7Rule => "L7 Rule",
        }
    }
}

/// Octavia's `[quotas] default_*_quota`: -1 (unlimited) for every resource.
pub const DEFAULT_QUOTA: i64 = -1;

/// A project's quota row: `None` is the deployment default.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LbQuota {
    pub load_balancer: Option<i64>,
    pub listener: Option<i64>,
    pub pool: Option<i64>,
    pub member: Option<i64>,
    pub health_monitor: Option<i64>,
    pub l7policy: Option<i64>,
    pub l7rule: Option<i64>,
}

impl LbQuota {
    pub fn slot(&mut self, r: QuotaResource) -> &mut Option<i64> {
        match r {
            QuotaResource::LoadBalancer => &mut self.load_balancer,
            QuotaResource::Listener => &mut self.listener,
            QuotaResource::Pool => &mut self.pool,
            QuotaResource::Member => &mut self.member,
            QuotaResource::HealthMonitor => &mut self.health_monitor,
            QuotaResource::L7Policy => &mut self.l7policy,
            QuotaResource::L7Rule => &mut self.l7rule,
        }
    }

    /// The limit in force for `r`, the default where none is set.
    pub fn limit(&self, r: QuotaResource) -> i64 {
        self.clone().slot(r).unwrap_or(DEFAULT_QUOTA)
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Octavia {
    pub loadbalancers: BTreeMap<String, LoadBalancer>,
    pub listeners: BTreeMap<String, Listener>,
    pub pools: BTreeMap<String, Pool>,
    pub members: BTreeMap<String, Member>,
    pub monitors: BTreeMap<String, HealthMonitor>,
    #[serde(default)]
    pub l7policies: BTreeMap<String, L7Policy>,
    #[serde(default)]
    pub l7rules: BTreeMap<String, L7Rule>,
    pub amphorae: BTreeMap<String, Amphora>,
    pub flavors: Vec<LbFlavor>,
    #[serde(default)]
    pub flavor_profiles: BTreeMap<String, FlavorProfile>,
    /// Availability zone profiles by id, and availability zones by name (their key in Octavia).
    #[serde(default)]
    pub availability_zone_profiles: BTreeMap<String, ZoneProfile>,
    #[serde(default)]
    pub availability_zones: BTreeMap<String, LbZone>,
    /// Per project, the quotas an admin set (a project absent here has the defaults, and `None`
    /// in a set one means that resource's default).
    #[serde(default)]
    pub quotas: BTreeMap<String, LbQuota>,
    pub next_seq: u64,
    pub logs: Vec<LogLine>,
    /// Per load balancer, the moments it started or stopped serving (see `availability`).
    pub availability: BTreeMap<String, Vec<(SimTime, bool)>>,
    /// Every member ever made and its pool (kept after deletion, so the journal can be read back).
    pub member_pools: BTreeMap<String, String>,
    /// Whether the health manager's 10 s cycle is scheduled.
    pub health_manager_running: bool,
    /// Parent -> children ids, so rendering one object does not scan the cloud. Derived from the
    /// maps above, so not in a snapshot (`reindex` rebuilds it).
    #[serde(skip)]
    index: Children,
    /// The load balancers the write being handled changed, when it changed nothing else (a child
    /// task: `World::begin_child_task`); the availability refresh after it then looks at these
    /// alone. Empty means "anything may have changed". Never in a snapshot: it lives from a
    /// handler to the refresh that follows it.
    #[serde(skip)]
    pub touched: BTreeSet<String>,
}

#[derive(Clone, Debug, Default)]
struct Children {
    listeners: HashMap<String, BTreeSet<String>>,
    pools: HashMap<String, BTreeSet<String>>,
    members: HashMap<String, BTreeSet<String>>,
}

/// Most log lines kept; older ones are dropped (the journal keeps its own copy).
pub const MAX_LOG_LINES: usize = 10_000;

impl Octavia {
    /// How many of `r` the project holds now (objects count until their delete completes, as
    /// Octavia's in-use counters do).
    pub fn quota_usage(&self, project_id: &str, r: QuotaResource) -> usize {
        let mine = |c: &Common| c.project_id == project_id;
        match r {
            QuotaResource::LoadBalancer => self.loadbalancers.values().filter(|x| mine(&x.c)).count(),
            QuotaResource::Listener => self.listeners.values().filter(|x| mine(&x.c)).count(),
            QuotaResource::Pool => self.pools.values().filter(|x| mine(&x.c)).count(),
            QuotaResource::Member => self.members.values().filter(|x| mine(&x.c)).count(),
            QuotaResource::HealthMonitor => self.monitors.values().filter(|x| mine(&x.c)).count(),
            QuotaResource::L7Policy => self.l7policies.values().filter(|x| mine(&x.c)).count(),
            QuotaResource::L7Rule => self.l7rules.values().filter(|x| mine(&x.c)).count(),
        }
    }

    /// Octavia's quota check before a create: `count` more of `r` must fit the project's limit.
    pub fn quota_met(&self, project_id: &str, r: QuotaResource, count: usize) -> bool {
        let limit = self.quotas.get(project_id).map_or(DEFAULT_QUOTA, |q| q.limit(r));
        limit >= 0 && self.quota_usage(project_id, r) + count > limit as usize
    }

    pub fn seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    pub fn listeners_of<'a>(&'a self, lb_id: &str) -> impl Iterator<Item = &'a Listener> + 'a {
        self.index.listeners.get(lb_id).into_iter().flatten().filter_map(|id| self.listeners.get(id))
    }

    pub fn pools_of<'a>(&'a self, lb_id: &str) -> impl Iterator<Item = &'a Pool> + 'a {
        self.index.pools.get(lb_id).into_iter().flatten().filter_map(|id| self.pools.get(id))
    }

    /// Whether a health monitor checks the pool's members (one exists and is admin up).
    pub fn pool_monitored(&self, pool_id: &str) -> bool {
        self.pools
            .get(pool_id)
            .and_then(|p| p.healthmonitor_id.as_deref())
            .and_then(|h| self.monitors.get(h))
            .is_some_and(|h| h.c.admin_state_up)
    }

    pub fn members_of<'a>(&'a self, pool_id: &str) -> impl Iterator<Item = &'a Member> + 'a {
        self.index.members.get(pool_id).into_iter().flatten().filter_map(|id| self.members.get(id))
    }

    /// A listener's L7 policies in position order.
    pub fn l7policies_of<'a>(&'a self, listener_id: &str) -> impl Iterator<Item = &'a L7Policy> + 'a {
        let mut v: Vec<&L7Policy> = self.l7policies.values().filter(|p| p.listener_id == listener_id).collect();
        v.sort_by_key(|p| (p.position, p.c.seq));
        v.into_iter()
    }

    /// A policy's rules in creation order.
    pub fn l7rules_of<'a>(&'a self, policy_id: &str) -> impl Iterator<Item = &'a L7Rule> + 'a {
        let mut v: Vec<&L7Rule> = self.l7rules.values().filter(|r| r.l7policy_id == policy_id).collect();
        v.sort_by_key(|r| r.c.seq);
        v.into_iter()
    }

    /// Puts a listener's policy at `position` (1 is first; past the end is last) and renumbers
    /// the listener's policies 1..n, as Octavia's ordered list does.
    pub fn place_l7policy(&mut self, id: &str, position: u32) {
        let Some(listener) = self.l7policies.get(id).map(|p| p.listener_id.clone()) else { return };
        let mut order: Vec<String> = self.l7policies_of(&listener).map(|p| p.c.id.clone()).filter(|p| p != id).collect();
        let at = (position.max(1) as usize - 1).min(order.len());
        order.insert(at, id.to_string());
        self.renumber_l7policies(&order);
    }

    /// Renumbers a listener's policies (given in order) 1..n.
    pub fn renumber_l7policies(&mut self, order: &[String]) {
        for (i, p) in order.iter().enumerate() {
            if let Some(p) = self.l7policies.get_mut(p) {
                p.position = i as u32 + 1;
            }
        }
    }

    /// Removes a policy with its rules, closing the gap in its listener's positions.
    pub fn remove_l7policy(&mut self, id: &str) -> Option<L7Policy> {
        let p = self.l7policies.remove(id)?;
        self.l7rules.retain(|_, r| r.l7policy_id != id);
        let order: Vec<String> = self.l7policies_of(&p.listener_id).map(|p| p.c.id.clone()).collect();
        self.renumber_l7policies(&order);
        Some(p)
    }

    pub fn insert_listener(&mut self, l: Listener) {
        self.index.listeners.entry(l.loadbalancer_id.clone()).or_default().insert(l.c.id.clone());
        self.listeners.insert(l.c.id.clone(), l);
    }

    pub fn insert_pool(&mut self, p: Pool) {
        self.index.pools.entry(p.loadbalancer_id.clone()).or_default().insert(p.c.id.clone());
        self.pools.insert(p.c.id.clone(), p);
    }

    pub fn insert_member(&mut self, m: Member) {
        self.member_pools.insert(m.c.id.clone(), m.pool_id.clone());
        self.index.members.entry(m.pool_id.clone()).or_default().insert(m.c.id.clone());
        self.members.insert(m.c.id.clone(), m);
    }

    /// Removes a listener with its L7 policies and their rules.
    pub fn remove_listener(&mut self, id: &str) -> Option<Listener> {
        let l = self.listeners.remove(id)?;
        let policies: Vec<String> = self.l7policies.values().filter(|p| p.listener_id == id).map(|p| p.c.id.clone()).collect();
        for p in policies {
            self.remove_l7policy(&p);
        }
        if let Some(set) = self.index.listeners.get_mut(&l.loadbalancer_id) {
            set.remove(id);
        }
        Some(l)
    }

    /// Removes a pool with its members and health monitor.
    pub fn remove_pool(&mut self, id: &str) -> Option<Pool> {
        let p = self.pools.remove(id)?;
        if let Some(set) = self.index.pools.get_mut(&p.loadbalancer_id) {
            set.remove(id);
        }
        for m in self.index.members.remove(id).unwrap_or_default() {
            self.members.remove(&m);
        }
        self.monitors.retain(|_, h| h.pool_id != id);
        Some(p)
    }

    pub fn remove_member(&mut self, id: &str) -> Option<Member> {
        let m = self.members.remove(id)?;
        if let Some(set) = self.index.members.get_mut(&m.pool_id) {
            set.remove(id);
        }
        Some(m)
    }

    /// Rebuilds the parent -> children index after loading a snapshot.
    pub fn reindex(&mut self) {
        let mut index = Children::default();
        for l in self.listeners.values() {
            index.listeners.entry(l.loadbalancer_id.clone()).or_default().insert(l.c.id.clone());
        }
        for p in self.pools.values() {
            index.pools.entry(p.loadbalancer_id.clone()).or_default().insert(p.c.id.clone());
        }
        for m in self.members.values() {
            index.members.entry(m.pool_id.clone()).or_default().insert(m.c.id.clone());
        }
        self.index = index;
    }

    /// The amphorae of a load balancer that still exist (not DELETED).
    pub fn amphorae_of<'a>(&'a self, lb_id: &'a str) -> impl Iterator<Item = &'a Amphora> + 'a {
        self.amphorae.values().filter(move |a| a.loadbalancer_id.as_deref() == Some(lb_id))
    }

    pub fn lb_named(&self, name: &str) -> Option<&LoadBalancer> {
        self.loadbalancers.values().find(|l| l.c.name == name)
    }

    pub fn log(&mut self, at: SimTime, component: &str, level: &str, message: String) {
        if self.logs.len() >= MAX_LOG_LINES {
            self.logs.drain(..MAX_LOG_LINES / 10);
        }
        self.logs.push(LogLine { at, component: component.into(), level: level.into(), message });
    }
}

/// Why Octavia refuses a request; the API renders each with its status in Octavia's format.
#[derive(Debug, Clone, PartialEq)]
pub enum OctaviaError {
    BadRequest(String),
    Conflict(String),
}

fn invalid_address(address: &str) -> OctaviaError {
    OctaviaError::BadRequest(format!("Invalid input for field/attribute address. Value: '{address}'. Value should be IPv4 or IPv6 format"))
}

fn subnet_not_found(subnet_id: &str) -> OctaviaError {
    OctaviaError::BadRequest(format!("Validation failure: Subnet {subnet_id} not found."))
}

impl Octavia {
    /// A new member against its pool: an IP address, a port from 1, a weight up to 256, a subnet
    /// that exists, and no other member of the pool on the same address and port. Returns the
    /// address parsed.
    pub fn check_new_member(
        &self,
        pool_id: &str,
        req: &CreateMember,
        subnet_exists: impl Fn(&str) -> bool,
    ) -> Result<IpAddr, OctaviaError> {
        let ip: IpAddr = req.address.parse().map_err(|_| invalid_address(&req.address))?;
        if req.protocol_port == 0 {
            return Err(OctaviaError::BadRequest(
                "Invalid input for field/attribute protocol_port. Value: '0'. Value should be greater or equal to 1".into(),
            ));
        }
        if req.weight.is_some_and(|x| x > 256) {
            return Err(OctaviaError::BadRequest("Invalid input for field/attribute weight. Value should be lower or equal to 256".into()));
        }
        if let Some(s) = &req.subnet_id {
            if !subnet_exists(s) {
                return Err(subnet_not_found(s));
            }
        }
        if self.members_of(pool_id).any(|m| m.address == req.address && m.protocol_port == req.protocol_port) {
            return Err(OctaviaError::Conflict(format!(
                "Another member on this pool is already using ip address {} on protocol_port {}",
                req.address, req.protocol_port
            )));
        }
        Ok(ip)
    }
}

/// A member given a project must name its pool's.
pub fn check_member_project(pool: &Pool, req: &CreateMember) -> Result<(), OctaviaError> {
    if req.project_id.as_ref().is_some_and(|p| *p != pool.c.project_id) {
        return Err(OctaviaError::BadRequest("Validation failure: project_id must match the pool's.".into()));
    }
    Ok(())
}

/// A batch update's list, checked whole before anything changes: every entry an IP address with
/// a port from 1 and a weight up to 256 on a subnet that exists, and no (address, port) twice.
/// Returns the (address, port) pairs the pool is to keep.
pub fn check_member_batch(members: &[CreateMember], subnet_exists: impl Fn(&str) -> bool) -> Result<BTreeSet<(String, u16)>, OctaviaError> {
    let mut seen = BTreeSet::new();
    for m in members {
        if m.address.parse::<IpAddr>().is_err() {
            return Err(invalid_address(&m.address));
        }
        if m.protocol_port == 0 || m.weight.is_some_and(|x| x > 256) {
            return Err(OctaviaError::BadRequest(format!(
                "Invalid input for member {}:{}: protocol_port must be 1-65535 and weight 0-256",
                m.address, m.protocol_port
            )));
        }
        if let Some(s) = m.subnet_id.as_ref().filter(|s| !subnet_exists(s)) {
            return Err(subnet_not_found(s));
        }
        if !seen.insert((m.address.clone(), m.protocol_port)) {
            return Err(OctaviaError::BadRequest(format!("Duplicate member {}:{} in the request", m.address, m.protocol_port)));
        }
    }
    Ok(seen)
}

/// The Nova server a member's address belongs to: the port holding that fixed IP (on the
/// member's subnet, when it names one), if a server owns the port.
pub fn backing_server(network: &Network, compute: &Compute, address: &str, subnet_id: Option<&str>) -> Option<String> {
    network
        .ports
        .values()
        .find(|p| p.fixed_ips.iter().any(|f| f.ip_address.to_string() == address && subnet_id.is_none_or(|s| s == f.subnet_id)))
        .filter(|p| compute.server(&p.device_id).is_some())
        .map(|p| p.device_id.clone())
}
