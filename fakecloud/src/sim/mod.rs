//! The simulation engine: virtual time, scheduled transitions, seeded ids, and the journal.
//! Plain Rust with no HTTP in it, so every rule here can be unit-tested directly.

pub mod clock;
pub mod event;
pub mod heartbeat;
pub mod ids;
pub mod journal;
pub mod scheduler;
pub mod time;

pub use clock::{Clock, ClockMode};
pub use event::Event;
pub use ids::Ids;
pub use journal::{Journal, JournalEntry, JournalFilter};
pub use scheduler::Scheduler;
pub use time::SimTime;
