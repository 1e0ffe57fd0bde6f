//! Identity state. Built from the fixture with ids from the seeded RNG, in fixture order, so the same
//! fixture and seed always give the same ids.

pub use super::catalog::{CatalogService, Endpoint, EndpointUrl, Region};
pub use super::revocations::RevokeEvent;
use super::revocations::Revoked;
use super::token_seal::TokenKey;
use crate::fixture::Fixture;
use crate::sim::{Ids, SimTime};
use anyhow::{anyhow, bail, Result};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Attributes Keystone keeps beside an object's own (`extra`), and resource options by name.
pub type Extra = BTreeMap<String, Value>;

/// Keystone's `[identity] default_domain_id`: where users, groups and projects created without a
/// domain (and by a token not scoped to one) go.
pub const DEFAULT_DOMAIN_ID: &str = "default";

/// A domain: upstream, a project acting as a domain (`is_domain`), so domains and projects share
/// the project API, tags and options.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Domain {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub enabled: bool,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub options: Extra,
    #[serde(default)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Project {
    pub id: String,
    pub name: String,
    pub domain_id: String,
    pub description: Option<String>,
    pub enabled: bool,
    /// The parent project; `None` for a top-level project, whose parent is its domain.
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub options: Extra,
    #[serde(default)]
    pub extra: Extra,
}

impl Project {
    /// `parent_id` as Keystone shows it: the domain's id for a top-level project.
    pub fn parent(&self) -> &str {
        self.parent_id.as_deref().unwrap_or(&self.domain_id)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub domain_id: String,
    pub description: Option<String>,
    #[serde(default)]
    pub extra: Extra,
}

/// A user's membership of a group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub group_id: String,
    pub user_id: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Role {
    pub id: String,
    pub name: String,
    /// A domain-specific role: it only serves to imply other roles and never reaches a token.
    pub domain_id: Option<String>,
    pub description: Option<String>,
    /// The `immutable` resource option (`options: {"immutable": ...}`), when set.
    pub immutable: Option<bool>,
    /// Ids of the roles this one implies, in the order the rules were made.
    pub implies: Vec<String>,
    /// Attributes Keystone stores and returns without knowing them.
    pub extra: BTreeMap<String, Value>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub name: String,
    pub domain_id: String,
    /// `None`: the user has no password (created without one), so password auth always fails.
    #[serde(default)]
    pub password: Option<String>,
    pub default_project_id: Option<String>,
    pub enabled: bool,
    #[serde(default)]
    pub options: Extra,
    /// `email`, `description` and whatever else the user was given.
    #[serde(default)]
    pub extra: Extra,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "lowercase")]
pub enum Target {
    Project(String),
    Domain(String),
    System,
}

/// Who a role is granted to. Groups are known by id only here (see `group_ids_of`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "lowercase")]
pub enum Actor {
    User(String),
    Group(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub actor: Actor,
    pub role_id: String,
    pub target: Target,
    /// OS-INHERIT: the role applies to the projects below the target, not to the target itself.
    pub inherited: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AppCred {
    pub id: String,
    pub name: String,
    pub user_id: String,
    pub project_id: String,
    pub secret: String,
    pub role_ids: Vec<String>,
    pub description: String,
    pub expires_at: Option<SimTime>,
    /// May manage other application credentials and trusts.
    pub unrestricted: bool,
    /// Ids (the external ones) of the user's access rules this credential is limited to.
    pub access_rule_ids: Vec<String>,
}

/// An access rule of a user's, which application credentials may be limited to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRule {
    /// The id the API shows (Keystone's `external_id`).
    pub id: String,
    pub user_id: String,
    pub service: String,
    pub path: String,
    pub method: String,
}

/// A credential (`/v3/credentials`); the rules are in credentials.rs.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Credential {
    pub id: String,
    pub user_id: String,
    pub project_id: Option<String>,
    pub cred_type: String,
    /// The blob as given: a string, JSON for EC2 credentials.
    pub blob: String,
    pub extra: BTreeMap<String, Value>,
}

/// A policy blob (`/v3/policies`); the rules are in policy_blobs.rs.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PolicyBlob {
    pub id: String,
    pub policy_type: String,
    pub blob: String,
    pub extra: Extra,
}

/// An OAuth1 consumer; the rules are in oauth1.rs.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Consumer {
    pub id: String,
    pub description: Option<String>,
    pub secret: String,
    pub extra: Extra,
}

