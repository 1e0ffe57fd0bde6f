//! Cinder's families beyond volumes over HTTP: the per-reply extension attributes, volume types
//! (extra specs, private access, encryption), QoS specs, quotas and quota classes, snapshots and
//! volume actions on the manual clock, transfers, and the scheduler's capabilities filter with the
//! user message it leaves.

mod common;

use common::{Reply, TestCloud};
use reqwest::Method;
use serde_json::{json, Value};

async fn project_id(c: &TestCloud, name: &str) -> String {
    c.running.cloud.world().identity.project_named(name).unwrap().id.clone()
}

/// A request with an `OpenStack-API-Version: volume X` header.
async fn at(c: &TestCloud, method: Method, path: &str, token: &str, version: &str, body: Option<Value>) -> Reply {
    let mut rq =
        c.http.request(method, c.url(path)).header("X-Auth-Token", token).header("OpenStack-API-Version", format!("volume {version}"));
    if let Some(b) = body {
        rq = rq.json(&b);
    }
    common::reply(rq.send().await.unwrap()).await
}

/// Creates a volume as `token` and lets the clock run until the backend has built it.
async fn volume(c: &TestCloud, token: &str, body: Value) -> String {
    let r = c.send(Method::POST, "/volume/v3/volumes", Some(token), Some(json!({ "volume": body }))).await;
    assert_eq!(r.status, 202, "{}", r.text);
    c.advance("10s").await;
    r.body["volume"]["id"].as_str().unwrap().to_string()
}

async fn status(c: &TestCloud, token: &str, id: &str) -> String {
    c.get(&format!("/volume/v3/volumes/{id}"), Some(token)).await.body["volume"]["status"].as_str().unwrap_or("").to_string()
}

#[tokio::test]
async fn only_show_and_detail_carry_the_extension_attributes() {
    let c = TestCloud::start().await;
    let (demo, admin) = (c.member().await, c.admin().await);
    let r = c.send(Method::POST, "/volume/v3/volumes", Some(&demo), Some(json!({"volume": {"size": 1}}))).await;
    assert_eq!(r.status, 202, "{}", r.text);
    for key in ["os-vol-tenant-attr:tenant_id", "os-vol-host-attr:host", "volume_image_metadata"] {
        assert!(r.body["volume"].get(key).is_none(), "the create reply has {key}");
    }
    let id = r.body["volume"]["id"].as_str().unwrap().to_string();
    let renamed = c.send(Method::PUT, &format!("/volume/v3/volumes/{id}"), Some(&demo), Some(json!({"volume": {"name": "x"}}))).await;
    assert!(renamed.body["volume"].get("os-vol-tenant-attr:tenant_id").is_none(), "the update reply has the tenant");
    let show = c.get(&format!("/volume/v3/volumes/{id}"), Some(&demo)).await;
    assert_eq!(show.body["volume"]["os-vol-tenant-attr:tenant_id"], project_id(&c, "demo").await);
    assert!(show.body["volume"].get("os-vol-host-attr:host").is_none(), "the host is the admin's");
    assert!(show.body["volume"].get("volume_image_metadata").is_none(), "not made from an image");
    c.advance("10s").await;
    let as_admin = c.get(&format!("/volume/v3/volumes/{id}"), Some(&admin)).await;
    assert_eq!(as_admin.body["volume"]["os-vol-host-attr:host"], "hostgroup@tripleo_ceph#tripleo_ceph");
}

