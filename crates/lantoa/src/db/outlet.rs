//! The agency's own outlet: its settings, its posts as the public sees them,
//! and the viewing counted from its players' beacons. What the public may see
//! is decided here once ([`SHOWN`]): a post whose publication is out and not
//! removed, of a clip not taken down, on an outlet that is on.

use super::{DbResult, Tx, sql};
use crate::domain::outlet::Settings;
use crate::domain::{OrgId, PublicationId};

#[derive(sqlx::FromRow)]
struct SettingsRow {
    enabled: i64,
    base_url: String,
    show_authors: i64,
    indexable: i64,
    embed_origins: String,
}

impl From<SettingsRow> for Settings {
    fn from(r: SettingsRow) -> Self {
        Settings {
            enabled: r.enabled != 0,
            base_url: r.base_url,
            show_authors: r.show_authors != 0,
            indexable: r.indexable != 0,
            embed_origins: r.embed_origins.lines().map(str::to_string).collect(),
        }
    }
}

/// The agency's outlet settings (the defaults, off, when it never set any).
pub async fn settings(tx: &mut Tx, agency: OrgId) -> DbResult<Settings> {
    let row: Option<SettingsRow> = sql!(tx, fetch_optional
        "SELECT enabled, base_url, show_authors, indexable, embed_origins
         FROM outlet_settings WHERE agency_id = $1", agency)?;
    Ok(row.map(Settings::from).unwrap_or_default())
}

pub async fn save_settings(tx: &mut Tx, agency: OrgId, s: &Settings, now: i64) -> DbResult<()> {
    let origins = s.embed_origins.join("\n");
    sql!(tx, execute
        "INSERT INTO outlet_settings (agency_id, enabled, base_url, show_authors, indexable,
                                      embed_origins, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (agency_id) DO UPDATE SET enabled = $2, base_url = $3, show_authors = $4,
             indexable = $5, embed_origins = $6, updated_at = $7",
        agency, i64::from(s.enabled), &s.base_url, i64::from(s.show_authors),
        i64::from(s.indexable), origins, now)?;
    Ok(())
}

/// Sets the outlet's channel on or off (`active` / `disconnected`).
pub async fn set_channel_status(
    tx: &mut Tx,
    agency: OrgId,
    status: &str,
    now: i64,
) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE channels SET status = $1, updated_at = $2 WHERE agency_id = $3 AND platform = 'outlet'",
        status, now, agency)?;
    Ok(())
}

/// A post as the public sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Post {
    pub publication_id: PublicationId,
    pub agency_id: OrgId,
    pub token: String,
    pub title: String,
    pub caption: String,
    pub category: String,
    pub campaign_id: Option<i64>,
    pub author: String,
    pub duration_ms: Option<i64>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub video_key: String,
    pub video_bytes: i64,
    pub light_key: Option<String>,
    pub light_bytes: Option<i64>,
    pub poster_key: Option<String>,
    pub published_at: i64,
    /// Its subtitle tracks as published: JSON `[{lang, name, vtt}]`.
    pub captions: String,
}

/// Writes (or rewrites, on a rerun of its job) a post before it is out; a
/// correction's post takes over its clip's public id from the post it
/// replaces.
pub async fn put_post(tx: &mut Tx, p: &Post) -> DbResult<()> {
    sql!(tx, execute "DELETE FROM outlet_posts WHERE publication_id = $1 OR token = $2",
        p.publication_id, &p.token)?;
    sql!(tx, execute
        "INSERT INTO outlet_posts (publication_id, agency_id, token, title, caption, category,
             campaign_id, author, duration_ms, width, height, video_key, video_bytes, light_key,
             light_bytes, poster_key, published_at, captions)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
        p.publication_id, p.agency_id, &p.token, &p.title, &p.caption, &p.category,
        p.campaign_id, &p.author, p.duration_ms, p.width, p.height, &p.video_key, p.video_bytes,
        &p.light_key, p.light_bytes, &p.poster_key, p.published_at, &p.captions)?;
    Ok(())
}

