//! Token issue and validation, with Keystone's rules: password, application credential and token
//! methods; project, domain, system, trust or no scope; default-project scoping; expiry on the
//! virtual clock. Roles are the effective ones (groups, inheritance, implied roles), as
//! `GET /v3/role_assignments?effective` lists them. Every authentication failure is the same
//! generic 401, as Keystone answers without `insecure_debug`. Revocation is in revoke.rs.

use super::model::{Identity, Scope, Target, Token};
use crate::sim::{Ids, SimTime};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Deserialize)]
pub struct AuthBody {
    pub auth: AuthRequest,
}

#[derive(Debug, Deserialize)]
pub struct AuthRequest {
    pub identity: IdentityMethods,
    #[serde(default)]
    pub scope: Option<Value>,
}

#[derive(Debug, Deserialize)]
pub struct IdentityMethods {
    pub methods: Vec<String>,
    #[serde(default)]
    pub password: Option<PasswordMethod>,
    #[serde(default)]
    pub application_credential: Option<AppCredMethod>,
    #[serde(default)]
    pub token: Option<TokenMethod>,
}

#[derive(Debug, Deserialize)]
pub struct PasswordMethod {
    pub user: UserRef,
}

#[derive(Debug, Deserialize)]
pub struct UserRef {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub domain: Option<NamedRef>,
    #[serde(default)]
    pub password: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct NamedRef {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct AppCredMethod {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    pub secret: String,
    #[serde(default)]
    pub user: Option<UserRef>,
}

#[derive(Debug, Deserialize)]
pub struct TokenMethod {
    pub id: String,
}

#[derive(Debug, PartialEq)]
pub enum AuthFailure {
    /// 400: the request does not have the shape Keystone's schema asks for.
    BadRequest(String),
    /// 401: wrong credentials, no access to the scope, or anything else Keystone hides.
    Unauthorized,
    /// 403: a trust the user may not use.
    Forbidden(String),
    /// 404: a trust that is not there (or no longer usable).
    NotFound(String),
}

use AuthFailure::{BadRequest, Forbidden, NotFound, Unauthorized};

/// What a scope names: Keystone's scopes, and a trust to act through.
enum Requested {
    Scope(Scope),
    Trust(String),
}

/// Who authenticated and how, before scoping.
struct Authenticated {
    user_id: String,
    app_cred_id: Option<String>,
    /// A token method keeps the original token's expiry.
    expires_cap: Option<SimTime>,
    trust_id: Option<String>,
}

impl Token {
    /// A scoped token whose user no longer holds any role there (Keystone's validation fails).
    fn lost_its_scope(&self) -> bool {
        self.scope != Scope::Unscoped && self.role_ids.is_empty() && self.app_cred_id.is_none() && self.trust_id.is_none()
    }
}

/// What a token carries. Short field names keep the token near Keystone's length (about 250
/// characters); times are microseconds since the epoch, as precise as the clock.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Payload {
    #[serde(rename = "u")]
    user_id: String,
    #[serde(rename = "m")]
    methods: Vec<String>,
    #[serde(rename = "s")]
    scope: Scope,
    #[serde(rename = "i", with = "chrono::serde::ts_microseconds")]
    issued_at: SimTime,
    #[serde(rename = "e", with = "chrono::serde::ts_microseconds")]
    expires_at: SimTime,
    #[serde(rename = "a")]
    audit_ids: Vec<String>,
    #[serde(rename = "c", default, skip_serializing_if = "Option::is_none")]
    app_cred_id: Option<String>,
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    trust_id: Option<String>,
    /// The roles of an application credential or trust token, fixed when it was issued; a plain
    /// token's roles are worked out at each validation instead.
    #[serde(rename = "r", default, skip_serializing_if = "Vec::is_empty")]
    fixed_role_ids: Vec<String>,
    /// The issue's place in the cloud's order of issues and revocations: a revocation event
    /// matches the tokens issued before it, even within the same instant of simulated time.
    #[serde(rename = "n")]
    serial: u64,
}

fn scope_project(scope: &Scope) -> Option<&str> {
    match scope {
        Scope::Project(p) => Some(p),
        _ => None,
    }
}

/// keystone.conf [token] allow_expired_window.
pub const ALLOW_EXPIRED_WINDOW_SECS: i64 = 48 * 3600;

impl Identity {
    /// Issues a token for a `POST /v3/auth/tokens` body; returns its id.
    pub fn issue_token(&mut self, req: &AuthRequest, now: SimTime, ids: &mut Ids) -> Result<String, AuthFailure> {
        let m = &req.identity;
        if m.methods.is_empty() {
            return Err(BadRequest("Invalid input for field 'identity/methods': [] is too short".into()));
        }
        let mut who: Option<Authenticated> = None;
        // A token method carries the methods the original token was issued with, as Keystone's
        // token plugin adds them.
        let mut methods = m.methods.clone();
        for method in &m.methods {
            let next = match method.as_str() {
                "password" => self.by_password(m.password.as_ref().ok_or_else(|| missing("password", "identity"))?)?,
                "application_credential" => {
                    self.by_app_cred(m.application_credential.as_ref().ok_or_else(|| missing("application_credential", "identity"))?, now)?
                }
                "token" => {
                    let t = m.token.as_ref().ok_or_else(|| missing("token", "identity"))?;
                    let next = self.by_token(t, now)?;
                    for old in self.valid_token(&t.id, now).map(|x| x.methods.clone()).unwrap_or_default() {
                        if !methods.contains(&old) {
                            methods.push(old);
                        }
                    }
                    next
                }
                _ => return Err(Unauthorized),
            };
            // Several methods (MFA) must all name the same user.
            if let Some(prev) = &who {
                if prev.user_id != next.user_id {
                    return Err(Unauthorized);
                }
            }
            who = Some(next);
        }
        let mut who = who.expect("methods is not empty");
        // A disabled user, or a user of a disabled domain, gets no token.
        if !self.user_active(&who.user_id) {
            return Err(Unauthorized);
        }

        let (scope, role_ids) = match &who.app_cred_id {
            Some(ac_id) => {
                // An application credential carries its own scope; asking for another is refused.
                if req.scope.is_some() {
                    return Err(Unauthorized);
                }
                let ac = self.app_cred(ac_id).expect("authenticated above");
                (Scope::Project(ac.project_id.clone()), self.expand_roles(&ac.role_ids))
            }
            None => {
                let requested = match &req.scope {
                    None => Requested::Scope(self.default_scope(&who.user_id)),
                    Some(s) => self.parse_scope(s)?,
                };
                match requested {
                    Requested::Trust(trust_id) => {
                        let (user_id, scope, roles, cap) = self.through_trust(&who.user_id, &trust_id, now)?;
                        who.user_id = user_id;
                        who.trust_id = Some(trust_id);
                        who.expires_cap = match (who.expires_cap, cap) {
                            (Some(a), Some(b)) => Some(a.min(b)),
                            (a, b) => a.or(b),
                        };
                        (scope, roles)
                    }
                    Requested::Scope(scope) => {
                        let roles = match &scope {
                            Scope::Unscoped => vec![],
                            Scope::Project(id) => self.effective_role_ids(&who.user_id, &Target::Project(id.clone())),
                            Scope::Domain(id) => self.effective_role_ids(&who.user_id, &Target::Domain(id.clone())),
                            Scope::System => self.effective_role_ids(&who.user_id, &Target::System),
                        };
                        if scope != Scope::Unscoped && roles.is_empty() {
                            return Err(Unauthorized);
                        }
                        (scope, roles)
                    }
                }
            }
        };

        let mut expires_at = now + Duration::seconds(self.token_lifetime_secs as i64);
        if let Some(cap) = who.expires_cap {
            expires_at = expires_at.min(cap);
        }
        if let Some(ac_exp) = who.app_cred_id.as_deref().and_then(|id| self.app_cred(id)).and_then(|c| c.expires_at) {
            expires_at = expires_at.min(ac_exp);
        }
        let fixed_role_ids = if who.app_cred_id.is_some() || who.trust_id.is_some() { role_ids } else { vec![] };
        self.token_serial += 1;
        let payload = Payload {
            user_id: who.user_id,
            methods,
            scope,
            issued_at: now,
            expires_at,
            audit_ids: vec![ids.audit_id()],
            app_cred_id: who.app_cred_id,
            trust_id: who.trust_id,
            fixed_role_ids,
            serial: self.token_serial,
        };
        Ok(self.token_key.seal(payload.issued_at.timestamp(), &payload))
    }

