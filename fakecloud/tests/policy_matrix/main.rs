//! The policy matrix: every route the router serves, called by six callers (admin, a member of
//! the project that owns the resource, a member of another project, a reader of the owning
//! project, no token, an expired token), each answer checked against the upstream policy default
//! for that route (secure RBAC, new defaults and scope enforced, as `policy.rs` models them); and
//! cross-project isolation for every resource type.
//!
//! The table is checked against `fakecloud::services::route_table()` both ways, so a new route without
//! a row (or a row for a route that went away) fails here.

#[path = "../common/mod.rs"]
mod common;
mod setup;

mod compute;
mod container_infra;
mod control;
mod identity;
mod identity_admin;
mod identity_self;
mod image;
mod isolation;
mod load_balancer;
mod network;
mod placement;
mod volume;

use common::reply;
use fakecloud::http::service::Service;
use reqwest::Method;
use serde_json::Value;
use setup::{call, setup, Ctx};
use std::collections::BTreeSet;

// ---- who calls, and what they should get ----

/// The six callers of every row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    /// `admin` with its admin-project token (the legacy cloud admin).
    Admin,
    /// A member of the project owning the row's resource (`demo`, or `cm_member` for capi-mgmt).
    Owner,
    /// A member of another project (`alt_demo`).
    Other,
    /// A reader, and only a reader, of the owning project (`observer`, or `cm_reader`).
    Reader,
    NoToken,
    /// A token that was valid once: issued before the clock moved past its lifetime.
    Expired,
}

const CALLERS: [Who; 6] = [Who::NoToken, Who::Expired, Who::Other, Who::Reader, Who::Owner, Who::Admin];

/// The project owning a row's resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Owning {
    /// `demo` (fixture servers, volumes, networks, and what setup makes there).
    Demo,
    /// `capi-mgmt` (the fixture load balancer tree and the Magnum cluster and templates).
    Capi,
}

/// How a service refuses another project's resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hidden {
    /// As if it did not exist (Nova, Neutron, Cinder, Glance, Magnum).
    NotFound,
    /// With the policy's 403 (Octavia checks the object's project; Keystone's project targets).
    Forbidden,
}

/// A route's rule, in upstream terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    /// No token needed: version documents and token issue.
    Public,
    /// fakecloud's control API (`/_fakecloud`): the harness's door, which takes no token at all.
    Control,
    /// Any valid token (`@` or an empty check string).
    AnyToken,
    /// `role:admin` (a system reader would also pass some of these; no caller here is one).
    Admin,
    /// Reader on the token's own project: lists (which show the caller only its own project's).
    OwnProjectReader,
    /// Member on the token's own project: creates, which land in the caller's project.
    OwnProjectMember,
    /// Admin, or a reader of the resource's project.
    ProjectReader(Hidden),
    /// Admin, or a member of the resource's project.
    ProjectMember(Hidden),
    /// Admin, or the owning user itself (`user_id:%(target.user.id)s`).
    UserOrAdmin,
    /// No policy check (Keystone's `@unenforced_api`, the self-service password change): no token
    /// is needed, but a token sent must be valid.
    Unenforced,
    /// The owning user only, not even admin (`rule:owner`, a trustor, a system reader's rules).
    UserOnly,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Policy passed: 2xx/3xx, or a status the row names (a 409 that only a passed check reaches).
    Allowed,
    Unauthenticated,
    Forbidden,
    NotFound,
}

fn expected(rule: Rule, who: Who) -> Outcome {
    use Outcome::*;
    let hidden = |h: Hidden| if h == Hidden::NotFound { NotFound } else { Forbidden };
    match (rule, who) {
        (Rule::Public | Rule::Control, _) => Allowed,
        (Rule::Unenforced, Who::Expired) => Unauthenticated,
        (Rule::Unenforced, _) => Allowed,
        (_, Who::NoToken | Who::Expired) => Unauthenticated,
        (Rule::AnyToken | Rule::OwnProjectReader, _) => Allowed,
        (Rule::Admin, Who::Admin) => Allowed,
        (Rule::Admin, _) => Forbidden,
        (Rule::OwnProjectMember, Who::Reader) => Forbidden,
        (Rule::OwnProjectMember, _) => Allowed,
        (Rule::ProjectReader(h), Who::Other) => hidden(h),
        (Rule::ProjectReader(_), _) => Allowed,
        (Rule::ProjectMember(h), Who::Other) => hidden(h),
        (Rule::ProjectMember(_), Who::Reader) => Forbidden,
        (Rule::ProjectMember(_), _) => Allowed,
        (Rule::UserOrAdmin, Who::Admin | Who::Owner) => Allowed,
        (Rule::UserOrAdmin, _) => Forbidden,
        (Rule::UserOnly, Who::Owner) => Allowed,
        (Rule::UserOnly, _) => Forbidden,
    }
}

