//! Publishing data: channels, consents in progress, publications and rate
//! windows (incidents are in [`super::incidents`]).

use super::{DbResult, Tx, sql};
use crate::domain::{ChannelId, ClipId, OrgId, PublicationId, PublicationState, UserId, VersionId};
use crate::platforms::Endpoint;
use serde::Serialize;

// ---- Channels ----------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Channel {
    pub id: ChannelId,
    pub agency_id: OrgId,
    /// The platform's code (`Platform::as_str`).
    pub platform: String,
    pub external_id: String,
    pub name: String,
    /// The sealed token set (never serialised).
    #[serde(skip)]
    pub tokens: String,
    pub token_expires_at: Option<i64>,
    /// active, needs_reconnect or disconnected.
    pub status: String,
    pub status_reason: Option<String>,
    pub connected_by: Option<UserId>,
    /// platform or sandbox: the API it was connected through, the only one
    /// its calls may go to.
    pub endpoint: String,
    /// Who may see its posts, as a person chose it, in the platform's word
    /// (`None`: not chosen yet).
    pub visibility: Option<String>,
    /// YouTube: categoryId per topic category (JSON object; `None`: defaults).
    pub categories: Option<String>,
    /// The scopes the platform granted (`None`: connected before they were kept).
    pub scopes: Option<String>,
    /// TikTok's creator info as last read (JSON).
    #[serde(skip)]
    pub creator: Option<String>,
    /// How it receives a clip's subtitles (`domain::subtitles::Delivery`).
    pub subtitles: String,
    pub created_at: i64,
    pub updated_at: i64,
}

macro_rules! select_channel {
    ($rest:literal) => {
        concat!(
            "SELECT id, agency_id, platform, external_id, name, tokens, token_expires_at,
                    status, status_reason, connected_by, endpoint, visibility, categories,
                    scopes, creator, subtitles, created_at, updated_at
             FROM channels ",
            $rest
        )
    };
}

pub async fn channels(tx: &mut Tx, agency: OrgId) -> DbResult<Vec<Channel>> {
    Ok(sql!(tx, fetch_all select_channel!(
        "WHERE agency_id = $1 AND status <> 'disconnected' ORDER BY platform, name"),
        agency)?)
}

/// Every channel of the agency, disconnected ones included (history).
pub async fn channels_any(tx: &mut Tx, agency: OrgId) -> DbResult<Vec<Channel>> {
    Ok(sql!(tx, fetch_all select_channel!("WHERE agency_id = $1 ORDER BY platform, name"), agency)?)
}

pub async fn channel(tx: &mut Tx, agency: OrgId, id: ChannelId) -> DbResult<Option<Channel>> {
    Ok(sql!(tx, fetch_optional select_channel!("WHERE agency_id = $1 AND id = $2"), agency, id)?)
}

/// A channel as it is now (its tokens may have been refreshed since it was read).
pub async fn channel_now(tx: &mut Tx, id: ChannelId) -> DbResult<Option<Channel>> {
    Ok(sql!(tx, fetch_optional select_channel!("WHERE id = $1"), id)?)
}

/// Takes the channel's refresh lock for `token` until `until`, if no one
/// holds it (or the holder's time ran out); false when someone does.
pub async fn lock_refresh(
    tx: &mut Tx,
    id: ChannelId,
    token: &str,
    until: i64,
    now: i64,
) -> DbResult<bool> {
    let n = sql!(tx, execute
        "UPDATE channels SET refresh_lock = $1, refresh_lock_until = $2
         WHERE id = $3 AND (refresh_lock_until IS NULL OR refresh_lock_until < $4)",
        token, until, id, now)?;
    Ok(n == 1)
}

/// Lets go of the refresh lock, if `token` still holds it.
pub async fn unlock_refresh(tx: &mut Tx, id: ChannelId, token: &str) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE channels SET refresh_lock = NULL, refresh_lock_until = NULL
         WHERE id = $1 AND refresh_lock = $2",
        id, token)?;
    Ok(())
}

