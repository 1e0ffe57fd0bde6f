//! README.md's command blocks, run in order as a newcomer would, so the README cannot drift from
//! what the commands do.
//!
//! Every fenced block is classified by its language: `sh` blocks are commands and run; `text`,
//! `gherkin`, `json`, `toml` and `yaml` blocks are not commands; a block with no language fails the
//! test (say which it is). The `sh` blocks run in one bash session (so `export` and `eval` carry
//! on, as in a terminal) with `set -euo pipefail`, in a scratch directory laid out like the top of
//! a clone (`ci`, `fixtures`, `features`, `examples` and `.clients` are links to this clone's), with
//! HOME in the scratch directory too, so `~/fakeshell` and the files the README makes land there.
//!
//! Handled explicitly:
//! - a block preceded by `<!-- readme-test: background until "TEXT" -->` is a server: it runs in
//!   its own process group in the background, the session goes on once its output shows TEXT, and
//!   the group is stopped at the end (`fakecloud serve`, `docker run`);
//! - the ports: the README's `127.0.0.1:5000` and `127.0.0.1:5001` become two free ports, and
//!   FAKECLOUD_LISTEN and FAKECLOUD_URL name the first, so a server already on port 5000 (another
//!   run, a developer's own) neither breaks the test nor is reached by it;
//! - [`NOT_RUN`]: the blocks that are not run, each with its reason.
//!
//! Docker must be available (as for `harness/tests/container.rs`): the container blocks run.

use std::path::Path;
use std::process::Command;

/// Blocks not run, by their exact text, and why.
const NOT_RUN: &[(&str, &str)] = &[("ci/test", "it is the suite this test runs in: it would start itself again")];

const RUN_LANGS: &[&str] = &["sh"];
const TEXT_LANGS: &[&str] = &["text", "gherkin", "json", "toml", "yaml"];

#[derive(Debug)]
struct Block {
    /// The line of the opening fence in README.md.
    line: usize,
    lang: String,
    text: String,
    /// `background until "TEXT"`: what its output shows once it is ready.
    background_until: Option<String>,
}

fn blocks(readme: &str) -> Vec<Block> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut out = vec![];
    let mut i = 0;
    while i < lines.len() {
        if let Some(lang) = lines[i].trim_start().strip_prefix("```") {
            let start = i;
            let mut body = vec![];
            i += 1;
            while i < lines.len() && !lines[i].trim_start().starts_with("```") {
                body.push(lines[i]);
                i += 1;
            }
            let marker = start.checked_sub(1).map(|l| lines[l].trim()).unwrap_or("");
            let background_until =
                marker.strip_prefix("<!-- readme-test: background until \"").and_then(|m| m.strip_suffix("\" -->")).map(str::to_string);
            assert!(
                background_until.is_some() || !marker.starts_with("<!-- readme-test"),
                "README.md line {}: an unknown readme-test marker: {marker}",
                start
            );
            out.push(Block { line: start + 1, lang: lang.trim().to_string(), text: body.join("\n"), background_until });
        }
        i += 1;
    }
    out
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The bash session: each block in order, announced with its README line.
fn script(blocks: &[&Block], scratch: &Path) -> String {
    let mut s = String::from(
        r#"set -euo pipefail
pids=()
stop_servers() {
    for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do
        for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$p" 2>/dev/null || true
    done
}
trap stop_servers EXIT
"#,
    );
    for b in blocks {
        let file = scratch.join(format!("block-{}.sh", b.line));
        std::fs::write(&file, format!("{}\n", b.text)).unwrap();
        let file = file.display();
        match &b.background_until {
            None => s += &format!("echo '=== README.md line {}'\nsource {file}\n", b.line),
            Some(ready) => {
                let log = scratch.join(format!("block-{}.log", b.line));
                let log = log.display();
                s += &format!(
                    r#"echo '=== README.md line {line}, in the background until "{ready}"'
setsid bash -euo pipefail {file} > {log} 2>&1 &
pids+=($!)
for _ in $(seq 600); do
    grep -qF '{ready}' {log} && break
    kill -0 $! 2>/dev/null || {{ echo "the block at README.md line {line} stopped:"; cat {log}; exit 1; }}
    sleep 0.1
done
grep -qF '{ready}' {log} || {{ echo "the block at README.md line {line} did not print \"{ready}\" within 60 s:"; cat {log}; exit 1; }}
cat {log}
"#,
                    line = b.line
                );
            }
        }
    }
    s
}

