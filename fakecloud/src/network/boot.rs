//! Neutron as the fixture describes it: networks, subnets, routers, agents and every project's
//! default security group, built settled before the first request.

use super::model::*;
use crate::fixture::Fixture;
use crate::identity::Identity;
use crate::sim::{Ids, SimTime};
use anyhow::{anyhow, bail};

impl Network {
    /// Networks, subnets, routers and agents from the fixture (servers' ports come from Nova). Every
    /// project gets its `default` security group up front (Neutron makes it on a project's first call).
    pub fn from_fixture(f: &Fixture, idn: &Identity, ids: &mut Ids, now: SimTime) -> anyhow::Result<Network> {
        let mut n = Network { controllers: f.controllers.clone(), ..Network::default() };
        for h in &f.hosts {
            if !n.compute_hosts.contains(&h.name) {
                n.compute_hosts.push(h.name.clone());
            }
        }
        n.register_agents(f, ids, now);
        for p in &idn.projects {
            n.ensure_default_security_group(ids, now, &p.id);
        }
        let project_id = |name: &str, what: &str| -> anyhow::Result<String> {
            Ok(idn.project_named(name).ok_or_else(|| anyhow!("{what}: unknown project {name}"))?.id.clone())
        };
        for spec in &f.networks {
            let owner = project_id(&spec.project, &format!("network {}", spec.name))?;
            if n.networks.values().any(|x| x.name == spec.name) {
                bail!("network {}: the name is used twice", spec.name);
            }
            let id = spec.id.clone().unwrap_or_else(|| ids.uuid());
            n.insert_network(id.clone(), &spec.name, &owner, spec.shared, spec.external, now);
            for s in &spec.subnets {
                let gateway = s.gateway_ip.clone().map(Some);
                let pools = if s.allocation_pools.is_empty() {
                    None
                } else {
                    Some(s.allocation_pools.iter().map(|p| (p.start.clone(), p.end.clone())).collect())
                };
                let req = super::networks::SubnetSpec {
                    subnet_id: s.id.clone(),
                    name: Some(s.name.clone()),
                    cidr: Some(s.cidr.clone()),
                    gateway_ip: gateway,
                    allocation_pools: pools,
                    // devstack and TripleO make external subnets without DHCP.
                    enable_dhcp: Some(!spec.external),
                    ..Default::default()
                };
                n.create_subnet_on(ids, now, &id, &owner, req).map_err(|e| anyhow!("subnet {}: {}", s.name, e.message))?;
            }
        }
        for r in &f.routers {
            let owner = project_id(&r.project, &format!("router {}", r.name))?;
            let gateway = match &r.external_network {
                Some(name) => {
                    let net = n.network_named(name).ok_or_else(|| anyhow!("router {}: unknown network {name}", r.name))?;
                    Some(net.id.clone())
                }
                None => None,
            };
            let router_id = n.insert_router(ids, now, &r.name, &owner);
            if let Some(net) = gateway {
                n.set_gateway(ids, now, &router_id, Some(super::l3::GatewayReq { network_id: net, enable_snat: None, fixed_ips: vec![] }))
                    .map_err(|e| anyhow!("router {}: {}", r.name, e.message))?;
            }
            for sname in &r.subnets {
                let subnet = n
                    .subnets
                    .values()
                    .find(|s| &s.name == sname)
                    .ok_or_else(|| anyhow!("router {}: unknown subnet {sname}", r.name))?
                    .id
                    .clone();
                n.add_interface_by_subnet(ids, now, &router_id, &subnet).map_err(|e| anyhow!("router {}: {}", r.name, e.message))?;
            }
        }
        Ok(n)
    }
}
