//! Keypairs and server groups.

use super::common::{bad, empty, not_found, reply, ApiResult, Nova, SVC};
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::compute::model::{Keypair, ServerGroup};
use crate::compute::{keygen, views};
use crate::http::extract::{JsonBody, Params};
use crate::http::microversion::Microversion;
use crate::policy::{enforce, Target};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::Digest;

/// Keypairs belong to a user; from 2.10 `?user_id=` names another, and policy (`user_id:%(user_id)s`
/// or admin) decides: Nova refuses a non-admin naming someone else with a 403, never ignores it.
fn keypair_owner(caller: &Caller, params: &Params, v: crate::http::microversion::Version) -> String {
    params.get("user_id").filter(|_| v.at_least(2, 10)).map_or_else(|| caller.user_id.clone(), str::to_string)
}

pub async fn list_keypairs(
    State(s): State<AppState>,
    caller: Caller,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let owner = keypair_owner(&caller, &params, v);
    enforce(SVC, &caller, "os_compute_api:os-keypairs:index", Target { user_id: Some(&owner), project_id: None })?;
    let w = s.world();
    let items: Vec<Value> =
        w.compute.keypairs.iter().filter(|k| k.user_id == owner).map(|k| json!({"keypair": views::keypair(k, v, false)})).collect();
    Ok(reply(v, StatusCode::OK, json!({"keypairs": items})))
}