// ---- the concrete request of a row ----

#[derive(Default)]
struct Req {
    params: Vec<(&'static str, String)>,
    query: String,
    json: Option<Value>,
    raw: Option<Vec<u8>>,
    headers: Vec<(&'static str, String)>,
    also_ok: Vec<u16>,
}

fn req() -> Req {
    Req::default()
}

impl Req {
    /// A path parameter.
    fn p(mut self, name: &'static str, value: &str) -> Self {
        self.params.push((name, value.to_string()));
        self
    }
    fn q(mut self, query: impl Into<String>) -> Self {
        self.query = query.into();
        self
    }
    fn json(mut self, body: Value) -> Self {
        self.json = Some(body);
        self
    }
    fn raw(mut self, body: &[u8]) -> Self {
        self.raw = Some(body.to_vec());
        self
    }
    fn h(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
    /// A non-2xx status that still shows the policy check passed (it is only reached after it).
    fn also(mut self, status: u16) -> Self {
        self.also_ok.push(status);
        self
    }
    fn nova(self, version: &str) -> Self {
        self.h("x-openstack-nova-api-version", version)
    }
    fn placement(self) -> Self {
        self.h("openstack-api-version", "placement 1.39")
    }
    fn magnum(self) -> Self {
        self.h("openstack-api-version", "container-infra 1.10")
    }
}

type Build = fn(&Ctx, Who) -> Req;

/// One row of the table.
struct Row {
    method: &'static str,
    path: String,
    rule: Rule,
    /// The upstream policy action (or what guards the route) the row follows.
    action: &'static str,
    owning: Owning,
    build: Build,
}

fn row(method: &'static str, path: &str, rule: Rule, action: &'static str, build: Build) -> Row {
    Row { method, path: path.to_string(), rule, action, owning: Owning::Demo, build }
}

fn capi(mut r: Row) -> Row {
    r.owning = Owning::Capi;
    r
}

// ---- the table ----

/// Every route's row: one module per service, in the router's order.
fn table() -> Vec<Row> {
    let mut t: Vec<Row> = [
        identity::rows(),
        identity_admin::rows(),
        identity_self::rows(),
        compute::rows(),
        placement::rows(),
        network::rows(),
        image::rows(),
        volume::rows(),
        load_balancer::root(),
        container_infra::rows(),
        control::rows(),
    ]
    .into_iter()
    .flatten()
    .collect();
    t.extend(network::tags());
    // Octavia answers the same API under /v2 and /v2.0.
    for version in ["v2", "v2.0"] {
        t.extend(load_balancer::rows().into_iter().map(|mut r| {
            r.path = r.path.replacen("/load-balancer/V/", &format!("/load-balancer/{version}/"), 1);
            r
        }));
    }
    t
}

// ---- the table against the router ----

fn route_set() -> BTreeSet<(String, String)> {
    fakecloud::services::route_table().into_iter().map(|r| (r.method.to_string(), r.path)).collect()
}

/// The differences between the table and the router, both ways (empty when they agree).
fn table_vs_router(rows: &[Row]) -> Vec<String> {
    let routes = route_set();
    let mut seen = BTreeSet::new();
    let mut problems = vec![];
    for r in rows {
        let key = (r.method.to_string(), r.path.clone());
        if !seen.insert(key.clone()) {
            problems.push(format!("the table has {} {} twice", r.method, r.path));
        }
        if !routes.contains(&key) {
            problems.push(format!("the table has {} {}, which the router does not serve", r.method, r.path));
        }
    }
    for (m, p) in routes.difference(&seen) {
        problems.push(format!("the router serves {m} {p}, which has no row in the policy table"));
    }
    problems
}

#[test]
fn the_table_has_exactly_one_row_per_route() {
    let rows = table();
    let problems = table_vs_router(&rows);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(rows.len(), fakecloud::services::route_table().len());
}

#[test]
fn the_router_comparison_notices_a_missing_or_extra_row() {
    let mut rows = table();
    let dropped = rows.pop().expect("rows");
    rows.push(row("GET", "/compute/v2.1/os-nothing", Rule::Admin, "none", |_, _| req()));
    let problems = table_vs_router(&rows);
    assert!(problems.iter().any(|p| p.contains(&format!("serves {} {}", dropped.method, dropped.path))), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("/compute/v2.1/os-nothing")), "{problems:?}");
}

/// The rules alone, without a cloud.
mod rules {
    use super::{expected, Hidden, Outcome, Rule, CALLERS};
    use rstest::rstest;
    use Outcome::*;

    /// Each rule's answers, in the order of `CALLERS`: no token, expired, other project, reader, owner,
    /// admin.
    #[rstest]
    #[case::public(Rule::Public, [Allowed; 6])]
    #[case::any_token(Rule::AnyToken, [Unauthenticated, Unauthenticated, Allowed, Allowed, Allowed, Allowed])]
    #[case::admin(Rule::Admin, [Unauthenticated, Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed])]
    #[case::own_project_member(Rule::OwnProjectMember, [Unauthenticated, Unauthenticated, Allowed, Forbidden, Allowed, Allowed])]
    #[case::project_reader_hidden(
        Rule::ProjectReader(Hidden::NotFound),
        [Unauthenticated, Unauthenticated, NotFound, Allowed, Allowed, Allowed]
    )]
    #[case::project_member_forbidden(
        Rule::ProjectMember(Hidden::Forbidden),
        [Unauthenticated, Unauthenticated, Forbidden, Forbidden, Allowed, Allowed]
    )]
    #[case::user_or_admin(Rule::UserOrAdmin, [Unauthenticated, Unauthenticated, Forbidden, Forbidden, Allowed, Allowed])]
    #[case::unenforced(Rule::Unenforced, [Allowed, Unauthenticated, Allowed, Allowed, Allowed, Allowed])]
    fn every_rule_gives_each_caller_its_upstream_answer(#[case] rule: Rule, #[case] answers: [Outcome; 6]) {
        assert_eq!(CALLERS.map(|w| expected(rule, w)), answers);
    }
}

