//! Why Glance refuses a request, in its own words; the API layer renders each with its status.

#[derive(Debug, Clone, PartialEq)]
pub enum ImageError {
    BadRequest(String),
    Forbidden(String),
    NotFound(String),
    Conflict(String),
    /// A quota (tags, members) or size limit: 413.
    TooLarge(String),
}

pub fn not_found(id: &str) -> ImageError {
    ImageError::NotFound(format!("No image found with ID {id}"))
}
