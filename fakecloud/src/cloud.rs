//! A running cloud: the world behind its lock, the configuration it was started with (so `reset` can
//! rebuild it), and the server that puts it on a port. Used by the binary and, in-process, by the
//! harness.

use crate::fixture::Fixture;
use crate::sim::journal::Record;
use crate::sim::{ClockMode, SimTime};
use crate::world::World;
use parking_lot::{Mutex, MutexGuard};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub type AppState = Arc<Cloud>;

#[derive(Clone, Debug)]
pub struct CloudConfig {
    pub fixture: Fixture,
    pub seed: u64,
    pub clock: ClockMode,
    /// Where simulated time starts; by default the fixture's `start_time`, else the wall clock.
    pub start: Option<SimTime>,
    /// The address clients reach fakecloud at, when it is not the request's Host (e.g. behind NAT).
    pub public_url: Option<String>,
}

impl Default for CloudConfig {
    fn default() -> Self {
        CloudConfig { fixture: Fixture::default_cloud(), seed: 0, clock: ClockMode::Real, start: None, public_url: None }
    }
}

pub struct Cloud {
    world: Mutex<World>,
    pub config: CloudConfig,
    /// The start instant chosen at boot, reused by `reset` so a reset world equals a fresh one.
    start: SimTime,
    /// Held by every request that may change the world, from its catch-up with time to its journal
    /// entry (`http::pipeline`): such requests run one at a time and the journal lists them in the
    /// order they took effect, so replaying it rebuilds the same world.
    pub(crate) mutations: tokio::sync::Mutex<()>,
}

impl Cloud {
    pub fn new(config: CloudConfig) -> anyhow::Result<Arc<Cloud>> {
        let start = config.start.or(config.fixture.start_time).unwrap_or_else(chrono::Utc::now);
        let world = World::from_fixture(&config.fixture, config.seed, config.clock, start)?;
        Ok(Arc::new(Cloud { world: Mutex::new(world), config, start, mutations: tokio::sync::Mutex::new(()) }))
    }

    pub fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock()
    }

    /// Back to the fixture: same seed, same start instant, the clock mode in use now.
    pub fn reset(&self) {
        let mut world = self.world();
        let mode = world.sim.clock.mode();
        // A real clock keeps following the wall clock; the others restart where they began.
        let start = if mode == ClockMode::Real { chrono::Utc::now() } else { self.start };
        *world = World::from_fixture(&self.config.fixture, self.config.seed, mode, start).expect("the fixture loaded at start-up");
        world.record(Record::Control { action: "reset".into(), detail: String::new() });
    }

    /// Replaces the world with a snapshot; on any error the running world is left untouched.
    pub fn restore(&self, snapshot: &[u8]) -> Result<(), String> {
        let restored = World::from_snapshot(snapshot)?;
        *self.world() = restored;
        Ok(())
    }
}

/// A cloud serving on a port, stopped when dropped.
pub struct RunningCloud {
    pub cloud: Arc<Cloud>,
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningCloud {
    /// `http://ADDR`: what clients put in front of the service prefixes.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn auth_url(&self) -> String {
        format!("{}/identity/v3", self.url())
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for RunningCloud {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Binds `listen` (port 0 picks a free port) and serves the cloud on the current tokio runtime.
pub async fn start(config: CloudConfig, listen: SocketAddr) -> anyhow::Result<RunningCloud> {
    let cloud = Cloud::new(config)?;
    let listener = TcpListener::bind(listen).await.map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr()?;
    let app = crate::http::service(cloud.clone());
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let server = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = rx.await;
        });
        if let Err(e) = server.await {
            tracing::error!("server stopped: {e}");
        }
    });
    Ok(RunningCloud { cloud, addr, shutdown: Some(tx), task: Some(task) })
}
