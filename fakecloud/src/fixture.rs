//! The fixture format: a YAML description of a cloud (region, identity, catalog; hosts and resources
//! come with later services). `reset` always returns the world to its fixture.

use crate::sim::SimTime;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The default cloud, compiled into the binary so `fakecloud serve` needs no files.
pub const DEFAULT_FIXTURE_YAML: &str = include_str!("../../fixtures/default.yaml");

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    #[serde(default = "default_region")]
    pub region: String,
    /// Where the manual clock starts; by default the wall-clock time at start-up.
    #[serde(default)]
    pub start_time: Option<SimTime>,
    /// Keystone's `[token] expiration`, in seconds.
    #[serde(default = "default_token_lifetime")]
    pub token_lifetime: u64,
    #[serde(default)]
    pub domains: Vec<DomainSpec>,
    #[serde(default)]
    pub projects: Vec<ProjectSpec>,
    #[serde(default)]
    pub roles: Vec<RoleSpec>,
    #[serde(default)]
    pub users: Vec<UserSpec>,
    #[serde(default)]
    pub role_assignments: Vec<AssignmentSpec>,
    #[serde(default)]
    pub application_credentials: Vec<AppCredSpec>,
    #[serde(default)]
    pub services: Vec<ServiceSpec>,

    // ---- compute and its neighbours ----
    /// Control-plane node names (they run the scheduler/conductor services and neutron's agents).
    #[serde(default)]
    pub controllers: Vec<String>,
    #[serde(default)]
    pub hosts: Vec<HostSpec>,
    #[serde(default)]
    pub flavors: Vec<FlavorSpec>,
    #[serde(default)]
    pub images: Vec<ImageSpec>,
    #[serde(default)]
    pub networks: Vec<NetworkSpec>,
    #[serde(default)]
    pub routers: Vec<RouterSpec>,
    #[serde(default)]
    pub servers: Vec<ServerSpec>,
    #[serde(default)]
    pub volumes: Vec<VolumeSpec>,
    #[serde(default)]
    pub loadbalancers: Vec<LoadBalancerSpec>,
    /// Magnum and the Cluster API management plane behind it.
    #[serde(default)]
    pub coe: CoeSpec,
    /// The TripleO overcloud behind the APIs (containers, Pacemaker, Galera, RabbitMQ, HAProxy,
    /// Ceph), laid out from `controllers` and `hosts`; absent means none.
    #[serde(default)]
    pub overcloud: Option<OvercloudSpec>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OvercloudSpec {
    /// `docker` (TripleO up to Queens) or `podman` (Rocky onwards).
    #[serde(default = "default_container_cli")]
    pub container_cli: String,
    /// `"1.1"` (Pacemaker 1.1's `pcs status` wording) or `"2"` (Pacemaker 2.x).
    #[serde(default = "default_pacemaker")]
    pub pacemaker: String,
}

fn default_container_cli() -> String {
    "docker".into()
}

fn default_pacemaker() -> String {
    "1.1".into()
}

/// Magnum with the capi-helm driver: the management VM its Cluster API runs on, cluster templates
/// and the workload clusters present at start-up.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoeSpec {
    #[serde(default)]
    pub management: Option<ManagementSpec>,
    #[serde(default)]
    pub cluster_templates: Vec<ClusterTemplateSpec>,
    #[serde(default)]
    pub clusters: Vec<ClusterSpec>,
}

/// The Cluster API management cluster: a Nova server, and how long it takes to come back after a
/// start (counted from the moment Nova reports it ACTIVE).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagementSpec {
    /// The Nova server (by name) the management Kubernetes runs on.
    pub server: String,
    /// Until sshd answers, nothing on the VM answers.
    #[serde(default = "default_sshd_secs")]
    pub sshd_secs: u64,
    /// Until the management Kubernetes has converged on a 2 vCPU flavor; scaled by 2/vCPUs.
    #[serde(default = "default_converge_secs")]
    pub converge_secs_on_2_vcpus: u64,
}

fn default_sshd_secs() -> u64 {
    207
}

