//! The operator's page of the outlet (`/a/{aid}/outlet`): turn it on, its
//! public address, what it shows, whether search engines index it, which
//! sites may embed it; the code those sites paste; a preview of the public
//! site; and its first-hand figures (views, viewers, watching, where viewers
//! stop, where they came from, on what).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::public::embed_size;
use crate::db::outlet::{self as odb, Filter, Viewing};
use crate::domain::Action;
use crate::domain::outlet::{self as dom, Settings};
use crate::error::Result;
use crate::state::AppState;
use crate::web::extract::{Authz, act};
use crate::web::pages::{DoneQuery, Layout, render_status};
use crate::web::{Routes, Scope};

/// One row of figures.
pub struct Row {
    pub label: String,
    pub link: String,
    pub views: i64,
    pub viewers: i64,
    pub watch: String,
    pub completion: String,
    /// Viewers who reached each quarter, in percent of those who started.
    pub quarters: [String; 4],
}

fn row(label: String, link: String, v: &Viewing, duration_ms: Option<i64>) -> Row {
    let pct = |n: i64| {
        if v.viewers > 0 {
            format!("{:.0} %", n as f64 * 100.0 / v.viewers as f64)
        } else {
            "—".into()
        }
    };
    let completion = match duration_ms {
        Some(d) if d > 0 && v.views > 0 => format!(
            "{:.0} %",
            (v.watched_ms as f64 / v.views as f64 / d as f64 * 100.0).min(100.0)
        ),
        _ => "—".into(),
    };
    Row {
        label,
        link,
        views: v.views,
        viewers: v.viewers,
        watch: format!("{:.1} min", v.watched_ms as f64 / 60_000.0),
        completion,
        quarters: [pct(v.q1), pct(v.q2), pct(v.q3), pct(v.q4)],
    }
}

#[derive(Template)]
#[template(path = "outlet_admin.html")]
struct AdminPage {
    l: Layout,
    aid: i64,
    slug: String,
    s: Settings,
    origins: String,
    public: String,
    preview: String,
    widget_codes: Vec<(String, String)>,
    feeds: Vec<(String, String)>,
    posts: Vec<Row>,
    /// Viewing by where viewers came from, the sites, the devices.
    groups: Vec<(String, Vec<Row>)>,
    notice: Option<String>,
    saved: bool,
    /// May change the settings (else they are shown).
    can_manage: bool,
    /// May see the figures.
    show_figures: bool,
}

/// Who is looking and what they may do there.
struct Viewer<'a> {
    l: Layout,
    a: &'a crate::service::Caller,
    can_manage: bool,
    show_figures: bool,
}

async fn build(
    st: &AppState,
    v: Viewer<'_>,
    s: Settings,
    notice: Option<String>,
    saved: bool,
) -> Result<AdminPage> {
    let Viewer {
        l,
        a,
        can_manage,
        show_figures,
    } = v;
    let public = crate::service::outlet::base(st, &a.agency.slug, &s);
    let (posts, by) = {
        let mut tx = st.db.read().await?;
        let posts = odb::posts(
            &mut tx,
            &[a.agency.id],
            &Filter {
                limit: 50,
                ..Filter::default()
            },
        )
        .await?;
        let ids: Vec<_> = posts.iter().map(|p| p.publication_id).collect();
        let seen = odb::viewing_of(&mut tx, &ids).await?;
        let mut by = Vec::new();
        for k in ["referrer", "site", "device"] {
            by.push(odb::viewing_by(&mut tx, a.agency.id, k).await?);
        }
        let rows: Vec<Row> = posts
            .iter()
            .map(|p| {
                let v = seen
                    .iter()
                    .find(|v| v.key == p.publication_id.0.to_string())
                    .cloned()
                    .unwrap_or_default();
                row(
                    p.title.clone(),
                    format!("{public}/{}", p.token),
                    &v,
                    p.duration_ms,
                )
            })
            .collect();
        (rows, by)
    };
    let named = |list: &[Viewing], prefix: &str| -> Vec<Row> {
        list.iter()
            .map(|v| {
                let label = if prefix.is_empty() {
                    v.key.clone()
                } else {
                    l.tr.t(&format!("{prefix}{}", v.key))
                };
                row(label, String::new(), v, None)
            })
            .collect()
    };
    let (w, h) = embed_size(9, 16);
    let widget_codes = [("s", 2), ("m", 4), ("l", 6)]
        .iter()
        .map(|(size, n)| {
            let height = match *size {
                "s" => 230,
                "m" => 300,
                _ => 340,
            };
            (
                l.tr.t(&format!("outlet-widget-{size}")),
                format!(
                    "<iframe src=\"{public}/widget?n={n}&amp;size={size}\" width=\"100%\" height=\"{height}\" \
                     title=\"{}\" style=\"border:0\" loading=\"lazy\"></iframe>",
                    a.agency.name
                ),
            )
        })
        .chain(std::iter::once((
            l.tr.t("outlet-embed-player"),
            format!(
                "<iframe src=\"{public}/…/embed\" width=\"{w}\" height=\"{h}\" style=\"border:0\" \
                 allow=\"autoplay; fullscreen\" allowfullscreen></iframe>"
            ),
        )))
        .collect();
    let feeds = vec![
        ("RSS".to_string(), format!("{public}/feed.rss")),
        ("Atom".to_string(), format!("{public}/feed.atom")),
        (l.tr.t("outlet-sitemap"), format!("{public}/sitemap.xml")),
    ];
    Ok(AdminPage {
        aid: a.agency.id.0,
        slug: a.agency.slug.clone(),
        origins: s.embed_origins.join("\n"),
        preview: format!("/v/{}", a.agency.slug),
        public,
        widget_codes,
        feeds,
        posts,
        groups: vec![
            (
                l.tr.t("outlet-by-referrer"),
                named(&by[0], "outlet-referrer-"),
            ),
            (l.tr.t("outlet-by-site"), named(&by[1], "")),
            (l.tr.t("outlet-by-device"), named(&by[2], "outlet-device-")),
        ],
        s,
        notice,
        saved,
        can_manage,
        show_figures,
        l,
    })
}

