//! The queue of timed transitions. Events are applied lazily: before each request the world
//! drains every event due at "now", in (due time, insertion order) order, so ties are deterministic.

use super::{Event, SimTime};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scheduled {
    pub due: SimTime,
    pub seq: u64,
    #[serde(flatten)]
    pub event: Event,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Scheduler {
    /// Sorted by (due, seq); a plain vector keeps the snapshot form stable and readable.
    pending: Vec<Scheduled>,
    next_seq: u64,
}

impl Scheduler {
    pub fn schedule(&mut self, due: SimTime, event: Event) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        let at = self.pending.partition_point(|s| (s.due, s.seq) <= (due, seq));
        self.pending.insert(at, Scheduled { due, seq, event });
        seq
    }

    /// Removes and returns the earliest event due at or before `now`.
    pub fn pop_due(&mut self, now: SimTime) -> Option<Scheduled> {
        match self.pending.first() {
            Some(first) if first.due <= now => Some(self.pending.remove(0)),
            _ => None,
        }
    }

    pub fn cancel(&mut self, pred: impl Fn(&Event) -> bool) {
        self.pending.retain(|s| !pred(&s.event));
    }

    pub fn pending(&self) -> &[Scheduled] {
        &self.pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    fn ev(id: &str) -> Event {
        Event::FaultExpires { fault_id: id.into() }
    }

    #[test]
    fn events_come_out_in_due_order_then_insertion_order() {
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let mut s = Scheduler::default();
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
        let mut s = Scheduler::default();
        s.schedule(t0, ev("a"));
        s.schedule(t0, ev("b"));
        s.cancel(|e| e == &ev("a"));
        assert_eq!(s.pending().len(), 1);
    }
}
