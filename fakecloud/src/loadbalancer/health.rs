//! Octavia's health manager timings, and the availability oracle (the outage a timeline shows). The
//! health manager's cycle reads Nova's hosts, so it runs in `flows/loadbalancer_health.rs`:
//!
//! Every 10 s each running amphora heartbeats (one on a starved or powered-off host does not). An
//! amphora silent for 60 s is stale: the health manager fails over one stale amphora at a time,
//! only when its load balancer is ACTIVE or ERROR. A heartbeat from an amphora VM that has no row
//! (a zombie left by a failover) is logged every cycle, as upstream does.
//!
//! The oracle records, for each load balancer, when it was serving: an amphora running (for the
//! amphora providers) and at least one serving member (`World::member_serving`: provisioning
//! ACTIVE, operating ONLINE or NO_MONITOR, backend up).

use crate::sim::SimTime;

pub const HEARTBEAT_SECS: i64 = 10;
/// `heartbeat_timeout`.
pub const STALE_SECS: i64 = 60;
pub const HEALTH_MANAGER: &str = "octavia-health-manager";

/// Summary of a timeline up to `until`: whether it ever served, the longest and total time it did
/// not after it first served, and since when it has not if that outage is still open at `until`.
#[derive(Debug, PartialEq)]
pub struct Outage {
    pub served: bool,
    pub total_down_secs: f64,
    pub longest_down_secs: f64,
    pub open_since: Option<SimTime>,
}

pub fn outage(timeline: &[(SimTime, bool)], until: SimTime) -> Outage {
    let mut served = false;
    let (mut total, mut longest) = (0.0f64, 0.0f64);
    let mut down_since: Option<SimTime> = None;
    for (at, serving) in timeline {
        if *serving {
            if let Some(d) = down_since.take() {
                let secs = (*at - d).num_milliseconds() as f64 / 1000.0;
                total += secs;
                longest = longest.max(secs);
            }
            served = true;
        } else if served && down_since.is_none() {
            down_since = Some(*at);
        }
    }
    if let Some(d) = down_since {
        let secs = (until - d).num_milliseconds() as f64 / 1000.0;
        total += secs;
        longest = longest.max(secs);
    }
    Outage { served, total_down_secs: total, longest_down_secs: longest, open_since: down_since }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> SimTime {
        chrono::DateTime::from_timestamp(1_700_000_000 + s, 0).unwrap()
    }

    #[test]
    fn outage_counts_only_after_first_serving_and_open_ends_run_to_now() {
        let tl = [(t(0), false), (t(10), true), (t(20), false), (t(25), true), (t(40), false)];
        let o = outage(&tl, t(100));
        assert!(o.served);
        assert_eq!(o.total_down_secs, 65.0);
        assert_eq!(o.longest_down_secs, 60.0);
        assert_eq!(o.open_since, Some(t(40)));
        let closed = outage(&tl[..4], t(100));
        assert_eq!((closed.total_down_secs, closed.open_since), (5.0, None));
        assert_eq!(
            outage(&[(t(0), false)], t(50)),
            Outage { served: false, total_down_secs: 0.0, longest_down_secs: 0.0, open_since: None }
        );
    }
}
