//! Layer 3: routers (external gateway, interfaces, extra routes) and floating IPs (allocation from
//! the external network, association through a router that joins the two networks).

use super::error::{NResult, NeutronError};
use super::ipam;
use super::model::*;
use super::ports::{disassociate, FixedIpSpec, PortSpec};
use crate::sim::{Ids, SimTime};
use serde::Deserialize;
use std::net::IpAddr;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct GatewayReq {
    pub network_id: String,
    #[serde(default)]
    pub enable_snat: Option<bool>,
    #[serde(default, rename = "external_fixed_ips")]
    pub fixed_ips: Vec<FixedIpSpec>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RouterSpec {
    pub name: Option<String>,
    pub description: Option<String>,
    pub admin_state_up: Option<bool>,
    #[serde(deserialize_with = "super::request::nullable")]
    pub external_gateway_info: Option<Option<GatewayReq>>,
    pub distributed: Option<bool>,
    pub ha: Option<bool>,
    pub availability_zone_hints: Option<Vec<String>>,
    pub routes: Option<Vec<HostRoute>>,
    pub tags: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct FloatingIpSpec {
    pub floating_network_id: String,
    #[serde(skip)]
    pub project_id: String,
    pub floating_ip_address: Option<String>,
    #[serde(deserialize_with = "super::request::nullable")]
    pub subnet_id: Option<Option<String>>,
    #[serde(deserialize_with = "super::request::nullable")]
    pub port_id: Option<Option<String>>,
    #[serde(deserialize_with = "super::request::nullable")]
    pub fixed_ip_address: Option<Option<String>>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
}

/// What add/remove_router_interface answer.
#[derive(Clone, Debug, PartialEq)]
pub struct InterfaceInfo {
    pub router_id: String,
    pub port_id: String,
    pub subnet_id: String,
    pub subnet_ids: Vec<String>,
    pub network_id: String,
    pub project_id: String,
}

/// A floating IP association, checked: the port, the fixed address and the router that joins the
/// port's subnet to the floating IP's network.
struct Association {
    port_id: String,
    fixed_ip: IpAddr,
    router_id: String,
}

impl Network {
    /// A router with no gateway and no interfaces, scheduled to the least loaded L3 agent.
    pub(crate) fn insert_router(&mut self, ids: &mut Ids, now: SimTime, name: &str, project_id: &str) -> String {
        let id = ids.uuid();
        let l3_agent = self.pick_l3_agent(now);
        self.routers.insert(
            id.clone(),
            Router {
                id: id.clone(),
                name: name.to_string(),
                project_id: project_id.to_string(),
                description: String::new(),
                admin_state_up: true,
                status: "ACTIVE".into(),
                gateway: None,
                routes: vec![],
                distributed: false,
                ha: false,
                availability_zone_hints: vec![],
                l3_agent,
                tags: Default::default(),
                created_at: now,
                updated_at: now,
                revision_number: 1,
            },
        );
        id
    }

    fn l3_host(&self, router_id: &str) -> String {
        self.routers
            .get(router_id)
            .and_then(|r| r.l3_agent.as_ref())
            .and_then(|a| self.agents.get(a))
            .map(|a| a.host.clone())
            .unwrap_or_default()
    }

    pub fn create_router(&mut self, ids: &mut Ids, now: SimTime, project_id: &str, spec: RouterSpec) -> NResult<String> {
        for h in spec.availability_zone_hints.iter().flatten() {
            if !super::networks::AVAILABILITY_ZONES.contains(&h.as_str()) {
                return Err(NeutronError::not_found("AvailabilityZoneNotFound", format!("AvailabilityZone {h} could not be found.")));
            }
        }
        if let Some(Some(gw)) = &spec.external_gateway_info {
            self.check_gateway_network(&gw.network_id)?;
        }
        let id = self.insert_router(ids, now, &spec.name.clone().unwrap_or_default(), project_id);
        let r = self.routers.get_mut(&id).expect("just inserted");
        r.description = spec.description.unwrap_or_default();
        r.admin_state_up = spec.admin_state_up.unwrap_or(true);
        r.distributed = spec.distributed.unwrap_or(false);
        r.ha = spec.ha.unwrap_or(false);
        r.availability_zone_hints = spec.availability_zone_hints.unwrap_or_default();
        r.tags = spec.tags.unwrap_or_default().into_iter().collect();
        if let Some(Some(gw)) = spec.external_gateway_info {
            self.set_gateway(ids, now, &id, Some(gw))?;
        }
        Ok(id)
    }

    fn check_gateway_network(&self, network_id: &str) -> NResult<()> {
        let net = self.networks.get(network_id).ok_or_else(|| NeutronError::network_not_found(network_id))?;
        if !net.external {
            return Err(NeutronError::bad_resource_request("router", format!("Network {network_id} is not an external network")));
        }
        Ok(())
    }

    fn gateway_needed_by_floating_ips(&self, router_id: &str) -> NResult<()> {
        let r = &self.routers[router_id];
        if let Some(gw) = &r.gateway {
            if self.floating_ips.values().any(|f| f.router_id.as_deref() == Some(router_id)) {
                return Err(NeutronError::conflict(
                    "RouterExternalGatewayInUseByFloatingIp",
                    format!(
                        "Gateway cannot be updated for router {router_id}, since a gateway to external network {} is required by one or more floating IPs.",
                        gw.network_id
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Sets, changes or clears a router's external gateway (and its `network:router_gateway` port).
    pub(crate) fn set_gateway(&mut self, ids: &mut Ids, now: SimTime, router_id: &str, req: Option<GatewayReq>) -> NResult<()> {
        let router = self.routers.get(router_id).ok_or_else(|| NeutronError::router_not_found(router_id))?.clone();
        match req {
            None => {
                if let Some(gw) = &router.gateway {
                    self.gateway_needed_by_floating_ips(router_id)?;
                    self.ports.remove(&gw.port_id);
                }
                let r = self.routers.get_mut(router_id).expect("checked");
                r.gateway = None;
                touch(&mut r.updated_at, &mut r.revision_number, now);
            }
            Some(req) => {
                self.check_gateway_network(&req.network_id)?;
                if let Some(gw) = router.gateway.as_ref().filter(|g| g.network_id == req.network_id && req.fixed_ips.is_empty()) {
                    let r = self.routers.get_mut(router_id).expect("checked");
                    r.gateway = Some(Gateway { enable_snat: req.enable_snat.unwrap_or(gw.enable_snat), ..gw.clone() });
                    touch(&mut r.updated_at, &mut r.revision_number, now);
                    return Ok(());
                }
                if router.gateway.as_ref().is_some_and(|g| g.network_id != req.network_id) {
                    self.gateway_needed_by_floating_ips(router_id)?;
                }
                let fixed = if req.fixed_ips.is_empty() { None } else { Some(req.fixed_ips.clone()) };
                let old_port = router.gateway.as_ref().map(|g| g.port_id.clone());
                // Plan the new addresses as if the old gateway port were gone.
                let keep = old_port.as_ref().and_then(|p| self.ports.get(p)).map(|p| p.fixed_ips.clone()).unwrap_or_default();
                self.plan_fixed_ips(&req.network_id, fixed.as_deref(), old_port.as_deref(), &keep, OWNER_ROUTER_GATEWAY)?;
                if let Some(p) = &old_port {
                    self.ports.remove(p);
                }
                let spec = PortSpec {
                    network_id: req.network_id.clone(),
                    project_id: String::new(),
                    device_id: Some(router_id.to_string()),
                    device_owner: Some(OWNER_ROUTER_GATEWAY.into()),
                    fixed_ips: fixed,
                    host_id: Some(self.l3_host(router_id)),
                    ..Default::default()
                };
                let port_id = self.create_port_from(ids, now, spec)?;
                let r = self.routers.get_mut(router_id).expect("checked");
                r.gateway = Some(Gateway { network_id: req.network_id, enable_snat: req.enable_snat.unwrap_or(true), port_id });
                touch(&mut r.updated_at, &mut r.revision_number, now);
            }
        }
        Ok(())
    }

    pub fn update_router(&mut self, ids: &mut Ids, now: SimTime, id: &str, spec: RouterSpec) -> NResult<()> {
        let router = self.routers.get(id).ok_or_else(|| NeutronError::router_not_found(id))?.clone();
        if let Some(routes) = &spec.routes {
            let connected: Vec<&Subnet> = self
                .interfaces_of(id)
                .iter()
                .flat_map(|p| p.fixed_ips.iter())
                .filter_map(|f| self.subnets.get(&f.subnet_id))
                .chain(
                    router
                        .gateway
                        .as_ref()
                        .and_then(|g| self.ports.get(&g.port_id))
                        .into_iter()
                        .flat_map(|p| &p.fixed_ips)
                        .filter_map(|f| self.subnets.get(&f.subnet_id)),
                )
                .collect();
            for r in routes {
                let hop = ipam::parse_ip(&r.nexthop);
                if !hop.is_some_and(|h| connected.iter().any(|s| s.cidr.contains(h))) {
                    return Err(NeutronError::new(
                        400,
                        "InvalidRoutes",
                        format!(
                            "Invalid format for routes: [{{'destination': '{}', 'nexthop': '{}'}}], the nexthop is not connected with router",
                            r.destination, r.nexthop
                        ),
                    ));
                }
            }
        }
        // A router becomes distributed only while administratively down (DVR migration).
        if spec.distributed == Some(true) && !router.distributed && spec.admin_state_up.unwrap_or(router.admin_state_up) {
            return Err(NeutronError::bad_request(
                "Cannot upgrade active router to distributed. Please set router admin_state_up to False prior to upgrade",
            ));
        }
        if let Some(gw) = spec.external_gateway_info {
            self.set_gateway(ids, now, id, gw)?;
        }
        let r = self.routers.get_mut(id).expect("checked");
        if let Some(v) = spec.name {
            r.name = v;
        }
        if let Some(v) = spec.description {
            r.description = v;
        }
        if let Some(v) = spec.admin_state_up {
            r.admin_state_up = v;
        }
        if let Some(v) = spec.distributed {
            r.distributed = v;
        }
        if let Some(v) = spec.ha {
            r.ha = v;
        }
        if let Some(v) = spec.routes {
            r.routes = v;
        }
        touch(&mut r.updated_at, &mut r.revision_number, now);
        Ok(())
    }

    pub fn delete_router(&mut self, id: &str) -> NResult<()> {
        let router = self.routers.get(id).ok_or_else(|| NeutronError::router_not_found(id))?;
        if !self.interfaces_of(id).is_empty() {
            return Err(NeutronError::conflict("RouterInUse", format!("Router {id} still has ports")));
        }
        if let Some(gw) = &router.gateway {
            let port = gw.port_id.clone();
            self.ports.remove(&port);
        }
        self.routers.remove(id);
        Ok(())
    }

    /// `add_router_interface`: exactly one of a subnet or a port, each visible to the caller; a port
    /// must belong to the router's project unless an admin asks.
    pub fn add_interface(
        &mut self,
        ids: &mut Ids,
        now: SimTime,
        v: &Viewer,
        router_id: &str,
        subnet_id: Option<&str>,
        port_id: Option<&str>,
    ) -> NResult<InterfaceInfo> {
        match (subnet_id, port_id) {
            (Some(_), Some(_)) => Err(NeutronError::bad_resource_request("router", "Cannot specify both subnet-id and port-id")),
            (None, None) => Err(NeutronError::bad_resource_request("router", "Either subnet_id or port_id must be specified")),
            (Some(sid), None) => {
                self.subnet_for(v, sid)?;
                self.add_interface_by_subnet(ids, now, router_id, sid)
            }
            (None, Some(pid)) => {
                let owner = self.router_for(v, router_id)?.project_id.clone();
                let p = self.port_for(v, pid)?;
                if !v.admin && p.project_id != owner {
                    return Err(NeutronError::bad_resource_request(
                        "router",
                        format!("Cannot add interface to router {router_id}: port {pid} is owned by another project"),
                    ));
                }
                self.add_interface_by_port(now, router_id, pid)
            }
        }
    }

    /// `add_router_interface` with a subnet: a new port on the subnet's gateway address.
    pub fn add_interface_by_subnet(&mut self, ids: &mut Ids, now: SimTime, router_id: &str, subnet_id: &str) -> NResult<InterfaceInfo> {
        if !self.routers.contains_key(router_id) {
            return Err(NeutronError::router_not_found(router_id));
        }
        let sub = self.subnets.get(subnet_id).ok_or_else(|| NeutronError::subnet_not_found(subnet_id))?.clone();
        let gateway = sub
            .gateway_ip
            .ok_or_else(|| NeutronError::bad_resource_request("router", "Subnet for router interface must have a gateway IP"))?;
        self.check_new_interface(router_id, &sub)?;
        let spec = PortSpec {
            network_id: sub.network_id.clone(),
            project_id: sub.project_id.clone(),
            device_id: Some(router_id.to_string()),
            device_owner: Some(OWNER_ROUTER_INTERFACE.into()),
            fixed_ips: Some(vec![FixedIpSpec { subnet_id: Some(subnet_id.to_string()), ip_address: Some(gateway.to_string()) }]),
            host_id: Some(self.l3_host(router_id)),
            ..Default::default()
        };
        let port_id = self.create_port_from(ids, now, spec)?;
        self.touch_router(router_id, now);
        Ok(self.interface_info(router_id, &port_id, subnet_id))
    }

    /// `add_router_interface` with a port: the port (which must be free and have an address) becomes
    /// the router's interface.
    pub fn add_interface_by_port(&mut self, now: SimTime, router_id: &str, port_id: &str) -> NResult<InterfaceInfo> {
        if !self.routers.contains_key(router_id) {
            return Err(NeutronError::router_not_found(router_id));
        }
        let port = self.ports.get(port_id).ok_or_else(|| NeutronError::port_not_found(port_id))?.clone();
        if !port.device_id.is_empty() || !port.device_owner.is_empty() {
            return Err(NeutronError::conflict(
                "PortInUse",
                format!(
                    "Unable to complete operation on port {port_id} for network {}. Port already has an attached device {}.",
                    port.network_id, port.device_id
                ),
            ));
        }
        let first = port
            .fixed_ips
            .first()
            .ok_or_else(|| NeutronError::bad_resource_request("router", "Router port must have at least one fixed IP"))?;
        for f in &port.fixed_ips {
            let sub = self.subnets[&f.subnet_id].clone();
            self.check_new_interface(router_id, &sub)?;
        }
        let subnet_id = first.subnet_id.clone();
        let host = self.l3_host(router_id);
        let vif = self.vif_type_for(&host, now);
        let p = self.ports.get_mut(port_id).expect("checked");
        p.device_id = router_id.to_string();
        p.device_owner = OWNER_ROUTER_INTERFACE.into();
        p.host_id = host;
        p.vif_type = vif;
        p.security_groups.clear();
        p.status = super::ports::port_status(p);
        touch(&mut p.updated_at, &mut p.revision_number, now);
        self.touch_router(router_id, now);
        Ok(self.interface_info(router_id, port_id, &subnet_id))
    }

    fn check_new_interface(&self, router_id: &str, sub: &Subnet) -> NResult<()> {
        for p in self.interfaces_of(router_id) {
            for f in &p.fixed_ips {
                if f.subnet_id == sub.id {
                    return Err(NeutronError::bad_resource_request("router", format!("Router already has a port on subnet {}", sub.id)));
                }
                if let Some(other) = self.subnets.get(&f.subnet_id).filter(|o| o.cidr.overlaps(&sub.cidr)) {
                    return Err(NeutronError::bad_resource_request(
                        "router",
                        format!("Cidr {} of subnet {} overlaps with cidr {} of subnet {}", sub.cidr, sub.id, other.cidr, other.id),
                    ));
                }
            }
        }
        Ok(())
    }

    fn touch_router(&mut self, router_id: &str, now: SimTime) {
        if let Some(r) = self.routers.get_mut(router_id) {
            touch(&mut r.updated_at, &mut r.revision_number, now);
        }
    }

    fn interface_info(&self, router_id: &str, port_id: &str, subnet_id: &str) -> InterfaceInfo {
        let port = &self.ports[port_id];
        InterfaceInfo {
            router_id: router_id.to_string(),
            port_id: port_id.to_string(),
            subnet_id: subnet_id.to_string(),
            subnet_ids: port.fixed_ips.iter().map(|f| f.subnet_id.clone()).collect(),
            network_id: port.network_id.clone(),
            project_id: port.project_id.clone(),
        }
    }

    /// `remove_router_interface` by subnet and/or port; refused while a floating IP needs it.
    pub fn remove_interface(
        &mut self,
        now: SimTime,
        router_id: &str,
        subnet_id: Option<&str>,
        port_id: Option<&str>,
    ) -> NResult<InterfaceInfo> {
        if !self.routers.contains_key(router_id) {
            return Err(NeutronError::router_not_found(router_id));
        }
        let port = match (port_id, subnet_id) {
            (Some(pid), sid) => {
                let p = self.interfaces_of(router_id).into_iter().find(|p| p.id == pid).cloned().ok_or_else(|| {
                    NeutronError::not_found(
                        "RouterInterfaceNotFound",
                        format!("Router {router_id} does not have an interface with id {pid}"),
                    )
                })?;
                if let Some(sid) = sid {
                    if !p.fixed_ips.iter().any(|f| f.subnet_id == sid) {
                        return Err(NeutronError::bad_resource_request("router", format!("Subnet {sid} does not match port {pid}")));
                    }
                }
                p
            }
            (None, Some(sid)) => {
                if !self.subnets.contains_key(sid) {
                    return Err(NeutronError::subnet_not_found(sid));
                }
                self.interfaces_of(router_id).into_iter().find(|p| p.fixed_ips.iter().any(|f| f.subnet_id == sid)).cloned().ok_or_else(
                    || {
                        NeutronError::not_found(
                            "RouterInterfaceNotFoundForSubnet",
                            format!("Router {router_id} has no interface on subnet {sid}"),
                        )
                    },
                )?
            }
            (None, None) => {
                return Err(NeutronError::bad_resource_request("router", "Either subnet_id or port_id must be specified"));
            }
        };
        let subnets: Vec<String> = port.fixed_ips.iter().map(|f| f.subnet_id.clone()).collect();
        let needed = self.floating_ips.values().any(|f| {
            f.router_id.as_deref() == Some(router_id)
                && f.port_id.as_ref().and_then(|p| self.ports.get(p)).is_some_and(|p| {
                    p.fixed_ips.iter().any(|fi| subnets.contains(&fi.subnet_id) && Some(fi.ip_address) == f.fixed_ip_address)
                })
        });
        if needed {
            let sid = subnet_id.map(str::to_string).unwrap_or_else(|| subnets.first().cloned().unwrap_or_default());
            return Err(NeutronError::conflict(
                "RouterInterfaceInUseByFloatingIP",
                format!("Router interface for subnet {sid} on router {router_id} cannot be deleted, as it is required by one or more floating IPs."),
            ));
        }
        let info = InterfaceInfo {
            router_id: router_id.to_string(),
            port_id: port.id.clone(),
            subnet_id: subnets.first().cloned().unwrap_or_default(),
            subnet_ids: subnets,
            network_id: port.network_id.clone(),
            project_id: port.project_id.clone(),
        };
        self.ports.remove(&port.id);
        self.touch_router(router_id, now);
        Ok(info)
    }

    // ---- floating IPs ----

    /// Neutron's `_check_and_get_fip_assoc` and `_get_router_for_floatingip`.
    #[allow(clippy::too_many_arguments)]
    fn plan_association(
        &self,
        fip_id: Option<&str>,
        fip_address: Option<IpAddr>,
        project_id: &str,
        floating_network_id: &str,
        port_id: &str,
        fixed_ip: Option<&str>,
        admin: bool,
    ) -> NResult<Association> {
        let port = self.ports.get(port_id).ok_or_else(|| NeutronError::port_not_found(port_id))?;
        if !admin && port.project_id != project_id {
            return Err(NeutronError::bad_resource_request(
                "floatingip",
                format!("Cannot create floating IP and bind it to Port {port_id}, since that port is owned by a different tenant"),
            ));
        }
        let fixed = match fixed_ip {
            Some(text) => {
                let ip = ipam::parse_ip(text);
                port.fixed_ips.iter().find(|f| Some(f.ip_address) == ip).ok_or_else(|| {
                    NeutronError::bad_resource_request("floatingip", format!("Port {port_id} does not have fixed ip {text}"))
                })?
            }
            None => match port.fixed_ips.as_slice() {
                [] => {
                    return Err(NeutronError::bad_resource_request(
                        "floatingip",
                        format!("Cannot add floating IP to port {port_id} that has no fixed IPv4 addresses"),
                    ))
                }
                [one] => one,
                _ => {
                    return Err(NeutronError::bad_resource_request(
                        "floatingip",
                        format!(
                            "Port {port_id} has multiple fixed IPv4 addresses.  Must provide a specific IPv4 address when assigning a floating IP"
                        ),
                    ))
                }
            },
        };
        if let Some(other) = self.floating_ips.values().find(|f| {
            Some(f.id.as_str()) != fip_id && f.port_id.as_deref() == Some(port_id) && f.fixed_ip_address == Some(fixed.ip_address)
        }) {
            let addr = fip_address.map(|a| a.to_string()).unwrap_or_default();
            return Err(NeutronError::conflict(
                "FloatingIPPortAlreadyAssociated",
                format!(
                    "Cannot associate floating IP {addr} ({}) with port {port_id} using fixed IP {}, as that fixed IP already has a floating IP on external network {}.",
                    fip_id.unwrap_or_default(),
                    fixed.ip_address,
                    other.floating_network_id
                ),
            ));
        }
        let router = self.routers.values().find(|r| {
            r.gateway.as_ref().is_some_and(|g| g.network_id == floating_network_id)
                && self.interfaces_of(&r.id).iter().any(|p| p.fixed_ips.iter().any(|f| f.subnet_id == fixed.subnet_id))
        });
        let router = router.ok_or_else(|| {
            NeutronError::not_found(
                "ExternalGatewayForFloatingIPNotFound",
                format!(
                    "External network {floating_network_id} is not reachable from subnet {}.  Therefore, cannot associate Port {port_id} with a Floating IP.",
                    fixed.subnet_id
                ),
            )
        })?;
        Ok(Association { port_id: port_id.to_string(), fixed_ip: fixed.ip_address, router_id: router.id.clone() })
    }

    /// Allocates a floating IP (its address held by a `network:floatingip` port) and associates it
    /// when a port is given; an associated floating IP starts DOWN until the L3 agent wires it.
    pub fn create_floating_ip(
        &mut self,
        ids: &mut Ids,
        now: SimTime,
        spec: FloatingIpSpec,
    ) -> NResult<(String, Option<PendingActivation>)> {
        self.create_floating_ip_as(ids, now, spec, false)
    }

    pub fn create_floating_ip_as(
        &mut self,
        ids: &mut Ids,
        now: SimTime,
        spec: FloatingIpSpec,
        admin: bool,
    ) -> NResult<(String, Option<PendingActivation>)> {
        let net_id = spec.floating_network_id.clone();
        let net = self.networks.get(&net_id).ok_or_else(|| NeutronError::network_not_found(&net_id))?;
        if !net.external {
            return Err(NeutronError::bad_resource_request("floatingip", format!("Network {net_id} is not a valid external network")));
        }
        let mut fixed = FixedIpSpec::default();
        if let Some(Some(sid)) = &spec.subnet_id {
            let s = self.subnets.get(sid).ok_or_else(|| NeutronError::subnet_not_found(sid))?;
            if s.network_id != net_id {
                return Err(NeutronError::bad_resource_request("floatingip", format!("Subnet {sid} is not on network {net_id}")));
            }
            fixed.subnet_id = Some(sid.clone());
        }
        if let Some(addr) = &spec.floating_ip_address {
            fixed.ip_address = Some(addr.clone());
        }
        let requested = if fixed.subnet_id.is_some() || fixed.ip_address.is_some() { Some(vec![fixed]) } else { None };
        let planned = self.plan_fixed_ips(&net_id, requested.as_deref(), None, &[], OWNER_FLOATINGIP)?;
        let address = planned.first().map(|f| f.ip_address).ok_or_else(|| super::ports::no_more_addresses(&net_id))?;
        let assoc = match spec.port_id.clone().flatten() {
            Some(port) => Some(self.plan_association(
                None,
                Some(address),
                &spec.project_id,
                &net_id,
                &port,
                spec.fixed_ip_address.clone().flatten().as_deref(),
                admin,
            )?),
            None => None,
        };
        let id = ids.uuid();
        let port_spec = PortSpec {
            network_id: net_id.clone(),
            project_id: String::new(),
            device_id: Some(id.clone()),
            device_owner: Some(OWNER_FLOATINGIP.into()),
            fixed_ips: Some(vec![FixedIpSpec { subnet_id: Some(planned[0].subnet_id.clone()), ip_address: Some(address.to_string()) }]),
            ..Default::default()
        };
        let floating_port_id = self.create_port_from(ids, now, port_spec)?;
        let pending = assoc.as_ref().map(|a| PendingActivation { floating_ip_id: id.clone(), port_id: a.port_id.clone() });
        self.floating_ips.insert(
            id.clone(),
            FloatingIp {
                id: id.clone(),
                project_id: spec.project_id,
                description: spec.description.unwrap_or_default(),
                floating_network_id: net_id,
                floating_ip_address: address,
                floating_port_id,
                port_id: assoc.as_ref().map(|a| a.port_id.clone()),
                fixed_ip_address: assoc.as_ref().map(|a| a.fixed_ip),
                router_id: assoc.as_ref().map(|a| a.router_id.clone()),
                status: "DOWN".into(),
                tags: spec.tags.unwrap_or_default().into_iter().collect(),
                created_at: now,
                updated_at: now,
                revision_number: 0,
            },
        );
        Ok((id, pending))
    }

    /// Associates (port_id), moves or disassociates (port_id null) a floating IP.
    pub fn update_floating_ip(&mut self, now: SimTime, id: &str, spec: FloatingIpSpec, admin: bool) -> NResult<Option<PendingActivation>> {
        let fip = self.floating_ips.get(id).ok_or_else(|| NeutronError::floating_ip_not_found(id))?.clone();
        let target_port = match &spec.port_id {
            Some(p) => p.clone(),
            None if spec.fixed_ip_address.is_some() => fip.port_id.clone(),
            None => None,
        };
        let mut pending = None;
        let change = spec.port_id.is_some() || spec.fixed_ip_address.is_some();
        let assoc = match (&target_port, change) {
            (Some(port), true) => Some(self.plan_association(
                Some(id),
                Some(fip.floating_ip_address),
                &fip.project_id,
                &fip.floating_network_id,
                port,
                spec.fixed_ip_address.clone().flatten().as_deref(),
                admin,
            )?),
            _ => None,
        };
        let f = self.floating_ips.get_mut(id).expect("checked");
        if change {
            match assoc {
                Some(a) => {
                    let moved = f.port_id.as_deref() != Some(a.port_id.as_str()) || f.fixed_ip_address != Some(a.fixed_ip);
                    if moved || f.status != "ACTIVE" {
                        f.status = "DOWN".into();
                        pending = Some(PendingActivation { floating_ip_id: id.to_string(), port_id: a.port_id.clone() });
                    }
                    f.port_id = Some(a.port_id);
                    f.fixed_ip_address = Some(a.fixed_ip);
                    f.router_id = Some(a.router_id);
                }
                None => {
                    disassociate(f, now);
                    f.revision_number -= 1;
                }
            }
        }
        if let Some(d) = spec.description {
            f.description = d;
        }
        touch(&mut f.updated_at, &mut f.revision_number, now);
        Ok(pending)
    }

    pub fn delete_floating_ip(&mut self, id: &str) -> NResult<()> {
        let fip = self.floating_ips.remove(id).ok_or_else(|| NeutronError::floating_ip_not_found(id))?;
        self.ports.remove(&fip.floating_port_id);
        Ok(())
    }

    /// The L3 agent has wired the floating IP: ACTIVE, if it is still associated with the same port.
    /// Returns whether anything changed.
    pub fn activate_floating_ip(&mut self, floating_ip_id: &str, port_id: &str, at: SimTime) -> bool {
        match self.floating_ips.get_mut(floating_ip_id) {
            Some(f) if f.port_id.as_deref() == Some(port_id) && f.status == "DOWN" => {
                f.status = "ACTIVE".into();
                touch(&mut f.updated_at, &mut f.revision_number, at);
                true
            }
            _ => false,
        }
    }
}
