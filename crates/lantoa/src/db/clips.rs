//! Clips and their versions.

use std::collections::BTreeMap;

use super::{DbError, DbResult, Tx, sql};
use crate::domain::{ClipId, ClipState, FieldFinding, OrgId, UserId, VersionId, VersionStatus};
use serde::Serialize;

/// A clip, decoded from its row once: its state and flags typed, its JSON
/// columns as values. A row that cannot be decoded is an error, never a
/// silent default.
#[derive(Debug, Clone)]
pub struct Clip {
    pub id: ClipId,
    pub agency_id: OrgId,
    pub author_id: UserId,
    pub title: String,
    pub caption: String,
    pub category: String,
    pub state: ClipState,
    pub current_version_id: Option<VersionId>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Platform code → caption variant.
    pub caption_variants: BTreeMap<String, String>,
    /// `#tags`.
    pub hashtags: Vec<String>,
    pub political: bool,
    /// Why the flag is as it is: category, watch_list, manual or lowered.
    pub political_source: String,
    /// Target platforms.
    pub target_channels: Vec<String>,
    pub publish_at: Option<i64>,
    pub publish_until: Option<i64>,
    /// The time chosen inside the signed window when the clip was scheduled
    /// (not part of the approval).
    pub scheduled_at: Option<i64>,
    /// The chosen cover: a frame's time in the current version, milliseconds.
    pub cover_ms: Option<i64>,
    /// The campaign of the coordinating body the clip is made for.
    pub campaign_id: Option<i64>,
    /// Bumped by every content save, for optimistic concurrency.
    pub revision: i64,
    pub lock_user_id: Option<UserId>,
    pub lock_at: Option<i64>,
    /// The text lint's findings at the last save.
    pub lint: Vec<FieldFinding>,
    /// Taken from another agency: how (see [`Taken`]).
    pub taken: Option<Taken>,
}

/// Where a clip taken from another agency's offer came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    pub offer_id: i64,
    pub source_clip_id: ClipId,
    pub source_version_id: VersionId,
    /// The SHA-256 of the source version's original (part of the approval).
    pub source_sha256: String,
    /// A corrected source version published since, not taken yet.
    pub update_id: Option<VersionId>,
    /// When the source agency took its clip down.
    pub source_down_at: Option<i64>,
}

/// A clip's row as stored: text for the state and the JSON columns, an
/// integer for the flag.
#[derive(sqlx::FromRow)]
struct ClipRow {
    id: ClipId,
    agency_id: OrgId,
    author_id: UserId,
    title: String,
    caption: String,
    category: String,
    state: String,
    current_version_id: Option<VersionId>,
    created_at: i64,
    updated_at: i64,
    caption_variants: String,
    hashtags: String,
    political: i64,
    political_source: String,
    target_channels: String,
    publish_at: Option<i64>,
    publish_until: Option<i64>,
    scheduled_at: Option<i64>,
    cover_ms: Option<i64>,
    campaign_id: Option<i64>,
    revision: i64,
    lock_user_id: Option<UserId>,
    lock_at: Option<i64>,
    lint: String,
    offer_id: Option<i64>,
    source_clip_id: Option<ClipId>,
    source_version_id: Option<VersionId>,
    source_update_id: Option<VersionId>,
    source_down_at: Option<i64>,
    source_sha256: Option<String>,
}

/// A JSON column's value; an empty text is the type's empty value.
fn json_column<T: serde::de::DeserializeOwned + Default>(
    id: ClipId,
    column: &str,
    text: &str,
) -> DbResult<T> {
    if text.trim().is_empty() {
        return Ok(T::default());
    }
    serde_json::from_str(text)
        .map_err(|e| DbError::Other(format!("clip {id}: column {column} is not valid: {e}")))
}

impl TryFrom<ClipRow> for Clip {
    type Error = DbError;

