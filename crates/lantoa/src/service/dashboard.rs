//! The numbers on an agency's dashboard, counted from the database.

use crate::db::{audit, users};
use crate::domain::{OrgId, Role};
use crate::error::Result;
use crate::state::AppState;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DashboardCounts {
    pub members: i64,
    pub active_members: i64,
    /// (role code, number of members holding it)
    pub by_role: Vec<(String, i64)>,
    pub audit_entries_today: i64,
    pub audit_entries_7_days: i64,
}

pub async fn counts(st: &AppState, agency: OrgId, time_zone: &str) -> Result<DashboardCounts> {
    let now = st.now();
    let today = jiff::Timestamp::from_millisecond(now)
        .ok()
        .and_then(|ts| {
            let z = ts.to_zoned_datetime(jiff::tz::TimeZone::get(time_zone).ok()?);
            z.start_of_day()
                .ok()
                .map(|s| s.timestamp().as_millisecond())
        })
        .unwrap_or(now - 24 * 3600 * 1000);
    let mut tx = st.db.read().await?;
    let (members, active_members) = users::member_counts(&mut tx, agency).await?;
    let raw = users::role_counts(&mut tx, agency).await?;
    let by_role = Role::AGENCY_ROLES
        .iter()
        .map(|r| {
            let n = raw
                .iter()
                .find(|(c, _)| c == r.code())
                .map(|(_, n)| *n)
                .unwrap_or(0);
            (r.code().to_string(), n)
        })
        .collect();
    Ok(DashboardCounts {
        members,
        active_members,
        by_role,
        audit_entries_today: audit::count_since(&mut tx, agency, today).await?,
        audit_entries_7_days: audit::count_since(&mut tx, agency, now - 7 * 24 * 3600 * 1000)
            .await?,
    })
}

/// What an overseer watches per agency: clips waiting for a decision (the
/// political ones apart), takedown incidents still open, and the week's
/// posts.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct AgencyWeek {
    pub waiting: i64,
    pub waiting_political: i64,
    pub open_incidents: i64,
    /// Posts that went out on a channel in the last 7 days.
    pub posts_week: i64,
    /// Clips with at least one such post.
    pub clips_week: i64,
}

pub async fn agency_week(st: &AppState, agency: OrgId) -> Result<AgencyWeek> {
    let since = st.now() - 7 * 24 * 3600 * 1000;
    let mut tx = st.db.read().await?;
    let (waiting, waiting_political) = crate::db::clips::waiting_counts(&mut tx, agency).await?;
    let (posts_week, clips_week) =
        crate::db::publishing::published_since(&mut tx, agency, since).await?;
    Ok(AgencyWeek {
        waiting,
        waiting_political,
        open_incidents: crate::db::incidents::open_count(&mut tx, agency).await?,
        posts_week,
        clips_week,
    })
}