/// Sets who may see the channel's posts (the platform's word).
pub async fn set_visibility(
    tx: &mut Tx,
    id: ChannelId,
    visibility: &str,
    now: i64,
) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE channels SET visibility = $1, updated_at = $2 WHERE id = $3",
        visibility, now, id)?;
    Ok(())
}

/// Sets a YouTube channel's categoryId per topic category (a JSON object;
/// `None`: the defaults).
pub async fn set_categories(
    tx: &mut Tx,
    id: ChannelId,
    categories: Option<&str>,
    now: i64,
) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE channels SET categories = $1, updated_at = $2 WHERE id = $3",
        categories, now, id)?;
    Ok(())
}

/// Keeps the scopes granted at connection, or TikTok's creator info.
pub async fn set_grant(
    tx: &mut Tx,
    id: ChannelId,
    scopes: Option<&str>,
    creator: Option<&str>,
) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE channels SET scopes = COALESCE($1, scopes), creator = COALESCE($2, creator)
         WHERE id = $3",
        scopes, creator, id)?;
    Ok(())
}

/// Channels whose access token expires before `before` and can be refreshed.
pub async fn expiring(tx: &mut Tx, before: i64, limit: i64) -> DbResult<Vec<Channel>> {
    Ok(sql!(tx, fetch_all select_channel!(
        "WHERE status = 'active' AND token_expires_at IS NOT NULL
           AND token_expires_at < $1 ORDER BY token_expires_at LIMIT $2"),
        before, limit)?)
}

/// Channels per status (active, needs_reconnect, disconnected), for `/metrics`.
pub async fn channel_status_counts(tx: &mut Tx) -> DbResult<Vec<(String, i64)>> {
    Ok(sql!(tx, fetch_all
        "SELECT status, COUNT(*) FROM channels GROUP BY status ORDER BY status")?)
}

pub struct NewChannel<'a> {
    pub agency: OrgId,
    pub platform: &'a str,
    pub external_id: &'a str,
    pub name: &'a str,
    pub tokens: &'a str,
    pub token_expires_at: Option<i64>,
    pub by: UserId,
    /// The API it is connected through.
    pub endpoint: Endpoint,
}

/// Names a channel as the install shows it (the demo's sandbox accounts,
/// shared by two agencies, are told apart this way).
pub async fn rename_channel(tx: &mut Tx, id: ChannelId, name: &str) -> DbResult<()> {
    sql!(tx, execute "UPDATE channels SET name = $1 WHERE id = $2", name, id)?;
    Ok(())
}

/// Adds a channel, or reconnects the one with the same external id (keeping
/// its id, so its publications and schedules carry on, bound to where it is
/// connected now).
pub async fn upsert_channel(
    tx: &mut Tx,
    n: NewChannel<'_>,
    now: i64,
) -> DbResult<(ChannelId, bool)> {
    let existing: Option<(ChannelId,)> = sql!(tx, fetch_optional
        "SELECT id FROM channels WHERE agency_id = $1 AND platform = $2 AND external_id = $3",
        n.agency, n.platform, n.external_id)?;
    if let Some((id,)) = existing {
        sql!(tx, execute
            "UPDATE channels SET name = $1, tokens = $2, token_expires_at = $3, status = 'active',
                    status_reason = NULL, connected_by = $4, updated_at = $5, endpoint = $6 WHERE id = $7",
            n.name, n.tokens, n.token_expires_at, n.by, now, n.endpoint.as_str(), id)?;
        return Ok((id, false));
    }
    let (id,): (ChannelId,) = sql!(tx, fetch_one
        "INSERT INTO channels (agency_id, platform, external_id, name, tokens, token_expires_at,
                               status, connected_by, endpoint, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, $8, $9, $9) RETURNING id",
        n.agency, n.platform, n.external_id, n.name, n.tokens, n.token_expires_at, n.by,
        n.endpoint.as_str(), now)?;
    Ok((id, true))
}