/// The one condition under which the public sees a post `o`: its
/// publication `p` is out and not being or been removed, its clip `c` is not
/// taken down, and its agency's outlet `s` is on.
macro_rules! shown {
    () => {
        "p.state = 'published' AND p.removal IS NULL AND c.state <> 'taken_down' AND s.enabled = 1"
    };
}

macro_rules! select_shown {
    ($rest:literal) => {
        concat!(
            "SELECT o.publication_id, o.agency_id, o.token, o.title, o.caption, o.category,
                    o.campaign_id, o.author, o.duration_ms, o.width, o.height, o.video_key,
                    o.video_bytes, o.light_key, o.light_bytes, o.poster_key, o.published_at,
                    o.captions
             FROM outlet_posts o
             JOIN publications p ON p.id = o.publication_id
             JOIN clips c ON c.id = p.clip_id
             JOIN outlet_settings s ON s.agency_id = o.agency_id
             WHERE ",
            shown!(),
            " ",
            $rest
        )
    };
}

/// A shown post of the agency by its public id.
pub async fn post(tx: &mut Tx, agency: OrgId, token: &str) -> DbResult<Option<Post>> {
    Ok(
        sql!(tx, fetch_optional select_shown!("AND o.agency_id = $1 AND o.token = $2"),
        agency, token)?,
    )
}

/// Which posts a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// A topic category's code; empty: every one.
    pub category: String,
    /// A campaign; 0: any.
    pub campaign: i64,
    /// Only posts published before this time; 0: the newest.
    pub before: i64,
    pub limit: i64,
}

/// The agencies' shown posts, newest first (one agency's through its index).
pub async fn posts(tx: &mut Tx, agencies: &[OrgId], f: &Filter) -> DbResult<Vec<Post>> {
    let limit = f.limit.clamp(1, 200);
    if let [one] = agencies {
        return Ok(sql!(tx, fetch_all select_shown!(
            "AND o.agency_id = $1
             AND ($2 = '' OR o.category = $2) AND ($3 = 0 OR o.campaign_id = $3)
             AND ($4 = 0 OR o.published_at < $4)
             ORDER BY o.published_at DESC, o.publication_id DESC LIMIT $5"),
            *one, &f.category, f.campaign, f.before, limit)?);
    }
    let ids = agencies
        .iter()
        .map(|a| a.0.to_string())
        .collect::<Vec<_>>()
        .join(",");
    Ok(sql!(tx, fetch_all select_shown!(
        "AND (',' || $1 || ',') LIKE ('%,' || CAST(o.agency_id AS TEXT) || ',%')
         AND ($2 = '' OR o.category = $2) AND ($3 = 0 OR o.campaign_id = $3)
         AND ($4 = 0 OR o.published_at < $4)
         ORDER BY o.published_at DESC, o.publication_id DESC LIMIT $5"),
        ids, &f.category, f.campaign, f.before, limit)?)
}

/// The shown post a publication is, for measuring it (the token's agency
/// and duration).
pub async fn measured(
    tx: &mut Tx,
    agency: OrgId,
    token: &str,
) -> DbResult<Option<(PublicationId, Option<i64>)>> {
    Ok(sql!(tx, fetch_optional
        "SELECT o.publication_id, o.duration_ms FROM outlet_posts o
         JOIN publications p ON p.id = o.publication_id
         JOIN clips c ON c.id = p.clip_id
         JOIN outlet_settings s ON s.agency_id = o.agency_id
         WHERE o.agency_id = $1 AND o.token = $2 AND p.state = 'published'
           AND p.removal IS NULL AND c.state <> 'taken_down' AND s.enabled = 1",
        agency, token)?)
}

// ---- Viewing ------------------------------------------------------------------

/// A device's viewing of a post today, as its beacons add up.
pub struct Seen<'a> {
    pub publication: PublicationId,
    pub day: i64,
    pub viewer: &'a str,
    pub views: i64,
    pub watched_ms: i64,
    pub reached: i64,
    pub referrer: &'a str,
    pub site: &'a str,
    pub device: &'a str,
}

/// Adds a play: a new view, up to `max_views` a day for the device.
/// Returns whether it counted.
pub async fn add_view(tx: &mut Tx, s: &Seen<'_>, max_views: i64, now: i64) -> DbResult<bool> {
    let n = sql!(tx, execute
        "INSERT INTO outlet_viewers (publication_id, day, viewer, views, watched_ms, reached,
                                     referrer, site, device, updated_at)
         VALUES ($1, $2, $3, 1, 0, 0, $4, $5, $6, $7)
         ON CONFLICT (publication_id, day, viewer) DO UPDATE
           SET views = outlet_viewers.views + 1, updated_at = $7
           WHERE outlet_viewers.views < $8",
        s.publication, s.day, s.viewer, s.referrer, s.site, s.device, now, max_views)?;
    Ok(n > 0)
}

