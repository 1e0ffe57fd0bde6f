//! `ps` in any container: the container's processes (dumb-init, pacemaker_remoted, the service)
//! with deterministic PIDs derived from the container id, in the `-ef`, `aux` and plain forms.

use super::facts::{fnv, replica};
use super::galera::{galera_seqno, galera_state_uuid, gcomm};
use super::kind::Kind;
use crate::shell::output::Output;
use crate::sim::SimTime;
use crate::tripleo::model::*;
use crate::world::World;
use std::fmt::Write as _;

struct Proc {
    user: String,
    pid: u32,
    ppid: u32,
    start: SimTime,
    /// CPU use in hundredths of a percent of the uptime.
    cpu_rate: i64,
    vsz: u64,
    rss: u64,
    stat: &'static str,
    cmd: String,
}

/// The PID of a container's first service process (the redis-server, mysqld_safe...).
pub(super) fn service_pid(c: &Container) -> u32 {
    20 + (fnv(&c.id) % 70) as u32
}

fn processes(w: &World, node: &str, c: &Container, kind: Kind) -> Vec<Proc> {
    let o = &w.overcloud;
    let ip = o.node(node).map_or(String::new(), |n| n.internal_ip.clone());
    let start = c.started_at;
    let mut v = vec![];
    let mut add = |user: &str, pid: u32, ppid: u32, cpu_rate: i64, vsz: u64, rss: u64, stat: &'static str, cmd: String| {
        v.push(Proc { user: user.into(), pid, ppid, start, cpu_rate, vsz, rss, stat, cmd });
    };
    let init = if c.command.first().map(String::as_str) == Some("dumb-init") {
        c.command.join(" ")
    } else {
        format!("dumb-init --single-child -- {}", c.command.join(" "))
    };
    add("root", 1, 0, 0, 4_220, 336, "Ss", init);
    let b = service_pid(c);
    let stopped = |bundle: &str| replica(o, bundle, node).is_some_and(|r| r.role == "Stopped");
    match kind {
        Kind::Haproxy => {
            add("root", 8, 1, 0, 11_640, 1_524, "S", "/usr/sbin/haproxy-systemd-wrapper -f /etc/haproxy/haproxy.cfg".into());
            add("haproxy", 15, 8, 0, 66_372, 9_760, "S", "/usr/sbin/haproxy -f /etc/haproxy/haproxy.cfg -Ds".into());
            add("haproxy", 16, 15, 82, 68_996, 11_304, "Ss", "/usr/sbin/haproxy -f /etc/haproxy/haproxy.cfg -Ds".into());
        }
        Kind::Redis => {
            add("root", 8, 1, 4, 82_684, 6_912, "S", "/usr/sbin/pacemaker_remoted".into());
            if !stopped("redis-bundle") {
                add("redis", b, 1, 12, 156_400, 9_196, "Ssl", format!("/usr/bin/redis-server {ip}:6379"));
            }
        }
        Kind::Galera => {
            add("root", 8, 1, 4, 82_684, 6_912, "S", "/usr/sbin/pacemaker_remoted".into());
            let running = o.galera.get(node).is_some_and(|g| g.running) && !stopped("galera-bundle");
            if running {
                let gc = gcomm(o);
                add(
                    "root",
                    b,
                    1,
                    0,
                    115_384,
                    1_760,
                    "S",
                    format!("/bin/sh /usr/bin/mysqld_safe --defaults-file=/etc/my.cnf --pid-file=/var/run/mysql/mysqld.pid --socket=/var/lib/mysql/mysql.sock --datadir=/var/lib/mysql --log-error=/var/log/mysql/mysqld.log --user=mysql --open-files-limit=16384 --wsrep-cluster-address={gc}"),
                );
                add(
                    "mysql",
                    b + 97,
                    b,
                    300,
                    3_431_940,
                    812_644,
                    "Sl",
                    format!(
                        "/usr/libexec/mysqld --basedir=/usr --datadir=/var/lib/mysql --plugin-dir=/usr/lib64/mariadb/plugin --user=mysql --wsrep_on=ON --wsrep_provider=/usr/lib64/galera/libgalera_smm.so --wsrep-cluster-address={gc} --log-error=/var/log/mysql/mysqld.log --open-files-limit=16384 --pid-file=/var/run/mysql/mysqld.pid --socket=/var/lib/mysql/mysql.sock --port=3306 --wsrep_start_position={}:{}",
                        galera_state_uuid(o),
                        galera_seqno(w)
                    ),
                );
            }
        }
        Kind::Rabbit => {
            add("root", 8, 1, 4, 82_684, 6_912, "S", "/usr/sbin/pacemaker_remoted".into());
            let (erts, version) = if o.pacemaker == "2" { ("10.7.2.1", "3.8.3") } else { ("10.3.5.6", "3.7.23") };
            add("rabbitmq", b, 1, 0, 8_776, 1_180, "S", format!("/usr/lib64/erlang/erts-{erts}/bin/epmd -daemon"));
            let running =
                o.node(node).is_some_and(|n| n.online) && !o.rabbit.stopped.iter().any(|s| s == node) && !stopped("rabbitmq-bundle");
            if running {
                add("rabbitmq", b + 41, 1, 0, 11_692, 1_416, "S", "/bin/sh /usr/lib/rabbitmq/bin/rabbitmq-server".into());
                add(
                    "rabbitmq",
                    b + 49,
                    b + 41,
                    450,
                    4_811_348,
                    301_224,
                    "Sl",
                    format!(
                        "/usr/lib64/erlang/erts-{erts}/bin/beam.smp -W w -A 64 -MBas ageffcbf -MHas ageffcbf -MBlmbcs 512 -MHlmbcs 512 -MMmcs 30 -P 1048576 -t 5000000 -stbt db -zdbbl 128000 -K true -- -root /usr/lib64/erlang -progname erl -- -home /var/lib/rabbitmq -- -pa /usr/lib/rabbitmq/lib/rabbitmq_server-{version}/ebin -noshell -noinput -s rabbit boot -sname rabbit@{node} -boot start_sasl -kernel inet_default_connect_options [{{nodelay,true}}] -rabbit tcp_listeners [{{\"{ip}\",5672}}] -sasl errlog_type error -sasl sasl_error_logger false -rabbit lager_log_root \"/var/log/rabbitmq\" -rabbit lager_default_file \"/var/log/rabbitmq/rabbit@{node}.log\" -rabbit lager_upgrade_file \"/var/log/rabbitmq/rabbit@{node}_upgrade.log\" -rabbit enabled_plugins_file \"/etc/rabbitmq/enabled_plugins\" -rabbit plugins_dir \"/usr/lib/rabbitmq/plugins:/usr/lib/rabbitmq/lib/rabbitmq_server-{version}/plugins\" -rabbit plugins_expand_dir \"/var/lib/rabbitmq/mnesia/rabbit@{node}-plugins-expand\" -os_mon start_cpu_sup false -os_mon start_disksup false -os_mon start_memsup false -mnesia dir \"/var/lib/rabbitmq/mnesia/rabbit@{node}\" -kernel inet_dist_listen_min 25672 -kernel inet_dist_listen_max 25672 --"
                    ),
                );
                add("rabbitmq", b + 54, b + 49, 0, 4_196, 588, "Ss", "erl_child_setup 65536".into());
                add("rabbitmq", b + 81, b + 54, 0, 11_588, 924, "Ss", "inet_gethost 4".into());
                add("rabbitmq", b + 82, b + 81, 0, 13_712, 1_032, "S", "inet_gethost 4".into());
            }
        }
        Kind::OvnDbs => {
            add("root", 8, 1, 4, 82_684, 6_912, "S", "/usr/sbin/pacemaker_remoted".into());
            if !stopped("ovn-dbs-bundle") {
                for (k, (db, schema, table, port)) in
                    [("nb", "OVN_Northbound", "NB_Global", 6641), ("sb", "OVN_Southbound", "SB_Global", 6642)].iter().enumerate()
                {
                    add(
                        "root",
                        b + 3 * k as u32,
                        1,
                        30,
                        47_080,
                        12_204,
                        "S",
                        format!("ovsdb-server -vconsole:off -vfile:info --log-file=/var/log/openvswitch/ovsdb-server-{db}.log --remote=punix:/var/run/openvswitch/ovn{db}_db.sock --pidfile=/var/run/openvswitch/ovn{db}_db.pid --unixctl=ovn{db}_db.ctl --detach --monitor --remote=db:{schema},{table},connections --remote=ptcp:{port}:{ip} /etc/openvswitch/ovn{db}_db.db"),
                    );
                }
                if replica(o, "ovn-dbs-bundle", node).is_some_and(|r| r.role == "Master") {
                    add(
                        "root",
                        b + 9,
                        1,
                        20,
                        28_648,
                        4_516,
                        "S",
                        "ovn-northd -vconsole:emer -vsyslog:err -vfile:info --ovnnb-db=unix:/var/run/openvswitch/ovnnb_db.sock --ovnsb-db=unix:/var/run/openvswitch/ovnsb_db.sock --no-chdir --log-file=/var/log/openvswitch/ovn-northd.log --pidfile=/var/run/openvswitch/ovn-northd.pid --detach --monitor".into(),
                    );
                }
            }
        }
        Kind::CephMon => add(
            "ceph",
            b,
            1,
            150,
            1_029_876,
            421_308,
            "Sl",
            format!(
                "/usr/bin/ceph-mon --cluster ceph --setuser ceph --setgroup ceph -d -i {node} --mon-data /var/lib/ceph/mon/ceph-{node}"
            ),
        ),
        Kind::CephMgr => add(
            "ceph",
            b,
            1,
            250,
            1_512_064,
            502_916,
            "Sl",
            format!("/usr/bin/ceph-mgr --cluster ceph --setuser ceph --setgroup ceph -d -i {node}"),
        ),
        Kind::CinderVolume | Kind::Service => {
            let binary = c.api_binary.clone().unwrap_or_else(|| {
                let image = c.image.rsplit('/').next().unwrap_or(&c.image);
                let image = image.split(':').next().unwrap_or(image);
                image.strip_prefix("centos-binary-").unwrap_or(image).to_string()
            });
            let user = c.service.clone();
            match binary.as_str() {
                "keystone" | "horizon" | "nova-api" | "placement-api" | "cinder-api" => {
                    add("root", b, 1, 10, 331_548, 24_380, "Ss", "/usr/sbin/httpd -DFOREGROUND".into());
                    if binary != "horizon" {
                        add(&user, b + 11, b, 120, 1_028_320, 148_192, "Sl", format!("(wsgi:{binary}) -DFOREGROUND"));
                        add(&user, b + 12, b, 120, 1_028_320, 147_664, "Sl", format!("(wsgi:{binary}) -DFOREGROUND"));
                    }
                    add("apache", b + 15, b, 0, 333_676, 10_812, "S", "/usr/sbin/httpd -DFOREGROUND".into());
                    add("apache", b + 16, b, 0, 333_676, 10_812, "S", "/usr/sbin/httpd -DFOREGROUND".into());
                }
                "memcached" => add(
                    "memcache",
                    b,
                    1,
                    20,
                    1_143_744,
                    12_632,
                    "Ssl",
                    format!("/usr/bin/memcached -p 11211 -u memcached -m 1024 -c 8192 -l {ip} -U 0 -t 8"),
                ),
                "nova-libvirt" => add("root", b, 1, 40, 1_718_296, 37_604, "Sl", "/usr/sbin/libvirtd".into()),
                "ovn-controller" => add(
                    "root",
                    b,
                    1,
                    30,
                    223_556,
                    11_892,
                    "Sl",
                    "/usr/bin/ovn-controller --pidfile --log-file unix:/run/openvswitch/db.sock".into(),
                ),
                _ => {
                    add(&user, b, 1, 60, 427_340, 124_516, "Ss", format!("/usr/bin/python3 /usr/bin/{binary}"));
                    add(&user, b + 23, b, 40, 430_184, 121_052, "S", format!("/usr/bin/python3 /usr/bin/{binary}"));
                }
            }
        }
    }
    v
}

