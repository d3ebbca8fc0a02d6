//! A survey's public address `/s/{token}`: the form anyone may answer,
//! without an account, a cookie or JavaScript, in Vietnamese (English with
//! `?lang=en`); its QR code as SVG and PNG. The request pipeline keeps no
//! session and sets no cookie on these addresses (`middleware::context`);
//! the address and browser name reach `service::surveys::respond` only, for
//! the minute's budget and the day's hash, and are not logged.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::render_status;
use crate::db::surveys::Survey;
use crate::domain::Locale;
use crate::domain::survey::{Form, Kind, RATING_MAX, Submitted};
use crate::error::{Error, Result};
use crate::i18n::Tr;
use crate::service::surveys::respond::{self, Origin, Outcome, POW_BITS};
use crate::service::surveys::{Status, form_of};
use crate::state::AppState;
use crate::web::middleware::ReqCtx;
use crate::web::{Routes, Scope};

/// Largest answer form read; a longer body is refused as too large.
const MAX_BODY: usize = 256 * 1024;

pub struct POpt {
    pub key: String,
    pub id: String,
    pub label: String,
    pub checked: bool,
    /// A ranking's chosen place, as sent.
    pub rank: String,
}

pub struct PQ {
    pub key: String,
    pub field: String,
    pub kind: &'static str,
    pub text: String,
    pub help: String,
    pub required: bool,
    pub options: Vec<POpt>,
    pub value: String,
    pub error: Option<String>,
    pub places: Vec<usize>,
}

#[derive(Template)]
#[template(path = "survey_public.html")]
struct PublicPage {
    tr: Tr,
    lang: &'static str,
    other_lang: &'static str,
    other_label: &'static str,
    token: String,
    title: String,
    intro: String,
    /// open, not_yet, closed, draft, thanks, again
    state: &'static str,
    opens: String,
    sections: Vec<(String, Vec<PQ>)>,
    challenge: String,
    bits: u32,
    /// (question key, question, message)
    errors: Vec<(String, String, String)>,
    refused: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PublicQuery {
    pub lang: Option<String>,
    pub done: Option<String>,
}

fn locale_of(lang: Option<&str>, ctx: &ReqCtx) -> Locale {
    lang.and_then(|l| Locale::parse(l).ok())
        .unwrap_or(ctx.locale)
}

fn questions(tr: &Tr, form: &Form, sent: Option<&Submitted>) -> Vec<(String, Vec<PQ>)> {
    let raw =
        |f: &str| -> Vec<String> { sent.and_then(|s| s.raw.get(f).cloned()).unwrap_or_default() };
    form.sections()
        .into_iter()
        .map(|(title, qs)| {
            let qs = qs
                .into_iter()
                .map(|q| {
                    let field = q.field();
                    let given = raw(&field);
                    let mut options: Vec<POpt> = q
                        .options
                        .iter()
                        .map(|c| POpt {
                            id: format!("{}-{}", q.key, c.key),
                            checked: given.contains(&c.key),
                            rank: raw(&q.rank_field(&c.key))
                                .first()
                                .cloned()
                                .unwrap_or_default(),
                            label: c.label.clone(),
                            key: c.key.clone(),
                        })
                        .collect();
                    if q.kind == Kind::Rating {
                        options = (1..=RATING_MAX)
                            .map(|n| POpt {
                                key: n.to_string(),
                                id: format!("{}-{n}", q.key),
                                label: n.to_string(),
                                checked: given.contains(&n.to_string()),
                                rank: String::new(),
                            })
                            .collect();
                    }
                    let error = sent
                        .and_then(|s| s.errors.iter().find(|(k, _)| *k == q.key))
                        .map(|(_, m)| tr.t(m));
                    PQ {
                        key: q.key.clone(),
                        field,
                        kind: q.kind.code(),
                        text: q.text.clone(),
                        help: q.help.clone(),
                        required: q.required,
                        places: (1..=q.options.len()).collect(),
                        value: given.first().cloned().unwrap_or_default(),
                        options,
                        error,
                    }
                })
                .collect();
            (title, qs)
        })
        .collect()
}

/// The agency's time zone, in which the opening day is written.
async fn tz_of(st: &AppState, s: &Survey) -> Result<String> {
    let mut tx = st.db.read().await?;
    Ok(crate::db::orgs::get(&mut tx, s.agency_id)
        .await?
        .map_or(crate::config::DEFAULT_TIME_ZONE.to_string(), |o| {
            o.time_zone
        }))
}

fn page(
    st: &AppState,
    s: &Survey,
    (locale, tz): (Locale, &str),
    state: &'static str,
) -> Result<PublicPage> {
    let tr = Tr::new(locale);
    Ok(PublicPage {
        lang: locale.code(),
        other_lang: locale.other().code(),
        other_label: match locale.other() {
            Locale::Vi => "Tiếng Việt",
            Locale::En => "English",
        },
        token: s.token.clone(),
        title: s.title.clone(),
        intro: s.intro.clone(),
        state,
        opens: s
            .opens_at
            .map(|o| crate::clock::format_local_in(o, tz, locale))
            .unwrap_or_default(),
        sections: if state == "open" {
            questions(&tr, &form_of(s)?, None)
        } else {
            Vec::new()
        },
        challenge: respond::challenge(st, s.id, st.now()),
        bits: POW_BITS,
        errors: Vec::new(),
        refused: None,
        tr,
    })
}

fn state_of(status: Status) -> &'static str {
    match status {
        Status::Draft => "draft",
        Status::NotYet(_) => "not_yet",
        Status::Open => "open",
        Status::Closed => "closed",
    }
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    r
}

