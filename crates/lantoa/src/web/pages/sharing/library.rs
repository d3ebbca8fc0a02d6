//! The shared library of an agency: what the body's other agencies (and its
//! overseer) offer it, searched and filtered like the clip list, each offer
//! previewed with the player and taken with one button.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};

use super::{OfferRow, offer_row};
use crate::domain::Action;
use crate::domain::sharing::OfferState;
use crate::error::{Error, Result};
use crate::service::sharing::{self as svc, LibraryQuery, Took};
use crate::state::AppState;
use crate::web::extract::{Authz, act};
use crate::web::pages::clips::CategoryOption;
use crate::web::pages::{Layout, render, render_status, shown_on_form};

/// The offers a library page shows.
const PER_PAGE: i64 = 24;

/// A choice of a filter: (value, label).
type Choice = (String, String);

#[derive(Template)]
#[template(path = "library.html")]
struct LibraryPage {
    l: Layout,
    aid: i64,
    q: LibraryQuery,
    rows: Vec<OfferRow>,
    found: String,
    prev: Option<String>,
    next: Option<String>,
    refused: Option<String>,
    categories: Vec<CategoryOption>,
    campaigns: Vec<Choice>,
    sources: Vec<Choice>,
}

impl LibraryPage {
    fn val(&self, field: &str) -> String {
        let q = &self.q;
        let v = match field {
            "q" => &q.q,
            "category" => &q.category,
            "campaign" => &q.campaign,
            "source" => &q.source,
            _ => &None,
        };
        v.as_deref().unwrap_or("").trim().to_string()
    }

    fn filtered(&self) -> bool {
        ["category", "campaign", "source"]
            .iter()
            .any(|f| !self.val(f).is_empty())
    }

    fn page_query(&self, page: i64) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for f in ["q", "category", "campaign", "source"] {
            let v = self.val(f);
            if !v.is_empty() {
                s.append_pair(f, &v);
            }
        }
        s.append_pair("page", &page.to_string());
        s.finish()
    }
}

pub async fn list(
    State(st): State<AppState>,
    a: Authz<act::ViewLibrary>,
    Query(q): Query<LibraryQuery>,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let aid = a.agency.id.0;
    let tz = a.agency.time_zone.clone();
    let body = a.agency.parent_id.ok_or(Error::NotFound)?;
    let now = st.now();
    let (found, refused) = match svc::library_filter(&q, body, Some(a.agency.id), now, PER_PAGE) {
        Ok((f, page)) => (Some((svc::library(&st, &f).await?, page)), None),
        Err(Error::Invalid(e)) => (None, Some(l.tr.t(e.message_id))),
        Err(e) => return Err(e),
    };
    let (any, _) = svc::library_filter(&LibraryQuery::default(), body, Some(a.agency.id), now, 1)?;
    let (campaigns, sources) = {
        let mut tx = st.db.read().await?;
        (
            crate::db::campaigns::of_body(&mut tx, body).await?,
            crate::db::sharing::sources(&mut tx, &any).await?,
        )
    };
    let rows = found.as_ref().map_or(vec![], |((rows, _), _)| {
        rows.iter()
            .map(|o| {
                let media = format!("/a/{aid}/library/{}/media/poster-1", o.id);
                offer_row(&l, o, Some(media), &tz)
            })
            .collect()
    });
    let mut page = LibraryPage {
        aid,
        q,
        rows,
        found: found.as_ref().map_or(String::new(), |((_, n), _)| {
            l.tr.t1("clips-found", "n", &n.to_string())
        }),
        prev: None,
        next: None,
        refused,
        categories: crate::web::pages::clips::categories(&l),
        campaigns: campaigns
            .into_iter()
            .map(|c| (c.id.to_string(), c.name))
            .collect(),
        sources: sources
            .into_iter()
            .filter(|(id, _)| *id != a.agency.id)
            .map(|(id, n)| (id.0.to_string(), n))
            .collect(),
        l,
    };
    if let Some(((_, n), p)) = &found {
        let last = ((n + PER_PAGE - 1) / PER_PAGE).max(1);
        page.prev = (*p > 1).then(|| page.page_query(p - 1));
        page.next = (*p < last).then(|| page.page_query(p + 1));
    }
    render(&page)
}

