//! The bad-input campaign. It walks the router's own table (`fakecloud::services::route_table()`), so
//! a new route is covered the day it is added, and a body-taking route without an entry in
//! `bodies.rs` fails the run. Against every route it sends malformed JSON, wrong types, missing and
//! unknown fields, huge and negative numbers, unicode and overlong strings, bad ids in the path and
//! the body, odd query strings, wrong methods and oversized bodies. Every answer must be below 500;
//! every refusal must be a 4xx in the service's own error format and leave the world as it was.
//! Each route is tried with real ids from the default fixture (so the request reaches the handler's
//! validation) and with well-formed ids of nothing.
//!
//! Findings are collected, not asserted one by one, so a failing run lists every problem at once.

mod bodies;
#[path = "../common/mod.rs"]
mod common;
mod fuzz;

use bodies::{Spec, Takes};
use common::{Reply, TestCloud};
use fakecloud::http::routes::Route;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// An id of the right shape that names nothing.
const NOBODY: &str = "00000000-0000-4000-8000-000000000000";

#[derive(Clone, Copy, PartialEq, Debug)]
enum Expect {
    /// The input is wrong: a 4xx is the only right answer.
    Rejected,
    /// The input may be acceptable (a long name, a unicode string): anything below 500.
    NoServerError,
}

#[derive(Clone, Copy, PartialEq)]
enum Ids {
    Real,
    Nobody,
}

struct Campaign {
    c: TestCloud,
    admin: String,
    vars: BTreeMap<&'static str, String>,
    baseline: Value,
    findings: Vec<String>,
    sent: usize,
}