    /// The token a string seals, whatever its state now (expired, revoked); for the journal,
    /// which names tokens by audit id.
    pub fn open_token(&self, id: &str) -> Option<(Token, u64)> {
        let p: Payload = self.token_key.open(id)?;
        let role_ids = if p.app_cred_id.is_some() || p.trust_id.is_some() {
            p.fixed_role_ids
        } else {
            match &p.scope {
                Scope::Unscoped => vec![],
                Scope::Project(x) => self.effective_role_ids(&p.user_id, &Target::Project(x.clone())),
                Scope::Domain(x) => self.effective_role_ids(&p.user_id, &Target::Domain(x.clone())),
                Scope::System => self.effective_role_ids(&p.user_id, &Target::System),
            }
        };
        let token = Token {
            id: id.to_string(),
            user_id: p.user_id,
            methods: p.methods,
            scope: p.scope,
            role_ids,
            issued_at: p.issued_at,
            expires_at: p.expires_at,
            audit_ids: p.audit_ids,
            app_cred_id: p.app_cred_id,
            trust_id: p.trust_id,
        };
        Some((token, p.serial))
    }

    /// A token this cloud sealed, not expired at `now`, not revoked, and still standing on what it
    /// was issued for: Keystone checks at each validation that the user and its domain are
    /// enabled, the scope's project or domain still exists and is enabled, the application
    /// credential it came through still exists, and a plain token's user still has roles
    /// on its scope (worked out again each time, so a grant or a role change reaches tokens
    /// already issued; a scoped token left without roles stops working until a grant gives it
    /// some again).
    pub fn valid_token(&self, id: &str, now: SimTime) -> Option<Token> {
        self.standing_token(id).filter(|t| now < t.expires_at)
    }

