//! Cinder (cinder/policies); the URL's project is the token's, as the catalog gives it.

use crate::Hidden::NotFound as H404;
use crate::Rule::*;
use crate::{req, row, Row};
use serde_json::json;

pub fn rows() -> Vec<Row> {
    vec![
        row("GET", "/volume", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/volume/v3", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/volume/v3/{project_id}/os-services", Admin, "volume_extension:services:index", |x, w| {
            req().p("project_id", x.own_project(w))
        }),
        row("GET", "/volume/v3/os-services", Admin, "volume_extension:services:index", |_, _| req()),
        row("GET", "/volume/v3/{project_id}/volumes", OwnProjectReader, "volume:get_all", |x, w| req().p("project_id", x.own_project(w))),
        row("POST", "/volume/v3/{project_id}/volumes", OwnProjectMember, "volume:create", |x, w| {
            req().p("project_id", x.own_project(w)).json(json!({"volume": {"size": 1, "name": "pm-vol"}}))
        }),
        row("GET", "/volume/v3/volumes", OwnProjectReader, "volume:get_all", |_, _| req()),
        row("POST", "/volume/v3/volumes", OwnProjectMember, "volume:create", |_, _| {
            req().json(json!({"volume": {"size": 1, "name": "pm-vol"}}))
        }),
        row("GET", "/volume/v3/{project_id}/volumes/detail", OwnProjectReader, "volume:get_all", |x, w| {
            req().p("project_id", x.own_project(w))
        }),
        row("GET", "/volume/v3/volumes/detail", OwnProjectReader, "volume:get_all", |_, _| req()),
        row("GET", "/volume/v3/{project_id}/volumes/{volume_id}", ProjectReader(H404), "volume:get", |x, w| {
            req().p("project_id", x.own_project(w)).p("volume_id", &x.volume)
        }),
        row("PUT", "/volume/v3/{project_id}/volumes/{volume_id}", ProjectMember(H404), "volume:update", |x, w| {
            req().p("project_id", x.own_project(w)).p("volume_id", &x.volume).json(json!({"volume": {"name": "pm-renamed"}}))
        }),
        row("DELETE", "/volume/v3/{project_id}/volumes/{volume_id}", ProjectMember(H404), "volume:delete", |x, w| {
            req().p("project_id", x.own_project(w)).p("volume_id", &x.volume)
        }),
        row("GET", "/volume/v3/volumes/{volume_id}", ProjectReader(H404), "volume:get", |x, _| req().p("volume_id", &x.volume)),
        row("PUT", "/volume/v3/volumes/{volume_id}", ProjectMember(H404), "volume:update", |x, _| {
            req().p("volume_id", &x.volume).json(json!({"volume": {"name": "pm-renamed"}}))
        }),
        row("DELETE", "/volume/v3/volumes/{volume_id}", ProjectMember(H404), "volume:delete", |x, _| req().p("volume_id", &x.volume)),
    ]
}
