//! The paging Nova's newer lists share (instance actions from 2.58, migrations from 2.59): a
//! `changes-since`/`changes-before` window on the time a row last changed, then `marker` and
//! `limit` with a `next` link.

use super::common::bad;
use crate::http::error::ApiError;
use crate::http::extract::Params;
use crate::http::microversion::Version;
use crate::sim::SimTime;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde_json::{json, Value};

/// A `changes-since`/`changes-before` time, as Nova's `date-time` format reads it.
fn query_time(key: &str, value: &str) -> Result<SimTime, ApiError> {
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(value, f).ok())
                .map(|t| Utc.from_utc_datetime(&t))
        })
        .ok_or_else(|| bad(format!("Invalid input for query parameters {key}. Value: {value}. '{value}' is not a 'date-time'")))
}

/// The window of change times a list asks for; `changes-before` counts from 2.66.
pub(super) struct ChangesWindow {
    pub(super) since: Option<SimTime>,
    pub(super) before: Option<SimTime>,
}

impl ChangesWindow {
    pub(super) fn read(params: &Params, v: Version) -> Result<ChangesWindow, ApiError> {
        let since = params.get("changes-since").map(|t| query_time("changes-since", t)).transpose()?;
        let before = params.get("changes-before").filter(|_| v.at_least(2, 66)).map(|t| query_time("changes-before", t)).transpose()?;
        if let (Some(a), Some(b)) = (since, before) {
            if a > b {
                return Err(bad(format!(
                    "The value of changes-since must be less than or equal to changes-before. changes-since: {} changes-before: {}",
                    params.get("changes-since").unwrap_or_default(),
                    params.get("changes-before").unwrap_or_default()
                )));
            }
        }
        Ok(ChangesWindow { since, before })
    }

    pub(super) fn holds(&self, changed: SimTime) -> bool {
        self.since.is_none_or(|t| changed >= t) && self.before.is_none_or(|t| changed <= t)
    }
}

/// Drops the rows up to `marker` and keeps at most `limit`; when rows were left out, the `next`
/// link `next_href(limit, last marker)` names.
pub(super) fn page<T>(
    rows: &mut Vec<T>,
    params: &Params,
    marker_of: impl Fn(&T) -> &str,
    next_href: impl Fn(usize, &str) -> String,
) -> Result<Option<Value>, ApiError> {
    if let Some(marker) = params.get("marker") {
        let at = rows.iter().position(|r| marker_of(r) == marker).ok_or_else(|| bad(format!("Marker {marker} could not be found.")))?;
        rows.drain(..=at);
    }
    let Some(l) = params.get("limit") else { return Ok(None) };
    let limit: usize =
        l.parse().map_err(|_| bad(format!("Invalid input for query parameters limit. Value: {l}. '{l}' does not match '^[0-9]*$'")))?;
    if rows.len() <= limit {
        return Ok(None);
    }
    rows.truncate(limit);
    Ok(rows.last().map(|last| json!([{"rel": "next", "href": next_href(limit, marker_of(last))}])))
}
