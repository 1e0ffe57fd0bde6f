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
    /// One request served by an OpenStack API (not the control API). `request` is there when the
    /// request may have changed the world (see `ApiRequest`).
    Api {
        service: String,
        method: String,
        path: String,
        query: String,
        status: u16,
        user_id: Option<String>,
        project_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request: Option<ApiRequest>,
    },
    /// A resource moved from one state to another.
    Transition { resource: String, id: String, from: Option<String>, to: String },
    /// A fault was added, fired, expired or removed.
    Fault { action: String, fault_id: String, detail: String },
    /// The harness or an operator acted on the world (clock moved, reset, restore).
    Control { action: String, detail: String },
}

/// What a replay needs to send a request again: the headers the handlers read, the body, and which
/// tokens it carried. Recorded for every request that could change the world: every write, and a
/// read that caught up with due events or met an installed fault. Plain reads are left out, since
/// replaying them changes nothing.
///
/// Tokens are named by their Keystone audit id, never by the bearer id (Keystone logs audit ids for
/// the same reason). Token ids come from the seeded RNG and the requests that issued them are
/// replayed too, so a replay finds the token with that audit id in its own world and sends its id.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiRequest {
    /// `X-Auth-Token`, when the request had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<TokenRef>,
    /// `X-Subject-Token` (Keystone's validate and revoke), when the request had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_token: Option<TokenRef>,
    /// The headers any handler reads besides the tokens (the HTTP pipeline says which), lower-case,
    /// in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
    /// The body as text, when it is UTF-8 (JSON always is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The body in standard base64, when it is not UTF-8 (an image upload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
}

/// A token as a request presented it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenRef {
    /// A token the world knew when the request came (valid or not): its first audit id.
    Audit(String),
    /// A token id the world had never issued.
    Unknown,
}

impl ApiRequest {
    pub fn new(token: Option<TokenRef>, subject_token: Option<TokenRef>, headers: Vec<(String, String)>, body: &[u8]) -> ApiRequest {
        let (body, body_base64) = match std::str::from_utf8(body) {
            _ if body.is_empty() => (None, None),
            Ok(text) => (Some(text.to_string()), None),
            Err(_) => {
                use base64::Engine;
                (None, Some(base64::engine::general_purpose::STANDARD.encode(body)))
            }
        };
        ApiRequest { token, subject_token, headers, body, body_base64 }
    }

    /// The body as it came.
    pub fn body_bytes(&self) -> Vec<u8> {
        use base64::Engine;
        match (&self.body, &self.body_base64) {
            (Some(text), _) => text.clone().into_bytes(),
            (None, Some(b64)) => base64::engine::general_purpose::STANDARD.decode(b64).unwrap_or_default(),
            (None, None) => Vec::new(),
        }
    }
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
    /// How many of the oldest entries were dropped to keep within the limit (their sequence
    /// numbers are 1 to `dropped`): the journal's way of saying its history was cut.
    #[serde(default, skip_serializing_if = "is_zero")]
    dropped: u64,
    /// The most entries kept (a setting of the cloud, not part of a snapshot); `None`: all.
    #[serde(skip)]
    limit: Option<usize>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
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
    /// Appends an entry in the order it took effect. An entry is never stamped earlier than the one
    /// before it: a timed event that a running clock overtook (due at t, applied by the first
    /// request after t) took effect when it was applied, after what was journaled meanwhile, so
    /// read in order the times never go back.
    pub fn record(&mut self, at: SimTime, record: Record) {
        let at = self.entries.last().map_or(at, |last| at.max(last.at));
        let seq = self.dropped + self.entries.len() as u64 + 1;
        self.entries.push(JournalEntry { seq, at, record });
        if let Some(limit) = self.limit {
            if self.entries.len() > limit {
                // The oldest tenth (at least one entry) at once, so the copying is paid once per
                // tenth of the limit rather than at every entry.
                let cut = (self.entries.len() - limit).max(limit / 10).min(self.entries.len());
                self.entries.drain(..cut);
                self.dropped += cut as u64;
            }
        }
    }

    /// Keeps at most `limit` entries from now on (`None`: all of them), dropping the oldest.
    pub fn set_limit(&mut self, limit: Option<usize>) {
        self.limit = limit;
    }

    /// How many of the oldest entries were dropped to keep within the limit.
    pub fn dropped(&self) -> u64 {
        self.dropped
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
    #[test]
    fn entries_read_in_order_never_go_back_in_time() {
        let t = |s: i64| chrono::TimeZone::timestamp_opt(&chrono::Utc, 1_700_000_000 + s, 0).unwrap();
        let fault = |n: &str| Record::Fault { action: n.into(), fault_id: n.into(), detail: String::new() };
        let mut j = Journal::default();
        j.record(t(10), fault("a"));
        // Due at 5, applied after the entry at 10: it took effect at 10.
        j.record(t(5), fault("b"));
        j.record(t(12), fault("c"));
        let times: Vec<SimTime> = j.entries().iter().map(|e| e.at).collect();
        assert_eq!(times, [t(10), t(10), t(12)]);
        assert_eq!(j.entries().iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
    }

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

    #[test]
    fn a_limited_journal_drops_its_oldest_entries_and_says_how_many() {
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let mut j = Journal::default();
        j.set_limit(Some(100));
        for _ in 0..1000 {
            j.record(t0, Record::Control { action: "reset".into(), detail: String::new() });
        }
        assert!(j.entries().len() <= 100, "{} kept", j.entries().len());
        assert_eq!(j.dropped() + j.entries().len() as u64, 1000);
        assert_eq!(j.entries().first().unwrap().seq, j.dropped() + 1, "sequence numbers run on across the cut");
        assert_eq!(j.entries().last().unwrap().seq, 1000);
        let text = serde_json::to_string(&j).unwrap();
        assert!(text.contains(&format!(r#""dropped":{}"#, j.dropped())), "a snapshot says the history was cut");
        assert!(!serde_json::to_string(&Journal::default()).unwrap().contains("dropped"), "an uncut journal reads as before");
    }

    #[test]
    fn a_recorded_request_keeps_its_body_text_or_binary_and_reads_back_as_it_came() {
        let json = ApiRequest::new(Some(TokenRef::Audit("a1".into())), None, vec![], br#"{"server": {}}"#);
        assert_eq!((json.body.as_deref(), json.body_base64.as_deref()), (Some(r#"{"server": {}}"#), None));
        let binary = ApiRequest::new(None, Some(TokenRef::Unknown), vec![], &[0xff, 0x00, 0x81]);
        assert_eq!((binary.body.as_deref(), binary.body_base64.as_deref()), (None, Some("/wCB")));
        assert_eq!(binary.body_bytes(), vec![0xff, 0x00, 0x81]);
        assert_eq!(ApiRequest::new(None, None, vec![], b"").body_bytes(), Vec::<u8>::new());
        let api = |method: &str, request: Option<ApiRequest>| Record::Api {
            service: "compute".into(),
            method: method.into(),
            path: "/compute/v2.1/servers".into(),
            query: String::new(),
            status: 200,
            user_id: None,
            project_id: None,
            request,
        };
        // An entry without a request (a plain read) serialises as before: no `request` key.
        assert!(!serde_json::to_string(&api("GET", None)).unwrap().contains("request"));
        let write = api("POST", Some(json));
        let text = serde_json::to_string(&write).unwrap();
        assert!(text.contains(r#""token":{"audit":"a1"}"#), "{text}");
        assert_eq!(serde_json::from_str::<Record>(&text).unwrap(), write);
    }
}
