//! The policy matrix: every route the router serves, called by six callers (admin, a member of
//! the project that owns the resource, a member of another project, a reader of the owning
//! project, no token, an expired token), each answer checked against the upstream policy default
//! for that route (secure RBAC, new defaults and scope enforced, as `policy.rs` models them); and
//! cross-project isolation for every resource type.
//!
//! The table is checked against `fakecloud::http::route_table()` both ways, so a new route without
//! a row (or a row for a route that went away) fails here.

mod common;

use common::{password_auth, reply, Reply, TestCloud};
use fakecloud::fixture::{AssignmentSpec, UserSpec};
use fakecloud::http::service::Service;
use fakecloud::Fixture;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeSet;

// ---- who calls, and what they should get ----

/// The six callers of every row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    /// `admin` with its admin-project token (the legacy cloud admin).
    Admin,
    /// A member of the project owning the row's resource (`demo`, or `cm_member` for capi-mgmt).
    Owner,
    /// A member of another project (`alt_demo`).
    Other,
    /// A reader, and only a reader, of the owning project (`observer`, or `cm_reader`).
    Reader,
    NoToken,
    /// A token that was valid once: issued before the clock moved past its lifetime.
    Expired,
}

const CALLERS: [Who; 6] = [Who::NoToken, Who::Expired, Who::Other, Who::Reader, Who::Owner, Who::Admin];

/// The project owning a row's resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Owning {
    /// `demo` (fixture servers, volumes, networks, and what setup makes there).
    Demo,
    /// `capi-mgmt` (the fixture load balancer tree and the Magnum cluster and templates).
    Capi,
}

/// How a service refuses another project's resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hidden {
    /// As if it did not exist (Nova, Neutron, Cinder, Glance, Magnum).
    NotFound,
    /// With the policy's 403 (Octavia checks the object's project; Keystone's project targets).
    Forbidden,
}

/// A route's rule, in upstream terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    /// No token needed: version documents and token issue.
    Public,
    /// fakecloud's control API (`/_fakecloud`): the harness's door, which takes no token at all.
    Control,
    /// Any valid token (`@` or an empty check string).
    AnyToken,
    /// `role:admin` (a system reader would also pass some of these; no caller here is one).
    Admin,
    /// Reader on the token's own project: lists (which show the caller only its own project's).
    OwnProjectReader,
    /// Member on the token's own project: creates, which land in the caller's project.
    OwnProjectMember,
    /// Admin, or a reader of the resource's project.
    ProjectReader(Hidden),
    /// Admin, or a member of the resource's project.
    ProjectMember(Hidden),
    /// Admin, or the owning user itself (`user_id:%(target.user.id)s`).
    UserOrAdmin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Policy passed: 2xx/3xx, or a status the row names (a 409 that only a passed check reaches).
    Allowed,
    Unauthenticated,
    Forbidden,
    NotFound,
}

fn expected(rule: Rule, who: Who) -> Outcome {
    use Outcome::*;
    let hidden = |h: Hidden| if h == Hidden::NotFound { NotFound } else { Forbidden };
    match (rule, who) {
        (Rule::Public | Rule::Control, _) => Allowed,
        (_, Who::NoToken | Who::Expired) => Unauthenticated,
        (Rule::AnyToken | Rule::OwnProjectReader, _) => Allowed,
        (Rule::Admin, Who::Admin) => Allowed,
        (Rule::Admin, _) => Forbidden,
        (Rule::OwnProjectMember, Who::Reader) => Forbidden,
        (Rule::OwnProjectMember, _) => Allowed,
        (Rule::ProjectReader(h), Who::Other) => hidden(h),
        (Rule::ProjectReader(_), _) => Allowed,
        (Rule::ProjectMember(h), Who::Other) => hidden(h),
        (Rule::ProjectMember(_), Who::Reader) => Forbidden,
        (Rule::ProjectMember(_), _) => Allowed,
        (Rule::UserOrAdmin, Who::Admin | Who::Owner) => Allowed,
        (Rule::UserOrAdmin, _) => Forbidden,
    }
}

// ---- the concrete request of a row ----

