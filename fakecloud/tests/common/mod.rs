//! An in-process cloud on an ephemeral port with a manual clock, and a small JSON client for it.
#![allow(dead_code)]

pub mod served;

use fakecloud::sim::ClockMode;
use fakecloud::{CloudConfig, Fixture, RunningCloud};
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::{json, Value};

pub struct TestCloud {
    pub running: RunningCloud,
    pub http: reqwest::Client,
}

pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl TestCloud {
    pub async fn start() -> TestCloud {
        Self::start_with(Fixture::default_cloud()).await
    }

    pub async fn start_with(fixture: Fixture) -> TestCloud {
        Self::start_mounted(fixture, fakecloud::services::mounts()).await
    }

    /// A cloud serving these services (the standard set, or more).
    pub async fn start_mounted(fixture: Fixture, mounts: Vec<fakecloud::http::routes::Mount>) -> TestCloud {
        let start = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap().with_timezone(&chrono::Utc);
        let config = CloudConfig { fixture, seed: 7, clock: ClockMode::Manual, start: Some(start), public_url: None, ..Default::default() };
        let running = fakecloud::start_with(config, "127.0.0.1:0".parse().unwrap(), mounts).await.unwrap();
        TestCloud { running, http: reqwest::Client::new() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.running.url(), path)
    }

    pub async fn send(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = token {
            req = req.header("X-Auth-Token", t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        reply(req.send().await.unwrap()).await
    }

    pub async fn raw(&self, method: Method, path: &str, token: Option<&str>, body: Vec<u8>) -> Reply {
        let mut req = self.http.request(method, self.url(path)).header("content-type", "application/json").body(body);
        if let Some(t) = token {
            req = req.header("X-Auth-Token", t);
        }
        reply(req.send().await.unwrap()).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.send(Method::GET, path, token, None).await
    }

    /// A project-scoped token for a fixture user in its home project.
    pub async fn token(&self, user: &str, password: &str, project: &str) -> String {
        let r = self.send(Method::POST, "/identity/v3/auth/tokens", None, Some(password_auth(user, password, Some(project)))).await;
        assert_eq!(r.status, 201, "token for {user}: {}", r.text);
        r.headers["x-subject-token"].to_str().unwrap().to_string()
    }

    pub async fn admin(&self) -> String {
        self.token("admin", "admin-secret", "admin").await
    }

    pub async fn member(&self) -> String {
        self.token("demo", "demo-secret", "demo").await
    }

    /// Moves the simulated clock on by a duration such as `"10s"`.
    pub async fn advance(&self, by: &str) {
        let r = self.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({ "by": by }))).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }

    /// Installs a fault over the control API; its id.
    pub async fn add_fault(&self, fault: Value) -> String {
        let r = self.send(Method::POST, "/_fakecloud/faults", None, Some(fault)).await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.body["fault"]["id"].as_str().unwrap().to_string()
    }

    pub async fn snapshot(&self) -> String {
        self.get("/_fakecloud/snapshot?secrets=include", None).await.text
    }

    /// The world without its journal: what a rejected request must leave unchanged.
    pub fn state_without_journal(&self) -> Value {
        let mut w = self.running.cloud.world();
        // Set aside rather than serialised and dropped: the journal only grows, and serialising
        // it would make every comparison cost as much as the whole history.
        let journal = std::mem::take(&mut w.sim.journal);
        let v = serde_json::to_value(&*w);
        w.sim.journal = journal;
        let mut v = v.unwrap();
        v["sim"].as_object_mut().unwrap().remove("journal");
        v
    }
}

/// A response read whole: status, headers, text, and the body as JSON (`Null` when it is not JSON).
pub async fn reply(resp: reqwest::Response) -> Reply {
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply { status, headers, body, text }
}

pub fn password_auth(user: &str, password: &str, project: Option<&str>) -> Value {
    let mut body = json!({"auth": {"identity": {"methods": ["password"],
        "password": {"user": {"name": user, "domain": {"name": "Default"}, "password": password}}}}});
    if let Some(p) = project {
        body["auth"]["scope"] = json!({"project": {"name": p, "domain": {"name": "Default"}}});
    }
    body
}
