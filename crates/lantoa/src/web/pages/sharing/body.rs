//! The body's view of sharing: every offer of its agencies with how far it
//! travelled (agencies that took it, their posts, reach, takedowns), the
//! same per campaign, and the overseer placing an agency's approved clip in
//! the library with a recommendation.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::clip::OfferForm;
use super::{CopyRow, OfferRow, copy_rows, num, offer_row};
use crate::db::sharing as sdb;
use crate::domain::policy::{BodyAction, allows_in_body};
use crate::domain::{ClipId, OrgId};
use crate::error::{Error, Result};
use crate::service::sharing::{self as svc, LibraryQuery};
use crate::state::AppState;
use crate::web::extract::{BodyAuthz, FormData, body_act};
use crate::web::pages::{Layout, form_status, render, render_status, shown_on_form};

const PER_PAGE: i64 = 50;

/// An offer and how far it went.
pub struct SpreadLine {
    pub offer: OfferRow,
    pub took: usize,
    pub posted: usize,
    pub posts: usize,
    pub reach: String,
    /// The source clip was taken down.
    pub down: bool,
}

pub struct CampaignLine {
    pub name: String,
    pub clips: i64,
    pub agencies: i64,
    pub posts: i64,
    pub reach: String,
}

#[derive(Template)]
#[template(path = "sharing.html")]
struct SharingPage {
    l: Layout,
    bid: i64,
    q: String,
    lines: Vec<SpreadLine>,
    campaigns: Vec<CampaignLine>,
    can_place: bool,
    /// Clips the overseer may place: ("agency:clip", "agency — title").
    placeable: Vec<(String, String)>,
    agencies: Vec<(i64, String)>,
    error: Option<String>,
}

async fn page<A>(
    st: &AppState,
    b: &BodyAuthz<A>,
    q: &LibraryQuery,
    error: Option<(StatusCode, String)>,
) -> Result<Response> {
    let l = Layout::build(st, &b.ctx, None).await?;
    let body = b.agency.id;
    let tz = b.agency.time_zone.clone();
    let (f, _) = svc::library_filter(q, body, None, st.now(), PER_PAGE)?;
    let mut tx = st.db.read().await?;
    let rows = sdb::search(&mut tx, &f).await?;
    let mut lines = Vec::with_capacity(rows.len());
    for o in &rows {
        let s = svc::spread(&mut tx, o.clip_id).await?;
        let down = crate::db::clips::get_any(&mut tx, o.clip_id)
            .await?
            .is_some_and(|c| c.state == crate::domain::ClipState::TakenDown);
        lines.push(SpreadLine {
            offer: offer_row(&l, o, None, &tz),
            took: s.copies.len(),
            posted: s.posted_by(),
            posts: s.posts(),
            reach: num(&l, s.reach),
            down,
        });
    }
    let campaigns = sdb::campaign_spread(&mut tx, body)
        .await?
        .into_iter()
        .map(|c| CampaignLine {
            name: c.name,
            clips: c.clips,
            agencies: c.agencies,
            posts: c.posts,
            reach: num(&l, c.reach.unwrap_or(0)),
        })
        .collect();
    let can_place = allows_in_body(&b.principal.subject(), body, BodyAction::PlaceShared);
    let placeable = if can_place {
        sdb::placeable(&mut tx, body, 200)
            .await?
            .into_iter()
            .map(|(c, a, an, t)| (format!("{}:{}", a.0, c.0), format!("{an} — {t}")))
            .collect()
    } else {
        vec![]
    };
    let agencies = crate::db::orgs::agencies_of_body(&mut tx, body)
        .await?
        .into_iter()
        .map(|o| (o.id.0, o.name))
        .collect();
    drop(tx);
    let (status, error) = form_status(error);
    render_status(
        status,
        &SharingPage {
            bid: body.0,
            q: q.q.clone().unwrap_or_default(),
            lines,
            campaigns,
            can_place,
            placeable,
            agencies,
            error,
            l,
        },
    )
}

pub async fn list(
    State(st): State<AppState>,
    b: BodyAuthz<body_act::ViewBody>,
    Query(q): Query<LibraryQuery>,
) -> Result<Response> {
    page(&st, &b, &q, None).await
}

#[derive(Debug, Deserialize)]
pub struct PlaceForm {
    /// "agency:clip".
    #[serde(default)]
    pub clip: String,
    #[serde(flatten)]
    pub offer: OfferForm,
}

pub async fn place(
    State(st): State<AppState>,
    b: BodyAuthz<body_act::PlaceShared>,
    FormData(f): FormData<PlaceForm>,
) -> Result<Response> {
    let bid = b.agency.id.0;
    let picked = f
        .clip
        .split_once(':')
        .and_then(|(a, c)| Some((OrgId(a.parse().ok()?), ClipId(c.parse().ok()?))));
    let done = match (picked, f.offer.input()) {
        (Some((a, c)), Ok(i)) => svc::place(&b.caller, a, c, i).await,
        (None, _) => Err(crate::domain::Invalid::new("clip", "share-pick-clip").into()),
        (_, Err(e)) => Err(e),
    };
    match done {
        Ok(id) => Ok(Redirect::to(&format!("/b/{bid}/sharing/{id}")).into_response()),
        Err(e) => {
            let shown = shown_on_form(e, &b.ctx.tr())?;
            page(&st, &b, &LibraryQuery::default(), Some(shown)).await
        }
    }
}

#[derive(Template)]
#[template(path = "sharing_offer.html")]
struct SpreadPage {
    l: Layout,
    bid: i64,
    row: OfferRow,
    copies: Vec<CopyRow>,
    posted: usize,
    reach: String,
    down: bool,
    can_withdraw: bool,
}

pub async fn detail(
    State(st): State<AppState>,
    b: BodyAuthz<body_act::ViewBody>,
    Path((_, oid)): Path<(i64, i64)>,
) -> Result<Response> {
    let l = Layout::build(&st, &b.ctx, None).await?;
    let tz = b.agency.time_zone.clone();
    let mut tx = st.db.read().await?;
    let o = sdb::get(&mut tx, oid)
        .await?
        .filter(|o| o.body_id == b.agency.id)
        .ok_or(Error::NotFound)?;
    let listed = sdb::listed(&mut tx, oid, OrgId(0))
        .await?
        .ok_or(Error::NotFound)?;
    let s = svc::spread(&mut tx, o.clip_id).await?;
    let down = crate::db::clips::get_any(&mut tx, o.clip_id)
        .await?
        .is_some_and(|c| c.state == crate::domain::ClipState::TakenDown);
    drop(tx);
    let can_withdraw = o.withdrawn_at.is_none()
        && allows_in_body(&b.principal.subject(), b.agency.id, BodyAction::PlaceShared);
    render(&SpreadPage {
        bid: b.agency.id.0,
        row: offer_row(&l, &listed, None, &tz),
        copies: copy_rows(&l, &s, &tz),
        posted: s.posted_by(),
        reach: num(&l, s.reach),
        down,
        can_withdraw,
        l,
    })
}

pub async fn withdraw(
    State(_st): State<AppState>,
    b: BodyAuthz<body_act::PlaceShared>,
    Path((bid, oid)): Path<(i64, i64)>,
) -> Result<Response> {
    svc::withdraw(&b.caller, oid).await?;
    Ok(Redirect::to(&format!("/b/{bid}/sharing/{oid}")).into_response())
}
