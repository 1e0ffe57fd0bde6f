//! The route table: every service registers its routes through `Routes`, which builds the axum
//! `Router` and records each (method, path) beside it. axum cannot list its own routes, and the
//! bad-input and policy tests must walk what the router really exposes, not a hand-kept list.

use crate::cloud::AppState;
use axum::handler::Handler;
use axum::routing::MethodRouter;
use axum::Router;

/// One registered route: an HTTP method and axum's path template (`{id}` for a parameter).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Route {
    pub method: &'static str,
    pub path: String,
}

/// The handlers of one path, and the methods they answer. Built like axum's `get(h).post(h2)`.
pub struct Endpoint {
    router: MethodRouter<AppState>,
    methods: Vec<&'static str>,
}

macro_rules! endpoint_methods {
    ($($name:ident => $method:literal),*) => {
        $(
            #[doc = concat!("A `", $method, "` handler for a new endpoint.")]
            pub fn $name<H, T>(handler: H) -> Endpoint
            where
                H: Handler<T, AppState>,
                T: 'static,
            {
                Endpoint { router: axum::routing::$name(handler), methods: vec![$method] }
            }
        )*
        impl Endpoint {
            $(
                #[doc = concat!("Adds a `", $method, "` handler.")]
                pub fn $name<H, T>(mut self, handler: H) -> Self
                where
                    H: Handler<T, AppState>,
                    T: 'static,
                {
                    self.router = self.router.$name(handler);
                    self.methods.push($method);
                    self
                }
            )*
        }
    };
}

endpoint_methods!(get => "GET", head => "HEAD", post => "POST", put => "PUT", patch => "PATCH", delete => "DELETE");

/// A service's routes: the axum router and its table, kept in step.
#[derive(Clone, Default)]
pub struct Routes {
    router: Router<AppState>,
    table: Vec<Route>,
}

impl Routes {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn route(mut self, path: &str, endpoint: Endpoint) -> Self {
        self.table.extend(endpoint.methods.iter().map(|m| Route { method: m, path: path.to_string() }));
        self.router = self.router.route(path, endpoint.router);
        self
    }

    /// Adds another set of routes at the same level (one file's routes of a service's API).
    pub fn merge(mut self, other: Routes) -> Self {
        self.table.extend(other.table);
        self.router = self.router.merge(other.router);
        self
    }

    /// Mounts `inner` under `prefix`; its `/` answers at the bare prefix, as axum nests it.
    pub fn nest(mut self, prefix: &str, inner: Routes) -> Self {
        self.table.extend(
            inner
                .table
                .into_iter()
                .map(|r| Route { method: r.method, path: if r.path == "/" { prefix.to_string() } else { format!("{prefix}{}", r.path) } }),
        );
        self.router = self.router.nest(prefix, inner.router);
        self
    }

    /// Applies router-wide settings (fallbacks, layers) that add no route.
    pub fn map_router(mut self, f: impl FnOnce(Router<AppState>) -> Router<AppState>) -> Self {
        self.router = f(self.router);
        self
    }

    pub fn table(&self) -> &[Route] {
        &self.table
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}

/// A service and its routes, as `services.rs` lists them.
#[derive(Clone, Copy)]
pub struct Mount {
    pub service: super::service::Service,
    pub routes: fn() -> Routes,
}
