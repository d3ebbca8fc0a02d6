//! Surveys, their answers, and the day's device hashes and salt. Nothing here
//! holds an address, a browser's name or an account of whoever answered.

use super::{DbResult, Tx, sql};
use crate::domain::{OrgId, SurveyId, UserId};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Survey {
    pub id: SurveyId,
    pub agency_id: OrgId,
    pub token: String,
    pub title: String,
    pub intro: String,
    /// The form as JSON (`domain::survey::Form`).
    pub form: String,
    pub state: String,
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub target: i64,
    pub created_by: UserId,
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: Option<i64>,
    pub closed_at: Option<i64>,
}

const COLUMNS: &str = "id, agency_id, token, title, intro, form, state, opens_at, closes_at,
    target, created_by, created_at, updated_at, published_at, closed_at";

/// A survey and its number of answers.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Listed {
    pub id: SurveyId,
    pub title: String,
    pub state: String,
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub target: i64,
    pub created_at: i64,
    pub responses: i64,
}

pub struct New<'a> {
    pub agency: OrgId,
    pub token: &'a str,
    pub title: &'a str,
    pub intro: &'a str,
    pub form: &'a str,
    pub target: i64,
    pub by: UserId,
}

pub async fn insert(tx: &mut Tx, s: New<'_>, now: i64) -> DbResult<SurveyId> {
    Ok(sql!(tx, scalar fetch_one
        "INSERT INTO surveys (agency_id, token, title, intro, form, state, target,
                              created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $8, $8) RETURNING id",
        s.agency, s.token, s.title, s.intro, s.form, s.target, s.by, now)?)
}

/// The agency's survey `id`; none when it belongs to another agency.
pub async fn get(tx: &mut Tx, agency: OrgId, id: SurveyId) -> DbResult<Option<Survey>> {
    let q = format!("SELECT {COLUMNS} FROM surveys WHERE id = $1 AND agency_id = $2");
    Ok(sql!(tx, fetch_optional sqlx::AssertSqlSafe(q), id, agency)?)
}

/// The survey at a public address.
pub async fn by_token(tx: &mut Tx, token: &str) -> DbResult<Option<Survey>> {
    let q = format!("SELECT {COLUMNS} FROM surveys WHERE token = $1");
    Ok(sql!(tx, fetch_optional sqlx::AssertSqlSafe(q), token)?)
}

pub async fn list(tx: &mut Tx, agency: OrgId) -> DbResult<Vec<Listed>> {
    Ok(sql!(tx, fetch_all
        "SELECT s.id, s.title, s.state, s.opens_at, s.closes_at, s.target, s.created_at,
                (SELECT COUNT(*) FROM survey_responses r WHERE r.survey_id = s.id) AS responses
         FROM surveys s WHERE s.agency_id = $1 ORDER BY s.created_at DESC, s.id DESC",
        agency)?)
}

/// Title, introduction, dates and target.
pub struct Settings<'a> {
    pub title: &'a str,
    pub intro: &'a str,
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub target: i64,
}

pub async fn save_settings(tx: &mut Tx, id: SurveyId, s: Settings<'_>, now: i64) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE surveys SET title = $2, intro = $3, opens_at = $4, closes_at = $5, target = $6,
                updated_at = $7 WHERE id = $1",
        id, s.title, s.intro, s.opens_at, s.closes_at, s.target, now)?;
    Ok(())
}

pub async fn save_form(tx: &mut Tx, id: SurveyId, form: &str, now: i64) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE surveys SET form = $2, updated_at = $3 WHERE id = $1", id, form, now)?;
    Ok(())
}

/// Moves the survey to `state` (`open` records when it was first published,
/// `closed` when it closed).
pub async fn set_state(tx: &mut Tx, id: SurveyId, state: &str, now: i64) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE surveys SET state = $2, updated_at = $3,
                published_at = CASE WHEN $2 = 'open' THEN COALESCE(published_at, $3)
                                    ELSE published_at END,
                closed_at = CASE WHEN $2 = 'closed' THEN $3 ELSE NULL END
         WHERE id = $1",
        id, state, now)?;
    Ok(())
}

pub async fn count_responses(tx: &mut Tx, id: SurveyId) -> DbResult<i64> {
    Ok(sql!(tx, scalar fetch_one
        "SELECT COUNT(*) FROM survey_responses WHERE survey_id = $1", id)?)
}

/// Every answer of a survey as JSON, oldest first, with its hour.
pub async fn responses(tx: &mut Tx, id: SurveyId) -> DbResult<Vec<(i64, String)>> {
    Ok(sql!(tx, fetch_all
        "SELECT hour, answers FROM survey_responses WHERE survey_id = $1 ORDER BY id", id)?)
}

/// Records that `device` answered `survey` on `day`: false when it already had.
pub async fn claim_device(tx: &mut Tx, survey: SurveyId, day: i64, device: &str) -> DbResult<bool> {
    let n = sql!(tx, execute
        "INSERT INTO survey_devices (survey_id, day, device) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
        survey, day, device)?;
    Ok(n == 1)
}

pub async fn insert_response(
    tx: &mut Tx,
    survey: SurveyId,
    hour: i64,
    answers: &str,
) -> DbResult<()> {
    sql!(tx, execute
        "INSERT INTO survey_responses (survey_id, hour, answers) VALUES ($1, $2, $3)",
        survey, hour, answers)?;
    Ok(())
}

/// The salt of `day`, made from `fresh` when the day has none yet; the
/// salts and device hashes of earlier days are deleted.
pub async fn salt_of(tx: &mut Tx, day: i64, fresh: &str) -> DbResult<String> {
    sql!(tx, execute "DELETE FROM survey_salts WHERE day < $1", day)?;
    sql!(tx, execute "DELETE FROM survey_devices WHERE day < $1", day)?;
    sql!(tx, execute
        "INSERT INTO survey_salts (day, salt) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        day, fresh)?;
    Ok(sql!(tx, scalar fetch_one "SELECT salt FROM survey_salts WHERE day = $1", day)?)
}
