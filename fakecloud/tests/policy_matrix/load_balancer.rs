//! Octavia (octavia/policies). Its rows are written once, under `/load-balancer/V/`, and the table
//! takes them under both API versions.

use crate::Hidden::Forbidden as H403;
use crate::Rule::*;
use crate::{capi, req, row, Row};
use serde_json::json;

/// The version document at the service root.
pub fn root() -> Vec<Row> {
    vec![row("GET", "/load-balancer", Public, "version discovery (unauthenticated)", |_, _| req())]
}

/// Octavia (octavia/policies), on capi-mgmt's fixture load balancer tree. Another project's object
/// is refused with the policy's 403, as Octavia checks the object's project.
pub fn rows() -> Vec<Row> {
    vec![
        row("GET", "/load-balancer/V/lbaas/loadbalancers", OwnProjectReader, "os_load-balancer_api:loadbalancer:get_all", |_, _| req()),
        row("POST", "/load-balancer/V/lbaas/loadbalancers", OwnProjectMember, "os_load-balancer_api:loadbalancer:post", |x, w| {
            req().json(json!({"loadbalancer": {"name": "pm-new", "vip_subnet_id": x.own_vip_subnet(w)}}))
        }),
        row(
            "GET",
            "/load-balancer/V/lbaas/loadbalancers/{id}",
            ProjectReader(H403),
            "os_load-balancer_api:loadbalancer:get_one",
            |x, _| req().p("id", &x.lb),
        ),
        row("PUT", "/load-balancer/V/lbaas/loadbalancers/{id}", ProjectMember(H403), "os_load-balancer_api:loadbalancer:put", |x, _| {
            req().p("id", &x.lb).json(json!({"loadbalancer": {"description": "pm"}}))
        }),
        row(
            "DELETE",
            "/load-balancer/V/lbaas/loadbalancers/{id}",
            ProjectMember(H403),
            "os_load-balancer_api:loadbalancer:delete",
            |x, _| req().p("id", &x.lb).q("cascade=true"),
        ),
        row(
            "GET",
            "/load-balancer/V/lbaas/loadbalancers/{id}/status",
            ProjectReader(H403),
            "os_load-balancer_api:loadbalancer:get_status",
            |x, _| req().p("id", &x.lb),
        ),
        row(
            "GET",
            "/load-balancer/V/lbaas/loadbalancers/{id}/stats",
            ProjectReader(H403),
            "os_load-balancer_api:loadbalancer:get_stats",
            |x, _| req().p("id", &x.lb),
        ),
        row(
            "PUT",
            "/load-balancer/V/lbaas/loadbalancers/{id}/failover",
            Admin,
            "os_load-balancer_api:loadbalancer:put_failover",
            |x, _| req().p("id", &x.lb),
        ),
        row("GET", "/load-balancer/V/lbaas/listeners", OwnProjectReader, "os_load-balancer_api:listener:get_all", |_, _| req()),
        // The parent load balancer's project is the target.
        row("POST", "/load-balancer/V/lbaas/listeners", ProjectMember(H403), "os_load-balancer_api:listener:post", |x, _| {
            req().json(json!({"listener": {"loadbalancer_id": x.lb, "protocol": "TCP", "protocol_port": 8443}}))
        }),
        row("GET", "/load-balancer/V/lbaas/listeners/{id}", ProjectReader(H403), "os_load-balancer_api:listener:get_one", |x, _| {
            req().p("id", &x.listener)
        }),
        row("PUT", "/load-balancer/V/lbaas/listeners/{id}", ProjectMember(H403), "os_load-balancer_api:listener:put", |x, _| {
            req().p("id", &x.listener).json(json!({"listener": {"description": "pm"}}))
        }),
        row("DELETE", "/load-balancer/V/lbaas/listeners/{id}", ProjectMember(H403), "os_load-balancer_api:listener:delete", |x, _| {
            req().p("id", &x.listener)
        }),
        row(
            "GET",
            "/load-balancer/V/lbaas/listeners/{id}/stats",
            ProjectReader(H403),
            "os_load-balancer_api:listener:get_stats",
            |x, _| req().p("id", &x.listener),
        ),
        row("GET", "/load-balancer/V/lbaas/pools", OwnProjectReader, "os_load-balancer_api:pool:get_all", |_, _| req()),
        row("POST", "/load-balancer/V/lbaas/pools", ProjectMember(H403), "os_load-balancer_api:pool:post", |x, _| {
            req().json(json!({"pool": {"loadbalancer_id": x.lb, "protocol": "TCP", "lb_algorithm": "ROUND_ROBIN"}}))
        }),
        row("GET", "/load-balancer/V/lbaas/pools/{id}", ProjectReader(H403), "os_load-balancer_api:pool:get_one", |x, _| {
            req().p("id", &x.pool)
        }),
        row("PUT", "/load-balancer/V/lbaas/pools/{id}", ProjectMember(H403), "os_load-balancer_api:pool:put", |x, _| {
            req().p("id", &x.pool).json(json!({"pool": {"description": "pm"}}))
        }),
        row("DELETE", "/load-balancer/V/lbaas/pools/{id}", ProjectMember(H403), "os_load-balancer_api:pool:delete", |x, _| {
            req().p("id", &x.pool)
        }),
        row("GET", "/load-balancer/V/lbaas/pools/{id}/members", ProjectReader(H403), "os_load-balancer_api:member:get_all", |x, _| {
            req().p("id", &x.pool)
        }),
        row("POST", "/load-balancer/V/lbaas/pools/{id}/members", ProjectMember(H403), "os_load-balancer_api:member:post", |x, _| {
            req().p("id", &x.pool).json(json!({"member": {"address": "10.6.0.200", "protocol_port": 6443}}))
        }),
        row("PUT", "/load-balancer/V/lbaas/pools/{id}/members", ProjectMember(H403), "os_load-balancer_api:member:put", |x, _| {
            req().p("id", &x.pool).json(json!({"members": []}))
        }),
        row(
            "GET",
            "/load-balancer/V/lbaas/pools/{id}/members/{member}",
            ProjectReader(H403),
            "os_load-balancer_api:member:get_one",
            |x, _| req().p("id", &x.pool).p("member", &x.member),
        ),
        row("PUT", "/load-balancer/V/lbaas/pools/{id}/members/{member}", ProjectMember(H403), "os_load-balancer_api:member:put", |x, _| {
            req().p("id", &x.pool).p("member", &x.member).json(json!({"member": {"name": "pm"}}))
        }),
        row(
            "DELETE",
            "/load-balancer/V/lbaas/pools/{id}/members/{member}",
            ProjectMember(H403),
            "os_load-balancer_api:member:delete",
            |x, _| req().p("id", &x.pool).p("member", &x.member),
        ),
        row("GET", "/load-balancer/V/lbaas/healthmonitors", OwnProjectReader, "os_load-balancer_api:healthmonitor:get_all", |_, _| req()),
        // The pool has its monitor already: Octavia's 409 comes only after the policy check.
        row("POST", "/load-balancer/V/lbaas/healthmonitors", ProjectMember(H403), "os_load-balancer_api:healthmonitor:post", |x, _| {
            req().json(json!({"healthmonitor": {"pool_id": x.pool, "type": "TCP", "delay": 10, "timeout": 5, "max_retries": 3}})).also(409)
        }),
        row(
            "GET",
            "/load-balancer/V/lbaas/healthmonitors/{id}",
            ProjectReader(H403),
            "os_load-balancer_api:healthmonitor:get_one",
            |x, _| req().p("id", &x.hm),
        ),
        row("PUT", "/load-balancer/V/lbaas/healthmonitors/{id}", ProjectMember(H403), "os_load-balancer_api:healthmonitor:put", |x, _| {
            req().p("id", &x.hm).json(json!({"healthmonitor": {"name": "pm"}}))
        }),
        row(
            "DELETE",
            "/load-balancer/V/lbaas/healthmonitors/{id}",
            ProjectMember(H403),
            "os_load-balancer_api:healthmonitor:delete",
            |x, _| req().p("id", &x.hm),
        ),
        row("GET", "/load-balancer/V/lbaas/l7policies", OwnProjectReader, "os_load-balancer_api:l7policy:get_all", |_, _| req()),
        // The listener's project is the target.
        row("POST", "/load-balancer/V/lbaas/l7policies", ProjectMember(H403), "os_load-balancer_api:l7policy:post", |x, _| {
            req().json(json!({"l7policy": {"listener_id": x.l7listener, "action": "REJECT", "position": 1}}))
        }),
        row("GET", "/load-balancer/V/lbaas/l7policies/{id}", ProjectReader(H403), "os_load-balancer_api:l7policy:get_one", |x, _| {
            req().p("id", &x.l7policy)
        }),
        row("PUT", "/load-balancer/V/lbaas/l7policies/{id}", ProjectMember(H403), "os_load-balancer_api:l7policy:put", |x, _| {
            req().p("id", &x.l7policy).json(json!({"l7policy": {"description": "pm"}}))
        }),
        row("DELETE", "/load-balancer/V/lbaas/l7policies/{id}", ProjectMember(H403), "os_load-balancer_api:l7policy:delete", |x, _| {
            req().p("id", &x.l7policy)
        }),
        row("GET", "/load-balancer/V/lbaas/l7policies/{id}/rules", ProjectReader(H403), "os_load-balancer_api:l7rule:get_all", |x, _| {
            req().p("id", &x.l7policy)
        }),
        row("POST", "/load-balancer/V/lbaas/l7policies/{id}/rules", ProjectMember(H403), "os_load-balancer_api:l7rule:post", |x, _| {
            req().p("id", &x.l7policy).json(json!({"rule": {"type": "HOST_NAME", "compare_type": "EQUAL_TO", "value": "pm.example"}}))
        }),
        row(
            "GET",
            "/load-balancer/V/lbaas/l7policies/{id}/rules/{rule}",
            ProjectReader(H403),
            "os_load-balancer_api:l7rule:get_one",
            |x, _| req().p("id", &x.l7policy).p("rule", &x.l7rule),
        ),
        row(
            "PUT",
            "/load-balancer/V/lbaas/l7policies/{id}/rules/{rule}",
            ProjectMember(H403),
            "os_load-balancer_api:l7rule:put",
            |x, _| req().p("id", &x.l7policy).p("rule", &x.l7rule).json(json!({"rule": {"invert": true}})),
        ),
        row(
            "DELETE",
            "/load-balancer/V/lbaas/l7policies/{id}/rules/{rule}",
            ProjectMember(H403),
            "os_load-balancer_api:l7rule:delete",
            |x, _| req().p("id", &x.l7policy).p("rule", &x.l7rule),
        ),
        row("GET", "/load-balancer/V/lbaas/providers", OwnProjectReader, "os_load-balancer_api:provider:get_all", |_, _| req()),
        row(
            "GET",
            "/load-balancer/V/lbaas/providers/{provider}/flavor_capabilities",
            Admin,
            "os_load-balancer_api:provider-flavor:get_all",
            |_, _| req().p("provider", "amphora"),
        ),
        row(
            "GET",
            "/load-balancer/V/lbaas/providers/{provider}/availability_zone_capabilities",
            Admin,
            "os_load-balancer_api:provider-availability-zone:get_all",
            |_, _| req().p("provider", "amphora"),
        ),
        row("GET", "/load-balancer/V/lbaas/flavors", OwnProjectReader, "os_load-balancer_api:flavor:get_all", |_, _| req()),
        row("POST", "/load-balancer/V/lbaas/flavors", Admin, "os_load-balancer_api:flavor:post", |x, _| {
            req().json(json!({"flavor": {"name": "pm-flavor-2", "flavor_profile_id": x.lb_flavor_profile}}))
        }),
        row("GET", "/load-balancer/V/lbaas/flavors/{id}", AnyToken, "os_load-balancer_api:flavor:get_one", |x, _| {
            req().p("id", &x.lb_flavor)
        }),
        row("PUT", "/load-balancer/V/lbaas/flavors/{id}", Admin, "os_load-balancer_api:flavor:put", |x, _| {
            req().p("id", &x.lb_flavor).json(json!({"flavor": {"description": "pm"}}))
        }),
        row("DELETE", "/load-balancer/V/lbaas/flavors/{id}", Admin, "os_load-balancer_api:flavor:delete", |x, _| {
            req().p("id", &x.lb_flavor)
        }),
        // Quotas: an admin lists every project's and changes them; a project reads its own.
        row("GET", "/load-balancer/V/lbaas/quotas", OwnProjectReader, "os_load-balancer_api:quota:get_all", |_, _| req()),
        row("GET", "/load-balancer/V/lbaas/quotas/defaults", OwnProjectReader, "os_load-balancer_api:quota:get_defaults", |_, _| req()),
        row("GET", "/load-balancer/V/lbaas/quotas/{project_id}", ProjectReader(H403), "os_load-balancer_api:quota:get_one", |x, _| {
            req().p("project_id", &x.cm_p)
        }),
        row("GET", "/load-balancer/V/lbaas/quotas/{project_id}/default", ProjectReader(H403), "os_load-balancer_api:quota:get_defaults", |x, _| {
            req().p("project_id", &x.cm_p)
        }),
        row("PUT", "/load-balancer/V/lbaas/quotas/{project_id}", Admin, "os_load-balancer_api:quota:put", |x, _| {
            req().p("project_id", &x.cm_p).json(json!({"quota": {"pool": -1}}))
        }),
        row("DELETE", "/load-balancer/V/lbaas/quotas/{project_id}", Admin, "os_load-balancer_api:quota:delete", |x, _| req().p("project_id", &x.cm_p)),
        // Quotas: an admin lists every project's and changes them; a project reads its own.
        row("GET", "/load-balancer/V/quotas", OwnProjectReader, "os_load-balancer_api:quota:get_all", |_, _| req()),
        row("GET", "/load-balancer/V/quotas/defaults", OwnProjectReader, "os_load-balancer_api:quota:get_defaults", |_, _| req()),
        row("GET", "/load-balancer/V/quotas/{project_id}", ProjectReader(H403), "os_load-balancer_api:quota:get_one", |x, _| {
            req().p("project_id", &x.cm_p)
        }),
        row("GET", "/load-balancer/V/quotas/{project_id}/default", ProjectReader(H403), "os_load-balancer_api:quota:get_defaults", |x, _| {
            req().p("project_id", &x.cm_p)
        }),
        row("PUT", "/load-balancer/V/quotas/{project_id}", Admin, "os_load-balancer_api:quota:put", |x, _| {
            req().p("project_id", &x.cm_p).json(json!({"quota": {"pool": -1}}))
        }),
        row("DELETE", "/load-balancer/V/quotas/{project_id}", Admin, "os_load-balancer_api:quota:delete", |x, _| req().p("project_id", &x.cm_p)),
        row("GET", "/load-balancer/V/lbaas/flavorprofiles", Admin, "os_load-balancer_api:flavor-profile:get_all", |_, _| req()),
        row("POST", "/load-balancer/V/lbaas/flavorprofiles", Admin, "os_load-balancer_api:flavor-profile:post", |_, _| {
            req().json(json!({"flavorprofile": {"name": "pm-profile-2", "provider_name": "amphora", "flavor_data": "{}"}}))
        }),
        row("GET", "/load-balancer/V/lbaas/flavorprofiles/{id}", Admin, "os_load-balancer_api:flavor-profile:get_one", |x, _| {
            req().p("id", &x.lb_flavor_profile)
        }),
        row("PUT", "/load-balancer/V/lbaas/flavorprofiles/{id}", Admin, "os_load-balancer_api:flavor-profile:put", |x, _| {
            req().p("id", &x.lb_flavor_profile).json(json!({"flavorprofile": {"name": "pm-profile-renamed"}}))
        }),
        // The setup's flavor uses the profile: Octavia's 409 comes only after the policy check.
        row("DELETE", "/load-balancer/V/lbaas/flavorprofiles/{id}", Admin, "os_load-balancer_api:flavor-profile:delete", |x, _| {
            req().p("id", &x.lb_flavor_profile).also(409)
        }),
        row(
            "GET",
            "/load-balancer/V/lbaas/availabilityzones",
            OwnProjectReader,
            "os_load-balancer_api:availability-zone:get_all",
            |_, _| req(),
        ),
        row("POST", "/load-balancer/V/lbaas/availabilityzones", Admin, "os_load-balancer_api:availability-zone:post", |x, _| {
            req().json(json!({"availability_zone": {"name": "pm-zone-2", "availability_zone_profile_id": x.lb_zone_profile}}))
        }),
        row("GET", "/load-balancer/V/lbaas/availabilityzones/{name}", OwnProjectReader, "os_load-balancer_api:availability-zone:get_one", |x, _| {
            req().p("name", &x.lb_zone)
        }),
        row("PUT", "/load-balancer/V/lbaas/availabilityzones/{name}", Admin, "os_load-balancer_api:availability-zone:put", |x, _| {
            req().p("name", &x.lb_zone).json(json!({"availability_zone": {"description": "pm"}}))
        }),
        row("DELETE", "/load-balancer/V/lbaas/availabilityzones/{name}", Admin, "os_load-balancer_api:availability-zone:delete", |x, _| {
            req().p("name", &x.lb_zone)
        }),
        row(
            "GET",
            "/load-balancer/V/lbaas/availabilityzoneprofiles",
            Admin,
            "os_load-balancer_api:availability-zone-profile:get_all",
            |_, _| req(),
        ),
        row(
            "POST",
            "/load-balancer/V/lbaas/availabilityzoneprofiles",
            Admin,
            "os_load-balancer_api:availability-zone-profile:post",
            |_, _| {
                req().json(json!({"availability_zone_profile": {"name": "pm-zone-profile-2", "provider_name": "amphora", "availability_zone_data": "{}"}}))
            },
        ),
        row(
            "GET",
            "/load-balancer/V/lbaas/availabilityzoneprofiles/{id}",
            Admin,
            "os_load-balancer_api:availability-zone-profile:get_one",
            |x, _| req().p("id", &x.lb_zone_profile),
        ),
        row(
            "PUT",
            "/load-balancer/V/lbaas/availabilityzoneprofiles/{id}",
            Admin,
            "os_load-balancer_api:availability-zone-profile:put",
            |x, _| req().p("id", &x.lb_zone_profile).json(json!({"availability_zone_profile": {"name": "pm-zone-profile-renamed"}})),
        ),
        // The setup's zone uses the profile: Octavia's 409 comes only after the policy check.
        row(
            "DELETE",
            "/load-balancer/V/lbaas/availabilityzoneprofiles/{id}",
            Admin,
            "os_load-balancer_api:availability-zone-profile:delete",
            |x, _| req().p("id", &x.lb_zone_profile).also(409),
        ),
        row("GET", "/load-balancer/V/octavia/amphorae", Admin, "os_load-balancer_api:amphora:get_all", |_, _| req()),
        row("GET", "/load-balancer/V/octavia/amphorae/{id}", Admin, "os_load-balancer_api:amphora:get_one", |x, _| {
            req().p("id", &x.amphora)
        }),
        row("DELETE", "/load-balancer/V/octavia/amphorae/{id}", Admin, "os_load-balancer_api:amphora:delete", |x, _| {
            // Only a spare or failed amphora goes; Octavia's 409 for one in use follows the check.
            req().p("id", &x.amphora).also(409)
        }),
        row("PUT", "/load-balancer/V/octavia/amphorae/{id}/failover", Admin, "os_load-balancer_api:amphora:put_failover", |x, _| {
            req().p("id", &x.amphora)
        }),
        row("PUT", "/load-balancer/V/octavia/amphorae/{id}/config", Admin, "os_load-balancer_api:amphora:put_config", |x, _| {
            req().p("id", &x.amphora)
        }),
        row("GET", "/load-balancer/V/octavia/amphorae/{id}/stats", Admin, "os_load-balancer_api:amphora:get_stats", |x, _| {
            req().p("id", &x.amphora)
        }),
    ]
    .into_iter()
    .map(capi)
    .collect()
}
