//! The upload form: a new clip (with the campaign it is made for), or a new
//! version of a clip, sent in resumable parts by the page's script.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use super::clips::{CategoryOption, categories, load_clip};
use super::{Layout, render};
use crate::domain::ClipId;
use crate::error::Result;
use crate::state::AppState;
use crate::web::extract::{Authz, act};

#[derive(Template)]
#[template(path = "clip_new.html")]
struct NewClipPage {
    l: Layout,
    aid: i64,
    categories: Vec<CategoryOption>,
    max_bytes: i64,
    /// Set when uploading a new version of an existing clip.
    clip: Option<(i64, String)>,
    /// The campaigns a new clip may be made for: (id, name, chosen).
    campaigns: Vec<(i64, String, bool)>,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct NewClipQuery {
    /// A campaign to choose at once (from the campaign's page).
    #[serde(default)]
    campaign: Option<i64>,
}

pub async fn new_clip(
    State(st): State<AppState>,
    a: Authz<act::UploadClip>,
    axum::extract::Query(q): axum::extract::Query<NewClipQuery>,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let campaigns = crate::service::campaigns::open_for(&st, a.agency.id)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name, q.campaign == Some(c.id)))
        .collect();
    render(&NewClipPage {
        aid: a.agency.id.0,
        categories: categories(&l),
        max_bytes: st.config.max_upload_bytes,
        clip: None,
        campaigns,
        l,
    })
}

pub async fn new_version(
    State(st): State<AppState>,
    a: Authz<act::UploadClip>,
    Path((_, cid)): Path<(i64, i64)>,
) -> Result<Response> {
    let clip = load_clip(&st, &a, ClipId(cid)).await?;
    {
        // Refused before the person picks a file, with the reason.
        let mut tx = st.db.read().await?;
        let current = crate::service::review::current_version(&mut tx, &clip).await?;
        let f =
            crate::service::review::facts(&mut tx, &a.principal, &clip, current.as_ref(), st.now())
                .await?;
        drop(tx);
        if let Err(e) = crate::service::review::enforce(
            &f,
            crate::domain::policy::ClipOp::UploadVersion,
            &a.agency.time_zone,
        ) {
            return super::review::refused(&st, &a, cid, e, None).await;
        }
    }
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    render(&NewClipPage {
        aid: a.agency.id.0,
        categories: categories(&l),
        max_bytes: st.config.max_upload_bytes,
        clip: Some((clip.id.0, clip.title)),
        campaigns: Vec::new(),
        l,
    })
}
