//! A cloud: the world behind its lock and the configuration it was started with (so `reset` can
//! rebuild it). `server.rs` puts it on a port.

use crate::fixture::Fixture;
use crate::sim::journal::Record;
use crate::sim::{Clock, ClockMode, SimTime};
use crate::world::World;
use parking_lot::{Mutex, MutexGuard};
use std::sync::Arc;

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
    /// Who may drive the control API (`control/access.rs`).
    pub control: ControlAccess,
    /// How long a connection may take to send a request head, or sit idle between requests.
    pub connections: ConnectionLimits,
    /// The most journal entries kept, the oldest dropped first; `None` keeps them all (what a
    /// replay of the whole history needs: the harness and the tests).
    pub journal_limit: Option<usize>,
}

/// Connection timeouts, so a slow or idle client cannot hold a connection forever
/// (`fakecloud serve --header-read-timeout`).
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// From the moment the server waits for a request head (a new connection, or a kept-alive one
    /// after its last answer) to its last header byte; then the connection is closed. 30 s, as
    /// hyper's default and within Apache's `RequestReadTimeout header=20-40`, which serves the
    /// OpenStack APIs under mod_wsgi.
    pub header_read_timeout: std::time::Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits { header_read_timeout: std::time::Duration::from_secs(30) }
    }
}

/// The control API's access settings (`fakecloud serve --control-token`, `--control-allow-host`).
#[derive(Clone, Debug, Default)]
pub struct ControlAccess {
    /// The bearer token every control call must carry; `None`: none is asked for.
    pub token: Option<String>,
    /// Host names answered besides the loopback ones; `*` answers any.
    pub allowed_hosts: Vec<String>,
}

impl Default for CloudConfig {
    fn default() -> Self {
        CloudConfig {
            fixture: Fixture::default_cloud(),
            seed: 0,
            clock: ClockMode::Real,
            start: None,
            public_url: None,
            control: ControlAccess::default(),
            connections: ConnectionLimits::default(),
            journal_limit: None,
        }
    }
}

pub struct Cloud {
    world: Mutex<World>,
    pub config: CloudConfig,
    /// The start instant chosen at boot, reused by `reset` so a reset world equals a fresh one.
    start: SimTime,
    /// The world the fixture builds at `start` on a manual clock, kept so that a reset to `start`
    /// is a copy rather than a rebuild (see `fresh_world`). Built at boot unless the clock is real.
    pristine: Mutex<Option<World>>,
    /// Held by every request that may change the world, from its catch-up with time to its journal
    /// entry (`http::pipeline`): such requests run one at a time and the journal lists them in the
    /// order they took effect, so replaying it rebuilds the same world.
    pub(crate) mutations: Arc<tokio::sync::Mutex<()>>,
    /// Resets so far: each one seals tokens with a key of its own (`Identity::rekey`), so tokens
    /// issued before a reset stop working, as after a redeploy with new Fernet keys.
    resets: std::sync::atomic::AtomicU64,
}

impl Cloud {
    pub fn new(config: CloudConfig) -> anyhow::Result<Arc<Cloud>> {
        let start = config.start.or(config.fixture.start_time).unwrap_or_else(chrono::Utc::now);
        let (mut world, pristine) = if config.clock == ClockMode::Real {
            (World::from_fixture(&config.fixture, config.seed, config.clock, start)?, None)
        } else {
            let pristine = World::from_fixture(&config.fixture, config.seed, ClockMode::Manual, start)?;
            (on_clock(pristine.clone(), config.clock, start), Some(pristine))
        };
        world.sim.journal.set_limit(config.journal_limit);
        Ok(Arc::new(Cloud {
            world: Mutex::new(world),
            config,
            start,
            pristine: Mutex::new(pristine),
            mutations: Arc::new(tokio::sync::Mutex::new(())),
            resets: Default::default(),
        }))
    }

    /// The world as the fixture builds it, on a clock in `mode`. A real clock starts now, so its
    /// world is built afresh; any other starts at the boot's start instant, where the world is the
    /// kept pristine one (built on a manual clock, so each of its instants is exactly `start`
    /// plus what the fixture says, as on any clock that starts there).
    fn fresh_world(&self, mode: ClockMode) -> World {
        let mut world = if mode == ClockMode::Real {
            World::from_fixture(&self.config.fixture, self.config.seed, mode, chrono::Utc::now()).expect("the fixture loaded at start-up")
        } else {
            let mut pristine = self.pristine.lock();
            let world = pristine.get_or_insert_with(|| {
                World::from_fixture(&self.config.fixture, self.config.seed, ClockMode::Manual, self.start)
                    .expect("the fixture loaded at start-up")
            });
            on_clock(world.clone(), mode, self.start)
        };
        world.sim.journal.set_limit(self.config.journal_limit);
        world
    }

    /// The world, locked. Whatever changes it through the guard (any mutable use) drops what was
    /// rendered and kept from it when the guard goes (`World::touch`), so an embedder or a handler
    /// that changes it directly is never answered from before the change.
    pub fn world(&self) -> WorldGuard<'_> {
        WorldGuard { guard: self.world.lock(), changed: false }
    }

    /// The world, locked, for the request pipeline alone: its own changes (catching up with time,
    /// journaling, faults) mark what they change themselves.
    pub(crate) fn world_as_pipeline(&self) -> MutexGuard<'_, World> {
        self.world.lock()
    }

    /// Back to the fixture: same seed, same start instant, the clock mode in use now.
    pub fn reset(&self) {
        let mut world = self.world();
        // A real clock keeps following the wall clock; the others restart where they began.
        *world = self.fresh_world(world.sim.clock.mode());
        let n = self.resets.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let w = &mut *world;
        w.identity.rekey(&w.sim.ids, n);
        world.record(Record::Control { action: "reset".into(), detail: String::new() });
    }

    /// Replaces the world with a snapshot; on any error the running world is left untouched.
    pub fn restore(&self, snapshot: &[u8]) -> Result<(), String> {
        let mut restored = World::from_snapshot(snapshot)?;
        restored.sim.journal.set_limit(self.config.journal_limit);
        *self.world() = restored;
        Ok(())
    }
}

/// The world as `Cloud::world` lends it.
pub struct WorldGuard<'a> {
    guard: MutexGuard<'a, World>,
    /// Whether it was lent mutably.
    changed: bool,
}

impl std::ops::Deref for WorldGuard<'_> {
    type Target = World;

    fn deref(&self) -> &World {
        &self.guard
    }
}

impl std::ops::DerefMut for WorldGuard<'_> {
    fn deref_mut(&mut self) -> &mut World {
        self.changed = true;
        &mut self.guard
    }
}

impl Drop for WorldGuard<'_> {
    fn drop(&mut self) {
        if self.changed {
            self.guard.touch();
        }
    }
}

/// A world built on a manual clock, put on a clock of `mode` starting at `start`.
fn on_clock(mut world: World, mode: ClockMode, start: SimTime) -> World {
    world.sim.clock = Clock::new(mode, start);
    world
}
