//! The outlet's pages: the feed (and the body's province page), a clip's
//! page, the embedded player and widget, the media, the player's script and
//! its viewing beacons.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{MEDIA_CACHE, Outlet, csp, iso, iso_duration, open, outlet, page, post_of};
use crate::db::outlet::{self as odb, Filter, Post};
use crate::domain::OrgId;
use crate::domain::clip::Category;
use crate::domain::outlet::frame_ancestors;
use crate::error::{Error, Result};
use crate::service::outlet::measure::{self, Outcome};
use crate::service::surveys::respond::Origin;
use crate::state::AppState;
use crate::web::middleware::ReqCtx;
use crate::web::{Routes, Scope};

/// Posts a feed page shows.
const FEED_PAGE: i64 = 12;

const PLAYER_JS: &[u8] = include_bytes!("../../../../static/outlet.js");

/// A post as the outlet's pages show it.
pub(super) struct Card {
    pub token: String,
    pub url: String,
    pub embed_url: String,
    pub video_url: String,
    pub light_url: String,
    pub poster_url: String,
    pub title: String,
    pub caption: String,
    pub date: String,
    pub date_iso: String,
    pub category: String,
    pub category_url: String,
    pub campaign: Option<(String, String)>,
    pub author: String,
    pub agency: String,
    pub agency_url: String,
    /// Where its player sends viewing beacons (its agency's outlet).
    pub beacon_url: String,
    pub width: i64,
    pub height: i64,
    pub duration_iso: String,
    pub duration_s: i64,
    pub published_at: i64,
    /// Its subtitle tracks: (language, name, address of the WebVTT).
    pub tracks: Vec<(String, String, String)>,
}

/// Builds the cards of posts, each under its own agency's outlet (the
/// province page shows several).
pub(super) async fn cards(st: &AppState, o: &Outlet, posts: Vec<Post>) -> Result<Vec<Card>> {
    let mut tx = st.db.read().await?;
    let mut outlets: Vec<(OrgId, Outlet)> = Vec::new();
    let mut campaigns: Vec<(i64, String)> = Vec::new();
    let mut out = Vec::with_capacity(posts.len());
    for p in posts {
        if !outlets.iter().any(|(a, _)| *a == p.agency_id) {
            let org = crate::db::orgs::get(&mut tx, p.agency_id)
                .await?
                .ok_or(Error::NotFound)?;
            let s = odb::settings(&mut tx, p.agency_id).await?;
            outlets.push((p.agency_id, outlet(st, org, s, Some(o.lang.code()))));
        }
        if let Some(c) = p.campaign_id
            && !campaigns.iter().any(|(id, _)| *id == c)
            && let Some(k) = crate::db::campaigns::get(&mut tx, c).await?
        {
            campaigns.push((c, k.name));
        }
        let Some((_, a)) = outlets.iter().find(|(id, _)| *id == p.agency_id) else {
            continue;
        };
        out.push(card(a, p, &campaigns));
    }
    Ok(out)
}

