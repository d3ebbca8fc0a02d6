//! Extractors: the signed-in user, the authorisation guard, and body parsers that
//! name the offending field.
//!
//! [`Authz<A>`] is where authorisation happens for everything agency-scoped: a
//! handler that takes `Authz<act::ManageMembers>` cannot run unless the policy
//! allows that action in the agency named by the `{aid}` path parameter.

use std::marker::PhantomData;
use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::middleware::ReqCtx;
use crate::domain::{OrgId, policy};
use crate::error::Error;
use crate::service::Caller;
use crate::service::accounts::Principal;
use crate::service::orgs::agency_target;
use crate::state::AppState;

impl<S: Send + Sync> FromRequestParts<S> for ReqCtx {
    type Rejection = Error;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Error> {
        parts
            .extensions
            .get::<ReqCtx>()
            .cloned()
            .ok_or_else(|| Error::Internal("request context missing".into()))
    }
}

/// A signed-in user.
pub struct CurrentUser {
    pub p: Arc<Principal>,
    pub ctx: ReqCtx,
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Error;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Error> {
        let ctx = ReqCtx::from_request_parts(parts, s).await?;
        let p = ctx.principal.clone().ok_or(Error::Unauthenticated)?;
        Ok(CurrentUser { p, ctx })
    }
}

/// A signed-in system administrator.
pub struct SystemAdmin {
    pub p: Arc<Principal>,
    pub ctx: ReqCtx,
}

impl<S: Send + Sync> FromRequestParts<S> for SystemAdmin {
    type Rejection = Error;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Error> {
        let CurrentUser { p, ctx } = CurrentUser::from_request_parts(parts, s).await?;
        if !p.is_system_admin {
            return Err(Error::Forbidden);
        }
        Ok(SystemAdmin { p, ctx })
    }
}

pub use crate::domain::policy::{ActionMarker, BodyActionMarker, act, body_act};

/// Proof that the signed-in user may perform `A` in the agency `{aid}`, with
/// the [`Caller`] every service of the agency takes (`&a.caller`); its fields
/// read through (`a.principal`, `a.agency`).
pub struct Authz<A> {
    pub caller: Caller,
    pub ctx: ReqCtx,
    _action: PhantomData<A>,
}

impl<A> std::ops::Deref for Authz<A> {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.caller
    }
}

impl<A: ActionMarker> Authz<A> {
    /// The same caller's proof for `A`, checked again by the policy (a
    /// page that shows the result of another action).
    pub fn checked(caller: Caller, ctx: ReqCtx) -> Result<Authz<A>, Error> {
        if !caller.may(A::ACTION) {
            return Err(Error::Forbidden);
        }
        Ok(Authz {
            caller,
            ctx,
            _action: PhantomData,
        })
    }
}

impl<A: ActionMarker> FromRequestParts<AppState> for Authz<A> {
    type Rejection = Error;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Error> {
        let CurrentUser { p, ctx } = CurrentUser::from_request_parts(parts, st).await?;
        let aid = path_id(parts, st, "aid").await?;
        let (agency, target) = agency_target(st, OrgId(aid)).await?;
        let subject = p.subject();
        if !policy::can_enter(&subject, target) || !policy::allows(&subject, target, A::ACTION) {
            return Err(Error::Forbidden);
        }
        Ok(Authz {
            caller: Caller::new(st, p, agency, &ctx.client_addr),
            ctx,
            _action: PhantomData,
        })
    }
}

/// The id in the path parameter `name`, or not found.
async fn path_id(parts: &mut Parts, st: &AppState, name: &str) -> Result<i64, Error> {
    let params = RawPathParams::from_request_parts(parts, st)
        .await
        .map_err(|_| Error::NotFound)?;
    params
        .iter()
        .find(|(k, _)| *k == name)
        .and_then(|(_, v)| v.parse::<i64>().ok())
        .ok_or(Error::NotFound)
}

/// Proof that the signed-in user may perform `A` for the coordinating body
/// `{bid}`, with a [`Caller`] whose organisation is the body (the audit
/// trail files its operations there).
pub struct BodyAuthz<A> {
    pub caller: Caller,
    pub ctx: ReqCtx,
    _action: PhantomData<A>,
}

impl<A> std::ops::Deref for BodyAuthz<A> {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.caller
    }
}

impl<A: BodyActionMarker> FromRequestParts<AppState> for BodyAuthz<A> {
    type Rejection = Error;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Error> {
        let CurrentUser { p, ctx } = CurrentUser::from_request_parts(parts, st).await?;
        let bid = path_id(parts, st, "bid").await?;
        let body = crate::service::orgs::body(st, OrgId(bid)).await?;
        if !policy::allows_in_body(&p.subject(), body.id, A::ACTION) {
            return Err(Error::Forbidden);
        }
        Ok(BodyAuthz {
            caller: Caller::new(st, p, body, &ctx.client_addr),
            ctx,
            _action: PhantomData,
        })
    }
}

/// Proof that the signed-in user may perform `A` in the agency `{aid}`, or
/// `B` for the body `{bid}`: for pages an agency and its body both have
/// (surveys). The caller's organisation is the agency or the body.
pub struct OrgAuthz<A, B> {
    pub caller: Caller,
    pub ctx: ReqCtx,
    _action: PhantomData<(A, B)>,
}

impl<A, B> std::ops::Deref for OrgAuthz<A, B> {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.caller
    }
}

