//! Microversion negotiation as the OpenStack services do it: the `OpenStack-API-Version: <service>
//! X.Y` header (and Nova's legacy `X-OpenStack-Nova-API-Version`), `latest`, the minimum when none is
//! asked for, and a 406 outside the supported range. Responses echo the version and add `Vary`.
//!
//! Nova, Cinder and Magnum handlers take the version as an extractor, `Microversion<S>`, where `S`
//! names the service's range; Placement negotiates in a layer, since its errors change shape with
//! the version.

use super::error::ApiError;
use super::service::Service;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use std::fmt;
use std::marker::PhantomData;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
}

impl Version {
    pub const fn new(major: u32, minor: u32) -> Self {
        Version { major, minor }
    }

    pub fn parse(text: &str) -> Option<Version> {
        let (a, b) = text.trim().split_once('.')?;
        if a.is_empty() || b.is_empty() || !a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit()) || a.len() > 4 || b.len() > 4 {
            return None;
        }
        Some(Version { major: a.parse().ok()?, minor: b.parse().ok()? })
    }

    pub fn at_least(self, major: u32, minor: u32) -> bool {
        self >= Version::new(major, minor)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// What a service supports and how it is named in the headers.
#[derive(Clone, Copy, Debug)]
pub struct Range {
    /// The service type in `OpenStack-API-Version` (`compute`, `placement`, `volume`, `container-infra`).
    pub service_type: &'static str,
    /// A legacy header the service also reads and writes (Nova's `X-OpenStack-Nova-API-Version`).
    pub legacy_header: Option<&'static str>,
    pub min: Version,
    pub max: Version,
}

#[derive(Debug, PartialEq)]
pub enum Refusal {
    /// 400: the header is not a version at all.
    Malformed(String),
    /// 406: a version outside the supported range.
    NotAcceptable(String),
}

impl Refusal {
    /// The refusal as the service answers it: 400 for garbage, 406 outside the range.
    pub fn into_error(self, service: Service) -> ApiError {
        match self {
            Refusal::Malformed(m) => ApiError::bad_request(service, m),
            Refusal::NotAcceptable(m) => ApiError::new(service, StatusCode::NOT_ACCEPTABLE, m),
        }
    }
}

/// A microversioned API: its range and the service whose error format a refusal takes.
pub trait Microversioned {
    const RANGE: Range;
    const SERVICE: Service;
}

/// The version a request asks for, negotiated against `S`'s range before the handler runs (as the
/// services' WSGI layer does, ahead of the controller's policy check).
pub struct Microversion<S>(pub Version, pub PhantomData<S>);

impl<S: Microversioned, St: Send + Sync> FromRequestParts<St> for Microversion<S> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &St) -> Result<Self, ApiError> {
        S::RANGE.negotiate(&parts.headers).map(|v| Microversion(v, PhantomData)).map_err(|r| r.into_error(S::SERVICE))
    }
}

impl Range {
    /// The version the request asks for, within the range.
    pub fn negotiate(&self, headers: &HeaderMap) -> Result<Version, Refusal> {
        let asked = self.requested(headers);
        let Some(text) = asked else { return Ok(self.min) };
        if text.eq_ignore_ascii_case("latest") {
            return Ok(self.max);
        }
        let v = Version::parse(&text).ok_or_else(|| {
            Refusal::Malformed(format!("API Version String {text} is of invalid format. Must be of format MajorNum.MinorNum."))
        })?;
        if v < self.min || v > self.max {
            return Err(Refusal::NotAcceptable(format!(
                "Version {v} is not supported by the API. Minimum is {} and maximum is {}.",
                self.min, self.max
            )));
        }
        Ok(v)
    }

    fn requested(&self, headers: &HeaderMap) -> Option<String> {
        for value in headers.get_all("openstack-api-version") {
            let Ok(value) = value.to_str() else { continue };
            // One header may carry several services: "compute 2.87, placement 1.29".
            for part in value.split(',') {
                let mut words = part.split_whitespace();
                if words.next().is_some_and(|s| s.eq_ignore_ascii_case(self.service_type)) {
                    if let Some(v) = words.next() {
                        return Some(v.to_string());
                    }
                }
            }
        }
        self.legacy_header.and_then(|h| headers.get(h)).and_then(|v| v.to_str().ok()).map(|s| s.trim().to_string())
    }

    /// The response headers that tell the client which version answered.
    pub fn response_headers(&self, v: Version, headers: &mut HeaderMap) {
        if let Ok(value) = HeaderValue::from_str(&format!("{} {v}", self.service_type)) {
            headers.insert("openstack-api-version", value);
        }
        let mut vary = "OpenStack-API-Version".to_string();
        if let Some(legacy) = self.legacy_header {
            if let Ok(value) = HeaderValue::from_str(&v.to_string()) {
                headers.insert(legacy, value);
            }
            vary.push_str(", X-OpenStack-Nova-API-Version");
        }
        if let Ok(value) = HeaderValue::from_str(&vary) {
            headers.insert("vary", value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOVA: Range = Range {
        service_type: "compute",
        legacy_header: Some("x-openstack-nova-api-version"),
        min: Version::new(2, 1),
        max: Version::new(2, 96),
    };

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn both_headers_latest_and_default() {
        assert_eq!(NOVA.negotiate(&headers(&[])).unwrap(), Version::new(2, 1));
        assert_eq!(NOVA.negotiate(&headers(&[("openstack-api-version", "compute 2.87")])).unwrap(), Version::new(2, 87));
        assert_eq!(NOVA.negotiate(&headers(&[("x-openstack-nova-api-version", "2.60")])).unwrap(), Version::new(2, 60));
        assert_eq!(NOVA.negotiate(&headers(&[("openstack-api-version", "compute latest")])).unwrap(), Version::new(2, 96));
        assert_eq!(NOVA.negotiate(&headers(&[("openstack-api-version", "placement 1.29, compute 2.88")])).unwrap(), Version::new(2, 88));
    }

    #[test]
    fn out_of_range_is_406_and_garbage_is_400() {
        assert!(matches!(NOVA.negotiate(&headers(&[("openstack-api-version", "compute 2.100")])), Err(Refusal::NotAcceptable(_))));
        assert!(matches!(NOVA.negotiate(&headers(&[("openstack-api-version", "compute two")])), Err(Refusal::Malformed(_))));
        assert!(matches!(NOVA.negotiate(&headers(&[("openstack-api-version", "compute 2.99999999")])), Err(Refusal::Malformed(_))));
    }
}
