//! Tags (Neutron's standard-attr tag extension) on the resources that carry them: the tag set of
//! one resource, and replacing it, which bumps the resource's revision as any update does.

use super::error::NResult;
use super::model::{Network, Viewer};
use crate::sim::SimTime;
use std::collections::BTreeSet;

/// A kind of resource that carries tags.
#[derive(Clone, Copy, Debug)]
pub enum Tagged {
    Network,
    Subnet,
    Port,
    Router,
    FloatingIp,
    SecurityGroup,
    SubnetPool,
}

impl Tagged {
    pub fn singular(self) -> &'static str {
        match self {
            Tagged::Network => "network",
            Tagged::Subnet => "subnet",
            Tagged::Port => "port",
            Tagged::Router => "router",
            Tagged::FloatingIp => "floatingip",
            Tagged::SecurityGroup => "security_group",
            Tagged::SubnetPool => "subnetpool",
        }
    }

    /// The owner of a resource the viewer can see.
    pub fn owner(self, n: &Network, v: &Viewer, id: &str) -> NResult<String> {
        Ok(match self {
            Tagged::Network => n.network_for(v, id)?.project_id.clone(),
            Tagged::Subnet => n.subnet_for(v, id)?.project_id.clone(),
            Tagged::Port => n.port_for(v, id)?.project_id.clone(),
            Tagged::Router => n.router_for(v, id)?.project_id.clone(),
            Tagged::FloatingIp => n.floating_ip_for(v, id)?.project_id.clone(),
            Tagged::SecurityGroup => n.security_group_for(v, id)?.project_id.clone(),
            Tagged::SubnetPool => n.subnet_pool_for(v, id)?.project_id.clone(),
        })
    }

    pub fn tags(self, n: &Network, id: &str) -> BTreeSet<String> {
        match self {
            Tagged::Network => n.networks.get(id).map(|x| x.tags.clone()),
            Tagged::Subnet => n.subnets.get(id).map(|x| x.tags.clone()),
            Tagged::Port => n.ports.get(id).map(|x| x.tags.clone()),
            Tagged::Router => n.routers.get(id).map(|x| x.tags.clone()),
            Tagged::FloatingIp => n.floating_ips.get(id).map(|x| x.tags.clone()),
            Tagged::SecurityGroup => n.security_groups.get(id).map(|x| x.tags.clone()),
            Tagged::SubnetPool => n.subnet_pools.get(id).map(|x| x.tags.clone()),
        }
        .unwrap_or_default()
    }

    /// Replaces the tags, bumping the resource's revision.
    pub fn set_tags(self, n: &mut Network, id: &str, tags: BTreeSet<String>, now: SimTime) {
        let (t, at, rev) = match self {
            Tagged::Network => n.networks.get_mut(id).map(|x| (&mut x.tags, &mut x.updated_at, &mut x.revision_number)),
            Tagged::Subnet => n.subnets.get_mut(id).map(|x| (&mut x.tags, &mut x.updated_at, &mut x.revision_number)),
            Tagged::Port => n.ports.get_mut(id).map(|x| (&mut x.tags, &mut x.updated_at, &mut x.revision_number)),
            Tagged::Router => n.routers.get_mut(id).map(|x| (&mut x.tags, &mut x.updated_at, &mut x.revision_number)),
            Tagged::FloatingIp => n.floating_ips.get_mut(id).map(|x| (&mut x.tags, &mut x.updated_at, &mut x.revision_number)),
            Tagged::SecurityGroup => n.security_groups.get_mut(id).map(|x| (&mut x.tags, &mut x.updated_at, &mut x.revision_number)),
            Tagged::SubnetPool => n.subnet_pools.get_mut(id).map(|x| (&mut x.tags, &mut x.updated_at, &mut x.revision_number)),
        }
        .expect("checked by owner()");
        if *t != tags {
            *t = tags;
            super::model::touch(at, rev, now);
        }
    }
}
