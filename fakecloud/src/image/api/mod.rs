//! Glance over HTTP (`/image`): the router only; one file per family of routes.

mod common;
mod images;
mod info;
mod members;
mod metadefs;
mod tasks;

use crate::http::routes::{delete, get, post, put, Routes};

/// Unknown paths get the token check and then Glance's 404. (Real Glance's version negotiation
/// answers an unversioned unknown path with the version list; fakecloud keeps the shared
/// 401-then-404 rule for every service.)
pub fn router() -> Routes {
    Routes::new()
        .route("/", get(info::versions))
        .route("/versions", get(info::versions_explicit))
        .route("/v2/images", get(images::list).post(images::create))
        .route("/v2/images/{id}", get(images::show).patch(images::update).delete(images::delete))
        .route("/v2/images/{id}/file", get(images::download).put(images::upload))
        .route("/v2/images/{id}/stage", put(images::stage))
        .route("/v2/images/{id}/import", post(images::import))
        .route("/v2/images/{id}/tasks", get(images::tasks))
        .route("/v2/images/{id}/actions/deactivate", post(images::deactivate))
        .route("/v2/images/{id}/actions/reactivate", post(images::reactivate))
        .route("/v2/images/{id}/tags/{tag}", put(images::add_tag).delete(images::delete_tag))
        .route("/v2/images/{id}/members", get(members::list).post(members::create))
        .route("/v2/images/{id}/members/{member}", get(members::show).put(members::update).delete(members::delete))
        .route("/v2/stores/{store}/{id}", delete(images::delete_from_store))
        .route("/v2/info/import", get(info::import))
        .route("/v2/info/stores", get(info::stores))
        .route("/v2/schemas/{name}", get(info::schema))
        .route("/v2/schemas/metadefs/{name}", get(info::metadef_schema))
        .route("/v2/tasks", get(tasks::list).post(tasks::create))
        .route("/v2/tasks/{id}", get(tasks::show))
        .route("/v2/metadefs/resource_types", get(metadefs::resource_types))
        .route("/v2/metadefs/namespaces", get(metadefs::list).post(metadefs::create))
        .route("/v2/metadefs/namespaces/{ns}", get(metadefs::show).put(metadefs::update).delete(metadefs::delete))
        .route("/v2/metadefs/namespaces/{ns}/resource_types", get(metadefs::associations).post(metadefs::associate))
        .route("/v2/metadefs/namespaces/{ns}/resource_types/{name}", delete(metadefs::dissociate))
        .route("/v2/metadefs/namespaces/{ns}/properties", get(metadefs::properties).post(metadefs::create_property))
        .route(
            "/v2/metadefs/namespaces/{ns}/properties/{name}",
            get(metadefs::show_property).put(metadefs::update_property).delete(metadefs::delete_property),
        )
        .route("/v2/metadefs/namespaces/{ns}/objects", get(metadefs::objects).post(metadefs::create_object))
        .route(
            "/v2/metadefs/namespaces/{ns}/objects/{name}",
            get(metadefs::show_object).put(metadefs::update_object).delete(metadefs::delete_object),
        )
        .route("/v2/metadefs/namespaces/{ns}/tags", get(metadefs::tags).post(metadefs::set_tags).delete(metadefs::delete_tags))
        .route(
            "/v2/metadefs/namespaces/{ns}/tags/{name}",
            get(metadefs::show_tag).post(metadefs::create_tag).put(metadefs::update_tag).delete(metadefs::delete_tag),
        )
}
