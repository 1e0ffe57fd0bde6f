//! Rendered server views, kept between requests so that `servers/detail` pages cost a copy per
//! server instead of a render.
//!
//! A view depends on the server, its flavor, its ports, its host and the request's microversion,
//! admin-ness and base URL. Rather than tracking each of those, the whole cache is tied to a
//! revision of the world that moves on every change (an applied event, a fault, any request that is
//! not a read; see `World::touch`). The one input that changes with time alone, `host_status`
//! (heartbeats going stale), is part of the entry's key and checked on every use.
//!
//! Whole replies of other read routes that depend on nothing time alone moves (Octavia's load
//! balancer list, see `ReplyKey`) are kept here too, under the same revision.

use super::model::Server;
use crate::http::microversion::Version;
use axum::body::Bytes;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Default)]
pub struct ServerViewCache {
    revision: u64,
    /// By the server's creation sequence number (unique for the world's lifetime, cheap to hash).
    /// Behind a lock of its own because readers hold the world only by shared reference.
    entries: Mutex<HashMap<u64, Entry>>,
    /// Whole `servers/detail` pages, for clients that poll the same listing. Shared so a page can
    /// be stored after the world's lock is released; a page of an older revision is never matched.
    pages: Arc<Mutex<HashMap<PageKey, Bytes>>>,
    /// Whole replies of other read routes (see `ReplyKey`), kept and matched like the pages.
    replies: Arc<Mutex<HashMap<ReplyKey, Bytes>>>,
    /// What the servers on each host use, summed once per revision for the hypervisor views.
    host_loads: Mutex<Option<(u64, Arc<HostLoads>)>>,
    /// When each project's first server started, found once per revision for the usage report.
    first_starts: Mutex<Option<(u64, Arc<FirstStarts>)>>,
}

/// By project id: the earliest start (launch, else creation) of its servers; a project with no
/// server is absent.
pub type FirstStarts = std::collections::BTreeMap<String, crate::sim::SimTime>;

/// What the servers on one host use, from their flavors, as Nova's resource tracker sums it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HostLoad {
    pub vcpus: u64,
    pub memory_mb: u64,
    pub local_gb: u64,
    pub servers: u64,
}

/// By host name; a host with no server is absent.
pub type HostLoads = HashMap<String, HostLoad>;

/// Everything a cached reply of another read route depends on: the world's revision, the route,
/// the query, what the caller may see (an admin every project, anyone else their own) and the base
/// URL its links are built from. Only for routes whose reply is a function of the world's state
/// alone, so that the revision covers every change: Octavia's views are (a member's health comes
/// from its server's state and its host's power and pressure, which change only through events,
/// faults and writes, each of which moves the revision). The caller checks policy before asking.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ReplyKey {
    revision: u64,
    route: &'static str,
    query: Vec<(String, String)>,
    admin: bool,
    project: Option<String>,
    base: String,
}

/// Where a reply is put once it is serialised (see `ServerViewCache::replies`).
pub type ReplyStore = BodyStore<ReplyKey>;

/// Everything a `servers` or `servers/detail` page depends on: the world's revision, which of the
/// two, the query, how it is rendered, whose project it lists, and the hosts' status (which moves
/// with time alone; a brief page does not show it).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PageKey {
    revision: u64,
    detail: bool,
    query: Vec<(String, String)>,
    v: Version,
    admin: bool,
    base: String,
    project: Option<String>,
    host_statuses: Vec<&'static str>,
}

/// Most pages kept; beyond that the store starts afresh (a poller's few queries fit easily).
const MAX_PAGES: usize = 64;

/// Where a rendered page is put once it is joined (see `ServerViewCache::pages`).
pub type PageStore = BodyStore<PageKey>;

/// Whole response bodies by key, filled after the world lock is released.
#[derive(Clone)]
pub struct BodyStore<K>(Arc<Mutex<HashMap<K, Bytes>>>);

impl<K: std::hash::Hash + Eq> BodyStore<K> {
    pub fn put(&self, key: K, body: Bytes) {
        let mut bodies = self.0.lock();
        if bodies.len() >= MAX_PAGES {
            bodies.clear();
        }
        bodies.insert(key, body);
    }
}

/// One rendering of one server, and everything it was rendered for.
struct Entry {
    revision: u64,
    v: Version,
    admin: bool,
    base: String,
    host_status: &'static str,
    json: Bytes,
}

impl Entry {
    fn fits(&self, revision: u64, v: Version, admin: bool, base: &str, host_status: &str) -> bool {
        self.revision == revision && self.v == v && self.admin == admin && self.host_status == host_status && self.base == base
    }
}

/// What a page of views is rendered for.
pub struct Request<'a> {
    pub v: Version,
    pub admin: bool,
    pub base: &'a str,
}

impl ServerViewCache {
    /// Forgets every rendering (lazily: entries of an older revision are never used again).
    pub fn invalidate(&mut self) {
        self.revision += 1;
    }

