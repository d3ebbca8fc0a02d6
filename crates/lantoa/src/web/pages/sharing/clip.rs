//! The sharing panel of a clip's page: for the agency's own clip, the offer
//! to the network (form, standing terms, withdraw) and where the clip went;
//! for a clip taken from another agency, its source and terms, and what the
//! source did since (taken down: one-click takedown here; corrected: take
//! the correction).

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use super::{CopyRow, copy_rows, num, terms_text};
use crate::db::clips::Clip;
use crate::db::sharing as sdb;
use crate::domain::workflow::ClipState;
use crate::domain::{Action, ClipId, OrgId};
use crate::error::{Error, Result};
use crate::service::sharing as svc;
use crate::state::AppState;
use crate::web::extract::{Authz, FormData, act};
use crate::web::pages::Layout;
use crate::web::pages::review::{back_done, refused};

/// Where a taken clip came from, and what its source did since.
pub struct SourceView {
    pub from: String,
    pub terms: String,
    /// When the source was taken down.
    pub down: Option<String>,
    /// A corrected source version waits to be taken.
    pub corrected: bool,
    pub can_take_correction: bool,
    pub can_take_down: bool,
    pub may_adapt: bool,
}

/// The clip's standing offer.
pub struct OfferView {
    pub id: i64,
    pub terms: String,
    /// To whom: every agency of the body, or the names.
    pub audience: String,
    pub by_body: bool,
    pub recommendation: String,
    pub can_withdraw: bool,
}

pub struct ShareView {
    pub source: Option<SourceView>,
    pub offer: Option<OfferView>,
    pub can_offer: bool,
    /// The credit line the offer form starts with.
    pub credit: String,
    /// The body's other agencies: (id, name).
    pub siblings: Vec<(i64, String)>,
    pub copies: Vec<CopyRow>,
    pub posted_by: usize,
    pub reach: String,
}

impl ShareView {
    /// Whether the panel has anything to show.
    pub fn shown(&self) -> bool {
        self.source.is_some() || self.offer.is_some() || self.can_offer || !self.copies.is_empty()
    }
}

