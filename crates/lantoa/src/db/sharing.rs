//! Sharing across the network: offers of clips to the body's agencies, the
//! shared library an agency searches, the copies taken from an offer and
//! how far they went.
//!
//! What one agency may see of another's is decided here, in the SQL: an offer
//! is visible to an agency of its body when it is offered to all of them or
//! to that one ([`visible`]); nothing else of the source clip is read for the
//! taker.

use super::clips::MAX_TERMS;
use super::{DbResult, Tx, sql};
use crate::domain::{ClipId, OrgId, UserId, VersionId};

/// An offer, as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Offer {
    pub id: i64,
    pub body_id: OrgId,
    pub agency_id: OrgId,
    pub clip_id: ClipId,
    pub version_id: VersionId,
    pub title: String,
    pub caption: String,
    pub caption_variants: String,
    pub hashtags: String,
    pub category: String,
    pub political: i64,
    pub campaign_id: Option<i64>,
    pub credit: String,
    pub may_adapt: i64,
    pub may_cut: i64,
    pub ends_at: Option<i64>,
    pub to_all: i64,
    pub by_body: i64,
    pub recommendation: String,
    pub offered_by: UserId,
    pub withdrawn_at: Option<i64>,
    pub created_at: i64,
    /// The source agency's name.
    pub agency_name: String,
}

macro_rules! select_offer {
    ($rest:literal) => {
        concat!(
            "SELECT o.id, o.body_id, o.agency_id, o.clip_id, o.version_id, o.title, o.caption,
                    o.caption_variants, o.hashtags, o.category, o.political, o.campaign_id,
                    o.credit, o.may_adapt, o.may_cut, o.ends_at, o.to_all, o.by_body,
                    o.recommendation, o.offered_by, o.withdrawn_at, o.created_at,
                    a.name AS agency_name
             FROM offers o JOIN orgs a ON a.id = o.agency_id ",
            $rest
        )
    };
}

/// What an offer is made of.
pub struct NewOffer<'a> {
    pub body: OrgId,
    pub agency: OrgId,
    pub clip: ClipId,
    pub version: VersionId,
    pub snapshot: Snapshot,
    pub campaign: Option<i64>,
    pub credit: &'a str,
    pub may_adapt: bool,
    pub may_cut: bool,
    pub ends_at: Option<i64>,
    pub to_all: bool,
    pub by_body: bool,
    pub recommendation: &'a str,
    pub by: UserId,
    pub now: i64,
}

/// The approved content an offer hands on (JSON columns as text).
pub struct Snapshot {
    pub title: String,
    pub caption: String,
    pub caption_variants: String,
    pub hashtags: String,
    pub category: String,
    pub political: bool,
}

impl Snapshot {
    /// A clip's content as it stands (approved, when the clip is).
    pub fn of(clip: &super::clips::Clip) -> Snapshot {
        Snapshot {
            title: clip.title.clone(),
            caption: clip.caption.clone(),
            caption_variants: serde_json::to_string(&clip.caption_variants).unwrap_or_default(),
            hashtags: serde_json::to_string(&clip.hashtags).unwrap_or_default(),
            category: clip.category.clone(),
            political: clip.political,
        }
    }

    fn search_text(&self) -> String {
        crate::lint::search_key(
            &[&self.title, &self.caption, &self.hashtags]
                .map(String::as_str)
                .join(" "),
        )
    }
}

pub async fn insert(tx: &mut Tx, o: &NewOffer<'_>, agencies: &[OrgId]) -> DbResult<i64> {
    let s = &o.snapshot;
    let id: i64 = sql!(tx, scalar fetch_one
        "INSERT INTO offers (body_id, agency_id, clip_id, version_id, title, caption,
                             caption_variants, hashtags, category, political, campaign_id, credit,
                             may_adapt, may_cut, ends_at, to_all, by_body, recommendation,
                             offered_by, search_text, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                 $19, $20, $21, $21)
         RETURNING id",
        o.body, o.agency, o.clip, o.version, &s.title, &s.caption, &s.caption_variants, &s.hashtags,
        &s.category, s.political as i64, o.campaign, o.credit, o.may_adapt as i64,
        o.may_cut as i64, o.ends_at, o.to_all as i64, o.by_body as i64, o.recommendation, o.by,
        s.search_text(), o.now)?;
    for a in agencies {
        sql!(tx, execute "INSERT INTO offer_agencies (offer_id, agency_id) VALUES ($1, $2)",
            id, a)?;
    }
    Ok(id)
}