#[derive(Template)]
#[template(path = "library_offer.html")]
struct OfferPage {
    l: Layout,
    aid: i64,
    row: OfferRow,
    caption: String,
    hashtags: String,
    state: &'static str,
    /// The offered version's original is stored (the demo's history clips
    /// have none): the player is shown.
    playable: bool,
    mine: bool,
    can_take: bool,
    error: Option<String>,
}

impl OfferPage {
    /// Why it cannot be taken any more, as a message id.
    fn closed_id(&self) -> String {
        format!("library-offer-{}", self.state)
    }
}

async fn offer_page<A>(
    st: &AppState,
    a: &Authz<A>,
    oid: i64,
    error: Option<(axum::http::StatusCode, String)>,
) -> Result<Response> {
    let o = svc::visible(st, a.agency.id, oid).await?;
    let l = Layout::build(st, &a.ctx, Some(&a.agency)).await?;
    let aid = a.agency.id.0;
    let tz = a.agency.time_zone.clone();
    let (listed, original) = {
        let mut tx = st.db.read().await?;
        let listed = crate::db::sharing::listed(&mut tx, o.id, a.agency.id)
            .await?
            .ok_or(Error::NotFound)?;
        let v = crate::db::clips::get_version(&mut tx, o.version_id)
            .await?
            .ok_or(Error::NotFound)?;
        (listed, v.original_key)
    };
    let playable = st.store.size(&original).await.ok().flatten().is_some();
    let media = format!("/a/{aid}/library/{oid}/media/poster-1");
    let row = offer_row(&l, &listed, Some(media), &tz);
    let state = svc::state_of(&o, st.now());
    let mine = o.agency_id == a.agency.id;
    let hashtags: Vec<String> = serde_json::from_str(&o.hashtags).unwrap_or_default();
    let (status, error) = crate::web::pages::form_status(error);
    render_status(
        status,
        &OfferPage {
            aid,
            caption: o.caption.clone(),
            hashtags: hashtags.join(" "),
            state: state.code(),
            playable,
            mine,
            can_take: !mine
                && state == OfferState::Open
                && row.copy.is_none()
                && a.may(Action::TakeShared),
            row,
            error,
            l,
        },
    )
}

pub async fn detail(
    State(st): State<AppState>,
    a: Authz<act::ViewLibrary>,
    Path((_, oid)): Path<(i64, i64)>,
) -> Result<Response> {
    offer_page(&st, &a, oid, None).await
}

/// The offer's poster and playback, for the preview (nothing else of the
/// source clip).
pub async fn media(
    State(st): State<AppState>,
    a: Authz<act::ViewLibrary>,
    Path((_, oid, name)): Path<(i64, i64, String)>,
    headers: HeaderMap,
) -> Result<Response> {
    if !(name == "playback" || name.starts_with("poster-")) {
        return Err(Error::NotFound);
    }
    let o = svc::visible(&st, a.agency.id, oid).await?;
    let v = {
        let mut tx = st.db.read().await?;
        crate::db::clips::get_version(&mut tx, o.version_id).await?
    }
    .ok_or(Error::NotFound)?;
    crate::web::pages::clips::version_media(&st, &v, &name, None, &headers).await
}

/// "Lấy về": the clip becomes a draft of the agency's own (or, taken before,
/// the first copy opens).
pub async fn take(
    State(st): State<AppState>,
    a: Authz<act::TakeShared>,
    Path((aid, oid)): Path<(i64, i64)>,
) -> Result<Response> {
    match svc::take(&a.caller, oid).await {
        Ok(Took::New(c)) => {
            Ok(Redirect::to(&format!("/a/{aid}/clips/{}?done=take", c.0)).into_response())
        }
        Ok(Took::Before(c)) => {
            Ok(Redirect::to(&format!("/a/{aid}/clips/{}?done=taken_before", c.0)).into_response())
        }
        Err(e) => {
            let shown = shown_on_form(e, &a.ctx.tr())?;
            offer_page(&st, &a, oid, Some(shown)).await
        }
    }
}
