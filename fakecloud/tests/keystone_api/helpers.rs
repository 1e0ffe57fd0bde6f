//! A cloud with an admin token, and short calls to `/identity/v3` for the resource tests.

use crate::common::{Reply, TestCloud};
use fakecloud::fixture::{AssignmentSpec, UserSpec};
use fakecloud::Fixture;
use reqwest::Method;
use serde_json::{json, Value};

pub const V3: &str = "/identity/v3";

pub struct Ks {
    pub c: TestCloud,
    pub admin: String,
}

impl Ks {
    pub async fn start() -> Ks {
        Self::start_with(Fixture::default_cloud()).await
    }

    pub async fn start_with(f: Fixture) -> Ks {
        let c = TestCloud::start_with(f).await;
        let admin = c.admin().await;
        Ks { c, admin }
    }

    /// `method /identity/v3{path}` with `token`.
    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        self.c.send(method, &format!("{V3}{path}"), token, body).await
    }

    /// The same, as the admin.
    pub async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.call(method, path, Some(&self.admin), body).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.admin(Method::GET, path, None).await
    }

    /// `POST {collection}` as the admin, which must answer 201; the created object.
    pub async fn create(&self, collection: &str, key: &str, body: Value) -> Value {
        let r = self.admin(Method::POST, collection, Some(json!({ key: body }))).await;
        assert_eq!(r.status, 201, "POST {collection}: {}", r.text);
        r.body[key].clone()
    }

    /// A password login in the Default domain (by user name), scoped as `scope` says.
    pub async fn login(&self, user: &str, password: &str, scope: Option<Value>) -> Reply {
        self.login_in(user, "Default", password, scope).await
    }

    pub async fn login_in(&self, user: &str, domain: &str, password: &str, scope: Option<Value>) -> Reply {
        let mut body = json!({"auth": {"identity": {"methods": ["password"],
            "password": {"user": {"name": user, "domain": {"name": domain}, "password": password}}}}});
        if let Some(s) = scope {
            body["auth"]["scope"] = s;
        }
        self.c.send(Method::POST, "/identity/v3/auth/tokens", None, Some(body)).await
    }

    /// A token from a login that must succeed.
    pub async fn token_of(&self, user: &str, password: &str, scope: Option<Value>) -> String {
        let r = self.login(user, password, scope).await;
        assert_eq!(r.status, 201, "login {user}: {}", r.text);
        r.headers["x-subject-token"].to_str().unwrap().to_string()
    }

    /// Validates `subject` as the admin: its status.
    pub async fn validate(&self, subject: &str) -> u16 {
        let r =
            self.c.http.get(self.c.url("/identity/v3/auth/tokens")).header("X-Auth-Token", &self.admin).header("X-Subject-Token", subject);
        r.send().await.unwrap().status().as_u16()
    }

    /// The id of the fixture's project, user or domain called `name`.
    pub fn project_id(&self, name: &str) -> String {
        self.c.running.cloud.world().identity.project_named(name).unwrap().id.clone()
    }

    pub fn user_id(&self, name: &str) -> String {
        self.c.running.cloud.world().identity.user_named(name).unwrap().id.clone()
    }
}

pub fn project_scope(name: &str) -> Value {
    json!({"project": {"name": name, "domain": {"name": "Default"}}})
}

/// The names in a list reply.
pub fn names(r: &Reply, key: &str) -> Vec<String> {
    r.body[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} in {}", r.text))
        .iter()
        .map(|x| x["name"].as_str().unwrap().to_string())
        .collect()
}

pub fn ids(r: &Reply, key: &str) -> Vec<String> {
    r.body[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} in {}", r.text))
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_string())
        .collect()
}

/// The default cloud plus a reader of the Default domain (`dreader`) and a system reader
/// (`sreader`), for the domain- and system-scoped rules.
pub fn fixture_with_readers() -> Fixture {
    let mut f = Fixture::default_cloud();
    for (name, domain, system) in [("dreader", Some("Default"), None), ("sreader", None, Some("all"))] {
        f.users.push(UserSpec {
            id: None,
            name: name.into(),
            domain: "Default".into(),
            password: format!("{name}-secret"),
            email: None,
            default_project: None,
        });
        f.role_assignments.push(AssignmentSpec {
            user: name.into(),
            role: "reader".into(),
            project: None,
            domain: domain.map(str::to_string),
            system: system.map(str::to_string),
        });
    }
    f
}
