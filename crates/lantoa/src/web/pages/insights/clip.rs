//! A clip's own insights page: each channel's latest figures and its curves
//! since publication.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use super::{Section, sandbox};
use crate::domain::ClipId;
use crate::error::Result;
use crate::service::insights as svc;
use crate::state::AppState;
use crate::web::extract::{Authz, act};
use crate::web::pages::{Layout, render};

#[derive(Template)]
#[template(path = "clip_insights.html")]
struct ClipPage {
    l: Layout,
    aid: i64,
    cid: i64,
    title: String,
    sandbox: bool,
    sections: Vec<Section>,
}

/// A clip's own page: each channel's curves since publication.
pub async fn clip(
    State(st): State<AppState>,
    a: Authz<act::ViewInsights>,
    Path((_, cid)): Path<(i64, i64)>,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let c = svc::clip_sections(&st, &l.tr, &a.agency, ClipId(cid)).await?;
    let sections = c
        .sections
        .into_iter()
        .map(|r| {
            let mut s = Section::of(r, &l.tr);
            if s.id == "curve" {
                // A curve is titled by its figure alone.
                s.title = s.table.title.clone();
                s.hint = String::new();
            }
            s
        })
        .collect();
    render(&ClipPage {
        aid: a.agency.id.0,
        cid,
        title: c.title,
        sandbox: sandbox(&st),
        sections,
        l,
    })
}