    fn standing_token(&self, id: &str) -> Option<Token> {
        let (t, serial) = self.open_token(id)?;
        let stands = !t.lost_its_scope()
            && !self.revoked.matches(&t.audit_ids, &t.user_id, scope_project(&t.scope), t.trust_id.as_deref(), serial)
            && self.user_active(&t.user_id)
            && t.app_cred_id.as_deref().is_none_or(|c| self.app_cred(c).is_some())
            && match &t.scope {
                Scope::Project(p) => self.project_active(p),
                Scope::Domain(d) => self.domain_active(d),
                Scope::System | Scope::Unscoped => true,
            };
        stands.then_some(t)
    }

    /// A token that has not expired, or expired less than Keystone's `allow_expired_window` (two
    /// days) ago, for `GET /v3/auth/tokens?allow_expired=1`.
    pub fn token_allowing_expired(&self, id: &str, now: SimTime) -> Option<Token> {
        self.standing_token(id).filter(|t| now < t.expires_at + Duration::seconds(ALLOW_EXPIRED_WINDOW_SECS))
    }

    /// Acting through a trust: the authenticated user must be its trustee; the token's user is the
    /// trustor when the trust impersonates; its roles are the trust's (with what they imply) that
    /// the trustor still holds, and every one must still be held. A use is consumed.
    fn through_trust(
        &mut self,
        user_id: &str,
        trust_id: &str,
        now: SimTime,
    ) -> Result<(String, Scope, Vec<String>, Option<SimTime>), AuthFailure> {
        let trust = self.trust(trust_id, now).map_err(|e| NotFound(e.message().to_string()))?.clone();
        if trust.trustee_user_id != user_id {
            return Err(Forbidden("User is not a trustee.".into()));
        }
        let trustor = self.user(&trust.trustor_user_id).filter(|u| u.enabled).ok_or(Unauthorized)?;
        let token_user = if trust.impersonation { trustor.id.clone() } else { user_id.to_string() };
        let (scope, roles) = match &trust.project_id {
            Some(p) => {
                self.project(p).filter(|x| x.enabled).ok_or(Unauthorized)?;
                let q = super::assignments::AssignmentQuery {
                    user_id: Some(trust.trustor_user_id.clone()),
                    project_id: Some(p.clone()),
                    effective: true,
                    ..Default::default()
                };
                let held: Vec<String> = self.effective_assignments(&q, false).into_iter().map(|a| a.role_id).collect();
                let mut roles = vec![];
                for r in self.expand_roles(&trust.role_ids) {
                    if !held.contains(&r) {
                        return Err(Forbidden("Trustee has no delegated roles.".into()));
                    }
                    if self.role(&r).is_some_and(|role| role.domain_id.is_none()) {
                        roles.push(r);
                    }
                }
                (Scope::Project(p.clone()), roles)
            }
            None => (Scope::Unscoped, vec![]),
        };
        if let Some(t) = self.trusts.iter_mut().find(|t| t.id == trust_id) {
            if let Some(n) = t.remaining_uses.as_mut() {
                *n -= 1;
            }
        }
        Ok((token_user, scope, roles, trust.expires_at))
    }

