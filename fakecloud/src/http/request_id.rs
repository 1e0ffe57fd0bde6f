//! The request id every OpenStack service puts on its answers: `x-openstack-request-id: req-<uuid>`
//! (oslo.middleware's `RequestId`, first in each service's paste pipeline, so error replies and
//! keystonemiddleware's 401 carry it too), plus whatever other header a service also sends it in
//! (Nova's `x-compute-request-id`), as its `ServiceDef` declares.
//!
//! The id is random (`Uuid::new_v4`), never drawn from the world's seeded ids: reads must not
//! consume world ids, or a replay and a seeded run would stop matching. The one exception is a
//! write that keeps its request id in the world (Nova's instance actions): that id is drawn from the
//! world's ids when the write records it (`current_or`), so a seeded run and its replay keep the
//! same ids. An id is fixed at its first use, so the answer's header names the same one. While a
//! request is handled its id is in a task-local, so that an error body that names it (Placement's
//! `request_id`) names the same one.

use super::service::Service;
use axum::http::HeaderValue;
use axum::response::Response;
use std::future::Future;
use std::sync::{Arc, Mutex};

/// The header every OpenStack service answers with.
pub const HEADER: &str = "x-openstack-request-id";

/// What a request id is, outside a request (a body rendered in a unit test).
pub const NONE: &str = "req-00000000-0000-0000-0000-000000000000";

/// A request's id, fixed at its first use.
type Slot = Arc<Mutex<Option<String>>>;

tokio::task_local! {
    static CURRENT: Slot;
}

/// A fresh id, in oslo's form.
pub fn fresh() -> String {
    format!("req-{}", uuid::Uuid::new_v4())
}

/// Runs `f` (the rest of a request's handling) with `id` as the current request id.
pub async fn scope<F: Future>(id: String, f: F) -> F::Output {
    CURRENT.scope(Arc::new(Mutex::new(Some(id))), f).await
}

/// Runs `f` with a request id fixed at its first use (a fresh one if nothing used it), and
/// returns it with `f`'s output.
pub async fn scope_lazy<F: Future>(f: F) -> (F::Output, String) {
    let slot: Slot = Arc::default();
    let out = CURRENT.scope(slot.clone(), f).await;
    let id = slot.lock().expect("the request id slot").get_or_insert_with(fresh).clone();
    (out, id)
}

/// The id of the request being handled (fixed now if it was not yet), or `NONE` outside one.
pub fn current() -> String {
    current_or(fresh)
}

/// The id of the request being handled; when nothing used it yet, `make` gives it (a write that
/// keeps the id in the world draws it from the world's ids).
pub fn current_or(make: impl FnOnce() -> String) -> String {
    CURRENT.try_with(|slot| slot.lock().expect("the request id slot").get_or_insert_with(make).clone()).unwrap_or_else(|_| NONE.to_string())
}

/// Whether the request being handled has fixed its id (something used it, an error body or a
/// record in the world), so its answer names this request and no other.
pub fn fixed() -> bool {
    CURRENT.try_with(|slot| slot.lock().expect("the request id slot").is_some()).unwrap_or(false)
}

/// Puts the id on a service's answer, in each header the service sends it in.
pub fn stamp(resp: &mut Response, service: Service, id: &str) {
    let Ok(value) = HeaderValue::from_str(id) else { return };
    let headers = resp.headers_mut();
    for name in std::iter::once(HEADER).chain(service.0.request_id_headers.iter().copied()) {
        headers.insert(name, value.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_in_oslos_form_and_differ() {
        let (a, b) = (fresh(), fresh());
        assert!(a.starts_with("req-") && a.len() == 40, "{a}");
        assert!(uuid::Uuid::parse_str(&a[4..]).is_ok());
        assert_ne!(a, b);
    }

    #[tokio::test]
    async fn the_current_id_is_the_scopes() {
        assert_eq!(current(), NONE);
        let id = fresh();
        assert_eq!(scope(id.clone(), async { current() }).await, id);
    }

    #[tokio::test]
    async fn a_lazy_id_is_fixed_by_its_first_use() {
        let (seen, id) = scope_lazy(async { (current_or(|| "req-drawn".into()), current()) }).await;
        assert_eq!(seen, ("req-drawn".to_string(), "req-drawn".to_string()));
        assert_eq!(id, "req-drawn");
        let ((), unused) = scope_lazy(async {}).await;
        assert!(unused.starts_with("req-") && unused.len() == 40, "{unused}");
    }
}
