//! The cross-project isolation table: one entry per resource type.

use crate::setup::Ctx;
use crate::{Isolated, ListSees, Owning};
use serde_json::{json, Value};

pub fn isolated(x: &Ctx) -> Vec<Isolated> {
    let demo = |kind, id: &str, list: &str, show: String, update: Option<(&'static str, Value)>, refused| Isolated {
        kind,
        id: id.to_string(),
        owning: Owning::Demo,
        headers: vec![],
        list: list.to_string(),
        list_sees: ListSees::NotIncluded,
        update: update.map(|(m, b)| (m, show.clone(), b)),
        delete: show.clone(),
        show,
        refused,
    };
    let n = |coll: &str, id: &str| format!("/network/v2.0/{coll}/{id}");
    let lb = |coll: &str, id: &str| format!("/load-balancer/v2/lbaas/{coll}/{id}");
    let nova210 = vec![("x-openstack-nova-api-version", "2.10".to_string())];
    let magnum = vec![("openstack-api-version", "container-infra 1.10".to_string())];
    let mut keypair =
        demo("keypair", "pm-key", "/compute/v2.1/os-keypairs", format!("/compute/v2.1/os-keypairs/pm-key?user_id={}", x.demo_u), None, 403);
    keypair.headers = nova210;
    let mut out = vec![
        demo(
            "server",
            &x.server,
            "/compute/v2.1/servers/detail",
            format!("/compute/v2.1/servers/{}", x.server),
            Some(("PUT", json!({"server": {"name": "stolen"}}))),
            404,
        ),
        keypair,
        demo("server group", &x.group, "/compute/v2.1/os-server-groups", format!("/compute/v2.1/os-server-groups/{}", x.group), None, 404),
        demo(
            "network",
            &x.net,
            "/network/v2.0/networks",
            n("networks", &x.net),
            Some(("PUT", json!({"network": {"name": "stolen"}}))),
            404,
        ),
        demo(
            "subnet",
            &x.subnet,
            "/network/v2.0/subnets",
            n("subnets", &x.subnet),
            Some(("PUT", json!({"subnet": {"name": "stolen"}}))),
            404,
        ),
        demo("port", &x.port, "/network/v2.0/ports", n("ports", &x.port), Some(("PUT", json!({"port": {"name": "stolen"}}))), 404),
        demo(
            "floating IP",
            &x.fip,
            "/network/v2.0/floatingips",
            n("floatingips", &x.fip),
            Some(("PUT", json!({"floatingip": {"port_id": null}}))),
            404,
        ),
        demo(
            "router",
            &x.router,
            "/network/v2.0/routers",
            n("routers", &x.router),
            Some(("PUT", json!({"router": {"name": "stolen"}}))),
            404,
        ),
        demo(
            "security group",
            &x.sg,
            "/network/v2.0/security-groups",
            n("security-groups", &x.sg),
            Some(("PUT", json!({"security_group": {"name": "stolen"}}))),
            404,
        ),
        demo("security group rule", &x.sg_rule, "/network/v2.0/security-group-rules", n("security-group-rules", &x.sg_rule), None, 404),
        demo("private image", &x.image, "/image/v2/images", format!("/image/v2/images/{}", x.image), None, 404),
        demo(
            "volume",
            &x.volume,
            "/volume/v3/volumes/detail",
            format!("/volume/v3/volumes/{}", x.volume),
            Some(("PUT", json!({"volume": {"name": "stolen"}}))),
            404,
        ),
    ];
    let capi = |kind,
                id: &str,
                list: String,
                show: String,
                update: Option<(&'static str, Value)>,
                refused,
                headers: &Vec<(&'static str, String)>| Isolated {
        kind,
        id: id.to_string(),
        owning: Owning::Capi,
        headers: headers.clone(),
        list,
        list_sees: ListSees::NotIncluded,
        update: update.map(|(m, b)| (m, show.clone(), b)),
        delete: show.clone(),
        show,
        refused,
    };
    let none = vec![];
    out.extend([
        capi(
            "load balancer",
            &x.lb,
            "/load-balancer/v2/lbaas/loadbalancers".into(),
            lb("loadbalancers", &x.lb),
            Some(("PUT", json!({"loadbalancer": {"name": "stolen"}}))),
            403,
            &none,
        ),
        capi(
            "listener",
            &x.listener,
            "/load-balancer/v2/lbaas/listeners".into(),
            lb("listeners", &x.listener),
            Some(("PUT", json!({"listener": {"name": "stolen"}}))),
            403,
            &none,
        ),
        capi(
            "pool",
            &x.pool,
            "/load-balancer/v2/lbaas/pools".into(),
            lb("pools", &x.pool),
            Some(("PUT", json!({"pool": {"name": "stolen"}}))),
            403,
            &none,
        ),
        capi(
            "health monitor",
            &x.hm,
            "/load-balancer/v2/lbaas/healthmonitors".into(),
            lb("healthmonitors", &x.hm),
            Some(("PUT", json!({"healthmonitor": {"name": "stolen"}}))),
            403,
            &none,
        ),
        capi(
            "Magnum cluster",
            &x.cluster,
            "/container-infra/v1/clusters".into(),
            format!("/container-infra/v1/clusters/{}", x.cluster),
            Some(("PATCH", json!([{"op": "replace", "path": "/node_count", "value": 3}]))),
            404,
            &magnum,
        ),
        capi(
            "private cluster template",
            &x.template,
            "/container-infra/v1/clustertemplates".into(),
            format!("/container-infra/v1/clustertemplates/{}", x.template),
            None,
            404,
            &magnum,
        ),
    ]);
    let mut member = capi(
        "pool member",
        &x.member,
        format!("/load-balancer/v2/lbaas/pools/{}/members", x.pool),
        format!("/load-balancer/v2/lbaas/pools/{}/members/{}", x.pool, x.member),
        Some(("PUT", json!({"member": {"name": "stolen"}}))),
        403,
        &none,
    );
    member.list_sees = ListSees::Refused(403);
    let mut nodegroup = capi(
        "Magnum node group",
        &x.nodegroup,
        format!("/container-infra/v1/clusters/{}/nodegroups", x.cluster),
        format!("/container-infra/v1/clusters/{}/nodegroups/{}", x.cluster, x.nodegroup),
        None,
        404,
        &magnum,
    );
    nodegroup.list_sees = ListSees::Refused(404);
    // Placement is the admin's (and services') alone: every project member is refused.
    let placement = vec![("openstack-api-version", "placement 1.39".to_string())];
    let mut provider = capi(
        "resource provider",
        &x.rp,
        "/placement/resource_providers".into(),
        format!("/placement/resource_providers/{}", x.rp),
        Some(("PUT", json!({"name": "stolen"}))),
        403,
        &placement,
    );
    provider.list_sees = ListSees::Refused(403);
    out.extend([member, nodegroup, provider]);
    out
}
