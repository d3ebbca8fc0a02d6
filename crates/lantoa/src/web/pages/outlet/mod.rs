//! The agency's own outlet, in public (`/v/{slug}/…`): the feed of its clips
//! (the body's province page at the body's slug), a page per clip, the
//! player and the "latest clips" widget other sites embed, the media, the
//! feeds and sitemap ([`feeds`]), the viewing beacons; and the operator's
//! page ([`admin`]).
//!
//! Read-only and anonymous: no session is looked up and no cookie is set
//! (`middleware::context`), every request spends from its address's budget
//! a minute, and whatever is not shown (a draft, an unpublished or removed
//! post, an outlet turned off, another agency's post under this slug) is
//! the same 404. Every link is absolute under the outlet's public address,
//! so the pages work the same behind the agency's own domain.

pub mod admin;
pub mod cache;
mod feeds;
mod public;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::db::orgs::Org;
use crate::db::outlet::{self as odb, Post};
use crate::domain::Locale;
use crate::domain::outlet::Settings;
use crate::error::{Error, Result};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::Routes;

/// How long a shared cache (a reverse proxy, a CDN) may keep a page or a
/// feed: a takedown reaches the public through it within this.
const PAGE_CACHE: &str = "public, max-age=60";
/// And a post's media.
const MEDIA_CACHE: &str = "public, max-age=300";

/// The policy of what is not a page (feeds, oEmbed).
const CSP_PAGE: &str = "default-src 'self'; img-src 'self' data:; media-src 'self'; \
     style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'self'; \
     form-action 'self'; base-uri 'none'";

/// The origin (`scheme://host[:port]`) of an absolute address.
fn origin_of(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    let end = scheme.len() + 3 + rest.find('/').unwrap_or(rest.len());
    Some(&url[..end])
}

/// The policy of an outlet page: what it loads (scripts, media, posters,
/// beacons) may come from this server and from the public addresses its
/// links use (`addresses`: an agency's own domain behind a proxy); who may
/// frame it is `framed_by`.
pub(super) fn csp<'a>(addresses: impl IntoIterator<Item = &'a str>, framed_by: &str) -> String {
    let mut own = String::from("'self'");
    for o in addresses.into_iter().filter_map(origin_of) {
        if !own.split(' ').any(|x| x == o) {
            own.push(' ');
            own.push_str(o);
        }
    }
    format!(
        "default-src {own}; img-src {own} data:; media-src {own}; style-src 'self' 'unsafe-inline'; \
         script-src {own}; connect-src {own}; form-action 'self'; base-uri 'none'; {framed_by}"
    )
}

/// An outlet being shown: its agency (or, for the province page, its body),
/// settings, public address and the reader's language.
pub(super) struct Outlet {
    pub org: Org,
    pub settings: Settings,
    pub base: String,
    pub tr: Tr,
    pub lang: Locale,
}

impl Outlet {
    /// The link of a page of the outlet, in the reader's language.
    pub fn link(&self, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        match self.lang {
            Locale::Vi => format!("{}{path}", self.base),
            Locale::En => format!("{}{path}{sep}lang=en", self.base),
        }
    }
}

/// The outlet at `slug` when it is an agency's and on; anything else is 404.
async fn open(st: &AppState, slug: &str, lang: Option<&str>) -> Result<Outlet> {
    let mut tx = st.db.read().await?;
    let org = crate::db::orgs::by_slug(&mut tx, slug)
        .await?
        .ok_or(Error::NotFound)?;
    let settings = odb::settings(&mut tx, org.id).await?;
    if !org.is_agency() || !settings.enabled {
        return Err(Error::NotFound);
    }
    Ok(outlet(st, org, settings, lang))
}

fn outlet(st: &AppState, org: Org, settings: Settings, lang: Option<&str>) -> Outlet {
    let lang = lang
        .and_then(|l| Locale::parse(l).ok())
        .unwrap_or(Locale::Vi);
    Outlet {
        base: crate::service::outlet::base(st, &org.slug, &settings),
        org,
        settings,
        tr: Tr::new(lang),
        lang,
    }
}

/// A shown post of the outlet, or 404.
async fn post_of(st: &AppState, o: &Outlet, token: &str) -> Result<Post> {
    if !crate::domain::outlet::is_token(token) {
        return Err(Error::NotFound);
    }
    let mut tx = st.db.read().await?;
    odb::post(&mut tx, o.org.id, token)
        .await?
        .ok_or(Error::NotFound)
}

/// A text response fit for a shared cache: its ETag (a hash of the body)
/// answers `If-None-Match` with 304.
fn cached(
    headers: &HeaderMap,
    mime: &'static str,
    csp: &str,
    indexable: bool,
    body: String,
) -> Response {
    let etag = format!(
        "\"{}\"",
        &hex::encode(<sha2::Sha256 as sha2::Digest>::digest(body.as_bytes()))[..20]
    );
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut r = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, mime)], body).into_response()
    };
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(PAGE_CACHE));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    if !indexable {
        h.insert(
            header::HeaderName::from_static("x-robots-tag"),
            HeaderValue::from_static("noindex, nofollow"),
        );
    }
    r.extensions_mut().insert(crate::web::middleware::Rendered);
    r.extensions_mut().insert(cache::Keepable);
    r
}

/// Renders a template into a cached response.
fn page<T: askama::Template>(
    headers: &HeaderMap,
    csp: &str,
    indexable: bool,
    t: &T,
) -> Result<Response> {
    let html = t
        .render()
        .map_err(|e| Error::Internal(format!("template: {e}")))?;
    Ok(cached(
        headers,
        "text/html; charset=utf-8",
        csp,
        indexable,
        html,
    ))
}

/// RFC 3339, UTC (feeds, sitemaps, structured data).
fn iso(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// An ISO 8601 duration (`PT1M5S`) of a clip's length.
fn iso_duration(ms: Option<i64>) -> String {
    let s = ms.unwrap_or(0).max(0) / 1000;
    format!("PT{}M{}S", s / 60, s % 60)
}

/// This area's routes: every one public.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    public::routes(feeds::routes(admin::routes(r)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_page_loads_from_its_public_addresses_only() {
        let p = super::csp(
            [
                "https://video.baotinh.vn/x/y",
                "http://127.0.0.1:8080/v/a",
                "https://video.baotinh.vn/z",
            ],
            "frame-ancestors 'self'",
        );
        assert!(
            p.starts_with(
                "default-src 'self' https://video.baotinh.vn http://127.0.0.1:8080; img-src"
            ),
            "{p}"
        );
        assert!(p.ends_with("frame-ancestors 'self'"));
        assert_eq!(super::origin_of("nonsense"), None);
    }
}
