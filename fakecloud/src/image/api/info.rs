//! Discovery: the version list (no token, as Glance's version negotiation runs before
//! keystonemiddleware), the JSON schemas, and the import methods and stores on offer.

use super::common::{own_project, ApiResult, SVC};
use crate::auth::Caller;
use crate::http::error::ApiError;
use crate::http::extract::BaseUrl;
use crate::image::actions::IMPORT_METHODS;
use crate::image::{schemas, views};
use crate::policy::enforce;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

/// `GET /image`: 300 Multiple Choices with every version (clients need this before any call).
pub async fn versions(BaseUrl(base): BaseUrl) -> Response {
    (StatusCode::MULTIPLE_CHOICES, Json(views::versions(&base))).into_response()
}

/// `GET /image/versions`: the same list, asked for explicitly, is a 200.
pub async fn versions_explicit(BaseUrl(base): BaseUrl) -> Json<Value> {
    Json(views::versions(&base))
}

fn schema_reply(name: &str) -> ApiResult {
    let v = schemas::schema(name).ok_or_else(|| ApiError::not_found(SVC, "The resource could not be found."))?;
    Ok(Json(v).into_response())
}

/// `GET /v2/schemas/{name}`: open to any token.
pub async fn schema(caller: Caller, Path(name): Path<String>) -> ApiResult {
    enforce(SVC, &caller, "get_schema", own_project(&caller))?;
    schema_reply(&name)
}

/// `GET /v2/schemas/metadefs/{name}`.
pub async fn metadef_schema(caller: Caller, Path(name): Path<String>) -> ApiResult {
    enforce(SVC, &caller, "get_schema", own_project(&caller))?;
    schema_reply(&format!("metadefs/{name}"))
}

/// `GET /v2/info/import`: the enabled import methods.
pub async fn import(caller: Caller) -> ApiResult {
    enforce(SVC, &caller, "get_import_info", own_project(&caller))?;
    Ok(Json(views::import_info(IMPORT_METHODS)).into_response())
}

/// `GET /v2/info/stores`: the stores, the default one flagged.
pub async fn stores(caller: Caller) -> ApiResult {
    enforce(SVC, &caller, "get_stores_info", own_project(&caller))?;
    Ok(Json(views::stores_info()).into_response())
}
