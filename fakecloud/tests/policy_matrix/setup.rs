//! The world the rows run against: the fixture, the callers' tokens, and the ids of what setup
//! finds or makes for each row to act on.

use crate::common::{reply, Reply, TestCloud};
use crate::{Owning, Who};
use fakecloud::fixture::{AssignmentSpec, UserSpec};
use fakecloud::Fixture;
use reqwest::Method;
use serde_json::{json, Value};

// ---- the world the rows run against ----

/// Ids and tokens made or looked up in setup.
#[derive(Default)]
pub struct Ctx {
    pub t_admin: String,
    pub t_demo: String,
    pub t_observer: String,
    pub t_alt: String,
    pub t_cm_member: String,
    pub t_cm_reader: String,
    pub t_expired: String,
    pub demo_p: String,
    pub alt_p: String,
    pub admin_p: String,
    pub demo_u: String,
    pub app_cred: String,
    /// A Keystone group with demo in it, and a disabled domain (which an admin may delete).
    pub ks_group: String,
    pub ks_domain_off: String,
    pub role: String,
    pub service: String,
    pub endpoint: String,
    // identity, made in setup
    pub alt_u: String,
    pub cm_u: String,
    /// A global role of setup's, granted to demo and to `ks_group` on every kind of target.
    pub pm_role: String,
    /// Implied by `pm_role`; `pm_role3` is implied by nothing yet.
    pub pm_role2: String,
    pub pm_role3: String,
    pub pm_region: String,
    pub pm_service: String,
    pub pm_endpoint: String,
    /// demo's credential, EC2 access key and unused access rule.
    pub pm_cred: String,
    pub ec2_access: String,
    pub access_rule: String,
    /// demo trusts cm_member with the reader role on demo.
    pub trust: String,
    /// A policy blob, an OAuth1 consumer, and an endpoint group associated (with `pm_endpoint`)
    /// with a project of its own; the default domain has an LDAP configuration.
    pub pm_policy: String,
    pub pm_consumer: String,
    pub pm_endpoint_group: String,
    pub pm_ep_project: String,
    // compute
    pub server: String,
    /// A port of `server` (its boot port, as an interface attachment).
    pub server_port: String,
    /// The request id of an action demo took on `server` (an unlock).
    pub server_action: String,
    pub flavor: String,
    pub tiny: String,
    pub private_flavor: String,
    pub cirros: String,
    pub group: String,
    pub hypervisor: String,
    pub nova_service: String,
    /// An aggregate (admin's) and a compute host's name.
    pub aggregate: String,
    pub compute_host: String,
    // placement
    pub rp: String,
    pub rp_empty: String,
    pub rp_gen: u64,
    pub consumer: String,
    pub consumer_gen: u64,
    // network
    pub net: String,
    pub net_del: String,
    pub subnet: String,
    pub subnet_del: String,
    pub port: String,
    pub fip: String,
    pub router: String,
    pub demo_router: String,
    pub private_subnet: String,
    pub public_net: String,
    pub sg: String,
    pub subnetpool: String,
    pub metering_label: String,
    pub metering_rule: String,
    pub sg_rule: String,
    pub dhcp_agent: String,
    pub l3_agent: String,
    pub ext_alias: String,
    pub capi_subnet: String,
    pub alt_subnet: String,
    // image, volume
    pub image: String,
    /// demo's image with data, in both stores.
    pub image_active: String,
    /// The `api_image_import` task of `image_active`.
    pub image_task: String,
    /// capi-mgmt's project, a member of `image`.
    pub cm_p: String,
    pub volume: String,
    /// demo's server db-0 and the fixture volume attached to it.
    pub db_server: String,
    pub db_volume: String,
    /// A demo volume with metadata and a snapshot (which has metadata too).
    pub snapvol: String,
    pub vsnap: String,
    /// A private volume type shared with demo, with a user-visible extra spec and an encryption.
    pub vtype: String,
    pub vtype_enc: String,
    pub qos: String,
    /// A public group type with a group spec, and a demo group of it.
    pub group_type: String,
    pub vgroup: String,
    /// A snapshot of a second demo group.
    pub vgsnap: String,
    /// A transfer of a demo volume, and its key.
    pub transfer: String,
    pub transfer_key: String,
    /// The message a demo volume no backend could take left.
    pub vmessage: String,
    // octavia
    pub lb: String,
    pub listener: String,
    pub pool: String,
    pub member: String,
    pub hm: String,
    pub amphora: String,
    pub l7listener: String,
    pub l7policy: String,
    pub l7rule: String,
    pub lb_flavor: String,
    pub lb_flavor_profile: String,
    pub lb_zone: String,
    pub lb_zone_profile: String,
    // magnum
    pub template_pub: String,
    pub template: String,
    pub cluster: String,
    pub nodegroup: String,
    // control
    pub fault: String,
    pub snapshot: Vec<u8>,
}

