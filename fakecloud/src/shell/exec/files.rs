//! `cat FILE` inside a container: the config copies the container started with, the live bind
//! mounts (the container's own and its bundle's storage mappings), HAProxy's generated config.

use super::kind::Kind;
use crate::shell::output::Output;
use crate::tripleo::model::*;
use crate::world::World;
use std::fmt::Write as _;

/// A file as seen from inside the container.
fn container_file(w: &World, node: &str, c: &Container, kind: Kind, path: &str) -> Option<String> {
    let o = &w.overcloud;
    if kind == Kind::Haproxy && path == crate::tripleo::haproxy::CONTAINER_CONFIG_PATH {
        return Some(crate::tripleo::haproxy::config(o));
    }
    if path == "/etc/hostname" {
        return Some(format!("{node}\n"));
    }
    if let Some(host) = c.config_paths.iter().find(|(_, inside)| inside.as_str() == path).map(|(h, _)| h) {
        return c.applied.get(host).cloned();
    }
    // Bind mounts (the container's own and, for a bundle replica, its storage mappings) show the
    // host's file as it is now.
    let bundle_maps = o
        .cluster
        .resources
        .iter()
        .filter(|r| !r.container_prefix.is_empty() && c.name.starts_with(&format!("{}-", r.container_prefix)))
        .flat_map(|r| r.storage.iter().map(|s| (s.1.clone(), s.2.clone())));
    let maps: Vec<(String, String)> = c.mounts.iter().map(|m| (m.source.clone(), m.destination.clone())).chain(bundle_maps).collect();
    for (source, dest) in maps {
        let dest = dest.trim_end_matches('/');
        let rest = if path == dest { Some("") } else { path.strip_prefix(dest).filter(|r| r.starts_with('/')) };
        if let Some(rest) = rest {
            let host = format!("{}{rest}", source.trim_end_matches('/'));
            if let Some(text) = o.file(node, &host) {
                return Some(text.clone());
            }
        }
    }
    None
}

pub(super) fn cat(w: &World, node: &str, container: &str, kind: Kind, args: &[String]) -> Output {
    let Some(c) = w.overcloud.container(node, container) else { return Output::fail(1, "cat: no such container\n") };
    let mut out = Output::default();
    let mut options = true;
    for a in args {
        if options && a == "--" {
            options = false;
            continue;
        }
        if options && a.starts_with('-') && a.len() > 1 {
            continue;
        }
        match container_file(w, node, c, kind, a) {
            Some(text) => out.stdout.push_str(&text),
            None => {
                let _ = writeln!(out.stderr, "cat: {a}: No such file or directory");
                out.status = 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::shell::exec::tests::*;

    #[test]
    fn cat_reads_the_started_with_config() {
        let mut w = world();
        let nova = ok(&mut w, "controller-0", "nova_scheduler", "cat /etc/nova/nova.conf");
        insta::assert_snapshot!("cat_nova_conf", nova);
        // An edit on the host shows in the live source mount, not in the started-with copy.
        let host = "/var/lib/config-data/puppet-generated/nova/etc/nova/nova.conf";
        let edited = nova.replace("debug=False", "debug=True");
        w.overcloud.files.get_mut("controller-0").unwrap().insert(host.into(), edited.clone());
        assert_eq!(ok(&mut w, "controller-0", "nova_scheduler", "cat /etc/nova/nova.conf"), nova);
        assert_eq!(ok(&mut w, "controller-0", "nova_scheduler", "cat /var/lib/kolla/config_files/src/etc/nova/nova.conf"), edited);
        assert_eq!(
            ok(&mut w, "controller-0", "haproxy-bundle", "cat /etc/haproxy/haproxy.cfg"),
            crate::tripleo::haproxy::config(&w.overcloud)
        );
        assert_eq!(ok(&mut w, "controller-1", "nova_api", "cat /etc/hostname"), "controller-1\n");
        let missing = exec(&mut w, "controller-0", "nova_scheduler", "cat /etc/nova/nope.conf");
        assert_eq!((missing.status, missing.stderr.as_str()), (1, "cat: /etc/nova/nope.conf: No such file or directory\n"));
        let missing = exec(&mut w, "controller-0", "nova_scheduler", "cat /etc/haproxy/haproxy.cfg");
        assert_eq!(missing.status, 1);
    }
}
