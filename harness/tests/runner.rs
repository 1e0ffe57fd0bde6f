//! `fakecloud-harness run` tried as a new user would: the bundled C1 scenarios against the reference
//! member reconciler pass; against a broken copy (the naive one) the run fails with a report that
//! names the incident and the failing step, leaves forensics, and gives a replay command whose
//! snapshot a fresh fakecloud serves. The JUnit and cucumber JSON reports parse.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_fakecloud-harness");

fn run(dir: &Path, tools: &str) -> (i32, String) {
    std::fs::write(dir.join("tools.toml"), tools).unwrap();
    let out = Command::new(BIN)
        .current_dir(dir)
        .args([
            "run",
            "--tools",
            "tools.toml",
            "--tags",
            "@incident-C1",
            "--junit",
            "report.xml",
            "--json",
            "report.json",
            "--forensics",
            "forensics",
        ])
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn testcases(path: &Path) -> (usize, usize) {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("the JUnit report is XML");
    let cases = doc.descendants().filter(|n| n.has_tag_name("testcase")).count();
    let failures = doc.descendants().filter(|n| n.has_tag_name("failure")).count();
    (cases, failures)
}

#[test]
fn a_reference_tool_passes_and_a_broken_copy_fails_with_a_replayable_report() {
    let tools = harness::repo_root().join("fixtures/tools/member-reconciler");
    let good = tempfile::tempdir().unwrap();
    let (status, out) = run(good.path(), &format!("[tools]\nmember-reconciler = \"{}\"\n", tools.join("correct").display()));
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("2 scenarios: 2 passed, 0 failed"), "{out}");
    assert_eq!(testcases(&good.path().join("report.xml")), (2, 0));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(good.path().join("report.json")).unwrap()).expect("cucumber JSON");
    assert_eq!(json[0]["elements"].as_array().map(Vec::len), Some(2), "two scenarios in the cucumber JSON");

    let broken = tempfile::tempdir().unwrap();
    let (status, out) = run(broken.path(), &format!("member-reconciler = \"{}\"\n", tools.join("naive").display()));
    assert_eq!(status, 1, "{out}");
    assert!(
        out.contains(
            "FAILED Octavia incidents from the operations notes / A member add is done only when the member itself is ACTIVE [incident C1]"
        ),
        "{out}"
    );
    assert!(out.contains("✘  Then stdout contains \"ACTIVE\""), "the failing step is named: {out}");
    assert_eq!(testcases(&broken.path().join("report.xml")), (2, 1));
    let replay = out.lines().find_map(|l| l.trim().strip_prefix("replay:")).expect("a replay command").trim().to_string();
    let snapshot = replay.rsplit(' ').next().unwrap();
    let dir = broken.path().join(Path::new(snapshot).parent().unwrap());
    for f in ["snapshot.json", "journal.json", "tool-output.txt"] {
        assert!(dir.join(f).exists(), "{f} saved in {}", dir.display());
    }
    assert!(std::fs::read_to_string(dir.join("tool-output.txt")).unwrap().contains("member-reconciler/naive"));
    let world = fakecloud::world::World::from_snapshot(&std::fs::read(broken.path().join(snapshot)).unwrap());
    assert!(world.is_ok(), "the snapshot restores: {:?}", world.err());

    let (_, missing) = run(broken.path(), "[tools]\n");
    assert!(missing.contains("no tool is configured for the role \"member-reconciler\""), "{missing}");
}

#[test]
fn the_matrix_shows_each_naive_scenario_caught_and_each_correct_one_passing() {
    let out = Command::new(BIN).args(["matrix", "--tags", "@incident-C1"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("octavia-incidents.feature")).collect();
    assert!(!rows.is_empty(), "{text}");
    assert!(rows.iter().all(|r| r.contains(" passed ") && r.contains(" caught ")), "{text}");
    assert!(rows.iter().any(|r| r.contains("A member add is done only when the member itself is ACTIVE")), "{text}");
}
