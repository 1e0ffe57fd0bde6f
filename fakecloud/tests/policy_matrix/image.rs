//! Glance (glance/policies/image.py).

use crate::Hidden::NotFound as H404;
use crate::Rule::*;
use crate::{req, row, Row};
use serde_json::json;

pub fn rows() -> Vec<Row> {
    vec![
        row("GET", "/image", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/image/versions", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/image/v2/images", OwnProjectReader, "get_images", |_, _| req()),
        row("POST", "/image/v2/images", OwnProjectMember, "add_image", |_, _| {
            req().json(json!({"name": "pm-new", "disk_format": "qcow2", "container_format": "bare"}))
        }),
        row("GET", "/image/v2/images/{id}", ProjectReader(H404), "get_image", |x, _| req().p("id", &x.image)),
        row("DELETE", "/image/v2/images/{id}", ProjectMember(H404), "delete_image", |x, _| req().p("id", &x.image)),
        row("PUT", "/image/v2/images/{id}/file", ProjectMember(H404), "upload_image", |x, _| {
            req().p("id", &x.image).raw(b"not really an image").h("content-type", "application/octet-stream")
        }),
        // Nova's image proxy (before 2.36), with Glance's policy underneath.
        row("GET", "/compute/v2.1/images", OwnProjectReader, "get_images", |_, _| req()),
        row("GET", "/compute/v2.1/images/detail", OwnProjectReader, "get_images", |_, _| req()),
        row("GET", "/compute/v2.1/images/{id}", ProjectReader(H404), "get_image", |x, _| req().p("id", &x.image)),
        row("DELETE", "/compute/v2.1/images/{id}", ProjectMember(H404), "delete_image", |x, _| req().p("id", &x.image)),
        row("GET", "/compute/v2.1/images/{id}/metadata", ProjectReader(H404), "get_image", |x, _| req().p("id", &x.image)),
        row("POST", "/compute/v2.1/images/{id}/metadata", ProjectMember(H404), "modify_image", |x, _| {
            req().p("id", &x.image).json(json!({"metadata": {"pm_more": "2"}}))
        }),
        row("PUT", "/compute/v2.1/images/{id}/metadata", ProjectMember(H404), "modify_image", |x, _| {
            req().p("id", &x.image).json(json!({"metadata": {"pm_prop": "3"}}))
        }),
        row("GET", "/compute/v2.1/images/{id}/metadata/{key}", ProjectReader(H404), "get_image", |x, _| {
            req().p("id", &x.image).p("key", "pm_prop")
        }),
        row("PUT", "/compute/v2.1/images/{id}/metadata/{key}", ProjectMember(H404), "modify_image", |x, _| {
            req().p("id", &x.image).p("key", "pm_prop").json(json!({"meta": {"pm_prop": "4"}}))
        }),
        row("DELETE", "/compute/v2.1/images/{id}/metadata/{key}", ProjectMember(H404), "modify_image", |x, _| {
            req().p("id", &x.image).p("key", "pm_prop")
        }),
    ]
}