pub async fn set_tokens(
    tx: &mut Tx,
    id: ChannelId,
    tokens: &str,
    expires: Option<i64>,
    now: i64,
) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE channels SET tokens = $1, token_expires_at = $2, updated_at = $3 WHERE id = $4",
        tokens, expires, now, id)?;
    Ok(())
}

/// Changes a channel's status; returns whether it changed.
pub async fn set_status(
    tx: &mut Tx,
    id: ChannelId,
    status: &str,
    reason: Option<&str>,
    now: i64,
) -> DbResult<bool> {
    let n = sql!(tx, execute
        "UPDATE channels SET status = $1, status_reason = $2, updated_at = $3
         WHERE id = $4 AND status <> $1",
        status, reason, now, id)?;
    Ok(n == 1)
}

// ---- Consents in progress ------------------------------------------------------

pub async fn put_oauth_state(
    tx: &mut Tx,
    state: &str,
    agency: OrgId,
    user: UserId,
    platform: &str,
    verifier: &str,
    now: i64,
) -> DbResult<()> {
    sql!(tx, execute "DELETE FROM oauth_states WHERE created_at < $1", now - 3_600_000)?;
    sql!(tx, execute
        "INSERT INTO oauth_states (state, agency_id, user_id, platform, verifier, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        state, agency, user, platform, verifier, now)?;
    Ok(())
}

/// Takes (and removes) a consent in progress: (agency, user, platform, sealed verifier, created).
pub async fn take_oauth_state(
    tx: &mut Tx,
    state: &str,
) -> DbResult<Option<(OrgId, UserId, String, String, i64)>> {
    let row = sql!(tx, fetch_optional
        "SELECT agency_id, user_id, platform, verifier, created_at FROM oauth_states WHERE state = $1",
        state)?;
    sql!(tx, execute "DELETE FROM oauth_states WHERE state = $1", state)?;
    Ok(row)
}

// ---- Publications --------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Publication {
    pub id: PublicationId,
    pub agency_id: OrgId,
    pub clip_id: ClipId,
    pub channel_id: ChannelId,
    pub round: i64,
    pub version_id: VersionId,
    /// The approval digest the publication was asked for with.
    pub digest: String,
    #[sqlx(try_from = "String")]
    pub state: PublicationState,
    pub run_at: i64,
    /// How late a scheduled publication went out (missed while stopped).
    pub late_ms: Option<i64>,
    /// The platform's handles, saved before bytes are sent (not shown to clients).
    #[serde(skip)]
    pub handle: String,
    pub progress: Option<f64>,
    pub external_id: Option<String>,
    pub url: Option<String>,
    pub error_class: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub replaces_id: Option<PublicationId>,
    pub requested_by: Option<UserId>,
    pub published_at: Option<i64>,
    /// removing, removed, manual (a person must remove it), manual_done or failed.
    pub removal: Option<String>,
    pub removal_error: Option<String>,
    pub removed_by: Option<UserId>,
    pub removed_at: Option<i64>,
    /// The visibility asked for (the platform's word).
    pub privacy: Option<String>,
    /// The visibility the platform reported after publishing (its word).
    pub visibility: Option<String>,
    /// Whether anyone may see the post, as the platform reported it.
    pub visible_to_all: Option<bool>,
    /// The platform's reason when it made the post less visible than asked.
    pub visibility_reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

macro_rules! select_publication {
    ($rest:literal) => {
        concat!(
            "SELECT id, agency_id, clip_id, channel_id, round, version_id, digest, state, run_at,
                    late_ms, handle, progress, external_id, url, error_class, error_code,
                    error_message, replaces_id, requested_by, published_at, removal,
                    removal_error, removed_by, removed_at, privacy, visibility, visible_to_all,
                    visibility_reason, created_at, updated_at
             FROM publications ",
            $rest
        )
    };
}

pub async fn publication(tx: &mut Tx, id: PublicationId) -> DbResult<Option<Publication>> {
    Ok(sql!(tx, fetch_optional select_publication!("WHERE id = $1"), id)?)
}

/// A clip's publications, newest round first.
pub async fn of_clip(tx: &mut Tx, agency: OrgId, clip: ClipId) -> DbResult<Vec<Publication>> {
    Ok(sql!(tx, fetch_all select_publication!(
        "WHERE agency_id = $1 AND clip_id = $2 ORDER BY round DESC, channel_id"),
        agency, clip)?)
}

pub struct NewPublication<'a> {
    pub agency: OrgId,
    pub clip: ClipId,
    pub channel: ChannelId,
    pub round: i64,
    pub version: VersionId,
    pub digest: &'a str,
    pub state: &'a str,
    pub run_at: i64,
    pub replaces: Option<PublicationId>,
    pub by: UserId,
    /// The visibility asked for (`None`: the channel's when it goes out).
    pub privacy: Option<&'a str>,
}

