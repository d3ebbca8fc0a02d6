//! Publishing data: channels, consents in progress, publications, rate windows
//! and incidents.

use super::{DbResult, Tx, on_tx};
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
    pub created_at: i64,
    pub updated_at: i64,
}

const CHANNEL: &str = "SELECT id, agency_id, platform, external_id, name, tokens, token_expires_at,
        status, status_reason, connected_by, endpoint, created_at, updated_at FROM channels ";

pub async fn channels(tx: &mut Tx, agency: OrgId) -> DbResult<Vec<Channel>> {
    let sql = format!(
        "{CHANNEL} WHERE agency_id = $1 AND status <> 'disconnected' ORDER BY platform, name"
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(agency).fetch_all(c).await)?,
    )
}

/// Every channel of the agency, disconnected ones included (history).
pub async fn channels_any(tx: &mut Tx, agency: OrgId) -> DbResult<Vec<Channel>> {
    let sql = format!("{CHANNEL} WHERE agency_id = $1 ORDER BY platform, name");
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(agency).fetch_all(c).await)?,
    )
}

pub async fn channel(tx: &mut Tx, agency: OrgId, id: ChannelId) -> DbResult<Option<Channel>> {
    let sql = format!("{CHANNEL} WHERE agency_id = $1 AND id = $2");
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(agency).bind(id).fetch_optional(c).await)?,
    )
}

/// Channels whose access token expires before `before` and can be refreshed.
pub async fn expiring(tx: &mut Tx, before: i64, limit: i64) -> DbResult<Vec<Channel>> {
    let sql = format!(
        "{CHANNEL} WHERE status = 'active' AND token_expires_at IS NOT NULL
           AND token_expires_at < $1 ORDER BY token_expires_at LIMIT $2"
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(before).bind(limit).fetch_all(c).await)?,
    )
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

/// Adds a channel, or reconnects the one with the same external id (keeping
/// its id, so its publications and schedules carry on, bound to where it is
/// connected now).
pub async fn upsert_channel(
    tx: &mut Tx,
    n: NewChannel<'_>,
    now: i64,
) -> DbResult<(ChannelId, bool)> {
    let existing: Option<(ChannelId,)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id FROM channels WHERE agency_id = $1 AND platform = $2 AND external_id = $3")
        .bind(n.agency).bind(n.platform).bind(n.external_id).fetch_optional(c).await)?;
    if let Some((id,)) = existing {
        on_tx!(tx, c => sqlx::query(
            "UPDATE channels SET name = $1, tokens = $2, token_expires_at = $3, status = 'active',
                    status_reason = NULL, connected_by = $4, updated_at = $5, endpoint = $6 WHERE id = $7")
            .bind(n.name).bind(n.tokens).bind(n.token_expires_at).bind(n.by).bind(now)
            .bind(n.endpoint.as_str()).bind(id)
            .execute(c).await.map(|_| ()))?;
        return Ok((id, false));
    }
    let (id,): (ChannelId,) = on_tx!(tx, c => sqlx::query_as(
        "INSERT INTO channels (agency_id, platform, external_id, name, tokens, token_expires_at,
                               status, connected_by, endpoint, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, $8, $9, $9) RETURNING id")
        .bind(n.agency).bind(n.platform).bind(n.external_id).bind(n.name).bind(n.tokens)
        .bind(n.token_expires_at).bind(n.by).bind(n.endpoint.as_str()).bind(now).fetch_one(c).await)?;
    Ok((id, true))
}

