//! Placement's error responses and its microversion handling, as its WSGI stack gives them:
//! `{"errors": [{"status", "title", "detail", "request_id"}]}` with `code` from 1.23, and, on a 406
//! for an unsupported microversion, `max_version` and `min_version` (which osc-placement reads to
//! lower its version). Handlers return a `Fault`; the layer renders it once the version is known,
//! and stamps every answer with `OpenStack-API-Version` and `Vary`.

use super::model::{codes, Refusal};
use crate::http::error::ApiError;
use crate::http::microversion::{Range, Refusal as VersionRefusal, Version};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// Placement's microversions: 1.0 to 1.39 (Yoga and later), no legacy header.
pub const RANGE: Range = Range { service_type: "placement", legacy_header: None, min: Version::new(1, 0), max: Version::new(1, 39) };

/// From this microversion errors carry a `code` (placement/util.py ERROR_CODE_MICROVERSION).
const ERROR_CODE_VERSION: Version = Version::new(1, 23);

/// A refused request in Placement's format.
#[derive(Clone, Debug)]
pub struct Fault {
    pub status: StatusCode,
    pub message: String,
    pub code: &'static str,
    /// A refused microversion: the body also names the supported range.
    version_error: bool,
}

pub type Reply = Result<Response, Fault>;

impl Fault {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Fault { status, message: message.into(), code: codes::DEFAULT, version_error: false }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// The bare 404 of a path that does not exist (at the requested microversion): upstream's
    /// dispatcher and version_handler raise it with no detail of their own.
    pub fn no_route() -> Self {
        Self::not_found("")
    }

    /// The 405 of a method not served at the requested microversion (or at all).
    pub fn method_not_allowed() -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, "The method specified is not allowed for this resource.")
    }

    /// The body as Placement renders it at `version` (None when the version itself was refused).
    pub fn body(&self, version: Option<Version>) -> Value {
        let status = self.status.as_u16();
        let mut e = json!({
            "status": status,
            "title": title(self.status),
            "detail": format!("{}\n\n {}  ", explanation(self.status), self.message),
            // The request's own id, as in its x-openstack-request-id header.
            "request_id": crate::http::request_id::current(),
        });
        if version.is_some_and(|v| v >= ERROR_CODE_VERSION) {
            e["code"] = json!(self.code);
        }
        if self.version_error && self.status == StatusCode::NOT_ACCEPTABLE {
            e["max_version"] = json!(RANGE.max.to_string());
            e["min_version"] = json!(RANGE.min.to_string());
        }
        json!({"errors": [e]})
    }

    fn render(&self, version: Option<Version>) -> Response {
        (self.status, Json(self.body(version))).into_response()
    }
}

impl From<Refusal> for Fault {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::BadRequest(m) => Fault::bad_request(m),
            Refusal::NotFound(m) => Fault::not_found(m),
            Refusal::Conflict { message, code } => Fault { code, ..Fault::new(StatusCode::CONFLICT, message) },
        }
    }
}

/// Policy refusals come from the shared policy table as `ApiError`s.
impl From<ApiError> for Fault {
    fn from(e: ApiError) -> Self {
        Fault::new(e.status, e.message)
    }
}

impl IntoResponse for Fault {
    fn into_response(self) -> Response {
        // Rendered for the newest format here; the layer re-renders it for the negotiated version.
        let mut resp = self.render(Some(RANGE.max));
        resp.extensions_mut().insert(self);
        resp
    }
}

/// webob's titles for the statuses Placement answers with.
fn title(status: StatusCode) -> &'static str {
    match status.as_u16() {
        413 => "Request Entity Too Large",
        _ => status.canonical_reason().unwrap_or("Error"),
    }
}

/// webob's explanation, which leads every Placement error detail.
fn explanation(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "The server could not comply with the request since it is either malformed or otherwise incorrect.",
        401 => "This server could not verify that you are authorized to access the document you requested.",
        403 => "Access was denied to this resource.",
        404 => "The resource could not be found.",
        405 => "The method is not allowed for this resource.",
        406 => "The resource could not be generated that was acceptable to your browser (content of type application/json).",
        409 => "There was a conflict when trying to complete your request.",
        413 => "The request is larger than the server is willing or able to process.",
        415 => "The request media type is not supported by this server.",
        _ => "The server has either erred or is incapable of performing the requested operation.",
    }
}

/// The outcome of microversion negotiation, left in the request for `Mv` and the layer.
#[derive(Clone)]
struct Negotiated(Result<Version, Fault>);

/// The version text the client asked for (for the messages), as Range reads the header.
fn requested_text(headers: &HeaderMap) -> String {
    for value in headers.get_all("openstack-api-version") {
        let Ok(value) = value.to_str() else { continue };
        for part in value.split(',') {
            let mut words = part.split_whitespace();
            if words.next().is_some_and(|s| s.eq_ignore_ascii_case(RANGE.service_type)) {
                return words.next().unwrap_or("").to_string();
            }
        }
    }
    String::new()
}

fn negotiate(headers: &HeaderMap) -> Result<Version, Fault> {
    RANGE.negotiate(headers).map_err(|r| {
        let text = requested_text(headers);
        let (status, message) = match r {
            VersionRefusal::Malformed(_) => (StatusCode::BAD_REQUEST, format!("Invalid microversion: invalid version string: {text}")),
            VersionRefusal::NotAcceptable(_) => {
                (StatusCode::NOT_ACCEPTABLE, format!("Invalid microversion: Unacceptable version header: {text}"))
            }
        };
        Fault { version_error: true, ..Fault::new(status, message) }
    })
}

