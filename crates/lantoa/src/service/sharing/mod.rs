//! Sharing across the network: an agency (or the body's overseer) offers an
//! approved clip to the body's agencies on terms; another agency takes it as
//! a clip of its own — the same stored original, the credit line on every
//! caption — which its own review and head approve before its own channels
//! post it. Takedowns and corrections of the source follow ([`follow`]).
//!
//! Offering is the only path by which one agency's content reaches another.

mod follow;

pub use follow::{after_correction, after_takedown, copy_taken_down, take_correction};

use serde_json::json;

use crate::db::orgs::Org;
use crate::db::sharing::{self as sdb, NewOffer, Snapshot};
use crate::db::{Tx, clips};
use crate::domain::sharing::{OfferState, Terms};
use crate::domain::workflow::ClipState;
use crate::domain::{ClipId, Invalid, OrgId};
use crate::error::{Error, Refusal, Result};
use crate::service::{Caller, audit};
use crate::state::AppState;

/// An offer as its form sends it.
#[derive(Debug, Clone, Default)]
pub struct OfferInput {
    pub credit: String,
    pub may_adapt: bool,
    pub may_cut: bool,
    /// The last day it may be taken (YYYY-MM-DD in the agency's zone), or empty.
    pub ends_on: String,
    /// The agencies it is offered to; empty: every agency of the body.
    pub agencies: Vec<OrgId>,
    /// The overseer's recommendation (placing only).
    pub recommendation: String,
}

/// The terms of a stored offer.
pub fn terms_of(o: &sdb::Offer) -> Terms {
    Terms {
        credit: o.credit.clone(),
        may_adapt: o.may_adapt != 0,
        may_cut: o.may_cut != 0,
        ends_at: o.ends_at,
    }
}

/// Where a stored offer stands now.
pub fn state_of(o: &sdb::Offer, now: i64) -> OfferState {
    OfferState::of(o.withdrawn_at, o.ends_at, now)
}

