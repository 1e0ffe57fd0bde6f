//! Placement over HTTP (`/placement`, no version prefix): the version document, resource providers
//! with their inventories, usages, allocations, traits and aggregates, resource classes, traits,
//! allocations by consumer, allocation candidates and project usages. Handlers check the route's
//! microversion, then policy, then the input (all of it, before anything changes), then ask the
//! model and render its answer for the microversion. This file is the route table; the handlers are
//! one file per resource family.

mod aggregates;
mod allocation_candidates;
mod allocations;
mod common;
mod inventories;
mod providers;
mod query_string;
mod resource_classes;
mod root;
mod traits;
mod usages;

use self::aggregates::*;
use self::allocation_candidates::*;
use self::allocations::*;
use self::inventories::*;
use self::providers::*;
use self::resource_classes::*;
use self::root::*;
use self::traits::*;
use self::usages::*;
use super::fault::microversions;
use crate::http::routes::{get, Routes};

pub fn router() -> Routes {
    Routes::new()
        .route("/", get(root))
        .route("/resource_providers", get(list_providers).post(create_provider))
        .route("/resource_providers/{uuid}", get(show_provider).put(update_provider).delete(delete_provider))
        .route(
            "/resource_providers/{uuid}/inventories",
            get(list_inventories).put(set_inventories).post(create_inventory).delete(delete_inventories),
        )
        .route("/resource_providers/{uuid}/inventories/{rc}", get(show_inventory).put(update_inventory).delete(delete_inventory))
        .route("/resource_providers/{uuid}/usages", get(provider_usages))
        .route("/resource_providers/{uuid}/allocations", get(provider_allocations))
        .route("/resource_providers/{uuid}/traits", get(provider_traits).put(set_provider_traits).delete(clear_provider_traits))
        .route("/resource_providers/{uuid}/aggregates", get(provider_aggregates).put(set_provider_aggregates))
        .route("/resource_classes", get(list_resource_classes).post(create_resource_class))
        .route("/resource_classes/{name}", get(show_resource_class).put(put_resource_class).delete(delete_resource_class))
        .route("/traits", get(list_traits))
        .route("/traits/{name}", get(show_trait).put(put_trait).delete(delete_trait))
        .route("/allocations", crate::http::routes::post(post_allocations))
        .route("/allocations/{consumer}", get(consumer_allocations).put(put_allocations).delete(delete_allocations))
        .route("/allocation_candidates", get(allocation_candidates))
        .route("/usages", get(project_usages))
        .map_router(|r| {
            r.fallback(no_route).method_not_allowed_fallback(method_not_allowed).layer(axum::middleware::from_fn(microversions))
        })
}
