//! Resumable uploads (tus): what was announced and how far the bytes have come.
//! The offset is written only after the bytes are on disk, so it never runs ahead.

use super::{DbResult, Tx, sql};
use crate::domain::{ClipId, OrgId, UserId, VersionId};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Upload {
    pub id: String,
    pub agency_id: OrgId,
    pub user_id: UserId,
    pub clip_id: Option<ClipId>,
    pub length: i64,
    pub offset_bytes: i64,
    pub metadata: String,
    pub state: String,
    pub version_id: Option<VersionId>,
    pub expires_at: i64,
    pub created_at: i64,
}

macro_rules! select_upload {
    ($rest:literal) => {
        concat!(
            "SELECT id, agency_id, user_id, clip_id, length, offset_bytes, metadata, state, version_id,
                    expires_at, created_at FROM uploads ",
            $rest
        )
    };
}

pub struct NewUpload<'a> {
    pub id: &'a str,
    pub agency_id: OrgId,
    pub user_id: UserId,
    pub clip_id: Option<ClipId>,
    pub length: i64,
    pub metadata: &'a str,
    pub expires_at: i64,
    pub now: i64,
}

pub async fn insert(tx: &mut Tx, u: NewUpload<'_>) -> DbResult<()> {
    sql!(tx, execute
        "INSERT INTO uploads (id, agency_id, user_id, clip_id, length, offset_bytes, metadata, state,
                              expires_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 0, $6, 'open', $7, $8, $8)",
        u.id, u.agency_id, u.user_id, u.clip_id, u.length, u.metadata, u.expires_at, u.now)?;
    Ok(())
}

pub async fn get(tx: &mut Tx, id: &str) -> DbResult<Option<Upload>> {
    Ok(sql!(tx, fetch_optional select_upload!("WHERE id = $1"), id)?)
}

pub async fn open_count(tx: &mut Tx, user: UserId, now: i64) -> DbResult<i64> {
    Ok(sql!(tx, scalar fetch_one
        "SELECT COUNT(*) FROM uploads WHERE user_id = $1 AND state = 'open' AND expires_at > $2",
        user, now)?)
}

pub async fn set_offset(
    tx: &mut Tx,
    id: &str,
    offset: i64,
    expires_at: i64,
    now: i64,
) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE uploads SET offset_bytes = $1, expires_at = $2, updated_at = $3 WHERE id = $4 AND state = 'open'",
        offset, expires_at, now, id)?;
    Ok(())
}

/// Marks the upload finished, naming the clip and version it became.
pub async fn complete(
    tx: &mut Tx,
    id: &str,
    clip: ClipId,
    version: VersionId,
    now: i64,
) -> DbResult<bool> {
    let n = sql!(tx, execute
        "UPDATE uploads SET state = 'complete', clip_id = $1, version_id = $2, updated_at = $3
         WHERE id = $4 AND state = 'open'",
        clip, version, now, id)?;
    Ok(n == 1)
}

pub async fn terminate(tx: &mut Tx, id: &str, now: i64) -> DbResult<bool> {
    let n = sql!(tx, execute
        "UPDATE uploads SET state = 'terminated', updated_at = $1 WHERE id = $2 AND state = 'open'",
        now, id)?;
    Ok(n == 1)
}

/// Open uploads past their expiry (their staged bytes can go).
pub async fn expired(tx: &mut Tx, now: i64) -> DbResult<Vec<String>> {
    Ok(sql!(tx, scalar fetch_all
        "SELECT id FROM uploads WHERE state = 'open' AND expires_at <= $1",
        now)?)
}

pub async fn mark_expired(tx: &mut Tx, id: &str, now: i64) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE uploads SET state = 'terminated', updated_at = $1 WHERE id = $2 AND state = 'open'",
        now, id)?;
    Ok(())
}