    fn try_from(r: ClipRow) -> DbResult<Clip> {
        let state = ClipState::parse(&r.state)
            .ok_or_else(|| DbError::Other(format!("clip {}: unknown state {:?}", r.id, r.state)))?;
        Ok(Clip {
            caption_variants: json_column(r.id, "caption_variants", &r.caption_variants)?,
            hashtags: json_column(r.id, "hashtags", &r.hashtags)?,
            target_channels: json_column(r.id, "target_channels", &r.target_channels)?,
            lint: json_column(r.id, "lint", &r.lint)?,
            political: r.political != 0,
            state,
            id: r.id,
            agency_id: r.agency_id,
            author_id: r.author_id,
            title: r.title,
            caption: r.caption,
            category: r.category,
            current_version_id: r.current_version_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
            political_source: r.political_source,
            publish_at: r.publish_at,
            publish_until: r.publish_until,
            scheduled_at: r.scheduled_at,
            cover_ms: r.cover_ms,
            campaign_id: r.campaign_id,
            revision: r.revision,
            lock_user_id: r.lock_user_id,
            lock_at: r.lock_at,
            taken: match (r.offer_id, r.source_clip_id, r.source_version_id) {
                (Some(offer_id), Some(source_clip_id), Some(source_version_id)) => Some(Taken {
                    offer_id,
                    source_clip_id,
                    source_version_id,
                    source_sha256: r.source_sha256.unwrap_or_default(),
                    update_id: r.source_update_id,
                    source_down_at: r.source_down_at,
                }),
                _ => None,
            },
        })
    }
}

macro_rules! select_clip {
    ($rest:expr) => {
        concat!(
            "SELECT id, agency_id, author_id, title, caption, category, state, current_version_id,
                    created_at, updated_at, caption_variants, hashtags, political, political_source,
                    target_channels, publish_at, publish_until, scheduled_at, revision, lock_user_id,
                    lock_at, lint, cover_ms, campaign_id, offer_id, source_clip_id,
                    source_version_id, source_update_id, source_down_at,
                    (SELECT sv.sha256 FROM clip_versions sv WHERE sv.id = source_version_id)
                        AS source_sha256
             FROM clips ",
            $rest
        )
    };
}

/// The agency's latest clips (id, title), newest first: what a form offers
/// to pick from.
pub async fn recent_titles(tx: &mut Tx, agency: OrgId, n: i64) -> DbResult<Vec<(ClipId, String)>> {
    Ok(sql!(tx, fetch_all
        "SELECT id, title FROM clips WHERE agency_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
        agency, n)?)
}

pub struct NewClip<'a> {
    pub agency_id: OrgId,
    pub author_id: UserId,
    pub title: &'a str,
    pub caption: &'a str,
    pub category: &'a str,
    pub political: bool,
    pub now: i64,
}

pub async fn insert(tx: &mut Tx, c: NewClip<'_>) -> DbResult<ClipId> {
    let source = if c.political { "category" } else { "" };
    let id: i64 = sql!(tx, scalar fetch_one
        "INSERT INTO clips (agency_id, author_id, title, caption, category, state, political,
                            political_source, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $8, $8) RETURNING id",
        c.agency_id, c.author_id, c.title, c.caption, c.category, c.political as i64, source,
        c.now)?;
    reindex(tx, ClipId(id)).await?;
    Ok(ClipId(id))
}

/// A clip of the given agency (never another agency's).
pub async fn get(tx: &mut Tx, agency: OrgId, id: ClipId) -> DbResult<Option<Clip>> {
    let row: Option<ClipRow> = sql!(tx, fetch_optional select_clip!("WHERE id = $1 AND agency_id = $2"),
        id, agency)?;
    row.map(Clip::try_from).transpose()
}

/// A clip about to be changed by a decision on its state: on PostgreSQL its
/// row stays locked until the transaction ends, so two transactions deciding
/// on one clip take turns (a submission in one process and the end of its
/// checks in another each saw the other's state as it was before, and the
/// clip waited for checks that had ended). SQLite's writers take turns anyway.
pub async fn get_for_update(
    tx: &mut Tx,
    agency: Option<OrgId>,
    id: ClipId,
) -> DbResult<Option<Clip>> {
    let row: Option<ClipRow> = match (tx.engine(), agency) {
        (super::Engine::Postgres, Some(a)) => sql!(tx, fetch_optional
            select_clip!("WHERE id = $1 AND agency_id = $2 FOR UPDATE"), id, a)?,
        (super::Engine::Postgres, None) => {
            sql!(tx, fetch_optional select_clip!("WHERE id = $1 FOR UPDATE"), id)?
        }
        (super::Engine::Sqlite, Some(a)) => sql!(tx, fetch_optional
            select_clip!("WHERE id = $1 AND agency_id = $2"), id, a)?,
        (super::Engine::Sqlite, None) => {
            sql!(tx, fetch_optional select_clip!("WHERE id = $1"), id)?
        }
    };
    row.map(Clip::try_from).transpose()
}

