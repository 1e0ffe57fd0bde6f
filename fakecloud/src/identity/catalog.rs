//! The service catalog as tokens carry it, and the shapes of its regions, services and endpoints.
//! Fixture endpoints are paths under the address the request came to; endpoints made through the
//! API keep their literal URL. In both, `$(project_id)s` (and `$(tenant_id)s`) is filled from the
//! token's project, and an endpoint that needs a project is left out of tokens without one, as
//! Keystone drops endpoints it cannot substitute. Disabled services and endpoints are not in the
//! catalog. The rules for changing them are in catalog_rules.rs.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Region {
    pub id: String,
    pub description: String,
    pub parent_region_id: Option<String>,
    pub extra: BTreeMap<String, Value>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CatalogService {
    pub id: String,
    pub service_type: String,
    pub name: String,
    /// Keystone keeps the description among a service's extra attributes: absent unless given.
    pub description: Option<String>,
    pub enabled: bool,
    pub extra: BTreeMap<String, Value>,
}

/// Where an endpoint is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EndpointUrl {
    /// A fixture endpoint: a path under the address fakecloud is reached at.
    Path(String),
    /// An endpoint made through the API: its URL as given.
    Literal(String),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Endpoint {
    pub id: String,
    pub service_id: String,
    pub interface: String,
    pub region_id: Option<String>,
    pub url: EndpointUrl,
    pub enabled: bool,
    pub extra: BTreeMap<String, Value>,
}

pub const PROJECT_ID_TEMPLATE: &str = "$(project_id)s";
const TENANT_ID_TEMPLATE: &str = "$(tenant_id)s";

impl Endpoint {
    /// The URL as the endpoint API shows it: the stored one, templates and all.
    pub fn stored_url(&self, base: &str) -> String {
        match &self.url {
            EndpointUrl::Path(p) => format!("{}{}", base.trim_end_matches('/'), p),
            EndpointUrl::Literal(u) => u.clone(),
        }
    }
}

/// The endpoint's URL for a token; `None` when it needs a project the token does not have.
pub fn endpoint_url(url: &str, project_id: Option<&str>) -> Option<String> {
    if url.contains(PROJECT_ID_TEMPLATE) || url.contains(TENANT_ID_TEMPLATE) {
        project_id.map(|p| url.replace(PROJECT_ID_TEMPLATE, p).replace(TENANT_ID_TEMPLATE, p))
    } else {
        Some(url.to_string())
    }
}

/// The catalog for a token of `project_id`; `only`, when the project has endpoint-filter
/// associations, is the set of endpoints it may see.
pub fn render(
    services: &[CatalogService],
    all_endpoints: &[Endpoint],
    base: &str,
    project_id: Option<&str>,
    only: Option<&BTreeSet<String>>,
) -> Vec<Value> {
    services
        .iter()
        .filter(|s| s.enabled)
        .map(|s| {
            let endpoints: Vec<Value> = all_endpoints
                .iter()
                .filter(|e| e.service_id == s.id && e.enabled && only.is_none_or(|o| o.contains(&e.id)))
                .filter_map(|e| {
                    endpoint_url(&e.stored_url(base), project_id).map(
                        |url| json!({"id": e.id, "interface": e.interface, "region": e.region_id, "region_id": e.region_id, "url": url}),
                    )
                })
                .collect();
            json!({"id": s.id, "type": s.service_type, "name": s.name, "endpoints": endpoints})
        })
        .filter(|s| s["endpoints"].as_array().is_some_and(|e| !e.is_empty()))
        .collect()
}

/// keystone.common.utils.check_endpoint_url: only the substitutions Keystone whitelists may appear.
pub fn check_endpoint_url(url: &str) -> Result<(), String> {
    const ALLOWED: [&str; 10] = [
        "tenant_id",
        "project_id",
        "user_id",
        "public_bind_host",
        "admin_bind_host",
        "compute_host",
        "admin_port",
        "public_port",
        "public_endpoint",
        "admin_endpoint",
    ];
    let templated = url.replace("$(", "%(");
    let mut rest = templated.as_str();
    while let Some(start) = rest.find("%(") {
        let after = &rest[start + 2..];
        let Some(end) = after.find(")s") else { break };
        let key = &after[..end];
        if !ALLOWED.contains(&key) {
            return Err(format!("Cannot create an endpoint with an invalid URL: {url}."));
        }
        rest = &after[end + 2..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_template_is_filled_or_dropped() {
        let url = "http://h:1/volume/v3/$(project_id)s";
        assert_eq!(endpoint_url(url, Some("p1")).unwrap(), "http://h:1/volume/v3/p1");
        assert_eq!(endpoint_url(url, None), None);
        assert_eq!(endpoint_url("http://h:1/v1/AUTH_$(tenant_id)s", Some("p")).unwrap(), "http://h:1/v1/AUTH_p");
        assert_eq!(endpoint_url("http://h:1/identity", None).unwrap(), "http://h:1/identity");
    }

    #[test]
    fn unknown_url_substitutions_are_refused() {
        assert!(check_endpoint_url("http://h/$(project_id)s").is_ok());
        assert!(check_endpoint_url("http://h/$(nope)s").is_err());
    }
}
