//! Campaigns of the coordinating body: the campaign, the agencies taking part
//! with the clips expected of each, reference files, and each agency's
//! progress on it.

use super::{DbResult, Tx, sql};
use crate::domain::{OrgId, UserId};
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Campaign {
    pub id: i64,
    pub body_id: OrgId,
    pub name: String,
    pub theme: String,
    pub brief: String,
    /// JSON list of hashtags, with '#'.
    pub hashtags: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub created_by: UserId,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Campaign {
    pub fn hashtag_list(&self) -> Vec<String> {
        serde_json::from_str(&self.hashtags).unwrap_or_default()
    }

    /// Whether it runs at `now` (its last day included).
    pub fn running(&self, now: i64) -> bool {
        self.starts_at <= now && now < self.ends_at
    }
}

macro_rules! select_campaign {
    ($rest:expr) => {
        concat!(
            "SELECT id, body_id, name, theme, brief, hashtags, starts_at, ends_at, created_by,
                    created_at, updated_at FROM campaigns ",
            $rest
        )
    };
}

/// A campaign's fields as written.
pub struct Fields<'a> {
    pub name: &'a str,
    pub theme: &'a str,
    pub brief: &'a str,
    pub hashtags: &'a str,
    pub starts_at: i64,
    pub ends_at: i64,
}

pub async fn insert(
    tx: &mut Tx,
    body: OrgId,
    f: &Fields<'_>,
    by: UserId,
    now: i64,
) -> DbResult<i64> {
    Ok(sql!(tx, scalar fetch_one
        "INSERT INTO campaigns (body_id, name, theme, brief, hashtags, starts_at, ends_at,
                                created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        body, f.name, f.theme, f.brief, f.hashtags, f.starts_at, f.ends_at, by, now)?)
}

pub async fn update(tx: &mut Tx, id: i64, f: &Fields<'_>, now: i64) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE campaigns SET name = $1, theme = $2, brief = $3, hashtags = $4, starts_at = $5,
                              ends_at = $6, updated_at = $7 WHERE id = $8",
        f.name, f.theme, f.brief, f.hashtags, f.starts_at, f.ends_at, now, id)?;
    Ok(())
}

pub async fn get(tx: &mut Tx, id: i64) -> DbResult<Option<Campaign>> {
    Ok(sql!(tx, fetch_optional select_campaign!("WHERE id = $1"), id)?)
}

/// The body's campaigns, latest first.
pub async fn of_body(tx: &mut Tx, body: OrgId) -> DbResult<Vec<Campaign>> {
    Ok(sql!(tx, fetch_all
        select_campaign!("WHERE body_id = $1 ORDER BY starts_at DESC, id DESC"), body)?)
}

