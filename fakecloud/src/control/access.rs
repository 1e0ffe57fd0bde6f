//! Who may drive the control API. It resets the cloud, moves its clock, runs the fake shell and
//! hands out snapshots, so it answers only its owner, whatever else can reach the port:
//! - **no browser**: a request with a foreign `Origin` (or `Sec-Fetch-Site: cross-site`) is refused,
//!   and a write's body must be declared JSON, which a page cannot send cross-origin without a
//!   preflight fakecloud never answers; so a web page open in the user's browser cannot post a form
//!   to `/_fakecloud/reset`;
//! - **loopback names only**: the `Host` must be a loopback name (`localhost`, `127.x.x.x`, `[::1]`)
//!   or one the operator allowed (`--control-allow-host`), which defeats DNS rebinding;
//! - **an optional token** (`--control-token`): every call must carry `Authorization: Bearer
//!   <token>`; a call that does is trusted from any `Host`.
//!
//! The OpenStack APIs are never behind any of this: a tool under test needs no token.

use crate::cloud::{AppState, ControlAccess};
use crate::http::error::ApiError;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use sha2::{Digest, Sha256};

/// The environment variable the clients (`fakecloud ctl`, the fake shell, the harness's `sleep`)
/// read the token from, and that `fakecloud serve` takes it from.
pub const TOKEN_ENV: &str = "FAKECLOUD_CONTROL_TOKEN";

/// The middleware in front of every control route.
pub async fn guard(Extension(cloud): Extension<AppState>, req: Request, next: Next) -> Response {
    match admit(&cloud.config.control, req.method(), req.headers()) {
        Ok(()) => next.run(req).await,
        Err(refusal) => refusal,
    }
}

fn refuse(status: StatusCode, message: String) -> Response {
    ApiError::new(crate::control::SERVICE, status, message).into_response()
}

/// Admits a control call, or answers why not.
pub fn admit(access: &ControlAccess, method: &Method, headers: &HeaderMap) -> Result<(), Response> {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let host = text(header::HOST).unwrap_or("");
    // A browser names the page that made the call; only the cloud's own origin may.
    if let Some(origin) = headers.get(header::ORIGIN) {
        let same =
            origin.to_str().ok().and_then(|o| o.split_once("://")).is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host));
        if !same {
            let shown = String::from_utf8_lossy(origin.as_bytes());
            return Err(refuse(StatusCode::FORBIDDEN, format!("control calls from another origin ({shown}) are refused")));
        }
    }
    if text(header::HeaderName::from_static("sec-fetch-site")) == Some("cross-site") {
        return Err(refuse(StatusCode::FORBIDDEN, "control calls from another site are refused".into()));
    }
    if !matches!(*method, Method::GET | Method::HEAD) {
        let has_body = text(header::CONTENT_LENGTH).is_some_and(|n| n != "0") || headers.contains_key(header::TRANSFER_ENCODING);
        match text(header::CONTENT_TYPE) {
            Some(t) if is_json(t) => {}
            None if !has_body => {}
            other => {
                let got = other.unwrap_or("none");
                return Err(refuse(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    format!("a control call's body must be application/json (Content-Type: {got})"),
                ));
            }
        }
    }
    let with_token = match &access.token {
        None => false,
        Some(expected) => {
            let presented = text(header::AUTHORIZATION).and_then(|v| v.strip_prefix("Bearer ")).map(str::trim);
            if !presented.is_some_and(|p| same_secret(p, expected)) {
                let mut r = refuse(
                    StatusCode::UNAUTHORIZED,
                    format!("this fakecloud's control API needs its token: send Authorization: Bearer <token> (fakecloud ctl reads {TOKEN_ENV})"),
                );
                r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"fakecloud control\""));
                return Err(r);
            }
            true
        }
    };
    // The token proves the caller, wherever it resolved the cloud's name; without one, only names
    // that cannot be rebound to this port from a web page are answered.
    if !with_token && !host_allowed(host, &access.allowed_hosts) {
        let shown = if host.is_empty() { "none" } else { host };
        return Err(refuse(
            StatusCode::FORBIDDEN,
            format!(
                "the control API answers loopback host names only (Host: {shown}); allow this one with --control-allow-host, or set a --control-token"
            ),
        ));
    }
    Ok(())
}

/// `application/json` or any `+json` type, parameters aside.
fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Compares digests, so the time taken says nothing about how much of the token was right.
fn same_secret(presented: &str, expected: &str) -> bool {
    Sha256::digest(presented.as_bytes()) == Sha256::digest(expected.as_bytes())
}

/// The host name of a `Host` header value: `[::1]:5000` gives `::1`, `localhost:5000` `localhost`.
fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("");
    }
    host.rsplit_once(':').filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit())).map_or(host, |(name, _)| name)
}

/// Loopback names (which a web page cannot rebind to), or one the operator allowed.
pub fn host_allowed(host: &str, allowed: &[String]) -> bool {
    let name = host_name(host).trim_end_matches('.').to_ascii_lowercase();
    if name.is_empty() {
        return false;
    }
    let loopback = name == "localhost" || name.ends_with(".localhost") || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    loopback || allowed.iter().any(|a| a == "*" || host_name(a).eq_ignore_ascii_case(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_pass_and_others_only_when_allowed() {
        for host in ["127.0.0.1:5000", "localhost", "LOCALHOST:80", "[::1]:5000", "api.localhost:5000", "127.8.9.1"] {
            assert!(host_allowed(host, &[]), "{host}");
        }
        for host in ["evil.example:5000", "", "10.0.0.5:5000", "[::2]:1", "localhost.evil.example"] {
            assert!(!host_allowed(host, &[]), "{host}");
        }
        assert!(host_allowed("fakecloud:5000", &["fakecloud".into()]));
        assert!(host_allowed("anything:1", &["*".into()]));
    }

    #[test]
    fn json_types_are_told_from_the_ones_a_form_sends() {
        assert!(is_json("application/json; charset=utf-8"));
        assert!(is_json("application/merge-patch+json"));
        for t in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx"] {
            assert!(!is_json(t), "{t}");
        }
    }
}
