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
    let row =
        out.lines().find(|l| l.starts_with("FAILED ") && l.contains("(line ")).unwrap_or_else(|| panic!("a FAILED summary row: {out}"));
    assert!(row.contains(" Octavia incidents from the operations notes "), "the summary shows the whole feature name: {row}");
    let replay = out.lines().find_map(|l| l.trim().strip_prefix("replay:")).expect("a replay command").trim().to_string();
    serves_as_printed(&replay);
    let snapshot = replay.rsplit(' ').next().unwrap();
    let dir = broken.path().join(Path::new(snapshot).parent().unwrap());
    for f in ["snapshot.json", "journal.json", "tool-output.txt"] {
        assert!(dir.join(f).exists(), "{f} saved in {}", dir.display());
    }
    assert!(std::fs::read_to_string(dir.join("tool-output.txt")).unwrap().contains("member-reconciler/naive"));
    let world = fakecloud::world::World::from_snapshot(&std::fs::read(broken.path().join(snapshot)).unwrap());
    assert!(world.is_ok(), "the snapshot restores: {:?}", world.err());
}

/// The printed replay line, run by a shell as printed (from another directory, with `fakecloud` on
/// PATH as ci/install puts it), serves the snapshot. Only the port differs: FAKECLOUD_LISTEN picks
/// a free one instead of 5000.
fn serves_as_printed(replay: &str) {
    use std::io::BufRead as _;
    let bin = harness::tool::fakecloud_bin().expect("the fakecloud binary");
    let path = format!("{}:{}", bin.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let elsewhere = tempfile::tempdir().unwrap();
    let mut child = Command::new("sh")
        .args(["-c", &format!("exec {replay}")])
        .current_dir(elsewhere.path())
        .env("PATH", path)
        .env("FAKECLOUD_LISTEN", "127.0.0.1:0")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let first = std::io::BufReader::new(child.stdout.take().unwrap()).lines().next().and_then(Result::ok).unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    assert!(first.starts_with("fakecloud ready: auth_url=http://127.0.0.1:"), "`{replay}` serves: {first:?}");
}

/// `run` with any arguments in `dir`: (exit status, stdout and stderr).
fn run_args(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(BIN).current_dir(dir).args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn roles_missing_from_the_tools_file_are_reported_as_not_run() {
    let dir = tempfile::tempdir().unwrap();
    let locator = harness::repo_root().join("fixtures/tools/server-locator/correct");
    std::fs::write(dir.path().join("tools.toml"), format!("server-locator = \"{}\"\n", locator.display())).unwrap();
    // @incident-O4: the server-locator scenario, three with no tool, and allocation-audit's.
    let base = ["run", "--tools", "tools.toml", "--tags", "@incident-O4", "--forensics", "forensics"];
    let (status, out) = run_args(dir.path(), &[&base[..], &["--junit", "report.xml", "--json", "report.json"]].concat());
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("5 scenarios: 4 passed, 0 failed, 1 not run (no tool configured for: allocation-audit)"), "{out}");
    let row =
        out.lines().find(|l| l.contains("is reported as leaked") && l.contains("(line ")).unwrap_or_else(|| panic!("a summary row: {out}"));
    assert!(row.starts_with("not run"), "{row}");
    assert!(out.contains("not run: no tool is configured for the role \"allocation-audit\""), "the progress names the role: {out}");
    assert!(!dir.path().join("forensics").exists(), "a scenario not run leaves no forensics");

    let junit = std::fs::read_to_string(dir.path().join("report.xml")).unwrap();
    let doc = roxmltree::Document::parse(&junit).expect("the JUnit report is XML");
    let cases: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testcase")).collect();
    assert_eq!(cases.len(), 5);
    let skipped: Vec<_> = cases.iter().filter(|c| c.children().any(|n| n.has_tag_name("skipped"))).collect();
    assert_eq!(skipped.len(), 1, "{junit}");
    assert!(skipped[0].attribute("name").unwrap_or_default().contains("is reported as leaked"), "{junit}");
    let out_text: String = skipped[0].descendants().filter_map(|n| n.text()).collect();
    assert!(out_text.contains("\"allocation-audit\""), "the JUnit case names the role: {junit}");
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("failure")).count(), 0);

    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap()).unwrap();
    let steps: Vec<&serde_json::Value> = json
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["elements"].as_array().unwrap())
        .flat_map(|e| e["steps"].as_array().unwrap())
        .collect();
    let skipped: Vec<_> = steps.iter().filter(|s| s["result"]["status"] == "skipped").collect();
    assert_eq!(skipped.len(), 1, "one skipped step: {json}");
    assert!(skipped[0].to_string().contains("allocation-audit"), "the skipped step names the role: {}", skipped[0]);
    assert!(steps.iter().all(|s| s["result"]["status"] != "failed"), "nothing failed");

    let (status, out) = run_args(dir.path(), &[&base[..], &["--require-roles"]].concat());
    assert_eq!(status, 1, "--require-roles makes a missing role an error: {out}");
    assert!(out.contains("5 scenarios: 4 passed, 1 failed"), "{out}");
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
