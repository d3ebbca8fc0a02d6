//! The review queues of an agency: the person's drafts, what awaits review
//! or their signature, what is approved and what is published.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::db::Tx;
use crate::db::clips::{self, Clip};
use crate::domain::workflow::ClipState;
use crate::error::Result;
use crate::service::accounts::Principal;
use crate::service::review as svc;
use crate::state::AppState;
use crate::web::extract::{Authz, act};
use crate::web::pages::{Layout, render};

pub struct QueueTab {
    pub code: &'static str,
    pub label: String,
    pub count: usize,
}

pub struct QueueRow {
    pub id: i64,
    pub title: String,
    pub state: String,
    pub state_label: String,
    pub political: bool,
    pub updated: String,
    pub publish_at: Option<String>,
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    l: Layout,
    aid: i64,
    tabs: Vec<QueueTab>,
    tab: &'static str,
    rows: Vec<QueueRow>,
}

#[derive(Debug, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    pub q: Option<String>,
}

const TABS: [&str; 5] = ["mine", "review", "approve", "approved", "published"];

/// The clips of each queue for this person.
pub(crate) async fn queue_clips(
    st: &AppState,
    tx: &mut Tx,
    p: &Principal,
    agency: crate::domain::OrgId,
    tab: &str,
) -> Result<Vec<Clip>> {
    use ClipState as S;
    let codes = |s: &[S]| s.iter().map(|s| s.code()).collect::<Vec<_>>();
    Ok(match tab {
        "mine" => clips::in_states(
            tx,
            agency,
            &codes(&[S::Draft, S::ChangesRequested, S::CorrectionInProgress]),
            300,
        )
        .await?
        .into_iter()
        .filter(|c| c.author_id == p.user_id)
        .collect(),
        "review" => clips::in_states(tx, agency, &codes(&[S::Submitted, S::InReview]), 300).await?,
        // What the person may sign now: the same rule the approval enforces.
        "approve" => svc::awaiting_signature(tx, p, agency, 300, st.now()).await?,
        "approved" => {
            clips::in_states(tx, agency, &codes(&[S::Approved, S::Scheduled]), 300).await?
        }
        _ => clips::in_states(tx, agency, &codes(&[S::Published]), 300).await?,
    })
}

pub async fn queue(
    State(st): State<AppState>,
    a: Authz<act::ViewClips>,
    Query(q): Query<QueueQuery>,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let tz = a.agency.time_zone.clone();
    let mut tx = st.db.read().await?;
    let tab = TABS
        .iter()
        .copied()
        .find(|t| Some(*t) == q.q.as_deref())
        .unwrap_or("review");
    let mut tabs = Vec::new();
    let mut rows = Vec::new();
    for t in TABS {
        let list = queue_clips(&st, &mut tx, &a.principal, a.agency.id, t).await?;
        tabs.push(QueueTab {
            code: t,
            label: l.tr.t(&format!("queue-{t}")),
            count: list.len(),
        });
        if t == tab {
            rows = list
                .into_iter()
                .map(|c| {
                    let s = c.state;
                    QueueRow {
                        id: c.id.0,
                        state: s.code().into(),
                        state_label: l.tr.t(&s.message_id()),
                        political: c.political,
                        updated: l.time(&c.updated_at, &tz),
                        publish_at: c.publish_at.map(|t| l.time(&t, &tz)),
                        title: c.title,
                    }
                })
                .collect();
        }
    }
    drop(tx);
    render(&QueuePage {
        aid: a.agency.id.0,
        tabs,
        tab,
        rows,
        l,
    })
}
