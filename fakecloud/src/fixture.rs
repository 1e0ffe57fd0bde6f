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

impl Fixture {
    pub fn parse(yaml: &str) -> anyhow::Result<Fixture> {
        Ok(serde_yaml_ng::from_str(yaml)?)
    }

    pub fn load(path: &Path) -> anyhow::Result<Fixture> {
        let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("cannot read fixture {}: {e}", path.display()))?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