fn default_converge_secs() -> u64 {
    1200
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterTemplateSpec {
    pub name: String,
    pub project: String,
    pub image: String,
    pub flavor: String,
    pub master_flavor: String,
    pub external_network: String,
    #[serde(default)]
    pub fixed_network: Option<String>,
    #[serde(default)]
    pub fixed_subnet: Option<String>,
    #[serde(default)]
    pub keypair: Option<String>,
    #[serde(default)]
    pub public: bool,
    #[serde(default)]
    pub labels: std::collections::BTreeMap<String, String>,
}

/// A workload cluster CAPI already manages: its machines are fixture servers.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterSpec {
    pub name: String,
    pub project: String,
    pub user: String,
    pub template: String,
    /// The CAPI namespace and name; CAPO names the kube-api load balancer
    /// `k8s-clusterapi-cluster-<namespace>-<name>-kubeapi`.
    pub capi_namespace: String,
    pub capi_name: String,
    /// Control-plane machines (server names).
    pub control_plane: Vec<String>,
    /// Worker node groups: name -> machines (server names).
    #[serde(default)]
    pub workers: std::collections::BTreeMap<String, Vec<String>>,
    /// The health Magnum has recorded before its first poll ("UNHEALTHY" with an empty reason is
    /// what a cluster shows when the management API has not answered since).
    #[serde(default)]
    pub health_status: Option<String>,
}

/// An Octavia load balancer present at start-up, ACTIVE with its amphorae running.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancerSpec {
    pub name: String,
    pub project: String,
    /// The subnet (by name) the VIP is allocated on.
    pub vip_subnet: String,
    #[serde(default = "default_provider")]
    pub provider: String,
    /// SINGLE or ACTIVE_STANDBY.
    #[serde(default = "default_topology")]
    pub topology: String,
    /// Hosts the amphorae run on, in role order; chosen by the scheduler when absent.
    #[serde(default)]
    pub amphora_hosts: Vec<String>,
    #[serde(default)]
    pub listeners: Vec<ListenerSpec>,
    #[serde(default)]
    pub pools: Vec<PoolSpec>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListenerSpec {
    pub name: String,
    pub protocol: String,
    pub port: u16,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolSpec {
    pub name: String,
    pub protocol: String,
    #[serde(default = "default_lb_algorithm")]
    pub lb_algorithm: String,
    /// The listener (by name) whose default pool this is.
    #[serde(default)]
    pub listener: Option<String>,
    #[serde(default)]
    pub healthmonitor: Option<HealthMonitorSpec>,
    #[serde(default)]
    pub members: Vec<MemberSpec>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthMonitorSpec {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub delay: u32,
    pub timeout: u32,
    pub max_retries: u32,
    #[serde(default = "default_max_retries_down")]
    pub max_retries_down: u32,
}

/// A member: the first address of a fixture server (`server`) or a literal `address`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberSpec {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub server: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    pub port: u16,
}

fn default_provider() -> String {
    "amphora".into()
}
fn default_topology() -> String {
    "SINGLE".into()
}
fn default_lb_algorithm() -> String {
    "ROUND_ROBIN".into()
}
fn default_max_retries_down() -> u32 {
    3
}

fn default_region() -> String {
    "RegionOne".into()
}
fn default_token_lifetime() -> u64 {
    3600
}
fn default_domain() -> String {
    "Default".into()
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainSpec {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSpec {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default = "default_domain")]
    pub domain: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleSpec {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    /// Implied roles (Keystone's default chain: admin -> member -> reader).
    #[serde(default)]
    pub implies: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSpec {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default = "default_domain")]
    pub domain: String,
    pub password: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub default_project: Option<String>,
}

/// A role granted to a user on a project, a domain, or the system (`system: all`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentSpec {
    pub user: String,
    pub role: String,
    #[serde(default)]
    pub project: Option<String>,
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub system: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppCredSpec {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    pub user: String,
    pub project: String,
    pub secret: String,
    /// Roles delegated; by default every role the user holds on the project.
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub expires_at: Option<SimTime>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    #[serde(rename = "type")]
    pub service_type: String,
    pub name: String,
    /// Path under the address fakecloud is reached at; may contain `$(project_id)s`.
    pub path: String,
    #[serde(default)]
    pub description: String,
}

/// A compute host: hypervisor, nova-compute service and Placement resource provider in one. Defaults
/// are Nova's (`initial_*_allocation_ratio`, `reserved_host_memory_mb = 512`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostSpec {
    pub name: String,
    pub ip: String,
    #[serde(default = "default_az")]
    pub az: String,
    pub vcpus: u64,
    pub memory_mb: u64,
    pub disk_gb: u64,
    #[serde(default = "default_cpu_ratio")]
    pub cpu_allocation_ratio: f64,
    #[serde(default = "one")]
    pub ram_allocation_ratio: f64,
    #[serde(default = "one")]
    pub disk_allocation_ratio: f64,
    #[serde(default = "default_reserved_memory")]
    pub reserved_host_memory_mb: u64,
    #[serde(default)]
    pub reserved_host_disk_mb: u64,
    #[serde(default)]
    pub reserved_host_cpus: u64,
    #[serde(default)]
    pub resume_guests_state_on_host_boot: bool,
}

