//! Nova's legacy surfaces: the `extensions` list (frozen since microversions replaced
//! extensions), the network proxies to Neutron (`os-networks`, `os-tenant-networks`, gone from
//! 2.36), and `os-server-external-events`, through which Neutron and Cinder tell Nova about a
//! server's ports and volumes.

use super::common::{check_schema, not_found, reply, ApiResult, Nova, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::JsonBody;
use crate::http::microversion::{Microversion, Version};
use crate::network::model::{Net, Viewer};
use crate::policy::{enforce, Target};
use crate::world::World;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{json, Value};

/// The v2.1 API's extensions (alias, name), as Nova still lists them.
const EXTENSIONS: &[(&str, &str)] = &[
    ("os-access-ips", "AccessIPs"),
    ("os-admin-actions", "AdminActions"),
    ("os-admin-password", "AdminPassword"),
    ("os-aggregates", "Aggregates"),
    ("os-assisted-volume-snapshots", "AssistedVolumeSnapshots"),
    ("os-attach-interfaces", "AttachInterfaces"),
    ("os-availability-zone", "AvailabilityZone"),
    ("os-block-device-mapping", "BlockDeviceMapping"),
    ("os-config-drive", "ConfigDrive"),
    ("os-console-auth-tokens", "ConsoleAuthTokens"),
    ("os-console-output", "ConsoleOutput"),
    ("os-consoles", "Consoles"),
    ("os-create-backup", "CreateBackup"),
    ("os-deferred-delete", "DeferredDelete"),
    ("os-disk-config", "DiskConfig"),
    ("os-evacuate", "Evacuate"),
    ("os-extended-availability-zone", "ExtendedAvailabilityZone"),
    ("os-extended-server-attributes", "ExtendedServerAttributes"),
    ("os-extended-status", "ExtendedStatus"),
    ("os-extended-volumes", "ExtendedVolumes"),
    ("os-flavor-access", "FlavorAccess"),
    ("os-flavor-extra-specs", "FlavorExtraSpecs"),
    ("os-flavor-manage", "FlavorManage"),
    ("os-flavor-rxtx", "FlavorRxtx"),
    ("os-hide-server-addresses", "HideServerAddresses"),
    ("os-hosts", "Hosts"),
    ("os-hypervisors", "Hypervisors"),
    ("os-instance-actions", "InstanceActions"),
    ("os-instance-usage-audit-log", "OSInstanceUsageAuditLog"),
    ("os-keypairs", "Keypairs"),
    ("os-lock-server", "LockServer"),
    ("os-migrate-server", "MigrateServer"),
    ("os-migrations", "Migrations"),
    ("os-multinic", "Multinic"),
    ("os-networks", "Networks"),
    ("os-pause-server", "PauseServer"),
    ("os-quota-class-sets", "QuotaClasses"),
    ("os-quota-sets", "Quotas"),
    ("os-remote-consoles", "RemoteConsoles"),
    ("os-rescue", "Rescue"),
    ("os-security-groups", "SecurityGroups"),
    ("os-server-diagnostics", "ServerDiagnostics"),
    ("os-server-external-events", "ServerExternalEvents"),
    ("os-server-groups", "ServerGroups"),
    ("os-server-password", "ServerPassword"),
    ("os-server-usage", "ServerUsage"),
    ("os-services", "Services"),
    ("os-shelve", "Shelve"),
    ("os-simple-tenant-usage", "SimpleTenantUsage"),
    ("os-suspend-server", "SuspendServer"),
    ("os-tenant-networks", "OSTenantNetworks"),
    ("os-used-limits", "UsedLimits"),
    ("os-user-data", "UserData"),
    ("os-volumes", "Volumes"),
    ("flavors", "Flavors"),
    ("ips", "Ips"),
    ("limits", "Limits"),
    ("servers", "Servers"),
    ("versions", "Versions"),
];

fn extension(alias: &str, name: &str) -> Value {
    json!({"alias": alias, "name": name, "namespace": "http://docs.openstack.org/compute/ext/fake_xml",
           "updated": "2014-12-03T00:00:00Z", "description": format!("{name} support."), "links": []})
}

pub async fn extensions(caller: Caller, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:extensions", Target::default())?;
    let items: Vec<Value> = EXTENSIONS.iter().map(|(a, n)| extension(a, n)).collect();
    Ok(reply(v, StatusCode::OK, json!({ "extensions": items })))
}

pub async fn show_extension(caller: Caller, Path(alias): Path<String>, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:extensions", Target::default())?;
    let (a, n) = EXTENSIONS.iter().find(|(a, _)| *a == alias).ok_or_else(|| not_found("The resource could not be found."))?;
    Ok(reply(v, StatusCode::OK, json!({"extension": extension(a, n)})))
}

// ---- the network proxies ----

fn gone_from_2_36(v: Version) -> Result<(), ApiError> {
    if v.at_least(2, 36) {
        return Err(not_found("The resource could not be found."));
    }
    Ok(())
}

fn viewer(caller: &Caller) -> Viewer {
    if caller.is_admin() {
        Viewer::admin()
    } else {
        Viewer::project(caller.project_id.as_deref().unwrap_or_default())
    }
}

/// The networks a caller's Neutron list shows, in Nova's `id`/`label`/`cidr` terms (the cidr of the
/// network's first subnet).
fn visible_networks<'a>(w: &'a World, caller: &Caller) -> Vec<&'a Net> {
    let v = viewer(caller);
    w.network.networks.values().filter(|n| w.network.network_visible(&v, n)).collect()
}