#[tokio::test]
async fn a_private_type_is_seen_and_used_only_where_shared_and_locks_while_in_use() {
    let c = TestCloud::start().await;
    let (demo, admin) = (c.member().await, c.admin().await);
    let dp = project_id(&c, "demo").await;
    let body = json!({"volume_type": {"name": "gold", "os-volume-type-access:is_public": false,
        "extra_specs": {"multiattach": "<is> True", "volume_backend_name": "tripleo_ceph"}}});
    let t = c.send(Method::POST, "/volume/v3/types", Some(&admin), Some(body)).await;
    assert_eq!(t.status, 200, "{}", t.text);
    assert_eq!(t.body["volume_type"]["os-volume-type-access:is_public"], false);
    let tid = t.body["volume_type"]["id"].as_str().unwrap().to_string();
    let again = c.send(Method::POST, "/volume/v3/types", Some(&admin), Some(json!({"volume_type": {"name": "gold"}}))).await;
    assert_eq!(again.status, 409, "a second type of the same name: {}", again.text);

    assert_eq!(c.get(&format!("/volume/v3/types/{tid}"), Some(&demo)).await.status, 404, "private, not shared");
    let use_it = c.send(Method::POST, "/volume/v3/volumes", Some(&demo), Some(json!({"volume": {"size": 1, "volume_type": tid}}))).await;
    assert_eq!(use_it.status, 404, "{}", use_it.text);
    let share = json!({"addProjectAccess": {"project": dp}});
    assert_eq!(c.send(Method::POST, &format!("/volume/v3/types/{tid}/action"), Some(&admin), Some(share.clone())).await.status, 202);
    assert_eq!(c.send(Method::POST, &format!("/volume/v3/types/{tid}/action"), Some(&admin), Some(share)).await.status, 409);
    let access = c.get(&format!("/volume/v3/types/{tid}/os-volume-type-access"), Some(&admin)).await;
    assert_eq!(access.body["volume_type_access"], json!([{"volume_type_id": tid, "project_id": dp}]));

    // The member sees the type with only the user-visible specs, and no QoS association.
    let seen = c.get(&format!("/volume/v3/types/{tid}"), Some(&demo)).await;
    assert_eq!(seen.body["volume_type"]["extra_specs"], json!({"multiattach": "<is> True"}));
    assert!(seen.body["volume_type"].get("qos_specs_id").is_none());
    let full = c.get(&format!("/volume/v3/types/{tid}"), Some(&admin)).await;
    assert_eq!(full.body["volume_type"]["extra_specs"]["volume_backend_name"], "tripleo_ceph");

    let vid = volume(&c, &demo, json!({"size": 1, "volume_type": "gold"})).await;
    assert_eq!(status(&c, &demo, &vid).await, "available", "the backend matches the type's specs");
    let spec = json!({"extra_specs": {"k": "v"}});
    let locked = c.send(Method::POST, &format!("/volume/v3/types/{tid}/extra_specs"), Some(&admin), Some(spec)).await;
    assert_eq!(locked.status, 400, "specs of a type in use: {}", locked.text);
    let del = c.send(Method::DELETE, &format!("/volume/v3/types/{tid}"), Some(&admin), None).await;
    assert_eq!(del.status, 400, "a type in use: {}", del.text);
    let other = c.send(Method::PUT, &format!("/volume/v3/types/{tid}/extra_specs/k"), Some(&admin), Some(json!({"j": "v"}))).await;
    assert_eq!(other.status, 400, "the body's key must be the URL's");
}

#[tokio::test]
async fn a_type_no_backend_can_take_errors_its_volumes_and_leaves_a_message() {
    let c = TestCloud::start().await;
    let (demo, admin) = (c.member().await, c.admin().await);
    let body = json!({"volume_type": {"name": "fc", "extra_specs": {"storage_protocol": "FC"}}});
    assert_eq!(c.send(Method::POST, "/volume/v3/types", Some(&admin), Some(body)).await.status, 200);
    let vid = volume(&c, &demo, json!({"size": 1, "volume_type": "fc"})).await;
    assert_eq!(status(&c, &demo, &vid).await, "error");
    let before = at(&c, Method::GET, "/volume/v3/messages", &demo, "3.2", None).await;
    assert_eq!(before.status, 404, "messages came in 3.3");
    let msgs = at(&c, Method::GET, "/volume/v3/messages", &demo, "3.3", None).await;
    let m = &msgs.body["messages"][0];
    assert_eq!(m["resource_uuid"], vid.as_str());
    assert_eq!(m["event_id"], "VOLUME_VOLUME_001_002");
    let mid = m["id"].as_str().unwrap().to_string();
    let alt = c.token("alt_demo", "alt-demo-secret", "alt_demo").await;
    assert_eq!(at(&c, Method::GET, &format!("/volume/v3/messages/{mid}"), &alt, "3.3", None).await.status, 404);
    assert_eq!(at(&c, Method::DELETE, &format!("/volume/v3/messages/{mid}"), &demo, "3.3", None).await.status, 204);
    assert_eq!(at(&c, Method::GET, &format!("/volume/v3/messages/{mid}"), &demo, "3.3", None).await.status, 404);
}

