//! The errors of the core, in one place. A [`FieldError`] names the input it
//! is about; the errors of the live room ([`LiveError`]), the board
//! ([`BoardError`]) and the use-cases ([`ServiceError`]) carry one when they
//! refuse an input, so every adapter shows the same field and message.

use crate::board::BoardError;
use crate::live::LiveError;

/// An input that names the field it is wrong in.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// What a use-case can refuse with. Adapters map it to HTTP statuses
/// ([`ServiceError::status_code`]) or UI messages; `Internal` details are
/// logged by the adapter and never sent.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    Invalid(#[from] FieldError),
    #[error("{0}")]
    Conflict(FieldError),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("sign in first")]
    Unauthenticated,
    #[error("you do not have permission to do that")]
    Forbidden,
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    #[error("configuration error: {0}")]
    Config(String),
    #[error("internal error")]
    Internal(String),
}

impl ServiceError {
    pub fn invalid(field: &str, message: impl Into<String>) -> ServiceError {
        ServiceError::Invalid(FieldError::new(field, message))
    }
    pub fn conflict(field: &str, message: impl Into<String>) -> ServiceError {
        ServiceError::Conflict(FieldError::new(field, message))
    }
    pub fn config(message: impl Into<String>) -> ServiceError {
        ServiceError::Config(message.into())
    }
    /// The field a client should highlight, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            ServiceError::Invalid(e) | ServiceError::Conflict(e) => Some(&e.field),
            _ => None,
        }
    }

    /// The HTTP status this refusal is answered with, by the API, the pages
    /// and the server functions alike. (A number: the core knows no HTTP library.)
    pub fn status_code(&self) -> u16 {
        match self {
            ServiceError::Invalid(_) => 422,
            ServiceError::Conflict(_) => 409,
            ServiceError::NotFound(_) => 404,
            ServiceError::Unauthenticated => 401,
            ServiceError::Forbidden => 403,
            ServiceError::RateLimited { .. } => 429,
            ServiceError::Config(_) | ServiceError::Internal(_) => 500,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for ServiceError {
    fn from(e: sqlx::Error) -> Self {
        ServiceError::Internal(format!("database: {e}"))
    }
}

impl From<LiveError> for ServiceError {
    fn from(e: LiveError) -> Self {
        match e {
            LiveError::Forbidden => ServiceError::Forbidden,
            LiveError::Finished => ServiceError::conflict("status", e.to_string()),
            LiveError::Refused(e) => ServiceError::Invalid(e),
        }
    }
}

/// A board refusal names its field; a deleted note is about the `note`.
impl From<BoardError> for FieldError {
    fn from(e: BoardError) -> Self {
        match e {
            BoardError::Invalid(e) => e,
            gone @ BoardError::NoteGone => FieldError::new("note", gone.to_string()),
        }
    }
}

impl From<BoardError> for LiveError {
    fn from(e: BoardError) -> Self {
        LiveError::Refused(e.into())
    }
}

impl From<BoardError> for ServiceError {
    fn from(e: BoardError) -> Self {
        ServiceError::Invalid(e.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_refusal_has_its_status() {
        let cases = [
            (ServiceError::invalid("name", "x"), 422),
            (ServiceError::conflict("status", "x"), 409),
            (ServiceError::NotFound("squad"), 404),
            (ServiceError::Unauthenticated, 401),
            (ServiceError::Forbidden, 403),
            (ServiceError::RateLimited { retry_after_secs: 3 }, 429),
            (ServiceError::config("x"), 500),
            (ServiceError::Internal("x".into()), 500),
        ];
        for (e, status) in cases {
            assert_eq!(e.status_code(), status, "{e:?}");
        }
    }

    #[test]
    fn board_and_live_refusals_keep_their_field_and_message() {
        let board = BoardError::Invalid(FieldError::new("title", "too long"));
        let live = LiveError::from(board);
        assert_eq!(live, LiveError::Refused(FieldError::new("title", "too long")));
        assert_eq!(live.to_string(), "too long");
        let gone = ServiceError::from(BoardError::NoteGone);
        assert_eq!(gone.field(), Some("note"));
        assert_eq!(gone.to_string(), BoardError::NoteGone.to_string());
        assert_eq!(ServiceError::from(LiveError::Finished).field(), Some("status"));
    }
}