fn cidr(w: &World, net: &Net) -> Option<String> {
    w.network.subnets.values().find(|s| s.network_id == net.id).map(|s| s.cidr.to_string())
}

fn brief(w: &World, net: &Net) -> Value {
    json!({"id": net.id, "label": net.name, "cidr": cidr(w, net)})
}

/// `os-networks` shows an admin nova-network's full record, with what Neutron has no notion of
/// left empty.
fn full(w: &World, net: &Net, admin: bool) -> Value {
    let mut o = brief(w, net);
    if admin {
        for k in [
            "bridge",
            "bridge_interface",
            "broadcast",
            "cidr_v6",
            "created_at",
            "deleted_at",
            "dhcp_server",
            "dhcp_start",
            "dns1",
            "dns2",
            "gateway",
            "gateway_v6",
            "host",
            "netmask",
            "netmask_v6",
            "priority",
            "project_id",
            "rxtx_base",
            "updated_at",
            "vlan",
            "vpn_private_address",
            "vpn_public_address",
            "vpn_public_port",
        ] {
            o[k] = Value::Null;
        }
        o["deleted"] = json!(false);
        o["enable_dhcp"] = json!(true);
        o["injected"] = json!(false);
        o["multi_host"] = json!(false);
        o["share_address"] = json!(false);
        o["mtu"] = json!(net.mtu);
    }
    o
}

pub async fn networks(State(s): State<AppState>, caller: Caller, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    gone_from_2_36(v)?;
    enforce(SVC, &caller, "os_compute_api:os-networks:list", Target { project_id: caller.project_id.as_deref(), user_id: None })?;
    let w = s.world();
    let items: Vec<Value> = visible_networks(&w, &caller).into_iter().map(|n| full(&w, n, caller.is_admin())).collect();
    Ok(reply(v, StatusCode::OK, json!({ "networks": items })))
}

fn network_for<'a>(w: &'a World, caller: &Caller, id: &str) -> Result<&'a Net, ApiError> {
    visible_networks(w, caller).into_iter().find(|n| n.id == id).ok_or_else(|| not_found(format!("Network {id} could not be found.")))
}

pub async fn show_network(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    gone_from_2_36(v)?;
    enforce(SVC, &caller, "os_compute_api:os-networks:show", Target { project_id: caller.project_id.as_deref(), user_id: None })?;
    let w = s.world();
    let n = network_for(&w, &caller, &id)?;
    Ok(reply(v, StatusCode::OK, json!({"network": full(&w, n, caller.is_admin())})))
}

pub async fn tenant_networks(State(s): State<AppState>, caller: Caller, Microversion(v, ..): Microversion<Nova>) -> ApiResult {
    gone_from_2_36(v)?;
    enforce(SVC, &caller, "os_compute_api:os-tenant-networks:list", Target { project_id: caller.project_id.as_deref(), user_id: None })?;
    let w = s.world();
    let items: Vec<Value> = visible_networks(&w, &caller).into_iter().map(|n| brief(&w, n)).collect();
    Ok(reply(v, StatusCode::OK, json!({ "networks": items })))
}

pub async fn show_tenant_network(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    gone_from_2_36(v)?;
    enforce(SVC, &caller, "os_compute_api:os-tenant-networks:show", Target { project_id: caller.project_id.as_deref(), user_id: None })?;
    let w = s.world();
    let n = network_for(&w, &caller, &id)?;
    Ok(reply(v, StatusCode::OK, json!({"network": brief(&w, n)})))
}

// ---- external events ----

const EVENT_NAMES: &[&str] = &[
    "network-changed",
    "network-vif-plugged",
    "network-vif-unplugged",
    "network-vif-deleted",
    "volume-extended",
    "power-update",
    "accelerator-request-bound",
    "volume-reimaged",
];

/// `POST /os-server-external-events`: each event is accepted (200) for a server that exists and
/// has a host, 404 otherwise, 422 for one not yet on a host; the reply is 404 only when none was
/// accepted.
pub async fn external_events(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-server-external-events:create", Target::default())?;
    let schema = json!({"type": "object", "properties": {"events": {"type": "array", "minItems": 1, "items": {"type": "object",
        "properties": {"server_uuid": {"type": "string", "format": "uuid"}, "name": {"type": "string", "enum": EVENT_NAMES},
                       "status": {"type": "string", "enum": ["failed", "completed", "in-progress"]}, "tag": {"type": "string", "maxLength": 255}},
        "required": ["server_uuid", "name"], "additionalProperties": false}}}, "required": ["events"], "additionalProperties": false});
    check_schema(&body, &schema)?;
    let w = s.world();
    let mut accepted = 0;
    let events: Vec<Value> = body["events"]
        .as_array()
        .expect("checked")
        .iter()
        .map(|e| {
            let mut out = e.clone();
            if out.get("status").is_none() {
                out["status"] = json!("completed");
            }
            let code = match w.compute.server(e["server_uuid"].as_str().unwrap_or_default()) {
                Some(srv) if srv.host.is_some() => {
                    accepted += 1;
                    200
                }
                Some(_) => 422,
                None => 404,
            };
            out["code"] = json!(code);
            out
        })
        .collect();
    if accepted == 0 {
        return Err(not_found("No instances found for any event"));
    }
    // Some refused: Nova answers 207 Multi-Status with each event's own code.
    let status = if accepted == events.len() { StatusCode::OK } else { StatusCode::MULTI_STATUS };
    Ok(reply(v, status, json!({ "events": events })))
}
