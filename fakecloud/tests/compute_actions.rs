//! Nova's server actions over HTTP: the guest operations (pause, suspend, rescue, shelve), resize
//! with confirm and revert through Placement, rebuild, lock, reset state, security groups, the
//! console output, and multiple create, each with Nova's state rules (409 conflictingRequest).

mod common;

use common::TestCloud;
use reqwest::Method;
use serde_json::{json, Value};

const V: &str = "compute 2.96";

async fn nova(c: &TestCloud, method: Method, path: &str, token: &str, body: Option<Value>) -> common::Reply {
    let mut req =
        c.http.request(method, c.url(&format!("/compute/v2.1{path}"))).header("X-Auth-Token", token).header("OpenStack-API-Version", V);
    if let Some(b) = body {
        req = req.json(&b);
    }
    common::reply(req.send().await.unwrap()).await
}

fn cirros(c: &TestCloud) -> String {
    c.running.cloud.world().image.images.iter().find(|i| i.name.starts_with("cirros")).unwrap().id.clone()
}

/// An ACTIVE server of demo's, built on the clock.
async fn active_server(c: &TestCloud, token: &str, name: &str) -> String {
    let body = json!({"server": {"name": name, "imageRef": cirros(c), "flavorRef": "1", "networks": "none"}});
    let r = nova(c, Method::POST, "/servers", token, Some(body)).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let id = r.body["server"]["id"].as_str().unwrap().to_string();
    c.advance("20s").await;
    assert_eq!(status(c, token, &id).await, "ACTIVE");
    id
}

async fn status(c: &TestCloud, token: &str, id: &str) -> String {
    nova(c, Method::GET, &format!("/servers/{id}"), token, None).await.body["server"]["status"].as_str().unwrap_or("?").to_string()
}

async fn act(c: &TestCloud, token: &str, id: &str, body: Value) -> common::Reply {
    nova(c, Method::POST, &format!("/servers/{id}/action"), token, Some(body)).await
}

#[tokio::test]
async fn pause_suspend_rescue_and_their_reverses_move_on_the_clock() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let id = active_server(&c, &demo, "guest-ops").await;
    for (action, settled, back, back_to) in
        [("pause", "PAUSED", "unpause", "ACTIVE"), ("suspend", "SUSPENDED", "resume", "ACTIVE"), ("rescue", "RESCUE", "unrescue", "ACTIVE")]
    {
        let r = act(&c, &demo, &id, json!({ action: null })).await;
        assert!(r.status == 202 || r.status == 200, "{action}: {}", r.text);
        if action == "rescue" {
            assert!(r.body["adminPass"].is_string(), "rescue answers the rescue password: {}", r.text);
        }
        c.advance("5s").await;
        assert_eq!(status(&c, &demo, &id).await, settled, "after {action}");
        // The same action again is refused by the vm_state check.
        let again = act(&c, &demo, &id, json!({ action: null })).await;
        assert_eq!(again.status, 409, "{action} twice: {}", again.text);
        assert!(again.text.contains(&format!("Cannot '{action}' instance {id} while it is in vm_state")), "{}", again.text);
        assert_eq!(act(&c, &demo, &id, json!({ back: null })).await.status, 202, "{back}");
        c.advance("5s").await;
        assert_eq!(status(&c, &demo, &id).await, back_to, "after {back}");
    }
    // A task in progress refuses another action.
    assert_eq!(act(&c, &demo, &id, json!({"pause": null})).await.status, 202);
    let busy = act(&c, &demo, &id, json!({"os-stop": null})).await;
    assert_eq!(busy.status, 409, "{}", busy.text);
}

#[tokio::test]
async fn a_shelved_server_leaves_its_host_and_placement_until_unshelved() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let id = active_server(&c, &demo, "shelved").await;
    assert_eq!(act(&c, &demo, &id, json!({"shelve": null})).await.status, 202);
    c.advance("5s").await;
    assert_eq!(status(&c, &demo, &id).await, "SHELVED_OFFLOADED");
    {
        let w = c.running.cloud.world();
        assert!(w.compute.server(&id).unwrap().host.is_none(), "offloaded from its host");
        assert!(!w.placement.allocations.contains_key(&id), "no claim while offloaded");
    }
    assert_eq!(act(&c, &demo, &id, json!({"unshelve": null})).await.status, 202);
    c.advance("20s").await;
    assert_eq!(status(&c, &demo, &id).await, "ACTIVE");
    assert!(c.running.cloud.world().placement.allocations.contains_key(&id), "claimed again on its new host");
}