fn stime(t: SimTime, now: SimTime) -> String {
    if t.date_naive() == now.date_naive() {
        t.format("%H:%M").to_string()
    } else {
        t.format("%b%d").to_string()
    }
}

fn cpu_time(secs: i64) -> String {
    let (d, h, m, s) = (secs / 86_400, secs / 3_600 % 24, secs / 60 % 60, secs % 60);
    if d > 0 {
        format!("{d}-{h:02}:{m:02}:{s:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

pub(super) fn ps(w: &World, node: &str, container: &str, kind: Kind, argv: &[String]) -> Output {
    let now = w.now();
    let Some(c) = w.overcloud.container(node, container) else { return Output::fail(1, "error: no processes\n") };
    let mut procs = processes(w, node, c, kind);
    let own = argv.join(" ");
    let own_pid = 1_000 + (fnv(&format!("{}/ps", c.id)) % 150_000) as u32;
    procs.push(Proc { user: "root".into(), pid: own_pid, ppid: 0, start: now, cpu_rate: 0, vsz: 47_452, rss: 1_868, stat: "Rs", cmd: own });
    let args = &argv[1..];
    for a in args {
        if let Some(long) = a.strip_prefix("--") {
            if !matches!(long, "help" | "version" | "forest" | "no-headers" | "cols" | "columns" | "width") {
                return Output::fail(
                    1,
                    "error: unknown gnu long option\n\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1).\n",
                );
            }
        }
    }
    let flags: String = args.iter().map(|a| a.as_str()).collect::<Vec<_>>().join("");
    let bsd_user = args.iter().any(|a| !a.starts_with('-') && a.contains('u'));
    let full = flags.contains('f');
    let uptime = |p: &Proc| (now - p.start).num_seconds().max(0);
    let user = |u: &str| if u.chars().count() > 8 { format!("{}+", u.chars().take(7).collect::<String>()) } else { u.to_string() };
    let comm = |cmd: &str| {
        let first = cmd.split_whitespace().next().unwrap_or("");
        let base = if first.starts_with('(') { "httpd" } else { first.rsplit('/').next().unwrap_or(first) };
        base.chars().take(15).collect::<String>()
    };
    let mut out = String::new();
    if args.is_empty() {
        let _ = writeln!(out, "{:>5} {:<8} {:>8} CMD", "PID", "TTY", "TIME");
        let p = procs.last().expect("the ps process");
        let _ = writeln!(out, "{:>5} {:<8} {:>8} {}", p.pid, "?", cpu_time(0), comm(&p.cmd));
    } else if bsd_user {
        let _ = writeln!(
            out,
            "{:<8} {:>5} {:>4} {:>4} {:>6} {:>5} {:<8} {:<4} {:>5} {:>6} COMMAND",
            "USER", "PID", "%CPU", "%MEM", "VSZ", "RSS", "TTY", "STAT", "START", "TIME"
        );
        for p in &procs {
            let secs = uptime(p) * p.cpu_rate / 10_000;
            let mem = p.rss as f64 * 100.0 / 65_808_104.0;
            let _ = writeln!(
                out,
                "{:<8} {:>5} {:>4.1} {:>4.1} {:>6} {:>5} {:<8} {:<4} {:>5} {:>6} {}",
                user(&p.user),
                p.pid,
                p.cpu_rate as f64 / 100.0,
                mem,
                p.vsz,
                p.rss,
                "?",
                p.stat,
                stime(p.start, now),
                format!("{}:{:02}", secs / 60, secs % 60),
                p.cmd
            );
        }
    } else if full {
        let _ = writeln!(out, "{:<8} {:>7} {:>7} {:>2} {:>5} {:<8} {:>8} CMD", "UID", "PID", "PPID", "C", "STIME", "TTY", "TIME");
        for p in &procs {
            let _ = writeln!(
                out,
                "{:<8} {:>7} {:>7} {:>2} {:>5} {:<8} {:>8} {}",
                user(&p.user),
                p.pid,
                p.ppid,
                p.cpu_rate / 100,
                stime(p.start, now),
                "?",
                cpu_time(uptime(p) * p.cpu_rate / 10_000),
                p.cmd
            );
        }
    } else {
        let _ = writeln!(out, "{:>5} {:<8} {:>8} CMD", "PID", "TTY", "TIME");
        for p in &procs {
            let _ = writeln!(out, "{:>5} {:<8} {:>8} {}", p.pid, "?", cpu_time(uptime(p) * p.cpu_rate / 10_000), comm(&p.cmd));
        }
    }
    Output::ok(out)
}

#[cfg(test)]
mod tests {
    use crate::shell::exec::tests::*;

    #[test]
    fn ps_in_the_containers() {
        let mut w = world();
        let redis = ok(&mut w, "controller-0", "redis-bundle", "ps -efw");
        assert!(redis.starts_with("UID          PID    PPID  C STIME TTY          TIME CMD\nroot           1       0  0 Dec30 ?        00:00:00 dumb-init --single-child -- /bin/bash /usr/local/bin/kolla_start\n"), "{redis}");
        assert!(redis.contains(" 00:00 ?        00:00:00 ps -efw\n"), "{redis}");
        insta::assert_snapshot!("ps_redis", redis);
        insta::assert_snapshot!("ps_haproxy", ok(&mut w, "controller-0", "haproxy-bundle", "ps -efw"));
        insta::assert_snapshot!("ps_galera", ok(&mut w, "controller-0", "galera-bundle", "ps -ef"));
        insta::assert_snapshot!("ps_rabbitmq", ok(&mut w, "controller-0", "rabbitmq-bundle", "ps -efw"));
        insta::assert_snapshot!("ps_nova_scheduler", ok(&mut w, "controller-0", "nova_scheduler", "ps -efw"));
        insta::assert_snapshot!("ps_keystone", ok(&mut w, "controller-0", "keystone", "ps -ef"));
        insta::assert_snapshot!("ps_aux_redis", ok(&mut w, "controller-0", "redis-bundle", "ps aux"));
        // Same output every time; a container started today shows HH:MM.
        assert_eq!(ok(&mut w, "controller-0", "redis-bundle", "ps -efw"), ok(&mut w, "controller-0", "redis-bundle", "ps -efw"));
        w.advance_clock(chrono::Duration::hours(3));
        let c = container(&w, "controller-0", "nova_scheduler");
        let started = w.now() - chrono::Duration::minutes(30);
        w.overcloud.container_mut("controller-0", &c).unwrap().started_at = started;
        let after = ok(&mut w, "controller-0", "nova_scheduler", "ps -ef");
        assert!(after.contains(" 02:30 ?        00:00:00 dumb-init"), "{after}");
        assert!(after.contains(" 03:00 ?        00:00:00 ps -ef"), "{after}");
    }
}
