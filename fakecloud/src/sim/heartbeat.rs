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
}
