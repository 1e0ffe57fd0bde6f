//! `/servers`: list (with Nova's filters, all_tenants policy and marker pagination), show, create,
//! update, delete and the power actions.

use super::block_device_mapping;
use super::common::{bad, empty, not_found, reply, reply_bytes, visible, ApiResult, Nova, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::compute::lifecycle::{Refused, ServerAction, ServerRequest};
use crate::compute::model::Server;
use crate::compute::{view_cache, views};
use crate::flows::volume_attachments::VolumeCaller;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::http::microversion::{Microversion, Version};
use crate::policy::{enforce, Target};
use crate::world::World;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use regex::RegexBuilder;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Nova's `api.max_limit`.
const MAX_LIMIT: usize = 1000;

/// The query parameters Nova's list schema knows; from 2.75 anything else is a 400.
const KNOWN_PARAMS: &[&str] = &[
    "all_tenants",
    "project_id",
    "tenant_id",
    "user_id",
    "name",
    "status",
    "host",
    "node",
    "image",
    "flavor",
    "ip",
    "ip6",
    "changes-since",
    "changes-before",
    "deleted",
    "limit",
    "marker",
    "sort_key",
    "sort_dir",
    "availability_zone",
    "tags",
    "tags-any",
    "not-tags",
    "not-tags-any",
    "locked",
    "config_drive",
    "key_name",
    "reservation_id",
    "launched_at",
    "terminated_at",
    "uuid",
    "vm_state",
    "task_state",
    "power_state",
    "hostname",
    "access_ip_v4",
    "access_ip_v6",
    "created_at",
    "description",
    "display_name",
    "display_description",
    "progress",
    "root_device_name",
    "kernel_id",
    "ramdisk_id",
    "launch_index",
    "auto_disk_config",
    "pinned_availability_zone",
    "fields",
];

const STATUSES: &[&str] = &[
    "ACTIVE",
    "BUILD",
    "SHUTOFF",
    "ERROR",
    "REBOOT",
    "HARD_REBOOT",
    "DELETED",
    "PAUSED",
    "SUSPENDED",
    "SHELVED",
    "SHELVED_OFFLOADED",
    "RESIZE",
    "VERIFY_RESIZE",
    "MIGRATING",
    "RESCUE",
    "SOFT_DELETED",
    "UNKNOWN",
    "PASSWORD",
    "REVERT_RESIZE",
    "REBUILD",
];

fn truthy(v: &str) -> bool {
    !matches!(v.to_ascii_lowercase().as_str(), "false" | "0" | "no" | "off" | "f" | "n")
}

fn refused(r: Refused) -> ApiError {
    ApiError::new(SVC, StatusCode::from_u16(r.0).unwrap_or(StatusCode::BAD_REQUEST), r.1)
}

/// A page of servers: views rendered (or taken from the cache) under the world's lock, joined after it.
enum Listing {
    Brief {
        body: Vec<u8>,
        key: view_cache::PageKey,
        store: view_cache::PageStore,
    },
    Detail {
        views: Vec<Bytes>,
        links: Option<Value>,
        key: view_cache::PageKey,
        store: view_cache::PageStore,
    },
    /// A page served before for the same key (see `view_cache::PageKey`).
    Cached(Bytes),
}

impl Listing {
    fn into_body(self) -> Bytes {
        let (views, links, key, store) = match self {
            Listing::Brief { body, key, store } => {
                let page = Bytes::from(body);
                store.put(key, page.clone());
                return page;
            }
            Listing::Cached(page) => return page,
            Listing::Detail { views, links, key, store } => (views, links, key, store),
        };
        let mut out = Vec::with_capacity(64 + views.iter().map(|v| v.len() + 1).sum::<usize>());
        out.extend_from_slice(b"{\"servers\":[");
        for (i, view) in views.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(view);
        }
        out.push(b']');
        if let Some(links) = links {
            out.extend_from_slice(b",\"servers_links\":");
            out.extend_from_slice(links.to_string().as_bytes());
        }
        out.push(b'}');
        let page = Bytes::from(out);
        store.put(key, page.clone());
        page
    }
}