pub async fn get(tx: &mut Tx, id: i64) -> DbResult<Option<Offer>> {
    Ok(sql!(tx, fetch_optional select_offer!("WHERE o.id = $1"), id)?)
}

/// The offers the agency's clips in `state` were taken from, in one query.
pub async fn taken_by_clips_in_state(
    tx: &mut Tx,
    agency: OrgId,
    state: &str,
) -> DbResult<Vec<Offer>> {
    Ok(sql!(tx, fetch_all select_offer!(
        "WHERE o.id IN (SELECT offer_id FROM clips WHERE agency_id = $1 AND state = $2)"),
        agency, state)?)
}

/// The offer `id` if the agency `viewer` may see it: offered to every
/// agency of the viewer's body or to the viewer, or the viewer's own.
pub async fn visible(tx: &mut Tx, viewer: OrgId, id: i64) -> DbResult<Option<Offer>> {
    Ok(sql!(tx, fetch_optional select_offer!(
        "WHERE o.id = $1 AND (o.agency_id = $2
            OR (o.body_id = (SELECT parent_id FROM orgs WHERE id = $2)
                AND (o.to_all = 1
                     OR EXISTS (SELECT 1 FROM offer_agencies x
                                WHERE x.offer_id = o.id AND x.agency_id = $2))))"),
        id, viewer)?)
}

/// The agencies an offer names (none when it is offered to all).
pub async fn named_agencies(tx: &mut Tx, id: i64) -> DbResult<Vec<OrgId>> {
    Ok(sql!(tx, scalar fetch_all
        "SELECT agency_id FROM offer_agencies WHERE offer_id = $1 ORDER BY agency_id", id)?)
}

/// The clip's offer that is not withdrawn (ended or not), if any.
pub async fn standing_of_clip(tx: &mut Tx, clip: ClipId) -> DbResult<Option<Offer>> {
    Ok(sql!(tx, fetch_optional select_offer!(
        "WHERE o.clip_id = $1 AND o.withdrawn_at IS NULL ORDER BY o.id DESC LIMIT 1"), clip)?)
}

/// Withdraws a standing offer (`by`: none when Lantoa withdraws it).
pub async fn withdraw(tx: &mut Tx, id: i64, by: Option<UserId>, now: i64) -> DbResult<bool> {
    let n = sql!(tx, execute
        "UPDATE offers SET withdrawn_at = $1, withdrawn_by = $2, updated_at = $1
         WHERE id = $3 AND withdrawn_at IS NULL",
        now, by, id)?;
    Ok(n == 1)
}

/// A published correction of the source: the clip's standing offers hand
/// on the corrected version and content from now on.
pub async fn move_on(
    tx: &mut Tx,
    clip: ClipId,
    version: VersionId,
    s: &Snapshot,
    now: i64,
) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE offers SET version_id = $1, title = $2, caption = $3, caption_variants = $4,
                           hashtags = $5, category = $6, political = $7, search_text = $8,
                           updated_at = $9
         WHERE clip_id = $10 AND withdrawn_at IS NULL",
        version, &s.title, &s.caption, &s.caption_variants, &s.hashtags, &s.category,
        s.political as i64, s.search_text(), now, clip)?;
    Ok(())
}

// ---- The library --------------------------------------------------------------

/// What the library asks for: empty text and zero filter nothing.
#[derive(Debug, Clone)]
pub struct LibraryFilter {
    pub body: OrgId,
    /// The agency looking (offers visible to it, its own included); `None`:
    /// the body's overseer, who sees every offer of the body.
    pub viewer: Option<OrgId>,
    /// Search words, as `lint::search_key` makes them.
    pub terms: Vec<String>,
    pub category: String,
    pub campaign: i64,
    pub source: i64,
    /// Only offers that may be taken now (not withdrawn, not ended).
    pub open_only: bool,
    pub now: i64,
    pub limit: i64,
    pub offset: i64,
}

