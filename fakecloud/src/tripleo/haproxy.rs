//! HAProxy: the listen blocks TripleO generates from services and VIPs, and each backend's check
//! state on the virtual clock. A backend with `check fall F inter I rise R` whose checks start
//! failing goes DOWN after F failed checks I ms apart, showing `UP n/F` until then; once checks
//! pass again it is UP after R good checks, showing `DOWN n/R` until then. The state is computed
//! from when the checks started and stopped failing, so it needs no events.

use super::model::*;
use crate::sim::SimTime;

pub const CONFIG_PATH: &str = "/var/lib/config-data/puppet-generated/haproxy/etc/haproxy/haproxy.cfg";
/// Where the config appears inside the haproxy container.
pub const CONTAINER_CONFIG_PATH: &str = "/etc/haproxy/haproxy.cfg";

/// A backend's state as HAProxy reports it: `UP`, `UP 2/5`, `DOWN`, `DOWN 1/2`, and whether the
/// last check passed.
#[derive(Debug, PartialEq)]
pub struct CheckState {
    pub status: String,
    pub up: bool,
    pub last_check_ok: bool,
    /// Failed checks counted since the fault began.
    pub chkfail: u64,
    /// Times it went DOWN.
    pub chkdown: u64,
}

impl Backend {
    /// The state at `now`. An offline node's backends fail from the moment it went away (the
    /// controller-offline effect sets `failing_since`).
    pub fn state(&self, now: SimTime) -> CheckState {
        let inter = self.inter_ms.max(1) as i64;
        let checks_between = |from: SimTime, to: SimTime| ((to - from).num_milliseconds().max(0) / inter) as u64;
        let Some(since) = self.failing_since else {
            return CheckState { status: "UP".into(), up: true, last_check_ok: true, chkfail: 0, chkdown: 0 };
        };
        let until = match self.recovered_at {
            Some(r) if r >= since && r <= now => r,
            _ => now,
        };
        let failed = checks_between(since, until);
        let went_down = failed >= self.fall as u64;
        if until == now {
            return if went_down {
                CheckState { status: "DOWN".into(), up: false, last_check_ok: false, chkfail: failed, chkdown: 1 }
            } else {
                CheckState {
                    status: if failed == 0 { "UP".into() } else { format!("UP {failed}/{}", self.fall) },
                    up: true,
                    last_check_ok: failed == 0,
                    chkfail: failed,
                    chkdown: 0,
                }
            };
        }
        // Checks pass again since `until`.
        if !went_down {
            return CheckState { status: "UP".into(), up: true, last_check_ok: true, chkfail: failed, chkdown: 0 };
        }
        let good = checks_between(until, now);
        if good >= self.rise as u64 {
            CheckState { status: "UP".into(), up: true, last_check_ok: true, chkfail: failed, chkdown: 1 }
        } else {
            let status = if good == 0 { "DOWN".into() } else { format!("DOWN {good}/{}", self.rise) };
            CheckState { status, up: false, last_check_ok: good > 0, chkfail: failed, chkdown: 1 }
        }
    }
}

/// haproxy.cfg as TripleO renders it: global and defaults, then one listen block per service.
pub fn config(o: &Overcloud) -> String {
    let mut out = String::from(
        "# This file is managed by Puppet\nglobal\n  daemon\n  group  haproxy\n  log  /dev/log local0\n  maxconn  20480\n  pidfile  /var/run/haproxy.pid\n  ssl-default-bind-ciphers  !SSLv2:kEECDH:kRSA:kEDH:kPSK:+3DES:!aNULL:!eNULL:!MD5:!EXP:!RC4:!SEED:!IDEA:!DES\n  ssl-default-bind-options  no-sslv3 no-tlsv10\n  stats  socket /var/lib/haproxy/stats mode 600 level user\n  stats  timeout 2m\n  user  haproxy\n\ndefaults\n  log  global\n  maxconn  4096\n  mode  tcp\n  retries  3\n  timeout  http-request 10s\n  timeout  queue 2m\n  timeout  connect 10s\n  timeout  client 2m\n  timeout  server 2m\n  timeout  check 10s\n",
    );
    for l in &o.haproxy {
        out.push_str(&format!("\nlisten {}\n", l.name));
        for b in &l.binds {
            out.push_str(&format!("  bind {b} transparent\n"));
        }
        out.push_str(&format!("  mode {}\n", l.mode));
        if l.mode == "http" {
            out.push_str("  http-request set-header X-Forwarded-Proto https if { ssl_fc }\n  http-request set-header X-Forwarded-Proto http if !{ ssl_fc }\n  option httpchk\n  option httplog\n  option forwardfor\n");
        }
        for s in &l.servers {
            out.push_str(&format!(
                "  server {} {}:{} check fall {} inter {} rise {}\n",
                s.name, s.address, s.port, s.fall, s.inter_ms, s.rise
            ));
        }
    }
    out
}