/// The layer around every Placement route: negotiates the microversion (refusals surface through
/// `Mv`, after the token check, as upstream's auth runs first), renders faults for that version and
/// adds the version headers.
pub async fn microversions(mut req: Request, next: Next) -> Response {
    let negotiated = negotiate(req.headers());
    req.extensions_mut().insert(Negotiated(negotiated.clone()));
    let mut resp = next.run(req).await;
    let version = negotiated.ok();
    if let Some(fault) = resp.extensions_mut().remove::<Fault>() {
        resp = fault.render(version);
    }
    if let Some(v) = version.filter(|_| resp.status() != StatusCode::UNAUTHORIZED) {
        RANGE.response_headers(v, resp.headers_mut());
    }
    resp
}

/// The negotiated microversion; a refused one is the request's answer. GETs (except the root) also
/// need an `Accept` that allows JSON (placement's check_accept).
pub struct Mv(pub Version);

impl<S: Send + Sync> FromRequestParts<S> for Mv {
    type Rejection = Fault;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Fault> {
        let v = match parts.extensions.get::<Negotiated>() {
            Some(Negotiated(r)) => r.clone()?,
            None => RANGE.min,
        };
        if parts.method == Method::GET && parts.uri.path() != "/" && !accepts_json(&parts.headers) {
            return Err(Fault::new(StatusCode::NOT_ACCEPTABLE, "Only application/json is provided"));
        }
        Ok(Mv(v))
    }
}

fn accepts_json(headers: &HeaderMap) -> bool {
    let values: Vec<&str> = headers.get_all(header::ACCEPT).iter().filter_map(|v| v.to_str().ok()).collect();
    let ranges: Vec<String> = values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|r| r.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .filter(|r| !r.is_empty())
        .collect();
    ranges.is_empty() || ranges.iter().any(|r| matches!(r.as_str(), "application/json" | "application/*" | "*/*"))
}

/// A path segment; one that cannot be decoded names nothing, so it is a 404 like any unknown id.
pub struct Seg<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Seg<T> {
    type Rejection = Fault;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Fault> {
        Path::<T>::from_request_parts(parts, state).await.map(|Path(t)| Seg(t)).map_err(|_| Fault::no_route())
    }
}

/// A JSON request body as Placement takes it: the content type must be `application/json` (415
/// otherwise), and the bytes are parsed and validated later, after the policy check.
pub struct JsonInput(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for JsonInput {
    type Rejection = Fault;

    async fn from_request(req: Request, state: &S) -> Result<Self, Fault> {
        let ct = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let media = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if media != "application/json" {
            let shown = if media.is_empty() { "None".to_string() } else { media };
            return Err(Fault::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("The media type {shown} is not supported, use application/json"),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Fault::new(StatusCode::PAYLOAD_TOO_LARGE, "Request is too large.")
            } else {
                Fault::bad_request(format!("Could not read the request body: {e}"))
            }
        })?;
        Ok(JsonInput(bytes))
    }
}

impl JsonInput {
    /// Parses and validates the body (placement/util.py extract_json).
    pub fn validated(&self, schema: &Value) -> Result<Value, Fault> {
        let data: Value = serde_json::from_slice(&self.0).map_err(|e| Fault::bad_request(format!("Malformed JSON: {e}")))?;
        super::schema::validate(&data, schema).map_err(|e| Fault::bad_request(format!("JSON does not validate: {e}")))?;
        Ok(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(v: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("openstack-api-version", HeaderValue::from_static(v));
        h
    }

    #[test]
    fn an_unsupported_version_names_the_range_and_has_no_code() {
        let f = negotiate(&headers("placement 1.99")).unwrap_err();
        let body = f.body(None);
        assert_eq!(body["errors"][0]["status"], 406);
        assert_eq!(body["errors"][0]["max_version"], "1.39");
        assert_eq!(body["errors"][0]["min_version"], "1.0");
        assert!(body["errors"][0].get("code").is_none());
        assert!(body["errors"][0]["detail"].as_str().unwrap().contains("Unacceptable version header: 1.99"));
        let bad = negotiate(&headers("placement pony.horse")).unwrap_err();
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body(None)["errors"][0].get("max_version").is_none());
        assert_eq!(negotiate(&headers("placement latest")).unwrap(), Version::new(1, 39));
        assert_eq!(negotiate(&HeaderMap::new()).unwrap(), Version::new(1, 0));
    }

    #[test]
    fn codes_appear_from_1_23_and_the_detail_ends_with_the_message() {
        let f: Fault = Refusal::conflict("resource provider generation conflict", codes::CONCURRENT_UPDATE).into();
        assert!(f.body(Some(Version::new(1, 22)))["errors"][0].get("code").is_none());
        let body = f.body(Some(Version::new(1, 23)));
        assert_eq!(body["errors"][0]["code"], "placement.concurrent_update");
        // osc-placement shows the last line of the detail.
        assert_eq!(
            body["errors"][0]["detail"].as_str().unwrap().split('\n').next_back().unwrap().trim(),
            "resource provider generation conflict"
        );
    }
}
