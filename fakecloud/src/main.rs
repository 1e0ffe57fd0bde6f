//! The `fakecloud` binary: serve a cloud, print client configuration, drive the control API.

use anyhow::Result;
use clap::{Parser, Subcommand};
use fakecloud::cli::{ctl, env, DEFAULT_URL};
use fakecloud::cloud::{ConnectionLimits, ControlAccess};
use fakecloud::sim::ClockMode;
use fakecloud::{CloudConfig, Fixture};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

/// mimalloc: the request path allocates many small strings; glibc malloc was about a fifth of the
/// CPU profile (docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "fakecloud", version, about = "A stateful fake OpenStack cloud with simulated time and injectable incidents")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the cloud on one port, services under devstack-style prefixes.
    Serve {
        /// Address to listen on; port 0 picks a free port.
        #[arg(long, env = "FAKECLOUD_LISTEN", default_value = "127.0.0.1:5000")]
        listen: SocketAddr,
        /// Fixture YAML; the embedded default cloud when omitted.
        #[arg(long)]
        fixture: Option<PathBuf>,
        /// real, manual, or scaled:FACTOR (one simulated second lasts FACTOR real seconds).
        #[arg(long, default_value = "real")]
        clock: ClockMode,
        /// Seed for ids and jitter: the same seed gives the same ids.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Address clients reach fakecloud at, when it differs from the Host they send (NAT, proxies).
        #[arg(long)]
        public_url: Option<String>,
        /// Start from this snapshot (`ctl snapshot`, or a failed scenario's forensics) instead of
        /// the fixture's beginning.
        #[arg(long)]
        snapshot: Option<PathBuf>,
        /// Require this token on every control API call (`Authorization: Bearer TOKEN`);
        /// `fakecloud ctl`, the fake shell and the harness's tools send FAKECLOUD_CONTROL_TOKEN.
        /// The OpenStack APIs never ask for it.
        #[arg(long, env = "FAKECLOUD_CONTROL_TOKEN", hide_env_values = true)]
        control_token: Option<String>,
        /// Answer the control API for this Host name too (repeatable, or comma-separated in the
        /// environment; `*` for any). Loopback names always are; a call with the token from any.
        #[arg(long = "control-allow-host", env = "FAKECLOUD_CONTROL_ALLOW_HOSTS", value_delimiter = ',')]
        control_allow_hosts: Vec<String>,
        /// How long a connection may take to send a request's head, or sit idle between requests,
        /// before it is closed (a duration such as 30s).
        #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
        header_read_timeout: std::time::Duration,
        /// The most journal entries kept, the oldest dropped first (the journal then says how many
        /// were cut); 0 keeps them all.
        #[arg(long, default_value_t = 100_000)]
        journal_limit: usize,
    },
    /// Print `export OS_...=` lines for a fixture user.
    Env {
        #[arg(long, env = "FAKECLOUD_URL", default_value = DEFAULT_URL)]
        url: String,
        #[arg(long, default_value = "admin")]
        user: String,
        #[arg(long)]
        fixture: Option<PathBuf>,
    },
    /// Print a clouds.yaml with one cloud per fixture user (and per application credential).
    CloudsYaml {
        #[arg(long, env = "FAKECLOUD_URL", default_value = DEFAULT_URL)]
        url: String,
        #[arg(long)]
        fixture: Option<PathBuf>,
    },
    /// The fake operator shell: `shell install DIR` links docker, podman, pcs, crudini, paunch,
    /// ssh, sudo and kubectl in DIR to this binary; put DIR first on PATH and set FAKECLOUD_URL (and
    /// FAKECLOUD_NODE, default the first controller).
    Shell {
        #[command(subcommand)]
        cmd: ShellCmd,
    },
    /// Drive a running fakecloud's control API.
    Ctl {
        #[arg(long, env = "FAKECLOUD_URL", default_value = DEFAULT_URL, global = true)]
        url: String,
        /// The control token the cloud was started with (`serve --control-token`), if any.
        #[arg(long, env = "FAKECLOUD_CONTROL_TOKEN", hide_env_values = true, global = true)]
        control_token: Option<String>,
        #[command(subcommand)]
        cmd: ctl::Ctl,
    },
}

#[derive(Subcommand)]
enum ShellCmd {
    /// Link the shell commands in DIR to this binary.
    Install { dir: PathBuf },
}