/// A line of the library.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Listed {
    pub id: i64,
    pub agency_id: OrgId,
    pub agency_name: String,
    pub clip_id: ClipId,
    pub version_id: VersionId,
    pub title: String,
    pub category: String,
    pub campaign_id: Option<i64>,
    pub campaign_name: Option<String>,
    pub credit: String,
    pub may_adapt: i64,
    pub may_cut: i64,
    pub ends_at: Option<i64>,
    pub by_body: i64,
    pub recommendation: String,
    pub withdrawn_at: Option<i64>,
    pub created_at: i64,
    /// The version's probe and outputs (length, poster), JSON.
    pub probe: Option<String>,
    pub outputs: Option<String>,
    /// The viewer's copy of it, if the viewer took it.
    pub copy_id: Option<ClipId>,
}

/// A library line's SELECT from `$from` (which names the offer `o`);
/// `$viewer` is the parameter of the agency whose copy is looked up.
macro_rules! select_listed {
    ($viewer:literal, $from:expr, $rest:expr) => {
        concat!(
            "SELECT o.id, o.agency_id, a.name AS agency_name, o.clip_id, o.version_id, o.title,
                    o.category, o.campaign_id, c.name AS campaign_name, o.credit, o.may_adapt,
                    o.may_cut, o.ends_at, o.by_body, o.recommendation, o.withdrawn_at,
                    o.created_at, v.probe, v.outputs,
                    (SELECT MIN(k.id) FROM clips k
                      WHERE k.agency_id = ",
            $viewer,
            " AND k.source_clip_id = o.clip_id) AS copy_id
             FROM ",
            $from,
            " JOIN orgs a ON a.id = o.agency_id
             JOIN clip_versions v ON v.id = o.version_id
             LEFT JOIN campaigns c ON c.id = o.campaign_id",
            $rest
        )
    };
}

/// One offer as a library line, with `viewer`'s copy if it took one
/// (`OrgId(0)`: no viewer). Whether the viewer may see it is the caller's
/// question ([`visible`]).
pub async fn listed(tx: &mut Tx, id: i64, viewer: OrgId) -> DbResult<Option<Listed>> {
    Ok(sql!(tx, fetch_optional select_listed!("$2", "offers o", " WHERE o.id = $1"), id, viewer)?)
}

macro_rules! library_where {
    () => {
        " WHERE o.body_id = $1
            AND ($2 = 0 OR o.agency_id = $2 OR o.to_all = 1
                 OR EXISTS (SELECT 1 FROM offer_agencies x WHERE x.offer_id = o.id AND x.agency_id = $2))
            AND ($3 = '' OR o.category = $3) AND ($4 = 0 OR o.campaign_id = $4)
            AND ($5 = 0 OR o.agency_id = $5)
            AND ($6 = 0 OR (o.withdrawn_at IS NULL AND (o.ends_at IS NULL OR o.ends_at > $7)))
            AND o.search_text LIKE $8 AND o.search_text LIKE $9 AND o.search_text LIKE $10
            AND o.search_text LIKE $11 AND o.search_text LIKE $12 "
    };
}

macro_rules! with_library_filter {
    ($tx:expr, [$($how:ident)+], $sql:expr, $f:expr, $like:expr $(, $extra:expr)*) => {
        sql!($tx, $($how)+ $sql, $f.body, $f.viewer.map_or(0, |v| v.0), &$f.category, $f.campaign,
            $f.source, $f.open_only as i64, $f.now, &$like[0], &$like[1], &$like[2], &$like[3],
            &$like[4] $(, $extra)*)
    };
}

fn likes(terms: &[String]) -> Vec<String> {
    (0..MAX_TERMS)
        .map(|i| terms.get(i).map_or("%".into(), |t| format!("%{t}%")))
        .collect()
}

/// One page of the library, newest first.
pub async fn search(tx: &mut Tx, f: &LibraryFilter) -> DbResult<Vec<Listed>> {
    let like = likes(&f.terms);
    // The page's ids are found on `offers` alone, and only those rows are
    // joined: a plan that cannot tell how many offers match (PostgreSQL's
    // generic plan, or no statistics yet) still joins 24 rows, not all.
    Ok(with_library_filter!(
        tx,
        [fetch_all],
        select_listed!(
            "$13",
            concat!(
                "(SELECT o.id FROM offers o",
                library_where!(),
                "ORDER BY o.created_at DESC, o.id DESC LIMIT $14 OFFSET $15) p
                 JOIN offers o ON o.id = p.id"
            ),
            " ORDER BY o.created_at DESC, o.id DESC"
        ),
        f,
        like,
        f.viewer.map_or(0, |v| v.0),
        f.limit,
        f.offset
    )?)
}

/// How many offers match, all pages together.
pub async fn count(tx: &mut Tx, f: &LibraryFilter) -> DbResult<i64> {
    let like = likes(&f.terms);
    Ok(with_library_filter!(tx, [scalar fetch_one],
        concat!("SELECT COUNT(*) FROM offers o", library_where!()), f, like)?)
}

/// The agencies with offers `f` would list whatever its words and other
/// filters (id, name): what the source filter offers.
pub async fn sources(tx: &mut Tx, f: &LibraryFilter) -> DbResult<Vec<(OrgId, String)>> {
    let any = LibraryFilter {
        terms: vec![],
        category: String::new(),
        campaign: 0,
        source: 0,
        ..f.clone()
    };
    let like = likes(&any.terms);
    Ok(with_library_filter!(
        tx,
        [fetch_all],
        concat!(
            "SELECT DISTINCT a.id, a.name FROM offers o JOIN orgs a ON a.id = o.agency_id",
            library_where!(),
            "ORDER BY a.name"
        ),
        any,
        like
    )?)
}

// ---- Copies -------------------------------------------------------------------

/// The agency's copy of a source clip, if it took one (the first).
pub async fn copy_in(tx: &mut Tx, agency: OrgId, source: ClipId) -> DbResult<Option<ClipId>> {
    Ok(sql!(tx, scalar fetch_optional
        "SELECT id FROM clips WHERE agency_id = $1 AND source_clip_id = $2 ORDER BY id LIMIT 1",
        agency, source)?)
}

/// Adds a version to the clip `clip` that is the version `from` of the
/// source: the same stored original and the same checked outputs (nothing
/// is copied or checked again), ready at once.
pub async fn insert_copy_version(
    tx: &mut Tx,
    clip: ClipId,
    from: VersionId,
    by: UserId,
    now: i64,
) -> DbResult<(VersionId, i64)> {
    let (id, number): (i64, i64) = sql!(tx, fetch_one
        "INSERT INTO clip_versions (clip_id, number, sha256, size_bytes, original_key,
                                    original_name, uploaded_by, status, probe, validation, qc,
                                    compliance, outputs, error, created_at, updated_at)
         SELECT $1, (SELECT COALESCE(MAX(number), 0) + 1 FROM clip_versions WHERE clip_id = $1),
                sha256, size_bytes, original_key, original_name, $2, status, probe, validation,
                qc, compliance, outputs, error, $3, $3
         FROM clip_versions WHERE id = $4
         RETURNING id, number",
        clip, by, now, from)?;
    Ok((VersionId(id), number))
}

