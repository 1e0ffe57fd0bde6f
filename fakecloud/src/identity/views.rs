//! Keystone's JSON shapes for tokens and identity resources.

use super::assignments::Listed;
use super::credentials::ec2_fields;
use super::model::*;
use crate::sim::clock::Clock;
use crate::sim::time::micros_z as ts;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::sync::Arc;

/// `{base}/identity/v3{path}`: Keystone's `base_url(path)`.
fn v3(base: &str, path: &str) -> String {
    format!("{}/identity/v3{path}", base.trim_end_matches('/'))
}

/// Where a resource's `links.self` points.
fn link(base: &str, collection: &str, id: &str) -> Value {
    json!({"self": v3(base, &format!("/{collection}/{id}"))})
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
struct IdOnly {
    id: String,
}

#[derive(Serialize)]
struct TokenTrust {
    id: String,
    impersonation: bool,
    trustee_user: IdOnly,
    trustor_user: IdOnly,
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
    #[serde(rename = "OS-TRUST:trust", skip_serializing_if = "Option::is_none")]
    trust: Option<TokenTrust>,
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
        trust: None,
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
        body.application_credential = Some(TokenAppCred { id: ac.id.clone(), name: ac.name.clone(), restricted: !ac.unrestricted });
    }
    if let Some(tr) = t.trust_id.as_deref().and_then(|id| idn.trusts.iter().find(|x| x.id == id)) {
        body.trust = Some(TokenTrust {
            id: tr.id.clone(),
            impersonation: tr.impersonation,
            trustee_user: IdOnly { id: tr.trustee_user_id.clone() },
            trustor_user: IdOnly { id: tr.trustor_user_id.clone() },
        });
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

pub fn role(r: &Role, base: &str) -> Value {
    let options = match r.immutable {
        Some(i) => json!({"immutable": i}),
        None => json!({}),
    };
    with_extra(
        &r.extra,
        json!({"id": r.id, "name": r.name, "domain_id": r.domain_id, "description": r.description, "options": options,
               "links": link(base, "roles", &r.id)}),
    )
}

/// A role as an implication rule shows it: id, name and link.
pub fn implied_role_ref(r: &Role, base: &str) -> Value {
    json!({"id": r.id, "name": r.name, "links": link(base, "roles", &r.id)})
}

/// `GET /v3/role_inferences`: one entry per role that implies any.
pub fn role_inferences(idn: &Identity, base: &str) -> Vec<Value> {
    idn.roles
        .iter()
        .filter(|r| !r.implies.is_empty())
        .map(|r| {
            let implies: Vec<Value> = r.implies.iter().filter_map(|i| idn.role(i)).map(|i| implied_role_ref(i, base)).collect();
            json!({"prior_role": implied_role_ref(r, base), "implies": implies})
        })
        .collect()
}

pub fn region(r: &Region, base: &str) -> Value {
    with_extra(
        &r.extra,
        json!({"id": r.id, "description": r.description, "parent_region_id": r.parent_region_id, "links": link(base, "regions", &r.id)}),
    )
}

pub fn service(s: &CatalogService, base: &str) -> Value {
    let mut v = json!({"id": s.id, "type": s.service_type, "name": s.name, "enabled": s.enabled, "links": link(base, "services", &s.id)});
    if let Some(d) = &s.description {
        v["description"] = json!(d);
    }
    with_extra(&s.extra, v)
}

pub fn endpoint(e: &Endpoint, base: &str) -> Value {
    // The endpoint API shows the stored URL with its template, as Keystone does.
    with_extra(
        &e.extra,
        json!({"id": e.id, "interface": e.interface, "region": e.region_id, "region_id": e.region_id, "service_id": e.service_id,
               "url": e.stored_url(base), "enabled": e.enabled, "links": link(base, "endpoints", &e.id)}),
    )
}

/// An application credential's `expires_at`: Python's isoformat of a naive UTC time.
fn naive_iso(t: crate::sim::SimTime) -> String {
    if t.timestamp_subsec_micros() == 0 {
        t.format("%Y-%m-%dT%H:%M:%S").to_string()
    } else {
        t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
    }
}

fn access_rule_fields(r: &AccessRule) -> Value {
    json!({"id": r.id, "service": r.service, "path": r.path, "method": r.method})
}

pub fn access_rule(r: &AccessRule, base: &str) -> Value {
    let mut v = access_rule_fields(r);
    v["links"] = json!({"self": v3(base, &format!("/users/{}/access_rules/{}", r.user_id, r.id))});
    v
}

pub fn app_cred(idn: &Identity, clock: &Clock, c: &AppCred, base: &str) -> Value {
    let roles: Vec<Value> = c
        .role_ids
        .iter()
        .filter_map(|id| idn.role(id))
        .map(|r| json!({"id": r.id, "name": r.name, "domain_id": r.domain_id, "description": r.description}))
        .collect();
    let mut v = json!({
        "id": c.id, "name": c.name, "description": c.description, "project_id": c.project_id, "user_id": c.user_id,
        "roles": roles, "expires_at": c.expires_at.map(|e| naive_iso(clock.on_wall_clock(e))), "unrestricted": c.unrestricted, "system": null,
        "links": {"self": v3(base, &format!("/users/{}/application_credentials/{}", c.user_id, c.id))},
    });
    let rules: Vec<Value> =
        c.access_rule_ids.iter().filter_map(|id| idn.access_rules.iter().find(|r| &r.id == id)).map(access_rule_fields).collect();
    if !rules.is_empty() {
        v["access_rules"] = json!(rules);
    }
    v
}

pub fn credential(c: &Credential, base: &str) -> Value {
    with_extra(
        &c.extra,
        json!({"id": c.id, "user_id": c.user_id, "project_id": c.project_id, "type": c.cred_type, "blob": c.blob,
               "links": link(base, "credentials", &c.id)}),
    )
}

/// The OS-EC2 view of an EC2 credential.
pub fn ec2_credential(c: &Credential, base: &str) -> Value {
    let (access, secret, trust_id) = ec2_fields(c);
    let path = format!("/users/{}/credentials/OS-EC2/{}", c.user_id, access.as_deref().unwrap_or_default());
    json!({"user_id": c.user_id, "tenant_id": c.project_id, "access": access, "secret": secret, "trust_id": trust_id,
           "links": {"self": v3(base, &path)}})
}

/// A trust; `with_roles` adds its roles (a list leaves them out, as Keystone does).
pub fn trust(idn: &Identity, clock: &Clock, t: &Trust, base: &str, with_roles: bool) -> Value {
    let mut v = with_extra(
        &t.extra,
        json!({
            "id": t.id, "trustor_user_id": t.trustor_user_id, "trustee_user_id": t.trustee_user_id, "project_id": t.project_id,
            "impersonation": t.impersonation, "expires_at": t.expires_at.map(|e| subsecond(clock.on_wall_clock(e))), "remaining_uses": t.remaining_uses,
            "redelegated_trust_id": t.redelegated_trust_id, "redelegation_count": t.redelegation_count, "deleted_at": null,
            "links": {"self": v3(base, &format!("/OS-TRUST/trusts/{}", t.id))},
        }),
    );
    if with_roles {
        v["roles"] = json!(trust_roles(idn, t, base));
        // Keystone's own link, which leaves out `/OS-TRUST/trusts`.
        v["roles_links"] = json!({"self": v3(base, &format!("/{}/roles", t.id)), "next": null, "previous": null});
    }
    v
}

pub fn trust_roles(idn: &Identity, t: &Trust, base: &str) -> Vec<Value> {
    t.role_ids.iter().filter_map(|id| idn.role(id)).map(|r| role(r, base)).collect()
}

/// keystone.common.utils.isotime(subsecond=True): microseconds shown, but always zero.
fn subsecond(t: crate::sim::SimTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S.000000Z").to_string()
}

pub fn revoke_event(e: &RevokeEvent) -> Value {
    let mut v = serde_json::Map::new();
    for (k, x) in [
        ("user_id", &e.user_id),
        ("role_id", &e.role_id),
        ("domain_id", &e.domain_id),
        ("project_id", &e.project_id),
        ("audit_id", &e.audit_id),
    ] {
        if let Some(x) = x {
            v.insert(k.into(), json!(x));
        }
    }
    if let Some(t) = &e.trust_id {
        v.insert("OS-TRUST:trust_id".into(), json!(t));
    }
    if let Some(t) = e.issued_before {
        v.insert("issued_before".into(), json!(subsecond(t)));
    }
    if let Some(t) = e.revoked_at {
        v.insert("revoked_at".into(), json!(subsecond(t)));
    }
    Value::Object(v)
}

/// One role assignment as keystone/api/role_assignments.py formats it, links and all; with
/// `include_names`, the referenced objects carry their names too.
pub fn assignment(idn: &Identity, a: &Listed, base: &str, names: bool) -> Value {
    let mut out = serde_json::Map::new();
    let mut links = serde_json::Map::new();
    let mut inherited = a.inherited;
    let mut path = match &a.target {
        Target::Project(id) => {
            let mut p = json!({"id": id});
            if names {
                let proj = idn.project(id);
                p["name"] = json!(proj.map(|p| p.name.as_str()));
                p["domain"] = domain_ref(idn, proj.map(|p| p.domain_id.as_str()).unwrap_or_default());
            }
            out.insert("scope".into(), json!({"project": p}));
            match &a.indirect.inherited_from {
                Some(Target::Domain(d)) => {
                    inherited = true;
                    format!("/domains/{d}")
                }
                Some(Target::Project(parent)) => {
                    inherited = true;
                    format!("/projects/{parent}")
                }
                _ => format!("/projects/{id}"),
            }
        }
        Target::Domain(id) => {
            let mut d = json!({"id": id});
            if names {
                d["name"] = json!(idn.domain(id).map(|d| d.name.as_str()));
            }
            out.insert("scope".into(), json!({"domain": d}));
            format!("/domains/{id}")
        }
        Target::System => {
            out.insert("scope".into(), json!({"system": {"all": true}}));
            "/system".to_string()
        }
    };
    match &a.actor {
        Actor::User(u) => {
            let mut user = json!({"id": u});
            if names {
                let found = idn.user(u);
                user["name"] = json!(found.map(|x| x.name.as_str()).unwrap_or_default());
                user["domain"] = match found {
                    Some(x) => domain_ref(idn, &x.domain_id),
                    None => json!({"id": "", "name": ""}),
                };
            }
            out.insert("user".into(), user);
            match &a.indirect.group_id {
                Some(g) => {
                    links.insert("membership".into(), json!(v3(base, &format!("/groups/{g}/users/{u}"))));
                    path.push_str(&format!("/groups/{g}"));
                }
                None => path.push_str(&format!("/users/{u}")),
            }
        }
        Actor::Group(g) => {
            let mut group = json!({"id": g});
            if names {
                let (name, domain) = idn.group_name_and_domain(g).unwrap_or_default();
                group["name"] = json!(name);
                group["domain"] = if domain.is_empty() { json!({"id": "", "name": ""}) } else { domain_ref(idn, &domain) };
            }
            out.insert("group".into(), group);
            path.push_str(&format!("/groups/{g}"));
        }
    }
    let mut role = json!({"id": a.role_id});
    if names {
        let r = idn.role(&a.role_id);
        role["name"] = json!(r.map(|r| r.name.as_str()));
        if let Some(d) = r.and_then(|r| r.domain_id.as_deref()) {
            role["domain"] = domain_ref(idn, d);
        }
    }
    out.insert("role".into(), role);
    match &a.indirect.prior_role_id {
        Some(prior) => {
            path.push_str(&format!("/roles/{prior}"));
            // Keystone's own link, with the two roles the other way round.
            links.insert("prior_role".into(), json!(v3(base, &format!("/prior_role/{}/implies/{prior}", a.role_id))));
        }
        None => path.push_str(&format!("/roles/{}", a.role_id)),
    }
    if inherited {
        if let Some(Value::Object(scope)) = out.get_mut("scope") {
            scope.insert("OS-INHERIT:inherited_to".into(), json!("projects"));
        }
        path = format!("/OS-INHERIT{path}/inherited_to_projects");
    }
    links.insert("assignment".into(), json!(v3(base, &path)));
    out.insert("links".into(), Value::Object(links));
    Value::Object(out)
}

pub fn policy_blob(p: &PolicyBlob, base: &str) -> Value {
    with_extra(&p.extra, json!({"id": p.id, "type": p.policy_type, "blob": p.blob, "links": link(base, "policies", &p.id)}))
}

/// An OAuth1 consumer; its secret only in the create reply.
pub fn consumer(c: &Consumer, base: &str, with_secret: bool) -> Value {
    let mut v = with_extra(&c.extra, json!({"id": c.id, "description": c.description, "links": link(base, "OS-OAUTH1/consumers", &c.id)}));
    if with_secret {
        v["secret"] = json!(c.secret);
    }
    v
}

pub fn endpoint_group(g: &EndpointGroup, base: &str) -> Value {
    json!({"id": g.id, "name": g.name, "description": g.description, "filters": g.filters,
           "links": link(base, "OS-EP-FILTER/endpoint_groups", &g.id)})
}

pub fn project_endpoint_group(group_id: &str, project_id: &str, base: &str) -> Value {
    json!({"endpoint_group_id": group_id, "project_id": project_id,
           "links": {"self": v3(base, &format!("/OS-EP-FILTER/endpoint_groups/{group_id}/projects/{project_id}"))}})
}
