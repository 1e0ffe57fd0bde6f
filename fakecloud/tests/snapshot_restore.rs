//! Snapshots on disk and restores that go wrong: `fakecloud ctl snapshot -o` writes the served bytes
//! atomically; a corrupt snapshot, or one of another format version, is refused with a clear 400
//! over the control API and a clear error from `ctl restore` and `serve --snapshot`, and the running
//! world stays byte-for-byte as it was.

mod common;

use common::TestCloud;
use fakecloud::world::SNAPSHOT_FORMAT;
use reqwest::Method;
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_fakecloud");

/// Snapshots that must be refused, each with what the refusal must say. Built from a real one.
fn bad_snapshots(good: &str) -> Vec<(&'static str, Vec<u8>, String)> {
    let v: Value = serde_json::from_str(good).unwrap();
    let with = |f: &dyn Fn(&mut Value)| {
        let mut x = v.clone();
        f(&mut x);
        serde_json::to_vec(&x).unwrap()
    };
    let unsupported = |n: u32| format!("snapshot format {n} is not supported (this fakecloud reads format {SNAPSHOT_FORMAT})");
    vec![
        ("empty", Vec::new(), "snapshot is not valid JSON".into()),
        ("cut in half", good.as_bytes()[..good.len() / 2].to_vec(), "snapshot is not valid JSON".into()),
        ("binary garbage", vec![0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe], "snapshot is not valid JSON".into()),
        ("a JSON array", b"[1, 2, 3]".to_vec(), "not a fakecloud snapshot: no format field".into()),
        (
            "no format field",
            with(&|x| drop(x.as_object_mut().unwrap().remove("format"))),
            "not a fakecloud snapshot: no format field".into(),
        ),
        ("a format that is text", with(&|x| x["format"] = json!(SNAPSHOT_FORMAT.to_string())), "is not a format number".into()),
        ("an older format", with(&|x| x["format"] = json!(SNAPSHOT_FORMAT - 1)), unsupported(SNAPSHOT_FORMAT - 1)),
        ("a newer format", with(&|x| x["format"] = json!(SNAPSHOT_FORMAT + 1)), unsupported(SNAPSHOT_FORMAT + 1)),
        ("a field of the wrong type", with(&|x| x["seed"] = json!("seven")), format!("snapshot does not match format {SNAPSHOT_FORMAT}")),
        (
            "a part missing",
            with(&|x| drop(x.as_object_mut().unwrap().remove("compute"))),
            format!("snapshot does not match format {SNAPSHOT_FORMAT}"),
        ),
        (
            "a journal entry of an unknown kind",
            with(&|x| x["sim"]["journal"]["entries"][0]["kind"] = json!("rumour")),
            format!("snapshot does not match format {SNAPSHOT_FORMAT}"),
        ),
        (
            "a clock that is not a time",
            with(&|x| x["sim"]["clock"]["now"] = json!("yesterday")),
            format!("snapshot does not match format {SNAPSHOT_FORMAT}"),
        ),
    ]
}

/// A cloud with something in every part a snapshot keeps: tokens, a server building on the clock, a
/// fault with a scheduled expiry, journal entries.
async fn busy_cloud() -> (TestCloud, String) {
    let c = TestCloud::start().await;
    let admin = c.admin().await;
    let demo = c.member().await;
    let image = c.running.cloud.world().image.images.iter().find(|i| i.name.starts_with("cirros")).unwrap().id.clone();
    let body = json!({"server": {"name": "kept", "imageRef": image, "flavorRef": "1", "networks": "none"}});
    assert_eq!(c.send(Method::POST, "/compute/v2.1/servers", Some(&demo), Some(body)).await.status, 202);
    assert_eq!(c.send(Method::POST, "/_fakecloud/clock/advance", None, Some(json!({"by": 3}))).await.status, 200);
    let fault = json!({"kind": "api-error", "status": 503, "match": {"service": "image"}, "duration": "10m"});
    assert_eq!(c.send(Method::POST, "/_fakecloud/faults", None, Some(fault)).await.status, 201);
    (c, admin)
}

#[tokio::test]
async fn a_corrupt_or_foreign_snapshot_is_a_clear_400_over_the_control_api_and_the_world_stays_as_it_was() {
    let (c, admin) = busy_cloud().await;
    let before = c.snapshot().await;
    for (what, body, message) in bad_snapshots(&before) {
        let r = c.raw(Method::POST, "/_fakecloud/restore", None, body).await;
        assert_eq!(r.status, 400, "{what}: {}", r.text);
        assert_eq!(r.headers["content-type"], "application/json", "{what}");
        assert_eq!(r.body["error"]["status"], 400, "{what}: {}", r.text);
        let got = r.body["error"]["message"].as_str().unwrap_or_default();
        assert!(got.contains(&message), "{what}: expected '{message}' in '{got}'");
        assert_eq!(c.snapshot().await, before, "{what}: the refused restore changed the world");
    }
    // Still the same running world: the token works, the fault is still installed, time is as it was.
    assert_eq!(c.get("/identity/v3/auth/projects", Some(&admin)).await.status, 200);
    assert_eq!(c.get("/image/v2/images", Some(&admin)).await.status, 503, "the fault survived");
    // And restore itself works: a good snapshot after a reset comes back byte for byte.
    let now = c.snapshot().await;
    assert_eq!(c.send(Method::POST, "/_fakecloud/reset", None, None).await.status, 204);
    assert_ne!(c.snapshot().await, now);
    assert_eq!(c.raw(Method::POST, "/_fakecloud/restore", None, now.clone().into_bytes()).await.status, 204);
    assert_eq!(c.snapshot().await, now);
}

