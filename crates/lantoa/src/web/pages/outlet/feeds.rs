//! What other programs read of the outlet: RSS 2.0 with Media RSS and Atom
//! feeds (per agency, per category), a video sitemap, and oEmbed.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::public::{Card, cards, embed_size, one};
use super::{CSP_PAGE, Outlet, cached, iso, open};
use crate::domain::clip::Category;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::web::{Routes, Scope};

/// Posts in a feed and in the sitemap.
const FEED_ITEMS: i64 = 50;
const SITEMAP_ITEMS: i64 = 200;

/// Text for XML: `&`, `<`, `>`, quotes escaped; characters XML 1.0 forbids dropped.
fn x(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// RFC 822 time (RSS), UTC.
fn rfc822(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string())
        .unwrap_or_default()
}

#[derive(Debug, Default, Deserialize)]
pub struct FeedQuery {
    pub lang: Option<String>,
    pub cat: Option<String>,
}

/// The outlet and its newest cards, in a category when one is asked.
async fn newest(
    st: &AppState,
    slug: &str,
    q: &FeedQuery,
    limit: i64,
) -> Result<(Outlet, Vec<Card>, String)> {
    let o = open(st, slug, q.lang.as_deref()).await?;
    let category = match q.cat.as_deref() {
        None | Some("") => String::new(),
        Some(c) => Category::parse(c)
            .map_err(|_| Error::NotFound)?
            .code()
            .to_string(),
    };
    let posts = super::public::newest(st, &o, &category, limit).await?;
    let cards = cards(st, &o, posts).await?;
    Ok((o, cards, category))
}

fn feed_title(o: &Outlet, category: &str) -> String {
    if category.is_empty() {
        o.org.name.clone()
    } else {
        format!(
            "{} — {}",
            o.org.name,
            o.tr.t(&format!("category-{category}"))
        )
    }
}

/// RSS 2.0 with Media RSS: each clip with its video, poster and length.
pub async fn rss(
    State(st): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<FeedQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    let (o, cards, category) = newest(&st, &slug, &q, FEED_ITEMS).await?;
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" \
         xmlns:media=\"http://search.yahoo.com/mrss/\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n",
    );
    let self_url = format!("{}/feed.rss{}", o.base, cat_query(&category));
    s.push_str(&format!(
        "<title>{}</title>\n<link>{}</link>\n<description>{}</description>\n<language>{}</language>\n\
         <atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
        x(&feed_title(&o, &category)),
        x(&o.link("")),
        x(&o.tr.t("outlet-feed-description")),
        o.lang.code(),
        x(&self_url)
    ));
    if let Some(c) = cards.first() {
        s.push_str(&format!(
            "<lastBuildDate>{}</lastBuildDate>\n",
            rfc822(c.published_at)
        ));
    }
    for c in &cards {
        s.push_str(&format!(
            "<item>\n<title>{}</title>\n<link>{}</link>\n<guid isPermaLink=\"true\">{}</guid>\n\
             <pubDate>{}</pubDate>\n<category>{}</category>\n<description>{}</description>\n\
             <enclosure url=\"{}\" type=\"video/mp4\" length=\"0\"/>\n\
             <media:content url=\"{}\" type=\"video/mp4\" medium=\"video\" width=\"{}\" height=\"{}\"/>\n",
            x(&c.title),
            x(&c.url),
            x(&c.url),
            rfc822(c.published_at),
            x(&c.category),
            x(&c.caption),
            x(&c.video_url),
            x(&c.video_url),
            c.width,
            c.height
        ));
        if !c.poster_url.is_empty() {
            s.push_str(&format!(
                "<media:thumbnail url=\"{}\"/>\n",
                x(&c.poster_url)
            ));
        }
        s.push_str(&format!(
            "<media:title>{}</media:title>\n<media:description>{}</media:description>\n</item>\n",
            x(&c.title),
            x(&c.caption)
        ));
    }
    s.push_str("</channel>\n</rss>\n");
    Ok(cached(
        &headers,
        "application/rss+xml; charset=utf-8",
        CSP_PAGE,
        true,
        s,
    ))
}

fn cat_query(category: &str) -> String {
    if category.is_empty() {
        String::new()
    } else {
        format!("?cat={category}")
    }
}