#[test]
fn every_command_block_in_the_readme_runs_in_order_against_a_fresh_cloud() {
    let root = harness::repo_root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let all = blocks(&readme);
    assert!(all.len() > 5, "README.md has command blocks: {all:?}");

    let mut run = vec![];
    for b in &all {
        assert!(
            RUN_LANGS.contains(&b.lang.as_str()) || TEXT_LANGS.contains(&b.lang.as_str()),
            "README.md line {}: the block's language `{}` is neither a command (sh) nor text ({})",
            b.line,
            b.lang,
            TEXT_LANGS.join(", ")
        );
        if !RUN_LANGS.contains(&b.lang.as_str()) {
            continue;
        }
        match NOT_RUN.iter().find(|(text, _)| *text == b.text) {
            Some((_, why)) => eprintln!("README.md line {}: `{}` is not run: {why}", b.line, b.text),
            None => run.push(b),
        }
    }
    for (text, _) in NOT_RUN {
        assert!(all.iter().any(|b| b.text == *text), "NOT_RUN names a block README.md no longer has: {text}");
    }

    let scratch = tempfile::tempdir().unwrap();
    for entry in ["ci", "fixtures", "features", "examples", ".clients"] {
        std::os::unix::fs::symlink(root.join(entry), scratch.path().join(entry)).unwrap();
    }
    let home = scratch.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let (main_port, container_port) = (free_port(), free_port());
    let run: Vec<Block> = run
        .into_iter()
        .map(|b| Block {
            line: b.line,
            lang: b.lang.clone(),
            text: b
                .text
                .replace("127.0.0.1:5000", &format!("127.0.0.1:{main_port}"))
                .replace("127.0.0.1:5001", &format!("127.0.0.1:{container_port}")),
            background_until: b.background_until.clone(),
        })
        .collect();
    let session = script(&run.iter().collect::<Vec<_>>(), scratch.path());

    // The real home's cargo and rustup, which the install block's build needs.
    let real_home = std::env::var_os("HOME").map(std::path::PathBuf::from).unwrap_or_default();
    let cargo_home = std::env::var_os("CARGO_HOME").map(std::path::PathBuf::from).unwrap_or_else(|| real_home.join(".cargo"));
    let rustup_home = std::env::var_os("RUSTUP_HOME").map(std::path::PathBuf::from).unwrap_or_else(|| real_home.join(".rustup"));
    let mut cmd = Command::new("timeout");
    // Within ci/test the install block and the image build find everything built; run alone, they
    // may compile for many minutes first.
    cmd.args(["2400", "bash", "-c", &session])
        .current_dir(scratch.path())
        .env("HOME", &home)
        .env("CARGO_HOME", cargo_home)
        .env("RUSTUP_HOME", rustup_home)
        .env("FAKECLOUD_LISTEN", format!("127.0.0.1:{main_port}"))
        .env("FAKECLOUD_URL", format!("http://127.0.0.1:{main_port}"))
        .env_remove("FAKECLOUD_CONTROL_TOKEN")
        .env_remove("FAKECLOUD_CLI_PRELOAD");
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("OS_") {
            cmd.env_remove(k);
        }
    }
    // The install block runs cargo, which must see the environment a terminal would give it.
    for k in harness::tool::vars_cargo_sets_for_a_test() {
        cmd.env_remove(k);
    }
    let out = cmd.output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "README.md's blocks failed ({}):\n{text}", out.status);
    for b in &run {
        assert!(text.contains(&format!("=== README.md line {}", b.line)), "the block at line {} ran:\n{text}", b.line);
    }
}
