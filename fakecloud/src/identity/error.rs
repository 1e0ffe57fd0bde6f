//! Why Keystone refuses a request, as the model says it: the status and Keystone's own message
//! (keystone/exception.py gives the wording), which the API renders in Keystone's error body.

use std::fmt;

/// A refusal and its HTTP status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdentityError {
    /// 400: `ValidationError` and its kin (a schema failure, a rule about the request).
    BadRequest(String),
    /// 401: Keystone hides the reason (`Unauthorized` is a security error).
    Unauthorized,
    /// 403: `Forbidden` or `ForbiddenNotSecurity` (an enabled domain, a non-leaf project), with the
    /// message Keystone shows without `insecure_debug`.
    Forbidden(String),
    /// 404: `Could not find <kind>: <id>.` and the like.
    NotFound(String),
    /// 409: `Conflict occurred attempting to store <type> - <details>.`
    Conflict(String),
}

/// The rules files' name for the same refusal.
pub type Refusal = IdentityError;

pub type Outcome<T> = Result<T, Refusal>;

impl IdentityError {
    /// `Could not find role: 1234.` and the like (keystone's `*NotFound`).
    pub fn not_found(kind: &str, id: &str) -> Self {
        IdentityError::NotFound(format!("Could not find {kind}: {id}."))
    }

    /// `Conflict occurred attempting to store role - Duplicate entry found with name x.`
    pub fn conflict(kind: &str, details: impl fmt::Display) -> Self {
        IdentityError::Conflict(format!("Conflict occurred attempting to store {kind} - {details}."))
    }

    /// `Duplicate entry found with name <name> at domain ID <domain>` (users and groups).
    pub fn duplicate(kind: &str, name: &str, domain_id: &str) -> Self {
        Self::conflict(kind, format!("Duplicate entry found with name {name} at domain ID {domain_id}"))
    }

    /// ValidationError's default wording: `Expecting to find x in y. ...`.
    pub fn expecting(attribute: &str, target: &str) -> Self {
        IdentityError::BadRequest(format!(
            "Expecting to find {attribute} in {target}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error."
        ))
    }

    /// ForbiddenAction: `You are not authorized to perform the requested action: x.`
    pub fn forbidden_action(action: &str) -> Self {
        IdentityError::Forbidden(format!("You are not authorized to perform the requested action: {action}."))
    }

    pub fn status(&self) -> u16 {
        match self {
            IdentityError::BadRequest(_) => 400,
            IdentityError::Unauthorized => 401,
            IdentityError::Forbidden(_) => 403,
            IdentityError::NotFound(_) => 404,
            IdentityError::Conflict(_) => 409,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            IdentityError::Unauthorized => "The request you have made requires authentication.",
            IdentityError::BadRequest(m) | IdentityError::Forbidden(m) | IdentityError::NotFound(m) | IdentityError::Conflict(m) => m,
        }
    }
}

impl fmt::Display for IdentityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status(), self.message())
    }
}

impl From<super::schema::Invalid> for IdentityError {
    fn from(e: super::schema::Invalid) -> Self {
        IdentityError::BadRequest(e.detail())
    }
}