    fn by_password(&self, p: &PasswordMethod) -> Result<Authenticated, AuthFailure> {
        let password = p.user.password.as_deref().ok_or_else(|| missing("password", "user"))?;
        let user_id = self.resolve_user(&p.user)?;
        let user = self.user(&user_id).ok_or(Unauthorized)?;
        if user.password.as_deref() != Some(password) {
            return Err(Unauthorized);
        }
        Ok(Authenticated { user_id, app_cred_id: None, expires_cap: None, trust_id: None })
    }

    fn by_app_cred(&self, a: &AppCredMethod, now: SimTime) -> Result<Authenticated, AuthFailure> {
        let cred = match (&a.id, &a.name) {
            (Some(id), _) => self.app_cred(id),
            (None, Some(name)) => {
                let user = a
                    .user
                    .as_ref()
                    .ok_or_else(|| BadRequest("Could not find user for application credential: a name needs a user.".into()))?;
                let user_id = self.resolve_user(user)?;
                self.app_creds.iter().find(|c| &c.name == name && c.user_id == user_id)
            }
            (None, None) => return Err(BadRequest("Expecting to find id or name in application_credential.".into())),
        }
        .ok_or(Unauthorized)?;
        if cred.secret != a.secret || cred.expires_at.is_some_and(|e| e <= now) {
            return Err(Unauthorized);
        }
        Ok(Authenticated { user_id: cred.user_id.clone(), app_cred_id: Some(cred.id.clone()), expires_cap: None, trust_id: None })
    }

    fn by_token(&self, t: &TokenMethod, now: SimTime) -> Result<Authenticated, AuthFailure> {
        let old = self.valid_token(&t.id, now).ok_or(Unauthorized)?;
        if old.trust_id.is_some() {
            // keystone: a trust-scoped token cannot be rescoped.
            return Err(Forbidden("You are not authorized to perform the requested action.".into()));
        }
        Ok(Authenticated {
            user_id: old.user_id.clone(),
            app_cred_id: old.app_cred_id.clone(),
            expires_cap: Some(old.expires_at),
            trust_id: None,
        })
    }

    fn resolve_user(&self, u: &UserRef) -> Result<String, AuthFailure> {
        if let Some(id) = &u.id {
            return self.user(id).map(|u| u.id.clone()).ok_or(Unauthorized);
        }
        let name = u.name.as_deref().ok_or_else(|| missing("id or name", "user"))?;
        let domain = u.domain.as_ref().ok_or_else(|| missing("domain", "user"))?;
        let domain_id = self.resolve_domain(domain)?;
        self.users.iter().find(|x| x.name == name && x.domain_id == domain_id).map(|u| u.id.clone()).ok_or(Unauthorized)
    }

    fn resolve_domain(&self, d: &NamedRef) -> Result<String, AuthFailure> {
        match (&d.id, &d.name) {
            (Some(id), _) => self.domain(id),
            (None, Some(name)) => self.domain_named(name),
            (None, None) => return Err(missing("id or name", "domain")),
        }
        .filter(|d| d.enabled)
        .map(|d| d.id.clone())
        .ok_or(Unauthorized)
    }