/// Adds watching to a device's viewing of today (never past its views ×
/// the clip's length) and the furthest quarter reached. Nothing is added
/// for a device that has not played the post today.
pub async fn add_watch(tx: &mut Tx, s: &Seen<'_>, duration_ms: i64, now: i64) -> DbResult<bool> {
    let n = sql!(tx, execute
        "UPDATE outlet_viewers
            SET watched_ms = CASE WHEN watched_ms + $1 > views * $2 THEN views * $2
                                  ELSE watched_ms + $1 END,
                reached = CASE WHEN reached < $3 THEN $3 ELSE reached END,
                updated_at = $4
          WHERE publication_id = $5 AND day = $6 AND viewer = $7",
        s.watched_ms, duration_ms.max(0), s.reached, now, s.publication, s.day, s.viewer)?;
    Ok(n > 0)
}

/// A device's viewing of a finished day, as it is taken out to be rolled up.
#[derive(sqlx::FromRow)]
struct Gone {
    publication_id: i64,
    day: i64,
    referrer: String,
    site: String,
    device: String,
    views: i64,
    watched_ms: i64,
    reached: i64,
}

/// Rolls the viewing of days before `today` into `outlet_daily` and deletes
/// the devices' hashes of those days. The rows are deleted first and what
/// the delete returned is added: two processes rolling up at once (the
/// housekeeping of two workers) cannot add a row twice, since the second's
/// delete finds it gone.
pub async fn roll_up(tx: &mut Tx, today: i64) -> DbResult<u64> {
    let gone: Vec<Gone> = sql!(tx, fetch_all
        "DELETE FROM outlet_viewers WHERE day < $1
         RETURNING publication_id, day, referrer, site, device, views, watched_ms, reached",
        today)?;
    type Key = (i64, i64, String, String, String);
    let mut sums: std::collections::BTreeMap<Key, [i64; 7]> = Default::default();
    for g in &gone {
        let key = (
            g.publication_id,
            g.day,
            g.referrer.clone(),
            g.site.clone(),
            g.device.clone(),
        );
        let s = sums.entry(key).or_default();
        let reached = |q: i64| i64::from(g.reached >= q);
        let add = [
            g.views,
            1,
            g.watched_ms,
            reached(1),
            reached(2),
            reached(3),
            reached(4),
        ];
        for (t, a) in s.iter_mut().zip(add) {
            *t += a;
        }
    }
    for ((publication, day, referrer, site, device), n) in &sums {
        sql!(tx, execute
            "INSERT INTO outlet_daily (publication_id, day, referrer, site, device, views, viewers,
                                       watched_ms, q1, q2, q3, q4)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (publication_id, day, referrer, site, device) DO UPDATE
               SET views = outlet_daily.views + excluded.views,
                   viewers = outlet_daily.viewers + excluded.viewers,
                   watched_ms = outlet_daily.watched_ms + excluded.watched_ms,
                   q1 = outlet_daily.q1 + excluded.q1, q2 = outlet_daily.q2 + excluded.q2,
                   q3 = outlet_daily.q3 + excluded.q3, q4 = outlet_daily.q4 + excluded.q4",
            publication, day, referrer, site, device, n[0], n[1], n[2], n[3], n[4], n[5], n[6])?;
    }
    Ok(gone.len() as u64)
}

