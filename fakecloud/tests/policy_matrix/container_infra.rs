//! Magnum (magnum/common/policies), on capi-mgmt's cluster and a private template.

use crate::Hidden::NotFound as H404;
use crate::Rule::*;
use crate::{capi, req, row, Row};
use serde_json::json;

pub fn rows() -> Vec<Row> {
    vec![
        row("GET", "/container-infra", Public, "version discovery (unauthenticated)", |_, _| req()),
        capi(row("GET", "/container-infra/v1", Public, "version discovery (unauthenticated)", |_, _| req().magnum())),
        capi(row("GET", "/container-infra/v1/clustertemplates", OwnProjectReader, "clustertemplate:get_all", |_, _| req().magnum())),
        capi(row("POST", "/container-infra/v1/clustertemplates", OwnProjectMember, "clustertemplate:create", |_, _| {
            req().magnum().json(json!({"name": "pm-new", "coe": "kubernetes", "image_id": "ubuntu-2204-kube-v1.28.5"}))
        })),
        capi(row("GET", "/container-infra/v1/clustertemplates/detail", OwnProjectReader, "clustertemplate:detail", |_, _| req().magnum())),
        capi(row("GET", "/container-infra/v1/clustertemplates/{id}", ProjectReader(H404), "clustertemplate:get", |x, _| {
            req().magnum().p("id", &x.template)
        })),
        capi(row("DELETE", "/container-infra/v1/clustertemplates/{id}", ProjectMember(H404), "clustertemplate:delete", |x, _| {
            req().magnum().p("id", &x.template)
        })),
        capi(row("GET", "/container-infra/v1/clusters", OwnProjectReader, "cluster:get_all", |_, _| req().magnum())),
        capi(row("POST", "/container-infra/v1/clusters", OwnProjectMember, "cluster:create", |x, _| {
            req().magnum().json(json!({"name": "pm-new", "cluster_template_id": x.template_pub, "master_count": 1, "node_count": 1}))
        })),
        capi(row("GET", "/container-infra/v1/clusters/detail", OwnProjectReader, "cluster:detail", |_, _| req().magnum())),
        capi(row("GET", "/container-infra/v1/clusters/{id}", ProjectReader(H404), "cluster:get", |x, _| {
            req().magnum().p("id", &x.cluster)
        })),
        capi(row("PATCH", "/container-infra/v1/clusters/{id}", ProjectMember(H404), "cluster:update", |x, _| {
            req().magnum().p("id", &x.cluster).json(json!([{"op": "replace", "path": "/node_count", "value": 1}]))
        })),
        capi(row("DELETE", "/container-infra/v1/clusters/{id}", ProjectMember(H404), "cluster:delete", |x, _| {
            req().magnum().p("id", &x.cluster)
        })),
        capi(row("POST", "/container-infra/v1/clusters/{id}/actions/resize", ProjectMember(H404), "cluster:resize", |x, _| {
            req().magnum().p("id", &x.cluster).json(json!({"node_count": 1}))
        })),
        capi(row("GET", "/container-infra/v1/clusters/{id}/nodegroups", ProjectReader(H404), "nodegroup:get_all", |x, _| {
            req().magnum().p("id", &x.cluster)
        })),
        capi(row("POST", "/container-infra/v1/clusters/{id}/nodegroups", ProjectMember(H404), "nodegroup:create", |x, _| {
            req().magnum().p("id", &x.cluster).json(json!({"name": "pm-ng-2", "node_count": 1}))
        })),
        capi(row("GET", "/container-infra/v1/clusters/{id}/nodegroups/{ng}", ProjectReader(H404), "nodegroup:get", |x, _| {
            req().magnum().p("id", &x.cluster).p("ng", &x.nodegroup)
        })),
        capi(row("DELETE", "/container-infra/v1/clusters/{id}/nodegroups/{ng}", ProjectMember(H404), "nodegroup:delete", |x, _| {
            req().magnum().p("id", &x.cluster).p("ng", &x.nodegroup)
        })),
    ]
}
