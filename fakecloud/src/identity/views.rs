//! Keystone's JSON shapes for tokens and identity resources.

use super::model::*;
use crate::sim::time::micros_z as ts;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::sync::Arc;

/// Where a resource's `links.self` points.
fn link(base: &str, collection: &str, id: &str) -> Value {
    json!({"self": format!("{}/identity/v3/{collection}/{id}", base.trim_end_matches('/'))})
}

pub fn collection_links(base: &str, collection: &str) -> Value {
    json!({"self": format!("{}/identity/v3/{collection}", base.trim_end_matches('/')), "previous": null, "next": null})
}

fn domain_ref(idn: &Identity, id: &str) -> Value {
    let name = idn.domain(id).map(|d| d.name.as_str()).unwrap_or_default();
    json!({"id": id, "name": name})
}

/// A token as Keystone renders it, owning what it needs so that it can be serialised after the
/// world's lock is released. The catalog is pre-serialised and shared (see `Identity::catalog_json`).
#[derive(Serialize)]
pub struct TokenView {
    token: TokenBody,
}

#[derive(Serialize)]
struct NamedRef {
    id: String,
    name: String,
}

#[derive(Serialize)]
struct TokenUser {
    id: String,
    name: String,
    domain: NamedRef,
    password_expires_at: Option<String>,
}

#[derive(Serialize)]
struct TokenProject {
    id: String,
    name: String,
    domain: NamedRef,
}

#[derive(Serialize)]
struct TokenAppCred {
    id: String,
    name: String,
    restricted: bool,
}

#[derive(Serialize)]
struct TokenBody {
    methods: Vec<String>,
    user: TokenUser,
    audit_ids: Vec<String>,
    expires_at: String,
    issued_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    project: Option<TokenProject>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_domain: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    domain: Option<NamedRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    roles: Option<Vec<NamedRef>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    catalog: Option<Arc<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    application_credential: Option<TokenAppCred>,
}

fn named_domain(idn: &Identity, id: &str) -> NamedRef {
    NamedRef { id: id.to_string(), name: idn.domain(id).map(|d| d.name.clone()).unwrap_or_default() }
}

/// A token as Keystone shows it. Its two instants are shown on the client's clock
/// (`Clock::on_wall_clock`), which a client compares `expires_at` with; under a manual clock that
/// is simulated time itself.
pub fn token(idn: &mut Identity, t: &Token, base: &str, with_catalog: bool, clock: &crate::sim::Clock) -> TokenView {
    let user = idn.user(&t.user_id);
    let user = TokenUser {
        id: t.user_id.clone(),
        name: user.map(|u| u.name.clone()).unwrap_or_default(),
        domain: named_domain(idn, user.map(|u| u.domain_id.as_str()).unwrap_or_default()),
        password_expires_at: None,
    };
    let mut body = TokenBody {
        methods: t.methods.clone(),
        user,
        audit_ids: t.audit_ids.clone(),
        expires_at: ts(clock.on_wall_clock(t.expires_at)),
        issued_at: ts(clock.on_wall_clock(t.issued_at)),
        project: None,
        is_domain: None,
        domain: None,
        system: None,
        roles: None,
        catalog: None,
        application_credential: None,
    };
    let project_id = match &t.scope {
        Scope::Project(id) => {
            let p = idn.project(id);
            body.project = Some(TokenProject {
                id: id.clone(),
                name: p.map(|p| p.name.clone()).unwrap_or_default(),
                domain: named_domain(idn, p.map(|p| p.domain_id.as_str()).unwrap_or_default()),
            });
            body.is_domain = Some(false);
            Some(id.as_str())
        }
        Scope::Domain(id) => {
            body.domain = Some(named_domain(idn, id));
            None
        }
        Scope::System => {
            body.system = Some(json!({"all": true}));
            None
        }
        Scope::Unscoped => None,
    };
    if t.scope != Scope::Unscoped {
        body.roles =
            Some(t.role_ids.iter().filter_map(|id| idn.role(id)).map(|r| NamedRef { id: r.id.clone(), name: r.name.clone() }).collect());
        if with_catalog {
            body.catalog = Some(idn.catalog_json(base, project_id));
        }
    }
    if let Some(ac) = t.app_cred_id.as_deref().and_then(|id| idn.app_cred(id)) {
        body.application_credential = Some(TokenAppCred { id: ac.id.clone(), name: ac.name.clone(), restricted: true });
    }
    TokenView { token: body }
}

/// Extra attributes first, then the object's own, which win (Keystone's `to_dict`).
fn with_extra(extra: &Extra, own: Value) -> Value {
    let mut out: serde_json::Map<String, Value> = extra.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    if let Value::Object(o) = own {
        out.extend(o);
    }
    Value::Object(out)
}

pub fn project(p: &Project, base: &str) -> Value {
    with_extra(
        &p.extra,
        json!({
            "id": p.id, "name": p.name, "domain_id": p.domain_id, "description": p.description,
            "enabled": p.enabled, "parent_id": p.parent(), "is_domain": false, "tags": p.tags, "options": p.options,
            "links": link(base, "projects", &p.id),
        }),
    )
}

