//! The service catalog as tokens carry it. URLs are fakecloud's public address plus the fixture
//! path; `$(project_id)s` is filled from the token's project, and an endpoint that needs a project is
//! left out of tokens without one, as Keystone drops endpoints it cannot substitute.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CatalogService {
    pub id: String,
    pub service_type: String,
    pub name: String,
    pub description: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Endpoint {
    pub id: String,
    pub service_id: String,
    pub interface: String,
    pub region: String,
    /// Path under fakecloud's public address; may hold `$(project_id)s`.
    pub path: String,
}

pub const PROJECT_ID_TEMPLATE: &str = "$(project_id)s";

/// The endpoint's URL for a token; `None` when it needs a project the token does not have.
pub fn endpoint_url(base: &str, path: &str, project_id: Option<&str>) -> Option<String> {
    let url = format!("{}{}", base.trim_end_matches('/'), path);
    if url.contains(PROJECT_ID_TEMPLATE) {
        project_id.map(|p| url.replace(PROJECT_ID_TEMPLATE, p))
    } else {
        Some(url)
    }
}

pub fn render(services: &[CatalogService], all_endpoints: &[Endpoint], base: &str, project_id: Option<&str>) -> Vec<Value> {
    services
        .iter()
        .map(|s| {
            let endpoints: Vec<Value> = all_endpoints
                .iter()
                .filter(|e| e.service_id == s.id)
                .filter_map(|e| {
                    endpoint_url(base, &e.path, project_id)
                        .map(|url| json!({"id": e.id, "interface": e.interface, "region": e.region, "region_id": e.region, "url": url}))
                })
                .collect();
            json!({"id": s.id, "type": s.service_type, "name": s.name, "endpoints": endpoints})
        })
        .filter(|s| s["endpoints"].as_array().is_some_and(|e| !e.is_empty()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_template_is_filled_or_dropped() {
        let path = "/volume/v3/$(project_id)s";
        assert_eq!(endpoint_url("http://h:1/", path, Some("p1")).unwrap(), "http://h:1/volume/v3/p1");
        assert_eq!(endpoint_url("http://h:1", path, None), None);
        assert_eq!(endpoint_url("http://h:1", "/identity", None).unwrap(), "http://h:1/identity");
    }
}