/// Shared by `/servers` and `/servers/detail`.
fn list_servers(w: &World, caller: &Caller, params: &Params, v: Version, detail: bool, base: &str) -> Result<Listing, ApiError> {
    let action = if detail { "os_compute_api:servers:detail" } else { "os_compute_api:servers:index" };
    enforce(SVC, caller, action, Target { project_id: caller.project_id.as_deref(), user_id: None })?;
    if v.at_least(2, 75) {
        if let Some((k, _)) = params.0.iter().find(|(k, _)| !KNOWN_PARAMS.contains(&k.as_str())) {
            return Err(bad(format!(
                "Invalid input for query parameters {k}. Value: {k}. Additional properties are not allowed ('{k}' was unexpected)"
            )));
        }
    }
    let all_tenants = params.get("all_tenants").is_some_and(truthy);
    if all_tenants {
        enforce(SVC, caller, &format!("{action}:get_all_tenants"), Target::default())?;
    }
    let admin = caller.is_admin();
    // The same listing at the same revision, for the same kind of caller, is the same page.
    let statuses = if detail { views::host_statuses(w, v, admin).into_iter().map(|(_, s)| s).collect() } else { Vec::new() };
    let page_key = w.renders.page_key(detail, &params.0, &view_cache::Request { v, admin, base }, caller.project_id.as_deref(), statuses);
    if let Some(page) = w.renders.page(&page_key) {
        return Ok(Listing::Cached(page));
    }
    let limit = match params.get("limit") {
        Some(l) => {
            let n: i64 = l.parse().map_err(|_| bad("limit param must be an integer"))?;
            if n < 0 {
                return Err(bad("limit param must be positive"));
            }
            (n as usize).min(MAX_LIMIT)
        }
        None => MAX_LIMIT,
    };
    let after = match params.get("marker") {
        Some(m) => Some(
            w.compute
                .server(m)
                .filter(|s| all_tenants || Some(&s.project_id) == caller.project_id.as_ref())
                .map(|s| s.seq)
                .ok_or_else(|| bad(format!("marker [{m}] not found")))?,
        ),
        None => None,
    };
    let mut status = params.get("status").map(|s| s.to_ascii_uppercase());
    if let Some(s) = status.as_ref().filter(|s| !STATUSES.contains(&s.as_str())) {
        // From 2.38 an unknown status is a 400; before, it matches no server (an empty list).
        if v.at_least(2, 38) {
            return Err(bad(format!("Invalid status value: {s}")));
        }
        status = Some(String::new());
    }
    let name = params
        .get("name")
        .map(|n| {
            RegexBuilder::new(n).size_limit(1 << 20).build().map_err(|_| bad(format!("Invalid regular expression in name filter: {n}")))
        })
        .transpose()?;
    // Project filters apply with all_tenants; without it a caller only ever sees its own project.
    let project =
        if all_tenants { params.get("project_id").or(params.get("tenant_id")).map(str::to_string) } else { caller.project_id.clone() };
    // changes-since (and from 2.66 changes-before): servers updated in that window.
    let window = super::paging::ChangesWindow::read(&params, v)?;
    let (since, before) = (window.since, window.before);
    // ip and ip6: a regular expression searched in the server's fixed addresses of that family.
    let address_filter = |key: &str| {
        params
            .get(key)
            .map(|p| {
                RegexBuilder::new(p)
                    .size_limit(1 << 20)
                    .build()
                    .map_err(|_| bad(format!("Invalid regular expression in {key} filter: {p}")))
            })
            .transpose()
    };
    let ip4 = address_filter("ip")?;
    let ip6 = if v.at_least(2, 5) || admin { address_filter("ip6")? } else { None };
    let address_matches = |s: &Server, re: &regex::Regex, v6: bool| {
        w.network
            .ports
            .values()
            .filter(|p| p.device_id == s.id)
            .flat_map(|p| p.fixed_ips.iter())
            .any(|f| f.ip_address.is_ipv6() == v6 && re.is_match(&f.ip_address.to_string()))
    };
    // Filters only an admin may use are silently dropped for others, as Nova does.
    let host = params.get("host").filter(|_| admin);
    let deleted = params.get("deleted").is_some_and(truthy);
    let matches = |s: &&Server| {
        !deleted
            && project.as_ref().is_none_or(|p| &s.project_id == p)
            && status.as_deref().is_none_or(|st| s.status() == st)
            && name.as_ref().is_none_or(|re| re.is_match(&s.name))
            && host.is_none_or(|h| s.host.as_deref() == Some(h))
            && params.get("flavor").is_none_or(|f| s.flavor_id == f)
            && params.get("image").is_none_or(|i| s.image_id == i)
            && params.get("uuid").is_none_or(|u| s.id == u)
            && params.get("key_name").is_none_or(|k| s.key_name.as_deref() == Some(k))
            && params.get("reservation_id").is_none_or(|r| s.reservation() == r)
            && since.is_none_or(|t| s.updated_at >= t)
            && before.is_none_or(|t| s.updated_at <= t)
            && ip4.as_ref().is_none_or(|re| address_matches(s, re, false))
            && ip6.as_ref().is_none_or(|re| address_matches(s, re, true))
            && params.get("availability_zone").is_none_or(|z| s.host.as_deref().and_then(|h| w.compute.host(h)).is_some_and(|h| h.az == z))
    };
    let page: Vec<&Server> = w.compute.newest_first(after).filter(matches).take(limit).collect();
    let mut links = None;
    if limit > 0 && page.len() == limit {
        let last = &page[page.len() - 1].id;
        let path = if detail { "servers/detail" } else { "servers" };
        let mut query: Vec<(String, String)> = params.0.iter().filter(|(k, _)| k != "marker" && k != "limit").cloned().collect();
        query.push(("limit".into(), limit.to_string()));
        query.push(("marker".into(), last.clone()));
        let qs = form_urlencoded::Serializer::new(String::new()).extend_pairs(query).finish();
        links = Some(json!([{"rel": "next", "href": format!("{base}/compute/v2.1/{path}?{qs}")}]));
    }
    if detail {
        let views = views::cached_server_views(&w, &page, &view_cache::Request { v, admin, base });
        return Ok(Listing::Detail { views, links, key: page_key, store: w.renders.page_store() });
    }
    let servers: Vec<Value> = page.iter().map(|s| views::server_brief(s, base)).collect();
    let store = w.renders.page_store();
    serde_json::to_vec(&Page { servers, servers_links: links })
        .map(|body| Listing::Brief { body, key: page_key, store })
        .map_err(|e| ApiError::new(SVC, StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

#[derive(serde::Serialize)]
struct Page<T: serde::Serialize> {
    servers: Vec<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    servers_links: Option<Value>,
}

pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let listing = list_servers(&s.world(), &caller, &params, v, false, &base)?;
    Ok(reply_bytes(v, listing.into_body()))
}

pub async fn list_detail(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let listing = list_servers(&s.world(), &caller, &params, v, true, &base)?;
    Ok(reply_bytes(v, listing.into_body()))
}

/// A server the caller may see: its own project's, or any for an admin. Others are 404, not 403.
pub async fn show(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let w = s.world();
    let server = visible(&w, &caller, &id)?;
    enforce(SVC, &caller, "os_compute_api:servers:show", Target { project_id: Some(&server.project_id), user_id: None })?;
    Ok(reply(v, StatusCode::OK, json!({"server": views::server(&w, server, v, caller.is_admin(), &base)})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    server: CreateServer,
    #[serde(rename = "OS-SCH-HNT:scheduler_hints", alias = "os:scheduler_hints", default)]
    scheduler_hints: Option<BTreeMap<String, Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateServer {
    name: String,
    #[serde(rename = "imageRef", default)]
    image_ref: Option<String>,
    #[serde(rename = "flavorRef")]
    flavor_ref: Value,
    #[serde(default)]
    networks: Option<Value>,
    #[serde(default)]
    availability_zone: Option<String>,
    #[serde(default)]
    key_name: Option<String>,
    #[serde(default)]
    metadata: Option<BTreeMap<String, String>>,
    #[serde(default)]
    security_groups: Option<Vec<NamedRef>>,
    #[serde(default)]
    min_count: Option<u32>,
    #[serde(default)]
    max_count: Option<u32>,
    #[serde(default)]
    user_data: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    config_drive: Option<Value>,
    #[serde(rename = "OS-DCF:diskConfig", default)]
    disk_config: Option<String>,
    #[serde(rename = "adminPass", default)]
    admin_pass: Option<String>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    block_device_mapping_v2: Option<Value>,
    #[serde(default)]
    block_device_mapping: Option<Value>,
    #[serde(rename = "accessIPv4", default)]
    access_ipv4: Option<String>,
    #[serde(rename = "accessIPv6", default)]
    access_ipv6: Option<String>,
    #[serde(default)]
    return_reservation_id: Option<bool>,
    #[serde(default)]
    trusted_image_certificates: Option<Vec<String>>,
    #[serde(default)]
    host: Option<String>,
    #[serde(default)]
    hypervisor_hostname: Option<String>,
    #[serde(default)]
    hostname: Option<String>,
    /// Files to inject (gone from 2.57).
    #[serde(default)]
    personality: Option<Vec<Personality>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Personality {
    path: String,
    contents: String,
}

fn over_quota(msg: impl Into<String>) -> ApiError {
    ApiError::new(SVC, StatusCode::FORBIDDEN, msg)
}

/// The injected files quotas (`injected_files`, `injected_file_path_bytes`,
/// `injected_file_content_bytes`), refused as Nova's Onset*LimitExceeded. The contents are base64.
fn check_personality(w: &World, project: &str, files: &[Personality]) -> Result<(), ApiError> {
    use base64::Engine;
    let limit = |r: &str| w.compute.quotas.limit(project, None, r);
    let within = |limit: i64, n: usize| limit < 0 || n as i64 <= limit;
    if !within(limit("injected_files"), files.len()) {
        return Err(over_quota("Personality file limit exceeded"));
    }
    for f in files {
        let contents = base64::engine::general_purpose::STANDARD
            .decode(f.contents.trim())
            .map_err(|_| bad(format!("Personality content for {} cannot be decoded", f.path)))?;
        let path_limit = limit("injected_file_path_bytes");
        if !within(path_limit, f.path.len()) {
            return Err(over_quota(format!("Personality file path exceeds maximum {path_limit}")));
        }
        let content_limit = limit("injected_file_content_bytes");
        if !within(content_limit, contents.len()) {
            return Err(over_quota(format!("Personality file content exceeds maximum {content_limit}")));
        }
    }
    Ok(())
}

/// Nova's metadata schema: keys of 1 to 255 characters from `[a-zA-Z0-9-_:. ]`, values up to 255.
fn check_create_metadata(metadata: Option<&BTreeMap<String, String>>) -> Result<(), ApiError> {
    let key_ok = |k: &str| (1..=255).contains(&k.chars().count()) && k.chars().all(|c| c.is_ascii_alphanumeric() || "-_:. ".contains(c));
    for (k, val) in metadata.into_iter().flatten() {
        if !key_ok(k) {
            return Err(bad(format!(
                "Invalid input for field/attribute metadata. Value: {k}. Additional properties are not allowed ('{k}' was unexpected)"
            )));
        }
        if val.chars().count() > 255 {
            return Err(bad(format!("Invalid input for field/attribute {k}. Value: {val}. '{val}' is too long")));
        }
    }
    Ok(())
}

/// Nova's `MetadataLimitExceeded`: a server's metadata within the `metadata_items` quota.
pub(super) fn check_metadata_quota(w: &World, project: &str, items: usize) -> Result<(), ApiError> {
    let limit = w.compute.quotas.limit(project, None, "metadata_items");
    if limit >= 0 && items as i64 > limit {
        return Err(over_quota(format!("Maximum number of metadata items exceeds {limit}")));
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NamedRef {
    name: String,
}

/// An access address as Nova stores it: checked as an address of its version and written in the
/// canonical form (`::babe:dc0c:1602`); empty clears it.
fn access_ip(field: &str, given: Option<String>, v6: bool) -> Result<Option<String>, ApiError> {
    let Some(text) = given else { return Ok(None) };
    if text.is_empty() {
        return Ok(Some(text));
    }
    let parsed = if v6 {
        text.parse::<std::net::Ipv6Addr>().map(|a| a.to_string()).ok()
    } else {
        text.parse::<std::net::Ipv4Addr>().map(|a| a.to_string()).ok()
    };
    let kind = if v6 { "ipv6" } else { "ipv4" };
    parsed.map(Some).ok_or_else(|| bad(format!("Invalid input for field/attribute {field}. Value: {text}. '{text}' is not a '{kind}'")))
}

fn schema_error(e: impl std::fmt::Display) -> ApiError {
    bad(format!("Invalid input for field/attribute server. {e}"))
}

pub async fn create(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    let body: CreateBody = crate::http::extract::from_value_strict(&body).map_err(schema_error)?;
    let mut req = body.server;
    req.access_ipv4 = access_ip("accessIPv4", req.access_ipv4.take(), false)?;
    req.access_ipv6 = access_ip("accessIPv6", req.access_ipv6.take(), true)?;
    let project = caller.project_id.clone().ok_or_else(|| bad("A project-scoped token is required to create a server."))?;
    enforce(SVC, &caller, "os_compute_api:servers:create", Target { project_id: Some(&project), user_id: None })?;
    let name = req.name.trim();
    if name.is_empty() || req.name.chars().count() > 255 {
        return Err(schema_error(format!("Value: {:?}. name must be 1 to 255 characters and not only spaces", req.name)));
    }
    let (min_count, max_count) = (req.min_count.unwrap_or(1), req.max_count.unwrap_or(req.min_count.unwrap_or(1)));
    if min_count < 1 || max_count < 1 {
        let (field, value) = if min_count < 1 { ("min_count", min_count) } else { ("max_count", max_count) };
        return Err(schema_error(format!(
            "Invalid input for field/attribute {field}. Value: {value}. {value} is less than the minimum of 1"
        )));
    }
    if min_count > max_count {
        return Err(bad("min_count must be <= max_count"));
    }
    check_create_metadata(req.metadata.as_ref())?;
    // Accepted as Nova accepts them; fakecloud has no use for them yet.
    let _ = (&req.config_drive, &req.disk_config, &req.tags);
    let _ = (&req.trusted_image_certificates, &req.hostname);
    if req.personality.is_some() && v.at_least(2, 57) {
        return Err(schema_error("Additional properties are not allowed ('personality' was unexpected)"));
    }
    if req.host.is_some() || req.hypervisor_hostname.is_some() {
        enforce(SVC, &caller, "compute:servers:create:requested_destination", Target::default())?;
    }
    let admin = caller.is_admin();
    let mut w = s.world();
    let flavor_ref = match &req.flavor_ref {
        Value::String(f) => f.clone(),
        Value::Number(n) => n.to_string(),
        other => return Err(schema_error(format!("Value: {other}. flavorRef must be a string or an integer"))),
    };
    let flavor = w
        .compute
        .usable_flavor(&flavor_ref, &project, admin)
        .filter(|f| f.id == flavor_ref)
        .ok_or_else(|| bad(format!("Flavor {flavor_ref} could not be found.")))?
        .id
        .clone();
    let image_given = req.image_ref.as_deref().is_some_and(|i| !i.is_empty());
    let mappings = block_device_mapping::parse(req.block_device_mapping_v2.as_ref(), req.block_device_mapping.as_ref(), v, image_given)?;
    // A server booted from a volume has no image (Nova keeps an empty image_ref).
    let image = if mappings.boots_from_volume() {
        String::new()
    } else {
        let image_ref = req
            .image_ref
            .clone()
            .filter(|i| !i.is_empty())
            .or(mappings.local_root_image.clone())
            .ok_or_else(|| bad("Invalid imageRef provided."))?;
        let image = w
            .image
            .find(&image_ref, &project, admin)
            .filter(|i| i.id == image_ref)
            .ok_or_else(|| bad(format!("Image {image_ref} could not be found.")))?;
        // Nova's _check_requested_image: the flavor must have the memory the image asks for.
        if image.min_ram > w.compute.flavor(&flavor).map_or(0, |f| f.ram) {
            return Err(bad("Flavor's memory is too small for requested image."));
        }
        image.id.clone()
    };
    let volume_caller = VolumeCaller { project_id: &project, user_id: &caller.user_id, admin };
    w.check_boot_volumes(&mappings.volumes, volume_caller).map_err(refused)?;
    let network_ids = match &req.networks {
        None if v.at_least(2, 37) => return Err(schema_error("'networks' is a required property")),
        None => vec![],
        Some(Value::String(n)) if n == "none" => vec![],
        Some(Value::String(n)) if n == "auto" => match w.network.auto_network(&project) {
            Some(id) => vec![id],
            None => return Err(bad(format!("Unable to automatically allocate a network for project {project}"))),
        },
        Some(Value::Array(nets)) => {
            let mut ids = Vec::new();
            for n in nets {
                let uuid = n.get("uuid").and_then(Value::as_str);
                match uuid {
                    Some(u) => ids.push(
                        w.network
                            .usable_network(u, &project, admin)
                            .filter(|id| id == u)
                            .ok_or_else(|| bad(format!("Network {u} could not be found.")))?,
                    ),
                    None if n.get("port").is_some() => {
                        return Err(bad("Booting with an existing port is not modelled by fakecloud yet; pass networks by uuid."))
                    }
                    None => return Err(schema_error(format!("Value: {n}. Each network needs a uuid"))),
                }
            }
            ids
        }
        Some(other) => return Err(schema_error(format!("Value: {other}. networks must be 'auto', 'none' or a list"))),
    };
    if let Some(az) = &req.availability_zone {
        if !w.compute.hosts.iter().any(|h| &h.az == az) {
            return Err(bad("The requested availability zone is not available"));
        }
    }
    if let Some(k) = &req.key_name {
        if !w.compute.keypairs.iter().any(|kp| &kp.name == k && kp.user_id == caller.user_id) {
            return Err(bad("Invalid key_name provided."));
        }
    }
    let server_group = match body.scheduler_hints.as_ref().and_then(|h| h.get("group")) {
        Some(Value::String(g)) => Some(
            w.compute
                .server_groups
                .iter()
                .find(|x| &x.id == g && (admin || x.project_id == project))
                .map(|x| x.id.clone())
                .ok_or_else(|| bad(format!("Invalid server group {g}")))?,
        ),
        Some(_) => return Err(schema_error("scheduler hint 'group' must be a server group uuid")),
        None => None,
    };
    let security_groups: Vec<String> =
        req.security_groups.map(|g| g.into_iter().map(|x| x.name).collect()).unwrap_or_else(|| vec!["default".into()]);
    // Neutron looks each group up by name or id in the project; "default" is made on first use.
    for g in security_groups.iter().filter(|g| *g != "default") {
        if !w.network.security_groups.values().any(|x| (x.project_id == project || admin) && (&x.name == g || &x.id == g)) {
            return Err(bad(format!("Security group {g} not found.")));
        }
    }
    // Quotas: metadata and injected files first, then as many servers as instances, cores and ram
    // allow (at least min_count), then the server group's members; a refusal makes nothing.
    check_metadata_quota(&w, &project, req.metadata.as_ref().map_or(0, BTreeMap::len))?;
    if let Some(files) = &req.personality {
        check_personality(&w, &project, files)?;
    }
    let flavor_spec = w.compute.flavor(&flavor).cloned().expect("resolved above");
    let count = w.compute.instances_fit(&project, &caller.user_id, &flavor_spec, min_count, max_count).map_err(over_quota)?;
    if let Some(g) = server_group.as_deref().and_then(|g| w.compute.server_groups.iter().find(|x| x.id == g)) {
        let limit = w.compute.quotas.limit(&project, Some(&caller.user_id), "server_group_members");
        if limit >= 0 && (g.members.len() + count as usize) as i64 > limit {
            return Err(over_quota("Quota exceeded, too many servers in group"));
        }
    }
    // A multiple create makes `count` servers under one reservation, named `name-1`, `name-2`...
    let reservation = (max_count > 1).then(|| format!("r-{}", &w.sim.ids.hex()[..8]));
    let mut made: Vec<String> = Vec::new();
    for index in 1..=count {
        let name = if max_count > 1 { format!("{}-{index}", req.name) } else { req.name.clone() };
        let created = w.create_server(ServerRequest {
            name,
            project_id: project.clone(),
            user_id: caller.user_id.clone(),
            flavor_id: flavor.clone(),
            image_id: image.clone(),
            network_ids: network_ids.clone(),
            az: req.availability_zone.clone(),
            key_name: req.key_name.clone(),
            metadata: req.metadata.clone().unwrap_or_default(),
            description: req.description.clone(),
            security_groups: security_groups.clone(),
            server_group: server_group.clone(),
        });
        let created = created.and_then(|id| {
            made.push(id.clone());
            w.map_boot_volumes(&id, mappings.volumes.clone(), volume_caller)
        });
        match created {
            Ok(()) => {}
            Err(e) => {
                // All or nothing: what this request made goes away again.
                for id in &made {
                    let _ = w.delete_server(id);
                }
                return Err(refused(e));
            }
        }
    }
    for id in &made {
        super::instance_actions::record(&mut w, &caller, id, "create");
        let s = w.compute.server_mut(id).expect("just created");
        s.reservation_id = reservation.clone();
        s.access_ipv4 = req.access_ipv4.clone().unwrap_or_default();
        s.access_ipv6 = req.access_ipv6.clone().unwrap_or_default();
        s.user_data = req.user_data.clone();
    }
    // Nova creates the ports with the requested groups.
    let group_ids: Vec<String> = security_groups
        .iter()
        .filter_map(|name| w.network.security_groups.values().find(|g| g.project_id == project && (&g.name == name || &g.id == name)))
        .map(|g| g.id.clone())
        .collect();
    if !group_ids.is_empty() {
        for port in w.network.ports.values_mut().filter(|p| made.contains(&p.device_id) && !p.device_owner.starts_with("network:")) {
            port.security_groups = group_ids.clone();
        }
    }
    if req.return_reservation_id == Some(true) {
        let reservation = w.compute.server(&made[0]).expect("just created").reservation();
        return Ok(reply(v, StatusCode::ACCEPTED, json!({"reservation_id": reservation})));
    }
    let id = made[0].clone();
    let admin_pass: String = match req.admin_pass {
        Some(p) => p,
        None => w.sim.ids.hex()[..12].to_string(),
    };
    let sg: Vec<Value> = security_groups.iter().map(|g| json!({"name": g})).collect();
    let body = json!({"server": {"id": id, "links": views::server_brief(w.compute.server(&id).expect("just created"), &base)["links"],
                                  "OS-DCF:diskConfig": "MANUAL", "security_groups": sg, "adminPass": admin_pass}});
    let mut resp = reply(v, StatusCode::ACCEPTED, body);
    if let Ok(loc) = axum::http::HeaderValue::from_str(&format!("{base}/compute/v2.1/servers/{id}")) {
        resp.headers_mut().insert(axum::http::header::LOCATION, loc);
    }
    Ok(resp)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateBody {
    server: UpdateServer,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateServer {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(rename = "accessIPv4", default)]
    access_ipv4: Option<String>,
    #[serde(rename = "accessIPv6", default)]
    access_ipv6: Option<String>,
    #[serde(rename = "OS-DCF:diskConfig", default)]
    disk_config: Option<String>,
    #[serde(default)]
    hostname: Option<String>,
}

pub async fn update(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    let body: UpdateBody = crate::http::extract::from_value_strict(&body).map_err(schema_error)?;
    if let Some(n) = &body.server.name {
        if n.trim().is_empty() || n.chars().count() > 255 {
            return Err(schema_error("name must be 1 to 255 characters and not only spaces"));
        }
    }
    // Accepted as Nova's schema accepts them; not modelled.
    let _ = (&body.server.disk_config, &body.server.hostname);
    let access_ipv4 = access_ip("accessIPv4", body.server.access_ipv4, false)?;
    let access_ipv6 = access_ip("accessIPv6", body.server.access_ipv6, true)?;
    let mut w = s.world();
    let project = visible(&w, &caller, &id)?.project_id.clone();
    enforce(SVC, &caller, "os_compute_api:servers:update", Target { project_id: Some(&project), user_id: None })?;
    let now = w.now();
    let server = w.compute.server_mut(&id).expect("visible");
    if let Some(n) = body.server.name {
        server.name = n;
    }
    if let Some(d) = body.server.description {
        server.description = Some(d);
    }
    if let Some(ip) = access_ipv4 {
        server.access_ipv4 = ip;
    }
    if let Some(ip) = access_ipv6 {
        server.access_ipv6 = ip;
    }
    server.updated_at = now;
    let view = views::server_after_update(&w, w.compute.server(&id).expect("present"), v, caller.is_admin(), &base);
    Ok(reply(v, StatusCode::OK, json!({"server": view})))
}

pub async fn delete(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let mut w = s.world();
    let project = visible(&w, &caller, &id)?.project_id.clone();
    enforce(SVC, &caller, "os_compute_api:servers:delete", Target { project_id: Some(&project), user_id: None })?;
    let host = w.compute.server(&id).expect("visible").host.clone();
    w.delete_server(&id).map_err(refused)?;
    let by = super::instance_actions::requester(&mut w, &caller, &project);
    let now = w.now();
    w.compute.actions.start(&id, "delete", &by, host.as_deref(), now, true);
    Ok(empty(v, StatusCode::NO_CONTENT))
}

/// An action's argument as an object (`{"pause": null}` is fine where Nova takes none).
fn arg_object<'a>(name: &str, arg: &'a Value) -> Result<Option<&'a serde_json::Map<String, Value>>, ApiError> {
    match arg {
        Value::Null => Ok(None),
        Value::Object(o) => Ok(Some(o)),
        other => Err(bad(format!("Invalid input for field/attribute {name}. Value: {other}. {other} is not of type 'object'"))),
    }
}

/// A required string member of an action's argument.
fn arg_string(name: &str, arg: &Value, key: &str) -> Result<String, ApiError> {
    match arg.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) if key == "flavorRef" => Ok(n.to_string()),
        Some(other) => Err(bad(format!("Invalid input for field/attribute {key}. Value: {other}. {other} is not of type 'string'"))),
        None => Err(bad(format!("Invalid input for field/attribute {name}. Value: {arg}. '{key}' is a required property"))),
    }
}

/// The guest's serial console log: what a simulated guest printed while booting, one line per step.
fn console_log(server: &Server) -> Vec<String> {
    let mut lines = vec![
        format!("[    0.000000] Linux version 6.1.0 (fakecloud guest {})", server.name),
        "[    0.512000] Run /init as init process".to_string(),
        format!("Starting {} ...", server.name),
    ];
    if server.launched_at.is_some() {
        lines.push(format!("cloud-init: instance {} is up", server.id));
        lines.push(format!("{} login:", server.name));
    }
    lines
}

/// `POST /servers/{id}/action`: the power, guest, resize, rebuild, lock, admin and security group
/// actions, and the console output.
pub async fn action(
    State(s): State<AppState>,
    caller: Caller,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    let obj = body.as_object().filter(|o| o.len() == 1).ok_or_else(|| bad("Malformed request body: exactly one action is expected"))?;
    let (name, arg) = obj.iter().next().expect("one entry");
    let name = name.as_str();
    let (action, rule) = match name {
        "os-stop" => (ServerAction::Stop, "os_compute_api:servers:stop"),
        "os-start" => (ServerAction::Start, "os_compute_api:servers:start"),
        "reboot" => {
            let kind = arg
                .get("type")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("Invalid input for field/attribute reboot. 'type' is a required property"))?;
            match kind.to_ascii_uppercase().as_str() {
                "SOFT" => (ServerAction::Reboot { hard: false }, "os_compute_api:servers:reboot"),
                "HARD" => (ServerAction::Reboot { hard: true }, "os_compute_api:servers:reboot"),
                _ => return Err(bad(format!("Invalid input for field/attribute type. Value: {kind}. '{kind}' is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']"))),
            }
        }
        "pause" => (ServerAction::Pause, "os_compute_api:os-pause-server:pause"),
        "unpause" => (ServerAction::Unpause, "os_compute_api:os-pause-server:unpause"),
        "suspend" => (ServerAction::Suspend, "os_compute_api:os-suspend-server:suspend"),
        "resume" => (ServerAction::Resume, "os_compute_api:os-suspend-server:resume"),
        "shelve" => (ServerAction::Shelve, "os_compute_api:os-shelve:shelve"),
        "shelveOffload" => (ServerAction::ShelveOffload, "os_compute_api:os-shelve:shelve_offload"),
        "unshelve" => {
            // An availability zone from 2.77, a host from 2.91 (its own admin rule).
            let o = arg_object(name, arg)?;
            let field = |key: &str, from: u32| match o.and_then(|o| o.get(key)).filter(|_| v.at_least(2, from)) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) if !s.is_empty() && s.chars().count() <= 255 => Ok(Some(s.clone())),
                Some(other) => {
                    Err(bad(format!("Invalid input for field/attribute {key}. Value: {other}. {other} is not of type 'string'")))
                }
            };
            let (availability_zone, host) = (field("availability_zone", 77)?, field("host", 91)?);
            let rule = if host.is_some() { "os_compute_api:os-shelve:unshelve_to_host" } else { "os_compute_api:os-shelve:unshelve" };
            (ServerAction::Unshelve { availability_zone, host }, rule)
        }
        "rescue" => {
            arg_object(name, arg)?;
            (ServerAction::Rescue, "os_compute_api:os-rescue")
        }
        "unrescue" => (ServerAction::Unrescue, "os_compute_api:os-unrescue"),
        "resize" => (ServerAction::Resize { flavor_id: arg_string(name, arg, "flavorRef")? }, "os_compute_api:servers:resize"),
        "migrate" => {
            // A target host from 2.56 (its own admin rule); before, Nova validates nothing and
            // ignores what the action carries.
            let host = match arg {
                _ if !v.at_least(2, 56) => None,
                Value::Null => None,
                Value::Object(o) if o.keys().all(|k| k == "host") => match o.get("host") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(h)) if !h.is_empty() && h.chars().count() <= 255 => Some(h.clone()),
                    Some(other) => {
                        return Err(bad(format!(
                            "Invalid input for field/attribute host. Value: {other}. {other} is not of type 'string', 'null'"
                        )))
                    }
                },
                other => {
                    return Err(bad(format!(
                        "Invalid input for field/attribute migrate. Value: {other}. Additional properties are not allowed"
                    )))
                }
            };
            let rule =
                if host.is_some() { "os_compute_api:os-migrate-server:migrate:host" } else { "os_compute_api:os-migrate-server:migrate" };
            (ServerAction::Migrate { host }, rule)
        }
        "evacuate" => {
            let o = arg_object(name, arg)?
                .ok_or_else(|| bad("Invalid input for field/attribute evacuate. Value: None. None is not of type 'object'"))?;
            // Before 2.14 the caller says whether the disks are on shared storage.
            if !v.at_least(2, 14) && !o.contains_key("onSharedStorage") {
                return Err(bad("Invalid input for field/attribute evacuate. 'onSharedStorage' is a required property"));
            }
            let host = match o.get("host") {
                None | Some(Value::Null) => None,
                Some(Value::String(h)) if !h.is_empty() && h.chars().count() <= 255 => Some(h.clone()),
                Some(other) => {
                    return Err(bad(format!("Invalid input for field/attribute host. Value: {other}. {other} is not of type 'string'")))
                }
            };
            (ServerAction::Evacuate { host, stopped: v.at_least(2, 95) }, "os_compute_api:os-evacuate")
        }
        "confirmResize" => (ServerAction::ConfirmResize, "os_compute_api:servers:confirm_resize"),
        "revertResize" => (ServerAction::RevertResize, "os_compute_api:servers:revert_resize"),
        "rebuild" => {
            let image = arg_string(name, arg, "imageRef")?;
            let new_name = match arg.get("name") {
                None => None,
                Some(Value::String(n)) if !n.trim().is_empty() && n.chars().count() <= 255 => Some(n.clone()),
                Some(other) => {
                    return Err(bad(format!("Invalid input for field/attribute name. Value: {other}. name must be 1 to 255 characters")))
                }
            };
            let metadata = match arg.get("metadata") {
                None => None,
                Some(m) => Some(
                    serde_json::from_value::<BTreeMap<String, String>>(m.clone())
                        .map_err(|e| bad(format!("Invalid input for field/attribute metadata. {e}")))?,
                ),
            };
            (ServerAction::Rebuild { image_id: image, name: new_name, metadata }, "os_compute_api:servers:rebuild")
        }
        "lock" => {
            let reason = match arg_object(name, arg)?.and_then(|o| o.get("locked_reason")) {
                None => None,
                Some(Value::String(r)) if v.at_least(2, 73) && r.chars().count() <= 255 => Some(r.clone()),
                Some(other) => {
                    return Err(bad(format!(
                        "Invalid input for field/attribute lock. Value: {other}. Additional properties are not allowed"
                    )))
                }
            };
            (ServerAction::Lock { reason }, "os_compute_api:os-lock-server:lock")
        }
        "unlock" => (ServerAction::Unlock, "os_compute_api:os-lock-server:unlock"),
        "os-resetState" => {
            let state = arg.get("state").and_then(Value::as_str).unwrap_or_default();
            let error = match state {
                "active" => false,
                "error" => true,
                _ => {
                    return Err(bad(format!(
                        "Invalid input for field/attribute state. Value: {state}. '{state}' is not one of ['active', 'error']"
                    )))
                }
            };
            (ServerAction::ResetState { error }, "os_compute_api:os-admin-actions:reset_state")
        }
        "trigger_crash_dump" if v.at_least(2, 17) => (ServerAction::TriggerCrashDump, "os_compute_api:servers:trigger_crash_dump"),
        "addSecurityGroup" => {
            (ServerAction::AddSecurityGroup { name: arg_string(name, arg, "name")? }, "os_compute_api:os-security-groups:add")
        }
        "removeSecurityGroup" => {
            (ServerAction::RemoveSecurityGroup { name: arg_string(name, arg, "name")? }, "os_compute_api:os-security-groups:remove")
        }
        "forceDelete" => (ServerAction::ForceDelete, "os_compute_api:os-deferred-delete:force"),
        "restore" => (ServerAction::Restore, "os_compute_api:os-deferred-delete:restore"),
        "injectNetworkInfo" => {
            return admin_noop(&s, &caller, &id, v, "os_compute_api:os-admin-actions:inject_network_info");
        }
        "os-getConsoleOutput" => return console_output(&s, &caller, &id, v, arg),
        "createImage" | "createBackup" => return super::server_images::create(&s, &caller, &id, v, name, arg, &base),
        "addFloatingIp" => return super::floating_ips::add(&s, &caller, &id, v, &body),
        "removeFloatingIp" => return super::floating_ips::remove(&s, &caller, &id, v, &body),
        other => return Err(bad(format!("There is no such action: {other}"))),
    };
    let mut w = s.world();
    let project = visible(&w, &caller, &id)?.project_id.clone();
    enforce(SVC, &caller, rule, Target { project_id: Some(&project), user_id: None })?;
    if let ServerAction::Rebuild { image_id, .. } = &action {
        w.image
            .find(image_id, &project, caller.is_admin())
            .filter(|i| &i.id == image_id)
            .ok_or_else(|| bad(format!("Image {image_id} could not be found.")))?;
        // A volume-backed server's root disk is re-imaged only from 2.93.
        let current = w.compute.server(&id).map(|s| s.image_id.clone()).unwrap_or_default();
        if w.compute.boots_from_volume(&id) && !v.at_least(2, 93) && &current != image_id {
            return Err(bad(format!(
                "Image {image_id} is unacceptable: Unable to rebuild with a different image for a volume-backed server."
            )));
        }
    }
    if let ServerAction::AddSecurityGroup { name } = &action {
        // Nova looks the group up in Neutron by name (or id) within the server's project.
        if !w.network.security_groups.values().any(|g| g.project_id == project && (&g.name == name || &g.id == name)) {
            return Err(not_found(format!("Security group {name} not found for project {project}.")));
        }
    }
    // A rebuild may replace the key pair (2.54) and the user data (2.57); null clears them.
    let rebuild_key = match arg.get("key_name").filter(|_| rule == "os_compute_api:servers:rebuild" && v.at_least(2, 54)) {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(k)) => {
            if !w.compute.keypairs.iter().any(|kp| &kp.name == k && kp.user_id == caller.user_id) {
                return Err(bad("Invalid key_name provided."));
            }
            Some(Some(k.clone()))
        }
        Some(other) => {
            return Err(bad(format!("Invalid input for field/attribute key_name. Value: {other}. {other} is not of type 'string', 'null'")))
        }
    };
    let rebuild_user_data = match arg.get("user_data").filter(|_| rule == "os_compute_api:servers:rebuild" && v.at_least(2, 57)) {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(d)) => Some(Some(d.clone())),
        Some(other) => {
            return Err(bad(format!(
                "Invalid input for field/attribute user_data. Value: {other}. {other} is not of type 'string', 'null'"
            )))
        }
    };
    // An evacuation answers the new password only before 2.14.
    let returns_password = matches!(action, ServerAction::Rescue | ServerAction::Rebuild { .. })
        || (matches!(action, ServerAction::Evacuate { .. }) && !v.at_least(2, 14));
    let rebuild = matches!(action, ServerAction::Rebuild { .. });
    // The group a security group action names, applied to the server's ports in Neutron too.
    let port_group = match &action {
        ServerAction::AddSecurityGroup { name } | ServerAction::RemoveSecurityGroup { name } => w
            .network
            .security_groups
            .values()
            .find(|g| g.project_id == project && (&g.name == name || &g.id == name))
            .map(|g| (g.id.clone(), matches!(action, ServerAction::AddSecurityGroup { .. }))),
        _ => None,
    };
    let recorded = super::instance_actions::recorded_as(&action);
    // Nova answers a confirmed resize with 204, every other action with 202.
    let status = match action {
        ServerAction::ConfirmResize => StatusCode::NO_CONTENT,
        ServerAction::Evacuate { .. } => StatusCode::OK,
        _ => StatusCode::ACCEPTED,
    };
    w.server_task(&id, action, caller.is_admin()).map_err(refused)?;
    if let Some(name) = recorded {
        super::instance_actions::record(&mut w, &caller, &id, name);
    }
    if let Some((group, add)) = port_group {
        for port in w.network.ports.values_mut().filter(|p| p.device_id == id && !p.device_owner.starts_with("network:")) {
            port.security_groups.retain(|g| *g != group);
            if add {
                port.security_groups.push(group.clone());
            }
        }
    }
    if !returns_password {
        return Ok(empty(v, status));
    }
    let password: String = w.sim.ids.hex()[..12].to_string();
    if rebuild {
        let srv = w.compute.server_mut(&id).expect("present");
        if let Some(k) = rebuild_key {
            srv.key_name = k;
        }
        if let Some(d) = rebuild_user_data {
            srv.user_data = d;
        }
        let srv = w.compute.server(&id).expect("present");
        let mut view = views::server_after_update(&w, srv, v, caller.is_admin(), &base);
        // The rebuild reply names the key pair from 2.54 and the user data from 2.57 (top-level,
        // where a show has OS-EXT-SRV-ATTR:user_data).
        if let Value::Object(o) = &mut view {
            o.remove("OS-EXT-SRV-ATTR:user_data");
            if v.at_least(2, 54) {
                o.insert("key_name".into(), json!(srv.key_name));
            }
            if v.at_least(2, 57) {
                o.insert("user_data".into(), json!(srv.user_data));
            }
        }
        view["adminPass"] = json!(password);
        return Ok(reply(v, StatusCode::ACCEPTED, json!({"server": view})));
    }
    Ok(reply(v, StatusCode::OK, json!({"adminPass": password})))
}