    /// Keystone scopes a scope-less request to the user's default project when the user holds a role
    /// there; otherwise the token is unscoped.
    fn default_scope(&self, user_id: &str) -> Scope {
        let user = self.user(user_id).expect("resolved");
        match &user.default_project_id {
            Some(p) if !self.effective_role_ids(user_id, &Target::Project(p.clone())).is_empty() => Scope::Project(p.clone()),
            _ => Scope::Unscoped,
        }
    }

    fn parse_scope(&self, scope: &Value) -> Result<Requested, AuthFailure> {
        if scope.as_str() == Some("unscoped") {
            return Ok(Requested::Scope(Scope::Unscoped));
        }
        let obj = scope.as_object().ok_or_else(|| BadRequest("Invalid input for field 'scope': expected an object".into()))?;
        if obj.len() != 1 {
            return Err(BadRequest("Invalid input for field 'scope': exactly one of project, domain or system is expected".into()));
        }
        let (kind, body) = obj.iter().next().expect("one entry");
        if kind == "OS-TRUST:trust" {
            let t: NamedRef = crate::http::extract::from_value_strict(body)
                .map_err(|e| BadRequest(format!("Invalid input for field 'scope/OS-TRUST:trust': {e}")))?;
            return t.id.map(Requested::Trust).ok_or_else(|| missing("id", "trust"));
        }
        let scope = match kind.as_str() {
            "project" => {
                let p: ProjectRef = crate::http::extract::from_value_strict(body)
                    .map_err(|e| BadRequest(format!("Invalid input for field 'scope/project': {e}")))?;
                let project = match (&p.id, &p.name) {
                    (Some(id), _) => self.project(id),
                    (None, Some(name)) => {
                        let domain = p.domain.as_ref().ok_or_else(|| missing("domain", "project"))?;
                        let domain_id = self.resolve_domain(domain)?;
                        self.projects.iter().find(|x| &x.name == name && x.domain_id == domain_id)
                    }
                    (None, None) => return Err(missing("id or name", "project")),
                };
                project.filter(|p| self.project_active(&p.id)).map(|p| Scope::Project(p.id.clone())).ok_or(Unauthorized)
            }
            "domain" => {
                let d: NamedRef = crate::http::extract::from_value_strict(body)
                    .map_err(|e| BadRequest(format!("Invalid input for field 'scope/domain': {e}")))?;
                Ok(Scope::Domain(self.resolve_domain(&d)?))
            }
            "system" => match body.get("all") {
                Some(Value::Bool(true)) => Ok(Scope::System),
                _ => Err(BadRequest("Invalid input for field 'scope/system': {'all': true} is expected".into())),
            },
            other => Err(BadRequest(format!("Invalid input for field 'scope': unsupported scope '{other}'"))),
        };
        scope.map(Requested::Scope)
    }
}

#[derive(Debug, Deserialize)]
struct ProjectRef {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    domain: Option<NamedRef>,
}

fn missing(what: &str, within: &str) -> AuthFailure {
    BadRequest(format!(
        "Expecting to find {what} in {within}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use chrono::TimeZone;
    use serde_json::json;

    fn setup() -> (Identity, Ids, SimTime) {
        let mut ids = Ids::new(0);
        let idn = Identity::from_fixture(&Fixture::default_cloud(), &mut ids).unwrap();
        (idn, ids, chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap())
    }

    fn req(v: Value) -> AuthRequest {
        serde_json::from_value::<AuthBody>(v).unwrap().auth
    }

    fn password(user: &str, pw: &str, scope: Option<Value>) -> AuthRequest {
        let mut body = json!({"auth": {"identity": {"methods": ["password"],
            "password": {"user": {"name": user, "domain": {"name": "Default"}, "password": pw}}}}});
        if let Some(s) = scope {
            body["auth"]["scope"] = s;
        }
        req(body)
    }

    #[test]
    fn password_with_project_scope_carries_implied_roles() {
        let (mut idn, mut ids, now) = setup();
        let scope = json!({"project": {"name": "admin", "domain": {"name": "Default"}}});
        let id = idn.issue_token(&password("admin", "admin-secret", Some(scope)), now, &mut ids).unwrap();
        let t = idn.valid_token(&id, now).unwrap();
        assert_eq!(idn.role_names(&t.role_ids), vec!["admin", "manager", "member", "reader"]);
        assert_eq!(t.expires_at - now, Duration::seconds(3600));
    }

    #[test]
    fn wrong_password_and_unknown_user_are_the_same_401() {
        let (mut idn, mut ids, now) = setup();
        assert_eq!(idn.issue_token(&password("admin", "nope", None), now, &mut ids), Err(Unauthorized));
        assert_eq!(idn.issue_token(&password("ghost", "x", None), now, &mut ids), Err(Unauthorized));
    }

    #[test]
    fn project_without_a_role_is_refused() {
        let (mut idn, mut ids, now) = setup();
        let scope = json!({"project": {"name": "admin", "domain": {"name": "Default"}}});
        assert_eq!(idn.issue_token(&password("demo", "demo-secret", Some(scope)), now, &mut ids), Err(Unauthorized));
    }

    #[test]
    fn no_scope_uses_the_default_project() {
        let (mut idn, mut ids, now) = setup();
        let id = idn.issue_token(&password("demo", "demo-secret", None), now, &mut ids).unwrap();
        let demo = idn.project_named("demo").unwrap().id.clone();
        assert_eq!(idn.valid_token(&id, now).unwrap().scope, Scope::Project(demo));
        let id = idn.issue_token(&password("demo", "demo-secret", Some(json!("unscoped"))), now, &mut ids).unwrap();
        assert_eq!(idn.valid_token(&id, now).unwrap().scope, Scope::Unscoped);
    }

    #[test]
    fn system_scope_needs_a_system_role() {
        let (mut idn, mut ids, now) = setup();
        let sys = json!({"system": {"all": true}});
        assert!(idn.issue_token(&password("admin", "admin-secret", Some(sys.clone())), now, &mut ids).is_ok());
        assert_eq!(idn.issue_token(&password("demo", "demo-secret", Some(sys)), now, &mut ids), Err(Unauthorized));
    }

    #[test]
    fn application_credential_scopes_itself_and_refuses_a_scope() {
        let (mut idn, mut ids, now) = setup();
        let ac = idn.app_creds[0].id.clone();
        let body = json!({"auth": {"identity": {"methods": ["application_credential"],
            "application_credential": {"id": ac, "secret": "demo-ci-secret"}}}});
        let id = idn.issue_token(&req(body.clone()), now, &mut ids).unwrap();
        assert!(matches!(idn.valid_token(&id, now).unwrap().scope, Scope::Project(_)));
        let mut scoped = body;
        scoped["auth"]["scope"] = json!({"project": {"name": "demo", "domain": {"name": "Default"}}});
        assert_eq!(idn.issue_token(&req(scoped), now, &mut ids), Err(Unauthorized));
    }

    #[test]
    fn tokens_expire_and_can_be_revoked() {
        let (mut idn, mut ids, now) = setup();
        let id = idn.issue_token(&password("admin", "admin-secret", None), now, &mut ids).unwrap();
        assert!(idn.valid_token(&id, now + Duration::seconds(3599)).is_some());
        assert!(idn.valid_token(&id, now + Duration::seconds(3600)).is_none());
        assert!(idn.revoke_token(&id, now));
        assert!(!idn.revoke_token(&id, now));
    }

    #[test]
    fn a_rescoped_token_keeps_the_original_methods_and_expiry() {
        let (mut idn, mut ids, now) = setup();
        let first = idn.issue_token(&password("admin", "admin-secret", Some(json!("unscoped"))), now, &mut ids).unwrap();
        let later = now + Duration::seconds(600);
        let body = json!({"auth": {"identity": {"methods": ["token"], "token": {"id": first}},
            "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}});
        let id = idn.issue_token(&req(body), later, &mut ids).unwrap();
        let t = idn.valid_token(&id, later).unwrap();
        assert_eq!(t.methods, ["token", "password"]);
        assert_eq!(t.expires_at, idn.valid_token(&first, now).unwrap().expires_at);
    }

    #[test]
    fn missing_password_is_a_400() {
        let (mut idn, mut ids, now) = setup();
        let body = json!({"auth": {"identity": {"methods": ["password"]}}});
        assert!(matches!(idn.issue_token(&req(body), now, &mut ids), Err(BadRequest(_))));
    }
}