    /// The views of `servers`, in order, each rendered by `render` unless kept. They are shared
    /// buffers: the caller joins them into a page after it has let go of the world.
    /// `host_statuses` is each host's `host_status` as the request shows it (empty when it does
    /// not show it).
    pub fn views(
        &self,
        servers: &[&Server],
        req: &Request,
        host_statuses: &HashMap<&str, &'static str>,
        render: impl Fn(&Server) -> Vec<u8>,
    ) -> Vec<Bytes> {
        let Request { v, admin, base } = *req;
        let mut entries = self.entries.lock();
        servers
            .iter()
            .map(|s| {
                let host_status = s.host.as_deref().and_then(|h| host_statuses.get(h).copied()).unwrap_or_default();
                if let Some(e) = entries.get(&s.seq).filter(|e| e.fits(self.revision, v, admin, base, host_status)) {
                    return e.json.clone();
                }
                let json = Bytes::from(render(s));
                let entry = Entry { revision: self.revision, v, admin, base: base.to_string(), host_status, json: json.clone() };
                entries.insert(s.seq, entry);
                json
            })
            .collect()
    }

    /// The key of a page for this request (`detail`: of `servers/detail`); the caller has already
    /// passed policy. `host_statuses` are the hosts' statuses as the request shows them (empty when
    /// it does not show them).
    pub fn page_key(
        &self,
        detail: bool,
        query: &[(String, String)],
        req: &Request,
        project: Option<&str>,
        host_statuses: Vec<&'static str>,
    ) -> PageKey {
        PageKey {
            revision: self.revision,
            detail,
            query: query.to_vec(),
            v: req.v,
            admin: req.admin,
            base: req.base.to_string(),
            project: project.map(str::to_string),
            host_statuses,
        }
    }

    pub fn page(&self, key: &PageKey) -> Option<Bytes> {
        self.pages.lock().get(key).cloned()
    }

    pub fn page_store(&self) -> PageStore {
        BodyStore(self.pages.clone())
    }

    /// The key of a reply of `route` for this query and caller (see `ReplyKey`); an admin's key
    /// leaves the project out, since an admin sees every project's objects.
    pub fn reply_key(&self, route: &'static str, query: &[(String, String)], admin: bool, project: Option<&str>, base: &str) -> ReplyKey {
        ReplyKey {
            revision: self.revision,
            route,
            query: query.to_vec(),
            admin,
            project: if admin { None } else { project.map(str::to_string) },
            base: base.to_string(),
        }
    }

    pub fn reply(&self, key: &ReplyKey) -> Option<Bytes> {
        self.replies.lock().get(key).cloned()
    }

    pub fn reply_store(&self) -> ReplyStore {
        BodyStore(self.replies.clone())
    }

    /// Each host's load at this revision: summed over every server once, then kept until the world
    /// changes, so a hypervisor listing costs its hosts, not the cloud's servers.
    pub fn host_loads(&self, compute: &super::model::Compute) -> Arc<HostLoads> {
        let mut kept = self.host_loads.lock();
        if let Some((_, loads)) = kept.as_ref().filter(|(rev, _)| *rev == self.revision) {
            return loads.clone();
        }
        let mut loads = HostLoads::new();
        for s in compute.servers.values() {
            let Some(host) = &s.host else { continue };
            let l = loads.entry(host.clone()).or_default();
            if let Some(f) = compute.flavor(&s.flavor_id) {
                l.vcpus += f.vcpus;
                l.memory_mb += f.ram;
                l.local_gb += f.disk + f.ephemeral;
            }
            l.servers += 1;
        }
        let loads = Arc::new(loads);
        *kept = Some((self.revision, loads.clone()));
        loads
    }

    /// Each project's first server start at this revision: found over every server once, then kept
    /// until the world changes, so a usage report over an instant costs the projects.
    pub fn first_starts(&self, compute: &super::model::Compute) -> Arc<FirstStarts> {
        let mut kept = self.first_starts.lock();
        if let Some((_, starts)) = kept.as_ref().filter(|(rev, _)| *rev == self.revision) {
            return starts.clone();
        }
        let mut starts = FirstStarts::new();
        for s in compute.servers.values() {
            let began = s.launched_at.unwrap_or(s.created_at);
            starts.entry(s.project_id.clone()).and_modify(|t| *t = (*t).min(began)).or_insert(began);
        }
        let starts = Arc::new(starts);
        *kept = Some((self.revision, starts.clone()));
        starts
    }

    /// Drops renderings of servers that no longer exist (called when servers are deleted, so the
    /// cache never outgrows the server table).
    pub fn forget(&mut self, seq: u64) {
        self.entries.get_mut().remove(&seq);
    }
}

/// A copy of a world starts with nothing rendered.
impl Clone for ServerViewCache {
    fn clone(&self) -> Self {
        ServerViewCache {
            revision: self.revision,
            entries: Mutex::default(),
            pages: Arc::default(),
            replies: Arc::default(),
            host_loads: Mutex::default(),
            first_starts: Mutex::default(),
        }
    }
}

impl std::fmt::Debug for ServerViewCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerViewCache").field("revision", &self.revision).field("entries", &self.entries.lock().len()).finish()
    }
}
