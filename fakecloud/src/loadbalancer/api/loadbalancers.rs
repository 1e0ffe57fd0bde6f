//! `/lbaas/loadbalancers` (with status, stats and failover), providers, flavors and zones.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::loadbalancer::model::*;
use crate::loadbalancer::views;
use crate::loadbalancer::worker::LbRequest;
use crate::policy::{enforce, Target};
use crate::world::World;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateLb {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    project_id: Option<String>,
    #[serde(default)]
    tenant_id: Option<String>,
    #[serde(default)]
    vip_subnet_id: Option<String>,
    #[serde(default)]
    vip_network_id: Option<String>,
    #[serde(default)]
    vip_port_id: Option<String>,
    #[serde(default)]
    vip_address: Option<String>,
    #[serde(default)]
    vip_qos_policy_id: Option<String>,
    #[serde(default)]
    admin_state_up: Option<bool>,
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    flavor_id: Option<String>,
    #[serde(default)]
    availability_zone: Option<String>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    /// Cascade create (listeners with pools) is not supported here; refused clearly.
    #[serde(default)]
    listeners: Option<Value>,
    #[serde(default)]
    pools: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateLb {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    admin_state_up: Option<bool>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    vip_qos_policy_id: Option<Value>,
}

/// `GET /lbaas/loadbalancers`. A poller (CAPO looks its API-server LB up by name) asks the same
/// question of an unchanged cloud again and again: the reply is kept per revision (`kept_list`).
pub async fn list(State(s): State<AppState>, caller: Caller, BaseUrl(base): BaseUrl, params: Params) -> ApiResult {
    own_project(&caller, "os_load-balancer_api:loadbalancer:get_all")?;
    kept_list(&s, &caller, &base, &params, ("loadbalancers", "lbaas/loadbalancers", &views::LB_ATTRS), |w| {
        let keep = prefilter(&caller, &params);
        let mut lbs: Vec<&LoadBalancer> = w.octavia.loadbalancers.values().filter(|l| keep(&l.c)).collect();
        lbs.sort_by_key(|l| l.c.seq);
        lbs.into_iter().map(|l| views::loadbalancer(w, l)).collect()
    })
    .await
}

pub async fn show(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let w = s.world();
    let lb = lb_for(&w, &caller, &id, "os_load-balancer_api:loadbalancer:get_one")?;
    Ok(reply(StatusCode::OK, json!({ "loadbalancer": views::loadbalancer(&w, lb) })))
}

pub async fn create(State(s): State<AppState>, caller: Caller, JsonBody(raw): JsonBody<Value>) -> ApiResult {
    let req: CreateLb = body(raw, "loadbalancer")?;
    // wsme `StringType(max_length=255)` in Octavia's types.
    super::flavors::long("name", &req.name)?;
    super::flavors::long("description", &req.description)?;
    let project_id = match req.project_id.or(req.tenant_id) {
        Some(p) => p,
        None => caller.project_id.clone().ok_or_else(|| bad("Validation failure: a project-scoped token is required."))?,
    };
    enforce(SVC, &caller, "os_load-balancer_api:loadbalancer:post", Target { project_id: Some(&project_id), user_id: None })?;
    if req.listeners.is_some() || req.pools.is_some() {
        return Err(ApiError::new(
            SVC,
            StatusCode::NOT_IMPLEMENTED,
            "Creating listeners and pools with the load balancer (single-call create) is not supported by this cloud.",
        ));
    }
    if req.vip_qos_policy_id.is_some() {
        return Err(bad("Validation failure: QoS policies are not available on this cloud."));
    }
    let provider = req.provider.unwrap_or_else(|| "amphora".into());
    if !PROVIDERS.iter().any(|(p, _)| *p == provider) {
        return Err(bad(format!("Provider '{provider}' is not enabled.")));
    }
    let mut w = s.world();
    let topology = match &req.flavor_id {
        Some(f) => {
            if w.octavia.flavors.iter().any(|x| x.id == *f && !x.enabled) {
                return Err(bad(format!("The selected flavor is not allowed in this deployment: {f}")));
            }
            w.octavia.flavor_topology(f).ok_or_else(|| bad(format!("Validation failure: Invalid flavor_id. Flavor {f} not found.")))?
        }
        None => "SINGLE".to_string(),
    };
    if provider == "ovn" && req.flavor_id.is_some() {
        return Err(bad("Validation failure: The ovn provider does not support flavors."));
    }
    let (network_id, subnet_id) =
        resolve_vip(&w, &caller, req.vip_port_id.as_deref(), req.vip_network_id.as_deref(), req.vip_subnet_id.as_deref())?;
    if let Some(zone) = &req.availability_zone {
        super::zones::zone_for_loadbalancer(&w, &provider, zone, &network_id)?;
    }
    super::quotas::check_quota(&w, &project_id, crate::loadbalancer::model::QuotaResource::LoadBalancer, 1)?;
    let request = LbRequest {
        name: req.name.unwrap_or_default(),
        description: req.description.unwrap_or_default(),
        project_id,
        provider,
        topology,
        vip_network_id: network_id,
        vip_subnet_id: subnet_id,
        vip_port_id: req.vip_port_id,
        vip_address: req.vip_address,
        admin_state_up: req.admin_state_up.unwrap_or(true),
        tags: req.tags.unwrap_or_default(),
        flavor_id: req.flavor_id,
        availability_zone: req.availability_zone,
    };
    let id = w.create_loadbalancer(request).map_err(refused)?;
    let lb = &w.octavia.loadbalancers[&id];
    Ok(reply(StatusCode::CREATED, json!({ "loadbalancer": views::loadbalancer(&w, lb) })))
}

/// The VIP's network and subnet from whichever of port, network and subnet was given.
fn resolve_vip(
    w: &World,
    caller: &Caller,
    port: Option<&str>,
    network: Option<&str>,
    subnet: Option<&str>,
) -> Result<(String, String), ApiError> {
    let n = &w.network;
    let usable = |project: &str, shared: bool| caller.is_admin() || shared || caller.project_id.as_deref() == Some(project);
    if let Some(p) = port {
        let port = n.ports.get(p).ok_or_else(|| bad(format!("Validation failure: Port {p} not found.")))?;
        let first = port.fixed_ips.first().map(|f| f.subnet_id.clone()).unwrap_or_default();
        return Ok((port.network_id.clone(), first));
    }
    if let Some(s) = subnet {
        let sub = n.subnets.get(s).ok_or_else(|| bad(format!("Validation failure: Subnet {s} not found.")))?;
        let net = n.networks.get(&sub.network_id);
        if !usable(&sub.project_id, net.is_some_and(|x| x.shared)) {
            return Err(bad(format!("Validation failure: Subnet {s} not found.")));
        }
        if network.is_some_and(|x| x != sub.network_id) {
            return Err(bad("Validation failure: vip_subnet_id is not on vip_network_id."));
        }
        return Ok((sub.network_id.clone(), sub.id.clone()));
    }
    if let Some(net_id) = network {
        let net = n
            .networks
            .get(net_id)
            .filter(|x| usable(&x.project_id, x.shared))
            .ok_or_else(|| bad(format!("Validation failure: Network {net_id} not found.")))?;
        let sub = n
            .subnets_of(&net.id)
            .into_iter()
            .next()
            .ok_or_else(|| bad(format!("Validation failure: Supplied network does not contain a subnet (network {net_id}).")))?;
        return Ok((net.id.clone(), sub.id.clone()));
    }
    Err(bad("Validation failure: VIP must contain one of: vip_port_id, vip_network_id, vip_subnet_id."))
}

pub async fn update(State(s): State<AppState>, caller: Caller, Path(id): Path<String>, JsonBody(raw): JsonBody<Value>) -> ApiResult {
    let req: UpdateLb = body(raw, "loadbalancer")?;
    // wsme `StringType(max_length=255)` in Octavia's types.
    super::flavors::long("name", &req.name)?;
    super::flavors::long("description", &req.description)?;
    if req.vip_qos_policy_id.as_ref().is_some_and(|v| !v.is_null()) {
        return Err(bad("Validation failure: QoS policies are not available on this cloud."));
    }
    let mut w = s.world();
    let lb = lb_for(&w, &caller, &id, "os_load-balancer_api:loadbalancer:put")?;
    if lb.c.provisioning_status != ACTIVE {
        return Err(immutable("Load Balancer", &id));
    }
    let now = w.now();
    let lb = w.octavia.loadbalancers.get_mut(&id).expect("checked");
    if let Some(n) = req.name {
        lb.c.name = n;
    }
    if let Some(d) = req.description {
        lb.c.description = d;
    }
    if let Some(a) = req.admin_state_up {
        lb.c.admin_state_up = a;
    }
    if let Some(t) = req.tags {
        lb.c.tags = t;
    }
    lb.c.updated_at = Some(now);
    w.set_lb_status(&id, PENDING_UPDATE);
    w.sim.scheduler.schedule(
        now + chrono::Duration::seconds(crate::loadbalancer::worker::CHILD_SECS),
        crate::loadbalancer::Event::LbActive { lb_id: id.clone() },
    );
    let lb = &w.octavia.loadbalancers[&id];
    Ok(reply(StatusCode::OK, json!({ "loadbalancer": views::loadbalancer(&w, lb) })))
}

pub async fn delete(State(s): State<AppState>, caller: Caller, Path(id): Path<String>, params: Params) -> ApiResult {
    let mut w = s.world();
    let lb = lb_for(&w, &caller, &id, "os_load-balancer_api:loadbalancer:delete")?;
    if lb.c.provisioning_status != ACTIVE && lb.c.provisioning_status != ERROR {
        return Err(conflict(format!("Invalid state {} of loadbalancer resource {id}", lb.c.provisioning_status)));
    }
    let cascade = params.get("cascade").is_some_and(|c| c.eq_ignore_ascii_case("true") || c == "1");
    let has_children = w.octavia.listeners_of(&id).next().is_some() || w.octavia.pools_of(&id).next().is_some();
    if has_children && !cascade {
        return Err(bad(format!("Cannot delete Load Balancer {id} - it has children")));
    }
    w.delete_loadbalancer(&id);
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn status(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let w = s.world();
    let lb = lb_for(&w, &caller, &id, "os_load-balancer_api:loadbalancer:get_status")?;
    Ok(reply(StatusCode::OK, views::status_tree(&w, lb)))
}

pub async fn stats(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let w = s.world();
    lb_for(&w, &caller, &id, "os_load-balancer_api:loadbalancer:get_stats")?;
    Ok(reply(StatusCode::OK, views::zero_stats()))
}

/// `PUT /loadbalancers/{id}/failover` (admin): ACTIVE or ERROR -> PENDING_UPDATE, 202.
pub async fn failover(State(s): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let mut w = s.world();
    let lb = lb_for(&w, &caller, &id, "os_load-balancer_api:loadbalancer:put_failover")?;
    if lb.c.provisioning_status != ACTIVE && lb.c.provisioning_status != ERROR {
        return Err(conflict(format!("Invalid state {} of loadbalancer resource {id}", lb.c.provisioning_status)));
    }
    w.failover_loadbalancer(&id);
    Ok(StatusCode::ACCEPTED.into_response())
}

#[cfg(test)]
mod tests {
    use crate::cloud::{Cloud, CloudConfig};
    use crate::sim::ClockMode;
    use axum::body::Body;
    use axum::http::{Method, Request};
    use tower::ServiceExt;

    const KUBE_LB: &str = "k8s-clusterapi-cluster-default-kube-kubeapi";
    const KUBE_POOL: &str = "k8s-clusterapi-cluster-default-kube-kubeapi-6443";

    async fn call(cloud: &std::sync::Arc<Cloud>, method: Method, path: &str, token: Option<&str>, body: Option<&str>) -> (u16, String) {
        let mut req = Request::builder().method(method).uri(path).header("Host", "127.0.0.1:5000");
        if let Some(t) = token {
            req = req.header("X-Auth-Token", t);
        }
        let req = match body {
            Some(b) => req.header("Content-Type", "application/json").body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .expect("a request");
        let resp = crate::http::router(cloud.clone(), &crate::services::mounts()).oneshot(req).await.expect("infallible");
        let status = resp.status().as_u16();
        let token = resp.headers().get("x-subject-token").and_then(|v| v.to_str().ok()).map(str::to_string);
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.expect("a body");
        (status, token.unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned()))
    }

    fn status_of(list: &str) -> String {
        let v: serde_json::Value = serde_json::from_str(list).expect("JSON");
        v["loadbalancers"][0]["provisioning_status"].as_str().expect("one load balancer").to_string()
    }

    /// A list reply kept for a poller is never served after a change: the same lookup shows a member
    /// create's PENDING_UPDATE at once, and ACTIVE once the controller's flow has run on the clock.
    #[tokio::test]
    async fn a_kept_list_reply_follows_every_change() {
        let cloud = Cloud::new(CloudConfig { clock: ClockMode::Manual, ..CloudConfig::default() }).expect("a cloud");
        let auth = r#"{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"name": "Default"}, "password": "admin-secret"}}}, "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}}"#;
        let (status, token) = call(&cloud, Method::POST, "/identity/v3/auth/tokens", None, Some(auth)).await;
        assert_eq!(status, 201);
        let lookup = format!("/load-balancer/v2/lbaas/loadbalancers?name={KUBE_LB}");
        let first = call(&cloud, Method::GET, &lookup, Some(&token), None).await;
        assert_eq!((first.0, status_of(&first.1)), (200, "ACTIVE".to_string()));
        assert_eq!(call(&cloud, Method::GET, &lookup, Some(&token), None).await, first, "an unchanged cloud gives the same reply");

        let (_, pools) = call(&cloud, Method::GET, &format!("/load-balancer/v2/lbaas/pools?name={KUBE_POOL}"), Some(&token), None).await;
        let pools: serde_json::Value = serde_json::from_str(&pools).expect("JSON");
        let pool = pools["pools"][0]["id"].as_str().expect("the kube-api pool");
        let member = r#"{"member": {"address": "10.6.0.60", "protocol_port": 6443}}"#;
        let path = format!("/load-balancer/v2/lbaas/pools/{pool}/members");
        assert_eq!(call(&cloud, Method::POST, &path, Some(&token), Some(member)).await.0, 201);
        assert_eq!(status_of(&call(&cloud, Method::GET, &lookup, Some(&token), None).await.1), "PENDING_UPDATE");

        cloud.world().advance_clock(chrono::Duration::seconds(30));
        assert_eq!(status_of(&call(&cloud, Method::GET, &lookup, Some(&token), None).await.1), "ACTIVE");
    }
}