/// Viewing figures added up: views, viewers (a device counted once a day),
/// watching, and viewers who reached each quarter.
#[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow)]
pub struct Viewing {
    pub key: String,
    pub views: i64,
    pub viewers: i64,
    pub watched_ms: i64,
    pub q1: i64,
    pub q2: i64,
    pub q3: i64,
    pub q4: i64,
}

/// Every day's viewing, finished days and today's, as one row set.
macro_rules! viewing {
    () => {
        "(SELECT publication_id, referrer, site, device, views, viewers, watched_ms,
                 q1, q2, q3, q4 FROM outlet_daily
          UNION ALL
          SELECT publication_id, referrer, site, device, views, 1 AS viewers, watched_ms,
                 CASE WHEN reached >= 1 THEN 1 ELSE 0 END, CASE WHEN reached >= 2 THEN 1 ELSE 0 END,
                 CASE WHEN reached >= 3 THEN 1 ELSE 0 END, CASE WHEN reached >= 4 THEN 1 ELSE 0 END
          FROM outlet_viewers) v"
    };
}

/// Each publication's viewing (key: its id), for the given ones.
pub async fn viewing_of(tx: &mut Tx, ids: &[PublicationId]) -> DbResult<Vec<Viewing>> {
    let list = ids
        .iter()
        .map(|p| p.0.to_string())
        .collect::<Vec<_>>()
        .join(",");
    Ok(sql!(tx, fetch_all concat!(
        "SELECT CAST(v.publication_id AS TEXT) AS key, CAST(SUM(v.views) AS BIGINT) AS views,
                CAST(SUM(v.viewers) AS BIGINT) AS viewers,
                CAST(SUM(v.watched_ms) AS BIGINT) AS watched_ms, CAST(SUM(v.q1) AS BIGINT) AS q1,
                CAST(SUM(v.q2) AS BIGINT) AS q2, CAST(SUM(v.q3) AS BIGINT) AS q3,
                CAST(SUM(v.q4) AS BIGINT) AS q4
         FROM ", viewing!(), "
         WHERE (',' || $1 || ',') LIKE ('%,' || CAST(v.publication_id AS TEXT) || ',%')
         GROUP BY v.publication_id"), list)?)
}

macro_rules! viewing_by {
    ($column:literal) => {
        concat!(
            "SELECT ",
            $column,
            " AS key, CAST(SUM(v.views) AS BIGINT) AS views,
                    CAST(SUM(v.viewers) AS BIGINT) AS viewers,
                    CAST(SUM(v.watched_ms) AS BIGINT) AS watched_ms,
                    CAST(SUM(v.q1) AS BIGINT) AS q1, CAST(SUM(v.q2) AS BIGINT) AS q2,
                    CAST(SUM(v.q3) AS BIGINT) AS q3, CAST(SUM(v.q4) AS BIGINT) AS q4
             FROM ",
            viewing!(),
            " JOIN outlet_posts o ON o.publication_id = v.publication_id
             WHERE o.agency_id = $1 AND ",
            $column,
            " <> ''
             GROUP BY ",
            $column,
            " ORDER BY views DESC, key LIMIT 20"
        )
    };
}

/// The agency's viewing grouped by `by` (`referrer`, `site` or `device`),
/// largest first.
pub async fn viewing_by(tx: &mut Tx, agency: OrgId, by: &str) -> DbResult<Vec<Viewing>> {
    Ok(match by {
        "site" => sql!(tx, fetch_all viewing_by!("v.site"), agency)?,
        "device" => sql!(tx, fetch_all viewing_by!("v.device"), agency)?,
        _ => sql!(tx, fetch_all viewing_by!("v.referrer"), agency)?,
    })
}

/// How many device hashes are held (today's only, once rolled up).
pub async fn devices_held(tx: &mut Tx) -> DbResult<i64> {
    Ok(sql!(tx, scalar fetch_one "SELECT COUNT(*) FROM outlet_viewers")?)
}