/// A clip by id alone, for background work that has no agency in hand.
pub async fn get_any(tx: &mut Tx, id: ClipId) -> DbResult<Option<Clip>> {
    let row: Option<ClipRow> = sql!(tx, fetch_optional select_clip!("WHERE id = $1"), id)?;
    row.map(Clip::try_from).transpose()
}

/// A line of the agency's clip list: the clip and its current version's status.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Listed {
    pub id: ClipId,
    pub title: String,
    pub category: String,
    pub updated_at: i64,
    /// `None` when the clip has no version yet.
    pub status: Option<String>,
}

/// The agency's clips, most recently changed first, in one query.
pub async fn list(tx: &mut Tx, agency: OrgId, limit: i64) -> DbResult<Vec<Listed>> {
    Ok(sql!(tx, fetch_all
        "SELECT c.id, c.title, c.category, c.updated_at, v.status
         FROM clips c LEFT JOIN clip_versions v ON v.id = c.current_version_id
         WHERE c.agency_id = $1 ORDER BY c.updated_at DESC, c.id DESC LIMIT $2",
        agency, limit)?)
}

/// How the clip list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Most recently changed first.
    Updated,
    /// Newest first.
    Created,
    /// By title.
    Title,
}

/// The search words a clip list asks for at most; more are ignored.
pub const MAX_TERMS: usize = 5;

/// What the clip list asks for: empty text, zero and `None` filter nothing.
#[derive(Debug, Clone)]
pub struct Filter {
    pub agency: OrgId,
    /// Search words, already as `lint::search_key` makes them.
    pub terms: Vec<String>,
    pub state: String,
    pub category: String,
    pub author: i64,
    pub platform: String,
    /// Changed from (inclusive) and before, in ms.
    pub from: i64,
    pub to: i64,
    pub political: Option<bool>,
    pub sort: Sort,
    pub limit: i64,
    pub offset: i64,
}

/// A line of the searched clip list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Found {
    pub id: ClipId,
    pub title: String,
    pub category: String,
    pub state: String,
    pub political: i64,
    pub author_id: UserId,
    pub author_name: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub current_version_id: Option<VersionId>,
    /// The current version's check status; `None` without a version.
    pub status: Option<String>,
    /// The current version's outputs (posters), JSON.
    pub outputs: Option<String>,
}

/// The clip list's conditions on `clips c`; `$1` is the agency.
macro_rules! clip_where {
    () => {
        " WHERE c.agency_id = $1 AND ($2 = '' OR c.state = $2) AND ($3 = '' OR c.category = $3)
            AND ($4 = 0 OR c.author_id = $4) AND ($5 = '' OR c.target_channels LIKE $5)
            AND ($6 = 0 OR c.updated_at >= $6) AND ($7 = 0 OR c.updated_at < $7)
            AND ($8 < 0 OR c.political = $8)
            AND c.search_text LIKE $9 AND c.search_text LIKE $10 AND c.search_text LIKE $11
            AND c.search_text LIKE $12 AND c.search_text LIKE $13 "
    };
}

/// Runs `$q!(order)` with the ORDER BY and paging `$sort` asks for.
macro_rules! sorted {
    ($sort:expr, $q:ident) => {
        match $sort {
            Sort::Updated => $q!("ORDER BY c.updated_at DESC, c.id DESC LIMIT $14 OFFSET $15"),
            Sort::Created => $q!("ORDER BY c.created_at DESC, c.id DESC LIMIT $14 OFFSET $15"),
            Sort::Title => $q!("ORDER BY c.title_key, c.title, c.id LIMIT $14 OFFSET $15"),
        }
    };
}

/// A filter's values in bind order (`$2`..`$13`).
struct Binds {
    platform: String,
    political: i64,
    like: Vec<String>,
}

