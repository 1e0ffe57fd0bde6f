//! The examples in `examples/` run as their readers would run them: the pytest suite with the
//! pinned openstacksdk from `.clients/venv`, and the Go suite with Debian's gophercloud, offline.
//! Each example starts its own fakecloud from the built binary (`FAKECLOUD_BIN`). A missing
//! prerequisite (the venv, pytest, Go, gophercloud) fails the test with what to install: `ci/test`
//! installs all of them first.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The fakecloud binary the examples start: `FAKECLOUD_BIN`, else the workspace's debug build
/// (built here if need be, with the workspace's selection so nothing compiles twice;
/// `CARGO_BIN_EXE_*` only names binaries of this package).
fn fakecloud_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let bin = harness::tool::fakecloud_bin().expect("the fakecloud binary");
        assert!(bin.exists(), "cargo built fakecloud but there is no {}", bin.display());
        bin
    })
    .clone()
}

/// Exit code and combined output of a command, which is killed if it outlives `limit`.
fn run(mut cmd: Command, limit: Duration) -> (Option<i32>, String) {
    let what = format!("{cmd:?}");
    // No OpenStack settings from the developer's shell, and no cloud but the one the example starts.
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("OS_") {
            cmd.env_remove(k);
        }
    }
    cmd.env_remove("FAKECLOUD_URL").env("FAKECLOUD_BIN", fakecloud_bin());
    let out = tempfile::tempfile().expect("a temporary file for the output");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(out.try_clone().unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            child.kill().ok();
            child.wait().ok();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut text = String::new();
    let mut out = out;
    std::io::Seek::rewind(&mut out).unwrap();
    out.read_to_string(&mut text).unwrap();
    match status {
        Some(s) => (s.code(), text),
        None => panic!("{what} did not finish within {limit:?}; its output so far:\n{text}"),
    }
}

/// The test functions a source file defines: what follows `prefix` on the lines that start with
/// it, up to the `(`.
fn defined_tests(file: &Path, prefix: &str) -> Vec<String> {
    let source = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let names: Vec<String> = source
        .lines()
        .filter_map(|l| l.strip_prefix(prefix))
        .map(|rest| rest.split('(').next().unwrap().to_string())
        .filter(|name| name != "Main")
        .collect();
    assert!(names.len() >= 2, "{} should define a few tests, found {names:?}", file.display());
    names
}

#[test]
fn the_python_pytest_example_passes_against_a_fresh_fakecloud() {
    let root = harness::repo_root();
    let dir = root.join("examples/python-pytest");
    let venv_bin = harness::tool::client_dirs().remove(0);
    let python = venv_bin.join("python");
    assert!(
        python.exists(),
        "no Python virtualenv at {}: run ci/test, which installs ci/requirements-clients.txt (openstacksdk, pytest) there",
        venv_bin.parent().unwrap().display()
    );
    let mut probe = Command::new(&python);
    probe.args(["-c", "import pytest, openstack"]);
    let (code, out) = run(probe, Duration::from_secs(60));
    assert_eq!(
        code,
        Some(0),
        "the virtualenv lacks pytest or openstacksdk: `{} -m pip install -r ci/requirements-clients.txt` (ci/test rebuilds it when the pins change)\n{out}",
        python.display()
    );

    let mut pytest = Command::new(&python);
    pytest.args(["-m", "pytest", "-v", "-p", "no:cacheprovider"]).current_dir(&dir).env("PYTHONDONTWRITEBYTECODE", "1");
    let (code, out) = run(pytest, Duration::from_secs(300));
    assert_eq!(code, Some(0), "pytest failed in {}:\n{out}", dir.display());

    let tests = defined_tests(&dir.join("test_example.py"), "def test_");
    for name in &tests {
        assert!(out.contains(&format!("test_example.py::test_{name} PASSED")), "test_{name} did not pass:\n{out}");
    }
    // All passed: no failed, skipped or errored count (warnings may be there).
    let summary = regex::Regex::new(r"(?m)^=+ (\d+) passed(?:, \d+ warnings?)? in [0-9.]+s =+$").unwrap();
    let passed: usize = summary.captures(&out).unwrap_or_else(|| panic!("no all-passed summary line:\n{out}"))[1].parse().unwrap();
    assert_eq!(passed, tests.len(), "every test in test_example.py ran, and nothing else:\n{out}");
}

#[test]
fn the_go_gophercloud_example_passes_against_a_fresh_fakecloud() {
    let root = harness::repo_root();
    let dir = root.join("examples/go-gophercloud");
    // Debian's golang-go links /usr/bin/go to /usr/lib/go/bin/go; look there too if PATH was trimmed.
    let mut path: Vec<PathBuf> = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).collect();
    path.push("/usr/lib/go/bin".into());
    let go = path.iter().map(|d| d.join("go")).find(|p| p.is_file());
    let go = go.expect("no `go` command: ci/test installs Debian's golang-go and gophercloud (see ci/build-gocheck.sh)");
    let gophercloud = Path::new("/usr/share/gocode/src/github.com/gophercloud/gophercloud");
    assert!(
        gophercloud.is_dir(),
        "no {}: install golang-github-gophercloud-gophercloud-dev (ci/build-gocheck.sh does)",
        gophercloud.display()
    );

    // Offline and reproducible, as ci/build-gocheck.sh builds gocheck, sharing its build cache.
    let godir = std::env::var_os("GOCHECK_GO_DIR").map(PathBuf::from).unwrap_or_else(|| root.join(".clients/go"));
    let go_mod = std::fs::read_to_string(dir.join("go.mod")).unwrap();
    let mut test = Command::new(go);
    test.args(["test", "-count=1", "-v", "./..."])
        .current_dir(&dir)
        .envs([
            ("GO111MODULE", "on"),
            ("GOFLAGS", "-mod=mod"),
            ("GOPROXY", "off"),
            ("GOSUMDB", "off"),
            ("GOTOOLCHAIN", "local"),
            ("GOWORK", "off"),
            ("CGO_ENABLED", "0"),
        ])
        .env("GOPATH", godir.join("path"))
        .env("GOCACHE", godir.join("cache"))
        .env("GOMODCACHE", godir.join("path/pkg/mod"));
    let (code, out) = run(test, Duration::from_secs(600));
    assert_eq!(code, Some(0), "go test failed in {}:\n{out}", dir.display());

    let tests = defined_tests(&dir.join("example_test.go"), "func Test");
    for name in &tests {
        assert!(out.contains(&format!("--- PASS: Test{name} (")), "Test{name} did not pass:\n{out}");
    }
    assert_eq!(out.matches("--- PASS: ").count(), tests.len(), "every test in example_test.go ran, and only once:\n{out}");
    assert!(out.contains("ok  \tfakecloud/examples/go-gophercloud"), "{out}");
    assert_eq!(std::fs::read_to_string(dir.join("go.mod")).unwrap(), go_mod, "go test rewrote examples/go-gophercloud/go.mod");
}