/// The panel for `clip`, for the person on the page (`can_take_down`:
/// the page's rights allow a takedown now).
pub(crate) async fn share_view<A>(
    st: &AppState,
    a: &Authz<A>,
    l: &Layout,
    clip: &Clip,
    can_take_down: bool,
    can_edit: bool,
) -> Result<ShareView> {
    let tz = a.agency.time_zone.clone();
    let mut tx = st.db.read().await?;
    let source = match &clip.taken {
        Some(t) => {
            let o = sdb::get(&mut tx, t.offer_id)
                .await?
                .ok_or(Error::NotFound)?;
            let terms = svc::terms_of(&o);
            Some(SourceView {
                from: o.agency_name.clone(),
                terms: terms_text(l, &terms, &tz),
                // Said until the copy is down (or set aside) too.
                down: t
                    .source_down_at
                    .filter(|_| !matches!(clip.state, ClipState::TakenDown | ClipState::Spiked))
                    .map(|d| l.time(&d, &tz)),
                corrected: t.update_id.is_some(),
                can_take_correction: t.update_id.is_some()
                    && t.source_down_at.is_none()
                    && (can_edit || clip.state == ClipState::Published),
                can_take_down: can_take_down && t.source_down_at.is_some(),
                may_adapt: terms.may_adapt,
            })
        }
        None => None,
    };
    let standing = sdb::standing_of_clip(&mut tx, clip.id).await?;
    let offer = match standing {
        Some(o) => {
            let named = sdb::named_agencies(&mut tx, o.id).await?;
            let audience = if o.to_all != 0 {
                l.tr.t("share-to-all")
            } else {
                crate::db::orgs::by_ids(&mut tx, &named)
                    .await?
                    .into_iter()
                    .map(|x| x.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            Some(OfferView {
                id: o.id,
                terms: terms_text(l, &svc::terms_of(&o), &tz),
                audience,
                by_body: o.by_body != 0,
                recommendation: o.recommendation.clone(),
                can_withdraw: a.may(Action::ShareClips),
            })
        }
        None => None,
    };
    let shareable = matches!(
        clip.state,
        ClipState::Approved | ClipState::Scheduled | ClipState::Published
    );
    let siblings = match a.agency.parent_id {
        Some(b) => crate::db::orgs::agencies_of_body(&mut tx, b)
            .await?
            .into_iter()
            .filter(|o| o.id != a.agency.id)
            .map(|o| (o.id.0, o.name))
            .collect(),
        None => vec![],
    };
    let spread = svc::spread(&mut tx, clip.id).await?;
    Ok(ShareView {
        can_offer: shareable
            && clip.taken.is_none()
            && offer.is_none()
            && !siblings.is_empty()
            && a.may(Action::ShareClips),
        source,
        offer,
        credit: crate::domain::sharing::Terms::default_credit(&a.agency.name),
        siblings,
        copies: copy_rows(l, &spread, &tz),
        posted_by: spread.posted_by(),
        reach: num(l, spread.reach),
    })
}

/// The offer form.
#[derive(Debug, Deserialize)]
pub struct OfferForm {
    #[serde(default)]
    pub credit: String,
    #[serde(default)]
    pub may_adapt: Option<String>,
    #[serde(default)]
    pub may_cut: Option<String>,
    #[serde(default)]
    pub ends_on: String,
    /// `all`, or `chosen` with `agency` values.
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub agency: Vec<i64>,
    #[serde(default)]
    pub recommendation: String,
}

impl OfferForm {
    pub(super) fn input(&self) -> Result<svc::OfferInput> {
        let agencies: Vec<OrgId> = if self.to == "chosen" {
            if self.agency.is_empty() {
                return Err(
                    crate::domain::Invalid::new("agencies", "share-agencies-invalid").into(),
                );
            }
            self.agency.iter().map(|a| OrgId(*a)).collect()
        } else {
            vec![]
        };
        Ok(svc::OfferInput {
            credit: self.credit.clone(),
            may_adapt: self.may_adapt.is_some(),
            may_cut: self.may_cut.is_some(),
            ends_on: self.ends_on.clone(),
            agencies,
            recommendation: self.recommendation.clone(),
        })
    }
}

pub async fn offer(
    State(st): State<AppState>,
    a: Authz<act::ShareClips>,
    Path((aid, cid)): Path<(i64, i64)>,
    FormData(f): FormData<OfferForm>,
) -> Result<Response> {
    let done = match f.input() {
        Ok(i) => svc::offer(&a.caller, ClipId(cid), i).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => Ok(back_done(aid, cid, "offer", "#sharing")),
        Err(e) => refused(&st, &a, cid, e, None).await,
    }
}

pub async fn withdraw(
    State(st): State<AppState>,
    a: Authz<act::ShareClips>,
    Path((aid, oid)): Path<(i64, i64)>,
) -> Result<Response> {
    let cid = {
        let mut tx = st.db.read().await?;
        sdb::get(&mut tx, oid)
            .await?
            .filter(|o| o.agency_id == a.agency.id)
            .ok_or(Error::NotFound)?
            .clip_id
    };
    match svc::withdraw(&a.caller, oid).await {
        Ok(()) => Ok(back_done(aid, cid.0, "withdraw_offer", "#sharing")),
        Err(e) => refused(&st, &a, cid.0, e, None).await,
    }
}

pub async fn take_correction(
    State(st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((aid, cid)): Path<(i64, i64)>,
) -> Result<Response> {
    match svc::take_correction(&a.caller, ClipId(cid)).await {
        Ok(()) => Ok(back_done(aid, cid, "take_correction", "#sharing")),
        Err(e) => refused(&st, &a, cid, e, None).await,
    }
}
