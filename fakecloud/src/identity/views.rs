//! Keystone's JSON shapes for tokens and identity resources.

use super::catalog;
use super::model::*;
use crate::sim::time::keystone as ts;
use serde_json::{json, Value};

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

pub fn token(idn: &Identity, t: &Token, base: &str, with_catalog: bool) -> Value {
    let user = idn.user(&t.user_id);
    let mut body = json!({
        "methods": t.methods,
        "user": {
            "id": t.user_id,
            "name": user.map(|u| u.name.as_str()).unwrap_or_default(),
            "domain": domain_ref(idn, user.map(|u| u.domain_id.as_str()).unwrap_or_default()),
            "password_expires_at": null,
        },
        "audit_ids": t.audit_ids,
        "expires_at": ts(t.expires_at),
        "issued_at": ts(t.issued_at),
    });
    let project_id = match &t.scope {
        Scope::Project(id) => {
            let p = idn.project(id);
            body["project"] = json!({
                "id": id,
                "name": p.map(|p| p.name.as_str()).unwrap_or_default(),
                "domain": domain_ref(idn, p.map(|p| p.domain_id.as_str()).unwrap_or_default()),
            });
            body["is_domain"] = json!(false);
            Some(id.as_str())
        }
        Scope::Domain(id) => {
            body["domain"] = domain_ref(idn, id);
            None
        }
        Scope::System => {
            body["system"] = json!({"all": true});
            None
        }
        Scope::Unscoped => None,
    };
    if t.scope != Scope::Unscoped {
        body["roles"] = t.role_ids.iter().filter_map(|id| idn.role(id)).map(|r| json!({"id": r.id, "name": r.name})).collect();
        if with_catalog {
            body["catalog"] = Value::Array(catalog::render(idn, base, project_id));
        }
    }
    if let Some(ac) = t.app_cred_id.as_deref().and_then(|id| idn.app_cred(id)) {
        body["application_credential"] = json!({"id": ac.id, "name": ac.name, "restricted": true});
    }
    json!({"token": body})
}

pub fn project(p: &Project, base: &str) -> Value {
    json!({
        "id": p.id, "name": p.name, "domain_id": p.domain_id, "description": p.description,
        "enabled": p.enabled, "parent_id": p.domain_id, "is_domain": false, "tags": [], "options": {},
        "links": link(base, "projects", &p.id),
    })
}

pub fn user(u: &User, base: &str) -> Value {
    let mut v = json!({
        "id": u.id, "name": u.name, "domain_id": u.domain_id, "enabled": u.enabled,
        "password_expires_at": null, "options": {}, "links": link(base, "users", &u.id),
    });
    if let Some(p) = &u.default_project_id {
        v["default_project_id"] = json!(p);
    }
    if let Some(e) = &u.email {
        v["email"] = json!(e);
    }
    v
}

pub fn role(r: &Role, base: &str) -> Value {
    json!({"id": r.id, "name": r.name, "domain_id": null, "description": null, "options": {}, "links": link(base, "roles", &r.id)})
}

pub fn domain(d: &Domain, base: &str) -> Value {
    json!({"id": d.id, "name": d.name, "description": d.description, "enabled": d.enabled, "tags": [], "options": {}, "links": link(base, "domains", &d.id)})
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
