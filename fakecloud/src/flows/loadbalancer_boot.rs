//! The fixture's load balancers, built settled: ACTIVE and ONLINE, amphorae running on their hosts
//! with fresh heartbeats, every child ACTIVE.

use crate::fixture::{Fixture, LoadBalancerSpec, ServerSpec};
use crate::loadbalancer::model::*;
use crate::loadbalancer::worker::{new_common, LbRequest, AMPHORA_FLAVOR, AMPHORA_NETWORK, SERVICE_PROJECT};
use crate::world::World;
use anyhow::{anyhow, bail};

impl World {
    pub(crate) fn boot_octavia(&mut self, f: &Fixture) -> anyhow::Result<()> {
        // The two flavors a typical deployment offers: one amphora, or an active/standby pair.
        for (name, description, topology) in [
            ("amphora-single", "One amphora per load balancer.", "SINGLE"),
            ("amphora-ha", "An active/standby pair of amphorae per load balancer.", "ACTIVE_STANDBY"),
        ] {
            let (id, flavor_profile_id) = (self.sim.ids.uuid(), self.sim.ids.uuid());
            let data =
                serde_json::json!({"loadbalancer_topology": topology, "compute_flavor": crate::loadbalancer::worker::AMPHORA_FLAVOR});
            self.octavia.flavor_profiles.insert(
                flavor_profile_id.clone(),
                FlavorProfile {
                    id: flavor_profile_id.clone(),
                    name: format!("{name}-profile"),
                    provider_name: "amphora".into(),
                    flavor_data: data.to_string(),
                },
            );
            self.octavia.flavors.push(LbFlavor {
                id,
                name: name.into(),
                description: description.into(),
                enabled: true,
                flavor_profile_id,
            });
        }
        for spec in &f.loadbalancers {
            self.boot_loadbalancer(spec).map_err(|e| anyhow!("load balancer {}: {e}", spec.name))?;
        }
        Ok(())
    }

    fn boot_loadbalancer(&mut self, spec: &LoadBalancerSpec) -> anyhow::Result<()> {
        if !crate::loadbalancer::model::PROVIDERS.iter().any(|(p, _)| *p == spec.provider) {
            bail!("unknown provider {}", spec.provider);
        }
        if spec.topology != "SINGLE" && spec.topology != "ACTIVE_STANDBY" {
            bail!("topology must be SINGLE or ACTIVE_STANDBY");
        }
        let project = self.identity.project_named(&spec.project).ok_or_else(|| anyhow!("unknown project {}", spec.project))?.id.clone();
        let subnet = self
            .network
            .subnets
            .values()
            .find(|s| s.name == spec.vip_subnet)
            .ok_or_else(|| anyhow!("unknown subnet {}", spec.vip_subnet))?;
        let req = LbRequest {
            name: spec.name.clone(),
            description: String::new(),
            project_id: project.clone(),
            provider: spec.provider.clone(),
            topology: spec.topology.clone(),
            vip_network_id: subnet.network_id.clone(),
            vip_subnet_id: subnet.id.clone(),
            admin_state_up: true,
            ..Default::default()
        };
        // The create flow's VIP port and rows, then settle what the worker would have done.
        let lb_id = self.create_loadbalancer_settled(req)?;
        if spec.provider != "ovn" {
            for (i, role) in amphora_roles(&spec.topology).iter().enumerate() {
                self.boot_amphora(&lb_id, role, spec.amphora_hosts.get(i).cloned())?;
            }
        }
        let now = self.now();
        let mut listener_ids = Vec::new();
        for l in &spec.listeners {
            let id = self.sim.ids.uuid();
            let seq = self.octavia.seq();
            let mut c = new_common(id.clone(), seq, l.name.clone(), project.clone(), true, now);
            settle(&mut c);
            self.octavia.insert_listener(Listener {
                c,
                loadbalancer_id: lb_id.clone(),
                protocol: l.protocol.clone(),
                protocol_port: l.port,
                connection_limit: -1,
                default_pool_id: None,
                settings: Default::default(),
            });
            listener_ids.push((l.name.clone(), id));
        }
        for p in &spec.pools {
            let pool_id = self.sim.ids.uuid();
            let listener_id = match &p.listener {
                Some(name) => Some(
                    listener_ids
                        .iter()
                        .find(|(n, _)| n == name)
                        .ok_or_else(|| anyhow!("pool {}: unknown listener {name}", p.name))?
                        .1
                        .clone(),
                ),
                None => None,
            };
            let seq = self.octavia.seq();
            let mut c = new_common(pool_id.clone(), seq, p.name.clone(), project.clone(), true, now);
            settle(&mut c);
            let hm_id = p.healthmonitor.as_ref().map(|_| self.sim.ids.uuid());
            self.octavia.insert_pool(Pool {
                c,
                loadbalancer_id: lb_id.clone(),
                listener_id: listener_id.clone(),
                protocol: p.protocol.clone(),
                lb_algorithm: p.lb_algorithm.clone(),
                healthmonitor_id: hm_id.clone(),
                session_persistence: None,
                tls: Default::default(),
            });
            if let Some(l) = listener_id.and_then(|l| self.octavia.listeners.get_mut(&l)) {
                l.default_pool_id = Some(pool_id.clone());
            }
            if let (Some(hm), Some(hm_id)) = (&p.healthmonitor, hm_id) {
                let seq = self.octavia.seq();
                let mut c = new_common(hm_id.clone(), seq, hm.name.clone().unwrap_or_default(), project.clone(), true, now);
                settle(&mut c);
                self.octavia.monitors.insert(
                    hm_id,
                    HealthMonitor {
                        c,
                        pool_id: pool_id.clone(),
                        kind: hm.kind.clone(),
                        delay: hm.delay,
                        timeout: hm.timeout,
                        max_retries: hm.max_retries,
                        max_retries_down: hm.max_retries_down,
                        http_method: None,
                        url_path: None,
                        expected_codes: None,
                        http_version: None,
                        domain_name: None,
                    },
                );
            }
            for m in &p.members {
                let (address, subnet_id, backing) = match (&m.server, &m.address) {
                    (Some(server), None) => {
                        let sid = self.compute.server_id_named(server).ok_or_else(|| anyhow!("member: unknown server {server}"))?;
                        let port = self
                            .network
                            .ports
                            .values()
                            .find(|p| p.device_id == sid)
                            .ok_or_else(|| anyhow!("member: server {server} has no port"))?;
                        let ip = port.fixed_ips.first().ok_or_else(|| anyhow!("member: server {server} has no address"))?;
                        (ip.ip_address.to_string(), Some(ip.subnet_id.clone()), Some(sid))
                    }
                    (None, Some(a)) => (a.clone(), None, None),
                    _ => bail!("member of pool {}: give exactly one of server and address", p.name),
                };
                let id = self.sim.ids.uuid();
                let seq = self.octavia.seq();
                let name = m.name.clone().or_else(|| m.server.clone()).unwrap_or_default();
                let mut c = new_common(id.clone(), seq, name, project.clone(), true, now);
                settle(&mut c);
                self.octavia.insert_member(Member {
                    c,
                    pool_id: pool_id.clone(),
                    address,
                    protocol_port: m.port,
                    weight: 1,
                    subnet_id,
                    monitor_address: None,
                    monitor_port: None,
                    backup: false,
                    backing_server: backing,
                    health_rises_at: None,
                });
            }
        }
        Ok(())
    }

