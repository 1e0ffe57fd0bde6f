//! What Galera reports about the node `mysql` runs on: its wsrep status and settings, and the
//! cluster address, state UUID and seqno that `ps` shows on mysqld's command line.

use super::facts::{controllers, fnv, uuid_from};
use super::kind::{kind_of, Kind};
use crate::tripleo::model::*;
use crate::world::World;

pub(super) fn gcomm(o: &Overcloud) -> String {
    format!("gcomm://{}", controllers(o).iter().map(|n| format!("{}.internalapi.localdomain", n.name)).collect::<Vec<_>>().join(","))
}

/// The nodes of the Primary component, in index order.
fn galera_members(o: &Overcloud) -> Vec<&Node> {
    controllers(o)
        .into_iter()
        .filter(|n| n.online && o.galera.get(&n.name).is_some_and(|g| g.running && g.cluster_status == "Primary"))
        .collect()
}

pub(super) fn galera_state_uuid(o: &Overcloud) -> String {
    uuid_from(&format!("galera/{}/{}", o.cluster.name, controllers(o).iter().map(|n| n.name.as_str()).collect::<Vec<_>>().join(",")))
}

/// The cluster's last committed seqno: it grows with the uptime.
pub(super) fn galera_seqno(w: &World) -> i64 {
    let o = &w.overcloud;
    let up = controllers(o)
        .iter()
        .flat_map(|n| n.containers.values())
        .filter(|c| kind_of(o, &c.name) == Kind::Galera)
        .map(|c| c.created_at)
        .min()
        .unwrap_or_else(|| w.now());
    48_213 + (w.now() - up).num_seconds().max(0) * 3
}