#[tokio::test]
async fn qos_specs_associate_with_types_and_refuse_deletion_while_associated() {
    let c = TestCloud::start().await;
    let (demo, admin) = (c.member().await, c.admin().await);
    let q = c
        .send(
            Method::POST,
            "/volume/v3/qos-specs",
            Some(&admin),
            Some(json!({"qos_specs": {"name": "fast", "consumer": "front-end", "read_iops_sec": "2000"}})),
        )
        .await;
    assert_eq!(q.status, 200, "{}", q.text);
    assert_eq!(q.body["qos_specs"]["specs"], json!({"read_iops_sec": "2000"}));
    let qid = q.body["qos_specs"]["id"].as_str().unwrap().to_string();
    assert_eq!(c.get("/volume/v3/qos-specs", Some(&demo)).await.status, 403, "QoS specs are the admin's");
    let bad =
        c.send(Method::POST, "/volume/v3/qos-specs", Some(&admin), Some(json!({"qos_specs": {"name": "x", "consumer": "sideways"}}))).await;
    assert_eq!(bad.status, 400);
    let t = c.send(Method::POST, "/volume/v3/types", Some(&admin), Some(json!({"volume_type": {"name": "t1"}}))).await;
    let tid = t.body["volume_type"]["id"].as_str().unwrap().to_string();
    assert_eq!(c.get(&format!("/volume/v3/qos-specs/{qid}/associate?vol_type_id={tid}"), Some(&admin)).await.status, 202);
    let assoc = c.get(&format!("/volume/v3/qos-specs/{qid}/associations"), Some(&admin)).await;
    assert_eq!(assoc.body["qos_associations"], json!([{"association_type": "volume_type", "id": tid, "name": "t1"}]));
    assert_eq!(c.get(&format!("/volume/v3/types/{tid}"), Some(&admin)).await.body["volume_type"]["qos_specs_id"], qid.as_str());
    assert_eq!(c.send(Method::DELETE, &format!("/volume/v3/qos-specs/{qid}"), Some(&admin), None).await.status, 400);
    assert_eq!(c.get(&format!("/volume/v3/qos-specs/{qid}/disassociate_all"), Some(&admin)).await.status, 202);
    let unset = c
        .send(Method::PUT, &format!("/volume/v3/qos-specs/{qid}/delete_keys"), Some(&admin), Some(json!({"keys": ["read_iops_sec"]})))
        .await;
    assert_eq!(unset.status, 202);
    assert_eq!(c.get(&format!("/volume/v3/qos-specs/{qid}"), Some(&admin)).await.body["qos_specs"]["specs"], json!({}));
    assert_eq!(c.send(Method::DELETE, &format!("/volume/v3/qos-specs/{qid}"), Some(&admin), None).await.status, 202);
}

