//! Liveness from simulated heartbeats, as OpenStack's service groups and agent lists compute it: a
//! service reports every `report_interval`; it is "up" while its last report is no older than the
//! down time. Each service declares its own `Timing` beside its model. Reports are not stored one
//! by one: a live service's last report is the latest multiple of its interval, a dead one's is
//! when it stopped.

use super::SimTime;
use chrono::Duration;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    pub report_interval_secs: i64,
    pub down_time_secs: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Heartbeat {
    /// When the service stopped reporting; `None` while it reports.
    pub stopped_at: Option<SimTime>,
}

impl Heartbeat {
    /// The time of the last report the service made.
    pub fn last_report(&self, now: SimTime, timing: Timing) -> SimTime {
        let at = self.stopped_at.unwrap_or(now).min(now);
        let ts = at.timestamp();
        let floored = ts - ts.rem_euclid(timing.report_interval_secs);
        chrono::DateTime::from_timestamp(floored, 0).unwrap_or(at)
    }

    pub fn is_up(&self, now: SimTime, timing: Timing) -> bool {
        now - self.last_report(now, timing) <= Duration::seconds(timing.down_time_secs)
    }

    /// The first instant after `now` at which `last_report` gives another answer; `None`: never
    /// (a stopped service's last report stays where it stopped).
    pub fn report_changes_at(&self, now: SimTime, timing: Timing) -> Option<SimTime> {
        match self.stopped_at {
            Some(stopped) if stopped <= now => None,
            // A report every interval, or the stop, whichever comes first.
            Some(stopped) => Some(stopped.min(self.last_report(now, timing) + Duration::seconds(timing.report_interval_secs))),
            None => Some(self.last_report(now, timing) + Duration::seconds(timing.report_interval_secs)),
        }
    }

    /// The first instant after `now` at which `is_up` may give another answer; `None`: never.
    pub fn up_changes_at(&self, now: SimTime, timing: Timing) -> Option<SimTime> {
        match self.stopped_at {
            // Up until the down time has passed since the last report, down from just after it.
            Some(stopped) if stopped <= now => {
                let down = self.last_report(now, timing) + Duration::seconds(timing.down_time_secs) + Duration::nanoseconds(1);
                (down > now).then_some(down)
            }
            Some(stopped) => Some(stopped),
            None => None,
        }
    }

    pub fn stop(&mut self, now: SimTime) {
        self.stopped_at.get_or_insert(now);
    }

    pub fn resume(&mut self) {
        self.stopped_at = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEN_AND_SIXTY: Timing = Timing { report_interval_secs: 10, down_time_secs: 60 };
    const THIRTY_AND_SEVENTY_FIVE: Timing = Timing { report_interval_secs: 30, down_time_secs: 75 };
    use chrono::TimeZone;

    #[test]
    fn a_stopped_service_goes_down_only_after_the_down_time() {
        let t0 = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 5).unwrap();
        let mut hb = Heartbeat::default();
        assert!(hb.is_up(t0, TEN_AND_SIXTY));
        assert_eq!(hb.last_report(t0, TEN_AND_SIXTY), chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
        hb.stop(t0);
        assert!(hb.is_up(t0 + Duration::seconds(55), TEN_AND_SIXTY), "the last report was at :00; up until 60 s after it");
        assert!(hb.is_up(t0 + Duration::seconds(70), THIRTY_AND_SEVENTY_FIVE), "a longer down time keeps it up longer");
        assert!(!hb.is_up(t0 + Duration::seconds(61), TEN_AND_SIXTY));
        hb.resume();
        assert!(hb.is_up(t0 + Duration::seconds(61), TEN_AND_SIXTY));
    }

    #[test]
    fn the_next_change_is_where_the_answers_change() {
        let t0 = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 5).unwrap();
        let mut hb = Heartbeat::default();
        let next = hb.report_changes_at(t0, TEN_AND_SIXTY).unwrap();
        assert_eq!(next, chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 10).unwrap());
        assert_eq!(hb.last_report(next - Duration::nanoseconds(1), TEN_AND_SIXTY), hb.last_report(t0, TEN_AND_SIXTY));
        assert_ne!(hb.last_report(next, TEN_AND_SIXTY), hb.last_report(t0, TEN_AND_SIXTY));
        assert_eq!(hb.up_changes_at(t0, TEN_AND_SIXTY), None, "a reporting service stays up");
        hb.stop(t0);
        assert_eq!(hb.report_changes_at(t0, TEN_AND_SIXTY), None, "a stopped service's last report stays");
        let down = hb.up_changes_at(t0, TEN_AND_SIXTY).unwrap();
        assert!(hb.is_up(down - Duration::nanoseconds(1), TEN_AND_SIXTY));
        assert!(!hb.is_up(down, TEN_AND_SIXTY));
        assert_eq!(hb.up_changes_at(down, TEN_AND_SIXTY), None, "down for good");
    }
}
