//! Why Cinder refuses a request; the API renders each with its status in Cinder's fault format.

#[derive(Debug, Clone, PartialEq)]
pub enum VolumeError {
    BadRequest(String),
    NotFound(String),
    OverLimit(String),
    Conflict(String),
}

pub fn invalid_input(reason: impl std::fmt::Display) -> VolumeError {
    VolumeError::BadRequest(format!("Invalid input received: {reason}"))
}

impl VolumeError {
    pub fn conflict(message: impl Into<String>) -> VolumeError {
        VolumeError::Conflict(message.into())
    }
}