/// Atom 1.0, with each clip's video as an enclosure link.
pub async fn atom(
    State(st): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<FeedQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    let (o, cards, category) = newest(&st, &slug, &q, FEED_ITEMS).await?;
    let self_url = format!("{}/feed.atom{}", o.base, cat_query(&category));
    let updated = cards
        .first()
        .map_or_else(|| iso(st.now()), |c| c.date_iso.clone());
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" \
         xml:lang=\"{}\">\n<title>{}</title>\n<id>{}</id>\n<updated>{updated}</updated>\n\
         <link rel=\"self\" href=\"{}\"/>\n<link rel=\"alternate\" href=\"{}\"/>\n<author><name>{}</name></author>\n",
        o.lang.code(),
        x(&feed_title(&o, &category)),
        x(&self_url),
        x(&self_url),
        x(&o.link("")),
        x(&o.org.name)
    );
    for c in &cards {
        s.push_str(&format!(
            "<entry>\n<title>{}</title>\n<id>{}</id>\n<link rel=\"alternate\" href=\"{}\"/>\n\
             <link rel=\"enclosure\" type=\"video/mp4\" href=\"{}\"/>\n<published>{}</published>\n\
             <updated>{}</updated>\n<category term=\"{}\"/>\n<summary>{}</summary>\n</entry>\n",
            x(&c.title),
            x(&c.url),
            x(&c.url),
            x(&c.video_url),
            c.date_iso,
            c.date_iso,
            x(&c.category),
            x(&c.caption)
        ));
    }
    s.push_str("</feed>\n");
    Ok(cached(
        &headers,
        "application/atom+xml; charset=utf-8",
        CSP_PAGE,
        true,
        s,
    ))
}

/// A video sitemap (Google's `video:` extension) of the shown clips.
pub async fn sitemap(
    State(st): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response> {
    let (o, cards, _) = newest(&st, &slug, &FeedQuery::default(), SITEMAP_ITEMS).await?;
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:video=\"http://www.google.com/schemas/sitemap-video/1.1\">\n",
    );
    if o.settings.indexable {
        for c in &cards {
            s.push_str(&format!(
                "<url>\n<loc>{}</loc>\n<lastmod>{}</lastmod>\n<video:video>\n\
                 <video:thumbnail_loc>{}</video:thumbnail_loc>\n<video:title>{}</video:title>\n\
                 <video:description>{}</video:description>\n<video:content_loc>{}</video:content_loc>\n\
                 <video:player_loc>{}</video:player_loc>\n<video:duration>{}</video:duration>\n\
                 <video:publication_date>{}</video:publication_date>\n</video:video>\n</url>\n",
                x(&c.url),
                c.date_iso,
                x(&c.poster_url),
                x(&c.title),
                x(&c.caption),
                x(&c.video_url),
                x(&c.embed_url),
                c.duration_s.max(1),
                c.date_iso
            ));
        }
    }
    s.push_str("</urlset>\n");
    Ok(cached(
        &headers,
        "application/xml; charset=utf-8",
        CSP_PAGE,
        o.settings.indexable,
        s,
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct OEmbedQuery {
    pub url: Option<String>,
    pub format: Option<String>,
    pub maxwidth: Option<String>,
}

/// oEmbed (JSON) for a clip page's address under this outlet.
pub async fn oembed(
    State(st): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<OEmbedQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    if q.format.as_deref().is_some_and(|f| f != "json") {
        return Err(Error::Malformed {
            field: "format".into(),
            detail: "only json is offered".into(),
        });
    }
    let o = open(&st, &slug, None).await?;
    let url = q.url.unwrap_or_default();
    let token = url
        .strip_prefix(&format!("{}/", o.base))
        .map(|t| t.split(['?', '#', '/']).next().unwrap_or(""))
        .ok_or(Error::NotFound)?;
    let (o, c) = one(&st, &slug, token, None).await?;
    let (mut w, mut h) = embed_size(c.width, c.height);
    if let Some(max) = q
        .maxwidth
        .and_then(|m| m.parse::<i64>().ok())
        .filter(|m| *m >= 120)
        && w > max
    {
        h = h * max / w;
        w = max;
    }
    let html = format!(
        "<iframe src=\"{}\" width=\"{w}\" height=\"{h}\" title=\"{}\" style=\"border:0\" \
         allow=\"autoplay; fullscreen; picture-in-picture\" allowfullscreen></iframe>",
        x(&c.embed_url),
        x(&c.title)
    );
    let body = serde_json::json!({
        "version": "1.0",
        "type": "video",
        "title": c.title,
        "author_name": o.org.name,
        "author_url": o.link(""),
        "provider_name": o.org.name,
        "provider_url": o.link(""),
        "thumbnail_url": c.poster_url,
        "thumbnail_width": c.width,
        "thumbnail_height": c.height,
        "html": html,
        "width": w,
        "height": h,
    });
    Ok(cached(
        &headers,
        "application/json",
        CSP_PAGE,
        o.settings.indexable,
        body.to_string(),
    ))
}

pub(super) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.get("/v/{slug}/feed.rss", Public, rss)
        .get("/v/{slug}/feed.atom", Public, atom)
        .get("/v/{slug}/sitemap.xml", Public, sitemap)
        .get("/v/{slug}/oembed", Public, oembed)
}
