//! `--shard K/N` and `merge`: two shards of a small feature set run apart, their reports merged,
//! equal the whole run's (the same test cases and scenarios, nothing twice), and the shards split
//! the scenarios 3 and 2.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_fakecloud-harness");

/// Five cheap scenarios over two files (a cloud and a clock move each; nothing to install).
fn features(dir: &Path) {
    let scenario =
        |name: &str| format!("  Scenario: {name}\n    Given a cloud from the default fixture\n    When the clock advances by \"1s\"\n\n");
    std::fs::create_dir_all(dir.join("features")).unwrap();
    let a: String = ["one", "two", "three"].iter().map(|n| scenario(&format!("a {n}"))).collect();
    let b: String = ["four", "five"].iter().map(|n| scenario(&format!("b {n}"))).collect();
    std::fs::write(dir.join("features/a.feature"), format!("Feature: A\n\n{a}")).unwrap();
    std::fs::write(dir.join("features/b.feature"), format!("Feature: B\n\n{b}")).unwrap();
    std::fs::write(dir.join("tools.toml"), "[tools]\n").unwrap();
}

fn harness(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN).current_dir(dir).args(args).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{args:?}: {text}");
    text
}

fn run(dir: &Path, name: &str, shard: Option<&str>) -> String {
    let (junit, json) = (format!("{name}.xml"), format!("{name}.json"));
    let mut args = vec!["run", "--tools", "tools.toml", "--features", "features", "--junit", &junit, "--json", &json];
    if let Some(s) = shard {
        args.extend(["--shard", s]);
    }
    harness(dir, &args)
}

/// The JUnit report's (suite, test case) names, and its per-suite test counts.
fn cases(path: &Path) -> (Vec<(String, String)>, usize) {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("JUnit XML");
    let mut out = vec![];
    let mut counted = 0;
    for suite in doc.descendants().filter(|n| n.has_tag_name("testsuite")) {
        counted += suite.attribute("tests").and_then(|t| t.parse::<usize>().ok()).unwrap_or(0);
        for case in suite.children().filter(|n| n.has_tag_name("testcase")) {
            out.push((suite.attribute("name").unwrap_or_default().to_string(), case.attribute("name").unwrap_or_default().to_string()));
        }
    }
    out.sort();
    (out, counted)
}

/// The cucumber JSON report's (feature uri, scenario name, line).
fn scenarios(path: &Path) -> Vec<(String, String, u64)> {
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut out: Vec<_> = doc
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| {
            f["elements"].as_array().unwrap().iter().map(move |e| {
                (f["uri"].as_str().unwrap_or_default().to_string(), e["name"].as_str().unwrap().to_string(), e["line"].as_u64().unwrap())
            })
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_union_of_the_shards_is_the_whole_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    features(dir);
    let whole = run(dir, "whole", None);
    assert!(whole.contains("5 scenarios: 5 passed, 0 failed"), "{whole}");
    let one = run(dir, "one", Some("1/2"));
    let two = run(dir, "two", Some("2/2"));
    assert!(one.contains("3 scenarios: 3 passed"), "{one}");
    assert!(two.contains("2 scenarios: 2 passed"), "{two}");

    let (a, b) = (cases(&dir.join("one.xml")).0, cases(&dir.join("two.xml")).0);
    let overlap: BTreeSet<_> = a.iter().filter(|c| b.contains(c)).collect();
    assert!(overlap.is_empty(), "no scenario runs in both shards: {overlap:?}");

    harness(dir, &["merge", "--junit", "merged.xml", "one.xml", "two.xml"]);
    harness(dir, &["merge", "--json", "merged.json", "one.json", "two.json"]);
    let (merged, counted) = cases(&dir.join("merged.xml"));
    assert_eq!(merged, cases(&dir.join("whole.xml")).0, "the merged JUnit has the whole run's test cases");
    assert_eq!(counted, 5, "the merged suites count every case once");
    assert_eq!(scenarios(&dir.join("merged.json")), scenarios(&dir.join("whole.json")), "the merged JSON has the whole run's scenarios");
    // Deterministic: the same shard again runs the same scenarios.
    run(dir, "again", Some("1/2"));
    assert_eq!(cases(&dir.join("again.xml")).0, a);
}