/// The campaigns the agency takes part in, latest first.
pub async fn of_agency(tx: &mut Tx, agency: OrgId) -> DbResult<Vec<Campaign>> {
    Ok(sql!(tx, fetch_all select_campaign!(
        "WHERE id IN (SELECT campaign_id FROM campaign_agencies WHERE agency_id = $1)
         ORDER BY starts_at DESC, id DESC"), agency)?)
}

// ---- Who takes part ---------------------------------------------------------------

/// Sets the agencies taking part and the clips expected of each (others are
/// removed; a reminder already sent is kept).
pub async fn set_agencies(tx: &mut Tx, id: i64, expected: &[(OrgId, i64)]) -> DbResult<()> {
    let kept: Vec<OrgId> = expected.iter().map(|(a, _)| *a).collect();
    let current: Vec<(OrgId,)> = sql!(tx, fetch_all
        "SELECT agency_id FROM campaign_agencies WHERE campaign_id = $1", id)?;
    for (a,) in current {
        if !kept.contains(&a) {
            sql!(tx, execute
                "DELETE FROM campaign_agencies WHERE campaign_id = $1 AND agency_id = $2", id, a)?;
        }
    }
    for (a, n) in expected {
        let changed = sql!(tx, execute
            "UPDATE campaign_agencies SET expected = $1 WHERE campaign_id = $2 AND agency_id = $3",
            n, id, a)?;
        if changed == 0 {
            sql!(tx, execute
                "INSERT INTO campaign_agencies (campaign_id, agency_id, expected) VALUES ($1, $2, $3)",
                id, a, n)?;
        }
    }
    Ok(())
}

/// The agencies taking part: (agency, expected clips, last reminded).
pub async fn agencies(tx: &mut Tx, id: i64) -> DbResult<Vec<(OrgId, i64, Option<i64>)>> {
    Ok(sql!(tx, fetch_all
        "SELECT agency_id, expected, reminded_at FROM campaign_agencies WHERE campaign_id = $1
         ORDER BY agency_id", id)?)
}

pub async fn reminded(tx: &mut Tx, id: i64, agency: OrgId, now: i64) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE campaign_agencies SET reminded_at = $1 WHERE campaign_id = $2 AND agency_id = $3",
        now, id, agency)?;
    Ok(())
}

// ---- Reference files -----------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct File {
    pub id: i64,
    pub campaign_id: i64,
    #[serde(skip)]
    pub file_key: String,
    pub file_name: String,
    pub file_type: String,
    pub file_size: i64,
    pub created_at: i64,
}

pub async fn add_file(
    tx: &mut Tx,
    id: i64,
    key: &str,
    name: &str,
    mime: &str,
    size: i64,
    now: i64,
) -> DbResult<i64> {
    Ok(sql!(tx, scalar fetch_one
        "INSERT INTO campaign_files (campaign_id, file_key, file_name, file_type, file_size, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        id, key, name, mime, size, now)?)
}

pub async fn files(tx: &mut Tx, id: i64) -> DbResult<Vec<File>> {
    Ok(sql!(tx, fetch_all
        "SELECT id, campaign_id, file_key, file_name, file_type, file_size, created_at
         FROM campaign_files WHERE campaign_id = $1 ORDER BY id", id)?)
}

// ---- Progress ------------------------------------------------------------------

/// One agency's clips of the campaign at each stage.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Stages {
    pub agency_id: OrgId,
    /// Every clip tagged to the campaign (drafts included, spiked ones not).
    pub planned: i64,
    /// Sent for review at least once and not back to draft.
    pub submitted: i64,
    /// Signed by every step (scheduled and published ones included).
    pub approved: i64,
    /// Out on at least one channel.
    pub published: i64,
}

impl Stages {
    /// An agency with no clip tagged yet.
    pub fn none(agency_id: OrgId) -> Stages {
        Stages {
            agency_id,
            planned: 0,
            submitted: 0,
            approved: 0,
            published: 0,
        }
    }
}

pub async fn stages(tx: &mut Tx, id: i64) -> DbResult<Vec<Stages>> {
    Ok(sql!(tx, fetch_all
        "SELECT c.agency_id,
                COUNT(*) AS planned,
                SUM(CASE WHEN c.state NOT IN ('draft') THEN 1 ELSE 0 END) AS submitted,
                SUM(CASE WHEN c.state IN ('approved', 'scheduled', 'published',
                                          'correction_in_progress', 'taken_down')
                         THEN 1 ELSE 0 END) AS approved,
                SUM(CASE WHEN EXISTS (SELECT 1 FROM publications p
                                      WHERE p.clip_id = c.id AND p.published_at IS NOT NULL)
                         THEN 1 ELSE 0 END) AS published
         FROM clips c WHERE c.campaign_id = $1 AND c.state <> 'spiked'
         GROUP BY c.agency_id ORDER BY c.agency_id", id)?)
}

/// The agency's clips tagged to the campaign: (id, title, state).
pub async fn clips_of(tx: &mut Tx, id: i64, agency: OrgId) -> DbResult<Vec<(i64, String, String)>> {
    Ok(sql!(tx, fetch_all
        "SELECT id, title, state FROM clips WHERE campaign_id = $1 AND agency_id = $2
         ORDER BY created_at DESC", id, agency)?)
}
