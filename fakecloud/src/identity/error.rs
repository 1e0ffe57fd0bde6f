//! Why Keystone refuses a request, as the model says it: the status and Keystone's own message
//! (keystone/exception.py), which the API renders in Keystone's error body.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// 400: a ValidationError (or one of its subclasses).
    BadRequest(String),
    /// 403: a Forbidden or ForbiddenNotSecurity, with the message Keystone shows without
    /// `insecure_debug`.
    Forbidden(String),
    /// 404: a NotFound subclass.
    NotFound(String),
    /// 409: a Conflict.
    Conflict(String),
}

pub type Outcome<T> = Result<T, Refusal>;

impl Refusal {
    /// `Could not find role: 1234.` and the like (keystone's `*NotFound`).
    pub fn not_found(kind: &str, id: &str) -> Refusal {
        Refusal::NotFound(format!("Could not find {kind}: {id}."))
    }

    /// `Conflict occurred attempting to store role - Duplicate entry found with name x.`
    pub fn conflict(kind: &str, details: impl fmt::Display) -> Refusal {
        Refusal::Conflict(format!("Conflict occurred attempting to store {kind} - {details}."))
    }

    /// ValidationError's default wording: `Expecting to find x in y. ...`.
    pub fn expecting(attribute: &str, target: &str) -> Refusal {
        Refusal::BadRequest(format!(
            "Expecting to find {attribute} in {target}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error."
        ))
    }

    /// ForbiddenAction: `You are not authorized to perform the requested action: x.`
    pub fn forbidden_action(action: &str) -> Refusal {
        Refusal::Forbidden(format!("You are not authorized to perform the requested action: {action}."))
    }

    pub fn status(&self) -> u16 {
        match self {
            Refusal::BadRequest(_) => 400,
            Refusal::Forbidden(_) => 403,
            Refusal::NotFound(_) => 404,
            Refusal::Conflict(_) => 409,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Refusal::BadRequest(m) | Refusal::Forbidden(m) | Refusal::NotFound(m) | Refusal::Conflict(m) => m,
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status(), self.message())
    }
}
