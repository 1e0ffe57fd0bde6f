//! Octavia's HTTP API (`/load-balancer`): the version list at the root and API v2 under both `/v2`
//! and `/v2.0`. This file is the route table; what the handlers share (the error helpers, request
//! bodies, visibility and the list machinery) is in `common.rs`.

mod amphorae;
mod common;
mod flavors;
mod healthmonitors;
mod l7;
mod listeners;
mod loadbalancers;
mod members;
mod pools;
mod quotas;
mod versions;
mod zones;

use self::versions::versions;
use crate::http::routes::{get, put, Routes};

/// The quota routes, under `/lbaas` and (as Octavia's v2 root controller also mounts them) at
/// the root.
fn quota_routes(r: Routes, at: &str) -> Routes {
    r.route(&format!("{at}/quotas"), get(quotas::list))
        .route(&format!("{at}/quotas/defaults"), get(quotas::defaults))
        .route(&format!("{at}/quotas/{{project_id}}"), get(quotas::show).put(quotas::update).delete(quotas::reset))
        .route(&format!("{at}/quotas/{{project_id}}/default"), get(quotas::project_defaults))
}

pub fn router() -> Routes {
    let v2 = Routes::new()
        .route("/lbaas/loadbalancers", get(loadbalancers::list).post(loadbalancers::create))
        .route("/lbaas/loadbalancers/{id}", get(loadbalancers::show).put(loadbalancers::update).delete(loadbalancers::delete))
        .route("/lbaas/loadbalancers/{id}/status", get(loadbalancers::status))
        .route("/lbaas/loadbalancers/{id}/stats", get(loadbalancers::stats))
        .route("/lbaas/loadbalancers/{id}/failover", put(loadbalancers::failover))
        .route("/lbaas/listeners", get(listeners::list_listeners).post(listeners::create_listener))
        .route("/lbaas/listeners/{id}", get(listeners::show_listener).put(listeners::update_listener).delete(listeners::delete_listener))
        .route("/lbaas/listeners/{id}/stats", get(listeners::listener_stats))
        .route("/lbaas/pools", get(pools::list_pools).post(pools::create_pool))
        .route("/lbaas/pools/{id}", get(pools::show_pool).put(pools::update_pool).delete(pools::delete_pool))
        .route("/lbaas/pools/{id}/members", get(members::list_members).post(members::create_member).put(members::batch_members))
        .route("/lbaas/pools/{id}/members/{member}", get(members::show_member).put(members::update_member).delete(members::delete_member))
        .route("/lbaas/healthmonitors", get(healthmonitors::list_monitors).post(healthmonitors::create_monitor))
        .route(
            "/lbaas/healthmonitors/{id}",
            get(healthmonitors::show_monitor).put(healthmonitors::update_monitor).delete(healthmonitors::delete_monitor),
        )
        .route("/lbaas/l7policies", get(l7::list_policies).post(l7::create_policy))
        .route("/lbaas/l7policies/{id}", get(l7::show_policy).put(l7::update_policy).delete(l7::delete_policy))
        .route("/lbaas/l7policies/{id}/rules", get(l7::list_rules).post(l7::create_rule))
        .route("/lbaas/l7policies/{id}/rules/{rule}", get(l7::show_rule).put(l7::update_rule).delete(l7::delete_rule))
        .route("/lbaas/providers", get(flavors::providers))
        .route("/lbaas/providers/{provider}/flavor_capabilities", get(flavors::flavor_capabilities))
        .route("/lbaas/providers/{provider}/availability_zone_capabilities", get(flavors::zone_capabilities))
        .route("/lbaas/flavors", get(flavors::list_flavors).post(flavors::create_flavor))
        .route("/lbaas/flavors/{id}", get(flavors::show_flavor).put(flavors::update_flavor).delete(flavors::delete_flavor))
        .route("/lbaas/flavorprofiles", get(flavors::list_profiles).post(flavors::create_profile))
        .route("/lbaas/flavorprofiles/{id}", get(flavors::show_profile).put(flavors::update_profile).delete(flavors::delete_profile))
        .route("/lbaas/availabilityzones", get(zones::list_zones).post(zones::create_zone))
        .route("/lbaas/availabilityzones/{name}", get(zones::show_zone).put(zones::update_zone).delete(zones::delete_zone))
        .route("/lbaas/availabilityzoneprofiles", get(zones::list_profiles).post(zones::create_profile))
        .route("/lbaas/availabilityzoneprofiles/{id}", get(zones::show_profile).put(zones::update_profile).delete(zones::delete_profile))
        .route("/octavia/amphorae", get(amphorae::list))
        .route("/octavia/amphorae/{id}", get(amphorae::show).delete(amphorae::delete))
        .route("/octavia/amphorae/{id}/failover", put(amphorae::failover))
        .route("/octavia/amphorae/{id}/config", put(amphorae::config))
        .route("/octavia/amphorae/{id}/stats", get(amphorae::stats));
    let v2 = quota_routes(quota_routes(v2, "/lbaas"), "");
    Routes::new().route("/", get(versions)).nest("/v2", v2.clone()).nest("/v2.0", v2)
}