#[tokio::test]
async fn a_snapshot_over_the_api_body_limit_restores_over_the_control_api() {
    let c = TestCloud::start().await;
    let demo = c.member().await;
    // Refused requests are journaled with their bodies: three of nearly 1 MiB make a large world.
    let padding = "x".repeat(900 * 1024);
    for _ in 0..3 {
        let r = c.send(Method::POST, "/compute/v2.1/servers", Some(&demo), Some(json!({"server": {"name": padding}}))).await;
        assert_eq!(r.status, 400, "{}", &r.text[..r.text.len().min(300)]);
    }
    let big = c.snapshot().await;
    assert!(big.len() > 2 << 20, "{} bytes", big.len());
    assert_eq!(c.send(Method::POST, "/_fakecloud/reset", None, None).await.status, 204);
    let r = c.raw(Method::POST, "/_fakecloud/restore", None, big.clone().into_bytes()).await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(c.snapshot().await, big);
    // The OpenStack APIs keep their 1 MiB limit.
    let r = c.raw(Method::POST, "/compute/v2.1/servers", Some(&demo), vec![b' '; (1 << 20) + 1]).await;
    assert_eq!(r.status, 413, "{}", r.text);
}

// ------------------------------------------------------------------------------------------------
// The CLI: `fakecloud ctl snapshot -o`, `ctl restore`, `serve --snapshot`

use common::served::serve;

fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn served_snapshot(base: &str) -> Vec<u8> {
    reqwest::blocking::get(format!("{base}/_fakecloud/snapshot?secrets=include")).unwrap().bytes().unwrap().to_vec()
}