pub async fn insert(tx: &mut Tx, n: NewPublication<'_>, now: i64) -> DbResult<PublicationId> {
    let (id,): (PublicationId,) = sql!(tx, fetch_one
        "INSERT INTO publications (agency_id, clip_id, channel_id, round, version_id, digest, state,
                                   run_at, replaces_id, requested_by, privacy, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
        n.agency, n.clip, n.channel, n.round, n.version, n.digest, n.state, n.run_at, n.replaces,
        n.by, n.privacy, now)?;
    Ok(id)
}

/// Saves the platform handle (before the bytes it announces are sent), if
/// the saved one is still `old`: of two runners of one publication (a lease
/// that expired under a stalled worker), only one gets past each step. False
/// when another runner moved on or the publication was cancelled meanwhile;
/// then nothing more may go out from this runner.
pub async fn save_handle(
    tx: &mut Tx,
    id: PublicationId,
    state: &str,
    old: &str,
    new: &str,
    now: i64,
) -> DbResult<bool> {
    let n = sql!(tx, execute
        "UPDATE publications SET state = $1, handle = $2, updated_at = $3
         WHERE id = $4 AND handle = $5 AND state IN ('queued', 'uploading', 'processing')",
        state, new, now, id, old)?;
    Ok(n == 1)
}

pub async fn set_progress(tx: &mut Tx, id: PublicationId, progress: f64, now: i64) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE publications SET progress = $1, updated_at = $2 WHERE id = $3 AND state = 'uploading'",
        progress, now, id)?;
    Ok(())
}

/// Marks a publication as out, once.
pub async fn set_published(
    tx: &mut Tx,
    id: PublicationId,
    external_id: &str,
    url: &str,
    late_ms: Option<i64>,
    seen: &crate::platforms::connector::Visibility,
    now: i64,
) -> DbResult<bool> {
    let n = sql!(tx, execute
        "UPDATE publications SET state = 'published', external_id = $1, url = $2, late_ms = $3,
                progress = 1.0, published_at = $4, error_class = NULL, error_code = NULL,
                error_message = NULL, updated_at = $4, visibility = $6, visible_to_all = $7,
                visibility_reason = $8
         WHERE id = $5 AND state IN ('queued', 'uploading', 'processing')",
        external_id, url, late_ms, now, id, &seen.level, seen.public, seen.reason.as_deref())?;
    Ok(n == 1)
}

/// Records why a publication is stuck or failed; `state` is where it goes
/// ("": it stays where it is, e.g. uploading while it waits to retry).
pub async fn set_error(
    tx: &mut Tx,
    id: PublicationId,
    state: &str,
    class: &str,
    code: &str,
    message: &str,
    now: i64,
) -> DbResult<()> {
    let message: String = message.chars().take(2000).collect();
    sql!(tx, execute
        "UPDATE publications SET state = CASE WHEN $1 = '' THEN state ELSE $1 END,
                error_class = $2, error_code = $3, error_message = $4, updated_at = $5
         WHERE id = $6 AND state NOT IN ('published', 'cancelled', 'superseded')",
        state, class, code, &message, now, id)?;
    Ok(())
}