#[tokio::test]
async fn quotas_count_usage_follow_the_default_class_and_never_go_below_use() {
    let c = TestCloud::start().await;
    let (demo, admin) = (c.member().await, c.admin().await);
    let dp = project_id(&c, "demo").await;
    let usage = c.get(&format!("/volume/v3/os-quota-sets/{dp}?usage=True"), Some(&demo)).await;
    assert_eq!(usage.status, 200, "{}", usage.text);
    assert_eq!(usage.body["quota_set"]["volumes"]["in_use"], 2, "the fixture's two volumes");
    assert_eq!(usage.body["quota_set"]["gigabytes"]["limit"], 1000);
    assert!(usage.body["quota_set"]["volumes___DEFAULT__"].is_object(), "a per-type quota for each type");
    let too_low =
        c.send(Method::PUT, &format!("/volume/v3/os-quota-sets/{dp}"), Some(&admin), Some(json!({"quota_set": {"volumes": 1}}))).await;
    assert_eq!(too_low.status, 400, "{}", too_low.text);
    let not_admin =
        c.send(Method::PUT, &format!("/volume/v3/os-quota-sets/{dp}"), Some(&demo), Some(json!({"quota_set": {"volumes": 5}}))).await;
    assert_eq!(not_admin.status, 403);
    let class = c
        .send(Method::PUT, "/volume/v3/os-quota-class-sets/default", Some(&admin), Some(json!({"quota_class_set": {"snapshots": 3}})))
        .await;
    assert_eq!(class.status, 200, "{}", class.text);
    let defaults = c.get(&format!("/volume/v3/os-quota-sets/{dp}/defaults"), Some(&demo)).await;
    assert_eq!(defaults.body["quota_set"]["snapshots"], 3);
    let set =
        c.send(Method::PUT, &format!("/volume/v3/os-quota-sets/{dp}"), Some(&admin), Some(json!({"quota_set": {"volumes": 2}}))).await;
    assert_eq!(set.body["quota_set"]["volumes"], 2);
    let over = c.send(Method::POST, "/volume/v3/volumes", Some(&demo), Some(json!({"volume": {"size": 1}}))).await;
    assert_eq!(over.status, 413, "{}", over.text);
    let limits = c.get("/volume/v3/limits", Some(&demo)).await;
    assert_eq!(limits.body["limits"]["absolute"]["maxTotalVolumes"], 2);
    assert_eq!(limits.body["limits"]["absolute"]["maxTotalSnapshots"], 3);
    assert_eq!(c.send(Method::DELETE, &format!("/volume/v3/os-quota-sets/{dp}"), Some(&admin), None).await.status, 200);
    assert_eq!(c.get(&format!("/volume/v3/os-quota-sets/{dp}"), Some(&demo)).await.body["quota_set"]["volumes"], 10);
}

#[tokio::test]
async fn snapshots_are_taken_on_the_clock_and_hold_their_volume() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let vid = volume(&c, &demo, json!({"size": 2})).await;
    let s = c
        .send(
            Method::POST,
            "/volume/v3/snapshots",
            Some(&demo),
            Some(json!({"snapshot": {"volume_id": vid, "name": "s1", "metadata": {"a": "1"}}})),
        )
        .await;
    assert_eq!(s.status, 202, "{}", s.text);
    assert_eq!(s.body["snapshot"]["status"], "creating");
    assert!(s.body["snapshot"].get("os-extended-snapshot-attributes:progress").is_none(), "the create reply is the summary");
    let sid = s.body["snapshot"]["id"].as_str().unwrap().to_string();
    c.advance("5s").await;
    let shown = c.get(&format!("/volume/v3/snapshots/{sid}"), Some(&demo)).await;
    assert_eq!(shown.body["snapshot"]["status"], "available");
    assert_eq!(shown.body["snapshot"]["size"], 2);
    assert_eq!(shown.body["snapshot"]["os-extended-snapshot-attributes:progress"], "100%");
    let held = c.send(Method::DELETE, &format!("/volume/v3/volumes/{vid}"), Some(&demo), None).await;
    assert_eq!(held.status, 400, "a volume with snapshots: {}", held.text);
    // A volume from the snapshot takes its size; one smaller is refused.
    let small = c.send(Method::POST, "/volume/v3/volumes", Some(&demo), Some(json!({"volume": {"size": 1, "snapshot_id": sid}}))).await;
    assert_eq!(small.status, 400, "{}", small.text);
    let from = volume(&c, &demo, json!({"snapshot_id": sid})).await;
    let v = c.get(&format!("/volume/v3/volumes/{from}"), Some(&demo)).await;
    assert_eq!((v.body["volume"]["size"].clone(), v.body["volume"]["snapshot_id"].clone()), (json!(2), json!(sid)));
    let meta = c.send(Method::PUT, &format!("/volume/v3/snapshots/{sid}/metadata/a"), Some(&demo), Some(json!({"meta": {"a": "2"}}))).await;
    assert_eq!(meta.body, json!({"meta": {"a": "2"}}));
    let cascade = c.send(Method::DELETE, &format!("/volume/v3/volumes/{vid}?cascade=true"), Some(&demo), None).await;
    assert_eq!(cascade.status, 202, "{}", cascade.text);
    c.advance("5s").await;
    assert_eq!(c.get(&format!("/volume/v3/snapshots/{sid}"), Some(&demo)).await.status, 404, "deleted with its volume");
}

