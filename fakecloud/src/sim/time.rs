//! Simulated instants, the timestamp formats the services' views pick from, and duration parsing.

use chrono::{DateTime, SecondsFormat, Utc};

/// An instant on the virtual clock (always UTC, microsecond precision).
pub type SimTime = DateTime<Utc>;

/// Microseconds and a `Z`: `2015-11-07T02:58:43.578887Z`.
pub fn micros_z(t: SimTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// RFC 3339 with microseconds and a `Z`, as chrono writes it.
pub fn rfc3339(t: SimTime) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Python's isoformat of an aware UTC time: `2026-01-01T00:00:00+00:00`.
pub fn offset_seconds(t: SimTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
}

/// Seconds and no zone suffix (what some clients insist on: gophercloud rejects a trailing `Z` on
/// load-balancer objects).
pub fn naive_seconds(t: SimTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// The longest jump the clock takes in one step (about 317 years): far beyond any scenario, and
/// small enough that simulated time can never overflow.
pub const MAX_DURATION_SECS: f64 = 1.0e10;

/// Parses a duration given as seconds (`90`, `1.5`) or in humantime form (`90s`, `2m`, `1h 30m`).
pub fn parse_duration(text: &str) -> Result<chrono::Duration, String> {
    let text = text.trim();
    let secs = match text.parse::<f64>() {
        Ok(secs) => secs,
        Err(_) => humantime::parse_duration(text).map_err(|e| format!("invalid duration '{text}': {e}"))?.as_secs_f64(),
    };
    if !secs.is_finite() || !(0.0..=MAX_DURATION_SECS).contains(&secs) {
        return Err(format!("duration out of range (0 to {MAX_DURATION_SECS} seconds): {text}"));
    }
    chrono::Duration::from_std(std::time::Duration::from_secs_f64(secs)).map_err(|_| format!("duration out of range: {text}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn micros_z_has_microseconds_and_z() {
        let t = Utc.with_ymd_and_hms(2015, 11, 7, 2, 58, 43).unwrap() + chrono::Duration::microseconds(578887);
        assert_eq!(micros_z(t), "2015-11-07T02:58:43.578887Z");
        assert_eq!(naive_seconds(t), "2015-11-07T02:58:43");
    }

    #[test]
    fn durations_accept_seconds_and_humantime() {
        assert_eq!(parse_duration("90").unwrap().num_seconds(), 90);
        assert_eq!(parse_duration("2m").unwrap().num_seconds(), 120);
        assert_eq!(parse_duration("1h 1s").unwrap().num_seconds(), 3601);
        assert!(parse_duration("-3").is_err());
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("99999999999999h").is_err());
        assert!(parse_duration("NaN").is_err());
    }
}