#[tokio::test]
async fn an_admin_unshelves_to_a_named_host_from_2_91() {
    let c = TestCloud::start().await;
    let (demo, admin) = (c.member().await, c.admin().await);
    let id = active_server(&c, &demo, "unshelved-to-host").await;
    assert_eq!(act(&c, &demo, &id, json!({"shelve": null})).await.status, 202);
    c.advance("5s").await;
    assert_eq!(status(&c, &demo, &id).await, "SHELVED_OFFLOADED");
    // A host the scheduler would not pick on its own.
    let other = {
        let w = c.running.cloud.world();
        let flavor = w.compute.flavor("1").unwrap();
        let resources = fakecloud::compute::lifecycle::flavor_resources(flavor);
        let pick = w.pick_host(&resources, None, None).unwrap();
        w.compute.hosts.iter().map(|h| h.name.clone()).find(|h| *h != pick).unwrap()
    };
    let to = json!({"unshelve": {"host": other}});
    assert_eq!(act(&c, &demo, &id, to.clone()).await.status, 403, "naming a host is admin's");
    let unknown = act(&c, &admin, &id, json!({"unshelve": {"host": "no-such-host"}})).await;
    assert_eq!(unknown.status, 400, "{}", unknown.text);
    assert_eq!(act(&c, &admin, &id, to).await.status, 202);
    c.advance("20s").await;
    assert_eq!(status(&c, &demo, &id).await, "ACTIVE");
    assert_eq!(host_of(&c, &id).await, other, "the server runs where the admin asked");
}

#[tokio::test]
async fn a_resize_holds_both_flavors_until_confirmed_or_reverted() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let id = active_server(&c, &demo, "resized").await;
    let same = act(&c, &demo, &id, json!({"resize": {"flavorRef": "1"}})).await;
    assert_eq!(same.status, 400, "the same flavor: {}", same.text);
    assert_eq!(act(&c, &demo, &id, json!({"resize": {"flavorRef": "2"}})).await.status, 202);
    assert_eq!(status(&c, &demo, &id).await, "RESIZE");
    c.advance("10s").await;
    assert_eq!(status(&c, &demo, &id).await, "VERIFY_RESIZE");
    let migration = {
        let w = c.running.cloud.world();
        let s = w.compute.server(&id).unwrap();
        assert_eq!((s.flavor_id.as_str(), s.old_flavor_id.as_deref()), ("2", Some("1")));
        let m = s.migration_id.clone().unwrap();
        assert!(w.placement.allocations.contains_key(&m), "the old flavor is held by the migration");
        m
    };
    assert_eq!(act(&c, &demo, &id, json!({"revertResize": null})).await.status, 202);
    c.advance("10s").await;
    assert_eq!(status(&c, &demo, &id).await, "ACTIVE");
    {
        let w = c.running.cloud.world();
        assert_eq!(w.compute.server(&id).unwrap().flavor_id, "1", "reverted to the old flavor");
        assert!(!w.placement.allocations.contains_key(&migration), "the migration's claim is gone");
    }
    assert_eq!(act(&c, &demo, &id, json!({"resize": {"flavorRef": "2"}})).await.status, 202);
    c.advance("10s").await;
    assert_eq!(act(&c, &demo, &id, json!({"confirmResize": null})).await.status, 204, "Nova confirms a resize with 204");
    assert_eq!(status(&c, &demo, &id).await, "ACTIVE");
    assert_eq!(c.running.cloud.world().compute.server(&id).unwrap().flavor_id, "2");
    let late = act(&c, &demo, &id, json!({"confirmResize": null})).await;
    assert_eq!(late.status, 409, "nothing to confirm: {}", late.text);
}

