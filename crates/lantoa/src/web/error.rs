//! The one place errors become HTTP responses: status, stable code, message id.
//!
//! A handler's `Error` turns into a bare response carrying an [`ErrorBody`]; the
//! context middleware, which knows the user's language and whether the request
//! was for the API or a page, renders it as JSON `{code, message, field}` or as an
//! error page.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::error::Error;

/// What went wrong, before it is put into the user's language.
#[derive(Debug, Clone)]
pub struct ErrorBody {
    pub status: StatusCode,
    /// Stable, machine-readable; documented in the OpenAPI document.
    pub code: &'static str,
    pub message_id: &'static str,
    pub args: Vec<(&'static str, String)>,
    pub field: Option<String>,
    /// Set for workflow refusals, whose arguments are translated when shown.
    pub refusal: Option<crate::error::Refusal>,
}

impl ErrorBody {
    pub fn new(status: StatusCode, code: &'static str, message_id: &'static str) -> Self {
        ErrorBody {
            status,
            code,
            message_id,
            args: vec![],
            field: None,
            refusal: None,
        }
    }

    /// The generic body for a status that did not come from an `Error`.
    pub fn for_status(status: StatusCode) -> Self {
        let (code, id) = match status.as_u16() {
            400 => ("malformed_request", "error-malformed"),
            401 => ("unauthenticated", "error-unauthenticated"),
            403 => ("forbidden", "error-forbidden"),
            404 => ("not_found", "error-not-found"),
            405 => ("method_not_allowed", "error-method-not-allowed"),
            413 => ("payload_too_large", "error-too-large"),
            415 => ("unsupported_media_type", "error-malformed"),
            422 => ("malformed_request", "error-malformed"),
            503 => ("unavailable", "error-unavailable"),
            _ => ("internal", "error-internal"),
        };
        ErrorBody::new(status, code, id)
    }
}

impl From<&Error> for ErrorBody {
    fn from(e: &Error) -> Self {
        use StatusCode as S;
        match e {
            Error::Unauthenticated => {
                ErrorBody::new(S::UNAUTHORIZED, "unauthenticated", "error-unauthenticated")
            }
            Error::Forbidden => ErrorBody::new(S::FORBIDDEN, "forbidden", "error-forbidden"),
            Error::NotPermitted(id) => ErrorBody::new(S::FORBIDDEN, "forbidden", id),
            Error::NotFound => ErrorBody::new(S::NOT_FOUND, "not_found", "error-not-found"),
            Error::Invalid(i) => ErrorBody {
                field: Some(i.field.to_string()),
                ..ErrorBody::new(S::BAD_REQUEST, "invalid_input", i.message_id)
            },
            Error::Malformed { field, detail } => ErrorBody {
                field: Some(field.clone()),
                args: vec![("field", field.clone()), ("detail", detail.clone())],
                ..ErrorBody::new(S::BAD_REQUEST, "malformed_request", "error-malformed-field")
            },
            Error::Conflict(id) => ErrorBody::new(S::CONFLICT, "conflict", id),
            Error::Throttled { minutes } => ErrorBody {
                args: vec![("minutes", minutes.to_string())],
                ..ErrorBody::new(S::TOO_MANY_REQUESTS, "too_many_attempts", "error-throttled")
            },
            Error::PasswordChangeRequired => ErrorBody::new(
                S::FORBIDDEN,
                "password_change_required",
                "error-password-change-required",
            ),
            Error::Csrf => ErrorBody::new(S::FORBIDDEN, "csrf_failed", "error-csrf"),
            Error::Unavailable | Error::Contended => {
                ErrorBody::new(S::SERVICE_UNAVAILABLE, "unavailable", "error-unavailable")
            }
            Error::Internal(_) => {
                ErrorBody::new(S::INTERNAL_SERVER_ERROR, "internal", "error-internal")
            }
            Error::Refused(r) => ErrorBody {
                refusal: Some((**r).clone()),
                ..ErrorBody::new(S::CONFLICT, r.code, r.message_id)
            },
            Error::Gone => ErrorBody::new(S::GONE, "gone", "error-gone"),
            Error::TooLarge => {
                ErrorBody::new(S::PAYLOAD_TOO_LARGE, "payload_too_large", "error-too-large")
            }
            Error::TooMany(id) => ErrorBody::new(S::TOO_MANY_REQUESTS, "limit_reached", id),
            Error::Busy { message_id, .. } => {
                ErrorBody::new(S::SERVICE_UNAVAILABLE, "busy", message_id)
            }
            Error::ChecksumMismatch => ErrorBody::new(
                S::from_u16(460).unwrap_or(S::BAD_REQUEST),
                "checksum_mismatch",
                "error-checksum-mismatch",
            ),
            Error::UnsupportedMediaType => ErrorBody::new(
                S::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "error-unsupported-media-type",
            ),
            Error::Precondition => ErrorBody::new(
                S::PRECONDITION_FAILED,
                "precondition_failed",
                "error-precondition",
            ),
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if let Error::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let body = ErrorBody::from(&self);
        let mut resp = body.status.into_response();
        resp.extensions_mut().insert(body);
        if let Error::Contended = self {
            resp.extensions_mut().insert(super::replay::Contended);
        }
        if let Error::Busy { retry_after, .. } = self {
            resp.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, retry_after.into());
        }
        resp
    }
}

/// Every stable error code, for the API documentation.
pub const CODES: &[&str] = &[
    "unauthenticated",
    "forbidden",
    "not_found",
    "invalid_input",
    "malformed_request",
    "conflict",
    "too_many_attempts",
    "password_change_required",
    "csrf_failed",
    "method_not_allowed",
    "payload_too_large",
    "unsupported_media_type",
    "unavailable",
    "gone",
    "limit_reached",
    "busy",
    "checksum_mismatch",
    "precondition_failed",
    "action_not_allowed",
    "approval_refused",
    "edit_conflict",
    "clip_locked",
    "platform_refused",
    "internal",
];
