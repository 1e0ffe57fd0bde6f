//! The fault registry: installed misbehaviour, each with match criteria and a budget (a number of
//! hits and/or a simulated duration). The registry does not know what a fault does: `A` is the
//! action type the world composes from the services' own fault kinds. Request faults fire on API
//! calls matched by service, method, path and project; object faults fire on named objects (a
//! service declares which names it matches, e.g. a load balancer, a pool and a member).

use super::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use wildmatch::WildMatch;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fault<A> {
    pub id: String,
    #[serde(flatten)]
    pub action: A,
    #[serde(rename = "match")]
    pub matcher: FaultMatch,
    pub remaining: Option<u32>,
    pub expires_at: Option<SimTime>,
    pub hits: u64,
}

/// Which requests or objects a fault applies to; an absent field matches anything. `path` is a glob
/// over the full request path (`*` and `?`), e.g. `/compute/v2.1/servers*`; `objects` are globs
/// over the names of the objects an object fault fires on, keyed by the kind of object.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FaultMatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Project id of the caller's token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    #[serde(flatten)]
    pub objects: BTreeMap<String, String>,
}

/// A request as faults see it.
pub struct RequestFacts<'a> {
    pub service: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub project_id: Option<&'a str>,
}

impl FaultMatch {
    /// Whether the object globs accept these (kind, name) pairs; a kind the fault does not name
    /// matches anything.
    fn matches_objects(&self, names: &[(&str, &str)]) -> bool {
        names.iter().all(|(kind, name)| self.objects.get(*kind).is_none_or(|g| WildMatch::new(g).matches(name)))
    }

    fn matches(&self, r: &RequestFacts) -> bool {
        self.service.as_deref().is_none_or(|s| s == r.service)
            && self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(r.method))
            && self.path.as_deref().is_none_or(|p| WildMatch::new(p).matches(r.path))
            && self.project_id.as_deref().is_none_or(|p| Some(p) == r.project_id)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Faults<A> {
    installed: Vec<Fault<A>>,
}

impl<A> Default for Faults<A> {
    fn default() -> Self {
        Faults { installed: Vec::new() }
    }
}

impl<A: Clone> Faults<A> {
    pub fn add(&mut self, fault: Fault<A>) {
        self.installed.push(fault);
    }

    pub fn remove(&mut self, id: &str) -> Option<Fault<A>> {
        let at = self.installed.iter().position(|f| f.id == id)?;
        Some(self.installed.remove(at))
    }

    pub fn list(&self) -> &[Fault<A>] {
        &self.installed
    }

    /// The first installed request fault (one `want` accepts) matching the request; uses one unit of
    /// its budget and removes it when the budget is spent. Returns the fault as it was when it fired.
    pub fn fire_request(&mut self, r: &RequestFacts, want: impl Fn(&A) -> bool) -> Option<Fault<A>> {
        let at = self.installed.iter().position(|f| want(&f.action) && f.matcher.matches(r))?;
        Some(self.spend(at))
    }

    /// The first installed object fault that `want` accepts and whose match names these objects;
    /// spends one unit of its budget as `fire_request` does.
    pub fn fire_object(&mut self, names: &[(&str, &str)], want: impl Fn(&A) -> bool) -> Option<Fault<A>> {
        let at = self.installed.iter().position(|f| want(&f.action) && f.matcher.matches_objects(names))?;
        Some(self.spend(at))
    }

    fn spend(&mut self, at: usize) -> Fault<A> {
        let f = &mut self.installed[at];
        f.hits += 1;
        if let Some(n) = f.remaining.as_mut() {
            *n -= 1;
        }
        let fired = f.clone();
        if f.remaining == Some(0) {
            self.installed.remove(at);
        }
        fired
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(action: &str, matcher: FaultMatch, remaining: Option<u32>) -> Fault<String> {
        Fault { id: "f1".into(), action: action.into(), matcher, remaining, expires_at: None, hits: 0 }
    }

    fn get(path: &str) -> RequestFacts<'_> {
        RequestFacts { service: "compute", method: "GET", path, project_id: None }
    }

    #[test]
    fn a_counted_fault_fires_that_many_times_then_goes() {
        let mut fs = Faults::default();
        let m = FaultMatch { service: Some("compute".into()), path: Some("/compute/v2.1/servers*".into()), ..Default::default() };
        fs.add(fault("error", m, Some(2)));
        let any = |_: &String| true;
        assert!(fs.fire_request(&get("/compute/v2.1/flavors"), any).is_none());
        assert!(fs.fire_request(&get("/compute/v2.1/servers/detail"), any).is_some());
        assert!(fs.fire_request(&get("/compute/v2.1/servers"), any).is_some());
        assert!(fs.fire_request(&get("/compute/v2.1/servers"), any).is_none());
        assert!(fs.list().is_empty());
    }

    #[test]
    fn object_faults_match_names_by_glob_and_spend_their_count() {
        let mut fs = Faults::default();
        let m = FaultMatch { objects: [("pool".to_string(), "k8s-*".to_string())].into(), ..Default::default() };
        fs.add(fault("lag", m, Some(1)));
        let names = |pool| [("loadbalancer", "lb"), ("pool", pool), ("member", "m")];
        let lag = |a: &String| a == "lag";
        assert!(fs.fire_object(&names("web-pool"), lag).is_none(), "another pool's member is not matched");
        assert!(fs.fire_object(&names("k8s-api-6443"), |a| a == "error").is_none(), "kind must match");
        assert!(fs.fire_object(&names("k8s-api-6443"), lag).is_some());
        assert!(fs.fire_object(&names("k8s-api-6443"), lag).is_none(), "count 1 is spent");
    }
}