/// Marks a clip as taken from `offer` (the source clip and version).
pub async fn set_taken(
    tx: &mut Tx,
    clip: ClipId,
    offer: i64,
    source: ClipId,
    version: VersionId,
) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE clips SET offer_id = $1, source_clip_id = $2, source_version_id = $3,
                          source_update_id = NULL
         WHERE id = $4",
        offer, source, version, clip)?;
    Ok(())
}

/// A copy as its source's page and the spread view list it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Copy {
    pub id: ClipId,
    pub agency_id: OrgId,
    pub agency_name: String,
    pub state: String,
    pub created_at: i64,
    pub source_clip_id: ClipId,
}

/// Every copy of these source clips, by agency name.
pub async fn copies_of(tx: &mut Tx, sources: &[ClipId]) -> DbResult<Vec<Copy>> {
    let mut out = Vec::new();
    for s in sources {
        let mut rows: Vec<Copy> = sql!(tx, fetch_all
            "SELECT k.id, k.agency_id, a.name AS agency_name, k.state, k.created_at,
                    k.source_clip_id
             FROM clips k JOIN orgs a ON a.id = k.agency_id
             WHERE k.source_clip_id = $1 ORDER BY a.name, k.id",
            s)?;
        out.append(&mut rows);
    }
    Ok(out)
}

