//! What the content calendar reads: each post of a clip on a channel, at the
//! time it went out or is to go out.

use super::{DbResult, Tx, sql};
use crate::domain::{ClipId, OrgId};

/// A clip's post on one channel.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Post {
    pub clip_id: ClipId,
    pub agency_id: OrgId,
    pub title: String,
    /// The clip's workflow state.
    pub clip_state: String,
    pub political: i64,
    /// The signed publish window.
    pub publish_at: Option<i64>,
    pub publish_until: Option<i64>,
    pub platform: String,
    pub channel: String,
    /// The publication's state.
    pub state: String,
    pub removal: Option<String>,
    /// When it went out, or is to go out (ms).
    pub at: i64,
}

/// The agency's posts from `from` to before `to` (ms), in time order;
/// cancelled and superseded ones apart.
pub async fn posts(tx: &mut Tx, agency: OrgId, from: i64, to: i64) -> DbResult<Vec<Post>> {
    Ok(sql!(tx, fetch_all
        "SELECT p.clip_id, p.agency_id, c.title, c.state AS clip_state, c.political,
                c.publish_at, c.publish_until, ch.platform, ch.name AS channel, p.state,
                p.removal, COALESCE(p.published_at, p.run_at) AS at
         FROM publications p
         JOIN clips c ON c.id = p.clip_id
         JOIN channels ch ON ch.id = p.channel_id
         WHERE p.agency_id = $1 AND p.state NOT IN ('cancelled', 'superseded')
           AND COALESCE(p.published_at, p.run_at) >= $2
           AND COALESCE(p.published_at, p.run_at) < $3
         ORDER BY at, p.clip_id, ch.platform",
        agency, from, to)?)
}
