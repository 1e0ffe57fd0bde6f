//! The Octavia features beyond the load balancer tree's basics: listener settings, session
//! persistence, health monitor rules, L7 policies and rules with their positions, list sorting,
//! flavors and flavor profiles with the providers' capabilities, and operating status of what is
//! disabled or unused.

use crate::helpers::*;
use reqwest::Method;
use serde_json::{json, Value};

/// Creates `path`'s object (`key` wraps the body) and waits for the load balancer to settle.
async fn make(c: &crate::common::TestCloud, token: &str, lb: &str, path: &str, key: &str, body: Value) -> Value {
    let r = api(c, Method::POST, path, token, Some(json!({ key: body }))).await;
    assert_eq!(r.status, 201, "{path}: {}", r.text);
    seconds_until_lb(c, token, lb, "ACTIVE", 1, 30).await;
    r.body[key].clone()
}

async fn show(c: &crate::common::TestCloud, token: &str, path: &str, key: &str) -> Value {
    let r = get(c, path, token).await;
    assert_eq!(r.status, 200, "{path}: {}", r.text);
    r.body[key].clone()
}

#[tokio::test]
async fn a_listener_keeps_its_timeouts_cidrs_and_headers_and_takes_a_port_as_a_string() {
    let c = crate::common::TestCloud::start().await;
    let demo = c.member().await;
    let lb = demo_lb(&c, &demo, "lb-settings").await;
    let body = json!({"loadbalancer_id": lb, "protocol": "HTTP", "protocol_port": "80",
        "timeout_client_data": 1000, "timeout_member_connect": 1000, "timeout_member_data": 1000, "timeout_tcp_inspect": 50,
        "allowed_cidrs": ["192.0.1.0/24"], "insert_headers": {"X-Forwarded-For": "true"}});
    let l = make(&c, &demo, &lb, "/lbaas/listeners", "listener", body).await;
    let l = show(&c, &demo, &format!("/lbaas/listeners/{}", s(&l["id"])), "listener").await;
    assert_eq!(l["protocol_port"], 80, "a port given as a string is stored as a number");
    assert_eq!((l["timeout_client_data"].clone(), l["timeout_tcp_inspect"].clone()), (json!(1000), json!(50)));
    assert_eq!(l["allowed_cidrs"], json!(["192.0.1.0/24"]));
    assert_eq!(l["insert_headers"]["X-Forwarded-For"], "true");

    let v6 = json!({"listener": {"loadbalancer_id": lb, "protocol": "TCP", "protocol_port": 81, "allowed_cidrs": ["2001:db8::/64"]}});
    let r = api(&c, Method::POST, "/lbaas/listeners", &demo, Some(v6)).await;
    octavia_client_error(&r, 400, "an IPv6 CIDR on an IPv4 VIP");
    let headers =
        json!({"listener": {"loadbalancer_id": lb, "protocol": "TCP", "protocol_port": 82, "insert_headers": {"X-Forwarded-For": "true"}}});
    octavia_client_error(&api(&c, Method::POST, "/lbaas/listeners", &demo, Some(headers)).await, 400, "headers on a TCP listener");
    // UDP shares a port number with TCP; a second TCP-family listener on it does not.
    let udp = json!({"listener": {"loadbalancer_id": lb, "protocol": "UDP", "protocol_port": 80}});
    make(&c, &demo, &lb, "/lbaas/listeners", "listener", udp["listener"].clone()).await;
    let tcp = json!({"listener": {"loadbalancer_id": lb, "protocol": "TCP", "protocol_port": 80}});
    octavia_client_error(&api(&c, Method::POST, "/lbaas/listeners", &demo, Some(tcp)).await, 409, "TCP beside HTTP on one port");

    let listed = items(&get(&c, &format!("/lbaas/listeners?loadbalancer_id={lb}"), &demo).await, "listeners");
    assert_eq!(listed.len(), 2, "the loadbalancer_id filter keeps this load balancer's listeners");
}

