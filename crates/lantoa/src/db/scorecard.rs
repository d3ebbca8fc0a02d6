//! The figures of the province scorecard that are counted in SQL, one agency
//! and one period (`[from, to)`, UTC milliseconds) at a time.

use super::{DbResult, Tx, sql};
use crate::domain::OrgId;

/// (uploaded_at, published_at) of each clip that first went out in the period.
pub async fn timings(tx: &mut Tx, agency: OrgId, from: i64, to: i64) -> DbResult<Vec<(i64, i64)>> {
    Ok(sql!(tx, fetch_all
        "SELECT uploaded_at, published_at FROM clip_timings
         WHERE agency_id = $1 AND published_at >= $2 AND published_at < $3",
        agency, from, to)?)
}

/// Of the clips that first went out in the period, those signed by the head
/// (or by a deputy in the head's place, K/T).
pub async fn head_signed(tx: &mut Tx, agency: OrgId, from: i64, to: i64) -> DbResult<i64> {
    Ok(sql!(tx, scalar fetch_one
        "SELECT COUNT(*) FROM clip_timings t
         WHERE t.agency_id = $1 AND t.published_at >= $2 AND t.published_at < $3
           AND EXISTS (SELECT 1 FROM approvals a WHERE a.clip_id = t.clip_id
                         AND (a.role = 'head' OR a.on_behalf_of IS NOT NULL))",
        agency, from, to)?)
}

/// Clips whose correction went out in the period.
pub async fn corrections(tx: &mut Tx, agency: OrgId, from: i64, to: i64) -> DbResult<i64> {
    Ok(sql!(tx, scalar fetch_one
        "SELECT COUNT(DISTINCT clip_id) FROM publications
         WHERE agency_id = $1 AND replaces_id IS NOT NULL
           AND published_at >= $2 AND published_at < $3",
        agency, from, to)?)
}

/// Incidents opened in the period.
pub async fn incidents(tx: &mut Tx, agency: OrgId, from: i64, to: i64) -> DbResult<i64> {
    Ok(sql!(tx, scalar fetch_one
        "SELECT COUNT(*) FROM incidents WHERE agency_id = $1 AND created_at >= $2 AND created_at < $3",
        agency, from, to)?)
}

/// Answers to the agency's surveys in the period (kept by the hour).
pub async fn survey_answers(tx: &mut Tx, agency: OrgId, from: i64, to: i64) -> DbResult<i64> {
    Ok(sql!(tx, scalar fetch_one
        "SELECT COUNT(*) FROM survey_responses r JOIN surveys s ON s.id = r.survey_id
         WHERE s.agency_id = $1 AND r.hour >= $2 AND r.hour < $3",
        agency, from, to)?)
}
