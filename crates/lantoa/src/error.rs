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
    /// Not allowed, for a reason the message id tells (e.g. who may do it instead).
    #[error("not allowed: {0}")]
    NotPermitted(&'static str),
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
    /// The request's transaction lost to another's (a deadlock, a
    /// serialization failure, a busy SQLite): nothing it did was kept. The
    /// web layer runs the request again (`web::replay`); what is left is
    /// answered like [`Error::Unavailable`].
    #[error("the transaction lost to another")]
    Contended,
    /// Gone for good (an expired or terminated upload).
    #[error("gone")]
    Gone,
    #[error("too large")]
    TooLarge,
    /// A limit on how many of something a user may have; the message id says which.
    #[error("limit reached: {0}")]
    TooMany(&'static str),
    /// A shared resource is in use; try again after `retry_after` seconds. The
    /// message id says which.
    #[error("busy: {message_id}")]
    Busy {
        message_id: &'static str,
        retry_after: u64,
    },
    #[error("checksum mismatch")]
    ChecksumMismatch,
    #[error("unsupported content type")]
    UnsupportedMediaType,
    /// A protocol precondition failed (e.g. a missing `Tus-Resumable` header).
    #[error("precondition failed")]
    Precondition,
    /// A rule of the editorial workflow refused the request; the message says
    /// exactly why (current state, who may act, what changed).
    #[error("refused: {}", .0.message_id)]
    Refused(Box<Refusal>),
    #[error("internal error: {0}")]
    Internal(String),
}

/// Why the workflow refused, with what the message needs.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// Stable, machine-readable (documented in the API).
    pub code: &'static str,
    pub message_id: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

/// A message argument, put into the user's language when shown.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    /// A message id (a state's or a role's name).
    Msg(String),
    /// Several message ids, listed.
    Msgs(Vec<String>),
    /// UTC milliseconds, shown in the given time zone.
    Time(i64, String),
}

impl Refusal {
    pub fn new(code: &'static str, message_id: &'static str) -> Refusal {
        Refusal {
            code,
            message_id,
            args: vec![],
        }
    }
    pub fn arg(mut self, name: &'static str, a: Arg) -> Refusal {
        self.args.push((name, a));
        self
    }
    pub fn text(self, name: &'static str, s: impl Into<String>) -> Refusal {
        self.arg(name, Arg::Text(s.into()))
    }
    /// The message in a language.
    pub fn message(&self, tr: &crate::i18n::Tr) -> String {
        let args: Vec<(&'static str, String)> = self
            .args
            .iter()
            .map(|(k, a)| {
                let v = match a {
                    Arg::Text(s) => s.clone(),
                    Arg::Msg(id) => tr.t(id),
                    Arg::Msgs(ids) => ids.iter().map(|i| tr.t(i)).collect::<Vec<_>>().join(", "),
                    Arg::Time(ms, tz) => crate::clock::format_local_in(*ms, tz, tr.locale),
                };
                (*k, v)
            })
            .collect();
        tr.t_args(self.message_id, &args)
    }
}

impl From<Refusal> for Error {
    fn from(r: Refusal) -> Self {
        Error::Refused(Box::new(r))
    }
}

impl From<DbError> for Error {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Unavailable(detail) => {
                tracing::error!(%detail, "database unavailable");
                Error::Unavailable
            }
            DbError::Busy(detail) => {
                tracing::debug!(%detail, "a transaction lost to another");
                Error::Contended
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
