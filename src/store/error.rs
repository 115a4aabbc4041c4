use crate::dora::FieldError;

/// What a use-case can refuse with. Adapters map it to HTTP statuses or UI
/// messages; `Internal` details are logged by the adapter and never sent.
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
}

impl From<sqlx::Error> for ServiceError {
    fn from(e: sqlx::Error) -> Self {
        ServiceError::Internal(format!("database: {e}"))
    }
}