/// An OS-EP-FILTER endpoint group; the rules are in endpoint_filter.rs.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EndpointGroup {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub filters: BTreeMap<String, Value>,
}

/// An endpoint associated with a project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectEndpoint {
    pub project_id: String,
    pub endpoint_id: String,
}

/// An endpoint group associated with a project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectEndpointGroup {
    pub endpoint_group_id: String,
    pub project_id: String,
}

/// A domain's configuration (rules in domain_config.rs): group, then option, then value (any JSON, as Keystone stores it).
pub type DomainConfig = BTreeMap<String, BTreeMap<String, Value>>;

/// An OS-TRUST trust; the rules are in trusts.rs.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Trust {
    pub id: String,
    pub trustor_user_id: String,
    pub trustee_user_id: String,
    pub project_id: Option<String>,
    pub impersonation: bool,
    pub expires_at: Option<SimTime>,
    pub remaining_uses: Option<i64>,
    pub redelegated_trust_id: Option<String>,
    pub redelegation_count: i64,
    pub role_ids: Vec<String>,
    pub extra: BTreeMap<String, Value>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "lowercase")]
pub enum Scope {
    Unscoped,
    Project(String),
    Domain(String),
    System,
}

/// A token as a validation opens it (see token_seal.rs): nothing of it is stored.
#[derive(Clone, Debug)]
pub struct Token {
    pub id: String,
    pub user_id: String,
    pub methods: Vec<String>,
    pub scope: Scope,
    /// Effective role ids (implied roles expanded): held now for a plain token, as issued for an
    /// application credential or trust token.
    pub role_ids: Vec<String>,
    pub issued_at: SimTime,
    pub expires_at: SimTime,
    pub audit_ids: Vec<String>,
    pub app_cred_id: Option<String>,
    /// The OS-TRUST trust a trust-scoped token was issued through.
    pub trust_id: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Identity {
    pub region: String,
    pub token_lifetime_secs: u64,
    pub domains: Vec<Domain>,
    pub projects: Vec<Project>,
    pub roles: Vec<Role>,
    pub users: Vec<User>,
    #[serde(default)]
    pub groups: Vec<Group>,
    #[serde(default)]
    pub memberships: Vec<Membership>,
    pub assignments: Vec<Assignment>,
    pub app_creds: Vec<AppCred>,
    pub access_rules: Vec<AccessRule>,
    pub credentials: Vec<Credential>,
    pub trusts: Vec<Trust>,
    pub regions: Vec<Region>,
    pub services: Vec<CatalogService>,
    pub endpoints: Vec<Endpoint>,
    /// OS-EP-FILTER: endpoint groups and the endpoints and groups associated with projects.
    pub endpoint_groups: Vec<EndpointGroup>,
    pub project_endpoints: Vec<ProjectEndpoint>,
    pub project_endpoint_groups: Vec<ProjectEndpointGroup>,
    /// Policy blobs (`/v3/policies`).
    pub policies: Vec<PolicyBlob>,
    /// OS-OAUTH1 consumers.
    pub consumers: Vec<Consumer>,
    /// Domain-specific configuration, by domain id.
    pub domain_configs: BTreeMap<String, DomainConfig>,
    /// What tokens are sealed with; tokens themselves are not kept (token_seal.rs).
    pub token_key: TokenKey,
    /// Tokens issued and revocations recorded so far: the order revocation events match by.
    pub token_serial: u64,
    /// OS-REVOKE: what was revoked, in order.
    pub revoke_events: Vec<RevokeEvent>,
    /// The revocation events by what they match, derived from `revoke_events` (`reindex`).
    #[serde(skip)]
    pub(super) revoked: Revoked,
    /// Rendered catalogs by (base URL, project id). Derived from `services` and `endpoints`, so it is
    /// not part of a snapshot; a rebuilt identity (reset, restore) starts with an empty cache.
    #[serde(skip)]
    catalog_cache: HashMap<(String, Option<String>), Arc<RawValue>>,
}

pub const INTERFACES: [&str; 3] = ["public", "internal", "admin"];

/// The roles `keystone-manage bootstrap` creates, with the `immutable` option set.
pub const BOOTSTRAP_ROLES: [&str; 5] = ["admin", "manager", "member", "reader", "service"];

impl Identity {
    pub fn from_fixture(f: &Fixture, ids: &mut Ids) -> Result<Identity> {
        let mut idn = Identity {
            region: f.region.clone(),
            token_lifetime_secs: f.token_lifetime,
            domains: vec![],
            projects: vec![],
            roles: vec![],
            users: vec![],
            groups: vec![],
            memberships: vec![],
            assignments: vec![],
            app_creds: vec![],
            access_rules: vec![],
            credentials: vec![],
            trusts: vec![],
            regions: vec![Region { id: f.region.clone(), description: String::new(), parent_region_id: None, extra: BTreeMap::new() }],
            services: vec![],
            endpoints: vec![],
            endpoint_groups: vec![],
            project_endpoints: vec![],
            project_endpoint_groups: vec![],
            policies: vec![],
            consumers: vec![],
            domain_configs: BTreeMap::new(),
            token_key: TokenKey::new(ids.side_key(0)),
            token_serial: 0,
            revoke_events: vec![],
            revoked: Default::default(),
            catalog_cache: HashMap::new(),
        };
        for d in &f.domains {
            let id = d.id.clone().unwrap_or_else(|| ids.hex());
            idn.domains.push(Domain {
                id,
                name: d.name.clone(),
                description: Some(d.description.clone()),
                enabled: true,
                tags: vec![],
                options: Extra::new(),
                extra: Extra::new(),
            });
        }
        for p in &f.projects {
            let domain_id =
                idn.domain_named(&p.domain).ok_or_else(|| anyhow!("project {}: unknown domain {}", p.name, p.domain))?.id.clone();
            let id = p.id.clone().unwrap_or_else(|| ids.hex());
            idn.projects.push(Project {
                id,
                name: p.name.clone(),
                domain_id,
                description: Some(p.description.clone()),
                enabled: true,
                parent_id: None,
                tags: vec![],
                options: Extra::new(),
                extra: Extra::new(),
            });
        }
        for r in &f.roles {
            let id = r.id.clone().unwrap_or_else(|| ids.hex());
            // keystone-manage bootstrap makes its default roles immutable.
            let immutable = BOOTSTRAP_ROLES.contains(&r.name.as_str()).then_some(true);
            idn.roles.push(Role {
                id,
                name: r.name.clone(),
                domain_id: None,
                description: None,
                immutable,
                implies: vec![],
                extra: BTreeMap::new(),
            });
        }
        for r in &f.roles {
            let implied = r
                .implies
                .iter()
                .map(|n| idn.role_named(n).map(|x| x.id.clone()).ok_or_else(|| anyhow!("role {}: unknown implied role {n}", r.name)))
                .collect::<Result<Vec<_>>>()?;
            idn.roles.iter_mut().find(|x| x.name == r.name).expect("just added").implies = implied;
        }
        for u in &f.users {
            let domain_id = idn.domain_named(&u.domain).ok_or_else(|| anyhow!("user {}: unknown domain {}", u.name, u.domain))?.id.clone();
            let default_project_id = match &u.default_project {
                Some(p) => Some(idn.project_named(p).ok_or_else(|| anyhow!("user {}: unknown default project {p}", u.name))?.id.clone()),
                None => None,
            };
            let id = u.id.clone().unwrap_or_else(|| ids.hex());
            let extra = u.email.iter().map(|e| ("email".to_string(), Value::String(e.clone()))).collect();
            idn.users.push(User {
                id,
                name: u.name.clone(),
                domain_id,
                password: Some(u.password.clone()),
                default_project_id,
                enabled: true,
                options: Extra::new(),
                extra,
            });
        }
        for a in &f.role_assignments {
            let user_id = idn.user_named(&a.user).ok_or_else(|| anyhow!("assignment: unknown user {}", a.user))?.id.clone();
            let role_id = idn.role_named(&a.role).ok_or_else(|| anyhow!("assignment: unknown role {}", a.role))?.id.clone();
            let target = match (&a.project, &a.domain, &a.system) {
                (Some(p), None, None) => {
                    Target::Project(idn.project_named(p).ok_or_else(|| anyhow!("assignment: unknown project {p}"))?.id.clone())
                }
                (None, Some(d), None) => {
                    Target::Domain(idn.domain_named(d).ok_or_else(|| anyhow!("assignment: unknown domain {d}"))?.id.clone())
                }
                (None, None, Some(s)) if s == "all" => Target::System,
                _ => bail!("assignment for {}: give exactly one of project, domain or system: all", a.user),
            };
            idn.assignments.push(Assignment { actor: Actor::User(user_id), role_id, target, inherited: false });
        }
        for c in &f.application_credentials {
            let user_id =
                idn.user_named(&c.user).ok_or_else(|| anyhow!("application credential {}: unknown user {}", c.name, c.user))?.id.clone();
            let project_id = idn
                .project_named(&c.project)
                .ok_or_else(|| anyhow!("application credential {}: unknown project {}", c.name, c.project))?
                .id
                .clone();
            let held = idn.direct_role_ids(&user_id, &Target::Project(project_id.clone()));
            let role_ids = if c.roles.is_empty() {
                held
            } else {
                c.roles
                    .iter()
                    .map(|n| {
                        let id = idn
                            .role_named(n)
                            .map(|r| r.id.clone())
                            .ok_or_else(|| anyhow!("application credential {}: unknown role {n}", c.name))?;
                        if !idn.expand_roles(&held).contains(&id) {
                            bail!("application credential {}: user {} does not hold role {n} on {}", c.name, c.user, c.project);
                        }
                        Ok(id)
                    })
                    .collect::<Result<Vec<_>>>()?
            };
            let id = c.id.clone().unwrap_or_else(|| ids.hex());
            idn.app_creds.push(AppCred {
                id,
                name: c.name.clone(),
                user_id,
                project_id,
                secret: c.secret.clone(),
                role_ids,
                description: c.description.clone(),
                expires_at: c.expires_at,
                unrestricted: false,
                access_rule_ids: vec![],
            });
        }
        for s in &f.services {
            if !s.path.starts_with('/') || s.path.chars().any(|c| c.is_whitespace() || "\"'<>\\".contains(c)) {
                bail!("service {}: path must start with / and be a plain URL path, got {:?}", s.name, s.path);
            }
            let service_id = ids.hex();
            idn.services.push(CatalogService {
                id: service_id.clone(),
                service_type: s.service_type.clone(),
                name: s.name.clone(),
                description: Some(s.description.clone()),
                enabled: true,
                extra: BTreeMap::new(),
            });
            for interface in INTERFACES {
                idn.endpoints.push(Endpoint {
                    id: ids.hex(),
                    service_id: service_id.clone(),
                    interface: interface.into(),
                    region_id: Some(f.region.clone()),
                    url: EndpointUrl::Path(s.path.clone()),
                    enabled: true,
                    extra: BTreeMap::new(),
                });
            }
        }
        Ok(idn)
    }

