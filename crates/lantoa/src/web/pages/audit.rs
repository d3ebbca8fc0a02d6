//! The audit trail, filtered by user, object and time: per agency for its admins
//! and head, across everything for system administrators.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::{Layout, render};
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

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    l: Layout,
    base: String,
    q: AuditQuery,
    entries: Vec<Entry>,
    tz: String,
    older: Option<String>,
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
    let older =
        (entries.len() as i64 == PAGE).then(|| q.older(entries.last().map(|e| e.seq).unwrap_or(0)));
    render(&AuditPage {
        l,
        base,
        q,
        entries,
        tz,
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