impl Binds {
    fn of(f: &Filter) -> Binds {
        Binds {
            platform: if f.platform.is_empty() {
                String::new()
            } else {
                format!("%\"{}\"%", f.platform)
            },
            political: f.political.map_or(-1, i64::from),
            like: (0..MAX_TERMS)
                .map(|i| f.terms.get(i).map_or("%".into(), |t| format!("%{t}%")))
                .collect(),
        }
    }
}

/// Runs `$sql` (`sql!`'s fetch words first, e.g. `[scalar fetch_one]`)
/// bound to the filter's values, then `$extra` ones.
macro_rules! with_filter {
    ($tx:expr, [$($how:ident)+], $sql:expr, $f:expr, $b:expr $(, $extra:expr)*) => {
        sql!($tx, $($how)+ $sql, $f.agency, &$f.state, &$f.category, $f.author, &$b.platform,
            $f.from, $f.to, $b.political, &$b.like[0], &$b.like[1], &$b.like[2], &$b.like[3],
            &$b.like[4] $(, $extra)*)
    };
}

/// One page of the agency's clips that match `f`, as the list shows them.
pub async fn search(tx: &mut Tx, f: &Filter) -> DbResult<Vec<Found>> {
    let b = Binds::of(f);
    macro_rules! q {
        ($order:literal) => {
            with_filter!(
                tx,
                [fetch_all],
                concat!(
                    "SELECT c.id, c.title, c.category, c.state, c.political, c.author_id,
                        u.display_name AS author_name, c.created_at, c.updated_at,
                        c.current_version_id, v.status, v.outputs
                 FROM clips c JOIN users u ON u.id = c.author_id
                 LEFT JOIN clip_versions v ON v.id = c.current_version_id",
                    clip_where!(),
                    $order
                ),
                f,
                b,
                f.limit,
                f.offset
            )?
        };
    }
    Ok(sorted!(f.sort, q))
}

/// One page of the agency's clips that match `f`, whole (for the API).
pub async fn search_whole(tx: &mut Tx, f: &Filter) -> DbResult<Vec<Clip>> {
    let b = Binds::of(f);
    macro_rules! q {
        ($order:literal) => {{
            let rows: Vec<ClipRow> = with_filter!(
                tx,
                [fetch_all],
                select_clip!(concat!("c", clip_where!(), $order)),
                f,
                b,
                f.limit,
                f.offset
            )?;
            rows
        }};
    }
    sorted!(f.sort, q).into_iter().map(Clip::try_from).collect()
}

/// How many of the agency's clips match `f`, all pages together.
pub async fn count(tx: &mut Tx, f: &Filter) -> DbResult<i64> {
    let b = Binds::of(f);
    let n: i64 = with_filter!(tx, [scalar fetch_one],
        concat!("SELECT COUNT(*) FROM clips c", clip_where!()), f, b)?;
    Ok(n)
}

