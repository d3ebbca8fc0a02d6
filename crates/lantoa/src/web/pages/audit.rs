//! The audit trail, filtered by user, object and time: per agency for its admins
//! and head, across everything for system administrators.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use std::collections::HashMap;

use super::{Layout, history, render};
use crate::audit::Entry;
use crate::clock::local_date_start_ms;
use crate::db::audit::{Filter, list};
use crate::domain::OrgId;
use crate::error::Result;
use crate::state::AppState;
use crate::web::extract::{Authz, SystemAdmin, act};
use crate::web::{Routes, Scope};

const PAGE: i64 = 100;

/// The filter as typed into the form (dates are local `YYYY-MM-DD`).
#[derive(Debug, Default, Deserialize, Clone)]
pub struct AuditQuery {
    pub user: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub before: Option<i64>,
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

impl AuditQuery {
    pub fn to_filter(&self, agency: Option<OrgId>, tz: &str) -> Filter {
        Filter {
            agency_id: agency,
            actor_name: nonempty(&self.user).map(|u| u.to_lowercase()),
            object_type: nonempty(&self.object_type),
            object_id: nonempty(&self.object_id),
            from: nonempty(&self.from).and_then(|d| local_date_start_ms(&d, tz)),
            // "to" is inclusive: up to the start of the next day.
            until: nonempty(&self.to)
                .and_then(|d| local_date_start_ms(&d, tz))
                .map(|ms| ms + 24 * 3600 * 1000),
            before_seq: self.before,
            limit: PAGE,
        }
    }

    /// The query string for the next (older) page.
    fn older(&self, last_seq: i64) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("user", &self.user),
            ("object_type", &self.object_type),
            ("object_id", &self.object_id),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if let Some(v) = nonempty(v) {
                s.append_pair(k, &v);
            }
        }
        s.append_pair("before", &last_seq.to_string());
        s.finish()
    }
}

/// One entry as people read it; the record itself stays a click away.
struct Row {
    seq: i64,
    at: String,
    actor: String,
    /// The account's login, for the filter.
    login: String,
    label: String,
    /// The action's code, as recorded (and filtered on).
    action: String,
    object: String,
    /// The clip the entry is about, when there is one to open.
    href: Option<String>,
    details: Vec<String>,
    record: String,
    addr: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    l: Layout,
    base: String,
    q: AuditQuery,
    rows: Vec<Row>,
    older: Option<String>,
}

/// The clip an entry concerns: the object itself, or the clip named in the
/// summary (a post, a version).
fn clip_of(e: &Entry, summary: &serde_json::Value) -> Option<(i64, i64)> {
    let agency = e.agency_id?;
    let clip = match e.object_type.as_str() {
        "clip" => e.object_id.parse().ok(),
        _ => summary["clip"].as_i64(),
    }?;
    Some((agency, clip))
}

fn rows(l: &Layout, entries: &[Entry], names: &HashMap<i64, String>, tz: &str) -> Vec<Row> {
    entries
        .iter()
        .map(|e| {
            let summary: serde_json::Value = serde_json::from_str(&e.summary).unwrap_or_default();
            let kind = l.tr.t(&format!("audit-object-{}", e.object_type));
            Row {
                seq: e.seq,
                at: l.time(&e.at, tz),
                actor: history::actor(l, e, names),
                login: e.actor_name.clone(),
                label: history::label(l, e),
                action: e.action.clone(),
                object: format!("{kind} {}", e.object_id),
                href: clip_of(e, &summary).map(|(a, c)| format!("/a/{a}/clips/{c}")),
                details: history::details(l, e),
                record: e.summary.clone(),
                addr: e.client_addr.clone(),
            }
        })
        .collect()
}

fn q_str(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

impl AuditPage {
    fn val(&self, which: &str) -> String {
        match which {
            "user" => q_str(&self.q.user),
            "object_type" => q_str(&self.q.object_type),
            "object_id" => q_str(&self.q.object_id),
            "from" => q_str(&self.q.from),
            "to" => q_str(&self.q.to),
            _ => String::new(),
        }
    }
}

async fn page(
    st: &AppState,
    l: Layout,
    base: String,
    q: AuditQuery,
    agency: Option<OrgId>,
    tz: String,
) -> Result<Response> {
    let mut tx = st.db.read().await?;
    let entries = list(&mut tx, &q.to_filter(agency, &tz)).await?;
    let names = history::names(&mut tx, &entries).await?;
    let older =
        (entries.len() as i64 == PAGE).then(|| q.older(entries.last().map(|e| e.seq).unwrap_or(0)));
    let rows = rows(&l, &entries, &names, &tz);
    render(&AuditPage {
        l,
        base,
        q,
        rows,
        older,
    })
}

pub async fn agency_audit(
    State(st): State<AppState>,
    a: Authz<act::ViewAudit>,
    Query(q): Query<AuditQuery>,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    page(
        &st,
        l,
        format!("/a/{}/audit", a.agency.id),
        q,
        Some(a.agency.id),
        a.agency.time_zone.clone(),
    )
    .await
}

pub async fn system_audit(
    State(st): State<AppState>,
    u: SystemAdmin,
    Query(q): Query<AuditQuery>,
) -> Result<Response> {
    let l = Layout::build(&st, &u.ctx, None).await?;
    page(
        &st,
        l,
        "/admin/audit".into(),
        q,
        None,
        st.config.time_zone.clone(),
    )
    .await
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.get("/a/{aid}/audit", Agency, agency_audit)
        .get("/admin/audit", System, system_audit)
}
