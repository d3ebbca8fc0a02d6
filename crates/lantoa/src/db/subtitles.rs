//! Subtitle tracks of a version, the agency's subtitle settings, how each
//! channel receives subtitles, and the burned renditions kept for sending.

use super::{DbResult, Tx, sql};
use crate::domain::subtitles::{Limits, Position, Settings, Style};
use crate::domain::{ChannelId, OrgId, UserId, VersionId};

/// A track as stored; `cues` is its JSON.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TrackRow {
    pub id: i64,
    pub version_id: VersionId,
    pub lang: String,
    pub cues: String,
    pub origin: String,
    pub revision: i64,
    pub updated_by: Option<UserId>,
    pub updated_at: i64,
}

/// Every track of a version, by language.
pub async fn tracks(tx: &mut Tx, version: VersionId) -> DbResult<Vec<TrackRow>> {
    Ok(sql!(tx, fetch_all
        "SELECT id, version_id, lang, cues, origin, revision, updated_by, updated_at
         FROM subtitle_tracks WHERE version_id = $1 ORDER BY lang", version)?)
}

/// What a save writes.
pub struct Write<'a> {
    pub version: VersionId,
    pub lang: &'a str,
    pub cues: &'a str,
    pub origin: &'a str,
    /// The revision the person edited; None for a new track.
    pub revision: Option<i64>,
    pub by: Option<UserId>,
    pub now: i64,
}

/// Writes a track if it is still at the revision edited (or, for a new one,
/// if there is none yet); false when someone saved it first.
pub async fn write(tx: &mut Tx, w: &Write<'_>) -> DbResult<bool> {
    let n = match w.revision {
        Some(rev) => sql!(tx, execute
            "UPDATE subtitle_tracks SET cues = $1, origin = $2, revision = revision + 1,
                    updated_by = $3, updated_at = $4
             WHERE version_id = $5 AND lang = $6 AND revision = $7",
            w.cues, w.origin, w.by, w.now, w.version, w.lang, rev)?,
        None => sql!(tx, execute
            "INSERT INTO subtitle_tracks (version_id, lang, cues, origin, revision, updated_by,
                                          created_at, updated_at)
             VALUES ($1, $2, $3, $4, 1, $5, $6, $6)
             ON CONFLICT (version_id, lang) DO NOTHING",
            w.version, w.lang, w.cues, w.origin, w.by, w.now)?,
    };
    Ok(n == 1)
}

/// Deletes a track at the revision seen; false when it changed or is gone.
pub async fn delete(tx: &mut Tx, version: VersionId, lang: &str, revision: i64) -> DbResult<bool> {
    let n = sql!(tx, execute
        "DELETE FROM subtitle_tracks WHERE version_id = $1 AND lang = $2 AND revision = $3",
        version, lang, revision)?;
    Ok(n == 1)
}

/// Records the digest of the version's tracks (None: it has none).
pub async fn set_version_digest(
    tx: &mut Tx,
    version: VersionId,
    digest: Option<&str>,
) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE clip_versions SET subtitles_sha256 = $1 WHERE id = $2", digest, version)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SettingsRow {
    font: String,
    size_pct: i64,
    boxed: i64,
    position: String,
    max_cps: f64,
    max_line_chars: i64,
    max_lines: i64,
}

/// The agency's subtitle settings (the defaults when it never set any).
pub async fn settings(tx: &mut Tx, agency: OrgId) -> DbResult<Settings> {
    let row: Option<SettingsRow> = sql!(tx, fetch_optional
        "SELECT font, size_pct, boxed, position, max_cps, max_line_chars, max_lines
         FROM subtitle_settings WHERE agency_id = $1", agency)?;
    let Some(r) = row else {
        return Ok(Settings::default());
    };
    let d = Settings::default();
    Ok(Settings {
        style: Style {
            font: r.font,
            size_pct: u32::try_from(r.size_pct).unwrap_or(d.style.size_pct),
            box_: r.boxed != 0,
            position: match r.position.as_str() {
                "top" => Position::Top,
                "middle" => Position::Middle,
                _ => Position::Bottom,
            },
        },
        limits: Limits {
            max_cps: r.max_cps,
            max_line_chars: usize::try_from(r.max_line_chars).unwrap_or(d.limits.max_line_chars),
            max_lines: usize::try_from(r.max_lines).unwrap_or(d.limits.max_lines),
            ..d.limits
        },
    })
}

pub async fn save_settings(tx: &mut Tx, agency: OrgId, s: &Settings, now: i64) -> DbResult<()> {
    let position = match s.style.position {
        Position::Top => "top",
        Position::Middle => "middle",
        Position::Bottom => "bottom",
    };
    sql!(tx, execute
        "INSERT INTO subtitle_settings (agency_id, font, size_pct, boxed, position, max_cps,
                                        max_line_chars, max_lines, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (agency_id) DO UPDATE SET font = $2, size_pct = $3, boxed = $4,
             position = $5, max_cps = $6, max_line_chars = $7, max_lines = $8, updated_at = $9",
        agency, &s.style.font, i64::from(s.style.size_pct), i64::from(s.style.box_), position,
        s.limits.max_cps, s.limits.max_line_chars as i64, s.limits.max_lines as i64, now)?;
    Ok(())
}

/// Sets how a channel of the agency receives subtitles.
pub async fn set_channel_delivery(
    tx: &mut Tx,
    agency: OrgId,
    channel: ChannelId,
    delivery: &str,
    now: i64,
) -> DbResult<bool> {
    let n = sql!(tx, execute
        "UPDATE channels SET subtitles = $1, updated_at = $2 WHERE id = $3 AND agency_id = $4",
        delivery, now, channel, agency)?;
    Ok(n == 1)
}

/// A kept rendition with subtitles burned in.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Burn {
    pub object_key: String,
    pub size_bytes: i64,
    pub sha256: String,
}

pub async fn burn(
    tx: &mut Tx,
    version: VersionId,
    subtitles: &str,
    style: &str,
) -> DbResult<Option<Burn>> {
    Ok(sql!(tx, fetch_optional
        "SELECT object_key, size_bytes, sha256 FROM subtitle_burns
         WHERE version_id = $1 AND subtitles_sha256 = $2 AND style_sha256 = $3",
        version, subtitles, style)?)
}

/// Records a burned rendition; when another worker recorded one first, the
/// first stays (and is what every channel sends).
pub async fn add_burn(
    tx: &mut Tx,
    version: VersionId,
    subtitles: &str,
    style: &str,
    b: &Burn,
    now: i64,
) -> DbResult<()> {
    sql!(tx, execute
        "INSERT INTO subtitle_burns (version_id, subtitles_sha256, style_sha256, object_key,
                                     size_bytes, sha256, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (version_id, subtitles_sha256, style_sha256) DO NOTHING",
        version, subtitles, style, &b.object_key, b.size_bytes, &b.sha256, now)?;
    Ok(())
}