pub async fn set_current_version(
    tx: &mut Tx,
    id: ClipId,
    version: VersionId,
    now: i64,
) -> DbResult<()> {
    sql!(tx, execute
        // A cover is a frame of one version: the next is chosen afresh.
        "UPDATE clips SET current_version_id = $1, cover_ms = NULL, updated_at = $2 WHERE id = $3",
        version, now, id)?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Version {
    pub id: VersionId,
    pub clip_id: ClipId,
    pub number: i64,
    pub sha256: String,
    pub size_bytes: i64,
    pub original_key: String,
    pub original_name: String,
    pub uploaded_by: UserId,
    #[sqlx(try_from = "String")]
    pub status: VersionStatus,
    pub probe: Option<String>,
    pub validation: Option<String>,
    pub qc: Option<String>,
    pub compliance: Option<String>,
    pub outputs: Option<String>,
    pub error: Option<String>,
    /// The digest of its subtitle tracks (`domain::subtitles::digest`).
    pub subtitles_sha256: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Version {
    /// The duration its probe measured, in seconds.
    pub fn duration_s(&self) -> Option<f64> {
        #[derive(serde::Deserialize)]
        struct Probed {
            duration_s: Option<f64>,
        }
        self.probe
            .as_deref()
            .and_then(|p| serde_json::from_str::<Probed>(p).ok())
            .and_then(|p| p.duration_s)
    }
}

macro_rules! select_version {
    ($rest:literal) => {
        concat!(
            "SELECT id, clip_id, number, sha256, size_bytes, original_key, original_name, uploaded_by,
                    status, probe, validation, qc, compliance, outputs, error, subtitles_sha256,
                    created_at, updated_at
             FROM clip_versions ",
            $rest
        )
    };
}

pub struct NewVersion<'a> {
    pub clip_id: ClipId,
    pub sha256: &'a str,
    pub size_bytes: i64,
    pub original_key: &'a str,
    pub original_name: &'a str,
    pub uploaded_by: UserId,
    pub now: i64,
}

/// Adds the next version of a clip, in `processing`.
pub async fn insert_version(tx: &mut Tx, v: NewVersion<'_>) -> DbResult<(VersionId, i64)> {
    let (id, number): (i64, i64) = sql!(tx, fetch_one
        "INSERT INTO clip_versions (clip_id, number, sha256, size_bytes, original_key, original_name,
                                    uploaded_by, status, created_at, updated_at)
         VALUES ($1, (SELECT COALESCE(MAX(number), 0) + 1 FROM clip_versions WHERE clip_id = $1),
                 $2, $3, $4, $5, $6, 'processing', $7, $7)
         RETURNING id, number",
        v.clip_id, v.sha256, v.size_bytes, v.original_key, v.original_name, v.uploaded_by, v.now)?;
    Ok((VersionId(id), number))
}

pub async fn get_version(tx: &mut Tx, id: VersionId) -> DbResult<Option<Version>> {
    Ok(sql!(tx, fetch_optional select_version!("WHERE id = $1"), id)?)
}

/// The current versions of the agency's clips in `state`, in one query
/// (a queue's clips, read together rather than one by one).
pub async fn current_versions_in_state(
    tx: &mut Tx,
    agency: OrgId,
    state: &str,
) -> DbResult<Vec<Version>> {
    Ok(sql!(tx, fetch_all select_version!(
        "WHERE id IN (SELECT current_version_id FROM clips WHERE agency_id = $1 AND state = $2)"),
        agency, state)?)
}

/// A version of one of the agency's clips, in one query (never another
/// clip's or another agency's).
pub async fn version_of(
    tx: &mut Tx,
    agency: OrgId,
    clip: ClipId,
    id: VersionId,
) -> DbResult<Option<Version>> {
    Ok(sql!(tx, fetch_optional select_version!(
        "WHERE id = $1 AND clip_id = $2
           AND clip_id IN (SELECT id FROM clips WHERE agency_id = $3)"),
        id, clip, agency)?)
}

pub async fn versions_of(tx: &mut Tx, clip: ClipId) -> DbResult<Vec<Version>> {
    Ok(sql!(tx, fetch_all select_version!("WHERE clip_id = $1 ORDER BY number DESC"), clip)?)
}

/// The results of checking a version.
pub struct Checked<'a> {
    pub status: &'a str,
    pub probe: Option<&'a str>,
    pub validation: Option<&'a str>,
    pub qc: Option<&'a str>,
    pub compliance: Option<&'a str>,
    pub outputs: Option<&'a str>,
    pub error: Option<&'a str>,
}

impl<'a> Checked<'a> {
    /// A status with nothing else recorded (earlier results are kept).
    pub fn status(status: &'a str) -> Checked<'a> {
        Checked {
            status,
            probe: None,
            validation: None,
            qc: None,
            compliance: None,
            outputs: None,
            error: None,
        }
    }
}

pub async fn set_checked(tx: &mut Tx, id: VersionId, r: Checked<'_>, now: i64) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE clip_versions SET status = $1, probe = COALESCE($2, probe),
                validation = COALESCE($3, validation), qc = COALESCE($4, qc),
                compliance = COALESCE($5, compliance), outputs = COALESCE($6, outputs),
                error = $7, updated_at = $8
         WHERE id = $9",
        r.status, r.probe, r.validation, r.qc, r.compliance, r.outputs, r.error, now, id)?;
    Ok(())
}

