//! Placement (placement/policies): admin_or_service_api, GET /usages also project readers.

use crate::Hidden::Forbidden as H403;
use crate::Rule::*;
use crate::{req, row, Row};
use serde_json::json;

pub fn rows() -> Vec<Row> {
    vec![
        row("GET", "/placement", Public, "version discovery (unauthenticated)", |_, _| req().placement()),
        row("GET", "/placement/resource_providers", Admin, "placement:resource_providers:list", |_, _| req().placement()),
        row("POST", "/placement/resource_providers", Admin, "placement:resource_providers:create", |_, _| {
            req().placement().json(json!({"name": "pm-rp-new"}))
        }),
        row("GET", "/placement/resource_providers/{uuid}", Admin, "placement:resource_providers:show", |x, _| {
            req().placement().p("uuid", &x.rp)
        }),
        row("PUT", "/placement/resource_providers/{uuid}", Admin, "placement:resource_providers:update", |x, _| {
            req().placement().p("uuid", &x.rp).json(json!({"name": "pm-rp-renamed"}))
        }),
        row("DELETE", "/placement/resource_providers/{uuid}", Admin, "placement:resource_providers:delete", |x, _| {
            req().placement().p("uuid", &x.rp_empty)
        }),
        row("GET", "/placement/resource_providers/{uuid}/inventories", Admin, "placement:resource_providers:inventories:list", |x, _| {
            req().placement().p("uuid", &x.rp)
        }),
        row("PUT", "/placement/resource_providers/{uuid}/inventories", Admin, "placement:resource_providers:inventories:update", |x, _| {
            req().placement().p("uuid", &x.rp).json(json!({"resource_provider_generation": x.rp_gen,
                "inventories": {"VCPU": {"total": 16}, "MEMORY_MB": {"total": 4096}}}))
        }),
        row(
            "POST",
            "/placement/resource_providers/{uuid}/inventories",
            Admin,
            "placement:resource_providers:inventories:create",
            |x, _| req().placement().p("uuid", &x.rp).json(json!({"resource_class": "DISK_GB", "total": 10})),
        ),
        row(
            "DELETE",
            "/placement/resource_providers/{uuid}/inventories",
            Admin,
            "placement:resource_providers:inventories:delete",
            |x, _| req().placement().p("uuid", &x.rp_empty),
        ),
        row(
            "GET",
            "/placement/resource_providers/{uuid}/inventories/{rc}",
            Admin,
            "placement:resource_providers:inventories:show",
            |x, _| req().placement().p("uuid", &x.rp).p("rc", "VCPU"),
        ),
        row(
            "PUT",
            "/placement/resource_providers/{uuid}/inventories/{rc}",
            Admin,
            "placement:resource_providers:inventories:update",
            |x, _| req().placement().p("uuid", &x.rp).p("rc", "VCPU").json(json!({"resource_provider_generation": x.rp_gen, "total": 16})),
        ),
        row(
            "DELETE",
            "/placement/resource_providers/{uuid}/inventories/{rc}",
            Admin,
            "placement:resource_providers:inventories:delete",
            |x, _| req().placement().p("uuid", &x.rp).p("rc", "VCPU"),
        ),
        row("GET", "/placement/resource_providers/{uuid}/usages", Admin, "placement:resource_providers:usages", |x, _| {
            req().placement().p("uuid", &x.rp)
        }),
        row("GET", "/placement/resource_providers/{uuid}/allocations", Admin, "placement:resource_providers:allocations:list", |x, _| {
            req().placement().p("uuid", &x.rp)
        }),
        row("GET", "/placement/resource_providers/{uuid}/traits", Admin, "placement:resource_providers:traits:list", |x, _| {
            req().placement().p("uuid", &x.rp)
        }),
        row("PUT", "/placement/resource_providers/{uuid}/traits", Admin, "placement:resource_providers:traits:update", |x, _| {
            req().placement().p("uuid", &x.rp).json(json!({"resource_provider_generation": x.rp_gen, "traits": ["CUSTOM_PM_TRAIT"]}))
        }),
        row("DELETE", "/placement/resource_providers/{uuid}/traits", Admin, "placement:resource_providers:traits:delete", |x, _| {
            req().placement().p("uuid", &x.rp)
        }),
        row("GET", "/placement/resource_providers/{uuid}/aggregates", Admin, "placement:resource_providers:aggregates:list", |x, _| {
            req().placement().p("uuid", &x.rp)
        }),
        row("PUT", "/placement/resource_providers/{uuid}/aggregates", Admin, "placement:resource_providers:aggregates:update", |x, _| {
            req().placement().p("uuid", &x.rp).json(json!({"resource_provider_generation": x.rp_gen,
                "aggregates": ["7b1b3c0e-58a8-4a6e-9a0a-6a1c2f6f0a01"]}))
        }),
        row("GET", "/placement/resource_classes", Admin, "placement:resource_classes:list", |_, _| req().placement()),
        row("POST", "/placement/resource_classes", Admin, "placement:resource_classes:create", |_, _| {
            req().placement().json(json!({"name": "CUSTOM_PM_NEW"}))
        }),
        row("GET", "/placement/resource_classes/{name}", Admin, "placement:resource_classes:show", |_, _| {
            req().placement().p("name", "CUSTOM_PM")
        }),
        row("PUT", "/placement/resource_classes/{name}", Admin, "placement:resource_classes:update", |_, _| {
            req().placement().p("name", "CUSTOM_PM")
        }),
        row("DELETE", "/placement/resource_classes/{name}", Admin, "placement:resource_classes:delete", |_, _| {
            req().placement().p("name", "CUSTOM_PM")
        }),
        row("GET", "/placement/traits", Admin, "placement:traits:list", |_, _| req().placement()),
        row("GET", "/placement/traits/{name}", Admin, "placement:traits:show", |_, _| req().placement().p("name", "CUSTOM_PM_TRAIT")),
        row("PUT", "/placement/traits/{name}", Admin, "placement:traits:update", |_, _| req().placement().p("name", "CUSTOM_PM_TRAIT")),
        row("DELETE", "/placement/traits/{name}", Admin, "placement:traits:delete", |_, _| req().placement().p("name", "CUSTOM_PM_TRAIT")),
        row("POST", "/placement/allocations", Admin, "placement:allocations:manage", |x, _| {
            req().placement().json(json!({"5c1e5b8a-3f0e-4a53-9a43-0d1d8f1f2a02": {
                "allocations": {x.rp.as_str(): {"resources": {"MEMORY_MB": 256}}},
                "project_id": x.demo_p, "user_id": x.demo_u, "consumer_generation": null, "consumer_type": "INSTANCE"}}))
        }),
        row("GET", "/placement/allocations/{consumer}", Admin, "placement:allocations:list", |x, _| {
            req().placement().p("consumer", &x.consumer)
        }),
        row("PUT", "/placement/allocations/{consumer}", Admin, "placement:allocations:update", |x, _| {
            req().placement().p("consumer", &x.consumer).json(json!({
                "allocations": {x.rp.as_str(): {"resources": {"MEMORY_MB": 1024}}},
                "project_id": x.demo_p, "user_id": x.demo_u, "consumer_generation": x.consumer_gen, "consumer_type": "INSTANCE"}))
        }),
        row("DELETE", "/placement/allocations/{consumer}", Admin, "placement:allocations:delete", |x, _| {
            req().placement().p("consumer", &x.consumer)
        }),
        row("GET", "/placement/allocation_candidates", Admin, "placement:allocation_candidates:list", |_, _| {
            req().placement().q("resources=VCPU:1")
        }),
        // admin_or_project_reader_or_service_api, the target being the queried project.
        row("GET", "/placement/usages", ProjectReader(H403), "placement:usages", |x, _| {
            req().placement().q(format!("project_id={}", x.demo_p))
        }),
    ]
}
