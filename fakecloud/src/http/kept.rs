//! Whole answers of reads, kept while the world does not change, so that a client polling the same
//! `GET` of an unchanged cloud is answered without routing, token lookup or rendering: one lock of
//! the world serves it and journals it (`pipeline.rs`).
//!
//! An answer is kept only when nothing but the world's state, the caller and the request made it:
//! a `200` to a `GET` that had nothing to catch up with and no fault to meet, made while the world
//! did not change (`World::touch` moves `revision`), without reading the clock (`Sim::time_reads`),
//! drawing an id or fixing its request id. It is found again by its exact request line and headers
//! (the token, the microversion, `Host` for the links), and served only while its token is still
//! valid: the one thing about the caller that moves with time alone.
//!
//! A handler whose answer reads the clock but stays the same for a while (liveness from heartbeats
//! flips at known instants) says until when with `SameUntil` on its reply; the answer is then kept
//! until that instant.

use crate::sim::SimTime;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::collections::HashMap;

/// On a reply whose handler read the clock: the answer is the same for the same state until this
/// instant (`None`: whatever the time). The handler vouches for every way time reaches its body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SameUntil(pub Option<SimTime>);

impl SameUntil {
    /// The earliest of several instants at which parts of an answer change.
    pub fn earliest(changes: impl IntoIterator<Item = Option<SimTime>>) -> SameUntil {
        SameUntil(changes.into_iter().flatten().min())
    }

    /// Puts this on a reply.
    pub fn on(self, mut resp: Response) -> Response {
        resp.extensions_mut().insert(self);
        resp
    }
}

/// Most bytes of bodies kept; past that the store starts afresh.
const MAX_BYTES: usize = 64 << 20;
/// Most requests kept; past that the store starts afresh.
const MAX_ENTRIES: usize = 1024;
/// The largest body kept: a larger reply is a download or a page nobody polls.
pub const MAX_BODY: usize = 8 << 20;

/// The answers of the world's current revision, by request.
#[derive(Debug, Default)]
pub struct KeptReplies {
    revision: u64,
    /// By path and query, then the request's headers.
    entries: HashMap<String, Vec<(HeaderMap, KeptReply)>>,
    count: usize,
    bytes: usize,
}

/// One answer as the handler gave it (the pipeline adds the request id and the date each time),
/// and who asked, for the journal.
#[derive(Clone, Debug)]
pub struct KeptReply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub caller: Option<(String, Option<String>)>,
    /// Served only before this instant (see `SameUntil`).
    pub until: Option<SimTime>,
}

impl KeptReplies {
    /// Something may have changed: nothing kept is served again.
    pub fn invalidate(&mut self) {
        self.revision += 1;
        if self.count > 0 {
            self.entries.clear();
            self.count = 0;
            self.bytes = 0;
        }
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// How many answers are kept.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The answer kept for this request line and these headers, if any is still good at `now`.
    pub fn get(&self, path_and_query: &str, headers: &HeaderMap, now: SimTime) -> Option<&KeptReply> {
        let (_, reply) = self.entries.get(path_and_query)?.iter().find(|(h, _)| h == headers)?;
        reply.until.is_none_or(|t| now < t).then_some(reply)
    }

    /// Keeps an answer made at `revision`; one made before the last change is dropped.
    pub fn put(&mut self, revision: u64, path_and_query: &str, headers: HeaderMap, reply: KeptReply) {
        if revision != self.revision || reply.body.len() > MAX_BODY {
            return;
        }
        if self.count >= MAX_ENTRIES || self.bytes + reply.body.len() > MAX_BYTES {
            self.entries.clear();
            self.count = 0;
            self.bytes = 0;
        }
        let same = self.entries.entry(path_and_query.to_string()).or_default();
        if let Some(at) = same.iter().position(|(h, _)| *h == headers) {
            // An answer kept until an instant now past: this one replaces it.
            self.bytes -= same[at].1.body.len();
            same[at].1 = reply;
            self.bytes += same[at].1.body.len();
            return;
        }
        self.count += 1;
        self.bytes += reply.body.len();
        same.push((headers, reply));
    }
}

/// A copy of a world starts with nothing kept.
impl Clone for KeptReplies {
    fn clone(&self) -> Self {
        KeptReplies { revision: self.revision, ..KeptReplies::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(body: &'static str) -> KeptReply {
        KeptReply {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Bytes::from_static(body.as_bytes()),
            caller: None,
            until: None,
        }
    }

    fn at(secs: i64) -> SimTime {
        chrono::DateTime::from_timestamp(secs, 0).unwrap()
    }

    fn headers(token: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-auth-token", token.parse().unwrap());
        h
    }

    #[test]
    fn an_answer_is_found_by_its_request_line_and_headers_only() {
        let mut kept = KeptReplies::default();
        kept.put(kept.revision(), "/a?x=1", headers("t1"), reply("one"));
        assert_eq!(kept.get("/a?x=1", &headers("t1"), at(0)).map(|r| r.body.clone()), Some(Bytes::from_static(b"one")));
        assert!(kept.get("/a?x=1", &headers("t2"), at(0)).is_none(), "another token");
        assert!(kept.get("/a?x=2", &headers("t1"), at(0)).is_none(), "another query");
    }

    #[test]
    fn an_answer_kept_until_an_instant_is_not_served_from_it_on() {
        let mut kept = KeptReplies::default();
        kept.put(kept.revision(), "/a", headers("t"), KeptReply { until: Some(at(10)), ..reply("before ten") });
        assert!(kept.get("/a", &headers("t"), at(9)).is_some());
        assert!(kept.get("/a", &headers("t"), at(10)).is_none());
        kept.put(kept.revision(), "/a", headers("t"), KeptReply { until: Some(at(20)), ..reply("before twenty") });
        assert_eq!(kept.get("/a", &headers("t"), at(10)).map(|r| r.body.clone()), Some(Bytes::from_static(b"before twenty")));
    }

    #[test]
    fn a_change_drops_what_was_kept_and_refuses_answers_made_before_it() {
        let mut kept = KeptReplies::default();
        let before = kept.revision();
        kept.put(before, "/a", headers("t"), reply("old"));
        kept.invalidate();
        assert!(kept.get("/a", &headers("t"), at(0)).is_none());
        kept.put(before, "/a", headers("t"), reply("made before the change"));
        assert!(kept.get("/a", &headers("t"), at(0)).is_none());
    }
}
