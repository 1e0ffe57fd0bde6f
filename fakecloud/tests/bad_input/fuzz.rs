//! The property test over the request handlers: random JSON documents (shaped like the route's own
//! body often enough to get past the first check) sent to random body-taking routes. Whatever the
//! document, the answer is below 500, a refusal is in the service's format and changes nothing.
//! `FUZZ_CASES` sets the number of cases (default 600); failures shrink to a minimal document.

use super::{bodies, routes, takes_body, Campaign, Expect, Ids};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Map, Value};
use std::cell::RefCell;

/// Field names the services know, so that random documents often hit real validation paths.
const KNOWN_FIELDS: &[&str] = &[
    "name",
    "description",
    "size",
    "flavorRef",
    "imageRef",
    "networks",
    "network_id",
    "subnet_id",
    "cidr",
    "ip_version",
    "port_id",
    "fixed_ips",
    "admin_state_up",
    "loadbalancer_id",
    "listener_id",
    "pool_id",
    "protocol",
    "protocol_port",
    "lb_algorithm",
    "address",
    "weight",
    "delay",
    "timeout",
    "max_retries",
    "type",
    "vip_subnet_id",
    "node_count",
    "cluster_template_id",
    "total",
    "reserved",
    "resource_provider_generation",
    "inventories",
    "allocations",
    "resources",
    "traits",
    "kind",
    "match",
    "count",
    "by",
    "mode",
    "argv",
    "node",
    "policies",
    "status",
    "tags",
    "quota",
    "op",
    "path",
    "value",
    "auth",
    "identity",
    "methods",
    "password",
    "user",
    "scope",
    "project",
    "domain",
    "id",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("JSON has no NaN or infinity", |f| f.is_finite()).prop_map(Value::from),
        "\\PC{0,24}".prop_map(Value::String),
        Just(Value::String("00000000-0000-4000-8000-000000000000".into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6).prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![3 => prop::sample::select(KNOWN_FIELDS).prop_map(str::to_string), 1 => "\\PC{0,12}"]
}

#[test]
fn random_documents_on_random_body_routes_never_break_a_handler() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let body_routes: Vec<_> = routes().into_iter().filter(|r| takes_body(r) && !r.path.starts_with("/_fakecloud/re")).collect();
    let campaign = RefCell::new(rt.block_on(Campaign::start()));
    // Concrete paths once, with real ids: the documents, not the ids, are what varies.
    let paths: Vec<String> = body_routes.iter().map(|r| rt.block_on(campaign.borrow().path(&r.path, Ids::Real))).collect();
    let cases = std::env::var("FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(600);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let strategy = (0..body_routes.len(), json_value(), any::<bool>());
    runner
        .run(&strategy, |(i, doc, wrap)| {
            let r = &body_routes[i];
            // Often wrap the document in the route's own top-level key, as `{"server": doc}`.
            let doc = match bodies::takes(r.method, &r.path) {
                Some(bodies::Takes::Json(spec)) if wrap => match spec.body.as_object().and_then(|o| o.keys().next()) {
                    Some(k) => serde_json::json!({ k.as_str(): doc }),
                    None => doc,
                },
                _ => doc,
            };
            let mut c = campaign.borrow_mut();
            let before = c.findings.len();
            let mv = match bodies::takes(r.method, &r.path) {
                Some(bodies::Takes::Json(spec)) => spec.microversion,
                Some(bodies::Takes::Nothing { microversion }) => microversion,
                _ => None,
            };
            rt.block_on(c.probe(r.method, &paths[i], Some(doc.to_string().into_bytes()), mv, &doc.to_string(), Expect::NoServerError));
            if c.findings.len() > before {
                let found = c.findings.split_off(before).join("\n");
                return Err(TestCaseError::fail(found));
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(campaign.borrow().sent >= cases as usize, "fewer requests than cases");
}