impl Campaign {
    async fn start() -> Campaign {
        let c = TestCloud::start().await;
        let admin = c.admin().await;
        // An HTTP listener, so the L7 policy routes reach their checks (Octavia runs L7 policies
        // on HTTP listeners only); made before the baseline the refusals are compared with.
        let lbs = c.get("/load-balancer/v2/lbaas/loadbalancers", Some(&admin)).await;
        let lb = lbs.body["loadbalancers"][0]["id"].as_str().expect("a fixture load balancer").to_string();
        let http = json!({"listener": {"loadbalancer_id": lb, "protocol": "HTTP", "protocol_port": 8088}});
        assert_eq!(c.send(Method::POST, "/load-balancer/v2/lbaas/listeners", Some(&admin), Some(http)).await.status, 201);
        c.advance("30s").await;
        // An availability zone and its profile, so their routes reach their checks with real ids.
        let profile = json!({"availability_zone_profile": {"name": "bi-zone-profile", "provider_name": "amphora",
            "availability_zone_data": r#"{"compute_zone": "nova"}"#}});
        let r = c.send(Method::POST, "/load-balancer/v2/lbaas/availabilityzoneprofiles", Some(&admin), Some(profile)).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let zone =
            json!({"availability_zone": {"name": "bi-zone", "availability_zone_profile_id": r.body["availability_zone_profile"]["id"]}});
        assert_eq!(c.send(Method::POST, "/load-balancer/v2/lbaas/availabilityzones", Some(&admin), Some(zone)).await.status, 201);
        let baseline = c.state_without_journal();
        let mut me = Campaign { c, admin, vars: BTreeMap::new(), baseline, findings: Vec::new(), sent: 0 };
        me.resolve_vars().await;
        me
    }

    /// Real ids for the `$name` placeholders of `bodies.rs`, looked up through the APIs.
    async fn resolve_vars(&mut self) {
        let first = |v: &Value, list: &str, key: &str| v[list][0][key].as_str().map(str::to_string);
        let named = |v: &Value, list: &str, name: &str| {
            v[list].as_array().and_then(|a| a.iter().find(|x| x["name"] == name)).and_then(|x| x["id"].as_str()).map(str::to_string)
        };
        let flavors = self.admin_get("/compute/v2.1/flavors").await;
        let images = self.admin_get("/image/v2/images").await;
        let networks = self.admin_get("/network/v2.0/networks").await;
        let subnets = self.admin_get("/network/v2.0/subnets").await;
        let groups = self.admin_get("/network/v2.0/security-groups").await;
        let lbs = self.admin_get("/load-balancer/v2/lbaas/loadbalancers").await;
        let pools = self.admin_get("/load-balancer/v2/lbaas/pools").await;
        let listeners = self.admin_get("/load-balancer/v2/lbaas/listeners").await;
        let http_listener = listeners["listeners"]
            .as_array()
            .and_then(|a| a.iter().find(|l| l["protocol"] == "HTTP"))
            .and_then(|l| l["id"].as_str())
            .map(str::to_string);
        let flavor_profiles = self.admin_get("/load-balancer/v2/lbaas/flavorprofiles").await;
        let zone_profiles = self.admin_get("/load-balancer/v2/lbaas/availabilityzoneprofiles").await;
        let templates = self.admin_get("/container-infra/v1/clustertemplates").await;
        let providers = self.admin_get("/placement/resource_providers").await;
        let private = named(&networks, "networks", "private").expect("the fixture's private network");
        let subnet = subnets["subnets"]
            .as_array()
            .and_then(|a| a.iter().find(|s| s["network_id"] == private.as_str()))
            .and_then(|s| s["id"].as_str())
            .expect("a subnet on the private network")
            .to_string();
        let projects = self.admin_get("/identity/v3/projects").await;
        let users = self.admin_get("/identity/v3/users").await;
        let services = self.admin_get("/identity/v3/services").await;
        let volumes = self.admin_get("/volume/v3/volumes?all_tenants=1").await;
        let pairs = [
            ("flavor", first(&flavors, "flavors", "id")),
            ("image", first(&images, "images", "id")),
            ("network", Some(private)),
            ("public", named(&networks, "networks", "public")),
            ("subnet", Some(subnet)),
            ("secgroup", first(&groups, "security_groups", "id")),
            ("lb", first(&lbs, "loadbalancers", "id")),
            ("pool", first(&pools, "pools", "id")),
            ("http_listener", http_listener),
            ("lb_flavor_profile", first(&flavor_profiles, "flavorprofiles", "id")),
            ("lb_zone_profile", first(&zone_profiles, "availability_zone_profiles", "id")),
            ("template", first(&templates, "clustertemplates", "uuid")),
            ("provider", first(&providers, "resource_providers", "uuid")),
            ("project", named(&projects, "projects", "admin")),
            ("user", named(&users, "users", "admin")),
            ("observer", named(&users, "users", "observer")),
            ("service", first(&services, "services", "id")),
            ("volume", first(&volumes, "volumes", "id")),
        ];
        for (k, v) in pairs {
            self.vars.insert(k, v.unwrap_or_else(|| panic!("no ${k} in the default fixture")));
        }
    }

    async fn admin_get(&self, path: &str) -> Value {
        let r = self.c.get(path, Some(&self.admin)).await;
        assert_eq!(r.status, 200, "GET {path}: {}", r.text);
        r.body
    }

    /// The body with its placeholders filled; `$generation` is read fresh from the provider in `path`.
    async fn fill(&self, v: &Value, path: &str) -> Value {
        let generation = if v.to_string().contains("$generation") {
            let provider = path.trim_start_matches("/placement/resource_providers/").split('/').next().unwrap_or("");
            let r = self.c.get(&format!("/placement/resource_providers/{provider}"), Some(&self.admin)).await;
            r.body["generation"].clone()
        } else {
            Value::Null
        };
        fn walk(v: &Value, vars: &BTreeMap<&'static str, String>, generation: &Value) -> Value {
            let sub = |s: &str| s.strip_prefix('$').and_then(|k| vars.get(k)).cloned().unwrap_or_else(|| s.to_string());
            match v {
                Value::String(s) if s == "$generation" => generation.clone(),
                Value::String(s) => Value::String(sub(s)),
                Value::Array(a) => Value::Array(a.iter().map(|x| walk(x, vars, generation)).collect()),
                Value::Object(o) => Value::Object(o.iter().map(|(k, x)| (sub(k), walk(x, vars, generation))).collect()),
                other => other.clone(),
            }
        }
        walk(v, &self.vars, &generation)
    }

    /// A concrete path: each `{param}` becomes a real id (listed from the collection before it) or NOBODY.
    async fn path(&self, template: &str, ids: Ids) -> String {
        let mut out = String::new();
        for seg in template.split('/').skip(1) {
            let name = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
            let value = match (name, ids) {
                (None, _) => seg.to_string(),
                (Some("project_id" | "project"), _) => self.vars["project"].clone(),
                // A password change revokes the user's tokens: never the campaign's own admin's.
                (Some("id"), Ids::Real) if template.ends_with("/password") => self.vars["observer"].clone(),
                (Some(_), Ids::Nobody) => NOBODY.to_string(),
                (Some("consumer"), Ids::Real) => "9a1f3e0c-51b6-4c3e-9d55-3f3c2b7a0b01".to_string(),
                (Some("tag"), Ids::Real) => "bi-tag".to_string(),
                (Some("component"), Ids::Real) => "octavia-worker".to_string(),
                (Some(_), Ids::Real) => self.first_id(&out).await.unwrap_or_else(|| NOBODY.to_string()),
            };
            out.push('/');
            out.push_str(&value);
        }
        out
    }

    /// The first member of a collection as the API lists it to an admin: its id, uuid or name, or
    /// the first key of a map (Placement's inventories).
    async fn first_id(&self, collection: &str) -> Option<String> {
        let query = if collection.starts_with("/compute/") { "?all_tenants=1" } else { "" };
        let r = self.c.get(&format!("{collection}{query}"), Some(&self.admin)).await;
        let obj = r.body.as_object()?;
        let found = obj.values().find(|v| v.is_array() || v.is_object())?;
        match found {
            Value::Array(items) => {
                let item = items.first()?;
                let item = match item.as_object() {
                    Some(o) if o.len() == 1 && o.values().all(Value::is_object) => o.values().next()?,
                    _ => item,
                };
                if let Some(s) = item.as_str() {
                    return Some(s.to_string());
                }
                ["id", "uuid", "name"].iter().find_map(|k| item[*k].as_str().map(str::to_string))
            }
            Value::Object(map) => map.keys().next().cloned(),
            _ => None,
        }
    }

    async fn send(&mut self, method: &str, path: &str, body: Option<Vec<u8>>, microversion: Option<&str>) -> Option<Reply> {
        self.sent += 1;
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.c.http.request(m, self.c.url(path)).header("X-Auth-Token", &self.admin);
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(b);
        }
        if let Some(mv) = microversion {
            req = req.header("OpenStack-API-Version", mv);
        }
        match req.send().await {
            Ok(resp) => Some(common::reply(resp).await),
            Err(e) => {
                // A dropped connection is what a panicking handler looks like from outside.
                self.findings.push(format!("{method} {path}: no answer ({e})"));
                None
            }
        }
    }

    /// Sends one request and records anything wrong with the answer.
    async fn probe(&mut self, method: &str, path: &str, body: Option<Vec<u8>>, mv: Option<&str>, what: &str, expect: Expect) {
        let Some(r) = self.send(method, path, body, mv).await else { return };
        let at = format!("{method} {path} with {what}");
        if r.status >= 500 {
            self.findings.push(format!("{at}: {} {}", r.status, clip(&r.text)));
        } else if (400..500).contains(&r.status) {
            if method != "HEAD" && !native_error(path, r.status, &r.body) {
                self.findings.push(format!("{at}: {} not in the service's error format: {}", r.status, clip(&r.text)));
            }
            let now = self.c.state_without_journal();
            if now != self.baseline {
                self.findings.push(format!("{at}: refused with {} but the world changed", r.status));
                self.baseline = now;
            }
        } else {
            if expect == Expect::Rejected {
                self.findings.push(format!("{at}: accepted with {}: {}", r.status, clip(&r.text)));
            }
            self.rebaseline(path).await;
        }
    }

    /// After an accepted request: a new baseline, and a fresh token if the control API may have
    /// moved the clock past its expiry or reset the world.
    async fn rebaseline(&mut self, path: &str) {
        if path.starts_with("/_fakecloud") {
            self.admin = self.c.admin().await;
        }
        self.baseline = self.c.state_without_journal();
    }
}

fn clip(s: &str) -> String {
    s.chars().take(160).collect()
}

/// Whether a 4xx body is the error document of the service behind `path`. keystonemiddleware
/// answers 401 for every service in Keystone's format.
fn native_error(path: &str, status: u16, b: &Value) -> bool {
    let keystone = b["error"]["code"] == status && b["error"]["message"].is_string();
    let service = path.split('/').nth(1).unwrap_or("");
    (status == 401 && keystone)
        || match service {
            "identity" => keystone,
            "compute" | "volume" => {
                b.as_object().is_some_and(|o| o.len() == 1 && o.values().all(|f| f["code"] == status && f["message"].is_string()))
            }
            "placement" | "container-infra" => b["errors"][0]["status"] == status && b["errors"][0]["detail"].is_string(),
            "load-balancer" => b["faultcode"] == "Client" && b["faultstring"].is_string(),
            "network" => b["NeutronError"]["type"].is_string() && b["NeutronError"]["message"].is_string(),
            "image" => b["code"].as_str().is_some_and(|c| c.starts_with(&status.to_string())) && b["message"].is_string(),
            "_fakecloud" | "dashboard" => b["error"]["status"] == status && b["error"]["message"].is_string(),
            _ => false,
        }
}

/// Every route, with the control API last: its accepted requests (a reset, a clock move) change
/// the whole world.
fn routes() -> Vec<Route> {
    let mut table = fakecloud::services::route_table();
    table.sort_by_key(|r| r.path.starts_with("/_fakecloud"));
    table
}

fn takes_body(r: &Route) -> bool {
    matches!(r.method, "POST" | "PUT" | "PATCH")
}

/// Bodies that are wrong whatever the route: not JSON, not a document, or absurd.
fn garbage() -> Vec<(String, Vec<u8>)> {
    let deep = format!("{}{}", "[".repeat(400), "]".repeat(400));
    ["{not json", "", "null", "[]", "\"a string\"", "5", "true", "[{}]", "{\"a\": 1e400}", "\u{feff}{}", "{\"\u{0}\": {}}"]
        .iter()
        .map(|s| (format!("{s:.20}"), s.as_bytes().to_vec()))
        .chain([("400 nested arrays".to_string(), deep.into_bytes()), ("invalid UTF-8".to_string(), vec![b'{', 0xff, 0xfe, b'}'])])
        .collect()
}

/// A JSON pointer's leaves and inner nodes, each with a mutation and what the service must do.
fn mutations(spec: &Spec) -> Vec<(String, Value, Expect)> {
    let mut out = Vec::new();
    let body = &spec.body;
    // The wrapper key (`{"server": {...}}`), when there is one.
    let wrapper = body.as_object().filter(|o| o.len() == 1 && o.values().all(Value::is_object)).and_then(|o| o.keys().next());
    if let Some(w) = wrapper {
        for bad in [json!(5), json!([]), json!(null), json!("x")] {
            out.push((format!("{w} = {bad}"), json!({ w.as_str(): bad }), Expect::Rejected));
        }
    }
    let empty = if !spec.empty_ok && (spec.all_required || wrapper.is_some()) { Expect::Rejected } else { Expect::NoServerError };
    out.push(("an empty document".into(), json!({}), empty));
    // An unknown attribute beside the real ones.
    let mut extra = body.clone();
    let target = match wrapper {
        Some(w) => extra.get_mut(w.as_str()),
        None => Some(&mut extra),
    };
    if let Some(Value::Object(o)) = target {
        o.insert("bi_unknown_attribute".into(), json!(1));
        out.push(("an unknown attribute".into(), extra, if spec.extra_ok { Expect::NoServerError } else { Expect::Rejected }));
    }
    let mut pointers = Vec::new();
    collect_pointers(body, String::new(), &mut pointers);
    for (ptr, key) in pointers {
        let node = body.pointer(&ptr).unwrap().clone();
        let with = |v: Value| {
            let mut b = body.clone();
            *b.pointer_mut(&ptr).unwrap() = v;
            b
        };
        let in_open_map = ptr.rsplit_once('/').is_some_and(|(parent, _)| spec.open_maps.contains(&parent));
        if spec.all_required && !key.is_empty() && key.parse::<usize>().is_err() && !in_open_map {
            out.push((format!("{ptr} missing"), without(body, &ptr), Expect::Rejected));
        }
        let looks_like_id = (key.ends_with("_id") || key.ends_with("Ref") || key == "uuid") && !spec.free_ids.contains(&ptr.as_str());
        match node {
            Value::String(s) => {
                out.push((format!("{ptr} an object"), with(json!({"x": 1})), Expect::Rejected));
                out.push((format!("{ptr} a number"), with(json!(12345)), Expect::NoServerError));
                out.push((format!("{ptr} 70,000 characters"), with(json!("é".repeat(70_000))), Expect::NoServerError));
                out.push((format!("{ptr} odd unicode"), with(json!("☃\u{202e}\u{0}\u{1F600}")), Expect::NoServerError));
                if looks_like_id || s.len() == 36 && s.matches('-').count() == 4 {
                    out.push((format!("{ptr} not a uuid"), with(json!("not-a-uuid")), Expect::Rejected));
                }
            }
            Value::Number(_) => {
                out.push((format!("{ptr} a word"), with(json!("abc")), Expect::Rejected));
                out.push((format!("{ptr} an object"), with(json!({"x": 1})), Expect::Rejected));
                for n in [json!(-1), json!(1e30), json!(9_223_372_036_854_775_808u64), json!(0.5), json!(-9_223_372_036_854_775_807i64)] {
                    out.push((format!("{ptr} {n}"), with(n), Expect::NoServerError));
                }
            }
            Value::Bool(_) => out.push((format!("{ptr} maybe"), with(json!("maybe")), Expect::Rejected)),
            Value::Array(_) => {
                out.push((format!("{ptr} not a list"), with(json!("notalist")), Expect::Rejected));
                out.push((format!("{ptr} empty"), with(json!([])), Expect::NoServerError));
            }
            Value::Object(_) if !ptr.is_empty() => {
                out.push((format!("{ptr} not an object"), with(json!("notanobject")), Expect::Rejected));
            }
            _ => {}
        }
    }
    out
}

/// Every node below the root, as (JSON pointer, its key).
fn collect_pointers(v: &Value, at: String, out: &mut Vec<(String, String)>) {
    let children: Vec<(String, &Value)> = match v {
        Value::Object(o) => o.iter().map(|(k, x)| (k.clone(), x)).collect(),
        Value::Array(a) => a.iter().enumerate().map(|(i, x)| (i.to_string(), x)).collect(),
        _ => return,
    };
    for (k, x) in children {
        let ptr = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
        if !x.is_null() {
            out.push((ptr.clone(), k));
        }
        collect_pointers(x, ptr, out);
    }
}

fn without(body: &Value, ptr: &str) -> Value {
    let mut b = body.clone();
    let (parent, key) = ptr.rsplit_once('/').unwrap();
    let key = key.replace("~1", "/").replace("~0", "~");
    if let Some(Value::Object(o)) = b.pointer_mut(parent) {
        o.remove(&key);
    }
    b
}

fn assert_no_findings(c: &Campaign, what: &str) {
    assert!(c.sent > 0, "{what}: nothing was sent");
    assert!(c.findings.is_empty(), "{what}: {} problems in {} requests:\n{}", c.findings.len(), c.sent, c.findings.join("\n"));
}

#[test]
fn every_body_route_has_an_entry_in_the_body_table() {
    let missing: Vec<String> = routes()
        .iter()
        .filter(|r| takes_body(r) && bodies::takes(r.method, &r.path).is_none())
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(missing.is_empty(), "routes with no body entry in tests/bad_input/bodies.rs:\n{}", missing.join("\n"));
    assert!(routes().len() > 300, "the route table looks truncated: {} routes", routes().len());
}

#[tokio::test]
async fn garbage_bodies_on_every_body_route_are_refused_and_change_nothing() {
    let mut c = Campaign::start().await;
    for r in routes().iter().filter(|r| takes_body(r)) {
        let Some(takes) = bodies::takes(r.method, &r.path) else { continue };
        let (expect, mv) = match &takes {
            Takes::Json(s) => (Expect::Rejected, s.microversion),
            Takes::Opaque { garbage_rejected: true } => (Expect::Rejected, None),
            Takes::Opaque { .. } => (Expect::NoServerError, None),
            Takes::Nothing { microversion } => (Expect::NoServerError, *microversion),
        };
        for ids in [Ids::Nobody, Ids::Real] {
            let path = c.path(&r.path, ids).await;
            for (what, body) in garbage() {
                // A JSON Patch document is a list, so `[]` is a valid (empty) one there.
                let patch = matches!(&takes, Takes::Json(s) if s.body.is_array());
                // No body at all is an empty document, which some creates accept.
                let empty_ok = matches!(&takes, Takes::Json(s) if s.empty_ok) && body.is_empty();
                let expect = if (patch && body == b"[]") || empty_ok { Expect::NoServerError } else { expect };
                c.probe(r.method, &path, Some(body), mv, &what, expect).await;
            }
        }
    }
    assert_no_findings(&c, "garbage bodies");
}

#[tokio::test]
async fn mutated_valid_bodies_are_refused_when_wrong_and_never_break_a_route() {
    let mut c = Campaign::start().await;
    for r in routes().iter().filter(|r| takes_body(r)) {
        let Some(Takes::Json(spec)) = bodies::takes(r.method, &r.path) else { continue };
        let path = c.path(&r.path, Ids::Real).await;
        for (what, body, expect) in mutations(&spec) {
            let body = c.fill(&body, &path).await;
            c.probe(r.method, &path, Some(body.to_string().into_bytes()), spec.microversion, &what, expect).await;
        }
    }
    assert_no_findings(&c, "mutated bodies");
}

#[tokio::test]
async fn bad_path_parameters_on_every_route_are_refused_cleanly() {
    let mut c = Campaign::start().await;
    // `%FF` decodes to a byte that is not UTF-8: the path extractor's refusal, in the service's format.
    let bad = ["not-a-uuid", "%E2%98%83", "%FF", "%00", "..%2F..%2Fetc", "-1", "99999999999999999999999"];
    let long = "x".repeat(5_000);
    for r in routes().iter().filter(|r| r.path.contains('{') && !r.path.starts_with("/_fakecloud/restore")) {
        let real = c.path(&r.path, Ids::Real).await;
        let params: Vec<usize> = r.path.split('/').enumerate().filter(|(_, s)| s.starts_with('{')).map(|(i, _)| i).collect();
        for i in params {
            for value in bad.iter().copied().chain([long.as_str()]) {
                let mut segs: Vec<&str> = real.split('/').collect();
                segs[i] = value;
                let path = segs.join("/");
                let body = takes_body(r).then(|| b"{}".to_vec());
                c.probe(r.method, &path, body, None, &format!("path parameter {value:.12}"), Expect::NoServerError).await;
            }
        }
    }
    assert_no_findings(&c, "bad path parameters");
}

#[tokio::test]
async fn odd_query_strings_on_every_read_route_never_break_it() {
    let mut c = Campaign::start().await;
    let queries = [
        "?name=%FF%FE",
        "?limit=-1&marker=%E2%98%83",
        "?limit=99999999999999999999",
        "?limit=abc",
        "?name=",
        "?a=1&a=2&a=3",
        "?bi_unknown_param=1",
        "?sort_key=nope&sort_dir=sideways",
        "?changes-since=yesterday",
        "?all_tenants=maybe",
        "?fields=%00",
    ];
    for r in routes().iter().filter(|r| r.method == "GET") {
        for ids in [Ids::Real, Ids::Nobody] {
            let path = c.path(&r.path, ids).await;
            for q in queries {
                c.probe("GET", &format!("{path}{q}"), None, None, q, Expect::NoServerError).await;
            }
        }
    }
    assert_no_findings(&c, "odd query strings");
}

#[tokio::test]
async fn methods_a_route_does_not_have_are_405_in_the_services_format() {
    let mut c = Campaign::start().await;
    let table = routes();
    let mut paths: Vec<&str> = table.iter().map(|r| r.path.as_str()).collect();
    paths.dedup();
    for template in paths {
        let path = c.path(template, Ids::Real).await;
        for other in ["GET", "POST", "PUT", "PATCH", "DELETE", "PROPFIND"] {
            if table.iter().any(|r| r.path == template && r.method == other) {
                continue;
            }
            let before = c.findings.len();
            let Some(reply) = c.send(other, &path, Some(b"{}".to_vec()), None).await else { continue };
            if reply.status != 405 || !native_error(&path, 405, &reply.body) {
                c.findings.insert(before, format!("{other} {path}: {} {}", reply.status, clip(&reply.text)));
            }
        }
    }
    let now = c.c.state_without_journal();
    assert_eq!(now, c.baseline, "a 405 changed the world");
    assert_no_findings(&c, "unknown methods");
}

#[tokio::test]
async fn oversized_bodies_are_413_on_every_route() {
    let mut c = Campaign::start().await;
    let huge = vec![b' '; (1 << 20) + 1];
    // A snapshot of a large world is over 1 MiB, so restore takes bigger bodies (and refuses
    // this one as a corrupt snapshot, which the garbage test covers).
    for r in routes().iter().filter(|r| r.method != "HEAD" && r.path != "/_fakecloud/restore") {
        let path = c.path(&r.path, Ids::Real).await;
        let Some(reply) = c.send(r.method, &path, Some(huge.clone()), None).await else { continue };
        if reply.status != 413 || !native_error(&path, 413, &reply.body) {
            c.findings.push(format!("{} {path}: {} {}", r.method, reply.status, clip(&reply.text)));
        }
    }
    assert_eq!(c.c.state_without_journal(), c.baseline, "a 413 changed the world");
    assert_no_findings(&c, "oversized bodies");
}

#[tokio::test]
async fn tokens_that_are_not_tokens_get_401_everywhere() {
    let c = TestCloud::start().await;
    let long = "g".repeat(10_000);
    // Every route behind keystonemiddleware; the version documents and token issue need no token.
    let public = |r: &Route| {
        r.path.starts_with("/_fakecloud")
            || r.path.starts_with("/dashboard") // Horizon's pages, not behind keystonemiddleware
            || r.path.trim_end_matches('/').matches('/').count() <= 2
            || r.method == "POST" && r.path == "/identity/v3/auth/tokens"
    };
    for r in routes().iter().filter(|r| !public(r)) {
        let path = r.path.replace(|ch| ch == '{' || ch == '}', "");
        for token in ["", "☃", long.as_str(), "gAAAAAB-not-a-fernet-token"] {
            let m = Method::from_bytes(r.method.as_bytes()).unwrap();
            let Ok(resp) = c.http.request(m, c.url(&path)).header("X-Auth-Token", token).send().await else {
                continue; // reqwest refuses some header values itself: nothing reached the cloud
            };
            let status = resp.status().as_u16();
            assert_eq!(status, 401, "{} {path} with token {token:.12}", r.method);
        }
    }
}

/// Limits upstream's schemas set that a generic mutation does not know: 255 characters for
/// Octavia's names and descriptions and for Magnum's `discovery_url`, and the shape of Nova's
/// `block_device_mapping_v2` items. Each must be refused in the service's own format with the
/// world unchanged.
#[tokio::test]
async fn upstream_schema_limits_are_refused_in_the_services_format() {
    let mut c = Campaign::start().await;
    let long = "n".repeat(256);
    let server =
        |bdm: Value| json!({"server": {"name": "bi-bdm", "imageRef": "$image", "flavorRef": "$flavor", "block_device_mapping_v2": bdm}});
    let cases: Vec<(&str, &str, Value, String)> = vec![
        (
            "POST",
            "/load-balancer/v2/lbaas/loadbalancers",
            json!({"loadbalancer": {"vip_subnet_id": "$subnet", "name": long}}),
            "LB name".into(),
        ),
        (
            "POST",
            "/load-balancer/v2/lbaas/loadbalancers",
            json!({"loadbalancer": {"vip_subnet_id": "$subnet", "description": long}}),
            "LB description".into(),
        ),
        ("PUT", "/load-balancer/v2/lbaas/loadbalancers/{loadbalancer_id}", json!({"loadbalancer": {"name": long}}), "LB rename".into()),
        (
            "PUT",
            "/load-balancer/v2/lbaas/listeners/{listener_id}",
            json!({"listener": {"description": long}}),
            "listener description".into(),
        ),
        ("PUT", "/load-balancer/v2/lbaas/pools/{pool_id}", json!({"pool": {"name": long}}), "pool name".into()),
        (
            "POST",
            "/container-infra/v1/clusters",
            json!({"name": "bi-cluster", "cluster_template_id": "$template", "discovery_url": long}),
            "discovery_url".into(),
        ),
        ("POST", "/compute/v2.1/servers", server(json!([{"source_type": "floppy", "uuid": "$image"}])), "bdm source_type".into()),
        (
            "POST",
            "/compute/v2.1/servers",
            server(json!([{"boot_index": "first", "source_type": "image", "uuid": "$image"}])),
            "bdm boot_index".into(),
        ),
        (
            "POST",
            "/compute/v2.1/servers",
            server(json!([{"source_type": "image", "uuid": "$image", "colour": "red"}])),
            "bdm unknown key".into(),
        ),
        ("POST", "/compute/v2.1/servers", server(json!({"source_type": "image"})), "bdm not a list".into()),
        (
            "POST",
            "/compute/v2.1/servers",
            server(json!([{"source_type": "blank", "destination_type": "local", "volume_size": "-3"}])),
            "bdm volume_size".into(),
        ),
    ];
    for (method, template, body, what) in cases {
        let path = c.path(template, Ids::Real).await;
        let body = c.fill(&body, &path).await;
        let before = c.sent;
        c.probe(method, &path, Some(serde_json::to_vec(&body).unwrap()), None, &what, Expect::Rejected).await;
        assert_eq!(c.sent, before + 1, "{what}: not sent");
    }
    assert_no_findings(&c, "upstream schema limits");
}