pub async fn set_tokens(
    tx: &mut Tx,
    id: ChannelId,
    tokens: &str,
    expires: Option<i64>,
    now: i64,
) -> DbResult<()> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE channels SET tokens = $1, token_expires_at = $2, updated_at = $3 WHERE id = $4")
        .bind(tokens).bind(expires).bind(now).bind(id).execute(c).await.map(|_| ()))?;
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
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE channels SET status = $1, status_reason = $2, updated_at = $3
         WHERE id = $4 AND status <> $1")
        .bind(status).bind(reason).bind(now).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
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
    on_tx!(tx, c => sqlx::query("DELETE FROM oauth_states WHERE created_at < $1")
        .bind(now - 3_600_000).execute(c).await.map(|_| ()))?;
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO oauth_states (state, agency_id, user_id, platform, verifier, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(state).bind(agency).bind(user).bind(platform).bind(verifier).bind(now)
        .execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Takes (and removes) a consent in progress: (agency, user, platform, sealed verifier, created).
pub async fn take_oauth_state(
    tx: &mut Tx,
    state: &str,
) -> DbResult<Option<(OrgId, UserId, String, String, i64)>> {
    let row = on_tx!(tx, c => sqlx::query_as(
        "SELECT agency_id, user_id, platform, verifier, created_at FROM oauth_states WHERE state = $1")
        .bind(state).fetch_optional(c).await)?;
    on_tx!(tx, c => sqlx::query("DELETE FROM oauth_states WHERE state = $1")
        .bind(state).execute(c).await.map(|_| ()))?;
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
    pub created_at: i64,
    pub updated_at: i64,
}

const PUBLICATION: &str =
    "SELECT id, agency_id, clip_id, channel_id, round, version_id, digest, state,
        run_at, late_ms, handle, progress, external_id, url, error_class, error_code, error_message,
        replaces_id, requested_by, published_at, removal, removal_error, removed_by, removed_at,
        created_at, updated_at FROM publications ";

pub async fn publication(tx: &mut Tx, id: PublicationId) -> DbResult<Option<Publication>> {
    let sql = format!("{PUBLICATION} WHERE id = $1");
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(c).await)?,
    )
}

/// A clip's publications, newest round first.
pub async fn of_clip(tx: &mut Tx, agency: OrgId, clip: ClipId) -> DbResult<Vec<Publication>> {
    let sql = format!(
        "{PUBLICATION} WHERE agency_id = $1 AND clip_id = $2 ORDER BY round DESC, channel_id"
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(agency).bind(clip).fetch_all(c).await)?,
    )
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
}

pub async fn insert(tx: &mut Tx, n: NewPublication<'_>, now: i64) -> DbResult<PublicationId> {
    let (id,): (PublicationId,) = on_tx!(tx, c => sqlx::query_as(
        "INSERT INTO publications (agency_id, clip_id, channel_id, round, version_id, digest, state,
                                   run_at, replaces_id, requested_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id")
        .bind(n.agency).bind(n.clip).bind(n.channel).bind(n.round).bind(n.version).bind(n.digest)
        .bind(n.state).bind(n.run_at).bind(n.replaces).bind(n.by).bind(now).fetch_one(c).await)?;
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
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE publications SET state = $1, handle = $2, updated_at = $3
         WHERE id = $4 AND handle = $5 AND state IN ('queued', 'uploading', 'processing')")
        .bind(state).bind(new).bind(now).bind(id).bind(old).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn set_progress(tx: &mut Tx, id: PublicationId, progress: f64, now: i64) -> DbResult<()> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE publications SET progress = $1, updated_at = $2 WHERE id = $3 AND state = 'uploading'")
        .bind(progress).bind(now).bind(id).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Marks a publication as out, once.
pub async fn set_published(
    tx: &mut Tx,
    id: PublicationId,
    external_id: &str,
    url: &str,
    late_ms: Option<i64>,
    now: i64,
) -> DbResult<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE publications SET state = 'published', external_id = $1, url = $2, late_ms = $3,
                progress = 1.0, published_at = $4, error_class = NULL, error_code = NULL,
                error_message = NULL, updated_at = $4
         WHERE id = $5 AND state IN ('queued', 'uploading', 'processing')")
        .bind(external_id).bind(url).bind(late_ms).bind(now).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))?;
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
    on_tx!(tx, c => sqlx::query(
        "UPDATE publications SET state = CASE WHEN $1 = '' THEN state ELSE $1 END,
                error_class = $2, error_code = $3, error_message = $4, updated_at = $5
         WHERE id = $6 AND state NOT IN ('published', 'cancelled', 'superseded')")
        .bind(state).bind(class).bind(code).bind(&message).bind(now).bind(id)
        .execute(c).await.map(|_| ()))?;
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
    let n = on_tx!(tx, c => sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(to).bind(now).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))?;
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
    on_tx!(tx, c => sqlx::query(
        "UPDATE publications SET removal = $1, removal_error = $2, removed_by = COALESCE($3, removed_by),
                removed_at = $4, updated_at = $5 WHERE id = $6")
        .bind(removal).bind(error).bind(by).bind(done).bind(now).bind(id)
        .execute(c).await.map(|_| ()))?;
    Ok(())
}

/// The next round number for a clip.
pub async fn next_round(tx: &mut Tx, clip: ClipId) -> DbResult<i64> {
    let (r,): (Option<i64>,) = on_tx!(tx, c => sqlx::query_as(
        "SELECT MAX(round) FROM publications WHERE clip_id = $1")
        .bind(clip).fetch_one(c).await)?;
    Ok(r.unwrap_or(0) + 1)
}

