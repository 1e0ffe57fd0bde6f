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

/// Runs `command_line` (split like a shell would, no shell involved) with exactly the given OS_*
/// variables; everything else in the environment passes through. Bounded by `timeout`.
pub async fn run(command_line: &str, os_env: &BTreeMap<String, String>, timeout: Duration) -> Result<Output> {
    let argv = shell_words::split(command_line).with_context(|| format!("cannot split command line: {command_line}"))?;
    let (program, args) = argv.split_first().ok_or_else(|| anyhow!("empty command line"))?;
    // The shims first: `sleep` moves the simulated clock (see harness/shims/sleep).
    let mut path: Vec<PathBuf> = vec![crate::repo_root().join("harness/shims")];
    path.extend(client_dirs());
    path.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args).env("PATH", std::env::join_paths(path)?).stdin(std::process::Stdio::null()).kill_on_drop(true);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("OS_") {
            cmd.env_remove(k);
        }
    }
    cmd.envs(os_env);
    let child = cmd.output();
    let out = tokio::time::timeout(timeout, child)
        .await
        .map_err(|_| anyhow!("`{command_line}` did not finish within {timeout:?}"))?
        .map_err(|e| {
            anyhow!("cannot run `{program}`: {e}. The pinned clients are installed by ci/test into .clients/ (or set FAKECLOUD_CLIENTS)")
        })?;
    Ok(Output {
        command: command_line.to_string(),
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}
