//! The errors the application's operations return. The web layer maps each to an
//! HTTP status, a stable machine-readable code and a message in the user's language
//! (see `web::error`); logs get the detail.

use crate::db::DbError;
use crate::domain::Invalid;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not signed in")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid value for {}", .0.field)]
    Invalid(Invalid),
    #[error("malformed request at {field}: {detail}")]
    Malformed { field: String, detail: String },
    /// The message id says what already exists or what rule was hit.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("too many failed attempts; retry in {minutes} min")]
    Throttled { minutes: i64 },
    #[error("the password must be changed first")]
    PasswordChangeRequired,
    #[error("the form has expired or did not come from Lantoa")]
    Csrf,
    #[error("the database is unavailable")]
    Unavailable,
    /// Gone for good (an expired or terminated upload).
    #[error("gone")]
    Gone,
    #[error("too large")]
    TooLarge,
    /// A limit on how many of something a user may have; the message id says which.
    #[error("limit reached: {0}")]
    TooMany(&'static str),
    #[error("checksum mismatch")]
    ChecksumMismatch,
    #[error("unsupported content type")]
    UnsupportedMediaType,
    /// A protocol precondition failed (e.g. a missing `Tus-Resumable` header).
    #[error("precondition failed")]
    Precondition,
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<DbError> for Error {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Unavailable(detail) => {
                tracing::error!(%detail, "database unavailable");
                Error::Unavailable
            }
            DbError::Conflict => Error::Conflict("conflict-exists"),
            DbError::NotFound => Error::NotFound,
            DbError::Other(detail) => Error::Internal(detail),
        }
    }
}

impl From<Invalid> for Error {
    fn from(i: Invalid) -> Self {
        Error::Invalid(i)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