fn default_az() -> String {
    "nova".into()
}
fn default_cpu_ratio() -> f64 {
    4.0
}
fn one() -> f64 {
    1.0
}
fn default_reserved_memory() -> u64 {
    512
}
fn yes() -> bool {
    true
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlavorSpec {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    pub vcpus: u64,
    /// MB.
    pub ram: u64,
    /// GB.
    pub disk: u64,
    #[serde(default)]
    pub ephemeral: u64,
    #[serde(default)]
    pub swap: u64,
    #[serde(default = "yes")]
    pub public: bool,
    /// For a private flavor: the project given access to it.
    #[serde(default)]
    pub project: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageSpec {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    /// Owner project name.
    pub project: String,
    #[serde(default = "default_visibility")]
    pub visibility: String,
    #[serde(default = "default_disk_format")]
    pub disk_format: String,
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub min_disk: u64,
    #[serde(default)]
    pub min_ram: u64,
    #[serde(default)]
    pub tags: Vec<String>,
}

fn default_visibility() -> String {
    "public".into()
}
fn default_disk_format() -> String {
    "qcow2".into()
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    pub project: String,
    #[serde(default)]
    pub external: bool,
    #[serde(default)]
    pub shared: bool,
    #[serde(default)]
    pub subnets: Vec<SubnetSpec>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubnetSpec {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    pub cidr: String,
    /// Defaults to the first address of the CIDR.
    #[serde(default)]
    pub gateway_ip: Option<String>,
    /// Defaults to the whole CIDR less the network, gateway and broadcast addresses.
    #[serde(default)]
    pub allocation_pools: Vec<AllocationPool>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocationPool {
    pub start: String,
    pub end: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouterSpec {
    pub name: String,
    pub project: String,
    #[serde(default)]
    pub external_network: Option<String>,
    /// Subnet names the router has interfaces on.
    #[serde(default)]
    pub subnets: Vec<String>,
}

/// A server present at start-up: ACTIVE (or SHUTOFF) on its host, with its allocation and ports.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSpec {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    pub project: String,
    pub user: String,
    pub flavor: String,
    pub image: String,
    /// Network names; one port on each.
    #[serde(default)]
    pub networks: Vec<String>,
    /// Where it runs; chosen by the scheduler when absent.
    #[serde(default)]
    pub host: Option<String>,
    /// ACTIVE or SHUTOFF.
    #[serde(default = "default_server_status")]
    pub status: String,
    #[serde(default)]
    pub floating_ip: bool,
    #[serde(default)]
    pub key_name: Option<String>,
    #[serde(default)]
    pub metadata: std::collections::BTreeMap<String, String>,
}

fn default_server_status() -> String {
    "ACTIVE".into()
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeSpec {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    pub project: String,
    /// GB.
    pub size: u64,
    /// A server name: the volume is in-use and attached to it.
    #[serde(default)]
    pub attached_to: Option<String>,
}

/// The largest fixture file read: a large cloud's fixture is well under a megabyte.
pub const MAX_FIXTURE_BYTES: usize = 16 << 20;

/// How deep a fixture's YAML may nest (block and flow levels together); the deepest fixture
/// section is under ten. serde_yaml_ng stops at 128 while deserialising, and limits how far
/// aliases may expand, but its parser reads the whole event stream first, and a document nested a
/// million levels takes minutes there: so the depth is checked on the text before parsing.
pub const MAX_YAML_DEPTH: usize = 64;

impl Fixture {
    pub fn parse(yaml: &str) -> anyhow::Result<Fixture> {
        if let Some(line) = nested_deeper_than(yaml, MAX_YAML_DEPTH) {
            anyhow::bail!("YAML nested deeper than {MAX_YAML_DEPTH} levels (line {line})");
        }
        Ok(serde_yaml_ng::from_str(yaml)?)
    }

    pub fn load(path: &Path) -> anyhow::Result<Fixture> {
        let bytes = crate::files::read_limited(path, MAX_FIXTURE_BYTES)
            .map_err(|e| anyhow::anyhow!("cannot read fixture {}: {e}", path.display()))?;
        let text = String::from_utf8(bytes).map_err(|e| anyhow::anyhow!("cannot read fixture {}: not UTF-8: {e}", path.display()))?;
        Fixture::parse(&text).map_err(|e| anyhow::anyhow!("invalid fixture {}: {e}", path.display()))
    }

    pub fn default_cloud() -> Fixture {
        Fixture::parse(DEFAULT_FIXTURE_YAML).expect("the embedded default fixture parses")
    }

    /// The fixture from a path, or the embedded default.
    pub fn from_option(path: Option<&Path>) -> anyhow::Result<Fixture> {
        path.map_or_else(|| Ok(Fixture::default_cloud()), Fixture::load)
    }

    /// The project a user works in by default: its default project, else its first project role.
    pub fn home_project(&self, user: &str) -> Option<&str> {
        let u = self.users.iter().find(|u| u.name == user)?;
        u.default_project.as_deref().or_else(|| self.role_assignments.iter().find(|a| a.user == user).and_then(|a| a.project.as_deref()))
    }
}

/// The first line (1-based) where the YAML nests deeper than `max`: block levels by indentation
/// and `- ` indicators, plus open flow collections (`[`, `{`) outside quotes and comments. A
/// quick over-estimate is fine: the limit is far above any real fixture.
fn nested_deeper_than(yaml: &str, max: usize) -> Option<usize> {
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    for (n, line) in yaml.lines().enumerate() {
        let body = line.trim_start_matches([' ', '\t']);
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = line.len() - body.len();
        if flow == 0 {
            while indents.last().is_some_and(|&i| i >= indent) {
                indents.pop();
            }
            indents.push(indent);
        }
        let mut rest = body;
        let mut dashes = 0;
        while let Some(after) = rest.strip_prefix("- ") {
            dashes += 1;
            rest = after.trim_start();
        }
        let mut quote: Option<char> = None;
        let mut previous = ' ';
        for c in rest.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') if matches!(previous, ' ' | '[' | '{' | ',' | ':') => quote = Some(c),
                (None, '#') if previous == ' ' => break,
                (None, '[' | '{') => flow += 1,
                (None, ']' | '}') => flow = flow.saturating_sub(1),
                _ => {}
            }
            if indents.len() + dashes + flow > max {
                return Some(n + 1);
            }
            previous = c;
        }
        if indents.len() + dashes + flow > max {
            return Some(n + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deeply_nested_yaml_is_refused_before_parsing_and_real_fixtures_pass() {
        let flow = format!("users: {}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
        let err = Fixture::parse(&flow).unwrap_err().to_string();
        assert!(err.contains("nested deeper than 64 levels (line 1)"), "{err}");
        let block: String = (0..100).map(|i| format!("{}k{i}:\n", " ".repeat(i))).collect();
        assert!(Fixture::parse(&block).unwrap_err().to_string().contains("nested deeper"));
        let dashes = format!("users:\n{}x\n", "- ".repeat(80));
        assert!(Fixture::parse(&dashes).unwrap_err().to_string().contains("nested deeper"));
        // Brackets inside quotes or comments open nothing.
        assert_eq!(nested_deeper_than(&format!("a: '{}' # {}\n", "[".repeat(100), "{".repeat(100)), 64), None);
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                let text = std::fs::read_to_string(&path).unwrap();
                assert_eq!(nested_deeper_than(&text, MAX_YAML_DEPTH), None, "{}", path.display());
            }
        }
    }

    #[test]
    fn an_alias_bomb_is_refused() {
        let mut yaml = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            yaml.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        yaml.push_str("users: *a11\n");
        assert!(Fixture::parse(&yaml).is_err());
    }

    #[test]
    fn an_endless_fixture_file_is_refused_at_the_size_limit() {
        let err = Fixture::load(Path::new("/dev/zero")).unwrap_err().to_string();
        assert!(err.contains("cannot read fixture /dev/zero: larger than the 16777216 bytes allowed"), "{err}");
    }

    #[test]
    fn the_parked_fixture_is_the_default_with_the_management_vm_stopped() {
        let mut parked = Fixture::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/capi-parked.yaml")).unwrap();
        let vm = parked.servers.iter_mut().find(|s| s.name == "capi-mgmt-vm").unwrap();
        assert_eq!(vm.status, "SHUTOFF");
        vm.status = "ACTIVE".into();
        assert_eq!(parked.coe.clusters[0].health_status.take().as_deref(), Some("UNHEALTHY"));
        let json = |f: &Fixture| serde_json::to_value(f).unwrap();
        assert_eq!(json(&parked), json(&Fixture::default_cloud()), "capi-parked.yaml has drifted from default.yaml");
    }

    #[test]
    fn default_fixture_has_the_documented_cloud() {
        let f = Fixture::default_cloud();
        assert_eq!(f.region, "RegionOne");
        let projects: Vec<_> = f.projects.iter().map(|p| p.name.as_str()).collect();
        for p in ["admin", "demo", "service"] {
            assert!(projects.contains(&p), "missing project {p}");
        }
        assert_eq!(f.home_project("admin"), Some("admin"));
        assert_eq!(f.home_project("demo"), Some("demo"));
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let err = Fixture::parse("region: R\nbogus: 1\n").unwrap_err().to_string();
        assert!(err.contains("bogus"), "{err}");
    }
}