#[derive(Default)]
struct Req {
    params: Vec<(&'static str, String)>,
    query: String,
    json: Option<Value>,
    raw: Option<Vec<u8>>,
    headers: Vec<(&'static str, String)>,
    also_ok: Vec<u16>,
}

fn req() -> Req {
    Req::default()
}

impl Req {
    /// A path parameter.
    fn p(mut self, name: &'static str, value: &str) -> Self {
        self.params.push((name, value.to_string()));
        self
    }
    fn q(mut self, query: impl Into<String>) -> Self {
        self.query = query.into();
        self
    }
    fn json(mut self, body: Value) -> Self {
        self.json = Some(body);
        self
    }
    fn raw(mut self, body: &[u8]) -> Self {
        self.raw = Some(body.to_vec());
        self
    }
    fn h(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
    /// A non-2xx status that still shows the policy check passed (it is only reached after it).
    fn also(mut self, status: u16) -> Self {
        self.also_ok.push(status);
        self
    }
    fn nova(self, version: &str) -> Self {
        self.h("x-openstack-nova-api-version", version)
    }
    fn placement(self) -> Self {
        self.h("openstack-api-version", "placement 1.39")
    }
    fn magnum(self) -> Self {
        self.h("openstack-api-version", "container-infra 1.10")
    }
}

type Build = fn(&Ctx, Who) -> Req;

/// One row of the table.
struct Row {
    method: &'static str,
    path: String,
    rule: Rule,
    /// The upstream policy action (or what guards the route) the row follows.
    action: &'static str,
    owning: Owning,
    build: Build,
}

fn row(method: &'static str, path: &str, rule: Rule, action: &'static str, build: Build) -> Row {
    Row { method, path: path.to_string(), rule, action, owning: Owning::Demo, build }
}

fn capi(mut r: Row) -> Row {
    r.owning = Owning::Capi;
    r
}

// ---- the world the rows run against ----

/// Ids and tokens made or looked up in setup.
#[derive(Default)]
struct Ctx {
    t_admin: String,
    t_demo: String,
    t_observer: String,
    t_alt: String,
    t_cm_member: String,
    t_cm_reader: String,
    t_expired: String,
    demo_p: String,
    alt_p: String,
    admin_p: String,
    demo_u: String,
    app_cred: String,
    role: String,
    service: String,
    endpoint: String,
    // compute
    server: String,
    flavor: String,
    tiny: String,
    private_flavor: String,
    cirros: String,
    group: String,
    hypervisor: String,
    nova_service: String,
    // placement
    rp: String,
    rp_empty: String,
    rp_gen: u64,
    consumer: String,
    consumer_gen: u64,
    // network
    net: String,
    net_del: String,
    subnet: String,
    subnet_del: String,
    port: String,
    fip: String,
    router: String,
    demo_router: String,
    private_subnet: String,
    public_net: String,
    sg: String,
    sg_rule: String,
    dhcp_agent: String,
    l3_agent: String,
    ext_alias: String,
    capi_subnet: String,
    alt_subnet: String,
    // image, volume
    image: String,
    volume: String,
    // octavia
    lb: String,
    listener: String,
    pool: String,
    member: String,
    hm: String,
    amphora: String,
    // magnum
    template_pub: String,
    template: String,
    cluster: String,
    nodegroup: String,
    // control
    fault: String,
    snapshot: Vec<u8>,
}

impl Ctx {
    fn token(&self, who: Who, owning: Owning) -> Option<&str> {
        Some(match (who, owning) {
            (Who::Admin, _) => &self.t_admin,
            (Who::Owner, Owning::Demo) => &self.t_demo,
            (Who::Owner, Owning::Capi) => &self.t_cm_member,
            (Who::Reader, Owning::Demo) => &self.t_observer,
            (Who::Reader, Owning::Capi) => &self.t_cm_reader,
            (Who::Other, _) => &self.t_alt,
            (Who::Expired, _) => &self.t_expired,
            (Who::NoToken, _) => return None,
        })
    }

    /// The project a demo-owned row's caller works in (Cinder puts it in the URL).
    fn own_project(&self, who: Who) -> &str {
        match who {
            Who::Admin => &self.admin_p,
            Who::Other => &self.alt_p,
            _ => &self.demo_p,
        }
    }

    /// A subnet the caller may put a VIP on, for capi-owned load balancer creates.
    fn own_vip_subnet(&self, who: Who) -> &str {
        if who == Who::Other {
            &self.alt_subnet
        } else {
            &self.capi_subnet
        }
    }
}

const PUBKEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl pm@example.org";

// ---- the table ----

fn table() -> Vec<Row> {
    use Hidden::{Forbidden as H403, NotFound as H404};
    use Rule::*;
    let mut t = vec![
        // ---- Keystone (keystone/common/policies) ----
        row("GET", "/identity", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/identity/v3", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/identity/v3/auth/tokens", UserOrAdmin, "identity:validate_token", |x, _| req().h("x-subject-token", &x.t_demo)),
        row("HEAD", "/identity/v3/auth/tokens", UserOrAdmin, "identity:check_token", |x, _| req().h("x-subject-token", &x.t_demo)),
        row("POST", "/identity/v3/auth/tokens", Public, "token issue (authenticates itself)", |_, _| {
            req().json(password_auth("demo", "demo-secret", Some("demo")))
        }),
        row("DELETE", "/identity/v3/auth/tokens", UserOrAdmin, "identity:revoke_token", |x, _| req().h("x-subject-token", &x.t_demo)),
        row("GET", "/identity/v3/auth/catalog", AnyToken, "identity:get_auth_catalog", |_, _| req()),
        row("GET", "/identity/v3/auth/projects", AnyToken, "identity:get_auth_projects", |_, _| req()),
        row("GET", "/identity/v3/auth/domains", AnyToken, "identity:get_auth_domains", |_, _| req()),
        row("GET", "/identity/v3/auth/system", AnyToken, "identity:get_auth_system", |_, _| req()),
        row("GET", "/identity/v3/projects", Admin, "identity:list_projects", |_, _| req()),
        // Any role on the project itself: project_id:%(target.project.id)s.
        row("GET", "/identity/v3/projects/{id}", ProjectReader(H403), "identity:get_project", |x, _| req().p("id", &x.demo_p)),
        row("GET", "/identity/v3/users", Admin, "identity:list_users", |_, _| req()),
        row("GET", "/identity/v3/users/{id}", UserOrAdmin, "identity:get_user", |x, _| req().p("id", &x.demo_u)),
        row("GET", "/identity/v3/users/{id}/projects", UserOrAdmin, "identity:list_user_projects", |x, _| req().p("id", &x.demo_u)),
        row("GET", "/identity/v3/users/{id}/application_credentials", UserOrAdmin, "identity:list_application_credentials", |x, _| {
            req().p("id", &x.demo_u)
        }),
        row("GET", "/identity/v3/users/{id}/application_credentials/{cred}", UserOrAdmin, "identity:get_application_credential", |x, _| {
            req().p("id", &x.demo_u).p("cred", &x.app_cred)
        }),
        row("GET", "/identity/v3/roles", Admin, "identity:list_roles", |_, _| req()),
        row("GET", "/identity/v3/roles/{id}", Admin, "identity:get_role", |x, _| req().p("id", &x.role)),
        row("GET", "/identity/v3/role_assignments", Admin, "identity:list_role_assignments", |_, _| req()),
        row("GET", "/identity/v3/domains", Admin, "identity:list_domains", |_, _| req()),
        // Upstream admits `token.project.domain.id:%(target.domain.id)s`: every caller here has a
        // project in Default, so any valid token reads it.
        row("GET", "/identity/v3/domains/{id}", AnyToken, "identity:get_domain", |_, _| req().p("id", "default")),
        row("GET", "/identity/v3/regions", AnyToken, "identity:list_regions", |_, _| req()),
        row("GET", "/identity/v3/regions/{id}", AnyToken, "identity:get_region", |_, _| req().p("id", "RegionOne")),
        row("GET", "/identity/v3/services", Admin, "identity:list_services", |_, _| req()),
        row("GET", "/identity/v3/services/{id}", Admin, "identity:get_service", |x, _| req().p("id", &x.service)),
        row("GET", "/identity/v3/endpoints", Admin, "identity:list_endpoints", |_, _| req()),
        row("GET", "/identity/v3/endpoints/{id}", Admin, "identity:get_endpoint", |x, _| req().p("id", &x.endpoint)),
        // ---- Nova (nova/policies) ----
        row("GET", "/compute", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/compute/v2.1", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/compute/v2.1/servers", OwnProjectReader, "os_compute_api:servers:index", |_, _| req()),
        row("POST", "/compute/v2.1/servers", OwnProjectMember, "os_compute_api:servers:create", |x, _| {
            req().json(json!({"server": {"name": "pm-vm", "flavorRef": x.tiny, "imageRef": x.cirros}}))
        }),
        row("GET", "/compute/v2.1/servers/detail", OwnProjectReader, "os_compute_api:servers:detail", |_, _| req()),
        row("GET", "/compute/v2.1/servers/{id}", ProjectReader(H404), "os_compute_api:servers:show", |x, _| req().p("id", &x.server)),
        row("PUT", "/compute/v2.1/servers/{id}", ProjectMember(H404), "os_compute_api:servers:update", |x, _| {
            req().p("id", &x.server).json(json!({"server": {"name": "pm-renamed"}}))
        }),
        row("DELETE", "/compute/v2.1/servers/{id}", ProjectMember(H404), "os_compute_api:servers:delete", |x, _| req().p("id", &x.server)),
        row("POST", "/compute/v2.1/servers/{id}/action", ProjectMember(H404), "os_compute_api:servers:stop", |x, _| {
            req().p("id", &x.server).json(json!({"os-stop": null}))
        }),
        row("GET", "/compute/v2.1/flavors", AnyToken, "os_compute_api:flavors:index", |_, _| req()),
        row("GET", "/compute/v2.1/flavors/detail", AnyToken, "os_compute_api:flavors:index", |_, _| req()),
        row("GET", "/compute/v2.1/flavors/{id}", AnyToken, "os_compute_api:flavors:show", |x, _| req().p("id", &x.flavor)),
        row("GET", "/compute/v2.1/flavors/{id}/os-extra_specs", OwnProjectReader, "os_compute_api:os-flavor-extra-specs:index", |x, _| {
            req().p("id", &x.flavor)
        }),
        row("GET", "/compute/v2.1/flavors/{id}/os-flavor-access", Admin, "os_compute_api:os-flavor-access", |x, _| {
            req().p("id", &x.private_flavor)
        }),
        // Keypairs belong to a user; from 2.10 ?user_id= (or the body's user_id) names the owner.
        row("GET", "/compute/v2.1/os-keypairs", UserOrAdmin, "os_compute_api:os-keypairs:index", |x, _| {
            req().q(format!("user_id={}", x.demo_u)).nova("2.10")
        }),
        row("POST", "/compute/v2.1/os-keypairs", UserOrAdmin, "os_compute_api:os-keypairs:create", |x, _| {
            req().nova("2.10").json(json!({"keypair": {"name": "pm-key-2", "public_key": PUBKEY, "user_id": x.demo_u}}))
        }),
        row("GET", "/compute/v2.1/os-keypairs/{name}", UserOrAdmin, "os_compute_api:os-keypairs:show", |x, _| {
            req().p("name", "pm-key").q(format!("user_id={}", x.demo_u)).nova("2.10")
        }),
        row("DELETE", "/compute/v2.1/os-keypairs/{name}", UserOrAdmin, "os_compute_api:os-keypairs:delete", |x, _| {
            req().p("name", "pm-key").q(format!("user_id={}", x.demo_u)).nova("2.10")
        }),
        row("GET", "/compute/v2.1/os-server-groups", OwnProjectReader, "os_compute_api:os-server-groups:index", |_, _| req()),
        row("POST", "/compute/v2.1/os-server-groups", OwnProjectMember, "os_compute_api:os-server-groups:create", |_, _| {
            req().json(json!({"server_group": {"name": "pm-group-2", "policies": ["anti-affinity"]}}))
        }),
        row("GET", "/compute/v2.1/os-server-groups/{id}", ProjectReader(H404), "os_compute_api:os-server-groups:show", |x, _| {
            req().p("id", &x.group)
        }),
        row("DELETE", "/compute/v2.1/os-server-groups/{id}", ProjectMember(H404), "os_compute_api:os-server-groups:delete", |x, _| {
            req().p("id", &x.group)
        }),
        row("GET", "/compute/v2.1/os-availability-zone", AnyToken, "os_compute_api:os-availability-zone:list", |_, _| req()),
        row("GET", "/compute/v2.1/os-availability-zone/detail", Admin, "os_compute_api:os-availability-zone:detail", |_, _| req()),
        row("GET", "/compute/v2.1/os-hypervisors", Admin, "os_compute_api:os-hypervisors:list", |_, _| req()),
        row("GET", "/compute/v2.1/os-hypervisors/detail", Admin, "os_compute_api:os-hypervisors:list-detail", |_, _| req()),
        row("GET", "/compute/v2.1/os-hypervisors/{id}", Admin, "os_compute_api:os-hypervisors:show", |x, _| req().p("id", &x.hypervisor)),
        row("GET", "/compute/v2.1/os-services", Admin, "os_compute_api:os-services:list", |_, _| req()),
        row("PUT", "/compute/v2.1/os-services/{id}", Admin, "os_compute_api:os-services:update", |x, _| {
            req().p("id", &x.nova_service).nova("2.53").json(json!({"status": "disabled", "disabled_reason": "pm"}))
        }),
        // ---- Placement (placement/policies): admin_or_service_api, GET /usages also project readers ----
        row("GET", "/placement", Public, "version discovery (unauthenticated)", |_, _| req().placement()),
        row("GET", "/placement/resource_providers", Admin, "placement:resource_providers:list", |_, _| req().placement()),
        row("POST", "/placement/resource_providers", Admin, "placement:resource_providers:create", |_, _| {
            req().placement().json(json!({"name": "pm-rp-new"}))
        }),
        row("GET", "/placement/resource_providers/{uuid}", Admin, "placement:resource_providers:show", |x, _| {
            req().placement().p("uuid", &x.rp)
        }),
        row("PUT", "/placement/resource_providers/{uuid}", Admin, "placement:resource_providers:update", |x, _| {
            req().placement().p("uuid", &x.rp).json(json!({"name": "pm-rp-renamed"}))
        }),
        row("DELETE", "/placement/resource_providers/{uuid}", Admin, "placement:resource_providers:delete", |x, _| {
            req().placement().p("uuid", &x.rp_empty)
        }),
        row("GET", "/placement/resource_providers/{uuid}/inventories", Admin, "placement:resource_providers:inventories:list", |x, _| {
            req().placement().p("uuid", &x.rp)
        }),
        row("PUT", "/placement/resource_providers/{uuid}/inventories", Admin, "placement:resource_providers:inventories:update", |x, _| {
            req().placement().p("uuid", &x.rp).json(json!({"resource_provider_generation": x.rp_gen,
                "inventories": {"VCPU": {"total": 16}, "MEMORY_MB": {"total": 4096}}}))
        }),
        row(
            "POST",
            "/placement/resource_providers/{uuid}/inventories",
            Admin,
            "placement:resource_providers:inventories:create",
            |x, _| req().placement().p("uuid", &x.rp).json(json!({"resource_class": "DISK_GB", "total": 10})),
        ),
        row(
            "DELETE",
            "/placement/resource_providers/{uuid}/inventories",
            Admin,
            "placement:resource_providers:inventories:delete",
            |x, _| req().placement().p("uuid", &x.rp_empty),
        ),
        row(
            "GET",
            "/placement/resource_providers/{uuid}/inventories/{rc}",
            Admin,
            "placement:resource_providers:inventories:show",
            |x, _| req().placement().p("uuid", &x.rp).p("rc", "VCPU"),
        ),
        row(
            "PUT",
            "/placement/resource_providers/{uuid}/inventories/{rc}",
            Admin,
            "placement:resource_providers:inventories:update",
            |x, _| req().placement().p("uuid", &x.rp).p("rc", "VCPU").json(json!({"resource_provider_generation": x.rp_gen, "total": 16})),
        ),
        row(
            "DELETE",
            "/placement/resource_providers/{uuid}/inventories/{rc}",
            Admin,
            "placement:resource_providers:inventories:delete",
            |x, _| req().placement().p("uuid", &x.rp).p("rc", "VCPU"),
        ),
        row("GET", "/placement/resource_providers/{uuid}/usages", Admin, "placement:resource_providers:usages", |x, _| {
            req().placement().p("uuid", &x.rp)
        }),
        row("GET", "/placement/resource_providers/{uuid}/allocations", Admin, "placement:resource_providers:allocations:list", |x, _| {
            req().placement().p("uuid", &x.rp)
        }),
        row("GET", "/placement/resource_providers/{uuid}/traits", Admin, "placement:resource_providers:traits:list", |x, _| {
            req().placement().p("uuid", &x.rp)
        }),
        row("PUT", "/placement/resource_providers/{uuid}/traits", Admin, "placement:resource_providers:traits:update", |x, _| {
            req().placement().p("uuid", &x.rp).json(json!({"resource_provider_generation": x.rp_gen, "traits": ["CUSTOM_PM_TRAIT"]}))
        }),
        row("DELETE", "/placement/resource_providers/{uuid}/traits", Admin, "placement:resource_providers:traits:delete", |x, _| {
            req().placement().p("uuid", &x.rp)
        }),
        row("GET", "/placement/resource_providers/{uuid}/aggregates", Admin, "placement:resource_providers:aggregates:list", |x, _| {
            req().placement().p("uuid", &x.rp)
        }),
        row("PUT", "/placement/resource_providers/{uuid}/aggregates", Admin, "placement:resource_providers:aggregates:update", |x, _| {
            req().placement().p("uuid", &x.rp).json(json!({"resource_provider_generation": x.rp_gen,
                "aggregates": ["7b1b3c0e-58a8-4a6e-9a0a-6a1c2f6f0a01"]}))
        }),
        row("GET", "/placement/resource_classes", Admin, "placement:resource_classes:list", |_, _| req().placement()),
        row("POST", "/placement/resource_classes", Admin, "placement:resource_classes:create", |_, _| {
            req().placement().json(json!({"name": "CUSTOM_PM_NEW"}))
        }),
        row("GET", "/placement/resource_classes/{name}", Admin, "placement:resource_classes:show", |_, _| {
            req().placement().p("name", "CUSTOM_PM")
        }),
        row("PUT", "/placement/resource_classes/{name}", Admin, "placement:resource_classes:update", |_, _| {
            req().placement().p("name", "CUSTOM_PM")
        }),
        row("DELETE", "/placement/resource_classes/{name}", Admin, "placement:resource_classes:delete", |_, _| {
            req().placement().p("name", "CUSTOM_PM")
        }),
        row("GET", "/placement/traits", Admin, "placement:traits:list", |_, _| req().placement()),
        row("GET", "/placement/traits/{name}", Admin, "placement:traits:show", |_, _| req().placement().p("name", "CUSTOM_PM_TRAIT")),
        row("PUT", "/placement/traits/{name}", Admin, "placement:traits:update", |_, _| req().placement().p("name", "CUSTOM_PM_TRAIT")),
        row("DELETE", "/placement/traits/{name}", Admin, "placement:traits:delete", |_, _| req().placement().p("name", "CUSTOM_PM_TRAIT")),
        row("POST", "/placement/allocations", Admin, "placement:allocations:manage", |x, _| {
            req().placement().json(json!({"5c1e5b8a-3f0e-4a53-9a43-0d1d8f1f2a02": {
                "allocations": {x.rp.as_str(): {"resources": {"MEMORY_MB": 256}}},
                "project_id": x.demo_p, "user_id": x.demo_u, "consumer_generation": null, "consumer_type": "INSTANCE"}}))
        }),
        row("GET", "/placement/allocations/{consumer}", Admin, "placement:allocations:list", |x, _| {
            req().placement().p("consumer", &x.consumer)
        }),
        row("PUT", "/placement/allocations/{consumer}", Admin, "placement:allocations:update", |x, _| {
            req().placement().p("consumer", &x.consumer).json(json!({
                "allocations": {x.rp.as_str(): {"resources": {"MEMORY_MB": 1024}}},
                "project_id": x.demo_p, "user_id": x.demo_u, "consumer_generation": x.consumer_gen, "consumer_type": "INSTANCE"}))
        }),
        row("DELETE", "/placement/allocations/{consumer}", Admin, "placement:allocations:delete", |x, _| {
            req().placement().p("consumer", &x.consumer)
        }),
        row("GET", "/placement/allocation_candidates", Admin, "placement:allocation_candidates:list", |_, _| {
            req().placement().q("resources=VCPU:1")
        }),
        // admin_or_project_reader_or_service_api, the target being the queried project.
        row("GET", "/placement/usages", ProjectReader(H403), "placement:usages", |x, _| {
            req().placement().q(format!("project_id={}", x.demo_p))
        }),
        // ---- Neutron (neutron/conf/policies) ----
        row("GET", "/network", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/network/v2.0", AnyToken, "resource discovery (keystonemiddleware only)", |_, _| req()),
        row("GET", "/network/v2.0/extensions", AnyToken, "extension discovery (keystonemiddleware only)", |_, _| req()),
        row("GET", "/network/v2.0/extensions/{alias}", AnyToken, "extension discovery (keystonemiddleware only)", |x, _| {
            req().p("alias", &x.ext_alias)
        }),
        row("GET", "/network/v2.0/availability_zones", OwnProjectReader, "get_availability_zone", |_, _| req()),
        row("GET", "/network/v2.0/networks", OwnProjectReader, "get_network", |_, _| req()),
        row("POST", "/network/v2.0/networks", OwnProjectMember, "create_network", |_, _| {
            req().json(json!({"network": {"name": "pm-new"}}))
        }),
        row("GET", "/network/v2.0/networks/{id}", ProjectReader(H404), "get_network", |x, _| req().p("id", &x.net)),
        row("PUT", "/network/v2.0/networks/{id}", ProjectMember(H404), "update_network", |x, _| {
            req().p("id", &x.net).json(json!({"network": {"name": "pm-renamed"}}))
        }),
        row("DELETE", "/network/v2.0/networks/{id}", ProjectMember(H404), "delete_network", |x, _| req().p("id", &x.net_del)),
        row("GET", "/network/v2.0/networks/{id}/dhcp-agents", Admin, "get_dhcp-agents", |x, _| req().p("id", &x.net)),
        row("GET", "/network/v2.0/subnets", OwnProjectReader, "get_subnet", |_, _| req()),
        // admin, or a member of the network's project (another project's network is not found).
        row("POST", "/network/v2.0/subnets", ProjectMember(H404), "create_subnet", |x, _| {
            req().json(json!({"subnet": {"network_id": x.net, "cidr": "10.97.0.0/24", "ip_version": 4}}))
        }),
        row("GET", "/network/v2.0/subnets/{id}", ProjectReader(H404), "get_subnet", |x, _| req().p("id", &x.subnet)),
        row("PUT", "/network/v2.0/subnets/{id}", ProjectMember(H404), "update_subnet", |x, _| {
            req().p("id", &x.subnet).json(json!({"subnet": {"name": "pm-renamed"}}))
        }),
        row("DELETE", "/network/v2.0/subnets/{id}", ProjectMember(H404), "delete_subnet", |x, _| req().p("id", &x.subnet_del)),
        row("GET", "/network/v2.0/ports", OwnProjectReader, "get_port", |_, _| req()),
        row("POST", "/network/v2.0/ports", ProjectMember(H404), "create_port", |x, _| req().json(json!({"port": {"network_id": x.net}}))),
        row("GET", "/network/v2.0/ports/{id}", ProjectReader(H404), "get_port", |x, _| req().p("id", &x.port)),
        row("PUT", "/network/v2.0/ports/{id}", ProjectMember(H404), "update_port", |x, _| {
            req().p("id", &x.port).json(json!({"port": {"name": "pm-renamed"}}))
        }),
        row("DELETE", "/network/v2.0/ports/{id}", ProjectMember(H404), "delete_port", |x, _| req().p("id", &x.port)),
        row("GET", "/network/v2.0/floatingips", OwnProjectReader, "get_floatingip", |_, _| req()),
        row("POST", "/network/v2.0/floatingips", OwnProjectMember, "create_floatingip", |x, _| {
            req().json(json!({"floatingip": {"floating_network_id": x.public_net}}))
        }),
        row("GET", "/network/v2.0/floatingips/{id}", ProjectReader(H404), "get_floatingip", |x, _| req().p("id", &x.fip)),
        row("PUT", "/network/v2.0/floatingips/{id}", ProjectMember(H404), "update_floatingip", |x, _| {
            req().p("id", &x.fip).json(json!({"floatingip": {"port_id": null}}))
        }),
        row("DELETE", "/network/v2.0/floatingips/{id}", ProjectMember(H404), "delete_floatingip", |x, _| req().p("id", &x.fip)),
        row("GET", "/network/v2.0/routers", OwnProjectReader, "get_router", |_, _| req()),
        row("POST", "/network/v2.0/routers", OwnProjectMember, "create_router", |_, _| req().json(json!({"router": {"name": "pm-new"}}))),
        row("GET", "/network/v2.0/routers/{id}", ProjectReader(H404), "get_router", |x, _| req().p("id", &x.router)),
        row("PUT", "/network/v2.0/routers/{id}", ProjectMember(H404), "update_router", |x, _| {
            req().p("id", &x.router).json(json!({"router": {"name": "pm-renamed"}}))
        }),
        row("DELETE", "/network/v2.0/routers/{id}", ProjectMember(H404), "delete_router", |x, _| req().p("id", &x.router)),
        row("PUT", "/network/v2.0/routers/{id}/add_router_interface", ProjectMember(H404), "add_router_interface", |x, _| {
            req().p("id", &x.router).json(json!({"subnet_id": x.subnet}))
        }),
        row("PUT", "/network/v2.0/routers/{id}/remove_router_interface", ProjectMember(H404), "remove_router_interface", |x, _| {
            req().p("id", &x.demo_router).json(json!({"subnet_id": x.private_subnet}))
        }),
        row("GET", "/network/v2.0/routers/{id}/l3-agents", Admin, "get_l3-agents", |x, _| req().p("id", &x.demo_router)),
        row("GET", "/network/v2.0/security-groups", OwnProjectReader, "get_security_group", |_, _| req()),
        row("POST", "/network/v2.0/security-groups", OwnProjectMember, "create_security_group", |_, _| {
            req().json(json!({"security_group": {"name": "pm-new"}}))
        }),
        row("GET", "/network/v2.0/security-groups/{id}", ProjectReader(H404), "get_security_group", |x, _| req().p("id", &x.sg)),
        row("PUT", "/network/v2.0/security-groups/{id}", ProjectMember(H404), "update_security_group", |x, _| {
            req().p("id", &x.sg).json(json!({"security_group": {"name": "pm-renamed"}}))
        }),
        row("DELETE", "/network/v2.0/security-groups/{id}", ProjectMember(H404), "delete_security_group", |x, _| req().p("id", &x.sg)),
        row("GET", "/network/v2.0/security-group-rules", OwnProjectReader, "get_security_group_rule", |_, _| req()),
        // admin, or a member of the group's project.
        row("POST", "/network/v2.0/security-group-rules", ProjectMember(H404), "create_security_group_rule", |x, _| {
            req().json(json!({"security_group_rule": {"security_group_id": x.sg, "direction": "ingress", "protocol": "tcp",
                "port_range_min": 80, "port_range_max": 80}}))
        }),
        row("GET", "/network/v2.0/security-group-rules/{id}", ProjectReader(H404), "get_security_group_rule", |x, _| {
            req().p("id", &x.sg_rule)
        }),
        row("DELETE", "/network/v2.0/security-group-rules/{id}", ProjectMember(H404), "delete_security_group_rule", |x, _| {
            req().p("id", &x.sg_rule)
        }),
        row("GET", "/network/v2.0/agents", Admin, "get_agent", |_, _| req()),
        row("GET", "/network/v2.0/agents/{id}", Admin, "get_agent", |x, _| req().p("id", &x.dhcp_agent)),
        row("PUT", "/network/v2.0/agents/{id}", Admin, "update_agent", |x, _| {
            req().p("id", &x.dhcp_agent).json(json!({"agent": {"admin_state_up": false}}))
        }),
        row("DELETE", "/network/v2.0/agents/{id}", Admin, "delete_agent", |x, _| req().p("id", &x.dhcp_agent)),
        row("GET", "/network/v2.0/agents/{id}/dhcp-networks", Admin, "get_dhcp-networks", |x, _| req().p("id", &x.dhcp_agent)),
        row("GET", "/network/v2.0/agents/{id}/l3-routers", Admin, "get_l3-routers", |x, _| req().p("id", &x.l3_agent)),
        row("GET", "/network/v2.0/network-ip-availabilities", Admin, "get_network_ip_availability", |_, _| req()),
        row("GET", "/network/v2.0/network-ip-availabilities/{id}", Admin, "get_network_ip_availability", |x, _| req().p("id", &x.net)),
        // Listing every project's quotas is the admin's (get_quota with no project to match).
        row("GET", "/network/v2.0/quotas", Admin, "get_quota", |_, _| req()),
        row("GET", "/network/v2.0/quotas/{project}", ProjectReader(H403), "get_quota", |x, _| req().p("project", &x.demo_p)),
        row("PUT", "/network/v2.0/quotas/{project}", Admin, "update_quota", |x, _| {
            req().p("project", &x.demo_p).json(json!({"quota": {"network": 20}}))
        }),
        row("DELETE", "/network/v2.0/quotas/{project}", Admin, "delete_quota", |x, _| req().p("project", &x.demo_p)),
        row("GET", "/network/v2.0/quotas/{project}/details", ProjectReader(H403), "get_quota", |x, _| req().p("project", &x.demo_p)),
        row("GET", "/network/v2.0/quotas/{project}/default", ProjectReader(H403), "get_quota", |x, _| req().p("project", &x.demo_p)),
        // ---- Glance (glance/policies/image.py) ----
        row("GET", "/image", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/image/versions", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/image/v2/images", OwnProjectReader, "get_images", |_, _| req()),
        row("POST", "/image/v2/images", OwnProjectMember, "add_image", |_, _| {
            req().json(json!({"name": "pm-new", "disk_format": "qcow2", "container_format": "bare"}))
        }),
        row("GET", "/image/v2/images/{id}", ProjectReader(H404), "get_image", |x, _| req().p("id", &x.image)),
        row("DELETE", "/image/v2/images/{id}", ProjectMember(H404), "delete_image", |x, _| req().p("id", &x.image)),
        row("PUT", "/image/v2/images/{id}/file", ProjectMember(H404), "upload_image", |x, _| {
            req().p("id", &x.image).raw(b"not really an image").h("content-type", "application/octet-stream")
        }),
        // ---- Cinder (cinder/policies); the URL's project is the token's, as the catalog gives it ----
        row("GET", "/volume", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/volume/v3", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/volume/v3/{project_id}/os-services", Admin, "volume_extension:services:index", |x, w| {
            req().p("project_id", x.own_project(w))
        }),
        row("GET", "/volume/v3/os-services", Admin, "volume_extension:services:index", |_, _| req()),
        row("GET", "/volume/v3/{project_id}/volumes", OwnProjectReader, "volume:get_all", |x, w| req().p("project_id", x.own_project(w))),
        row("POST", "/volume/v3/{project_id}/volumes", OwnProjectMember, "volume:create", |x, w| {
            req().p("project_id", x.own_project(w)).json(json!({"volume": {"size": 1, "name": "pm-vol"}}))
        }),
        row("GET", "/volume/v3/volumes", OwnProjectReader, "volume:get_all", |_, _| req()),
        row("POST", "/volume/v3/volumes", OwnProjectMember, "volume:create", |_, _| {
            req().json(json!({"volume": {"size": 1, "name": "pm-vol"}}))
        }),
        row("GET", "/volume/v3/{project_id}/volumes/detail", OwnProjectReader, "volume:get_all", |x, w| {
            req().p("project_id", x.own_project(w))
        }),
        row("GET", "/volume/v3/volumes/detail", OwnProjectReader, "volume:get_all", |_, _| req()),
        row("GET", "/volume/v3/{project_id}/volumes/{volume_id}", ProjectReader(H404), "volume:get", |x, w| {
            req().p("project_id", x.own_project(w)).p("volume_id", &x.volume)
        }),
        row("PUT", "/volume/v3/{project_id}/volumes/{volume_id}", ProjectMember(H404), "volume:update", |x, w| {
            req().p("project_id", x.own_project(w)).p("volume_id", &x.volume).json(json!({"volume": {"name": "pm-renamed"}}))
        }),
        row("DELETE", "/volume/v3/{project_id}/volumes/{volume_id}", ProjectMember(H404), "volume:delete", |x, w| {
            req().p("project_id", x.own_project(w)).p("volume_id", &x.volume)
        }),
        row("GET", "/volume/v3/volumes/{volume_id}", ProjectReader(H404), "volume:get", |x, _| req().p("volume_id", &x.volume)),
        row("PUT", "/volume/v3/volumes/{volume_id}", ProjectMember(H404), "volume:update", |x, _| {
            req().p("volume_id", &x.volume).json(json!({"volume": {"name": "pm-renamed"}}))
        }),
        row("DELETE", "/volume/v3/volumes/{volume_id}", ProjectMember(H404), "volume:delete", |x, _| req().p("volume_id", &x.volume)),
        // ---- Octavia root ----
        row("GET", "/load-balancer", Public, "version discovery (unauthenticated)", |_, _| req()),
        // ---- Magnum (magnum/common/policies), on capi-mgmt's cluster and a private template ----
        row("GET", "/container-infra", Public, "version discovery (unauthenticated)", |_, _| req()),
        capi(row("GET", "/container-infra/v1", Public, "version discovery (unauthenticated)", |_, _| req().magnum())),
        capi(row("GET", "/container-infra/v1/clustertemplates", OwnProjectReader, "clustertemplate:get_all", |_, _| req().magnum())),
        capi(row("POST", "/container-infra/v1/clustertemplates", OwnProjectMember, "clustertemplate:create", |_, _| {
            req().magnum().json(json!({"name": "pm-new", "coe": "kubernetes", "image_id": "ubuntu-2204-kube-v1.28.5"}))
        })),
        capi(row("GET", "/container-infra/v1/clustertemplates/detail", OwnProjectReader, "clustertemplate:detail", |_, _| req().magnum())),
        capi(row("GET", "/container-infra/v1/clustertemplates/{id}", ProjectReader(H404), "clustertemplate:get", |x, _| {
            req().magnum().p("id", &x.template)
        })),
        capi(row("DELETE", "/container-infra/v1/clustertemplates/{id}", ProjectMember(H404), "clustertemplate:delete", |x, _| {
            req().magnum().p("id", &x.template)
        })),
        capi(row("GET", "/container-infra/v1/clusters", OwnProjectReader, "cluster:get_all", |_, _| req().magnum())),
        capi(row("POST", "/container-infra/v1/clusters", OwnProjectMember, "cluster:create", |x, _| {
            req().magnum().json(json!({"name": "pm-new", "cluster_template_id": x.template_pub, "master_count": 1, "node_count": 1}))
        })),
        capi(row("GET", "/container-infra/v1/clusters/detail", OwnProjectReader, "cluster:detail", |_, _| req().magnum())),
        capi(row("GET", "/container-infra/v1/clusters/{id}", ProjectReader(H404), "cluster:get", |x, _| {
            req().magnum().p("id", &x.cluster)
        })),
        capi(row("PATCH", "/container-infra/v1/clusters/{id}", ProjectMember(H404), "cluster:update", |x, _| {
            req().magnum().p("id", &x.cluster).json(json!([{"op": "replace", "path": "/node_count", "value": 1}]))
        })),
        capi(row("DELETE", "/container-infra/v1/clusters/{id}", ProjectMember(H404), "cluster:delete", |x, _| {
            req().magnum().p("id", &x.cluster)
        })),
        capi(row("POST", "/container-infra/v1/clusters/{id}/actions/resize", ProjectMember(H404), "cluster:resize", |x, _| {
            req().magnum().p("id", &x.cluster).json(json!({"node_count": 1}))
        })),
        capi(row("GET", "/container-infra/v1/clusters/{id}/nodegroups", ProjectReader(H404), "nodegroup:get_all", |x, _| {
            req().magnum().p("id", &x.cluster)
        })),
        capi(row("POST", "/container-infra/v1/clusters/{id}/nodegroups", ProjectMember(H404), "nodegroup:create", |x, _| {
            req().magnum().p("id", &x.cluster).json(json!({"name": "pm-ng-2", "node_count": 1}))
        })),
        capi(row("GET", "/container-infra/v1/clusters/{id}/nodegroups/{ng}", ProjectReader(H404), "nodegroup:get", |x, _| {
            req().magnum().p("id", &x.cluster).p("ng", &x.nodegroup)
        })),
        capi(row("DELETE", "/container-infra/v1/clusters/{id}/nodegroups/{ng}", ProjectMember(H404), "nodegroup:delete", |x, _| {
            req().magnum().p("id", &x.cluster).p("ng", &x.nodegroup)
        })),
        // ---- the control API: no token, for anyone ----
        row("GET", "/_fakecloud/health", Control, "control", |_, _| req()),
        row("POST", "/_fakecloud/reset", Control, "control", |_, _| req()),
        row("GET", "/_fakecloud/clock", Control, "control", |_, _| req()),
        row("PUT", "/_fakecloud/clock", Control, "control", |_, _| req().json(json!({"mode": "manual"}))),
        row("POST", "/_fakecloud/clock/advance", Control, "control", |_, _| req().json(json!({"by": "1s"}))),
        row("GET", "/_fakecloud/faults", Control, "control", |_, _| req()),
        row("POST", "/_fakecloud/faults", Control, "control", |_, _| {
            req().json(json!({"kind": "api-error", "status": 503, "match": {"path": "/nowhere/pm"}}))
        }),
        row("DELETE", "/_fakecloud/faults/{id}", Control, "control", |x, _| req().p("id", &x.fault)),
        row("GET", "/_fakecloud/journal", Control, "control", |_, _| req()),
        row("GET", "/_fakecloud/logs/{component}", Control, "control", |_, _| req().p("component", "octavia-worker")),
        row("GET", "/_fakecloud/capi", Control, "control", |_, _| req()),
        row("POST", "/_fakecloud/shell", Control, "control", |_, _| req().json(json!({"argv": ["docker", "ps"]}))),
        row("GET", "/_fakecloud/snapshot", Control, "control", |_, _| req()),
        row("POST", "/_fakecloud/restore", Control, "control", |x, _| req().raw(&x.snapshot).h("content-type", "application/json")),
    ];
    t.extend(network_tags());
    // Octavia answers the same API under /v2 and /v2.0.
    for version in ["v2", "v2.0"] {
        t.extend(octavia().into_iter().map(|mut r| {
            r.path = r.path.replacen("/load-balancer/V/", &format!("/load-balancer/{version}/"), 1);
            r
        }));
    }
    t
}

/// Tags on every tagged Neutron resource: reads follow `get_<resource>`, writes `update_<resource>`.
fn network_tags() -> Vec<Row> {
    use Hidden::NotFound as H404;
    use Rule::*;
    macro_rules! tags {
        ($coll:literal, $field:ident, $get:literal, $update:literal) => {
            vec![
                row("GET", concat!("/network/v2.0/", $coll, "/{id}/tags"), ProjectReader(H404), $get, |x, _| req().p("id", &x.$field)),
                row("PUT", concat!("/network/v2.0/", $coll, "/{id}/tags"), ProjectMember(H404), $update, |x, _| {
                    req().p("id", &x.$field).json(json!({"tags": ["pm-a", "pm-b"]}))
                }),
                row("DELETE", concat!("/network/v2.0/", $coll, "/{id}/tags"), ProjectMember(H404), $update, |x, _| req().p("id", &x.$field)),
                row("GET", concat!("/network/v2.0/", $coll, "/{id}/tags/{tag}"), ProjectReader(H404), $get, |x, _| {
                    req().p("id", &x.$field).p("tag", "pm-tag")
                }),
                row("PUT", concat!("/network/v2.0/", $coll, "/{id}/tags/{tag}"), ProjectMember(H404), $update, |x, _| {
                    req().p("id", &x.$field).p("tag", "pm-tag-2")
                }),
                row("DELETE", concat!("/network/v2.0/", $coll, "/{id}/tags/{tag}"), ProjectMember(H404), $update, |x, _| {
                    req().p("id", &x.$field).p("tag", "pm-tag")
                }),
            ]
        };
    }
    [
        tags!("networks", net, "get_network", "update_network"),
        tags!("subnets", subnet, "get_subnet", "update_subnet"),
        tags!("ports", port, "get_port", "update_port"),
        tags!("routers", router, "get_router", "update_router"),
        tags!("floatingips", fip, "get_floatingip", "update_floatingip"),
        tags!("security-groups", sg, "get_security_group", "update_security_group"),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Octavia (octavia/policies), on capi-mgmt's fixture load balancer tree. Another project's object
/// is refused with the policy's 403, as Octavia checks the object's project.
fn octavia() -> Vec<Row> {
    use Hidden::Forbidden as H403;
    use Rule::*;
    vec![
        row("GET", "/load-balancer/V/lbaas/loadbalancers", OwnProjectReader, "os_load-balancer_api:loadbalancer:get_all", |_, _| req()),
        row("POST", "/load-balancer/V/lbaas/loadbalancers", OwnProjectMember, "os_load-balancer_api:loadbalancer:post", |x, w| {
            req().json(json!({"loadbalancer": {"name": "pm-new", "vip_subnet_id": x.own_vip_subnet(w)}}))
        }),
        row(
            "GET",
            "/load-balancer/V/lbaas/loadbalancers/{id}",
            ProjectReader(H403),
            "os_load-balancer_api:loadbalancer:get_one",
            |x, _| req().p("id", &x.lb),
        ),
        row("PUT", "/load-balancer/V/lbaas/loadbalancers/{id}", ProjectMember(H403), "os_load-balancer_api:loadbalancer:put", |x, _| {
            req().p("id", &x.lb).json(json!({"loadbalancer": {"description": "pm"}}))
        }),
        row(
            "DELETE",
            "/load-balancer/V/lbaas/loadbalancers/{id}",
            ProjectMember(H403),
            "os_load-balancer_api:loadbalancer:delete",
            |x, _| req().p("id", &x.lb).q("cascade=true"),
        ),
        row(
            "GET",
            "/load-balancer/V/lbaas/loadbalancers/{id}/status",
            ProjectReader(H403),
            "os_load-balancer_api:loadbalancer:get_status",
            |x, _| req().p("id", &x.lb),
        ),
        row(
            "GET",
            "/load-balancer/V/lbaas/loadbalancers/{id}/stats",
            ProjectReader(H403),
            "os_load-balancer_api:loadbalancer:get_stats",
            |x, _| req().p("id", &x.lb),
        ),
        row(
            "PUT",
            "/load-balancer/V/lbaas/loadbalancers/{id}/failover",
            Admin,
            "os_load-balancer_api:loadbalancer:put_failover",
            |x, _| req().p("id", &x.lb),
        ),
        row("GET", "/load-balancer/V/lbaas/listeners", OwnProjectReader, "os_load-balancer_api:listener:get_all", |_, _| req()),
        // The parent load balancer's project is the target.
        row("POST", "/load-balancer/V/lbaas/listeners", ProjectMember(H403), "os_load-balancer_api:listener:post", |x, _| {
            req().json(json!({"listener": {"loadbalancer_id": x.lb, "protocol": "TCP", "protocol_port": 8443}}))
        }),
        row("GET", "/load-balancer/V/lbaas/listeners/{id}", ProjectReader(H403), "os_load-balancer_api:listener:get_one", |x, _| {
            req().p("id", &x.listener)
        }),
        row("PUT", "/load-balancer/V/lbaas/listeners/{id}", ProjectMember(H403), "os_load-balancer_api:listener:put", |x, _| {
            req().p("id", &x.listener).json(json!({"listener": {"description": "pm"}}))
        }),
        row("DELETE", "/load-balancer/V/lbaas/listeners/{id}", ProjectMember(H403), "os_load-balancer_api:listener:delete", |x, _| {
            req().p("id", &x.listener)
        }),
        row(
            "GET",
            "/load-balancer/V/lbaas/listeners/{id}/stats",
            ProjectReader(H403),
            "os_load-balancer_api:listener:get_stats",
            |x, _| req().p("id", &x.listener),
        ),
        row("GET", "/load-balancer/V/lbaas/pools", OwnProjectReader, "os_load-balancer_api:pool:get_all", |_, _| req()),
        row("POST", "/load-balancer/V/lbaas/pools", ProjectMember(H403), "os_load-balancer_api:pool:post", |x, _| {
            req().json(json!({"pool": {"loadbalancer_id": x.lb, "protocol": "TCP", "lb_algorithm": "ROUND_ROBIN"}}))
        }),
        row("GET", "/load-balancer/V/lbaas/pools/{id}", ProjectReader(H403), "os_load-balancer_api:pool:get_one", |x, _| {
            req().p("id", &x.pool)
        }),
        row("PUT", "/load-balancer/V/lbaas/pools/{id}", ProjectMember(H403), "os_load-balancer_api:pool:put", |x, _| {
            req().p("id", &x.pool).json(json!({"pool": {"description": "pm"}}))
        }),
        row("DELETE", "/load-balancer/V/lbaas/pools/{id}", ProjectMember(H403), "os_load-balancer_api:pool:delete", |x, _| {
            req().p("id", &x.pool)
        }),
        row("GET", "/load-balancer/V/lbaas/pools/{id}/members", ProjectReader(H403), "os_load-balancer_api:member:get_all", |x, _| {
            req().p("id", &x.pool)
        }),
        row("POST", "/load-balancer/V/lbaas/pools/{id}/members", ProjectMember(H403), "os_load-balancer_api:member:post", |x, _| {
            req().p("id", &x.pool).json(json!({"member": {"address": "10.6.0.200", "protocol_port": 6443}}))
        }),
        row("PUT", "/load-balancer/V/lbaas/pools/{id}/members", ProjectMember(H403), "os_load-balancer_api:member:put", |x, _| {
            req().p("id", &x.pool).json(json!({"members": []}))
        }),
        row(
            "GET",
            "/load-balancer/V/lbaas/pools/{id}/members/{member}",
            ProjectReader(H403),
            "os_load-balancer_api:member:get_one",
            |x, _| req().p("id", &x.pool).p("member", &x.member),
        ),
        row("PUT", "/load-balancer/V/lbaas/pools/{id}/members/{member}", ProjectMember(H403), "os_load-balancer_api:member:put", |x, _| {
            req().p("id", &x.pool).p("member", &x.member).json(json!({"member": {"name": "pm"}}))
        }),
        row(
            "DELETE",
            "/load-balancer/V/lbaas/pools/{id}/members/{member}",
            ProjectMember(H403),
            "os_load-balancer_api:member:delete",
            |x, _| req().p("id", &x.pool).p("member", &x.member),
        ),
        row("GET", "/load-balancer/V/lbaas/healthmonitors", OwnProjectReader, "os_load-balancer_api:healthmonitor:get_all", |_, _| req()),
        // The pool has its monitor already: Octavia's 409 comes only after the policy check.
        row("POST", "/load-balancer/V/lbaas/healthmonitors", ProjectMember(H403), "os_load-balancer_api:healthmonitor:post", |x, _| {
            req().json(json!({"healthmonitor": {"pool_id": x.pool, "type": "TCP", "delay": 10, "timeout": 5, "max_retries": 3}})).also(409)
        }),
        row(
            "GET",
            "/load-balancer/V/lbaas/healthmonitors/{id}",
            ProjectReader(H403),
            "os_load-balancer_api:healthmonitor:get_one",
            |x, _| req().p("id", &x.hm),
        ),
        row("PUT", "/load-balancer/V/lbaas/healthmonitors/{id}", ProjectMember(H403), "os_load-balancer_api:healthmonitor:put", |x, _| {
            req().p("id", &x.hm).json(json!({"healthmonitor": {"name": "pm"}}))
        }),
        row(
            "DELETE",
            "/load-balancer/V/lbaas/healthmonitors/{id}",
            ProjectMember(H403),
            "os_load-balancer_api:healthmonitor:delete",
            |x, _| req().p("id", &x.hm),
        ),
        row("GET", "/load-balancer/V/lbaas/providers", OwnProjectReader, "os_load-balancer_api:provider:get_all", |_, _| req()),
        row("GET", "/load-balancer/V/lbaas/flavors", OwnProjectReader, "os_load-balancer_api:flavor:get_all", |_, _| req()),
        row("GET", "/load-balancer/V/lbaas/flavorprofiles", Admin, "os_load-balancer_api:flavor-profile:get_all", |_, _| req()),
        row(
            "GET",
            "/load-balancer/V/lbaas/availabilityzones",
            OwnProjectReader,
            "os_load-balancer_api:availability-zone:get_all",
            |_, _| req(),
        ),
        row("GET", "/load-balancer/V/octavia/amphorae", Admin, "os_load-balancer_api:amphora:get_all", |_, _| req()),
        row("GET", "/load-balancer/V/octavia/amphorae/{id}", Admin, "os_load-balancer_api:amphora:get_one", |x, _| {
            req().p("id", &x.amphora)
        }),
        row("DELETE", "/load-balancer/V/octavia/amphorae/{id}", Admin, "os_load-balancer_api:amphora:delete", |x, _| {
            // Only a spare or failed amphora goes; Octavia's 409 for one in use follows the check.
            req().p("id", &x.amphora).also(409)
        }),
        row("PUT", "/load-balancer/V/octavia/amphorae/{id}/failover", Admin, "os_load-balancer_api:amphora:put_failover", |x, _| {
            req().p("id", &x.amphora)
        }),
        row("PUT", "/load-balancer/V/octavia/amphorae/{id}/config", Admin, "os_load-balancer_api:amphora:put_config", |x, _| {
            req().p("id", &x.amphora)
        }),
        row("GET", "/load-balancer/V/octavia/amphorae/{id}/stats", Admin, "os_load-balancer_api:amphora:get_stats", |x, _| {
            req().p("id", &x.amphora)
        }),
    ]
    .into_iter()
    .map(capi)
    .collect()
}

// ---- the table against the router ----

fn route_set() -> BTreeSet<(String, String)> {
    fakecloud::http::route_table().into_iter().map(|r| (r.method.to_string(), r.path)).collect()
}

/// The differences between the table and the router, both ways (empty when they agree).
fn table_vs_router(rows: &[Row]) -> Vec<String> {
    let routes = route_set();
    let mut seen = BTreeSet::new();
    let mut problems = vec![];
    for r in rows {
        let key = (r.method.to_string(), r.path.clone());
        if !seen.insert(key.clone()) {
            problems.push(format!("the table has {} {} twice", r.method, r.path));
        }
        if !routes.contains(&key) {
            problems.push(format!("the table has {} {}, which the router does not serve", r.method, r.path));
        }
    }
    for (m, p) in routes.difference(&seen) {
        problems.push(format!("the router serves {m} {p}, which has no row in the policy table"));
    }
    problems
}

#[test]
fn the_table_has_exactly_one_row_per_route() {
    let rows = table();
    let problems = table_vs_router(&rows);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(rows.len(), fakecloud::http::route_table().len());
}

#[test]
fn the_router_comparison_notices_a_missing_or_extra_row() {
    let mut rows = table();
    let dropped = rows.pop().expect("rows");
    rows.push(row("GET", "/compute/v2.1/os-nothing", Rule::Admin, "none", |_, _| req()));
    let problems = table_vs_router(&rows);
    assert!(problems.iter().any(|p| p.contains(&format!("serves {} {}", dropped.method, dropped.path))), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("/compute/v2.1/os-nothing")), "{problems:?}");
}

#[test]
fn every_rule_gives_each_caller_its_upstream_answer() {
    use Outcome::*;
    let row = |rule| CALLERS.map(|w| expected(rule, w));
    // Order: no token, expired, other project, reader, owner, admin.
    assert_eq!(row(Rule::Public), [Allowed; 6]);
    assert_eq!(row(Rule::AnyToken), [Unauthenticated, Unauthenticated, Allowed, Allowed, Allowed, Allowed]);
    assert_eq!(row(Rule::Admin), [Unauthenticated, Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed]);
    assert_eq!(row(Rule::OwnProjectMember), [Unauthenticated, Unauthenticated, Allowed, Forbidden, Allowed, Allowed]);
    assert_eq!(row(Rule::ProjectReader(Hidden::NotFound)), [Unauthenticated, Unauthenticated, NotFound, Allowed, Allowed, Allowed]);
    assert_eq!(row(Rule::ProjectMember(Hidden::Forbidden)), [Unauthenticated, Unauthenticated, Forbidden, Forbidden, Allowed, Allowed]);
    assert_eq!(row(Rule::UserOrAdmin), [Unauthenticated, Unauthenticated, Forbidden, Forbidden, Allowed, Allowed]);
}

// ---- setup ----

/// The default cloud plus a member and a reader of capi-mgmt, the project owning the fixture load
/// balancer tree and the Magnum cluster.
fn fixture() -> Fixture {
    let mut f = Fixture::default_cloud();
    for (name, password, role) in [("cm_member", "cm-member-secret", "member"), ("cm_reader", "cm-reader-secret", "reader")] {
        f.users.push(UserSpec {
            id: None,
            name: name.into(),
            domain: "Default".into(),
            password: password.into(),
            email: None,
            default_project: Some("capi-mgmt".into()),
        });
        f.role_assignments.push(AssignmentSpec {
            user: name.into(),
            role: role.into(),
            project: Some("capi-mgmt".into()),
            domain: None,
            system: None,
        });
    }
    f
}

async fn call(c: &TestCloud, method: &str, path: &str, token: Option<&str>, headers: &[(&str, String)], body: Option<Value>) -> Reply {
    let mut rq = c.http.request(Method::from_bytes(method.as_bytes()).unwrap(), c.url(path));
    if let Some(t) = token {
        rq = rq.header("x-auth-token", t);
    }
    for (k, v) in headers {
        rq = rq.header(*k, v);
    }
    if let Some(b) = body {
        rq = rq.json(&b);
    }
    reply(rq.send().await.unwrap()).await
}

/// A setup call that must succeed; its JSON body.
async fn ok(c: &TestCloud, method: &str, path: &str, token: &str, headers: &[(&str, String)], body: Option<Value>) -> Value {
    let r = call(c, method, path, Some(token), headers, body).await;
    assert!((200..300).contains(&r.status), "setup {method} {path}: {} {}", r.status, r.text);
    r.body
}

/// The id of the item named `name` in a list body.
fn id_named(list: &Value, key: &str, name: &str, id_key: &str) -> String {
    list[key]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["name"] == name))
        .and_then(|i| i[id_key].as_str().map(str::to_string).or_else(|| i[id_key].as_u64().map(|n| n.to_string())))
        .unwrap_or_else(|| panic!("no {key} named {name} in {list}"))
}

const RP: &str = "7d1c1d5e-0c0e-4d4f-8a4b-2f0c3f5d9a10";
const RP_EMPTY: &str = "7d1c1d5e-0c0e-4d4f-8a4b-2f0c3f5d9a11";
const CONSUMER: &str = "7d1c1d5e-0c0e-4d4f-8a4b-2f0c3f5d9a12";

async fn setup() -> (TestCloud, Ctx) {
    let c = TestCloud::start_with(fixture()).await;
    let mut x = Ctx { t_expired: c.token("demo", "demo-secret", "demo").await, ..Ctx::default() };
    // Everything else is made 3000 s later; 700 s after that the first token is past its hour.
    c.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({"by": "3000s"}))).await;
    x.t_admin = c.admin().await;
    x.t_demo = c.member().await;
    x.t_observer = c.token("observer", "observer-secret", "demo").await;
    x.t_alt = c.token("alt_demo", "alt-demo-secret", "alt_demo").await;
    x.t_cm_member = c.token("cm_member", "cm-member-secret", "capi-mgmt").await;
    x.t_cm_reader = c.token("cm_reader", "cm-reader-secret", "capi-mgmt").await;
    let (admin, demo, cm) = (x.t_admin.clone(), x.t_demo.clone(), x.t_cm_member.clone());
    let none: &[(&str, String)] = &[];

    // identity
    let projects = ok(&c, "GET", "/identity/v3/projects", &admin, none, None).await;
    x.demo_p = id_named(&projects, "projects", "demo", "id");
    x.alt_p = id_named(&projects, "projects", "alt_demo", "id");
    x.admin_p = id_named(&projects, "projects", "admin", "id");
    x.demo_u = id_named(&ok(&c, "GET", "/identity/v3/users", &admin, none, None).await, "users", "demo", "id");
    let creds = ok(&c, "GET", &format!("/identity/v3/users/{}/application_credentials", x.demo_u), &demo, none, None).await;
    x.app_cred = id_named(&creds, "application_credentials", "demo-ci", "id");
    x.role = id_named(&ok(&c, "GET", "/identity/v3/roles", &admin, none, None).await, "roles", "reader", "id");
    x.service = id_named(&ok(&c, "GET", "/identity/v3/services", &admin, none, None).await, "services", "nova", "id");
    x.endpoint = ok(&c, "GET", "/identity/v3/endpoints", &admin, none, None).await["endpoints"][0]["id"].as_str().unwrap().to_string();

    // compute
    let servers = ok(&c, "GET", "/compute/v2.1/servers", &demo, none, None).await;
    x.server = id_named(&servers, "servers", "web-1", "id");
    let flavors = ok(&c, "GET", "/compute/v2.1/flavors?is_public=None", &admin, none, None).await;
    x.flavor = id_named(&flavors, "flavors", "m1.small", "id");
    x.tiny = id_named(&flavors, "flavors", "m1.tiny", "id");
    x.private_flavor = id_named(&flavors, "flavors", "amphora", "id");
    x.cirros = id_named(&ok(&c, "GET", "/image/v2/images", &demo, none, None).await, "images", "cirros-0.6.2-x86_64-disk", "id");
    let v210 = [("x-openstack-nova-api-version", "2.10".to_string())];
    ok(&c, "POST", "/compute/v2.1/os-keypairs", &demo, &v210, Some(json!({"keypair": {"name": "pm-key", "public_key": PUBKEY}}))).await;
    let group = ok(
        &c,
        "POST",
        "/compute/v2.1/os-server-groups",
        &demo,
        none,
        Some(json!({"server_group": {"name": "pm-group", "policies": ["affinity"]}})),
    )
    .await;
    x.group = group["server_group"]["id"].as_str().unwrap().to_string();
    let hypervisors = ok(&c, "GET", "/compute/v2.1/os-hypervisors", &admin, none, None).await;
    x.hypervisor = hypervisors["hypervisors"][0]["id"].to_string().trim_matches('"').to_string();
    let v253 = [("x-openstack-nova-api-version", "2.53".to_string())];
    let services = ok(&c, "GET", "/compute/v2.1/os-services", &admin, &v253, None).await;
    x.nova_service = services["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["binary"] == "nova-compute")
        .map(|s| s["id"].as_str().unwrap().to_string())
        .expect("a nova-compute service");

    // placement
    let pl = [("openstack-api-version", "placement 1.39".to_string())];
    ok(&c, "POST", "/placement/resource_providers", &admin, &pl, Some(json!({"name": "pm-rp", "uuid": RP}))).await;
    ok(&c, "POST", "/placement/resource_providers", &admin, &pl, Some(json!({"name": "pm-rp-empty", "uuid": RP_EMPTY}))).await;
    ok(
        &c,
        "PUT",
        &format!("/placement/resource_providers/{RP}/inventories"),
        &admin,
        &pl,
        Some(json!({"resource_provider_generation": 0, "inventories": {"VCPU": {"total": 8}, "MEMORY_MB": {"total": 4096}}})),
    )
    .await;
    ok(&c, "PUT", "/placement/resource_classes/CUSTOM_PM", &admin, &pl, None).await;
    ok(&c, "PUT", "/placement/traits/CUSTOM_PM_TRAIT", &admin, &pl, None).await;
    ok(
        &c,
        "PUT",
        &format!("/placement/allocations/{CONSUMER}"),
        &admin,
        &pl,
        Some(json!({
        "allocations": {RP: {"resources": {"MEMORY_MB": 512}}}, "project_id": x.demo_p, "user_id": x.demo_u,
        "consumer_generation": null, "consumer_type": "INSTANCE"})),
    )
    .await;
    x.rp = RP.into();
    x.rp_empty = RP_EMPTY.into();
    x.consumer = CONSUMER.into();
    x.rp_gen = ok(&c, "GET", &format!("/placement/resource_providers/{RP}"), &admin, &pl, None).await["generation"].as_u64().unwrap();
    x.consumer_gen =
        ok(&c, "GET", &format!("/placement/allocations/{CONSUMER}"), &admin, &pl, None).await["consumer_generation"].as_u64().unwrap();

    // network
    let nets = ok(&c, "GET", "/network/v2.0/networks", &admin, none, None).await;
    x.public_net = id_named(&nets, "networks", "public", "id");
    let subnets = ok(&c, "GET", "/network/v2.0/subnets", &admin, none, None).await;
    x.private_subnet = id_named(&subnets, "subnets", "private-subnet", "id");
    x.capi_subnet = id_named(&subnets, "subnets", "capi-mgmt-subnet", "id");
    x.alt_subnet = id_named(&subnets, "subnets", "alt-private-subnet", "id");
    x.demo_router = id_named(&ok(&c, "GET", "/network/v2.0/routers", &admin, none, None).await, "routers", "demo-router", "id");
    let mk = |body: Value, key: &'static str| {
        let (c, demo) = (&c, demo.clone());
        let path = format!(
            "/network/v2.0/{}",
            if key == "security_group" {
                "security-groups".to_string()
            } else if key == "security_group_rule" {
                "security-group-rules".to_string()
            } else {
                format!("{key}s")
            }
        );
        async move { ok(c, "POST", &path, &demo, &[], Some(body)).await[key]["id"].as_str().unwrap().to_string() }
    };
    x.net = mk(json!({"network": {"name": "pm-net"}}), "network").await;
    x.net_del = mk(json!({"network": {"name": "pm-net-del"}}), "network").await;
    let net_sub = mk(json!({"network": {"name": "pm-net-sub"}}), "network").await;
    x.subnet = mk(json!({"subnet": {"name": "pm-subnet", "network_id": x.net, "cidr": "10.98.0.0/24", "ip_version": 4}}), "subnet").await;
    x.subnet_del =
        mk(json!({"subnet": {"name": "pm-subnet-del", "network_id": net_sub, "cidr": "10.96.0.0/24", "ip_version": 4}}), "subnet").await;
    x.port = mk(json!({"port": {"name": "pm-port", "network_id": x.net}}), "port").await;
    x.fip = mk(json!({"floatingip": {"floating_network_id": x.public_net}}), "floatingip").await;
    x.router = mk(json!({"router": {"name": "pm-router"}}), "router").await;
    x.sg = mk(json!({"security_group": {"name": "pm-sg"}}), "security_group").await;
    x.sg_rule = mk(
        json!({"security_group_rule": {"security_group_id": x.sg, "direction": "ingress", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22}}),
        "security_group_rule",
    )
    .await;
    for (coll, id) in [
        ("networks", &x.net),
        ("subnets", &x.subnet),
        ("ports", &x.port),
        ("routers", &x.router),
        ("floatingips", &x.fip),
        ("security-groups", &x.sg),
    ] {
        ok(&c, "PUT", &format!("/network/v2.0/{coll}/{id}/tags/pm-tag"), &demo, none, None).await;
    }
    let agents = ok(&c, "GET", "/network/v2.0/agents", &admin, none, None).await;
    let agent = |kind: &str| {
        agents["agents"].as_array().unwrap().iter().find(|a| a["agent_type"] == kind).map(|a| a["id"].as_str().unwrap().to_string())
    };
    x.dhcp_agent = agent("DHCP agent").expect("a DHCP agent");
    x.l3_agent = agent("L3 agent").expect("an L3 agent");
    x.ext_alias =
        ok(&c, "GET", "/network/v2.0/extensions", &admin, none, None).await["extensions"][0]["alias"].as_str().unwrap().to_string();

    // image, volume
    let image = ok(
        &c,
        "POST",
        "/image/v2/images",
        &demo,
        none,
        Some(json!({"name": "pm-image", "disk_format": "qcow2", "container_format": "bare"})),
    )
    .await;
    x.image = image["id"].as_str().unwrap().to_string();
    x.volume = id_named(&ok(&c, "GET", "/volume/v3/volumes", &demo, none, None).await, "volumes", "scratch", "id");

    // octavia (capi-mgmt's fixture tree)
    let lbs = ok(&c, "GET", "/load-balancer/v2/lbaas/loadbalancers", &cm, none, None).await;
    x.lb = id_named(&lbs, "loadbalancers", "k8s-clusterapi-cluster-default-kube-kubeapi", "id");
    x.listener =
        ok(&c, "GET", "/load-balancer/v2/lbaas/listeners", &cm, none, None).await["listeners"][0]["id"].as_str().unwrap().to_string();
    x.pool = ok(&c, "GET", "/load-balancer/v2/lbaas/pools", &cm, none, None).await["pools"][0]["id"].as_str().unwrap().to_string();
    x.member = ok(&c, "GET", &format!("/load-balancer/v2/lbaas/pools/{}/members", x.pool), &cm, none, None).await["members"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    x.hm = ok(&c, "GET", "/load-balancer/v2/lbaas/healthmonitors", &cm, none, None).await["healthmonitors"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    x.amphora =
        ok(&c, "GET", "/load-balancer/v2/octavia/amphorae", &admin, none, None).await["amphorae"][0]["id"].as_str().unwrap().to_string();

    // magnum (capi-mgmt's cluster; a private template made there)
    let mg = [("openstack-api-version", "container-infra 1.10".to_string())];
    let templates = ok(&c, "GET", "/container-infra/v1/clustertemplates", &cm, &mg, None).await;
    x.template_pub = id_named(&templates, "clustertemplates", "k8s-1.28-capi", "uuid");
    let t = ok(
        &c,
        "POST",
        "/container-infra/v1/clustertemplates",
        &cm,
        &mg,
        Some(json!({"name": "pm-template", "coe": "kubernetes",
        "image_id": "ubuntu-2204-kube-v1.28.5", "public": false})),
    )
    .await;
    x.template = t["uuid"].as_str().unwrap().to_string();
    x.cluster = id_named(&ok(&c, "GET", "/container-infra/v1/clusters", &cm, &mg, None).await, "clusters", "kube", "uuid");
    ok(
        &c,
        "POST",
        &format!("/container-infra/v1/clusters/{}/nodegroups", x.cluster),
        &cm,
        &mg,
        Some(json!({"name": "pm-ng", "node_count": 1})),
    )
    .await;
    x.nodegroup = "pm-ng".into();

    // control: a fault that matches nothing, for the delete row
    let fault = c
        .send(Method::POST, "/_fakecloud/faults", None, Some(json!({"kind": "api-error", "status": 503, "match": {"path": "/nowhere/pm"}})))
        .await;
    assert_eq!(fault.status, 201, "{}", fault.text);
    x.fault = fault.body["fault"]["id"].as_str().unwrap().to_string();

    c.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({"by": "700s"}))).await;
    assert_eq!(c.get("/compute/v2.1/flavors", Some(&x.t_expired)).await.status, 401, "the expired token has expired");
    assert_eq!(c.get("/compute/v2.1/flavors", Some(&x.t_demo)).await.status, 200, "the others are still valid");
    x.snapshot = serde_json::to_vec(&*c.running.cloud.world()).unwrap();
    (c, x)
}

// ---- the matrix ----

fn concrete_path(row: &Row, r: &Req) -> String {
    let mut path = row.path.clone();
    for (k, v) in &r.params {
        let hole = format!("{{{k}}}");
        assert!(path.contains(&hole), "{} {}: no {{{k}}} in the path", row.method, row.path);
        path = path.replace(&hole, v);
    }
    assert!(!path.contains('{'), "{} {}: a path parameter is left unfilled: {path}", row.method, row.path);
    if !r.query.is_empty() {
        path = format!("{path}?{}", r.query);
    }
    path
}

/// Whether `body` has the top-level shape of `service`'s own error format.
fn in_service_format(service: Service, status: u16, body: &Value) -> bool {
    let want: BTreeSet<String> = service.error_body(status, "m").as_object().unwrap().keys().cloned().collect();
    let got: BTreeSet<String> = body.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
    want == got
}

/// What went wrong with one answer, if anything.
fn judge(row: &Row, who: Who, r: &Req, status: u16, body: &Value, text: &str) -> Option<String> {
    let want = expected(row.rule, who);
    let service = Service::from_path(&row.path).expect("every route is under a service");
    let head = row.method == "HEAD";
    let got = match status {
        401 => Outcome::Unauthenticated,
        403 => Outcome::Forbidden,
        404 => Outcome::NotFound,
        s if (200..400).contains(&s) || r.also_ok.contains(&s) => Outcome::Allowed,
        s => return Some(format!("expected {want:?}, got {s}: {text}")),
    };
    if got != want {
        return Some(format!("expected {want:?}, got {status}: {text}"));
    }
    match got {
        // keystonemiddleware's 401 is Keystone-shaped for every service.
        Outcome::Unauthenticated if !head && !in_service_format(Service::Identity, 401, body) => {
            Some(format!("a 401 not in keystonemiddleware's format: {text}"))
        }
        Outcome::Forbidden | Outcome::NotFound if !head && !in_service_format(service, status, body) => {
            Some(format!("a {status} not in {service:?}'s format: {text}"))
        }
        // The refusal names the rule (Octavia's message never does).
        Outcome::Forbidden if !head && service != Service::LoadBalancer && !text.contains(row.action) => {
            Some(format!("the 403 does not name {}: {text}", row.action))
        }
        _ => None,
    }
}

#[tokio::test]
async fn every_route_answers_each_caller_as_the_upstream_default_policy_does() {
    let rows = table();
    let problems = table_vs_router(&rows);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let (c, x) = setup().await;
    let mut failures = vec![];
    let mut calls = 0;
    for row in &rows {
        for who in CALLERS {
            let r = (row.build)(&x, who);
            let path = concrete_path(row, &r);
            let mut rq = c.http.request(Method::from_bytes(row.method.as_bytes()).unwrap(), c.url(&path));
            if let Some(t) = x.token(who, row.owning) {
                rq = rq.header("x-auth-token", t);
            }
            for (k, v) in &r.headers {
                rq = rq.header(*k, v);
            }
            if let Some(b) = &r.json {
                rq = rq.json(b);
            } else if let Some(b) = &r.raw {
                rq = rq.body(b.clone());
            }
            let resp = reply(rq.send().await.unwrap()).await;
            calls += 1;
            if let Some(why) = judge(row, who, &r, resp.status, &resp.body, &resp.text) {
                let mut text = why;
                text.truncate(400);
                failures.push(format!("{} {} as {who:?} [{:?}, {}]: {text}", row.method, path, row.rule, row.action));
            }
            // Whatever a request changed is undone before the next one.
            if !matches!(row.method, "GET" | "HEAD") && !matches!(resp.status, 401 | 403 | 404) {
                c.running.cloud.restore(&x.snapshot).expect("the setup snapshot restores");
            }
        }
    }
    assert_eq!(calls, rows.len() * CALLERS.len());
    assert!(failures.is_empty(), "{} of {calls} answers differ from the upstream policy:\n{}", failures.len(), failures.join("\n"));
}

// ---- cross-project isolation ----

/// What another project's member gets from a resource type's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ListSees {
    /// 200, without the resource in it.
    NotIncluded,
    /// The list itself is refused (a child list under a parent the caller may not read).
    Refused(u16),
}

