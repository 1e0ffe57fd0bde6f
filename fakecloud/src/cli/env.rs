//! Client configuration for fixture users: `export OS_...=` lines and a clouds.yaml.

use crate::fixture::Fixture;
use anyhow::{anyhow, Result};
use serde_json::{json, Value};

/// The OS_* variables that log the named fixture user in to its home project, in order.
pub fn os_vars(fixture: &Fixture, url: &str, user: &str) -> Result<Vec<(String, String)>> {
    let u = fixture.users.iter().find(|u| u.name == user).ok_or_else(|| {
        let known: Vec<_> = fixture.users.iter().map(|u| u.name.as_str()).collect();
        anyhow!("no user '{user}' in the fixture (users: {})", known.join(", "))
    })?;
    let project = fixture.home_project(user).ok_or_else(|| anyhow!("user '{user}' has no project in the fixture"))?;
    let project_domain = fixture.projects.iter().find(|p| p.name == project).map(|p| p.domain.clone()).unwrap_or_else(|| "Default".into());
    let url = url.trim_end_matches('/');
    Ok(vec![
        ("OS_AUTH_URL".into(), format!("{url}/identity")),
        ("OS_IDENTITY_API_VERSION".into(), "3".into()),
        ("OS_AUTH_TYPE".into(), "password".into()),
        ("OS_USERNAME".into(), u.name.clone()),
        ("OS_PASSWORD".into(), u.password.clone()),
        ("OS_USER_DOMAIN_NAME".into(), u.domain.clone()),
        ("OS_PROJECT_NAME".into(), project.to_string()),
        ("OS_PROJECT_DOMAIN_NAME".into(), project_domain),
        ("OS_REGION_NAME".into(), fixture.region.clone()),
        ("OS_INTERFACE".into(), "public".into()),
    ])
}

/// Shell-quotes a value for an `export` line.
fn quote(v: &str) -> String {
    if v.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:@".contains(c)) {
        v.to_string()
    } else {
        format!("'{}'", v.replace('\'', r"'\''"))
    }
}

pub fn env_script(fixture: &Fixture, url: &str, user: &str) -> Result<String> {
    Ok(os_vars(fixture, url, user)?.iter().map(|(k, v)| format!("export {k}={}\n", quote(v))).collect())
}

/// A clouds.yaml with one cloud per fixture user (named after the user) and one per application
/// credential (named `appcred-<name>`).
pub fn clouds_yaml(fixture: &Fixture, url: &str) -> Result<String> {
    let url = url.trim_end_matches('/');
    let mut clouds = serde_json::Map::new();
    for u in &fixture.users {
        let Some(project) = fixture.home_project(&u.name) else {
            continue;
        };
        let project_domain = fixture.projects.iter().find(|p| p.name == project).map(|p| p.domain.as_str()).unwrap_or("Default");
        clouds.insert(
            u.name.clone(),
            json!({
                "auth": {
                    "auth_url": format!("{url}/identity"),
                    "username": u.name, "password": u.password, "user_domain_name": u.domain,
                    "project_name": project, "project_domain_name": project_domain,
                },
                "auth_type": "password", "identity_api_version": 3,
                "region_name": fixture.region, "interface": "public",
            }),
        );
    }
    for c in &fixture.application_credentials {
        let user_domain = fixture.users.iter().find(|u| u.name == c.user).map(|u| u.domain.as_str()).unwrap_or("Default");
        clouds.insert(
            format!("appcred-{}", c.name),
            json!({
                "auth": {
                    "auth_url": format!("{url}/identity"),
                    "application_credential_name": c.name, "application_credential_secret": c.secret,
                    "username": c.user, "user_domain_name": user_domain,
                },
                "auth_type": "v3applicationcredential", "identity_api_version": 3,
                "region_name": fixture.region, "interface": "public",
            }),
        );
    }
    Ok(serde_yaml_ng::to_string(&json!({ "clouds": Value::Object(clouds) }))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_for_the_admin_names_its_project_and_auth_url() {
        let out = env_script(&Fixture::default_cloud(), "http://127.0.0.1:5000/", "admin").unwrap();
        assert!(out.contains("export OS_AUTH_URL=http://127.0.0.1:5000/identity\n"), "{out}");
        assert!(out.contains("export OS_PROJECT_NAME=admin\n"));
        assert!(out.contains("export OS_USER_DOMAIN_NAME=Default\n"));
    }

    #[test]
    fn unknown_user_lists_the_known_ones() {
        let err = env_script(&Fixture::default_cloud(), "http://x", "mallory").unwrap_err().to_string();
        assert!(err.contains("admin") && err.contains("demo"), "{err}");
    }

    #[test]
    fn clouds_yaml_has_a_cloud_per_user_and_app_cred() {
        let y: serde_json::Value = serde_yaml_ng::from_str(&clouds_yaml(&Fixture::default_cloud(), "http://h:1").unwrap()).unwrap();
        assert_eq!(y["clouds"]["demo"]["auth"]["project_name"], "demo");
        assert_eq!(y["clouds"]["admin"]["auth"]["auth_url"], "http://h:1/identity");
        assert_eq!(y["clouds"]["appcred-demo-ci"]["auth_type"], "v3applicationcredential");
    }

    #[test]
    fn values_with_shell_metacharacters_are_quoted() {
        assert_eq!(quote("a b'c"), r"'a b'\''c'");
        assert_eq!(quote("plain-1"), "plain-1");
    }
}