/// A post of a copy, for the spread.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CopyPost {
    pub clip_id: ClipId,
    pub platform: String,
    pub channel_name: String,
    pub state: String,
    pub url: Option<String>,
    pub published_at: Option<i64>,
    pub removal: Option<String>,
    pub removed_at: Option<i64>,
    /// The latest reach the collector measured.
    pub reach: Option<i64>,
}

/// The posts of the copies of a source clip, newest round first.
pub async fn copy_posts(tx: &mut Tx, source: ClipId) -> DbResult<Vec<CopyPost>> {
    Ok(sql!(tx, fetch_all
        "SELECT p.clip_id, ch.platform, ch.name AS channel_name, p.state, p.url, p.published_at,
                p.removal, p.removed_at, m.reach
         FROM publications p JOIN channels ch ON ch.id = p.channel_id
         JOIN clips k ON k.id = p.clip_id
         LEFT JOIN post_metrics m ON m.publication_id = p.id
         WHERE k.source_clip_id = $1 AND p.state IN ('published', 'superseded')
         ORDER BY p.clip_id, p.round DESC, ch.platform",
        source)?)
}

/// The copies of a source clip that are not taken down or spiked, with the
/// agency's choice to follow the source's takedowns.
pub async fn live_copies(tx: &mut Tx, source: ClipId) -> DbResult<Vec<(ClipId, OrgId, i64)>> {
    Ok(sql!(tx, fetch_all
        "SELECT k.id, k.agency_id, COALESCE(s.follow_source_takedowns, 0)
         FROM clips k LEFT JOIN agency_settings s ON s.agency_id = k.agency_id
         WHERE k.source_clip_id = $1 AND k.state NOT IN ('taken_down', 'spiked')
         ORDER BY k.id",
        source)?)
}

pub async fn set_source_down(tx: &mut Tx, source: ClipId, now: i64) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE clips SET source_down_at = $1 WHERE source_clip_id = $2 AND source_down_at IS NULL",
        now, source)?;
    Ok(())
}

/// A corrected source version is out: every copy not on it is offered it.
pub async fn set_source_update(tx: &mut Tx, source: ClipId, version: VersionId) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE clips SET source_update_id = $1
         WHERE source_clip_id = $2 AND source_version_id <> $1",
        version, source)?;
    Ok(())
}

// ---- Figures ------------------------------------------------------------------

/// An agency's sharing in figures: clips, agencies, posts and reach.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct Figures {
    pub clips: i64,
    pub agencies: i64,
    pub posts: i64,
    pub reach: i64,
}

