//! Signing in and out, and the language switch.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::sync::atomic::Ordering;

use super::{Layout, render, render_status, safe_back};
use crate::domain::Locale;
use crate::error::{Error, Result};
use crate::service::{accounts, profile};
use crate::state::AppState;
use crate::web::extract::{CurrentUser, FormData};
use crate::web::middleware::{LANG_COOKIE, ReqCtx, SESSION_COOKIE, cookie};
use crate::web::{Routes, Scope};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Layout,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_page(ctx: ReqCtx, Query(q): Query<NextQuery>) -> Result<Response> {
    if ctx.principal.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    render(&LoginPage {
        l: Layout::anonymous(&ctx),
        next: safe_back(q.next.as_deref()),
        username: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub async fn login_submit(
    State(st): State<AppState>,
    ctx: ReqCtx,
    headers: HeaderMap,
    FormData(f): FormData<LoginForm>,
) -> Result<Response> {
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let next = safe_back(f.next.as_deref());
    match accounts::login(&st, &f.username, &f.password, &ctx.client_addr, ua).await {
        Ok(ok) => {
            st.metrics.logins_ok.fetch_add(1, Ordering::Relaxed);
            let mut r = Redirect::to(&next).into_response();
            let h = r.headers_mut();
            for c in [
                cookie(&st, SESSION_COOKIE, &ok.session_token, None),
                cookie(&st, LANG_COOKIE, ok.locale.code(), Some(365 * 24 * 3600)),
            ] {
                if let Ok(v) = HeaderValue::from_str(&c) {
                    h.append(header::SET_COOKIE, v);
                }
            }
            Ok(r)
        }
        Err(e @ (Error::Invalid(_) | Error::Throttled { .. })) => {
            let tr = ctx.tr();
            let (status, msg) = match &e {
                Error::Throttled { minutes } => {
                    st.metrics.logins_throttled.fetch_add(1, Ordering::Relaxed);
                    (
                        StatusCode::TOO_MANY_REQUESTS,
                        tr.t1("error-throttled", "minutes", &minutes.to_string()),
                    )
                }
                _ => {
                    st.metrics.logins_failed.fetch_add(1, Ordering::Relaxed);
                    (StatusCode::UNAUTHORIZED, tr.t("login-failed"))
                }
            };
            render_status(
                status,
                &LoginPage {
                    l: Layout::anonymous(&ctx),
                    next,
                    username: f.username.chars().take(40).collect(),
                    error: Some(msg),
                },
            )
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct LangForm {
    lang: String,
    back: Option<String>,
}

/// Switches the interface language: for the account when signed in, and in a cookie.
pub async fn switch_language(
    State(st): State<AppState>,
    ctx: ReqCtx,
    FormData(f): FormData<LangForm>,
) -> Result<Response> {
    let locale = Locale::parse(&f.lang)?;
    if let Some(p) = &ctx.principal {
        profile::set_locale(&st, p, &ctx.client_addr, locale).await?;
    }
    let mut r = Redirect::to(&safe_back(f.back.as_deref())).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie(
        &st,
        LANG_COOKIE,
        locale.code(),
        Some(365 * 24 * 3600),
    )) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(r)
}

pub async fn logout(State(st): State<AppState>, u: CurrentUser) -> Result<Response> {
    accounts::logout(&st, &u.p, &u.ctx.client_addr).await?;
    let mut r = Redirect::to("/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie(&st, SESSION_COOKIE, "", Some(0))) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(r)
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.get("/login", Public, login_page)
        .post("/login", Public, login_submit)
        .post("/lang", Public, switch_language)
        .post("/logout", User, logout)
}
