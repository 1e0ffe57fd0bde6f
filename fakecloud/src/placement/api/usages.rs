//! Usages: a provider's and a project's.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::Params;
use crate::placement::fault::{Mv, Reply, Seg};
use crate::placement::schema::{self};
use crate::placement::views;
use crate::policy::{enforce, Target};
use axum::extract::State;

pub(super) async fn provider_usages(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(uuid): Seg<String>) -> Reply {
    can(&caller, "placement:resource_providers:usages")?;
    let world = s.world();
    let rp = provider_or(&world, &uuid, || format!("{}: {}", no_provider(&uuid), no_provider(&uuid)))?;
    ok(v, &world, views::provider_usages(&world.placement, rp))
}

/// `GET /usages?project_id=&user_id=` (1.9+): admins, or readers of that project.
pub(super) async fn project_usages(caller: Caller, Mv(v): Mv, State(s): State<AppState>, params: Params) -> Reply {
    since(v, 1, 9)?;
    let project = param(&params, "project_id");
    enforce(SVC, &caller, "placement:usages", Target { project_id: project, user_id: None })?;
    validate_query(&params, &schema::usages_query(v))?;
    let project = project.unwrap_or_default();
    let user = param(&params, "user_id");
    let world = s.world();
    let p = &world.placement;
    let body = if v.at_least(1, 38) {
        views::typed_usages(&p.project_usages_by_type(project, user, param(&params, "consumer_type")))
    } else {
        views::project_usages(&p.project_usages(project, user))
    };
    ok(v, &world, body)
}
