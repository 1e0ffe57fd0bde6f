//! The pinned `openstack` CLI, imported once per harness process and forked per command.
//!
//! python-openstackclient spends about 0.9 s of CPU starting, which on two cores sets the incident
//! library's wall time. `harness/cli-preload/openstack_zygote.py` imports the unmodified CLI once
//! and forks for each command; `harness/cli-preload/bin/openstack`, put on a tool's PATH ahead of
//! the virtualenv, hands it the command with its stdio, argv, environment and working directory,
//! and falls back to the real script whenever the server cannot take it.
//! `FAKECLOUD_CLI_PRELOAD=0` turns it off. `parity` holds the check that its answers are a fresh
//! start's.

pub mod parity;

use anyhow::{anyhow, Context, Result};
use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

/// How long importing the CLI may take before the harness gives up and starts it per command.
const READY_TIMEOUT: Duration = Duration::from_secs(120);

/// A running pre-import server. Its stdin is a pipe from this process: when the harness exits, the
/// pipe closes and the server goes with it.
pub struct Server {
    /// The Unix socket the shim connects to (`FAKECLOUD_CLI_SOCKET`).
    pub socket: PathBuf,
    /// The directory holding the `openstack` shim, for the tool's PATH.
    pub bin_dir: PathBuf,
    /// The pinned console script the shim falls back to (`FAKECLOUD_CLI_REAL`).
    pub real: PathBuf,
    _process: Child,
}

impl Server {
    /// The variables a tool needs for the shim to reach this server.
    pub fn env(&self) -> [(&'static str, PathBuf); 2] {
        [("FAKECLOUD_CLI_SOCKET", self.socket.clone()), ("FAKECLOUD_CLI_REAL", self.real.clone())]
    }
}

static DISABLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Every later [`crate::tool::run`] in this process starts the CLI per command
/// (`fakecloud-harness run --fresh-cli`).
pub fn disable() {
    DISABLED.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Whether tools get the pre-imported CLI unless a caller asks otherwise.
pub fn enabled_by_default() -> bool {
    !DISABLED.load(std::sync::atomic::Ordering::SeqCst) && std::env::var("FAKECLOUD_CLI_PRELOAD").map(|v| v != "0").unwrap_or(true)
}

/// Starts the server now, when it is enabled, so that no scenario pays for the import (with a
/// scaled clock, that second would pass as simulated time in the middle of a scenario), and says
/// on stderr how the tools' `openstack` starts, since a run's timing depends on it.
pub fn warm() {
    if !enabled_by_default() {
        eprintln!("harness: each `openstack` command starts a fresh interpreter (--fresh-cli / FAKECLOUD_CLI_PRELOAD=0)");
    } else if let Some(s) = server() {
        eprintln!("harness: `openstack` is the pinned CLI {} imported once and forked per command", s.real.display());
    }
}

/// The process's server, started on first use. `None` (with one warning) when the pinned clients
/// are not installed or the CLI cannot be imported: tools then start the CLI per command.
pub fn server() -> Option<&'static Server> {
    static SERVER: OnceLock<Option<Server>> = OnceLock::new();
    SERVER
        .get_or_init(|| match start() {
            Ok(server) => Some(server),
            Err(e) => {
                eprintln!("harness: the pre-imported openstack CLI is not available ({e:#}); each command starts its own");
                None
            }
        })
        .as_ref()
}

fn start() -> Result<Server> {
    let venv_bin = crate::tool::client_dirs().remove(0);
    let python = venv_bin.join("python3");
    let real = venv_bin.join("openstack");
    if !real.exists() {
        return Err(anyhow!("{} is missing", real.display()));
    }
    let dir = crate::repo_root().join("harness/cli-preload");
    // One server per process. Unix socket paths are limited to about 100 bytes: keep it in the
    // temp directory.
    let socket = std::env::temp_dir().join(format!("fakecloud-cli-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&socket);
    let mut command = Command::new(&python);
    // As for tools (tool::run): no OS_* from the developer's shell, even at import time.
    for k in crate::tool::inherited_os_vars() {
        command.env_remove(k);
    }
    let mut process = command
        .arg(dir.join("openstack_zygote.py"))
        .arg(&socket)
        .arg(&real)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("cannot start {}", python.display()))?;
    let stdout = process.stdout.take().expect("stdout is piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = std::io::BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    match rx.recv_timeout(READY_TIMEOUT) {
        Ok(line) if line.trim() == "ready" => {}
        Ok(_) => {
            let status = process.wait().ok();
            return Err(anyhow!("the pre-import server exited while importing the CLI ({status:?})"));
        }
        Err(_) => {
            let _ = process.kill();
            return Err(anyhow!("the pre-import server was not ready within {READY_TIMEOUT:?}"));
        }
    }
    Ok(Server { socket, bin_dir: dir.join("bin"), real, _process: process })
}
