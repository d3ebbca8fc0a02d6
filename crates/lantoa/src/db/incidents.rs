//! Incidents reported to the coordinating body: the incident, the clips and
//! channels it is about, and its timeline.

use super::{DbResult, Tx, sql};
use crate::domain::{ChannelId, ClipId, OrgId, UserId};
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Incident {
    pub id: i64,
    pub agency_id: OrgId,
    /// The clip a takedown opened it for.
    pub clip_id: Option<ClipId>,
    /// The type (`IncidentKind`): takedown, correction, channel_compromised,
    /// platform_removal, harmful_content or other.
    pub kind: String,
    /// What the agency reported: the takedown's reason, or the report's title.
    pub reason: String,
    /// open, acknowledged, more_info or closed.
    pub state: String,
    /// JSON: per-channel outcome and the clip's title (takedowns).
    pub details: String,
    pub opened_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
    /// low, medium, high or critical.
    pub severity: String,
    /// Its number in the agency's year, for the printed report.
    pub number: i64,
    /// When the body should have acknowledged it by.
    pub due_at: Option<i64>,
    pub acknowledged_at: Option<i64>,
    pub closed_at: Option<i64>,
    /// The body's conclusion when it closed it.
    pub conclusion: String,
}

macro_rules! select_incident {
    ($rest:expr) => {
        concat!(
            "SELECT id, agency_id, clip_id, kind, reason, state, details, opened_by, created_at,
                    updated_at, severity, number, due_at, acknowledged_at, closed_at, conclusion
             FROM incidents ",
            $rest
        )
    };
}

/// A new incident, as the agency reports it (or a takedown opens it).
pub struct NewIncident<'a> {
    pub agency: OrgId,
    pub clip: Option<ClipId>,
    pub kind: &'a str,
    pub severity: &'a str,
    pub reason: &'a str,
    pub details: &'a str,
    pub by: UserId,
    /// The start of the agency's year, for its numbering.
    pub year_start: i64,
    pub due_at: i64,
    pub now: i64,
}

/// Opens an incident with the next number of the agency's year.
pub async fn open(tx: &mut Tx, n: NewIncident<'_>) -> DbResult<i64> {
    let last: Option<i64> = sql!(tx, scalar fetch_one
        "SELECT MAX(number) FROM incidents WHERE agency_id = $1 AND created_at >= $2",
        n.agency, n.year_start)?;
    let (id,): (i64,) = sql!(tx, fetch_one
        "INSERT INTO incidents (agency_id, clip_id, kind, reason, state, details, opened_by,
                                created_at, updated_at, severity, number, due_at)
         VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $7, $8, $9, $10) RETURNING id",
        n.agency, n.clip, n.kind, n.reason, n.details, n.by, n.now, n.severity,
        last.unwrap_or(0) + 1, n.due_at)?;
    Ok(id)
}

/// The agency's incidents the body has not closed.
pub async fn open_count(tx: &mut Tx, agency: OrgId) -> DbResult<i64> {
    Ok(sql!(tx, scalar fetch_one
        "SELECT COUNT(*) FROM incidents WHERE agency_id = $1 AND state <> 'closed'", agency)?)
}

pub async fn set_details(tx: &mut Tx, id: i64, details: &str, now: i64) -> DbResult<()> {
    sql!(tx, execute "UPDATE incidents SET details = $1, updated_at = $2 WHERE id = $3",
        details, now, id)?;
    Ok(())
}

/// Moves the incident from `from` to `to`; false when it was no longer in
/// `from` (someone stepped first). Acknowledging and closing stamp their time.
pub async fn step(
    tx: &mut Tx,
    id: i64,
    from: &str,
    to: &str,
    conclusion: Option<&str>,
    now: i64,
) -> DbResult<bool> {
    let n = sql!(tx, execute
        "UPDATE incidents SET state = $1, updated_at = $2,
             acknowledged_at = CASE WHEN $1 = 'acknowledged' AND acknowledged_at IS NULL
                                    THEN $2 ELSE acknowledged_at END,
             closed_at = CASE WHEN $1 = 'closed' THEN $2 ELSE NULL END,
             conclusion = COALESCE($3, conclusion)
         WHERE id = $4 AND state = $5",
        to, now, conclusion, id, from)?;
    Ok(n == 1)
}

