//! Cinder over HTTP (`/volume`): the version documents (no token), os-services (admin), and
//! volumes (list, detail, show, create, update, delete) under `/v3/{project_id}` or, as 3.67
//! allows, `/v3` alone. Microversions come from `OpenStack-API-Version: volume 3.x`.

use super::model::{Requester, VolumeError};
use super::request::{ListQuery, NewVolume, VolumeUpdate};
use super::views;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{BaseUrl, JsonBody, Params};
use crate::http::microversion::{Microversion, Microversioned, Range, Version};
use crate::http::routes::{get, Routes};
use crate::http::service::Service;
use crate::policy::{enforce, Target};
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;
use std::collections::HashMap;

const SVC: Service = crate::volume::SERVICE;
const RANGE: Range = Range { service_type: "volume", legacy_header: None, min: views::MIN_VERSION, max: views::MAX_VERSION };

type ApiResult = Result<Response, ApiError>;
type PathArgs = Path<HashMap<String, String>>;

pub fn router() -> Routes {
    Routes::new()
        .route("/", get(versions))
        .route("/v3", get(version_v3))
        .route("/v3/{project_id}/os-services", get(list_services))
        .route("/v3/os-services", get(list_services))
        .route("/v3/{project_id}/volumes", get(list_volumes).post(create_volume))
        .route("/v3/volumes", get(list_volumes).post(create_volume))
        .route("/v3/{project_id}/volumes/detail", get(list_volumes_detail))
        .route("/v3/volumes/detail", get(list_volumes_detail))
        .route("/v3/{project_id}/volumes/{volume_id}", get(show_volume).put(update_volume).delete(delete_volume))
        .route("/v3/volumes/{volume_id}", get(show_volume).put(update_volume).delete(delete_volume))
}

impl From<VolumeError> for ApiError {
    fn from(e: VolumeError) -> ApiError {
        match e {
            VolumeError::BadRequest(m) => ApiError::bad_request(SVC, m),
            VolumeError::NotFound(m) => ApiError::not_found(SVC, m),
            VolumeError::OverLimit(m) => ApiError::new(SVC, StatusCode::PAYLOAD_TOO_LARGE, m),
        }
    }
}

/// `GET /volume`: every version, 300 Multiple Choices.
async fn versions(BaseUrl(base): BaseUrl) -> Response {
    (StatusCode::MULTIPLE_CHOICES, Json(views::versions(&base))).into_response()
}

/// `GET /volume/v3/`: the same document, 200 (what keystoneauth's discovery reads).
async fn version_v3(BaseUrl(base): BaseUrl) -> Json<Value> {
    Json(views::versions(&base))
}

/// What every versioned call checks after the microversion (negotiated by the extractor): that the
/// URL's project is the token's. Cinder refuses a mismatch for everyone, admin included, with a 400
/// (cinder/api/openstack/wsgi.py `_process_stack`: "Malformed request url").
fn prelude(caller: &Caller, path: &HashMap<String, String>) -> Result<(), ApiError> {
    if let Some(p) = path.get("project_id") {
        if caller.project_id.as_deref() != Some(p.as_str()) {
            return Err(ApiError::bad_request(SVC, "Malformed request url"));
        }
    }
    Ok(())
}

/// Cinder's microversions, for the `Microversion` extractor.
pub(crate) struct Cinder;

impl Microversioned for Cinder {
    const RANGE: Range = RANGE;
    const SERVICE: Service = SVC;
}

fn reply(v: Version, status: StatusCode, body: Value) -> Response {
    let mut resp = (status, Json(body)).into_response();
    RANGE.response_headers(v, resp.headers_mut());
    resp
}

fn requester(caller: &Caller) -> Requester<'_> {
    Requester { project_id: caller.project_id.as_deref().unwrap_or(""), user_id: &caller.user_id, admin: caller.is_admin() }
}

fn own_project(caller: &Caller) -> Target<'_> {
    Target { project_id: caller.project_id.as_deref(), user_id: None }
}

/// `GET /os-services` (admin): every cinder service with its state from heartbeats; `host` and
/// `binary` filter.
async fn list_services(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume_extension:services:index", Target::default())?;
    let world = s.world();
    let now = world.now();
    let services: Vec<Value> = world
        .volume
        .services
        .iter()
        .filter(|x| params.get("host").is_none_or(|h| h == x.host) && params.get("binary").is_none_or(|b| b == x.binary))
        .map(|x| views::service(x, now, v))
        .collect();
    Ok(reply(v, StatusCode::OK, serde_json::json!({ "services": services })))
}

