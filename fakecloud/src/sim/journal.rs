//! The journal: every API call and every state transition, stamped with simulated time, so a
//! scenario can assert order ("the member was deleted after its replacement was ACTIVE") and
//! what happened over a whole run, not only at the end.

use super::SimTime;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    pub seq: u64,
    pub at: SimTime,
    #[serde(flatten)]
    pub record: Record,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    /// One request served by an OpenStack API (not the control API).
    Api { service: String, method: String, path: String, query: String, status: u16, user_id: Option<String>, project_id: Option<String> },
    /// A resource moved from one state to another.
    Transition { resource: String, id: String, from: Option<String>, to: String },
    /// A fault was added, fired, expired or removed.
    Fault { action: String, fault_id: String, detail: String },
    /// The harness or an operator acted on the world (clock moved, reset, restore).
    Control { action: String, detail: String },
}

impl Record {
    pub fn kind(&self) -> &'static str {
        match self {
            Record::Api { .. } => "api",
            Record::Transition { .. } => "transition",
            Record::Fault { .. } => "fault",
            Record::Control { .. } => "control",
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Journal {
    entries: Vec<JournalEntry>,
}

/// Which entries a reader wants: by kind, by simulated-time window, or after a sequence number.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct JournalFilter {
    pub kind: Option<String>,
    pub since: Option<SimTime>,
    pub until: Option<SimTime>,
    pub after_seq: Option<u64>,
    pub service: Option<String>,
}

impl Journal {
    pub fn record(&mut self, at: SimTime, record: Record) {
        let seq = self.entries.len() as u64 + 1;
        self.entries.push(JournalEntry { seq, at, record });
    }

    pub fn entries(&self) -> &[JournalEntry] {
        &self.entries
    }

    pub fn filter<'a>(&'a self, f: &'a JournalFilter) -> impl Iterator<Item = &'a JournalEntry> + 'a {
        self.entries.iter().filter(move |e| {
            f.kind.as_deref().is_none_or(|k| e.record.kind() == k)
                && f.since.is_none_or(|t| e.at >= t)
                && f.until.is_none_or(|t| e.at <= t)
                && f.after_seq.is_none_or(|s| e.seq > s)
                && f.service.as_deref().is_none_or(|s| matches!(&e.record, Record::Api { service, .. } if service == s))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    #[test]
    fn filters_by_kind_and_time_window() {
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let mut j = Journal::default();
        j.record(t0, Record::Control { action: "reset".into(), detail: String::new() });
        j.record(
            t0 + Duration::seconds(5),
            Record::Transition { resource: "server".into(), id: "s1".into(), from: Some("BUILD".into()), to: "ACTIVE".into() },
        );
        let f = JournalFilter { kind: Some("transition".into()), ..Default::default() };
        assert_eq!(j.filter(&f).count(), 1);
        let f = JournalFilter { until: Some(t0 + Duration::seconds(1)), ..Default::default() };
        let got: Vec<_> = j.filter(&f).map(|e| e.seq).collect();
        assert_eq!(got, vec![1]);
    }
}