/// Incidents of the given agencies, newest first.
pub async fn of_agencies(tx: &mut Tx, agencies: &[OrgId], limit: i64) -> DbResult<Vec<Incident>> {
    if agencies.is_empty() {
        return Ok(Vec::new());
    }
    let list = agencies
        .iter()
        .map(|a| a.0.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "{} WHERE agency_id IN ({list}) ORDER BY created_at DESC, id DESC LIMIT $1",
        select_incident!("")
    );
    Ok(sql!(tx, fetch_all sqlx::AssertSqlSafe(sql.clone()), limit)?)
}

pub async fn get(tx: &mut Tx, id: i64) -> DbResult<Option<Incident>> {
    Ok(sql!(tx, fetch_optional select_incident!("WHERE id = $1"), id)?)
}

/// The latest incident a takedown opened for the clip.
pub async fn of_clip(tx: &mut Tx, clip: ClipId) -> DbResult<Option<Incident>> {
    Ok(sql!(tx, fetch_optional
        select_incident!("WHERE clip_id = $1 ORDER BY id DESC LIMIT 1"), clip)?)
}

// ---- What it is about -------------------------------------------------------

pub async fn add_subject(
    tx: &mut Tx,
    id: i64,
    clip: Option<ClipId>,
    channel: Option<ChannelId>,
) -> DbResult<()> {
    sql!(tx, execute
        "INSERT INTO incident_subjects (incident_id, clip_id, channel_id) VALUES ($1, $2, $3)",
        id, clip, channel)?;
    Ok(())
}

/// The clips (id, title) and channels (id, platform, name) it is about.
pub async fn subjects(
    tx: &mut Tx,
    id: i64,
) -> DbResult<(Vec<(ClipId, String)>, Vec<(ChannelId, String, String)>)> {
    let clips = sql!(tx, fetch_all
        "SELECT c.id, c.title FROM incident_subjects s JOIN clips c ON c.id = s.clip_id
         WHERE s.incident_id = $1 ORDER BY c.id", id)?;
    let channels = sql!(tx, fetch_all
        "SELECT c.id, c.platform, c.name FROM incident_subjects s
         JOIN channels c ON c.id = s.channel_id
         WHERE s.incident_id = $1 ORDER BY c.id", id)?;
    Ok((clips, channels))
}

// ---- Timeline ------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Event {
    pub id: i64,
    pub incident_id: i64,
    /// opened, note, acknowledged, more_asked, answered, closed or reopened.
    pub kind: String,
    pub body: String,
    pub by_user: Option<UserId>,
    /// The person's display name.
    pub by_name: Option<String>,
    #[serde(skip)]
    pub file_key: Option<String>,
    pub file_name: Option<String>,
    pub file_type: Option<String>,
    pub file_size: Option<i64>,
    pub at: i64,
}

/// A file attached to a timeline entry.
pub struct Attached<'a> {
    pub key: &'a str,
    pub name: &'a str,
    pub mime: &'a str,
    pub size: i64,
}

pub async fn add_event(
    tx: &mut Tx,
    id: i64,
    kind: &str,
    body: &str,
    by: Option<UserId>,
    file: Option<Attached<'_>>,
    now: i64,
) -> DbResult<i64> {
    let (key, name, mime, size) = match &file {
        Some(f) => (Some(f.key), Some(f.name), Some(f.mime), Some(f.size)),
        None => (None, None, None, None),
    };
    let (eid,): (i64,) = sql!(tx, fetch_one
        "INSERT INTO incident_events (incident_id, kind, body, by_user, file_key, file_name,
                                      file_type, file_size, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        id, kind, body, by, key, name, mime, size, now)?;
    Ok(eid)
}

macro_rules! select_event {
    ($rest:expr) => {
        concat!(
            "SELECT e.id, e.incident_id, e.kind, e.body, e.by_user, u.display_name AS by_name,
                    e.file_key, e.file_name, e.file_type, e.file_size, e.at
             FROM incident_events e LEFT JOIN users u ON u.id = e.by_user ",
            $rest
        )
    };
}

pub async fn events(tx: &mut Tx, id: i64) -> DbResult<Vec<Event>> {
    Ok(sql!(tx, fetch_all select_event!("WHERE e.incident_id = $1 ORDER BY e.id"), id)?)
}

pub async fn event(tx: &mut Tx, id: i64, event: i64) -> DbResult<Option<Event>> {
    Ok(sql!(tx, fetch_optional
        select_event!("WHERE e.incident_id = $1 AND e.id = $2"), id, event)?)
}
