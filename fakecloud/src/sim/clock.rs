//! The virtual clock. Three modes: `manual` moves only when told (deterministic tests), `real`
//! follows the wall clock, `scaled:F` lets one simulated second last F real seconds (F = 0.01 plays a
//! 108 s failover in about a second, for external tools that poll with sleep).

use super::SimTime;
use chrono::Duration;
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use std::time::Instant;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "lowercase")]
pub enum ClockMode {
    Real,
    Manual,
    /// One simulated second lasts `factor` real seconds.
    Scaled {
        factor: f64,
    },
}

impl FromStr for ClockMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "real" => Ok(ClockMode::Real),
            "manual" => Ok(ClockMode::Manual),
            _ => {
                let factor = s
                    .strip_prefix("scaled:")
                    .ok_or_else(|| format!("unknown clock mode '{s}' (expected real, manual or scaled:FACTOR)"))?
                    .parse::<f64>()
                    .map_err(|_| format!("invalid scale factor in '{s}'"))?;
                ClockMode::scaled(factor)
            }
        }
    }
}

impl ClockMode {
    pub fn scaled(factor: f64) -> Result<Self, String> {
        // Bounded so that real elapsed time divided by the factor always fits a duration.
        if factor.is_finite() && (1.0e-6..=1.0e6).contains(&factor) {
            Ok(ClockMode::Scaled { factor })
        } else {
            Err(format!("scale factor must be between 0.000001 and 1000000, got {factor}"))
        }
    }
}

impl std::fmt::Display for ClockMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClockMode::Real => f.write_str("real"),
            ClockMode::Manual => f.write_str("manual"),
            ClockMode::Scaled { factor } => write!(f, "scaled:{factor}"),
        }
    }
}

/// Simulated time is `anchor_sim` plus the real time elapsed since `anchor_real`, scaled by mode.
/// Changing mode or jumping re-anchors, so time never runs backwards except by `set` (restore).
/// `anchor_wall` is the wall clock's reading at the anchor, for `on_wall_clock`.
#[derive(Clone, Debug)]
pub struct Clock {
    mode: ClockMode,
    anchor_sim: SimTime,
    anchor_real: Instant,
    anchor_wall: SimTime,
}

impl Clock {
    pub fn new(mode: ClockMode, start: SimTime) -> Self {
        Clock { mode, anchor_sim: start, anchor_real: Instant::now(), anchor_wall: chrono::Utc::now() }
    }

    fn reanchor(&mut self, sim: SimTime) {
        self.anchor_sim = sim;
        self.anchor_real = Instant::now();
        self.anchor_wall = chrono::Utc::now();
    }

    /// Where the simulated instant `at` falls on the wall clock at the clock's present pace: what a
    /// client's own clock will read when simulated time reaches `at`. A client compares a token's
    /// `expires_at` with its own clock, so Keystone shows a token's instants this way (see
    /// docs/conformance.md, "Time"). Under a real clock that is `at` shifted by whatever jumps the
    /// clock made; under `scaled:F` the distance from now shrinks by F. A manual clock moves only
    /// when told, so there is no pace to convert with: `at` is shown as it is.
    pub fn on_wall_clock(&self, at: SimTime) -> SimTime {
        let factor = match self.mode {
            ClockMode::Manual => return at,
            ClockMode::Real => 1.0,
            ClockMode::Scaled { factor } => factor,
        };
        // In nanoseconds, rounded: the anchors carry nanoseconds, and a round trip through
        // `from_wall_clock` must give back the instant a client sent, to the microsecond it shows.
        let nanos = (at - self.anchor_sim).num_nanoseconds().unwrap_or(i64::MAX) as f64 * factor;
        self.anchor_wall + Duration::nanoseconds(nanos.clamp(-9.0e18, 9.0e18).round() as i64)
    }

    /// The simulated instant a client means by an instant of its wall clock (an `expires_at` it
    /// sends): the inverse of [`Clock::on_wall_clock`], so that showing it back gives what was sent.
    pub fn from_wall_clock(&self, at: SimTime) -> SimTime {
        let factor = match self.mode {
            ClockMode::Manual => return at,
            ClockMode::Real => 1.0,
            ClockMode::Scaled { factor } => factor,
        };
        let nanos = (at - self.anchor_wall).num_nanoseconds().unwrap_or(i64::MAX) as f64 / factor;
        self.anchor_sim + Duration::nanoseconds(nanos.clamp(-9.0e18, 9.0e18).round() as i64)
    }

