//! The user's own page: language, password, personal access tokens.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, render_status};
use crate::db::tokens::ApiToken;
use crate::domain::TokenId;
use crate::error::{Error, Result};
use crate::service::profile;
use crate::state::AppState;
use crate::web::extract::{CurrentUser, FormData};
use crate::web::{Routes, Scope};

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    l: Layout,
    username: String,
    must_change: bool,
    tokens: Vec<ApiToken>,
    tz: String,
    new_token: Option<String>,
    password_error: Option<String>,
    password_changed: bool,
    token_error: Option<String>,
    email: String,
    email_error: Option<String>,
    mail_enabled: bool,
    /// The install's VAPID public key, for this browser's subscription.
    push_key: String,
    push_devices: usize,
}

#[derive(Deserialize, Default)]
pub struct ProfileQuery {
    changed: Option<String>,
}

struct Extras {
    status: StatusCode,
    new_token: Option<String>,
    password_error: Option<String>,
    password_changed: bool,
    token_error: Option<String>,
    email_error: Option<String>,
}

/// Which form on the page a message answers.
#[derive(Clone, Copy)]
enum Form {
    Password,
    Token,
    Email,
}

impl Extras {
    /// The page again, answering `status` with `msg` beside `form`.
    fn refused(status: StatusCode, form: Form, msg: String) -> Extras {
        let mut e = Extras {
            status,
            ..Default::default()
        };
        let field = match form {
            Form::Password => &mut e.password_error,
            Form::Token => &mut e.token_error,
            Form::Email => &mut e.email_error,
        };
        *field = Some(msg);
        e
    }
}

impl Default for Extras {
    fn default() -> Self {
        Extras {
            status: StatusCode::OK,
            new_token: None,
            password_error: None,
            password_changed: false,
            token_error: None,
            email_error: None,
        }
    }
}

async fn show(st: &AppState, u: &CurrentUser, x: Extras) -> Result<Response> {
    let l = Layout::build(st, &u.ctx, None).await?;
    let tokens = profile::list_tokens(st, &u.p).await?;
    let email = profile::email(st, &u.p).await?;
    render_status(
        x.status,
        &ProfilePage {
            l,
            username: u.p.username.clone(),
            must_change: u.p.must_change_password,
            tokens,
            tz: st.config.time_zone.clone(),
            new_token: x.new_token,
            password_error: x.password_error,
            password_changed: x.password_changed,
            token_error: x.token_error,
            email,
            email_error: x.email_error,
            mail_enabled: st.config.smtp_url.is_some(),
            push_key: crate::service::push::vapid(st)?.public_key(),
            push_devices: crate::service::push::devices(st, &u.p).await?,
        },
    )
}

pub async fn page(
    State(st): State<AppState>,
    u: CurrentUser,
    Query(q): Query<ProfileQuery>,
) -> Result<Response> {
    show(
        &st,
        &u,
        Extras {
            password_changed: q.changed.is_some(),
            ..Default::default()
        },
    )
    .await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

pub async fn change_password(
    State(st): State<AppState>,
    u: CurrentUser,
    FormData(f): FormData<PasswordForm>,
) -> Result<Response> {
    let r = profile::change_password(
        &st,
        &u.p,
        &u.ctx.client_addr,
        &f.current_password,
        &f.new_password,
        &f.confirm_password,
    )
    .await;
    match r {
        Ok(()) => Ok(Redirect::to("/profile?changed=1").into_response()),
        Err(Error::Invalid(i)) => {
            let msg = u.ctx.tr().t(i.message_id);
            show(
                &st,
                &u,
                Extras::refused(StatusCode::BAD_REQUEST, Form::Password, msg),
            )
            .await
        }
        Err(Error::Throttled { minutes }) => {
            let msg = u.ctx.tr().t1(
                "profile-password-throttled",
                "minutes",
                &minutes.to_string(),
            );
            show(
                &st,
                &u,
                Extras::refused(StatusCode::TOO_MANY_REQUESTS, Form::Password, msg),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
}

pub async fn create_token(
    State(st): State<AppState>,
    u: CurrentUser,
    FormData(f): FormData<TokenForm>,
) -> Result<Response> {
    match profile::create_token(&st, &u.p, &u.ctx.client_addr, &f.name).await {
        Ok((_, token)) => {
            show(
                &st,
                &u,
                Extras {
                    new_token: Some(token),
                    ..Default::default()
                },
            )
            .await
        }
        Err(Error::Invalid(i)) => {
            let msg = u.ctx.tr().t(i.message_id);
            show(
                &st,
                &u,
                Extras::refused(StatusCode::BAD_REQUEST, Form::Token, msg),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn revoke_token(
    State(st): State<AppState>,
    u: CurrentUser,
    Path(tid): Path<i64>,
) -> Result<Response> {
    profile::revoke_token(&st, &u.p, &u.ctx.client_addr, TokenId(tid)).await?;
    Ok(Redirect::to("/profile").into_response())
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

/// Sets the address for notification e-mails.
pub async fn set_email(
    State(st): State<AppState>,
    u: CurrentUser,
    FormData(f): FormData<EmailForm>,
) -> Result<Response> {
    match profile::set_email(&st, &u.p, &u.ctx.client_addr, &f.email).await {
        Ok(()) => Ok(Redirect::to("/profile#email").into_response()),
        Err(Error::Invalid(i)) => {
            let tr = u.ctx.tr();
            show(
                &st,
                &u,
                Extras::refused(StatusCode::BAD_REQUEST, Form::Email, tr.t(i.message_id)),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.get("/profile", User, page)
        .post("/profile/password", User, change_password)
        .post("/profile/email", User, set_email)
        .post("/profile/tokens", User, create_token)
        .post("/profile/tokens/{tid}/revoke", User, revoke_token)
        .post("/profile/push", User, push_on)
        .post("/profile/push/off", User, push_off)
}

#[derive(Deserialize)]
pub struct PushForm {
    endpoint: String,
    #[serde(default)]
    p256dh: String,
    #[serde(default)]
    auth: String,
}

/// This browser's subscription (sent by the page's script): 204, or 400
/// with the reason.
pub async fn push_on(
    State(st): State<AppState>,
    u: CurrentUser,
    FormData(f): FormData<PushForm>,
) -> Result<Response> {
    crate::service::push::subscribe(
        &st,
        &u.p,
        &u.ctx.client_addr,
        &f.endpoint,
        &f.p256dh,
        &f.auth,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Forgets this browser's subscription: 204.
pub async fn push_off(
    State(st): State<AppState>,
    u: CurrentUser,
    FormData(f): FormData<PushForm>,
) -> Result<Response> {
    crate::service::push::unsubscribe(&st, &u.p, &u.ctx.client_addr, &f.endpoint).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