fn card(a: &Outlet, p: Post, campaigns: &[(i64, String)]) -> Card {
    let media = format!("{}/{}", a.base, p.token);
    let tracks = tracks_of(&p.captions)
        .into_iter()
        .map(|(lang, name, _)| {
            let url = format!("{media}/captions-{lang}.vtt");
            (lang, name, url)
        })
        .collect();
    Card {
        tracks,
        url: a.link(&format!("/{}", p.token)),
        embed_url: format!("{media}/embed"),
        video_url: format!("{media}/video.mp4"),
        light_url: if p.light_key.is_some() {
            format!("{media}/light.mp4")
        } else {
            format!("{media}/video.mp4")
        },
        poster_url: if p.poster_key.is_some() {
            format!("{media}/poster.jpg")
        } else {
            String::new()
        },
        date: crate::clock::format_local_in(p.published_at, &a.org.time_zone, a.lang),
        date_iso: iso(p.published_at),
        category: a.tr.t(&format!("category-{}", p.category)),
        category_url: a.link(&format!("?cat={}", p.category)),
        campaign: p.campaign_id.and_then(|c| {
            campaigns
                .iter()
                .find(|(id, _)| *id == c)
                .map(|(_, n)| (n.clone(), a.link(&format!("?campaign={c}"))))
        }),
        author: if a.settings.show_authors {
            p.author.clone()
        } else {
            String::new()
        },
        agency: a.org.name.clone(),
        agency_url: a.link(""),
        beacon_url: format!("{}/beacon", a.base),
        width: p.width.unwrap_or(1080),
        height: p.height.unwrap_or(1920),
        duration_iso: iso_duration(p.duration_ms),
        duration_s: p.duration_ms.unwrap_or(0) / 1000,
        published_at: p.published_at,
        title: p.title,
        caption: p.caption,
        token: p.token,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct FeedQuery {
    pub lang: Option<String>,
    pub cat: Option<String>,
    pub campaign: Option<String>,
    pub before: Option<String>,
}

#[derive(Template)]
#[template(path = "outlet_feed.html")]
struct FeedPage<'a> {
    o: &'a Outlet,
    title: String,
    cards: Vec<Card>,
    chips: Vec<(String, String, bool)>,
    heading: String,
    more: String,
    other_lang: String,
    province: bool,
}

/// The feed: an agency's clips, newest first, by category or campaign; at a
/// body's slug, the province's (every agency whose outlet is on).
pub async fn feed(
    State(st): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<FeedQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    let lang = q.lang.as_deref();
    let (o, agencies, province) = match open(&st, &slug, lang).await {
        Ok(o) => {
            let id = o.org.id;
            (o, vec![id], false)
        }
        Err(Error::NotFound) => province(&st, &slug, lang).await?,
        Err(e) => return Err(e),
    };
    let category = q
        .cat
        .as_deref()
        .filter(|c| Category::parse(c).is_ok())
        .unwrap_or("")
        .to_string();
    let number = |v: &Option<String>| {
        v.as_deref()
            .and_then(|n| n.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let filter = Filter {
        category: category.clone(),
        campaign: number(&q.campaign),
        before: number(&q.before),
        limit: FEED_PAGE,
    };
    let posts = {
        let mut tx = st.db.read().await?;
        odb::posts(&mut tx, &agencies, &filter).await?
    };
    let more = match posts.last() {
        Some(p) if posts.len() as i64 == FEED_PAGE => {
            let mut path = format!("?before={}", p.published_at);
            if !category.is_empty() {
                path.push_str(&format!("&cat={category}"));
            }
            if filter.campaign != 0 {
                path.push_str(&format!("&campaign={}", filter.campaign));
            }
            o.link(&path)
        }
        _ => String::new(),
    };
    let cards = super::public::cards(&st, &o, posts).await?;
    let heading = if !category.is_empty() {
        o.tr.t(&format!("category-{category}"))
    } else if filter.campaign != 0 {
        cards
            .iter()
            .find_map(|c| c.campaign.as_ref().map(|(n, _)| n.clone()))
            .unwrap_or_default()
    } else {
        String::new()
    };
    let mut chips = vec![(o.tr.t("outlet-all"), o.link(""), category.is_empty())];
    for c in Category::ALL {
        chips.push((
            o.tr.t(&format!("category-{}", c.code())),
            o.link(&format!("?cat={}", c.code())),
            category == c.code(),
        ));
    }
    let other = o.lang.other();
    let other_lang = match other {
        crate::domain::Locale::Vi => o.base.clone(),
        crate::domain::Locale::En => format!("{}?lang=en", o.base),
    };
    let t = FeedPage {
        title: o.org.name.clone(),
        o: &o,
        cards,
        chips,
        heading,
        more,
        other_lang,
        province,
    };
    let policy = csp(
        std::iter::once(o.base.as_str()).chain(t.cards.iter().map(|c| c.video_url.as_str())),
        "frame-ancestors 'self'",
    );
    page(&headers, &policy, o.settings.indexable, &t)
}

/// The body at `slug` and its agencies whose outlet is on, as one outlet
/// (the province page); 404 when there is none.
async fn province(
    st: &AppState,
    slug: &str,
    lang: Option<&str>,
) -> Result<(Outlet, Vec<OrgId>, bool)> {
    let mut tx = st.db.read().await?;
    let body = crate::db::orgs::by_slug(&mut tx, slug)
        .await?
        .filter(|b| !b.is_agency())
        .ok_or(Error::NotFound)?;
    let mut on = Vec::new();
    for a in crate::db::orgs::agencies_of_body(&mut tx, body.id).await? {
        if odb::settings(&mut tx, a.id).await?.enabled {
            on.push(a.id);
        }
    }
    if on.is_empty() {
        return Err(Error::NotFound);
    }
    let settings = crate::domain::outlet::Settings {
        enabled: true,
        ..Default::default()
    };
    Ok((outlet(st, body, settings, lang), on, true))
}

#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    pub lang: Option<String>,
}

#[derive(Template)]
#[template(path = "outlet_clip.html")]
struct ClipPage<'a> {
    o: &'a Outlet,
    c: Card,
    /// schema.org `VideoObject`, as JSON safe inside a script element.
    ld_json: String,
    embed_code: String,
    oembed: String,
    other_lang: String,
    site: String,
}

/// A clip's page: the player, its text, its date and agency, the sharing
/// tags, and the code that embeds it.
pub async fn clip(
    State(st): State<AppState>,
    Path((slug, token)): Path<(String, String)>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    let (o, c) = one(&st, &slug, &token, q.lang.as_deref()).await?;
    let (w, h) = embed_size(c.width, c.height);
    let embed_code = format!(
        "<iframe src=\"{}\" width=\"{w}\" height=\"{h}\" title=\"{}\" style=\"border:0\" \
         allow=\"autoplay; fullscreen; picture-in-picture\" allowfullscreen loading=\"lazy\"></iframe>",
        c.embed_url,
        askama::filters::escape(&c.title, askama::filters::Html)
            .map(|e| e.to_string())
            .unwrap_or_default()
    );
    let page_url = format!("{}/{}", o.base, c.token);
    let ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "VideoObject",
        "name": c.title,
        "description": c.caption,
        "thumbnailUrl": c.poster_url,
        "uploadDate": c.date_iso,
        "duration": c.duration_iso,
        "contentUrl": c.video_url,
        "embedUrl": c.embed_url,
        "width": c.width,
        "height": c.height,
        "inLanguage": "vi",
        "publisher": {"@type": "Organization", "name": o.org.name, "url": o.link("")},
    });
    let t = ClipPage {
        ld_json: ld.to_string().replace('<', "\\u003c"),
        oembed: format!(
            "{}/oembed?url={}",
            o.base,
            form_urlencoded::byte_serialize(page_url.as_bytes()).collect::<String>()
        ),
        other_lang: match o.lang.other() {
            crate::domain::Locale::Vi => page_url.clone(),
            crate::domain::Locale::En => format!("{page_url}?lang=en"),
        },
        site: o.base.clone(),
        embed_code,
        o: &o,
        c,
    };
    let policy = csp([o.base.as_str()], "frame-ancestors 'self'");
    page(&headers, &policy, o.settings.indexable, &t)
}