async fn act(c: &TestCloud, token: &str, vid: &str, body: Value) -> Reply {
    c.send(Method::POST, &format!("/volume/v3/volumes/{vid}/action"), Some(token), Some(body)).await
}

#[tokio::test]
async fn extend_retype_and_readonly_act_as_cinders_volume_api() {
    let c = TestCloud::start().await;
    let (demo, admin) = (c.member().await, c.admin().await);
    let vid = volume(&c, &demo, json!({"size": 1})).await;
    assert_eq!(act(&c, &demo, &vid, json!({"os-extend": {"new_size": 1}})).await.status, 400, "not larger");
    assert_eq!(act(&c, &demo, &vid, json!({"os-extend": {"new_size": "x"}})).await.status, 400);
    assert_eq!(act(&c, &demo, &vid, json!({"os-extend": {"new_size": 3}})).await.status, 202);
    assert_eq!(status(&c, &demo, &vid).await, "extending");
    c.advance("5s").await;
    let v = c.get(&format!("/volume/v3/volumes/{vid}"), Some(&demo)).await;
    assert_eq!((v.body["volume"]["status"].clone(), v.body["volume"]["size"].clone()), (json!("available"), json!(3)));

    let t = c.send(Method::POST, "/volume/v3/types", Some(&admin), Some(json!({"volume_type": {"name": "silver"}}))).await;
    assert_eq!(t.status, 200);
    assert_eq!(act(&c, &demo, &vid, json!({"os-retype": {"new_type": "silver", "migration_policy": "never"}})).await.status, 202);
    assert_eq!(c.get(&format!("/volume/v3/volumes/{vid}"), Some(&demo)).await.body["volume"]["volume_type"], "__DEFAULT__");
    c.advance("5s").await;
    assert_eq!(c.get(&format!("/volume/v3/volumes/{vid}"), Some(&demo)).await.body["volume"]["volume_type"], "silver");

    assert_eq!(act(&c, &demo, &vid, json!({"os-update_readonly_flag": {"readonly": true}})).await.status, 202);
    assert_eq!(c.get(&format!("/volume/v3/volumes/{vid}"), Some(&demo)).await.body["volume"]["metadata"]["readonly"], "True");
    assert_eq!(act(&c, &demo, &vid, json!({"os-reset_status": {"status": "error"}})).await.status, 403, "an admin action");
    assert_eq!(act(&c, &demo, &vid, json!({"os-set_bootable": {"bootable": true, "extra": 1}})).await.status, 400, "unknown arguments");
    assert_eq!(act(&c, &demo, &vid, json!({"os-reserve": {}})).await.status, 202);
    assert_eq!(status(&c, &demo, &vid).await, "attaching");
    assert_eq!(act(&c, &demo, &vid, json!({"os-unreserve": {}})).await.status, 202);
    assert_eq!(status(&c, &demo, &vid).await, "available");
    let reset = c
        .send(
            Method::POST,
            &format!("/volume/v3/volumes/{vid}/action"),
            Some(&admin),
            Some(json!({"os-reset_status": {"status": "maintenance"}})),
        )
        .await;
    assert_eq!(reset.status, 202);
    let meta = c.send(Method::PUT, &format!("/volume/v3/volumes/{vid}/metadata"), Some(&demo), Some(json!({"metadata": {"a": "1"}}))).await;
    assert_eq!(meta.status, 400, "a volume in maintenance: {}", meta.text);
}

