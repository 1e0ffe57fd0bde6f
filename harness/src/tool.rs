//! Running a tool under test: a command line with a clean OpenStack environment (no OS_* leaking in
//! from the developer's shell), the pinned clients first on PATH, and output captured.

use anyhow::{anyhow, Context, Result};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// Where the test command installs the pinned clients: the Python virtualenv's `bin` and the built
/// Go programs. `FAKECLOUD_CLIENTS` overrides the base directory.
pub fn client_dirs() -> Vec<PathBuf> {
    let base = std::env::var_os("FAKECLOUD_CLIENTS").map(PathBuf::from).unwrap_or_else(|| crate::repo_root().join(".clients"));
    vec![base.join("venv/bin"), base.join("bin")]
}

/// The fake operator shell (`docker`, `pcs`, `crudini`, `paunch`, `ssh`...), installed once per
/// test run with `fakecloud shell install` from the built `fakecloud` binary (`FAKECLOUD_BIN`, else
/// the one installed beside `fakecloud-harness`, else the workspace's debug build, built if missing).
pub fn shell_dir() -> Result<PathBuf> {
    installed().map(|(shell, _)| shell)
}

/// The shims a tool finds first on its PATH: `sleep`, the same `fakecloud` binary called by that
/// name, which moves the simulated clock (`fakecloud/src/cli/sleep.rs`).
pub fn shims_dir() -> Result<PathBuf> {
    installed().map(|(_, shims)| shims)
}

fn installed() -> Result<(PathBuf, PathBuf)> {
    static DIRS: std::sync::OnceLock<Result<(PathBuf, PathBuf), String>> = std::sync::OnceLock::new();
    DIRS.get_or_init(|| install_shell().map_err(|e| format!("{e:#}"))).clone().map_err(|e| anyhow!(e))
}

/// The `fakecloud` binary the fake shell links to: `FAKECLOUD_BIN`, else the one installed beside
/// `fakecloud-harness`, else the workspace's debug build (built if missing or stale).
pub fn fakecloud_bin() -> Result<PathBuf> {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| crate::repo_root().join("target"));
    // ci/install puts `fakecloud` beside the harness. Not in a cargo output directory (it holds
    // `.fingerprint`): there a `cargo test -p harness` leaves the fakecloud binary as stale as it was,
    // and cargo's build below brings it up to date.
    let beside = std::env::current_exe()
        .ok()
        .and_then(|e| Some(e.parent()?.to_path_buf()))
        .filter(|dir| !dir.join(".fingerprint").exists())
        .map(|dir| dir.join("fakecloud"))
        .filter(|b| b.is_file());
    if let Some(b) = std::env::var_os("FAKECLOUD_BIN").map(PathBuf::from).or(beside) {
        return Ok(b);
    }
    // The same selection as ci/install's and ci/test's build (`--workspace --all-targets`): the
    // tests' dev-dependencies change the proc macros' features, so any other selection would build
    // most crates again; this one finds them built.
    let mut cargo = std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    for k in vars_cargo_sets_for_a_test() {
        cargo.env_remove(k);
    }
    let built = cargo
        .args(["build", "--workspace", "--all-targets"])
        .current_dir(crate::repo_root())
        .status()
        .context("cannot run cargo to build the fakecloud binary")?;
    if !built.success() {
        return Err(anyhow!("building the fakecloud binary failed"));
    }
    Ok(target.join("debug/fakecloud"))
}

/// The variables cargo sets for the test it runs (`CARGO_MANIFEST_DIR`, `CARGO_PKG_*`...), which a
/// cargo started from that test must not inherit: a build script that watches one (ring's watches
/// `CARGO_MANIFEST_DIR`) would see it change, and its crate and everything above it would compile
/// again, twice (once here, once more in the next plain cargo command).
pub fn vars_cargo_sets_for_a_test() -> Vec<std::ffi::OsString> {
    const NAMES: &[&str] = &[
        "CARGO_MANIFEST_DIR",
        "CARGO_MANIFEST_PATH",
        "CARGO_MANIFEST_LINKS",
        "CARGO_CRATE_NAME",
        "CARGO_BIN_NAME",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_TARGET_TMPDIR",
        "CARGO_RUSTC_CURRENT_DIR",
    ];
    std::env::vars_os()
        .map(|(k, _)| k)
        .filter(|k| {
            let k = k.to_string_lossy();
            NAMES.contains(&k.as_ref()) || k.starts_with("CARGO_PKG_") || k.starts_with("CARGO_BIN_EXE_")
        })
        .collect()
}

