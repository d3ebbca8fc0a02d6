//! The inbox: a person's notifications, opening one, and marking all read.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::db::review as rdb;
use crate::error::{Error, Result};
use crate::service::review as svc;
use crate::state::AppState;
use crate::web::extract::CurrentUser;
use crate::web::pages::{Layout, render};

pub struct InboxRow {
    pub id: i64,
    pub text: String,
    pub at: String,
    pub unread: bool,
    pub href: String,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    l: Layout,
    rows: Vec<InboxRow>,
}

/// Where a notification leads.
fn notification_href(n: &rdb::Notification) -> String {
    crate::service::review::notification_link(n.agency_id, n.clip_id, &n.args)
}

pub async fn inbox(State(st): State<AppState>, u: CurrentUser) -> Result<Response> {
    let l = Layout::build(&st, &u.ctx, None).await?;
    let mut tx = st.db.read().await?;
    let list = rdb::inbox(&mut tx, u.p.user_id, 200).await?;
    drop(tx);
    let tz = &st.config.time_zone;
    let rows = list
        .iter()
        .map(|n| InboxRow {
            id: n.id,
            text: svc::notification_text(&l.tr, n.clip_title.as_deref(), &n.kind, &n.args, tz),
            at: l.time(&n.created_at, tz),
            unread: n.read_at.is_none(),
            href: notification_href(n),
        })
        .collect();
    render(&InboxPage { l, rows })
}

/// Marks one notification read and opens what it is about.
pub async fn open_notification(
    State(st): State<AppState>,
    u: CurrentUser,
    Path(nid): Path<i64>,
) -> Result<Response> {
    let n = {
        let mut tx = st.db.read().await?;
        rdb::notification(&mut tx, u.p.user_id, nid)
            .await?
            .ok_or(Error::NotFound)?
    };
    svc::mark_read(&st, &u.p, Some(nid)).await?;
    Ok(Redirect::to(&notification_href(&n)).into_response())
}

pub async fn read_all(State(st): State<AppState>, u: CurrentUser) -> Result<Response> {
    svc::mark_read(&st, &u.p, None).await?;
    Ok(Redirect::to("/inbox").into_response())
}