pub async fn admin_page(
    State(st): State<AppState>,
    a: Authz<act::ViewChannels>,
    Query(done): Query<DoneQuery>,
) -> Result<Response> {
    let s = {
        let mut tx = st.db.read().await?;
        crate::service::outlet::settings(&mut tx, a.agency.id).await?
    };
    let v = Viewer {
        l: Layout::build(&st, &a.ctx, Some(&a.agency)).await?,
        a: &a.caller,
        can_manage: a.caller.may(Action::ManageChannels),
        show_figures: a.caller.may(Action::ViewInsights),
    };
    let page = build(&st, v, s, None, done.done == "saved").await?;
    render_status(axum::http::StatusCode::OK, &page)
}

/// Reads the settings form; the first bad field is refused with its message.
fn read_form(body: &[u8]) -> (Settings, Option<&'static str>) {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut bad = None;
    let base_url = dom::parse_base_url(&get("base_url")).unwrap_or_else(|i| {
        bad = bad.or(Some(i.message_id));
        get("base_url")
    });
    let embed_origins = dom::parse_origins(&get("embed_origins")).unwrap_or_else(|i| {
        bad = bad.or(Some(i.message_id));
        get("embed_origins").lines().map(str::to_string).collect()
    });
    let s = Settings {
        enabled: !get("enabled").is_empty(),
        base_url,
        show_authors: !get("show_authors").is_empty(),
        indexable: !get("indexable").is_empty(),
        embed_origins,
    };
    (s, bad)
}

pub async fn admin_save(
    State(st): State<AppState>,
    a: Authz<act::ManageChannels>,
    body: axum::body::Bytes,
) -> Result<Response> {
    let (s, bad) = read_form(&body);
    if let Some(id) = bad {
        let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
        let notice = Some(l.tr.t(id));
        let v = Viewer {
            l,
            a: &a.caller,
            can_manage: true,
            show_figures: a.caller.may(Action::ViewInsights),
        };
        let page = build(&st, v, s, notice, false).await?;
        return render_status(axum::http::StatusCode::BAD_REQUEST, &page);
    }
    match crate::service::outlet::save_settings(&a.caller, s).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/a/{}/outlet?done=saved", a.agency.id.0)).into_response())
        }
        Err(e) => Err(e),
    }
}

pub(super) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.get("/a/{aid}/outlet", Agency, admin_page)
        .post("/a/{aid}/outlet", Agency, admin_save)
}

#[cfg(test)]
mod tests {
    use super::read_form;

    #[test]
    fn the_form_is_read_and_its_first_bad_field_named() {
        let (s, bad) = read_form(
            b"enabled=1&base_url=https%3A%2F%2Fvideo.baotinh.vn%2F&indexable=1&embed_origins=https%3A%2F%2Fbaotinh.vn",
        );
        assert!(s.enabled && s.indexable && !s.show_authors);
        assert_eq!(s.base_url, "https://video.baotinh.vn");
        assert_eq!(s.embed_origins, vec!["https://baotinh.vn"]);
        assert_eq!(bad, None);
        let (_, bad) = read_form(b"base_url=ftp%3A%2F%2Fx&embed_origins=nope");
        assert_eq!(bad, Some("outlet-bad-base-url"));
    }
}