/// The agency's clips re-published by others (`by_others`), or the clips
/// it took from others: copies made and posts published in `[from, to)`.
pub async fn figures(
    tx: &mut Tx,
    agency: OrgId,
    by_others: bool,
    (from, to): (i64, i64),
) -> DbResult<Figures> {
    let side = i64::from(by_others);
    let (clips, agencies): (i64, i64) = sql!(tx, fetch_one
        "SELECT COUNT(*),
                COUNT(DISTINCT CASE WHEN $3 = 1 THEN k.agency_id ELSE s.agency_id END)
         FROM clips k JOIN clips s ON s.id = k.source_clip_id
         WHERE ((($3 = 1 AND s.agency_id = $1) OR ($3 = 0 AND k.agency_id = $1)))
           AND k.created_at >= $2 AND k.created_at < $4",
        agency, from, side, to)?;
    let (posts, reach): (i64, Option<i64>) = sql!(tx, fetch_one
        "SELECT COUNT(*), CAST(SUM(m.reach) AS BIGINT) FROM publications p
         JOIN clips k ON k.id = p.clip_id JOIN clips s ON s.id = k.source_clip_id
         LEFT JOIN post_metrics m ON m.publication_id = p.id
         WHERE p.state IN ('published', 'superseded') AND p.published_at >= $2
           AND p.published_at < $4
           AND (($3 = 1 AND s.agency_id = $1) OR ($3 = 0 AND k.agency_id = $1))",
        agency, from, side, to)?;
    Ok(Figures {
        clips,
        agencies,
        posts,
        reach: reach.unwrap_or(0),
    })
}

/// Sets a copy's caption variants and hashtags (and its caption, when given)
/// as the source's terms ask, and refreshes its search words.
pub async fn set_copy_text(
    tx: &mut Tx,
    clip: ClipId,
    caption: Option<&str>,
    variants: &str,
    hashtags: &str,
) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE clips SET caption = COALESCE($1, caption), caption_variants = $2, hashtags = $3
         WHERE id = $4",
        caption, variants, hashtags, clip)?;
    super::clips::reindex(tx, clip).await
}

/// The clips of the body's agencies its overseer may place in the library:
/// approved, scheduled or published, the agencies' own (not taken), without
/// a standing offer; newest first.
pub async fn placeable(
    tx: &mut Tx,
    body: OrgId,
    limit: i64,
) -> DbResult<Vec<(ClipId, OrgId, String, String)>> {
    Ok(sql!(tx, fetch_all
        "SELECT c.id, c.agency_id, a.name, c.title FROM clips c JOIN orgs a ON a.id = c.agency_id
         WHERE a.parent_id = $1 AND c.state IN ('approved', 'scheduled', 'published')
           AND c.source_clip_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.clip_id = c.id AND o.withdrawn_at IS NULL)
         ORDER BY c.updated_at DESC, c.id DESC LIMIT $2",
        body, limit)?)
}

/// The live copies of a source clip that are on an earlier version than
/// `version` and have not been offered it yet (copy, agency).
pub async fn copies_behind(
    tx: &mut Tx,
    source: ClipId,
    version: VersionId,
) -> DbResult<Vec<(ClipId, OrgId)>> {
    Ok(sql!(tx, fetch_all
        "SELECT id, agency_id FROM clips
         WHERE source_clip_id = $1 AND state NOT IN ('taken_down', 'spiked')
           AND source_version_id <> $2
           AND (source_update_id IS NULL OR source_update_id <> $2)
         ORDER BY id",
        source, version)?)
}

/// How far each campaign's shared clips went: (campaign, name, shared
/// clips, agencies that took them, their posts, measured reach).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CampaignSpread {
    pub campaign_id: i64,
    pub name: String,
    pub clips: i64,
    pub agencies: i64,
    pub posts: i64,
    pub reach: Option<i64>,
}

pub async fn campaign_spread(tx: &mut Tx, body: OrgId) -> DbResult<Vec<CampaignSpread>> {
    Ok(sql!(tx, fetch_all
        "SELECT c.id AS campaign_id, c.name, COUNT(DISTINCT o.clip_id) AS clips,
                COUNT(DISTINCT k.agency_id) AS agencies, COUNT(DISTINCT p.id) AS posts,
                CAST(SUM(m.reach) AS BIGINT) AS reach
         FROM offers o JOIN campaigns c ON c.id = o.campaign_id
         LEFT JOIN clips k ON k.offer_id = o.id
         LEFT JOIN publications p ON p.clip_id = k.id AND p.state IN ('published', 'superseded')
         LEFT JOIN post_metrics m ON m.publication_id = p.id
         WHERE o.body_id = $1
         GROUP BY c.id, c.name ORDER BY c.id DESC",
        body)?)
}
