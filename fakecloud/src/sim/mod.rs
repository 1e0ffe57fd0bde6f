//! The simulation core: virtual time, scheduled transitions, seeded ids, the journal and the fault
//! registry. Plain Rust with no HTTP in it, and no service in it either: the events and the fault
//! kinds are type parameters that the world fills with what the services declare, so every rule
//! here can be unit-tested on its own and a new service needs no change here.

pub mod clock;
pub mod faults;
pub mod heartbeat;
pub mod ids;
pub mod journal;
pub mod scheduler;
pub mod time;

pub use clock::{Clock, ClockMode};
pub use faults::{Fault, FaultMatch, Faults, RequestFacts};
pub use ids::Ids;
pub use journal::{Journal, JournalEntry, JournalFilter};
pub use scheduler::{Schedule, Scheduled, Scheduler};

pub use time::SimTime;

use journal::Record;
use serde::{Deserialize, Serialize};

/// Everything the services share about time and history: the clock, the seeded ids, the queue of
/// timed events (`E`), the installed faults (`A`) and the journal.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Sim<E, A> {
    pub clock: Clock,
    pub ids: Ids,
    pub scheduler: Scheduler<E>,
    pub faults: Faults<A>,
    pub journal: Journal,
    /// The due time of the event being applied (see `now`).
    #[serde(skip)]
    applying_at: Option<SimTime>,
    /// How many times the present was read (see `time_reads`).
    #[serde(skip)]
    time_reads: TimeReads,
}

/// A count of reads of the present, through `&self` (readers hold the world by shared reference).
#[derive(Debug, Default)]
struct TimeReads(std::sync::atomic::AtomicU64);

impl Clone for TimeReads {
    fn clone(&self) -> Self {
        TimeReads(self.0.load(std::sync::atomic::Ordering::Relaxed).into())
    }
}

impl<E, A> Sim<E, A> {
    pub fn new(seed: u64, mode: ClockMode, start: SimTime) -> Self {
        Sim {
            clock: Clock::new(mode, start),
            ids: Ids::new(seed),
            scheduler: Scheduler::default(),
            faults: Faults::default(),
            journal: Journal::default(),
            applying_at: None,
            time_reads: TimeReads::default(),
        }
    }

    /// The simulated present: while an event is being applied, its due time (so what it starts and
    /// journals is stamped when it happened, however far one advance jumped), else the clock's.
    /// Counted (`time_reads`): whatever reads it may depend on time, not on the state alone.
    pub fn now(&self) -> SimTime {
        self.time_reads.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.present()
    }

    /// `now`, uncounted: for what does not shape an answer's body (a token's validity, checked
    /// again whenever a kept answer is served; the journal's stamps; the `Date` header).
    pub fn present(&self) -> SimTime {
        self.applying_at.unwrap_or_else(|| self.clock.now())
    }

    /// How many times `now` has been read so far: when it has not moved while an answer was made,
    /// the answer did not look at the clock.
    pub fn time_reads(&self) -> u64 {
        self.time_reads.0.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Journals a record at the simulated present.
    pub fn record(&mut self, record: Record) {
        let now = self.present();
        self.journal.record(now, record);
    }

    /// Schedules an event (any service's, converted into the world's type).
    pub fn schedule(&mut self, due: SimTime, event: impl Into<E>) -> u64 {
        self.scheduler.schedule(due, event)
    }

    /// The next event due by the present, if any; until the next call, `now` is its due time.
    pub fn next_due(&mut self) -> Option<Scheduled<E>> {
        self.applying_at = None;
        let now = self.clock.now();
        let due = self.scheduler.pop_due(now)?;
        self.applying_at = Some(due.due);
        Some(due)
    }
}

impl<E, T: Into<E>, A> Schedule<T> for Sim<E, A> {
    fn schedule_at(&mut self, due: SimTime, event: T) {
        self.scheduler.schedule(due, event);
    }
}

/// The core as a service's model sees it: the present, the seeded ids, the journal, and a queue
/// for the service's own events (`T`). A model that needs more than one of these takes
/// `&mut impl Core<ItsEvent>` rather than the world or a handful of borrowed fields; the world's
/// `Sim` is one, and so is a `Sim` of the service's own event type in the model's unit tests.
pub trait Core<T>: Schedule<T> {
    fn now(&self) -> SimTime;
    fn ids(&mut self) -> &mut Ids;
    fn record(&mut self, record: Record);
}

impl<E, T: Into<E>, A> Core<T> for Sim<E, A> {
    fn now(&self) -> SimTime {
        Sim::now(self)
    }

    fn ids(&mut self) -> &mut Ids {
        &mut self.ids
    }

    fn record(&mut self, record: Record) {
        Sim::record(self, record)
    }
}