pub(super) fn wsrep_status(w: &World, node: &str) -> Vec<(String, String)> {
    const UNSET: &str = "18446744073709551615";
    let o = &w.overcloud;
    let g = o.galera.get(node).cloned().unwrap_or(GaleraNode {
        state_comment: "Initialized".into(),
        cluster_status: "Disconnected".into(),
        evs_state: "CLOSED".into(),
        running: true,
    });
    let me = o.node(node);
    let ip = me.map_or(String::new(), |n| n.internal_ip.clone());
    let members = galera_members(o);
    let in_primary = members.iter().any(|n| n.name == node);
    let ctrl_count = controllers(o).len();
    let (size, conf_id, index, incoming) = if g.cluster_status == "Disconnected" {
        ("0".to_string(), UNSET.to_string(), UNSET.to_string(), String::new())
    } else if !in_primary {
        ("1".to_string(), UNSET.to_string(), "0".to_string(), format!("{ip}:3306"))
    } else {
        let idx = members.iter().position(|n| n.name == node).unwrap_or(0);
        (
            members.len().to_string(),
            (ctrl_count + 2 * (ctrl_count - members.len())).to_string(),
            idx.to_string(),
            members.iter().map(|n| format!("{}:3306", n.internal_ip)).collect::<Vec<_>>().join(","),
        )
    };
    let state = match g.state_comment.as_str() {
        "Synced" => 4,
        "Donor/Desynced" => 2,
        "Joined" => 3,
        s if s.starts_with("Joining") => 1,
        _ => 0,
    };
    let primary = g.cluster_status == "Primary";
    let on_off = |b: bool| if b { "ON" } else { "OFF" }.to_string();
    let seqno = galera_seqno(w);
    let seqno = if primary { seqno } else { seqno - 1_375 };
    let uuid = galera_state_uuid(o);
    let n = |v: i64| v.to_string();
    let h = (fnv(node) % 97) as i64;
    let mut rows: Vec<(&str, String)> = vec![
        ("wsrep_applier_thread_count", "1".into()),
        ("wsrep_apply_oooe", "0.000000".into()),
        ("wsrep_apply_oool", "0.000000".into()),
        ("wsrep_apply_window", "1.000000".into()),
        ("wsrep_causal_reads", "0".into()),
        ("wsrep_cert_deps_distance", "48.132012".into()),
        ("wsrep_cert_index_size", "72".into()),
        ("wsrep_cert_interval", "0.000000".into()),
        ("wsrep_cluster_conf_id", conf_id),
        ("wsrep_cluster_size", size.clone()),
        ("wsrep_cluster_state_uuid", uuid.clone()),
        ("wsrep_cluster_status", g.cluster_status.clone()),
        ("wsrep_cluster_weight", if primary { size } else { "0".into() }),
        ("wsrep_commit_oooe", "0.000000".into()),
        ("wsrep_commit_oool", "0.000000".into()),
        ("wsrep_commit_window", "1.000000".into()),
        ("wsrep_connected", on_off(g.cluster_status != "Disconnected")),
        ("wsrep_desync_count", if g.state_comment == "Donor/Desynced" { "1" } else { "0" }.into()),
        ("wsrep_evs_delayed", String::new()),
        ("wsrep_evs_evict_list", String::new()),
        ("wsrep_evs_repl_latency", "0.000238207/0.000397251/0.000684135/0.000104813/11".into()),
        ("wsrep_evs_state", g.evs_state.clone()),
        ("wsrep_flow_control_paused", "0.000000".into()),
        ("wsrep_flow_control_paused_ns", "0".into()),
        ("wsrep_flow_control_recv", "0".into()),
        ("wsrep_flow_control_sent", "0".into()),
        ("wsrep_gcomm_uuid", uuid_from(&format!("gcomm/{node}"))),
        ("wsrep_incoming_addresses", incoming),
        ("wsrep_last_committed", n(seqno)),
        ("wsrep_local_bf_aborts", "0".into()),
        ("wsrep_local_cached_downto", n((seqno - 21_840).max(1))),
        ("wsrep_local_cert_failures", "0".into()),
        ("wsrep_local_commits", n(seqno / 3 + h)),
        ("wsrep_local_index", index),
        ("wsrep_local_recv_queue", "0".into()),
        ("wsrep_local_recv_queue_avg", "0.009302".into()),
        ("wsrep_local_recv_queue_max", "4".into()),
        ("wsrep_local_recv_queue_min", "0".into()),
        ("wsrep_local_replays", "0".into()),
        ("wsrep_local_send_queue", "0".into()),
        ("wsrep_local_send_queue_avg", "0.000212".into()),
        ("wsrep_local_send_queue_max", "2".into()),
        ("wsrep_local_send_queue_min", "0".into()),
        ("wsrep_local_state", state.to_string()),
        ("wsrep_local_state_comment", g.state_comment.clone()),
        ("wsrep_local_state_uuid", uuid),
        ("wsrep_open_connections", "0".into()),
        ("wsrep_open_transactions", "0".into()),
        ("wsrep_protocol_version", "9".into()),
        ("wsrep_provider_capabilities", ":MULTI_MASTER:CERTIFICATION:PARALLEL_APPLYING:TRX_REPLAY:ISOLATION:PAUSE:CAUSAL_READS:INCREMENTAL_WRITESET:UNORDERED:PREORDERED:".into()),
        ("wsrep_provider_name", "Galera".into()),
        ("wsrep_provider_vendor", "Codership Oy <info@codership.com>".into()),
        ("wsrep_provider_version", "3.28(rb98f92f)".into()),
        ("wsrep_ready", on_off(g.state_comment == "Synced" && primary)),
        ("wsrep_received", n(seqno * 2 / 3 + h)),
        ("wsrep_received_bytes", n(seqno * 611)),
        ("wsrep_repl_data_bytes", n(seqno * 214)),
        ("wsrep_repl_keys", n(seqno)),
        ("wsrep_repl_keys_bytes", n(seqno * 32)),
        ("wsrep_repl_other_bytes", "0".into()),
        ("wsrep_replicated", n(seqno / 3 + h)),
        ("wsrep_replicated_bytes", n(seqno * 301)),
        ("wsrep_rollbacker_thread_count", "1".into()),
        ("wsrep_thread_count", "2".into()),
    ];
    rows.sort_by(|a, b| a.0.cmp(b.0));
    rows.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

pub(super) fn wsrep_variables(o: &Overcloud, node: &str) -> Vec<(String, String)> {
    let ip = o.node(node).map_or(String::new(), |n| n.internal_ip.clone());
    [
        ("wsrep_cluster_address", gcomm(o)),
        ("wsrep_cluster_name", "galera_cluster".to_string()),
        ("wsrep_node_address", ip),
        ("wsrep_node_name", format!("{node}.internalapi.localdomain")),
        ("wsrep_on", "ON".into()),
        ("wsrep_provider", "/usr/lib64/galera/libgalera_smm.so".into()),
        ("wsrep_slave_threads", "1".into()),
        ("wsrep_sst_method", "rsync".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

#[cfg(test)]
mod tests {
    use crate::shell::exec::tests::*;
    use serde_json::json;

    #[test]
    fn galera_desync_shows_donor() {
        let mut w = world();
        fault(&mut w, json!({"kind": "galera-desync", "node": "controller-0"}));
        let out = ok(&mut w, "controller-0", "galera-bundle", WSREP);
        assert!(out.contains("| wsrep_local_state_comment     | Donor/Desynced"), "{out}");
        insta::assert_snapshot!("galera_desync_controller_0", out);
    }

    #[test]
    fn galera_non_primary_on_its_node_and_the_rest_shrinks() {
        let mut w = world();
        fault(&mut w, json!({"kind": "galera-non-primary", "node": "controller-2"}));
        let out = ok(&mut w, "controller-2", "galera-bundle", WSREP);
        assert!(out.contains("| wsrep_cluster_status          | non-Primary"), "{out}");
        insta::assert_snapshot!("galera_non_primary_controller_2", out);
        let rest = ok(&mut w, "controller-0", "galera-bundle", "mysql -B -N -e \"SHOW STATUS LIKE 'wsrep_cluster_s%'\"");
        assert!(rest.contains("wsrep_cluster_size\t2\n") && rest.contains("wsrep_cluster_status\tPrimary\n"), "{rest}");
    }
}