/// The outlet's newest shown posts, in a topic when `category` is one.
pub(super) async fn newest(
    st: &AppState,
    o: &Outlet,
    category: &str,
    limit: i64,
) -> Result<Vec<Post>> {
    let mut tx = st.db.read().await?;
    let f = Filter {
        category: category.to_string(),
        limit,
        ..Filter::default()
    };
    Ok(odb::posts(&mut tx, &[o.org.id], &f).await?)
}

/// The outlet at `slug` and its shown post `token` as a card; 404 for
/// anything not shown.
pub(super) async fn one(
    st: &AppState,
    slug: &str,
    token: &str,
    lang: Option<&str>,
) -> Result<(Outlet, Card)> {
    let o = open(st, slug, lang).await?;
    let post = post_of(st, &o, token).await?;
    let c = cards(st, &o, vec![post])
        .await?
        .pop()
        .ok_or(Error::NotFound)?;
    Ok((o, c))
}

/// The embedded player's size for a clip of `w × h`: 360 px wide for a
/// vertical clip, 560 for a landscape one, its shape kept.
pub(super) fn embed_size(w: i64, h: i64) -> (i64, i64) {
    let (w, h) = (w.max(1), h.max(1));
    let width = if w < h { 360 } else { 560 };
    (width, width * h / w)
}

#[derive(Template)]
#[template(path = "outlet_embed.html")]
struct EmbedPage<'a> {
    o: &'a Outlet,
    c: Card,
}

/// The player other sites embed, only from the origins the agency allows.
pub async fn embed(
    State(st): State<AppState>,
    Path((slug, token)): Path<(String, String)>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    let (o, c) = one(&st, &slug, &token, q.lang.as_deref()).await?;
    let csp = framed_csp(&o);
    page(&headers, &csp, false, &EmbedPage { o: &o, c })
}