async fn gigabytes_used(c: &TestCloud, project: &str, token: &str) -> i64 {
    let q = c.get(&format!("/volume/v3/os-quota-sets/{project}?usage=True"), Some(token)).await;
    q.body["quota_set"]["gigabytes"]["in_use"].as_i64().unwrap()
}

#[tokio::test]
async fn a_transfer_moves_the_volume_and_its_usage_to_the_accepting_project() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    let alt = c.token("alt_demo", "alt-demo-secret", "alt_demo").await;
    let ap = project_id(&c, "alt_demo").await;
    let vid = volume(&c, &demo, json!({"size": 4})).await;
    let before = gigabytes_used(&c, &ap, &alt).await;
    let t = c
        .send(Method::POST, "/volume/v3/os-volume-transfer", Some(&demo), Some(json!({"transfer": {"volume_id": vid, "name": "gift"}})))
        .await;
    assert_eq!(t.status, 202, "{}", t.text);
    let (tid, key) = (t.body["transfer"]["id"].as_str().unwrap().to_string(), t.body["transfer"]["auth_key"].as_str().unwrap().to_string());
    assert_eq!(status(&c, &demo, &vid).await, "awaiting-transfer");
    assert!(c.get(&format!("/volume/v3/os-volume-transfer/{tid}"), Some(&demo)).await.body["transfer"].get("auth_key").is_none());
    let wrong = c
        .send(
            Method::POST,
            &format!("/volume/v3/os-volume-transfer/{tid}/accept"),
            Some(&alt),
            Some(json!({"accept": {"auth_key": "nope"}})),
        )
        .await;
    assert_eq!(wrong.status, 400);
    let ok = c
        .send(Method::POST, &format!("/volume/v3/os-volume-transfer/{tid}/accept"), Some(&alt), Some(json!({"accept": {"auth_key": key}})))
        .await;
    assert_eq!(ok.status, 202, "{}", ok.text);
    assert_eq!(c.get(&format!("/volume/v3/volumes/{vid}"), Some(&demo)).await.status, 404, "no longer demo's");
    assert_eq!(status(&c, &alt, &vid).await, "available");
    assert_eq!(gigabytes_used(&c, &ap, &alt).await, before + 4, "the 4 GiB count against alt_demo now");
}