// ---- the matrix ----

fn concrete_path(row: &Row, r: &Req) -> String {
    let mut path = row.path.clone();
    for (k, v) in &r.params {
        let hole = format!("{{{k}}}");
        assert!(path.contains(&hole), "{} {}: no {{{k}}} in the path", row.method, row.path);
        path = path.replace(&hole, v);
    }
    assert!(!path.contains('{'), "{} {}: a path parameter is left unfilled: {path}", row.method, row.path);
    if !r.query.is_empty() {
        path = format!("{path}?{}", r.query);
    }
    path
}

/// Whether `body` has the top-level shape of `service`'s own error format.
fn in_service_format(service: Service, status: u16, body: &Value) -> bool {
    let want: BTreeSet<String> = service.error_body(status, "m").as_object().unwrap().keys().cloned().collect();
    let got: BTreeSet<String> = body.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
    want == got
}

/// What went wrong with one answer, if anything.
fn judge(row: &Row, who: Who, r: &Req, status: u16, body: &Value, text: &str) -> Option<String> {
    let want = expected(row.rule, who);
    let service =
        fakecloud::services::mounts().into_iter().map(|m| m.service).find(|s| s.serves(&row.path)).expect("every route is under a service");
    let head = row.method == "HEAD";
    let got = match status {
        // A status the row names as reached only past the policy check (a 404 from the service
        // behind a proxy, after the caller's own project passed).
        s if r.also_ok.contains(&s) => Outcome::Allowed,
        401 => Outcome::Unauthenticated,
        403 => Outcome::Forbidden,
        404 => Outcome::NotFound,
        s if (200..400).contains(&s) => Outcome::Allowed,
        s => return Some(format!("expected {want:?}, got {s}: {text}")),
    };
    if got != want {
        return Some(format!("expected {want:?}, got {status}: {text}"));
    }
    match got {
        // keystonemiddleware's 401 is Keystone-shaped for every service.
        Outcome::Unauthenticated if !head && !in_service_format(fakecloud::identity::SERVICE, 401, body) => {
            Some(format!("a 401 not in keystonemiddleware's format: {text}"))
        }
        Outcome::Forbidden | Outcome::NotFound if !head && !in_service_format(service, status, body) => {
            Some(format!("a {status} not in {service:?}'s format: {text}"))
        }
        // The refusal names the rule (Octavia's message never does).
        Outcome::Forbidden if !head && service != fakecloud::loadbalancer::SERVICE && !text.contains(row.action) => {
            Some(format!("the 403 does not name {}: {text}", row.action))
        }
        _ => None,
    }
}

