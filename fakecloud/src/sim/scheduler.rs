//! The queue of timed transitions. Events are applied lazily: before each request the world
//! drains every event due at "now", in (due time, insertion order) order, so ties are deterministic.
//!
//! The queue does not know what its events are: `E` is whatever the world composes from the
//! services' own event types. A service schedules its own events through `Schedule<ItsEvent>`,
//! so it never names the world's type.

use super::SimTime;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scheduled<E> {
    pub due: SimTime,
    pub seq: u64,
    #[serde(flatten)]
    pub event: E,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Scheduler<E> {
    /// Sorted by (due, seq); a plain vector keeps the snapshot form stable and readable.
    pending: Vec<Scheduled<E>>,
    next_seq: u64,
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Scheduler { pending: Vec::new(), next_seq: 0 }
    }
}

/// Somewhere a service can put its own timed events: the world's scheduler, seen through the
/// service's event type.
pub trait Schedule<T> {
    fn schedule_at(&mut self, due: SimTime, event: T);
}

impl<E, T: Into<E>> Schedule<T> for Scheduler<E> {
    fn schedule_at(&mut self, due: SimTime, event: T) {
        self.schedule(due, event.into());
    }
}

impl<E> Scheduler<E> {
    pub fn schedule(&mut self, due: SimTime, event: impl Into<E>) -> u64 {
        let event = event.into();
        let seq = self.next_seq;
        self.next_seq += 1;
        let at = self.pending.partition_point(|s| (s.due, s.seq) <= (due, seq));
        self.pending.insert(at, Scheduled { due, seq, event });
        seq
    }

    /// Removes and returns the earliest event due at or before `now`.
    pub fn pop_due(&mut self, now: SimTime) -> Option<Scheduled<E>> {
        match self.pending.first() {
            Some(first) if first.due <= now => Some(self.pending.remove(0)),
            _ => None,
        }
    }

    pub fn cancel(&mut self, pred: impl Fn(&E) -> bool) {
        self.pending.retain(|s| !pred(&s.event));
    }

    pub fn pending(&self) -> &[Scheduled<E>] {
        &self.pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    fn ev(id: &str) -> String {
        id.to_string()
    }

    #[test]
    fn events_come_out_in_due_order_then_insertion_order() {
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let mut s = Scheduler::<String>::default();
        s.schedule(t0 + Duration::seconds(20), ev("late"));
        s.schedule(t0 + Duration::seconds(10), ev("first"));
        s.schedule(t0 + Duration::seconds(10), ev("second"));
        assert!(s.pop_due(t0 + Duration::seconds(9)).is_none());
        let now = t0 + Duration::seconds(30);
        let order: Vec<_> = std::iter::from_fn(|| s.pop_due(now)).map(|e| e.event).collect();
        assert_eq!(order, vec![ev("first"), ev("second"), ev("late")]);
    }

    #[test]
    fn cancel_removes_matching_events() {
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let mut s = Scheduler::<String>::default();
        s.schedule(t0, ev("a"));
        s.schedule(t0, ev("b"));
        s.cancel(|e| e == &ev("a"));
        assert_eq!(s.pending().len(), 1);
    }
}
