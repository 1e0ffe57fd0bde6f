//! The dashboard's two pages: `/dashboard` redirects to the login page, which answers 200. Each
//! answer carries HAProxy's `SERVERID` cookie naming the controller that served it; with no
//! controller able to, HAProxy answers 503 itself.

use crate::cloud::AppState;
use crate::http::routes::{get, Routes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// HAProxy's answer when every server of a backend is down.
const NO_SERVER: &str = "<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n";

pub fn router() -> Routes {
    Routes::new().route("/", get(index)).route("/auth/login", get(login))
}

/// The controller that serves the dashboard now, as HAProxy's `SERVERID` names it.
fn backend(s: &AppState) -> Option<String> {
    let w = s.world();
    let now = w.now();
    w.overcloud.serving_backend("horizon", "horizon", now).map(|b| b.name.clone())
}

fn unavailable() -> Response {
    let mut r = (StatusCode::SERVICE_UNAVAILABLE, NO_SERVER).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

/// Apache's and Django's headers, and HAProxy's cookie.
fn served_by(mut r: Response, server: &str) -> Response {
    let h = r.headers_mut();
    h.insert(header::SERVER, HeaderValue::from_static("Apache"));
    h.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static("en"));
    h.insert("x-frame-options", HeaderValue::from_static("SAMEORIGIN"));
    if let Ok(v) = HeaderValue::from_str(&format!("SERVERID={server}; path=/")) {
        h.append(header::SET_COOKIE, v);
    }
    r
}

async fn index(State(s): State<AppState>, headers: HeaderMap) -> Response {
    let Some(server) = backend(&s) else { return unavailable() };
    // Django redirects to an absolute URL on the host the request named.
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let location = format!("http://{host}/dashboard/auth/login/?next=/dashboard/");
    let mut r = (StatusCode::FOUND, "").into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept-Language,Cookie"));
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    served_by(r, &server)
}

async fn login(State(s): State<AppState>) -> Response {
    let Some(server) = backend(&s) else { return unavailable() };
    let page = "<!DOCTYPE html>\n<html>\n<head><title>Login - OpenStack Dashboard</title></head>\n<body id=\"splash\">\n<form id=\"\" class=\"ng-pristine ng-valid\" action=\"/dashboard/auth/login/\" method=\"POST\">\n<h3 class=\"login-title\">Log in</h3>\n<input id=\"id_username\" name=\"username\" type=\"text\">\n<input id=\"id_password\" name=\"password\" type=\"password\">\n<button type=\"submit\" class=\"btn btn-primary\">Sign In</button>\n</form>\n</body>\n</html>\n";
    let mut r = (StatusCode::OK, page).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache, no-store, must-revalidate, max-age=0"));
    h.insert(header::VARY, HeaderValue::from_static("Cookie,Accept-Language,Accept-Encoding"));
    served_by(r, &server)
}