#[tokio::test]
async fn a_resize_over_the_ram_quota_is_refused_with_403_and_changes_nothing() {
    let c = TestCloud::start().await;
    let (demo, admin) = (c.member().await, c.admin().await);
    let id = active_server(&c, &demo, "over-quota").await;
    let project = c.running.cloud.world().compute.server(&id).unwrap().project_id.clone();
    let used = c.running.cloud.world().compute.quota_usage(&project, None, "ram");
    let set =
        nova(&c, Method::PUT, &format!("/os-quota-sets/{project}"), &admin, Some(json!({"quota_set": {"ram": used, "force": true}}))).await;
    assert_eq!(set.status, 200, "{}", set.text);
    let before = c.state_without_journal();
    let r = act(&c, &demo, &id, json!({"resize": {"flavorRef": "2"}})).await;
    assert_eq!(r.status, 403, "{}", r.text);
    let grows = {
        let w = c.running.cloud.world();
        w.compute.flavor("2").unwrap().ram - w.compute.flavor("1").unwrap().ram
    };
    assert_eq!(
        r.body["forbidden"]["message"],
        format!("Quota exceeded for ram: Requested {grows}, but already used {used} of {used} ram"),
        "Nova counts only what the new flavor adds: {}",
        r.text
    );
    assert_eq!(c.state_without_journal(), before, "a refused resize changes nothing");
}

async fn host_of(c: &TestCloud, id: &str) -> String {
    c.running.cloud.world().compute.server(id).unwrap().host.clone().unwrap()
}

async fn migrations(c: &TestCloud, token: &str, version: &str, query: &str) -> common::Reply {
    let req = c
        .http
        .get(c.url(&format!("/compute/v2.1/os-migrations{query}")))
        .header("X-Auth-Token", token)
        .header("OpenStack-API-Version", format!("compute {version}"));
    common::reply(req.send().await.unwrap()).await
}