/// A domain as the project API shows it: the project acting as the domain.
pub fn domain_as_project(d: &Domain, base: &str) -> Value {
    with_extra(
        &d.extra,
        json!({
            "id": d.id, "name": d.name, "domain_id": null, "description": d.description,
            "enabled": d.enabled, "parent_id": null, "is_domain": true, "tags": d.tags, "options": d.options,
            "links": link(base, "projects", &d.id),
        }),
    )
}

pub fn user(u: &User, base: &str) -> Value {
    let mut v = with_extra(
        &u.extra,
        json!({
            "id": u.id, "name": u.name, "domain_id": u.domain_id, "enabled": u.enabled,
            "password_expires_at": null, "options": u.options, "links": link(base, "users", &u.id),
        }),
    );
    if let Some(p) = &u.default_project_id {
        v["default_project_id"] = json!(p);
    }
    v
}

pub fn group(g: &Group, base: &str) -> Value {
    with_extra(
        &g.extra,
        json!({"id": g.id, "name": g.name, "domain_id": g.domain_id, "description": g.description, "links": link(base, "groups", &g.id)}),
    )
}

/// A group in a user's group list, which also says when the membership expires (never, here).
pub fn user_group(g: &Group, base: &str) -> Value {
    let mut v = group(g, base);
    v["membership_expires_at"] = Value::Null;
    v
}

pub fn role(r: &Role, base: &str) -> Value {
    json!({"id": r.id, "name": r.name, "domain_id": null, "description": null, "options": {}, "links": link(base, "roles", &r.id)})
}

pub fn domain(d: &Domain, base: &str) -> Value {
    with_extra(
        &d.extra,
        json!({"id": d.id, "name": d.name, "description": d.description, "enabled": d.enabled, "tags": d.tags, "options": d.options,
               "links": link(base, "domains", &d.id)}),
    )
}

/// A project's tag list: `{"tags": [...], "links": {"self": ...}}`.
pub fn tags(tags: &[String], base: &str, project_id: &str) -> Value {
    json!({"tags": tags, "links": {"self": format!("{}/identity/v3/projects/{project_id}/tags", base.trim_end_matches('/'))}})
}

pub fn region(id: &str, base: &str) -> Value {
    json!({"id": id, "description": "", "parent_region_id": null, "links": link(base, "regions", id)})
}

pub fn service(s: &CatalogService, base: &str) -> Value {
    json!({"id": s.id, "type": s.service_type, "name": s.name, "description": s.description, "enabled": true, "links": link(base, "services", &s.id)})
}

pub fn endpoint(e: &Endpoint, base: &str) -> Value {
    // The endpoint API shows the stored URL with its template, as Keystone does.
    let url = format!("{}{}", base.trim_end_matches('/'), e.path);
    json!({"id": e.id, "interface": e.interface, "region": e.region, "region_id": e.region, "service_id": e.service_id,
           "url": url, "enabled": true, "links": link(base, "endpoints", &e.id)})
}

pub fn app_cred(idn: &Identity, c: &AppCred, base: &str) -> Value {
    let roles: Vec<Value> =
        c.role_ids.iter().filter_map(|id| idn.role(id)).map(|r| json!({"id": r.id, "name": r.name, "domain_id": null})).collect();
    json!({
        "id": c.id, "name": c.name, "description": c.description, "project_id": c.project_id, "user_id": c.user_id,
        "roles": roles, "expires_at": c.expires_at.map(ts), "unrestricted": false, "access_rules": [],
        "links": {"self": format!("{}/identity/v3/users/{}/application_credentials/{}", base.trim_end_matches('/'), c.user_id, c.id)},
    })
}

/// One role assignment; with `include_names` the referenced objects carry their names too.
pub fn assignment(idn: &Identity, a: &Assignment, role_id: &str, base: &str, names: bool) -> Value {
    let role = idn.role(role_id);
    let user = idn.user(&a.user_id);
    let mut role_v = json!({"id": role_id});
    let mut user_v = json!({"id": a.user_id});
    if names {
        role_v["name"] = json!(role.map(|r| r.name.as_str()));
        user_v["name"] = json!(user.map(|u| u.name.as_str()));
        user_v["domain"] = domain_ref(idn, user.map(|u| u.domain_id.as_str()).unwrap_or_default());
    }
    let (scope, assignment_path) = match &a.target {
        Target::Project(id) => {
            let mut p = json!({"id": id});
            if names {
                let proj = idn.project(id);
                p["name"] = json!(proj.map(|p| p.name.as_str()));
                p["domain"] = domain_ref(idn, proj.map(|p| p.domain_id.as_str()).unwrap_or_default());
            }
            (json!({"project": p}), format!("projects/{id}/users/{}/roles/{role_id}", a.user_id))
        }
        Target::Domain(id) => {
            let mut d = json!({"id": id});
            if names {
                d["name"] = json!(idn.domain(id).map(|d| d.name.as_str()));
            }
            (json!({"domain": d}), format!("domains/{id}/users/{}/roles/{role_id}", a.user_id))
        }
        Target::System => (json!({"system": {"all": true}}), format!("system/users/{}/roles/{role_id}", a.user_id)),
    };
    json!({"role": role_v, "user": user_v, "scope": scope,
           "links": {"assignment": format!("{}/identity/v3/{assignment_path}", base.trim_end_matches('/'))}})
}