impl Ctx {
    pub fn token(&self, who: Who, owning: Owning) -> Option<&str> {
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
    pub fn own_project(&self, who: Who) -> &str {
        match who {
            Who::Admin => &self.admin_p,
            Who::Other => &self.alt_p,
            _ => &self.demo_p,
        }
    }

    /// A subnet the caller may put a VIP on, for capi-owned load balancer creates.
    pub fn own_vip_subnet(&self, who: Who) -> &str {
        if who == Who::Other {
            &self.alt_subnet
        } else {
            &self.capi_subnet
        }
    }
}

pub const PUBKEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl pm@example.org";
// ---- setup ----

/// The default cloud plus a member and a reader of capi-mgmt, the project owning the fixture load
/// balancer tree and the Magnum cluster.
pub fn fixture() -> Fixture {
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

pub async fn call(c: &TestCloud, method: &str, path: &str, token: Option<&str>, headers: &[(&str, String)], body: Option<Value>) -> Reply {
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
pub async fn ok(c: &TestCloud, method: &str, path: &str, token: &str, headers: &[(&str, String)], body: Option<Value>) -> Value {
    let r = call(c, method, path, Some(token), headers, body).await;
    assert!((200..300).contains(&r.status), "setup {method} {path}: {} {}", r.status, r.text);
    r.body
}

/// The id of the item named `name` in a list body.
pub fn id_named(list: &Value, key: &str, name: &str, id_key: &str) -> String {
    list[key]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["name"] == name))
        .and_then(|i| i[id_key].as_str().map(str::to_string).or_else(|| i[id_key].as_u64().map(|n| n.to_string())))
        .unwrap_or_else(|| panic!("no {key} named {name} in {list}"))
}

/// Roles, grants of every kind, a region, service and endpoint, and demo's credentials and trust.
async fn identity_setup(c: &TestCloud, x: &mut Ctx) {
    let (admin, demo) = (x.t_admin.clone(), x.t_demo.clone());
    let none: &[(&str, String)] = &[];
    let users = ok(c, "GET", "/identity/v3/users", &admin, none, None).await;
    x.alt_u = id_named(&users, "users", "alt_demo", "id");
    x.cm_u = id_named(&users, "users", "cm_member", "id");
    let role = |name: &str| json!({"role": {"name": name}});
    x.pm_role = ok(c, "POST", "/identity/v3/roles", &admin, none, Some(role("pm-role"))).await["role"]["id"].as_str().unwrap().to_string();
    x.pm_role2 =
        ok(c, "POST", "/identity/v3/roles", &admin, none, Some(role("pm-role2"))).await["role"]["id"].as_str().unwrap().to_string();
    x.pm_role3 =
        ok(c, "POST", "/identity/v3/roles", &admin, none, Some(role("pm-role3"))).await["role"]["id"].as_str().unwrap().to_string();
    ok(c, "PUT", &format!("/identity/v3/roles/{}/implies/{}", x.pm_role, x.pm_role2), &admin, none, None).await;
    let (u, p, r, g) = (x.demo_u.clone(), x.demo_p.clone(), x.pm_role.clone(), x.ks_group.clone());
    for grant in [
        format!("/identity/v3/projects/{p}/users/{u}/roles/{r}"),
        format!("/identity/v3/projects/{p}/groups/{g}/roles/{r}"),
        format!("/identity/v3/domains/default/users/{u}/roles/{r}"),
        format!("/identity/v3/domains/default/groups/{g}/roles/{r}"),
        format!("/identity/v3/system/users/{u}/roles/{r}"),
        format!("/identity/v3/system/groups/{g}/roles/{r}"),
        format!("/identity/v3/OS-INHERIT/domains/default/users/{u}/roles/{r}/inherited_to_projects"),
        format!("/identity/v3/OS-INHERIT/domains/default/groups/{g}/roles/{r}/inherited_to_projects"),
        format!("/identity/v3/OS-INHERIT/projects/{p}/users/{u}/roles/{r}/inherited_to_projects"),
        format!("/identity/v3/OS-INHERIT/projects/{p}/groups/{g}/roles/{r}/inherited_to_projects"),
    ] {
        ok(c, "PUT", &grant, &admin, none, None).await;
    }
    x.pm_region = ok(c, "POST", "/identity/v3/regions", &admin, none, Some(json!({"region": {"id": "pm-region"}}))).await["region"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let service = json!({"service": {"type": "pm-type", "name": "pm-service"}});
    x.pm_service = ok(c, "POST", "/identity/v3/services", &admin, none, Some(service)).await["service"]["id"].as_str().unwrap().to_string();
    let endpoint = json!({"endpoint": {"service_id": x.pm_service, "interface": "public", "url": "http://pm.example:9999/v1", "region_id": "RegionOne"}});
    x.pm_endpoint =
        ok(c, "POST", "/identity/v3/endpoints", &admin, none, Some(endpoint)).await["endpoint"]["id"].as_str().unwrap().to_string();
    let cred = json!({"credential": {"user_id": x.demo_u, "type": "cert", "blob": "pm-blob"}});
    x.pm_cred = ok(c, "POST", "/identity/v3/credentials", &demo, none, Some(cred)).await["credential"]["id"].as_str().unwrap().to_string();
    let ec2 =
        ok(c, "POST", &format!("/identity/v3/users/{}/credentials/OS-EC2", x.demo_u), &demo, none, Some(json!({"tenant_id": x.demo_p})))
            .await;
    x.ec2_access = ec2["credential"]["access"].as_str().unwrap().to_string();
    // An access rule outlives the application credential that brought it, unused and deletable.
    let with_rule = json!({"application_credential": {"name": "pm-ruled",
        "access_rules": [{"service": "compute", "path": "/v2.1/servers", "method": "GET"}]}});
    let made = ok(c, "POST", &format!("/identity/v3/users/{}/application_credentials", x.demo_u), &demo, none, Some(with_rule)).await;
    x.access_rule = made["application_credential"]["access_rules"][0]["id"].as_str().unwrap().to_string();
    let made_id = made["application_credential"]["id"].as_str().unwrap();
    ok(c, "DELETE", &format!("/identity/v3/users/{}/application_credentials/{made_id}", x.demo_u), &demo, none, None).await;
    let trust = json!({"trust": {"trustor_user_id": x.demo_u, "trustee_user_id": x.cm_u, "impersonation": false,
        "project_id": x.demo_p, "roles": [{"name": "reader"}]}});
    x.trust = ok(c, "POST", "/identity/v3/OS-TRUST/trusts", &demo, none, Some(trust)).await["trust"]["id"].as_str().unwrap().to_string();
    let policy = json!({"policy": {"type": "application/json", "blob": "{}"}});
    x.pm_policy = ok(c, "POST", "/identity/v3/policies", &admin, none, Some(policy)).await["policy"]["id"].as_str().unwrap().to_string();
    let consumer = json!({"consumer": {"description": "pm"}});
    x.pm_consumer = ok(c, "POST", "/identity/v3/OS-OAUTH1/consumers", &admin, none, Some(consumer)).await["consumer"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let config = json!({"config": {"identity": {"driver": "ldap"}, "ldap": {"url": "ldap://pm.example"}}});
    ok(c, "PUT", "/identity/v3/domains/default/config", &admin, none, Some(config)).await;
    let project = json!({"project": {"name": "pm-ep-project"}});
    x.pm_ep_project =
        ok(c, "POST", "/identity/v3/projects", &admin, none, Some(project)).await["project"]["id"].as_str().unwrap().to_string();
    let group = json!({"endpoint_group": {"name": "pm-epg", "filters": {"interface": "public"}}});
    x.pm_endpoint_group = ok(c, "POST", "/identity/v3/OS-EP-FILTER/endpoint_groups", &admin, none, Some(group)).await["endpoint_group"]
        ["id"]
        .as_str()
        .unwrap()
        .to_string();
    ok(
        c,
        "PUT",
        &format!("/identity/v3/OS-EP-FILTER/endpoint_groups/{}/projects/{}", x.pm_endpoint_group, x.pm_ep_project),
        &admin,
        none,
        None,
    )
    .await;
    ok(c, "PUT", &format!("/identity/v3/OS-EP-FILTER/projects/{}/endpoints/{}", x.pm_ep_project, x.pm_endpoint), &admin, none, None).await;
}

pub const RP: &str = "7d1c1d5e-0c0e-4d4f-8a4b-2f0c3f5d9a10";
pub const RP_EMPTY: &str = "7d1c1d5e-0c0e-4d4f-8a4b-2f0c3f5d9a11";
pub const CONSUMER: &str = "7d1c1d5e-0c0e-4d4f-8a4b-2f0c3f5d9a12";

pub async fn setup() -> (TestCloud, Ctx) {
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
    x.cm_p = id_named(&projects, "projects", "capi-mgmt", "id");
    x.demo_u = id_named(&ok(&c, "GET", "/identity/v3/users", &admin, none, None).await, "users", "demo", "id");
    let creds = ok(&c, "GET", &format!("/identity/v3/users/{}/application_credentials", x.demo_u), &demo, none, None).await;
    x.app_cred = id_named(&creds, "application_credentials", "demo-ci", "id");
    let ks_group = ok(&c, "POST", "/identity/v3/groups", &admin, none, Some(json!({"group": {"name": "pm-group"}}))).await;
    x.ks_group = ks_group["group"]["id"].as_str().unwrap().to_string();
    ok(&c, "PUT", &format!("/identity/v3/groups/{}/users/{}", x.ks_group, x.demo_u), &admin, none, None).await;
    let off = ok(&c, "POST", "/identity/v3/domains", &admin, none, Some(json!({"domain": {"name": "pm-off", "enabled": false}}))).await;
    x.ks_domain_off = off["domain"]["id"].as_str().unwrap().to_string();
    ok(&c, "PUT", &format!("/identity/v3/projects/{}/tags/pm-tag", x.demo_p), &admin, none, None).await;
    x.role = id_named(&ok(&c, "GET", "/identity/v3/roles", &admin, none, None).await, "roles", "reader", "id");
    x.service = id_named(&ok(&c, "GET", "/identity/v3/services", &admin, none, None).await, "services", "nova", "id");
    x.endpoint = ok(&c, "GET", "/identity/v3/endpoints", &admin, none, None).await["endpoints"][0]["id"].as_str().unwrap().to_string();
    identity_setup(&c, &mut x).await;

    // compute
    let servers = ok(&c, "GET", "/compute/v2.1/servers", &demo, none, None).await;
    x.server = id_named(&servers, "servers", "web-1", "id");
    let item = json!({"meta": {"pm": "1"}});
    ok(&c, "PUT", &format!("/compute/v2.1/servers/{}/metadata/pm", x.server), &demo, none, Some(item)).await;
    ok(&c, "POST", &format!("/compute/v2.1/servers/{}/action", x.server), &demo, none, Some(json!({"unlock": null}))).await;
    let actions = ok(&c, "GET", &format!("/compute/v2.1/servers/{}/os-instance-actions", x.server), &demo, none, None).await;
    x.server_action = actions["instanceActions"][0]["request_id"].as_str().expect("the unlock's action").to_string();
    let v226 = [("x-openstack-nova-api-version", "2.26".to_string())];
    ok(&c, "PUT", &format!("/compute/v2.1/servers/{}/tags/pm-tag", x.server), &demo, &v226, None).await;
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
    let hosts = ok(&c, "GET", "/compute/v2.1/os-hypervisors", &admin, none, None).await;
    x.compute_host = hosts["hypervisors"][0]["hypervisor_hostname"].as_str().unwrap().to_string();
    let agg = ok(&c, "POST", "/compute/v2.1/os-aggregates", &admin, none, Some(json!({"aggregate": {"name": "pm-agg"}}))).await;
    x.aggregate = agg["aggregate"]["id"].to_string();
    let spec = json!({"extra_specs": {"pm:key": "pm"}});
    ok(&c, "POST", &format!("/compute/v2.1/flavors/{}/os-extra_specs", x.tiny), &admin, none, Some(spec)).await;
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
    let server_ports = ok(&c, "GET", &format!("/network/v2.0/ports?device_id={}", x.server), &admin, none, None).await;
    x.server_port = server_ports["ports"][0]["id"].as_str().expect("web-1 has a port").to_string();
    x.fip = mk(json!({"floatingip": {"floating_network_id": x.public_net}}), "floatingip").await;
    x.router = mk(json!({"router": {"name": "pm-router"}}), "router").await;
    x.sg = mk(json!({"security_group": {"name": "pm-sg"}}), "security_group").await;
    x.subnetpool = mk(json!({"subnetpool": {"name": "pm-pool", "prefixes": ["10.180.0.0/16"]}}), "subnetpool").await;
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
        ("subnetpools", &x.subnetpool),
    ] {
        ok(&c, "PUT", &format!("/network/v2.0/{coll}/{id}/tags/pm-tag"), &demo, none, None).await;
    }
    let label =
        ok(&c, "POST", "/network/v2.0/metering/metering-labels", &admin, none, Some(json!({"metering_label": {"name": "pm-label"}}))).await;
    x.metering_label = label["metering_label"]["id"].as_str().unwrap().to_string();
    let rule =
        json!({"metering_label_rule": {"metering_label_id": x.metering_label, "direction": "ingress", "remote_ip_prefix": "10.0.0.0/24"}});
    let rule = ok(&c, "POST", "/network/v2.0/metering/metering-label-rules", &admin, none, Some(rule)).await;
    x.metering_rule = rule["metering_label_rule"]["id"].as_str().unwrap().to_string();
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
        Some(json!({"name": "pm-image", "disk_format": "raw", "container_format": "bare"})),
    )
    .await;
    x.image = image["id"].as_str().unwrap().to_string();
    let prop = json!({"meta": {"pm_prop": "1"}});
    ok(&c, "PUT", &format!("/compute/v2.1/images/{}/metadata/pm_prop", x.image), &demo, none, Some(prop)).await;
    // `image` is shared with capi-mgmt (pending) and tagged; `image_active` holds data in both
    // stores (staged, imported, then copied); `pm-ns` is a public metadefs namespace with one of
    // everything.
    ok(&c, "PUT", &format!("/image/v2/images/{}/tags/pm-tag", x.image), &demo, none, None).await;
    ok(&c, "POST", &format!("/image/v2/images/{}/members", x.image), &demo, none, Some(json!({"member": x.cm_p}))).await;
    let active = ok(
        &c,
        "POST",
        "/image/v2/images",
        &demo,
        none,
        Some(json!({"name": "pm-image-active", "disk_format": "raw", "container_format": "bare"})),
    )
    .await;
    x.image_active = active["id"].as_str().unwrap().to_string();
    let staged = c
        .http
        .put(c.url(&format!("/image/v2/images/{}/stage", x.image_active)))
        .header("x-auth-token", &demo)
        .header("content-type", "application/octet-stream")
        .body(b"pm image data".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(staged.status().as_u16(), 204, "setup stage");
    let import = |method: &str| json!({"method": {"name": method}, "all_stores": method == "copy-image"});
    ok(&c, "POST", &format!("/image/v2/images/{}/import", x.image_active), &demo, none, Some(json!({"method": {"name": "glance-direct"}})))
        .await;
    ok(&c, "POST", &format!("/image/v2/images/{}/import", x.image_active), &admin, none, Some(import("copy-image"))).await;
    x.image_task = ok(&c, "GET", &format!("/image/v2/images/{}/tasks", x.image_active), &demo, none, None).await["tasks"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    ok(
        &c,
        "POST",
        "/image/v2/metadefs/namespaces",
        &admin,
        none,
        Some(json!({"namespace": "pm-ns", "visibility": "public", "resource_type_associations": [{"name": "OS::Glance::Image"}],
            "properties": {"pm-prop": {"title": "pm", "type": "string"}}, "objects": [{"name": "pm-obj"}], "tags": [{"name": "pm-tag"}]})),
    )
    .await;
    x.volume = id_named(&ok(&c, "GET", "/volume/v3/volumes", &demo, none, None).await, "volumes", "scratch", "id");
    x.db_volume = id_named(&ok(&c, "GET", "/volume/v3/volumes", &demo, none, None).await, "volumes", "db-data", "id");
    x.db_server = id_named(&servers, "servers", "db-0", "id");
    let vt = ok(
        &c,
        "POST",
        "/volume/v3/types",
        &admin,
        none,
        Some(json!({"volume_type": {"name": "pm-type", "is_public": false, "extra_specs": {"multiattach": "<is> True"}}})),
    )
    .await;
    x.vtype = vt["volume_type"]["id"].as_str().unwrap().to_string();
    let access = json!({"addProjectAccess": {"project": x.demo_p}});
    ok(&c, "POST", &format!("/volume/v3/types/{}/action", x.vtype), &admin, none, Some(access)).await;
    let enc = json!({"encryption": {"provider": "luks", "control_location": "front-end"}});
    let enc = ok(&c, "POST", &format!("/volume/v3/types/{}/encryption", x.vtype), &admin, none, Some(enc)).await;
    x.vtype_enc = enc["encryption"]["encryption_id"].as_str().unwrap().to_string();
    let qos = json!({"qos_specs": {"name": "pm-qos", "consumer": "back-end", "read_iops_sec": "100"}});
    x.qos = ok(&c, "POST", "/volume/v3/qos-specs", &admin, none, Some(qos)).await["qos_specs"]["id"].as_str().unwrap().to_string();
    let gt = json!({"group_type": {"name": "pm-group-type", "group_specs": {"pm": "1"}}});
    let gmv = [("openstack-api-version", "volume 3.11".to_string())];
    x.group_type = ok(&c, "POST", "/volume/v3/group_types", &admin, &gmv, Some(gt)).await["group_type"]["id"].as_str().unwrap().to_string();
    let bogus = json!({"volume_type": {"name": "pm-bogus", "extra_specs": {"vendor_name": "nobody"}}});
    ok(&c, "POST", "/volume/v3/types", &admin, none, Some(bogus)).await;
    let vol = |name: &str, extra: Value| {
        let mut v = json!({"volume": {"size": 1, "name": name}});
        v["volume"].as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        v
    };
    let snapvol = ok(&c, "POST", "/volume/v3/volumes", &demo, none, Some(vol("pm-snapvol", json!({"metadata": {"pm": "1"}})))).await;
    x.snapvol = snapvol["volume"]["id"].as_str().unwrap().to_string();
    let xfervol = ok(&c, "POST", "/volume/v3/volumes", &demo, none, Some(vol("pm-xfervol", json!({})))).await;
    ok(&c, "POST", "/volume/v3/volumes", &demo, none, Some(vol("pm-unplaced", json!({"volume_type": "pm-bogus"})))).await;
    let grp = json!({"group": {"name": "pm-group", "group_type": x.group_type, "volume_types": ["__DEFAULT__"]}});
    let gmv13 = [("openstack-api-version", "volume 3.13".to_string())];
    x.vgroup = ok(&c, "POST", "/volume/v3/groups", &demo, &gmv13, Some(grp)).await["group"]["id"].as_str().unwrap().to_string();
    let grp2 = json!({"group": {"name": "pm-group-2", "group_type": x.group_type, "volume_types": ["__DEFAULT__"]}});
    let grp2 = ok(&c, "POST", "/volume/v3/groups", &demo, &gmv13, Some(grp2)).await["group"]["id"].as_str().unwrap().to_string();
    c.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({"by": "10s"}))).await;
    let gmv14 = [("openstack-api-version", "volume 3.14".to_string())];
    let gsnap = json!({"group_snapshot": {"group_id": grp2, "name": "pm-gsnap"}});
    let gsnap = ok(&c, "POST", "/volume/v3/group_snapshots", &demo, &gmv14, Some(gsnap)).await;
    x.vgsnap = gsnap["group_snapshot"]["id"].as_str().unwrap().to_string();
    let snap = json!({"snapshot": {"volume_id": x.snapvol, "name": "pm-snap", "metadata": {"pm": "1"}}});
    x.vsnap = ok(&c, "POST", "/volume/v3/snapshots", &demo, none, Some(snap)).await["snapshot"]["id"].as_str().unwrap().to_string();
    let xfer = json!({"transfer": {"volume_id": xfervol["volume"]["id"], "name": "pm-transfer"}});
    let xfer = ok(&c, "POST", "/volume/v3/os-volume-transfer", &demo, none, Some(xfer)).await;
    x.transfer = xfer["transfer"]["id"].as_str().unwrap().to_string();
    x.transfer_key = xfer["transfer"]["auth_key"].as_str().unwrap().to_string();
    let mv = [("openstack-api-version", "volume 3.3".to_string())];
    x.vmessage = ok(&c, "GET", "/volume/v3/messages", &demo, &mv, None).await["messages"][0]["id"].as_str().unwrap().to_string();

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
    // An HTTP listener with an L7 policy and rule (each change waits for the worker), and a flavor.
    let advance = |by: &'static str| c.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({ "by": by })));
    let http = Some(json!({"listener": {"loadbalancer_id": x.lb, "protocol": "HTTP", "protocol_port": 8080}}));
    let http = ok(&c, "POST", "/load-balancer/v2/lbaas/listeners", &cm, none, http).await["listener"]["id"].as_str().unwrap().to_string();
    advance("30s").await;
    x.l7listener = http.clone();
    let policy = Some(json!({"l7policy": {"listener_id": http, "action": "REJECT"}}));
    x.l7policy =
        ok(&c, "POST", "/load-balancer/v2/lbaas/l7policies", &cm, none, policy).await["l7policy"]["id"].as_str().unwrap().to_string();
    advance("30s").await;
    let rule = Some(json!({"rule": {"type": "PATH", "compare_type": "STARTS_WITH", "value": "/pm"}}));
    let rules = format!("/load-balancer/v2/lbaas/l7policies/{}/rules", x.l7policy);
    x.l7rule = ok(&c, "POST", &rules, &cm, none, rule).await["rule"]["id"].as_str().unwrap().to_string();
    advance("30s").await;
    let profile = Some(json!({"flavorprofile": {"name": "pm-profile", "provider_name": "amphora", "flavor_data": "{}"}}));
    x.lb_flavor_profile = ok(&c, "POST", "/load-balancer/v2/lbaas/flavorprofiles", &admin, none, profile).await["flavorprofile"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let flavor = Some(json!({"flavor": {"name": "pm-flavor", "flavor_profile_id": x.lb_flavor_profile}}));
    x.lb_flavor =
        ok(&c, "POST", "/load-balancer/v2/lbaas/flavors", &admin, none, flavor).await["flavor"]["id"].as_str().unwrap().to_string();
    let profile = json!({"availability_zone_profile": {"name": "pm-zone-profile", "provider_name": "amphora", "availability_zone_data": r#"{"compute_zone": "nova"}"#}});
    x.lb_zone_profile = ok(&c, "POST", "/load-balancer/v2/lbaas/availabilityzoneprofiles", &admin, none, Some(profile)).await
        ["availability_zone_profile"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let zone = json!({"availability_zone": {"name": "pm-zone", "availability_zone_profile_id": x.lb_zone_profile}});
    x.lb_zone = ok(&c, "POST", "/load-balancer/v2/lbaas/availabilityzones", &admin, none, Some(zone)).await["availability_zone"]["name"]
        .as_str()
        .unwrap()
        .to_string();

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
