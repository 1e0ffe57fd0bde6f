//! `fakecloud-harness` as a command line: its help describes this program and each subcommand,
//! `help` works, and what a run needs but lacks (a tool, the pinned clients) stops it before any
//! scenario with one line naming the role and the path, exit status 2, no backtrace. And the
//! project's own run (`cargo test --test features -- --tags ...`) narrows its naive pass with the
//! same filter as its first.

use harness::suite::NaiveSelection;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_fakecloud-harness");

fn harness(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir).args(args).env("RUST_BACKTRACE", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn the_help_describes_this_program_and_each_subcommand() {
    let dir = std::env::temp_dir();
    let top = harness(&dir, &["--help"], &[]);
    assert!(top.status.success(), "{}", text(&top.stderr));
    let top = text(&top.stdout);
    assert!(top.contains("incident library"), "{top}");
    assert!(top.contains("Usage: fakecloud-harness <COMMAND>"), "{top}");
    for sub in ["run", "matrix", "merge", "help"] {
        assert!(top.lines().any(|l| l.trim_start().starts_with(&format!("{sub} "))), "`{sub}` is listed: {top}");
    }
    for (sub, option) in [("run", "--tools <TOOLS>"), ("matrix", "--tags <TAGS>"), ("merge", "--junit <JUNIT>")] {
        let help = harness(&dir, &[sub, "--help"], &[]);
        assert!(help.status.success(), "{}", text(&help.stderr));
        let help = text(&help.stdout);
        assert!(help.contains(&format!("Usage: fakecloud-harness {sub} ")), "{help}");
        assert!(help.contains(option), "{help}");
        let via_help = harness(&dir, &["help", sub], &[]);
        assert_eq!(text(&via_help.stdout), help, "`help {sub}` prints `{sub} --help`");
    }
}

#[test]
fn without_a_subcommand_it_shows_its_usage_and_fails() {
    let out = harness(&std::env::temp_dir(), &[], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("Usage: fakecloud-harness <COMMAND>"), "{}", text(&out.stderr));
}

/// The one line a setup failure prints, checked to be alone and free of a panic's trappings.
fn one_line(out: &Output) -> String {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "exit status 2: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"), "{stderr}");
    assert!(text(&out.stdout).is_empty(), "nothing ran: {}", text(&out.stdout));
    stderr
}

#[test]
fn a_missing_tool_stops_the_run_with_one_line_naming_the_role_and_the_path() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tools.toml"), "[tools]\nmember-reconciler = \"./bin/my-reconciler --cloud x\"\n").unwrap();
    let out = harness(dir.path(), &["run", "--tools", "tools.toml", "--tags", "@incident-C1"], &[]);
    let line = one_line(&out);
    assert!(line.contains("\"member-reconciler\"") && line.contains("./bin/my-reconciler") && line.contains("does not exist"), "{line}");

    std::fs::write(dir.path().join("tools.toml"), "member-reconciler = \"no-such-reconciler-anywhere\"\n").unwrap();
    let line = one_line(&harness(dir.path(), &["run", "--tools", "tools.toml"], &[]));
    assert!(line.contains("\"member-reconciler\"") && line.contains("not on PATH: no-such-reconciler-anywhere"), "{line}");

    std::fs::write(dir.path().join("not-executable"), "#!/bin/sh\n").unwrap();
    std::fs::write(dir.path().join("tools.toml"), "member-reconciler = \"./not-executable\"\n").unwrap();
    let line = one_line(&harness(dir.path(), &["run", "--tools", "tools.toml"], &[]));
    assert!(line.contains("is not executable: ./not-executable"), "{line}");
}

#[test]
fn missing_pinned_clients_stop_run_and_matrix_with_one_line_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let tool = harness::repo_root().join("fixtures/tools/member-reconciler/correct");
    std::fs::write(dir.path().join("tools.toml"), format!("member-reconciler = \"{}\"\n", tool.display())).unwrap();
    let nowhere = dir.path().join("no-clients");
    let nowhere = nowhere.to_str().unwrap();
    for args in [&["run", "--tools", "tools.toml"][..], &["matrix", "--tags", "@incident-C1"][..]] {
        let line = one_line(&harness(dir.path(), args, &[("FAKECLOUD_CLIENTS", nowhere)]));
        assert!(line.contains("pinned clients are missing") && line.contains(&format!("{nowhere}/venv/bin/openstack")), "{args:?}: {line}");
    }
}

#[test]
fn an_unreadable_tools_file_is_one_line_too() {
    let dir = tempfile::tempdir().unwrap();
    let line = one_line(&harness(dir.path(), &["run", "--tools", "missing.toml"], &[]));
    assert!(line.contains("cannot read missing.toml"), "{line}");
}

/// The @catches-naive scenarios a command line selects for the naive pass: (file, scenario name).
fn naive_pass(args: &[&str]) -> Vec<(String, String)> {
    let selection = NaiveSelection::from_args(args.iter().map(|a| a.to_string())).unwrap();
    let dir = harness::repo_root().join("features");
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "feature")).collect();
    files.sort();
    let mut out = vec![];
    for path in files {
        let feature = cucumber::gherkin::Feature::parse_path(&path, cucumber::gherkin::GherkinEnv::default()).unwrap();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        for s in &feature.scenarios {
            if selection.selects(&feature, None, s) {
                out.push((file.clone(), s.name.clone()));
            }
        }
        for r in &feature.rules {
            for s in &r.scenarios {
                if selection.selects(&feature, Some(r), s) {
                    out.push((file.clone(), s.name.clone()));
                }
            }
        }
    }
    out
}

#[test]
fn tags_and_name_narrow_the_naive_pass_as_they_narrow_the_first() {
    let all = naive_pass(&[]);
    let c1 = naive_pass(&["--tags", "@incident-C1"]);
    assert!(!c1.is_empty() && c1.len() < all.len(), "{} of {}", c1.len(), all.len());
    assert!(c1.iter().all(|(file, _)| file == "octavia-incidents.feature"), "{c1:?}");
    assert_eq!(naive_pass(&["--tags=@incident-C1"]), c1, "--tags=EXPR reads as --tags EXPR");
    assert_eq!(naive_pass(&["-t", "@incident-C1", "--color", "never"]), c1, "cucumber's other options pass by");
    let not_c1 = naive_pass(&["--tags", "not @incident-C1"]);
    assert_eq!(not_c1.len() + c1.len(), all.len(), "a tag expression, as cucumber reads it");
    let (_, name) = &c1[0];
    let by_name = naive_pass(&["--name", &regex::escape(name)]);
    assert!(by_name.iter().all(|(_, n)| n == name) && !by_name.is_empty(), "{by_name:?}");
    assert!(NaiveSelection::from_args(["--tags".to_string(), "@a and".to_string()]).is_err(), "a broken expression is refused");
}