async fn list_volumes(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    list(s, caller, v, base, uri.path(), path, params, false)
}

async fn list_volumes_detail(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    BaseUrl(base): BaseUrl,
    OriginalUri(uri): OriginalUri,
    Path(path): PathArgs,
    params: Params,
) -> ApiResult {
    list(s, caller, v, base, uri.path(), path, params, true)
}

#[allow(clippy::too_many_arguments)]
fn list(
    s: AppState,
    caller: Caller,
    v: Version,
    base: String,
    uri_path: &str,
    path: HashMap<String, String>,
    params: Params,
    detail: bool,
) -> ApiResult {
    prelude(&caller, &path)?;
    enforce(SVC, &caller, "volume:get_all", own_project(&caller))?;
    let who = requester(&caller);
    let query = ListQuery::parse(&params.0, who.admin, v.at_least(3, 34))?;
    let world = s.world();
    let page = world.volume.list(&query, who)?;
    let items: Vec<Value> =
        page.volumes
            .iter()
            .map(|vol| {
                if detail {
                    views::detail(&world.volume, vol, &base, v, who.admin, views::Shown::Read)
                } else {
                    views::summary(vol, &base)
                }
            })
            .collect();
    let next_url = format!("{}{}", base.trim_end_matches('/'), uri_path);
    let body = views::list(&page, items, &next_url, &params.0, query.with_count && v.at_least(3, 45));
    Ok(reply(v, StatusCode::OK, body))
}

async fn show_volume(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    BaseUrl(base): BaseUrl,
    Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    let id = path.get("volume_id").cloned().unwrap_or_default();
    let who = requester(&caller);
    let world = s.world();
    let vol = world.volume.show(&id, who)?;
    enforce(SVC, &caller, "volume:get", Target { project_id: Some(&vol.project_id), user_id: None })?;
    Ok(reply(
        v,
        StatusCode::OK,
        serde_json::json!({ "volume": views::detail(&world.volume, vol, &base, v, who.admin, views::Shown::Read) }),
    ))
}

async fn create_volume(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    BaseUrl(base): BaseUrl,
    Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    let new = NewVolume::from_json(&body)?;
    enforce(SVC, &caller, "volume:create", own_project(&caller))?;
    let who = requester(&caller);
    let mut world = s.world();
    let w = &mut *world;
    let vol = w.volume.create(new, who, &w.image, &mut w.sim)?.clone();
    Ok(reply(
        v,
        StatusCode::ACCEPTED,
        serde_json::json!({ "volume": views::detail(&w.volume, &vol, &base, v, who.admin, views::Shown::Written) }),
    ))
}

async fn update_volume(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    BaseUrl(base): BaseUrl,
    Path(path): PathArgs,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult {
    prelude(&caller, &path)?;
    let update = VolumeUpdate::from_json(&body)?;
    let id = path.get("volume_id").cloned().unwrap_or_default();
    let who = requester(&caller);
    let mut world = s.world();
    let owner = world.volume.show(&id, who)?.project_id.clone();
    enforce(SVC, &caller, "volume:update", Target { project_id: Some(&owner), user_id: None })?;
    let now = world.now();
    let vol = world.volume.update(&id, update, who, now)?.clone();
    Ok(reply(
        v,
        StatusCode::OK,
        serde_json::json!({ "volume": views::detail(&world.volume, &vol, &base, v, who.admin, views::Shown::Written) }),
    ))
}

async fn delete_volume(
    State(s): State<AppState>,
    caller: Caller,
    Microversion(v, ..): Microversion<Cinder>,
    Path(path): PathArgs,
) -> ApiResult {
    prelude(&caller, &path)?;
    let id = path.get("volume_id").cloned().unwrap_or_default();
    let who = requester(&caller);
    let mut world = s.world();
    let owner = world.volume.show(&id, who)?.project_id.clone();
    enforce(SVC, &caller, "volume:delete", Target { project_id: Some(&owner), user_id: None })?;
    let w = &mut *world;
    w.volume.delete(&id, who, &mut w.sim)?;
    let mut resp = StatusCode::ACCEPTED.into_response();
    RANGE.response_headers(v, resp.headers_mut());
    Ok(resp)
}