fn main() -> Result<()> {
    let mut argv = std::env::args();
    let argv0 = argv.next();
    if argv0.as_deref().is_some_and(fakecloud::cli::sleep::called_as) {
        fakecloud::cli::sleep::run(argv.collect());
    }
    if let Some(command) = argv0.as_deref().and_then(fakecloud::cli::multicall::called_as) {
        fakecloud::cli::multicall::run(command, argv.collect());
    }
    match Cli::parse().cmd {
        Cmd::Shell { cmd: ShellCmd::Install { dir } } => {
            for link in fakecloud::cli::multicall::install(&dir)? {
                println!("{link}");
            }
            // A binary in cargo's output directory (it holds `.fingerprint`) goes with `cargo clean`,
            // and the links with it: say so while it is still easy to act on.
            let exe = std::env::current_exe()?;
            if exe.parent().is_some_and(|d| d.join(".fingerprint").exists()) {
                eprintln!(
                    "note: the links point to {}, which `cargo clean` removes; ci/install copies fakecloud out of \
                     the target directory, or run `fakecloud shell install` again after a rebuild",
                    exe.display()
                );
            }
            Ok(())
        }
        Cmd::Serve {
            listen,
            fixture,
            clock,
            seed,
            public_url,
            snapshot,
            control_token,
            control_allow_hosts,
            header_read_timeout,
            journal_limit,
        } => {
            let fixture = Fixture::from_option(fixture.as_deref())?;
            let snapshot = snapshot
                .map(|p| {
                    let bytes = fakecloud::files::read_limited(&p, fakecloud::control::api::MAX_SNAPSHOT_BYTES)
                        .map_err(|e| anyhow::anyhow!("cannot read snapshot {}: {e}", p.display()))?;
                    // Checked before anything listens: a bad snapshot is refused with nothing served.
                    fakecloud::world::World::from_snapshot(&bytes)
                        .map_err(|e| anyhow::anyhow!("cannot restore the snapshot {}: {e}", p.display()))?;
                    Ok::<_, anyhow::Error>(bytes)
                })
                .transpose()?;
            let control = ControlAccess { token: control_token.filter(|t| !t.is_empty()), allowed_hosts: control_allow_hosts };
            let connections = ConnectionLimits { header_read_timeout };
            let journal_limit = (journal_limit > 0).then_some(journal_limit);
            serve(CloudConfig { fixture, seed, clock, start: None, public_url, control, connections, journal_limit }, listen, snapshot)
        }
        Cmd::Env { url, user, fixture } => {
            print!("{}", env::env_script(&Fixture::from_option(fixture.as_deref())?, &url, &user)?);
            Ok(())
        }
        Cmd::CloudsYaml { url, fixture } => {
            print!("{}", env::clouds_yaml(&Fixture::from_option(fixture.as_deref())?, &url)?);
            Ok(())
        }
        Cmd::Ctl { url, control_token, cmd } => ctl::run(&url, control_token.as_deref(), cmd),
    }
}

fn serve(config: CloudConfig, listen: SocketAddr, snapshot: Option<Vec<u8>>) -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    if !listen.ip().is_loopback() && config.control.token.is_none() {
        warn_open_control_api(listen);
    }
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        let running = fakecloud::start(config, listen).await?;
        if let Some(s) = snapshot {
            running.cloud.restore(&s).map_err(|e| anyhow::anyhow!("cannot restore the snapshot: {e}"))?;
        }
        let mut addr = running.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        // The one ready line: tools wait for it and read the auth URL from it.
        println!("fakecloud ready: auth_url=http://{addr}/identity/v3");
        std::io::stdout().flush()?;
        shutdown_signal().await;
        running.stop().await;
        Ok(())
    })
}

/// Listening beyond loopback without a token: anyone who reaches the port and names a loopback
/// Host (or an allowed one) may reset the cloud and read its snapshots. Said loudly, at start.
fn warn_open_control_api(listen: SocketAddr) {
    let line = "!".repeat(100);
    eprintln!(
        "{line}\n!! fakecloud listens on {listen}, beyond loopback, and its control API (/_fakecloud: reset, clock,\n\
         !! snapshots with every password) has no token. Anyone who can reach this port can drive it.\n\
         !! Set --control-token (or FAKECLOUD_CONTROL_TOKEN), or publish the port on 127.0.0.1 only.\n{line}"
    );
    tracing::warn!(%listen, "the control API is reachable beyond loopback without a token");
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