/// Removes a version (only ever an invalid or failed one).
pub async fn delete_version(tx: &mut Tx, id: VersionId) -> DbResult<()> {
    sql!(tx, execute
        "DELETE FROM clip_comments WHERE version_id = $1 AND parent_id IS NOT NULL",
        id)?;
    sql!(tx, execute "DELETE FROM clip_comments WHERE version_id = $1", id)?;
    sql!(tx, execute "DELETE FROM checklist_ticks WHERE version_id = $1", id)?;
    sql!(tx, execute "UPDATE uploads SET version_id = NULL WHERE version_id = $1", id)?;
    sql!(tx, execute "DELETE FROM clip_versions WHERE id = $1", id)?;
    Ok(())
}

/// How many versions (of any clip) keep this original.
pub async fn versions_with_sha(tx: &mut Tx, sha256: &str) -> DbResult<i64> {
    Ok(sql!(tx, scalar fetch_one "SELECT COUNT(*) FROM clip_versions WHERE sha256 = $1", sha256)?)
}

/// Removes a clip that has no versions left.
pub async fn delete_empty_clip(tx: &mut Tx, id: ClipId) -> DbResult<bool> {
    sql!(tx, execute "UPDATE uploads SET clip_id = NULL WHERE clip_id = $1", id)?;
    let n = sql!(tx, execute
        "DELETE FROM clips WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM clip_versions WHERE clip_id = $1)",
        id)?;
    Ok(n == 1)
}

/// The newest remaining version of a clip.
pub async fn latest_version(tx: &mut Tx, clip: ClipId) -> DbResult<Option<VersionId>> {
    Ok(sql!(tx, scalar fetch_optional
        "SELECT id FROM clip_versions WHERE clip_id = $1 ORDER BY number DESC LIMIT 1",
        clip)?)
}

/// A clip's editable content, as saved.
pub struct Content<'a> {
    pub title: &'a str,
    pub caption: &'a str,
    pub category: &'a str,
    pub caption_variants: &'a str,
    pub hashtags: &'a str,
    pub political: bool,
    pub political_source: &'a str,
    pub target_channels: &'a str,
    pub publish_at: Option<i64>,
    pub publish_until: Option<i64>,
    pub lint: &'a str,
}

/// Sets a fresh clip's target platforms (a JSON list), before any review.
pub async fn set_targets(tx: &mut Tx, id: ClipId, targets: &str) -> DbResult<()> {
    sql!(tx, execute "UPDATE clips SET target_channels = $1 WHERE id = $2", targets, id)?;
    Ok(())
}

/// Tags a clip just made from an upload (before any review) to a campaign.
pub async fn set_campaign_of_new(tx: &mut Tx, id: ClipId, campaign: i64) -> DbResult<()> {
    sql!(tx, execute "UPDATE clips SET campaign_id = $1 WHERE id = $2", campaign, id)?;
    Ok(())
}

/// Sets the clip's cover and campaign if the clip is still at `revision`;
/// false when someone saved in between.
pub async fn set_choices(
    tx: &mut Tx,
    id: ClipId,
    revision: i64,
    cover_ms: Option<i64>,
    campaign: Option<i64>,
    now: i64,
) -> DbResult<bool> {
    let n = sql!(tx, execute
        "UPDATE clips SET cover_ms = $1, campaign_id = $2, revision = revision + 1, updated_at = $3
         WHERE id = $4 AND revision = $5",
        cover_ms, campaign, now, id, revision)?;
    Ok(n == 1)
}

/// Saves content if the clip is still at `revision`; false when someone else
/// saved in between (nothing is written then).
pub async fn save_content(
    tx: &mut Tx,
    id: ClipId,
    revision: i64,
    c: &Content<'_>,
    now: i64,
) -> DbResult<bool> {
    let n = sql!(tx, execute
        "UPDATE clips SET title = $1, caption = $2, category = $3, caption_variants = $4,
                hashtags = $5, political = $6, political_source = $7, target_channels = $8,
                publish_at = $9, publish_until = $10, lint = $11, revision = revision + 1,
                updated_at = $12
         WHERE id = $13 AND revision = $14",
        c.title, c.caption, c.category, c.caption_variants, c.hashtags, c.political as i64,
        c.political_source, c.target_channels, c.publish_at, c.publish_until, c.lint, now, id,
        revision)?;
    if n == 1 {
        reindex(tx, id).await?;
    }
    Ok(n == 1)
}