    /// The LB row and VIP port of a fixture load balancer, ACTIVE and ONLINE.
    fn create_loadbalancer_settled(&mut self, req: LbRequest) -> anyhow::Result<String> {
        let id = self.insert_loadbalancer(req).map_err(|e| anyhow!("{}", e.1))?;
        settle(&mut self.octavia.loadbalancers.get_mut(&id).expect("just created").c);
        Ok(id)
    }

    fn boot_amphora(&mut self, lb_id: &str, role: &str, host: Option<String>) -> anyhow::Result<()> {
        let now = self.now();
        let amp_id = self.sim.ids.uuid();
        let server_id = self.sim.ids.uuid();
        let image = self
            .image
            .images
            .iter()
            .find(|i| i.tags.iter().any(|t| t == "amphora"))
            .ok_or_else(|| anyhow!("no image tagged amphora"))?
            .clone();
        let spec = ServerSpec {
            id: Some(server_id.clone()),
            name: format!("amphora-{amp_id}"),
            project: SERVICE_PROJECT.into(),
            user: "admin".into(),
            flavor: AMPHORA_FLAVOR.into(),
            image: image.name.clone(),
            networks: vec![AMPHORA_NETWORK.into()],
            host,
            status: "ACTIVE".into(),
            floating_ip: false,
            key_name: None,
            metadata: Default::default(),
        };
        self.boot_fixture_server(&spec)?;
        let server = self.compute.server(&server_id).expect("just booted");
        let zone = server.host.as_deref().and_then(|h| self.compute.host(h)).map(|h| h.az.clone());
        let ip = self
            .network
            .ports
            .values()
            .find(|p| p.device_id == server_id)
            .and_then(|p| p.fixed_ips.first())
            .map(|f| f.ip_address.to_string());
        let seq = self.octavia.seq();
        let flavor = self.compute.flavors.iter().find(|f| f.name == AMPHORA_FLAVOR).map(|f| f.id.clone());
        let image_id = Some(image.id.clone());
        self.octavia.amphorae.insert(
            amp_id.clone(),
            Amphora {
                id: amp_id,
                seq,
                loadbalancer_id: Some(lb_id.into()),
                compute_id: Some(server_id),
                lb_network_ip: ip,
                vrrp_ip: None,
                ha_ip: None,
                vrrp_port_id: None,
                ha_port_id: None,
                role: role.into(),
                status: AMP_ALLOCATED.into(),
                vrrp_priority: vrrp_priority(role),
                cached_zone: zone,
                image_id,
                compute_flavor: flavor,
                created_at: now,
                updated_at: Some(now),
                cert_expiration: now + chrono::Duration::days(730),
                flow: AmphoraFlow::None,
                last_heartbeat: Some(now),
            },
        );
        self.ensure_health_manager();
        Ok(())
    }
}

/// A fixture object as the worker leaves it: ACTIVE, ONLINE.
fn settle(c: &mut Common) {
    c.provisioning_status = ACTIVE.into();
    c.operating_status = ONLINE.into();
    c.updated_at = Some(c.created_at);
}