/// Publications waiting on a channel (woken when it is reconnected).
pub async fn waiting_on(tx: &mut Tx, channel: ChannelId) -> DbResult<Vec<PublicationId>> {
    Ok(on_tx!(tx, c => sqlx::query_as::<_, (PublicationId,)>(
        "SELECT id FROM publications WHERE channel_id = $1
           AND state IN ('scheduled', 'queued', 'uploading', 'processing')")
        .bind(channel).fetch_all(c).await)?
    .into_iter()
    .map(|(id,)| id)
    .collect())
}

// ---- Rate windows ----------------------------------------------------------------

/// Holds the bucket for the rest of the transaction, so two workers never
/// both see room for the last call (PostgreSQL; SQLite's write transaction
/// already excludes every other writer).
pub async fn lock_bucket(tx: &mut Tx, bucket: &str) -> DbResult<()> {
    if let Tx::Postgres(t) = tx {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind(bucket)
            .execute(&mut **t)
            .await?;
    }
    Ok(())
}

/// The times of the calls in `bucket` since `since`, oldest first.
pub async fn rate_window(tx: &mut Tx, bucket: &str, since: i64) -> DbResult<Vec<i64>> {
    Ok(on_tx!(tx, c => sqlx::query_as::<_, (i64,)>(
        "SELECT at FROM rate_events WHERE bucket = $1 AND at > $2 ORDER BY at")
        .bind(bucket).bind(since).fetch_all(c).await)?
    .into_iter()
    .map(|(t,)| t)
    .collect())
}

pub async fn rate_event(tx: &mut Tx, bucket: &str, now: i64) -> DbResult<()> {
    on_tx!(tx, c => sqlx::query("INSERT INTO rate_events (bucket, at) VALUES ($1, $2)")
        .bind(bucket).bind(now).execute(c).await.map(|_| ()))?;
    Ok(())
}

pub async fn purge_rate_events(tx: &mut Tx, before: i64) -> DbResult<u64> {
    Ok(
        on_tx!(tx, c => sqlx::query("DELETE FROM rate_events WHERE at < $1")
        .bind(before).execute(c).await.map(|r| r.rows_affected()))?,
    )
}

// ---- Incidents -------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Incident {
    pub id: i64,
    pub agency_id: OrgId,
    pub clip_id: Option<ClipId>,
    pub kind: String,
    pub reason: String,
    /// open (its workflow comes later).
    pub state: String,
    /// JSON: per-channel outcome and the clip's title.
    pub details: String,
    pub opened_by: Option<UserId>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[allow(clippy::too_many_arguments)]
pub async fn open_incident(
    tx: &mut Tx,
    agency: OrgId,
    clip: ClipId,
    kind: &str,
    reason: &str,
    details: &str,
    by: UserId,
    now: i64,
) -> DbResult<i64> {
    let (id,): (i64,) = on_tx!(tx, c => sqlx::query_as(
        "INSERT INTO incidents (agency_id, clip_id, kind, reason, state, details, opened_by,
                                created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $7) RETURNING id")
        .bind(agency).bind(clip).bind(kind).bind(reason).bind(details).bind(by).bind(now)
        .fetch_one(c).await)?;
    Ok(id)
}

pub async fn update_incident(tx: &mut Tx, id: i64, details: &str, now: i64) -> DbResult<()> {
    on_tx!(tx, c => sqlx::query("UPDATE incidents SET details = $1, updated_at = $2 WHERE id = $3")
        .bind(details).bind(now).bind(id).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Incidents visible to the given agencies, newest first.
pub async fn incidents(tx: &mut Tx, agencies: &[OrgId], limit: i64) -> DbResult<Vec<Incident>> {
    if agencies.is_empty() {
        return Ok(Vec::new());
    }
    let list = agencies
        .iter()
        .map(|a| a.0.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT id, agency_id, clip_id, kind, reason, state, details, opened_by, created_at, updated_at
         FROM incidents WHERE agency_id IN ({list}) ORDER BY created_at DESC LIMIT $1"
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(limit).fetch_all(c).await)?,
    )
}

pub async fn incident_of_clip(tx: &mut Tx, clip: ClipId) -> DbResult<Option<Incident>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, agency_id, clip_id, kind, reason, state, details, opened_by, created_at, updated_at
         FROM incidents WHERE clip_id = $1 ORDER BY id DESC LIMIT 1")
        .bind(clip).fetch_optional(c).await)?)
}