/// How many of the agency's clips wait for a review or a signature, and how
/// many of those are political.
pub async fn waiting_counts(tx: &mut Tx, agency: OrgId) -> DbResult<(i64, i64)> {
    let all: i64 = sql!(tx, scalar fetch_one
        "SELECT COUNT(*) FROM clips WHERE agency_id = $1 AND state IN ('submitted', 'in_review')",
        agency)?;
    let political: i64 = sql!(tx, scalar fetch_one
        "SELECT COUNT(*) FROM clips
         WHERE agency_id = $1 AND state IN ('submitted', 'in_review') AND political = 1",
        agency)?;
    Ok((all, political))
}

/// Refreshes a clip's search words from its text and comments (after every
/// save and comment; see `lint::search_key`).
pub async fn reindex(tx: &mut Tx, id: ClipId) -> DbResult<()> {
    let row: Option<(String, String, String, String)> = sql!(tx, fetch_optional
        "SELECT title, caption, caption_variants, hashtags FROM clips WHERE id = $1", id)?;
    let Some((title, caption, variants, hashtags)) = row else {
        return Ok(());
    };
    let comments: Vec<String> = sql!(tx, scalar fetch_all
        "SELECT body FROM clip_comments WHERE clip_id = $1 ORDER BY id", id)?;
    let title_len = title.len();
    let mut text = [title, caption, variants, hashtags].join(" ");
    for c in comments {
        text.push(' ');
        text.push_str(&c);
    }
    let key = crate::lint::search_key(&text);
    let title_key = crate::lint::search_key(&text[..title_len]);
    sql!(tx, execute "UPDATE clips SET search_text = $1, title_key = $2 WHERE id = $3",
        key, title_key, id)?;
    Ok(())
}

/// [`reindex`] for every clip (once, when search arrived).
pub async fn reindex_all(tx: &mut Tx) -> DbResult<()> {
    let ids: Vec<ClipId> = sql!(tx, scalar fetch_all "SELECT id FROM clips ORDER BY id")?;
    for id in ids {
        reindex(tx, id).await?;
    }
    Ok(())
}

/// Records the time chosen inside the signed window (`None`: unscheduled).
pub async fn set_scheduled(tx: &mut Tx, id: ClipId, at: Option<i64>) -> DbResult<()> {
    sql!(tx, execute "UPDATE clips SET scheduled_at = $1 WHERE id = $2", at, id)?;
    Ok(())
}

/// Moves a clip from `from` to `to`; false when it was no longer in `from`.
pub async fn set_state(tx: &mut Tx, id: ClipId, from: &str, to: &str, now: i64) -> DbResult<bool> {
    let n = sql!(tx, execute
        "UPDATE clips SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4",
        to, now, id, from)?;
    Ok(n == 1)
}

/// Sets or clears the soft edit lock.
pub async fn set_lock(
    tx: &mut Tx,
    id: ClipId,
    user: Option<UserId>,
    at: Option<i64>,
) -> DbResult<()> {
    sql!(tx, execute "UPDATE clips SET lock_user_id = $1, lock_at = $2 WHERE id = $3",
        user, at, id)?;
    Ok(())
}

/// The agency's clips in any of `states`, most recently changed first.
pub async fn in_states(
    tx: &mut Tx,
    agency: OrgId,
    states: &[&str],
    limit: i64,
) -> DbResult<Vec<Clip>> {
    // At most ten states: bind them as a fixed list, unused slots repeat the first.
    let mut s: Vec<&str> = states.to_vec();
    if s.is_empty() {
        return Ok(vec![]);
    }
    while s.len() < 10 {
        s.push(states[0]);
    }
    let rows: Vec<ClipRow> = sql!(tx, fetch_all select_clip!(
        "WHERE agency_id = $1 AND state IN ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ORDER BY updated_at DESC, id DESC LIMIT $12"),
        agency, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], limit)?;
    rows.into_iter().map(Clip::try_from).collect()
}