/// Something in the world besides the fixture: a token, a clock move and a fault.
fn stir(base: &str) {
    let body = json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "demo", "domain": {"name": "Default"}, "password": "demo-secret"}}}}});
    let r = reqwest::blocking::Client::new().post(format!("{base}/identity/v3/auth/tokens")).json(&body).send().unwrap();
    assert_eq!(r.status(), 201);
    assert!(run(&["ctl", "--url", base, "clock", "advance", "42s"]).0);
    assert!(run(&["ctl", "--url", base, "faults", "add", r#"{"kind":"api-error","status":503,"duration":"1h"}"#]).0);
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn ctl_snapshot_writes_the_served_bytes_whole_and_a_failed_write_keeps_the_old_file() {
    let server = serve(&["--clock", "manual", "--seed", "5"]);
    stir(&server.base);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("world.json");
    std::fs::write(&path, "an older snapshot").unwrap();
    let (ok, _, err) = run(&["ctl", "--url", &server.base, "snapshot", "--secrets", "-o", path.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), served_snapshot(&server.base), "the file holds exactly what the control API served");
    assert_eq!(files_in(dir.path()), vec!["world.json"], "no temporary file is left");

    // Nothing to write (fakecloud unreachable): the old file stays, nothing is left beside it.
    let kept = std::fs::read(&path).unwrap();
    let (ok, _, err) = run(&["ctl", "--url", "http://127.0.0.1:9", "snapshot", "--secrets", "-o", path.to_str().unwrap()]);
    assert!(!ok && err.contains("cannot reach fakecloud"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), kept);
    // The write itself fails (a directory is in the way): a clear error, nothing left behind.
    std::fs::create_dir_all(dir.path().join("taken").join("inside")).unwrap();
    let taken = dir.path().join("taken");
    let (ok, _, err) = run(&["ctl", "--url", &server.base, "snapshot", "--secrets", "-o", taken.to_str().unwrap()]);
    assert!(!ok && err.contains(&format!("cannot write {}", taken.display())), "{err}");
    assert_eq!(files_in(dir.path()), vec!["taken", "world.json"], "no temporary file is left");
    assert_eq!(std::fs::read(&path).unwrap(), kept);
}

#[test]
fn ctl_restore_of_a_corrupt_or_foreign_file_fails_clearly_and_changes_nothing() {
    let server = serve(&["--clock", "manual", "--seed", "5"]);
    stir(&server.base);
    let before = served_snapshot(&server.base);
    let dir = tempfile::tempdir().unwrap();
    for (i, (what, body, message)) in bad_snapshots(std::str::from_utf8(&before).unwrap()).into_iter().enumerate() {
        let file = dir.path().join(format!("bad-{i}.json"));
        std::fs::write(&file, body).unwrap();
        let (ok, _, err) = run(&["ctl", "--url", &server.base, "restore", file.to_str().unwrap()]);
        assert!(!ok, "{what}: ctl restore succeeded");
        let head = format!("cannot restore {}: 400 Bad Request: ", file.display());
        assert!(err.contains(&head) && err.contains(&message), "{what}: expected '{head}' and '{message}' in {err}");
        assert!(err.contains("; the running world is unchanged"), "{what}: {err}");
        assert_eq!(served_snapshot(&server.base), before, "{what}: the refused restore changed the world");
    }
    let missing = dir.path().join("missing.json");
    let (ok, _, err) = run(&["ctl", "--url", &server.base, "restore", missing.to_str().unwrap()]);
    assert!(!ok && err.contains(&format!("cannot read {}", missing.display())), "{err}");
    // A good file restores (after a reset), byte for byte.
    let good = dir.path().join("good.json");
    assert!(run(&["ctl", "--url", &server.base, "snapshot", "--secrets", "-o", good.to_str().unwrap()]).0);
    assert!(run(&["ctl", "--url", &server.base, "reset"]).0);
    assert_ne!(served_snapshot(&server.base), before);
    let (ok, _, err) = run(&["ctl", "--url", &server.base, "restore", good.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert_eq!(served_snapshot(&server.base), before);
}

/// Runs `serve` expecting it to exit by itself: (success, stdout, stderr). Killed after 30 s.
fn serve_until_exit(args: &[&str]) -> (bool, String, String) {
    let mut child = Command::new(BIN).arg("serve").args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn serve_from_a_snapshot_gives_it_back_byte_for_byte_and_refuses_a_bad_one_before_listening() {
    let first = serve(&["--clock", "manual", "--seed", "5"]);
    stir(&first.base);
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.json");
    assert!(run(&["ctl", "--url", &first.base, "snapshot", "--secrets", "-o", good.to_str().unwrap()]).0);
    let again = serve(&["--snapshot", good.to_str().unwrap()]);
    assert_eq!(served_snapshot(&again.base), std::fs::read(&good).unwrap(), "served from the snapshot, unchanged");

    let text = std::fs::read_to_string(&good).unwrap();
    for (i, (what, body, message)) in bad_snapshots(&text).into_iter().enumerate() {
        let file = dir.path().join(format!("bad-{i}.json"));
        std::fs::write(&file, body).unwrap();
        let (ok, out, err) = serve_until_exit(&["--listen", "127.0.0.1:0", "--snapshot", file.to_str().unwrap()]);
        assert!(!ok, "{what}: serve ran");
        assert!(out.is_empty(), "{what}: no ready line for a refused snapshot: {out}");
        assert!(err.contains(&format!("cannot restore the snapshot {}: ", file.display())) && err.contains(&message), "{what}: {err}");
    }
}

#[cfg(unix)]
#[test]
fn ctl_snapshot_refuses_a_symlink_a_fifo_or_a_device_as_its_target_and_leaves_it_as_it_was() {
    let server = serve(&["--clock", "manual"]);
    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join("kept.json");
    std::fs::write(&kept, "kept").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&kept, &link).unwrap();
    let fifo = dir.path().join("fifo.json");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    for (target, what) in
        [(link.as_path(), "a symbolic link"), (fifo.as_path(), "not a regular file"), (Path::new("/dev/null"), "not a regular file")]
    {
        let (ok, _, err) = run(&["ctl", "--url", &server.base, "snapshot", "--secrets", "-o", target.to_str().unwrap()]);
        assert!(!ok, "{}: written", target.display());
        assert!(err.contains(&format!("cannot write {}", target.display())) && err.contains(what), "{}: {err}", target.display());
    }
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&std::fs::symlink_metadata(&fifo).unwrap().file_type()));
    assert!(std::os::unix::fs::FileTypeExt::is_char_device(&std::fs::symlink_metadata("/dev/null").unwrap().file_type()));
    assert_eq!(std::fs::read(&kept).unwrap(), b"kept");
    assert_eq!(files_in(dir.path()), vec!["fifo.json", "kept.json", "link.json"], "no temporary file is left");
}

#[test]
fn an_endless_snapshot_or_fixture_file_is_refused_at_its_size_limit_before_listening() {
    let (ok, out, err) = serve_until_exit(&["--listen", "127.0.0.1:0", "--snapshot", "/dev/zero"]);
    assert!(!ok && out.is_empty(), "{out}");
    assert!(err.contains("cannot read snapshot /dev/zero: larger than the 268435456 bytes allowed"), "{err}");
    let (ok, out, err) = serve_until_exit(&["--listen", "127.0.0.1:0", "--fixture", "/dev/zero"]);
    assert!(!ok && out.is_empty(), "{out}");
    assert!(err.contains("cannot read fixture /dev/zero: larger than the 16777216 bytes allowed"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("nested.yaml");
    std::fs::write(&nested, format!("users: {}{}", "[".repeat(1 << 20), "]".repeat(1 << 20))).unwrap();
    let (ok, _, err) = serve_until_exit(&["--listen", "127.0.0.1:0", "--fixture", nested.to_str().unwrap()]);
    assert!(!ok && err.contains("YAML nested deeper than 64 levels"), "{err}");
}