#[tokio::test]
async fn a_cold_migration_moves_the_server_to_another_host_until_confirmed_or_reverted() {
    let c = TestCloud::start().await;
    let (demo, admin) = (c.member().await, c.admin().await);
    let id = active_server(&c, &demo, "migrated").await;
    let source = host_of(&c, &id).await;
    assert_eq!(act(&c, &demo, &id, json!({"migrate": null})).await.status, 403, "cold migration is admin's");
    let same = act(&c, &admin, &id, json!({"migrate": {"host": source}})).await;
    assert_eq!(same.status, 400, "not to the host it is on: {}", same.text);
    let unknown = act(&c, &admin, &id, json!({"migrate": {"host": "no-such-host"}})).await;
    assert_eq!(unknown.status, 400, "{}", unknown.text);
    let missing = act(&c, &admin, "00000000-0000-0000-0000-000000000000", json!({"migrate": null})).await;
    assert_eq!(missing.status, 404, "{}", missing.text);

    assert_eq!(act(&c, &admin, &id, json!({"migrate": null})).await.status, 202);
    assert_eq!(status(&c, &demo, &id).await, "RESIZE");
    c.advance("10s").await;
    assert_eq!(status(&c, &demo, &id).await, "VERIFY_RESIZE");
    let dest = host_of(&c, &id).await;
    assert_ne!(dest, source, "the server runs on another host while the move waits");
    let listed = migrations(&c, &admin, "2.23", &format!("?instance_uuid={id}")).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let m = &listed.body["migrations"][0];
    assert_eq!(
        (m["migration_type"].as_str(), m["status"].as_str(), m["source_compute"].as_str(), m["dest_compute"].as_str()),
        (Some("migration"), Some("finished"), Some(source.as_str()), Some(dest.as_str())),
        "{}",
        listed.text
    );
    assert_eq!(m["old_instance_type_id"], m["new_instance_type_id"], "a cold migration keeps the flavor");

    // Revert: back on the source, the destination's claim dropped.
    assert_eq!(act(&c, &demo, &id, json!({"revertResize": null})).await.status, 202);
    c.advance("10s").await;
    assert_eq!(status(&c, &demo, &id).await, "ACTIVE");
    assert_eq!(host_of(&c, &id).await, source, "a revert brings the server back");
    {
        let w = c.running.cloud.world();
        let source_rp = w.compute.host(&source).unwrap().uuid.clone();
        let claims: Vec<&String> = w.placement.allocations[&id].resources.keys().collect();
        assert_eq!(claims, vec![&source_rp], "one claim, on the source");
    }

    // Again, confirmed: the server stays on the destination and the source claim goes.
    assert_eq!(act(&c, &admin, &id, json!({"migrate": null})).await.status, 202);
    c.advance("10s").await;
    let dest = host_of(&c, &id).await;
    assert_eq!(act(&c, &demo, &id, json!({"confirmResize": null})).await.status, 204);
    assert_eq!(status(&c, &demo, &id).await, "ACTIVE");
    assert_eq!(host_of(&c, &id).await, dest);
    let all = migrations(&c, &admin, "2.59", &format!("?instance_uuid={id}")).await;
    let statuses: Vec<&str> = all.body["migrations"].as_array().unwrap().iter().map(|m| m["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["confirmed", "reverted"], "newest first: {}", all.text);
    let w = c.running.cloud.world();
    let uuids: Vec<&str> = all.body["migrations"].as_array().unwrap().iter().map(|m| m["uuid"].as_str().unwrap()).collect();
    assert!(uuids.iter().all(|u| !w.placement.allocations.contains_key(*u)), "no migration holds a claim once settled");
}

#[tokio::test]
async fn an_admin_evacuates_a_server_off_a_host_whose_compute_service_is_down() {
    let c = TestCloud::start().await;
    let (demo, admin) = (c.member().await, c.admin().await);
    let id = active_server(&c, &demo, "evacuated").await;
    let source = host_of(&c, &id).await;
    let evacuate = json!({"evacuate": {}});
    assert_eq!(act(&c, &demo, &id, evacuate.clone()).await.status, 403, "evacuation is admin's");
    let before = c.state_without_journal();
    let in_use = act(&c, &admin, &id, evacuate.clone()).await;
    assert_eq!(in_use.status, 400, "{}", in_use.text);
    assert!(in_use.text.contains(&format!("Compute service of {source} is still in use.")), "{}", in_use.text);
    assert_eq!(c.state_without_journal(), before, "a refused evacuation changes nothing");

    let services = nova(&c, Method::GET, &format!("/os-services?binary=nova-compute&host={source}"), &admin, None).await;
    let service = services.body["services"][0]["id"].as_str().unwrap().to_string();
    let down = nova(&c, Method::PUT, &format!("/os-services/{service}"), &admin, Some(json!({"forced_down": true}))).await;
    assert_eq!(down.status, 200, "{}", down.text);
    let same = act(&c, &admin, &id, json!({"evacuate": {"host": source}})).await;
    assert_eq!(same.status, 400, "not to the host that is down: {}", same.text);

    let r = act(&c, &admin, &id, evacuate).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(status(&c, &demo, &id).await, "REBUILD");
    c.advance("10s").await;
    assert_eq!(status(&c, &demo, &id).await, "SHUTOFF", "from 2.95 an evacuated server comes back stopped");
    let dest = host_of(&c, &id).await;
    assert_ne!(dest, source);
    let listed = migrations(&c, &admin, "2.23", &format!("?instance_uuid={id}&migration_type=evacuation")).await;
    let m = &listed.body["migrations"][0];
    assert_eq!((m["status"].as_str(), m["dest_compute"].as_str()), (Some("done"), Some(dest.as_str())), "{}", listed.text);
    let w = c.running.cloud.world();
    let dest_rp = w.compute.host(&dest).unwrap().uuid.clone();
    assert_eq!(w.placement.allocations[&id].resources.keys().collect::<Vec<_>>(), vec![&dest_rp], "claimed on the new host");
}

#[tokio::test]
async fn os_migrations_lists_resizes_per_microversion_with_filters_and_paging() {
    let c = TestCloud::start().await;
    let (demo, admin) = (c.member().await, c.admin().await);
    assert_eq!(migrations(&c, &demo, "2.1", "").await.status, 403, "the list is admin's");
    let first = active_server(&c, &demo, "resized-1").await;
    let second = active_server(&c, &demo, "resized-2").await;
    for id in [&first, &second] {
        assert_eq!(act(&c, &demo, id, json!({"resize": {"flavorRef": "2"}})).await.status, 202);
    }
    c.advance("10s").await;

    let old = migrations(&c, &admin, "2.1", "").await;
    assert_eq!(old.status, 200, "{}", old.text);
    let m = &old.body["migrations"][0];
    assert_eq!(m["instance_uuid"], json!(second), "newest first: {}", old.text);
    assert_eq!(
        (m["status"].as_str(), m["old_instance_type_id"].as_u64(), m["new_instance_type_id"].as_u64()),
        (Some("finished"), Some(1), Some(2))
    );
    for absent in ["migration_type", "uuid", "user_id", "project_id"] {
        assert!(m.get(absent).is_none(), "{absent} is not at 2.1: {}", old.text);
    }
    let new = migrations(&c, &admin, "2.80", "").await;
    let m = &new.body["migrations"][0];
    assert_eq!(m["migration_type"], "resize");
    assert!(m["uuid"].is_string() && m["user_id"].is_string() && m["project_id"].is_string(), "{}", new.text);

    let filtered = migrations(&c, &admin, "2.1", &format!("?instance_uuid={first}&status=finished")).await;
    assert_eq!(filtered.body["migrations"].as_array().unwrap().len(), 1, "{}", filtered.text);
    assert_eq!(migrations(&c, &admin, "2.1", "?status=confirmed").await.body["migrations"], json!([]));

    let page = migrations(&c, &admin, "2.59", "?limit=1").await;
    assert_eq!(page.body["migrations"].as_array().unwrap().len(), 1);
    let next = page.body["migrations_links"][0]["href"].as_str().unwrap().to_string();
    let marker = next.split("marker=").nth(1).unwrap();
    let rest = migrations(&c, &admin, "2.59", &format!("?marker={marker}")).await;
    assert_eq!(rest.body["migrations"][0]["instance_uuid"], json!(first), "{}", rest.text);
    assert_eq!(migrations(&c, &admin, "2.59", "?marker=nope").await.status, 400);
    assert_eq!(migrations(&c, &admin, "2.59", "?flavor=1").await.status, 400, "2.59 refuses unknown filters");
    assert_eq!(migrations(&c, &admin, "2.58", "?flavor=1").await.status, 200, "earlier versions ignore them");
}

#[tokio::test]
async fn rebuild_lock_reset_state_and_soft_delete_actions_follow_novas_rules() {
    let c = TestCloud::start().await;
    let (demo, admin) = (c.member().await, c.admin().await);
    let id = active_server(&c, &demo, "rebuilt").await;
    let r = act(&c, &demo, &id, json!({"rebuild": {"imageRef": cirros(&c), "name": "rebuilt-2"}})).await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!((r.body["server"]["status"].clone(), r.body["server"]["name"].clone()), (json!("REBUILD"), json!("rebuilt-2")));
    assert!(r.body["server"]["adminPass"].is_string());
    c.advance("10s").await;
    assert_eq!(status(&c, &demo, &id).await, "ACTIVE");
    let unknown = act(&c, &demo, &id, json!({"rebuild": {"imageRef": "no-such-image"}})).await;
    assert_eq!(unknown.status, 400, "{}", unknown.text);

    assert_eq!(act(&c, &demo, &id, json!({"lock": {"locked_reason": "maintenance"}})).await.status, 202);
    let shown = nova(&c, Method::GET, &format!("/servers/{id}"), &demo, None).await;
    assert_eq!(
        (shown.body["server"]["locked"].clone(), shown.body["server"]["locked_reason"].clone()),
        (json!(true), json!("maintenance"))
    );
    let locked = act(&c, &demo, &id, json!({"os-stop": null})).await;
    assert_eq!(locked.status, 409, "a locked server refuses its owner: {}", locked.text);
    assert_eq!(act(&c, &admin, &id, json!({"os-stop": null})).await.status, 202, "but not an admin");
    assert_eq!(act(&c, &demo, &id, json!({"unlock": null})).await.status, 202);

    assert_eq!(act(&c, &demo, &id, json!({"os-resetState": {"state": "error"}})).await.status, 403, "reset state is admin's");
    assert_eq!(act(&c, &admin, &id, json!({"os-resetState": {"state": "error"}})).await.status, 202);
    assert_eq!(status(&c, &demo, &id).await, "ERROR");
    assert_eq!(act(&c, &admin, &id, json!({"os-resetState": {"state": "nope"}})).await.status, 400);
    // No server is ever soft-deleted here (reclaim_instance_interval = 0).
    assert_eq!(act(&c, &demo, &id, json!({"restore": null})).await.status, 409);
    assert_eq!(act(&c, &demo, &id, json!({"forceDelete": null})).await.status, 409);
}

#[tokio::test]
async fn security_groups_and_console_output() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let id = active_server(&c, &demo, "consoled").await;
    let out = act(&c, &demo, &id, json!({"os-getConsoleOutput": {"length": 2}})).await;
    assert_eq!(out.status, 200, "{}", out.text);
    let text = out.body["output"].as_str().unwrap();
    assert_eq!(text.lines().count(), 2, "the last two lines: {text}");
    let all = act(&c, &demo, &id, json!({"os-getConsoleOutput": {"length": -1}})).await;
    assert!(all.body["output"].as_str().unwrap().lines().count() > 2);
    assert_eq!(act(&c, &demo, &id, json!({"os-getConsoleOutput": {"length": -2}})).await.status, 400);

    let missing = act(&c, &demo, &id, json!({"removeSecurityGroup": {"name": "web"}})).await;
    assert_eq!(missing.status, 400, "not associated: {}", missing.text);
    assert_eq!(act(&c, &demo, &id, json!({"addSecurityGroup": {"name": "nope"}})).await.status, 404);
    assert_eq!(act(&c, &demo, &id, json!({"removeSecurityGroup": {"name": "default"}})).await.status, 202);
    let shown = nova(&c, Method::GET, &format!("/servers/{id}"), &demo, None).await;
    // Nova leaves `security_groups` out of a server that has none.
    assert!(shown.body["server"].get("security_groups").is_none(), "{}", shown.text);
}

#[tokio::test]
async fn a_multiple_create_makes_max_count_servers_under_one_reservation() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let body = json!({"server": {"name": "many", "imageRef": cirros(&c), "flavorRef": "1", "networks": "none",
                                 "min_count": 2, "max_count": 3, "return_reservation_id": true}});
    let r = nova(&c, Method::POST, "/servers", &demo, Some(body)).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let reservation = r.body["reservation_id"].as_str().unwrap().to_string();
    let w = c.running.cloud.world();
    let mut names: Vec<String> =
        w.compute.servers.values().filter(|s| s.reservation_id.as_deref() == Some(reservation.as_str())).map(|s| s.name.clone()).collect();
    names.sort();
    assert_eq!(names, ["many-1", "many-2", "many-3"]);
    drop(w);
    let bad =
        json!({"server": {"name": "x", "imageRef": cirros(&c), "flavorRef": "1", "networks": "none", "min_count": 3, "max_count": 2}});
    assert_eq!(nova(&c, Method::POST, "/servers", &demo, Some(bad)).await.status, 400);
}

#[tokio::test]
async fn access_addresses_are_kept_in_their_canonical_form() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let body = json!({"server": {"name": "addressed", "imageRef": cirros(&c), "flavorRef": "1", "networks": "none",
                                 "accessIPv4": "1.1.1.1", "accessIPv6": "0000:0000:0000:0000:0000:babe:220.12.22.2"}});
    let r = nova(&c, Method::POST, "/servers", &demo, Some(body)).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let id = r.body["server"]["id"].as_str().unwrap().to_string();
    let shown = nova(&c, Method::GET, &format!("/servers/{id}"), &demo, None).await;
    assert_eq!(
        (shown.body["server"]["accessIPv4"].clone(), shown.body["server"]["accessIPv6"].clone()),
        (json!("1.1.1.1"), json!("::babe:dc0c:1602"))
    );
    let bad = nova(&c, Method::PUT, &format!("/servers/{id}"), &demo, Some(json!({"server": {"accessIPv4": "not-an-ip"}}))).await;
    assert_eq!(bad.status, 400, "{}", bad.text);
}