#[tokio::test]
async fn every_route_answers_each_caller_as_the_upstream_default_policy_does() {
    let rows = table();
    let problems = table_vs_router(&rows);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let (c, x) = setup().await;
    let mut failures = vec![];
    let mut calls = 0;
    for row in &rows {
        for who in CALLERS {
            let r = (row.build)(&x, who);
            let path = concrete_path(row, &r);
            let mut rq = c.http.request(Method::from_bytes(row.method.as_bytes()).unwrap(), c.url(&path));
            if let Some(t) = x.token(who, row.owning) {
                rq = rq.header("x-auth-token", t);
            }
            for (k, v) in &r.headers {
                rq = rq.header(*k, v);
            }
            if let Some(b) = &r.json {
                rq = rq.json(b);
            } else if let Some(b) = &r.raw {
                rq = rq.body(b.clone());
            }
            let resp = reply(rq.send().await.unwrap()).await;
            calls += 1;
            if let Some(why) = judge(row, who, &r, resp.status, &resp.body, &resp.text) {
                let mut text = why;
                text.truncate(400);
                failures.push(format!("{} {} as {who:?} [{:?}, {}]: {text}", row.method, path, row.rule, row.action));
            }
            // Whatever a request changed is undone before the next one.
            if !matches!(row.method, "GET" | "HEAD") && !matches!(resp.status, 401 | 403 | 404) {
                c.running.cloud.restore(&x.snapshot).expect("the setup snapshot restores");
            }
        }
    }
    assert_eq!(calls, rows.len() * CALLERS.len());
    assert!(failures.is_empty(), "{} of {calls} answers differ from the upstream policy:\n{}", failures.len(), failures.join("\n"));
}

// ---- cross-project isolation ----

/// What another project's member gets from a resource type's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ListSees {
    /// 200, without the resource in it.
    NotIncluded,
    /// The list itself is refused (a child list under a parent the caller may not read).
    Refused(u16),
}

/// One resource type: where it is listed, shown, updated and deleted, and how another project is
/// refused. All paths are concrete.
struct Isolated {
    kind: &'static str,
    id: String,
    owning: Owning,
    headers: Vec<(&'static str, String)>,
    list: String,
    list_sees: ListSees,
    show: String,
    update: Option<(&'static str, String, Value)>,
    delete: String,
    refused: u16,
}

#[tokio::test]
async fn another_project_cannot_list_show_update_or_delete_any_resource_type() {
    let (c, x) = setup().await;
    let items = isolation::isolated(&x);
    let kinds: BTreeSet<&str> = items.iter().map(|i| i.kind).collect();
    assert_eq!(kinds.len(), 21, "every resource type once: {kinds:?}");
    let mut failures = vec![];
    for it in &items {
        let owner = if it.kind == "resource provider" { &x.t_admin } else { x.token(Who::Owner, it.owning).unwrap() };
        // The owner sees it first, so the refusals below are about who asks, not about absence.
        let before = call(&c, "GET", &it.show, Some(owner), &it.headers, None).await;
        if before.status != 200 {
            failures.push(format!("{}: its owner cannot show it: {} {}", it.kind, before.status, before.text));
            continue;
        }
        let list = call(&c, "GET", &it.list, Some(&x.t_alt), &it.headers, None).await;
        match it.list_sees {
            ListSees::NotIncluded if list.status != 200 || list.text.contains(&it.id) => {
                failures.push(format!("{}: another project's list ({}) has it or failed: {} {}", it.kind, it.list, list.status, list.text))
            }
            ListSees::Refused(code) if list.status != code => {
                failures.push(format!("{}: another project's list {} gave {}, not {code}: {}", it.kind, it.list, list.status, list.text))
            }
            _ => {}
        }
        let mut attempts = vec![("GET", it.show.clone(), None)];
        if let Some((m, p, b)) = &it.update {
            attempts.push((m, p.clone(), Some(b.clone())));
        }
        attempts.push(("DELETE", it.delete.clone(), None));
        for (method, path, body) in attempts {
            let r = call(&c, method, &path, Some(&x.t_alt), &it.headers, body).await;
            if r.status != it.refused {
                failures.push(format!("{}: another project's {method} {path} gave {}, not {}: {}", it.kind, r.status, it.refused, r.text));
            }
        }
        let after = call(&c, "GET", &it.show, Some(owner), &it.headers, None).await;
        if after.status != 200 || after.body != before.body {
            failures.push(format!("{}: changed by another project's attempts: {} {}", it.kind, after.status, after.text));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