/// Moves a publication between states when it is in one of `from`.
pub async fn set_state(
    tx: &mut Tx,
    id: PublicationId,
    from: &[&str],
    to: &str,
    now: i64,
) -> DbResult<bool> {
    let list = from
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "UPDATE publications SET state = $1, updated_at = $2 WHERE id = $3 AND state IN ({list})"
    );
    let n = sql!(tx, execute sqlx::AssertSqlSafe(sql.clone()), to, now, id)?;
    Ok(n == 1)
}

pub async fn set_removal(
    tx: &mut Tx,
    id: PublicationId,
    removal: &str,
    error: Option<&str>,
    by: Option<UserId>,
    now: i64,
) -> DbResult<()> {
    let done = matches!(removal, "removed" | "manual_done").then_some(now);
    sql!(tx, execute
        "UPDATE publications SET removal = $1, removal_error = $2, removed_by = COALESCE($3, removed_by),
                removed_at = $4, updated_at = $5 WHERE id = $6",
        removal, error, by, done, now, id)?;
    Ok(())
}

/// The next round number for a clip.
pub async fn next_round(tx: &mut Tx, clip: ClipId) -> DbResult<i64> {
    let (r,): (Option<i64>,) = sql!(tx, fetch_one
        "SELECT MAX(round) FROM publications WHERE clip_id = $1",
        clip)?;
    Ok(r.unwrap_or(0) + 1)
}

/// Publications waiting on a channel (woken when it is reconnected).
pub async fn waiting_on(tx: &mut Tx, channel: ChannelId) -> DbResult<Vec<PublicationId>> {
    Ok(sql!(tx, scalar fetch_all
        "SELECT id FROM publications WHERE channel_id = $1
           AND state IN ('scheduled', 'queued', 'uploading', 'processing')",
        channel)?)
}

// ---- Rate windows ----------------------------------------------------------------

/// Holds the bucket for the rest of the transaction, so two workers never
/// both see room for the last call (PostgreSQL; SQLite's write transaction
/// already excludes every other writer).
pub async fn lock_bucket(tx: &mut Tx, bucket: &str) -> DbResult<()> {
    if let Tx::Postgres(t, _) = tx {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind(bucket)
            .execute(&mut **t)
            .await?;
    }
    Ok(())
}

/// Whether `bucket` has had fewer than `max` calls since `since`: `None`
/// when there is room; else the time of the call whose leaving the window
/// makes room. Counted, not fetched: a day's window of a busy install holds
/// thousands of calls, and this runs in the write queue.
pub async fn rate_full_until(
    tx: &mut Tx,
    bucket: &str,
    since: i64,
    max: i64,
) -> DbResult<Option<i64>> {
    let seen: i64 = sql!(tx, scalar fetch_one
        "SELECT COUNT(*) FROM rate_events WHERE bucket = $1 AND at > $2",
        bucket, since)?;
    if seen < max {
        return Ok(None);
    }
    Ok(sql!(tx, scalar fetch_optional
        "SELECT at FROM rate_events WHERE bucket = $1 AND at > $2 ORDER BY at LIMIT 1 OFFSET $3",
        bucket, since, seen - max)?)
}

pub async fn rate_event(tx: &mut Tx, bucket: &str, now: i64) -> DbResult<()> {
    sql!(tx, execute "INSERT INTO rate_events (bucket, at) VALUES ($1, $2)", bucket, now)?;
    Ok(())
}

pub async fn purge_rate_events(tx: &mut Tx, before: i64) -> DbResult<u64> {
    Ok(sql!(tx, execute "DELETE FROM rate_events WHERE at < $1", before)?)
}

/// The agency's posts that went out since `since` (ms), and on how many clips.
pub async fn published_since(tx: &mut Tx, agency: OrgId, since: i64) -> DbResult<(i64, i64)> {
    Ok(sql!(tx, fetch_one
        "SELECT COUNT(*), COUNT(DISTINCT clip_id) FROM publications
         WHERE agency_id = $1 AND published_at IS NOT NULL AND published_at >= $2",
        agency, since)?)
}
