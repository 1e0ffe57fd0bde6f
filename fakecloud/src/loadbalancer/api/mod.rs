//! Octavia's HTTP API (`/load-balancer`): the version list at the root and API v2 under both `/v2`
//! and `/v2.0`. This file is the route table; what the handlers share (the error helpers, request
//! bodies, visibility and the list machinery) is in `common.rs`.

mod amphorae;
mod children;
mod common;
mod loadbalancers;
mod versions;

use self::versions::versions;
use crate::http::routes::{get, put, Routes};

pub fn router() -> Routes {
    let v2 = Routes::new()
        .route("/lbaas/loadbalancers", get(loadbalancers::list).post(loadbalancers::create))
        .route("/lbaas/loadbalancers/{id}", get(loadbalancers::show).put(loadbalancers::update).delete(loadbalancers::delete))
        .route("/lbaas/loadbalancers/{id}/status", get(loadbalancers::status))
        .route("/lbaas/loadbalancers/{id}/stats", get(loadbalancers::stats))
        .route("/lbaas/loadbalancers/{id}/failover", put(loadbalancers::failover))
        .route("/lbaas/listeners", get(children::list_listeners).post(children::create_listener))
        .route("/lbaas/listeners/{id}", get(children::show_listener).put(children::update_listener).delete(children::delete_listener))
        .route("/lbaas/listeners/{id}/stats", get(children::listener_stats))
        .route("/lbaas/pools", get(children::list_pools).post(children::create_pool))
        .route("/lbaas/pools/{id}", get(children::show_pool).put(children::update_pool).delete(children::delete_pool))
        .route("/lbaas/pools/{id}/members", get(children::list_members).post(children::create_member).put(children::batch_members))
        .route(
            "/lbaas/pools/{id}/members/{member}",
            get(children::show_member).put(children::update_member).delete(children::delete_member),
        )
        .route("/lbaas/healthmonitors", get(children::list_monitors).post(children::create_monitor))
        .route("/lbaas/healthmonitors/{id}", get(children::show_monitor).put(children::update_monitor).delete(children::delete_monitor))
        .route("/lbaas/providers", get(loadbalancers::providers))
        .route("/lbaas/flavors", get(loadbalancers::flavors))
        .route("/lbaas/flavorprofiles", get(loadbalancers::flavor_profiles))
        .route("/lbaas/availabilityzones", get(loadbalancers::availability_zones))
        .route("/octavia/amphorae", get(amphorae::list))
        .route("/octavia/amphorae/{id}", get(amphorae::show).delete(amphorae::delete))
        .route("/octavia/amphorae/{id}/failover", put(amphorae::failover))
        .route("/octavia/amphorae/{id}/config", put(amphorae::config))
        .route("/octavia/amphorae/{id}/stats", get(amphorae::stats));
    Routes::new().route("/", get(versions)).nest("/v2", v2.clone()).nest("/v2.0", v2)
}