/// The policy of a page the agency's sites may frame.
fn framed_csp(o: &Outlet) -> String {
    csp(
        [o.base.as_str()],
        &frame_ancestors(&o.settings.embed_origins),
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct WidgetQuery {
    pub lang: Option<String>,
    pub n: Option<String>,
    pub size: Option<String>,
}

#[derive(Template)]
#[template(path = "outlet_widget.html")]
struct WidgetPage<'a> {
    o: &'a Outlet,
    cards: Vec<Card>,
    size: &'static str,
}

/// The "latest clips" widget: script-free, in three sizes.
pub async fn widget(
    State(st): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<WidgetQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    let o = open(&st, &slug, q.lang.as_deref()).await?;
    let n =
        q.n.as_deref()
            .and_then(|n| n.parse::<i64>().ok())
            .unwrap_or(4)
            .clamp(1, 12);
    let size = match q.size.as_deref() {
        Some("s") => "s",
        Some("l") => "l",
        _ => "m",
    };
    let posts = newest(&st, &o, "", n).await?;
    let cards = cards(&st, &o, posts).await?;
    let csp = framed_csp(&o);
    page(&headers, &csp, false, &WidgetPage { o: &o, cards, size })
}

/// A post's media: `video.mp4` (the browser-playable copy, index first),
/// `light.mp4` (the light copy, or the same when the clip is small) and
/// `poster.jpg`, in byte ranges, fit for a shared cache.
pub async fn media(
    State(st): State<AppState>,
    Path((slug, token, file)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response> {
    let o = open(&st, &slug, None).await?;
    let p = post_of(&st, &o, &token).await?;
    let (key, mime) = match file.as_str() {
        "video.mp4" => (Some(p.video_key), "video/mp4"),
        "light.mp4" => (p.light_key.or(Some(p.video_key)), "video/mp4"),
        "poster.jpg" => (p.poster_key, "image/jpeg"),
        f => match f
            .strip_prefix("captions-")
            .and_then(|f| f.strip_suffix(".vtt"))
        {
            Some(lang) => return captions(&p, lang),
            None => (None, ""),
        },
    };
    let key = key.ok_or(Error::NotFound)?;
    let mut r =
        crate::web::pages::clips::send_ranged(&st, &key, mime, &headers, MEDIA_CACHE).await?;
    // Media may be played by the embedded player on the agency's sites.
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    r.headers_mut().insert(
        header::HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("cross-origin"),
    );
    Ok(r)
}

/// A post's published subtitle tracks: (language, name, WebVTT).
fn tracks_of(json: &str) -> Vec<(String, String, String)> {
    let v: Vec<serde_json::Value> = serde_json::from_str(json).unwrap_or_default();
    v.iter()
        .filter_map(|t| {
            Some((
                t["lang"].as_str()?.to_string(),
                t["name"].as_str()?.to_string(),
                t["vtt"].as_str()?.to_string(),
            ))
        })
        .collect()
}

/// One of a post's subtitle tracks as WebVTT.
fn captions(p: &Post, lang: &str) -> Result<Response> {
    let (_, _, vtt) = tracks_of(&p.captions)
        .into_iter()
        .find(|t| t.0 == lang)
        .ok_or(Error::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/vtt; charset=utf-8"),
            (header::CACHE_CONTROL, MEDIA_CACHE),
        ],
        vtt,
    )
        .into_response())
}

/// The player's script (progressive: the pages work without it).
pub async fn player_js(Path(_slug): Path<String>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        PLAYER_JS,
    )
        .into_response()
}

/// A player's viewing beacon. Answers 204 whether it counted or not (a
/// robot, a device asking not to be tracked and a post no longer shown
/// learn nothing); 400 for what is not a beacon, 429 past the budget.
pub async fn beacon(
    State(st): State<AppState>,
    ctx: axum::Extension<ReqCtx>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let o = open(&st, &slug, None).await?;
    let header_is = |name: &str, v: &str| {
        headers
            .get(name)
            .and_then(|h| h.to_str().ok())
            .is_some_and(|h| h.trim() == v)
    };
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let from = measure::From {
        origin: Origin {
            addr: &ctx.client_addr,
            user_agent,
        },
        no_tracking: header_is("dnt", "1") || header_is("sec-gpc", "1"),
    };
    match measure::record(&st, &o.org, &o.base, &body, &from).await? {
        Outcome::Counted | Outcome::Dropped => Ok(StatusCode::NO_CONTENT.into_response()),
        Outcome::Malformed => Err(Error::Malformed {
            field: "beacon".into(),
            detail: "not a viewing beacon".into(),
        }),
        Outcome::TooMany => Err(Error::TooMany("outlet-too-many")),
    }
}

pub(super) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.get("/v/{slug}", Public, feed)
        .get("/v/{slug}/widget", Public, widget)
        .get("/v/{slug}/player.js", Public, player_js)
        .post_file(
            "/v/{slug}/beacon",
            Public,
            beacon,
            crate::domain::outlet::MAX_BEACON_BYTES,
        )
        .get("/v/{slug}/{token}", Public, clip)
        .get("/v/{slug}/{token}/embed", Public, embed)
        .get("/v/{slug}/{token}/{file}", Public, media)
}
