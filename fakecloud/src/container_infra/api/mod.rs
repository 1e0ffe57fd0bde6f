//! Magnum's HTTP API (`/container-infra`): the version documents at the root and `/v1`, cluster
//! templates, clusters (with resize) and node groups. Every `/v1` answer carries the
//! `container-infra` microversion headers (1.1 to 1.14). This file is the route table; what the
//! handlers share is in `common.rs`.

mod clusters;
mod common;
mod nodegroups;
mod templates;
mod versions;

use self::versions::{version_v1, versions};
use crate::http::routes::{get, post, Routes};

pub fn router() -> Routes {
    let v1 = Routes::new()
        .route("/", get(version_v1))
        .route("/clustertemplates", get(templates::list).post(templates::create))
        .route("/clustertemplates/detail", get(templates::detail))
        .route("/clustertemplates/{id}", get(templates::show).delete(templates::delete))
        .route("/clusters", get(clusters::list).post(clusters::create))
        .route("/clusters/detail", get(clusters::detail))
        .route("/clusters/{id}", get(clusters::show).patch(clusters::update).delete(clusters::delete))
        .route("/clusters/{id}/actions/resize", post(clusters::resize))
        .route("/clusters/{id}/nodegroups", get(nodegroups::list).post(nodegroups::create))
        .route("/clusters/{id}/nodegroups/{ng}", get(nodegroups::show).delete(nodegroups::delete));
    Routes::new().route("/", get(versions)).nest("/v1", v1)
}