#[tokio::test]
async fn pools_keep_session_persistence_and_refuse_what_octavia_refuses() {
    let c = crate::common::TestCloud::start().await;
    let demo = c.member().await;
    let lb = demo_lb(&c, &demo, "lb-sp").await;
    let app = json!({"loadbalancer_id": lb, "protocol": "HTTP", "lb_algorithm": "ROUND_ROBIN",
        "session_persistence": {"type": "APP_COOKIE", "cookie_name": "my_cookie"}});
    let p = make(&c, &demo, &lb, "/lbaas/pools", "pool", app).await;
    let p = show(&c, &demo, &format!("/lbaas/pools/{}", s(&p["id"])), "pool").await;
    assert_eq!(p["session_persistence"]["type"], "APP_COOKIE");
    assert_eq!(p["session_persistence"]["cookie_name"], "my_cookie");
    assert_eq!(p["operating_status"], "OFFLINE", "a pool no listener uses stays OFFLINE");
    let path = format!("/lbaas/pools/{}", s(&p["id"]));
    let r = api(&c, Method::PUT, &path, &demo, Some(json!({"pool": {"session_persistence": {"type": "HTTP_COOKIE"}}}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["pool"]["session_persistence"]["cookie_name"], Value::Null, "a new type does not keep the old cookie name");
    seconds_until_lb(&c, &demo, &lb, "ACTIVE", 1, 30).await;
    let r = api(&c, Method::PUT, &path, &demo, Some(json!({"pool": {"session_persistence": null}}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["pool"]["session_persistence"], Value::Null, "null removes the session persistence");
    seconds_until_lb(&c, &demo, &lb, "ACTIVE", 1, 30).await;

    let refused = [
        (json!({"type": "APP_COOKIE"}), "APP_COOKIE without a cookie name"),
        (json!({"type": "HTTP_COOKIE", "cookie_name": "c"}), "a cookie name on HTTP_COOKIE"),
        (json!({"type": "SOURCE_IP", "persistence_timeout": 10}), "a UDP setting on an HTTP pool"),
    ];
    for (sp, what) in refused {
        let body = json!({"pool": {"loadbalancer_id": lb, "protocol": "HTTP", "lb_algorithm": "ROUND_ROBIN", "session_persistence": sp}});
        octavia_client_error(&api(&c, Method::POST, "/lbaas/pools", &demo, Some(body)).await, 400, what);
    }
    let sip = json!({"pool": {"loadbalancer_id": lb, "protocol": "HTTP", "lb_algorithm": "SOURCE_IP_PORT"}});
    let r = api(&c, Method::POST, "/lbaas/pools", &demo, Some(sip)).await;
    assert_eq!(r.status, 501, "the amphora driver does not implement SOURCE_IP_PORT: {}", r.text);
}

#[tokio::test]
async fn a_monitor_may_wait_longer_than_its_delay_but_http_settings_need_an_http_monitor() {
    let c = crate::common::TestCloud::start().await;
    let demo = c.member().await;
    let lb = demo_lb(&c, &demo, "lb-hm").await;
    let pool =
        make(&c, &demo, &lb, "/lbaas/pools", "pool", json!({"loadbalancer_id": lb, "protocol": "TCP", "lb_algorithm": "ROUND_ROBIN"}))
            .await;
    let pool = s(&pool["id"]);
    let ping = json!({"healthmonitor": {"pool_id": pool, "type": "PING", "delay": 2, "timeout": 3, "max_retries": 4, "url_path": "/"}});
    octavia_client_error(&api(&c, Method::POST, "/lbaas/healthmonitors", &demo, Some(ping)).await, 400, "url_path on PING");
    let udp = json!({"healthmonitor": {"pool_id": pool, "type": "UDP-CONNECT", "delay": 3, "timeout": 3, "max_retries": 4}});
    octavia_client_error(&api(&c, Method::POST, "/lbaas/healthmonitors", &demo, Some(udp)).await, 400, "UDP-CONNECT on a TCP pool");
    let hm = json!({"pool_id": pool, "type": "TCP", "delay": 2, "timeout": 3, "max_retries": 4, "max_retries_down": 5});
    let hm = make(&c, &demo, &lb, "/lbaas/healthmonitors", "healthmonitor", hm).await;
    let hm = show(&c, &demo, &format!("/lbaas/healthmonitors/{}", s(&hm["id"])), "healthmonitor").await;
    assert_eq!((hm["delay"].clone(), hm["timeout"].clone()), (json!(2), json!(3)));
    assert_eq!(hm["operating_status"], "ONLINE");
    assert!(hm["updated_at"].is_string(), "provisioning sets updated_at: {hm}");
}

#[tokio::test]
async fn l7_policies_keep_dense_positions_and_their_rules() {
    let c = crate::common::TestCloud::start().await;
    let demo = c.member().await;
    let lb = demo_lb(&c, &demo, "lb-l7").await;
    let l =
        make(&c, &demo, &lb, "/lbaas/listeners", "listener", json!({"loadbalancer_id": lb, "protocol": "HTTP", "protocol_port": 80})).await;
    let listener = s(&l["id"]);
    let mut made = vec![];
    for name in ["first", "second", "third"] {
        let p = json!({"listener_id": listener, "name": name, "action": "REJECT", "position": 1});
        made.push(s(&make(&c, &demo, &lb, "/lbaas/l7policies", "l7policy", p).await["id"]));
    }
    let sorted = items(&get(&c, &format!("/lbaas/l7policies?listener_id={listener}&sort=position:asc"), &demo).await, "l7policies");
    let order: Vec<(String, i64)> = sorted.iter().map(|p| (s(&p["name"]), p["position"].as_i64().unwrap())).collect();
    assert_eq!(
        order,
        [("third".to_string(), 1), ("second".to_string(), 2), ("first".to_string(), 3)],
        "each insert at 1 pushes the others down"
    );

    let url = json!({"listener_id": listener, "action": "REDIRECT_TO_URL", "redirect_url": "http://www.example.com"});
    let p = make(&c, &demo, &lb, "/lbaas/l7policies", "l7policy", url).await;
    assert_eq!((p["position"].clone(), p["redirect_http_code"].clone()), (json!(4), json!(302)), "no position is last; 302 by default");
    let no_url = json!({"l7policy": {"listener_id": listener, "action": "REDIRECT_TO_URL"}});
    octavia_client_error(&api(&c, Method::POST, "/lbaas/l7policies", &demo, Some(no_url)).await, 400, "a URL redirect without a URL");

    let rules = format!("/lbaas/l7policies/{}/rules", made[0]);
    let rule = json!({"type": "HEADER", "compare_type": "EQUAL_TO", "key": "mykey", "value": "myvalue"});
    let r = make(&c, &demo, &lb, &rules, "rule", rule).await;
    let policy = show(&c, &demo, &format!("/lbaas/l7policies/{}", made[0]), "l7policy").await;
    assert_eq!(policy["rules"], json!([{"id": r["id"]}]));
    assert_eq!(policy["provisioning_status"], "ACTIVE", "the rule's change released its policy");
    let keyless = json!({"rule": {"type": "HEADER", "compare_type": "EQUAL_TO", "value": "v"}});
    octavia_client_error(&api(&c, Method::POST, &rules, &demo, Some(keyless)).await, 400, "a header rule without a key");

    let r = api(&c, Method::DELETE, &format!("/lbaas/l7policies/{}", made[2]), &demo, None).await;
    assert_eq!(r.status, 204, "{}", r.text);
    seconds_until_lb(&c, &demo, &lb, "ACTIVE", 1, 30).await;
    let left = items(&get(&c, &format!("/lbaas/l7policies?listener_id={listener}&sort=position"), &demo).await, "l7policies");
    let positions: Vec<i64> = left.iter().map(|p| p["position"].as_i64().unwrap()).collect();
    assert_eq!(positions, [1, 2, 3], "a deleted policy's gap closes");

    let tcp =
        make(&c, &demo, &lb, "/lbaas/listeners", "listener", json!({"loadbalancer_id": lb, "protocol": "TCP", "protocol_port": 90})).await;
    let r =
        api(&c, Method::POST, "/lbaas/l7policies", &demo, Some(json!({"l7policy": {"listener_id": tcp["id"], "action": "REJECT"}}))).await;
    assert_eq!(r.status, 501, "the amphora driver runs L7 policies on HTTP listeners only: {}", r.text);
}

#[tokio::test]
async fn lists_sort_by_any_attribute_and_refuse_an_unknown_key() {
    let c = crate::common::TestCloud::start().await;
    let demo = c.member().await;
    let lb = demo_lb(&c, &demo, "lb-sort").await;
    for (name, port) in [("b", 81), ("a", 82), ("c", 80)] {
        make(
            &c,
            &demo,
            &lb,
            "/lbaas/listeners",
            "listener",
            json!({"loadbalancer_id": lb, "name": name, "protocol": "TCP", "protocol_port": port}),
        )
        .await;
    }
    let names = |r: &crate::common::Reply| items(r, "listeners").iter().map(|l| s(&l["name"])).collect::<Vec<_>>();
    let q = format!("/lbaas/listeners?loadbalancer_id={lb}");
    assert_eq!(names(&get(&c, &q, &demo).await), ["b", "a", "c"], "creation order by default");
    assert_eq!(names(&get(&c, &format!("{q}&sort=name:desc"), &demo).await), ["c", "b", "a"]);
    assert_eq!(names(&get(&c, &format!("{q}&sort_key=protocol_port&sort_dir=asc"), &demo).await), ["c", "b", "a"]);
    octavia_client_error(&get(&c, &format!("{q}&sort=colour:asc"), &demo).await, 400, "an unknown sort key");
}

#[tokio::test]
async fn flavors_take_their_topology_from_a_profile_the_admin_manages() {
    let c = crate::common::TestCloud::start().await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let data = r#"{"loadbalancer_topology": "ACTIVE_STANDBY"}"#;
    let body = json!({"flavorprofile": {"name": "ha", "provider_name": "amphora", "flavor_data": data}});
    assert_eq!(api(&c, Method::POST, "/lbaas/flavorprofiles", &demo, Some(body.clone())).await.status, 403, "profiles are the admin's");
    let r = api(&c, Method::POST, "/lbaas/flavorprofiles", &admin, Some(body)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["flavorprofile"]["flavor_data"], data, "flavor_data is kept as given");
    let profile = s(&r.body["flavorprofile"]["id"]);
    let bad = json!({"flavorprofile": {"name": "x", "provider_name": "amphora", "flavor_data": r#"{"colour": "red"}"#}});
    assert_eq!(
        api(&c, Method::POST, "/lbaas/flavorprofiles", &admin, Some(bad)).await.status,
        501,
        "the driver refuses an unknown setting"
    );

    let r =
        api(&c, Method::POST, "/lbaas/flavors", &admin, Some(json!({"flavor": {"name": "ha-pair", "flavor_profile_id": profile}}))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let flavor = s(&r.body["flavor"]["id"]);
    assert_eq!(r.body["flavor"]["enabled"], true);
    let r = api(&c, Method::DELETE, &format!("/lbaas/flavorprofiles/{profile}"), &admin, None).await;
    octavia_client_error(&r, 409, "a profile in use");

    let subnet = subnet_id(&c, &demo, "private-subnet").await;
    let r =
        api(&c, Method::POST, "/lbaas/loadbalancers", &demo, Some(json!({"loadbalancer": {"vip_subnet_id": subnet, "flavor_id": flavor}})))
            .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let lb = s(&r.body["loadbalancer"]["id"]);
    seconds_until_lb(&c, &demo, &lb, "ACTIVE", 10, 600).await;
    let roles: Vec<String> = amphorae_of(&c, &admin, &lb).await.iter().map(|a| s(&a["role"])).collect();
    assert_eq!(roles.len(), 2, "the profile's ACTIVE_STANDBY topology builds a pair: {roles:?}");

    let caps =
        items(&get(&c, "/lbaas/providers/amphora/flavor_capabilities?name=loadbalancer_topology", &admin).await, "flavor_capabilities");
    assert_eq!(caps.len(), 1);
    assert!(s(&caps[0]["description"]).starts_with("The load balancer topology."));
    assert_eq!(get(&c, "/lbaas/providers/amphora/flavor_capabilities", &demo).await.status, 403);
}

#[tokio::test]
async fn a_disabled_load_balancer_is_offline() {
    let c = crate::common::TestCloud::start().await;
    let demo = c.member().await;
    let lb = demo_lb(&c, &demo, "lb-off").await;
    let r =
        api(&c, Method::PUT, &format!("/lbaas/loadbalancers/{lb}"), &demo, Some(json!({"loadbalancer": {"admin_state_up": false}}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    seconds_until_lb(&c, &demo, &lb, "ACTIVE", 1, 30).await;
    assert_eq!(crate::helpers::lb(&c, &demo, &lb).await["operating_status"], "OFFLINE");
}