fn install_shell() -> Result<(PathBuf, PathBuf)> {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| crate::repo_root().join("target"));
    let bin = fakecloud_bin()?;
    let dir = target.join("fakeshell");
    let out = std::process::Command::new(&bin)
        .args(["shell", "install"])
        .arg(&dir)
        .output()
        .with_context(|| format!("cannot run {}", bin.display()))?;
    if !out.status.success() {
        return Err(anyhow!("`fakecloud shell install` failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let shims = target.join("fakeshims");
    std::fs::create_dir_all(&shims).with_context(|| format!("cannot create {}", shims.display()))?;
    let sleep = shims.join("sleep");
    let bin = std::fs::canonicalize(&bin).with_context(|| format!("cannot find {}", bin.display()))?;
    // Made afresh each run, so it follows the binary this run uses.
    let _ = std::fs::remove_file(&sleep);
    #[cfg(unix)]
    std::os::unix::fs::symlink(&bin, &sleep).with_context(|| format!("cannot link {}", sleep.display()))?;
    #[cfg(not(unix))]
    std::fs::copy(&bin, &sleep).with_context(|| format!("cannot copy to {}", sleep.display()))?;
    Ok((dir, shims))
}

#[derive(Debug, Clone)]
pub struct Output {
    pub command: String,
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn describe(&self) -> String {
        format!("`{}` exited {}\n--- stdout\n{}--- stderr\n{}", self.command, self.status, self.stdout, self.stderr)
    }
}

/// The OS_* variables of this process's environment (the developer's shell), which a tool must
/// not inherit.
pub(crate) fn inherited_os_vars() -> Vec<std::ffi::OsString> {
    std::env::vars_os().map(|(k, _)| k).filter(|k| k.to_string_lossy().starts_with("OS_")).collect()
}

/// How a tool's `openstack` starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cli {
    /// Forked from the harness's pre-imported CLI (`cli_preload`), the default.
    Preloaded,
    /// A fresh interpreter per command, as on an operator's machine.
    Fresh,
}

/// Runs `command_line` (split like a shell would, no shell involved) with exactly the given OS_*
/// variables; everything else in the environment passes through. Bounded by `timeout`.
/// `openstack` is the pre-imported CLI unless `FAKECLOUD_CLI_PRELOAD=0`.
pub async fn run(command_line: &str, os_env: &BTreeMap<String, String>, timeout: Duration) -> Result<Output> {
    let cli = if crate::cli_preload::enabled_by_default() { Cli::Preloaded } else { Cli::Fresh };
    run_with(command_line, os_env, timeout, cli).await
}

/// [`run`], choosing how `openstack` starts.
pub async fn run_with(command_line: &str, os_env: &BTreeMap<String, String>, timeout: Duration, cli: Cli) -> Result<Output> {
    let argv = shell_words::split(command_line).with_context(|| format!("cannot split command line: {command_line}"))?;
    let (program, args) = argv.split_first().ok_or_else(|| anyhow!("empty command line"))?;
    // The shims first: `sleep` moves the simulated clock (see `shims_dir`).
    // Then the fake operator shell and the pinned clients.
    let mut path: Vec<PathBuf> = vec![shims_dir()?, shell_dir()?];
    let preloaded = match cli {
        Cli::Preloaded => crate::cli_preload::server(),
        Cli::Fresh => None,
    };
    if let Some(server) = preloaded {
        path.push(server.bin_dir.clone());
    }
    path.extend(client_dirs());
    path.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args).env("PATH", std::env::join_paths(path)?).stdin(std::process::Stdio::null()).kill_on_drop(true);
    for k in inherited_os_vars() {
        cmd.env_remove(k);
    }
    cmd.env_remove("FAKECLOUD_CLI_SOCKET").env_remove("FAKECLOUD_CLI_REAL");
    if let Some(server) = preloaded {
        cmd.envs(server.env());
    }
    cmd.envs(os_env);
    let child = cmd.output();
    let out = tokio::time::timeout(timeout, child)
        .await
        .map_err(|_| anyhow!("`{command_line}` did not finish within {timeout:?}"))?
        .map_err(|e| match program.as_str() {
            "openstack" => {
                anyhow!("cannot run `{program}`: {e}. ci/install installs the pinned clients into .clients/ (or set FAKECLOUD_CLIENTS)")
            }
            _ => anyhow!("cannot run `{program}`: {e}"),
        })?;
    Ok(Output {
        command: command_line.to_string(),
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}