    pub fn mode(&self) -> ClockMode {
        self.mode
    }

    pub fn now(&self) -> SimTime {
        let real = self.anchor_real.elapsed();
        let elapsed = match self.mode {
            ClockMode::Manual => return self.anchor_sim,
            ClockMode::Real => real,
            ClockMode::Scaled { factor } => real.div_f64(factor),
        };
        self.anchor_sim + Duration::from_std(elapsed).unwrap_or(Duration::MAX)
    }

    /// Jumps forward (any mode). Negative durations are refused by the callers' parsing.
    pub fn advance(&mut self, by: Duration) {
        self.reanchor(self.now() + by);
    }

    pub fn set_mode(&mut self, mode: ClockMode) {
        self.reanchor(self.now());
        self.mode = mode;
    }

    /// Puts the clock at an absolute instant (restore from a snapshot).
    pub fn set(&mut self, now: SimTime, mode: ClockMode) {
        self.reanchor(now);
        self.mode = mode;
    }
}

/// How a clock appears in a snapshot: where it stands and how it moves.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ClockState {
    #[serde(flatten)]
    pub mode: ClockMode,
    pub now: SimTime,
}

impl Serialize for Clock {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ClockState { mode: self.mode, now: self.now() }.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Clock {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let state = ClockState::deserialize(d)?;
        Ok(Clock::new(state.mode, state.now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn start() -> SimTime {
        chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
    }

    #[test]
    fn manual_clock_moves_only_when_advanced() {
        let mut c = Clock::new(ClockMode::Manual, start());
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_eq!(c.now(), start());
        c.advance(Duration::seconds(61));
        assert_eq!(c.now(), start() + Duration::seconds(61));
    }

    #[test]
    fn scaled_clock_runs_faster_than_real_time() {
        let c = Clock::new(ClockMode::Scaled { factor: 0.001 }, start());
        std::thread::sleep(std::time::Duration::from_millis(10));
        assert!(c.now() - start() >= Duration::seconds(10));
    }

    #[test]
    fn modes_parse_from_the_command_line_form() {
        assert_eq!("manual".parse::<ClockMode>().unwrap(), ClockMode::Manual);
        assert_eq!("scaled:0.01".parse::<ClockMode>().unwrap(), ClockMode::Scaled { factor: 0.01 });
        assert!("scaled:-1".parse::<ClockMode>().is_err());
        assert!("scaled:1e-300".parse::<ClockMode>().is_err());
        assert!("fast".parse::<ClockMode>().is_err());
    }

    #[test]
    fn a_manual_clock_shows_instants_as_they_are() {
        let mut c = Clock::new(ClockMode::Manual, start());
        let at = start() + Duration::hours(1);
        assert_eq!(c.on_wall_clock(at), at);
        c.advance(Duration::hours(5));
        assert_eq!(c.on_wall_clock(at), at);
    }

    #[test]
    fn a_scaled_clock_shows_an_instant_where_the_wall_clock_will_meet_it() {
        let c = Clock::new(ClockMode::Scaled { factor: 0.05 }, start());
        let now = c.now();
        let wall = chrono::Utc::now();
        // An hour of simulated time lasts three real minutes at 0.05.
        let shown = c.on_wall_clock(now + Duration::hours(1));
        let ahead = shown - wall;
        assert!((ahead - Duration::minutes(3)).num_milliseconds().abs() < 500, "{ahead}");
        // Two renderings of one instant agree while the clock keeps its pace.
        assert_eq!(c.on_wall_clock(now + Duration::hours(1)), shown);
    }

    #[test]
    fn a_real_clock_shows_instants_shifted_by_its_jumps() {
        let mut c = Clock::new(ClockMode::Real, chrono::Utc::now());
        c.advance(Duration::hours(2));
        let expiry = c.now() + Duration::hours(1);
        let ahead = c.on_wall_clock(expiry) - chrono::Utc::now();
        assert!((ahead - Duration::hours(1)).num_milliseconds().abs() < 500, "{ahead}");
    }

    #[test]
    fn snapshot_form_round_trips() {
        let c = Clock::new(ClockMode::Manual, start());
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, r#"{"mode":"manual","now":"2026-01-01T00:00:00Z"}"#);
        let back: Clock = serde_json::from_str(&json).unwrap();
        assert_eq!(back.now(), start());
    }
}
