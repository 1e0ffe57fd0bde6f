//! The clouds the scenarios run on: the default fixture crowded with servers, or with load
//! balancers shaped like CAPO's.

/// Load balancers in the `lbs` scenario's cloud (and its memory row); three members each.
pub const BENCH_LBS: usize = 1_000;
/// Amphorae per bench host in the `lbs` cloud.
const AMPHORAE_PER_HOST: usize = 100;
/// Of every 20 bench LBs, how many use provider `amphora` (the rest `ovn`): 450 amphorae for 1,000
/// LBs. Fixture amphorae are Nova servers of the `service` project, and booting them checks that
/// project's Neutron port quota (default 500, which a fixture cannot raise), so a fixture cannot
/// hold 1,000 amphorae.
const AMPHORA_LBS_PER_20: usize = 9;

/// The default cloud with `servers` extra servers in the demo project, spread over 50 large hosts
/// (no ports: the bench measures Nova's listing, not Neutron's IP pools). The default hosts are
/// replaced, so the fixture's own servers and amphorae move to `bench-00`.
pub fn crowded_fixture(servers: usize) -> fakecloud::Fixture {
    let mut f = fakecloud::Fixture::default_cloud();
    f.hosts = (0..50).map(|i| bench_host(format!("bench-{i:02}"), format!("10.200.{}.{}", i / 200, i % 200 + 10))).collect();
    for s in &mut f.servers {
        s.host = Some("bench-00".into());
    }
    for lb in &mut f.loadbalancers {
        for h in &mut lb.amphora_hosts {
            *h = "bench-00".into();
        }
    }
    f.servers.extend((0..servers).map(|i| fakecloud::fixture::ServerSpec {
        id: None,
        name: format!("load-{i:05}"),
        project: "demo".into(),
        user: "demo".into(),
        flavor: "m1.tiny".into(),
        image: "cirros-0.6.2-x86_64-disk".into(),
        networks: vec![],
        host: Some(format!("bench-{:02}", i % 50)),
        status: "ACTIVE".into(),
        floating_ip: false,
        key_name: None,
        metadata: Default::default(),
    }));
    f
}

/// A large bench hypervisor: 512 vCPUs at 16x, about 2 TB of RAM, 100 TB of disk.
fn bench_host(name: String, ip: String) -> fakecloud::fixture::HostSpec {
    fakecloud::fixture::HostSpec {
        name,
        ip,
        az: "nova".into(),
        vcpus: 512,
        memory_mb: 2_000_000,
        disk_gb: 100_000,
        cpu_allocation_ratio: 16.0,
        ram_allocation_ratio: 1.0,
        disk_allocation_ratio: 1.0,
        reserved_host_memory_mb: 4096,
        reserved_host_disk_mb: 0,
        reserved_host_cpus: 0,
        resume_guests_state_on_host_boot: false,
    }
}

/// The name of the `i`th bench load balancer, as CAPO names a workload cluster's API-server LB.
pub fn bench_lb_name(i: usize) -> String {
    format!("k8s-clusterapi-cluster-bench-c{i:04}-kubeapi")
}

/// The default cloud plus `lbs` load balancers in `demo`, shaped like CAPO's: one TCP listener on
/// 6443, its default pool (TCP health monitor) with three members given by literal address. Of
/// every 20, `AMPHORA_LBS_PER_20` use provider `amphora` with one STANDALONE amphora, the others
/// `ovn` (see `AMPHORA_LBS_PER_20` for why not all). The VIPs come from a /16 subnet added for the
/// bench; the amphorae (flavor `amphora`: 1 vCPU, 1 GB, 8 GB disk) are placed on added bench hosts,
/// at most `AMPHORAE_PER_HOST` per host, with management ports on the default `lb-mgmt-net` (/16).
/// The default fixture's hosts, servers and load balancer are kept as they are.
pub fn lbs_fixture(lbs: usize) -> fakecloud::Fixture {
    lbs_fixture_on(fakecloud::Fixture::default_cloud(), lbs)
}

/// `lbs_fixture`'s load balancers (and their hosts and VIP subnet) added to `base`.
pub fn lbs_fixture_on(base: fakecloud::Fixture, lbs: usize) -> fakecloud::Fixture {
    use fakecloud::fixture::{HealthMonitorSpec, ListenerSpec, LoadBalancerSpec, MemberSpec, NetworkSpec, PoolSpec, SubnetSpec};
    let mut f = base;
    let amphora = |i: usize| i % 20 < AMPHORA_LBS_PER_20;
    let hosts = (0..lbs).filter(|i| amphora(*i)).count().div_ceil(AMPHORAE_PER_HOST).max(1);
    f.hosts.extend((0..hosts).map(|i| bench_host(format!("bench-lb-{i:02}"), format!("10.201.{}.{}", i / 200, i % 200 + 10))));
    f.networks.push(NetworkSpec {
        id: None,
        name: "bench-lb-vip-net".into(),
        project: "demo".into(),
        external: false,
        shared: false,
        subnets: vec![SubnetSpec {
            id: None,
            name: "bench-lb-vip-subnet".into(),
            cidr: "10.100.0.0/16".into(),
            gateway_ip: None,
            allocation_pools: vec![],
        }],
    });
    f.loadbalancers.extend((0..lbs).map(|i| {
        let name = bench_lb_name(i);
        let port_name = format!("{name}-6443");
        LoadBalancerSpec {
            name: name.clone(),
            project: "demo".into(),
            vip_subnet: "bench-lb-vip-subnet".into(),
            provider: if amphora(i) { "amphora" } else { "ovn" }.into(),
            topology: "SINGLE".into(),
            amphora_hosts: if amphora(i) { vec![format!("bench-lb-{:02}", i % hosts)] } else { vec![] },
            listeners: vec![ListenerSpec { name: port_name.clone(), protocol: "TCP".into(), port: 6443 }],
            pools: vec![PoolSpec {
                name: port_name.clone(),
                protocol: "TCP".into(),
                lb_algorithm: "ROUND_ROBIN".into(),
                listener: Some(port_name.clone()),
                healthmonitor: Some(HealthMonitorSpec {
                    name: Some(port_name.clone()),
                    kind: "TCP".into(),
                    delay: 10,
                    timeout: 5,
                    max_retries: 5,
                    max_retries_down: 3,
                }),
                members: (0..3)
                    .map(|m| {
                        let n = i * 3 + m;
                        MemberSpec {
                            name: Some(format!("{port_name}-cp-{m}")),
                            server: None,
                            address: Some(format!("10.101.{}.{}", n / 250, n % 250 + 1)),
                            port: 6443,
                        }
                    })
                    .collect(),
            }],
        }
    }));
    f
}