/// `show stat` on the stats socket: HAProxy's CSV, a FRONTEND and BACKEND row per listen around
/// its servers. The columns are HAProxy's, up to `check_duration`.
pub fn show_stat(o: &Overcloud, now: SimTime) -> String {
    const HEADER: &str = "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,";
    let mut out = format!("{HEADER}\n");
    for (iid, l) in o.haproxy.iter().enumerate() {
        let iid = iid + 2;
        out.push_str(&format!("{},FRONTEND,,,0,3,4096,120,10240,20480,0,0,0,,,,,OPEN,,,,,,,,,1,{iid},0,,,,0,0,0,3,,,,\n", l.name));
        let mut up_count = 0;
        for (sid, s) in l.servers.iter().enumerate() {
            let st = s.state(now);
            if st.up {
                up_count += 1;
            }
            let check = if st.last_check_ok {
                if l.mode == "http" {
                    "L7OK"
                } else {
                    "L4OK"
                }
            } else {
                "L4CON"
            };
            let code = if st.last_check_ok && l.mode == "http" { "200" } else { "" };
            out.push_str(&format!(
                "{},{},0,0,0,1,,40,3400,6800,,0,,0,0,0,0,{},1,1,0,{},{},0,0,,1,{iid},{},,40,,2,0,,1,{check},{code},1,\n",
                l.name,
                s.name,
                st.status,
                st.chkfail,
                st.chkdown,
                sid + 1
            ));
        }
        let status = if up_count > 0 { "UP" } else { "DOWN" };
        out.push_str(&format!(
            "{},BACKEND,0,0,0,3,410,120,10240,20480,0,0,,0,0,0,0,{status},{up_count},{up_count},0,,0,0,0,,1,{iid},0,,120,,1,0,,3,,,,\n",
            l.name
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    fn backend() -> Backend {
        Backend {
            name: "c0".into(),
            node: "c0".into(),
            address: "1.1.1.1".into(),
            port: 80,
            fall: 5,
            inter_ms: 2000,
            rise: 2,
            failing_since: None,
            recovered_at: None,
        }
    }

    #[test]
    fn a_failing_backend_goes_down_after_fall_checks_and_up_after_rise() {
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let at = |ms: i64| t0 + Duration::milliseconds(ms);
        let mut b = backend();
        b.failing_since = Some(t0);
        assert_eq!(b.state(at(1999)).status, "UP");
        assert_eq!(b.state(at(6000)).status, "UP 3/5");
        assert_eq!(b.state(at(9999)).status, "UP 4/5");
        assert_eq!(b.state(at(10_000)).status, "DOWN");
        b.recovered_at = Some(at(20_000));
        assert_eq!(b.state(at(22_000)).status, "DOWN 1/2");
        assert_eq!(b.state(at(24_000)).status, "UP");
    }

    #[test]
    fn a_blip_shorter_than_fall_checks_never_goes_down() {
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let mut b = backend();
        b.failing_since = Some(t0);
        b.recovered_at = Some(t0 + Duration::seconds(7));
        let s = b.state(t0 + Duration::seconds(8));
        assert_eq!((s.status.as_str(), s.chkdown), ("UP", 0));
    }
}

impl Overcloud {
    /// The controller whose backend of listen `name` HAProxy would send a request to now: the first
    /// whose check is up, on a node that is online, with the service's container running there.
    /// `None` is HAProxy's "no server is available".
    pub fn serving_backend(&self, name: &str, container: &str, now: SimTime) -> Option<&Backend> {
        let listen = self.haproxy.iter().find(|l| l.name == name)?;
        listen.servers.iter().find(|b| {
            let node_up = self.node(&b.node).is_some_and(|n| n.online);
            let running = self.container(&b.node, container).is_some_and(|c| c.state == RunState::Running && !c.hung);
            node_up && running && b.state(now).up
        })
    }
}