/// An admin action fakecloud has nothing to do for (the network info of a simulated guest).
fn admin_noop(s: &AppState, caller: &Caller, id: &str, v: Version, rule: &str) -> ApiResult {
    let w = s.world();
    let project = visible(&w, caller, id)?.project_id.clone();
    enforce(SVC, caller, rule, Target { project_id: Some(&project), user_id: None })?;
    Ok(empty(v, StatusCode::ACCEPTED))
}

/// `os-getConsoleOutput`: the last `length` lines of the guest's console (all with `-1` or none).
fn console_output(s: &AppState, caller: &Caller, id: &str, v: Version, arg: &Value) -> ApiResult {
    let length: Option<i64> = match arg.get("length") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(t)) if t.parse::<i64>().is_ok() => t.parse().ok(),
        Some(other) => {
            return Err(bad(format!(
                "Invalid input for field/attribute length. Value: {other}. {other} is not of type 'integer', 'string', 'null'"
            )))
        }
    };
    if length.is_some_and(|l| l < -1) {
        return Err(bad(format!(
            "Invalid input for field/attribute length. Value: {}. {} is less than the minimum of -1",
            length.unwrap_or(0),
            length.unwrap_or(0)
        )));
    }
    let w = s.world();
    let server = visible(&w, caller, id)?;
    enforce(SVC, caller, "os_compute_api:os-console-output", Target { project_id: Some(&server.project_id), user_id: None })?;
    if server.host.is_none() {
        return Err(ApiError::new(SVC, StatusCode::CONFLICT, format!("Instance {id} is not ready")));
    }
    let lines = console_log(server);
    let keep = match length {
        Some(l) if l >= 0 => lines.len().saturating_sub(l as usize),
        _ => 0,
    };
    Ok(reply(v, StatusCode::OK, json!({"output": lines[keep..].join("\n")})))
}
