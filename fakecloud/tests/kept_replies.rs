//! Whole answers of reads kept between requests (`http::kept`): served again while nothing has
//! changed, never once anything has (a write, a read that made something, the token's expiry, the
//! instant a liveness view moves at).

mod common;

use common::TestCloud;
use reqwest::Method;
use serde_json::{json, Value};

fn kept(c: &TestCloud) -> usize {
    c.running.cloud.world().kept.len()
}

fn names(list: &Value, key: &str) -> Vec<String> {
    list[key].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_kept_answer_is_served_again_until_a_write_changes_the_world() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let first = c.get("/compute/v2.1/flavors", Some(&admin)).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(kept(&c), 1, "the flavor list is kept");
    let again = c.get("/compute/v2.1/flavors", Some(&admin)).await;
    assert_eq!(again.text, first.text);
    assert!(again.headers.contains_key("x-openstack-request-id") && again.headers.contains_key("date"));
    assert_ne!(again.headers["x-openstack-request-id"], first.headers["x-openstack-request-id"], "each answer names its own request");
    let journaled = c.running.cloud.world().sim.journal.entries().iter().filter(|e| format!("{:?}", e.record).contains("/flavors")).count();
    assert_eq!(journaled, 2, "a kept answer is journaled as any read");

    let flavor = json!({"flavor": {"name": "kept.new", "ram": 256, "vcpus": 1, "disk": 1}});
    let made = c.send(Method::POST, "/compute/v2.1/flavors", Some(&admin), Some(flavor)).await;
    assert_eq!(made.status, 200, "{}", made.text);
    assert_eq!(kept(&c), 0, "a write drops what was kept");
    let after = c.get("/compute/v2.1/flavors", Some(&admin)).await;
    assert!(names(&after.body, "flavors").contains(&"kept.new".to_string()), "{}", after.text);
    assert!(!names(&first.body, "flavors").contains(&"kept.new".to_string()));
}

#[tokio::test]
async fn a_kept_answer_is_not_served_once_its_token_has_expired() {
    let c = TestCloud::start().await;
    let member = c.member().await;
    assert_eq!(c.get("/compute/v2.1/flavors", Some(&member)).await.status, 200);
    assert_eq!(c.get("/compute/v2.1/flavors", Some(&member)).await.status, 200);
    assert_eq!(kept(&c), 1);
    c.advance("2d").await;
    assert_eq!(c.get("/compute/v2.1/flavors", Some(&member)).await.status, 401, "the token expired meanwhile");
}

#[tokio::test]
async fn the_agent_list_is_kept_only_until_the_next_heartbeat() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let beat = |r: &Value| r["agents"][0]["heartbeat_timestamp"].as_str().unwrap().to_string();
    let first = c.get("/network/v2.0/agents", Some(&admin)).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(kept(&c), 1, "kept until it changes");
    c.advance("1s").await;
    assert_eq!(beat(&c.get("/network/v2.0/agents", Some(&admin)).await.body), beat(&first.body));
    c.advance("30s").await;
    let later = c.get("/network/v2.0/agents", Some(&admin)).await;
    assert_ne!(beat(&later.body), beat(&first.body), "the next report shows: {}", later.text);
}

#[tokio::test]
async fn a_read_that_makes_something_drops_what_was_kept() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    // A new project, which has no security group yet.
    let project = c
        .send(Method::POST, "/identity/v3/projects", Some(&admin), Some(json!({"project": {"name": "kept-p", "domain_id": "default"}})))
        .await;
    assert_eq!(project.status, 201, "{}", project.text);
    let project = project.body["project"]["id"].as_str().unwrap().to_string();
    let user = json!({"user": {"name": "kept-u", "password": "kept-pw", "domain_id": "default", "default_project_id": project}});
    let user = c.send(Method::POST, "/identity/v3/users", Some(&admin), Some(user)).await;
    assert_eq!(user.status, 201, "{}", user.text);
    let user = user.body["user"]["id"].as_str().unwrap().to_string();
    let roles = c.get("/identity/v3/roles?name=member", Some(&admin)).await;
    let role = roles.body["roles"][0]["id"].as_str().unwrap().to_string();
    let grant = c.send(Method::PUT, &format!("/identity/v3/projects/{project}/users/{user}/roles/{role}"), Some(&admin), None).await;
    assert_eq!(grant.status, 204, "{}", grant.text);
    let alt = c.token("kept-u", "kept-pw", "kept-p").await;
    let groups =
        |r: &Value| r["security_groups"].as_array().unwrap().iter().map(|g| g["id"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let before = c.get("/network/v2.0/security-groups", Some(&admin)).await;
    assert_eq!(before.status, 200, "{}", before.text);
    // Neutron makes a project's default group the first time the project lists its groups.
    let own = c.get("/network/v2.0/security-groups", Some(&alt)).await;
    let made: Vec<String> = groups(&own.body).into_iter().filter(|g| !groups(&before.body).contains(g)).collect();
    assert_eq!(made.len(), 1, "the project's default group is made by its listing: {}", own.text);
    let after = c.get("/network/v2.0/security-groups", Some(&admin)).await;
    assert!(groups(&after.body).contains(&made[0]), "the admin's listing shows it: {}", after.text);
}

#[tokio::test]
async fn the_octavia_listener_list_follows_a_listener_create() {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let path = "/load-balancer/v2/lbaas/listeners";
    let first = c.get(path, Some(&admin)).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(c.get(path, Some(&admin)).await.text, first.text);
    let lbs = c.get("/load-balancer/v2/lbaas/loadbalancers", Some(&admin)).await;
    let lb = lbs.body["loadbalancers"][0]["id"].as_str().unwrap().to_string();
    let body = json!({"listener": {"name": "kept-listener", "protocol": "HTTP", "protocol_port": 8081, "loadbalancer_id": lb}});
    let made = c.send(Method::POST, path, Some(&admin), Some(body)).await;
    assert_eq!(made.status, 201, "{}", made.text);
    let after = c.get(path, Some(&admin)).await;
    assert!(names(&after.body, "listeners").contains(&"kept-listener".to_string()), "{}", after.text);
}