/// The agency offers one of its approved (or published) clips.
pub async fn offer(caller: &Caller, clip: ClipId, i: OfferInput) -> Result<i64> {
    let (mut tx, now) = caller.write().await?;
    let id = open_offer(&mut tx, caller, &caller.agency, clip, &i, false, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// The body's overseer places an agency's approved clip in the library,
/// with a recommendation.
pub async fn place(caller: &Caller, agency: OrgId, clip: ClipId, i: OfferInput) -> Result<i64> {
    let (mut tx, now) = caller.write().await?;
    let source = crate::db::orgs::get(&mut tx, agency)
        .await?
        .filter(|a| a.parent_id == Some(caller.agency.id))
        .ok_or(Error::NotFound)?;
    let id = open_offer(&mut tx, caller, &source, clip, &i, true, now).await?;
    tx.commit().await?;
    Ok(id)
}

async fn open_offer(
    tx: &mut Tx,
    caller: &Caller,
    source: &Org,
    clip_id: ClipId,
    i: &OfferInput,
    by_body: bool,
    now: i64,
) -> Result<i64> {
    let clip = clips::get(tx, source.id, clip_id)
        .await?
        .ok_or(Error::NotFound)?;
    let body = source.parent_id.ok_or(Error::NotFound)?;
    if !matches!(
        clip.state,
        ClipState::Approved | ClipState::Scheduled | ClipState::Published
    ) {
        return Err(Refusal::new("action_not_allowed", "share-not-approved").into());
    }
    if clip.taken.is_some() {
        return Err(Refusal::new("action_not_allowed", "share-not-own").into());
    }
    if sdb::standing_of_clip(tx, clip.id).await?.is_some() {
        return Err(Refusal::new("action_not_allowed", "share-already-offered").into());
    }
    let version = clip.current_version_id.ok_or(Error::NotFound)?;
    let ends_at = match i.ends_on.trim() {
        "" => None,
        d => Some(
            crate::clock::local_date_start_ms(d, &source.time_zone)
                .ok_or(Invalid::new("ends_on", "share-ends-invalid"))?
                + 86_400_000,
        ),
    };
    let credit = match i.credit.trim() {
        "" => Terms::default_credit(&source.name),
        c => c.to_string(),
    };
    let terms = Terms::parse(&credit, i.may_adapt, i.may_cut, ends_at, now)?;
    // A recommendation is the body's word; an agency's offer has none.
    let recommendation = match by_body {
        true => crate::domain::sharing::recommendation(&i.recommendation)?,
        false => String::new(),
    };
    let siblings = crate::db::orgs::agencies_of_body(tx, body).await?;
    let mut named = i.agencies.clone();
    named.sort();
    named.dedup();
    if named
        .iter()
        .any(|a| *a == source.id || !siblings.iter().any(|s| s.id == *a))
    {
        return Err(Invalid::new("agencies", "share-agencies-invalid").into());
    }
    let id = sdb::insert(
        tx,
        &NewOffer {
            body,
            agency: source.id,
            clip: clip.id,
            version,
            snapshot: Snapshot::of(&clip),
            campaign: clip.campaign_id,
            credit: &terms.credit,
            may_adapt: terms.may_adapt,
            may_cut: terms.may_cut,
            ends_at: terms.ends_at,
            to_all: named.is_empty(),
            by_body,
            recommendation: &recommendation,
            by: caller.principal.user_id,
            now,
        },
        &named,
    )
    .await?;
    let summary = json!({"after": {"offer": id, "credit": terms.credit, "may_adapt": terms.may_adapt,
        "may_cut": terms.may_cut, "ends_at": terms.ends_at, "agencies": named, "by_body": by_body}});
    audit(
        tx,
        &caller.actor,
        Some(source.id),
        "clip.offer",
        "clip",
        clip.id,
        summary,
        now,
    )
    .await?;
    // The takers' editors and heads hear of it, linked to the library.
    let takers: Vec<&Org> = siblings
        .iter()
        .filter(|s| s.id != source.id && (named.is_empty() || named.contains(&s.id)))
        .collect();
    for a in takers {
        let who = crate::service::review::members_with(
            tx,
            a.id,
            crate::domain::policy::SOURCE_WATCHERS,
            &[],
        )
        .await?;
        let args = json!({"from": source.name, "note": clip.title,
                          "link": format!("/a/{}/library/{id}", a.id)});
        for u in who {
            crate::db::review::notify(tx, u, a.id, None, "shared_offered", &args.to_string(), now)
                .await?;
        }
    }
    Ok(id)
}

/// An offer's caption variants (JSON) with the credit line on each, as JSON.
fn credited_variants(terms: &Terms, variants: &str) -> String {
    let variants: std::collections::BTreeMap<String, String> =
        serde_json::from_str(variants).unwrap_or_default();
    let credited: std::collections::BTreeMap<String, String> = variants
        .into_iter()
        .map(|(k, v)| (k, terms.credited(&v)))
        .collect();
    json_text(&credited)
}

fn json_text<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Withdraws an offer: the agency its own, the body's overseer any of the
/// body's. Clips already taken stay where they are.
pub async fn withdraw(caller: &Caller, offer: i64) -> Result<()> {
    let (mut tx, now) = caller.write().await?;
    let o = sdb::get(&mut tx, offer)
        .await?
        .filter(|o| o.agency_id == caller.agency.id || o.body_id == caller.agency.id)
        .ok_or(Error::NotFound)?;
    if !sdb::withdraw(&mut tx, o.id, Some(caller.principal.user_id), now).await? {
        return Err(Refusal::new("action_not_allowed", "share-withdrawn").into());
    }
    audit(
        &mut tx,
        &caller.actor,
        Some(o.agency_id),
        "clip.offer_withdraw",
        "clip",
        o.clip_id,
        json!({"before": {"offer": o.id}, "after": {"withdrawn": true}}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What an approved (or scheduled) clip's offer stood behind changed before
/// it went out (its text or its version, a signature voided, the clip set
/// aside): its standing offer is withdrawn, audited in the agency. Copies
/// taken already stay. A published clip's offer stays until its
/// correction is out ([`after_correction`]).
pub(crate) async fn source_changed(
    tx: &mut Tx,
    clip: &clips::Clip,
    reason: &str,
    now: i64,
) -> Result<()> {
    if !matches!(clip.state, ClipState::Approved | ClipState::Scheduled) {
        return Ok(());
    }
    let Some(o) = sdb::standing_of_clip(tx, clip.id).await? else {
        return Ok(());
    };
    sdb::withdraw(tx, o.id, None, now).await?;
    let summary =
        json!({"before": {"offer": o.id}, "after": {"withdrawn": true}, "reason": reason});
    audit(
        tx,
        &crate::service::review::system_actor(),
        Some(clip.agency_id),
        "clip.offer_withdraw",
        "clip",
        clip.id,
        summary,
        now,
    )
    .await?;
    Ok(())
}

/// The clip's standing offer, if the clip is the caller agency's.
pub async fn standing(st: &AppState, clip: ClipId) -> Result<Option<sdb::Offer>> {
    let mut tx = st.db.read().await?;
    Ok(sdb::standing_of_clip(&mut tx, clip).await?)
}

/// An offer the agency may see (or not found).
pub async fn visible(st: &AppState, agency: OrgId, offer: i64) -> Result<sdb::Offer> {
    let mut tx = st.db.read().await?;
    sdb::visible(&mut tx, agency, offer)
        .await?
        .ok_or(Error::NotFound)
}

/// What taking an offer gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Took {
    /// A new clip of the agency's own.
    New(ClipId),
    /// The agency had taken it before: its first copy.
    Before(ClipId),
}

/// The agency takes an offered clip: a draft of its own with the source's
/// approved content, the credit line on every caption, and the source
/// version (the same original and checked outputs) as its first version.
pub async fn take(caller: &Caller, offer: i64) -> Result<Took> {
    let (mut tx, now) = caller.write().await?;
    let me = caller.agency.id;
    let o = sdb::visible(&mut tx, me, offer)
        .await?
        .ok_or(Error::NotFound)?;
    if o.agency_id == me {
        return Err(Refusal::new("action_not_allowed", "share-own-clip").into());
    }
    if let Some(c) = sdb::copy_in(&mut tx, me, o.clip_id).await? {
        return Ok(Took::Before(c));
    }
    match state_of(&o, now) {
        OfferState::Open => {}
        OfferState::Withdrawn => {
            return Err(Refusal::new("action_not_allowed", "share-withdrawn").into());
        }
        OfferState::Ended => return Err(Refusal::new("action_not_allowed", "share-ended").into()),
    }
    let terms = terms_of(&o);
    let clip = clips::insert(
        &mut tx,
        clips::NewClip {
            agency_id: me,
            author_id: caller.principal.user_id,
            title: &o.title,
            caption: &terms.credited(&o.caption),
            category: &o.category,
            political: o.political != 0,
            now,
        },
    )
    .await?;
    let variants = credited_variants(&terms, &o.caption_variants);
    sdb::set_copy_text(&mut tx, clip, None, &variants, &o.hashtags).await?;
    let (version, _) =
        sdb::insert_copy_version(&mut tx, clip, o.version_id, caller.principal.user_id, now)
            .await?;
    clips::set_current_version(&mut tx, clip, version, now).await?;
    sdb::set_taken(&mut tx, clip, o.id, o.clip_id, o.version_id).await?;
    if let Some(campaign) = o.campaign_id
        && crate::service::campaigns::check_tag(&mut tx, me, campaign, now)
            .await
            .is_ok()
    {
        clips::set_campaign_of_new(&mut tx, clip, campaign).await?;
    }
    crate::service::review::prepare_new_clip(&mut tx, clip, now).await?;
    let summary = json!({"after": {"offer": o.id, "from": o.agency_name, "source_clip": o.clip_id,
                                   "source_version": o.version_id, "clip": clip}});
    caller
        .audit(&mut tx, now, "clip.take", ("clip", clip), summary.clone())
        .await?;
    audit(
        &mut tx,
        &caller.actor,
        Some(o.agency_id),
        "clip.taken",
        "clip",
        o.clip_id,
        json!({"after": {"by": caller.agency.name, "copy": clip}}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Took::New(clip))
}

/// A copy's terms, when the clip was taken from an offer.
pub async fn terms_of_clip(tx: &mut Tx, clip: &clips::Clip) -> Result<Option<Terms>> {
    let Some(t) = &clip.taken else {
        return Ok(None);
    };
    Ok(sdb::get(tx, t.offer_id).await?.map(|o| terms_of(&o)))
}

/// The library's page: offers matching the filter, and how many there are.
pub async fn library(st: &AppState, f: &sdb::LibraryFilter) -> Result<(Vec<sdb::Listed>, i64)> {
    let mut tx = st.db.read().await?;
    let n = sdb::count(&mut tx, f).await?;
    // Nothing on this page: no need to look for it.
    if f.offset >= n {
        return Ok((vec![], n));
    }
    let rows = sdb::search(&mut tx, f).await?;
    Ok((rows, n))
}

/// Where a source clip went: each copy with its posts, and the reach they
/// measured together.
#[derive(Debug, Clone, Default)]
pub struct Spread {
    pub copies: Vec<(sdb::Copy, Vec<sdb::CopyPost>)>,
    pub reach: i64,
}

impl Spread {
    /// The agencies that posted it at least once.
    pub fn posted_by(&self) -> usize {
        self.copies.iter().filter(|(_, p)| !p.is_empty()).count()
    }

    pub fn posts(&self) -> usize {
        self.copies.iter().map(|(_, p)| p.len()).sum()
    }
}

/// The spread of one source clip.
pub async fn spread(tx: &mut Tx, source: ClipId) -> Result<Spread> {
    let copies = sdb::copies_of(tx, &[source]).await?;
    let posts = sdb::copy_posts(tx, source).await?;
    let reach = posts.iter().filter_map(|p| p.reach).sum();
    let copies = copies
        .into_iter()
        .map(|c| {
            let mine = posts
                .iter()
                .filter(|p| p.clip_id == c.id)
                .cloned()
                .collect();
            (c, mine)
        })
        .collect();
    Ok(Spread { copies, reach })
}

/// The library's question, as its form sends it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct LibraryQuery {
    /// Words of the title, caption or hashtags, with or without tone marks.
    pub q: Option<String>,
    pub category: Option<String>,
    /// A campaign's id.
    pub campaign: Option<String>,
    /// The source agency's id.
    pub source: Option<String>,
    /// From 1.
    pub page: Option<String>,
}

/// `q` as the database's filter; a value that is not one of its field's is
/// refused naming the field. Returns the filter and the page number.
pub fn library_filter(
    q: &LibraryQuery,
    body: OrgId,
    viewer: Option<OrgId>,
    now: i64,
    per_page: i64,
) -> Result<(sdb::LibraryFilter, i64)> {
    use crate::service::clips::{bad, given, number, search_terms};
    let category = given(&q.category);
    if !category.is_empty() && crate::domain::Category::parse(&category).is_err() {
        return Err(bad("category"));
    }
    let page = number(&q.page, "page", 100_000)?.max(1);
    let f = sdb::LibraryFilter {
        body,
        viewer,
        terms: search_terms(&q.q),
        category,
        campaign: number(&q.campaign, "campaign", i64::MAX)?,
        source: number(&q.source, "source", i64::MAX)?,
        open_only: viewer.is_some(),
        now,
        limit: per_page,
        offset: (page - 1) * per_page,
    };
    Ok((f, page))
}