pub async fn show_keypair(
    State(s): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let owner = keypair_owner(&caller, &params, v);
    enforce(SVC, &caller, "os_compute_api:os-keypairs:show", Target { user_id: Some(&owner), project_id: None })?;
    let w = s.world();
    let k = w
        .compute
        .keypairs
        .iter()
        .find(|k| k.user_id == owner && k.name == name)
        .ok_or_else(|| not_found(format!("Keypair {name} not found for user {owner}")))?;
    Ok(reply(v, StatusCode::OK, json!({"keypair": views::keypair(k, v, true)})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeypairBody {
    keypair: NewKeypair,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewKeypair {
    name: String,
    #[serde(default)]
    public_key: Option<String>,
    #[serde(default, rename = "type")]
    key_type: Option<String>,
    #[serde(default)]
    user_id: Option<String>,
}

/// Imports a public key, or (before 2.92) generates a key pair and answers its private key once.
pub async fn create_keypair(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    let req: KeypairBody =
        crate::http::extract::from_value_strict(&body).map_err(|e| bad(format!("Invalid input for field/attribute keypair. {e}")))?;
    let k = req.keypair;
    let owner = k.user_id.clone().filter(|_| v.at_least(2, 10)).unwrap_or_else(|| caller.user_id.clone());
    enforce(SVC, &caller, "os_compute_api:os-keypairs:create", Target { user_id: Some(&owner), project_id: None })?;
    // 2.92 widened the name's alphabet with `.` and `@`.
    let extra = if v.at_least(2, 92) { "-_ .@" } else { "-_ " };
    if k.name.trim().is_empty() || k.name.len() > 255 || !k.name.chars().all(|c| c.is_ascii_alphanumeric() || extra.contains(c)) {
        return Err(bad("Keypair data is invalid: Keypair name contains unsafe characters"));
    }
    // From 2.92 Nova no longer generates keys: the public key is required.
    if k.public_key.is_none() && v.at_least(2, 92) {
        return Err(bad("Invalid input for field/attribute keypair. Value: {}. 'public_key' is a required property"));
    }
    let key_type = k.key_type.unwrap_or_else(|| "ssh".into());
    if key_type != "ssh" && key_type != "x509" {
        return Err(bad(format!("Invalid input for field/attribute type. Value: {key_type}.")));
    }
    let imported = match &k.public_key {
        Some(key) => {
            Some((key.clone(), ssh_fingerprint(key).ok_or_else(|| bad("Keypair data is invalid: failed to generate fingerprint"))?))
        }
        None => None,
    };
    let mut w = s.world();
    if w.compute.keypairs.iter().any(|x| x.user_id == owner && x.name == k.name) {
        return Err(crate::http::error::ApiError::new(SVC, StatusCode::CONFLICT, format!("Key pair '{}' already exists.", k.name)));
    }
    // `key_pairs` counts a user's keypairs against their project's limit.
    let project = caller.project_id.clone().unwrap_or_default();
    if !w.compute.quota_allows(&project, Some(&owner), "key_pairs", 1) {
        return Err(crate::http::error::ApiError::new(SVC, StatusCode::FORBIDDEN, "Maximum number of key pairs exceeded"));
    }
    let now = w.now();
    let (public_key, fingerprint, private_key) = match imported {
        Some((key, fingerprint)) => (key, fingerprint, None),
        None => {
            let mut seed = [0u8; 32];
            for half in seed.chunks_mut(16) {
                half.copy_from_slice(&hex::decode(w.sim.ids.hex()).expect("hex ids"));
            }
            let g = match key_type.as_str() {
                "x509" => keygen::x509(seed, &owner, now),
                _ => keygen::ssh(seed, ssh_fingerprint),
            };
            (g.public_key, g.fingerprint, Some(g.private_key))
        }
    };
    let kp = Keypair { name: k.name, user_id: owner, public_key, fingerprint, key_type, created_at: now };
    let mut view = views::keypair_created(&kp, v);
    if let Some(private) = private_key {
        view["private_key"] = json!(private);
    }
    w.compute.keypairs.push(kp);
    let status = if v.at_least(2, 2) { StatusCode::CREATED } else { StatusCode::OK };
    Ok(reply(v, status, json!({"keypair": view})))
}

/// An OpenSSH public key's fingerprint, or None when the key does not parse: the base64 blob must
/// decode and name the same key type as the line's first word (what Nova's parse checks).
fn ssh_fingerprint(public_key: &str) -> Option<String> {
    use base64::Engine;
    let mut parts = public_key.split_whitespace();
    let (kind, data) = (parts.next()?, parts.next()?);
    let blob = base64::engine::general_purpose::STANDARD.decode(data).ok()?;
    let len = u32::from_be_bytes(blob.get(..4)?.try_into().ok()?) as usize;
    let named = blob.get(4..4 + len)?;
    if named != kind.as_bytes() || blob.len() <= 4 + len {
        return None;
    }
    let digest = sha2::Sha256::digest(&blob);
    Some(digest.iter().take(16).map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":"))
}

pub async fn delete_keypair(
    State(s): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let owner = keypair_owner(&caller, &params, v);
    enforce(SVC, &caller, "os_compute_api:os-keypairs:delete", Target { user_id: Some(&owner), project_id: None })?;
    let mut w = s.world();
    let at = w
        .compute
        .keypairs
        .iter()
        .position(|k| k.user_id == owner && k.name == name)
        .ok_or_else(|| not_found(format!("Keypair {name} not found for user {owner}")))?;
    w.compute.keypairs.remove(at);
    let status = if v.at_least(2, 2) { StatusCode::NO_CONTENT } else { StatusCode::ACCEPTED };
    Ok(empty(v, status))
}

pub async fn list_server_groups(
    State(s): State<AppState>,
    caller: Caller,
    params: Params,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    enforce(SVC, &caller, "os_compute_api:os-server-groups:index", Target { project_id: caller.project_id.as_deref(), user_id: None })?;
    let all = caller.is_admin() && params.get("all_projects").is_some_and(|x| x.eq_ignore_ascii_case("true") || x == "1");
    let w = s.world();
    let items: Vec<Value> = w
        .compute
        .server_groups
        .iter()
        .filter(|g| all || Some(&g.project_id) == caller.project_id.as_ref())
        .map(|g| views::server_group(g, v))
        .collect();
    Ok(reply(v, StatusCode::OK, json!({"server_groups": items})))
}

fn group_for<'a>(groups: &'a [ServerGroup], caller: &Caller, id: &str) -> Result<&'a ServerGroup, crate::http::error::ApiError> {
    groups
        .iter()
        .find(|g| g.id == id && (caller.is_admin() || Some(&g.project_id) == caller.project_id.as_ref()))
        .ok_or_else(|| not_found(format!("Instance group {id} could not be found.")))
}

pub async fn show_server_group(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let w = s.world();
    let g = group_for(&w.compute.server_groups, &caller, &id)?;
    enforce(SVC, &caller, "os_compute_api:os-server-groups:show", Target { project_id: Some(&g.project_id), user_id: None })?;
    Ok(reply(v, StatusCode::OK, json!({"server_group": views::server_group(g, v)})))
}

pub async fn create_server_group(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Nova>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    let project = caller.project_id.clone().ok_or_else(|| bad("A project-scoped token is required."))?;
    enforce(SVC, &caller, "os_compute_api:os-server-groups:create", Target { project_id: Some(&project), user_id: None })?;
    let g = body
        .get("server_group")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("Invalid input for field/attribute server_group. 'server_group' is a required property"))?;
    let name = g
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.trim().is_empty() && n.len() <= 255)
        .ok_or_else(|| bad("Invalid input for field/attribute name."))?;
    // Nova's schema is closed: 2.64+ takes `policy` (and `rules`), earlier versions `policies`.
    let allowed: &[&str] = if v.at_least(2, 64) { &["name", "policy", "rules"] } else { &["name", "policies"] };
    if let Some(k) =
        body.as_object().and_then(|o| o.keys().find(|k| *k != "server_group")).or_else(|| g.keys().find(|k| !allowed.contains(&k.as_str())))
    {
        return Err(bad(format!(
            "Invalid input for field/attribute server_group. Additional properties are not allowed ('{k}' was unexpected)"
        )));
    }
    // 2.64+ takes `policy`; earlier versions a one-element `policies` list.
    let policy = if v.at_least(2, 64) {
        g.get("policy").and_then(Value::as_str)
    } else {
        g.get("policies").and_then(Value::as_array).filter(|p| p.len() == 1).and_then(|p| p[0].as_str())
    }
    .ok_or_else(|| bad("Invalid input for field/attribute policy."))?;
    if !["affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity"].contains(&policy) {
        return Err(bad(format!("Invalid input for field/attribute policy. Value: {policy}.")));
    }
    let mut w = s.world();
    let fits = |user: Option<&str>| w.compute.quota_allows(&project, user, "server_groups", 1);
    if !fits(None) || !fits(Some(&caller.user_id)) {
        return Err(crate::http::error::ApiError::new(SVC, StatusCode::FORBIDDEN, "Quota exceeded, too many server groups."));
    }
    let group = ServerGroup {
        id: w.sim.ids.uuid(),
        name: name.into(),
        policy: policy.into(),
        members: vec![],
        project_id: project,
        user_id: caller.user_id.clone(),
    };
    let view = views::server_group(&group, v);
    w.compute.server_groups.push(group);
    Ok(reply(v, StatusCode::OK, json!({"server_group": view})))
}

pub async fn delete_server_group(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Microversion(v, ..): Microversion<Nova>,
) -> ApiResult {
    let mut w = s.world();
    let project = group_for(&w.compute.server_groups, &caller, &id)?.project_id.clone();
    enforce(SVC, &caller, "os_compute_api:os-server-groups:delete", Target { project_id: Some(&project), user_id: None })?;
    w.compute.server_groups.retain(|g| g.id != id);
    Ok(empty(v, StatusCode::NO_CONTENT))
}