#[tokio::test]
async fn group_types_come_in_3_11_and_only_admins_manage_them_or_read_their_specs() {
    let c = TestCloud::start().await;
    let (demo, admin) = (c.member().await, c.admin().await);
    assert_eq!(at(&c, Method::GET, "/volume/v3/group_types", &admin, "3.10", None).await.status, 404, "not before 3.11");
    let body = json!({"group_type": {"name": "b-type", "is_public": false, "group_specs": {"k": "v"}}});
    let forbidden = at(&c, Method::POST, "/volume/v3/group_types", &demo, "3.11", Some(body.clone())).await;
    assert_eq!(forbidden.status, 403);
    let b = at(&c, Method::POST, "/volume/v3/group_types", &admin, "3.11", Some(body)).await;
    assert_eq!(b.status, 202, "{}", b.text);
    let a = at(&c, Method::POST, "/volume/v3/group_types", &admin, "3.11", Some(json!({"group_type": {"name": "a-type"}}))).await;
    assert_eq!(a.status, 202);
    let bid = b.body["group_type"]["id"].as_str().unwrap().to_string();
    let names = |r: &Reply| -> Vec<String> {
        r.body["group_types"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect()
    };
    let all = at(&c, Method::GET, "/volume/v3/group_types?is_public=None&sort=name:desc", &admin, "3.11", None).await;
    assert_eq!(names(&all), ["b-type", "a-type"]);
    let public = at(&c, Method::GET, "/volume/v3/group_types?is_public=None", &demo, "3.11", None).await;
    assert_eq!(names(&public), ["a-type"], "a member sees only public ones");
    assert!(public.body["group_types"][0].get("group_specs").is_none(), "specs are the admin's");
    let item = at(&c, Method::GET, &format!("/volume/v3/group_types/{bid}/group_specs/k"), &admin, "3.11", None).await;
    assert_eq!(item.body, json!({"k": "v"}));
    let missing = at(&c, Method::DELETE, &format!("/volume/v3/group_types/{bid}/group_specs/nope"), &admin, "3.11", None).await;
    assert_eq!(missing.status, 404);
    let dup =
        at(&c, Method::PUT, &format!("/volume/v3/group_types/{bid}"), &admin, "3.11", Some(json!({"group_type": {"name": "a-type"}})))
            .await;
    assert_eq!(dup.status, 409, "{}", dup.text);
}

#[tokio::test]
async fn a_group_takes_volumes_of_its_types_and_is_deleted_with_them_only_when_asked() {
    let c = TestCloud::start().await;
    let (demo, admin) = (c.member().await, c.admin().await);
    let gt = at(&c, Method::POST, "/volume/v3/group_types", &admin, "3.11", Some(json!({"group_type": {"name": "g"}}))).await;
    let gtid = gt.body["group_type"]["id"].as_str().unwrap().to_string();
    let body = json!({"group": {"name": "grp", "group_type": gtid, "volume_types": ["__DEFAULT__"]}});
    let g = at(&c, Method::POST, "/volume/v3/groups", &demo, "3.13", Some(body)).await;
    assert_eq!(g.status, 202, "{}", g.text);
    let gid = g.body["group"]["id"].as_str().unwrap().to_string();
    let early = c.send(Method::POST, "/volume/v3/volumes", Some(&demo), Some(json!({"volume": {"size": 1, "group_id": gid}}))).await;
    assert_eq!(early.status, 400, "the group is still creating: {}", early.text);
    c.advance("5s").await;
    let shown = at(&c, Method::GET, &format!("/volume/v3/groups/{gid}"), &demo, "3.25", None).await;
    assert_eq!(shown.body["group"]["status"], "available");
    let vid = volume(&c, &demo, json!({"size": 1, "group_id": gid})).await;
    let v = at(&c, Method::GET, &format!("/volume/v3/volumes/{vid}"), &demo, "3.13", None).await;
    assert_eq!(v.body["volume"]["group_id"], gid.as_str());
    let shown = at(&c, Method::GET, &format!("/volume/v3/groups/{gid}"), &demo, "3.25", None).await;
    assert_eq!(shown.body["group"]["volumes"], json!([vid]));
    assert_eq!(c.send(Method::DELETE, &format!("/volume/v3/volumes/{vid}"), Some(&demo), None).await.status, 400, "it belongs to a group");
    let keep =
        at(&c, Method::POST, &format!("/volume/v3/groups/{gid}/action"), &demo, "3.13", Some(json!({"delete": {"delete-volumes": false}})))
            .await;
    assert_eq!(keep.status, 400, "the group still has volumes: {}", keep.text);
    let reset =
        at(&c, Method::POST, &format!("/volume/v3/groups/{gid}/action"), &demo, "3.20", Some(json!({"reset_status": {"status": "error"}})))
            .await;
    assert_eq!(reset.status, 403, "resetting is the admin's");
    let gone =
        at(&c, Method::POST, &format!("/volume/v3/groups/{gid}/action"), &demo, "3.13", Some(json!({"delete": {"delete-volumes": true}})))
            .await;
    assert_eq!(gone.status, 202, "{}", gone.text);
    c.advance("5s").await;
    assert_eq!(at(&c, Method::GET, &format!("/volume/v3/groups/{gid}"), &demo, "3.13", None).await.status, 404);
    assert_eq!(c.get(&format!("/volume/v3/volumes/{vid}"), Some(&demo)).await.status, 404, "deleted with its group");
}

#[tokio::test]
async fn a_group_snapshot_holds_a_snapshot_of_each_volume_and_seeds_a_new_group() {
    let c = TestCloud::start().await;
    let (demo, admin) = (c.member().await, c.admin().await);
    let gt = at(&c, Method::POST, "/volume/v3/group_types", &admin, "3.11", Some(json!({"group_type": {"name": "g"}}))).await;
    let body = json!({"group": {"group_type": gt.body["group_type"]["id"], "volume_types": ["__DEFAULT__"]}});
    let gid = at(&c, Method::POST, "/volume/v3/groups", &demo, "3.13", Some(body)).await.body["group"]["id"].as_str().unwrap().to_string();
    c.advance("5s").await;
    let vid = volume(&c, &demo, json!({"size": 2, "group_id": gid})).await;
    let gs = at(&c, Method::POST, "/volume/v3/group_snapshots", &demo, "3.14", Some(json!({"group_snapshot": {"group_id": gid}}))).await;
    assert_eq!(gs.status, 202, "{}", gs.text);
    let gsid = gs.body["group_snapshot"]["id"].as_str().unwrap().to_string();
    c.advance("5s").await;
    let shown = at(&c, Method::GET, &format!("/volume/v3/group_snapshots/{gsid}"), &demo, "3.14", None).await;
    assert_eq!(shown.body["group_snapshot"]["status"], "available");
    let snaps = at(&c, Method::GET, "/volume/v3/snapshots/detail", &demo, "3.14", None).await;
    let member = snaps.body["snapshots"].as_array().unwrap().iter().find(|s| s["volume_id"] == vid.as_str()).unwrap().clone();
    assert_eq!(member["group_snapshot_id"], gsid.as_str());
    assert_eq!(member["status"], "available");
    let sid = member["id"].as_str().unwrap().to_string();
    assert_eq!(
        c.send(Method::DELETE, &format!("/volume/v3/snapshots/{sid}"), Some(&demo), None).await.status,
        400,
        "part of a group snapshot"
    );
    let held =
        at(&c, Method::POST, &format!("/volume/v3/groups/{gid}/action"), &demo, "3.13", Some(json!({"delete": {"delete-volumes": true}})))
            .await;
    assert_eq!(held.status, 400, "the group has a snapshot: {}", held.text);
    let from = json!({"create-from-src": {"group_snapshot_id": gsid, "name": "copy"}});
    let copy = at(&c, Method::POST, "/volume/v3/groups/action", &demo, "3.14", Some(from)).await;
    assert_eq!(copy.status, 202, "{}", copy.text);
    let copy_id = copy.body["group"]["id"].as_str().unwrap().to_string();
    c.advance("5s").await;
    let vols = at(&c, Method::GET, "/volume/v3/volumes/detail", &demo, "3.13", None).await;
    let cloned: Vec<&Value> = vols.body["volumes"].as_array().unwrap().iter().filter(|v| v["group_id"] == copy_id.as_str()).collect();
    assert_eq!(cloned.len(), 1);
    assert_eq!(
        (cloned[0]["snapshot_id"].clone(), cloned[0]["size"].clone(), cloned[0]["status"].clone()),
        (json!(sid), json!(2), json!("available"))
    );
    let reset = at(
        &c,
        Method::POST,
        &format!("/volume/v3/group_snapshots/{gsid}/action"),
        &demo,
        "3.19",
        Some(json!({"reset_status": {"status": "error"}})),
    )
    .await;
    assert_eq!(reset.status, 403, "the admin's");
    assert_eq!(at(&c, Method::DELETE, &format!("/volume/v3/group_snapshots/{gsid}"), &demo, "3.14", None).await.status, 202);
    c.advance("5s").await;
    assert_eq!(c.get(&format!("/volume/v3/snapshots/{sid}"), Some(&demo)).await.status, 404, "deleted with the group snapshot");
}
