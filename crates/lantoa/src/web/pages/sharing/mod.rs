//! Sharing across the network: the shared library an agency searches and
//! takes from, the sharing panel of a clip's page (offer, terms, where it
//! went), and the body's view of how far shared clips travelled.

mod body;
mod clip;
mod library;

pub(crate) use clip::{ShareView, share_view};

use crate::db::sharing::{CopyPost, Listed};
use crate::domain::sharing::Terms;
use crate::service::sharing::Spread;
use crate::web::pages::Layout;
use crate::web::{Routes, Scope};

/// An offer in a list: poster, length, topic, campaign, source, date, terms.
pub struct OfferRow {
    pub id: i64,
    pub title: String,
    pub poster: Option<String>,
    pub length: String,
    pub category: String,
    pub campaign: Option<String>,
    pub source: String,
    pub date: String,
    pub terms: String,
    /// The viewer's copy (the viewer took it).
    pub copy: Option<i64>,
    pub recommendation: String,
    pub by_body: bool,
    pub withdrawn: bool,
    /// The source agency's id (the viewer's own offers are marked).
    pub source_id: i64,
}

/// `o` as a list shows it; `media` is where its poster is read from
/// (`None`: no poster).
fn offer_row(l: &Layout, o: &Listed, media: Option<String>, tz: &str) -> OfferRow {
    #[derive(serde::Deserialize)]
    struct Probed {
        duration_s: Option<f64>,
    }
    let outputs: Option<crate::ingest::Outputs> = o
        .outputs
        .as_deref()
        .and_then(|x| serde_json::from_str(x).ok());
    let length = o
        .probe
        .as_deref()
        .and_then(|p| serde_json::from_str::<Probed>(p).ok())
        .and_then(|p| p.duration_s)
        .map(|s| {
            let s = s.round() as i64;
            format!("{}:{:02}", s / 60, s % 60)
        })
        .unwrap_or_default();
    OfferRow {
        id: o.id,
        title: o.title.clone(),
        poster: media.filter(|_| outputs.is_some_and(|x| !x.posters.is_empty())),
        length,
        category: super::clips::category_label(l, &o.category),
        campaign: o.campaign_name.clone(),
        source: o.agency_name.clone(),
        date: l.time(&o.created_at, tz),
        terms: terms_text(
            l,
            &Terms {
                credit: o.credit.clone(),
                may_adapt: o.may_adapt != 0,
                may_cut: o.may_cut != 0,
                ends_at: o.ends_at,
            },
            tz,
        ),
        copy: o.copy_id.map(|c| c.0),
        recommendation: o.recommendation.clone(),
        by_body: o.by_body != 0,
        withdrawn: o.withdrawn_at.is_some(),
        source_id: o.agency_id.0,
    }
}

/// An offer's terms in one line.
fn terms_text(l: &Layout, t: &Terms, tz: &str) -> String {
    let mut parts = vec![
        l.tr.t1("share-terms-credit", "credit", &t.credit),
        l.tr.t(if t.may_adapt {
            "share-terms-adapt"
        } else {
            "share-terms-locked"
        }),
        l.tr.t(if t.may_cut {
            "share-terms-cut"
        } else {
            "share-terms-no-cut"
        }),
    ];
    if let Some(e) = t.ends_at {
        let last = crate::clock::day_in(e - 1, tz, l.tr.locale);
        parts.push(l.tr.t1("share-terms-until", "day", &last));
    }
    parts.join(" · ")
}

/// One agency's copy in a spread: its state and its posts.
pub struct CopyRow {
    pub agency: String,
    pub state: String,
    pub state_label: String,
    pub taken: String,
    pub posts: Vec<PostRow>,
}

pub struct PostRow {
    pub platform: String,
    pub channel: String,
    pub url: Option<String>,
    pub when: String,
    /// Removal, in words, when the post is being or was removed.
    pub removal: Option<String>,
}

fn copy_rows(l: &Layout, s: &Spread, tz: &str) -> Vec<CopyRow> {
    s.copies
        .iter()
        .map(|(c, posts)| CopyRow {
            agency: c.agency_name.clone(),
            state_label: crate::domain::ClipState::parse(&c.state)
                .map_or(c.state.clone(), |s| l.tr.t(&s.message_id())),
            state: c.state.clone(),
            taken: l.time(&c.created_at, tz),
            posts: posts.iter().map(|p| post_row(l, p, tz)).collect(),
        })
        .collect()
}

fn post_row(l: &Layout, p: &CopyPost, tz: &str) -> PostRow {
    PostRow {
        platform: l.tr.t(&format!("platform-{}", p.platform)),
        channel: p.channel_name.clone(),
        url: p.url.clone(),
        when: p.published_at.map(|t| l.time(&t, tz)).unwrap_or_default(),
        removal: p
            .removal
            .as_deref()
            .map(|r| l.tr.t(&format!("pub-removal-{r}"))),
    }
}

/// A number the reader's way.
fn num(l: &Layout, n: i64) -> String {
    crate::insights::chart::fmt_num_in(n as f64, l.tr.locale)
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.get("/a/{aid}/library", Agency, library::list)
        .get("/a/{aid}/library/{oid}", Agency, library::detail)
        .get(
            "/a/{aid}/library/{oid}/media/{name}",
            Agency,
            library::media,
        )
        .post("/a/{aid}/library/{oid}/take", Agency, library::take)
        .post("/a/{aid}/clips/{cid}/offer", Agency, clip::offer)
        .post("/a/{aid}/offers/{oid}/withdraw", Agency, clip::withdraw)
        .post(
            "/a/{aid}/clips/{cid}/take-correction",
            Agency,
            clip::take_correction,
        )
        .get("/b/{bid}/sharing", Body, body::list)
        .post("/b/{bid}/sharing", Body, body::place)
        .get("/b/{bid}/sharing/{oid}", Body, body::detail)
        .post("/b/{bid}/sharing/{oid}/withdraw", Body, body::withdraw)
}
