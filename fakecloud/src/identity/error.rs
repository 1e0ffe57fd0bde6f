//! What Keystone's resource and identity managers refuse with, as data: the API renders each in
//! Keystone's error body (keystone/exception.py gives the wording).

/// A refusal and its HTTP status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdentityError {
    /// 400: `ValidationError` and its kin (a schema failure, a rule about the request).
    BadRequest(String),
    /// 401: Keystone hides the reason (`Unauthorized` is a security error).
    Unauthorized,
    /// 403: `ForbiddenNotSecurity`, a rule about the state (an enabled domain, a non-leaf project).
    Forbidden(String),
    /// 404: `Could not find <kind>: <id>.` and the like.
    NotFound(String),
    /// 409: `Conflict occurred attempting to store <type> - <details>.`
    Conflict(String),
}

impl IdentityError {
    pub fn not_found(kind: &str, id: &str) -> Self {
        IdentityError::NotFound(format!("Could not find {kind}: {id}."))
    }

    pub fn conflict(kind: &str, details: &str) -> Self {
        IdentityError::Conflict(format!("Conflict occurred attempting to store {kind} - {details}."))
    }

    /// `Duplicate entry found with name <name> at domain ID <domain>` (users and groups).
    pub fn duplicate(kind: &str, name: &str, domain_id: &str) -> Self {
        Self::conflict(kind, &format!("Duplicate entry found with name {name} at domain ID {domain_id}"))
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
}

impl From<super::schema::Invalid> for IdentityError {
    fn from(e: super::schema::Invalid) -> Self {
        IdentityError::BadRequest(e.detail())
    }
}
