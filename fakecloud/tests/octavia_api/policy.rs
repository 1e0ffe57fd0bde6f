//! Policy and project isolation.

use crate::common::TestCloud;
use crate::helpers::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn members_cannot_touch_amphorae_failovers_or_other_projects_load_balancers() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let kube = kube_lb_id(&c, &admin).await;
    let pool = kube_pool_id(&c, &admin).await;

    let r = get(&c, "/octavia/amphorae", &demo).await;
    octavia_client_error(&r, 403, "amphora list");
    assert_eq!(r.body["faultstring"], POLICY_403);
    let amp = s(&amphorae_of(&c, &admin, &kube).await[0]["id"]);
    octavia_client_error(&get(&c, &format!("/octavia/amphorae/{amp}"), &demo).await, 403, "amphora show");
    octavia_client_error(&api(&c, Method::PUT, &format!("/octavia/amphorae/{amp}/failover"), &demo, None).await, 403, "amphora failover");

    let r = get(&c, &format!("/lbaas/loadbalancers/{kube}"), &demo).await;
    octavia_client_error(&r, 403, "another project's LB");
    assert_eq!(r.body["faultstring"], POLICY_403);
    octavia_client_error(&get(&c, &format!("/lbaas/pools/{pool}/members"), &demo).await, 403, "another project's members");
    let r = api(&c, Method::PUT, &format!("/lbaas/loadbalancers/{kube}/failover"), &demo, None).await;
    octavia_client_error(&r, 403, "failover of another project's LB");
    let r = api(&c, Method::DELETE, &format!("/lbaas/loadbalancers/{kube}?cascade=true"), &demo, None).await;
    octavia_client_error(&r, 403, "delete of another project's LB");

    for (path, plural) in [("/lbaas/loadbalancers", "loadbalancers"), ("/lbaas/pools", "pools"), ("/lbaas/listeners", "listeners")] {
        assert!(items(&get(&c, path, &demo).await, plural).is_empty(), "demo sees nothing of capi-mgmt in {path}");
        assert_eq!(items(&get(&c, path, &admin).await, plural).len(), 1, "admin sees the kube-api objects in {path}");
    }
    assert_eq!(items(&get(&c, "/lbaas/loadbalancers", &admin).await, "loadbalancers")[0]["name"], KUBE_LB);
    assert_eq!(lb_prov(&c, &admin, &kube).await, "ACTIVE", "nothing was failed over or deleted");

    // Failover is admin-only even on the member's own load balancer.
    let own = demo_lb(&c, &demo, "mine").await;
    let r = api(&c, Method::PUT, &format!("/lbaas/loadbalancers/{own}/failover"), &demo, None).await;
    octavia_client_error(&r, 403, "failover of own LB");
    assert_eq!(r.body["faultstring"], POLICY_403);
    assert_eq!(lb_prov(&c, &demo, &own).await, "ACTIVE");
    let listed = items(&get(&c, "/lbaas/loadbalancers", &demo).await, "loadbalancers");
    assert_eq!(ids(&listed), [own.as_str()]);

    // A reader of the project reads but does not write.
    let observer = c.token("observer", "observer-secret", "demo").await;
    assert_eq!(ids(&items(&get(&c, "/lbaas/loadbalancers", &observer).await, "loadbalancers")), [own.as_str()]);
    assert_eq!(get(&c, &format!("/lbaas/loadbalancers/{own}"), &observer).await.status, 200);
    let subnet = subnet_id(&c, &demo, "private-subnet").await;
    let r = api(&c, Method::POST, "/lbaas/loadbalancers", &observer, Some(json!({"loadbalancer": {"vip_subnet_id": subnet}}))).await;
    octavia_client_error(&r, 403, "a reader creating an LB");
    let r = api(&c, Method::DELETE, &format!("/lbaas/loadbalancers/{own}"), &observer, None).await;
    octavia_client_error(&r, 403, "a reader deleting an LB");
    assert_eq!(items(&get(&c, "/lbaas/loadbalancers", &demo).await, "loadbalancers").len(), 1);
}