impl<A: ActionMarker, B: BodyActionMarker> FromRequestParts<AppState> for OrgAuthz<A, B> {
    type Rejection = Error;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Error> {
        let (caller, ctx) = if path_id(parts, st, "bid").await.is_ok() {
            let b = BodyAuthz::<B>::from_request_parts(parts, st).await?;
            (b.caller, b.ctx)
        } else {
            let a = Authz::<A>::from_request_parts(parts, st).await?;
            (a.caller, a.ctx)
        };
        Ok(OrgAuthz {
            caller,
            ctx,
            _action: PhantomData,
        })
    }
}

/// Takes the field name out of a serde message such as "missing field `username`".
fn field_from_message(msg: &str) -> Option<String> {
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    Some(msg[start..start + len].to_string())
}

const MAX_BODY: usize = 1024 * 1024;

/// The body of a request that must have the given content type, at most `MAX_BODY`.
async fn body_of(req: Request, content_type: &str) -> Result<axum::body::Bytes, Error> {
    let ok = super::content_type(req.headers()).starts_with(content_type);
    if !ok {
        return Err(Error::Malformed {
            field: "body".into(),
            detail: format!("expected Content-Type: {content_type}"),
        });
    }
    axum::body::to_bytes(req.into_body(), MAX_BODY)
        .await
        .map_err(crate::web::middleware::body_error)
}

/// A URL-encoded form body (repeated keys become lists); errors name the field.
pub struct FormData<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for FormData<T> {
    type Rejection = Error;
    async fn from_request(req: Request, _: &S) -> Result<Self, Error> {
        let bytes = body_of(req, "application/x-www-form-urlencoded").await?;
        serde_html_form::from_bytes::<T>(&bytes)
            .map(FormData)
            .map_err(|e| {
                let detail = e.to_string();
                Error::Malformed {
                    field: field_from_message(&detail).unwrap_or_else(|| "body".into()),
                    detail,
                }
            })
    }
}

/// A form that may carry a file (`multipart/form-data`): its text fields in
/// order, and the file of its `file` field when one was chosen. The route
/// sets how large its body may be ([`crate::web::Routes::post_file`]).
pub struct FileForm {
    pub fields: Vec<(String, String)>,
    pub file: Option<crate::service::files::Incoming>,
}

impl FileForm {
    /// The first value of a field; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of a repeated field.
    pub fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.fields
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl<S: Send + Sync> FromRequest<S> for FileForm {
    type Rejection = Error;
    async fn from_request(req: Request, s: &S) -> Result<Self, Error> {
        let broken = |detail: String| Error::Malformed {
            field: "body".into(),
            detail,
        };
        let too_large = |e: &axum::extract::multipart::MultipartError| {
            e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE
        };
        let mut m = axum::extract::Multipart::from_request(req, s)
            .await
            .map_err(|e| broken(e.body_text()))?;
        let mut out = FileForm {
            fields: Vec::new(),
            file: None,
        };
        loop {
            let field = match m.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) if too_large(&e) => return Err(Error::TooLarge),
                Err(e) => return Err(broken(e.body_text())),
            };
            let name = field.name().unwrap_or("").to_string();
            let file_name = field.file_name().map(str::to_string);
            let bytes = match field.bytes().await {
                Ok(b) => b,
                Err(e) if too_large(&e) => return Err(Error::TooLarge),
                Err(e) => return Err(broken(e.body_text())),
            };
            match file_name {
                // A file input left empty sends a part with no name and no bytes.
                Some(n) if name == "file" && !(n.is_empty() && bytes.is_empty()) => {
                    out.file = Some(crate::service::files::Incoming { name: n, bytes });
                }
                Some(_) => {}
                None => {
                    let text = String::from_utf8(bytes.to_vec())
                        .map_err(|_| broken(format!("field {name} is not UTF-8")))?;
                    out.fields.push((name, text));
                }
            }
        }
        Ok(out)
    }
}

/// A JSON body; errors name the field by its path.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = Error;
    async fn from_request(req: Request, _: &S) -> Result<Self, Error> {
        let bytes = body_of(req, "application/json").await?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize::<_, T>(de)
            .map(JsonBody)
            .map_err(|e| {
                let path = e.path().to_string();
                let detail = e.inner().to_string();
                let field = if path == "." || path.is_empty() {
                    field_from_message(&detail).unwrap_or_else(|| "body".into())
                } else {
                    path
                };
                Error::Malformed { field, detail }
            })
    }
}

/// A JSON body that may be left out: no body (or an empty one) is the
/// type's default; a body there is read as [`JsonBody`] reads it.
pub struct MaybeJson<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for MaybeJson<T> {
    type Rejection = Error;
    async fn from_request(req: Request, s: &S) -> Result<Self, Error> {
        let empty = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|v| v.trim() == "0")
            && !req.headers().contains_key(header::CONTENT_TYPE);
        if empty {
            return Ok(MaybeJson(T::default()));
        }
        JsonBody::<T>::from_request(req, s)
            .await
            .map(|JsonBody(t)| MaybeJson(t))
    }
}

#[cfg(test)]
mod tests {
    use super::field_from_message;

    #[test]
    fn field_names_come_out_of_serde_messages() {
        assert_eq!(
            field_from_message("missing field `username`").as_deref(),
            Some("username")
        );
        assert_eq!(field_from_message("invalid type"), None);
    }
}
