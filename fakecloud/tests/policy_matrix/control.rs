//! The control API and the dashboard's pages: no token, for anyone.

use crate::Rule::*;
use crate::{req, row, Row};
use serde_json::json;

pub fn rows() -> Vec<Row> {
    vec![
        row("GET", "/_fakecloud/health", Control, "control", |_, _| req()),
        row("POST", "/_fakecloud/reset", Control, "control", |_, _| req()),
        row("GET", "/_fakecloud/clock", Control, "control", |_, _| req()),
        row("PUT", "/_fakecloud/clock", Control, "control", |_, _| req().json(json!({"mode": "manual"}))),
        row("POST", "/_fakecloud/clock/advance", Control, "control", |_, _| req().json(json!({"by": "1s"}))),
        row("GET", "/_fakecloud/faults", Control, "control", |_, _| req()),
        row("POST", "/_fakecloud/faults", Control, "control", |_, _| {
            req().json(json!({"kind": "api-error", "status": 503, "match": {"path": "/nowhere/pm"}}))
        }),
        row("DELETE", "/_fakecloud/faults/{id}", Control, "control", |x, _| req().p("id", &x.fault)),
        row("GET", "/_fakecloud/journal", Control, "control", |_, _| req()),
        row("GET", "/_fakecloud/logs/{component}", Control, "control", |_, _| req().p("component", "octavia-worker")),
        row("GET", "/_fakecloud/capi", Control, "control", |_, _| req()),
        row("GET", "/_fakecloud/loadbalancers/{id}/availability", Control, "control", |_, _| {
            req().p("id", "k8s-clusterapi-cluster-default-kube-kubeapi")
        }),
        row("POST", "/_fakecloud/shell", Control, "control", |_, _| req().json(json!({"argv": ["docker", "ps"]}))),
        row("GET", "/_fakecloud/snapshot", Control, "control", |_, _| req()),
        row("POST", "/_fakecloud/restore", Control, "control", |x, _| req().raw(&x.snapshot).h("content-type", "application/json")),
        // Horizon's pages behind HAProxy: no token, as a browser reaches them.
        row("GET", "/dashboard", Public, "dashboard", |_, _| req()),
        row("GET", "/dashboard/auth/login", Public, "dashboard", |_, _| req()),
    ]
}
