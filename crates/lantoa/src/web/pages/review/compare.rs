//! Two checked versions of a clip side by side.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::db::clips::{self, Clip, Version};
use crate::domain::ClipId;
use crate::domain::VersionStatus;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::web::extract::{Authz, act};
use crate::web::pages::clips::VersionView;
use crate::web::pages::{Layout, render};

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    l: Layout,
    aid: i64,
    clip: Clip,
    /// Left and right; empty when the clip has no checked version.
    shown: Vec<VersionView>,
    all: Vec<(i64, i64)>,
}

#[derive(Debug, Deserialize)]
pub struct CompareQuery {
    pub a: Option<i64>,
    pub b: Option<i64>,
}

impl ComparePage {
    fn selected(&self, side: usize, id: &i64) -> bool {
        self.shown.get(side).is_some_and(|v| v.id == *id)
    }
    fn dur(&self, v: &VersionView) -> String {
        v.probe
            .as_ref()
            .and_then(|p| p.duration_s)
            .map(crate::web::pages::clips::timecode)
            .unwrap_or_else(|| "—".into())
    }
    fn res(&self, v: &VersionView) -> String {
        v.probe
            .as_ref()
            .and_then(|p| p.video.as_ref())
            .map(|x| format!("{}×{}", x.display_width, x.display_height))
            .unwrap_or_else(|| "—".into())
    }
    fn lufs(&self, v: &VersionView) -> String {
        v.qc.as_ref()
            .and_then(|q| q.found.integrated_lufs)
            .map(|x| format!("{x:.1} LUFS"))
            .unwrap_or_else(|| "—".into())
    }
}

pub async fn compare(
    State(st): State<AppState>,
    a: Authz<act::ViewClips>,
    Path((_, cid)): Path<(i64, i64)>,
    Query(q): Query<CompareQuery>,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let tz = a.agency.time_zone.clone();
    let mut tx = st.db.read().await?;
    let clip = clips::get(&mut tx, a.agency.id, ClipId(cid))
        .await?
        .ok_or(Error::NotFound)?;
    let versions: Vec<Version> = clips::versions_of(&mut tx, clip.id)
        .await?
        .into_iter()
        .filter(|v| v.status == VersionStatus::Ready)
        .collect();
    drop(tx);
    // With one checked version both sides show it; with none the page says so.
    let pick = |id: Option<i64>, dflt: usize| {
        id.and_then(|i| versions.iter().find(|v| v.id.0 == i))
            .or_else(|| versions.get(dflt.min(versions.len().saturating_sub(1))))
    };
    let shown = [pick(q.a, 1), pick(q.b, 0)]
        .into_iter()
        .flatten()
        .map(|v| crate::web::pages::clips::view(&l, &tz, v))
        .collect();
    render(&ComparePage {
        aid: a.agency.id.0,
        shown,
        all: versions.iter().map(|v| (v.id.0, v.number)).collect(),
        clip,
        l,
    })
}