/// The form, or what stands in its place (closed, not yet open, thanks).
pub async fn show(
    State(st): State<AppState>,
    ctx: ReqCtx,
    Path(token): Path<String>,
    Query(q): Query<PublicQuery>,
) -> Result<Response> {
    let s = respond::open_survey(&st, &token).await?;
    let locale = locale_of(q.lang.as_deref(), &ctx);
    let mut state = state_of(Status::of(&s, st.now()));
    if q.done.as_deref() == Some("1") {
        state = "thanks";
    }
    let tz = tz_of(&st, &s).await?;
    let p = page(&st, &s, (locale, &tz), state)?;
    Ok(no_store(render_status(StatusCode::OK, &p)?))
}

/// Takes an answer. Every outcome but success shows the form again with
/// everything the person gave, and why, next to the question and at the top.
pub async fn answer(
    State(st): State<AppState>,
    ctx: ReqCtx,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Response> {
    let bytes: Bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(crate::web::middleware::body_error)?;
    let fields: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
    let lang = fields
        .iter()
        .find(|(k, _)| k == "lang")
        .map(|(_, v)| v.as_str());
    let locale = locale_of(lang, &ctx);
    let from = Origin {
        addr: &ctx.client_addr,
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    };
    let outcome = respond::submit(&st, &token, from, &fields).await?;
    let s = respond::open_survey(&st, &token).await?;
    let tz = tz_of(&st, &s).await?;
    let lt = (locale, tz.as_str());
    let tr = Tr::new(locale);
    let (status, sent, refused) = match outcome {
        Outcome::Accepted => {
            let to = format!("/s/{token}?done=1&lang={}", locale.code());
            return Ok(Redirect::to(&to).into_response());
        }
        Outcome::Again => {
            let p = page(&st, &s, lt, "again")?;
            return Ok(no_store(render_status(StatusCode::OK, &p)?));
        }
        Outcome::NotOpen(status) => {
            let p = page(&st, &s, lt, state_of(status))?;
            return Ok(no_store(render_status(StatusCode::CONFLICT, &p)?));
        }
        Outcome::Problems(sent) => (StatusCode::BAD_REQUEST, sent, None),
        Outcome::Refused(why, sent) => (StatusCode::BAD_REQUEST, sent, Some(tr.t(why))),
        Outcome::TooFast => {
            let sent = crate::domain::survey::parse_answers(&form_of(&s)?, &fields);
            let why = tr.t("survey-refused-too-fast");
            (StatusCode::TOO_MANY_REQUESTS, sent, Some(why))
        }
    };
    let form = form_of(&s)?;
    let mut p = page(&st, &s, lt, "open")?;
    p.sections = questions(&tr, &form, Some(&sent));
    p.errors = sent
        .errors
        .iter()
        .map(|(k, m)| {
            let q = form.question(k).map(|q| q.text.clone()).unwrap_or_default();
            (k.clone(), q, tr.t(m))
        })
        .collect();
    p.refused = refused;
    Ok(no_store(render_status(status, &p)?))
}

/// The address the QR code carries.
fn public_url(st: &AppState, token: &str) -> String {
    format!("{}/s/{token}", st.config.public_base())
}

pub async fn qr_svg(State(st): State<AppState>, Path(token): Path<String>) -> Result<Response> {
    let s = respond::open_survey(&st, &token).await?;
    let svg = crate::qr::svg(&public_url(&st, &s.token)).ok_or(Error::NotFound)?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}

pub async fn qr_png(State(st): State<AppState>, Path(token): Path<String>) -> Result<Response> {
    let s = respond::open_survey(&st, &token).await?;
    let png = crate::qr::png(&public_url(&st, &s.token), 8).ok_or(Error::NotFound)?;
    Ok(([(header::CONTENT_TYPE, "image/png")], png).into_response())
}

pub(in crate::web) fn routes(r: Routes) -> Routes {
    r.get("/s/{token}", Scope::Public, show)
        .post("/s/{token}", Scope::Public, answer)
        .get("/s/{token}/qr.svg", Scope::Public, qr_svg)
        .get("/s/{token}/qr.png", Scope::Public, qr_png)
}
