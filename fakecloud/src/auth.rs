//! The shared auth layer every service uses: the `X-Auth-Token` check (401 as keystonemiddleware
//! gives it) and the caller's identity, project and roles for policy.

use crate::cloud::AppState;
use crate::http::error::ApiError;
use crate::identity::{Scope, Token};
use crate::world::World;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use parking_lot::Mutex;
use std::sync::Arc;

pub const AUTH_TOKEN_HEADER: &str = "x-auth-token";

/// The authenticated caller of a request.
#[derive(Clone, Debug)]
pub struct Caller {
    pub token_id: String,
    pub user_id: String,
    pub user_name: String,
    pub domain_id: String,
    pub project_id: Option<String>,
    pub project_name: Option<String>,
    /// The domain of the token's project (`token.project.domain.id`).
    pub project_domain_id: Option<String>,
    /// The domain a domain-scoped token is scoped to (`token.domain.id`, policy's `domain_id`).
    pub domain_scope: Option<String>,
    pub system: bool,
    pub roles: Vec<String>,
}

impl Caller {
    /// The caller behind a token, if the token is valid at the world's current time.
    pub fn from_token(world: &World, token_id: &str) -> Option<Caller> {
        let idn = &world.identity;
        // Uncounted (`Sim::present`): a kept answer checks its token again each time it is served.
        let t: Token = idn.valid_token(token_id, world.sim.present())?;
        let user = idn.user(&t.user_id)?;
        let project = match &t.scope {
            Scope::Project(id) => idn.project(id.as_str()),
            _ => None,
        };
        Some(Caller {
            token_id: t.id,
            user_id: user.id.clone(),
            user_name: user.name.clone(),
            domain_id: user.domain_id.clone(),
            project_id: project.map(|p| p.id.clone()),
            project_name: project.map(|p| p.name.clone()),
            project_domain_id: project.map(|p| p.domain_id.clone()),
            domain_scope: match &t.scope {
                Scope::Domain(d) => Some(d.clone()),
                _ => None,
            },
            system: t.scope == Scope::System,
            roles: idn.role_names(&t.role_ids),
        })
    }

    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    pub fn is_admin(&self) -> bool {
        self.has_role("admin")
    }
}

/// Where the auth layer leaves who called, for the journal entry written after the response.
#[derive(Clone, Default)]
pub struct CallerSlot(Arc<Mutex<Option<(String, Option<String>)>>>);

impl CallerSlot {
    pub fn set(&self, user_id: &str, project_id: Option<&str>) {
        *self.0.lock() = Some((user_id.to_string(), project_id.map(str::to_string)));
    }

    pub fn take(&self) -> Option<(String, Option<String>)> {
        self.0.lock().take()
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts.headers.get(AUTH_TOKEN_HEADER).and_then(|v| v.to_str().ok()).ok_or_else(ApiError::unauthenticated)?;
        let caller = Caller::from_token(&state.world(), token).ok_or_else(ApiError::unauthenticated)?;
        if let Some(slot) = parts.extensions.get::<CallerSlot>() {
            slot.set(&caller.user_id, caller.project_id.as_deref());
        }
        Ok(caller)
    }
}