/// One resource type: where it is listed, shown, updated and deleted, and how another project is
/// refused. All paths are concrete.
struct Isolated {
    kind: &'static str,
    id: String,
    owning: Owning,
    headers: Vec<(&'static str, String)>,
    list: String,
    list_sees: ListSees,
    show: String,
    update: Option<(&'static str, String, Value)>,
    delete: String,
    refused: u16,
}

fn isolated(x: &Ctx) -> Vec<Isolated> {
    let demo = |kind, id: &str, list: &str, show: String, update: Option<(&'static str, Value)>, refused| Isolated {
        kind,
        id: id.to_string(),
        owning: Owning::Demo,
        headers: vec![],
        list: list.to_string(),
        list_sees: ListSees::NotIncluded,
        update: update.map(|(m, b)| (m, show.clone(), b)),
        delete: show.clone(),
        show,
        refused,
    };
    let n = |coll: &str, id: &str| format!("/network/v2.0/{coll}/{id}");
    let lb = |coll: &str, id: &str| format!("/load-balancer/v2/lbaas/{coll}/{id}");
    let nova210 = vec![("x-openstack-nova-api-version", "2.10".to_string())];
    let magnum = vec![("openstack-api-version", "container-infra 1.10".to_string())];
    let mut keypair =
        demo("keypair", "pm-key", "/compute/v2.1/os-keypairs", format!("/compute/v2.1/os-keypairs/pm-key?user_id={}", x.demo_u), None, 403);
    keypair.headers = nova210;
    let mut out = vec![
        demo(
            "server",
            &x.server,
            "/compute/v2.1/servers/detail",
            format!("/compute/v2.1/servers/{}", x.server),
            Some(("PUT", json!({"server": {"name": "stolen"}}))),
            404,
        ),
        keypair,
        demo("server group", &x.group, "/compute/v2.1/os-server-groups", format!("/compute/v2.1/os-server-groups/{}", x.group), None, 404),
        demo(
            "network",
            &x.net,
            "/network/v2.0/networks",
            n("networks", &x.net),
            Some(("PUT", json!({"network": {"name": "stolen"}}))),
            404,
        ),
        demo(
            "subnet",
            &x.subnet,
            "/network/v2.0/subnets",
            n("subnets", &x.subnet),
            Some(("PUT", json!({"subnet": {"name": "stolen"}}))),
            404,
        ),
        demo("port", &x.port, "/network/v2.0/ports", n("ports", &x.port), Some(("PUT", json!({"port": {"name": "stolen"}}))), 404),
        demo(
            "floating IP",
            &x.fip,
            "/network/v2.0/floatingips",
            n("floatingips", &x.fip),
            Some(("PUT", json!({"floatingip": {"port_id": null}}))),
            404,
        ),
        demo(
            "router",
            &x.router,
            "/network/v2.0/routers",
            n("routers", &x.router),
            Some(("PUT", json!({"router": {"name": "stolen"}}))),
            404,
        ),
        demo(
            "security group",
            &x.sg,
            "/network/v2.0/security-groups",
            n("security-groups", &x.sg),
            Some(("PUT", json!({"security_group": {"name": "stolen"}}))),
            404,
        ),
        demo("security group rule", &x.sg_rule, "/network/v2.0/security-group-rules", n("security-group-rules", &x.sg_rule), None, 404),
        demo("private image", &x.image, "/image/v2/images", format!("/image/v2/images/{}", x.image), None, 404),
        demo(
            "volume",
            &x.volume,
            "/volume/v3/volumes/detail",
            format!("/volume/v3/volumes/{}", x.volume),
            Some(("PUT", json!({"volume": {"name": "stolen"}}))),
            404,
        ),
    ];
    let capi = |kind,
                id: &str,
                list: String,
                show: String,
                update: Option<(&'static str, Value)>,
                refused,
                headers: &Vec<(&'static str, String)>| Isolated {
        kind,
        id: id.to_string(),
        owning: Owning::Capi,
        headers: headers.clone(),
        list,
        list_sees: ListSees::NotIncluded,
        update: update.map(|(m, b)| (m, show.clone(), b)),
        delete: show.clone(),
        show,
        refused,
    };
    let none = vec![];
    out.extend([
        capi(
            "load balancer",
            &x.lb,
            "/load-balancer/v2/lbaas/loadbalancers".into(),
            lb("loadbalancers", &x.lb),
            Some(("PUT", json!({"loadbalancer": {"name": "stolen"}}))),
            403,
            &none,
        ),
        capi(
            "listener",
            &x.listener,
            "/load-balancer/v2/lbaas/listeners".into(),
            lb("listeners", &x.listener),
            Some(("PUT", json!({"listener": {"name": "stolen"}}))),
            403,
            &none,
        ),
        capi(
            "pool",
            &x.pool,
            "/load-balancer/v2/lbaas/pools".into(),
            lb("pools", &x.pool),
            Some(("PUT", json!({"pool": {"name": "stolen"}}))),
            403,
            &none,
        ),
        capi(
            "health monitor",
            &x.hm,
            "/load-balancer/v2/lbaas/healthmonitors".into(),
            lb("healthmonitors", &x.hm),
            Some(("PUT", json!({"healthmonitor": {"name": "stolen"}}))),
            403,
            &none,
        ),
        capi(
            "Magnum cluster",
            &x.cluster,
            "/container-infra/v1/clusters".into(),
            format!("/container-infra/v1/clusters/{}", x.cluster),
            Some(("PATCH", json!([{"op": "replace", "path": "/node_count", "value": 3}]))),
            404,
            &magnum,
        ),
        capi(
            "private cluster template",
            &x.template,
            "/container-infra/v1/clustertemplates".into(),
            format!("/container-infra/v1/clustertemplates/{}", x.template),
            None,
            404,
            &magnum,
        ),
    ]);
    let mut member = capi(
        "pool member",
        &x.member,
        format!("/load-balancer/v2/lbaas/pools/{}/members", x.pool),
        format!("/load-balancer/v2/lbaas/pools/{}/members/{}", x.pool, x.member),
        Some(("PUT", json!({"member": {"name": "stolen"}}))),
        403,
        &none,
    );
    member.list_sees = ListSees::Refused(403);
    let mut nodegroup = capi(
        "Magnum node group",
        &x.nodegroup,
        format!("/container-infra/v1/clusters/{}/nodegroups", x.cluster),
        format!("/container-infra/v1/clusters/{}/nodegroups/{}", x.cluster, x.nodegroup),
        None,
        404,
        &magnum,
    );
    nodegroup.list_sees = ListSees::Refused(404);
    // Placement is the admin's (and services') alone: every project member is refused.
    let placement = vec![("openstack-api-version", "placement 1.39".to_string())];
    let mut provider = capi(
        "resource provider",
        &x.rp,
        "/placement/resource_providers".into(),
        format!("/placement/resource_providers/{}", x.rp),
        Some(("PUT", json!({"name": "stolen"}))),
        403,
        &placement,
    );
    provider.list_sees = ListSees::Refused(403);
    out.extend([member, nodegroup, provider]);
    out
}

#[tokio::test]
async fn another_project_cannot_list_show_update_or_delete_any_resource_type() {
    let (c, x) = setup().await;
    let items = isolated(&x);
    let kinds: BTreeSet<&str> = items.iter().map(|i| i.kind).collect();
    assert_eq!(kinds.len(), 21, "every resource type once: {kinds:?}");
    let mut failures = vec![];
    for it in &items {
        let owner = if it.kind == "resource provider" { &x.t_admin } else { x.token(Who::Owner, it.owning).unwrap() };
        // The owner sees it first, so the refusals below are about who asks, not about absence.
        let before = call(&c, "GET", &it.show, Some(owner), &it.headers, None).await;
        if before.status != 200 {
            failures.push(format!("{}: its owner cannot show it: {} {}", it.kind, before.status, before.text));
            continue;
        }
        let list = call(&c, "GET", &it.list, Some(&x.t_alt), &it.headers, None).await;
        match it.list_sees {
            ListSees::NotIncluded if list.status != 200 || list.text.contains(&it.id) => {
                failures.push(format!("{}: another project's list ({}) has it or failed: {} {}", it.kind, it.list, list.status, list.text))
            }
            ListSees::Refused(code) if list.status != code => {
                failures.push(format!("{}: another project's list {} gave {}, not {code}: {}", it.kind, it.list, list.status, list.text))
            }
            _ => {}
        }
        let mut attempts = vec![("GET", it.show.clone(), None)];
        if let Some((m, p, b)) = &it.update {
            attempts.push((m, p.clone(), Some(b.clone())));
        }
        attempts.push(("DELETE", it.delete.clone(), None));
        for (method, path, body) in attempts {
            let r = call(&c, method, &path, Some(&x.t_alt), &it.headers, body).await;
            if r.status != it.refused {
                failures.push(format!("{}: another project's {method} {path} gave {}, not {}: {}", it.kind, r.status, it.refused, r.text));
            }
        }
        let after = call(&c, "GET", &it.show, Some(owner), &it.headers, None).await;
        if after.status != 200 || after.body != before.body {
            failures.push(format!("{}: changed by another project's attempts: {} {}", it.kind, after.status, after.text));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