    /// Forgets the rendered catalogs; every change to regions, services or endpoints calls it.
    pub fn invalidate_catalog(&mut self) {
        self.catalog_cache.clear();
    }

    /// The catalog for tokens of `project_id`, as JSON, rendered once per (base URL, project).
    pub fn catalog_json(&mut self, base: &str, project_id: Option<&str>) -> Arc<RawValue> {
        let key = (base.to_string(), project_id.map(str::to_string));
        if let Some(hit) = self.catalog_cache.get(&key) {
            return hit.clone();
        }
        let only = self.catalog_filter(project_id);
        let text = serde_json::to_string(&super::catalog::render(&self.services, &self.endpoints, base, project_id, only.as_ref()))
            .expect("a catalog serialises");
        let raw: Arc<RawValue> = Arc::from(RawValue::from_string(text).expect("serde_json output is JSON"));
        self.catalog_cache.insert(key, raw.clone());
        raw
    }

    pub fn domain(&self, id: &str) -> Option<&Domain> {
        self.domains.iter().find(|d| d.id == id)
    }
    pub fn domain_named(&self, name: &str) -> Option<&Domain> {
        self.domains.iter().find(|d| d.name == name)
    }
    pub fn project(&self, id: &str) -> Option<&Project> {
        self.projects.iter().find(|p| p.id == id)
    }
    pub fn project_named(&self, name: &str) -> Option<&Project> {
        self.projects.iter().find(|p| p.name == name)
    }
    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.id == id)
    }
    pub fn role_named(&self, name: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.name == name)
    }
    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }
    pub fn user_named(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|u| u.name == name)
    }
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }
    pub fn app_cred(&self, id: &str) -> Option<&AppCred> {
        self.app_creds.iter().find(|c| c.id == id)
    }
    pub fn service(&self, id: &str) -> Option<&CatalogService> {
        self.services.iter().find(|s| s.id == id)
    }

    /// Roles granted directly (not through a group, not inherited) to the user on the target.
    pub fn direct_role_ids(&self, user_id: &str, target: &Target) -> Vec<String> {
        self.assignments
            .iter()
            .filter(|a| matches!(&a.actor, Actor::User(u) if u == user_id) && &a.target == target && !a.inherited)
            .map(|a| a.role_id.clone())
            .collect()
    }

    /// The role ids plus everything they imply, transitively, in a stable order (Keystone puts
    /// implied roles into the token).
    pub fn expand_roles(&self, role_ids: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut stack: Vec<String> = role_ids.iter().rev().cloned().collect();
        while let Some(id) = stack.pop() {
            if out.contains(&id) {
                continue;
            }
            if let Some(r) = self.role(&id) {
                stack.extend(r.implies.iter().rev().cloned());
            }
            out.push(id);
        }
        out
    }

    pub fn role_names(&self, role_ids: &[String]) -> Vec<String> {
        role_ids.iter().filter_map(|id| self.role(id)).map(|r| r.name.clone()).collect()
    }

    /// Projects on which the user holds any role, directly, through a group or by inheritance.
    pub fn user_projects(&self, user_id: &str) -> Vec<&Project> {
        self.projects.iter().filter(|p| !self.effective_role_ids(user_id, &Target::Project(p.id.clone())).is_empty()).collect()
    }

    // ---- what the resource and group rules (resource.rs, users.rs) know; assignments.rs asks ----

    /// The groups the user is a member of.
    pub fn group_ids_of(&self, user_id: &str) -> Vec<String> {
        self.memberships.iter().filter(|m| m.user_id == user_id).map(|m| m.group_id.clone()).collect()
    }

    /// The members of a group.
    pub fn group_member_ids(&self, group_id: &str) -> Vec<String> {
        self.memberships.iter().filter(|m| m.group_id == group_id).map(|m| m.user_id.clone()).collect()
    }

    pub fn group_exists(&self, group_id: &str) -> bool {
        self.group(group_id).is_some()
    }

    /// A group's name and domain id, for `include_names`.
    pub fn group_name_and_domain(&self, group_id: &str) -> Option<(String, String)> {
        self.group(group_id).map(|g| (g.name.clone(), g.domain_id.clone()))
    }

    /// A project's parent project (None for a top-level project, whose parent is its domain).
    pub fn project_parent_id(&self, project_id: &str) -> Option<String> {
        self.project(project_id).and_then(|p| p.parent_id.clone())
    }

    /// The project's ancestor projects, nearest first (its domain left out).
    pub fn project_ancestor_ids(&self, project_id: &str) -> Vec<String> {
        self.project_parents(project_id).into_iter().filter(|p| self.project(p).is_some()).collect()
    }

    /// Every project below this one, at any depth (not the project itself).
    pub fn project_subtree_ids(&self, project_id: &str) -> Vec<String> {
        self.project_subtree(project_id).into_iter().map(|p| p.id.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_identity() -> Identity {
        Identity::from_fixture(&Fixture::default_cloud(), &mut Ids::new(0)).unwrap()
    }

    #[test]
    fn admin_role_implies_manager_member_and_reader() {
        let idn = default_identity();
        let admin = idn.role_named("admin").unwrap().id.clone();
        let names = idn.role_names(&idn.expand_roles(&[admin]));
        assert_eq!(names, vec!["admin", "manager", "member", "reader"]);
    }

    #[test]
    fn every_service_has_three_interfaces() {
        let idn = default_identity();
        for s in &idn.services {
            let n = idn.endpoints.iter().filter(|e| e.service_id == s.id).count();
            assert_eq!(n, 3, "service {}", s.service_type);
        }
    }

    #[test]
    fn fixture_references_are_checked() {
        let mut f = Fixture::default_cloud();
        f.role_assignments[0].project = Some("nowhere".into());
        let err = Identity::from_fixture(&f, &mut Ids::new(0)).unwrap_err().to_string();
        assert!(err.contains("nowhere"), "{err}");
    }

    #[test]
    fn service_paths_must_be_url_paths() {
        let mut f = Fixture::default_cloud();
        f.services[0].path = "/identity\"".into();
        assert!(Identity::from_fixture(&f, &mut Ids::new(0)).is_err());
    }

    #[test]
    fn same_seed_gives_same_ids() {
        let a = default_identity();
        let b = default_identity();
        assert_eq!(a.projects[1].id, b.projects[1].id);
        assert_eq!(a.domains[0].id, "default");
    }
}
